//! The frame of every page: head, navigation, and the flash of what just
//! happened. Everything put into a page goes through maud, which escapes
//! it: a product titled `<script>` shows as text.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{html, Markup, DOCTYPE};

use super::session::Session;

/// The sections in the navigation, in order.
const NAV: [(&str, &str); 8] = [
    ("/", "Dashboard"),
    ("/inventory", "Inventory"),
    ("/products/new", "New product"),
    ("/flags", "Flags"),
    ("/sales", "Sales"),
    ("/audit", "Audit"),
    ("/sync", "Sync"),
    ("/settings", "Settings"),
];

/// A whole page for a logged-in user. `current` is the nav entry to mark.
pub(crate) fn page(title: &str, current: &str, session: &Session, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                header.top {
                    a.brand href="/" { "Riff" }
                    nav {
                        @for (href, label) in NAV {
                            @if href == current {
                                a href=(href) aria-current="page" { (label) }
                            } @else {
                                a href=(href) { (label) }
                            }
                        }
                    }
                    form.logout method="post" action="/logout" {
                        (csrf(session))
                        button type="submit" { "Log out " (session.user) }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page with no navigation (the login page).
pub(crate) fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body { main.narrow { (body) } }
        }
    }
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · Riff" }
            link rel="stylesheet" href=(super::assets::CSS_PATH);
        }
    }
}

/// The hidden field every state-changing form carries.
pub(crate) fn csrf(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(session.csrf_token); }
}

/// A one-line notice at the top of a page (`?notice=` after a redirect).
pub(crate) fn notice(text: Option<&str>) -> Markup {
    html! {
        @if let Some(text) = text {
            p.notice role="status" { (text) }
        }
    }
}

/// A status badge, coloured by class.
pub(crate) fn badge(status: &str) -> Markup {
    html! { span class=(format!("badge {status}")) { (status) } }
}

/// A moment in the shop's time zone, to the minute: what the owner reads
/// on the clock on the wall. The exact UTC time is kept in the markup.
pub(crate) fn when(at: DateTime<Utc>, zone: Tz) -> Markup {
    let local = at.with_timezone(&zone);
    html! {
        time datetime=(at.to_rfc3339()) title=(local.format("%Y-%m-%d %H:%M:%S %Z")) {
            (local.format("%Y-%m-%d %H:%M"))
        }
    }
}

/// [`when`] for a time the views keep as RFC 3339 text; shown as it is if
/// it is not one.
pub(crate) fn when_text(raw: &str, zone: Tz) -> Markup {
    match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => when(at.with_timezone(&Utc), zone),
        Err(_) => html! { (raw) },
    }
}
