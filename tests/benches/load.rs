//! Reads under load: the inventory list, the audit search and the admin
//! pages at 50,000 products and a million events, hit by concurrent
//! clients over loopback (issues 5 and 7).
//!
//! ```sh
//! cargo bench -p riff-tests --bench load -- postgres   # or sqlite
//! ```
//!
//! `LOAD_CLIENTS` (default 8) clients send requests back to back for
//! `LOAD_SECS` (default 10) per endpoint; the table gives the latency of
//! every answer (all must be `200`) and the throughput. `LOAD_AFTER_REPLAY=1`
//! then rebuilds every view with a replay, while the server runs, and
//! loads the same endpoints again: the second table is the reads on the
//! tables a replay swapped in, beside the first on the projector's, in
//! one run of one machine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use riff_domain::product::ProductSource;
use riff_domain::value::{Currency, Money, ProductDetails, ProductDetailsInput, Sku};
use riff_domain::ProductEvent;
use riff_projections::{checkpoint, replay, view, Backend};
use riff_tests::admin::try_log_in;
use riff_tests::{
    bench_product_event, bulk_append, config, env_number, project, BulkEvent, Server, TestDatabase,
    ADMIN_PASSWORD, TOKEN,
};
use riff_web::sync::sagas;

const PRODUCTS: usize = 50_000;
/// Twenty events a product: a million in all.
const EVENTS_PER_PRODUCT: i64 = 20;
const BRANDS: [&str; 6] = ["Gibson", "Fender", "Gretsch", "Vox", "Boss", "Martin"];

#[tokio::main]
async fn main() {
    let backend = match std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        Some(b) if b == "sqlite" => Backend::Sqlite,
        _ => Backend::Postgres,
    };
    let clients = env_number("LOAD_CLIENTS", 8) as usize;
    let secs = env_number("LOAD_SECS", 10);
    let database = TestDatabase::new(backend).await;
    let db = database.connect().await;
    let started = Instant::now();
    seed(&db).await;
    project(&db).await;
    println!(
        "seeded {PRODUCTS} products, {} events, views built in {:.0} s",
        PRODUCTS as i64 * EVENTS_PER_PRODUCT,
        started.elapsed().as_secs_f64()
    );
    if backend == Backend::Postgres {
        // The build rewrote every inventory row twenty times. Autovacuum
        // clears the dead rows and gathers the planner's statistics within
        // a minute of that on a live server; do it now, so that what is
        // measured is the state a shop's database is in, not the minute
        // after a million events arrived at once.
        sqlx::query("vacuum analyze")
            .execute(&db.views)
            .await
            .unwrap();
    }
    // The sagas of a shop with this history reacted to it as it happened
    // (with no listings, by doing nothing); a server that found them a
    // million events behind would spend the measurement catching up.
    let end: i64 = sqlx::query_scalar("select max(position) from events")
        .fetch_one(&db.views)
        .await
        .unwrap();
    checkpoint::save(&db, sagas::READER, end).await.unwrap();

    let server = Server::start(&config(&database.url, Some(TOKEN))).await;
    let base = server.address.clone();
    let browser = log_in(&base).await;
    let api = reqwest::Client::new();
    let load = Load {
        base,
        api,
        browser,
        clients,
        secs,
    };

    println!("\n{backend:?}, {clients} clients, {secs} s each, loopback\n");
    load.table("the projector's tables").await;
    if std::env::var_os("LOAD_AFTER_REPLAY").is_some() {
        let started = Instant::now();
        replay::rebuild(&db, &view::all(), |_, _| {}).await.unwrap();
        println!(
            "\nviews replayed in {:.1} s, the server running",
            started.elapsed().as_secs_f64()
        );
        load.table("the tables the replay swapped in").await;
    }
    server.stop().await;
}

/// The endpoints measured, and whether each takes the API token (or the
/// admin's session cookie).
const ENDPOINTS: [(&str, bool); 10] = [
    ("/api/products", true),
    ("/api/products?brand=gibson&sort=price&order=desc", true),
    ("/api/products?q=model%201234", true),
    ("/api/audit?sku=BENCH-012345", true),
    ("/api/audit?event_type=PriceChanged&after=900000", true),
    ("/api/audit?source=cli&after=500000", true),
    // Nobody by that name: the whole log is searched and nothing found.
    ("/api/audit?actor=nobody", true),
    ("/inventory", false),
    (
        "/inventory?brand=Fender&sort=price&order=desc&page=20",
        false,
    ),
    ("/products/BENCH-012345", false),
];

/// The running server and the clients that load it.
struct Load {
    base: String,
    api: reqwest::Client,
    browser: reqwest::Client,
    clients: usize,
    secs: u64,
}

impl Load {
    /// Loads every endpoint in turn and prints a table of the figures.
    async fn table(&self, title: &str) {
        println!("{title}:\n");
        println!("| endpoint | requests/s | p50 ms | p99 ms |");
        println!("| --- | ---: | ---: | ---: |");
        for (path, with_token) in ENDPOINTS {
            let client = if with_token { &self.api } else { &self.browser };
            let url = format!("{}{path}", self.base);
            let (rate, p50, p99) = hammer(client, &url, with_token, self.clients, self.secs).await;
            println!("| `{path}` | {rate:.0} | {p50:.1} | {p99:.1} |");
        }
    }
}

/// A cookie-keeping client logged in as admin.
async fn log_in(base: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = try_log_in(base, &client, ADMIN_PASSWORD, &[]).await;
    assert!(response.status().is_success(), "logged in");
    client
}

/// `clients` tasks request `url` back to back for `secs`; returns the rate
/// and the p50 and p99 in milliseconds.
async fn hammer(
    client: &reqwest::Client,
    url: &str,
    with_token: bool,
    clients: usize,
    secs: u64,
) -> (f64, f64, f64) {
    let until = Instant::now() + Duration::from_secs(secs);
    let url: Arc<str> = url.into();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let mut times = vec![];
                while Instant::now() < until {
                    let started = Instant::now();
                    let mut request = client.get(&*url);
                    if with_token {
                        request = request.bearer_auth(TOKEN);
                    }
                    let response = request.send().await.unwrap();
                    assert!(
                        response.status().is_success(),
                        "{url}: {}",
                        response.status()
                    );
                    response.bytes().await.unwrap();
                    times.push(started.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = vec![];
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (
        times.len() as f64 / secs as f64,
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
    )
}

fn details(n: usize) -> ProductDetails {
    let brand = BRANDS[n % BRANDS.len()];
    ProductDetails::parse(ProductDetailsInput {
        title: format!("{brand} model {n}"),
        brand: brand.into(),
        model: format!("Model {n}"),
        year: Some((1950 + n % 70).to_string()),
        finish: Some("Sunburst".into()),
        category: ["Electric Guitars", "Amps", "Pedals"][n % 3].into(),
        condition: ["mint", "excellent", "good"][n % 3].into(),
        description: None,
    })
    .unwrap()
}

/// Fifty thousand products with twenty events each, interleaved as a
/// shop's log is: creations first, then price changes round the shop.
async fn seed(db: &riff_projections::Db) {
    let gbp = |pounds: i64| Money::parse_price(&pounds.to_string(), Currency::GBP).unwrap();
    for sequence in 1..=EVENTS_PER_PRODUCT {
        let mut events: Vec<BulkEvent> = Vec::with_capacity(PRODUCTS);
        for n in 0..PRODUCTS {
            let event = if sequence == 1 {
                ProductEvent::ProductCreated {
                    sku: Sku::parse(&format!("BENCH-{n:06}")).unwrap(),
                    details: details(n),
                    price: gbp(100 + (n % 5000) as i64),
                    quantity: 1,
                    source: ProductSource::Manual,
                    draft: false,
                }
            } else {
                ProductEvent::PriceChanged {
                    previous: gbp(100 + sequence),
                    price: gbp(101 + sequence),
                }
            };
            events.push(bench_product_event(n, sequence, event));
        }
        bulk_append(db, &events).await;
    }
}
