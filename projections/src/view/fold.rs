//! Folding a batch in memory: how the inventory and the listing index
//! apply events. Each keeps one row per product or
//! listing, loads the rows a batch touches once, folds the batch's events
//! into them and writes each back once, in multi-row statements — a few
//! statements per thousand events rather than one per event. In a
//! PostgreSQL replay the rows a batch creates go to `COPY` instead
//! ([`CopyRows`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::copy::CopyRows;
use super::{insert_sql, placeholders};
use crate::log::{Envelope, RecordedEvent};

/// One row of a batch-folding view: what follows one aggregate.
pub(crate) trait Folded: Sized + Send + Sync {
    /// The view's table.
    const TABLE: &'static str;
    /// Its columns, the first being the aggregate's id (the primary key).
    const COLUMNS: &'static [&'static str];
    /// Rows per statement: the table's columns times this must stay under
    /// SQLite's and PostgreSQL's limits on bound parameters.
    const CHUNK: usize;

    /// Whether the view folds `event` into its rows: the events of its
    /// aggregate type.
    fn folds(event: &RecordedEvent) -> bool;

    /// How one of those events changes the rows it concerns, which are
    /// keyed by aggregate id.
    fn step(rows: &mut HashMap<String, Self>, envelope: &Envelope) -> Result<(), sqlx::Error>;

    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error>;

    /// The row's values, one per column of [`Self::COLUMNS`], in order.
    fn cells(&self) -> Vec<Cell<'_>>;
}

/// The names of `parts` one after the other, as one array of `N`: a
/// view's columns can then take a list kept elsewhere (a product's detail
/// fields) rather than spell it again. A wrong `N` does not compile.
pub(crate) const fn concat<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut names = [""; N];
    let (mut n, mut part) = (0, 0);
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            names[n] = parts[part][i];
            n += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(n == N, "N must be the number of names");
    names
}

/// One value of a folded row, as the SQL and the `COPY` writers both take
/// it. Nulls are typed: PostgreSQL will not put a text null in a bigint
/// column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Text(Option<Cow<'a, str>>),
    Int(Option<i64>),
}

impl<'a> Cell<'a> {
    pub(crate) fn text(text: &'a str) -> Self {
        Self::Text(Some(Cow::Borrowed(text)))
    }

    pub(crate) fn owned(text: String) -> Self {
        Self::Text(Some(Cow::Owned(text)))
    }

    pub(crate) fn opt_text(text: Option<&'a str>) -> Self {
        Self::Text(text.map(Cow::Borrowed))
    }

    pub(crate) fn int(n: i64) -> Self {
        Self::Int(Some(n))
    }
}

/// Applies a batch to a view of [`Folded`] rows: the events the view
/// [`Folded::folds`] are folded by [`Folded::step`] into the rows of their
/// aggregates — loaded first, unless the batch creates them — and every
/// touched row is written back once. Rows the batch creates go to `copy`
/// when there is one (a PostgreSQL replay), else into the table with the
/// others.
pub(crate) async fn fold<R: Folded>(
    conn: &mut AnyConnection,
    envelopes: &[Envelope],
    mut copy: Option<&mut CopyRows>,
) -> Result<(), sqlx::Error> {
    if !envelopes.iter().any(|e| R::folds(&e.event)) {
        return Ok(());
    }
    let to_load = to_load(envelopes, R::folds);
    let mut rows: HashMap<String, R> = HashMap::new();
    for row in rows_by_key(conn, R::TABLE, R::COLUMNS[0], &to_load).await? {
        rows.insert(row.try_get(R::COLUMNS[0])?, R::from_row(&row)?);
    }
    for envelope in envelopes.iter().filter(|e| R::folds(&e.event)) {
        R::step(&mut rows, envelope)?;
    }
    for (rows, existing) in split_loaded(rows, &to_load, |(key, _)| key.as_str()) {
        let rows: Vec<R> = rows.into_iter().map(|(_, row)| row).collect();
        match copy.as_deref_mut() {
            Some(copy) if !existing => {
                for row in &rows {
                    copy.push(R::TABLE, R::COLUMNS, &row.cells());
                }
            }
            _ => {
                for chunk in rows.chunks(R::CHUNK) {
                    write(conn, chunk, existing).await?;
                }
            }
        }
    }
    Ok(())
}

/// Writes `rows` in one statement: upserted if they may exist already
/// (`existing`), else plainly inserted (see [`upsert_sql`]).
async fn write<R: Folded>(
    conn: &mut AnyConnection,
    rows: &[R],
    existing: bool,
) -> Result<(), sqlx::Error> {
    let sql = upsert_sql(conn, R::TABLE, R::COLUMNS, rows.len(), existing);
    let cells: Vec<Cell<'_>> = rows.iter().flat_map(R::cells).collect();
    let mut query = sqlx::query(&sql);
    for cell in &cells {
        query = match cell {
            Cell::Text(text) => query.bind(text.as_deref()),
            Cell::Int(n) => query.bind(*n),
        };
    }
    query.execute(conn).await?;
    Ok(())
}

/// The distinct ids, sorted, of the aggregates whose events `wanted` picks
/// out of a batch and whose rows may exist already: what a batch-folding
/// view loads, once each. An aggregate whose first event in the batch
/// creates it ([`RecordedEvent::creates_aggregate`]) has no row yet, so it
/// is not loaded; a replay hands views whole histories and so loads
/// nothing at all — unless it splits one across batches.
fn to_load(envelopes: &[Envelope], wanted: impl Fn(&RecordedEvent) -> bool) -> Vec<&str> {
    let mut seen = HashSet::new();
    let mut ids: Vec<&str> = envelopes
        .iter()
        .filter(|e| {
            wanted(&e.event) && seen.insert(e.aggregate_id.as_str()) && !e.event.creates_aggregate()
        })
        .map(|e| e.aggregate_id.as_str())
        .collect();
    ids.sort_unstable();
    ids
}

/// Whether a batch-folding view applying `envelopes` (events of the
/// aggregate types it folds) would load rows from its table: whether any
/// aggregate's first event in the batch does not create it.
pub(crate) fn loads_rows(envelopes: &[Envelope]) -> bool {
    !to_load(envelopes, |_| true).is_empty()
}

/// The rows of `table` whose `key` is one of `ids`, as raw rows, a few
/// hundred per query.
async fn rows_by_key(
    conn: &mut AnyConnection,
    table: &str,
    key: &str,
    ids: &[&str],
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    let mut rows = vec![];
    for chunk in ids.chunks(500) {
        let sql = format!(
            "select * from {table} where {key} in ({})",
            placeholders(conn, chunk.len(), 1)
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// `insert into table (columns) values (…), (…)` of `rows` rows. Rows that
/// may exist already (`existing`) are upserted: `on conflict (first column)
/// do update set` every other column. Rows that cannot exist yet — their
/// aggregate was created in this batch — are plainly inserted, which spares
/// the database a look for a conflict that cannot happen.
fn upsert_sql(
    conn: &AnyConnection,
    table: &str,
    columns: &[&str],
    rows: usize,
    existing: bool,
) -> String {
    let mut sql = insert_sql(conn, table, columns, rows);
    if existing {
        let updates: Vec<String> = columns[1..]
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        sql.push_str(&format!(
            " on conflict ({}) do update set {}",
            columns[0],
            updates.join(", ")
        ));
    }
    sql
}

/// Splits a batch's folded rows into those that were loaded (and may need
/// an upsert) and those created in the batch (a plain insert), by key, each
/// in the order of their keys: a table's primary key then takes them one
/// after the other rather than scattered (in a replay, batch after batch,
/// at its end).
fn split_loaded<R>(
    rows: impl IntoIterator<Item = R>,
    loaded: &[&str],
    key: impl Fn(&R) -> &str,
) -> [(Vec<R>, bool); 2] {
    let (mut existing, mut fresh): (Vec<R>, Vec<R>) = rows
        .into_iter()
        .partition(|row| loaded.binary_search(&key(row)).is_ok());
    existing.sort_unstable_by(|a, b| key(a).cmp(key(b)));
    fresh.sort_unstable_by(|a, b| key(a).cmp(key(b)));
    [(existing, true), (fresh, false)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_split_by_whether_they_were_loaded_each_in_key_order() {
        let rows = ["d", "a", "c", "b", "e"].map(String::from);
        let [(existing, upsert), (fresh, insert)] =
            split_loaded(rows, &["b", "d"], |row: &String| row.as_str());
        assert_eq!((existing, upsert), (vec!["b".to_owned(), "d".into()], true));
        assert_eq!(
            (fresh, insert),
            (vec!["a".to_owned(), "c".into(), "e".into()], false)
        );
    }
}
