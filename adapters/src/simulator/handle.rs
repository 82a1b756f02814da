//! The methods every simulator's handle has alike, written once so that
//! the simulators cannot drift apart. Each simulator is a handle over a
//! [`super::Shared`] `inner` whose state has the fields a macro names; the
//! platform's own words on what counts are on those fields.

/// The handle, given its doc: every clone is the same platform. With it,
/// the lock on its state, and fault injection over the state's `faults` (a
/// [`super::Faults`]). The simulator's module names its `Inner` state and
/// its `FaultPlan`.
macro_rules! handle {
    ($(#[$doc:meta])* $simulator:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $simulator {
            inner: $crate::simulator::Shared<Inner>,
        }

        impl $simulator {
            fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
                self.inner.lock()
            }

            /// Starts (or, with `None`, stops) injecting faults. The count of
            /// requests restarts, so "every third" means the third from now.
            pub fn set_faults(&self, plan: Option<FaultPlan>) {
                self.lock().faults.set_plan(plan);
            }

            /// Requests received since start or the last `set_faults`.
            pub fn requests(&self) -> u32 {
                self.lock().faults.requests()
            }
        }
    };
}
pub(crate) use handle;

/// What a marketplace's simulator tells of the writes it was sent, over its
/// state's `writes` (a [`super::WriteCounts`]) and its listings, the map
/// `state.$listings` of things with a `sku`.
macro_rules! write_counts {
    ($simulator:ident, $listings:ident) => {
        impl $simulator {
            /// The requests that may change the platform received since
            /// start, refused and faulted ones included.
            pub fn write_requests(&self) -> u32 {
                self.lock().writes.writes()
            }

            /// The requests ending the listing `id` (as the client names it)
            /// received since start, refused and faulted ones included: more
            /// than one means it was ended twice.
            pub fn end_requests(&self, id: &str) -> u32 {
                self.lock().writes.ends(id)
            }

            /// Listings with this SKU, whatever their status: more than one
            /// means something was published twice.
            pub fn listings_with_sku(&self, sku: &str) -> usize {
                self.lock()
                    .state
                    .$listings
                    .values()
                    .filter(|l| l.sku.as_deref() == Some(sku))
                    .count()
            }
        }
    };
}
pub(crate) use write_counts;

/// A marketplace simulator's listings as a test reads them, from its
/// state's map `state.$listings` of `$listing` by numeric id: `listing`,
/// by the id the client was given, and `listings`, every one ever made
/// (ended ones too), oldest first.
macro_rules! listed {
    ($simulator:ident, $listings:ident: $listing:ty) => {
        impl $simulator {
            pub fn listing(&self, id: &str) -> Option<$listing> {
                let id: u64 = id.parse().ok()?;
                self.lock().state.$listings.get(&id).cloned()
            }

            /// Every listing ever made, ended ones too, oldest first.
            pub fn listings(&self) -> Vec<$listing> {
                self.lock().state.$listings.values().cloned().collect()
            }
        }
    };
}
pub(crate) use listed;

/// A buyer, for a simulator that sells by units and pushes a webhook of each
/// sale: over its `record_sale` and its state's `webhook`.
macro_rules! buyer {
    ($simulator:ident) => {
        impl $simulator {
            /// A buyer buys one unit now: the order's reference, or `None`
            /// when the listing cannot be bought (unknown, ended, sold out).
            /// The last unit sells the listing out.
            pub fn buy(&self, id: &str) -> Option<String> {
                self.record_sale(id, 1, chrono::Utc::now()).ok()
            }

            /// From now on, every sale is pushed to `target` as the platform
            /// pushes it.
            pub fn set_webhook(&self, target: WebhookTarget) {
                self.lock().webhook = Some(target);
            }
        }
    };
}
pub(crate) use buyer;
