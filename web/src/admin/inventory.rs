//! `/inventory`: every product, filtered, sorted and paged, with where each
//! one is listed; bulk publish and end; CSV of exactly what is shown.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use maud::{html, Markup};
use riff_domain::listing::{EndReason, PlatformAttributes};
use riff_domain::settings::DropdownField;
use riff_domain::value::Platform;
use riff_projections::view::inventory::{self, FacetValue, InventoryItem, InventoryQuery};
use riff_projections::view::listing_index;
use riff_projections::view::product_listings::{self, ListingRow};
use riff_projections::view::settings::dropdown_sort;
use serde::Deserialize;

use super::dashboard::platform_name;
use super::form::CsrfForm;
use super::layout::{self, badge, csrf, when_text};
use super::notice::{back_to, Notice};
use super::session::Session;
use super::Failure;
use crate::actions;
use crate::queries::inventory::ListParams;
use crate::state::AppState;

/// The columns a user can sort by, with their headings.
const COLUMNS: [(&str, &str); 7] = [
    ("sku", "SKU"),
    ("title", "Title"),
    ("brand", "Brand"),
    ("category", "Category"),
    ("price", "Price"),
    ("status", "Status"),
    ("updated_at", "Updated"),
];

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<ListParams>,
    Query(notice): Query<Notice>,
) -> Result<Response, Failure> {
    let query = match InventoryQuery::try_from(params.clone()) {
        Ok(query) => query,
        Err(error) => {
            return Ok(layout::page(
                "Inventory",
                "/inventory",
                &session,
                html! { h1 { "Inventory" } p.error { (error) } a href="/inventory" { "Clear the filters" } },
            )
            .into_response())
        }
    };
    let items = inventory::page(&state.db, &query).await?;
    let total = state.counts.total(&state.db, &query).await?;
    let skus: Vec<&str> = items.iter().map(|i| i.sku.as_str()).collect();
    let listings = product_listings::of_products(&state.db, &skus).await?;
    let facets = Facets::load(&state).await?;
    let pages = (total + i64::from(query.per_page) - 1) / i64::from(query.per_page);
    let body = html! {
        h1 { "Inventory" }
        (layout::notice(notice.notice.as_deref()))
        (filters(&params, &facets))
        p { (total) " products" }
        form method="post" action="/inventory/bulk" {
            (csrf(&session))
            (products_table(&params, &items, &listings, state.zone))
            (bulk_actions())
        }
        (pager(&params, query.page, pages))
    };
    Ok(layout::page("Inventory", "/inventory", &session, body).into_response())
}

/// Each dropdown's values with their counts, in the configured order.
pub(crate) struct Facets(Vec<(DropdownField, Vec<FacetValue>)>);

impl Facets {
    pub(crate) async fn load(state: &AppState) -> Result<Self, Failure> {
        let orders = dropdown_sort(&state.db).await?;
        Ok(Self(state.counts.facets(&state.db, &orders).await?))
    }

    /// One dropdown's values; none when nothing has that field yet.
    pub(crate) fn of(&self, field: DropdownField) -> &[FacetValue] {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(&[], |(_, values)| values.as_slice())
    }
}

/// The filter form, the dropdowns with their counts, and the CSV of what
/// it shows.
fn filters(params: &ListParams, facets: &Facets) -> Markup {
    let query_string = serde_html_form::to_string(&ListParams {
        page: None,
        ..params.clone()
    })
    .unwrap_or_default();
    html! {
        form.filters method="get" action="/inventory" {
            div { label for="q" { "Search" } input id="q" name="q" type="search" value=(params.q.clone().unwrap_or_default()); }
            (dropdown("status", "Status", facets.of(DropdownField::Status), params.status.as_deref(), false))
            (dropdown("platform", "Listed on", facets.of(DropdownField::Platform), params.platform.as_deref(), true))
            (dropdown("not_platform", "Not listed on", facets.of(DropdownField::Platform), params.not_platform.as_deref(), true))
            (dropdown("brand", "Brand", facets.of(DropdownField::Brand), params.brand.as_deref(), false))
            (dropdown("category", "Category", facets.of(DropdownField::Category), params.category.as_deref(), false))
            (dropdown("condition", "Condition", facets.of(DropdownField::Condition), params.condition.as_deref(), false))
            div { label for="min_price" { "Min £" } input id="min_price" name="min_price" size="6" value=(params.min_price.clone().unwrap_or_default()); }
            div { label for="max_price" { "Max £" } input id="max_price" name="max_price" size="6" value=(params.max_price.clone().unwrap_or_default()); }
            @if let Some(sort) = &params.sort { input type="hidden" name="sort" value=(sort); }
            @if let Some(order) = &params.order { input type="hidden" name="order" value=(order); }
            button type="submit" { "Filter" }
            a href="/inventory" { "Clear" }
            a.button href=(format!("/inventory/export.csv?{query_string}")) { "Export CSV" }
        }
    }
}

/// The page of products, each with a box to select it for the bulk
/// actions and where it is listed.
fn products_table(
    params: &ListParams,
    items: &[InventoryItem],
    listings: &[ListingRow],
    zone: Tz,
) -> Markup {
    html! {
        table.stack {
            thead {
                tr {
                    th { span.visually-hidden { "Select" } }
                    @for (column, heading) in COLUMNS {
                        th { a href=(sort_link(params, column)) { (heading) } }
                    }
                    th { "Listings" }
                }
            }
            tbody {
                @for item in items {
                    tr {
                        td { input type="checkbox" name="sku" value=(item.sku) aria-label=(format!("Select {}", item.sku)); }
                        td data-label="SKU" { a href=(format!("/products/{}", item.sku)) { (item.sku) } }
                        td data-label="Title" { (item.title) }
                        td data-label="Brand" { (item.brand) }
                        td data-label="Category" { (item.category) }
                        td.num data-label="Price" { (item.price) " " (item.currency) }
                        td data-label="Status" { (badge(&item.status)) }
                        td data-label="Updated" { small { (when_text(&item.updated_at, zone)) } }
                        td data-label="Listings" {
                            @for listing in listings.iter().filter(|l| l.sku.as_deref() == Some(item.sku.as_str())) {
                                span title=(listing.last_outcome) { (platform_name(&listing.platform)) " " (badge(&listing.status)) } " "
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Publish or end the selected products on one platform.
fn bulk_actions() -> Markup {
    html! {
        fieldset {
            legend { "With the selected products" }
            div.actions {
                label for="bulk-platform" { "Platform" }
                select id="bulk-platform" name="platform" {
                    @for platform in Platform::ALL { option value=(platform.as_str()) { (platform.display_name()) } }
                }
                button type="submit" name="action" value="publish" { "Publish" }
                button.secondary type="submit" name="action" value="end" { "End" }
            }
        }
    }
}

fn pager(params: &ListParams, page: u32, pages: i64) -> Markup {
    html! {
        nav.pages {
            @if page > 1 {
                a href=(page_link(params, page - 1)) { "← Previous" } " "
            }
            "Page " (page) " of " (pages.max(1))
            @if i64::from(page) < pages {
                " " a href=(page_link(params, page + 1)) { "Next →" }
            }
        }
    }
}

fn dropdown(
    name: &str,
    label: &str,
    options: &[FacetValue],
    chosen: Option<&str>,
    platforms: bool,
) -> Markup {
    html! {
        div {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                option value="" { "Any" }
                @for option in options {
                    @let text = if platforms { platform_name(&option.value) } else { option.value.clone() };
                    option value=(option.value) selected[chosen == Some(option.value.as_str())] {
                        (text) " (" (option.count) ")"
                    }
                }
            }
        }
    }
}

fn sort_link(params: &ListParams, column: &str) -> String {
    let ascending =
        params.sort.as_deref() == Some(column) && params.order.as_deref() != Some("desc");
    let next = ListParams {
        sort: Some(column.to_owned()),
        order: Some(if ascending { "desc" } else { "asc" }.to_owned()),
        page: None,
        ..params.clone()
    };
    format!(
        "/inventory?{}",
        serde_html_form::to_string(&next).unwrap_or_default()
    )
}

fn page_link(params: &ListParams, page: u32) -> String {
    let next = ListParams {
        page: Some(page),
        ..params.clone()
    };
    format!(
        "/inventory?{}",
        serde_html_form::to_string(&next).unwrap_or_default()
    )
}

/// `/inventory/export.csv`: the CSV of the same filters, for a logged-in
/// user (the API's export needs the API token).
pub(crate) async fn export(
    state: State<AppState>,
    _session: Session,
    Query(params): Query<ListParams>,
) -> Response {
    match crate::queries::inventory::csv(&state, params).await {
        Ok(csv) => crate::export::attachment(csv).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct Bulk {
    #[serde(default)]
    sku: Vec<String>,
    action: String,
    platform: String,
}

/// Publishes or ends the selected products on one platform.
pub(crate) async fn bulk(
    State(state): State<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<Bulk>,
) -> Result<Response, Failure> {
    let Ok(platform) = form.platform.parse::<Platform>() else {
        return Ok(back("Choose a platform."));
    };
    if form.sku.is_empty() {
        return Ok(back("Select at least one product."));
    }
    let meta = session.metadata();
    let (mut done, mut not_ready, mut refused) = (0, vec![], vec![]);
    for sku in &form.sku {
        let outcome = match form.action.as_str() {
            "publish" => actions::request_listing(
                &state,
                sku,
                platform,
                PlatformAttributes::empty(platform),
                &meta,
            )
            .await
            .map(|_| ()),
            "end" => {
                let open = listing_index::of_product(&state.db, sku)
                    .await?
                    .into_iter()
                    .find(|l| l.platform == platform && !l.status.is_closed());
                match open {
                    Some(listing) => {
                        actions::end_listing(&state, listing.listing_id, EndReason::Manual, &meta)
                            .await
                            .map(|_| ())
                    }
                    None => Err(crate::error::ApiError::NotFound(format!(
                        "{sku} is not listed on {}",
                        platform.display_name()
                    ))),
                }
            }
            _ => return Ok(back("Choose Publish or End.")),
        };
        match outcome {
            Ok(()) => done += 1,
            Err(crate::error::ApiError::NotReady { missing, .. }) => {
                not_ready.push(format!("{sku} (needs {})", missing.join("; ")));
            }
            Err(error) => refused.push(format!("{sku}: {error}")),
        }
    }
    let verb = if form.action == "publish" {
        "Publishing"
    } else {
        "Ending"
    };
    let mut notice = format!("{verb} {done} on {}.", platform.display_name());
    if !not_ready.is_empty() {
        notice.push_str(&format!(
            " Skipped, not ready for {}: {}.",
            platform.display_name(),
            not_ready.join(", ")
        ));
    }
    if !refused.is_empty() {
        notice.push_str(&format!(" Not done: {}", refused.join("; ")));
    }
    Ok(back(&notice))
}

fn back(notice: &str) -> Response {
    back_to("/inventory", notice)
}
