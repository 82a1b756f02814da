//! Why a simulator's test control refused.

/// The test asked for something the simulated platform cannot do (selling
/// an ended item, say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("simulator: {0}")]
pub struct ControlError(pub(crate) String);
