//! Secrets given as settings (tokens, passwords), read by the command
//! line's parser for every part of the configuration.

use riff_adapters::Secret;

/// A token or password given as a setting: never empty.
pub(crate) fn parse_secret(raw: &str) -> Result<Secret, String> {
    if raw.trim().is_empty() {
        return Err("must not be empty".into());
    }
    Ok(Secret::new(raw))
}
