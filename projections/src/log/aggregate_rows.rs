//! A SQLite replay reads a grouped part of the log one row per aggregate:
//! its id, and its events joined into one text ([`SQL`]).
//!
//! sqlx's SQLite driver steps a query on a thread of its own and hands the
//! reading task every row through a channel, each value copied out of
//! SQLite by `malloc` on that thread and freed by the reader on another.
//! Read an event a row, nine values each, the two threads spent more time
//! waking each other and waiting on the allocator's lock than SQLite spent
//! reading (BENCHMARKS.md). Joined, there are as many rows as aggregates,
//! each of two values.
//!
//! The separators, U+001E between events and U+001F between an event's
//! values, are control characters: JSON text cannot hold them (a string
//! must escape them), nor can the positions, sequences, names, versions
//! and times Riff writes. An event holding one anyway splits into the
//! wrong number of values or of events (SQLite counts them too), and the
//! replay stops with [`ProjectionError::ControlCharacter`] rather than
//! hand values to the wrong events.
//!
//! A whole history is one string, which SQLite caps at a billion bytes: a
//! replay holds the longest history at once, and one of more than about a
//! million events would stop it with SQLite's "string or blob too big".
//!
//! SQL leaves the order `group_concat` joins in unspecified. SQLite joins
//! in the order it reads, the primary key's, so by sequence; the events
//! are sorted by sequence here anyway, which costs nothing when they
//! already are. (Asked for with `order by` inside `group_concat`, the
//! order made SQLite sort every aggregate: a fifth of the replay.)

use chrono::{DateTime, Utc};
use cqrs_es::persist::EventUpcaster;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{Envelope, RawEvent};
use crate::ProjectionError;

/// What separates an aggregate's events in its row.
const EVENTS: char = '\u{1e}';

/// What separates one event's values.
const VALUES: char = '\u{1f}';

/// The events of one aggregate type at or below `$1`, the type bound as
/// `$2`: one row per aggregate, its id, how many events it has, and its
/// events, each event its
/// [`RawEvent`] values joined by [`VALUES`], the events joined by
/// [`EVENTS`], in the primary key's order. (One joined column rather than
/// one per value: every value SQLite hands over is an allocation, and
/// seven per aggregate cost more than the concatenation.)
pub(super) const SQL: &str = "select aggregate_id, count(*), group_concat(\
     position || char(31) || sequence || char(31) || event_type || char(31) || \
     event_version || char(31) || recorded_at || char(31) || metadata || char(31) || payload, \
     char(30)) \
     from events where position <= $1 and aggregate_type = $2 \
     group by aggregate_id order by aggregate_id";

/// The events of one row of [`SQL`], decoded, in sequence order.
pub(super) fn decode(
    row: &SqliteRow,
    aggregate_type: &str,
    upcasters: &[Box<dyn EventUpcaster>],
) -> Result<Vec<Envelope>, ProjectionError> {
    let aggregate_id = row.try_get_unchecked(0)?;
    let count: i64 = row.try_get_unchecked(1)?;
    let events = split(aggregate_type, aggregate_id, row.try_get_unchecked(2)?)?;
    if usize::try_from(count).ok() != Some(events.len()) {
        return Err(unsplittable(aggregate_type, aggregate_id));
    }
    events.iter().map(|event| event.decode(upcasters)).collect()
}

fn unsplittable(aggregate_type: &str, aggregate_id: &str) -> ProjectionError {
    ProjectionError::ControlCharacter {
        aggregate_type: aggregate_type.to_owned(),
        aggregate_id: aggregate_id.to_owned(),
    }
}

/// The events of one aggregate from its joined column, in sequence order,
/// their texts borrowed from the column.
fn split<'r>(
    aggregate_type: &'r str,
    aggregate_id: &'r str,
    joined: &'r str,
) -> Result<Vec<RawEvent<'r>>, ProjectionError> {
    let unsplittable = || unsplittable(aggregate_type, aggregate_id);
    let mut events = vec![];
    for event in joined.split(EVENTS) {
        let mut values = event.split(VALUES);
        let mut next = || values.next().ok_or_else(unsplittable);
        let [position, sequence, event_type, event_version, recorded_at, metadata, payload] = [
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
            next()?,
        ];
        if values.next().is_some() {
            return Err(unsplittable());
        }
        let position = position.parse().map_err(|_| unsplittable())?;
        // As the row-per-event read reports a time it cannot decode.
        let recorded_at = DateTime::parse_from_rfc3339(recorded_at)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        events.push(RawEvent {
            position,
            aggregate_type,
            aggregate_id,
            sequence: sequence.parse().map_err(|_| unsplittable())?,
            event_type,
            event_version,
            payload,
            metadata,
            recorded_at: recorded_at.with_timezone(&Utc),
        });
    }
    events.sort_by_key(|event| event.sequence);
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One event's values as [`SQL`] joins them.
    fn event(position: &str, sequence: &str, event_type: &str, payload: &str) -> String {
        [
            position,
            sequence,
            event_type,
            "1.0",
            "2026-01-02T03:04:05Z",
            "{}",
            payload,
        ]
        .join(&VALUES.to_string())
    }

    fn joined(events: &[String]) -> String {
        events.join(&EVENTS.to_string())
    }

    #[test]
    fn an_aggregates_row_splits_into_its_events_in_sequence_order() {
        let row = joined(&[
            event("40", "2", "PriceChanged", r#"{"b":2}"#),
            event("7", "1", "ProductCreated", r#"{"a":1}"#),
        ]);
        let events = split("product", "GIB-1", &row).unwrap();
        let read: Vec<(i64, i64, &str, &str, &str)> = events
            .iter()
            .map(|e| {
                (
                    e.position,
                    e.sequence,
                    e.event_type,
                    e.event_version,
                    e.payload,
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (7, 1, "ProductCreated", "1.0", r#"{"a":1}"#),
                (40, 2, "PriceChanged", "1.0", r#"{"b":2}"#)
            ]
        );
        assert!(events
            .iter()
            .all(|e| e.aggregate_id == "GIB-1" && e.metadata == "{}"));
        assert_eq!(
            events[0].recorded_at.to_rfc3339(),
            "2026-01-02T03:04:05+00:00"
        );
    }

    /// A payload holding a separator (not JSON, so not Riff's) must stop
    /// the read, not shift its values onto the wrong event.
    #[test]
    fn a_value_holding_a_separator_stops_the_read_naming_its_aggregate() {
        for separator in [EVENTS, VALUES] {
            let row = joined(&[
                event("3", "1", "ListingRequested", "{}"),
                event(
                    "5",
                    "2",
                    "Listed",
                    &format!(r#"{{"title":"a{separator}b"}}"#),
                ),
            ]);
            let failed = split("listing", "L-9", &row).unwrap_err();
            assert!(
                matches!(&failed, ProjectionError::ControlCharacter { aggregate_id, .. } if aggregate_id == "L-9"),
                "{failed}"
            );
            assert!(failed.to_string().contains("control character"), "{failed}");
        }
    }
}
