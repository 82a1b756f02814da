//! Scan benchmarks: requests and time for a full scan of 10,000 live
//! listings against each simulator (on eBay with 250 sales beside them, read
//! through GetOrders), and parse throughput of a 200-item GetMyeBaySelling
//! page. Prints Markdown.
//!
//! ```sh
//! cargo bench -p riff-adapters --bench scan
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use riff_adapters::ebay::simulator::{SimConfig, API_PATH};
use riff_adapters::ebay::wire::{self, GetMyeBaySellingRequest, GetMyeBaySellingResponse};
use riff_adapters::ebay::{EbayClient, EbayConfig, EbaySimulator};
use riff_adapters::reverb::{ReverbClient, ReverbConfig, ReverbSimulator};
use riff_adapters::shopify::{ShopifyClient, ShopifyConfig, ShopifySimulator};
use riff_adapters::simulator::Simulator as _;
use riff_adapters::Secret;
use riff_domain::port::{Marketplace, Scan};
use rust_decimal::Decimal;

const LISTINGS: usize = 10_000;

/// eBay sales in the last day: three GetOrders pages of 100.
const EBAY_SALES: usize = 250;

#[tokio::main]
async fn main() {
    println!("## Scan benchmarks\n");
    println!("Command: `cargo bench -p riff-adapters --bench scan`; simulators on loopback.\n");
    println!(
        "| platform | live listings | page size | requests | listings per request | wall time s |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");

    let config = SimConfig::default();
    let ebay = EbaySimulator::new(config.clone());
    seed_guitars("E", |sku, title, price| {
        ebay.seed_listing(sku, title, price, 1)
    });
    for n in 0..EBAY_SALES {
        let sold = ebay.seed_listing(&format!("E-S{n:04}"), "Sold", Decimal::new(5_000, 2), 1);
        ebay.record_sale(
            &sold,
            1,
            chrono::Utc::now() - chrono::Duration::minutes(n as i64),
        )
        .unwrap();
    }
    let base = ebay.spawn().await.unwrap();
    let client = EbayClient::new(EbayConfig::new(
        format!("{base}{API_PATH}"),
        Secret::new(config.token.as_str()),
    ))
    .unwrap();
    let scan = report("eBay (ActiveList + GetOrders)", 200, &client).await;
    assert_eq!(scan.sales.len(), EBAY_SALES);

    let reverb = ReverbSimulator::new("bench");
    seed_guitars("R", |sku, title, price| {
        reverb.seed_listing(sku, title, price, 1)
    });
    let base = reverb.spawn().await.unwrap();
    let reverb_config = ReverbConfig::new(format!("{base}/api"), Secret::new("bench"));
    let page_size = reverb_config.page_size;
    let client = ReverbClient::new(reverb_config).unwrap();
    report("Reverb (my/listings)", page_size, &client).await;

    let shopify = ShopifySimulator::new("bench");
    seed_guitars("S", |sku, title, price| {
        shopify.seed_listing(sku, title, price, 1)
    });
    let base = shopify.spawn().await.unwrap();
    let shopify_config = ShopifyConfig::new(base, Secret::new("bench"));
    let page_size = shopify_config.page_size;
    let client = ShopifyClient::new(shopify_config).unwrap();
    report("Shopify (products query)", page_size, &client).await;

    parse_throughput(&ebay, &config.token).await;
}

/// Lists [`LISTINGS`] guitars of one unit each through `seed` (a
/// simulator's `seed_listing`), their SKUs starting with `prefix`.
fn seed_guitars(prefix: &str, seed: impl Fn(&str, &str, Decimal) -> String) {
    for n in 0..LISTINGS {
        seed(
            &format!("{prefix}-{n:05}"),
            &format!("Guitar {n}"),
            Decimal::new(100_000 + n as i64, 2),
        );
    }
}

async fn report(name: &str, page_size: u32, client: &dyn Marketplace) -> Scan {
    let started = Instant::now();
    let scan = client
        .scan(chrono::Utc::now() - chrono::Duration::days(30))
        .await
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(scan.listings.len(), LISTINGS);

    println!(
        "| {name} | {} | {page_size} | {} | {:.0} | {secs:.2} |",
        scan.listings.len(),
        scan.requests,
        scan.listings.len() as f64 / f64::from(scan.requests)
    );
    scan
}

/// Fetches one 200-item ActiveList page from the simulator, as eBay would
/// send it, and times parsing it.
async fn parse_throughput(ebay: &EbaySimulator, token: &str) {
    let base = ebay.spawn().await.unwrap();
    let request = GetMyeBaySellingRequest::active_list(200, 1);
    let body = reqwest::Client::new()
        .post(format!("{base}{API_PATH}"))
        .header("X-EBAY-API-CALL-NAME", "GetMyeBaySelling")
        .header("X-EBAY-API-SITEID", "3")
        .header("X-EBAY-API-COMPATIBILITY-LEVEL", "1311")
        .header("X-EBAY-API-IAF-TOKEN", token)
        .header("Content-Type", "text/xml")
        .body(wire::to_xml("GetMyeBaySellingRequest", &request).unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    const ROUNDS: u32 = 500;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        let page: GetMyeBaySellingResponse = wire::from_xml(&body).unwrap();
        std::hint::black_box(page);
    }
    let per_page = started.elapsed().as_secs_f64() / f64::from(ROUNDS);
    println!(
        "\nParsing a 200-item GetMyeBaySelling page ({} KiB): {:.2} ms a page, {:.0} items/s.",
        body.len() / 1024,
        per_page * 1000.0,
        200.0 / per_page
    );
}
