//! The JSON Dropbox API v2 speaks on the routes Riff uses
//! (`docs/wire-formats.md` §5), shared by the client and the simulator.
//! Readers ignore fields they do not name: real answers carry many more.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::DropboxError;

/// The RPC routes, appended to the API root (§5: `POST /2/<route>`).
pub mod route {
    pub const LIST_FOLDER: &str = "/2/files/list_folder";
    pub const LIST_FOLDER_CONTINUE: &str = "/2/files/list_folder/continue";
    pub const GET_TEMPORARY_LINK: &str = "/2/files/get_temporary_link";
    /// The refresh-token grant (§5.5), appended to the OAuth root.
    pub const TOKEN: &str = "/oauth2/token";
}

/// `files/list_folder` argument (§5.1). `path` is `""` for the root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFolderArg {
    pub path: String,
    #[serde(default)]
    pub recursive: bool,
    #[serde(default)]
    pub include_media_info: bool,
    #[serde(default)]
    pub include_deleted: bool,
    #[serde(default)]
    pub include_mounted_folders: bool,
    /// Approximate page size; Dropbox's bounds are unconfirmed (§5.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `files/list_folder/continue` argument (§5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFolderContinueArg {
    pub cursor: String,
}

/// One page of a listing, from either listing route (§5.1, §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFolderResult {
    pub entries: Vec<Metadata>,
    pub cursor: String,
    pub has_more: bool,
}

/// An entry, told apart by `.tag` (§5.1: `file | folder | deleted`). A tag
/// Riff does not know reads as [`Metadata::Other`] rather than failing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = ".tag", rename_all = "snake_case")]
pub enum Metadata {
    File(FileMetadata),
    Folder(FolderMetadata),
    Deleted(FolderMetadata),
    #[serde(other)]
    Other,
}

/// A file entry (§5.1), trimmed to what Riff reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMetadata {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_lower: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_display: Option<String>,
    pub size: u64,
    /// Dropbox's own block hash (64 hex digits); it changes with the bytes,
    /// so it tells a replaced picture from the same one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
}

/// A folder or deleted entry (§5.1): a name and paths, no size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderMetadata {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_lower: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_display: Option<String>,
}

/// `files/get_temporary_link` argument (§5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathArg {
    pub path: String,
}

/// `files/get_temporary_link` answer (§5.3); the link lasts four hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryLink {
    pub metadata: Metadata,
    pub link: String,
}

/// The body of a 401 or 409 (§5.4). `error_summary` ends in `/..` and
/// padding, so it is read by its leading segments, never compared whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub error_summary: String,
}

impl ApiError {
    /// A body with `summary` and its `.tag`, as Dropbox writes it (the
    /// nesting is unconfirmed, §5.4; the client reads only the summary).
    pub fn body(summary: &str) -> serde_json::Value {
        let read = Self {
            error_summary: summary.to_owned(),
        };
        let mut tags = read.tags().into_iter();
        let first = tags.next().unwrap_or_default();
        let error = match tags.next() {
            Some(inner) => serde_json::json!({ ".tag": first, first: { ".tag": inner } }),
            None => serde_json::json!({ ".tag": first }),
        };
        serde_json::json!({ "error_summary": format!("{summary}/.."), "error": error })
    }

    /// The summary's segments before the padding: `path/not_found/..` has
    /// `["path", "not_found"]`.
    pub fn tags(&self) -> Vec<&str> {
        self.error_summary
            .split('/')
            .take_while(|s| !s.is_empty() && !s.starts_with('.'))
            .collect()
    }
}

/// The refresh-token grant's form (§5.5). The app key and secret travel as
/// HTTP Basic, which §5.5 also documents, so they stay out of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshForm {
    pub grant_type: String,
    pub refresh_token: String,
    /// Accepted by the simulator when sent instead of Basic (§5.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// The grant's answer (§5.5). The refresh token does not rotate, so it is
/// not in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
}

/// An OAuth refusal, e.g. `{"error": "invalid_grant"}` (§5.5, unconfirmed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OauthError {
    #[serde(default)]
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// Reads a 2xx body; anything unreadable is [`DropboxError::Protocol`]
/// naming the route and the start of the body, never a panic.
///
/// # Errors
/// When `text` is not the JSON `T` expects.
pub fn parse<T: DeserializeOwned>(route: &str, text: &str) -> Result<T, DropboxError> {
    serde_json::from_str(text).map_err(|e| {
        let start: String = text.chars().take(200).collect();
        DropboxError::Protocol(format!("unreadable answer from {route} ({e}): {start}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_page_reads_files_and_folders_and_ignores_unknown_fields() {
        let page: ListFolderResult = parse(
            route::LIST_FOLDER,
            r#"{ "entries": [
                { ".tag": "folder", "name": "RIFF-10000123", "id": "id:a4ayc_80_OEAAAAAAAAAXz",
                  "path_lower": "/inventory/riff-10000123", "path_display": "/Inventory/RIFF-10000123" },
                { ".tag": "file", "name": "front.jpg", "id": "id:a4ayc_80_OEAAAAAAAAAXw",
                  "client_modified": "2026-02-28T15:50:38Z", "rev": "a1c10ce0dd78", "size": 7212,
                  "is_downloadable": true, "path_lower": "/inventory/riff-10000123/front.jpg",
                  "path_display": "/Inventory/RIFF-10000123/front.jpg",
                  "content_hash": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
                { ".tag": "symlink", "name": "odd" } ],
              "cursor": "AAHJ3A", "has_more": false }"#,
        )
        .unwrap();
        assert_eq!(page.entries.len(), 3);
        let Metadata::File(file) = &page.entries[1] else {
            panic!("the second entry is a file: {:?}", page.entries[1]);
        };
        assert_eq!(file.size, 7212);
        assert_eq!(
            file.path_display.as_deref(),
            Some("/Inventory/RIFF-10000123/front.jpg")
        );
        assert_eq!(page.entries[2], Metadata::Other);
    }

    #[test]
    fn malformed_answers_are_protocol_errors_not_panics() {
        for text in [
            "",
            "<html>502 Bad Gateway</html>",
            r#"{"entries": [], "has_more": false}"#,
            r#"{"entries": [{".tag": "file", "name": "a.jpg"}], "cursor": "c", "has_more": false}"#,
            r#"{"entries": "none", "cursor": "c", "has_more": true}"#,
        ] {
            let result = parse::<ListFolderResult>(route::LIST_FOLDER, text);
            assert!(
                matches!(result, Err(DropboxError::Protocol(_))),
                "{text:?} gave {result:?}"
            );
        }
        let link = parse::<TemporaryLink>(route::GET_TEMPORARY_LINK, r#"{"link": 7}"#);
        assert!(matches!(link, Err(DropboxError::Protocol(_))));
        let token = parse::<TokenResponse>(route::TOKEN, r#"{"token_type": "bearer"}"#);
        assert!(matches!(token, Err(DropboxError::Protocol(_))));
    }

    #[test]
    fn an_error_summary_is_read_by_its_segments_without_the_padding() {
        let error: ApiError = serde_json::from_value(ApiError::body("path/not_found")).unwrap();
        assert_eq!(error.error_summary, "path/not_found/..");
        assert_eq!(error.tags(), ["path", "not_found"]);
        let padded = ApiError {
            error_summary: "expired_access_token/...".into(),
        };
        assert_eq!(padded.tags(), ["expired_access_token"]);
    }
}
