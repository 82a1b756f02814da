//! Pictures and video attached to a product.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One piece of media, in the order the marketplaces will show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub id: Uuid,
    pub kind: MediaKind,
}

/// Where the media lives. Images Riff stores are content-addressed, so the
/// same upload twice is the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MediaKind {
    /// An image stored by Riff under its SHA-256 digest.
    StoredImage {
        sha256: String,
        content_type: String,
    },
    /// An image on someone else's server.
    ImageUrl { url: String },
    /// A file in the shop's Dropbox.
    Dropbox { path: String },
    /// A YouTube video, by its eleven-character id.
    YouTube { video_id: String },
}
