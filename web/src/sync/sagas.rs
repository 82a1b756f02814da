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
//! - **Webhooks**: a delivery asks for a reconcile of its platform.
//!
//! Every reaction is a command that the aggregates make idempotent (an end
//! asked twice, a sale recorded twice, a link made twice change nothing), and
//! the checkpoint moves after the reaction: a process killed in between
//! reacts again on restart, harmlessly. Nothing is lost, nothing doubles.

use std::collections::{BTreeSet, HashMap};

use riff_domain::listing::EndReason;
use riff_domain::policy::{
    completes_draft, counted_at_import, decide_import, listings_to_end, revision, Candidate, Edit,
    ImportDecision, Sale, ShownNow, SiblingListing,
};
use riff_domain::product::ProductSource;
use riff_domain::settings::SettingsEvent;
use riff_domain::value::{Platform, ProductDetails, ProductDetailsInput, SaleChannel, Sku};
use riff_domain::{
    Listing, ListingCommand, ListingError, ListingEvent, ListingStatus, ProductCommand,
    ProductError, ProductEvent, ProductStatus, Source,
};
use riff_projections::checkpoint;
use riff_projections::log::{self, Envelope, RecordedEvent};
use riff_projections::view::{inventory, listing_index};
use tokio::sync::watch;
use uuid::Uuid;

use super::{Engine, SyncError};
use crate::ledger::LedgerError;

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
            self.candidates = Some(candidates(engine).await?);
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
        RecordedEvent::Listing(ListingEvent::SoldOn { order_ref, .. }) => {
            let listing = engine.ledger.load_listing(listing_uuid(id)).await?;
            if let Some(sku) = &listing.sku {
                record_sales(engine, sku, &listing, Some(order_ref), &meta).await?;
            }
        }
        RecordedEvent::Listing(ListingEvent::LinkedToProduct { sku }) => {
            let listing = engine.ledger.load_listing(listing_uuid(id)).await?;
            if product_exists(engine, sku).await? {
                record_sales(engine, sku, &listing, None, &meta).await?;
            }
        }
        RecordedEvent::Listing(ListingEvent::ExternallyDetected { .. }) => {
            import(engine, listing_uuid(id), &meta, round).await?;
        }
        RecordedEvent::Product(ProductEvent::ProductSold { sale, remaining }) => {
            after_sale(engine, id, sale, *remaining, &meta).await?;
        }
        RecordedEvent::Product(ProductEvent::SaleConflictDetected {
            winner: Some(winner),
            remaining: 0,
            ..
        }) => after_sale(engine, id, winner, 0, &meta).await?,
        RecordedEvent::Product(
            ProductEvent::PriceChanged { .. } | ProductEvent::QuantityAdjusted { .. },
        ) => {
            if !round.revised.contains_key(id) {
                round.revised.insert(id.to_owned(), false);
                revise_all(engine, id, None, Edit::PriceAndStock, &meta).await?;
            }
        }
        // What a listing shows besides its price and stock: the details and
        // the pictures. Every live listing is brought to the product.
        RecordedEvent::Product(
            ProductEvent::DetailsRevised { .. }
            | ProductEvent::MediaAttached { .. }
            | ProductEvent::MediaRemoved { .. }
            | ProductEvent::MediaReordered { .. },
        ) => {
            if round.revised.get(id) != Some(&true) {
                round.revised.insert(id.to_owned(), true);
                revise_all(engine, id, None, Edit::Everything, &meta).await?;
            }
        }
        // A platform's new price rule moves its live listings that follow
        // the product; a listing with its own price shows it already.
        RecordedEvent::Settings(SettingsEvent::PriceRuleSet { platform, .. }) => {
            let skus: BTreeSet<String> = listing_index::on_platform(&engine.db, *platform)
                .await?
                .into_iter()
                .filter(|l| l.status == ListingStatus::Live)
                .filter_map(|l| l.sku)
                .collect();
            for sku in skus {
                if let std::collections::hash_map::Entry::Vacant(entry) = round.revised.entry(sku) {
                    revise_all(engine, entry.key(), None, Edit::PriceAndStock, &meta).await?;
                    entry.insert(false);
                }
            }
        }
        RecordedEvent::Product(ProductEvent::ProductArchived { .. }) => {
            for listing in listing_index::of_product(&engine.db, id).await? {
                if !listing.status.is_closed() {
                    request_end(engine, listing.id(), EndReason::Removed, &meta).await?;
                }
            }
        }
        RecordedEvent::Delivery(riff_domain::delivery::DeliveryEvent::WebhookReceived {
            platform,
            body,
            ..
        }) => {
            engine.request_look(*platform, named_in(*platform, body));
            return Ok(false);
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

async fn product_exists(engine: &Engine, sku: &Sku) -> Result<bool, SyncError> {
    Ok(engine.ledger.load_product(sku).await?.sku.is_some())
}

/// Records the sales of `listing` (only the order `only`, when given) on
/// its product. A sale already recorded is a duplicate the product ignores;
/// one that the product's imported quantity already leaves out is recorded
/// without taking a unit again (`policy::counted_at_import`).
async fn record_sales(
    engine: &Engine,
    sku: &Sku,
    listing: &Listing,
    only: Option<&String>,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    let sales: Vec<&Sale> = listing
        .sales
        .iter()
        .filter(|s| only.is_none_or(|order| s.order_ref == *order))
        .collect();
    if sales.is_empty() {
        return Ok(());
    }
    let product = engine.ledger.load_product(sku).await?;
    let created_from_it = product
        .imported_from
        .as_ref()
        .is_some_and(|(platform, id)| {
            listing.platform == Some(*platform) && listing.external_id.as_ref() == Some(id)
        });
    for sale in sales {
        let command = ProductCommand::RecordSale {
            sale: sale.clone(),
            priority: engine.priority.clone(),
            counted: counted_at_import(created_from_it, listing.detected_at, sale),
        };
        match engine.ledger.product(sku, command, meta).await {
            Ok(()) => {}
            // Linked to a product that is not there (yet): the import
            // records the sale once it has made the product.
            Err(LedgerError::Rejected(ProductError::NotFound)) => {}
            Err(LedgerError::Rejected(refused)) => {
                tracing::warn!(%sku, order = %sale.order_ref, %refused, "a sale was refused");
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

/// After a sale took units: sold out → end every other listing; units left
/// → bring the other listings to the new quantity.
async fn after_sale(
    engine: &Engine,
    sku: &str,
    sale: &Sale,
    remaining: u32,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    // A listing still held for the owner is never a reason to leave a
    // sold item up: one carrying this SKU is linked now, and ended below.
    if remaining == 0 {
        if let Ok(parsed) = Sku::parse(sku) {
            link_held(engine, Some(&parsed), meta).await?;
        }
    }
    let listings = listing_index::of_product(&engine.db, sku).await?;
    let sold_listing = listings
        .iter()
        .find(|l| {
            SaleChannel::Platform(l.platform) == sale.channel && l.orders.contains(&sale.order_ref)
        })
        .map(listing_index::IndexedListing::id);
    if remaining == 0 {
        let siblings: Vec<SiblingListing> = listings
            .iter()
            .map(|l| SiblingListing {
                listing_id: l.id(),
                status: l.status,
            })
            .collect();
        for listing_id in listings_to_end(0, sold_listing, &siblings) {
            request_end(engine, listing_id, EndReason::SoldElsewhere, meta).await?;
        }
        Ok(())
    } else {
        revise_all(engine, sku, sold_listing, Edit::PriceAndStock, meta).await
    }
}

/// Asks every live listing of the product (but `except`) to show the
/// product as it is now, each at its own price (`listing::price`).
async fn revise_all(
    engine: &Engine,
    sku: &str,
    except: Option<Uuid>,
    edit: Edit,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    let Ok(parsed) = Sku::parse(sku) else {
        return Ok(());
    };
    let live: Vec<_> = listing_index::of_product(&engine.db, sku)
        .await?
        .into_iter()
        .filter(|l| l.status == ListingStatus::Live && Some(l.id()) != except)
        .collect();
    // Most products are not listed anywhere yet: no need to load them.
    if live.is_empty() {
        return Ok(());
    }
    let product = engine.ledger.load_product(&parsed).await?;
    let settings = engine.ledger.load_settings().await?;
    for listing in live {
        let state = engine.ledger.load_listing(listing.id()).await?;
        let shown_now = ShownNow {
            price: listing.published_price,
            quantity: listing.published_quantity,
        };
        let rule = settings.price_rule(listing.platform);
        if let Some(command) = revision(&product, &state, shown_now, rule, edit) {
            listing_command(engine, listing.id(), command, meta).await?;
        }
    }
    Ok(())
}

async fn request_end(
    engine: &Engine,
    listing_id: Uuid,
    reason: EndReason,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    listing_command(
        engine,
        listing_id,
        ListingCommand::RequestEnd { reason },
        meta,
    )
    .await
}

/// Runs a listing command whose refusal is a state the saga need not act on
/// (logged), and whose store failure stops the saga (retried later).
async fn listing_command(
    engine: &Engine,
    listing_id: Uuid,
    command: ListingCommand,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    match engine.ledger.listing(listing_id, command, meta).await {
        Ok(()) => Ok(()),
        Err(LedgerError::Rejected(refused)) => {
            tracing::warn!(%listing_id, %refused, "a listing refused the saga's command");
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// The owner's "import it anyway" for a held listing: a new product with a
/// generated SKU, made from what the platform showed, linked.
///
/// # Errors
/// The listing was not found on a platform, is linked already, or the
/// store failed.
pub async fn import_as_new(
    engine: &Engine,
    listing_id: Uuid,
    meta: &riff_domain::EventMetadata,
) -> Result<Sku, SyncError> {
    let listing = engine.ledger.load_listing(listing_id).await?;
    let (Some(platform), Some(_)) = (listing.platform, &listing.external_id) else {
        return Err(SyncError::Refused(
            "this listing was not found on a platform".into(),
        ));
    };
    if let Some(sku) = listing.sku {
        return Err(SyncError::Refused(format!(
            "this listing is linked to {sku} already"
        )));
    }
    let Some(snapshot) = first_snapshot(engine, listing_id).await? else {
        return Err(SyncError::Refused(
            "this listing was not found on a platform".into(),
        ));
    };
    if let ImportDecision::Unpriced { reason } =
        decide_import(platform, &snapshot, None, &[], engine.currency)
    {
        return Err(SyncError::Refused(format!(
            "it cannot be imported: {reason}"
        )));
    }
    let sku = Sku::generated(engine.db.next_counter("sku").await?);
    link(engine, listing_id, &sku, meta).await?;
    create_imported(engine, &sku, &listing, &snapshot, meta).await?;
    record_sales(engine, &sku, &listing, None, meta).await?;
    engine.projector.nudge();
    Ok(sku)
}

/// The import saga: link, hold for the owner, or make a new product.
async fn import(
    engine: &Engine,
    listing_id: Uuid,
    meta: &riff_domain::EventMetadata,
    round: &mut Round,
) -> Result<(), SyncError> {
    let mut meta = meta.clone();
    meta.source = Source::Import;
    let listing = engine.ledger.load_listing(listing_id).await?;
    let (Some(platform), Some(_)) = (listing.platform, &listing.external_id) else {
        return Ok(());
    };
    if listing.held {
        return Ok(());
    }
    let Some(snapshot) = first_snapshot(engine, listing_id).await? else {
        return Ok(());
    };
    // Linked already: a reaction cut short by a crash; finish it.
    if let Some(sku) = &listing.sku {
        if !product_exists(engine, sku).await? {
            create_imported(engine, sku, &listing, &snapshot, &meta).await?;
        }
        return record_sales(engine, sku, &listing, None, &meta).await;
    }
    let (same_sku, product) = match snapshot.sku.as_deref().map(Sku::parse) {
        Some(Ok(sku)) => {
            let product = engine.ledger.load_product(&sku).await?;
            let candidate = product
                .details
                .clone()
                .map(|details| Candidate { sku, details });
            (candidate, Some(product))
        }
        _ => (None, None),
    };
    // With the SKU's product at hand the answer is a link: no need to
    // compare with every other product.
    let decision = match &same_sku {
        Some(_) => decide_import(platform, &snapshot, same_sku.as_ref(), &[], engine.currency),
        None => decide_import(
            platform,
            &snapshot,
            None,
            round.candidates(engine).await?,
            engine.currency,
        ),
    };
    match decision {
        ImportDecision::Link { sku } => {
            link(engine, listing_id, &sku, &meta).await?;
            note_currency(engine, listing_id, &snapshot, &meta).await?;
            if let Some(product) = &product {
                complete_draft(engine, &sku, product, &snapshot, &meta).await?;
            }
        }
        ImportDecision::LikelyDuplicate { of, reason } => {
            listing_command(
                engine,
                listing_id,
                ListingCommand::SuspectDuplicate { of, reason },
                &meta,
            )
            .await?;
        }
        ImportDecision::Unpriced { reason } => {
            listing_command(
                engine,
                listing_id,
                ListingCommand::HoldImport { reason },
                &meta,
            )
            .await?;
        }
        ImportDecision::Create { sku, details, .. } => {
            let sku = match sku {
                Some(sku) => sku,
                None => Sku::generated(engine.db.next_counter("sku").await?),
            };
            // Link first: a crash between the two leaves a linked listing,
            // which the branch above finishes — never a second product.
            link(engine, listing_id, &sku, &meta).await?;
            create_imported(engine, &sku, &listing, &snapshot, &meta).await?;
            note_currency(engine, listing_id, &snapshot, &meta).await?;
            record_sales(engine, &sku, &listing, None, &meta).await?;
            // The next found listing of this batch is compared with it too.
            round
                .candidates(engine)
                .await?
                .push(Candidate { sku, details });
        }
    }
    Ok(())
}

/// Links every listing left unlinked whose platform SKU is now a
/// product's (or only those with `only`'s SKU): a listing held because
/// its product did not exist yet when it was found is linked as soon as it
/// does, whichever platform made the product. Returns how many it linked.
///
/// # Errors
/// The store failed.
pub async fn link_held(
    engine: &Engine,
    only: Option<&Sku>,
    meta: &riff_domain::EventMetadata,
) -> Result<usize, SyncError> {
    engine.projector.run_until_idle().await?;
    let mut linked = 0;
    for row in listing_index::unlinked(&engine.db).await? {
        let listing_id = row.id();
        let Some(snapshot) = first_snapshot(engine, listing_id).await? else {
            continue;
        };
        let Some(Ok(sku)) = snapshot.sku.as_deref().map(Sku::parse) else {
            continue;
        };
        if only.is_some_and(|wanted| *wanted != sku) {
            continue;
        }
        let product = engine.ledger.load_product(&sku).await?;
        if product.sku.is_none() {
            continue;
        }
        link(engine, listing_id, &sku, meta).await?;
        note_currency(engine, listing_id, &snapshot, meta).await?;
        complete_draft(engine, &sku, &product, &snapshot, meta).await?;
        linked += 1;
    }
    if linked > 0 {
        engine.projector.run_until_idle().await?;
    }
    Ok(linked)
}

/// Flags, once, a linked listing priced in another currency than the
/// shop's: it keeps its own price.
async fn note_currency(
    engine: &Engine,
    listing_id: Uuid,
    snapshot: &riff_domain::listing::ExternalSnapshot,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    let Some(price) = snapshot.price else {
        return Ok(());
    };
    let command = ListingCommand::NoteCurrency {
        listing: price.currency,
        shop: engine.currency,
    };
    listing_command(engine, listing_id, command, meta).await
}

/// A draft imported in another currency becomes a product for sale once
/// a listing in the shop's currency is linked to it (`policy::completes_draft`).
async fn complete_draft(
    engine: &Engine,
    sku: &Sku,
    product: &riff_domain::Product,
    snapshot: &riff_domain::listing::ExternalSnapshot,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    let draft = product.status == ProductStatus::Draft;
    let Some(price) = completes_draft(draft, product.price, snapshot.price, engine.currency) else {
        return Ok(());
    };
    let command = ProductCommand::Activate { price: Some(price) };
    match engine.ledger.product(sku, command, meta).await {
        Ok(()) => Ok(()),
        Err(LedgerError::Rejected(refused)) => {
            tracing::warn!(%sku, %refused, "a draft could not be completed");
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

async fn link(
    engine: &Engine,
    listing_id: Uuid,
    sku: &Sku,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    match engine
        .ledger
        .listing(listing_id, ListingCommand::Link { sku: sku.clone() }, meta)
        .await
    {
        Ok(()) | Err(LedgerError::Rejected(ListingError::AlreadyLinked { .. })) => Ok(()),
        Err(LedgerError::Rejected(refused)) => {
            tracing::warn!(%listing_id, %refused, "a found listing could not be linked");
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// Makes the product a found listing becomes. A listing found with its
/// sales gives the quantity the platform has left after them, which those
/// sales are then recorded against without taking a unit again.
async fn create_imported(
    engine: &Engine,
    sku: &Sku,
    listing: &Listing,
    snapshot: &riff_domain::listing::ExternalSnapshot,
    meta: &riff_domain::EventMetadata,
) -> Result<(), SyncError> {
    let (Some(platform), Some(external_id)) = (listing.platform, listing.external_id.clone())
    else {
        return Ok(());
    };
    let ImportDecision::Create {
        details,
        price,
        quantity,
        draft,
        ..
    } = decide_import(platform, snapshot, None, &[], engine.currency)
    else {
        return Ok(());
    };
    let quantity = if listing.sales.is_empty() {
        quantity
    } else {
        snapshot.quantity.unwrap_or(quantity)
    };
    let command = ProductCommand::Create {
        sku: sku.clone(),
        details,
        price,
        quantity,
        source: ProductSource::Imported {
            platform,
            external_id,
        },
        draft,
    };
    match engine.ledger.product(sku, command, meta).await {
        Ok(()) | Err(LedgerError::Rejected(ProductError::AlreadyExists { .. })) => Ok(()),
        Err(LedgerError::Rejected(refused)) => {
            tracing::warn!(%sku, %refused, "an imported product was refused");
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// The snapshot a found listing was detected with.
async fn first_snapshot(
    engine: &Engine,
    listing_id: Uuid,
) -> Result<Option<riff_domain::listing::ExternalSnapshot>, SyncError> {
    let id = listing_id.to_string();
    let events = log::events_of(&engine.db, &[("listing", id.as_str())]).await?;
    for stored in events {
        if let RecordedEvent::Listing(ListingEvent::ExternallyDetected { snapshot, .. }) =
            stored.decode()?.event
        {
            return Ok(Some(snapshot));
        }
    }
    Ok(None)
}

/// Every product still for sale, as import candidates.
async fn candidates(engine: &Engine) -> Result<Vec<Candidate>, SyncError> {
    Ok(inventory::active(&engine.db)
        .await?
        .into_iter()
        .filter_map(|item| {
            let details = ProductDetails::parse(ProductDetailsInput {
                title: item.title,
                brand: item.brand,
                model: item.model,
                year: item.year.map(|y| y.to_string()),
                finish: item.finish,
                category: item.category,
                condition: item.condition,
                description: item.description,
            })
            .ok()?;
            Some(Candidate {
                sku: Sku::parse(&item.sku).ok()?,
                details,
            })
        })
        .collect())
}
