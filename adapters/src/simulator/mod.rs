//! What every simulator shares: serving its router on a free loopback port
//! in the background, for tests, demos and benchmarks, delivering
//! webhooks the way the platforms do ([`delivery`]), and injecting faults
//! ([`FaultPlan`]).

pub(crate) mod delivery;
mod faults;

pub use faults::FaultPlan;

use axum::Router;
use tokio::net::TcpListener;

/// Serves `router` on a free port of 127.0.0.1 in a background task and
/// returns the base URL (`http://127.0.0.1:PORT`). `name` says which
/// simulator stopped, should serving fail.
///
/// # Errors
/// When no port can be bound.
pub(crate) async fn spawn(router: Router, name: &'static str) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "the {name} simulator stopped");
        }
    });
    Ok(base)
}
