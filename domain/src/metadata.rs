//! Who and what caused an event. Stored beside every event (cqrs-es keeps it
//! as a string map), shown in the audit history.

use std::collections::HashMap;
use std::str::FromStr;

use crate::named::named;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The way a change entered Riff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Web,
    Api,
    Webhook,
    Reconcile,
    Import,
    Cli,
}

named!(Source {
    Web => "web",
    Api => "api",
    Webhook => "webhook",
    Reconcile => "reconcile",
    Import => "import",
    Cli => "cli",
});

impl FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::named(s).ok_or_else(|| format!("unknown source {s:?}"))
    }
}

/// The context of one command: every event it appends carries this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// A user name, or `system` for Riff's own workers.
    pub actor: String,
    pub source: Source,
    /// The request, webhook delivery or sync run this belongs to; every event
    /// one request causes shares it.
    pub correlation_id: Uuid,
    /// The event that led to this one (`aggregate_type/aggregate_id/sequence`),
    /// when a saga acted on it.
    pub causation_id: Option<String>,
}

impl EventMetadata {
    /// The actor name for Riff's own workers.
    pub const SYSTEM: &'static str = "system";

    /// Metadata for a new request.
    pub fn new(actor: impl Into<String>, source: Source) -> Self {
        Self {
            actor: actor.into(),
            source,
            correlation_id: Uuid::new_v4(),
            causation_id: None,
        }
    }

    /// The string map cqrs-es stores.
    pub fn to_map(&self) -> HashMap<String, String> {
        let mut map = HashMap::from([
            ("actor".to_owned(), self.actor.clone()),
            ("source".to_owned(), self.source.as_str().to_owned()),
            ("correlation_id".to_owned(), self.correlation_id.to_string()),
        ]);
        if let Some(cause) = &self.causation_id {
            map.insert("causation_id".to_owned(), cause.clone());
        }
        map
    }

    /// Reads the map back.
    ///
    /// # Errors
    /// A missing or malformed `actor`, `source` or `correlation_id`.
    pub fn from_map(map: &HashMap<String, String>) -> Result<Self, String> {
        let get = |k: &str| map.get(k).ok_or_else(|| format!("metadata lacks {k:?}"));
        Ok(Self {
            actor: get("actor")?.clone(),
            source: get("source")?.parse()?,
            correlation_id: get("correlation_id")?
                .parse()
                .map_err(|e| format!("correlation_id: {e}"))?,
            causation_id: map.get("causation_id").cloned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_survives_the_string_map() {
        let mut meta = EventMetadata::new("ana", Source::Api);
        meta.causation_id = Some("listing/abc/3".into());
        assert_eq!(EventMetadata::from_map(&meta.to_map()).unwrap(), meta);
    }

    #[test]
    fn metadata_without_a_source_is_refused() {
        let mut map = EventMetadata::new("ana", Source::Cli).to_map();
        map.remove("source");
        assert!(EventMetadata::from_map(&map).is_err());
    }
}
