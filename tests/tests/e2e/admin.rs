//! The admin site over HTTP: sessions, CSRF, escaping.

use reqwest::StatusCode;
use riff_tests::admin::{admin_page, browser, log_in, try_log_in, Admin};
use riff_tests::{guitar, on_both_backends, spawn_app, Backend, ADMIN_PASSWORD};

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
    let wrong = try_log_in(&app.address, &client, "hunter2hunter2", &[]).await;
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
        last = try_log_in(&app.address, &client, "wrong-password", &[])
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits now.
    let right = try_log_in(&app.address, &client, ADMIN_PASSWORD, &[]).await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn what_users_and_marketplaces_typed_is_shown_as_text(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("XSS-1", "<script>alert(1)</script>"))
        .await;
    let admin = Admin::log_in(&app).await;
    let page = admin
        .client
        .get(app.url("/inventory"))
        .send()
        .await
        .unwrap();
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
    let admin = Admin::log_in(&app).await;
    let page = admin.body_of("/inventory?brand=Gibson").await;
    assert!(page.contains("INV-1") && page.contains("INV-3") && !page.contains("INV-2"));
    assert!(page.contains("Gibson (2)"), "the dropdown shows counts");
    assert!(page.contains("/inventory/export.csv?brand=Gibson"));
    let csv = admin.body_of("/inventory/export.csv?brand=Gibson").await;
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

async fn every_page_renders_for_a_logged_in_user(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("PAGE-1", "Gretsch White Falcon"))
        .await;
    let admin = Admin::log_in(&app).await;
    for (path, expect) in [
        ("/", "Dashboard"),
        ("/inventory", "PAGE-1"),
        ("/flags", "Flags"),
        ("/sales", "Sales"),
        ("/audit", "Created PAGE-1"),
        ("/sync", "Sync now"),
        ("/settings", "Inventory dropdowns"),
    ] {
        let html = admin.page(path).await;
        assert!(html.contains(expect), "{path} lacks {expect:?}");
    }
}

async fn an_in_store_sale_shows_in_the_sales_chart(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("CHART-1", "Martin D-28")).await;
    let response = app
        .post(
            "/api/products/CHART-1/sales",
            &serde_json::json!({"channel": "shop", "order_ref": "TILL-9",
                                "sold_at": "2026-11-25T10:30:00Z", "price": "2499.00"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let html = admin_page(&app, "/sales").await;
    assert!(
        html.contains("<svg") && html.contains("2026-11"),
        "a chart by month"
    );
    assert!(html.contains("TILL-9"));
}

async fn a_found_listing_can_be_linked_from_the_flags_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("LINK-1", "Fender Jazzmaster"))
        .await;
    let id = app.flag_a_held_import().await;
    let admin = Admin::log_in(&app).await;
    let html = admin.body_of("/flags").await;
    let at = html.find("/flags/").unwrap();
    let flag_id: String = html[at + 7..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let linked = admin
        .post_form(
            &format!("/flags/{flag_id}/link"),
            &[
                ("csrf_token", admin.csrf.as_str()),
                ("listing_id", &id.to_string()),
                ("sku", "LINK-1"),
            ],
        )
        .await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    let product: serde_json::Value = app.get_json("/api/products/LINK-1").await;
    assert_eq!(product["listings"][0]["external_id"], "7001");
    let open: serde_json::Value = app.get_json("/api/flags?status=open").await;
    assert_eq!(open["items"], serde_json::json!([]));
}

on_both_backends!(
    every_page_renders_for_a_logged_in_user,
    an_in_store_sale_shows_in_the_sales_chart,
    a_found_listing_can_be_linked_from_the_flags_page,
);
