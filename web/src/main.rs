//! The `riff` binary: parse the command line, then hand over to the library.

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use riff_projections::log::chain;
use riff_projections::view::inventory::{InventoryQuery, SortColumn};
use riff_projections::{replay, view, Db};
use riff_web::cli::{Cli, Command, CsvExport, Export, Platforms, Store, User};
use riff_web::startup::{shutdown_signal, Application};
use riff_web::store::Step;
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
    telemetry::init_with(cli.log_format);
    match cli.command {
        Command::Serve => {
            let app = Application::build(&cli.config).await?;
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
        }
        Command::Migrate => {
            let db = Db::connect(&cli.config.database_url)
                .await
                .context("cannot open the database at DATABASE_URL")?;
            db.migrate().await.context("migrations failed")?;
            println!("The {} database is up to date.", db.backend().as_str());
        }
        Command::Sync { platform, json } => {
            match riff_web::sync::command::run(&cli.config, platform, json).await? {
                riff_web::sync::command::Outcome::Synced => {}
                riff_web::sync::command::Outcome::SomeFailed => std::process::exit(2),
            }
        }
        Command::Replay { views } => replay_views(&cli.config.database_url, &views).await?,
        Command::Verify { json, expect } => {
            if !verify(&cli.config.database_url, json, expect.as_deref()).await? {
                std::process::exit(1);
            }
        }
        Command::Store(Store::Copy { to }) => store_copy(&cli.config.database_url, &to).await?,
        Command::Backup { out } => backup(&cli.config.database_url, &out).await?,
        Command::Restore { file, to } => restore(&file, &to).await?,
        Command::User(User::Add { name }) => add_user(&cli.config.database_url, &name).await?,
        Command::Export(Export::Csv(export)) => {
            export_csv(&cli.config.database_url, export).await?
        }
        Command::Demo {
            db,
            bind,
            sale_every,
        } => {
            let options = riff_web::demo::DemoOptions {
                db,
                bind,
                sale_every: std::time::Duration::from_secs(sale_every),
            };
            riff_web::demo::run(options, &cli.config).await?;
        }
        Command::Sim {
            bind,
            seed,
            latency,
        } => {
            let simulators = riff_web::sim::Simulators::new(seed.as_deref())?;
            simulators.set_latency(latency);
            simulators.run(bind, shutdown_signal()).await?;
        }
        Command::Platforms(Platforms::Scan {
            platform,
            json,
            sales_days,
        }) => riff_web::scan::run(&cli.config.marketplaces(), platform, json, sales_days).await?,
    }
    Ok(())
}

async fn open(database_url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(database_url)
        .await
        .context("cannot open the database at DATABASE_URL")?;
    db.migrate().await.context("migrations failed")?;
    Ok(db)
}

async fn add_user(database_url: &str, name: &str) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "))
            .context("cannot read the password")?;
        let again = rpassword::prompt_password("Again: ").context("cannot read the password")?;
        if first != again {
            anyhow::bail!("the two passwords differ; nothing was changed");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    let db = open(database_url).await?;
    riff_web::admin::users::add(&db, name, &password).await?;
    println!("{name} can log in now.");
    Ok(())
}

async fn replay_views(database_url: &str, names: &[String]) -> anyhow::Result<()> {
    let all = view::all();
    let chosen: Vec<_> = if names.is_empty() {
        all
    } else {
        let known: Vec<&str> = all.iter().map(|v| v.name()).collect();
        if let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str())) {
            anyhow::bail!(
                "there is no view {unknown:?}; the views are {}",
                known.join(", ")
            );
        }
        all.into_iter()
            .filter(|v| names.iter().any(|n| n == v.name()))
            .collect()
    };
    let db = open(database_url).await?;
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} events  {per_sec}  ETA {eta}",
        )
        .context("the progress bar template")?,
    );
    let started = std::time::Instant::now();
    let replayed = replay::rebuild(&db, &chosen, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("the replay failed; the views are unchanged")?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let names: Vec<&str> = chosen.iter().map(|v| v.name()).collect();
    println!(
        "Rebuilt {} from {} events in {secs:.1} s ({:.0} events/s); the views stand at position {}.",
        names.join(", "),
        replayed.events,
        replayed.events as f64 / secs.max(0.001),
        replayed.position
    );
    Ok(())
}

/// A progress bar on standard error (drawn only when that is a terminal)
/// for the steps of a move.
fn move_bar() -> anyhow::Result<(indicatif::ProgressBar, impl FnMut(Step))> {
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg:10} {bar:40} {pos}/{len} events  ETA {eta}")
            .context("the progress bar template")?,
    );
    let shown = bar.clone();
    let step = move |step| {
        let (message, done, total) = match step {
            Step::Events { done, total } => ("copying", done, total),
            Step::Replaying { done, total } => ("replaying", done, total),
        };
        shown.set_message(message);
        shown.set_length(total);
        shown.set_position(done);
    };
    Ok((bar, step))
}

/// Databases that are not there yet are created (SQLite) and brought to
/// the current schema.
async fn store_copy(source_url: &str, target_url: &str) -> anyhow::Result<()> {
    let source = open(source_url).await?;
    let target = Db::connect(target_url)
        .await
        .context("cannot open the database given with --to")?;
    target
        .migrate()
        .await
        .context("migrations failed on the database given with --to")?;
    let (bar, step) = move_bar()?;
    let copied = riff_web::store::copy(&source, &target, step).await;
    bar.finish_and_clear();
    let copied = copied.context("the copy stopped; run it again to go on where it stopped")?;
    if let Some(position) = copied.resumed_after {
        println!("Went on after position {position}, where an earlier copy stopped.");
    }
    println!(
        "Copied {} events and {} other rows from {} to {}, and rebuilt the views there.\n\
         Both logs hold {} events with head hash {}.",
        copied.log.events,
        copied.kept_rows,
        source.backend().as_str(),
        target.backend().as_str(),
        copied.log.events,
        copied
            .log
            .head
            .as_deref()
            .unwrap_or("none (the log is empty)"),
    );
    Ok(())
}

async fn backup(database_url: &str, out: &std::path::Path) -> anyhow::Result<()> {
    let db = open(database_url).await?;
    let (bar, step) = move_bar()?;
    let header = riff_web::store::backup(&db, out, step).await;
    bar.finish_and_clear();
    let header = header?;
    println!(
        "Backed up {} events (head hash {}) to {}.",
        header.events,
        header.head.as_deref().unwrap_or("none"),
        out.display()
    );
    Ok(())
}

async fn restore(file: &std::path::Path, target_url: &str) -> anyhow::Result<()> {
    let target = Db::connect(target_url)
        .await
        .context("cannot open the database given with --to")?;
    target
        .migrate()
        .await
        .context("migrations failed on the database given with --to")?;
    let (bar, step) = move_bar()?;
    let header = riff_web::store::restore(file, &target, step).await;
    bar.finish_and_clear();
    let header = header?;
    println!(
        "Restored {} events (head hash {}, as the backup of {} says) into the {} database, and rebuilt the views.",
        header.events,
        header.head.as_deref().unwrap_or("none"),
        header.created_at.to_rfc3339(),
        target.backend().as_str()
    );
    Ok(())
}

/// Walks the log's hash chain; `false` when it breaks.
async fn verify(database_url: &str, json: bool, expect: Option<&str>) -> anyhow::Result<bool> {
    let kept = expect
        .map(|head| {
            hex::decode(head.trim())
                .ok()
                .and_then(|bytes| chain::Link::try_from(bytes).ok())
                .with_context(|| {
                    format!("--expect {head:?} is not a head hash: 64 hexadecimal digits, as `riff verify` prints")
                })
        })
        .transpose()?;
    let db = open(database_url).await?;
    // Drawn on standard error, and only when that is a terminal.
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} events  {per_sec}  ETA {eta}",
        )
        .context("the progress bar template")?,
    );
    let found = chain::verify(&db.store, kept, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .context("could not read the log")?;
    bar.finish_and_clear();
    if json {
        println!("{}", serde_json::to_string(&found)?);
    } else if found.ok {
        println!(
            "The log's {} events are intact. Head hash: {}",
            found.events,
            found.head.as_deref().unwrap_or("none (the log is empty)")
        );
        if let Some(position) = found.kept_head_position {
            println!("The head hash kept is the link of the event at position {position}: nothing up to it has changed.");
        }
    } else if found.first_bad_position.is_none() {
        println!(
            "The log's {} events are linked, but {}.",
            found.events,
            found
                .problem
                .as_deref()
                .unwrap_or("the head hash kept is not among them")
        );
    } else {
        println!(
            "The log's hash chain breaks at position {}: {}.\nThe {} events before it are intact (head hash {}).",
            found.first_bad_position.unwrap_or_default(),
            found.problem.as_deref().unwrap_or("its link does not match"),
            found.events,
            found.head.as_deref().unwrap_or("none"),
        );
    }
    Ok(found.ok)
}

async fn export_csv(database_url: &str, export: CsvExport) -> anyhow::Result<()> {
    let sort = export
        .sort
        .as_deref()
        .map(SortColumn::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--sort: {e}"))?;
    let descending = match export.order.as_deref() {
        None => sort.is_none(),
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => anyhow::bail!("--order must be asc or desc, not {other:?}"),
    };
    let query = InventoryQuery {
        q: export.q,
        brand: export.brand,
        category: export.category,
        condition: export.condition,
        status: export.status,
        sort: sort.unwrap_or_default(),
        descending,
        ..InventoryQuery::default()
    };
    let db = open(database_url).await?;
    let written = match &export.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            riff_web::export::write_csv(&db, &query, std::io::BufWriter::new(file)).await?
        }
        None => riff_web::export::write_csv(&db, &query, std::io::stdout().lock()).await?,
    };
    if let Some(path) = &export.out {
        println!("Wrote {written} products to {}.", path.display());
    }
    Ok(())
}
