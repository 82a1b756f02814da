//! The inventory's filter dropdowns: "listed on" filters, price ranges,
//! counts per option, and the order of each dropdown as a setting kept in
//! the log.

use reqwest::StatusCode;
use riff_domain::listing::PlatformAttributes;
use riff_domain::value::{Platform, Sku};
use riff_domain::{EventMetadata, ListingCommand, ProductStatus, Source};
use riff_tests::{
    assert_queries_refused, guitar, items, on_both_backends, spawn_app, Backend, TestApp,
};
use riff_web::ledger::Ledger;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    filters_by_platform_and_price,
    dropdowns_count_products_in_the_chosen_order,
    counts_follow_every_change,
);

/// Three Gibsons, one Fender; two listed on Reverb, one on eBay.
async fn seed(app: &TestApp) {
    for (sku, brand, price) in [
        ("G-1", "Gibson", "500"),
        ("G-2", "Gibson", "1500"),
        ("G-3", "Gibson", "2500"),
        ("F-1", "Fender", "900"),
    ] {
        let mut body = guitar(sku, "A guitar");
        body["brand"] = json!(brand);
        body["price"] = json!(price);
        app.create_product(&body).await;
    }
    let db = app.database.connect().await;
    let ledger = Ledger::new(&db);
    let meta = EventMetadata::new("test", Source::Cli);
    for (sku, platform) in [
        ("G-1", Platform::Reverb),
        ("F-1", Platform::Reverb),
        ("G-2", Platform::Ebay),
    ] {
        let id = Uuid::new_v4();
        ledger
            .listing(
                id,
                ListingCommand::Request {
                    listing_id: id,
                    sku: Sku::parse(sku).unwrap(),
                    product_status: ProductStatus::Active,
                    attributes: PlatformAttributes::empty(platform),
                },
                &meta,
            )
            .await
            .unwrap();
    }
    app.settle().await;
}

/// The product list `/api/products?{query}` answers.
async fn list(app: &TestApp, query: &str) -> Value {
    app.get_json(&format!("/api/products?{query}")).await
}

/// How many products a list page says match.
fn total_of(page: &Value) -> i64 {
    page["total"].as_i64().unwrap()
}

fn skus(page: &Value) -> Vec<String> {
    let mut skus: Vec<String> = items(page)
        .iter()
        .map(|i| i["sku"].as_str().unwrap().to_owned())
        .collect();
    skus.sort();
    skus
}

async fn filters_by_platform_and_price(backend: Backend) {
    let app = spawn_app(backend).await;
    seed(&app).await;
    assert_eq!(skus(&list(&app, "platform=reverb").await), ["F-1", "G-1"]);
    assert_eq!(
        skus(&list(&app, "not_platform=reverb").await),
        ["G-2", "G-3"]
    );
    assert_eq!(
        skus(&list(&app, "platform=ebay&brand=gibson").await),
        ["G-2"]
    );
    assert_eq!(
        skus(&list(&app, "min_price=900&max_price=1500").await),
        ["F-1", "G-2"]
    );
    assert_eq!(
        skus(&list(&app, "max_price=499.99").await),
        Vec::<String>::new()
    );
    let cases = [
        ("platform=etsy", "platform"),
        ("min_price=cheap", "min_price"),
        ("max_price=-1", "max_price"),
    ];
    assert_queries_refused(&app, "/api/products", &cases).await;
}

/// Sets the order of the inventory's `field` dropdown.
async fn sort_dropdown(app: &TestApp, field: &str, order: &str) -> reqwest::Response {
    app.put(
        "/api/settings/dropdown-sort",
        &json!({"field": field, "order": order}),
    )
    .await
}

async fn dropdowns_count_products_in_the_chosen_order(backend: Backend) {
    let mut app = spawn_app(backend).await;
    seed(&app).await;
    let facets = app.get_json("/api/inventory/facets").await;
    assert_eq!(
        facets["brand"],
        json!([{"value": "Gibson", "count": 3}, {"value": "Fender", "count": 1}])
    );
    assert_eq!(
        facets["platform"],
        json!([{"value": "reverb", "count": 2}, {"value": "ebay", "count": 1}])
    );
    assert_eq!(facets["status"], json!([{"value": "active", "count": 4}]));

    let settings = sort_dropdown(&app, "brand", "alpha").await;
    assert_eq!(settings.status(), StatusCode::OK);
    let settings: Value = settings.json().await.unwrap();
    assert_eq!(settings["dropdown_sort"]["brand"], "alpha");
    assert_eq!(settings["dropdown_sort"]["platform"], "count");
    assert_eq!(settings["currency"], "GBP");

    let facets = app.get_json("/api/inventory/facets").await;
    assert_eq!(facets["brand"][0]["value"], "Fender", "A to Z now");

    // The choice is an event like any other, and outlives a restart.
    let audit = app
        .get_json("/api/audit?event_type=DropdownSortChanged")
        .await;
    assert_eq!(audit["events"].as_array().unwrap().len(), 1);
    app.restart().await;
    let settings = app.get_json("/api/settings").await;
    assert_eq!(settings["dropdown_sort"]["brand"], "alpha");

    let bad = sort_dropdown(&app, "colour", "alpha").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Totals and dropdown counts are kept between requests; a change to the
/// inventory must show in the very next answer all the same.
async fn counts_follow_every_change(backend: Backend) {
    let app = spawn_app(backend).await;
    seed(&app).await;
    let facets = || async {
        let facets = app.get_json("/api/inventory/facets").await;
        facets
    };
    assert_eq!(total_of(&list(&app, "").await), 4);
    assert_eq!(total_of(&list(&app, "brand=fender").await), 1);
    assert_eq!(
        facets().await["brand"][1],
        json!({"value": "Fender", "count": 1})
    );

    let mut body = guitar("F-2", "Another guitar");
    body["brand"] = json!("Fender");
    app.create_product(&body).await;
    assert_eq!(total_of(&list(&app, "").await), 5);
    assert_eq!(total_of(&list(&app, "brand=fender").await), 2);
    assert_eq!(
        total_of(&list(&app, "brand=fender&page=2&per_page=1").await),
        2,
        "any page"
    );
    assert_eq!(
        facets().await["brand"][1],
        json!({"value": "Fender", "count": 2})
    );

    let sale = app
        .post(
            "/api/products/F-2/sales",
            &json!({"channel": "shop", "order_ref": "till-1", "sold_at": "2026-11-25T10:00:00Z", "price": "900"}),
        )
        .await;
    assert!(sale.status().is_success(), "{}", sale.status());
    app.settle().await;
    assert_eq!(total_of(&list(&app, "status=sold").await), 1);
    assert_eq!(
        facets().await["status"],
        json!([{"value": "active", "count": 4}, {"value": "sold", "count": 1}])
    );
}
