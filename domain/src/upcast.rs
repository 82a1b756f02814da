//! Upcasters: today's code reads yesterday's events.
//!
//! Nothing in the log is ever rewritten. When an event's shape changes, its
//! version goes up and an upcaster here turns the old payload into the new
//! one as it is read — by the aggregates (through cqrs-es) and by the
//! projections alike, so both see one shape.

use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster, SerializedEvent};
use serde_json::{json, Value};

/// Every upcaster, oldest version first (the order cqrs-es applies them in).
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    vec![Box::new(SemanticVersionEventUpcaster::new(
        "ProductCreated",
        "2.0",
        Box::new(product_created_v1_to_v2),
    ))]
}

/// Applies every upcaster that matches, in order.
pub fn upcast(mut event: SerializedEvent) -> SerializedEvent {
    for upcaster in upcasters() {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    event
}

/// `ProductCreated` 1.0.0 described one-off items typed in by hand: it had no
/// `quantity` (always one) and no `source` (always manual).
fn product_created_v1_to_v2(mut payload: Value) -> Value {
    if let Some(body) = payload
        .get_mut("ProductCreated")
        .and_then(Value::as_object_mut)
    {
        body.entry("quantity").or_insert(json!(1));
        body.entry("source").or_insert(json!({"kind": "manual"}));
    }
    payload
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::{ProductEvent, ProductSource};

    #[test]
    fn a_v1_product_created_payload_reads_as_today_s_event() {
        let v1 = SerializedEvent {
            aggregate_id: "OLD-1".into(),
            sequence: 1,
            aggregate_type: "product".into(),
            event_type: "ProductCreated".into(),
            event_version: "1.0".into(),
            payload: json!({"ProductCreated": {
                "sku": "OLD-1",
                "details": {"title": "Vox AC30", "brand": "Vox", "model": "AC30",
                            "year": 1964, "finish": null, "category": "Amps",
                            "condition": "good", "description": null},
                "price": {"amount": "2200.00", "currency": "GBP"}
            }}),
            metadata: json!({}),
        };
        let upcast = upcast(v1);
        assert_eq!(upcast.event_version, "2.0.0");
        let event: ProductEvent = serde_json::from_value(upcast.payload).unwrap();
        let ProductEvent::ProductCreated {
            quantity, source, ..
        } = event
        else {
            panic!("expected ProductCreated");
        };
        assert_eq!(quantity, 1);
        assert_eq!(source, ProductSource::Manual);
    }

    #[test]
    fn a_current_payload_is_left_alone() {
        let event = SerializedEvent {
            aggregate_id: "X".into(),
            sequence: 2,
            aggregate_type: "product".into(),
            event_type: "PriceChanged".into(),
            event_version: "1.0".into(),
            payload: json!({"PriceChanged": {}}),
            metadata: json!({}),
        };
        assert_eq!(upcast(event.clone()), event);
    }
}
