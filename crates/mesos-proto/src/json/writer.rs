//! Writing a JSON document straight to text, field by field, for documents that are not one
//! message: the state endpoints put messages, numbers and strings together into documents of
//! hundreds of megabytes, and building a `serde_json::Value` tree for them first cost more
//! than the text itself (docs/benchmarks.md).
//!
//! An [`ObjectWriter`] or [`ArrayWriter`] closes its object or array when it is dropped, so
//! a nested part is a scope: `{ let mut inner = outer.object("key"); ... }`.

use super::{JsonMessage, write_f64, write_str};

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
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens an object at the end of `out`.
    pub fn open(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Writes `message` and keeps its object open, so more members can follow its own.
    pub fn extend_message<M: JsonMessage>(out: &'a mut String, message: &M) -> Self {
        message.write_json(out);
        // A message's text always ends with the brace that closes it.
        out.pop();
        let first = out.ends_with('{');
        ObjectWriter { out, first }
    }

    /// Starts the member `key` and returns where its value goes; the caller writes exactly
    /// one JSON value there.
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(key, self.out);
        self.out.push(':');
        self.out
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
    out: &'a mut String,
    first: bool,
}

impl<'a> ArrayWriter<'a> {
    /// Opens an array at the end of `out`.
    pub fn open(out: &'a mut String) -> Self {
        out.push('[');
        ArrayWriter { out, first: true }
    }

    /// Starts the next element and returns where it goes; the caller writes exactly one
    /// JSON value there.
    pub fn element(&mut self) -> &mut String {
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
        let mut out = String::new();
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
        let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
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
        let mut out = String::new();
        {
            let mut list = ArrayWriter::open(&mut out);
            list.extend_message(&label).str("slave_id", "S1");
            list.extend_message(&Labels::default()).str("slave_id", "S2");
        }
        let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(
            value,
            serde_json::json!([{"key": "k", "value": "v", "slave_id": "S1"}, {"slave_id": "S2"}])
        );
    }
}
