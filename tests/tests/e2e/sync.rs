//! The sync engine against the four simulators over real HTTP: the seed's
//! story (sold on one platform, ended on the others), adopting an existing
//! shop, listings made elsewhere, out-of-order sales, faults, webhooks.

use std::time::Duration;

use reqwest::StatusCode;
use riff_domain::value::Platform;
use riff_projections::checkpoint;
use riff_tests::quiet_shop;
use riff_tests::{
    assert_one_starts_with, bulk_append, eventually, guitar, items, items_where, listing,
    on_both_backends, repriced, shop, spawn_app_on, spawn_app_with, Backend, TestApp, TestDatabase,
};
use riff_web::sim::Simulators;
use riff_web::sync::sagas;
use serde_json::{json, Value};

/// Waits until the listing of `sku` on `platform` has `status`.
pub(crate) async fn listing_reaches(
    app: &TestApp,
    sku: &str,
    platform: Platform,
    status: &str,
    within: Duration,
) {
    listings_reach(app, sku, &[platform], status, within).await;
}

/// Waits until the listings of `sku` on all of `platforms` have `status`,
/// and answers the product as it is then.
pub(crate) async fn listings_reach(
    app: &TestApp,
    sku: &str,
    platforms: &[Platform],
    status: &str,
    within: Duration,
) -> Value {
    let what = format!("{sku} {status} on {platforms:?}");
    eventually(&what, within, || async {
        let p = app.product(sku).await;
        platforms
            .iter()
            .all(|pl| listing(&p, *pl)["status"] == status)
            .then_some(p)
    })
    .await
}

/// Lists `sku` on all four platforms and waits until every listing is live;
/// a product without a picture gets one first, as the platforms want.
pub(crate) async fn list_everywhere(app: &TestApp, sku: &str) -> Value {
    let media = &app.product(sku).await["media"];
    if media.as_array().is_none_or(Vec::is_empty) {
        app.add_picture(sku, riff_tests::PNG).await;
    }
    for body in app.request_listings_everywhere(sku).await {
        assert_eq!(body["status"], "pending");
    }
    listings_reach(app, sku, &Platform::ALL, "live", Duration::from_secs(30)).await
}

/// Buys the listing on its simulator, as a buyer would.
pub(crate) fn buy(sims: &Simulators, platform: Platform, external_id: &str) {
    let order = match platform {
        Platform::Ebay => sims.ebay().buy(external_id),
        Platform::Reverb => sims.reverb().buy(external_id),
        Platform::Shopify => sims.shopify().buy(external_id),
        Platform::Vr => sims.vr().buy(external_id),
    };
    assert!(order.is_some(), "{platform} sold {external_id}");
}

async fn a_sale_anywhere_ends_the_listings_everywhere_else(backend: Backend) {
    let (app, sims) = shop(backend).await;
    // One guitar per selling channel: each platform, and the shop counter.
    let channels: Vec<Option<Platform>> = Platform::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None))
        .collect();
    let mut listed = vec![];
    for (n, channel) in channels.iter().enumerate() {
        let sku = format!("SALE-{n}");
        app.create_product(&guitar(&sku, &format!("Fender Stratocaster {n}")))
            .await;
        listed.push((sku.clone(), *channel, list_everywhere(&app, &sku).await));
    }

    for (sku, channel, p) in &listed {
        match channel {
            Some(platform) => {
                let external_id = listing(p, *platform)["external_id"].as_str().unwrap();
                buy(&sims, *platform, external_id);
                if *platform == Platform::Vr {
                    // V&R sends no webhooks: the owner (or the schedule)
                    // starts a sync.
                    let response = app.post("/api/sync", &json!({"platform": "vr"})).await;
                    assert_eq!(response.status(), StatusCode::ACCEPTED);
                }
            }
            None => {
                let response = app
                    .post(
                        &format!("/api/products/{sku}/sales"),
                        &json!({"channel": "shop", "order_ref": format!("TILL-{sku}"),
                                "sold_at": "2026-11-25T10:30:00Z", "price": "1499.00"}),
                    )
                    .await;
                assert_eq!(response.status(), StatusCode::CREATED);
            }
        }
    }

    for (sku, channel, _) in &listed {
        let p = eventually(
            &format!("{sku} ended everywhere but where it sold"),
            Duration::from_secs(30),
            || async {
                let p = app.product(sku).await;
                let done = Platform::ALL.iter().all(|pl| {
                    let want = if Some(*pl) == *channel {
                        "sold"
                    } else {
                        "ended"
                    };
                    listing(&p, *pl)["status"] == want
                });
                done.then_some(p)
            },
        )
        .await;
        assert_eq!(p["status"], "sold", "{sku}");
    }

    // And the marketplaces agree: nothing of these is still for sale.
    for platform in Platform::ALL {
        let adapter = app.marketplaces.adapter(platform).unwrap();
        let scan = adapter.scan(chrono::Utc::now()).await.unwrap();
        for (sku, _, _) in &listed {
            assert!(
                !scan.listings.iter().any(|l| l.sku.as_deref() == Some(sku)
                    && l.status == riff_domain::port::RemoteStatus::Live),
                "{sku} is still live on {platform}"
            );
        }
    }
    // Each was published once on each platform.
    for (sku, _, _) in &listed {
        assert_eq!(sims.ebay().listings_with_sku(sku), 1);
        assert_eq!(sims.reverb().listings_with_sku(sku), 1);
        assert_eq!(sims.shopify().listings_with_sku(sku), 1);
        assert_eq!(sims.vr().listings_with_sku(sku), 1);
    }
}

on_both_backends!(a_sale_anywhere_ends_the_listings_everywhere_else);

/// A webhook's run reads the platform's recent sales and the listing that
/// sold, not the whole store: a sale is acted on in seconds however many
/// products the store has, and nothing it did not look at is taken for
/// ended or imported.
async fn a_webhook_reads_the_sale_not_the_whole_store(backend: Backend) {
    let (app, sims) = shop(backend).await;
    for sku in ["BIG-1", "BIG-2"] {
        app.create_product(&guitar(sku, &format!("Gibson ES-335 {sku}")))
            .await;
    }
    let sold = list_everywhere(&app, "BIG-1").await;
    list_everywhere(&app, "BIG-2").await;
    // A store Riff has not adopted yet, read one product per page: a scan
    // would take a request per product and import every one of them.
    for n in 0..20 {
        sims.shopify().seed_listing(
            &format!("STORE-{n:02}"),
            &format!("Boss pedal {n}"),
            rust_decimal::Decimal::new(99, 0),
            1,
        );
    }
    sims.shopify().set_page_size(1);
    let before = sims.shopify().requests();

    let shopify_id = listing(&sold, Platform::Shopify)["external_id"]
        .as_str()
        .unwrap();
    buy(&sims, Platform::Shopify, shopify_id);
    eventually(
        "BIG-1 ended everywhere but Shopify",
        Duration::from_secs(30),
        || async {
            let p = app.product("BIG-1").await;
            let done = [Platform::Ebay, Platform::Reverb, Platform::Vr]
                .iter()
                .all(|pl| listing(&p, *pl)["status"] == "ended");
            (done && listing(&p, Platform::Shopify)["status"] == "sold").then_some(())
        },
    )
    .await;
    quiesce(&app).await;

    let runs = app.get_json("/api/sync/runs").await;
    let webhook_runs = items_where(&runs, "trigger", "webhook");
    assert_eq!(webhook_runs.len(), 1, "{runs}");
    let report = &webhook_runs[0]["reports"]["shopify"];
    assert_eq!(webhook_runs[0]["platforms"], json!(["shopify"]), "{runs}");
    assert_eq!(report["sales"], 1, "{report}");
    assert_eq!(report["listings"], 1, "only the sold listing: {report}");
    assert_eq!(report["detected"], 0, "{report}");
    assert_eq!(report["ended_elsewhere"], 0, "{report}");
    assert!(report["requests"].as_u64().unwrap() <= 3, "{report}");
    assert!(
        sims.shopify().requests() - before <= 3,
        "the orders and one product were read, not the store"
    );
    let kept = app.product("BIG-2").await;
    for platform in Platform::ALL {
        assert_eq!(listing(&kept, platform)["status"], "live", "{kept}");
    }
    let products = app.get_json("/api/products").await;
    assert_eq!(items(&products).len(), 2, "nothing imported");
    // Only a full reconcile shows a platform synced.
    let synced = "riff_last_successful_sync_timestamp_seconds{platform=\"shopify\"}";
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains(synced), "{metrics}");
    sync_and_settle(&app).await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains(synced), "{metrics}");
}

on_both_backends!(a_webhook_reads_the_sale_not_the_whole_store);

/// A full reconcile that takes its time (V&R down for maintenance, its scan
/// retrying) does not hold up a webhook's sale: the look at eBay runs
/// beside it.
async fn a_sale_by_webhook_does_not_wait_for_a_slow_full_reconcile(backend: Backend) {
    let (app, sims) = shop(backend).await;
    app.create_product(&guitar("SLOW-1", "Gretsch White Falcon"))
        .await;
    let p = list_everywhere(&app, "SLOW-1").await;
    sims.vr().set_maintenance(true);
    let run_id = start_sync(&app).await;
    let status = |run_id: String| {
        let app = &app;
        async move {
            let response = app.get(&format!("/api/sync/runs/{run_id}")).await;
            if response.status() != StatusCode::OK {
                return None;
            }
            Some(response.json::<Value>().await.unwrap()["status"].clone())
        }
    };
    eventually(
        "the full reconcile to start",
        Duration::from_secs(10),
        || status(run_id.clone()),
    )
    .await;

    buy(
        &sims,
        Platform::Ebay,
        listing(&p, Platform::Ebay)["external_id"].as_str().unwrap(),
    );
    eventually(
        "the sale recorded and Reverb and Shopify ended",
        Duration::from_secs(20),
        || async {
            let p = app.product("SLOW-1").await;
            let done = p["status"] == "sold"
                && [Platform::Reverb, Platform::Shopify]
                    .iter()
                    .all(|pl| listing(&p, *pl)["status"] == "ended");
            done.then_some(())
        },
    )
    .await;
    assert_eq!(
        status(run_id.clone()).await,
        Some(json!("running")),
        "the full reconcile is still reading V&R"
    );

    sims.vr().set_maintenance(false);
    listing_reaches(
        &app,
        "SLOW-1",
        Platform::Vr,
        "ended",
        Duration::from_secs(60),
    )
    .await;
}

on_both_backends!(a_sale_by_webhook_does_not_wait_for_a_slow_full_reconcile);

/// A quiet shop with one product, made from `body` and listed and live
/// everywhere: where the tests of a sale and its ends start. Answers the
/// simulators, the app and the product.
pub(crate) async fn listed_in_a_quiet_shop(
    backend: Backend,
    body: &Value,
) -> (Simulators, TestApp, Value) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    let sku = body["sku"].as_str().unwrap();
    app.create_product(body).await;
    let p = list_everywhere(&app, sku).await;
    (sims, app, p)
}

/// Starts a sync of every platform, asserting it is accepted; answers the
/// run's id.
async fn start_sync(app: &TestApp) -> String {
    let response = app.post("/api/sync", &json!({})).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    response.json::<Value>().await.unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Starts a sync and waits until it has finished and everything it caused
/// (imports, sales, ends) has been carried out.
pub(crate) async fn sync_and_settle(app: &TestApp) -> Value {
    let run_id = start_sync(app).await;
    let run = eventually(
        "the sync run to finish",
        Duration::from_secs(60),
        || async {
            let response = app.get(&format!("/api/sync/runs/{run_id}")).await;
            if response.status() != StatusCode::OK {
                return None;
            }
            let run: Value = response.json().await.unwrap();
            (run["status"] != "running").then_some(run)
        },
    )
    .await;
    quiesce(app).await;
    run
}

/// The events the sagas have not reacted to yet, as `/metrics` says.
async fn saga_lag(app: &TestApp) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("riff_saga_lag_events "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("/metrics says how far the sagas are behind: {text}"))
}

/// Waits until the log has stopped growing, the sagas have reacted to all
/// of it, and no listing waits for a marketplace call.
pub(crate) async fn quiesce(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let (mut last, mut calm) = (0, 0);
    // What the last look saw, so that a test which times out says which of
    // the three kept the engine busy.
    let mut seen = String::new();
    while calm < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the engine did not go quiet: {seen}"
        );
        let length = app.log_length().await;
        let products = app.get_json("/api/products?limit=200").await;
        let waiting: Vec<String> = items(&products)
            .iter()
            .flat_map(|p| {
                p["listings"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|l| l["status"] == "pending" || l["status"] == "ending")
                    .map(|l| format!("{} on {} {}", p["sku"], l["platform"], l["status"]))
            })
            .collect();
        let lag = saga_lag(app).await;
        calm = if waiting.is_empty() && lag == 0 && length == last {
            calm + 1
        } else {
            0
        };
        seen = format!(
            "log {last} → {length} events, sagas {lag} behind, waiting on a marketplace: {waiting:?}"
        );
        last = length;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

pub(crate) fn writes(sims: &Simulators) -> u32 {
    sims.ebay().write_requests()
        + sims.reverb().write_requests()
        + sims.shopify().write_requests()
        + sims.vr().write_requests()
}

pub(crate) async fn open_flags(app: &TestApp, kind: &str) -> Vec<Value> {
    let flags = app
        .get_json(&format!("/api/flags?status=open&kind={kind}"))
        .await;
    items(&flags).clone()
}

async fn adopting_a_shop_imports_each_item_once_and_links_every_listing(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let items = [
        ("ADOPT-1", "Fender", "Stratocaster 1962 Sunburst"),
        ("ADOPT-2", "Gibson", "Les Paul Standard 1959 Reissue"),
        ("ADOPT-3", "Boss", "DS-1 Distortion Pedal"),
    ];
    for (sku, brand, model) in items {
        let title = format!("{brand} {model}");
        let price = rust_decimal::Decimal::new(99_900, 2);
        sims.ebay().seed_listing(sku, &title, price, 1);
        sims.reverb().seed_listing(sku, &title, price, 1);
        sims.shopify().seed_listing(sku, &title, price, 1);
        sims.vr().seed_listing(sku, brand, model, price);
    }
    let app = quiet_shop(backend, &sims).await;
    let writes_before = writes(&sims);

    let run = sync_and_settle(&app).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    for platform in Platform::ALL {
        assert_eq!(run["reports"][platform.as_str()]["detected"], 3, "{run}");
    }
    let products = app.get_json("/api/products").await;
    let items_json = riff_tests::items(&products);
    assert_eq!(items_json.len(), 3, "{products}");
    for (sku, _, _) in items {
        let p = app.product(sku).await;
        for platform in Platform::ALL {
            assert_eq!(
                listing(&p, platform)["status"],
                "live",
                "{sku} {platform}: {p}"
            );
        }
    }
    assert!(open_flags(&app, "likely_duplicate").await.is_empty());
    assert_eq!(open_flags(&app, "imported").await.len(), 3);
    assert_eq!(
        writes(&sims),
        writes_before,
        "adopting wrote to a marketplace"
    );

    // A second run finds everything in step: no listing or product changes,
    // no call that writes.
    let events_before = app.log_length().await;
    let again = sync_and_settle(&app).await;
    assert_eq!(again["status"], "succeeded");
    let page = app
        .get_json(&format!("/api/events?after={events_before}&limit=1000"))
        .await;
    let changed: Vec<&Value> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["aggregate_type"] != "sync_run")
        .collect();
    assert!(changed.is_empty(), "a second run changed {changed:?}");
    assert_eq!(writes(&sims), writes_before);
}

async fn a_listing_made_on_a_platform_is_imported_or_linked(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    app.create_product(&guitar("KNOWN-1", "Gibson Les Paul Custom"))
        .await;
    // Made on Reverb by hand, with Riff's SKU: linked, not duplicated.
    let linked = sims.reverb().seed_listing(
        "KNOWN-1",
        "Gibson Les Paul Custom",
        rust_decimal::Decimal::new(149_900, 2),
        1,
    );
    // Made on eBay with no SKU at all: a new product with a generated SKU.
    let orphan = sims.ebay().add_external_listing(
        "Vox AC30 amplifier 1964",
        rust_decimal::Decimal::new(250_000, 2),
    );

    sync_and_settle(&app).await;

    let known = app.product("KNOWN-1").await;
    let reverb = listing(&known, Platform::Reverb);
    assert_eq!(reverb["external_id"], linked.as_str());
    assert_eq!(reverb["status"], "live");
    // The audit tells the listing's whole story under the product, from
    // the moment it was found, before it was linked.
    let story = app.audit_summaries("sku=KNOWN-1").await;
    assert_one_starts_with(&story, &format!("Found on Reverb as {linked}"));
    assert_one_starts_with(&story, "Reverb listing linked to KNOWN-1");
    let products = app.get_json("/api/products").await;
    let listed = items(&products);
    assert_eq!(listed.len(), 2, "{products}");
    let imported = listed.iter().find(|p| p["sku"] != "KNOWN-1").unwrap();
    assert!(
        imported["sku"].as_str().unwrap().starts_with("RIFF-"),
        "{imported}"
    );
    assert_eq!(imported["title"], "Vox AC30 amplifier 1964");
    assert_eq!(imported["price"], "2500.00");
    let imported = app.product(imported["sku"].as_str().unwrap()).await;
    assert_eq!(
        listing(&imported, Platform::Ebay)["external_id"],
        orphan.as_str()
    );
    let flags = open_flags(&app, "imported").await;
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0]["sku"], imported["sku"]);

    // A near-identical listing without a SKU is held for the owner.
    sims.shopify().add_external_listing(
        "Vox AC30 Amplifier (1964)",
        rust_decimal::Decimal::new(250_000, 2),
    );
    sync_and_settle(&app).await;
    let products = app.get_json("/api/products").await;
    assert_eq!(items(&products).len(), 2);
    let held = open_flags(&app, "likely_duplicate").await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["platform"], "shopify");
    assert!(held[0]["message"]
        .as_str()
        .unwrap()
        .contains(imported["sku"].as_str().unwrap()));
}

async fn the_earlier_of_two_sales_wins_whatever_order_they_are_seen_in(backend: Backend) {
    let (sims, app, p) = listed_in_a_quiet_shop(backend, &guitar("TWICE-1", "Gibson ES-335")).await;
    let ebay_id = listing(&p, Platform::Ebay)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reverb_id = listing(&p, Platform::Reverb)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // eBay's buyer was first, by a second (Reverb reports times to the
    // second); Reverb is reconciled first (higher priority), so Riff hears
    // of the later sale first.
    let now = chrono::Utc::now();
    let first = now
        - chrono::Duration::seconds(5)
        - chrono::Duration::nanoseconds(i64::from(now.timestamp_subsec_nanos()));
    let ebay_order = sims.ebay().record_sale(&ebay_id, 1, first).unwrap();
    let reverb_order = sims
        .reverb()
        .record_sale(&reverb_id, 1, first + chrono::Duration::seconds(1))
        .unwrap();

    sync_and_settle(&app).await;

    let sales = app.get_json("/api/sales").await;
    let items = items(&sales);
    assert_eq!(items.len(), 2, "{sales}");
    let status_of = |channel: &str| {
        items
            .iter()
            .find(|s| s["platform"] == channel)
            .map(|s| s["status"].clone())
            .unwrap()
    };
    assert_eq!(status_of("ebay"), "sold", "{sales}");
    assert_eq!(status_of("reverb"), "conflict", "{sales}");
    let conflicts = open_flags(&app, "sale_conflict").await;
    assert_eq!(conflicts.len(), 1);
    let message = conflicts[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&ebay_order) || message.contains("ebay"),
        "{message}"
    );
    assert!(
        message.contains(&reverb_order) || message.contains("reverb"),
        "{message}"
    );
    let p = app.product("TWICE-1").await;
    assert_eq!(p["status"], "sold");
    for platform in [Platform::Shopify, Platform::Vr] {
        assert_eq!(listing(&p, platform)["status"], "ended");
    }
}

/// Makes every third call to a simulator fail with `faults`, in turn:
/// each adapter's simulator has its own `FaultPlan` and `Fault` types,
/// alike in shape.
macro_rules! fail_every_third_call {
    ($sim:expr, $adapter:ident, [$($fault:ident $({ $($field:ident: $value:expr),* })?),* $(,)?]) => {
        $sim.set_faults(Some($adapter::simulator::FaultPlan {
            every: 3,
            faults: vec![$($adapter::simulator::Fault::$fault $({ $($field: $value),* })?),*],
        }))
    };
}

async fn a_sale_still_ends_everything_when_every_third_call_fails(backend: Backend) {
    use riff_adapters::{ebay, reverb, shopify, vr};
    let (sims, app, p) =
        listed_in_a_quiet_shop(backend, &guitar("FAULT-1", "Rickenbacker 330")).await;
    fail_every_third_call!(
        sims.ebay(),
        ebay,
        [
            RateLimited {
                retry_after_secs: 1
            },
            ServerError
        ]
    );
    fail_every_third_call!(
        sims.reverb(),
        reverb,
        [
            ServerError,
            RateLimited {
                retry_after_secs: 1
            }
        ]
    );
    fail_every_third_call!(
        sims.shopify(),
        shopify,
        [
            TooManyRequests {
                retry_after_secs: 1
            },
            ServerError
        ]
    );
    fail_every_third_call!(
        sims.vr(),
        vr,
        [
            ServerError,
            RateLimited {
                retry_after_secs: 1
            }
        ]
    );
    let shopify_id = listing(&p, Platform::Shopify)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sims.shopify().buy(&shopify_id).unwrap();

    let run = sync_and_settle(&app).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let others = [Platform::Ebay, Platform::Reverb, Platform::Vr];
    let p = listings_reach(&app, "FAULT-1", &others, "ended", Duration::from_secs(60)).await;
    assert_eq!(listing(&p, Platform::Shopify)["status"], "sold");
    assert!(open_flags(&app, "end_failed").await.is_empty());
}

fn shopify_signature(secret: &str, body: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Riff taking the marketplaces' webhooks, which the test sends itself;
/// answers the secret Shopify signs them with, and the simulators, which
/// must outlive the test.
async fn taking_webhooks(backend: Backend) -> (TestApp, Simulators, String) {
    let sims = Simulators::new(None).unwrap();
    let mut settings = sims.spawn().await.unwrap();
    Simulators::accept_webhooks(&mut settings);
    let secret = settings
        .shopify_webhook_secret
        .as_ref()
        .unwrap()
        .expose()
        .to_owned();
    let app = spawn_app_with(TestDatabase::new(backend).await, settings).await;
    (app, sims, secret)
}

/// How many webhook deliveries the log holds.
async fn deliveries(app: &TestApp) -> usize {
    app.events()
        .await
        .iter()
        .filter(|e| e["event_type"] == "WebhookReceived")
        .count()
}

async fn webhooks_that_do_not_verify_change_nothing(backend: Backend) {
    let (app, _sims, secret) = taking_webhooks(backend).await;
    let body = br##"{"id": 820982911946154508, "name": "#9999"}"##;
    let send = |signature: Option<String>, event_id: &'static str| {
        let app = &app;
        async move {
            let mut request = app
                .client
                .post(app.url("/webhooks/shopify"))
                .header("X-Shopify-Topic", "orders/create")
                .header("X-Shopify-Event-Id", event_id)
                .body(body.to_vec());
            if let Some(signature) = signature {
                request = request.header("X-Shopify-Hmac-Sha256", signature);
            }
            request.send().await.unwrap().status()
        }
    };
    let before = app.log_length().await;
    assert_eq!(
        send(Some(shopify_signature("not-the-secret", body)), "e-1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(send(None, "e-1").await, StatusCode::UNAUTHORIZED);
    let reverb = app.post_raw("/webhooks/reverb/guessed-token", "{}").await;
    assert_eq!(reverb.status(), StatusCode::UNAUTHORIZED);
    let ebay = app.post_raw("/webhooks/ebay", "<soapenv:Envelope/>").await;
    assert!(ebay.status().is_client_error(), "{}", ebay.status());
    assert_eq!(
        app.log_length().await,
        before,
        "a refused delivery changed the log"
    );

    // A good one is recorded once; the same delivery again is ignored.
    assert_eq!(
        send(Some(shopify_signature(&secret, body)), "e-2").await,
        StatusCode::OK
    );
    assert_eq!(deliveries(&app).await, 1);
    assert_eq!(
        send(Some(shopify_signature(&secret, body)), "e-2").await,
        StatusCode::OK
    );
    assert_eq!(
        deliveries(&app).await,
        1,
        "a replayed delivery was recorded again"
    );
}

/// A platform that retries a delivery before the first try was answered
/// sends it twice at once: one append wins on the log's key, every try is
/// acknowledged, and the one row is what a ledger command would have
/// written.
async fn a_delivery_sent_many_times_at_once_is_recorded_once(backend: Backend) {
    let (app, _sims, secret) = taking_webhooks(backend).await;
    let body = br##"{"id": 820982911946154508, "name": "#9999"}"##;
    let signature = shopify_signature(&secret, body);
    let tries = (0..16).map(|_| {
        let request = app
            .client
            .post(app.url("/webhooks/shopify"))
            .header("X-Shopify-Topic", "orders/create")
            .header("X-Shopify-Event-Id", "twice-at-once")
            .header("X-Shopify-Hmac-Sha256", signature.clone())
            .body(body.to_vec());
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    });
    let answers = futures::future::join_all(tries).await;
    assert!(
        answers.iter().all(|(status, _)| *status == StatusCode::OK),
        "{answers:?}"
    );
    let received = answers
        .iter()
        .filter(|(_, text)| text == "received")
        .count();
    assert_eq!(received, 1, "{answers:?}");

    let events = app.events().await;
    let deliveries: Vec<&Value> = events
        .iter()
        .filter(|e| e["aggregate_type"] == "delivery")
        .collect();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let row = deliveries[0];
    assert_eq!(row["aggregate_id"], "shopify:twice-at-once");
    assert_eq!(row["sequence"], 1);
    assert_eq!(row["event_type"], "WebhookReceived");
    assert_eq!(row["event_version"], "1.0.0");
    let event = &row["payload"]["WebhookReceived"];
    assert_eq!(event["platform"], "shopify");
    assert_eq!(event["topic"], "orders/create");
    assert_eq!(event["body"], std::str::from_utf8(body).unwrap());
    assert_eq!(row["metadata"]["actor"], "shopify");
    assert_eq!(row["metadata"]["source"], "webhook");
    let correlation = row["metadata"]["correlation_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(correlation).is_ok(), "{correlation}");

    // The projector decodes it like any other event: the audit shows it.
    let summary = eventually(
        "the delivery in the audit",
        Duration::from_secs(10),
        || async {
            let audit = app.get_json("/api/audit?event_type=WebhookReceived").await;
            let events = audit["events"].as_array().cloned().unwrap_or_default();
            (events.len() == 1).then(|| events[0]["summary"].clone())
        },
    )
    .await;
    assert_eq!(
        summary,
        "Webhook orders/create from Shopify received (delivery twice-at-once) by shopify via webhook"
    );
}

on_both_backends!(
    adopting_a_shop_imports_each_item_once_and_links_every_listing,
    a_listing_made_on_a_platform_is_imported_or_linked,
    the_earlier_of_two_sales_wins_whatever_order_they_are_seen_in,
    a_sale_still_ends_everything_when_every_third_call_fails,
    webhooks_that_do_not_verify_change_nothing,
    a_delivery_sent_many_times_at_once_is_recorded_once,
    a_signed_delivery_holding_nul_or_a_huge_id_is_recorded_never_a_5xx,
);

async fn a_stocked_item_updates_its_other_listings_until_the_last_unit_sells(backend: Backend) {
    let (app, sims) = shop(backend).await;
    let mut body = guitar("PEDAL-3", "Boss DS-1 Distortion");
    body["quantity"] = json!(3);
    // Reverb lists several units of new (or B-stock) items only.
    body["condition"] = json!("new");
    app.create_product(&body).await;
    let p = list_everywhere(&app, "PEDAL-3").await;
    let id = |platform| {
        listing(&p, platform)["external_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (ebay_id, reverb_id) = (id(Platform::Ebay), id(Platform::Reverb));
    assert_eq!(sims.reverb().listing(&reverb_id).unwrap().inventory, 3);

    // One unit goes on eBay: the others now offer two, eBay stays up.
    buy(&sims, Platform::Ebay, &ebay_id);
    eventually("Reverb offering two", Duration::from_secs(30), || async {
        (sims.reverb().listing(&reverb_id).unwrap().inventory == 2).then_some(())
    })
    .await;
    let p = app.product("PEDAL-3").await;
    assert_eq!(p["quantity"], 2);
    assert_eq!(p["status"], "active");
    assert_eq!(listing(&p, Platform::Ebay)["status"], "live");

    // A price change reaches every live listing.
    app.edit_product("PEDAL-3", &json!({"price": "59.00"}))
        .await;
    eventually(
        "the new price on Reverb and eBay",
        Duration::from_secs(30),
        || async {
            let reverb = sims.reverb().listing(&reverb_id).unwrap().price;
            let ebay = sims.ebay().listing(&ebay_id).unwrap().price;
            (reverb == rust_decimal::Decimal::new(5_900, 2)
                && ebay == rust_decimal::Decimal::new(5_900, 2))
            .then_some(())
        },
    )
    .await;

    // The last two go on Reverb: everything else ends.
    buy(&sims, Platform::Reverb, &reverb_id);
    eventually("one left", Duration::from_secs(30), || async {
        (app.product("PEDAL-3").await["quantity"] == 1).then_some(())
    })
    .await;
    buy(&sims, Platform::Reverb, &reverb_id);
    let others = [Platform::Ebay, Platform::Shopify, Platform::Vr];
    let p = listings_reach(&app, "PEDAL-3", &others, "ended", Duration::from_secs(30)).await;
    assert_eq!(p["status"], "sold");
    assert_eq!(p["quantity"], 0);
    assert_eq!(listing(&p, Platform::Reverb)["status"], "sold");
}

async fn a_listing_ended_on_the_platform_is_ended_not_sold(backend: Backend) {
    let (_sims, app, p) =
        listed_in_a_quiet_shop(backend, &guitar("GONE-1", "Fender Telecaster")).await;
    // The owner ends it on Reverb's own site.
    let reverb = app.marketplaces.adapter(Platform::Reverb).unwrap();
    reverb
        .end(
            listing(&p, Platform::Reverb)["external_id"]
                .as_str()
                .unwrap(),
            riff_domain::listing::EndReason::Manual,
        )
        .await
        .unwrap();

    let run = sync_and_settle(&app).await;
    assert_eq!(run["reports"]["reverb"]["ended_elsewhere"], 1, "{run}");
    assert_eq!(run["reports"]["reverb"]["sales"], 0, "{run}");
    let p = app.product("GONE-1").await;
    assert_eq!(listing(&p, Platform::Reverb)["status"], "ended");
    assert_eq!(p["status"], "active", "an ended listing is not a sale");
    for platform in [Platform::Ebay, Platform::Shopify, Platform::Vr] {
        assert_eq!(listing(&p, platform)["status"], "live");
    }
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    let text = metrics.text().await.unwrap();
    for name in [
        "riff_events_appended",
        "riff_projection_lag_events",
        "riff_outbox_depth",
        "riff_marketplace_requests_total{platform=\"reverb\"}",
        "riff_last_successful_sync_timestamp_seconds{platform=\"reverb\"}",
        "riff_sale_to_ended_seconds_bucket",
    ] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
}

on_both_backends!(
    a_stocked_item_updates_its_other_listings_until_the_last_unit_sells,
    a_listing_ended_on_the_platform_is_ended_not_sold,
);

fn requests(sims: &Simulators) -> u32 {
    sims.ebay().requests()
        + sims.reverb().requests()
        + sims.shopify().requests()
        + sims.vr().requests()
}

async fn a_replay_while_riff_runs_calls_no_marketplace(backend: Backend) {
    let (app, sims) = shop(backend).await;
    app.create_guitars(&[
        ("REPLAY-1", "Gibson Flying V"),
        ("REPLAY-2", "Gibson Explorer"),
    ])
    .await;
    list_everywhere(&app, "REPLAY-1").await;
    let p = list_everywhere(&app, "REPLAY-2").await;
    // A history with every kind of work in it: publishes, a sale, ends.
    buy(
        &sims,
        Platform::Reverb,
        listing(&p, Platform::Reverb)["external_id"]
            .as_str()
            .unwrap(),
    );
    listing_reaches(
        &app,
        "REPLAY-2",
        Platform::Ebay,
        "ended",
        Duration::from_secs(30),
    )
    .await;
    quiesce(&app).await;

    let before = requests(&sims);
    let log_before = app.log_length().await;
    let db = app.database.connect().await;
    riff_projections::replay::rebuild(&db, &riff_projections::view::all(), |_, _| {})
        .await
        .unwrap();
    db.close().await;
    // Long enough for any loop that a rebuilt view set off to act.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(requests(&sims), before, "a replay called a marketplace");
    assert_eq!(
        app.log_length().await,
        log_before,
        "a replay appended events"
    );
    let p = app.product("REPLAY-2").await;
    assert_eq!(listing(&p, Platform::Reverb)["status"], "sold");
}

on_both_backends!(a_replay_while_riff_runs_calls_no_marketplace);

/// A stop asked for while the sagas work through a backlog (a restored
/// database, a long outage) is heard between two batches, not after the
/// last; the rest is worked through after the next start, from the
/// checkpoint.
async fn a_stop_is_heard_in_the_middle_of_a_backlog(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.connect().await;
    let events = repriced("BACKLOG-1", 5_000);
    bulk_append(&db, &events).await;
    let end: i64 = sqlx::query_scalar("select max(position) from events")
        .fetch_one(&db.views)
        .await
        .unwrap();

    let mut app = spawn_app_on(database).await;
    app.stop().await;
    let reacted = checkpoint::load(&db, sagas::READER).await.unwrap();
    assert!(
        reacted < end,
        "the stop waited for the whole backlog ({reacted} of {end})"
    );

    app.restart().await;
    eventually(
        "the rest of the backlog",
        Duration::from_secs(60),
        || async { (checkpoint::load(&db, sagas::READER).await.unwrap() == end).then_some(()) },
    )
    .await;
}

on_both_backends!(a_stop_is_heard_in_the_middle_of_a_backlog);

/// A correctly signed Shopify body with a raw NUL answered `503` on
/// PostgreSQL (jsonb cannot hold `\u0000`), so Shopify would resend it
/// forever; an event id too long to index would have done the same.
async fn a_signed_delivery_holding_nul_or_a_huge_id_is_recorded_never_a_5xx(backend: Backend) {
    let (app, _sims, secret) = taking_webhooks(backend).await;
    let body = b"{\"id\": 1, \"name\": \"#1\x00\", \"note\": \"\\u0000\"}".to_vec();
    let long_id = "7".repeat(3000);
    let send = |event_id: String| {
        app.client
            .post(app.url("/webhooks/shopify"))
            .header("X-Shopify-Topic", "orders/create")
            .header("X-Shopify-Event-Id", event_id)
            .header("X-Shopify-Hmac-Sha256", shopify_signature(&secret, &body))
            .body(body.clone())
            .send()
    };
    let before = app.events_but_sync_runs().await.len();
    let first = send(long_id.clone()).await.unwrap();
    assert_eq!(
        first.status(),
        StatusCode::OK,
        "{}",
        first.text().await.unwrap()
    );
    assert_eq!(app.events_but_sync_runs().await.len(), before + 1);
    // The platform's resend is the same delivery.
    let again = send(long_id).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(app.events_but_sync_runs().await.len(), before + 1);
    app.assert_healthy().await;
}
