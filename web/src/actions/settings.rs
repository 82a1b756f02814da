//! The shop's settings both doors edit: the category map and the price
//! rules.

use riff_domain::listing::category_map::{CategoryEdit, CategoryEditInput, CategoryMap};
use riff_domain::listing::price::PricePercent;
use riff_domain::value::Platform;
use riff_domain::{EventMetadata, Settings, SettingsCommand};

use crate::error::ApiError;
use crate::state::AppState;

/// Changes one entry of the shop's category map, or adds one, as typed;
/// answers the map now in force. What changes nothing appends nothing.
///
/// # Errors
/// `422` a field that is not acceptable (nothing is appended); the store
/// failed.
pub async fn map_category(
    state: &AppState,
    input: CategoryEditInput,
    meta: &EventMetadata,
) -> Result<CategoryMap, ApiError> {
    let edit = CategoryEdit::parse(input)?;
    state
        .ledger
        .settings(SettingsCommand::MapCategory(edit), meta)
        .await?;
    Ok(state.ledger.load_settings().await?.category_map())
}

/// Sets `platform`'s price rule to `percent` as typed (`"5"`, `"-10"`,
/// `"7.5"`; `"0"` removes it); answers the shop's settings. The sagas then
/// move the platform's live listings that follow the product
/// (`listing::price`). What changes nothing appends nothing.
///
/// # Errors
/// `422` a percentage that is not acceptable (nothing is appended); the
/// store failed.
pub async fn set_price_rule(
    state: &AppState,
    platform: Platform,
    percent: &str,
    meta: &EventMetadata,
) -> Result<Settings, ApiError> {
    let percent = PricePercent::parse(percent)?;
    state
        .ledger
        .settings(SettingsCommand::SetPriceRule { platform, percent }, meta)
        .await?;
    Ok(state.ledger.load_settings().await?)
}
