//! Ledger benchmarks: append rate against raw PostgreSQL inserts, tailing
//! reader throughput, projector throughput, and product-list latency at
//! 50,000 products. Prints a Markdown report.
//!
//! ```sh
//! cargo bench -p riff-tests --bench ledger            # both backends
//! cargo bench -p riff-tests --bench ledger -- sqlite  # one
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use riff_domain::product::ProductSource;
use riff_domain::value::Currency;
use riff_domain::value::{Money, ProductDetails, ProductDetailsInput, Sku};
use riff_domain::ProductEvent;
use riff_domain::{EventMetadata, ProductCommand, Source};
use riff_projections::db::StorePool;
use riff_projections::{log, view, Backend, Db, Projector};
use riff_tests::{
    bench_product_event, bulk_append, config, BulkEvent, Server, TestDatabase, TOKEN,
};
use riff_web::ledger::Ledger;

const PRODUCTS: usize = 50_000;
/// Each product gets a creation and three price changes: 200,000 events.
const EVENTS_PER_PRODUCT: usize = 4;
const APPEND_SECONDS: u64 = 5;
const LIST_REQUESTS: usize = 300;

#[tokio::main]
async fn main() {
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    println!("## Ledger benchmarks\n");
    println!(
        "Machine: {} cores, {}. Command: `cargo bench -p riff-tests --bench ledger`.\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::consts::ARCH
    );
    for backend in [Backend::Postgres, Backend::Sqlite] {
        if only.as_deref().is_some_and(|o| o != backend.as_str()) {
            continue;
        }
        run(backend).await;
    }
}

async fn run(backend: Backend) {
    println!("### {}\n", backend.as_str());
    if backend == Backend::Postgres {
        append_rates().await;
    }
    let database = TestDatabase::new(backend).await;
    let db = database.connect().await;

    let started = Instant::now();
    seed(&db).await;
    let total = PRODUCTS * EVENTS_PER_PRODUCT;
    println!(
        "- seeded {total} events ({PRODUCTS} products) by bulk insert in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let (mut after, mut read) = (0, 0);
    loop {
        let batch = log::read_after(&db, after, 1000).await.unwrap();
        let Some(last) = batch.last() else { break };
        after = last.position;
        read += batch.len();
    }
    assert_eq!(read, total);
    let secs = started.elapsed().as_secs_f64();
    println!(
        "- tailing reader (`log::read_after`, 1000 a batch): {read} events in {secs:.2} s = **{:.0} events/s**",
        read as f64 / secs
    );

    let projector = Projector::new(db.clone(), view::all()).await.unwrap();
    let started = Instant::now();
    let applied = projector.run_until_idle().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "- projector from position 0 into every view: {applied} events in {secs:.2} s = **{:.0} events/s**",
        applied as f64 / secs
    );
    db.close().await;

    list_latency(&database).await;
    println!();
}

/// Commands appended per second through the ledger, beside single-row
/// INSERT transactions on the same server and pool, at 1, 8 and 32 clients.
async fn append_rates() {
    println!("| clients | ledger commands/s | raw BEGIN; INSERT; COMMIT tx/s | ratio | raw autocommit INSERT/s | ratio |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for clients in [1, 8, 32] {
        let database = TestDatabase::new(Backend::Postgres).await;
        let db = database.connect().await;
        let StorePool::Postgres(pool) = &db.store else {
            unreachable!()
        };
        sqlx::query("create table raw_inserts (id bigserial primary key, payload json not null)")
            .execute(pool)
            .await
            .unwrap();
        let autocommit = rate(clients, {
            let pool = pool.clone();
            move |_, i| {
                let pool = pool.clone();
                async move {
                    sqlx::query("insert into raw_inserts (payload) values ($1::json)")
                        .bind(format!("{{\"n\": {i}}}"))
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            }
        })
        .await;
        // What the event store does for one command's append: a transaction.
        let transaction = rate(clients, {
            let pool = pool.clone();
            move |_, i| {
                let pool = pool.clone();
                async move {
                    let mut tx = pool.begin().await.unwrap();
                    sqlx::query("insert into raw_inserts (payload) values ($1::json)")
                        .bind(format!("{{\"n\": {i}}}"))
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            }
        })
        .await;
        let ledger = Arc::new(Ledger::new(&db));
        let commands = rate(clients, move |client, i| {
            let ledger = ledger.clone();
            async move {
                let sku = Sku::parse(&format!("C{client}-{i}")).unwrap();
                ledger
                    .product(
                        &sku,
                        create(&sku),
                        &EventMetadata::new("bench", Source::Cli),
                    )
                    .await
                    .unwrap();
            }
        })
        .await;
        println!(
            "| {clients} | {commands:.0} | {transaction:.0} | {:.2} | {autocommit:.0} | {:.2} |",
            commands / transaction,
            commands / autocommit
        );
        db.close().await;
    }
    println!();
}

/// Runs `op` from `clients` tasks for a fixed time; returns operations/s.
async fn rate<F, Fut>(clients: usize, op: F) -> f64
where
    F: Fn(usize, u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(APPEND_SECONDS);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (op, done) = (op.clone(), done.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while Instant::now() < deadline {
                    op(client, i).await;
                    i += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn create(sku: &Sku) -> ProductCommand {
    ProductCommand::Create {
        sku: sku.clone(),
        details: details(0),
        price: Money::parse_price("1499", riff_domain::value::Currency::GBP).unwrap(),
        quantity: 1,
        source: ProductSource::Manual,
        draft: false,
    }
}

const BRANDS: [&str; 8] = [
    "Gibson",
    "Fender",
    "Gretsch",
    "Rickenbacker",
    "Vox",
    "Marshall",
    "Boss",
    "Ibanez",
];
const CATEGORIES: [&str; 4] = ["Electric Guitars", "Acoustic Guitars", "Amps", "Pedals"];
const CONDITIONS: [&str; 5] = ["mint", "excellent", "very-good", "good", "fair"];

fn details(n: usize) -> ProductDetails {
    ProductDetails::parse(ProductDetailsInput {
        title: format!("{} Model {n} in sunburst", BRANDS[n % 8]),
        brand: BRANDS[n % 8].into(),
        model: format!("Model {n}"),
        year: Some(format!("{}", 1955 + n % 70)),
        finish: Some("Sunburst".into()),
        category: CATEGORIES[n % 4].into(),
        condition: CONDITIONS[n % 5].into(),
        description: Some("A well-kept instrument with its original case.".into()),
    })
    .unwrap()
}

/// Appends 50,000 products' histories through the same triggers as the
/// event store, interleaved as a real shop's log is.
async fn seed(db: &Db) {
    let gbp = |pounds: usize| Money::parse_price(&pounds.to_string(), Currency::GBP).unwrap();
    let mut events: Vec<BulkEvent> = vec![];
    for sequence in 1..=EVENTS_PER_PRODUCT as i64 {
        for n in 0..PRODUCTS {
            let event = if sequence == 1 {
                ProductEvent::ProductCreated {
                    sku: Sku::parse(&format!("BENCH-{n:06}")).unwrap(),
                    details: details(n),
                    price: gbp(100 + n % 5000),
                    quantity: 1,
                    source: ProductSource::Manual,
                    draft: false,
                }
            } else {
                ProductEvent::PriceChanged {
                    previous: gbp(100),
                    price: gbp(100 + sequence as usize),
                }
            };
            events.push(bench_product_event(n, sequence, event));
        }
    }
    bulk_append(db, &events).await;
}

/// GET /api/products over loopback, one request at a time.
async fn list_latency(database: &TestDatabase) {
    let server = Server::start(&config(&database.url, Some(TOKEN))).await;
    let address = &server.address;
    let client = reqwest::Client::new();
    println!("\n| `GET /api/products` at {PRODUCTS} products | p50 ms | p99 ms |");
    println!("| --- | ---: | ---: |");
    for query in [
        "",
        "?brand=gibson",
        "?q=model%201234",
        "?sort=price&order=desc",
        "?category=amps&condition=mint&sort=title",
        "?page=500&per_page=50",
    ] {
        let mut times = vec![];
        for _ in 0..LIST_REQUESTS {
            let started = Instant::now();
            let response = client
                .get(format!("{address}/api/products{query}"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            response.bytes().await.unwrap();
            times.push(started.elapsed());
        }
        times.sort();
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "| `{}` | {:.1} | {:.1} |",
            if query.is_empty() {
                "(first page)"
            } else {
                query
            },
            at(0.50).as_secs_f64() * 1000.0,
            at(0.99).as_secs_f64() * 1000.0
        );
    }
    server.stop().await;
}
