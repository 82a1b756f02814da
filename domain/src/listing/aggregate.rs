//! The Listing aggregate: its state, decisions and how events change it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ListingCommand, ListingError, ListingEvent, PlatformAttributes, SoldLine};
use crate::decide::Decide;
use crate::flag::raised_by_listing;
use crate::named::named;
use crate::value::{Platform, Sku};

/// Where a listing stands, as the product page shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListingStatus {
    /// Requested; not on the platform yet.
    #[default]
    Pending,
    /// On the platform and buyable.
    Live,
    /// Riff has asked the platform to end it.
    Ending,
    Ended,
    /// Bought on this platform.
    Sold,
    /// The platform refused to publish it.
    Failed,
}

named!(ListingStatus {
    Pending => "pending",
    Live => "live",
    Ending => "ending",
    Ended => "ended",
    Sold => "sold",
    Failed => "failed",
});

impl ListingStatus {
    /// Gone from the platform for good.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Ended | Self::Sold)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub id: Option<Uuid>,
    pub platform: Option<Platform>,
    /// `None` for a listing found on a platform and not yet linked.
    pub sku: Option<Sku>,
    pub attributes: Option<PlatformAttributes>,
    pub status: ListingStatus,
    pub external_id: Option<String>,
    pub url: Option<String>,
    /// Order references already recorded, so a sale seen twice counts once.
    pub orders: Vec<String>,
    /// The sales recorded on it, for the product it is (or will be) linked
    /// to: a listing found with a sale is linked after the sale was seen.
    pub sales: Vec<crate::policy::Sale>,
    /// A found listing that the import left for the owner (a likely
    /// duplicate, or not importable as it is): not to be decided again.
    pub held: bool,
    /// When Riff found it on the platform, for a listing it did not make:
    /// the sales before then are in the quantity the platform showed.
    pub detected_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The currency of a linked listing priced in another than the shop's.
    pub foreign_currency: Option<crate::value::Currency>,
    /// Why it is being ended, while it is: a publish confirmed after the
    /// end was asked for is ended again for the same reason.
    pub end_reason: Option<super::EndReason>,
    /// The version of the product (`Product::version`) the listing last
    /// showed, as published or revised: an edit at or before it needs no
    /// revision.
    pub shown_version: Option<u64>,
    /// What it was last sent, as digests (`sent`): a revision sends only
    /// what differs.
    pub sent: Option<super::sent::Sent>,
    /// How many events the listing has.
    pub version: u64,
    /// The sequence numbers of the events whose flags are still open.
    pub open_flags: Vec<u64>,
}

impl Listing {
    /// Whether the listing already shows the product as of `version`: an
    /// edit the saga reacts to late (the listing was published, or revised,
    /// from the product after it) needs no revision of its own.
    pub fn shows(&self, version: u64) -> bool {
        self.shown_version.is_some_and(|shown| shown >= version)
    }
}

crate::decide::aggregate!(
    Listing,
    "listing",
    ListingCommand,
    ListingEvent,
    ListingError
);

impl Listing {
    /// Folds one event into the state: cqrs-es's `apply`.
    fn fold(&mut self, event: ListingEvent) {
        self.count(&event);
        match event {
            ListingEvent::ListingRequested {
                listing_id,
                sku,
                platform,
                attributes,
            } => {
                self.id = Some(listing_id);
                self.sku = Some(sku);
                self.platform = Some(platform);
                self.attributes = Some(attributes);
            }
            ListingEvent::Listed {
                external_id,
                url,
                shown_version,
                sent,
                ..
            } => {
                self.external_id = Some(external_id);
                self.url = url;
                self.shown_version = shown_version;
                self.sent = sent;
            }
            ListingEvent::ListingRevised {
                shown_version,
                sent,
                ..
            } => {
                self.shown_version = shown_version.or(self.shown_version);
                self.sent = sent.or(self.sent.take());
            }
            ListingEvent::SoldOn { .. } => {
                if let Some(sale) = event.sale(self.id) {
                    self.orders.push(sale.order_ref.clone());
                    self.sales.push(sale);
                }
            }
            ListingEvent::ExternallyDetected {
                listing_id,
                platform,
                external_id,
                snapshot,
                detected_at,
            } => {
                self.id = Some(listing_id);
                self.platform = Some(platform);
                self.external_id = Some(external_id);
                self.url = snapshot.url;
                self.detected_at = Some(detected_at);
            }
            ListingEvent::LinkedToProduct { sku } => self.sku = Some(sku),
            ListingEvent::CurrencyMismatched { listing, .. } => {
                self.foreign_currency = Some(listing)
            }
            ListingEvent::EndRequested { reason } => self.end_reason = Some(reason),
            ListingEvent::DuplicateSuspected { .. } | ListingEvent::ImportHeld { .. } => {
                self.held = true
            }
            ListingEvent::FlagResolved { sequence, .. } => {
                self.open_flags.retain(|s| *s != sequence)
            }
            ListingEvent::PublishFailed { .. }
            | ListingEvent::ReviseFailed { .. }
            | ListingEvent::ReviseRequested { .. }
            | ListingEvent::Ended { .. }
            | ListingEvent::EndFailed { .. } => {}
            // The platform shows something else than Riff sent: what was
            // sent of that field no longer says what it shows.
            ListingEvent::StatusDrifted { field, .. } => {
                if let Some(sent) = &mut self.sent {
                    sent.forget(&field);
                }
            }
        }
    }
}

impl Listing {
    /// What every event does: it is the next version, may raise a flag for
    /// the owner, and may move the status.
    fn count(&mut self, event: &ListingEvent) {
        self.version += 1;
        if raised_by_listing(event).is_some() {
            self.open_flags.push(self.version);
        }
        if let Some(status) = event.status_after() {
            self.status = status;
        }
    }

    fn wrong(&self, status: ListingStatus, action: &'static str) -> ListingError {
        ListingError::WrongState {
            status: status.as_str(),
            action,
        }
    }
}

impl Decide for Listing {
    /// The rules read in the order of a listing's life: published and
    /// revised, ended or sold; then made, linked and flagged by the import
    /// and the owner. Each step decides its own commands and hands the
    /// rest on to the next.
    fn decide(&self, command: ListingCommand) -> Result<Vec<ListingEvent>, ListingError> {
        let command = command.made_safe()?;
        if self.id.is_none() && !command.makes_a_listing() {
            return Err(ListingError::NotFound);
        }
        self.publish_or_revise(command)
    }
}

impl Listing {
    fn publish_or_revise(
        &self,
        command: ListingCommand,
    ) -> Result<Vec<ListingEvent>, ListingError> {
        match command {
            // A publish retried after a crash may be confirmed twice.
            ListingCommand::ConfirmListed {
                ref external_id, ..
            } if matches!(self.status, ListingStatus::Live | ListingStatus::Ending)
                && self.external_id.as_ref() == Some(external_id) =>
            {
                Ok(vec![])
            }
            ListingCommand::ConfirmListed {
                external_id,
                url,
                listed_at,
                price,
                quantity,
                shown_version,
                sent,
            } => self.confirm_listed(ListingEvent::Listed {
                external_id,
                url,
                listed_at,
                price: Some(price),
                quantity: Some(quantity),
                shown_version: Some(shown_version),
                sent: Some(sent),
            }),
            ListingCommand::FailPublish { message, attempts } => match self.status {
                ListingStatus::Pending | ListingStatus::Failed => {
                    Ok(vec![ListingEvent::PublishFailed { message, attempts }])
                }
                status => Err(self.wrong(status, "marked as failed to publish")),
            },
            ListingCommand::RequestRevise { price, quantity } => match self.status {
                ListingStatus::Live => Ok(vec![ListingEvent::ReviseRequested { price, quantity }]),
                // Not up, or coming down: there is nothing to update.
                _ => Ok(vec![]),
            },
            ListingCommand::ConfirmRevised {
                price,
                quantity,
                shown_version,
                sent,
            } => Ok(match self.status {
                ListingStatus::Live => vec![ListingEvent::ListingRevised {
                    price,
                    quantity,
                    shown_version: Some(shown_version),
                    sent: Some(sent),
                }],
                // Ended or sold meanwhile: the update no longer matters.
                _ => vec![],
            }),
            ListingCommand::FailRevise { message, attempts } => {
                Ok(vec![ListingEvent::ReviseFailed { message, attempts }])
            }
            other => self.end_or_sell(other),
        }
    }

    fn end_or_sell(&self, command: ListingCommand) -> Result<Vec<ListingEvent>, ListingError> {
        match command {
            // Ending is idempotent: asking again, or asking to end what is
            // already gone, succeeds and records nothing.
            ListingCommand::RequestEnd { reason } => match self.status {
                ListingStatus::Ending | ListingStatus::Ended | ListingStatus::Sold => Ok(vec![]),
                _ => Ok(vec![ListingEvent::EndRequested { reason }]),
            },
            ListingCommand::ConfirmEnded { ended_at, by } => Ok(match self.status.is_closed() {
                true => vec![],
                false => vec![ListingEvent::Ended { ended_at, by }],
            }),
            ListingCommand::FailEnd { message, attempts } => match self.status {
                ListingStatus::Ending => Ok(vec![ListingEvent::EndFailed { message, attempts }]),
                status => Err(self.wrong(status, "marked as failed to end")),
            },
            // A sale seen twice is one sale.
            ListingCommand::RecordSoldOn(ref line) if self.orders.contains(&line.order_ref) => {
                Ok(vec![])
            }
            ListingCommand::RecordSoldOn(SoldLine {
                order_ref,
                order_number,
                sold_at,
                price,
                quantity,
                sold_out,
            }) => Ok(vec![ListingEvent::SoldOn {
                platform: self.platform.expect("every created listing has a platform"),
                sku: self.sku.clone(),
                order_ref,
                order_number,
                sold_at,
                price,
                quantity,
                sold_out,
            }]),
            other => self.make_or_link(other),
        }
    }

    fn make_or_link(&self, command: ListingCommand) -> Result<Vec<ListingEvent>, ListingError> {
        match command {
            ListingCommand::Request {
                listing_id,
                sku,
                product_status,
                attributes,
            } => self.request(listing_id, sku, product_status, attributes),
            ListingCommand::Detect {
                listing_id,
                platform,
                external_id,
                snapshot,
                detected_at,
            } => self.create(ListingEvent::ExternallyDetected {
                listing_id,
                platform,
                external_id,
                snapshot,
                detected_at,
            }),
            ListingCommand::SuspectDuplicate { of, reason } => {
                self.hold(ListingEvent::DuplicateSuspected { of, reason })
            }
            ListingCommand::HoldImport { reason } => self.hold(ListingEvent::ImportHeld { reason }),
            ListingCommand::NoteCurrency { listing, shop } => Ok(
                if listing == shop || self.foreign_currency == Some(listing) {
                    vec![]
                } else {
                    vec![ListingEvent::CurrencyMismatched { listing, shop }]
                },
            ),
            ListingCommand::Link { sku } => self.link(sku),
            ListingCommand::ResolveFlag { sequence, note } => {
                if !self.open_flags.contains(&sequence) {
                    return Err(ListingError::FlagNotOpen { sequence });
                }
                Ok(vec![ListingEvent::FlagResolved { sequence, note }])
            }
            ListingCommand::RecordDrift {
                field,
                riff_value,
                platform_value,
            } => Ok(vec![ListingEvent::StatusDrifted {
                field,
                riff_value,
                platform_value,
            }]),
            // The steps before took these.
            earlier @ (ListingCommand::ConfirmListed { .. }
            | ListingCommand::FailPublish { .. }
            | ListingCommand::RequestRevise { .. }
            | ListingCommand::ConfirmRevised { .. }
            | ListingCommand::FailRevise { .. }
            | ListingCommand::RequestEnd { .. }
            | ListingCommand::ConfirmEnded { .. }
            | ListingCommand::FailEnd { .. }
            | ListingCommand::RecordSoldOn(_)) => {
                unreachable!("decided before make_or_link: {earlier:?}")
            }
        }
    }

    fn request(
        &self,
        listing_id: Uuid,
        sku: Sku,
        product_status: crate::product::ProductStatus,
        attributes: PlatformAttributes,
    ) -> Result<Vec<ListingEvent>, ListingError> {
        // A listing asked for twice is refused for that first.
        if self.id.is_none() && !product_status.can_be_listed() {
            return Err(ListingError::ProductNotListable {
                status: product_status,
            });
        }
        self.create(ListingEvent::ListingRequested {
            listing_id,
            sku,
            platform: attributes.platform(),
            attributes,
        })
    }

    /// A listing is made once, however it came to be.
    fn create(&self, made: ListingEvent) -> Result<Vec<ListingEvent>, ListingError> {
        match self.id {
            Some(_) => Err(ListingError::AlreadyExists),
            None => Ok(vec![made]),
        }
    }

    /// A publish confirmed (not twice: `decide` has seen to that).
    fn confirm_listed(&self, listed: ListingEvent) -> Result<Vec<ListingEvent>, ListingError> {
        match self.status {
            ListingStatus::Pending | ListingStatus::Failed => Ok(vec![listed]),
            // The item sold elsewhere while the publish was in flight: it
            // is up now, so it must come down again.
            ListingStatus::Ending if self.external_id.is_none() => Ok(vec![
                listed,
                ListingEvent::EndRequested {
                    reason: self.end_reason.unwrap_or(super::EndReason::SoldElsewhere),
                },
            ]),
            status => Err(self.wrong(status, "confirmed as listed")),
        }
    }

    /// A listing waits for the owner once: a second hold (the import saga
    /// racing the owner, or run again after a crash) would put the same
    /// listing on the review queue twice.
    fn hold(&self, held: ListingEvent) -> Result<Vec<ListingEvent>, ListingError> {
        match &self.sku {
            Some(existing) => Err(ListingError::AlreadyLinked {
                sku: existing.clone(),
            }),
            None if self.held => Ok(vec![]),
            None => Ok(vec![held]),
        }
    }

    fn link(&self, sku: Sku) -> Result<Vec<ListingEvent>, ListingError> {
        match &self.sku {
            Some(existing) if *existing == sku => Ok(vec![]),
            Some(existing) => Err(ListingError::AlreadyLinked {
                sku: existing.clone(),
            }),
            None => Ok(vec![ListingEvent::LinkedToProduct { sku }]),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use cqrs_es::test::TestFramework;
    use cqrs_es::Aggregate as _;

    use super::*;
    use crate::fixture::at;
    use crate::listing::sent::Sent;
    use crate::listing::{EndReason, EndedBy, ExternalSnapshot};
    use crate::product::ProductStatus;
    use crate::value::{Currency, Money};

    type ListingTest = TestFramework<Listing>;

    fn id() -> Uuid {
        Uuid::from_u128(7)
    }

    fn sku() -> Sku {
        Sku::parse("FEN-STRAT-62").unwrap()
    }

    /// A listing found on `platform` as `external_id`, with no price.
    fn found(platform: Platform, external_id: &str, title: &str) -> ListingEvent {
        ListingEvent::ExternallyDetected {
            listing_id: id(),
            platform,
            external_id: external_id.into(),
            snapshot: ExternalSnapshot {
                sku: None,
                title: title.into(),
                price: None,
                quantity: Some(1),
                url: None,
                raw: serde_json::json!({}),
            },
            detected_at: at(0),
        }
    }

    /// A listing as these events leave it.
    fn folded(events: impl IntoIterator<Item = ListingEvent>) -> Listing {
        let mut listing = Listing::default();
        for event in events {
            listing.apply(event);
        }
        listing
    }

    fn requested() -> ListingEvent {
        ListingEvent::ListingRequested {
            listing_id: id(),
            sku: sku(),
            platform: Platform::Reverb,
            attributes: PlatformAttributes::empty(Platform::Reverb),
        }
    }

    const URL: &str = "https://reverb.com/item/71234501";

    fn listed() -> ListingEvent {
        ListingEvent::Listed {
            external_id: "71234501".into(),
            url: Some(URL.into()),
            listed_at: at(0),
            price: Some(price()),
            quantity: Some(1),
            shown_version: Some(3),
            sent: Some(Sent::default()),
        }
    }

    /// The platform confirms the publish of [`listed`], seen at `url`.
    fn confirm_listed(url: Option<&str>, listed_at: DateTime<Utc>) -> ListingCommand {
        ListingCommand::ConfirmListed {
            external_id: "71234501".into(),
            url: url.map(str::to_owned),
            listed_at,
            price: price(),
            quantity: 1,
            shown_version: 3,
            sent: Sent::default(),
        }
    }

    fn price() -> Money {
        Money::parse_price("999", Currency::GBP).unwrap()
    }

    /// A sale of one unit at minute 3 at [`price`], as the platform reports
    /// it on the listing.
    fn line(order_ref: &str, order_number: Option<&str>, sold_out: bool) -> SoldLine {
        SoldLine {
            order_ref: order_ref.into(),
            order_number: order_number.map(str::to_owned),
            sold_at: at(3),
            price: price(),
            quantity: 1,
            sold_out,
        }
    }

    /// That sale as a Reverb listing linked to `sku` records it.
    fn sold_on(line: SoldLine, sku: Option<Sku>) -> ListingEvent {
        ListingEvent::SoldOn {
            platform: Platform::Reverb,
            sku,
            order_ref: line.order_ref,
            order_number: line.order_number,
            sold_at: line.sold_at,
            price: line.price,
            quantity: line.quantity,
            sold_out: line.sold_out,
        }
    }

    fn end_requested(reason: EndReason) -> ListingEvent {
        ListingEvent::EndRequested { reason }
    }

    fn request(status: ProductStatus) -> ListingCommand {
        ListingCommand::Request {
            listing_id: id(),
            sku: sku(),
            product_status: status,
            attributes: PlatformAttributes::empty(Platform::Reverb),
        }
    }

    #[test]
    fn an_active_product_can_be_listed() {
        ListingTest::with(())
            .given_no_previous_events()
            .when(request(ProductStatus::Active))
            .then_expect_events(vec![requested()]);
    }

    #[test]
    fn a_sold_or_archived_product_cannot_be_listed() {
        for status in [ProductStatus::Sold, ProductStatus::Archived] {
            ListingTest::with(())
                .given_no_previous_events()
                .when(request(status))
                .then_expect_error(ListingError::ProductNotListable { status });
        }
    }

    #[test]
    fn ending_a_live_listing_is_requested_once() {
        ListingTest::with(())
            .given(vec![requested(), listed()])
            .when(ListingCommand::RequestEnd {
                reason: EndReason::SoldElsewhere,
            })
            .then_expect_events(vec![end_requested(EndReason::SoldElsewhere)]);
        ListingTest::with(())
            .given(vec![
                requested(),
                listed(),
                end_requested(EndReason::SoldElsewhere),
            ])
            .when(ListingCommand::RequestEnd {
                reason: EndReason::Manual,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn ending_an_ended_listing_is_not_an_error() {
        let ended = ListingEvent::Ended {
            ended_at: at(5),
            by: EndedBy::Riff,
        };
        ListingTest::with(())
            .given(vec![requested(), listed(), ended.clone()])
            .when(ListingCommand::RequestEnd {
                reason: EndReason::Manual,
            })
            .then_expect_events(vec![]);
        ListingTest::with(())
            .given(vec![requested(), listed(), ended])
            .when(ListingCommand::ConfirmEnded {
                ended_at: at(6),
                by: EndedBy::Platform,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_listing_the_platform_already_ended_counts_as_ended() {
        ListingTest::with(())
            .given(vec![
                requested(),
                listed(),
                end_requested(EndReason::SoldElsewhere),
            ])
            .when(ListingCommand::ConfirmEnded {
                ended_at: at(5),
                by: EndedBy::Platform,
            })
            .then_expect_events(vec![ListingEvent::Ended {
                ended_at: at(5),
                by: EndedBy::Platform,
            }]);
    }

    #[test]
    fn a_confirmed_publish_seen_twice_records_once() {
        ListingTest::with(())
            .given(vec![requested(), listed()])
            .when(confirm_listed(None, at(1)))
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_failed_end_leaves_the_listing_live() {
        let listing = folded([
            requested(),
            listed(),
            end_requested(EndReason::Manual),
            ListingEvent::EndFailed {
                message: "HTTP 500".into(),
                attempts: 5,
            },
        ]);
        assert_eq!(listing.status, ListingStatus::Live);
    }

    #[test]
    fn the_same_order_sold_twice_is_recorded_once() {
        let sold = sold_on(line("R-1", None, true), Some(sku()));
        ListingTest::with(())
            .given(vec![requested(), listed(), sold])
            .when(ListingCommand::RecordSoldOn(line("R-1", None, true)))
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_sale_names_the_product_the_listing_is_linked_to() {
        let record = || ListingCommand::RecordSoldOn(line("R-7", Some("#7"), true));
        let sold = |sku| sold_on(line("R-7", Some("#7"), true), sku);
        ListingTest::with(())
            .given(vec![requested(), listed()])
            .when(record())
            .then_expect_events(vec![sold(Some(sku()))]);
        // Found on the platform and not linked yet: the sale waits for the
        // link, which brings it to the product.
        let found = found(Platform::Reverb, "R-LISTING", "Boss DS-1");
        ListingTest::with(())
            .given(vec![found])
            .when(record())
            .then_expect_events(vec![sold(None)]);
    }

    #[test]
    fn a_sale_remembers_the_listing_it_was_made_on() {
        let mut listing = folded([requested(), listed()]);
        listing.apply(sold_on(line("R-8", None, true), Some(sku())));
        assert_eq!(listing.sales.len(), 1);
        assert_eq!(listing.sales[0].listing, Some(id()));
    }

    #[test]
    fn a_detected_listing_links_to_one_product_only() {
        let detected = found(Platform::Ebay, "1100", "Boss DS-1");
        ListingTest::with(())
            .given(vec![detected.clone()])
            .when(ListingCommand::Link { sku: sku() })
            .then_expect_events(vec![ListingEvent::LinkedToProduct { sku: sku() }]);
        let other = Sku::parse("OTHER").unwrap();
        ListingTest::with(())
            .given(vec![detected, ListingEvent::LinkedToProduct { sku: sku() }])
            .when(ListingCommand::Link { sku: other })
            .then_expect_error(ListingError::AlreadyLinked { sku: sku() });
    }

    #[test]
    fn a_publish_confirmed_after_the_item_sold_elsewhere_is_ended_again() {
        ListingTest::with(())
            .given(vec![requested(), end_requested(EndReason::SoldElsewhere)])
            .when(confirm_listed(Some(URL), at(0)))
            .then_expect_events(vec![listed(), end_requested(EndReason::SoldElsewhere)]);
    }

    #[test]
    fn only_a_live_listing_is_revised() {
        let revise = || ListingCommand::RequestRevise {
            price: price(),
            quantity: 2,
        };
        ListingTest::with(())
            .given(vec![requested(), listed()])
            .when(revise())
            .then_expect_events(vec![ListingEvent::ReviseRequested {
                price: price(),
                quantity: 2,
            }]);
        ListingTest::with(())
            .given(vec![requested()])
            .when(revise())
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_listing_shows_the_edits_made_before_it_was_published_or_revised() {
        let mut listing = Listing::default();
        listing.apply(requested());
        assert!(!listing.shows(1), "not up yet");
        listing.apply(listed());
        assert!(listing.shows(2) && listing.shows(3), "published from 3");
        assert!(!listing.shows(4), "an edit after the publish");
        listing.apply(ListingEvent::ListingRevised {
            price: None,
            quantity: None,
            shown_version: Some(5),
            sent: None,
        });
        assert!(listing.shows(5) && !listing.shows(6));
    }

    #[test]
    fn a_listing_recorded_before_riff_kept_versions_shows_no_edit() {
        let mut listing = Listing::default();
        listing.apply(requested());
        listing.apply(ListingEvent::Listed {
            external_id: "71234501".into(),
            url: None,
            listed_at: at(0),
            price: None,
            quantity: None,
            shown_version: None,
            sent: None,
        });
        assert!(!listing.shows(1), "so every edit is sent, as before");
    }

    #[test]
    fn a_stocked_item_with_units_left_stays_live_after_a_sale() {
        let listing = folded([
            requested(),
            listed(),
            sold_on(line("R-2", None, false), Some(sku())),
        ]);
        assert_eq!(listing.status, ListingStatus::Live);
    }

    #[test]
    fn a_suspected_duplicate_is_only_recorded_while_unlinked() {
        let detected = found(Platform::Ebay, "1100", "Fender Stratocaster 1962");
        let suspect = || ListingCommand::SuspectDuplicate {
            of: sku(),
            reason: "same title".into(),
        };
        ListingTest::with(())
            .given(vec![detected.clone()])
            .when(suspect())
            .then_expect_events(vec![ListingEvent::DuplicateSuspected {
                of: sku(),
                reason: "same title".into(),
            }]);
        ListingTest::with(())
            .given(vec![detected, ListingEvent::LinkedToProduct { sku: sku() }])
            .when(suspect())
            .then_expect_error(ListingError::AlreadyLinked { sku: sku() });
    }

    #[test]
    fn a_listing_is_held_for_the_owner_only_once() {
        let detected = found(Platform::Reverb, "7001", "Jazzmaster");
        let held = ListingEvent::ImportHeld {
            reason: "no price".into(),
        };
        let suspected = ListingEvent::DuplicateSuspected {
            of: sku(),
            reason: "same title".into(),
        };
        for first in [held.clone(), suspected] {
            ListingTest::with(())
                .given(vec![detected.clone(), first.clone()])
                .when(ListingCommand::HoldImport {
                    reason: "no price".into(),
                })
                .then_expect_events(vec![]);
            ListingTest::with(())
                .given(vec![detected.clone(), first])
                .when(ListingCommand::SuspectDuplicate {
                    of: sku(),
                    reason: "same title".into(),
                })
                .then_expect_events(vec![]);
        }
        ListingTest::with(())
            .given(vec![detected])
            .when(ListingCommand::HoldImport {
                reason: "no price".into(),
            })
            .then_expect_events(vec![held]);
    }

    #[test]
    fn commands_on_a_listing_that_does_not_exist_are_refused() {
        ListingTest::with(())
            .given_no_previous_events()
            .when(ListingCommand::RequestEnd {
                reason: EndReason::Manual,
            })
            .then_expect_error(ListingError::NotFound);
    }
}
