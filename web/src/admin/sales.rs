//! `/sales`: every sale with filters and totals, and two charts — by month
//! and by platform — drawn as SVG on the server, so they show with no
//! JavaScript.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use riff_domain::value::Platform;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::dashboard::platform_name;
use super::layout::{self, badge, when_text};
use super::session::Session;
use super::Failure;
use crate::queries::sales::{select, Params};
use crate::state::AppState;
use riff_projections::view::sales::SaleRow;

pub(crate) async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<Params>,
) -> Result<Response, Failure> {
    let report = match select(&state, &params).await {
        Ok(report) => report,
        Err(error) => {
            let body = html! { h1 { "Sales" } p.error { (error) } a href="/sales" { "Clear the filters" } };
            return Ok(layout::page("Sales", "/sales", &session, body).into_response());
        }
    };
    let months: Vec<(String, f64)> = report
        .totals
        .by_month
        .iter()
        .map(|m| (m.month.clone(), amount(&m.revenue)))
        .collect();
    let platforms: Vec<(String, f64)> = report
        .totals
        .by_platform
        .iter()
        .map(|(p, t)| (platform_name(p), amount(&t.revenue)))
        .collect();
    let body = html! {
        h1 { "Sales" }
        form.filters method="get" action="/sales" {
            div { label for="from" { "From" } input id="from" name="from" type="date" value=(params.from.clone().unwrap_or_default()); }
            div { label for="to" { "To (not included)" } input id="to" name="to" type="date" value=(params.to.clone().unwrap_or_default()); }
            div {
                label for="platform" { "Where" }
                select id="platform" name="platform" {
                    option value="" { "Anywhere" }
                    option value="shop" selected[params.platform.as_deref() == Some("shop")] { "In the shop" }
                    @for p in Platform::ALL {
                        option value=(p.as_str()) selected[params.platform.as_deref() == Some(p.as_str())] { (p.display_name()) }
                    }
                }
            }
            button type="submit" { "Show" }
        }
        section.cards {
            div.card { div.n { (report.totals.count) } div { "sales" } }
            div.card { div.n { (report.totals.revenue) } div { "revenue" } }
        }
        h2 { "By month" }
        (bar_chart("Revenue by month", &months))
        h2 { "By platform" }
        (bar_chart("Revenue by platform", &platforms))
        h2 { "Every sale" }
        table.stack {
            thead { tr { th { "Sold" } th { "SKU" } th { "Where" } th { "Order" } th.num { "Qty" } th.num { "Price" } th { "Status" } } }
            tbody {
                @for sale in &report.items {
                    tr {
                        td data-label="Sold" { (when_text(&sale.sold_at, state.zone)) }
                        td data-label="SKU" { a href=(format!("/products/{}", sale.sku)) { (sale.sku) } }
                        td data-label="Where" { (platform_name(&sale.platform)) }
                        td data-label="Order" { (order_cell(sale)) }
                        td.num data-label="Qty" { (sale.quantity) }
                        td.num data-label="Price" { (sale.price) " " (sale.currency) }
                        td data-label="Status" { (badge(&sale.status)) }
                    }
                }
            }
        }
    };
    Ok(layout::page("Sales", "/sales", &session, body).into_response())
}

/// The order number the seller knows, linked to the order's page where the
/// platform has one at a fixed address (eBay's Seller Hub, Reverb's
/// selling orders); the line reference otherwise.
fn order_cell(sale: &SaleRow) -> Markup {
    let Some(number) = &sale.order_number else {
        return html! { code { (sale.order_ref) } };
    };
    // Only a plain number goes into an address: eBay's and Reverb's are
    // digits and dashes, and anything else is shown, not linked.
    let plain = number
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-');
    let page = match sale.platform.as_str() {
        "ebay" if plain => Some(format!(
            "https://www.ebay.co.uk/sh/ord/details?orderid={number}"
        )),
        "reverb" if plain => Some(format!("https://reverb.com/my/selling/orders/{number}")),
        _ => None,
    };
    html! {
        @match page {
            Some(href) => a href=(href) rel="noopener noreferrer" target="_blank" { (number) },
            None => (number),
        }
        " " small { code title="Riff's reference for the sold line" { (sale.order_ref) } }
    }
}

fn amount(raw: &str) -> f64 {
    raw.parse::<Decimal>()
        .ok()
        .and_then(|d| d.to_f64())
        .unwrap_or_default()
}

/// A horizontal bar chart: one labelled bar per entry, scaled to the
/// largest. Text goes through maud, so labels are escaped.
fn bar_chart(title: &str, entries: &[(String, f64)]) -> Markup {
    const ROW: f64 = 28.0;
    const LABEL: f64 = 140.0;
    const WIDTH: f64 = 600.0;
    let max = entries.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let height = ROW * entries.len().max(1) as f64 + 8.0;
    html! {
        @if entries.is_empty() {
            p { "No sales to chart." }
        } @else {
            svg.chart xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(title)
                viewBox=(format!("0 0 {WIDTH} {height}")) {
                title { (title) }
                @for (i, (label, value)) in entries.iter().enumerate() {
                    @let y = 4.0 + ROW * i as f64;
                    @let bar = if max > 0.0 { (WIDTH - LABEL - 90.0) * value / max } else { 0.0 };
                    text x="0" y=(format!("{:.1}", y + 18.0)) font-size="13" { (label) }
                    rect x=(LABEL) y=(format!("{y:.1}")) width=(format!("{bar:.1}")) height="20" fill="#9b2226" {}
                    text x=(format!("{:.1}", LABEL + bar + 6.0)) y=(format!("{:.1}", y + 15.0)) font-size="12" { (format!("{value:.2}")) }
                }
            }
        }
    }
}
