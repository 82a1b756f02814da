//! The marketplaces Riff publishes to, and the channels a sale can come from.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{text_form, InvalidValue};
use crate::named::named;

/// A marketplace with its own listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Ebay,
    Reverb,
    Shopify,
    Vr,
}

named!(Platform {
    Ebay => "ebay",
    Reverb => "reverb",
    Shopify => "shopify",
    Vr => "vr",
});

impl Platform {
    /// The name a shop owner knows it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Ebay => "eBay",
            Self::Reverb => "Reverb",
            Self::Shopify => "Shopify",
            Self::Vr => "Vintage & Rare",
        }
    }
}

impl FromStr for Platform {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                InvalidValue::new(
                    "platform",
                    format!("{s:?} is not a platform; use ebay, reverb, shopify or vr"),
                )
            })
    }
}

/// Where a sale happened: on a marketplace, or over the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum SaleChannel {
    /// Sold in the shop itself.
    Shop,
    Platform(Platform),
}

impl SaleChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shop => "shop",
            Self::Platform(p) => p.as_str(),
        }
    }
}

impl FromStr for SaleChannel {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("shop") {
            return Ok(Self::Shop);
        }
        s.parse().map(Self::Platform).map_err(|_| {
            InvalidValue::new(
                "channel",
                format!("{s:?} is not a sales channel; use shop, ebay, reverb, shopify or vr"),
            )
        })
    }
}

text_form!(SaleChannel, str::parse, |c| c.as_str().to_owned());

impl fmt::Display for SaleChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_and_channels_parse_their_names() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>().unwrap(), p);
            assert_eq!(
                p.as_str().parse::<SaleChannel>().unwrap(),
                SaleChannel::Platform(p)
            );
        }
        assert_eq!("shop".parse::<SaleChannel>().unwrap(), SaleChannel::Shop);
        assert!("etsy".parse::<Platform>().is_err());
        assert!("etsy".parse::<SaleChannel>().is_err());
    }
}
