//! A product's media through the API, with the same checks as the edit
//! page (`crate::media`: type by content, size limit, public addresses
//! only): `POST /api/products/{sku}/media` — multipart `file`, or JSON
//! `{"url"}` or `{"youtube"}` — `DELETE /api/products/{sku}/media/{id}`, and
//! `PUT /api/products/{sku}/media/order` `{"ids": [...]}`. Each answers with
//! the product's media in order, the first being the main picture.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::Json;
use riff_domain::value::{youtube_id, Media, MediaKind, Sku};
use riff_domain::ProductCommand;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ProductSku;
use crate::actions;
use crate::error::ApiError;
use crate::http::api::api_metadata;
use crate::http::api::refusals::{NoProduct, NotJson};
use crate::http::json::{optional_json, ApiPath};
use crate::media::{MediaError, MAX_IMAGE_BYTES};
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct MediaList {
    media: Vec<Media>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct AddBody {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    youtube: Option<String>,
}

/// `POST /api/products/{sku}/media`: `201` with the media.
#[utoipa::path(
    post,
    path = "/products/{sku}/media",
    params(ProductSku),
    request_body(content(
        (crate::http::api::openapi::MediaUpload = "multipart/form-data"),
        (AddBody = "application/json"),
    )),
    responses(
        (status = 201, description = "The product's media, in order", body = serde_json::Value),
        NotJson,
        NoProduct,
        (status = 413, description = "The upload is over the size limit", body = crate::http::api::openapi::Error),
        (status = 422, description = "Not an image, an unsafe or unreachable URL, or not a YouTube address", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn add(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    request: Request,
) -> Result<(StatusCode, Json<MediaList>), ApiError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let kind = if multipart {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|e| ApiError::BadRequest(format!("the upload could not be read: {e}")))?;
        let bytes = uploaded_file(form).await?;
        state.media.store(&bytes).await?
    } else {
        let bytes = Bytes::from_request(request, &state)
            .await
            .map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
        let body: AddBody = optional_json(&bytes, &["url", "youtube"])?;
        match (body.url, body.youtube) {
            (Some(url), None) => state.media.fetch(&url).await?,
            (None, Some(video)) => MediaKind::YouTube {
                video_id: youtube_id(&video)?,
            },
            _ => {
                return Err(ApiError::BadRequest(
                    "send an image as multipart `file`, or JSON {\"url\"} or {\"youtube\"}".into(),
                ))
            }
        }
    };
    let media = Media {
        id: Uuid::new_v4(),
        kind,
    };
    let list = change(&state, &sku, ProductCommand::AttachMedia { media }).await?;
    Ok((StatusCode::CREATED, list))
}

/// The `file` part of an upload, read no further than the size limit.
async fn uploaded_file(mut form: Multipart) -> Result<Vec<u8>, ApiError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::from(MediaError::TooLarge)
        } else {
            ApiError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
                return Err(MediaError::TooLarge.into());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::invalid(
        "file",
        "is required: the image to upload",
    ))
}

/// `DELETE /api/products/{sku}/media/{id}`. A stored file stays: it is
/// content-addressed, and another product or a live listing may show it.
#[utoipa::path(
    delete,
    path = "/products/{sku}/media/{id}",
    params(("sku" = String, Path, description = "The product's SKU"), ("id" = String, Path, description = "The media's id")),
    responses(
        (status = 200, description = "The product's media left", body = serde_json::Value),
        (status = 404, description = "No such product, or no such media on it", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn remove(
    State(state): State<AppState>,
    ApiPath((sku, id)): ApiPath<(String, String)>,
) -> Result<Json<MediaList>, ApiError> {
    let media_id = Uuid::parse_str(id.trim())
        .map_err(|_| ApiError::NotFound(format!("{sku} has no media {id}")))?;
    let sku = actions::sku_in_path(&sku)?;
    change(&state, &sku, ProductCommand::RemoveMedia { media_id }).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct OrderBody {
    #[serde(default)]
    ids: Vec<Uuid>,
}

/// `PUT /api/products/{sku}/media/order` `{"ids": [...]}`: every media id
/// of the product, once, in the new order.
#[utoipa::path(
    put,
    path = "/products/{sku}/media/order",
    params(ProductSku),
    request_body = OrderBody,
    responses(
        (status = 200, description = "The product's media, in the new order", body = serde_json::Value),
        NotJson,
        NoProduct,
        (status = 422, description = "The ids are not the product's media, each once", body = crate::http::api::openapi::Error),
    )
)]
pub(crate) async fn reorder(
    State(state): State<AppState>,
    ProductSku(sku): ProductSku,
    body: Bytes,
) -> Result<Json<MediaList>, ApiError> {
    let body: OrderBody = optional_json(&body, &["ids"])?;
    change(
        &state,
        &sku,
        ProductCommand::ReorderMedia { order: body.ids },
    )
    .await
}

/// Gives the product `command` as the API, and answers its media as they
/// are now.
async fn change(
    state: &AppState,
    sku: &Sku,
    command: ProductCommand,
) -> Result<Json<MediaList>, ApiError> {
    actions::change_product(state, sku, command, &api_metadata()).await?;
    let media = state.ledger.load_product(sku).await?.media;
    Ok(Json(MediaList { media }))
}
