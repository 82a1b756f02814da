//! The Reverb adapter against the Reverb simulator, over a real socket on
//! 127.0.0.1. Each test starts its own simulator. Retries are immediate and
//! injected 429s carry `Retry-After: 0`.

mod support;

use chrono::{Duration, Utc};
use riff_adapters::http::RetryPolicy;
use riff_adapters::reverb::simulator::{Fault, SimState, WebhookTarget, API_PATH};
use riff_adapters::reverb::webhook;
use riff_adapters::reverb::{ReverbClient, ReverbConfig, ReverbSimulator};
use riff_adapters::simulator::Simulator as _;
use riff_adapters::Secret;
use riff_domain::listing::attributes::ReverbAttributes;
use riff_domain::listing::sent::Changes;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{Marketplace, PortError, PublishRequest, Published, RemoteStatus};
use riff_domain::value::{Condition, Currency, Money};
use rust_decimal::Decimal;
use support::fixtures::{assert_auth_advice, listing_ids, pounds, scanned_sale, sorted, strat};
use support::{scenarios, webhooks};

const TOKEN: &str = "sim-reverb-token";

async fn start() -> (ReverbSimulator, ReverbClient) {
    let simulator = ReverbSimulator::new(TOKEN);
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    (simulator, client(&base, TOKEN))
}

fn client(base: &str, token: &str) -> ReverbClient {
    let mut config = ReverbConfig::new(format!("{base}{API_PATH}"), Secret::new(token));
    config.retry = RetryPolicy::immediate(5);
    ReverbClient::new(config).expect("the HTTP client builds")
}

fn request(sku: &str, title: &str, price: &str) -> PublishRequest {
    let attributes = PlatformAttributes::Reverb(ReverbAttributes {
        categories: vec!["e57deb7a-382b-4e18-a008-67d4fbcb2879".into()],
        shipping_profile_id: Some("81462".into()),
        ..ReverbAttributes::default()
    });
    strat(sku, title, price, "<p>Original finish.</p>", attributes)
}

/// `request(sku, title, price)` published through `client`, which must
/// take it: the start of every test about what happens to a listing.
async fn publish(client: &ReverbClient, sku: &str, title: &str, price: &str) -> Published {
    client
        .publish(&request(sku, title, price))
        .await
        .expect("the publish is taken")
}

#[tokio::test]
async fn publishing_creates_a_live_listing_with_the_sku_make_and_price() {
    let (simulator, client) = start().await;

    let published = publish(&client, "RIFF-000123", "1962 Strat", "24999").await;

    let listing = simulator.listing(&published.external_id).unwrap();
    assert_eq!(listing.state, SimState::Live);
    assert_eq!(listing.sku.as_deref(), Some("RIFF-000123"));
    assert_eq!(listing.make.as_deref(), Some("Fender"));
    assert_eq!(listing.price, Decimal::new(2_499_900, 2));
    assert_eq!(
        published.url,
        Some(format!("https://reverb.com/item/{}", published.external_id))
    );
    let remote = client.get(&published.external_id).await.unwrap();
    assert_eq!(remote.status, RemoteStatus::Live);
    assert_eq!(remote.quantity, Some(1));
}

#[tokio::test]
async fn the_video_goes_in_videos_and_several_mint_units_are_mint_with_inventory() {
    let (simulator, client) = start().await;
    let mut request = request("RIFF-000124", "Boss DS-1", "49");
    request.video_url = Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ".into());
    request.details.condition = Condition::Mint;
    request.quantity = 3;

    let published = client.publish(&request).await.unwrap();

    let listing = simulator.listing(&published.external_id).unwrap();
    assert_eq!(
        listing.videos,
        ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"]
    );
    assert_eq!(
        listing.condition.as_deref(),
        Some("6db7df88-293b-4017-a1c1-cdb5e599fa1a")
    );
    assert_eq!(listing.inventory, 3);
}

#[tokio::test]
async fn reverb_publishes_nothing_without_photos_description_and_shipping() {
    let (simulator, client) = start().await;
    let mut request = request("RIFF-000125", "1962 Strat", "24999");
    request.picture_urls.clear();
    request.details.description = None;
    request.attributes = PlatformAttributes::Reverb(ReverbAttributes {
        categories: vec!["e57deb7a-382b-4e18-a008-67d4fbcb2879".into()],
        ..ReverbAttributes::default()
    });

    let refused = client.publish(&request).await.unwrap_err();

    let PortError::Validation { message, .. } = refused else {
        panic!("a refusal: {refused:?}");
    };
    for field in ["photos", "description", "shipping"] {
        assert!(message.contains(field), "{message}");
    }
    assert!(simulator.listings().is_empty(), "nothing was made");
}

#[tokio::test]
async fn revising_changes_title_price_and_inventory() {
    let (simulator, client) = start().await;
    // New stock: Reverb takes several units only of a new item.
    let mut new = request("RIFF-000123", "Strat", "24999");
    new.details.condition = Condition::New;
    let mut revised = request("RIFF-000123", "Strat with case", "23999.50");
    revised.details.condition = Condition::New;
    revised.quantity = 2;

    scenarios::revising_takes_title_price_and_quantity(&simulator, &client, &new, &revised).await;
}

#[tokio::test]
async fn a_used_item_s_stock_cannot_be_raised_above_one_and_nothing_changes() {
    let (simulator, client) = start().await;
    let published = publish(&client, "RIFF-000124", "Strat", "24999").await;
    let mut revised = request("RIFF-000124", "Strat with case", "23999.50");
    revised.quantity = 2;

    let refused = client
        .revise(&published.external_id, &revised, &Changes::ALL)
        .await
        .unwrap_err();

    assert!(
        matches!(&refused, PortError::Validation { field: Some(f), .. } if f == "inventory"),
        "{refused:?}"
    );
    let listing = simulator.listing(&published.external_id).unwrap();
    assert_eq!(listing.title, "Strat", "a refused update changes nothing");
    assert_eq!(listing.inventory, 1);
    assert_eq!(listing.revisions, 0);
}

#[tokio::test]
async fn ending_twice_says_already_ended_and_so_does_revising_after() {
    let (simulator, client) = start().await;
    let published = publish(&client, "RIFF-000123", "Strat", "24999").await;

    let id = &published.external_id;
    let revised = request("RIFF-000123", "Strat", "1");

    scenarios::ended_stays_ended(&client, id, [EndReason::SoldElsewhere; 2], &revised).await;

    // Both end calls reached Reverb; the update is not an end.
    assert_eq!(simulator.end_requests(id), 2);
    assert_eq!(simulator.listing(id).unwrap().state, SimState::Ended);
}

#[tokio::test]
async fn an_unknown_listing_is_not_found() {
    let (_simulator, client) = start().await;

    assert_eq!(client.get("1").await, Err(PortError::NotFound));
    assert_eq!(
        client.end("1", EndReason::Manual).await,
        Err(PortError::NotFound)
    );
    assert_eq!(client.get("../my/account").await, Err(PortError::NotFound));
}

#[tokio::test]
async fn a_listing_reverb_refuses_is_a_validation_error_naming_the_field() {
    let (simulator, client) = start().await;
    let mut blank = request("RIFF-000123", "Strat", "24999");
    blank.details.title = " ".into();

    let result = client.publish(&blank).await;

    assert!(
        matches!(&result, Err(PortError::Validation { field: Some(f), .. }) if f == "title"),
        "{result:?}"
    );
    assert!(simulator.listings().is_empty());
}

#[tokio::test]
async fn a_refused_token_is_an_auth_error_that_says_what_to_do() {
    let simulator = ReverbSimulator::new(TOKEN);
    let base = simulator.spawn().await.unwrap();
    let client = client(&base, "revoked");

    let result = client.get("1").await;

    assert_auth_advice(&result, &["REVERB_API_TOKEN"]);
}

#[tokio::test]
async fn a_scan_returns_every_live_listing_once_and_every_sale_at_any_page_size() {
    let (simulator, client) = start().await;
    let mut live = scenarios::seed_guitars(&simulator, 3);
    live.push(simulator.add_external_listing("Listed by hand on Reverb", pounds(50)));
    let stocked = simulator.seed_listing("RIFF-000010", "Strings", pounds(8), 3);
    live.push(stocked.clone());
    let sold_out = simulator.seed_listing("RIFF-000011", "Sold amp", pounds(900), 1);
    let hour_ago = Utc::now() - Duration::hours(1);
    let amp_order = simulator.record_sale(&sold_out, 1, hour_ago).unwrap();
    let strings_order = simulator.record_sale(&stocked, 2, hour_ago).unwrap();
    live.sort();

    let mut scans = Vec::new();
    for page_size in [1, 2, 50] {
        simulator.set_page_size(page_size);
        let scan = sorted(client.scan(Utc::now() - Duration::days(1)).await.unwrap());

        let ids = listing_ids(&scan);
        assert_eq!(ids, live, "page size {page_size}");
        let mut expected = vec![amp_order.clone(), strings_order.clone()];
        expected.sort();
        let refs: Vec<_> = scan.sales.iter().map(|s| s.order_ref.clone()).collect();
        assert_eq!(refs, expected, "page size {page_size}");
        scans.push(scan);
    }

    let sale = scanned_sale(&scans[0], &strings_order);
    assert_eq!(sale.external_id, stocked);
    assert_eq!(sale.quantity, 2);
    assert_eq!(sale.price, Money::parse_price("16", Currency::GBP).unwrap());
    let external = scans[0].listings.iter().find(|l| l.sku.is_none()).unwrap();
    assert_eq!(external.title, "Listed by hand on Reverb");
    assert_eq!(scans[0].requests, 5 + 2);
    assert_eq!(scans[2].requests, 2);
    assert_eq!(scans[0].listings, scans[2].listings);
}

#[tokio::test]
async fn a_read_that_stays_rate_limited_gives_up_after_its_attempts() {
    let (simulator, client) = start().await;
    scenarios::fail_every(
        &simulator,
        1,
        Fault::RateLimited {
            retry_after_secs: 0,
        },
    );
    let result = client.get("1").await;

    assert!(
        matches!(result, Err(PortError::RateLimited { .. })),
        "{result:?}"
    );
    assert_eq!(simulator.requests(), 5);
}

#[tokio::test]
async fn a_server_error_is_transient_and_a_write_is_not_retried() {
    let (simulator, client) = start().await;
    scenarios::a_failed_end_is_not_retried(&simulator, &client, 1, Fault::ServerError).await;
}

#[tokio::test]
async fn a_scan_completes_with_the_same_result_when_every_third_request_fails() {
    let (simulator, client) = start().await;
    let faults = vec![
        Fault::RateLimited {
            retry_after_secs: 0,
        },
        Fault::ServerError,
    ];

    let clean = scenarios::a_scan_survives_faults(&simulator, &client, faults).await;

    assert_eq!(clean.listings.len(), 5);
}

#[tokio::test]
async fn a_sale_posts_the_order_to_the_secret_url_naming_the_sold_listing() {
    let (simulator, _client) = start().await;
    let (base, mut deliveries) = webhooks::receiver().await;
    let token = Secret::new("a1b2c3d4e5f6");
    simulator.set_webhook(WebhookTarget {
        url: format!("{base}/webhooks/reverb/{}", token.expose()),
    });
    let id = simulator.seed_listing("RIFF-000123", "1962 Strat", pounds(24_999), 1);

    let order = simulator.buy(&id).expect("the listing is for sale");

    let delivery = webhooks::next(&mut deliveries).await;
    let given = delivery.path.rsplit('/').next().unwrap();
    assert_eq!(webhook::verify_token(given, &token), Ok(()));
    assert_eq!(
        webhook::verify_token(given, &Secret::new("another")),
        Err(riff_adapters::WebhookError::BadSignature("Reverb"))
    );
    assert_eq!(delivery.header("content-type"), Some("application/json"));
    assert_eq!(webhook::delivery_id(&delivery.body).len(), 64);
    let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(body["order_number"], order.as_str());
    assert_eq!(
        body["product_id"],
        id.as_str(),
        "the order names the listing"
    );
    assert_eq!(body["sku"], "RIFF-000123");
    assert_eq!(body["status"], "paid");
    assert_eq!(body["title"], "1962 Strat");
}

#[tokio::test]
async fn a_buyer_takes_the_last_unit_and_the_listing_is_sold() {
    let (simulator, _client) = start().await;
    let id = simulator.seed_listing("RIFF-000123", "Strat", pounds(100), 2);

    assert!(simulator.buy(&id).is_some());
    assert_eq!(simulator.listing(&id).unwrap().state, SimState::Live);
    assert!(simulator.buy(&id).is_some());

    assert_eq!(simulator.listing(&id).unwrap().state, SimState::Sold);
    assert_eq!(simulator.listing(&id).unwrap().inventory, 0);
    assert_eq!(simulator.buy(&id), None);
}

#[tokio::test]
async fn a_retried_publish_finds_its_listing_by_sku_and_writes_nothing_more() {
    let (simulator, client) = start().await;
    let request = request("RIFF-000123", "1962 Strat", "24999");

    let writes = scenarios::publishing_twice_gives_one_listing(&simulator, &client, &request).await;

    assert_eq!(simulator.listings().len(), 1, "the listing already there");
    assert_eq!(writes, (1, 0), "one POST /listings");
}

#[tokio::test]
async fn reading_sales_alone_gives_the_scans_sales_without_reading_a_listing() {
    let (simulator, client) = start().await;
    scenarios::sales_alone_read_only_orders(&simulator, &client).await;
}
