//! Money: a decimal amount in one currency. Never a float.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{text_form, InvalidValue};

/// An ISO 4217 currency code such as `GBP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const GBP: Currency = Currency(*b"GBP");

    /// # Errors
    /// Anything but three ASCII letters.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let upper = raw.trim().to_ascii_uppercase();
        match <[u8; 3]>::try_from(upper.as_bytes()) {
            Ok(code) if code.iter().all(u8::is_ascii_uppercase) => Ok(Self(code)),
            _ => Err(InvalidValue::new(
                "currency",
                format!("{raw:?} is not a three-letter currency code such as GBP"),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("parse admits only ASCII letters")
    }
}

text_form!(Currency, Self::parse, |c| c.as_str().to_owned());

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A price. Serialised as `{"amount": "1499.00", "currency": "GBP"}` so that
/// no JSON reader ever turns it into a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    /// The dearest thing a gear shop lists is a six-figure vintage guitar;
    /// ten million catches a typo of three extra zeros in good time.
    const MAX: Decimal = Decimal::from_parts(10_000_000, 0, 0, false, 0);

    /// Parses a price a user typed (`"1499"`, `"1499.00"`): a plain
    /// decimal, digits with at most two after a point. `Decimal`'s own
    /// parser reads more (`1_000`, `1e3`), which nobody types as a price
    /// on purpose.
    ///
    /// # Errors
    /// Not a plain decimal, not positive, more than two decimal places, or
    /// 10,000,000 or more.
    pub fn parse_price(raw: &str, currency: Currency) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let plain = !whole.is_empty()
            && digits(whole)
            && digits(fraction)
            && (raw.len() == whole.len() || !fraction.is_empty());
        if !plain {
            return Err(InvalidValue::new(
                "price",
                format!("{raw:?} is not a number such as 1499.00"),
            ));
        }
        let amount: Decimal = raw.parse().map_err(|_| {
            InvalidValue::new("price", format!("{raw:?} is not a number such as 1499.00"))
        })?;
        Self::price(amount, currency)
    }

    /// Checks an amount that is already a decimal.
    ///
    /// # Errors
    /// As [`Money::parse_price`].
    pub fn price(amount: Decimal, currency: Currency) -> Result<Self, InvalidValue> {
        if amount <= Decimal::ZERO {
            return Err(InvalidValue::new("price", "must be more than zero"));
        }
        if amount.normalize().scale() > 2 {
            return Err(InvalidValue::new(
                "price",
                "may have at most two decimal places",
            ));
        }
        if amount >= Self::MAX {
            return Err(InvalidValue::new("price", "must be under 10,000,000"));
        }
        let mut amount = amount;
        amount.rescale(2);
        Ok(Self { amount, currency })
    }

    /// The amount in minor units (pence), for sorting and summing in SQL.
    pub fn minor_units(&self) -> i64 {
        let mut minor = self.amount * Decimal::ONE_HUNDRED;
        minor.rescale(0);
        i64::try_from(minor).expect("prices are bounded far below i64::MAX pence")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_must_be_positive() {
        assert!(Money::parse_price("0", Currency::GBP).is_err());
        assert!(Money::parse_price("-5", Currency::GBP).is_err());
        assert!(Money::parse_price("0.01", Currency::GBP).is_ok());
    }

    #[test]
    fn a_price_keeps_two_decimal_places() {
        let p = Money::parse_price("1499", Currency::GBP).unwrap();
        assert_eq!(p.amount.to_string(), "1499.00");
        assert_eq!(p.minor_units(), 149_900);
        assert!(Money::parse_price("1.005", Currency::GBP).is_err());
        assert!(Money::parse_price("1.50", Currency::GBP).is_ok());
    }

    #[test]
    fn nonsense_prices_are_refused_with_the_field_named() {
        let err = Money::parse_price("lots", Currency::GBP).unwrap_err();
        assert_eq!(err.field, "price");
        assert!(Money::parse_price("100000000", Currency::GBP).is_err());
    }

    #[test]
    fn a_price_is_a_plain_decimal_under_ten_million() {
        for bad in [
            "1_000",
            "1e3",
            "1E3",
            "+5",
            ".5",
            "5.",
            "1,000",
            "0x10",
            "10000000",
            "10000000.00",
            "1 000",
            "",
        ] {
            let err = Money::parse_price(bad, Currency::GBP).unwrap_err();
            assert_eq!(err.field, "price", "{bad:?}");
        }
        for good in ["9999999.99", "1", "0.5", " 12.30 ", "007"] {
            assert!(Money::parse_price(good, Currency::GBP).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn money_serialises_the_amount_as_a_string() {
        let p = Money::parse_price("12.5", Currency::GBP).unwrap();
        let json = serde_json::to_value(p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"amount": "12.50", "currency": "GBP"})
        );
    }

    #[test]
    fn currency_codes_are_three_letters() {
        assert_eq!(Currency::parse("eur").unwrap().as_str(), "EUR");
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
    }
}
