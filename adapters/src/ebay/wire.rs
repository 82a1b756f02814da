//! The Trading API's XML documents, as serde types for quick-xml.
//!
//! Shapes follow `docs/wire-formats.md` §1, which gives eBay's own page for
//! each; the comment on each type names the section and the source. The types
//! carry only the fields Riff reads or writes. eBay's real responses carry
//! many more, and the deserialiser ignores elements it has no field for.
//!
//! Both the client and the simulator use these types, so a shape wrong on
//! both sides would go unnoticed by the socket tests; the parsing tests at
//! the bottom therefore read documents copied from eBay's documentation, and
//! the request tests check the element layout the documentation shows.
//!
//! Everything a response may omit is an `Option` or a defaulted `Vec`, and
//! numbers a parser cannot trust (prices, times) stay text until the client
//! reads them, so that a surprising document is a [`PortError::Protocol`],
//! never a panic.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use riff_domain::port::PortError;

/// Every request and response root carries this default namespace
/// (§1.1, using-xml.html).
pub const NAMESPACE: &str = "urn:ebay:apis:eBLBaseComponents";

fn namespace() -> String {
    NAMESPACE.to_owned()
}

/// Serialises `value` as a complete document with root element `root`.
///
/// # Errors
/// [`PortError::Protocol`] if serde refuses the value, which would be a bug
/// in these types.
pub fn to_xml<T: Serialize>(root: &str, value: &T) -> Result<String, PortError> {
    let body = quick_xml::se::to_string_with_root(root, value)
        .map_err(|e| PortError::Protocol(format!("could not write {root}: {e}")))?;
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{body}"
    ))
}

/// Reads a response (or, in the simulator, a request) document.
///
/// # Errors
/// [`PortError::Protocol`] for anything that is not well-formed XML of the
/// expected shape, truncated documents included.
pub fn from_xml<T: DeserializeOwned>(body: &str) -> Result<T, PortError> {
    quick_xml::de::from_str(body).map_err(|e| {
        let start: String = body.chars().take(200).collect();
        PortError::Protocol(format!("unreadable eBay XML ({e}): {start}"))
    })
}

/// eBay's time form, `2026-03-01T12:00:01.000Z`: UTC with milliseconds, as
/// every sample in §1 writes it.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The local name of a document's root element, so that the simulator can
/// check it against the call-name header (§1.1: a mismatch is error 2).
pub fn root_name(body: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(body);
    loop {
        match reader.read_event().ok()? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                return Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
            }
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
    }
}

/// An amount with its currency, such as `<StartPrice currencyID="GBP">`
/// (AmountType; §1.3). The value stays text until the client parses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    #[serde(rename = "@currencyID", default)]
    pub currency_id: String,
    #[serde(rename = "$text", default)]
    pub value: String,
}

/// One entry of a response's repeatable `Errors` (ErrorType; §1.2, from
/// developer.ebay.com ErrorType.html). A `Warning` ack carries these too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_message: Option<String>,
    /// A token, not a number: compared as text (§1.2).
    #[serde(default)]
    pub error_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_code: Option<String>,
    #[serde(default)]
    pub error_parameters: Vec<ErrorParameter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_classification: Option<String>,
}

/// `<ErrorParameters ParamID="1"><Value>…</Value></ErrorParameters>`; the
/// duplicate-UUID error 488 puts the existing ItemID in `ParamID="1"`
/// (§1.3, KB 74).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorParameter {
    #[serde(rename = "@ParamID", default)]
    pub param_id: String,
    #[serde(rename = "Value", default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// What every response starts with, whatever the call: the acknowledgement
/// and any errors or warnings.
pub trait Envelope {
    /// `Success`, `Warning`, `Failure`, `PartialFailure` or `CustomCode`
    /// (AckCodeType; §1.2).
    fn ack(&self) -> &str;
    fn errors(&self) -> &[ErrorType];
}

/// Declares a response type: the common envelope fields (§1.2) followed by
/// the call's own, and its [`Envelope`] impl. Written once so that every
/// response reads `Ack` and `Errors` the same way.
macro_rules! response {
    ($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name {
            #[serde(rename = "@xmlns", default = "namespace")]
            pub xmlns: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub timestamp: Option<String>,
            pub ack: String,
            #[serde(default)]
            pub errors: Vec<ErrorType>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub version: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub build: Option<String>,
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        /// An empty response in eBay's namespace, for the simulator to fill.
        impl Default for $name {
            fn default() -> Self {
                Self {
                    xmlns: namespace(),
                    timestamp: None,
                    ack: String::new(),
                    errors: Vec::new(),
                    version: None,
                    build: None,
                    $($field: Default::default(),)*
                }
            }
        }

        impl $name {
            /// The response with its acknowledgement and time filled in, as
            /// the simulator sends it.
            pub fn acknowledged(mut self, ack: &str, timestamp: String) -> Self {
                self.ack = ack.to_owned();
                self.timestamp = Some(timestamp);
                self.version = Some("1423".into());
                self
            }
        }

        impl Envelope for $name {
            fn ack(&self) -> &str {
                &self.ack
            }
            fn errors(&self) -> &[ErrorType] {
                &self.errors
            }
        }
    };
}

response! {
    /// A response with nothing but the envelope: what the simulator sends for
    /// every failure, under the call's own root element (a failure carries
    /// no call-specific fields; §1.2, KB 816).
    BareResponse {}
}

response! {
    /// AddFixedPriceItemResponse (§1.3; AddFixedPriceItemResponseType.html).
    AddFixedPriceItemResponse {
        #[serde(rename = "ItemID", default, skip_serializing_if = "Option::is_none")]
        item_id: Option<String>,
        #[serde(rename = "SKU", default, skip_serializing_if = "Option::is_none")]
        sku: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_time: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end_time: Option<String>,
    }
}

response! {
    /// ReviseFixedPriceItemResponse: the same fields as Add's (§1.4).
    ReviseFixedPriceItemResponse {
        #[serde(rename = "ItemID", default, skip_serializing_if = "Option::is_none")]
        item_id: Option<String>,
        #[serde(rename = "SKU", default, skip_serializing_if = "Option::is_none")]
        sku: Option<String>,
    }
}

response! {
    /// EndFixedPriceItemResponse (§1.5; EndFixedPriceItemResponseType.html).
    EndFixedPriceItemResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end_time: Option<String>,
        #[serde(rename = "SKU", default, skip_serializing_if = "Option::is_none")]
        sku: Option<String>,
    }
}

response! {
    /// GetItemResponse (§1.7; using-xml.html sample, KB 816).
    GetItemResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<Item>,
    }
}

response! {
    /// GetMyeBaySellingResponse (§1.6; my-ebay-selling.html,
    /// PaginatedItemArrayType.html, PaginatedOrderTransactionArrayType.html).
    GetMyeBaySellingResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        active_list: Option<PaginatedItemArray>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sold_list: Option<PaginatedOrderTransactionArray>,
    }
}

response! {
    /// GetOrdersResponse (§1.8; GetOrdersResponseType.html): one page of
    /// orders. `HasMoreOrders` says whether another page follows; the
    /// element order is that of a real 2021 response (§1.8).
    GetOrdersResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pagination_result: Option<PaginationResult>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        has_more_orders: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_array: Option<OrderArray>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        orders_per_page: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        page_number: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        returned_order_count_actual: Option<u32>,
    }
}

/// An item as responses describe it (ItemType, trimmed to what Riff reads;
/// §1.6 ActiveList sample and §1.7 GetItem).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Item {
    #[serde(rename = "ItemID", default)]
    pub item_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_it_now_price: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_details: Option<ListingDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_type: Option<String>,
    /// Units listed in all, sold ones included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    /// Units still for sale; GetMyeBaySelling sends it, GetItem does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_available: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selling_status: Option<SellingStatus>,
    #[serde(rename = "SKU", default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `ListingDetails` (§1.6, §1.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListingDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(
        rename = "ViewItemURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub view_item_url: Option<String>,
}

/// `SellingStatus` (§1.6, §1.7). `ListingStatus` is `Active`, `Completed` or
/// `Ended` (ListingStatusCodeType; only `Active` and `Ended` confirmed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SellingStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_price: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_sold: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_status: Option<String>,
}

/// `ActiveList` (PaginatedItemArrayType; §1.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PaginatedItemArray {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_array: Option<ItemArray>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination_result: Option<PaginationResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemArray {
    #[serde(default)]
    pub item: Vec<Item>,
}

/// `PaginationResult` (PaginationResultType; §1.6). Paging runs from page 1
/// to `TotalNumberOfPages`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PaginationResult {
    #[serde(default)]
    pub total_number_of_pages: u32,
    #[serde(default)]
    pub total_number_of_entries: u32,
}

/// `SoldList` (PaginatedOrderTransactionArrayType; §1.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PaginatedOrderTransactionArray {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_transaction_array: Option<OrderTransactionArray>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination_result: Option<PaginationResult>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderTransactionArray {
    #[serde(default)]
    pub order_transaction: Vec<OrderTransaction>,
}

/// One sold entry: either a single `Transaction` or a combined `Order`
/// holding several (OrderTransactionType; §1.6, KB 378).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderTransaction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<Transaction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
}

/// `OrderArray` of GetOrders (OrderArrayType; §1.8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrderArray {
    #[serde(default)]
    pub order: Vec<Order>,
}

/// An order (OrderType): a combined order in SoldList, every order in
/// GetOrders, which adds its status and times (§1.8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Order {
    #[serde(rename = "OrderID", default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// `Active` (not paid yet), `Completed` (paid), `Shipped`,
    /// `CancelPending`, `Cancelled`, … (OrderStatusCodeType).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_array: Option<TransactionArray>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_time: Option<String>,
    /// The order id in the format eBay moved to in 2019; GetOrders sends
    /// both, and the same value in each line.
    #[serde(
        rename = "ExtendedOrderID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub extended_order_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransactionArray {
    #[serde(default)]
    pub transaction: Vec<Transaction>,
}

/// One order line (TransactionType; §1.6 SoldList sample).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Transaction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer: Option<Buyer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_purchased: Option<u32>,
    #[serde(
        rename = "TransactionID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_id: Option<String>,
    /// GetOrders' price of one unit of the line, before shipping and tax
    /// (TransactionType: "consider this value the per-unit price").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_price: Option<Amount>,
    /// The variation bought, for a listing with variations; its SKU is the
    /// one the seller gave that variation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variation: Option<Variation>,
    #[serde(
        rename = "OrderLineItemID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub order_line_item_id: Option<String>,
    /// When the buyer committed to buy. Not in the §1.6 sample, which shows
    /// only `PaidTime`; read when present, as the truer sale time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_price: Option<Amount>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variation {
    #[serde(rename = "SKU", default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    #[serde(rename = "UserID", default)]
    pub user_id: String,
}

/// AddFixedPriceItemRequest (§1.3; AddFixedPriceItem.html, UUID from KB 74
/// and UUIDType.html).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddFixedPriceItemRequest {
    #[serde(rename = "@xmlns", default = "namespace")]
    pub xmlns: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_level: Option<String>,
    pub item: ItemToList,
}

/// ReviseFixedPriceItemRequest (§1.4; ReviseFixedPriceItem.html): the item's
/// `ItemID` plus the fields that change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReviseFixedPriceItemRequest {
    #[serde(rename = "@xmlns", default = "namespace")]
    pub xmlns: String,
    pub item: ItemToList,
}

/// The `Item` of an Add or Revise request, in the element order of the §1.3
/// sample. Every field is optional because a revise sends only some.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemToList {
    #[serde(rename = "ItemID", default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// 32 characters of 0-9 and A-F: Riff's listing id without dashes.
    #[serde(rename = "UUID", default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// HTML as text. The §1.3 sample wraps it in CDATA; escaping it, as
    /// quick-xml does, is the same document to any XML reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_category: Option<Category>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_price: Option<Amount>,
    #[serde(
        rename = "ConditionID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub condition_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    #[serde(rename = "SKU", default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch_time_max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture_details: Option<PictureDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_specifics: Option<ItemSpecifics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_profiles: Option<SellerProfiles>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    #[serde(rename = "CategoryID", default)]
    pub category_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureDetails {
    #[serde(rename = "PictureURL", default)]
    pub picture_url: Vec<String>,
}

/// `ItemSpecifics/NameValueList`: one `Name`, one or more `Value` (§1.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSpecifics {
    #[serde(rename = "NameValueList", default)]
    pub name_value_list: Vec<NameValueList>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameValueList {
    pub name: String,
    #[serde(default)]
    pub value: Vec<String>,
}

/// Business-policy ids (§1.3 `SellerProfiles`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SellerProfiles {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_shipping_profile: Option<ShippingProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_return_profile: Option<ReturnProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_payment_profile: Option<PaymentProfile>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingProfile {
    #[serde(rename = "ShippingProfileID")]
    pub id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnProfile {
    #[serde(rename = "ReturnProfileID")]
    pub id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentProfile {
    #[serde(rename = "PaymentProfileID")]
    pub id: String,
}

/// EndFixedPriceItemRequest (§1.5; EndReasonCodeType values listed there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndFixedPriceItemRequest {
    #[serde(rename = "@xmlns", default = "namespace")]
    pub xmlns: String,
    #[serde(rename = "ItemID", default)]
    pub item_id: String,
    #[serde(default)]
    pub ending_reason: String,
}

/// GetItemRequest (§1.7; using-xml.html sample).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetItemRequest {
    #[serde(rename = "@xmlns", default = "namespace")]
    pub xmlns: String,
    #[serde(rename = "ItemID", default)]
    pub item_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_level: Option<String>,
}

/// GetMyeBaySellingRequest (§1.6; GetMyeBaySellingRequestType.html,
/// ItemListCustomizationType.html).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMyeBaySellingRequest {
    #[serde(rename = "@xmlns", default = "namespace")]
    pub xmlns: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_list: Option<ListCustomization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sold_list: Option<ListCustomization>,
}

impl GetMyeBaySellingRequest {
    /// Page `page_number` of the ActiveList, `entries_per_page` to a page,
    /// every listing's details in full, ending soonest first: how Riff
    /// reads its live listings.
    pub fn active_list(entries_per_page: u32, page_number: u32) -> Self {
        Self {
            xmlns: NAMESPACE.to_owned(),
            detail_level: Some("ReturnAll".into()),
            active_list: Some(ListCustomization {
                include: true,
                sort: Some("TimeLeft".into()),
                duration_in_days: None,
                pagination: Some(Pagination {
                    entries_per_page,
                    page_number,
                }),
            }),
            sold_list: None,
        }
    }
}

/// GetOrdersRequest (§1.8; GetOrdersRequestType.html), fields in the
/// schema's order. Unless orders are named by id, exactly one time filter
/// is required: `CreateTimeFrom`/`To` (orders created in the window), or
/// `ModTimeFrom`/`To` (orders changed in it, creation included), or
/// `NumberOfDays`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetOrdersRequest {
    #[serde(rename = "@xmlns", default = "namespace")]
    pub xmlns: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time_to: Option<String>,
    /// `Seller` for the orders of the shop's own listings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_role: Option<String>,
    /// `All` (the default), `Active`, `Completed`, `Cancelled`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_status: Option<String>,
    /// `EntriesPerPage` at most 100 for GetOrders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mod_time_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mod_time_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_days: Option<u32>,
}

impl GetOrdersRequest {
    /// Page `page_number` of the shop's orders, of every status, changed
    /// between the timestamps `from` and `to`, `entries_per_page` to a
    /// page: how Riff reads its sales.
    pub fn changed_between(
        (from, to): (String, String),
        entries_per_page: u32,
        page_number: u32,
    ) -> Self {
        Self {
            xmlns: NAMESPACE.to_owned(),
            detail_level: Some("ReturnAll".into()),
            order_role: Some("Seller".into()),
            order_status: Some("All".into()),
            pagination: Some(Pagination {
                entries_per_page,
                page_number,
            }),
            mod_time_from: Some(from),
            mod_time_to: Some(to),
            ..Self::default()
        }
    }
}

/// ItemListCustomizationType: which list, how sorted, which page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListCustomization {
    #[serde(default)]
    pub include: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// 0–60; SoldList and UnsoldList only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_in_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

/// PaginationType: `EntriesPerPage` at most 200, `PageNumber` from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pagination {
    pub entries_per_page: u32,
    pub page_number: u32,
}

/// The OAuth token endpoint's answer to a refresh-token grant (§1.10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: u64,
    #[serde(default)]
    pub token_type: String,
}

/// The OAuth token endpoint's error body (§1.10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenError {
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §1.3 success response, Fees included, to show unknown nesting is skipped.
    const ADD_SUCCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<AddFixedPriceItemResponse xmlns="urn:ebay:apis:eBLBaseComponents">
  <Timestamp>2026-03-01T12:00:01.000Z</Timestamp>
  <Ack>Success</Ack>
  <Version>1423</Version>
  <Build>E1423_CORE_APILW_1_R1</Build>
  <ItemID>110551234567</ItemID>
  <SKU>RIFF-10000123</SKU>
  <StartTime>2026-03-01T12:00:01.000Z</StartTime>
  <EndTime>2026-03-31T12:00:01.000Z</EndTime>
  <Fees>
    <Fee><Name>InsertionFee</Name><Fee currencyID="GBP">0.0</Fee></Fee>
    <Fee><Name>ListingFee</Name><Fee currencyID="GBP">0.0</Fee></Fee>
  </Fees>
  <CategoryID>33034</CategoryID>
</AddFixedPriceItemResponse>"#;

    /// §1.2: a Warning ack with two Errors of severity Warning and an ItemID
    /// (pastebin NWuVdh8V, trimmed).
    const ADD_WARNING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<AddFixedPriceItemResponse xmlns="urn:ebay:apis:eBLBaseComponents">
  <Timestamp>2026-03-01T12:00:01.000Z</Timestamp>
  <Ack>Warning</Ack>
  <Errors>
    <ShortMessage>Condition is not applicable.</ShortMessage>
    <LongMessage>Condition is not applicable for this category. The condition value submitted has been dropped.</LongMessage>
    <ErrorCode>21916711</ErrorCode>
    <SeverityCode>Warning</SeverityCode>
    <ErrorClassification>RequestError</ErrorClassification>
  </Errors>
  <Errors>
    <ShortMessage>Return policy details ignored.</ShortMessage>
    <LongMessage>Return policy details were ignored.</LongMessage>
    <ErrorCode>21919158</ErrorCode>
    <SeverityCode>Warning</SeverityCode>
    <ErrorClassification>RequestError</ErrorClassification>
  </Errors>
  <Version>1423</Version>
  <Build>E1423_CORE_APILW_1_R1</Build>
  <ItemID>110551234567</ItemID>
</AddFixedPriceItemResponse>"#;

    /// §1.2: the KB 816 failure body, error 291.
    const REVISE_FAILURE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ReviseFixedPriceItemResponse xmlns="urn:ebay:apis:eBLBaseComponents">
  <Timestamp>2026-03-01T12:00:00.123Z</Timestamp>
  <Ack>Failure</Ack>
  <Errors>
    <ShortMessage>Auction ended.</ShortMessage>
    <LongMessage>You are not allowed to revise ended auctions.</LongMessage>
    <ErrorCode>291</ErrorCode>
    <SeverityCode>Error</SeverityCode>
    <ErrorClassification>RequestError</ErrorClassification>
  </Errors>
  <Version>1423</Version>
  <Build>E1423_CORE_API_12345_R1</Build>
</ReviseFixedPriceItemResponse>"#;

    /// §1.3: duplicate UUID, KB 74.
    const ADD_DUPLICATE_UUID: &str = r#"<AddFixedPriceItemResponse xmlns="urn:ebay:apis:eBLBaseComponents">
<Ack>Failure</Ack>
<Errors>
  <ShortMessage>Duplicate UUID used.</ShortMessage>
  <LongMessage>The specified UUID has already been used; ListedByRequestAppId=1, item ID=4503632367.</LongMessage>
  <ErrorCode>488</ErrorCode>
  <SeverityCode>Error</SeverityCode>
  <ErrorParameters ParamID="0"><Value>1</Value></ErrorParameters>
  <ErrorParameters ParamID="1"><Value>4503632367</Value></ErrorParameters>
  <ErrorClassification>RequestError</ErrorClassification>
</Errors>
</AddFixedPriceItemResponse>"#;

    /// §1.6 response sample: an active item and both kinds of sold entry.
    const MY_EBAY_SELLING: &str = r#"<GetMyeBaySellingResponse xmlns="urn:ebay:apis:eBLBaseComponents">
  <Timestamp>2026-03-02T09:00:00.000Z</Timestamp><Ack>Success</Ack>
  <ActiveList>
    <ItemArray>
      <Item>
        <ItemID>110551234567</ItemID>
        <BuyItNowPrice currencyID="GBP">24999.0</BuyItNowPrice>
        <ListingDetails>
          <StartTime>2026-03-01T12:00:01.000Z</StartTime>
          <ViewItemURL>https://www.ebay.co.uk/itm/110551234567</ViewItemURL>
        </ListingDetails>
        <ListingType>FixedPriceItem</ListingType>
        <Quantity>1</Quantity>
        <QuantityAvailable>1</QuantityAvailable>
        <SellingStatus>
          <CurrentPrice currencyID="GBP">24999.0</CurrentPrice>
          <QuantitySold>0</QuantitySold>
        </SellingStatus>
        <SKU>RIFF-10000123</SKU>
        <Title>1962 Fender Stratocaster Sunburst Rosewood</Title>
        <TimeLeft>P29DT23H59M</TimeLeft>
        <WatchCount>4</WatchCount>
        <PictureDetails><GalleryURL>https://i.ebayimg.com/x</GalleryURL></PictureDetails>
      </Item>
    </ItemArray>
    <PaginationResult>
      <TotalNumberOfPages>3</TotalNumberOfPages>
      <TotalNumberOfEntries>512</TotalNumberOfEntries>
    </PaginationResult>
  </ActiveList>
  <SoldList>
    <OrderTransactionArray>
      <OrderTransaction>
        <Transaction>
          <Buyer><UserID>buyer_123</UserID></Buyer>
          <Item>
            <ItemID>110551234568</ItemID><SKU>RIFF-10000124</SKU><Title>Amp</Title>
            <SellingStatus><CurrentPrice currencyID="GBP">1200.0</CurrentPrice></SellingStatus>
          </Item>
          <QuantityPurchased>1</QuantityPurchased>
          <TransactionID>2812345678001</TransactionID>
          <OrderLineItemID>110551234568-2812345678001</OrderLineItemID>
          <PaidTime>2026-03-01T18:00:00.000Z</PaidTime>
          <TotalPrice currencyID="GBP">1200.0</TotalPrice>
        </Transaction>
      </OrderTransaction>
      <OrderTransaction>
        <Order>
          <OrderID>01-12345-67890</OrderID>
          <TransactionArray><Transaction>
            <Item><ItemID>110551234569</ItemID><Title>Pedal</Title></Item>
            <QuantityPurchased>2</QuantityPurchased>
            <OrderLineItemID>110551234569-2812345678002</OrderLineItemID>
          </Transaction></TransactionArray>
        </Order>
      </OrderTransaction>
    </OrderTransactionArray>
    <PaginationResult><TotalNumberOfPages>1</TotalNumberOfPages><TotalNumberOfEntries>2</TotalNumberOfEntries></PaginationResult>
  </SoldList>
</GetMyeBaySellingResponse>"#;

    /// §1.8: a GetOrders page in the element order of a real response
    /// (skuvault-integrations/ebayAccess test fixture, 2021, trimmed of
    /// shipping, tax and buyer details), with a second order for a
    /// variation and a `HasMoreOrders` of true.
    const GET_ORDERS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<GetOrdersResponse xmlns="urn:ebay:apis:eBLBaseComponents">
  <Timestamp>2026-03-02T09:00:00.501Z</Timestamp>
  <Ack>Success</Ack>
  <Version>1423</Version>
  <Build>E1423_CORE_APIXO_19220561_R1</Build>
  <PaginationResult><TotalNumberOfPages>2</TotalNumberOfPages><TotalNumberOfEntries>3</TotalNumberOfEntries></PaginationResult>
  <HasMoreOrders>true</HasMoreOrders>
  <OrderArray>
    <Order>
      <OrderID>12-07431-77381</OrderID>
      <OrderStatus>Completed</OrderStatus>
      <AdjustmentAmount currencyID="GBP">0.0</AdjustmentAmount>
      <AmountPaid currencyID="GBP">1200.0</AmountPaid>
      <CheckoutStatus><eBayPaymentStatus>NoPaymentFailure</eBayPaymentStatus><LastModifiedTime>2026-03-01T18:05:10.000Z</LastModifiedTime><Status>Complete</Status></CheckoutStatus>
      <CreatedTime>2026-03-01T18:00:00.000Z</CreatedTime>
      <Subtotal currencyID="GBP">1200.0</Subtotal>
      <Total currencyID="GBP">1200.0</Total>
      <TransactionArray>
        <Transaction>
          <Buyer><Email>buyer@example.com</Email></Buyer>
          <CreatedDate>2026-03-01T18:00:00.000Z</CreatedDate>
          <Item><ItemID>110551234568</ItemID><Site>UK</Site><Title>Amp</Title><SKU>RIFF-10000124</SKU></Item>
          <QuantityPurchased>1</QuantityPurchased>
          <Status><PaymentHoldStatus>None</PaymentHoldStatus></Status>
          <TransactionID>2812345678001</TransactionID>
          <TransactionPrice currencyID="GBP">1200.0</TransactionPrice>
          <OrderLineItemID>110551234568-2812345678001</OrderLineItemID>
          <ExtendedOrderID>12-07431-77381</ExtendedOrderID>
        </Transaction>
      </TransactionArray>
      <BuyerUserID>buyer_123</BuyerUserID>
      <PaidTime>2026-03-01T18:00:01.000Z</PaidTime>
      <CancelStatus>NotApplicable</CancelStatus>
      <ExtendedOrderID>12-07431-77381</ExtendedOrderID>
    </Order>
    <Order>
      <OrderID>12-07431-77382</OrderID>
      <OrderStatus>Active</OrderStatus>
      <CreatedTime>2026-03-01T19:00:00.000Z</CreatedTime>
      <TransactionArray>
        <Transaction>
          <CreatedDate>2026-03-01T19:00:00.000Z</CreatedDate>
          <Item><ItemID>110551234569</ItemID><Title>Strings</Title></Item>
          <QuantityPurchased>3</QuantityPurchased>
          <TransactionID>2812345678002</TransactionID>
          <TransactionPrice currencyID="GBP">8.5</TransactionPrice>
          <Variation><SKU>RIFF-10000125-10</SKU><VariationTitle>Strings[10s]</VariationTitle></Variation>
          <OrderLineItemID>110551234569-2812345678002</OrderLineItemID>
        </Transaction>
      </TransactionArray>
    </Order>
  </OrderArray>
  <OrdersPerPage>2</OrdersPerPage>
  <PageNumber>1</PageNumber>
  <ReturnedOrderCountActual>2</ReturnedOrderCountActual>
</GetOrdersResponse>"#;

    #[test]
    fn a_get_orders_page_reads_its_orders_lines_and_whether_more_follow() {
        let r: GetOrdersResponse = from_xml(GET_ORDERS).unwrap();
        assert_eq!(r.ack(), "Success");
        assert_eq!(r.has_more_orders, Some(true));
        assert_eq!(r.page_number, Some(1));
        assert_eq!(r.pagination_result.unwrap().total_number_of_pages, 2);
        let orders = r.order_array.unwrap().order;
        assert_eq!(orders.len(), 2);
        let paid = &orders[0];
        assert_eq!(paid.order_id.as_deref(), Some("12-07431-77381"));
        assert_eq!(paid.extended_order_id.as_deref(), Some("12-07431-77381"));
        assert_eq!(paid.order_status.as_deref(), Some("Completed"));
        assert_eq!(paid.paid_time.as_deref(), Some("2026-03-01T18:00:01.000Z"));
        let line = &paid.transaction_array.as_ref().unwrap().transaction[0];
        assert_eq!(
            line.order_line_item_id.as_deref(),
            Some("110551234568-2812345678001")
        );
        assert_eq!(
            line.item.as_ref().unwrap().sku.as_deref(),
            Some("RIFF-10000124")
        );
        assert_eq!(
            line.transaction_price,
            Some(Amount {
                currency_id: "GBP".into(),
                value: "1200.0".into()
            })
        );
        let unpaid = &orders[1].transaction_array.as_ref().unwrap().transaction[0];
        assert_eq!(unpaid.quantity_purchased, Some(3));
        assert_eq!(
            unpaid.variation.as_ref().unwrap().sku.as_deref(),
            Some("RIFF-10000125-10")
        );
    }

    #[test]
    fn a_get_orders_warning_keeps_its_orders_and_a_failure_carries_no_orders() {
        let warning = GET_ORDERS.replace(
            "<Ack>Success</Ack>",
            "<Ack>Warning</Ack><Errors><ShortMessage>Deprecated field.</ShortMessage>\
             <LongMessage>A field in the request is deprecated.</LongMessage>\
             <ErrorCode>21926</ErrorCode><SeverityCode>Warning</SeverityCode>\
             <ErrorClassification>RequestError</ErrorClassification></Errors>",
        );
        let r: GetOrdersResponse = from_xml(&warning).unwrap();
        assert_eq!(r.ack(), "Warning");
        assert_eq!(r.errors()[0].severity_code.as_deref(), Some("Warning"));
        assert_eq!(r.order_array.unwrap().order.len(), 2);

        let r: GetOrdersResponse = from_xml(
            r#"<GetOrdersResponse xmlns="urn:ebay:apis:eBLBaseComponents">
               <Timestamp>2026-03-02T09:00:00.000Z</Timestamp><Ack>Failure</Ack>
               <Errors><ShortMessage>Input data is invalid.</ShortMessage>
               <LongMessage>Input data for tag &lt;ModTimeTo&gt; is invalid or missing.</LongMessage>
               <ErrorCode>37</ErrorCode><SeverityCode>Error</SeverityCode>
               <ErrorClassification>RequestError</ErrorClassification></Errors>
               <Version>1423</Version></GetOrdersResponse>"#,
        )
        .unwrap();
        assert_eq!(r.ack(), "Failure");
        assert_eq!(r.errors()[0].error_code, "37");
        assert_eq!(r.order_array, None);
        assert_eq!(r.has_more_orders, None);
    }

    #[test]
    fn a_truncated_or_malformed_get_orders_page_is_a_protocol_error() {
        let cut = &GET_ORDERS[..GET_ORDERS.len() * 2 / 3];
        let bad_flag = GET_ORDERS.replace(
            "<HasMoreOrders>true</HasMoreOrders>",
            "<HasMoreOrders>perhaps</HasMoreOrders>",
        );
        let bad_quantity = GET_ORDERS.replace(
            "<QuantityPurchased>3</QuantityPurchased>",
            "<QuantityPurchased>-3</QuantityPurchased>",
        );
        for body in [
            cut,
            &bad_flag,
            &bad_quantity,
            "<GetOrdersResponse><OrderArray>",
        ] {
            let result = from_xml::<GetOrdersResponse>(body);
            assert!(
                matches!(result, Err(PortError::Protocol(_))),
                "{body:?} gave {result:?}"
            );
        }
    }

    #[test]
    fn a_get_orders_request_is_written_in_the_schemas_order() {
        let window = (
            "2026-02-23T00:00:00.000Z".to_owned(),
            "2026-03-02T00:00:00.000Z".to_owned(),
        );
        let request = GetOrdersRequest::changed_between(window, 100, 1);
        let xml = to_xml("GetOrdersRequest", &request).unwrap();
        assert!(
            xml.contains(
                r#"<GetOrdersRequest xmlns="urn:ebay:apis:eBLBaseComponents"><DetailLevel>ReturnAll</DetailLevel><OrderRole>Seller</OrderRole><OrderStatus>All</OrderStatus><Pagination><EntriesPerPage>100</EntriesPerPage><PageNumber>1</PageNumber></Pagination><ModTimeFrom>2026-02-23T00:00:00.000Z</ModTimeFrom><ModTimeTo>2026-03-02T00:00:00.000Z</ModTimeTo></GetOrdersRequest>"#
            ),
            "{xml}"
        );
        assert_eq!(from_xml::<GetOrdersRequest>(&xml).unwrap(), request);
    }

    #[test]
    fn a_success_response_reads_its_item_id_and_skips_fees() {
        let r: AddFixedPriceItemResponse = from_xml(ADD_SUCCESS).unwrap();
        assert_eq!(r.ack(), "Success");
        assert!(r.errors().is_empty());
        assert_eq!(r.item_id.as_deref(), Some("110551234567"));
        assert_eq!(r.sku.as_deref(), Some("RIFF-10000123"));
    }

    #[test]
    fn a_warning_response_keeps_both_warnings_and_the_item_id() {
        let r: AddFixedPriceItemResponse = from_xml(ADD_WARNING).unwrap();
        assert_eq!(r.ack(), "Warning");
        let codes: Vec<_> = r.errors().iter().map(|e| e.error_code.as_str()).collect();
        assert_eq!(codes, ["21916711", "21919158"]);
        assert_eq!(r.errors()[0].severity_code.as_deref(), Some("Warning"));
        assert_eq!(r.item_id.as_deref(), Some("110551234567"));
    }

    #[test]
    fn a_failure_response_reads_its_error_code_and_message() {
        let r: ReviseFixedPriceItemResponse = from_xml(REVISE_FAILURE).unwrap();
        assert_eq!(r.ack(), "Failure");
        assert_eq!(r.errors().len(), 1);
        assert_eq!(r.errors()[0].error_code, "291");
        assert_eq!(
            r.errors()[0].long_message.as_deref(),
            Some("You are not allowed to revise ended auctions.")
        );
    }

    #[test]
    fn a_duplicate_uuid_failure_carries_the_existing_item_id_as_parameter_one() {
        let r: AddFixedPriceItemResponse = from_xml(ADD_DUPLICATE_UUID).unwrap();
        let params = &r.errors()[0].error_parameters;
        assert_eq!(params.len(), 2);
        assert_eq!(params[1].param_id, "1");
        assert_eq!(params[1].value.as_deref(), Some("4503632367"));
    }

    #[test]
    fn my_ebay_selling_reads_active_items_and_both_shapes_of_sold_entry() {
        let r: GetMyeBaySellingResponse = from_xml(MY_EBAY_SELLING).unwrap();
        let active = r.active_list.unwrap();
        let items = active.item_array.unwrap().item;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].quantity_available, Some(1));
        assert_eq!(
            items[0].selling_status.as_ref().unwrap().current_price,
            Some(Amount {
                currency_id: "GBP".into(),
                value: "24999.0".into()
            })
        );
        assert_eq!(active.pagination_result.unwrap().total_number_of_pages, 3);
        let sold = r.sold_list.unwrap().order_transaction_array.unwrap();
        assert_eq!(sold.order_transaction.len(), 2);
        let single = sold.order_transaction[0].transaction.as_ref().unwrap();
        assert_eq!(single.buyer.as_ref().unwrap().user_id, "buyer_123");
        let order = sold.order_transaction[1].order.as_ref().unwrap();
        assert_eq!(
            order.transaction_array.as_ref().unwrap().transaction.len(),
            1
        );
    }

    #[test]
    fn an_empty_active_list_reads_as_no_items() {
        let r: GetMyeBaySellingResponse = from_xml(
            r#"<GetMyeBaySellingResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>Success</Ack>
               <ActiveList><ItemArray/><PaginationResult><TotalNumberOfPages>0</TotalNumberOfPages>
               <TotalNumberOfEntries>0</TotalNumberOfEntries></PaginationResult></ActiveList>
               </GetMyeBaySellingResponse>"#,
        )
        .unwrap();
        let items = r.active_list.unwrap().item_array.unwrap_or_default().item;
        assert!(items.is_empty());
    }

    #[test]
    fn malformed_truncated_and_foreign_documents_are_protocol_errors() {
        let cut = &ADD_SUCCESS[..ADD_SUCCESS.len() / 2];
        for body in [
            "",
            "not xml at all",
            "<AddFixedPriceItemResponse><Ack>Success</Ack>",
            "<AddFixedPriceItemResponse><Ack>Success</Wrong></AddFixedPriceItemResponse>",
            "<html><body>502 Bad Gateway</body></html>",
            cut,
        ] {
            let result = from_xml::<AddFixedPriceItemResponse>(body);
            assert!(
                matches!(result, Err(PortError::Protocol(_))),
                "{body:?} gave {result:?}"
            );
        }
    }

    #[test]
    fn a_non_numeric_quantity_is_a_protocol_error_not_a_panic() {
        let body = r#"<GetItemResponse><Ack>Success</Ack><Item><ItemID>1</ItemID>
                      <Quantity>lots</Quantity></Item></GetItemResponse>"#;
        assert!(matches!(
            from_xml::<GetItemResponse>(body),
            Err(PortError::Protocol(_))
        ));
    }

    #[test]
    fn an_add_request_is_written_in_the_documented_layout() {
        let request = AddFixedPriceItemRequest {
            xmlns: namespace(),
            error_language: Some("en_GB".into()),
            warning_level: Some("High".into()),
            item: ItemToList {
                uuid: Some("9CEBD9A6825644EC8D06C436D6CF494B".into()),
                title: Some("Strat".into()),
                description: Some("<p>Original</p>".into()),
                start_price: Some(Amount {
                    currency_id: "GBP".into(),
                    value: "24999.00".into(),
                }),
                quantity: Some(1),
                picture_details: Some(PictureDetails {
                    picture_url: vec!["https://a/1.jpg".into(), "https://a/2.jpg".into()],
                }),
                item_specifics: Some(ItemSpecifics {
                    name_value_list: vec![NameValueList {
                        name: "Brand".into(),
                        value: vec!["Fender".into()],
                    }],
                }),
                ..ItemToList::default()
            },
        };
        let xml = to_xml("AddFixedPriceItemRequest", &request).unwrap();
        for expected in [
            r#"<AddFixedPriceItemRequest xmlns="urn:ebay:apis:eBLBaseComponents">"#,
            "<ErrorLanguage>en_GB</ErrorLanguage><WarningLevel>High</WarningLevel><Item>",
            "<UUID>9CEBD9A6825644EC8D06C436D6CF494B</UUID><Title>Strat</Title>",
            "<Description>&lt;p&gt;Original&lt;/p&gt;</Description>",
            r#"<StartPrice currencyID="GBP">24999.00</StartPrice><Quantity>1</Quantity>"#,
            "<PictureDetails><PictureURL>https://a/1.jpg</PictureURL><PictureURL>https://a/2.jpg</PictureURL></PictureDetails>",
            "<ItemSpecifics><NameValueList><Name>Brand</Name><Value>Fender</Value></NameValueList></ItemSpecifics>",
        ] {
            assert!(xml.contains(expected), "{expected} not in {xml}");
        }
        assert_eq!(root_name(&xml).as_deref(), Some("AddFixedPriceItemRequest"));
        let back: AddFixedPriceItemRequest = from_xml(&xml).unwrap();
        assert_eq!(back, request);
    }

    #[test]
    fn a_my_ebay_selling_request_asks_for_one_page_of_one_list() {
        let request = GetMyeBaySellingRequest::active_list(200, 2);
        let xml = to_xml("GetMyeBaySellingRequest", &request).unwrap();
        assert!(xml.contains(
            "<ActiveList><Include>true</Include><Sort>TimeLeft</Sort><Pagination>\
             <EntriesPerPage>200</EntriesPerPage><PageNumber>2</PageNumber></Pagination></ActiveList>"
        ), "{xml}");
        assert!(!xml.contains("SoldList"));
    }
}
