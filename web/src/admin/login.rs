//! `/login` and `/logout`.
//!
//! The login form has no session to tie a CSRF token to, so it uses a
//! double-submit token: a random value in a short-lived cookie and the same
//! value in the form's hidden `csrf_token`. A cross-site form cannot read
//! the cookie, so it cannot send the matching field.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use maud::{html, Markup};
use rand::RngCore;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::form::CsrfForm;
use super::layout;
use super::session::{self, Session};
use super::users;
use crate::state::AppState;

const LOGIN_CSRF: &str = "riff_login_csrf";

#[derive(Deserialize, Default)]
pub(crate) struct Next {
    next: Option<String>,
}

/// Only a path on this site: never an open redirect to elsewhere. One
/// leading `/`, not followed by `/` or `\` (`//host` and `/\host` name
/// another site), and no backslash, whitespace or control character
/// anywhere: browsers drop tabs and line breaks from an address, so
/// `/\t/evil.example` would become `//evil.example`. Anything else is `/`.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path[1..].starts_with(['/', '\\'])
                && !path
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            path
        }
        _ => "/",
    }
}

fn form(token: &str, next: &str, username: &str, error: Option<&str>) -> Markup {
    layout::bare(
        "Log in",
        html! {
            h1 { "Riff" }
            @if let Some(error) = error {
                p.error role="alert" { (error) }
            }
            form method="post" action="/login" {
                input type="hidden" name="csrf_token" value=(token);
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="username" { "User name" }
                    input id="username" name="username" value=(username) autocomplete="username" required autofocus;
                }
                div.field {
                    label for="password" { "Password" }
                    input id="password" name="password" type="password" autocomplete="current-password" required;
                }
                button type="submit" { "Log in" }
            }
        },
    )
}

/// A fresh login token and the cookie that carries it.
fn login_cookie(secure: bool) -> (Cookie<'static>, String) {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    login_cookie_for(token, secure)
}

/// The cookie carrying `token`.
fn login_cookie_for(token: String, secure: bool) -> (Cookie<'static>, String) {
    let cookie = Cookie::build((LOGIN_CSRF, token.clone()))
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    (cookie, token)
}

pub(crate) async fn show(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(next): Query<Next>,
) -> impl IntoResponse {
    // The browser's token when it has one: a second load of this page (a
    // second tab, or the browser fetching `/favicon.ico`, which is sent
    // here) must not make the form already shown stale.
    let (cookie, token) = match jar.get(LOGIN_CSRF).map(|c| c.value().to_owned()) {
        Some(token) if token.len() == 48 && token.bytes().all(|b| b.is_ascii_hexdigit()) => {
            login_cookie_for(token, state.secure_cookies)
        }
        _ => login_cookie(state.secure_cookies),
    };
    let next = safe_next(next.next.as_deref()).to_owned();
    (jar.add(cookie), form(&token, &next, "", None))
}

#[derive(Deserialize)]
pub(crate) struct Credentials {
    csrf_token: Option<String>,
    username: String,
    password: String,
    next: Option<String>,
}

pub(crate) async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    Form(credentials): Form<Credentials>,
) -> Response {
    let expected = jar.get(LOGIN_CSRF).map(|c| c.value().to_owned());
    let given = credentials.csrf_token.as_deref().unwrap_or_default();
    let matches = expected
        .as_deref()
        .is_some_and(|e| !e.is_empty() && bool::from(e.as_bytes().ct_eq(given.as_bytes())));
    if !matches {
        return session::forbidden();
    }
    let next = safe_next(credentials.next.as_deref()).to_owned();
    let again = |jar: CookieJar, message: &str, status: StatusCode| {
        let (cookie, token) = login_cookie(state.secure_cookies);
        (
            status,
            jar.add(cookie),
            form(&token, &next, &credentials.username, Some(message)),
        )
            .into_response()
    };
    let attempt = match state.login_throttle.attempt(
        peer.ip(),
        &credentials.username,
        std::time::Instant::now(),
    ) {
        Ok(attempt) => attempt,
        Err(wait) => {
            let message = format!(
                "Too many failed attempts. Try again in {} second(s).",
                wait.as_secs().max(1)
            );
            return again(jar, &message, StatusCode::TOO_MANY_REQUESTS);
        }
    };
    match users::verify(&state.db, &credentials.username, &credentials.password).await {
        Ok(true) => state.login_throttle.succeeded(attempt),
        Ok(false) => {
            state.login_throttle.failed(attempt);
            return again(
                jar,
                "That user name and password do not match.",
                StatusCode::UNAUTHORIZED,
            );
        }
        Err(error) => {
            state.login_throttle.failed(attempt);
            tracing::error!(%error, "cannot check a login");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    // A new session at every login: a token planted before is worthless.
    if let Err(error) = session::end(&state.db, &jar).await {
        tracing::error!(%error, "cannot end the previous session");
    }
    match session::start(&state.db, &credentials.username, state.secure_cookies).await {
        Ok(cookie) => (
            jar.remove(Cookie::build(LOGIN_CSRF).path("/login"))
                .add(cookie),
            Redirect::to(&next),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot start a session");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct Nothing {}

pub(crate) async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    _session: Session,
    CsrfForm(_): CsrfForm<Nothing>,
) -> Response {
    if let Err(error) = session::end(&state.db, &jar).await {
        tracing::error!(%error, "cannot end a session");
    }
    (
        jar.remove(Cookie::build(session::COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_path_on_this_site_or_the_dashboard() {
        for good in ["/", "/inventory?q=les+paul", "/products/GIB-1/edit"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/a\\b",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
