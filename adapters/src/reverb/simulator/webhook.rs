//! The simulated Reverb's `orders/create` webhook (§2.7): "the standard
//! json representation of the object", so the order exactly as
//! `GET /my/orders/selling/all` lists it, with no envelope, no signature and
//! no delivery id, POSTed to the secret URL the seller registered.
//! Source: reverb.com/page/receiving-real-time-updates-with-the-reverb-api.

use serde_json::{json, Value};

use super::super::wire::Order;
use crate::simulator::delivery::Delivery;

/// Where the simulated Reverb sends webhooks. Reverb signs nothing, so the
/// URL carries the secret, e.g. `http://127.0.0.1:8000/webhooks/reverb/{token}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    pub url: String,
}

/// `orders/create` for `order`, a listing's `title` added as Reverb's order
/// JSON carries it.
pub(super) fn order_created(target: &WebhookTarget, order: &Order, title: &str) -> Delivery {
    let mut body = serde_json::to_value(order).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut body {
        let number = order.order_number.to_string();
        fields.insert("title".into(), json!(title));
        fields.insert("order_type".into(), json!("instant"));
        fields.insert(
            "_links".into(),
            json!({ "self": { "href": format!("https://api.reverb.com/api/my/orders/selling/{number}") } }),
        );
    }
    Delivery {
        platform: "Reverb",
        url: target.url.clone(),
        headers: vec![("Content-Type", "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}
