//! `/api/products`: create, read, list, edit, and each product's history.

pub(crate) mod body;
pub(crate) mod create;
pub(crate) mod history;
pub(crate) mod lifecycle;
pub(crate) mod media;
pub(crate) mod read;
pub(crate) mod readiness;
mod representation;
pub(crate) mod sales;
pub(crate) mod update;

pub(crate) use create::create;
pub(crate) use history::history;
pub(crate) use readiness::readiness;
pub(crate) use update::update;
