//! Extractors whose failures answer in the API's error shape.

use axum::extract::{FromRequest, FromRequestParts};

use serde_json::{Map, Value};

use crate::error::ApiError;

/// `axum::Json` that rejects with an [`ApiError`] (`400`).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub(crate) struct ApiJson<T>(pub(crate) T);

/// `axum::extract::Query` that rejects with an [`ApiError`] (`400`).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub(crate) struct ApiQuery<T>(pub(crate) T);

/// `axum::extract::Path` that rejects with an [`ApiError`] (`400`).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub(crate) struct ApiPath<T>(pub(crate) T);

/// A JSON body that may be left out altogether (`POST /api/sync` with no
/// body means "every platform"); an empty body reads as `T::default()`.
/// Its fields must be among `allowed` ([`known_fields`]).
pub(crate) fn optional_json<T: serde::de::DeserializeOwned + Default>(
    body: &[u8],
    allowed: &[&str],
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    typed(known_fields(value, allowed)?)
}

/// The one rule for every JSON body: an object whose fields are all among
/// `allowed`. A field Riff does not know is refused with `422` naming it —
/// a typo (`"qty"`) silently ignored would be a change silently lost.
///
/// # Errors
/// `400` not an object; `422` an unknown field.
pub(crate) fn known_fields(body: Value, allowed: &[&str]) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(map) = body else {
        return Err(ApiError::BadRequest(
            "the request body must be a JSON object".into(),
        ));
    };
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::invalid(
            unknown.clone(),
            format!("is not a field here; use {}", allowed.join(", ")),
        ));
    }
    Ok(map)
}

/// A body whose fields were checked, read into its type.
///
/// # Errors
/// `422` a field of the wrong type.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(
    body: Map<String, Value>,
) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(body))
        .map_err(|e| ApiError::invalid("body", e.to_string()))
}
