//! Logs: tracing to stderr, filtered by `RUST_LOG`, as text or as JSON
//! (`RIFF_LOG_FORMAT`).

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event, for people.
    #[default]
    Text,
    /// One JSON object per line, for log collectors: `timestamp`, `level`,
    /// `target`, `message` and the event's own fields at the top level, and
    /// the span it happened in (`span`) when there is one.
    Json,
}

/// Reads `RIFF_LOG_FORMAT` (or `--log-format`): `text` or `json`.
pub fn parse_log_format(value: &str) -> Result<LogFormat, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(format!(
            "RIFF_LOG_FORMAT must be `text` or `json`, not `{value}`"
        )),
    }
}

/// Installs the global subscriber, writing text.
pub fn init() {
    init_with(LogFormat::Text);
}

/// Installs the global subscriber, writing `format`. The default filter
/// shows Riff's own information and one line per HTTP request.
pub fn init_with(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("riff=info,riff_web=info,riff_projections=info,tower_http=info")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}
