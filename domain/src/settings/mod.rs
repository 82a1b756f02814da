//! The Settings aggregate: the shop's preferences that belong in the log
//! like everything else (who changed what, when), starting with how the
//! inventory's filter dropdowns are ordered. One instance, id [`Settings::ID`].

use std::fmt;
use std::str::FromStr;

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::value::InvalidValue;

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

impl DropdownField {
    pub const ALL: [DropdownField; 5] = [
        Self::Status,
        Self::Platform,
        Self::Brand,
        Self::Category,
        Self::Condition,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Platform => "platform",
            Self::Brand => "brand",
            Self::Category => "category",
            Self::Condition => "condition",
        }
    }
}

impl FromStr for DropdownField {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                InvalidValue::new(
                    "field",
                    format!("{s:?} is not a dropdown; use status, platform, brand, category or condition"),
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

impl DropdownOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Alpha => "alpha",
        }
    }
}

impl FromStr for DropdownOrder {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "count" => Ok(Self::Count),
            "alpha" => Ok(Self::Alpha),
            _ => Err(InvalidValue::new("order", "must be count or alpha")),
        }
    }
}

impl fmt::Display for DropdownOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsCommand {
    SetDropdownSort {
        field: DropdownField,
        order: DropdownOrder,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SettingsEvent {
    DropdownSortChanged {
        field: DropdownField,
        order: DropdownOrder,
    },
}

impl DomainEvent for SettingsEvent {
    fn event_type(&self) -> String {
        match self {
            Self::DropdownSortChanged { .. } => "DropdownSortChanged".to_owned(),
        }
    }

    fn event_version(&self) -> String {
        "1.0.0".to_owned()
    }
}

/// Settings commands never fail; the type exists because cqrs-es asks for
/// one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the settings could not be changed")]
pub struct SettingsError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub dropdown_sort: Vec<(DropdownField, DropdownOrder)>,
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
}

impl Aggregate for Settings {
    const TYPE: &'static str = "settings";
    type Command = SettingsCommand;
    type Event = SettingsEvent;
    type Error = SettingsError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let SettingsCommand::SetDropdownSort { field, order } = command;
        // Setting what is already set records nothing.
        if self.order_of(field) != order || !self.dropdown_sort.iter().any(|(f, _)| *f == field) {
            sink.write(SettingsEvent::DropdownSortChanged { field, order }, self)
                .await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let SettingsEvent::DropdownSortChanged { field, order } = event;
        self.dropdown_sort.retain(|(f, _)| *f != field);
        self.dropdown_sort.push((field, order));
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    #[test]
    fn changing_a_dropdown_order_is_recorded() {
        TestFramework::<Settings>::with(())
            .given_no_previous_events()
            .when(SettingsCommand::SetDropdownSort {
                field: DropdownField::Brand,
                order: DropdownOrder::Alpha,
            })
            .then_expect_events(vec![SettingsEvent::DropdownSortChanged {
                field: DropdownField::Brand,
                order: DropdownOrder::Alpha,
            }]);
    }

    #[test]
    fn setting_the_same_order_again_records_nothing() {
        TestFramework::<Settings>::with(())
            .given(vec![SettingsEvent::DropdownSortChanged {
                field: DropdownField::Brand,
                order: DropdownOrder::Alpha,
            }])
            .when(SettingsCommand::SetDropdownSort {
                field: DropdownField::Brand,
                order: DropdownOrder::Alpha,
            })
            .then_expect_events(vec![]);
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
