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
    vec![
        Box::new(SemanticVersionEventUpcaster::new(
            "ProductCreated",
            "2.0",
            Box::new(product_created_v1_to_v2),
        )),
        Box::new(SemanticVersionEventUpcaster::new(
            "SoldOn",
            "2.0",
            Box::new(sold_on_v1_to_v2),
        )),
    ]
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

/// `SoldOn` 1.0.0 did not name the listing's product: the sale saga read
/// the listing again to learn it. What the listing was linked to then is
/// not in the event, so an old one says it names none; the saga had
/// reacted to it (its checkpoint moves only after the reaction) before
/// the version that reads it this way was installed.
fn sold_on_v1_to_v2(mut payload: Value) -> Value {
    if let Some(body) = payload.get_mut("SoldOn").and_then(Value::as_object_mut) {
        body.entry("sku").or_insert(Value::Null);
    }
    payload
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::ListingEvent;
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
    fn a_v1_sold_on_reads_as_a_sale_that_names_no_product() {
        let v1 = SerializedEvent {
            aggregate_id: "0b6d5f1e-8a43-4c1e-9a57-2f0d6c1b7e10".into(),
            sequence: 3,
            aggregate_type: "listing".into(),
            event_type: "SoldOn".into(),
            event_version: "1.0.0".into(),
            payload: json!({"SoldOn": {
                "platform": "reverb",
                "order_ref": "R-1001",
                "sold_at": "2024-03-01T10:30:00Z",
                "price": {"amount": "899.00", "currency": "GBP"},
                "quantity": 1
            }}),
            metadata: json!({}),
        };
        let upcast = upcast(v1);
        assert_eq!(upcast.event_version, "2.0.0");
        let event: ListingEvent = serde_json::from_value(upcast.payload).unwrap();
        let ListingEvent::SoldOn {
            sku,
            order_ref,
            sold_out,
            ..
        } = &event
        else {
            panic!("expected SoldOn");
        };
        assert_eq!(*sku, None);
        assert_eq!(order_ref, "R-1001");
        assert!(sold_out, "a v1 sale was a one-off sale");
        let sale = event.sale(None).expect("a SoldOn is a sale");
        assert_eq!(sale.listing, None);
    }

    #[test]
    fn a_v1_product_sold_reads_as_a_sale_that_names_no_listing() {
        let v1 = json!({"ProductSold": {
            "sale": {"channel": "ebay", "order_ref": "110-1",
                     "sold_at": "2024-03-01T10:30:00Z",
                     "price": {"amount": "899.00", "currency": "GBP"}, "quantity": 1},
            "remaining": 0
        }});
        let ProductEvent::ProductSold { sale, remaining } = serde_json::from_value(v1).unwrap()
        else {
            panic!("expected ProductSold");
        };
        assert_eq!((sale.listing, remaining), (None, 0));
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
