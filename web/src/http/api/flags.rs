//! `/api/flags`: the review queue, and resolving a flag (an event like any
//! other: who, when and the note are kept; flags are never deleted).

use axum::extract::State;
use axum::Json;
use riff_domain::{EventMetadata, Source};
use riff_projections::view::flags::{self, FlagRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actions;
use crate::error::ApiError;
use crate::http::json::{known_fields, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct Filter {
    status: Option<String>,
    kind: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct FlagList {
    items: Vec<FlagRow>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<Filter>,
) -> Result<Json<FlagList>, ApiError> {
    let status = filter.status.filter(|s| !s.is_empty());
    if let Some(s) = status.as_deref() {
        if s != "open" && s != "resolved" {
            return Err(ApiError::invalid("status", "must be open or resolved"));
        }
    }
    let items = flags::list(&state.db, status.as_deref(), filter.kind.as_deref()).await?;
    Ok(Json(FlagList { items }))
}

pub(crate) async fn resolve(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<FlagRow>, ApiError> {
    let body = known_fields(body, &["note"])?;
    let note = match body.get("note") {
        Some(Value::String(note)) if !note.trim().is_empty() => note.trim().to_owned(),
        _ => {
            return Err(ApiError::invalid(
                "note",
                "is required: say how the flag was dealt with",
            ))
        }
    };
    let meta = EventMetadata::new("api", Source::Api);
    let resolved = actions::resolve_flag(&state, id, note, &meta).await?;
    Ok(Json(resolved))
}
