//! Platform priority: whose details win when one item is found on several
//! platforms at once, and whose sale wins an exact `sold_at` tie.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::value::{InvalidValue, Platform, SaleChannel};

/// An ordering of all four platforms, highest priority first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformPriority(Vec<Platform>);

impl Default for PlatformPriority {
    /// The shop's own store first: its details are the ones the owner curates.
    fn default() -> Self {
        Self(vec![
            Platform::Shopify,
            Platform::Reverb,
            Platform::Vr,
            Platform::Ebay,
        ])
    }
}

impl PlatformPriority {
    /// The rank of a sale channel: lower wins. A sale over the counter
    /// outranks every marketplace — the item has physically left the shop.
    pub fn rank(&self, channel: SaleChannel) -> usize {
        match channel {
            SaleChannel::Shop => 0,
            SaleChannel::Platform(p) => {
                1 + self
                    .0
                    .iter()
                    .position(|q| *q == p)
                    .expect("a priority lists every platform")
            }
        }
    }

    pub fn platforms(&self) -> &[Platform] {
        &self.0
    }
}

impl FromStr for PlatformPriority {
    type Err = InvalidValue;

    /// Parses `RIFF_PLATFORM_PRIORITY`, e.g. `shopify,reverb,vr,ebay`: each
    /// platform exactly once.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let order = s
            .split(',')
            .map(str::parse::<Platform>)
            .collect::<Result<Vec<_>, _>>()?;
        let mut sorted = order.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() != order.len() || order.len() != Platform::ALL.len() {
            return Err(InvalidValue::new(
                "platform_priority",
                "must name ebay, reverb, shopify and vr once each, e.g. shopify,reverb,vr,ebay",
            ));
        }
        Ok(Self(order))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_order_is_shopify_reverb_vr_ebay() {
        let p = PlatformPriority::default();
        assert_eq!(p, "shopify,reverb,vr,ebay".parse().unwrap());
        assert!(
            p.rank(SaleChannel::Platform(Platform::Shopify))
                < p.rank(SaleChannel::Platform(Platform::Ebay))
        );
        assert_eq!(p.rank(SaleChannel::Shop), 0);
    }

    #[test]
    fn a_priority_must_name_every_platform_once() {
        assert!("ebay,reverb,shopify".parse::<PlatformPriority>().is_err());
        assert!("ebay,ebay,shopify,vr".parse::<PlatformPriority>().is_err());
        assert!("ebay,reverb,shopify,vr,etsy"
            .parse::<PlatformPriority>()
            .is_err());
        assert!("ebay,reverb,shopify,vr".parse::<PlatformPriority>().is_ok());
    }
}
