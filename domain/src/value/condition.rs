//! Item condition, on Reverb's scale; the other platforms' scales are mapped
//! onto it by their adapters.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidValue;
use crate::named::named;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    New,
    BStock,
    Mint,
    Excellent,
    VeryGood,
    Good,
    Fair,
    Poor,
    NonFunctioning,
}

named!(Condition {
    New => "new",
    BStock => "b-stock",
    Mint => "mint",
    Excellent => "excellent",
    VeryGood => "very-good",
    Good => "good",
    Fair => "fair",
    Poor => "poor",
    NonFunctioning => "non-functioning",
});

impl FromStr for Condition {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|c| c.as_str()).collect();
                InvalidValue::new(
                    "condition",
                    format!("{s:?} is not a condition; use one of {}", names.join(", ")),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_condition_round_trips_through_its_name() {
        for c in Condition::ALL {
            assert_eq!(c.as_str().parse::<Condition>().unwrap(), c);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
    }

    #[test]
    fn an_unknown_condition_lists_the_valid_ones() {
        let err = "like new".parse::<Condition>().unwrap_err();
        assert!(err.message.contains("very-good"), "{}", err.message);
    }
}
