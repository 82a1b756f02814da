//! `POST /api/products`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use cqrs_es::Aggregate;
use riff_domain::product::ProductSource;
use riff_domain::value::{ProductDetails, ProductDetailsInput, Sku};
use riff_domain::{EventMetadata, Product, ProductCommand, ProductError, Source};
use serde_json::Value;

use super::body::{Fields, PRODUCT_FIELDS};
use super::representation::{self, ProductJson};
use crate::error::ApiError;
use crate::http::json::ApiJson;
use crate::ledger::LedgerError;
use crate::state::AppState;

/// A generated SKU can clash with one typed by hand (`RIFF-000042`); the
/// next number is tried, this many times.
const SKU_ATTEMPTS: u32 = 20;

pub(crate) async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<ProductJson>), ApiError> {
    let fields = Fields::new(body, PRODUCT_FIELDS)?;
    let details = ProductDetails::parse(ProductDetailsInput {
        title: fields.required("title")?,
        brand: fields.required("brand")?,
        model: fields.required("model")?,
        year: fields.text("year")?.flatten(),
        finish: fields.text("finish")?.flatten(),
        category: fields.required("category")?,
        condition: fields.required("condition")?,
        description: fields.text("description")?.flatten(),
    })?;
    let price = fields
        .price(state.currency)?
        .ok_or_else(|| ApiError::invalid("price", "is required"))?;
    let quantity = fields.quantity()?.unwrap_or(1);
    let given_sku = fields
        .text("sku")?
        .flatten()
        .map(|s| Sku::parse(&s))
        .transpose()?;
    let meta = EventMetadata::new("api", Source::Api);

    let create = |sku: Sku| ProductCommand::Create {
        sku,
        details: details.clone(),
        price,
        quantity,
        source: ProductSource::Manual,
    };
    let sku = match given_sku {
        Some(sku) => {
            state
                .ledger
                .product(&sku, create(sku.clone()), &meta)
                .await?;
            sku
        }
        None => {
            let mut attempt = 0;
            loop {
                let sku = Sku::generated(state.db.next_counter("sku").await?);
                match state.ledger.product(&sku, create(sku.clone()), &meta).await {
                    Ok(()) => break sku,
                    Err(LedgerError::Rejected(ProductError::AlreadyExists { .. }))
                        if attempt < SKU_ATTEMPTS =>
                    {
                        attempt += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    };
    state.caught_up_with(Product::TYPE, sku.as_str()).await?;
    let product = representation::one(&state.db, sku.as_str()).await?;
    Ok((StatusCode::CREATED, Json(product)))
}
