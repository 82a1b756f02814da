//! Edits reaching live listings (issue 23): each listing records the
//! product version it shows, the product page says whether it is up to
//! date, and a revision one platform refuses is flagged there while the
//! others get theirs.

use std::time::Duration;

use reqwest::StatusCode;
use riff_domain::value::Platform;
use riff_tests::{guitar, on_both_backends, Backend};
use serde_json::{json, Value};

use crate::admin::admin_page;
use crate::sync::{eventually, list_everywhere, listing, product, quiesce, shop};

on_both_backends!(
    an_edit_reaches_every_listing_once_and_each_shows_the_version,
    a_revision_one_platform_refuses_is_flagged_and_retried,
    edits_made_together_reach_each_platform_as_one_revision,
);

/// Every listing of `sku` in the API's words: platform → its JSON.
fn revision_states(product: &Value) -> Vec<(String, Value, Value)> {
    product["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["platform"].as_str().unwrap().to_owned(),
                l["revision"].clone(),
                l["shown_version"].clone(),
            )
        })
        .collect()
}

async fn an_edit_reaches_every_listing_once_and_each_shows_the_version(backend: Backend) {
    let (app, sims) = shop(backend).await;
    app.create_product(&guitar("REV-1", "Gibson Les Paul Standard 1959"))
        .await;
    let listed = list_everywhere(&app, "REV-1").await;
    quiesce(&app).await;
    // Published from the product as it stood, picture and all: nothing
    // more is sent for the edits made before the publish.
    let before = product(&app, "REV-1").await;
    for (platform, revision, shown) in revision_states(&before) {
        assert_eq!(revision, "up_to_date", "{platform}: {before}");
        assert_eq!(shown, before["version"], "{platform}: {before}");
    }
    let ebay_id = listing(&listed, Platform::Ebay)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reverb_id = listing(&listed, Platform::Reverb)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(sims.ebay().listing(&ebay_id).unwrap().revisions, 0);
    assert_eq!(sims.reverb().listing(&reverb_id).unwrap().revisions, 0);

    let edited = app
        .patch(
            "/api/products/REV-1",
            &json!({"title": "Gibson Les Paul Standard 1959 Burst"}),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let after = eventually(
        "every listing shows the edit",
        Duration::from_secs(30),
        || async {
            let p = product(&app, "REV-1").await;
            revision_states(&p)
                .iter()
                .all(|(_, revision, shown)| revision == "up_to_date" && *shown == p["version"])
                .then_some(p)
        },
    )
    .await;
    quiesce(&app).await;
    let ebay = sims.ebay().listing(&ebay_id).unwrap();
    assert_eq!(ebay.title, "Gibson Les Paul Standard 1959 Burst");
    assert_eq!(ebay.revisions, 1, "one edit, one revision");
    let reverb = sims.reverb().listing(&reverb_id).unwrap();
    assert_eq!(reverb.title, "Gibson Les Paul Standard 1959 Burst");
    assert_eq!(reverb.revisions, 1, "one edit, one revision");
    let page = admin_page(&app, "/products/REV-1").await;
    assert_eq!(
        page.matches(r#"<small class="revision">up to date</small>"#)
            .count(),
        4,
        "{page}"
    );
    assert_eq!(
        revision_states(&after).len(),
        4,
        "one listing per platform: {after}"
    );
}

async fn a_revision_one_platform_refuses_is_flagged_and_retried(backend: Backend) {
    let (app, sims) = shop(backend).await;
    // A used guitar: Reverb keeps one of a used item on a listing.
    app.create_product(&guitar("REV-2", "Fender Stratocaster 1962"))
        .await;
    let listed = list_everywhere(&app, "REV-2").await;
    quiesce(&app).await;
    let reverb_listing = listing(&listed, Platform::Reverb)["listing_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ebay_id = listing(&listed, Platform::Ebay)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A second one turns up: two in stock.
    let edited = app
        .patch("/api/products/REV-2", &json!({"quantity": 2}))
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let p = eventually(
        "Reverb refuses, the others show two",
        Duration::from_secs(30),
        || async {
            let p = product(&app, "REV-2").await;
            let reverb_failed = listing(&p, Platform::Reverb)["revision"] == "failed";
            let others = [Platform::Ebay, Platform::Shopify, Platform::Vr]
                .iter()
                .all(|pl| listing(&p, *pl)["revision"] == "up_to_date");
            (reverb_failed && others).then_some(p)
        },
    )
    .await;
    assert_eq!(sims.ebay().listing(&ebay_id).unwrap().quantity, 2);
    let error = listing(&p, Platform::Reverb)["revise_error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(error.contains("inventory"), "names the field: {error}");
    let flags: Value = app
        .get("/api/flags?status=open")
        .await
        .json()
        .await
        .unwrap();
    let raised: Vec<&Value> = flags["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "revise_failed")
        .collect();
    assert_eq!(raised.len(), 1, "{flags}");
    assert_eq!(raised[0]["platform"], "reverb", "{flags}");
    assert!(
        raised[0]["message"].as_str().unwrap().contains("inventory"),
        "the flag names the field: {flags}"
    );
    let page = admin_page(&app, "/products/REV-2").await;
    assert!(page.contains("revision failed: "), "{page}");
    assert!(
        page.contains(r#"action="/products/REV-2/revise""#),
        "{page}"
    );

    // It was a miscount after all: back to one, and Retry sends it.
    let corrected = app
        .patch("/api/products/REV-2", &json!({"quantity": 1}))
        .await;
    assert_eq!(corrected.status(), StatusCode::OK);
    let retried = app
        .post(
            &format!("/api/listings/{reverb_listing}/revise"),
            &json!({}),
        )
        .await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    eventually(
        "Reverb up to date again",
        Duration::from_secs(30),
        || async {
            let p = product(&app, "REV-2").await;
            (listing(&p, Platform::Reverb)["revision"] == "up_to_date").then_some(())
        },
    )
    .await;
    let ended = app
        .post(&format!("/api/listings/{reverb_listing}/end"), &json!({}))
        .await;
    assert_eq!(ended.status(), StatusCode::ACCEPTED);
    listing_ended(&app, "REV-2").await;
    let refused = app
        .post(
            &format!("/api/listings/{reverb_listing}/revise"),
            &json!({}),
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::CONFLICT,
        "only a live listing"
    );
}

/// The owner corrects a live guitar in four quick edits: title,
/// description, price and a second picture. With a revise window, each
/// platform gets one revision carrying all four.
async fn edits_made_together_reach_each_platform_as_one_revision(backend: Backend) {
    let (mut app, sims) = shop(backend).await;
    app.create_product(&guitar("REV-3", "Gibson ES-335 1964"))
        .await;
    let listed = list_everywhere(&app, "REV-3").await;
    quiesce(&app).await;
    app.revise_delay = Duration::from_secs(4);
    app.restart().await;
    let id = |platform| {
        listing(&listed, platform)["external_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    for edit in [
        json!({"title": "Gibson ES-335 1964 Cherry"}),
        json!({"description": "All original; new frets in 2019."}),
        json!({"price": "1399.00"}),
    ] {
        let edited = app.patch("/api/products/REV-3", &edit).await;
        assert_eq!(edited.status(), StatusCode::OK, "{edit}");
        // Time enough for a revision to go out between two edits, were
        // there no window.
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    app.add_picture("REV-3", riff_tests::PNG).await;
    eventually(
        "every listing shows the last edit",
        Duration::from_secs(30),
        || async {
            let p = product(&app, "REV-3").await;
            revision_states(&p)
                .iter()
                .all(|(_, revision, shown)| revision == "up_to_date" && *shown == p["version"])
                .then_some(())
        },
    )
    .await;
    quiesce(&app).await;

    let ebay = sims.ebay().listing(&id(Platform::Ebay)).unwrap();
    assert_eq!(ebay.revisions, 1, "one revision on eBay");
    assert_eq!(ebay.title, "Gibson ES-335 1964 Cherry");
    assert_eq!(ebay.price.to_string(), "1399.00");
    assert_eq!(ebay.picture_urls.len(), 2);
    let reverb = sims.reverb().listing(&id(Platform::Reverb)).unwrap();
    assert_eq!(reverb.revisions, 1, "one revision on Reverb");
    assert_eq!(reverb.title, "Gibson ES-335 1964 Cherry");
    assert_eq!(
        reverb.description.as_deref(),
        Some("All original; new frets in 2019.")
    );
    assert_eq!(reverb.photos.len(), 2);
    let shopify = sims.shopify().product(&id(Platform::Shopify)).unwrap();
    assert_eq!(shopify.revisions, 1, "one revision on Shopify");
    assert_eq!(shopify.title, "Gibson ES-335 1964 Cherry");
    assert_eq!(shopify.price.to_string(), "1399.00");
    let vr = sims.vr().listing(&id(Platform::Vr)).unwrap();
    assert_eq!(vr.revisions, 1, "one revision on V&R");
    assert_eq!(vr.description, "All original; new frets in 2019.");
    assert_eq!(vr.images.len(), 2);
}

async fn listing_ended(app: &riff_tests::TestApp, sku: &str) {
    crate::sync::listing_reaches(app, sku, Platform::Reverb, "ended", Duration::from_secs(30))
        .await;
}
