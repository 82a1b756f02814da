//! The simulated store's `orders/create` webhook (§3.5): the REST Order
//! JSON a real store POSTs when a buyer checks out, signed as Shopify signs
//! it, with Shopify's headers.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::super::webhook::{
    sign, API_VERSION_HEADER, EVENT_ID_HEADER, HMAC_HEADER, SHOP_DOMAIN_HEADER, TOPIC_HEADER,
    TRIGGERED_AT_HEADER, WEBHOOK_ID_HEADER,
};
use super::state::{SimOrder, SimProduct};
use crate::simulator::delivery::Delivery;
use crate::Secret;

/// The shop the simulator pretends to be.
pub(super) const SHOP_DOMAIN: &str = "riff-sim.myshopify.com";

/// The API version the simulator renders webhooks in, as the client's.
const API_VERSION: &str = "2025-07";

/// Where the simulated store sends webhooks, and the app secret it signs
/// them with (the `X-Shopify-Hmac-Sha256` key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    /// The full URL of the receiver, e.g. `http://127.0.0.1:8000/webhooks/shopify`.
    pub url: String,
    pub secret: Secret,
}

/// `orders/create` for one order of one line. `name` is the order's
/// `#1001`-style name; `currency` the shop's.
pub(super) fn order_created(
    target: &WebhookTarget,
    order: &SimOrder,
    product: &SimProduct,
    name: &str,
    currency: &str,
) -> Delivery {
    let unit = format!("{:.2}", product.price);
    let total = format!("{:.2}", product.price * Decimal::from(order.quantity));
    let at = order.created_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let body = json!({
        "id": order.id,
        "admin_graphql_api_id": format!("gid://shopify/Order/{}", order.id),
        "name": name,
        "order_number": name.trim_start_matches('#').parse::<u64>().unwrap_or(order.id),
        "created_at": at,
        "processed_at": at,
        "currency": currency,
        "total_price": total,
        "subtotal_price": total,
        "financial_status": "paid",
        "fulfillment_status": null,
        "line_items": [{
            "id": order.line_item_id,
            "admin_graphql_api_id": format!("gid://shopify/LineItem/{}", order.line_item_id),
            "product_id": product.id,
            "variant_id": product.variant_id,
            "sku": product.sku,
            "title": product.title,
            "name": product.title,
            "quantity": order.quantity,
            "fulfillable_quantity": order.quantity,
            "price": unit,
            "price_set": { "shop_money": { "amount": unit, "currency_code": currency } },
        }],
    })
    .to_string()
    .into_bytes();
    signed(target, "orders/create", body, order.created_at)
}

fn signed(
    target: &WebhookTarget,
    topic: &str,
    body: Vec<u8>,
    triggered_at: DateTime<Utc>,
) -> Delivery {
    Delivery {
        platform: "Shopify",
        url: target.url.clone(),
        headers: vec![
            ("Content-Type", "application/json".into()),
            (TOPIC_HEADER, topic.into()),
            (HMAC_HEADER, sign(&body, &target.secret)),
            (SHOP_DOMAIN_HEADER, SHOP_DOMAIN.into()),
            (API_VERSION_HEADER, API_VERSION.into()),
            (WEBHOOK_ID_HEADER, Uuid::new_v4().to_string()),
            (EVENT_ID_HEADER, Uuid::new_v4().to_string()),
            (
                TRIGGERED_AT_HEADER,
                triggered_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            ),
        ],
        body,
    }
}
