//! Each platform's own listing fields. They are not squeezed into one common
//! shape: eBay's item specifics and Reverb's category UUIDs mean nothing to
//! each other, and each adapter needs its own exactly.

mod ebay;
mod reverb;
mod shopify;
mod vr;

use serde::{Deserialize, Serialize};

pub use ebay::EbayAttributes;
pub use reverb::ReverbAttributes;
pub use shopify::ShopifyAttributes;
pub use vr::VrAttributes;

use super::price::OwnPrice;
use crate::value::Platform;

/// The attributes of one listing, tagged by its platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "platform", rename_all = "lowercase")]
pub enum PlatformAttributes {
    Ebay(EbayAttributes),
    Reverb(ReverbAttributes),
    Shopify(ShopifyAttributes),
    Vr(VrAttributes),
}

impl PlatformAttributes {
    pub fn platform(&self) -> Platform {
        match self {
            Self::Ebay(_) => Platform::Ebay,
            Self::Reverb(_) => Platform::Reverb,
            Self::Shopify(_) => Platform::Shopify,
            Self::Vr(_) => Platform::Vr,
        }
    }

    /// The listing's own price, when the owner fixed one
    /// (`listing::price`).
    pub fn own_price(&self) -> Option<OwnPrice> {
        match self {
            Self::Ebay(a) => a.price,
            Self::Reverb(a) => a.price,
            Self::Shopify(a) => a.price,
            Self::Vr(a) => a.price,
        }
    }

    /// A platform's attributes with nothing chosen yet; the adapter fills
    /// what it can from the product.
    pub fn empty(platform: Platform) -> Self {
        match platform {
            Platform::Ebay => Self::Ebay(EbayAttributes::default()),
            Platform::Reverb => Self::Reverb(ReverbAttributes::default()),
            Platform::Shopify => Self::Shopify(ShopifyAttributes::default()),
            Platform::Vr => Self::Vr(VrAttributes::default()),
        }
    }

    /// Reads the `attributes` object of an API request for `platform`.
    ///
    /// # Errors
    /// Unknown fields or wrong types, with serde's description of where.
    pub fn from_json(platform: Platform, value: serde_json::Value) -> Result<Self, String> {
        let parsed = match platform {
            Platform::Ebay => serde_json::from_value(value).map(Self::Ebay),
            Platform::Reverb => serde_json::from_value(value).map(Self::Reverb),
            Platform::Shopify => serde_json::from_value(value).map(Self::Shopify),
            Platform::Vr => serde_json::from_value(value).map(Self::Vr),
        };
        parsed.map_err(|e| format!("{} attributes: {e}", platform.display_name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_for_their_own_platform_only() {
        let ebay = PlatformAttributes::from_json(
            Platform::Ebay,
            serde_json::json!({"category_id": "33034", "condition_id": 3000}),
        )
        .unwrap();
        assert_eq!(ebay.platform(), Platform::Ebay);
        assert!(PlatformAttributes::from_json(
            Platform::Reverb,
            serde_json::json!({"category_id": "33034"})
        )
        .is_err());
    }

    #[test]
    fn a_listing_may_carry_its_own_price_on_any_platform() {
        for platform in Platform::ALL {
            let own =
                PlatformAttributes::from_json(platform, serde_json::json!({"price": "999.00"}))
                    .unwrap();
            assert_eq!(own.own_price(), Some(OwnPrice::parse("999").unwrap()));
            let error =
                PlatformAttributes::from_json(platform, serde_json::json!({"price": "nine"}))
                    .unwrap_err();
            assert!(error.contains("price"), "{error}");
            assert_eq!(PlatformAttributes::empty(platform).own_price(), None);
        }
    }

    #[test]
    fn stored_attributes_keep_their_platform_tag() {
        let a = PlatformAttributes::empty(Platform::Vr);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["platform"], "vr");
        assert_eq!(
            serde_json::from_value::<PlatformAttributes>(json).unwrap(),
            a
        );
    }
}
