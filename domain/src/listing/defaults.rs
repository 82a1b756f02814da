//! What each platform needs to accept a listing, filled in from the
//! product where the owner gave nothing: the category mapped once for each
//! of Riff's categories, the condition mapped onto each platform's scale,
//! and the item specifics a category requires.
//!
//! The ids are the platforms' real published ones; `docs/listing-ids.md`
//! gives the source of each. eBay's are those of its UK site (tree 3),
//! where eBay reuses most Musical Instruments ids on other sites; eBay's
//! own `VerifyAddFixedPriceItem` stays the final judge of a category.
//! Attributes given per listing always win over these defaults.

use super::attributes::{EbayAttributes, ReverbAttributes, ShopifyAttributes, VrAttributes};
use super::PlatformAttributes;
use crate::value::{Condition, ProductDetails};

/// One of Riff's categories and where it goes on each platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryMapping {
    /// Riff's name for it, as the product form suggests it.
    pub category: &'static str,
    /// Other names owners and platforms use for it (compared ignoring
    /// case, and only up to a " / " that starts a sub-category).
    pub aliases: &'static [&'static str],
    /// eBay's leaf `PrimaryCategory.CategoryID`.
    pub ebay_category_id: &'static str,
    /// Item specifics the eBay category requires (beyond Brand), with
    /// values from eBay's own lists.
    pub ebay_item_specifics: &'static [(&'static str, &'static str)],
    /// Reverb's category UUID (`/api/categories/flat`).
    pub reverb_category: &'static str,
    /// V&R's `categ_level_0` and `categ_level_1` ids.
    pub vr_category: &'static str,
    pub vr_sub_category: &'static str,
    /// Shopify's `productType` (free text on Shopify).
    pub shopify_product_type: &'static str,
}

/// The ten categories Riff ships mapped.
pub const CATEGORY_MAP: [CategoryMapping; 10] = [
    CategoryMapping {
        category: "Electric Guitars",
        aliases: &["Electric Guitar", "Guitars", "Guitar"],
        ebay_category_id: "33034",
        ebay_item_specifics: &[("Type", "Electric Guitar"), ("Body Type", "Solid")],
        reverb_category: "e57deb7a-382b-4e18-a008-67d4fbcb2879",
        vr_category: "51",
        vr_sub_category: "83",
        shopify_product_type: "Electric Guitars",
    },
    CategoryMapping {
        category: "Acoustic Guitars",
        aliases: &["Acoustic Guitar", "Acoustics"],
        ebay_category_id: "33021",
        ebay_item_specifics: &[("Type", "Acoustic Guitar")],
        reverb_category: "3ca3eb03-7eac-477d-b253-15ce603d2550",
        vr_category: "51",
        vr_sub_category: "87",
        shopify_product_type: "Acoustic Guitars",
    },
    CategoryMapping {
        category: "Bass Guitars",
        aliases: &["Bass Guitar", "Basses", "Bass"],
        ebay_category_id: "4713",
        ebay_item_specifics: &[("Type", "Electric Bass Guitar")],
        reverb_category: "53a9c7d7-d73d-4e7f-905c-553503e50a90",
        vr_category: "52",
        vr_sub_category: "69",
        shopify_product_type: "Bass Guitars",
    },
    CategoryMapping {
        category: "Guitar Amplifiers",
        aliases: &["Guitar Amps", "Amps", "Amplifiers", "Amp"],
        ebay_category_id: "38072",
        ebay_item_specifics: &[
            ("Amplifier Type", "Combo"),
            ("Suitable For", "Electric Guitar"),
        ],
        reverb_category: "10335451-31e5-418a-8ed8-f48cd738f17d",
        vr_category: "53",
        vr_sub_category: "183",
        shopify_product_type: "Guitar Amplifiers",
    },
    CategoryMapping {
        category: "Bass Amplifiers",
        aliases: &["Bass Amps", "Bass Amp"],
        ebay_category_id: "38072",
        ebay_item_specifics: &[("Amplifier Type", "Combo"), ("Suitable For", "Bass Guitar")],
        reverb_category: "052c7288-b2e0-42d2-8927-2c9176ef1699",
        vr_category: "53",
        vr_sub_category: "183",
        shopify_product_type: "Bass Amplifiers",
    },
    CategoryMapping {
        category: "Effects Pedals",
        aliases: &[
            "Effects and Pedals",
            "Effects & Pedals",
            "Pedals",
            "Effects",
            "Pedal",
        ],
        ebay_category_id: "41416",
        ebay_item_specifics: &[("Type", "Overdrive")],
        reverb_category: "9bee8b39-c5f1-4fa7-90af-38740fc21a73",
        vr_category: "90",
        vr_sub_category: "91",
        shopify_product_type: "Effects Pedals",
    },
    CategoryMapping {
        category: "Keyboards & Synths",
        aliases: &[
            "Keyboards and Synths",
            "Keyboards",
            "Synths",
            "Synthesizers",
        ],
        ebay_category_id: "38071",
        ebay_item_specifics: &[("Type", "Keyboard Synthesiser")],
        reverb_category: "d002db05-ab63-4c79-999c-d49bbe8d7739",
        vr_category: "57",
        vr_sub_category: "252",
        shopify_product_type: "Keyboards & Synths",
    },
    CategoryMapping {
        category: "Drums & Percussion",
        aliases: &["Drums and Percussion", "Drums", "Percussion"],
        ebay_category_id: "38097",
        ebay_item_specifics: &[("Type", "Acoustic Drum Kit")],
        reverb_category: "b905874b-ecdd-43f0-99e5-5c4d6857ff99",
        vr_category: "216",
        vr_sub_category: "217",
        shopify_product_type: "Drums & Percussion",
    },
    CategoryMapping {
        category: "Pro Audio",
        aliases: &["Studio", "Recording"],
        ebay_category_id: "3278",
        ebay_item_specifics: &[],
        reverb_category: "b021203f-1ed8-476c-a8fc-32d4e3b0ef9e",
        vr_category: "51",
        vr_sub_category: "356",
        shopify_product_type: "Pro Audio",
    },
    CategoryMapping {
        category: "Parts & Accessories",
        aliases: &["Parts and Accessories", "Parts", "Accessories"],
        ebay_category_id: "46678",
        ebay_item_specifics: &[("Type", "Tailpiece")],
        reverb_category: "1f99c852-9d20-4fd3-a903-91da9c805a5e",
        vr_category: "51",
        vr_sub_category: "211",
        shopify_product_type: "Parts & Accessories",
    },
];

/// The mapping for a product's category: by name or alias, ignoring case,
/// and ignoring a sub-category after " / " ("Electric Guitars / Solid
/// Body", as Reverb names them).
pub fn mapping_for(category: &str) -> Option<&'static CategoryMapping> {
    let root = category.split(" / ").next().unwrap_or(category).trim();
    CATEGORY_MAP.iter().find(|m| {
        m.category.eq_ignore_ascii_case(root)
            || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(root))
    })
}

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
/// and the category map. Nothing given is replaced.
pub fn complete(attributes: PlatformAttributes, details: &ProductDetails) -> PlatformAttributes {
    let mapping = mapping_for(&details.category);
    match attributes {
        PlatformAttributes::Ebay(a) => PlatformAttributes::Ebay(ebay(a, details, mapping)),
        PlatformAttributes::Reverb(a) => PlatformAttributes::Reverb(ReverbAttributes {
            categories: if a.categories.is_empty() {
                mapping
                    .map(|m| vec![m.reverb_category.to_owned()])
                    .unwrap_or_default()
            } else {
                a.categories
            },
            ..a
        }),
        PlatformAttributes::Vr(a) => PlatformAttributes::Vr(VrAttributes {
            category: a
                .category
                .or_else(|| mapping.map(|m| m.vr_category.to_owned())),
            sub_category: a
                .sub_category
                .or_else(|| mapping.map(|m| m.vr_sub_category.to_owned())),
            ..a
        }),
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
        for (name, value) in mapping.map_or(&[][..], |m| m.ebay_item_specifics) {
            if !item_specifics
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                item_specifics.push(((*name).to_owned(), (*value).to_owned()));
            }
        }
    }
    EbayAttributes {
        category_id: a
            .category_id
            .or_else(|| mapping.map(|m| m.ebay_category_id.to_owned())),
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
    let wanted = [
        details.brand.as_str(),
        mapping.map_or(details.category.as_str(), |m| m.category),
        condition_wording(details.condition),
    ];
    for tag in wanted {
        if !tag.trim().is_empty() && !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_owned());
        }
    }
    ShopifyAttributes {
        product_type: a.product_type.or_else(|| {
            Some(
                mapping
                    .map_or(details.category.as_str(), |m| m.shopify_product_type)
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
    use crate::value::{Platform, ProductDetailsInput};

    fn details(category: &str, condition: &str) -> ProductDetails {
        ProductDetails::parse(ProductDetailsInput {
            title: "Boss DS-1 Distortion".into(),
            brand: "Boss".into(),
            model: "DS-1".into(),
            category: category.into(),
            condition: condition.into(),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn every_category_is_found_by_its_name_an_alias_or_a_reverb_full_name() {
        for mapping in &CATEGORY_MAP {
            assert_eq!(mapping_for(mapping.category), Some(mapping));
            assert_eq!(mapping_for(&mapping.category.to_uppercase()), Some(mapping));
        }
        assert_eq!(
            mapping_for("Pedals").map(|m| m.ebay_category_id),
            Some("41416")
        );
        assert_eq!(
            mapping_for("Electric Guitars / Semi-Hollow").map(|m| m.category),
            Some("Electric Guitars")
        );
        assert_eq!(mapping_for("Banjos"), None);
    }

    #[test]
    fn an_ebay_listing_gets_the_mapped_leaf_the_condition_and_the_required_specifics() {
        let PlatformAttributes::Ebay(a) = complete(
            PlatformAttributes::empty(Platform::Ebay),
            &details("Effects Pedals", "excellent"),
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
        assert_eq!(
            complete(given.clone(), &details("Effects Pedals", "excellent")),
            given
        );
        let vr = PlatformAttributes::Vr(VrAttributes {
            category: Some("90".into()),
            sub_category: Some("93".into()),
            brand: None,
        });
        assert_eq!(complete(vr.clone(), &details("Effects Pedals", "good")), vr);
    }

    #[test]
    fn every_platform_gets_the_mapped_category() {
        let d = details("Guitar Amplifiers", "very-good");
        let PlatformAttributes::Reverb(r) =
            complete(PlatformAttributes::empty(Platform::Reverb), &d)
        else {
            unreachable!()
        };
        assert_eq!(r.categories, ["10335451-31e5-418a-8ed8-f48cd738f17d"]);
        let PlatformAttributes::Vr(v) = complete(PlatformAttributes::empty(Platform::Vr), &d)
        else {
            unreachable!()
        };
        assert_eq!(
            (v.category.as_deref(), v.sub_category.as_deref()),
            (Some("53"), Some("183"))
        );
        let PlatformAttributes::Shopify(s) =
            complete(PlatformAttributes::empty(Platform::Shopify), &d)
        else {
            unreachable!()
        };
        assert_eq!(s.product_type.as_deref(), Some("Guitar Amplifiers"));
        assert_eq!(s.tags, ["Boss", "Guitar Amplifiers", "Very Good"]);
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
