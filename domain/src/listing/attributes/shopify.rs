use serde::{Deserialize, Serialize};

use crate::listing::price::OwnPrice;

/// Shopify's fields for `productCreate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShopifyAttributes {
    pub product_type: Option<String>,
    /// Defaults to the product's brand.
    pub vendor: Option<String>,
    pub tags: Vec<String>,
    /// `ACTIVE` or `DRAFT`; Riff publishes `ACTIVE` unless told otherwise.
    pub status: Option<String>,
    /// The inventory location GID; defaults to `SHOPIFY_LOCATION_ID`.
    pub location_id: Option<String>,
    /// The listing's own price, in its currency (`"999.00"`): kept
    /// whatever the product's price or the platform's price rule does.
    pub price: Option<OwnPrice>,
    /// The title search engines show (Shopify's `seo.title`); defaults to
    /// the product's title.
    pub seo_title: Option<String>,
    /// The description search engines show (`seo.description`); defaults
    /// to the start of the product's description.
    pub seo_description: Option<String>,
}
