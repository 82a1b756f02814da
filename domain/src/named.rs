//! Enums that are stored, sent and shown by name.

/// Writes the names of a fieldless enum that is stored, sent and shown by
/// name, from one table of variant and name, so that no name is spelt
/// twice: `ALL` (every variant, in order), `as_str` (the variant's name),
/// `named` (the variant of a name spelt exactly so) and `Display` (the
/// name). Parsing stays with each type: what it forgives (case, spaces)
/// and how it says no differ.
macro_rules! named {
    ($type:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            /// Every variant, in order.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The name it is stored and shown by.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The variant whose name is exactly `name`.
            pub fn named(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == name)
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named;
