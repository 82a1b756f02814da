//! Sync engine benchmarks (issue 6): a sale pushed by webhook to every
//! other listing ended, a reconcile of 10,000 live listings per platform
//! (adopting an existing shop), and webhook accept latency under load.
//! Riff, the four simulators and the load all run in this one process,
//! over loopback. Prints Markdown.
//!
//! ```sh
//! cargo bench -p riff-tests --bench sync                      # both backends, every part
//! cargo bench -p riff-tests --bench sync -- postgres          # one backend
//! cargo bench -p riff-tests --bench sync -- postgres sales webhooks   # some parts
//! ```
//!
//! Parts: `sales`, `webhooks` (run on the shop `sales` leaves behind, so
//! `webhooks` implies `sales`), `reconcile`, `edits` (edit → every listing
//! showing it, on a shop of `SYNC_BENCH_SHOP` products listed on all four
//! simulators — default 1000 — with `SYNC_BENCH_EDITS` edits, default 40,
//! one every `SYNC_BENCH_EDIT_EVERY_MS`, default 250, at each platform's
//! typical latency, for a revise delay of 0 and of its default). `SYNC_BENCH_LATENCY=1` has the simulators answer after their
//! platform's typical time during the sales too. Environment:
//! `SYNC_BENCH_SALES` (default 200), `SYNC_BENCH_STORE` (more products in the Shopify store,
//! adopted before the sales, default 0), `SYNC_BENCH_LISTINGS` (per
//! platform, default 10000),
//! `SYNC_BENCH_SETTLE_SECS` (how long the import may run before it is
//! stopped and its rate reported, default 300), `SYNC_BENCH_CLIENTS`
//! (default 16), `SYNC_BENCH_LOAD_SECS` (default 10).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use riff_domain::sync_run::Trigger;
use riff_domain::value::Platform;
use riff_projections::{checkpoint, log, view, Backend, Db, Projector};
use riff_tests::{
    config, env_number, guitar, listing, proc_field, shop, TestApp, TestDatabase, TOKEN,
};
use riff_web::ledger::Ledger;
use riff_web::metrics::Metrics;
use riff_web::sim::Simulators;
use riff_web::sync::{reconcile, Engine, Shop};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let backends: Vec<Backend> = [Backend::Postgres, Backend::Sqlite]
        .into_iter()
        .filter(|b| {
            !args.iter().any(|a| a == "postgres" || a == "sqlite")
                || args.iter().any(|a| a == b.as_str())
        })
        .collect();
    const PARTS: [&str; 4] = ["sales", "webhooks", "reconcile", "edits"];
    let parts: Vec<&str> = PARTS
        .into_iter()
        .filter(|p| {
            !args.iter().any(|a| PARTS.contains(&a.as_str())) || args.iter().any(|a| a == p)
        })
        .collect();
    println!("## Sync engine benchmarks\n");
    println!(
        "Machine: {} cores ({}), {}. Parts: {parts:?}.\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        std::env::consts::ARCH
    );
    for backend in backends {
        println!("### {}\n", backend.as_str());
        if parts.contains(&"sales") || parts.contains(&"webhooks") {
            let (app, sims) = shop(backend).await;
            sales(&app, &sims).await;
            if parts.contains(&"webhooks") {
                webhooks(&app).await;
            }
            drop(sims);
            let mut app = app;
            app.stop().await;
        }
        if parts.contains(&"reconcile") {
            reconcile_bench(backend).await;
        }
        if parts.contains(&"edits") {
            edits_bench(backend).await;
        }
    }
}

fn cpu_model() -> String {
    proc_field("cpuinfo", "model name")
        .and_then(|rest| Some(rest.split(':').nth(1)?.trim().to_owned()))
        .unwrap_or_default()
}

/// `p`th percentile (nearest rank) of sorted `values`.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Whether the simulator shows the listing as no longer for sale.
fn off_sale_on_sim(sims: &Simulators, platform: Platform, external_id: &str) -> bool {
    match platform {
        Platform::Ebay => sims
            .ebay()
            .listing(external_id)
            .is_some_and(|l| format!("{:?}", l.status) != "Active"),
        Platform::Reverb => sims
            .reverb()
            .listing(external_id)
            .is_some_and(|l| format!("{:?}", l.state) != "Live"),
        Platform::Shopify => sims
            .shopify()
            .product(external_id)
            .is_some_and(|p| format!("{:?}", p.status) != "Active"),
        Platform::Vr => sims
            .vr()
            .listing(external_id)
            .is_some_and(|i| i.deleted || i.sold),
    }
}

/// Before the sales: `SYNC_BENCH_STORE` more products in the Shopify store,
/// adopted by one reconcile, so that the sales run against a large shop.
async fn large_store(app: &TestApp, sims: &Simulators) {
    let store = env_number("SYNC_BENCH_STORE", 0);
    if store == 0 {
        return;
    }
    for n in 0..store {
        sims.shopify().seed_listing(
            &format!("STORE-{n:05}"),
            &format!("Boss pedal {n}"),
            Decimal::new(99, 0),
            1,
        );
    }
    let started = Instant::now();
    let response = app.post("/api/sync", &json!({"platform": "shopify"})).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let run_id = response.json::<Value>().await.unwrap()["run_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = loop {
        let response = app.get(&format!("/api/sync/runs/{run_id}")).await;
        if response.status() == StatusCode::OK {
            let run: Value = response.json().await.unwrap();
            if run["status"] != "running" {
                break run;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let scanned = started.elapsed().as_secs_f64();
    // The imports it caused: done when the log stops growing.
    let (mut last, mut calm) = (0, 0);
    while calm < 3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let length = app.log_length().await;
        calm = if length == last { calm + 1 } else { 0 };
        last = length;
    }
    println!(
        "- large store: {store} more products in the Shopify store, adopted by one reconcile ({:.1} s, {} requests) and its imports (all done after {:.1} s)\n",
        scanned,
        run["reports"]["shopify"]["requests"],
        started.elapsed().as_secs_f64()
    );
}

/// Part 1: sale (by webhook) to every other listing ended, one sale at a time.
async fn sales(app: &TestApp, sims: &Simulators) {
    large_store(app, sims).await;
    let n = env_number("SYNC_BENCH_SALES", 200) as usize;
    let skus: Vec<String> = (0..n).map(|i| format!("BENCH-{i:04}")).collect();
    let started = Instant::now();
    let live = list_all(app, &skus).await;
    let published = started.elapsed().as_secs_f64();
    println!(
        "- setup: {n} products created and their {} listings live on the four simulators after {published:.1} s\n",
        n * 4
    );
    if env_number("SYNC_BENCH_LATENCY", 0) == 1 {
        sims.set_latency(true);
        println!("- the simulators answer after their platform's typical time from here on (eBay 500 ms, Reverb 300 ms, Shopify 200 ms, V&R 1 s, each drawn from half to one and a half times that)\n");
    }

    let rotation = [Platform::Ebay, Platform::Reverb, Platform::Shopify];
    let mut to_recorded = BTreeMap::<Platform, Vec<f64>>::new();
    let mut to_ended = BTreeMap::<Platform, Vec<f64>>::new();
    let mut all_recorded = vec![];
    let mut all_ended = vec![];
    let started = Instant::now();
    for (i, (sku, p)) in skus.iter().zip(&live).enumerate() {
        let platform = rotation[i % rotation.len()];
        let external_id = listing(p, platform)["external_id"].as_str().unwrap();
        let sold_at = Instant::now();
        let order = match platform {
            Platform::Ebay => sims.ebay().buy(external_id),
            Platform::Reverb => sims.reverb().buy(external_id),
            Platform::Shopify => sims.shopify().buy(external_id),
            Platform::Vr => unreachable!(),
        };
        assert!(order.is_some(), "{platform} sold {external_id}");
        let mut recorded = None;
        let ended = loop {
            let now = app.product(sku).await;
            let at = sold_at.elapsed().as_secs_f64();
            if recorded.is_none() && now["status"] == "sold" {
                recorded = Some(at);
            }
            let others_ended = Platform::ALL
                .iter()
                .filter(|pl| **pl != platform)
                .all(|pl| listing(&now, *pl)["status"] == "ended");
            if others_ended {
                break at;
            }
            assert!(
                at < 300.0,
                "{sku} (sold on {platform}) not ended elsewhere: {now}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        // The marketplaces agree: ended in Riff means ended there.
        for other in Platform::ALL.iter().filter(|pl| **pl != platform) {
            let id = listing(p, *other)["external_id"].as_str().unwrap();
            assert!(
                off_sale_on_sim(sims, *other, id),
                "{sku} is ended in Riff but still for sale on {other}"
            );
        }
        let recorded = recorded.unwrap_or(ended);
        to_recorded.entry(platform).or_default().push(recorded);
        to_ended.entry(platform).or_default().push(ended);
        all_recorded.push(recorded);
        all_ended.push(ended);
    }
    let total = started.elapsed().as_secs_f64();

    println!("Sale on the simulator (`buy`, which POSTs the signed webhook) to the product's other three listings `ended` in Riff (`GET /api/products/{{sku}}` every 20 ms, simulators checked after), {n} sales one at a time in rotation eBay → Reverb → Shopify, {total:.0} s in all:\n");
    println!(
        "| sold on | sales | to sale recorded p50 s | p99 s | to all ended p50 s | p99 s | max s |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let row = |name: &str, rec: &[f64], end: &[f64]| {
        let (rec, end) = (sorted(rec.to_vec()), sorted(end.to_vec()));
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            end.len(),
            pct(&rec, 50.0),
            pct(&rec, 99.0),
            pct(&end, 50.0),
            pct(&end, 99.0),
            end.last().copied().unwrap_or(f64::NAN)
        );
    };
    for (platform, end) in &to_ended {
        row(platform.as_str(), &to_recorded[platform], end);
    }
    row("**all**", &all_recorded, &all_ended);
    println!();
    let metrics = metrics_text(app).await;
    let sum = metric(&metrics, "riff_sale_to_ended_seconds_sum");
    let count = metric(&metrics, "riff_sale_to_ended_seconds_count");
    println!(
        "- `riff_sale_to_ended_seconds` (end requested → ended, per listing): {count:.0} listings, mean {:.3} s",
        sum / count
    );
    for platform in Platform::ALL {
        println!(
            "- marketplace requests to {}: {:.0}",
            platform.as_str(),
            metric(
                &metrics,
                &format!(
                    "riff_marketplace_requests_total{{platform=\"{}\"}}",
                    platform.as_str()
                )
            )
        );
    }
    let db = app.database.connect().await;
    println!(
        "- reconcile runs during the part: {}\n",
        count_rows(
            &db,
            "select count(distinct aggregate_id) from events where aggregate_type = 'sync_run'"
        )
        .await
    );
    db.close().await;
}

async fn metrics_text(app: &TestApp) -> String {
    app.get("/metrics").await.text().await.unwrap()
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(name)
                .and_then(|rest| rest.trim().split(' ').next()?.parse().ok())
        })
        .unwrap_or(0.0)
}

async fn count_rows(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&db.views)
        .await
        .unwrap()
}

/// Part 2: adopt a shop of `SYNC_BENCH_LISTINGS` items on each platform.
async fn reconcile_bench(backend: Backend) {
    let n = env_number("SYNC_BENCH_LISTINGS", 10_000) as usize;
    let cap = env_number("SYNC_BENCH_SETTLE_SECS", 300);
    let sims = Simulators::new(None).unwrap();
    let price = Decimal::new(149_900, 2);
    for i in 0..n {
        let sku = format!("ADOPT-{i:05}");
        // Two words and no year: no title looks like another's.
        let title = format!("Guitar g{i:05}");
        sims.ebay().seed_listing(&sku, &title, price, 1);
        sims.reverb().seed_listing(&sku, &title, price, 1);
        sims.shopify().seed_listing(&sku, &title, price, 1);
        sims.vr().seed_listing(&sku, "Gibson", &title, price);
    }
    let settings = sims.spawn().await.unwrap();
    let database = TestDatabase::new(backend).await;
    let db = database.connect().await;
    let mut cfg = config(&database.url, Some(TOKEN));
    cfg.marketplaces = settings;
    let (platforms, problems) = cfg.marketplaces.configured();
    assert!(problems.is_empty(), "{problems:?}");
    let all: Vec<Platform> = platforms.keys().copied().collect();
    let engine = Arc::new(Engine::new(
        db.clone(),
        Arc::new(Ledger::new(&db)),
        Arc::new(Projector::new(db.clone(), view::all()).await.unwrap()),
        platforms,
        Shop::from(&cfg),
        Arc::new(Metrics::default()),
    ));
    let writes = |sims: &Simulators| {
        sims.ebay().write_requests()
            + sims.reverb().write_requests()
            + sims.shopify().write_requests()
            + sims.vr().write_requests()
    };

    println!("Reconcile of {n} live listings with SKUs on each of the four simulators into an empty Riff (`reconcile::run` on an `Engine` built as `riff sync` builds it), then the imports it causes (`Engine::settle`), then a second reconcile with nothing changed:\n");
    let started = Instant::now();
    let first = reconcile::run(&engine, Uuid::new_v4(), Trigger::Cli, &all)
        .await
        .unwrap();
    let first_secs = started.elapsed().as_secs_f64();

    // The imports: 4n detections, n products made, 3n links.
    let head = log::safe_position(&db).await.unwrap();
    let settling = {
        let engine = engine.clone();
        tokio::spawn(async move { engine.settle().await })
    };
    let started = Instant::now();
    let mut progress = vec![];
    let settled = loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let secs = started.elapsed().as_secs_f64();
        let products = count_rows(&db, "select count(*) from inventory").await;
        let saga = checkpoint::load(&db, "saga:main").await.unwrap();
        progress.push((secs, products, saga));
        if settling.is_finished() {
            settling.await.unwrap().unwrap();
            break Some(started.elapsed().as_secs_f64());
        }
        if secs > cap as f64 {
            settling.abort();
            let _ = settling.await;
            break None;
        }
    };
    let products = count_rows(&db, "select count(*) from inventory").await;
    let linked = count_rows(
        &db,
        "select count(*) from events where aggregate_type = 'listing' and event_type = 'LinkedToProduct'",
    )
    .await;

    let writes_before = writes(&sims);
    let started = Instant::now();
    let second = reconcile::run(&engine, Uuid::new_v4(), Trigger::Cli, &all)
        .await
        .unwrap();
    let second_secs = started.elapsed().as_secs_f64();
    let second_writes = writes(&sims) - writes_before;

    println!("| run | platform | listings | requests | detected | drifted | errors |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, summary) in [("first", &first), ("second", &second)] {
        for (platform, report) in &summary.platforms {
            println!(
                "| {name} | {} | {} | {} | {} | {} | {} |",
                platform.as_str(),
                report.listings,
                report.requests,
                report.detected,
                report.drifted,
                report.errors.len()
            );
        }
    }
    println!();
    println!("- first reconcile (scans side by side, then {} detections appended): **{first_secs:.1} s**", 4 * n);
    match settled {
        Some(secs) => println!(
            "- imports settled (log head {head} after the reconcile): **{secs:.1} s**, {products} products, {linked} listings linked"
        ),
        None => {
            let per = |(s0, p0, q0): (f64, i64, i64), (s1, p1, q1): (f64, i64, i64)| {
                ((p1 - p0) as f64 / (s1 - s0), (q1 - q0) as f64 / (s1 - s0))
            };
            let last = *progress.last().unwrap();
            let (pr, sr) = per(progress[0], last);
            println!(
                "- imports **not settled after {cap} s** (stopped): {products} of {n} products made, {linked} of {} listings linked; saga at position {} of ≥ {head}; from {:.0} s to {:.0} s: {pr:.1} products/s, {sr:.1} saga events/s",
                4 * n, last.2, progress[0].0, last.0
            );
            let mut line = String::from("- progress (s: products, saga position):");
            for (s, p, q) in progress.iter().step_by((progress.len() / 12).max(1)) {
                line.push_str(&format!(" {s:.0}: {p}, {q};"));
            }
            println!("{line}");
        }
    }
    println!(
        "- second reconcile, nothing changed: **{second_secs:.1} s**, {} requests, {second_writes} write calls to the simulators",
        second.platforms.values().map(|r| r.requests).sum::<u32>()
    );
    assert_eq!(
        second_writes, 0,
        "a reconcile with nothing changed wrote to a platform"
    );
    println!();
    db.close().await;
    drop(sims);
}

/// Captures one `orders/create` delivery as the simulated Shopify signs it.
async fn captured_shopify_delivery() -> (Vec<(String, String)>, Vec<u8>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sims = Simulators::new(None).unwrap();
    let gid = sims.shopify().seed_listing(
        "CAPTURE-1",
        "Gibson Les Paul Standard 1959",
        Decimal::new(149_900, 2),
        1,
    );
    sims.send_webhooks_to(&base);
    sims.shopify().buy(&gid).unwrap();
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, length) = loop {
        let read = socket.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the simulator closed before sending its webhook");
        buf.extend_from_slice(&chunk[..read]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..at]).to_string();
            let length = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            break (at + 4, length);
        }
    };
    while buf.len() < head_end + length {
        let read = socket.read(&mut chunk).await.unwrap();
        assert!(read > 0);
        buf.extend_from_slice(&chunk[..read]);
    }
    socket
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, _)| {
            !["host", "content-length", "accept", "connection"].contains(&k.to_lowercase().as_str())
        })
        .collect();
    (headers, buf[head_end..head_end + length].to_vec())
}

/// Part 3: signed Shopify deliveries from many clients at once.
async fn webhooks(app: &TestApp) {
    let clients = env_number("SYNC_BENCH_CLIENTS", 16) as usize;
    let seconds = env_number("SYNC_BENCH_LOAD_SECS", 10);
    let (headers, body) = captured_shopify_delivery().await;
    assert!(headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("x-shopify-hmac-sha256")));
    let db = app.database.connect().await;
    let runs_sql =
        "select count(distinct aggregate_id) from events where aggregate_type = 'sync_run'";
    let runs_before = count_rows(&db, runs_sql).await;
    let shopify_requests = |text: &str| {
        metric(
            text,
            "riff_marketplace_requests_total{platform=\"shopify\"}",
        )
    };
    let requests_before = shopify_requests(&metrics_text(app).await);

    let url = app.url("/webhooks/shopify");
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (url, headers, body, next) =
                (url.clone(), headers.clone(), body.clone(), next.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut latencies = vec![];
                while Instant::now() < deadline {
                    let id = next.fetch_add(1, Ordering::Relaxed);
                    let mut request = client.post(&url).body(body.clone());
                    for (k, v) in &headers {
                        let v = if k.eq_ignore_ascii_case("x-shopify-event-id")
                            || k.eq_ignore_ascii_case("x-shopify-webhook-id")
                        {
                            format!("bench-{id}-{}", Uuid::new_v4())
                        } else {
                            v.clone()
                        };
                        request = request.header(k.as_str(), v);
                    }
                    let t = Instant::now();
                    let response = request.send().await.unwrap();
                    let status = response.status();
                    let text = response.text().await.unwrap();
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(status, StatusCode::OK, "{text}");
                    assert_eq!(text, "received");
                }
                latencies
            })
        })
        .collect();
    let mut latencies = vec![];
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let accepted = latencies.len();
    let latencies = sorted(latencies);

    // The saga asks for a Shopify reconcile per delivery; the leader's loop
    // coalesces the requests waiting. Wait for it to work through them.
    let head = log::safe_position(&db).await.unwrap();
    let drain = Instant::now();
    while checkpoint::load(&db, "saga:main").await.unwrap() < head {
        assert!(
            drain.elapsed() < Duration::from_secs(900),
            "the sagas never caught up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let saga_caught_up = drain.elapsed().as_secs_f64();
    let runs_during = count_rows(&db, runs_sql).await - runs_before;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let runs_after = count_rows(&db, runs_sql).await - runs_before;
    let deliveries = count_rows(
        &db,
        "select count(*) from events where aggregate_type = 'delivery'",
    )
    .await;
    let requests = shopify_requests(&metrics_text(app).await) - requests_before;
    println!("Signed Shopify `orders/create` deliveries (the simulator's own bytes and HMAC, captured once; a fresh `X-Shopify-Event-Id` each) POSTed to `/webhooks/shopify` by {clients} concurrent clients for {seconds} s, on the shop the sales left ({} products, every listing ended or sold):\n", env_number("SYNC_BENCH_SALES", 200));
    println!("| clients | accepted | per s | p50 ms | p99 ms | max ms |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| {clients} | {accepted} | {:.0} | {:.1} | {:.1} | {:.1} |",
        accepted as f64 / elapsed,
        pct(&latencies, 50.0),
        pct(&latencies, 99.0),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    println!();
    println!(
        "- deliveries in the log: {deliveries}; the sagas reached the log head {saga_caught_up:.1} s after the load; reconcile runs meanwhile: {runs_during} during + backlog ({runs_after} two seconds later), {requests:.0} Shopify requests\n"
    );
    db.close().await;
}

/// Lists `skus` on every platform and waits until all are live.
async fn list_all(app: &TestApp, skus: &[String]) -> Vec<Value> {
    let started = Instant::now();
    for (i, sku) in skus.iter().enumerate() {
        app.create_product(&guitar(sku, &format!("Gibson Les Paul {i}")))
            .await;
        app.add_picture(sku, riff_tests::PNG).await;
        app.request_listings_everywhere(sku).await;
    }
    let mut live = Vec::with_capacity(skus.len());
    for sku in skus {
        loop {
            let p = app.product(sku).await;
            if Platform::ALL
                .iter()
                .all(|pl| listing(&p, *pl)["status"] == "live")
            {
                live.push(p);
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(3600),
                "{sku} never went live everywhere"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    live
}

/// The price each simulator shows for the product's listing there.
fn prices_on_sims(sims: &Simulators, p: &Value) -> Vec<Option<Decimal>> {
    Platform::ALL
        .iter()
        .map(|platform| {
            let id = listing(p, *platform)["external_id"].as_str()?;
            match platform {
                Platform::Ebay => sims.ebay().listing(id).map(|l| l.price),
                Platform::Reverb => sims.reverb().listing(id).map(|l| l.price),
                Platform::Shopify => sims.shopify().product(id).map(|l| l.price),
                Platform::Vr => sims.vr().listing(id).map(|l| l.price),
            }
        })
        .collect()
}

/// Edit → every listing showing it: a shop of `SYNC_BENCH_SHOP` products
/// on all four simulators, which then answer at their platform's typical
/// latency (and Shopify's cost bucket at its usual size); for each revise
/// delay, `SYNC_BENCH_EDITS` price edits, one every
/// `SYNC_BENCH_EDIT_EVERY_MS`, each timed until all four simulators show
/// the new price.
async fn edits_bench(backend: Backend) {
    let shop_size = env_number("SYNC_BENCH_SHOP", 1000) as usize;
    let edits = env_number("SYNC_BENCH_EDITS", 40) as usize;
    let every = Duration::from_millis(env_number("SYNC_BENCH_EDIT_EVERY_MS", 250));
    let (mut app, sims) = shop(backend).await;
    let skus: Vec<String> = (0..shop_size).map(|i| format!("EDIT-{i:05}")).collect();
    // Setting the shop up is not what is measured: Shopify's bucket is
    // opened wide for it.
    sims.shopify().set_bucket(1e9, 1e9);
    let started = Instant::now();
    let live = list_all(&app, &skus).await;
    println!(
        "#### Edit → every listing showing it\n\n- setup: {shop_size} products live on the four simulators in {:.1} s\n",
        started.elapsed().as_secs_f64()
    );
    let sims = Arc::new(sims);
    let live = Arc::new(live);
    let step = shop_size / (2 * edits).max(1);
    for (round, delay) in [Duration::ZERO, riff_web::config::DEFAULT_REVISE_DELAY]
        .into_iter()
        .enumerate()
    {
        sims.set_latency(false);
        app.revise_delay = delay;
        app.restart().await;
        sims.shopify().set_bucket(2000.0, 100.0);
        sims.set_latency(true);
        let mut waits = Vec::new();
        for n in 0..edits {
            let at = (round * edits + n) * step;
            let p = live[at].clone();
            let url = app.url(&format!("/api/products/{}", skus[at]));
            let client = app.client.clone();
            let sims = sims.clone();
            waits.push(tokio::spawn(async move {
                let price = Decimal::new(123_400 + n as i64, 2);
                let edited_at = Instant::now();
                let response = client
                    .patch(&url)
                    .bearer_auth(TOKEN)
                    .json(&json!({"price": price.to_string()}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                // When each platform first showed it, in `Platform::ALL`'s
                // order.
                let mut shown_at = [None; 4];
                loop {
                    let now = edited_at.elapsed().as_secs_f64();
                    for (at, shown) in shown_at.iter_mut().zip(prices_on_sims(&sims, &p)) {
                        if at.is_none() && shown == Some(price) {
                            *at = Some(now);
                        }
                    }
                    if shown_at.iter().all(Option::is_some) {
                        break shown_at.map(Option::unwrap_or_default);
                    }
                    assert!(
                        edited_at.elapsed() < Duration::from_secs(300),
                        "{url}: the new price never reached every platform"
                    );
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }));
            tokio::time::sleep(every).await;
        }
        let mut per_platform = vec![Vec::new(); 4];
        let mut everywhere = Vec::new();
        for wait in waits {
            let shown_at = wait.await.unwrap();
            for (times, at) in per_platform.iter_mut().zip(shown_at) {
                times.push(at);
            }
            everywhere.push(shown_at.into_iter().fold(0.0, f64::max));
        }
        println!(
            "- revise delay {} s, {edits} price edits one every {} ms (seconds from the edit):\n\n| shown on | p50 | p99 | max |\n| --- | --- | --- | --- |",
            delay.as_secs(),
            every.as_millis()
        );
        let rows = Platform::ALL
            .iter()
            .map(|p| p.display_name().to_owned())
            .zip(per_platform)
            .chain([("every platform".to_owned(), everywhere)]);
        for (name, times) in rows {
            let times = sorted(times);
            println!(
                "| {name} | {:.2} | {:.2} | {:.2} |",
                pct(&times, 50.0),
                pct(&times, 99.0),
                times.last().copied().unwrap_or(f64::NAN)
            );
        }
        println!();
    }
    sims.set_latency(false);
    app.stop().await;
}
