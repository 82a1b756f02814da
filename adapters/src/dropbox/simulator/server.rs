//! The simulator's HTTP face, its in-memory files and its test controls.
//!
//! Routes: `POST /2/files/list_folder`, `/2/files/list_folder/continue`,
//! `/2/files/get_temporary_link` (§5.1–5.3), each checking the bearer
//! token, and `POST /oauth2/token` (§5.5). Errors take §5.4's shapes: 409
//! with an `error_summary`, 401 for a bad or expired token, 429 with
//! `Retry-After`, 400 as plain text. Paths compare in lower case, as on
//! Dropbox. A listing is snapshotted when it starts; each page hands out a
//! new cursor, and an unknown cursor is a 409 `reset` (§5.2). A temporary
//! link points back at the simulator itself (`GET /cd/0/get/{id}/file`,
//! the path shape of Dropbox's content host), which serves the bytes of a
//! file seeded with [`DropboxSimulator::add_image`].

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use axum::extract::rejection::FormRejection;
use axum::extract::Path;
use axum::extract::State as AxumState;
use axum::http::header::HOST;
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::super::wire::{
    route, ApiError, FileMetadata, FolderMetadata, ListFolderArg, ListFolderContinueArg,
    ListFolderResult, Metadata, PathArg, RefreshForm, TemporaryLink, TokenResponse,
};
use crate::simulator::answers::internal_server_error;
use crate::simulator::{Faults, Shared, Simulator};

/// A failure the simulator injects instead of answering an API route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 `too_many_requests` with `Retry-After` in seconds (§5.4).
    TooManyRequests { retry_after_secs: u64 },
    /// HTTP 500.
    ServerError,
    /// HTTP 200 with a body that is not JSON.
    Malformed,
}

/// Which API requests fail, and how (see [`crate::simulator::FaultPlan`]);
/// the OAuth route is not counted.
pub type FaultPlan = crate::simulator::FaultPlan<Fault>;

/// The app and refresh token the OAuth route accepts.
#[derive(Debug, Clone)]
struct App {
    refresh_token: String,
    key: String,
    secret: String,
}

/// A listing in progress: what was there when it started, and how far.
#[derive(Debug)]
struct Listing {
    entries: Vec<Metadata>,
    next: usize,
}

#[derive(Debug)]
struct Inner {
    /// Files by lower-case path, with the path as given.
    files: BTreeMap<String, (String, u64)>,
    /// The bytes of the files seeded with them, by lower-case path.
    contents: HashMap<String, Vec<u8>>,
    /// Folders by lower-case path, with the path as given; parents of seeded
    /// files are added too.
    folders: BTreeMap<String, String>,
    /// The access token that works; others are invalid.
    token: String,
    /// Tokens that have expired: they answer `expired_access_token`.
    expired: BTreeSet<String>,
    app: Option<App>,
    page_size: usize,
    listings: HashMap<String, Listing>,
    cursors: u64,
    faults: Faults<Fault>,
    /// The next `continue` finds every cursor forgotten (§5.2 `reset`).
    reset_next_cursor: bool,
    refreshes: u32,
}

crate::simulator::handle! {
    /// A simulated Dropbox account: clone it freely; every clone is the same.
    DropboxSimulator
}

impl DropboxSimulator {
    /// An account that accepts `access_token`, with no app for refreshes and
    /// pages of 100 entries.
    pub fn new(access_token: &str) -> Self {
        Self {
            inner: Shared::new(Inner {
                files: BTreeMap::new(),
                contents: HashMap::new(),
                folders: BTreeMap::new(),
                token: access_token.to_owned(),
                expired: BTreeSet::new(),
                app: None,
                page_size: 100,
                listings: HashMap::new(),
                cursors: 0,
                faults: Faults::default(),
                reset_next_cursor: false,
                refreshes: 0,
            }),
        }
    }

    /// Lets the OAuth route grant new access tokens for `refresh_token` to
    /// the app `key`/`secret` (§5.5).
    pub fn enable_refresh(&self, refresh_token: &str, key: &str, secret: &str) {
        self.lock().app = Some(App {
            refresh_token: refresh_token.into(),
            key: key.into(),
            secret: secret.into(),
        });
    }

    /// A folder, and its parents, even if empty.
    pub fn add_folder(&self, path: &str) {
        let mut inner = self.lock();
        inner.add_folder(path.trim_end_matches('/'));
    }

    /// A file of `size` bytes at `path` (`/Inventory/RIFF-1/front.jpg`); its
    /// folders are made too. A second file at the same path replaces it.
    pub fn add_file(&self, path: &str, size: u64) {
        let mut inner = self.lock();
        if let Some((parent, _)) = path.rsplit_once('/') {
            inner.add_folder(parent);
        }
        inner
            .files
            .insert(path.to_lowercase(), (path.to_owned(), size));
    }

    /// A file at `path` whose temporary link serves `bytes`.
    pub fn add_image(&self, path: &str, bytes: Vec<u8>) {
        self.add_file(path, bytes.len() as u64);
        self.lock().contents.insert(path.to_lowercase(), bytes);
    }

    /// The access token in use expires now: requests with it get 401
    /// `expired_access_token` until a refresh grants another.
    pub fn expire_token(&self) {
        let mut inner = self.lock();
        let token = inner.token.clone();
        inner.expired.insert(token);
    }

    /// The most entries per page (at least 1).
    pub fn set_page_size(&self, page_size: usize) {
        self.lock().page_size = page_size.max(1);
    }

    /// The next `list_folder/continue` answers 409 `reset`, as when a
    /// cursor expires mid-listing (§5.2); later ones work again.
    pub fn reset_next_cursor(&self) {
        self.lock().reset_next_cursor = true;
    }

    /// Access tokens granted by the OAuth route.
    pub fn refreshes(&self) -> u32 {
        self.lock().refreshes
    }
}

/// Spawned ([`Simulator::spawn`]), its base URL is both the client's
/// `api_url` and `oauth_url`.
impl Simulator for DropboxSimulator {
    const NAME: &'static str = "Dropbox";

    /// The four routes, for mounting inside another app (e.g. `riff sim`).
    fn router(&self) -> Router {
        Router::new()
            .route(route::LIST_FOLDER, post(list_folder))
            .route(route::LIST_FOLDER_CONTINUE, post(list_folder_continue))
            .route(route::GET_TEMPORARY_LINK, post(get_temporary_link))
            .route(route::TOKEN, post(token))
            .route("/cd/0/get/{id}/file", get(content))
            .with_state(self.clone())
    }
}

impl Inner {
    fn add_folder(&mut self, path: &str) {
        let mut at = String::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            at.push('/');
            at.push_str(segment);
            self.folders.entry(at.to_lowercase()).or_insert(at.clone());
        }
    }

    /// `None` when the bearer token is the current one, else the 401.
    fn refuse_token(&self, headers: &HeaderMap) -> Option<Response> {
        let given = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let summary = match given {
            Some(token) if self.expired.contains(token) => "expired_access_token",
            Some(token) if token == self.token => return None,
            _ => "invalid_access_token",
        };
        Some((StatusCode::UNAUTHORIZED, Json(ApiError::body(summary))).into_response())
    }

    fn file(&self, key: &str) -> Option<FileMetadata> {
        let (path, size) = self.files.get(key)?;
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        let mut hasher = DefaultHasher::new();
        (key, size).hash(&mut hasher);
        let hash = hasher.finish();
        Some(FileMetadata {
            name,
            id: Some(format!("id:{hash:016x}")),
            path_lower: Some(key.to_owned()),
            path_display: Some(path.clone()),
            size: *size,
            content_hash: Some(format!("{hash:016x}").repeat(4)),
        })
    }

    /// The next page of `cursor`'s listing, under a new cursor.
    fn page(&mut self, mut listing: Listing) -> ListFolderResult {
        let end = (listing.next + self.page_size).min(listing.entries.len());
        let entries = listing.entries[listing.next..end].to_vec();
        listing.next = end;
        let has_more = end < listing.entries.len();
        self.cursors += 1;
        let cursor = format!("AAH-sim-cursor-{}", self.cursors);
        self.listings.insert(cursor.clone(), listing);
        ListFolderResult {
            entries,
            cursor,
            has_more,
        }
    }
}

/// A 409 with §5.4's body.
fn conflict(summary: &str) -> Response {
    (StatusCode::CONFLICT, Json(ApiError::body(summary))).into_response()
}

/// §5.4: a request Dropbox cannot read is a 400 with a plain-text body.
fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        format!("Error in call to API function: {message}"),
    )
        .into_response()
}

/// The fault due, the token check, and the JSON argument, in that order;
/// the response to send instead (boxed: it is large) when one of them
/// stops the request.
fn admit<A: DeserializeOwned>(
    inner: &mut Inner,
    headers: &HeaderMap,
    body: &str,
) -> Result<A, Box<Response>> {
    if let Some(fault) = inner.faults.on_request() {
        return Err(Box::new(match fault {
            Fault::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                [(RETRY_AFTER, retry_after_secs.to_string())],
                Json(ApiError::body("too_many_requests")),
            )
                .into_response(),
            Fault::ServerError => internal_server_error(),
            Fault::Malformed => (StatusCode::OK, "{\"entries\": [").into_response(),
        }));
    }
    if let Some(refusal) = inner.refuse_token(headers) {
        return Err(Box::new(refusal));
    }
    serde_json::from_str(body).map_err(|e| Box::new(bad_request(format!("request body: {e}"))))
}

async fn list_folder(
    AxumState(sim): AxumState<DropboxSimulator>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut inner = sim.lock();
    let arg: ListFolderArg = match admit(&mut inner, &headers, &body) {
        Ok(arg) => arg,
        Err(response) => return *response,
    };
    if arg.path == "/" {
        return bad_request("path: the root folder is \"\", not \"/\"".into());
    }
    let folder = arg.path.to_lowercase();
    if inner.files.contains_key(&folder) {
        return conflict("path/not_folder");
    }
    if !folder.is_empty() && !inner.folders.contains_key(&folder) {
        return conflict("path/not_found");
    }
    let prefix = format!("{folder}/");
    let is_child = |key: &String| {
        key.strip_prefix(&prefix)
            .is_some_and(|rest| !rest.contains('/'))
    };
    let mut entries: Vec<Metadata> = inner
        .folders
        .iter()
        .filter(|(key, _)| is_child(key))
        .map(|(key, path)| {
            Metadata::Folder(FolderMetadata {
                name: path.rsplit('/').next().unwrap_or(path).to_owned(),
                id: None,
                path_lower: Some(key.clone()),
                path_display: Some(path.clone()),
            })
        })
        .collect();
    let files: Vec<String> = inner
        .files
        .keys()
        .filter(|k| is_child(k))
        .cloned()
        .collect();
    entries.extend(
        files
            .iter()
            .filter_map(|k| inner.file(k))
            .map(Metadata::File),
    );
    let page = inner.page(Listing { entries, next: 0 });
    Json(page).into_response()
}

async fn list_folder_continue(
    AxumState(sim): AxumState<DropboxSimulator>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut inner = sim.lock();
    let arg: ListFolderContinueArg = match admit(&mut inner, &headers, &body) {
        Ok(arg) => arg,
        Err(response) => return *response,
    };
    if std::mem::take(&mut inner.reset_next_cursor) {
        inner.listings.clear();
    }
    match inner.listings.remove(&arg.cursor) {
        Some(listing) => Json(inner.page(listing)).into_response(),
        None => conflict("reset"),
    }
}

async fn get_temporary_link(
    AxumState(sim): AxumState<DropboxSimulator>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut inner = sim.lock();
    let arg: PathArg = match admit(&mut inner, &headers, &body) {
        Ok(arg) => arg,
        Err(response) => return *response,
    };
    let key = arg.path.to_lowercase();
    if inner.folders.contains_key(&key) {
        return conflict("path/not_file");
    }
    match inner.file(&key) {
        Some(file) => {
            let host = headers.get(HOST).and_then(|v| v.to_str().ok()).map_or_else(
                || "https://sim.dl.dropboxusercontent.com".to_owned(),
                |host| format!("http://{host}"),
            );
            let link = format!(
                "{host}/cd/0/get/{}/file",
                file.id.as_deref().unwrap_or("id").trim_start_matches("id:")
            );
            Json(TemporaryLink {
                metadata: Metadata::File(file),
                link,
            })
            .into_response()
        }
        None => conflict("path/not_found"),
    }
}

/// A temporary link's download: the bytes of a file seeded with content,
/// found by its id.
async fn content(AxumState(sim): AxumState<DropboxSimulator>, Path(id): Path<String>) -> Response {
    let inner = sim.lock();
    let found = inner.files.keys().find(|key| {
        inner
            .file(key)
            .and_then(|f| f.id)
            .is_some_and(|file_id| file_id.trim_start_matches("id:") == id)
    });
    match found.and_then(|key| inner.contents.get(key)) {
        Some(bytes) => bytes.clone().into_response(),
        None => (StatusCode::NOT_FOUND, "no such link").into_response(),
    }
}

/// The app's key and secret, from HTTP Basic or else the form (§5.5).
fn client_credentials(headers: &HeaderMap, form: &RefreshForm) -> Option<(String, String)> {
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(k, s)| (k.to_owned(), s.to_owned()))
        });
    basic.or_else(|| Some((form.client_id.clone()?, form.client_secret.clone()?)))
}

async fn token(
    AxumState(sim): AxumState<DropboxSimulator>,
    headers: HeaderMap,
    form: Result<Form<RefreshForm>, FormRejection>,
) -> Response {
    let oauth_error = |status: StatusCode, error: &str, description: &str| {
        (
            status,
            Json(json!({ "error": error, "error_description": description })),
        )
            .into_response()
    };
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "unreadable form",
        );
    };
    let mut inner = sim.lock();
    let Some(app) = inner.app.clone() else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", "no such app");
    };
    if client_credentials(&headers, &form) != Some((app.key.clone(), app.secret.clone())) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "wrong app key or secret",
        );
    }
    if form.grant_type != "refresh_token" || form.refresh_token != app.refresh_token {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "refresh token is malformed",
        );
    }
    inner.refreshes += 1;
    let fresh = format!("sl.sim-{}", inner.refreshes);
    let old = std::mem::replace(&mut inner.token, fresh);
    inner.expired.insert(old);
    Json(TokenResponse {
        access_token: inner.token.clone(),
        token_type: "bearer".into(),
        expires_in: Some(14_400),
    })
    .into_response()
}
