//! `PATCH /api/products/{sku}`: change any editable fields at once.

use axum::extract::State;
use axum::Json;
use riff_domain::product::Revision;
use riff_domain::value::{ProductDetails, ProductDetailsInput};
use riff_domain::ProductCommand;
use serde_json::Value;

use super::body::{product_fields, Fields};
use super::representation::{self, ProductJson};
use super::ProductSku;
use crate::error::ApiError;
use crate::http::api::refusals::{FieldRefused, NoProduct, NotJson};
use crate::http::json::ApiJson;
use crate::state::AppState;

#[utoipa::path(
    patch,
    path = "/products/{sku}",
    params(ProductSku),
    request_body = crate::http::api::openapi::ProductInput,
    responses(
        (status = 200, description = "The product as changed; its live listings are revised", body = serde_json::Value),
        NotJson,
        NoProduct,
        FieldRefused,
    )
)]
pub(crate) async fn update(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<ProductJson>, ApiError> {
    let fields = Fields::new(body, &product_fields(&["expected_version"]))?;
    let product = state.ledger.load_product(&sku).await?;
    let Some(current) = product.details else {
        return Err(ApiError::NotFound(format!("no product has SKU {sku}")));
    };
    if let Some(Some(other)) = fields.text("sku")? {
        if other.trim() != sku.as_str() {
            return Err(ApiError::invalid(
                "sku",
                "the SKU of a product never changes; create a new product instead",
            ));
        }
    }

    let details = if ProductDetailsInput::FIELDS.iter().any(|f| fields.has(f)) {
        let mut input = current.to_input();
        for field in ProductDetailsInput::FIELDS {
            if let Some(value) = fields.text(field)? {
                input.set(field, value);
            }
        }
        Some(ProductDetails::parse(input)?)
    } else {
        None
    };
    let revision = Revision {
        details,
        price: fields.price(state.currency)?,
        quantity: fields.quantity()?,
        expected_version: fields.version("expected_version")?,
    };
    representation::changed(&state, &sku, ProductCommand::Revise(revision)).await
}
