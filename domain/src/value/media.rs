//! Pictures and video attached to a product, and the pure checks that let
//! one in: what an image's bytes really are ([`ImageFormat::sniff`]) and
//! which YouTube video a link names ([`youtube_id`]).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::InvalidValue;

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

/// The image formats every marketplace accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    WebP,
}

impl ImageFormat {
    /// What the bytes are, by their signature ("magic bytes"), whatever the
    /// file was called: a `.png` holding text is not a PNG.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::WebP)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
        }
    }

    /// The file extension Riff stores it under.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
        }
    }

    /// The format a stored content type names.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::WebP]
            .into_iter()
            .find(|f| f.content_type() == content_type)
    }
}

/// The eleven-character id of a YouTube video, from the id itself or a
/// watch (`youtube.com/watch?v=`), share (`youtu.be/`), embed, shorts or
/// `youtube-nocookie.com` link.
///
/// # Errors
/// Anything else, saying what is accepted.
pub fn youtube_id(raw: &str) -> Result<String, InvalidValue> {
    let refuse = || {
        InvalidValue::new(
            "youtube",
            "is not a YouTube video; paste its link (youtube.com/watch?v=…, youtu.be/…) or its 11-character id",
        )
    };
    let raw = raw.trim();
    if is_video_id(raw) {
        return Ok(raw.to_owned());
    }
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .unwrap_or(raw);
    let (host, path) = rest.split_once('/').ok_or_else(refuse)?;
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let host = host.strip_prefix("m.").unwrap_or(host);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let candidate = match host {
        "youtu.be" => path,
        "youtube.com" | "youtube-nocookie.com" | "music.youtube.com" => {
            if path == "watch" {
                query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("v="))
                    .unwrap_or_default()
            } else {
                ["embed/", "shorts/", "live/", "v/"]
                    .iter()
                    .find_map(|prefix| path.strip_prefix(prefix))
                    .unwrap_or_default()
            }
        }
        _ => return Err(refuse()),
    };
    let candidate = candidate.split(['#', '/', '&']).next().unwrap_or_default();
    if is_video_id(candidate) {
        Ok(candidate.to_owned())
    } else {
        Err(refuse())
    }
}

fn is_video_id(s: &str) -> bool {
    s.len() == 11
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes_not_their_names() {
        assert_eq!(
            ImageFormat::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(ImageFormat::Png)
        );
        assert_eq!(
            ImageFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            ImageFormat::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(ImageFormat::WebP)
        );
        assert_eq!(ImageFormat::sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
        assert_eq!(ImageFormat::sniff(b"hello, I am a .png"), None);
        assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
        assert_eq!(ImageFormat::sniff(b""), None);
    }

    #[test]
    fn a_stored_content_type_names_its_format() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
            assert_eq!(
                ImageFormat::from_content_type(format.content_type()),
                Some(format)
            );
        }
        assert_eq!(ImageFormat::from_content_type("text/html"), None);
    }

    #[test]
    fn every_kind_of_youtube_link_gives_the_video_id() {
        for link in [
            "dQw4w9WgXcQ",
            " https://www.youtube.com/watch?v=dQw4w9WgXcQ ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42",
            "http://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "youtu.be/dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        ] {
            assert_eq!(youtube_id(link).unwrap(), "dQw4w9WgXcQ", "{link}");
        }
    }

    #[test]
    fn what_is_not_a_youtube_video_is_refused_by_name() {
        for bad in [
            "",
            "dQw4w9WgXc",
            "dQw4w9WgXcQQ",
            "dQw4w9WgX<Q",
            "https://vimeo.com/123456789",
            "https://evil.example/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/channel/UC1234567890",
            "javascript:alert(1)",
        ] {
            assert_eq!(youtube_id(bad).unwrap_err().field, "youtube", "{bad:?}");
        }
    }
}
