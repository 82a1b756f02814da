//! The simulator's HTTP face and its test controls.
//!
//! One endpoint, `POST /admin/api/{version}/graphql.json` (§3.1), checking
//! `X-Shopify-Access-Token`. This is not a GraphQL engine: it reads the
//! operation name after `query`/`mutation` in the query text and answers the
//! exact operations the client sends ([`super::super::wire::operation`]),
//! in the same JSON shapes (`data`, `errors`, `extensions.cost`). A cost
//! bucket answers `THROTTLED` when it runs dry (§3.2), and the server may
//! fail a request on purpose ([`FaultPlan`]).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use axum::extract::State as AxumState;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::super::wire::{
    operation, Cost, ErrorExtensions, Extensions, GraphqlError, GraphqlRequest, GraphqlResponse,
    IdVars, MutationPayload, PageVars, ProductVars, QuantityVars, ThrottleStatus, VariantsVars,
};
use super::state::{shop, SimOrder, SimProduct, State};

/// What a mutation costs, as Shopify charges (§3.2).
const MUTATION_COST: f64 = 10.0;

/// A failure the simulator injects instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 with `Retry-After` in seconds and no GraphQL body.
    TooManyRequests { retry_after_secs: u64 },
    /// HTTP 500.
    ServerError,
    /// HTTP 200 with the `THROTTLED` error of §3.2 and an empty bucket.
    Throttled,
}

/// Every `every`th request fails with the next fault of `faults`, in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultPlan {
    pub every: u32,
    pub faults: Vec<Fault>,
}

/// Why a test control refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("simulator: {0}")]
pub struct ControlError(String);

/// The leaky bucket of §3.2, refilled by the wall clock.
#[derive(Debug)]
struct Bucket {
    maximum: f64,
    available: f64,
    restore_rate: f64,
    at: Instant,
}

impl Bucket {
    fn refill(&mut self) {
        let now = Instant::now();
        let restored = now.duration_since(self.at).as_secs_f64() * self.restore_rate;
        self.available = (self.available + restored).min(self.maximum);
        self.at = now;
    }

    fn status(&self) -> ThrottleStatus {
        ThrottleStatus {
            maximum_available: self.maximum,
            currently_available: self.available.floor(),
            restore_rate: self.restore_rate,
        }
    }
}

#[derive(Debug)]
struct Inner {
    state: State,
    token: String,
    /// The most nodes one page holds (§3.3: 250 on Shopify).
    page_size: u32,
    bucket: Bucket,
    faults: Option<FaultPlan>,
    requests: u32,
    injected: usize,
}

/// A simulated Shopify store: clone it freely; every clone is the same store.
#[derive(Debug, Clone)]
pub struct ShopifySimulator {
    inner: Arc<Mutex<Inner>>,
}

impl ShopifySimulator {
    /// A store that accepts `token` as its Admin API access token, with a
    /// Standard plan's bucket (2000 points, 100 per second).
    pub fn new(token: &str) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                state: State::new(),
                token: token.to_owned(),
                page_size: 250,
                bucket: Bucket {
                    maximum: 2000.0,
                    available: 2000.0,
                    restore_rate: 100.0,
                    at: Instant::now(),
                },
                faults: None,
                requests: 0,
                injected: 0,
            })),
        }
    }

    /// Held only for in-memory work; a poisoned lock is taken over.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/admin/api/{version}/graphql.json", post(graphql))
            .with_state(self.clone())
    }

    /// Serves on `listener` until the task is dropped.
    ///
    /// # Errors
    /// When the listener fails.
    pub async fn serve(self, listener: TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// Serves on a free port of 127.0.0.1 in a background task and returns
    /// the base URL, which is the client's `shop_url`.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn spawn(&self) -> std::io::Result<String> {
        crate::simulator::spawn(self.router(), "Shopify").await
    }

    /// An active product with a SKU; returns its GID.
    pub fn seed_listing(&self, sku: &str, title: &str, price: Decimal, inventory: u32) -> String {
        let mut inner = self.lock();
        let id = inner
            .state
            .create(Some(sku.into()), title.into(), price, i64::from(inventory));
        format!("gid://shopify/Product/{id}")
    }

    /// A product made in the Shopify admin without Riff: no SKU.
    pub fn add_external_listing(&self, title: &str, price: Decimal) -> String {
        let id = self.lock().state.create(None, title.into(), price, 1);
        format!("gid://shopify/Product/{id}")
    }

    /// A buyer buys `quantity` units at `sold_at`: a paid order with one
    /// line item; returns the order's GID.
    ///
    /// # Errors
    /// An unknown or archived product, or more units than are left.
    pub fn record_sale(
        &self,
        gid: &str,
        quantity: u32,
        sold_at: DateTime<Utc>,
    ) -> Result<String, ControlError> {
        let id = gid
            .strip_prefix("gid://shopify/Product/")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| ControlError(format!("{gid:?} is not a product GID")))?;
        self.lock()
            .state
            .sell(id, quantity, sold_at)
            .map(|n| format!("gid://shopify/Order/{n}"))
            .map_err(ControlError)
    }

    pub fn product(&self, gid: &str) -> Option<SimProduct> {
        let id: u64 = gid.strip_prefix("gid://shopify/Product/")?.parse().ok()?;
        self.lock().state.products.get(&id).cloned()
    }

    /// Every product ever made, oldest first.
    pub fn products(&self) -> Vec<SimProduct> {
        self.lock().state.products.values().cloned().collect()
    }

    pub fn orders(&self) -> Vec<SimOrder> {
        self.lock().state.orders.values().cloned().collect()
    }

    pub fn set_page_size(&self, page_size: u32) {
        self.lock().page_size = page_size.clamp(1, 250);
    }

    /// Resizes the cost bucket and fills it (§3.2: plans differ).
    pub fn set_bucket(&self, maximum: f64, restore_rate: f64) {
        self.lock().bucket = Bucket {
            maximum,
            available: maximum,
            restore_rate,
            at: Instant::now(),
        };
    }

    /// Starts (or stops) injecting faults; the request count restarts.
    pub fn set_faults(&self, plan: Option<FaultPlan>) {
        let mut inner = self.lock();
        inner.faults = plan;
        inner.requests = 0;
        inner.injected = 0;
    }

    /// Requests received since start or the last
    /// [`ShopifySimulator::set_faults`].
    pub fn requests(&self) -> u32 {
        self.lock().requests
    }
}

/// The operation's name: the word after `query` or `mutation`.
fn operation_name(query: &str) -> Option<&str> {
    let rest = query
        .trim_start()
        .strip_prefix("mutation")
        .or_else(|| query.trim_start().strip_prefix("query"))?;
    rest.trim_start()
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .filter(|name| !name.is_empty())
}

/// §3.2's THROTTLED answer, with the bucket as it stands.
fn throttled(requested: f64, status: ThrottleStatus) -> Response {
    Json(GraphqlResponse::<Value> {
        data: None,
        errors: vec![GraphqlError {
            message: "Throttled".into(),
            extensions: Some(ErrorExtensions {
                code: Some("THROTTLED".into()),
            }),
        }],
        extensions: Some(Extensions {
            cost: Some(Cost {
                requested_query_cost: Some(requested),
                actual_query_cost: None,
                throttle_status: status,
            }),
        }),
    })
    .into_response()
}

/// A top-level error, as for a query the simulator does not know.
fn query_error(message: String) -> Response {
    Json(GraphqlResponse::<Value> {
        data: None,
        errors: vec![GraphqlError {
            message,
            extensions: None,
        }],
        extensions: None,
    })
    .into_response()
}

/// The operation's variables, or the message of a top-level error.
fn variables<V: DeserializeOwned>(request: &GraphqlRequest<Value>) -> Result<V, String> {
    serde_json::from_value(request.variables.clone())
        .map_err(|e| format!("Variables are invalid: {e}"))
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn mutation(field: &str, payload: &MutationPayload) -> Value {
    json!({ field: to_value(payload) })
}

async fn graphql(
    AxumState(sim): AxumState<ShopifySimulator>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut inner = sim.lock();
    inner.requests += 1;
    let due = inner.faults.as_ref().and_then(|plan| {
        let due =
            plan.every > 0 && !plan.faults.is_empty() && inner.requests.is_multiple_of(plan.every);
        due.then(|| plan.faults[inner.injected % plan.faults.len()])
    });
    if let Some(fault) = due {
        inner.injected += 1;
        return match fault {
            Fault::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                [(RETRY_AFTER, retry_after_secs.to_string())],
                "",
            )
                .into_response(),
            Fault::ServerError => {
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
            }
            Fault::Throttled => {
                let mut status = inner.bucket.status();
                status.currently_available = 0.0;
                throttled(MUTATION_COST, status)
            }
        };
    }
    let given = headers
        .get("x-shopify-access-token")
        .and_then(|v| v.to_str().ok());
    if given != Some(inner.token.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({
                "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
            })),
        )
            .into_response();
    }
    let Ok(request) = serde_json::from_str::<GraphqlRequest<Value>>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "errors": { "query": "Required parameter missing or invalid" } })),
        )
            .into_response();
    };
    let Some(name) = operation_name(&request.query).map(str::to_owned) else {
        return query_error("Parse error: no operation name".into());
    };
    let is_query = request.query.trim_start().starts_with("query");
    let requested = if is_query {
        let first = request
            .variables
            .get("first")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        2.0 + first
    } else {
        MUTATION_COST
    };
    inner.bucket.refill();
    if inner.bucket.available < requested {
        return throttled(requested, inner.bucket.status());
    }
    let page_size = inner.page_size;
    let answer = match name.as_str() {
        operation::PRODUCT_CREATE => variables::<ProductVars>(&request).map(|v| {
            let payload = inner.state.product_create(&v.product);
            (mutation("productCreate", &payload), MUTATION_COST)
        }),
        operation::PRODUCT_UPDATE => variables::<ProductVars>(&request).map(|v| {
            let payload = inner.state.product_update(&v.product);
            (mutation("productUpdate", &payload), MUTATION_COST)
        }),
        operation::SET_VARIANT => variables::<VariantsVars>(&request).map(|v| {
            let payload = inner.state.variants_update(&v);
            (
                mutation("productVariantsBulkUpdate", &payload),
                MUTATION_COST,
            )
        }),
        operation::SET_QTY => variables::<QuantityVars>(&request).map(|v| {
            let payload = inner.state.set_quantities(&v.input);
            (mutation("inventorySetQuantities", &payload), MUTATION_COST)
        }),
        operation::PRODUCTS => variables::<PageVars>(&request).map(|v| {
            let products = inner.state.products(&v, page_size);
            let cost = 2.0 + products.nodes.len() as f64;
            (
                json!({ "shop": to_value(&shop()), "products": to_value(&products) }),
                cost,
            )
        }),
        operation::PRODUCT => variables::<IdVars>(&request).map(|v| {
            let product = inner.state.product(&v.id);
            (
                json!({ "shop": to_value(&shop()), "product": to_value(&product) }),
                2.0,
            )
        }),
        operation::ORDERS => variables::<PageVars>(&request).map(|v| {
            let orders = inner.state.orders(&v, page_size);
            let cost = 2.0 + orders.nodes.len() as f64;
            (json!({ "orders": to_value(&orders) }), cost)
        }),
        other => Err(format!("the simulator does not answer operation {other:?}")),
    };
    let (data, actual) = match answer {
        Ok(answer) => answer,
        Err(message) => return query_error(message),
    };
    inner.bucket.available -= actual;
    Json(GraphqlResponse {
        data: Some(data),
        errors: Vec::new(),
        extensions: Some(Extensions {
            cost: Some(Cost {
                requested_query_cost: Some(requested),
                actual_query_cost: Some(actual),
                throttle_status: inner.bucket.status(),
            }),
        }),
    })
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_name_is_the_word_after_the_keyword() {
        assert_eq!(
            operation_name("mutation ProductCreate($product: ProductCreateInput!) { x }"),
            Some("ProductCreate")
        );
        assert_eq!(
            operation_name("  query Products($first: Int!) { x }"),
            Some("Products")
        );
        assert_eq!(operation_name("{ shop { name } }"), None);
    }
}
