//! The settings view: the shop's preferences as last set.

use async_trait::async_trait;
use cqrs_es::Aggregate;
use riff_domain::settings::{DropdownField, DropdownOrder};
use riff_domain::{Settings, SettingsEvent};
use sqlx::AnyConnection;

use super::one_at_a_time::OneAtATime;
use crate::log::{Envelope, RecordedEvent};
use crate::{Db, ProjectionError};

pub struct ShopSettings;

#[async_trait]
impl OneAtATime for ShopSettings {
    const NAME: &'static str = "settings";
    const TABLES: &'static [&'static str] = &["dropdown_sort"];
    const AGGREGATE_TYPES: &'static [&'static str] = &[Settings::TYPE];

    async fn apply_one(
        &self,
        conn: &mut AnyConnection,
        envelope: &Envelope,
    ) -> Result<(), sqlx::Error> {
        let RecordedEvent::Settings(SettingsEvent::DropdownSortChanged { field, order }) =
            &envelope.event
        else {
            return Ok(());
        };
        sqlx::query(
            "insert into dropdown_sort (field, sort_order) values ($1, $2) \
             on conflict (field) do update set sort_order = excluded.sort_order",
        )
        .bind(field.as_str())
        .bind(order.as_str())
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// How each dropdown is ordered, every field listed.
///
/// # Errors
/// The database could not be read.
pub async fn dropdown_sort(
    db: &Db,
) -> Result<Vec<(DropdownField, DropdownOrder)>, ProjectionError> {
    let stored: Vec<(String, String)> =
        sqlx::query_as("select field, sort_order from dropdown_sort")
            .fetch_all(&db.views)
            .await?;
    Ok(DropdownField::ALL
        .into_iter()
        .map(|field| {
            let order = stored
                .iter()
                .find(|(f, _)| f == field.as_str())
                .and_then(|(_, o)| o.parse().ok())
                .unwrap_or_default();
            (field, order)
        })
        .collect())
}
