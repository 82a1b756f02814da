//! The import saga: a listing found on a platform is linked to the
//! product with its SKU, left for the owner when it looks like another
//! product or carries no price, or made into a new product.

use riff_domain::listing::ExternalSnapshot;
use riff_domain::policy::{decide_import, Candidate, ImportDecision};
use riff_domain::product::ProductSource;
use riff_domain::value::{ProductDetails, ProductDetailsInput, Sku};
use riff_domain::{
    EventMetadata, Listing, ListingCommand, ListingEvent, ProductCommand, ProductError, Source,
};
use riff_projections::log::{self, RecordedEvent};
use riff_projections::view::inventory;
use uuid::Uuid;

use super::link::{complete_draft, link, note_currency};
use super::sale::{product_exists, record_sales};
use super::{listing_command, refusal_is_fine, Round};
use crate::sync::{Engine, SyncError};

/// The owner's "import it anyway" for a held listing: a new product with a
/// generated SKU, made from what the platform showed, linked.
///
/// # Errors
/// The listing was not found on a platform, is linked already, or the
/// store failed.
pub async fn import_as_new(
    engine: &Engine,
    listing_id: Uuid,
    meta: &EventMetadata,
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
    record_sales(engine, &sku, &listing, meta).await?;
    engine.projector.nudge();
    Ok(sku)
}

/// The import saga: link, hold for the owner, or make a new product.
pub(super) async fn import(
    engine: &Engine,
    listing_id: Uuid,
    meta: &EventMetadata,
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
        return record_sales(engine, sku, &listing, &meta).await;
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
    let found = Found {
        id: listing_id,
        listing: &listing,
        snapshot: &snapshot,
        product: product.as_ref(),
    };
    act_on(engine, decision, &found, &meta, round).await
}

/// A listing found on a platform, as the import decided on it.
struct Found<'a> {
    id: Uuid,
    listing: &'a Listing,
    snapshot: &'a ExternalSnapshot,
    /// The product with the platform SKU, when there is one.
    product: Option<&'a riff_domain::Product>,
}

/// Carries out the import's decision for a found listing.
async fn act_on(
    engine: &Engine,
    decision: ImportDecision,
    found: &Found<'_>,
    meta: &EventMetadata,
    round: &mut Round,
) -> Result<(), SyncError> {
    let Found {
        id: listing_id,
        listing,
        snapshot,
        product,
    } = *found;
    match decision {
        ImportDecision::Link { sku } => {
            link(engine, listing_id, &sku, meta).await?;
            note_currency(engine, listing_id, snapshot, meta).await?;
            if let Some(product) = product {
                complete_draft(engine, &sku, product, snapshot, meta).await?;
            }
        }
        ImportDecision::LikelyDuplicate { of, reason } => {
            listing_command(
                engine,
                listing_id,
                ListingCommand::SuspectDuplicate { of, reason },
                meta,
            )
            .await?;
        }
        ImportDecision::Unpriced { reason } => {
            listing_command(
                engine,
                listing_id,
                ListingCommand::HoldImport { reason },
                meta,
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
            link(engine, listing_id, &sku, meta).await?;
            create_imported(engine, &sku, listing, snapshot, meta).await?;
            note_currency(engine, listing_id, snapshot, meta).await?;
            record_sales(engine, &sku, listing, meta).await?;
            // The next found listing of this batch is compared with it too.
            round
                .candidates(engine)
                .await?
                .push(Candidate { sku, details });
        }
    }
    Ok(())
}

/// Makes the product a found listing becomes. A listing found with its
/// sales gives the quantity the platform has left after them, which those
/// sales are then recorded against without taking a unit again.
async fn create_imported(
    engine: &Engine,
    sku: &Sku,
    listing: &Listing,
    snapshot: &ExternalSnapshot,
    meta: &EventMetadata,
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
    refusal_is_fine(
        engine.ledger.product(sku, command, meta).await,
        |refused| matches!(refused, ProductError::AlreadyExists { .. }),
        || format!("the imported product {sku} was refused"),
    )
}

/// The snapshot a found listing was detected with.
pub(super) async fn first_snapshot(
    engine: &Engine,
    listing_id: Uuid,
) -> Result<Option<ExternalSnapshot>, SyncError> {
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
pub(super) async fn candidates(engine: &Engine) -> Result<Vec<Candidate>, SyncError> {
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
