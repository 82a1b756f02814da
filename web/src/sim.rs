//! `riff sim`: the marketplace simulators on one port, for trying Riff and
//! for tests that run the binary. Each simulator speaks its platform's real
//! wire format (see `riff_adapters`), so Riff talks to them exactly as it
//! would to the platforms.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use riff_adapters::ebay::simulator::{SimConfig, API_PATH, MEDIA_PATH, OAUTH_PATH};
use riff_adapters::ebay::EbaySimulator;
use riff_adapters::reverb::ReverbSimulator;
use riff_adapters::shopify::ShopifySimulator;
use riff_adapters::simulator::Simulator as _;
use riff_adapters::vr::VrSimulator;
use riff_adapters::Secret;
use riff_domain::value::Platform;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::platforms::Marketplaces;

/// A wait drawn evenly from half to one and a half times `mean`: calls to
/// a platform take about its typical time, never all the same.
fn around(mean: Duration) -> Duration {
    mean.mul_f64(rand::random_range(0.5..1.5))
}

/// The token the simulated Reverb accepts.
const REVERB_TOKEN: &str = "sim-reverb-token";
/// The Admin API token the simulated Shopify accepts.
const SHOPIFY_TOKEN: &str = "shpat_sim";
/// The account the simulated V&R site lets in.
const VR_USERNAME: &str = "sim-shop";
const VR_PASSWORD: &str = "sim-password";
/// The simulated shop's one inventory location.
const SHOPIFY_LOCATION: &str = "gid://shopify/Location/70000000001";
/// Where the simulated shop's items are, as eBay needs to know.
const EBAY_LOCATION: &str = "Manchester";
const EBAY_POSTAL_CODE: &str = "M1 1AE";
/// The simulated shop's eBay business policies: shipping, returns, payment.
const EBAY_PROFILES: (&str, &str, &str) = ("6196932000", "6196933000", "6196934000");
/// The simulated Reverb shop's shipping profile.
const REVERB_SHIPPING_PROFILE: &str = "81462";
/// The secrets the simulators sign (or address) their webhooks with.
const SHOPIFY_WEBHOOK_SECRET: &str = "sim-shopify-webhook-secret";
const REVERB_WEBHOOK_SECRET: &str = "sim-reverb-webhook-secret";
const EBAY_DEV_ID: &str = "sim-dev-id";

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot read the seed file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the seed file {path} is not valid: {source}; expected {{\"ebay\": [{{\"sku\"?, \"title\", \"price\", \"quantity\"?}}], \"reverb\": [...], \"shopify\": [...], \"vr\": [...]}}")]
    Seed {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot listen on {addr}: {source}; is another program using it?")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the simulators stopped: {0}")]
    Serve(#[from] std::io::Error),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    #[serde(default)]
    ebay: Vec<SeedListing>,
    #[serde(default)]
    reverb: Vec<SeedListing>,
    #[serde(default)]
    shopify: Vec<SeedListing>,
    #[serde(default)]
    vr: Vec<SeedListing>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedListing {
    sku: Option<String>,
    /// V&R lists brand and model rather than a title; the title is the
    /// model there.
    brand: Option<String>,
    title: String,
    price: Decimal,
    quantity: Option<u32>,
}

/// How long each platform typically takes to answer a call: what the
/// simulators wait, around it, when [`Simulators::set_latency`] is on.
/// eBay's Trading API is the slowest of the APIs; V&R is a web site whose
/// pages render on the server.
pub const TYPICAL_LATENCY: [(Platform, Duration); 4] = [
    (Platform::Ebay, Duration::from_millis(500)),
    (Platform::Reverb, Duration::from_millis(300)),
    (Platform::Shopify, Duration::from_millis(200)),
    (Platform::Vr, Duration::from_millis(1000)),
];

/// The simulated marketplaces, seeded.
pub struct Simulators {
    ebay: EbaySimulator,
    ebay_config: SimConfig,
    reverb: ReverbSimulator,
    shopify: ShopifySimulator,
    vr: VrSimulator,
    /// Whether each call waits about its platform's typical time.
    latency: Arc<AtomicBool>,
}

impl Simulators {
    /// Simulators holding the listings of the seed file, if any.
    ///
    /// # Errors
    /// The file cannot be read or is not a seed file.
    pub fn new(seed: Option<&Path>) -> Result<Self, SimError> {
        let seed = match seed {
            None => SeedFile::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| SimError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                serde_json::from_str(&text).map_err(|source| SimError::Seed {
                    path: path.display().to_string(),
                    source,
                })?
            }
        };
        let ebay_config = SimConfig::default();
        let ebay = EbaySimulator::new(ebay_config.clone());
        for l in &seed.ebay {
            match &l.sku {
                Some(sku) => ebay.seed_listing(sku, &l.title, l.price, l.quantity.unwrap_or(1)),
                None => ebay.add_external_listing(&l.title, l.price),
            };
        }
        let reverb = ReverbSimulator::new(REVERB_TOKEN);
        for l in &seed.reverb {
            match &l.sku {
                Some(sku) => reverb.seed_listing(sku, &l.title, l.price, l.quantity.unwrap_or(1)),
                None => reverb.add_external_listing(&l.title, l.price),
            };
        }
        let shopify = ShopifySimulator::new(SHOPIFY_TOKEN);
        for l in &seed.shopify {
            match &l.sku {
                Some(sku) => shopify.seed_listing(sku, &l.title, l.price, l.quantity.unwrap_or(1)),
                None => shopify.add_external_listing(&l.title, l.price),
            };
        }
        let vr = VrSimulator::new(VR_USERNAME, VR_PASSWORD);
        for l in &seed.vr {
            let brand = l.brand.as_deref().unwrap_or("Unbranded");
            match &l.sku {
                Some(sku) => vr.seed_listing(sku, brand, &l.title, l.price),
                None => vr.add_external_listing(brand, &l.title, l.price),
            };
        }
        Ok(Self {
            ebay,
            ebay_config,
            reverb,
            shopify,
            vr,
            latency: Arc::default(),
        })
    }

    /// The settings that point Riff at simulators served on `base`.
    pub fn settings(&self, base: &str) -> Marketplaces {
        let c = &self.ebay_config;
        Marketplaces {
            ebay_api_url: format!("{base}{API_PATH}"),
            ebay_oauth_token: Some(Secret::new(c.token.clone())),
            ebay_refresh_token: Some(Secret::new(c.refresh_token.clone())),
            ebay_client_id: Some(c.client_id.clone()),
            ebay_client_secret: Some(Secret::new(c.client_secret.clone())),
            ebay_oauth_url: format!("{base}{OAUTH_PATH}"),
            ebay_media_api_url: format!("{base}{MEDIA_PATH}"),
            reverb_api_url: format!("{base}/api"),
            reverb_api_token: Some(Secret::new(REVERB_TOKEN)),
            reverb_shipping_profile_id: Some(REVERB_SHIPPING_PROFILE.to_owned()),
            shopify_shop_url: Some(base.to_owned()),
            shopify_access_token: Some(Secret::new(SHOPIFY_TOKEN)),
            shopify_location_id: Some(SHOPIFY_LOCATION.to_owned()),
            ebay_location: Some(EBAY_LOCATION.to_owned()),
            ebay_postal_code: Some(EBAY_POSTAL_CODE.to_owned()),
            ebay_shipping_profile_id: Some(EBAY_PROFILES.0.to_owned()),
            ebay_return_profile_id: Some(EBAY_PROFILES.1.to_owned()),
            ebay_payment_profile_id: Some(EBAY_PROFILES.2.to_owned()),
            vr_base_url: base.to_owned(),
            vr_username: Some(VR_USERNAME.to_owned()),
            vr_password: Some(Secret::new(VR_PASSWORD)),
            ..Marketplaces::default()
        }
    }

    pub fn ebay(&self) -> &EbaySimulator {
        &self.ebay
    }

    pub fn reverb(&self) -> &ReverbSimulator {
        &self.reverb
    }

    pub fn shopify(&self) -> &ShopifySimulator {
        &self.shopify
    }

    pub fn vr(&self) -> &VrSimulator {
        &self.vr
    }

    /// Has every call wait about its platform's typical time
    /// ([`TYPICAL_LATENCY`]), as the real platforms do, or answer at once
    /// (the default). Takes effect on the next call.
    pub fn set_latency(&self, on: bool) {
        self.latency.store(on, Ordering::Relaxed);
    }

    fn router(&self) -> axum::Router {
        let slow = |platform: Platform, router: axum::Router| {
            let mean = TYPICAL_LATENCY
                .iter()
                .find(|(p, _)| *p == platform)
                .map_or(Duration::ZERO, |(_, mean)| *mean);
            let on = self.latency.clone();
            router.layer(axum::middleware::from_fn(
                move |request: axum::extract::Request, next: axum::middleware::Next| {
                    let on = on.load(Ordering::Relaxed);
                    async move {
                        if on {
                            tokio::time::sleep(around(mean)).await;
                        }
                        next.run(request).await
                    }
                },
            ))
        };
        slow(Platform::Ebay, self.ebay.router())
            .merge(slow(Platform::Reverb, self.reverb.router()))
            .merge(slow(Platform::Shopify, self.shopify.router()))
            .merge(slow(Platform::Vr, self.vr.router()))
    }

    /// Serves every simulator on a free loopback port in the background (for
    /// tests and `riff demo`) and returns the settings that point Riff at
    /// them.
    ///
    /// # Errors
    /// No port can be bound.
    pub async fn spawn(&self) -> Result<Marketplaces, SimError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let router = self.router();
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "the simulators stopped");
            }
        });
        Ok(self.settings(&base))
    }

    /// Adds the settings that verify the simulators' webhooks (see
    /// [`Simulators::send_webhooks_to`]).
    pub fn accept_webhooks(settings: &mut Marketplaces) {
        settings.shopify_webhook_secret = Some(Secret::new(SHOPIFY_WEBHOOK_SECRET));
        settings.reverb_webhook_secret = Some(Secret::new(REVERB_WEBHOOK_SECRET));
        settings.ebay_dev_id = Some(Secret::new(EBAY_DEV_ID));
    }

    /// Has the simulated Shopify, Reverb and eBay push their webhooks to the
    /// Riff at `riff_base`, signed as each platform signs them, with the
    /// secrets [`Simulators::accept_webhooks`] sets.
    pub fn send_webhooks_to(&self, riff_base: &str) {
        let shopify_secret = SHOPIFY_WEBHOOK_SECRET;
        let reverb_secret = REVERB_WEBHOOK_SECRET;
        self.shopify
            .set_webhook(riff_adapters::shopify::simulator::WebhookTarget {
                url: format!("{riff_base}/webhooks/shopify"),
                secret: Secret::new(shopify_secret),
            });
        self.reverb
            .set_webhook(riff_adapters::reverb::simulator::WebhookTarget {
                url: format!("{riff_base}/webhooks/reverb/{reverb_secret}"),
            });
        let dev_id = EBAY_DEV_ID;
        let c = &self.ebay_config;
        self.ebay
            .set_webhook(riff_adapters::ebay::simulator::WebhookTarget {
                url: format!("{riff_base}/webhooks/ebay"),
                ids: riff_adapters::ebay::EbayNotifyIds {
                    dev_id: Secret::new(dev_id),
                    app_id: Secret::new(c.client_id.clone()),
                    cert_id: Secret::new(c.client_secret.clone()),
                },
            });
    }

    /// Serves every simulator on `bind` and prints the settings that point
    /// Riff at them, until `shutdown` completes.
    ///
    /// # Errors
    /// The address cannot be bound, or serving fails.
    pub async fn run(
        self,
        bind: SocketAddr,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), SimError> {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|source| SimError::Bind { addr: bind, source })?;
        let base = format!("http://{}", listener.local_addr()?);
        let c = &self.ebay_config;
        // The settings go to standard output, ready for `export` or a .env
        // file; nobody reading them must not stop the simulators.
        let _ = writeln!(
            std::io::stdout(),
            "# Simulated marketplaces on {base}. Point Riff at them with:\n\
             EBAY_API_URL={base}{API_PATH}\n\
             EBAY_OAUTH_TOKEN={}\n\
             EBAY_REFRESH_TOKEN={}\n\
             EBAY_CLIENT_ID={}\n\
             EBAY_CLIENT_SECRET={}\n\
             EBAY_OAUTH_URL={base}{OAUTH_PATH}\n\
             EBAY_MEDIA_API_URL={base}{MEDIA_PATH}\n\
             EBAY_LOCATION={EBAY_LOCATION}\n\
             EBAY_POSTAL_CODE={EBAY_POSTAL_CODE}\n\
             EBAY_SHIPPING_PROFILE_ID={}\n\
             EBAY_RETURN_PROFILE_ID={}\n\
             EBAY_PAYMENT_PROFILE_ID={}\n\
             REVERB_API_URL={base}/api\n\
             REVERB_API_TOKEN={REVERB_TOKEN}\n\
             REVERB_SHIPPING_PROFILE_ID={REVERB_SHIPPING_PROFILE}\n\
             SHOPIFY_SHOP_URL={base}\n\
             SHOPIFY_ACCESS_TOKEN={SHOPIFY_TOKEN}\n\
             SHOPIFY_LOCATION_ID={SHOPIFY_LOCATION}\n\
             VR_BASE_URL={base}\n\
             VR_USERNAME={VR_USERNAME}\n\
             VR_PASSWORD={VR_PASSWORD}",
            c.token,
            c.refresh_token,
            c.client_id,
            c.client_secret,
            EBAY_PROFILES.0,
            EBAY_PROFILES.1,
            EBAY_PROFILES.2
        );
        let router = self.router();
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    /// The time one call to the simulated Reverb takes.
    async fn one_call(reverb_api_url: &str) -> Duration {
        let started = Instant::now();
        reqwest::get(format!("{reverb_api_url}/my/listings"))
            .await
            .expect("the simulators answer");
        started.elapsed()
    }

    #[tokio::test]
    async fn with_latency_on_a_call_takes_about_the_platform_s_typical_time() {
        let simulators = Simulators::new(None).unwrap();
        let settings = simulators.spawn().await.unwrap();
        assert!(one_call(&settings.reverb_api_url).await < Duration::from_millis(150));
        simulators.set_latency(true);
        let slow = one_call(&settings.reverb_api_url).await;
        assert!(
            (Duration::from_millis(150)..Duration::from_millis(1000)).contains(&slow),
            "Reverb typically answers in 300 ms: {slow:?}"
        );
        simulators.set_latency(false);
        assert!(one_call(&settings.reverb_api_url).await < Duration::from_millis(150));
    }
}
