//! Reconcile: what one platform's scan says has changed since Riff last
//! looked.
//!
//! Webhooks get lost and V&R sends none, so every platform is scanned now and
//! then and the scan is compared with what Riff knows of its listings there.
//! The comparison is a pure function from (scan, known listings) to a list of
//! [`Change`]s that the reconcile worker turns into commands. It is built to
//! be run again and again over overlapping scans: every change it proposes is
//! one the aggregates would accept once and then ignore (a known order, a
//! detected id already taken), and it holds back what it has already
//! reported, so a scan that shows nothing new proposes nothing.
//!
//! Two rules matter more than the rest. A sale is never invented — no price,
//! no sale — and an ending is never taken for a sale: a listing that vanished
//! without an order to explain it ended on the platform. Sales come first,
//! even for listings Riff has never seen, because a sale that does not reach
//! its product is how a one-off guitar gets sold twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::listing::{ListingStatus, SoldLine};
use crate::port::{Coverage, RemoteListing, RemoteSale, RemoteStatus, Scan};
use crate::value::{Money, Platform, Sku};

/// The namespace of [`detected_listing_id`]'s UUIDs. Changing it would make
/// the next reconcile import every detected listing a second time.
const DETECTED_NAMESPACE: Uuid = Uuid::from_u128(0x5d1f_0c3a_7b2e_4f61_9a8d_2c4e_6b13_f7a0);

/// The id a listing found on a platform gets: deterministic, so that two
/// reconcile runs that both find it append to one aggregate (the second
/// Detect is refused as `AlreadyExists`) and nothing is imported twice.
///
/// A UUID v5 over `"<platform>:<external_id>"` in a fixed Riff namespace.
pub fn detected_listing_id(platform: Platform, external_id: &str) -> Uuid {
    Uuid::new_v5(
        &DETECTED_NAMESPACE,
        format!("{}:{external_id}", platform.as_str()).as_bytes(),
    )
}

/// What Riff knows about one of its listings on the platform being reconciled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownListing {
    pub listing_id: Uuid,
    /// `None`: detected and not linked to a product yet.
    pub sku: Option<Sku>,
    pub status: ListingStatus,
    /// `None` while the publish is pending.
    pub external_id: Option<String>,
    /// What Riff last put on (or found on) the platform: drift is measured
    /// against these, not against the product, so that a change Riff has not
    /// pushed yet is not drift.
    pub published_price: Option<Money>,
    pub published_quantity: Option<u32>,
    /// The title Riff last sent, where it knows it.
    pub published_title: Option<String>,
    /// Order references already recorded for this listing.
    pub orders: Vec<String>,
    /// Drift already reported for this listing and still open, as
    /// `(field, platform value)`: reported once, not on every run.
    pub reported_drift: Vec<(String, String)>,
}

impl KnownListing {
    /// Riff believes the listing is up on the platform.
    fn believed_up(&self) -> bool {
        matches!(self.status, ListingStatus::Live | ListingStatus::Ending)
    }

    /// A publish that may have reached the platform before Riff recorded
    /// its external id: the effects worker will confirm it.
    fn awaiting_confirmation(&self) -> bool {
        matches!(self.status, ListingStatus::Pending | ListingStatus::Failed)
            || self.external_id.is_none()
    }
}

/// One thing the scan shows that Riff has not recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A listing Riff does not know; `listing_id` is
    /// [`detected_listing_id`] of its platform and external id.
    Detected {
        listing_id: Uuid,
        remote: RemoteListing,
    },
    /// A sale to record on `listing_id`: a known listing, or one detected in
    /// this same diff (its `Detected` comes first in the output).
    Sold { listing_id: Uuid, line: SoldLine },
    /// Riff thinks it is on the platform (live or ending), but the platform
    /// ended it or no longer lists it, and no sale explains it. Never a sale.
    EndedElsewhere { listing_id: Uuid },
    /// The platform shows another price or quantity than Riff last published.
    Drifted {
        listing_id: Uuid,
        /// `"price"` or `"quantity"`.
        field: String,
        riff_value: String,
        platform_value: String,
    },
}

/// Compares one platform's scan with the listings Riff has there.
///
/// The output is deterministic: every `Detected` first (listings in the
/// scan's listing order, then listings seen only through a sale, in sale
/// order), then `Sold`, then `EndedElsewhere`, then `Drifted`. No listing is
/// detected or ended twice and no order is sold twice, even when the scan
/// repeats a line.
pub fn diff(
    scan: &Scan,
    known: &[KnownListing],
    platform: Platform,
    scanned_at: DateTime<Utc>,
) -> Vec<Change> {
    let view = ScanView::new(scan, known);
    let mut out = Changes::default();
    detect_unknown(&view, scan, platform, &mut out);
    sold_by_orders(&view, scan, platform, &mut out);
    sold_by_status(&view, scan, platform, scanned_at, &mut out);
    ended_elsewhere(&view, scan, known, &mut out);
    drifted(&view, known, platform, &mut out);
    out.into_vec()
}

/// Unknown listings: first those the scan lists, then those only a sale
/// names (a listing made on the platform that sold before Riff saw it).
fn detect_unknown(view: &ScanView<'_>, scan: &Scan, platform: Platform, out: &mut Changes) {
    for remote in &scan.listings {
        let unknown = view.known(&remote.external_id).is_none();
        let sold_unseen = unknown && view.has_sale(&remote.external_id);
        if sold_unseen || (unknown && view.importable(remote)) {
            out.detect(platform, remote.clone());
        }
    }
    for sale in &scan.sales {
        if view.known(&sale.external_id).is_none() {
            out.detect(platform, remote_from_sale(platform, sale));
        }
    }
}

/// Sales the platform reported.
fn sold_by_orders(view: &ScanView<'_>, scan: &Scan, platform: Platform, out: &mut Changes) {
    for sale in &scan.sales {
        let (listing_id, orders) = match view.known(&sale.external_id) {
            Some(k) => (k.listing_id, k.orders.as_slice()),
            None => (detected_listing_id(platform, &sale.external_id), &[][..]),
        };
        if !orders.contains(&sale.order_ref) {
            out.sell(Change::Sold {
                listing_id,
                line: SoldLine {
                    order_ref: sale.order_ref.clone(),
                    order_number: sale.order_number.clone(),
                    sold_at: sale.sold_at,
                    price: sale.price,
                    quantity: sale.quantity,
                    sold_out: !view.live_with_units(&sale.external_id),
                },
            });
        }
    }
}

/// Sales only a listing's status shows: V&R has no orders feed, so its
/// sold flag is its sale. Every other platform reports its orders, so a
/// listing of theirs that shows none left with no order behind it was
/// not sold through the platform (in person, or counted down by hand):
/// that is for the owner to check, never a sale that ends the others.
fn sold_by_status(
    view: &ScanView<'_>,
    scan: &Scan,
    platform: Platform,
    scanned_at: DateTime<Utc>,
    out: &mut Changes,
) {
    for remote in &scan.listings {
        if remote.status != RemoteStatus::Sold || view.has_sale(&remote.external_id) {
            continue;
        }
        let Some(k) = view.known(&remote.external_id).filter(|k| k.believed_up()) else {
            continue;
        };
        if platform == Platform::Vr {
            if let Some(sold) = inferred_sale(platform, remote, k, scanned_at) {
                out.sell(sold);
            }
        } else if k.status == ListingStatus::Live
            && !k
                .reported_drift
                .iter()
                .any(|(f, v)| f == "quantity" && v == "0")
        {
            // Only a listing Riff believes for sale: one it is ending
            // anyway (sold elsewhere) is no news.
            out.drifted.push(Change::Drifted {
                listing_id: k.listing_id,
                field: "quantity".to_owned(),
                riff_value: k.published_quantity.unwrap_or(1).to_string(),
                platform_value: "0".to_owned(),
            });
        }
    }
}

/// Listings the platform ended, or no longer lists, with no sale.
fn ended_elsewhere(view: &ScanView<'_>, scan: &Scan, known: &[KnownListing], out: &mut Changes) {
    for remote in &scan.listings {
        if remote.status == RemoteStatus::Ended && !view.has_sale(&remote.external_id) {
            if let Some(k) = view.known(&remote.external_id).filter(|k| k.believed_up()) {
                out.end(k.listing_id);
            }
        }
    }
    for k in known.iter().filter(|k| k.believed_up()) {
        let Some(external_id) = &k.external_id else {
            continue;
        };
        let gone = scan.coverage == Coverage::Complete && !view.listed(external_id);
        if gone && !view.has_sale(external_id) {
            out.end(k.listing_id);
        }
    }
}

/// Drift, on listings Riff has live and the platform shows live.
fn drifted(view: &ScanView<'_>, known: &[KnownListing], platform: Platform, out: &mut Changes) {
    for k in known.iter().filter(|k| k.status == ListingStatus::Live) {
        let Some(remote) = k.external_id.as_deref().and_then(|id| view.live(id)) else {
            continue;
        };
        let price = price_drift(k.published_price, remote.price);
        let title = title_drift(platform, k.published_title.as_deref(), &remote.title);
        // A sale in this scan explains a smaller quantity: not drift.
        let quantity = if view.has_sale(&remote.external_id) {
            None
        } else {
            quantity_drift(k.published_quantity, remote.quantity)
        };
        for (field, riff_value, platform_value) in title.into_iter().chain(price).chain(quantity) {
            let reported = k
                .reported_drift
                .iter()
                .any(|(f, v)| f == field && *v == platform_value);
            if !reported {
                out.drifted.push(Change::Drifted {
                    listing_id: k.listing_id,
                    field: field.to_owned(),
                    riff_value,
                    platform_value,
                });
            }
        }
    }
}

/// The listings a targeted reconcile must look up, one by one, to turn
/// `sales` into a [`Coverage::Partial`] scan: each listing with a sale not
/// yet recorded, once, in sale order. Whether such a listing is still live
/// with units left decides whether its sale was the last unit, and a
/// listing Riff has never seen is detected from its own record.
pub fn to_look_up(sales: &[RemoteSale], known: &[KnownListing]) -> Vec<String> {
    let recorded: HashMap<&str, &[String]> = known
        .iter()
        .filter_map(|k| Some((k.external_id.as_deref()?, k.orders.as_slice())))
        .collect();
    let mut seen = HashSet::new();
    sales
        .iter()
        .filter(|sale| {
            !recorded
                .get(sale.external_id.as_str())
                .is_some_and(|orders| orders.contains(&sale.order_ref))
        })
        .filter(|sale| seen.insert(sale.external_id.as_str()))
        .map(|sale| sale.external_id.clone())
        .collect()
}

/// The scan and the known listings, indexed by the platform's external id.
struct ScanView<'a> {
    known: HashMap<&'a str, &'a KnownListing>,
    /// The first entry the scan gives for each external id.
    listed: HashMap<&'a str, &'a RemoteListing>,
    /// External ids with at least one sale line in the scan.
    sold: HashSet<&'a str>,
    /// SKUs of publishes the platform may have before Riff knows it.
    awaiting: HashSet<&'a Sku>,
}

impl<'a> ScanView<'a> {
    fn new(scan: &'a Scan, known: &'a [KnownListing]) -> Self {
        let mut view = Self {
            known: HashMap::new(),
            listed: HashMap::new(),
            sold: scan.sales.iter().map(|s| s.external_id.as_str()).collect(),
            awaiting: known
                .iter()
                .filter(|k| k.awaiting_confirmation())
                .filter_map(|k| k.sku.as_ref())
                .collect(),
        };
        for k in known {
            if let Some(id) = &k.external_id {
                view.known.entry(id).or_insert(k);
            }
        }
        for remote in &scan.listings {
            view.listed.entry(&remote.external_id).or_insert(remote);
        }
        view
    }

    fn known(&self, external_id: &str) -> Option<&'a KnownListing> {
        self.known.get(external_id).copied()
    }

    fn listed(&self, external_id: &str) -> bool {
        self.listed.contains_key(external_id)
    }

    fn live(&self, external_id: &str) -> Option<&'a RemoteListing> {
        self.listed
            .get(external_id)
            .copied()
            .filter(|r| r.status == RemoteStatus::Live)
    }

    /// A stocked item that still has units for sale after its sales.
    fn live_with_units(&self, external_id: &str) -> bool {
        self.live(external_id)
            .is_some_and(|r| r.quantity.is_some_and(|q| q > 0))
    }

    fn has_sale(&self, external_id: &str) -> bool {
        self.sold.contains(external_id)
    }

    /// Whether a live listing Riff does not know by external id should be
    /// imported. Not when its SKU is that of a publish Riff is still waiting
    /// to hear about: that is Riff's own listing, and the effects worker
    /// will confirm it; importing it would make a duplicate.
    fn importable(&self, remote: &RemoteListing) -> bool {
        if remote.status != RemoteStatus::Live {
            return false;
        }
        let sku = remote.sku.as_deref().and_then(|s| Sku::parse(s).ok());
        !sku.is_some_and(|sku| self.awaiting.contains(&sku))
    }
}

/// The changes gathered so far, one list per kind so that the output comes
/// out in kind order, with what has been seen already to drop repeats.
#[derive(Default)]
struct Changes {
    detected: Vec<Change>,
    sold: Vec<Change>,
    ended: Vec<Change>,
    drifted: Vec<Change>,
    detected_ids: HashSet<String>,
    orders: HashSet<(Uuid, String)>,
    ended_ids: HashSet<Uuid>,
}

impl Changes {
    fn detect(&mut self, platform: Platform, remote: RemoteListing) {
        if self.detected_ids.insert(remote.external_id.clone()) {
            self.detected.push(Change::Detected {
                listing_id: detected_listing_id(platform, &remote.external_id),
                remote,
            });
        }
    }

    fn sell(&mut self, sold: Change) {
        if let Change::Sold { listing_id, line } = &sold {
            if self.orders.insert((*listing_id, line.order_ref.clone())) {
                self.sold.push(sold);
            }
        }
    }

    fn end(&mut self, listing_id: Uuid) {
        if self.ended_ids.insert(listing_id) {
            self.ended.push(Change::EndedElsewhere { listing_id });
        }
    }

    fn into_vec(self) -> Vec<Change> {
        [self.detected, self.sold, self.ended, self.drifted].concat()
    }
}

/// The snapshot of a listing known only through its sale: enough for the
/// owner to recognise it and for the sale to reach a product once linked.
fn remote_from_sale(platform: Platform, sale: &RemoteSale) -> RemoteListing {
    RemoteListing {
        external_id: sale.external_id.clone(),
        sku: sale.sku.clone(),
        title: format!("{} listing {}", platform.display_name(), sale.external_id),
        price: Some(sale.price),
        quantity: Some(0),
        status: RemoteStatus::Sold,
        url: None,
    }
}

/// The sale a listing's sold status implies when the platform has no
/// orders feed. The order reference is made from the listing, so the same
/// listing seen sold by the next scan is the same order. `None` when no
/// price is known: a sale is never recorded at an invented price.
fn inferred_sale(
    platform: Platform,
    remote: &RemoteListing,
    known: &KnownListing,
    scanned_at: DateTime<Utc>,
) -> Option<Change> {
    let order_ref = format!("{platform}-{}", remote.external_id);
    if known.orders.contains(&order_ref) {
        return None;
    }
    Some(Change::Sold {
        listing_id: known.listing_id,
        line: SoldLine {
            order_ref,
            order_number: None,
            sold_at: scanned_at,
            price: remote.price.or(known.published_price)?,
            quantity: known.published_quantity.filter(|q| *q > 0).unwrap_or(1),
            sold_out: true,
        },
    })
}

/// `(field, riff value, platform value)` when both sides are known and differ.
type Drift = (&'static str, String, String);

fn price_drift(published: Option<Money>, remote: Option<Money>) -> Option<Drift> {
    let (riff, platform) = (published?, remote?);
    if riff == platform {
        return None;
    }
    // Plain amounts read best ("1299.00"); the currency is shown only when it
    // is the difference.
    let (riff, platform) = if riff.currency == platform.currency {
        (riff.amount.to_string(), platform.amount.to_string())
    } else {
        (riff.to_string(), platform.to_string())
    };
    Some(("price", riff, platform))
}

/// A title changed on the platform. V&R shows a brand and a model, not the
/// title Riff has, so it has none to compare; spaces around it are not a
/// change.
fn title_drift(platform: Platform, published: Option<&str>, remote: &str) -> Option<Drift> {
    let riff = published.filter(|t| !t.is_empty() && platform != Platform::Vr)?;
    (riff.trim() != remote.trim()).then(|| ("title", riff.to_owned(), remote.trim().to_owned()))
}

fn quantity_drift(published: Option<u32>, remote: Option<u32>) -> Option<Drift> {
    let (riff, platform) = (published?, remote?);
    (riff != platform).then(|| ("quantity", riff.to_string(), platform.to_string()))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::fixture::{at, gbp};
    use crate::value::Currency;

    const P: Platform = Platform::Reverb;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// A listing Riff published, live on the platform as `ext`.
    fn known(n: u128, ext: &str) -> KnownListing {
        KnownListing {
            listing_id: id(n),
            sku: Some(Sku::parse(&format!("SKU-{n}")).unwrap()),
            status: ListingStatus::Live,
            external_id: Some(ext.into()),
            published_price: Some(gbp("1299")),
            published_quantity: Some(1),
            published_title: None,
            orders: vec![],
            reported_drift: vec![],
        }
    }

    /// The platform's view of `known(n, ext)`, unchanged.
    fn remote(n: u128, ext: &str) -> RemoteListing {
        RemoteListing {
            external_id: ext.into(),
            sku: Some(format!("SKU-{n}")),
            title: format!("Guitar {n}"),
            price: Some(gbp("1299")),
            quantity: Some(1),
            status: RemoteStatus::Live,
            url: Some(format!("https://example.com/{ext}")),
        }
    }

    fn with_status(mut r: RemoteListing, status: RemoteStatus) -> RemoteListing {
        r.status = status;
        r
    }

    fn sale(ext: &str, order: &str) -> RemoteSale {
        RemoteSale {
            external_id: ext.into(),
            sku: None,
            order_ref: order.into(),
            order_number: None,
            sold_at: at(30),
            price: gbp("1250"),
            quantity: 1,
        }
    }

    fn scan(listings: Vec<RemoteListing>, sales: Vec<RemoteSale>) -> Scan {
        Scan {
            listings,
            sales,
            requests: 1,
            coverage: Coverage::Complete,
        }
    }

    /// A targeted look: `listings` looked up one by one.
    fn partial(listings: Vec<RemoteListing>, sales: Vec<RemoteSale>) -> Scan {
        Scan {
            coverage: Coverage::Partial,
            ..scan(listings, sales)
        }
    }

    fn run(scan: &Scan, known: &[KnownListing]) -> Vec<Change> {
        diff(scan, known, P, at(45))
    }

    /// One unit of the listing sold in the order `order`.
    fn sold_as(
        listing_id: Uuid,
        order: &str,
        sold_at: DateTime<Utc>,
        price: Money,
        sold_out: bool,
    ) -> Change {
        Change::Sold {
            listing_id,
            line: SoldLine {
                order_ref: order.into(),
                order_number: None,
                sold_at,
                price,
                quantity: 1,
                sold_out,
            },
        }
    }

    fn sold(n: u128, order: &str, sold_out: bool) -> Change {
        sold_as(id(n), order, at(30), gbp("1250"), sold_out)
    }

    fn ended(n: u128) -> Change {
        Change::EndedElsewhere { listing_id: id(n) }
    }

    #[test]
    fn a_detected_listing_gets_the_same_id_on_every_run() {
        let a = detected_listing_id(Platform::Ebay, "110551234567");
        assert_eq!(a, detected_listing_id(Platform::Ebay, "110551234567"));
        assert_eq!(a.get_version_num(), 5);
        assert_ne!(a, detected_listing_id(Platform::Reverb, "110551234567"));
        assert_ne!(a, detected_listing_id(Platform::Ebay, "110551234568"));
    }

    #[test]
    fn a_scan_that_matches_what_riff_knows_changes_nothing() {
        let s = scan(vec![remote(1, "A")], vec![]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![]);
    }

    #[test]
    fn a_sale_of_a_known_listing_is_recorded() {
        let s = scan(vec![], vec![sale("A", "R-1")]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![sold(1, "R-1", true)]);
    }

    #[test]
    fn a_sale_already_recorded_is_not_recorded_again() {
        let k = KnownListing {
            orders: vec!["R-1".into()],
            ..known(1, "A")
        };
        let s = scan(vec![], vec![sale("A", "R-1")]);
        assert_eq!(run(&s, &[k]), vec![]);
    }

    #[test]
    fn an_order_line_the_scan_repeats_is_sold_once() {
        let s = scan(vec![], vec![sale("A", "R-1"), sale("A", "R-1")]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![sold(1, "R-1", true)]);
    }

    #[test]
    fn a_stocked_item_still_live_with_units_left_is_not_sold_out() {
        let live = RemoteListing {
            quantity: Some(3),
            ..remote(1, "A")
        };
        let s = scan(vec![live], vec![sale("A", "R-1")]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![sold(1, "R-1", false)]);
    }

    #[test]
    fn a_listing_still_live_with_no_units_left_is_sold_out() {
        let live = RemoteListing {
            quantity: Some(0),
            ..remote(1, "A")
        };
        let s = scan(vec![live], vec![sale("A", "R-1")]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![sold(1, "R-1", true)]);
    }

    #[test]
    fn a_sale_of_an_unknown_listing_detects_it_from_the_sale_then_sells_it() {
        let s = scan(vec![], vec![sale("Z", "R-9")]);
        let detected = detected_listing_id(P, "Z");
        assert_eq!(
            run(&s, &[]),
            vec![
                Change::Detected {
                    listing_id: detected,
                    remote: RemoteListing {
                        external_id: "Z".into(),
                        sku: None,
                        title: "Reverb listing Z".into(),
                        price: Some(gbp("1250")),
                        quantity: Some(0),
                        status: RemoteStatus::Sold,
                        url: None,
                    },
                },
                sold_as(detected, "R-9", at(30), gbp("1250"), true),
            ]
        );
    }

    #[test]
    fn a_sale_of_an_unknown_listing_still_in_the_scan_uses_the_scans_record() {
        let live = RemoteListing {
            quantity: Some(4),
            sku: None,
            ..remote(9, "Z")
        };
        let s = scan(vec![live.clone()], vec![sale("Z", "R-9")]);
        let changes = run(&s, &[]);
        assert_eq!(
            changes[0],
            Change::Detected {
                listing_id: detected_listing_id(P, "Z"),
                remote: live
            }
        );
        assert!(matches!(
            changes[1],
            Change::Sold {
                line: SoldLine {
                    sold_out: false,
                    ..
                },
                ..
            }
        ));
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn two_sales_of_one_unknown_listing_detect_it_once() {
        let s = scan(vec![], vec![sale("Z", "R-1"), sale("Z", "R-2")]);
        let changes = run(&s, &[]);
        let detections = changes
            .iter()
            .filter(|c| matches!(c, Change::Detected { .. }))
            .count();
        assert_eq!(detections, 1);
        assert_eq!(changes.len(), 3);
    }

    #[test]
    fn a_listing_sold_without_an_order_feed_is_sold_at_its_listed_price() {
        let s = scan(
            vec![with_status(remote(1, "123456"), RemoteStatus::Sold)],
            vec![],
        );
        let changes = diff(&s, &[known(1, "123456")], Platform::Vr, at(45));
        assert_eq!(
            changes,
            vec![sold_as(id(1), "vr-123456", at(45), gbp("1299"), true)]
        );
    }

    #[test]
    fn a_sold_listing_with_no_price_on_the_platform_uses_the_published_one() {
        let gone = RemoteListing {
            price: None,
            ..with_status(remote(1, "A"), RemoteStatus::Sold)
        };
        let k = KnownListing {
            published_price: Some(gbp("999")),
            published_quantity: None,
            ..known(1, "A")
        };
        let changes = diff(&scan(vec![gone], vec![]), &[k], Platform::Vr, at(45));
        let [Change::Sold { line, .. }] = changes.as_slice() else {
            panic!("expected one sale: {changes:?}");
        };
        assert_eq!((line.price, line.quantity), (gbp("999"), 1));
    }

    #[test]
    fn a_sold_listing_with_no_price_anywhere_is_not_given_one() {
        let gone = RemoteListing {
            price: None,
            ..with_status(remote(1, "A"), RemoteStatus::Sold)
        };
        let k = KnownListing {
            published_price: None,
            ..known(1, "A")
        };
        assert_eq!(
            diff(&scan(vec![gone], vec![]), &[k], Platform::Vr, at(45)),
            vec![]
        );
    }

    #[test]
    fn none_left_with_no_order_on_a_platform_that_reports_orders_is_drift_never_a_sale() {
        for platform in [Platform::Ebay, Platform::Reverb, Platform::Shopify] {
            let k = KnownListing {
                published_quantity: Some(3),
                ..known(1, "A")
            };
            let s = scan(
                vec![with_status(remote(1, "A"), RemoteStatus::Sold)],
                vec![],
            );
            assert_eq!(
                diff(&s, std::slice::from_ref(&k), platform, at(45)),
                vec![Change::Drifted {
                    listing_id: id(1),
                    field: "quantity".into(),
                    riff_value: "3".into(),
                    platform_value: "0".into(),
                }],
                "{platform}"
            );
            // Reported once, not on every run.
            let reported = KnownListing {
                reported_drift: vec![("quantity".into(), "0".into())],
                ..k.clone()
            };
            assert_eq!(
                diff(&s, &[reported], platform, at(45)),
                vec![],
                "{platform}"
            );
            // Riff is ending it anyway (sold elsewhere): no news.
            let ending = KnownListing {
                status: ListingStatus::Ending,
                ..k
            };
            assert_eq!(diff(&s, &[ending], platform, at(45)), vec![], "{platform}");
        }
    }

    #[test]
    fn an_inferred_sale_already_recorded_is_not_recorded_again() {
        let k = KnownListing {
            status: ListingStatus::Ending,
            orders: vec!["vr-A".into()],
            ..known(1, "A")
        };
        let s = scan(
            vec![with_status(remote(1, "A"), RemoteStatus::Sold)],
            vec![],
        );
        assert_eq!(diff(&s, &[k], Platform::Vr, at(45)), vec![]);
    }

    #[test]
    fn a_sold_listing_with_its_order_in_the_scan_is_sold_once_by_that_order() {
        let s = scan(
            vec![with_status(remote(1, "A"), RemoteStatus::Sold)],
            vec![sale("A", "R-1")],
        );
        assert_eq!(run(&s, &[known(1, "A")]), vec![sold(1, "R-1", true)]);
    }

    #[test]
    fn a_sold_status_on_a_listing_riff_already_closed_is_not_a_new_sale() {
        for status in [ListingStatus::Sold, ListingStatus::Ended] {
            let k = KnownListing {
                status,
                ..known(1, "A")
            };
            let s = scan(
                vec![with_status(remote(1, "A"), RemoteStatus::Sold)],
                vec![],
            );
            assert_eq!(run(&s, &[k]), vec![], "{status:?}");
        }
    }

    #[test]
    fn a_listing_the_platform_shows_ended_ended_elsewhere() {
        let s = scan(
            vec![with_status(remote(1, "A"), RemoteStatus::Ended)],
            vec![],
        );
        assert_eq!(run(&s, &[known(1, "A")]), vec![ended(1)]);
    }

    #[test]
    fn a_live_listing_missing_from_the_scan_ended_elsewhere() {
        let ending = KnownListing {
            status: ListingStatus::Ending,
            ..known(2, "B")
        };
        let s = scan(vec![], vec![]);
        assert_eq!(run(&s, &[known(1, "A"), ending]), vec![ended(1), ended(2)]);
    }

    #[test]
    fn a_targeted_look_ends_nothing_for_being_missing_from_it() {
        let s = partial(vec![], vec![]);
        assert_eq!(run(&s, &[known(1, "A"), known(2, "B")]), vec![]);
    }

    #[test]
    fn a_targeted_look_records_its_sale_and_what_it_looked_up() {
        let s = partial(
            vec![with_status(remote(1, "A"), RemoteStatus::Sold)],
            vec![sale("A", "R-1")],
        );
        let ended_b = partial(
            vec![with_status(remote(2, "B"), RemoteStatus::Ended)],
            vec![],
        );
        let known = [known(1, "A"), known(2, "B"), known(3, "C")];
        assert_eq!(run(&s, &known), vec![sold(1, "R-1", true)]);
        assert_eq!(run(&ended_b, &known), vec![ended(2)]);
    }

    #[test]
    fn a_targeted_look_keeps_a_stocked_item_with_units_left_up() {
        let stocked = RemoteListing {
            quantity: Some(2),
            ..remote(1, "A")
        };
        let s = partial(vec![stocked], vec![sale("A", "R-1")]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![sold(1, "R-1", false)]);
    }

    #[test]
    fn only_listings_with_sales_not_yet_recorded_are_looked_up_once_each() {
        let recorded = KnownListing {
            orders: vec!["R-1".into()],
            ..known(1, "A")
        };
        let sales = [
            sale("A", "R-1"),
            sale("B", "R-2"),
            sale("UNKNOWN", "R-3"),
            sale("B", "R-4"),
            sale("A", "R-5"),
        ];
        assert_eq!(
            to_look_up(&sales, &[recorded, known(2, "B")]),
            vec!["B", "UNKNOWN", "A"]
        );
        assert_eq!(to_look_up(&[], &[known(2, "B")]), Vec::<String>::new());
    }

    #[test]
    fn a_listing_missing_from_the_scan_with_a_sale_sold_and_did_not_end() {
        let s = scan(vec![], vec![sale("A", "R-1")]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![sold(1, "R-1", true)]);
    }

    #[test]
    fn a_missing_listing_whose_sale_is_already_recorded_is_not_ended() {
        let k = KnownListing {
            orders: vec!["R-1".into()],
            ..known(1, "A")
        };
        assert_eq!(run(&scan(vec![], vec![sale("A", "R-1")]), &[k]), vec![]);
    }

    #[test]
    fn listings_not_up_on_the_platform_are_never_ended_by_a_diff() {
        let known: Vec<_> = [
            ListingStatus::Pending,
            ListingStatus::Failed,
            ListingStatus::Ended,
            ListingStatus::Sold,
        ]
        .into_iter()
        .enumerate()
        .map(|(n, status)| KnownListing {
            status,
            ..known(n as u128, &format!("X{n}"))
        })
        .collect();
        assert_eq!(run(&scan(vec![], vec![]), &known), vec![]);
        let ended_remotes = (0..4)
            .map(|n| with_status(remote(n, &format!("X{n}")), RemoteStatus::Ended))
            .collect();
        assert_eq!(run(&scan(ended_remotes, vec![]), &known), vec![]);
    }

    #[test]
    fn a_live_listing_without_an_external_id_is_not_ended() {
        let k = KnownListing {
            external_id: None,
            ..known(1, "A")
        };
        assert_eq!(run(&scan(vec![], vec![]), &[k]), vec![]);
    }

    #[test]
    fn a_listing_listed_twice_as_ended_is_ended_once() {
        let e = with_status(remote(1, "A"), RemoteStatus::Ended);
        let s = scan(vec![e.clone(), e], vec![]);
        assert_eq!(run(&s, &[known(1, "A")]), vec![ended(1)]);
    }

    #[test]
    fn a_live_listing_riff_does_not_know_is_detected() {
        let s = scan(vec![remote(7, "N")], vec![]);
        assert_eq!(
            run(&s, &[known(1, "A"), known(2, "B")])[0],
            Change::Detected {
                listing_id: detected_listing_id(P, "N"),
                remote: remote(7, "N"),
            }
        );
    }

    #[test]
    fn a_listing_the_scan_repeats_is_detected_once() {
        let s = scan(vec![remote(7, "N"), remote(7, "N")], vec![]);
        assert_eq!(run(&s, &[]).len(), 1);
    }

    #[test]
    fn a_publish_that_reached_the_platform_before_riff_recorded_it_is_not_imported() {
        for pending in [
            KnownListing {
                status: ListingStatus::Pending,
                external_id: None,
                ..known(7, "unused")
            },
            KnownListing {
                status: ListingStatus::Failed,
                external_id: None,
                ..known(7, "unused")
            },
            KnownListing {
                external_id: None,
                ..known(7, "unused")
            },
        ] {
            let s = scan(vec![remote(7, "N")], vec![]);
            assert_eq!(
                run(&s, std::slice::from_ref(&pending)),
                vec![],
                "{pending:?}"
            );
        }
    }

    #[test]
    fn a_listing_sharing_the_sku_of_a_live_listing_is_still_detected() {
        // Riff's own listing of SKU-7 is live as "A"; "N" is a second one,
        // made on the platform by hand.
        let s = scan(vec![remote(7, "A"), remote(7, "N")], vec![]);
        let changes = run(&s, &[known(7, "A")]);
        assert_eq!(
            changes,
            vec![Change::Detected {
                listing_id: detected_listing_id(P, "N"),
                remote: remote(7, "N"),
            }]
        );
    }

    #[test]
    fn ended_or_sold_listings_riff_does_not_know_are_ignored_without_a_sale() {
        let s = scan(
            vec![
                with_status(remote(7, "N"), RemoteStatus::Ended),
                with_status(remote(8, "M"), RemoteStatus::Sold),
            ],
            vec![],
        );
        assert_eq!(run(&s, &[]), vec![]);
    }

    #[test]
    fn a_price_changed_on_the_platform_is_drift_in_plain_amounts() {
        let r = RemoteListing {
            price: Some(gbp("1199")),
            ..remote(1, "A")
        };
        assert_eq!(
            run(&scan(vec![r], vec![]), &[known(1, "A")]),
            vec![Change::Drifted {
                listing_id: id(1),
                field: "price".into(),
                riff_value: "1299.00".into(),
                platform_value: "1199.00".into(),
            }]
        );
    }

    #[test]
    fn a_title_changed_on_the_platform_is_drift_but_not_on_v_and_r() {
        let k = KnownListing {
            published_title: Some("Guitar 1".into()),
            ..known(1, "A")
        };
        let r = RemoteListing {
            title: "Guitar 1 (mint!)".into(),
            ..remote(1, "A")
        };
        assert_eq!(
            run(&scan(vec![r.clone()], vec![]), std::slice::from_ref(&k)),
            vec![Change::Drifted {
                listing_id: id(1),
                field: "title".into(),
                riff_value: "Guitar 1".into(),
                platform_value: "Guitar 1 (mint!)".into(),
            }]
        );
        assert_eq!(
            diff(
                &scan(vec![r], vec![]),
                std::slice::from_ref(&k),
                Platform::Vr,
                at(45)
            ),
            vec![],
            "V&R has no title of Riff's"
        );
        let spaced = RemoteListing {
            title: " Guitar 1 ".into(),
            ..remote(1, "A")
        };
        assert_eq!(run(&scan(vec![spaced], vec![]), &[k]), vec![]);
    }

    #[test]
    fn a_price_in_another_currency_names_the_currencies() {
        let r = RemoteListing {
            price: Some(Money::parse_price("1299", Currency::parse("USD").unwrap()).unwrap()),
            ..remote(1, "A")
        };
        let changes = run(&scan(vec![r], vec![]), &[known(1, "A")]);
        let [Change::Drifted {
            riff_value,
            platform_value,
            ..
        }] = changes.as_slice()
        else {
            panic!("expected drift: {changes:?}");
        };
        assert_eq!(
            (riff_value.as_str(), platform_value.as_str()),
            ("1299.00 GBP", "1299.00 USD")
        );
    }

    #[test]
    fn a_quantity_changed_on_the_platform_is_drift() {
        let r = RemoteListing {
            quantity: Some(3),
            ..remote(1, "A")
        };
        assert_eq!(
            run(&scan(vec![r], vec![]), &[known(1, "A")]),
            vec![Change::Drifted {
                listing_id: id(1),
                field: "quantity".into(),
                riff_value: "1".into(),
                platform_value: "3".into(),
            }]
        );
    }

    #[test]
    fn drift_already_reported_is_not_reported_again_but_new_drift_is() {
        let k = KnownListing {
            reported_drift: vec![("price".into(), "1199.00".into())],
            ..known(1, "A")
        };
        let same = RemoteListing {
            price: Some(gbp("1199")),
            ..remote(1, "A")
        };
        assert_eq!(
            run(&scan(vec![same], vec![]), std::slice::from_ref(&k)),
            vec![]
        );
        let again = RemoteListing {
            price: Some(gbp("1099")),
            ..remote(1, "A")
        };
        assert_eq!(run(&scan(vec![again], vec![]), &[k]).len(), 1);
    }

    #[test]
    fn unknown_values_on_either_side_are_not_drift() {
        let r = RemoteListing {
            price: None,
            quantity: None,
            ..remote(1, "A")
        };
        assert_eq!(run(&scan(vec![r], vec![]), &[known(1, "A")]), vec![]);
        let k = KnownListing {
            published_price: None,
            published_quantity: None,
            ..known(1, "A")
        };
        let r = RemoteListing {
            price: Some(gbp("1")),
            quantity: Some(9),
            ..remote(1, "A")
        };
        assert_eq!(run(&scan(vec![r], vec![]), &[k]), vec![]);
    }

    #[test]
    fn only_a_listing_riff_has_live_can_drift() {
        let k = KnownListing {
            status: ListingStatus::Ending,
            ..known(1, "A")
        };
        let r = RemoteListing {
            price: Some(gbp("1")),
            ..remote(1, "A")
        };
        assert_eq!(run(&scan(vec![r], vec![]), &[k]), vec![]);
    }

    #[test]
    fn a_sale_explains_a_smaller_quantity_so_it_is_not_drift() {
        let k = KnownListing {
            published_quantity: Some(5),
            ..known(1, "A")
        };
        let r = RemoteListing {
            quantity: Some(4),
            ..remote(1, "A")
        };
        assert_eq!(
            run(&scan(vec![r], vec![sale("A", "R-1")]), &[k]),
            vec![sold(1, "R-1", false)]
        );
    }

    #[test]
    fn changes_come_out_detected_then_sold_then_ended_then_drifted() {
        let drifting = RemoteListing {
            price: Some(gbp("1")),
            ..remote(1, "A")
        };
        let s = scan(
            vec![drifting, remote(8, "NEW")],
            vec![sale("B", "R-2"), sale("GHOST", "R-3")],
        );
        let known = [known(1, "A"), known(2, "B"), known(3, "C")];
        let kinds: Vec<_> = run(&s, &known)
            .into_iter()
            .map(|c| match c {
                Change::Detected { remote, .. } => format!("detected {}", remote.external_id),
                Change::Sold { line, .. } => format!("sold {}", line.order_ref),
                Change::EndedElsewhere { listing_id } => format!("ended {}", listing_id.as_u128()),
                Change::Drifted { field, .. } => format!("drifted {field}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "detected NEW",
                "detected GHOST",
                "sold R-2",
                "sold R-3",
                "ended 3",
                "drifted price"
            ]
        );
    }
}
