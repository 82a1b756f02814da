//! The typed pool behind the event store, and running one statement on
//! whichever it is. Below both [`crate::db`], which opens it, and
//! [`crate::log`], which reads through it.

use sqlx::{PgPool, SqlitePool};

/// Runs one sqlx expression on whichever typed pool `$store` holds, for the
/// statements that read the same on both backends (the pools' types
/// differ, the SQL does not).
macro_rules! on_store {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            $crate::pool::StorePool::Postgres($pool) => $body,
            $crate::pool::StorePool::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use on_store;

/// The typed pool behind the event store.
#[derive(Debug, Clone)]
pub enum StorePool {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}
