//! The state behind a simulator handle: every clone of a simulator shares
//! one, as every client of a platform sees the same platform.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

#[derive(Debug)]
pub(crate) struct Shared<T>(Arc<Mutex<T>>);

// Derived `Clone` would ask `T: Clone`; a clone here is another handle.
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> Shared<T> {
    pub(crate) fn new(state: T) -> Self {
        Self(Arc::new(Mutex::new(state)))
    }

    /// The lock is held only for in-memory work, never across an await. A
    /// test that panicked while holding it leaves consistent state, so a
    /// poisoned lock is simply taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
