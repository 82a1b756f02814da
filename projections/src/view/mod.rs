//! The views. Each file owns one view: its tables (in `migrations/`), how
//! each event changes it, and the queries that read it.
//!
//! Every view is plain SQL that both PostgreSQL and SQLite run unchanged
//! (`$1` placeholders, `on conflict`, no backend-only types): one
//! implementation, two backends.

mod copy;
mod fold;
mod one_at_a_time;

pub use copy::CopyRows;
pub(crate) use fold::loads_rows;

pub mod flags;
pub mod inventory;
pub mod listing_index;
pub mod product_listings;
pub mod sales;
pub mod settings;
pub mod sync_runs;

use std::fmt::Write;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::AnyConnection;

use crate::log::Envelope;

/// A view fed by the projector.
///
/// What a view keeps about one product or listing must follow from that
/// aggregate's own events alone: a replay hands them over aggregate by
/// aggregate rather than in log order (`crate::replay`). Settings, sync-run
/// and delivery events always arrive in log order.
#[async_trait]
pub trait View: Send + Sync {
    /// The checkpoint's key; never change it for an existing view.
    fn name(&self) -> &'static str;

    /// The tables the view owns: what a replay rebuilds.
    fn tables(&self) -> &'static [&'static str];

    /// The aggregate types whose events the view applies (`Product::TYPE`,
    /// …). A replay hands the view only those, and lets its tables complete
    /// as soon as it has read them all, while it reads the rest of the log
    /// for other views.
    fn aggregate_types(&self) -> &'static [&'static str];

    /// Applies a batch of events in log order, inside the caller's
    /// transaction: the one way events reach a view, whether the projector
    /// follows the log (a batch, or one event when a batch failed) or a
    /// replay rebuilds it. In a PostgreSQL replay `copy` is there to take
    /// the rows the batch creates, which the replay then sends with `COPY`;
    /// a view may hand them over instead of inserting them, or ignore it.
    /// A view folds the batch in memory where it can; one that cannot
    /// applies the events one by one.
    async fn apply_batch(
        &self,
        conn: &mut AnyConnection,
        events: &[Envelope],
        copy: Option<&mut CopyRows>,
    ) -> Result<(), sqlx::Error>;
}

/// Implements [`View`] for a view that owns one table, named as the view
/// is, follows one aggregate type and applies a batch with `$apply`, an
/// `async fn(conn, envelopes, copy)` (such as [`fold::fold`]): the names
/// and the signature are then written once for every such view.
macro_rules! batch_view {
    ($view:ty, $name:literal, $aggregate:expr, $apply:expr) => {
        #[async_trait::async_trait]
        impl $crate::view::View for $view {
            fn name(&self) -> &'static str {
                $name
            }

            fn tables(&self) -> &'static [&'static str] {
                &[$name]
            }

            fn aggregate_types(&self) -> &'static [&'static str] {
                &[$aggregate]
            }

            async fn apply_batch(
                &self,
                conn: &mut sqlx::AnyConnection,
                envelopes: &[$crate::log::Envelope],
                copy: Option<&mut $crate::view::CopyRows>,
            ) -> Result<(), sqlx::Error> {
                $apply(conn, envelopes, copy).await
            }
        }
    };
}
use batch_view;

/// Every view Riff keeps.
pub fn all() -> Vec<Arc<dyn View>> {
    vec![
        Arc::new(inventory::Inventory),
        Arc::new(flags::Flags),
        Arc::new(sales::Sales),
        Arc::new(settings::ShopSettings),
        Arc::new(listing_index::ListingIndex),
        Arc::new(sync_runs::SyncRuns),
    ]
}

/// Placeholders for `n` parameters, the first being parameter `first`, in
/// the connection's own style. A multi-row statement binds thousands of
/// parameters, and SQLite (through sqlx) looks each *named* one up in a list
/// — `$1` is a name to SQLite — which makes binding quadratic; plain `?` are
/// anonymous and bound in order. PostgreSQL only knows `$1`.
pub(crate) fn placeholders(conn: &AnyConnection, n: usize, first: usize) -> String {
    let mut sql = String::new();
    push_placeholders(&mut sql, is_sqlite(conn), n, first);
    sql
}

/// `insert into table (columns) values (…), (…)` of `rows` rows, with
/// [`placeholders`], written into one string: a replay's statements have
/// thousands of them.
pub(crate) fn insert_sql(
    conn: &AnyConnection,
    table: &str,
    columns: &[&str],
    rows: usize,
) -> String {
    let sqlite = is_sqlite(conn);
    let mut sql = format!("insert into {table} ({}) values ", columns.join(", "));
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        push_placeholders(&mut sql, sqlite, columns.len(), row * columns.len() + 1);
        sql.push(')');
    }
    sql
}

fn is_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("sqlite")
}

fn push_placeholders(sql: &mut String, sqlite: bool, n: usize, first: usize) {
    for i in first..first + n {
        if i > first {
            sql.push_str(", ");
        }
        if sqlite {
            sql.push('?');
        } else {
            let _ = write!(sql, "${i}");
        }
    }
}

/// Timestamps are stored as RFC 3339 text in UTC with a fixed number of
/// digits, so that ordering the text orders the times on both backends.
/// (Not `format("%Y-…")`, which parses its pattern anew for every one of a
/// replay's million timestamps.)
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn timestamps_order_as_text_as_they_do_in_time() {
        let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(timestamp(at), "2026-01-02T03:04:05.000000Z");
        let later = at + chrono::Duration::microseconds(1_500_001);
        assert_eq!(timestamp(later), "2026-01-02T03:04:06.500001Z");
        assert!(timestamp(at) < timestamp(later));
    }
}
