//! Queries both front doors ask: a query string as typed, checked into a
//! view's query, and the answer. The JSON API and the admin pages each
//! take these, so a filter means the same at either door and neither door
//! borrows from the other.

pub(crate) mod audit;
pub(crate) mod inventory;
pub(crate) mod sales;
