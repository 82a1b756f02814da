//! The product the tests publish, and small helpers to read what comes back.

use riff_domain::listing::PlatformAttributes;
use std::fmt::Debug;

use riff_domain::port::{PortError, PublishRequest, RemoteListing, RemoteSale, Scan};
use riff_domain::value::{Condition, Currency, Money, ProductDetails, Sku};
use rust_decimal::Decimal;
use uuid::Uuid;

/// One unit of a 1962 Fender Stratocaster in sunburst, priced in pounds,
/// with one picture; each platform's test gives its own description, to
/// see it escaped its platform's way, and its own attributes.
pub(crate) fn strat(
    sku: &str,
    title: &str,
    price: &str,
    description: &str,
    attributes: PlatformAttributes,
) -> PublishRequest {
    PublishRequest {
        listing_id: Uuid::new_v4(),
        sku: Sku::parse(sku).expect("a valid SKU"),
        details: ProductDetails {
            title: title.into(),
            brand: "Fender".into(),
            model: "Stratocaster".into(),
            year: Some(1962),
            finish: Some("Sunburst".into()),
            category: "Electric Guitars".into(),
            condition: Condition::Excellent,
            description: Some(description.into()),
        },
        price: Money::parse_price(price, Currency::GBP).expect("a valid price"),
        quantity: 1,
        picture_urls: vec!["https://example.com/1.jpg".into()],
        video_url: None,
        attributes,
    }
}

pub(crate) fn pounds(whole: i64) -> Decimal {
    Decimal::new(whole, 0)
}

/// The scan's listings' ids, in the scan's order.
pub(crate) fn listing_ids(scan: &Scan) -> Vec<String> {
    scan.listings
        .iter()
        .map(|l| l.external_id.clone())
        .collect()
}

/// The scan's listing `id`, which it must have found.
pub(crate) fn scanned_listing<'a>(scan: &'a Scan, id: &str) -> &'a RemoteListing {
    scan.listings
        .iter()
        .find(|l| l.external_id == id)
        .unwrap_or_else(|| panic!("the scan found no listing {id}"))
}

/// The scan's sale `order_ref`, which it must have found.
pub(crate) fn scanned_sale<'a>(scan: &'a Scan, order_ref: &str) -> &'a RemoteSale {
    scan.sales
        .iter()
        .find(|s| s.order_ref == order_ref)
        .unwrap_or_else(|| panic!("the scan found no sale {order_ref}"))
}

/// Listings by id and sales by order reference, so scans compare
/// regardless of the order the platform paged them in.
pub(crate) fn sorted(mut scan: Scan) -> Scan {
    scan.listings
        .sort_by(|a, b| a.external_id.cmp(&b.external_id));
    scan.sales.sort_by(|a, b| a.order_ref.cmp(&b.order_ref));
    scan
}

/// Asserts that `result` is an `Auth` error whose advice names each of
/// `says`: a refused credential must tell the owner which setting to fix.
#[track_caller]
pub(crate) fn assert_auth_advice<T: Debug>(result: &Result<T, PortError>, says: &[&str]) {
    let Err(PortError::Auth(advice)) = result else {
        panic!("expected an auth error, got {result:?}");
    };
    for said in says {
        assert!(advice.contains(said), "{said:?} is not in {advice:?}");
    }
}
