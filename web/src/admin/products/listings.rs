//! The product page's small forms: publish (with the platform's own
//! attributes), end, retry, and a sale at the counter. Each answers with a
//! redirect back to the product and a notice of what happened.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use riff_domain::listing::EndReason;
use riff_domain::policy::Sale;
use riff_domain::value::{Money, Platform, SaleChannel};
use riff_projections::view::listing_index;
use serde::Deserialize;
use uuid::Uuid;

use super::{attributes, outcome};
use crate::actions::{self, SaleRecorded};
use crate::admin::form::CsrfForm;
use crate::admin::session::Session;
use crate::admin::Failure;
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /products/{sku}/publish` `platform` and its attributes.
pub(crate) async fn publish(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, Failure> {
    let result = async {
        let platform: Platform = form
            .get("platform")
            .map(String::as_str)
            .unwrap_or_default()
            .parse()?;
        let attributes = attributes::from_form(platform, &form)
            .map_err(|message| ApiError::invalid("attributes", message))?;
        actions::request_listing(&state, &sku, platform, attributes, &session.metadata()).await?;
        Ok(format!(
            "Publishing on {}: the listing shows live once {} confirms it.",
            platform.display_name(),
            platform.display_name()
        ))
    }
    .await;
    outcome(&format!("/products/{sku}"), result)
}

#[derive(Deserialize)]
pub(crate) struct ListingForm {
    #[serde(default)]
    listing_id: String,
}

/// `POST /products/{sku}/end` `listing_id`: one of this product's listings.
pub(crate) async fn end(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<ListingForm>,
) -> Result<Response, Failure> {
    on_listing(&state, &session, &sku, &form, ListingAction::End).await
}

/// `POST /products/{sku}/revise` `listing_id`: Retry after a revision the
/// platform refused.
pub(crate) async fn revise(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<ListingForm>,
) -> Result<Response, Failure> {
    on_listing(&state, &session, &sku, &form, ListingAction::Revise).await
}

/// What a listing's own button on the product page asks for.
#[derive(Clone, Copy)]
enum ListingAction {
    End,
    Revise,
}

/// Does `action` to the listing the form names, once it is found to be
/// one of this product's, and goes back to the product saying so.
async fn on_listing(
    state: &AppState,
    session: &Session,
    sku: &str,
    form: &ListingForm,
    action: ListingAction,
) -> Result<Response, Failure> {
    let result = async {
        let listing = own_listing(state, sku, &form.listing_id).await?;
        let platform = listing.platform.display_name();
        match action {
            ListingAction::End => {
                actions::end_listing(
                    state,
                    listing.listing_id,
                    EndReason::Manual,
                    &session.metadata(),
                )
                .await?;
                Ok(format!("Ending the {platform} listing."))
            }
            ListingAction::Revise => {
                actions::revise_listing(state, listing.listing_id, &session.metadata()).await?;
                Ok(format!("Sending the {platform} listing the product again."))
            }
        }
    }
    .await;
    outcome(&format!("/products/{sku}"), result)
}

/// The listing a form names, if it is one of this product's.
async fn own_listing(
    state: &AppState,
    sku: &str,
    listing_id: &str,
) -> Result<listing_index::IndexedListing, ApiError> {
    let unknown =
        || ApiError::NotFound("that listing is not one of this product's; reload the page".into());
    let id = Uuid::parse_str(listing_id.trim()).map_err(|_| unknown())?;
    listing_index::get(&state.db, id)
        .await?
        .filter(|listing| listing.sku.as_ref().is_some_and(|own| own.as_str() == sku))
        .ok_or_else(unknown)
}

#[derive(Deserialize)]
pub(crate) struct SaleForm {
    #[serde(default)]
    order_ref: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    sold_at: String,
    #[serde(default)]
    quantity: String,
}

/// `POST /products/{sku}/sale`: a sale in the shop, the same command as
/// `POST /api/products/{sku}/sales` with channel `shop`.
pub(crate) async fn sale(
    State(state): State<AppState>,
    session: Session,
    Path(sku): Path<String>,
    CsrfForm(form): CsrfForm<SaleForm>,
) -> Result<Response, Failure> {
    let result = async {
        let order_ref = form.order_ref.trim();
        if order_ref.is_empty() {
            return Err(ApiError::invalid(
                "order ref",
                "is required (the till receipt number)",
            ));
        }
        let price = Money::parse_price(&form.price, state.currency)?;
        let sold_at = match form.sold_at.trim() {
            "" => Utc::now(),
            raw => parse_time(raw, state.zone).ok_or_else(|| {
                ApiError::invalid(
                    "sold at",
                    format!(
                        "must be a date and time such as 2026-11-25T10:30 ({})",
                        state.zone
                    ),
                )
            })?,
        };
        let quantity = match form.quantity.trim() {
            "" => 1,
            raw => raw
                .parse::<u32>()
                .ok()
                .filter(|q| (1..=actions::MAX_QUANTITY).contains(q))
                .ok_or_else(|| {
                    ApiError::invalid("quantity", "must be a whole number, 1 or more")
                })?,
        };
        let sale = Sale {
            channel: SaleChannel::Shop,
            order_ref: order_ref.to_owned(),
            order_number: None,
            sold_at,
            price,
            quantity,
            listing: None,
        };
        let product = actions::sku_in_path(&sku)?;
        Ok(
            match actions::record_sale(&state, &product, sale, &session.metadata()).await? {
                SaleRecorded::Sold => {
                    format!("Sale {order_ref} recorded; the other listings are being ended.")
                }
                SaleRecorded::Conflict => format!(
                "Sale {order_ref} recorded as a conflict: the item had already sold. See the flags."
            ),
                SaleRecorded::AlreadyRecorded => format!("Sale {order_ref} was already recorded."),
            },
        )
    }
    .await;
    outcome(&format!("/products/{sku}"), result)
}

/// A moment as a form gives it: RFC 3339, or a browser's
/// `datetime-local` value (`2026-11-25T10:30`, seconds optional), read in
/// the shop's time zone, as the owner reads the clock. A time the clocks
/// skip (the spring change) is not one; a time they pass twice (autumn) is
/// its first occurrence.
pub(super) fn parse_time(raw: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
    .and_then(|t| zone.from_local_datetime(&t).earliest())
    .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use chrono_tz::Europe::London;

    use super::*;

    #[test]
    fn a_form_s_time_is_read_on_the_shop_s_clock() {
        // November: London is on UTC.
        let winter = Utc.with_ymd_and_hms(2026, 11, 25, 10, 30, 0).unwrap();
        for raw in [
            "2026-11-25T10:30",
            "2026-11-25T10:30:00",
            " 2026-11-25 10:30 ",
            "2026-11-25T10:30:00Z",
            "2026-11-25T11:30:00+01:00",
        ] {
            assert_eq!(parse_time(raw, London), Some(winter), "{raw}");
        }
        // July: 10:30 on a London clock is 09:30 UTC.
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 9, 30, 0).unwrap();
        assert_eq!(parse_time("2026-07-01T10:30", London), Some(summer));
        // 01:30 on 29 March 2026 never happened in London; 01:30 on 25
        // October happened twice, and the first is meant.
        assert_eq!(parse_time("2026-03-29T01:30", London), None);
        assert_eq!(
            parse_time("2026-10-25T01:30", London),
            Some(Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap())
        );
        assert_eq!(parse_time("yesterday", London), None);
        assert_eq!(parse_time("2026-13-01T10:00", London), None);
    }
}
