//! The `riff` binary: read `.env`, parse the command line, then hand over
//! to the library's [`riff_web::cli::run`].

use std::process::ExitCode;

use clap::Parser;
use riff_web::cli::Cli;
use riff_web::telemetry;

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    // A missing .env is normal; a broken one is worth knowing about.
    if let Err(error) = dotenvy::dotenv() {
        if !error.not_found() {
            anyhow::bail!("cannot read .env: {error}");
        }
    }
    let cli = Cli::parse();
    telemetry::init_with(cli.log_format);
    riff_web::cli::run(cli).await
}
