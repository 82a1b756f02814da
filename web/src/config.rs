//! Configuration. Every setting comes from the environment (a `.env` file in
//! the working directory is read first when present) or the matching flag,
//! and has a default that works out of the box with the embedded store.

use std::net::SocketAddr;

pub use riff_adapters::Secret;
use riff_domain::policy::PlatformPriority;
use riff_domain::value::Currency;

/// Settings of `riff serve` and `riff migrate`.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Where the ledger lives: postgres://user@host/db or sqlite://FILE.
    /// The SQLite file is created on first run.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://riff.db",
        global = true
    )]
    pub database_url: String,

    /// The address the HTTP server listens on. (Give the flag before the
    /// subcommand: `riff --bind … serve`; `riff sim` has its own `--bind`.)
    #[arg(long, env = "RIFF_BIND", default_value = "127.0.0.1:8000", value_parser = parse_bind)]
    pub bind: SocketAddr,

    /// The bearer token for /api. When unset, Riff generates one on first
    /// run, prints it once and keeps its digest in the database.
    #[arg(long, env = "RIFF_API_TOKEN", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub api_token: Option<Secret>,

    /// The password of the `admin` user created on first start when there
    /// is no user yet; generated and printed once when unset.
    #[arg(long, env = "RIFF_ADMIN_PASSWORD", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub admin_password: Option<Secret>,

    /// The shop's currency: prices without one are in it.
    #[arg(long, env = "RIFF_CURRENCY", default_value = "GBP", value_parser = parse_currency, global = true)]
    pub currency: Currency,

    /// Whose sale wins an exact tie, and whose details win when one item is
    /// found on several platforms; highest first.
    #[arg(long, env = "RIFF_PLATFORM_PRIORITY", default_value = "shopify,reverb,vr,ebay", value_parser = parse_priority, global = true)]
    pub platform_priority: PlatformPriority,

    /// When reconciles run by themselves: local times of day, HH:MM,
    /// comma-separated; empty for never.
    #[arg(
        long,
        env = "RIFF_SYNC_TIMES",
        default_value = "06:00,18:00",
        global = true
    )]
    pub sync_times: String,

    /// The shop's time zone (an IANA name), for RIFF_SYNC_TIMES.
    #[arg(
        long,
        env = "RIFF_TIMEZONE",
        default_value = "Europe/London",
        global = true
    )]
    pub timezone: String,

    /// The address marketplaces fetch Riff's images from; defaults to
    /// http://RIFF_BIND, which only works when they can reach it.
    #[arg(long, env = "RIFF_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    #[command(flatten)]
    pub marketplaces: crate::platforms::Marketplaces,
}

impl Config {
    /// Where marketplaces fetch images from.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }
}

fn parse_bind(raw: &str) -> Result<SocketAddr, String> {
    raw.parse()
        .map_err(|e| format!("RIFF_BIND must be host:port such as 127.0.0.1:8000 ({e})"))
}

fn parse_currency(raw: &str) -> Result<Currency, String> {
    Currency::parse(raw).map_err(|e| format!("RIFF_CURRENCY: {}", e.message))
}

fn parse_priority(raw: &str) -> Result<PlatformPriority, String> {
    raw.parse().map_err(|e: riff_domain::value::InvalidValue| {
        format!("RIFF_PLATFORM_PRIORITY {}", e.message)
    })
}

/// A token or password given as a setting: never empty.
pub(crate) fn parse_secret(raw: &str) -> Result<Secret, String> {
    if raw.trim().is_empty() {
        return Err("must not be empty".into());
    }
    Ok(Secret::new(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "[redacted]");
    }

    #[test]
    fn bad_settings_name_the_variable() {
        assert!(parse_bind("nonsense").unwrap_err().contains("RIFF_BIND"));
        assert!(parse_currency("EURO")
            .unwrap_err()
            .contains("RIFF_CURRENCY"));
        assert!(parse_priority("ebay")
            .unwrap_err()
            .contains("RIFF_PLATFORM_PRIORITY"));
    }
}
