//! A product's fields as typed in a form, checked into a new product or
//! a revision.

use riff_domain::product::Revision;
use riff_domain::value::{Currency, InvalidValue, Money, ProductDetails, ProductDetailsInput, Sku};
use riff_projections::view::inventory;
use serde::Deserialize;

use super::products::{NewProduct, MAX_QUANTITY};

/// A product's fields as typed in a form: all text, so that a form that is
/// refused can be shown again exactly as the user left it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProductInput {
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub brand: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub finish: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub quantity: String,
    /// A new product's "Save as draft" box: `Some` when ticked.
    #[serde(default)]
    pub save_as_draft: Option<String>,
}

/// Every field that was refused, by name, with what to type instead.
pub type FieldErrors = Vec<(String, String)>;

fn blank_is_none(raw: &str) -> Option<String> {
    Some(raw.to_owned()).filter(|s| !s.trim().is_empty())
}

impl ProductInput {
    /// The input of an existing product, for its edit form.
    pub fn of(item: &inventory::InventoryItem) -> Self {
        Self {
            sku: item.sku.clone(),
            title: item.title.clone(),
            brand: item.brand.clone(),
            model: item.model.clone(),
            year: item.year.map(|y| y.to_string()).unwrap_or_default(),
            finish: item.finish.clone().unwrap_or_default(),
            category: item.category.clone(),
            condition: item.condition.clone(),
            description: item.description.clone().unwrap_or_default(),
            price: item.price.clone(),
            quantity: item.quantity.to_string(),
            save_as_draft: None,
        }
    }

    fn details(&self) -> Result<ProductDetails, InvalidValue> {
        ProductDetails::parse(ProductDetailsInput {
            title: self.title.clone(),
            brand: self.brand.clone(),
            model: self.model.clone(),
            year: blank_is_none(&self.year),
            finish: blank_is_none(&self.finish),
            category: self.category.clone(),
            condition: self.condition.clone(),
            description: blank_is_none(&self.description),
        })
    }

    fn quantity(&self) -> Result<u32, InvalidValue> {
        let raw = self.quantity.trim();
        if raw.is_empty() {
            return Ok(1);
        }
        match raw.parse::<u32>() {
            Ok(q) if q <= MAX_QUANTITY => Ok(q),
            _ => Err(InvalidValue {
                field: "quantity",
                message: format!("must be a whole number from 0 to {MAX_QUANTITY}"),
            }),
        }
    }

    /// The product to create, or every field that is wrong (each part is
    /// checked, so the user sees all of them at once).
    ///
    /// # Errors
    /// The refused fields.
    pub fn to_new(&self, currency: Currency) -> Result<NewProduct, FieldErrors> {
        let sku = blank_is_none(&self.sku).map(|s| Sku::parse(&s)).transpose();
        let details = self.details();
        let price = Money::parse_price(&self.price, currency);
        let quantity = self.quantity();
        match (sku, details, price, quantity) {
            (Ok(sku), Ok(details), Ok(price), Ok(quantity)) => Ok(NewProduct {
                sku,
                details,
                price,
                quantity,
                draft: self.save_as_draft.is_some(),
            }),
            (sku, details, price, quantity) => Err(collect([
                sku.err(),
                details.err(),
                price.err(),
                quantity.err(),
            ])),
        }
    }

    /// A revision of every editable field, checked against `version` (the
    /// one the form was made from).
    ///
    /// # Errors
    /// The refused fields.
    pub fn to_revision(&self, currency: Currency, version: u64) -> Result<Revision, FieldErrors> {
        let details = self.details();
        let price = Money::parse_price(&self.price, currency);
        let quantity = self.quantity();
        match (details, price, quantity) {
            (Ok(details), Ok(price), Ok(quantity)) => Ok(Revision {
                details: Some(details),
                price: Some(price),
                quantity: Some(quantity),
                expected_version: Some(version),
            }),
            (details, price, quantity) => {
                Err(collect([None, details.err(), price.err(), quantity.err()]))
            }
        }
    }
}

fn collect<const N: usize>(errors: [Option<InvalidValue>; N]) -> FieldErrors {
    errors
        .into_iter()
        .flatten()
        .map(|e| (e.field.to_owned(), e.message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> ProductInput {
        ProductInput {
            title: "Fender Telecaster".into(),
            brand: "Fender".into(),
            model: "Telecaster".into(),
            year: "1972".into(),
            category: "Electric Guitars".into(),
            condition: "good".into(),
            price: "899.50".into(),
            ..ProductInput::default()
        }
    }

    #[test]
    fn a_typed_product_is_checked_into_a_new_one() {
        let new = typed().to_new(Currency::GBP).unwrap();
        assert_eq!(new.sku, None, "a blank SKU is numbered by Riff");
        assert_eq!(new.quantity, 1, "a blank quantity is one");
        assert_eq!(new.price.to_string(), "899.50 GBP");
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let input = ProductInput {
            title: " ".into(),
            price: "cheap".into(),
            quantity: "-1".into(),
            ..typed()
        };
        let fields: Vec<String> = input
            .to_new(Currency::GBP)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, ["title", "price", "quantity"]);
        let revision = input.to_revision(Currency::GBP, 3).unwrap_err();
        assert_eq!(revision.len(), 3);
    }

    #[test]
    fn a_revision_carries_the_version_it_was_made_from() {
        let revision = typed().to_revision(Currency::GBP, 7).unwrap();
        assert_eq!(revision.expected_version, Some(7));
        assert_eq!(revision.quantity, Some(1));
    }
}
