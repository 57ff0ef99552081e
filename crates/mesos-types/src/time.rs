//! Logical time for the sans-IO cores.
//!
//! Cores never read a clock: every input carries a [`Time`], so the simulator and tests can
//! construct any instant. The origin is arbitrary (the shell uses process start).

use std::ops::{Add, Sub};
use std::time::Duration;

/// An instant, in nanoseconds since an arbitrary origin chosen by the driver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(u64);

impl Time {
    /// The origin.
    pub const ZERO: Time = Time(0);

    /// An instant `nanos` after the origin.
    pub const fn from_nanos(nanos: u64) -> Time {
        Time(nanos)
    }

    /// Nanoseconds since the origin.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Time elapsed since `earlier`, zero if `earlier` is later.
    pub fn saturating_since(self, earlier: Time) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Time {
    type Output = Time;
    fn add(self, rhs: Duration) -> Time {
        let nanos = u64::try_from(rhs.as_nanos()).unwrap_or(u64::MAX);
        Time(self.0.saturating_add(nanos))
    }
}

impl Sub<Time> for Time {
    type Output = Duration;
    fn sub(self, rhs: Time) -> Duration {
        self.saturating_since(rhs)
    }
}

/// How far the wall clock is from a core's [`Time`] (which the shells keep monotonic): the
/// shell reports what the wall clock reads at a `now`, and the core converts its instants to
/// wall time only for timestamps shown to users; its timers never see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WallClock {
    /// Wall-clock nanoseconds minus core nanoseconds; 0 until told (the two are the same).
    offset: i128,
}

impl WallClock {
    /// The wall clock reads `wall` at the core's instant `now`.
    pub fn set(&mut self, now: Time, wall: Time) {
        self.offset = i128::from(wall.as_nanos()) - i128::from(now.as_nanos());
    }

    /// The wall-clock time of the core's instant `at`.
    pub fn at(&self, at: Time) -> Time {
        let nanos = (i128::from(at.as_nanos()) + self.offset).clamp(0, i128::from(u64::MAX));
        Time::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// [`WallClock::at`] in seconds since the epoch, as Mesos' timestamps are.
    pub fn seconds_at(&self, at: Time) -> f64 {
        self.at(at).as_nanos() as f64 / 1e9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_clock_is_an_offset_from_core_time() {
        let mut wall = WallClock::default();
        assert_eq!(wall.at(Time::from_nanos(7)), Time::from_nanos(7), "the same until told");
        wall.set(Time::from_nanos(5_000_000_000), Time::from_nanos(2_000_000_000));
        assert_eq!(wall.at(Time::from_nanos(6_000_000_000)), Time::from_nanos(3_000_000_000));
        assert_eq!(wall.seconds_at(Time::from_nanos(6_000_000_000)), 3.0);
        assert_eq!(wall.at(Time::ZERO), Time::ZERO, "never before the epoch");
    }

    #[test]
    fn adding_a_huge_duration_saturates() {
        let t = Time::from_nanos(5) + Duration::MAX;
        assert_eq!(t.as_nanos(), u64::MAX);
        assert_eq!(Time::from_nanos(3) - Time::from_nanos(10), Duration::ZERO);
    }
}
