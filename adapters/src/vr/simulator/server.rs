//! The simulator's HTTP face and its test controls.
//!
//! The routes of §4.1 as §4.3 specifies them: the home page and `/login`
//! carry the login form; `POST /do_login` sets `PHPSESSID` and answers a
//! page with `Logout` (without it for wrong credentials); pages without a
//! live session redirect to `/login`, AJAX calls answer 401; the CSV needs
//! the export page as `Referer`; the item form is read as
//! `multipart/form-data` with its pictures; a create answers a 302 with the
//! id or a 200 "published and live" without it ([`CreateReply`]); AJAX
//! answers are `true`, `false` or empty, as `text/html`. Before a request
//! reaches the in-memory V&R, the server may fail it on purpose
//! ([`FaultPlan`]) or answer with Cloudflare's challenge
//! ([`VrSimulator::set_challenge`]).
//!
//! The challenge is one a plain HTTP client cannot pass: the page's script
//! computes `cf_clearance` from a value derived from the request's
//! User-Agent and reloads. The cookie passes only with that User-Agent, as
//! Cloudflare's clearance does. The simulator sends no
//! Content-Security-Policy, so the inline script runs.

use std::collections::HashSet;
use std::sync::MutexGuard;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State as AxumState};
use axum::http::header::{CONTENT_TYPE, COOKIE, LOCATION, REFERER, SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::super::wire::{self, BrandForm, ItemForm, LoginForm, ProductIdForm};
use super::state::{SimImage, SimItem, State};
use crate::simulator::answers::{internal_server_error, too_many_requests, Refused};
use crate::simulator::{ControlError, Faults, Shared, Simulator, WriteCounts};

/// Twenty pictures of up to 10 MB, and the fields.
const ITEM_FORM_LIMIT: usize = 210 * 1024 * 1024;

/// A failure the simulator injects instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429, with `Retry-After` in seconds.
    RateLimited { retry_after_secs: u64 },
    /// HTTP 500.
    ServerError,
    /// Every session ends before the request is handled, as when V&R
    /// expires a `PHPSESSID`.
    SessionExpired,
    /// Cloudflare's challenge page (403 with `cf-mitigated: challenge`),
    /// whatever cookie the request carries: a challenge never passed.
    CloudflareChallenge,
}

/// Which requests fail, and how (see [`crate::simulator::FaultPlan`]).
pub type FaultPlan = crate::simulator::FaultPlan<Fault>;

/// How the add form answers a create (§4.3: V&R does both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateReply {
    /// 302 to `/instruments/add_edit_item/{id}`.
    Redirect,
    /// 200 with "published and live" and no id.
    PublishedWithoutId,
}

#[derive(Debug)]
struct Inner {
    state: State,
    username: String,
    password: String,
    sessions: HashSet<String>,
    next_session: u64,
    create_reply: CreateReply,
    faults: Faults<Fault>,
    /// Cloudflare mode (§4.3): requests need a `cf_clearance` earned for
    /// their User-Agent.
    challenge: bool,
    /// Keys the clearance values, so that they cannot be guessed.
    clearance_key: String,
    /// V&R's nightly maintenance window (§4.1: down 03:00–05:00 UTC).
    maintenance: bool,
    /// Item form posts and mark-sold/delete AJAX calls, and mark-sold and
    /// delete AJAX calls per item id.
    writes: WriteCounts,
    logins: u32,
}

crate::simulator::handle! {
    /// A simulated V&R: clone it freely; every clone is the same site.
    VrSimulator
}
crate::simulator::write_counts!(VrSimulator, items);
crate::simulator::listed!(VrSimulator, items: SimItem);

/// What a request may see, once admitted.
struct Admitted<'a> {
    inner: MutexGuard<'a, Inner>,
    logged_in: bool,
}

impl VrSimulator {
    /// A V&R whose seller logs in with `username` and `password`.
    pub fn new(username: &str, password: &str) -> Self {
        Self {
            inner: Shared::new(Inner {
                state: State::new(),
                username: username.to_owned(),
                password: password.to_owned(),
                sessions: HashSet::new(),
                next_session: 1,
                create_reply: CreateReply::Redirect,
                faults: Faults::default(),
                challenge: false,
                clearance_key: uuid::Uuid::new_v4().simple().to_string(),
                maintenance: false,
                writes: WriteCounts::default(),
                logins: 0,
            }),
        }
    }

    /// Lists an item with a SKU, for sale; returns its id.
    pub fn seed_listing(&self, sku: &str, brand: &str, model: &str, price: Decimal) -> String {
        let form = ItemForm {
            external_id: sku.into(),
            recipient_name: brand.into(),
            model_name: model.into(),
            price: price.to_string(),
            ..ItemForm::default()
        };
        let mut inner = self.lock();
        inner.state.add_brand(brand);
        inner.state.create(&form, Vec::new()).to_string()
    }

    /// Puts a brand on the simulated V&R's list of brands.
    pub fn add_brand(&self, brand: &str) {
        self.lock().state.add_brand(brand);
    }

    /// Lists an item the way a seller does on the site without Riff: no SKU.
    pub fn add_external_listing(&self, brand: &str, model: &str, price: Decimal) -> String {
        self.seed_listing("", brand, model, price)
    }

    /// A buyer buys the item; V&R marks it sold.
    ///
    /// # Errors
    /// An unknown, deleted or already sold item.
    pub fn record_sale(&self, id: &str) -> Result<(), ControlError> {
        let parsed = id
            .parse()
            .map_err(|_| ControlError(format!("{id:?} is not an item id")))?;
        if self.lock().state.mark_sold(parsed) {
            Ok(())
        } else {
            Err(ControlError(format!("item {id} cannot be sold")))
        }
    }

    /// A buyer buys the item now. V&R shows a seller no order number, so
    /// the item's own id stands for the sale; `None` when the item cannot
    /// be bought (unknown, deleted, already sold). Every V&R item is a
    /// single unit, so it is sold out at once.
    pub fn buy(&self, id: &str) -> Option<String> {
        self.record_sale(id).ok().map(|()| id.to_owned())
    }

    /// Counts a request that may change the seller's items.
    fn count_write(&self) {
        self.lock().writes.count_write();
    }

    pub fn set_create_reply(&self, reply: CreateReply) {
        self.lock().create_reply = reply;
    }

    /// Ends every session now, as V&R does after a while.
    pub fn expire_sessions(&self) {
        self.lock().sessions.clear();
    }

    /// Turns Cloudflare mode on or off. While on, every request without a
    /// `cf_clearance` earned with its own User-Agent gets the challenge:
    /// 403, `cf-mitigated: challenge`, and a page whose script sets the
    /// cookie and reloads.
    pub fn set_challenge(&self, on: bool) {
        self.lock().challenge = on;
    }

    /// The `cf_clearance` a browser with `user_agent` earns by running the
    /// challenge: what an operator would harvest by hand for `VR_COOKIES`.
    pub fn clearance_for(&self, user_agent: &str) -> String {
        clearance(&self.lock().challenge_seed(user_agent))
    }

    /// While on, every request gets 503, as during V&R's maintenance.
    pub fn set_maintenance(&self, on: bool) {
        self.lock().maintenance = on;
    }

    /// Successful logins since start.
    pub fn logins(&self) -> u32 {
        self.lock().logins
    }

    /// Counts the request, injects a due fault, and reads the session.
    fn admit(&self, headers: &HeaderMap) -> Result<Admitted<'_>, Refused> {
        let mut inner = self.lock();
        if let Some(fault) = inner.faults.on_request() {
            match fault {
                Fault::RateLimited { retry_after_secs } => {
                    return Err(too_many_requests(retry_after_secs).into())
                }
                Fault::ServerError => return Err(internal_server_error().into()),
                Fault::CloudflareChallenge => {
                    return Err(challenge(&inner.challenge_seed(&user_agent(headers))).into())
                }
                Fault::SessionExpired => inner.sessions.clear(),
            }
        }
        if inner.challenge {
            let seed = inner.challenge_seed(&user_agent(headers));
            if cookie(headers, "cf_clearance") != Some(clearance(&seed)) {
                return Err(challenge(&seed).into());
            }
        }
        if inner.maintenance {
            return Err((StatusCode::SERVICE_UNAVAILABLE, "Down for maintenance")
                .into_response()
                .into());
        }
        let logged_in = cookie(headers, "PHPSESSID").is_some_and(|id| inner.sessions.contains(&id));
        Ok(Admitted { inner, logged_in })
    }

    /// [`Self::admit`] for a page that needs a session: without one, the
    /// redirect to the login page V&R sends.
    fn page(&self, headers: &HeaderMap) -> Result<MutexGuard<'_, Inner>, Refused> {
        let admitted = self.admit(headers)?;
        if admitted.logged_in {
            Ok(admitted.inner)
        } else {
            Err((StatusCode::FOUND, [(LOCATION, "/login")])
                .into_response()
                .into())
        }
    }

    /// [`Self::admit`] for an AJAX call: without a session, 401.
    fn ajax(&self, headers: &HeaderMap) -> Result<MutexGuard<'_, Inner>, Refused> {
        let admitted = self.admit(headers)?;
        if admitted.logged_in {
            Ok(admitted.inner)
        } else {
            Err((StatusCode::UNAUTHORIZED, "session expired")
                .into_response()
                .into())
        }
    }
}

/// Spawned ([`Simulator::spawn`]), its base URL stands for
/// `https://www.vintageandrare.com`.
impl Simulator for VrSimulator {
    const NAME: &'static str = "V&R";

    fn router(&self) -> Router {
        Router::new()
            .route("/", get(home))
            .route("/login", get(login_page))
            .route("/do_login", post(login))
            .route("/instruments/export_inventory", get(export_page))
            .route(
                "/instruments/export_inventory/export_inventory",
                get(export_csv),
            )
            .route(
                "/instruments/add_edit_item",
                get(add_form)
                    .post(create)
                    .layer(DefaultBodyLimit::max(ITEM_FORM_LIMIT)),
            )
            .route(
                "/instruments/add_edit_item/{id}",
                get(edit_form)
                    .post(edit)
                    .layer(DefaultBodyLimit::max(ITEM_FORM_LIMIT)),
            )
            .route("/ajax/mark_as_sold/{cache_buster}", post(mark_as_sold))
            .route("/ajax/delete_item", post(delete_item))
            .route("/ajax/check_brand_exists", post(check_brand_exists))
            .with_state(self.clone())
    }
}

impl Inner {
    /// What the challenge page gives its script for this User-Agent.
    fn challenge_seed(&self, user_agent: &str) -> String {
        let digest = Sha256::new()
            .chain_update(self.clearance_key.as_bytes())
            .chain_update([0])
            .chain_update(user_agent.as_bytes())
            .finalize();
        hex::encode(&digest[..16])
    }
}

/// The request's User-Agent, empty without one.
fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The clearance the challenge's script computes from `seed`: each hex
/// digit `d` at position `i` becomes `(7d + i) mod 16`. [`CHALLENGE_SCRIPT`]
/// does the same in JavaScript.
fn clearance(seed: &str) -> String {
    seed.chars()
        .zip(0u32..)
        .map(|(c, i)| {
            let digit = c.to_digit(16).unwrap_or(0);
            char::from_digit((digit * 7 + i) % 16, 16).unwrap_or('0')
        })
        .collect()
}

/// The challenge's script: [`clearance`] of the seed into `cf_clearance`,
/// then a reload, after a pause as Cloudflare's checks take.
const CHALLENGE_SCRIPT: &str = r#"
const seed = document.getElementById("challenge-running").dataset.seed;
let value = "";
for (let i = 0; i < seed.length; i++) {
    value += ((parseInt(seed[i], 16) * 7 + i) % 16).toString(16);
}
document.cookie = "cf_clearance=" + value + "; path=/; SameSite=Lax";
setTimeout(function () { location.reload(); }, 300);
"#;

/// The value of the cookie `name` among the request's cookies.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(prefix.as_str()))
        .map(str::to_owned)
}

/// Cloudflare's challenge page (§4.1, §4.3) for the User-Agent `seed`
/// was derived from.
fn challenge(seed: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [("cf-mitigated", "challenge")],
        Html(format!(
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>\
             <div id=\"challenge-running\" data-seed=\"{seed}\">Checking your browser \
             before accessing www.vintageandrare.com.</div>\
             <noscript>Enable JavaScript and cookies to continue.</noscript>\
             <script>{CHALLENGE_SCRIPT}</script></body></html>"
        )),
    )
        .into_response()
}

/// The login box V&R has in every page's header (§4.1 "login").
const LOGIN_FORM: &str = "<form action=\"/do_login\" method=\"post\">\
     <input type=\"text\" name=\"username\"><input type=\"password\" name=\"pass\">\
     <input type=\"hidden\" name=\"open_where\" value=\"header\">\
     <button type=\"submit\">Log in</button></form>";

/// An AJAX answer (§4.3): the literal text, as `text/html`.
fn ajax_answer(done: bool, success_text: &'static str) -> Response {
    let body = if done { success_text } else { "false" };
    ([(CONTENT_TYPE, "text/html; charset=UTF-8")], body).into_response()
}

fn form_page(item: Option<&SimItem>, unique_id: u64) -> Response {
    let sold = item
        .filter(|i| i.sold)
        .map_or("", |_| "<p>This item has been sold.</p>");
    Html(format!(
        "<html><body>{sold}<form method=\"post\" enctype=\"multipart/form-data\">\
         <input type=\"hidden\" name=\"unique_id\" value=\"u{unique_id}\">\
         <input type=\"hidden\" name=\"version\" value=\"{}\">\
         <a href=\"/logout\">Logout</a></form></body></html>",
        item.map_or(0, |i| i.revisions)
    ))
    .into_response()
}

async fn home(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    sim.admit(&headers)?;
    Ok(Html(format!(
        "<html><head><title>Vintage &amp; Rare</title></head><body>\
         <header>{LOGIN_FORM}</header><h1>Vintage &amp; Rare</h1></body></html>"
    ))
    .into_response())
}

async fn login_page(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    sim.admit(&headers)?;
    Ok(Html(format!(
        "<html><head><title>Log in</title></head><body>{LOGIN_FORM}</body></html>"
    ))
    .into_response())
}

async fn login(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, Refused> {
    let mut admitted = sim.admit(&headers)?;
    let inner = &mut *admitted.inner;
    if form.username != inner.username || form.pass != inner.password {
        return Ok(Html("<html><body>Wrong username or password.</body></html>").into_response());
    }
    let id = format!("sim{:08}", inner.next_session);
    inner.next_session += 1;
    inner.logins += 1;
    inner.sessions.insert(id.clone());
    Ok((
        [(SET_COOKIE, format!("PHPSESSID={id}; path=/; HttpOnly"))],
        Html("<html><body><a href=\"/logout\">Logout</a></body></html>"),
    )
        .into_response())
}

async fn export_page(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    let _inner = sim.page(&headers)?;
    Ok(Html(
        "<html><body><a href=\"export_inventory/export_inventory\">Export</a> Logout</body></html>",
    )
    .into_response())
}

async fn export_csv(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    let inner = sim.page(&headers)?;
    let from_export_page = headers
        .get(REFERER)
        .and_then(|r| r.to_str().ok())
        .is_some_and(|r| r.ends_with("/instruments/export_inventory"));
    if !from_export_page {
        return Ok((StatusCode::FORBIDDEN, "Forbidden").into_response());
    }
    Ok(match wire::write_export(&inner.state.export()) {
        Ok(csv) => ([(CONTENT_TYPE, "text/csv; charset=UTF-8")], csv).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    })
}

async fn add_form(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    let inner = sim.page(&headers)?;
    Ok(form_page(None, inner.faults.requests().into()))
}

/// Reads the item form's fields and pictures (§4.1 "create"): text parts
/// by name, file parts under `upload_file_box_<n>`; other parts, as the
/// page's inputs Riff does not fill, are ignored.
async fn read_item_form(mut multipart: Multipart) -> Result<(ItemForm, Vec<SimImage>), Refused> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        Refused::from((e.status(), e.body_text()).into_response())
    };
    let mut form = ItemForm::default();
    let mut images = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if wire::picture_number(&name).is_some() && field.file_name().is_some() {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let content_type = field.content_type().unwrap_or_default().to_owned();
            let mut digest = Sha256::new();
            let mut size = 0;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                size += chunk.len();
                digest.update(&chunk);
            }
            images.push(SimImage {
                field: name,
                file_name,
                content_type,
                size,
                sha256: hex::encode(digest.finalize()),
            });
        } else {
            let value = field.text().await.map_err(bad)?;
            form.set(&name, value);
        }
    }
    images.sort_by_key(|image| wire::picture_number(&image.field));
    Ok((form, images))
}

async fn create(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, Refused> {
    sim.count_write();
    let (form, images) = read_item_form(multipart).await?;
    let mut inner = sim.page(&headers)?;
    if let Some(problem) = inner.state.refusal(&form, &images) {
        return Ok(Html(format!(
            "<html><body><div class=\"alert alert-danger\">{}</div></body></html>",
            quick_xml::escape::escape(problem.as_str())
        ))
        .into_response());
    }
    let id = inner.state.create(&form, images);
    Ok(match inner.create_reply {
        CreateReply::Redirect => (
            StatusCode::FOUND,
            [(LOCATION, format!("/instruments/add_edit_item/{id}"))],
        )
            .into_response(),
        CreateReply::PublishedWithoutId => {
            Html("<html><body>Your item is published and live.</body></html>").into_response()
        }
    })
}

async fn edit_form(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Result<Response, Refused> {
    let mut inner = sim.page(&headers)?;
    let unique_id = u64::from(inner.faults.requests());
    Ok(match inner.state.live_or_sold(id) {
        Some(item) => form_page(Some(item), unique_id),
        None => (StatusCode::NOT_FOUND, Html("Not found")).into_response(),
    })
}

async fn edit(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    multipart: Multipart,
) -> Result<Response, Refused> {
    sim.count_write();
    let (form, images) = read_item_form(multipart).await?;
    let mut inner = sim.page(&headers)?;
    Ok(if inner.state.edit(id, &form, images) {
        (
            StatusCode::FOUND,
            [(LOCATION, format!("/instruments/add_edit_item/{id}"))],
        )
            .into_response()
    } else {
        (StatusCode::NOT_FOUND, Html("Not found")).into_response()
    })
}

async fn mark_as_sold(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
    Form(form): Form<ProductIdForm>,
) -> Result<Response, Refused> {
    take_off_sale(&sim, &headers, &form, State::mark_sold, "true")
}

/// The brand's id, or `0` for a brand V&R does not list (§4.1).
async fn check_brand_exists(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
    Form(form): Form<BrandForm>,
) -> Result<Response, Refused> {
    let inner = sim.ajax(&headers)?;
    let id = inner.state.brand_id(&form.brand_name).unwrap_or(0);
    Ok(id.to_string().into_response())
}

/// An empty body for success, as V&R sends (§4.1).
async fn delete_item(
    AxumState(sim): AxumState<VrSimulator>,
    headers: HeaderMap,
    Form(form): Form<ProductIdForm>,
) -> Result<Response, Refused> {
    take_off_sale(&sim, &headers, &form, State::delete, "")
}

/// An AJAX call that ends an item (mark sold, delete): counted as a write
/// and an end of the item it names before it is admitted, then `end` on the
/// item, answered with `success_text` when it did.
fn take_off_sale(
    sim: &VrSimulator,
    headers: &HeaderMap,
    form: &ProductIdForm,
    end: fn(&mut State, u64) -> bool,
    success_text: &'static str,
) -> Result<Response, Refused> {
    {
        let mut inner = sim.lock();
        inner.writes.count_write();
        inner.writes.count_end(&form.product_id);
    }
    let mut inner = sim.ajax(headers)?;
    let done = form
        .product_id
        .parse()
        .is_ok_and(|id| end(&mut inner.state, id));
    Ok(ajax_answer(done, success_text))
}
