//! The Marketplace port: the narrow set of calls the sync engine makes on a
//! platform, whatever that platform's wire format.
//!
//! The trait is object-safe (`Arc<dyn Marketplace>`), so the application can
//! hold one adapter per configured platform, and a test can swap in a
//! simulator-backed one. Nothing here does I/O; the adapters in
//! `riff-adapters` implement it over HTTP.
//!
//! Every method is one attempt at one operation from the caller's point of
//! view. Adapters may retry *reads* (a [`Marketplace::scan`] or
//! [`Marketplace::get`]) on transient failures, but never writes: whether a
//! write that failed half-way should be tried again is the effect worker's
//! decision, made with the listing's history in hand (DESIGN §4).

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::listing::sent::Changes;
use crate::listing::{EndReason, PlatformAttributes};
use crate::value::{Money, Platform, ProductDetails, Sku};

/// A marketplace Riff publishes to and reads back from.
#[async_trait]
pub trait Marketplace: Send + Sync {
    /// Which platform this adapter speaks to, for logs and for routing
    /// outcomes to the right listing.
    fn platform(&self) -> Platform;

    /// Creates a live listing.
    ///
    /// Publishing the same [`PublishRequest::listing_id`] twice must not
    /// create two listings: adapters pass it to the platform as its
    /// idempotency key (eBay's `UUID`) or look the listing up by SKU first,
    /// and return the listing that already exists.
    ///
    /// # Errors
    /// Any [`PortError`]; `Validation` when the platform refused the content.
    async fn publish(&self, request: &PublishRequest) -> Result<Published, PortError>;

    /// Brings a live listing to the request: the parts in `changes`, and
    /// only those, as far as the platform lets a revision leave the rest
    /// out (the request holds the whole product, for a platform whose edit
    /// replaces everything).
    ///
    /// # Errors
    /// [`PortError::AlreadyEnded`] when the listing has ended on the platform
    /// (it cannot be revised any more); [`PortError::NotFound`] when the
    /// platform does not know it.
    async fn revise(
        &self,
        external_id: &str,
        request: &PublishRequest,
        changes: &Changes,
    ) -> Result<(), PortError>;

    /// Ends a live listing.
    ///
    /// # Errors
    /// [`PortError::AlreadyEnded`] when the platform says it had already
    /// ended. Ending is idempotent in the model (DESIGN §2), so the caller
    /// records that as ended by the platform rather than as a failure.
    async fn end(&self, external_id: &str, reason: EndReason) -> Result<(), PortError>;

    /// Reads every live listing (and, where the platform keeps them in the
    /// same list, the ended ones), following every page.
    ///
    /// # Errors
    /// Any [`PortError`]. All or nothing: a reconcile that acted on half a
    /// list would take the missing listings for ended ones.
    async fn listings(&self) -> Result<Listings, PortError>;

    /// Reads every sale made since `sales_since`, following every page, and
    /// nothing else: what a webhook's targeted reconcile needs to record a
    /// sale at once, whatever the size of the shop.
    ///
    /// # Errors
    /// Any [`PortError`]; all or nothing.
    async fn sales(&self, sales_since: DateTime<Utc>) -> Result<Sales, PortError>;

    /// Reads every live listing and every sale made since `sales_since`,
    /// for a full reconcile run.
    ///
    /// # Errors
    /// Any [`PortError`] from either read.
    async fn scan(&self, sales_since: DateTime<Utc>) -> Result<Scan, PortError> {
        let listings = self.listings().await?;
        let sales = self.sales(sales_since).await?;
        Ok(Scan {
            listings: listings.listings,
            sales: sales.sales,
            requests: listings.requests + sales.requests,
            coverage: Coverage::Complete,
        })
    }

    /// What the adapter chose from the platform itself where a setting was
    /// left unset (Shopify's stock location), in words for the start-up
    /// log and `riff platforms scan`. Most adapters choose nothing.
    ///
    /// # Errors
    /// The platform could not be read, or offers no single choice; the
    /// message says which setting to set.
    async fn choices(&self) -> Result<Vec<String>, PortError> {
        Ok(Vec::new())
    }

    /// Whether the platform knows `brand`, where an item's brand must be
    /// one from the platform's own list (V&R); `None` where any brand is
    /// taken. Readiness asks before a publish, so the owner hears of an
    /// unknown brand before the platform refuses it.
    ///
    /// # Errors
    /// The platform could not be asked.
    async fn knows_brand(&self, brand: &str) -> Result<Option<bool>, PortError> {
        let _ = brand;
        Ok(None)
    }

    /// What the platform's own checks refuse in a listing made from
    /// `request`, in its words, without listing anything (eBay's
    /// `VerifyAddFixedPriceItem`: a category's required item specifics and
    /// allowed conditions are eBay's to say). Empty: it would take it.
    /// Platforms without such a call have nothing to add.
    ///
    /// # Errors
    /// The platform could not be asked.
    async fn verify(&self, request: &PublishRequest) -> Result<Vec<String>, PortError> {
        let _ = request;
        Ok(Vec::new())
    }

    /// Reads one listing as the platform shows it now.
    ///
    /// # Errors
    /// [`PortError::NotFound`] when the platform does not know it.
    async fn get(&self, external_id: &str) -> Result<RemoteListing, PortError>;
}

/// Everything an adapter needs to put one product on its platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishRequest {
    /// The Listing aggregate's id. It doubles as the idempotency key sent to
    /// the platform (for eBay, the `UUID` without dashes), so a publish that
    /// is retried after a crash finds the listing it already made.
    pub listing_id: Uuid,
    pub sku: Sku,
    pub details: ProductDetails,
    pub price: Money,
    /// How many units to offer; 1 for a one-off instrument.
    pub quantity: u32,
    /// Public URLs the platform fetches the pictures from.
    pub picture_urls: Vec<String>,
    /// The product's video, as its YouTube address
    /// (`https://www.youtube.com/watch?v=…`), for the platforms that show
    /// one.
    pub video_url: Option<String>,
    /// The platform's own fields. An adapter given another platform's
    /// attributes refuses the request with [`PortError::Validation`].
    pub attributes: PlatformAttributes,
}

/// What a successful publish returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The platform's id for the listing (eBay's `ItemID`).
    pub external_id: String,
    /// The public page, when the platform says where it is.
    pub url: Option<String>,
}

/// Whether a listing can still be bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteStatus {
    Live,
    /// Ended without selling out: by the seller, by Riff, or by expiry.
    Ended,
    /// Ended because every unit sold.
    Sold,
}

/// A listing as the platform reports it. Fields a platform may leave out are
/// optional, so that a listing made by hand on the platform, with no SKU, or
/// with a price Riff cannot read, is still seen and can be flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteListing {
    pub external_id: String,
    /// As the platform has it; not parsed into a [`Sku`], because listings
    /// made outside Riff carry whatever the seller typed.
    pub sku: Option<String>,
    pub title: String,
    pub price: Option<Money>,
    /// Units still available.
    pub quantity: Option<u32>,
    pub status: RemoteStatus,
    pub url: Option<String>,
}

/// One sale, as one line of an order on the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSale {
    /// The listing that sold.
    pub external_id: String,
    pub sku: Option<String>,
    /// The platform's reference for this order line, unique per sale, so that
    /// a sale seen by two scans is recorded once.
    pub order_ref: String,
    /// The order number the seller sees on the platform (eBay's `OrderID`,
    /// Reverb's `order_number`, Shopify's `name`), when it has one.
    pub order_number: Option<String>,
    pub sold_at: DateTime<Utc>,
    /// What the buyer paid for this line (all its units), before shipping.
    pub price: Money,
    pub quantity: u32,
}

/// What a reconcile compares with the listings Riff knows on one platform:
/// the result of a [`Marketplace::scan`], or a targeted look made of
/// [`Marketplace::sales`] and [`Marketplace::get`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The listings read, each exactly once: every live one for a
    /// [`Coverage::Complete`] scan.
    pub listings: Vec<RemoteListing>,
    /// Every sale since the time asked for, each exactly once.
    pub sales: Vec<RemoteSale>,
    /// HTTP requests the scan made, retries included, so that a sync run can
    /// report what it cost against the platform's call limits.
    pub requests: u32,
    pub coverage: Coverage,
}

/// How much of a platform a [`Scan`]'s listings cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Every live listing on the platform: one that is missing has gone.
    Complete,
    /// Only the listings looked up one by one (those a webhook's sales
    /// name): a missing listing says nothing, so nothing is found ended
    /// for being missing. It must hold every listing its sales name, or a
    /// stocked item's sale would be taken for its last unit.
    Partial,
}

/// The result of a [`Marketplace::listings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listings {
    /// Each listing exactly once.
    pub listings: Vec<RemoteListing>,
    /// HTTP requests made, retries included.
    pub requests: u32,
}

/// The result of a [`Marketplace::sales`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sales {
    /// Every sale since the time asked for, each exactly once.
    pub sales: Vec<RemoteSale>,
    /// HTTP requests made, retries included.
    pub requests: u32,
}

/// Why a marketplace call failed, sorted by what the caller should do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// The platform asked us to slow down. Try again after `retry_after`
    /// when it said how long, or after a back-off when it did not.
    #[error("the marketplace is limiting our calls; try again later")]
    RateLimited { retry_after: Option<Duration> },
    /// The platform or the network failed in a way that may pass (a 5xx, a
    /// timeout, a dropped connection). Safe to retry a read; retry a write
    /// only after checking whether it took effect.
    #[error("the marketplace could not be reached or failed: {0}; it will be tried again")]
    Transient(String),
    /// The credentials were refused and could not be renewed. The message
    /// says what the user must do; retrying will not help until they do it.
    #[error("the marketplace refused our credentials: {0}")]
    Auth(String),
    /// The platform refused the content of the request. Retrying the same
    /// request will fail again; the user must fix the item.
    #[error("the marketplace refused the listing: {message}; fix the item and try again")]
    Validation {
        /// The field at fault, when the platform names one.
        field: Option<String>,
        message: String,
    },
    /// The platform does not know the listing (never existed, or removed).
    #[error("the marketplace does not know this listing")]
    NotFound,
    /// The listing had already ended on the platform, so it cannot be ended
    /// or revised. For an end, this is the outcome the caller wanted.
    #[error("the listing had already ended on the marketplace")]
    AlreadyEnded,
    /// The platform answered with something we cannot read. Usually an API
    /// change or a proxy's error page; the raw detail is in the message.
    #[error("the marketplace sent a response Riff cannot read: {0}")]
    Protocol(String),
}

impl PortError {
    /// Whether trying the same read again, after a pause, may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Transient(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rate_limits_and_transient_failures_are_worth_retrying() {
        assert!(PortError::RateLimited { retry_after: None }.is_retryable());
        assert!(PortError::Transient("503".into()).is_retryable());
        for final_error in [
            PortError::Auth("reconnect".into()),
            PortError::Validation {
                field: None,
                message: "bad".into(),
            },
            PortError::NotFound,
            PortError::AlreadyEnded,
            PortError::Protocol("junk".into()),
        ] {
            assert!(!final_error.is_retryable(), "{final_error:?}");
        }
    }

    /// The application holds adapters as trait objects; this fails to
    /// compile if the trait stops being object-safe.
    #[test]
    fn the_port_can_be_used_as_a_trait_object() {
        fn takes(_: Option<&dyn Marketplace>) {}
        takes(None);
    }
}
