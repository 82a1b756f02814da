//! The revise saga's decision: after a product changes, what one of its
//! live listings is asked to show — or that it shows it already.
//!
//! The saga reacts to an edit after the fact, by which time the effects
//! worker may have published the listing from the edited product: the
//! listing's `shown_version` says so, and no second revision is sent.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::listing::price::{listing_price, ListingPricing, PricePercent};
use crate::listing::{Listing, ListingCommand, ListingStatus};
use crate::product::Product;
use crate::value::Money;

/// What changed, as far as the product's listings show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The price or the stock (an edit, a sale with units left, a price
    /// rule): a listing already showing both is left alone.
    PriceAndStock,
    /// The details or the pictures: a listing that does not show the
    /// product's current version is revised.
    Everything,
    /// The owner asked again after a revision failed: always sent.
    Retry,
}

/// What the platform shows of the listing now, as far as Riff knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShownNow {
    pub price: Option<Money>,
    pub quantity: Option<u32>,
}

/// The revision to ask of `listing` after `edit` of `product`, priced by
/// its own price or its platform's `rule` (`listing::price`); `None` when
/// there is nothing to send (not live, no price yet, or shown already).
pub fn revision(
    product: &Product,
    listing: &Listing,
    shown: ShownNow,
    rule: Option<PricePercent>,
    edit: Edit,
) -> Option<ListingCommand> {
    if listing.status != ListingStatus::Live {
        return None;
    }
    let price = listing_price(
        product.price?,
        ListingPricing {
            own: listing.attributes.as_ref().and_then(|a| a.own_price()),
            shown: shown.price,
            rule,
        },
    );
    let nothing_new = match edit {
        Edit::PriceAndStock => {
            shown.price == Some(price) && shown.quantity == Some(product.quantity)
        }
        Edit::Everything => listing.shows(product.version),
        Edit::Retry => false,
    };
    (!nothing_new).then_some(ListingCommand::RequestRevise {
        price,
        quantity: product.quantity,
    })
}

/// When a requested revision is sent: `delay` after the last request, so
/// that edits made one after another reach the platform as one revision
/// with the final values — but at once when it offers fewer units than the
/// platform shows (a sale elsewhere): the platform must not go on selling
/// what the shop no longer has.
pub fn revision_due(
    last_requested_at: DateTime<Utc>,
    delay: Duration,
    shown_quantity: Option<u32>,
    requested_quantity: Option<u32>,
) -> DateTime<Utc> {
    let fewer_units = matches!(
        (shown_quantity, requested_quantity),
        (Some(shown), Some(requested)) if requested < shown
    );
    if fewer_units {
        return last_requested_at;
    }
    last_requested_at + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use cqrs_es::Aggregate;
    use uuid::Uuid;

    use super::*;
    use crate::fixture::gbp;
    use crate::listing::{ListingEvent, PlatformAttributes};
    use crate::value::{Platform, Sku};

    /// A product at `version`, priced £1,000, two in stock.
    fn product(version: u64) -> Product {
        Product {
            price: Some(gbp("1000.00")),
            quantity: 2,
            version,
            ..Product::default()
        }
    }

    /// A Reverb listing published from version 3, with `attributes`.
    fn live(attributes: serde_json::Value) -> Listing {
        let mut listing = Listing::default();
        for event in [
            ListingEvent::ListingRequested {
                listing_id: Uuid::from_u128(1),
                sku: Sku::parse("GIB-1").unwrap(),
                platform: Platform::Reverb,
                attributes: PlatformAttributes::from_json(Platform::Reverb, attributes).unwrap(),
            },
            ListingEvent::Listed {
                external_id: "71234501".into(),
                url: None,
                listed_at: chrono::DateTime::UNIX_EPOCH,
                price: Some(gbp("1000.00")),
                quantity: Some(2),
                shown_version: Some(3),
                sent: None,
            },
        ] {
            listing.apply(event);
        }
        listing
    }

    fn showing(price: &str, quantity: u32) -> ShownNow {
        ShownNow {
            price: Some(gbp(price)),
            quantity: Some(quantity),
        }
    }

    fn revise(price: &str, quantity: u32) -> Option<ListingCommand> {
        Some(ListingCommand::RequestRevise {
            price: gbp(price),
            quantity,
        })
    }

    #[test]
    fn an_edit_the_listing_was_published_with_sends_nothing() {
        let listing = live(serde_json::json!({}));
        let shown = showing("1000.00", 2);
        assert_eq!(
            revision(&product(3), &listing, shown, None, Edit::Everything),
            None
        );
        assert_eq!(
            revision(&product(4), &listing, shown, None, Edit::Everything),
            revise("1000.00", 2),
            "an edit after the publish is sent"
        );
    }

    #[test]
    fn a_price_or_stock_change_is_sent_only_when_it_shows_differently() {
        let listing = live(serde_json::json!({}));
        let edited = product(9);
        assert_eq!(
            revision(
                &edited,
                &listing,
                showing("1000.00", 2),
                None,
                Edit::PriceAndStock
            ),
            None
        );
        assert_eq!(
            revision(
                &edited,
                &listing,
                showing("1000.00", 3),
                None,
                Edit::PriceAndStock
            ),
            revise("1000.00", 2)
        );
    }

    #[test]
    fn a_listing_follows_its_platform_s_rule_unless_it_has_its_own_price() {
        let rule = Some(PricePercent::parse("5").unwrap());
        let shown = showing("1000.00", 2);
        assert_eq!(
            revision(
                &product(4),
                &live(serde_json::json!({})),
                shown,
                rule,
                Edit::PriceAndStock
            ),
            revise("1050.00", 2)
        );
        assert_eq!(
            revision(
                &product(4),
                &live(serde_json::json!({"price": "999.00"})),
                showing("999.00", 2),
                rule,
                Edit::PriceAndStock
            ),
            None,
            "its own price stands"
        );
    }

    #[test]
    fn edits_wait_for_the_window_to_pass_after_the_last_one() {
        let last = chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(100);
        let window = Duration::from_secs(10);
        assert_eq!(
            revision_due(last, window, Some(1), Some(1)),
            last + chrono::Duration::seconds(10)
        );
        assert_eq!(
            revision_due(last, window, Some(1), Some(3)),
            last + chrono::Duration::seconds(10),
            "more units can wait"
        );
        assert_eq!(revision_due(last, Duration::ZERO, None, None), last);
    }

    #[test]
    fn fewer_units_than_the_platform_shows_are_sent_at_once() {
        let last = chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(100);
        assert_eq!(
            revision_due(last, Duration::from_secs(10), Some(3), Some(2)),
            last
        );
    }

    #[test]
    fn a_retry_is_sent_even_when_nothing_changed() {
        let listing = live(serde_json::json!({}));
        assert_eq!(
            revision(
                &product(3),
                &listing,
                showing("1000.00", 2),
                None,
                Edit::Retry
            ),
            revise("1000.00", 2)
        );
    }

    #[test]
    fn a_listing_that_is_not_up_or_a_product_without_a_price_sends_nothing() {
        let mut ending = live(serde_json::json!({}));
        ending.apply(ListingEvent::EndRequested {
            reason: crate::listing::EndReason::Manual,
        });
        assert_eq!(
            revision(&product(4), &ending, ShownNow::default(), None, Edit::Retry),
            None
        );
        let draft = Product {
            price: None,
            ..product(4)
        };
        let listing = live(serde_json::json!({}));
        assert_eq!(
            revision(&draft, &listing, ShownNow::default(), None, Edit::Retry),
            None
        );
    }
}
