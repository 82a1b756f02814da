//! The simulator's HTTP face and its test controls.
//!
//! `POST /ws/api.dll` speaks the Trading API as the client does: the call
//! named in `X-EBAY-API-CALL-NAME`, the body's root `<{Call}Request>`, the
//! token in `X-EBAY-API-IAF-TOKEN`, and every business error as HTTP 200
//! with `<Ack>Failure</Ack>` (§1.1, §1.2). `POST /identity/v1/oauth2/token`
//! answers the refresh-token grant (§1.10).
//!
//! Before a request reaches the in-memory eBay, the server may fail it on
//! purpose ([`FaultPlan`]), as the real gateway does now and then: a 429
//! with `Retry-After`, a 500, or an expired token.
//!
//! A sale POSTs the `FixedPriceTransaction` Platform Notification to the
//! [`WebhookTarget`], if one is set.

use axum::extract::State as AxumState;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::super::error::code;
use super::super::wire::{
    self, AddFixedPriceItemRequest, BareResponse, EndFixedPriceItemRequest, ErrorType,
    GetItemRequest, GetMyeBaySellingRequest, GetOrdersRequest, ReviseFixedPriceItemRequest,
    TokenError, TokenResponse,
};
use super::media::{self, HostedImage, MEDIA_PATH};
use super::state::{error, timestamp, Refusal, SimListing, State};
use super::webhook::{self, WebhookTarget};
use crate::simulator::answers::too_many_requests;
use crate::simulator::{delivery, ControlError, Faults, Shared, Simulator, WriteCounts};

/// Where the Trading API lives, as on eBay.
pub const API_PATH: &str = "/ws/api.dll";
/// Where the OAuth token endpoint lives, as on eBay.
pub const OAUTH_PATH: &str = "/identity/v1/oauth2/token";

/// The credentials the simulated eBay accepts, and its page size.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The access token accepted at start.
    pub token: String,
    pub refresh_token: String,
    pub client_id: String,
    pub client_secret: String,
    /// The most entries one GetMyeBaySelling or GetOrders page holds (each
    /// also within its call's own maximum, 200 and 100); lower it to make a
    /// handful of listings or orders span several pages.
    pub page_size: u32,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            token: "v^1.1#sim-access-0".into(),
            refresh_token: "v^1.1#sim-refresh".into(),
            client_id: "Riff-Sim-PRD".into(),
            client_secret: "PRD-sim-secret".into(),
            page_size: 200,
        }
    }
}

/// A failure the simulator injects instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 with `Retry-After` in seconds.
    RateLimited { retry_after_secs: u64 },
    /// HTTP 500 with an HTML body, as a gateway sends.
    ServerError,
    /// Every token issued so far expires (error 21917053); only a refresh
    /// helps.
    ExpiredToken,
}

/// Which Trading requests fail, and how (see [`crate::simulator::FaultPlan`]).
pub type FaultPlan = crate::simulator::FaultPlan<Fault>;

#[derive(Debug)]
struct Inner {
    state: State,
    config: SimConfig,
    /// Counts Trading requests, faulted ones included.
    faults: Faults<Fault>,
    /// Trading requests naming a call that changes listings (Add*,
    /// Revise*, Relist*, End*), and EndFixedPriceItem requests per ItemID.
    writes: WriteCounts,
    webhook: Option<WebhookTarget>,
    /// Pictures uploaded through the Media API, in order.
    images: Vec<HostedImage>,
    /// The call whose next request is carried out and its answer lost or
    /// held.
    lose_answer_of: Option<(String, Loss)>,
}

impl Inner {
    fn expire_token(&mut self) {
        let expired = std::mem::take(&mut self.state.tokens);
        self.state.expired_tokens.extend(expired);
    }
}

crate::simulator::handle! {
    /// A simulated eBay: clone it freely; every clone is the same eBay.
    EbaySimulator
}
crate::simulator::write_counts!(EbaySimulator, items);
crate::simulator::buyer!(EbaySimulator);

impl Default for EbaySimulator {
    fn default() -> Self {
        Self::new(SimConfig::default())
    }
}

impl EbaySimulator {
    pub fn new(config: SimConfig) -> Self {
        Self {
            inner: Shared::new(Inner {
                state: State::new(config.token.clone(), config.page_size),
                config,
                faults: Faults::default(),
                writes: WriteCounts::default(),
                webhook: None,
                images: Vec::new(),
                lose_answer_of: None,
            }),
        }
    }

    /// Whether `token` is an access token the simulated eBay accepts now.
    pub(super) fn accepts_token(&self, token: &str) -> bool {
        self.lock().state.tokens.contains(token)
    }

    /// Keeps an uploaded picture; returns its image id.
    pub(super) fn host_image(&self, content_type: &'static str, bytes: Vec<u8>) -> String {
        let mut inner = self.lock();
        let image_id = format!("sim{:06}", inner.images.len() + 1);
        inner.images.push(HostedImage {
            image_id: image_id.clone(),
            content_type,
            bytes,
        });
        image_id
    }

    /// A picture uploaded through the Media API, by its image id.
    pub fn hosted_image(&self, image_id: &str) -> Option<HostedImage> {
        self.lock()
            .images
            .iter()
            .find(|image| image.image_id == image_id)
            .cloned()
    }

    /// Every picture uploaded through the Media API, in order.
    pub fn hosted_images(&self) -> Vec<HostedImage> {
        self.lock().images.clone()
    }

    /// Lists an item with a SKU, as Riff would have.
    pub fn seed_listing(&self, sku: &str, title: &str, price: Decimal, quantity: u32) -> String {
        self.lock()
            .state
            .create(Some(sku.into()), title.into(), price, quantity)
    }

    /// Prices the items made from now on (seeded, or listed on eBay's own
    /// site) in `currency`, as an eBay site other than the UK's would.
    pub fn set_currency(&self, currency: &str) {
        self.lock().state.currency = currency.to_owned();
    }

    /// Lists an item the way a seller does on eBay's own site: no SKU.
    pub fn add_external_listing(&self, title: &str, price: Decimal) -> String {
        self.lock().state.create(None, title.into(), price, 1)
    }

    /// A buyer buys `quantity` units at `sold_at`; returns the order line's
    /// `OrderLineItemID`. With a [`WebhookTarget`] set, eBay then POSTs the
    /// `FixedPriceTransaction` notification to it in the background.
    ///
    /// # Errors
    /// An unknown or ended item, or more units than are left.
    pub fn record_sale(
        &self,
        item_id: &str,
        quantity: u32,
        sold_at: DateTime<Utc>,
    ) -> Result<String, ControlError> {
        let mut inner = self.lock();
        let line = inner
            .state
            .sell(item_id, quantity, sold_at)
            .map_err(ControlError)?;
        let sale = inner
            .state
            .sales
            .iter()
            .find(|s| s.order_line_item_id == line)
            .cloned();
        let listing = inner.state.listing_mut(item_id).map(|l| l.clone());
        if let (Some(target), Some(sale), Some(listing)) = (&inner.webhook, sale, listing) {
            delivery::send(webhook::fixed_price_transaction(target, &listing, &sale));
        }
        Ok(line)
    }

    /// The listing as the simulated eBay holds it.
    pub fn listing(&self, item_id: &str) -> Option<SimListing> {
        self.lock().state.listing_mut(item_id).map(|l| l.clone())
    }

    /// Changes a listing's price as the seller would on eBay's site (not
    /// through the API: it is no revision of Riff's); `false` for an
    /// unknown item.
    pub fn set_price(&self, item_id: &str, price: Decimal) -> bool {
        match self.lock().state.listing_mut(item_id) {
            Some(listing) => {
                listing.price = price;
                true
            }
            None => false,
        }
    }

    /// Carries out the next request of `call` (`ReviseFixedPriceItem`, say)
    /// and loses its answer, as a gateway that times out after eBay acted
    /// does: the caller cannot tell whether it happened.
    pub fn lose_next_answer(&self, call: &str) {
        self.lock().lose_answer_of = Some((call.to_owned(), Loss::TimedOut));
    }

    /// Carries out the next request of `call` and holds its answer for
    /// [`HELD_FOR`]: a caller killed meanwhile never learns it happened.
    pub fn hold_next_answer(&self, call: &str) {
        self.lock().lose_answer_of = Some((call.to_owned(), Loss::Held));
    }

    /// Changes a listing's title as the seller would on eBay's site;
    /// `false` for an unknown item.
    pub fn set_title(&self, item_id: &str, title: &str) -> bool {
        match self.lock().state.listing_mut(item_id) {
            Some(listing) => {
                title.clone_into(&mut listing.title);
                true
            }
            None => false,
        }
    }

    /// Every listing ever made, ended ones included, oldest first.
    pub fn listings(&self) -> Vec<SimListing> {
        self.lock().state.items.values().cloned().collect()
    }

    /// Changes the most entries a GetMyeBaySelling or GetOrders page holds.
    pub fn set_page_size(&self, page_size: u32) {
        self.lock().state.page_size = page_size;
    }

    /// Expires every access token issued so far, as two hours passing would.
    pub fn expire_token(&self) {
        self.lock().expire_token();
    }

    /// VerifyAddFixedPriceItem calls answered so far.
    pub fn verifications(&self) -> u32 {
        self.lock().state.verifications
    }

    /// Access tokens issued by refresh-token grants so far.
    pub fn tokens_issued(&self) -> u32 {
        self.lock().state.tokens_issued
    }
}

/// Spawned ([`Simulator::spawn`]), the Trading API is at
/// `{base}{API_PATH}` and the token endpoint at `{base}{OAUTH_PATH}`.
impl Simulator for EbaySimulator {
    const NAME: &'static str = "eBay";

    /// The simulator's routes, to mount or serve.
    fn router(&self) -> Router {
        Router::new()
            .route(API_PATH, post(trading))
            .route(OAUTH_PATH, post(oauth_token))
            .route(
                &format!("{MEDIA_PATH}/image/create_image_from_file"),
                post(media::create_image_from_file),
            )
            .route("/images/g/{image_id}/{name}", get(media::hosted_image))
            .with_state(self.clone())
    }
}

/// `POST /ws/api.dll`.
async fn trading(
    AxumState(simulator): AxumState<EbaySimulator>,
    headers: HeaderMap,
    body: String,
) -> Response {
    match carry_out(&simulator, &headers, &body) {
        (response, Some(Loss::Held)) => {
            tokio::time::sleep(HELD_FOR).await;
            response
        }
        (_, Some(Loss::TimedOut)) => (
            StatusCode::GATEWAY_TIMEOUT,
            "<html><body>504 Gateway Time-out</body></html>",
        )
            .into_response(),
        (response, None) => response,
    }
}

/// Runs one Trading request under the simulator's lock: its answer, and
/// what a test asked to become of it.
fn carry_out(
    simulator: &EbaySimulator,
    headers: &HeaderMap,
    body: &str,
) -> (Response, Option<Loss>) {
    let call = header(headers, "X-EBAY-API-CALL-NAME").unwrap_or_default();
    let mut inner = simulator.lock();
    let due = inner.faults.on_request();
    if ["Add", "Revise", "Relist", "End"]
        .iter()
        .any(|verb| call.starts_with(verb))
    {
        inner.writes.count_write();
    }
    if call == "EndFixedPriceItem" {
        if let Ok(request) = wire::from_xml::<EndFixedPriceItemRequest>(body) {
            inner.writes.count_end(&request.item_id);
        }
    }
    match due {
        Some(Fault::RateLimited { retry_after_secs }) => {
            return (too_many_requests(retry_after_secs), None);
        }
        Some(Fault::ServerError) => {
            let response = (
                StatusCode::INTERNAL_SERVER_ERROR,
                "<html><body>500 Internal Server Error</body></html>",
            );
            return (response.into_response(), None);
        }
        Some(Fault::ExpiredToken) => inner.expire_token(),
        None => {}
    }
    let answered = answer(&mut inner.state, &call, headers, body);
    let loss = match inner.lose_answer_of.take() {
        Some((lost, loss)) if lost == call => Some(loss),
        other => {
            inner.lose_answer_of = other;
            None
        }
    };
    let response = match answered {
        Ok(xml) => xml_response(xml),
        Err(error) => failure(&call, *error),
    };
    (response, loss)
}

/// What becomes of an answer a test asked to lose.
#[derive(Debug, Clone, Copy)]
enum Loss {
    /// A gateway's 504 in its place.
    TimedOut,
    /// Sent only after [`HELD_FOR`].
    Held,
}

/// Longer than any test waits, shorter than a hung test's patience.
const HELD_FOR: std::time::Duration = std::time::Duration::from_secs(120);

/// Checks the headers and the token, then runs the call.
fn answer(
    state: &mut State,
    call: &str,
    headers: &HeaderMap,
    body: &str,
) -> Result<String, Refusal> {
    check_request(state, call, headers, body)?;
    run_call(state, call, body)
}

/// What eBay checks before it looks at a call (§1.1, §1.9): that the body
/// is the call the header names, a site id, and a live token.
fn check_request(
    state: &State,
    call: &str,
    headers: &HeaderMap,
    body: &str,
) -> Result<(), Refusal> {
    if wire::root_name(body).as_deref() != Some(&format!("{call}Request")) {
        return Err(error(
            code::UNSUPPORTED_CALL,
            "Unsupported API call.",
            "The API call in the X-EBAY-API-CALL-NAME header is not the one in the body.",
        ));
    }
    let site_ok = header(headers, "X-EBAY-API-SITEID").is_some_and(|s| s.parse::<u32>().is_ok());
    if !site_ok {
        return Err(error(
            code::INVALID_HEADER,
            "Invalid value for header \"X-EBAY-API-SITEID\".",
            "Invalid value for header \"X-EBAY-API-SITEID\".",
        ));
    }
    let token = header(headers, "X-EBAY-API-IAF-TOKEN").unwrap_or_default();
    if !state.tokens.contains(&token) {
        return Err(if state.expired_tokens.contains(&token) {
            error(
                code::IAF_TOKEN_EXPIRED,
                "Expired IAF token.",
                "IAF token supplied is expired.",
            )
        } else {
            error(
                code::AUTH_TOKEN_INVALID,
                "Auth token is invalid.",
                "Validation of the authentication token in API request failed.",
            )
        });
    }
    Ok(())
}

/// Carries out one checked call on the in-memory eBay: its response XML, or
/// the error eBay would answer.
fn run_call(state: &mut State, call: &str, body: &str) -> Result<String, Refusal> {
    let root = format!("{call}Response");
    let now = timestamp(Utc::now());
    let xml = match call {
        "AddFixedPriceItem" => {
            let request: AddFixedPriceItemRequest = parse(body)?;
            wire::to_xml(
                &root,
                &state.add(&request.item)?.acknowledged("Success", now),
            )
        }
        "VerifyAddFixedPriceItem" => {
            let request: AddFixedPriceItemRequest = parse(body)?;
            wire::to_xml(
                &root,
                &state.verify(&request.item)?.acknowledged("Success", now),
            )
        }
        "ReviseFixedPriceItem" => {
            let request: ReviseFixedPriceItemRequest = parse(body)?;
            wire::to_xml(
                &root,
                &state.revise(&request.item)?.acknowledged("Success", now),
            )
        }
        "EndFixedPriceItem" => {
            let request: EndFixedPriceItemRequest = parse(body)?;
            wire::to_xml(
                &root,
                &state.end(&request.item_id)?.acknowledged("Success", now),
            )
        }
        "GetItem" => {
            let request: GetItemRequest = parse(body)?;
            wire::to_xml(
                &root,
                &state.get(&request.item_id)?.acknowledged("Success", now),
            )
        }
        "GetMyeBaySelling" => {
            let request: GetMyeBaySellingRequest = parse(body)?;
            let response = state
                .my_ebay_selling(request.active_list.as_ref(), request.sold_list.as_ref())
                .acknowledged("Success", now);
            wire::to_xml(&root, &response)
        }
        "GetOrders" => {
            let request: GetOrdersRequest = parse(body)?;
            let response = state
                .orders(&request, Utc::now())?
                .acknowledged("Success", now);
            wire::to_xml(&root, &response)
        }
        _ => {
            return Err(error(
                code::UNSUPPORTED_CALL,
                "Unsupported API call.",
                &format!("The API call \"{call}\" is invalid or not supported in this release."),
            ))
        }
    };
    xml.map_err(|e| error(code::INTERNAL_ERROR, "Internal error.", &e.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Refusal> {
    wire::from_xml(body).map_err(|e| {
        error(
            code::INVALID_INPUT,
            "Input data is invalid.",
            &format!("The request could not be read: {e}"),
        )
    })
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn xml_response(xml: String) -> Response {
    ([(CONTENT_TYPE, "text/xml;charset=utf-8")], xml).into_response()
}

/// A business error: HTTP 200, `Ack` Failure, under the call's root (§1.2).
fn failure(call: &str, error: ErrorType) -> Response {
    let root = if call.is_empty() {
        "Response".to_owned()
    } else {
        format!("{call}Response")
    };
    let response = BareResponse {
        errors: vec![error],
        ..BareResponse::default()
    }
    .acknowledged("Failure", timestamp(Utc::now()));
    match wire::to_xml(&root, &response) {
        Ok(xml) => xml_response(xml),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The refresh-token grant's form (§1.10).
#[derive(Debug, Deserialize, Serialize)]
struct TokenForm {
    grant_type: String,
    #[serde(default)]
    refresh_token: String,
}

/// `POST /identity/v1/oauth2/token`: checks the app's Basic credentials and
/// the refresh token, and issues a new access token that replaces the old.
async fn oauth_token(
    AxumState(simulator): AxumState<EbaySimulator>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let mut inner = simulator.lock();
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            inner.config.client_id, inner.config.client_secret
        ))
    );
    if header(&headers, AUTHORIZATION.as_str()).as_deref() != Some(expected.as_str()) {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        );
    }
    if form.grant_type != "refresh_token" || form.refresh_token != inner.config.refresh_token {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "the provided authorization refresh token is invalid or was issued to another client",
        );
    }
    inner.state.tokens_issued += 1;
    let token = format!("v^1.1#sim-access-{}", inner.state.tokens_issued);
    inner.state.tokens.insert(token.clone());
    Json(TokenResponse {
        access_token: token,
        expires_in: 7200,
        token_type: "User Access Token".into(),
    })
    .into_response()
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(TokenError {
            error: error.into(),
            error_description: description.into(),
        }),
    )
        .into_response()
}
