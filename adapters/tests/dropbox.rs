//! The Dropbox client against the Dropbox simulator, over a real socket on
//! 127.0.0.1. Each test starts its own simulator. Retries are immediate and
//! injected 429s carry `Retry-After: 0`.

use riff_adapters::dropbox::simulator::{Fault, FaultPlan};
use riff_adapters::dropbox::{
    DropboxClient, DropboxConfig, DropboxError, DropboxFile, DropboxRefresh, DropboxSimulator,
};
use riff_adapters::http::RetryPolicy;
use riff_adapters::simulator::Simulator as _;
use riff_adapters::Secret;

const TOKEN: &str = "sl.sim-first-token";
const REFRESH_TOKEN: &str = "sim-refresh-token";
const APP_KEY: &str = "sim-app-key";
const APP_SECRET: &str = "sim-app-secret";

/// A simulator with the app enabled, and its base URL.
async fn start() -> (DropboxSimulator, String) {
    let simulator = DropboxSimulator::new(TOKEN);
    simulator.enable_refresh(REFRESH_TOKEN, APP_KEY, APP_SECRET);
    let base = simulator.spawn().await.expect("bind 127.0.0.1:0");
    (simulator, base)
}

/// A Dropbox answering one entry a page, with the one-byte `pictures` in
/// `/Inventory/RIFF-1`.
async fn start_paged(pictures: &[&str]) -> (DropboxSimulator, String) {
    let (simulator, base) = start().await;
    simulator.set_page_size(1);
    for picture in pictures {
        simulator.add_file(&format!("/Inventory/RIFF-1/{picture}"), 1);
    }
    (simulator, base)
}

/// A Dropbox whose access token has expired, with the product's folder
/// `/Inventory/RIFF-1`, empty.
async fn start_expired() -> (DropboxSimulator, String) {
    let (simulator, base) = start().await;
    simulator.add_folder("/Inventory/RIFF-1");
    simulator.expire_token();
    (simulator, base)
}

fn config(base: &str, refresh: bool) -> DropboxConfig {
    let mut config = DropboxConfig::new(Some(Secret::new(TOKEN)));
    config.api_url = base.into();
    config.retry = RetryPolicy::immediate(5);
    if refresh {
        config.refresh = Some(DropboxRefresh {
            refresh_token: Secret::new(REFRESH_TOKEN),
            app_key: APP_KEY.into(),
            app_secret: Secret::new(APP_SECRET),
            oauth_url: base.into(),
        });
    }
    config
}

fn client(config: DropboxConfig) -> DropboxClient {
    DropboxClient::new(config).expect("the HTTP client builds")
}

/// The pictures in `/Inventory/RIFF-1`, listed with the access token
/// alone.
async fn list_product_folder(base: &str) -> Result<Vec<DropboxFile>, DropboxError> {
    client(config(base, false))
        .list_images("/Inventory/RIFF-1")
        .await
}

fn names(files: &[DropboxFile]) -> Vec<&str> {
    let mut names: Vec<_> = files.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    names
}

#[tokio::test]
async fn listing_a_folder_across_pages_returns_every_image_once_and_skips_the_rest() {
    let (simulator, base) = start().await;
    simulator.set_page_size(2);
    for name in [
        "front.jpg",
        "back.JPEG",
        "headstock.png",
        "case.webp",
        "notes.txt",
        "scan.pdf",
    ] {
        simulator.add_file(&format!("/Inventory/RIFF-10000123/{name}"), 7212);
    }
    simulator.add_file("/Inventory/RIFF-10000123/detail/neck.jpg", 10);
    simulator.add_file("/Inventory/RIFF-10000124/other.jpg", 10);

    let files = client(config(&base, false))
        .list_images("/Inventory/RIFF-10000123")
        .await
        .unwrap();

    assert_eq!(
        names(&files),
        ["back.JPEG", "case.webp", "front.jpg", "headstock.png"]
    );
    let front = files.iter().find(|f| f.name == "front.jpg").unwrap();
    assert_eq!(front.path, "/Inventory/RIFF-10000123/front.jpg");
    assert_eq!(front.size, 7212);
    assert_eq!(front.content_hash.as_ref().map(String::len), Some(64));
    assert_eq!(
        simulator.requests(),
        4,
        "seven entries (a subfolder among them) in pages of two"
    );
}

#[tokio::test]
async fn an_empty_folder_lists_no_images() {
    let (simulator, base) = start().await;
    simulator.add_folder("/Inventory/RIFF-10000125");

    let files = client(config(&base, false))
        .list_images("/Inventory/RIFF-10000125/")
        .await
        .unwrap();

    assert!(files.is_empty());
}

#[tokio::test]
async fn a_temporary_link_is_returned_for_a_file() {
    let (simulator, base) = start().await;
    let jpeg = b"\xFF\xD8\xFF\xE0 a picture".to_vec();
    simulator.add_image("/Inventory/RIFF-10000123/front.jpg", jpeg.clone());
    let client = client(config(&base, false));

    let path = &client
        .list_images("/inventory/riff-10000123")
        .await
        .unwrap()[0]
        .path;
    let link = client.temporary_link(path).await.unwrap();

    assert!(link.ends_with("/file"), "{link}");
    let fetched = reqwest::get(&link).await.unwrap();
    assert_eq!(fetched.status(), reqwest::StatusCode::OK, "{link}");
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), jpeg.as_slice());
}

#[tokio::test]
async fn a_missing_folder_or_file_is_not_found_naming_the_path() {
    let (_simulator, base) = start().await;
    let client = client(config(&base, false));

    let folder = client.list_images("/Inventory/RIFF-404").await;
    let file = client.temporary_link("/Inventory/RIFF-404/front.jpg").await;

    assert_eq!(
        folder,
        Err(DropboxError::NotFound {
            path: "/Inventory/RIFF-404".into()
        })
    );
    assert_eq!(
        file,
        Err(DropboxError::NotFound {
            path: "/Inventory/RIFF-404/front.jpg".into()
        })
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_goes_through() {
    let (simulator, base) = start().await;
    simulator.add_file("/Inventory/RIFF-1/front.jpg", 1);
    let client = client(config(&base, true));
    simulator.expire_token();

    let first = client.list_images("/Inventory/RIFF-1").await.unwrap();
    let second = client.list_images("/Inventory/RIFF-1").await.unwrap();

    assert_eq!(names(&first), ["front.jpg"]);
    assert_eq!(first, second);
    assert_eq!(simulator.refreshes(), 1, "the fresh token is kept");
}

#[tokio::test]
async fn without_an_access_token_the_first_call_refreshes() {
    let (simulator, base) = start().await;
    simulator.add_file("/Inventory/RIFF-1/front.jpg", 1);
    let mut config = config(&base, true);
    config.access_token = None;

    let files = client(config)
        .list_images("/Inventory/RIFF-1")
        .await
        .unwrap();

    assert_eq!(names(&files), ["front.jpg"]);
    assert_eq!(simulator.refreshes(), 1);
}

#[tokio::test]
async fn an_expired_token_without_a_refresh_configured_is_an_auth_error_naming_the_settings() {
    let (simulator, base) = start_expired().await;

    let error = list_product_folder(&base).await.unwrap_err();

    assert!(matches!(error, DropboxError::Auth(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("DROPBOX_ACCESS_TOKEN"), "{message}");
    assert!(message.contains("DROPBOX_REFRESH_TOKEN"), "{message}");
    assert_eq!(simulator.refreshes(), 0);
}

#[tokio::test]
async fn a_refused_refresh_token_is_an_auth_error() {
    let (_simulator, base) = start_expired().await;
    let mut config = config(&base, true);
    if let Some(refresh) = config.refresh.as_mut() {
        refresh.refresh_token = Secret::new("revoked");
    }

    let error = client(config).list_images("/Inventory/RIFF-1").await;

    assert!(
        matches!(error, Err(DropboxError::Auth(ref m)) if m.contains("invalid_grant")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_429_with_retry_after_zero_and_a_500_are_retried() {
    let (simulator, base) = start_paged(&["a.jpg", "b.jpg", "c.jpg"]).await;
    simulator.set_faults(Some(FaultPlan {
        every: 2,
        faults: vec![
            Fault::TooManyRequests {
                retry_after_secs: 0,
            },
            Fault::ServerError,
        ],
    }));

    let files = list_product_folder(&base).await.unwrap();

    assert_eq!(names(&files), ["a.jpg", "b.jpg", "c.jpg"]);
    assert_eq!(
        simulator.requests(),
        5,
        "three pages and two injected faults"
    );
}

#[tokio::test]
async fn a_rate_limit_that_outlasts_the_retries_is_reported_with_its_pause() {
    let (simulator, base) = start().await;
    simulator.add_folder("/Inventory/RIFF-1");
    simulator.set_faults(Some(FaultPlan {
        every: 1,
        faults: vec![Fault::TooManyRequests {
            retry_after_secs: 0,
        }],
    }));

    let error = list_product_folder(&base).await;

    assert_eq!(
        error,
        Err(DropboxError::RateLimited {
            retry_after: Some(std::time::Duration::ZERO)
        })
    );
    assert_eq!(simulator.requests(), 5);
}

#[tokio::test]
async fn a_malformed_answer_is_a_protocol_error() {
    let (simulator, base) = start().await;
    simulator.add_file("/Inventory/RIFF-1/a.jpg", 1);
    simulator.set_faults(Some(FaultPlan {
        every: 1,
        faults: vec![Fault::Malformed],
    }));

    let error = client(config(&base, false))
        .temporary_link("/Inventory/RIFF-1/a.jpg")
        .await;

    assert!(matches!(error, Err(DropboxError::Protocol(_))), "{error:?}");
}

#[tokio::test]
async fn a_cursor_reset_mid_listing_starts_the_listing_again() {
    let (simulator, base) = start_paged(&["a.jpg", "b.jpg"]).await;
    simulator.reset_next_cursor();

    let files = list_product_folder(&base).await.unwrap();

    assert_eq!(names(&files), ["a.jpg", "b.jpg"]);
    assert_eq!(
        simulator.requests(),
        4,
        "a page, the reset, then both pages"
    );
}
