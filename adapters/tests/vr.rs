//! The V&R adapter against the V&R simulator, over a real socket on
//! 127.0.0.1. Each test starts its own simulator, and a picture host when
//! it publishes pictures. Retries are immediate and injected 429s carry
//! `Retry-After: 0`.
//!
//! The tests in `browser` pass the simulator's Cloudflare challenge in
//! headless Chromium: they need Debian's `chromium` and `chromium-driver`
//! and fail, never skip, without them. Run only those with
//! `cargo nextest run -p riff-adapters --test vr browser::`.

mod support;

use axum::http::{header, StatusCode};
use chrono::Utc;
use riff_adapters::http::RetryPolicy;
use riff_adapters::simulator::Simulator as _;
use riff_adapters::vr::simulator::{CreateReply, Fault, FaultPlan};
use riff_adapters::vr::{VrClient, VrConfig, VrSimulator};
use riff_adapters::Secret;
use riff_domain::listing::attributes::VrAttributes;
use riff_domain::listing::sent::Changes;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{Marketplace, PortError, PublishRequest, Published, RemoteStatus};
use riff_domain::value::{Currency, Money};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use support::fixtures::{assert_auth_advice, listing_ids, sorted, strat};
use support::pictures::{picture_host, JPEG, PNG};

const USER: &str = "riff-shop";
const PASSWORD: &str = "sim-vr-password";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

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

/// A listing with one picture (V&R takes no item without one), served
/// from its own picture host.
async fn request(sku: &str, model: &str, price: &str) -> PublishRequest {
    let pictures = picture_host().await;
    let attributes = PlatformAttributes::Vr(VrAttributes {
        category: Some("51".into()),
        sub_category: Some("67".into()),
        ..VrAttributes::default()
    });
    let description = "<p>Original finish, \"clean\", 1,000 gigs.</p>";
    let title = format!("1962 Fender {model}");
    let mut request = strat(sku, &title, price, description, attributes);
    request.details.model = model.into();
    request.picture_urls = vec![format!("{pictures}/front.png")];
    request
}

/// `request(sku, model, price)` published through `client`, which must
/// take it: the start of every test about what happens to a listing.
async fn publish(client: &VrClient, sku: &str, model: &str, price: &str) -> Published {
    client
        .publish(&request(sku, model, price).await)
        .await
        .expect("the publish is taken")
}

/// A request for the Stratocaster with two pictures from `pictures`: a
/// PNG and a JPEG served without an extension.
async fn two_pictures_request(sku: &str, pictures: &str) -> PublishRequest {
    let mut request = request(sku, "Stratocaster", "24999").await;
    request.picture_urls = vec![format!("{pictures}/front.png"), format!("{pictures}/back")];
    request
}

/// A Fender Stratocaster already on V&R under `sku`, priced `pounds`; its id.
fn seed_strat(simulator: &VrSimulator, sku: &str, pounds: i64) -> String {
    simulator.seed_listing(sku, "Fender", "Stratocaster", Decimal::new(pounds, 0))
}

#[tokio::test]
async fn a_refused_login_is_an_auth_error_naming_the_settings() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.unwrap();

    let result = client(&base, "wrong").scan(Utc::now()).await;

    assert_auth_advice(&result, &["VR_USERNAME", "VR_PASSWORD"]);
}

#[tokio::test]
async fn publishing_adds_an_item_with_the_sku_brand_categories_and_price() {
    let (simulator, client) = start().await;

    let published = publish(&client, "RIFF-000123", "Stratocaster", "24999").await;

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
    simulator.add_brand("Fender Custom Shop");
    let mut request = request("RIFF-000124", "Jazzmaster", "1800").await;
    request.attributes = PlatformAttributes::Vr(VrAttributes {
        brand: Some("Fender Custom Shop".into()),
        category: Some("51".into()),
        sub_category: Some("67".into()),
        ..VrAttributes::default()
    });

    let published = client.publish(&request).await.unwrap();

    assert_eq!(
        simulator.listing(&published.external_id).unwrap().brand,
        "Fender Custom Shop"
    );
}

#[tokio::test]
async fn the_form_says_the_processing_time_and_the_video() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    let mut config = VrConfig::new(&base, USER, Secret::new(PASSWORD));
    config.processing_days = 5;
    let client = VrClient::new(config).expect("the HTTP client builds");
    let mut request = request("RIFF-000130", "Stratocaster", "24999").await;
    request.video_url = Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ".into());

    let published = client.publish(&request).await.unwrap();

    let item = simulator.listing(&published.external_id).unwrap();
    assert_eq!(item.processing_time, "5 Days");
    assert_eq!(item.video, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
}

#[tokio::test]
async fn vr_takes_no_item_with_an_unknown_brand_no_category_or_no_picture() {
    let (simulator, client) = start().await;
    type Break = fn(&mut PublishRequest);
    let cases: [(&str, Break); 3] = [
        ("does not exist", |r| {
            r.details.brand = "Zzyzx Amplification".into()
        }),
        ("category", |r| {
            r.attributes = PlatformAttributes::Vr(VrAttributes::default());
        }),
        ("at least one image", |r| r.picture_urls.clear()),
    ];
    for (n, (says, break_it)) in cases.into_iter().enumerate() {
        let mut request = request(&format!("RIFF-00014{n}"), "Stratocaster", "900").await;
        break_it(&mut request);

        let refused = client.publish(&request).await.unwrap_err();

        let PortError::Validation { message, .. } = refused else {
            panic!("a refusal: {refused:?}");
        };
        assert!(message.contains(says), "{message}");
    }
    assert!(simulator.listings().is_empty(), "nothing was made");
}

#[tokio::test]
async fn a_create_answered_without_an_id_finds_the_id_in_the_export() {
    let (simulator, client) = start().await;
    simulator.add_external_listing("Gibson", "Les Paul", Decimal::new(1200, 0));
    simulator.set_create_reply(CreateReply::PublishedWithoutId);

    let published = publish(&client, "RIFF-000125", "Telecaster", "900").await;

    let item = simulator.listing(&published.external_id).unwrap();
    assert_eq!(item.sku.as_deref(), Some("RIFF-000125"));
}

#[tokio::test]
async fn a_retried_publish_finds_its_item_and_only_the_first_posts_the_form() {
    let (simulator, client) = start().await;
    let request = request("RIFF-000126", "Stratocaster", "24999").await;

    let first = client.publish(&request).await.unwrap();
    let again = client.publish(&request).await.unwrap();

    assert_eq!(again, first);
    assert_eq!(simulator.listings().len(), 1, "never a second item");
    assert_eq!(simulator.listings_with_sku("RIFF-000126"), 1);
    assert_eq!(simulator.write_requests(), 1, "one add-item form post");
}

#[tokio::test]
async fn revising_resubmits_the_edit_form_with_the_new_price() {
    let (simulator, client) = start().await;
    let published = publish(&client, "RIFF-000127", "Stratocaster", "24999").await;

    client
        .revise(
            &published.external_id,
            &request("RIFF-000127", "Stratocaster", "22500").await,
            &Changes::ALL,
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
    let request = request("RIFF-000128", "Precision", "800").await;

    assert_eq!(
        client.revise(&id, &request, &Changes::ALL).await,
        Err(PortError::AlreadyEnded)
    );
    assert_eq!(
        client.revise("999999", &request, &Changes::ALL).await,
        Err(PortError::NotFound)
    );
}

#[tokio::test]
async fn ending_deletes_the_item_and_ending_it_again_is_already_ended() {
    let (simulator, client) = start().await;
    let published = publish(&client, "RIFF-000129", "Stratocaster", "24999").await;

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
    let live = seed_strat(&simulator, "RIFF-000131", 24_999);
    let sold = simulator.seed_listing("RIFF-000132", "Gibson", "Les Paul", Decimal::new(1200, 0));
    let by_hand =
        simulator.add_external_listing("Höfner", "500/1, \"Beatle\"", Decimal::new(650, 0));
    simulator.record_sale(&sold).unwrap();

    let scan = sorted(client.scan(Utc::now()).await.unwrap());

    let ids = listing_ids(&scan);
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
    let id = seed_strat(&simulator, "RIFF-000133", 999);
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

    let result = client.scan(Utc::now()).await;

    assert_auth_advice(&result, &["VR_COOKIES"]);
}

#[tokio::test]
async fn scans_with_every_third_request_failing_still_read_everything() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.unwrap();
    for n in 0..20 {
        seed_strat(&simulator, &format!("RIFF-0002{n:02}"), 1000 + n);
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
async fn a_harvested_clearance_passes_cloudflare_only_with_its_user_agent() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.unwrap();
    seed_strat(&simulator, "RIFF-000140", 999);
    simulator.set_challenge(true);
    let browser = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36";
    let harvested = |user_agent: Option<&str>| {
        let mut config = VrConfig::new(&base, USER, Secret::new(PASSWORD));
        config.cookies = Some(Secret::new(format!(
            "cf_clearance={}; __cf_bm=other",
            simulator.clearance_for(browser)
        )));
        config.user_agent = user_agent.map(str::to_owned);
        VrClient::new(config).unwrap()
    };

    let scan = harvested(Some(browser)).scan(Utc::now()).await.unwrap();
    let other_agent = harvested(None).scan(Utc::now()).await;
    let no_cookies = client(&base, PASSWORD).scan(Utc::now()).await;

    assert_eq!(scan.listings.len(), 1);
    assert_auth_advice(&other_agent, &["VR_USER_AGENT"]);
    assert_auth_advice(&no_cookies, &["VR_COOKIES", "VR_BROWSER"]);
}

#[tokio::test]
async fn the_challenge_page_sets_its_cookie_by_script_so_plain_http_stays_out() {
    let simulator = VrSimulator::new(USER, PASSWORD);
    let base = simulator.spawn().await.unwrap();
    simulator.set_challenge(true);
    let http = reqwest::Client::new();

    let page = http.get(format!("{base}/")).send().await.unwrap();

    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert_eq!(page.headers()["cf-mitigated"], "challenge");
    assert!(page.headers().get(header::SET_COOKIE).is_none());
    let html = page.text().await.unwrap();
    assert!(html.contains("<script>") && html.contains("document.cookie"));
    assert!(html.contains("Just a moment..."));
}

#[tokio::test]
async fn harvested_cookies_that_are_not_a_cookie_header_are_refused_at_once() {
    let mut config = VrConfig::new("http://127.0.0.1:9", USER, Secret::new(PASSWORD));
    config.cookies = Some(Secret::new("cf_clearance"));

    let error = VrClient::new(config).unwrap_err();

    assert!(
        matches!(&error, PortError::Auth(m) if m.contains("VR_COOKIES")),
        "{error:?}"
    );
}

#[tokio::test]
async fn publishing_uploads_the_pictures_as_files_of_the_multipart_item_form() {
    let (simulator, client) = start().await;
    let pictures = picture_host().await;
    let request = two_pictures_request("RIFF-000150", &pictures).await;

    let published = client.publish(&request).await.unwrap();

    let item = simulator.listing(&published.external_id).unwrap();
    let sent: Vec<_> = item
        .images
        .iter()
        .map(|i| {
            (
                i.field.as_str(),
                i.file_name.as_str(),
                i.content_type.as_str(),
                i.size,
                i.sha256.clone(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            (
                "upload_file_box_1",
                "picture-1.png",
                "image/png",
                PNG.len(),
                sha256(PNG)
            ),
            (
                "upload_file_box_2",
                "picture-2.jpg",
                "image/jpeg",
                JPEG.len(),
                sha256(JPEG)
            ),
        ]
    );
    assert_eq!(item.sku.as_deref(), Some("RIFF-000150"));
}

#[tokio::test]
async fn revising_uploads_the_pictures_again() {
    let (simulator, client) = start().await;
    let pictures = picture_host().await;
    let mut request = two_pictures_request("RIFF-000151", &pictures).await;
    let published = client.publish(&request).await.unwrap();

    request.picture_urls = vec![format!("{pictures}/back")];
    client
        .revise(&published.external_id, &request, &Changes::ALL)
        .await
        .unwrap();

    let item = simulator.listing(&published.external_id).unwrap();
    assert_eq!(item.revisions, 1);
    assert_eq!(item.images.len(), 1);
    assert_eq!(item.images[0].sha256, sha256(JPEG));
}

#[tokio::test]
async fn a_picture_that_cannot_be_sent_stops_the_publish_before_the_form_is_posted() {
    let (simulator, client) = start().await;
    let pictures = picture_host().await;

    for (path, refused) in [
        ("/notes.txt", true),
        ("/missing.jpg", true),
        ("/broken.jpg", false),
    ] {
        let mut request = request("RIFF-000152", "Stratocaster", "24999").await;
        request.picture_urls = vec![format!("{pictures}/front.png"), format!("{pictures}{path}")];

        let error = client.publish(&request).await.unwrap_err();

        if refused {
            assert!(
                matches!(&error, PortError::Validation { field: Some(f), message }
                    if f == "pictures" && message.contains(path)),
                "{path}: {error:?}"
            );
        } else {
            assert!(
                matches!(error, PortError::Transient(_)),
                "{path}: {error:?}"
            );
        }
    }
    let mut request = request("RIFF-000152", "Stratocaster", "24999").await;
    request.picture_urls = vec!["file:///etc/passwd".into()];
    assert!(matches!(
        client.publish(&request).await,
        Err(PortError::Validation { .. })
    ));
    assert_eq!(simulator.write_requests(), 0);
    assert!(simulator.listings().is_empty());
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
    let id = seed_strat(&simulator, "RIFF-000123", 100);

    assert_eq!(simulator.buy(&id), Some(id.clone()));

    assert!(simulator.listing(&id).unwrap().sold);
    assert_eq!(simulator.buy(&id), None, "a V&R item is one unit");
}

/// Behind the simulator's Cloudflare challenge, in headless Chromium.
mod browser {
    use std::path::Path;
    use std::time::Duration;

    use riff_adapters::vr::BrowserConfig;

    use super::*;

    /// `config` with the browser path as `VR_BROWSER=auto` sets it, after
    /// checking that the browser is there, to say what to install if not.
    /// A missing `chromedriver` fails the test with the adapter's own
    /// message.
    fn with_browser(mut config: VrConfig, timeout: Duration) -> VrClient {
        assert!(
            Path::new("/usr/bin/chromium").exists(),
            "/usr/bin/chromium is missing: install it with \
             `apt-get install chromium chromium-driver`"
        );
        config.retry = RetryPolicy::immediate(5);
        config.browser = Some(BrowserConfig {
            timeout,
            ..BrowserConfig::default()
        });
        VrClient::new(config).expect("the HTTP client builds")
    }

    fn browser_client(base: &str, password: &str, timeout: Duration) -> VrClient {
        with_browser(VrConfig::new(base, USER, Secret::new(password)), timeout)
    }

    #[tokio::test]
    async fn behind_the_challenge_the_browser_logs_in_and_publish_scan_and_end_work() {
        let simulator = VrSimulator::new(USER, PASSWORD);
        let base = simulator.spawn().await.unwrap();
        let pictures = picture_host().await;
        let seeded =
            simulator.seed_listing("RIFF-000160", "Gibson", "Les Paul", Decimal::new(1200, 0));
        simulator.set_challenge(true);
        let mut config = VrConfig::new(&base, USER, Secret::new(PASSWORD));
        // Harvested long ago: no longer passes, so the browser is needed.
        config.cookies = Some(Secret::new("cf_clearance=expired"));
        let cleared = with_browser(config, Duration::from_secs(60));
        let mut request = request("RIFF-000161", "Stratocaster", "24999").await;
        request.picture_urls = vec![format!("{pictures}/front.png")];

        let published = cleared.publish(&request).await.unwrap();
        let scan = sorted(cleared.scan(Utc::now()).await.unwrap());
        cleared
            .end(&seeded, EndReason::SoldElsewhere)
            .await
            .unwrap();

        assert_eq!(simulator.logins(), 1, "one login, in the browser");
        let item = simulator.listing(&published.external_id).unwrap();
        assert_eq!(item.sku.as_deref(), Some("RIFF-000161"));
        assert_eq!(item.images.len(), 1);
        assert_eq!(item.images[0].sha256, sha256(PNG));
        let ids = listing_ids(&scan);
        assert_eq!(ids, vec![seeded.clone(), published.external_id.clone()]);
        assert!(simulator.listing(&seeded).unwrap().sold);
        // A plain client is still turned away.
        assert!(matches!(
            client(&base, PASSWORD).scan(Utc::now()).await,
            Err(PortError::Auth(_))
        ));
    }

    #[tokio::test]
    async fn a_login_refused_in_the_browser_is_an_auth_error_naming_the_settings() {
        let simulator = VrSimulator::new(USER, PASSWORD);
        let base = simulator.spawn().await.unwrap();
        simulator.set_challenge(true);

        let result = browser_client(&base, "wrong", Duration::from_secs(60))
            .scan(Utc::now())
            .await;

        assert_auth_advice(&result, &["VR_USERNAME", "VR_PASSWORD"]);
        assert_eq!(simulator.logins(), 0);
    }

    #[tokio::test]
    async fn a_challenge_that_never_clears_is_given_up_after_the_timeout() {
        let simulator = VrSimulator::new(USER, PASSWORD);
        let base = simulator.spawn().await.unwrap();
        simulator.set_faults(Some(FaultPlan {
            every: 1,
            faults: vec![Fault::CloudflareChallenge],
        }));

        let result = browser_client(&base, PASSWORD, Duration::from_secs(3))
            .scan(Utc::now())
            .await;

        assert_auth_advice(
            &result,
            &["challenge was still shown after 3s", "VR_COOKIES"],
        );
    }
}

/// V&R's brand check (`/ajax/check_brand_exists`): a brand on its list
/// answers its id, any other `0` — which Riff reads as "not known". An
/// answer is kept for five minutes, so product pages do not ask each time.
#[tokio::test]
async fn the_brand_check_tells_a_known_brand_from_an_unknown_one() {
    let sim = VrSimulator::new(USER, PASSWORD);
    let base = sim.spawn().await.expect("bind 127.0.0.1:0");
    let vr = client(&base, PASSWORD);
    assert_eq!(vr.knows_brand("Fender").await.unwrap(), Some(true));
    assert_eq!(vr.knows_brand("  gibson ").await.unwrap(), Some(true));
    assert_eq!(
        vr.knows_brand("Zzyzx Amplification").await.unwrap(),
        Some(false)
    );

    let asked = sim.requests();
    assert_eq!(vr.knows_brand("FENDER").await.unwrap(), Some(true));
    assert_eq!(sim.requests(), asked, "answered from memory");

    // A brand V&R learns is known to the next client that asks.
    sim.add_brand("Zzyzx Amplification");
    let fresh = client(&base, PASSWORD);
    assert_eq!(
        fresh.knows_brand("Zzyzx Amplification").await.unwrap(),
        Some(true)
    );
}
