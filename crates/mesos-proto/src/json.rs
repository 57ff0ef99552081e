//! Mesos' own JSON mapping of protobuf messages (not the proto3 canonical mapping).
//!
//! Messages implement [`JsonMessage`] through `#[derive(mesos_json_derive::Json)]`, which reads
//! the struct's `#[prost(...)]` attributes. The rules (spec §2) in short:
//!
//! Output: member names are the proto field names; unset optional fields are omitted unless
//! they carry an explicit proto default, which is then written; empty repeated and map fields
//! are omitted; required fields are always written; `null` is never written. Integers are
//! JSON numbers with full 64-bit precision, bytes are padded standard base64, enums are their
//! names, doubles are the shortest round-trip text with `.0` on integral values and
//! `"Infinity"` / `"-Infinity"` for infinities. NaN has no JSON form: an optional or
//! repeated NaN is omitted and a required NaN is written as `0.0`. An enum number that is not
//! a known variant is omitted where that is allowed and written as a bare number when the
//! field is required.
//!
//! Input: the top level must be one object; unknown members are ignored; `null` means unset;
//! integers and doubles also come as numeric strings (integers are converted like a C cast:
//! wrapping, fractions truncated); `"Infinity"`/`"-Infinity"` for doubles; `"true"`/`"false"`
//! for bools; enums by name only, an unknown name leaving an optional field unset and
//! dropping a repeated element; a repeated field also takes a single value, and nested arrays
//! are flattened; bytes are decoded leniently from base64. Every required field at every
//! level must be present, and all absent ones are reported together with dotted paths.
//!
//! Nesting is limited to [`MAX_DEPTH`] levels of objects and arrays. Text parsed by
//! [`from_json_slice`] / [`from_json_str`] is additionally limited by serde_json's own
//! recursion limit of 128, so hostile input cannot overflow the stack either way.

pub mod writer;

use std::borrow::Borrow;
use std::marker::PhantomData;

use serde_json::{Number, Value};

/// Deepest nesting of JSON objects and arrays accepted when reading a message (Mesos' limit).
pub const MAX_DEPTH: usize = 200;

/// Why a JSON document could not be turned into a message.
///
/// Field names in messages are dotted paths from the top-level message, such as
/// `resources[0].name`; for a top-level field that is just its name, as in Mesos.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// The text is not one valid JSON value.
    #[error("Failed to parse body into JSON: {0}")]
    Syntax(#[from] serde_json::Error),
    /// The document (or the value handed to [`from_json_value`]) is not a JSON object.
    #[error("Expecting a JSON object")]
    NotAnObject,
    /// A field was given a JSON value of a type it cannot take.
    #[error("Not expecting a JSON {found} for field '{field}'")]
    UnexpectedType {
        /// JSON type found: `boolean`, `number`, `string`, `array` or `object`.
        found: &'static str,
        /// Path of the field.
        field: String,
    },
    /// A required enum field was given a name that is not one of its values.
    #[error("Failed to find enum for '{name}'")]
    UnknownEnum {
        /// The name given.
        name: String,
        /// Path of the field.
        field: String,
    },
    /// A string given for a numeric field is not a number.
    #[error("Failed to convert '{text}' to a number for field '{field}'")]
    InvalidNumber {
        /// The string given.
        text: String,
        /// Path of the field.
        field: String,
    },
    /// A string given for a bool field is neither `"true"` nor `"false"`.
    #[error("Failed to convert '{text}' to a boolean for field '{field}'")]
    InvalidBool {
        /// The string given.
        text: String,
        /// Path of the field.
        field: String,
    },
    /// A bytes field holds a string that is not base64.
    #[error("Failed to decode base64 for field '{field}': {reason}")]
    InvalidBase64 {
        /// What is wrong with it.
        reason: &'static str,
        /// Path of the field.
        field: String,
    },
    /// A map member name cannot be converted to the map's key type.
    #[error("Failed to convert map key '{key}' for field '{field}'")]
    InvalidMapKey {
        /// The member name.
        key: String,
        /// Path of the map field.
        field: String,
    },
    /// Objects and arrays are nested deeper than [`MAX_DEPTH`].
    #[error("JSON nesting exceeds the limit of {MAX_DEPTH} levels at field '{field}'")]
    TooDeep {
        /// Path where the limit was hit.
        field: String,
    },
    /// Required fields are absent (or `null`); all of them, as dotted paths.
    #[error("Missing required fields: {}", .0.join(", "))]
    MissingRequired(Vec<String>),
}

/// A message with Mesos' JSON mapping; derive it with `mesos_json_derive::Json`.
pub trait JsonMessage: Sized + Default {
    /// Appends this message to `out` as one JSON object.
    fn write_json(&self, out: &mut String);

    /// Merges the members of `object` into `self`.
    ///
    /// Conversion errors abort; absent required fields do not, they are recorded in `ctx`
    /// (see [`ReadContext::missing_fields`]) so that all of them can be reported at once.
    fn merge_json(
        &mut self,
        object: &serde_json::Map<String, Value>,
        ctx: &mut ReadContext,
    ) -> Result<(), JsonError>;
}

/// Names of a prost enumeration in JSON; derive it with `mesos_json_derive::JsonEnum`.
pub trait JsonEnum {
    /// The JSON name of `value`, or `None` if it is not a variant.
    fn json_name(value: i32) -> Option<&'static str>;
    /// The number of the variant called `name`, if any.
    fn from_json_name(name: &str) -> Option<i32>;
}

/// State of one JSON read: where in the document it is, how deep, and which required
/// fields were found absent so far.
#[derive(Debug, Default)]
pub struct ReadContext {
    path: String,
    depth: usize,
    missing: Vec<String>,
}

impl ReadContext {
    /// A context positioned at the top-level object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Dotted path of the value being read (empty at the top level).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Records that the required field `name` of the message being read is absent.
    pub fn record_missing(&mut self, name: &str) {
        let full = if self.path.is_empty() { name.to_string() } else { format!("{}.{}", self.path, name) };
        self.missing.push(full);
    }

    /// Absent required fields recorded so far, as dotted paths.
    pub fn missing_fields(&self) -> &[String] {
        &self.missing
    }

    /// Takes the recorded absent required fields.
    pub fn take_missing(&mut self) -> Vec<String> {
        std::mem::take(&mut self.missing)
    }

    fn enter_field(&mut self, name: &str) -> usize {
        let mark = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
        mark
    }

    fn enter_index(&mut self, index: usize) -> usize {
        let mark = self.path.len();
        self.path.push('[');
        self.path.push_str(itoa::Buffer::new().format(index));
        self.path.push(']');
        mark
    }

    fn enter_key(&mut self, key: &str) -> usize {
        let mark = self.path.len();
        self.path.push('[');
        self.path.push_str(key);
        self.path.push(']');
        mark
    }

    fn leave(&mut self, mark: usize) {
        self.path.truncate(mark);
    }

    fn descend(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(JsonError::TooDeep { field: self.path.clone() });
        }
        Ok(())
    }

    fn ascend(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn unexpected(&self, value: &Value) -> JsonError {
        JsonError::UnexpectedType { found: type_name(value), field: self.path.clone() }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Appends `message` to `out` as a JSON object.
pub fn write_json<M: JsonMessage>(message: &M, out: &mut String) {
    message.write_json(out);
}

/// Serializes `message` as JSON text.
pub fn to_json_string<M: JsonMessage>(message: &M) -> String {
    let mut out = String::with_capacity(128);
    message.write_json(&mut out);
    out
}

/// Serializes `message` as JSON text in UTF-8 bytes (an HTTP body, a RecordIO payload).
pub fn to_json_vec<M: JsonMessage>(message: &M) -> Vec<u8> {
    to_json_string(message).into_bytes()
}

/// Serializes `message` into a [`serde_json::Value`], for embedding it in a larger document.
///
/// This goes through text; it fails only for messages nested deeper than serde_json's
/// parser accepts (128 levels), which no Mesos message gets near.
pub fn to_json_value<M: JsonMessage>(message: &M) -> Result<Value, JsonError> {
    Ok(serde_json::from_str(&to_json_string(message))?)
}

/// Parses JSON text into a message, enforcing required fields.
pub fn from_json_slice<M: JsonMessage>(bytes: &[u8]) -> Result<M, JsonError> {
    let value: Value = serde_json::from_slice(bytes)?;
    from_json_value(&value)
}

/// The message a request gets for a body that did not convert into the message `name`
/// (e.g. `Call`), worded as Mesos words it; a syntax error already says what it is.
pub fn request_error_text(error: &JsonError, name: &str) -> String {
    match error {
        JsonError::Syntax(_) => error.to_string(),
        _ => format!("Failed to convert JSON into {name} protobuf: {error}"),
    }
}

/// The string a JSON object gives for a top-level `field`, if it gives one. An enum name the
/// message does not know leaves an optional field unset (Mesos' rule, for forward
/// compatibility), so an API uses this to name the value it could not take.
pub fn top_level_string(bytes: &[u8], field: &str) -> Option<String> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    value.get(field)?.as_str().map(String::from)
}

/// Parses JSON text into a message, enforcing required fields.
pub fn from_json_str<M: JsonMessage>(text: &str) -> Result<M, JsonError> {
    from_json_slice(text.as_bytes())
}

/// Converts a parsed JSON value (which must be an object) into a message, enforcing
/// required fields at every level.
pub fn from_json_value<M: JsonMessage>(value: &Value) -> Result<M, JsonError> {
    let Value::Object(object) = value else { return Err(JsonError::NotAnObject) };
    let mut ctx = ReadContext::new();
    ctx.descend()?;
    let mut message = M::default();
    message.merge_json(object, &mut ctx)?;
    let missing = ctx.take_missing();
    if missing.is_empty() { Ok(message) } else { Err(JsonError::MissingRequired(missing)) }
}

fn write_f64(value: f64, out: &mut String) {
    if value.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(value));
    } else if value == f64::INFINITY {
        out.push_str("\"Infinity\"");
    } else if value == f64::NEG_INFINITY {
        out.push_str("\"-Infinity\"");
    } else {
        out.push_str("0.0");
    }
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    // Almost every string needs no escape; a scan without early exit vectorises, and is
    // several times quicker than the escaping loop below.
    let plain =
        !s.as_bytes().iter().fold(false, |escape, &b| escape | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if plain {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // Only ASCII bytes are escaped, so `i` is always a char boundary.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Decodes base64 the way Mesos does: standard alphabet, whitespace skipped, decoding stops
/// at the first `=`, padding optional; a dangling single character carries no whole byte
/// and is dropped.
fn decode_base64_lenient(text: &str) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut count = 0;
    for &b in text.as_bytes() {
        let sextet = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => continue,
            _ => return Err("invalid character"),
        };
        acc = (acc << 6) | u32::from(sextet);
        count += 1;
        if count == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            count = 0;
        }
    }
    match count {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    Ok(out)
}

/// Conversion of a JSON number to an integer field type with C cast semantics.
trait IntCast: Sized {
    fn from_i64(v: i64) -> Self;
    fn from_u64(v: u64) -> Self;
    fn from_f64(v: f64) -> Self;

    fn from_number(n: &Number) -> Self {
        if let Some(v) = n.as_i64() {
            Self::from_i64(v)
        } else if let Some(v) = n.as_u64() {
            Self::from_u64(v)
        } else {
            Self::from_f64(n.as_f64().unwrap_or(0.0))
        }
    }
}

macro_rules! int_cast {
    ($($t:ty => $signed:expr),*) => {$(
        impl IntCast for $t {
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            fn from_u64(v: u64) -> Self {
                v as $t
            }
            fn from_f64(v: f64) -> Self {
                // Truncate toward zero, then wrap like C on two's complement hardware (Rust's
                // float-to-int `as` saturates, so go through the 64-bit type first).
                if $signed || v < 0.0 { v as i64 as $t } else { v as u64 as $t }
            }
        }
    )*};
}

int_cast!(i32 => true, i64 => true, u32 => false, u64 => false);

fn parse_numeric_string(text: &str, ctx: &ReadContext) -> Result<Number, JsonError> {
    text.trim()
        .parse::<Number>()
        .map_err(|_| JsonError::InvalidNumber { text: text.to_string(), field: ctx.path.clone() })
}

fn read_integer<T: IntCast>(value: &Value, ctx: &ReadContext) -> Result<Option<T>, JsonError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(Some(T::from_number(n))),
        Value::String(s) => Ok(Some(T::from_number(&parse_numeric_string(s, ctx)?))),
        other => Err(ctx.unexpected(other)),
    }
}

fn read_double(value: &Value, ctx: &ReadContext) -> Result<Option<f64>, JsonError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(Some(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => match s.trim() {
            "Infinity" => Ok(Some(f64::INFINITY)),
            "-Infinity" => Ok(Some(f64::NEG_INFINITY)),
            _ => Ok(Some(parse_numeric_string(s, ctx)?.as_f64().unwrap_or(0.0))),
        },
        other => Err(ctx.unexpected(other)),
    }
}

/// Keys of map fields: written as JSON member names, parsed back from them.
pub trait MapKey: Sized {
    /// Appends the key as a quoted JSON member name.
    fn write_key(&self, out: &mut String);
    /// Parses a member name; `None` if it is not a valid key.
    fn parse_key(name: &str) -> Option<Self>;
}

impl MapKey for String {
    fn write_key(&self, out: &mut String) {
        write_str(self, out);
    }
    fn parse_key(name: &str) -> Option<Self> {
        Some(name.to_string())
    }
}

impl MapKey for bool {
    fn write_key(&self, out: &mut String) {
        out.push_str(if *self { "\"true\"" } else { "\"false\"" });
    }
    fn parse_key(name: &str) -> Option<Self> {
        match name {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

macro_rules! int_map_key {
    ($($t:ty),*) => {$(
        impl MapKey for $t {
            fn write_key(&self, out: &mut String) {
                out.push('"');
                out.push_str(itoa::Buffer::new().format(*self));
                out.push('"');
            }
            fn parse_key(name: &str) -> Option<Self> {
                name.trim().parse().ok()
            }
        }
    )*};
}

int_map_key!(i32, i64, u32, u64);

/// Support code for the derive macros; not a stable API.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub use super::MapKey;

    /// A JSON object.
    pub type Map = serde_json::Map<String, Value>;

    /// How one protobuf value kind maps to JSON.
    pub trait Codec {
        type Borrowed: ?Sized;
        type Owned;
        /// False if the value has no JSON form and should be left out where that is allowed.
        fn representable(_value: &Self::Borrowed) -> bool {
            true
        }
        /// Writes the value; for unrepresentable values a fallback (only used if required).
        fn write(value: &Self::Borrowed, out: &mut String);
        /// Reads a value; `None` means unset. `ctx.path()` names the value.
        fn read(
            value: &Value,
            ctx: &mut ReadContext,
            required: bool,
        ) -> Result<Option<Self::Owned>, JsonError>;
    }

    pub struct F64;
    pub struct F32;
    pub struct I32;
    pub struct I64;
    pub struct U32;
    pub struct U64;
    pub struct Bool;
    pub struct Str;
    pub struct Bytes;
    pub struct BytesOrValueObject;
    pub struct Enum<E>(PhantomData<fn() -> E>);
    pub struct Msg<M>(PhantomData<fn() -> M>);
    pub struct BareValueMsg<M>(PhantomData<fn() -> M>);

    impl Codec for F64 {
        type Borrowed = f64;
        type Owned = f64;
        fn representable(value: &f64) -> bool {
            !value.is_nan()
        }
        fn write(value: &f64, out: &mut String) {
            write_f64(*value, out);
        }
        fn read(value: &Value, ctx: &mut ReadContext, _: bool) -> Result<Option<f64>, JsonError> {
            read_double(value, ctx)
        }
    }

    impl Codec for F32 {
        type Borrowed = f32;
        type Owned = f32;
        fn representable(value: &f32) -> bool {
            !value.is_nan()
        }
        fn write(value: &f32, out: &mut String) {
            // The f32's own shortest form ("0.1", not the f64 widening "0.10000000149011612").
            if value.is_finite() {
                out.push_str(zmij::Buffer::new().format_finite(*value));
            } else {
                write_f64(f64::from(*value), out);
            }
        }
        fn read(value: &Value, ctx: &mut ReadContext, _: bool) -> Result<Option<f32>, JsonError> {
            Ok(read_double(value, ctx)?.map(|v| v as f32))
        }
    }

    macro_rules! int_codec {
        ($($codec:ident => $t:ty),*) => {$(
            impl Codec for $codec {
                type Borrowed = $t;
                type Owned = $t;
                fn write(value: &$t, out: &mut String) {
                    out.push_str(itoa::Buffer::new().format(*value));
                }
                fn read(value: &Value, ctx: &mut ReadContext, _: bool) -> Result<Option<$t>, JsonError> {
                    read_integer(value, ctx)
                }
            }
        )*};
    }

    int_codec!(I32 => i32, I64 => i64, U32 => u32, U64 => u64);

    impl Codec for Bool {
        type Borrowed = bool;
        type Owned = bool;
        fn write(value: &bool, out: &mut String) {
            out.push_str(if *value { "true" } else { "false" });
        }
        fn read(value: &Value, ctx: &mut ReadContext, _: bool) -> Result<Option<bool>, JsonError> {
            match value {
                Value::Null => Ok(None),
                Value::Bool(b) => Ok(Some(*b)),
                Value::String(s) => match s.as_str() {
                    "true" => Ok(Some(true)),
                    "false" => Ok(Some(false)),
                    _ => Err(JsonError::InvalidBool { text: s.clone(), field: ctx.path.clone() }),
                },
                other => Err(ctx.unexpected(other)),
            }
        }
    }

    impl Codec for Str {
        type Borrowed = str;
        type Owned = String;
        fn write(value: &str, out: &mut String) {
            write_str(value, out);
        }
        fn read(value: &Value, ctx: &mut ReadContext, _: bool) -> Result<Option<String>, JsonError> {
            match value {
                Value::Null => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                other => Err(ctx.unexpected(other)),
            }
        }
    }

    impl Codec for Bytes {
        type Borrowed = [u8];
        type Owned = Vec<u8>;
        fn write(value: &[u8], out: &mut String) {
            use base64::Engine as _;
            out.push('"');
            base64::engine::general_purpose::STANDARD.encode_string(value, out);
            out.push('"');
        }
        fn read(value: &Value, ctx: &mut ReadContext, _: bool) -> Result<Option<Vec<u8>>, JsonError> {
            match value {
                Value::Null => Ok(None),
                Value::String(s) => decode_base64_lenient(s)
                    .map(Some)
                    .map_err(|reason| JsonError::InvalidBase64 { reason, field: ctx.path.clone() }),
                other => Err(ctx.unexpected(other)),
            }
        }
    }

    impl Codec for BytesOrValueObject {
        type Borrowed = [u8];
        type Owned = Vec<u8>;
        fn write(value: &[u8], out: &mut String) {
            Bytes::write(value, out);
        }
        fn read(value: &Value, ctx: &mut ReadContext, required: bool) -> Result<Option<Vec<u8>>, JsonError> {
            // pymesos sends `OperationStatus.uuid` as the `UUID` message `{"value": ...}`.
            match value {
                Value::Object(object) => match object.get("value") {
                    Some(inner) => Bytes::read(inner, ctx, required),
                    None => Ok(None),
                },
                other => Bytes::read(other, ctx, required),
            }
        }
    }

    impl<E: JsonEnum> Codec for Enum<E> {
        type Borrowed = i32;
        type Owned = i32;
        fn representable(value: &i32) -> bool {
            E::json_name(*value).is_some()
        }
        fn write(value: &i32, out: &mut String) {
            match E::json_name(*value) {
                Some(name) => write_str(name, out),
                None => out.push_str(itoa::Buffer::new().format(*value)),
            }
        }
        fn read(value: &Value, ctx: &mut ReadContext, required: bool) -> Result<Option<i32>, JsonError> {
            match value {
                Value::Null => Ok(None),
                Value::String(name) => match E::from_json_name(name) {
                    Some(v) => Ok(Some(v)),
                    None if required => {
                        Err(JsonError::UnknownEnum { name: name.clone(), field: ctx.path.clone() })
                    }
                    None => Ok(None),
                },
                other => Err(ctx.unexpected(other)),
            }
        }
    }

    fn read_message<M: JsonMessage>(object: &Map, ctx: &mut ReadContext) -> Result<M, JsonError> {
        ctx.descend()?;
        let mut message = M::default();
        message.merge_json(object, ctx)?;
        ctx.ascend();
        Ok(message)
    }

    impl<M: JsonMessage> Codec for Msg<M> {
        type Borrowed = M;
        type Owned = M;
        fn write(value: &M, out: &mut String) {
            value.write_json(out);
        }
        fn read(value: &Value, ctx: &mut ReadContext, _: bool) -> Result<Option<M>, JsonError> {
            match value {
                Value::Null => Ok(None),
                Value::Object(object) => read_message(object, ctx).map(Some),
                other => Err(ctx.unexpected(other)),
            }
        }
    }

    impl<M: JsonMessage> Codec for BareValueMsg<M> {
        type Borrowed = M;
        type Owned = M;
        fn write(value: &M, out: &mut String) {
            value.write_json(out);
        }
        fn read(value: &Value, ctx: &mut ReadContext, required: bool) -> Result<Option<M>, JsonError> {
            match value {
                Value::Bool(_) | Value::Number(_) | Value::String(_) => {
                    let mut object = Map::new();
                    object.insert("value".to_string(), value.clone());
                    read_message(&object, ctx).map(Some)
                }
                other => Msg::<M>::read(other, ctx, required),
            }
        }
    }

    fn separator(out: &mut String, first: &mut bool, key: &str) {
        if !*first {
            out.push(',');
        }
        *first = false;
        out.push_str(key);
    }

    /// Writes a required field: always present.
    pub fn write_required<C: Codec>(out: &mut String, first: &mut bool, key: &str, value: &C::Borrowed) {
        separator(out, first, key);
        C::write(value, out);
    }

    /// Writes a value of an optional field, unless it has no JSON form.
    pub fn write_value<C: Codec>(out: &mut String, first: &mut bool, key: &str, value: &C::Borrowed) {
        if C::representable(value) {
            separator(out, first, key);
            C::write(value, out);
        }
    }

    /// Writes an optional field without a proto default: only when set.
    pub fn write_optional<C: Codec, T: Borrow<C::Borrowed>>(
        out: &mut String,
        first: &mut bool,
        key: &str,
        value: &Option<T>,
    ) {
        if let Some(value) = value {
            write_value::<C>(out, first, key, value.borrow());
        }
    }

    /// Writes a repeated field: only when it has a representable element.
    pub fn write_repeated<C: Codec, T: Borrow<C::Borrowed>>(
        out: &mut String,
        first: &mut bool,
        key: &str,
        items: &[T],
    ) {
        let mut open = false;
        for item in items {
            let item = item.borrow();
            if !C::representable(item) {
                continue;
            }
            if open {
                out.push(',');
            } else {
                separator(out, first, key);
                out.push('[');
                open = true;
            }
            C::write(item, out);
        }
        if open {
            out.push(']');
        }
    }

    /// Writes a map field as an object: only when it has a representable entry.
    pub fn write_map<'a, C, K, V, I>(out: &mut String, first: &mut bool, key: &str, entries: I)
    where
        C: Codec,
        K: MapKey + 'a,
        V: Borrow<C::Borrowed> + 'a,
        I: IntoIterator<Item = (&'a K, &'a V)>,
    {
        let mut open = false;
        for (k, v) in entries {
            let v = v.borrow();
            if !C::representable(v) {
                continue;
            }
            if open {
                out.push(',');
            } else {
                separator(out, first, key);
                out.push('{');
                open = true;
            }
            k.write_key(out);
            out.push(':');
            C::write(v, out);
        }
        if open {
            out.push('}');
        }
    }

    /// Reads an optional field.
    pub fn read_optional<C: Codec, T: From<C::Owned>>(
        value: &Value,
        name: &str,
        ctx: &mut ReadContext,
    ) -> Result<Option<T>, JsonError> {
        let mark = ctx.enter_field(name);
        let read = C::read(value, ctx, false)?;
        ctx.leave(mark);
        Ok(read.map(T::from))
    }

    /// Reads a required field into `slot`; returns whether it was present.
    pub fn read_required<C: Codec, T: From<C::Owned>>(
        value: &Value,
        name: &str,
        ctx: &mut ReadContext,
        slot: &mut T,
    ) -> Result<bool, JsonError> {
        let mark = ctx.enter_field(name);
        let read = C::read(value, ctx, true)?;
        ctx.leave(mark);
        Ok(match read {
            Some(v) => {
                *slot = T::from(v);
                true
            }
            None => false,
        })
    }

    /// Reads a repeated field from an array (nested arrays flattened) or a single value.
    pub fn read_repeated<C: Codec, T: From<C::Owned>>(
        value: &Value,
        name: &str,
        ctx: &mut ReadContext,
        items: &mut Vec<T>,
    ) -> Result<(), JsonError> {
        let mark = ctx.enter_field(name);
        match value {
            Value::Array(elements) => {
                items.reserve(elements.len());
                let mut index = 0;
                read_elements::<C, T>(elements, ctx, items, &mut index)?;
            }
            single => read_element::<C, T>(single, ctx, items, 0)?,
        }
        ctx.leave(mark);
        Ok(())
    }

    fn read_elements<C: Codec, T: From<C::Owned>>(
        elements: &[Value],
        ctx: &mut ReadContext,
        items: &mut Vec<T>,
        index: &mut usize,
    ) -> Result<(), JsonError> {
        for element in elements {
            if let Value::Array(inner) = element {
                ctx.descend()?;
                read_elements::<C, T>(inner, ctx, items, index)?;
                ctx.ascend();
            } else {
                read_element::<C, T>(element, ctx, items, *index)?;
                *index += 1;
            }
        }
        Ok(())
    }

    fn read_element<C: Codec, T: From<C::Owned>>(
        element: &Value,
        ctx: &mut ReadContext,
        items: &mut Vec<T>,
        index: usize,
    ) -> Result<(), JsonError> {
        if element.is_null() {
            return Ok(());
        }
        let mark = ctx.enter_index(index);
        if let Some(v) = C::read(element, ctx, false)? {
            items.push(T::from(v));
        }
        ctx.leave(mark);
        Ok(())
    }

    /// The map types prost generates (`map`/`hash_map` and `btree_map`).
    pub trait MapField {
        type Key;
        type Value;
        fn insert_entry(&mut self, key: Self::Key, value: Self::Value);
    }

    impl<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher> MapField for std::collections::HashMap<K, V, S> {
        type Key = K;
        type Value = V;
        fn insert_entry(&mut self, key: K, value: V) {
            self.insert(key, value);
        }
    }

    impl<K: Ord, V> MapField for std::collections::BTreeMap<K, V> {
        type Key = K;
        type Value = V;
        fn insert_entry(&mut self, key: K, value: V) {
            self.insert(key, value);
        }
    }

    /// Reads a map field from an object.
    pub fn read_map<C, M>(
        value: &Value,
        name: &str,
        ctx: &mut ReadContext,
        map: &mut M,
    ) -> Result<(), JsonError>
    where
        C: Codec,
        M: MapField,
        M::Key: MapKey,
        M::Value: From<C::Owned>,
    {
        let mark = ctx.enter_field(name);
        match value {
            Value::Null => {}
            Value::Object(object) => {
                for (member, v) in object {
                    let Some(key) = M::Key::parse_key(member) else {
                        return Err(JsonError::InvalidMapKey {
                            key: member.clone(),
                            field: ctx.path.clone(),
                        });
                    };
                    if v.is_null() {
                        continue;
                    }
                    let entry_mark = ctx.enter_key(member);
                    if let Some(v) = C::read(v, ctx, false)? {
                        map.insert_entry(key, M::Value::from(v));
                    }
                    ctx.leave(entry_mark);
                }
            }
            other => return Err(ctx.unexpected(other)),
        }
        ctx.leave(mark);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lenient() {
        assert_eq!(decode_base64_lenient("aGVsbG8=").as_deref(), Ok(&b"hello"[..]));
        assert_eq!(decode_base64_lenient("aGVsbG8").as_deref(), Ok(&b"hello"[..]));
        assert_eq!(decode_base64_lenient("aGVs\n bG8=junk").as_deref(), Ok(&b"hello"[..]));
        assert_eq!(decode_base64_lenient("").as_deref(), Ok(&b""[..]));
        assert_eq!(decode_base64_lenient("+/+/").as_deref(), Ok(&[0xfb, 0xff, 0xbf][..]));
        assert!(decode_base64_lenient("a-b_").is_err());
    }

    #[test]
    fn string_escaping() {
        let mut out = String::new();
        write_str("a\"b\\c\n\u{1}é", &mut out);
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001é\"");
    }

    #[test]
    fn c_casts() {
        assert_eq!(i32::from_i64(1 << 32 | 5), 5);
        assert_eq!(u32::from_i64(-1), u32::MAX);
        assert_eq!(i32::from_f64(-2.9), -2);
        assert_eq!(u64::from_f64(1.5e19), 15_000_000_000_000_000_000);
        assert_eq!(u32::from_f64(-1.0), u32::MAX);
    }
}
