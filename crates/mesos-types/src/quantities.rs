//! Resource quantities: amounts by name with all metadata stripped, as used by quota, the
//! sorters and `--min_allocatable_resources`; plus the parsers of the master flags built on
//! them (`--min_allocatable_resources`, `--weights`; operator-api §3.7).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use thiserror::Error;

use crate::resources::Scalar;
use crate::resources::value::{TextValue, parse_value_text, scalar_from_text, strip_whitespace};
use crate::roles::{RoleError, validate_role};

/// Amounts by resource name. Ranges and sets count their members. Only positive amounts are
/// stored, so an absent name and a zero amount are the same thing and equality is exact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResourceQuantities {
    quantities: BTreeMap<String, Scalar>,
}

impl ResourceQuantities {
    /// No quantities.
    pub const fn new() -> ResourceQuantities {
        ResourceQuantities { quantities: BTreeMap::new() }
    }

    /// The amount of `name`, zero if absent.
    pub fn get(&self, name: &str) -> Scalar {
        self.quantities.get(name).copied().unwrap_or(Scalar::ZERO)
    }

    /// Sets the amount of `name`; zero or below removes it.
    pub fn set(&mut self, name: &str, amount: Scalar) {
        if amount.is_positive() {
            match self.quantities.get_mut(name) {
                Some(existing) => *existing = amount,
                None => {
                    self.quantities.insert(name.to_owned(), amount);
                }
            }
        } else {
            self.quantities.remove(name);
        }
    }

    /// Adds `amount` to `name` (a non-positive amount changes nothing).
    pub fn add_quantity(&mut self, name: &str, amount: Scalar) {
        if amount.is_positive() {
            self.set(name, self.get(name) + amount);
        }
    }

    /// Adds every amount of `other`.
    pub fn add(&mut self, other: &ResourceQuantities) {
        for (name, amount) in &other.quantities {
            self.add_quantity(name, *amount);
        }
    }

    /// Subtracts every amount of `other`, stopping at zero per name.
    pub fn subtract(&mut self, other: &ResourceQuantities) {
        for (name, amount) in &other.quantities {
            if let Some(existing) = self.quantities.get_mut(name) {
                *existing = existing.saturating_sub_to_zero(*amount);
                if existing.is_zero() {
                    self.quantities.remove(name);
                }
            }
        }
    }

    /// True if every amount of `other` is at most the amount here.
    pub fn contains(&self, other: &ResourceQuantities) -> bool {
        other.quantities.iter().all(|(name, amount)| self.get(name) >= *amount)
    }

    /// The per-name minimum (names missing on either side are absent).
    pub fn min(&self, other: &ResourceQuantities) -> ResourceQuantities {
        let quantities = self
            .quantities
            .iter()
            .filter_map(|(name, amount)| {
                other.quantities.get(name).map(|theirs| (name.clone(), (*amount).min(*theirs)))
            })
            .collect();
        ResourceQuantities { quantities }
    }

    /// The per-name maximum.
    pub fn max(&self, other: &ResourceQuantities) -> ResourceQuantities {
        let mut result = self.clone();
        for (name, amount) in &other.quantities {
            if *amount > result.get(name) {
                result.set(name, *amount);
            }
        }
        result
    }

    /// True if there are no (positive) quantities.
    pub fn is_empty(&self) -> bool {
        self.quantities.is_empty()
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.quantities.len()
    }

    /// Names and amounts, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Scalar)> {
        self.quantities.iter().map(|(name, amount)| (name.as_str(), *amount))
    }

    /// Parses `name:amount;name:amount` (Mesos `ResourceQuantities::fromString`): amounts are
    /// non-negative numbers (a count for ranges and sets, e.g. `ports:1`), repeated names add
    /// up, whitespace around names and inside amounts is ignored, empty items are skipped.
    pub fn parse(text: &str) -> Result<ResourceQuantities, QuantitiesParseError> {
        let mut quantities = ResourceQuantities::new();
        for item in text.split(';').map(str::trim).filter(|item| !item.is_empty()) {
            let error = |kind| QuantitiesParseError { item: item.to_owned(), kind };
            let (name, amount_text) = item.split_once(':').ok_or(error(QuantityErrorKind::MissingColon))?;
            if amount_text.contains(':') {
                return Err(error(QuantityErrorKind::ExtraColon));
            }
            let name = name.trim();
            if name.is_empty() {
                return Err(error(QuantityErrorKind::EmptyName));
            }
            let amount_text = strip_whitespace(amount_text);
            let amount = match parse_value_text(&amount_text) {
                Ok(TextValue::Scalar(amount)) if amount >= 0.0 => {
                    scalar_from_text(amount, &amount_text).map_err(|_| error(QuantityErrorKind::TooLarge))?
                }
                _ => return Err(error(QuantityErrorKind::NotAnAmount(amount_text))),
            };
            quantities.add_quantity(name, amount);
        }
        Ok(quantities)
    }
}

/// Parses `--min_allocatable_resources`: `|`-separated alternatives, each a
/// [`ResourceQuantities::parse`] text (`cpus:0.01|mem:32` means "at least 0.01 cpus, or at
/// least 32 MB of memory"). An empty alternative places no requirement, as in Mesos.
pub fn parse_min_allocatable(text: &str) -> Result<Vec<ResourceQuantities>, QuantitiesParseError> {
    text.split('|').map(ResourceQuantities::parse).collect()
}

/// Parses `--weights=role1=2.5,role2=1`: each role must be valid and each weight a positive
/// finite number. Empty items are skipped and a repeated role keeps its last weight, as in
/// Mesos.
pub fn parse_weights(text: &str) -> Result<BTreeMap<String, f64>, WeightsParseError> {
    let mut weights = BTreeMap::new();
    for item in text.split(',').map(str::trim).filter(|item| !item.is_empty()) {
        let (role, weight_text) =
            item.split_once('=').ok_or_else(|| WeightsParseError::MissingEquals { item: item.to_owned() })?;
        let (role, weight_text) = (role.trim(), weight_text.trim());
        validate_role(role)
            .map_err(|source| WeightsParseError::InvalidRole { item: item.to_owned(), source })?;
        let weight = match parse_value_text(weight_text) {
            Ok(TextValue::Scalar(weight)) if weight > 0.0 => weight,
            _ => {
                return Err(WeightsParseError::InvalidWeight {
                    item: item.to_owned(),
                    weight: weight_text.to_owned(),
                });
            }
        };
        weights.insert(role.to_owned(), weight);
    }
    Ok(weights)
}

/// A quantity item that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("invalid quantity '{item}': {kind}")]
pub struct QuantitiesParseError {
    /// The item, trimmed.
    pub item: String,
    /// What was wrong.
    pub kind: QuantityErrorKind,
}

/// What was wrong with a quantity item.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum QuantityErrorKind {
    /// No `:`.
    #[error("expected 'name:amount'")]
    MissingColon,
    /// More than one `:`.
    #[error("expected exactly one ':' between the name and the amount")]
    ExtraColon,
    /// Nothing before `:`.
    #[error("expected a resource name before ':'")]
    EmptyName,
    /// Not a non-negative number.
    #[error("expected a non-negative number, found '{0}'")]
    NotAnAmount(String),
    /// Beyond fixed-point range.
    #[error("the amount is too large")]
    TooLarge,
}

/// A `--weights` item that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum WeightsParseError {
    /// No `=`.
    #[error("invalid weight '{item}': expected 'role=weight'")]
    MissingEquals {
        /// The item, trimmed.
        item: String,
    },
    /// The role is not a valid role name.
    #[error("invalid weight '{item}': {source}")]
    InvalidRole {
        /// The item, trimmed.
        item: String,
        /// Why the role is invalid.
        source: RoleError,
    },
    /// Not a positive finite number.
    #[error("invalid weight '{item}': expected a positive number, found '{weight}'")]
    InvalidWeight {
        /// The item, trimmed.
        item: String,
        /// The weight text.
        weight: String,
    },
}

impl fmt::Display for ResourceQuantities {
    /// `cpus:1;mem:32`, by name; empty when there are none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (name, amount)) in self.quantities.iter().enumerate() {
            if index > 0 {
                f.write_str(";")?;
            }
            write!(f, "{name}:{amount}")?;
        }
        Ok(())
    }
}

impl<S: AsRef<str>> FromIterator<(S, Scalar)> for ResourceQuantities {
    fn from_iter<I: IntoIterator<Item = (S, Scalar)>>(iter: I) -> ResourceQuantities {
        let mut quantities = ResourceQuantities::new();
        for (name, amount) in iter {
            quantities.add_quantity(name.as_ref(), amount);
        }
        quantities
    }
}

impl AddAssign<&ResourceQuantities> for ResourceQuantities {
    fn add_assign(&mut self, rhs: &ResourceQuantities) {
        ResourceQuantities::add(self, rhs);
    }
}

impl SubAssign<&ResourceQuantities> for ResourceQuantities {
    fn sub_assign(&mut self, rhs: &ResourceQuantities) {
        self.subtract(rhs);
    }
}

impl Add<&ResourceQuantities> for &ResourceQuantities {
    type Output = ResourceQuantities;
    fn add(self, rhs: &ResourceQuantities) -> ResourceQuantities {
        let mut sum = self.clone();
        ResourceQuantities::add(&mut sum, rhs);
        sum
    }
}

impl Sub<&ResourceQuantities> for &ResourceQuantities {
    type Output = ResourceQuantities;
    fn sub(self, rhs: &ResourceQuantities) -> ResourceQuantities {
        let mut difference = self.clone();
        difference.subtract(rhs);
        difference
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantities(text: &str) -> ResourceQuantities {
        ResourceQuantities::parse(text).expect("valid test quantities")
    }

    #[test]
    fn arithmetic() {
        let a = quantities("cpus:2;mem:64");
        let b = quantities("cpus:0.5;mem:100;disk:1");
        assert_eq!((&a + &b).to_string(), "cpus:2.5;disk:1;mem:164");
        assert_eq!((&a - &b).to_string(), "cpus:1.5");
        assert_eq!(a.min(&b).to_string(), "cpus:0.5;mem:64");
        assert_eq!(a.max(&b).to_string(), "cpus:2;disk:1;mem:100");
        assert!(a.contains(&quantities("cpus:2")));
        assert!(!a.contains(&quantities("cpus:2;disk:0.001")));
        assert!(a.contains(&ResourceQuantities::new()));
        assert_eq!(a.get("gpus"), Scalar::ZERO);
    }

    #[test]
    fn parse_quantities() {
        assert_eq!(quantities(" cpus : 1 ; cpus:0.5;ports:1;gpus:0;;").to_string(), "cpus:1.5;ports:1");
        let errors = [
            ("cpus", "invalid quantity 'cpus': expected 'name:amount'"),
            (
                "cpus:1:2",
                "invalid quantity 'cpus:1:2': expected exactly one ':' between the name and the amount",
            ),
            (":1", "invalid quantity ':1': expected a resource name before ':'"),
            ("cpus:-1", "invalid quantity 'cpus:-1': expected a non-negative number, found '-1'"),
            ("ports:[1-2]", "invalid quantity 'ports:[1-2]': expected a non-negative number, found '[1-2]'"),
            ("cpus:x", "invalid quantity 'cpus:x': expected a non-negative number, found 'x'"),
            ("cpus:1e300", "invalid quantity 'cpus:1e300': the amount is too large"),
        ];
        for (text, message) in errors {
            assert_eq!(ResourceQuantities::parse(text).map_err(|e| e.to_string()), Err(message.to_owned()));
        }
    }

    #[test]
    fn min_allocatable_is_an_or_of_ands() {
        let alternatives = parse_min_allocatable("disk:1|cpus:1;mem:32;ports:1").expect("valid");
        let printed: Vec<String> = alternatives.iter().map(ToString::to_string).collect();
        assert_eq!(printed, ["disk:1", "cpus:1;mem:32;ports:1"]);
        assert_eq!(parse_min_allocatable("cpus:0.01|mem:32").map(|a| a.len()), Ok(2));
        assert_eq!(
            parse_min_allocatable("cpus:1|mem").map_err(|e| e.to_string()),
            Err("invalid quantity 'mem': expected 'name:amount'".to_owned())
        );
    }

    #[test]
    fn weights() {
        let weights = parse_weights("a=2.5, b/c = 1,,a=3").expect("valid");
        assert_eq!(weights.into_iter().collect::<Vec<_>>(), [("a".to_owned(), 3.0), ("b/c".to_owned(), 1.0)]);
        let errors = [
            ("a", "invalid weight 'a': expected 'role=weight'"),
            ("a=0", "invalid weight 'a=0': expected a positive number, found '0'"),
            ("a=-1", "invalid weight 'a=-1': expected a positive number, found '-1'"),
            ("a=x", "invalid weight 'a=x': expected a positive number, found 'x'"),
            ("a=1e999", "invalid weight 'a=1e999': expected a positive number, found '1e999'"),
            ("a/=1", "invalid weight 'a/=1': role 'a/' must not end with '/'"),
        ];
        for (text, message) in errors {
            assert_eq!(parse_weights(text).map_err(|e| e.to_string()), Err(message.to_owned()), "{text}");
        }
    }
}
