//! Commands that both the JSON API and the admin pages give, written once:
//! the two front doors must not disagree about what is allowed. One file
//! per thing they act on.

mod flags;
mod input;
mod listings;
mod products;
mod sales;
mod settings;

pub use flags::{find_flag, resolve_flag};
pub use input::{FieldErrors, ProductInput};
pub use listings::{end_listing, import_listing, link_listing, request_listing, revise_listing};
pub use products::{change_product, create_product, sku_in_path, NewProduct, MAX_QUANTITY};
pub use sales::{record_sale, SaleRecorded};
pub use settings::{map_category, set_price_rule};
