//! Moving a shop: from SQLite to PostgreSQL and back (`riff store copy`),
//! and backups that restore to the same shop and refuse damaged files.

use std::io::{Read, Write};

use reqwest::StatusCode;
use riff_domain::policy::PlatformPriority;
use riff_domain::value::Currency;
use riff_projections::{archive, Db};
use riff_tests::{
    guitar, on_both_backends, spawn_app, spawn_app_on, spawn_shop, write_around_riff, Backend,
    TestApp, TestDatabase,
};
use riff_web::sim::Simulators;
use riff_web::store::{self, BackupError, CopyError};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// A shop with what a move must carry: listings imported from a
/// marketplace (one in another currency, so a draft with its flags),
/// products, media, a sale, a conflicting second sale and its flag, and
/// someone who may log in. The simulators stay up as long as the shop.
async fn a_shop(backend: Backend) -> (TestApp, Simulators) {
    let sims = Simulators::new(None).unwrap();
    sims.reverb().set_currency("USD");
    sims.ebay().seed_listing(
        "IMPORT-1",
        "Marshall JCM800 2203",
        Decimal::new(120_000, 2),
        1,
    );
    sims.reverb().seed_listing(
        "IMPORT-2",
        "Fender Twin Reverb",
        Decimal::new(150_000, 2),
        1,
    );
    let settings = sims.spawn().await.unwrap();
    let app = spawn_shop(
        TestDatabase::new(backend).await,
        settings,
        Currency::GBP,
        PlatformPriority::default(),
    )
    .await;
    let run = crate::sync::sync_and_settle(&app).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    for (sku, title) in [
        ("MOVE-1", "Fender Stratocaster"),
        ("MOVE-2", "Gibson Les Paul"),
        ("MOVE-3", "Vox AC30"),
    ] {
        app.create_product(&guitar(sku, title)).await;
    }
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::admin_products::PNG).file_name("front.png"),
    );
    let uploaded = app
        .request(reqwest::Method::POST, "/api/products/MOVE-2/media")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    for (channel, order, at) in [
        ("reverb", "R-1", "2026-11-25T10:31:00Z"),
        ("ebay", "E-1", "2026-11-25T10:30:00Z"),
    ] {
        let sold = app
            .post(
                "/api/products/MOVE-1/sales",
                &json!({"channel": channel, "order_ref": order, "sold_at": at, "price": "1450.00"}),
            )
            .await;
        assert_eq!(sold.status(), StatusCode::CREATED);
    }
    let db = app.database.connect().await;
    riff_web::admin::users::add(&db, "owner", "a long enough password")
        .await
        .unwrap();
    db.close().await;
    (app, sims)
}

/// What the shop's API answers, for comparing two copies of it.
async fn answers(app: &TestApp) -> Vec<Value> {
    let mut answers = Vec::new();
    for path in [
        "/api/products",
        "/api/products/MOVE-1",
        "/api/products/MOVE-2",
        "/api/products/MOVE-3",
        "/api/products/IMPORT-1",
        "/api/products/IMPORT-2",
        "/api/sales",
        "/api/flags",
        "/api/events?after=0&limit=1000",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        answers.push(response.json().await.unwrap());
    }
    answers
}

async fn users(db: &Db) -> Vec<(String, String)> {
    sqlx::query_as("select name, password_hash from users order by name")
        .fetch_all(&db.views)
        .await
        .unwrap()
}

/// SQLite to PostgreSQL, then back to a new SQLite file: the same answers
/// at every step, the same people, and both logs' heads equal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_moves_from_sqlite_to_postgres_and_back_with_the_same_answers() {
    let (source, _sims) = a_shop(Backend::Sqlite).await;
    let before = answers(&source).await;
    let source_db = source.database.connect().await;

    let postgres = TestDatabase::new(Backend::Postgres).await;
    let postgres_db = postgres.connect().await;
    let copied = store::copy(&source_db, &postgres_db, |_| {}).await.unwrap();
    assert_eq!(
        copied.log.events,
        archive::event_count(&source_db.store).await.unwrap()
    );
    assert_eq!(copied.resumed_after, None);
    let moved = spawn_app_on(postgres).await;
    assert_eq!(answers(&moved).await, before);
    assert_eq!(users(&postgres_db).await, users(&source_db).await);

    // Run again, it goes on from where it stopped: here, the end.
    let again = store::copy(&source_db, &postgres_db, |_| {}).await.unwrap();
    assert_eq!(again.log, copied.log);
    assert!(again.resumed_after.is_some());

    let back = TestDatabase::new(Backend::Sqlite).await;
    let back_db = back.connect().await;
    let returned = store::copy(&postgres_db, &back_db, |_| {}).await.unwrap();
    assert_eq!(returned.log, copied.log, "the same log, link for link");
    let returned_app = spawn_app_on(back).await;
    assert_eq!(answers(&returned_app).await, before);
}

/// A target holding another shop's events is refused, and left as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_into_a_database_holding_another_log_is_refused() {
    let (source, _sims) = a_shop(Backend::Sqlite).await;
    let other = spawn_app(Backend::Postgres).await;
    other
        .create_product(&guitar("OTHER-1", "Rickenbacker 330"))
        .await;
    let other_db = other.database.connect().await;
    let held = archive::event_count(&other_db.store).await.unwrap();

    let refused = store::copy(&source.database.connect().await, &other_db, |_| {}).await;
    assert!(
        matches!(refused, Err(CopyError::TargetNotEmpty { events }) if events == held),
        "{refused:?}"
    );
    assert_eq!(archive::event_count(&other_db.store).await.unwrap(), held);
}

/// What a restore said when it refused, empty if it did not.
fn refusal<T>(restored: &Result<T, BackupError>) -> String {
    restored
        .as_ref()
        .map(|_| String::new())
        .unwrap_or_else(|e| e.to_string())
}

fn backup_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("riff-backup-{}.jsonl.gz", uuid::Uuid::new_v4()))
}

fn gunzip(path: &std::path::Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn gzip(path: &std::path::Path, text: &str) {
    let mut writer = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    writer.write_all(text.as_bytes()).unwrap();
    writer.finish().unwrap();
}

/// Backup, restore into an empty database, the same answers; a backup
/// taken while the shop serves.
async fn a_backup_restores_to_the_same_shop(backend: Backend) {
    let (source, _sims) = a_shop(backend).await;
    let before = answers(&source).await;
    let source_db = source.database.connect().await;
    let path = backup_path();
    let header = store::backup(&source_db, &path, |_| {}).await.unwrap();
    assert_eq!(
        header.events,
        archive::event_count(&source_db.store).await.unwrap()
    );
    let text = gunzip(&path);
    assert!(
        !text.contains("a long enough password"),
        "passwords only as hashes"
    );
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["header"]["events"], header.events);
    assert_eq!(first["header"]["riff_version"], env!("CARGO_PKG_VERSION"));

    let target = TestDatabase::new(backend).await;
    let target_db = target.connect().await;
    let restored = store::restore(&path, &target_db, |_| {}).await.unwrap();
    assert_eq!(restored, header);
    assert_eq!(users(&target_db).await, users(&source_db).await);
    let app = spawn_app_on(target).await;
    assert_eq!(answers(&app).await, before);

    // Not twice into the same database.
    let again = store::restore(&path, &target_db, |_| {}).await;
    assert!(
        matches!(again, Err(BackupError::TargetNotEmpty { .. })),
        "{again:?}"
    );
    let _ = std::fs::remove_file(&path);
}

/// A backup cut short, or with one event changed, is refused naming what
/// is wrong, and the target stays empty.
async fn a_damaged_backup_is_refused_and_restores_nothing(backend: Backend) {
    let (source, _sims) = a_shop(backend).await;
    let source_db = source.database.connect().await;
    let path = backup_path();
    store::backup(&source_db, &path, |_| {}).await.unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let text = gunzip(&path);
    let target = TestDatabase::new(backend).await;
    let target_db = target.connect().await;
    let empty = |db: &Db| {
        let store = db.store.clone();
        async move { archive::event_count(&store).await.unwrap() == 0 }
    };

    let truncated = backup_path();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let refused = store::restore(&truncated, &target_db, |_| {}).await;
    let message = refusal(&refused);
    assert!(
        matches!(refused, Err(BackupError::Truncated { .. })),
        "{message}"
    );
    assert!(message.contains("truncated"), "{message}");
    assert!(empty(&target_db).await);

    // One price changed in one event; the file is otherwise well-formed.
    let changed = backup_path();
    let (line, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("1499.00"))
        .unwrap();
    let forged: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                l.replacen("1499.00", "14.99", 1)
            } else {
                l.to_owned()
            }
        })
        .collect();
    gzip(&changed, &(forged.join("\n") + "\n"));
    let refused = store::restore(&changed, &target_db, |_| {}).await;
    let message = refusal(&refused);
    assert!(
        message.contains(&format!("line {}", line + 1)) && message.contains("does not match"),
        "{message}"
    );
    assert!(empty(&target_db).await);

    // Not a backup at all.
    let stranger = backup_path();
    std::fs::write(&stranger, b"sku,title\nA,B\n").unwrap();
    let refused = store::restore(&stranger, &target_db, |_| {}).await;
    assert!(
        matches!(refused, Err(BackupError::NotABackup { .. })),
        "{refused:?}"
    );
    assert!(empty(&target_db).await);
    for file in [path, truncated, changed, stranger] {
        let _ = std::fs::remove_file(file);
    }
}

on_both_backends!(
    a_backup_restores_to_the_same_shop,
    a_damaged_backup_is_refused_and_restores_nothing,
);

/// A write of events that fails part-way (here: an event PostgreSQL
/// cannot store) leaves nothing behind, and the same events can be
/// written again: an interrupted copy or restore is taken up, not stuck.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_write_into_postgres_can_be_made_again() {
    let source = spawn_app(Backend::Sqlite).await;
    for (sku, title) in [("AGAIN-1", "Gibson SG"), ("AGAIN-2", "Fender Jaguar")] {
        source.create_product(&guitar(sku, title)).await;
    }
    let source_db = source.database.connect().await;
    let events = archive::read_events(&source_db.store, 0, i64::MAX)
        .await
        .unwrap();
    assert!(events.len() >= 2);
    let target = TestDatabase::new(Backend::Postgres).await;
    let target_db = target.connect().await;

    let mut broken = events.clone();
    broken.last_mut().unwrap().event.payload = "{ not json".into();
    assert!(archive::write_events(&target_db.store, &broken)
        .await
        .is_err());
    assert_eq!(archive::event_count(&target_db.store).await.unwrap(), 0);

    archive::write_events(&target_db.store, &events)
        .await
        .expect("written the second time");
    assert_eq!(
        archive::event_count(&target_db.store).await.unwrap(),
        events.len() as u64
    );
}

/// A log whose chain does not hold (an event written around Riff) is not
/// backed up into a file that no restore would take: the backup says so,
/// and leaves no file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_whose_chain_breaks_is_not_backed_up() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_product(&guitar("CHAINLESS-1", "Gibson SG"))
        .await;
    let db = app.database.connect().await;
    write_around_riff(&db, "CHAINLESS-1", "CHAINLESS-2").await;
    let path = backup_path();
    let refused = store::backup(&db, &path, |_| {}).await;
    assert!(
        matches!(refused, Err(BackupError::ChainBroken { .. })),
        "{refused:?}"
    );
    assert!(!path.exists(), "no half backup is left");
}
