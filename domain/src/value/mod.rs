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

/// Writes the two conversions through which serde reads and writes a value
/// type as its text (`#[serde(try_from = "String", into = "String")]`):
/// read back through `parse`, the same check as every other way in, so a
/// stored value that no longer passes is refused like a typed one; written
/// as `text` makes it.
macro_rules! text_form {
    ($type:ty, $parse:expr, |$value:ident| $text:expr) => {
        impl TryFrom<String> for $type {
            type Error = $crate::value::InvalidValue;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                $parse(&raw)
            }
        }

        impl From<$type> for String {
            fn from($value: $type) -> Self {
                $text
            }
        }
    };
}
pub(crate) use text_form;
