//! A request fuzzer for the API, the admin forms and the webhooks (issue
//! 19, section 4). Requests are generated with a fixed seed and a bounded
//! count, so a run is repeatable and quick; each must be answered without a
//! `5xx`, a refusal must say why (`{"error"}` under `/api`, an HTML page for
//! the admin site) and append nothing, and Riff must still be healthy at
//! the end.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reqwest::{Client, Method};
use riff_tests::{guitar, on_both_backends, spawn_app_with, Backend, TestApp, TestDatabase, TOKEN};
use riff_web::platforms::Marketplaces;
use riff_web::sim::Simulators;
use serde_json::{json, Map, Value};

use riff_tests::admin::{browser, log_in};

on_both_backends!(no_request_gets_a_5xx_or_changes_anything_when_refused);

/// Requests per backend.
const CASES: usize = 300;

/// The API's routes, `{sku}` and `{id}` filled in by the generator.
const API: &[&str] = &[
    "/api/products",
    "/api/products/{sku}",
    "/api/products/{sku}/history",
    "/api/products/{sku}/sales",
    "/api/products/{sku}/listings",
    "/api/listings/{id}/end",
    "/api/sync",
    "/api/sync/runs",
    "/api/sync/runs/{id}",
    "/api/events",
    "/api/flags",
    "/api/flags/{id}/resolve",
    "/api/sales",
    "/api/audit",
    "/api/export.csv",
    "/api/inventory/facets",
    "/api/settings",
    "/api/settings/dropdown-sort",
    "/api/settings/category-map",
    "/api/settings/price-rule",
    "/api/{sku}",
];

/// Field names the bodies and queries know, and a few they do not.
const FIELDS: &[&str] = &[
    "sku",
    "title",
    "brand",
    "model",
    "year",
    "finish",
    "category",
    "condition",
    "description",
    "price",
    "quantity",
    "expected_version",
    "channel",
    "order_ref",
    "sold_at",
    "platform",
    "attributes",
    "reason",
    "note",
    "field",
    "order",
    "ebay",
    "reverb",
    "vr",
    "shopify",
    "ebay_item_specifics",
    "percent",
    "q",
    "status",
    "not_platform",
    "min_price",
    "max_price",
    "sort",
    "page",
    "per_page",
    "after",
    "limit",
    "from",
    "to",
    "at",
    "kind",
    "event_type",
    "actor",
    "source",
    "correlation_id",
    "csrf_token",
    "url",
    "youtube",
    "path",
    "media_id",
    "direction",
    "username",
    "password",
    "next",
    "bogus",
];

#[derive(Debug, Clone)]
enum Door {
    Api { token: bool },
    Admin,
    Shopify,
    Reverb,
    Ebay,
}

#[derive(Debug, Clone)]
struct Request {
    door: Door,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Bytes(Vec<u8>),
}

/// Text a careless or hostile client might send.
fn text() -> impl Strategy<Value = String> {
    let odd = prop::sample::select(vec![
        '\0', '\u{1}', '\t', '\n', '\r', '\u{7f}', '\u{85}', '\u{200B}', '\u{FEFF}', '\u{202E}',
        'é', '😀', 'a', ' ', '"', '\\', '%', '\'', '<', '/', '.', '=', '+', '-', '@', '?', '#',
    ]);
    prop_oneof![
        3 => "[A-Za-z0-9 ._-]{0,12}",
        2 => proptest::collection::vec(odd, 0..10).prop_map(|c| c.into_iter().collect()),
        1 => any::<String>(),
        1 => (1usize..3000, prop::sample::select(vec!['x', '\0', '9'])).prop_map(|(n, c)| std::iter::repeat_n(c, n).collect()),
        2 => prop::sample::select(vec![
            "1499.00", "0", "-1", "1e3", "1_000", "10000000.00", "NaN", "2026-11-20T15:04:05Z",
            "0001-01-01T00:00:00Z", "ebay", "shop", "reverb", "excellent", "alpha", "brand",
            "open", "..", ".", "/", "99999999999999999999", "true", "null",
        ]).prop_map(str::to_owned),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((text(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => text(),
    ]
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        1 => Just(Body::None),
        5 => proptest::collection::vec((field(), json_value()), 0..6)
            .prop_map(|kv| Body::Json(Value::Object(kv.into_iter().collect::<Map<_, _>>()))),
        1 => json_value().prop_map(Body::Json),
        3 => proptest::collection::vec((field(), text()), 0..6).prop_map(Body::Form),
        1 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Body::Bytes),
    ]
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("FUZZ-1".to_owned()),
        1 => Just("00000000-0000-0000-0000-000000000001".to_owned()),
        1 => Just("1".to_owned()),
        3 => text(),
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        3 => Just(Method::GET),
        4 => Just(Method::POST),
        1 => Just(Method::PATCH),
        1 => Just(Method::PUT),
        1 => Just(Method::DELETE),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    let admin = riff_web::admin::protected_paths()
        .into_iter()
        .filter(|p| *p != "/logout")
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let path = prop_oneof![
        4 => (any::<bool>(), prop::sample::select(API), segment(), segment()).prop_map(
            |(token, p, sku, id)| (Door::Api { token: token || sku.len() % 4 != 0 }, fill(p, &sku, &id))
        ),
        3 => (prop::sample::select(admin), segment(), segment())
            .prop_map(|(p, sku, id)| (Door::Admin, fill(&p, &sku, &id))),
        1 => Just((Door::Shopify, "/webhooks/shopify".to_owned())),
        1 => Just((Door::Reverb, "/webhooks/reverb/sim-reverb-webhook-secret".to_owned())),
        1 => Just((Door::Ebay, "/webhooks/ebay".to_owned())),
    ];
    (
        path,
        method(),
        proptest::collection::vec((field(), text()), 0..3),
        body(),
    )
        .prop_map(|((door, path), method, query, body)| Request {
            door,
            method,
            path,
            query,
            body,
        })
}

/// A route with its parameters filled in, each percent-encoded.
fn fill(route: &str, sku: &str, id: &str) -> String {
    route
        .replace("{sku}", &encode(sku))
        .replace("{id}", &encode(id))
}

/// Every byte but the unreserved ones as `%XX`.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn shopify_signature(body: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"sim-shopify-webhook-secret").unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn no_request_gets_a_5xx_or_changes_anything_when_refused(backend: Backend) {
    let mut marketplaces = Marketplaces::default();
    Simulators::accept_webhooks(&mut marketplaces);
    let app = spawn_app_with(TestDatabase::new(backend).await, marketplaces).await;
    app.create_product(&guitar("FUZZ-1", "Gibson SG")).await;
    let admin = browser();
    let csrf = log_in(&app, &admin).await;
    let api = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[19; 32]),
    );
    let strategy = request();
    for case in 0..CASES {
        let request = strategy.new_tree(&mut runner).unwrap().current();
        let before = app.events_but_sync_runs().await.len();
        let client = if matches!(request.door, Door::Admin) {
            &admin
        } else {
            &api
        };
        let response = send(&app, client, &csrf, &request).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.unwrap_or_default();
        let after = app.events_but_sync_runs().await.len();
        let what = format!(
            "case {case}: {request:?} answered {status} {content_type}: {}",
            text.chars().take(300).collect::<String>()
        );
        assert!(!status.is_server_error(), "{what}");
        if status.is_client_error() {
            assert_eq!(after, before, "refused but appended: {what}");
            match request.door {
                Door::Api { .. } => {
                    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    assert!(body["error"].is_string(), "not a readable error: {what}");
                }
                Door::Admin => {
                    assert!(content_type.starts_with("text/html"), "not a page: {what}");
                }
                Door::Shopify | Door::Reverb | Door::Ebay => {
                    assert!(!text.is_empty(), "no reason given: {what}");
                }
            }
        }
    }
    app.assert_healthy().await;
}

async fn send(app: &TestApp, client: &Client, csrf: &str, r: &Request) -> reqwest::Response {
    let mut url = app.url(&r.path);
    if !r.query.is_empty() {
        let pairs: Vec<String> = r
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        url = format!("{url}?{}", pairs.join("&"));
    }
    let mut builder = client.request(r.method.clone(), url);
    match r.door {
        Door::Api { token: true } => builder = builder.bearer_auth(TOKEN),
        Door::Shopify => {
            // Signed as Shopify signs: over the very bytes sent.
            let bytes = body_bytes(&r.body);
            let signed = builder
                .header("X-Shopify-Hmac-Sha256", shopify_signature(&bytes))
                .header("X-Shopify-Topic", "orders/create")
                .body(bytes);
            return signed.send().await.unwrap();
        }
        _ => {}
    }
    builder = match &r.body {
        Body::None => builder,
        Body::Json(value) => builder.json(value),
        Body::Form(fields) => {
            let mut fields = fields.clone();
            if matches!(r.door, Door::Admin) && fields.len() % 3 != 0 {
                fields.push(("csrf_token".into(), csrf.to_owned()));
            }
            builder.form(&fields)
        }
        Body::Bytes(bytes) => builder.body(bytes.clone()),
    };
    builder.send().await.unwrap()
}

/// The bytes a body goes out as, for a signature over them.
fn body_bytes(body: &Body) -> Vec<u8> {
    match body {
        Body::None => Vec::new(),
        Body::Json(value) => serde_json::to_vec(value).unwrap(),
        Body::Form(fields) => fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
        Body::Bytes(bytes) => bytes.clone(),
    }
}
