//! `riff demo`: start the simulators with the shop's listings,
//! start Riff on them, type the shop in, sync, say where to look, then let
//! the buyers loose until Ctrl-C or SIGTERM.
//!
//! Riff serves from the moment it is bound, while the shop is still being
//! set up; the welcome (URL and login) is printed only once the first sync
//! has brought everything in, so what the owner opens is the whole shop.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use riff_domain::value::Currency;
use tokio::sync::watch;

use super::api::RiffApi;
use super::welcome::{print_welcome, say, Welcome};
use super::{buyers, shop, DemoError};
use crate::config::{Config, Secret};
use crate::platforms::Marketplaces;
use crate::sim::Simulators;
use crate::startup::{shutdown_signal, Application, StartupError};

/// Where the demo listens unless told otherwise: `riff serve`'s default.
const DEFAULT_BIND: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8000);

/// The command line's choices.
pub struct DemoOptions {
    /// Keep the shop in this SQLite file (which must not exist yet) instead
    /// of a temporary one deleted on exit.
    pub db: Option<PathBuf>,
    /// Listen here; `None`: 127.0.0.1:8000, or a free port when that is
    /// taken.
    pub bind: Option<SocketAddr>,
    /// How often a simulated buyer buys something.
    pub sale_every: Duration,
}

/// Runs the demo until Ctrl-C or SIGTERM. `settings` supplies what the
/// demo does not choose itself: the platform priority and the time zone.
///
/// # Errors
/// The database or the port cannot be had, or the demo could not set the
/// shop up.
pub async fn run(options: DemoOptions, settings: &Config) -> Result<(), DemoError> {
    let started = Instant::now();
    let store = Store::prepare(options.db)?;
    let sims = Simulators::new(None)?;
    shop::list_on_marketplaces(&sims);
    let mut marketplaces = sims.spawn().await?;
    Simulators::accept_webhooks(&mut marketplaces);
    let token = generate_token();
    // A fresh shop each time, so a fresh password: shown in the welcome.
    let password = generate_token()[..20].to_owned();
    let mut config = demo_config(&store, settings, marketplaces, &token, &password);
    let app = build(&mut config, options.bind).await?;
    let url = url_of(app.local_addr());
    sims.send_webhooks_to(&url);
    say(&format!("Setting up the demo shop on {url} …"));

    let (stop, stopping) = watch::channel(false);
    let stop = Arc::new(stop);
    {
        let stop = stop.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
    }
    let server = {
        let mut stopping = stopping.clone();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = stopping.wait_for(|s| *s).await;
        }))
    };

    let api = RiffApi::new(&url, &token);
    let demo = async {
        shop::type_into_riff(&api).await?;
        let status = shop::first_sync(&api).await?;
        if status != "succeeded" {
            tracing::warn!(%status, "the first sync did not succeed on every platform");
        }
        print_welcome(&Welcome {
            url: &url,
            api_token: &token,
            admin_password: &password,
            products: api.product_count().await?,
            database: &store.path,
            kept: store.temporary.is_none(),
            sale_every: options.sale_every,
            ready_in: started.elapsed(),
        });
        buyers::run(&sims, &api, options.sale_every).await;
        Ok::<(), DemoError>(())
    };
    let outcome = {
        let mut stopping = stopping.clone();
        tokio::select! {
            outcome = demo => outcome,
            _ = stopping.wait_for(|s| *s) => Ok(()),
        }
    };
    // Stopped by a signal, or the demo failed: either way the server stops.
    let _ = stop.send(true);
    let served = server
        .await
        .unwrap_or_else(|joined| Err(std::io::Error::other(joined)));
    outcome?;
    served.map_err(DemoError::Serve)
}

/// Riff's settings for the demo shop: the simulators as its marketplaces,
/// `settings` for what the demo does not choose itself.
fn demo_config(
    store: &Store,
    settings: &Config,
    marketplaces: Marketplaces,
    token: &str,
    password: &str,
) -> Config {
    Config {
        database_url: store.database_url(),
        bind: DEFAULT_BIND,
        api_token: Some(Secret::new(token.to_owned())),
        admin_password: Some(Secret::new(password.to_owned())),
        // The shop's prices are pounds.
        currency: Currency::GBP,
        platform_priority: settings.platform_priority.clone(),
        // Syncs happen on webhooks and when the buyers ask, not by the clock.
        sync_times: String::new(),
        timezone: settings.timezone.clone(),
        public_url: None,
        revise_delay: crate::config::DEFAULT_REVISE_DELAY,
        // Pictures live beside the shop's database, and go with it.
        media_dir: store.path.with_file_name("media"),
        media_fetch_private: false,
        dropbox: crate::config::DropboxSettings::default(),
        marketplaces,
    }
}

/// Builds Riff on `bind`, or on the default address and, when that is
/// taken, on a free port.
async fn build(config: &mut Config, bind: Option<SocketAddr>) -> Result<Application, DemoError> {
    config.bind = bind.unwrap_or(DEFAULT_BIND);
    match Application::build(config).await {
        Err(StartupError::Bind { source, .. })
            if bind.is_none() && source.kind() == std::io::ErrorKind::AddrInUse =>
        {
            tracing::info!(
                "{DEFAULT_BIND} is taken (a `riff serve`?); the demo listens on a free port"
            );
            config.bind = SocketAddr::new(DEFAULT_BIND.ip(), 0);
            Ok(Application::build(config).await?)
        }
        built => Ok(built?),
    }
}

/// The address to open in a browser: a wildcard bind is reached on loopback.
fn url_of(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://127.0.0.1:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// A fresh 256-bit API token, as hex: the demo's database is new, so there
/// is no token to keep.
fn generate_token() -> String {
    let mut rng = rand::rng();
    let (high, low): (u128, u128) = (rng.random(), rng.random());
    format!("{high:032x}{low:032x}")
}

/// The demo's SQLite file: a new file in a fresh temporary directory
/// (removed when the demo ends), or the new file `--db` names.
struct Store {
    path: PathBuf,
    /// The directory to remove afterwards; `None` for `--db`.
    temporary: Option<PathBuf>,
}

impl Store {
    fn prepare(db: Option<PathBuf>) -> Result<Self, DemoError> {
        let (path, temporary) = match db {
            Some(path) => {
                if path.exists() {
                    return Err(DemoError::DatabaseExists(path));
                }
                (path, None)
            }
            None => {
                let dir = std::env::temp_dir().join(format!("riff-demo-{}", uuid::Uuid::new_v4()));
                (dir.join("riff-demo.db"), Some(dir))
            }
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| DemoError::Directory {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Ok(Self { path, temporary })
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}", self.path.display())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(dir) = &self.temporary {
            if let Err(error) = std::fs::remove_dir_all(dir) {
                tracing::warn!(%error, dir = %dir.display(), "cannot remove the demo's database");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_bind_is_opened_on_loopback() {
        assert_eq!(
            url_of("0.0.0.0:8123".parse().unwrap()),
            "http://127.0.0.1:8123"
        );
        assert_eq!(
            url_of("127.0.0.1:8000".parse().unwrap()),
            "http://127.0.0.1:8000"
        );
    }

    #[test]
    fn a_database_that_exists_is_refused() {
        let file = std::env::temp_dir().join(format!("riff-demo-test-{}", uuid::Uuid::new_v4()));
        std::fs::write(&file, "").unwrap();
        let refused = Store::prepare(Some(file.clone()));
        assert!(matches!(refused, Err(DemoError::DatabaseExists(_))));
        std::fs::remove_file(file).unwrap();
    }

    #[test]
    fn generated_tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (generate_token(), generate_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
