//! What a product is: the descriptive fields a shop owner types once and
//! every marketplace shows.

use serde::{Deserialize, Serialize};

use super::{text, Condition, InvalidValue};

/// The descriptive details of a product, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetails {
    pub title: String,
    pub brand: String,
    pub model: String,
    pub year: Option<u16>,
    pub finish: Option<String>,
    pub category: String,
    pub condition: Condition,
    pub description: Option<String>,
}

/// The details as typed, before they are checked. Every field is text so
/// that a form can show back exactly what the user entered next to the error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductDetailsInput {
    pub title: String,
    pub brand: String,
    pub model: String,
    pub year: Option<String>,
    pub finish: Option<String>,
    pub category: String,
    pub condition: String,
    pub description: Option<String>,
}

impl ProductDetailsInput {
    /// The details' fields, by the names a product's JSON body and the
    /// product form give them.
    pub const FIELDS: [&'static str; 8] = [
        "title",
        "brand",
        "model",
        "year",
        "finish",
        "category",
        "condition",
        "description",
    ];

    /// Sets the field named `name` (one of [`Self::FIELDS`]) to `value`;
    /// `None` clears it, which a required field's check then refuses.
    /// `false` for a name that is not a detail.
    pub fn set(&mut self, name: &str, value: Option<String>) -> bool {
        let required = |value: Option<String>| value.unwrap_or_default();
        match name {
            "title" => self.title = required(value),
            "brand" => self.brand = required(value),
            "model" => self.model = required(value),
            "category" => self.category = required(value),
            "condition" => self.condition = required(value),
            "year" => self.year = value,
            "finish" => self.finish = value,
            "description" => self.description = value,
            _ => return false,
        }
        true
    }
}

/// eBay's title limit is the tightest of the four marketplaces.
const MAX_TITLE: usize = 80;
const MAX_DESCRIPTION: usize = 50_000;

impl ProductDetails {
    /// Checks typed details.
    ///
    /// # Errors
    /// The first field that is missing, too long or not understood.
    pub fn parse(input: ProductDetailsInput) -> Result<Self, InvalidValue> {
        Ok(Self {
            title: required("title", &input.title, MAX_TITLE)?,
            brand: required("brand", &input.brand, text::MAX_NAME)?,
            model: required("model", &input.model, text::MAX_NAME)?,
            year: input.year.as_deref().map(parse_year).transpose()?.flatten(),
            finish: optional("finish", input.finish.as_deref(), text::MAX_NAME)?,
            category: required("category", &input.category, text::MAX_NAME)?,
            condition: input.condition.parse()?,
            description: input
                .description
                .as_deref()
                .map(|d| text::paragraph("description", d, MAX_DESCRIPTION))
                .transpose()?
                .flatten(),
        })
    }

    /// The details as input again, for a form that edits them.
    pub fn to_input(&self) -> ProductDetailsInput {
        ProductDetailsInput {
            title: self.title.clone(),
            brand: self.brand.clone(),
            model: self.model.clone(),
            year: self.year.map(|y| y.to_string()),
            finish: self.finish.clone(),
            category: self.category.clone(),
            condition: self.condition.as_str().to_owned(),
            description: self.description.clone(),
        }
    }
}

fn required(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidValue> {
    text::line(field, raw, max)
}

fn optional(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, InvalidValue> {
    text::optional_line(field, raw, max)
}

/// The oldest instruments a dealer sells are nineteenth-century; a year
/// outside 1800..=2100 is a typo.
fn parse_year(raw: &str) -> Result<Option<u16>, InvalidValue> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u16>() {
        Ok(y) if (1800..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(InvalidValue::new(
            "year",
            format!("{raw:?} is not a year between 1800 and 2100"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_field_can_be_set_and_a_cleared_required_one_is_refused() {
        let mut input = ProductDetailsInput::default();
        for field in ProductDetailsInput::FIELDS {
            assert!(input.set(field, Some("1962".into())), "{field}");
        }
        assert_eq!(
            (input.title.as_str(), input.year.as_deref()),
            ("1962", Some("1962"))
        );
        assert!(!input.set("price", Some("1".into())));
        input.set("title", None);
        assert!(ProductDetails::parse(input).is_err());
    }

    fn input() -> ProductDetailsInput {
        ProductDetailsInput {
            title: "Gibson Les Paul Standard".into(),
            brand: "Gibson".into(),
            model: "Les Paul Standard".into(),
            year: Some("1959".into()),
            finish: Some("Sunburst".into()),
            category: "Electric Guitars".into(),
            condition: "excellent".into(),
            description: None,
        }
    }

    #[test]
    fn complete_details_parse() {
        let d = ProductDetails::parse(input()).unwrap();
        assert_eq!(d.year, Some(1959));
        assert_eq!(d.condition, Condition::Excellent);
    }

    #[test]
    fn a_blank_title_is_refused_by_name() {
        let err = ProductDetails::parse(ProductDetailsInput {
            title: "   ".into(),
            ..input()
        })
        .unwrap_err();
        assert_eq!(err.field, "title");
    }

    #[test]
    fn a_title_of_zero_width_spaces_is_blank() {
        let err = ProductDetails::parse(ProductDetailsInput {
            title: "\u{200B}\u{200B}\u{FEFF}".into(),
            ..input()
        })
        .unwrap_err();
        assert_eq!((err.field, err.message.as_str()), ("title", "is required"));
    }

    #[test]
    fn a_title_longer_than_ebay_allows_is_refused() {
        let err = ProductDetails::parse(ProductDetailsInput {
            title: "x".repeat(81),
            ..input()
        })
        .unwrap_err();
        assert_eq!(err.field, "title");
    }

    #[test]
    fn a_silly_year_is_refused_and_a_blank_one_is_none() {
        let err = ProductDetails::parse(ProductDetailsInput {
            year: Some("59".into()),
            ..input()
        })
        .unwrap_err();
        assert_eq!(err.field, "year");
        let d = ProductDetails::parse(ProductDetailsInput {
            year: Some(" ".into()),
            ..input()
        })
        .unwrap();
        assert_eq!(d.year, None);
    }

    #[test]
    fn details_round_trip_through_their_input() {
        let d = ProductDetails::parse(input()).unwrap();
        assert_eq!(ProductDetails::parse(d.to_input()).unwrap(), d);
    }
}
