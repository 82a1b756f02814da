//! A product's media: the gallery, and on the edit page upload (multipart,
//! checked by content, content-addressed), add by URL (fetched and kept
//! like an upload), from Dropbox, a YouTube video, move and remove. Every
//! change is a product event (`MediaAttached`, `MediaRemoved`,
//! `MediaReordered`). `GET /media/{sha256}` serves the kept images to
//! anyone: the marketplaces fetch them.

use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use riff_domain::value::{youtube_id, Media, MediaKind, Sku};
use riff_domain::ProductCommand;
use riff_projections::view::inventory::InventoryItem;
use serde::Deserialize;
use uuid::Uuid;

use super::outcome;
use crate::actions;
use crate::admin::form::CsrfForm;
use crate::admin::layout::csrf;
use crate::admin::notice::back_to;
use crate::admin::session::Session;
use crate::admin::Failure;
use crate::error::ApiError;
use crate::media::{MediaError, MAX_IMAGE_BYTES};
use crate::state::AppState;

/// The media of a product as the views keep them.
pub(crate) fn of(item: &InventoryItem) -> Vec<Media> {
    serde_json::from_value(item.media.clone()).unwrap_or_default()
}

fn edit_page(sku: &str) -> String {
    format!("/products/{sku}/edit")
}

/// Attaches `kind` to the product.
async fn attach(
    state: &AppState,
    session: &Session,
    sku: &str,
    kind: MediaKind,
) -> Result<(), ApiError> {
    let sku = actions::sku_in_path(sku)?;
    let media = Media {
        id: Uuid::new_v4(),
        kind,
    };
    let meta = session.metadata();
    actions::change_product(state, &sku, ProductCommand::AttachMedia { media }, &meta).await
}

/// `POST /products/{sku}/media/upload`, multipart: `csrf_token` and `file`.
pub(crate) async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Failure> {
    let Ok(mut multipart) = multipart else {
        return Ok(back_to(&edit_page(&sku), "Choose an image file to upload."));
    };
    let mut token = None;
    let mut file: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Ok(upload_failed(&sku, &error)),
        };
        match field.name() {
            Some("csrf_token") => token = field.text().await.ok(),
            Some("file") => match read_limited(field).await {
                Ok(bytes) => file = Some(bytes),
                Err(Some(error)) => return Ok(upload_failed(&sku, &error)),
                Err(None) => {
                    return Ok(back_to(&edit_page(&sku), &MediaError::TooLarge.to_string()))
                }
            },
            _ => {}
        }
    }
    // Nothing is kept from a form that did not come from Riff.
    if session.check(token.as_deref()).is_err() {
        return Ok(crate::admin::session::forbidden());
    }
    let result = async {
        let bytes =
            file.ok_or_else(|| ApiError::invalid("image", "choose an image file to upload"))?;
        let kind = state.media.store(&bytes).await.map_err(ApiError::from)?;
        attach(&state, &session, &sku, kind).await?;
        Ok("Image added.".to_owned())
    }
    .await;
    outcome(&edit_page(&sku), result)
}

/// A field's bytes, stopping as soon as they pass the limit (`Err(None)`).
async fn read_limited(
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<Vec<u8>, Option<MultipartError>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(Some)? {
        if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
            return Err(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn upload_failed(sku: &str, error: &MultipartError) -> Response {
    let message = if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        MediaError::TooLarge.to_string()
    } else {
        format!(
            "The upload could not be read ({}); try again.",
            error.body_text()
        )
    };
    back_to(&edit_page(sku), &message)
}

#[derive(Deserialize)]
pub(crate) struct Address {
    #[serde(default)]
    url: String,
}

/// `POST /products/{sku}/media/url`: the image is fetched (bounded in
/// time and size) and kept like an upload, so a marketplace never depends
/// on someone else's server and the type is checked by its bytes.
pub(crate) async fn add_url(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<Address>,
) -> Result<Response, Failure> {
    let result = async {
        let kind = state.media.fetch(&form.url).await.map_err(ApiError::from)?;
        attach(&state, &session, &sku, kind).await?;
        Ok("Image fetched and added.".to_owned())
    }
    .await;
    outcome(&edit_page(&sku), result)
}

#[derive(Deserialize)]
pub(crate) struct Video {
    #[serde(default)]
    youtube: String,
}

/// `POST /products/{sku}/media/youtube`: a watch, share or embed link, or
/// the video's id.
pub(crate) async fn add_youtube(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<Video>,
) -> Result<Response, Failure> {
    let result = async {
        let video_id = youtube_id(&form.youtube)?;
        attach(&state, &session, &sku, MediaKind::YouTube { video_id }).await?;
        Ok("Video added.".to_owned())
    }
    .await;
    outcome(&edit_page(&sku), result)
}

#[derive(Deserialize)]
pub(crate) struct DropboxPick {
    #[serde(default)]
    path: String,
}

/// `POST /products/{sku}/media/dropbox`: a picture from the shop's Dropbox,
/// copied into Riff through a temporary link and kept like an upload, so
/// that the marketplaces are sent it with the others and it stays even if
/// the file is moved in Dropbox.
pub(crate) async fn add_dropbox(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<DropboxPick>,
) -> Result<Response, Failure> {
    let result = async {
        let Some(client) = &state.dropbox else {
            return Err(ApiError::Conflict(DROPBOX_OFF.into()));
        };
        let path = form.path.trim();
        if !path.starts_with('/') {
            return Err(ApiError::invalid(
                "path",
                "choose a picture from the folder",
            ));
        }
        let link = client.temporary_link(path).await.map_err(|error| {
            if error.is_retryable() {
                ApiError::Busy(error.to_string())
            } else {
                ApiError::Conflict(error.to_string())
            }
        })?;
        let kind = state.media.fetch(&link).await.map_err(ApiError::from)?;
        attach(&state, &session, &sku, kind).await?;
        Ok("Dropbox picture copied into Riff and added.".to_owned())
    }
    .await;
    outcome(&edit_page(&sku), result)
}

#[derive(Deserialize)]
pub(crate) struct Move {
    #[serde(default)]
    media_id: String,
    #[serde(default)]
    direction: String,
}

/// The order after moving `id` one place up (towards the front) or down;
/// `None` when it cannot move that way (or is not there).
fn moved(ids: &[Uuid], id: Uuid, up: bool) -> Option<Vec<Uuid>> {
    let at = ids.iter().position(|m| *m == id)?;
    let to = if up { at.checked_sub(1)? } else { at + 1 };
    if to >= ids.len() {
        return None;
    }
    let mut order = ids.to_vec();
    order.swap(at, to);
    Some(order)
}

fn media_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw.trim())
        .map_err(|_| ApiError::NotFound("the product has no such media; reload the page".into()))
}

/// `POST /products/{sku}/media/move` `media_id`, `direction` (`up`/`down`).
pub(crate) async fn move_one(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<Move>,
) -> Result<Response, Failure> {
    let result = async {
        let id = media_id(&form.media_id)?;
        let product: Sku = actions::sku_in_path(&sku)?;
        let current = state.ledger.load_product(&product).await?;
        let ids: Vec<Uuid> = current.media.iter().map(|m| m.id).collect();
        let Some(order) = moved(&ids, id, form.direction == "up") else {
            return Ok("Nothing to move.".to_owned());
        };
        let meta = session.metadata();
        actions::change_product(
            &state,
            &product,
            ProductCommand::ReorderMedia { order },
            &meta,
        )
        .await?;
        Ok("Media moved.".to_owned())
    }
    .await;
    outcome(&edit_page(&sku), result)
}

#[derive(Deserialize)]
pub(crate) struct Remove {
    #[serde(default)]
    media_id: String,
}

/// `POST /products/{sku}/media/remove` `media_id`. A stored file stays: it
/// is content-addressed, another product or a live listing may show it.
pub(crate) async fn remove(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<Remove>,
) -> Result<Response, Failure> {
    let result = async {
        let media_id = media_id(&form.media_id)?;
        let product = actions::sku_in_path(&sku)?;
        let meta = session.metadata();
        actions::change_product(
            &state,
            &product,
            ProductCommand::RemoveMedia { media_id },
            &meta,
        )
        .await?;
        Ok("Media removed.".to_owned())
    }
    .await;
    outcome(&edit_page(&sku), result)
}

/// `GET /media/{sha256}`: a stored image, for anyone. Its address is its
/// content, so it can be cached for ever.
pub(crate) async fn serve(State(state): State<AppState>, Path(sha256): Path<String>) -> Response {
    match state.media.read(&sha256).await {
        Ok(Some((bytes, format))) => (
            [
                (header::CONTENT_TYPE, format.content_type()),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no such image").into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot read a stored image");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// One piece of media as the pages show it.
fn figure(media: &Media) -> Markup {
    html! {
        @match &media.kind {
            MediaKind::StoredImage { sha256, .. } => {
                img src=(format!("/media/{sha256}")) alt="Product image" loading="lazy";
            }
            MediaKind::ImageUrl { url } => {
                img src=(url) alt="Product image" loading="lazy";
            }
            MediaKind::Dropbox { path } => {
                div { "Dropbox" } small { (path) }
            }
            MediaKind::YouTube { video_id } => {
                iframe src=(format!("https://www.youtube-nocookie.com/embed/{video_id}"))
                    width="320" height="180" title="Product video" loading="lazy"
                    allow="encrypted-media; picture-in-picture" allowfullscreen {}
            }
        }
    }
}

/// The gallery of the product page.
pub(super) fn gallery(media: &[Media]) -> Markup {
    html! {
        @if media.is_empty() {
            p { "No pictures or video yet." }
        } @else {
            div.gallery {
                @for m in media { figure { (figure(m)) } }
            }
        }
    }
}

/// `?dropbox_folder=` on the edit page: the folder to pick from.
#[derive(Deserialize, Default)]
pub(crate) struct MediaQuery {
    dropbox_folder: Option<String>,
}

const DROPBOX_OFF: &str = "Dropbox is not configured: set DROPBOX_ACCESS_TOKEN (or \
    DROPBOX_REFRESH_TOKEN with DROPBOX_APP_KEY and DROPBOX_APP_SECRET) and restart Riff.";

/// The edit page's media section.
pub(super) async fn manage(
    state: &AppState,
    session: &Session,
    item: &InventoryItem,
    query: &MediaQuery,
) -> Markup {
    let sku = &item.sku;
    let media = of(item);
    let post = |what: &str| format!("/products/{sku}/media/{what}");
    html! {
        h2 id="media" { "Pictures and video" }
        @if media.is_empty() { p { "No pictures or video yet." } }
        div.gallery {
            @for (n, m) in media.iter().enumerate() {
                figure {
                    (figure(m))
                    figcaption.actions {
                        @if n > 0 {
                            form method="post" action=(post("move")) {
                                (csrf(session))
                                input type="hidden" name="media_id" value=(m.id);
                                button.secondary type="submit" name="direction" value="up" aria-label="Move earlier" { "↑" }
                            }
                        }
                        @if n + 1 < media.len() {
                            form method="post" action=(post("move")) {
                                (csrf(session))
                                input type="hidden" name="media_id" value=(m.id);
                                button.secondary type="submit" name="direction" value="down" aria-label="Move later" { "↓" }
                            }
                        }
                        form method="post" action=(post("remove")) {
                            (csrf(session))
                            input type="hidden" name="media_id" value=(m.id);
                            button.secondary type="submit" { "Remove" }
                        }
                    }
                }
            }
        }
        h3 { "Upload an image" }
        form method="post" action=(post("upload")) enctype="multipart/form-data" {
            (csrf(session))
            div.field {
                label for="file" { "JPEG, PNG or WebP, at most 10 MB" }
                input id="file" type="file" name="file" accept="image/jpeg,image/png,image/webp" required;
            }
            button type="submit" { "Upload" }
        }
        h3 { "Add an image by its address" }
        form method="post" action=(post("url")) {
            (csrf(session))
            div.field {
                label for="url" { "Image URL (http or https); Riff fetches it and keeps a copy" }
                input id="url" name="url" type="url" placeholder="https://…" required;
            }
            button type="submit" { "Add" }
        }
        h3 { "Add a YouTube video" }
        form method="post" action=(post("youtube")) {
            (csrf(session))
            div.field {
                label for="youtube" { "Link (watch, share or embed) or the 11-character id" }
                input id="youtube" name="youtube" required;
            }
            button type="submit" { "Add video" }
        }
        h3 { "From Dropbox" }
        (dropbox(state, session, sku, query).await)
    }
}

async fn dropbox(state: &AppState, session: &Session, sku: &str, query: &MediaQuery) -> Markup {
    let Some(client) = &state.dropbox else {
        return html! { p { (DROPBOX_OFF) } };
    };
    let folder = query
        .dropbox_folder
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty());
    let listing = match folder {
        Some(folder) => Some(client.list_images(folder).await),
        None => None,
    };
    html! {
        form method="get" action=(format!("/products/{sku}/edit")) {
            div.field {
                label for="dropbox_folder" { "Folder, e.g. /Stock/GIB-LP-59" }
                input id="dropbox_folder" name="dropbox_folder" value=(folder.unwrap_or_default());
            }
            button.secondary type="submit" { "Show its pictures" }
        }
        @match listing {
            None => {}
            Some(Err(error)) => p.error { (error) },
            Some(Ok(files)) if files.is_empty() => p { "No pictures in that folder." },
            Some(Ok(files)) => {
                ul {
                    @for file in files {
                        li {
                            form method="post" action=(format!("/products/{sku}/media/dropbox")) {
                                (csrf(session))
                                input type="hidden" name="path" value=(file.path);
                                (file.name) " (" (file.size / 1024) " KB) "
                                button.secondary type="submit" { "Add" }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_move_one_place_and_not_past_the_ends() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        assert_eq!(
            moved(&ids, ids[1], true),
            Some(vec![ids[1], ids[0], ids[2]])
        );
        assert_eq!(
            moved(&ids, ids[1], false),
            Some(vec![ids[0], ids[2], ids[1]])
        );
        assert_eq!(moved(&ids, ids[0], true), None);
        assert_eq!(moved(&ids, ids[2], false), None);
        assert_eq!(moved(&ids, Uuid::new_v4(), true), None);
    }
}
