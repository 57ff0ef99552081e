//! Agent attributes (`--attributes=rack:r1;zone:z2;level:10;keys:[1000-1500]`): free-form
//! labels that frameworks use for placement. Order is preserved and a name may repeat
//! (operator-api §3.6, scheduler-executor-api §5.5).

use std::fmt;

use thiserror::Error;

use crate::resources::value::{TextValue, parse_value_text, scalar_from_text, strip_whitespace};
use crate::resources::{Ranges, Scalar, ValueParseError};

/// The value of an attribute.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttributeValue {
    /// A number (`level:10`).
    Scalar(Scalar),
    /// Integer ranges (`keys:[1000-1500]`).
    Ranges(Ranges),
    /// Anything else (`rack:abc`).
    Text(String),
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::Scalar(scalar) => scalar.fmt(f),
            AttributeValue::Ranges(ranges) => ranges.fmt(f),
            AttributeValue::Text(text) => f.write_str(text),
        }
    }
}

/// One attribute.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attribute {
    /// The name.
    pub name: String,
    /// The value.
    pub value: AttributeValue,
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.value)
    }
}

/// An agent's attributes, in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Attributes(Vec<Attribute>);

impl Attributes {
    /// No attributes.
    pub const fn new() -> Attributes {
        Attributes(Vec::new())
    }

    /// Parses `name:value` items separated by `;` or newlines, splitting each at its first
    /// `:`. Values lose their whitespace (as in Mesos) and are read as a number, as ranges
    /// `[b-e, ...]`, or else as text; sets are not supported for attributes.
    pub fn parse(text: &str) -> Result<Attributes, AttributesParseError> {
        let mut attributes = Vec::new();
        let mut item_start = 0;
        for raw_item in text.split([';', '\n']) {
            let offset = item_start + (raw_item.len() - raw_item.trim_start().len());
            item_start += raw_item.len() + 1;
            let item = raw_item.trim();
            if item.is_empty() {
                continue;
            }
            let attribute = parse_item(item).map_err(|kind| AttributesParseError {
                offset,
                item: item.to_owned(),
                kind,
            })?;
            attributes.push(attribute);
        }
        Ok(Attributes(attributes))
    }

    /// Appends an attribute.
    pub fn push(&mut self, attribute: Attribute) {
        self.0.push(attribute);
    }

    /// The value of the first attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&AttributeValue> {
        self.0.iter().find(|attribute| attribute.name == name).map(|attribute| &attribute.value)
    }

    /// The attributes in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Attribute> {
        self.0.iter()
    }

    /// The number of attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn parse_item(item: &str) -> Result<Attribute, AttributesParseErrorKind> {
    let (name, value_text) = item.split_once(':').ok_or(AttributesParseErrorKind::MissingColon)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AttributesParseErrorKind::EmptyName);
    }
    let stripped = strip_whitespace(value_text);
    let value = match parse_value_text(&stripped).map_err(AttributesParseErrorKind::Value)? {
        TextValue::Scalar(amount) => AttributeValue::Scalar(
            scalar_from_text(amount, &stripped).map_err(AttributesParseErrorKind::Value)?,
        ),
        TextValue::Ranges(pairs) => AttributeValue::Ranges(Ranges::from_pairs(pairs)),
        TextValue::Set(_) => return Err(AttributesParseErrorKind::Set),
        TextValue::Text(text) => AttributeValue::Text(text),
    };
    Ok(Attribute { name: name.to_owned(), value })
}

impl fmt::Display for Attributes {
    /// The flag form, `;`-separated: `rack:abc;level:10;keys:[1000-1500]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, attribute) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(";")?;
            }
            attribute.fmt(f)?;
        }
        Ok(())
    }
}

impl FromIterator<Attribute> for Attributes {
    fn from_iter<I: IntoIterator<Item = Attribute>>(iter: I) -> Attributes {
        Attributes(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Attributes {
    type Item = &'a Attribute;
    type IntoIter = std::slice::Iter<'a, Attribute>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// An `--attributes` item that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("invalid attribute '{item}' at byte {offset}: {kind}")]
pub struct AttributesParseError {
    /// Byte offset of the item in the parsed text.
    pub offset: usize,
    /// The item, trimmed.
    pub item: String,
    /// What was wrong.
    pub kind: AttributesParseErrorKind,
}

/// What was wrong with an attribute item.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum AttributesParseErrorKind {
    /// No `:`.
    #[error("expected 'name:value'")]
    MissingColon,
    /// Nothing before `:`.
    #[error("expected an attribute name before ':'")]
    EmptyName,
    /// A set value.
    #[error("sets are not supported for attributes")]
    Set,
    /// The value does not follow the value grammar.
    #[error(transparent)]
    Value(ValueParseError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let attributes =
            Attributes::parse("rack:abc;level:10;keys:[1000-1500]\nzone: us east ;rack:def;url:http://x")
                .expect("valid");
        assert_eq!(
            attributes.to_string(),
            "rack:abc;level:10;keys:[1000-1500];zone:useast;rack:def;url:http://x"
        );
        assert_eq!(attributes.get("rack"), Some(&AttributeValue::Text("abc".into())));
        assert_eq!(attributes.get("level"), Some(&AttributeValue::Scalar(Scalar::from_units(10))));
        assert_eq!(attributes.len(), 6);
        assert_eq!(Attributes::parse("").map(|a| a.is_empty()), Ok(true));
        assert_eq!(Attributes::parse("level:-1.5").map(|a| a.to_string()), Ok("level:-1.5".to_owned()));
    }

    #[test]
    fn errors_name_the_item() {
        let errors = [
            ("rack:a;zone", "invalid attribute 'zone' at byte 7: expected 'name:value'"),
            (":a", "invalid attribute ':a' at byte 0: expected an attribute name before ':'"),
            ("a:{x,y}", "invalid attribute 'a:{x,y}' at byte 0: sets are not supported for attributes"),
            ("a:", "invalid attribute 'a:' at byte 0: expected a value, found nothing"),
            ("x:1\n a:[5-1]", "invalid attribute 'a:[5-1]' at byte 5: range '5-1' begins after it ends"),
        ];
        for (text, message) in errors {
            assert_eq!(
                Attributes::parse(text).map_err(|e| e.to_string()),
                Err(message.to_owned()),
                "{text:?}"
            );
        }
    }
}
