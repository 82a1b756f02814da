//! [`VrClient`]: the Marketplace port over the Vintage & Rare website (§4).
//!
//! Every call runs in a logged-in cookie session (`PHPSESSID`). The session
//! is made on first use and made again, once per call, when V&R sends a
//! request back to its login page or refuses it with 401/403; a login V&R
//! refuses is an [`PortError::Auth`] naming `VR_USERNAME`/`VR_PASSWORD`.
//!
//! Reads are the inventory CSV export, fetched whole and retried by
//! [`RetryPolicy`]. Writes are the add/edit item form and the AJAX calls,
//! never retried. V&R has no idempotency key, so a publish looks the SKU up
//! in the export first, and finds a new item's id there when the create
//! answer does not carry it (§4.4).
//!
//! The item form is sent url-encoded with the fields Riff fills. V&R's own
//! page posts it as `multipart/form-data` (§4.1) because it carries image
//! files; uploading images, and the multipart body with them, is not built.
//!
//! Cloudflare: a challenge (403 with `cf-mitigated: challenge`, §4.1) can
//! only be passed with a `cf_clearance` cookie harvested in a real browser,
//! given here as `VR_COOKIES`. Harvesting it with a headless browser, as RIFF
//! did with Selenium, is not built yet; until it is, a challenge is an
//! `Auth` error telling the user to refresh `VR_COOKIES`.

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, COOKIE, LOCATION, REFERER, SET_COOKIE};
use reqwest::{RequestBuilder, StatusCode};
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{
    Marketplace, PortError, PublishRequest, Published, RemoteListing, RemoteStatus, Scan,
};
use riff_domain::value::{Currency, Money, Platform};
use rust_decimal::Decimal;
use tokio::sync::Mutex;

use super::wire::{self, ExportRow, ItemForm, LoginForm, ProductIdForm};
use crate::http::{self, RetryPolicy};
use crate::Secret;

/// The export is about 3 MB for 1,500 items and V&R builds it slowly; RIFF
/// allowed 180 seconds (§4.1 "CSV download").
const EXPORT_TIMEOUT: Duration = Duration::from_secs(180);

/// Any other page or form answers within this.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// The export page, which must be the `Referer` of the download (§4.1).
const EXPORT_PAGE: &str = "/instruments/export_inventory";
const EXPORT_CSV: &str = "/instruments/export_inventory/export_inventory";
const ITEM_FORM: &str = "/instruments/add_edit_item";

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
    /// passed Cloudflare (`cf_clearance=…; …`), sent with every request.
    pub cookies: Option<Secret>,
    /// The account's currency, in which the export's prices are written.
    pub currency: Currency,
    /// Retries for reads.
    pub retry: RetryPolicy,
}

impl VrConfig {
    pub fn new(base_url: impl Into<String>, username: impl Into<String>, password: Secret) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            username: username.into(),
            password,
            cookies: None,
            currency: Currency::GBP,
            retry: RetryPolicy::default(),
        }
    }
}

/// The V&R adapter.
#[derive(Debug)]
pub struct VrClient {
    config: VrConfig,
    http: reqwest::Client,
    /// The `PHPSESSID` of the current session, once logged in. Held for a
    /// whole exchange: V&R issues a fresh session at every login (§4.1), so
    /// two calls re-logging in at once would end each other's session.
    session: Mutex<Option<String>>,
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
    /// Only if the HTTP client cannot be built.
    pub fn new(config: VrConfig) -> Result<Self, PortError> {
        // Redirects are not followed: a create's 302 carries the new id, and
        // a redirect to the login page is how a lapsed session shows (§4.1).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("riff/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PortError::Transient(format!("could not build the HTTP client: {e}")))?;
        Ok(Self {
            config,
            http,
            session: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    /// The `Cookie` header: the session and the harvested cookies.
    fn cookie_header(&self, session: Option<&str>) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(harvested) = &self.config.cookies {
            parts.push(harvested.expose().to_owned());
        }
        if let Some(id) = session {
            parts.push(format!("PHPSESSID={id}"));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// Sends one request with the cookies and reads the whole answer.
    async fn send(
        &self,
        request: RequestBuilder,
        session: Option<&str>,
        requests: &AtomicU32,
    ) -> Result<(StatusCode, HeaderMap, String), PortError> {
        requests.fetch_add(1, Ordering::Relaxed);
        let request = match self.cookie_header(session) {
            Some(cookie) => request.header(COOKIE, cookie),
            None => request,
        };
        let response = request
            .send()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .text()
            .await
            .map_err(|e| http::transport_error(&e))?;
        if is_challenge(status, &headers) {
            return Err(PortError::Auth(
                "Vintage & Rare answered with a Cloudflare challenge; pass it in a browser, \
                 copy its cookies (cf_clearance) and set VR_COOKIES"
                    .into(),
            ));
        }
        Ok((status, headers, body))
    }

    /// `POST /do_login` (§4.1): success is a page offering to log out, or a
    /// redirect to the account; the session is the `PHPSESSID` it sets.
    async fn login(&self, requests: &AtomicU32) -> Result<String, PortError> {
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
        let (status, headers, body) = self.send(request, None, requests).await?;
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(http::status_error(status, &headers));
        }
        let to_account = headers
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.contains("/account"));
        let welcomed = body.contains("Logout") || body.contains("Sign out");
        let session = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("PHPSESSID="))
            .map(|c| c.split(';').next().unwrap_or_default().to_owned());
        match session {
            Some(id) if welcomed || to_account => Ok(id),
            _ => Err(PortError::Auth(
                "Vintage & Rare refused the login; check VR_USERNAME and VR_PASSWORD".into(),
            )),
        }
    }

    /// One request in a logged-in session, logging in first if need be and
    /// once more if V&R says the session has lapsed. `build` makes the
    /// request afresh for each try.
    async fn exchange<F>(&self, build: F, requests: &AtomicU32) -> Result<Reply, PortError>
    where
        F: Fn() -> RequestBuilder + Send + Sync,
    {
        let mut session = self.session.lock().await;
        let mut fresh = false;
        if session.is_none() {
            *session = Some(self.login(requests).await?);
            fresh = true;
        }
        loop {
            let (status, headers, body) = self.send(build(), session.as_deref(), requests).await?;
            let location = headers
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            let to_login =
                status.is_redirection() && location.as_deref().is_some_and(|l| l.contains("login"));
            let refused = matches!(status.as_u16(), 401 | 403);
            if to_login || refused {
                if fresh {
                    *session = None;
                    return Err(PortError::Auth(format!(
                        "Vintage & Rare refused a logged-in request (HTTP {status}); check \
                         VR_USERNAME and VR_PASSWORD, and VR_COOKIES if the site is behind \
                         Cloudflare"
                    )));
                }
                tracing::info!("the V&R session lapsed; logging in again");
                *session = Some(self.login(requests).await?);
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
                || {
                    self.http
                        .get(self.url(EXPORT_CSV))
                        .header(REFERER, self.url(EXPORT_PAGE))
                        .timeout(EXPORT_TIMEOUT)
                },
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

    /// Submits the add or edit form; the new id when the answer carries it.
    async fn submit(
        &self,
        path: &str,
        form: &ItemForm,
        requests: &AtomicU32,
    ) -> Result<Option<String>, PortError> {
        let reply = self
            .exchange(
                || {
                    self.http
                        .post(self.url(path))
                        .header(REFERER, self.url(path))
                        .timeout(PAGE_TIMEOUT)
                        .form(form)
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
            .exchange(
                || {
                    self.http
                        .post(self.url(path))
                        .header("X-Requested-With", "XMLHttpRequest")
                        .header(REFERER, self.url("/account/items"))
                        .timeout(PAGE_TIMEOUT)
                        .form(&form)
                },
                requests,
            )
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
        let mut form = item_form(request)?;
        let (unique_id, version) = self.form_tokens(ITEM_FORM, &requests).await?;
        form.unique_id = unique_id;
        form.version = version;
        if let Some(id) = self.submit(ITEM_FORM, &form, &requests).await? {
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
    async fn revise(&self, external_id: &str, request: &PublishRequest) -> Result<(), PortError> {
        let requests = AtomicU32::new(0);
        let path = format!("{ITEM_FORM}/{}", id_segment(external_id)?);
        let mut form = item_form(request)?;
        let (unique_id, version) = self.form_tokens(&path, &requests).await?;
        form.unique_id = unique_id;
        form.version = version;
        self.submit(&path, &form, &requests).await.map(drop)
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
    async fn scan(&self, _sales_since: DateTime<Utc>) -> Result<Scan, PortError> {
        let requests = AtomicU32::new(0);
        let rows = self.export(&requests).await?;
        let mut seen = std::collections::HashSet::new();
        let listings = rows
            .iter()
            .filter(|row| seen.insert(row.product_id.clone()))
            .map(|row| self.remote_listing(row))
            .collect();
        // V&R has no orders feed (§4.2): a sale shows only as a listing
        // whose `product sold` is `yes`, reported as `RemoteStatus::Sold`.
        Ok(Scan {
            listings,
            sales: Vec::new(),
            requests: requests.into_inner(),
        })
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
fn item_form(request: &PublishRequest) -> Result<ItemForm, PortError> {
    let PlatformAttributes::Vr(attributes) = &request.attributes else {
        return Err(PortError::Validation {
            field: Some("attributes".into()),
            message: format!(
                "{} attributes were given to the Vintage & Rare adapter",
                request.attributes.platform().display_name()
            ),
        });
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
    fn an_id_that_is_not_a_number_is_refused() {
        assert!(id_segment("123456").is_ok());
        assert!(id_segment("../account").is_err());
        assert!(id_segment("").is_err());
    }
}
