//! `GET /api/products/{sku}/readiness`: for each configured platform,
//! whether the product can be listed there as it stands, and what is
//! missing — in words an owner understands, before anything is sent.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use riff_domain::listing::readiness::{self, Candidate};
use riff_domain::listing::{defaults, PlatformAttributes};
use riff_domain::value::MediaKind;
use serde::Serialize;

use crate::actions;
use crate::error::ApiError;
use crate::http::json::ApiPath;
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct Readiness {
    ready: bool,
    missing: Vec<String>,
}

pub(crate) async fn readiness(
    State(state): State<AppState>,
    ApiPath(sku): ApiPath<String>,
) -> Result<Json<BTreeMap<&'static str, Readiness>>, ApiError> {
    let parsed = actions::sku_in_path(&sku)?;
    let product = state.ledger.load_product(&parsed).await?;
    let Some(details) = &product.details else {
        return Err(ApiError::NotFound(format!("no product has SKU {sku}")));
    };
    let pictures = product
        .media
        .iter()
        .filter(|m| {
            matches!(
                m.kind,
                MediaKind::ImageUrl { .. } | MediaKind::StoredImage { .. }
            )
        })
        .count();
    let uploaded = product
        .media
        .iter()
        .filter(|m| matches!(m.kind, MediaKind::StoredImage { .. }))
        .count();
    let answer = state
        .engine
        .platforms
        .keys()
        .map(|platform| {
            let attributes = defaults::complete(PlatformAttributes::empty(*platform), details);
            let candidate = Candidate {
                details,
                quantity: product.quantity,
                pictures,
                uploaded_pictures: uploaded,
                attributes: &attributes,
            };
            let missing = readiness::missing(&candidate, &state.engine.terms);
            (
                platform.as_str(),
                Readiness {
                    ready: missing.is_empty(),
                    missing,
                },
            )
        })
        .collect();
    Ok(Json(answer))
}
