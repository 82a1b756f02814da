//! `/api/products`: create, read, list, edit, and each product's history.

mod body;
mod create;
mod history;
mod lifecycle;
pub(crate) mod media;
mod read;
mod readiness;
mod representation;
mod sales;
mod update;

pub(crate) use create::create;
pub(crate) use history::history;
pub(crate) use lifecycle::{activate, archive, restore};
pub(crate) use read::{get, list, ListParams};
pub(crate) use readiness::readiness;
pub(crate) use sales::record_sale;
pub(crate) use update::update;
