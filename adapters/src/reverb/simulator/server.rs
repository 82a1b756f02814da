//! The simulator's HTTP face and its test controls.
//!
//! The endpoints of §2 under `/api`, each checking the bearer token and
//! answering JSON with HAL `_links` for paging. Before a request reaches the
//! in-memory Reverb, the server may fail it on purpose ([`FaultPlan`]).
//! A sale POSTs the `orders/create` webhook to the [`WebhookTarget`], if
//! one is set.

use std::collections::{BTreeMap, HashMap};
use std::sync::MutexGuard;

use axum::extract::{Path, Query, State as AxumState};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::super::wire::{EndBody, ErrorBody, Href, Links, ListingBody, ListingsPage, OrdersPage};
use super::state::{Refusal, SimListing, State};
use super::webhook::{self, WebhookTarget};
use crate::simulator::answers::{host, internal_server_error, too_many_requests, Refused};
use crate::simulator::{delivery, ControlError, Faults, Shared, Simulator, WriteCounts};

/// Where the API lives under the simulator's base URL, as on Reverb.
pub const API_PATH: &str = "/api";

/// A failure the simulator injects instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429, with `Retry-After` in seconds (Reverb publishes no
    /// `Retry-After` semantics; §2.6).
    RateLimited { retry_after_secs: u64 },
    /// HTTP 500.
    ServerError,
}

/// Which requests fail, and how (see [`crate::simulator::FaultPlan`]).
pub type FaultPlan = crate::simulator::FaultPlan<Fault>;

#[derive(Debug)]
struct Inner {
    state: State,
    token: String,
    /// The most listings or orders one page holds (§2.4: the real maximum is
    /// unpublished; 50 by default).
    page_size: u32,
    faults: Faults<Fault>,
    /// POST, PUT and DELETE requests, and `PUT …/state/end` per listing id.
    writes: WriteCounts,
    webhook: Option<WebhookTarget>,
}

crate::simulator::handle! {
    /// A simulated Reverb: clone it freely; every clone is the same Reverb.
    ReverbSimulator
}
crate::simulator::write_counts!(ReverbSimulator, listings);
crate::simulator::listed!(ReverbSimulator, listings: SimListing);
crate::simulator::buyer!(ReverbSimulator);

impl ReverbSimulator {
    /// A Reverb that accepts `token` as its personal access token.
    pub fn new(token: &str) -> Self {
        Self {
            inner: Shared::new(Inner {
                state: State::new(),
                token: token.to_owned(),
                page_size: 50,
                faults: Faults::default(),
                writes: WriteCounts::default(),
                webhook: None,
            }),
        }
    }

    /// Lists an item with a SKU, live. Several units are a new item's, as
    /// Reverb allows only for new, B-stock and mint stock.
    pub fn seed_listing(&self, sku: &str, title: &str, price: Decimal, inventory: u32) -> String {
        let mut inner = self.lock();
        let id = inner
            .state
            .create(Some(sku.into()), title.into(), price, inventory);
        if inventory > 1 {
            if let Some(listing) = inner.state.listings.get_mut(&id) {
                listing.condition = Some(super::state::BRAND_NEW.to_owned());
            }
        }
        id.to_string()
    }

    /// Sets the shop's currency: listings made from now on outside Riff are
    /// priced in it, as a Reverb shop set to sell in USD would price them.
    pub fn set_currency(&self, currency: &str) {
        self.lock().state.currency = currency.to_owned();
    }

    /// Lists an item the way a seller does on reverb.com without Riff: no SKU.
    pub fn add_external_listing(&self, title: &str, price: Decimal) -> String {
        self.lock()
            .state
            .create(None, title.into(), price, 1)
            .to_string()
    }

    /// A buyer buys `quantity` units at `sold_at`; returns the order number.
    /// With a [`WebhookTarget`] set, Reverb then POSTs the order to it in
    /// the background.
    ///
    /// # Errors
    /// An unknown or ended listing, or more units than are left.
    pub fn record_sale(
        &self,
        id: &str,
        quantity: u32,
        sold_at: DateTime<Utc>,
    ) -> Result<String, ControlError> {
        let id = id
            .parse()
            .map_err(|_| ControlError(format!("{id:?} is not a listing id")))?;
        let mut inner = self.lock();
        let number = inner
            .state
            .sell(id, quantity, sold_at)
            .map_err(ControlError)?;
        let state = &inner.state;
        let sold = state
            .orders
            .iter()
            .find(|o| o.order_number == number)
            .zip(state.listings.get(&id));
        if let (Some(target), Some((order, listing))) = (&inner.webhook, sold) {
            let order = state.wire_order(order);
            delivery::send(webhook::order_created(target, &order, &listing.title));
        }
        Ok(number.to_string())
    }

    /// Counts a request that may change Reverb, before it is admitted.
    fn count_write(&self) {
        self.lock().writes.count_write();
    }

    pub fn set_page_size(&self, page_size: u32) {
        self.lock().page_size = page_size.max(1);
    }

    /// Counts the request, injects a due fault, and checks the token.
    fn admit(&self, headers: &HeaderMap) -> Result<MutexGuard<'_, Inner>, Refused> {
        let mut inner = self.lock();
        if let Some(fault) = inner.faults.on_request() {
            return Err(match fault {
                Fault::RateLimited { retry_after_secs } => too_many_requests(retry_after_secs),
                Fault::ServerError => internal_server_error(),
            }
            .into());
        }
        let expected = format!("Bearer {}", inner.token);
        let given = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        if given != Some(expected.as_str()) {
            return Err(refusal(Refusal {
                status: StatusCode::UNAUTHORIZED,
                body: ErrorBody {
                    message: Some("You are not authorized to perform this action.".into()),
                    errors: BTreeMap::new(),
                },
            })
            .into());
        }
        Ok(inner)
    }
}

/// Spawned ([`Simulator::spawn`]), the API root is `{base}{API_PATH}`.
impl Simulator for ReverbSimulator {
    const NAME: &'static str = "Reverb";

    fn router(&self) -> Router {
        Router::new()
            .route("/api/listings", post(create_listing))
            .route("/api/listings/{id}", get(get_listing).put(update_listing))
            .route("/api/my/listings", get(my_listings))
            .route("/api/my/listings/{id}/state/end", put(end_listing))
            .route("/api/my/orders/selling/all", get(my_orders))
            .with_state(self.clone())
    }
}

fn refusal(refusal: Refusal) -> Response {
    (refusal.status, Json(refusal.body)).into_response()
}

fn answer<T: Serialize>(result: Result<T, Refusal>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(r) => refusal(r),
    }
}

fn listing_id(raw: &str) -> Result<u64, Refusal> {
    raw.parse().map_err(|_| Refusal {
        status: StatusCode::NOT_FOUND,
        body: ErrorBody::default(),
    })
}

async fn create_listing(
    AxumState(sim): AxumState<ReverbSimulator>,
    headers: HeaderMap,
    Json(body): Json<ListingBody>,
) -> Result<Response, Refused> {
    sim.count_write();
    let mut inner = sim.admit(&headers)?;
    Ok(match inner.state.create_from(&body) {
        Ok(listing) => (StatusCode::CREATED, Json(listing)).into_response(),
        Err(r) => refusal(r),
    })
}

async fn get_listing(
    AxumState(sim): AxumState<ReverbSimulator>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Refused> {
    let inner = sim.admit(&headers)?;
    Ok(answer(listing_id(&id).and_then(|id| inner.state.get(id))))
}

async fn update_listing(
    AxumState(sim): AxumState<ReverbSimulator>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<ListingBody>,
) -> Result<Response, Refused> {
    sim.count_write();
    let mut inner = sim.admit(&headers)?;
    Ok(answer(
        listing_id(&id).and_then(|id| inner.state.update(id, &body)),
    ))
}

async fn end_listing(
    AxumState(sim): AxumState<ReverbSimulator>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(_reason): Json<EndBody>,
) -> Result<Response, Refused> {
    sim.count_write();
    sim.lock().writes.count_end(&id);
    let mut inner = sim.admit(&headers)?;
    Ok(answer(listing_id(&id).and_then(|id| inner.state.end(id))))
}

/// `page` and `per_page` of a query, and the slice of `all` they select,
/// with the page's counts and its `next` link (§2.4).
fn page_of<T: Clone>(
    all: &[T],
    query: &HashMap<String, String>,
    page_size: u32,
    next_base: &str,
) -> (Vec<T>, u32, u32, Links) {
    let per_page = query
        .get("per_page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(25)
        .clamp(1, page_size) as usize;
    let page = query
        .get("page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1) as usize;
    let total_pages = all.len().div_ceil(per_page);
    let start = (page - 1).saturating_mul(per_page).min(all.len());
    let end = start.saturating_add(per_page).min(all.len());
    let next = (page < total_pages).then(|| Href {
        href: format!("{next_base}page={}&per_page={per_page}", page + 1),
    });
    (
        all[start..end].to_vec(),
        u32::try_from(page).unwrap_or(u32::MAX),
        u32::try_from(total_pages).unwrap_or(u32::MAX),
        Links { web: None, next },
    )
}

fn base_url(headers: &HeaderMap) -> String {
    format!("http://{}{API_PATH}", host(headers))
}

async fn my_listings(
    AxumState(sim): AxumState<ReverbSimulator>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refused> {
    let inner = sim.admit(&headers)?;
    let state = query.get("state").map_or("live", String::as_str);
    let sku = query.get("sku").map(String::as_str);
    let all = inner.state.select(state, sku);
    let mut next_base = format!("{}/my/listings?state={state}&", base_url(&headers));
    if let Some(sku) = sku {
        next_base.push_str(&format!("sku={sku}&"));
    }
    let (listings, current_page, total_pages, links) =
        page_of(&all, &query, inner.page_size, &next_base);
    Ok(Json(ListingsPage {
        total: u32::try_from(all.len()).unwrap_or(u32::MAX),
        current_page,
        total_pages,
        listings,
        embedded: None,
        links,
    })
    .into_response())
}

async fn my_orders(
    AxumState(sim): AxumState<ReverbSimulator>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refused> {
    let inner = sim.admit(&headers)?;
    let since = query
        .get("updated_start_date")
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map_or(DateTime::<Utc>::MIN_UTC, |d| d.with_timezone(&Utc));
    let all = inner.state.orders_since(since);
    let next_base = format!(
        "{}/my/orders/selling/all?updated_start_date={}&",
        base_url(&headers),
        query.get("updated_start_date").map_or("", String::as_str)
    );
    let (orders, current_page, total_pages, links) =
        page_of(&all, &query, inner.page_size, &next_base);
    Ok(Json(OrdersPage {
        total: u32::try_from(all.len()).unwrap_or(u32::MAX),
        current_page,
        total_pages,
        orders,
        links,
    })
    .into_response())
}
