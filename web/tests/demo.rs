//! `riff demo` as someone trying Riff runs it: one command, a shop to look
//! at, sales that propagate, a clean stop.

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{fails, lines_of, riff, stop_with_sigterm, WorkDir};

mod common;

/// Kills the demo if a test fails before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether `admin` / `password` gets a session at `url`, as a browser
/// would: the login page's CSRF cookie and field, then the form post.
fn logs_in(url: &str, password: &str) -> bool {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let page = client
        .get(format!("{url}/login"))
        .send()
        .expect("a login page");
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a login cookie")
        .to_owned();
    let html = page.text().expect("HTML");
    let field = "name=\"csrf_token\" value=\"";
    let at = html.find(field).expect("a csrf field") + field.len();
    let token: String = html[at..].chars().take_while(|c| *c != '"').collect();
    let response = client
        .post(format!("{url}/login"))
        .header("cookie", cookie)
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "admin"),
            ("password", password),
        ])
        .send()
        .expect("a login answer");
    response.status() == reqwest::StatusCode::SEE_OTHER
        && response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().is_ok_and(|c| c.starts_with("riff_session=")))
}

/// What the welcome said: the URL, the API token and the database file.
struct Welcome {
    url: String,
    token: String,
    password: String,
    database: PathBuf,
}

fn read_welcome(lines: &Receiver<String>, limit: Duration) -> Welcome {
    let deadline = Instant::now() + limit;
    let (mut url, mut token, mut password, mut database) = (None, None, None, None);
    let mut said = vec![];
    while url.is_none() || token.is_none() || password.is_none() || database.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no welcome in {limit:?}; riff demo said {said:#?}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["URL", address] => url = Some((*address).to_owned()),
            ["API", "token", value] => token = Some((*value).to_owned()),
            ["Log", "in", "as", "admin", "/", value] => password = Some((*value).to_owned()),
            _ => {}
        }
        if let Some(rest) = line.split("The shop lives in ").nth(1) {
            let file = rest.split_whitespace().next().expect("a path");
            database = Some(PathBuf::from(file));
        }
        said.push(line);
    }
    Welcome {
        url: url.expect("a URL"),
        token: token.expect("a token"),
        password: password.expect("a password"),
        database: database.expect("a database"),
    }
}

fn listings_with(product: &Value, status: &str) -> usize {
    product["listings"]
        .as_array()
        .map_or(0, |ls| ls.iter().filter(|l| l["status"] == status).count())
}

#[test]
fn demo_serves_a_synced_shop_whose_sales_end_the_other_listings_and_stops_cleanly() {
    let dir = WorkDir::new("riff-demo-test");
    let mut demo = Running(
        riff(&dir.0)
            .args(["demo", "--bind", "127.0.0.1:0", "--sale-every", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("riff demo starts"),
    );
    let lines = lines_of(&mut demo.0);
    let welcome = read_welcome(&lines, Duration::from_secs(60));
    assert!(
        welcome.url.starts_with("http://127.0.0.1:"),
        "{}",
        welcome.url
    );
    assert!(!welcome.url.ends_with(":0"), "the real port is printed");
    assert_eq!(welcome.token.len(), 64);
    // The printed login opens the admin pages.
    assert!(
        logs_in(&welcome.url, &welcome.password),
        "logging in as admin with the printed password"
    );

    let client = reqwest::blocking::Client::new();
    let get = |path: &str| -> Value {
        let response = client
            .get(format!("{}{path}", welcome.url))
            .bearer_auth(&welcome.token)
            .send()
            .expect("riff demo answers");
        assert!(response.status().is_success(), "{path}: {response:?}");
        response.json().expect("JSON")
    };
    let health = client
        .get(format!("{}/healthz", welcome.url))
        .send()
        .expect("riff demo answers");
    assert!(health.status().is_success());

    let products = get("/api/products?per_page=200");
    assert!(
        products["total"].as_u64().expect("a total") >= 40,
        "{products}"
    );
    let items = products["items"].as_array().expect("items");
    let widely_listed = items
        .iter()
        .filter(|p| listings_with(p, "live") >= 3)
        .count();
    assert!(
        widely_listed >= 5,
        "few products are live on several platforms"
    );
    // The shop's own items came with a picture each, served as an image.
    let sku = items
        .iter()
        .find_map(|p| p["sku"].as_str().filter(|s| !s.starts_with("RIFF-")))
        .expect("one of the shop's own items");
    let product = get(&format!("/api/products/{sku}"));
    let sha256 = product["media"][0]["kind"]["sha256"]
        .as_str()
        .unwrap_or_else(|| panic!("{sku} has a stored picture: {product}"));
    let image = client
        .get(format!("{}/media/{sha256}", welcome.url))
        .send()
        .expect("the picture is served");
    assert!(image.status().is_success());
    assert_eq!(
        image.headers()["content-type"].to_str().unwrap_or_default(),
        "image/png"
    );
    let imported = get("/api/flags?status=open&kind=imported");
    assert!(
        !imported["items"].as_array().expect("flags").is_empty(),
        "the first sync imports and flags the listings made without a SKU"
    );

    // A buyer a second: within seconds some item listed on several
    // platforms is sold on one and ended on the others.
    let deadline = Instant::now() + Duration::from_secs(15);
    let propagated = loop {
        let products = get("/api/products?status=sold&per_page=200");
        let done = products["items"].as_array().and_then(|items| {
            items
                .iter()
                .find(|p| {
                    let all = p["listings"].as_array().map_or(0, Vec::len);
                    all >= 2
                        && listings_with(p, "sold") == 1
                        && listings_with(p, "ended") == all - 1
                })
                .cloned()
        });
        if let Some(product) = done {
            break product;
        }
        assert!(
            Instant::now() < deadline,
            "no sale ended its other listings within 15 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(propagated["status"], "sold");
    let said: Vec<String> = lines.try_iter().collect();
    assert!(
        said.iter().any(|l| l.starts_with("A buyer bought '")),
        "each sale is announced: {said:#?}"
    );

    let status = stop_with_sigterm(&mut demo.0);
    assert!(status.success(), "a clean stop exits 0, got {status}");
    assert!(
        !welcome.database.exists(),
        "the temporary shop is removed: {}",
        welcome.database.display()
    );
}

#[test]
fn demo_refuses_a_database_file_that_already_exists() {
    let dir = WorkDir::new("riff-demo-test");
    std::fs::write(dir.0.join("shop.db"), "").expect("a file");
    let out = fails(riff(&dir.0).args(["demo", "--db", "shop.db", "--bind", "127.0.0.1:0"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("shop.db already exists"), "{stderr}");
}
