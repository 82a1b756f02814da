//! How the sync loops learn that they are to stop.

/// Completes once `stop` says to stop (or its sender is gone).
pub(crate) async fn stopped(stop: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Whether a stop has been asked for (or its sender is gone), for a loop
/// about to go round again without waiting.
pub(crate) fn stopping(stop: &tokio::sync::watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}
