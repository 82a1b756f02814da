//! The admin site over HTTP: sessions, CSRF, escaping.

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use riff_tests::{guitar, on_both_backends, spawn_app, Backend, TestApp, ADMIN_PASSWORD};

/// A browser-like client: keeps cookies, does not follow redirects (so the
/// tests see them).
pub(crate) fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The value of a hidden `csrf_token` field in a page.
pub(crate) fn csrf_in(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\"")
        .expect("a csrf_token field");
    let value = &html[at..];
    let start = value.find("value=\"").unwrap() + 7;
    let end = value[start..].find('"').unwrap();
    value[start..start + end].to_owned()
}

/// Logs `client` in as admin and returns the session's CSRF token.
pub(crate) async fn log_in(app: &TestApp, client: &Client) -> String {
    let page = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let token = csrf_in(&page.text().await.unwrap());
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
            ("next", "/inventory"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "logging in");
    assert_eq!(response.headers()["location"], "/inventory");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("riff_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    csrf_in(&home.text().await.unwrap())
}

/// Fills each `{param}` of a route with a plausible value.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "X-1"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn every_page_but_the_public_ones_needs_a_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = browser();
    for path in riff_web::admin::protected_paths() {
        let url = app.url(&concrete(path));
        for response in [
            client.get(&url).send().await.unwrap(),
            client.post(&url).form(&[("x", "1")]).send().await.unwrap(),
        ] {
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            let location = response.headers()["location"].to_str().unwrap();
            assert!(location.starts_with("/login"), "{path} → {location}");
        }
    }
    for public in ["/login", "/healthz"] {
        let response = client.get(app.url(public)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{public}");
    }
}

async fn logging_in_needs_the_right_password_and_a_form_from_riff(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = browser();
    let page = client.get(app.url("/login")).send().await.unwrap();
    let token = csrf_in(&page.text().await.unwrap());
    let wrong = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "admin"),
            ("password", "hunter2hunter2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("do not match"));
    // A login form posted from elsewhere has no matching token.
    let forged = browser()
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", "guess"),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let csrf = log_in(&app, &client).await;
    // A state-changing form without the session's token changes nothing.
    app.create_product(&guitar("BULK-1", "Gibson SG")).await;
    let before = app.log_length().await;
    let forged = client
        .post(app.url("/inventory/bulk"))
        .form(&[
            ("csrf_token", "forged"),
            ("sku", "BULK-1"),
            ("action", "end"),
            ("platform", "ebay"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.log_length().await, before);

    let logout = client
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    let after = client.get(app.url("/inventory")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "logged out");
}

async fn repeated_failed_logins_are_slowed_down(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = browser();
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        let page = client.get(app.url("/login")).send().await.unwrap();
        let token = csrf_in(&page.text().await.unwrap());
        last = client
            .post(app.url("/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", "admin"),
                ("password", "wrong-password"),
            ])
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits now.
    let page = client.get(app.url("/login")).send().await.unwrap();
    let token = csrf_in(&page.text().await.unwrap());
    let right = client
        .post(app.url("/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn what_users_and_marketplaces_typed_is_shown_as_text(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("XSS-1", "<script>alert(1)</script>"))
        .await;
    let client = browser();
    log_in(&app, &client).await;
    let page = client.get(app.url("/inventory")).send().await.unwrap();
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "unescaped title"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
}

async fn the_inventory_page_filters_and_exports_what_it_shows(backend: Backend) {
    let app = spawn_app(backend).await;
    for (sku, brand) in [
        ("INV-1", "Gibson"),
        ("INV-2", "Fender"),
        ("INV-3", "Gibson"),
    ] {
        let mut body = guitar(sku, &format!("{brand} guitar"));
        body["brand"] = serde_json::json!(brand);
        app.create_product(&body).await;
    }
    let client = browser();
    log_in(&app, &client).await;
    let page = client
        .get(app.url("/inventory?brand=Gibson"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("INV-1") && page.contains("INV-3") && !page.contains("INV-2"));
    assert!(page.contains("Gibson (2)"), "the dropdown shows counts");
    assert!(page.contains("/inventory/export.csv?brand=Gibson"));
    let csv = client
        .get(app.url("/inventory/export.csv?brand=Gibson"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(!csv.contains("INV-2"));
}

on_both_backends!(
    every_page_but_the_public_ones_needs_a_session,
    logging_in_needs_the_right_password_and_a_form_from_riff,
    repeated_failed_logins_are_slowed_down,
    what_users_and_marketplaces_typed_is_shown_as_text,
    the_inventory_page_filters_and_exports_what_it_shows,
);
