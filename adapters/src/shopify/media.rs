//! A new product's pictures on Shopify.
//!
//! `productCreate` takes them as `media` (`CreateMediaInput`:
//! `originalSource`, `mediaContentType: IMAGE`), which Shopify fetches. A
//! public URL is given as it is. When Shopify cannot reach Riff's address,
//! each picture goes through a staged upload first: `stagedUploadsCreate`
//! says where to send it (`url`, form `parameters`), Riff posts the
//! parameters and the file there, and the target's `resourceUrl` becomes
//! the `originalSource`.
//!
//! A revision edits the gallery piece by piece: pictures dropped are
//! deleted (`productDeleteMedia`), new ones added by `productUpdate`'s
//! `media` (after the product's own), and the result put in order with
//! `productReorderMedia` — a new order alone sends only the moves.

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::multipart::Form;
use riff_domain::listing::sent::{picture_digest, Changes};
use riff_domain::port::{PortError, PublishRequest};

use super::client::ShopifyClient;
use super::wire::{
    self, CreateMediaInput, DeleteMediaVars, IdVars, MoveInput, ProductMediaData, ReorderMediaVars,
    StagedTarget, StagedUploadInput, StagedUploadsVars,
};
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
        self.media_of(request, &urls, requests).await
    }

    /// Brings the product's gallery to the request's pictures (see the
    /// module's documentation); `Some` new media for the `productUpdate`
    /// that `put_in_order` then puts in order.
    ///
    /// # Errors
    /// Shopify refused a change, or a picture could not be fetched.
    pub(super) async fn gallery(
        &self,
        product_id: &str,
        request: &PublishRequest,
        changes: &Changes,
        requests: &AtomicU32,
    ) -> Result<Gallery, PortError> {
        let wanted: Vec<String> = request
            .picture_urls
            .iter()
            .take(MAX_MEDIA)
            .map(|url| picture_digest(url))
            .collect();
        let ids = self.media_ids(product_id, requests).await?;
        // What the store shows is what Riff sent, unless someone changed
        // it there: then the gallery is replaced whole.
        let known = if ids.len() == changes.pictures_before.len() {
            changes.pictures_before.clone()
        } else {
            Vec::new()
        };
        let (drop, add) = plan(&known, &wanted, ids.len());
        if !drop.is_empty() {
            let vars = DeleteMediaVars {
                product_id: product_id.to_owned(),
                media_ids: drop.iter().map(|&i| ids[i].clone()).collect(),
            };
            self.mutate(wire::DELETE_MEDIA, "productDeleteMedia", &vars, requests)
                .await?;
        }
        let added: Vec<&String> = add.iter().map(|&j| &request.picture_urls[j]).collect();
        let media = self.media_of(request, &added, requests).await?;
        let mut order: Vec<String> = (0..ids.len())
            .filter(|i| !drop.contains(i))
            .map(|i| known[i].clone())
            .collect();
        order.extend(add.iter().map(|&j| wanted[j].clone()));
        Ok(Gallery {
            media,
            order,
            wanted,
        })
    }

    /// Puts the gallery in the request's order once any new pictures are
    /// in: only the moves are sent.
    ///
    /// # Errors
    /// Shopify refused the moves.
    pub(super) async fn put_in_order(
        &self,
        product_id: &str,
        gallery: Gallery,
        requests: &AtomicU32,
    ) -> Result<(), PortError> {
        let moves = moves(&gallery.order, &gallery.wanted);
        if moves.is_empty() {
            return Ok(());
        }
        let ids = self.media_ids(product_id, requests).await?;
        let vars = ReorderMediaVars {
            id: product_id.to_owned(),
            moves: moves
                .into_iter()
                .filter_map(|(from, to)| {
                    Some(MoveInput {
                        id: ids.get(from)?.clone(),
                        new_position: to.to_string(),
                    })
                })
                .collect(),
        };
        self.mutate(wire::REORDER_MEDIA, "productReorderMedia", &vars, requests)
            .await
            .map(drop)
    }

    async fn media_ids(
        &self,
        product_id: &str,
        requests: &AtomicU32,
    ) -> Result<Vec<String>, PortError> {
        let data: ProductMediaData = self
            .read(
                wire::PRODUCT_MEDIA,
                &IdVars {
                    id: product_id.to_owned(),
                },
                requests,
            )
            .await?;
        let product = data.product.ok_or(PortError::NotFound)?;
        Ok(product.media.nodes.into_iter().map(|m| m.id).collect())
    }

    /// The `media` for the pictures at `urls`: `None` without any.
    ///
    /// # Errors
    /// A picture could not be fetched from Riff, or Shopify refused a
    /// staged upload.
    async fn media_of(
        &self,
        request: &PublishRequest,
        urls: &[&String],
        requests: &AtomicU32,
    ) -> Result<Option<Vec<CreateMediaInput>>, PortError> {
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
            urls.iter().map(|url| (*url).clone()).collect()
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
        let file = picture.part()?;
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

/// A gallery being edited: the media to add, and the order (as picture
/// digests) before and after.
pub(super) struct Gallery {
    pub(super) media: Option<Vec<CreateMediaInput>>,
    order: Vec<String>,
    wanted: Vec<String>,
}

/// Which of the `shown` media to delete (their places) and which of the
/// `wanted` pictures to add (theirs), `known` being the digests of what is
/// shown, in order. Unknown (`known` empty): every picture is replaced.
fn plan(known: &[String], wanted: &[String], shown: usize) -> (Vec<usize>, Vec<usize>) {
    if known.is_empty() {
        return ((0..shown).collect(), (0..wanted.len()).collect());
    }
    let drop = (0..shown)
        .filter(|&i| !wanted.contains(&known[i]))
        .collect();
    let add = (0..wanted.len())
        .filter(|&j| !known.contains(&wanted[j]))
        .collect();
    (drop, add)
}

/// The moves (from place, to place; applied in order, each on the gallery
/// the previous left) that put `order` in the `wanted` order.
fn moves(order: &[String], wanted: &[String]) -> Vec<(usize, usize)> {
    let mut current = order.to_vec();
    let mut moves = Vec::new();
    for (to, picture) in wanted.iter().enumerate() {
        let Some(from) = current.iter().position(|p| p == picture) else {
            continue;
        };
        if from != to {
            let moved = current.remove(from);
            current.insert(to.min(current.len()), moved);
            moves.push((from, to));
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digests(names: &str) -> Vec<String> {
        names.chars().map(String::from).collect()
    }

    #[test]
    fn pictures_dropped_are_deleted_and_new_ones_added() {
        let (drop, add) = plan(&digests("abc"), &digests("acd"), 3);
        assert_eq!(drop, [1]);
        assert_eq!(add, [2]);
    }

    #[test]
    fn a_gallery_riff_does_not_know_is_replaced_whole() {
        let (drop, add) = plan(&[], &digests("ab"), 3);
        assert_eq!(drop, [0, 1, 2]);
        assert_eq!(add, [0, 1]);
    }

    #[test]
    fn a_new_order_is_moves_that_reach_it() {
        for (from, to) in [
            ("abc", "cab"),
            ("abcd", "dcba"),
            ("abc", "abc"),
            ("ab", "ba"),
        ] {
            let order = digests(from);
            let wanted = digests(to);
            let mut gallery = order.clone();
            for (f, t) in moves(&order, &wanted) {
                let moved = gallery.remove(f);
                gallery.insert(t, moved);
            }
            assert_eq!(gallery, wanted, "{from} → {to}");
        }
        assert!(moves(&digests("abc"), &digests("abc")).is_empty());
        assert_eq!(moves(&digests("abc"), &digests("cab")).len(), 1);
    }
}
