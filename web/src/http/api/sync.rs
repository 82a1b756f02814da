//! Sync runs: start one, see how they went.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use riff_domain::sync_run::Trigger;
use riff_domain::value::Platform;
use riff_projections::view::sync_runs::{self, SyncRunRow};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::accepted;
use crate::error::ApiError;
use crate::http::api::refusals::{FieldRefused, NotJson};
use crate::http::json::{optional_json, ApiPath};
use crate::state::AppState;

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SyncBody {
    #[serde(default)]
    platform: Option<String>,
}

/// `POST /api/sync` `{"platform"?}` → `202 {"run_id"}`.
#[utoipa::path(
    post,
    path = "/sync",
    request_body = Option<SyncBody>,
    responses(
        (status = 202, description = "A sync run started: `{run_id}`", body = serde_json::Value),
        NotJson,
        (status = 409, description = "A run is going already", body = crate::http::api::openapi::Error),
        FieldRefused,
    )
)]
pub(crate) async fn start(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: SyncBody = optional_json(&body, &["platform"])?;
    let platform = body.platform.map(|p| p.parse::<Platform>()).transpose()?;
    if let Some(platform) = platform {
        if !state.engine.platforms.contains_key(&platform) {
            return Err(ApiError::Conflict(format!(
                "{} is not configured; set its credentials (README, Configuration)",
                platform.display_name()
            )));
        }
    }
    let run_id = state.engine.spawn_sync(platform, Trigger::Manual);
    Ok(accepted(json!({"run_id": run_id})))
}

#[derive(Serialize)]
pub(crate) struct Runs {
    items: Vec<SyncRunRow>,
}

/// `GET /api/sync/runs`: the latest runs, newest first.
#[utoipa::path(
    get,
    path = "/sync/runs",
    responses(
        (status = 200, description = "The latest sync runs, newest first", body = serde_json::Value),
    )
)]
pub(crate) async fn list(State(state): State<AppState>) -> Result<Json<Runs>, ApiError> {
    Ok(Json(Runs {
        items: sync_runs::recent(&state.db, 50).await?,
    }))
}

/// `GET /api/sync/runs/{id}`.
#[utoipa::path(
    get,
    path = "/sync/runs/{id}",
    params(("id" = String, Path, description = "The run's id")),
    responses(
        (status = 200, description = "One sync run, per platform", body = serde_json::Value),
        (status = 404, description = "No run has that id", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<SyncRunRow>, ApiError> {
    sync_runs::get(&state.db, &id)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "no sync run has id {id}; it may not have started yet"
            ))
        })
}
