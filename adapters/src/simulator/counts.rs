//! What a simulator counts of the requests that may change it, so that a
//! test can tell a write that was sent twice from one that was sent once.
//! Every such request counts, refused and faulted ones included: what
//! matters is what the client sent, not what the platform made of it.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub(crate) struct WriteCounts {
    /// Requests that may change the platform.
    writes: u32,
    /// Requests that end a listing, per the listing's id as the request
    /// names it.
    ends: HashMap<String, u32>,
}

impl WriteCounts {
    pub(crate) fn count_write(&mut self) {
        self.writes += 1;
    }

    pub(crate) fn count_end(&mut self, id: &str) {
        *self.ends.entry(id.to_owned()).or_default() += 1;
    }

    pub(crate) fn writes(&self) -> u32 {
        self.writes
    }

    /// Requests that ended the listing `id`: more than one means it was
    /// ended twice.
    pub(crate) fn ends(&self, id: &str) -> u32 {
        self.ends.get(id).copied().unwrap_or(0)
    }
}
