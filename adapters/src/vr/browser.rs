//! The way past V&R's Cloudflare front when plain HTTP is challenged (§4.1
//! "Cloudflare"): a headless Chromium, driven over WebDriver, opens the
//! site, lets Cloudflare's JavaScript challenge run until the page is the
//! site's own, logs in through the site's login form (`username`, `pass`),
//! and hands back every cookie it then holds with its User-Agent. RIFF did
//! the same with Selenium.
//!
//! Cloudflare ties `cf_clearance` to the browser that earned it, so the
//! HTTP client must send the same User-Agent; it is read from the browser
//! (`navigator.userAgent`), after replacing the `HeadlessChrome` token that
//! headless Chromium announces and that bot checks refuse.
//!
//! The WebDriver is `VR_WEBDRIVER_URL` when set, or a `chromedriver` started
//! here on a free loopback port, with a throw-away profile, and stopped with
//! its browser when done. Cookie values and the password never reach a log.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use riff_domain::port::PortError;
use serde_json::{json, Value};

use crate::Secret;

/// Where Debian's `chromium` package puts the browser.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// What an operator must do when no WebDriver can be had.
const INSTALL: &str = "install Debian's `chromium` and `chromium-driver` \
                       (apt-get install chromium chromium-driver) or set VR_WEBDRIVER_URL \
                       to a running WebDriver";

/// How long a started `chromedriver` may take to listen.
const DRIVER_START: Duration = Duration::from_secs(10);

/// How often a page is looked at while waiting for it.
const POLL: Duration = Duration::from_millis(250);

/// True while the page is loading or is Cloudflare's challenge rather than
/// the site: its "Just a moment..." title, its `_cf_chl_opt` settings
/// object, or one of its challenge containers.
const CHALLENGED: &str = r##"
return document.readyState !== "complete"
    || /^just a moment/i.test(document.title)
    || typeof window._cf_chl_opt !== "undefined"
    || document.querySelector("#challenge-form, #challenge-running, #challenge-stage") !== null;
"##;

/// Fills the login form the page carries and submits it as a click would
/// (its submit handlers run); `false` when the page has no such form. The
/// fields are set by script because V&R's login box sits in a header
/// drop-down that may be hidden, where typing would be refused. The marker
/// tells the old page from the one the post leads to.
const SUBMIT_LOGIN: &str = r#"
const [username, password] = arguments;
const user = document.querySelector("input[name='username']");
const pass = document.querySelector("input[name='pass']");
if (!user || !pass || !user.form) { return false; }
for (const [input, value] of [[user, username], [pass, password]]) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
}
window.__riffLoginPending = true;
HTMLFormElement.prototype.requestSubmit.call(user.form);
return true;
"#;

/// How to reach a WebDriver and how long to wait for V&R.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserConfig {
    /// `VR_WEBDRIVER_URL`: a running WebDriver (`http://…`, a Selenium
    /// Grid say). `None` starts [`BrowserConfig::chromedriver`] here.
    pub webdriver_url: Option<String>,
    /// The driver program started when there is no `webdriver_url`.
    pub chromedriver: PathBuf,
    /// The browser the started driver runs; `None` leaves it to the driver.
    pub chromium: Option<PathBuf>,
    /// How long the challenge, and then the login, may each take.
    pub timeout: Duration,
}

impl Default for BrowserConfig {
    /// A `chromedriver` from `PATH` running Debian's Chromium; a minute for
    /// Cloudflare, whose checks take a few seconds.
    fn default() -> Self {
        Self {
            webdriver_url: None,
            chromedriver: PathBuf::from("chromedriver"),
            chromium: Some(PathBuf::from(DEBIAN_CHROMIUM)).filter(|p| p.exists()),
            timeout: Duration::from_secs(60),
        }
    }
}

/// Why the browser path failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// No `chromedriver` to start, or it would not run.
    #[error("chromedriver could not be started ({detail}); {INSTALL}")]
    DriverMissing { detail: String },
    /// The WebDriver would not open a Chromium session (no browser, a
    /// browser that crashed, an unreachable `VR_WEBDRIVER_URL`).
    #[error("the WebDriver at {url} did not open a Chromium session ({detail}); {INSTALL}")]
    NoSession { url: String, detail: String },
    /// Cloudflare kept showing its challenge (an interactive one, or a
    /// block): only a person in a real browser can get past it.
    #[error(
        "Cloudflare's challenge was still shown after {}s in headless Chromium{}; pass it in \
         a browser, then set VR_COOKIES to its cookies and VR_USER_AGENT to its User-Agent",
        waited.as_secs(),
        last_error.as_ref().map(|e| format!(" (last browser error: {e})")).unwrap_or_default()
    )]
    ChallengeNotPassed {
        waited: Duration,
        last_error: Option<String>,
    },
    /// The site is not a login page Riff knows: no `username` and `pass`
    /// inputs on the home page nor on `/login`.
    #[error("no login form (inputs `username` and `pass`) on Vintage & Rare's {page}")]
    NoLoginForm { page: String },
    /// The login form answered without logging in.
    #[error("Vintage & Rare refused the login in the browser; check VR_USERNAME and VR_PASSWORD")]
    LoginRefused,
    /// Logged in, yet the browser holds no session cookie to hand over.
    #[error("the browser logged in but holds no {name} cookie to hand to the HTTP client")]
    NoSessionCookie { name: &'static str },
    /// A WebDriver command failed.
    #[error("the browser failed: {0}")]
    WebDriver(String),
}

impl From<CmdError> for BrowserError {
    fn from(error: CmdError) -> Self {
        Self::WebDriver(error.to_string())
    }
}

impl From<BrowserError> for PortError {
    /// What the operator must act on is `Auth` (it names the setting or
    /// package); a browser that failed mid-way may work next time.
    fn from(error: BrowserError) -> Self {
        match error {
            BrowserError::WebDriver(_) => PortError::Transient(error.to_string()),
            BrowserError::NoLoginForm { .. } | BrowserError::NoSessionCookie { .. } => {
                PortError::Protocol(error.to_string())
            }
            BrowserError::DriverMissing { .. }
            | BrowserError::NoSession { .. }
            | BrowserError::ChallengeNotPassed { .. }
            | BrowserError::LoginRefused => PortError::Auth(error.to_string()),
        }
    }
}

/// What the browser hands the HTTP client: the cookies of a cleared and
/// logged-in visit, and the User-Agent they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clearance {
    pub user_agent: String,
    /// Name and value; the values are credentials.
    pub cookies: Vec<(String, Secret)>,
}

/// The session cookie V&R's login issues (§4.1 "login").
const SESSION_COOKIE: &str = "PHPSESSID";

/// Opens `base_url` in headless Chromium, waits out Cloudflare's challenge,
/// logs in as `username` and returns the cookies and User-Agent.
///
/// # Errors
/// See [`BrowserError`]: no driver, no browser session, a challenge not
/// passed within [`BrowserConfig::timeout`], no login form, a refused login.
pub async fn clear_and_log_in(
    config: &BrowserConfig,
    base_url: &str,
    username: &str,
    password: &Secret,
) -> Result<Clearance, BrowserError> {
    // Each wait is bounded, but a browser that stops answering WebDriver
    // would not be; past this the whole attempt is dropped, and with it the
    // driver and its browsers.
    let limit = config.timeout * 3 + DRIVER_START;
    tokio::time::timeout(limit, drive(config, base_url, username, password))
        .await
        .unwrap_or_else(|_| {
            Err(BrowserError::WebDriver(format!(
                "the browser did not finish within {}s",
                limit.as_secs()
            )))
        })
}

async fn drive(
    config: &BrowserConfig,
    base_url: &str,
    username: &str,
    password: &Secret,
) -> Result<Clearance, BrowserError> {
    let driver = match &config.webdriver_url {
        Some(url) => Driver::Remote(url.trim_end_matches('/').to_owned()),
        None => Driver::start(config).await?,
    };
    // Headless Chromium says `HeadlessChrome` in its User-Agent, which bot
    // checks refuse: a first session reads the version, the second one says
    // plain `Chrome`.
    let probe = Session::open(&driver, config, None).await?;
    let announced = probe.user_agent().await;
    probe.close().await;
    let announced = announced?;
    let disguised = announced.replace("HeadlessChrome", "Chrome");
    let session = Session::open(&driver, config, Some(&disguised)).await?;
    let outcome = visit(&session.client, config, base_url, username, password).await;
    let user_agent = session.user_agent().await;
    session.close().await;
    let cookies = outcome?;
    Ok(Clearance {
        user_agent: user_agent?,
        cookies,
    })
}

/// The visit itself: home page, challenge, login, cookies.
async fn visit(
    client: &Client,
    config: &BrowserConfig,
    base_url: &str,
    username: &str,
    password: &Secret,
) -> Result<Vec<(String, Secret)>, BrowserError> {
    let home = format!("{base_url}/");
    client.goto(&home).await?;
    wait_out_challenge(client, config.timeout).await?;
    if !submit_login(client, username, password).await? {
        let page = format!("{base_url}/login");
        client.goto(&page).await?;
        wait_out_challenge(client, config.timeout).await?;
        if !submit_login(client, username, password).await? {
            return Err(BrowserError::NoLoginForm {
                page: "home page and /login".into(),
            });
        }
    }
    wait_for_answer(client, config.timeout).await?;
    // The answer may itself be challenged when Cloudflare looks again.
    wait_out_challenge(client, config.timeout).await?;
    let source = client.source().await?;
    let url = client.current_url().await?;
    let welcomed = source.contains("Logout") || source.contains("Sign out");
    if !welcomed && !url.path().contains("/account") {
        return Err(BrowserError::LoginRefused);
    }
    let cookies: Vec<(String, Secret)> = client
        .get_all_cookies()
        .await?
        .into_iter()
        .map(|c| (c.name().to_owned(), Secret::new(c.value())))
        .collect();
    if !cookies.iter().any(|(name, _)| name == SESSION_COOKIE) {
        return Err(BrowserError::NoSessionCookie {
            name: SESSION_COOKIE,
        });
    }
    Ok(cookies)
}

/// Waits until the page is the site's own. WebDriver commands may fail
/// while the challenge reloads the page; those count as "not yet".
async fn wait_out_challenge(client: &Client, timeout: Duration) -> Result<(), BrowserError> {
    let start = Instant::now();
    let mut last_error = None;
    loop {
        match client.execute(CHALLENGED, vec![]).await {
            Ok(Value::Bool(false)) => return Ok(()),
            Ok(_) => {}
            Err(error) => last_error = Some(error.to_string()),
        }
        if start.elapsed() >= timeout {
            return Err(BrowserError::ChallengeNotPassed {
                waited: timeout,
                last_error,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Fills and submits the login form of the page shown; `false` if none.
async fn submit_login(
    client: &Client,
    username: &str,
    password: &Secret,
) -> Result<bool, BrowserError> {
    let submitted = client
        .execute(
            SUBMIT_LOGIN,
            vec![json!(username), json!(password.expose())],
        )
        .await?;
    Ok(submitted == Value::Bool(true))
}

/// Waits until the page the login form was posted to has loaded.
async fn wait_for_answer(client: &Client, timeout: Duration) -> Result<(), BrowserError> {
    let start = Instant::now();
    loop {
        let loaded = client
            .execute(
                "return window.__riffLoginPending !== true && document.readyState === \"complete\";",
                vec![],
            )
            .await;
        if matches!(loaded, Ok(Value::Bool(true))) {
            return Ok(());
        }
        if start.elapsed() >= timeout {
            return Err(BrowserError::WebDriver(format!(
                "the login form was not answered within {}s",
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Where the WebDriver is.
enum Driver {
    Remote(String),
    /// A `chromedriver` started here, in its own process group so that
    /// dropping it ends the browsers it started too, even after a failure.
    Local {
        child: Child,
        url: String,
    },
}

impl Driver {
    async fn start(config: &BrowserConfig) -> Result<Self, BrowserError> {
        let missing = |detail: String| BrowserError::DriverMissing { detail };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| missing(format!("no free loopback port: {e}")))?
            .port();
        let child = Command::new(&config.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| missing(format!("{}: {e}", config.chromedriver.display())))?;
        // Wrapped at once, so that a return below stops it (Drop).
        let mut driver = Self::Local {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let start = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if let Self::Local { child, .. } = &mut driver {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(missing(format!(
                        "{} exited at once ({status})",
                        config.chromedriver.display()
                    )));
                }
            }
            if start.elapsed() >= DRIVER_START {
                return Err(missing(format!(
                    "{} did not listen on port {port} within {}s",
                    config.chromedriver.display(),
                    DRIVER_START.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(driver)
    }

    fn url(&self) -> &str {
        match self {
            Self::Remote(url) | Self::Local { url, .. } => url,
        }
    }

    fn is_local(&self) -> bool {
        matches!(self, Self::Local { .. })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Self::Local { child, .. } = self {
            // The group's id is the driver's pid (`process_group(0)`); std
            // can only signal the driver itself, so `kill` ends the group.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One browser session, with its own throw-away profile when the driver is
/// local (a remote driver makes its own on its machine).
struct Session {
    client: Client,
    _profile: Option<Profile>,
}

impl Session {
    async fn open(
        driver: &Driver,
        config: &BrowserConfig,
        user_agent: Option<&str>,
    ) -> Result<Self, BrowserError> {
        let no_session = |detail: String| BrowserError::NoSession {
            url: driver.url().to_owned(),
            detail,
        };
        let profile = if driver.is_local() {
            Some(Profile::create().map_err(|e| no_session(format!("no temporary profile: {e}")))?)
        } else {
            None
        };
        let mut args = vec![
            "--headless=new".to_owned(),
            // Chromium's sandbox cannot start as root, as in containers.
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,900".to_owned(),
        ];
        if let Some(profile) = &profile {
            args.push(format!("--user-data-dir={}", profile.0.display()));
        }
        if let Some(user_agent) = user_agent {
            args.push(format!("--user-agent={user_agent}"));
        }
        let mut options = json!({ "args": args });
        if let (true, Some(chromium)) = (driver.is_local(), &config.chromium) {
            options["binary"] = json!(chromium);
        }
        let timeout_ms = u64::try_from(config.timeout.as_millis()).unwrap_or(u64::MAX);
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "timeouts": { "pageLoad": timeout_ms, "script": timeout_ms },
        });
        let Value::Object(capabilities) = capabilities else {
            return Err(no_session("capabilities are not a JSON object".into()));
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(driver.url())
            .await
            .map_err(|e| no_session(e.to_string()))?;
        Ok(Self {
            client,
            _profile: profile,
        })
    }

    async fn user_agent(&self) -> Result<String, BrowserError> {
        match self
            .client
            .execute("return navigator.userAgent;", vec![])
            .await?
        {
            Value::String(user_agent) if !user_agent.is_empty() => Ok(user_agent),
            other => Err(BrowserError::WebDriver(format!(
                "navigator.userAgent was {other}"
            ))),
        }
    }

    /// Quits the browser; a failure leaves it to the driver's drop.
    async fn close(self) {
        if let Err(error) = self.client.close().await {
            tracing::debug!(%error, "closing the browser session failed");
        }
    }
}

/// A temporary Chromium profile directory, removed on drop.
struct Profile(PathBuf);

impl Profile {
    fn create() -> std::io::Result<Self> {
        let path = std::env::temp_dir().join(format!("riff-vr-chromium-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&path)?;
        Ok(Self(path))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        if let Err(error) = std::fs::remove_dir_all(&self.0) {
            tracing::debug!(%error, path = %self.0.display(), "a Chromium profile was left behind");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_chromedriver_says_what_to_install_or_set() {
        let config = BrowserConfig {
            chromedriver: PathBuf::from("/nonexistent/chromedriver"),
            ..BrowserConfig::default()
        };

        let error = clear_and_log_in(&config, "http://127.0.0.1:9", "u", &Secret::new("p"))
            .await
            .unwrap_err();

        assert!(
            matches!(error, BrowserError::DriverMissing { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("chromium-driver") && message.contains("VR_WEBDRIVER_URL"),
            "{message}"
        );
        assert!(matches!(PortError::from(error), PortError::Auth(_)));
    }

    #[test]
    fn the_clearance_never_shows_its_cookie_values() {
        let clearance = Clearance {
            user_agent: "Mozilla/5.0".into(),
            cookies: vec![("cf_clearance".into(), Secret::new("abc123secret"))],
        };
        assert!(!format!("{clearance:?}").contains("abc123secret"));
    }
}
