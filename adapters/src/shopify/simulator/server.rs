//! The simulator's HTTP face and its test controls.
//!
//! One endpoint, `POST /admin/api/{version}/graphql.json` (§3.1), checking
//! `X-Shopify-Access-Token`. This is not a GraphQL engine: it reads the
//! operation name after `query`/`mutation` in the query text and answers the
//! exact operations the client sends ([`super::super::wire::operation`]),
//! in the same JSON shapes (`data`, `errors`, `extensions.cost`). A cost
//! bucket answers `THROTTLED` when it runs dry (§3.2), and the server may
//! fail a request on purpose ([`FaultPlan`], [`ShopifySimulator::fail_once`]).
//! A sale POSTs the `orders/create` webhook to the [`WebhookTarget`], if
//! one is set.

use std::time::Instant;

use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::super::wire::{
    operation, Cost, DeleteMediaVars, ErrorExtensions, Extensions, GraphqlError, GraphqlRequest,
    GraphqlResponse, IdVars, LevelVars, PageVars, ProductVars, PublishVars, QuantityVars,
    ReorderMediaVars, StagedUploadsVars, ThrottleStatus, VariantsVars,
};
use super::state::{SimLocation, SimOrder, SimProduct, State};
use super::webhook::{self, WebhookTarget};
use crate::simulator::answers::{host, internal_server_error, too_many_requests};
use crate::simulator::{delivery, ControlError, Faults, Shared, Simulator, WriteCounts};

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

/// Which requests fail, and how (see [`crate::simulator::FaultPlan`]).
pub type FaultPlan = crate::simulator::FaultPlan<Fault>;

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
    faults: Faults<Fault>,
    /// A fault for the next request of one operation, then none.
    fail_once: Option<(String, Fault)>,
    /// A product (its id) a buyer buys one unit of just before the next
    /// request of one operation is answered.
    buy_before: Option<(String, u64)>,
    /// Mutation requests, and `productUpdate`s setting status ARCHIVED per
    /// product GID.
    writes: WriteCounts,
    webhook: Option<WebhookTarget>,
}

crate::simulator::handle! {
    /// A simulated Shopify store: clone it freely; every clone is the same store.
    ShopifySimulator
}
crate::simulator::write_counts!(ShopifySimulator, products);
crate::simulator::buyer!(ShopifySimulator);

impl ShopifySimulator {
    /// A store that accepts `token` as its Admin API access token, with a
    /// Standard plan's bucket (2000 points, 100 per second).
    pub fn new(token: &str) -> Self {
        Self {
            inner: Shared::new(Inner {
                state: State::new(),
                token: token.to_owned(),
                page_size: 250,
                bucket: Bucket {
                    maximum: 2000.0,
                    available: 2000.0,
                    restore_rate: 100.0,
                    at: Instant::now(),
                },
                faults: Faults::default(),
                fail_once: None,
                buy_before: None,
                writes: WriteCounts::default(),
                webhook: None,
            }),
        }
    }

    /// The bytes posted to a staged upload target, by its `resourceUrl`.
    pub fn staged_upload(&self, resource_url: &str) -> Option<Vec<u8>> {
        self.lock()
            .state
            .staged
            .get(resource_url)
            .cloned()
            .flatten()
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
    /// line item; returns the order's GID. With a [`WebhookTarget`] set, the
    /// store then POSTs `orders/create` to it in the background.
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
        let mut inner = self.lock();
        let order_id = inner
            .state
            .sell(id, quantity, sold_at)
            .map_err(ControlError)?;
        let state = &inner.state;
        let sold = state.orders.get(&order_id).zip(state.products.get(&id));
        if let (Some(target), Some((order, product))) = (&inner.webhook, sold) {
            let name = state.order_name(order_id);
            delivery::send(webhook::order_created(
                target,
                order,
                product,
                &name,
                &state.currency,
            ));
        }
        Ok(format!("gid://shopify/Order/{order_id}"))
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

    /// Sets a product's stock by hand, as the seller would in the admin
    /// (at its first location when it has one); returns whether the
    /// product exists.
    pub fn set_inventory(&self, gid: &str, quantity: i64) -> bool {
        let mut inner = self.lock();
        let Some(product) = inner.state.products.values_mut().find(|p| p.gid() == gid) else {
            return false;
        };
        if let Some(first) = product.locations.values_mut().next() {
            *first = quantity;
            product.inventory = product.locations.values().sum();
        } else {
            product.inventory = quantity;
        }
        true
    }

    /// Turns quantity tracking off (or on) for a product, as the seller
    /// would by unticking "Track quantity"; returns whether it exists.
    pub fn set_tracked(&self, gid: &str, tracked: bool) -> bool {
        let mut inner = self.lock();
        let Some(product) = inner.state.products.values_mut().find(|p| p.gid() == gid) else {
            return false;
        };
        product.tracked = tracked;
        true
    }

    /// Replaces the store's locations, the first being the primary one:
    /// `(id, name, active)`.
    pub fn set_locations(&self, locations: &[(u64, &str, bool)]) {
        self.lock().state.locations = locations
            .iter()
            .map(|(id, name, active)| SimLocation {
                id: *id,
                name: (*name).to_owned(),
                active: *active,
            })
            .collect();
    }

    /// Sets the store's currency (`shop.currencyCode`): every price it
    /// shows, products and orders alike, is read in it.
    pub fn set_currency(&self, currency: &str) {
        self.lock().state.currency = currency.to_owned();
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

    /// Fails the next request of `operation` (one of
    /// [`super::super::wire::operation`]) with `fault`, once, wherever it
    /// falls in the request count; to stop a publish between two of its
    /// mutations.
    pub fn fail_once(&self, operation: &str, fault: Fault) {
        self.lock().fail_once = Some((operation.to_owned(), fault));
    }

    /// A buyer buys one unit of the product `gid` just before the next
    /// request of `operation` is answered, wherever it falls: to land a
    /// purchase between two steps of a publish.
    ///
    /// # Errors
    /// `gid` is not a product GID.
    pub fn buy_before(&self, operation: &str, gid: &str) -> Result<(), ControlError> {
        let id = gid
            .strip_prefix("gid://shopify/Product/")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| ControlError(format!("{gid:?} is not a product GID")))?;
        self.lock().buy_before = Some((operation.to_owned(), id));
        Ok(())
    }
}

/// Spawned ([`Simulator::spawn`]), its base URL is the client's
/// `shop_url`.
impl Simulator for ShopifySimulator {
    const NAME: &'static str = "Shopify";

    fn router(&self) -> Router {
        Router::new()
            .route("/admin/api/{version}/graphql.json", post(graphql))
            .route("/staged-uploads", post(staged_upload))
            .with_state(self.clone())
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

/// A staged upload target (as Shopify's storage): the form's `key` names
/// the target, `file` is the bytes. `204` as the storage answers.
async fn staged_upload(
    AxumState(sim): AxumState<ShopifySimulator>,
    headers: HeaderMap,
    mut form: axum::extract::Multipart,
) -> Response {
    let (mut key, mut file) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("key") => key = field.text().await.ok(),
            Some("file") => file = field.bytes().await.ok().map(|b| b.to_vec()),
            _ => {}
        }
    }
    let (Some(key), Some(file)) = (key, file) else {
        return (StatusCode::BAD_REQUEST, "key and file are required").into_response();
    };
    let resource_url = format!("http://{}/staged-uploads/{key}", host(&headers));
    let mut inner = sim.lock();
    match inner.state.staged.get_mut(&resource_url) {
        Some(slot) => {
            *slot = Some(file);
            StatusCode::NO_CONTENT.into_response()
        }
        None => (StatusCode::FORBIDDEN, "no such upload target").into_response(),
    }
}

async fn graphql(
    AxumState(sim): AxumState<ShopifySimulator>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut inner = sim.lock();
    let due = inner.faults.on_request();
    let parsed = serde_json::from_str::<GraphqlRequest<Value>>(&body).ok();
    let name = parsed
        .as_ref()
        .and_then(|r| operation_name(&r.query))
        .map(str::to_owned);
    if parsed
        .as_ref()
        .is_some_and(|r| r.query.trim_start().starts_with("mutation"))
    {
        inner.writes.count_write();
    }
    if let Some(archived) = parsed
        .as_ref()
        .filter(|_| name.as_deref() == Some(operation::PRODUCT_UPDATE))
        .and_then(|r| variables::<ProductVars>(r).ok())
        .filter(|v| v.product.status.as_deref() == Some("ARCHIVED"))
        .and_then(|v| v.product.id)
    {
        inner.writes.count_end(&archived);
    }
    if let Some(fault) = due {
        return fault_response(fault, &inner.bucket);
    }
    let once = match (&inner.fail_once, &name) {
        (Some((operation, fault)), Some(name)) if operation == name => Some(*fault),
        _ => None,
    };
    if let Some(fault) = once {
        inner.fail_once = None;
        return fault_response(fault, &inner.bucket);
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
    let Some(request) = parsed else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "errors": { "query": "Required parameter missing or invalid" } })),
        )
            .into_response();
    };
    let Some(name) = name else {
        return query_error("Parse error: no operation name".into());
    };
    if let Some((_, id)) = inner
        .buy_before
        .take_if(|(operation, _)| *operation == name)
    {
        if let Err(refused) = inner.state.sell(id, 1, Utc::now()) {
            tracing::debug!(refused, "the planned purchase could not be made");
        }
    }
    run_operation(&mut inner, &request, &name, host(&headers))
}

/// The injected `fault`, as Shopify's edge or API would answer it.
fn fault_response(fault: Fault, bucket: &Bucket) -> Response {
    match fault {
        Fault::TooManyRequests { retry_after_secs } => too_many_requests(retry_after_secs),
        Fault::ServerError => internal_server_error(),
        Fault::Throttled => {
            let mut status = bucket.status();
            status.currently_available = 0.0;
            throttled(MUTATION_COST, status)
        }
    }
}

/// Runs one admitted operation against the store, charging the bucket.
fn run_operation(
    inner: &mut Inner,
    request: &GraphqlRequest<Value>,
    name: &str,
    host: &str,
) -> Response {
    let requested = requested_cost(request);
    inner.bucket.refill();
    if inner.bucket.available < requested {
        return throttled(requested, inner.bucket.status());
    }
    let answer = answer_query(&inner.state, request, name, inner.page_size)
        .or_else(|| answer_mutation(&mut inner.state, request, name, host))
        .unwrap_or_else(|| Err(format!("the simulator does not answer operation {name:?}")));
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

/// What the bucket must hold before an operation runs (§3.2): a query's
/// guess grows with the `first` it asks for, a mutation costs the same
/// every time.
fn requested_cost(request: &GraphqlRequest<Value>) -> f64 {
    if request.query.trim_start().starts_with("query") {
        let first = request
            .variables
            .get("first")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        2.0 + first
    } else {
        MUTATION_COST
    }
}

/// A query's `data` and what it actually cost (a page costs one point per
/// node it holds); `None` when `name` is no query the simulator knows.
fn answer_query(
    state: &State,
    request: &GraphqlRequest<Value>,
    name: &str,
    page_size: u32,
) -> Option<Result<(Value, f64), String>> {
    let answer = match name {
        operation::PRODUCT_MEDIA => variables::<IdVars>(request).map(|v| {
            let media = state.media_of(&v.id).map(|ids| {
                json!({ "media": { "nodes": ids.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>() } })
            });
            (json!({ "product": media }), 2.0)
        }),
        operation::PRODUCTS => variables::<PageVars>(request).map(|v| {
            let products = state.products(&v, page_size);
            let cost = 2.0 + products.nodes.len() as f64;
            (
                json!({ "shop": to_value(&state.shop()), "products": to_value(&products) }),
                cost,
            )
        }),
        operation::PRODUCT => variables::<IdVars>(request).map(|v| {
            let product = state.product(&v.id);
            (
                json!({ "shop": to_value(&state.shop()), "product": to_value(&product) }),
                2.0,
            )
        }),
        operation::INVENTORY_LEVEL => variables::<LevelVars>(request).map(|v| {
            let item = state.inventory_level(&v);
            (json!({ "inventoryItem": to_value(&item) }), 2.0)
        }),
        operation::LOCATIONS => Ok((to_value(&state.locations()), 2.0)),
        operation::PUBLICATIONS => Ok((to_value(&state.publications()), 2.0)),
        operation::ORDERS => variables::<PageVars>(request).map(|v| {
            let orders = state.orders(&v, page_size);
            let cost = 2.0 + orders.nodes.len() as f64;
            (json!({ "orders": to_value(&orders) }), cost)
        }),
        _ => return None,
    };
    Some(answer)
}

/// A mutation's `data`, under its payload field, and its fixed cost;
/// `None` when `name` is no mutation the simulator knows.
fn answer_mutation(
    state: &mut State,
    request: &GraphqlRequest<Value>,
    name: &str,
    host: &str,
) -> Option<Result<(Value, f64), String>> {
    let answer = match name {
        operation::PRODUCT_CREATE => variables::<ProductVars>(request).map(|v| {
            let media = v.media.unwrap_or_default();
            ("productCreate", state.product_create(&v.product, &media))
        }),
        operation::STAGED_UPLOADS => variables::<StagedUploadsVars>(request).map(|v| {
            let base = format!("http://{host}");
            ("stagedUploadsCreate", state.staged_uploads(&base, &v.input))
        }),
        operation::PRODUCT_UPDATE => variables::<ProductVars>(request).map(|v| {
            let media = v.media.unwrap_or_default();
            ("productUpdate", state.product_update(&v.product, &media))
        }),
        operation::DELETE_MEDIA => variables::<DeleteMediaVars>(request)
            .map(|v| ("productDeleteMedia", state.delete_media(&v))),
        operation::REORDER_MEDIA => variables::<ReorderMediaVars>(request)
            .map(|v| ("productReorderMedia", state.reorder_media(&v))),
        operation::SET_VARIANT => variables::<VariantsVars>(request)
            .map(|v| ("productVariantsBulkUpdate", state.variants_update(&v))),
        operation::SET_QTY => variables::<QuantityVars>(request)
            .map(|v| ("inventorySetQuantities", state.set_quantities(&v.input))),
        operation::PUBLISH => {
            variables::<PublishVars>(request).map(|v| ("publishablePublish", state.publish(&v)))
        }
        _ => return None,
    };
    Some(answer.map(|(field, payload)| (json!({ field: to_value(&payload) }), MUTATION_COST)))
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
