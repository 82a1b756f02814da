//! Sessions and CSRF.
//!
//! Logging in makes a new session: a random token in an HttpOnly,
//! SameSite=Lax cookie (a new one at every login, so a token planted before
//! login is worthless after), its digest in the `sessions` table, and a
//! CSRF token that every form of the session carries back in `csrf_token`.
//! A state-changing request whose form lacks the session's CSRF token is
//! refused with `403` before anything happens.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use rand::RngCore;
use riff_domain::{EventMetadata, Source};
use riff_projections::view::timestamp;
use riff_projections::{Db, ProjectionError};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::state::AppState;

pub const COOKIE: &str = "riff_session";
/// A session ends when the browser closes (the cookie has no expiry) or,
/// at the latest, after a working week.
const LIFETIME: Duration = Duration::days(7);

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub csrf_token: String,
}

impl Session {
    /// Who a change made on the pages is in the log: the logged-in user.
    pub fn metadata(&self) -> EventMetadata {
        EventMetadata::new(self.user.clone(), Source::Web)
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Starts a session for `user` and returns the cookie that carries it.
///
/// # Errors
/// The database failed.
pub async fn start(db: &Db, user: &str, secure: bool) -> Result<Cookie<'static>, ProjectionError> {
    let token = random_token();
    let now = Utc::now();
    sqlx::query(
        "insert into sessions (token_sha256, user_name, csrf_token, created_at, expires_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(digest(&token))
    .bind(user)
    .bind(random_token())
    .bind(timestamp(now))
    .bind(timestamp(now + LIFETIME))
    .execute(&db.views)
    .await?;
    Ok(Cookie::build((COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build())
}

/// Ends the session the cookie names, if any.
///
/// # Errors
/// The database failed.
pub async fn end(db: &Db, jar: &CookieJar) -> Result<(), ProjectionError> {
    if let Some(cookie) = jar.get(COOKIE) {
        sqlx::query("delete from sessions where token_sha256 = $1")
            .bind(digest(cookie.value()))
            .execute(&db.views)
            .await?;
    }
    Ok(())
}

/// The session the cookie names, when it exists and has not expired.
///
/// # Errors
/// The database failed.
pub async fn find(db: &Db, jar: &CookieJar) -> Result<Option<Session>, ProjectionError> {
    let Some(cookie) = jar.get(COOKIE) else {
        return Ok(None);
    };
    let row = sqlx::query(
        "select user_name, csrf_token from sessions where token_sha256 = $1 and expires_at > $2",
    )
    .bind(digest(cookie.value()))
    .bind(timestamp(Utc::now()))
    .fetch_optional(&db.views)
    .await?;
    Ok(match row {
        Some(row) => Some(Session {
            user: row.try_get("user_name")?,
            csrf_token: row.try_get("csrf_token")?,
        }),
        None => None,
    })
}

/// Lets a request through only with a session; otherwise to `/login`,
/// remembering where the user was going.
pub async fn require(
    State(state): State<AppState>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    match find(&state.db, &jar).await {
        Ok(Some(session)) => {
            request.extensions_mut().insert(session);
            next.run(request).await
        }
        Ok(None) => Redirect::to(&login_url(request.uri())).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot read sessions");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

fn login_url(uri: &Uri) -> String {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    if path == "/" {
        "/login".to_owned()
    } else {
        format!("/login?next={}", urlencoding(path))
    }
}

/// Percent-encodes what a query value cannot hold as it is.
fn urlencoding(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| Redirect::to("/login").into_response())
    }
}

impl Session {
    /// Checks a form's CSRF token against the session's, in constant time.
    ///
    /// # Errors
    /// [`Forbidden`] when it is missing or wrong: the request must change
    /// nothing.
    pub fn check(&self, given: Option<&str>) -> Result<(), Forbidden> {
        use subtle::ConstantTimeEq;
        let given = given.unwrap_or_default().as_bytes();
        if given.ct_eq(self.csrf_token.as_bytes()).into() {
            Ok(())
        } else {
            Err(Forbidden)
        }
    }
}

/// A form without the session's CSRF token: answered `403`.
#[derive(Debug)]
pub struct Forbidden;

impl IntoResponse for Forbidden {
    fn into_response(self) -> Response {
        forbidden()
    }
}

/// The answer to a form post without a valid CSRF token.
pub fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        "This form has expired or did not come from Riff. Go back, reload the page and try again.",
    )
        .into_response()
}
