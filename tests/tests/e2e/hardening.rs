//! Issue 19: no input can wedge Riff. Each test here failed before its fix.

use reqwest::StatusCode;
use riff_tests::{guitar, on_both_backends, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    an_order_ref_too_long_for_the_sales_view_is_refused_and_appends_nothing,
    control_characters_in_any_text_are_refused_naming_the_field,
    a_sale_dated_before_2000_or_after_tomorrow_is_refused,
);

/// Posts a body and returns the status and the JSON answer.
async fn post(app: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let response = app.post(path, body).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn sale(order_ref: &str, sold_at: &str) -> Value {
    json!({"channel": "shop", "order_ref": order_ref, "sold_at": sold_at, "price": "1450.00"})
}

/// A 3,000-character order reference was accepted on PostgreSQL, and the
/// sales view could never index it: every view stopped for good.
async fn an_order_ref_too_long_for_the_sales_view_is_refused_and_appends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("LONG-1", "Gibson SG")).await;
    let before = app.log_length().await;
    let (status, body) = post(
        &app,
        "/api/products/LONG-1/sales",
        &sale(&"R".repeat(3000), "2026-11-20T15:04:05Z"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "order_ref");
    assert_eq!(
        app.log_length().await,
        before,
        "a refused sale appends nothing"
    );

    // The longest accepted one is projected, and the views go on.
    let (status, body) = post(
        &app,
        "/api/products/LONG-1/sales",
        &sale(&"é".repeat(256), "2026-11-20T15:04:05Z"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report: Value = app.get("/api/sales").await.json().await.unwrap();
    assert_eq!(report["totals"]["count"], 1);
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
}

async fn control_characters_in_any_text_are_refused_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("CTRL-1", "Gibson SG")).await;
    let before = app.log_length().await;
    let mut title = guitar("CTRL-2", "Gibson\u{0} SG");
    let (status, body) = post(&app, "/api/products", &title).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "title");
    title["title"] = json!("\u{200B}\u{200B}");
    let (status, body) = post(&app, "/api/products", &title).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "title");
    let (status, body) = post(
        &app,
        "/api/products/CTRL-1/sales",
        &sale("TILL\u{0}1", "2026-11-20T15:04:05Z"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "order_ref");
    assert_eq!(app.log_length().await, before);
}

async fn a_sale_dated_before_2000_or_after_tomorrow_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("OLD-1", "Gibson SG")).await;
    let before = app.log_length().await;
    let tomorrow_and_more = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    for sold_at in [
        "0001-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        &tomorrow_and_more,
    ] {
        let (status, body) = post(&app, "/api/products/OLD-1/sales", &sale("T-1", sold_at)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{sold_at}: {body}"
        );
        assert_eq!(body["field"], "sold_at");
    }
    assert_eq!(app.log_length().await, before);
}
