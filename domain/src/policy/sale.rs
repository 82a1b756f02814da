//! First sale wins.
//!
//! Marketplaces report sales late and out of order: a reconcile run may see
//! the Reverb sale from 10:31 before the eBay sale from 10:30. The rule is
//! about when the buyer bought, not when Riff heard: the units go to the
//! earliest sales by `sold_at`, an exact tie goes to the higher-priority
//! channel, and a sale that finds no unit left is an oversell — recorded as a
//! conflict for the owner to resolve, never dropped.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::PlatformPriority;
use crate::value::{text, InvalidValue, Money, SaleChannel};

/// One sale, as a platform (or the shop) reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sale {
    pub channel: SaleChannel,
    /// The platform's reference for the sold line, unique per sale: what
    /// makes a sale seen twice one sale. For a shop sale, the till receipt.
    pub order_ref: String,
    /// The order number the seller sees on the platform (eBay's
    /// `23-11842-60577`, Shopify's `#1018`), when the platform has one; a
    /// line reference is no use to an owner looking for the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    pub sold_at: DateTime<Utc>,
    pub price: Money,
    pub quantity: u32,
    /// The listing that sold, so that the saga spares it when it ends the
    /// others: `None` for a shop sale, and for sales recorded before Riff
    /// kept it (such a listing is closed by its own sale, or already
    /// shows the stock the sale left).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<Uuid>,
}

impl Sale {
    /// The order reference's rule: one line of at most
    /// [`text::MAX_ID`] characters. It is part of the sales view's key, so
    /// it must fit an index; a platform's reference is made to fit by the
    /// listing that reports it (`text::key`).
    ///
    /// # Errors
    /// Blank, too long or holding a control character, naming `order_ref`.
    pub fn check_order_ref(&self) -> Result<(), InvalidValue> {
        text::line("order_ref", &self.order_ref, text::MAX_ID)?;
        // The order number is shown, not indexed, but typed in the same
        // way: the same rule.
        match &self.order_number {
            Some(number) => text::line("order_number", number, text::MAX_ID).map(drop),
            None => Ok(()),
        }
    }

    /// Orders sales by who bought first. The order reference settles the
    /// (absurd) case of one channel reporting two orders in the same instant,
    /// so that the decision never depends on arrival order.
    fn precedence(&self, priority: &PlatformPriority) -> (DateTime<Utc>, usize, String) {
        (
            self.sold_at,
            priority.rank(self.channel),
            self.order_ref.clone(),
        )
    }

    fn same_order(&self, other: &Sale) -> bool {
        self.channel == other.channel && self.order_ref == other.order_ref
    }
}

/// The earliest sale Riff records: no shop sold through it before 2000, and
/// a date before it is a typo that would win first-sale-wins against every
/// real sale.
pub fn earliest_sale() -> DateTime<Utc> {
    DateTime::from_timestamp(946_684_800, 0).expect("2000-01-01T00:00:00Z is a valid time")
}

/// The rule for a sale's time typed by a person: between 2000-01-01 and one
/// day after `now` (a till a few hours ahead, a time zone mixed up).
///
/// # Errors
/// Outside that range, naming `sold_at`.
pub fn check_sold_at(sold_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), InvalidValue> {
    if sold_at < earliest_sale() || sold_at > now + chrono::Duration::days(1) {
        return Err(InvalidValue::new(
            "sold_at",
            "must lie between 2000-01-01 and one day from now",
        ));
    }
    Ok(())
}

/// What recording a sale does to a product.
// A decision lives for one command and is matched at once: boxing the
// sales of a conflict would allocate to save a copy that never happens.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaleDecision {
    /// This order is already recorded (a webhook and a reconcile both saw
    /// it): nothing changes.
    Duplicate,
    /// There was stock: the sale stands and `remaining` units are left.
    Accept { remaining: u32 },
    /// An oversell. `winner` keeps the units (`None` when no earlier sale
    /// holds them, e.g. the stock was counted down to zero by hand) and
    /// `loser` must be refunded or replaced by the owner.
    Conflict {
        winner: Option<Sale>,
        loser: Sale,
        remaining: u32,
    },
}

/// Decides what a newly reported sale does, given the units on hand, the
/// sales that currently hold units, and the sales already in conflict.
pub fn decide_sale(
    on_hand: u32,
    accepted: &[Sale],
    conflicted: &[Sale],
    new: &Sale,
    priority: &PlatformPriority,
) -> SaleDecision {
    if accepted.iter().chain(conflicted).any(|s| s.same_order(new)) {
        return SaleDecision::Duplicate;
    }
    if new.quantity <= on_hand {
        return SaleDecision::Accept {
            remaining: on_hand - new.quantity,
        };
    }
    // No stock for it. The new sale can only take units from the latest
    // accepted sale, and only if it came first and those units suffice.
    let latest = accepted
        .iter()
        .max_by_key(|s| s.precedence(priority))
        .cloned();
    match latest {
        Some(latest)
            if new.precedence(priority) < latest.precedence(priority)
                && new.quantity <= on_hand + latest.quantity =>
        {
            SaleDecision::Conflict {
                remaining: on_hand + latest.quantity - new.quantity,
                winner: Some(new.clone()),
                loser: latest,
            }
        }
        latest => SaleDecision::Conflict {
            winner: latest,
            loser: new.clone(),
            remaining: on_hand,
        },
    }
}

/// Whether a sale is already left out of the product's quantity: the
/// product was made from the listing that sold (`created_from_it`), with
/// the quantity the platform showed when Riff found the listing at
/// `detected_at`, which the sales before that moment had already taken.
/// Such a sale is recorded for the reports and takes no unit again;
/// counting it twice is how a shop with three pedals comes to show one.
pub fn counted_at_import(
    created_from_it: bool,
    detected_at: Option<DateTime<Utc>>,
    sale: &Sale,
) -> bool {
    created_from_it && detected_at.is_some_and(|found| sale.sold_at <= found)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::fixture;
    use crate::value::Platform;

    #[test]
    fn a_sale_before_the_import_of_its_own_listing_is_already_counted() {
        let s = sale("shopify", "#1018", 10, 1);
        let before = Utc.with_ymd_and_hms(2026, 11, 25, 10, 5, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 25, 10, 30, 0).unwrap();
        assert!(counted_at_import(true, Some(after), &s));
        // Sold after the listing was found: the quantity did not show it.
        assert!(!counted_at_import(true, Some(before), &s));
        // The product came from another platform's listing.
        assert!(!counted_at_import(false, Some(after), &s));
        assert!(!counted_at_import(true, None, &s));
    }

    fn sale(channel: &str, order: &str, minute: u32, quantity: u32) -> Sale {
        fixture::sale(channel, order, minute, quantity, fixture::gbp("100"))
    }

    fn decide(on_hand: u32, accepted: &[Sale], new: &Sale) -> SaleDecision {
        decide_sale(on_hand, accepted, &[], new, &PlatformPriority::default())
    }

    #[test]
    fn a_sale_time_lies_between_2000_and_tomorrow() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
        let at = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap();
        assert!(check_sold_at(at(2000, 1, 1, 0), now).is_ok());
        assert!(check_sold_at(at(2026, 11, 26, 10), now).is_ok());
        for bad in [at(1, 1, 1, 0), at(1999, 12, 31, 23), at(2026, 11, 26, 11)] {
            assert_eq!(check_sold_at(bad, now).unwrap_err().field, "sold_at");
        }
    }

    #[test]
    fn an_order_ref_must_fit_the_sales_view() {
        let mut s = sale("shop", "R-1", 30, 1);
        assert!(s.check_order_ref().is_ok());
        for bad in ["x".repeat(3000), "a\0b".into(), "\u{200B}".into()] {
            s.order_ref = bad;
            assert_eq!(s.check_order_ref().unwrap_err().field, "order_ref");
        }
        let mut s = sale("shop", "R-1", 30, 1);
        s.order_number = Some("#10\u{7}18".into());
        assert_eq!(s.check_order_ref().unwrap_err().field, "order_number");
    }

    #[test]
    fn a_sale_with_stock_is_accepted() {
        assert_eq!(
            decide(1, &[], &sale("ebay", "1", 30, 1)),
            SaleDecision::Accept { remaining: 0 }
        );
    }

    #[test]
    fn of_two_sales_of_a_sold_item_the_earlier_wins_whichever_is_detected_first() {
        let bought_first = sale("ebay", "E1", 30, 1);
        let bought_later = sale("reverb", "R1", 31, 1);
        for (case, detected_first, detected_second) in [
            ("a later sale loses", &bought_first, &bought_later),
            (
                "an earlier sale detected late still wins",
                &bought_later,
                &bought_first,
            ),
        ] {
            assert_eq!(
                decide(0, std::slice::from_ref(detected_first), detected_second),
                SaleDecision::Conflict {
                    winner: Some(bought_first.clone()),
                    loser: bought_later.clone(),
                    remaining: 0
                },
                "{case}"
            );
        }
    }

    #[test]
    fn an_exact_tie_goes_to_the_higher_priority_platform() {
        let ebay = sale("ebay", "E1", 30, 1);
        let shopify = sale("shopify", "S1", 30, 1);
        let SaleDecision::Conflict { winner, .. } =
            decide(0, std::slice::from_ref(&ebay), &shopify)
        else {
            panic!("expected a conflict");
        };
        assert_eq!(
            winner.unwrap().channel,
            SaleChannel::Platform(Platform::Shopify)
        );
        let SaleDecision::Conflict { winner, .. } =
            decide(0, std::slice::from_ref(&shopify), &ebay)
        else {
            panic!("expected a conflict");
        };
        assert_eq!(
            winner.unwrap().channel,
            SaleChannel::Platform(Platform::Shopify)
        );
    }

    #[test]
    fn the_same_order_reported_twice_is_a_duplicate() {
        let s = sale("ebay", "E1", 30, 1);
        assert_eq!(
            decide(0, std::slice::from_ref(&s), &s),
            SaleDecision::Duplicate
        );
        assert_eq!(
            decide_sale(
                0,
                &[],
                std::slice::from_ref(&s),
                &s,
                &PlatformPriority::default()
            ),
            SaleDecision::Duplicate
        );
    }

    #[test]
    fn stock_sells_down_unit_by_unit() {
        assert_eq!(
            decide(3, &[], &sale("shop", "T1", 30, 2)),
            SaleDecision::Accept { remaining: 1 }
        );
    }

    #[test]
    fn a_sale_with_no_stock_and_no_rival_is_a_conflict_without_winner() {
        let s = sale("vr", "V1", 30, 1);
        assert_eq!(
            decide(0, &[], &s),
            SaleDecision::Conflict {
                winner: None,
                loser: s,
                remaining: 0
            }
        );
    }

    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        permutations(n - 1)
            .into_iter()
            .flat_map(|p| {
                (0..n).map(move |at| {
                    let mut q = p.clone();
                    q.insert(at, n - 1);
                    q
                })
            })
            .collect()
    }

    #[test]
    fn whatever_the_arrival_order_the_earliest_sale_holds_the_unit() {
        let sales = [
            sale("reverb", "R1", 33, 1),
            sale("ebay", "E1", 30, 1),
            sale("vr", "V1", 31, 1),
            sale("shopify", "S1", 32, 1),
        ];
        // Try every arrival order of the four sales.
        let orders = permutations(sales.len());
        assert_eq!(orders.len(), 24);
        for order in orders {
            let (mut on_hand, mut accepted, mut conflicted) = (1, vec![], vec![]);
            for i in order {
                match decide_sale(
                    on_hand,
                    &accepted,
                    &conflicted,
                    &sales[i],
                    &PlatformPriority::default(),
                ) {
                    SaleDecision::Duplicate => unreachable!(),
                    SaleDecision::Accept { remaining } => {
                        on_hand = remaining;
                        accepted.push(sales[i].clone());
                    }
                    SaleDecision::Conflict {
                        winner,
                        loser,
                        remaining,
                    } => {
                        on_hand = remaining;
                        accepted.retain(|s| *s != loser);
                        if let Some(w) = winner {
                            if !accepted.contains(&w) {
                                accepted.push(w);
                            }
                        }
                        conflicted.push(loser);
                    }
                }
            }
            assert_eq!(accepted, vec![sales[1].clone()]);
            assert_eq!(conflicted.len(), 3);
        }
    }
}
