//! The log itself: gap-free reading under concurrent writers, append-only by
//! construction, and old event shapes read as new.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use riff_projections::log::chain;
use riff_projections::{log, Db};
use riff_tests::{
    guitar, on_both_backends, spawn_app, spawn_app_on, write_around_riff, Backend, TestDatabase,
};
use serde_json::{json, Value};

on_both_backends!(
    a_tailing_reader_sees_every_committed_event_exactly_once,
    the_database_refuses_to_change_or_delete_events,
    a_version_one_event_in_the_log_is_read_as_today_s_shape,
    the_hash_chain_catches_an_event_rewritten_with_the_triggers_off,
);

/// An insert that goes through the same triggers as the event store's.
fn insert_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "insert into events (aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata) values ($1, $2, $3, $4, $5, $6::json, $7::json)"
        }
        Backend::Sqlite => {
            "insert into events (aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata) values ($1, $2, $3, $4, $5, $6, $7)"
        }
    }
}

async fn insert_probe(conn: &mut sqlx::AnyConnection, backend: Backend, id: &str, sequence: i64) {
    sqlx::query(insert_sql(backend))
        .bind("gap")
        .bind(id)
        .bind(sequence)
        .bind("Probe")
        .bind("1.0.0")
        .bind("{}")
        .bind("{}")
        .execute(conn)
        .await
        .expect("insert a probe event");
}

/// Reads the log by position until told to stop, as a projector would.
/// With `safe` false it reads naively — "everything after my position" —
/// which the log reader does not rely on.
fn tail(db: Db, done: Arc<AtomicBool>, safe: bool) -> tokio::task::JoinHandle<Vec<i64>> {
    tokio::spawn(async move {
        let (mut seen, mut after) = (vec![], 0);
        loop {
            let finished = done.load(Ordering::SeqCst);
            let batch: Vec<i64> = if safe {
                log::read_after(&db, after, 50)
                    .await
                    .unwrap()
                    .iter()
                    .map(|e| e.position)
                    .collect()
            } else {
                sqlx::query_scalar(
                    "select position from events where position > $1 order by position limit 50",
                )
                .bind(after)
                .fetch_all(&db.views)
                .await
                .unwrap()
            };
            if let Some(last) = batch.last() {
                after = *last;
            } else if finished {
                return seen;
            } else {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            seen.extend(batch);
        }
    })
}

async fn a_tailing_reader_sees_every_committed_event_exactly_once(backend: Backend) {
    const WRITERS: usize = 32;
    const TRANSACTIONS: usize = 8;
    let database = TestDatabase::new(backend).await;
    let db = database.connect().await;
    let done = Arc::new(AtomicBool::new(false));
    let reader = tail(db.clone(), done.clone(), true);
    let naive = tail(db.clone(), done.clone(), false);

    // One transaction takes an early position and holds it open while the
    // others commit later positions around it.
    let (held_in, held_ready) = tokio::sync::oneshot::channel();
    let held = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.views.begin().await.unwrap();
            insert_probe(&mut tx, backend, "held", 1).await;
            held_in.send(()).unwrap();
            tokio::time::sleep(Duration::from_millis(1500)).await;
            tx.commit().await.unwrap();
        })
    };
    held_ready.await.unwrap();

    let writers = (0..WRITERS).map(|w| {
        let db = db.clone();
        tokio::spawn(async move {
            for t in 0..TRANSACTIONS {
                let mut tx = db.views.begin().await.unwrap();
                let id = format!("w{w}-t{t}");
                for sequence in 1..=(1 + (w + t) % 3) {
                    insert_probe(&mut tx, backend, &id, sequence as i64).await;
                    tokio::time::sleep(Duration::from_millis(((w * 7 + t) % 3) as u64)).await;
                }
                // Every fourth transaction rolls back, leaving holes.
                if t % 4 == 3 {
                    tx.rollback().await.unwrap();
                } else {
                    tx.commit().await.unwrap();
                }
            }
        })
    });
    for writer in futures::future::join_all(writers).await {
        writer.unwrap();
    }
    held.await.unwrap();
    done.store(true, Ordering::SeqCst);

    let seen = reader.await.unwrap();
    let committed: Vec<i64> = sqlx::query_scalar("select position from events order by position")
        .fetch_all(&db.views)
        .await
        .unwrap();
    let expected = WRITERS * TRANSACTIONS * 3 / 4;
    let transactions: i64 = sqlx::query_scalar("select count(distinct aggregate_id) from events")
        .fetch_one(&db.views)
        .await
        .unwrap();
    assert_eq!(
        transactions as usize,
        expected + 1,
        "rolled-back writes are gone"
    );
    assert_eq!(
        seen, committed,
        "every committed event, once, in position order"
    );

    // Appends now take their turn (the hash chain's lock, held to commit),
    // so positions are handed out in commit order on PostgreSQL too: even
    // the naive reader skips nothing. The floors stay as a second guard.
    assert_eq!(naive.await.unwrap(), committed);
}

async fn the_database_refuses_to_change_or_delete_events(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = database.connect().await;
    let mut conn = db.views.acquire().await.unwrap();
    insert_probe(&mut conn, backend, "keep", 1).await;
    let mut statements = vec![
        "update events set event_type = 'Forged'",
        "update events set position = position + 100",
        "delete from events",
    ];
    if backend == Backend::Postgres {
        statements.push("truncate events");
    }
    for statement in statements {
        let error = sqlx::query(statement)
            .execute(&mut *conn)
            .await
            .expect_err(statement);
        assert!(
            error.to_string().contains("append-only"),
            "{statement}: {error}"
        );
    }
    let rows: Vec<(String, i64)> = sqlx::query_as("select event_type, position from events")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(rows, [("Probe".to_owned(), 1)]);
}

/// On SQLite `insert or replace into events` rewrote an event silently:
/// its implicit delete fires no trigger while `recursive_triggers` is off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_insert_or_replace_cannot_rewrite_an_event() {
    let database = TestDatabase::new(Backend::Sqlite).await;
    let db = database.connect().await;
    let mut conn = db.views.acquire().await.unwrap();
    sqlx::query("pragma recursive_triggers = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    insert_probe(&mut conn, Backend::Sqlite, "keep", 1).await;
    insert_probe(&mut conn, Backend::Sqlite, "keep", 2).await;
    for sequence in [1, 2] {
        let error = sqlx::query(
            "insert or replace into events (aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata) values ('gap', 'keep', $1, 'Forged', '1.0.0', \
             '{}', '{}')",
        )
        .bind(sequence)
        .execute(&mut *conn)
        .await
        .expect_err("a replace is refused");
        assert!(error.to_string().contains("append-only"), "{error}");
    }
    // A plain duplicate is still the key violation sqlite-es reads as an
    // optimistic-lock conflict.
    let duplicate = sqlx::query(insert_sql(Backend::Sqlite))
        .bind("gap")
        .bind("keep")
        .bind(2)
        .bind("Probe")
        .bind("1.0.0")
        .bind("{}")
        .bind("{}")
        .execute(&mut *conn)
        .await
        .expect_err("a duplicate is refused");
    let sqlx::Error::Database(duplicate) = duplicate else {
        panic!("a database error: {duplicate}");
    };
    assert_eq!(duplicate.code().as_deref(), Some("1555"));
    let rows: Vec<(String, i64)> =
        sqlx::query_as("select event_type, position from events order by position")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    assert_eq!(rows, [("Probe".to_owned(), 1), ("Probe".to_owned(), 2)]);
}

async fn a_version_one_event_in_the_log_is_read_as_today_s_shape(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    {
        let db = database.connect().await;
        let payload = json!({"ProductCreated": {
            "sku": "OLD-1",
            "details": {"title": "Vox AC30", "brand": "Vox", "model": "AC30", "year": 1964,
                        "finish": null, "category": "Amps", "condition": "good",
                        "description": null},
            "price": {"amount": "2200.00", "currency": "GBP"}
        }});
        let metadata = json!({"actor": "import", "source": "import",
                              "correlation_id": "00000000-0000-0000-0000-000000000001"});
        sqlx::query(insert_sql(backend))
            .bind("product")
            .bind("OLD-1")
            .bind(1_i64)
            .bind("ProductCreated")
            .bind("1.0.0")
            .bind(payload.to_string())
            .bind(metadata.to_string())
            .execute(&db.views)
            .await
            .unwrap();
        db.close().await;
    }
    let app = spawn_app_on(database).await;
    // The projector read it…
    let mut product: Value = Value::Null;
    for _ in 0..100 {
        let response = app.get("/api/products/OLD-1").await;
        if response.status().is_success() {
            product = response.json().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(product["quantity"], 1, "{product}");
    assert_eq!(product["price"], "2200.00");
    // …and so does the aggregate, which accepts a command on top of it.
    let patched: Value = app
        .patch(
            "/api/products/OLD-1",
            &json!({"quantity": 2, "expected_version": 1}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(patched["quantity"], 2, "{patched}");
    assert_eq!(patched["version"], 2);
}

/// The triggers stop a rewrite; the table's owner can disable them. The
/// hash chain still sees it: the walk names the rewritten position, and the
/// head hash kept from before no longer comes out.
async fn the_hash_chain_catches_an_event_rewritten_with_the_triggers_off(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_guitars(&[
        ("CHAIN-1", "Fender Telecaster"),
        ("CHAIN-2", "Gibson ES-335"),
    ])
    .await;
    let sold = app
        .post(
            "/api/products/CHAIN-1/sales",
            &json!({"channel": "shop", "order_ref": "TILL-1",
                    "sold_at": "2026-11-25T10:30:00Z", "price": "1200.00"}),
        )
        .await;
    assert_eq!(sold.status(), 201);
    let db = app.database.connect().await;

    let intact = chain::verify(&db.store, None, |_, _| {}).await.unwrap();
    assert!(intact.ok, "{intact:?}");
    assert_eq!(intact.events, app.log_length().await as u64);
    let head = intact.head.clone().expect("a head hash");
    assert_eq!(head.len(), 64);

    let mut conn = db.views.acquire().await.unwrap();
    let (position,): (i64,) = sqlx::query_as(
        "select position from events where aggregate_id = 'CHAIN-2' order by position limit 1",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let rewrite = format!(
        "update events set payload = replace(payload{cast}, 'ES-335', 'ES-345'){back} \
         where position = {position}",
        cast = if backend == Backend::Postgres {
            "::text"
        } else {
            ""
        },
        back = if backend == Backend::Postgres {
            "::json"
        } else {
            ""
        },
    );
    let (off, on) = match backend {
        Backend::Postgres => (
            "alter table events disable trigger events_no_update",
            "alter table events enable trigger events_no_update",
        ),
        Backend::Sqlite => ("drop trigger events_no_update", "select 1"),
    };
    for sql in [off, rewrite.as_str(), on] {
        sqlx::query(sql).execute(&mut *conn).await.unwrap();
    }

    let broken = chain_broken_at(&db, position, "changed").await;
    assert_ne!(broken.head.as_deref(), Some(head.as_str()));
}

/// Walks the log's hash chain and asserts it breaks first at `position`,
/// for the reason containing `problem`; answers the walk's findings.
async fn chain_broken_at(db: &Db, position: i64, problem: &str) -> chain::Verification {
    let found = chain::verify(&db.store, None, |_, _| {}).await.unwrap();
    assert!(!found.ok);
    assert_eq!(found.first_bad_position, Some(position), "{found:?}");
    assert!(
        found
            .problem
            .as_deref()
            .unwrap_or_default()
            .contains(problem),
        "{found:?}"
    );
    found
}

/// An event written around Riff (a plain insert, which SQLite's triggers
/// cannot tell from an append) is not linked: the walk names it, and
/// Riff's next append does not vouch for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_an_event_written_around_riff_is_named_by_the_walk() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_product(&guitar("AROUND-1", "Fender Jazzmaster"))
        .await;
    let db = app.database.connect().await;
    let forged = write_around_riff(&db, "AROUND-1", "FORGED-1").await;
    app.create_product(&guitar("AROUND-2", "Gibson Firebird"))
        .await;

    chain_broken_at(&db, forged, "around Riff").await;
}

/// The newest event removed behind Riff's back (triggers dropped) leaves
/// its link: the walk says it is missing, while events appended during a
/// walk are not mistaken for missing ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_removed_last_event_is_named_missing() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_guitars(&[
        ("GONE-1", "Fender Jazzmaster"),
        ("GONE-2", "Gibson Firebird"),
    ])
    .await;
    let db = app.database.connect().await;
    assert!(chain::verify(&db.store, None, |_, _| {}).await.unwrap().ok);
    let mut conn = db.views.acquire().await.unwrap();
    let (last,): (i64,) = sqlx::query_as("select max(position) from events")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    for sql in [
        "drop trigger events_no_delete".to_owned(),
        format!("delete from events where position = {last}"),
    ] {
        sqlx::query(&sql).execute(&mut *conn).await.unwrap();
    }
    chain_broken_at(&db, last, "missing").await;
}
