//! Crash safety of the sync engine, tested by killing the `riff` binary.
//!
//! The marketplaces are the four simulators, served by this test process;
//! Riff is `riff serve` as a child process on a fresh PostgreSQL database,
//! configured through its environment as an operator would. The tests kill
//! it with SIGKILL — no shutdown code runs — while it publishes, ends and
//! reconciles, start it again, and then check what a shop owner would:
//! every sale is in Riff, nothing was listed twice, and whatever sold is off
//! every other marketplace.
//!
//! - `RIFF_CRASH_ROUNDS`: how many times the crash test kills Riff (20).
//! - `RIFF_CRASH_SEED`: replays a run; every run prints its seed.
//! - `RIFF_TEST_POSTGRES_URL`: the server to make databases on.
//!
//! `web/tests/soak.sh` runs the crash test for many rounds. Each child's log
//! is kept, and its folder printed, when a test fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use riff_adapters::ebay::simulator::SimStatus as EbayStatus;
use riff_adapters::reverb::simulator::SimState as ReverbState;
use riff_adapters::shopify::simulator::SimStatus as ShopifyStatus;
use riff_domain::value::Platform;
use riff_web::config::Secret;
use riff_web::platforms::Marketplaces;
use riff_web::sim::Simulators;
use serde_json::{json, Value};
use tokio::time::{sleep, Instant};

const TOKEN: &str = "crash-test-token-0123456789";

/// The throw-away PostgreSQL database riff-tests' harness makes, from the
/// same source file: this crate cannot depend on riff-tests. Its items are
/// `pub` for the harness, which exports them.
#[path = "../../tests/src/pg.rs"]
#[allow(unreachable_pub)]
mod pg;

/// A PostgreSQL database made for one test, dropped afterwards unless the
/// test failed.
struct Database(pg::PgDatabase);

impl Database {
    async fn new() -> Self {
        Self(pg::PgDatabase::create("riff_crash").await)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the test's database is kept: {}", self.0.url);
            return;
        }
        self.0.drop_now();
    }
}

/// Where the children write their logs; removed unless the test failed.
struct LogDir(PathBuf);

impl LogDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("riff-crash-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("create a log folder");
        Self(path)
    }
}

impl Drop for LogDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the riff children's logs are in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The shop: the simulated marketplaces and the database every `riff
/// serve` of a test shares.
struct Shop {
    sims: Simulators,
    settings: Marketplaces,
    database: Database,
    logs: LogDir,
    started: u32,
}

impl Shop {
    async fn new() -> Self {
        let sims = Simulators::new(None).expect("simulators");
        let mut settings = sims.spawn().await.expect("serve the simulators");
        Simulators::accept_webhooks(&mut settings);
        Self {
            sims,
            settings,
            database: Database::new().await,
            logs: LogDir::new(),
            started: 0,
        }
    }

    /// The environment of `riff serve`: the database, the API token, no
    /// scheduled syncs, and every marketplace setting the simulators gave.
    fn environment(&self) -> Vec<(&'static str, String)> {
        let s = &self.settings;
        let secret = |value: &Option<Secret>| value.as_ref().map(|v| v.expose().to_owned());
        let mut env = vec![
            ("DATABASE_URL", Some(self.database.0.url.clone())),
            ("RIFF_API_TOKEN", Some(TOKEN.to_owned())),
            ("RIFF_SYNC_TIMES", Some(String::new())),
            // An edit is sent at once, so that a test can kill Riff while
            // the platform answers it.
            ("RIFF_REVISE_DELAY", Some("0".to_owned())),
            (
                "RUST_LOG",
                Some("warn,riff=info,riff_web=info,riff_projections=info".to_owned()),
            ),
            ("EBAY_API_URL", Some(s.ebay_api_url.clone())),
            ("EBAY_OAUTH_TOKEN", secret(&s.ebay_oauth_token)),
            ("EBAY_REFRESH_TOKEN", secret(&s.ebay_refresh_token)),
            ("EBAY_CLIENT_ID", s.ebay_client_id.clone()),
            ("EBAY_CLIENT_SECRET", secret(&s.ebay_client_secret)),
            ("EBAY_OAUTH_URL", Some(s.ebay_oauth_url.clone())),
            ("EBAY_DEV_ID", secret(&s.ebay_dev_id)),
            ("EBAY_LOCATION", s.ebay_location.clone()),
            ("EBAY_POSTAL_CODE", s.ebay_postal_code.clone()),
            (
                "EBAY_SHIPPING_PROFILE_ID",
                s.ebay_shipping_profile_id.clone(),
            ),
            ("EBAY_RETURN_PROFILE_ID", s.ebay_return_profile_id.clone()),
            ("EBAY_PAYMENT_PROFILE_ID", s.ebay_payment_profile_id.clone()),
            ("REVERB_API_URL", Some(s.reverb_api_url.clone())),
            ("REVERB_API_TOKEN", secret(&s.reverb_api_token)),
            (
                "REVERB_SHIPPING_PROFILE_ID",
                s.reverb_shipping_profile_id.clone(),
            ),
            // Online, as a shop that sells on Reverb is: Reverb fetches the
            // pictures from there (the simulator never does).
            (
                "RIFF_PUBLIC_URL",
                Some("https://riff.example.com".to_owned()),
            ),
            ("REVERB_WEBHOOK_SECRET", secret(&s.reverb_webhook_secret)),
            ("SHOPIFY_SHOP_URL", s.shopify_shop_url.clone()),
            ("SHOPIFY_ACCESS_TOKEN", secret(&s.shopify_access_token)),
            ("SHOPIFY_LOCATION_ID", s.shopify_location_id.clone()),
            ("SHOPIFY_WEBHOOK_SECRET", secret(&s.shopify_webhook_secret)),
            ("VR_BASE_URL", Some(s.vr_base_url.clone())),
            ("VR_USERNAME", s.vr_username.clone()),
            ("VR_PASSWORD", secret(&s.vr_password)),
        ];
        env.retain(|(_, value)| value.is_some());
        env.into_iter()
            .map(|(name, value)| (name, value.unwrap_or_default()))
            .collect()
    }

    /// Starts `riff serve` on `port` and waits until it answers.
    async fn start(&mut self, port: u16) -> Riff {
        self.started += 1;
        let log = self
            .logs
            .0
            .join(format!("riff-{}-port-{port}.log", self.started));
        let child = Command::new(env!("CARGO_BIN_EXE_riff"))
            .arg("serve")
            .current_dir(&self.logs.0)
            .env_clear()
            .envs(self.environment())
            .env("RIFF_BIND", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("a log file"))
            .spawn()
            .expect("riff serve starts");
        let riff = Riff {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            client: reqwest::Client::new(),
        };
        riff.wait_until_up().await;
        riff
    }

    fn buy(&self, platform: Platform, external_id: &str) -> bool {
        match platform {
            Platform::Ebay => self.sims.ebay().buy(external_id),
            Platform::Reverb => self.sims.reverb().buy(external_id),
            Platform::Shopify => self.sims.shopify().buy(external_id),
            Platform::Vr => self.sims.vr().buy(external_id),
        }
        .is_some()
    }

    /// Every listing up for sale on the simulated `platform`: its SKU (none
    /// for one made without) and its id there.
    fn live_on(&self, platform: Platform) -> Vec<(Option<String>, String)> {
        match platform {
            Platform::Ebay => self
                .sims
                .ebay()
                .listings()
                .into_iter()
                .filter(|l| l.status == EbayStatus::Active)
                .map(|l| (l.sku, l.item_id))
                .collect(),
            Platform::Reverb => self
                .sims
                .reverb()
                .listings()
                .into_iter()
                .filter(|l| l.state == ReverbState::Live)
                .map(|l| (l.sku, l.id.to_string()))
                .collect(),
            Platform::Shopify => self
                .sims
                .shopify()
                .products()
                .into_iter()
                .filter(|p| p.status == ShopifyStatus::Active)
                .map(|p| (p.sku.clone(), p.gid()))
                .collect(),
            Platform::Vr => self
                .sims
                .vr()
                .listings()
                .into_iter()
                .filter(|i| !i.sold && !i.deleted)
                .map(|i| (i.sku, i.id.to_string()))
                .collect(),
        }
    }

    /// Listings the simulated `platform` ever had with this SKU.
    fn listings_with_sku(&self, platform: Platform, sku: &str) -> usize {
        match platform {
            Platform::Ebay => self.sims.ebay().listings_with_sku(sku),
            Platform::Reverb => self.sims.reverb().listings_with_sku(sku),
            Platform::Shopify => self.sims.shopify().listings_with_sku(sku),
            Platform::Vr => self.sims.vr().listings_with_sku(sku),
        }
    }

    /// Calls that ended this listing that reached the simulated `platform`.
    fn end_requests(&self, platform: Platform, external_id: &str) -> u32 {
        match platform {
            Platform::Ebay => self.sims.ebay().end_requests(external_id),
            Platform::Reverb => self.sims.reverb().end_requests(external_id),
            Platform::Shopify => self.sims.shopify().end_requests(external_id),
            Platform::Vr => self.sims.vr().end_requests(external_id),
        }
    }
}

/// One `riff serve` child process.
struct Riff {
    child: Child,
    base: String,
    log: PathBuf,
    client: reqwest::Client,
}

impl Drop for Riff {
    /// `Child::kill` sends SIGKILL; a failed test leaves no process behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Riff {
    async fn wait_until_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = self
                .client
                .get(format!("{}/healthz", self.base))
                .send()
                .await;
            if answer.is_ok_and(|a| a.status().is_success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "riff serve did not answer in 30 s; see {}",
                self.log.display()
            );
            sleep(Duration::from_millis(25)).await;
        }
    }

    /// SIGKILL: the process ends at once, in the middle of whatever it does.
    fn kill(self) {
        drop(self);
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, body).await
    }

    async fn patch(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::PATCH, path, body).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}; see {}", self.log.display()))
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}; see {}", self.log.display()));
        assert!(response.status().is_success(), "GET {path}: {response:?}");
        response.json().await.expect("JSON")
    }

    async fn create_product(&self, sku: &str) {
        let response = self
            .post(
                "/api/products",
                &json!({
                    "sku": sku,
                    "title": format!("Fender Stratocaster {sku}"),
                    "brand": "Fender",
                    "model": "Stratocaster",
                    "year": 1962,
                    "finish": "Sunburst",
                    "category": "Electric Guitars",
                    "condition": "excellent",
                    "description": "Original finish, with its case.",
                    "price": "1499.00"
                }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "create {sku}");
        // The platforms list nothing without a picture.
        let picture =
            reqwest::multipart::Part::bytes(riff_web::demo::picture::picture(sku, "front"))
                .file_name("front.png");
        let response = self
            .client
            .post(format!("{}/api/products/{sku}/media", self.base))
            .bearer_auth(TOKEN)
            .multipart(reqwest::multipart::Form::new().part("file", picture))
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST a picture: {e}; see {}", self.log.display()));
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "a picture for {sku}"
        );
    }

    async fn list_on(&self, sku: &str, platform: Platform) {
        let response = self
            .post(
                &format!("/api/products/{sku}/listings"),
                &json!({"platform": platform.as_str()}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "list {sku}");
    }

    /// Starts a reconcile of every platform; returns its run id.
    async fn sync(&self) -> String {
        let response = self.post("/api/sync", &json!({})).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let body: Value = response.json().await.expect("JSON");
        body["run_id"].as_str().expect("a run id").to_owned()
    }

    /// Waits for a reconcile to finish.
    async fn sync_and_wait(&self) {
        let run = self.sync().await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let response = self
                .client
                .get(format!("{}/api/sync/runs/{run}", self.base))
                .bearer_auth(TOKEN)
                .send()
                .await
                .expect("an answer");
            if response.status().is_success() {
                let row: Value = response.json().await.expect("JSON");
                if row["status"] != "running" {
                    assert_eq!(row["status"], "succeeded", "{row}");
                    return;
                }
            }
            assert!(Instant::now() < deadline, "sync run {run} did not finish");
            sleep(Duration::from_millis(50)).await;
        }
    }

    async fn product(&self, sku: &str) -> Value {
        self.get(&format!("/api/products/{sku}")).await
    }

    /// The products, once no listing of any waits for a marketplace call
    /// and every product in `sold` shows as sold.
    async fn quiet(&self, skus: &[String], sold: &BTreeSet<String>) -> Option<Vec<Value>> {
        let mut products = vec![];
        for sku in skus {
            let product = self.product(sku).await;
            let busy = listings(&product)
                .iter()
                .any(|l| l["status"] == "pending" || l["status"] == "ending");
            if busy || (sold.contains(sku) && product["status"] != "sold") {
                return None;
            }
            products.push(product);
        }
        Some(products)
    }

    /// Reconciles until `quiet`; fails after `limit`.
    async fn settle(
        &self,
        skus: &[String],
        sold: &BTreeSet<String>,
        limit: Duration,
    ) -> Vec<Value> {
        let deadline = Instant::now() + limit;
        loop {
            self.sync_and_wait().await;
            for _ in 0..10 {
                if self.quiet(skus, sold).await.is_some() {
                    // One more reconcile must find nothing left to do.
                    self.sync_and_wait().await;
                    if let Some(again) = self.quiet(skus, sold).await {
                        return again;
                    }
                }
                sleep(Duration::from_millis(100)).await;
            }
            assert!(
                Instant::now() < deadline,
                "Riff did not settle in {limit:?}; see {}",
                self.log.display()
            );
        }
    }
}

fn listings(product: &Value) -> &[Value] {
    product["listings"].as_array().map_or(&[], Vec::as_slice)
}

fn listing(product: &Value, platform: Platform) -> &Value {
    listings(product)
        .iter()
        .find(|l| l["platform"] == platform.as_str())
        .unwrap_or(&Value::Null)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// What a shop owner checks once everything settled: each of `products`
/// sold where it was bought (`bought`: SKU → platform, id there) and ended
/// everywhere else, on the platforms too; each unsold one live once on
/// every platform; nothing listed twice; nothing for sale that Riff does
/// not know; no flag raised.
async fn assert_the_shop_is_in_step(
    shop: &Shop,
    riff: &Riff,
    products: &[Value],
    bought: &BTreeMap<String, (Platform, String)>,
) {
    let mut live_elsewhere: BTreeMap<Platform, Vec<(Option<String>, String)>> = BTreeMap::new();
    for platform in Platform::ALL {
        live_elsewhere.insert(platform, shop.live_on(platform));
    }
    for product in products {
        let sku = product["sku"].as_str().expect("a SKU");
        for platform in Platform::ALL {
            assert!(
                shop.listings_with_sku(platform, sku) <= 1,
                "{sku} was published twice on {platform}"
            );
            assert_eq!(
                listings(product)
                    .iter()
                    .filter(|l| l["platform"] == platform.as_str())
                    .count(),
                1,
                "{sku} has one listing on {platform} in Riff: {product}"
            );
        }
        let live_here = |platform: Platform| {
            live_elsewhere[&platform]
                .iter()
                .any(|(s, _)| s.as_deref() == Some(sku))
        };
        match bought.get(sku) {
            Some((sold_on, external_id)) => {
                assert_eq!(product["status"], "sold", "the sale of {sku} was lost");
                let selling = listing(product, *sold_on);
                assert_eq!(selling["status"], "sold", "{sku}: {product}");
                assert_eq!(selling["external_id"], external_id.as_str(), "{product}");
                for platform in Platform::ALL.into_iter().filter(|p| p != sold_on) {
                    assert_eq!(
                        listing(product, platform)["status"],
                        "ended",
                        "{sku} sold on {sold_on}: its {platform} listing must end: {product}"
                    );
                    assert!(
                        !live_here(platform),
                        "{sku} sold on {sold_on} is still for sale on {platform}"
                    );
                }
            }
            None => {
                assert_eq!(product["status"], "active", "{product}");
                for platform in Platform::ALL {
                    let l = listing(product, platform);
                    assert_eq!(l["status"], "live", "{sku} on {platform}: {product}");
                    assert!(
                        live_elsewhere[&platform]
                            .iter()
                            .any(|(s, id)| s.as_deref() == Some(sku)
                                && l["external_id"] == id.as_str()),
                        "{sku} is live on {platform} under the id Riff recorded: {product}"
                    );
                }
            }
        }
    }
    // Nothing is for sale that Riff does not know of: a publish that was
    // cut short and then forgotten would show here, as would a listing
    // made twice.
    let known: BTreeSet<&str> = products.iter().filter_map(|p| p["sku"].as_str()).collect();
    for (platform, live) in &live_elsewhere {
        for (sku, id) in live {
            assert!(
                sku.as_deref().is_some_and(|s| known.contains(s)),
                "{platform} has {id} ({sku:?}) for sale, which Riff does not list"
            );
        }
    }
    let all = riff.get("/api/products?per_page=1").await;
    assert_eq!(
        all["total"].as_u64(),
        Some(products.len() as u64),
        "no product was made from a stray listing"
    );
    let flags = riff.get("/api/flags?status=open").await;
    assert_eq!(
        flags["items"].as_array().map(Vec::len),
        Some(0),
        "no flag was raised: {flags}"
    );
}

/// Picks a listing that is up on a simulator, of a product of ours that no
/// one bought yet.
fn something_to_buy(
    shop: &Shop,
    rng: &mut StdRng,
    skus: &[String],
    bought: &BTreeMap<String, (Platform, String)>,
) -> Option<(String, Platform, String)> {
    let mut candidates = vec![];
    for platform in Platform::ALL {
        for (sku, id) in shop.live_on(platform) {
            // A product Riff has just made on Shopify is active before its
            // stock is set, and a buyer cannot buy it until then.
            if platform == Platform::Shopify
                && shop
                    .sims
                    .shopify()
                    .product(&id)
                    .is_none_or(|p| p.inventory < 1)
            {
                continue;
            }
            if let Some(sku) = sku.filter(|s| skus.contains(s) && !bought.contains_key(s)) {
                candidates.push((sku, platform, id));
            }
        }
    }
    if candidates.is_empty() {
        return None;
    }
    let pick = rng.random_range(0..candidates.len());
    Some(candidates.swap_remove(pick))
}

/// The requirement: `riff serve` killed with SIGKILL at random
/// moments while it publishes, ends and reconciles, and restarted, again
/// and again: no sale lost, no listing published twice, every end done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn riff_killed_at_random_moments_mid_sync_loses_no_sale_lists_nothing_twice_and_ends_everything_sold(
) {
    let rounds: u32 = std::env::var("RIFF_CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("RIFF_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("crash test: {rounds} rounds, RIFF_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut shop = Shop::new().await;
    let port = free_port();
    shop.sims
        .send_webhooks_to(&format!("http://127.0.0.1:{port}"));
    let started = Instant::now();

    let mut skus: Vec<String> = vec![];
    let mut bought: BTreeMap<String, (Platform, String)> = BTreeMap::new();
    for round in 0..rounds {
        let riff = shop.start(port).await;
        // New stock, listed everywhere.
        for n in 0..2 {
            let sku = format!("CRASH-{round}-{n}");
            riff.create_product(&sku).await;
            for platform in Platform::ALL {
                riff.list_on(&sku, platform).await;
            }
            skus.push(sku);
        }
        // Buyers, on whatever is up for sale by now.
        for _ in 0..rng.random_range(0..=2) {
            if let Some((sku, platform, id)) = something_to_buy(&shop, &mut rng, &skus, &bought) {
                assert!(shop.buy(platform, &id), "{platform} sells {id}");
                bought.insert(sku, (platform, id));
            }
        }
        if rng.random_bool(0.5) {
            riff.sync().await;
        }
        sleep(Duration::from_millis(rng.random_range(0..300))).await;
        riff.kill();
    }
    let killed_after = started.elapsed();

    let riff = shop.start(port).await;
    let sold: BTreeSet<String> = bought.keys().cloned().collect();
    let products = riff.settle(&skus, &sold, Duration::from_secs(60)).await;
    println!(
        "crash test: {rounds} kills in {killed_after:?}, settled after {:?}; {} products, {} sold",
        started.elapsed(),
        skus.len(),
        bought.len()
    );
    assert!(!bought.is_empty(), "seed {seed}: something was bought");
    assert_the_shop_is_in_step(&shop, &riff, &products, &bought).await;
    riff.kill();
}

impl Riff {
    /// Waits until the child's log says `line`.
    async fn wait_for_log(&self, line: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !std::fs::read_to_string(&self.log).is_ok_and(|log| log.contains(line)) {
            assert!(
                Instant::now() < deadline,
                "{} never logged {line:?}",
                self.log.display()
            );
            sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until every listing of these products is live.
    async fn wait_until_live(&self, skus: &[String]) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        'poll: loop {
            assert!(
                Instant::now() < deadline,
                "not every listing went live; see {}",
                self.log.display()
            );
            let mut products = vec![];
            for sku in skus {
                let product = self.product(sku).await;
                let live = Platform::ALL
                    .iter()
                    .all(|p| listing(&product, *p)["status"] == "live");
                if !live {
                    sleep(Duration::from_millis(50)).await;
                    continue 'poll;
                }
                products.push(product);
            }
            return products;
        }
    }
}

/// The log line of the process that takes the leader's lock.
const LEADS: &str = "this process runs the sync loops";

/// Buys product `n` of `products` on platform `n` (modulo four).
fn buy_one_each(
    shop: &Shop,
    products: &[Value],
    bought: &mut BTreeMap<String, (Platform, String)>,
) {
    for (n, product) in products.iter().enumerate() {
        let platform = Platform::ALL[n % Platform::ALL.len()];
        let sku = product["sku"].as_str().expect("a SKU");
        let id = listing(product, platform)["external_id"]
            .as_str()
            .expect("a live listing has an id")
            .to_owned();
        assert!(shop.buy(platform, &id), "{platform} sells {id}");
        bought.insert(sku.to_owned(), (platform, id));
    }
}

/// Two `riff serve` on one PostgreSQL: one runs the sync loops; each sold
/// item's other listings are ended with one call to each marketplace; and
/// when the leader is killed, the other takes over the waiting work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_riffs_on_one_database_end_each_listing_once_and_the_survivor_takes_over_from_a_killed_leader(
) {
    let mut shop = Shop::new().await;
    let a = shop.start(free_port()).await;
    a.wait_for_log(LEADS).await;
    let b = shop.start(free_port()).await;
    // The webhooks reach the follower; the leader's sagas act on them.
    shop.sims.send_webhooks_to(&b.base);
    let mut bought = BTreeMap::new();

    // Stock created and listed through either process, then sold.
    let first: Vec<String> = (0..4).map(|n| format!("PAIR-{n}")).collect();
    for (n, sku) in first.iter().enumerate() {
        let (one, other) = if n % 2 == 0 { (&a, &b) } else { (&b, &a) };
        one.create_product(sku).await;
        for (k, platform) in Platform::ALL.into_iter().enumerate() {
            let via = if k % 2 == 0 { one } else { other };
            via.list_on(sku, platform).await;
        }
    }
    let live = b.wait_until_live(&first).await;
    buy_one_each(&shop, &live, &mut bought);
    a.sync().await;
    let sold: BTreeSet<String> = bought.keys().cloned().collect();
    b.settle(&first, &sold, Duration::from_secs(30)).await;
    assert!(
        !std::fs::read_to_string(&b.log)
            .expect("b's log")
            .contains(LEADS),
        "only one process leads while both run"
    );

    // More stock waits to be published when the leader dies.
    let second: Vec<String> = (0..4).map(|n| format!("PAIR-{}", n + 4)).collect();
    for sku in &second {
        b.create_product(sku).await;
        for platform in Platform::ALL {
            b.list_on(sku, platform).await;
        }
    }
    a.kill();
    b.wait_for_log(LEADS).await;
    let live = b.wait_until_live(&second).await;
    buy_one_each(&shop, &live[..3], &mut bought);
    let all: Vec<String> = first.iter().chain(&second).cloned().collect();
    let sold: BTreeSet<String> = bought.keys().cloned().collect();
    let products = b.settle(&all, &sold, Duration::from_secs(30)).await;

    assert_the_shop_is_in_step(&shop, &b, &products, &bought).await;
    for product in &products {
        let sku = product["sku"].as_str().expect("a SKU");
        let sold_on = bought.get(sku).map(|(platform, _)| *platform);
        for platform in Platform::ALL {
            let id = listing(product, platform)["external_id"]
                .as_str()
                .expect("every listing was published")
                .to_owned();
            let expected = match sold_on {
                Some(p) if p != platform => 1,
                _ => 0,
            };
            assert_eq!(
                shop.end_requests(platform, &id),
                expected,
                "{sku} on {platform} ({id}) was ended {expected} time(s): {product}"
            );
        }
    }
    b.kill();
}

/// Issue 23: Riff killed after eBay made a revision and before Riff heard
/// so. Started again, it finds the revision already shown on eBay and does
/// not make it a second time; every platform shows the edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn riff_killed_between_a_revision_and_its_answer_does_not_revise_twice() {
    let mut shop = Shop::new().await;
    let port = free_port();
    let riff = shop.start(port).await;
    let sku = "KILLED-MID-REVISION".to_owned();
    riff.create_product(&sku).await;
    for platform in Platform::ALL {
        riff.list_on(&sku, platform).await;
    }
    let live = riff.wait_until_live(std::slice::from_ref(&sku)).await;
    let item_id = listing(&live[0], Platform::Ebay)["external_id"]
        .as_str()
        .expect("a live listing has an id")
        .to_owned();
    let ebay = shop.sims.ebay().clone();
    ebay.hold_next_answer("ReviseFixedPriceItem");

    let title = "Fender Stratocaster 1962, refret";
    let edited = riff
        .patch(
            &format!("/api/products/{sku}"),
            &json!({"title": title, "price": "1399.00"}),
        )
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(20);
    while ebay.listing(&item_id).is_none_or(|l| l.revisions == 0) {
        assert!(
            Instant::now() < deadline,
            "eBay never received the revision; see {}",
            riff.log.display()
        );
        sleep(Duration::from_millis(20)).await;
    }
    riff.kill();

    let riff = shop.start(port).await;
    let product = riff.up_to_date(&sku).await;
    let listed = ebay.listing(&item_id).expect("the eBay listing");
    assert_eq!(listed.title, title);
    assert_eq!(listed.price.to_string(), "1399.00");
    assert_eq!(
        listed.revisions, 1,
        "eBay was sent the revision once, though Riff was killed before it heard the answer"
    );
    for platform in Platform::ALL {
        assert_eq!(
            listing(&product, platform)["shown_version"],
            product["version"],
            "{platform} shows the edit: {product}"
        );
    }
    riff.kill();
}

impl Riff {
    /// The product, once every live listing of it shows its latest version.
    async fn up_to_date(&self, sku: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let product = self.product(sku).await;
            if listings(&product)
                .iter()
                .all(|l| l["revision"] == "up_to_date")
            {
                return product;
            }
            assert!(
                Instant::now() < deadline,
                "not every listing of {sku} came up to date: {product}; see {}",
                self.log.display()
            );
            sleep(Duration::from_millis(50)).await;
        }
    }
}
