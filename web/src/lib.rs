//! The `riff` application: configuration, the ledger, the HTTP API and the
//! command line, wired together.
//!
//! # Layout
//!
//! - [`config`]: every setting, from the environment and `.env`.
//! - [`ledger`]: the write side — cqrs-es on PostgreSQL or SQLite, with
//!   conflicting commands retried on fresh state.
//! - [`startup`]: builds the application and runs it until shutdown.
//! - [`http`]: the routes: `/api` (bearer token), `/healthz`.
//! - [`platforms`]: the marketplaces' settings and the adapters they build.
//! - [`auth`]: the API token.
//! - [`cli`]: the `riff` subcommands; [`scan`], [`sim`] and [`demo`]
//!   implement three.

pub mod actions;
pub mod admin;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod drift;
pub mod error;
pub mod export;
pub mod http;
pub mod ledger;
pub mod media;
pub mod metrics;
pub mod platforms;
mod public_net;
mod queries;
pub mod readiness;
mod secret;
pub mod sim;
pub mod startup;
pub mod state;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod throttle;
mod uri;
pub mod webhook_secrets;
