//! Value types. Each is parsed once at the edge (a form, a JSON body, a
//! marketplace response) and is valid from then on.

mod condition;
mod details;
mod media;
mod money;
mod platform;
mod sku;
pub mod text;

pub use condition::Condition;
pub use details::{ProductDetails, ProductDetailsInput};
pub use media::{youtube_id, ImageFormat, Media, MediaKind};
pub use money::{Currency, Money};
pub use platform::{Platform, SaleChannel};
pub use sku::Sku;

/// Why a value was refused, naming the field so that a form or an API answer
/// can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidValue {
    /// The field as the user knows it (`price`, `title`, …).
    pub field: &'static str,
    /// What is wrong and what to type instead.
    pub message: String,
}

impl InvalidValue {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
