//! The `riff` binary as an operator runs it: help, migrate, serve, a bad
//! setting, a clean stop on SIGTERM.

use riff_adapters::simulator::Simulator as _;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{fails, lines_of, riff, stop_with_sigterm, WorkDir};

mod common;

/// Runs `command` to its end, which must be a success; a failure shows
/// what the command said on standard error.
#[track_caller]
fn succeeds(command: &mut Command) -> Output {
    let out = command.output().expect("riff runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A port nothing listens on, for `RIFF_BIND`.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}

#[test]
fn help_explains_each_command() {
    let dir = WorkDir::new("riff-cli");
    let out = succeeds(riff(&dir.0).arg("--help"));
    let help = String::from_utf8_lossy(&out.stdout);
    for word in ["serve", "migrate", "DATABASE_URL", "RIFF_BIND"] {
        assert!(help.contains(word), "--help should mention {word}:\n{help}");
    }
}

#[test]
fn migrate_creates_the_default_database_in_the_working_directory() {
    let dir = WorkDir::new("riff-cli");
    let out = succeeds(riff(&dir.0).arg("migrate"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("sqlite"));
    assert!(dir.0.join("riff.db").exists());
    // Running it again is harmless.
    assert!(riff(&dir.0)
        .arg("migrate")
        .status()
        .expect("riff runs")
        .success());
}

#[test]
fn a_bad_setting_stops_start_up_and_names_it() {
    let dir = WorkDir::new("riff-cli");
    for (variable, value) in [
        ("RIFF_BIND", "not-an-address"),
        ("RIFF_CURRENCY", "EURO"),
        ("RIFF_PLATFORM_PRIORITY", "ebay,etsy"),
        ("RIFF_LOG_FORMAT", "xml"),
    ] {
        let out = riff(&dir.0)
            .arg("serve")
            .env(variable, value)
            .output()
            .expect("riff runs");
        assert!(
            !out.status.success(),
            "{variable}={value} should stop start-up"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(variable), "{variable}: {stderr}");
    }
    let out = fails(
        riff(&dir.0)
            .arg("serve")
            .env("DATABASE_URL", "mysql://nope"),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("DATABASE_URL"));
}

#[test]
fn serve_prints_a_new_token_once_answers_and_stops_cleanly_on_sigterm() {
    let dir = WorkDir::new("riff-cli");
    let port = free_port();
    let mut child = riff(&dir.0)
        .arg("serve")
        .env("RIFF_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("riff starts");
    let lines = lines_of(&mut child);
    let deadline = Instant::now() + Duration::from_secs(20);
    let token = loop {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the generated token is printed");
        let line = line.trim();
        if line.len() == 64 && line.chars().all(|c| c.is_ascii_hexdigit()) {
            break line.to_owned();
        }
    };

    let client = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let health = loop {
        match client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
        {
            Ok(response) => break response,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("riff serve did not answer: {e}"),
        }
    };
    assert!(health.status().is_success());
    let products = client
        .get(format!("http://127.0.0.1:{port}/api/products"))
        .bearer_auth(&token)
        .send()
        .expect("an answer");
    assert!(products.status().is_success());

    let status = stop_with_sigterm(&mut child);
    assert!(status.success(), "a clean stop exits 0, got {status}");
}

#[test]
fn log_format_json_writes_one_json_object_per_line() {
    let dir = WorkDir::new("riff-cli");
    let port = free_port();
    let mut child = riff(&dir.0)
        .arg("serve")
        .env("RIFF_BIND", format!("127.0.0.1:{port}"))
        .env("RIFF_LOG_FORMAT", "json")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("riff starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let (line_sender, lines) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = line_sender.send(line);
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !seen
        .iter()
        .any(|line: &String| line.contains("riff is listening"))
    {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("no \"riff is listening\" log line; stderr so far: {seen:#?}"),
        }
    }
    // Once it answers, it stops cleanly on SIGTERM (before, SIGTERM kills it).
    let client = reqwest::blocking::Client::new();
    while client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .is_err()
    {
        assert!(Instant::now() < deadline, "riff serve did not answer");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = stop_with_sigterm(&mut child);
    assert!(status.success(), "a clean stop exits 0, got {status}");
    reader.join().expect("the stderr reader ends");
    seen.extend(lines.try_iter());

    let objects: Vec<serde_json::Map<String, serde_json::Value>> = seen
        .iter()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON object ({e}): {line}"))
        })
        .collect();
    for object in &objects {
        for key in ["timestamp", "level", "target"] {
            assert!(object.contains_key(key), "no `{key}` in {object:?}");
        }
    }
    let listening = objects
        .iter()
        .find(|object| object["message"] == "riff is listening")
        .expect("the listening line, as JSON");
    assert_eq!(listening["level"], "INFO");
    assert_eq!(listening["address"], format!("127.0.0.1:{port}").as_str());
}

#[test]
fn replay_rebuilds_the_views_and_refuses_an_unknown_one() {
    let dir = WorkDir::new("riff-cli");
    let out = succeeds(riff(&dir.0).arg("replay"));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Rebuilt inventory, flags, sales, settings, listing_index, sync_runs"),
        "{said}"
    );

    let out = fails(riff(&dir.0).args(["replay", "--view", "sales", "--view", "nope"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nope") && stderr.contains("inventory"),
        "{stderr}"
    );
}

#[test]
fn export_csv_writes_a_file_with_a_header() {
    let dir = WorkDir::new("riff-cli");
    succeeds(riff(&dir.0).args(["export", "csv", "--out", "stock.csv", "--brand", "gibson"]));
    let csv = std::fs::read_to_string(dir.0.join("stock.csv")).expect("the file is written");
    assert!(csv.starts_with("\u{feff}sku,title,brand"), "{csv}");
    let bad = fails(riff(&dir.0).args(["export", "csv", "--sort", "colour"]));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--sort"));
}

/// A simulated eBay and Reverb, each with a listing Riff made (with a SKU),
/// one made by hand on the platform (no SKU), and a sale.
fn marketplaces(runtime: &tokio::runtime::Runtime) -> (String, String) {
    use riff_adapters::ebay::simulator::{SimConfig, API_PATH};
    use riff_adapters::ebay::EbaySimulator;
    use riff_adapters::reverb::ReverbSimulator;
    use rust_decimal::Decimal;

    let ebay = EbaySimulator::new(SimConfig {
        page_size: 1,
        ..SimConfig::default()
    });
    let sold = ebay.seed_listing("GIB-LP-59", "Gibson Les Paul", Decimal::new(149_900, 2), 1);
    ebay.seed_listing(
        "FEN-STRAT",
        "Fender Stratocaster",
        Decimal::new(99_900, 2),
        1,
    );
    ebay.add_external_listing("Boss DS-1 Distortion", Decimal::new(4_500, 2));
    ebay.record_sale(&sold, 1, chrono::Utc::now())
        .expect("a sale");
    let reverb = ReverbSimulator::new("reverb-token");
    reverb.seed_listing("VOX-AC30", "Vox AC30", Decimal::new(120_000, 2), 1);
    let (ebay_base, reverb_base) = runtime.block_on(async {
        (
            ebay.spawn().await.expect("eBay simulator"),
            reverb.spawn().await.expect("Reverb simulator"),
        )
    });
    (
        format!("{ebay_base}{API_PATH}"),
        format!("{reverb_base}/api"),
    )
}

#[test]
fn platforms_scan_shows_what_a_platform_reports() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (ebay_url, reverb_url) = marketplaces(&runtime);
    let dir = WorkDir::new("riff-cli");
    let out = succeeds(
        riff(&dir.0)
            .args(["platforms", "scan", "ebay", "--json"])
            .env("EBAY_API_URL", &ebay_url)
            .env("EBAY_OAUTH_TOKEN", "v^1.1#sim-access-0"),
    );
    let scan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(scan["platform"], "ebay");
    let listings = scan["listings"].as_array().expect("listings");
    let live: Vec<_> = listings.iter().filter(|l| l["status"] == "live").collect();
    assert_eq!(live.len(), 2, "{listings:?}");
    assert!(live
        .iter()
        .any(|l| l["sku"] == "FEN-STRAT" && l["price"] == "999.00" && l["currency"] == "GBP"));
    assert!(live
        .iter()
        .any(|l| l["sku"].is_null() && l["title"] == "Boss DS-1 Distortion"));
    let sales = scan["sales"].as_array().expect("sales");
    assert_eq!(sales.len(), 1);
    assert_eq!(sales[0]["sku"], "GIB-LP-59");
    // The order number the seller finds in Seller Hub (`OrderID`, as
    // `12-34567-89012`), beside the line reference Riff keeps a sale by.
    let number = sales[0]["order_number"].as_str().expect("an order number");
    let groups: Vec<&str> = number.split('-').collect();
    assert!(
        groups.len() == 3 && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit())),
        "{number}"
    );
    assert_ne!(sales[0]["order_ref"], sales[0]["order_number"]);
    assert_eq!(sales[0]["currency"], "GBP");
    // Page size 1: one request per listing at least, all counted.
    assert!(scan["requests"].as_u64().expect("a count") >= 3, "{scan}");

    let table = succeeds(
        riff(&dir.0)
            .args(["platforms", "scan", "reverb"])
            .env("REVERB_API_URL", &reverb_url)
            .env("REVERB_API_TOKEN", "reverb-token"),
    );
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("VOX-AC30") && table.contains("Vox AC30"),
        "{table}"
    );
}

#[test]
fn platforms_scan_says_which_setting_to_fix() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (ebay_url, _) = marketplaces(&runtime);
    let dir = WorkDir::new("riff-cli");
    let unset = fails(
        riff(&dir.0)
            .args(["platforms", "scan", "ebay"])
            .env_remove("EBAY_OAUTH_TOKEN"),
    );
    assert!(String::from_utf8_lossy(&unset.stderr).contains("EBAY_OAUTH_TOKEN"));

    let refused = fails(
        riff(&dir.0)
            .args(["platforms", "scan", "ebay", "--json"])
            .env("EBAY_API_URL", &ebay_url)
            .env("EBAY_OAUTH_TOKEN", "v^1.1#not-a-token"),
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("eBay") && stderr.to_lowercase().contains("token"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty(), "nothing half-printed");

    let shopify = fails(
        riff(&dir.0)
            .args(["platforms", "scan", "shopify"])
            .env_remove("SHOPIFY_SHOP_URL"),
    );
    assert!(String::from_utf8_lossy(&shopify.stderr).contains("SHOPIFY_SHOP_URL"));
    let vr = fails(
        riff(&dir.0)
            .args(["platforms", "scan", "vr"])
            .env_remove("VR_USERNAME"),
    );
    assert!(String::from_utf8_lossy(&vr.stderr).contains("VR_USERNAME"));
}

/// Starts `riff sim` with `seed` (JSON) and returns it with the settings it
/// printed.
fn start_sim(dir: &WorkDir, seed: &str) -> (std::process::Child, Vec<(String, String)>) {
    std::fs::write(dir.0.join("seed.json"), seed).expect("a seed file");
    let mut sim = riff(&dir.0)
        .args(["sim", "--bind", "127.0.0.1:0", "--seed", "seed.json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("riff sim starts");
    let lines = lines_of(&mut sim);
    // The settings end with V&R's password.
    let mut settings: Vec<(String, String)> = Vec::new();
    while settings.last().is_none_or(|(k, _)| k != "VR_PASSWORD") {
        let line = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("riff sim prints its settings");
        if let Some((key, value)) = line.split_once('=') {
            settings.push((key.to_owned(), value.to_owned()));
        }
    }
    assert!(settings.iter().any(|(k, _)| k == "EBAY_API_URL"));
    (sim, settings)
}

#[test]
fn platforms_scan_reads_the_marketplaces_that_riff_sim_runs() {
    let dir = WorkDir::new("riff-cli");
    let (mut sim, settings) = start_sim(
        &dir,
        r#"{"ebay": [{"sku": "GIB-1", "title": "Gibson SG", "price": "899.00"},
                     {"title": "Listed by hand", "price": "45.00"}],
            "reverb": [{"sku": "VOX-1", "title": "Vox AC15", "price": "650.00", "quantity": 2}],
            "shopify": [{"sku": "BOSS-1", "title": "Boss DS-1", "price": "45.00"},
                        {"sku": "EHX-1", "title": "Big Muff", "price": "69.00"},
                        {"title": "Made in the Shopify admin", "price": "10.00"}],
            "vr": [{"sku": "GRE-1", "brand": "Gretsch", "title": "White Falcon", "price": "3500.00"}]}"#,
    );

    for (platform, listings) in [("ebay", 2), ("reverb", 1), ("shopify", 3), ("vr", 1)] {
        let out = riff(&dir.0)
            .args(["platforms", "scan", platform, "--json"])
            .envs(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("riff runs");
        assert!(
            out.status.success(),
            "{platform}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let scan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(
            scan["listings"].as_array().expect("listings").len(),
            listings,
            "{scan}"
        );
    }
    let status = stop_with_sigterm(&mut sim);
    assert!(status.success());
}

#[test]
fn sync_imports_what_the_marketplaces_hold_and_exits_2_when_one_fails() {
    let dir = WorkDir::new("riff-cli");
    let (mut sim, settings) = start_sim(
        &dir,
        r#"{"ebay": [{"sku": "GIB-1", "title": "Gibson SG Standard", "price": "899.00"}],
            "reverb": [{"sku": "GIB-1", "title": "Gibson SG Standard", "price": "899.00"},
                       {"title": "Vox AC15 amplifier", "price": "650.00"}],
            "shopify": [{"sku": "GIB-1", "title": "Gibson SG Standard", "price": "899.00"}],
            "vr": [{"sku": "GIB-1", "brand": "Gibson", "title": "SG Standard", "price": "899.00"}]}"#,
    );
    let sync = |extra: &[(&str, &str)]| {
        riff(&dir.0)
            .args(["sync", "--json"])
            .envs(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(extra.iter().copied())
            .output()
            .expect("riff runs")
    };
    let first = sync(&[]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON");
    assert!(report["run_id"].is_string());
    for platform in ["ebay", "reverb", "shopify", "vr"] {
        let p = &report["platforms"][platform];
        for field in [
            "requests",
            "listings",
            "sales",
            "detected",
            "ended_elsewhere",
        ] {
            assert!(p[field].is_u64(), "{platform}.{field} in {report}");
        }
        assert_eq!(p["errors"], serde_json::json!([]), "{report}");
    }
    assert_eq!(report["platforms"]["reverb"]["detected"], 2);
    for field in ["published", "revised", "ended", "failed"] {
        assert_eq!(report["effects"][field], 0, "{report}");
    }

    // eBay's token is refused; the others still sync, and the exit code says
    // something needs fixing.
    let second = sync(&[
        ("EBAY_OAUTH_TOKEN", "v^1.1#revoked"),
        ("EBAY_REFRESH_TOKEN", "v^1.1#revoked-too"),
    ]);
    assert_eq!(second.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&second.stdout).expect("JSON");
    let errors = report["platforms"]["ebay"]["errors"].to_string();
    assert!(errors.to_lowercase().contains("token"), "{report}");
    assert_eq!(
        report["platforms"]["reverb"]["errors"],
        serde_json::json!([])
    );
    assert_eq!(
        report["platforms"]["reverb"]["detected"], 0,
        "nothing twice"
    );

    let products = riff(&dir.0)
        .args(["export", "csv"])
        .envs(settings.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("riff runs");
    let csv = String::from_utf8_lossy(&products.stdout);
    assert_eq!(csv.lines().count(), 3, "a header and two products: {csv}");
    assert!(stop_with_sigterm(&mut sim).success());
}

#[test]
fn user_add_takes_a_password_from_standard_input_and_refuses_a_short_one() {
    use std::io::Write as _;
    let dir = WorkDir::new("riff-cli");
    let add = |name: &str, password: &str| {
        let mut child = riff(&dir.0)
            .args(["user", "add", name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("riff runs");
        writeln!(child.stdin.take().expect("stdin"), "{password}").expect("written");
        child.wait_with_output().expect("riff ends")
    };
    let ok = add("ana", "a long enough password");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let short = add("ben", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least"));
    let twice = add("ana", "another long password");
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already a user"));
}

/// Runs `riff serve` in `dir` just long enough to create one product
/// through the API: a shop whose log Riff wrote.
fn a_shop_in(dir: &WorkDir) {
    let port = free_port();
    let token = "cli-test-token-0123456789";
    let mut child = riff(&dir.0)
        .arg("serve")
        .env("RIFF_BIND", format!("127.0.0.1:{port}"))
        .env("RIFF_API_TOKEN", token)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("riff starts");
    let client = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let created = loop {
        let sent = client
            .post(format!("http://127.0.0.1:{port}/api/products"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "sku": "VERIFY-1", "title": "Fender Telecaster", "brand": "Fender",
                "model": "Telecaster", "category": "Electric Guitars",
                "condition": "excellent", "price": "1200.00"
            }))
            .send();
        match sent {
            Ok(response) => break response,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("riff serve did not answer: {e}"),
        }
    };
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    assert!(stop_with_sigterm(&mut child).success());
}

/// `riff verify` as an operator uses it: the head hash to keep, then, once
/// an event has been rewritten behind Riff's back (triggers dropped),
/// exit status 1 and the position that changed.
#[test]
fn verify_prints_the_head_hash_and_exits_1_naming_a_rewritten_event() {
    let dir = WorkDir::new("riff-cli");
    a_shop_in(&dir);

    let out = succeeds(riff(&dir.0).args(["verify", "--json"]));
    let intact: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(intact["ok"], true, "{intact}");
    assert!(
        intact["events"].as_u64().unwrap_or_default() >= 1,
        "{intact}"
    );
    assert!(intact["first_bad_position"].is_null(), "{intact}");
    let head = intact["head"].as_str().expect("a head hash").to_owned();
    assert_eq!(head.len(), 64);
    let out = riff(&dir.0).arg("verify").output().expect("riff runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&head));
    let out = riff(&dir.0)
        .args(["verify", "--expect", &head])
        .output()
        .expect("riff runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing up to it has changed"));

    let rewritten: i64 = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            use sqlx::Connection;
            let url = format!("sqlite://{}", dir.0.join("riff.db").display());
            let mut db = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("the file");
            let position: i64 = sqlx::query_scalar(
                "select min(position) from events where event_type = 'ProductCreated'",
            )
            .fetch_one(&mut db)
            .await
            .expect("the product's first event");
            for sql in [
                "drop trigger events_no_update".to_owned(),
                format!(
                    "update events set payload = replace(payload, '1200.00', '120.00') \
                     where position = {position}"
                ),
            ] {
                sqlx::query(&sql).execute(&mut db).await.expect("a rewrite");
            }
            position
        });

    let out = riff(&dir.0).arg("verify").output().expect("riff runs");
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("position {rewritten}")), "{said}");
    let out = riff(&dir.0)
        .args(["verify", "--json"])
        .output()
        .expect("riff runs");
    assert_eq!(out.status.code(), Some(1));
    let broken: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(broken["ok"], false);
    assert_eq!(broken["first_bad_position"], rewritten);
    let out = riff(&dir.0)
        .args(["verify", "--expect", &head])
        .output()
        .expect("riff runs");
    assert_eq!(out.status.code(), Some(1));
}

/// The head hash `riff verify` prints for the database at `url`.
fn head_of(dir: &WorkDir, url: &str) -> String {
    let out = riff(&dir.0)
        .args(["verify", "--json"])
        .env("DATABASE_URL", url)
        .output()
        .expect("riff runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    found["head"].as_str().expect("a head hash").to_owned()
}

/// `riff backup`, `riff restore` and `riff store copy` as an operator runs
/// them: each ends with the same head hash, and a second restore into the
/// same database is refused.
#[test]
fn backup_restore_and_store_copy_carry_the_log_and_its_head() {
    let dir = WorkDir::new("riff-cli");
    a_shop_in(&dir);
    let source = format!("sqlite://{}", dir.0.join("riff.db").display());
    let head = head_of(&dir, &source);

    let file = dir.0.join("shop.jsonl.gz");
    let out = succeeds(riff(&dir.0).args(["backup", "--out"]).arg(&file));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&head));

    let restored = format!("sqlite://{}", dir.0.join("restored.db").display());
    succeeds(
        riff(&dir.0)
            .arg("restore")
            .arg(&file)
            .args(["--to", &restored]),
    );
    assert_eq!(head_of(&dir, &restored), head);
    let out = fails(
        riff(&dir.0)
            .arg("restore")
            .arg(&file)
            .args(["--to", &restored]),
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("empty database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let copied = format!("sqlite://{}", dir.0.join("copied.db").display());
    let out = succeeds(riff(&dir.0).args(["store", "copy", "--to", &copied]));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&head));
    assert_eq!(head_of(&dir, &copied), head);
}
