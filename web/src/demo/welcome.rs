//! What the owner is told once the demo shop is ready: where to look and
//! how to get in — the admin pages' login, and the API token.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Everything the welcome message says.
pub struct Welcome<'a> {
    /// Where Riff answers, e.g. `http://127.0.0.1:8000`.
    pub url: &'a str,
    /// The bearer token for `/api`, generated for this run.
    pub api_token: &'a str,
    /// The `admin` user's password, generated for this run.
    pub admin_password: &'a str,
    /// How many products the shop holds after the first sync.
    pub products: u64,
    /// The SQLite file the shop lives in.
    pub database: &'a Path,
    /// `false`: the file is deleted when the demo stops.
    pub kept: bool,
    /// How often a simulated buyer buys something.
    pub sale_every: Duration,
    /// From the command's start to the shop being ready.
    pub ready_in: Duration,
}

/// Prints the welcome on standard output. Nobody reading it must not stop
/// the demo, so a closed output is ignored.
pub fn print_welcome(welcome: &Welcome<'_>) {
    let Welcome {
        url,
        api_token,
        admin_password,
        products,
        database,
        kept,
        sale_every,
        ready_in,
    } = welcome;
    let keep = if *kept {
        format!("The shop is kept in {}.", database.display())
    } else {
        format!(
            "The shop lives in {} and is deleted when the demo stops (`--db PATH` keeps one).",
            database.display()
        )
    };
    let _ = writeln!(
        std::io::stdout(),
        "\nRiff demo is ready ({:.1} s): a shop of {products} guitars, amps and pedals, kept in step on\n\
         simulated eBay, Reverb, Shopify and Vintage & Rare.\n\n\
         \x20   URL        {url}\n\
         \x20   Log in as  admin / {admin_password}\n\
         \x20   API token  {api_token}\n\n\
         Try:\n\
         \x20   curl -s {url}/api/products -H 'Authorization: Bearer {api_token}'\n\
         \x20   curl -s '{url}/api/flags?status=open' -H 'Authorization: Bearer {api_token}'\n\n\
         Open the URL and log in. Every {} s a simulated buyer buys a random live item on a random marketplace;\n\
         watch Riff end its other listings. Ctrl-C stops the demo.\n\
         {keep}\n",
        ready_in.as_secs_f64(),
        sale_every.as_secs(),
    );
}

/// One line of the demo's own output (a sale, a step) on standard output.
pub(super) fn say(line: &str) {
    let _ = writeln!(std::io::stdout(), "{line}");
}
