//! The simulator's in-memory eBay: listings, sales, UUIDs seen, tokens.
//!
//! Each Trading call is a method here that takes the parsed request and
//! returns the response body or the `Errors` eBay would send, with the codes
//! of `docs/wire-formats.md` §1.9. The HTTP layer (`server.rs`) only parses,
//! checks headers and faults, and dispatches.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

use super::super::error::code;
use super::super::wire::{
    AddFixedPriceItemResponse, Amount, Buyer, EndFixedPriceItemResponse, ErrorParameter, ErrorType,
    GetItemResponse, GetMyeBaySellingResponse, GetOrdersRequest, GetOrdersResponse, Item,
    ItemArray, ItemToList, ListCustomization, ListingDetails, Order, OrderArray, OrderTransaction,
    OrderTransactionArray, PaginatedItemArray, PaginatedOrderTransactionArray, Pagination,
    PaginationResult, ReviseFixedPriceItemResponse, SellingStatus, Transaction, TransactionArray,
};

/// An eBay error for the response's `Errors`; boxed, as it is large and
/// travels through every call's `Result`.
pub(super) type Refusal = Box<ErrorType>;

/// The first ItemID the simulator hands out; eBay's are twelve digits.
const FIRST_ITEM_ID: u64 = 110_000_000_001;

/// GetOrders keeps orders this long (GetOrdersRequestType).
const ORDER_AGE_DAYS: i64 = 90;

/// The widest ModTime window GetOrders accepts (§1.8).
const MOD_WINDOW_DAYS: i64 = 30;

/// Where a simulated listing stands (ListingStatusCodeType).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimStatus {
    Active,
    /// Ended by the seller (or by Riff).
    Ended,
    /// Every unit sold.
    Completed,
}

impl SimStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Ended => "Ended",
            Self::Completed => "Completed",
        }
    }
}

/// One listing as the simulated eBay holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimListing {
    pub item_id: String,
    pub sku: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub price: Decimal,
    pub currency: String,
    /// Units listed in all, sold ones included (eBay's `Quantity`).
    pub quantity: u32,
    pub quantity_sold: u32,
    pub status: SimStatus,
    pub picture_urls: Vec<String>,
    /// What the listing was put up with, as eBay records it: its category
    /// (`PrimaryCategory`), `ConditionID`, item specifics, where the item
    /// is, and the business policies.
    pub category_id: Option<String>,
    pub condition_id: Option<u32>,
    pub item_specifics: Vec<(String, Vec<String>)>,
    pub location: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    /// Shipping, return and payment profile ids.
    pub profiles: (Option<String>, Option<String>, Option<String>),
    /// How many times ReviseFixedPriceItem changed it.
    pub revisions: u32,
    /// The fields each ReviseFixedPriceItem sent, by element name, in the
    /// order they came: what a test asserts a revision carried.
    pub revised_fields: Vec<Vec<&'static str>>,
    pub start_time: DateTime<Utc>,
}

impl SimListing {
    pub fn available(&self) -> u32 {
        self.quantity.saturating_sub(self.quantity_sold)
    }
}

/// One order line, as a buyer's purchase leaves it. Each purchase is an
/// order of its own, paid at once and never changed after, so the order's
/// creation, payment and last change are all `sold_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimSale {
    pub item_id: String,
    pub transaction_id: String,
    pub order_line_item_id: String,
    /// In eBay's `NN-NNNNN-NNNNN` form.
    pub order_id: String,
    pub quantity: u32,
    /// The price of one unit when it sold, in `currency`.
    pub price: Decimal,
    pub currency: String,
    pub sold_at: DateTime<Utc>,
}

/// Everything the simulated eBay knows.
#[derive(Debug)]
pub(super) struct State {
    /// Keyed by numeric ItemID, so listings page in the order they were made.
    pub(super) items: BTreeMap<u64, SimListing>,
    next_item_id: u64,
    /// The site's currency, in which listings made on eBay's own site are
    /// priced (GBP on eBay UK).
    pub(super) currency: String,
    next_transaction_id: u64,
    next_order: u64,
    /// UUID → ItemID, for error 488.
    uuids: HashMap<String, String>,
    pub(super) sales: Vec<SimSale>,
    /// Access tokens eBay accepts now. A refresh adds one without revoking
    /// the others, as eBay's do not end until their two hours are up, so
    /// two clients refreshing at once both keep working.
    pub(super) tokens: HashSet<String>,
    /// Tokens that were good once: refused with "expired" (21917053)
    /// rather than "invalid" (931).
    pub(super) expired_tokens: HashSet<String>,
    pub(super) tokens_issued: u32,
    /// The most entries a GetMyeBaySelling or GetOrders page holds, whatever
    /// is asked.
    pub(super) page_size: u32,
    /// How many VerifyAddFixedPriceItem calls were answered.
    pub(super) verifications: u32,
}

impl State {
    pub(super) fn new(token: String, page_size: u32) -> Self {
        Self {
            items: BTreeMap::new(),
            next_item_id: FIRST_ITEM_ID,
            currency: "GBP".into(),
            next_transaction_id: 2_812_345_678_001,
            next_order: 1_234_567,
            uuids: HashMap::new(),
            sales: Vec::new(),
            tokens: HashSet::from([token]),
            expired_tokens: HashSet::new(),
            tokens_issued: 0,
            page_size,
            verifications: 0,
        }
    }

    /// Makes a listing outright, as the seller would on eBay's site.
    pub(super) fn create(
        &mut self,
        sku: Option<String>,
        title: String,
        price: Decimal,
        quantity: u32,
    ) -> String {
        let id = self.next_item_id;
        self.next_item_id += 1;
        let item_id = id.to_string();
        self.items.insert(
            id,
            SimListing {
                item_id: item_id.clone(),
                sku,
                title,
                description: None,
                price,
                currency: self.currency.clone(),
                quantity,
                quantity_sold: 0,
                status: SimStatus::Active,
                picture_urls: Vec::new(),
                category_id: None,
                condition_id: None,
                item_specifics: Vec::new(),
                location: None,
                postal_code: None,
                country: None,
                profiles: (None, None, None),
                revisions: 0,
                revised_fields: Vec::new(),
                start_time: Utc::now(),
            },
        );
        item_id
    }

    pub(super) fn listing_mut(&mut self, item_id: &str) -> Option<&mut SimListing> {
        self.items.get_mut(&item_id.parse().ok()?)
    }

    /// A buyer buys `quantity` units: the sale joins SoldList and GetOrders,
    /// and the item leaves ActiveList when none are left.
    pub(super) fn sell(
        &mut self,
        item_id: &str,
        quantity: u32,
        sold_at: DateTime<Utc>,
    ) -> Result<String, String> {
        let transaction_id = self.next_transaction_id;
        let listing = self
            .listing_mut(item_id)
            .ok_or_else(|| format!("no item {item_id}"))?;
        if listing.status != SimStatus::Active || listing.available() < quantity || quantity == 0 {
            return Err(format!(
                "item {item_id} cannot sell {quantity}: {:?} with {} available",
                listing.status,
                listing.available()
            ));
        }
        listing.quantity_sold += quantity;
        if listing.available() == 0 {
            listing.status = SimStatus::Completed;
        }
        let (price, currency) = (listing.price, listing.currency.clone());
        self.next_transaction_id += 1;
        let order = self.next_order;
        self.next_order += 1;
        let sale = SimSale {
            item_id: item_id.to_owned(),
            transaction_id: transaction_id.to_string(),
            order_line_item_id: format!("{item_id}-{transaction_id}"),
            order_id: format!("12-{:05}-{:05}", order / 100_000, order % 100_000),
            quantity,
            price,
            currency,
            sold_at,
        };
        let reference = sale.order_line_item_id.clone();
        self.sales.push(sale);
        Ok(reference)
    }

    /// AddFixedPriceItem (§1.3).
    pub(super) fn add(&mut self, item: &ItemToList) -> Result<AddFixedPriceItemResponse, Refusal> {
        if let Some(uuid) = &item.uuid {
            if uuid.len() != 32 || !uuid.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid_input("UUID", "must be 32 hexadecimal characters"));
            }
            if let Some(existing) = self.uuids.get(&uuid.to_ascii_uppercase()) {
                return Err(duplicate_uuid(existing));
            }
        }
        let title = checked_title(item.title.as_deref())?;
        let (price, currency) = checked_price(item.start_price.as_ref())?;
        super::rules::check(item)?;
        let item_id = self.create(item.sku.clone(), title, price, item.quantity.unwrap_or(1));
        if let Some(listing) = self.listing_mut(&item_id) {
            listing.currency = currency;
            listing.description.clone_from(&item.description);
            listing.picture_urls = item
                .picture_details
                .as_ref()
                .map(|p| p.picture_url.clone())
                .unwrap_or_default();
            listing.category_id = item
                .primary_category
                .as_ref()
                .map(|c| c.category_id.clone());
            listing.condition_id = item.condition_id;
            listing.item_specifics = item
                .item_specifics
                .as_ref()
                .map(|s| {
                    s.name_value_list
                        .iter()
                        .map(|n| (n.name.clone(), n.value.clone()))
                        .collect()
                })
                .unwrap_or_default();
            listing.location.clone_from(&item.location);
            listing.postal_code.clone_from(&item.postal_code);
            listing.country.clone_from(&item.country);
            let profiles = item.seller_profiles.as_ref();
            listing.profiles = (
                profiles.and_then(|p| p.seller_shipping_profile.as_ref().map(|x| x.id.clone())),
                profiles.and_then(|p| p.seller_return_profile.as_ref().map(|x| x.id.clone())),
                profiles.and_then(|p| p.seller_payment_profile.as_ref().map(|x| x.id.clone())),
            );
        }
        if let Some(uuid) = &item.uuid {
            self.uuids
                .insert(uuid.to_ascii_uppercase(), item_id.clone());
        }
        Ok(AddFixedPriceItemResponse {
            item_id: Some(item_id),
            sku: item.sku.clone(),
            ..AddFixedPriceItemResponse::default()
        })
    }

    /// VerifyAddFixedPriceItem: the checks of an add, and nothing listed.
    pub(super) fn verify(
        &mut self,
        item: &ItemToList,
    ) -> Result<AddFixedPriceItemResponse, Refusal> {
        self.verifications += 1;
        checked_title(item.title.as_deref())?;
        checked_price(item.start_price.as_ref())?;
        super::rules::check(item)?;
        Ok(AddFixedPriceItemResponse {
            sku: item.sku.clone(),
            ..AddFixedPriceItemResponse::default()
        })
    }

    /// ReviseFixedPriceItem (§1.4): only the fields sent change; the
    /// gallery and the item specifics are replaced whole when sent.
    pub(super) fn revise(
        &mut self,
        item: &ItemToList,
    ) -> Result<ReviseFixedPriceItemResponse, Refusal> {
        let item_id = item
            .item_id
            .as_deref()
            .ok_or_else(|| invalid_input("ItemID", "is required"))?;
        let title = item
            .title
            .as_deref()
            .map(|t| checked_title(Some(t)))
            .transpose()?;
        let price = item
            .start_price
            .as_ref()
            .map(|p| checked_price(Some(p)))
            .transpose()?;
        let listing = self
            .listing_mut(item_id)
            .ok_or_else(|| item_invalid(item_id))?;
        if listing.status != SimStatus::Active {
            return Err(error(
                code::REVISE_ENDED,
                "Auction ended.",
                "You are not allowed to revise ended auctions.",
            ));
        }
        if let Some(title) = title {
            listing.title = title;
        }
        if let Some((price, currency)) = price {
            listing.price = price;
            listing.currency = currency;
        }
        if let Some(quantity) = item.quantity {
            listing.quantity = listing.quantity_sold + quantity;
        }
        if item.description.is_some() {
            listing.description.clone_from(&item.description);
        }
        if let Some(pictures) = &item.picture_details {
            listing.picture_urls.clone_from(&pictures.picture_url);
        }
        if let Some(category) = &item.primary_category {
            listing.category_id = Some(category.category_id.clone());
        }
        if let Some(condition) = item.condition_id {
            listing.condition_id = Some(condition);
        }
        if let Some(specifics) = &item.item_specifics {
            listing.item_specifics = specifics
                .name_value_list
                .iter()
                .map(|n| (n.name.clone(), n.value.clone()))
                .collect();
        }
        listing.revisions += 1;
        listing.revised_fields.push(sent_fields(item));
        Ok(ReviseFixedPriceItemResponse {
            item_id: Some(listing.item_id.clone()),
            sku: listing.sku.clone(),
            ..ReviseFixedPriceItemResponse::default()
        })
    }

    /// EndFixedPriceItem (§1.5): ending twice is 1047.
    pub(super) fn end(&mut self, item_id: &str) -> Result<EndFixedPriceItemResponse, Refusal> {
        let listing = self
            .listing_mut(item_id)
            .ok_or_else(|| item_invalid(item_id))?;
        if listing.status != SimStatus::Active {
            return Err(error(
                code::ALREADY_CLOSED,
                "The auction has been closed.",
                "The auction has already been closed.",
            ));
        }
        listing.status = SimStatus::Ended;
        Ok(EndFixedPriceItemResponse {
            end_time: Some(timestamp(Utc::now())),
            sku: listing.sku.clone(),
            ..EndFixedPriceItemResponse::default()
        })
    }

    /// GetItem (§1.7).
    pub(super) fn get(&mut self, item_id: &str) -> Result<GetItemResponse, Refusal> {
        let listing = self
            .listing_mut(item_id)
            .ok_or_else(|| item_invalid(item_id))?;
        let mut item = wire_item(listing);
        // GetItem reports the listing's status and no QuantityAvailable.
        item.quantity_available = None;
        if let Some(selling) = item.selling_status.as_mut() {
            selling.listing_status = Some(listing.status.as_str().into());
        }
        Ok(GetItemResponse {
            item: Some(item),
            ..GetItemResponse::default()
        })
    }

    /// GetMyeBaySelling (§1.6): one page of each list asked for.
    pub(super) fn my_ebay_selling(
        &self,
        active: Option<&ListCustomization>,
        sold: Option<&ListCustomization>,
    ) -> GetMyeBaySellingResponse {
        let active_list = active.filter(|c| c.include).map(|c| {
            let live: Vec<_> = self
                .items
                .values()
                .filter(|l| l.status == SimStatus::Active)
                .collect();
            let (page, pagination) = self.page(&live, c.pagination, 200);
            PaginatedItemArray {
                item_array: Some(ItemArray {
                    item: page.iter().map(|l| wire_item(l)).collect(),
                }),
                pagination_result: Some(pagination),
            }
        });
        let sold_list = sold.filter(|c| c.include).map(|c| {
            let days = i64::from(c.duration_in_days.unwrap_or(31).min(60));
            let since = Utc::now() - Duration::days(days);
            let recent: Vec<_> = self.sales.iter().filter(|s| s.sold_at >= since).collect();
            let (page, pagination) = self.page(&recent, c.pagination, 200);
            PaginatedOrderTransactionArray {
                order_transaction_array: Some(OrderTransactionArray {
                    order_transaction: page
                        .iter()
                        .map(|sale| OrderTransaction {
                            transaction: Some(self.wire_transaction(sale)),
                            order: None,
                        })
                        .collect(),
                }),
                pagination_result: Some(pagination),
            }
        });
        GetMyeBaySellingResponse {
            active_list,
            sold_list,
            ..GetMyeBaySellingResponse::default()
        }
    }

    /// GetOrders (§1.8): the page asked for of the seller's orders in the
    /// request's time window, oldest change first (`SortingOrder`'s default).
    pub(super) fn orders(
        &self,
        request: &GetOrdersRequest,
        now: DateTime<Utc>,
    ) -> Result<GetOrdersResponse, Refusal> {
        let (from, to) = order_window(request, now)?;
        // The simulated shop only sells, and every order is paid.
        let wanted = request.order_role.as_deref() != Some("Buyer")
            && matches!(
                request.order_status.as_deref(),
                None | Some("All" | "Completed")
            );
        let mut matching: Vec<_> = self
            .sales
            .iter()
            .filter(|s| wanted && s.sold_at >= from && s.sold_at <= to)
            .collect();
        matching.sort_by_key(|s| s.sold_at);
        let (page, pagination) = self.page(&matching, request.pagination, 100);
        let number = request.pagination.map_or(1, |p| p.page_number.max(1));
        Ok(GetOrdersResponse {
            has_more_orders: Some(number < pagination.total_number_of_pages),
            pagination_result: Some(pagination),
            order_array: Some(OrderArray {
                order: page.iter().map(|sale| self.wire_order(sale)).collect(),
            }),
            orders_per_page: Some(request.pagination.map_or(25, |p| p.entries_per_page)),
            page_number: Some(number),
            returned_order_count_actual: Some(u32::try_from(page.len()).unwrap_or(u32::MAX)),
            ..GetOrdersResponse::default()
        })
    }

    /// The requested page of `entries`: `EntriesPerPage` defaults to 25 and
    /// is capped at the call's `max` (PaginationType) and at the simulator's
    /// page size.
    fn page<'a, T>(
        &self,
        entries: &'a [T],
        pagination: Option<Pagination>,
        max: u32,
    ) -> (&'a [T], PaginationResult) {
        let (per_page, number) =
            pagination.map_or((25, 1), |p| (p.entries_per_page, p.page_number));
        let per_page = per_page.clamp(1, max).min(self.page_size.max(1)) as usize;
        let number = number.max(1) as usize;
        let total = entries.len();
        let start = (number - 1).saturating_mul(per_page).min(total);
        let end = start.saturating_add(per_page).min(total);
        let pages = total.div_ceil(per_page);
        (
            &entries[start..end],
            PaginationResult {
                total_number_of_pages: u32::try_from(pages).unwrap_or(u32::MAX),
                total_number_of_entries: u32::try_from(total).unwrap_or(u32::MAX),
            },
        )
    }

    fn wire_transaction(&self, sale: &SimSale) -> Transaction {
        let listing = sale
            .item_id
            .parse()
            .ok()
            .and_then(|id: u64| self.items.get(&id));
        let item = listing.map_or_else(
            || Item {
                item_id: sale.item_id.clone(),
                ..Item::default()
            },
            wire_item,
        );
        Transaction {
            buyer: Some(Buyer {
                user_id: "sim_buyer".into(),
            }),
            item: Some(Item {
                listing_details: None,
                quantity: None,
                quantity_available: None,
                ..item
            }),
            quantity_purchased: Some(sale.quantity),
            transaction_id: Some(sale.transaction_id.clone()),
            order_line_item_id: Some(sale.order_line_item_id.clone()),
            created_date: Some(timestamp(sale.sold_at)),
            paid_time: Some(timestamp(sale.sold_at)),
            total_price: Some(Amount {
                currency_id: sale.currency.clone(),
                value: (sale.price * Decimal::from(sale.quantity)).to_string(),
            }),
            ..Transaction::default()
        }
    }

    /// A purchase as GetOrders shows it: an order of one line, the line
    /// priced per unit (the 2021 sample of §1.8, trimmed).
    fn wire_order(&self, sale: &SimSale) -> Order {
        let listing = sale
            .item_id
            .parse()
            .ok()
            .and_then(|id: u64| self.items.get(&id));
        let line = Transaction {
            created_date: Some(timestamp(sale.sold_at)),
            item: Some(Item {
                item_id: sale.item_id.clone(),
                sku: listing.and_then(|l| l.sku.clone()),
                title: listing.map(|l| l.title.clone()),
                ..Item::default()
            }),
            quantity_purchased: Some(sale.quantity),
            transaction_id: Some(sale.transaction_id.clone()),
            transaction_price: Some(Amount {
                currency_id: sale.currency.clone(),
                value: sale.price.to_string(),
            }),
            order_line_item_id: Some(sale.order_line_item_id.clone()),
            ..Transaction::default()
        };
        Order {
            order_id: Some(sale.order_id.clone()),
            order_status: Some("Completed".into()),
            created_time: Some(timestamp(sale.sold_at)),
            transaction_array: Some(TransactionArray {
                transaction: vec![line],
            }),
            paid_time: Some(timestamp(sale.sold_at)),
            extended_order_id: Some(sale.order_id.clone()),
        }
    }
}

/// The time window of a GetOrders request, by the reference's rules
/// (GetOrdersRequestType): `NumberOfDays` wins over `CreateTime*`, which
/// win over `ModTime*`; one of them is required (error 10009 naming
/// `CreateTimeFrom`, as eBay answers); a missing end is now (or,
/// for ModTime, 30 days after the start if that is sooner). A window that
/// starts more than 90 days back, or a ModTime window wider than 30 days,
/// is refused. Simulated orders never change after they are made, so
/// "modified in the window" is "made in the window".
fn order_window(
    request: &GetOrdersRequest,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Refusal> {
    let time = |field: &str, value: &Option<String>| -> Result<Option<DateTime<Utc>>, Refusal> {
        value
            .as_deref()
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| orders_input(field, "is not a dateTime"))
            })
            .transpose()
    };
    let oldest = now - Duration::days(ORDER_AGE_DAYS);
    let (field, from, to) = if let Some(days) = request.number_of_days {
        ("NumberOfDays", now - Duration::days(i64::from(days)), now)
    } else if let Some(from) = time("CreateTimeFrom", &request.create_time_from)? {
        let to = time("CreateTimeTo", &request.create_time_to)?.unwrap_or(now);
        ("CreateTimeFrom", from, to)
    } else if let Some(from) = time("ModTimeFrom", &request.mod_time_from)? {
        let latest = from + Duration::days(MOD_WINDOW_DAYS);
        let to = time("ModTimeTo", &request.mod_time_to)?.unwrap_or_else(|| now.min(latest));
        if to > latest {
            return Err(orders_input(
                "ModTimeTo",
                "is more than 30 days after ModTimeFrom",
            ));
        }
        ("ModTimeFrom", from, to)
    } else {
        return Err(missing("CreateTimeFrom"));
    };
    if from < oldest {
        return Err(orders_input(
            field,
            "reaches more than 90 days into the past",
        ));
    }
    Ok((from, to))
}

/// Error 10009 as eBay words it, the field also as parameter 0 (§1.8).
fn missing(field: &str) -> Refusal {
    Box::new(ErrorType {
        error_parameters: vec![ErrorParameter {
            param_id: "0".into(),
            value: Some(field.into()),
        }],
        ..*error(
            code::MISSING_FIELD,
            &format!("No <{field}> exists or <{field}> is specified as an empty tag."),
            &format!(
                "No <{field}> exists or <{field}> is specified as an empty tag in the request."
            ),
        )
    })
}

fn orders_input(field: &str, problem: &str) -> Refusal {
    error(
        code::INVALID_INPUT,
        "Input data is invalid.",
        &format!("Input data for tag <{field}> is invalid or missing: it {problem}."),
    )
}

/// A listing in the shape of the §1.6 ActiveList sample.
fn wire_item(listing: &SimListing) -> Item {
    let price = Amount {
        currency_id: listing.currency.clone(),
        value: listing.price.to_string(),
    };
    Item {
        item_id: listing.item_id.clone(),
        buy_it_now_price: Some(price.clone()),
        listing_details: Some(ListingDetails {
            start_time: Some(timestamp(listing.start_time)),
            end_time: None,
            view_item_url: Some(format!("https://www.ebay.co.uk/itm/{}", listing.item_id)),
        }),
        listing_type: Some("FixedPriceItem".into()),
        quantity: Some(listing.quantity),
        quantity_available: Some(listing.available()),
        selling_status: Some(SellingStatus {
            current_price: Some(price),
            quantity_sold: Some(listing.quantity_sold),
            listing_status: None,
        }),
        sku: listing.sku.clone(),
        title: Some(listing.title.clone()),
    }
}

pub(super) use super::super::wire::timestamp;

pub(super) fn error(code: &str, short: &str, long: &str) -> Refusal {
    Box::new(ErrorType {
        short_message: Some(short.into()),
        long_message: Some(long.into()),
        error_code: code.into(),
        severity_code: Some("Error".into()),
        error_parameters: Vec::new(),
        error_classification: Some("RequestError".into()),
    })
}

fn invalid_input(field: &str, problem: &str) -> Refusal {
    error(
        code::INVALID_INPUT,
        "Input data is invalid.",
        &format!("Input data for tag <Item.{field}> is invalid or missing: it {problem}."),
    )
}

fn item_invalid(item_id: &str) -> Refusal {
    error(
        code::ITEM_INVALID,
        "Item not found.",
        &format!(
            "Item \"{item_id}\" is invalid, not activated, or no longer in our database, or an Live Auction item."
        ),
    )
}

/// Error 488 as KB 74 shows it: the ItemID in the message and as parameter 1.
fn duplicate_uuid(item_id: &str) -> Refusal {
    Box::new(ErrorType {
        error_parameters: vec![
            ErrorParameter {
                param_id: "0".into(),
                value: Some("1".into()),
            },
            ErrorParameter {
                param_id: "1".into(),
                value: Some(item_id.into()),
            },
        ],
        ..*error(
            code::DUPLICATE_UUID,
            "Duplicate UUID used.",
            &format!(
                "The specified UUID has already been used; ListedByRequestAppId=1, item ID={item_id}."
            ),
        )
    })
}

/// eBay's title limit is 80 characters (§1.3).
fn checked_title(title: Option<&str>) -> Result<String, Refusal> {
    match title.map(str::trim) {
        None | Some("") => Err(invalid_input("Title", "is required")),
        Some(t) if t.chars().count() > 80 => {
            Err(invalid_input("Title", "is longer than 80 characters"))
        }
        Some(t) => Ok(t.to_owned()),
    }
}

fn checked_price(price: Option<&Amount>) -> Result<(Decimal, String), Refusal> {
    let price = price.ok_or_else(|| invalid_input("StartPrice", "is required"))?;
    match Decimal::from_str(price.value.trim()) {
        Ok(value) if value > Decimal::ZERO => Ok((value, price.currency_id.clone())),
        _ => Err(invalid_input("StartPrice", "must be a positive amount")),
    }
}

/// The item fields a revision carried, by their element names.
fn sent_fields(item: &ItemToList) -> Vec<&'static str> {
    [
        ("Title", item.title.is_some()),
        ("Description", item.description.is_some()),
        ("PrimaryCategory", item.primary_category.is_some()),
        ("ConditionID", item.condition_id.is_some()),
        ("ItemSpecifics", item.item_specifics.is_some()),
        ("StartPrice", item.start_price.is_some()),
        ("Quantity", item.quantity.is_some()),
        ("PictureDetails", item.picture_details.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, sent)| sent.then_some(name))
    .collect()
}
