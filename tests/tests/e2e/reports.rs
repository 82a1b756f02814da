//! The read side as a shop owner uses it: sales, flags, time travel, the
//! audit trail, CSV export and replay.

use std::sync::Arc;

use reqwest::StatusCode;
use riff_domain::listing::PlatformAttributes;
use riff_domain::value::{Platform, Sku};
use riff_domain::{EventMetadata, ListingCommand, ProductStatus, Source};
use riff_projections::{replay, view};
use riff_tests::{
    assert_unprocessable, guitar, hold_found_listing, items, on_both_backends, spawn_app, Backend,
    TestApp,
};
use riff_web::ledger::Ledger;
use serde_json::{json, Value};
use uuid::Uuid;

on_both_backends!(
    an_in_store_sale_is_recorded_and_counted,
    the_earliest_of_two_sales_wins_and_the_other_is_a_flagged_conflict,
    a_sale_reported_twice_counts_once,
    a_bad_sale_is_refused_and_appends_nothing,
    a_flag_is_resolved_once_with_a_note,
    listing_problems_raise_flags_naming_platform_and_listing,
    a_product_can_be_seen_as_it_was,
    the_audit_trail_is_searchable_and_readable,
    the_csv_export_opens_in_a_spreadsheet,
    a_replay_rebuilds_identical_views_while_the_server_answers,
);

async fn sell(
    app: &TestApp,
    sku: &str,
    channel: &str,
    order: &str,
    sold_at: &str,
) -> (StatusCode, Value) {
    let response = app
        .post(
            &format!("/api/products/{sku}/sales"),
            &json!({"channel": channel, "order_ref": order, "sold_at": sold_at, "price": "1450.00"}),
        )
        .await;
    (response.status(), response.json().await.unwrap())
}

async fn an_in_store_sale_is_recorded_and_counted(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("SOLD-1", "Gibson SG")).await;
    let (status, body) = sell(&app, "SOLD-1", "shop", "TILL-0042", "2026-11-20T15:04:05Z").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["status"], "sold");
    assert_eq!(body["product"]["status"], "sold");
    assert_eq!(body["product"]["quantity"], 0);

    let report = app.get_json("/api/sales").await;
    assert_eq!(report["items"][0]["order_ref"], "TILL-0042");
    assert_eq!(report["items"][0]["platform"], "shop");
    assert_eq!(report["totals"]["count"], 1);
    assert_eq!(report["totals"]["revenue"], "1450.00");
    assert_eq!(report["totals"]["by_platform"]["shop"]["count"], 1);
    assert_eq!(
        report["totals"]["by_month"],
        json!([{"month": "2026-11", "count": 1, "revenue": "1450.00"}])
    );

    let october = app
        .get_json("/api/sales?from=2026-10-01&to=2026-11-01")
        .await;
    assert_eq!(october["totals"]["count"], 0);
    let ebay_only = app.get_json("/api/sales?platform=ebay").await;
    assert_eq!(ebay_only["items"], json!([]));
}

async fn the_earliest_of_two_sales_wins_and_the_other_is_a_flagged_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("TWICE-1", "Fender Jazzmaster"))
        .await;
    // Reverb's sale is heard of first, but eBay's buyer bought a minute earlier.
    let (_, first) = sell(&app, "TWICE-1", "reverb", "R-1", "2026-11-25T10:31:00Z").await;
    assert_eq!(first["status"], "sold");
    let (status, second) = sell(&app, "TWICE-1", "ebay", "E-1", "2026-11-25T10:30:00Z").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(second["status"], "sold", "the earlier sale wins");

    let report = app.get_json("/api/sales").await;
    let status_of = |order: &str| {
        items(&report)
            .iter()
            .find(|s| s["order_ref"] == order)
            .map(|s| s["status"].clone())
    };
    assert_eq!(status_of("E-1"), Some(json!("sold")));
    assert_eq!(status_of("R-1"), Some(json!("conflict")));
    assert_eq!(report["totals"]["count"], 1, "an oversell is not revenue");

    let flags = app.get_json("/api/flags?status=open").await;
    let flag = &flags["items"][0];
    assert_eq!(flag["kind"], "sale_conflict");
    assert_eq!(flag["sku"], "TWICE-1");
    let message = flag["message"].as_str().unwrap();
    assert!(
        message.contains("E-1") && message.contains("R-1"),
        "{message}"
    );
}

async fn a_sale_reported_twice_counts_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("ONCE-1", "Gretsch Falcon"))
        .await;
    sell(&app, "ONCE-1", "shopify", "#1001", "2026-11-25T09:00:00Z").await;
    let before = app.log_length().await;
    let (status, body) = sell(&app, "ONCE-1", "shopify", "#1001", "2026-11-25T09:00:00Z").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "already_recorded");
    assert_eq!(app.log_length().await, before);
}

async fn a_bad_sale_is_refused_and_appends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("BAD-1", "Vox AC15")).await;
    let before = app.log_length().await;
    for (field, value) in [
        ("channel", json!("etsy")),
        ("sold_at", json!("yesterday")),
        ("price", json!("-1")),
        ("order_ref", json!("")),
    ] {
        let mut body = json!({"channel": "shop", "order_ref": "T1", "sold_at": "2026-11-25T09:00:00Z", "price": "10"});
        body[field] = value;
        let response = app.post("/api/products/BAD-1/sales", &body).await;
        assert_unprocessable(response, field, field).await;
    }
    let unknown = app
        .post(
            "/api/products/NOPE/sales",
            &json!({"channel": "shop", "order_ref": "T1", "sold_at": "2026-11-25T09:00:00Z", "price": "10"}),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.log_length().await, before);
}

async fn a_flag_is_resolved_once_with_a_note(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("FLAG-1", "Marshall JCM800"))
        .await;
    sell(&app, "FLAG-1", "ebay", "E-9", "2026-11-25T10:00:00Z").await;
    sell(&app, "FLAG-1", "vr", "V-9", "2026-11-25T11:00:00Z").await;
    let flags = app.get_json("/api/flags").await;
    let id = flags["items"][0]["id"].as_i64().unwrap();

    let missing_note = resolve(&app, id, json!({})).await;
    assert_eq!(missing_note.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let resolved = resolve(&app, id, json!({"note": "refunded the V&R buyer"})).await;
    assert_eq!(resolved.status(), StatusCode::OK);
    let resolved: Value = resolved.json().await.unwrap();
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["note"], "refunded the V&R buyer");
    assert_eq!(resolved["resolved_by"], "api");

    let again = resolve(&app, id, json!({"note": "again"})).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let open = app.get_json("/api/flags?status=open").await;
    assert_eq!(open["items"], json!([]));
    let kept = app
        .get_json("/api/flags?status=resolved&kind=sale_conflict")
        .await;
    assert_eq!(items(&kept).len(), 1, "flags are never deleted");
    assert_eq!(
        resolve(&app, 999_999, json!({"note": "x"})).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/flags?status=maybe").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// Resolves flag `id` through the API with `body` (its note).
async fn resolve(app: &TestApp, id: i64, body: Value) -> reqwest::Response {
    app.post(&format!("/api/flags/{id}/resolve"), &body).await
}

async fn listing_problems_raise_flags_naming_platform_and_listing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("LIST-1", "Fender Princeton"))
        .await;
    let db = app.database.connect().await;
    let ledger = Ledger::new(&db);
    let meta = EventMetadata::new(EventMetadata::SYSTEM, Source::Reconcile);
    let listing = Uuid::new_v4();
    ledger
        .listing(
            listing,
            ListingCommand::Request {
                listing_id: listing,
                sku: Sku::parse("LIST-1").unwrap(),
                product_status: ProductStatus::Active,
                attributes: PlatformAttributes::empty(Platform::Reverb),
            },
            &meta,
        )
        .await
        .unwrap();
    ledger
        .listing(
            listing,
            ListingCommand::FailPublish {
                message: "Make is required".into(),
                attempts: 5,
            },
            &meta,
        )
        .await
        .unwrap();
    hold_found_listing(
        &ledger,
        &meta,
        Platform::Ebay,
        "110022",
        "Boss DS-1",
        "\"Boss DS-1\" has no price",
    )
    .await;

    app.settle().await;
    let flags = app.get_json("/api/flags?status=open").await;
    let items = items(&flags);
    let external = items.iter().find(|f| f["kind"] == "import_held").unwrap();
    assert_eq!(external["platform"], "ebay");
    assert_eq!(external["external_id"], "110022");
    assert_eq!(external["sku"], Value::Null);
    assert!(external["message"].as_str().unwrap().contains("Boss DS-1"));
    let failed = items
        .iter()
        .find(|f| f["kind"] == "publish_failed")
        .unwrap();
    assert_eq!(failed["sku"], "LIST-1");
    assert_eq!(failed["platform"], "reverb");
    assert!(failed["message"]
        .as_str()
        .unwrap()
        .contains("Make is required"));

    let product = app.get_json("/api/products/LIST-1").await;
    assert_eq!(product["listings"][0]["status"], "failed");

    let id = failed["id"].as_i64().unwrap();
    let resolved = app
        .post(
            &format!("/api/flags/{id}/resolve"),
            &json!({"note": "added the make"}),
        )
        .await;
    assert_eq!(resolved.status(), StatusCode::OK);
}

async fn a_product_can_be_seen_as_it_was(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("PAST-1", "Gibson Les Paul"))
        .await;
    let history = app.get_json("/api/products/PAST-1/history").await;
    let created_at = history["events"][0]["position"].as_i64().unwrap();
    app.patch(
        "/api/products/PAST-1",
        &json!({"price": "1999", "quantity": 2}),
    )
    .await;
    let now = app.get_json("/api/products/PAST-1").await;

    let then = app
        .get_json(&format!("/api/products/PAST-1?at={created_at}"))
        .await;
    assert_eq!(then["price"], "1499.00");
    assert_eq!(then["quantity"], 1);
    assert_eq!(then["version"], 1);

    let latest = app.log_length().await;
    let same = app
        .get_json(&format!("/api/products/PAST-1?at={latest}"))
        .await;
    assert_eq!(same, now, "folding the whole log gives today's view");
    let by_time = app
        .get_json(&format!(
            "/api/products/PAST-1?at={}",
            urlencode(now["updated_at"].as_str().unwrap())
        ))
        .await;
    assert_eq!(by_time, now);

    let before = app
        .get("/api/products/PAST-1?at=2000-01-01T00:00:00Z")
        .await;
    assert_eq!(before.status(), StatusCode::NOT_FOUND);
    let nonsense = app.get("/api/products/PAST-1?at=last-tuesday").await;
    assert_eq!(nonsense.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

fn urlencode(s: &str) -> String {
    s.replace(':', "%3A").replace('+', "%2B")
}

async fn the_audit_trail_is_searchable_and_readable(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_guitars(&[
        ("AUD-1", "Rickenbacker 330"),
        ("AUD-2", "Hofner Violin Bass"),
    ])
    .await;
    app.patch("/api/products/AUD-1", &json!({"price": "1600"}))
        .await;

    let all = app.get_json("/api/audit").await;
    assert_eq!(all["events"].as_array().unwrap().len(), 3);
    let one = app.get_json("/api/audit?sku=AUD-1").await;
    let events = one["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    let summary = events[1]["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("Price changed from 1499.00 GBP to 1600.00 GBP"),
        "{summary}"
    );
    assert!(summary.ends_with("by api via api"), "{summary}");
    assert_eq!(
        events[1]["payload"]["PriceChanged"]["price"]["amount"],
        "1600.00"
    );
    assert_eq!(events[1]["metadata"]["source"], "api");

    let by_type = app.get_json("/api/audit?event_type=ProductCreated").await;
    assert_eq!(by_type["events"].as_array().unwrap().len(), 2);
    let correlation = events[0]["correlation_id"].as_str().unwrap();
    let by_request = app
        .get_json(&format!("/api/audit?correlation_id={correlation}"))
        .await;
    assert_eq!(by_request["events"].as_array().unwrap().len(), 1);
    let none = app.get_json("/api/audit?source=webhook").await;
    assert_eq!(none["events"], json!([]));
    let future = app.get_json("/api/audit?from=2100-01-01").await;
    assert_eq!(future["events"], json!([]));
    let count = |query: &'static str| {
        let app = &app;
        async move {
            let found = app.get_json(query).await;
            found["events"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("/api/audit?from=2000-01-01&to=2100-01-01").await, 3);
    assert_eq!(count("/api/audit?to=2000-01-01").await, 0);
    assert_eq!(count("/api/audit?actor=api&source=api").await, 3);
    assert_eq!(count("/api/audit?actor=someone-else").await, 0);
    assert_eq!(
        count("/api/audit?sku=AUD-1&event_type=PriceChanged").await,
        1
    );
    let paged = app.get_json("/api/audit?limit=2").await;
    let next = app
        .get_json(&format!("/api/audit?after={}", paged["last_position"]))
        .await;
    assert_eq!(next["events"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/api/audit?from=soon").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

async fn the_csv_export_opens_in_a_spreadsheet(backend: Backend) {
    let app = spawn_app(backend).await;
    let title = "Gibson Les Paul '59 \"Burst\", Ré-issue";
    app.create_product(&guitar("CSV-1", title)).await;
    let mut amp = guitar("CSV-2", "Fender Twin");
    amp["brand"] = json!("Fender");
    app.create_product(&amp).await;

    let response = app.get("/api/export.csv?brand=gibson").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let bytes = response.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    for column in [
        "sku",
        "title",
        "price",
        "currency",
        "status",
        "ebay_status",
        "reverb_external_id",
        "vr_url",
    ] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "only the filtered products");
    let field = |name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        rows[0][i].to_owned()
    };
    assert_eq!(field("sku"), "CSV-1");
    assert_eq!(field("title"), title);
    assert_eq!(field("price"), "1499.00");
    assert_eq!(field("currency"), "GBP");
}

async fn a_replay_rebuilds_identical_views_while_the_server_answers(backend: Backend) {
    let app = Arc::new(spawn_app(backend).await);
    for i in 0..20 {
        app.create_product(&guitar(&format!("R-{i:02}"), "Ibanez JEM"))
            .await;
    }
    sell(&app, "R-03", "shop", "T-1", "2026-11-25T10:00:00Z").await;
    sell(&app, "R-03", "ebay", "E-1", "2026-11-25T10:05:00Z").await;
    app.patch("/api/products/R-07", &json!({"price": "777"}))
        .await;
    let snapshot = |app: Arc<TestApp>| async move {
        let products = app.get_json("/api/products?per_page=200").await;
        let sales = app.get_json("/api/sales").await;
        let flags = app.get_json("/api/flags").await;
        let audit = app.get_json("/api/audit?limit=1000").await;
        (products, sales, flags, audit)
    };
    let before = snapshot(app.clone()).await;

    let readers = (0..4).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            for _ in 0..25 {
                let response = app.get("/api/products?per_page=200").await;
                assert_eq!(response.status(), StatusCode::OK);
                let page: Value = response.json().await.unwrap();
                assert_eq!(page["total"], 20, "never a half-built view");
            }
        })
    });
    let readers = tokio::spawn(futures::future::join_all(readers));
    let db = app.database.connect().await;
    let replayed = replay::rebuild(&db, &view::all(), |_, _| {}).await.unwrap();
    assert_eq!(replayed.events as usize, app.log_length().await);
    for reader in readers.await.unwrap() {
        reader.unwrap();
    }
    assert_eq!(
        snapshot(app.clone()).await,
        before,
        "a rebuilt view equals the live one"
    );
}
