//! What a listing was last sent, kept as digests, and what a new request
//! changes against it: a revision carries only that, so a platform is not
//! sent a title, a gallery or a description it already shows.
//!
//! Digests rather than the request itself: a description may run to pages,
//! and the log keeps every revision for good.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::port::{PublishRequest, RemoteListing};

/// A request's parts, each as a digest (16 hex digits of its SHA-256) but
/// the short ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The title itself (80 characters at most): a reconcile tells a title
    /// edited on the platform by it.
    pub title: String,
    pub description: String,
    /// Brand, model, year, finish, category, condition and the listing's
    /// own attributes: what the platforms show as item specifics and
    /// categories.
    pub details: String,
    /// One digest per picture, in order: a new order is told from new
    /// pictures.
    pub pictures: Vec<String>,
    pub video: String,
    /// The amount and currency, as sent.
    pub price: String,
    /// The units, as sent.
    pub quantity: String,
}

fn digest(value: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(value).expect("request parts serialise");
    hex::encode(&Sha256::digest(bytes)[..8])
}

/// A picture's digest, as [`Sent::pictures`] keeps it: an adapter that
/// edits a gallery piece by piece matches the request's pictures with it.
pub fn picture_digest(url: &str) -> String {
    digest(&url)
}

impl Sent {
    pub fn of(request: &PublishRequest) -> Self {
        let d = &request.details;
        Self {
            title: d.title.clone(),
            description: digest(&d.description),
            details: digest(&(
                &d.brand,
                &d.model,
                d.year,
                &d.finish,
                &d.category,
                d.condition,
                &request.attributes,
            )),
            pictures: request
                .picture_urls
                .iter()
                .map(|url| picture_digest(url))
                .collect(),
            video: digest(&request.video_url),
            price: request.price.to_string(),
            quantity: request.quantity.to_string(),
        }
    }

    /// Forgets what was sent of `field` (`title`, `price`, `quantity`):
    /// the platform was seen showing something else (edited there), so the
    /// next revision sends it whatever Riff sent before.
    pub fn forget(&mut self, field: &str) {
        match field {
            "title" => self.title.clear(),
            "price" => self.price.clear(),
            "quantity" => self.quantity.clear(),
            _ => {}
        }
    }
}

/// How the pictures differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PictureChange {
    #[default]
    Same,
    /// The same pictures in another order: only the order need be sent
    /// where the platform can take it alone.
    Reordered,
    /// Pictures added or removed.
    Changed,
}

/// What a revision changes; each adapter sends only these parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub title: bool,
    pub description: bool,
    pub details: bool,
    pub pictures: PictureChange,
    pub video: bool,
    pub price: bool,
    pub quantity: bool,
    /// The digests of the pictures the listing shows, in order (empty when
    /// Riff does not know them): where the platform's gallery is edited
    /// piece by piece, what to keep, drop and move.
    pub pictures_before: Vec<String>,
}

impl Changes {
    /// Everything: for a listing whose last request Riff did not keep.
    pub const ALL: Self = Self {
        title: true,
        description: true,
        details: true,
        pictures: PictureChange::Changed,
        video: true,
        price: true,
        quantity: true,
        pictures_before: Vec::new(),
    };

    /// What `after` changes against `before`; everything when `before` is
    /// unknown.
    pub fn between(before: Option<&Sent>, after: &Sent) -> Self {
        let Some(before) = before else {
            return Self::ALL;
        };
        let pictures = if before.pictures == after.pictures {
            PictureChange::Same
        } else {
            let mut a = before.pictures.clone();
            let mut b = after.pictures.clone();
            a.sort();
            b.sort();
            if a == b {
                PictureChange::Reordered
            } else {
                PictureChange::Changed
            }
        };
        Self {
            title: before.title != after.title,
            description: before.description != after.description,
            details: before.details != after.details,
            pictures,
            video: before.video != after.video,
            price: before.price != after.price,
            quantity: before.quantity != after.quantity,
            pictures_before: before.pictures.clone(),
        }
    }

    /// Nothing a platform shows: no call is needed.
    pub fn is_empty(&self) -> bool {
        Self {
            pictures_before: Vec::new(),
            ..self.clone()
        } == Self::default()
    }

    /// The pictures are to be sent (added, removed or reordered).
    pub fn pictures(&self) -> bool {
        self.pictures != PictureChange::Same
    }

    /// Whether the platform, as `remote` shows the listing, already has
    /// these changes of `request`: after an attempt whose answer was lost
    /// (a timeout, Riff killed before recording it), a revision the
    /// platform made is not made twice. Only the title, price and stock
    /// can be told from a listing as platforms report it; any other change
    /// is sent again.
    pub fn shown_by(&self, remote: &RemoteListing, request: &PublishRequest) -> bool {
        let unseen = self.description || self.details || self.pictures() || self.video;
        !unseen
            && (!self.title || remote.title.trim() == request.details.title.trim())
            && (!self.price || remote.price == Some(request.price))
            && (!self.quantity || remote.quantity == Some(request.quantity))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::listing::PlatformAttributes;
    use crate::value::{Condition, Currency, Money, Platform, ProductDetails, Sku};

    fn request() -> PublishRequest {
        PublishRequest {
            listing_id: Uuid::from_u128(1),
            sku: Sku::parse("GIB-1").unwrap(),
            details: ProductDetails {
                title: "Gibson ES-335 1964".into(),
                brand: "Gibson".into(),
                model: "ES-335".into(),
                year: Some(1964),
                finish: Some("Cherry".into()),
                category: "Electric Guitars".into(),
                condition: Condition::Excellent,
                description: Some("All original.".into()),
            },
            price: Money::parse_price("1499.00", Currency::GBP).unwrap(),
            quantity: 1,
            picture_urls: vec!["https://riff.example.com/media/a".into()],
            video_url: None,
            attributes: PlatformAttributes::empty(Platform::Ebay),
        }
    }

    #[test]
    fn the_same_request_changes_nothing() {
        let sent = Sent::of(&request());
        assert!(Changes::between(Some(&sent), &Sent::of(&request())).is_empty());
    }

    #[test]
    fn a_listing_sent_before_riff_kept_digests_is_sent_everything() {
        assert_eq!(Changes::between(None, &Sent::of(&request())), Changes::ALL);
    }

    #[test]
    fn each_part_is_told_apart() {
        let before = Sent::of(&request());
        let mut edited = request();
        edited.details.title = "Gibson ES-335 1964 Cherry".into();
        edited.price = Money::parse_price("1399.00", Currency::GBP).unwrap();
        let changes = Changes::between(Some(&before), &Sent::of(&edited));
        assert_eq!(
            changes,
            Changes {
                title: true,
                price: true,
                pictures_before: before.pictures.clone(),
                ..Changes::default()
            }
        );
        let mut finish = request();
        finish.details.finish = Some("Sunburst".into());
        assert_eq!(
            Changes::between(Some(&before), &Sent::of(&finish)),
            Changes {
                details: true,
                pictures_before: before.pictures.clone(),
                ..Changes::default()
            }
        );
    }

    fn remote(title: &str, price: &str, quantity: u32) -> RemoteListing {
        RemoteListing {
            external_id: "110001".into(),
            sku: Some("GIB-1".into()),
            title: title.into(),
            price: Some(Money::parse_price(price, Currency::GBP).unwrap()),
            quantity: Some(quantity),
            status: crate::port::RemoteStatus::Live,
            url: None,
        }
    }

    #[test]
    fn a_revision_the_platform_already_shows_is_told_by_its_title_price_and_stock() {
        let before = Sent::of(&request());
        let mut cheaper = request();
        cheaper.price = Money::parse_price("1399.00", Currency::GBP).unwrap();
        let changes = Changes::between(Some(&before), &Sent::of(&cheaper));
        assert!(changes.shown_by(&remote("Gibson ES-335 1964", "1399.00", 1), &cheaper));
        assert!(
            !changes.shown_by(&remote("Gibson ES-335 1964", "1499.00", 1), &cheaper),
            "not there yet"
        );
        let mut described = cheaper;
        described.details.description = Some("Refretted.".into());
        let unseen = Changes::between(Some(&before), &Sent::of(&described));
        assert!(
            !unseen.shown_by(&remote("Gibson ES-335 1964", "1399.00", 1), &described),
            "a description cannot be told from a listing: sent again"
        );
    }

    #[test]
    fn a_field_seen_edited_on_the_platform_is_sent_again() {
        let mut sent = Sent::of(&request());
        sent.forget("price");
        let changes = Changes::between(Some(&sent), &Sent::of(&request()));
        assert!(changes.price && !changes.title && !changes.quantity);
    }

    #[test]
    fn a_new_order_is_not_new_pictures() {
        let mut two = request();
        two.picture_urls
            .push("https://riff.example.com/media/b".into());
        let before = Sent::of(&two);
        let mut reordered = two.clone();
        reordered.picture_urls.reverse();
        assert_eq!(
            Changes::between(Some(&before), &Sent::of(&reordered)).pictures,
            PictureChange::Reordered
        );
        let mut added = two.clone();
        added
            .picture_urls
            .push("https://riff.example.com/media/c".into());
        assert_eq!(
            Changes::between(Some(&before), &Sent::of(&added)).pictures,
            PictureChange::Changed
        );
    }
}
