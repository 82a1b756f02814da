//! `/`: the shop at a glance — what is for sale where, what needs the
//! owner, what sold, how the marketplaces last synced, what just happened.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use riff_domain::settings::DropdownField;
use riff_domain::value::Platform;
use riff_projections::audit::{self, AuditQuery};
use riff_projections::view::flags::{self, FlagStatus};
use riff_projections::view::sales::{self, SalesQuery};
use riff_projections::view::settings::dropdown_sort;
use riff_projections::view::sync_runs;

use super::layout::{self, badge, when_text};
use super::session::Session;
use super::Failure;
use crate::state::AppState;

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, Failure> {
    let orders = dropdown_sort(&state.db).await?;
    let facets = state.counts.facets(&state.db, &orders).await?;
    let counts = |field: DropdownField| {
        facets
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, values)| values.clone())
            .unwrap_or_default()
    };
    let open_flags = flags::list(&state.db, Some(FlagStatus::Open), None).await?;
    let recent_sales = sales::report(&state.db, &SalesQuery::default()).await?;
    let synced = sync_runs::platforms(&state.db).await?;
    // The newest events: the audit pages forward from a position.
    let head = riff_projections::log::safe_position(&state.db).await?;
    let activity = audit::search(
        &state.db,
        &AuditQuery {
            after: (head - 12).max(0),
            limit: 12,
            ..AuditQuery::default()
        },
    )
    .await?;
    let activity: Vec<_> = activity.iter().rev().take(12).collect();
    let stalls = state.projector.stalls();
    let body = html! {
        h1 { "Dashboard" }
        @if !stalls.is_empty() {
            section.alert role="alert" {
                h2 { "Some views have stopped" }
                p { "These views cannot apply the next event in the log, so their pages show the shop as it was before it. Everything else works, and each one is tried again by itself; upgrading Riff, or the fix the error points to, lets it catch up." }
                ul {
                    @for (view, stall) in &stalls {
                        li { strong { (view) } " at event " (stall.stalled_at) ": " (stall.error) }
                    }
                }
            }
        }
        section.cards {
            @for value in counts(DropdownField::Status) {
                a.card href=(format!("/inventory?status={}", value.value)) {
                    div.n { (value.count) }
                    div { (value.value) }
                }
            }
            a.card href="/flags" {
                div.n { (open_flags.len()) }
                div { "open flags" }
            }
        }
        h2 { "Listed on" }
        section.cards {
            @for value in counts(DropdownField::Platform) {
                a.card href=(format!("/inventory?platform={}", value.value)) {
                    div.n { (value.count) }
                    div { (platform_name(&value.value)) }
                }
            }
        }
        h2 { "Sale to ended elsewhere" }
        @match state.metrics.recent_sale_to_ended() {
            Some((median, slowest, n)) => p {
                "Over the last " (n) " listings ended because the item sold elsewhere: median "
                (format!("{:.1} s", median.as_secs_f64())) ", slowest " (format!("{:.1} s", slowest.as_secs_f64())) "."
            },
            None => p { "No listing has been ended for a sale elsewhere since Riff started." },
        }
        h2 { "Last sync" }
        @if synced.is_empty() {
            p { "No sync has run yet. " a href="/sync" { "Sync now" } }
        } @else {
            table.stack {
                thead { tr { th { "Platform" } th { "Last sync" } th { "Last success" } th { "Outcome" } } }
                tbody {
                    @for p in &synced {
                        tr {
                            td data-label="Platform" { (platform_name(&p.platform)) }
                            td data-label="Last sync" { (when_text(&p.last_synced_at, state.zone)) }
                            td data-label="Last success" { (p.last_success_at.as_deref().unwrap_or("never")) }
                            td data-label="Outcome" {
                                @match &p.last_error {
                                    Some(error) => span.error { (error) },
                                    None => (badge("succeeded")),
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Needs you" }
        @if open_flags.is_empty() {
            p { "Nothing to review." }
        } @else {
            ul {
                @for flag in open_flags.iter().take(5) {
                    li {
                        (badge(&flag.kind)) " "
                        @if let Some(sku) = &flag.sku { a href=(format!("/products/{sku}")) { (sku) } ": " }
                        (flag.message)
                    }
                }
            }
            a href="/flags" { "All flags" }
        }
        h2 { "Recent sales" }
        @if recent_sales.items.is_empty() {
            p { "No sales yet." }
        } @else {
            table.stack {
                thead { tr { th { "Sold" } th { "SKU" } th { "Where" } th.num { "Price" } th { "Status" } } }
                tbody {
                    @for sale in recent_sales.items.iter().take(8) {
                        tr {
                            td data-label="Sold" { (when_text(&sale.sold_at, state.zone)) }
                            td data-label="SKU" { a href=(format!("/products/{}", sale.sku)) { (sale.sku) } }
                            td data-label="Where" { (platform_name(&sale.platform)) }
                            td.num data-label="Price" { (sale.price) " " (sale.currency) }
                            td data-label="Status" { (badge(&sale.status)) }
                        }
                    }
                }
            }
        }
        h2 { "Recent activity" }
        ul {
            @for entry in activity {
                li { small { (when_text(&entry.recorded_at, state.zone)) } " " (entry.summary) }
            }
        }
    };
    Ok(layout::page("Dashboard", "/", &session, body).into_response())
}

/// A platform's own name ("Vintage & Rare"), or the text as it is.
pub(crate) fn platform_name(raw: &str) -> String {
    raw.parse::<Platform>()
        .map_or_else(|_| raw.to_owned(), |p| p.display_name().to_owned())
}
