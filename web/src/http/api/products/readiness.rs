//! `GET /api/products/{sku}/readiness`: for each configured platform,
//! whether the product can be listed there as it stands, and what is
//! missing — in words an owner understands, before anything is sent.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::ProductSku;
use crate::error::ApiError;
use crate::http::api::refusals::NoProduct;
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct Readiness {
    ready: bool,
    missing: Vec<String>,
}

#[utoipa::path(
    get,
    path = "/products/{sku}/readiness",
    params(ProductSku),
    responses(
        (status = 200, description = "Per configured platform: `{ready, missing}`", body = serde_json::Value),
        NoProduct,
    )
)]
pub(crate) async fn readiness(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
) -> Result<Json<BTreeMap<&'static str, Readiness>>, ApiError> {
    Ok(Json(
        crate::readiness::of_product(&state.engine, &state.verdicts, &sku)
            .await?
            .into_iter()
            .map(|(platform, missing)| {
                let ready = missing.is_empty();
                (platform.as_str(), Readiness { ready, missing })
            })
            .collect(),
    ))
}
