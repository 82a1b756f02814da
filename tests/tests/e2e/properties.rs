//! Property: whatever text a client sends, an accepted command is projected
//! and a refused one appends nothing, and no view stalls (issue 19).
//! Generated with a fixed seed and a bounded count, so a run is repeatable.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reqwest::StatusCode;
use riff_tests::{guitar, items, on_both_backends, spawn_app, status_and_json, Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(every_accepted_command_is_projected_and_every_refused_one_appends_nothing);

/// Commands per backend.
const CASES: usize = 96;

/// Text a careless or hostile client might send: plain, control and
/// invisible characters, arbitrary Unicode, and extreme lengths.
fn text() -> impl Strategy<Value = String> {
    let odd = prop::sample::select(vec![
        '\0', '\u{1}', '\t', '\n', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{200B}', '\u{FEFF}',
        '\u{202E}', '\u{3164}', 'é', '😀', 'a', ' ', '"', '\\', '%', '\'', '<',
    ]);
    prop_oneof![
        "[A-Za-z0-9 .-]{1,20}",
        proptest::collection::vec(odd, 0..12).prop_map(|c| c.into_iter().collect()),
        any::<String>(),
        (
            1usize..4000,
            prop::sample::select(vec!['x', 'é', '\u{200B}', '😀', '\0'])
        )
            .prop_map(|(n, c)| std::iter::repeat_n(c, n).collect()),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        sku: String,
        title: String,
        brand: String,
        description: String,
    },
    Sale {
        order_ref: String,
        sold_at: String,
    },
    Retitle {
        title: String,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let sold_at = prop_oneof![
        Just("2026-11-20T15:04:05Z".to_owned()),
        Just("0001-01-01T00:00:00Z".to_owned()),
        Just("9999-12-31T23:59:59Z".to_owned()),
        text(),
    ];
    prop_oneof![
        (
            prop_oneof!["[A-Za-z0-9._-]{1,70}", text()],
            text(),
            text(),
            text()
        )
            .prop_map(|(sku, title, brand, description)| Op::Create {
                sku,
                title,
                brand,
                description
            }),
        (text(), sold_at).prop_map(|(order_ref, sold_at)| Op::Sale { order_ref, sold_at }),
        text().prop_map(|title| Op::Retitle { title }),
    ]
}

async fn every_accepted_command_is_projected_and_every_refused_one_appends_nothing(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    // A product that sells many times over (conflicts are recorded too).
    let mut stock = guitar("PROP-1", "Gibson SG");
    stock["quantity"] = json!(1000);
    app.create_product(&stock).await;
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[19; 32]),
    );
    let strategy = op();
    let (mut accepted, mut refused) = (0, 0);
    for case in 0..CASES {
        let op = strategy
            .new_tree(&mut runner)
            .expect("a generated command")
            .current();
        let before = app.log_length().await;
        let (status, body) = send(&app, &op).await;
        let after = app.log_length().await;
        assert!(
            !status.is_server_error(),
            "case {case}: {op:?} answered {status} {body}"
        );
        if status.is_success() {
            // A new title equal to the old one changes nothing, and is not
            // recorded; everything else accepted appends.
            let unchanged = matches!(op, Op::Retitle { .. }) && status == StatusCode::OK;
            assert!(
                after > before || unchanged,
                "case {case}: {op:?} accepted, nothing appended"
            );
            assert_projected(&app, &op).await;
            accepted += 1;
        } else {
            assert_eq!(
                after, before,
                "case {case}: {op:?} refused ({status} {body}) but appended"
            );
            assert!(body["error"].is_string(), "case {case}: {body}");
            refused += 1;
        }
    }
    // The generator reaches both sides of every rule.
    assert!(
        accepted > CASES / 8 && refused > CASES / 8,
        "{accepted} accepted, {refused} refused"
    );
    app.assert_healthy().await;
}

async fn send(app: &TestApp, op: &Op) -> (StatusCode, Value) {
    let response = match op {
        Op::Create {
            sku,
            title,
            brand,
            description,
        } => {
            let mut body = guitar(sku, title);
            body["brand"] = json!(brand);
            body["description"] = json!(description);
            app.post("/api/products", &body).await
        }
        Op::Sale { order_ref, sold_at } => {
            app.post(
                "/api/products/PROP-1/sales",
                &json!({"channel": "shop", "order_ref": order_ref, "sold_at": sold_at,
                        "price": "10.00"}),
            )
            .await
        }
        Op::Retitle { title } => {
            app.patch("/api/products/PROP-1", &json!({"title": title}))
                .await
        }
    };
    status_and_json(response).await
}

/// The views show what was accepted, at once (read-your-writes).
async fn assert_projected(app: &TestApp, op: &Op) {
    match op {
        Op::Create { sku, title, .. } => {
            // An accepted SKU is letters, digits, `-`, `_` and `.`: a path
            // segment as it is.
            let path = format!("/api/products/{}", sku.trim());
            let product = app.get_json(&path).await;
            assert_eq!(product["title"], title.trim(), "{op:?}");
        }
        Op::Sale { order_ref, .. } => {
            let report = app.get_json("/api/sales").await;
            let items = items(&report);
            assert!(
                items.iter().any(|s| s["order_ref"] == order_ref.as_str()),
                "{op:?} not in the sales view"
            );
        }
        Op::Retitle { title } => {
            let product = app.get_json("/api/products/PROP-1").await;
            assert_eq!(product["title"], title.trim(), "{op:?}");
        }
    }
}
