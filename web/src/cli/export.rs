//! `riff export csv`: the inventory as the inventory page's CSV.

use anyhow::Context;
use riff_projections::view::inventory::{InventoryQuery, SortColumn};

use super::CsvExport;

pub(super) async fn run(database_url: &str, export: CsvExport) -> anyhow::Result<()> {
    let sort = export
        .sort
        .as_deref()
        .map(SortColumn::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--sort: {e}"))?;
    let descending = match export.order.as_deref() {
        None => sort.is_none(),
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => anyhow::bail!("--order must be asc or desc, not {other:?}"),
    };
    let query = InventoryQuery {
        q: export.q,
        brand: export.brand,
        category: export.category,
        condition: export.condition,
        status: export.status,
        sort: sort.unwrap_or_default(),
        descending,
        ..InventoryQuery::default()
    };
    let db = super::open(database_url).await?;
    let written = match &export.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            crate::export::write_csv(&db, &query, std::io::BufWriter::new(file)).await?
        }
        None => crate::export::write_csv(&db, &query, std::io::stdout().lock()).await?,
    };
    if let Some(path) = &export.out {
        println!("Wrote {written} products to {}.", path.display());
    }
    Ok(())
}
