//! Resource values: fixed-point scalars, coalesced integer ranges and string sets, plus the
//! value grammar shared by `--resources`, `--attributes` and `--min_allocatable_resources`
//! (`4`, `[31000-32000, 40000-40100]`, `{a, b}`, anything else is text).

use std::collections::BTreeSet;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::str::FromStr;

use thiserror::Error;

/// A scalar amount with three decimals of precision.
///
/// Mesos rounds every scalar to a multiple of 0.001 (×1000, round, ÷1000) before adding or
/// comparing, so that 0.1 + 0.2 == 0.3 and small errors never accumulate. Storing milli-units
/// in an integer gives that behaviour exactly and makes comparisons cheap. Arithmetic
/// saturates instead of wrapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scalar(i64);

impl Scalar {
    /// Zero.
    pub const ZERO: Scalar = Scalar(0);
    /// The largest representable amount (about 9.2e15 units).
    pub const MAX: Scalar = Scalar(i64::MAX);

    /// An amount of `milli` thousandths.
    pub const fn from_milli(milli: i64) -> Scalar {
        Scalar(milli)
    }

    /// A whole number of units, saturating at the representable range.
    pub const fn from_units(units: i64) -> Scalar {
        Scalar(units.saturating_mul(1000))
    }

    /// Rounds `value` to three decimals the way Mesos does; `None` if it is not finite or does
    /// not fit.
    pub fn from_f64(value: f64) -> Option<Scalar> {
        let milli = (value * 1000.0).round();
        // `i64::MAX as f64` is 2^63, one past the largest i64, hence `<` on that side.
        if milli.is_finite() && milli >= i64::MIN as f64 && milli < i64::MAX as f64 {
            Some(Scalar(milli as i64))
        } else {
            None
        }
    }

    /// The amount in thousandths.
    pub const fn milli(self) -> i64 {
        self.0
    }

    /// The amount as a float (exact for any value below 2^53 thousandths).
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// True for zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// True for amounts above zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// True if there is no fractional part (`gpus` must be whole).
    pub const fn is_whole(self) -> bool {
        self.0 % 1000 == 0
    }

    /// `self - other`, but never below zero.
    pub fn saturating_sub_to_zero(self, other: Scalar) -> Scalar {
        Scalar(self.0.saturating_sub(other.0).max(0))
    }
}

impl Add for Scalar {
    type Output = Scalar;
    fn add(self, rhs: Scalar) -> Scalar {
        Scalar(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Scalar {
    type Output = Scalar;
    fn sub(self, rhs: Scalar) -> Scalar {
        Scalar(self.0.saturating_sub(rhs.0))
    }
}

impl AddAssign for Scalar {
    fn add_assign(&mut self, rhs: Scalar) {
        *self = *self + rhs;
    }
}

impl SubAssign for Scalar {
    fn sub_assign(&mut self, rhs: Scalar) {
        *self = *self - rhs;
    }
}

impl Sum for Scalar {
    fn sum<I: Iterator<Item = Scalar>>(iter: I) -> Scalar {
        iter.fold(Scalar::ZERO, Add::add)
    }
}

impl fmt::Display for Scalar {
    /// Prints the shortest exact decimal: `4`, `0.5`, `2048.125`, `-1.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 1000, abs % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else if frac % 100 == 0 {
            write!(f, "{sign}{whole}.{}", frac / 100)
        } else if frac % 10 == 0 {
            write!(f, "{sign}{whole}.{:02}", frac / 10)
        } else {
            write!(f, "{sign}{whole}.{frac:03}")
        }
    }
}

/// A set of unsigned integers kept as sorted, disjoint, non-adjacent inclusive ranges
/// (`[1-3, 4-5]` is stored as `[1-5]`), so equality is set equality.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ranges(Vec<(u64, u64)>);

impl Ranges {
    /// No members.
    pub const fn new() -> Ranges {
        Ranges(Vec::new())
    }

    /// The members `begin..=end`; empty when `begin > end`.
    pub fn from_range(begin: u64, end: u64) -> Ranges {
        if begin <= end { Ranges(vec![(begin, end)]) } else { Ranges::new() }
    }

    /// The union of the given inclusive ranges, in any order, overlapping or not; inverted
    /// pairs (`begin > end`) have no members.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u64, u64)>) -> Ranges {
        let mut pairs: Vec<(u64, u64)> = pairs.into_iter().filter(|(begin, end)| begin <= end).collect();
        pairs.sort_unstable();
        let mut out = Vec::with_capacity(pairs.len());
        for pair in pairs {
            push_coalesced(&mut out, pair);
        }
        Ranges(out)
    }

    /// Adds the members `begin..=end` (nothing when `begin > end`).
    pub fn insert(&mut self, begin: u64, end: u64) {
        if begin <= end {
            *self = self.union(&Ranges(vec![(begin, end)]));
        }
    }

    /// True if there are no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The canonical ranges, ascending.
    pub fn as_slice(&self) -> &[(u64, u64)] {
        &self.0
    }

    /// The canonical ranges, ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.0.iter().copied()
    }

    /// The number of members (e.g. ports), saturating at `u64::MAX`.
    pub fn member_count(&self) -> u64 {
        self.0.iter().fold(0u64, |total, (begin, end)| total.saturating_add((end - begin).saturating_add(1)))
    }

    /// True if `value` is a member.
    pub fn contains_value(&self, value: u64) -> bool {
        // The ranges are sorted and disjoint, so the only candidate is the last one that
        // begins at or before `value`.
        let index = self.0.partition_point(|(begin, _)| *begin <= value);
        index > 0 && self.0[index - 1].1 >= value
    }

    /// True if every member of `other` is a member of `self`.
    pub fn contains(&self, other: &Ranges) -> bool {
        let mut mine = self.0.iter().peekable();
        for &(begin, end) in &other.0 {
            while mine.next_if(|(_, my_end)| *my_end < begin).is_some() {}
            // Coalescing guarantees that a range holding `begin` is the only candidate.
            match mine.peek() {
                Some(&&(my_begin, my_end)) if my_begin <= begin && end <= my_end => {}
                _ => return false,
            }
        }
        true
    }

    /// Members of either.
    pub fn union(&self, other: &Ranges) -> Ranges {
        let mut out = Vec::with_capacity(self.0.len() + other.0.len());
        let (mut left, mut right) = (self.0.iter().peekable(), other.0.iter().peekable());
        loop {
            let next = match (left.peek(), right.peek()) {
                (Some(l), Some(r)) => {
                    if l <= r {
                        left.next()
                    } else {
                        right.next()
                    }
                }
                (Some(_), None) => left.next(),
                (None, Some(_)) => right.next(),
                (None, None) => break,
            };
            if let Some(&pair) = next {
                push_coalesced(&mut out, pair);
            }
        }
        Ranges(out)
    }

    /// Members of `self` that are not members of `other`.
    pub fn difference(&self, other: &Ranges) -> Ranges {
        let cut = &other.0;
        let mut out = Vec::with_capacity(self.0.len());
        let mut first_cut = 0;
        for &(begin, end) in &self.0 {
            while first_cut < cut.len() && cut[first_cut].1 < begin {
                first_cut += 1;
            }
            let mut next_member = begin;
            let mut consumed = false;
            for &(cut_begin, cut_end) in
                cut[first_cut..].iter().take_while(|(cut_begin, _)| *cut_begin <= end)
            {
                if cut_begin > next_member {
                    out.push((next_member, cut_begin - 1));
                }
                if cut_end >= end {
                    consumed = true;
                    break;
                }
                // cut_end < end, so this cannot overflow.
                next_member = next_member.max(cut_end + 1);
            }
            if !consumed {
                out.push((next_member, end));
            }
        }
        Ranges(out)
    }

    /// Members of both.
    pub fn intersection(&self, other: &Ranges) -> Ranges {
        self.difference(&self.difference(other))
    }
}

/// Appends `pair` to ranges sorted by begin, merging it into the last one when they overlap or
/// touch.
fn push_coalesced(out: &mut Vec<(u64, u64)>, (begin, end): (u64, u64)) {
    if let Some(last) = out.last_mut().filter(|last| begin <= last.1.saturating_add(1)) {
        last.1 = last.1.max(end);
        return;
    }
    out.push((begin, end));
}

impl fmt::Display for Ranges {
    /// `[31000-32000, 40000-40100]`, `[]` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (index, (begin, end)) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{begin}-{end}")?;
        }
        f.write_str("]")
    }
}

impl FromStr for Ranges {
    type Err = ValueParseError;

    /// Parses `[b-e, b-e, ...]`, ignoring whitespace; overlapping ranges are merged.
    fn from_str(text: &str) -> Result<Ranges, ValueParseError> {
        let stripped = strip_whitespace(text);
        match parse_value_text(&stripped)? {
            TextValue::Ranges(pairs) => Ok(Ranges::from_pairs(pairs)),
            _ => Err(ValueParseError::NotRanges(stripped)),
        }
    }
}

impl FromIterator<(u64, u64)> for Ranges {
    fn from_iter<I: IntoIterator<Item = (u64, u64)>>(iter: I) -> Ranges {
        Ranges::from_pairs(iter)
    }
}

/// A set of strings (`{a, b}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Set(BTreeSet<String>);

impl Set {
    /// No items.
    pub const fn new() -> Set {
        Set(BTreeSet::new())
    }

    /// Adds `item`; false if it was already present.
    pub fn insert(&mut self, item: impl Into<String>) -> bool {
        self.0.insert(item.into())
    }

    /// True if `item` is present.
    pub fn contains_item(&self, item: &str) -> bool {
        self.0.contains(item)
    }

    /// True if every item of `other` is present.
    pub fn contains(&self, other: &Set) -> bool {
        other.0.is_subset(&self.0)
    }

    /// Adds every item of `other`.
    pub fn union_with(&mut self, other: &Set) {
        for item in &other.0 {
            if !self.0.contains(item) {
                self.0.insert(item.clone());
            }
        }
    }

    /// Removes every item of `other`.
    pub fn subtract(&mut self, other: &Set) {
        for item in &other.0 {
            self.0.remove(item);
        }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if there are no items.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The items in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl<S: Into<String>> FromIterator<S> for Set {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Set {
        Set(iter.into_iter().map(Into::into).collect())
    }
}

impl fmt::Display for Set {
    /// `{a, b}`, `{}` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (index, item) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            f.write_str(item)?;
        }
        f.write_str("}")
    }
}

/// The value of a resource. TEXT, which Mesos also has, is not a valid resource type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// An amount (`cpus`, `mem`, ...).
    Scalar(Scalar),
    /// Integer ranges (`ports`).
    Ranges(Ranges),
    /// Named items.
    Set(Set),
}

impl Value {
    /// Which kind of value this is.
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Scalar(_) => ValueKind::Scalar,
            Value::Ranges(_) => ValueKind::Ranges,
            Value::Set(_) => ValueKind::Set,
        }
    }

    /// True for values a `Resources` drops: zero or negative scalars, no ranges, no items.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Scalar(scalar) => !scalar.is_positive(),
            Value::Ranges(ranges) => ranges.is_empty(),
            Value::Set(set) => set.is_empty(),
        }
    }

    /// The count used for quantities: the amount of a scalar, the members of ranges and sets.
    pub fn quantity(&self) -> Scalar {
        match self {
            Value::Scalar(scalar) => *scalar,
            Value::Ranges(ranges) => {
                Scalar::from_units(i64::try_from(ranges.member_count()).unwrap_or(i64::MAX))
            }
            Value::Set(set) => Scalar::from_units(i64::try_from(set.len()).unwrap_or(i64::MAX)),
        }
    }

    /// True if `other` is the same kind and no larger (scalar ≤, subset of ranges or items).
    pub fn contains(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Scalar(mine), Value::Scalar(theirs)) => mine >= theirs,
            (Value::Ranges(mine), Value::Ranges(theirs)) => mine.contains(theirs),
            (Value::Set(mine), Value::Set(theirs)) => mine.contains(theirs),
            _ => false,
        }
    }

    /// Adds `other` if it is the same kind (scalars add, ranges and sets union); false and
    /// unchanged otherwise.
    pub fn add_same_kind(&mut self, other: &Value) -> bool {
        match (self, other) {
            (Value::Scalar(mine), Value::Scalar(theirs)) => *mine += *theirs,
            (Value::Ranges(mine), Value::Ranges(theirs)) => *mine = mine.union(theirs),
            (Value::Set(mine), Value::Set(theirs)) => mine.union_with(theirs),
            _ => return false,
        }
        true
    }

    /// Subtracts `other` if it is the same kind (scalars may go to zero or below, ranges and
    /// sets lose members); false and unchanged otherwise.
    pub fn subtract_same_kind(&mut self, other: &Value) -> bool {
        match (self, other) {
            (Value::Scalar(mine), Value::Scalar(theirs)) => *mine -= *theirs,
            (Value::Ranges(mine), Value::Ranges(theirs)) => *mine = mine.difference(theirs),
            (Value::Set(mine), Value::Set(theirs)) => mine.subtract(theirs),
            _ => return false,
        }
        true
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Scalar(scalar) => scalar.fmt(f),
            Value::Ranges(ranges) => ranges.fmt(f),
            Value::Set(set) => set.fmt(f),
        }
    }
}

/// The kind of a [`Value`], in the order Mesos numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueKind {
    /// A scalar.
    Scalar,
    /// Ranges.
    Ranges,
    /// A set.
    Set,
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueKind::Scalar => "scalar",
            ValueKind::Ranges => "ranges",
            ValueKind::Set => "set",
        })
    }
}

/// Why a value in the shared text grammar could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValueParseError {
    /// Nothing after stripping whitespace.
    #[error("expected a value, found nothing")]
    Empty,
    /// `[` without `]` or the reverse, or a bracket inside the list.
    #[error("expected ranges like '[31000-32000, 40000-40100]', found '{0}'")]
    MalformedRanges(String),
    /// One element of a range list.
    #[error("expected a range 'begin-end' of unsigned integers, found '{0}'")]
    MalformedRange(String),
    /// `begin > end`.
    #[error("range '{begin}-{end}' begins after it ends")]
    InvertedRange {
        /// The first member.
        begin: u64,
        /// The last member.
        end: u64,
    },
    /// `{` without `}` or the reverse, or a brace inside the set.
    #[error("expected a set like '{{a, b}}', found '{0}'")]
    MalformedSet(String),
    /// Looked like a number but is infinite or NaN after parsing (e.g. `1e999`).
    #[error("expected a finite number, found '{0}'")]
    NonFinite(String),
    /// A number too large for three-decimal fixed point.
    #[error("number '{0}' is too large")]
    TooLarge(String),
    /// `FromStr for Ranges` was given something else.
    #[error("expected ranges like '[31000-32000, 40000-40100]', found '{0}'")]
    NotRanges(String),
}

/// A value in the shared text grammar, before the caller decides what it accepts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TextValue {
    /// A finite number, not yet rounded.
    Scalar(f64),
    /// Ranges in the order written, possibly overlapping; begin ≤ end holds.
    Ranges(Vec<(u64, u64)>),
    /// Items in the order written, possibly repeated.
    Set(Vec<String>),
    /// Anything else.
    Text(String),
}

/// Removes all whitespace: Mesos strips spaces from values before parsing, so `[1-2, 3-4]`
/// and `[1-2,3-4]` are the same value.
pub(crate) fn strip_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Classifies and parses already whitespace-stripped `text`.
pub(crate) fn parse_value_text(text: &str) -> Result<TextValue, ValueParseError> {
    if text.is_empty() {
        return Err(ValueParseError::Empty);
    }
    if text.starts_with('[') || text.ends_with(']') {
        return parse_ranges_text(text).map(TextValue::Ranges);
    }
    if text.starts_with('{') || text.ends_with('}') {
        return parse_set_text(text).map(TextValue::Set);
    }
    if looks_numeric(text) {
        let value: f64 = text.parse().map_err(|_| ValueParseError::NonFinite(text.to_owned()))?;
        if !value.is_finite() {
            return Err(ValueParseError::NonFinite(text.to_owned()));
        }
        return Ok(TextValue::Scalar(value));
    }
    Ok(TextValue::Text(text.to_owned()))
}

/// Converts a parsed number into a `Scalar`, reporting `text` if it does not fit.
pub(crate) fn scalar_from_text(value: f64, text: &str) -> Result<Scalar, ValueParseError> {
    Scalar::from_f64(value).ok_or_else(|| ValueParseError::TooLarge(text.to_owned()))
}

/// Returns the inclusive ranges of `[b-e,b-e,...]`; empty elements are skipped, as Mesos does.
fn parse_ranges_text(text: &str) -> Result<Vec<(u64, u64)>, ValueParseError> {
    let inner = text
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .filter(|inner| !inner.contains(['[', ']']))
        .ok_or_else(|| ValueParseError::MalformedRanges(text.to_owned()))?;
    let mut pairs = Vec::new();
    for element in inner.split(',').filter(|element| !element.is_empty()) {
        let (begin, end) = element
            .split_once('-')
            .and_then(|(begin, end)| Some((parse_u64(begin)?, parse_u64(end)?)))
            .ok_or_else(|| ValueParseError::MalformedRange(element.to_owned()))?;
        if begin > end {
            return Err(ValueParseError::InvertedRange { begin, end });
        }
        pairs.push((begin, end));
    }
    Ok(pairs)
}

/// Returns the items of `{a,b,...}`; empty elements are skipped, as Mesos does.
fn parse_set_text(text: &str) -> Result<Vec<String>, ValueParseError> {
    let inner = text
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .filter(|inner| !inner.contains(['{', '}']))
        .ok_or_else(|| ValueParseError::MalformedSet(text.to_owned()))?;
    Ok(inner.split(',').filter(|item| !item.is_empty()).map(str::to_owned).collect())
}

/// Digits only: `u64::from_str` would also take a leading `+`.
fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// True for decimal numbers: `[+-]digits[.digits][e[+-]digits]` with at least one mantissa
/// digit. Words that `f64::from_str` would also take (`inf`, `NaN`) stay text.
fn looks_numeric(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut index = 0;
    let digits = |index: &mut usize| {
        let start = *index;
        while *index < bytes.len() && bytes[*index].is_ascii_digit() {
            *index += 1;
        }
        *index - start
    };
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        index += 1;
    }
    let mut mantissa_digits = digits(&mut index);
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        mantissa_digits += digits(&mut index);
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(bytes.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(bytes.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        if digits(&mut index) == 0 {
            return false;
        }
    }
    index == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(value: f64) -> Scalar {
        Scalar::from_f64(value).expect("finite test value")
    }

    #[test]
    fn scalars_round_to_three_decimals_like_mesos() {
        assert_eq!(scalar(0.1) + scalar(0.2), scalar(0.3));
        assert_eq!(scalar(1.0004).milli(), 1000);
        assert_eq!(scalar(1.0005).milli(), 1001);
        assert_eq!(scalar(-0.0005).milli(), -1);
        assert_eq!(Scalar::from_f64(f64::NAN), None);
        assert_eq!(Scalar::from_f64(f64::INFINITY), None);
        assert_eq!(Scalar::from_f64(1e300), None);
        assert_eq!(Scalar::from_units(4).to_f64(), 4.0);
    }

    #[test]
    fn scalars_print_without_trailing_zeros() {
        let printed: Vec<String> = [4.0, 0.5, 2048.125, 0.25, 10.1, 0.0, -1.25, 0.001, 100.01]
            .into_iter()
            .map(|value| scalar(value).to_string())
            .collect();
        assert_eq!(printed, ["4", "0.5", "2048.125", "0.25", "10.1", "0", "-1.25", "0.001", "100.01"]);
    }

    #[test]
    fn scalar_arithmetic_saturates() {
        assert_eq!(Scalar::MAX + Scalar::from_units(1), Scalar::MAX);
        assert_eq!(Scalar::from_units(1).saturating_sub_to_zero(Scalar::from_units(2)), Scalar::ZERO);
        assert!(Scalar::from_milli(2000).is_whole());
        assert!(!Scalar::from_milli(2500).is_whole());
    }

    #[test]
    fn ranges_coalesce_and_print() {
        let ranges = Ranges::from_pairs([(40000, 40100), (31000, 31999), (32000, 32000), (5, 3)]);
        assert_eq!(ranges.as_slice(), [(31000, 32000), (40000, 40100)]);
        assert_eq!(ranges.to_string(), "[31000-32000, 40000-40100]");
        assert_eq!(ranges.member_count(), 1001 + 101);
        assert_eq!(Ranges::new().to_string(), "[]");
        assert_eq!(Ranges::from_range(0, u64::MAX).member_count(), u64::MAX);
        let full = Ranges::from_pairs([(0, 10), (11, u64::MAX)]);
        assert_eq!(full.as_slice(), [(0, u64::MAX)]);
    }

    #[test]
    fn ranges_algebra() {
        let a = Ranges::from_pairs([(1, 10), (20, 30)]);
        let b = Ranges::from_pairs([(5, 22), (30, 40)]);
        assert_eq!(a.union(&b).as_slice(), [(1, 40)]);
        assert_eq!(a.difference(&b).as_slice(), [(1, 4), (23, 29)]);
        assert_eq!(b.difference(&a).as_slice(), [(11, 19), (31, 40)]);
        assert_eq!(a.intersection(&b).as_slice(), [(5, 10), (20, 22), (30, 30)]);
        assert!(a.contains(&Ranges::from_pairs([(2, 3), (25, 30)])));
        assert!(!a.contains(&Ranges::from_pairs([(2, 11)])));
        assert!(!a.contains(&Ranges::from_pairs([(15, 15)])));
        assert!(a.contains(&Ranges::new()));
        assert!(a.contains_value(1) && a.contains_value(10) && a.contains_value(25));
        assert!(!a.contains_value(0) && !a.contains_value(11) && !a.contains_value(31));
        let max = Ranges::from_range(u64::MAX - 1, u64::MAX);
        assert_eq!(
            max.difference(&Ranges::from_range(u64::MAX, u64::MAX)).as_slice(),
            [(u64::MAX - 1, u64::MAX - 1)]
        );
        let mut c = Ranges::new();
        c.insert(5, 6);
        c.insert(1, 4);
        c.insert(9, 8);
        assert_eq!(c.as_slice(), [(1, 6)]);
    }

    #[test]
    fn ranges_parse() {
        let parsed: Ranges = " [31000-32000, 40000 - 40100 ] ".parse().expect("valid ranges");
        assert_eq!(parsed.as_slice(), [(31000, 32000), (40000, 40100)]);
        assert_eq!("[]".parse::<Ranges>(), Ok(Ranges::new()));
        assert_eq!("[1-5,3-8]".parse::<Ranges>().map(|r| r.to_string()), Ok("[1-8]".to_owned()));
        let errors = [
            ("[1-2", "expected ranges like '[31000-32000, 40000-40100]', found '[1-2'"),
            ("[1-2]]", "expected ranges like '[31000-32000, 40000-40100]', found '[1-2]]'"),
            ("[1]", "expected a range 'begin-end' of unsigned integers, found '1'"),
            ("[1-2-3]", "expected a range 'begin-end' of unsigned integers, found '1-2-3'"),
            ("[-1-2]", "expected a range 'begin-end' of unsigned integers, found '-1-2'"),
            ("[+1-2]", "expected a range 'begin-end' of unsigned integers, found '+1-2'"),
            ("[a-b]", "expected a range 'begin-end' of unsigned integers, found 'a-b'"),
            ("[5-1]", "range '5-1' begins after it ends"),
            ("4", "expected ranges like '[31000-32000, 40000-40100]', found '4'"),
            ("", "expected a value, found nothing"),
        ];
        for (text, message) in errors {
            assert_eq!(text.parse::<Ranges>().map_err(|e| e.to_string()), Err(message.to_owned()), "{text}");
        }
    }

    #[test]
    fn sets() {
        let mut set: Set = ["b", "a"].into_iter().collect();
        assert_eq!(set.to_string(), "{a, b}");
        assert!(set.contains(&["a"].into_iter().collect()));
        set.union_with(&["c"].into_iter().collect());
        set.subtract(&["a"].into_iter().collect());
        assert_eq!(set.to_string(), "{b, c}");
        assert_eq!(Set::new().to_string(), "{}");
    }

    #[test]
    fn value_text_grammar() {
        let cases: [(&str, TextValue); 9] = [
            ("4", TextValue::Scalar(4.0)),
            ("-2.5e1", TextValue::Scalar(-25.0)),
            (".5", TextValue::Scalar(0.5)),
            ("5.", TextValue::Scalar(5.0)),
            ("inf", TextValue::Text("inf".to_owned())),
            ("1.2.3", TextValue::Text("1.2.3".to_owned())),
            ("{a,,b,a}", TextValue::Set(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])),
            ("{}", TextValue::Set(vec![])),
            ("[1-2,,3-4]", TextValue::Ranges(vec![(1, 2), (3, 4)])),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_value_text(text), Ok(expected), "{text}");
        }
        assert_eq!(parse_value_text("1e999"), Err(ValueParseError::NonFinite("1e999".to_owned())));
        assert_eq!(
            parse_value_text("{a}}").map_err(|e| e.to_string()),
            Err("expected a set like '{a, b}', found '{a}}'".to_owned())
        );
        assert_eq!(parse_value_text("abc}"), Err(ValueParseError::MalformedSet("abc}".to_owned())));
    }
}
