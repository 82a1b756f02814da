//! `GET /api/openapi.json`: every route the API answers is in it, and its
//! examples are bodies the API takes.

use reqwest::StatusCode;
use riff_tests::{spawn_app, Backend, TestApp};
use serde_json::Value;

/// A value for each path parameter: enough to reach the route.
fn filled(path: &str) -> String {
    path.replace("{sku}", "NOPE-1")
        .replace("{id}", "00000000-0000-0000-0000-000000000000")
}

/// Whether the answer is the API's fallback for a route it does not have.
async fn is_fallback(response: reqwest::Response) -> bool {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    let error = body["error"].as_str().unwrap_or_default();
    (status == StatusCode::NOT_FOUND && error.starts_with("no API route is"))
        || (status == StatusCode::METHOD_NOT_ALLOWED && error.contains("does not take"))
}

async fn document(app: &TestApp) -> Value {
    // Open to all: it holds nothing of the shop's.
    let response = reqwest::get(app.url("/api/openapi.json")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_a_route_and_every_route_is_documented() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .request(method.clone(), &filled(path))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert!(
                !is_fallback(response).await,
                "{method} {path} is documented but not served"
            );
        }
    }
    // The other way round: every route the README's API table lists.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut listed = 0;
    for line in readme.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let Some((route, _)) = rest.split_once('`') else {
            continue;
        };
        let Some((method, path)) = route.split_once(' ') else {
            continue;
        };
        if !path.starts_with("/api/") || path == "/api/openapi.json" {
            continue;
        }
        let path = path.split('?').next().unwrap();
        let item = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not in the document"));
        assert!(
            item.get(method.to_lowercase()).is_some(),
            "{method} {path} is served but not documented"
        );
        listed += 1;
    }
    assert!(
        listed >= 20,
        "the README's API table was read ({listed} routes)"
    );
}

/// The examples are what a client would copy: the API takes each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_examples_are_taken_by_the_api() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = document(&app).await;
    let example = |schema: &str| doc["components"]["schemas"][schema]["examples"][0].clone();
    let product = example("ProductInput");
    let created = app.post("/api/products", &product).await;
    assert_eq!(created.status(), StatusCode::CREATED, "{product}");
    let sku = product["sku"].as_str().unwrap();
    let sale = app
        .post(&format!("/api/products/{sku}/sales"), &example("SaleInput"))
        .await;
    assert_eq!(sale.status(), StatusCode::CREATED);
    for (path, schema) in [
        ("/api/settings/dropdown-sort", "DropdownSortInput"),
        ("/api/settings/category-map", "CategoryMapInput"),
    ] {
        let response = app.put(path, &example(schema)).await;
        assert_eq!(response.status(), StatusCode::OK, "{schema}");
    }
    let refusal = app
        .post("/api/products", &Value::from("not an object"))
        .await;
    assert!(refusal.status().is_client_error());
    let body: Value = refusal.json().await.unwrap();
    let error_example = example("Error");
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        error_example
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        "a refusal has the documented shape"
    );
}
