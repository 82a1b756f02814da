//! A targeted look: what a run a webhook asked for reads from a platform
//! instead of scanning it — the recent sales, and the listings with a sale
//! Riff has not recorded — so that a sale is acted on in seconds whatever
//! the size of the shop.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use riff_domain::policy::{to_look_up, KnownListing};
use riff_domain::port::{Coverage, Marketplace, PortError, RemoteListing, Sales, Scan};
use riff_domain::sync_run::Trigger;
use riff_domain::value::Platform;

/// What a run reads from each platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// Every live listing and the recent sales: [`Marketplace::scan`].
    Everything,
    /// The recent sales and the listings they name, one by one: a targeted
    /// reconcile, for a webhook that says something sold.
    Sales,
}

impl Look {
    /// A webhook's run is targeted; every other run scans.
    pub(crate) fn for_trigger(trigger: Trigger) -> Self {
        match trigger {
            Trigger::Webhook => Self::Sales,
            Trigger::Schedule | Trigger::Manual | Trigger::Cli => Self::Everything,
        }
    }
}

/// Listings webhooks named, by platform: a look reads them at once,
/// beside the platform's sales, instead of after them.
pub(crate) type Named = BTreeMap<Platform, Vec<String>>;

/// A targeted look at one platform: its sales since `since`, and each
/// listing with a sale Riff has not recorded, read one by one. All or
/// nothing, like a scan.
///
/// The listings the webhook `named` are read at the same time as the
/// sales, so that a sale it announced waits for one round trip rather
/// than two; a named listing is kept only if a sale calls for it.
pub(super) async fn sales_and_listings(
    adapter: &dyn Marketplace,
    since: DateTime<Utc>,
    known: &[KnownListing],
    named: &[String],
) -> Result<Scan, PortError> {
    let (sales, early) = futures::join!(
        adapter.sales(since),
        futures::future::join_all(named.iter().map(|id| adapter.get(id)))
    );
    let Sales {
        sales,
        mut requests,
    } = sales?;
    // One per look-up; a `get` does not report its retries.
    requests += u32::try_from(named.len()).unwrap_or(u32::MAX);
    let mut early: HashMap<&String, Result<RemoteListing, PortError>> =
        named.iter().zip(early).collect();
    let mut listings = Vec::new();
    for external_id in to_look_up(&sales, known) {
        let read = match early.remove(&external_id) {
            Some(read) => read,
            None => {
                requests += 1;
                adapter.get(&external_id).await
            }
        };
        match read {
            Ok(listing) => listings.push(listing),
            // Deleted on the platform after it sold: the sale stands, and
            // with no listing left it took the last unit.
            Err(PortError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(Scan {
        listings,
        sales,
        requests,
        coverage: Coverage::Partial,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::time::Duration;

    use async_trait::async_trait;
    use riff_domain::listing::sent::Changes;
    use riff_domain::listing::EndReason;
    use riff_domain::port::{Listings, PublishRequest, Published, RemoteSale, RemoteStatus};
    use riff_domain::value::{Currency, Money};
    use riff_domain::ListingStatus;
    use rust_decimal::Decimal;
    use tokio::sync::Notify;
    use uuid::Uuid;

    use super::*;

    /// A platform on which items 1 and 2 sold. Its orders answer only once
    /// a listing is being read (or after a second, as a slow platform
    /// would), so a look that reads in turn takes a second.
    #[derive(Default)]
    struct Platform2 {
        reading: Notify,
        read_while_ordering: AtomicBool,
        ordering: AtomicBool,
        gets: AtomicU32,
    }

    fn sale(item: &str) -> RemoteSale {
        RemoteSale {
            external_id: item.to_owned(),
            sku: None,
            order_ref: format!("{item}-1"),
            order_number: None,
            sold_at: Utc::now(),
            price: Money::price(Decimal::new(1000, 0), Currency::GBP).unwrap(),
            quantity: 1,
        }
    }

    #[async_trait]
    impl Marketplace for Platform2 {
        fn platform(&self) -> Platform {
            Platform::Ebay
        }
        async fn publish(&self, _: &PublishRequest) -> Result<Published, PortError> {
            unreachable!("a look publishes nothing")
        }
        async fn revise(&self, _: &str, _: &PublishRequest, _: &Changes) -> Result<(), PortError> {
            unreachable!("a look revises nothing")
        }
        async fn end(&self, _: &str, _: EndReason) -> Result<(), PortError> {
            unreachable!("a look ends nothing")
        }
        async fn listings(&self) -> Result<Listings, PortError> {
            unreachable!("a look does not scan")
        }
        async fn sales(&self, _: DateTime<Utc>) -> Result<Sales, PortError> {
            self.ordering.store(true, Ordering::SeqCst);
            let _ = tokio::time::timeout(Duration::from_secs(1), self.reading.notified()).await;
            self.ordering.store(false, Ordering::SeqCst);
            Ok(Sales {
                sales: vec![sale("1"), sale("2")],
                requests: 1,
            })
        }
        async fn get(&self, external_id: &str) -> Result<RemoteListing, PortError> {
            self.gets.fetch_add(1, Ordering::SeqCst);
            if self.ordering.load(Ordering::SeqCst) {
                self.read_while_ordering.store(true, Ordering::SeqCst);
            }
            self.reading.notify_one();
            Ok(RemoteListing {
                external_id: external_id.to_owned(),
                sku: None,
                title: format!("Item {external_id}"),
                price: None,
                quantity: Some(0),
                status: RemoteStatus::Sold,
                url: None,
            })
        }
    }

    /// Item 2's sale is already in Riff.
    fn known() -> Vec<KnownListing> {
        vec![KnownListing {
            listing_id: Uuid::from_u128(2),
            sku: None,
            status: ListingStatus::Live,
            external_id: Some("2".into()),
            published_price: None,
            published_quantity: None,
            published_title: None,
            orders: vec!["2-1".into()],
            reported_drift: Vec::new(),
        }]
    }

    #[tokio::test]
    async fn a_named_listing_is_read_while_the_orders_are() {
        let platform = Platform2::default();
        let scan = sales_and_listings(&platform, Utc::now(), &known(), &["1".into()])
            .await
            .unwrap();
        assert!(platform.read_while_ordering.load(Ordering::SeqCst));
        let read: Vec<_> = scan
            .listings
            .iter()
            .map(|l| l.external_id.as_str())
            .collect();
        assert_eq!(read, ["1"]);
        assert_eq!(scan.sales.len(), 2);
        assert_eq!((scan.requests, scan.coverage), (2, Coverage::Partial));
    }

    #[tokio::test]
    async fn without_a_name_the_listing_is_read_after_the_orders_and_a_named_one_with_nothing_new_is_dropped(
    ) {
        let platform = Platform2::default();
        let scan = sales_and_listings(&platform, Utc::now(), &known(), &["2".into()])
            .await
            .unwrap();
        let read: Vec<_> = scan
            .listings
            .iter()
            .map(|l| l.external_id.as_str())
            .collect();
        assert_eq!(
            read,
            ["1"],
            "item 2's sale is known: its listing is not news"
        );
        assert_eq!(platform.gets.load(Ordering::SeqCst), 2);
        assert_eq!(scan.requests, 3);
    }
}
