//! `/`: the shop at a glance — what is for sale where, what needs the
//! owner, what sold, how the marketplaces last synced, what just happened.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use maud::{html, Markup};
use riff_domain::settings::DropdownField;
use riff_domain::value::Platform;
use riff_projections::audit::{self, AuditQuery, AuditRow};
use riff_projections::runner::Stall;
use riff_projections::view::flags::{self, FlagRow, FlagStatus};
use riff_projections::view::inventory::FacetValue;
use riff_projections::view::sales::{self, SaleRow, SalesQuery};
use riff_projections::view::sync_runs::{self, PlatformSync};

use super::inventory::Facets;
use super::layout::{self, badge, when_text};
use super::session::Session;
use super::Failure;
use crate::state::AppState;

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, Failure> {
    let facets = Facets::load(&state).await?;
    let open_flags = flags::list(&state.db, Some(FlagStatus::Open), None).await?;
    let recent_sales = sales::report(&state.db, &SalesQuery::default()).await?;
    let synced = sync_runs::platforms(&state.db).await?;
    let activity = recent_activity(&state).await?;
    let zone = state.zone;
    let body = html! {
        h1 { "Dashboard" }
        (stalled_views(&state.projector.stalls()))
        (status_cards(facets.of(DropdownField::Status), open_flags.len()))
        h2 { "Listed on" }
        (platform_cards(facets.of(DropdownField::Platform)))
        h2 { "Sale to ended elsewhere" }
        (sale_to_ended(state.metrics.recent_sale_to_ended()))
        h2 { "Last sync" }
        (last_sync(&synced, zone))
        h2 { "Needs you" }
        (needs_you(&open_flags))
        h2 { "Recent sales" }
        (recent_sales_table(&recent_sales.items, zone))
        h2 { "Recent activity" }
        ul {
            @for entry in activity.iter().rev().take(12) {
                li { small { (when_text(&entry.recorded_at, zone)) } " " (entry.summary) }
            }
        }
    };
    Ok(layout::page("Dashboard", "/", &session, body).into_response())
}

/// The newest events: the audit pages forward from a position, so this
/// starts twelve before the head.
async fn recent_activity(state: &AppState) -> Result<Vec<AuditRow>, Failure> {
    let head = riff_projections::log::safe_position(&state.db).await?;
    let query = AuditQuery {
        after: (head - 12).max(0),
        limit: 12,
        ..AuditQuery::default()
    };
    Ok(audit::search(&state.db, &query).await?)
}

/// The views that cannot apply the next event, said first: their pages
/// are behind until they catch up.
fn stalled_views(stalls: &BTreeMap<&'static str, Stall>) -> Markup {
    html! {
        @if !stalls.is_empty() {
            section.alert role="alert" {
                h2 { "Some views have stopped" }
                p { "These views cannot apply the next event in the log, so their pages show the shop as it was before it. Everything else works, and each one is tried again by itself; upgrading Riff, or the fix the error points to, lets it catch up." }
                ul {
                    @for (view, stall) in stalls {
                        li { strong { (view) } " at event " (stall.stalled_at) ": " (stall.error) }
                    }
                }
            }
        }
    }
}

fn status_cards(statuses: &[FacetValue], open_flags: usize) -> Markup {
    html! {
        section.cards {
            @for value in statuses {
                a.card href=(format!("/inventory?status={}", value.value)) {
                    div.n { (value.count) }
                    div { (value.value) }
                }
            }
            a.card href="/flags" {
                div.n { (open_flags) }
                div { "open flags" }
            }
        }
    }
}

fn platform_cards(platforms: &[FacetValue]) -> Markup {
    html! {
        section.cards {
            @for value in platforms {
                a.card href=(format!("/inventory?platform={}", value.value)) {
                    div.n { (value.count) }
                    div { (platform_name(&value.value)) }
                }
            }
        }
    }
}

/// How fast a sale on one platform ended the listings on the others.
fn sale_to_ended(recent: Option<(Duration, Duration, usize)>) -> Markup {
    html! {
        @match recent {
            Some((median, slowest, n)) => p {
                "Over the last " (n) " listings ended because the item sold elsewhere: median "
                (format!("{:.1} s", median.as_secs_f64())) ", slowest " (format!("{:.1} s", slowest.as_secs_f64())) "."
            },
            None => p { "No listing has been ended for a sale elsewhere since Riff started." },
        }
    }
}

fn last_sync(synced: &[PlatformSync], zone: Tz) -> Markup {
    html! {
        @if synced.is_empty() {
            p { "No sync has run yet. " a href="/sync" { "Sync now" } }
        } @else {
            table.stack {
                thead { tr { th { "Platform" } th { "Last sync" } th { "Last success" } th { "Outcome" } } }
                tbody {
                    @for p in synced {
                        tr {
                            td data-label="Platform" { (platform_name(&p.platform)) }
                            td data-label="Last sync" { (when_text(&p.last_synced_at, zone)) }
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
    }
}

/// The first open flags, with a way to all of them.
fn needs_you(open_flags: &[FlagRow]) -> Markup {
    html! {
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
    }
}

fn recent_sales_table(sales: &[SaleRow], zone: Tz) -> Markup {
    html! {
        @if sales.is_empty() {
            p { "No sales yet." }
        } @else {
            table.stack {
                thead { tr { th { "Sold" } th { "SKU" } th { "Where" } th.num { "Price" } th { "Status" } } }
                tbody {
                    @for sale in sales.iter().take(8) {
                        tr {
                            td data-label="Sold" { (when_text(&sale.sold_at, zone)) }
                            td data-label="SKU" { a href=(format!("/products/{}", sale.sku)) { (sale.sku) } }
                            td data-label="Where" { (platform_name(&sale.platform)) }
                            td.num data-label="Price" { (sale.price) " " (sale.currency) }
                            td data-label="Status" { (badge(&sale.status)) }
                        }
                    }
                }
            }
        }
    }
}

/// A platform's own name ("Vintage & Rare"), or the text as it is.
pub(crate) fn platform_name(raw: &str) -> String {
    raw.parse::<Platform>()
        .map_or_else(|_| raw.to_owned(), |p| p.display_name().to_owned())
}
