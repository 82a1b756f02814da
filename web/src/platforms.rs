//! The marketplaces' settings, and the adapters they build. A platform with
//! no credentials is off; asking it for anything says which setting to fix.

use std::collections::BTreeMap;
use std::sync::Arc;

use riff_adapters::ebay::{item_url_prefix, EbayClient, EbayConfig, ListingDefaults, OAuthRefresh};
use riff_adapters::reverb::{ReverbClient, ReverbConfig};
use riff_adapters::shopify::{ShopifyClient, ShopifyConfig};
use riff_adapters::vr::{BrowserConfig, VrClient, VrConfig};
use riff_adapters::{OwnPictures, Secret};
use riff_domain::port::{Marketplace, PortError};
use riff_domain::value::{Currency, Platform};

use crate::secret::parse_secret;

const EBAY_API_URL: &str = "https://api.ebay.com/ws/api.dll";
const EBAY_OAUTH_URL: &str = "https://api.ebay.com/identity/v1/oauth2/token";
/// eBay's Media API (production), where pictures are uploaded.
const EBAY_MEDIA_API_URL: &str = "https://apim.ebay.com/commerce/media/v1_beta";
const REVERB_API_URL: &str = "https://api.reverb.com/api";
const SHOPIFY_API_VERSION: &str = "2025-07";
const VR_BASE_URL: &str = "https://www.vintageandrare.com";

/// Every marketplace setting (DESIGN §6). Each base URL can point at the
/// real platform, its sandbox, or a simulator.
#[derive(Debug, Clone, clap::Args)]
pub struct Marketplaces {
    /// The eBay Trading API gateway.
    #[arg(
        long,
        env = "EBAY_API_URL",
        default_value = EBAY_API_URL,
        global = true
    )]
    pub ebay_api_url: String,
    /// The eBay OAuth user token; eBay is off without it.
    #[arg(long, env = "EBAY_OAUTH_TOKEN", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub ebay_oauth_token: Option<Secret>,
    /// With EBAY_CLIENT_ID and EBAY_CLIENT_SECRET: renews the token when
    /// eBay refuses it.
    #[arg(long, env = "EBAY_REFRESH_TOKEN", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub ebay_refresh_token: Option<Secret>,
    #[arg(long, env = "EBAY_CLIENT_ID", global = true)]
    pub ebay_client_id: Option<String>,
    #[arg(long, env = "EBAY_CLIENT_SECRET", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub ebay_client_secret: Option<Secret>,
    /// eBay's OAuth token endpoint.
    #[arg(
        long,
        env = "EBAY_OAUTH_URL",
        default_value = EBAY_OAUTH_URL,
        global = true
    )]
    pub ebay_oauth_url: String,
    /// eBay's Media API, where pictures are uploaded when eBay cannot
    /// fetch them from RIFF_PUBLIC_URL.
    #[arg(
        long,
        env = "EBAY_MEDIA_API_URL",
        default_value = EBAY_MEDIA_API_URL,
        global = true
    )]
    pub ebay_media_api_url: String,
    /// Whether the marketplaces can fetch the pictures from Riff's own
    /// address (RIFF_PUBLIC_URL is a public https one); set from the
    /// configuration, not a setting of its own.
    #[arg(skip)]
    pub pictures_public: bool,
    /// Where Riff reads its own pictures to upload them: from the address
    /// it listens on; set at start-up, not a setting of its own.
    #[arg(skip)]
    pub own_pictures: OwnPictures,
    /// The eBay site: 3 is the UK.
    #[arg(long, env = "EBAY_SITE_ID", default_value_t = 3, global = true)]
    pub ebay_site_id: u32,
    /// Where the shop's items are, as eBay shows buyers (`Location`, e.g.
    /// "Manchester"); eBay needs it or EBAY_POSTAL_CODE.
    #[arg(long, env = "EBAY_LOCATION", global = true)]
    pub ebay_location: Option<String>,
    /// The items' postal code (`PostalCode`).
    #[arg(long, env = "EBAY_POSTAL_CODE", global = true)]
    pub ebay_postal_code: Option<String>,
    /// The items' country (ISO 3166 two letters); the site's by default.
    #[arg(long, env = "EBAY_COUNTRY", global = true)]
    pub ebay_country: Option<String>,
    /// The business policies every eBay listing uses, unless the listing's
    /// attributes name others (Seller Hub, Business policies).
    #[arg(long, env = "EBAY_PAYMENT_PROFILE_ID", global = true)]
    pub ebay_payment_profile_id: Option<String>,
    #[arg(long, env = "EBAY_RETURN_PROFILE_ID", global = true)]
    pub ebay_return_profile_id: Option<String>,
    #[arg(long, env = "EBAY_SHIPPING_PROFILE_ID", global = true)]
    pub ebay_shipping_profile_id: Option<String>,
    /// The Reverb shipping profile every Reverb listing uses, unless the
    /// listing's attributes name another.
    #[arg(long, env = "REVERB_SHIPPING_PROFILE_ID", global = true)]
    pub reverb_shipping_profile_id: Option<String>,
    /// The Reverb API root; paths such as /my/listings are appended.
    #[arg(
        long,
        env = "REVERB_API_URL",
        default_value = REVERB_API_URL,
        global = true
    )]
    pub reverb_api_url: String,
    /// The shop's root URL, e.g. https://my-shop.myshopify.com; Riff appends
    /// /admin/api/<version>/graphql.json. Shopify is off without it.
    #[arg(long, env = "SHOPIFY_SHOP_URL", global = true)]
    pub shopify_shop_url: Option<String>,
    /// The Admin API access token of the shop's custom app.
    #[arg(long, env = "SHOPIFY_ACCESS_TOKEN", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub shopify_access_token: Option<Secret>,
    /// The Admin API version.
    #[arg(long, env = "SHOPIFY_API_VERSION", default_value = SHOPIFY_API_VERSION, global = true)]
    pub shopify_api_version: String,
    /// The inventory location (a Location GID) whose quantities Riff sets.
    #[arg(long, env = "SHOPIFY_LOCATION_ID", global = true)]
    pub shopify_location_id: Option<String>,
    /// The sales channel (a Publication GID) Riff puts active products on;
    /// unset, the store's "Online Store".
    #[arg(long, env = "SHOPIFY_PUBLICATION_ID", global = true)]
    pub shopify_publication_id: Option<String>,
    /// The Vintage & Rare site root.
    #[arg(long, env = "VR_BASE_URL", default_value = VR_BASE_URL, global = true)]
    pub vr_base_url: String,
    /// The V&R account's user name; V&R is off without it.
    #[arg(long, env = "VR_USERNAME", global = true)]
    pub vr_username: Option<String>,
    #[arg(long, env = "VR_PASSWORD", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub vr_password: Option<Secret>,
    /// A `Cookie` header value harvested from a browser (`cf_clearance=…`)
    /// for when V&R's Cloudflare front challenges Riff.
    #[arg(long, env = "VR_COOKIES", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub vr_cookies: Option<Secret>,
    /// The User-Agent of the browser VR_COOKIES came from: Cloudflare's
    /// clearance holds only for it.
    #[arg(long, env = "VR_USER_AGENT", global = true)]
    pub vr_user_agent: Option<String>,
    /// The currency of the V&R account: its CSV export writes prices with
    /// no currency. Defaults to RIFF_CURRENCY.
    #[arg(long, env = "VR_CURRENCY", value_parser = parse_vr_currency, global = true)]
    pub vr_currency: Option<Currency>,
    /// How many days the shop takes to send an item, as every V&R listing
    /// says (its form's processing time).
    #[arg(
        long,
        env = "VR_PROCESSING_DAYS",
        default_value_t = riff_adapters::vr::client::DEFAULT_PROCESSING_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=60),
        global = true
    )]
    pub vr_processing_days: u32,
    /// auto: when Cloudflare challenges and VR_COOKIES do not pass, headless
    /// Chromium passes the challenge and logs in; off: a challenge is an
    /// error.
    #[arg(long, env = "VR_BROWSER", value_enum, default_value_t = VrBrowser::Auto, global = true)]
    pub vr_browser: VrBrowser,
    /// A running WebDriver (http://…) for that browser; without it Riff
    /// starts `chromedriver` (Debian's chromium-driver) on the loopback.
    #[arg(long, env = "VR_WEBDRIVER_URL", global = true)]
    pub vr_webdriver_url: Option<String>,
    /// The Reverb personal access token; Reverb is off without it.
    #[arg(long, env = "REVERB_API_TOKEN", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub reverb_api_token: Option<Secret>,
    /// The secret in the webhook address given to Reverb
    /// (/webhooks/reverb/<secret>); Reverb's webhooks are refused without it.
    #[arg(long, env = "REVERB_WEBHOOK_SECRET", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub reverb_webhook_secret: Option<Secret>,
    /// The app's webhook signing secret; Shopify's webhooks are refused
    /// without it.
    #[arg(long, env = "SHOPIFY_WEBHOOK_SECRET", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub shopify_webhook_secret: Option<Secret>,
    /// The eBay developer id: with EBAY_CLIENT_ID (the App ID) and
    /// EBAY_CLIENT_SECRET (the Cert ID) it verifies Platform Notifications,
    /// which are refused without all three.
    #[arg(long, env = "EBAY_DEV_ID", hide_env_values = true, value_parser = parse_secret, global = true)]
    pub ebay_dev_id: Option<Secret>,
}

/// Whether V&R's adapter may pass a Cloudflare challenge in headless
/// Chromium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VrBrowser {
    Auto,
    Off,
}

impl Default for Marketplaces {
    /// Every platform off, every address the real platform's.
    fn default() -> Self {
        Self {
            ebay_api_url: EBAY_API_URL.to_owned(),
            ebay_oauth_token: None,
            ebay_refresh_token: None,
            ebay_client_id: None,
            ebay_client_secret: None,
            ebay_oauth_url: EBAY_OAUTH_URL.to_owned(),
            ebay_media_api_url: EBAY_MEDIA_API_URL.to_owned(),
            pictures_public: false,
            own_pictures: OwnPictures::default(),
            ebay_site_id: 3,
            ebay_location: None,
            ebay_postal_code: None,
            ebay_country: None,
            ebay_payment_profile_id: None,
            ebay_return_profile_id: None,
            ebay_shipping_profile_id: None,
            reverb_shipping_profile_id: None,
            reverb_api_url: REVERB_API_URL.to_owned(),
            reverb_api_token: None,
            shopify_shop_url: None,
            shopify_access_token: None,
            shopify_api_version: SHOPIFY_API_VERSION.to_owned(),
            shopify_location_id: None,
            shopify_publication_id: None,
            vr_base_url: VR_BASE_URL.to_owned(),
            vr_username: None,
            vr_password: None,
            vr_cookies: None,
            vr_user_agent: None,
            vr_browser: VrBrowser::Auto,
            vr_currency: None,
            vr_processing_days: riff_adapters::vr::client::DEFAULT_PROCESSING_DAYS,
            vr_webdriver_url: None,
            reverb_webhook_secret: None,
            shopify_webhook_secret: None,
            ebay_dev_id: None,
        }
    }
}

/// Why a platform's adapter could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{platform} is not configured: set {setting}")]
    NotConfigured {
        platform: &'static str,
        setting: &'static str,
    },
    #[error("{setting}: {problem}")]
    Setting {
        setting: &'static str,
        problem: String,
    },
    #[error("{platform}'s settings are not usable: {source}")]
    Invalid {
        platform: &'static str,
        #[source]
        source: PortError,
    },
}

impl Marketplaces {
    /// The adapters of every platform that has credentials. A platform
    /// without any is simply off; one whose settings are unusable is
    /// reported, and the others still work.
    pub fn configured(&self) -> (BTreeMap<Platform, Arc<dyn Marketplace>>, Vec<SetupError>) {
        let mut adapters = BTreeMap::new();
        let mut problems = vec![];
        for platform in Platform::ALL {
            match self.adapter(platform) {
                Ok(adapter) => {
                    adapters.insert(platform, adapter);
                }
                Err(SetupError::NotConfigured { .. }) => {}
                Err(problem) => problems.push(problem),
            }
        }
        (adapters, problems)
    }

    /// The adapter for `platform`, built from these settings.
    ///
    /// # Errors
    /// The platform is off (no credentials) or has no adapter yet.
    pub fn adapter(&self, platform: Platform) -> Result<Arc<dyn Marketplace>, SetupError> {
        match platform {
            Platform::Ebay => self.ebay(),
            Platform::Reverb => self.reverb(),
            Platform::Shopify => self.shopify(),
            Platform::Vr => self.vr(),
        }
    }

    fn ebay(&self) -> Result<Arc<dyn Marketplace>, SetupError> {
        let token = required(
            Platform::Ebay,
            self.ebay_oauth_token.clone(),
            "EBAY_OAUTH_TOKEN",
        )?;
        let mut config = EbayConfig::new(&self.ebay_api_url, token);
        config.site_id = self.ebay_site_id;
        config.listing = self.ebay_listing_defaults()?;
        config.item_url_prefix = item_url_prefix(self.ebay_site_id);
        if let (Some(refresh_token), Some(client_id), Some(client_secret)) = (
            &self.ebay_refresh_token,
            &self.ebay_client_id,
            &self.ebay_client_secret,
        ) {
            config.refresh = Some(OAuthRefresh {
                refresh_token: refresh_token.clone(),
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                oauth_url: self.ebay_oauth_url.clone(),
            });
        }
        if !self.pictures_public {
            config.media_api_url = Some(self.ebay_media_api_url.clone());
        }
        config.own_pictures = self.own_pictures.clone();
        built(Platform::Ebay, EbayClient::new(config))
    }

    /// The site's defaults for a new listing, with the shop's own where it
    /// set them.
    fn ebay_listing_defaults(&self) -> Result<ListingDefaults, SetupError> {
        let mut listing =
            ListingDefaults::for_site(self.ebay_site_id).ok_or(SetupError::Setting {
                setting: "EBAY_SITE_ID",
                problem: format!(
                    "{} is not an eBay site Riff knows; use 3 (UK), 0 (US), 77 (Germany), \
                     15 (Australia), 2 (Canada), 71 (France), 101 (Italy), 186 (Spain), \
                     146 (Netherlands), 193 (Switzerland), 16 (Austria) or 205 (Ireland)",
                    self.ebay_site_id
                ),
            })?;
        if let Some(country) = given(&self.ebay_country) {
            listing.country = country.trim().to_uppercase();
        }
        listing.location = given(&self.ebay_location);
        listing.postal_code = given(&self.ebay_postal_code);
        listing.payment_profile_id = given(&self.ebay_payment_profile_id);
        listing.return_profile_id = given(&self.ebay_return_profile_id);
        listing.shipping_profile_id = given(&self.ebay_shipping_profile_id);
        Ok(listing)
    }

    fn reverb(&self) -> Result<Arc<dyn Marketplace>, SetupError> {
        let token = required(
            Platform::Reverb,
            self.reverb_api_token.clone(),
            "REVERB_API_TOKEN",
        )?;
        let mut config = ReverbConfig::new(&self.reverb_api_url, token);
        config.shipping_profile_id = given(&self.reverb_shipping_profile_id);
        built(Platform::Reverb, ReverbClient::new(config))
    }

    fn shopify(&self) -> Result<Arc<dyn Marketplace>, SetupError> {
        let shop_url = required(
            Platform::Shopify,
            given(&self.shopify_shop_url),
            "SHOPIFY_SHOP_URL",
        )?;
        let token = required(
            Platform::Shopify,
            self.shopify_access_token.clone(),
            "SHOPIFY_ACCESS_TOKEN",
        )?;
        let mut config = ShopifyConfig::new(shop_url, token);
        config.api_version.clone_from(&self.shopify_api_version);
        config.location_id.clone_from(&self.shopify_location_id);
        config.publication_id = given(&self.shopify_publication_id);
        config.stage_pictures = !self.pictures_public;
        config.own_pictures = self.own_pictures.clone();
        built(Platform::Shopify, ShopifyClient::new(config))
    }

    fn vr(&self) -> Result<Arc<dyn Marketplace>, SetupError> {
        let username = required(Platform::Vr, given(&self.vr_username), "VR_USERNAME")?;
        let password = required(Platform::Vr, self.vr_password.clone(), "VR_PASSWORD")?;
        let mut config = VrConfig::new(&self.vr_base_url, username, password);
        config.cookies.clone_from(&self.vr_cookies);
        if let Some(currency) = self.vr_currency {
            config.currency = currency;
        }
        config.user_agent = given(&self.vr_user_agent);
        config.browser = (self.vr_browser == VrBrowser::Auto).then(|| BrowserConfig {
            webdriver_url: given(&self.vr_webdriver_url),
            ..BrowserConfig::default()
        });
        config.own_pictures = self.own_pictures.clone();
        config.processing_days = self.vr_processing_days;
        built(Platform::Vr, VrClient::new(config))
    }
}

/// A setting's value, unless it was left out or blank.
fn given(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.trim().is_empty())
}

/// A setting the platform cannot work without: the platform is off while
/// it is missing.
fn required<T>(
    platform: Platform,
    value: Option<T>,
    setting: &'static str,
) -> Result<T, SetupError> {
    value.ok_or(SetupError::NotConfigured {
        platform: platform.display_name(),
        setting,
    })
}

/// The client as the platform's adapter, or why its settings are unusable.
fn built<C: Marketplace + 'static>(
    platform: Platform,
    client: Result<C, PortError>,
) -> Result<Arc<dyn Marketplace>, SetupError> {
    match client {
        Ok(client) => Ok(Arc::new(client)),
        Err(source) => Err(SetupError::Invalid {
            platform: platform.display_name(),
            source,
        }),
    }
}

fn parse_vr_currency(raw: &str) -> Result<Currency, String> {
    Currency::parse(raw).map_err(|e| format!("VR_CURRENCY: {}", e.message))
}
