//! The `riff` command line.

use clap::{Parser, Subcommand};

use crate::config::Config;

/// Riff: one inventory for a music-gear shop, kept in step on eBay, Reverb,
/// Vintage & Rare and Shopify.
///
/// Settings come from the environment (and a .env file in the working
/// directory); each also has a flag. See README.md for every variable.
#[derive(Debug, Parser)]
#[command(name = "riff", version)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API on RIFF_BIND, applying pending database migrations
    /// first. Stops cleanly on Ctrl-C or SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}
