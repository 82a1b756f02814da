//! `/settings`: which platforms are configured and when they last synced,
//! the platform priority, how each inventory dropdown is ordered, each
//! platform's price rule, and the category map, shown whole and changed
//! one entry at a time.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cqrs_es::Aggregate;
use maud::{html, Markup};
use riff_domain::listing::category_map::{CategoryEditInput, CategoryMap, CategoryMapping};
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::value::Platform;
use riff_domain::{Settings, SettingsCommand};
use riff_projections::view::settings::dropdown_sort;
use riff_projections::view::sync_runs;
use serde::Deserialize;

use super::form::CsrfForm;
use super::layout::{self, badge, csrf};
use super::session::Session;
use super::Failure;
use crate::actions;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub(crate) struct Notice {
    notice: Option<String>,
    /// The category map entry whose values fill the form.
    category: Option<String>,
}

/// The form that changes one entry of the category map, as typed. A blank
/// field keeps what is mapped.
#[derive(Deserialize, Default)]
pub(crate) struct CategoryForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    ebay: String,
    /// One `Name: Value` a line.
    #[serde(default)]
    ebay_item_specifics: String,
    #[serde(default)]
    reverb: String,
    #[serde(default)]
    vr_category: String,
    #[serde(default)]
    vr_sub_category: String,
    #[serde(default)]
    shopify: String,
}

impl CategoryForm {
    /// The form filled with `entry`'s values, for changing it.
    fn of(entry: &CategoryMapping) -> Self {
        Self {
            category: entry.category.clone(),
            ebay: entry.ebay_category_id.clone().unwrap_or_default(),
            ebay_item_specifics: entry
                .ebay_item_specifics
                .iter()
                .map(|(n, v)| format!("{n}: {v}\n"))
                .collect(),
            reverb: entry.reverb_category.clone().unwrap_or_default(),
            vr_category: entry
                .vr
                .as_ref()
                .map(|v| v.category.clone())
                .unwrap_or_default(),
            vr_sub_category: entry
                .vr
                .as_ref()
                .map(|v| v.sub_category.clone())
                .unwrap_or_default(),
            shopify: entry.shopify_product_type.clone().unwrap_or_default(),
        }
    }

    /// What the form asks for, each blank field left out.
    ///
    /// # Errors
    /// An item-specifics line that is not `Name: Value`.
    fn to_input(&self) -> Result<CategoryEditInput, ApiError> {
        let given = |raw: &str| (!raw.trim().is_empty()).then(|| raw.to_owned());
        let vr = (given(&self.vr_category).is_some() || given(&self.vr_sub_category).is_some())
            .then(|| (self.vr_category.clone(), self.vr_sub_category.clone()));
        let ebay_item_specifics = given(&self.ebay_item_specifics)
            .map(|text| {
                text.lines()
                    .filter(|line| !line.trim().is_empty())
                    .map(|line| {
                        line.split_once(':')
                            .map(|(n, v)| (n.to_owned(), v.to_owned()))
                            .ok_or_else(|| {
                                ApiError::invalid(
                                    "ebay_item_specifics",
                                    format!("{:?} is not Name: Value", line.trim()),
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(CategoryEditInput {
            category: self.category.clone(),
            ebay: given(&self.ebay),
            ebay_item_specifics,
            reverb: given(&self.reverb),
            vr,
            shopify: given(&self.shopify),
        })
    }
}

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(notice): Query<Notice>,
) -> Result<Response, Failure> {
    let settings = state.ledger.load_settings().await?;
    let map = settings.category_map();
    let form = match &notice.category {
        Some(category) => map.named(category).map_or_else(
            || CategoryForm {
                category: category.clone(),
                ..CategoryForm::default()
            },
            CategoryForm::of,
        ),
        None => CategoryForm::default(),
    };
    let body = page(
        &state,
        &session,
        notice.notice.as_deref(),
        &settings,
        &form,
        None,
    )
    .await?;
    Ok(layout::page("Settings", "/settings", &session, body).into_response())
}

/// Changes one entry of the category map; a refused field is shown beside
/// the form, with what was typed kept (`422`).
pub(crate) async fn map_category(
    State(state): State<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<CategoryForm>,
) -> Result<Response, Failure> {
    let meta = session.metadata();
    let outcome = match form.to_input() {
        Ok(input) => actions::map_category(&state, input, &meta).await,
        Err(error) => Err(error),
    };
    let (field, message) = match outcome {
        Ok(_) => {
            return Ok(Redirect::to("/settings?notice=Category%20map%20saved.").into_response())
        }
        Err(ApiError::Invalid { field, message }) => (field, message),
        Err(other) => return Err(Failure::from(other)),
    };
    let refused = Refused::Category {
        field: &field,
        message: &message,
    };
    refused_page(&state, &session, &form, refused).await
}

/// A platform's price rule as typed on the settings page.
#[derive(Deserialize)]
pub(crate) struct PriceRuleForm {
    platform: String,
    #[serde(default)]
    percent: String,
}

/// Sets one platform's price rule; a refused one is shown beside its row,
/// with what was typed kept (`422`).
pub(crate) async fn set_price_rule(
    State(state): State<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<PriceRuleForm>,
) -> Result<Response, Failure> {
    let meta = session.metadata();
    let platform: Platform = form.platform.parse().map_err(ApiError::from)?;
    // A blank field is no rule, as 0 is.
    let percent = match form.percent.trim() {
        "" => "0",
        typed => typed,
    };
    let message = match actions::set_price_rule(&state, platform, percent, &meta).await {
        Ok(_) => {
            return Ok(
                Redirect::to("/settings?notice=Price%20rule%20saved.#price-rules").into_response(),
            )
        }
        Err(ApiError::Invalid { message, .. }) => message,
        Err(other) => return Err(Failure::from(other)),
    };
    let refused = Refused::PriceRule {
        platform,
        typed: &form.percent,
        message: &message,
    };
    refused_page(&state, &session, &CategoryForm::default(), refused).await
}

/// The settings page again (`422`), with the change that was refused
/// shown where it was typed.
async fn refused_page(
    state: &AppState,
    session: &Session,
    form: &CategoryForm,
    refused: Refused<'_>,
) -> Result<Response, Failure> {
    let settings = state.ledger.load_settings().await?;
    let body = page(state, session, None, &settings, form, Some(refused)).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        layout::page("Settings", "/settings", session, body),
    )
        .into_response())
}

/// A form of the settings page whose change was refused, and why.
#[derive(Clone, Copy)]
enum Refused<'a> {
    /// The category form's field, and what is wrong with it.
    Category { field: &'a str, message: &'a str },
    /// A platform's price rule, as typed.
    PriceRule {
        platform: Platform,
        typed: &'a str,
        message: &'a str,
    },
}

/// The settings page's body; `refused` is the change that was not made.
async fn page(
    state: &AppState,
    session: &Session,
    notice: Option<&str>,
    settings: &Settings,
    form: &CategoryForm,
    refused: Option<Refused<'_>>,
) -> Result<Markup, Failure> {
    let map = settings.category_map();
    let category_refused = match refused {
        Some(Refused::Category { field, message }) => Some((field, message)),
        _ => None,
    };
    let synced = sync_runs::platforms(&state.db).await?;
    let orders = dropdown_sort(&state.db).await?;
    Ok(html! {
        h1 { "Settings" }
        (layout::notice(notice))
        h2 { "Marketplaces" }
        table.stack {
            thead { tr { th { "Platform" } th { "Configured" } th { "Last success" } th { "Last error" } } }
            tbody {
                @for platform in Platform::ALL {
                    @let last = synced.iter().find(|s| s.platform == platform.as_str());
                    tr {
                        td data-label="Platform" { (platform.display_name()) }
                        td data-label="Configured" {
                            @if state.engine.platforms.contains_key(&platform) { (badge("live")) " yes" }
                            @else { "no — set its credentials (see README, Configuration)" }
                        }
                        td data-label="Last success" { (last.and_then(|l| l.last_success_at.as_deref()).unwrap_or("never")) }
                        td data-label="Last error" { @if let Some(e) = last.and_then(|l| l.last_error.as_deref()) { span.error { (e) } } }
                    }
                }
            }
        }
        h2 { "Platform priority" }
        p { "Whose details win when one item is found on several platforms at once, and whose sale wins an exact tie (set with RIFF_PLATFORM_PRIORITY):" }
        ol { @for p in state.priority.platforms() { li { (p.display_name()) } } }
        p { "Currency: " (state.currency.to_string()) }
        h2 { "Inventory dropdowns" }
        form method="post" action="/settings/dropdown-sort" {
            (csrf(session))
            table {
                thead { tr { th { "Dropdown" } th { "Order" } } }
                tbody {
                    @for (field, order) in &orders {
                        tr {
                            td { (field.as_str()) }
                            td {
                                select name=(field.as_str()) aria-label=(format!("{} order", field.as_str())) {
                                    option value="count" selected[*order == DropdownOrder::Count] { "most products first" }
                                    option value="alpha" selected[*order == DropdownOrder::Alpha] { "A to Z" }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" { "Save" }
        }
        (price_rules(session, settings, refused))
        (category_map(session, &map, form, category_refused))
    })
}

/// Each platform's price rule, each changed by its own form.
fn price_rules(session: &Session, settings: &Settings, refused: Option<Refused<'_>>) -> Markup {
    html! {
        h2 id="price-rules" { "Price rules" }
        p { "A platform's listings show the product's price moved by its percentage, rounded to the cent (e.g. Reverb +5% to cover its fees): at publishing, and whenever the product's price or the rule changes. A listing published with its own price keeps it; one in another currency keeps its price there. 0 or blank: the product's price." }
        table.stack {
            thead { tr { th { "Platform" } th { "Rule" } th { "Percent" } } }
            tbody {
                @for platform in Platform::ALL {
                    @let rule = settings.price_rule(platform);
                    @let id = format!("percent-{}", platform.as_str());
                    @let problem = match refused {
                        Some(Refused::PriceRule { platform: p, typed, message }) if p == platform => Some((typed, message)),
                        _ => None,
                    };
                    tr data-platform=(platform.as_str()) {
                        td data-label="Platform" { (platform.display_name()) }
                        td data-label="Rule" {
                            @match rule {
                                Some(rule) => { "product's price " (rule) }
                                None => "product's price",
                            }
                        }
                        td data-label="Percent" {
                            form method="post" action="/settings/price-rule" {
                                (csrf(session))
                                input type="hidden" name="platform" value=(platform.as_str());
                                input id=(id) name="percent" inputmode="decimal" placeholder="e.g. 5 or -10"
                                    aria-label=(format!("{} price rule, percent", platform.display_name()))
                                    value=(problem.map_or_else(|| rule.map(|r| r.value().to_string()).unwrap_or_default(), |(typed, _)| typed.to_owned()))
                                    aria-invalid=[problem.map(|_| "true")]
                                    aria-describedby=[problem.map(|_| format!("{id}-error"))];
                                " "
                                button.secondary type="submit" { "Save" }
                                @if let Some((_, message)) = problem {
                                    p.error id=(format!("{id}-error")) role="alert" { "Percent " (message) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The category map as a table, and the form that changes one entry.
fn category_map(
    session: &Session,
    map: &CategoryMap,
    form: &CategoryForm,
    refused: Option<(&str, &str)>,
) -> Markup {
    html! {
        h2 id="category-map" { "Category map" }
        p { "Where a product of each category is listed on each platform. Riff's defaults are the platforms' own ids (docs/listing-ids.md); a change is used from the next publish on, and a listing's own attributes still win." }
        (category_table(map))
        h3 { "Change or add a category" }
        @if refused.is_some() {
            p.error role="alert" { "The category map was not changed; see below." }
        }
        (category_form(session, map, form, refused))
    }
}

/// Every entry of the map, each with a link that fills the form with it.
fn category_table(map: &CategoryMap) -> Markup {
    let none = || html! { span.error { "none" } };
    html! {
        table.stack {
            thead { tr { th { "Category" } th { "eBay category" } th { "eBay item specifics" } th { "Reverb category" } th { "V&R category / sub-category" } th { "Shopify product type" } th { } } }
            tbody {
                @for entry in map.entries() {
                    tr {
                        td data-label="Category" { (entry.category) }
                        td data-label="eBay category" { @match &entry.ebay_category_id { Some(id) => code { (id) }, None => (none()) } }
                        td data-label="eBay item specifics" {
                            @for (name, value) in &entry.ebay_item_specifics { (name) ": " (value) br; }
                        }
                        td data-label="Reverb category" { @match &entry.reverb_category { Some(id) => code { (id) }, None => (none()) } }
                        td data-label="V&R category / sub-category" {
                            @match &entry.vr { Some(vr) => code { (vr.category) " / " (vr.sub_category) }, None => (none()) }
                        }
                        td data-label="Shopify product type" { @match &entry.shopify_product_type { Some(t) => (t), None => (none()) } }
                        td { a href=(format!("/settings?{}#category-map-form", serde_html_form::to_string([("category", &entry.category)]).unwrap_or_default())) { "Change" } }
                    }
                }
            }
        }
    }
}

/// The form that changes one entry, or adds one; `refused` is the field
/// the last try was refused for, and why.
fn category_form(
    session: &Session,
    map: &CategoryMap,
    form: &CategoryForm,
    refused: Option<(&str, &str)>,
) -> Markup {
    let message = |name: &str| refused.filter(|(f, _)| *f == name).map(|(_, m)| m);
    let field = |name: &str, label: &str, value: &str, hint: &str| {
        let message = message(name);
        html! {
            div.field {
                label for=(name) { (label) }
                input id=(name) name=(name) value=(value) placeholder=(hint)
                    aria-invalid=[message.map(|_| "true")]
                    aria-describedby=[message.map(|_| format!("{name}-error"))];
                @if let Some(message) = message {
                    p.error id=(format!("{name}-error")) { (label) " " (message) }
                }
            }
        }
    };
    let vr_message = message("vr");
    let specifics_message = message("ebay_item_specifics");
    html! {
        form id="category-map-form" method="post" action="/settings/category-map" {
            (csrf(session))
            p { "A blank field keeps what is mapped now; a category the table does not have is added." }
            div.field {
                label for="category" { "Category" }
                input id="category" name="category" value=(form.category) list="mapped-categories" required;
                datalist id="mapped-categories" {
                    @for entry in map.entries() { option value=(entry.category) {} }
                }
                @if let Some(message) = message("category") {
                    p.error id="category-error" { "Category " (message) }
                }
            }
            (field("ebay", "eBay leaf category id", &form.ebay, "e.g. 33034"))
            div.field {
                label for="ebay_item_specifics" { "eBay item specifics (one Name: Value a line)" }
                textarea id="ebay_item_specifics" name="ebay_item_specifics" rows="3"
                    aria-invalid=[specifics_message.map(|_| "true")] { (form.ebay_item_specifics) }
                @if let Some(message) = specifics_message {
                    p.error id="ebay_item_specifics-error" { "eBay item specifics: " (message) }
                }
            }
            (field("reverb", "Reverb category UUID", &form.reverb, "e.g. e57deb7a-382b-4e18-a008-67d4fbcb2879"))
            div.field {
                label for="vr_category" { "V&R category and sub-category ids" }
                input id="vr_category" name="vr_category" value=(form.vr_category) placeholder="e.g. 51" aria-label="V&R category id"
                    aria-invalid=[vr_message.map(|_| "true")];
                input id="vr_sub_category" name="vr_sub_category" value=(form.vr_sub_category) placeholder="e.g. 83" aria-label="V&R sub-category id"
                    aria-invalid=[vr_message.map(|_| "true")];
                @if let Some(message) = vr_message {
                    p.error id="vr-error" { "V&R: " (message) }
                }
            }
            (field("shopify", "Shopify product type", &form.shopify, "e.g. Electric Guitars"))
            button type="submit" { "Save the category" }
        }
    }
}

pub(crate) async fn set_dropdown_sort(
    State(state): State<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<std::collections::BTreeMap<String, String>>,
) -> Result<Response, Failure> {
    let meta = session.metadata();
    let current = dropdown_sort(&state.db).await?;
    for (field, order) in &form {
        let (Ok(field), Ok(order)) = (
            field.parse::<DropdownField>(),
            order.parse::<DropdownOrder>(),
        ) else {
            continue;
        };
        if current.contains(&(field, order)) {
            continue;
        }
        state
            .ledger
            .settings(SettingsCommand::SetDropdownSort { field, order }, &meta)
            .await?;
    }
    state.caught_up_with(Settings::TYPE, Settings::ID).await?;
    Ok(Redirect::to("/settings?notice=Saved.").into_response())
}
