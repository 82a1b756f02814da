//! Commands that both the JSON API and the admin pages give, written once:
//! the two front doors must not disagree about what is allowed.

use chrono::Utc;
use cqrs_es::Aggregate;
use riff_domain::listing::category_map::{CategoryEdit, CategoryEditInput, CategoryMap};
use riff_domain::listing::price::PricePercent;
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::policy::{check_sold_at, revision, Edit, Sale, ShownNow};
use riff_domain::product::{ProductSource, Revision};
use riff_domain::value::{
    Currency, InvalidValue, Money, Platform, ProductDetails, ProductDetailsInput, Sku,
};
use riff_domain::{
    EventMetadata, Listing, ListingCommand, ListingStatus, Product, ProductCommand, ProductError,
    ProductStatus, Settings, SettingsCommand,
};
use riff_projections::view::flags::{self, FlagRow};
use riff_projections::view::{inventory, listing_index, sales};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::ApiError;
use crate::ledger::LedgerError;
use crate::state::AppState;

/// A generated SKU can clash with one typed by hand (`RIFF-000042`); the
/// next number is tried, this many times.
const SKU_ATTEMPTS: u32 = 20;

/// No shop stocks a million of one line; more is a typo.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// A product to create, checked.
#[derive(Debug, Clone)]
pub struct NewProduct {
    /// `None`: Riff numbers it (`RIFF-000042`).
    pub sku: Option<Sku>,
    pub details: ProductDetails,
    pub price: Money,
    pub quantity: u32,
    /// Saved as a draft: kept, not listable until activated.
    pub draft: bool,
}

/// Creates a product and waits until the views show it.
///
/// # Errors
/// `409` the SKU exists; the store failed.
pub async fn create_product(
    state: &AppState,
    new: NewProduct,
    meta: &EventMetadata,
) -> Result<Sku, ApiError> {
    let create = |sku: Sku| ProductCommand::Create {
        sku,
        details: new.details.clone(),
        price: new.price,
        quantity: new.quantity,
        source: ProductSource::Manual,
        draft: new.draft,
    };
    let sku = match new.sku.clone() {
        Some(sku) => {
            state
                .ledger
                .product(&sku, create(sku.clone()), meta)
                .await?;
            sku
        }
        None => {
            let mut attempt = 0;
            loop {
                let sku = Sku::generated(state.db.next_counter("sku").await?);
                match state.ledger.product(&sku, create(sku.clone()), meta).await {
                    Ok(()) => break sku,
                    Err(LedgerError::Rejected(ProductError::AlreadyExists { .. }))
                        if attempt < SKU_ATTEMPTS =>
                    {
                        attempt += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
    };
    state.caught_up_with(Product::TYPE, sku.as_str()).await?;
    Ok(sku)
}

/// Runs any product command (a revision, media changes) and waits until
/// the views show it.
///
/// # Errors
/// The product's refusal; the store failed.
pub async fn change_product(
    state: &AppState,
    sku: &Sku,
    command: ProductCommand,
    meta: &EventMetadata,
) -> Result<(), ApiError> {
    state.ledger.product(sku, command, meta).await?;
    state.caught_up_with(Product::TYPE, sku.as_str()).await?;
    Ok(())
}

/// What recording a sale came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaleRecorded {
    /// The sale took units.
    Sold,
    /// The item had already sold: an oversell to resolve (flagged).
    Conflict,
    /// This order was known already; nothing changed.
    AlreadyRecorded,
}

impl SaleRecorded {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sold => "sold",
            Self::Conflict => "conflict",
            Self::AlreadyRecorded => "already_recorded",
        }
    }
}

/// Records a sale on a product (first sale wins) and waits until the views
/// show it; the sale saga then ends the product's other listings.
///
/// A person reports it (the API, the counter's form), so its time must be
/// plausible: a sale dated `0001-01-01` would win first-sale-wins against
/// every real one.
///
/// # Errors
/// `422` a sale time out of range or an order reference that breaks its
/// rule; `404` unknown product; the store failed.
pub async fn record_sale(
    state: &AppState,
    sku: &Sku,
    sale: Sale,
    meta: &EventMetadata,
) -> Result<SaleRecorded, ApiError> {
    check_sold_at(sale.sold_at, Utc::now())?;
    sale.check_order_ref()?;
    let before = state.ledger.load_product(sku).await?.version;
    let (channel, order_ref) = (sale.channel, sale.order_ref.clone());
    let command = ProductCommand::RecordSale {
        sale,
        priority: (*state.priority).clone(),
        counted: false,
    };
    change_product(state, sku, command, meta).await?;
    if state.ledger.load_product(sku).await?.version == before {
        return Ok(SaleRecorded::AlreadyRecorded);
    }
    Ok(
        match sales::status_of(&state.db, sku.as_str(), channel.as_str(), &order_ref).await? {
            Some(s) if s == "conflict" => SaleRecorded::Conflict,
            _ => SaleRecorded::Sold,
        },
    )
}

/// A SKU from a path: one that cannot be a SKU names no product.
///
/// # Errors
/// `404`.
pub fn sku_in_path(raw: &str) -> Result<Sku, ApiError> {
    Sku::parse(raw).map_err(|_| ApiError::NotFound(format!("no product has SKU {raw}")))
}

/// A product's fields as typed in a form: all text, so that a form that is
/// refused can be shown again exactly as the user left it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductInput {
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub brand: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub finish: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub quantity: String,
    /// A new product's "Save as draft" box: `Some` when ticked.
    #[serde(default)]
    pub save_as_draft: Option<String>,
}

/// Every field that was refused, by name, with what to type instead.
pub type FieldErrors = Vec<(String, String)>;

fn blank_is_none(raw: &str) -> Option<String> {
    Some(raw.to_owned()).filter(|s| !s.trim().is_empty())
}

impl ProductInput {
    /// The input of an existing product, for its edit form.
    pub fn of(item: &inventory::InventoryItem) -> Self {
        Self {
            sku: item.sku.clone(),
            title: item.title.clone(),
            brand: item.brand.clone(),
            model: item.model.clone(),
            year: item.year.map(|y| y.to_string()).unwrap_or_default(),
            finish: item.finish.clone().unwrap_or_default(),
            category: item.category.clone(),
            condition: item.condition.clone(),
            description: item.description.clone().unwrap_or_default(),
            price: item.price.clone(),
            quantity: item.quantity.to_string(),
            save_as_draft: None,
        }
    }

    fn details(&self) -> Result<ProductDetails, InvalidValue> {
        ProductDetails::parse(ProductDetailsInput {
            title: self.title.clone(),
            brand: self.brand.clone(),
            model: self.model.clone(),
            year: blank_is_none(&self.year),
            finish: blank_is_none(&self.finish),
            category: self.category.clone(),
            condition: self.condition.clone(),
            description: blank_is_none(&self.description),
        })
    }

    fn quantity(&self) -> Result<u32, InvalidValue> {
        let raw = self.quantity.trim();
        if raw.is_empty() {
            return Ok(1);
        }
        match raw.parse::<u32>() {
            Ok(q) if q <= MAX_QUANTITY => Ok(q),
            _ => Err(InvalidValue {
                field: "quantity",
                message: format!("must be a whole number from 0 to {MAX_QUANTITY}"),
            }),
        }
    }

    /// The product to create, or every field that is wrong (each part is
    /// checked, so the user sees all of them at once).
    ///
    /// # Errors
    /// The refused fields.
    pub fn to_new(&self, currency: Currency) -> Result<NewProduct, FieldErrors> {
        let sku = blank_is_none(&self.sku).map(|s| Sku::parse(&s)).transpose();
        let details = self.details();
        let price = Money::parse_price(&self.price, currency);
        let quantity = self.quantity();
        match (sku, details, price, quantity) {
            (Ok(sku), Ok(details), Ok(price), Ok(quantity)) => Ok(NewProduct {
                sku,
                details,
                price,
                quantity,
                draft: self.save_as_draft.is_some(),
            }),
            (sku, details, price, quantity) => Err(collect([
                sku.err(),
                details.err(),
                price.err(),
                quantity.err(),
            ])),
        }
    }

    /// A revision of every editable field, checked against `version` (the
    /// one the form was made from).
    ///
    /// # Errors
    /// The refused fields.
    pub fn to_revision(&self, currency: Currency, version: u64) -> Result<Revision, FieldErrors> {
        let details = self.details();
        let price = Money::parse_price(&self.price, currency);
        let quantity = self.quantity();
        match (details, price, quantity) {
            (Ok(details), Ok(price), Ok(quantity)) => Ok(Revision {
                details: Some(details),
                price: Some(price),
                quantity: Some(quantity),
                expected_version: Some(version),
            }),
            (details, price, quantity) => {
                Err(collect([None, details.err(), price.err(), quantity.err()]))
            }
        }
    }
}

fn collect<const N: usize>(errors: [Option<InvalidValue>; N]) -> FieldErrors {
    errors
        .into_iter()
        .flatten()
        .map(|e| (e.field.to_owned(), e.message))
        .collect()
}

/// Asks for `sku` to be put on `platform`; the effects worker publishes it.
///
/// # Errors
/// `404` unknown product; `409` platform not configured, or a listing of
/// the product is already up there; `422` the platform would refuse it
/// (`readiness`); the listing's own refusals.
pub async fn request_listing(
    state: &AppState,
    sku: &str,
    platform: Platform,
    attributes: PlatformAttributes,
    meta: &EventMetadata,
) -> Result<Uuid, ApiError> {
    if !state.engine.platforms.contains_key(&platform) {
        return Err(ApiError::Conflict(format!(
            "{} is not configured; set its credentials (README, Configuration) and restart Riff",
            platform.display_name()
        )));
    }
    let unknown = || ApiError::NotFound(format!("no product has SKU {sku}"));
    let sku = Sku::parse(sku).map_err(|_| unknown())?;
    let product = state.ledger.load_product(&sku).await?;
    if product.sku.is_none() {
        return Err(unknown());
    }
    if product.status == ProductStatus::Draft {
        let missing = match product.price {
            Some(price) if price.currency == state.currency => "to be activated".to_owned(),
            _ => format!(
                "a price in the shop's currency ({}) and to be activated",
                state.currency
            ),
        };
        return Err(ApiError::Conflict(format!(
            "{sku} is a draft and cannot be listed: it needs {missing} \
             (POST /api/products/{sku}/activate, or Activate on its page)"
        )));
    }
    // One listing per platform: a second would sell the item twice.
    if let Some(open) = listing_index::of_product(&state.db, sku.as_str())
        .await?
        .into_iter()
        .find(|l| {
            l.platform == platform
                && !matches!(
                    l.status,
                    ListingStatus::Ended | ListingStatus::Sold | ListingStatus::Failed
                )
        })
    {
        return Err(ApiError::Conflict(format!(
            "{sku} already has a {} listing on {} ({}); end it before listing it again",
            open.status.as_str(),
            platform.display_name(),
            open.listing_id
        )));
    }
    // What the platform would refuse is said now, and nothing is sent.
    let settings = state.ledger.load_settings().await?;
    let missing =
        crate::readiness::missing(state, &sku, &product, &settings, attributes.clone()).await?;
    if !missing.is_empty() {
        return Err(ApiError::NotReady {
            sku: sku.to_string(),
            platform: platform.display_name(),
            missing,
        });
    }
    let listing_id = Uuid::new_v4();
    let command = ListingCommand::Request {
        listing_id,
        sku,
        product_status: product.status,
        attributes,
    };
    state.ledger.listing(listing_id, command, meta).await?;
    state.projector.nudge();
    Ok(listing_id)
}

/// Asks for a listing to be ended; the effects worker ends it.
///
/// # Errors
/// `404` unknown listing; the store failed.
pub async fn end_listing(
    state: &AppState,
    listing_id: Uuid,
    reason: EndReason,
    meta: &EventMetadata,
) -> Result<ListingStatus, ApiError> {
    state
        .ledger
        .listing(listing_id, ListingCommand::RequestEnd { reason }, meta)
        .await?;
    state.projector.nudge();
    Ok(state.ledger.load_listing(listing_id).await?.status)
}

/// Asks a live listing to show its product as it is now, again: the
/// owner's Retry after the platform refused a revision. The effects worker
/// sends it.
///
/// # Errors
/// `404` unknown listing; `409` the listing is not live; the store failed.
pub async fn revise_listing(
    state: &AppState,
    listing_id: Uuid,
    meta: &EventMetadata,
) -> Result<(), ApiError> {
    let unknown = || ApiError::NotFound(format!("no listing has id {listing_id}"));
    let indexed = listing_index::get(&state.db, listing_id)
        .await?
        .ok_or_else(unknown)?;
    let sku = indexed.sku.as_deref().ok_or_else(|| {
        ApiError::Conflict("the listing is not linked to a product: link it first".into())
    })?;
    let listing = state.ledger.load_listing(listing_id).await?;
    let product = state.ledger.load_product(&Sku::parse(sku)?).await?;
    let rule = state
        .ledger
        .load_settings()
        .await?
        .price_rule(indexed.platform);
    let shown = ShownNow {
        price: indexed.published_price,
        quantity: indexed.published_quantity,
    };
    let command = revision(&product, &listing, shown, rule, Edit::Retry).ok_or_else(|| {
        ApiError::Conflict(format!(
            "the listing is {} and its product has no price to show: only a live listing of a priced product is revised",
            listing.status.as_str()
        ))
    })?;
    state.ledger.listing(listing_id, command, meta).await?;
    state.projector.nudge();
    Ok(())
}

/// Closes a flag with a note (who and when come from `meta`), and waits
/// until the flags view shows it.
///
/// # Errors
/// `404` unknown flag; `409` already resolved; the store failed.
pub async fn resolve_flag(
    state: &AppState,
    id: i64,
    note: String,
    meta: &EventMetadata,
) -> Result<FlagRow, ApiError> {
    let flag = flags::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no flag has id {id}")))?;
    let sequence = u64::try_from(flag.sequence).unwrap_or_default();
    if flag.aggregate_type == Product::TYPE {
        let sku = Sku::parse(&flag.aggregate_id)?;
        state
            .ledger
            .product(&sku, ProductCommand::ResolveFlag { sequence, note }, meta)
            .await?;
        state
            .caught_up_with(Product::TYPE, &flag.aggregate_id)
            .await?;
    } else {
        let listing = Uuid::parse_str(&flag.aggregate_id).map_err(|e| {
            ApiError::Internal(format!(
                "flag {id} names listing {}: {e}",
                flag.aggregate_id
            ))
        })?;
        state
            .ledger
            .listing(
                listing,
                ListingCommand::ResolveFlag { sequence, note },
                meta,
            )
            .await?;
        state
            .caught_up_with(Listing::TYPE, &flag.aggregate_id)
            .await?;
    }
    flags::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no flag has id {id}")))
}

/// Links a listing found on a platform to a product; its sales then count
/// on the product (the sale saga records them).
///
/// # Errors
/// `404` unknown product; `409` the listing is linked to another one.
pub async fn link_listing(
    state: &AppState,
    listing_id: Uuid,
    sku: &str,
    meta: &EventMetadata,
) -> Result<(), ApiError> {
    let unknown = || ApiError::NotFound(format!("no product has SKU {sku}"));
    let sku = Sku::parse(sku).map_err(|_| unknown())?;
    if state.ledger.load_product(&sku).await?.sku.is_none() {
        return Err(unknown());
    }
    state
        .ledger
        .listing(listing_id, ListingCommand::Link { sku }, meta)
        .await?;
    state.projector.nudge();
    Ok(())
}

/// Makes a new product of a listing found on a platform (the owner's
/// answer to "this looks like a duplicate": it is not), and links it.
///
/// # Errors
/// The listing is not one found on a platform, or is linked already.
pub async fn import_listing(
    state: &AppState,
    listing_id: Uuid,
    meta: &EventMetadata,
) -> Result<Sku, ApiError> {
    crate::sync::sagas::import_as_new(&state.engine, listing_id, meta)
        .await
        .map_err(|e| ApiError::Conflict(e.to_string()))
}

/// Changes one entry of the shop's category map, or adds one, as typed;
/// answers the map now in force. What changes nothing appends nothing.
///
/// # Errors
/// `422` a field that is not acceptable (nothing is appended); the store
/// failed.
pub async fn map_category(
    state: &AppState,
    input: CategoryEditInput,
    meta: &EventMetadata,
) -> Result<CategoryMap, ApiError> {
    let edit = CategoryEdit::parse(input)?;
    state
        .ledger
        .settings(SettingsCommand::MapCategory(edit), meta)
        .await?;
    Ok(state.ledger.load_settings().await?.category_map())
}

/// Sets `platform`'s price rule to `percent` as typed (`"5"`, `"-10"`,
/// `"7.5"`; `"0"` removes it); answers the shop's settings. The sagas then
/// move the platform's live listings that follow the product
/// (`listing::price`). What changes nothing appends nothing.
///
/// # Errors
/// `422` a percentage that is not acceptable (nothing is appended); the
/// store failed.
pub async fn set_price_rule(
    state: &AppState,
    platform: Platform,
    percent: &str,
    meta: &EventMetadata,
) -> Result<Settings, ApiError> {
    let percent = PricePercent::parse(percent)?;
    state
        .ledger
        .settings(SettingsCommand::SetPriceRule { platform, percent }, meta)
        .await?;
    Ok(state.ledger.load_settings().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> ProductInput {
        ProductInput {
            title: "Fender Telecaster".into(),
            brand: "Fender".into(),
            model: "Telecaster".into(),
            year: "1972".into(),
            category: "Electric Guitars".into(),
            condition: "good".into(),
            price: "899.50".into(),
            ..ProductInput::default()
        }
    }

    #[test]
    fn a_typed_product_is_checked_into_a_new_one() {
        let new = typed().to_new(Currency::GBP).unwrap();
        assert_eq!(new.sku, None, "a blank SKU is numbered by Riff");
        assert_eq!(new.quantity, 1, "a blank quantity is one");
        assert_eq!(new.price.to_string(), "899.50 GBP");
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let input = ProductInput {
            title: " ".into(),
            price: "cheap".into(),
            quantity: "-1".into(),
            ..typed()
        };
        let fields: Vec<String> = input
            .to_new(Currency::GBP)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["title", "price", "quantity"]);
        let revision = input.to_revision(Currency::GBP, 3).unwrap_err();
        assert_eq!(revision.len(), 3);
    }

    #[test]
    fn a_revision_carries_the_version_it_was_made_from() {
        let revision = typed().to_revision(Currency::GBP, 7).unwrap();
        assert_eq!(revision.expected_version, Some(7));
        assert_eq!(revision.quantity, Some(1));
    }
}
