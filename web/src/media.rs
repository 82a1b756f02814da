//! Product images Riff keeps itself: content-addressed files under
//! `RIFF_MEDIA_DIR`, each named `<sha256 hex>.<ext>`, served publicly at
//! `/media/<sha256>` (the marketplaces fetch them from there).
//!
//! Only JPEG, PNG and WebP are let in, known by their bytes rather than
//! their names, and at most [`MAX_IMAGE_BYTES`]. A file is written to a
//! temporary name and renamed into place, so a reader never sees half an
//! image; the same bytes twice are the same file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use riff_domain::value::{ImageFormat, MediaKind};
use sha2::{Digest, Sha256};

use crate::public_net;

/// The largest image accepted, by upload or by URL. Marketplaces take
/// less than this; a bigger file is a camera original to shrink first.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// The request body an upload may have: the image and a little form
/// around it. A bigger body is cut off before it is read.
pub const UPLOAD_BODY_LIMIT: usize = MAX_IMAGE_BYTES + 64 * 1024;

/// How long fetching an image by URL may take, all in.
const FETCH_TIMEOUT: Duration = Duration::from_secs(20);

/// Why an image was not kept. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the image is larger than 10 MB; make it smaller and try again")]
    TooLarge,
    #[error("the file is not a JPEG, PNG or WebP image (whatever its name says); choose an image")]
    NotAnImage,
    #[error("the file is empty; choose an image")]
    Empty,
    #[error("{0}")]
    BadUrl(String),
    /// Fetching by URL failed, whatever the reason: one message for all,
    /// so that the answers do not map Riff's network (the cause is logged).
    #[error("the image could not be fetched from that address; give the public http(s) address of a JPEG, PNG or WebP image of at most 10 MB")]
    Fetch,
    #[error("the image could not be saved: {0}")]
    Io(#[from] std::io::Error),
}

impl MediaError {
    /// Whether the user can fix it (the form says so) rather than Riff.
    pub fn is_users(&self) -> bool {
        !matches!(self, Self::Io(_))
    }
}

/// Checks bytes offered as a product image: size first, then what they are.
///
/// # Errors
/// Empty, too large, or not one of the accepted formats.
pub fn check_image(bytes: &[u8]) -> Result<ImageFormat, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(MediaError::TooLarge);
    }
    ImageFormat::sniff(bytes).ok_or(MediaError::NotAnImage)
}

/// An image address as typed: `http` or `https` with a host, nothing else.
///
/// # Errors
/// Any other scheme, or not an address at all.
pub fn image_url(raw: &str) -> Result<reqwest::Url, MediaError> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|_| {
        MediaError::BadUrl("that is not a web address; paste one starting with https://".into())
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(MediaError::BadUrl(
            "only http:// and https:// addresses can be added".into(),
        ));
    }
    Ok(url)
}

/// The store, rooted at `RIFF_MEDIA_DIR`.
#[derive(Debug, Clone)]
pub struct MediaStore {
    dir: PathBuf,
    http: reqwest::Client,
    /// Whether a URL may lead to a loopback or private address
    /// (`RIFF_MEDIA_FETCH_PRIVATE`); see [`crate::public_net`].
    private_ok: bool,
}

impl MediaStore {
    /// A store in `dir` (created on first write). Unless `private_ok`, a
    /// fetch by URL reaches public addresses only: names resolve only to
    /// public addresses (every address checked), and a redirect to an
    /// address that is not public is not followed.
    ///
    /// # Errors
    /// The HTTP client for fetching by URL could not be built.
    pub fn new(dir: impl Into<PathBuf>, private_ok: bool) -> Result<Self, String> {
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 3 {
                attempt.error("too many redirects")
            } else if !private_ok && !public_net::public_url(attempt.url()) {
                attempt.error("a redirect to an address that is not public")
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(redirects)
            .user_agent("Riff media fetcher");
        if !private_ok {
            builder = builder.dns_resolver(Arc::new(public_net::PublicOnly));
        }
        let http = builder.build().map_err(|e| e.to_string())?;
        Ok(Self {
            dir: dir.into(),
            http,
            private_ok,
        })
    }

    /// Keeps an image and returns it as media.
    ///
    /// # Errors
    /// Not an acceptable image, or the file could not be written.
    pub async fn store(&self, bytes: &[u8]) -> Result<MediaKind, MediaError> {
        let format = check_image(bytes)?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.path(&sha256, format);
        if tokio::fs::try_exists(&path).await? {
            return Ok(stored(sha256, format));
        }
        tokio::fs::create_dir_all(&self.dir).await?;
        let temporary = self
            .dir
            .join(format!(".{sha256}.{}.part", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&temporary, bytes).await?;
        if let Err(error) = tokio::fs::rename(&temporary, &path).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(error.into());
        }
        Ok(stored(sha256, format))
    }

    /// Fetches an image from the web, at most [`MAX_IMAGE_BYTES`] and
    /// [`FETCH_TIMEOUT`], and keeps it like an upload.
    ///
    /// # Errors
    /// A bad address, a failed or refused fetch, or not an image.
    pub async fn fetch(&self, raw_url: &str) -> Result<MediaKind, MediaError> {
        let url = image_url(raw_url)?;
        let bytes = self.download(url).await.map_err(|cause| {
            tracing::info!(%cause, "an image could not be fetched by URL");
            MediaError::Fetch
        })?;
        match self.store(&bytes).await {
            Err(MediaError::Io(error)) => Err(MediaError::Io(error)),
            Err(cause) => {
                tracing::info!(%cause, "a fetched file is not an image Riff keeps");
                Err(MediaError::Fetch)
            }
            Ok(kind) => Ok(kind),
        }
    }

    /// The body at `url`, at most [`MAX_IMAGE_BYTES`]; the error says why
    /// not, for the log only.
    async fn download(&self, url: reqwest::Url) -> Result<Vec<u8>, String> {
        if !self.private_ok && !public_net::public_url(&url) {
            return Err("the address is not public".into());
        }
        let fail = |e: reqwest::Error| e.without_url().to_string();
        let mut response = self.http.get(url).send().await.map_err(fail)?;
        if !response.status().is_success() {
            return Err(format!("the server answered {}", response.status()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_IMAGE_BYTES as u64)
        {
            return Err("larger than 10 MB".into());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
                return Err("larger than 10 MB".into());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// The bytes and format of a stored image; `None` when there is none
    /// by that digest (or the digest is not one).
    ///
    /// # Errors
    /// The file exists but could not be read.
    pub async fn read(&self, sha256: &str) -> std::io::Result<Option<(Vec<u8>, ImageFormat)>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let sha256 = sha256.to_ascii_lowercase();
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
            match tokio::fs::read(self.path(&sha256, format)).await {
                Ok(bytes) => return Ok(Some((bytes, format))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    fn path(&self, sha256: &str, format: ImageFormat) -> PathBuf {
        self.dir.join(file_name(sha256, format))
    }

    /// Where the files are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn stored(sha256: String, format: ImageFormat) -> MediaKind {
    MediaKind::StoredImage {
        sha256,
        content_type: format.content_type().to_owned(),
    }
}

fn file_name(sha256: &str, format: ImageFormat) -> String {
    format!("{sha256}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn only_small_real_images_pass() {
        assert_eq!(check_image(PNG).unwrap(), ImageFormat::Png);
        assert!(matches!(check_image(b""), Err(MediaError::Empty)));
        assert!(matches!(
            check_image(b"not a picture"),
            Err(MediaError::NotAnImage)
        ));
        let mut huge = PNG.to_vec();
        huge.resize(MAX_IMAGE_BYTES + 1, 0);
        assert!(matches!(check_image(&huge), Err(MediaError::TooLarge)));
    }

    #[test]
    fn only_web_addresses_are_fetched() {
        assert!(image_url("https://example.com/a.jpg").is_ok());
        assert!(image_url(" http://127.0.0.1:8000/media/x ").is_ok());
        for bad in [
            "file:///etc/passwd",
            "ftp://example.com/a.jpg",
            "example.com/a.jpg",
            "javascript:alert(1)",
            "",
        ] {
            assert!(image_url(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn an_image_is_stored_once_under_its_digest_and_read_back() {
        let dir = std::env::temp_dir().join(format!("riff-media-{}", uuid::Uuid::new_v4()));
        let store = MediaStore::new(&dir, false).unwrap();
        let first = store.store(PNG).await.unwrap();
        assert_eq!(store.store(PNG).await.unwrap(), first);
        let MediaKind::StoredImage {
            sha256,
            content_type,
        } = first
        else {
            panic!("a stored image");
        };
        assert_eq!(content_type, "image/png");
        assert_eq!(sha256, hex::encode(Sha256::digest(PNG)));
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary file is left behind");
        let (bytes, format) = store.read(&sha256).await.unwrap().unwrap();
        assert_eq!((bytes.as_slice(), format), (PNG, ImageFormat::Png));
        assert!(store.read("../../etc/passwd").await.unwrap().is_none());
        assert!(store.read(&"0".repeat(64)).await.unwrap().is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
