//! [`EbayClient`]: the Marketplace port over eBay's Trading API.
//!
//! Each port method is one Trading call (or, for a scan, a run of
//! `GetMyeBaySelling` pages for the live listings and of `GetOrders` pages
//! for the sales). Every call goes through [`EbayClient::call`],
//! which sends the headers, reads the envelope, and, when eBay refuses the
//! token and a refresh token is configured, renews the token once and sends
//! the call again. A refused token means eBay did not act on the call, so
//! that one repeat is safe even for writes.
//!
//! Reads (`scan`, `get`) are retried on transient failures by
//! [`RetryPolicy`]; writes are not (see `crate::http`). Publishing is safe to
//! retry at a higher level anyway: the listing id goes out as eBay's `UUID`,
//! and a repeat comes back as error 488 naming the listing already made.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use riff_domain::listing::attributes::EbayAttributes;
use riff_domain::listing::sent::Changes;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::port::{
    Listings, Marketplace, PortError, PublishRequest, Published, RemoteListing, RemoteSale,
    RemoteStatus, Sales,
};
use riff_domain::value::{Money, Platform};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{check, Rejection};
use super::wire::{
    self, AddFixedPriceItemRequest, AddFixedPriceItemResponse, Amount, Category,
    EndFixedPriceItemRequest, EndFixedPriceItemResponse, Envelope, GetItemRequest, GetItemResponse,
    GetMyeBaySellingRequest, GetMyeBaySellingResponse, GetOrdersRequest, GetOrdersResponse, Item,
    ItemSpecifics, ItemToList, NameValueList, Order, PaymentProfile, PictureDetails, ReturnProfile,
    ReviseFixedPriceItemRequest, ReviseFixedPriceItemResponse, SellerProfiles, ShippingProfile,
    TokenError, TokenResponse, Transaction,
};
use crate::http::{self, RetryPolicy};
use crate::request::foreign_attributes;
use crate::scanned::{self, PriceWords};
use crate::{OwnPictures, Secret};

/// eBay's production OAuth token endpoint (§1.10).
pub const DEFAULT_OAUTH_URL: &str = "https://api.ebay.com/identity/v1/oauth2/token";

/// The largest page GetMyeBaySelling serves (PaginationType; anchors C.1).
pub const MAX_PAGE_SIZE: u32 = 200;

/// A scan that claims more pages than this is taken as a broken response,
/// not followed for ever: 1,000 pages of 200 is five times the shop's stock
/// ceiling in anchors C.1.
const MAX_PAGES: u32 = 1_000;

/// The largest page GetOrders serves (`EntriesPerPage`; §1.8).
pub const MAX_ORDERS_PAGE_SIZE: u32 = 100;

/// GetOrders never returns an order older than 90 days, and refuses a
/// window that starts before then (GetOrdersRequestType). Sales asked for
/// from further back are read from an hour inside that limit, so that
/// neither the time the request takes nor eBay's clock running ahead of
/// Riff's pushes the start over it.
const MAX_ORDER_AGE_DAYS: i64 = 90;

/// The widest `ModTimeFrom`–`ModTimeTo` window one GetOrders request may
/// ask for (eBay's GetOrders reference, as its .NET SDK quotes it: "The
/// maximum date range that may be specified with the ModTimeFrom and
/// ModTimeTo fields is 30 days"); a longer span is read window by window.
const MAX_MOD_WINDOW_DAYS: i64 = 30;

/// Orders in these states are not sales: the purchase was undone
/// (OrderStatusCodeType). Every other state, `Active` (bought, not yet
/// paid) included, is a sale, as a SoldList entry was: the listing's stock
/// went down when the buyer committed.
const NOT_SOLD: [&str; 2] = ["Cancelled", "Inactive"];

/// Everything the client needs to reach eBay as the shop.
#[derive(Debug, Clone)]
pub struct EbayConfig {
    /// The Trading API gateway, `…/ws/api.dll` (sandbox, production or the
    /// simulator).
    pub api_url: String,
    /// The OAuth user access token sent as `X-EBAY-API-IAF-TOKEN`.
    pub token: Secret,
    /// How to renew `token` when eBay refuses it; without it, a refused
    /// token is reported to the user at once.
    pub refresh: Option<OAuthRefresh>,
    /// `X-EBAY-API-SITEID`: 3 is eBay UK (§1.1).
    pub site_id: u32,
    /// `X-EBAY-API-COMPATIBILITY-LEVEL`: the schema release the documents
    /// follow.
    pub compatibility_level: u32,
    /// `EntriesPerPage` for scans; at most [`MAX_PAGE_SIZE`] for listings
    /// and [`MAX_ORDERS_PAGE_SIZE`] for orders.
    pub page_size: u32,
    /// The shop-wide fields every new listing carries.
    pub listing: ListingDefaults,
    /// Where a listing's page is, by ItemID, when eBay does not say: the
    /// prefix `https://www.ebay.co.uk/itm/` for the UK site.
    pub item_url_prefix: Option<String>,
    /// Retries for reads.
    pub retry: RetryPolicy,
    /// The Media API's root (`…/commerce/media/v1_beta`) to upload the
    /// pictures through, when eBay cannot fetch them from Riff's address;
    /// `None` lists the picture URLs as they are (see [`super::media`]).
    pub media_api_url: Option<String>,
    /// Where Riff reads its own pictures to upload them.
    pub own_pictures: OwnPictures,
}

impl EbayConfig {
    /// A configuration for the UK site with the given gateway and token and
    /// every other setting at its default.
    pub fn new(api_url: impl Into<String>, token: Secret) -> Self {
        Self {
            api_url: api_url.into(),
            token,
            refresh: None,
            site_id: 3,
            compatibility_level: 1423,
            page_size: MAX_PAGE_SIZE,
            listing: ListingDefaults::default(),
            item_url_prefix: Some("https://www.ebay.co.uk/itm/".into()),
            retry: RetryPolicy::default(),
            media_api_url: None,
            own_pictures: OwnPictures::default(),
        }
    }
}

/// The refresh-token grant's inputs (§1.10). All four are needed, so they
/// are one optional value rather than four.
#[derive(Debug, Clone)]
pub struct OAuthRefresh {
    pub refresh_token: Secret,
    pub client_id: String,
    pub client_secret: Secret,
    /// The token endpoint; [`DEFAULT_OAUTH_URL`] in production.
    pub oauth_url: String,
}

/// Shop-wide `Item` fields of AddFixedPriceItem (§1.3), the same for every
/// listing of one shop: where the item is, and the business policies
/// (shipping, returns, payment) a listing uses unless its own attributes
/// name others. eBay refuses a listing with neither `Location` nor
/// `PostalCode`, and one without its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingDefaults {
    pub country: String,
    pub location: Option<String>,
    pub postal_code: Option<String>,
    /// `Site`, which must match the site id (`UK` for 3).
    pub site: String,
    /// Working days to dispatch.
    pub dispatch_time_max: u32,
    pub payment_profile_id: Option<String>,
    pub return_profile_id: Option<String>,
    pub shipping_profile_id: Option<String>,
}

/// The eBay sites Riff knows (SiteCodeType): id, `Site` code, the country
/// an item there is usually in, and where its item pages are.
const SITES: [(u32, &str, &str, &str); 12] = [
    (0, "US", "US", "www.ebay.com"),
    (2, "Canada", "CA", "www.ebay.ca"),
    (3, "UK", "GB", "www.ebay.co.uk"),
    (15, "Australia", "AU", "www.ebay.com.au"),
    (16, "Austria", "AT", "www.ebay.at"),
    (71, "France", "FR", "www.ebay.fr"),
    (77, "Germany", "DE", "www.ebay.de"),
    (101, "Italy", "IT", "www.ebay.it"),
    (146, "Netherlands", "NL", "www.ebay.nl"),
    (186, "Spain", "ES", "www.ebay.es"),
    (193, "Switzerland", "CH", "www.ebay.ch"),
    (205, "Ireland", "IE", "www.ebay.ie"),
];

impl ListingDefaults {
    /// The defaults for eBay site `site_id`; `None` for a site Riff does
    /// not know.
    pub fn for_site(site_id: u32) -> Option<Self> {
        let (_, site, country, _) = SITES.iter().find(|(id, ..)| *id == site_id)?;
        Some(Self {
            country: (*country).to_owned(),
            site: (*site).to_owned(),
            ..Self::default()
        })
    }
}

/// Where item pages are on eBay site `site_id`, by ItemID.
pub fn item_url_prefix(site_id: u32) -> Option<String> {
    SITES
        .iter()
        .find(|(id, ..)| *id == site_id)
        .map(|(.., host)| format!("https://{host}/itm/"))
}

impl Default for ListingDefaults {
    /// eBay UK's, with no location and no policies: the shop's to give.
    fn default() -> Self {
        Self {
            country: "GB".into(),
            location: None,
            postal_code: None,
            site: "UK".into(),
            dispatch_time_max: 3,
            payment_profile_id: None,
            return_profile_id: None,
            shipping_profile_id: None,
        }
    }
}

/// The eBay adapter.
#[derive(Debug)]
pub struct EbayClient {
    pub(super) config: EbayConfig,
    pub(super) http: reqwest::Client,
    /// The access token in use: starts as `config.token`, replaced by each
    /// refresh. Never held across an await.
    token: RwLock<Secret>,
    /// Each picture uploaded through the Media API, by Riff's URL, with
    /// the EPS address eBay gave it. Never held across an await.
    pub(super) hosted: Mutex<HashMap<String, String>>,
}

impl EbayClient {
    /// # Errors
    /// Only if the HTTP client cannot be built.
    pub fn new(config: EbayConfig) -> Result<Self, PortError> {
        Ok(Self {
            token: RwLock::new(config.token.clone()),
            hosted: Mutex::new(HashMap::new()),
            http: http::client()?,
            config,
        })
    }

    /// The AddFixedPriceItem (or VerifyAddFixedPriceItem) body for a new
    /// listing: the item with the shop-wide fields, its pictures listed
    /// where eBay can fetch them.
    async fn new_item(
        &self,
        request: &PublishRequest,
    ) -> Result<AddFixedPriceItemRequest, PortError> {
        let pictures = self.listed_pictures(&request.picture_urls).await?;
        let mut item = self.item(request, pictures)?;
        item.uuid = Some(ebay_uuid(request.listing_id));
        item.country = Some(self.config.listing.country.clone());
        item.location.clone_from(&self.config.listing.location);
        item.postal_code = self.config.listing.postal_code.clone();
        item.site = Some(self.config.listing.site.clone());
        item.dispatch_time_max = Some(self.config.listing.dispatch_time_max);
        item.listing_duration = Some("GTC".into());
        item.listing_type = Some("FixedPriceItem".into());
        Ok(AddFixedPriceItemRequest {
            xmlns: wire::NAMESPACE.to_owned(),
            error_language: Some("en_GB".into()),
            warning_level: Some("High".into()),
            item,
        })
    }

    /// Sends one Trading call and reads its response, renewing the token
    /// once if eBay refuses it and a refresh is configured. `requests`
    /// counts every HTTP exchange, token refreshes included.
    async fn call<Req, Resp>(
        &self,
        call: &'static str,
        request: &Req,
        requests: &AtomicU32,
    ) -> Result<Resp, Rejection>
    where
        Req: Serialize,
        Resp: DeserializeOwned + Envelope,
    {
        let body = wire::to_xml(&format!("{call}Request"), request)?;
        let mut refreshed = false;
        loop {
            let token = self.current_token();
            match self.send(call, &body, &token, requests).await {
                Err(Rejection::Auth { code, message }) if !refreshed => {
                    let Some(refresh) = &self.config.refresh else {
                        return Err(Rejection::Auth { code, message });
                    };
                    // Another call may have renewed the token while this
                    // one was in flight; then its token is used instead.
                    if self.current_token() == token {
                        tracing::info!(call, code, "eBay refused the token; refreshing it");
                        self.refresh(refresh, requests).await?;
                    }
                    refreshed = true;
                }
                outcome => return outcome,
            }
        }
    }

    pub(super) fn current_token(&self) -> Secret {
        self.token
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// One HTTP exchange of one Trading call.
    async fn send<Resp>(
        &self,
        call: &'static str,
        body: &str,
        token: &Secret,
        requests: &AtomicU32,
    ) -> Result<Resp, Rejection>
    where
        Resp: DeserializeOwned + Envelope,
    {
        requests.fetch_add(1, Ordering::Relaxed);
        let response = self
            .http
            .post(&self.config.api_url)
            .header("X-EBAY-API-CALL-NAME", call)
            .header("X-EBAY-API-SITEID", self.config.site_id.to_string())
            .header(
                "X-EBAY-API-COMPATIBILITY-LEVEL",
                self.config.compatibility_level.to_string(),
            )
            .header("X-EBAY-API-IAF-TOKEN", token.expose())
            .header(reqwest::header::CONTENT_TYPE, "text/xml")
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let status = response.status();
        if status != StatusCode::OK {
            return Err(http::status_error(status, response.headers()).into());
        }
        let text = response
            .text()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let parsed: Resp = wire::from_xml(&text)?;
        check(call, &parsed)?;
        Ok(parsed)
    }

    /// The refresh-token grant (§1.10): a new access token replaces the old.
    pub(super) async fn refresh(
        &self,
        refresh: &OAuthRefresh,
        requests: &AtomicU32,
    ) -> Result<(), PortError> {
        requests.fetch_add(1, Ordering::Relaxed);
        let request = self
            .http
            .post(&refresh.oauth_url)
            .basic_auth(&refresh.client_id, Some(refresh.client_secret.expose()))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.refresh_token.expose()),
            ]);
        let http::Reply { status, text, .. } =
            http::exchange(request, http::transport_error).await?;
        if status.is_success() {
            let token: TokenResponse = serde_json::from_str(&text)
                .map_err(|e| PortError::Protocol(format!("unreadable eBay token response: {e}")))?;
            *self.token.write().unwrap_or_else(PoisonError::into_inner) =
                Secret::new(token.access_token);
            return Ok(());
        }
        if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS {
            let detail = serde_json::from_str::<TokenError>(&text)
                .map(|e| format!("{}: {}", e.error, e.error_description))
                .unwrap_or_else(|_| format!("HTTP {status}"));
            return Err(PortError::Auth(format!(
                "eBay refused the refresh token ({detail}); the shop owner must sign in to \
                 eBay and grant Riff access again"
            )));
        }
        Err(PortError::Transient(format!(
            "eBay's token endpoint answered HTTP {status}"
        )))
    }

    /// A read call, retried by the configured policy.
    async fn read<Req, Resp>(
        &self,
        call: &'static str,
        request: &Req,
        requests: &AtomicU32,
    ) -> Result<Resp, PortError>
    where
        Req: Serialize + Sync,
        Resp: DeserializeOwned + Envelope,
    {
        self.config
            .retry
            .run(|| async move {
                self.call(call, request, requests)
                    .await
                    .map_err(Rejection::into_port)
            })
            .await
    }

    /// One page of GetMyeBaySelling's ActiveList.
    async fn active_page(
        &self,
        page_number: u32,
        requests: &AtomicU32,
    ) -> Result<GetMyeBaySellingResponse, PortError> {
        let request = GetMyeBaySellingRequest::active_list(
            self.config.page_size.clamp(1, MAX_PAGE_SIZE),
            page_number,
        );
        self.read("GetMyeBaySelling", &request, requests).await
    }

    /// One page of the shop's orders changed between `from` and `to`
    /// (§1.8): creating an order changes it, so every sale made in the
    /// window is among them.
    async fn orders_page(
        &self,
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        page_number: u32,
        requests: &AtomicU32,
    ) -> Result<GetOrdersResponse, PortError> {
        let request = GetOrdersRequest::changed_between(
            (wire::timestamp(from), wire::timestamp(to)),
            self.config.page_size.clamp(1, MAX_ORDERS_PAGE_SIZE),
            page_number,
        );
        self.read("GetOrders", &request, requests).await
    }

    fn item_url(&self, item_id: &str, given: Option<&str>) -> Option<String> {
        given.map(str::to_owned).or_else(|| {
            Some(format!(
                "{}{item_id}",
                self.config.item_url_prefix.as_ref()?
            ))
        })
    }

    /// The `Item` of an Add or a Revise, built from the request and the
    /// picture addresses to list.
    fn item(
        &self,
        request: &PublishRequest,
        pictures: Vec<String>,
    ) -> Result<ItemToList, PortError> {
        let PlatformAttributes::Ebay(attributes) = &request.attributes else {
            return Err(foreign_attributes(&request.attributes, Platform::Ebay));
        };
        let details = &request.details;
        Ok(ItemToList {
            title: Some(details.title.clone()),
            description: Some(
                details
                    .description
                    .clone()
                    .unwrap_or_else(|| details.title.clone()),
            ),
            primary_category: attributes
                .category_id
                .clone()
                .map(|category_id| Category { category_id }),
            start_price: Some(amount(&request.price)),
            condition_id: attributes.condition_id,
            quantity: Some(request.quantity),
            sku: Some(request.sku.to_string()),
            currency: Some(request.price.currency.to_string()),
            picture_details: (!pictures.is_empty()).then_some(PictureDetails {
                picture_url: pictures,
            }),
            item_specifics: Some(item_specifics(attributes, &details.brand, &details.model)),
            seller_profiles: seller_profiles(attributes, &self.config.listing),
            ..ItemToList::default()
        })
    }

    fn listing_from_item(&self, item: &Item) -> RemoteListing {
        let selling = item.selling_status.as_ref();
        let sold = selling.and_then(|s| s.quantity_sold).unwrap_or(0);
        let available = item
            .quantity_available
            .or_else(|| item.quantity.map(|q| q.saturating_sub(sold)));
        let status = match selling.and_then(|s| s.listing_status.as_deref()) {
            None | Some("Active") => RemoteStatus::Live,
            Some(_) if sold > 0 && available == Some(0) => RemoteStatus::Sold,
            Some(_) => RemoteStatus::Ended,
        };
        let price_amount = selling
            .and_then(|s| s.current_price.as_ref())
            .or(item.buy_it_now_price.as_ref());
        let price = price_amount.and_then(|a| match money(a) {
            Ok(price) => Some(price),
            Err(error) => {
                tracing::warn!(item_id = %item.item_id, %error, "unreadable eBay price");
                None
            }
        });
        let view_url = item
            .listing_details
            .as_ref()
            .and_then(|d| d.view_item_url.as_deref());
        RemoteListing {
            external_id: item.item_id.clone(),
            sku: item.sku.clone().filter(|s| !s.is_empty()),
            title: item.title.clone().unwrap_or_default(),
            price,
            quantity: available,
            status,
            url: self.item_url(&item.item_id, view_url),
        }
    }
}

/// The item with only what `changes` names: ReviseFixedPriceItem leaves
/// every field it is not sent as it was (the whole gallery when
/// `PictureDetails` is sent, in its new order; the item specifics as a
/// set).
fn only_changed(item: ItemToList, changes: &Changes) -> ItemToList {
    ItemToList {
        title: item.title.filter(|_| changes.title),
        description: item.description.filter(|_| changes.description),
        primary_category: item.primary_category.filter(|_| changes.details),
        condition_id: item.condition_id.filter(|_| changes.details),
        item_specifics: item.item_specifics.filter(|_| changes.details),
        start_price: item.start_price.filter(|_| changes.price),
        currency: item.currency.filter(|_| changes.price),
        quantity: item.quantity.filter(|_| changes.quantity),
        picture_details: item.picture_details.filter(|_| changes.pictures()),
        ..ItemToList::default()
    }
}

#[async_trait]
impl Marketplace for EbayClient {
    fn platform(&self) -> Platform {
        Platform::Ebay
    }

    #[tracing::instrument(skip_all, fields(sku = %request.sku, listing_id = %request.listing_id))]
    async fn publish(&self, request: &PublishRequest) -> Result<Published, PortError> {
        let add = self.new_item(request).await?;
        let requests = AtomicU32::new(0);
        let item_id = match self
            .call::<_, AddFixedPriceItemResponse>("AddFixedPriceItem", &add, &requests)
            .await
        {
            Ok(response) => response
                .item_id
                .filter(|id| !id.is_empty())
                .ok_or_else(|| {
                    PortError::Protocol("AddFixedPriceItem succeeded without an ItemID".into())
                })?,
            Err(Rejection::DuplicateUuid {
                item_id: Some(item_id),
            }) => {
                tracing::info!(%item_id, "eBay already had this listing (duplicate UUID)");
                item_id
            }
            Err(rejection) => return Err(rejection.into_port()),
        };
        Ok(Published {
            url: self.item_url(&item_id, None),
            external_id: item_id,
        })
    }

    #[tracing::instrument(skip_all, fields(sku = %request.sku))]
    async fn verify(&self, request: &PublishRequest) -> Result<Vec<String>, PortError> {
        let add = self.new_item(request).await?;
        let verified = self
            .call::<_, AddFixedPriceItemResponse>(
                "VerifyAddFixedPriceItem",
                &add,
                &AtomicU32::new(0),
            )
            .await;
        match verified {
            Ok(_) => Ok(Vec::new()),
            // What eBay refuses in the item is the answer; anything else
            // (the token, the network) is a failure to ask.
            Err(Rejection::Port(PortError::Validation { message, .. })) => Ok(vec![message]),
            Err(rejection) => Err(rejection.into_port()),
        }
    }

    #[tracing::instrument(skip_all, fields(external_id, sku = %request.sku))]
    async fn revise(
        &self,
        external_id: &str,
        request: &PublishRequest,
        changes: &Changes,
    ) -> Result<(), PortError> {
        // Pictures are uploaded only when they changed. A price or quantity
        // must reach eBay even when a picture cannot (Riff's address down
        // for the CLI, a picture gone): without `PictureDetails` eBay keeps
        // the pictures the listing has.
        let pictures = if changes.pictures() {
            match self.listed_pictures(&request.picture_urls).await {
                Ok(pictures) => pictures,
                Err(error) => {
                    tracing::warn!(%external_id, %error, "revising eBay without its pictures, which stay as they were");
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let mut item = only_changed(self.item(request, pictures)?, changes);
        item.item_id = Some(external_id.to_owned());
        let revise = ReviseFixedPriceItemRequest {
            xmlns: wire::NAMESPACE.to_owned(),
            item,
        };
        self.call::<_, ReviseFixedPriceItemResponse>(
            "ReviseFixedPriceItem",
            &revise,
            &AtomicU32::new(0),
        )
        .await
        .map(drop)
        .map_err(Rejection::into_port)
    }

    #[tracing::instrument(skip(self))]
    async fn end(&self, external_id: &str, reason: EndReason) -> Result<(), PortError> {
        let end = EndFixedPriceItemRequest {
            xmlns: wire::NAMESPACE.to_owned(),
            item_id: external_id.to_owned(),
            ending_reason: ending_reason(reason).to_owned(),
        };
        self.call::<_, EndFixedPriceItemResponse>("EndFixedPriceItem", &end, &AtomicU32::new(0))
            .await
            .map(drop)
            .map_err(Rejection::into_port)
    }

    /// Live listings come from GetMyeBaySelling's ActiveList. A listing
    /// that sold out leaves it; its sale comes from its order line.
    #[tracing::instrument(skip(self))]
    async fn listings(&self) -> Result<Listings, PortError> {
        let requests = AtomicU32::new(0);
        let mut listings = Vec::new();
        let mut page = 1;
        loop {
            let response = self.active_page(page, &requests).await?;
            let list = response.active_list.unwrap_or_default();
            for item in list.item_array.unwrap_or_default().item {
                listings.push(self.listing_from_item(&item));
            }
            if !next_page(&mut page, list.pagination_result.as_ref())? {
                break;
            }
        }
        Ok(scanned::listings(listings, requests))
    }

    /// Sales come from GetOrders. SoldList is not read: GetOrders reaches
    /// further back (90 days against 60), says which orders were cancelled,
    /// and names each line by the same `OrderLineItemID`, so a sale recorded
    /// from a SoldList scan before keeps its `order_ref`.
    #[tracing::instrument(skip(self))]
    async fn sales(&self, sales_since: DateTime<Utc>) -> Result<Sales, PortError> {
        let requests = AtomicU32::new(0);
        let mut sales = Vec::new();
        for window in order_windows(sales_since, up_to_millisecond(Utc::now())) {
            let mut page = 1;
            loop {
                let response = self.orders_page(window, page, &requests).await?;
                let orders = response.order_array.as_ref().map_or(&[][..], |a| &a.order);
                for order in orders {
                    sales.extend(order_sales(order, response.timestamp.as_deref())?);
                }
                if !more_orders(&mut page, &response)? {
                    break;
                }
            }
        }
        Ok(scanned::sales(sales, sales_since, requests))
    }

    #[tracing::instrument(skip(self))]
    async fn get(&self, external_id: &str) -> Result<RemoteListing, PortError> {
        let request = GetItemRequest {
            xmlns: wire::NAMESPACE.to_owned(),
            item_id: external_id.to_owned(),
            detail_level: Some("ReturnAll".into()),
        };
        let response: GetItemResponse = self.read("GetItem", &request, &AtomicU32::new(0)).await?;
        let item = response
            .item
            .ok_or_else(|| PortError::Protocol("GetItem succeeded without an Item".into()))?;
        Ok(self.listing_from_item(&item))
    }
}

/// Advances `page` if the pagination result says there is another.
fn next_page(
    page: &mut u32,
    pagination: Option<&wire::PaginationResult>,
) -> Result<bool, PortError> {
    let total = pagination.map_or(0, |p| p.total_number_of_pages);
    if total > MAX_PAGES {
        return Err(PortError::Protocol(format!(
            "eBay claims {total} pages of listings; refusing to follow more than {MAX_PAGES}"
        )));
    }
    if *page >= total {
        return Ok(false);
    }
    *page += 1;
    Ok(true)
}

/// Whether another GetOrders page follows, advancing `page` if so.
/// `HasMoreOrders` decides; without it, `TotalNumberOfPages` does. A page
/// that promises more but holds no orders would be followed for ever.
fn more_orders(page: &mut u32, response: &GetOrdersResponse) -> Result<bool, PortError> {
    let total = response
        .pagination_result
        .as_ref()
        .map_or(0, |p| p.total_number_of_pages);
    if !response.has_more_orders.unwrap_or(*page < total) {
        return Ok(false);
    }
    let empty = response
        .order_array
        .as_ref()
        .is_none_or(|a| a.order.is_empty());
    if empty || *page >= MAX_PAGES {
        return Err(PortError::Protocol(format!(
            "eBay says more orders follow page {page} of GetOrders, but {}",
            if empty {
                "that page held none".to_owned()
            } else {
                format!("Riff follows at most {MAX_PAGES} pages")
            }
        )));
    }
    *page += 1;
    Ok(true)
}

/// `at` rounded up to eBay's timestamp precision (milliseconds): a window
/// ending "now" written with the milliseconds cut would end just before an
/// order changed in the scan's own millisecond, leaving it out.
fn up_to_millisecond(at: DateTime<Utc>) -> DateTime<Utc> {
    match at.timestamp_subsec_nanos() % 1_000_000 {
        0 => at,
        past => at + Duration::nanoseconds(i64::from(1_000_000 - past)),
    }
}

/// The `ModTimeFrom`–`ModTimeTo` windows that cover `since` to `now`,
/// oldest first, none wider than [`MAX_MOD_WINDOW_DAYS`]. Neighbours share
/// their boundary; an order changed exactly then comes twice and is kept
/// once. Nothing from before [`MAX_ORDER_AGE_DAYS`] ago is asked for: eBay
/// would refuse the window, and has no older orders to give.
fn order_windows(since: DateTime<Utc>, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let oldest = now - Duration::days(MAX_ORDER_AGE_DAYS) + Duration::hours(1);
    if since < oldest {
        tracing::warn!(
            %since,
            "eBay keeps orders for {MAX_ORDER_AGE_DAYS} days; older sales are not scanned"
        );
    }
    let mut from = since.clamp(oldest, now);
    let mut windows = Vec::new();
    loop {
        let to = (from + Duration::days(MAX_MOD_WINDOW_DAYS)).min(now);
        windows.push((from, to));
        if to >= now {
            return windows;
        }
        from = to;
    }
}

/// eBay's `UUID` for a listing: its id as 32 upper-case hex digits, no
/// dashes (UUIDType.html; §1.3).
pub fn ebay_uuid(listing_id: uuid::Uuid) -> String {
    listing_id.simple().to_string().to_ascii_uppercase()
}

/// `EndingReason` for Riff's reasons. `NotAvailable` ("no longer available
/// for sale") is the documented reason for an item sold elsewhere (§1.5) and
/// is true of the others too; `Incorrect` and `LostOrBroken` would claim
/// more than Riff knows.
fn ending_reason(reason: EndReason) -> &'static str {
    match reason {
        EndReason::SoldElsewhere | EndReason::Removed | EndReason::Manual => "NotAvailable",
    }
}

fn amount(money: &Money) -> Amount {
    Amount {
        currency_id: money.currency.to_string(),
        value: money.amount.to_string(),
    }
}

fn money(amount: &Amount) -> Result<Money, PortError> {
    scanned::price(
        "eBay",
        &amount.value,
        &amount.currency_id,
        PriceWords::Price,
    )
}

/// The sales of one GetOrders order: one per line, none if the order was
/// cancelled. A line's time is its own `CreatedDate`, else the order's
/// creation or payment, else `response_time`, the response's `Timestamp`.
fn order_sales(order: &Order, response_time: Option<&str>) -> Result<Vec<RemoteSale>, PortError> {
    if let Some(status) = order
        .order_status
        .as_deref()
        .filter(|s| NOT_SOLD.contains(s))
    {
        tracing::debug!(order = ?order.order_id, status, "an undone eBay order is not a sale");
        return Ok(Vec::new());
    }
    let fallback = order
        .created_time
        .as_deref()
        .or(order.paid_time.as_deref())
        .or(response_time);
    order
        .transaction_array
        .as_ref()
        .map_or(&[][..], |a| &a.transaction)
        .iter()
        .map(|line| sale(line, order.order_id.as_deref(), fallback))
        .collect()
}

/// One order line as a [`RemoteSale`]. Its `order_ref` is eBay's
/// `OrderLineItemID` (`<ItemID>-<TransactionID>`, or made so from the two
/// when eBay leaves it out), which names the line the same way in every
/// call that reports it. `order_id` is the order's `OrderID`, the number
/// the seller sees in Seller Hub (`23-11842-60577`).
fn sale(
    line: &Transaction,
    order_id: Option<&str>,
    fallback_time: Option<&str>,
) -> Result<RemoteSale, PortError> {
    let item = line
        .item
        .as_ref()
        .ok_or_else(|| PortError::Protocol("a sold transaction without its Item".into()))?;
    let order_ref = line
        .order_line_item_id
        .clone()
        .or_else(|| {
            let transaction = line.transaction_id.as_deref()?;
            Some(format!("{}-{transaction}", item.item_id))
        })
        .ok_or_else(|| {
            PortError::Protocol(format!(
                "a sale of item {} with neither OrderLineItemID nor TransactionID",
                item.item_id
            ))
        })?;
    let time = line
        .created_date
        .as_deref()
        .or(line.paid_time.as_deref())
        .or(fallback_time)
        .ok_or_else(|| PortError::Protocol(format!("sale {order_ref} has no time")))?;
    let sold_at = DateTime::parse_from_rfc3339(time)
        .map_err(|e| PortError::Protocol(format!("sale {order_ref} time {time:?}: {e}")))?
        .with_timezone(&Utc);
    let quantity = line.quantity_purchased.unwrap_or(1);
    let unit = line
        .transaction_price
        .as_ref()
        .ok_or_else(|| PortError::Protocol(format!("sale {order_ref} has no price")))?;
    let unit = money(unit)?;
    let price = Money::price(unit.amount * Decimal::from(quantity), unit.currency)
        .map_err(|e| PortError::Protocol(format!("sale {order_ref} price: {e}")))?;
    // A listing with variations sells a variation, whose SKU names what
    // was sold more exactly than the listing's own.
    let sku = [
        line.variation.as_ref().and_then(|v| v.sku.as_ref()),
        item.sku.as_ref(),
    ]
    .into_iter()
    .flatten()
    .find(|s| !s.is_empty())
    .cloned();
    Ok(RemoteSale {
        external_id: item.item_id.clone(),
        sku,
        order_number: order_id.filter(|id| !id.is_empty()).map(str::to_owned),
        order_ref,
        sold_at,
        price,
        quantity,
    })
}

/// `ItemSpecifics` from the attributes, grouping repeated names into one
/// `NameValueList` with several `Value`s, and adding Brand and Model from the
/// product when the attributes do not give them (eBay requires both for
/// instruments).
fn item_specifics(attributes: &EbayAttributes, brand: &str, model: &str) -> ItemSpecifics {
    let mut lists: Vec<NameValueList> = Vec::new();
    for (name, value) in &attributes.item_specifics {
        match lists.iter_mut().find(|l| l.name.eq_ignore_ascii_case(name)) {
            Some(list) => list.value.push(value.clone()),
            None => lists.push(NameValueList {
                name: name.clone(),
                value: vec![value.clone()],
            }),
        }
    }
    for (name, value) in [("Brand", brand), ("Model", model)] {
        if !lists.iter().any(|l| l.name.eq_ignore_ascii_case(name)) {
            lists.push(NameValueList {
                name: name.into(),
                value: vec![value.into()],
            });
        }
    }
    ItemSpecifics {
        name_value_list: lists,
    }
}

fn seller_profiles(attributes: &EbayAttributes, shop: &ListingDefaults) -> Option<SellerProfiles> {
    let profiles = SellerProfiles {
        seller_shipping_profile: attributes
            .shipping_profile_id
            .clone()
            .or_else(|| shop.shipping_profile_id.clone())
            .map(|id| ShippingProfile { id }),
        seller_return_profile: attributes
            .return_profile_id
            .clone()
            .or_else(|| shop.return_profile_id.clone())
            .map(|id| ReturnProfile { id }),
        seller_payment_profile: attributes
            .payment_profile_id
            .clone()
            .or_else(|| shop.payment_profile_id.clone())
            .map(|id| PaymentProfile { id }),
    };
    (profiles != SellerProfiles::default()).then_some(profiles)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_ebay_uuid_is_the_listing_id_as_32_upper_case_hex_digits() {
        let id = uuid::Uuid::parse_str("9cebd9a6-8256-44ec-8d06-c436d6cf494b").unwrap();
        assert_eq!(ebay_uuid(id), "9CEBD9A6825644EC8D06C436D6CF494B");
    }

    #[test]
    fn order_windows_cover_the_span_thirty_days_at_most_and_no_further_back_than_ninety() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
        let day = chrono::Duration::days(1);
        assert_eq!(order_windows(now - day, now), [(now - day, now)]);
        assert_eq!(order_windows(now, now), [(now, now)]);
        assert_eq!(order_windows(now + day, now), [(now, now)]);
        assert_eq!(
            order_windows(now - day * 45, now),
            [(now - day * 45, now - day * 15), (now - day * 15, now)]
        );
        let oldest = now - day * 90 + chrono::Duration::hours(1);
        assert_eq!(
            order_windows(now - day * 400, now),
            [
                (oldest, oldest + day * 30),
                (oldest + day * 30, oldest + day * 60),
                (oldest + day * 60, now)
            ]
        );
    }

    #[test]
    fn repeated_specifics_share_one_name_and_brand_and_model_are_filled_in() {
        let attributes = EbayAttributes {
            item_specifics: vec![
                ("Body Colour".into(), "Sunburst".into()),
                ("Body Colour".into(), "Red".into()),
                ("brand".into(), "Fender".into()),
            ],
            ..EbayAttributes::default()
        };
        let lists = item_specifics(&attributes, "Ignored", "Stratocaster").name_value_list;
        let flat: Vec<_> = lists
            .iter()
            .map(|l| (l.name.as_str(), l.value.clone()))
            .collect();
        assert_eq!(
            flat,
            [
                ("Body Colour", vec!["Sunburst".to_owned(), "Red".to_owned()]),
                ("brand", vec!["Fender".to_owned()]),
                ("Model", vec!["Stratocaster".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_line_is_priced_per_unit_and_timed_by_its_order_when_it_has_no_date() {
        let order: Order = wire::from_xml(
            r#"<Order><OrderID>01-12345-67890</OrderID><OrderStatus>Completed</OrderStatus>
               <CreatedTime>2026-03-01T18:00:00.000Z</CreatedTime>
               <TransactionArray><Transaction><Item><ItemID>5</ItemID><SKU>RIFF-1</SKU></Item>
               <QuantityPurchased>2</QuantityPurchased><TransactionID>9</TransactionID>
               <TransactionPrice currencyID="GBP">12.5</TransactionPrice>
               <Variation><SKU>RIFF-1-RED</SKU></Variation>
               </Transaction></TransactionArray></Order>"#,
        )
        .unwrap();
        let sales = order_sales(&order, Some("2026-03-02T09:00:00.000Z")).unwrap();
        assert_eq!(sales.len(), 1);
        let sale = &sales[0];
        assert_eq!(sale.order_ref, "5-9");
        assert_eq!(sale.price.amount.to_string(), "25.00");
        assert_eq!(sale.quantity, 2);
        assert_eq!(sale.sku.as_deref(), Some("RIFF-1-RED"));
        assert_eq!(
            sale.sold_at,
            Utc.with_ymd_and_hms(2026, 3, 1, 18, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_cancelled_order_is_no_sale_and_a_line_without_a_price_is_refused() {
        let order = |status: &str, price: &str| -> Order {
            wire::from_xml(&format!(
                r#"<Order><OrderStatus>{status}</OrderStatus><TransactionArray><Transaction>
                   <CreatedDate>2026-03-01T18:00:00.000Z</CreatedDate><Item><ItemID>5</ItemID></Item>
                   <OrderLineItemID>5-9</OrderLineItemID>{price}</Transaction></TransactionArray>
                   </Order>"#
            ))
            .unwrap()
        };
        let priced = r#"<TransactionPrice currencyID="GBP">10.0</TransactionPrice>"#;
        assert_eq!(
            order_sales(&order("Cancelled", priced), None),
            Ok(Vec::new())
        );
        assert_eq!(
            order_sales(&order("Active", priced), None).unwrap().len(),
            1
        );
        assert!(matches!(
            order_sales(&order("Completed", ""), None),
            Err(PortError::Protocol(_))
        ));
    }
}
