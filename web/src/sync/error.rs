//! Why the sync engine could not go on.

use riff_projections::ProjectionError;

/// Why the engine could not go on. Marketplace failures are not here: they
/// are outcomes, recorded in the log and in the run's report.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Database(#[from] ProjectionError),
    #[error("the event store failed: {0}")]
    Store(String),
    /// What the owner asked for cannot be done; the message says why.
    #[error("{0}")]
    Refused(String),
}

impl<E: std::error::Error> From<crate::ledger::LedgerError<E>> for SyncError {
    fn from(error: crate::ledger::LedgerError<E>) -> Self {
        Self::Store(error.to_string())
    }
}
