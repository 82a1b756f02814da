//! A webhook receiver for the simulators' deliveries: a tiny axum server on
//! 127.0.0.1:0 that answers 200 and hands each request to the test.

use axum::body::Bytes;
use axum::http::{HeaderMap, Uri};
use axum::routing::post;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One request as it arrived.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) path: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Received {
    /// A header's value as text, or `None`.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Starts the receiver; returns its base URL and the stream of requests.
pub(crate) async fn receiver() -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let router = Router::new().route(
        "/{*path}",
        post(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(Received {
                    path: uri.path().to_owned(),
                    headers,
                    body,
                });
            }
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("a bound address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, rx)
}

/// The next delivery, or a failed test after five seconds.
pub(crate) async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
        .await
        .expect("a webhook within five seconds")
        .expect("the receiver is running")
}
