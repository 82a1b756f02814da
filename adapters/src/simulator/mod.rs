//! What every simulator shares: serving its router on a free loopback port
//! in the background, for tests, demos and benchmarks, delivering
//! webhooks the way the platforms do ([`delivery`]), injecting faults
//! ([`FaultPlan`]), counting writes, and the state every clone of a
//! simulator holds.

pub(crate) mod answers;
mod control;
mod counts;
pub(crate) mod delivery;
mod faults;
mod handle;
mod shared;

pub use control::ControlError;
pub(crate) use counts::WriteCounts;
pub use faults::FaultPlan;
pub(crate) use faults::Faults;
pub(crate) use handle::{buyer, handle, listed, write_counts};
pub(crate) use shared::Shared;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

/// What every simulator is: its routes, which a test, a demo or `riff sim`
/// serves.
pub trait Simulator: Clone + Send + Sync + 'static {
    /// The platform's name, for the log line should serving stop.
    const NAME: &'static str;

    /// The simulator's routes, to mount or serve.
    fn router(&self) -> Router;

    /// Serves on `listener` until the task is dropped.
    ///
    /// # Errors
    /// When the listener fails.
    fn serve(self, listener: TcpListener) -> impl Future<Output = std::io::Result<()>> + Send {
        async move { axum::serve(listener, self.router()).await }
    }

    /// Serves on a free port of 127.0.0.1 in a background task and returns
    /// the base URL (`http://127.0.0.1:PORT`).
    ///
    /// # Errors
    /// When no port can be bound.
    fn spawn(&self) -> impl Future<Output = std::io::Result<String>> + Send {
        spawn(self.router(), Self::NAME)
    }
}

/// Serves `router` on a free port of 127.0.0.1 in a background task and
/// returns the base URL (`http://127.0.0.1:PORT`). `name` says which
/// simulator stopped, should serving fail.
///
/// # Errors
/// When no port can be bound.
async fn spawn(router: Router, name: &'static str) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "the {name} simulator stopped");
        }
    });
    Ok(base)
}
