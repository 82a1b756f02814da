//! `riff user add NAME`: someone who may log in to the admin pages.

use anyhow::Context;

pub(super) async fn add(database_url: &str, name: &str) -> anyhow::Result<()> {
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
    let db = super::open(database_url).await?;
    crate::admin::users::add(&db, name, &password).await?;
    println!("{name} can log in now.");
    Ok(())
}
