//! The one rule for every piece of text a command carries.
//!
//! Text reaches the log from two kinds of sender, and each gets its own
//! rule:
//!
//! - **People** (the API, the forms) are told what is wrong: a text is
//!   refused, naming its field, when it is longer than its limit or holds a
//!   control character ([`line`], [`paragraph`]). NUL above all: PostgreSQL's
//!   `jsonb` cannot hold `\u0000`, so an event carrying one could never be
//!   appended there.
//! - **Marketplaces** cannot be told anything: a platform that gets an error
//!   resends forever. What they report is kept, made safe: a free text has
//!   its control characters replaced and is cut at its limit
//!   ([`sanitized`]); an identifier Riff only compares is kept as it is when
//!   it fits and otherwise replaced by its SHA-256 digest ([`key`]), which
//!   stays unique and short enough for any index.
//!
//! The limits keep every key and index of every view within what the
//! databases allow (PostgreSQL's b-tree takes at most 2,704 bytes an entry;
//! [`MAX_ID`] characters are at most 1,024 bytes of UTF-8).
//!
//! A text that holds nothing visible (spaces, zero-width spaces, other
//! invisible formatting characters) is blank: [`is_blank`].

use sha2::{Digest, Sha256};

use super::InvalidValue;

/// The longest identifier Riff keeps: an order reference, a platform's id,
/// a webhook delivery id. Real ones are tens of characters.
pub const MAX_ID: usize = 256;

/// The longest name a person types: a brand, a model, a finish, a
/// category.
pub const MAX_NAME: usize = 100;

/// The longest short free text: a note, a reason, an error message.
pub const MAX_NOTE: usize = 2_000;

/// The longest URL Riff keeps (browsers and marketplaces stop near 2,000).
pub const MAX_URL: usize = 2_000;

/// The prefix of an identifier replaced by its digest.
const DIGEST_PREFIX: &str = "sha256:";

/// Whether a character shows nothing: whitespace, and the invisible
/// formatting characters (zero-width spaces and joiners, direction marks,
/// the byte-order mark, the soft hyphen, Hangul fillers, tag characters).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Whether a text holds nothing visible.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_invisible)
}

/// A one-line text a person typed: trimmed, not blank, at most `max`
/// characters, no control character at all.
///
/// # Errors
/// Blank, too long, or holding a control character; the error names `field`.
pub fn line(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidValue> {
    checked(field, raw, max, false)?.ok_or_else(|| InvalidValue::new(field, "is required"))
}

/// A text of several lines a person typed (a description, a note): as
/// [`line`], but line breaks and tabs are allowed. Blank is `None`.
///
/// # Errors
/// Too long, or holding a control character other than a line break or tab.
pub fn paragraph(
    field: &'static str,
    raw: &str,
    max: usize,
) -> Result<Option<String>, InvalidValue> {
    checked(field, raw, max, true)
}

/// An optional one-line text: as [`line`], blank is `None`.
///
/// # Errors
/// As [`line`], except that blank is allowed.
pub fn optional_line(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, InvalidValue> {
    match raw {
        None => Ok(None),
        Some(raw) => checked(field, raw, max, false),
    }
}

fn checked(
    field: &'static str,
    raw: &str,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, InvalidValue> {
    let value = raw.trim();
    if is_blank(value) {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(InvalidValue::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(InvalidValue::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(Some(value.to_owned()))
}

/// A free text a marketplace reported, made safe to keep: control
/// characters other than line breaks and tabs become U+FFFD, and the text
/// is cut at `max` characters.
pub fn sanitized(raw: &str, max: usize) -> String {
    raw.chars()
        .take(max)
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

/// An identifier a marketplace sent, which Riff only compares: kept as it
/// is when it is a valid [`line`] of at most [`MAX_ID`] characters (and
/// does not look like a digest), otherwise replaced by `sha256:<hex>` of
/// its bytes. The same id always gives the same key, and two different ids
/// never share one.
pub fn key(raw: &str) -> String {
    let fits = raw.chars().count() <= MAX_ID
        && !raw.is_empty()
        && !raw.starts_with(DIGEST_PREFIX)
        && !raw.chars().any(char::is_control)
        && !is_blank(raw);
    if fits {
        raw.to_owned()
    } else {
        format!(
            "{DIGEST_PREFIX}{}",
            hex::encode(Sha256::digest(raw.as_bytes()))
        )
    }
}

/// Replaces every NUL in a JSON value's strings and keys (which PostgreSQL's
/// `jsonb` cannot hold) by U+FFFD: what a marketplace reported is kept for
/// the audit as closely as the log can hold it.
pub fn scrub_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => *s = s.replace('\0', "\u{FFFD}"),
        Value::Array(items) => items.iter_mut().for_each(scrub_json),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                let old = std::mem::take(map);
                for (k, v) in old {
                    map.insert(k.replace('\0', "\u{FFFD}"), v);
                }
            }
            map.values_mut().for_each(scrub_json);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_line_is_trimmed_and_checked() {
        assert_eq!(line("title", "  Les Paul ", 80).unwrap(), "Les Paul");
        assert_eq!(line("title", "", 80).unwrap_err().message, "is required");
        assert_eq!(
            line("title", &"x".repeat(81), 80).unwrap_err().field,
            "title"
        );
        for control in ["a\0b", "a\nb", "a\u{7}b", "a\u{85}b", "a\u{1b}[31mb"] {
            let err = line("order_ref", control, 80).unwrap_err();
            assert_eq!(err.field, "order_ref", "{control:?}");
            assert!(err.message.contains("control"), "{control:?}");
        }
    }

    #[test]
    fn a_paragraph_keeps_its_line_breaks_but_not_nul() {
        assert_eq!(
            paragraph("note", "one\r\ntwo\tthree", 100)
                .unwrap()
                .unwrap(),
            "one\r\ntwo\tthree"
        );
        assert!(paragraph("note", "one\0two", 100).is_err());
    }

    #[test]
    fn text_of_invisible_characters_only_is_blank() {
        assert!(is_blank("\u{200B}\u{200B} \u{FEFF}\u{2060}"));
        assert_eq!(
            line("title", "\u{200B}\u{200C}\u{200D}", 80)
                .unwrap_err()
                .message,
            "is required"
        );
        assert_eq!(paragraph("note", "\u{00AD} \u{200E}", 80).unwrap(), None);
        assert!(!is_blank("\u{200B}a"));
    }

    #[test]
    fn a_short_clean_id_is_its_own_key() {
        assert_eq!(key("ORDER-123"), "ORDER-123");
    }

    #[test]
    fn a_long_or_unclean_id_is_replaced_by_its_digest() {
        let long = "x".repeat(3000);
        let k = key(&long);
        assert!(k.starts_with("sha256:") && k.len() == 71, "{k}");
        assert_eq!(key(&long), k, "the same id gives the same key");
        assert_ne!(key(&"y".repeat(3000)), k);
        assert!(key("a\0b").starts_with("sha256:"));
        // An id that looks like a digest is hashed too, so no sent id can
        // collide with another one's digest.
        assert_ne!(key(&k), k);
    }

    #[test]
    fn sanitising_replaces_control_characters_and_cuts() {
        assert_eq!(sanitized("a\0b\nc", 10), "a\u{FFFD}b\nc");
        assert_eq!(sanitized("abcdef", 3), "abc");
    }

    #[test]
    fn nul_is_scrubbed_from_json_strings_and_keys() {
        let mut v = serde_json::json!({"a\u{0}": ["x\u{0}", {"b": "y\u{0}"}]});
        scrub_json(&mut v);
        assert!(!v.to_string().contains("\\u0000"), "{v}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(19), ..ProptestConfig::default() })]

        /// Whatever a person types, an accepted line fits the limit, holds
        /// no control character and is not blank.
        #[test]
        fn an_accepted_line_is_clean(raw in ".{0,300}") {
            if let Ok(value) = line("f", &raw, 100) {
                prop_assert!(value.chars().count() <= 100);
                prop_assert!(!value.chars().any(char::is_control));
                prop_assert!(!is_blank(&value));
            }
        }

        /// Whatever a platform sends, its key is short enough for any index
        /// and holds no control character.
        #[test]
        fn every_key_fits_an_index(raw in "(?s).{0,600}") {
            let k = key(&raw);
            prop_assert!(k.len() <= MAX_ID * 4);
            prop_assert!(!k.chars().any(char::is_control));
            prop_assert!(!k.is_empty());
        }
    }
}
