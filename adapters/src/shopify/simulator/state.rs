//! The simulator's in-memory Shopify: products (each with its one default
//! variant and inventory item), quantities, and orders.
//!
//! Each operation is a method here returning the `data` Shopify would send;
//! mutations refuse with `userErrors` as §3.4 shows, never with an HTTP
//! status.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::super::wire::{
    Connection, CreateMediaInput, DeleteMediaVars, IdRef, InventoryItemLevel, InventoryItemRef,
    InventoryLevel, InventoryQuantity, InventorySetQuantitiesInput, LevelVars, LineItem, Location,
    LocationsData, MoneyBag, MoneyV2, MutationPayload, Order, PageInfo, PageVars, Product,
    ProductInput, Publication, PublicationsData, PublishVars, ReorderMediaVars, Shop,
    StagedParameter, StagedTarget, StagedUploadInput, UserError, Variant, VariantsVars,
};

/// The first numeric id the simulator hands out, of the size Shopify's are.
const FIRST_ID: u64 = 8_332_936_610_001;

/// The shop's currency until a test sets another: every price in the
/// simulator is in the shop's currency, as every price in a Shopify store
/// is (`shop.currencyCode`).
const DEFAULT_CURRENCY: &str = "GBP";

/// The store's Online Store sales channel, as a new store has it.
pub(super) const ONLINE_STORE: &str = "gid://shopify/Publication/90000000001";

/// The location a new simulated store has, as a new Shopify store has one:
/// its address, which is also its primary location.
pub(super) const DEFAULT_LOCATION: u64 = 70_000_000_001;

/// One inventory location of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SimLocation {
    pub(super) id: u64,
    pub(super) name: String,
    pub(super) active: bool,
}

impl SimLocation {
    pub(super) fn gid(&self) -> String {
        format!("gid://shopify/Location/{}", self.id)
    }
}

/// A product's status (§3.4 (c)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimStatus {
    Active,
    Archived,
    Draft,
}

impl SimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Archived => "ARCHIVED",
            Self::Draft => "DRAFT",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "ACTIVE" => Some(Self::Active),
            "ARCHIVED" => Some(Self::Archived),
            "DRAFT" => Some(Self::Draft),
            _ => None,
        }
    }
}

/// One product as the simulated Shopify holds it, with its one variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimProduct {
    pub id: u64,
    pub title: String,
    pub description_html: String,
    /// `seo.title` and `seo.description`, as last set.
    pub seo: (Option<String>, Option<String>),
    pub vendor: String,
    pub product_type: String,
    pub tags: Vec<String>,
    pub status: SimStatus,
    pub variant_id: u64,
    pub inventory_item_id: u64,
    /// On the inventory item since 2024-04; `None` for a product made by
    /// hand without one.
    pub sku: Option<String>,
    pub price: Decimal,
    /// Whether Shopify counts the variant's stock (`inventoryItem.tracked`):
    /// an untracked product never sells out.
    pub tracked: bool,
    /// Available units, summed over locations.
    pub inventory: i64,
    /// Quantities set per location GID by `inventorySetQuantities`.
    pub locations: BTreeMap<String, i64>,
    /// How many `productUpdate`s changed it.
    pub revisions: u32,
    /// The sales channels (publication GIDs) it is published to.
    pub publications: Vec<String>,
    /// The `originalSource` of each picture, in the order the store shows
    /// them.
    pub media: Vec<String>,
    /// Each picture's media id, in the same order.
    pub media_ids: Vec<u64>,
    /// The media mutations it was sent, in order: `productDeleteMedia`,
    /// `productUpdate` (with `media`), `productReorderMedia` — what a test
    /// asserts a revision sent of the gallery.
    pub media_calls: Vec<&'static str>,
    pub created_at: DateTime<Utc>,
}

impl SimProduct {
    pub fn gid(&self) -> String {
        format!("gid://shopify/Product/{}", self.id)
    }
}

/// One order of one line item, as a buyer's purchase leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimOrder {
    pub id: u64,
    pub line_item_id: u64,
    pub product_id: u64,
    pub quantity: u32,
    pub created_at: DateTime<Utc>,
}

/// Everything the simulated Shopify knows.
#[derive(Debug)]
pub(super) struct State {
    pub(super) products: BTreeMap<u64, SimProduct>,
    pub(super) orders: BTreeMap<u64, SimOrder>,
    next_id: u64,
    /// `shop.currencyCode`.
    pub(super) currency: String,
    /// The first is the primary location.
    pub(super) locations: Vec<SimLocation>,
    /// Staged upload targets by `resourceUrl`, with the bytes posted to
    /// them once they have been.
    pub(super) staged: BTreeMap<String, Option<Vec<u8>>>,
    next_media_id: u64,
}

fn user_error(field: &[&str], message: &str, code: Option<&str>) -> Vec<UserError> {
    vec![UserError {
        field: Some(field.iter().map(|f| (*f).to_owned()).collect()),
        message: message.to_owned(),
        code: code.map(str::to_owned),
    }]
}

/// A media mutation's refusal: its errors are `mediaUserErrors`.
fn media_refused(field: &[&str], message: &str, code: &str) -> MutationPayload {
    MutationPayload {
        media_user_errors: user_error(field, message, Some(code)),
        ..MutationPayload::default()
    }
}

fn refused(errors: Vec<UserError>) -> MutationPayload {
    MutationPayload {
        user_errors: errors,
        ..MutationPayload::default()
    }
}

/// The numeric tail of a GID of `kind` (§3.1 "GIDs").
fn gid_number(gid: &str, kind: &str) -> Option<u64> {
    gid.strip_prefix(&format!("gid://shopify/{kind}/"))?
        .parse()
        .ok()
}

/// An opaque cursor, as Shopify's are: base64 of the last id on the page.
fn cursor(id: u64) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{{\"last_id\":{id}}}"))
}

fn after_id(cursor: Option<&str>) -> u64 {
    use base64::Engine as _;
    cursor
        .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.trim_start_matches("{\"last_id\":")
                .trim_end_matches('}')
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// The page of `items` (sorted by id) after the cursor, `first` long.
fn page<T: Clone>(items: &[(u64, T)], variables: &PageVars, page_size: u32) -> (Vec<T>, PageInfo) {
    let after = after_id(variables.after.as_deref());
    let first = variables.first.clamp(1, page_size) as usize;
    let rest: Vec<_> = items.iter().filter(|(id, _)| *id > after).collect();
    let taken: Vec<_> = rest.iter().take(first).collect();
    let info = PageInfo {
        has_next_page: rest.len() > taken.len(),
        end_cursor: taken.last().map(|(id, _)| cursor(*id)),
    };
    (
        taken.into_iter().map(|(_, item)| item.clone()).collect(),
        info,
    )
}

/// A value after `key:` in a search string, quoted (single or double
/// quotes, as the search syntax allows) or bare.
fn search_term(query: &str, key: &str) -> Option<String> {
    let start = query.find(&format!("{key}:"))? + key.len() + 1;
    let rest = &query[start..];
    if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        let mut value = String::new();
        let mut chars = rest[1..].chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.extend(chars.next()),
                c if c == quote => return Some(value),
                _ => value.push(c),
            }
        }
        None
    } else {
        Some(
            rest.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    }
}

impl State {
    pub(super) fn new() -> Self {
        Self {
            products: BTreeMap::new(),
            orders: BTreeMap::new(),
            next_id: FIRST_ID,
            currency: DEFAULT_CURRENCY.into(),
            locations: vec![SimLocation {
                id: DEFAULT_LOCATION,
                name: "Shop location".into(),
                active: true,
            }],
            staged: BTreeMap::new(),
            next_media_id: FIRST_ID,
        }
    }

    fn next(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Makes an active product outright, as the seller would in the admin.
    pub(super) fn create(
        &mut self,
        sku: Option<String>,
        title: String,
        price: Decimal,
        inventory: i64,
    ) -> u64 {
        let id = self.next();
        let variant_id = self.next();
        let inventory_item_id = self.next();
        self.products.insert(
            id,
            SimProduct {
                id,
                title,
                description_html: String::new(),
                seo: (None, None),
                vendor: String::new(),
                product_type: String::new(),
                tags: Vec::new(),
                status: SimStatus::Active,
                variant_id,
                inventory_item_id,
                sku,
                price,
                tracked: true,
                inventory,
                locations: BTreeMap::new(),
                revisions: 0,
                publications: Vec::new(),
                media: Vec::new(),
                media_ids: Vec::new(),
                media_calls: Vec::new(),
                created_at: Utc::now(),
            },
        );
        id
    }

    /// A buyer buys `quantity` units: a paid order of one line appears, and
    /// the units leave the first location that has them (a product seeded
    /// without locations has only its total).
    pub(super) fn sell(
        &mut self,
        id: u64,
        quantity: u32,
        sold_at: DateTime<Utc>,
    ) -> Result<u64, String> {
        let product = self
            .products
            .get_mut(&id)
            .ok_or_else(|| format!("no product {id}"))?;
        if product.status != SimStatus::Active
            || (product.tracked && product.inventory < i64::from(quantity))
            || quantity == 0
        {
            return Err(format!(
                "product {id} cannot sell {quantity}: {:?} with {} left",
                product.status, product.inventory
            ));
        }
        // An untracked product counts nothing: it stays for sale as it was.
        if product.tracked {
            product.inventory -= i64::from(quantity);
            if let Some(stocked) = product
                .locations
                .values_mut()
                .find(|q| **q >= i64::from(quantity))
            {
                *stocked -= i64::from(quantity);
            }
        }
        let order_id = self.next();
        let line_item_id = self.next();
        self.orders.insert(
            order_id,
            SimOrder {
                id: order_id,
                line_item_id,
                product_id: id,
                quantity,
                created_at: sold_at,
            },
        );
        Ok(order_id)
    }

    /// `stagedUploadsCreate`: a target per file, under `base` (the
    /// simulator's own address), to be posted to before it is used.
    pub(super) fn staged_uploads(
        &mut self,
        base: &str,
        input: &[StagedUploadInput],
    ) -> MutationPayload {
        let mut targets = Vec::new();
        for (n, file) in input.iter().enumerate() {
            if file.resource != "IMAGE" || file.http_method != "POST" || file.filename.is_empty() {
                return refused(user_error(
                    &["input", &n.to_string()],
                    "Only IMAGE uploads by POST with a filename are accepted",
                    None,
                ));
            }
            let key = format!("tmp/{}/{}", self.staged.len() + 1, file.filename);
            let resource_url = format!("{base}/staged-uploads/{key}");
            self.staged.insert(resource_url.clone(), None);
            targets.push(StagedTarget {
                url: format!("{base}/staged-uploads"),
                resource_url,
                parameters: vec![
                    StagedParameter {
                        name: "key".into(),
                        value: key,
                    },
                    StagedParameter {
                        name: "Content-Type".into(),
                        value: file.mime_type.clone(),
                    },
                ],
            });
        }
        MutationPayload {
            staged_targets: Some(targets),
            ..MutationPayload::default()
        }
    }

    /// `productCreate` (§3.4 (a)): one default variant, price 0, no SKU;
    /// its pictures from `media`, each a URL or a staged upload that was
    /// made.
    pub(super) fn product_create(
        &mut self,
        input: &ProductInput,
        media: &[CreateMediaInput],
    ) -> MutationPayload {
        let title = input.title.as_deref().map(str::trim).unwrap_or_default();
        if title.is_empty() {
            return refused(user_error(&["title"], "Title can't be blank", None));
        }
        if let Some(refusal) = self.media_refusal(media) {
            return refusal;
        }
        let status = match input.status.as_deref().map(SimStatus::parse) {
            None => SimStatus::Active,
            Some(Some(status)) => status,
            Some(None) => return refused(user_error(&["status"], "Status is invalid", None)),
        };
        let id = self.create(None, title.to_owned(), Decimal::ZERO, 0);
        self.add_media(id, media);
        let Some(product) = self.products.get_mut(&id) else {
            return refused(user_error(&["id"], "Product does not exist", None));
        };
        product.status = status;
        apply(product, input);
        MutationPayload {
            product: Some(wire_product(product)),
            ..MutationPayload::default()
        }
    }

    /// Why Shopify would not take these media: a content type it does not
    /// know, or a source it cannot fetch.
    fn media_refusal(&self, media: &[CreateMediaInput]) -> Option<MutationPayload> {
        for (n, picture) in media.iter().enumerate() {
            let index = n.to_string();
            let source = picture.original_source.as_str();
            if picture.media_content_type != "IMAGE" && picture.media_content_type != "VIDEO" {
                return Some(refused(user_error(
                    &["media", &index, "mediaContentType"],
                    "Media content type is invalid",
                    None,
                )));
            }
            let staged_but_empty = matches!(self.staged.get(source), Some(None));
            let fetchable = source.starts_with("https://") || source.starts_with("http://");
            if staged_but_empty || !fetchable {
                return Some(refused(user_error(
                    &["media", &index, "originalSource"],
                    "Image URL is invalid",
                    Some("INVALID"),
                )));
            }
        }
        None
    }

    /// Appends pictures to a product's gallery, each with a new media id.
    fn add_media(&mut self, id: u64, media: &[CreateMediaInput]) {
        let first = self.next_media_id;
        self.next_media_id += media.len() as u64;
        if let Some(product) = self.products.get_mut(&id) {
            product
                .media
                .extend(media.iter().map(|m| m.original_source.clone()));
            product.media_ids.extend(first..first + media.len() as u64);
        }
    }

    /// `productUpdate` (§3.4 (c)): fields not sent stay as they are.
    pub(super) fn product_update(
        &mut self,
        input: &ProductInput,
        media: &[CreateMediaInput],
    ) -> MutationPayload {
        if let Some(refusal) = self.media_refusal(media) {
            return refusal;
        }
        let id = input
            .id
            .as_deref()
            .and_then(|gid| gid_number(gid, "Product"));
        if !media.is_empty() {
            if let Some(id) = id {
                self.add_media(id, media);
            }
        }
        let product = id.and_then(|id| self.products.get_mut(&id));
        let Some(product) = product else {
            return refused(user_error(
                &["product", "id"],
                "Product does not exist",
                None,
            ));
        };
        if input.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return refused(user_error(&["title"], "Title can't be blank", None));
        }
        if let Some(status) = input.status.as_deref() {
            match SimStatus::parse(status) {
                Some(status) => product.status = status,
                None => return refused(user_error(&["status"], "Status is invalid", None)),
            }
        }
        apply(product, input);
        if !media.is_empty() {
            product.media_calls.push("productUpdate");
        }
        product.revisions += 1;
        MutationPayload {
            product: Some(wire_product(product)),
            ..MutationPayload::default()
        }
    }

    /// The product's media ids, as `gid://shopify/MediaImage/…`, in order;
    /// `None` for an unknown product.
    pub(super) fn media_of(&self, gid: &str) -> Option<Vec<String>> {
        let product = self.products.get(&gid_number(gid, "Product")?)?;
        Some(
            product
                .media_ids
                .iter()
                .map(|id| format!("gid://shopify/MediaImage/{id}"))
                .collect(),
        )
    }

    /// `productDeleteMedia`: an id the product does not have is refused,
    /// and nothing is deleted.
    pub(super) fn delete_media(&mut self, vars: &DeleteMediaVars) -> MutationPayload {
        let Some(product) =
            gid_number(&vars.product_id, "Product").and_then(|id| self.products.get_mut(&id))
        else {
            return media_refused(
                &["productId"],
                "Product does not exist",
                "PRODUCT_DOES_NOT_EXIST",
            );
        };
        let mut places = Vec::new();
        for gid in &vars.media_ids {
            let place = gid_number(gid, "MediaImage")
                .and_then(|id| product.media_ids.iter().position(|m| *m == id));
            match place {
                Some(place) => places.push(place),
                None => {
                    return media_refused(
                        &["mediaIds"],
                        "Media does not exist",
                        "MEDIA_DOES_NOT_EXIST",
                    )
                }
            }
        }
        places.sort_unstable();
        for place in places.into_iter().rev() {
            product.media.remove(place);
            product.media_ids.remove(place);
        }
        product.media_calls.push("productDeleteMedia");
        MutationPayload::default()
    }

    /// `productReorderMedia`: each move, in order, takes a picture to a
    /// zero-based place (a place past the end is the end).
    pub(super) fn reorder_media(&mut self, vars: &ReorderMediaVars) -> MutationPayload {
        let Some(product) =
            gid_number(&vars.id, "Product").and_then(|id| self.products.get_mut(&id))
        else {
            return media_refused(&["id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST");
        };
        let mut media: Vec<(u64, String)> = product
            .media_ids
            .iter()
            .copied()
            .zip(product.media.iter().cloned())
            .collect();
        for (n, step) in vars.moves.iter().enumerate() {
            let index = n.to_string();
            let from = gid_number(&step.id, "MediaImage")
                .and_then(|id| media.iter().position(|(m, _)| *m == id));
            let (Some(from), Ok(to)) = (from, step.new_position.parse::<usize>()) else {
                return media_refused(
                    &["moves", &index],
                    "Media does not exist",
                    "MEDIA_DOES_NOT_EXIST",
                );
            };
            let moved = media.remove(from);
            media.insert(to.min(media.len()), moved);
        }
        (product.media_ids, product.media) = media.into_iter().unzip();
        product.media_calls.push("productReorderMedia");
        MutationPayload::default()
    }

    /// `productVariantsBulkUpdate` (§3.4 (b)).
    pub(super) fn variants_update(&mut self, variables: &VariantsVars) -> MutationPayload {
        let Some(product) =
            gid_number(&variables.product_id, "Product").and_then(|id| self.products.get_mut(&id))
        else {
            return refused(user_error(
                &["productId"],
                "Product does not exist",
                Some("PRODUCT_DOES_NOT_EXIST"),
            ));
        };
        let mut changes = Vec::new();
        for (n, input) in variables.variants.iter().enumerate() {
            let index = n.to_string();
            if gid_number(&input.id, "ProductVariant") != Some(product.variant_id) {
                return refused(user_error(
                    &["variants", &index, "id"],
                    "Product variant does not exist",
                    Some("PRODUCT_VARIANT_DOES_NOT_EXIST"),
                ));
            }
            let price = match input.price.as_deref().map(|p| Decimal::from_str(p.trim())) {
                None => None,
                Some(Ok(price)) if price >= Decimal::ZERO => Some(price),
                Some(_) => {
                    return refused(user_error(
                        &["variants", &index, "price"],
                        "Price must be greater than or equal to 0",
                        Some("INVALID_INPUT"),
                    ))
                }
            };
            changes.push((
                price,
                input.inventory_item.as_ref().and_then(|i| i.sku.clone()),
                input.inventory_item.as_ref().and_then(|i| i.tracked),
            ));
        }
        for (price, sku, tracked) in changes {
            if let Some(price) = price {
                product.price = price;
            }
            if let Some(sku) = sku {
                product.sku = Some(sku);
            }
            if let Some(tracked) = tracked {
                product.tracked = tracked;
            }
        }
        MutationPayload {
            product_variants: Some(vec![wire_variant(product)]),
            ..MutationPayload::default()
        }
    }

    /// `inventorySetQuantities` (§3.4 (d)), with its compare-and-set.
    pub(super) fn set_quantities(
        &mut self,
        input: &InventorySetQuantitiesInput,
    ) -> MutationPayload {
        if !matches!(input.name.as_str(), "available" | "on_hand") {
            return refused(user_error(
                &["input", "name"],
                "The quantity name must be 'available' or 'on_hand'",
                Some("INVALID_NAME"),
            ));
        }
        for (n, quantity) in input.quantities.iter().enumerate() {
            let index = n.to_string();
            let product =
                gid_number(&quantity.inventory_item_id, "InventoryItem").and_then(|item| {
                    self.products
                        .values_mut()
                        .find(|p| p.inventory_item_id == item)
                });
            let Some(product) = product else {
                return refused(user_error(
                    &["input", "quantities", &index, "inventoryItemId"],
                    "The specified inventory item could not be found.",
                    Some("INVALID_INVENTORY_ITEM"),
                ));
            };
            let known = self
                .locations
                .iter()
                .any(|l| l.active && l.gid() == quantity.location_id);
            if !known {
                return refused(user_error(
                    &["input", "quantities", &index, "locationId"],
                    "The specified location could not be found.",
                    Some("INVALID_LOCATION"),
                ));
            }
            if quantity.quantity < 0 {
                return refused(user_error(
                    &["input", "quantities", &index, "quantity"],
                    "The quantity can't be negative.",
                    Some("INVALID_QUANTITY_NEGATIVE"),
                ));
            }
            let current = product
                .locations
                .get(&quantity.location_id)
                .copied()
                .unwrap_or(0);
            match quantity.compare_quantity {
                None if !input.ignore_compare_quantity => {
                    return refused(user_error(
                        &["input", "quantities", &index, "compareQuantity"],
                        "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.",
                        Some("COMPARE_QUANTITY_REQUIRED"),
                    ))
                }
                Some(expected) if !input.ignore_compare_quantity && expected != current => {
                    return refused(user_error(
                        &["input", "quantities", &index, "compareQuantity"],
                        "The compareQuantity value does not match the current quantity.",
                        Some("COMPARE_QUANTITY_STALE"),
                    ))
                }
                _ => {}
            }
            product
                .locations
                .insert(quantity.location_id.clone(), quantity.quantity);
            product.inventory = product.locations.values().sum();
        }
        MutationPayload {
            inventory_adjustment_group: Some(serde_json::json!({
                "createdAt": Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                "reason": input.reason,
                "changes": [],
            })),
            ..MutationPayload::default()
        }
    }

    /// `products(first, after, query)` (§3.3): the search understands the
    /// forms Riff sends, `sku:"…"`, `tag:"…"` and `status:… OR status:…`.
    /// A tag matches whole and regardless of case, as Shopify's tag filter.
    pub(super) fn products(&self, variables: &PageVars, page_size: u32) -> Connection<Product> {
        let query = variables.query.as_deref().unwrap_or_default();
        let sku = search_term(query, "sku");
        let tag = search_term(query, "tag");
        let statuses: Vec<SimStatus> = [SimStatus::Active, SimStatus::Archived, SimStatus::Draft]
            .into_iter()
            .filter(|s| {
                query
                    .to_ascii_uppercase()
                    .contains(&format!("STATUS:{}", s.as_str()))
            })
            .collect();
        let all: Vec<_> = self
            .products
            .values()
            .filter(|p| statuses.is_empty() || statuses.contains(&p.status))
            .filter(|p| sku.as_ref().is_none_or(|sku| p.sku.as_ref() == Some(sku)))
            .filter(|p| {
                tag.as_ref()
                    .is_none_or(|tag| p.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            })
            .map(|p| (p.id, wire_product(p)))
            .collect();
        let (nodes, info) = page(&all, variables, page_size);
        Connection {
            nodes,
            page_info: Some(info),
        }
    }

    pub(super) fn product(&self, gid: &str) -> Option<Product> {
        let id = gid_number(gid, "Product")?;
        self.products.get(&id).map(wire_product)
    }

    /// `inventoryItem(id).inventoryLevel(locationId).quantities(names:
    /// ["available"])`: `None` for an unknown item. Every location stocks
    /// every item here, as `inventorySetQuantities` accepts any, at 0 until
    /// a quantity is set.
    pub(super) fn inventory_level(&self, vars: &LevelVars) -> Option<InventoryItemLevel> {
        let item = gid_number(&vars.id, "InventoryItem")?;
        let product = self
            .products
            .values()
            .find(|p| p.inventory_item_id == item)?;
        let level = gid_number(&vars.location_id, "Location").map(|_| InventoryLevel {
            quantities: vec![InventoryQuantity {
                name: "available".into(),
                quantity: product
                    .locations
                    .get(&vars.location_id)
                    .copied()
                    .unwrap_or(0),
            }],
        });
        Some(InventoryItemLevel {
            inventory_level: level,
        })
    }

    /// `orders(first, after, query)` (§3.3), with `created_at:>='…'`.
    pub(super) fn orders(&self, variables: &PageVars, page_size: u32) -> Connection<Order> {
        let since = variables
            .query
            .as_deref()
            .and_then(|q| q.split("created_at:>=").nth(1))
            .map(|rest| rest.trim_matches(|c: char| c == '\'' || c == '"' || c.is_whitespace()))
            .and_then(|date| DateTime::parse_from_rfc3339(date).ok())
            .map_or(DateTime::<Utc>::MIN_UTC, |d| d.with_timezone(&Utc));
        let all: Vec<_> = self
            .orders
            .values()
            .filter(|o| o.created_at >= since)
            .map(|o| (o.id, self.wire_order(o)))
            .collect();
        let (nodes, info) = page(&all, variables, page_size);
        Connection {
            nodes,
            page_info: Some(info),
        }
    }

    /// The `#1001`-style name Shopify gives the shop's nth order.
    pub(super) fn order_name(&self, id: u64) -> String {
        format!(
            "#{}",
            1000 + self.orders.keys().filter(|n| **n <= id).count()
        )
    }

    fn wire_order(&self, order: &SimOrder) -> Order {
        let product = self.products.get(&order.product_id);
        let unit = product.map_or(Decimal::ZERO, |p| p.price);
        Order {
            id: format!("gid://shopify/Order/{}", order.id),
            name: self.order_name(order.id),
            created_at: order.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            display_financial_status: Some("PAID".into()),
            line_items: Connection {
                nodes: vec![LineItem {
                    id: format!("gid://shopify/LineItem/{}", order.line_item_id),
                    sku: product.and_then(|p| p.sku.clone()),
                    quantity: order.quantity,
                    product: product.map(|p| IdRef { id: p.gid() }),
                    original_unit_price_set: MoneyBag {
                        shop_money: MoneyV2 {
                            amount: unit.to_string(),
                            currency_code: self.currency.clone(),
                        },
                    },
                }],
                page_info: Some(PageInfo {
                    has_next_page: false,
                    end_cursor: None,
                }),
            },
        }
    }
}

impl State {
    /// `location` (the primary one) and `locations` (the active ones).
    pub(super) fn locations(&self) -> LocationsData {
        let wire = |l: &SimLocation| Location {
            id: l.gid(),
            name: l.name.clone(),
            is_active: l.active,
            is_fulfillment_service: false,
        };
        LocationsData {
            location: self.locations.first().map(wire),
            locations: Connection {
                nodes: self
                    .locations
                    .iter()
                    .filter(|l| l.active)
                    .map(wire)
                    .collect(),
                page_info: Some(PageInfo {
                    has_next_page: false,
                    end_cursor: None,
                }),
            },
        }
    }

    /// `publications`: the store's sales channels.
    pub(super) fn publications(&self) -> PublicationsData {
        PublicationsData {
            publications: Connection {
                nodes: vec![Publication {
                    id: ONLINE_STORE.into(),
                    name: "Online Store".into(),
                }],
                page_info: Some(PageInfo {
                    has_next_page: false,
                    end_cursor: None,
                }),
            },
        }
    }

    /// `publishablePublish`: puts a product on sales channels.
    pub(super) fn publish(&mut self, vars: &PublishVars) -> MutationPayload {
        let Some(product) =
            gid_number(&vars.id, "Product").and_then(|id| self.products.get_mut(&id))
        else {
            return refused(user_error(&["id"], "Product does not exist", None));
        };
        for (n, input) in vars.input.iter().enumerate() {
            if input.publication_id != ONLINE_STORE {
                return refused(user_error(
                    &["input", &n.to_string(), "publicationId"],
                    "Publication does not exist",
                    None,
                ));
            }
            if !product.publications.contains(&input.publication_id) {
                product.publications.push(input.publication_id.clone());
            }
        }
        MutationPayload::default()
    }

    pub(super) fn shop(&self) -> Shop {
        Shop {
            currency_code: self.currency.clone(),
        }
    }
}

fn apply(product: &mut SimProduct, input: &ProductInput) {
    if let Some(title) = &input.title {
        product.title = title.trim().to_owned();
    }
    if let Some(html) = &input.description_html {
        product.description_html.clone_from(html);
    }
    if let Some(vendor) = &input.vendor {
        product.vendor.clone_from(vendor);
    }
    if let Some(product_type) = &input.product_type {
        product.product_type.clone_from(product_type);
    }
    if let Some(tags) = &input.tags {
        product.tags.clone_from(tags);
    }
    if let Some(seo) = &input.seo {
        if seo.title.is_some() {
            product.seo.0.clone_from(&seo.title);
        }
        if seo.description.is_some() {
            product.seo.1.clone_from(&seo.description);
        }
    }
}

fn wire_variant(product: &SimProduct) -> Variant {
    Variant {
        id: format!("gid://shopify/ProductVariant/{}", product.variant_id),
        sku: product.sku.clone(),
        price: Some(format!("{:.2}", product.price)),
        inventory_quantity: Some(product.inventory),
        inventory_item: Some(InventoryItemRef {
            id: format!("gid://shopify/InventoryItem/{}", product.inventory_item_id),
            tracked: Some(product.tracked),
        }),
    }
}

/// A product in the §3.3 node shape.
fn wire_product(product: &SimProduct) -> Product {
    Product {
        id: product.gid(),
        title: Some(product.title.clone()),
        status: Some(product.status.as_str().into()),
        tags: product.tags.clone(),
        online_store_url: (product.status == SimStatus::Active)
            .then(|| format!("https://riff-sim.myshopify.com/products/{}", product.id)),
        created_at: Some(
            product
                .created_at
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        variants: Some(Connection {
            nodes: vec![wire_variant(product)],
            page_info: None,
        }),
    }
}
