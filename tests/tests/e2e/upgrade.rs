//! Upgrading a shop's database: a migration that moves what a view keeps
//! carries it over, so the pages show the same as before without a replay.

use riff_projections::db::StorePool;
use riff_projections::log::chain;
use riff_projections::view::product_listings;
use riff_projections::Db;
use riff_tests::{on_both_backends, Backend, TestDatabase};
use sqlx::migrate::Migrator;

/// The migration that folded the product page's listings into the listing
/// index (0010 on PostgreSQL, 0012 on SQLite) keeps each listing's URL,
/// last outcome and time, and leaves no trace of the old view.
async fn an_upgraded_shop_keeps_its_listings_on_the_product_page(backend: Backend) {
    let (_database, db) = migrated_below(backend, 10, 12).await;
    for sql in [
        "insert into listing_index (listing_id, platform, external_id, sku, status, \
         revise_pending, orders, drift) \
         values ('0b7c1a52-5f0e-4a34-9d1e-8f6f7e0c2a11', 'reverb', '71234501', 'RIFF-1', \
         'live', 0, '[]', '[]')",
        "insert into product_listings (listing_id, sku, platform, status, external_id, url, \
         last_outcome, updated_at) \
         values ('0b7c1a52-5f0e-4a34-9d1e-8f6f7e0c2a11', 'RIFF-1', 'reverb', 'live', \
         '71234501', 'https://reverb.com/item/71234501', 'listed', \
         '2026-11-01T10:00:00.000000Z')",
        "insert into projection_checkpoints (view, position) \
         values ('listing_index', 7), ('product_listings', 7)",
    ] {
        sqlx::query(sql).execute(&db.views).await.unwrap();
    }

    db.migrate().await.unwrap();

    let listings = product_listings::of_products(&db, &["RIFF-1"])
        .await
        .unwrap();
    assert_eq!(listings.len(), 1, "{listings:?}");
    let listing = &listings[0];
    assert_eq!(
        (listing.platform.as_str(), listing.status.as_str()),
        ("reverb", "live")
    );
    assert_eq!(listing.external_id.as_deref(), Some("71234501"));
    assert_eq!(
        listing.url.as_deref(),
        Some("https://reverb.com/item/71234501")
    );
    assert_eq!(listing.last_outcome, "listed");
    assert_eq!(listing.updated_at, "2026-11-01T10:00:00.000000Z");
    let checkpoints: Vec<String> = sqlx::query_scalar("select view from projection_checkpoints")
        .fetch_all(&db.views)
        .await
        .unwrap();
    assert_eq!(checkpoints, ["listing_index"]);
    assert!(
        sqlx::query("select 1 from product_listings")
            .fetch_all(&db.views)
            .await
            .is_err(),
        "the old table is gone"
    );
}

/// A fresh database on `backend` with the migrations older than the one
/// a change came with (numbered `postgres` or `sqlite`, per backend): a
/// shop from before the change.
async fn migrated_below(backend: Backend, postgres: i64, sqlite: i64) -> (TestDatabase, Db) {
    let database = TestDatabase::new(backend).await;
    let db = Db::connect(&database.url).await.unwrap();
    let version = match backend {
        Backend::Postgres => postgres,
        Backend::Sqlite => sqlite,
    };
    migrate_below(&db, version).await;
    (database, db)
}

/// Applies the migrations older than `version`: the database as an older
/// Riff left it.
async fn migrate_below(db: &Db, version: i64) {
    fn older(mut migrator: Migrator, version: i64) -> Migrator {
        let older: Vec<_> = migrator
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect();
        migrator.migrations = older.into();
        migrator
    }
    match &db.store {
        StorePool::Postgres(pool) => older(sqlx::migrate!("../migrations/postgres"), version)
            .run(pool)
            .await
            .unwrap(),
        StorePool::Sqlite(pool) => older(sqlx::migrate!("../migrations/sqlite"), version)
            .run(pool)
            .await
            .unwrap(),
    }
}

on_both_backends!(
    an_upgraded_shop_keeps_its_listings_on_the_product_page,
    an_upgraded_log_is_linked_once_and_goes_on_from_there,
);

/// The migration that brought the hash chain (0012 on PostgreSQL, 0015 on
/// SQLite, whose links are computed in Rust right after) links the events
/// already in the log, in order; the appends after it continue the chain.
async fn an_upgraded_log_is_linked_once_and_goes_on_from_there(backend: Backend) {
    let (_database, db) = migrated_below(backend, 12, 15).await;
    let insert = match backend {
        Backend::Postgres => {
            "insert into events (aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata) values ('gap', $1, $2, 'Probe', '1.0.0', \
             '{\"n\": 1}'::json, '{}'::json)"
        }
        Backend::Sqlite => {
            "insert into events (aggregate_type, aggregate_id, sequence, event_type, \
             event_version, payload, metadata) values ('gap', $1, $2, 'Probe', '1.0.0', \
             '{\"n\": 1}', '{}')"
        }
    };
    let old = [("OLD-1", 1), ("OLD-1", 2), ("OLD-2", 1)];
    for (id, sequence) in old {
        sqlx::query(insert)
            .bind(id)
            .bind(sequence)
            .execute(&db.views)
            .await
            .unwrap();
    }

    db.migrate().await.unwrap();
    let linked = chain::verify(&db.store, None, |_, _| {}).await.unwrap();
    assert!(linked.ok, "{linked:?}");
    assert_eq!(linked.events, 3);

    // Linked once: a second start changes nothing.
    db.migrate().await.unwrap();
    assert_eq!(
        chain::verify(&db.store, None, |_, _| {}).await.unwrap(),
        linked
    );

    let ledger = riff_web::ledger::Ledger::new(&db);
    ledger
        .settings(
            riff_domain::SettingsCommand::SetDropdownSort {
                field: riff_domain::settings::DropdownField::Brand,
                order: riff_domain::settings::DropdownOrder::Alpha,
            },
            &riff_domain::EventMetadata::new("test", riff_domain::metadata::Source::Cli),
        )
        .await
        .unwrap();
    let after = chain::verify(&db.store, None, |_, _| {}).await.unwrap();
    assert!(after.ok, "{after:?}");
    assert_eq!(after.events, 4);
    assert_ne!(after.head, linked.head);

    // The head kept before the append is one of the links walked through.
    let kept = |head: &str| {
        let bytes: [u8; 32] = hex_bytes(head);
        Some(bytes)
    };
    let through = chain::verify(&db.store, kept(linked.head.as_deref().unwrap()), |_, _| {})
        .await
        .unwrap();
    assert!(through.ok, "{through:?}");
    assert!(through.kept_head_position.is_some());
    let stranger = chain::verify(&db.store, kept(&"ab".repeat(32)), |_, _| {})
        .await
        .unwrap();
    assert!(!stranger.ok);
    assert_eq!(stranger.first_bad_position, None);
    assert!(stranger.problem.unwrap().contains("not a link of this log"));
}

fn hex_bytes(hex: &str) -> [u8; 32] {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    bytes.try_into().unwrap()
}
