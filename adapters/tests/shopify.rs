//! The Shopify adapter against the Shopify simulator, over a real socket on
//! 127.0.0.1. Each test starts its own simulator. Retries are immediate, and
//! the retry ceiling of zero also caps the client's pacing by the cost
//! bucket, so no test waits on the clock.

mod support;

use chrono::{Duration, Utc};
use riff_adapters::http::RetryPolicy;
use riff_adapters::shopify::simulator::{Fault, SimStatus, WebhookTarget};
use riff_adapters::shopify::webhook;
use riff_adapters::shopify::wire::operation;
use riff_adapters::shopify::{ShopifyClient, ShopifyConfig, ShopifySimulator};
use riff_adapters::simulator::Simulator as _;
use riff_adapters::Secret;
use riff_domain::listing::attributes::{ReverbAttributes, ShopifyAttributes};
use riff_domain::listing::sent::{Changes, Sent};
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{Marketplace, PortError, PublishRequest, RemoteStatus};
use riff_domain::value::{Currency, Money};
use rust_decimal::Decimal;
use support::fixtures::{assert_auth_advice, listing_ids, pounds, scanned_listing, sorted, strat};
use support::{scenarios, webhooks};

const TOKEN: &str = "shpat_sim-shopify-token";
const LOCATION: &str = "gid://shopify/Location/70000000001";

async fn start() -> (ShopifySimulator, ShopifyClient) {
    let simulator = ShopifySimulator::new(TOKEN);
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    (simulator, client(&base, TOKEN))
}

fn client(base: &str, token: &str) -> ShopifyClient {
    let mut config = ShopifyConfig::new(base, Secret::new(token));
    config.retry = RetryPolicy::immediate(5);
    config.location_id = Some(LOCATION.into());
    ShopifyClient::new(config).expect("the HTTP client builds")
}

fn request(sku: &str, title: &str, price: &str) -> PublishRequest {
    let attributes = PlatformAttributes::Shopify(ShopifyAttributes {
        tags: vec!["Fender".into(), "Year: 1962".into()],
        ..ShopifyAttributes::default()
    });
    strat(sku, title, price, "Original finish & <case>.", attributes)
}

#[tokio::test]
async fn publishing_creates_an_active_product_with_sku_price_vendor_and_quantity() {
    let (simulator, client) = start().await;
    let request = request("RIFF-000123", "1962 Strat", "24999");

    let published = client.publish(&request).await.unwrap();

    let product = simulator.product(&published.external_id).unwrap();
    assert!(published.external_id.starts_with("gid://shopify/Product/"));
    assert_eq!(product.status, SimStatus::Active);
    assert_eq!(product.sku.as_deref(), Some("RIFF-000123"));
    assert_eq!(product.price, Decimal::new(2_499_900, 2));
    assert_eq!(product.vendor, "Fender");
    assert_eq!(product.product_type, "Electric Guitars");
    assert_eq!(
        product.tags,
        [
            "Fender".to_owned(),
            "Year: 1962".to_owned(),
            format!("riff-listing:{}", request.listing_id)
        ]
    );
    assert_eq!(
        product.description_html,
        "<p>Original finish &amp; &lt;case&gt;.</p>"
    );
    assert_eq!(product.locations.get(LOCATION), Some(&1));
    assert!(published.url.is_some());
}

#[tokio::test]
async fn publishing_the_same_sku_twice_never_makes_a_second_product() {
    let (simulator, client) = start().await;
    // Each request is another listing's (a new listing id), the same SKU.
    let strat = || request("RIFF-000123", "1962 Strat", "24999");
    let first = client.publish(&strat()).await.unwrap();

    let second = client.publish(&strat()).await.unwrap();

    assert_eq!(second.external_id, first.external_id);
    assert_eq!(simulator.products().len(), 1);
}

#[tokio::test]
async fn revising_changes_title_price_and_quantity() {
    let (simulator, client) = start().await;
    let first = request("RIFF-000123", "1962 Strat", "24999");
    let mut revised = request("RIFF-000123", "1962 Strat, refret", "22500");
    revised.quantity = 2;

    let id =
        scenarios::revising_takes_title_price_and_quantity(&simulator, &client, &first, &revised)
            .await;

    let remote = client.get(&id).await.unwrap();
    assert_eq!(remote.title, "1962 Strat, refret");
    assert_eq!(
        remote.price,
        Some(Money::parse_price("22500", Currency::GBP).unwrap())
    );
    assert_eq!(remote.quantity, Some(2));
    assert_eq!(remote.status, RemoteStatus::Live);
}

#[tokio::test]
async fn ending_archives_and_ending_twice_or_revising_after_says_already_ended() {
    let (simulator, client) = start().await;
    let item = simulator.seed_listing("RIFF-000001", "Strat", pounds(100), 1);

    let revised = request("RIFF-000001", "Strat", "90");

    scenarios::ended_stays_ended(
        &client,
        &item,
        [EndReason::SoldElsewhere, EndReason::Manual],
        &revised,
    )
    .await;

    assert_eq!(
        simulator.product(&item).unwrap().status,
        SimStatus::Archived
    );
    // One archiving productUpdate: the second end read the status and
    // stopped, and the revise's productUpdate archives nothing.
    assert_eq!(simulator.end_requests(&item), 1);
}

#[tokio::test]
async fn an_unknown_product_is_not_found() {
    let (_simulator, client) = start().await;

    assert_eq!(
        client.get("gid://shopify/Product/1").await,
        Err(PortError::NotFound)
    );
    assert_eq!(
        client
            .end("gid://shopify/Product/1", EndReason::Manual)
            .await,
        Err(PortError::NotFound)
    );
    assert_eq!(
        client.get("gid://shopify/Order/../Product/1").await,
        Err(PortError::NotFound)
    );
}

#[tokio::test]
async fn a_product_shopify_refuses_is_a_validation_error_naming_the_field() {
    let (simulator, client) = start().await;

    let result = client.publish(&request("RIFF-000123", "  ", "100")).await;

    assert_eq!(
        result,
        Err(PortError::Validation {
            field: Some("title".into()),
            message: "title: Title can't be blank".into()
        })
    );
    assert!(simulator.products().is_empty());
}

#[tokio::test]
async fn another_platforms_attributes_are_refused_before_any_request() {
    let (simulator, client) = start().await;
    let mut wrong = request("RIFF-000123", "Strat", "100");
    wrong.attributes = PlatformAttributes::Reverb(ReverbAttributes::default());

    let result = client.publish(&wrong).await;

    assert!(
        matches!(result, Err(PortError::Validation { .. })),
        "{result:?}"
    );
    assert_eq!(simulator.requests(), 0);
}

#[tokio::test]
async fn a_refused_token_is_an_auth_error_that_says_what_to_do() {
    let simulator = ShopifySimulator::new(TOKEN);
    let base = simulator.spawn().await.unwrap();
    let client = client(&base, "shpat_wrong");

    let result = client.get("gid://shopify/Product/1").await;

    assert_auth_advice(&result, &["SHOPIFY_ACCESS_TOKEN"]);
    assert_eq!(simulator.requests(), 1, "an auth error is not retried");
}

#[tokio::test]
async fn a_scan_returns_every_product_once_and_every_sale_at_any_page_size() {
    let (simulator, client) = start().await;
    let mut expected = scenarios::seed_guitars(&simulator, 3);
    expected.push(simulator.add_external_listing("Made in the Shopify admin", pounds(50)));
    let stocked = simulator.seed_listing("RIFF-000010", "Strings", pounds(8), 3);
    expected.push(stocked.clone());
    let sold_out = simulator.seed_listing("RIFF-000011", "Sold amp", pounds(900), 1);
    expected.push(sold_out.clone());
    let archived = simulator.seed_listing("RIFF-000012", "Old pedal", pounds(40), 1);
    expected.push(archived.clone());
    client.end(&archived, EndReason::Manual).await.unwrap();
    let hour_ago = Utc::now() - Duration::hours(1);
    simulator.record_sale(&sold_out, 1, hour_ago).unwrap();
    simulator.record_sale(&stocked, 2, hour_ago).unwrap();
    simulator
        .record_sale(&expected[0], 1, Utc::now() - Duration::days(3))
        .unwrap();
    expected.sort();

    let mut scans = Vec::new();
    for page_size in [1, 2, 250] {
        simulator.set_page_size(page_size);
        let scan = sorted(client.scan(Utc::now() - Duration::days(1)).await.unwrap());

        let ids = listing_ids(&scan);
        assert_eq!(ids, expected, "page size {page_size}");
        let mut sold: Vec<_> = scan.sales.iter().map(|s| s.external_id.clone()).collect();
        sold.sort();
        let mut sold_expected = vec![stocked.clone(), sold_out.clone()];
        sold_expected.sort();
        assert_eq!(sold, sold_expected, "page size {page_size}");
        scans.push(scan);
    }

    let status = |id: &str| scanned_listing(&scans[0], id).status;
    assert_eq!(status(&stocked), RemoteStatus::Live);
    assert_eq!(status(&sold_out), RemoteStatus::Sold);
    assert_eq!(status(&archived), RemoteStatus::Ended);
    let sale = scans[0]
        .sales
        .iter()
        .find(|s| s.external_id == stocked)
        .unwrap();
    assert_eq!(sale.quantity, 2);
    assert_eq!(sale.sku.as_deref(), Some("RIFF-000010"));
    assert_eq!(sale.price, Money::parse_price("16", Currency::GBP).unwrap());
    assert!(sale.order_ref.starts_with("gid://shopify/LineItem/"));
    let external = scans[0].listings.iter().find(|l| l.sku.is_none()).unwrap();
    assert_eq!(external.title, "Made in the Shopify admin");
    assert_eq!(
        scans[0].requests,
        7 + 2,
        "one page per product and per order"
    );
    assert_eq!(scans[2].requests, 2);
    assert_eq!(scans[0].listings, scans[2].listings);
    assert_eq!(scans[0].sales, scans[2].sales);
}

#[tokio::test]
async fn a_throttled_read_is_retried_and_gives_up_rate_limited_after_its_attempts() {
    let (simulator, client) = start().await;
    scenarios::fail_every(&simulator, 1, Fault::Throttled);
    let result = client.get("gid://shopify/Product/1").await;

    assert!(
        matches!(
            result,
            Err(PortError::RateLimited {
                retry_after: Some(_)
            })
        ),
        "{result:?}"
    );
    assert_eq!(simulator.requests(), 5);
}

#[tokio::test]
async fn an_exhausted_cost_bucket_answers_throttled_with_the_time_to_refill() {
    let (simulator, client) = start().await;
    let item = simulator.seed_listing("RIFF-000001", "Strat", pounds(100), 1);
    simulator.set_bucket(12.0, 0.5);

    client.end(&item, EndReason::Manual).await.unwrap();
    let result = client.publish(&request("RIFF-000002", "Tele", "100")).await;

    let Err(PortError::RateLimited {
        retry_after: Some(after),
    }) = result
    else {
        panic!("expected a rate limit with a pause, got {result:?}");
    };
    assert!(after.as_secs() >= 10, "{after:?}");
}

#[tokio::test]
async fn a_429_is_a_rate_limit_and_a_server_error_is_transient() {
    let (simulator, client) = start().await;
    scenarios::fail_every(
        &simulator,
        1,
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
    );
    let limited = client.get("gid://shopify/Product/1").await;
    assert!(
        matches!(limited, Err(PortError::RateLimited { .. })),
        "{limited:?}"
    );

    scenarios::fail_every(&simulator, 1, Fault::ServerError);
    let failed = client.get("gid://shopify/Product/1").await;
    assert!(matches!(failed, Err(PortError::Transient(_))), "{failed:?}");
    assert_eq!(simulator.requests(), 5);
}

#[tokio::test]
async fn a_write_that_fails_is_not_retried() {
    let (simulator, client) = start().await;
    // Two requests: one read, then the archive once.
    let item =
        scenarios::a_failed_end_is_not_retried(&simulator, &client, 2, Fault::ServerError).await;

    assert_eq!(simulator.product(&item).unwrap().status, SimStatus::Active);
}

#[tokio::test]
async fn a_scan_completes_with_the_same_result_when_every_third_request_fails() {
    let (simulator, client) = start().await;
    let faults = vec![
        Fault::TooManyRequests {
            retry_after_secs: 0,
        },
        Fault::ServerError,
        Fault::Throttled,
    ];

    let clean = scenarios::a_scan_survives_faults(&simulator, &client, faults).await;

    assert_eq!(clean.listings.len(), 7);
}

#[tokio::test]
async fn a_sale_posts_a_signed_orders_create_webhook_naming_the_sold_product() {
    let (simulator, _client) = start().await;
    let (base, mut deliveries) = webhooks::receiver().await;
    let secret = Secret::new("shpss_sim-webhook-secret");
    simulator.set_webhook(WebhookTarget {
        url: format!("{base}/webhooks/shopify"),
        secret: secret.clone(),
    });
    let gid = simulator.seed_listing("RIFF-000123", "1962 Strat", pounds(24_999), 1);

    let order = simulator.buy(&gid).expect("the product is for sale");

    let delivery = webhooks::next(&mut deliveries).await;
    assert_eq!(delivery.path, "/webhooks/shopify");
    let hmac = delivery.header(webhook::HMAC_HEADER);
    assert_eq!(webhook::verify(&delivery.body, hmac, &secret), Ok(()));
    assert_eq!(
        delivery.header(webhook::TOPIC_HEADER),
        Some("orders/create")
    );
    assert_eq!(
        delivery.header(webhook::SHOP_DOMAIN_HEADER),
        Some("riff-sim.myshopify.com")
    );
    for header in [
        webhook::API_VERSION_HEADER,
        webhook::WEBHOOK_ID_HEADER,
        webhook::EVENT_ID_HEADER,
        webhook::TRIGGERED_AT_HEADER,
    ] {
        assert!(delivery.header(header).is_some(), "{header} is sent");
    }
    assert!(webhook::delivery_id(
        delivery.header(webhook::EVENT_ID_HEADER),
        delivery.header(webhook::WEBHOOK_ID_HEADER)
    )
    .is_some());
    let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(body["admin_graphql_api_id"], order.as_str());
    assert_eq!(body["financial_status"], "paid");
    let line = &body["line_items"][0];
    assert_eq!(
        format!("gid://shopify/Product/{}", line["product_id"]),
        gid,
        "the line names the sold product"
    );
    assert_eq!(line["sku"], "RIFF-000123");
    assert_eq!(line["quantity"], 1);
}

#[tokio::test]
async fn a_buyer_takes_the_last_unit_and_the_product_reads_as_sold_out() {
    let (simulator, client) = start().await;
    let gid = simulator.seed_listing("RIFF-000123", "1962 Strat", pounds(100), 1);

    assert!(simulator.buy(&gid).is_some());

    assert_eq!(simulator.product(&gid).unwrap().inventory, 0);
    assert_eq!(client.get(&gid).await.unwrap().status, RemoteStatus::Sold);
    assert_eq!(simulator.buy(&gid), None, "nothing left to buy");
}

#[tokio::test]
async fn a_publish_that_failed_after_creating_the_product_is_finished_by_the_retry_not_duplicated()
{
    let (simulator, client) = start().await;
    let request = request("RIFF-000123", "1962 Strat", "24999");
    simulator.fail_once(operation::SET_VARIANT, Fault::ServerError);

    let failed = client.publish(&request).await;
    assert!(matches!(failed, Err(PortError::Transient(_))), "{failed:?}");
    assert_eq!(simulator.products().len(), 1, "the product was created");

    let published = client.publish(&request).await.unwrap();

    assert_eq!(simulator.products().len(), 1, "and not created again");
    let product = simulator.product(&published.external_id).unwrap();
    assert_eq!(product.sku.as_deref(), Some("RIFF-000123"));
    assert_eq!(product.price, pounds(24_999));
    assert_eq!(product.locations.get(LOCATION), Some(&1));
    assert_eq!(simulator.listings_with_sku("RIFF-000123"), 1);
}

/// The crash test's case: a publish that completed on Shopify but whose
/// answer was lost, a buyer who bought the guitar before the retry, and the
/// retry, which must not offer it again.
#[tokio::test]
async fn a_retried_publish_never_restocks_what_sold_after_the_lost_answer_and_the_sale_is_scanned()
{
    let (simulator, client) = start().await;
    let request = request("RIFF-000123", "1962 Strat", "24999");
    let lost = client.publish(&request).await.unwrap();
    let order = simulator.buy(&lost.external_id).unwrap();
    let writes = simulator.write_requests();

    let retried = client.publish(&request).await.unwrap();

    assert_eq!(retried.external_id, lost.external_id);
    assert_eq!(simulator.write_requests(), writes, "nothing written");
    let product = simulator.product(&lost.external_id).unwrap();
    assert_eq!(product.inventory, 0, "still sold");
    assert_eq!(product.locations.get(LOCATION), Some(&0));
    let scan = client.scan(Utc::now() - Duration::days(1)).await.unwrap();
    let listing = scanned_listing(&scan, &lost.external_id);
    assert_eq!(listing.status, RemoteStatus::Sold);
    let sales: Vec<_> = scan
        .sales
        .iter()
        .filter(|s| s.external_id == lost.external_id)
        .collect();
    assert_eq!(sales.len(), 1);
    assert_eq!(sales[0].sku.as_deref(), Some("RIFF-000123"));
    let line = simulator
        .orders()
        .into_iter()
        .find(|o| format!("gid://shopify/Order/{}", o.id) == order)
        .unwrap()
        .line_item_id;
    assert_eq!(sales[0].order_ref, format!("gid://shopify/LineItem/{line}"));
}

/// A purchase that lands after the retry found no order but before it
/// writes the quantity: the compare-and-set refuses the write.
#[tokio::test]
async fn a_purchase_between_the_retrys_check_and_its_write_is_not_restocked() {
    let (simulator, client) = start().await;
    let mut request = request("RIFF-000124", "Boss DS-1", "45");
    request.quantity = 2;
    let lost = client.publish(&request).await.unwrap();
    // Riff restocked before retrying, so the retry has a write to make.
    request.quantity = 3;
    simulator
        .buy_before(operation::SET_QTY, &lost.external_id)
        .unwrap();

    let retried = client.publish(&request).await.unwrap();

    assert_eq!(retried.external_id, lost.external_id);
    let product = simulator.product(&lost.external_id).unwrap();
    assert_eq!(product.inventory, 1, "two less the one bought, not three");
    assert_eq!(simulator.orders().len(), 1);
    let scan = client.scan(Utc::now() - Duration::days(1)).await.unwrap();
    assert_eq!(scan.sales.len(), 1);
    assert_eq!(scan.sales[0].external_id, lost.external_id);
}

#[tokio::test]
async fn publishing_again_with_the_same_listing_id_returns_the_same_product_and_writes_nothing() {
    let (simulator, client) = start().await;
    let request = request("RIFF-000123", "1962 Strat", "24999");

    let (writes, retry_writes) =
        scenarios::publishing_twice_gives_one_listing(&simulator, &client, &request).await;

    assert_eq!(
        writes, 4,
        "create, price and SKU, quantity, on the Online Store"
    );
    assert_eq!(retry_writes, 0, "the retry only read");
}

#[tokio::test]
async fn a_scan_makes_no_write_requests() {
    let (simulator, client) = start().await;
    simulator.seed_listing("RIFF-000001", "Strat", pounds(100), 1);

    client.scan(Utc::now() - Duration::days(1)).await.unwrap();

    assert!(simulator.requests() > 0);
    assert_eq!(simulator.write_requests(), 0);
}

#[tokio::test]
async fn reading_sales_alone_gives_the_scans_sales_without_reading_a_listing() {
    let (simulator, client) = start().await;
    scenarios::sales_alone_read_only_orders(&simulator, &client).await;
}

/// A PNG as far as its signature goes, which is all either side checks.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-front-of-the-guitar";

/// Serves a picture on 127.0.0.1, as Riff's own `/media/…` does on an
/// address Shopify cannot reach; returns its URL.
async fn picture_on_the_loopback() -> String {
    use axum::routing::get;
    let router = axum::Router::new().route(
        "/front.png",
        get(|| async { ([(axum::http::header::CONTENT_TYPE, "image/png")], PNG) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("{base}/front.png")
}

#[tokio::test]
async fn a_new_product_is_created_with_its_pictures_by_url() {
    let (simulator, shopify) = start().await;
    let published = shopify
        .publish(&request("PIC-1", "Gibson SG 1961", "1499.00"))
        .await
        .expect("published");
    let product = simulator.product(&published.external_id).unwrap();
    assert_eq!(product.media, ["https://example.com/1.jpg"]);
}

#[tokio::test]
async fn without_a_public_address_the_pictures_go_through_staged_uploads() {
    let simulator = ShopifySimulator::new(TOKEN);
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    let mut config = ShopifyConfig::new(&base, Secret::new(TOKEN));
    config.location_id = Some(LOCATION.into());
    config.stage_pictures = true;
    let shopify = ShopifyClient::new(config).expect("the HTTP client builds");
    let mut listing = request("PIC-2", "Gibson SG 1961", "1499.00");
    listing.picture_urls = vec![picture_on_the_loopback().await];
    let published = shopify.publish(&listing).await.expect("published");

    let product = simulator.product(&published.external_id).unwrap();
    assert_eq!(product.media.len(), 1);
    assert!(
        product.media[0].contains("/staged-uploads/"),
        "{:?}",
        product.media
    );
    assert_eq!(
        simulator.staged_upload(&product.media[0]).as_deref(),
        Some(PNG),
        "Shopify holds the picture's own bytes"
    );
}

/// `https://example.com/{n}.jpg` for each `n` of `numbers`, in order.
fn pictures_at(numbers: &[u32]) -> Vec<String> {
    numbers
        .iter()
        .map(|n| format!("https://example.com/{n}.jpg"))
        .collect()
}

/// A 1961 Gibson SG under `sku`, with the pictures [`pictures_at`]
/// `numbers`.
fn sg_with_pictures(sku: &str, numbers: &[u32]) -> PublishRequest {
    let mut listing = request(sku, "Gibson SG 1961", "1499.00");
    listing.picture_urls = pictures_at(numbers);
    listing
}

/// Revises the product `id` from `from` to `to`, telling the adapter what
/// changed between them as the effects worker does.
async fn revise_what_changed(
    shopify: &ShopifyClient,
    id: &str,
    from: &PublishRequest,
    to: &PublishRequest,
) {
    let changes = Changes::between(Some(&Sent::of(from)), &Sent::of(to));
    shopify.revise(id, to, &changes).await.expect("revised");
}

#[tokio::test]
async fn a_new_order_of_the_pictures_sends_only_the_moves() {
    let (simulator, shopify) = start().await;
    let listing = sg_with_pictures("PIC-3", &[1, 2, 3]);
    let published = shopify.publish(&listing).await.expect("published");
    let mut reordered = listing.clone();
    reordered.picture_urls.rotate_right(1);

    revise_what_changed(&shopify, &published.external_id, &listing, &reordered).await;

    let product = simulator.product(&published.external_id).unwrap();
    assert_eq!(product.media, reordered.picture_urls);
    assert_eq!(product.media_calls, ["productReorderMedia"]);
    assert_eq!(
        product.revisions, 0,
        "no productUpdate: nothing else changed"
    );
}

#[tokio::test]
async fn pictures_dropped_and_added_are_deleted_and_added_and_the_rest_kept() {
    let (simulator, shopify) = start().await;
    let listing = sg_with_pictures("PIC-4", &[1, 2]);
    let published = shopify.publish(&listing).await.expect("published");
    let kept = simulator.product(&published.external_id).unwrap().media_ids[1];
    let mut edited = listing.clone();
    edited.picture_urls = pictures_at(&[3, 2]);

    revise_what_changed(&shopify, &published.external_id, &listing, &edited).await;

    let product = simulator.product(&published.external_id).unwrap();
    assert_eq!(product.media, edited.picture_urls, "in the new order");
    assert_eq!(
        product.media_calls,
        ["productDeleteMedia", "productUpdate", "productReorderMedia"]
    );
    assert!(
        product.media_ids.contains(&kept),
        "the picture kept is not uploaded again"
    );
}

#[tokio::test]
async fn a_price_change_alone_leaves_the_product_and_its_pictures_alone() {
    let (simulator, shopify) = start().await;
    let listing = request("PIC-5", "Gibson SG 1961", "1499.00");
    let published = shopify.publish(&listing).await.expect("published");
    let cheaper = request("PIC-5", "Gibson SG 1961", "1399.00");
    let cheaper = PublishRequest {
        listing_id: listing.listing_id,
        ..cheaper
    };

    revise_what_changed(&shopify, &published.external_id, &listing, &cheaper).await;

    let product = simulator.product(&published.external_id).unwrap();
    assert_eq!(product.price.to_string(), "1399.00");
    assert_eq!(product.revisions, 0, "no productUpdate");
    assert!(product.media_calls.is_empty());
}
