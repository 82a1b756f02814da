//! The one `handle` every aggregate shares.
//!
//! An aggregate's rules are a pure [`Decide::decide`]: from its state and a
//! command, the events to record, or why not. cqrs-es's `handle` then only
//! writes them; the sink applies each to the aggregate as it goes, so a
//! decision that yields several events leaves the state they build. The
//! given/when/then tests drive `handle` through cqrs-es's test framework.

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

/// An aggregate whose `handle` is [`handle`].
pub trait Decide: Aggregate {
    /// The events `command` records on this state, or why it is refused.
    ///
    /// # Errors
    /// The aggregate's refusal, in the owner's words.
    fn decide(&self, command: Self::Command) -> Result<Vec<Self::Event>, Self::Error>;
}

/// Writes what `aggregate` decides for `command`.
///
/// # Errors
/// The aggregate's refusal; nothing is written then.
pub async fn handle<A: Decide>(
    aggregate: &mut A,
    command: A::Command,
    sink: &EventSink<A>,
) -> Result<(), A::Error> {
    for event in aggregate.decide(command)? {
        sink.write(event, aggregate).await;
    }
    Ok(())
}
