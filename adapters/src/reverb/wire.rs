//! Reverb's JSON documents (REST with HAL links), as serde types.
//!
//! Shapes follow `docs/wire-formats.md` §2; the comment on each type names
//! the section and its source. Reverb's responses carry many more keys than
//! these, and serde ignores them. Where the section records two shapes for
//! one thing (a listing's `state` as an object or a bare string, a created
//! listing bare or under `listing`, ids as numbers or strings), both are
//! accepted. Both the client and the simulator use these types; the parsing
//! tests below read the documented examples.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An id Reverb sends as a number in some places and a string in others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Id {
    Number(u64),
    Text(String),
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(s) => f.write_str(s),
        }
    }
}

/// A money object: `amount` is a decimal string (§2.2, §2.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub amount: String,
    pub currency: String,
}

/// `{"uuid": "…"}` for categories and conditions (§2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UuidRef {
    pub uuid: String,
}

/// A HAL link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Href {
    pub href: String,
}

/// The `_links` Riff follows: a listing's public page, and a page's next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<Href>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Href>,
}

/// The body of `POST /listings` and `PUT /listings/{id}` (§2.2, §2.3;
/// reverb-api.com/docs/create-listings). Fields not sent are left unchanged
/// by an update.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<UuidRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<UuidRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_inventory: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<u32>,
    /// Sent as Riff stores it; Reverb's own ids are numeric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_profile_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    /// `[{"link": "https://www.youtube.com/watch?v=…"}]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<VideoLink>,
    /// Shipping rates given inline, where no profile is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    /// `true` makes the listing live; without it a create is a draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish: Option<bool>,
}

/// A video on a listing: a YouTube address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoLink {
    pub link: String,
}

/// Inline shipping: a rate per region (`{"rate": {"amount", "currency"},
/// "region_code": "GB"}`), and whether local pickup is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipping {
    #[serde(default)]
    pub rates: Vec<ShippingRate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRate {
    pub rate: Amount,
    pub region_code: String,
}

/// A listing's `state`: `{"slug": "live"}`, or in some responses the bare
/// string (§2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StateField {
    Object { slug: String },
    Slug(String),
}

impl StateField {
    pub fn slug(&self) -> &str {
        match self {
            Self::Object { slug } | Self::Slug(slug) => slug,
        }
    }
}

/// A listing object, trimmed to what Riff reads (§2.2 "Minimal listing
/// object").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub id: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateField>,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// What `POST /listings` returns: the listing, bare or under `listing`
/// (§2.2: the documentation does not say which; RIFF accepted both).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum CreatedListing {
    Wrapped { listing: Listing },
    Bare(Listing),
}

impl CreatedListing {
    pub fn into_listing(self) -> Listing {
        match self {
            Self::Wrapped { listing } | Self::Bare(listing) => listing,
        }
    }
}

/// `_embedded`, where some responses nest the list (§2.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Embedded {
    #[serde(default)]
    pub listings: Vec<Listing>,
}

/// A page of `GET /my/listings` (§2.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingsPage {
    #[serde(default)]
    pub total: u32,
    #[serde(default)]
    pub current_page: u32,
    #[serde(default)]
    pub total_pages: u32,
    #[serde(default)]
    pub listings: Vec<Listing>,
    #[serde(rename = "_embedded", default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<Embedded>,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

impl ListingsPage {
    /// The page's listings wherever the response put them.
    pub fn into_listings(self) -> Vec<Listing> {
        let mut listings = self.listings;
        listings.extend(self.embedded.map(|e| e.listings).unwrap_or_default());
        listings
    }
}

/// One order of `GET /my/orders/selling/all` (§2.5; retrieve-orders).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub order_number: Id,
    #[serde(default)]
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    #[serde(default)]
    pub status: String,
    /// The listing's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    /// The price of one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_product: Option<Amount>,
    /// Units × price, before shipping and tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_product_subtotal: Option<Amount>,
}

/// A page of orders (§2.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersPage {
    #[serde(default)]
    pub total: u32,
    #[serde(default)]
    pub current_page: u32,
    #[serde(default)]
    pub total_pages: u32,
    #[serde(default)]
    pub orders: Vec<Order>,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// `PUT /my/listings/{id}/state/end` (§2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndBody {
    pub reason: String,
}

/// An error body (§2.6; reverb-api.com/docs/error-handling): a summary,
/// and per-field messages for validation errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_reads_with_its_state_as_an_object_or_a_string() {
        let object: Listing = serde_json::from_str(
            r#"{"id": 93437484, "sku": "RIFF-10000123", "title": "Strat",
                "price": {"amount": "24999.00", "amount_cents": 2499900, "currency": "GBP"},
                "inventory": 1, "state": {"slug": "live", "description": "Live"},
                "_links": {"web": {"href": "https://reverb.com/item/93437484-strat"}}}"#,
        )
        .unwrap();
        assert_eq!(object.id.to_string(), "93437484");
        assert_eq!(object.state.unwrap().slug(), "live");
        assert_eq!(
            object.links.web.unwrap().href,
            "https://reverb.com/item/93437484-strat"
        );
        let bare: Listing =
            serde_json::from_str(r#"{"id": "7", "title": "x", "state": "ended"}"#).unwrap();
        assert_eq!(bare.state.unwrap().slug(), "ended");
    }

    #[test]
    fn a_created_listing_reads_bare_or_wrapped() {
        let bare: CreatedListing = serde_json::from_str(r#"{"id": 1, "title": "a"}"#).unwrap();
        let wrapped: CreatedListing =
            serde_json::from_str(r#"{"listing": {"id": 2, "title": "b"}}"#).unwrap();
        assert_eq!(bare.into_listing().id, Id::Number(1));
        assert_eq!(wrapped.into_listing().id, Id::Number(2));
    }

    #[test]
    fn a_page_finds_listings_at_the_top_or_embedded_and_its_next_link() {
        let page: ListingsPage = serde_json::from_str(
            r#"{"total": 512, "current_page": 1, "total_pages": 11,
                "_embedded": {"listings": [{"id": 1, "title": "a"}]},
                "_links": {"next": {"href": "https://api.reverb.com/api/my/listings?page=2"}}}"#,
        )
        .unwrap();
        assert!(page.links.next.is_some());
        assert_eq!(page.into_listings().len(), 1);
    }

    #[test]
    fn the_documented_order_example_reads() {
        let page: OrdersPage = serde_json::from_str(
            r#"{"total": 1, "current_page": 1, "total_pages": 1, "orders": [{
                "order_number": "2", "uuid": "0a6b2f3e",
                "created_at": "2017-11-08T18:38:29-05:00", "paid_at": "2017-11-08T18:40:02-05:00",
                "status": "paid", "product_id": "93437484", "sku": "RIFF-10000123",
                "quantity": 1,
                "amount_product": {"amount": "95.00", "amount_cents": 9500, "currency": "USD"},
                "amount_product_subtotal": {"amount": "95.00", "currency": "USD"},
                "total": {"amount": "103.00", "currency": "USD"}, "buyer_id": 1}]}"#,
        )
        .unwrap();
        assert_eq!(page.orders[0].product_id, Some(Id::Text("93437484".into())));
        assert_eq!(page.orders[0].status, "paid");
    }

    #[test]
    fn a_validation_error_reads_its_summary_and_fields() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"message": "This is the human readable summary of problems",
                "errors": {"password": ["is too short (minimum is 5 characters)"]}}"#,
        )
        .unwrap();
        assert_eq!(body.errors["password"].len(), 1);
    }
}
