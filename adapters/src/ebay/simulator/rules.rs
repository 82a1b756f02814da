//! What eBay requires of a listing before it accepts it, for the
//! categories a music shop lists in: the category must be a leaf, the
//! condition one the category allows, and the category's required item
//! specifics present. The ids and rules are eBay UK's, as
//! `docs/listing-ids.md` records them with their sources (GetCategoryFeatures
//! and the Taxonomy API); the error codes are eBay's own.

use super::super::wire::{ErrorParameter, ErrorType, ItemToList};
use super::state::{error, Refusal};

/// A leaf category the simulator knows: the conditions it allows and the
/// item specifics it requires (Brand for all of them).
struct Leaf {
    id: &'static str,
    conditions: &'static [u32],
    required: &'static [&'static str],
}

/// "Used"-style instrument categories: New, New other, Seller refurbished
/// (not on basses), Used, For parts.
const GUITARS: &[u32] = &[1000, 1500, 2500, 3000, 7000];
const BASSES: &[u32] = &[1000, 1500, 3000, 7000];
/// Categories whose allowed conditions were not captured: the instrument
/// set, which Riff's mapping keeps to.
const INSTRUMENTS: &[u32] = &[1000, 1500, 3000, 7000];

const fn leaf(
    id: &'static str,
    conditions: &'static [u32],
    required: &'static [&'static str],
) -> Leaf {
    Leaf {
        id,
        conditions,
        required,
    }
}

const LEAVES: &[Leaf] = &[
    leaf("33034", GUITARS, &["Brand"]),
    leaf("33021", GUITARS, &["Brand"]),
    leaf("119544", GUITARS, &["Brand"]),
    leaf("4713", BASSES, &["Brand", "Type"]),
    leaf("38072", GUITARS, &["Brand", "Amplifier Type"]),
    leaf("41416", INSTRUMENTS, &["Brand", "Type"]),
    leaf("41415", INSTRUMENTS, &["Brand", "Type"]),
    leaf("41418", INSTRUMENTS, &["Brand"]),
    leaf("41413", INSTRUMENTS, &["Brand"]),
    leaf("22669", INSTRUMENTS, &["Brand", "Type"]),
    leaf("38071", INSTRUMENTS, &["Brand", "Type"]),
    leaf("38088", INSTRUMENTS, &["Brand", "Number of Keys"]),
    leaf("38097", INSTRUMENTS, &["Brand", "Type"]),
    leaf("3278", INSTRUMENTS, &["Brand"]),
    leaf("29946", INSTRUMENTS, &["Brand", "Form Factor"]),
    leaf("46678", INSTRUMENTS, &["Brand", "Type"]),
    leaf("22670", INSTRUMENTS, &["Brand", "Type"]),
];

/// eBay's longest title (the Trading user guide, "Listing title").
const MAX_TITLE: usize = 80;

/// Checks an AddFixedPriceItem's `Item` as eBay would.
///
/// # Errors
/// eBay's error: 87 for a category that is missing or not a leaf, 21916884
/// for a missing condition, 21916883 for one the category does not allow,
/// 21919303 for a missing required item specific (its name in
/// `ErrorParameters`), 70 for a title over 80 characters, 21919136 for an
/// item without a picture (the two codes are the simulator's: eBay's
/// documentation states the rules, not their codes), and 71 for an item
/// with neither `Location` nor `PostalCode`.
pub(super) fn check(item: &ItemToList) -> Result<(), Refusal> {
    let category = item
        .primary_category
        .as_ref()
        .map(|c| c.category_id.trim())
        .unwrap_or_default();
    let leaf = LEAVES.iter().find(|l| l.id == category).ok_or_else(|| {
        error(
            "87",
            "Invalid category.",
            "The category selected is not a leaf category.",
        )
    })?;
    let Some(condition) = item.condition_id else {
        return Err(error(
            "21916884",
            "Item condition required.",
            "Condition is required for this category.",
        ));
    };
    if !leaf.conditions.contains(&condition) {
        return Err(error(
            "21916883",
            "Condition is not valid.",
            &format!(
                "The condition ID {condition} is not valid for category {}.",
                leaf.id
            ),
        ));
    }
    let given = item
        .item_specifics
        .as_ref()
        .map_or(&[][..], |s| s.name_value_list.as_slice());
    for name in leaf.required {
        let present = given.iter().any(|n| {
            n.name.eq_ignore_ascii_case(name) && n.value.iter().any(|v| !v.trim().is_empty())
        });
        if !present {
            return Err(missing_specific(name));
        }
    }
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if item
        .title
        .as_deref()
        .is_some_and(|t| t.chars().count() > MAX_TITLE)
    {
        return Err(error(
            "70",
            "The title is too long.",
            &format!("The title may contain a maximum of {MAX_TITLE} characters."),
        ));
    }
    let pictures = item.picture_details.as_ref().map_or(0, |p| {
        p.picture_url
            .iter()
            .filter(|u| !u.trim().is_empty())
            .count()
    });
    if pictures == 0 {
        return Err(error(
            "21919136",
            "A picture is required.",
            "Every listing is required to include at least one picture. Add a picture, and then try again.",
        ));
    }
    if blank(&item.location) && blank(&item.postal_code) {
        return Err(error(
            "71",
            "Location or postal code missing.",
            "The item's location or postal code is required.",
        ));
    }
    Ok(())
}

fn missing_specific(name: &str) -> Refusal {
    let mut refusal: Box<ErrorType> = error(
        "21919303",
        &format!("The item specific {name} is missing."),
        &format!(
            "The item specific {name} is missing. Add {name} to this listing, enter a valid value, and then try again."
        ),
    );
    refusal.error_parameters.push(ErrorParameter {
        param_id: "0".into(),
        value: Some(name.to_owned()),
    });
    refusal
}
