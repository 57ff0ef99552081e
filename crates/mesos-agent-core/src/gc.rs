//! Sandbox garbage collection policy (operator-api.md §8.4): a finished sandbox is removed at
//! `mtime + --gc_delay`, or sooner when the disk fills: every `--disk_watch_interval` the
//! largest allowed age becomes `gc_delay × max(0, 1 − gc_disk_headroom − usage)` and older
//! sandboxes go at once.

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_types::Time;

/// Sandboxes scheduled for removal, by path, with when they finished.
#[derive(Debug, Default)]
pub struct GarbageCollector {
    scheduled: BTreeMap<String, Time>,
}

impl GarbageCollector {
    /// An empty collector.
    pub fn new() -> GarbageCollector {
        GarbageCollector::default()
    }

    /// Schedules `path` (finished at `mtime`).
    pub fn schedule(&mut self, path: &str, mtime: Time) {
        self.scheduled.insert(path.to_string(), mtime);
    }

    /// Cancels a schedule (the sandbox is in use again, e.g. a recovered executor).
    pub fn unschedule(&mut self, path: &str) -> bool {
        self.scheduled.remove(path).is_some()
    }

    /// Paths due for removal at `now` given the current allowed age; they leave the schedule.
    pub fn due(&mut self, now: Time, max_age: Duration) -> Vec<String> {
        let due: Vec<String> = self
            .scheduled
            .iter()
            .filter(|(_, mtime)| now.saturating_since(**mtime) >= max_age)
            .map(|(path, _)| path.clone())
            .collect();
        for path in &due {
            self.scheduled.remove(path);
        }
        due
    }

    /// Number of paths waiting (`gc/path_removals_pending`).
    pub fn pending(&self) -> usize {
        self.scheduled.len()
    }
}

/// The largest sandbox age allowed at disk usage `usage` (0..1).
pub fn max_allowed_age(gc_delay: Duration, gc_disk_headroom: f64, usage: f64) -> Duration {
    let factor = (1.0 - gc_disk_headroom - usage).clamp(0.0, 1.0);
    gc_delay.mul_f64(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEK: Duration = Duration::from_secs(7 * 24 * 3600);

    #[test]
    fn the_age_shrinks_as_the_disk_fills() {
        // The spec's example: a week, headroom 0.1, 60% full -> 0.3 weeks.
        let age = max_allowed_age(WEEK, 0.1, 0.6);
        assert!((age.as_secs_f64() - WEEK.as_secs_f64() * 0.3).abs() < 1.0);
        assert_eq!(max_allowed_age(WEEK, 0.1, 0.95), Duration::ZERO);
        assert_eq!(max_allowed_age(WEEK, 0.1, 0.0), WEEK.mul_f64(0.9));
    }

    #[test]
    fn due_paths_leave_the_schedule() {
        let mut gc = GarbageCollector::new();
        let day = Duration::from_secs(24 * 3600);
        gc.schedule("/old", Time::ZERO);
        gc.schedule("/new", Time::ZERO + day * 5);
        let now = Time::ZERO + day * 6;
        assert_eq!(gc.due(now, WEEK), Vec::<String>::new());
        assert_eq!(gc.due(now, max_allowed_age(WEEK, 0.1, 0.6)), vec!["/old".to_string()]);
        assert_eq!(gc.pending(), 1);
        assert!(gc.unschedule("/new"));
        assert_eq!(gc.pending(), 0);
    }
}
