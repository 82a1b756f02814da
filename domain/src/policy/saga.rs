//! The sale saga's one decision: after a product sells, which of its other
//! listings must come down so that nobody buys an item the shop no longer
//! has, and which show a stock that must go down instead.

use uuid::Uuid;

use crate::listing::ListingStatus;

/// A listing of the product, as the sale saga sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiblingListing {
    pub listing_id: Uuid,
    pub status: ListingStatus,
}

/// After a product sale: which listings to end, in the order given.
///
/// Sold out (`remaining == 0`) → every listing that is not closed and not
/// already ending — Pending and Failed included, since a pending publish of a
/// sold item must not go live — except `sold_listing`, the one that sold (if
/// the sale came from a platform). Units left → none: the other listings are
/// revised to the new quantity instead.
pub fn listings_to_end(
    remaining: u32,
    sold_listing: Option<Uuid>,
    listings: &[SiblingListing],
) -> Vec<Uuid> {
    if remaining > 0 {
        return Vec::new();
    }
    listings
        .iter()
        .filter(|l| Some(l.listing_id) != sold_listing)
        .filter(|l| !l.status.is_closed() && l.status != ListingStatus::Ending)
        .map(|l| l.listing_id)
        .collect()
}

/// What a sale leaves the saga to do with the product's other listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterSale {
    /// Sold out: end these.
    End(Vec<Uuid>),
    /// Units left: every live listing but `except`, the one that sold
    /// (whose platform counted the sale itself), shows the new stock.
    Revise { except: Option<Uuid> },
}

/// After a sale that left `remaining` units: end the other listings
/// ([`listings_to_end`]) or bring them to the new stock.
pub fn after_sale(
    remaining: u32,
    sold_listing: Option<Uuid>,
    listings: &[SiblingListing],
) -> AfterSale {
    if remaining == 0 {
        AfterSale::End(listings_to_end(remaining, sold_listing, listings))
    } else {
        AfterSale::Revise {
            except: sold_listing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ListingStatus::{Ended, Ending, Failed, Live, Pending, Sold};

    /// Listings 1, 2, … of one product, with these statuses.
    fn listings(statuses: &[ListingStatus]) -> Vec<SiblingListing> {
        (1..)
            .zip(statuses)
            .map(|(n, status)| SiblingListing {
                listing_id: Uuid::from_u128(n),
                status: *status,
            })
            .collect()
    }

    fn ids(ns: &[u128]) -> Vec<Uuid> {
        ns.iter().copied().map(Uuid::from_u128).collect()
    }

    #[test]
    fn a_one_off_sold_on_ebay_ends_the_other_three() {
        let listings = listings(&[Live, Live, Live, Live]);
        assert_eq!(
            listings_to_end(0, Some(Uuid::from_u128(2)), &listings),
            ids(&[1, 3, 4])
        );
    }

    #[test]
    fn an_in_store_sale_ends_every_listing() {
        let listings = listings(&[Live, Live]);
        assert_eq!(listings_to_end(0, None, &listings), ids(&[1, 2]));
    }

    #[test]
    fn pending_and_failed_publishes_of_a_sold_item_are_ended_too() {
        let listings = listings(&[Pending, Failed]);
        assert_eq!(listings_to_end(0, None, &listings), ids(&[1, 2]));
    }

    #[test]
    fn a_stocked_item_with_units_left_ends_nothing() {
        let listings = listings(&[Live, Live]);
        assert!(listings_to_end(2, Some(Uuid::from_u128(1)), &listings).is_empty());
    }

    #[test]
    fn listings_already_ending_ended_or_sold_are_left_alone() {
        let listings = listings(&[Ending, Ended, Sold, Live]);
        assert_eq!(listings_to_end(0, None, &listings), ids(&[4]));
    }

    #[test]
    fn given_a_sale_when_units_remain_then_the_others_are_revised_not_ended() {
        let listings = listings(&[Live, Live]);
        let sold = Some(Uuid::from_u128(1));
        assert_eq!(
            after_sale(2, sold, &listings),
            AfterSale::Revise { except: sold }
        );
        assert_eq!(after_sale(0, sold, &listings), AfterSale::End(ids(&[2])));
    }
}
