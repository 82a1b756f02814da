//! Whether a product can be listed on a platform as it stands, and if not,
//! what is missing, in the owner's words: what each platform refuses a
//! listing without (`docs/listing-ids.md` §4), checked before anything is
//! sent.

use super::attributes::{EbayAttributes, PlatformAttributes, ReverbAttributes, VrAttributes};
use crate::value::{Condition, ProductDetails};

/// What the shop has set once for every listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShopTerms {
    /// `EBAY_LOCATION` or `EBAY_POSTAL_CODE` is set.
    pub ebay_location: bool,
    /// Which of eBay's business policies are set: shipping, returns, payment.
    pub ebay_policies: [bool; 3],
    /// `REVERB_SHIPPING_PROFILE_ID` is set.
    pub reverb_shipping: bool,
    /// `RIFF_PUBLIC_URL` is a public `https` address the platforms can
    /// fetch pictures from.
    pub public_https: bool,
}

/// What a listing would be made of.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub details: &'a ProductDetails,
    pub quantity: u32,
    /// Pictures the product has (uploaded or by address).
    pub pictures: usize,
    /// Of those, uploaded ones (served from Riff's own address).
    pub uploaded_pictures: usize,
    /// The platform's attributes, with the category map's defaults in.
    pub attributes: &'a PlatformAttributes,
}

/// What the platform still needs before it accepts the listing; empty when
/// it is ready.
pub fn missing(candidate: &Candidate<'_>, terms: &ShopTerms) -> Vec<String> {
    let mut missing = Vec::new();
    let details = candidate.details;
    if candidate.pictures == 0 && !matches!(candidate.attributes, PlatformAttributes::Shopify(_)) {
        missing.push("a picture".to_owned());
    }
    match candidate.attributes {
        PlatformAttributes::Ebay(a) => ebay(a, details, terms, &mut missing),
        PlatformAttributes::Reverb(a) => reverb(a, candidate, terms, &mut missing),
        PlatformAttributes::Vr(a) => vr(a, details, &mut missing),
        PlatformAttributes::Shopify(_) => {}
    }
    missing
}

fn ebay(
    a: &EbayAttributes,
    details: &ProductDetails,
    terms: &ShopTerms,
    missing: &mut Vec<String>,
) {
    if a.category_id.is_none() {
        missing.push(format!(
            "an eBay category for \"{}\" (a category Riff maps, or attributes.category_id)",
            details.category
        ));
    }
    if !terms.ebay_location {
        missing.push("where the items are: EBAY_POSTAL_CODE or EBAY_LOCATION".to_owned());
    }
    let given = [
        a.shipping_profile_id.is_some(),
        a.return_profile_id.is_some(),
        a.payment_profile_id.is_some(),
    ];
    for ((setting, set), listing) in [
        "EBAY_SHIPPING_PROFILE_ID",
        "EBAY_RETURN_PROFILE_ID",
        "EBAY_PAYMENT_PROFILE_ID",
    ]
    .iter()
    .zip(terms.ebay_policies)
    .zip(given)
    {
        if !set && !listing {
            missing.push(format!("an eBay business policy: {setting}"));
        }
    }
}

fn reverb(
    a: &ReverbAttributes,
    candidate: &Candidate<'_>,
    terms: &ShopTerms,
    missing: &mut Vec<String>,
) {
    let details = candidate.details;
    if candidate.uploaded_pictures > 0 && !terms.public_https {
        missing.push(
            "RIFF_PUBLIC_URL set to the shop's public https address: Reverb fetches pictures from it"
                .to_owned(),
        );
    }
    if a.categories.is_empty() {
        missing.push(format!(
            "a Reverb category for \"{}\" (a category Riff maps, or attributes.categories)",
            details.category
        ));
    }
    if details
        .description
        .as_deref()
        .is_none_or(|d| d.trim().is_empty())
    {
        missing.push("a description".to_owned());
    }
    if a.shipping_profile_id.is_none() && !terms.reverb_shipping {
        missing.push("a Reverb shipping profile: REVERB_SHIPPING_PROFILE_ID".to_owned());
    }
    if candidate.quantity > 1
        && !matches!(
            details.condition,
            Condition::New | Condition::BStock | Condition::Mint
        )
    {
        missing.push(
            "one unit only, or the condition new, b-stock or mint: Reverb offers several units of new items only"
                .to_owned(),
        );
    }
}

fn vr(a: &VrAttributes, details: &ProductDetails, missing: &mut Vec<String>) {
    if a.category.is_none() || a.sub_category.is_none() {
        missing.push(format!(
            "a V&R category and sub-category for \"{}\" (a category Riff maps, or attributes.category and sub_category)",
            details.category
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use crate::listing::category_map::CategoryMap;
    use crate::listing::defaults;
    use crate::value::{Platform, ProductDetailsInput};

    fn details(category: &str, condition: &str, description: Option<&str>) -> ProductDetails {
        let name = ("Fender Stratocaster 1962", "Fender", "Stratocaster");
        ProductDetails::parse(ProductDetailsInput {
            description: description.map(str::to_owned),
            ..fixture::details_input(name, category, condition)
        })
        .unwrap()
    }

    fn all_set() -> ShopTerms {
        ShopTerms {
            ebay_location: true,
            ebay_policies: [true; 3],
            reverb_shipping: true,
            public_https: true,
        }
    }

    fn check(
        platform: Platform,
        d: &ProductDetails,
        quantity: u32,
        pictures: usize,
        terms: &ShopTerms,
    ) -> Vec<String> {
        let attributes = defaults::complete(
            PlatformAttributes::empty(platform),
            d,
            &CategoryMap::default(),
        );
        missing(
            &Candidate {
                details: d,
                quantity,
                pictures,
                uploaded_pictures: pictures,
                attributes: &attributes,
            },
            terms,
        )
    }

    #[test]
    fn a_mapped_product_with_a_picture_is_ready_everywhere() {
        let d = details("Electric Guitars", "excellent", Some("Original case."));
        for platform in Platform::ALL {
            assert_eq!(
                check(platform, &d, 1, 2, &all_set()),
                Vec::<String>::new(),
                "{platform}"
            );
        }
    }

    #[test]
    fn what_is_missing_is_named_in_the_owners_words() {
        let d = details("Banjos", "excellent", None);
        let ebay = check(Platform::Ebay, &d, 1, 0, &ShopTerms::default());
        assert_eq!(ebay[0], "a picture");
        assert!(ebay[1].contains("eBay category for \"Banjos\""), "{ebay:?}");
        assert!(
            ebay.iter().any(|m| m.contains("EBAY_POSTAL_CODE")),
            "{ebay:?}"
        );
        assert_eq!(
            ebay.iter()
                .filter(|m| m.contains("business policy"))
                .count(),
            3
        );
        let reverb = check(Platform::Reverb, &d, 1, 0, &ShopTerms::default());
        assert!(reverb.contains(&"a description".to_owned()), "{reverb:?}");
        assert!(reverb
            .iter()
            .any(|m| m.contains("REVERB_SHIPPING_PROFILE_ID")));
        assert!(check(Platform::Shopify, &d, 1, 0, &ShopTerms::default()).is_empty());
    }

    #[test]
    fn reverb_needs_a_public_address_for_uploaded_pictures_and_new_items_for_stock() {
        let d = details("Effects Pedals", "excellent", Some("Boxed."));
        let private = ShopTerms {
            public_https: false,
            ..all_set()
        };
        let reverb = check(Platform::Reverb, &d, 3, 1, &private);
        assert!(
            reverb.iter().any(|m| m.contains("RIFF_PUBLIC_URL")),
            "{reverb:?}"
        );
        assert!(
            reverb.iter().any(|m| m.contains("one unit only")),
            "{reverb:?}"
        );
        let new = details("Effects Pedals", "new", Some("Boxed."));
        assert!(check(Platform::Reverb, &new, 3, 1, &all_set()).is_empty());
    }
}
