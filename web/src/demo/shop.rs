//! Setting up the demo shop: its listings on the marketplaces, its stock in
//! Riff, and the first sync that brings the two together.

use std::time::Duration;

use riff_domain::value::Platform;
use serde_json::json;

use super::api::{RiffApi, POLL};
use super::catalogue::{HAND_LISTED, STOCK};
use super::picture::picture;
use super::DemoError;
use crate::sim::Simulators;

/// How long the demo waits for the first sync's imports before it goes on
/// regardless (they finish in well under a second on any machine).
const SETTLE_LIMIT: Duration = Duration::from_secs(30);

/// Puts the shop's existing listings on the simulated marketplaces: the
/// stock under its SKUs, and the hand-made listings without one.
pub(super) fn list_on_marketplaces(sims: &Simulators) {
    for item in STOCK {
        let (price, units) = (item.price(), item.quantity);
        for platform in item.on {
            match platform {
                Platform::Ebay => {
                    sims.ebay().seed_listing(item.sku, item.title, price, units);
                }
                Platform::Reverb => {
                    sims.reverb()
                        .seed_listing(item.sku, item.title, price, units);
                }
                Platform::Shopify => {
                    sims.shopify()
                        .seed_listing(item.sku, item.title, price, units);
                }
                Platform::Vr => {
                    sims.vr()
                        .seed_listing(item.sku, item.brand, item.model, price);
                }
            }
        }
    }
    for hand in HAND_LISTED {
        let (title, price) = (hand.title(), hand.price());
        match hand.platform {
            Platform::Ebay => {
                sims.ebay().add_external_listing(&title, price);
            }
            Platform::Reverb => {
                sims.reverb().add_external_listing(&title, price);
            }
            Platform::Shopify => {
                sims.shopify().add_external_listing(&title, price);
            }
            Platform::Vr => {
                sims.vr()
                    .add_external_listing(hand.brand, hand.model, price);
            }
        }
    }
}

/// Types the stock into Riff, one `POST /api/products` per item, each
/// with a picture (drawn here: the marketplaces want one).
///
/// # Errors
/// Riff refused an item or could not be reached.
pub(super) async fn type_into_riff(api: &RiffApi) -> Result<(), DemoError> {
    for item in STOCK {
        let description = format!(
            "{}, {} finish, in {} condition. Checked and set up in our workshop before it ships.",
            item.title,
            item.finish.to_lowercase(),
            item.condition.replace('-', " ")
        );
        api.create_product(&json!({
            "sku": item.sku,
            "title": item.title,
            "brand": item.brand,
            "model": item.model,
            "year": item.year,
            "finish": item.finish,
            "category": item.category,
            "condition": item.condition,
            "description": description,
            "price": item.price().to_string(),
            "quantity": item.quantity,
        }))
        .await?;
        api.upload_picture(item.sku, picture(item.sku, item.category))
            .await?;
    }
    Ok(())
}

/// Runs the first reconcile of every platform and waits until what it
/// found is in Riff: every listing linked to its product, every hand-made
/// listing imported and flagged. Returns the run's status.
///
/// # Errors
/// Riff could not be reached.
pub(super) async fn first_sync(api: &RiffApi) -> Result<String, DemoError> {
    let run_id = api.start_sync(None).await?;
    let status = api.wait_for_run(&run_id).await?;
    // The run records what it found; the import saga then makes the
    // products, a moment later.
    let products = u64::try_from(STOCK.len() + HAND_LISTED.len()).unwrap_or(u64::MAX);
    let deadline = tokio::time::Instant::now() + SETTLE_LIMIT;
    while tokio::time::Instant::now() < deadline {
        if api.product_count().await? >= products
            && api.open_flags("imported").await? >= HAND_LISTED.len()
        {
            return Ok(status);
        }
        tokio::time::sleep(POLL).await;
    }
    tracing::warn!("the first sync's imports are taking a while; starting the buyers anyway");
    Ok(status)
}
