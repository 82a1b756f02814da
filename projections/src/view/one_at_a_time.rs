//! Views whose rows follow the events one by one: each event is a
//! statement or two on rows the batch does not fold (a flag raised, a
//! setting changed, a sync run's report), so folding a batch in memory
//! would save nothing. Such a view says what it is and how one event
//! changes it; the batch is the loop written here once.

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::{CopyRows, View};
use crate::log::Envelope;

/// A view that applies a batch one event at a time, in log order.
#[async_trait]
pub(crate) trait OneAtATime: Send + Sync {
    /// [`View::name`].
    const NAME: &'static str;
    /// [`View::tables`].
    const TABLES: &'static [&'static str];
    /// [`View::aggregate_types`].
    const AGGREGATE_TYPES: &'static [&'static str];

    /// How one event changes the view, inside the caller's transaction.
    async fn apply_one(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error>;
}

#[async_trait]
impl<V: OneAtATime> View for V {
    fn name(&self) -> &'static str {
        V::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        V::TABLES
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        V::AGGREGATE_TYPES
    }

    /// Applies the events one by one; the rows a replay creates are
    /// inserted like any others, never handed to `COPY`.
    async fn apply_batch(
        &self,
        conn: &mut AnyConnection,
        envelopes: &[Envelope],
        _copy: Option<&mut CopyRows>,
    ) -> Result<(), sqlx::Error> {
        for envelope in envelopes {
            self.apply_one(conn, envelope).await?;
        }
        Ok(())
    }
}
