//! Reading a product's JSON body field by field, so that each bad field is
//! reported by name (`422`) and a missing field can be told from a `null`
//! one (which clears an optional field in a `PATCH`).

use riff_domain::value::{Currency, Money, ProductDetailsInput};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::http::json::known_fields;

/// Every field a product body may carry, in the order a refusal lists
/// them: the SKU, the details, the price and the quantity, then `extra`,
/// the endpoint's own.
pub(crate) fn product_fields<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    ["sku"]
        .into_iter()
        .chain(ProductDetailsInput::FIELDS)
        .chain(["price", "quantity"])
        .chain(extra.iter().copied())
        .collect()
}

/// A JSON object whose fields are read one at a time.
pub(super) struct Fields(Map<String, Value>);

impl Fields {
    /// Accepts an object whose keys are all in `allowed`.
    pub(super) fn new(body: Value, allowed: &[&str]) -> Result<Self, ApiError> {
        known_fields(body, allowed).map(Self)
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// `None`: absent. `Some(None)`: `null` or blank. Numbers are accepted
    /// as their text, so `"year": 1959` works as well as `"1959"`.
    pub(super) fn text(&self, key: &'static str) -> Result<Option<Option<String>>, ApiError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) => Ok(Some(Some(s.clone()).filter(|s| !s.trim().is_empty()))),
            Some(Value::Number(n)) => Ok(Some(Some(n.to_string()))),
            Some(_) => Err(ApiError::invalid(key, "must be text")),
        }
    }

    /// A required text field; blank counts as missing.
    pub(super) fn required(&self, key: &'static str) -> Result<String, ApiError> {
        self.text(key)?
            .flatten()
            .ok_or_else(|| ApiError::invalid(key, "is required"))
    }

    /// A price as a decimal string (`"1499.00"`) or a JSON number.
    pub(super) fn price(&self, currency: Currency) -> Result<Option<Money>, ApiError> {
        match self.text("price")? {
            None => Ok(None),
            Some(None) => Err(ApiError::invalid("price", "is required")),
            Some(Some(raw)) => Ok(Some(Money::parse_price(&raw, currency)?)),
        }
    }

    /// A quantity: a whole number, zero or more.
    pub(super) fn quantity(&self) -> Result<Option<u32>, ApiError> {
        /// No shop stocks a million of one line; more is a typo.
        const MAX: u64 = 1_000_000;
        match self.0.get("quantity") {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(q) if q <= MAX => Ok(Some(u32::try_from(q).expect("bounded by MAX"))),
                _ => Err(ApiError::invalid(
                    "quantity",
                    "must be a whole number from 0 to 1000000",
                )),
            },
            Some(_) => Err(ApiError::invalid(
                "quantity",
                "must be a whole number from 0 to 1000000",
            )),
        }
    }

    /// A non-negative integer field.
    pub(super) fn version(&self, key: &'static str) -> Result<Option<u64>, ApiError> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| ApiError::invalid(key, "must be a whole number")),
        }
    }
}
