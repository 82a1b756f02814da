//! The outbox's guard before a publish.

use crate::product::ProductStatus;

/// Whether a pending listing is published now. A product no longer for
/// sale (sold, archived, a draft) is not — unless an earlier attempt may
/// already have put it up: publishing again then only finds that listing
/// on the platform, and the sagas end it.
pub fn publish_now(status: ProductStatus, attempts_so_far: u32) -> bool {
    status.can_be_listed() || attempts_so_far > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_active_product_is_published() {
        assert!(publish_now(ProductStatus::Active, 0));
    }

    #[test]
    fn a_product_sold_before_its_publish_is_not_put_up() {
        assert!(!publish_now(ProductStatus::Sold, 0));
        assert!(!publish_now(ProductStatus::Draft, 0));
    }

    #[test]
    fn after_an_attempt_that_may_have_reached_the_platform_it_is_looked_for_again() {
        assert!(publish_now(ProductStatus::Sold, 1));
    }
}
