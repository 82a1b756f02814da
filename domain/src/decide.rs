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

/// Writes the `cqrs_es::Aggregate` impl of an aggregate whose rules are a
/// [`Decide`] and whose fold is an inherent `fn fold(&mut self, event)`:
/// the impl is otherwise the same five lines of wiring for every aggregate.
macro_rules! aggregate {
    ($aggregate:ty, $type:literal, $command:ty, $event:ty, $error:ty) => {
        impl cqrs_es::Aggregate for $aggregate {
            const TYPE: &'static str = $type;
            type Command = $command;
            type Event = $event;
            type Error = $error;
            type Services = ();

            async fn handle(
                &mut self,
                command: Self::Command,
                _: &Self::Services,
                sink: &cqrs_es::event_sink::EventSink<Self>,
            ) -> Result<(), Self::Error> {
                $crate::decide::handle(self, command, sink).await
            }

            fn apply(&mut self, event: Self::Event) {
                self.fold(event);
            }
        }
    };
}
pub(crate) use aggregate;

/// Writes the `cqrs_es::DomainEvent` impl of an event enum from the list
/// of its variants: an event's type is its variant's name, as the log
/// stores it, and its version 1.0.0 unless the list gives the variant
/// another (`Variant = "2.0.0"`, with an upcaster in `crate::upcast` for
/// the older payloads).
macro_rules! domain_event {
    ($event:ty { $($variant:ident $(= $version:literal)?),+ $(,)? }) => {
        impl cqrs_es::DomainEvent for $event {
            fn event_type(&self) -> String {
                match self {
                    $(Self::$variant { .. } => stringify!($variant),)+
                }
                .to_owned()
            }

            fn event_version(&self) -> String {
                match self {
                    $(Self::$variant { .. } => $crate::decide::domain_event!(@version $($version)?),)+
                }
                .to_owned()
            }
        }
    };
    (@version) => {
        "1.0.0"
    };
    (@version $version:literal) => {
        $version
    };
}
pub(crate) use domain_event;
