//! What each platform needs to accept a listing, filled in from the
//! product where the owner gave nothing: the category as the shop's
//! category map places it ([`super::category_map`]), the condition mapped
//! onto each platform's scale, and the item specifics a category requires.
//!
//! The ids are the platforms' real published ones; `docs/listing-ids.md`
//! gives the source of each. eBay's own `VerifyAddFixedPriceItem` stays
//! the final judge of a category. Attributes given per listing always win
//! over these defaults.

use super::attributes::{EbayAttributes, ReverbAttributes, ShopifyAttributes, VrAttributes};
use super::category_map::{CategoryMap, CategoryMapping};
use super::PlatformAttributes;
use crate::value::{Condition, ProductDetails};

/// eBay's `ConditionID` for a condition, in the "used"-style instrument
/// categories (guitars, basses, amplifiers), which allow 1000 New, 1500
/// New other, 3000 Used and 7000 For parts or not working.
pub fn ebay_condition_id(condition: Condition) -> u32 {
    match condition {
        Condition::New => 1000,
        Condition::BStock => 1500,
        Condition::Mint
        | Condition::Excellent
        | Condition::VeryGood
        | Condition::Good
        | Condition::Fair
        | Condition::Poor => 3000,
        Condition::NonFunctioning => 7000,
    }
}

/// The condition as shoppers read it, for Shopify's tags and V&R's
/// description, which have no condition field.
pub fn condition_wording(condition: Condition) -> &'static str {
    match condition {
        Condition::New => "Brand New",
        Condition::BStock => "B-Stock",
        Condition::Mint => "Mint",
        Condition::Excellent => "Excellent",
        Condition::VeryGood => "Very Good",
        Condition::Good => "Good",
        Condition::Fair => "Fair",
        Condition::Poor => "Poor",
        Condition::NonFunctioning => "Non Functioning",
    }
}

/// `attributes` with what the owner left out filled in from the product
/// and the shop's category map. Nothing given is replaced.
pub fn complete(
    attributes: PlatformAttributes,
    details: &ProductDetails,
    map: &CategoryMap,
) -> PlatformAttributes {
    let mapping = map.mapping_for(&details.category);
    match attributes {
        PlatformAttributes::Ebay(a) => PlatformAttributes::Ebay(ebay(a, details, mapping)),
        PlatformAttributes::Reverb(a) => PlatformAttributes::Reverb(ReverbAttributes {
            categories: if a.categories.is_empty() {
                mapping
                    .and_then(|m| m.reverb_category.clone())
                    .into_iter()
                    .collect()
            } else {
                a.categories
            },
            ..a
        }),
        PlatformAttributes::Vr(a) => {
            let vr = mapping.and_then(|m| m.vr.as_ref());
            PlatformAttributes::Vr(VrAttributes {
                category: a.category.or_else(|| vr.map(|v| v.category.clone())),
                sub_category: a
                    .sub_category
                    .or_else(|| vr.map(|v| v.sub_category.clone())),
                ..a
            })
        }
        PlatformAttributes::Shopify(a) => PlatformAttributes::Shopify(shopify(a, details, mapping)),
    }
}

fn ebay(
    a: EbayAttributes,
    details: &ProductDetails,
    mapping: Option<&CategoryMapping>,
) -> EbayAttributes {
    let mut item_specifics = a.item_specifics;
    // Only for the category the map chose: another category's required
    // specifics are the owner's to give.
    if a.category_id.is_none() {
        for (name, value) in mapping.map_or(&[][..], |m| &m.ebay_item_specifics) {
            if !item_specifics
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                item_specifics.push((name.clone(), value.clone()));
            }
        }
    }
    EbayAttributes {
        category_id: a
            .category_id
            .or_else(|| mapping.and_then(|m| m.ebay_category_id.clone())),
        condition_id: a
            .condition_id
            .or(Some(ebay_condition_id(details.condition))),
        item_specifics,
        ..a
    }
}

fn shopify(
    a: ShopifyAttributes,
    details: &ProductDetails,
    mapping: Option<&CategoryMapping>,
) -> ShopifyAttributes {
    let mut tags = a.tags;
    // The map's name for the category, so that "Pedals" and "Effects
    // Pedals" are one tag.
    let category = mapping.map_or(details.category.as_str(), |m| m.category.as_str());
    for tag in [
        details.brand.as_str(),
        category,
        condition_wording(details.condition),
    ] {
        if !tag.trim().is_empty() && !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_owned());
        }
    }
    ShopifyAttributes {
        product_type: a.product_type.or_else(|| {
            Some(
                mapping
                    .and_then(|m| m.shopify_product_type.as_deref())
                    .unwrap_or(category)
                    .to_owned(),
            )
        }),
        tags,
        ..a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use crate::listing::category_map::{CategoryEdit, CategoryEditInput};
    use crate::value::Platform;

    fn details(category: &str, condition: &str) -> ProductDetails {
        fixture::details(
            ("Boss DS-1 Distortion", "Boss", "DS-1"),
            category,
            condition,
        )
    }

    #[test]
    fn an_ebay_listing_gets_the_mapped_leaf_the_condition_and_the_required_specifics() {
        let PlatformAttributes::Ebay(a) = complete(
            PlatformAttributes::empty(Platform::Ebay),
            &details("Effects Pedals", "excellent"),
            &CategoryMap::default(),
        ) else {
            unreachable!()
        };
        assert_eq!(a.category_id.as_deref(), Some("41416"));
        assert_eq!(a.condition_id, Some(3000));
        assert_eq!(
            a.item_specifics,
            vec![("Type".to_owned(), "Overdrive".to_owned())]
        );
    }

    #[test]
    fn what_the_owner_gave_wins() {
        let given = PlatformAttributes::Ebay(EbayAttributes {
            category_id: Some("41418".into()),
            condition_id: Some(1000),
            item_specifics: vec![("Type".into(), "Fuzz".into())],
            ..EbayAttributes::default()
        });
        let vr = PlatformAttributes::Vr(VrAttributes {
            category: Some("90".into()),
            sub_category: Some("93".into()),
            ..VrAttributes::default()
        });
        for (given, condition) in [(given, "excellent"), (vr, "good")] {
            let details = details("Effects Pedals", condition);
            let completed = complete(given.clone(), &details, &CategoryMap::default());
            assert_eq!(completed, given, "{condition}");
        }
    }

    #[test]
    fn every_platform_gets_the_mapped_category() {
        let d = details("Guitar Amplifiers", "very-good");
        let map = CategoryMap::default();
        let PlatformAttributes::Reverb(r) =
            complete(PlatformAttributes::empty(Platform::Reverb), &d, &map)
        else {
            unreachable!()
        };
        assert_eq!(r.categories, ["10335451-31e5-418a-8ed8-f48cd738f17d"]);
        let PlatformAttributes::Vr(v) = complete(PlatformAttributes::empty(Platform::Vr), &d, &map)
        else {
            unreachable!()
        };
        assert_eq!(
            (v.category.as_deref(), v.sub_category.as_deref()),
            (Some("53"), Some("183"))
        );
        let PlatformAttributes::Shopify(s) =
            complete(PlatformAttributes::empty(Platform::Shopify), &d, &map)
        else {
            unreachable!()
        };
        assert_eq!(s.product_type.as_deref(), Some("Guitar Amplifiers"));
        assert_eq!(s.tags, ["Boss", "Guitar Amplifiers", "Very Good"]);
    }

    #[test]
    fn a_listing_gets_what_the_owner_mapped_in_settings() {
        let edit = CategoryEdit::parse(CategoryEditInput {
            category: "Effects Pedals".into(),
            ebay: Some("41418".into()),
            ebay_item_specifics: Some(vec![("Type".into(), "Fuzz".into())]),
            ..CategoryEditInput::default()
        })
        .unwrap();
        let map = CategoryMap::with_edits([&edit]);
        let PlatformAttributes::Ebay(a) = complete(
            PlatformAttributes::empty(Platform::Ebay),
            &details("Pedals", "excellent"),
            &map,
        ) else {
            unreachable!()
        };
        assert_eq!(a.category_id.as_deref(), Some("41418"));
        assert_eq!(a.item_specifics, [("Type".to_owned(), "Fuzz".to_owned())]);
    }

    #[test]
    fn conditions_map_onto_the_ebay_ids_instrument_categories_allow() {
        let allowed = [1000, 1500, 3000, 7000];
        for condition in Condition::ALL {
            assert!(
                allowed.contains(&ebay_condition_id(condition)),
                "{condition:?}"
            );
        }
        assert_eq!(ebay_condition_id(Condition::New), 1000);
        assert_eq!(ebay_condition_id(Condition::NonFunctioning), 7000);
    }
}
