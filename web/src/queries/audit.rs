//! The audit's filters (`/api/audit`, the audit page), checked, and one
//! page of it.

use riff_projections::audit::{self, AuditQuery, AuditRow};
use serde::{Deserialize, Serialize};

use super::sales::time_bound;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Params {
    pub(crate) after: Option<i64>,
    pub(crate) sku: Option<String>,
    pub(crate) event_type: Option<String>,
    pub(crate) actor: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) correlation_id: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) limit: Option<i64>,
}

#[derive(Serialize)]
pub(crate) struct Page {
    pub(crate) events: Vec<AuditRow>,
    pub(crate) last_position: i64,
}

/// Where a page of the log starts and how long it is, checked the same
/// way for the audit and `/api/events`: after a position (zero or more;
/// the start when left out), and 1 to 1000 events (100 when left out).
pub(crate) fn log_window(after: Option<i64>, limit: Option<i64>) -> Result<(i64, i64), ApiError> {
    let after = after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid(
            "after",
            "must be a position, zero or more",
        ));
    }
    let limit = limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 1000"));
    }
    Ok((after, limit))
}

/// One page of the audit: what the API answers and the audit page shows.
pub(crate) async fn page(state: &AppState, p: Params) -> Result<Page, ApiError> {
    let (after, limit) = log_window(p.after, p.limit)?;
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
    let events = audit::search(&state.db, &query).await?;
    let last_position = events.last().map_or(after, |e| e.position);
    Ok(Page {
        events,
        last_position,
    })
}
