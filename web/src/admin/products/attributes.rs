//! Each platform's own listing fields on the product page: one fieldset per
//! platform inside its publish form, read back into the same
//! [`PlatformAttributes`] the API accepts (`PlatformAttributes::from_json`),
//! so the two front doors check them alike.

use std::collections::HashMap;

use maud::{html, Markup};
use riff_domain::listing::PlatformAttributes;
use riff_domain::value::Platform;
use serde_json::{Map, Value};

/// How a field's text becomes its JSON value.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    /// A whole number.
    Number,
    /// Comma-separated, a list of text.
    List,
    /// One `Name: value` pair a line.
    Pairs,
}

/// A listing's own price, on every platform (`listing::price`).
const OWN_PRICE: (&str, &str, Kind) = (
    "price",
    "Own price (blank: the product's, moved by the platform's price rule)",
    Kind::Text,
);

/// The fields of each platform's attributes (`domain/src/listing/attributes`).
fn fields(platform: Platform) -> &'static [(&'static str, &'static str, Kind)] {
    match platform {
        Platform::Ebay => &[
            OWN_PRICE,
            ("category_id", "Category id (e.g. 33034)", Kind::Text),
            (
                "condition_id",
                "Condition id (1000 new, 3000 used…)",
                Kind::Number,
            ),
            (
                "item_specifics",
                "Item specifics, one “Name: value” a line",
                Kind::Pairs,
            ),
            ("shipping_profile_id", "Shipping policy id", Kind::Text),
            ("return_profile_id", "Return policy id", Kind::Text),
            ("payment_profile_id", "Payment policy id", Kind::Text),
        ],
        Platform::Reverb => &[
            OWN_PRICE,
            ("make", "Make (default: the brand)", Kind::Text),
            ("model", "Model (default: the model)", Kind::Text),
            ("condition_uuid", "Condition UUID", Kind::Text),
            ("categories", "Category UUIDs, comma-separated", Kind::List),
            ("shipping_profile_id", "Shipping profile id", Kind::Text),
        ],
        Platform::Shopify => &[
            OWN_PRICE,
            ("product_type", "Product type", Kind::Text),
            ("vendor", "Vendor (default: the brand)", Kind::Text),
            ("tags", "Tags, comma-separated", Kind::List),
            ("status", "Status (ACTIVE or DRAFT)", Kind::Text),
            ("location_id", "Location GID", Kind::Text),
            ("seo_title", "SEO title (default: the title)", Kind::Text),
            (
                "seo_description",
                "SEO description (default: the description's start)",
                Kind::Text,
            ),
        ],
        Platform::Vr => &[
            OWN_PRICE,
            ("category", "Category", Kind::Text),
            ("sub_category", "Sub-category", Kind::Text),
            ("brand", "Brand (default: the brand)", Kind::Text),
        ],
    }
}

/// The platform's fieldset, empty, for its publish form.
pub(super) fn fieldset(platform: Platform) -> Markup {
    html! {
        details {
            summary { (platform.display_name()) " attributes (optional)" }
            fieldset {
                legend { (platform.display_name()) }
                @for (name, label, kind) in fields(platform) {
                    @let id = format!("{}-{name}", platform.as_str());
                    div.field {
                        label for=(id) { (label) }
                        @if matches!(kind, Kind::Pairs) {
                            textarea id=(id) name=(name) rows="3" {}
                        } @else {
                            input id=(id) name=(name);
                        }
                    }
                }
            }
        }
    }
}

/// Reads a publish form's fields into the platform's attributes; blank
/// fields are left to the adapter's defaults.
///
/// # Errors
/// A field the platform refuses, saying which.
pub(super) fn from_form(
    platform: Platform,
    form: &HashMap<String, String>,
) -> Result<PlatformAttributes, String> {
    let mut object = Map::new();
    for (name, _, kind) in fields(platform) {
        let Some(raw) = form.get(*name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            continue;
        };
        let value = match kind {
            Kind::Text => Value::from(raw),
            Kind::Number => Value::from(
                raw.parse::<u32>()
                    .map_err(|_| format!("{name} must be a whole number"))?,
            ),
            Kind::List => Value::from(
                raw.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>(),
            ),
            Kind::Pairs => {
                let mut pairs = vec![];
                for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let (key, value) = line
                        .split_once(':')
                        .ok_or_else(|| format!("{name}: write “Name: value” on each line"))?;
                    pairs.push(Value::from(vec![key.trim(), value.trim()]));
                }
                Value::from(pairs)
            }
        };
        object.insert((*name).to_owned(), value);
    }
    PlatformAttributes::from_json(platform, Value::Object(object))
}

#[cfg(test)]
mod tests {
    use riff_domain::listing::attributes::{EbayAttributes, ShopifyAttributes};

    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_platform_s_fields_become_its_attributes() {
        let ebay = from_form(
            Platform::Ebay,
            &form(&[
                ("platform", "ebay"),
                ("csrf_token", "x"),
                ("category_id", " 33034 "),
                ("condition_id", "3000"),
                ("item_specifics", "Brand: Gibson\n\nBody Colour: Sunburst"),
                ("shipping_profile_id", ""),
            ]),
        )
        .unwrap();
        assert_eq!(
            ebay,
            PlatformAttributes::Ebay(EbayAttributes {
                category_id: Some("33034".into()),
                condition_id: Some(3000),
                item_specifics: vec![
                    ("Brand".into(), "Gibson".into()),
                    ("Body Colour".into(), "Sunburst".into())
                ],
                ..EbayAttributes::default()
            })
        );
        let shopify =
            from_form(Platform::Shopify, &form(&[("tags", "vintage, , gibson")])).unwrap();
        assert_eq!(
            shopify,
            PlatformAttributes::Shopify(ShopifyAttributes {
                tags: vec!["vintage".into(), "gibson".into()],
                ..ShopifyAttributes::default()
            })
        );
    }

    #[test]
    fn nothing_typed_is_the_platform_s_empty_attributes() {
        for platform in Platform::ALL {
            assert_eq!(
                from_form(platform, &HashMap::new()).unwrap(),
                PlatformAttributes::empty(platform)
            );
        }
    }

    #[test]
    fn a_bad_field_is_named() {
        let error = from_form(Platform::Ebay, &form(&[("condition_id", "used")])).unwrap_err();
        assert!(error.contains("condition_id"), "{error}");
        let error =
            from_form(Platform::Ebay, &form(&[("item_specifics", "Brand Gibson")])).unwrap_err();
        assert!(error.contains("item_specifics"), "{error}");
    }
}
