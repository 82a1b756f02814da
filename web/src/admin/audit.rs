//! `/audit`: the whole log, filterable, each event's summary, payload and
//! metadata readable; paged by position.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::layout::{self, when_text};
use super::session::Session;
use super::Failure;
use crate::queries::audit::{page, Params};
use crate::state::AppState;

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(mut params): Query<Params>,
) -> Result<Response, Failure> {
    params.limit = Some(params.limit.unwrap_or(50).clamp(1, 200));
    // Empty form fields mean "any".
    for field in [
        &mut params.sku,
        &mut params.event_type,
        &mut params.actor,
        &mut params.source,
        &mut params.correlation_id,
        &mut params.from,
        &mut params.to,
    ] {
        if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *field = None;
        }
    }
    let found = page(&state, params.clone()).await;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let body = html! {
        h1 { "Audit" }
        form.filters method="get" action="/audit" {
            div { label for="sku" { "Product (SKU)" } input id="sku" name="sku" value=(text(&params.sku)); }
            div { label for="event_type" { "Event" } input id="event_type" name="event_type" placeholder="Listed" value=(text(&params.event_type)); }
            div { label for="actor" { "Actor" } input id="actor" name="actor" value=(text(&params.actor)); }
            div {
                label for="source" { "Source" }
                select id="source" name="source" {
                    option value="" { "Any" }
                    @for s in ["web", "api", "webhook", "reconcile", "import", "cli"] {
                        option value=(s) selected[params.source.as_deref() == Some(s)] { (s) }
                    }
                }
            }
            div { label for="correlation_id" { "Correlation id" } input id="correlation_id" name="correlation_id" value=(text(&params.correlation_id)); }
            div { label for="from" { "From" } input id="from" name="from" type="date" value=(text(&params.from)); }
            div { label for="to" { "To" } input id="to" name="to" type="date" value=(text(&params.to)); }
            button type="submit" { "Search" }
            a href="/audit" { "Clear" }
        }
        @match &found {
            Err(error) => p.error { (error) },
            Ok(found) => {
                @if found.events.is_empty() { p { "No events." } }
                @for entry in &found.events {
                    details.card {
                        summary {
                            small { "#" (entry.position) " · " (when_text(&entry.recorded_at, state.zone)) } " "
                            (entry.summary)
                        }
                        p {
                            "Event " code { (entry.event_type) } " of " (entry.aggregate_type) " " code { (entry.aggregate_id) }
                            @if let Some(sku) = &entry.sku { " · " a href=(format!("/products/{sku}")) { (sku) } }
                            @if let Some(c) = &entry.correlation_id { " · " a href=(format!("/audit?correlation_id={c}")) { "everything from this request" } }
                        }
                        h3 { "Payload" }
                        pre { (serde_json::to_string_pretty(&entry.payload).unwrap_or_default()) }
                        h3 { "Metadata" }
                        pre { (serde_json::to_string_pretty(&entry.metadata).unwrap_or_default()) }
                    }
                }
                @if found.events.len() as i64 == params.limit.unwrap_or(50) {
                    @let next = Params { after: Some(found.last_position), ..params.clone() };
                    a href=(format!("/audit?{}", serde_html_form::to_string(&next).unwrap_or_default())) { "Older → newer: next page" }
                }
            }
        }
    };
    Ok(layout::page("Audit", "/audit", &session, body).into_response())
}
