//! `/products/{sku}`: the product — details, media, where it is listed
//! (with publish, end and retry), a sale at the counter, its open flags and
//! its history — now, or `?at=` as it was at a moment or log position.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use chrono_tz::Tz;
use maud::{html, Markup};
use riff_domain::value::Platform;
use riff_projections::audit;
use riff_projections::timeline::{self, At};
use riff_projections::view::flags::{self, FlagRow, FlagStatus};
use riff_projections::view::inventory::{self, InventoryItem};
use riff_projections::view::product_listings::{self, ListingRow};
use riff_projections::{log, Envelope};
use serde::Deserialize;

use super::listings::parse_time;
use super::{attributes, media, not_found};
use crate::admin::dashboard::platform_name;
use crate::admin::layout::{self, badge, csrf, when, when_text};
use crate::admin::session::Session;
use crate::admin::Failure;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub(crate) struct ShowQuery {
    /// A time (RFC 3339, or `2026-11-25T10:30` in the shop's time zone) or
    /// a log position.
    at: Option<String>,
    notice: Option<String>,
}

/// What `?at=` names.
fn parse_at(raw: &str, zone: Tz) -> Result<At, String> {
    let raw = raw.trim();
    if let Ok(position) = raw.parse::<i64>() {
        return Ok(At::Position(position));
    }
    parse_time(raw, zone).map(At::Time).ok_or_else(|| {
        format!(
            "“As of” takes a date and time such as 2026-11-25T10:30 ({zone} time) or a log \
             position such as 42."
        )
    })
}

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, Failure> {
    let Some(now) = inventory::get(&state.db, &sku).await? else {
        return Ok(not_found(&session, &sku));
    };
    let raw_at = query.at.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let (as_of, at_problem) = match raw_at {
        Some(raw) => as_of(&state, &sku, raw).await?,
        None => (None, None),
    };
    let (item, listings) = match as_of {
        Some(then) => then,
        None => {
            let listings = product_listings::of_products(&state.db, &[sku.as_str()]).await?;
            (now, listings)
        }
    };
    let past = raw_at.filter(|_| at_problem.is_none());
    let open_flags: Vec<_> = flags::list(&state.db, Some(FlagStatus::Open), None)
        .await?
        .into_iter()
        .filter(|f| f.sku.as_deref() == Some(sku.as_str()))
        .collect();
    let history = history(&state, &sku, &listings).await?;
    let readiness = readiness(&state, &sku).await?;
    let body = html! {
        (layout::notice(query.notice.as_deref()))
        h1 { (item.title) " " small { code { (item.sku) } } }
        (as_of_form(&sku, state.zone, raw_at, past, at_problem.as_deref()))
        @if past.is_none() {
            p.actions { a.button href=(format!("/products/{sku}/edit")) { "Edit" } }
            (lifecycle_form(&session, &item))
        }
        (details(&item, state.zone))
        h2 { "Pictures and video" }
        (media::gallery(&media::of(&item)))
        h2 { "Marketplaces" }
        (marketplaces(&state, &session, &item, &listings, past.is_none(), &readiness))
        @if past.is_none() {
            h2 { "Record an in-store sale" }
            (sale_form(&session, &item, state.zone))
        }
        h2 { "Open flags" }
        (flag_list(&open_flags, state.zone))
        h2 { "History" }
        (history)
    };
    Ok(layout::page(&item.title, "/inventory", &session, body).into_response())
}

/// The product and its listings as they were at `?at=`, or why `raw`
/// names no moment of the product's life.
async fn as_of(
    state: &AppState,
    sku: &str,
    raw: &str,
) -> Result<(Option<(InventoryItem, Vec<ListingRow>)>, Option<String>), Failure> {
    Ok(match parse_at(raw, state.zone) {
        Ok(at) => match timeline::product_as_of(&state.db, sku, at).await? {
            Some(then) => (Some(then), None),
            None => (None, Some(format!("{sku} did not exist yet at {raw}."))),
        },
        Err(problem) => (None, Some(problem)),
    })
}

/// What each platform would still refuse, beside its Publish button.
async fn readiness(
    state: &AppState,
    sku: &str,
) -> Result<BTreeMap<Platform, Vec<String>>, Failure> {
    let Ok(parsed) = riff_domain::value::Sku::parse(sku) else {
        return Ok(BTreeMap::new());
    };
    match crate::readiness::of_product(&state.engine, &state.verdicts, &parsed).await {
        Ok(readiness) => Ok(readiness),
        Err(crate::error::ApiError::Internal(cause)) => Err(Failure::from(cause)),
        Err(_) => Ok(BTreeMap::new()),
    }
}

/// "As of": the moment shown, when it is not now, and the form to pick
/// another.
fn as_of_form(
    sku: &str,
    zone: Tz,
    raw_at: Option<&str>,
    past: Option<&str>,
    at_problem: Option<&str>,
) -> Markup {
    html! {
        @if let Some(at) = past {
            p.notice.as-of role="status" {
                strong { "As of " (at) } ": the product as it was then. "
                a href=(format!("/products/{sku}")) { "Back to now" }
            }
        }
        @if let Some(problem) = at_problem { p.error role="alert" { (problem) } }
        form.filters method="get" action=(format!("/products/{sku}")) {
            div {
                label for="at" { "As of (" (zone) " time, or a log position)" }
                input id="at" name="at" value=(raw_at.unwrap_or_default()) placeholder="2026-11-25T10:30";
            }
            button.secondary type="submit" { "Show" }
        }
    }
}

fn flag_list(open_flags: &[FlagRow], zone: Tz) -> Markup {
    html! {
        @if open_flags.is_empty() {
            p { "None." }
        } @else {
            ul {
                @for flag in open_flags {
                    li { (badge(&flag.kind)) " " (flag.message) " " small { (when_text(&flag.raised_at, zone)) } }
                }
            }
        }
    }
}

fn details(item: &InventoryItem, zone: Tz) -> Markup {
    html! {
        table.details {
            tbody {
                tr { th { "Status" } td { (badge(&item.status)) } }
                tr { th { "Price" } td.price { (item.price) " " (item.currency) } }
                tr { th { "Quantity" } td { (item.quantity) } }
                tr { th { "Brand" } td { (item.brand) } }
                tr { th { "Model" } td { (item.model) } }
                tr { th { "Year" } td { (item.year.map(|y| y.to_string()).unwrap_or_default()) } }
                tr { th { "Finish" } td { (item.finish.clone().unwrap_or_default()) } }
                tr { th { "Category" } td { (item.category) } }
                tr { th { "Condition" } td { (item.condition) } }
                tr { th { "Version" } td { (item.version) " (updated " (when_text(&item.updated_at, zone)) ")" } }
            }
        }
        @if let Some(description) = &item.description {
            h2 { "Description" }
            pre { (description) }
        }
    }
}

/// One row per platform: its latest listing of the product, and what can
/// be done.
fn marketplaces(
    state: &AppState,
    session: &Session,
    item: &InventoryItem,
    listings: &[ListingRow],
    actions: bool,
    readiness: &BTreeMap<Platform, Vec<String>>,
) -> Markup {
    let sku = &item.sku;
    html! {
        table.stack {
            thead { tr { th { "Platform" } th { "Status" } th { "External id" } th { "Price" } th { "Last outcome" } @if actions { th { "Actions" } } } }
            tbody {
                @for platform in Platform::ALL {
                    @let latest = listings.iter().rfind(|l| l.platform == platform.as_str());
                    @let configured = state.engine.platforms.contains_key(&platform);
                    tr data-platform=(platform.as_str()) {
                        td data-label="Platform" { (platform_name(platform.as_str())) }
                        td data-label="Status" {
                            @match latest {
                                Some(l) => {
                                    (badge(&l.status))
                                    (revision(session, sku, l, actions))
                                },
                                None => "not listed",
                            }
                        }
                        td data-label="External id" {
                            @if let Some(l) = latest {
                                @match (&l.external_id, &l.url) {
                                    (Some(id), Some(url)) => a href=(url) rel="noopener noreferrer" target="_blank" { (id) },
                                    (Some(id), None) => (id),
                                    (None, Some(url)) => a href=(url) rel="noopener noreferrer" target="_blank" { "listing" },
                                    (None, None) => "",
                                }
                            }
                        }
                        td.price data-label="Price" {
                            @if let Some((price, currency)) = latest.and_then(|l| l.price.as_ref().zip(l.currency.as_ref())) {
                                (price) " " (currency)
                            }
                        }
                        td data-label="Last outcome" { (latest.map(|l| l.last_outcome.as_str()).unwrap_or_default()) }
                        @if actions {
                            td data-label="Actions" {
                                @let open = latest.filter(|l| matches!(l.status.as_str(), "pending" | "live" | "ending"));
                                @if let Some(l) = open {
                                    @if l.status != "ending" {
                                        form method="post" action=(format!("/products/{sku}/end")) {
                                            (csrf(session))
                                            input type="hidden" name="listing_id" value=(l.listing_id);
                                            button.secondary type="submit" { "End" }
                                        }
                                    }
                                } @else if item.status == "active" {
                                    @if let Some(missing) = readiness.get(&platform).filter(|m| !m.is_empty()) {
                                        p.readiness { "Not ready: " (missing.join("; ")) }
                                    }
                                    form method="post" action=(format!("/products/{sku}/publish")) {
                                        (csrf(session))
                                        input type="hidden" name="platform" value=(platform.as_str());
                                        (attributes::fieldset(platform))
                                        button type="submit" {
                                            @if latest.is_some_and(|l| l.status == "failed") { "Retry" } @else { "Publish" }
                                        }
                                        @if !configured { " " small { "(not configured)" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Whether a live listing shows the product's last edit, and Retry when
/// the platform refused it.
fn revision(session: &Session, sku: &str, listing: &ListingRow, actions: bool) -> Markup {
    html! {
        @match listing.revision {
            Some("up_to_date") => { " " small.revision { "up to date" } },
            Some("updating") => { " " small.revision { "updating" } },
            Some("failed") => {
                " " small.revision.failed {
                    "revision failed: " (listing.revise_error.as_deref().unwrap_or_default())
                }
                @if actions {
                    form method="post" action=(format!("/products/{sku}/revise")) {
                        (csrf(session))
                        input type="hidden" name="listing_id" value=(listing.listing_id);
                        button.secondary type="submit" { "Retry" }
                    }
                }
            },
            _ => {},
        }
    }
}

/// Archive, restore or activate, as the product's status allows.
fn lifecycle_form(session: &Session, item: &InventoryItem) -> Markup {
    let action = format!("/products/{}/lifecycle", item.sku);
    html! {
        form.lifecycle method="post" action=(action) {
            (csrf(session))
            @match item.status.as_str() {
                "archived" => {
                    input type="hidden" name="action" value="restore";
                    button.secondary type="submit" { "Restore" }
                    " " small { "Back in the catalogue, listed nowhere until you publish it." }
                },
                "draft" => {
                    input type="hidden" name="action" value="activate";
                    label for="activate-price" { "Price (blank: keep " (item.price) " " (item.currency) ")" }
                    input id="activate-price" name="price";
                    button type="submit" { "Activate" }
                },
                _ => {
                    input type="hidden" name="action" value="archive";
                    button.secondary type="submit" { "Archive" }
                    " " small { "Ends every live listing and takes it out of the catalogue." }
                },
            }
        }
    }
}

fn sale_form(session: &Session, item: &InventoryItem, zone: Tz) -> Markup {
    let sku = &item.sku;
    let now = Utc::now()
        .with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    html! {
        form method="post" action=(format!("/products/{sku}/sale")) {
            (csrf(session))
            div.field {
                label for="order_ref" { "Order / receipt number" }
                input id="order_ref" name="order_ref" required;
            }
            div.field {
                label for="sale-price" { "Price" }
                input id="sale-price" name="price" value=(item.price) required;
            }
            div.field {
                label for="sale-quantity" { "Quantity" }
                input id="sale-quantity" name="quantity" value="1";
            }
            div.field {
                label for="sold_at" { "Sold at (" (zone) " time)" }
                input id="sold_at" name="sold_at" type="datetime-local" value=(now);
            }
            button type="submit" { "Record sale" }
        }
    }
}

/// Every event of the product and its listings, oldest first, with who did
/// it, how, what it belonged to, and the audit's summary.
async fn history(state: &AppState, sku: &str, listings: &[ListingRow]) -> Result<Markup, Failure> {
    let mut aggregates = vec![("product", sku)];
    aggregates.extend(listings.iter().map(|l| ("listing", l.listing_id.as_str())));
    let envelopes: Vec<Envelope> = log::events_of(&state.db, &aggregates)
        .await?
        .iter()
        .map(log::StoredEvent::decode)
        .collect::<Result<_, _>>()?;
    let platforms: HashMap<&str, Platform> = listings
        .iter()
        .filter_map(|l| Some((l.listing_id.as_str(), l.platform.parse().ok()?)))
        .collect();
    Ok(html! {
        table.stack.history {
            thead { tr { th { "When" } th { "What" } th { "Who" } th { "Source" } th { "Correlation / cause" } th {} } }
            tbody {
                @for e in &envelopes {
                    tr {
                        td data-label="When" { small { (when(e.recorded_at, state.zone)) } }
                        td data-label="What" {
                            (audit::summary(e, platforms.get(e.aggregate_id.as_str()).copied()))
                        }
                        td data-label="Who" { (e.metadata.as_ref().map(|m| m.actor.as_str()).unwrap_or("—")) }
                        td data-label="Source" { (e.metadata.as_ref().map(|m| m.source.as_str()).unwrap_or("—")) }
                        td data-label="Correlation / cause" {
                            @if let Some(m) = &e.metadata {
                                small {
                                    code title=(m.correlation_id) { (m.correlation_id.to_string().get(..8).unwrap_or_default()) }
                                    @if let Some(cause) = &m.causation_id { " ← " code { (cause) } }
                                }
                            }
                        }
                        td { a href=(format!("/products/{sku}?at={}", e.position)) { "as of here" } }
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Europe::London;

    use super::*;

    #[test]
    fn as_of_takes_a_position_or_a_time() {
        assert_eq!(parse_at(" 42 ", London), Ok(At::Position(42)));
        assert_eq!(
            parse_at("2026-11-25T10:30", London),
            Ok(At::Time(
                Utc.with_ymd_and_hms(2026, 11, 25, 10, 30, 0).unwrap()
            ))
        );
        assert!(parse_at("last week", London).is_err());
    }
}
