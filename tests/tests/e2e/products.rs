//! The products API, as a client uses it.

use reqwest::StatusCode;
use riff_tests::{
    assert_queries_refused, assert_unprocessable, guitar, items, on_both_backends, spawn_app,
    Backend,
};
use serde_json::{json, Value};

on_both_backends!(
    creating_a_product_returns_it_with_its_version,
    a_product_without_a_sku_gets_a_generated_one,
    a_duplicate_sku_is_refused_and_appends_nothing,
    invalid_fields_are_refused_by_name_and_append_nothing,
    a_malformed_body_is_a_bad_request,
    an_unknown_product_is_not_found,
    patching_changes_only_what_is_sent,
    a_stale_expected_version_is_a_conflict,
    the_sku_cannot_be_changed,
    listing_filters_sorts_and_pages,
    the_free_text_search_matches_sku_title_brand_and_model,
    bad_list_parameters_are_refused_by_name,
    history_lists_the_product_s_events_with_metadata,
    data_survives_a_restart,
    concurrent_edits_of_one_product_are_all_kept,
);

async fn creating_a_product_returns_it_with_its_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let product = app
        .create_product(&guitar("GIB-LP-59", "Gibson Les Paul '59"))
        .await;
    assert_eq!(product["sku"], "GIB-LP-59");
    assert_eq!(product["price"], "1499.00");
    assert_eq!(product["currency"], "GBP");
    assert_eq!(product["quantity"], 1);
    assert_eq!(product["status"], "active");
    assert_eq!(product["version"], 1);
    assert_eq!(product["year"], 1959);
    assert_eq!(product["listings"], json!([]));
    assert!(product["created_at"].is_string());

    // Read-your-writes: the very next read sees it.
    let read = app.get_json("/api/products/GIB-LP-59").await;
    assert_eq!(read, product);
}

async fn a_product_without_a_sku_gets_a_generated_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut body = guitar("x", "Fender Stratocaster");
    body.as_object_mut().unwrap().remove("sku");
    let first = app.create_product(&body).await;
    let second = app.create_product(&body).await;
    let (a, b) = (
        first["sku"].as_str().unwrap(),
        second["sku"].as_str().unwrap(),
    );
    for sku in [a, b] {
        assert!(
            sku.len() >= 11
                && sku.starts_with("RIFF-")
                && sku[5..].chars().all(|c| c.is_ascii_digit()),
            "{sku} should look like RIFF-000123"
        );
    }
    assert_ne!(a, b);
}

async fn a_duplicate_sku_is_refused_and_appends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("DUP-1", "First")).await;
    let before = app.log_length().await;
    let response = app.post("/api/products", &guitar("DUP-1", "Second")).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("DUP-1"), "{body}");
    assert_eq!(app.log_length().await, before);
    let kept = app.get_json("/api/products/DUP-1").await;
    assert_eq!(kept["title"], "First");
}

async fn invalid_fields_are_refused_by_name_and_append_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        ("price", json!("0")),
        ("price", json!("-3")),
        ("price", json!("12.345")),
        ("price", json!("cheap")),
        ("condition", json!("like new")),
        ("title", json!("")),
        ("year", json!("1850s")),
        ("quantity", json!(-1)),
        ("quantity", json!(1.5)),
        ("sku", json!("has spaces")),
        ("colour", json!("red")),
    ];
    for (field, value) in cases {
        let mut body = guitar("VALID-1", "A guitar");
        body[field] = value.clone();
        let response = app.post("/api/products", &body).await;
        let error = assert_unprocessable(
            response,
            field,
            &format!("{field} = {value} should be refused"),
        )
        .await;
        assert!(
            error["error"].as_str().unwrap().len() > field.len() + 2,
            "{error}"
        );
    }
    let mut missing = guitar("VALID-1", "A guitar");
    missing.as_object_mut().unwrap().remove("brand");
    let error: Value = app
        .post("/api/products", &missing)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(error["field"], "brand");
    assert_eq!(
        app.log_length().await,
        0,
        "a refused request appends nothing"
    );
}

async fn a_malformed_body_is_a_bad_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .request(reqwest::Method::POST, "/api/products")
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.unwrap();
    assert!(error["error"].is_string());
    let response = app
        .post("/api/products", &json!(["not", "an", "object"]))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.log_length().await, 0);
}

async fn an_unknown_product_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let answers = [
        ("reading it", app.get("/api/products/NOPE").await),
        (
            "editing it",
            app.patch("/api/products/NOPE", &json!({"price": "10"}))
                .await,
        ),
        ("its history", app.get("/api/products/NOPE/history").await),
    ];
    for (what, response) in answers {
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{what}");
    }
}

async fn patching_changes_only_what_is_sent(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("P-1", "Gibson ES-335")).await;
    let response = app
        .patch(
            "/api/products/P-1",
            &json!({"price": "1299.50", "quantity": 2, "finish": null, "expected_version": 1}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let product: Value = response.json().await.unwrap();
    assert_eq!(product["price"], "1299.50");
    assert_eq!(product["quantity"], 2);
    assert_eq!(product["finish"], Value::Null);
    assert_eq!(product["title"], "Gibson ES-335");
    // Details (finish), price and quantity: three events.
    assert_eq!(product["version"], 4);

    // An edit that changes nothing records nothing.
    let before = app.log_length().await;
    let same: Value = app
        .patch("/api/products/P-1", &json!({"price": "1299.50"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(same["version"], 4);
    assert_eq!(app.log_length().await, before);
}

async fn a_stale_expected_version_is_a_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("S-1", "Vox AC30")).await;
    app.patch("/api/products/S-1", &json!({"price": "900"}))
        .await;
    let before = app.log_length().await;
    let response = app
        .patch(
            "/api/products/S-1",
            &json!({"price": "800", "expected_version": 1}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error: Value = response.json().await.unwrap();
    assert!(
        error["error"].as_str().unwrap().contains("reload"),
        "{error}"
    );
    assert_eq!(app.log_length().await, before);
    let product = app.get_json("/api/products/S-1").await;
    assert_eq!(product["price"], "900.00");
}

async fn the_sku_cannot_be_changed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("FIXED-1", "Boss DS-1")).await;
    let response = app
        .patch("/api/products/FIXED-1", &json!({"sku": "OTHER"}))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["field"], "sku");
    assert_eq!(
        app.get("/api/products/OTHER").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn seed(app: &riff_tests::TestApp) {
    for (sku, title, brand, category, condition, price) in [
        (
            "A-1",
            "Gibson Les Paul",
            "Gibson",
            "Electric Guitars",
            "excellent",
            "2500",
        ),
        (
            "A-2",
            "Gibson SG",
            "Gibson",
            "Electric Guitars",
            "good",
            "900",
        ),
        (
            "A-3",
            "Fender Deluxe Reverb",
            "Fender",
            "Amps",
            "very-good",
            "1100",
        ),
        (
            "A-4",
            "Boss DS-1 Distortion",
            "Boss",
            "Pedals",
            "mint",
            "45",
        ),
        (
            "A-5",
            "Fender Telecaster",
            "Fender",
            "Electric Guitars",
            "fair",
            "700",
        ),
    ] {
        let mut body = guitar(sku, title);
        body["brand"] = json!(brand);
        body["category"] = json!(category);
        body["condition"] = json!(condition);
        body["price"] = json!(price);
        app.create_product(&body).await;
    }
}

fn skus(page: &Value) -> Vec<&str> {
    items(page)
        .iter()
        .map(|i| i["sku"].as_str().unwrap())
        .collect()
}

async fn listing_filters_sorts_and_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    seed(&app).await;

    let all = app.get_json("/api/products").await;
    assert_eq!(all["total"], 5);
    assert_eq!(all["page"], 1);
    assert_eq!(all["per_page"], 50);
    assert_eq!(
        skus(&all),
        ["A-5", "A-4", "A-3", "A-2", "A-1"],
        "newest first"
    );

    let gibson = app.get_json("/api/products?brand=gibson&sort=price").await;
    assert_eq!(skus(&gibson), ["A-2", "A-1"]);

    let by_price = app
        .get_json("/api/products?category=Electric%20Guitars&sort=price&order=desc")
        .await;
    assert_eq!(skus(&by_price), ["A-1", "A-2", "A-5"]);

    let mint = app.get_json("/api/products?condition=mint").await;
    assert_eq!(skus(&mint), ["A-4"]);

    let page2 = app
        .get_json("/api/products?sort=sku&per_page=2&page=2")
        .await;
    assert_eq!(skus(&page2), ["A-3", "A-4"]);
    assert_eq!(page2["total"], 5);

    app.patch("/api/products/A-4", &json!({"quantity": 0}))
        .await;
    let active = app.get_json("/api/products?status=active").await;
    assert_eq!(
        active["total"], 5,
        "a recount to zero does not sell an item"
    );
}

async fn the_free_text_search_matches_sku_title_brand_and_model(backend: Backend) {
    let app = spawn_app(backend).await;
    seed(&app).await;
    let search = |q: &'static str| {
        let app = &app;
        async move {
            let page = app.get_json(&format!("/api/products?q={q}")).await;
            skus(&page)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("deluxe").await, ["A-3"]);
    assert_eq!(search("a-4").await, ["A-4"]);
    assert_eq!(search("FENDER").await, ["A-5", "A-3"]);
    assert_eq!(
        search("les%20paul").await.len(),
        5,
        "the model of every seeded item"
    );
    assert!(
        search("%25").await.is_empty(),
        "a % is literal, not a wildcard"
    );
    assert_eq!(
        search("sg").await,
        ["A-2"],
        "two letters, too few for a trigram, still match"
    );

    let mut burst = guitar("A-6", "Gibson Les Paul '59 \"Burst\", Ré-issue");
    burst["model"] = json!("Standard");
    app.create_product(&burst).await;
    assert_eq!(search("%22burst%22").await, ["A-6"], "quotes are text");
    assert_eq!(
        search("R%C3%89-ISSUE").await,
        ["A-6"],
        "any case, any script"
    );
    assert_eq!(search("'59").await, ["A-6"]);

    app.patch(
        "/api/products/A-6",
        &json!({"title": "Gibson Les Paul Goldtop"}),
    )
    .await;
    assert!(search("burst").await.is_empty(), "the old title is gone");
    assert_eq!(search("goldtop").await, ["A-6"], "the new one is found");
}

async fn bad_list_parameters_are_refused_by_name(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        ("sort=colour", "sort"),
        ("order=up", "order"),
        ("per_page=0", "per_page"),
        ("per_page=500", "per_page"),
        ("page=0", "page"),
    ];
    assert_queries_refused(&app, "/api/products", &cases).await;
    assert_eq!(
        app.get("/api/products?page=first").await.status(),
        StatusCode::BAD_REQUEST
    );
}

async fn history_lists_the_product_s_events_with_metadata(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("H-1", "Martin D-28")).await;
    app.patch("/api/products/H-1", &json!({"price": "2100"}))
        .await;
    let history = app.get_json("/api/products/H-1/history").await;
    let events = history["events"].as_array().unwrap();
    let types: Vec<_> = events
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ProductCreated", "PriceChanged"]);
    assert!(events[0]["position"].as_i64() < events[1]["position"].as_i64());
    for event in events {
        assert_eq!(event["metadata"]["source"], "api");
        assert_eq!(event["metadata"]["actor"], "api");
        assert!(event["metadata"]["correlation_id"].is_string());
        assert!(event["recorded_at"].is_string());
    }
    assert_eq!(
        events[1]["payload"]["PriceChanged"]["price"]["amount"],
        "2100.00"
    );
}

async fn data_survives_a_restart(backend: Backend) {
    let mut app = spawn_app(backend).await;
    app.create_product(&guitar("KEEP-1", "Rickenbacker 360"))
        .await;
    app.patch("/api/products/KEEP-1", &json!({"quantity": 3}))
        .await;
    let before = app.get_json("/api/products/KEEP-1").await;
    app.restart().await;
    let after = app.get_json("/api/products/KEEP-1").await;
    assert_eq!(after, before);
    // And it keeps working: the log continues where it was.
    let next = app
        .create_product(&guitar("KEEP-2", "Gretsch White Falcon"))
        .await;
    assert_eq!(next["version"], 1);
    assert_eq!(app.log_length().await, 3);
}

async fn concurrent_edits_of_one_product_are_all_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("RACE-1", "Gibson Flying V"))
        .await;
    let edits = (1..=16).map(|q| {
        let app = &app;
        async move {
            app.patch("/api/products/RACE-1", &json!({"quantity": q + 1}))
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(edits).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let product = app.get_json("/api/products/RACE-1").await;
    // Every edit set a new quantity, so each one is an event: none was lost
    // to the races between them.
    assert_eq!(product["version"], 17);
}
