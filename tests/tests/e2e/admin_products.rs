//! The product pages over HTTP: create and edit through the forms (a
//! refused field keeps what was typed), media (upload checked by content,
//! served publicly, by URL, YouTube, reorder, remove), a sale at the
//! counter, publishing from the product page, and "as of".

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, StatusCode};
use riff_adapters::dropbox::DropboxSimulator;
use riff_adapters::simulator::Simulator as _;
use riff_tests::quiet_shop;
use riff_tests::{guitar, on_both_backends, spawn_app, Backend, TestApp};
use riff_web::config::Secret;
use riff_web::sim::Simulators;
use serde_json::Value;
use sha2::{Digest, Sha256};

use riff_tests::admin::{hidden, Admin};

pub(crate) use riff_tests::PNG;

async fn a_product_is_created_and_edited_through_the_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = Admin::log_in(&app).await;
    assert!(admin
        .page("/products/new")
        .await
        .contains("name=\"condition\""));
    let mut fields = vec![
        ("csrf_token", admin.csrf.as_str()),
        ("sku", "FORM-1"),
        ("title", "Fender Telecaster Custom"),
        ("brand", "Fender"),
        ("model", "Telecaster"),
        ("year", "1972"),
        ("finish", "Black"),
        ("category", "Electric Guitars"),
        ("condition", "very-good"),
        ("description", "Plays beautifully."),
        ("price", "twelve hundred"),
        ("quantity", "1"),
    ];
    let refused = admin.post_form("/products/new", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("id=\"price-error\""),
        "the error is next to the price"
    );
    assert!(
        html.contains("value=\"twelve hundred\""),
        "the bad price is kept"
    );
    assert!(
        html.contains("value=\"Fender Telecaster Custom\""),
        "the other fields are kept"
    );
    assert!(
        html.contains("<option value=\"very-good\" selected>"),
        "{html}"
    );
    assert!(html.contains("Plays beautifully."));
    assert_eq!(
        app.get("/api/products/FORM-1").await.status(),
        StatusCode::NOT_FOUND
    );

    fields.retain(|(name, _)| *name != "price");
    fields.push(("price", "1499.00"));
    let shown = admin.submit("/products/new", &fields).await;
    assert!(shown.contains("Fender Telecaster Custom") && shown.contains("Product created."));
    assert_eq!(app.product("FORM-1").await["price"], "1499.00");

    let edit = admin.page("/products/FORM-1/edit").await;
    let version = hidden(&edit, "expected_version");
    let mut edited = fields.clone();
    edited.retain(|(name, _)| !["price", "sku"].contains(name));
    edited.extend([("price", "1299.00"), ("expected_version", version.as_str())]);
    let saved = admin.submit("/products/FORM-1/edit", &edited).await;
    assert!(saved.contains("Saved."));
    let now = app.product("FORM-1").await;
    assert_eq!(now["price"], "1299.00");
    assert_eq!(now["finish"], "Black");

    // The same form again is stale: it was made from an older version.
    let stale = admin.post_form("/products/FORM-1/edit", &edited).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(stale.text().await.unwrap().contains("reload"));

    // As of the creation, the price was the first one.
    let history = app.get_json("/api/products/FORM-1/history").await;
    let created_at = history["events"][0]["position"].as_i64().unwrap();
    let then = admin
        .page(&format!("/products/FORM-1?at={created_at}"))
        .await;
    assert!(then.contains("As of"), "clearly marked");
    assert!(
        then.contains("<td class=\"price\">1499.00 GBP</td>"),
        "{then}"
    );
    let today = admin.page("/products/FORM-1").await;
    assert!(today.contains("<td class=\"price\">1299.00 GBP</td>"));
    assert!(
        today.contains("Price changed from"),
        "the history shows the change"
    );
    assert!(today.contains(">admin<"), "and who made it");
}

/// Uploads `bytes` as picture `name` of PIC-1 through the edit page's
/// form, carrying `csrf` (the session's, or a forged one).
async fn upload(admin: &Admin<'_>, csrf: &str, name: &str, bytes: &[u8]) -> Response {
    let form = Form::new().text("csrf_token", csrf.to_owned()).part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str("image/png")
            .unwrap(),
    );
    admin
        .client
        .post(admin.app.url("/products/PIC-1/media/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The SHA-256 of [`PNG`], in hex: the name Riff keeps and serves it under.
fn png_digest() -> String {
    Sha256::digest(PNG)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What anyone, without a session, is served at `/media/{digest}`: how
/// the marketplaces fetch the pictures.
async fn fetch_media(app: &TestApp, digest: &str) -> Response {
    Client::new()
        .get(app.url(&format!("/media/{digest}")))
        .send()
        .await
        .unwrap()
}

fn media(product: &Value) -> Vec<Value> {
    product["media"].as_array().cloned().unwrap_or_default()
}

async fn images_are_checked_kept_served_and_ordered(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("PIC-1", "Gibson ES-335")).await;
    let admin = Admin::log_in(&app).await;

    let sha = png_digest();
    let uploaded = upload(&admin, &admin.csrf, "tiny.png", PNG).await;
    let edit = admin.follow(uploaded).await;
    assert!(
        edit.contains(&format!("src=\"/media/{sha}\"")),
        "in the gallery"
    );
    let shown = admin.page("/products/PIC-1").await;
    assert!(shown.contains(&format!("src=\"/media/{sha}\"")));

    // Served to anyone (marketplaces have no session), for ever.
    let served = fetch_media(&app, &sha).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(served.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let missing = fetch_media(&app, &"0".repeat(64)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // A ".png" that is not an image is refused, and nothing is recorded.
    let before = app.log_length().await;
    let fake = upload(
        &admin,
        &admin.csrf,
        "guitar.png",
        b"<html>not a picture</html>",
    )
    .await;
    assert!(admin
        .follow(fake)
        .await
        .contains("not a JPEG, PNG or WebP image"));
    assert_eq!(app.log_length().await, before);
    // Nor is an upload without the session's token.
    let forged = upload(&admin, "forged", "tiny.png", PNG).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let own_copy = app.url(&format!("/media/{sha}"));
    // Each form is named by its one field.
    for (field, value, said) in [
        // A YouTube link embeds with the privacy-enhanced player.
        (
            "youtube",
            "https://youtu.be/dQw4w9WgXcQ?t=10",
            "src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"",
        ),
        (
            "youtube",
            "https://vimeo.com/1234",
            "is not a YouTube video",
        ),
        // By address: fetched and kept under its digest (here, Riff's own
        // copy).
        ("url", &own_copy, "Image fetched and added."),
        ("url", "file:///etc/passwd", "only http"),
    ] {
        let path = format!("/products/PIC-1/media/{field}");
        let edit = admin.act(&path, &[(field, value)]).await;
        assert!(edit.contains(said), "{value}: {said:?} in {edit}");
    }

    let now = media(&app.product("PIC-1").await);
    assert_eq!(now.len(), 3);
    assert_eq!(now[0]["kind"]["sha256"], sha.as_str());
    assert_eq!(now[1]["kind"]["video_id"], "dQw4w9WgXcQ");
    assert_eq!(
        now[2]["kind"]["sha256"],
        sha.as_str(),
        "the same bytes are the same file"
    );

    // Move the video to the front, then remove the first picture.
    let video_id = now[1]["id"].as_str().unwrap().to_owned();
    let moved = admin
        .act(
            "/products/PIC-1/media/move",
            &[("media_id", &video_id), ("direction", "up")],
        )
        .await;
    assert!(moved.contains("Media moved."));
    let now = media(&app.product("PIC-1").await);
    assert_eq!(now[0]["id"], video_id.as_str());
    let picture = now[1]["id"].as_str().unwrap().to_owned();
    let removed = admin
        .act("/products/PIC-1/media/remove", &[("media_id", &picture)])
        .await;
    assert!(removed.contains("Media removed."));
    let now = media(&app.product("PIC-1").await);
    assert_eq!(now.len(), 2);
    assert_eq!(now[0]["id"], video_id.as_str());
    let history = app.get_json("/api/products/PIC-1/history").await;
    let types: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"MediaReordered") && types.contains(&"MediaRemoved"),
        "{types:?}"
    );

    let edit = admin.page("/products/PIC-1/edit").await;
    assert!(edit.contains("Dropbox is not configured"));
}

async fn a_sale_at_the_counter_is_recorded_from_the_product_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("TILL-1", "Martin D-28")).await;
    let admin = Admin::log_in(&app).await;
    let shown = admin.page("/products/TILL-1").await;
    let sold_at = hidden(&shown, "sold_at");
    assert!(!sold_at.is_empty(), "sold at defaults to now");
    let shown = admin
        .act(
            "/products/TILL-1/sale",
            &[
                ("order_ref", "TILL-0042"),
                ("price", "1450.00"),
                ("quantity", "1"),
                ("sold_at", &sold_at),
            ],
        )
        .await;
    assert!(shown.contains("Sale TILL-0042 recorded"), "{shown}");
    let now = app.product("TILL-1").await;
    assert_eq!(now["status"], "sold");
    assert_eq!(now["quantity"], 0);
    let sales = app.get_json("/api/sales").await;
    assert!(sales.to_string().contains("TILL-0042"), "{sales}");
    let bad = admin
        .act(
            "/products/TILL-1/sale",
            &[("order_ref", "TILL-0043"), ("price", "free")],
        )
        .await;
    assert!(bad.contains("price"));
}

async fn publishing_from_the_product_page_needs_a_configured_platform(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_product(&guitar("PUB-0", "Gretsch White Falcon"))
        .await;
    let admin = Admin::log_in(&app).await;
    let refused = admin
        .act("/products/PUB-0/publish", &[("platform", "reverb")])
        .await;
    assert!(refused.contains("not configured"));
    drop(app);

    let sims = Simulators::new(None).unwrap();
    let app = quiet_shop(backend, &sims).await;
    app.create_product(&guitar("PUB-1", "Gretsch White Falcon"))
        .await;
    let admin = Admin::log_in(&app).await;
    let shown = admin.page("/products/PUB-1").await;
    assert!(
        shown.contains("<legend>Reverb</legend>"),
        "each platform has its fieldset"
    );
    let form = [
        ("csrf_token", admin.csrf.as_str()),
        ("platform", "reverb"),
        ("make", "Gretsch"),
        ("categories", "e57deb7a-382b-4e18-a008-67d4fbcb2879"),
    ];
    // Without a picture Reverb would refuse it: the page says so, and
    // nothing is requested.
    let shown = admin.submit("/products/PUB-1/publish", &form).await;
    assert!(
        shown.contains("PUB-1 is not ready for Reverb: it needs a picture"),
        "{shown}"
    );
    assert_eq!(
        app.product("PUB-1").await["listings"],
        serde_json::json!([])
    );
    app.add_picture("PUB-1", PNG).await;
    let publish = admin.submit("/products/PUB-1/publish", &form).await;
    assert!(publish.contains("Publishing on Reverb"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let listing = loop {
        let p = app.product("PUB-1").await;
        let live = p["listings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["platform"] == "reverb" && l["status"] == "live")
            .cloned();
        if let Some(listing) = live {
            break listing;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the listing never went live: {p}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let shown = admin.page("/products/PUB-1").await;
    assert!(shown.contains("<span class=\"badge live\">live</span>"));
    assert!(shown.contains(listing["external_id"].as_str().unwrap()));
    // The attributes typed went with the listing.
    let history = app.get_json("/api/products/PUB-1/history").await;
    assert!(history
        .to_string()
        .contains("e57deb7a-382b-4e18-a008-67d4fbcb2879"));
    // And it can be ended from the same row.
    let listing_id = listing["listing_id"].as_str().unwrap();
    let end = admin
        .act("/products/PUB-1/end", &[("listing_id", listing_id)])
        .await;
    assert!(end.contains("Ending the Reverb listing."));
}

on_both_backends!(
    a_product_is_created_and_edited_through_the_forms,
    images_are_checked_kept_served_and_ordered,
    a_dropbox_picture_is_copied_in_and_served,
    a_sale_at_the_counter_is_recorded_from_the_product_page,
    publishing_from_the_product_page_needs_a_configured_platform,
    an_image_url_on_a_private_address_is_refused_with_one_message_for_every_failure,
);

/// Fetching media by URL reached loopback and private addresses, and its
/// messages told "connection refused", "answered 401" and "not an image"
/// apart: a logged-in user could scan Riff's ports.
async fn an_image_url_on_a_private_address_is_refused_with_one_message_for_every_failure(
    backend: Backend,
) {
    let mut app = spawn_app(backend).await;
    app.media_fetch_private = false;
    app.restart().await;
    app.create_product(&guitar("SSRF-1", "Gibson ES-335")).await;
    let admin = Admin::log_in(&app).await;
    upload(&admin, &admin.csrf, "tiny.png", PNG).await;
    let sha = png_digest();
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let before = app.product("SSRF-1").await["media"]
        .as_array()
        .unwrap()
        .len();
    let mut messages = std::collections::HashSet::new();
    for url in [
        // A real image, but on the loopback: by address, by name, in hex.
        app.url(&format!("/media/{sha}")),
        format!("http://localhost:{port}/media/{sha}"),
        format!("http://0x7f.1:{port}/media/{sha}"),
        format!("http://[::1]:{port}/media/{sha}"),
        // A closed port, a page that is not an image, the cloud metadata
        // address.
        "http://127.0.0.1:1/x.png".to_owned(),
        app.url("/healthz"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let page = admin
            .act("/products/SSRF-1/media/url", &[("url", &url)])
            .await;
        let at = page
            .find("could not be fetched")
            .unwrap_or_else(|| panic!("{url} refused"));
        messages.insert(page[at..at + 120].to_owned());
    }
    assert_eq!(
        messages.len(),
        1,
        "one message for every failure: {messages:?}"
    );
    let after = app.product("SSRF-1").await["media"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before, "nothing was added");
}

/// A picture picked from the shop's Dropbox is copied into Riff, so that it
/// is served, and sent to the marketplaces, like an upload.
async fn a_dropbox_picture_is_copied_in_and_served(backend: Backend) {
    let dropbox = DropboxSimulator::new("dropbox-token");
    dropbox.add_image("/Stock/PIC-1/front.png", PNG.to_vec());
    let mut app = spawn_app(backend).await;
    app.dropbox.dropbox_api_url = dropbox.spawn().await.unwrap();
    app.dropbox.dropbox_access_token = Some(Secret::new("dropbox-token"));
    app.restart().await;
    app.create_product(&guitar("PIC-1", "Gibson ES-335")).await;
    let admin = Admin::log_in(&app).await;

    let edit = admin
        .page("/products/PIC-1/edit?dropbox_folder=/Stock/PIC-1")
        .await;
    assert!(
        edit.contains("front.png"),
        "the folder's pictures are listed"
    );
    let path = hidden(&edit, "path");
    assert_eq!(path, "/Stock/PIC-1/front.png");
    let edit = admin
        .act("/products/PIC-1/media/dropbox", &[("path", &path)])
        .await;
    assert!(edit.contains("copied into Riff"), "{edit}");
    let sha = png_digest();
    assert!(
        edit.contains(&format!("src=\"/media/{sha}\"")),
        "in the gallery"
    );
    let served = fetch_media(&app, &sha).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);

    // A picture moved away in Dropbox meanwhile: said so, nothing added.
    let edit = admin
        .act(
            "/products/PIC-1/media/dropbox",
            &[("path", "/Stock/PIC-1/back.png")],
        )
        .await;
    assert!(edit.contains("Dropbox has nothing at"), "{edit}");
    assert_eq!(media(&app.product("PIC-1").await).len(), 1);
}
