//! `riff serve`: the HTTP API, the admin pages, the webhooks and (on the
//! leader) the sync loops, until Ctrl-C or SIGTERM.

use std::io::Write;

use anyhow::Context;

use crate::config::Config;
use crate::startup::{shutdown_signal, Application};

pub(super) async fn run(config: &Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    if let Some(token) = &app.generated_token {
        // Nobody may be reading standard output (a service manager,
        // a closed pipe): the server must not die of that.
        let _ = writeln!(
            std::io::stdout(),
            "Riff generated an API token; it is shown only this once:\n\n    {token}\n\n\
             Send it as `Authorization: Bearer <token>`, or set RIFF_API_TOKEN to choose your own."
        );
    }
    if let Some(password) = &app.generated_admin_password {
        let _ = writeln!(
            std::io::stdout(),
            "Log in at http://{} as admin with the password (shown only this once):\n\n    {password}\n\n\
             Set RIFF_ADMIN_PASSWORD to choose it, or add people with `riff user add NAME`.",
            app.local_addr()
        );
    }
    tracing::info!(address = %app.local_addr(), "riff is listening");
    app.run_until_stopped(shutdown_signal())
        .await
        .context("the HTTP server stopped with an error")?;
    Ok(())
}
