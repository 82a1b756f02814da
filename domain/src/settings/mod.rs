//! The Settings aggregate: the shop's preferences that belong in the log
//! like everything else (who changed what, when): how the inventory's
//! filter dropdowns are ordered, the owner's changes to the category map,
//! and each platform's price rule. One instance, id [`Settings::ID`].

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::decide::domain_event;
use crate::decide::Decide;
use crate::listing::category_map::{CategoryEdit, CategoryMap};
use crate::listing::price::PricePercent;
use crate::named::named;
use crate::value::{InvalidValue, Platform};

/// A filter dropdown of the inventory list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DropdownField {
    Status,
    Platform,
    Brand,
    Category,
    Condition,
}

named!(DropdownField {
    Status => "status",
    Platform => "platform",
    Brand => "brand",
    Category => "category",
    Condition => "condition",
});

impl FromStr for DropdownField {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::named(s).ok_or_else(|| {
            InvalidValue::new(
                "field",
                format!(
                    "{s:?} is not a dropdown; use status, platform, brand, category or condition"
                ),
            )
        })
    }
}

/// How a dropdown's options are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DropdownOrder {
    /// Most products first: what a busy shop picks most.
    #[default]
    Count,
    /// A to Z.
    Alpha,
}

named!(DropdownOrder {
    Count => "count",
    Alpha => "alpha",
});

impl FromStr for DropdownOrder {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::named(s).ok_or_else(|| InvalidValue::new("order", "must be count or alpha"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsCommand {
    SetDropdownSort {
        field: DropdownField,
        order: DropdownOrder,
    },
    /// Changes one entry of the category map, or adds one.
    MapCategory(CategoryEdit),
    /// Prices `platform`'s listings at the product's price moved by
    /// `percent`; zero removes the rule.
    SetPriceRule {
        platform: Platform,
        percent: PricePercent,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsEvent {
    DropdownSortChanged {
        field: DropdownField,
        order: DropdownOrder,
    },
    /// An entry of the category map changed: only what changed, named as
    /// the map names the entry.
    CategoryMapped(CategoryEdit),
    /// `platform`'s listings follow the product's price moved by
    /// `percent` from now on (and on the product's next price change);
    /// zero: they show the product's price again.
    PriceRuleSet {
        platform: Platform,
        percent: PricePercent,
    },
}

domain_event!(SettingsEvent {
    DropdownSortChanged,
    CategoryMapped,
    PriceRuleSet,
});

/// Settings commands never fail (what they carry was checked when it was
/// parsed); the type exists because cqrs-es asks for one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the settings could not be changed")]
pub struct SettingsError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub dropdown_sort: Vec<(DropdownField, DropdownOrder)>,
    /// The owner's changes to the category map, oldest first. The edits
    /// are kept rather than the map, so that the defaults under them stay
    /// Riff's current ones.
    #[serde(default)]
    pub category_edits: Vec<CategoryEdit>,
    /// Each platform's price rule; a platform without one shows the
    /// product's price.
    #[serde(default)]
    pub price_rules: BTreeMap<Platform, PricePercent>,
}

impl Settings {
    /// The one settings aggregate's id.
    pub const ID: &'static str = "shop";

    /// How `field`'s dropdown is ordered.
    pub fn order_of(&self, field: DropdownField) -> DropdownOrder {
        self.dropdown_sort
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, o)| *o)
            .unwrap_or_default()
    }

    /// `platform`'s price rule, if the shop has one (`listing::price`).
    pub fn price_rule(&self, platform: Platform) -> Option<PricePercent> {
        self.price_rules.get(&platform).copied()
    }

    /// The category map in force: Riff's defaults with the owner's edits.
    pub fn category_map(&self) -> CategoryMap {
        CategoryMap::with_edits(&self.category_edits)
    }
}

crate::decide::aggregate!(
    Settings,
    "settings",
    SettingsCommand,
    SettingsEvent,
    SettingsError
);

impl Settings {
    /// Folds one event into the state: cqrs-es's `apply`.
    fn fold(&mut self, event: SettingsEvent) {
        match event {
            SettingsEvent::DropdownSortChanged { field, order } => {
                self.dropdown_sort.retain(|(f, _)| *f != field);
                self.dropdown_sort.push((field, order));
            }
            SettingsEvent::CategoryMapped(edit) => self.category_edits.push(edit),
            SettingsEvent::PriceRuleSet { platform, percent } => {
                if percent.is_zero() {
                    self.price_rules.remove(&platform);
                } else {
                    self.price_rules.insert(platform, percent);
                }
            }
        }
    }
}

impl Decide for Settings {
    /// Setting what is already set records nothing.
    fn decide(&self, command: SettingsCommand) -> Result<Vec<SettingsEvent>, SettingsError> {
        let event = match command {
            SettingsCommand::SetDropdownSort { field, order } => (self.order_of(field) != order
                || !self.dropdown_sort.iter().any(|(f, _)| *f == field))
            .then_some(SettingsEvent::DropdownSortChanged { field, order }),
            SettingsCommand::MapCategory(edit) => edit
                .news_for(self.category_map().named(&edit.category))
                .map(SettingsEvent::CategoryMapped),
            SettingsCommand::SetPriceRule { platform, percent } => {
                let now = self.price_rule(platform).unwrap_or(PricePercent::ZERO);
                (now != percent).then_some(SettingsEvent::PriceRuleSet { platform, percent })
            }
        };
        Ok(event.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;
    use cqrs_es::Aggregate as _;

    use super::*;
    use crate::listing::category_map::CategoryEditInput;

    /// Given `history`, `command` records `recorded`: cqrs-es's
    /// given/when/then.
    fn records(
        history: Vec<SettingsEvent>,
        command: SettingsCommand,
        recorded: Vec<SettingsEvent>,
    ) {
        TestFramework::<Settings>::with(())
            .given(history)
            .when(command)
            .then_expect_events(recorded);
    }

    fn brand_alpha() -> SettingsEvent {
        SettingsEvent::DropdownSortChanged {
            field: DropdownField::Brand,
            order: DropdownOrder::Alpha,
        }
    }

    fn sort_brand_alpha() -> SettingsCommand {
        SettingsCommand::SetDropdownSort {
            field: DropdownField::Brand,
            order: DropdownOrder::Alpha,
        }
    }

    #[test]
    fn changing_a_dropdown_order_is_recorded() {
        records(vec![], sort_brand_alpha(), vec![brand_alpha()]);
    }

    #[test]
    fn setting_the_same_order_again_records_nothing() {
        records(vec![brand_alpha()], sort_brand_alpha(), vec![]);
    }

    fn edit(category: &str, ebay: Option<&str>, shopify: Option<&str>) -> CategoryEdit {
        CategoryEdit::parse(CategoryEditInput {
            category: category.into(),
            ebay: ebay.map(str::to_owned),
            shopify: shopify.map(str::to_owned),
            ..CategoryEditInput::default()
        })
        .unwrap()
    }

    fn mapped(category: &str, ebay: Option<&str>, shopify: Option<&str>) -> SettingsEvent {
        SettingsEvent::CategoryMapped(edit(category, ebay, shopify))
    }

    fn map(category: &str, ebay: Option<&str>, shopify: Option<&str>) -> SettingsCommand {
        SettingsCommand::MapCategory(edit(category, ebay, shopify))
    }

    #[test]
    fn a_new_ebay_category_for_a_default_is_recorded_under_the_maps_name() {
        records(
            vec![],
            map("effects pedals", Some("41418"), None),
            vec![mapped("Effects Pedals", Some("41418"), None)],
        );
    }

    #[test]
    fn only_what_changes_is_recorded_and_a_change_to_nothing_records_nothing() {
        records(
            vec![mapped("Effects Pedals", Some("41418"), None)],
            map("Effects Pedals", Some("41418"), Some("Fuzz Pedals")),
            vec![mapped("Effects Pedals", None, Some("Fuzz Pedals"))],
        );
        records(
            vec![mapped("Effects Pedals", Some("41418"), None)],
            map("EFFECTS PEDALS", Some("41418"), Some("Effects Pedals")),
            vec![],
        );
    }

    #[test]
    fn a_category_the_map_lacks_is_added() {
        records(
            vec![],
            map("Banjos", Some("10179"), None),
            vec![mapped("Banjos", Some("10179"), None)],
        );
    }

    #[test]
    fn the_map_in_force_is_the_defaults_with_every_edit_in_order() {
        let mut settings = Settings::default();
        assert_eq!(settings.category_map(), CategoryMap::default());
        for event in [
            mapped("Effects Pedals", Some("41418"), None),
            mapped("Banjos", Some("10179"), None),
            mapped("Effects Pedals", Some("41415"), None),
        ] {
            settings.apply(event);
        }
        let map = settings.category_map();
        let ebay = |category: &str| {
            map.mapping_for(category)
                .and_then(|m| m.ebay_category_id.clone())
        };
        assert_eq!(ebay("Effects Pedals").as_deref(), Some("41415"));
        assert_eq!(ebay("Banjos").as_deref(), Some("10179"));
        assert_eq!(ebay("Electric Guitars").as_deref(), Some("33034"));
    }

    fn percent(raw: &str) -> PricePercent {
        PricePercent::parse(raw).unwrap()
    }

    fn rule(platform: Platform, raw: &str) -> SettingsEvent {
        SettingsEvent::PriceRuleSet {
            platform,
            percent: percent(raw),
        }
    }

    fn set_rule(platform: Platform, raw: &str) -> SettingsCommand {
        SettingsCommand::SetPriceRule {
            platform,
            percent: percent(raw),
        }
    }

    #[test]
    fn a_platform_s_price_rule_is_recorded_and_a_repeat_records_nothing() {
        records(
            vec![],
            set_rule(Platform::Reverb, "5"),
            vec![rule(Platform::Reverb, "5")],
        );
        records(
            vec![rule(Platform::Reverb, "5")],
            set_rule(Platform::Reverb, "5.00"),
            vec![],
        );
        records(
            vec![rule(Platform::Reverb, "5")],
            set_rule(Platform::Reverb, "-7.5"),
            vec![rule(Platform::Reverb, "-7.5")],
        );
    }

    #[test]
    fn zero_removes_a_rule_and_removing_none_records_nothing() {
        records(
            vec![rule(Platform::Reverb, "5")],
            set_rule(Platform::Reverb, "0"),
            vec![rule(Platform::Reverb, "0")],
        );
        records(
            vec![rule(Platform::Reverb, "5")],
            set_rule(Platform::Ebay, "0"),
            vec![],
        );
        let mut settings = Settings::default();
        settings.apply(rule(Platform::Reverb, "5"));
        settings.apply(rule(Platform::Vr, "10"));
        settings.apply(rule(Platform::Reverb, "0"));
        assert_eq!(settings.price_rule(Platform::Reverb), None);
        assert_eq!(settings.price_rule(Platform::Vr), Some(percent("10")));
        assert_eq!(settings.price_rule(Platform::Ebay), None);
    }

    #[test]
    fn dropdowns_are_ordered_by_count_until_told_otherwise() {
        assert_eq!(
            Settings::default().order_of(DropdownField::Category),
            DropdownOrder::Count
        );
        assert!("size".parse::<DropdownField>().is_err());
        assert!("random".parse::<DropdownOrder>().is_err());
    }
}
