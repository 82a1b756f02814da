//! The stock-keeping unit: the product's identity, and its aggregate id.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{text_form, InvalidValue};

/// A product's SKU. It never changes once the product exists (no command
/// takes a new one), and it is safe to use in a URL path segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    /// The longest SKU any of the four marketplaces accepts is eBay's 80;
    /// 64 leaves room and still fits every label printer we know of.
    pub const MAX_LEN: usize = 64;

    /// Parses a SKU typed by a user or reported by a platform.
    ///
    /// # Errors
    /// Empty, longer than [`Sku::MAX_LEN`], with characters other than
    /// letters, digits, `-`, `_` and `.`, or dots only (`.` and `..` name
    /// the path itself and its parent in a URL, never a product).
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let sku = raw.trim();
        if sku.is_empty() {
            return Err(InvalidValue::new("sku", "must not be empty"));
        }
        if sku.len() > Self::MAX_LEN {
            return Err(InvalidValue::new(
                "sku",
                format!("must be at most {} characters", Self::MAX_LEN),
            ));
        }
        if !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(InvalidValue::new(
                "sku",
                "may contain only letters, digits, '-', '_' and '.'",
            ));
        }
        if sku.chars().all(|c| c == '.') {
            return Err(InvalidValue::new("sku", "must not be made of dots only"));
        }
        Ok(Self(sku.to_owned()))
    }

    /// The SKU Riff gives a product that arrived without one: `RIFF-000123`.
    /// `n` comes from a counter in the store, so generated SKUs are unique;
    /// a clash with a SKU a user typed by hand is caught when the product is
    /// created, and the caller takes the next number.
    pub fn generated(n: u64) -> Self {
        Self(format!("RIFF-{n:06}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_form!(Sku, Self::parse, |sku| sku.0);

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_skus_look_like_riff_and_six_digits() {
        assert_eq!(Sku::generated(123).as_str(), "RIFF-000123");
        assert_eq!(Sku::generated(1_234_567).as_str(), "RIFF-1234567");
    }

    #[test]
    fn generated_skus_from_different_numbers_differ() {
        let skus: std::collections::HashSet<_> = (1..=1000).map(Sku::generated).collect();
        assert_eq!(skus.len(), 1000);
    }

    #[test]
    fn a_sku_is_trimmed_and_checked() {
        assert_eq!(Sku::parse("  GIB-LP-59 ").unwrap().as_str(), "GIB-LP-59");
        assert_eq!(Sku::parse("v1.2").unwrap().as_str(), "v1.2");
        for bad in [
            "",
            "   ",
            "a b",
            "a/b",
            "é",
            ".",
            "..",
            "...",
            "a\0",
            &"x".repeat(65),
        ] {
            assert!(Sku::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn a_sku_deserialises_only_when_valid() {
        assert!(serde_json::from_str::<Sku>("\"ok-1\"").is_ok());
        assert!(serde_json::from_str::<Sku>("\"not ok\"").is_err());
    }
}
