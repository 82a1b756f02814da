//! The category map: for each of the shop's categories, where a listing of
//! it goes on each platform (eBay's leaf category and the item specifics it
//! requires, Reverb's category, V&R's category and sub-category, Shopify's
//! product type).
//!
//! Riff ships [`DEFAULTS`] for ten categories, with the platforms' real
//! published ids (`docs/listing-ids.md` gives the source of each; eBay's are
//! those of its UK site, tree 3, where eBay reuses most Musical Instruments
//! ids on other sites). The owner changes an entry, or adds one, in
//! Settings: each change is a [`CategoryEdit`], kept as an event on the
//! Settings aggregate, and the map in force is the defaults overlaid with
//! the edits in the order they were made ([`CategoryMap::with_edits`]). The
//! defaults stay the base rather than being copied into the log, so an
//! entry the owner never touched follows Riff's own corrections.

use serde::{Deserialize, Serialize};

use crate::value::{text, InvalidValue};

/// One of Riff's built-in categories and where it goes on each platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultMapping {
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
pub const DEFAULTS: [DefaultMapping; 10] = [
    DefaultMapping {
        category: "Electric Guitars",
        aliases: &["Electric Guitar", "Guitars", "Guitar"],
        ebay_category_id: "33034",
        ebay_item_specifics: &[("Type", "Electric Guitar"), ("Body Type", "Solid")],
        reverb_category: "e57deb7a-382b-4e18-a008-67d4fbcb2879",
        vr_category: "51",
        vr_sub_category: "83",
        shopify_product_type: "Electric Guitars",
    },
    DefaultMapping {
        category: "Acoustic Guitars",
        aliases: &["Acoustic Guitar", "Acoustics"],
        ebay_category_id: "33021",
        ebay_item_specifics: &[("Type", "Acoustic Guitar")],
        reverb_category: "3ca3eb03-7eac-477d-b253-15ce603d2550",
        vr_category: "51",
        vr_sub_category: "87",
        shopify_product_type: "Acoustic Guitars",
    },
    DefaultMapping {
        category: "Bass Guitars",
        aliases: &["Bass Guitar", "Basses", "Bass"],
        ebay_category_id: "4713",
        ebay_item_specifics: &[("Type", "Electric Bass Guitar")],
        reverb_category: "53a9c7d7-d73d-4e7f-905c-553503e50a90",
        vr_category: "52",
        vr_sub_category: "69",
        shopify_product_type: "Bass Guitars",
    },
    DefaultMapping {
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
    DefaultMapping {
        category: "Bass Amplifiers",
        aliases: &["Bass Amps", "Bass Amp"],
        ebay_category_id: "38072",
        ebay_item_specifics: &[("Amplifier Type", "Combo"), ("Suitable For", "Bass Guitar")],
        reverb_category: "052c7288-b2e0-42d2-8927-2c9176ef1699",
        vr_category: "53",
        vr_sub_category: "183",
        shopify_product_type: "Bass Amplifiers",
    },
    DefaultMapping {
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
    DefaultMapping {
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
    DefaultMapping {
        category: "Drums & Percussion",
        aliases: &["Drums and Percussion", "Drums", "Percussion"],
        ebay_category_id: "38097",
        ebay_item_specifics: &[("Type", "Acoustic Drum Kit")],
        reverb_category: "b905874b-ecdd-43f0-99e5-5c4d6857ff99",
        vr_category: "216",
        vr_sub_category: "217",
        shopify_product_type: "Drums & Percussion",
    },
    DefaultMapping {
        category: "Pro Audio",
        aliases: &["Studio", "Recording"],
        ebay_category_id: "3278",
        ebay_item_specifics: &[],
        reverb_category: "b021203f-1ed8-476c-a8fc-32d4e3b0ef9e",
        vr_category: "51",
        vr_sub_category: "356",
        shopify_product_type: "Pro Audio",
    },
    DefaultMapping {
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

/// The longest eBay `CategoryID` (the Trading API's limit).
const MAX_EBAY_ID: usize = 10;
/// The longest V&R category id Riff accepts; V&R's are two or three digits.
const MAX_VR_ID: usize = 10;
/// The longest Shopify `productType` (Shopify's limit).
const MAX_PRODUCT_TYPE: usize = 255;
/// The longest item-specific name and value eBay takes.
const MAX_SPECIFIC: usize = 65;
/// The most item specifics eBay takes on one listing.
const MAX_SPECIFICS: usize = 45;

/// V&R's two levels of category, both needed to list there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VrCategory {
    /// `categ_level_0`.
    pub category: String,
    /// `categ_level_1`.
    pub sub_category: String,
}

/// One category of the map in force: a default with the owner's edits, or
/// a category the owner added. An added category has only what the owner
/// gave it; a platform it has nothing for is one readiness names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryMapping {
    /// The shop's name for it, as the product form suggests it.
    pub category: String,
    /// Other names it is found by (the defaults' only).
    pub aliases: &'static [&'static str],
    /// eBay's leaf `PrimaryCategory.CategoryID`.
    pub ebay_category_id: Option<String>,
    /// Item specifics sent with a listing in the mapped eBay category.
    pub ebay_item_specifics: Vec<(String, String)>,
    /// Reverb's category UUID.
    pub reverb_category: Option<String>,
    /// V&R's category and sub-category.
    pub vr: Option<VrCategory>,
    /// Shopify's `productType`.
    pub shopify_product_type: Option<String>,
}

impl From<&DefaultMapping> for CategoryMapping {
    fn from(d: &DefaultMapping) -> Self {
        Self {
            category: d.category.to_owned(),
            aliases: d.aliases,
            ebay_category_id: Some(d.ebay_category_id.to_owned()),
            ebay_item_specifics: d
                .ebay_item_specifics
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            reverb_category: Some(d.reverb_category.to_owned()),
            vr: Some(VrCategory {
                category: d.vr_category.to_owned(),
                sub_category: d.vr_sub_category.to_owned(),
            }),
            shopify_product_type: Some(d.shopify_product_type.to_owned()),
        }
    }
}

/// A change to one entry of the map, checked: what the owner gave, each
/// field `None` where the entry keeps what it has. Made by
/// [`CategoryEdit::parse`]; kept in the log as the Settings event
/// `CategoryMapped`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryEdit {
    /// The entry's name: an existing one's (matched ignoring case, and
    /// then spelled as the map spells it), or a new one's.
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebay: Option<String>,
    /// The whole set: the ones given replace the ones the entry had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebay_item_specifics: Option<Vec<(String, String)>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverb: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vr: Option<VrCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shopify: Option<String>,
}

/// A change to one entry as typed, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryEditInput {
    pub category: String,
    pub ebay: Option<String>,
    pub ebay_item_specifics: Option<Vec<(String, String)>>,
    pub reverb: Option<String>,
    /// V&R's category and sub-category.
    pub vr: Option<(String, String)>,
    pub shopify: Option<String>,
}

impl CategoryEdit {
    /// Checks a change as typed. The category is a name as a product's
    /// category is ([`text::MAX_NAME`]); eBay's and V&R's ids are digits;
    /// Reverb's is a UUID (kept in its lowercase hyphenated form, as
    /// Reverb writes it); Shopify's product type and the item specifics
    /// are one-line texts within the platforms' limits.
    ///
    /// # Errors
    /// The first field that is not acceptable, named as the API names it.
    pub fn parse(input: CategoryEditInput) -> Result<Self, InvalidValue> {
        Ok(Self {
            category: text::line("category", &input.category, text::MAX_NAME)?,
            ebay: input
                .ebay
                .map(|id| {
                    digits(
                        "ebay",
                        &id,
                        MAX_EBAY_ID,
                        "eBay's leaf CategoryID, e.g. 33034",
                    )
                })
                .transpose()?,
            ebay_item_specifics: input.ebay_item_specifics.map(specifics).transpose()?,
            reverb: input.reverb.map(|id| reverb_uuid(&id)).transpose()?,
            vr: input
                .vr
                .map(|(category, sub_category)| {
                    Ok::<_, InvalidValue>(VrCategory {
                        category: digits("vr", &category, MAX_VR_ID, "V&R's category id, e.g. 51")?,
                        sub_category: digits(
                            "vr",
                            &sub_category,
                            MAX_VR_ID,
                            "V&R's sub-category id, e.g. 83",
                        )?,
                    })
                })
                .transpose()?,
            shopify: input
                .shopify
                .map(|t| text::line("shopify", &t, MAX_PRODUCT_TYPE))
                .transpose()?,
        })
    }

    /// Whether it gives nothing but the category's name.
    fn is_empty(&self) -> bool {
        self.ebay.is_none()
            && self.ebay_item_specifics.is_none()
            && self.reverb.is_none()
            && self.vr.is_none()
            && self.shopify.is_none()
    }

    /// This change without what `entry` has already, named as `entry` is;
    /// `None` when it would change nothing.
    pub fn news_for(&self, entry: Option<&CategoryMapping>) -> Option<Self> {
        let Some(entry) = entry else {
            return Some(self.clone());
        };
        let news = Self {
            category: entry.category.clone(),
            ebay: self
                .ebay
                .clone()
                .filter(|e| entry.ebay_category_id.as_ref() != Some(e)),
            ebay_item_specifics: self
                .ebay_item_specifics
                .clone()
                .filter(|s| *s != entry.ebay_item_specifics),
            reverb: self
                .reverb
                .clone()
                .filter(|r| entry.reverb_category.as_ref() != Some(r)),
            vr: self.vr.clone().filter(|v| entry.vr.as_ref() != Some(v)),
            shopify: self
                .shopify
                .clone()
                .filter(|s| entry.shopify_product_type.as_ref() != Some(s)),
        };
        (!news.is_empty()).then_some(news)
    }
}

/// An id of digits only, as eBay's and V&R's category ids are; `what`
/// says whose id it is, with an example.
fn digits(field: &'static str, raw: &str, max: usize, what: &str) -> Result<String, InvalidValue> {
    let id = raw.trim();
    if id.is_empty() || id.len() > max || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidValue::new(
            field,
            format!("must be digits only, at most {max} ({what}), not {raw:?}"),
        ));
    }
    Ok(id.to_owned())
}

fn reverb_uuid(raw: &str) -> Result<String, InvalidValue> {
    let trimmed = raw.trim();
    // Only the hyphenated form Reverb itself writes: `Uuid::parse_str`
    // alone would also take braces, a `urn:uuid:` prefix or no hyphens.
    match uuid::Uuid::parse_str(trimmed) {
        Ok(id) if trimmed.len() == 36 => Ok(id.hyphenated().to_string()),
        _ => Err(InvalidValue::new(
            "reverb",
            format!(
                "must be Reverb's category UUID, e.g. \"e57deb7a-382b-4e18-a008-67d4fbcb2879\", not {raw:?}"
            ),
        )),
    }
}

fn specifics(given: Vec<(String, String)>) -> Result<Vec<(String, String)>, InvalidValue> {
    const FIELD: &str = "ebay_item_specifics";
    if given.len() > MAX_SPECIFICS {
        return Err(InvalidValue::new(
            FIELD,
            format!("eBay takes at most {MAX_SPECIFICS} item specifics"),
        ));
    }
    let mut checked: Vec<(String, String)> = Vec::with_capacity(given.len());
    for (name, value) in given {
        let name = text::line(FIELD, &name, MAX_SPECIFIC)?;
        let value = text::line(FIELD, &value, MAX_SPECIFIC).map_err(|e| {
            InvalidValue::new(FIELD, format!("the value of {name:?} {}", e.message))
        })?;
        // eBay compares names ignoring case; two would be one specific.
        if checked.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(InvalidValue::new(FIELD, format!("{name:?} is given twice")));
        }
        checked.push((name, value));
    }
    Ok(checked)
}

/// The map in force: the defaults, with the owner's edits over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryMap {
    entries: Vec<CategoryMapping>,
}

impl Default for CategoryMap {
    /// Riff's defaults alone.
    fn default() -> Self {
        Self {
            entries: DEFAULTS.iter().map(CategoryMapping::from).collect(),
        }
    }
}

impl CategoryMap {
    /// The defaults with `edits` applied in order.
    pub fn with_edits<'a>(edits: impl IntoIterator<Item = &'a CategoryEdit>) -> Self {
        let mut map = Self::default();
        for edit in edits {
            map.apply(edit);
        }
        map
    }

    /// Every entry: the defaults in Riff's order, then the added ones in
    /// the order they were added.
    pub fn entries(&self) -> &[CategoryMapping] {
        &self.entries
    }

    /// The entry named `category`, ignoring case (aliases are not names:
    /// an owner who maps "Pedals" means a category of that name).
    pub fn named(&self, category: &str) -> Option<&CategoryMapping> {
        let category = category.trim();
        self.entries
            .iter()
            .find(|m| m.category.eq_ignore_ascii_case(category))
    }

    /// The mapping for a product's category, ignoring case: by its name,
    /// then by an alias, then the same for the part before " / " — a
    /// sub-category, as Reverb names them ("Electric Guitars / Solid
    /// Body"), goes where its parent goes unless it is mapped itself.
    pub fn mapping_for(&self, category: &str) -> Option<&CategoryMapping> {
        let by_name = |name: &str| {
            self.named(name).or_else(|| {
                self.entries
                    .iter()
                    .find(|m| m.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
            })
        };
        let category = category.trim();
        by_name(category).or_else(|| {
            let root = category.split(" / ").next().unwrap_or(category).trim();
            by_name(root)
        })
    }

    /// Applies one edit: over the entry it names, or as a new entry.
    pub fn apply(&mut self, edit: &CategoryEdit) {
        let index = match self
            .entries
            .iter()
            .position(|m| m.category.eq_ignore_ascii_case(&edit.category))
        {
            Some(index) => index,
            None => {
                self.entries.push(CategoryMapping {
                    category: edit.category.clone(),
                    aliases: &[],
                    ebay_category_id: None,
                    ebay_item_specifics: Vec::new(),
                    reverb_category: None,
                    vr: None,
                    shopify_product_type: None,
                });
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[index];
        if let Some(ebay) = &edit.ebay {
            entry.ebay_category_id = Some(ebay.clone());
        }
        if let Some(specifics) = &edit.ebay_item_specifics {
            entry.ebay_item_specifics.clone_from(specifics);
        }
        if let Some(reverb) = &edit.reverb {
            entry.reverb_category = Some(reverb.clone());
        }
        if let Some(vr) = &edit.vr {
            entry.vr = Some(vr.clone());
        }
        if let Some(shopify) = &edit.shopify {
            entry.shopify_product_type = Some(shopify.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(category: &str) -> CategoryEditInput {
        CategoryEditInput {
            category: category.into(),
            ..CategoryEditInput::default()
        }
    }

    #[test]
    fn every_category_is_found_by_its_name_an_alias_or_a_reverb_full_name() {
        let map = CategoryMap::default();
        for default in &DEFAULTS {
            let found = map.mapping_for(default.category).unwrap();
            assert_eq!(found, &CategoryMapping::from(default));
            assert_eq!(
                map.mapping_for(&default.category.to_uppercase()),
                Some(found)
            );
        }
        assert_eq!(
            map.mapping_for("Pedals")
                .and_then(|m| m.ebay_category_id.as_deref()),
            Some("41416")
        );
        assert_eq!(
            map.mapping_for("Electric Guitars / Semi-Hollow")
                .map(|m| m.category.as_str()),
            Some("Electric Guitars")
        );
        assert_eq!(map.mapping_for("Banjos"), None);
    }

    #[test]
    fn an_edit_changes_what_it_gives_and_keeps_the_rest() {
        let edit = CategoryEdit::parse(CategoryEditInput {
            ebay: Some("41418".into()),
            ebay_item_specifics: Some(vec![("Type".into(), "Fuzz".into())]),
            ..input("effects pedals")
        })
        .unwrap();
        let map = CategoryMap::with_edits([&edit]);
        let pedals = map.mapping_for("Pedals").unwrap();
        assert_eq!(pedals.category, "Effects Pedals");
        assert_eq!(pedals.ebay_category_id.as_deref(), Some("41418"));
        assert_eq!(
            pedals.ebay_item_specifics,
            [("Type".to_owned(), "Fuzz".to_owned())]
        );
        assert_eq!(
            pedals.reverb_category.as_deref(),
            Some("9bee8b39-c5f1-4fa7-90af-38740fc21a73"),
            "what the edit left out is kept"
        );
        assert_eq!(map.entries().len(), DEFAULTS.len());
    }

    #[test]
    fn a_category_the_defaults_lack_is_added_with_only_what_it_was_given() {
        let edit = CategoryEdit::parse(CategoryEditInput {
            ebay: Some(" 10179 ".into()),
            vr: Some(("51".into(), "279".into())),
            ..input("Banjos")
        })
        .unwrap();
        let map = CategoryMap::with_edits([&edit]);
        let banjos = map.mapping_for("banjos").unwrap();
        assert_eq!(
            map.entries().last(),
            Some(banjos),
            "added after the defaults"
        );
        assert_eq!(banjos.ebay_category_id.as_deref(), Some("10179"));
        assert_eq!(banjos.reverb_category, None);
        assert_eq!(banjos.shopify_product_type, None);
        assert_eq!(
            banjos.vr,
            Some(VrCategory {
                category: "51".into(),
                sub_category: "279".into()
            })
        );
    }

    #[test]
    fn a_sub_category_mapped_itself_wins_over_its_parent() {
        let edit = CategoryEdit::parse(CategoryEditInput {
            ebay: Some("33034".into()),
            ..input("Electric Guitars / Semi-Hollow")
        })
        .unwrap();
        let map = CategoryMap::with_edits([&edit]);
        assert_eq!(
            map.mapping_for("electric guitars / semi-hollow")
                .map(|m| m.category.as_str()),
            Some("Electric Guitars / Semi-Hollow")
        );
        assert_eq!(
            map.mapping_for("Electric Guitars / Archtop")
                .map(|m| m.category.as_str()),
            Some("Electric Guitars")
        );
    }

    #[test]
    fn ids_are_checked_as_each_platform_writes_them() {
        let refused = |input: CategoryEditInput| CategoryEdit::parse(input).unwrap_err().field;
        assert_eq!(
            refused(CategoryEditInput {
                ebay: Some("33O34".into()),
                ..input("Electric Guitars")
            }),
            "ebay"
        );
        assert_eq!(
            refused(CategoryEditInput {
                ebay: Some("12345678901".into()),
                ..input("Electric Guitars")
            }),
            "ebay"
        );
        assert_eq!(
            refused(CategoryEditInput {
                reverb: Some("not-a-uuid".into()),
                ..input("Electric Guitars")
            }),
            "reverb"
        );
        assert_eq!(
            refused(CategoryEditInput {
                reverb: Some("e57deb7a382b4e18a00867d4fbcb2879".into()),
                ..input("Electric Guitars")
            }),
            "reverb",
            "only the hyphenated form Reverb writes"
        );
        assert_eq!(
            refused(CategoryEditInput {
                vr: Some(("51".into(), "".into())),
                ..input("Electric Guitars")
            }),
            "vr"
        );
        assert_eq!(
            refused(CategoryEditInput {
                shopify: Some("x".repeat(256)),
                ..input("Electric Guitars")
            }),
            "shopify"
        );
        assert_eq!(refused(input("  ")), "category");
        assert_eq!(refused(input(&"x".repeat(101))), "category");
        assert_eq!(refused(input("Tab\there")), "category");
        let upper = CategoryEdit::parse(CategoryEditInput {
            reverb: Some("E57DEB7A-382B-4E18-A008-67D4FBCB2879".into()),
            ..input("Electric Guitars")
        })
        .unwrap();
        assert_eq!(
            upper.reverb.as_deref(),
            Some("e57deb7a-382b-4e18-a008-67d4fbcb2879")
        );
    }

    #[test]
    fn item_specifics_are_checked_against_ebays_limits() {
        let with = |specifics: Vec<(&str, &str)>| {
            CategoryEdit::parse(CategoryEditInput {
                ebay_item_specifics: Some(
                    specifics
                        .into_iter()
                        .map(|(n, v)| (n.to_owned(), v.to_owned()))
                        .collect(),
                ),
                ..input("Effects Pedals")
            })
        };
        assert!(with(vec![("Type", "Fuzz")]).is_ok());
        assert!(with(vec![]).is_ok(), "none at all is a choice too");
        let twice = with(vec![("Type", "Fuzz"), ("type", "Delay")]).unwrap_err();
        assert!(twice.message.contains("twice"), "{twice}");
        let blank = with(vec![("Type", " ")]).unwrap_err();
        assert!(blank.message.contains("\"Type\""), "{blank}");
        let long = "x".repeat(66);
        assert!(with(vec![("Type", &long)]).is_err());
        let many: Vec<(String, String)> =
            (0..46).map(|i| (format!("N{i}"), "v".to_owned())).collect();
        assert!(CategoryEdit::parse(CategoryEditInput {
            ebay_item_specifics: Some(many),
            ..input("Effects Pedals")
        })
        .is_err());
    }

    #[test]
    fn an_edit_keeps_only_what_it_changes() {
        let map = CategoryMap::default();
        let same = CategoryEdit::parse(CategoryEditInput {
            ebay: Some("41416".into()),
            shopify: Some("Effects Pedals".into()),
            ..input("EFFECTS PEDALS")
        })
        .unwrap();
        assert_eq!(same.news_for(map.named(&same.category)), None);
        let partly = CategoryEdit {
            ebay: Some("41418".into()),
            ..same
        };
        assert_eq!(
            partly.news_for(map.named(&partly.category)),
            Some(CategoryEdit {
                category: "Effects Pedals".into(),
                ebay: Some("41418".into()),
                ebay_item_specifics: None,
                reverb: None,
                vr: None,
                shopify: None,
            })
        );
    }
}
