use serde::{Deserialize, Serialize};

/// Vintage & Rare's add-item form fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VrAttributes {
    pub category: Option<String>,
    pub sub_category: Option<String>,
    /// Defaults to the product's brand.
    pub brand: Option<String>,
}
