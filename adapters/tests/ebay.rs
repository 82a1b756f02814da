//! The eBay adapter against the eBay simulator, over a real socket on
//! 127.0.0.1. Each test starts its own simulator, so tests share nothing.
//! Retries use [`RetryPolicy::immediate`] and injected 429s carry
//! `Retry-After: 0`: waiting would prove nothing here (the back-off itself
//! is tested with paused time in `http.rs`).

mod support;

use chrono::{Duration, Utc};
use riff_adapters::ebay::simulator::{
    Fault, SimStatus, WebhookTarget, API_PATH, MEDIA_PATH, OAUTH_PATH,
};
use riff_adapters::ebay::webhook::{self, soap_action_event};
use riff_adapters::ebay::wire::{self, GetOrdersResponse};
use riff_adapters::ebay::EbayNotifyIds;
use riff_adapters::ebay::{EbayClient, EbayConfig, EbaySimulator, OAuthRefresh};
use riff_adapters::http::RetryPolicy;
use riff_adapters::simulator::Simulator as _;
use riff_adapters::Secret;
use riff_domain::listing::attributes::EbayAttributes;
use riff_domain::listing::sent::Changes;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{Marketplace, PortError, PublishRequest, RemoteStatus, Scan};
use riff_domain::value::{Currency, Money};
use rust_decimal::Decimal;
use support::fixtures::{
    assert_auth_advice, listing_ids, pounds, scanned_listing, scanned_sale, sorted, strat,
};
use support::pictures::{picture_host, PNG};
use support::{scenarios, webhooks};

/// A simulator on a free port and a client pointed at it.
async fn start(with_refresh: bool) -> (EbaySimulator, EbayClient) {
    let simulator = EbaySimulator::default();
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    (simulator, client(&base, with_refresh, "v^1.1#sim-access-0"))
}

fn client(base: &str, with_refresh: bool, token: &str) -> EbayClient {
    let mut config = EbayConfig::new(format!("{base}{API_PATH}"), Secret::new(token));
    config.retry = RetryPolicy::immediate(5);
    config.listing.postal_code = Some("M1 1AE".into());
    config.listing.location = Some("Manchester".into());
    if with_refresh {
        config.refresh = Some(OAuthRefresh {
            refresh_token: Secret::new("v^1.1#sim-refresh"),
            client_id: "Riff-Sim-PRD".into(),
            client_secret: Secret::new("PRD-sim-secret"),
            oauth_url: format!("{base}{OAUTH_PATH}"),
        });
    }
    EbayClient::new(config).expect("the HTTP client builds")
}

fn request(title: &str, price: &str) -> PublishRequest {
    let attributes = PlatformAttributes::Ebay(EbayAttributes {
        category_id: Some("33034".into()),
        condition_id: Some(3000),
        ..EbayAttributes::default()
    });
    strat(
        "RIFF-000123",
        title,
        price,
        "<p>Original finish, hard case.</p>",
        attributes,
    )
}

#[tokio::test]
async fn verify_says_what_ebay_refuses_and_lists_nothing() {
    let (simulator, client) = start(false).await;

    let strat = request("1962 Fender Stratocaster", "24999");
    let fine = client.verify(&strat).await.unwrap();
    let mut long = request(&"Fender Stratocaster ".repeat(5), "24999");
    long.picture_urls.clear();
    let refused = client.verify(&long).await.unwrap();

    assert_eq!(fine, Vec::<String>::new());
    assert_eq!(
        refused.len(),
        1,
        "eBay names its first refusal: {refused:?}"
    );
    assert!(refused[0].contains("80 characters"), "{refused:?}");
    assert_eq!(simulator.verifications(), 2);
    assert!(simulator.listings().is_empty(), "verifying lists nothing");
}

#[tokio::test]
async fn publishing_creates_a_live_listing_with_the_sku_title_and_price() {
    let (simulator, client) = start(false).await;

    let strat = request("1962 Fender Stratocaster", "24999");
    let published = client.publish(&strat).await.unwrap();

    let listing = simulator.listing(&published.external_id).unwrap();
    assert_eq!(listing.sku.as_deref(), Some("RIFF-000123"));
    assert_eq!(listing.title, "1962 Fender Stratocaster");
    assert_eq!(listing.price, Decimal::new(2_499_900, 2));
    assert_eq!(listing.status, SimStatus::Active);
    assert_eq!(listing.picture_urls, ["https://example.com/1.jpg"]);
    assert_eq!(
        published.url,
        Some(format!(
            "https://www.ebay.co.uk/itm/{}",
            published.external_id
        ))
    );
    let remote = client.get(&published.external_id).await.unwrap();
    assert_eq!(remote.status, RemoteStatus::Live);
    assert_eq!(
        remote.price,
        Some(Money::parse_price("24999", Currency::GBP).unwrap())
    );
    assert_eq!(remote.quantity, Some(1));
}

#[tokio::test]
async fn publishing_again_with_the_same_listing_id_returns_the_first_listing() {
    let (simulator, client) = start(false).await;
    let request = request("1962 Fender Stratocaster", "24999");

    let writes = scenarios::publishing_twice_gives_one_listing(&simulator, &client, &request).await;

    assert_eq!(simulator.listings().len(), 1, "no second listing was made");
    assert_eq!(
        writes,
        (1, 1),
        "the retry's AddFixedPriceItem is refused as a duplicate"
    );
}

#[tokio::test]
async fn revising_changes_the_title_price_and_quantity() {
    let (simulator, client) = start(false).await;
    let mut revised = request("Strat, now with case", "23999.50");
    revised.quantity = 2;

    scenarios::revising_takes_title_price_and_quantity(
        &simulator,
        &client,
        &request("Strat", "24999"),
        &revised,
    )
    .await;
}

#[tokio::test]
async fn ending_a_live_listing_ends_it_and_ending_it_again_says_already_ended() {
    let (simulator, client) = start(false).await;
    let published = client.publish(&request("Strat", "24999")).await.unwrap();

    let id = &published.external_id;
    let revised = request("Strat", "100");

    scenarios::ended_stays_ended(&client, id, [EndReason::SoldElsewhere; 2], &revised).await;

    assert_eq!(simulator.listing(id).unwrap().status, SimStatus::Ended);
    // Both end calls reached eBay, and are counted against the item.
    assert_eq!(simulator.end_requests(id), 2);
    assert_eq!(simulator.end_requests("999"), 0);
}

#[tokio::test]
async fn revising_an_ended_listing_says_already_ended() {
    let (_simulator, client) = start(false).await;
    let published = client.publish(&request("Strat", "24999")).await.unwrap();
    client
        .end(&published.external_id, EndReason::Manual)
        .await
        .unwrap();

    let result = client
        .revise(
            &published.external_id,
            &request("Strat", "100"),
            &Changes::ALL,
        )
        .await;

    assert_eq!(result, Err(PortError::AlreadyEnded));
}

#[tokio::test]
async fn a_sold_out_listing_reads_as_sold() {
    let (simulator, client) = start(false).await;
    let item_id = simulator.seed_listing("RIFF-000001", "Deluxe Reverb", pounds(1200), 1);
    simulator.record_sale(&item_id, 1, Utc::now()).unwrap();

    let remote = client.get(&item_id).await.unwrap();

    assert_eq!(remote.status, RemoteStatus::Sold);
    assert_eq!(remote.quantity, Some(0));
}

#[tokio::test]
async fn an_unknown_item_is_not_found_for_every_call() {
    let (_simulator, client) = start(false).await;

    assert_eq!(client.get("999").await, Err(PortError::NotFound));
    assert_eq!(
        client.end("999", EndReason::Manual).await,
        Err(PortError::NotFound)
    );
    assert_eq!(
        client
            .revise("999", &request("Strat", "1"), &Changes::ALL)
            .await,
        Err(PortError::NotFound)
    );
}

#[tokio::test]
async fn a_listing_ebay_refuses_is_a_validation_error_with_ebays_message() {
    let (simulator, client) = start(false).await;
    let mut too_long = request("Strat", "24999");
    too_long.details.title = "x".repeat(81);

    let result = client.publish(&too_long).await;

    let Err(PortError::Validation { message, .. }) = result else {
        panic!("expected a validation error, got {result:?}");
    };
    assert!(message.contains("Title"), "{message}");
    assert!(simulator.listings().is_empty());
}

#[tokio::test]
async fn another_platforms_attributes_are_refused_before_calling_ebay() {
    let (simulator, client) = start(false).await;
    let mut wrong = request("Strat", "24999");
    wrong.attributes = PlatformAttributes::empty(riff_domain::value::Platform::Reverb);

    let result = client.publish(&wrong).await;

    assert!(
        matches!(result, Err(PortError::Validation { field: Some(f), .. }) if f == "attributes")
    );
    assert_eq!(simulator.requests(), 0);
}

/// Five live listings (one made on eBay's own site, one with units left
/// after a sale) and two sales, read at several page sizes.
#[tokio::test]
async fn a_scan_returns_every_live_listing_once_and_every_sale_at_any_page_size() {
    let (simulator, client) = start(false).await;
    let mut live = scenarios::seed_guitars(&simulator, 3);
    live.push(simulator.add_external_listing("Listed by hand on eBay", pounds(50)));
    let stocked = simulator.seed_listing("RIFF-000010", "Strings", pounds(8), 3);
    live.push(stocked.clone());
    let sold_out = simulator.seed_listing("RIFF-000011", "Sold amp", pounds(900), 1);
    let ended = simulator.seed_listing("RIFF-000012", "Ended pedal", pounds(90), 1);
    client.end(&ended, EndReason::Manual).await.unwrap();
    let hour_ago = Utc::now() - Duration::hours(1);
    let amp_sale = simulator.record_sale(&sold_out, 1, hour_ago).unwrap();
    let strings_sale = simulator.record_sale(&stocked, 2, hour_ago).unwrap();

    let mut scans = Vec::new();
    for page_size in [1, 2, 200] {
        simulator.set_page_size(page_size);
        let scan = sorted(client.scan(Utc::now() - Duration::days(1)).await.unwrap());

        let ids = listing_ids(&scan);
        let mut expected = live.clone();
        expected.sort();
        assert_eq!(ids, expected, "page size {page_size}");
        let refs: Vec<_> = scan.sales.iter().map(|s| s.order_ref.as_str()).collect();
        let mut expected_refs = vec![amp_sale.as_str(), strings_sale.as_str()];
        expected_refs.sort_unstable();
        assert_eq!(refs, expected_refs, "page size {page_size}");
        scans.push(scan);
    }

    let external = scans[0]
        .listings
        .iter()
        .find(|l| l.title == "Listed by hand on eBay")
        .unwrap();
    assert_eq!(external.sku, None);
    let strings = scanned_listing(&scans[0], &stocked);
    assert_eq!(strings.quantity, Some(1));
    let sale = scanned_sale(&scans[0], &strings_sale);
    assert_eq!(sale.external_id, stocked);
    assert_eq!(sale.sku.as_deref(), Some("RIFF-000010"));
    assert_eq!(sale.quantity, 2);
    assert_eq!(sale.price, Money::parse_price("16", Currency::GBP).unwrap());
    assert_eq!(sale.sold_at.timestamp_millis(), hour_ago.timestamp_millis());
    // One page per listing and one per sale at page size 1; one of each at 200.
    assert_eq!(scans[0].requests, 5 + 2);
    assert_eq!(scans[2].requests, 2);
    assert_eq!(scans[0].listings, scans[2].listings);
    assert_eq!(scans[0].sales, scans[2].sales);
}

#[tokio::test]
async fn a_scan_leaves_out_sales_before_the_time_asked_for() {
    let (simulator, client) = start(false).await;
    let old = simulator.seed_listing("RIFF-000001", "Old sale", pounds(100), 1);
    let new = simulator.seed_listing("RIFF-000002", "New sale", pounds(100), 1);
    simulator
        .record_sale(&old, 1, Utc::now() - Duration::hours(30))
        .unwrap();
    let recent = simulator
        .record_sale(&new, 1, Utc::now() - Duration::hours(2))
        .unwrap();

    let scan = client.scan(Utc::now() - Duration::hours(24)).await.unwrap();

    let refs: Vec<_> = scan.sales.iter().map(|s| s.order_ref.clone()).collect();
    assert_eq!(refs, [recent]);
    assert!(scan.listings.is_empty());
}

/// Nine sales over six listings, one of them stocked and sold three times,
/// read through GetOrders at its page sizes 1, 2 and 100 (its maximum).
#[tokio::test]
async fn every_sale_is_read_once_through_get_orders_at_page_sizes_1_2_and_100() {
    let (simulator, client) = start(false).await;
    let mut expected = Vec::new();
    let stocked = simulator.seed_listing("RIFF-000100", "Strings", pounds(8), 5);
    for n in 0..3 {
        let at = Utc::now() - Duration::hours(3 * n + 1);
        expected.push(simulator.record_sale(&stocked, 1, at).unwrap());
    }
    for n in 1..=5 {
        let item = simulator.seed_listing(
            &format!("RIFF-00000{n}"),
            &format!("Guitar {n}"),
            pounds(100 * n),
            1,
        );
        let at = Utc::now() - Duration::minutes(7 * n);
        expected.push(simulator.record_sale(&item, 1, at).unwrap());
    }
    let late = simulator.add_external_listing("Listed by hand on eBay", pounds(50));
    expected.push(simulator.record_sale(&late, 1, Utc::now()).unwrap());
    expected.sort();

    let mut scans = Vec::new();
    for (page_size, order_pages) in [(1, 9), (2, 5), (100, 1)] {
        simulator.set_page_size(page_size);
        let scan = sorted(client.scan(Utc::now() - Duration::days(1)).await.unwrap());

        let refs: Vec<_> = scan.sales.iter().map(|s| s.order_ref.clone()).collect();
        assert_eq!(refs, expected, "page size {page_size}");
        assert_eq!(
            scan.requests,
            1 + order_pages,
            "one page for the strings, the only listing left live"
        );
        scans.push(scan);
    }
    assert_eq!(scans[0].sales, scans[1].sales);
    assert_eq!(scans[0].sales, scans[2].sales);
    let by_hand = scans[0]
        .sales
        .iter()
        .find(|s| s.external_id == late)
        .unwrap();
    assert_eq!(by_hand.sku, None);
    assert_eq!(
        by_hand.price,
        Money::parse_price("50", Currency::GBP).unwrap()
    );
}

/// The sim refuses a ModTime window wider than 30 days or reaching past 90
/// days, as GetOrders does; a scan from further back still completes.
#[tokio::test]
async fn sales_from_long_ago_are_read_window_by_window_back_to_ninety_days() {
    let (simulator, client) = start(false).await;
    let mut refs = Vec::new();
    for days in [100, 40, 10, 0] {
        let item = simulator.seed_listing(
            &format!("RIFF-{:06}", 500 + days),
            &format!("Sold {days} days ago"),
            pounds(100),
            1,
        );
        let at = Utc::now() - Duration::days(days) - Duration::minutes(5);
        refs.push(simulator.record_sale(&item, 1, at).unwrap());
    }

    let since_45 = sorted(client.scan(Utc::now() - Duration::days(45)).await.unwrap());
    let since_200 = sorted(client.scan(Utc::now() - Duration::days(200)).await.unwrap());

    let mut within_90 = refs[1..].to_vec();
    within_90.sort();
    let read =
        |scan: &Scan| -> Vec<String> { scan.sales.iter().map(|s| s.order_ref.clone()).collect() };
    assert_eq!(read(&since_45), within_90);
    assert_eq!(since_45.requests, 1 + 2, "one listings page, two windows");
    assert_eq!(read(&since_200), within_90, "eBay has nothing older");
    assert_eq!(
        since_200.requests,
        1 + 3,
        "one listings page, three windows"
    );
}

/// GetOrders as eBay's reference has it: one time filter required, a
/// ModTime window of 30 days at most, `HasMoreOrders` and the page.
#[tokio::test]
async fn the_simulator_answers_get_orders_by_its_time_filters() {
    let simulator = EbaySimulator::default();
    let base = simulator.spawn().await.unwrap();
    let item = simulator.seed_listing("RIFF-000001", "Strat", pounds(100), 1);
    let line = simulator.record_sale(&item, 1, Utc::now()).unwrap();
    let http = reqwest::Client::new();
    let send = |filter: String| {
        http.post(format!("{base}{API_PATH}"))
            .header("X-EBAY-API-CALL-NAME", "GetOrders")
            .header("X-EBAY-API-SITEID", "3")
            .header("X-EBAY-API-COMPATIBILITY-LEVEL", "1423")
            .header("X-EBAY-API-IAF-TOKEN", "v^1.1#sim-access-0")
            .body(format!(
                r#"<?xml version="1.0" encoding="utf-8"?>
<GetOrdersRequest xmlns="urn:ebay:apis:eBLBaseComponents"><OrderRole>Seller</OrderRole>{filter}</GetOrdersRequest>"#
            ))
            .send()
    };
    let at = |days: i64| wire::timestamp(Utc::now() - Duration::days(days));

    let unfiltered = send(String::new()).await.unwrap().text().await.unwrap();
    let too_wide = send(format!(
        "<ModTimeFrom>{}</ModTimeFrom><ModTimeTo>{}</ModTimeTo>",
        at(40),
        at(0)
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    let created = send(format!("<CreateTimeFrom>{}</CreateTimeFrom>", at(60)))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let days = send("<NumberOfDays>3</NumberOfDays>".into())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    for (refused, code) in [(&unfiltered, "10009"), (&too_wide, "37")] {
        assert!(refused.contains("<Ack>Failure</Ack>"), "{refused}");
        assert!(
            refused.contains(&format!("<ErrorCode>{code}</ErrorCode>")),
            "{refused}"
        );
    }
    assert!(
        unfiltered.contains("<Value>CreateTimeFrom</Value>"),
        "{unfiltered}"
    );
    for found in [&created, &days] {
        let page: GetOrdersResponse = wire::from_xml(found).unwrap();
        assert_eq!(page.ack, "Success");
        assert_eq!(page.has_more_orders, Some(false));
        let order = &page.order_array.unwrap().order[0];
        assert_eq!(order.order_status.as_deref(), Some("Completed"));
        let lines = &order.transaction_array.as_ref().unwrap().transaction;
        assert_eq!(lines[0].order_line_item_id.as_deref(), Some(line.as_str()));
    }
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_goes_through() {
    let (simulator, client) = start(true).await;
    simulator.expire_token();

    let published = client.publish(&request("Strat", "24999")).await.unwrap();

    assert_eq!(simulator.tokens_issued(), 1);
    assert!(simulator.listing(&published.external_id).is_some());
    client.get(&published.external_id).await.unwrap();
    assert_eq!(simulator.tokens_issued(), 1, "the new token is kept");
}

#[tokio::test]
async fn an_expired_token_without_a_refresh_token_tells_the_user_to_reconnect() {
    let (simulator, client) = start(false).await;
    simulator.expire_token();

    let result = client.get("110000000001").await;

    assert_auth_advice(&result, &["21917053", "reconnect eBay"]);
}

#[tokio::test]
async fn a_refused_refresh_token_is_an_auth_error_that_says_to_sign_in_again() {
    let simulator = EbaySimulator::default();
    let base = simulator.spawn().await.unwrap();
    let client = client(&base, true, "v^1.1#not-a-token");
    let mut config = EbayConfig::new(
        format!("{base}{API_PATH}"),
        Secret::new("v^1.1#not-a-token"),
    );
    config.refresh = Some(OAuthRefresh {
        refresh_token: Secret::new("v^1.1#revoked"),
        client_id: "Riff-Sim-PRD".into(),
        client_secret: Secret::new("PRD-sim-secret"),
        oauth_url: format!("{base}{OAUTH_PATH}"),
    });
    let revoked = EbayClient::new(config).unwrap();

    let refreshed = client.get("110000000001").await;
    let refused = revoked.get("110000000001").await;

    assert_eq!(refreshed, Err(PortError::NotFound), "931 is refreshed away");
    assert_auth_advice(&refused, &["invalid_grant", "grant Riff access again"]);
}

#[tokio::test]
async fn a_read_that_stays_rate_limited_gives_up_after_its_attempts() {
    let (simulator, client) = start(false).await;
    scenarios::fail_every(
        &simulator,
        1,
        Fault::RateLimited {
            retry_after_secs: 0,
        },
    );
    let result = client.scan(Utc::now()).await;

    assert!(
        matches!(result, Err(PortError::RateLimited { .. })),
        "{result:?}"
    );
    assert_eq!(simulator.requests(), 5, "five attempts, then the error");
}

#[tokio::test]
async fn a_server_error_is_transient_and_a_write_is_not_retried() {
    let (simulator, client) = start(false).await;
    scenarios::fail_every(&simulator, 1, Fault::ServerError);
    let result = client.publish(&request("Strat", "24999")).await;

    assert!(matches!(result, Err(PortError::Transient(_))), "{result:?}");
    assert_eq!(simulator.requests(), 1);
}

#[tokio::test]
async fn a_scan_completes_with_the_same_result_when_every_third_request_fails() {
    let (simulator, client) = start(true).await;
    let faults = vec![
        Fault::RateLimited {
            retry_after_secs: 0,
        },
        Fault::ServerError,
        Fault::ExpiredToken,
    ];

    let clean = scenarios::a_scan_survives_faults(&simulator, &client, faults).await;

    assert_eq!(clean.listings.len(), 5);
    assert_eq!(simulator.tokens_issued(), 1);
}

#[tokio::test]
async fn calls_made_at_once_after_the_token_expires_all_succeed() {
    let (simulator, client) = start(true).await;
    let item_id = simulator.seed_listing("RIFF-000001", "Strat", pounds(100), 1);
    simulator.expire_token();

    let results = read_four_times_at_once(&client, &item_id).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert!(simulator.tokens_issued() >= 1);
}

/// Four reads of one item at the same time.
async fn read_four_times_at_once(
    client: &EbayClient,
    item_id: &str,
) -> Vec<Result<riff_domain::port::RemoteListing, PortError>> {
    let (a, b, c, d) = tokio::join!(
        client.get(item_id),
        client.get(item_id),
        client.get(item_id),
        client.get(item_id)
    );
    vec![a, b, c, d]
}

/// The simulator holds clients to the gateway's rules (§1.1), so a client
/// that sent the wrong headers would fail here as it would on eBay.
#[tokio::test]
async fn the_simulator_refuses_a_call_name_that_does_not_match_the_body_or_a_bad_site() {
    let simulator = EbaySimulator::default();
    let base = simulator.spawn().await.unwrap();
    let http = reqwest::Client::new();
    let body = r#"<?xml version="1.0" encoding="utf-8"?>
<GetItemRequest xmlns="urn:ebay:apis:eBLBaseComponents"><ItemID>1</ItemID></GetItemRequest>"#;
    let send = |call: &'static str, site: &'static str| {
        http.post(format!("{base}{API_PATH}"))
            .header("X-EBAY-API-CALL-NAME", call)
            .header("X-EBAY-API-SITEID", site)
            .header("X-EBAY-API-COMPATIBILITY-LEVEL", "1423")
            .header("X-EBAY-API-IAF-TOKEN", "v^1.1#sim-access-0")
            .body(body)
            .send()
    };

    let mismatched = send("EndFixedPriceItem", "3").await.unwrap();
    let bad_site = send("GetItem", "UK").await.unwrap();
    let good = send("GetItem", "3").await.unwrap();

    assert_eq!(mismatched.status(), 200, "business errors are HTTP 200");
    let mismatched = mismatched.text().await.unwrap();
    assert!(mismatched.contains("<Ack>Failure</Ack>"), "{mismatched}");
    assert!(
        mismatched.contains("<ErrorCode>2</ErrorCode>"),
        "{mismatched}"
    );
    assert!(bad_site
        .text()
        .await
        .unwrap()
        .contains("<ErrorCode>10012</ErrorCode>"));
    assert!(good
        .text()
        .await
        .unwrap()
        .contains("<ErrorCode>17</ErrorCode>"));
}

fn notify_ids() -> EbayNotifyIds {
    EbayNotifyIds {
        dev_id: Secret::new("sim-dev-id"),
        app_id: Secret::new("Riff-Sim-PRD"),
        cert_id: Secret::new("PRD-sim-cert"),
    }
}

#[tokio::test]
async fn a_sale_posts_a_signed_fixed_price_transaction_naming_the_sold_item() {
    let (simulator, _client) = start(false).await;
    let (base, mut deliveries) = webhooks::receiver().await;
    simulator.set_webhook(WebhookTarget {
        url: format!("{base}/webhooks/ebay"),
        ids: notify_ids(),
    });
    let item = simulator.seed_listing("RIFF-000123", "1962 Strat", pounds(24_999), 1);

    let line = simulator.buy(&item).expect("the item is for sale");

    let delivery = webhooks::next(&mut deliveries).await;
    assert_eq!(delivery.path, "/webhooks/ebay");
    assert_eq!(
        delivery
            .header(webhook::SOAP_ACTION_HEADER)
            .and_then(soap_action_event),
        Some("FixedPriceTransaction")
    );
    let notification = webhook::verify(&delivery.body, &notify_ids(), Utc::now()).unwrap();
    assert_eq!(notification.event_name, "FixedPriceTransaction");
    assert_eq!(notification.item_ids, std::slice::from_ref(&item));
    assert!(notification.delivery_id.contains(&item));
    let body = String::from_utf8(delivery.body.to_vec()).unwrap();
    assert!(body.contains(&format!("<OrderLineItemID>{line}</OrderLineItemID>")));
    assert!(body.contains("<SKU>RIFF-000123</SKU>"));
    let mut wrong = notify_ids();
    wrong.cert_id = Secret::new("not-the-cert");
    assert_eq!(
        webhook::verify(&delivery.body, &wrong, Utc::now()),
        Err(riff_adapters::WebhookError::BadSignature("eBay"))
    );
}

#[tokio::test]
async fn a_buyer_takes_the_last_unit_and_the_listing_completes() {
    let (simulator, _client) = start(false).await;
    let item = simulator.seed_listing("RIFF-000123", "Strat", pounds(100), 1);

    assert!(simulator.buy(&item).is_some());

    assert_eq!(
        simulator.listing(&item).unwrap().status,
        SimStatus::Completed
    );
    assert_eq!(simulator.buy(&item), None);
}

#[tokio::test]
async fn only_add_revise_and_end_calls_count_as_writes() {
    let (simulator, client) = start(false).await;
    let request = request("1962 Fender Stratocaster", "24999");

    let published = client.publish(&request).await.unwrap();
    client.publish(&request).await.unwrap();
    client.get(&published.external_id).await.unwrap();
    client
        .revise(&published.external_id, &request, &Changes::ALL)
        .await
        .unwrap();
    client
        .end(&published.external_id, EndReason::SoldElsewhere)
        .await
        .unwrap();

    assert_eq!(simulator.listings_with_sku("RIFF-000123"), 1);
    assert_eq!(
        simulator.write_requests(),
        4,
        "two AddFixedPriceItem (the second refused as a duplicate), one revise, one end"
    );
}

#[tokio::test]
async fn reading_sales_alone_gives_the_scans_sales_without_reading_a_listing() {
    let (simulator, client) = start(false).await;
    scenarios::sales_alone_read_only_orders(&simulator, &client).await;
}

/// eBay refuses what it refuses: a category that is not a leaf, a
/// condition the category does not allow, a required item specific left
/// out (21919303, naming it), an item with no location.
#[tokio::test]
async fn ebay_refuses_a_listing_it_would_not_accept_with_its_own_error() {
    let simulator = EbaySimulator::default();
    let base = simulator.spawn().await.unwrap();
    let client = client(&base, false, "v^1.1#sim-access-0");
    let refused = |request: PublishRequest| {
        let client = &client;
        async move {
            match client.publish(&request).await {
                Err(PortError::Validation { message, .. }) => message,
                other => panic!("expected a refusal, got {other:?}"),
            }
        }
    };
    let with = |category: &str, condition: u32, specifics: Vec<(String, String)>| {
        let mut r = request("Fender Precision Bass 1962", "1999");
        r.attributes = PlatformAttributes::Ebay(EbayAttributes {
            category_id: Some(category.into()),
            condition_id: Some(condition),
            item_specifics: specifics,
            ..EbayAttributes::default()
        });
        r
    };
    // 181162 Guitar Effects Pedals is a parent, not a leaf.
    assert!(refused(with("181162", 3000, vec![])).await.contains("leaf"));
    // Bass Guitars take no "Seller refurbished".
    assert!(refused(with("4713", 2500, vec![])).await.contains("2500"));
    // Bass Guitars require Type.
    let message = refused(with("4713", 3000, vec![])).await;
    assert!(
        message.contains("item specific Type is missing"),
        "{message}"
    );
    let listed = client
        .publish(&with(
            "4713",
            3000,
            vec![("Type".into(), "Electric Bass Guitar".into())],
        ))
        .await
        .unwrap();
    let on_ebay = simulator.listing(&listed.external_id).unwrap();
    assert_eq!(on_ebay.category_id.as_deref(), Some("4713"));
    assert_eq!(on_ebay.condition_id, Some(3000));
    assert!(on_ebay
        .item_specifics
        .iter()
        .any(|(n, v)| n == "Type" && v == &["Electric Bass Guitar".to_owned()]));
    assert_eq!(on_ebay.postal_code.as_deref(), Some("M1 1AE"));

    let mut nowhere = EbayConfig::new(
        format!("{base}{API_PATH}"),
        Secret::new("v^1.1#sim-access-0"),
    );
    nowhere.retry = RetryPolicy::immediate(1);
    let nowhere = EbayClient::new(nowhere).unwrap();
    let Err(PortError::Validation { message, .. }) = nowhere
        .publish(&request("Fender Stratocaster 1962", "2500"))
        .await
    else {
        panic!("an item with no location was listed");
    };
    assert!(message.contains("location"), "{message}");
}

/// A client that uploads pictures through the simulator's Media API, as
/// Riff does when RIFF_PUBLIC_URL is not a public https address.
async fn start_uploading() -> (EbaySimulator, EbayClient) {
    let simulator = EbaySimulator::default();
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    let mut config = EbayConfig::new(
        format!("{base}{API_PATH}"),
        Secret::new("v^1.1#sim-access-0"),
    );
    config.retry = RetryPolicy::immediate(5);
    config.listing.postal_code = Some("M1 1AE".into());
    config.media_api_url = Some(format!("{base}{MEDIA_PATH}"));
    (
        simulator,
        EbayClient::new(config).expect("the HTTP client builds"),
    )
}

/// A Stratocaster whose one picture is `path` on a picture host of its own.
async fn with_hosted_picture(path: &str) -> PublishRequest {
    let host = picture_host().await;
    let mut listing = request("Fender Stratocaster 1962", "1500.00");
    listing.picture_urls = vec![format!("{host}{path}")];
    listing
}

#[tokio::test]
async fn pictures_ebay_cannot_fetch_are_uploaded_once_and_listed_by_their_eps_address() {
    let (sim, ebay) = start_uploading().await;
    let mut listing = with_hosted_picture("/front.png").await;
    let published = ebay.publish(&listing).await.expect("published");

    let hosted = sim.hosted_images();
    assert_eq!(hosted.len(), 1);
    assert_eq!(hosted[0].bytes, PNG, "eBay got the picture's own bytes");
    assert_eq!(hosted[0].content_type, "image/png");
    let listed = sim.listing(&published.external_id).expect("the listing");
    assert_eq!(listed.picture_urls.len(), 1);
    assert!(
        listed.picture_urls[0].contains(&format!("/images/g/{}/", hosted[0].image_id)),
        "{:?}",
        listed.picture_urls
    );
    // The EPS address serves the picture.
    let served = reqwest::get(&listed.picture_urls[0]).await.unwrap();
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);

    // A revision lists the same EPS address without uploading again.
    listing.details.title = "Fender Stratocaster 1962 Fiesta Red".into();
    ebay.revise(&published.external_id, &listing, &Changes::ALL)
        .await
        .expect("revised");
    assert_eq!(sim.hosted_images().len(), 1);
    let revised = sim.listing(&published.external_id).expect("the listing");
    assert_eq!(revised.picture_urls, listed.picture_urls);
}

#[tokio::test]
async fn a_file_that_is_not_a_picture_is_refused_before_ebay_is_asked() {
    let (sim, ebay) = start_uploading().await;
    let listing = with_hosted_picture("/notes.txt").await;
    let refused = ebay.publish(&listing).await.expect_err("refused");
    let PortError::Validation { message, .. } = refused else {
        panic!("a validation error: {refused:?}");
    };
    assert!(message.contains("notes.txt"), "{message}");
    assert!(sim.hosted_images().is_empty());
    assert!(sim.listings().is_empty(), "nothing was listed");
}

#[tokio::test]
async fn a_token_the_media_api_refuses_is_refreshed_once_and_the_upload_goes_through() {
    let simulator = EbaySimulator::default();
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    let mut config = EbayConfig::new(format!("{base}{API_PATH}"), Secret::new("stale-token"));
    config.listing.postal_code = Some("M1 1AE".into());
    config.media_api_url = Some(format!("{base}{MEDIA_PATH}"));
    config.refresh = Some(OAuthRefresh {
        refresh_token: Secret::new("v^1.1#sim-refresh"),
        client_id: "Riff-Sim-PRD".into(),
        client_secret: Secret::new("PRD-sim-secret"),
        oauth_url: format!("{base}{OAUTH_PATH}"),
    });
    let ebay = EbayClient::new(config).expect("the HTTP client builds");
    let listing = with_hosted_picture("/front.png").await;
    ebay.publish(&listing).await.expect("published");
    assert_eq!(simulator.hosted_images().len(), 1);
}

#[tokio::test]
async fn with_a_public_address_the_picture_urls_are_listed_as_they_are() {
    let (sim, ebay) = start(false).await;
    let published = ebay
        .publish(&request("Fender Stratocaster 1962", "1500.00"))
        .await
        .expect("published");
    let listed = sim.listing(&published.external_id).expect("the listing");
    assert_eq!(listed.picture_urls, ["https://example.com/1.jpg"]);
    assert!(sim.hosted_images().is_empty());
}
