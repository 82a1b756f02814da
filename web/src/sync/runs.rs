//! Which reconcile runs answer the requests waiting for the leader's loop:
//! a burst of webhooks is one targeted look, and a scan waiting too covers
//! their sales.

use riff_domain::sync_run::Trigger;
use riff_domain::value::Platform;
use uuid::Uuid;

use super::look::{self, Named};

/// A reconcile someone asked for: by the API, a webhook or the schedule.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub run_id: Uuid,
    /// `None`: every configured platform.
    pub platform: Option<Platform>,
    pub trigger: Trigger,
    /// The listings on `platform` a webhook named, for a targeted look.
    pub named: Vec<String>,
}

/// One reconcile run to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Run {
    pub(super) run_id: Uuid,
    pub(super) trigger: Trigger,
    pub(super) platforms: Vec<Platform>,
    /// What the webhooks named, on the platforms of a targeted look.
    pub(super) named: Named,
}

/// The runs that answer every waiting request: first one scan of every
/// platform any request wants scanned, then one targeted look
/// ([`look::Look::Sales`]) at the platforms only webhooks asked
/// about — a scan reads the sales too. Each run takes the id and trigger of
/// its first request; `chosen` says which platforms a request covers.
pub(super) fn batch(
    waiting: &[SyncRequest],
    chosen: impl Fn(Option<Platform>) -> Vec<Platform>,
) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for look in [look::Look::Everything, look::Look::Sales] {
        let group: Vec<_> = waiting
            .iter()
            .filter(|r| look::Look::for_trigger(r.trigger) == look)
            .collect();
        let Some(first) = group.first() else {
            continue;
        };
        let mut platforms: Vec<Platform> = group.iter().flat_map(|r| chosen(r.platform)).collect();
        platforms.sort();
        platforms.dedup();
        platforms.retain(|p| !runs.iter().any(|run| run.platforms.contains(p)));
        let mut named = Named::new();
        for request in &group {
            if let Some(platform) = request.platform.filter(|p| platforms.contains(p)) {
                let ids = named.entry(platform).or_default();
                for id in &request.named {
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
            }
        }
        named.retain(|_, ids| !ids.is_empty());
        if !platforms.is_empty() {
            runs.push(Run {
                run_id: first.run_id,
                trigger: first.trigger,
                platforms,
                named,
            });
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: u128, platform: Option<Platform>, trigger: Trigger) -> SyncRequest {
        SyncRequest {
            run_id: Uuid::from_u128(n),
            platform,
            trigger,
            named: Vec::new(),
        }
    }

    fn all(platform: Option<Platform>) -> Vec<Platform> {
        platform.map_or_else(|| Platform::ALL.to_vec(), |p| vec![p])
    }

    #[test]
    fn a_burst_of_webhooks_is_one_targeted_look_at_their_platforms() {
        let waiting = [
            request(1, Some(Platform::Shopify), Trigger::Webhook),
            request(2, Some(Platform::Ebay), Trigger::Webhook),
            request(3, Some(Platform::Shopify), Trigger::Webhook),
        ];
        assert_eq!(
            batch(&waiting, all),
            vec![Run {
                run_id: Uuid::from_u128(1),
                trigger: Trigger::Webhook,
                platforms: vec![Platform::Ebay, Platform::Shopify],
                named: Named::new(),
            }]
        );
    }

    #[test]
    fn the_listings_a_burst_of_webhooks_names_are_looked_at_once_each() {
        let named = |n, ids: &[&str]| SyncRequest {
            named: ids.iter().map(|id| (*id).to_owned()).collect(),
            ..request(n, Some(Platform::Ebay), Trigger::Webhook)
        };
        let waiting = [
            named(1, &["110551"]),
            request(2, Some(Platform::Reverb), Trigger::Webhook),
            named(3, &["110552", "110551"]),
            request(4, Some(Platform::Ebay), Trigger::Schedule),
            named(5, &["110553"]),
        ];
        let runs = batch(&waiting[..3], all);
        assert_eq!(runs.len(), 1);
        assert_eq!(
            runs[0].named,
            Named::from([(Platform::Ebay, vec!["110551".into(), "110552".into()])])
        );
        // A scan of eBay waiting too reads all of eBay: nothing to name.
        let runs = batch(&waiting, all);
        assert_eq!(
            runs.iter()
                .map(|r| (r.trigger, r.named.clone()))
                .collect::<Vec<_>>(),
            [
                (Trigger::Schedule, Named::new()),
                (Trigger::Webhook, Named::new())
            ]
        );
    }

    #[test]
    fn a_scan_waiting_behind_a_webhook_is_still_a_scan_and_covers_its_sales() {
        let waiting = [
            request(1, Some(Platform::Shopify), Trigger::Webhook),
            request(2, Some(Platform::Reverb), Trigger::Webhook),
            request(3, Some(Platform::Shopify), Trigger::Schedule),
        ];
        assert_eq!(
            batch(&waiting, all),
            vec![
                Run {
                    run_id: Uuid::from_u128(3),
                    trigger: Trigger::Schedule,
                    platforms: vec![Platform::Shopify],
                    named: Named::new(),
                },
                Run {
                    run_id: Uuid::from_u128(1),
                    trigger: Trigger::Webhook,
                    platforms: vec![Platform::Reverb],
                    named: Named::new(),
                },
            ]
        );
        let everything = [
            request(1, Some(Platform::Shopify), Trigger::Webhook),
            request(2, None, Trigger::Schedule),
        ];
        assert_eq!(
            batch(&everything, all),
            vec![Run {
                run_id: Uuid::from_u128(2),
                trigger: Trigger::Schedule,
                platforms: Platform::ALL.to_vec(),
                named: Named::new(),
            }]
        );
    }
}
