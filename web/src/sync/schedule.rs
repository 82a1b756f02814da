//! The reconcile schedule: `RIFF_SYNC_TIMES` (local times of day) in
//! `RIFF_TIMEZONE`.

use std::str::FromStr;

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use riff_domain::sync_run::Trigger;
use tokio::sync::watch;

use super::Engine;

/// When reconciles run by themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    times: Vec<NaiveTime>,
    zone: Tz,
}

impl Schedule {
    /// `times` such as `06:00,18:00`; an empty list schedules nothing.
    ///
    /// # Errors
    /// A time that is not HH:MM, or a zone that is not an IANA name such as
    /// `Europe/London`.
    pub fn parse(times: &str, zone: &str) -> Result<Self, String> {
        let zone = Tz::from_str(zone.trim()).map_err(|_| {
            format!("RIFF_TIMEZONE {zone:?} is not a time zone such as Europe/London")
        })?;
        let mut parsed = times
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|_| format!("RIFF_SYNC_TIMES {t:?} is not a time such as 06:00"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        parsed.sort();
        parsed.dedup();
        Ok(Self {
            times: parsed,
            zone,
        })
    }

    /// The shop's time zone, for everything else that shows or reads a
    /// time of day.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The first scheduled moment after `now`. A local time that does not
    /// exist on a day (the spring clock change) is skipped that day; one
    /// that happens twice (autumn) runs at its first occurrence.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = now.with_timezone(&self.zone).date_naive();
        (0..3u64)
            .filter_map(|d| today.checked_add_days(Days::new(d)))
            .flat_map(|day| self.times.iter().map(move |t| day.and_time(*t)))
            .filter_map(|local| self.zone.from_local_datetime(&local).earliest())
            .map(|at| at.with_timezone(&Utc))
            .find(|at| *at > now)
    }

    /// Asks for a reconcile of every platform at each scheduled moment.
    pub async fn run(&self, engine: &Engine, mut stop: watch::Receiver<bool>) {
        loop {
            let Some(next) = self.next_after(Utc::now()) else {
                super::stopped(&mut stop).await;
                return;
            };
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::select! {
                () = super::stopped(&mut stop) => return,
                () = tokio::time::sleep(wait) => {
                    engine.request_sync(None, Trigger::Schedule);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_next_run_is_the_next_local_time_in_the_shops_zone() {
        let schedule = Schedule::parse("06:00,18:00", "Europe/London").unwrap();
        // London is on GMT in November: local equals UTC.
        assert_eq!(
            schedule.next_after(utc("2026-11-25T10:30:00Z")),
            Some(utc("2026-11-25T18:00:00Z"))
        );
        assert_eq!(
            schedule.next_after(utc("2026-11-25T18:00:00Z")),
            Some(utc("2026-11-26T06:00:00Z"))
        );
        // In July it is on BST, an hour ahead of UTC.
        assert_eq!(
            schedule.next_after(utc("2026-07-01T04:00:00Z")),
            Some(utc("2026-07-01T05:00:00Z"))
        );
    }

    #[test]
    fn a_time_that_does_not_exist_on_the_spring_change_is_skipped() {
        let schedule = Schedule::parse("01:30", "Europe/London").unwrap();
        // 29 March 2026: clocks go from 01:00 to 02:00 in London.
        assert_eq!(
            schedule.next_after(utc("2026-03-28T12:00:00Z")),
            Some(utc("2026-03-30T00:30:00Z"))
        );
    }

    #[test]
    fn bad_times_and_zones_are_named() {
        assert!(Schedule::parse("6pm", "Europe/London")
            .unwrap_err()
            .contains("RIFF_SYNC_TIMES"));
        assert!(Schedule::parse("06:00", "Mars/Olympus")
            .unwrap_err()
            .contains("RIFF_TIMEZONE"));
        assert_eq!(
            Schedule::parse("", "UTC").unwrap().next_after(Utc::now()),
            None
        );
    }
}
