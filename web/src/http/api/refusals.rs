//! The refusals many API routes share, each described once for the OpenAPI
//! document. A handler names them in its `#[utoipa::path(responses(...))]`
//! beside the answers that are its own, so the same status reads the same
//! words on every path that can answer it.
//!
//! These types are never built: the answers themselves are
//! [`ApiError`](crate::error::ApiError)s. They exist only to be described,
//! so the body each names ([`Error`]) is never read.
#![expect(dead_code, reason = "described in the OpenAPI document, never built")]

use utoipa::IntoResponses;

use super::openapi::Error;

/// `400` from a route that reads a JSON object as its body.
#[derive(IntoResponses)]
#[response(status = 400, description = "The body is not JSON, or not an object")]
pub(crate) struct NotJson(Error);

/// `404` from a route whose path names a product (`{sku}`).
#[derive(IntoResponses)]
#[response(status = 404, description = "No product has that SKU")]
pub(crate) struct NoProduct(Error);

/// `404` from a route whose path names a listing (`{id}`).
#[derive(IntoResponses)]
#[response(status = 404, description = "No listing has that id")]
pub(crate) struct NoListing(Error);

/// `404` from a route whose path names a flag (`{id}`).
#[derive(IntoResponses)]
#[response(status = 404, description = "No flag has that id")]
pub(crate) struct NoFlag(Error);

/// `422` from a route that reads its body field by field.
#[derive(IntoResponses)]
#[response(status = 422, description = "A field is refused; `error` names it")]
pub(crate) struct FieldRefused(Error);

/// `422` from a route whose query filters what it answers.
#[derive(IntoResponses)]
#[response(status = 422, description = "A filter is refused")]
pub(crate) struct FilterRefused(Error);

/// `422` from a route whose query filters and sorts the inventory.
#[derive(IntoResponses)]
#[response(status = 422, description = "A filter or sort is refused")]
pub(crate) struct FilterOrSortRefused(Error);
