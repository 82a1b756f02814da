//! Replay benchmark: a realistic shop history of about 1,000,000 events
//! rebuilt into every view, beside a raw scan of the same events table in
//! the same run, with the process's peak memory and the CPU time the
//! replay cost (its own, and the PostgreSQL server's). Prints Markdown.
//!
//! ```sh
//! cargo bench -p riff-tests --bench replay              # both backends
//! cargo bench -p riff-tests --bench replay -- sqlite    # or postgres
//! ```
//!
//! `RIFF_REPLAY_EACH=1` also times each view replayed on its own.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use futures::TryStreamExt;
use riff_domain::listing::{EndReason, EndedBy, PlatformAttributes};
use riff_domain::policy::Sale;
use riff_domain::product::ProductSource;
use riff_domain::value::{
    Currency, Money, Platform, ProductDetails, ProductDetailsInput, SaleChannel, Sku,
};
use riff_domain::{ListingEvent, ProductEvent};
use riff_projections::{replay, view, Backend, Db, RecordedEvent};
use riff_tests::{bulk_append, proc_field, BulkEvent, TestDatabase};
use uuid::Uuid;

/// Each product has a creation, two price changes and two listings
/// (requested, listed); every other one sells on the first platform, which
/// ends the other: 7 or 11 events, 9 on average. `RIFF_REPLAY_PRODUCTS`
/// sets another number, for a quicker look.
fn products() -> usize {
    std::env::var("RIFF_REPLAY_PRODUCTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(111_112)
}

#[tokio::main]
async fn main() {
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    println!("## Replay benchmark\n");
    println!("| backend | events | raw scan events/s | replay events/s | replay ÷ raw | replay s | peak RSS growth MiB | CPU s: replay + server |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for backend in [Backend::Postgres, Backend::Sqlite] {
        if only.as_deref().is_some_and(|o| o != backend.as_str()) {
            continue;
        }
        run(backend).await;
    }
}

fn history(stage: usize, n: usize) -> Vec<BulkEvent> {
    let sku = format!("S-{n:06}");
    let gbp =
        |minor: i64| Money::price(rust_decimal::Decimal::new(minor, 2), Currency::GBP).unwrap();
    let at =
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(n as i64);
    let listing = |i: u128| Uuid::from_u128(((n as u128) << 1) | i);
    let platform = |i: u128| {
        if i == 0 {
            Platform::Reverb
        } else {
            Platform::Ebay
        }
    };
    let sold = n.is_multiple_of(2);
    let product = |sequence: i64, e: ProductEvent| {
        vec![("product", sku.clone(), sequence, RecordedEvent::Product(e))]
    };
    let on = |i: u128, sequence: i64, e: ListingEvent| {
        vec![(
            "listing",
            listing(i).to_string(),
            sequence,
            RecordedEvent::Listing(e),
        )]
    };
    match stage {
        0 => product(
            1,
            ProductEvent::ProductCreated {
                sku: Sku::parse(&sku).unwrap(),
                details: ProductDetails::parse(ProductDetailsInput {
                    title: format!("Vintage guitar {n}"),
                    brand: ["Gibson", "Fender", "Gretsch", "Vox"][n % 4].into(),
                    model: format!("Model {}", n % 300),
                    year: Some(format!("{}", 1955 + n % 70)),
                    category: ["Electric Guitars", "Amps", "Pedals"][n % 3].into(),
                    condition: "excellent".into(),
                    description: Some("Original case, recently set up.".into()),
                    ..Default::default()
                })
                .unwrap(),
                price: gbp(150_000),
                quantity: 1,
                source: ProductSource::Manual,
                draft: false,
            },
        ),
        1 | 2 => on(
            (stage - 1) as u128,
            1,
            ListingEvent::ListingRequested {
                listing_id: listing((stage - 1) as u128),
                sku: Sku::parse(&sku).unwrap(),
                platform: platform((stage - 1) as u128),
                attributes: PlatformAttributes::empty(platform((stage - 1) as u128)),
            },
        ),
        3 | 4 => on(
            (stage - 3) as u128,
            2,
            ListingEvent::Listed {
                external_id: format!("{stage}{n}"),
                url: Some(format!("https://example.com/item/{n}")),
                listed_at: at,
                price: Some(gbp(150_000)),
                quantity: Some(1),
                shown_version: Some(1),
                sent: None,
            },
        ),
        5 | 6 => product(
            (stage - 3) as i64,
            ProductEvent::PriceChanged {
                previous: gbp(150_000),
                price: gbp(140_000 - stage as i64),
            },
        ),
        7 if sold => on(
            0,
            3,
            ListingEvent::SoldOn {
                platform: Platform::Reverb,
                sku: Some(Sku::parse(&sku).unwrap()),
                order_ref: format!("R-{n}"),
                order_number: Some(format!("{n}")),
                sold_at: at,
                price: gbp(139_000),
                quantity: 1,
                sold_out: true,
            },
        ),
        8 if sold => product(
            4,
            ProductEvent::ProductSold {
                sale: Sale {
                    channel: SaleChannel::Platform(Platform::Reverb),
                    order_ref: format!("R-{n}"),
                    order_number: Some(format!("{n}")),
                    sold_at: at,
                    price: gbp(139_000),
                    quantity: 1,
                    listing: Some(listing(0)),
                },
                remaining: 0,
            },
        ),
        9 if sold => on(
            1,
            3,
            ListingEvent::EndRequested {
                reason: EndReason::SoldElsewhere,
            },
        ),
        10 if sold => on(
            1,
            4,
            ListingEvent::Ended {
                ended_at: at,
                by: EndedBy::Riff,
            },
        ),
        _ => vec![],
    }
}

async fn seed(db: &Db) -> usize {
    let (mut total, products) = (0, products());
    for stage in 0..11 {
        for start in (0..products).step_by(20_000) {
            let events: Vec<BulkEvent> = (start..(start + 20_000).min(products))
                .flat_map(|n| history(stage, n))
                .collect();
            total += events.len();
            bulk_append(db, &events).await;
        }
    }
    total
}

/// Brings the freshly written log to the state a shop's log is in, written
/// over months: on PostgreSQL vacuumed and analysed (what autovacuum does
/// within a minute of a million inserts — left to it, it would run during
/// the measurement) and checkpointed; on SQLite checkpointed out of the
/// write-ahead log into the database file.
async fn settle(db: &Db, backend: Backend) {
    let statements: &[&str] = match backend {
        Backend::Postgres => &["vacuum analyze events", "checkpoint"],
        Backend::Sqlite => &["pragma wal_checkpoint(truncate)"],
    };
    for statement in statements {
        sqlx::query(statement).execute(&db.views).await.unwrap();
    }
}

/// This process's CPU time and the PostgreSQL server's, in seconds so far.
/// The machine's speed varies from run to run; the CPU time a replay costs
/// varies much less.
fn cpu_now() -> (f64, f64) {
    let server: u64 = std::fs::read_dir("/proc")
        .map(|processes| {
            processes
                .flatten()
                .map(|p| p.path())
                .filter(|p| {
                    std::fs::read_to_string(p.join("comm"))
                        .is_ok_and(|c| c.trim_end() == "postgres")
                })
                .map(|p| cpu_ticks(&p))
                .sum()
        })
        .unwrap_or_default();
    let own = cpu_ticks(std::path::Path::new("/proc/self"));
    // Linux reports these in USER_HZ, 100 a second on every architecture.
    (own as f64 / 100.0, server as f64 / 100.0)
}

/// The user and system time of a process and of its children that have
/// exited (a server's closed connections): `/proc/[pid]/stat` fields 14–17.
fn cpu_ticks(process: &std::path::Path) -> u64 {
    let stat = std::fs::read_to_string(process.join("stat")).unwrap_or_default();
    // Counted from field 3, after the parenthesised name.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    fields
        .get(11..15)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f.parse::<u64>().ok())
        .sum()
}

fn rss_kib() -> u64 {
    proc_field("self/status", "VmRSS:")
        .and_then(|kib| kib.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

async fn run(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.connect().await;
    let events = seed(&db).await;
    settle(&db, backend).await;

    // The raw scan: every column of every event, streamed, nothing decoded.
    let started = Instant::now();
    let columns = if backend == Backend::Postgres {
        "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload::text, metadata::text, recorded_at::text"
    } else {
        "*"
    };
    let scanned = sqlx::query(&format!("select {columns} from events order by position"))
        .fetch(&db.views)
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(scanned, events);
    let raw = events as f64 / started.elapsed().as_secs_f64();

    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let cpu_before = cpu_now();
    let started = Instant::now();
    let replayed = replay::rebuild(&db, &view::all(), |_, _| {}).await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    let cpu_after = cpu_now();
    sampler.abort();
    assert_eq!(replayed.events as usize, events);
    let rate = events as f64 / secs;
    println!(
        "| {} | {events} | {raw:.0} | {rate:.0} | {:.2} | {secs:.1} | {:.0} | {:.1} + {:.1} |",
        backend.as_str(),
        rate / raw,
        peak.load(Ordering::Relaxed).saturating_sub(baseline) as f64 / 1024.0,
        cpu_after.0 - cpu_before.0,
        cpu_after.1 - cpu_before.1,
    );
    if std::env::var_os("RIFF_REPLAY_EACH").is_some() {
        for view in view::all() {
            let cpu_before = cpu_now();
            let started = Instant::now();
            replay::rebuild(&db, std::slice::from_ref(&view), |_, _| {})
                .await
                .unwrap();
            let cpu_after = cpu_now();
            println!(
                "|   {} alone | | | | | {:.1} | | {:.1} + {:.1} |",
                view.name(),
                started.elapsed().as_secs_f64(),
                cpu_after.0 - cpu_before.0,
                cpu_after.1 - cpu_before.1,
            );
        }
    }
    db.close().await;
}
