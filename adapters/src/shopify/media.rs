//! A new product's pictures on Shopify.
//!
//! `productCreate` takes them as `media` (`CreateMediaInput`:
//! `originalSource`, `mediaContentType: IMAGE`), which Shopify fetches. A
//! public URL is given as it is. When Shopify cannot reach Riff's address,
//! each picture goes through a staged upload first: `stagedUploadsCreate`
//! says where to send it (`url`, form `parameters`), Riff posts the
//! parameters and the file there, and the target's `resourceUrl` becomes
//! the `originalSource`.

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::multipart::{Form, Part};
use riff_domain::port::{PortError, PublishRequest};

use super::client::ShopifyClient;
use super::wire::{self, CreateMediaInput, StagedTarget, StagedUploadInput, StagedUploadsVars};
use crate::http;
use crate::pictures::{self, Picture};

/// Shopify takes 250 media per product.
const MAX_MEDIA: usize = 250;

impl ShopifyClient {
    /// The `media` of a `productCreate` for `request`: `None` without
    /// pictures.
    ///
    /// # Errors
    /// A picture could not be fetched from Riff, or Shopify refused a
    /// staged upload.
    pub(super) async fn media(
        &self,
        request: &PublishRequest,
        requests: &AtomicU32,
    ) -> Result<Option<Vec<CreateMediaInput>>, PortError> {
        let urls: Vec<&String> = request.picture_urls.iter().take(MAX_MEDIA).collect();
        if urls.is_empty() {
            return Ok(None);
        }
        let sources: Vec<String> = if self.config.stage_pictures {
            let mut fetched = Vec::new();
            for (n, url) in urls.iter().enumerate() {
                fetched.push(
                    pictures::fetch_one(&self.http, &self.config.own_pictures, url, n + 1).await?,
                );
            }
            self.stage(&fetched, requests).await?
        } else {
            urls.into_iter().cloned().collect()
        };
        Ok(Some(
            sources
                .into_iter()
                .map(|original_source| CreateMediaInput {
                    original_source,
                    media_content_type: "IMAGE".into(),
                    alt: Some(request.details.title.clone()),
                })
                .collect(),
        ))
    }

    /// Uploads `pictures` through staged uploads; their `resourceUrl`s.
    async fn stage(
        &self,
        pictures: &[Picture],
        requests: &AtomicU32,
    ) -> Result<Vec<String>, PortError> {
        let input = pictures
            .iter()
            .map(|picture| StagedUploadInput {
                resource: "IMAGE".into(),
                filename: picture.file_name.clone(),
                mime_type: picture.format.content_type().into(),
                http_method: "POST".into(),
                file_size: Some(picture.bytes.len().to_string()),
            })
            .collect();
        let payload = self
            .mutate(
                wire::STAGED_UPLOADS,
                "stagedUploadsCreate",
                &StagedUploadsVars { input },
                requests,
            )
            .await?;
        let targets = payload.staged_targets.unwrap_or_default();
        if targets.len() != pictures.len() {
            return Err(PortError::Protocol(format!(
                "Shopify gave {} upload targets for {} pictures",
                targets.len(),
                pictures.len()
            )));
        }
        let mut sources = Vec::with_capacity(pictures.len());
        for (picture, target) in pictures.iter().zip(targets) {
            self.upload(picture, &target, requests).await?;
            sources.push(target.resource_url);
        }
        Ok(sources)
    }

    /// Posts one picture to its staged target: the target's parameters,
    /// in order, then the file.
    async fn upload(
        &self,
        picture: &Picture,
        target: &StagedTarget,
        requests: &AtomicU32,
    ) -> Result<(), PortError> {
        let mut form = Form::new();
        for parameter in &target.parameters {
            form = form.text(parameter.name.clone(), parameter.value.clone());
        }
        let file = Part::bytes(picture.bytes.to_vec())
            .file_name(picture.file_name.clone())
            .mime_str(picture.format.content_type())
            .map_err(|e| PortError::Protocol(format!("a picture part: {e}")))?;
        requests.fetch_add(1, Ordering::Relaxed);
        let response = self
            .http
            .post(&target.url)
            .multipart(form.part("file", file))
            .send()
            .await
            .map_err(|e| http::transport_error(&e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(http::status_error(status, response.headers()));
        }
        let body = response.text().await.unwrap_or_default();
        Err(PortError::Validation {
            field: Some("pictures".into()),
            message: format!(
                "Shopify's upload target refused {} (HTTP {status}): {}",
                picture.file_name,
                body.chars().take(200).collect::<String>()
            ),
        })
    }
}
