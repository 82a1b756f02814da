//! Errors of the read side.

/// What went wrong reading the log or writing a view.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("the database did not answer as expected: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// An event in the log that this version of Riff cannot read. Views stop
    /// here rather than skip it: a skipped event would make every report
    /// silently wrong. Upgrade Riff, or add an upcaster for the event.
    #[error("event at position {position} ({event_type} {event_version}) cannot be read: {message}; this Riff may be older than the data — upgrade it")]
    Undecodable {
        position: i64,
        event_type: String,
        event_version: String,
        message: String,
    },
    /// Events of an aggregate type this Riff does not know: a replay reads
    /// the types it knows, and stops rather than build views without the
    /// others.
    #[error("the log holds events of aggregate types this Riff does not know ({}), so no view was rebuilt; this Riff may be older than the data — upgrade it", types.join(", "))]
    UnknownAggregateType { types: Vec<String> },
    #[error("DATABASE_URL {0:?} is neither postgres://… nor sqlite://…")]
    UnknownBackend(String),
}
