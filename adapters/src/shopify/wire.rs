//! The GraphQL documents Riff sends to Shopify's Admin API (version 2025-07)
//! and the JSON it reads back, shared by the client and the simulator.
//!
//! Each type names the section of `docs/wire-formats.md` its shape comes
//! from. Every field Riff does not need is left out; fields Shopify may send
//! as `null` or leave out are optional, so that a product made by hand in
//! the Shopify admin still reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The operations Riff sends, by the name after `query`/`mutation`. The
/// simulator dispatches on these names.
pub mod operation {
    pub const PRODUCT_CREATE: &str = "ProductCreate";
    pub const SET_VARIANT: &str = "SetVariant";
    pub const PRODUCT_UPDATE: &str = "ProductUpdate";
    pub const SET_QTY: &str = "SetQty";
    pub const PRODUCTS: &str = "Products";
    pub const PRODUCT: &str = "Product";
    pub const ORDERS: &str = "Orders";
    pub const INVENTORY_LEVEL: &str = "InventoryLevel";
    pub const LOCATIONS: &str = "Locations";
    pub const PUBLICATIONS: &str = "Publications";
    pub const PUBLISH: &str = "Publish";
    pub const STAGED_UPLOADS: &str = "StagedUploads";
    pub const PRODUCT_MEDIA: &str = "ProductMedia";
    pub const DELETE_MEDIA: &str = "DeleteMedia";
    pub const REORDER_MEDIA: &str = "ReorderMedia";
}

/// §3.4 (a): creates the product and its one default variant.
pub const PRODUCT_CREATE: &str = "mutation ProductCreate($product: ProductCreateInput!, $media: [CreateMediaInput!]) { \
productCreate(product: $product, media: $media) { \
product { id title status onlineStoreUrl variants(first: 1) { nodes { id sku price inventoryQuantity inventoryItem { id } } } } \
userErrors { field message } } }";

/// §3.4 (b): price and SKU on the default variant (the SKU lives on
/// `inventoryItem` since 2024-04).
pub const SET_VARIANT: &str =
    "mutation SetVariant($productId: ID!, $variants: [ProductVariantsBulkInput!]!) { \
productVariantsBulkUpdate(productId: $productId, variants: $variants) { \
productVariants { id price inventoryItem { id sku tracked } } \
userErrors { field message code } } }";

/// §3.4 (c): content changes, and `status: ARCHIVED` to end a listing;
/// `media` are added after the product's own.
pub const PRODUCT_UPDATE: &str = "mutation ProductUpdate($product: ProductUpdateInput!, $media: [CreateMediaInput!]) { \
productUpdate(product: $product, media: $media) { product { id status } userErrors { field message } } }";

/// The product's media ids, in the order the store shows them.
pub const PRODUCT_MEDIA: &str = "query ProductMedia($id: ID!) { \
product(id: $id) { media(first: 250) { nodes { id } } } }";

/// Removes pictures from a product.
pub const DELETE_MEDIA: &str = "mutation DeleteMedia($productId: ID!, $mediaIds: [ID!]!) { \
productDeleteMedia(productId: $productId, mediaIds: $mediaIds) { \
deletedMediaIds mediaUserErrors { field message code } } }";

/// Moves pictures, each to a zero-based position, in the order given:
/// only the order is sent, not the pictures.
pub const REORDER_MEDIA: &str = "mutation ReorderMedia($id: ID!, $moves: [MoveInput!]!) { \
productReorderMedia(id: $id, moves: $moves) { job { id } mediaUserErrors { field message code } } }";

/// Variables of [`DELETE_MEDIA`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteMediaVars {
    pub product_id: String,
    pub media_ids: Vec<String>,
}

/// Variables of [`REORDER_MEDIA`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReorderMediaVars {
    pub id: String,
    pub moves: Vec<MoveInput>,
}

/// `MoveInput`: `newPosition` is an `UnsignedInt64`, which Shopify takes
/// only as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveInput {
    pub id: String,
    pub new_position: String,
}

/// [`PRODUCT_MEDIA`]'s data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductMediaData {
    pub product: Option<MediaOf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaOf {
    pub media: Connection<MediaNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaNode {
    pub id: String,
}

/// §3.4 (d): the absolute quantity at one location.
pub const SET_QTY: &str = "mutation SetQty($input: InventorySetQuantitiesInput!) { \
inventorySetQuantities(input: $input) { \
inventoryAdjustmentGroup { createdAt reason changes { name delta } } \
userErrors { field message code } } }";

/// §3.3: a page of products matching a search; `shop.currencyCode` because
/// a variant's `price` carries no currency, `createdAt` because orders for
/// a product are looked for from then on.
pub const PRODUCTS: &str = "query Products($first: Int!, $after: String, $query: String) { \
shop { currencyCode } \
products(first: $first, after: $after, query: $query) { \
nodes { id title status tags onlineStoreUrl createdAt \
variants(first: 1) { nodes { id sku price inventoryQuantity inventoryItem { id tracked } } } } \
pageInfo { hasNextPage endCursor } } }";

/// One product by GID, with the same fields as a [`PRODUCTS`] node.
pub const PRODUCT: &str = "query Product($id: ID!) { \
shop { currencyCode } \
product(id: $id) { id title status tags onlineStoreUrl createdAt \
variants(first: 1) { nodes { id sku price inventoryQuantity inventoryItem { id tracked } } } } }";

/// §3.3 "Orders": a page of orders with their line items.
pub const ORDERS: &str = "query Orders($first: Int!, $after: String, $query: String) { \
orders(first: $first, after: $after, sortKey: CREATED_AT, query: $query) { \
nodes { id name createdAt displayFinancialStatus \
lineItems(first: 50) { nodes { id sku quantity product { id } \
originalUnitPriceSet { shopMoney { amount currencyCode } } } pageInfo { hasNextPage } } } \
pageInfo { hasNextPage endCursor } } }";

/// §3.4 (d): the quantity available at one location now, read to set a new
/// one compare-and-set (`inventoryItem.inventoryLevel(locationId:)`,
/// `InventoryLevel.quantities(names:)`; `inventoryLevel` is null where the
/// item is not stocked).
pub const INVENTORY_LEVEL: &str = "query InventoryLevel($id: ID!, $locationId: ID!) { \
inventoryItem(id: $id) { inventoryLevel(locationId: $locationId) { \
quantities(names: [\"available\"]) { name quantity } } } }";

/// The store's locations: the primary one (`location` with no id) and
/// the active ones (`locations`, which leaves deactivated ones out), for
/// choosing where Riff keeps stock when `SHOPIFY_LOCATION_ID` is unset.
pub const LOCATIONS: &str = "query Locations { \
location { id name isActive } \
locations(first: 50) { nodes { id name isActive isFulfillmentService } } }";

/// The store's sales channels: the Online Store is the one named so.
pub const PUBLICATIONS: &str =
    "query Publications { publications(first: 50) { nodes { id name } } }";

/// Puts a product on sales channels; a product that is `ACTIVE` but on no
/// channel is for sale nowhere (not on the Online Store).
pub const PUBLISH: &str = "mutation Publish($id: ID!, $input: [PublicationInput!]!) { \
publishablePublish(id: $id, input: $input) { userErrors { field message } } }";

/// What [`PUBLICATIONS`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicationsData {
    pub publications: Connection<Publication>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// Variables of [`PUBLISH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishVars {
    pub id: String,
    pub input: Vec<PublicationInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicationInput {
    pub publication_id: String,
}

/// §3.1: every request's body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphqlRequest<V> {
    pub query: String,
    pub variables: V,
}

/// §3.1: every response, `data`, `errors` and `extensions` as siblings.
/// `data` is absent or null when the operation did not run (§3.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphqlResponse<D> {
    #[serde(default = "Option::default")]
    pub data: Option<D>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<GraphqlError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Extensions>,
}

/// §3.2 and §3.4: a top-level error (throttling, syntax, access).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphqlError {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<ErrorExtensions>,
}

/// §3.2: `code` is `THROTTLED` when the bucket was too low.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorExtensions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// §3.2: `extensions.cost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extensions {
    pub cost: Option<Cost>,
}

/// §3.2: what the query asked for, used, and what is left in the bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    pub requested_query_cost: Option<f64>,
    pub actual_query_cost: Option<f64>,
    pub throttle_status: ThrottleStatus,
}

/// §3.2: the leaky bucket, in points and points per second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    pub restore_rate: f64,
}

/// §3.4: a mutation's refusal; `field` is a path such as `["product", "id"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserError {
    #[serde(default)]
    pub field: Option<Vec<String>>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// §3.4: every mutation's payload, read loosely: `userErrors`, and the
/// object the mutation returns when it applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MutationPayload {
    #[serde(default)]
    pub user_errors: Vec<UserError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Product>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_variants: Option<Vec<Variant>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_adjustment_group: Option<serde_json::Value>,
    /// `stagedUploadsCreate`'s targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staged_targets: Option<Vec<StagedTarget>>,
    /// The media mutations' errors, which they give here rather than in
    /// `userErrors`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_user_errors: Vec<UserError>,
}

/// A mutation's `data`: its one field, named for the mutation.
pub type MutationData = BTreeMap<String, Option<MutationPayload>>;

/// §3.3: `nodes` and `pageInfo` of a connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection<T> {
    pub nodes: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_info: Option<PageInfo>,
}

/// §3.3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    #[serde(default)]
    pub end_cursor: Option<String>,
}

/// §3.3: the fields of a product node Riff reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `ACTIVE`, `ARCHIVED` or `DRAFT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Riff finds its own products by the `riff-listing:{uuid}` tag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_store_url: Option<String>,
    /// When the product was made (`DateTime`); read by the queries, not by
    /// the mutations' payloads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Connection<Variant>>,
}

/// §3.3 and §3.4 (b): a variant; `price` is a decimal string in the shop's
/// currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    pub id: String,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_quantity: Option<i64>,
    #[serde(default)]
    pub inventory_item: Option<InventoryItemRef>,
}

/// A variant's `inventoryItem`: whether Shopify counts its stock. An
/// untracked item can always be bought, so its quantity means nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryItemRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracked: Option<bool>,
}

/// Any object read only for its GID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRef {
    pub id: String,
}

/// §3.3: `shop { currencyCode }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shop {
    pub currency_code: String,
}

/// The `data` of [`PRODUCTS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductsData {
    pub shop: Shop,
    pub products: Connection<Product>,
}

/// The `data` of [`PRODUCT`]; `product` is null for an unknown GID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductData {
    pub shop: Shop,
    pub product: Option<Product>,
}

/// The `data` of [`ORDERS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdersData {
    pub orders: Connection<Order>,
}

/// The `data` of [`INVENTORY_LEVEL`]; `inventoryItem` is null for an
/// unknown item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryLevelData {
    pub inventory_item: Option<InventoryItemLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryItemLevel {
    pub inventory_level: Option<InventoryLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryLevel {
    pub quantities: Vec<InventoryQuantity>,
}

/// `InventoryQuantity`: one named quantity (`available`, `on_hand`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryQuantity {
    pub name: String,
    pub quantity: i64,
}

/// What [`LOCATIONS`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationsData {
    /// The primary location; `null` in a store without one.
    #[serde(default)]
    pub location: Option<Location>,
    pub locations: Connection<Location>,
}

/// `Location`, the fields Riff reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `locations` lists only active ones unless asked for the others.
    #[serde(default = "active_by_default")]
    pub is_active: bool,
    /// A fulfillment app's location, whose stock the app keeps.
    #[serde(default)]
    pub is_fulfillment_service: bool,
}

fn active_by_default() -> bool {
    true
}

/// Variables of [`INVENTORY_LEVEL`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelVars {
    pub id: String,
    pub location_id: String,
}

/// §3.3 "Orders".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: String,
    pub name: String,
    pub created_at: String,
    #[serde(default)]
    pub display_financial_status: Option<String>,
    pub line_items: Connection<LineItem>,
}

/// §3.3 "Orders": `product` is null when the product was deleted since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    pub id: String,
    #[serde(default)]
    pub sku: Option<String>,
    pub quantity: u32,
    #[serde(default)]
    pub product: Option<IdRef>,
    pub original_unit_price_set: MoneyBag,
}

/// §3.3 "Orders": `…Set { shopMoney { amount currencyCode } }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoneyBag {
    pub shop_money: MoneyV2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoneyV2 {
    pub amount: String,
    pub currency_code: String,
}

/// Variables of [`PRODUCTS`] and [`ORDERS`] (§3.3; `first` at most 250).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageVars {
    pub first: u32,
    pub after: Option<String>,
    pub query: Option<String>,
}

/// Variables of [`PRODUCT`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdVars {
    pub id: String,
}

/// Variables of [`PRODUCT_CREATE`] and [`PRODUCT_UPDATE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductVars {
    pub product: ProductInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Vec<CreateMediaInput>>,
}

/// `CreateMediaInput`: a picture Shopify fetches from `originalSource` — a
/// public URL, or a staged upload's `resourceUrl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateMediaInput {
    pub original_source: String,
    /// `IMAGE`.
    pub media_content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
}

/// Asks where to upload files Shopify cannot fetch (`stagedUploadsCreate`).
pub const STAGED_UPLOADS: &str = "mutation StagedUploads($input: [StagedUploadInput!]!) { \
stagedUploadsCreate(input: $input) { \
stagedTargets { url resourceUrl parameters { name value } } \
userErrors { field message } } }";

/// Variables of [`STAGED_UPLOADS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedUploadsVars {
    pub input: Vec<StagedUploadInput>,
}

/// `StagedUploadInput` for one picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedUploadInput {
    /// `IMAGE`.
    pub resource: String,
    pub filename: String,
    pub mime_type: String,
    /// `POST`: a multipart form of `parameters` then the file.
    pub http_method: String,
    /// The file's size in bytes, as text (Shopify's `UnsignedInt64`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size: Option<String>,
}

/// Where to send one file, and what to send with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedTarget {
    pub url: String,
    pub resource_url: String,
    #[serde(default)]
    pub parameters: Vec<StagedParameter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedParameter {
    pub name: String,
    pub value: String,
}

/// §3.4 (a) `ProductCreateInput` and (c) `ProductUpdateInput`: `id` only on
/// update; a field left out is left as it is. `tags` replaces the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_html: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seo: Option<SeoInput>,
}

/// `SEOInput`: what search engines show for the product's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeoInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Variables of [`SET_VARIANT`] (§3.4 (b)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantsVars {
    pub product_id: String,
    pub variants: Vec<VariantInput>,
}

/// §3.4 (b) `ProductVariantsBulkInput`, the fields Riff sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantInput {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_item: Option<InventoryItemInput>,
}

/// §3.4 (b) `InventoryItemInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryItemInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracked: Option<bool>,
}

/// Variables of [`SET_QTY`] (§3.4 (d)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantityVars {
    pub input: InventorySetQuantitiesInput,
}

/// §3.4 (d) `InventorySetQuantitiesInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventorySetQuantitiesInput {
    pub name: String,
    pub reason: String,
    pub ignore_compare_quantity: bool,
    pub quantities: Vec<QuantityInput>,
}

/// §3.4 (d) `InventoryQuantityInput`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantityInput {
    pub inventory_item_id: String,
    pub location_id: String,
    pub quantity: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare_quantity: Option<i64>,
}

/// Reads a response body; anything that is not the §3.1 envelope (an HTML
/// error page, a truncated body) is a [`PortError::Protocol`], never a panic.
///
/// # Errors
/// [`PortError::Protocol`] with the start of the body.
pub fn parse<D: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<GraphqlResponse<D>, riff_domain::port::PortError> {
    serde_json::from_str(text).map_err(|e| {
        let start: String = text.chars().take(200).collect();
        riff_domain::port::PortError::Protocol(format!("unreadable Shopify JSON ({e}): {start}"))
    })
}

#[cfg(test)]
mod tests {
    use riff_domain::port::PortError;

    use super::*;

    /// The products page of §3.3, as documented.
    const PRODUCTS_PAGE: &str = r#"{ "data": { "shop": { "currencyCode": "GBP" }, "products": {
        "nodes": [ { "id": "gid://shopify/Product/8332936610007", "legacyResourceId": "8332936610007",
                     "title": "1962 Fender Stratocaster", "handle": "1962-fender-stratocaster",
                     "status": "ACTIVE", "totalInventory": 1, "updatedAt": "2026-03-01T12:00:00Z", "templateSuffix": null,
                     "variants": { "nodes": [ { "id": "gid://shopify/ProductVariant/45000000000001",
                       "sku": "RIFF-10000123", "price": "24999.00", "inventoryQuantity": 1,
                       "inventoryItem": { "id": "gid://shopify/InventoryItem/47000000000001", "tracked": true } } ] } } ],
        "pageInfo": { "hasNextPage": true, "endCursor": "eyJsYXN0X2lkIjo4MzMyOTM2NjEwMDA3fQ==" } } },
      "extensions": { "cost": { "requestedQueryCost": 13, "actualQueryCost": 10,
        "throttleStatus": { "maximumAvailable": 2000.0, "currentlyAvailable": 1924, "restoreRate": 100.0 } } } }"#;

    #[test]
    fn a_documented_products_page_reads_with_its_cursor_and_cost() {
        let response: GraphqlResponse<ProductsData> = parse(PRODUCTS_PAGE).unwrap();
        let data = response.data.unwrap();
        let product = &data.products.nodes[0];
        assert_eq!(product.id, "gid://shopify/Product/8332936610007");
        let variant = &product.variants.as_ref().unwrap().nodes[0];
        assert_eq!(variant.sku.as_deref(), Some("RIFF-10000123"));
        assert_eq!(variant.price.as_deref(), Some("24999.00"));
        assert_eq!(
            data.products.page_info,
            Some(PageInfo {
                has_next_page: true,
                end_cursor: Some("eyJsYXN0X2lkIjo4MzMyOTM2NjEwMDA3fQ==".into())
            })
        );
        let cost = response.extensions.unwrap().cost.unwrap();
        assert_eq!(cost.throttle_status.currently_available, 1924.0);
        assert_eq!(cost.requested_query_cost, Some(13.0));
    }

    #[test]
    fn a_throttled_response_reads_with_no_data_and_its_code() {
        let text = r#"{ "errors": [ { "message": "Throttled",
            "extensions": { "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits" } } ],
          "extensions": { "cost": { "requestedQueryCost": 752, "actualQueryCost": null,
            "throttleStatus": { "maximumAvailable": 1000.0, "currentlyAvailable": 666, "restoreRate": 50.0 } } } }"#;
        let response: GraphqlResponse<ProductsData> = parse(text).unwrap();
        assert_eq!(response.data, None);
        assert_eq!(
            response.errors[0]
                .extensions
                .as_ref()
                .and_then(|e| e.code.as_deref()),
            Some("THROTTLED")
        );
        assert_eq!(
            response.extensions.unwrap().cost.unwrap().actual_query_cost,
            None
        );
    }

    #[test]
    fn user_errors_of_a_mutation_read_with_their_field_path() {
        let text = r#"{ "data": { "productUpdate": { "product": null,
            "userErrors": [ { "field": ["product", "id"], "message": "Product does not exist" } ] } } }"#;
        let response: GraphqlResponse<MutationData> = parse(text).unwrap();
        let payload = response.data.unwrap()["productUpdate"].clone().unwrap();
        assert_eq!(payload.product, None);
        assert_eq!(
            payload.user_errors,
            vec![UserError {
                field: Some(vec!["product".into(), "id".into()]),
                message: "Product does not exist".into(),
                code: None,
            }]
        );
    }

    #[test]
    fn a_documented_orders_page_reads_with_its_line_items() {
        let text = r##"{ "data": { "orders": { "nodes": [ {
            "id": "gid://shopify/Order/4439976804396", "name": "#1024", "createdAt": "2026-03-01T17:55:00Z",
            "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "UNFULFILLED",
            "totalPriceSet": { "shopMoney": { "amount": "24999.00", "currencyCode": "GBP" } },
            "lineItems": { "nodes": [ { "id": "gid://shopify/LineItem/13688971493691", "sku": "RIFF-10000123",
              "quantity": 1, "title": "1962 Fender Stratocaster", "variant": null, "product": null,
              "originalUnitPriceSet": { "shopMoney": { "amount": "24999.00", "currencyCode": "GBP" } } } ] } } ],
            "pageInfo": { "hasNextPage": false, "endCursor": null } } } }"##;
        let response: GraphqlResponse<OrdersData> = parse(text).unwrap();
        let order = &response.data.unwrap().orders.nodes[0];
        assert_eq!(order.display_financial_status.as_deref(), Some("PAID"));
        let line = &order.line_items.nodes[0];
        assert_eq!(line.product, None, "a deleted product reads as null");
        assert_eq!(line.original_unit_price_set.shop_money.amount, "24999.00");
    }

    #[test]
    fn an_inventory_level_reads_its_available_quantity_or_null_where_not_stocked() {
        let text = r#"{ "data": { "inventoryItem": { "inventoryLevel": {
            "quantities": [ { "name": "available", "quantity": 2 } ] } } },
          "extensions": { "cost": { "requestedQueryCost": 3, "actualQueryCost": 3,
            "throttleStatus": { "maximumAvailable": 2000.0, "currentlyAvailable": 1997, "restoreRate": 100.0 } } } }"#;
        let response: GraphqlResponse<InventoryLevelData> = parse(text).unwrap();
        let level = response
            .data
            .unwrap()
            .inventory_item
            .unwrap()
            .inventory_level;
        assert_eq!(
            level.unwrap().quantities,
            vec![InventoryQuantity {
                name: "available".into(),
                quantity: 2
            }]
        );
        let unstocked: GraphqlResponse<InventoryLevelData> =
            parse(r#"{ "data": { "inventoryItem": { "inventoryLevel": null } } }"#).unwrap();
        assert_eq!(
            unstocked
                .data
                .unwrap()
                .inventory_item
                .unwrap()
                .inventory_level,
            None
        );
    }

    #[test]
    fn malformed_or_truncated_json_is_a_protocol_error_not_a_panic() {
        let truncated = &PRODUCTS_PAGE[..PRODUCTS_PAGE.len() / 2];
        for text in [
            truncated,
            "<html><body>502 Bad Gateway</body></html>",
            "",
            r#"{"data": {"products": 7}}"#,
            r#"{"data": {"shop": {"currencyCode": "GBP"}, "products": {"nodes": [{"title": "no id"}]}}}"#,
        ] {
            let result = parse::<ProductsData>(text);
            assert!(
                matches!(result, Err(PortError::Protocol(_))),
                "{text:?} gave {result:?}"
            );
        }
    }
}
