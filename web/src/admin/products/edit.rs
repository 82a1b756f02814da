//! `/products/new` and `/products/{sku}/edit`: the product's fields, with
//! each refused field's message beside it and everything the user typed
//! kept (`422`); the edit page also manages the media.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use riff_domain::value::Condition;
use riff_domain::ProductCommand;
use riff_projections::view::inventory;
use serde::Deserialize;

use super::media::{self, MediaQuery};
use super::not_found;
use crate::actions::{self, FieldErrors, ProductInput};
use crate::admin::form::CsrfForm;
use crate::admin::layout::{self, csrf};
use crate::admin::notice::{back_to, Notice};
use crate::admin::session::Session;
use crate::admin::Failure;
use crate::error::ApiError;
use crate::state::AppState;

pub(crate) async fn new_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, Failure> {
    let categories = mapped_categories(&state).await?;
    let body = form_page(
        &session,
        None,
        &ProductInput::default(),
        &categories,
        &[],
        None,
    );
    Ok(layout::page("New product", "/products/new", &session, body).into_response())
}

/// The categories the form suggests: the category map's, each of which
/// Riff knows where to list on every platform.
async fn mapped_categories(state: &AppState) -> Result<Vec<String>, Failure> {
    let map = state.ledger.load_settings().await?.category_map();
    Ok(map.entries().iter().map(|m| m.category.clone()).collect())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    session: Session,
    CsrfForm(input): CsrfForm<ProductInput>,
) -> Result<Response, Failure> {
    let categories = mapped_categories(&state).await?;
    let refused = |errors: FieldErrors, status: StatusCode, note: Option<String>| {
        let body = form_page(
            &session,
            None,
            &input,
            &categories,
            &errors,
            note.as_deref(),
        );
        (
            status,
            layout::page("New product", "/products/new", &session, body),
        )
            .into_response()
    };
    let new = match input.to_new(state.currency) {
        Ok(new) => new,
        Err(errors) => return Ok(refused(errors, StatusCode::UNPROCESSABLE_ENTITY, None)),
    };
    let meta = session.metadata();
    match actions::create_product(&state, new, &meta).await {
        Ok(sku) => Ok(back_to(&format!("/products/{sku}"), "Product created.")),
        Err(error) => rejected(error, refused),
    }
}

/// The edit form: the fields, and the version they were loaded at (a
/// stale save is refused rather than overwriting someone else's).
#[derive(Deserialize)]
pub(crate) struct EditForm {
    #[serde(flatten)]
    input: ProductInput,
    #[serde(default)]
    expected_version: String,
}

pub(crate) async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    Query(notice): Query<Notice>,
    Query(query): Query<MediaQuery>,
) -> Result<Response, Failure> {
    let Some(item) = inventory::get(&state.db, &sku).await? else {
        return Ok(not_found(&session, &sku));
    };
    let categories = mapped_categories(&state).await?;
    let body = html! {
        (layout::notice(notice.notice.as_deref()))
        (form_page(&session, Some(&item), &ProductInput::of(&item), &categories, &[], None))
        (media::manage(&state, &session, &item, &query).await)
    };
    Ok(layout::page(&format!("Edit {sku}"), "/inventory", &session, body).into_response())
}

pub(crate) async fn save(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response, Failure> {
    let Some(item) = inventory::get(&state.db, &sku).await? else {
        return Ok(not_found(&session, &sku));
    };
    let input = ProductInput {
        sku: item.sku.clone(),
        ..form.input
    };
    // A missing or garbled version counts as stale: better a reload than
    // a silent overwrite.
    let version = form
        .expected_version
        .trim()
        .parse::<u64>()
        .unwrap_or(u64::MAX);
    let categories = mapped_categories(&state).await?;
    let refused = |errors: FieldErrors, status: StatusCode, note: Option<String>| {
        let body = form_page(
            &session,
            Some(&item),
            &input,
            &categories,
            &errors,
            note.as_deref(),
        );
        (
            status,
            layout::page(&format!("Edit {sku}"), "/inventory", &session, body),
        )
            .into_response()
    };
    let revision = match input.to_revision(state.currency, version) {
        Ok(revision) => revision,
        Err(errors) => return Ok(refused(errors, StatusCode::UNPROCESSABLE_ENTITY, None)),
    };
    let meta = session.metadata();
    let product = actions::sku_in_path(&sku)?;
    match actions::change_product(&state, &product, ProductCommand::Revise(revision), &meta).await {
        Ok(()) => Ok(back_to(&format!("/products/{sku}"), "Saved.")),
        Err(error) => rejected(error, refused),
    }
}

/// A command's refusal shown on the form: a field's next to it (`422`),
/// anything else above the form (`409`).
fn rejected(
    error: ApiError,
    refused: impl FnOnce(FieldErrors, StatusCode, Option<String>) -> Response,
) -> Result<Response, Failure> {
    Ok(match error {
        ApiError::Invalid { field, message } => refused(
            vec![(field, message)],
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        ApiError::Internal(cause) => return Err(Failure::from(cause)),
        ApiError::NotFound(message) => refused(vec![], StatusCode::NOT_FOUND, Some(message)),
        other => refused(vec![], StatusCode::CONFLICT, Some(other.to_string())),
    })
}

/// The product form, new (`item` is `None`) or editing `item`, suggesting
/// `categories` for the category.
fn form_page(
    session: &Session,
    item: Option<&inventory::InventoryItem>,
    input: &ProductInput,
    categories: &[String],
    errors: &[(String, String)],
    note: Option<&str>,
) -> Markup {
    let action = item.map_or_else(
        || "/products/new".to_owned(),
        |i| format!("/products/{}/edit", i.sku),
    );
    let errors = Refusals(errors);
    let text = |name: &str, label: &str, value: &str, required: bool| {
        text_field(&errors, name, label, value, required)
    };
    html! {
        (heading(item))
        @if let Some(note) = note { p.error role="alert" { (note) } }
        @if !errors.0.is_empty() {
            p.error role="alert" { "Some fields need fixing; see below." }
        }
        form method="post" action=(action) {
            (csrf(session))
            @if let Some(item) = item {
                input type="hidden" name="expected_version" value=(item.version);
                p { "SKU " code { (item.sku) } " (a SKU never changes)" }
            } @else {
                (text("sku", "SKU (blank: Riff numbers it)", &input.sku, false))
            }
            (text("title", "Title", &input.title, true))
            (text("brand", "Brand", &input.brand, true))
            (text("model", "Model", &input.model, true))
            (text("year", "Year", &input.year, false))
            (text("finish", "Finish", &input.finish, false))
            (text("category", "Category", &input.category, true))
            datalist id="mapped-categories" {
                @for category in categories { option value=(category) {} }
            }
            (condition_field(&errors, &input.condition))
            (description_field(&errors, &input.description))
            (text("price", "Price", &input.price, true))
            (text("quantity", "Quantity (blank: 1)", &input.quantity, false))
            @if item.is_none() {
                (draft_field(input))
            }
            button type="submit" { @if item.is_some() { "Save" } @else { "Create" } }
        }
    }
}

/// The fields the form's last post was refused for, each with its message.
struct Refusals<'a>(&'a [(String, String)]);

impl Refusals<'_> {
    fn of(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }
}

fn heading(item: Option<&inventory::InventoryItem>) -> Markup {
    html! {
        @match item {
            Some(item) => {
                h1 { "Edit " (item.sku) }
                p { a href=(format!("/products/{}", item.sku)) { "← Back to the product" } }
            }
            None => h1 { "New product" },
        }
    }
}

/// A one-line field, its refusal beside it and tied to it for screen
/// readers.
fn text_field(
    errors: &Refusals<'_>,
    name: &str,
    label: &str,
    value: &str,
    required: bool,
) -> Markup {
    let message = errors.of(name);
    html! {
        div.field {
            label for=(name) { (label) @if required { " *" } }
            input id=(name) name=(name) value=(value)
                list=[(name == "category").then_some("mapped-categories")]
                aria-invalid=[message.as_ref().map(|_| "true")]
                aria-describedby=[message.as_ref().map(|_| format!("{name}-error"))];
            @if let Some(message) = message {
                p.error id=(format!("{name}-error")) { (label) " " (message) }
            }
        }
    }
}

fn condition_field(errors: &Refusals<'_>, chosen: &str) -> Markup {
    html! {
        div.field {
            label for="condition" { "Condition *" }
            select id="condition" name="condition" {
                option value="" { "Choose…" }
                @for condition in Condition::ALL {
                    option value=(condition.as_str()) selected[chosen == condition.as_str()] { (condition.as_str()) }
                }
            }
            @if let Some(message) = errors.of("condition") {
                p.error id="condition-error" { "Condition " (message) }
            }
        }
    }
}

fn description_field(errors: &Refusals<'_>, description: &str) -> Markup {
    html! {
        div.field {
            label for="description" { "Description" }
            textarea id="description" name="description" rows="6" { (description) }
            @if let Some(message) = errors.of("description") {
                p.error id="description-error" { "Description " (message) }
            }
        }
    }
}

/// A new product only: kept as a draft, listed nowhere until activated.
fn draft_field(input: &ProductInput) -> Markup {
    html! {
        div.field {
            label {
                input type="checkbox" name="save_as_draft" checked[input.save_as_draft.is_some()];
                " Save as draft (kept, not listed anywhere until activated)"
            }
        }
    }
}
