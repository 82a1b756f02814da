//! The API token.

use reqwest::StatusCode;
use riff_tests::{config, on_both_backends, spawn_app, Backend, TestDatabase};
use riff_web::startup::Application;

on_both_backends!(
    the_api_refuses_requests_without_the_token,
    a_generated_token_is_shown_once_and_kept,
);

async fn the_api_refuses_requests_without_the_token(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/api/products", "/api/products/X", "/api/events"] {
        let none = app.get_authorized(path, None).await;
        assert_eq!(none.status(), StatusCode::UNAUTHORIZED, "{path}");
        let body: serde_json::Value = none.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains("RIFF_API_TOKEN"));
        let wrong = app.get_authorized(path, Some("Bearer guess")).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let post = app
        .client
        .post(app.url("/api/products"))
        .json(&riff_tests::guitar("NOAUTH", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.log_length().await, 0);
    // Health needs no token.
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], backend.as_str());
    assert_eq!(health["position"], 0);
}

async fn a_generated_token_is_shown_once_and_kept(backend: Backend) {
    let database = TestDatabase::new(backend).await;
    let first = Application::build(&config(&database.url, None))
        .await
        .unwrap();
    let token = first.generated_token.clone().expect("a token on first run");
    assert!(token.len() >= 32);
    drop(first);

    let second = Application::build(&config(&database.url, None))
        .await
        .unwrap();
    assert_eq!(second.generated_token, None, "shown only once");
    let address = format!("http://{}", second.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(second.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let ok = client
        .get(format!("{address}/api/products"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ok.status(),
        StatusCode::OK,
        "the first run's token still works"
    );
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
