//! Issue 19: no input can wedge Riff. Each test here failed before its fix.

use reqwest::StatusCode;

use riff_tests::admin::{admin_page, body_of, browser, csrf_in};
use riff_tests::{guitar, on_both_backends, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    an_order_ref_too_long_for_the_sales_view_is_refused_and_appends_nothing,
    control_characters_in_any_text_are_refused_naming_the_field,
    a_sale_dated_before_2000_or_after_tomorrow_is_refused,
    a_view_that_cannot_apply_an_event_stalls_alone_loudly_and_resumes_once_fixed,
    a_nul_in_a_path_or_query_is_a_400_never_a_5xx,
    login_next_never_leaves_the_site,
    thirty_wrong_passwords_at_once_get_five_checks,
    a_formula_in_a_title_is_exported_as_text,
    unknown_api_paths_and_methods_are_json_errors_not_the_login_page,
    the_bearer_scheme_is_case_insensitive,
    prices_and_skus_follow_one_rule,
    every_json_body_refuses_unknown_fields_naming_them,
);

/// Records a sale of `sku` at the counter for £1,450.00; answers the
/// status and the JSON answer.
async fn sell(app: &TestApp, sku: &str, order_ref: &str, sold_at: &str) -> (StatusCode, Value) {
    let sale =
        json!({"channel": "shop", "order_ref": order_ref, "sold_at": sold_at, "price": "1450.00"});
    app.post_json(&format!("/api/products/{sku}/sales"), &sale)
        .await
}

/// A 3,000-character order reference was accepted on PostgreSQL, and the
/// sales view could never index it: every view stopped for good.
async fn an_order_ref_too_long_for_the_sales_view_is_refused_and_appends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("LONG-1", "Gibson SG")).await;
    let before = app.log_length().await;
    let (status, body) = sell(&app, "LONG-1", &"R".repeat(3000), "2026-11-20T15:04:05Z").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "order_ref");
    assert_eq!(
        app.log_length().await,
        before,
        "a refused sale appends nothing"
    );

    // The longest accepted one is projected, and the views go on.
    let (status, body) = sell(&app, "LONG-1", &"é".repeat(256), "2026-11-20T15:04:05Z").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report = app.get_json("/api/sales").await;
    assert_eq!(report["totals"]["count"], 1);
    app.assert_healthy().await;
}

async fn control_characters_in_any_text_are_refused_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("CTRL-1", "Gibson SG")).await;
    let before = app.log_length().await;
    let mut title = guitar("CTRL-2", "Gibson\u{0} SG");
    let (status, body) = app.post_json("/api/products", &title).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "title");
    title["title"] = json!("\u{200B}\u{200B}");
    let (status, body) = app.post_json("/api/products", &title).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "title");
    let (status, body) = sell(&app, "CTRL-1", "TILL\u{0}1", "2026-11-20T15:04:05Z").await;
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
        let (status, body) = sell(&app, "OLD-1", "T-1", sold_at).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{sold_at}: {body}"
        );
        assert_eq!(body["field"], "sold_at");
    }
    assert_eq!(app.log_length().await, before);
}

/// Makes the sales view unable to apply a sale of order `BOOM`, as a view
/// whose table cannot hold an event would be; `fixed` undoes it.
async fn sabotage_sales(app: &TestApp, backend: Backend, fixed: bool) {
    let db = app.database.connect().await;
    let sql = match (backend, fixed) {
        (Backend::Postgres, false) => {
            "alter table sales add constraint sabotage check (order_ref <> 'BOOM')"
        }
        (Backend::Postgres, true) => "alter table sales drop constraint sabotage",
        (Backend::Sqlite, false) => {
            "create trigger sabotage before insert on sales when new.order_ref = 'BOOM' \
             begin select raise(abort, 'sabotaged'); end"
        }
        (Backend::Sqlite, true) => "drop trigger sabotage",
    };
    sqlx::query(sql).execute(&db.views).await.unwrap();
    db.close().await;
}

/// One sale the sales view could not apply stopped every view, made every
/// write wait 5 s, and `/healthz` still said `ok`.
async fn a_view_that_cannot_apply_an_event_stalls_alone_loudly_and_resumes_once_fixed(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("STALL-1", "Gibson SG")).await;
    sabotage_sales(&app, backend, false).await;

    let started = std::time::Instant::now();
    let (status, body) = sell(&app, "STALL-1", "BOOM", "2026-11-20T15:04:05Z").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["product"]["status"], "sold", "the inventory went on");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "a write does not wait on a stalled view"
    );

    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["status"], "degraded", "{health}");
    let stalled = health["views"].as_object().unwrap();
    assert_eq!(stalled.keys().collect::<Vec<_>>(), ["sales"], "{health}");
    assert!(stalled["sales"]["stalled_at"].as_i64().unwrap() > 0);
    assert!(!stalled["sales"]["error"].as_str().unwrap().is_empty());

    // The other views go on: a new product is created and read back at once.
    app.create_product(&guitar("STALL-2", "Fender Telecaster"))
        .await;
    assert_eq!(
        app.get("/api/products/STALL-2").await.status(),
        StatusCode::OK
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("riff_view_stalled{view=\"sales\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("riff_view_stalled{view=\"inventory\"} 0"),
        "{metrics}"
    );
    let dashboard = admin_page(&app, "/").await;
    assert!(
        dashboard.contains("Some views have stopped"),
        "the dashboard says so"
    );

    // Fixed (an upgrade would do it): the view resumes from its checkpoint.
    sabotage_sales(&app, backend, true).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let health = app.get("/healthz").await;
        if health.status() == StatusCode::OK {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the view never resumed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let report = app.get_json("/api/sales").await;
    assert_eq!(report["items"][0]["order_ref"], "BOOM", "{report}");
}

/// `?q=%00` reached PostgreSQL as a text parameter it cannot take: `500`.
async fn a_nul_in_a_path_or_query_is_a_400_never_a_5xx(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("NUL-1", "Gibson SG")).await;
    for path in [
        "/api/products?q=a%00b",
        "/api/products?brand=%00",
        "/api/audit?actor=%00",
        "/api/products/NUL-1%00",
        "/api/products/%00/history",
        "/api/sales?platform=%00",
        "/inventory?q=%00",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        if path.starts_with("/api") {
            let body: Value = response.json().await.unwrap();
            assert!(body["error"].is_string(), "{path}: {body}");
        } else {
            assert!(response.text().await.unwrap().contains("NUL"), "{path}");
        }
    }
}

/// `/login?next=/%09/evil.example` sent the browser to `//evil.example`.
async fn login_next_never_leaves_the_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = browser();
    let page = body_of(&app, &client, "/login?next=/%09/evil.example").await;
    assert!(
        !page.contains("evil.example"),
        "the form does not carry it on"
    );
    let token = csrf_in(&page);
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "admin"),
            ("password", riff_tests::ADMIN_PASSWORD),
            ("next", "/\t/evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/");
}

/// 30 wrong passwords sent at once got 13 password checks on PostgreSQL
/// and 7 on SQLite: the failures were counted after the check.
async fn thirty_wrong_passwords_at_once_get_five_checks(backend: Backend) {
    let app = spawn_app(backend).await;
    // No cookie store: every attempt carries the same login cookie and
    // token, as a script would.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(app.url("/login")).send().await.unwrap();
    let cookie = page.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = csrf_in(&page.text().await.unwrap());
    let attempts = (0..30).map(|_| {
        client
            .post(app.url("/login"))
            .header("cookie", &cookie)
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "admin"),
                ("password", "wrong"),
            ])
            .send()
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap().status())
        .collect();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let waited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, waited), (5, 25), "{statuses:?}");
}

/// A title `=HYPERLINK(…)` was exported as is, and the README aims the CSV
/// at Excel, which would run it.
async fn a_formula_in_a_title_is_exported_as_text(backend: Backend) {
    let app = spawn_app(backend).await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let mut product = guitar("-CSV-1", formula);
    product["brand"] = json!("@Gibson");
    app.create_product(&product).await;
    let bytes = app.get("/api/export.csv").await.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let field = |name: &str| row[header.iter().position(|h| h == name).unwrap()].to_owned();
    assert_eq!(field("title"), format!("'{formula}"));
    assert_eq!(field("brand"), "'@Gibson");
    assert_eq!(field("sku"), "'-CSV-1");
    assert_eq!(field("price"), "1499.00");
}

/// Unknown `/api` paths redirected to the HTML login page, and
/// `/webhooks/reverb/` (an empty secret) too.
async fn unknown_api_paths_and_methods_are_json_errors_not_the_login_page(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/api/nothing-here", "/api/products/X/nothing", "/api/"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{path}: {body}");
    }
    let response = app
        .request(reqwest::Method::DELETE, "/api/products")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");
    let reverb = app.post_raw("/webhooks/reverb/", "{}").await;
    assert_eq!(reverb.status(), StatusCode::NOT_FOUND);
}

/// `Authorization: bearer …` was refused; the scheme is case-insensitive
/// (RFC 9110).
async fn the_bearer_scheme_is_case_insensitive(backend: Backend) {
    let app = spawn_app(backend).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let authorization = format!("{scheme} {}", riff_tests::TOKEN);
        let response = app
            .get_authorized("/api/products", Some(&authorization))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
    let wrong = app
        .get_authorized("/api/products", Some("bearer not-the-token"))
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
}

/// `10000000.00` was accepted though the message said "under 10,000,000";
/// `1_000` and `1e3` were read as prices; `.` and `..` were SKUs.
async fn prices_and_skus_follow_one_rule(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.log_length().await;
    for price in ["10000000.00", "10000000", "1_000", "1e3"] {
        let mut body = guitar("PRICE-1", "Gibson SG");
        body["price"] = json!(price);
        let (status, body) = app.post_json("/api/products", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{price}: {body}");
        assert_eq!(body["field"], "price", "{price}");
    }
    for sku in [".", "..", "...", "a b", &"x".repeat(65)] {
        let (status, body) = app
            .post_json("/api/products", &guitar(sku, "Gibson SG"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sku}: {body}");
        assert_eq!(body["field"], "sku", "{sku}");
    }
    assert_eq!(app.log_length().await, before);
    let mut body = guitar("PRICE-1", "Gibson SG");
    body["price"] = json!("9999999.99");
    app.create_product(&body).await;
}

/// Unknown JSON fields were `422` on some bodies, `400` on others and
/// ignored on two.
async fn every_json_body_refuses_unknown_fields_naming_them(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("FIELDS-1", "Gibson SG")).await;
    let before = app.log_length().await;
    let mut product = guitar("FIELDS-2", "Gibson SG");
    product["bogus"] = json!(1);
    let listing = "00000000-0000-0000-0000-000000000001";
    let cases: Vec<(reqwest::Method, String, Value)> = vec![
        (reqwest::Method::POST, "/api/products".into(), product),
        (
            reqwest::Method::PATCH,
            "/api/products/FIELDS-1".into(),
            json!({"title": "x", "bogus": 1}),
        ),
        (
            reqwest::Method::POST,
            "/api/products/FIELDS-1/sales".into(),
            json!({"channel": "shop", "order_ref": "T", "sold_at": "2026-11-20T15:04:05Z",
                   "price": "1.00", "bogus": 1}),
        ),
        (
            reqwest::Method::POST,
            "/api/products/FIELDS-1/listings".into(),
            json!({"platform": "ebay", "bogus": 1}),
        ),
        (
            reqwest::Method::POST,
            format!("/api/listings/{listing}/end"),
            json!({"reason": "manual", "bogus": 1}),
        ),
        (
            reqwest::Method::POST,
            "/api/sync".into(),
            json!({"bogus": 1}),
        ),
        (
            reqwest::Method::POST,
            "/api/flags/1/resolve".into(),
            json!({"note": "done", "bogus": 1}),
        ),
        (
            reqwest::Method::PUT,
            "/api/settings/dropdown-sort".into(),
            json!({"field": "brand", "order": "alpha", "bogus": 1}),
        ),
        (
            reqwest::Method::PUT,
            "/api/settings/category-map".into(),
            json!({"category": "Effects Pedals", "ebay": "41418", "bogus": 1}),
        ),
        (
            reqwest::Method::PUT,
            "/api/settings/price-rule".into(),
            json!({"platform": "reverb", "percent": 5, "bogus": 1}),
        ),
    ];
    for (method, path, body) in cases {
        let response = app
            .request(method.clone(), &path)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path}: {answer}"
        );
        assert_eq!(answer["field"], "bogus", "{method} {path}: {answer}");
    }
    assert_eq!(app.log_length().await, before);
}
