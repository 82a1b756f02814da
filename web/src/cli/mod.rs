//! The `riff` command line: its arguments (clap), and [`run`], which hands
//! each subcommand to its own file here. The subcommands are the binary's
//! edge: their errors are `anyhow`, said to the shell.

use std::path::PathBuf;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser};
use riff_projections::Db;

mod demo;
mod export;
mod replay;
pub mod scan;
mod serve;
mod sim;
mod store;
pub mod sync;
mod user;
mod verify;

use crate::config::Config;
use crate::telemetry::{parse_log_format, LogFormat};

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

    /// How log lines are written to standard error: `text`, or `json` (one
    /// object per line, for log collectors).
    #[arg(long, env = "RIFF_LOG_FORMAT", default_value = "text", value_parser = parse_log_format, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Subcommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum Subcommand {
    /// Serve the HTTP API on RIFF_BIND, applying pending database migrations
    /// first. Stops cleanly on Ctrl-C or SIGTERM.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Rebuild views from the event log, from position zero. Safe while
    /// `riff serve` runs: readers see the old view until the new one is
    /// complete. Never calls a marketplace.
    Replay {
        /// A view to rebuild (repeatable): inventory, flags, sales,
        /// settings, listing_index, sync_runs. (The audit is
        /// the log itself: nothing to rebuild.)
        /// Default: all.
        #[arg(long = "view")]
        views: Vec<String>,
    },
    /// Check that no event in the log has changed since it was appended, by
    /// walking the log's hash chain. Exits 0 printing how many events there
    /// are and the head hash (keep it somewhere else: a later run that
    /// passes proves nothing before it changed), or 1 naming the first
    /// position where the chain breaks.
    Verify {
        /// One JSON object: {"events", "head", "ok", "first_bad_position",
        /// "problem", "kept_head_position"}.
        #[arg(long)]
        json: bool,
        /// A head hash an earlier `riff verify` printed: the log passes only
        /// if it is still one of its links, proving nothing up to there
        /// has changed.
        #[arg(long, value_name = "HEAD")]
        expect: Option<String>,
    },
    /// Move the shop to another database.
    #[command(subcommand)]
    Store(Store),
    /// Write the log and the tables no replay rebuilds (people, Riff's
    /// settings and counters; secrets only as digests) to one gzip'd JSON
    /// Lines file, while the shop keeps serving.
    Backup {
        /// The file to write (replaced only once the backup is complete).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Restore a backup into an empty database: the file is checked whole
    /// first (a damaged or truncated one changes nothing), then written,
    /// its event count and head hash compared, and the views rebuilt.
    Restore {
        /// A file `riff backup` wrote.
        file: PathBuf,
        /// The database to restore into: postgres://… or sqlite://….
        #[arg(long, value_name = "DATABASE_URL")]
        to: String,
    },
    /// Reconcile every configured marketplace (or one), then carry out
    /// everything that caused — imports, ends, updates — and print a
    /// summary. Exits 0 when every platform synced, 2 when some did not
    /// (the others are still synced).
    Sync {
        /// Only this platform: ebay, reverb, shopify or vr.
        #[arg(long)]
        platform: Option<riff_domain::value::Platform>,
        /// One JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Try Riff with no setup: a seeded shop, simulated marketplaces and
    /// buyers.
    ///
    /// A music-gear shop of some fifty items in a fresh SQLite database, the
    /// four marketplaces simulated in-process with the shop listed on them,
    /// a first sync, and simulated buyers who buy a random live item every
    /// --sale-every seconds so that you can watch the sale end the other
    /// listings. Prints the URL and the API token; Ctrl-C or SIGTERM stops
    /// it.
    Demo {
        /// Keep the shop in this SQLite file, which must not exist yet
        /// (default: a temporary one, deleted on exit).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// Where to listen (default: 127.0.0.1:8000, or a free port when
        /// that is taken). Port 0 picks a free port; the URL printed has it.
        #[arg(long, value_name = "ADDR")]
        bind: Option<std::net::SocketAddr>,
        /// Seconds between simulated sales.
        #[arg(long, value_name = "SECS", default_value_t = 45, value_parser = clap::value_parser!(u64).range(1..))]
        sale_every: u64,
    },
    /// Export data.
    #[command(subcommand)]
    Export(Export),
    /// People who may log in to the admin pages.
    #[command(subcommand)]
    User(User),
    /// Run simulated marketplaces (eBay, Reverb, Shopify and V&R) on one port, and
    /// print the settings that point Riff at them. Stops on Ctrl-C.
    Sim {
        /// Where the simulators listen.
        #[arg(long, default_value = "127.0.0.1:8100")]
        bind: std::net::SocketAddr,
        /// A JSON file of listings to start with:
        /// {"ebay": [{"sku"?, "title", "price", "quantity"?}], "reverb": [...],
        /// "shopify": [...]};
        /// a listing without a SKU is one made by hand on the platform.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Answer each call after about the platform's typical time (eBay
        /// 500 ms, Reverb 300 ms, Shopify 200 ms, V&R 1 s), as the real
        /// platforms do, instead of at once.
        #[arg(long)]
        latency: bool,
    },
    /// Look at a marketplace as Riff sees it.
    #[command(subcommand)]
    Platforms(Platforms),
}

#[derive(Debug, clap::Subcommand)]
pub enum Platforms {
    /// Read every live listing and recent sale a platform reports (all
    /// pages) and print them. Also how to check a new token: a refused one
    /// exits non-zero saying what to fix.
    Scan {
        /// ebay, reverb, shopify or vr.
        platform: riff_domain::value::Platform,
        /// One JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// How many days of sales to read.
        #[arg(long, default_value_t = 30)]
        sales_days: u32,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum Store {
    /// Copy the whole shop at DATABASE_URL into an empty database (SQLite to
    /// PostgreSQL, or back): every event with its position, time and
    /// link, and the tables no replay rebuilds; then rebuild the views
    /// there and compare both logs. Run it again after an interruption to
    /// go on where it stopped.
    Copy {
        /// The database to copy into: postgres://… or sqlite://….
        #[arg(long, value_name = "DATABASE_URL")]
        to: String,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum User {
    /// Add a user. Asks for the password twice (or reads one line from
    /// standard input when it is not a terminal, for scripts).
    Add {
        /// Letters, digits, '.', '-' or '_'.
        name: String,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum Export {
    /// The inventory as CSV (what GET /api/export.csv gives), filtered like
    /// the inventory list.
    Csv(CsvExport),
}

#[derive(Debug, Args)]
pub struct CsvExport {
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Free text: matches SKU, title, brand and model.
    #[arg(long)]
    pub q: Option<String>,
    #[arg(long)]
    pub brand: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub condition: Option<String>,
    /// active, sold or archived.
    #[arg(long)]
    pub status: Option<String>,
    /// A column to sort by (sku, title, price, created_at, …).
    #[arg(long)]
    pub sort: Option<String>,
    /// asc or desc.
    #[arg(long)]
    pub order: Option<String>,
}

/// Runs the subcommand; its exit code for the shell: 0, or the failure a
/// subcommand documents (`riff sync` 2 when a platform did not sync,
/// `riff verify` 1 when the chain breaks).
///
/// # Errors
/// What stopped the subcommand, in words that say what to do.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = &cli.config.database_url;
    match cli.command {
        Subcommand::Serve => serve::run(&cli.config).await?,
        Subcommand::Migrate => {
            let db = open(url).await?;
            println!("The {} database is up to date.", db.backend().as_str());
        }
        Subcommand::Sync { platform, json } => {
            if let sync::Outcome::SomeFailed = sync::run(&cli.config, platform, json).await? {
                return Ok(ExitCode::from(2));
            }
        }
        Subcommand::Replay { views } => replay::run(url, &views).await?,
        Subcommand::Verify { json, expect } => {
            if !verify::run(url, json, expect.as_deref()).await? {
                return Ok(ExitCode::from(1));
            }
        }
        Subcommand::Store(Store::Copy { to }) => store::copy(url, &to).await?,
        Subcommand::Backup { out } => store::backup(url, &out).await?,
        Subcommand::Restore { file, to } => store::restore(&file, &to).await?,
        Subcommand::User(User::Add { name }) => user::add(url, &name).await?,
        Subcommand::Export(Export::Csv(export)) => export::run(url, export).await?,
        Subcommand::Demo {
            db,
            bind,
            sale_every,
        } => demo::run(db, bind, sale_every, &cli.config).await?,
        Subcommand::Sim {
            bind,
            seed,
            latency,
        } => sim::run(bind, seed.as_deref(), latency).await?,
        Subcommand::Platforms(Platforms::Scan {
            platform,
            json,
            sales_days,
        }) => scan::run(&cli.config.marketplaces(), platform, json, sales_days).await?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The database at `database_url`, brought to the current schema.
async fn open(database_url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(database_url)
        .await
        .context("cannot open the database at DATABASE_URL")?;
    db.migrate().await.context("migrations failed")?;
    Ok(db)
}

/// A progress bar counting events, drawn on standard error and only when
/// that is a terminal.
fn events_bar() -> anyhow::Result<indicatif::ProgressBar> {
    let style = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} events  {per_sec}  ETA {eta}",
    )
    .context("the progress bar template")?;
    Ok(indicatif::ProgressBar::new(0).with_style(style))
}
