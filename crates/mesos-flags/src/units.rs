//! Durations and byte sizes in stout's text format (`15secs`, `1.5mins`, `2GB`).
//!
//! The same format is used for flags and for executor environment variables such as
//! `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD`, which pymesos parses back.

use std::time::Duration;

const DURATION_UNITS: &[(&str, u128)] = &[
    ("weeks", 7 * 24 * 3600 * 1_000_000_000),
    ("days", 24 * 3600 * 1_000_000_000),
    ("hrs", 3600 * 1_000_000_000),
    ("mins", 60 * 1_000_000_000),
    ("secs", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// Parses `<number><unit>` with unit one of `ns us ms secs mins hrs days weeks`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
        .ok_or_else(|| {
            format!("'{text}' has no unit; expected e.g. 5secs (units: ns us ms secs mins hrs days weeks)")
        })?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("'{text}' does not start with a number"))?;
    let Some(&(_, nanos_per_unit)) = DURATION_UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(format!(
            "unknown duration unit '{unit}' in '{text}' (units: ns us ms secs mins hrs days weeks)"
        ));
    };
    if !value.is_finite() || value < 0.0 {
        return Err(format!("'{text}' is not a non-negative duration"));
    }
    let nanos = value * nanos_per_unit as f64;
    if nanos > u64::MAX as f64 {
        return Err(format!("'{text}' is too long"));
    }
    Ok(Duration::from_nanos(nanos.round() as u64))
}

/// Formats a duration in the largest unit that keeps it whole, as stout prints it; falls back
/// to a fractional value of the largest unit not above it when none is whole.
pub fn format_duration(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0ns".to_string();
    }
    for (name, per) in DURATION_UNITS {
        if nanos.is_multiple_of(*per) {
            return format!("{}{}", nanos / per, name);
        }
    }
    "0ns".to_string()
}

const BYTE_UNITS: &[(&str, u64)] =
    &[("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)];

/// Parses `<integer><unit>` with unit one of `B KB MB GB TB` (case-insensitive, binary).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: u64 = number.parse().map_err(|_| format!("'{text}' does not start with a whole number"))?;
    let unit = unit.to_ascii_uppercase();
    let Some(&(_, per)) = BYTE_UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(format!("unknown size unit in '{text}' (units: B KB MB GB TB)"));
    };
    value.checked_mul(per).ok_or_else(|| format!("'{text}' is too large"))
}

/// Formats a byte count in the largest whole unit (`2GB`, `4KB`, `17B`).
pub fn format_bytes(bytes: u64) -> String {
    for (name, per) in BYTE_UNITS {
        if bytes >= *per && bytes.is_multiple_of(*per) {
            return format!("{}{}", bytes / per, name);
        }
    }
    format!("{bytes}B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print_like_stout() {
        assert_eq!(parse_duration("15secs").unwrap(), Duration::from_secs(15));
        assert_eq!(parse_duration("1.5secs").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2weeks").unwrap(), Duration::from_secs(14 * 24 * 3600));
        assert!(parse_duration("15").unwrap_err().contains("no unit"));
        assert!(parse_duration("15parsecs").unwrap_err().contains("unknown duration unit"));
        assert!(parse_duration("-1secs").is_err());
        assert_eq!(format_duration(Duration::from_secs(15)), "15secs");
        assert_eq!(format_duration(Duration::from_secs(600)), "10mins");
        assert_eq!(format_duration(Duration::from_secs(7 * 24 * 3600)), "1weeks");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::ZERO), "0ns");
    }

    #[test]
    fn byte_sizes_parse_and_print() {
        assert_eq!(parse_bytes("2GB").unwrap(), 2 << 30);
        assert_eq!(parse_bytes("4kb").unwrap(), 4096);
        assert!(parse_bytes("1.5GB").is_err());
        assert_eq!(format_bytes(2 << 30), "2GB");
        assert_eq!(format_bytes(17), "17B");
    }
}
