//! Rows for PostgreSQL's `COPY … FROM STDIN`, in its text format: what a
//! PostgreSQL replay fills the folded views' fresh tables with.
//!
//! PostgreSQL takes `COPY` rows about three times faster than the same rows
//! as multi-row `insert … values` (BENCHMARKS.md), and writing them is a
//! walk over each row's cells into one buffer, not thousands of bound
//! parameters. The views still decide what the rows are ([`Cell`]); only
//! where a replay's new rows go changes.

use std::fmt::Write;

use super::fold::Cell;

/// The rows a batch hands over, by table, until the replay sends them.
#[derive(Debug, Default)]
pub struct CopyRows {
    tables: Vec<CopyTable>,
}

/// One table's rows, in `COPY`'s text format.
#[derive(Debug)]
pub(crate) struct CopyTable {
    pub(crate) table: &'static str,
    pub(crate) columns: &'static [&'static str],
    pub(crate) data: String,
}

impl CopyTable {
    /// The statement that takes [`Self::data`] into `schema`'s table,
    /// the rows `frozen` if asked (see `replay::postgres`).
    pub(crate) fn statement(&self, schema: &str, frozen: bool) -> String {
        format!(
            "copy {schema}.{} ({}) from stdin{}",
            self.table,
            self.columns.join(", "),
            if frozen { " with (freeze)" } else { "" }
        )
    }
}

impl CopyRows {
    /// Adds one row of `table`: `cells` in the order of `columns`.
    pub(crate) fn push(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        cells: &[Cell<'_>],
    ) {
        debug_assert_eq!(cells.len(), columns.len(), "a cell for every column");
        let at = match self.tables.iter().position(|t| t.table == table) {
            Some(at) => at,
            None => {
                self.tables.push(CopyTable {
                    table,
                    columns,
                    data: String::new(),
                });
                self.tables.len() - 1
            }
        };
        let data = &mut self.tables[at].data;
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                data.push('\t');
            }
            match cell {
                Cell::Text(Some(text)) => escape(data, text),
                Cell::Int(Some(n)) => {
                    let _ = write!(data, "{n}");
                }
                Cell::Text(None) | Cell::Int(None) => data.push_str("\\N"),
            }
        }
        data.push('\n');
    }

    /// Takes the rows gathered so far, leaving none.
    pub(crate) fn take(&mut self) -> Vec<CopyTable> {
        std::mem::take(&mut self.tables)
    }
}

/// Appends `text` as one column of `COPY`'s text format: a backslash and
/// the three characters that separate columns and rows are escaped with a
/// backslash, everything else is taken as it is.
fn escape(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['\\', '\t', '\n', '\r']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'\\' => "\\\\",
            b'\t' => "\\t",
            b'\n' => "\\n",
            _ => "\\r",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[&str] = &["sku", "title", "year"];

    fn one_row(cells: &[Cell<'_>]) -> String {
        let mut rows = CopyRows::default();
        rows.push("inventory", COLUMNS, cells);
        let mut tables = rows.take();
        assert_eq!(tables.len(), 1);
        tables.remove(0).data
    }

    #[test]
    fn a_row_is_its_cells_between_tabs_ending_in_a_newline() {
        let row = one_row(&[
            Cell::Text(Some("GIB-1".into())),
            Cell::Text(Some("Les Paul".into())),
            Cell::Int(Some(1959)),
        ]);
        assert_eq!(row, "GIB-1\tLes Paul\t1959\n");
    }

    #[test]
    fn a_missing_value_is_null_not_an_empty_string() {
        let row = one_row(&[
            Cell::Text(Some("".into())),
            Cell::Text(None),
            Cell::Int(None),
        ]);
        assert_eq!(row, "\t\\N\t\\N\n");
    }

    #[test]
    fn separators_and_backslashes_in_text_cannot_end_a_column_or_row() {
        let title = "Tab\there, line\r\nbreak, back\\slash, literal \\N, \"Burst\", Ré-issue";
        let row = one_row(&[
            Cell::Text(Some(title.into())),
            Cell::Text(None),
            Cell::Int(Some(-1)),
        ]);
        assert_eq!(
            row,
            "Tab\\there, line\\r\\nbreak, back\\\\slash, literal \\\\N, \"Burst\", Ré-issue\t\\N\t-1\n"
        );
    }

    #[test]
    fn rows_are_kept_by_table_in_the_order_first_seen() {
        // An inventory row with only its key.
        let keyed = |sku: &'static str| [Cell::text(sku), Cell::Text(None), Cell::Int(None)];
        let mut rows = CopyRows::default();
        rows.push("inventory", COLUMNS, &keyed("A"));
        rows.push(
            "listing_index",
            &["listing_id"],
            &[Cell::Text(Some("L".into()))],
        );
        rows.push("inventory", COLUMNS, &keyed("B"));
        let tables = rows.take();
        let summary: Vec<(&str, &str)> =
            tables.iter().map(|t| (t.table, t.data.as_str())).collect();
        assert_eq!(
            summary,
            [
                ("inventory", "A\t\\N\t\\N\nB\t\\N\t\\N\n"),
                ("listing_index", "L\n")
            ]
        );
        assert_eq!(
            tables[0].statement("riff_replay", false),
            "copy riff_replay.inventory (sku, title, year) from stdin"
        );
        assert_eq!(
            tables[0].statement("riff_replay", true),
            "copy riff_replay.inventory (sku, title, year) from stdin with (freeze)"
        );
        assert!(rows.take().is_empty(), "taken rows are gone");
    }
}
