//! Counts for the inventory list — how many products match a filter, and
//! the options of each filter dropdown — kept until the views move.
//!
//! A page of products is read straight from an index in well under a
//! millisecond; counting the products that match visits every one of them.
//! At 50,000 products that is tens of milliseconds a request, and several
//! clients at once queue behind each other. Counts only change when the
//! inventory or the listings view applies an event, and every view records
//! the position it has applied up to, so a count is cached together with
//! those positions and served until they change. One small read of the
//! checkpoints per request keeps it exact: there is no expiry to tune and
//! no moment when a stale count is shown.

use std::collections::HashMap;
use std::sync::Mutex;

use riff_domain::settings::{DropdownField, DropdownOrder};

use crate::view::inventory::{self, FacetValue, InventoryQuery};
use crate::{Db, ProjectionError};

/// The views the counts are read from.
const VIEWS: [&str; 2] = ["inventory", "listing_index"];

/// Filters remembered at once; a shop browses a handful at a time, and a
/// client sending endless distinct filters must not grow memory unbounded.
const MAX_TOTALS: usize = 512;

/// Where the counted views stood, by their checkpoints.
type Positions = Vec<i64>;

/// Shared by every request of one process; cheap to consult.
#[derive(Debug, Default)]
pub struct CountCache {
    state: Mutex<Cached>,
}

#[derive(Debug, Default)]
struct Cached {
    at: Positions,
    totals: HashMap<String, i64>,
    facets: Option<Vec<(DropdownField, Vec<FacetValue>)>>,
}

impl CountCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many products match `query`'s filters.
    ///
    /// # Errors
    /// The database could not be read.
    pub async fn total(&self, db: &Db, query: &InventoryQuery) -> Result<i64, ProjectionError> {
        let at = positions(db).await?;
        let key = filter_key(query);
        if let Some(total) = self.fresh(&at, |c| c.totals.get(&key).copied()) {
            return Ok(total);
        }
        let total = inventory::count(db, query).await?;
        self.store(at, |c| {
            if c.totals.len() >= MAX_TOTALS {
                c.totals.clear();
            }
            c.totals.insert(key, total);
        });
        Ok(total)
    }

    /// Each dropdown's options with their counts, in the order asked for.
    ///
    /// # Errors
    /// The database could not be read.
    pub async fn facets(
        &self,
        db: &Db,
        orders: &[(DropdownField, DropdownOrder)],
    ) -> Result<Vec<(DropdownField, Vec<FacetValue>)>, ProjectionError> {
        let at = positions(db).await?;
        let facets = match self.fresh(&at, |c| c.facets.clone()) {
            Some(facets) => facets,
            None => {
                let facets = inventory::facets(db).await?;
                self.store(at, |c| c.facets = Some(facets.clone()));
                facets
            }
        };
        Ok(inventory::order_facets(&facets, orders))
    }

    /// What is cached, if it was counted at the positions the views are at.
    fn fresh<T>(&self, at: &Positions, read: impl FnOnce(&Cached) -> Option<T>) -> Option<T> {
        let cached = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if cached.at == *at {
            read(&cached)
        } else {
            None
        }
    }

    /// Keeps a count made at `at`. Checkpoints only move forward, so a
    /// count made at later positions replaces everything cached, and one
    /// made at earlier positions (a request that raced a write) is dropped.
    fn store(&self, at: Positions, write: impl FnOnce(&mut Cached)) {
        let mut cached = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if cached.at < at {
            *cached = Cached {
                at,
                ..Cached::default()
            };
            write(&mut cached);
        } else if cached.at == at {
            write(&mut cached);
        }
    }
}

/// The counted views' checkpoints, in one read.
async fn positions(db: &Db) -> Result<Positions, ProjectionError> {
    let sql = format!(
        "select position from projection_checkpoints where view in ('{}', '{}') order by view",
        VIEWS[0], VIEWS[1]
    );
    Ok(sqlx::query_scalar(&sql).fetch_all(&db.views).await?)
}

/// What identifies a query's count: its filters, not its order or page.
fn filter_key(query: &InventoryQuery) -> String {
    let InventoryQuery {
        q,
        brand,
        category,
        condition,
        status,
        listed_on,
        not_listed_on,
        min_price_minor,
        max_price_minor,
        sort: _,
        descending: _,
        page: _,
        per_page: _,
    } = query;
    format!(
        "{q:?}|{brand:?}|{category:?}|{condition:?}|{status:?}|{listed_on:?}|\
         {not_listed_on:?}|{min_price_minor:?}|{max_price_minor:?}"
    )
}
