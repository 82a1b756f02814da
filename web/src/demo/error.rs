//! Why `riff demo` could not start or go on.

use std::path::PathBuf;

use reqwest::StatusCode;

use crate::sim::SimError;
use crate::startup::StartupError;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// `--db` names a file that is already there: the demo seeds a new
    /// shop, and its SKUs would clash with what the file holds.
    #[error(
        "{} already exists; riff demo builds a fresh shop, so give --db a path that does not exist yet",
        .0.display()
    )]
    DatabaseExists(PathBuf),
    /// The temporary directory (or `--db`'s directory) cannot be made.
    #[error("cannot create the demo's directory {}: {source}", path.display())]
    Directory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The in-process marketplaces could not be started.
    #[error(transparent)]
    Simulators(#[from] SimError),
    /// Riff itself could not start (the database, the port).
    #[error(transparent)]
    Startup(#[from] StartupError),
    /// The demo could not reach its own Riff over loopback.
    #[error("the demo could not {what} through Riff's API: {source}")]
    Api {
        what: String,
        #[source]
        source: reqwest::Error,
    },
    /// Riff answered the demo's request with an error.
    #[error("Riff refused to {what} ({status}): {body}")]
    Refused {
        what: String,
        status: StatusCode,
        body: String,
    },
    /// The HTTP server stopped with an error.
    #[error("the HTTP server stopped with an error: {0}")]
    Serve(#[source] std::io::Error),
}
