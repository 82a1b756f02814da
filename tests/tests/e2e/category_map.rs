//! The category map edited in Settings (issue 22, item 1): through the API
//! and the `/settings` page, recorded in the log, and used by the very next
//! publish.

use std::time::Duration;

use reqwest::StatusCode;
use riff_domain::value::Platform;
use riff_tests::quiet_shop;
use riff_tests::{
    assert_refused_with_words, guitar, on_both_backends, spawn_app, Backend, TestApp,
};
use riff_web::sim::Simulators;
use serde_json::{json, Value};

use crate::sync::listing_reaches;
use riff_tests::admin::{browser, log_in};
use riff_tests::listing;

on_both_backends!(
    an_edited_category_is_what_the_platforms_receive_on_the_next_publish,
    a_bad_change_to_the_map_is_refused_and_appends_nothing,
    the_settings_page_shows_the_map_and_changes_an_entry,
    ebay_says_what_a_category_riff_does_not_know_requires,
);

/// Reverb's "Effects and Pedals / Fuzz" (`docs/listing-ids.md`).
const REVERB_FUZZ: &str = "305e09a1-f9cb-4171-8a70-6428ad1b55a8";

async fn put_map(app: &TestApp, body: &Value) -> reqwest::Response {
    app.put("/api/settings/category-map", body).await
}

/// The entry for `category` in a settings answer.
fn entry<'a>(settings: &'a Value, category: &str) -> &'a Value {
    settings["category_map"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["category"] == category)
        .unwrap_or(&Value::Null)
}

async fn settings(app: &TestApp) -> Value {
    app.get_json("/api/settings").await
}

/// A shop whose pedals are fuzzes: the owner points Effects Pedals at
/// eBay's Fuzz leaf and Reverb's Fuzz category, and the pedal published
/// next goes there — and the change is in the log and outlives a restart.
async fn an_edited_category_is_what_the_platforms_receive_on_the_next_publish(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let mut app = quiet_shop(backend, &sims).await;
    assert_eq!(
        entry(&settings(&app).await, "Effects Pedals")["ebay"],
        "41416",
        "Riff's default"
    );

    let changed = put_map(
        &app,
        &json!({"category": "effects pedals", "ebay": "41418",
                "ebay_item_specifics": {"Type": "Fuzz"}, "reverb": REVERB_FUZZ}),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let answer: Value = changed.json().await.unwrap();
    let pedals = entry(&answer, "Effects Pedals");
    assert_eq!(pedals["ebay"], "41418");
    assert_eq!(pedals["ebay_item_specifics"], json!({"Type": "Fuzz"}));
    assert_eq!(pedals["reverb"], REVERB_FUZZ);
    assert_eq!(
        pedals["vr"],
        json!({"category": "90", "sub_category": "91"}),
        "what the change left out is kept"
    );
    assert_eq!(pedals["shopify"], "Effects Pedals");
    assert_eq!(
        answer["category_map"].as_array().unwrap().len(),
        10,
        "an existing entry was changed, none added"
    );
    assert_eq!(settings(&app).await["category_map"], answer["category_map"]);

    let mut body = guitar("FUZZ-1", "Electro-Harmonix Big Muff Pi");
    body["category"] = json!("Effects Pedals");
    body["brand"] = json!("Electro-Harmonix");
    body["model"] = json!("Big Muff Pi");
    body["description"] = json!("Boxed, with its manual.");
    app.create_product(&body).await;
    app.add_picture("FUZZ-1", riff_tests::PNG).await;
    for platform in [Platform::Ebay, Platform::Reverb] {
        let response = app.request_listing("FUZZ-1", platform.as_str()).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{platform}");
        listing_reaches(&app, "FUZZ-1", platform, "live", Duration::from_secs(30)).await;
    }
    let p = app.product("FUZZ-1").await;
    let id = |platform| {
        listing(&p, platform)["external_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let on_ebay = sims.ebay().listing(&id(Platform::Ebay)).unwrap();
    assert_eq!(on_ebay.category_id.as_deref(), Some("41418"));
    assert!(
        on_ebay
            .item_specifics
            .iter()
            .any(|(n, v)| n == "Type" && v == &["Fuzz".to_owned()]),
        "{:?}",
        on_ebay.item_specifics
    );
    let on_reverb = sims.reverb().listing(&id(Platform::Reverb)).unwrap();
    assert_eq!(on_reverb.categories, [REVERB_FUZZ]);

    // The change is an event in the audit log, said in words.
    let audit = app.get_json("/api/audit?event_type=CategoryMapped").await;
    let events = audit["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{audit}");
    let summary = events[0]["summary"].as_str().unwrap();
    assert!(
        summary.contains("Effects Pedals") && summary.contains("eBay category 41418"),
        "{summary}"
    );

    // Saying it again changes nothing and records nothing.
    let before = app.log_length().await;
    let again = put_map(
        &app,
        &json!({"category": "Effects Pedals", "ebay": "41418"}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(app.log_length().await, before);

    app.restart().await;
    assert_eq!(
        entry(&settings(&app).await, "Effects Pedals")["ebay"],
        "41418"
    );
}

/// Each bad body is `422` naming its field, and the log is as it was.
async fn a_bad_change_to_the_map_is_refused_and_appends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let map_before = settings(&app).await["category_map"].clone();
    let before = app.log_length().await;
    for (body, field) in [
        (
            json!({"category": "Effects Pedals", "ebay": "41418", "colour": "red"}),
            "colour",
        ),
        (json!({"ebay": "41418"}), "category"),
        (json!({"category": "   ", "ebay": "41418"}), "category"),
        (
            json!({"category": "Effects Pedals", "ebay": "41-418"}),
            "ebay",
        ),
        (json!({"category": "Effects Pedals", "ebay": 41418}), "ebay"),
        (json!({"category": "Effects Pedals", "ebay": null}), "ebay"),
        (
            json!({"category": "Effects Pedals", "reverb": "fuzz"}),
            "reverb",
        ),
        (
            json!({"category": "Effects Pedals", "vr": {"category": "90"}}),
            "vr",
        ),
        (
            json!({"category": "Effects Pedals", "vr": {"category": "90", "sub_category": "x"}}),
            "vr",
        ),
        (
            json!({"category": "Effects Pedals", "vr": {"category": "90", "sub_category": "93", "level": "2"}}),
            "vr",
        ),
        (
            json!({"category": "Effects Pedals", "shopify": "Fuzz\u{0}Pedals"}),
            "shopify",
        ),
        (
            json!({"category": "Effects Pedals", "ebay_item_specifics": {"Type": 3}}),
            "ebay_item_specifics",
        ),
        (
            json!({"category": "Effects Pedals", "ebay_item_specifics": ["Type", "Fuzz"]}),
            "ebay_item_specifics",
        ),
        // A good field does not carry a bad one through.
        (
            json!({"category": "Effects Pedals", "ebay": "41418", "reverb": "not-a-uuid"}),
            "reverb",
        ),
    ] {
        let response = put_map(&app, &body).await;
        assert_refused_with_words(response, field, &body.to_string()).await;
    }
    assert_eq!(app.log_length().await, before);
    assert_eq!(settings(&app).await["category_map"], map_before);
}

/// The owner sees the whole map on `/settings`, changes an entry from its
/// row, adds a category — which the product form then suggests — and is
/// told beside the form what was wrong with a bad id.
async fn the_settings_page_shows_the_map_and_changes_an_entry(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = browser();
    let token = log_in(&app, &client).await;
    let page = |path: &'static str| {
        let client = client.clone();
        let url = app.url(path);
        async move {
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.text().await.unwrap()
        }
    };
    let html = page("/settings").await;
    assert!(html.contains("Category map"), "{html}");
    assert!(html.contains("41416") && html.contains("9bee8b39-c5f1-4fa7-90af-38740fc21a73"));

    // "Change" on a row fills the form with that row.
    let html = page("/settings?category=Effects+Pedals").await;
    assert!(html.contains(r#"name="ebay" value="41416""#), "{html}");

    let post = |form: Vec<(&'static str, &'static str)>| {
        let client = client.clone();
        let url = app.url("/settings/category-map");
        let token = token.clone();
        async move {
            let mut fields = vec![("csrf_token", token.as_str())];
            fields.extend(form);
            client.post(url).form(&fields).send().await.unwrap()
        }
    };
    let saved = post(vec![
        ("category", "Effects Pedals"),
        ("ebay", "41418"),
        ("ebay_item_specifics", "Type: Fuzz\n"),
        ("reverb", ""),
        ("vr_category", ""),
        ("vr_sub_category", ""),
        ("shopify", ""),
    ])
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let map = settings(&app).await;
    let pedals = entry(&map, "Effects Pedals");
    assert_eq!(pedals["ebay"], "41418");
    assert_eq!(pedals["ebay_item_specifics"], json!({"Type": "Fuzz"}));
    assert_eq!(
        pedals["reverb"], "9bee8b39-c5f1-4fa7-90af-38740fc21a73",
        "a blank field keeps what is mapped"
    );

    let added = post(vec![
        ("category", "Banjos"),
        ("ebay", "10179"),
        ("shopify", "Banjos"),
    ])
    .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let banjos = entry(&settings(&app).await, "Banjos").clone();
    assert_eq!(banjos["ebay"], "10179");
    assert_eq!(banjos["reverb"], Value::Null, "not given, so not mapped");
    let html = page("/settings").await;
    assert!(html.contains("Banjos") && html.contains("10179"));
    let html = page("/products/new").await;
    assert!(
        html.contains(r#"list="mapped-categories""#)
            && html.contains(r#"<option value="Banjos">"#)
            && html.contains(r#"<option value="Effects Pedals">"#),
        "the product form suggests the mapped categories: {html}"
    );

    let before = app.log_length().await;
    let refused = post(vec![("category", "Banjos"), ("ebay", "ten")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("digits only"), "{html}");
    assert!(html.contains(r#"value="ten""#), "what was typed is kept");
    let unshaped = post(vec![
        ("category", "Banjos"),
        ("ebay_item_specifics", "Type Fuzz"),
    ])
    .await;
    assert_eq!(unshaped.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let forged = client
        .post(app.url("/settings/category-map"))
        .form(&[("category", "Banjos"), ("ebay", "3278")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no CSRF token");
    assert_eq!(app.log_length().await, before);
}

/// eBay's own rules for a category Riff does not know come from eBay:
/// readiness shows eBay the listing a publish would send
/// (`VerifyAddFixedPriceItem`), says what eBay refuses, and keeps eBay's
/// verdict until the product or the settings change.
async fn ebay_says_what_a_category_riff_does_not_know_requires(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    let mapped = put_map(&app, &json!({"category": "Banjos", "ebay": "22670"})).await;
    assert_eq!(mapped.status(), StatusCode::OK);
    let mut body = guitar("BANJO-1", "Deering Goodtime Banjo");
    body["category"] = json!("Banjos");
    body["brand"] = json!("Deering");
    app.create_product(&body).await;
    app.add_picture("BANJO-1", riff_tests::PNG).await;

    let readiness = |app: &TestApp| {
        let url = app.url("/api/products/BANJO-1/readiness");
        let client = app.client.clone();
        async move {
            let answer: Value = client
                .get(url)
                .bearer_auth(riff_tests::TOKEN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["ebay"].clone()
        }
    };
    let verdict = readiness(&app).await;
    assert_eq!(verdict["ready"], false, "{verdict}");
    let said = verdict["missing"].to_string();
    assert!(
        said.contains("eBay says: The item specific Type is missing."),
        "{verdict}"
    );
    let asked = sims.ebay().verifications();
    assert_eq!(asked, 1);
    // Asked again, or at publish, nothing has changed: eBay is not asked
    // again, and nothing is listed.
    assert_eq!(readiness(&app).await, verdict);
    let refused = app.request_listing("BANJO-1", "ebay").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal: Value = refused.json().await.unwrap();
    assert_eq!(refusal["missing"], verdict["missing"]);
    assert_eq!(sims.ebay().verifications(), asked);
    assert_eq!(sims.ebay().listings_with_sku("BANJO-1"), 0);

    // The owner gives the category the specific eBay asked for.
    let mapped = put_map(
        &app,
        &json!({"category": "Banjos", "ebay_item_specifics": {"Type": "5-String Banjo"}}),
    )
    .await;
    assert_eq!(mapped.status(), StatusCode::OK);
    let verdict = readiness(&app).await;
    assert_eq!(verdict["ready"], true, "{verdict}");
    assert_eq!(sims.ebay().verifications(), asked + 1);
    let published = app.request_listing("BANJO-1", "ebay").await;
    assert_eq!(published.status(), StatusCode::ACCEPTED);
    listing_reaches(
        &app,
        "BANJO-1",
        Platform::Ebay,
        "live",
        Duration::from_secs(30),
    )
    .await;
}
