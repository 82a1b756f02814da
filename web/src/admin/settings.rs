//! `/settings`: which platforms are configured and when they last synced,
//! the platform priority, and how each inventory dropdown is ordered.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use cqrs_es::Aggregate;
use maud::html;
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::value::Platform;
use riff_domain::{EventMetadata, Settings, SettingsCommand, Source};
use riff_projections::view::settings::dropdown_sort;
use riff_projections::view::sync_runs;
use serde::Deserialize;

use super::form::CsrfForm;
use super::layout::{self, badge, csrf};
use super::session::Session;
use super::Failure;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub(crate) struct Notice {
    notice: Option<String>,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(notice): Query<Notice>,
) -> Result<Response, Failure> {
    let synced = sync_runs::platforms(&state.db).await?;
    let orders = dropdown_sort(&state.db).await?;
    let body = html! {
        h1 { "Settings" }
        (layout::notice(notice.notice.as_deref()))
        h2 { "Marketplaces" }
        table.stack {
            thead { tr { th { "Platform" } th { "Configured" } th { "Last success" } th { "Last error" } } }
            tbody {
                @for platform in Platform::ALL {
                    @let last = synced.iter().find(|s| s.platform == platform.as_str());
                    tr {
                        td data-label="Platform" { (platform.display_name()) }
                        td data-label="Configured" {
                            @if state.engine.platforms.contains_key(&platform) { (badge("live")) " yes" }
                            @else { "no — set its credentials (see README, Configuration)" }
                        }
                        td data-label="Last success" { (last.and_then(|l| l.last_success_at.as_deref()).unwrap_or("never")) }
                        td data-label="Last error" { @if let Some(e) = last.and_then(|l| l.last_error.as_deref()) { span.error { (e) } } }
                    }
                }
            }
        }
        h2 { "Platform priority" }
        p { "Whose details win when one item is found on several platforms at once, and whose sale wins an exact tie (set with RIFF_PLATFORM_PRIORITY):" }
        ol { @for p in state.priority.platforms() { li { (p.display_name()) } } }
        p { "Currency: " (state.currency.to_string()) }
        h2 { "Inventory dropdowns" }
        form method="post" action="/settings/dropdown-sort" {
            (csrf(&session))
            table {
                thead { tr { th { "Dropdown" } th { "Order" } } }
                tbody {
                    @for (field, order) in &orders {
                        tr {
                            td { (field.as_str()) }
                            td {
                                select name=(field.as_str()) aria-label=(format!("{} order", field.as_str())) {
                                    option value="count" selected[*order == DropdownOrder::Count] { "most products first" }
                                    option value="alpha" selected[*order == DropdownOrder::Alpha] { "A to Z" }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { "Save" }
        }
    };
    Ok(layout::page("Settings", "/settings", &session, body).into_response())
}

pub(crate) async fn set_dropdown_sort(
    State(state): State<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<std::collections::BTreeMap<String, String>>,
) -> Result<Response, Failure> {
    let meta = EventMetadata::new(session.user, Source::Web);
    let current = dropdown_sort(&state.db).await?;
    for (field, order) in &form {
        let (Ok(field), Ok(order)) = (
            field.parse::<DropdownField>(),
            order.parse::<DropdownOrder>(),
        ) else {
            continue;
        };
        if current.contains(&(field, order)) {
            continue;
        }
        state
            .ledger
            .settings(SettingsCommand::SetDropdownSort { field, order }, &meta)
            .await?;
    }
    state.caught_up_with(Settings::TYPE, Settings::ID).await?;
    Ok(Redirect::to("/settings?notice=Saved.").into_response())
}
