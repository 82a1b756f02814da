//! The admin site: server-rendered pages (maud) for the shop owner.
//!
//! Everything shown comes from the views; everything changed goes through
//! the same commands as the API. Every page needs a session except the
//! login page, the static assets and the media files (which marketplaces
//! fetch). Every state-changing form carries the session's CSRF token. Pages
//! work without JavaScript: every action is a plain form post.

mod assets;
mod audit;
mod dashboard;
pub(crate) mod error_page;
mod flags;
mod form;
mod inventory;
mod layout;
mod login;
mod notice;
mod products;
mod sales;
mod security;
pub mod session;
mod settings;
mod sync;
pub mod users;

use axum::middleware;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::state::AppState;

/// A page that could not be made: logged in full, shown as an apology.
pub struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

impl axum::response::IntoResponse for Failure {
    fn into_response(self) -> axum::response::Response {
        tracing::error!(error = %self.0, "a page failed");
        (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            maud::html! {
                h1 { "Something went wrong" }
                p { "Riff could not show this page. Try again in a moment; if it keeps happening, the server's log says why." }
            },
        )
            .into_response()
    }
}

/// Every route that needs a session, with its handler. The session check
/// is applied to all of them at once, and the suite requests each one
/// without a session: a route added here cannot be left unprotected.
pub fn protected_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    let mut routes = vec![
        ("/", get(dashboard::show)),
        ("/inventory", get(inventory::show)),
        ("/inventory/export.csv", get(inventory::export)),
        ("/inventory/bulk", post(inventory::bulk)),
        ("/flags", get(flags::show)),
        ("/flags/{id}/resolve", post(flags::resolve)),
        ("/flags/{id}/link", post(flags::link)),
        ("/flags/{id}/import", post(flags::import)),
        ("/flags/{id}/settle", post(flags::settle)),
        ("/sales", get(sales::show)),
        ("/audit", get(audit::show)),
        ("/sync", get(sync::show).post(sync::start)),
        ("/settings", get(settings::show)),
        ("/settings/dropdown-sort", post(settings::set_dropdown_sort)),
        ("/settings/category-map", post(settings::map_category)),
        ("/settings/price-rule", post(settings::set_price_rule)),
        ("/logout", post(login::logout)),
    ];
    routes.extend(products::routes());
    routes
}

/// The paths of [`protected_routes`], for tests.
pub fn protected_paths() -> Vec<&'static str> {
    protected_routes()
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let protected = protected_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::require,
        ));
    Router::new()
        .route("/login", get(login::show).post(login::submit))
        // Browsers ask for it on every page; Riff has none, and sending
        // them to /login would only churn the login page's token.
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NOT_FOUND }),
        )
        .route(assets::CSS_PATH, get(assets::css))
        .route("/media/{sha256}", get(products::media::serve))
        .merge(protected)
        .layer(middleware::from_fn(error_page::html_errors))
        .layer(middleware::from_fn(security::headers))
}
