//! Configuration. Every setting comes from the environment (a `.env` file in
//! the working directory is read first when present) or the matching flag,
//! and has a default that works out of the box with the embedded store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use riff_adapters::dropbox::{DropboxClient, DropboxConfig, DropboxError, DropboxRefresh};

pub use riff_adapters::Secret;

use crate::secret::parse_secret;
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

    /// How long an edited product's live listings wait, in seconds, before
    /// they are revised: edits within the window (and after it starts,
    /// until it passes with no new one) reach each listing as one revision
    /// with the final values. 0 revises at once; at most 3600.
    #[arg(long, env = "RIFF_REVISE_DELAY", default_value = "10", value_parser = parse_revise_delay, global = true)]
    pub revise_delay: Duration,

    /// The address marketplaces fetch Riff's images from; defaults to
    /// http://RIFF_BIND, which only works when they can reach it.
    #[arg(long, env = "RIFF_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Where uploaded product images are kept, each file named by the
    /// SHA-256 of its bytes; served at /media/<sha256>.
    #[arg(long, env = "RIFF_MEDIA_DIR", default_value = "./media", global = true)]
    pub media_dir: PathBuf,

    /// Let "add an image by URL" fetch from loopback and private network
    /// addresses. Off, because a logged-in user could otherwise make Riff
    /// reach what only its own host can; on only for a test rig or a shop
    /// whose pictures sit on its own network.
    #[arg(long, env = "RIFF_MEDIA_FETCH_PRIVATE", global = true)]
    pub media_fetch_private: bool,

    #[command(flatten)]
    pub marketplaces: crate::platforms::Marketplaces,

    #[command(flatten)]
    pub dropbox: DropboxSettings,
}

const DROPBOX_API_URL: &str = "https://api.dropboxapi.com";

/// The shop's Dropbox, for picking product pictures from a folder. Off
/// without an access token or a refresh token.
#[derive(Debug, Clone, clap::Args)]
pub struct DropboxSettings {
    /// The Dropbox API root (also its OAuth root).
    #[arg(long, env = "DROPBOX_API_URL", default_value = DROPBOX_API_URL, global = true)]
    pub dropbox_api_url: String,
    /// A Dropbox access token (short-lived; with the three settings below
    /// Riff renews it by itself).
    #[arg(long, env = "DROPBOX_ACCESS_TOKEN", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub dropbox_access_token: Option<Secret>,
    /// The refresh token of an offline authorisation of the app.
    #[arg(long, env = "DROPBOX_REFRESH_TOKEN", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub dropbox_refresh_token: Option<Secret>,
    /// The Dropbox app's key.
    #[arg(long, env = "DROPBOX_APP_KEY", global = true)]
    pub dropbox_app_key: Option<String>,
    /// The Dropbox app's secret.
    #[arg(long, env = "DROPBOX_APP_SECRET", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub dropbox_app_secret: Option<Secret>,
}

impl Default for DropboxSettings {
    /// Dropbox off.
    fn default() -> Self {
        Self {
            dropbox_api_url: DROPBOX_API_URL.to_owned(),
            dropbox_access_token: None,
            dropbox_refresh_token: None,
            dropbox_app_key: None,
            dropbox_app_secret: None,
        }
    }
}

impl DropboxSettings {
    /// The client, when Dropbox is configured.
    ///
    /// # Errors
    /// A refresh token without the app's key and secret, naming them; or
    /// the HTTP client could not be built.
    pub fn client(&self) -> Result<Option<DropboxClient>, String> {
        let refresh = match (
            &self.dropbox_refresh_token,
            &self.dropbox_app_key,
            &self.dropbox_app_secret,
        ) {
            (Some(token), Some(key), Some(secret)) => Some(DropboxRefresh {
                refresh_token: token.clone(),
                app_key: key.clone(),
                app_secret: secret.clone(),
                oauth_url: self.dropbox_api_url.clone(),
            }),
            (Some(_), _, _) => {
                return Err(
                    "DROPBOX_REFRESH_TOKEN needs DROPBOX_APP_KEY and DROPBOX_APP_SECRET too".into(),
                )
            }
            _ => None,
        };
        if self.dropbox_access_token.is_none() && refresh.is_none() {
            return Ok(None);
        }
        let config = DropboxConfig {
            api_url: self.dropbox_api_url.clone(),
            access_token: self.dropbox_access_token.clone(),
            refresh,
            ..DropboxConfig::new(None)
        };
        DropboxClient::new(config)
            .map(Some)
            .map_err(|e: DropboxError| format!("Dropbox: {e}"))
    }
}

impl Config {
    /// Where marketplaces fetch images from.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }

    /// The marketplace settings with their defaults that depend on the
    /// shop's: V&R's export names no currency, so unless `VR_CURRENCY` says
    /// otherwise the account sells in `RIFF_CURRENCY`.
    pub fn marketplaces(&self) -> crate::platforms::Marketplaces {
        let mut marketplaces = self.marketplaces.clone();
        marketplaces.vr_currency.get_or_insert(self.currency);
        marketplaces.pictures_public = self
            .public_url
            .as_deref()
            .is_some_and(crate::public_net::reachable_https);
        marketplaces
    }
}

fn parse_bind(raw: &str) -> Result<SocketAddr, String> {
    raw.parse()
        .map_err(|e| format!("RIFF_BIND must be host:port such as 127.0.0.1:8000 ({e})"))
}

/// The default of `RIFF_REVISE_DELAY`.
pub const DEFAULT_REVISE_DELAY: Duration = Duration::from_secs(10);

fn parse_revise_delay(raw: &str) -> Result<Duration, String> {
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|s| *s <= 3600)
        .map(Duration::from_secs)
        .ok_or_else(|| {
            format!(
                "RIFF_REVISE_DELAY must be a whole number of seconds from 0 to 3600, not {raw:?}"
            )
        })
}

fn parse_currency(raw: &str) -> Result<Currency, String> {
    Currency::parse(raw).map_err(|e| format!("RIFF_CURRENCY: {}", e.message))
}

fn parse_priority(raw: &str) -> Result<PlatformPriority, String> {
    raw.parse().map_err(|e: riff_domain::value::InvalidValue| {
        format!("RIFF_PLATFORM_PRIORITY {}", e.message)
    })
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
    fn dropbox_is_off_without_a_token_and_a_lone_refresh_token_is_refused() {
        assert!(DropboxSettings::default().client().unwrap().is_none());
        let lone = DropboxSettings {
            dropbox_refresh_token: Some(Secret::new("r")),
            ..DropboxSettings::default()
        };
        assert!(lone.client().unwrap_err().contains("DROPBOX_APP_KEY"));
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
        for bad in ["-1", "3601", "10s", ""] {
            assert!(
                parse_revise_delay(bad)
                    .unwrap_err()
                    .contains("RIFF_REVISE_DELAY"),
                "{bad}"
            );
        }
        assert_eq!(parse_revise_delay("0"), Ok(Duration::ZERO));
        assert_eq!(parse_revise_delay(" 10 "), Ok(DEFAULT_REVISE_DELAY));
    }
}
