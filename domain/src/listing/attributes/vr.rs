use serde::{Deserialize, Serialize};

use crate::listing::price::OwnPrice;

/// Vintage & Rare's add-item form fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VrAttributes {
    pub category: Option<String>,
    pub sub_category: Option<String>,
    /// Defaults to the product's brand.
    pub brand: Option<String>,
    /// The listing's own price, in its currency (`"999.00"`): kept
    /// whatever the product's price or the platform's price rule does.
    pub price: Option<OwnPrice>,
}
