//! [`VrClient`]: the Marketplace port over the Vintage & Rare website (§4).
//!
//! Every call runs in a logged-in cookie session (`PHPSESSID`, kept in a
//! cookie jar). The session is made on first use and made again, once per
//! call, when V&R sends a request back to its login page or refuses it with
//! 401/403; a login V&R refuses is an [`PortError::Auth`] naming
//! `VR_USERNAME`/`VR_PASSWORD`.
//!
//! Reads are the inventory CSV export, fetched whole and retried by
//! [`RetryPolicy`]. Writes are the add/edit item form and the AJAX calls,
//! never retried. V&R has no idempotency key, so a publish looks the SKU up
//! in the export first, and finds a new item's id there when the create
//! answer does not carry it (§4.4).
//!
//! The item form goes as `multipart/form-data`, as V&R's own page posts it
//! (§4.1), with the listing's pictures fetched from their URLs and attached
//! as files (`upload_file_box_1…N`, fetched by `pictures`). An edit sends
//! the whole set again.
//!
//! Cloudflare: a challenge (403 with `cf-mitigated: challenge`, §4.1) is
//! first met with the cookies of `VR_COOKIES`, harvested from a browser and
//! sent with `VR_USER_AGENT` (Cloudflare ties `cf_clearance` to the browser's
//! User-Agent). When those are missing or no longer pass, and the browser
//! path is on ([`VrConfig::browser`]), headless Chromium passes the
//! challenge and logs in ([`super::browser`]); its cookies go into the jar,
//! its User-Agent on every later request, and the request is tried again,
//! once. With the browser path off, a challenge is an `Auth` error saying
//! which settings to set.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::cookie::Jar;
use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_TYPE, LOCATION, REFERER, SET_COOKIE, USER_AGENT,
};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, StatusCode, Url};
use riff_domain::listing::sent::Changes;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{
    Listings, Marketplace, PortError, PublishRequest, Published, RemoteListing, RemoteStatus, Sales,
};
use riff_domain::value::{Currency, Money, Platform};
use rust_decimal::Decimal;
use serde::Serialize;
use tokio::sync::Mutex;

use super::browser::{self, BrowserConfig};
use super::wire::{self, BrandForm, ExportRow, ItemForm, LoginForm, ProductIdForm, MAX_PICTURES};
use crate::http::{self, RetryPolicy};
use crate::pictures::{self, OwnPictures, Picture};
use crate::request::foreign_attributes;
use crate::scanned;
use crate::Secret;

/// The export is about 3 MB for 1,500 items and V&R builds it slowly; RIFF
/// allowed 180 seconds (§4.1 "CSV download").
const EXPORT_TIMEOUT: Duration = Duration::from_secs(180);

/// What V&R's form offers before anyone changes it, and RIFF sent.
pub const DEFAULT_PROCESSING_DAYS: u32 = 3;

/// The item form carries up to twenty pictures of up to 10 MB each.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(180);

/// Any other page or form answers within this.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// The brand check is asked while an owner waits for a page (readiness):
/// it gives up sooner than a page load, as the original system's 3 s did.
const BRAND_TIMEOUT: Duration = Duration::from_secs(3);

/// The export page, which must be the `Referer` of the download (§4.1).
const EXPORT_PAGE: &str = "/instruments/export_inventory";
const EXPORT_CSV: &str = "/instruments/export_inventory/export_inventory";
const ITEM_FORM: &str = "/instruments/add_edit_item";

/// Names Riff in V&R's logs until a browser's User-Agent is needed.
const RIFF_USER_AGENT: &str = concat!("riff/", env!("CARGO_PKG_VERSION"));

/// Everything the client needs to act as the shop on V&R.
#[derive(Debug, Clone)]
pub struct VrConfig {
    /// The site, `https://www.vintageandrare.com` (paths are appended).
    pub base_url: String,
    /// `VR_USERNAME`.
    pub username: String,
    /// `VR_PASSWORD`.
    pub password: Secret,
    /// `VR_COOKIES`: a `Cookie` header value harvested from a browser that
    /// passed Cloudflare (`cf_clearance=…; …`), put in the cookie jar.
    pub cookies: Option<Secret>,
    /// `VR_USER_AGENT`: the User-Agent of the browser `cookies` came from;
    /// without it Riff names itself.
    pub user_agent: Option<String>,
    /// `VR_BROWSER`: how to pass a Cloudflare challenge in headless
    /// Chromium; `None` (`off`) makes a challenge an `Auth` error.
    pub browser: Option<BrowserConfig>,
    /// The account's currency, in which the export's prices are written.
    pub currency: Currency,
    /// Retries for reads.
    pub retry: RetryPolicy,
    /// Where Riff reads its own pictures to attach them.
    pub own_pictures: OwnPictures,
    /// `VR_PROCESSING_DAYS`: how many days the shop takes to send an item,
    /// as every listing says.
    pub processing_days: u32,
}

impl VrConfig {
    /// Plain HTTP only: no harvested cookies, no browser path.
    pub fn new(base_url: impl Into<String>, username: impl Into<String>, password: Secret) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            username: username.into(),
            password,
            cookies: None,
            user_agent: None,
            browser: None,
            currency: Currency::GBP,
            retry: RetryPolicy::default(),
            own_pictures: OwnPictures::default(),
            processing_days: DEFAULT_PROCESSING_DAYS,
        }
    }
}

/// The V&R adapter.
#[derive(Debug)]
pub struct VrClient {
    config: VrConfig,
    /// Sends V&R the jar's cookies; follows no redirect.
    http: reqwest::Client,
    /// Fetches pictures from wherever they are, without V&R's cookies.
    pictures: reqwest::Client,
    jar: Arc<Jar>,
    /// `base_url`, parsed, which the jar's cookies belong to.
    site: Url,
    /// Held for a whole exchange: V&R issues a fresh session at every login
    /// (§4.1), so two calls re-logging in at once would end each other's
    /// session; and only one browser should pass one challenge.
    session: Mutex<Session>,
    /// V&R's answers to the brand check, by brand (lowercased), for
    /// [`BRAND_MEMORY`]: every product page asks, and V&R's list changes
    /// rarely. Never held across an await.
    brands: std::sync::Mutex<HashMap<String, (Instant, bool)>>,
}

/// How long a brand check's answer is kept (the original system kept it
/// five minutes, for at most 200 brands).
const BRAND_MEMORY: Duration = Duration::from_secs(300);
const BRANDS_KEPT: usize = 200;

#[derive(Debug)]
struct Session {
    /// Whether the jar holds a `PHPSESSID` V&R accepted.
    logged_in: bool,
    /// The browser's, once one passed Cloudflare for Riff.
    user_agent: Option<String>,
}

/// What V&R, or Cloudflare in front of it, answered.
#[derive(Debug)]
enum Sent {
    /// Cloudflare's challenge, not V&R.
    Challenged,
    Page {
        status: StatusCode,
        headers: HeaderMap,
        body: String,
    },
}

/// A non-failed answer: V&R says most things with a 200 page or a redirect.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

impl VrClient {
    /// # Errors
    /// [`PortError::Auth`] when `base_url` is not a URL or `cookies` is not a
    /// `Cookie` header value; otherwise only if the HTTP client cannot be
    /// built.
    pub fn new(config: VrConfig) -> Result<Self, PortError> {
        let site = Url::parse(&config.base_url).map_err(|e| {
            PortError::Auth(format!(
                "VR_BASE_URL {:?} is not a URL ({e}); set it to the site's root",
                config.base_url
            ))
        })?;
        let jar = Arc::new(Jar::default());
        if let Some(cookies) = &config.cookies {
            for (name, value) in parse_cookie_header(cookies.expose())? {
                jar.add_cookie_str(&format!("{name}={value}; Path=/"), &site);
            }
        }
        let unbuilt = |e: reqwest::Error| {
            PortError::Transient(format!("could not build the HTTP client: {e}"))
        };
        // Redirects are not followed: a create's 302 carries the new id, and
        // a redirect to the login page is how a lapsed session shows (§4.1).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(RIFF_USER_AGENT)
            .cookie_provider(Arc::clone(&jar))
            .build()
            .map_err(unbuilt)?;
        let pictures = reqwest::Client::builder()
            .user_agent(RIFF_USER_AGENT)
            .build()
            .map_err(unbuilt)?;
        let session = Session {
            logged_in: false,
            user_agent: config.user_agent.clone(),
        };
        Ok(Self {
            config,
            http,
            pictures,
            jar,
            site,
            session: Mutex::new(session),
            brands: std::sync::Mutex::new(HashMap::new()),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    /// A request to `path` as a browser sends it from the page `from`: V&R
    /// checks the `Referer` of its export and its forms.
    fn page_request(
        &self,
        method: Method,
        path: &str,
        from: &str,
        timeout: Duration,
    ) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header(REFERER, self.url(from))
            .timeout(timeout)
    }

    /// An AJAX form post to `path`, as the items page's script sends it
    /// (V&R checks its `Referer` too).
    fn ajax_post<T: Serialize + ?Sized>(
        &self,
        path: &str,
        form: &T,
        timeout: Duration,
    ) -> RequestBuilder {
        self.http
            .post(self.url(path))
            .header("X-Requested-With", "XMLHttpRequest")
            .header(REFERER, self.url("/account/items"))
            .timeout(timeout)
            .form(form)
    }

    /// Sends one request with the session's User-Agent (the jar adds the
    /// cookies) and reads the whole answer. Counts the request: the
    /// browser's own requests are not counted.
    async fn send(
        &self,
        request: RequestBuilder,
        session: &Session,
        requests: &AtomicU32,
    ) -> Result<Sent, PortError> {
        requests.fetch_add(1, Ordering::Relaxed);
        let request = match &session.user_agent {
            Some(user_agent) => request.header(USER_AGENT, user_agent),
            None => request,
        };
        let response = request
            .send()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        if is_challenge(status, &headers) {
            return Ok(Sent::Challenged);
        }
        let body = response
            .text()
            .await
            .map_err(|e| http::transport_error(&e))?;
        Ok(Sent::Page {
            status,
            headers,
            body,
        })
    }

    /// Gets past Cloudflare's challenge in headless Chromium, which also
    /// logs in; once per call (`cleared`), since a second challenge means
    /// the browser's clearance does not work for this client.
    async fn pass_challenge(
        &self,
        session: &mut Session,
        cleared: &mut bool,
    ) -> Result<(), PortError> {
        if *cleared {
            return Err(PortError::Auth(
                "Vintage & Rare still answers with a Cloudflare challenge after headless \
                 Chromium passed it; pass it in a browser, then set VR_COOKIES to its cookies \
                 and VR_USER_AGENT to its User-Agent"
                    .into(),
            ));
        }
        let Some(browser) = &self.config.browser else {
            return Err(PortError::Auth(challenge_advice(
                self.config.cookies.is_some(),
            )));
        };
        tracing::info!("Cloudflare challenged the V&R client; passing it in headless Chromium");
        let clearance = browser::clear_and_log_in(
            browser,
            &self.config.base_url,
            &self.config.username,
            &self.config.password,
        )
        .await?;
        for (name, value) in &clearance.cookies {
            self.jar
                .add_cookie_str(&format!("{name}={}; Path=/", value.expose()), &self.site);
        }
        tracing::info!(
            cookies = clearance.cookies.len(),
            "headless Chromium passed Cloudflare and logged in to V&R"
        );
        session.user_agent = Some(clearance.user_agent);
        session.logged_in = true;
        *cleared = true;
        Ok(())
    }

    /// `POST /do_login` (§4.1): success is a page offering to log out, or a
    /// redirect to the account, with a fresh `PHPSESSID` (which the jar
    /// keeps). Challenged, it is the browser that logs in.
    async fn login(
        &self,
        session: &mut Session,
        cleared: &mut bool,
        requests: &AtomicU32,
    ) -> Result<(), PortError> {
        let form = LoginForm {
            username: self.config.username.clone(),
            pass: self.config.password.expose().to_owned(),
            open_where: "header".into(),
        };
        let request = self
            .http
            .post(self.url("/do_login"))
            .timeout(PAGE_TIMEOUT)
            .form(&form);
        let (status, headers, body) = match self.send(request, session, requests).await? {
            Sent::Challenged => return self.pass_challenge(session, cleared).await,
            Sent::Page {
                status,
                headers,
                body,
            } => (status, headers, body),
        };
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(http::status_error(status, &headers));
        }
        let to_account = headers
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.contains("/account"));
        let welcomed = body.contains("Logout") || body.contains("Sign out");
        let new_session = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with("PHPSESSID="));
        if new_session && (welcomed || to_account) {
            session.logged_in = true;
            Ok(())
        } else {
            Err(PortError::Auth(
                "Vintage & Rare refused the login; check VR_USERNAME and VR_PASSWORD".into(),
            ))
        }
    }

    /// One request in a logged-in session, logging in first if need be and
    /// once more if V&R says the session has lapsed, and passing a
    /// Cloudflare challenge once. `build` makes the request afresh for each
    /// try.
    async fn exchange<F>(&self, build: F, requests: &AtomicU32) -> Result<Reply, PortError>
    where
        F: Fn() -> RequestBuilder + Send + Sync,
    {
        let mut session = self.session.lock().await;
        let mut fresh = false;
        let mut cleared = false;
        if !session.logged_in {
            self.login(&mut session, &mut cleared, requests).await?;
            fresh = true;
        }
        loop {
            let (status, headers, body) = match self.send(build(), &session, requests).await? {
                Sent::Challenged => {
                    self.pass_challenge(&mut session, &mut cleared).await?;
                    fresh = true;
                    continue;
                }
                Sent::Page {
                    status,
                    headers,
                    body,
                } => (status, headers, body),
            };
            let location = headers
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            let to_login =
                status.is_redirection() && location.as_deref().is_some_and(|l| l.contains("login"));
            let refused = matches!(status.as_u16(), 401 | 403);
            if to_login || refused {
                if fresh {
                    session.logged_in = false;
                    return Err(PortError::Auth(format!(
                        "Vintage & Rare refused a logged-in request (HTTP {status}); check \
                         VR_USERNAME and VR_PASSWORD, and VR_COOKIES if the site is behind \
                         Cloudflare"
                    )));
                }
                tracing::info!("the V&R session lapsed; logging in again");
                session.logged_in = false;
                self.login(&mut session, &mut cleared, requests).await?;
                fresh = true;
                continue;
            }
            if status.is_success() || status.is_redirection() {
                return Ok(Reply {
                    status,
                    location,
                    body,
                });
            }
            if status == StatusCode::NOT_FOUND {
                return Err(PortError::NotFound);
            }
            return Err(http::status_error(status, &headers));
        }
    }

    /// The whole inventory, once: the export page (its `Referer` has been
    /// required since January 2026), then the CSV (§4.1, §4.2).
    async fn export_once(&self, requests: &AtomicU32) -> Result<Vec<ExportRow>, PortError> {
        self.exchange(
            || self.http.get(self.url(EXPORT_PAGE)).timeout(PAGE_TIMEOUT),
            requests,
        )
        .await?;
        let reply = self
            .exchange(
                || self.page_request(Method::GET, EXPORT_CSV, EXPORT_PAGE, EXPORT_TIMEOUT),
                requests,
            )
            .await?;
        if reply.status != StatusCode::OK {
            return Err(PortError::Protocol(format!(
                "the V&R export answered HTTP {} instead of the CSV",
                reply.status
            )));
        }
        wire::parse_export(&reply.body)
    }

    /// The whole inventory, retried as a read.
    async fn export(&self, requests: &AtomicU32) -> Result<Vec<ExportRow>, PortError> {
        self.config.retry.run(|| self.export_once(requests)).await
    }

    /// The item with this SKU, sold or not, if V&R has one.
    async fn find_by_sku(
        &self,
        sku: &str,
        requests: &AtomicU32,
    ) -> Result<Option<ExportRow>, PortError> {
        Ok(self
            .export(requests)
            .await?
            .into_iter()
            .find(|row| row.sku() == Some(sku)))
    }

    /// A form page's hidden `unique_id` and `version`, sent back on submit.
    async fn form_tokens(
        &self,
        path: &str,
        requests: &AtomicU32,
    ) -> Result<(String, String), PortError> {
        let page = self
            .exchange(
                || self.http.get(self.url(path)).timeout(PAGE_TIMEOUT),
                requests,
            )
            .await?;
        // Not a V&R page wording: the simulator's sold-item page says this,
        // and RIFF recorded no message for editing a sold item.
        if page.body.contains("has been sold") {
            return Err(PortError::AlreadyEnded);
        }
        Ok((
            wire::hidden_input(&page.body, "unique_id").unwrap_or_default(),
            wire::hidden_input(&page.body, "version").unwrap_or_default(),
        ))
    }

    /// Submits the add or edit form with its pictures; the new id when the
    /// answer carries it.
    async fn submit(
        &self,
        path: &str,
        form: &ItemForm,
        pictures: &[Picture],
        requests: &AtomicU32,
    ) -> Result<Option<String>, PortError> {
        let reply = self
            .exchange(
                || {
                    self.page_request(Method::POST, path, path, UPLOAD_TIMEOUT)
                        .multipart(item_body(form, pictures))
                },
                requests,
            )
            .await?;
        // §4.1 "create": a 302/303 to `…/add_edit_item/{id}`, or a 200 page
        // saying the item is live, without its id.
        if reply.status.is_redirection() {
            let id = reply
                .location
                .as_deref()
                .and_then(|l| l.rsplit_once("/add_edit_item/"))
                .map(|(_, id)| id.trim_end_matches('/').to_owned())
                .filter(|id| is_id(id));
            return match id {
                Some(id) => Ok(Some(id)),
                None => Err(PortError::Protocol(format!(
                    "V&R sent the item form to {:?}",
                    reply.location
                ))),
            };
        }
        let body = reply.body.to_lowercase();
        if body.contains("published and live") || body.contains("successfully") {
            Ok(None)
        } else {
            let start: String = reply.body.chars().take(200).collect();
            Err(PortError::Validation {
                field: None,
                message: format!("V&R did not accept the item form: {start}"),
            })
        }
    }

    /// One AJAX call on an item (§4.1 "AJAX endpoints"): `true` or an empty
    /// body is success, `false` a refusal.
    async fn ajax(&self, path: &str, id: &str, requests: &AtomicU32) -> Result<bool, PortError> {
        let form = ProductIdForm {
            product_id: id.to_owned(),
        };
        let reply = self
            .exchange(|| self.ajax_post(path, &form, PAGE_TIMEOUT), requests)
            .await?;
        match reply.body.trim() {
            "" | "true" => Ok(true),
            "false" => Ok(false),
            other => Err(PortError::Protocol(format!(
                "V&R answered {path} with {other:?}"
            ))),
        }
    }

    fn remote_listing(&self, row: &ExportRow) -> RemoteListing {
        let price = Decimal::from_str(row.product_price.trim())
            .ok()
            .and_then(|amount| Money::price(amount, self.config.currency).ok());
        if price.is_none() {
            tracing::warn!(id = %row.product_id, price = %row.product_price, "unreadable V&R price");
        }
        let sold = row.is_sold();
        RemoteListing {
            external_id: row.product_id.clone(),
            sku: row.sku().map(str::to_owned),
            title: format!("{} {}", row.brand_name, row.product_model_name)
                .trim()
                .to_owned(),
            price,
            quantity: Some(u32::from(!sold)),
            status: if sold {
                RemoteStatus::Sold
            } else {
                RemoteStatus::Live
            },
            url: Some(self.product_url(&row.product_id)),
        }
    }

    /// §4.4 "Listing URL". Always on the public site's path layout.
    fn product_url(&self, id: &str) -> String {
        self.url(&format!("/product/{id}"))
    }
}

#[async_trait]
impl Marketplace for VrClient {
    fn platform(&self) -> Platform {
        Platform::Vr
    }

    #[tracing::instrument(skip_all, fields(sku = %request.sku, listing_id = %request.listing_id))]
    async fn publish(&self, request: &PublishRequest) -> Result<Published, PortError> {
        let requests = AtomicU32::new(0);
        let sku = request.sku.as_str();
        if let Some(existing) = self.find_by_sku(sku, &requests).await? {
            tracing::info!(id = %existing.product_id, "V&R already has this SKU");
            return Ok(self.published(&existing.product_id));
        }
        let mut form = item_form(request, self.config.processing_days)?;
        let pictures = pictures::fetch_all(
            &self.pictures,
            &self.config.own_pictures,
            &request.picture_urls,
            MAX_PICTURES,
            "V&R",
        )
        .await?;
        let (unique_id, version) = self.form_tokens(ITEM_FORM, &requests).await?;
        form.unique_id = unique_id;
        form.version = version;
        if let Some(id) = self.submit(ITEM_FORM, &form, &pictures, &requests).await? {
            return Ok(self.published(&id));
        }
        // §4.4: created without an id; the SKU finds it in a fresh export.
        match self.find_by_sku(sku, &requests).await? {
            Some(row) => Ok(self.published(&row.product_id)),
            None => Err(PortError::Transient(
                "V&R accepted the item but it is not in the export yet; publishing again \
                 will find it by its SKU"
                    .into(),
            )),
        }
    }

    #[tracing::instrument(skip_all, fields(external_id, sku = %request.sku))]
    async fn revise(
        &self,
        external_id: &str,
        request: &PublishRequest,
        changes: &Changes,
    ) -> Result<(), PortError> {
        let requests = AtomicU32::new(0);
        let path = format!("{ITEM_FORM}/{}", id_segment(external_id)?);
        // V&R's edit form is sent whole, but an edit without files keeps
        // the item's pictures: they are uploaded again only when they
        // changed.
        let mut form = item_form(request, self.config.processing_days)?;
        let pictures = if changes.pictures() {
            pictures::fetch_all(
                &self.pictures,
                &self.config.own_pictures,
                &request.picture_urls,
                MAX_PICTURES,
                "V&R",
            )
            .await?
        } else {
            Vec::new()
        };
        let (unique_id, version) = self.form_tokens(&path, &requests).await?;
        form.unique_id = unique_id;
        form.version = version;
        self.submit(&path, &form, &pictures, &requests)
            .await
            .map(drop)
    }

    #[tracing::instrument(skip(self))]
    async fn end(&self, external_id: &str, reason: EndReason) -> Result<(), PortError> {
        let id = id_segment(external_id)?;
        // Sold elsewhere: mark it sold, so V&R shows it as sold rather than
        // vanished; otherwise delete it (§4.1 "AJAX endpoints"). The
        // `{random float}` segment of mark_as_sold only defeats caches.
        let path = match reason {
            EndReason::SoldElsewhere => {
                format!(
                    "/ajax/mark_as_sold/0.{}",
                    Utc::now().timestamp_subsec_nanos()
                )
            }
            EndReason::Removed | EndReason::Manual => "/ajax/delete_item".to_owned(),
        };
        // V&R answers `false` for an item it cannot act on: already sold,
        // already deleted, or never there. None of these can be ended.
        if self.ajax(&path, id, &AtomicU32::new(0)).await? {
            Ok(())
        } else {
            Err(PortError::AlreadyEnded)
        }
    }

    #[tracing::instrument(skip(self))]
    async fn listings(&self) -> Result<Listings, PortError> {
        let requests = AtomicU32::new(0);
        let rows = self.export(&requests).await?;
        let listings = rows.iter().map(|row| self.remote_listing(row));
        Ok(scanned::listings(listings, requests))
    }

    /// None, without a request: V&R has no orders feed (§4.2) and sends no
    /// webhooks. A sale shows only in [`Marketplace::listings`], as a
    /// listing whose `product sold` is `yes` (`RemoteStatus::Sold`).
    async fn sales(&self, _sales_since: DateTime<Utc>) -> Result<Sales, PortError> {
        Ok(Sales {
            sales: Vec::new(),
            requests: 0,
        })
    }

    /// `/ajax/check_brand_exists` (§4.1): the brand's id, or `0`. Asked
    /// while an owner waits for a page, so not while the session is busy
    /// with a long form post or an export: then the answer is "not known
    /// yet" (`None`), and the publish will say.
    async fn knows_brand(&self, brand: &str) -> Result<Option<bool>, PortError> {
        let key = brand.trim().to_lowercase();
        let remembered = self
            .brands
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .filter(|(at, _)| at.elapsed() < BRAND_MEMORY)
            .map(|(_, known)| *known);
        if let Some(known) = remembered {
            return Ok(Some(known));
        }
        if self.session.try_lock().is_err() {
            return Ok(None);
        }
        let form = BrandForm {
            brand_name: brand.trim().to_owned(),
        };
        let reply = self
            .exchange(
                || self.ajax_post("/ajax/check_brand_exists", &form, BRAND_TIMEOUT),
                &AtomicU32::new(0),
            )
            .await?;
        let known = match reply.body.trim() {
            "0" => false,
            id if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => true,
            other => {
                return Err(PortError::Protocol(format!(
                    "V&R answered /ajax/check_brand_exists with {:?}",
                    other.chars().take(80).collect::<String>()
                )))
            }
        };
        let mut brands = self
            .brands
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if brands.len() >= BRANDS_KEPT {
            brands.retain(|_, (at, _)| at.elapsed() < BRAND_MEMORY);
        }
        if brands.len() < BRANDS_KEPT {
            brands.insert(key, (Instant::now(), known));
        }
        Ok(Some(known))
    }

    #[tracing::instrument(skip(self))]
    async fn get(&self, external_id: &str) -> Result<RemoteListing, PortError> {
        let rows = self.export(&AtomicU32::new(0)).await?;
        rows.iter()
            .find(|row| row.product_id == external_id)
            .map(|row| self.remote_listing(row))
            .ok_or(PortError::NotFound)
    }
}

impl VrClient {
    fn published(&self, id: &str) -> Published {
        Published {
            external_id: id.to_owned(),
            url: Some(self.product_url(id)),
        }
    }
}

/// Whether Cloudflare, not V&R, answered (§4.1 "Cloudflare").
fn is_challenge(status: StatusCode, headers: &HeaderMap) -> bool {
    status == StatusCode::FORBIDDEN
        && headers
            .get("cf-mitigated")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("challenge"))
}

/// What to do about a challenge when the browser path is off.
fn challenge_advice(harvested: bool) -> String {
    if harvested {
        "Vintage & Rare answered with a Cloudflare challenge although VR_COOKIES is set: its \
         cf_clearance has expired or belongs to another User-Agent than VR_USER_AGENT; harvest \
         both again from a browser, or set VR_BROWSER=auto to pass the challenge in headless \
         Chromium"
            .into()
    } else {
        "Vintage & Rare answered with a Cloudflare challenge; set VR_BROWSER=auto to pass it in \
         headless Chromium, or pass it in a browser and set VR_COOKIES to its cookies \
         (cf_clearance=…) and VR_USER_AGENT to its User-Agent"
            .into()
    }
}

/// The name–value pairs of a `Cookie` header value (`a=1; b=2`), as
/// `VR_COOKIES` holds them.
///
/// # Errors
/// [`PortError::Auth`] naming the position of a pair without a name or an
/// `=`; the values are credentials and are not repeated.
fn parse_cookie_header(header: &str) -> Result<Vec<(&str, &str)>, PortError> {
    header
        .split(';')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .enumerate()
        .map(|(n, pair)| match pair.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok((name.trim(), value.trim())),
            _ => Err(PortError::Auth(format!(
                "VR_COOKIES must be a Cookie header value, name=value pairs separated by `;` \
                 as a browser sends them; pair {} is not",
                n + 1
            ))),
        })
        .collect()
}

/// The item form as `multipart/form-data` (§4.1 "create"): the text fields,
/// then each picture as a file under `upload_file_box_<n>`.
fn item_body(form: &ItemForm, pictures: &[Picture]) -> Form {
    let mut body = Form::new();
    for (name, value) in form.fields() {
        body = body.text(name, value.to_owned());
    }
    for (n, picture) in pictures.iter().enumerate() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(picture.format.content_type()),
        );
        let part = Part::stream_with_length(picture.bytes.clone(), picture.bytes.len() as u64)
            .file_name(picture.file_name.clone())
            .headers(headers);
        body = body.part(wire::picture_field(n + 1), part);
    }
    body
}

/// V&R item ids are numbers.
fn is_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// An id as one path segment; anything else would change the URL's meaning.
fn id_segment(id: &str) -> Result<&str, PortError> {
    if is_id(id) {
        Ok(id)
    } else {
        Err(PortError::NotFound)
    }
}

/// The add/edit form from a request (§4.1 "Add/edit form fields"). The
/// category fields carry the attributes' V&R category ids; the brand falls
/// back to the product's.
fn item_form(request: &PublishRequest, processing_days: u32) -> Result<ItemForm, PortError> {
    let PlatformAttributes::Vr(attributes) = &request.attributes else {
        return Err(foreign_attributes(&request.attributes, Platform::Vr));
    };
    let details = &request.details;
    Ok(ItemForm {
        recipient_name: attributes
            .brand
            .clone()
            .unwrap_or_else(|| details.brand.clone()),
        model_name: details.model.clone(),
        year: details.year.map(|y| y.to_string()).unwrap_or_default(),
        decade: details
            .year
            .map(|y| format!("{}s", y / 10 % 10 * 10))
            .unwrap_or_default(),
        finish_color: details.finish.clone().unwrap_or_default(),
        item_desc: details.description.clone().unwrap_or_default(),
        price: request.price.amount.to_string(),
        external_id: request.sku.as_str().to_owned(),
        categ_level_0: attributes.category.clone().unwrap_or_default(),
        categ_level_1: attributes.sub_category.clone().unwrap_or_default(),
        available_for_shipment: "1".into(),
        show_vat: "1".into(),
        processing_time: processing_days.to_string(),
        hours_days_sel: "Days".into(),
        youtube_upload: request.video_url.clone().unwrap_or_default(),
        unique_id: String::new(),
        version: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_403_is_a_challenge_only_with_cloudflares_header() {
        let mut headers = HeaderMap::new();
        assert!(!is_challenge(StatusCode::FORBIDDEN, &headers));
        headers.insert("cf-mitigated", "challenge".parse().unwrap());
        assert!(is_challenge(StatusCode::FORBIDDEN, &headers));
        assert!(!is_challenge(StatusCode::OK, &headers));
    }

    #[test]
    fn harvested_cookies_are_read_as_a_cookie_header() {
        assert_eq!(
            parse_cookie_header("cf_clearance=a.b-c=; __cf_bm=x ;").unwrap(),
            vec![("cf_clearance", "a.b-c="), ("__cf_bm", "x")]
        );
        assert_eq!(parse_cookie_header("").unwrap(), Vec::new());
        for bad in ["cf_clearance", "=value", "a=1; secret-value"] {
            let Err(PortError::Auth(message)) = parse_cookie_header(bad) else {
                panic!("{bad:?} was accepted");
            };
            assert!(message.contains("VR_COOKIES"), "{message}");
            assert!(!message.contains("secret-value"), "{message}");
        }
    }

    #[test]
    fn an_id_that_is_not_a_number_is_refused() {
        assert!(id_segment("123456").is_ok());
        assert!(id_segment("../account").is_err());
        assert!(id_segment("").is_err());
    }
}
