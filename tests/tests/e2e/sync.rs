//! The sync engine against the four simulators over real HTTP: the seed's
//! story (sold on one platform, ended on the others), adopting an existing
//! shop, listings made elsewhere, out-of-order sales, faults, webhooks.

use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;
use riff_domain::value::Platform;
use riff_tests::{guitar, on_both_backends, spawn_app_with, Backend, TestApp, TestDatabase};
use riff_web::sim::Simulators;
use serde_json::{json, Value};

/// Polls `check` until it gives `Some`, or fails the test after `limit`.
async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Riff with all four simulated marketplaces, pushing their webhooks to it.
async fn shop(backend: Backend) -> (TestApp, Simulators) {
    let sims = Simulators::new(None).unwrap();
    let mut settings = sims.spawn().await.unwrap();
    Simulators::accept_webhooks(&mut settings);
    let app = spawn_app_with(TestDatabase::new(backend).await, settings).await;
    sims.send_webhooks_to(&app.address);
    (app, sims)
}

async fn product(app: &TestApp, sku: &str) -> Value {
    app.get(&format!("/api/products/{sku}"))
        .await
        .json()
        .await
        .unwrap()
}

fn listing(product: &Value, platform: Platform) -> &Value {
    product["listings"]
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["platform"] == platform.as_str()))
        .unwrap_or(&Value::Null)
}

/// Lists `sku` on all four platforms and waits until every listing is live.
async fn list_everywhere(app: &TestApp, sku: &str) -> Value {
    for platform in Platform::ALL {
        let response = app
            .post(
                &format!("/api/products/{sku}/listings"),
                &json!({"platform": platform.as_str()}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "pending");
    }
    eventually("every listing live", Duration::from_secs(30), || async {
        let p = product(app, sku).await;
        let live = Platform::ALL
            .iter()
            .all(|pl| listing(&p, *pl)["status"] == "live");
        live.then_some(p)
    })
    .await
}

/// Buys the listing on its simulator, as a buyer would.
fn buy(sims: &Simulators, platform: Platform, external_id: &str) {
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
                let p = product(&app, sku).await;
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
