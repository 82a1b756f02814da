//! `/api/products`: create, read, list, edit, and each product's history.

mod body;
mod create;
mod history;
mod read;
mod representation;
mod update;

pub(crate) use create::create;
pub(crate) use history::history;
pub(crate) use read::{get, list};
pub(crate) use update::update;
