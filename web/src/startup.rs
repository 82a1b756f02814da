//! Building and running the application.
//!
//! [`Application::build`] does everything that can fail — connect, migrate,
//! load the token, bind the port — before anything is served, so that a bad
//! setting stops start-up with a clear message. Tests build it on port 0.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use riff_adapters::OwnPictures;
use riff_domain::port::Marketplace;
use riff_domain::value::Platform;
use riff_projections::{view, Db, ProjectionError, Projector};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::admin::users;
use crate::auth::ApiToken;
use crate::config::Config;
use crate::config::Secret;
use crate::http;
use crate::ledger::Ledger;
use crate::metrics::Metrics;
use crate::platforms::Marketplaces;
use crate::state::AppState;
use crate::sync::schedule::Schedule;
use crate::sync::{Engine, Shop};
use crate::webhook_secrets::WebhookSecrets;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database at DATABASE_URL: {0}")]
    Database(#[source] ProjectionError),
    #[error("{0}")]
    Settings(String),
    #[error("cannot listen on RIFF_BIND {addr}: {source}; is another program using it?")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    schedule: Schedule,
    /// The API token, when Riff generated it on this start: shown once.
    pub generated_token: Option<String>,
    /// The `admin` password, when Riff generated it on this start: shown
    /// once.
    pub generated_admin_password: Option<String>,
}

impl Application {
    /// Connects, migrates, prepares the views and binds the listener.
    ///
    /// # Errors
    /// The database cannot be reached or migrated, or the address is taken.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let db = open_database(&config.database_url).await?;
        let (token, generated_token) = ApiToken::load(config.api_token.as_ref(), &db)
            .await
            .map_err(StartupError::Database)?;
        let generated_admin_password =
            users::ensure_admin(&db, config.admin_password.as_ref().map(Secret::expose))
                .await
                .map_err(|e| StartupError::Settings(format!("RIFF_ADMIN_PASSWORD: {e}")))?;
        let projector = Arc::new(
            Projector::new(db.clone(), view::all())
                .await
                .map_err(StartupError::Database)?,
        );
        let schedule = Schedule::parse(&config.sync_times, &config.timezone)
            .map_err(StartupError::Settings)?;
        let media = crate::media::MediaStore::new(&config.media_dir, config.media_fetch_private)
            .map_err(|e| StartupError::Settings(format!("RIFF_MEDIA_DIR: {e}")))?;
        let dropbox = config
            .dropbox
            .client()
            .map_err(StartupError::Settings)?
            .map(Arc::new);
        let metrics = Arc::new(Metrics::default());
        let ledger = Arc::new(Ledger::new(&db));
        let listener =
            TcpListener::bind(config.bind)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.bind,
                    source,
                })?;
        let (shop, marketplaces) = shop_and_marketplaces(config, &listener);
        let (platforms, problems) = marketplaces.configured();
        if let Some(problem) = problems.first() {
            return Err(StartupError::Settings(problem.to_string()));
        }
        announce_choices(&platforms);
        let engine = Arc::new(Engine::new(
            db.clone(),
            ledger.clone(),
            projector.clone(),
            platforms,
            shop,
            metrics.clone(),
        ));
        let state = AppState {
            ledger,
            db,
            projector,
            engine,
            metrics,
            webhooks: Arc::new(WebhookSecrets::from(&config.marketplaces)),
            login_throttle: Arc::new(crate::throttle::Throttle::default()),
            zone: schedule.zone(),
            counts: Arc::new(riff_projections::counts::CountCache::new()),
            secure_cookies: config.public_url().starts_with("https://"),
            schedule_text: schedule_text(config),
            token: Arc::new(token),
            currency: config.currency,
            priority: Arc::new(config.platform_priority.clone()),
            media: Arc::new(media),
            dropbox,
            verdicts: Arc::default(),
        };
        Ok(Self {
            listener,
            state,
            schedule,
            generated_token,
            generated_admin_password,
        })
    }

    /// The address actually bound (the port is chosen by the OS for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves HTTP and runs the projector until `shutdown` completes; then
    /// stops taking requests, lets those in flight finish, and closes the
    /// database.
    ///
    /// # Errors
    /// The server failed.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let projector = self.state.projector.clone();
        let mut projector_stop = stopped.clone();
        let projector_task = tokio::spawn(async move {
            projector
                .run(async move {
                    let _ = projector_stop.wait_for(|s| *s).await;
                })
                .await;
        });
        let leader_task = tokio::spawn(crate::sync::leader::lead(
            self.state.engine.clone(),
            self.schedule,
            stopped.clone(),
        ));
        let db = self.state.db.clone();
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(self.listener, app).with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let served = server.await;
        let _ = projector_task.await;
        let _ = leader_task.await;
        db.close().await;
        served
    }
}

/// Connects to the database and brings its schema up to date.
async fn open_database(url: &str) -> Result<Db, StartupError> {
    let db = Db::connect(url).await.map_err(StartupError::Database)?;
    db.migrate().await.map_err(StartupError::Database)?;
    Ok(db)
}

/// The shop's settings and the marketplaces', once the listener says
/// where Riff can be reached from here.
fn shop_and_marketplaces(config: &Config, listener: &TcpListener) -> (Shop, Marketplaces) {
    let mut shop = Shop::from(config);
    let mut marketplaces = config.marketplaces();
    if let Ok(bound) = listener.local_addr() {
        let local = format!("http://{}", reachable_here(bound));
        if config.public_url.is_none() {
            // Without RIFF_PUBLIC_URL the pictures are fetched from where
            // Riff listens: the port bound, not a `:0` asked for.
            shop.public_url.clone_from(&local);
        }
        marketplaces.own_pictures = OwnPictures::new(&shop.public_url, &local);
    }
    (shop, marketplaces)
}

/// When reconciles run by themselves, in words for the sync page.
fn schedule_text(config: &Config) -> Arc<str> {
    if config.sync_times.trim().is_empty() {
        "never by itself (RIFF_SYNC_TIMES is empty); use Sync now".into()
    } else {
        format!("at {} ({})", config.sync_times, config.timezone).into()
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(error.message = %error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(error.message = %error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// The address to reach Riff at from this machine: listening on every
/// address (`0.0.0.0`, `::`) includes the loopback one.
fn reachable_here(bound: SocketAddr) -> SocketAddr {
    match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), bound.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), bound.port())
        }
        _ => bound,
    }
}

/// Says, once each platform answers, what its adapter chose where a
/// setting was left unset (Shopify's stock location) — or why it could not,
/// naming the setting. In the background: a platform that is down must not
/// keep Riff from starting.
fn announce_choices(platforms: &BTreeMap<Platform, Arc<dyn Marketplace>>) {
    for (platform, adapter) in platforms {
        let (platform, adapter) = (*platform, adapter.clone());
        tokio::spawn(async move {
            match adapter.choices().await {
                Ok(choices) => {
                    for choice in choices {
                        tracing::info!("{}: {choice}", platform.display_name());
                    }
                }
                Err(error) => tracing::warn!("{}: {error}", platform.display_name()),
            }
        });
    }
}

/// The whole application's router: the admin site and the API's door
/// merged, each knowing only the core, and what guards both.
fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .merge(crate::admin::router(&state))
        .merge(http::routes(&state))
        .layer(axum::middleware::from_fn(crate::uri::refuse_nul))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
