//! Upgrading a shop's database: a migration that moves what a view keeps
//! carries it over, so the pages show the same as before without a replay.

use riff_projections::db::StorePool;
use riff_projections::view::product_listings;
use riff_projections::Db;
use riff_tests::{on_both_backends, Backend, TestDatabase};
use sqlx::migrate::Migrator;

/// The migration that folded the product page's listings into the listing
/// index (0010 on PostgreSQL, 0012 on SQLite) keeps each listing's URL,
/// last outcome and time, and leaves no trace of the old view.
async fn an_upgraded_shop_keeps_its_listings_on_the_product_page(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let db = Db::connect(&database.url).await.unwrap();
    let merged_at = match backend {
        Backend::Postgres => 10,
        Backend::Sqlite => 12,
    };
    migrate_below(&db, merged_at).await;
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

on_both_backends!(an_upgraded_shop_keeps_its_listings_on_the_product_page);
