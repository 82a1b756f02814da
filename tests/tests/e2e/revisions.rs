//! Edits reaching live listings (issue 23): each listing records the
//! product version it shows, the product page says whether it is up to
//! date, and a revision one platform refuses is flagged there while the
//! others get theirs.

use std::time::Duration;

use reqwest::StatusCode;
use riff_domain::value::Platform;
use riff_tests::{
    eventually, guitar, items, items_where, on_both_backends, shop, Backend, TestApp,
};
use serde_json::{json, Value};

use riff_web::demo::picture::picture;

use crate::sync::{list_everywhere, quiesce};
use riff_tests::admin::admin_page;
use riff_tests::listing;

on_both_backends!(
    an_edit_reaches_every_listing_once_and_each_shows_the_version,
    a_revision_one_platform_refuses_is_flagged_and_retried,
    edits_made_together_reach_each_platform_as_one_revision,
    a_new_order_of_the_pictures_sends_only_the_order,
    an_edit_undone_within_the_window_sends_nothing,
    a_price_changed_on_a_platform_is_settled_either_way,
    a_title_changed_on_a_platform_can_become_the_product_s,
    a_revision_whose_answer_was_lost_is_not_made_twice,
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

/// The external id of `product`'s listing on `platform`.
fn external_id(product: &Value, platform: Platform) -> String {
    listing(product, platform)["external_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Waits until every listing of `sku` shows the product's last version.
async fn all_up_to_date(app: &TestApp, sku: &str) -> Value {
    eventually(
        "every listing shows the product's last version",
        Duration::from_secs(30),
        || async {
            let p = app.product(sku).await;
            revision_states(&p)
                .iter()
                .all(|(_, revision, shown)| revision == "up_to_date" && *shown == p["version"])
                .then_some(p)
        },
    )
    .await
}

/// Creates the guitar `sku` and lists it everywhere; answers the product
/// once the engine is quiet, all its listings live.
async fn listed_and_quiet(app: &TestApp, sku: &str, title: &str) -> Value {
    app.create_product(&guitar(sku, title)).await;
    let listed = list_everywhere(app, sku).await;
    quiesce(app).await;
    listed
}

async fn an_edit_reaches_every_listing_once_and_each_shows_the_version(backend: Backend) {
    let (app, sims) = shop(backend).await;
    let listed = listed_and_quiet(&app, "REV-1", "Gibson Les Paul Standard 1959").await;
    // Published from the product as it stood, picture and all: nothing
    // more is sent for the edits made before the publish.
    let before = app.product("REV-1").await;
    for (platform, revision, shown) in revision_states(&before) {
        assert_eq!(revision, "up_to_date", "{platform}: {before}");
        assert_eq!(shown, before["version"], "{platform}: {before}");
    }
    let ebay_id = external_id(&listed, Platform::Ebay);
    let reverb_id = external_id(&listed, Platform::Reverb);
    assert_eq!(sims.ebay().listing(&ebay_id).unwrap().revisions, 0);
    assert_eq!(sims.reverb().listing(&reverb_id).unwrap().revisions, 0);

    app.edit_product(
        "REV-1",
        &json!({"title": "Gibson Les Paul Standard 1959 Burst"}),
    )
    .await;
    let after = all_up_to_date(&app, "REV-1").await;
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
    let listed = listed_and_quiet(&app, "REV-2", "Fender Stratocaster 1962").await;
    let reverb_listing = listing(&listed, Platform::Reverb)["listing_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ebay_id = external_id(&listed, Platform::Ebay);

    // A second one turns up: two in stock.
    app.edit_product("REV-2", &json!({"quantity": 2})).await;
    let p = eventually(
        "Reverb refuses, the others show two",
        Duration::from_secs(30),
        || async {
            let p = app.product("REV-2").await;
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
    let flags = app.get_json("/api/flags?status=open").await;
    let raised = items_where(&flags, "kind", "revise_failed");
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
            let p = app.product("REV-2").await;
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
    let listed = listed_and_quiet(&app, "REV-3", "Gibson ES-335 1964").await;
    app.revise_delay = Duration::from_secs(4);
    app.restart().await;
    let id = |platform| external_id(&listed, platform);

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
    app.add_picture("REV-3", &picture("REV-3", "back")).await;
    all_up_to_date(&app, "REV-3").await;
    quiesce(&app).await;

    let ebay = sims.ebay().listing(&id(Platform::Ebay)).unwrap();
    assert_eq!(ebay.revisions, 1, "one revision on eBay");
    assert_eq!(
        ebay.revised_fields,
        [["Title", "Description", "StartPrice", "PictureDetails"]],
        "only what changed"
    );
    assert_eq!(ebay.title, "Gibson ES-335 1964 Cherry");
    assert_eq!(ebay.price.to_string(), "1399.00");
    assert_eq!(ebay.picture_urls.len(), 2);
    let reverb = sims.reverb().listing(&id(Platform::Reverb)).unwrap();
    assert_eq!(reverb.revisions, 1, "one revision on Reverb");
    assert_eq!(
        reverb.revised_fields,
        [["title", "description", "price", "photos"]],
        "only what changed"
    );
    assert_eq!(reverb.title, "Gibson ES-335 1964 Cherry");
    assert_eq!(
        reverb.description.as_deref(),
        Some("All original; new frets in 2019.")
    );
    assert_eq!(reverb.photos.len(), 2);
    let shopify = sims.shopify().product(&id(Platform::Shopify)).unwrap();
    assert_eq!(shopify.revisions, 1, "one revision on Shopify");
    assert_eq!(
        shopify.media_calls,
        ["productUpdate"],
        "the new picture added"
    );
    assert_eq!(shopify.media.len(), 2);
    assert_eq!(shopify.title, "Gibson ES-335 1964 Cherry");
    assert_eq!(shopify.price.to_string(), "1399.00");
    let vr = sims.vr().listing(&id(Platform::Vr)).unwrap();
    assert_eq!(vr.revisions, 1, "one revision on V&R");
    assert_eq!(vr.description, "All original; new frets in 2019.");
    assert_eq!(vr.images.len(), 2);
    assert_eq!(vr.edit_uploads, [2], "the gallery sent once, with the edit");
}

async fn media_ids(app: &TestApp, sku: &str) -> Vec<String> {
    app.product(sku).await["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The owner puts the back of the guitar first: eBay, Reverb and Shopify
/// are sent the new order and nothing else; V&R, whose form has no order
/// of its own, gets its pictures again with the edit.
async fn a_new_order_of_the_pictures_sends_only_the_order(backend: Backend) {
    let (app, sims) = shop(backend).await;
    app.create_product(&guitar("REV-4", "Fender Telecaster 1952"))
        .await;
    app.add_picture("REV-4", &picture("REV-4", "front")).await;
    app.add_picture("REV-4", &picture("REV-4", "back")).await;
    let listed = list_everywhere(&app, "REV-4").await;
    quiesce(&app).await;
    let id = |platform| external_id(&listed, platform);
    let before_ebay = sims
        .ebay()
        .listing(&id(Platform::Ebay))
        .unwrap()
        .picture_urls;
    let before_shopify = sims
        .shopify()
        .product(&id(Platform::Shopify))
        .unwrap()
        .media;

    let ids = media_ids(&app, "REV-4").await;
    let reordered = app.order_media("REV-4", &[&ids[1], &ids[0]]).await;
    assert_eq!(reordered.status(), StatusCode::OK);
    all_up_to_date(&app, "REV-4").await;
    quiesce(&app).await;

    let ebay = sims.ebay().listing(&id(Platform::Ebay)).unwrap();
    assert_eq!(ebay.revised_fields, [["PictureDetails"]]);
    assert_eq!(
        ebay.picture_urls,
        [before_ebay[1].clone(), before_ebay[0].clone()]
    );
    let reverb = sims.reverb().listing(&id(Platform::Reverb)).unwrap();
    assert_eq!(reverb.revised_fields, [["photos"]]);
    let shopify = sims.shopify().product(&id(Platform::Shopify)).unwrap();
    assert_eq!(shopify.media_calls, ["productReorderMedia"]);
    assert_eq!(shopify.revisions, 0, "no productUpdate");
    assert_eq!(
        shopify.media,
        [before_shopify[1].clone(), before_shopify[0].clone()]
    );
    let vr = sims.vr().listing(&id(Platform::Vr)).unwrap();
    assert_eq!(vr.edit_uploads, [2]);
}

/// A title changed and changed back within the window: every listing
/// already shows it, and no platform is called.
async fn an_edit_undone_within_the_window_sends_nothing(backend: Backend) {
    let (mut app, sims) = shop(backend).await;
    let listed = listed_and_quiet(&app, "REV-5", "Gibson Flying V 1958").await;
    app.revise_delay = Duration::from_secs(2);
    app.restart().await;
    for title in ["Gibson Flying V 1959", "Gibson Flying V 1958"] {
        app.edit_product("REV-5", &json!({"title": title})).await;
    }
    all_up_to_date(&app, "REV-5").await;
    quiesce(&app).await;
    let id = |platform| external_id(&listed, platform);
    assert_eq!(
        sims.ebay().listing(&id(Platform::Ebay)).unwrap().revisions,
        0
    );
    assert_eq!(
        sims.reverb()
            .listing(&id(Platform::Reverb))
            .unwrap()
            .revisions,
        0
    );
    assert_eq!(
        sims.shopify()
            .product(&id(Platform::Shopify))
            .unwrap()
            .revisions,
        0
    );
    assert_eq!(sims.vr().listing(&id(Platform::Vr)).unwrap().revisions, 0);
}

/// Waits until the eBay or Reverb simulator shows `expected` as the
/// `field` (`title` or `price`) of listing `external_id`: how a settled
/// drift is seen to reach the platform.
async fn sim_shows(
    sims: &riff_web::sim::Simulators,
    platform: Platform,
    external_id: &str,
    field: &str,
    expected: &str,
) {
    let what = format!("{platform} shows {field} {expected}");
    eventually(&what, Duration::from_secs(30), || async {
        let (title, price) = match platform {
            Platform::Ebay => sims.ebay().listing(external_id).map(|l| (l.title, l.price)),
            Platform::Reverb => sims
                .reverb()
                .listing(external_id)
                .map(|l| (l.title, l.price)),
            _ => panic!("{platform} has no such simulator listing"),
        }?;
        let shown = if field == "title" {
            title
        } else {
            price.to_string()
        };
        (shown == expected).then_some(())
    })
    .await;
}

async fn open_drift(app: &TestApp) -> Vec<Value> {
    let flags = app
        .get_json("/api/flags?status=open&kind=status_drifted")
        .await;
    items(&flags).clone()
}

async fn settle(app: &TestApp, flag: &Value, keep: &str) -> reqwest::Response {
    app.post(
        &format!("/api/flags/{}/settle", flag["id"]),
        &json!({"keep": keep}),
    )
    .await
}

/// Someone changes the guitar's price on eBay's site. Riff flags it and
/// overwrites nothing; the owner first takes eBay's price (it becomes the
/// product's, and reaches Reverb), and the next time puts Riff's back.
async fn a_price_changed_on_a_platform_is_settled_either_way(backend: Backend) {
    let (app, sims) = shop(backend).await;
    let listed = listed_and_quiet(&app, "REV-6", "Gretsch White Falcon 1958").await;
    let id = |platform| external_id(&listed, platform);
    assert!(sims
        .ebay()
        .set_price(&id(Platform::Ebay), "1399.00".parse().unwrap()));
    crate::sync::sync_and_settle(&app).await;
    let drifted = open_drift(&app).await;
    assert_eq!(drifted.len(), 1, "{drifted:?}");
    assert_eq!(drifted[0]["platform"], "ebay");
    let message = drifted[0]["message"].as_str().unwrap();
    assert!(
        message.contains("1499.00") && message.contains("1399.00"),
        "both values: {message}"
    );
    assert_eq!(
        sims.ebay()
            .listing(&id(Platform::Ebay))
            .unwrap()
            .price
            .to_string(),
        "1399.00",
        "Riff overwrote nothing on its own"
    );
    let page = admin_page(&app, "/flags").await;
    assert!(
        page.contains("Take the platform&#39;s value")
            || page.contains("Take the platform's value"),
        "{page}"
    );
    assert!(page.contains(&format!(r#"action="/flags/{}/settle""#, drifted[0]["id"])));
    let bad = app
        .post(
            &format!("/api/flags/{}/settle", drifted[0]["id"]),
            &json!({"keep": "both"}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let taken = settle(&app, &drifted[0], "platform").await;
    assert_eq!(taken.status(), StatusCode::OK);
    let flag: Value = taken.json().await.unwrap();
    assert_eq!(flag["status"], "resolved");
    assert_eq!(app.product("REV-6").await["price"], "1399.00");
    sim_shows(
        &sims,
        Platform::Reverb,
        &id(Platform::Reverb),
        "price",
        "1399.00",
    )
    .await;
    quiesce(&app).await;
    let again = settle(&app, &drifted[0], "riff").await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "already settled");

    // Changed on eBay again: this time Riff's price goes back.
    assert!(sims
        .ebay()
        .set_price(&id(Platform::Ebay), "999.00".parse().unwrap()));
    crate::sync::sync_and_settle(&app).await;
    let drifted = open_drift(&app).await;
    assert_eq!(drifted.len(), 1, "{drifted:?}");
    let restored = settle(&app, &drifted[0], "riff").await;
    assert_eq!(restored.status(), StatusCode::OK);
    sim_shows(
        &sims,
        Platform::Ebay,
        &id(Platform::Ebay),
        "price",
        "1399.00",
    )
    .await;
    assert_eq!(app.product("REV-6").await["price"], "1399.00");
    crate::sync::sync_and_settle(&app).await;
    assert!(open_drift(&app).await.is_empty(), "in step again");
}

/// A title corrected on eBay's site is drift; taken, it becomes the
/// product's title and reaches the other platforms.
async fn a_title_changed_on_a_platform_can_become_the_product_s(backend: Backend) {
    let (app, sims) = shop(backend).await;
    let listed = listed_and_quiet(&app, "REV-7", "Fender Precision Bass 1957").await;
    let id = |platform| external_id(&listed, platform);
    // A first reconcile finds everything as Riff sent it.
    crate::sync::sync_and_settle(&app).await;
    assert!(open_drift(&app).await.is_empty(), "no drift of its own");

    assert!(sims
        .ebay()
        .set_title(&id(Platform::Ebay), "Fender Precision Bass 1957 Refin"));
    crate::sync::sync_and_settle(&app).await;
    let drifted = open_drift(&app).await;
    assert_eq!(drifted.len(), 1, "{drifted:?}");
    let message = drifted[0]["message"].as_str().unwrap();
    assert!(message.contains("title"), "{message}");

    let taken = settle(&app, &drifted[0], "platform").await;
    assert_eq!(taken.status(), StatusCode::OK);
    assert_eq!(
        app.product("REV-7").await["title"],
        "Fender Precision Bass 1957 Refin"
    );
    sim_shows(
        &sims,
        Platform::Reverb,
        &id(Platform::Reverb),
        "title",
        "Fender Precision Bass 1957 Refin",
    )
    .await;
    quiesce(&app).await;
    crate::sync::sync_and_settle(&app).await;
    assert!(open_drift(&app).await.is_empty(), "in step again");
}

/// eBay carries out a price change and its answer is lost on the way (a
/// gateway timeout; a Riff killed before recording it is the same to
/// Riff): the retry finds eBay showing the new price and sends nothing.
async fn a_revision_whose_answer_was_lost_is_not_made_twice(backend: Backend) {
    let (app, sims) = shop(backend).await;
    let listed = listed_and_quiet(&app, "REV-8", "Gibson J-45 1952").await;
    sims.ebay().lose_next_answer("ReviseFixedPriceItem");

    app.edit_product("REV-8", &json!({"price": "1399.00"}))
        .await;
    all_up_to_date(&app, "REV-8").await;
    quiesce(&app).await;

    let ebay = sims
        .ebay()
        .listing(&external_id(&listed, Platform::Ebay))
        .unwrap();
    assert_eq!(ebay.price.to_string(), "1399.00");
    assert_eq!(ebay.revisions, 1, "made once, though its answer was lost");
}

async fn listing_ended(app: &TestApp, sku: &str) {
    crate::sync::listing_reaches(app, sku, Platform::Reverb, "ended", Duration::from_secs(30))
        .await;
}
