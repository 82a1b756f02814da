//! Riff against marketplaces set up as shops really are: listings in other
//! currencies than the shop's, a V&R account in dollars, a Shopify store
//! with no location setting, stock sold before Riff first looked, order
//! numbers as the seller knows them, drafts and archived products.

use std::time::Duration;

use reqwest::StatusCode;
use riff_domain::policy::PlatformPriority;
use riff_domain::value::{Currency, Platform};
use riff_tests::quiet_shop;
use riff_tests::{
    assert_one_starts_with, items, on_both_backends, spawn_shop, Backend, TestApp, TestDatabase,
};
use riff_web::sim::Simulators;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::sync::{buy, open_flags, sync_and_settle};
use riff_tests::listing;

fn usd() -> Currency {
    Currency::parse("USD").unwrap()
}

/// Riff for a shop in `currency`, reading the platforms in `priority`
/// order, with the simulators and no webhooks: syncs run when a test asks.
async fn shop_of(
    backend: Backend,
    sims: &Simulators,
    currency: Currency,
    priority: &str,
) -> TestApp {
    let settings = sims.spawn().await.unwrap();
    spawn_shop(
        TestDatabase::new(backend).await,
        settings,
        currency,
        priority.parse::<PlatformPriority>().unwrap(),
    )
    .await
}

/// Every order in which the four platforms can be read.
fn every_order() -> Vec<String> {
    let mut orders = Vec::new();
    let all = Platform::ALL;
    for a in all {
        for b in all.into_iter().filter(|p| *p != a) {
            for c in all.into_iter().filter(|p| ![a, b].contains(p)) {
                let d = all.into_iter().find(|p| ![a, b, c].contains(p)).unwrap();
                orders.push(format!("{a},{b},{c},{d}"));
            }
        }
    }
    orders
}

/// A GBP shop whose Reverb and Shopify sell in dollars: one guitar listed on
/// all four, found by the first sync, then sold on eBay.
async fn a_foreign_currency_listing_is_linked_and_ended_when_sold_elsewhere(
    backend: Backend,
    priority: &str,
) {
    let sims = Simulators::new(None).unwrap();
    sims.reverb().set_currency("USD");
    sims.shopify().set_currency("USD");
    let (pounds, dollars) = (Decimal::new(150_000, 2), Decimal::new(190_000, 2));
    let title = "Fender Stratocaster 1962 Sunburst";
    let on_ebay = sims.ebay().seed_listing("STRAT-62", title, pounds, 1);
    sims.reverb().seed_listing("STRAT-62", title, dollars, 1);
    sims.shopify().seed_listing("STRAT-62", title, dollars, 1);
    sims.vr()
        .seed_listing("STRAT-62", "Fender", "Stratocaster 1962", pounds);
    let app = shop_of(backend, &sims, Currency::GBP, priority).await;

    let run = sync_and_settle(&app).await;
    assert_eq!(run["status"], "succeeded", "{priority}: {run}");
    let p = app.product("STRAT-62").await;
    for platform in Platform::ALL {
        assert_eq!(
            listing(&p, platform)["status"],
            "live",
            "{priority}: {platform} not linked: {p}"
        );
    }
    // The shop's price is the one in its own currency, whichever platform
    // was read first, and the product is for sale.
    assert_eq!(p["status"], "active", "{priority}: {p}");
    assert_eq!(
        (p["price"].as_str(), p["currency"].as_str()),
        (Some("1500.00"), Some("GBP")),
        "{priority}: {p}"
    );
    let mismatched = open_flags(&app, "currency_mismatch").await;
    let mut platforms: Vec<&str> = mismatched
        .iter()
        .map(|f| f["platform"].as_str().unwrap())
        .collect();
    platforms.sort_unstable();
    assert_eq!(
        platforms,
        ["reverb", "shopify"],
        "{priority}: {mismatched:?}"
    );
    assert!(
        open_flags(&app, "import_held").await.is_empty(),
        "{priority}"
    );

    buy(&sims, Platform::Ebay, &on_ebay);
    sync_and_settle(&app).await;
    let p = app.product("STRAT-62").await;
    assert_eq!(p["status"], "sold", "{priority}: {p}");
    for platform in [Platform::Reverb, Platform::Shopify, Platform::Vr] {
        assert_eq!(
            listing(&p, platform)["status"],
            "ended",
            "{priority}: still for sale on {platform}: {p}"
        );
    }
    // Ended on the platforms themselves, not only in Riff.
    assert!(sims
        .reverb()
        .listings()
        .iter()
        .all(|l| l.state != riff_adapters::reverb::simulator::SimState::Live));
    // A linked listing in dollars kept its own price: nothing was revised.
    assert!(sims.reverb().listings().iter().all(|l| l.revisions == 0));
}

async fn a_gbp_shop_with_dollar_listings_links_them_whatever_order_it_reads_in(backend: Backend) {
    for order in every_order() {
        a_foreign_currency_listing_is_linked_and_ended_when_sold_elsewhere(backend, &order).await;
    }
}

async fn a_listing_held_for_review_is_linked_once_its_sku_exists(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    app.create_product(&riff_tests::guitar("AC30-A", "Vox AC30 Top Boost 1964"))
        .await;
    // Made on Reverb with the SKU of a product Riff does not have yet, and
    // the title of one it has: held for the owner, not made a product.
    let held = sims.reverb().seed_listing(
        "AC30-B",
        "Vox AC30 Top Boost 1964",
        Decimal::new(210_000, 2),
        1,
    );
    sync_and_settle(&app).await;
    assert_eq!(open_flags(&app, "likely_duplicate").await.len(), 1);

    // The owner makes AC30-B: the next sync links the held listing to it.
    app.create_product(&riff_tests::guitar("AC30-B", "Vox AC30 (second)"))
        .await;
    sync_and_settle(&app).await;
    let p = app.product("AC30-B").await;
    assert_eq!(
        listing(&p, Platform::Reverb)["external_id"],
        held.as_str(),
        "{p}"
    );
    assert_eq!(listing(&p, Platform::Reverb)["status"], "live", "{p}");
}

async fn a_usd_shop_adopts_a_vr_account_that_sells_in_dollars(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    sims.vr().seed_listing(
        "LP-59",
        "Gibson",
        "Les Paul Standard 1959",
        Decimal::new(250_000, 2),
    );
    let mut settings = sims.spawn().await.unwrap();
    settings.vr_currency = Some(usd());
    let app = spawn_shop(
        TestDatabase::new(backend).await,
        settings,
        usd(),
        PlatformPriority::default(),
    )
    .await;
    sync_and_settle(&app).await;
    let p = app.product("LP-59").await;
    assert_eq!(p["status"], "active", "{p}");
    assert_eq!(
        (p["price"].as_str(), p["currency"].as_str()),
        (Some("2500.00"), Some("USD")),
        "{p}"
    );
    assert_eq!(listing(&p, Platform::Vr)["status"], "live");
    assert!(open_flags(&app, "import_held").await.is_empty());
    assert!(open_flags(&app, "currency_mismatch").await.is_empty());
}

async fn a_listing_only_in_another_currency_becomes_a_draft_linked_to_it(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    sims.reverb().set_currency("USD");
    sims.reverb().seed_listing(
        "TELE-52",
        "Fender Telecaster 1952",
        Decimal::new(900_000, 2),
        1,
    );
    let app = quiet_shop(backend, &sims).await;
    sync_and_settle(&app).await;
    let p = app.product("TELE-52").await;
    assert_eq!(p["status"], "draft", "{p}");
    assert_eq!(listing(&p, Platform::Reverb)["status"], "live", "{p}");
    let held = open_flags(&app, "import_held").await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(
        held[0]["message"].as_str().unwrap().contains("USD"),
        "{held:?}"
    );

    // A draft is not listed anywhere until it has the shop's price.
    let refused = app.request_listing("TELE-52", "ebay").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("GBP"), "{body}");
    let activated = app
        .post("/api/products/TELE-52/activate", &json!({"price": "7200"}))
        .await;
    assert_eq!(activated.status(), StatusCode::OK);
    let p: Value = activated.json().await.unwrap();
    assert_eq!(
        (p["status"].as_str(), p["price"].as_str()),
        (Some("active"), Some("7200.00")),
        "{p}"
    );
}

/// Riff and a Shopify store with no `SHOPIFY_LOCATION_ID` set.
async fn shop_without_a_location(backend: Backend, sims: &Simulators) -> TestApp {
    let mut settings = sims.spawn().await.unwrap();
    settings.shopify_location_id = None;
    spawn_shop(
        TestDatabase::new(backend).await,
        settings,
        Currency::GBP,
        PlatformPriority::default(),
    )
    .await
}

async fn shopify_without_a_location_setting_never_invents_a_sale(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let title = "Boss DS-1 Distortion";
    let gid = sims
        .shopify()
        .seed_listing("DS1-A", title, Decimal::new(4_500, 2), 1);
    sims.ebay()
        .seed_listing("DS1-A", title, Decimal::new(4_500, 2), 1);
    let app = shop_without_a_location(backend, &sims).await;
    sync_and_settle(&app).await;
    sync_and_settle(&app).await;
    let sales = app.get_json("/api/sales").await;
    assert_eq!(sales["items"], json!([]), "{sales}");
    assert_eq!(app.product("DS1-A").await["status"], "active");

    // Counted down to nothing by hand in Shopify's admin, no order: for
    // the owner to check, never a sale that ends the other listings.
    assert!(sims.shopify().set_inventory(&gid, 0));
    sync_and_settle(&app).await;
    let p = app.product("DS1-A").await;
    assert_eq!(listing(&p, Platform::Ebay)["status"], "live", "{p}");
    assert_eq!(p["status"], "active", "{p}");
    let sales = app.get_json("/api/sales").await;
    assert_eq!(sales["items"], json!([]), "{sales}");
    let drifted = open_flags(&app, "status_drifted").await;
    assert_eq!(drifted.len(), 1, "{drifted:?}");
    assert_eq!(drifted[0]["platform"], "shopify");

    // A product Riff lists itself is stocked at the store's one location,
    // so the next reconcile still finds it for sale with its quantity.
    let mut guitar = riff_tests::guitar("JAZZ-1", "Fender Jazzmaster 1960");
    guitar["quantity"] = json!(2);
    app.create_product(&guitar).await;
    let published = app.request_listing("JAZZ-1", "shopify").await;
    assert_eq!(published.status(), StatusCode::ACCEPTED);
    sync_and_settle(&app).await;
    let p = app.product("JAZZ-1").await;
    assert_eq!(listing(&p, Platform::Shopify)["status"], "live", "{p}");
    assert_eq!(
        (p["status"].as_str(), p["quantity"].as_i64()),
        (Some("active"), Some(2)),
        "{p}"
    );
    let on_shopify = sims
        .shopify()
        .products()
        .into_iter()
        .find(|s| s.sku.as_deref() == Some("JAZZ-1"))
        .unwrap();
    assert_eq!(on_shopify.inventory, 2);
}

async fn a_store_with_several_locations_and_no_setting_is_told_which_to_choose(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    sims.shopify().set_locations(&[
        (70_000_000_001, "Shop floor", true),
        (70_000_000_002, "Warehouse", true),
    ]);
    let app = shop_without_a_location(backend, &sims).await;
    app.create_product(&riff_tests::guitar("GRETSCH-1", "Gretsch White Falcon"))
        .await;
    app.request_listing("GRETSCH-1", "shopify").await;
    sync_and_settle(&app).await;
    let failed = open_flags(&app, "publish_failed").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    let message = failed[0]["message"].as_str().unwrap();
    assert!(
        message.contains("SHOPIFY_LOCATION_ID") && message.contains("Warehouse"),
        "{message}"
    );
    assert!(sims.shopify().products().is_empty(), "a product was made");
}

async fn stock_sold_before_adoption_is_counted_once_and_sync_returns(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let title = "Boss DS-1 Distortion";
    let price = Decimal::new(4_500, 2);
    let gid = sims.shopify().seed_listing("DS1-3", title, price, 3);
    let on_ebay = sims.ebay().seed_listing("DS1-3", title, price, 3);
    let on_reverb = sims.reverb().seed_listing("DS1-3", title, price, 3);
    sims.shopify().buy(&gid).unwrap();
    let mut app = quiet_shop(backend, &sims).await;

    // `riff sync`, as cron runs it, with no server running: it must come
    // back, having done everything the sync caused.
    app.stop().await;
    let outcome = tokio::time::timeout(
        Duration::from_secs(120),
        riff_web::cli::sync::run(&app.config(), None, true),
    )
    .await
    .expect("riff sync returned");
    assert!(outcome.is_ok());
    app.restart().await;
    let p = app.product("DS1-3").await;
    assert_eq!(p["quantity"], 2, "{p}");
    let sales = app.get_json("/api/sales").await;
    let items = items(&sales);
    assert_eq!(items.len(), 1, "{sales}");
    assert!(
        items[0]["order_number"].as_str().unwrap().starts_with('#'),
        "{sales}"
    );
    assert_eq!(sims.ebay().listing(&on_ebay).unwrap().available(), 2);
    assert_eq!(sims.reverb().listing(&on_reverb).unwrap().inventory, 2);
}

async fn archiving_ends_every_live_listing_and_restoring_lists_nothing(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    app.create_product(&riff_tests::guitar("ES-335", "Gibson ES-335 1965"))
        .await;
    crate::sync::list_everywhere(&app, "ES-335").await;
    let archived = app.post("/api/products/ES-335/archive", &json!({})).await;
    assert_eq!(archived.status(), StatusCode::OK);
    assert_eq!(
        archived.json::<Value>().await.unwrap()["status"],
        "archived"
    );
    sync_and_settle(&app).await;
    let p = app.product("ES-335").await;
    for platform in Platform::ALL {
        assert_eq!(listing(&p, platform)["status"], "ended", "{platform}: {p}");
    }
    let restored = app.post("/api/products/ES-335/restore", &json!({})).await;
    assert_eq!(restored.status(), StatusCode::OK);
    let p: Value = restored.json().await.unwrap();
    assert_eq!(p["status"], "active", "{p}");
    let story = app.audit_summaries("sku=ES-335").await;
    assert_one_starts_with(&story, "Archived");
    assert_one_starts_with(&story, "Restored from the archive");
}

async fn a_draft_is_kept_but_not_listed(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    let mut draft = riff_tests::guitar("RIC-360", "Rickenbacker 360 12-string");
    draft["status"] = json!("draft");
    let created = app.post("/api/products", &draft).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.json::<Value>().await.unwrap()["status"], "draft");
    let refused = app.request_listing("RIC-360", "reverb").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("draft"), "{body}");
    let drafts = app.get_json("/api/products?status=draft").await;
    assert_eq!(items(&drafts).len(), 1, "{drafts}");
    assert_eq!(sims.reverb().listings_with_sku("RIC-360"), 0);
}

async fn order_numbers_are_the_ones_the_seller_knows(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    for (sku, title) in [
        ("ORD-E", "Gibson SG 1961"),
        ("ORD-S", "Fender Precision 1957"),
    ] {
        app.create_product(&riff_tests::guitar(sku, title)).await;
    }
    let e = crate::sync::list_everywhere(&app, "ORD-E").await;
    let s = crate::sync::list_everywhere(&app, "ORD-S").await;
    buy(
        &sims,
        Platform::Ebay,
        listing(&e, Platform::Ebay)["external_id"].as_str().unwrap(),
    );
    buy(
        &sims,
        Platform::Shopify,
        listing(&s, Platform::Shopify)["external_id"]
            .as_str()
            .unwrap(),
    );
    sync_and_settle(&app).await;
    let sales = app.get_json("/api/sales").await;
    let number = |sku: &str| {
        items(&sales)
            .iter()
            .find(|i| i["sku"] == sku)
            .map(|i| (i["order_number"].clone(), i["order_ref"].clone()))
            .unwrap()
    };
    let (ebay_number, ebay_line) = number("ORD-E");
    let ebay_number = ebay_number.as_str().unwrap().to_owned();
    assert_eq!(ebay_number.split('-').count(), 3, "{ebay_number}");
    assert_ne!(ebay_line.as_str(), Some(ebay_number.as_str()));
    let (shopify_number, shopify_line) = number("ORD-S");
    let shopify_number = shopify_number.as_str().unwrap().to_owned();
    assert!(shopify_number.starts_with('#'), "{shopify_number}");
    assert!(shopify_line
        .as_str()
        .unwrap()
        .starts_with("gid://shopify/LineItem/"));

    // The sales page shows the numbers, eBay's linked to Seller Hub.
    let page = riff_tests::admin::admin_page(&app, "/sales").await;
    assert!(page.contains(&shopify_number), "{page}");
    assert!(
        page.contains(&format!("orderid={ebay_number}")),
        "no Seller Hub link for {ebay_number}"
    );
}

on_both_backends!(
    a_gbp_shop_with_dollar_listings_links_them_whatever_order_it_reads_in,
    a_listing_held_for_review_is_linked_once_its_sku_exists,
    a_usd_shop_adopts_a_vr_account_that_sells_in_dollars,
    a_listing_only_in_another_currency_becomes_a_draft_linked_to_it,
    shopify_without_a_location_setting_never_invents_a_sale,
    a_store_with_several_locations_and_no_setting_is_told_which_to_choose,
    stock_sold_before_adoption_is_counted_once_and_sync_returns,
    archiving_ends_every_live_listing_and_restoring_lists_nothing,
    a_draft_is_kept_but_not_listed,
    order_numbers_are_the_ones_the_seller_knows,
);

/// A guitar, an amplifier and a pedal (three of it), each with two
/// pictures, published everywhere with nothing but the shop's settings:
/// every listing goes live on the first try, and each platform receives
/// its own category, condition, item specifics, terms and the pictures in
/// order.
async fn each_platform_receives_its_category_condition_and_terms(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    let kinds = [
        (
            "KIND-GTR",
            "Electric Guitars",
            "33034",
            "e57deb7a-382b-4e18-a008-67d4fbcb2879",
            ("51", "83"),
        ),
        (
            "KIND-AMP",
            "Guitar Amplifiers",
            "38072",
            "10335451-31e5-418a-8ed8-f48cd738f17d",
            ("53", "183"),
        ),
        (
            "KIND-FX",
            "Effects Pedals",
            "41416",
            "9bee8b39-c5f1-4fa7-90af-38740fc21a73",
            ("90", "91"),
        ),
    ];
    for (sku, category, ..) in kinds {
        let mut body = riff_tests::guitar(sku, &format!("{category} {sku}"));
        body["category"] = json!(category);
        if sku == "KIND-FX" {
            // Three of a new pedal: Reverb offers several units of new
            // items, and eBay takes the quantity.
            body["quantity"] = json!(3);
            body["condition"] = json!("new");
        }
        app.create_product(&body).await;
        for side in ["front", "back"] {
            app.add_picture(sku, &riff_web::demo::picture::picture(sku, side))
                .await;
        }
        if sku == "KIND-GTR" {
            let video = app
                .post(
                    "/api/products/KIND-GTR/media",
                    &json!({"youtube": "https://youtu.be/dQw4w9WgXcQ"}),
                )
                .await;
            assert_eq!(video.status(), StatusCode::CREATED);
        }
        let readiness = app
            .get_json(&format!("/api/products/{sku}/readiness"))
            .await;
        for platform in Platform::ALL {
            assert_eq!(
                readiness[platform.as_str()]["ready"],
                true,
                "{sku}: {readiness}"
            );
        }
        crate::sync::list_everywhere(&app, sku).await;
    }
    for (sku, category, ebay_category, reverb_category, (vr_category, vr_sub)) in kinds {
        let p = app.product(sku).await;
        let id = |platform| {
            listing(&p, platform)["external_id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let media: Vec<String> = p["media"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| {
                m.pointer("/kind/sha256")
                    .or_else(|| m.get("sha256"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let published: Vec<String> = media
            .iter()
            .map(|sha| format!("{}/media/{sha}", riff_tests::PUBLIC_URL))
            .collect();
        assert_eq!(published.len(), 2, "{sku}: {p}");
        let video = (sku == "KIND-GTR").then_some("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
        let new = sku == "KIND-FX";

        let on_ebay = sims.ebay().listing(&id(Platform::Ebay)).unwrap();
        assert_eq!(on_ebay.category_id.as_deref(), Some(ebay_category), "{sku}");
        let condition = if new { 1000 } else { 3000 };
        assert_eq!(on_ebay.condition_id, Some(condition), "{sku}");
        assert!(
            on_ebay.item_specifics.iter().any(|(n, _)| n == "Brand"),
            "{sku}"
        );
        assert_eq!(on_ebay.postal_code.as_deref(), Some("M1 1AE"));
        assert!(
            on_ebay.profiles.0.is_some()
                && on_ebay.profiles.1.is_some()
                && on_ebay.profiles.2.is_some()
        );
        assert_eq!(on_ebay.picture_urls, published, "{sku}: in order");
        assert_eq!(on_ebay.quantity, if new { 3 } else { 1 }, "{sku}");

        let on_reverb = sims.reverb().listing(&id(Platform::Reverb)).unwrap();
        assert_eq!(on_reverb.categories, [reverb_category], "{sku}");
        let condition = if new {
            "7c3f45de-2ae0-4c81-8400-fdb6b1d74890"
        } else {
            "df268ad1-c462-4ba6-b6db-e007e23922ea"
        };
        assert_eq!(on_reverb.condition.as_deref(), Some(condition), "{sku}");
        assert_eq!(on_reverb.photos, published, "{sku}: in order");
        assert_eq!(on_reverb.shipping_profile_id.as_deref(), Some("81462"));
        assert_eq!(on_reverb.inventory, if new { 3 } else { 1 }, "{sku}");
        assert_eq!(on_reverb.videos, Vec::from_iter(video.map(str::to_owned)));
        assert_eq!(
            on_reverb.description.as_deref(),
            Some("All original, with its case.")
        );

        let on_vr = sims.vr().listing(&id(Platform::Vr)).unwrap();
        assert_eq!(
            on_vr.categories,
            (vr_category.to_owned(), vr_sub.to_owned()),
            "{sku}"
        );
        let sent: Vec<&str> = on_vr.images.iter().map(|i| i.sha256.as_str()).collect();
        assert_eq!(sent, media, "{sku}: the bytes, in order");
        assert_eq!(on_vr.processing_time, "3 Days", "{sku}");
        assert_eq!(on_vr.video, video.unwrap_or_default(), "{sku}");

        let on_shopify = sims.shopify().product(&id(Platform::Shopify)).unwrap();
        assert_eq!(on_shopify.product_type, category, "{sku}");
        let tag = if new { "Brand New" } else { "Excellent" };
        assert!(
            on_shopify.tags.iter().any(|t| t == tag),
            "{sku}: {:?}",
            on_shopify.tags
        );
        assert_eq!(on_shopify.media, published, "{sku}: in order");
        assert_eq!(on_shopify.vendor, "Gibson");
        assert_eq!(
            on_shopify.seo.0.as_deref(),
            Some(p["title"].as_str().unwrap())
        );
        assert_eq!(
            on_shopify.seo.1.as_deref(),
            Some("All original, with its case.")
        );
        assert_eq!(
            on_shopify
                .description_html
                .contains("youtube.com/embed/dQw4w9WgXcQ"),
            video.is_some(),
            "{sku}: {}",
            on_shopify.description_html
        );
        // Active and on the Online Store, where buyers see it.
        assert_eq!(
            on_shopify.publications.len(),
            1,
            "{sku}: not on the Online Store"
        );
        // The first try was the only one: one listing each, no flag.
        for platform in Platform::ALL {
            assert_eq!(listing(&p, platform)["status"], "live", "{sku} {platform}");
        }
        assert_eq!(sims.ebay().listings_with_sku(sku), 1);
        assert_eq!(sims.reverb().listings_with_sku(sku), 1);
        assert_eq!(sims.shopify().listings_with_sku(sku), 1);
        assert_eq!(sims.vr().listings_with_sku(sku), 1);
    }
    assert_eq!(
        open_flags(&app, "publish_failed").await,
        Vec::<Value>::new()
    );
    // The amplifier carries the specific its category requires.
    let amp = app.product("KIND-AMP").await;
    let on_ebay = sims
        .ebay()
        .listing(
            listing(&amp, Platform::Ebay)["external_id"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    assert!(on_ebay
        .item_specifics
        .iter()
        .any(|(n, v)| n == "Amplifier Type" && v == &["Combo".to_owned()]));
}

async fn readiness_names_what_each_platform_still_needs(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    let mut body = riff_tests::guitar("READY-1", "Deering Banjo");
    body["category"] = json!("Banjos");
    app.create_product(&body).await;
    let readiness = app.get_json("/api/products/READY-1/readiness").await;
    for platform in ["ebay", "reverb", "vr"] {
        assert_eq!(readiness[platform]["ready"], false, "{readiness}");
        let missing: Vec<&str> = readiness[platform]["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert!(missing.contains(&"a picture"), "{platform}: {missing:?}");
        assert!(
            missing.iter().any(|m| m.contains("\"Banjos\"")),
            "{platform}: {missing:?}"
        );
    }
    assert_eq!(readiness["shopify"]["ready"], true, "{readiness}");
    // Gibson is on V&R's list of brands: nothing said about it.
    assert!(
        !readiness["vr"]["missing"].to_string().contains("brand"),
        "{readiness}"
    );

    // A brand V&R does not list is named for V&R, and only for V&R.
    let mut body = riff_tests::guitar("READY-2", "Zzyzx Amplification Solo 50");
    body["brand"] = json!("Zzyzx Amplification");
    app.create_product(&body).await;
    let readiness = app.get_json("/api/products/READY-2/readiness").await;
    let vr = readiness["vr"]["missing"].to_string();
    assert!(
        vr.contains("a brand Vintage & Rare knows") && vr.contains("Zzyzx Amplification"),
        "{readiness}"
    );
    for platform in ["ebay", "reverb", "shopify"] {
        assert!(
            !readiness[platform]["missing"].to_string().contains("Zzyzx"),
            "{readiness}"
        );
    }
    let unknown = app.get("/api/products/NOPE-1/readiness").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // Publishing where it is not ready is refused with the same list, and
    // nothing reaches the platform.
    let requests = sims.vr().requests();
    let refused = app.request_listing("READY-2", "vr").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    let missing = body["missing"].to_string();
    assert!(
        missing.contains("a picture") && missing.contains("Zzyzx Amplification"),
        "{body}"
    );
    assert!(
        body["error"].as_str().unwrap().contains("READY-2"),
        "{body}"
    );
    let checked_brand = sims.vr().requests();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sims.vr().requests(),
        checked_brand,
        "nothing sent after the check"
    );
    assert!(
        checked_brand - requests <= 2,
        "only the brand check (and a login)"
    );
    assert_eq!(sims.vr().listings_with_sku("READY-2"), 0);
    assert_eq!(
        app.product("READY-2").await["listings"],
        json!([]),
        "no listing requested"
    );

    // The product page says it beside each Publish button.
    let page = riff_tests::admin::admin_page(&app, "/products/READY-1").await;
    assert!(page.contains("Not ready: a picture"), "{page}");
}

/// A shop whose Riff has no public address (the tests' own, on the
/// loopback): eBay and Shopify cannot fetch the pictures, so they are
/// uploaded — through eBay's Media API, whose copy the listing names, and
/// Shopify's staged uploads — byte for byte; V&R takes them as files; and
/// Reverb, which only fetches, is not ready until RIFF_PUBLIC_URL is set.
async fn a_shop_without_a_public_address_uploads_its_pictures(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let mut app = quiet_shop(backend, &sims).await;
    app.public_url = None;
    app.restart().await;
    app.create_product(&riff_tests::guitar("PIC-EBAY", "Gibson ES-335 1964"))
        .await;
    app.add_picture("PIC-EBAY", crate::admin_products::PNG)
        .await;

    let readiness = app.get_json("/api/products/PIC-EBAY/readiness").await;
    for platform in ["ebay", "shopify", "vr"] {
        assert_eq!(readiness[platform]["ready"], true, "{readiness}");
    }
    assert_eq!(readiness["reverb"]["ready"], false, "{readiness}");
    assert!(
        readiness["reverb"]["missing"]
            .to_string()
            .contains("RIFF_PUBLIC_URL"),
        "{readiness}"
    );
    let refused = app.request_listing("PIC-EBAY", "reverb").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(sims.reverb().listings_with_sku("PIC-EBAY"), 0);

    for platform in [Platform::Ebay, Platform::Shopify, Platform::Vr] {
        let response = app.request_listing("PIC-EBAY", platform.as_str()).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{platform}");
    }
    for platform in [Platform::Ebay, Platform::Shopify, Platform::Vr] {
        crate::sync::listing_reaches(&app, "PIC-EBAY", platform, "live", Duration::from_secs(30))
            .await;
    }
    let p = app.product("PIC-EBAY").await;

    let hosted = sims.ebay().hosted_images();
    assert_eq!(hosted.len(), 1, "one picture, uploaded once");
    assert_eq!(hosted[0].bytes, crate::admin_products::PNG);
    let item = listing(&p, Platform::Ebay)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let on_ebay = sims.ebay().listing(&item).unwrap();
    assert_eq!(on_ebay.picture_urls.len(), 1);
    assert!(
        on_ebay.picture_urls[0].contains(&format!("/images/g/{}/", hosted[0].image_id)),
        "eBay lists its own copy, not Riff's unreachable address: {:?}",
        on_ebay.picture_urls
    );
    // Shopify got the bytes through a staged upload.
    let gid = listing(&p, Platform::Shopify)["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let on_shopify = sims.shopify().product(&gid).unwrap();
    assert_eq!(on_shopify.media.len(), 1);
    assert_eq!(
        sims.shopify()
            .staged_upload(&on_shopify.media[0])
            .as_deref(),
        Some(crate::admin_products::PNG)
    );
    // V&R got them as a file.
    let on_vr = sims
        .vr()
        .listing(listing(&p, Platform::Vr)["external_id"].as_str().unwrap())
        .unwrap();
    assert_eq!(on_vr.images.len(), 1);
    assert_eq!(on_vr.images[0].size, crate::admin_products::PNG.len());
}

on_both_backends!(
    each_platform_receives_its_category_condition_and_terms,
    readiness_names_what_each_platform_still_needs,
    a_shop_without_a_public_address_uploads_its_pictures,
);

async fn media_through_the_api_is_checked_and_counts_for_readiness(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    app.create_product(&riff_tests::guitar("PIC-1", "Gibson SG 1961"))
        .await;
    let upload = |bytes: &'static [u8], name: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        app.request(reqwest::Method::POST, "/api/products/PIC-1/media")
            .multipart(form)
            .send()
    };
    let added = upload(crate::admin_products::PNG, "front.png")
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    // Checked by its bytes, whatever its name says.
    let refused = upload(b"%PDF-1.4 not an image", "back.png").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let video = app
        .post(
            "/api/products/PIC-1/media",
            &json!({"youtube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}),
        )
        .await;
    assert_eq!(video.status(), StatusCode::CREATED);
    let media: Value = video.json().await.unwrap();
    let ids: Vec<String> = media["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2, "{media}");
    let reordered = app.order_media("PIC-1", &[&ids[1], &ids[0]]).await;
    assert_eq!(reordered.status(), StatusCode::OK);
    let media: Value = reordered.json().await.unwrap();
    assert_eq!(media["media"][0]["id"], ids[1].as_str());
    let removed = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/products/PIC-1/media/{}", ids[1]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::OK);
    let media: Value = removed.json().await.unwrap();
    assert_eq!(media["media"].as_array().unwrap().len(), 1, "{media}");

    // The picture now counts: eBay lacks nothing the shop has not set.
    let readiness = app.get_json("/api/products/PIC-1/readiness").await;
    assert_eq!(readiness["ebay"]["ready"], true, "{readiness}");
    assert_eq!(readiness["vr"]["ready"], true, "{readiness}");
}

on_both_backends!(media_through_the_api_is_checked_and_counts_for_readiness);

/// A corrected title and a better description reach every live listing,
/// not only a new price.
async fn an_edit_of_the_details_reaches_every_live_listing(backend: Backend) {
    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    app.create_product(&riff_tests::guitar("EDIT-1", "Gibson Les Paul 1959"))
        .await;
    let p = crate::sync::list_everywhere(&app, "EDIT-1").await;
    let id = |platform| {
        listing(&p, platform)["external_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    app.edit_product("EDIT-1", &json!({"title": "Gibson Les Paul Standard 1959 Burst", "description": "Refretted in 2020; original PAFs."})).await;
    riff_tests::eventually(
        "every listing showing the edit",
        Duration::from_secs(30),
        || async {
            let ebay = sims.ebay().listing(&id(Platform::Ebay))?;
            let reverb = sims.reverb().listing(&id(Platform::Reverb))?;
            let shopify = sims
                .shopify()
                .products()
                .into_iter()
                .find(|s| s.gid() == id(Platform::Shopify))?;
            let vr = sims.vr().listing(&id(Platform::Vr))?;
            let title = "Gibson Les Paul Standard 1959 Burst";
            (ebay.title == title
                && ebay.description.as_deref() == Some("Refretted in 2020; original PAFs.")
                && reverb.title == title
                && shopify.title == title
                && vr.description.contains("original PAFs"))
            .then_some(())
        },
    )
    .await;
}

on_both_backends!(an_edit_of_the_details_reaches_every_live_listing);
