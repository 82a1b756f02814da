//! `riff sim`: the four marketplace simulators on one port, until Ctrl-C
//! or SIGTERM.

use std::net::SocketAddr;

use crate::sim::Simulators;
use crate::startup::shutdown_signal;

pub(super) async fn run(
    bind: SocketAddr,
    seed: Option<&std::path::Path>,
    latency: bool,
) -> anyhow::Result<()> {
    let simulators = Simulators::new(seed)?;
    simulators.set_latency(latency);
    simulators.run(bind, shutdown_signal()).await?;
    Ok(())
}
