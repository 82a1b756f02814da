//! The `riff` binary: parse the command line, then hand over to the library.

use anyhow::Context;
use clap::Parser;
use riff_projections::Db;
use riff_web::cli::{Cli, Command};
use riff_web::startup::{shutdown_signal, Application};
use riff_web::telemetry;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; a broken one is worth knowing about.
    if let Err(error) = dotenvy::dotenv() {
        if !error.not_found() {
            anyhow::bail!("cannot read .env: {error}");
        }
    }
    let cli = Cli::parse();
    telemetry::init();
    match cli.command {
        Command::Serve => {
            let app = Application::build(&cli.config).await?;
            if let Some(token) = &app.generated_token {
                println!(
                    "Riff generated an API token; it is shown only this once:\n\n    {token}\n"
                );
                println!("Send it as `Authorization: Bearer <token>`, or set RIFF_API_TOKEN to choose your own.");
            }
            tracing::info!(address = %app.local_addr(), "riff is listening");
            app.run_until_stopped(shutdown_signal())
                .await
                .context("the HTTP server stopped with an error")?;
        }
        Command::Migrate => {
            let db = Db::connect(&cli.config.database_url)
                .await
                .context("cannot open the database at DATABASE_URL")?;
            db.migrate().await.context("migrations failed")?;
            println!("The {} database is up to date.", db.backend().as_str());
        }
    }
    Ok(())
}
