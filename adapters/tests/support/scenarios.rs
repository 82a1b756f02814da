//! Scan scenarios every marketplace that sells by units passes alike
//! (eBay, Reverb, Shopify), written once against [`Seller`].

use chrono::{DateTime, Duration, Utc};
use riff_adapters::ebay::simulator::Fault as EbayFault;
use riff_adapters::ebay::EbaySimulator;
use riff_adapters::reverb::simulator::Fault as ReverbFault;
use riff_adapters::reverb::ReverbSimulator;
use riff_adapters::shopify::simulator::Fault as ShopifyFault;
use riff_adapters::shopify::ShopifySimulator;
use riff_adapters::simulator::FaultPlan;
use riff_domain::listing::sent::Changes;
use riff_domain::listing::EndReason;
use riff_domain::port::{Marketplace, PortError, PublishRequest, RemoteStatus, Scan};
use rust_decimal::Decimal;

use super::fixtures::{pounds, sorted};

/// What the scenarios ask of a simulated marketplace.
pub(crate) trait Seller {
    type Fault;
    fn seed_listing(&self, sku: &str, title: &str, price: Decimal, quantity: u32) -> String;
    fn record_sale(&self, id: &str, quantity: u32, sold_at: DateTime<Utc>);
    fn set_page_size(&self, page_size: u32);
    fn set_faults(&self, plan: Option<FaultPlan<Self::Fault>>);
    fn requests(&self) -> u32;
    /// The listing `id` as the simulator holds it.
    fn listed(&self, id: &str) -> Listed;
    fn listings_with_sku(&self, sku: &str) -> usize;
    fn write_requests(&self) -> u32;
}

/// What the scenarios read of a simulated listing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Listed {
    pub(crate) title: String,
    pub(crate) price: Decimal,
    pub(crate) units: i64,
    pub(crate) revisions: u32,
}

/// `$listing` is the simulator's getter of one listing, `$units` the
/// listing's field of the units for sale.
macro_rules! seller {
    ($simulator:ty, $fault:ty, $listing:ident, $units:ident) => {
        impl Seller for $simulator {
            type Fault = $fault;

            fn seed_listing(
                &self,
                sku: &str,
                title: &str,
                price: Decimal,
                quantity: u32,
            ) -> String {
                <$simulator>::seed_listing(self, sku, title, price, quantity)
            }

            fn record_sale(&self, id: &str, quantity: u32, sold_at: DateTime<Utc>) {
                <$simulator>::record_sale(self, id, quantity, sold_at).expect("the sale is made");
            }

            fn set_page_size(&self, page_size: u32) {
                <$simulator>::set_page_size(self, page_size);
            }

            fn set_faults(&self, plan: Option<FaultPlan<$fault>>) {
                <$simulator>::set_faults(self, plan);
            }

            fn requests(&self) -> u32 {
                <$simulator>::requests(self)
            }

            fn listings_with_sku(&self, sku: &str) -> usize {
                <$simulator>::listings_with_sku(self, sku)
            }

            fn write_requests(&self) -> u32 {
                <$simulator>::write_requests(self)
            }

            fn listed(&self, id: &str) -> Listed {
                let listing = self.$listing(id).expect("the listing is there");
                Listed {
                    title: listing.title,
                    price: listing.price,
                    units: i64::from(listing.$units),
                    revisions: listing.revisions,
                }
            }
        }
    };
}

seller!(EbaySimulator, EbayFault, listing, quantity);
seller!(ReverbSimulator, ReverbFault, listing, inventory);
seller!(ShopifySimulator, ShopifyFault, product, inventory);

/// Publishes `request` twice, as a retry after a lost answer would: the
/// second gives the first's listing, and there is one listing with the
/// SKU. The write requests the first publish made and the retry made, for
/// each platform to say how many it takes.
pub(crate) async fn publishing_twice_gives_one_listing(
    simulator: &impl Seller,
    client: &impl Marketplace,
    request: &PublishRequest,
) -> (u32, u32) {
    let first = client.publish(request).await.expect("the first publish");
    let writes = simulator.write_requests();
    let again = client.publish(request).await.expect("the retry");

    assert_eq!(again.external_id, first.external_id);
    assert_eq!(simulator.listings_with_sku(request.sku.as_str()), 1);
    (writes, simulator.write_requests() - writes)
}

/// Publishes `first`, then revises it to `revised` with every change: the
/// platform's listing takes `revised`'s title, price and quantity, in one
/// revision. The listing's id, for each platform's own checks.
pub(crate) async fn revising_takes_title_price_and_quantity(
    simulator: &impl Seller,
    client: &impl Marketplace,
    first: &PublishRequest,
    revised: &PublishRequest,
) -> String {
    let id = client
        .publish(first)
        .await
        .expect("the publish")
        .external_id;

    client
        .revise(&id, revised, &Changes::ALL)
        .await
        .expect("the revise");

    let expected = Listed {
        title: revised.details.title.clone(),
        price: revised.price.amount,
        units: i64::from(revised.quantity),
        revisions: 1,
    };
    assert_eq!(simulator.listed(&id), expected);
    id
}

/// Ends `id` with `reason`, which must pass; then ending it again (with
/// `reason_again`) and revising it to `revised` are both refused as already
/// ended, and it reads as ended. Each platform checks its own state after.
pub(crate) async fn ended_stays_ended(
    client: &impl Marketplace,
    id: &str,
    [reason, reason_again]: [EndReason; 2],
    revised: &PublishRequest,
) {
    client.end(id, reason).await.expect("the first end");

    let again = client.end(id, reason_again).await;
    let revise = client.revise(id, revised, &Changes::ALL).await;

    assert_eq!(again, Err(PortError::AlreadyEnded));
    assert_eq!(revise, Err(PortError::AlreadyEnded));
    let status = client.get(id).await.expect("an ended listing reads").status;
    assert_eq!(status, RemoteStatus::Ended);
}

/// A listing ended while every `every`th request fails with `fault`, the
/// end's write among them: the end is a transient failure and is not
/// retried, so `every` requests were made. The listing's id, for each
/// platform to check it is unchanged.
pub(crate) async fn a_failed_end_is_not_retried<S: Seller>(
    simulator: &S,
    client: &impl Marketplace,
    every: u32,
    fault: S::Fault,
) -> String {
    let id = simulator.seed_listing("RIFF-000001", "Strat", pounds(100), 1);
    fail_every(simulator, every, fault);

    let result = client.end(&id, EndReason::Manual).await;

    assert!(matches!(result, Err(PortError::Transient(_))), "{result:?}");
    assert_eq!(simulator.requests(), every);
    id
}

/// From now on, every `every`th request of `simulator` fails with `fault`.
pub(crate) fn fail_every<S: Seller>(simulator: &S, every: u32, fault: S::Fault) {
    simulator.set_faults(Some(FaultPlan {
        every,
        faults: vec![fault],
    }));
}

/// `count` guitars listed with a SKU, one unit each, the `n`th priced
/// 100 × `n` pounds; their ids, in order.
pub(crate) fn seed_guitars(simulator: &impl Seller, count: i64) -> Vec<String> {
    (1..=count)
        .map(|n| {
            simulator.seed_listing(
                &format!("RIFF-00000{n}"),
                &format!("Guitar {n}"),
                pounds(100 * n),
                1,
            )
        })
        .collect()
}

/// Six listings, the third sold an hour ago, two to a page: reading sales
/// alone finds what the scan found, in one request for one page of orders,
/// reading no listing.
pub(crate) async fn sales_alone_read_only_orders(
    simulator: &impl Seller,
    client: &impl Marketplace,
) {
    let mut ids = Vec::new();
    for n in 1..=6 {
        ids.push(simulator.seed_listing(
            &format!("RIFF-00010{n}"),
            &format!("Guitar {n}"),
            pounds(100),
            1,
        ));
    }
    simulator.record_sale(&ids[2], 1, Utc::now() - Duration::hours(1));
    simulator.set_page_size(2);
    let since = Utc::now() - Duration::days(1);
    let scan = client.scan(since).await.expect("the scan");
    let before = simulator.requests();

    let sales = client.sales(since).await.expect("the sales");

    assert_eq!(sales.sales, scan.sales);
    assert_eq!(sales.sales.len(), 1);
    assert_eq!(sales.sales[0].external_id, ids[2]);
    assert_eq!(sales.requests, 1, "one page of orders and no listing read");
    assert_eq!(simulator.requests() - before, 1);
}

/// Seven listings, every third sold, one to a page, scanned clean and then
/// with every third request failing with `faults` in turn: both scans find
/// the same listings and the same two sales, the faulty one in more
/// requests. Returns the clean scan, for what differs between platforms.
pub(crate) async fn a_scan_survives_faults<S: Seller>(
    simulator: &S,
    client: &impl Marketplace,
    faults: Vec<S::Fault>,
) -> Scan {
    for n in 1..=7 {
        let id = simulator.seed_listing(
            &format!("RIFF-00000{n}"),
            &format!("Item {n}"),
            pounds(10 * n),
            1,
        );
        if n % 3 == 0 {
            simulator.record_sale(&id, 1, Utc::now() - Duration::minutes(n));
        }
    }
    simulator.set_page_size(1);
    let since = Utc::now() - Duration::days(1);
    let clean = sorted(client.scan(since).await.expect("the clean scan"));

    simulator.set_faults(Some(FaultPlan { every: 3, faults }));
    let faulty = sorted(client.scan(since).await.expect("the faulty scan"));

    assert_eq!(faulty.listings, clean.listings);
    assert_eq!(faulty.sales, clean.sales);
    assert_eq!(clean.sales.len(), 2);
    assert!(
        faulty.requests > clean.requests,
        "{} vs {}",
        faulty.requests,
        clean.requests
    );
    clean
}
