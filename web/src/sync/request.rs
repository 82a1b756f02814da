//! The request an adapter is given to put a product on its platform, made
//! in one place from the product, the shop's settings and the listing's
//! own attributes: the effects worker publishes and revises with it, and
//! readiness asks a platform to verify it, so what is checked is what is
//! sent.

use riff_domain::listing::price::{listing_price, ListingPricing};
use riff_domain::listing::{defaults, PlatformAttributes};
use riff_domain::port::PublishRequest;
use riff_domain::value::{MediaKind, Money, Sku};
use riff_domain::{Product, Settings};
use uuid::Uuid;

/// The listing's side of a request.
pub(crate) struct ListingFacts {
    pub(crate) listing_id: Uuid,
    /// Its own attributes; a listing Riff found rather than made has none,
    /// and the adapter fills what it needs from the product, as for a new
    /// one.
    pub(crate) attributes: PlatformAttributes,
    /// The price the platform shows now, if it is up.
    pub(crate) shown: Option<Money>,
}

/// The request for `listing` of `product` (whose SKU is `sku`); `None` for
/// a product with no details or price yet. Pictures are addressed under
/// `public_url`, where the platforms fetch them.
pub(crate) fn publish_request(
    sku: Sku,
    product: &Product,
    settings: &Settings,
    listing: ListingFacts,
    public_url: &str,
) -> Option<PublishRequest> {
    let (Some(details), Some(price)) = (product.details.clone(), product.price) else {
        return None;
    };
    let platform = listing.attributes.platform();
    // What the owner left out — the platform's category, the condition on
    // its scale, the item specifics the category requires — comes from the
    // shop's category map as it is now, so that the platform accepts the
    // listing and an entry the owner just changed is the one sent.
    let attributes = defaults::complete(listing.attributes, &details, &settings.category_map());
    // Its own price, or the product's moved by its platform's rule as the
    // rule is now: the price the sagas decided to revise it to.
    let price = listing_price(
        price,
        ListingPricing {
            own: attributes.own_price(),
            shown: listing.shown,
            rule: settings.price_rule(platform),
        },
    );
    let picture_urls = product
        .media
        .iter()
        .filter_map(|media| match &media.kind {
            MediaKind::ImageUrl { url } => Some(url.clone()),
            MediaKind::StoredImage { sha256, .. } => Some(format!(
                "{}/media/{sha256}",
                public_url.trim_end_matches('/')
            )),
            MediaKind::Dropbox { .. } | MediaKind::YouTube { .. } => None,
        })
        .collect();
    let video_url = product.media.iter().find_map(|media| match &media.kind {
        MediaKind::YouTube { video_id } => {
            Some(format!("https://www.youtube.com/watch?v={video_id}"))
        }
        _ => None,
    });
    Some(PublishRequest {
        listing_id: listing.listing_id,
        sku,
        details,
        price,
        quantity: product.quantity.max(1),
        picture_urls,
        video_url,
        attributes,
    })
}
