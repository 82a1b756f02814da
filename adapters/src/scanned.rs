//! What the marketplace clients make alike of what a platform answered:
//! its prices, and the pages a scan read.
//!
//! A listing or an order that changes while the pages are read can move
//! from one page to the next and so come twice; the first sighting is kept.
//! The requests are counted in one `AtomicU32` that every page's call adds
//! to, retries included.

use std::collections::HashSet;
use std::sync::atomic::AtomicU32;

use std::str::FromStr;

use chrono::{DateTime, Utc};
use riff_domain::port::{Listings, PortError, RemoteListing, RemoteSale, Sales};
use riff_domain::value::{Currency, Money};
use rust_decimal::Decimal;

/// How a platform's protocol errors name the parts of a price it wrote:
/// eBay and Reverb say "price" and "price currency", Shopify "amount" and
/// "currency".
#[derive(Debug, Clone, Copy)]
pub(crate) enum PriceWords {
    Price,
    Amount,
}

/// A price as `platform` writes one, an `amount` in text and a `currency`
/// code; what is wrong with it is a protocol error in the platform's
/// `words`.
pub(crate) fn price(
    platform: &str,
    amount: &str,
    currency: &str,
    words: PriceWords,
) -> Result<Money, PortError> {
    let (amount_word, currency_word) = match words {
        PriceWords::Price => ("price", "price currency"),
        PriceWords::Amount => ("amount", "currency"),
    };
    let value = Decimal::from_str(amount.trim()).map_err(|e| {
        PortError::Protocol(format!(
            "{platform} {amount_word} {amount:?} is not a number: {e}"
        ))
    })?;
    let currency = Currency::parse(currency)
        .map_err(|e| PortError::Protocol(format!("{platform} {currency_word}: {e}")))?;
    Money::price(value, currency).map_err(|e| PortError::Protocol(format!("{platform} price: {e}")))
}

/// The listings `found`, each once by its id, and the `requests` made.
pub(crate) fn listings(
    found: impl IntoIterator<Item = RemoteListing>,
    requests: AtomicU32,
) -> Listings {
    let mut seen = HashSet::new();
    Listings {
        listings: found
            .into_iter()
            .filter(|l| seen.insert(l.external_id.clone()))
            .collect(),
        requests: requests.into_inner(),
    }
}

/// The sales `found` that were made at or after `since` (an order changed
/// since may have been made before), each once by its order reference, and
/// the `requests` made.
pub(crate) fn sales(
    found: impl IntoIterator<Item = RemoteSale>,
    since: DateTime<Utc>,
    requests: AtomicU32,
) -> Sales {
    let mut seen = HashSet::new();
    Sales {
        sales: found
            .into_iter()
            .filter(|s| s.sold_at >= since && seen.insert(s.order_ref.clone()))
            .collect(),
        requests: requests.into_inner(),
    }
}
