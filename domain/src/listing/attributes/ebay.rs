use serde::{Deserialize, Serialize};

use crate::listing::price::OwnPrice;

/// eBay's fields for `AddFixedPriceItem`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EbayAttributes {
    /// `PrimaryCategory.CategoryID`, e.g. 33034 for electric guitars.
    pub category_id: Option<String>,
    /// eBay's numeric condition (1000 new, 3000 used, …).
    pub condition_id: Option<u32>,
    /// `ItemSpecifics` as name/value pairs (Brand, Model, Body Colour, …).
    pub item_specifics: Vec<(String, String)>,
    /// Business policies (`SellerProfiles`).
    pub shipping_profile_id: Option<String>,
    pub return_profile_id: Option<String>,
    pub payment_profile_id: Option<String>,
    /// The listing's own price, in its currency (`"999.00"`): kept
    /// whatever the product's price or the platform's price rule does.
    pub price: Option<OwnPrice>,
}
