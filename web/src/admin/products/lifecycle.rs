//! The product page's life-cycle buttons: archive (every live listing is
//! ended), restore (back in the catalogue, listed nowhere) and activate (a
//! draft made ready for sale, at an optional price). The same commands as
//! `POST /api/products/{sku}/archive|restore|activate`.

use axum::extract::{Path, State};
use axum::response::Response;
use riff_domain::value::Money;
use riff_domain::ProductCommand;
use serde::Deserialize;

use super::outcome;
use crate::actions;
use crate::admin::form::CsrfForm;
use crate::admin::session::Session;
use crate::admin::Failure;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub(crate) struct LifecycleForm {
    /// `archive`, `restore` or `activate`.
    action: String,
    /// For `activate`: the price in the shop's currency; blank keeps the
    /// draft's own.
    #[serde(default)]
    price: String,
}

/// `POST /products/{sku}/lifecycle`.
pub(crate) async fn change(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<LifecycleForm>,
) -> Result<Response, Failure> {
    let result = async {
        let (command, done) = match form.action.as_str() {
            "archive" => (
                ProductCommand::Archive { reason: None },
                "Archived; its live listings are being ended.",
            ),
            "restore" => (
                ProductCommand::Restore,
                "Restored: active again, listed nowhere until you publish it.",
            ),
            "activate" => {
                let price = match form.price.trim() {
                    "" => None,
                    raw => Some(Money::parse_price(raw, state.currency)?),
                };
                (
                    ProductCommand::Activate { price },
                    "Activated: it can be listed now.",
                )
            }
            other => {
                return Err(ApiError::invalid(
                    "action",
                    format!("{other:?} is not archive, restore or activate"),
                ))
            }
        };
        let sku = actions::sku_in_path(&sku)?;
        let meta = session.metadata();
        actions::change_product(&state, &sku, command, &meta).await?;
        Ok(done.to_owned())
    }
    .await;
    outcome(&format!("/products/{sku}"), result)
}
