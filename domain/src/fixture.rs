//! What the domain's tests build their values from, written once rather
//! than copied into every test module.

use chrono::{DateTime, TimeZone, Utc};

use crate::policy::Sale;
use crate::value::{Currency, Money, ProductDetails, ProductDetailsInput};

pub(crate) fn gbp(amount: &str) -> Money {
    Money::parse_price(amount, Currency::GBP).unwrap()
}

/// `minute` past ten on the morning the tests' sales happen.
pub(crate) fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 10, minute, 0).unwrap()
}

/// `quantity` units sold on `channel` in order `order` at [`at`]`(minute)`,
/// at `price`, on no listing in particular.
pub(crate) fn sale(channel: &str, order: &str, minute: u32, quantity: u32, price: Money) -> Sale {
    Sale {
        channel: channel.parse().unwrap(),
        order_ref: order.into(),
        order_number: None,
        sold_at: at(minute),
        price,
        quantity,
        listing: None,
    }
}

/// A product's details as a form gives them: the required ones, no year,
/// finish or description.
pub(crate) fn details_input(
    (title, brand, model): (&str, &str, &str),
    category: &str,
    condition: &str,
) -> ProductDetailsInput {
    ProductDetailsInput {
        title: title.into(),
        brand: brand.into(),
        model: model.into(),
        category: category.into(),
        condition: condition.into(),
        ..Default::default()
    }
}

/// [`details_input`], checked.
pub(crate) fn details(name: (&str, &str, &str), category: &str, condition: &str) -> ProductDetails {
    ProductDetails::parse(details_input(name, category, condition)).unwrap()
}
