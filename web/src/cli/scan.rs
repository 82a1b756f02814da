//! `riff platforms scan`: what a platform reports, as Riff reads it.

use std::io::Write;

use riff_domain::port::{PortError, RemoteStatus, Scan};
use riff_domain::value::Platform;
use serde::Serialize;

use crate::platforms::{Marketplaces, SetupError};

#[derive(Serialize)]
struct ScanJson {
    platform: &'static str,
    listings: Vec<ListingJson>,
    sales: Vec<SaleJson>,
    requests: u32,
    /// What the adapter chose from the platform where a setting was unset
    /// (Shopify's stock location), or why it could not choose.
    choices: Vec<String>,
}

#[derive(Serialize)]
struct ListingJson {
    external_id: String,
    sku: Option<String>,
    title: String,
    price: Option<String>,
    currency: Option<String>,
    quantity: Option<u32>,
    status: &'static str,
    url: Option<String>,
}

#[derive(Serialize)]
struct SaleJson {
    external_id: String,
    sku: Option<String>,
    order_ref: String,
    /// The order number the seller sees on the platform.
    order_number: Option<String>,
    sold_at: String,
    price: String,
    currency: String,
    quantity: u32,
}

fn status(s: RemoteStatus) -> &'static str {
    match s {
        RemoteStatus::Live => "live",
        RemoteStatus::Ended => "ended",
        RemoteStatus::Sold => "sold",
    }
}

fn to_json(platform: Platform, scan: Scan, choices: Vec<String>) -> ScanJson {
    ScanJson {
        choices,
        platform: platform.as_str(),
        listings: scan
            .listings
            .into_iter()
            .map(|l| ListingJson {
                external_id: l.external_id,
                sku: l.sku,
                title: l.title,
                price: l.price.map(|p| p.amount.to_string()),
                currency: l.price.map(|p| p.currency.to_string()),
                quantity: l.quantity,
                status: status(l.status),
                url: l.url,
            })
            .collect(),
        sales: scan
            .sales
            .into_iter()
            .map(|s| SaleJson {
                external_id: s.external_id,
                sku: s.sku,
                order_ref: s.order_ref,
                order_number: s.order_number,
                sold_at: s.sold_at.to_rfc3339(),
                price: s.price.amount.to_string(),
                currency: s.price.currency.to_string(),
                quantity: s.quantity,
            })
            .collect(),
        requests: scan.requests,
    }
}

/// Why a scan printed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error("{platform} could not be read: {source}")]
    Read {
        platform: &'static str,
        #[source]
        source: PortError,
    },
    #[error("could not print the scan: {0}")]
    Print(#[from] std::io::Error),
    #[error("could not print the scan: {0}")]
    Json(#[from] serde_json::Error),
}

/// Scans `platform` and prints what it reports.
///
/// # Errors
/// The platform is not configured, refused the credentials, or could not
/// be read; the message says what to fix.
pub async fn run(
    marketplaces: &Marketplaces,
    platform: Platform,
    json: bool,
    sales_days: u32,
) -> Result<(), ScanError> {
    let adapter = marketplaces.adapter(platform)?;
    let since = chrono::Utc::now() - chrono::Duration::days(i64::from(sales_days));
    let scan = adapter
        .scan(since)
        .await
        .map_err(|source| ScanError::Read {
            platform: platform.display_name(),
            source,
        })?;
    let choices = match adapter.choices().await {
        Ok(choices) => choices,
        Err(error) => vec![error.to_string()],
    };
    let report = to_json(platform, scan, choices);
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{}: {} listings, {} sales, {} requests",
        platform.display_name(),
        report.listings.len(),
        report.sales.len(),
        report.requests
    )?;
    for choice in &report.choices {
        writeln!(out, "{}: {choice}", platform.display_name())?;
    }
    writeln!(
        out,
        "\n{:<16} {:<16} {:<8} {:>10} {:>4}  title",
        "external id", "sku", "status", "price", "qty"
    )?;
    for l in &report.listings {
        writeln!(
            out,
            "{:<16} {:<16} {:<8} {:>10} {:>4}  {}",
            l.external_id,
            l.sku.as_deref().unwrap_or("-"),
            l.status,
            l.price.as_deref().unwrap_or("-"),
            l.quantity.map_or("-".to_owned(), |q| q.to_string()),
            l.title
        )?;
    }
    if !report.sales.is_empty() {
        writeln!(
            out,
            "\n{:<16} {:<16} {:<16} {:<26} {:>10} {:>4}",
            "external id", "sku", "order", "sold at", "price", "qty"
        )?;
        for s in &report.sales {
            writeln!(
                out,
                "{:<16} {:<16} {:<16} {:<26} {:>10} {:>4}",
                s.external_id,
                s.sku.as_deref().unwrap_or("-"),
                s.order_number.as_deref().unwrap_or(&s.order_ref),
                s.sold_at,
                s.price,
                s.quantity
            )?;
        }
    }
    Ok(())
}
