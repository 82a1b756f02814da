//! `riff demo`: a shop on the simulated marketplaces, with buyers; the
//! demo itself is [`crate::demo`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::config::Config;
use crate::demo::{self, DemoOptions};

pub(super) async fn run(
    db: Option<PathBuf>,
    bind: Option<SocketAddr>,
    sale_every_secs: u64,
    config: &Config,
) -> anyhow::Result<()> {
    let options = DemoOptions {
        db,
        bind,
        sale_every: Duration::from_secs(sale_every_secs),
    };
    demo::run(options, config).await?;
    Ok(())
}
