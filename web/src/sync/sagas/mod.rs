//! The sagas: the log's reactions, read from their own checkpoint.
//!
//! - **Sale**: a `SoldOn` is recorded on its product (first sale wins, by
//!   the product's own rule); a product sold out ends its other listings,
//!   one with units left updates them to the new quantity.
//! - **Listing sync**: an edit of what a listing shows — the details, the
//!   pictures, the price, the stock — updates the live listings (a price or
//!   stock change only those that do not show it yet), each at its own
//!   price (`listing::price`), as does a platform's new price rule; an
//!   archived product's listings are ended.
//! - **Import**: a listing found on a platform is linked to the product with
//!   its SKU, left for the owner when it looks like another product, or made
//!   into a new product.
//! - **Webhooks**: a delivery asks for a targeted look at its platform.
//!
//! Every reaction is a command that the aggregates make idempotent (an end
//! asked twice, a sale recorded twice, a link made twice change nothing), and
//! the checkpoint moves after the reaction: a process killed in between
//! reacts again on restart, harmlessly. Nothing is lost, nothing doubles.
//!
//! One file per reaction: [`sale`], [`edits`], [`import`] and [`link`];
//! this one reads the log and hands each event to its reaction.

mod edits;
mod import;
mod link;
mod outcome;
mod sale;

use std::collections::HashMap;

use riff_domain::delivery::DeliveryEvent;
use riff_domain::listing::EndReason;
use riff_domain::policy::{Candidate, Edit};
use riff_domain::settings::SettingsEvent;
use riff_domain::value::Platform;
use riff_domain::{EventMetadata, ListingEvent, ProductEvent, Source};
use riff_projections::checkpoint;
use riff_projections::log::{self, Envelope, RecordedEvent};
use riff_projections::view::listing_index;
use tokio::sync::watch;
use uuid::Uuid;

use super::{Engine, SyncError};

pub use import::import_as_new;
pub use link::link_held;
use outcome::{listing_command, refusal_is_fine, request_end};

/// The sagas' checkpoint name.
pub const READER: &str = "saga:main";

/// Events read per round.
const BATCH: i64 = 200;

/// Reacts to the log until `stop`.
///
/// The next batch is read at once when this one was full (a backlog) or
/// when its reactions ran commands (a sale's `ProductSold` follows its
/// `SoldOn`, and the ends follow that). Otherwise the loop waits for the
/// next poll, so that a stream of webhook deliveries, whose reaction is
/// only a reconcile request that the leader coalesces anyway, is read a
/// poll's worth at a time: read one by one, each delivery cost a projector
/// run and a checkpoint write, on the cores that answer the webhooks.
pub async fn run(engine: &Engine, mut stop: watch::Receiver<bool>) {
    loop {
        let pause = match run_once(engine).await {
            // A backlog is read batch after batch, but a stop is heard
            // between any two: the rest waits for the next start.
            Ok(batch) if batch.full || batch.acted => {
                if super::stopping(&stop) {
                    return;
                }
                continue;
            }
            Ok(_) => std::time::Duration::from_millis(50),
            Err(error) => {
                tracing::error!(%error, "the sagas stopped on an error; retrying in 5 s");
                std::time::Duration::from_secs(5)
            }
        };
        tokio::select! {
            () = super::stopped(&mut stop) => return,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Reacts to every event after the checkpoint; returns how many it read.
///
/// # Errors
/// The database failed.
pub async fn run_until_idle(engine: &Engine) -> Result<usize, SyncError> {
    let mut total = 0;
    loop {
        let batch = run_once(engine).await?;
        if batch.read == 0 {
            return Ok(total);
        }
        total += batch.read;
    }
}

/// What one batch was.
struct Batch {
    /// Events read.
    read: usize,
    /// As many as a batch holds: more may be waiting.
    full: bool,
    /// Some reaction ran a command, whose events the sagas may react to.
    acted: bool,
}

/// Reacts to the next batch of events after the checkpoint.
async fn run_once(engine: &Engine) -> Result<Batch, SyncError> {
    let from = checkpoint::load(&engine.db, READER).await?;
    let events = log::read_after(&engine.db, from, BATCH).await?;
    let mut batch = Batch {
        read: events.len(),
        full: i64::try_from(events.len()).is_ok_and(|n| n >= BATCH),
        acted: false,
    };
    let Some(last) = events.last() else {
        return Ok(batch);
    };
    // Reactions read the views; they must show at least this batch.
    engine.projector.run_until_idle().await?;
    let mut round = Round::default();
    for stored in &events {
        batch.acted |= react(engine, &stored.decode()?, &mut round).await?;
    }
    // Once per batch: a crash before this repeats the batch's reactions,
    // which the aggregates make harmless.
    checkpoint::save(&engine.db, READER, last.position).await?;
    Ok(batch)
}

/// What one batch's reactions share:
/// - the products a found listing is compared with, read once per batch
///   (not once per listing, which made adopting a large shop quadratic) and
///   kept up to date with the products the batch itself creates;
/// - the products whose listings were brought up to date. That reaction
///   reads the product as it is now, not as the event left it, so a second
///   price change in the same batch would only ask for the same revisions
///   again, after loading the product's whole history again.
#[derive(Default)]
struct Round {
    candidates: Option<Vec<Candidate>>,
    /// Products revised this batch, and whether every listing was (not
    /// only those whose price or stock differed).
    revised: HashMap<String, bool>,
}

impl Round {
    async fn candidates(&mut self, engine: &Engine) -> Result<&mut Vec<Candidate>, SyncError> {
        if self.candidates.is_none() {
            self.candidates = Some(import::candidates(engine).await?);
        }
        Ok(self.candidates.get_or_insert_with(Vec::new))
    }
}

/// Reacts to one event; returns whether the reaction may have appended
/// events (ran a command), which the sagas should read without waiting.
async fn react(engine: &Engine, envelope: &Envelope, round: &mut Round) -> Result<bool, SyncError> {
    let cause = Some(format!("{}/{}", envelope.aggregate_id, envelope.sequence));
    let meta = {
        let origin = envelope.metadata.as_ref();
        Engine::meta(
            origin.map_or(Source::Reconcile, |m| m.source),
            origin.map_or_else(Uuid::new_v4, |m| m.correlation_id),
            cause,
        )
    };
    let id = envelope.aggregate_id.as_str();
    match &envelope.event {
        RecordedEvent::Listing(event) => on_listing(engine, id, event, &meta, round).await,
        RecordedEvent::Product(event) => on_product(engine, id, event, &meta, round).await,
        // A platform's new price rule moves its live listings that follow
        // the product; a listing with its own price shows it already.
        RecordedEvent::Settings(SettingsEvent::PriceRuleSet { platform, .. }) => {
            edits::after_price_rule(engine, *platform, &meta, round).await?;
            Ok(true)
        }
        RecordedEvent::Delivery(DeliveryEvent::WebhookReceived { platform, body, .. }) => {
            engine.request_look(*platform, named_in(*platform, body));
            Ok(false)
        }
        _ => Ok(false),
    }
}

async fn on_listing(
    engine: &Engine,
    id: &str,
    event: &ListingEvent,
    meta: &EventMetadata,
    round: &mut Round,
) -> Result<bool, SyncError> {
    match event {
        ListingEvent::SoldOn { sku: Some(sku), .. } => {
            let sale = event
                .sale(Some(listing_uuid(id)))
                .expect("a SoldOn is a sale");
            sale::after_sold_on(engine, sku, sale, meta).await?;
        }
        ListingEvent::LinkedToProduct { sku } => {
            sale::after_link(engine, listing_uuid(id), sku, meta).await?;
        }
        ListingEvent::ExternallyDetected { .. } => {
            import::import(engine, listing_uuid(id), meta, round).await?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

async fn on_product(
    engine: &Engine,
    sku: &str,
    event: &ProductEvent,
    meta: &EventMetadata,
    round: &mut Round,
) -> Result<bool, SyncError> {
    match event {
        ProductEvent::ProductSold { sale, remaining } => {
            sale::after_sale(engine, sku, sale, *remaining, meta).await?;
        }
        ProductEvent::SaleConflictDetected {
            winner: Some(winner),
            remaining: 0,
            ..
        } => sale::after_sale(engine, sku, winner, 0, meta).await?,
        ProductEvent::PriceChanged { .. } | ProductEvent::QuantityAdjusted { .. } => {
            edits::after_edit(engine, sku, Edit::PriceAndStock, meta, round).await?;
        }
        // What a listing shows besides its price and stock: the details and
        // the pictures. Every live listing is brought to the product.
        ProductEvent::DetailsRevised { .. }
        | ProductEvent::MediaAttached { .. }
        | ProductEvent::MediaRemoved { .. }
        | ProductEvent::MediaReordered { .. } => {
            edits::after_edit(engine, sku, Edit::Everything, meta, round).await?;
        }
        ProductEvent::ProductArchived { .. } => {
            for listing in listing_index::of_product(&engine.db, sku).await? {
                if !listing.status.is_closed() {
                    request_end(engine, listing.listing_id, EndReason::Removed, meta).await?;
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The listings a delivery names, where reading them early saves a sale
/// a round trip: eBay's notification names its items, and a look at eBay
/// otherwise reads the orders (GetOrders) before the item (GetItem).
fn named_in(platform: Platform, body: &str) -> Vec<String> {
    match platform {
        Platform::Ebay => riff_adapters::ebay::webhook::named_items(body.as_bytes()),
        Platform::Reverb | Platform::Shopify | Platform::Vr => Vec::new(),
    }
}

fn listing_uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).expect("listing aggregate ids are UUIDs")
}
