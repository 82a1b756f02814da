//! Pictures for eBay when eBay cannot fetch them from Riff: uploaded to eBay
//! Picture Services through the Media API's `createImageFromFile`.
//!
//! A listing names its pictures by URL (`PictureDetails.PictureURL`); eBay
//! fetches them, which needs a public https address. A shop whose Riff has
//! none (`RIFF_PUBLIC_URL` unset, or on a private network) uploads each
//! picture's bytes instead — `POST {EBAY_MEDIA_API_URL}/image/create_image_from_file`,
//! multipart `image`, the user's OAuth token as a bearer — and lists the
//! EPS address eBay answers (`201`, `{"imageUrl", "expirationDate"}`). The
//! Trading API's own upload (`UploadSiteHostedPictures`) was retired on
//! 2026-09-30. An EPS address lasts as long as the listing that uses it
//! (plus 90 days), so each picture is uploaded once per run of Riff and its
//! address reused by every revision.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::PoisonError;

use reqwest::multipart::Form;
use reqwest::StatusCode;
use riff_domain::port::PortError;
use serde::Deserialize;

use super::client::EbayClient;
use crate::http;
use crate::pictures::{self, Picture};

/// eBay takes 24 pictures per listing (`PictureDetails.PictureURL`).
const MAX_PICTURES: usize = 24;

/// The answer to a created image.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImageResponse {
    image_url: String,
}

/// eBay's REST error envelope.
#[derive(Debug, Default, Deserialize)]
struct ErrorResponse {
    #[serde(default)]
    errors: Vec<ErrorDetail>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorDetail {
    #[serde(default)]
    error_id: Option<u64>,
    #[serde(default)]
    message: String,
}

impl EbayClient {
    /// The picture addresses to list: `urls` themselves when eBay can fetch
    /// them, or the EPS addresses of their uploaded bytes.
    ///
    /// # Errors
    /// A picture could not be fetched from Riff, or eBay refused it (a
    /// [`PortError::Validation`] naming the picture and eBay's message).
    pub(super) async fn listed_pictures(&self, urls: &[String]) -> Result<Vec<String>, PortError> {
        let Some(media_api_url) = &self.config.media_api_url else {
            return Ok(urls.iter().take(MAX_PICTURES).cloned().collect());
        };
        let mut listed = Vec::new();
        for (n, url) in pictures::at_most(urls, MAX_PICTURES, "eBay")
            .iter()
            .enumerate()
        {
            let known = self
                .hosted
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(url)
                .cloned();
            let hosted = match known {
                Some(hosted) => hosted,
                None => {
                    let picture =
                        pictures::fetch_one(&self.http, &self.config.own_pictures, url, n + 1)
                            .await?;
                    let hosted = self.upload(media_api_url, url, picture).await?;
                    self.hosted
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(url.clone(), hosted.clone());
                    hosted
                }
            };
            listed.push(hosted);
        }
        Ok(listed)
    }

    /// One `createImageFromFile`, with a token refreshed once if eBay
    /// refuses it.
    async fn upload(
        &self,
        media_api_url: &str,
        url: &str,
        picture: Picture,
    ) -> Result<String, PortError> {
        let endpoint = format!(
            "{}/image/create_image_from_file",
            media_api_url.trim_end_matches('/')
        );
        let requests = AtomicU32::new(0);
        let mut refreshed = false;
        loop {
            let part = picture.part()?;
            requests.fetch_add(1, Ordering::Relaxed);
            let response = self
                .http
                .post(&endpoint)
                .bearer_auth(self.current_token().expose())
                .multipart(Form::new().part("image", part))
                .send()
                .await
                .map_err(|e| http::transport_error(&e))?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                if let Some(refresh) = &self.config.refresh {
                    tracing::info!("eBay's Media API refused the token; refreshing it");
                    self.refresh(refresh, &requests).await?;
                    refreshed = true;
                    continue;
                }
            }
            if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                return Err(http::status_error(status, response.headers()));
            }
            let body = response
                .text()
                .await
                .map_err(|e| http::transport_error(&e))?;
            if status.is_success() {
                return serde_json::from_str::<ImageResponse>(&body)
                    .map(|image| image.image_url)
                    .map_err(|e| {
                        PortError::Protocol(format!(
                            "eBay's Media API answered createImageFromFile with {e}"
                        ))
                    });
            }
            let errors = serde_json::from_str::<ErrorResponse>(&body).unwrap_or_default();
            let said: Vec<String> = errors
                .errors
                .iter()
                .map(|e| match e.error_id {
                    Some(id) => format!("{} ({id})", e.message),
                    None => e.message.clone(),
                })
                .collect();
            let message = format!(
                "eBay did not take the picture {url}: {}",
                if said.is_empty() {
                    format!("HTTP {status}")
                } else {
                    said.join("; ")
                }
            );
            return Err(
                if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                    PortError::Auth(message)
                } else {
                    PortError::Validation {
                        field: Some("pictures".into()),
                        message,
                    }
                },
            );
        }
    }
}
