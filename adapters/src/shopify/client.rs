//! [`ShopifyClient`]: the Marketplace port over Shopify's Admin GraphQL API
//! (§3, version 2025-07).
//!
//! Shopify has no idempotency key, and a publish is three mutations
//! (create, then price and SKU on the default variant, then the quantity at
//! the location), none retried here. So every product Riff creates carries
//! the tag `riff-listing:{listing id}`, and a publish first looks for a
//! product with its listing's tag: one found was made by an earlier attempt
//! whose answer, or whose later steps, were lost, and the publish finishes
//! it instead of creating another, without putting back stock a buyer has
//! taken since (see `ShopifyClient::finish`). A product with the request's
//! SKU and no such tag (made before tagging, or by hand) is returned as it
//! is. Reads are retried by [`RetryPolicy`] and pace themselves by the cost
//! bucket each response reports (§3.2).

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::StatusCode;
use riff_domain::listing::attributes::ShopifyAttributes;
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
use tokio::time::Instant;
use uuid::Uuid;

use super::wire::{
    self, Cost, GraphqlRequest, IdVars, InventoryItemInput, InventoryLevelData,
    InventorySetQuantitiesInput, LevelVars, LineItem, LocationsData, MutationData, MutationPayload,
    Order, OrdersData, PageVars, Product, ProductData, ProductInput, ProductVars, ProductsData,
    PublicationInput, PublicationsData, PublishVars, QuantityInput, QuantityVars, SeoInput,
    ThrottleStatus, UserError, Variant, VariantInput, VariantsVars,
};
use crate::http::{self, RetryPolicy};
use crate::request::foreign_attributes;
use crate::scanned::{self, PriceWords};
use crate::{OwnPictures, Secret};

/// A scan that claims more pages than this is a broken response.
const MAX_PAGES: u32 = 1_000;

/// §3.3: `first` may be at most 250.
const MAX_PAGE_SIZE: u32 = 250;

/// Financial statuses RIFF counted as a sale (§3.3 "Orders").
const SOLD_STATUSES: [&str; 3] = ["PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED"];

/// The GID prefix of a product (§3.1 "GIDs").
const PRODUCT_GID: &str = "gid://shopify/Product/";

/// Everything the client needs to reach one Shopify store.
#[derive(Debug, Clone)]
pub struct ShopifyConfig {
    /// `https://{shop}.myshopify.com` (the API path is appended).
    pub shop_url: String,
    /// The Admin API access token (`shpat_…`), sent as
    /// `X-Shopify-Access-Token`.
    pub access_token: Secret,
    /// The API version in the path; Riff is written against `2025-07`.
    pub api_version: String,
    /// The location GID whose quantity Riff sets, unless the listing's
    /// attributes name another; unset, the store's only active location.
    pub location_id: Option<String>,
    /// The Online Store's publication GID; unset, the publication named
    /// "Online Store" is found with the `publications` query.
    pub publication_id: Option<String>,
    /// `first` for scans, at most 250.
    pub page_size: u32,
    /// Retries for reads.
    pub retry: RetryPolicy,
    /// Whether the pictures go through staged uploads (bytes fetched from
    /// Riff and uploaded) because Shopify cannot fetch them from Riff's
    /// address; otherwise Shopify is given the pictures' URLs.
    pub stage_pictures: bool,
    /// Where Riff reads its own pictures to stage them.
    pub own_pictures: OwnPictures,
}

impl ShopifyConfig {
    pub fn new(shop_url: impl Into<String>, access_token: Secret) -> Self {
        Self {
            shop_url: shop_url.into().trim_end_matches('/').to_owned(),
            access_token,
            api_version: "2025-07".into(),
            location_id: None,
            publication_id: None,
            page_size: MAX_PAGE_SIZE,
            retry: RetryPolicy::default(),
            stage_pictures: false,
            own_pictures: OwnPictures::default(),
        }
    }
}

/// The bucket as the last response left it, and when.
#[derive(Debug, Clone, Copy)]
struct Budget {
    status: ThrottleStatus,
    /// What the last query asked for: the guess at what the next one will.
    requested: f64,
    at: Instant,
}

/// The Shopify adapter.
#[derive(Debug)]
pub struct ShopifyClient {
    pub(super) config: ShopifyConfig,
    pub(super) http: reqwest::Client,
    budget: Mutex<Option<Budget>>,
    /// The location found when `SHOPIFY_LOCATION_ID` is unset, once found.
    found_location: tokio::sync::OnceCell<ChosenLocation>,
    /// The Online Store's publication, once found.
    found_publication: tokio::sync::OnceCell<String>,
}

/// Where Riff keeps a product's stock on Shopify, and why there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenLocation {
    /// The Location GID.
    pub id: String,
    /// Its name, or the setting it came from.
    pub name: String,
    /// How it was chosen, for the start-up log and `riff platforms scan`.
    pub reason: String,
}

impl ShopifyClient {
    /// # Errors
    /// Only if the HTTP client cannot be built.
    pub fn new(config: ShopifyConfig) -> Result<Self, PortError> {
        Ok(Self {
            http: http::client()?,
            config,
            budget: Mutex::new(None),
            found_location: tokio::sync::OnceCell::new(),
            found_publication: tokio::sync::OnceCell::new(),
        })
    }

    fn endpoint(&self) -> String {
        format!(
            "{}/admin/api/{}/graphql.json",
            self.config.shop_url, self.config.api_version
        )
    }

    /// One GraphQL exchange (§3.1): the `data` of a clean answer, or the
    /// error the status, the top-level `errors` or a missing `data` means.
    async fn send<V: Serialize + Sync, D: DeserializeOwned>(
        &self,
        query: &str,
        variables: &V,
        requests: &AtomicU32,
    ) -> Result<D, PortError> {
        requests.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::to_string(&GraphqlRequest {
            query: query.to_owned(),
            variables,
        })
        .map_err(|e| PortError::Protocol(format!("could not write the request: {e}")))?;
        let request = self
            .http
            .post(self.endpoint())
            .header("X-Shopify-Access-Token", self.config.access_token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let http::Reply {
            status,
            headers,
            text,
        } = http::exchange(request, http::transport_error).await?;
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            return Err(auth_error(&format!("HTTP {status}")));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            // §3.2: a THROTTLED body may come with 429; it says how long.
            return Err(match wire::parse::<serde_json::Value>(&text) {
                Ok(answer) if is_throttled(&answer.errors) => {
                    throttled(answer.extensions.and_then(|e| e.cost).as_ref())
                }
                _ => http::status_error(status, &headers),
            });
        }
        if !status.is_success() {
            return Err(http::status_error(status, &headers));
        }
        let answer = wire::parse::<D>(&text)?;
        let cost = answer.extensions.and_then(|e| e.cost);
        if let Some(cost) = &cost {
            self.note(cost);
        }
        if is_throttled(&answer.errors) {
            return Err(throttled(cost.as_ref()));
        }
        if let Some(error) = answer.errors.first() {
            let code = error.extensions.as_ref().and_then(|e| e.code.as_deref());
            if code == Some("ACCESS_DENIED") {
                return Err(auth_error(&error.message));
            }
            let messages: Vec<_> = answer.errors.iter().map(|e| e.message.as_str()).collect();
            return Err(PortError::Protocol(format!(
                "Shopify refused the query: {}",
                messages.join("; ")
            )));
        }
        answer
            .data
            .ok_or_else(|| PortError::Protocol("Shopify answered with no data".into()))
    }

    /// Remembers the bucket a response reported, for pacing.
    fn note(&self, cost: &Cost) {
        let mut budget = self.budget.lock().unwrap_or_else(PoisonError::into_inner);
        *budget = Some(Budget {
            status: cost.throttle_status,
            requested: cost.requested_query_cost.unwrap_or(0.0),
            at: Instant::now(),
        });
    }

    /// How long to wait before the next read so that the bucket holds what
    /// the last query cost (§3.2): the bucket refills at `restoreRate` per
    /// second up to `maximumAvailable`. Capped by the retry ceiling.
    fn pause_before_read(&self) -> Duration {
        let budget = *self.budget.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(budget) = budget else {
            return Duration::ZERO;
        };
        let status = budget.status;
        let restored = budget.at.elapsed().as_secs_f64() * status.restore_rate;
        let available = (status.currently_available + restored).min(status.maximum_available);
        let wanted = budget.requested.min(status.maximum_available);
        if available >= wanted || status.restore_rate <= 0.0 {
            return Duration::ZERO;
        }
        Duration::try_from_secs_f64((wanted - available) / status.restore_rate)
            .unwrap_or(Duration::ZERO)
            .min(self.config.retry.max_delay)
    }

    /// A query, paced and retried by the configured policy.
    pub(super) async fn read<V: Serialize + Sync, D: DeserializeOwned>(
        &self,
        query: &str,
        variables: &V,
        requests: &AtomicU32,
    ) -> Result<D, PortError> {
        self.config
            .retry
            .run(|| async {
                let pause = self.pause_before_read();
                if !pause.is_zero() {
                    tracing::debug!(?pause, "waiting for Shopify's cost bucket");
                    tokio::time::sleep(pause).await;
                }
                self.send(query, variables, requests).await
            })
            .await
    }

    /// A mutation, sent once; its payload when `userErrors` is empty.
    pub(super) async fn mutate<V: Serialize + Sync>(
        &self,
        query: &str,
        field: &str,
        variables: &V,
        requests: &AtomicU32,
    ) -> Result<MutationPayload, PortError> {
        let payload = self.mutation(query, field, variables, requests).await?;
        match user_error(&payload.user_errors).or_else(|| user_error(&payload.media_user_errors)) {
            Some(error) => Err(error),
            None => Ok(payload),
        }
    }

    /// A mutation, sent once; its payload, `userErrors` and all, for a
    /// caller that expects one of them.
    async fn mutation<V: Serialize + Sync>(
        &self,
        query: &str,
        field: &str,
        variables: &V,
        requests: &AtomicU32,
    ) -> Result<MutationPayload, PortError> {
        let mut data: MutationData = self.send(query, variables, requests).await?;
        data.remove(field)
            .flatten()
            .ok_or_else(|| PortError::Protocol(format!("Shopify's answer has no {field} payload")))
    }

    /// Every page of a connection (§3.3), following `endCursor` while
    /// `hasNextPage`.
    async fn all_pages<D, T, F>(
        &self,
        query: &str,
        search: String,
        requests: &AtomicU32,
        split: F,
    ) -> Result<Vec<T>, PortError>
    where
        D: DeserializeOwned,
        F: Fn(D) -> (Vec<T>, Option<wire::PageInfo>),
    {
        let mut items = Vec::new();
        let mut variables = PageVars {
            first: self.config.page_size.clamp(1, MAX_PAGE_SIZE),
            after: None,
            query: Some(search),
        };
        for _ in 0..MAX_PAGES {
            let page: D = self.read(query, &variables, requests).await?;
            let (mut page_items, page_info) = split(page);
            items.append(&mut page_items);
            match page_info {
                Some(info) if info.has_next_page => {
                    let cursor = info.end_cursor.ok_or_else(|| {
                        PortError::Protocol("Shopify has a next page but no endCursor".into())
                    })?;
                    if variables.after.as_ref() == Some(&cursor) {
                        return Err(PortError::Protocol(
                            "Shopify gave the same cursor twice".into(),
                        ));
                    }
                    variables.after = Some(cursor);
                }
                _ => return Ok(items),
            }
        }
        Err(PortError::Protocol(format!(
            "Shopify kept offering pages past {MAX_PAGES}"
        )))
    }

    /// An active or draft product whose variant has this SKU, if any.
    /// Shopify's search is fuzzy, so the SKU is checked exactly here.
    async fn find_by_sku(
        &self,
        sku: &str,
        requests: &AtomicU32,
    ) -> Result<Option<Product>, PortError> {
        let variables = PageVars {
            first: 10,
            after: None,
            query: Some(format!("sku:{}", search_value(sku))),
        };
        let data: ProductsData = self.read(wire::PRODUCTS, &variables, requests).await?;
        Ok(data.products.nodes.into_iter().find(|p| {
            matches!(p.status.as_deref(), Some("ACTIVE" | "DRAFT"))
                && first_variant(p).and_then(|v| v.sku.as_deref()) == Some(sku)
        }))
    }

    /// An active or draft product tagged with this listing's
    /// [`listing_tag`], if an earlier publish made one. Tag search in
    /// Shopify matches the whole tag (shopify.dev/docs/api/usage/search-syntax;
    /// the `products` query's `tag` filter), and is checked again here.
    async fn find_by_listing(
        &self,
        listing_id: Uuid,
        requests: &AtomicU32,
    ) -> Result<Option<Product>, PortError> {
        let tag = listing_tag(listing_id);
        let variables = PageVars {
            first: 10,
            after: None,
            query: Some(format!("tag:{}", search_value(&tag))),
        };
        let data: ProductsData = self.read(wire::PRODUCTS, &variables, requests).await?;
        Ok(data.products.nodes.into_iter().find(|p| {
            matches!(p.status.as_deref(), Some("ACTIVE" | "DRAFT"))
                && p.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag))
        }))
    }

    /// One product by GID, with the shop's currency.
    async fn product(
        &self,
        external_id: &str,
        requests: &AtomicU32,
    ) -> Result<(Product, String), PortError> {
        let variables = IdVars {
            id: product_gid(external_id)?,
        };
        let data: ProductData = self.read(wire::PRODUCT, &variables, requests).await?;
        let product = data.product.ok_or(PortError::NotFound)?;
        Ok((product, data.shop.currency_code))
    }

    /// Finishes a product an earlier attempt at this publish made, never
    /// putting stock back that a buyer has taken.
    ///
    /// The earlier attempt may have stopped after creating the product,
    /// after its price and SKU, or after everything with only its answer
    /// lost. In that last case the product has been for sale since, and may
    /// have sold: its stock is then below the request's, and setting the
    /// request's quantity would offer a sold guitar again. So the orders
    /// made since the product was are read first, and if any has a line for
    /// it (cancelled or not: its stock is Shopify's to put back), nothing is
    /// written. The publish then answers with the product as it stands:
    /// live, with a sale. The caller records the listing as published, the
    /// next scan reads the order like any other sale, and the sale ends the
    /// listings elsewhere. With no sale, the steps are repeated, the
    /// quantity compare-and-set against the level read just before (§3.4
    /// (d)), so that a purchase landing between the look at the orders and
    /// the write makes Shopify refuse the write rather than restock.
    async fn finish(
        &self,
        product: &Product,
        request: &PublishRequest,
        attributes: &ShopifyAttributes,
        requests: &AtomicU32,
    ) -> Result<(), PortError> {
        if self.has_sold(product, requests).await? {
            tracing::info!(
                id = %product.id,
                "the product an earlier publish made has sold since; its stock is left as the sale left it"
            );
            return Ok(());
        }
        tracing::info!(id = %product.id, "finishing the product an earlier publish made");
        self.set_variant(product, request, attributes, Stock::UnlessChanged, requests)
            .await
    }

    /// Whether an order made since `product` was has a line for it.
    /// Shopify's `orders` search has no filter by product, so the orders
    /// made since are read and their lines checked.
    async fn has_sold(&self, product: &Product, requests: &AtomicU32) -> Result<bool, PortError> {
        let created = product.created_at.as_deref().ok_or_else(|| {
            PortError::Protocol(format!(
                "Shopify did not say when product {} was made",
                product.id
            ))
        })?;
        let orders = self
            .all_pages(
                wire::ORDERS,
                format!("created_at:>='{created}'"),
                requests,
                |page: OrdersData| (page.orders.nodes, page.orders.page_info),
            )
            .await?;
        Ok(orders
            .iter()
            .flat_map(|order| &order.line_items.nodes)
            .any(|line| line.product.as_ref().is_some_and(|p| p.id == product.id)))
    }

    /// The location whose stock Riff sets: `SHOPIFY_LOCATION_ID` when set,
    /// otherwise the store's only active location. A variant Riff makes is
    /// tracked, and a tracked variant whose quantity is never set shows 0
    /// left — sold out to every reader. So with several active locations
    /// and no setting Riff refuses, naming the choices, rather than guess.
    ///
    /// # Errors
    /// The locations could not be read, or there is no single one to use.
    pub async fn location(&self) -> Result<ChosenLocation, PortError> {
        if let Some(id) = self.config.location_id.clone() {
            return Ok(ChosenLocation {
                name: id.clone(),
                id,
                reason: "SHOPIFY_LOCATION_ID".into(),
            });
        }
        self.found_location
            .get_or_try_init(|| async {
                let requests = AtomicU32::new(0);
                let data: LocationsData = self
                    .read(wire::LOCATIONS, &serde_json::json!({}), &requests)
                    .await?;
                choose_location(&data)
            })
            .await
            .cloned()
    }

    /// The Online Store's publication: `SHOPIFY_PUBLICATION_ID`, or the
    /// store's channel named "Online Store".
    ///
    /// # Errors
    /// The channels could not be read, or the store has no Online Store.
    async fn online_store(&self, requests: &AtomicU32) -> Result<String, PortError> {
        if let Some(id) = &self.config.publication_id {
            return Ok(id.clone());
        }
        self.found_publication
            .get_or_try_init(|| async {
                let data: PublicationsData = self
                    .read(wire::PUBLICATIONS, &serde_json::json!({}), requests)
                    .await?;
                data.publications
                    .nodes
                    .into_iter()
                    .find(|p| p.name.eq_ignore_ascii_case("Online Store"))
                    .map(|p| p.id)
                    .ok_or_else(|| PortError::Validation {
                        field: Some("SHOPIFY_PUBLICATION_ID".into()),
                        message: "the Shopify store has no Online Store sales channel; add it, \
                                  or set SHOPIFY_PUBLICATION_ID to the channel to sell on"
                            .into(),
                    })
            })
            .await
            .cloned()
    }

    /// Puts an active product on the Online Store, where buyers see it.
    async fn put_on_online_store(
        &self,
        product_id: &str,
        requests: &AtomicU32,
    ) -> Result<(), PortError> {
        let publication_id = self.online_store(requests).await?;
        let variables = PublishVars {
            id: product_id.to_owned(),
            input: vec![PublicationInput { publication_id }],
        };
        self.mutate(wire::PUBLISH, "publishablePublish", &variables, requests)
            .await
            .map(drop)
    }

    /// The quantity available at `location` now, or `None` where the item
    /// is not stocked.
    async fn available(
        &self,
        item: &str,
        location: &str,
        requests: &AtomicU32,
    ) -> Result<Option<i64>, PortError> {
        let variables = LevelVars {
            id: item.to_owned(),
            location_id: location.to_owned(),
        };
        let data: InventoryLevelData = self
            .read(wire::INVENTORY_LEVEL, &variables, requests)
            .await?;
        let stock = data.inventory_item.ok_or_else(|| {
            PortError::Protocol(format!("Shopify does not know inventory item {item}"))
        })?;
        stock
            .inventory_level
            .map(|level| {
                level
                    .quantities
                    .iter()
                    .find(|q| q.name == "available")
                    .map(|q| q.quantity)
                    .ok_or_else(|| {
                        PortError::Protocol(format!(
                            "Shopify sent no available quantity for item {item} at {location}"
                        ))
                    })
            })
            .transpose()
    }

    /// Price and SKU on the product's one variant, then its quantity at the
    /// location when there is one (§3.4 (b), (d)).
    async fn set_variant(
        &self,
        product: &Product,
        request: &PublishRequest,
        attributes: &ShopifyAttributes,
        stock: Stock,
        requests: &AtomicU32,
    ) -> Result<(), PortError> {
        let variant = first_variant(product).ok_or_else(|| {
            PortError::Protocol(format!("Shopify product {} has no variant", product.id))
        })?;
        let variables = VariantsVars {
            product_id: product.id.clone(),
            variants: vec![VariantInput {
                id: variant.id.clone(),
                price: Some(request.price.amount.to_string()),
                inventory_policy: Some("DENY".into()),
                inventory_item: Some(InventoryItemInput {
                    sku: Some(request.sku.as_str().to_owned()),
                    tracked: Some(true),
                }),
            }],
        };
        self.mutate(
            wire::SET_VARIANT,
            "productVariantsBulkUpdate",
            &variables,
            requests,
        )
        .await?;
        let Some(item) = variant.inventory_item.as_ref() else {
            return Ok(());
        };
        let location = match &attributes.location_id {
            Some(id) => id.clone(),
            None => self.location().await?.id,
        };
        let location = &location;
        let compare_quantity = match stock {
            Stock::Set => None,
            Stock::UnlessChanged => self.available(&item.id, location, requests).await?,
        };
        let variables = QuantityVars {
            input: InventorySetQuantitiesInput {
                name: "available".into(),
                reason: "correction".into(),
                ignore_compare_quantity: compare_quantity.is_none(),
                quantities: vec![QuantityInput {
                    inventory_item_id: item.id.clone(),
                    location_id: location.clone(),
                    quantity: i64::from(request.quantity),
                    compare_quantity,
                }],
            },
        };
        let payload = self
            .mutation(
                wire::SET_QTY,
                "inventorySetQuantities",
                &variables,
                requests,
            )
            .await?;
        let stale = payload
            .user_errors
            .iter()
            .any(|e| e.code.as_deref() == Some("COMPARE_QUANTITY_STALE"));
        if compare_quantity.is_some() && stale {
            tracing::info!(
                id = %product.id,
                "the stock changed while Riff finished the product (a purchase); it is left as it is"
            );
            return Ok(());
        }
        user_error(&payload.user_errors).map_or(Ok(()), Err)
    }
}

/// How [`ShopifyClient::set_variant`] sets the quantity at the location.
#[derive(Debug, Clone, Copy)]
enum Stock {
    /// Outright: Riff owns the quantity it publishes, on a product it has
    /// just made or on a revise.
    Set,
    /// Only if the level is still what it was just before: when finishing
    /// an earlier attempt, whose product may be selling meanwhile.
    UnlessChanged,
}

#[async_trait]
impl Marketplace for ShopifyClient {
    fn platform(&self) -> Platform {
        Platform::Shopify
    }

    /// A product tagged for this listing is an earlier attempt's: it is
    /// returned, finished if it is not (see `ShopifyClient::finish`), and
    /// returned as it stands if it has sold meanwhile, so that a retried
    /// publish never restocks what a buyer took.
    #[tracing::instrument(skip_all, fields(sku = %request.sku, listing_id = %request.listing_id))]
    async fn publish(&self, request: &PublishRequest) -> Result<Published, PortError> {
        let attributes = shopify_attributes(request)?;
        let requests = AtomicU32::new(0);
        if let Some(earlier) = self.find_by_listing(request.listing_id, &requests).await? {
            if !is_complete(&earlier, request) {
                self.finish(&earlier, request, attributes, &requests)
                    .await?;
            }
            return Ok(published(earlier));
        }
        if let Some(existing) = self.find_by_sku(request.sku.as_str(), &requests).await? {
            tracing::info!(id = %existing.id, "Shopify already has this SKU");
            return Ok(published(existing));
        }
        // Where the stock goes is settled before anything is made: a
        // product made with nowhere to put its quantity would show none.
        if attributes.location_id.is_none() {
            self.location().await?;
        }
        let mut input = product_input(request, attributes);
        let status = attributes.status.clone().unwrap_or_else(|| "ACTIVE".into());
        input.status = Some(status.clone());
        let media = self.media(request, &requests).await?;
        let payload = self
            .mutate(
                wire::PRODUCT_CREATE,
                "productCreate",
                &ProductVars {
                    product: input,
                    media,
                },
                &requests,
            )
            .await?;
        let product = payload.product.ok_or_else(|| {
            PortError::Protocol("Shopify created a product but did not return it".into())
        })?;
        self.set_variant(&product, request, attributes, Stock::Set, &requests)
            .await?;
        if status == "ACTIVE" {
            self.put_on_online_store(&product.id, &requests).await?;
        }
        Ok(published(product))
    }

    async fn choices(&self) -> Result<Vec<String>, PortError> {
        let chosen = self.location().await?;
        Ok(vec![format!(
            "stock is kept at location {} ({}): {}",
            chosen.name, chosen.id, chosen.reason
        )])
    }

    #[tracing::instrument(skip_all, fields(external_id, sku = %request.sku))]
    async fn revise(
        &self,
        external_id: &str,
        request: &PublishRequest,
        changes: &Changes,
    ) -> Result<(), PortError> {
        let attributes = shopify_attributes(request)?;
        let requests = AtomicU32::new(0);
        let (product, _) = self.product(external_id, &requests).await?;
        if product.status.as_deref() == Some("ARCHIVED") {
            return Err(PortError::AlreadyEnded);
        }
        let mut gallery = match changes.pictures() {
            true => Some(
                self.gallery(&product.id, request, changes, &requests)
                    .await?,
            ),
            false => None,
        };
        let media = gallery.as_mut().and_then(|g| g.media.take());
        let input = only_changed(product_input(request, attributes), changes);
        if input != ProductInput::default() || media.is_some() {
            let input = ProductInput {
                id: Some(product.id.clone()),
                ..input
            };
            self.mutate(
                wire::PRODUCT_UPDATE,
                "productUpdate",
                &ProductVars {
                    product: input,
                    media,
                },
                &requests,
            )
            .await?;
        }
        if changes.price || changes.quantity {
            self.set_variant(&product, request, attributes, Stock::Set, &requests)
                .await?;
        }
        match gallery {
            Some(gallery) => self.put_in_order(&product.id, gallery, &requests).await,
            None => Ok(()),
        }
    }

    /// Archives the product: Shopify archives an archived product again
    /// without complaint, so the status is read first to answer
    /// [`PortError::AlreadyEnded`] as the port promises. Shopify keeps no
    /// reason for an archive, so the reason is only logged.
    #[tracing::instrument(skip(self))]
    async fn end(&self, external_id: &str, reason: EndReason) -> Result<(), PortError> {
        let requests = AtomicU32::new(0);
        tracing::debug!(?reason, "archiving the Shopify product");
        let (product, _) = self.product(external_id, &requests).await?;
        if product.status.as_deref() == Some("ARCHIVED") {
            return Err(PortError::AlreadyEnded);
        }
        let input = ProductInput {
            id: Some(product.id),
            status: Some("ARCHIVED".into()),
            ..ProductInput::default()
        };
        self.mutate(
            wire::PRODUCT_UPDATE,
            "productUpdate",
            &ProductVars {
                product: input,
                media: None,
            },
            &requests,
        )
        .await
        .map(drop)
    }

    /// Active products are the live listings; archived ones are reported
    /// as ended, so a reconcile sees what was archived in the admin.
    #[tracing::instrument(skip(self))]
    async fn listings(&self) -> Result<Listings, PortError> {
        let requests = AtomicU32::new(0);
        let products = self
            .all_pages(
                wire::PRODUCTS,
                "status:active OR status:archived".into(),
                &requests,
                |page: ProductsData| {
                    let currency = page.shop.currency_code;
                    let info = page.products.page_info;
                    let items = page
                        .products
                        .nodes
                        .into_iter()
                        .map(|p| (p, currency.clone()))
                        .collect();
                    (items, info)
                },
            )
            .await?;
        let listings = products
            .iter()
            .map(|(p, currency)| remote_listing(p, currency));
        Ok(scanned::listings(listings, requests))
    }

    #[tracing::instrument(skip(self))]
    async fn sales(&self, sales_since: DateTime<Utc>) -> Result<Sales, PortError> {
        let requests = AtomicU32::new(0);
        let since = sales_since.to_rfc3339_opts(SecondsFormat::Secs, true);
        let orders = self
            .all_pages(
                wire::ORDERS,
                format!("created_at:>='{since}'"),
                &requests,
                |page: OrdersData| (page.orders.nodes, page.orders.page_info),
            )
            .await?;
        let mut sales = Vec::new();
        for order in orders.iter().filter(|o| {
            o.display_financial_status
                .as_deref()
                .is_some_and(|s| SOLD_STATUSES.contains(&s))
        }) {
            sales.extend(order_sales(order)?);
        }
        Ok(scanned::sales(sales, sales_since, requests))
    }

    #[tracing::instrument(skip(self))]
    async fn get(&self, external_id: &str) -> Result<RemoteListing, PortError> {
        let (product, currency) = self.product(external_id, &AtomicU32::new(0)).await?;
        Ok(remote_listing(&product, &currency))
    }
}

fn auth_error(detail: &str) -> PortError {
    PortError::Auth(format!(
        "Shopify refused the access token ({detail}); check SHOPIFY_ACCESS_TOKEN and that the \
         app has the write_products, write_inventory and read_orders scopes"
    ))
}

fn is_throttled(errors: &[wire::GraphqlError]) -> bool {
    errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.code.as_deref())
            .is_some_and(|code| code == "THROTTLED")
    })
}

/// §3.2: wait `(requested - currentlyAvailable) / restoreRate` seconds.
fn throttled(cost: Option<&Cost>) -> PortError {
    let retry_after = cost.and_then(|cost| {
        let requested = cost.requested_query_cost?;
        let status = cost.throttle_status;
        if status.restore_rate <= 0.0 {
            return None;
        }
        let deficit = (requested - status.currently_available).max(0.0);
        Duration::try_from_secs_f64(deficit / status.restore_rate).ok()
    });
    PortError::RateLimited { retry_after }
}

/// §3.4: the first user error, with its field path; one naming a product
/// id that does not exist means the product is gone.
fn user_error(errors: &[UserError]) -> Option<PortError> {
    let first = errors.first()?;
    let field = first.field.as_ref().map(|path| path.join("."));
    if field.as_deref().is_some_and(|f| f.ends_with("id"))
        && first
            .message
            .to_ascii_lowercase()
            .contains("does not exist")
    {
        return Some(PortError::NotFound);
    }
    let message = errors
        .iter()
        .map(|e| match &e.field {
            Some(path) => format!("{}: {}", path.join("."), e.message),
            None => e.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    Some(PortError::Validation { field, message })
}

fn shopify_attributes(request: &PublishRequest) -> Result<&ShopifyAttributes, PortError> {
    match &request.attributes {
        PlatformAttributes::Shopify(attributes) => Ok(attributes),
        other => Err(foreign_attributes(other, Platform::Shopify)),
    }
}

/// The tag naming the listing a product was published for. Shopify tags
/// may hold a colon; they are at most 255 characters, and this is 49.
fn listing_tag(listing_id: Uuid) -> String {
    format!("riff-listing:{listing_id}")
}

/// Whether every step of a publish reached `product`: the SKU and price on
/// its variant, and the quantity (which reads as the stock summed over
/// locations, so a shop with other locations may look unfinished and get
/// its quantity set once more, which is harmless).
fn is_complete(product: &Product, request: &PublishRequest) -> bool {
    let Some(variant) = first_variant(product) else {
        return false;
    };
    let price = variant
        .price
        .as_deref()
        .and_then(|p| Decimal::from_str(p.trim()).ok());
    variant.sku.as_deref() == Some(request.sku.as_str())
        && price == Some(request.price.amount)
        && variant.inventory_quantity == Some(i64::from(request.quantity))
}

/// The content fields shared by create and update (§3.4 (a), (c)). The
/// listing's tag is always among the tags, because `productUpdate`
/// replaces the whole list and a revise must not drop it.
fn product_input(request: &PublishRequest, attributes: &ShopifyAttributes) -> ProductInput {
    let details = &request.details;
    let mut tags = attributes.tags.clone();
    let tag = listing_tag(request.listing_id);
    if !tags.contains(&tag) {
        tags.push(tag);
    }
    ProductInput {
        title: Some(details.title.clone()),
        description_html: Some(description_html(
            details.description.as_deref(),
            request.video_url.as_deref(),
        )),
        vendor: Some(
            attributes
                .vendor
                .clone()
                .unwrap_or_else(|| details.brand.clone()),
        ),
        product_type: Some(
            attributes
                .product_type
                .clone()
                .unwrap_or_else(|| details.category.clone()),
        ),
        tags: Some(tags),
        seo: Some(SeoInput {
            title: Some(
                attributes
                    .seo_title
                    .clone()
                    .unwrap_or_else(|| details.title.clone()),
            ),
            description: attributes.seo_description.clone().or_else(|| {
                details
                    .description
                    .as_deref()
                    .map(|d| d.chars().take(SEO_DESCRIPTION).collect())
            }),
        }),
        ..ProductInput::default()
    }
}

/// The product input with only what `changes` names: `productUpdate`
/// leaves every field it is not sent as it was. The video is in the
/// description; the SEO fields default to the title and description.
fn only_changed(input: ProductInput, changes: &Changes) -> ProductInput {
    let text = changes.description || changes.video;
    ProductInput {
        title: input.title.filter(|_| changes.title),
        description_html: input.description_html.filter(|_| text),
        vendor: input.vendor.filter(|_| changes.details),
        product_type: input.product_type.filter(|_| changes.details),
        tags: input.tags.filter(|_| changes.details),
        seo: input
            .seo
            .filter(|_| changes.title || text || changes.details),
        ..ProductInput::default()
    }
}

/// Search engines show about this many characters of a description (and
/// Shopify's admin counts to it).
const SEO_DESCRIPTION: usize = 320;

/// The description as Shopify shows it: Riff's text, then the product's
/// video played in the page (Shopify has no video field for a YouTube
/// video; its media take uploaded files only).
fn description_html(description: Option<&str>, video_url: Option<&str>) -> String {
    let mut html = description
        .map(|d| format!("<p>{}</p>", escape_html(d)))
        .unwrap_or_default();
    let video_id = video_url
        .and_then(|url| url.rsplit_once("v="))
        .map(|(_, id)| id);
    if let Some(id) = video_id {
        html.push_str(&format!(
            "<p><iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/{}\" \
             title=\"Video\" allowfullscreen></iframe></p>",
            escape_html(id)
        ));
    }
    html
}

/// Riff's descriptions are plain text; Shopify renders `descriptionHtml`
/// as HTML, so the text is escaped to show as typed.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A value for Shopify's search syntax, quoted so that no character of it
/// can add a term.
fn search_value(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Accepts a product GID or its numeric tail (§3.1 "GIDs"); anything else
/// cannot name a product.
fn product_gid(id: &str) -> Result<String, PortError> {
    let tail = id.strip_prefix(PRODUCT_GID).unwrap_or(id);
    if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("{PRODUCT_GID}{tail}"))
    } else {
        Err(PortError::NotFound)
    }
}

fn first_variant(product: &Product) -> Option<&Variant> {
    product.variants.as_ref()?.nodes.first()
}

fn published(product: Product) -> Published {
    Published {
        external_id: product.id,
        url: product.online_store_url,
    }
}

fn money(amount: &str, currency: &str) -> Result<Money, PortError> {
    scanned::price("Shopify", amount, currency, PriceWords::Amount)
}

/// The one active location a store without `SHOPIFY_LOCATION_ID` keeps its
/// stock at (a fulfilment app's locations are the app's to count).
fn choose_location(data: &LocationsData) -> Result<ChosenLocation, PortError> {
    let usable: Vec<&wire::Location> = data
        .locations
        .nodes
        .iter()
        .filter(|l| l.is_active && !l.is_fulfillment_service)
        .collect();
    match usable.as_slice() {
        [only] => Ok(ChosenLocation {
            id: only.id.clone(),
            name: only.name.clone(),
            reason: "the store's only active location".into(),
        }),
        [] => Err(PortError::Validation {
            field: Some("SHOPIFY_LOCATION_ID".into()),
            message: "the Shopify store has no active location to keep stock at; \
                      activate one in Shopify (Settings, Locations)"
                .into(),
        }),
        several => {
            let primary = data.location.as_ref().map(|p| p.id.as_str());
            let choices: Vec<String> = several
                .iter()
                .map(|l| {
                    let mark = if Some(l.id.as_str()) == primary {
                        ", primary"
                    } else {
                        ""
                    };
                    format!("{} ({}{mark})", l.id, l.name)
                })
                .collect();
            Err(PortError::Validation {
                field: Some("SHOPIFY_LOCATION_ID".into()),
                message: format!(
                    "the Shopify store has {} active locations, so Riff will not guess where its \
                     stock is: set SHOPIFY_LOCATION_ID to one of {}",
                    several.len(),
                    choices.join(", ")
                ),
            })
        }
    }
}

/// An active product with nothing left is sold out, which is how a Shopify
/// sale of a one-off shows; archived or draft is ended. An untracked
/// product can always be bought: its quantity says nothing.
fn remote_listing(product: &Product, currency: &str) -> RemoteListing {
    let variant = first_variant(product);
    let untracked = variant
        .and_then(|v| v.inventory_item.as_ref())
        .is_some_and(|item| item.tracked == Some(false));
    let quantity = variant
        .and_then(|v| v.inventory_quantity)
        .filter(|_| !untracked)
        .map(|q| u32::try_from(q.max(0)).unwrap_or(u32::MAX));
    let status = match (product.status.as_deref(), quantity) {
        (Some("ACTIVE"), Some(0)) => RemoteStatus::Sold,
        (Some("ACTIVE"), _) => RemoteStatus::Live,
        _ => RemoteStatus::Ended,
    };
    let price = variant
        .and_then(|v| v.price.as_deref())
        .and_then(|p| match money(p, currency) {
            Ok(price) => Some(price),
            Err(error) => {
                tracing::warn!(id = %product.id, %error, "unreadable Shopify price");
                None
            }
        });
    RemoteListing {
        external_id: product.id.clone(),
        sku: variant
            .and_then(|v| v.sku.clone())
            .filter(|s| !s.is_empty()),
        title: product.title.clone().unwrap_or_default(),
        price,
        quantity,
        status,
        url: product.online_store_url.clone(),
    }
}

/// One sale per line item of a product; a line whose product was deleted
/// since cannot be matched to a listing and is skipped.
fn order_sales(order: &Order) -> Result<Vec<RemoteSale>, PortError> {
    let sold_at = DateTime::parse_from_rfc3339(&order.created_at)
        .map_err(|e| {
            PortError::Protocol(format!(
                "Shopify order {} time {:?}: {e}",
                order.name, order.created_at
            ))
        })?
        .with_timezone(&Utc);
    if order
        .line_items
        .page_info
        .as_ref()
        .is_some_and(|p| p.has_next_page)
    {
        tracing::warn!(order = %order.name, "only the first 50 line items of an order are read");
    }
    order
        .line_items
        .nodes
        .iter()
        .filter_map(|line| line.product.as_ref().map(|p| (line, p)))
        .map(|(line, product)| line_sale(line, &product.id, &order.name, sold_at))
        .collect()
}

fn line_sale(
    line: &LineItem,
    product_id: &str,
    order_name: &str,
    sold_at: DateTime<Utc>,
) -> Result<RemoteSale, PortError> {
    let unit = &line.original_unit_price_set.shop_money;
    let unit = money(&unit.amount, &unit.currency_code)?;
    let price = Money::price(unit.amount * Decimal::from(line.quantity), unit.currency)
        .map_err(|e| PortError::Protocol(format!("Shopify line {}: {e}", line.id)))?;
    Ok(RemoteSale {
        external_id: product_id.to_owned(),
        sku: line.sku.clone().filter(|s| !s.is_empty()),
        order_ref: line.id.clone(),
        order_number: Some(order_name.to_owned()).filter(|n| !n.is_empty()),
        sold_at,
        price,
        quantity: line.quantity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_video_plays_in_the_description_after_the_text() {
        let html = description_html(
            Some("Original case & strap."),
            Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        );
        assert!(
            html.starts_with("<p>Original case &amp; strap.</p><p><iframe"),
            "{html}"
        );
        assert!(html.contains("src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\""));
        assert_eq!(description_html(None, None), "");
    }

    fn locations(json: serde_json::Value) -> LocationsData {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_only_active_location_is_chosen_and_a_fulfilment_apps_is_not_counted() {
        let data = locations(serde_json::json!({
            "location": {"id": "gid://shopify/Location/1", "name": "Shop", "isActive": true},
            "locations": {"nodes": [
                {"id": "gid://shopify/Location/1", "name": "Shop", "isActive": true, "isFulfillmentService": false},
                {"id": "gid://shopify/Location/9", "name": "ShipBob", "isActive": true, "isFulfillmentService": true}
            ]}
        }));
        let chosen = choose_location(&data).unwrap();
        assert_eq!(chosen.id, "gid://shopify/Location/1");
        assert_eq!(chosen.name, "Shop");
    }

    #[test]
    fn several_active_locations_are_a_refusal_naming_each_and_the_setting() {
        let data = locations(serde_json::json!({
            "location": {"id": "gid://shopify/Location/1", "name": "Shop", "isActive": true},
            "locations": {"nodes": [
                {"id": "gid://shopify/Location/1", "name": "Shop", "isActive": true},
                {"id": "gid://shopify/Location/2", "name": "Warehouse", "isActive": true}
            ]}
        }));
        let Err(PortError::Validation { field, message }) = choose_location(&data) else {
            panic!("several locations were not refused");
        };
        assert_eq!(field.as_deref(), Some("SHOPIFY_LOCATION_ID"));
        for expected in [
            "gid://shopify/Location/1 (Shop, primary)",
            "gid://shopify/Location/2 (Warehouse)",
            "SHOPIFY_LOCATION_ID",
        ] {
            assert!(message.contains(expected), "{message}");
        }
        let none = locations(serde_json::json!({"location": null, "locations": {"nodes": []}}));
        assert!(matches!(
            choose_location(&none),
            Err(PortError::Validation { .. })
        ));
    }

    #[test]
    fn an_untracked_variant_is_for_sale_whatever_its_quantity() {
        let product: Product = serde_json::from_value(serde_json::json!({
            "id": "gid://shopify/Product/1", "title": "Strings", "status": "ACTIVE",
            "variants": {"nodes": [{"id": "gid://shopify/ProductVariant/2", "sku": "EB-10",
                "price": "5.00", "inventoryQuantity": 0,
                "inventoryItem": {"id": "gid://shopify/InventoryItem/3", "tracked": false}}]}
        }))
        .unwrap();
        let listing = remote_listing(&product, "USD");
        assert_eq!(listing.status, RemoteStatus::Live);
        assert_eq!(listing.quantity, None);
        assert_eq!(listing.price.unwrap().currency.to_string(), "USD");
    }

    fn cost(requested: f64, available: f64, restore: f64) -> Cost {
        Cost {
            requested_query_cost: Some(requested),
            actual_query_cost: None,
            throttle_status: ThrottleStatus {
                maximum_available: 1000.0,
                currently_available: available,
                restore_rate: restore,
            },
        }
    }

    #[test]
    fn a_throttled_query_waits_for_the_bucket_to_hold_its_cost() {
        assert_eq!(
            throttled(Some(&cost(752.0, 666.0, 50.0))),
            PortError::RateLimited {
                retry_after: Some(Duration::from_secs_f64(1.72))
            }
        );
        assert_eq!(
            throttled(None),
            PortError::RateLimited { retry_after: None }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_waits_until_the_bucket_has_refilled_to_the_last_cost() {
        let mut config = ShopifyConfig::new("https://riff.myshopify.com/", Secret::new("t"));
        config.retry.max_delay = Duration::from_secs(60);
        let client = ShopifyClient::new(config).unwrap();
        assert_eq!(
            client.pause_before_read(),
            Duration::ZERO,
            "nothing known yet"
        );

        client.note(&cost(300.0, 100.0, 50.0));
        assert_eq!(client.pause_before_read(), Duration::from_secs(4));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(client.pause_before_read(), Duration::from_secs(3));
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(client.pause_before_read(), Duration::ZERO);
    }

    #[test]
    fn user_errors_name_their_field_and_a_missing_product_is_not_found() {
        let error = |field: &[&str], message: &str| UserError {
            field: Some(field.iter().map(|s| (*s).to_owned()).collect()),
            message: message.into(),
            code: None,
        };
        assert_eq!(user_error(&[]), None);
        assert_eq!(
            user_error(&[error(&["product", "id"], "Product does not exist")]),
            Some(PortError::NotFound)
        );
        assert_eq!(
            user_error(&[error(&["title"], "Title can't be blank")]),
            Some(PortError::Validation {
                field: Some("title".into()),
                message: "title: Title can't be blank".into()
            })
        );
    }

    #[test]
    fn descriptions_are_escaped_and_search_values_quoted() {
        assert_eq!(
            escape_html("Tone & <feel> \"mint\""),
            "Tone &amp; &lt;feel&gt; &quot;mint&quot;"
        );
        assert_eq!(search_value("RIFF-1\" OR x"), "\"RIFF-1\\\" OR x\"");
    }

    #[test]
    fn only_a_product_gid_or_its_number_names_a_product() {
        assert_eq!(
            product_gid("gid://shopify/Product/8332936610007"),
            Ok("gid://shopify/Product/8332936610007".into())
        );
        assert_eq!(
            product_gid("8332936610007"),
            Ok("gid://shopify/Product/8332936610007".into())
        );
        assert_eq!(
            product_gid("gid://shopify/Order/1"),
            Err(PortError::NotFound)
        );
        assert_eq!(product_gid(""), Err(PortError::NotFound));
    }
}
