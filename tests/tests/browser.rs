//! The admin pages in a real browser: headless Chromium, driven over
//! WebDriver by `chromedriver`, clicking and typing as the shop owner would
//! (issue 7). One scenario per test.
//!
//! Each test starts its own `chromedriver` on a free port and stops it (with
//! the browser it started) when done. Without `chromium` and
//! `chromium-driver` installed the tests fail saying so: they are never
//! skipped. They run on PostgreSQL only: the pages are the same on SQLite,
//! and the end-to-end suite already covers both backends below the browser.
//!
//! Run only these: `cargo nextest run -p riff-tests --test browser`.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use reqwest::StatusCode;
use riff_tests::ADMIN_PASSWORD;
use riff_tests::{eventually, guitar, shop, spawn_app, Backend, TestApp};
use serde_json::{json, Value};

/// Where Debian's `chromium` package puts the browser.
const CHROMIUM: &str = "/usr/bin/chromium";

/// What to do when the browser or its driver is missing.
const INSTALL: &str = "the browser tests need Chromium and its WebDriver: \
                       install them with `apt-get install chromium chromium-driver`";

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(30);

/// A `chromedriver` child process on a free loopback port. Dropping it kills
/// its whole process group — the driver and the browser it started — so a
/// failing test leaves no Chromium behind.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Self {
        assert!(
            Path::new(CHROMIUM).exists(),
            "{CHROMIUM} is missing: {INSTALL}"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so that Drop can end the browser too.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("chromedriver could not be started ({e}): {INSTALL}"));
        let mut driver = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited at once ({status}): {INSTALL}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group's id is the driver's pid (process_group(0) above).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium looking at one Riff.
struct Browser {
    client: Client,
    base: String,
    // Declared last: dropped after the client.
    _driver: Driver,
}

impl Browser {
    /// A new browser window of 1280×900 on `app`, not logged in.
    async fn open(app: &TestApp) -> Self {
        let driver = Driver::start();
        let capabilities = json!({
            "goog:chromeOptions": {
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"],
                "binary": CHROMIUM,
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| {
                panic!("Chromium did not start under chromedriver ({e}): {INSTALL}")
            });
        Self {
            client,
            base: app.address.clone(),
            _driver: driver,
        }
    }

    /// Ends the browser session (Drop kills what is left if a test fails
    /// before this).
    async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
    }

    /// The path and query of the page shown now.
    async fn location(&self) -> String {
        let url = self.client.current_url().await.expect("the current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    async fn find(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no {css} on {}: {e}", self.location().await),
        }
    }

    async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .expect("find elements")
    }

    async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .expect("an element's text")
    }

    async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear a field");
        field.send_keys(text).await.expect("type into a field");
    }

    /// Clicks `css` and waits until the page it leads to has loaded (its
    /// location differs from `before`, or `css` is gone).
    /// Chooses Reverb in the inventory's bulk bar and presses `action`
    /// (`publish`, `end`) for the ticked products.
    async fn bulk_on_reverb(&self, action: &str) {
        self.find("#bulk-platform")
            .await
            .select_by_value("reverb")
            .await
            .expect("choose Reverb");
        self.click_and_wait(&format!("button[name=action][value={action}]"))
            .await;
    }

    async fn click_and_wait(&self, css: &str) {
        let before = self.location().await;
        let element = self.find(css).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
        eventually(
            &format!("the page after clicking {css}"),
            PATIENCE,
            || async {
                let ready = self
                    .client
                    .execute("return document.readyState", vec![])
                    .await
                    .ok()?;
                let moved = self.location().await != before;
                // A stale element means the page was replaced (a post answered
                // with a redirect back to the same address).
                let replaced = element.tag_name().await.is_err();
                (ready == "complete" && (moved || replaced)).then_some(())
            },
        )
        .await;
    }

    /// Reloads `path` until `css` contains `needle`.
    async fn wait_for_text(&self, path: &str, css: &str, needle: &str) -> String {
        eventually(
            &format!("{needle:?} in {css} on {path}"),
            PATIENCE,
            || async {
                self.goto(path).await;
                let text = self.find(css).await.text().await.ok()?;
                text.contains(needle).then_some(text)
            },
        )
        .await
    }

    /// Logs in as `admin` through the login form and lands on the dashboard.
    async fn log_in(&self) {
        self.goto("/login").await;
        self.type_into("#username", "admin").await;
        self.type_into("#password", ADMIN_PASSWORD).await;
        self.click_and_wait("form[action='/login'] button[type=submit]")
            .await;
        let body = self.text("body").await;
        assert_eq!(self.location().await, "/", "not logged in: {body}");
        assert_eq!(self.text("h1").await, "Dashboard");
    }

    /// The session cookie, as a `Cookie` header value for requests made
    /// outside the browser.
    async fn session_cookie(&self) -> String {
        let cookie = self
            .client
            .get_named_cookie("riff_session")
            .await
            .expect("a session cookie in the browser");
        format!("{}={}", cookie.name(), cookie.value())
    }

    /// Asserts that `css` is shown and can be clicked in the current window:
    /// displayed, enabled, inside the viewport's width, and not covered by
    /// anything else at its centre once scrolled to.
    async fn assert_usable(&self, css: &str) {
        let element = self.find(css).await;
        let at = self.location().await;
        assert!(
            element.is_displayed().await.expect("is displayed"),
            "{css} is hidden on {at}"
        );
        assert!(
            element.is_enabled().await.expect("is enabled"),
            "{css} is disabled on {at}"
        );
        let reference = serde_json::to_value(&element).expect("an element reference");
        let check = self
            .client
            .execute(
                "const e = arguments[0];
                 e.scrollIntoView({block: 'center', inline: 'nearest'});
                 const r = e.getBoundingClientRect();
                 const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                 return {left: r.left, right: r.right, width: r.width, height: r.height,
                         viewport: document.documentElement.clientWidth,
                         on_top: hit !== null && (hit === e || e.contains(hit))};",
                vec![reference],
            )
            .await
            .expect("measure an element");
        let number = |key: &str| check[key].as_f64().unwrap_or(f64::NAN);
        let (left, right, viewport) = (number("left"), number("right"), number("viewport"));
        assert!(
            number("width") > 0.0 && number("height") > 0.0,
            "{css} has no size on {at}: {check}"
        );
        assert!(
            left >= 0.0 && right <= viewport + 0.5,
            "{css} spans {left}..{right}, outside the {viewport}px viewport on {at}"
        );
        assert_eq!(
            check["on_top"], true,
            "{css} is covered by another element on {at}"
        );
    }

    /// Asserts that the page does not scroll sideways: nothing is pushed off
    /// to the right of a narrow window.
    async fn assert_no_sideways_scroll(&self) {
        let widths = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
                vec![],
            )
            .await
            .expect("measure the page");
        assert!(
            widths[0].as_f64() <= widths[1].as_f64(),
            "{} is wider than the window (scroll width, window width: {widths})",
            self.location().await
        );
    }
}

/// Creates guitar `sku` with a picture: what a platform lists.
async fn pictured_guitar(app: &TestApp, sku: &str, title: &str) {
    app.create_product(&guitar(sku, title)).await;
    app.add_picture(sku, riff_tests::PNG).await;
}

/// The SKUs in the inventory table shown now, top to bottom.
async fn skus_shown(browser: &Browser) -> Vec<String> {
    let mut skus = vec![];
    for cell in browser.find_all("table td[data-label='SKU']").await {
        skus.push(cell.text().await.expect("a SKU cell").trim().to_owned());
    }
    skus
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_logs_in_and_out() {
    let app = spawn_app(Backend::Postgres).await;
    let browser = Browser::open(&app).await;
    browser.goto("/inventory").await;
    assert!(
        browser.location().await.starts_with("/login"),
        "a page needs a session"
    );
    browser.type_into("#username", "admin").await;
    browser.type_into("#password", "not the password").await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    assert!(browser.text("p.error").await.contains("do not match"));

    browser.log_in().await;
    assert!(browser
        .text("header.top form.logout button")
        .await
        .contains("admin"));
    browser
        .click_and_wait("header.top form.logout button")
        .await;
    assert!(browser.location().await.starts_with("/login"));
    browser.goto("/inventory").await;
    assert!(
        browser.location().await.starts_with("/login"),
        "logged out: the session is gone"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_published_from_the_inventory_goes_live_on_the_simulator() {
    let (app, sims) = shop(Backend::Postgres).await;
    pictured_guitar(&app, "PUB-1", "Fender Telecaster 1952").await;
    pictured_guitar(&app, "PUB-2", "Gibson ES-335").await;
    // No picture: Reverb would refuse it, so the bulk Publish skips it.
    app.create_product(&guitar("PUB-3", "Gibson SG")).await;
    let browser = Browser::open(&app).await;
    browser.log_in().await;

    browser.goto("/inventory").await;
    for sku in ["PUB-1", "PUB-3"] {
        browser
            .find(&format!("input[name=sku][value='{sku}']"))
            .await
            .click()
            .await
            .expect("tick the product");
    }
    browser.bulk_on_reverb("publish").await;
    assert_eq!(
        browser.text("p.notice").await,
        "Publishing 1 on Reverb. Skipped, not ready for Reverb: PUB-3 (needs a picture)."
    );
    assert_eq!(sims.reverb().listings_with_sku("PUB-3"), 0);

    // The row's listings cell shows it live once the effects worker has
    // published it on the simulated Reverb.
    let row = "table tbody tr:has(input[value='PUB-1']) td[data-label='Listings']";
    browser.wait_for_text("/inventory", row, "live").await;
    assert!(browser.text(row).await.contains("Reverb"));
    assert_eq!(sims.reverb().listings_with_sku("PUB-1"), 1);
    let listed = app.product("PUB-1").await;
    assert_eq!(listed["listings"][0]["platform"], "reverb", "{listed}");
    assert_eq!(listed["listings"][0]["status"], "live", "{listed}");
    assert_eq!(
        sims.reverb().listings_with_sku("PUB-2"),
        0,
        "only the ticked one"
    );

    // And ended again with the same form.
    browser
        .find("input[name=sku][value='PUB-1']")
        .await
        .click()
        .await
        .expect("tick PUB-1");
    browser.bulk_on_reverb("end").await;
    assert_eq!(browser.text("p.notice").await, "Ending 1 on Reverb.");
    browser.wait_for_text("/inventory", row, "ended").await;

    // The product page has one row per platform with its own Publish.
    browser.goto("/products/PUB-2").await;
    let shopify = "tr[data-platform='shopify']";
    browser
        .click_and_wait(&format!(
            "{shopify} form[action$='/publish'] button[type=submit]"
        ))
        .await;
    browser
        .wait_for_text(
            "/products/PUB-2",
            &format!("{shopify} td[data-label='Status']"),
            "live",
        )
        .await;
    let link = browser
        .find(&format!("{shopify} td[data-label='External id'] a"))
        .await;
    assert!(
        link.attr("href")
            .await
            .expect("href")
            .is_some_and(|h| h.starts_with("http")),
        "the live listing links to the platform"
    );
    assert_eq!(sims.shopify().listings_with_sku("PUB-2"), 1);
    browser.close().await;
}

/// A 1×1 PNG, the smallest picture a browser can upload.
const PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_is_created_and_given_an_uploaded_picture() {
    use base64::Engine as _;
    let app = spawn_app(Backend::Postgres).await;
    let picture = std::env::temp_dir().join(format!("riff-browser-{}.png", uuid::Uuid::new_v4()));
    std::fs::write(
        &picture,
        base64::engine::general_purpose::STANDARD
            .decode(PIXEL_PNG)
            .expect("a PNG"),
    )
    .expect("write the picture");
    let browser = Browser::open(&app).await;
    browser.log_in().await;

    browser
        .click_and_wait("header.top a[href='/products/new']")
        .await;
    for (field, value) in [
        ("#sku", "NEW-1"),
        ("#title", "Gibson Les Paul Junior 1957"),
        ("#brand", "Gibson"),
        ("#model", "Les Paul Junior"),
        ("#year", "1957"),
        ("#category", "Electric Guitars"),
        ("#price", "3250.00"),
    ] {
        browser.type_into(field, value).await;
    }
    browser
        .find("#condition")
        .await
        .select_by_value("very-good")
        .await
        .expect("choose a condition");
    browser
        .click_and_wait("main form button[type=submit]")
        .await;
    assert_eq!(
        browser.location().await.split('?').next(),
        Some("/products/NEW-1")
    );
    assert!(browser
        .text("h1")
        .await
        .contains("Gibson Les Paul Junior 1957"));

    browser
        .click_and_wait("a.button[href='/products/NEW-1/edit']")
        .await;
    browser
        .find("#file")
        .await
        .send_keys(&picture.display().to_string())
        .await
        .expect("choose the file");
    browser
        .click_and_wait("form[action$='/media/upload'] button[type=submit]")
        .await;
    assert_eq!(browser.text("p.notice").await, "Image added.");
    let _ = std::fs::remove_file(&picture);

    // The product page shows it, served by Riff and decoded by the browser.
    browser.goto("/products/NEW-1").await;
    let image = browser.find(".gallery img").await;
    let src = image.attr("src").await.expect("src").unwrap_or_default();
    assert!(src.starts_with("/media/"), "{src}");
    let reference = serde_json::to_value(&image).expect("an element reference");
    let loaded = eventually("the picture to load", PATIENCE, || async {
        let width = browser
            .client
            .execute(
                "const i = arguments[0]; i.scrollIntoView(); return i.complete ? i.naturalWidth : 0;",
                vec![reference.clone()],
            )
            .await
            .ok()?;
        (width.as_u64() > Some(0)).then_some(width)
    })
    .await;
    assert_eq!(loaded, 1, "the 1×1 picture");
    let stored = app.product("NEW-1").await;
    assert_eq!(stored["condition"], "very-good", "{stored}");
    assert_eq!(
        stored["media"].as_array().map(Vec::len),
        Some(1),
        "{stored}"
    );
    browser.close().await;
}

/// Lists `sku` on all four simulated platforms through the API and waits
/// until every listing is live.
async fn list_everywhere(app: &TestApp, sku: &str) {
    app.add_picture(sku, riff_tests::PNG).await;
    app.request_listings_everywhere(sku).await;
    eventually("every listing live", PATIENCE, || async {
        let p = app.product(sku).await;
        let live = p["listings"]
            .as_array()
            .is_some_and(|ls| ls.len() == 4 && ls.iter().all(|l| l["status"] == "live"));
        live.then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_store_sale_ends_the_listings_everywhere() {
    let (app, _sims) = shop(Backend::Postgres).await;
    app.create_product(&guitar("TILL-1", "Gibson J-45 1964"))
        .await;
    list_everywhere(&app, "TILL-1").await;
    let browser = Browser::open(&app).await;
    browser.log_in().await;

    browser.goto("/products/TILL-1").await;
    browser.type_into("#order_ref", "RECEIPT-0042").await;
    browser
        .click_and_wait("form[action$='/sale'] button[type=submit]")
        .await;
    assert!(
        browser
            .text("p.notice")
            .await
            .contains("RECEIPT-0042 recorded"),
        "{}",
        browser.text("p.notice").await
    );
    // Every row comes to show its listing ended, and the product sold.
    for platform in ["ebay", "reverb", "shopify", "vr"] {
        browser
            .wait_for_text(
                "/products/TILL-1",
                &format!("tr[data-platform='{platform}'] td[data-label='Status']"),
                "ended",
            )
            .await;
    }
    assert!(browser.text("table.details").await.contains("sold"));
    assert!(
        browser
            .find_all("form[action$='/publish'], form[action$='/end']")
            .await
            .is_empty(),
        "a sold item offers neither publish nor end"
    );
    // And the simulated marketplaces agree.
    for platform in riff_domain::value::Platform::ALL {
        let adapter = app.marketplaces.adapter(platform).expect("configured");
        let scan = adapter.scan(chrono::Utc::now()).await.expect("a scan");
        assert!(
            !scan
                .listings
                .iter()
                .any(|l| l.sku.as_deref() == Some("TILL-1")
                    && l.status == riff_domain::port::RemoteStatus::Live),
            "TILL-1 is still live on {platform}"
        );
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_is_resolved_with_a_note() {
    let app = spawn_app(Backend::Postgres).await;
    // A listing found on Reverb that could not be imported: a flag.
    app.flag_a_held_import().await;

    let browser = Browser::open(&app).await;
    browser.log_in().await;
    browser.goto("/flags").await;
    let card = "article.card";
    assert!(browser.text(card).await.contains("7001"));
    browser
        .type_into(
            &format!("{card} form[action$='/resolve'] input[name=note]"),
            "taken down on Reverb by hand",
        )
        .await;
    browser
        .click_and_wait(&format!("{card} form[action$='/resolve'] button"))
        .await;
    assert_eq!(browser.text("p.notice").await, "Flag resolved.");
    assert!(
        browser.find_all("article.card").await.is_empty(),
        "no open flag left"
    );

    browser
        .click_and_wait("a[href='/flags?status=resolved']")
        .await;
    let resolved = browser.text(card).await;
    assert!(
        resolved.contains("by admin") && resolved.contains("taken down on Reverb by hand"),
        "{resolved}"
    );
    let open: Value = app
        .get("/api/flags?status=open")
        .await
        .json()
        .await
        .expect("flags JSON");
    assert_eq!(open["items"], json!([]));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_download_has_the_filtered_inventory() {
    let app = spawn_app(Backend::Postgres).await;
    for (sku, brand, condition) in [
        ("CSV-1", "Gibson", "excellent"),
        ("CSV-2", "Fender", "excellent"),
        ("CSV-3", "Gibson", "good"),
        ("CSV-4", "Gibson", "excellent"),
    ] {
        let mut body = guitar(sku, &format!("{brand} guitar {sku}"));
        body["brand"] = json!(brand);
        body["condition"] = json!(condition);
        app.create_product(&body).await;
    }
    let browser = Browser::open(&app).await;
    browser.log_in().await;
    browser.goto("/inventory").await;
    browser
        .find("#brand")
        .await
        .select_by_value("Gibson")
        .await
        .expect("choose a brand");
    browser
        .find("#condition")
        .await
        .select_by_value("excellent")
        .await
        .expect("choose a condition");
    browser
        .click_and_wait("form.filters button[type=submit]")
        .await;
    let mut shown = skus_shown(&browser).await;
    shown.sort();
    assert_eq!(shown, ["CSV-1", "CSV-4"]);

    let href = browser
        .find("form.filters a.button")
        .await
        .attr("href")
        .await
        .expect("the link's href")
        .expect("an Export CSV link");
    assert!(href.starts_with("/inventory/export.csv?"), "{href}");
    // The browser's own session, outside the browser.
    let response = reqwest::Client::new()
        .get(app.url(&href))
        .header("cookie", browser.session_cookie().await)
        .send()
        .await
        .expect("download the CSV");
    assert_eq!(response.status(), StatusCode::OK, "{href}");
    assert!(response.headers()["content-type"]
        .to_str()
        .is_ok_and(|t| t.starts_with("text/csv")));
    let body = response.text().await.expect("the CSV");
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().expect("a header row").clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column in {header:?}"))
    };
    let (sku, brand, condition) = (column("sku"), column("brand"), column("condition"));
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            let r = r.expect("a CSV row");
            vec![
                r[sku].to_owned(),
                r[brand].to_owned(),
                r[condition].to_owned(),
            ]
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ["CSV-1", "Gibson", "excellent"],
            ["CSV-4", "Gibson", "excellent"]
        ],
        "the CSV holds exactly the rows shown"
    );
    // Without the session, no CSV.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
        .get(app.url(&href))
        .send()
        .await
        .expect("request sent");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_is_browsed_filtered_and_opened() {
    let app = spawn_app(Backend::Postgres).await;
    app.create_guitars(&[("AUD-1", "Rickenbacker 330"), ("AUD-2", "Gretsch Duo Jet")])
        .await;
    let response = app
        .patch("/api/products/AUD-1", &json!({"price": "1299.00"}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let browser = Browser::open(&app).await;
    browser.log_in().await;
    browser.goto("/audit").await;
    assert!(browser.find_all("details.card").await.len() >= 3);

    browser.type_into("#sku", "AUD-1").await;
    browser
        .click_and_wait("form.filters button[type=submit]")
        .await;
    assert!(browser.location().await.contains("sku=AUD-1"));
    let events = browser.find_all("details.card").await;
    assert_eq!(events.len(), 2, "AUD-1's creation and its price change");
    let page = browser.text("main").await;
    assert!(!page.contains("AUD-2"), "only AUD-1's events");

    // An event's payload is folded away until its summary is clicked.
    let payload = "details.card pre";
    assert!(!browser
        .find(payload)
        .await
        .is_displayed()
        .await
        .expect("displayed?"));
    browser
        .find("details.card summary")
        .await
        .click()
        .await
        .expect("open an event");
    let shown = browser.find(payload).await;
    assert!(shown.is_displayed().await.expect("displayed?"));
    let text = shown.text().await.expect("the payload");
    assert!(text.contains("AUD-1"), "{text}");
    let metadata = browser.text("details.card[open] pre:last-of-type").await;
    assert!(metadata.contains("\"actor\""), "{metadata}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_width_window_still_shows_every_action() {
    let (app, _sims) = shop(Backend::Postgres).await;
    pictured_guitar(&app, "PHONE-1", "Fender Precision Bass 1962").await;
    // Live on Reverb, so that its row offers End and the others Publish.
    let response = app.request_listing("PHONE-1", "reverb").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    eventually("the Reverb listing live", PATIENCE, || async {
        (app.product("PHONE-1").await["listings"][0]["status"] == "live").then_some(())
    })
    .await;
    let browser = Browser::open(&app).await;
    browser
        .client
        .set_window_size(375, 812)
        .await
        .expect("a phone-sized window");
    browser.log_in().await;
    let width = browser
        .client
        .execute("return document.documentElement.clientWidth", vec![])
        .await
        .expect("the window's width");
    assert!(
        width.as_f64().is_some_and(|w| w <= 375.0),
        "a phone's width, not {width}"
    );
    browser.assert_no_sideways_scroll().await;
    browser.assert_usable("header.top form.logout button").await;

    browser.goto("/inventory").await;
    browser.assert_no_sideways_scroll().await;
    for action in [
        "header.top form.logout button",
        "form.filters button[type=submit]",
        "form.filters a.button",
        "input[name=sku][value='PHONE-1']",
        "#bulk-platform",
        "button[name=action][value=publish]",
        "button[name=action][value=end]",
    ] {
        browser.assert_usable(action).await;
    }

    browser.goto("/products/PHONE-1").await;
    browser.assert_no_sideways_scroll().await;
    for action in [
        "header.top form.logout button",
        "a.button[href='/products/PHONE-1/edit']",
        "tr[data-platform='reverb'] form[action$='/end'] button[type=submit]",
        "tr[data-platform='ebay'] form[action$='/publish'] button[type=submit]",
        "tr[data-platform='shopify'] form[action$='/publish'] button[type=submit]",
        "tr[data-platform='vr'] form[action$='/publish'] button[type=submit]",
        "#order_ref",
        "form[action$='/sale'] button[type=submit]",
    ] {
        browser.assert_usable(action).await;
    }
    // With a platform's optional attributes unfolded, too.
    browser
        .find("tr[data-platform='ebay'] details summary")
        .await
        .click()
        .await
        .expect("unfold eBay's attributes");
    browser.assert_no_sideways_scroll().await;
    browser
        .assert_usable("tr[data-platform='ebay'] form[action$='/publish'] button[type=submit]")
        .await;
    browser.close().await;
}
