//! `/api/products`: create, read, list, edit, and each product's history.

pub(crate) mod body;
pub(crate) mod create;
pub(crate) mod history;
pub(crate) mod lifecycle;
pub(crate) mod media;
pub(crate) mod read;
pub(crate) mod readiness;
mod representation;
pub(crate) mod sales;
pub(crate) mod update;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use riff_domain::value::Sku;
use utoipa::IntoParams;

pub(crate) use create::create;
pub(crate) use history::history;
pub(crate) use readiness::readiness;
pub(crate) use update::update;

use crate::actions;
use crate::error::ApiError;
use crate::http::json::ApiPath;

/// The product a route's path names (`/products/{sku}/…`), read and
/// described in one place: every such route takes it and lists it in its
/// `params(...)`. A path that cannot be a SKU names no product (`404`,
/// as for one that is not in the catalogue).
#[derive(IntoParams)]
#[into_params(names("sku"), parameter_in = Path)]
pub(crate) struct ProductSku(
    /// The product's SKU
    #[param(value_type = String)]
    pub(crate) Sku,
);

impl<S: Send + Sync> FromRequestParts<S> for ProductSku {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        actions::sku_in_path(&raw).map(Self)
    }
}
