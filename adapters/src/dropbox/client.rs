//! [`DropboxClient`]: lists a folder's pictures and links to them (§5).
//!
//! Every route is a read, so every call is retried through the configured
//! [`RetryPolicy`] on a rate limit or a transient failure. The access token
//! is short-lived (four hours, §5.5): on a 401 `expired_access_token` the
//! client runs the refresh-token grant once and sends the call again. The
//! token lives behind an async lock, so concurrent calls that find it
//! expired refresh it once between them.

use std::collections::HashSet;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::Mutex;

use super::wire::{
    self, route, ApiError, ListFolderArg, ListFolderContinueArg, ListFolderResult, Metadata,
    OauthError, PathArg, RefreshForm, TemporaryLink, TokenResponse,
};
use super::DropboxError;
use crate::http::{self, RetryPolicy};
use crate::Secret;

/// A listing that claims more pages than this is a broken response.
const MAX_PAGES: u32 = 1_000;

/// The extensions Riff treats as product pictures, compared in lower case.
const IMAGE_EXTENSIONS: [&str; 4] = ["jpg", "jpeg", "png", "webp"];

/// The refresh-token grant's settings (§5.5).
#[derive(Debug, Clone)]
pub struct DropboxRefresh {
    /// The long-lived token from an `token_access_type=offline` authorisation.
    pub refresh_token: Secret,
    /// The app key, sent as the Basic user name.
    pub app_key: String,
    pub app_secret: Secret,
    /// The OAuth root, `https://api.dropboxapi.com` (§5.5: RIFF used
    /// `https://api.dropbox.com`; both answer).
    pub oauth_url: String,
}

/// Everything the client needs to read the shop's Dropbox.
#[derive(Debug, Clone)]
pub struct DropboxConfig {
    /// The API root, `https://api.dropboxapi.com` (routes are appended).
    pub api_url: String,
    /// A token to start with. Without one, the first call refreshes.
    pub access_token: Option<Secret>,
    /// How to get a new access token when the current one expires; without
    /// it an expired token is an [`DropboxError::Auth`].
    pub refresh: Option<DropboxRefresh>,
    /// Retries for every call (all are reads).
    pub retry: RetryPolicy,
}

impl DropboxConfig {
    /// The real Dropbox, with the default retries and no refresh.
    pub fn new(access_token: Option<Secret>) -> Self {
        Self {
            api_url: "https://api.dropboxapi.com".into(),
            access_token,
            refresh: None,
            retry: RetryPolicy::default(),
        }
    }
}

/// One picture in a product's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropboxFile {
    /// As Dropbox displays it; pass it back to [`DropboxClient::temporary_link`].
    pub path: String,
    pub name: String,
    /// In bytes.
    pub size: u64,
    /// Changes when the bytes change (§5.1), when Dropbox sends it.
    pub content_hash: Option<String>,
}

/// The Dropbox media client.
#[derive(Debug)]
pub struct DropboxClient {
    api_url: String,
    refresh: Option<DropboxRefresh>,
    retry: RetryPolicy,
    token: Mutex<Option<Secret>>,
    http: reqwest::Client,
}

/// What one exchange ended in, before retries and refreshes decide.
enum Failure {
    /// 401 `expired_access_token`: refresh and send again.
    Expired,
    Error(DropboxError),
}

impl From<DropboxError> for Failure {
    fn from(error: DropboxError) -> Self {
        Self::Error(error)
    }
}

impl DropboxClient {
    /// # Errors
    /// Only if the HTTP client cannot be built.
    pub fn new(config: DropboxConfig) -> Result<Self, DropboxError> {
        let http = http::client().map_err(|e| DropboxError::Transient(e.to_string()))?;
        Ok(Self {
            api_url: config.api_url.trim_end_matches('/').to_owned(),
            refresh: config.refresh.map(|mut r| {
                r.oauth_url = r.oauth_url.trim_end_matches('/').to_owned();
                r
            }),
            retry: config.retry,
            token: Mutex::new(config.access_token),
            http,
        })
    }

    /// Every picture directly in `folder` (not in its subfolders), following
    /// `has_more` through `list_folder/continue` (§5.1, §5.2), each once.
    ///
    /// # Errors
    /// [`DropboxError::NotFound`] when the folder is not there; any other
    /// [`DropboxError`]. A listing is all or nothing.
    #[tracing::instrument(skip(self))]
    pub async fn list_images(&self, folder: &str) -> Result<Vec<DropboxFile>, DropboxError> {
        let path = folder_path(folder);
        match self.list_once(&path).await {
            // §5.2: a cursor can expire mid-listing (409 `reset`); the
            // listing starts again from the top, once.
            Err(DropboxError::Refused { summary }) if summary.starts_with("reset/") => {
                tracing::warn!(folder = %path, "Dropbox reset the listing cursor; listing again");
                self.list_once(&path).await
            }
            outcome => outcome,
        }
    }

    /// One listing of `path` from its first page to its last.
    async fn list_once(&self, path: &str) -> Result<Vec<DropboxFile>, DropboxError> {
        let first = ListFolderArg {
            path: path.to_owned(),
            recursive: false,
            include_media_info: false,
            include_deleted: false,
            include_mounted_folders: true,
            limit: None,
        };
        let mut page: ListFolderResult = self.call(route::LIST_FOLDER, path, &first).await?;
        let mut seen = HashSet::new();
        let mut images = Vec::new();
        for _ in 0..MAX_PAGES {
            for entry in page.entries {
                if let Some(image) = image(path, entry) {
                    if seen.insert(image.path.to_lowercase()) {
                        images.push(image);
                    }
                }
            }
            if !page.has_more {
                return Ok(images);
            }
            let next = ListFolderContinueArg {
                cursor: page.cursor,
            };
            page = self.call(route::LIST_FOLDER_CONTINUE, path, &next).await?;
        }
        Err(DropboxError::Protocol(format!(
            "Dropbox kept offering pages of {path:?} past {MAX_PAGES}"
        )))
    }

    /// A link to download `path` for the next four hours (§5.3).
    ///
    /// # Errors
    /// [`DropboxError::NotFound`] when there is no file at `path`; any other
    /// [`DropboxError`].
    #[tracing::instrument(skip(self))]
    pub async fn temporary_link(&self, path: &str) -> Result<String, DropboxError> {
        let arg = PathArg { path: path.into() };
        let answer: TemporaryLink = self.call(route::GET_TEMPORARY_LINK, path, &arg).await?;
        Ok(answer.link)
    }

    /// One route, retried by the policy; `path` names what a 409
    /// `not_found` is about.
    async fn call<A: Serialize, R: DeserializeOwned>(
        &self,
        route: &str,
        path: &str,
        arg: &A,
    ) -> Result<R, DropboxError> {
        let body = serde_json::to_string(arg)
            .map_err(|e| DropboxError::Protocol(format!("could not write {route}: {e}")))?;
        let mut attempt = 1;
        loop {
            match self.authorised(route, path, &body).await {
                Err(error) if error.is_retryable() && attempt < self.retry.attempts.max(1) => {
                    let pause = self.retry.delay(attempt, &error.clone().into());
                    tracing::warn!(attempt, ?pause, %error, route, "retrying a Dropbox call");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
                Ok(text) => return wire::parse(route, &text),
            }
        }
    }

    /// One call with the current token, and once more with a fresh one if
    /// Dropbox says it expired.
    async fn authorised(
        &self,
        route: &str,
        path: &str,
        body: &str,
    ) -> Result<String, DropboxError> {
        let token = self.current_token().await?;
        match self.post(route, path, body, &token).await {
            Ok(text) => Ok(text),
            Err(Failure::Error(error)) => Err(error),
            Err(Failure::Expired) => {
                let fresh = self.refreshed(Some(&token)).await?;
                match self.post(route, path, body, &fresh).await {
                    Ok(text) => Ok(text),
                    Err(Failure::Error(error)) => Err(error),
                    Err(Failure::Expired) => Err(DropboxError::Auth(
                        "a freshly refreshed access token was called expired".into(),
                    )),
                }
            }
        }
    }

    /// The token to send: the one held, or a refreshed one when none is.
    async fn current_token(&self) -> Result<Secret, DropboxError> {
        if let Some(token) = self.token.lock().await.clone() {
            return Ok(token);
        }
        self.refreshed(None).await
    }

    /// A fresh access token, unless another call has already replaced
    /// `stale` while this one waited for the lock.
    async fn refreshed(&self, stale: Option<&Secret>) -> Result<Secret, DropboxError> {
        let mut held = self.token.lock().await;
        if let Some(current) = held.as_ref().filter(|t| Some(*t) != stale) {
            return Ok(current.clone());
        }
        let Some(refresh) = &self.refresh else {
            return Err(DropboxError::Auth(match stale {
                Some(_) => "the access token has expired and no refresh token is configured".into(),
                None => "no access token and no refresh token are configured".into(),
            }));
        };
        let fresh = self.grant(refresh).await?;
        *held = Some(fresh.clone());
        Ok(fresh)
    }

    /// The refresh-token grant (§5.5): a form post, the app's key and secret
    /// as HTTP Basic.
    async fn grant(&self, refresh: &DropboxRefresh) -> Result<Secret, DropboxError> {
        tracing::info!("refreshing the Dropbox access token");
        let form = RefreshForm {
            grant_type: "refresh_token".into(),
            refresh_token: refresh.refresh_token.expose().to_owned(),
            client_id: None,
            client_secret: None,
        };
        let request = self
            .http
            .post(format!("{}{}", refresh.oauth_url, route::TOKEN))
            .basic_auth(&refresh.app_key, Some(refresh.app_secret.expose()))
            .form(&form);
        let http::Reply {
            status,
            headers,
            text,
        } = http::exchange(request, transport_error).await?;
        if status.is_success() {
            let token: TokenResponse = wire::parse(route::TOKEN, &text)?;
            return Ok(Secret::new(token.access_token));
        }
        if status == StatusCode::BAD_REQUEST || status == StatusCode::UNAUTHORIZED {
            let refusal: OauthError = serde_json::from_str(&text).unwrap_or_default();
            return Err(DropboxError::Auth(format!(
                "the refresh-token grant was refused: {} {}",
                refusal.error,
                refusal.error_description.unwrap_or_default()
            )));
        }
        Err(shared_status_error(status, &headers, route::TOKEN))
    }

    /// One POST of a JSON body with the bearer token (§5); the 2xx body or
    /// what the refusal means.
    async fn post(
        &self,
        route: &str,
        path: &str,
        body: &str,
        token: &Secret,
    ) -> Result<String, Failure> {
        let request = self
            .http
            .post(format!("{}{route}", self.api_url))
            .bearer_auth(token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned());
        let reply = http::exchange(request, transport_error).await?;
        if reply.status.is_success() {
            Ok(reply.text)
        } else {
            Err(status_error(
                reply.status,
                &reply.headers,
                &reply.text,
                route,
                path,
            ))
        }
    }
}

/// What a refused call means (§5.4): 401 an expired or bad token, 403 a
/// token without the scope, 409 the route's own error (`not_found` among
/// them), 400 a request Dropbox could not read, and 429/5xx as shared.
fn status_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
    route: &str,
    path: &str,
) -> Failure {
    let error: ApiError = serde_json::from_str(body).unwrap_or_default();
    let tags = error.tags();
    let summary = if error.error_summary.is_empty() {
        format!("HTTP {status}")
    } else {
        error.error_summary.clone()
    };
    match status.as_u16() {
        401 if tags.first() == Some(&"expired_access_token") => Failure::Expired,
        401 => DropboxError::Auth(summary).into(),
        403 => DropboxError::Auth(format!(
            "{summary}; the app needs the files.metadata.read and files.content.read scopes"
        ))
        .into(),
        409 if tags.contains(&"not_found") => DropboxError::NotFound { path: path.into() }.into(),
        409 => DropboxError::Refused { summary }.into(),
        400 => {
            let start: String = body.chars().take(200).collect();
            DropboxError::Protocol(format!("Dropbox could not read {route}: {start}")).into()
        }
        _ => shared_status_error(status, headers, route).into(),
    }
}

/// 429 with its `Retry-After`, 5xx as transient, anything else unexpected.
fn shared_status_error(status: StatusCode, headers: &HeaderMap, route: &str) -> DropboxError {
    if status == StatusCode::TOO_MANY_REQUESTS {
        DropboxError::RateLimited {
            retry_after: http::retry_after(headers),
        }
    } else if status.is_server_error() {
        DropboxError::Transient(format!("HTTP {status} from {route}"))
    } else {
        DropboxError::Protocol(format!("unexpected HTTP {status} from {route}"))
    }
}

fn transport_error(error: &reqwest::Error) -> DropboxError {
    DropboxError::Transient(error.to_string())
}

/// The root is `""`, never `"/"` (§5.1); a trailing slash is dropped.
fn folder_path(folder: &str) -> String {
    let trimmed = folder.trim().trim_end_matches('/');
    if trimmed.is_empty() || trimmed.starts_with('/') || trimmed.starts_with("id:") {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

/// The entry as a picture, if it is a file with an image extension.
fn image(folder: &str, entry: Metadata) -> Option<DropboxFile> {
    let Metadata::File(file) = entry else {
        return None;
    };
    let extension = file.name.rsplit_once('.')?.1.to_ascii_lowercase();
    if !IMAGE_EXTENSIONS.contains(&extension.as_str()) {
        return None;
    }
    let path = file
        .path_display
        .or(file.path_lower)
        .unwrap_or_else(|| format!("{folder}/{}", file.name));
    Some(DropboxFile {
        path,
        name: file.name,
        size: file.size,
        content_hash: file.content_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dropbox::wire::FileMetadata;

    fn file(name: &str) -> Metadata {
        Metadata::File(FileMetadata {
            name: name.into(),
            id: None,
            path_lower: None,
            path_display: None,
            size: 1,
            content_hash: None,
        })
    }

    #[test]
    fn only_jpeg_png_and_webp_files_count_as_pictures_whatever_their_case() {
        let kept: Vec<_> = [
            "a.jpg",
            "b.JPEG",
            "c.png",
            "d.WebP",
            "e.gif",
            "f.txt",
            "jpg",
            "g.jpg.pdf",
        ]
        .into_iter()
        .filter_map(|n| image("/x", file(n)))
        .map(|f| f.path)
        .collect();
        assert_eq!(kept, ["/x/a.jpg", "/x/b.JPEG", "/x/c.png", "/x/d.WebP"]);
    }

    #[test]
    fn the_root_is_an_empty_path_and_other_folders_start_with_a_slash() {
        assert_eq!(folder_path("/"), "");
        assert_eq!(folder_path(""), "");
        assert_eq!(folder_path("Inventory/RIFF-1/"), "/Inventory/RIFF-1");
        assert_eq!(folder_path("id:a4ayc_80"), "id:a4ayc_80");
    }

    #[test]
    fn a_409_not_found_names_the_path_and_an_expired_token_asks_for_a_refresh() {
        let headers = HeaderMap::new();
        let not_found = status_error(
            StatusCode::CONFLICT,
            &headers,
            r#"{"error_summary": "path/not_found/.,", "error": {".tag": "path"}}"#,
            route::LIST_FOLDER,
            "/Inventory/none",
        );
        assert!(matches!(
            not_found,
            Failure::Error(DropboxError::NotFound { path }) if path == "/Inventory/none"
        ));
        let expired = status_error(
            StatusCode::UNAUTHORIZED,
            &headers,
            r#"{"error_summary": "expired_access_token/..."}"#,
            route::LIST_FOLDER,
            "",
        );
        assert!(matches!(expired, Failure::Expired));
        let invalid = status_error(
            StatusCode::UNAUTHORIZED,
            &headers,
            "nope",
            route::LIST_FOLDER,
            "",
        );
        assert!(matches!(invalid, Failure::Error(DropboxError::Auth(_))));
    }
}
