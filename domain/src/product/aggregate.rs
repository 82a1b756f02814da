//! The Product aggregate: its state, its decisions (`handle`) and how events
//! change it (`apply`).

use serde::{Deserialize, Serialize};

use super::{ProductCommand, ProductError, ProductEvent, Revision};
use crate::decide::Decide;
use crate::flag::raised_by_product;
use crate::named::named;
use crate::policy::{decide_sale, PlatformPriority, Sale, SaleDecision};
use crate::value::{text, Media, Money, ProductDetails, Sku};

/// Where a product is in its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductStatus {
    /// For sale (listed or not).
    #[default]
    Active,
    /// Every unit has sold.
    Sold,
    /// Taken out of the catalogue; kept for the record.
    Archived,
    /// Saved before it is complete (or imported with no price in the
    /// shop's currency): kept, sold if a platform sells it, never listed.
    Draft,
}

named!(ProductStatus {
    Active => "active",
    Sold => "sold",
    Archived => "archived",
    Draft => "draft",
});

impl ProductStatus {
    /// The status after the units on hand were counted to `quantity`:
    /// restocking a sold-out line puts it back on sale.
    pub fn after_recount(self, quantity: u32) -> Self {
        if quantity > 0 && self == Self::Sold {
            Self::Active
        } else {
            self
        }
    }

    /// The status after a sale left `remaining` units.
    pub fn after_sale(self, remaining: u32) -> Self {
        if remaining == 0 {
            Self::Sold
        } else {
            self
        }
    }

    /// Only an active product may be put on a marketplace.
    pub fn can_be_listed(self) -> bool {
        self == Self::Active
    }
}

/// The sequence number of a product's `ProductCreated`.
const CREATION: u64 = 1;

/// A product's state, folded from its events. `None` fields mean the product
/// has not been created yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub sku: Option<Sku>,
    pub details: Option<ProductDetails>,
    pub price: Option<Money>,
    /// Units on hand.
    pub quantity: u32,
    pub status: ProductStatus,
    pub media: Vec<Media>,
    /// Sales that hold units.
    pub sales: Vec<Sale>,
    /// Sales that found no unit left: oversells for the owner to resolve.
    pub conflicts: Vec<Sale>,
    /// The listing it was made from, when it was imported: (platform,
    /// external id).
    pub imported_from: Option<(crate::value::Platform, String)>,
    /// How many events the product has; what `expected_version` is checked
    /// against.
    pub version: u64,
    /// The sequence numbers of the events whose flags are still open.
    pub open_flags: Vec<u64>,
}

crate::decide::aggregate!(
    Product,
    "product",
    ProductCommand,
    ProductEvent,
    ProductError
);

impl Product {
    /// Folds one event into the state: cqrs-es's `apply`.
    fn fold(&mut self, event: ProductEvent) {
        self.version += 1;
        if raised_by_product(&event).is_some() {
            self.open_flags.push(self.version);
        }
        match event {
            ProductEvent::ProductCreated {
                sku,
                details,
                price,
                quantity,
                source,
                draft,
            } => {
                if let super::ProductSource::Imported {
                    platform,
                    external_id,
                } = source
                {
                    self.imported_from = Some((platform, external_id));
                }
                self.sku = Some(sku);
                self.details = Some(details);
                self.price = Some(price);
                self.quantity = quantity;
                self.status = if draft {
                    ProductStatus::Draft
                } else {
                    ProductStatus::Active
                };
            }
            ProductEvent::ProductActivated { price } => {
                self.price = Some(price);
                self.status = ProductStatus::Active.after_sale(self.quantity);
            }
            ProductEvent::ProductRestored => {
                self.status = ProductStatus::Active.after_sale(self.quantity);
            }
            ProductEvent::DetailsRevised { details } => self.details = Some(details),
            ProductEvent::PriceChanged { price, .. } => self.price = Some(price),
            ProductEvent::QuantityAdjusted { quantity, .. } => {
                self.quantity = quantity;
                self.status = self.status.after_recount(quantity);
            }
            ProductEvent::MediaAttached { media } => self.media.push(media),
            ProductEvent::MediaRemoved { media_id } => self.media.retain(|m| m.id != media_id),
            ProductEvent::MediaReordered { order } => reorder_media(&mut self.media, &order),
            ProductEvent::ProductSold { sale, remaining } => {
                self.sales.push(sale);
                self.set_remaining(remaining);
            }
            ProductEvent::SaleConflictDetected {
                winner,
                loser,
                remaining,
            } => {
                self.sales.retain(|s| *s != loser);
                if let Some(winner) = winner.filter(|w| !self.sales.contains(w)) {
                    self.sales.push(winner);
                }
                self.conflicts.push(loser);
                self.set_remaining(remaining);
            }
            ProductEvent::ProductArchived { .. } => self.status = ProductStatus::Archived,
            ProductEvent::FlagResolved { sequence, .. } => {
                self.open_flags.retain(|s| *s != sequence)
            }
        }
    }
}

impl Product {
    /// Only what actually changes becomes an event; an edit that changes
    /// nothing records nothing.
    fn revise(&self, revision: Revision) -> Result<Vec<ProductEvent>, ProductError> {
        if let Some(expected) = revision.expected_version {
            if expected != self.version {
                return Err(ProductError::StaleVersion {
                    expected,
                    actual: self.version,
                });
            }
        }
        let mut events = vec![];
        if let Some(details) = revision
            .details
            .filter(|d| Some(d) != self.details.as_ref())
        {
            events.push(ProductEvent::DetailsRevised { details });
        }
        if let (Some(price), Some(previous)) = (revision.price, self.price) {
            if price.currency != previous.currency {
                return Err(ProductError::CurrencyMismatch {
                    given: price.currency.to_string(),
                    expected: previous.currency.to_string(),
                });
            }
            if price != previous {
                events.push(ProductEvent::PriceChanged { previous, price });
            }
        }
        if let Some(quantity) = revision.quantity.filter(|q| *q != self.quantity) {
            events.push(ProductEvent::QuantityAdjusted {
                previous: self.quantity,
                quantity,
            });
        }
        Ok(events)
    }

    fn set_remaining(&mut self, remaining: u32) {
        self.quantity = remaining;
        self.status = self.status.after_sale(remaining);
    }
}

impl Decide for Product {
    /// The decision behind `handle`, kept synchronous and free of the sink so
    /// that it reads as the rulebook it is.
    fn decide(&self, command: ProductCommand) -> Result<Vec<ProductEvent>, ProductError> {
        match command {
            ProductCommand::Create {
                sku,
                details,
                price,
                quantity,
                source,
                draft,
            } => match &self.sku {
                Some(existing) => Err(ProductError::AlreadyExists {
                    sku: existing.clone(),
                }),
                None => Ok(vec![ProductEvent::ProductCreated {
                    sku,
                    details,
                    price,
                    quantity,
                    source,
                    draft,
                }]),
            },
            _ if self.sku.is_none() => Err(ProductError::NotFound),
            ProductCommand::RecordSale {
                sale,
                priority,
                counted,
            } => self.record_sale(sale, &priority, counted),
            // Flags stay resolvable whatever the product's state.
            ProductCommand::ResolveFlag { sequence, note } => {
                text::paragraph("note", &note, text::MAX_NOTE)?;
                if !self.open_flags.contains(&sequence) {
                    return Err(ProductError::FlagNotOpen { sequence });
                }
                Ok(vec![ProductEvent::FlagResolved { sequence, note }])
            }
            ProductCommand::Restore => match self.status {
                ProductStatus::Archived => Ok(vec![ProductEvent::ProductRestored]),
                _ => Ok(vec![]),
            },
            ProductCommand::Archive { .. } if self.status == ProductStatus::Archived => Ok(vec![]),
            _ if self.status == ProductStatus::Archived => Err(ProductError::Archived),
            ProductCommand::Activate { price } => self.activate(price),
            ProductCommand::Revise(revision) => self.revise(revision),
            ProductCommand::AttachMedia { media } => {
                Ok(vec![ProductEvent::MediaAttached { media }])
            }
            ProductCommand::RemoveMedia { media_id } => {
                if !self.media.iter().any(|m| m.id == media_id) {
                    return Err(ProductError::MediaNotFound);
                }
                Ok(vec![ProductEvent::MediaRemoved { media_id }])
            }
            ProductCommand::ReorderMedia { order } => self.reorder(order),
            ProductCommand::Archive { reason } => {
                let reason = text::optional_line("reason", reason.as_deref(), text::MAX_NOTE)?;
                Ok(vec![ProductEvent::ProductArchived { reason }])
            }
        }
    }
}

/// The rules of `decide` too long to read inline.
impl Product {
    fn record_sale(
        &self,
        sale: Sale,
        priority: &PlatformPriority,
        counted: bool,
    ) -> Result<Vec<ProductEvent>, ProductError> {
        // A sale is a fact from outside: even an archived item that a
        // marketplace sold must be recorded, never refused.
        if sale.quantity == 0 {
            return Err(ProductError::EmptySale);
        }
        sale.check_order_ref()?;
        Ok(
            match decide_sale(self.quantity, &self.sales, &self.conflicts, &sale, priority) {
                SaleDecision::Duplicate => vec![],
                SaleDecision::Accept { .. } if counted => vec![ProductEvent::ProductSold {
                    sale,
                    remaining: self.quantity,
                }],
                SaleDecision::Accept { remaining } => {
                    vec![ProductEvent::ProductSold { sale, remaining }]
                }
                SaleDecision::Conflict {
                    winner,
                    loser,
                    remaining,
                } => vec![ProductEvent::SaleConflictDetected {
                    winner,
                    loser,
                    remaining,
                }],
            },
        )
    }

    fn activate(&self, price: Option<Money>) -> Result<Vec<ProductEvent>, ProductError> {
        if self.status != ProductStatus::Draft {
            return Ok(vec![]);
        }
        let price = price.or(self.price).ok_or(ProductError::NotFound)?;
        let mut events = vec![ProductEvent::ProductActivated { price }];
        // The draft's own flag (raised by its creation) asked for exactly
        // this: it is dealt with.
        if self.open_flags.contains(&CREATION) {
            events.push(ProductEvent::FlagResolved {
                sequence: CREATION,
                note: format!("activated at {price}"),
            });
        }
        Ok(events)
    }

    /// A new order must name every attached medium once; the same order
    /// again changes nothing.
    fn reorder(&self, order: Vec<uuid::Uuid>) -> Result<Vec<ProductEvent>, ProductError> {
        let mut given = order.clone();
        given.sort_unstable();
        given.dedup();
        let mut attached: Vec<_> = self.media.iter().map(|m| m.id).collect();
        let current = attached.clone();
        attached.sort_unstable();
        if given.len() != order.len() || given != attached {
            return Err(ProductError::MediaOrderMismatch);
        }
        if order == current {
            return Ok(vec![]);
        }
        Ok(vec![ProductEvent::MediaReordered { order }])
    }
}

/// Puts `media` in `order`; anything `order` does not name keeps its place
/// after the named ones (the aggregate refuses such an order, but a view
/// folding the log must never lose media).
pub fn reorder_media(media: &mut [Media], order: &[uuid::Uuid]) {
    media.sort_by_key(|m| {
        order
            .iter()
            .position(|id| *id == m.id)
            .unwrap_or(usize::MAX)
    });
}

/// The aggregate tests are the rulebook: each names a rule a shop owner would
/// recognise.
#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;
    use cqrs_es::Aggregate as _;
    use uuid::Uuid;

    use super::*;
    use crate::fixture::{self, gbp};
    use crate::policy::PlatformPriority;
    use crate::product::ProductSource;
    use crate::value::{Condition, Currency, MediaKind};

    type ProductTest = TestFramework<Product>;

    fn sku() -> Sku {
        Sku::parse("GIB-LP-59").unwrap()
    }

    fn details() -> ProductDetails {
        fixture::details(
            ("Gibson Les Paul", "Gibson", "Les Paul"),
            "Electric Guitars",
            "excellent",
        )
    }

    /// The product created from [`details`] at `price`.
    fn creation(price: Money, quantity: u32, source: ProductSource, draft: bool) -> ProductEvent {
        ProductEvent::ProductCreated {
            sku: sku(),
            details: details(),
            price,
            quantity,
            source,
            draft,
        }
    }

    fn created(quantity: u32) -> ProductEvent {
        creation(gbp("1499"), quantity, ProductSource::Manual, false)
    }

    fn create(price: Money) -> ProductCommand {
        ProductCommand::Create {
            sku: sku(),
            details: details(),
            price,
            quantity: 1,
            source: ProductSource::Manual,
            draft: false,
        }
    }

    /// `sale` took the last unit.
    fn sold_out_by(sale: Sale) -> ProductEvent {
        ProductEvent::ProductSold { sale, remaining: 0 }
    }

    fn archived() -> ProductEvent {
        ProductEvent::ProductArchived { reason: None }
    }

    fn resolved(sequence: u64, note: &str) -> ProductEvent {
        ProductEvent::FlagResolved {
            sequence,
            note: note.into(),
        }
    }

    fn sale(channel: &str, order: &str, minute: u32, quantity: u32) -> Sale {
        fixture::sale(channel, order, minute, quantity, gbp("1499"))
    }

    fn record(sale: Sale) -> ProductCommand {
        ProductCommand::RecordSale {
            sale,
            priority: PlatformPriority::default(),
            counted: false,
        }
    }

    #[test]
    fn a_new_product_is_created() {
        ProductTest::with(())
            .given_no_previous_events()
            .when(create(gbp("1499")))
            .then_expect_events(vec![created(1)]);
    }

    #[test]
    fn a_sku_cannot_be_created_twice() {
        ProductTest::with(())
            .given(vec![created(1)])
            .when(create(gbp("10")))
            .then_expect_error(ProductError::AlreadyExists { sku: sku() });
    }

    #[test]
    fn a_product_that_does_not_exist_cannot_be_revised() {
        ProductTest::with(())
            .given_no_previous_events()
            .when(ProductCommand::Revise(Revision {
                price: Some(gbp("1")),
                ..Default::default()
            }))
            .then_expect_error(ProductError::NotFound);
    }

    #[test]
    fn a_revision_records_only_what_changed() {
        let mut new_details = details();
        new_details.condition = Condition::VeryGood;
        ProductTest::with(())
            .given(vec![created(1)])
            .when(ProductCommand::Revise(Revision {
                details: Some(new_details.clone()),
                price: Some(gbp("1499")),
                quantity: Some(2),
                expected_version: Some(1),
            }))
            .then_expect_events(vec![
                ProductEvent::DetailsRevised {
                    details: new_details,
                },
                ProductEvent::QuantityAdjusted {
                    previous: 1,
                    quantity: 2,
                },
            ]);
    }

    #[test]
    fn a_stale_edit_is_refused() {
        ProductTest::with(())
            .given(vec![
                created(1),
                ProductEvent::PriceChanged {
                    previous: gbp("1499"),
                    price: gbp("1399"),
                },
            ])
            .when(ProductCommand::Revise(Revision {
                price: Some(gbp("1299")),
                expected_version: Some(1),
                ..Default::default()
            }))
            .then_expect_error(ProductError::StaleVersion {
                expected: 1,
                actual: 2,
            });
    }

    #[test]
    fn a_price_in_another_currency_is_refused() {
        ProductTest::with(())
            .given(vec![created(1)])
            .when(ProductCommand::Revise(Revision {
                price: Some(Money::parse_price("10", Currency::parse("USD").unwrap()).unwrap()),
                ..Default::default()
            }))
            .then_expect_error(ProductError::CurrencyMismatch {
                given: "USD".into(),
                expected: "GBP".into(),
            });
    }

    #[test]
    fn the_first_sale_of_a_one_off_item_sells_it() {
        let s = sale("ebay", "E1", 30, 1);
        ProductTest::with(())
            .given(vec![created(1)])
            .when(record(s.clone()))
            .then_expect_events(vec![sold_out_by(s)]);
    }

    #[test]
    fn a_second_sale_of_a_sold_item_is_recorded_as_a_conflict() {
        let first = sale("ebay", "E1", 30, 1);
        let second = sale("reverb", "R1", 31, 1);
        ProductTest::with(())
            .given(vec![created(1), sold_out_by(first.clone())])
            .when(record(second.clone()))
            .then_expect_events(vec![ProductEvent::SaleConflictDetected {
                winner: Some(first),
                loser: second,
                remaining: 0,
            }]);
    }

    #[test]
    fn an_earlier_sale_detected_second_takes_the_item() {
        let detected_first = sale("reverb", "R1", 31, 1);
        let bought_first = sale("ebay", "E1", 30, 1);
        let mut product = Product::default();
        for e in [created(1), sold_out_by(detected_first.clone())] {
            product.apply(e);
        }
        let events = product.decide(record(bought_first.clone())).unwrap();
        assert_eq!(
            events,
            vec![ProductEvent::SaleConflictDetected {
                winner: Some(bought_first.clone()),
                loser: detected_first.clone(),
                remaining: 0,
            }]
        );
        for e in events {
            product.apply(e);
        }
        assert_eq!(product.sales, vec![bought_first]);
        assert_eq!(product.conflicts, vec![detected_first]);
        assert_eq!(product.status, ProductStatus::Sold);
    }

    #[test]
    fn the_same_sale_reported_twice_records_nothing() {
        let s = sale("shopify", "1001", 30, 1);
        ProductTest::with(())
            .given(vec![created(1), sold_out_by(s.clone())])
            .when(record(s))
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_stocked_item_sells_down_and_is_sold_out_only_at_zero() {
        let mut product = Product::default();
        product.apply(created(3));
        for (i, minute) in [30, 31, 32].into_iter().enumerate() {
            let events = product
                .decide(record(sale("shop", &format!("T{i}"), minute, 1)))
                .unwrap();
            assert!(matches!(events[..], [ProductEvent::ProductSold { .. }]));
            for e in events {
                product.apply(e);
            }
            let expected = if i < 2 {
                ProductStatus::Active
            } else {
                ProductStatus::Sold
            };
            assert_eq!(product.status, expected, "after {} sales", i + 1);
        }
        assert_eq!(product.quantity, 0);
    }

    #[test]
    fn a_sale_of_an_archived_item_is_still_recorded() {
        let s = sale("vr", "V1", 30, 1);
        ProductTest::with(())
            .given(vec![created(1), archived()])
            .when(record(s.clone()))
            .then_expect_events(vec![sold_out_by(s)]);
    }

    #[test]
    fn an_archived_product_cannot_be_edited() {
        ProductTest::with(())
            .given(vec![created(1), archived()])
            .when(ProductCommand::Revise(Revision {
                quantity: Some(4),
                ..Default::default()
            }))
            .then_expect_error(ProductError::Archived);
    }

    #[test]
    fn restocking_a_sold_out_line_makes_it_active_again() {
        let mut product = Product::default();
        product.apply(created(1));
        product.apply(ProductEvent::ProductSold {
            sale: sale("shop", "T1", 30, 1),
            remaining: 0,
        });
        assert!(!product.status.can_be_listed());
        product.apply(ProductEvent::QuantityAdjusted {
            previous: 0,
            quantity: 5,
        });
        assert!(product.status.can_be_listed());
    }

    #[test]
    fn media_can_be_removed_only_when_attached() {
        let media = Media {
            id: Uuid::new_v4(),
            kind: MediaKind::YouTube {
                video_id: "dQw4w9WgXcQ".into(),
            },
        };
        ProductTest::with(())
            .given(vec![created(1)])
            .when(ProductCommand::RemoveMedia { media_id: media.id })
            .then_expect_error(ProductError::MediaNotFound);
        ProductTest::with(())
            .given(vec![
                created(1),
                ProductEvent::MediaAttached {
                    media: media.clone(),
                },
            ])
            .when(ProductCommand::RemoveMedia { media_id: media.id })
            .then_expect_events(vec![ProductEvent::MediaRemoved { media_id: media.id }]);
    }

    fn youtube(id: &str) -> Media {
        Media {
            id: Uuid::new_v4(),
            kind: MediaKind::YouTube {
                video_id: id.into(),
            },
        }
    }

    #[test]
    fn media_are_reordered_when_every_one_is_named_once() {
        let (a, b, c) = (
            youtube("aaaaaaaaaaa"),
            youtube("bbbbbbbbbbb"),
            youtube("ccccccccccc"),
        );
        let given = vec![
            created(1),
            ProductEvent::MediaAttached { media: a.clone() },
            ProductEvent::MediaAttached { media: b.clone() },
            ProductEvent::MediaAttached { media: c.clone() },
        ];
        ProductTest::with(())
            .given(given.clone())
            .when(ProductCommand::ReorderMedia {
                order: vec![b.id, a.id, c.id],
            })
            .then_expect_events(vec![ProductEvent::MediaReordered {
                order: vec![b.id, a.id, c.id],
            }]);
        ProductTest::with(())
            .given(given.clone())
            .when(ProductCommand::ReorderMedia {
                order: vec![a.id, b.id, c.id],
            })
            .then_expect_events(vec![]);
        for wrong in [
            vec![b.id, a.id],
            vec![b.id, a.id, c.id, c.id],
            vec![b.id, a.id, a.id],
            vec![b.id, a.id, Uuid::new_v4()],
        ] {
            ProductTest::with(())
                .given(given.clone())
                .when(ProductCommand::ReorderMedia { order: wrong })
                .then_expect_error(ProductError::MediaOrderMismatch);
        }
    }

    #[test]
    fn a_reorder_puts_the_media_in_the_new_order() {
        let (a, b) = (youtube("aaaaaaaaaaa"), youtube("bbbbbbbbbbb"));
        let mut product = Product::default();
        for e in [
            created(1),
            ProductEvent::MediaAttached { media: a.clone() },
            ProductEvent::MediaAttached { media: b.clone() },
            ProductEvent::MediaReordered {
                order: vec![b.id, a.id],
            },
        ] {
            product.apply(e);
        }
        assert_eq!(product.media, vec![b, a]);
    }

    #[test]
    fn an_oversell_raises_a_flag_that_is_resolved_once() {
        let first = sale("ebay", "E1", 30, 1);
        let second = sale("reverb", "R1", 31, 1);
        let conflict = ProductEvent::SaleConflictDetected {
            winner: Some(first.clone()),
            loser: second,
            remaining: 0,
        };
        let history = vec![created(1), sold_out_by(first), conflict];
        let resolve = || ProductCommand::ResolveFlag {
            sequence: 3,
            note: "refunded R1".into(),
        };
        ProductTest::with(())
            .given(history.clone())
            .when(resolve())
            .then_expect_events(vec![resolved(3, "refunded R1")]);
        let mut settled = history;
        settled.push(resolved(3, "refunded R1"));
        ProductTest::with(())
            .given(settled)
            .when(resolve())
            .then_expect_error(ProductError::FlagNotOpen { sequence: 3 });
        ProductTest::with(())
            .given(vec![created(1)])
            .when(ProductCommand::ResolveFlag {
                sequence: 1,
                note: String::new(),
            })
            .then_expect_error(ProductError::FlagNotOpen { sequence: 1 });
    }

    #[test]
    fn an_empty_sale_is_refused() {
        ProductTest::with(())
            .given(vec![created(1)])
            .when(record(sale("shop", "T1", 30, 0)))
            .then_expect_error(ProductError::EmptySale);
    }

    #[test]
    fn a_sale_already_counted_by_the_import_takes_no_unit_again() {
        ProductTest::with(())
            .given(vec![created(2)])
            .when(ProductCommand::RecordSale {
                sale: sale("shopify", "#1018", 1, 1),
                priority: PlatformPriority::default(),
                counted: true,
            })
            .then_expect_events(vec![ProductEvent::ProductSold {
                sale: sale("shopify", "#1018", 1, 1),
                remaining: 2,
            }]);
    }

    /// A draft priced in dollars, in a shop that sells in pounds.
    fn drafted(source: ProductSource) -> ProductEvent {
        let usd = Money::parse_price("2000", Currency::parse("USD").unwrap()).unwrap();
        creation(usd, 1, source, true)
    }

    fn draft() -> ProductEvent {
        drafted(ProductSource::Manual)
    }

    #[test]
    fn a_draft_is_activated_at_a_price_in_the_shops_currency() {
        ProductTest::with(())
            .given(vec![draft()])
            .when(ProductCommand::Activate {
                price: Some(gbp("1499")),
            })
            .then_expect_events(vec![ProductEvent::ProductActivated { price: gbp("1499") }]);
        // An imported draft's flag is resolved by its activation.
        let imported = drafted(ProductSource::Imported {
            platform: crate::value::Platform::Reverb,
            external_id: "93437001".into(),
        });
        ProductTest::with(())
            .given(vec![imported])
            .when(ProductCommand::Activate {
                price: Some(gbp("1499")),
            })
            .then_expect_events(vec![
                ProductEvent::ProductActivated { price: gbp("1499") },
                resolved(1, "activated at 1499.00 GBP"),
            ]);
        let mut product = Product::default();
        product.apply(draft());
        assert_eq!(product.status, ProductStatus::Draft);
        assert!(!product.status.can_be_listed());
        product.apply(ProductEvent::ProductActivated { price: gbp("1499") });
        assert_eq!(product.status, ProductStatus::Active);
        assert_eq!(product.price, Some(gbp("1499")));
    }

    #[test]
    fn an_active_product_is_not_activated_again() {
        ProductTest::with(())
            .given(vec![created(1)])
            .when(ProductCommand::Activate { price: None })
            .then_expect_events(vec![]);
    }

    #[test]
    fn an_archived_product_is_restored_once_and_archiving_twice_records_once() {
        ProductTest::with(())
            .given(vec![created(1), archived()])
            .when(ProductCommand::Restore)
            .then_expect_events(vec![ProductEvent::ProductRestored]);
        ProductTest::with(())
            .given(vec![created(1), archived()])
            .when(ProductCommand::Archive { reason: None })
            .then_expect_events(vec![]);
        ProductTest::with(())
            .given(vec![created(1)])
            .when(ProductCommand::Restore)
            .then_expect_events(vec![]);
    }
}
