//! The simulator's in-memory Reverb: listings and orders.
//!
//! Each endpoint is a method here returning the JSON document Reverb would
//! send, or a [`Refusal`] with the status and error body of §2.6.

use std::collections::BTreeMap;
use std::str::FromStr;

use axum::http::StatusCode;
use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;

use super::super::wire::{
    Amount, ErrorBody, Href, Id, Links, Listing, ListingBody, Order, StateField,
};

/// The first listing id the simulator hands out.
const FIRST_LISTING_ID: u64 = 93_437_001;

/// A listing's state (§2.2 "State slugs seen").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimState {
    Draft,
    Live,
    Sold,
    Ended,
}

impl SimState {
    pub fn slug(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Live => "live",
            Self::Sold => "sold",
            Self::Ended => "ended",
        }
    }
}

/// One listing as the simulated Reverb holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimListing {
    pub id: u64,
    pub sku: Option<String>,
    pub title: String,
    pub make: Option<String>,
    pub model: Option<String>,
    pub price: Decimal,
    pub currency: String,
    /// Units still for sale.
    pub inventory: u32,
    pub state: SimState,
    pub photos: Vec<String>,
    pub description: Option<String>,
    /// The `link` of each video.
    pub videos: Vec<String>,
    /// What it was listed with: category UUIDs, the condition's UUID and
    /// the shipping profile.
    pub categories: Vec<String>,
    pub condition: Option<String>,
    pub shipping_profile_id: Option<String>,
    /// How many updates changed it.
    pub revisions: u32,
    /// The fields each update sent, by their JSON names: what a test
    /// asserts a revision carried.
    pub revised_fields: Vec<Vec<&'static str>>,
}

/// Reverb's "Brand New" condition.
pub(super) const BRAND_NEW: &str = "7c3f45de-2ae0-4c81-8400-fdb6b1d74890";

/// The conditions Reverb lets a listing offer several units in: Brand New,
/// B-Stock and "Mint (with inventory)" (`docs/listing-ids.md` §3.1).
const MULTI_UNIT_CONDITIONS: [&str; 3] = [
    BRAND_NEW,
    "9225283f-60c2-4413-ad18-1f5eba7a856f",
    "6db7df88-293b-4017-a1c1-cdb5e599fa1a",
];

/// One order, as a buyer's purchase leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimOrder {
    pub order_number: u64,
    pub listing_id: u64,
    pub quantity: u32,
    pub created_at: DateTime<Utc>,
}

/// A refused request: its HTTP status and error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub(super) status: StatusCode,
    pub(super) body: ErrorBody,
}

impl Refusal {
    fn new(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            body: ErrorBody {
                message: Some(message.into()),
                errors: BTreeMap::new(),
            },
        }
    }

    fn field(field: &str, problem: &str) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ErrorBody {
                message: Some(format!("{field} {problem}")),
                errors: BTreeMap::from([(field.to_owned(), vec![problem.to_owned()])]),
            },
        }
    }

    /// A listing Reverb will not publish: each field it lacks, named.
    fn unpublishable(missing: &[&str]) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: ErrorBody {
                message: Some(format!(
                    "Your listing could not be published: {} can't be blank",
                    missing.join(", ")
                )),
                errors: missing
                    .iter()
                    .map(|field| ((*field).to_owned(), vec!["can't be blank".to_owned()]))
                    .collect(),
            },
        }
    }

    fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "The requested resource could not be found.",
        )
    }
}

/// What publishing looks at.
struct Publishable<'a> {
    make: Option<&'a str>,
    model: Option<&'a str>,
    description: Option<&'a str>,
    categories: usize,
    condition: bool,
    photos: usize,
    shipping: bool,
}

/// The fields a listing needs before Reverb makes it live (a draft may
/// lack them): make, model, a category, a condition, a photo, a
/// description and shipping (a profile or rates).
fn unpublishable(listing: &Publishable<'_>) -> Vec<&'static str> {
    let blank = |text: Option<&str>| text.is_none_or(|t| t.trim().is_empty());
    [
        ("make", blank(listing.make)),
        ("model", blank(listing.model)),
        ("categories", listing.categories == 0),
        ("condition", !listing.condition),
        ("photos", listing.photos == 0),
        ("description", blank(listing.description)),
        ("shipping", !listing.shipping),
    ]
    .into_iter()
    .filter_map(|(field, lacking)| lacking.then_some(field))
    .collect()
}

/// Everything the simulated Reverb knows.
#[derive(Debug)]
pub(super) struct State {
    pub(super) listings: BTreeMap<u64, SimListing>,
    pub(super) orders: Vec<SimOrder>,
    next_listing_id: u64,
    next_order_number: u64,
    /// The shop's currency (Reverb's shop setting), in which listings
    /// made on reverb.com are priced.
    pub(super) currency: String,
}

impl State {
    pub(super) fn new() -> Self {
        Self {
            listings: BTreeMap::new(),
            orders: Vec::new(),
            next_listing_id: FIRST_LISTING_ID,
            next_order_number: 1_000_001,
            currency: "GBP".into(),
        }
    }

    /// Makes a live listing outright, as the seller would on reverb.com.
    pub(super) fn create(
        &mut self,
        sku: Option<String>,
        title: String,
        price: Decimal,
        inventory: u32,
    ) -> u64 {
        let id = self.next_listing_id;
        self.next_listing_id += 1;
        self.listings.insert(
            id,
            SimListing {
                id,
                sku,
                title,
                make: None,
                model: None,
                price,
                currency: self.currency.clone(),
                inventory,
                state: SimState::Live,
                photos: Vec::new(),
                description: None,
                videos: Vec::new(),
                categories: Vec::new(),
                condition: None,
                shipping_profile_id: None,
                revisions: 0,
                revised_fields: Vec::new(),
            },
        );
        id
    }

    /// A buyer buys `quantity` units: an order appears, and the listing is
    /// sold when none are left.
    pub(super) fn sell(
        &mut self,
        id: u64,
        quantity: u32,
        sold_at: DateTime<Utc>,
    ) -> Result<u64, String> {
        let listing = self
            .listings
            .get_mut(&id)
            .ok_or_else(|| format!("no listing {id}"))?;
        if listing.state != SimState::Live || listing.inventory < quantity || quantity == 0 {
            return Err(format!(
                "listing {id} cannot sell {quantity}: {:?} with {} left",
                listing.state, listing.inventory
            ));
        }
        listing.inventory -= quantity;
        if listing.inventory == 0 {
            listing.state = SimState::Sold;
        }
        let order_number = self.next_order_number;
        self.next_order_number += 1;
        self.orders.push(SimOrder {
            order_number,
            listing_id: id,
            quantity,
            created_at: sold_at,
        });
        Ok(order_number)
    }

    /// `POST /listings` (§2.2). A SKU already on a live or draft listing is
    /// refused with 422, as RIFF saw.
    pub(super) fn create_from(&mut self, body: &ListingBody) -> Result<Listing, Refusal> {
        let title = checked_title(body.title.as_deref())?;
        let (price, currency) = checked_price(body.price.as_ref())?;
        if let Some(sku) = &body.sku {
            let taken = self.listings.values().any(|l| {
                l.sku.as_ref() == Some(sku) && matches!(l.state, SimState::Live | SimState::Draft)
            });
            if taken {
                return Err(Refusal::field("sku", "already exists"));
            }
        }
        if body.publish == Some(true) {
            let has_shipping = body.shipping_profile_id.is_some()
                || body.shipping.as_ref().is_some_and(|s| !s.rates.is_empty());
            let missing = unpublishable(&Publishable {
                make: body.make.as_deref(),
                model: body.model.as_deref(),
                description: body.description.as_deref(),
                categories: body.categories.len(),
                condition: body.condition.is_some(),
                photos: body.photos.len(),
                shipping: has_shipping,
            });
            if !missing.is_empty() {
                return Err(Refusal::unpublishable(&missing));
            }
        }
        let condition = body.condition.as_ref().map(|c| c.uuid.clone());
        let inventory = body.inventory.unwrap_or(1);
        if inventory > 1
            && !condition
                .as_deref()
                .is_some_and(|c| MULTI_UNIT_CONDITIONS.contains(&c))
        {
            return Err(Refusal::field(
                "inventory",
                "can only be more than 1 for Brand New, B-Stock or Mint (with inventory) items",
            ));
        }
        let id = self.create(body.sku.clone(), title, price, inventory);
        let listing = self.listings.get_mut(&id).ok_or_else(Refusal::not_found)?;
        listing.currency = currency;
        listing.make.clone_from(&body.make);
        listing.model.clone_from(&body.model);
        listing.photos.clone_from(&body.photos);
        listing.description.clone_from(&body.description);
        listing.videos = body.videos.iter().map(|v| v.link.clone()).collect();
        listing.categories = body.categories.iter().map(|c| c.uuid.clone()).collect();
        listing.condition = condition;
        listing.shipping_profile_id = body.shipping_profile_id.as_ref().map(Id::to_string);
        if body.publish != Some(true) {
            listing.state = SimState::Draft;
        }
        Ok(wire_listing(listing))
    }

    /// `PUT /listings/{id}` (§2.3): fields not sent stay as they are.
    pub(super) fn update(&mut self, id: u64, body: &ListingBody) -> Result<Listing, Refusal> {
        let title = body
            .title
            .as_deref()
            .map(|t| checked_title(Some(t)))
            .transpose()?;
        let price = body
            .price
            .as_ref()
            .map(|p| checked_price(Some(p)))
            .transpose()?;
        let listing = self.listings.get_mut(&id).ok_or_else(Refusal::not_found)?;
        if matches!(listing.state, SimState::Ended | SimState::Sold) && body.publish != Some(true) {
            return Err(Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "This listing has already ended",
            ));
        }
        // Checked before anything changes: a refused update changes nothing.
        let multi_unit = listing
            .condition
            .as_deref()
            .is_some_and(|c| MULTI_UNIT_CONDITIONS.contains(&c));
        if body.inventory.is_some_and(|n| n > 1) && !multi_unit {
            return Err(Refusal::field(
                "inventory",
                "can only be more than 1 for Brand New, B-Stock or Mint (with inventory) items",
            ));
        }
        if let Some(title) = title {
            listing.title = title;
        }
        if let Some((price, currency)) = price {
            listing.price = price;
            listing.currency = currency;
        }
        if let Some(inventory) = body.inventory {
            listing.inventory = inventory;
        }
        if !body.photos.is_empty() {
            listing.photos.clone_from(&body.photos);
        }
        if body.description.is_some() {
            listing.description.clone_from(&body.description);
        }
        if !body.videos.is_empty() {
            listing.videos = body.videos.iter().map(|v| v.link.clone()).collect();
        }
        if body.make.is_some() {
            listing.make.clone_from(&body.make);
        }
        if body.model.is_some() {
            listing.model.clone_from(&body.model);
        }
        if !body.categories.is_empty() {
            listing.categories = body.categories.iter().map(|c| c.uuid.clone()).collect();
        }
        if let Some(condition) = &body.condition {
            listing.condition = Some(condition.uuid.clone());
        }
        if body.publish == Some(true) && listing.state != SimState::Live {
            let missing = unpublishable(&Publishable {
                make: listing.make.as_deref(),
                model: listing.model.as_deref(),
                description: listing.description.as_deref(),
                categories: listing.categories.len(),
                condition: listing.condition.is_some(),
                photos: listing.photos.len(),
                shipping: listing.shipping_profile_id.is_some()
                    || body.shipping.as_ref().is_some_and(|s| !s.rates.is_empty()),
            });
            if !missing.is_empty() {
                return Err(Refusal::unpublishable(&missing));
            }
            listing.state = SimState::Live;
        }
        listing.revisions += 1;
        listing.revised_fields.push(sent_fields(body));
        Ok(wire_listing(listing))
    }

    /// `PUT /my/listings/{id}/state/end` (§2.3): ending twice is a 422.
    pub(super) fn end(&mut self, id: u64) -> Result<Listing, Refusal> {
        let listing = self.listings.get_mut(&id).ok_or_else(Refusal::not_found)?;
        if listing.state != SimState::Live {
            return Err(Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "This listing has already ended",
            ));
        }
        listing.state = SimState::Ended;
        Ok(wire_listing(listing))
    }

    pub(super) fn get(&self, id: u64) -> Result<Listing, Refusal> {
        self.listings
            .get(&id)
            .map(wire_listing)
            .ok_or_else(Refusal::not_found)
    }

    /// The listings `GET /my/listings` selects: by state (`all` for any)
    /// and SKU.
    pub(super) fn select(&self, state: &str, sku: Option<&str>) -> Vec<Listing> {
        self.listings
            .values()
            .filter(|l| state == "all" || l.state.slug() == state)
            .filter(|l| sku.is_none_or(|sku| l.sku.as_deref() == Some(sku)))
            .map(wire_listing)
            .collect()
    }

    /// Orders created at or after `since`, newest first (§2.5).
    pub(super) fn orders_since(&self, since: DateTime<Utc>) -> Vec<Order> {
        let mut orders: Vec<_> = self
            .orders
            .iter()
            .filter(|o| o.created_at >= since)
            .map(|o| self.wire_order(o))
            .collect();
        orders.reverse();
        orders
    }

    pub(super) fn wire_order(&self, order: &SimOrder) -> Order {
        let listing = self.listings.get(&order.listing_id);
        let unit = listing.map(|l| Amount {
            amount: l.price.to_string(),
            currency: l.currency.clone(),
        });
        let subtotal = listing.map(|l| Amount {
            amount: (l.price * Decimal::from(order.quantity)).to_string(),
            currency: l.currency.clone(),
        });
        let at = order.created_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        Order {
            order_number: Id::Text(order.order_number.to_string()),
            created_at: at.clone(),
            paid_at: Some(at),
            status: "paid".into(),
            product_id: Some(Id::Text(order.listing_id.to_string())),
            sku: listing.and_then(|l| l.sku.clone()),
            quantity: Some(order.quantity),
            amount_product: unit,
            amount_product_subtotal: subtotal,
        }
    }
}

/// A listing in the §2.2 shape.
fn wire_listing(listing: &SimListing) -> Listing {
    Listing {
        id: Id::Number(listing.id),
        sku: listing.sku.clone(),
        title: listing.title.clone(),
        price: Some(Amount {
            amount: listing.price.to_string(),
            currency: listing.currency.clone(),
        }),
        inventory: Some(listing.inventory),
        state: Some(StateField::Object {
            slug: listing.state.slug().into(),
        }),
        links: Links {
            web: Some(Href {
                href: format!("https://reverb.com/item/{}", listing.id),
            }),
            next: None,
        },
    }
}

fn checked_title(title: Option<&str>) -> Result<String, Refusal> {
    match title.map(str::trim) {
        None | Some("") => Err(Refusal::field("title", "can't be blank")),
        Some(t) => Ok(t.to_owned()),
    }
}

fn checked_price(price: Option<&Amount>) -> Result<(Decimal, String), Refusal> {
    let price = price.ok_or_else(|| Refusal::field("price", "can't be blank"))?;
    match Decimal::from_str(price.amount.trim()) {
        Ok(value) if value > Decimal::ZERO => Ok((value, price.currency.clone())),
        _ => Err(Refusal::field("price", "must be greater than 0")),
    }
}

/// The fields an update carried, by their JSON names.
fn sent_fields(body: &ListingBody) -> Vec<&'static str> {
    [
        ("make", body.make.is_some()),
        ("model", body.model.is_some()),
        ("title", body.title.is_some()),
        ("description", body.description.is_some()),
        ("categories", !body.categories.is_empty()),
        ("condition", body.condition.is_some()),
        ("price", body.price.is_some()),
        ("year", body.year.is_some()),
        ("finish", body.finish.is_some()),
        ("inventory", body.inventory.is_some()),
        ("shipping_profile_id", body.shipping_profile_id.is_some()),
        ("photos", !body.photos.is_empty()),
        ("videos", !body.videos.is_empty()),
    ]
    .into_iter()
    .filter_map(|(name, sent)| sent.then_some(name))
    .collect()
}
