//! `GET /api/audit`: the whole log, searchable, each event with its
//! metadata, payload and a readable one-line summary; paged by position.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use riff_projections::log;
use riff_projections::view::audit::{self, AuditQuery, AuditRow};
use serde::{Deserialize, Serialize};

use super::sales::time_bound;
use crate::error::ApiError;
use crate::http::json::ApiQuery;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct Params {
    after: Option<i64>,
    sku: Option<String>,
    event_type: Option<String>,
    actor: Option<String>,
    source: Option<String>,
    correlation_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<i64>,
}

#[derive(Serialize)]
pub(crate) struct Entry {
    #[serde(flatten)]
    row: AuditRow,
    payload: serde_json::Value,
    metadata: serde_json::Value,
}

#[derive(Serialize)]
pub(crate) struct Page {
    events: Vec<Entry>,
    last_position: i64,
}

pub(crate) async fn search(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<Params>,
) -> Result<Json<Page>, ApiError> {
    let after = p.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid(
            "after",
            "must be a position, zero or more",
        ));
    }
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 1000"));
    }
    let query = AuditQuery {
        after,
        sku: p.sku,
        event_type: p.event_type,
        actor: p.actor,
        source: p.source,
        correlation_id: p.correlation_id,
        from: time_bound("from", p.from.as_deref())?,
        to: time_bound("to", p.to.as_deref())?,
        limit,
    };
    let rows = audit::search(&state.db, &query).await?;
    let positions: Vec<i64> = rows.iter().map(|r| r.position).collect();
    let mut stored: HashMap<i64, log::StoredEvent> = log::at_positions(&state.db, &positions)
        .await?
        .into_iter()
        .map(|e| (e.position, e))
        .collect();
    let last_position = rows.last().map_or(after, |r| r.position);
    let events = rows
        .into_iter()
        .map(|row| {
            let event = stored.remove(&row.position);
            Entry {
                payload: event
                    .as_ref()
                    .map(|e| e.payload.clone())
                    .unwrap_or_default(),
                metadata: event.map(|e| e.metadata).unwrap_or_default(),
                row,
            }
        })
        .collect();
    Ok(Json(Page {
        events,
        last_position,
    }))
}
