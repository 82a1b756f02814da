//! Riff's own HTTP API, as the demo drives it: the demo is a client like
//! any other, so the shop it builds went through the same checks, events
//! and views as one typed in by hand.

use std::time::Duration;

use riff_domain::value::Platform;
use serde_json::{json, Value};

use super::DemoError;

/// The demo's client of the Riff it started.
pub(super) struct RiffApi {
    http: reqwest::Client,
    /// `http://host:port`, no trailing slash.
    base: String,
    token: String,
}

impl RiffApi {
    pub(super) fn new(base: &str, token: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    /// `POST /api/products`.
    pub(super) async fn create_product(&self, body: &Value) -> Result<(), DemoError> {
        let what = format!("create the product {}", body["sku"]);
        self.send(&what, self.http.post(self.url("/api/products")).json(body))
            .await
            .map(drop)
    }

    /// `POST /api/products/{sku}/media`: uploads a picture.
    pub(super) async fn upload_picture(&self, sku: &str, png: Vec<u8>) -> Result<(), DemoError> {
        let what = format!("give {sku} its picture");
        let part = reqwest::multipart::Part::bytes(png)
            .file_name(format!("{sku}.png"))
            .mime_str("image/png")
            .map_err(|e| api_error(&what, e))?;
        let form = reqwest::multipart::Form::new().part("file", part);
        let url = self.url(&format!("/api/products/{sku}/media"));
        self.send(&what, self.http.post(url).multipart(form))
            .await
            .map(drop)
    }

    /// `POST /api/sync`: starts a reconcile and returns its run id.
    pub(super) async fn start_sync(&self, platform: Option<Platform>) -> Result<String, DemoError> {
        let body = match platform {
            Some(p) => json!({"platform": p.as_str()}),
            None => json!({}),
        };
        let what = "start a sync";
        let answer = self
            .send(what, self.http.post(self.url("/api/sync")).json(&body))
            .await?;
        Ok(answer["run_id"].as_str().unwrap_or_default().to_owned())
    }

    /// Waits until the run `run_id` has finished (it is `404` until the
    /// views have caught up with its start) and returns its status.
    pub(super) async fn wait_for_run(&self, run_id: &str) -> Result<String, DemoError> {
        let what = "read the first sync run";
        loop {
            let request = self.http.get(self.url(&format!("/api/sync/runs/{run_id}")));
            let response = request
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(|source| api_error(what, source))?;
            if response.status().is_success() {
                let run: Value = response
                    .json()
                    .await
                    .map_err(|source| api_error(what, source))?;
                if let Some(status) = run["status"].as_str().filter(|s| *s != "running") {
                    return Ok(status.to_owned());
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// How many products Riff holds.
    pub(super) async fn product_count(&self) -> Result<u64, DemoError> {
        let page = self
            .get("count the products", "/api/products?per_page=1")
            .await?;
        Ok(page["total"].as_u64().unwrap_or_default())
    }

    /// How many open flags of `kind` there are.
    pub(super) async fn open_flags(&self, kind: &str) -> Result<usize, DemoError> {
        let flags = self
            .get(
                "read the flags",
                &format!("/api/flags?status=open&kind={kind}"),
            )
            .await?;
        Ok(flags["items"].as_array().map_or(0, Vec::len))
    }

    async fn get(&self, what: &str, path: &str) -> Result<Value, DemoError> {
        self.send(what, self.http.get(self.url(path))).await
    }

    /// Sends with the token; a non-2xx answer is [`DemoError::Refused`].
    async fn send(&self, what: &str, request: reqwest::RequestBuilder) -> Result<Value, DemoError> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|source| api_error(what, source))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(DemoError::Refused {
                what: what.to_owned(),
                status,
                body,
            });
        }
        response
            .json()
            .await
            .map_err(|source| api_error(what, source))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// How often the demo looks again while it waits for Riff.
pub(super) const POLL: Duration = Duration::from_millis(50);

fn api_error(what: &str, source: reqwest::Error) -> DemoError {
    DemoError::Api {
        what: what.to_owned(),
        source,
    }
}
