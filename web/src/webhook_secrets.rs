//! What verifies each platform's webhook deliveries, from the marketplace
//! settings: part of the application's state, which the webhook door
//! reads.

use riff_adapters::ebay::EbayNotifyIds;
use riff_adapters::Secret;

use crate::platforms::Marketplaces;

/// What verifies each platform's deliveries; a platform without it refuses
/// them all.
#[derive(Debug, Clone, Default)]
pub struct WebhookSecrets {
    pub shopify: Option<Secret>,
    pub reverb: Option<Secret>,
    pub ebay: Option<EbayNotifyIds>,
}

impl From<&Marketplaces> for WebhookSecrets {
    fn from(settings: &Marketplaces) -> Self {
        let ebay = match (
            &settings.ebay_dev_id,
            &settings.ebay_client_id,
            &settings.ebay_client_secret,
        ) {
            (Some(dev_id), Some(app_id), Some(cert_id)) => Some(EbayNotifyIds {
                dev_id: dev_id.clone(),
                app_id: Secret::new(app_id.clone()),
                cert_id: cert_id.clone(),
            }),
            _ => None,
        };
        Self {
            shopify: settings.shopify_webhook_secret.clone(),
            reverb: settings.reverb_webhook_secret.clone(),
            ebay,
        }
    }
}
