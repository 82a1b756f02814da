//! The end-to-end test harness: spawns the real application on a random
//! port over a fresh database — PostgreSQL or SQLite — and talks to it over
//! HTTP, as a client would.
//!
//! PostgreSQL tests create a throw-away database on the server named by
//! `RIFF_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and drop it afterwards. When that server is unreachable the tests fail,
//! loudly: they are never skipped.
//!
//! Set `TEST_LOG=1` to see the application's logs.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use riff_domain::policy::PlatformPriority;
use riff_domain::value::Currency;
use riff_projections::Db;
use riff_web::config::{Config, DropboxSettings, Secret};
use riff_web::platforms::Marketplaces;
use riff_web::sim::Simulators;
use riff_web::startup::Application;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub use riff_projections::Backend;

pub mod admin;
pub mod pg;

/// The token the test apps are configured with.
pub const TOKEN: &str = "test-token-0123456789";

/// A running Riff and the client to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub database: TestDatabase,
    /// The marketplaces it talks to (none by default).
    pub marketplaces: Marketplaces,
    /// The shop's Dropbox (none by default); set it, then `restart`.
    pub dropbox: DropboxSettings,
    /// The shop's currency (`RIFF_CURRENCY`, GBP by default).
    pub currency: Currency,
    /// Whose details and ties win (`RIFF_PLATFORM_PRIORITY`), and so the
    /// order in which a reconcile reads the platforms.
    pub priority: PlatformPriority,
    /// Whether images may be fetched by URL from the loopback (yes by
    /// default: the tests' image servers are there); set it, then
    /// `restart`.
    pub media_fetch_private: bool,
    /// `RIFF_PUBLIC_URL`: a shop that sells on Reverb is online at
    /// [`PUBLIC_URL`] (Reverb fetches the pictures from there; Riff reads
    /// its own where it listens); `None` is a shop that is not. Set it,
    /// then `restart`.
    pub public_url: Option<String>,
    /// `RIFF_REVISE_DELAY`: none, unless a test of the window sets one
    /// (and restarts).
    pub revise_delay: Duration,
    running: Option<Server>,
}

/// The public address of every test shop that sells on marketplaces. The
/// simulators never fetch from it.
pub const PUBLIC_URL: &str = "https://riff.example.com";

/// Riff serving on a loopback port until stopped: what a [`TestApp`] runs,
/// and what the benchmarks time on a configuration of their own.
pub struct Server {
    /// `http://` and where it listens.
    pub address: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Builds Riff from `config` and serves it.
    pub async fn start(config: &Config) -> Self {
        let application = Application::build(config)
            .await
            .expect("the application starts");
        let address = format!("http://{}", application.local_addr());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(application.run_until_stopped(async {
            let _ = stopped.await;
        }));
        Self {
            address,
            stop,
            task,
        }
    }

    /// Stops the server cleanly and waits for it to finish.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task
            .await
            .expect("the server task does not panic")
            .expect("the server stops cleanly");
    }
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            riff_web::telemetry::init();
        }
    });
}

/// Brings every view of `db` up to the end of its log, as the projector
/// of a running Riff would.
pub async fn project(db: &Db) {
    riff_projections::Projector::new(db.clone(), riff_projections::view::all())
        .await
        .expect("a projector")
        .run_until_idle()
        .await
        .expect("the views catch up");
}

/// Polls `check` until it gives `Some`, or fails the test after `limit`.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A database made for one test, removed when dropped.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Postgres(pg::PgDatabase),
    Sqlite(PathBuf),
}

impl TestDatabase {
    /// A fresh, empty database on `backend`.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Postgres => {
                let database = pg::PgDatabase::create("riff_test").await;
                Self {
                    backend,
                    url: database.url.clone(),
                    cleanup: Cleanup::Postgres(database),
                }
            }
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("riff-test-{}.db", Uuid::new_v4()));
                Self {
                    backend,
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::Sqlite(path),
                }
            }
        }
    }

    /// A migrated connection to the database, for tests that work below the
    /// HTTP API.
    pub async fn connect(&self) -> Db {
        let db = Db::connect(&self.url)
            .await
            .expect("connect to the test database");
        db.migrate().await.expect("migrate the test database");
        db
    }
}

/// Where a test app on `database_url` keeps its images: one folder per
/// database, so that a restarted app finds them and the database's clean-up
/// removes them.
fn media_dir(database_url: &str) -> PathBuf {
    let name = database_url.rsplit('/').next().unwrap_or(database_url);
    std::env::temp_dir().join(format!("riff-test-media-{name}"))
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(media_dir(&self.url));
        match &self.cleanup {
            Cleanup::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres(database) => database.drop_now(),
        }
    }
}

/// The configuration a test app runs with.
pub fn config(database_url: &str, token: Option<&str>) -> Config {
    Config {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".parse().expect("a valid address"),
        api_token: token.map(Secret::new),
        admin_password: Some(Secret::new(ADMIN_PASSWORD)),
        currency: Currency::GBP,
        platform_priority: PlatformPriority::default(),
        // Tests start their syncs themselves.
        sync_times: String::new(),
        timezone: "Europe/London".to_owned(),
        public_url: None,
        // Revisions at once; a test of the window sets its own.
        revise_delay: Duration::ZERO,
        media_dir: media_dir(database_url),
        media_fetch_private: false,
        marketplaces: Marketplaces::default(),
        dropbox: DropboxSettings::default(),
    }
}

/// The `admin` user's password in every test app.
pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// Spawns Riff on a fresh database of `backend`, with [`TOKEN`].
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_on(TestDatabase::new(backend).await).await
}

/// Spawns Riff on a database a test has prepared.
pub async fn spawn_app_on(database: TestDatabase) -> TestApp {
    spawn_app_with(database, Marketplaces::default()).await
}

/// Spawns Riff on a prepared database, talking to these marketplaces.
pub async fn spawn_app_with(database: TestDatabase, marketplaces: Marketplaces) -> TestApp {
    spawn_shop(
        database,
        marketplaces,
        Currency::GBP,
        PlatformPriority::default(),
    )
    .await
}

/// Riff with all four simulated marketplaces, pushing their webhooks to it.
pub async fn shop(backend: Backend) -> (TestApp, Simulators) {
    let sims = Simulators::new(None).expect("the simulators");
    let mut settings = sims.spawn().await.expect("the simulators serve");
    Simulators::accept_webhooks(&mut settings);
    let app = spawn_app_with(TestDatabase::new(backend).await, settings).await;
    sims.send_webhooks_to(&app.address);
    (app, sims)
}

/// Riff with the four simulators of `sims` and no webhooks: syncs happen
/// only when a test starts one, so it controls what is seen in which order.
pub async fn quiet_shop(backend: Backend, sims: &Simulators) -> TestApp {
    let settings = sims.spawn().await.expect("the simulators serve");
    spawn_app_with(TestDatabase::new(backend).await, settings).await
}

/// Spawns Riff for a shop that sells in `currency` and ranks the platforms
/// by `priority`.
pub async fn spawn_shop(
    database: TestDatabase,
    marketplaces: Marketplaces,
    currency: Currency,
    priority: PlatformPriority,
) -> TestApp {
    // Reverb lists only pictures it can fetch from a public address.
    let public_url = marketplaces
        .reverb_api_token
        .is_some()
        .then(|| PUBLIC_URL.to_owned());
    let mut app = TestApp {
        address: String::new(),
        client: Client::new(),
        database,
        marketplaces,
        dropbox: DropboxSettings::default(),
        currency,
        priority,
        media_fetch_private: true,
        public_url,
        revise_delay: Duration::ZERO,
        running: None,
    };
    app.start().await;
    app
}

impl TestApp {
    /// The configuration this app runs with.
    pub fn config(&self) -> Config {
        let mut config = config(&self.database.url, Some(TOKEN));
        config.marketplaces = self.marketplaces.clone();
        config.dropbox = self.dropbox.clone();
        config.currency = self.currency;
        config.platform_priority = self.priority.clone();
        config.media_fetch_private = self.media_fetch_private;
        config.public_url.clone_from(&self.public_url);
        config.revise_delay = self.revise_delay;
        config
    }
}

impl TestApp {
    async fn start(&mut self) {
        init_logs();
        let server = Server::start(&self.config()).await;
        self.address.clone_from(&server.address);
        self.running = Some(server);
    }

    /// Stops the server cleanly and starts a new one on the same database.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(&mut self) {
        if let Some(server) = self.running.take() {
            server.stop().await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A request to `path` carrying the API token, for a test that sets
    /// its own headers or body.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(TOKEN)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .expect("request sent")
    }

    /// `GET path` with `authorization` as its `Authorization` header, or
    /// none: what the tests of the API token send.
    pub async fn get_authorized(&self, path: &str, authorization: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        request.send().await.expect("request sent")
    }

    /// The JSON `path` answers, whatever the status: what most checks of a
    /// view read.
    pub async fn get_json(&self, path: &str) -> Value {
        self.get(path).await.json().await.expect("a JSON body")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::PUT, path, body).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::PATCH, path, body).await
    }

    /// Sends `body` as JSON with the API token: what `post`, `put` and
    /// `patch` share.
    async fn send_json(&self, method: Method, path: &str, body: &Value) -> Response {
        self.request(method, path)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Posts `body` and answers the status with the JSON body: what a check
    /// of an answer or a refusal reads.
    pub async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        status_and_json(self.post(path, body).await).await
    }

    /// The status of `path` with its JSON body.
    pub async fn get_status_json(&self, path: &str) -> (StatusCode, Value) {
        status_and_json(self.get(path).await).await
    }

    /// Posts `body` as it is, without the API token: what a marketplace's
    /// webhook delivery (or a forgery of one) looks like.
    pub async fn post_raw(&self, path: &str, body: &'static str) -> Response {
        self.client
            .post(self.url(path))
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Puts the media of `sku` in the order of `ids`.
    pub async fn order_media(&self, sku: &str, ids: &[&str]) -> Response {
        self.put(
            &format!("/api/products/{sku}/media/order"),
            &serde_json::json!({ "ids": ids }),
        )
        .await
    }

    /// Product `sku` as the API shows it.
    pub async fn product(&self, sku: &str) -> Value {
        self.get_json(&format!("/api/products/{sku}")).await
    }

    /// Asks for `sku` to be listed on `platform` (its name), as the
    /// product page's Publish does.
    pub async fn request_listing(&self, sku: &str, platform: &str) -> Response {
        self.post(
            &format!("/api/products/{sku}/listings"),
            &serde_json::json!({ "platform": platform }),
        )
        .await
    }

    /// Asks for `sku` to be listed on every platform, asserting each
    /// request is accepted (`202`); answers the accepted bodies.
    pub async fn request_listings_everywhere(&self, sku: &str) -> Vec<Value> {
        let mut accepted = vec![];
        for platform in riff_domain::value::Platform::ALL {
            let response = self.request_listing(sku, platform.as_str()).await;
            assert_eq!(response.status(), StatusCode::ACCEPTED);
            accepted.push(response.json().await.expect("a listing JSON"));
        }
        accepted
    }

    /// Records below the API a listing found on Reverb (`7001`, titled
    /// "Jazzmaster") whose import is held for want of a price, and brings
    /// the views up to date: the open `import_held` flag the flag pages
    /// are tested with. Answers the listing's id.
    pub async fn flag_a_held_import(&self) -> Uuid {
        use riff_domain::{EventMetadata, Source};
        let db = self.database.connect().await;
        let ledger = riff_web::ledger::Ledger::new(&db);
        let meta = EventMetadata::new("test", Source::Cli);
        let id = hold_found_listing(
            &ledger,
            &meta,
            riff_domain::value::Platform::Reverb,
            "7001",
            "Jazzmaster",
            "no price",
        )
        .await;
        self.settle().await;
        id
    }

    /// Creates a product and returns its JSON, asserting `201`.
    pub async fn create_product(&self, body: &Value) -> Value {
        let response = self.post("/api/products", body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
        response.json().await.expect("product JSON")
    }

    /// Creates a [`guitar`] for each `(sku, title)`, asserting `201` for
    /// each: the shop most tests start from.
    pub async fn create_guitars(&self, guitars: &[(&str, &str)]) {
        for (sku, title) in guitars {
            self.create_product(&guitar(sku, title)).await;
        }
    }

    /// Changes product `sku` as `changes` say, asserting `200`.
    pub async fn edit_product(&self, sku: &str, changes: &Value) {
        let response = self.patch(&format!("/api/products/{sku}"), changes).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "editing {sku}: {changes}"
        );
    }

    /// Gives `sku` the picture `bytes`, through the API as a client would:
    /// the platforms list nothing without one. Answers the product's media.
    pub async fn add_picture(&self, sku: &str, bytes: &[u8]) -> Value {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("picture"),
        );
        let response = self
            .request(Method::POST, &format!("/api/products/{sku}/media"))
            .multipart(form)
            .send()
            .await
            .expect("request sent");
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "a picture for {sku}"
        );
        response.json().await.expect("media JSON")
    }

    /// What the audit log says for `query` (`/api/audit?{query}`), event
    /// by event.
    pub async fn audit_summaries(&self, query: &str) -> Vec<String> {
        let audit = self.get_json(&format!("/api/audit?{query}")).await;
        audit["events"]
            .as_array()
            .expect("an events array")
            .iter()
            .map(|e| e["summary"].as_str().expect("a summary").to_owned())
            .collect()
    }

    /// Asserts that `/healthz` answers `200`, showing what it says if not.
    pub async fn assert_healthy(&self) {
        let health = self.get("/healthz").await;
        assert_eq!(
            health.status(),
            StatusCode::OK,
            "{}",
            health.text().await.expect("a health text")
        );
    }

    /// Brings every view up to the end of the log now, for a test that
    /// appended events below the API. A second projector on the same
    /// database is safe: the checkpoint locks keep the two from applying an
    /// event twice.
    pub async fn settle(&self) {
        let db = self.database.connect().await;
        project(&db).await;
        db.close().await;
    }

    /// How many events the log holds: what "the log is unchanged" checks.
    pub async fn log_length(&self) -> usize {
        self.events().await.len()
    }

    /// Every event of the log, oldest first, read page by page.
    pub async fn events(&self) -> Vec<Value> {
        let mut after = 0;
        let mut all = vec![];
        loop {
            let mut page = self
                .get_json(&format!("/api/events?after={after}&limit=1000"))
                .await;
            let events = page["events"].as_array_mut().expect("an events array");
            if events.is_empty() {
                return all;
            }
            all.append(events);
            after = page["last_position"].as_i64().expect("a last position");
        }
    }

    /// The events of the log but the sync runs': a delivery or a sync
    /// accepted earlier starts a run in the background, whose events may
    /// land at any moment.
    pub async fn events_but_sync_runs(&self) -> Vec<Value> {
        let mut events = self.events().await;
        events.retain(|e| e["aggregate_type"] != "sync_run");
        events
    }
}

/// Copies product `sku`'s first event as aggregate `copy` with a plain
/// insert, below the event store: an event written around Riff, which its
/// hash chain does not vouch for. Answers the copy's position.
pub async fn write_around_riff(db: &Db, sku: &str, copy: &str) -> i64 {
    let sql = format!(
        "insert into events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) select aggregate_type, '{copy}', 1, event_type, event_version, \
         replace(payload, '{sku}', '{copy}'), metadata from events \
         where aggregate_id = '{sku}' and sequence = 1"
    );
    let mut conn = db.views.acquire().await.expect("a connection");
    sqlx::query(&sql)
        .execute(&mut *conn)
        .await
        .expect("an event written around Riff");
    let (position,): (i64,) = sqlx::query_as("select max(position) from events")
        .fetch_one(&mut *conn)
        .await
        .expect("the log's last position");
    position
}

/// The status of `response` and its JSON body (`Null` when it has none).
pub async fn status_and_json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The listing of `product` (its JSON) on `platform`, `Null` if none.
pub fn listing(product: &Value, platform: riff_domain::value::Platform) -> &Value {
    product["listings"]
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["platform"] == platform.as_str()))
        .unwrap_or(&Value::Null)
}

/// The whole number in environment variable `name`, or `default`: how the
/// benchmarks take their sizes.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Asserts that one of the audit's `summaries` begins with `start`.
pub fn assert_one_starts_with(summaries: &[String], start: &str) {
    assert!(
        summaries.iter().any(|s| s.starts_with(start)),
        "{start:?} in {summaries:?}"
    );
}

/// Records through `ledger`, below the API, a listing found on `platform`
/// (`external_id`, titled `title`) whose import is held for `reason`: what
/// raises an `import_held` flag. Answers the listing's id.
pub async fn hold_found_listing(
    ledger: &riff_web::ledger::Ledger,
    meta: &riff_domain::EventMetadata,
    platform: riff_domain::value::Platform,
    external_id: &str,
    title: &str,
    reason: &str,
) -> Uuid {
    use riff_domain::listing::ExternalSnapshot;
    use riff_domain::ListingCommand;
    let id = Uuid::new_v4();
    let detect = ListingCommand::Detect {
        listing_id: id,
        platform,
        external_id: external_id.into(),
        snapshot: ExternalSnapshot {
            sku: None,
            title: title.into(),
            price: None,
            quantity: Some(1),
            url: None,
            raw: serde_json::json!({}),
        },
        detected_at: chrono::Utc::now(),
    };
    ledger
        .listing(id, detect, meta)
        .await
        .expect("detect a listing");
    let hold = ListingCommand::HoldImport {
        reason: reason.into(),
    };
    ledger
        .listing(id, hold, meta)
        .await
        .expect("hold its import");
    id
}

/// Asserts that `response` refuses a request (`what`, for the failure
/// message) with `422`, naming `field`; answers the error for more checks.
pub async fn assert_unprocessable(response: Response, field: &str, what: &str) -> Value {
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what}"
    );
    let error: Value = response.json().await.expect("error JSON");
    assert_eq!(error["field"], field, "{what}: {error}");
    error
}

/// Like [`assert_unprocessable`], and asserts the error also says, in
/// words, what is wrong.
pub async fn assert_refused_with_words(response: Response, field: &str, what: &str) -> Value {
    let error = assert_unprocessable(response, field, what).await;
    assert!(
        error["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{error}"
    );
    error
}

/// Asserts that `GET {path}?{query}` is refused with `422` naming `field`,
/// for each `(query, field)`: how the list endpoints' bad parameters are
/// checked.
pub async fn assert_queries_refused(app: &TestApp, path: &str, cases: &[(&str, &str)]) {
    for (query, field) in cases {
        let response = app.get(&format!("{path}?{query}")).await;
        assert_unprocessable(response, field, query).await;
    }
}

/// The `items` of a list page.
pub fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("an items array")
}

/// The `items` of a list page whose `key` is `value`.
pub fn items_where<'a>(page: &'a Value, key: &str, value: &str) -> Vec<&'a Value> {
    items(page).iter().filter(|i| i[key] == value).collect()
}

/// One event to load in bulk: aggregate type, aggregate id, sequence, event.
pub type BulkEvent = (&'static str, String, i64, riff_projections::RecordedEvent);

/// One product's history, for appending below the API: created at
/// £1,000.00, then repriced `times` times, a penny up each time. Long
/// histories are what a replay splits across batches and what a backlog
/// is made of.
pub fn repriced(sku: &str, times: i64) -> Vec<BulkEvent> {
    use riff_domain::product::ProductSource;
    use riff_domain::value::{Money, ProductDetails, ProductDetailsInput, Sku};
    use riff_domain::ProductEvent;
    use riff_projections::RecordedEvent;
    let gbp = |minor: i64| {
        Money::price(rust_decimal::Decimal::new(minor, 2), Currency::GBP).expect("a price in range")
    };
    let created = ProductEvent::ProductCreated {
        sku: Sku::parse(sku).expect("a valid SKU"),
        details: ProductDetails::parse(ProductDetailsInput {
            title: "Fender Twin Reverb, repriced daily".into(),
            brand: "Fender".into(),
            model: "Twin Reverb".into(),
            category: "Amps".into(),
            condition: "good".into(),
            ..Default::default()
        })
        .expect("valid details"),
        price: gbp(100_000),
        quantity: 1,
        source: ProductSource::Manual,
        draft: false,
    };
    let mut events: Vec<BulkEvent> =
        vec![("product", sku.into(), 1, RecordedEvent::Product(created))];
    for n in 1..=times {
        let price = ProductEvent::PriceChanged {
            previous: gbp(100_000 + n - 1),
            price: gbp(100_000 + n),
        };
        events.push(("product", sku.into(), n + 1, RecordedEvent::Product(price)));
    }
    events
}

/// Event `sequence` of product `BENCH-{n:06}`, for loading in bulk: the
/// SKUs the benchmarks' shops are made of.
pub fn bench_product_event(n: usize, sequence: i64, event: riff_domain::ProductEvent) -> BulkEvent {
    (
        "product",
        format!("BENCH-{n:06}"),
        sequence,
        riff_projections::RecordedEvent::Product(event),
    )
}

/// The value after `key` on the first line of `/proc/{file}` that starts
/// with `key`, for the benchmarks' notes on the machine and the memory.
pub fn proc_field(file: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{file}")).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    Some(line[key.len()..].trim().to_owned())
}

/// Appends events the fast way, for benchmarks: a thousand rows per
/// statement, through the same triggers (positions, append-only) as the
/// event store's own inserts.
pub async fn bulk_append(db: &Db, events: &[BulkEvent]) {
    use cqrs_es::DomainEvent;
    use riff_projections::RecordedEvent;
    let sqlite = db.backend() == Backend::Sqlite;
    let cast = if sqlite { "" } else { "::json" };
    let metadata = serde_json::json!({"actor": "bench", "source": "cli",
        "correlation_id": "00000000-0000-0000-0000-000000000000"})
    .to_string();
    for chunk in events.chunks(1000) {
        let mut n = 0;
        let mut next = || {
            n += 1;
            if sqlite {
                "?".to_owned()
            } else {
                format!("${n}")
            }
        };
        let values: Vec<String> = chunk
            .iter()
            .map(|_| {
                let p: Vec<String> = (0..7).map(|_| next()).collect();
                format!(
                    "({}, {}, {}, {}, {}, {}{cast}, {}{cast})",
                    p[0], p[1], p[2], p[3], p[4], p[5], p[6]
                )
            })
            .collect();
        let sql = format!(
            "insert into events (aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata) values {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (aggregate_type, id, sequence, event) in chunk {
            let (event_type, version, payload) = match event {
                RecordedEvent::Product(e) => {
                    (e.event_type(), e.event_version(), serde_json::to_string(e))
                }
                RecordedEvent::Listing(e) => {
                    (e.event_type(), e.event_version(), serde_json::to_string(e))
                }
                RecordedEvent::Settings(e) => {
                    (e.event_type(), e.event_version(), serde_json::to_string(e))
                }
                RecordedEvent::SyncRun(e) => {
                    (e.event_type(), e.event_version(), serde_json::to_string(e))
                }
                RecordedEvent::Delivery(e) => {
                    (e.event_type(), e.event_version(), serde_json::to_string(e))
                }
            };
            query = query
                .bind(*aggregate_type)
                .bind(id.clone())
                .bind(*sequence)
                .bind(event_type)
                .bind(version)
                .bind(payload.expect("events serialise"))
                .bind(metadata.clone());
        }
        query.execute(&db.views).await.expect("bulk insert");
    }
}

/// A real 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// A valid product body, with the given SKU and title.
pub fn guitar(sku: &str, title: &str) -> Value {
    serde_json::json!({
        "sku": sku,
        "title": title,
        "brand": "Gibson",
        "model": "Les Paul Standard",
        "year": 1959,
        "finish": "Sunburst",
        "category": "Electric Guitars",
        "condition": "excellent",
        "description": "All original, with its case.",
        "price": "1499.00"
    })
}

/// Runs one test body on both backends, as two named tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
            }
        )*
    };
}
