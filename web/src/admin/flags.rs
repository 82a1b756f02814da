//! `/flags`: the review queue, by kind, with what each kind needs — link a
//! found listing to a product, import it as a new one, or resolve with a
//! note.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use maud::{html, Markup};
use riff_domain::EventMetadata;
use riff_projections::view::flags::{self, FlagRow, FlagStatus};
use serde::Deserialize;
use uuid::Uuid;

use super::dashboard::platform_name;
use super::form::CsrfForm;
use super::layout::{self, badge, csrf, when_text};
use super::notice::back_to;
use super::session::Session;
use super::Failure;
use crate::actions;
use crate::drift::{self, Keep};
use crate::state::AppState;

/// The kinds, in the order the queue shows them, with their heading and,
/// where the heading alone does not say it, what the kind means.
const KINDS: [(&str, &str, &str); 9] = [
    ("sale_conflict", "Sold twice", ""),
    ("likely_duplicate", "Looks like a product you have", ""),
    (
        "import_held",
        "Found, not imported",
        "A draft made from a listing priced only in another currency is held here too: give it a price in the shop's currency.",
    ),
    ("imported", "Imported: check the details", ""),
    ("end_failed", "Could not end", ""),
    ("publish_failed", "Could not publish", ""),
    ("revise_failed", "Could not update", ""),
    (
        "status_drifted",
        "Differs on the platform",
        "A quantity that fell with no order behind it is never taken for a sale: check whether it sold in person, then correct the stock.",
    ),
    (
        "currency_mismatch",
        "Priced in another currency",
        "The listing carries a product's SKU but the platform prices it in another currency than the shop's. It is linked: a sale there ends the item everywhere, and a sale elsewhere ends it there. Its price stays the platform's own: Riff does not compare it with the product's price or overwrite it, so change it on the platform when the shop's price changes.",
    ),
];

#[derive(Deserialize, Default)]
pub(crate) struct Filter {
    status: Option<String>,
    notice: Option<String>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(filter): Query<Filter>,
) -> Result<Response, Failure> {
    let status = match filter.status.as_deref() {
        Some("resolved") => FlagStatus::Resolved,
        _ => FlagStatus::Open,
    };
    let all = flags::list(&state.db, Some(status), None).await?;
    let body = html! {
        h1 { "Flags" }
        (layout::notice(filter.notice.as_deref()))
        p {
            @if status == FlagStatus::Open { "Open · " a href="/flags?status=resolved" { "Resolved" } }
            @else { a href="/flags" { "Open" } " · Resolved" }
        }
        @if all.is_empty() {
            p { "Nothing here." }
        }
        @for (kind, heading, meaning) in KINDS {
            @let of_kind: Vec<&FlagRow> = all.iter().filter(|f| f.kind == kind).collect();
            @if !of_kind.is_empty() {
                h2 { (heading) " (" (of_kind.len()) ")" }
                @if !meaning.is_empty() { p.meaning { (meaning) } }
                @for flag in of_kind { (card(flag, &session, state.zone)) }
            }
        }
    };
    Ok(layout::page("Flags", "/flags", &session, body).into_response())
}

fn card(flag: &FlagRow, session: &Session, zone: Tz) -> Markup {
    let listing = (flag.aggregate_type == "listing").then_some(flag.aggregate_id.as_str());
    html! {
        article.card id=(format!("flag-{}", flag.id)) {
            p {
                (badge(&flag.kind)) " "
                @if let Some(sku) = &flag.sku { a href=(format!("/products/{sku}")) { (sku) } " · " }
                @if let Some(platform) = &flag.platform { (platform_name(platform)) " " }
                @if let Some(id) = &flag.external_id { code { (id) } }
                " · " small { (when_text(&flag.raised_at, zone)) }
            }
            p { (flag.message) }
            @if flag.status == "open" {
                div.actions {
                    @if let (Some(listing), true) = (listing, flag.sku.is_none()) {
                        form method="post" action=(format!("/flags/{}/link", flag.id)) {
                            (csrf(session))
                            input type="hidden" name="listing_id" value=(listing);
                            label { "Link to SKU " input name="sku" required size="14"; }
                            button type="submit" { "Link" }
                        }
                        form method="post" action=(format!("/flags/{}/import", flag.id)) {
                            (csrf(session))
                            input type="hidden" name="listing_id" value=(listing);
                            button.secondary type="submit" { "Import as new product" }
                        }
                    }
                    @if flag.kind == "status_drifted" {
                        form method="post" action=(format!("/flags/{}/settle", flag.id)) {
                            (csrf(session))
                            input type="hidden" name="keep" value="platform";
                            button type="submit" { "Take the platform's value" }
                        }
                        form method="post" action=(format!("/flags/{}/settle", flag.id)) {
                            (csrf(session))
                            input type="hidden" name="keep" value="riff";
                            button.secondary type="submit" { "Put Riff's back" }
                        }
                    }
                    form method="post" action=(format!("/flags/{}/resolve", flag.id)) {
                        (csrf(session))
                        label { "Note " input name="note" required placeholder="what you did"; }
                        button.secondary type="submit" { "Resolve" }
                    }
                }
            } @else {
                p { small { "Resolved " (flag.resolved_at.as_deref().unwrap_or("")) " by " (flag.resolved_by.as_deref().unwrap_or("")) ": " (flag.note.as_deref().unwrap_or("")) } }
            }
        }
    }
}

fn back(notice: &str) -> Response {
    back_to("/flags", notice)
}

#[derive(Deserialize)]
pub(crate) struct Resolve {
    note: String,
}

pub(crate) async fn resolve(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Resolve>,
) -> Response {
    let note = form.note.trim().to_owned();
    if note.is_empty() {
        return back("Say in the note how the flag was dealt with.");
    }
    let meta = session.metadata();
    resolve_saying(&state, id, note, &meta, "Flag resolved.").await
}

/// Resolves the flag with `note` once what it asked for is done, and goes
/// back to the queue saying `done`, or why the flag stays open.
async fn resolve_saying(
    state: &AppState,
    id: i64,
    note: String,
    meta: &EventMetadata,
    done: &str,
) -> Response {
    match actions::resolve_flag(state, id, note, meta).await {
        Ok(_) => back(done),
        Err(error) => back(&error.to_string()),
    }
}

#[derive(Deserialize)]
pub(crate) struct Link {
    listing_id: Uuid,
    sku: String,
}

pub(crate) async fn link(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Link>,
) -> Response {
    let meta = session.metadata();
    let sku = form.sku.trim().to_owned();
    if let Err(error) = actions::link_listing(&state, form.listing_id, &sku, &meta).await {
        return back(&error.to_string());
    }
    let note = format!("linked to {sku}");
    resolve_saying(&state, id, note, &meta, &format!("Linked to {sku}.")).await
}

#[derive(Deserialize)]
pub(crate) struct Import {
    listing_id: Uuid,
}

pub(crate) async fn import(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Import>,
) -> Response {
    let meta = session.metadata();
    let sku = match actions::import_listing(&state, form.listing_id, &meta).await {
        Ok(sku) => sku,
        Err(error) => return back(&error.to_string()),
    };
    let note = format!("imported as {sku}");
    resolve_saying(&state, id, note, &meta, &format!("Imported as {sku}.")).await
}

#[derive(Deserialize)]
pub(crate) struct Settle {
    keep: String,
}

pub(crate) async fn settle(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<Settle>,
) -> Response {
    let meta = session.metadata();
    let outcome = async {
        let keep: Keep = form.keep.parse()?;
        drift::settle(&state, id, keep, &meta).await
    }
    .await;
    match outcome {
        Ok(flag) => back(&format!(
            "Settled: {}.",
            flag.note.as_deref().unwrap_or("done")
        )),
        Err(error) => back(&error.to_string()),
    }
}
