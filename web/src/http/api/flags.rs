//! `/api/flags`: the review queue, and resolving a flag (an event like any
//! other: who, when and the note are kept; flags are never deleted).

use axum::extract::State;
use axum::Json;
use riff_projections::view::flags::{self, FlagRow, FlagStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api_metadata;
use crate::actions;
use crate::drift::{self, Keep};
use crate::error::ApiError;
use crate::http::api::refusals::{FieldRefused, FilterRefused, NoFlag, NotJson};
use crate::http::json::{known_fields, ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Filter {
    status: Option<String>,
    kind: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct FlagList {
    items: Vec<FlagRow>,
}

#[utoipa::path(
    get,
    path = "/flags",
    params(Filter),
    responses(
        (status = 200, description = "Flags for review: `{items}`", body = serde_json::Value),
        FilterRefused,
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiQuery(filter): ApiQuery<Filter>,
) -> Result<Json<FlagList>, ApiError> {
    let status = match filter.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            FlagStatus::parse(s)
                .ok_or_else(|| ApiError::invalid("status", "must be open or resolved"))?,
        ),
    };
    let kind = match filter.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => match flags::kind_named(k) {
            Some(kind) => Some(kind),
            // No flag is of a kind Riff does not know.
            None => return Ok(Json(FlagList { items: vec![] })),
        },
    };
    let items = flags::list(&state.db, status, kind).await?;
    Ok(Json(FlagList { items }))
}

/// Every field a resolve body may carry.
pub(crate) const RESOLVE_FIELDS: &[&str] = &["note"];

#[utoipa::path(
    post,
    path = "/flags/{id}/resolve",
    params(("id" = i64, Path, description = "The flag's id")),
    request_body = crate::http::api::openapi::FlagNote,
    responses(
        (status = 200, description = "The flag, resolved", body = serde_json::Value),
        NotJson,
        NoFlag,
        FieldRefused,
    )
)]
pub(crate) async fn resolve(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<FlagRow>, ApiError> {
    let body = known_fields(body, RESOLVE_FIELDS)?;
    let note = match body.get("note") {
        Some(Value::String(note)) if !note.trim().is_empty() => note.trim().to_owned(),
        _ => {
            return Err(ApiError::invalid(
                "note",
                "is required: say how the flag was dealt with",
            ))
        }
    };
    let resolved = actions::resolve_flag(&state, id, note, &api_metadata()).await?;
    Ok(Json(resolved))
}

/// Every field a settle body may carry.
pub(crate) const SETTLE_FIELDS: &[&str] = &["keep"];

/// `POST /api/flags/{id}/settle` `{"keep": "platform" | "riff"}`: a
/// listing edited on its platform (`status_drifted`) takes the platform's
/// value into the product (and so to the other platforms), or gets Riff's
/// back; the flag is resolved saying which.
#[utoipa::path(
    post,
    path = "/flags/{id}/settle",
    params(("id" = i64, Path, description = "The drift flag's id")),
    request_body = serde_json::Value,
    responses(
        (status = 200, description = "The flag, resolved", body = serde_json::Value),
        NotJson,
        NoFlag,
        (status = 409, description = "Not an open drift flag, or a value the product cannot take", body = crate::http::api::openapi::Error),
        (status = 422, description = "`keep` is neither platform nor riff", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn settle(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<FlagRow>, ApiError> {
    let body = known_fields(body, SETTLE_FIELDS)?;
    let keep: Keep = match body.get("keep") {
        Some(Value::String(keep)) => keep.parse()?,
        _ => return Err(ApiError::invalid("keep", "is required: platform or riff")),
    };
    Ok(Json(
        drift::settle(&state, id, keep, &api_metadata()).await?,
    ))
}
