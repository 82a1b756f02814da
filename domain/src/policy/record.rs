//! Which of a reconcile's [`Change`]s a run records, and as what command.
//!
//! [`diff`](super::diff) says what a scan shows that Riff does not know. Not
//! all of it is news: a scan races the effects worker, so a listing
//! published while the platform was being read can look ended, or half-made
//! with no stock yet, in that scan. What only a listing's state shows is
//! believed only for listings Riff believed up before the scan looked; an
//! order line is a fact whenever it is read. And a listing priced in
//! another currency keeps its own price: that is not drift.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Change;
use crate::listing::{EndedBy, ExternalSnapshot, ListingCommand};
use crate::port::{RemoteListing, RemoteSale};
use crate::sync_run::PlatformReport;
use crate::value::Platform;

/// What Riff believed of the platform's listings before the scan looked.
#[derive(Debug, Clone, Default)]
pub struct Believed {
    /// Listings with an external id that were live or ending.
    pub up: HashSet<Uuid>,
    /// Listings whose price is in another currency than the shop's.
    pub foreign: HashSet<Uuid>,
}

/// The command that records `change` on its listing, or `None` when the
/// change is not news (see the module's rules). `sales` are the order lines
/// the scan read; `now` stamps detections and endings.
pub fn command_for(
    change: Change,
    sales: &[RemoteSale],
    believed: &Believed,
    platform: Platform,
    now: DateTime<Utc>,
) -> Option<(Uuid, ListingCommand)> {
    let from_status = match &change {
        Change::EndedElsewhere { listing_id } | Change::Drifted { listing_id, .. } => {
            Some(listing_id)
        }
        Change::Sold { listing_id, line }
            if !sales.iter().any(|sale| sale.order_ref == line.order_ref) =>
        {
            Some(listing_id)
        }
        _ => None,
    };
    if from_status.is_some_and(|listing_id| !believed.up.contains(listing_id)) {
        return None;
    }
    Some(match change {
        Change::Detected { listing_id, remote } => (
            listing_id,
            ListingCommand::Detect {
                listing_id,
                platform,
                external_id: remote.external_id.clone(),
                snapshot: snapshot(&remote),
                detected_at: now,
            },
        ),
        Change::Sold { listing_id, line } => (listing_id, ListingCommand::RecordSoldOn(line)),
        Change::EndedElsewhere { listing_id } => (
            listing_id,
            ListingCommand::ConfirmEnded {
                ended_at: now,
                by: EndedBy::Platform,
            },
        ),
        Change::Drifted {
            listing_id, field, ..
        } if field == "price" && believed.foreign.contains(&listing_id) => return None,
        Change::Drifted {
            listing_id,
            field,
            riff_value,
            platform_value,
        } => (
            listing_id,
            ListingCommand::RecordDrift {
                field,
                riff_value,
                platform_value,
            },
        ),
    })
}

/// Counts a recorded command in the platform's report.
pub fn tally(report: &mut PlatformReport, command: &ListingCommand) {
    match command {
        ListingCommand::Detect { .. } => report.detected += 1,
        ListingCommand::RecordSoldOn(_) => report.sales += 1,
        ListingCommand::ConfirmEnded { .. } => report.ended_elsewhere += 1,
        ListingCommand::RecordDrift { .. } => report.drifted += 1,
        _ => {}
    }
}

/// A listing found on a platform, as its detection records it.
fn snapshot(remote: &RemoteListing) -> ExternalSnapshot {
    ExternalSnapshot {
        sku: remote.sku.clone(),
        title: remote.title.clone(),
        price: remote.price,
        quantity: remote.quantity,
        url: remote.url.clone(),
        raw: serde_json::json!({
            "external_id": remote.external_id,
            "sku": remote.sku,
            "title": remote.title,
            "price": remote.price,
            "quantity": remote.quantity,
            "url": remote.url,
        }),
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::listing::SoldLine;
    use crate::port::RemoteStatus;
    use crate::value::{Currency, Money};

    const LISTING: Uuid = Uuid::from_u128(7);

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn gbp(pounds: i64) -> Money {
        Money::price(Decimal::new(pounds, 0), Currency::GBP).unwrap()
    }

    fn up_before() -> Believed {
        Believed {
            up: HashSet::from([LISTING]),
            foreign: HashSet::new(),
        }
    }

    fn sold(order_ref: &str) -> Change {
        Change::Sold {
            listing_id: LISTING,
            line: SoldLine {
                order_ref: order_ref.into(),
                order_number: None,
                sold_at: now(),
                price: gbp(900),
                quantity: 1,
                sold_out: true,
            },
        }
    }

    fn line(order_ref: &str) -> RemoteSale {
        RemoteSale {
            external_id: "110551".into(),
            sku: None,
            order_ref: order_ref.into(),
            order_number: None,
            sold_at: now(),
            price: gbp(900),
            quantity: 1,
        }
    }

    fn drifted(field: &str) -> Change {
        Change::Drifted {
            listing_id: LISTING,
            field: field.into(),
            riff_value: "900.00".into(),
            platform_value: "850.00".into(),
        }
    }

    fn record(change: Change, sales: &[RemoteSale], believed: &Believed) -> Option<ListingCommand> {
        command_for(change, sales, believed, Platform::Ebay, now()).map(|(id, command)| {
            assert_eq!(id, LISTING);
            command
        })
    }

    #[test]
    fn a_listing_published_while_the_scan_ran_is_not_taken_for_ended_or_drifted() {
        let nothing_up = Believed::default();
        let ended = Change::EndedElsewhere {
            listing_id: LISTING,
        };
        assert_eq!(record(ended.clone(), &[], &nothing_up), None);
        assert_eq!(record(drifted("quantity"), &[], &nothing_up), None);
        assert_eq!(
            record(ended, &[], &up_before()),
            Some(ListingCommand::ConfirmEnded {
                ended_at: now(),
                by: EndedBy::Platform
            })
        );
    }

    #[test]
    fn an_order_line_is_a_sale_whenever_it_is_read_a_sold_state_only_if_the_listing_was_up() {
        let nothing_up = Believed::default();
        let from_line = record(sold("110551-1"), &[line("110551-1")], &nothing_up);
        assert!(matches!(
            from_line,
            Some(ListingCommand::RecordSoldOn(ref line)) if line.order_ref == "110551-1"
        ));
        assert_eq!(record(sold("110551-2"), &[], &nothing_up), None);
        assert!(record(sold("110551-2"), &[], &up_before()).is_some());
    }

    #[test]
    fn another_currency_keeps_its_own_price_but_not_its_own_stock() {
        let foreign = Believed {
            foreign: HashSet::from([LISTING]),
            ..up_before()
        };
        assert_eq!(record(drifted("price"), &[], &foreign), None);
        assert!(matches!(
            record(drifted("quantity"), &[], &foreign),
            Some(ListingCommand::RecordDrift { ref field, .. }) if field == "quantity"
        ));
        assert!(record(drifted("price"), &[], &up_before()).is_some());
    }

    #[test]
    fn a_detection_keeps_what_the_platform_showed_and_is_counted() {
        let remote = RemoteListing {
            external_id: "110551".into(),
            sku: Some("RIFF-1".into()),
            title: "Fender Stratocaster 1962".into(),
            price: Some(gbp(900)),
            quantity: Some(1),
            status: RemoteStatus::Live,
            url: None,
        };
        let change = Change::Detected {
            listing_id: LISTING,
            remote,
        };
        let command = record(change, &[], &Believed::default()).unwrap();
        let ListingCommand::Detect {
            ref external_id,
            ref snapshot,
            detected_at,
            ..
        } = command
        else {
            panic!("{command:?}")
        };
        assert_eq!(external_id, "110551");
        assert_eq!(snapshot.title, "Fender Stratocaster 1962");
        assert_eq!(snapshot.raw["sku"], "RIFF-1");
        assert_eq!(detected_at, now());
        let mut report = PlatformReport::default();
        tally(&mut report, &command);
        tally(
            &mut report,
            &record(sold("1"), &[line("1")], &up_before()).unwrap(),
        );
        assert_eq!((report.detected, report.sales, report.drifted), (1, 1, 0));
    }
}
