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
    /// A SQLite replay reads each aggregate's events joined by U+001E and
    /// U+001F (`log::aggregate_rows`), characters no event Riff writes
    /// holds: an event holding one was written by something else, and is
    /// not JSON.
    #[error("the events of {aggregate_type} {aggregate_id} cannot be replayed: one of them holds a control character (U+001E or U+001F), which is not valid JSON and which Riff never writes, so something else wrote it; no view was rebuilt — look at that {aggregate_type}'s history in the audit log")]
    ControlCharacter {
        aggregate_type: String,
        aggregate_id: String,
    },
    #[error("DATABASE_URL {0:?} is neither postgres://… nor sqlite://…")]
    UnknownBackend(String),
}
