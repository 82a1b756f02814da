//! A throw-away PostgreSQL database on the server named by
//! `RIFF_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`): made for one test,
//! dropped when the test says.
//!
//! One file for two crates: riff-tests' harness uses it as a module, and
//! web's crash tests include it by path, since they run the `riff` binary,
//! which only web's own tests can, and so cannot depend on riff-tests.

use sqlx::Connection;

/// A database made on the test server; [`PgDatabase::drop_now`] removes it.
pub struct PgDatabase {
    /// Where to connect to it.
    pub url: String,
    admin_url: String,
    name: String,
}

impl PgDatabase {
    /// A fresh, empty database whose name starts with `prefix`. Fails the
    /// test, loudly, when the server is unreachable: the tests that need
    /// PostgreSQL are never skipped.
    pub async fn create(prefix: &str) -> Self {
        let admin_url = std::env::var("RIFF_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is needed for this test and is not reachable at {admin_url} ({e}). \
                     Start it (pg_ctlcluster --skip-systemctl-redirect 15 main start) or set \
                     RIFF_TEST_POSTGRES_URL."
                )
            });
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        Self {
            url: format!("{base}/{name}"),
            admin_url: admin_url.clone(),
            name,
        }
    }

    /// Drops the database, even from inside a runtime that must not block
    /// (a `Drop` in an async test): a thread with its own runtime does it.
    pub fn drop_now(&self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for cleanup");
            runtime.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}
