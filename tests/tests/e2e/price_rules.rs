//! Per-platform price (issue 23, item 2): a platform's price rule set in
//! Settings, a listing's own fixed price, and what each marketplace is
//! sent when a product is published and when its price changes.

use std::time::Duration;

use reqwest::StatusCode;
use riff_domain::value::Platform;
use riff_tests::quiet_shop;
use riff_tests::{
    assert_refused_with_words, eventually, guitar, on_both_backends, spawn_app, Backend, TestApp,
};
use riff_web::sim::Simulators;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::sync::listing_reaches;
use riff_tests::admin::{admin_page, body_of, browser, log_in};
use riff_tests::listing;

on_both_backends!(
    each_listing_follows_its_platform_s_rule_or_keeps_its_own_price,
    a_bad_price_rule_is_refused_and_appends_nothing,
    the_settings_page_shows_and_changes_a_price_rule,
);

async fn put_rule(app: &TestApp, body: &Value) -> reqwest::Response {
    app.put("/api/settings/price-rule", body).await
}

async fn settings(app: &TestApp) -> Value {
    app.get_json("/api/settings").await
}

fn pounds(amount: &str) -> Decimal {
    amount.parse().unwrap()
}

/// Publishes `sku` on `platform` with `attributes` and waits until it is
/// live; answers its external id.
async fn publish(app: &TestApp, sku: &str, platform: Platform, attributes: Value) -> String {
    let response = app
        .post(
            &format!("/api/products/{sku}/listings"),
            &json!({"platform": platform.as_str(), "attributes": attributes}),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "{sku} on {platform}"
    );
    listing_reaches(app, sku, platform, "live", Duration::from_secs(30)).await;
    listing(&app.product(sku).await, platform)["external_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The seed's "Reverb-specific pricing": Reverb +5%, eBay at the product's
/// price, and a listing published at its own price that keeps it.
async fn each_listing_follows_its_platform_s_rule_or_keeps_its_own_price(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    let set = put_rule(&app, &json!({"platform": "reverb", "percent": 5})).await;
    assert_eq!(set.status(), StatusCode::OK);
    let answer: Value = set.json().await.unwrap();
    assert_eq!(answer["price_rules"], json!({"reverb": "5"}));
    assert_eq!(settings(&app).await["price_rules"], json!({"reverb": "5"}));

    let mut body = guitar("RULE-1", "Gibson Les Paul Standard 1959");
    body["price"] = json!("1000.00");
    body["description"] = json!("All original, with its case.");
    app.create_product(&body).await;
    app.add_picture("RULE-1", riff_tests::PNG).await;
    let on_reverb = publish(&app, "RULE-1", Platform::Reverb, json!({})).await;
    let on_ebay = publish(&app, "RULE-1", Platform::Ebay, json!({})).await;
    assert_eq!(
        sims.reverb().listing(&on_reverb).unwrap().price,
        pounds("1050.00"),
        "Reverb got the product's price +5%"
    );
    assert_eq!(
        sims.ebay().listing(&on_ebay).unwrap().price,
        pounds("1000.00"),
        "eBay has no rule"
    );
    // Each listing's price is on the product, as the platform shows it.
    let p = app.product("RULE-1").await;
    assert_eq!(listing(&p, Platform::Reverb)["price"], "1050.00");
    assert_eq!(listing(&p, Platform::Reverb)["currency"], "GBP");
    assert_eq!(listing(&p, Platform::Ebay)["price"], "1000.00");
    let page = admin_page(&app, "/products/RULE-1").await;
    assert!(
        page.contains(r#"<td class="price" data-label="Price">1050.00 GBP</td>"#)
            && page.contains(r#"<td class="price" data-label="Price">1000.00 GBP</td>"#),
        "{page}"
    );

    // Published on Reverb at its own price, on eBay by the product's.
    let mut body = guitar("FIXED-1", "Fender Stratocaster 1962");
    body["price"] = json!("1000.00");
    body["description"] = json!("Refretted in 2020.");
    app.create_product(&body).await;
    app.add_picture("FIXED-1", riff_tests::PNG).await;
    let fixed_on_reverb = publish(
        &app,
        "FIXED-1",
        Platform::Reverb,
        json!({"price": "999.00"}),
    )
    .await;
    let fixed_on_ebay = publish(&app, "FIXED-1", Platform::Ebay, json!({})).await;
    assert_eq!(
        sims.reverb().listing(&fixed_on_reverb).unwrap().price,
        pounds("999.00"),
        "its own price, not the rule's"
    );

    // The products' price changes: each listing moves by its rule, the
    // fixed one stays.
    for sku in ["FIXED-1", "RULE-1"] {
        let changed = app
            .patch(
                &format!("/api/products/{sku}"),
                &json!({"price": "1200.00"}),
            )
            .await;
        assert_eq!(changed.status(), StatusCode::OK, "{sku}");
    }
    eventually(
        "every rule-following listing revised",
        Duration::from_secs(30),
        || async {
            let reverb = sims.reverb().listing(&on_reverb)?.price;
            let ebay = sims.ebay().listing(&on_ebay)?.price;
            let fixed_ebay = sims.ebay().listing(&fixed_on_ebay)?.price;
            (reverb == pounds("1260.00")
                && ebay == pounds("1200.00")
                && fixed_ebay == pounds("1200.00"))
            .then_some(())
        },
    )
    .await;
    let fixed = sims.reverb().listing(&fixed_on_reverb).unwrap();
    assert_eq!(fixed.price, pounds("999.00"));
    assert_eq!(fixed.revisions, 0, "no revision was sent for its price");
    // Nor asked for: the saga reacted to FIXED-1's change (its eBay
    // listing was revised) and left the Reverb listing alone.
    let history = app.get_json("/api/products/FIXED-1/history").await;
    let reverb_listing = listing(&app.product("FIXED-1").await, Platform::Reverb)["listing_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revisions_asked: Vec<&Value> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["aggregate_id"] == reverb_listing.as_str() && e["event_type"] == "ReviseRequested"
        })
        .collect();
    assert!(revisions_asked.is_empty(), "{revisions_asked:?}");
    // The product shows each listing's new price once the platforms have
    // confirmed it.
    eventually(
        "the revisions confirmed",
        Duration::from_secs(30),
        || async {
            let p = app.product("RULE-1").await;
            (listing(&p, Platform::Reverb)["price"] == "1260.00"
                && listing(&p, Platform::Ebay)["price"] == "1200.00")
                .then_some(())
        },
    )
    .await;
    assert_eq!(
        listing(&app.product("FIXED-1").await, Platform::Reverb)["price"],
        "999.00"
    );

    // A rule changed moves the platform's listings that follow it at once;
    // removed (0), they show the product's price again.
    let removed = put_rule(&app, &json!({"platform": "reverb", "percent": "0"})).await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert_eq!(
        removed.json::<Value>().await.unwrap()["price_rules"],
        json!({})
    );
    eventually(
        "Reverb back at the product's price",
        Duration::from_secs(30),
        || async { (sims.reverb().listing(&on_reverb)?.price == pounds("1200.00")).then_some(()) },
    )
    .await;
    assert_eq!(
        sims.reverb().listing(&fixed_on_reverb).unwrap().revisions,
        0
    );

    // Each change is an event in the audit log, said in words.
    let summaries = app.audit_summaries("event_type=PriceRuleSet").await;
    assert_eq!(summaries.len(), 2, "{summaries:?}");
    assert!(
        summaries[0].contains("Reverb") && summaries[0].contains("+5%"),
        "{summaries:?}"
    );
    assert!(summaries[1].contains("removed"), "{summaries:?}");
}

/// Each bad body is `422` naming its field, and the log is as it was.
async fn a_bad_price_rule_is_refused_and_appends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let set = put_rule(&app, &json!({"platform": "shopify", "percent": "-10"})).await;
    assert_eq!(set.status(), StatusCode::OK);
    let before = app.log_length().await;
    for (body, field) in [
        (json!({"platform": "etsy", "percent": 5}), "platform"),
        (json!({"platform": 2, "percent": 5}), "platform"),
        (json!({"percent": 5}), "platform"),
        (json!({"platform": "reverb"}), "percent"),
        (json!({"platform": "reverb", "percent": "five"}), "percent"),
        (json!({"platform": "reverb", "percent": "5%"}), "percent"),
        (json!({"platform": "reverb", "percent": null}), "percent"),
        (json!({"platform": "reverb", "percent": 250}), "percent"),
        (json!({"platform": "reverb", "percent": -95}), "percent"),
        (json!({"platform": "reverb", "percent": 5.125}), "percent"),
        (
            json!({"platform": "reverb", "percent": 5, "rounding": "up"}),
            "rounding",
        ),
    ] {
        let response = put_rule(&app, &body).await;
        assert_refused_with_words(response, field, &body.to_string()).await;
    }
    // The same rule again records nothing either.
    let again = put_rule(&app, &json!({"platform": "shopify", "percent": -10.0})).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(app.log_length().await, before);
    assert_eq!(
        settings(&app).await["price_rules"],
        json!({"shopify": "-10"})
    );
}

/// The owner sees each platform's rule on `/settings` and changes one
/// there; a bad percentage is shown beside its row with what was typed.
async fn the_settings_page_shows_and_changes_a_price_rule(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = browser();
    let token = log_in(&app, &client).await;
    let post = |platform: &'static str, percent: &'static str, with_token: bool| {
        let client = client.clone();
        let url = app.url("/settings/price-rule");
        let token = token.clone();
        async move {
            let mut fields = vec![("platform", platform), ("percent", percent)];
            if with_token {
                fields.push(("csrf_token", token.as_str()));
            }
            client.post(url).form(&fields).send().await.unwrap()
        }
    };
    let html = admin_page(&app, "/settings").await;
    assert!(html.contains("Price rules"), "{html}");

    let saved = post("reverb", "7.5", true).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        settings(&app).await["price_rules"],
        json!({"reverb": "7.5"})
    );
    let html = body_of(&app, &client, "/settings").await;
    assert!(html.contains("product's price +7.5%"), "{html}");
    assert!(html.contains(r#"name="percent" inputmode="decimal" placeholder="e.g. 5 or -10" aria-label="Reverb price rule, percent" value="7.5""#), "{html}");

    let before = app.log_length().await;
    let refused = post("reverb", "a lot", true).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("is not a percentage"), "{html}");
    assert!(html.contains(r#"value="a lot""#), "what was typed is kept");
    let forged = post("reverb", "50", false).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no CSRF token");
    assert_eq!(app.log_length().await, before);

    // Blank is no rule.
    let cleared = post("reverb", "", true).await;
    assert_eq!(cleared.status(), StatusCode::SEE_OTHER);
    assert_eq!(settings(&app).await["price_rules"], json!({}));
}
