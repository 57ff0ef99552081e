//! The shells' clock.
//!
//! Cores arm their timers (pings, failover timeouts, offer timeouts, retries) in the [`Time`]
//! their inputs carry. Reading the wall clock for it would let a clock step (an NTP
//! correction, an operator's `date -s`) fire every timeout at once or stall them all. So
//! [`now`] is monotonic: the wall clock read once, when the process first asks, plus the
//! monotonic time elapsed since. Timestamps shown to users are wall time all the same: the
//! shells tell their cores what the wall clock reads ([`wall_now`]) next to each `now`, and
//! the cores stamp with that.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use mesos_types::Time;

/// A monotonic clock anchored to the wall clock at one instant.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    anchor: Instant,
    anchor_wall: Time,
}

impl Clock {
    /// A clock reading `wall` at `anchor`.
    pub fn anchored(anchor: Instant, wall: Time) -> Clock {
        Clock { anchor, anchor_wall: wall }
    }

    /// A clock anchored at the current instant and wall-clock time.
    pub fn start() -> Clock {
        Clock::anchored(Instant::now(), wall_now())
    }

    /// The time at `instant`: the anchor's wall time plus the monotonic time since (never
    /// before the anchor).
    pub fn at(&self, instant: Instant) -> Time {
        self.anchor_wall + instant.saturating_duration_since(self.anchor)
    }

    /// The time now.
    pub fn now(&self) -> Time {
        self.at(Instant::now())
    }
}

/// The process' clock: nanoseconds since the Unix epoch as of its first use, advancing
/// monotonically from there.
pub fn now() -> Time {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    CLOCK.get_or_init(Clock::start).now()
}

/// The wall clock as a [`Time`] (nanoseconds since the Unix epoch).
pub fn wall_now() -> Time {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    Time::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn time_follows_the_monotonic_clock_from_its_wall_clock_anchor() {
        let anchor = Instant::now();
        let clock = Clock::anchored(anchor, Time::from_nanos(1_000_000_000_000));
        assert_eq!(clock.at(anchor), Time::from_nanos(1_000_000_000_000));
        assert_eq!(clock.at(anchor + Duration::from_secs(5)), Time::from_nanos(1_005_000_000_000));
        // An instant before the anchor does not take time backwards.
        if let Some(earlier) = anchor.checked_sub(Duration::from_secs(1)) {
            assert_eq!(clock.at(earlier), Time::from_nanos(1_000_000_000_000));
        }
    }

    #[test]
    fn the_process_clock_never_goes_backwards_and_starts_at_wall_time() {
        let wall = wall_now();
        let first = now();
        let drift = first.as_nanos().abs_diff(wall.as_nanos());
        assert!(drift < Duration::from_secs(60).as_nanos() as u64, "anchored to the wall clock");
        let mut previous = first;
        for _ in 0..10_000 {
            let next = now();
            assert!(next >= previous);
            previous = next;
        }
    }
}
