//! What every adapter reads alike from a publish request.

use riff_domain::listing::PlatformAttributes;
use riff_domain::port::PortError;
use riff_domain::value::Platform;

/// The refusal of `attributes` made for another platform than the
/// adapter's own, `adapter`: the request was sent to the wrong adapter.
pub(crate) fn foreign_attributes(attributes: &PlatformAttributes, adapter: Platform) -> PortError {
    PortError::Validation {
        field: Some("attributes".into()),
        message: format!(
            "{} attributes were given to the {} adapter",
            attributes.platform().display_name(),
            adapter.display_name()
        ),
    }
}
