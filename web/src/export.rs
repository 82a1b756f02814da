//! The inventory as CSV, for a spreadsheet: the API's `/api/export.csv` and
//! `riff export csv` both write it here.

use std::io::Write;

use riff_domain::value::{Platform, ProductDetailsInput};
use riff_projections::view::inventory::{self, InventoryItem, InventoryQuery};
use riff_projections::view::product_listings::{self, ListingRow};
use riff_projections::{Db, ProjectionError};

/// Products read per query while exporting, so memory stays flat however
/// large the inventory.
const PAGE: u32 = 500;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Read(#[from] ProjectionError),
    #[error("could not write the CSV: {0}")]
    Write(#[from] csv::Error),
    #[error("could not write the CSV: {0}")]
    Io(#[from] std::io::Error),
}

/// A cell as a spreadsheet may safely open it: one that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and its
/// kin (`=HYPERLINK("http://evil.example","x")` in a title would be a live
/// link), so it gets a leading `'`, which makes it text (OWASP's advice
/// for CSV injection). Every other cell is written as it is.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Writes every product matching `query` (its paging ignored), one row
/// each, with a status, external id and URL column per platform.
///
/// Cells that a spreadsheet would run as a formula are [`defused`].
/// The file starts with a UTF-8 byte-order mark: without it Excel reads
/// `Ré-issue` as `RÃ©-issue`.
///
/// # Errors
/// The database could not be read, or `out` not written.
pub async fn write_csv<W: Write>(
    db: &Db,
    query: &InventoryQuery,
    mut out: W,
) -> Result<usize, ExportError> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header())?;

    let mut page_query = InventoryQuery {
        page: 1,
        per_page: PAGE,
        ..query.clone()
    };
    let mut written = 0;
    loop {
        let items = inventory::page(db, &page_query).await?;
        if items.is_empty() {
            break;
        }
        let skus: Vec<&str> = items.iter().map(|i| i.sku.as_str()).collect();
        let listings = product_listings::of_products(db, &skus).await?;
        for item in &items {
            let record = record(item, &listings);
            writer.write_record(record.iter().map(|cell| defused(cell).into_owned()))?;
            written += 1;
        }
        page_query.page += 1;
    }
    writer.flush()?;
    Ok(written)
}

/// The product's columns, then a status, external id and URL column per
/// platform.
fn header() -> Vec<String> {
    // Every detail but the description.
    let details = ProductDetailsInput::FIELDS
        .into_iter()
        .filter(|f| *f != "description");
    let mut header: Vec<String> = ["sku"]
        .into_iter()
        .chain(details)
        .chain(["price", "currency", "quantity", "status"])
        .map(str::to_owned)
        .collect();
    for platform in Platform::ALL {
        for column in ["status", "external_id", "url"] {
            header.push(format!("{}_{column}", platform.as_str()));
        }
    }
    header
}

/// One product's row, as [`header`] names the columns; `listings` may
/// hold other products' listings too.
fn record(item: &InventoryItem, listings: &[ListingRow]) -> Vec<String> {
    let mut record = vec![
        item.sku.clone(),
        item.title.clone(),
        item.brand.clone(),
        item.model.clone(),
        item.year.map(|y| y.to_string()).unwrap_or_default(),
        item.finish.clone().unwrap_or_default(),
        item.category.clone(),
        item.condition.clone(),
        item.price.clone(),
        item.currency.clone(),
        item.quantity.to_string(),
        item.status.clone(),
    ];
    for platform in Platform::ALL {
        // The newest listing on a platform is the one that counts.
        let listing = listings
            .iter()
            .filter(|l| {
                l.sku.as_deref() == Some(item.sku.as_str()) && l.platform == platform.as_str()
            })
            .max_by(|a, b| a.updated_at.cmp(&b.updated_at));
        record.push(listing.map(|l| l.status.clone()).unwrap_or_default());
        record.push(
            listing
                .and_then(|l| l.external_id.clone())
                .unwrap_or_default(),
        );
        record.push(listing.and_then(|l| l.url.clone()).unwrap_or_default());
    }
    record
}

/// The CSV as a download, `riff-inventory.csv`, as both doors send it.
pub(crate) fn attachment(body: Vec<u8>) -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"riff-inventory.csv\"",
            ),
        ],
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::defused;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_text() {
        for formula in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(defused(formula), format!("'{formula}"));
        }
        for plain in ["Gibson Les Paul", "1499.00", "", "a=b", "'quoted"] {
            assert_eq!(defused(plain), plain);
        }
    }
}
