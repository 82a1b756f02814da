//! `/sync`: the runs with their per-platform figures and errors, the
//! schedule, and "Sync now".

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use riff_domain::sync_run::Trigger;
use riff_domain::value::Platform;
use riff_projections::view::sync_runs;
use serde::Deserialize;

use super::dashboard::platform_name;
use super::form::CsrfForm;
use super::layout::{self, badge, csrf, when_text};
use super::notice::{back_to, Notice};
use super::session::Session;
use super::Failure;
use crate::state::AppState;

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(notice): Query<Notice>,
) -> Result<Response, Failure> {
    let runs = sync_runs::recent(&state.db, 30).await?;
    let configured: Vec<Platform> = state.engine.platforms.keys().copied().collect();
    let body = html! {
        h1 { "Sync" }
        (layout::notice(notice.notice.as_deref()))
        p { "Scheduled: " (state.schedule_text) }
        form method="post" action="/sync" {
            (csrf(&session))
            @if configured.is_empty() {
                p { "No marketplace is configured yet: see Settings." }
            } @else {
                label for="platform" { "Platform" }
                select id="platform" name="platform" {
                    option value="" { "All configured" }
                    @for p in &configured { option value=(p.as_str()) { (p.display_name()) } }
                }
                " " button type="submit" { "Sync now" }
            }
        }
        h2 { "Runs" }
        @if runs.is_empty() { p { "No run yet." } }
        table.stack {
            thead { tr { th { "Started" } th { "Trigger" } th { "Status" } th { "Platform" } th.num { "Requests" } th.num { "Listings" } th.num { "Sales" } th.num { "Found" } th.num { "Ended elsewhere" } th { "Errors" } } }
            tbody {
                @for run in &runs {
                    @for (platform, report) in &run.reports {
                        tr {
                            td data-label="Started" { (when_text(&run.started_at, state.zone)) }
                            td data-label="Trigger" { (run.trigger) }
                            td data-label="Status" { (badge(run.status)) }
                            td data-label="Platform" { (platform_name(platform)) }
                            td.num data-label="Requests" { (report.requests) }
                            td.num data-label="Listings" { (report.listings) }
                            td.num data-label="Sales" { (report.sales) }
                            td.num data-label="Found" { (report.detected) }
                            td.num data-label="Ended elsewhere" { (report.ended_elsewhere) }
                            td data-label="Errors" { @for e in &report.errors { span.error { (e) } br; } }
                        }
                    }
                    @if run.reports.is_empty() {
                        tr { td { (when_text(&run.started_at, state.zone)) } td { (run.trigger) } td { (badge(run.status)) } td colspan="7" { "…" } }
                    }
                }
            }
        }
    };
    Ok(layout::page("Sync", "/sync", &session, body).into_response())
}

#[derive(Deserialize)]
pub(crate) struct Start {
    platform: Option<String>,
}

pub(crate) async fn start(
    State(state): State<AppState>,
    _session: Session,
    CsrfForm(form): CsrfForm<Start>,
) -> Response {
    let platform = match form.platform.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(raw) => match raw.parse::<Platform>() {
            Ok(p) if state.engine.platforms.contains_key(&p) => Some(p),
            _ => return back("That platform is not configured."),
        },
    };
    state.engine.spawn_sync(platform, Trigger::Manual);
    back("Sync started; refresh to see it.")
}

fn back(notice: &str) -> Response {
    back_to("/sync", notice)
}
