//! The admin site as a browser sees it: a cookie session, opened through
//! the login form, whose forms carry the session's CSRF token and answer
//! with redirects.

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};

use crate::{TestApp, ADMIN_PASSWORD};

/// A browser-like client: keeps cookies, does not follow redirects (so the
/// tests see them).
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("a browser-like client")
}

/// The value of the hidden field `name` in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("a {name} field"));
    let rest = &html[at..];
    let start = rest.find("value=\"").expect("a value") + 7;
    let end = rest[start..].find('"').expect("the value's end");
    rest[start..start + end].to_owned()
}

/// The value of a hidden `csrf_token` field in a page.
pub fn csrf_in(html: &str) -> String {
    hidden(html, "csrf_token")
}

/// What `client` reads at `path` of `app`, whatever the status.
pub async fn body_of(app: &TestApp, client: &Client, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .expect("request sent")
        .text()
        .await
        .expect("a body")
}

/// Fills in the login form at `base` (Riff's address) as admin with
/// `password`, and `extra` fields, with the token the form came with:
/// what every login, right or wrong, does. Answers the form's response.
pub async fn try_log_in(
    base: &str,
    client: &Client,
    password: &str,
    extra: &[(&str, &str)],
) -> Response {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("request sent");
    assert_eq!(page.status(), StatusCode::OK);
    let token = csrf_in(&page.text().await.expect("the login page"));
    let mut form = vec![
        ("csrf_token", token.as_str()),
        ("username", "admin"),
        ("password", password),
    ];
    form.extend_from_slice(extra);
    client
        .post(format!("{base}/login"))
        .form(&form)
        .send()
        .await
        .expect("request sent")
}

/// Logs `client` in as admin and returns the session's CSRF token,
/// asserting what a browser is told on the way: the redirect, and a
/// session cookie scripts cannot read.
pub async fn log_in(app: &TestApp, client: &Client) -> String {
    let response = try_log_in(
        &app.address,
        client,
        ADMIN_PASSWORD,
        &[("next", "/inventory")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "logging in");
    assert_eq!(response.headers()["location"], "/inventory");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("a text cookie").to_owned())
        .find(|c| c.starts_with("riff_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let home = client.get(app.url("/")).send().await.expect("request sent");
    assert_eq!(home.status(), StatusCode::OK);
    csrf_in(&home.text().await.expect("the dashboard"))
}

/// The HTML of an admin page, as a fresh browser logged in as admin sees it.
pub async fn admin_page(app: &TestApp, path: &str) -> String {
    Admin::log_in(app).await.body_of(path).await
}

/// An admin logged in on `app` through the login form: what every test of
/// the admin pages starts from, and what posts their forms as a browser
/// does.
pub struct Admin<'a> {
    pub app: &'a TestApp,
    pub client: Client,
    /// The session's CSRF token, which every form carries.
    pub csrf: String,
}

impl<'a> Admin<'a> {
    /// A fresh browser, logged in as admin (see [`log_in`]).
    pub async fn log_in(app: &'a TestApp) -> Self {
        let client = browser();
        let csrf = log_in(app, &client).await;
        Self { app, client, csrf }
    }

    /// What the browser reads at `path`, whatever the status.
    pub async fn body_of(&self, path: &str) -> String {
        body_of(self.app, &self.client, path).await
    }

    /// The page at `path`, asserting `200`.
    pub async fn page(&self, path: &str) -> String {
        let response = self
            .client
            .get(self.app.url(path))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.text().await.expect("a page")
    }

    /// Posts `form` as it stands (a test of a missing or forged token
    /// writes its own) and answers the raw response.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.app.url(path))
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// Posts `form` as a browser does and returns the page its redirect
    /// leads to.
    pub async fn submit(&self, path: &str, form: &[(&str, &str)]) -> String {
        let response = self.post_form(path, form).await;
        self.follow(response).await
    }

    /// Posts `fields` after the session's CSRF token, as the page's own
    /// form does, and returns the page its redirect leads to.
    pub async fn act(&self, path: &str, fields: &[(&str, &str)]) -> String {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.submit(path, &form).await
    }

    /// Follows a redirect answer and returns the page it leads to.
    pub async fn follow(&self, response: Response) -> String {
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"]
            .to_str()
            .expect("a text location")
            .to_owned();
        self.page(&location).await
    }
}
