//! The `--resources` text form (operator-api §3.5):
//! `cpus:4;mem:2048;ports:[31000-32000];cpus(prod):8;bugs(debug):{a,b,c}`.
//!
//! Errors carry the byte offset and the offending `name:value` item because the agent prints
//! them as a startup failure of the flag, and a long flag value is hard to scan by eye.
//! Printing is `Display for Resources`, which produces this form for every resource it can
//! express.

use std::collections::BTreeMap;

use thiserror::Error;

use super::Resources;
use super::resource::{Reservation, Resource};
use super::value::{
    Ranges, Set, TextValue, Value, ValueKind, ValueParseError, parse_value_text, scalar_from_text,
    strip_whitespace,
};
use crate::roles::{DEFAULT_ROLE, RoleError, validate_role};

/// A `--resources` text item that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("invalid resource '{item}' at byte {offset}: {kind}")]
pub struct ResourcesParseError {
    /// Byte offset of the item in the parsed text.
    pub offset: usize,
    /// The item, trimmed (`cpus(prod):x`).
    pub item: String,
    /// What was wrong and what was expected.
    pub kind: ResourcesParseErrorKind,
}

/// What was wrong with a `--resources` text item.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ResourcesParseErrorKind {
    /// The text is a JSON array, which is a different syntax.
    #[error("expected 'name:value' items separated by ';' (the JSON array form is read by the JSON reader)")]
    JsonArray,
    /// No `:`.
    #[error("expected 'name:value' or 'name(role):value'")]
    MissingColon,
    /// More than one `:`.
    #[error("expected exactly one ':' between the name and the value")]
    ExtraColon,
    /// Nothing before `:` or `(`.
    #[error("expected a resource name before ':'")]
    EmptyName,
    /// `(` without `)`.
    #[error("expected ')' to close the role")]
    UnclosedRole,
    /// `)` without `(`.
    #[error("unexpected ')' without '('")]
    UnopenedRole,
    /// `name(role)x:value`.
    #[error("expected ':' right after ')'")]
    TextAfterRole,
    /// The role in parentheses.
    #[error("invalid role: {0}")]
    InvalidRole(RoleError),
    /// The default role, used because the item names no role.
    #[error("invalid default role: {0}")]
    InvalidDefaultRole(RoleError),
    /// The value does not follow the value grammar.
    #[error(transparent)]
    Value(ValueParseError),
    /// Neither a number, ranges nor a set; TEXT is not a resource type.
    #[error("expected a number, ranges like '[31000-32000]' or a set like '{{a, b}}', found '{0}'")]
    Text(String),
    /// A negative scalar.
    #[error("expected a non-negative number, found '{0}'")]
    Negative(String),
    /// A positive scalar below the 0.001 precision.
    #[error("'{0}' rounds to zero at three decimals")]
    RoundsToZero(String),
    /// Two ranges share a member.
    #[error("ranges '{}-{}' and '{}-{}' overlap", .first.0, .first.1, .second.0, .second.1)]
    OverlappingRanges {
        /// The range that begins first.
        first: (u64, u64),
        /// The range that overlaps it.
        second: (u64, u64),
    },
    /// A set item given twice.
    #[error("duplicate set item '{0}'")]
    DuplicateSetItem(String),
    /// The same name with another value type earlier in the text.
    #[error("'{name}' was already given as {first}, not {second}")]
    MixedTypes {
        /// The resource name.
        name: String,
        /// The type of the earlier item.
        first: ValueKind,
        /// The type of this item.
        second: ValueKind,
    },
    /// `gpus` with a fractional amount.
    #[error("gpus must be a whole number, found '{0}'")]
    FractionalGpus(String),
}

impl Resources {
    /// Parses the `--resources` text form. Items are `name:value` or `name(role):value`,
    /// separated by `;` (empty items are skipped); whitespace inside values is ignored. An item
    /// with a role is statically reserved for it; one without gets `default_role`, which also
    /// means a static reservation unless it is `*`. Items with the same name and role are
    /// summed; the same name with two value types is an error.
    pub fn parse(text: &str, default_role: &str) -> Result<Resources, ResourcesParseError> {
        Ok(Resources::parse_entries(text, default_role)?.into_iter().collect())
    }

    /// Like [`Resources::parse`], but returns the items in the order written without merging
    /// or dropping zero amounts, so that the agent can tell that `cpus:0` was given (which
    /// turns off auto-detection) from `cpus` being absent.
    pub fn parse_entries(text: &str, default_role: &str) -> Result<Vec<Resource>, ResourcesParseError> {
        if text.trim_start().starts_with('[') {
            let item = text.split(';').next().unwrap_or_default().trim();
            let offset = text.len() - text.trim_start().len();
            return Err(ResourcesParseError {
                offset,
                item: item.to_owned(),
                kind: ResourcesParseErrorKind::JsonArray,
            });
        }
        let mut kinds: BTreeMap<String, ValueKind> = BTreeMap::new();
        let mut entries = Vec::new();
        let mut item_start = 0;
        for raw_item in text.split(';') {
            let offset = item_start + (raw_item.len() - raw_item.trim_start().len());
            item_start += raw_item.len() + 1;
            let item = raw_item.trim();
            if item.is_empty() {
                continue;
            }
            let error = |kind| ResourcesParseError { offset, item: item.to_owned(), kind };
            let resource = parse_item(item, default_role).map_err(error)?;
            match kinds.get(&resource.name) {
                Some(&first) if first != resource.value.kind() => {
                    return Err(error(ResourcesParseErrorKind::MixedTypes {
                        name: resource.name,
                        first,
                        second: resource.value.kind(),
                    }));
                }
                Some(_) => {}
                None => {
                    kinds.insert(resource.name.clone(), resource.value.kind());
                }
            }
            entries.push(resource);
        }
        Ok(entries)
    }
}

fn parse_item(item: &str, default_role: &str) -> Result<Resource, ResourcesParseErrorKind> {
    let (name_part, value_text) = item.split_once(':').ok_or(ResourcesParseErrorKind::MissingColon)?;
    if value_text.contains(':') {
        return Err(ResourcesParseErrorKind::ExtraColon);
    }
    let (name, role) = match name_part.find('(') {
        None if name_part.contains(')') => return Err(ResourcesParseErrorKind::UnopenedRole),
        None => (name_part.trim(), None),
        Some(open) => {
            let close = name_part[open..].find(')').ok_or(ResourcesParseErrorKind::UnclosedRole)? + open;
            if !name_part[close + 1..].trim().is_empty() {
                return Err(ResourcesParseErrorKind::TextAfterRole);
            }
            (name_part[..open].trim(), Some(name_part[open + 1..close].trim()))
        }
    };
    if name.is_empty() {
        return Err(ResourcesParseErrorKind::EmptyName);
    }
    let role = match role {
        Some(role) => {
            validate_role(role).map_err(ResourcesParseErrorKind::InvalidRole)?;
            role
        }
        None => {
            validate_role(default_role).map_err(ResourcesParseErrorKind::InvalidDefaultRole)?;
            default_role
        }
    };
    let mut resource = Resource::new(name, parse_resource_value(name, value_text)?);
    if role != DEFAULT_ROLE {
        resource.reservations.push(Reservation::new_static(role));
    }
    Ok(resource)
}

fn parse_resource_value(name: &str, value_text: &str) -> Result<Value, ResourcesParseErrorKind> {
    let stripped = strip_whitespace(value_text);
    let parsed = parse_value_text(&stripped).map_err(ResourcesParseErrorKind::Value)?;
    match parsed {
        TextValue::Scalar(amount) => {
            if amount < 0.0 {
                return Err(ResourcesParseErrorKind::Negative(stripped));
            }
            let scalar = scalar_from_text(amount, &stripped).map_err(ResourcesParseErrorKind::Value)?;
            if amount > 0.0 && scalar.is_zero() {
                return Err(ResourcesParseErrorKind::RoundsToZero(stripped));
            }
            if name == "gpus" && !scalar.is_whole() {
                return Err(ResourcesParseErrorKind::FractionalGpus(stripped));
            }
            Ok(Value::Scalar(scalar))
        }
        TextValue::Ranges(mut pairs) => {
            pairs.sort_unstable();
            if let Some(window) = pairs.windows(2).find(|window| window[1].0 <= window[0].1) {
                return Err(ResourcesParseErrorKind::OverlappingRanges {
                    first: window[0],
                    second: window[1],
                });
            }
            Ok(Value::Ranges(Ranges::from_pairs(pairs)))
        }
        TextValue::Set(items) => {
            let mut set = Set::new();
            for item in items {
                if set.contains_item(&item) {
                    return Err(ResourcesParseErrorKind::DuplicateSetItem(item));
                }
                set.insert(item);
            }
            Ok(Value::Set(set))
        }
        TextValue::Text(text) => Err(ResourcesParseErrorKind::Text(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::Scalar;

    #[test]
    fn parses_the_documented_example() {
        let resources =
            Resources::parse("cpus:4;mem:2048;ports:[31000-32000];cpus(prod):8;bugs(debug):{a,b,c}", "*")
                .expect("valid");
        assert_eq!(
            resources.to_string(),
            "bugs(debug):{a, b, c};cpus:4;cpus(prod):8;mem:2048;ports:[31000-32000]"
        );
        let prod = resources.reserved("prod");
        assert_eq!(prod.scalar("cpus"), Scalar::from_units(8));
        assert!(prod.iter().all(Resource::is_statically_reserved));
    }

    #[test]
    fn whitespace_default_role_and_duplicates() {
        let resources =
            Resources::parse(" cpus : 1.5 ; ; cpus:2.5;ports:[1-2, 5 - 6];mem(*):10;", "eng").expect("valid");
        assert_eq!(resources.to_string(), "cpus(eng):4;mem:10;ports(eng):[1-2, 5-6]");
        let entries = Resources::parse_entries("cpus:0;mem:0.0;bugs:{}", "*").expect("valid");
        assert_eq!(entries.len(), 3);
        assert!(Resources::parse("cpus:0", "*").expect("valid").is_empty());
        assert_eq!(Resources::parse("", "*"), Ok(Resources::new()));
    }

    #[track_caller]
    fn check_error(text: &str, expected: &str) {
        match Resources::parse(text, "*") {
            Ok(resources) => panic!("{text:?} parsed as {resources}"),
            Err(error) => assert_eq!(error.to_string(), expected, "{text:?}"),
        }
    }

    #[test]
    fn errors_name_the_item_and_what_was_expected() {
        check_error(
            "cpus:4;mem",
            "invalid resource 'mem' at byte 7: expected 'name:value' or 'name(role):value'",
        );
        check_error(
            "cpus:4; mem:1:2",
            "invalid resource 'mem:1:2' at byte 8: expected exactly one ':' between the name and the value",
        );
        check_error(":4", "invalid resource ':4' at byte 0: expected a resource name before ':'");
        check_error("(a):4", "invalid resource '(a):4' at byte 0: expected a resource name before ':'");
        check_error("cpus(a:4", "invalid resource 'cpus(a:4' at byte 0: expected ')' to close the role");
        check_error("cpusa):4", "invalid resource 'cpusa):4' at byte 0: unexpected ')' without '('");
        check_error("cpus(a)b:4", "invalid resource 'cpus(a)b:4' at byte 0: expected ':' right after ')'");
        check_error(
            "cpus():4",
            "invalid resource 'cpus():4' at byte 0: invalid role: role name must not be empty",
        );
        check_error(
            "cpus(a//b):4",
            "invalid resource 'cpus(a//b):4' at byte 0: invalid role: role 'a//b' must not contain '//'",
        );
        check_error("cpus:", "invalid resource 'cpus:' at byte 0: expected a value, found nothing");
        check_error(
            "cpus:four",
            "invalid resource 'cpus:four' at byte 0: expected a number, ranges like '[31000-32000]' or a set \
             like '{a, b}', found 'four'",
        );
        check_error(
            "cpus:inf",
            "invalid resource 'cpus:inf' at byte 0: expected a number, ranges like '[31000-32000]' or a set \
             like '{a, b}', found 'inf'",
        );
        check_error(
            "cpus:1e999",
            "invalid resource 'cpus:1e999' at byte 0: expected a finite number, found '1e999'",
        );
        check_error("cpus:1e300", "invalid resource 'cpus:1e300' at byte 0: number '1e300' is too large");
        check_error(
            "cpus:-1",
            "invalid resource 'cpus:-1' at byte 0: expected a non-negative number, found '-1'",
        );
        check_error(
            "cpus:0.0001",
            "invalid resource 'cpus:0.0001' at byte 0: '0.0001' rounds to zero at three decimals",
        );
        check_error(
            "gpus:1.5",
            "invalid resource 'gpus:1.5' at byte 0: gpus must be a whole number, found '1.5'",
        );
        check_error(
            "ports:[1-5,3-8]",
            "invalid resource 'ports:[1-5,3-8]' at byte 0: ranges '1-5' and '3-8' overlap",
        );
        check_error(
            "ports:[5-1]",
            "invalid resource 'ports:[5-1]' at byte 0: range '5-1' begins after it ends",
        );
        check_error(
            "ports:[1-2",
            "invalid resource 'ports:[1-2' at byte 0: expected ranges like '[31000-32000, 40000-40100]', found '[1-2'",
        );
        check_error("bugs:{a,a}", "invalid resource 'bugs:{a,a}' at byte 0: duplicate set item 'a'");
        check_error(
            "cpus:1;cpus(a):[1-2]",
            "invalid resource 'cpus(a):[1-2]' at byte 7: 'cpus' was already given as scalar, not ranges",
        );
        check_error(
            "[{\"name\":\"cpus\"}]",
            "invalid resource '[{\"name\":\"cpus\"}]' at byte 0: expected 'name:value' items separated by ';' \
             (the JSON array form is read by the JSON reader)",
        );
        assert_eq!(
            Resources::parse("cpus:1", "a b").map_err(|e| e.to_string()),
            Err(
                "invalid resource 'cpus:1' at byte 0: invalid default role: role 'a b' contains the invalid \
                 character ' '"
                    .to_owned()
            )
        );
    }

    #[test]
    fn the_error_reports_offsets_in_bytes_of_the_whole_text() {
        let error = Resources::parse("cpus:1;  mem:x", "*").expect_err("text value");
        assert_eq!((error.offset, error.item.as_str()), (9, "mem:x"));
    }
}
