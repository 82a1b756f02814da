//! `POST /api/products`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use riff_domain::value::{ProductDetails, ProductDetailsInput, Sku};
use serde_json::Value;

use super::body::{product_fields, Fields};
use super::representation::{self, ProductJson};
use crate::actions::{self, NewProduct};
use crate::error::ApiError;
use crate::http::api::api_metadata;
use crate::http::api::refusals::{FieldRefused, NotJson};
use crate::http::json::ApiJson;
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/products",
    request_body = crate::http::api::openapi::ProductInput,
    responses(
        (status = 201, description = "The product as created, with its listings", body = serde_json::Value),
        NotJson,
        FieldRefused,
        (status = 409, description = "A product already has that SKU", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<ProductJson>), ApiError> {
    let fields = Fields::new(body, &product_fields(&["status"]))?;
    let draft =
        match fields.text("status")?.flatten().as_deref() {
            None | Some("active") => false,
            Some("draft") => true,
            Some(_) => return Err(ApiError::invalid(
                "status",
                "must be \"active\" or \"draft\" (a draft is kept but not listed until activated)",
            )),
        };
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
    let new = NewProduct {
        sku: given_sku,
        details,
        price,
        quantity,
        draft,
    };
    let sku = actions::create_product(&state, new, &api_metadata()).await?;
    let product = representation::one(&state.db, sku.as_str()).await?;
    Ok((StatusCode::CREATED, Json(product)))
}
