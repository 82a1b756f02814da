//! The shop's settings the sync engine decides with, taken from Riff's
//! configuration.

use std::time::Duration;

use riff_domain::listing::readiness::ShopTerms;
use riff_domain::policy::PlatformPriority;
use riff_domain::value::Currency;

/// The shop's settings the engine decides with.
pub struct Shop {
    pub priority: PlatformPriority,
    pub currency: Currency,
    /// Where marketplaces fetch Riff's images from (`RIFF_PUBLIC_URL`).
    pub public_url: String,
    /// What the shop has set once for every listing, for readiness.
    pub terms: ShopTerms,
    /// How long edits gather before a listing is revised
    /// (`RIFF_REVISE_DELAY`).
    pub revise_delay: Duration,
}

impl From<&crate::config::Config> for Shop {
    fn from(config: &crate::config::Config) -> Self {
        let m = &config.marketplaces;
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        Self {
            priority: config.platform_priority.clone(),
            currency: config.currency,
            public_url: config.public_url(),
            revise_delay: config.revise_delay,
            terms: ShopTerms {
                ebay_location: set(&m.ebay_location) || set(&m.ebay_postal_code),
                ebay_policies: [
                    set(&m.ebay_shipping_profile_id),
                    set(&m.ebay_return_profile_id),
                    set(&m.ebay_payment_profile_id),
                ],
                reverb_shipping: set(&m.reverb_shipping_profile_id),
                public_https: config
                    .public_url
                    .as_deref()
                    .is_some_and(crate::public_net::reachable_https),
            },
        }
    }
}
