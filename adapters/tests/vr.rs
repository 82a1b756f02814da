//! The V&R adapter against the V&R simulator, over a real socket on
//! 127.0.0.1. Each test starts its own simulator. Retries are immediate and
//! injected 429s carry `Retry-After: 0`.

use chrono::Utc;
use riff_adapters::http::RetryPolicy;
use riff_adapters::vr::simulator::{CreateReply, Fault, FaultPlan};
use riff_adapters::vr::{VrClient, VrConfig, VrSimulator};
use riff_adapters::Secret;
use riff_domain::listing::attributes::VrAttributes;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{Marketplace, PortError, PublishRequest, RemoteStatus, Scan};
use riff_domain::value::{Condition, Currency, Money, ProductDetails, Sku};
use rust_decimal::Decimal;
use uuid::Uuid;

const USER: &str = "riff-shop";
const PASSWORD: &str = "sim-vr-password";

async fn start() -> (VrSimulator, VrClient) {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    (simulator, client(&base, PASSWORD))
}

fn client(base: &str, password: &str) -> VrClient {
    let mut config = VrConfig::new(base, USER, Secret::new(password));
    config.retry = RetryPolicy::immediate(5);
    VrClient::new(config).expect("the HTTP client builds")
}

fn request(sku: &str, model: &str, price: &str) -> PublishRequest {
    PublishRequest {
        listing_id: Uuid::new_v4(),
        sku: Sku::parse(sku).expect("a valid SKU"),
        details: ProductDetails {
            title: format!("1962 Fender {model}"),
            brand: "Fender".into(),
            model: model.into(),
            year: Some(1962),
            finish: Some("Sunburst".into()),
            category: "Electric Guitars".into(),
            condition: Condition::Excellent,
            description: Some("<p>Original finish, \"clean\", 1,000 gigs.</p>".into()),
        },
        price: Money::parse_price(price, Currency::GBP).expect("a valid price"),
        quantity: 1,
        picture_urls: vec!["https://example.com/1.jpg".into()],
        attributes: PlatformAttributes::Vr(VrAttributes {
            category: Some("51".into()),
            sub_category: Some("67".into()),
            brand: None,
        }),
    }
}

fn sorted(mut scan: Scan) -> Scan {
    scan.listings
        .sort_by(|a, b| a.external_id.cmp(&b.external_id));
    scan
}

#[tokio::test]
async fn a_refused_login_is_an_auth_error_naming_the_settings() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.unwrap();

    let error = client(&base, "wrong").scan(Utc::now()).await.unwrap_err();

    let PortError::Auth(message) = error else {
        panic!("expected Auth, got {error:?}");
    };
    assert!(message.contains("VR_USERNAME") && message.contains("VR_PASSWORD"));
}

#[tokio::test]
async fn publishing_adds_an_item_with_the_sku_brand_categories_and_price() {
    let (simulator, client) = start().await;

    let published = client
        .publish(&request("RIFF-000123", "Stratocaster", "24999"))
        .await
        .unwrap();

    let item = simulator.listing(&published.external_id).unwrap();
    assert_eq!(item.sku.as_deref(), Some("RIFF-000123"));
    assert_eq!(item.brand, "Fender");
    assert_eq!(item.model, "Stratocaster");
    assert_eq!(item.price, Decimal::new(24_999, 0));
    assert_eq!(item.categories, ("51".into(), "67".into()));
    assert_eq!(
        item.description,
        "<p>Original finish, \"clean\", 1,000 gigs.</p>"
    );
    assert!(published
        .url
        .unwrap()
        .ends_with(&format!("/product/{}", published.external_id)));
}

#[tokio::test]
async fn the_attributes_brand_wins_over_the_products() {
    let (simulator, client) = start().await;
    let mut request = request("RIFF-000124", "Jazzmaster", "1800");
    request.attributes = PlatformAttributes::Vr(VrAttributes {
        brand: Some("Fender Custom Shop".into()),
        ..VrAttributes::default()
    });

    let published = client.publish(&request).await.unwrap();

    assert_eq!(
        simulator.listing(&published.external_id).unwrap().brand,
        "Fender Custom Shop"
    );
}

#[tokio::test]
async fn a_create_answered_without_an_id_finds_the_id_in_the_export() {
    let (simulator, client) = start().await;
    simulator.add_external_listing("Gibson", "Les Paul", Decimal::new(1200, 0));
    simulator.set_create_reply(CreateReply::PublishedWithoutId);

    let published = client
        .publish(&request("RIFF-000125", "Telecaster", "900"))
        .await
        .unwrap();

    let item = simulator.listing(&published.external_id).unwrap();
    assert_eq!(item.sku.as_deref(), Some("RIFF-000125"));
}

#[tokio::test]
async fn publishing_the_same_sku_twice_never_makes_a_second_item() {
    let (simulator, client) = start().await;
    let request = request("RIFF-000126", "Stratocaster", "24999");

    let first = client.publish(&request).await.unwrap();
    let second = client.publish(&request).await.unwrap();

    assert_eq!(first, second);
    assert_eq!(simulator.listings().len(), 1);
}

#[tokio::test]
async fn revising_resubmits_the_edit_form_with_the_new_price() {
    let (simulator, client) = start().await;
    let published = client
        .publish(&request("RIFF-000127", "Stratocaster", "24999"))
        .await
        .unwrap();

    client
        .revise(
            &published.external_id,
            &request("RIFF-000127", "Stratocaster", "22500"),
        )
        .await
        .unwrap();

    let item = simulator.listing(&published.external_id).unwrap();
    assert_eq!(item.price, Decimal::new(22_500, 0));
    assert_eq!(item.revisions, 1);
}

#[tokio::test]
async fn revising_a_sold_item_is_already_ended_and_an_unknown_one_not_found() {
    let (simulator, client) = start().await;
    let id = simulator.seed_listing("RIFF-000128", "Fender", "Precision", Decimal::new(900, 0));
    simulator.record_sale(&id).unwrap();
    let request = request("RIFF-000128", "Precision", "800");

    assert_eq!(
        client.revise(&id, &request).await,
        Err(PortError::AlreadyEnded)
    );
    assert_eq!(
        client.revise("999999", &request).await,
        Err(PortError::NotFound)
    );
}

#[tokio::test]
async fn ending_deletes_the_item_and_ending_it_again_is_already_ended() {
    let (simulator, client) = start().await;
    let published = client
        .publish(&request("RIFF-000129", "Stratocaster", "24999"))
        .await
        .unwrap();

    client
        .end(&published.external_id, EndReason::Removed)
        .await
        .unwrap();
    assert!(simulator.listing(&published.external_id).unwrap().deleted);
    assert_eq!(
        client.end(&published.external_id, EndReason::Removed).await,
        Err(PortError::AlreadyEnded)
    );
    assert_eq!(
        client.get(&published.external_id).await,
        Err(PortError::NotFound)
    );
    assert_eq!(simulator.end_requests(&published.external_id), 2);
}

#[tokio::test]
async fn ending_an_item_sold_elsewhere_marks_it_sold_once() {
    let (simulator, client) = start().await;
    let id = simulator.seed_listing("RIFF-000130", "Fender", "Mustang", Decimal::new(700, 0));

    client.end(&id, EndReason::SoldElsewhere).await.unwrap();
    assert!(simulator.listing(&id).unwrap().sold);
    assert_eq!(
        client.end(&id, EndReason::SoldElsewhere).await,
        Err(PortError::AlreadyEnded)
    );
    assert_eq!(client.get(&id).await.unwrap().status, RemoteStatus::Sold);
    // Both mark-sold calls reached V&R.
    assert_eq!(simulator.end_requests(&id), 2);
}

#[tokio::test]
async fn a_scan_reads_every_item_once_with_skus_and_sold_items_as_sold() {
    let (simulator, client) = start().await;
    let live = simulator.seed_listing(
        "RIFF-000131",
        "Fender",
        "Stratocaster",
        Decimal::new(24_999, 0),
    );
    let sold = simulator.seed_listing("RIFF-000132", "Gibson", "Les Paul", Decimal::new(1200, 0));
    let by_hand =
        simulator.add_external_listing("Höfner", "500/1, \"Beatle\"", Decimal::new(650, 0));
    simulator.record_sale(&sold).unwrap();

    let scan = sorted(client.scan(Utc::now()).await.unwrap());

    let ids: Vec<_> = scan
        .listings
        .iter()
        .map(|l| l.external_id.clone())
        .collect();
    assert_eq!(ids, vec![live.clone(), sold.clone(), by_hand.clone()]);
    assert_eq!(scan.listings[0].sku.as_deref(), Some("RIFF-000131"));
    assert_eq!(scan.listings[0].status, RemoteStatus::Live);
    assert_eq!(
        scan.listings[0].price,
        Some(Money::parse_price("24999", Currency::GBP).unwrap())
    );
    assert_eq!(scan.listings[1].status, RemoteStatus::Sold);
    assert_eq!(scan.listings[2].sku, None);
    assert_eq!(scan.listings[2].title, "Höfner 500/1, \"Beatle\"");
    assert!(scan.sales.is_empty(), "V&R has no orders feed");
}

#[tokio::test]
async fn a_lapsed_session_is_made_again_without_the_caller_noticing() {
    let (simulator, client) = start().await;
    let id = simulator.seed_listing(
        "RIFF-000133",
        "Fender",
        "Stratocaster",
        Decimal::new(999, 0),
    );
    client.scan(Utc::now()).await.unwrap();
    assert_eq!(simulator.logins(), 1);

    simulator.expire_sessions();
    client.end(&id, EndReason::Removed).await.unwrap();
    simulator.expire_sessions();
    let scan = client.scan(Utc::now()).await.unwrap();

    assert_eq!(simulator.logins(), 3);
    assert!(scan.listings.is_empty());
}

#[tokio::test]
async fn a_cloudflare_challenge_is_an_auth_error_naming_vr_cookies() {
    let (simulator, client) = start().await;
    simulator.set_faults(Some(FaultPlan {
        every: 1,
        faults: vec![Fault::CloudflareChallenge],
    }));

    let error = client.scan(Utc::now()).await.unwrap_err();

    let PortError::Auth(message) = error else {
        panic!("expected Auth, got {error:?}");
    };
    assert!(message.contains("VR_COOKIES"), "{message}");
}

#[tokio::test]
async fn scans_with_every_third_request_failing_still_read_everything() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.unwrap();
    for n in 0..20 {
        simulator.seed_listing(
            &format!("RIFF-0002{n:02}"),
            "Fender",
            "Stratocaster",
            Decimal::new(1000 + n, 0),
        );
    }
    let expected = sorted(client(&base, PASSWORD).scan(Utc::now()).await.unwrap());
    simulator.set_faults(Some(FaultPlan {
        every: 3,
        faults: vec![
            Fault::RateLimited {
                retry_after_secs: 0,
            },
            Fault::ServerError,
        ],
    }));
    let client = client(&base, PASSWORD);

    // Login, export page, CSV (429); export page, CSV: five requests.
    let first = sorted(client.scan(Utc::now()).await.unwrap());
    // Export page (500); export page, CSV. Then page, CSV (429); page, CSV.
    let second = sorted(client.scan(Utc::now()).await.unwrap());
    let third = sorted(client.scan(Utc::now()).await.unwrap());

    assert_eq!(first.requests, 5, "the retries are counted");
    for scan in [first, second, third] {
        assert_eq!(scan.listings, expected.listings);
    }
}

#[tokio::test]
async fn a_harvested_clearance_cookie_passes_cloudflare() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.unwrap();
    simulator.seed_listing(
        "RIFF-000140",
        "Fender",
        "Stratocaster",
        Decimal::new(999, 0),
    );
    simulator.set_cloudflare(Some("harvested-clearance"));
    let mut config = VrConfig::new(&base, USER, Secret::new(PASSWORD));
    config.cookies = Some(Secret::new("cf_clearance=harvested-clearance"));
    let cleared = VrClient::new(config).unwrap();

    let scan = cleared.scan(Utc::now()).await.unwrap();
    let refused = client(&base, PASSWORD).scan(Utc::now()).await;

    assert_eq!(scan.listings.len(), 1);
    assert!(matches!(refused, Err(PortError::Auth(m)) if m.contains("VR_COOKIES")));
}

#[tokio::test]
async fn the_maintenance_window_is_a_transient_failure() {
    let (simulator, client) = start().await;
    simulator.set_maintenance(true);

    let error = client.scan(Utc::now()).await.unwrap_err();

    assert!(matches!(error, PortError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn a_buyer_buys_an_item_once_and_it_is_sold() {
    let (simulator, _client) = start().await;
    let id = simulator.seed_listing(
        "RIFF-000123",
        "Fender",
        "Stratocaster",
        Decimal::new(100, 0),
    );

    assert_eq!(simulator.buy(&id), Some(id.clone()));

    assert!(simulator.listing(&id).unwrap().sold);
    assert_eq!(simulator.buy(&id), None, "a V&R item is one unit");
}

#[tokio::test]
async fn a_retried_publish_finds_its_item_and_only_the_first_posts_the_form() {
    let (simulator, client) = start().await;
    let request = request("RIFF-000126", "Stratocaster", "24999");

    let first = client.publish(&request).await.unwrap();
    let again = client.publish(&request).await.unwrap();

    assert_eq!(again, first);
    assert_eq!(simulator.listings_with_sku("RIFF-000126"), 1);
    assert_eq!(simulator.write_requests(), 1, "one add-item form post");
}
