//! The price a listing shows. The product has one price, in the shop's
//! currency; each listing shows either
//!
//! 1. its **own price**, fixed by the owner when it was published
//!    (`attributes.price`, in the listing's currency): kept whatever the
//!    product's price or the platform's rule does;
//! 2. the price it has on its platform, when that is in **another
//!    currency** than the shop's (Riff converts no currency);
//! 3. the product's price moved by its **platform's rule** from Settings
//!    (`PUT /api/settings/price-rule`, e.g. Reverb +5% to cover its fees),
//!    rounded to the cent half away from zero, as a shop rounds;
//! 4. or the product's price.
//!
//! Publishing and every revision ask [`listing_price`], so a listing is
//! published and later revised at the same price for the same reasons.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::value::{text_form, Currency, InvalidValue, Money};

/// A listing's own price, as the owner typed it in its attributes: a plain
/// decimal with at most two decimal places, more than zero and under
/// 10,000,000 (the product price's rules). Its currency is the listing's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OwnPrice(Decimal);

impl OwnPrice {
    /// # Errors
    /// As [`Money::parse_price`]: not a plain decimal, not positive, more
    /// than two decimal places, or too large. The field is `price`.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        // The currency does not take part in the checks.
        Money::parse_price(raw, Currency::GBP).map(|m| Self(m.amount))
    }

    pub fn amount(self) -> Decimal {
        self.0
    }
}

text_form!(OwnPrice, Self::parse, |price| price.0.to_string());

/// How far a platform's rule moves the product's price: a percentage
/// between -90 and 200 with at most two decimal places (`5`, `-10`,
/// `7.5`). Zero is no rule. Kept in the log as a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PricePercent(Decimal);

impl PricePercent {
    /// No change: the rule that is no rule.
    pub const ZERO: PricePercent = PricePercent(Decimal::ZERO);
    /// Nine tenths off is the deepest cut a rule may make: a listing at a
    /// tenth of the price is a typo, not a policy.
    const LOWEST: Decimal = Decimal::from_parts(90, 0, 0, true, 0);
    /// Three times the price covers any platform's fees with room to
    /// spare.
    const HIGHEST: Decimal = Decimal::from_parts(200, 0, 0, false, 0);

    /// Reads a percentage as typed (`"5"`, `"-10"`, `"7.5"`).
    ///
    /// # Errors
    /// Not a plain decimal, more than two decimal places, or outside
    /// -90..=200. The field is `percent`.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        let unsigned = raw.strip_prefix('-').unwrap_or(raw);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let plain = !whole.is_empty()
            && digits(whole)
            && digits(fraction)
            && (unsigned.len() == whole.len() || !fraction.is_empty());
        let not_a_number = || {
            InvalidValue::new(
                "percent",
                format!("{raw:?} is not a percentage such as 5, -10 or 7.5"),
            )
        };
        if !plain {
            return Err(not_a_number());
        }
        let value: Decimal = raw.parse().map_err(|_| not_a_number())?;
        Self::new(value)
    }

    /// # Errors
    /// As [`PricePercent::parse`].
    pub fn new(value: Decimal) -> Result<Self, InvalidValue> {
        if value.normalize().scale() > 2 {
            return Err(InvalidValue::new(
                "percent",
                "may have at most two decimal places",
            ));
        }
        if !(Self::LOWEST..=Self::HIGHEST).contains(&value) {
            return Err(InvalidValue::new(
                "percent",
                "must be between -90 and 200 (0 removes the rule)",
            ));
        }
        Ok(Self(value.normalize()))
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    /// `price` moved by this percentage, rounded to the cent half away
    /// from zero (£1,000.05 + 5% = £1,050.0525 → £1,050.05; £0.10 + 5% =
    /// £0.105 → £0.11). Never below a penny: a rule cannot make an item
    /// free.
    pub fn apply(self, price: Money) -> Money {
        let moved = price.amount * (Decimal::ONE_HUNDRED + self.0) / Decimal::ONE_HUNDRED;
        let mut amount = moved
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .max(Decimal::new(1, 2));
        amount.rescale(2);
        Money {
            amount,
            currency: price.currency,
        }
    }
}

impl fmt::Display for PricePercent {
    /// `+5%`, `-10%`, `+7.5%`: how the owner reads a rule.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_sign_negative() {
            write!(f, "{}%", self.0)
        } else {
            write!(f, "+{}%", self.0)
        }
    }
}

/// What decides one listing's price besides the product's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListingPricing {
    /// The listing's own price, from its attributes.
    pub own: Option<OwnPrice>,
    /// What the listing shows on its platform now, when Riff knows: its
    /// currency is the listing's.
    pub shown: Option<Money>,
    /// The rule of the listing's platform, when the shop has one.
    pub rule: Option<PricePercent>,
}

/// The price a listing should show when its product's price is `product`
/// (see the module's documentation for the order of the reasons).
pub fn listing_price(product: Money, listing: ListingPricing) -> Money {
    let currency = listing.shown.map_or(product.currency, |s| s.currency);
    if let Some(own) = listing.own {
        return Money {
            amount: own.amount(),
            currency,
        };
    }
    if let Some(shown) = listing.shown.filter(|s| s.currency != product.currency) {
        return shown;
    }
    match listing.rule {
        Some(rule) => rule.apply(product),
        None => product,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::gbp;

    fn rule(percent: &str) -> Option<PricePercent> {
        Some(PricePercent::parse(percent).unwrap())
    }

    #[test]
    fn a_rule_moves_the_product_s_price_to_the_cent() {
        let price = |percent: &str, product: &str| {
            listing_price(
                gbp(product),
                ListingPricing {
                    rule: rule(percent),
                    ..ListingPricing::default()
                },
            )
        };
        assert_eq!(price("5", "1000.00"), gbp("1050.00"));
        assert_eq!(price("5", "1200"), gbp("1260.00"));
        assert_eq!(price("-10", "1499.99"), gbp("1349.99"));
        assert_eq!(price("7.5", "99.99"), gbp("107.49"));
        assert_eq!(price("5", "1200").amount.to_string(), "1260.00");
    }

    #[test]
    fn half_a_cent_is_rounded_away_from_zero() {
        // 0.10 × 1.05 = 0.105, 1000.05 × 1.05 = 1050.0525, 0.30 × 1.15 = 0.345.
        let moved = |percent: &str, product: &str| rule(percent).unwrap().apply(gbp(product));
        assert_eq!(moved("5", "0.10"), gbp("0.11"));
        assert_eq!(moved("5", "1000.05"), gbp("1050.05"));
        assert_eq!(moved("15", "0.30"), gbp("0.35"));
        assert_eq!(moved("-50", "0.01"), gbp("0.01"), "never below a penny");
        assert_eq!(moved("-90", "0.01"), gbp("0.01"), "never below a penny");
    }

    #[test]
    fn a_listing_s_own_price_beats_its_platform_s_rule() {
        let own = ListingPricing {
            own: Some(OwnPrice::parse("999.00").unwrap()),
            shown: Some(gbp("999.00")),
            rule: rule("5"),
        };
        assert_eq!(listing_price(gbp("1000"), own), gbp("999.00"));
        assert_eq!(listing_price(gbp("1200"), own), gbp("999.00"));
    }

    #[test]
    fn a_listing_in_another_currency_keeps_its_price_and_no_rule_applies() {
        let usd = Currency::parse("USD").unwrap();
        let shown = Money::parse_price("1800", usd).unwrap();
        let foreign = ListingPricing {
            shown: Some(shown),
            rule: rule("5"),
            ..ListingPricing::default()
        };
        assert_eq!(listing_price(gbp("1200"), foreign), shown);
        // Its own price is in its own currency.
        let own = ListingPricing {
            own: Some(OwnPrice::parse("1750").unwrap()),
            ..foreign
        };
        assert_eq!(
            listing_price(gbp("1200"), own),
            Money::parse_price("1750", usd).unwrap()
        );
    }

    #[test]
    fn without_a_rule_or_its_own_price_a_listing_shows_the_product_s() {
        let listed = ListingPricing {
            shown: Some(gbp("1000")),
            ..ListingPricing::default()
        };
        assert_eq!(listing_price(gbp("1200"), listed), gbp("1200"));
        assert_eq!(
            listing_price(gbp("1200"), ListingPricing::default()),
            gbp("1200")
        );
    }

    #[test]
    fn a_percentage_is_a_plain_decimal_within_bounds() {
        for good in ["5", "-10", "7.5", "0", "-90", "200", " 12.25 "] {
            assert!(PricePercent::parse(good).is_ok(), "{good:?}");
        }
        for bad in [
            "", "five", "5%", "+5", "1e2", "-90.01", "200.5", "7.125", ".5", "5.", "--5",
        ] {
            let error = PricePercent::parse(bad).unwrap_err();
            assert_eq!(error.field, "percent", "{bad:?}");
        }
        assert_eq!(PricePercent::parse("7.50").unwrap().to_string(), "+7.5%");
        assert_eq!(PricePercent::parse("-10").unwrap().to_string(), "-10%");
        assert!(PricePercent::parse("0.00").unwrap().is_zero());
    }

    #[test]
    fn an_own_price_is_a_price_and_reads_back_as_typed() {
        let own: OwnPrice = serde_json::from_value(serde_json::json!("999")).unwrap();
        assert_eq!(serde_json::to_value(own).unwrap(), "999.00");
        for bad in ["0", "-5", "9.999", "lots", "1e3"] {
            assert!(
                serde_json::from_value::<OwnPrice>(serde_json::json!(bad)).is_err(),
                "{bad:?}"
            );
        }
    }
}
