//! Views built event by event, as the projector does while Riff runs, equal
//! views rebuilt by a replay of the same log — for any history.

use proptest::prelude::*;
use riff_domain::listing::PlatformAttributes;
use riff_domain::policy::{PlatformPriority, Sale};
use riff_domain::product::{ProductSource, Revision};
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::value::Platform;
use riff_domain::value::{Condition, Currency, Money, ProductDetails, Sku};
use riff_domain::{EventMetadata, ListingEvent, ProductCommand, SettingsCommand, Source};
use riff_projections::{replay, view, Db, ProjectionError, Projector, RecordedEvent};
use riff_tests::{bulk_append, project, repriced, Backend, BulkEvent, TestDatabase};
use riff_web::ledger::Ledger;
use sqlx::{Column, Row};

/// Runs a test body on each backend, as the two tests named after it.
macro_rules! on_each_backend {
    ($body:ident, $on_postgres:ident, $on_sqlite:ident) => {
        #[test]
        fn $on_postgres() {
            $body(Backend::Postgres);
        }

        #[test]
        fn $on_sqlite() {
            $body(Backend::Sqlite);
        }
    };
}

/// One step of a generated shop history.
#[derive(Debug, Clone)]
enum Op {
    Create(u8),
    Price(u8, u32),
    Quantity(u8, u32),
    Sale {
        product: u8,
        channel: u8,
        minute: u8,
        order: u8,
    },
    Archive(u8),
    ResolveFlag(u8),
    DropdownSort(u8, bool),
    /// Let the projector catch up here, mid-history.
    Project,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..4u8).prop_map(Op::Create),
        2 => (0..4u8, 1..500_000u32).prop_map(|(p, c)| Op::Price(p, c)),
        2 => (0..4u8, 0..4u32).prop_map(|(p, q)| Op::Quantity(p, q)),
        4 => (0..4u8, 0..5u8, 0..60u8, 0..6u8)
            .prop_map(|(product, channel, minute, order)| Op::Sale { product, channel, minute, order }),
        1 => (0..4u8).prop_map(Op::Archive),
        1 => (0..4u8).prop_map(Op::ResolveFlag),
        1 => (0..5u8, any::<bool>()).prop_map(|(f, a)| Op::DropdownSort(f, a)),
        2 => Just(Op::Project),
    ]
}

fn sku(n: u8) -> Sku {
    Sku::parse(&format!("P{n}")).unwrap()
}

/// A shop writing to a fresh log through the ledger, as `riff serve` does,
/// with a projector that builds its views when told to.
struct Shop {
    ledger: Ledger,
    projector: Projector,
}

impl Shop {
    async fn new(db: &Db) -> Self {
        Self {
            ledger: Ledger::new(db),
            projector: Projector::new(db.clone(), view::all()).await.unwrap(),
        }
    }

    /// Creates products `0..count` and lets the projector catch up.
    async fn with_products(db: &Db, count: u8) -> Self {
        let shop = Self::new(db).await;
        for n in 0..count {
            shop.run(Op::Create(n)).await;
        }
        shop.catch_up().await;
        shop
    }

    /// Brings the views up to the end of the log.
    async fn catch_up(&self) {
        self.projector.run_until_idle().await.unwrap();
    }

    async fn run(&self, op: Op) {
        run(&self.ledger, &self.projector, op).await;
    }
}

async fn run(ledger: &Ledger, projector: &Projector, op: Op) {
    let meta = EventMetadata::new("prop", Source::Cli);
    let gbp = |minor: u32| {
        Money::price(
            rust_decimal::Decimal::new(i64::from(minor), 2),
            Currency::GBP,
        )
        .unwrap()
    };
    // A command may be refused (no such product, archived, …): a refused
    // command appends nothing, which is part of what is being checked.
    let _ = match op {
        Op::Create(n) => {
            // Tabs, line breaks and backslashes: what PostgreSQL's replay
            // must escape for `COPY`. A title with a tab is refused today
            // (`value::text`), but older Riffs wrote them and the log keeps
            // them: the details are built as those Riffs built them.
            let details = ProductDetails {
                title: format!("Guitar {n}, \"special\" édition\tback\\slash \\N"),
                description: Some("Line one\r\nline\ttwo, back\\slash".into()),
                brand: ["Gibson", "Fender"][usize::from(n % 2)].into(),
                model: "Model".into(),
                year: None,
                finish: None,
                category: "Guitars".into(),
                condition: Condition::Good,
            };
            let command = ProductCommand::Create {
                sku: sku(n),
                details,
                price: gbp(100_000),
                quantity: u32::from(n % 3) + 1,
                source: ProductSource::Manual,
                draft: false,
            };
            ledger.product(&sku(n), command, &meta).await.is_ok()
        }
        Op::Price(n, cents) => {
            let revision = Revision {
                price: Some(gbp(cents)),
                ..Default::default()
            };
            ledger
                .product(&sku(n), ProductCommand::Revise(revision), &meta)
                .await
                .is_ok()
        }
        Op::Quantity(n, q) => {
            let revision = Revision {
                quantity: Some(q),
                ..Default::default()
            };
            ledger
                .product(&sku(n), ProductCommand::Revise(revision), &meta)
                .await
                .is_ok()
        }
        Op::Sale {
            product,
            channel,
            minute,
            order,
        } => {
            let sale = Sale {
                channel: ["shop", "ebay", "reverb", "shopify", "vr"][usize::from(channel)]
                    .parse()
                    .unwrap(),
                order_ref: format!("O{order}"),
                order_number: Some(format!("#{order}")),
                sold_at: chrono::DateTime::from_timestamp(
                    1_764_000_000 + i64::from(minute) * 60,
                    0,
                )
                .unwrap(),
                price: gbp(90_000),
                quantity: 1,
                listing: None,
            };
            let command = ProductCommand::RecordSale {
                sale,
                priority: PlatformPriority::default(),
                counted: false,
            };
            ledger.product(&sku(product), command, &meta).await.is_ok()
        }
        Op::Archive(n) => ledger
            .product(&sku(n), ProductCommand::Archive { reason: None }, &meta)
            .await
            .is_ok(),
        Op::ResolveFlag(n) => {
            let product = ledger.load_product(&sku(n)).await.unwrap();
            match product.open_flags.first() {
                Some(sequence) => {
                    let command = ProductCommand::ResolveFlag {
                        sequence: *sequence,
                        note: "done".into(),
                    };
                    ledger.product(&sku(n), command, &meta).await.is_ok()
                }
                None => false,
            }
        }
        Op::DropdownSort(f, alpha) => {
            let command = SettingsCommand::SetDropdownSort {
                field: DropdownField::ALL[usize::from(f)],
                order: if alpha {
                    DropdownOrder::Alpha
                } else {
                    DropdownOrder::Count
                },
            };
            ledger.settings(command, &meta).await.is_ok()
        }
        Op::Project => {
            projector.run_until_idle().await.unwrap();
            true
        }
    };
}

/// Every row of every view table, as text, by table.
type Views = Vec<(String, Vec<Vec<String>>)>;

/// Every row of every view table, as text, sorted.
async fn dump(db: &Db) -> Views {
    let mut all = vec![];
    for view in view::all() {
        for table in view.tables() {
            let rows = sqlx::query(&format!("select * from {table}"))
                .fetch_all(&db.views)
                .await
                .unwrap();
            let mut rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    (0..row.columns().len())
                        .map(|i| {
                            row.try_get::<Option<String>, _>(i)
                                .map(|v| v.unwrap_or_else(|| "NULL".into()))
                                .or_else(|_| {
                                    row.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}"))
                                })
                                .unwrap_or_else(|e| {
                                    panic!("{table}.{}: {e}", row.columns()[i].name())
                                })
                        })
                        .collect()
                })
                .collect();
            rows.sort();
            all.push(((*table).to_owned(), rows));
        }
    }
    all
}

/// Runs `test` on a fresh, migrated database of `backend`, on a runtime
/// whose tasks really run at once.
fn on_a_fresh_database<T>(backend: Backend, test: impl AsyncFnOnce(&Db) -> T) -> T {
    two_threads().block_on(async {
        let database = TestDatabase::new(backend).await;
        let db = database.connect().await;
        let outcome = test(&db).await;
        db.close().await;
        outcome
    })
}

/// Appends `events` below the API and projects them, as a running Riff
/// would have: answers the views the projector built.
async fn projected(db: &Db, events: &[BulkEvent]) -> Views {
    bulk_append(db, events).await;
    project(db).await;
    dump(db).await
}

/// Rebuilds every view from the whole log.
async fn rebuild_all(db: &Db) -> replay::Replayed {
    replay::rebuild(db, &view::all(), |_, _| {}).await.unwrap()
}

/// Asserts that a rebuild of every view comes out as `views`.
async fn assert_rebuilt_as(db: &Db, views: &Views) {
    rebuild_all(db).await;
    assert_eq!(&dump(db).await, views);
}

/// A rebuild of every view that must fail, and why it did; the views
/// must stay as `projected`.
async fn refused_rebuild(db: &Db, projected: &Views) -> ProjectionError {
    let failed = replay::rebuild(db, &view::all(), |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(&dump(db).await, projected, "after {failed}");
    failed
}

/// A product whose history is longer than a replay holds at once (four
/// batches of 5,000 events): the replay splits it across batches and must
/// carry its row from one to the next, on PostgreSQL through a `COPY` on
/// another connection.
fn a_history_longer_than_a_batch_replays_whole(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        const REPRICED: i64 = 21_000;
        let projected = projected(db, &repriced("P0", REPRICED)).await;

        let replayed = rebuild_all(db).await;
        assert_eq!(replayed.events, 1 + REPRICED as u64);
        assert_eq!(dump(db).await, projected);
        let (price, version): (i64, i64) =
            sqlx::query_as("select price_minor, version from inventory where sku = 'P0'")
                .fetch_one(&db.views)
                .await
                .unwrap();
        assert_eq!((price, version), (100_000 + REPRICED, 1 + REPRICED));
    });
}

on_each_backend!(
    a_history_longer_than_a_batch_replays_whole,
    on_postgres_a_history_longer_than_a_batch_replays_whole,
    on_sqlite_a_history_longer_than_a_batch_replays_whole
);

/// A listing of product 0 requested on Reverb: its history's first event.
fn requested_on_reverb(listing_id: uuid::Uuid) -> BulkEvent {
    (
        "listing",
        listing_id.to_string(),
        1,
        RecordedEvent::Listing(ListingEvent::ListingRequested {
            listing_id,
            sku: sku(0),
            platform: Platform::Reverb,
            attributes: PlatformAttributes::empty(Platform::Reverb),
        }),
    )
}

/// Product 0, repriced three times, and a listing of it requested on
/// Reverb: a log with events of two aggregate types.
fn a_product_and_a_listing() -> Vec<BulkEvent> {
    let mut events = repriced("P0", 3);
    events.push(requested_on_reverb(uuid::Uuid::new_v4()));
    events
}

/// Rebuilding one view reads only the part of the log it applies: the
/// inventory alone reads no listing event (half a shop's log), and comes
/// out as the projector built it.
fn one_view_is_rebuilt_from_its_own_events(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        let projected = projected(db, &a_product_and_a_listing()).await;

        let inventory: Vec<_> = view::all()
            .into_iter()
            .filter(|v| v.name() == "inventory")
            .collect();
        let mut totals = vec![];
        let replayed = replay::rebuild(db, &inventory, |_, total| totals.push(total))
            .await
            .unwrap();
        assert_eq!(
            replayed.events, 4,
            "the product's four events, no listing's"
        );
        assert!(totals.iter().all(|t| *t == 4), "progress counts {totals:?}");
        assert_eq!(dump(db).await, projected);
    });
}

on_each_backend!(
    one_view_is_rebuilt_from_its_own_events,
    on_postgres_one_view_is_rebuilt_from_its_own_events,
    on_sqlite_one_view_is_rebuilt_from_its_own_events
);

/// An event of an aggregate type this Riff does not know (appended by a
/// newer Riff) is never silently left out of rebuilt views: the replay
/// stops, says what to do, and the views stay as they were.
fn a_replay_stops_at_an_aggregate_type_it_does_not_know(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        let projected = projected(db, &repriced("P0", 3)).await;
        let mut unknown = repriced("P1", 0);
        unknown[0].0 = "consignment";
        bulk_append(db, &unknown).await;

        let failed = refused_rebuild(db, &projected).await;
        assert!(
            matches!(&failed, ProjectionError::UnknownAggregateType { types } if types == &["consignment"]),
            "{failed}"
        );
        assert!(failed.to_string().contains("upgrade"), "{failed}");
    });
}

on_each_backend!(
    a_replay_stops_at_an_aggregate_type_it_does_not_know,
    on_postgres_a_replay_stops_at_an_aggregate_type_it_does_not_know,
    on_sqlite_a_replay_stops_at_an_aggregate_type_it_does_not_know
);

/// Appends one event of product `sku` by hand, as something other than
/// Riff might: `payload` as it is, unchecked.
async fn append_by_hand(db: &Db, sku: &str, event_type: &str, payload: &str) -> i64 {
    let cast = if db.backend() == Backend::Sqlite {
        ""
    } else {
        "::json"
    };
    sqlx::query(&format!(
        "insert into events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
         payload, metadata) values ('product', $1, 1, $2, '1.0', $3{cast}, '{{}}'{cast})"
    ))
    .bind(sku)
    .bind(event_type)
    .bind(payload)
    .execute(&db.views)
    .await
    .unwrap();
    riff_projections::log::last_position_of(db, "product", sku)
        .await
        .unwrap()
}

/// An event this Riff cannot decode stops a replay, which names it and
/// leaves every view as it was, rather than build views without it.
fn a_replay_stops_at_an_event_it_cannot_read(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        let projected = projected(db, &repriced("P0", 3)).await;
        let position = append_by_hand(db, "P1", "Teleported", r#"{"Teleported": {}}"#).await;

        let failed = refused_rebuild(db, &projected).await;
        assert!(
            matches!(&failed, ProjectionError::Undecodable { position: at, event_type, .. }
                if *at == position && event_type == "Teleported"),
            "{failed}"
        );
        assert!(failed.to_string().contains("upgrade"), "{failed}");
    });
}

on_each_backend!(
    a_replay_stops_at_an_event_it_cannot_read,
    on_postgres_a_replay_stops_at_an_event_it_cannot_read,
    on_sqlite_a_replay_stops_at_an_event_it_cannot_read
);

/// A SQLite replay reads an aggregate's events joined by the control
/// characters U+001E and U+001F. Riff's own events never hold them (JSON
/// escapes them in strings), but a payload written by hand may: the replay
/// must stop there, rather than hand its values to the wrong events.
#[test]
fn on_sqlite_a_replay_stops_at_a_payload_holding_the_separator() {
    on_a_fresh_database(Backend::Sqlite, async |db| {
        let projected = projected(db, &repriced("P0", 3)).await;
        append_by_hand(
            db,
            "P1",
            "ProductCreated",
            "{\"ProductCreated\": {\"title\": \"a\u{1e}b\"}}",
        )
        .await;
        // A whole well-formed event's worth of values after the separator.
        let smuggled =
            "{}\u{1e}9\u{1f}2\u{1f}PriceChanged\u{1f}1.0\u{1f}2026-01-01T00:00:00Z\u{1f}{}\u{1f}{}";
        append_by_hand(db, "P2", "ProductCreated", smuggled).await;

        for bad in ["P1", "P2"] {
            let failed = refused_rebuild(db, &projected).await;
            assert!(
                matches!(&failed, ProjectionError::ControlCharacter { aggregate_id, .. } if aggregate_id == bad),
                "{failed}"
            );
            // Out of the log's way (append-only but for this test's hand),
            // so that the next replay meets the next bad aggregate.
            sqlx::query("drop trigger events_no_delete")
                .execute(&db.views)
                .await
                .ok();
            sqlx::query("delete from events where aggregate_id = $1")
                .bind(bad)
                .execute(&db.views)
                .await
                .unwrap();
        }
    });
}

/// The replayed tables whose visibility map does not cover every page,
/// as `analyze` last counted: readers would find each row's visibility in
/// the table itself, index-only scans (the inventory's counts) included.
async fn not_all_visible(db: &Db) -> Vec<(String, i32, i32)> {
    let tables: Vec<&str> = view::all()
        .iter()
        .flat_map(|v| v.tables())
        .copied()
        .collect();
    sqlx::query_as::<_, (String, i32, i32)>(
        "select relname::text, relpages, relallvisible from pg_class \
         where relnamespace = current_schema()::regnamespace and relkind = 'r'",
    )
    .fetch_all(&db.views)
    .await
    .unwrap()
    .into_iter()
    .filter(|(name, pages, visible)| tables.contains(&name.as_str()) && pages != visible)
    .collect()
}

/// A PostgreSQL replay leaves its tables as a `vacuum` would: the rows it
/// copies go in frozen, the rest are vacuumed — also when a history split
/// across batches made it commit its copies as it went.
#[test]
fn on_postgres_every_replayed_table_is_all_visible() {
    on_a_fresh_database(Backend::Postgres, async |db| {
        projected(db, &a_product_and_a_listing()).await;
        rebuild_all(db).await;
        assert_eq!(not_all_visible(db).await, []);
        // Frozen, not vacuumed: a vacuum leaves rows this young unfrozen.
        sqlx::query("create extension pg_visibility")
            .execute(&db.views)
            .await
            .unwrap();
        for table in ["inventory", "listing_index"] {
            let (pages, frozen): (i32, i64) = sqlx::query_as(
                "select relpages, (select all_frozen from pg_visibility_map_summary($1::regclass)) \
                 from pg_class where oid = $1::regclass",
            )
            .bind(table)
            .fetch_one(&db.views)
            .await
            .unwrap();
            assert!(
                pages > 0 && i64::from(pages) == frozen,
                "{table}: {frozen} of {pages} pages frozen"
            );
        }

        bulk_append(db, &repriced("P1", 21_000)).await;
        rebuild_all(db).await;
        assert_eq!(not_all_visible(db).await, []);
    });
}

/// A listing whose history, as stored, does not begin with its creation
/// (nothing Riff appends, but a log may hold one) makes the folded views
/// look for its row as the projector does. Read after a batch's worth of
/// other listings, whose rows a PostgreSQL replay is still copying, the
/// replay must neither wait for those rows nor differ from the projector.
fn a_history_not_begun_by_its_creation_replays_as_projected(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        let mut events = repriced("P0", 2);
        const LISTINGS: u128 = 5_001;
        for n in 0..LISTINGS {
            events.push(requested_on_reverb(uuid::Uuid::from_u128(n)));
        }
        // Last in the listings' order: in the replay's second batch.
        let listing_id = uuid::Uuid::max();
        events.push((
            "listing",
            listing_id.to_string(),
            1,
            RecordedEvent::Listing(ListingEvent::Listed {
                external_id: "71234501".into(),
                url: None,
                listed_at: chrono::Utc::now(),
                price: None,
                quantity: None,
                shown_version: None,
                sent: None,
            }),
        ));
        let projected = projected(db, &events).await;

        let replayed = rebuild_all(db).await;
        assert_eq!(replayed.events, 3 + LISTINGS as u64 + 1);
        assert_eq!(dump(db).await, projected);
    });
}

on_each_backend!(
    a_history_not_begun_by_its_creation_replays_as_projected,
    on_postgres_a_history_not_begun_by_its_creation_replays_as_projected,
    on_sqlite_a_history_not_begun_by_its_creation_replays_as_projected
);

/// A runtime whose tasks really run at once, as in `riff serve`.
fn two_threads() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn incremental_equals_replay(backend: Backend, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let (incremental, replayed) = on_a_fresh_database(backend, async |db| {
        let shop = Shop::new(db).await;
        for op in ops {
            shop.run(op).await;
        }
        shop.catch_up().await;
        let incremental = dump(db).await;
        rebuild_all(db).await;
        (incremental, dump(db).await)
    });
    prop_assert_eq!(incremental, replayed);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn on_postgres_any_history_projected_live_equals_its_replay(ops in prop::collection::vec(op(), 1..40)) {
        incremental_equals_replay(Backend::Postgres, ops)?;
    }

    #[test]
    fn on_sqlite_any_history_projected_live_equals_its_replay(ops in prop::collection::vec(op(), 1..40)) {
        incremental_equals_replay(Backend::Sqlite, ops)?;
    }
}

/// What the inventory's free-text search finds, by SKU.
async fn found(db: &Db, q: &str) -> Vec<String> {
    let query = view::inventory::InventoryQuery {
        q: Some(q.into()),
        ..Default::default()
    };
    let mut skus: Vec<String> = view::inventory::page(db, &query)
        .await
        .unwrap()
        .into_iter()
        .map(|item| item.sku)
        .collect();
    skus.sort();
    skus
}

async fn skus(db: &Db) -> Vec<String> {
    sqlx::query_scalar("select sku from inventory order by sku")
        .fetch_all(&db.views)
        .await
        .unwrap()
}

/// Every index and key of the views' tables (and on SQLite the triggers
/// that keep the inventory's search index), as the database describes
/// them, sorted; and any schema a replay may have left behind.
async fn schema(db: &Db, backend: Backend) -> Vec<String> {
    let sql = match backend {
        Backend::Postgres => {
            "select tablename || ': ' || indexdef from pg_indexes \
             where schemaname = current_schema() \
             union all select 'schema ' || nspname from pg_namespace where nspname = 'riff_replay'"
        }
        Backend::Sqlite => {
            "select tbl_name || ': ' || name || ' ' || coalesce(sql, '') \
             from sqlite_master where type in ('index', 'trigger')"
        }
    };
    let mut all: Vec<String> = sqlx::query_scalar(sql).fetch_all(&db.views).await.unwrap();
    all.sort();
    all
}

fn a_replay_keeps_every_index(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        let shop = Shop::with_products(db, 3).await;
        let before = schema(db, backend).await;
        assert!(
            before
                .iter()
                .any(|i| i.contains("inventory_by_lower_brand")),
            "{before:?}"
        );
        let projected = dump(db).await;
        if backend == Backend::Postgres {
            // What a replay killed half-way leaves: the next one clears it.
            for leftover in [
                "create schema riff_replay",
                "create table riff_replay.inventory (half_built bigint)",
            ] {
                sqlx::query(leftover).execute(&db.views).await.unwrap();
            }
        }

        assert_rebuilt_as(db, &projected).await;
        assert_eq!(schema(db, backend).await, before);
        assert_eq!(found(db, "ÉDITION").await, ["P0", "P1", "P2"]);
        // The projector carries on into the swapped-in tables.
        shop.run(Op::Create(3)).await;
        shop.catch_up().await;
        assert_eq!(skus(db).await, ["P0", "P1", "P2", "P3"]);
        assert_eq!(found(db, "guitar 3").await, ["P3"], "searchable at once");
    });
}

on_each_backend!(
    a_replay_keeps_every_index,
    on_postgres_a_replay_keeps_every_index_and_key,
    on_sqlite_a_replay_keeps_every_index_and_key
);

/// Products are created and projected while replays run one after another:
/// whatever a swap lands on, the projector carries on from the replay's
/// position and misses nothing.
fn a_projector_running_through_replays_misses_nothing(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        let shop = Shop::new(db).await;
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
        let writing = AtomicBool::new(true);
        let replays = AtomicUsize::new(0);
        let mut written: u32 = 0;
        tokio::join!(
            async {
                // However slow the machine, three replays run while the
                // shop changes: 200 products, then their prices.
                while written < 150 || replays.load(SeqCst) < 3 {
                    let op = match u8::try_from(written) {
                        Ok(n) if n < 200 => Op::Create(n),
                        _ => Op::Price((written % 200) as u8, 1_000 + written),
                    };
                    shop.run(op).await;
                    written += 1;
                }
                writing.store(false, SeqCst);
            },
            async {
                while writing.load(SeqCst) {
                    shop.projector.run_once().await.unwrap();
                }
            },
            async {
                while writing.load(SeqCst) {
                    rebuild_all(db).await;
                    replays.fetch_add(1, SeqCst);
                }
            },
        );
        shop.catch_up().await;
        let live = dump(db).await;
        assert_eq!(skus(db).await.len(), written.min(200) as usize);
        assert_rebuilt_as(db, &live).await;
    });
}

on_each_backend!(
    a_projector_running_through_replays_misses_nothing,
    on_postgres_a_projector_running_through_replays_misses_nothing,
    on_sqlite_a_projector_running_through_replays_misses_nothing
);

/// The moment the test above can only hope to hit, made to happen: the
/// projector has read its next batch and waits for the checkpoints while a
/// swap moves them back (here to a rebuild of nothing, at position zero).
/// It must not apply its batch on top of the rebuilt views as if nothing
/// lay between.
fn a_batch_read_before_a_swap_is_not_applied_after_it(backend: Backend) {
    on_a_fresh_database(backend, async |db| {
        let shop = Shop::with_products(db, 3).await;
        shop.run(Op::Create(3)).await;

        let mut swap = db.views.begin().await.unwrap();
        sqlx::query("update projection_checkpoints set position = position")
            .execute(&mut *swap)
            .await
            .unwrap();
        let (applied, ()) = tokio::join!(shop.projector.run_once(), async {
            match backend {
                Backend::Postgres => {
                    while sqlx::query_scalar::<_, i64>(
                        "select count(*) from pg_locks where not granted",
                    )
                    .fetch_one(&db.views)
                    .await
                    .unwrap()
                        == 0
                    {
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    }
                }
                // SQLite's lock wait cannot be seen from outside: give the
                // projector ample time to read and reach it.
                Backend::Sqlite => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            }
            for view in view::all() {
                for table in view.tables() {
                    sqlx::query(&format!("delete from {table}"))
                        .execute(&mut *swap)
                        .await
                        .unwrap();
                }
            }
            sqlx::query("update projection_checkpoints set position = 0")
                .execute(&mut *swap)
                .await
                .unwrap();
            swap.commit().await.unwrap();
        });
        applied.unwrap();
        shop.catch_up().await;
        assert_eq!(skus(db).await, ["P0", "P1", "P2", "P3"]);
        let live = dump(db).await;
        assert_rebuilt_as(db, &live).await;
    });
}

on_each_backend!(
    a_batch_read_before_a_swap_is_not_applied_after_it,
    on_postgres_a_batch_read_before_a_swap_is_not_applied_after_it,
    on_sqlite_a_batch_read_before_a_swap_is_not_applied_after_it
);
