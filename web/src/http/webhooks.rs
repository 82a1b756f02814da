//! `/webhooks/*`: what the marketplaces push. No bearer token — each
//! delivery is verified the platform's own way instead (Shopify signs the
//! body, eBay signs a timestamp with the app's ids, Reverb has no signature
//! and gets a secret address). A verified delivery is appended as it
//! arrived and answered `200` at once; the webhook saga then asks for a
//! reconcile of that platform, which reads the platform's current state
//! rather than trusting the message. A delivery that does not verify gets
//! `401` and changes nothing; one seen before is acknowledged and ignored.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use chrono::Utc;
use riff_adapters::{ebay, reverb, shopify, WebhookError};
use riff_domain::delivery::{DeliveryError, Receive};
use riff_domain::value::Platform;
use riff_domain::{EventMetadata, Source};

use crate::ledger::LedgerError;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/shopify", post(shopify_delivery))
        .route("/reverb/{token}", post(reverb_delivery))
        .route("/ebay", post(ebay_delivery))
        // `/webhooks/reverb/` (an empty secret) and any other address here
        // names no webhook: `404`, not the admin site's login page.
        .fallback(|| async { (StatusCode::NOT_FOUND, "no webhook has this address") })
        .method_not_allowed_fallback(|| async {
            (
                StatusCode::METHOD_NOT_ALLOWED,
                "webhooks are delivered with POST",
            )
        })
}

async fn shopify_delivery(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(secret) = &state.webhooks.shopify else {
        return not_set_up("SHOPIFY_WEBHOOK_SECRET");
    };
    if let Err(error) =
        shopify::webhook::verify(&body, header(shopify::webhook::HMAC_HEADER), secret)
    {
        return refused(Platform::Shopify, &error);
    }
    let delivery_id = shopify::webhook::delivery_id(
        header(shopify::webhook::EVENT_ID_HEADER),
        header(shopify::webhook::WEBHOOK_ID_HEADER),
    )
    // Signed but unnamed: the body itself names it.
    .unwrap_or_else(|| reverb::webhook::delivery_id(&body));
    let topic = header(shopify::webhook::TOPIC_HEADER).map(str::to_owned);
    record(&state, Platform::Shopify, delivery_id, topic, &body).await
}

async fn reverb_delivery(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let Some(secret) = &state.webhooks.reverb else {
        return not_set_up("REVERB_WEBHOOK_SECRET");
    };
    if let Err(error) = reverb::webhook::verify_token(&token, secret) {
        return refused(Platform::Reverb, &error);
    }
    let delivery_id = reverb::webhook::delivery_id(&body);
    record(&state, Platform::Reverb, delivery_id, None, &body).await
}

async fn ebay_delivery(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(ids) = &state.webhooks.ebay else {
        return not_set_up("EBAY_DEV_ID, EBAY_CLIENT_ID and EBAY_CLIENT_SECRET");
    };
    let notification = match ebay::webhook::verify(&body, ids, Utc::now()) {
        Ok(notification) => notification,
        Err(error) => return refused(Platform::Ebay, &error),
    };
    let topic = headers
        .get(ebay::webhook::SOAP_ACTION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(ebay::webhook::soap_action_event)
        .map_or(notification.event_name.clone(), str::to_owned);
    record(
        &state,
        Platform::Ebay,
        notification.delivery_id,
        Some(topic),
        &body,
    )
    .await
}

async fn record(
    state: &AppState,
    platform: Platform,
    delivery_id: String,
    topic: Option<String>,
    body: &[u8],
) -> Response {
    let command = Receive {
        platform,
        delivery_id,
        topic,
        body: String::from_utf8_lossy(body).into_owned(),
        received_at: Utc::now(),
    };
    let meta = EventMetadata::new(platform.as_str(), Source::Webhook);
    // No projector nudge: nobody waits for a delivery's views (the sagas
    // bring the views up to date themselves before they react), and a nudge
    // per delivery kept the projector applying bursts one delivery at a
    // time. The idle poll shows it in the audit within moments.
    match state.ledger.delivery(command, &meta).await {
        Ok(()) => (StatusCode::OK, "received").into_response(),
        Err(LedgerError::Rejected(DeliveryError::AlreadyReceived)) => {
            (StatusCode::OK, "already received").into_response()
        }
        // The platform delivers again later; nothing was appended.
        Err(error) => {
            tracing::error!(%error, %platform, "a webhook delivery could not be recorded");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "could not record the delivery; send it again",
            )
                .into_response()
        }
    }
}

fn refused(platform: Platform, error: &WebhookError) -> Response {
    tracing::warn!(%platform, %error, "a webhook delivery was refused");
    let status = match error {
        WebhookError::Malformed(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNAUTHORIZED,
    };
    (status, error.to_string()).into_response()
}

fn not_set_up(setting: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        format!("webhooks from this platform are not accepted: set {setting}"),
    )
        .into_response()
}
