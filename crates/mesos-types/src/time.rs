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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_a_huge_duration_saturates() {
        let t = Time::from_nanos(5) + Duration::MAX;
        assert_eq!(t.as_nanos(), u64::MAX);
        assert_eq!(Time::from_nanos(3) - Time::from_nanos(10), Duration::ZERO);
    }
}
