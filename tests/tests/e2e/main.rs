//! End-to-end tests over a real socket, each on PostgreSQL and on SQLite.
//! One test binary, so one link step.

// The test bodies are plain async functions that the `on_both_backends!`
// macro turns into tests, so clippy cannot see they are tests.
#![allow(clippy::unwrap_used)]

mod admin;
mod admin_products;
mod auth;
mod category_map;
mod events;
mod fuzz;
mod hardening;
mod inventory;
mod ledger;
mod marketplaces;
mod openapi;
mod price_rules;
mod products;
mod properties;
mod replay;
mod reports;
mod revisions;
mod store;
mod sync;
mod upgrade;
