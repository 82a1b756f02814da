//! [`ReverbClient`]: the Marketplace port over Reverb's REST API (§2).
//!
//! Reverb has no idempotency key, so publishing looks for a live or draft
//! listing with the request's SKU first and returns it if there is one;
//! Reverb also refuses a second listing with a SKU already in use (422),
//! which sends the client to look again. Reads are retried by
//! [`RetryPolicy`]; writes are not.

use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::{Method, StatusCode};
use riff_domain::listing::sent::Changes;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{
    Listings, Marketplace, PortError, PublishRequest, Published, RemoteListing, RemoteSale,
    RemoteStatus, Sales,
};
use riff_domain::value::{Condition, Money, Platform};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::wire::{
    Amount, CreatedListing, EndBody, ErrorBody, Id, Listing, ListingBody, ListingsPage, Order,
    OrdersPage, UuidRef, VideoLink,
};
use crate::http::{self, RetryPolicy};
use crate::request::foreign_attributes;
use crate::scanned::{self, PriceWords};
use crate::Secret;

/// A scan that claims more pages than this is a broken response.
const MAX_PAGES: u32 = 1_000;

/// Order statuses that mean the item is sold (§2.5: RIFF counted paid,
/// shipped and received; picked up is the local-pickup form of shipped).
const SOLD_STATUSES: [&str; 4] = ["paid", "shipped", "picked_up", "received"];

/// Everything the client needs to reach Reverb as the shop.
#[derive(Debug, Clone)]
pub struct ReverbConfig {
    /// The API root, `https://api.reverb.com/api` (paths are appended).
    pub api_url: String,
    /// The personal access token, sent as `Authorization: Bearer`.
    pub token: Secret,
    /// `per_page` for scans. Reverb's maximum is unpublished; RIFF used 50.
    pub page_size: u32,
    /// The shop's shipping profile, for listings whose attributes name none.
    pub shipping_profile_id: Option<String>,
    /// Retries for reads.
    pub retry: RetryPolicy,
}

impl ReverbConfig {
    pub fn new(api_url: impl Into<String>, token: Secret) -> Self {
        Self {
            api_url: api_url.into().trim_end_matches('/').to_owned(),
            token,
            page_size: 50,
            shipping_profile_id: None,
            retry: RetryPolicy::default(),
        }
    }
}

/// The Reverb adapter.
#[derive(Debug)]
pub struct ReverbClient {
    config: ReverbConfig,
    http: reqwest::Client,
}

impl ReverbClient {
    /// # Errors
    /// Only if the HTTP client cannot be built.
    pub fn new(config: ReverbConfig) -> Result<Self, PortError> {
        Ok(Self {
            http: http::client()?,
            config,
        })
    }

    /// One HTTP exchange; the body of a 2xx answer, or the error it means.
    async fn send<B: Serialize + Sync>(
        &self,
        method: Method,
        url: &str,
        body: Option<&B>,
        requests: &AtomicU32,
    ) -> Result<String, PortError> {
        requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(self.config.token.expose())
            .header("Accept-Version", "3.0")
            .header(reqwest::header::ACCEPT, "application/hal+json");
        if let Some(body) = body {
            let json = serde_json::to_string(body)
                .map_err(|e| PortError::Protocol(format!("could not write the request: {e}")))?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/hal+json")
                .body(json);
        }
        let reply = http::exchange(request, http::transport_error).await?;
        if reply.status.is_success() {
            Ok(reply.text)
        } else {
            Err(status_error(reply.status, &reply.headers, &reply.text))
        }
    }

    /// A GET of a JSON document, retried by the configured policy.
    async fn read<T: DeserializeOwned>(
        &self,
        url: &str,
        requests: &AtomicU32,
    ) -> Result<T, PortError> {
        let text = self
            .config
            .retry
            .run(|| self.send::<()>(Method::GET, url, None, requests))
            .await?;
        parse(&text)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_url)
    }

    /// Refuses a `next` link that leaves the configured API root: the token
    /// is sent with every request, so it must not go anywhere else.
    fn follow(&self, href: &str) -> Result<String, PortError> {
        if href.starts_with(&format!("{}/", self.config.api_url)) {
            Ok(href.to_owned())
        } else {
            Err(PortError::Protocol(format!(
                "Reverb's next page {href:?} is outside {}",
                self.config.api_url
            )))
        }
    }

    /// Every page from `first`, following `_links.next` until it is absent
    /// (§2.4). `read_page` returns a page's items and its next link.
    async fn all_pages<T, P, F>(
        &self,
        first: String,
        requests: &AtomicU32,
        split: F,
    ) -> Result<Vec<T>, PortError>
    where
        P: DeserializeOwned,
        F: Fn(P) -> (Vec<T>, Option<String>),
    {
        let mut items = Vec::new();
        let mut url = first;
        for _ in 0..MAX_PAGES {
            let page: P = self.read(&url, requests).await?;
            let (mut page_items, next) = split(page);
            items.append(&mut page_items);
            match next {
                Some(href) => url = self.follow(&href)?,
                None => return Ok(items),
            }
        }
        Err(PortError::Protocol(format!(
            "Reverb kept offering pages past {MAX_PAGES}"
        )))
    }

    /// A live or draft listing with this SKU, if Reverb has one.
    async fn find_by_sku(
        &self,
        sku: &str,
        requests: &AtomicU32,
    ) -> Result<Option<Listing>, PortError> {
        let url = format!(
            "{}?sku={}&state=all",
            self.url("/my/listings"),
            form_encode(sku)
        );
        let page: ListingsPage = self.read(&url, requests).await?;
        Ok(page.into_listings().into_iter().find(|l| {
            l.sku.as_deref() == Some(sku)
                && l.state
                    .as_ref()
                    .is_some_and(|s| matches!(s.slug(), "live" | "draft"))
        }))
    }
}

#[async_trait]
impl Marketplace for ReverbClient {
    fn platform(&self) -> Platform {
        Platform::Reverb
    }

    #[tracing::instrument(skip_all, fields(sku = %request.sku, listing_id = %request.listing_id))]
    async fn publish(&self, request: &PublishRequest) -> Result<Published, PortError> {
        let requests = AtomicU32::new(0);
        let sku = request.sku.as_str();
        if let Some(existing) = self.find_by_sku(sku, &requests).await? {
            tracing::info!(id = %existing.id, "Reverb already has this SKU listed");
            return Ok(published(existing));
        }
        let mut body = listing_body(request, self.config.shipping_profile_id.as_deref())?;
        body.sku = Some(sku.to_owned());
        body.publish = Some(true);
        match self
            .send(Method::POST, &self.url("/listings"), Some(&body), &requests)
            .await
        {
            Ok(text) => Ok(published(parse::<CreatedListing>(&text)?.into_listing())),
            Err(PortError::Validation { field, message }) if field.as_deref() == Some("sku") => {
                // Made by a publish whose answer was lost, between our look
                // and our create: look again.
                match self.find_by_sku(sku, &requests).await? {
                    Some(existing) => Ok(published(existing)),
                    None => Err(PortError::Validation { field, message }),
                }
            }
            Err(error) => Err(error),
        }
    }

    #[tracing::instrument(skip_all, fields(external_id, sku = %request.sku))]
    async fn revise(
        &self,
        external_id: &str,
        request: &PublishRequest,
        changes: &Changes,
    ) -> Result<(), PortError> {
        let body = only_changed(
            listing_body(request, self.config.shipping_profile_id.as_deref())?,
            changes,
        );
        let url = self.url(&format!("/listings/{}", path_segment(external_id)?));
        self.send(Method::PUT, &url, Some(&body), &AtomicU32::new(0))
            .await
            .map(drop)
    }

    #[tracing::instrument(skip(self))]
    async fn end(&self, external_id: &str, reason: EndReason) -> Result<(), PortError> {
        let body = EndBody {
            reason: end_reason(reason).to_owned(),
        };
        let url = self.url(&format!(
            "/my/listings/{}/state/end",
            path_segment(external_id)?
        ));
        self.send(Method::PUT, &url, Some(&body), &AtomicU32::new(0))
            .await
            .map(drop)
    }

    #[tracing::instrument(skip(self))]
    async fn listings(&self) -> Result<Listings, PortError> {
        let requests = AtomicU32::new(0);
        let per_page = self.config.page_size.max(1);
        let first = format!(
            "{}?state=live&page=1&per_page={per_page}",
            self.url("/my/listings")
        );
        let found = self
            .all_pages(first, &requests, |page: ListingsPage| {
                let next = page.links.next.as_ref().map(|h| h.href.clone());
                (page.into_listings(), next)
            })
            .await?;
        Ok(scanned::listings(
            found.iter().map(remote_listing),
            requests,
        ))
    }

    #[tracing::instrument(skip(self))]
    async fn sales(&self, sales_since: DateTime<Utc>) -> Result<Sales, PortError> {
        let requests = AtomicU32::new(0);
        let per_page = self.config.page_size.max(1);
        let first = format!(
            "{}?updated_start_date={}&page=1&per_page={per_page}",
            self.url("/my/orders/selling/all"),
            form_encode(&sales_since.to_rfc3339_opts(SecondsFormat::Secs, true))
        );
        let orders = self
            .all_pages(first, &requests, |page: OrdersPage| {
                let next = page.links.next.as_ref().map(|h| h.href.clone());
                (page.orders, next)
            })
            .await?;
        let sales = orders
            .iter()
            .filter(|o| SOLD_STATUSES.contains(&o.status.as_str()))
            .map(sale)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(scanned::sales(sales, sales_since, requests))
    }

    #[tracing::instrument(skip(self))]
    async fn get(&self, external_id: &str) -> Result<RemoteListing, PortError> {
        let url = self.url(&format!("/listings/{}", path_segment(external_id)?));
        let listing: Listing = self.read(&url, &AtomicU32::new(0)).await?;
        Ok(remote_listing(&listing))
    }
}

/// What a refused request means (§2.6): 401/403 the token, 404 gone,
/// 412/422 the content (or an end of an ended listing), and the shared
/// mapping for 429 and 5xx.
fn status_error(status: StatusCode, headers: &reqwest::header::HeaderMap, body: &str) -> PortError {
    let detail: ErrorBody = serde_json::from_str(body).unwrap_or_default();
    let message = detail
        .message
        .clone()
        .unwrap_or_else(|| format!("HTTP {status}"));
    match status.as_u16() {
        401 | 403 => PortError::Auth(format!(
            "Reverb refused the API token ({message}); create a personal access token with the \
             read_listings, write_listings and read_orders scopes and set REVERB_API_TOKEN"
        )),
        404 => PortError::NotFound,
        412 | 422 if message.to_ascii_lowercase().contains("already ended") => {
            PortError::AlreadyEnded
        }
        412 | 422 => {
            let field = detail.errors.keys().next().cloned();
            let message = match detail.errors.iter().next() {
                Some((field, problems)) if detail.message.is_none() => {
                    format!("{field} {}", problems.join(", "))
                }
                _ => message,
            };
            PortError::Validation { field, message }
        }
        _ => http::status_error(status, headers),
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, PortError> {
    serde_json::from_str(text).map_err(|e| {
        let start: String = text.chars().take(200).collect();
        PortError::Protocol(format!("unreadable Reverb JSON ({e}): {start}"))
    })
}

/// An id as one path segment; anything else would change the URL's meaning.
fn path_segment(id: &str) -> Result<&str, PortError> {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(id)
    } else {
        Err(PortError::NotFound)
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn published(listing: Listing) -> Published {
    Published {
        external_id: listing.id.to_string(),
        url: listing.links.web.map(|w| w.href),
    }
}

/// `not_sold` is the documented reason for a plain removal; `reverb_sale`
/// claims a Reverb buyer and brings fees, so Riff never sends it (§2.3).
fn end_reason(reason: EndReason) -> &'static str {
    match reason {
        EndReason::SoldElsewhere | EndReason::Removed | EndReason::Manual => "not_sold",
    }
}

/// Reverb's condition UUIDs (§2.2 table; `GET /api/listing_conditions` is
/// authoritative).
fn condition_uuid(condition: Condition, quantity: u32) -> &'static str {
    match condition {
        Condition::New => "7c3f45de-2ae0-4c81-8400-fdb6b1d74890",
        Condition::BStock => "9225283f-60c2-4413-ad18-1f5eba7a856f",
        // Several mint units are "Mint (with inventory)": plain Mint is
        // for one-offs, and Reverb refuses it more than one unit.
        Condition::Mint if quantity > 1 => "6db7df88-293b-4017-a1c1-cdb5e599fa1a",
        Condition::Mint => "ac5b9c1e-dc78-466d-b0b3-7cf712967a48",
        Condition::Excellent => "df268ad1-c462-4ba6-b6db-e007e23922ea",
        Condition::VeryGood => "ae4d9114-1bd7-4ec5-a4ba-6653af5ac84d",
        Condition::Good => "f7a3f48c-972a-44c6-b01a-0cd27488d3f6",
        Condition::Fair => "98777886-76d0-44c8-865e-bb40e669e934",
        Condition::Poor => "6a9dfcad-600b-46c8-9e08-ce6e5057921e",
        Condition::NonFunctioning => "fbf35668-96a0-4baa-bcde-ab18d6b1b329",
    }
}

/// Reverb shows up to 25 photos on a listing; the rest are not sent.
const MAX_PHOTOS: usize = 25;

/// The create/update body from a request (§2.2); `shop_shipping` is the
/// shop's shipping profile, for a listing that names none.
fn listing_body(
    request: &PublishRequest,
    shop_shipping: Option<&str>,
) -> Result<ListingBody, PortError> {
    let PlatformAttributes::Reverb(attributes) = &request.attributes else {
        return Err(foreign_attributes(&request.attributes, Platform::Reverb));
    };
    let details = &request.details;
    Ok(ListingBody {
        make: Some(
            attributes
                .make
                .clone()
                .unwrap_or_else(|| details.brand.clone()),
        ),
        model: Some(
            attributes
                .model
                .clone()
                .unwrap_or_else(|| details.model.clone()),
        ),
        title: Some(details.title.clone()),
        description: details.description.clone(),
        categories: attributes
            .categories
            .iter()
            .map(|uuid| UuidRef { uuid: uuid.clone() })
            .collect(),
        condition: Some(UuidRef {
            uuid: attributes
                .condition_uuid
                .clone()
                .unwrap_or_else(|| condition_uuid(details.condition, request.quantity).to_owned()),
        }),
        price: Some(Amount {
            amount: request.price.amount.to_string(),
            currency: request.price.currency.to_string(),
        }),
        year: details.year.map(|y| y.to_string()),
        finish: details.finish.clone(),
        has_inventory: Some(request.quantity > 1),
        inventory: Some(request.quantity),
        shipping_profile_id: attributes
            .shipping_profile_id
            .clone()
            .or_else(|| shop_shipping.map(str::to_owned))
            .map(|id| id.parse().map_or(Id::Text(id), Id::Number)),
        photos: request
            .picture_urls
            .iter()
            .take(MAX_PHOTOS)
            .cloned()
            .collect(),
        videos: request
            .video_url
            .iter()
            .map(|link| VideoLink { link: link.clone() })
            .collect(),
        ..ListingBody::default()
    })
}

/// The body with only what `changes` names: Reverb's update leaves every
/// field it is not sent as it was (§2.3). The condition goes with the
/// stock too, since several units of a mint item are "Mint (with
/// inventory)".
fn only_changed(body: ListingBody, changes: &Changes) -> ListingBody {
    let details = changes.details;
    let stock = changes.quantity;
    ListingBody {
        make: body.make.filter(|_| details),
        model: body.model.filter(|_| details),
        year: body.year.filter(|_| details),
        finish: body.finish.filter(|_| details),
        categories: if details { body.categories } else { Vec::new() },
        condition: body.condition.filter(|_| details || stock),
        shipping_profile_id: body.shipping_profile_id.filter(|_| details),
        title: body.title.filter(|_| changes.title),
        description: body.description.filter(|_| changes.description),
        price: body.price.filter(|_| changes.price),
        has_inventory: body.has_inventory.filter(|_| stock),
        inventory: body.inventory.filter(|_| stock),
        photos: if changes.pictures() {
            body.photos
        } else {
            Vec::new()
        },
        videos: if changes.video {
            body.videos
        } else {
            Vec::new()
        },
        ..ListingBody::default()
    }
}

fn money(amount: &Amount) -> Result<Money, PortError> {
    scanned::price(
        "Reverb",
        &amount.amount,
        &amount.currency,
        PriceWords::Price,
    )
}

fn remote_listing(listing: &Listing) -> RemoteListing {
    let status = match listing.state.as_ref().map(|s| s.slug()) {
        Some("live") => RemoteStatus::Live,
        Some("sold") => RemoteStatus::Sold,
        _ => RemoteStatus::Ended,
    };
    let price = listing.price.as_ref().and_then(|a| match money(a) {
        Ok(price) => Some(price),
        Err(error) => {
            tracing::warn!(id = %listing.id, %error, "unreadable Reverb price");
            None
        }
    });
    RemoteListing {
        external_id: listing.id.to_string(),
        sku: listing.sku.clone().filter(|s| !s.is_empty()),
        title: listing.title.clone(),
        price,
        quantity: listing.inventory,
        status,
        url: listing.links.web.as_ref().map(|w| w.href.clone()),
    }
}

fn sale(order: &Order) -> Result<RemoteSale, PortError> {
    let order_ref = order.order_number.to_string();
    let listing = order.product_id.as_ref().ok_or_else(|| {
        PortError::Protocol(format!("Reverb order {order_ref} has no product_id"))
    })?;
    let time = order.paid_at.as_deref().unwrap_or(&order.created_at);
    let sold_at = DateTime::parse_from_rfc3339(time)
        .map_err(|e| PortError::Protocol(format!("Reverb order {order_ref} time {time:?}: {e}")))?
        .with_timezone(&Utc);
    let quantity = order.quantity.unwrap_or(1);
    let price = match (&order.amount_product_subtotal, &order.amount_product) {
        (Some(subtotal), _) => money(subtotal)?,
        (None, Some(unit)) => {
            let unit = money(unit)?;
            Money::price(unit.amount * Decimal::from(quantity), unit.currency)
                .map_err(|e| PortError::Protocol(format!("Reverb order {order_ref}: {e}")))?
        }
        (None, None) => {
            return Err(PortError::Protocol(format!(
                "Reverb order {order_ref} has no price"
            )))
        }
    };
    Ok(RemoteSale {
        external_id: listing.to_string(),
        sku: order.sku.clone().filter(|s| !s.is_empty()),
        order_number: Some(order_ref.clone()),
        order_ref,
        sold_at,
        price,
        quantity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(form_encode("RIFF-000_1.a~"), "RIFF-000_1.a~");
        assert_eq!(
            form_encode("2026-03-01T00:00:00+00:00"),
            "2026-03-01T00%3A00%3A00%2B00%3A00"
        );
    }

    #[test]
    fn an_id_that_is_not_one_path_segment_is_refused() {
        assert!(path_segment("93437484").is_ok());
        assert!(path_segment("../my/account").is_err());
        assert!(path_segment("").is_err());
    }

    #[test]
    fn a_422_for_an_ended_listing_means_already_ended_and_others_name_their_field() {
        let headers = reqwest::header::HeaderMap::new();
        assert_eq!(
            status_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &headers,
                r#"{"message": "This listing has already ended"}"#
            ),
            PortError::AlreadyEnded
        );
        assert_eq!(
            status_error(
                StatusCode::PRECONDITION_FAILED,
                &headers,
                r#"{"errors": {"title": ["can't be blank"]}}"#
            ),
            PortError::Validation {
                field: Some("title".into()),
                message: "title can't be blank".into()
            }
        );
        assert!(matches!(
            status_error(StatusCode::UNAUTHORIZED, &headers, "not json"),
            PortError::Auth(_)
        ));
    }
}
