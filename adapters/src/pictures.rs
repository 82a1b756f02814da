//! A listing's pictures as bytes, for the platforms that take uploads
//! rather than fetch an address: V&R's item form (§4.1:
//! `upload_file_box_1…N`), and eBay's Media API when Riff's own address is
//! not one eBay can reach. Riff fetches each URL (its own `/media/…`, as a
//! rule) and hands the bytes on: its own pictures from where it listens
//! ([`OwnPictures`]), not out through its public address and back.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::multipart::Part;
use reqwest::StatusCode;
use riff_domain::port::PortError;
use riff_domain::value::ImageFormat;

use crate::http;

/// The largest picture sent; Riff's own uploads stop at the same size.
const MAX_BYTES: usize = 10 * 1024 * 1024;

/// A picture host that has not answered in this long is not going to.
const FETCH_TIMEOUT: Duration = Duration::from_secs(20);

/// Where Riff reads its own pictures: a URL under its public address
/// (`RIFF_PUBLIC_URL`, which the platforms fetch from) is read from the
/// address Riff listens on instead. A public address behind a proxy may
/// not be reachable from the machine itself (no hairpin NAT, a firewall
/// that lets only the platforms in), and a round trip through the
/// internet to read a file Riff serves is waste. The default reads every
/// URL as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnPictures {
    public: String,
    local: String,
}

impl OwnPictures {
    /// Riff's pictures are published under `public` and served at `local`
    /// (e.g. `https://shop.example.com` and `http://127.0.0.1:8000`).
    pub fn new(public: &str, local: &str) -> Self {
        Self {
            public: public.trim_end_matches('/').to_owned(),
            local: local.trim_end_matches('/').to_owned(),
        }
    }

    /// Where to read the picture published at `url`.
    fn source(&self, url: &str) -> String {
        if !self.public.is_empty() && !self.local.is_empty() {
            if let Some(path) = url.strip_prefix(&self.public) {
                if path.starts_with('/') {
                    return format!("{}{path}", self.local);
                }
            }
        }
        url.to_owned()
    }
}

/// One picture, ready to go in the form.
#[derive(Debug, Clone)]
pub(crate) struct Picture {
    /// `picture-<n>.<ext>`: Riff's own names, so that nothing from a URL
    /// reaches the multipart headers.
    pub(crate) file_name: String,
    pub(crate) format: ImageFormat,
    pub(crate) bytes: Bytes,
}

impl Picture {
    /// The picture as a file part of a multipart upload.
    ///
    /// # Errors
    /// [`PortError::Protocol`] should the format's content type not parse,
    /// which would be a bug.
    pub(crate) fn part(&self) -> Result<Part, PortError> {
        Part::bytes(self.bytes.to_vec())
            .file_name(self.file_name.clone())
            .mime_str(self.format.content_type())
            .map_err(|e| PortError::Protocol(format!("a picture part: {e}")))
    }
}

/// Fetches the first `max` of `urls` (what `platform` takes), in order.
///
/// # Errors
/// [`PortError::Transient`] when a host cannot be reached or fails (5xx,
/// 429), so the write can be tried again; [`PortError::Validation`] naming
/// the URL when it is not http(s), is refused (4xx), is larger than 10 MB,
/// or is not a JPEG, PNG or WebP picture.
pub(crate) async fn fetch_all(
    client: &reqwest::Client,
    own: &OwnPictures,
    urls: &[String],
    max: usize,
    platform: &str,
) -> Result<Vec<Picture>, PortError> {
    let mut pictures = Vec::new();
    for (n, url) in at_most(urls, max, platform).iter().enumerate() {
        pictures.push(fetch_one(client, own, url, n + 1).await?);
    }
    Ok(pictures)
}

/// The first `max` of `urls`, what `platform` takes; a listing with more
/// is still sent, and a warning says which pictures are left out.
pub(crate) fn at_most<'a>(urls: &'a [String], max: usize, platform: &str) -> &'a [String] {
    if urls.len() > max {
        tracing::warn!(
            pictures = urls.len(),
            "{platform} takes {max} pictures; the rest are not sent"
        );
    }
    &urls[..urls.len().min(max)]
}

/// Fetches the picture at `url`, the `n`th of its listing.
///
/// # Errors
/// As [`fetch_all`].
pub(crate) async fn fetch_one(
    client: &reqwest::Client,
    own: &OwnPictures,
    url: &str,
    n: usize,
) -> Result<Picture, PortError> {
    let bytes = fetch(client, &own.source(url)).await?;
    let format = ImageFormat::sniff(&bytes)
        .ok_or_else(|| refused(url, "is not a JPEG, PNG or WebP picture".into()))?;
    Ok(Picture {
        file_name: format!("picture-{n}.{}", format.extension()),
        format,
        bytes,
    })
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<Bytes, PortError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| refused(url, format!("is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refused(url, "is not an http(s) address".into()));
    }
    let unreachable = |e: &reqwest::Error| {
        PortError::Transient(format!("the picture {url} could not be fetched: {e}"))
    };
    let mut response = client
        .get(parsed)
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .map_err(|e| unreachable(&e))?;
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        return Err(match http::status_error(status, response.headers()) {
            PortError::Transient(detail) => {
                PortError::Transient(format!("the picture {url} could not be fetched: {detail}"))
            }
            other => other,
        });
    }
    if !status.is_success() {
        return Err(refused(url, format!("answered HTTP {status}")));
    }
    let too_big = || {
        refused(
            url,
            format!("is larger than {} MB", MAX_BYTES / 1024 / 1024),
        )
    };
    if response
        .content_length()
        .is_some_and(|length| length > MAX_BYTES as u64)
    {
        return Err(too_big());
    }
    let mut bytes = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| unreachable(&e))? {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(too_big());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

fn refused(url: &str, why: String) -> PortError {
    PortError::Validation {
        field: Some("pictures".into()),
        message: format!("the picture {url} {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::OwnPictures;

    #[test]
    fn riffs_own_pictures_are_read_where_it_listens() {
        let own = OwnPictures::new("https://shop.example.com/", "http://127.0.0.1:8000");
        assert_eq!(
            own.source("https://shop.example.com/media/ab12"),
            "http://127.0.0.1:8000/media/ab12"
        );
        // Someone else's picture, or a host that only starts the same, is
        // read where it is.
        for other in [
            "https://cdn.example.net/strat.jpg",
            "https://shop.example.com.evil.net/media/ab12",
        ] {
            assert_eq!(own.source(other), other);
        }
        assert_eq!(
            OwnPictures::default().source("https://shop.example.com/media/ab12"),
            "https://shop.example.com/media/ab12"
        );
    }
}
