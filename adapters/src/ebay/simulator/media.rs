//! The simulated Media API's image upload (`createImageFromFile`) and the
//! picture service behind it.
//!
//! As eBay: `POST …/commerce/media/v1_beta/image/create_image_from_file`,
//! `multipart/form-data` with the file in the part `image`, the user's
//! OAuth token as `Authorization: Bearer`; `201 Created` with `Location:
//! …/image/{image_id}` and `{"imageUrl", "expirationDate"}`. A bad token is
//! eBay's REST `401` with error 1001 ("Invalid access token"); a missing
//! part or a file that is not a picture eBay takes is a `400` in eBay's
//! error envelope (`{"errors": [{"errorId", "domain", "category",
//! "message"}]}`) — the ids of those two are the simulator's own, eBay's
//! reference not listing them. The uploaded bytes are then served at the
//! `imageUrl`, as EPS serves them.

use axum::extract::{Multipart, Path, State as AxumState};
use axum::http::header::{CONTENT_TYPE, HOST, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Duration, SecondsFormat, Utc};
use riff_domain::value::ImageFormat;
use serde_json::json;

use super::server::EbaySimulator;

/// Where the Media API lives, as on eBay (`apim.ebay.com`).
pub const MEDIA_PATH: &str = "/commerce/media/v1_beta";

/// A picture the simulated EPS holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedImage {
    pub image_id: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

fn refusal(status: StatusCode, error_id: u32, domain: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"errors": [{
            "errorId": error_id,
            "domain": domain,
            "category": "REQUEST",
            "message": message,
        }]})),
    )
        .into_response()
}

/// `POST …/image/create_image_from_file`.
pub(super) async fn create_image_from_file(
    AxumState(sim): AxumState<EbaySimulator>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    if !sim.accepts_token(&token) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            1001,
            "OAuth",
            "Invalid access token. Check the value of the Authorization HTTP request header.",
        );
    }
    let mut image = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("image") {
            image = field.bytes().await.ok();
        }
    }
    let Some(bytes) = image.filter(|b| !b.is_empty()) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            190_001,
            "API_MEDIA",
            "The 'image' form-data part is missing. Upload the picture file as 'image'.",
        );
    };
    let Some(format) = ImageFormat::sniff(&bytes) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            190_002,
            "API_MEDIA",
            "The file is not a supported image. Supported formats are JPG, GIF, PNG, BMP, TIFF, AVIF, HEIC and WEBP.",
        );
    };
    let image_id = sim.host_image(format.content_type(), bytes.to_vec());
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let image_url = format!(
        "http://{host}/images/g/{image_id}/s-l1600.{}",
        format.extension()
    );
    let expiration = (Utc::now() + Duration::days(30)).to_rfc3339_opts(SecondsFormat::Millis, true);
    (
        StatusCode::CREATED,
        [(
            LOCATION,
            format!("http://{host}{MEDIA_PATH}/image/{image_id}"),
        )],
        Json(json!({"imageUrl": image_url, "expirationDate": expiration})),
    )
        .into_response()
}

/// `GET /images/g/{image_id}/{name}`: a hosted picture, as EPS serves it.
pub(super) async fn hosted_image(
    AxumState(sim): AxumState<EbaySimulator>,
    Path((image_id, _name)): Path<(String, String)>,
) -> Response {
    match sim.hosted_image(&image_id) {
        Some(image) => ([(CONTENT_TYPE, image.content_type)], image.bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
