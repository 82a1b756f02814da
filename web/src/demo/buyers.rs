//! Simulated buyers: every so often one buys a random live item on a random
//! marketplace, exactly as a buyer would there, and Riff has to notice and
//! end the item's other listings.
//!
//! eBay, Reverb and Shopify tell Riff by webhook; V&R sends none, so after a
//! V&R sale the buyers ask Riff to sync V&R, as the owner (or the schedule)
//! would.
//!
//! A buyer never buys what another buyer has already bought out: a second
//! sale of a sold guitar is a real and flagged event in Riff, but the demo
//! is about watching a sale propagate, not refunds.

use std::collections::HashMap;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use riff_adapters::ebay::simulator::SimStatus as EbayStatus;
use riff_adapters::reverb::simulator::SimState as ReverbState;
use riff_adapters::shopify::simulator::SimStatus as ShopifyStatus;
use riff_domain::value::Platform;

use super::api::RiffApi;
use super::catalogue::STOCK;
use super::welcome::say;
use crate::sim::Simulators;

/// A listing a buyer can buy right now.
struct Offer {
    platform: Platform,
    external_id: String,
    sku: Option<String>,
    title: String,
    /// Units the platform shows as available.
    units: u32,
}

impl Offer {
    /// What identifies the item across platforms: its SKU, or for a
    /// listing without one, the listing itself.
    fn item(&self) -> String {
        self.sku
            .clone()
            .unwrap_or_else(|| format!("{}:{}", self.platform, self.external_id))
    }
}

/// Buys one item every `every`, forever (the caller stops it).
pub(super) async fn run(sims: &Simulators, api: &RiffApi, every: Duration) {
    let mut rng = StdRng::from_rng(&mut rand::rng());
    // Units bought of each item so far.
    let mut bought: HashMap<String, u32> = HashMap::new();
    let mut sold_out_said = false;
    loop {
        tokio::time::sleep(every).await;
        let offers = live_offers(sims);
        let buyable: Vec<&Offer> = offers
            .iter()
            .filter(|o| bought.get(&o.item()).copied().unwrap_or(0) < o.units)
            .collect();
        let mut platforms: Vec<Platform> = buyable.iter().map(|o| o.platform).collect();
        platforms.sort();
        platforms.dedup();
        let Some(platform) = platforms.choose(&mut rng).copied() else {
            if !sold_out_said {
                say("Everything listed has sold; the buyers go home. (Ctrl-C to stop.)");
                sold_out_said = true;
            }
            continue;
        };
        let here: Vec<&Offer> = buyable
            .iter()
            .copied()
            .filter(|o| o.platform == platform)
            .collect();
        let Some(offer) = here.choose(&mut rng).copied() else {
            continue;
        };
        if !buy(sims, offer) {
            tracing::debug!(platform = %offer.platform, external_id = %offer.external_id, "the buyer was too late");
            continue;
        }
        *bought.entry(offer.item()).or_default() += 1;
        say(&announcement(offer, &offers));
        if offer.platform == Platform::Vr {
            if let Err(error) = api.start_sync(Some(Platform::Vr)).await {
                tracing::warn!(%error, "cannot ask Riff to sync V&R after a sale there");
            }
        }
    }
}

/// One line for the owner about the sale of `offer`, naming where to watch.
fn announcement(offer: &Offer, offers: &[Offer]) -> String {
    let platform = offer.platform.display_name();
    // The shop's own title where it has one: V&R lists only brand and model.
    let title = offer
        .sku
        .as_deref()
        .and_then(|sku| STOCK.iter().find(|item| item.sku == sku))
        .map_or(offer.title.as_str(), |item| item.title);
    let same: Vec<&Offer> = offers
        .iter()
        .filter(|o| offer.sku.is_some() && o.sku == offer.sku)
        .collect();
    let mut elsewhere: Vec<Platform> = same
        .iter()
        .map(|o| o.platform)
        .filter(|p| *p != offer.platform)
        .collect();
    elsewhere.sort();
    elsewhere.dedup();
    let others: Vec<&str> = elsewhere.iter().map(|p| p.display_name()).collect();
    let left = same
        .iter()
        .map(|o| o.units)
        .min()
        .unwrap_or(1)
        .saturating_sub(1);
    let vr = if offer.platform == Platform::Vr {
        " (V&R sends no webhooks, so Riff syncs it now)"
    } else {
        ""
    };
    if left > 0 {
        return format!(
            "A buyer bought one '{title}' on {platform}{vr}; watch its other listings drop to {left} left"
        );
    }
    match others.as_slice() {
        [] => format!(
            "A buyer bought '{title}' on {platform}{vr}, its only listing; watch it show sold"
        ),
        [one] => format!("A buyer bought '{title}' on {platform}{vr}; watch it end on {one}"),
        [first @ .., last] => format!(
            "A buyer bought '{title}' on {platform}{vr}; watch it end on {} and {last}",
            first.join(", ")
        ),
    }
}

/// Buys one unit of `offer` on its simulator; `false` if it was gone.
fn buy(sims: &Simulators, offer: &Offer) -> bool {
    let id = offer.external_id.as_str();
    match offer.platform {
        Platform::Ebay => sims.ebay().buy(id),
        Platform::Reverb => sims.reverb().buy(id),
        Platform::Shopify => sims.shopify().buy(id),
        Platform::Vr => sims.vr().buy(id),
    }
    .is_some()
}

/// Every listing for sale on the four simulators now.
fn live_offers(sims: &Simulators) -> Vec<Offer> {
    let sku = |s: Option<String>| s.filter(|s| !s.is_empty());
    let ebay = sims
        .ebay()
        .listings()
        .into_iter()
        .filter(|l| l.status == EbayStatus::Active && l.available() > 0)
        .map(|l| Offer {
            platform: Platform::Ebay,
            units: l.available(),
            external_id: l.item_id,
            sku: sku(l.sku),
            title: l.title,
        });
    let reverb = sims
        .reverb()
        .listings()
        .into_iter()
        .filter(|l| l.state == ReverbState::Live && l.inventory > 0)
        .map(|l| Offer {
            platform: Platform::Reverb,
            external_id: l.id.to_string(),
            sku: sku(l.sku),
            title: l.title,
            units: l.inventory,
        });
    let shopify = sims
        .shopify()
        .products()
        .into_iter()
        .filter(|p| p.status == ShopifyStatus::Active && p.inventory > 0)
        .map(|p| Offer {
            platform: Platform::Shopify,
            external_id: p.gid(),
            units: u32::try_from(p.inventory).unwrap_or(u32::MAX),
            sku: sku(p.sku),
            title: p.title,
        });
    let vr = sims
        .vr()
        .listings()
        .into_iter()
        .filter(|i| !i.sold && !i.deleted)
        .map(|i| Offer {
            platform: Platform::Vr,
            external_id: i.id.to_string(),
            sku: sku(i.sku),
            title: format!("{} {}", i.brand, i.model),
            units: 1,
        });
    ebay.chain(reverb).chain(shopify).chain(vr).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(platform: Platform, sku: Option<&str>, units: u32) -> Offer {
        Offer {
            platform,
            external_id: "1".into(),
            sku: sku.map(str::to_owned),
            title: "Gibson Les Paul Standard 1959 Reissue".into(),
            units,
        }
    }

    #[test]
    fn a_sale_names_the_platforms_where_the_item_will_end() {
        let offers = [
            offer(Platform::Reverb, Some("LP"), 1),
            offer(Platform::Ebay, Some("LP"), 1),
            offer(Platform::Shopify, Some("LP"), 1),
            offer(Platform::Ebay, Some("OTHER"), 1),
        ];
        assert_eq!(
            announcement(&offers[0], &offers),
            "A buyer bought 'Gibson Les Paul Standard 1959 Reissue' on Reverb; \
             watch it end on eBay and Shopify"
        );
    }

    #[test]
    fn a_sale_is_told_with_the_shops_own_title() {
        let mut on_vr = offer(Platform::Vr, Some("FEN-STRAT-65"), 1);
        on_vr.title = "Fender Stratocaster".into();
        let said = announcement(&on_vr, std::slice::from_ref(&on_vr));
        assert!(
            said.contains("'Fender Stratocaster 1965 L-Series'"),
            "{said}"
        );
    }

    #[test]
    fn a_sale_of_stock_says_how_many_are_left() {
        let offers = [
            offer(Platform::Shopify, Some("DS1"), 3),
            offer(Platform::Ebay, Some("DS1"), 3),
        ];
        assert!(announcement(&offers[0], &offers).ends_with("drop to 2 left"));
    }

    #[test]
    fn a_sale_of_a_listing_without_a_sku_stands_alone() {
        let offers = [offer(Platform::Vr, None, 1), offer(Platform::Ebay, None, 1)];
        let said = announcement(&offers[0], &offers);
        assert!(said.contains("its only listing"), "{said}");
        assert!(said.contains("no webhooks"), "{said}");
    }
}
