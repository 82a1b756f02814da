use serde::{Deserialize, Serialize};

use crate::listing::price::OwnPrice;

/// Reverb's fields for `POST /api/listings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReverbAttributes {
    /// Defaults to the product's brand.
    pub make: Option<String>,
    /// Defaults to the product's model.
    pub model: Option<String>,
    /// Reverb's condition UUID, when the product's condition is not enough.
    pub condition_uuid: Option<String>,
    /// Reverb category UUIDs.
    pub categories: Vec<String>,
    pub shipping_profile_id: Option<String>,
    /// The listing's own price, in its currency (`"999.00"`): kept
    /// whatever the product's price or the platform's price rule does.
    pub price: Option<OwnPrice>,
}
