//! Writing a JSON document straight to text, field by field, for documents that are not one
//! message: the state endpoints put messages, numbers and strings together into documents of
//! hundreds of megabytes, and building a `serde_json::Value` tree for them first cost more
//! than the text itself (docs/benchmarks.md).
//!
//! An [`ObjectWriter`] or [`ArrayWriter`] closes its object or array when it is dropped, so
//! a nested part is a scope: `{ let mut inner = outer.object("key"); ... }`.
//!
//! They write into a [`Text`]: text of the document's own with pieces written earlier (a
//! task's, kept with the task) spliced in by reference, so that a document made mostly of
//! kept pieces costs their count rather than their bytes.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;

use super::{JsonMessage, write_f64, write_str};

/// A JSON document being written: its own text, which it dereferences to for writing, and
/// shared pieces spliced in between.
#[derive(Clone, Debug, Default)]
pub struct Text {
    own: String,
    /// Each spliced piece, after how many bytes of `own` it comes.
    spliced: Vec<(usize, Bytes)>,
    spliced_bytes: usize,
}

impl Text {
    /// An empty document whose own text has room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Text {
        Text { own: String::with_capacity(capacity), spliced: Vec::new(), spliced_bytes: 0 }
    }

    /// Makes room for `pieces` more spliced pieces.
    pub fn reserve_pieces(&mut self, pieces: usize) {
        self.spliced.reserve(pieces);
    }

    /// Appends `piece`, which must be text (UTF-8) of whole JSON values, by reference.
    pub fn splice(&mut self, piece: Bytes) {
        self.spliced_bytes += piece.len();
        self.spliced.push((self.own.len(), piece));
    }

    /// The document's length in bytes.
    pub fn total_len(&self) -> usize {
        self.own.len() + self.spliced_bytes
    }

    /// The document in order, as pieces that refer to its text without copying it.
    pub fn into_pieces(self) -> Vec<Bytes> {
        let own = Bytes::from(self.own);
        let mut pieces = Vec::with_capacity(2 * self.spliced.len() + 1);
        let mut at = 0;
        for (offset, piece) in self.spliced {
            if offset > at {
                pieces.push(own.slice(at..offset));
            }
            pieces.push(piece);
            at = offset;
        }
        if own.len() > at {
            pieces.push(own.slice(at..));
        }
        pieces
    }

    /// The document as one string (a copy of every piece).
    pub fn into_string(self) -> String {
        if self.spliced.is_empty() {
            return self.own;
        }
        let mut out = Vec::with_capacity(self.total_len());
        for piece in self.into_pieces() {
            out.extend_from_slice(&piece);
        }
        // Every piece is whole UTF-8 text (`splice`'s contract; the own text is a String).
        String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl Deref for Text {
    type Target = String;
    fn deref(&self) -> &String {
        &self.own
    }
}

impl DerefMut for Text {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.own
    }
}

/// Writes `value` as Mesos writes doubles (`1.0`, `0.25`, `"Infinity"`).
pub fn write_double(out: &mut String, value: f64) {
    write_f64(value, out);
}

/// Writes `value` as a JSON integer.
pub fn write_integer(out: &mut String, value: i64) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// Writes the members of one JSON object.
pub struct ObjectWriter<'a> {
    out: &'a mut Text,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens an object at the end of `out`.
    pub fn open(out: &'a mut Text) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Writes `message` and keeps its object open, so more members can follow its own.
    pub fn extend_message<M: JsonMessage>(out: &'a mut Text, message: &M) -> Self {
        message.write_json(out);
        // A message's text always ends with the brace that closes it.
        out.pop();
        let first = out.ends_with('{');
        ObjectWriter { out, first }
    }

    /// Starts the member `key` and returns where its value goes; the caller writes exactly
    /// one JSON value there.
    pub fn key(&mut self, key: &str) -> &mut Text {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(key, self.out);
        self.out.push(':');
        self.out
    }

    /// Makes room for `pieces` more spliced pieces in the document.
    pub fn reserve_pieces(&mut self, pieces: usize) {
        self.out.reserve_pieces(pieces);
    }

    /// A string member.
    pub fn str(&mut self, key: &str, value: &str) {
        let out = self.key(key);
        write_str(value, out);
    }

    /// A number member, written as Mesos writes doubles (`1.0`, `0.25`).
    pub fn f64(&mut self, key: &str, value: f64) {
        let out = self.key(key);
        write_f64(value, out);
    }

    /// An integer member.
    pub fn i64(&mut self, key: &str, value: i64) {
        let out = self.key(key);
        write_integer(out, value);
    }

    /// A boolean member.
    pub fn bool(&mut self, key: &str, value: bool) {
        let out = self.key(key);
        out.push_str(if value { "true" } else { "false" });
    }

    /// A message member, in Mesos' JSON mapping.
    pub fn message<M: JsonMessage>(&mut self, key: &str, message: &M) {
        let out = self.key(key);
        message.write_json(out);
    }

    /// A nested object member; it closes when the returned writer is dropped.
    pub fn object(&mut self, key: &str) -> ObjectWriter<'_> {
        ObjectWriter::open(self.key(key))
    }

    /// An array member; it closes when the returned writer is dropped.
    pub fn array(&mut self, key: &str) -> ArrayWriter<'_> {
        ArrayWriter::open(self.key(key))
    }

    /// An array member of strings.
    pub fn strings<'s>(&mut self, key: &str, values: impl IntoIterator<Item = &'s str>) {
        let mut array = self.array(key);
        for value in values {
            array.str(value);
        }
    }
}

impl Drop for ObjectWriter<'_> {
    fn drop(&mut self) {
        self.out.push('}');
    }
}

/// Writes the elements of one JSON array.
pub struct ArrayWriter<'a> {
    out: &'a mut Text,
    first: bool,
}

impl<'a> ArrayWriter<'a> {
    /// Opens an array at the end of `out`.
    pub fn open(out: &'a mut Text) -> Self {
        out.push('[');
        ArrayWriter { out, first: true }
    }

    /// Starts the next element and returns where it goes; the caller writes exactly one
    /// JSON value there.
    pub fn element(&mut self) -> &mut Text {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out
    }

    /// A string element.
    pub fn str(&mut self, value: &str) {
        let out = self.element();
        write_str(value, out);
    }

    /// An integer element.
    pub fn i64(&mut self, value: i64) {
        let out = self.element();
        write_integer(out, value);
    }

    /// A message element, in Mesos' JSON mapping.
    pub fn message<M: JsonMessage>(&mut self, message: &M) {
        let out = self.element();
        message.write_json(out);
    }

    /// An object element; it closes when the returned writer is dropped.
    pub fn object(&mut self) -> ObjectWriter<'_> {
        ObjectWriter::open(self.element())
    }

    /// An object element that starts with `message`'s members, for more to follow.
    pub fn extend_message<M: JsonMessage>(&mut self, message: &M) -> ObjectWriter<'_> {
        ObjectWriter::extend_message(self.element(), message)
    }
}

impl Drop for ArrayWriter<'_> {
    fn drop(&mut self) {
        self.out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v1::{Label, Labels};

    #[test]
    fn nested_parts_close_in_order_and_parse() {
        let mut out = Text::default();
        {
            let mut top = ObjectWriter::open(&mut out);
            top.str("name", "a \"quoted\"\nname");
            top.f64("share", 0.25);
            top.f64("whole", 2.0);
            top.i64("big", i64::MAX);
            top.bool("active", true);
            {
                let mut list = top.array("items");
                list.str("x");
                let mut item = list.object();
                item.i64("n", 1);
            }
            top.strings("empty", []);
            top.object("nothing");
        }
        let value: serde_json::Value = serde_json::from_str(&out.into_string()).expect("valid JSON");
        assert_eq!(value["name"], "a \"quoted\"\nname");
        assert_eq!(value["share"], 0.25);
        assert_eq!(value["whole"].as_f64(), Some(2.0));
        assert_eq!(value["big"], i64::MAX);
        assert_eq!(value["active"], true);
        assert_eq!(value["items"], serde_json::json!(["x", {"n": 1}]));
        assert_eq!(value["empty"], serde_json::json!([]));
        assert_eq!(value["nothing"], serde_json::json!({}));
    }

    #[test]
    fn a_message_can_be_extended_with_members_of_its_own() {
        let label = Label { key: "k".into(), value: Some("v".into()) };
        let mut out = Text::default();
        {
            let mut list = ArrayWriter::open(&mut out);
            list.extend_message(&label).str("slave_id", "S1");
            list.extend_message(&Labels::default()).str("slave_id", "S2");
        }
        let value: serde_json::Value = serde_json::from_str(&out.into_string()).expect("valid JSON");
        assert_eq!(
            value,
            serde_json::json!([{"key": "k", "value": "v", "slave_id": "S1"}, {"slave_id": "S2"}])
        );
    }

    #[test]
    fn spliced_pieces_come_where_they_were_spliced_without_copies() {
        let kept = Bytes::from_static(b"{\"kept\":1}");
        let mut out = Text::default();
        {
            let mut list = ArrayWriter::open(&mut out);
            list.element().splice(kept.clone());
            list.i64(2);
            list.element().splice(kept.clone());
            list.element().splice(kept.clone());
        }
        assert_eq!(out.total_len(), "[{\"kept\":1},2,{\"kept\":1},{\"kept\":1}]".len());
        let pieces = out.clone().into_pieces();
        // The kept pieces are the same memory, not copies.
        assert!(pieces.iter().filter(|p| p.as_ptr() == kept.as_ptr()).count() == 3);
        assert_eq!(out.into_string(), "[{\"kept\":1},2,{\"kept\":1},{\"kept\":1}]");
    }
}
