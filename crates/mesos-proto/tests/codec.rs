//! Golden and property tests of the JSON and protobuf codecs, RecordIO and the derives, on
//! test-only messages that cover every field kind and label.

// Test-only message types; documenting each field would add nothing.
#![allow(missing_docs)]

use std::collections::{BTreeMap, HashMap};

use mesos_proto::json::{self, JsonError};
use mesos_proto::recordio::{self, RecordIoDecoder, RecordIoError};
use mesos_proto::wire::{self, ProtoError};
use proptest::prelude::*;
use prost::Message;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    ::prost::Enumeration,
    mesos_json_derive::JsonEnum,
)]
#[repr(i32)]
pub enum Color {
    DeepRed = 6,
    Unknown = 0,
    #[json(name = "IPv4")]
    Ipv4 = 2,
    Blue = 7,
}

#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Label {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, optional, tag = "2")]
    pub value: Option<String>,
}

#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Scalar {
    #[prost(double, required, tag = "1")]
    pub value: f64,
}

#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Empty {}

/// Every scalar kind, optional.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Scalars {
    #[prost(double, optional, tag = "1")]
    pub d: Option<f64>,
    #[prost(float, optional, tag = "2")]
    pub f: Option<f32>,
    #[prost(int32, optional, tag = "3")]
    pub i32: Option<i32>,
    #[prost(int64, optional, tag = "4")]
    pub i64: Option<i64>,
    #[prost(uint32, optional, tag = "5")]
    pub u32: Option<u32>,
    #[prost(uint64, optional, tag = "6")]
    pub u64: Option<u64>,
    #[prost(sint32, optional, tag = "7")]
    pub s32: Option<i32>,
    #[prost(sint64, optional, tag = "8")]
    pub s64: Option<i64>,
    #[prost(fixed32, optional, tag = "9")]
    pub fx32: Option<u32>,
    #[prost(fixed64, optional, tag = "10")]
    pub fx64: Option<u64>,
    #[prost(sfixed32, optional, tag = "11")]
    pub sfx32: Option<i32>,
    #[prost(sfixed64, optional, tag = "12")]
    pub sfx64: Option<i64>,
    #[prost(bool, optional, tag = "13")]
    pub b: Option<bool>,
    #[prost(string, optional, tag = "14")]
    pub s: Option<String>,
    #[prost(bytes = "vec", optional, tag = "15")]
    pub bytes: Option<Vec<u8>>,
    #[prost(bytes = "bytes", optional, tag = "16")]
    pub shared_bytes: Option<::bytes::Bytes>,
    #[prost(enumeration = "Color", optional, tag = "17")]
    pub color: Option<i32>,
}

/// Defaults, raw identifiers, helper attributes.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Defaults {
    #[prost(double, optional, tag = "1", default = "15")]
    pub delay_seconds: Option<f64>,
    #[prost(bool, optional, tag = "2", default = "true")]
    pub shell: Option<bool>,
    #[prost(bool, optional, tag = "3", default = "false")]
    pub checkpoint: Option<bool>,
    #[prost(enumeration = "Color", optional, tag = "4", default = "Ipv4")]
    pub protocol: Option<i32>,
    #[prost(string, optional, tag = "5", default = "*")]
    pub star: Option<String>,
    #[prost(int32, optional, tag = "6", default = "-5")]
    pub negative: Option<i32>,
    #[prost(uint32, required, tag = "7", default = "5050")]
    pub port: u32,
    #[prost(string, optional, tag = "8")]
    pub r#type: Option<String>,
    #[prost(string, optional, tag = "9")]
    #[json(skip)]
    pub secret: Option<String>,
    #[prost(bytes = "vec", optional, tag = "10")]
    #[json(accept_value_object)]
    pub uuid: Option<Vec<u8>>,
    #[prost(string, optional, tag = "11")]
    #[json(name = "renamed")]
    pub original: Option<String>,
    #[prost(double, optional, tag = "12", default = "inf")]
    pub forever: Option<f64>,
    #[prost(bytes = "vec", optional, tag = "13", default = "b\"hi\"")]
    pub greeting: Option<Vec<u8>>,
}

/// Repeated and map fields, required fields of every kind, nested messages.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Everything {
    #[prost(string, required, tag = "1")]
    pub name: String,
    #[prost(message, required, tag = "2")]
    pub id: Label,
    #[prost(enumeration = "Color", required, tag = "3")]
    pub color: i32,
    #[prost(uint64, required, tag = "4")]
    pub big: u64,
    #[prost(double, required, tag = "5")]
    pub ratio: f64,
    #[prost(bytes = "vec", required, tag = "6")]
    pub blob: Vec<u8>,
    #[prost(message, repeated, tag = "10")]
    pub labels: Vec<Label>,
    #[prost(string, repeated, tag = "11")]
    pub names: Vec<String>,
    #[prost(int64, repeated, tag = "12")]
    pub packed: Vec<i64>,
    #[prost(uint32, repeated, packed = "false", tag = "13")]
    pub unpacked: Vec<u32>,
    #[prost(enumeration = "Color", repeated, tag = "14")]
    pub colors: Vec<i32>,
    #[prost(bytes = "vec", repeated, tag = "15")]
    pub blobs: Vec<Vec<u8>>,
    #[prost(double, repeated, tag = "16")]
    pub doubles: Vec<f64>,
    #[prost(bool, repeated, tag = "17")]
    pub bools: Vec<bool>,
    #[prost(btree_map = "string, message", tag = "20")]
    pub limits: BTreeMap<String, Scalar>,
    #[prost(btree_map = "string, string", tag = "21")]
    pub env: BTreeMap<String, String>,
    #[prost(btree_map = "int32, enumeration(Color)", tag = "22")]
    pub by_number: BTreeMap<i32, i32>,
    #[prost(map = "bool, double", tag = "23")]
    pub flags: HashMap<bool, f64>,
    #[prost(btree_map = "uint64, bytes", tag = "24")]
    pub chunks: BTreeMap<u64, Vec<u8>>,
    #[prost(btree_map = "sint64, message", tag = "25")]
    pub by_signed: BTreeMap<i64, Label>,
    #[prost(btree_map = "string, message", tag = "26")]
    #[json(accept_bare_value)]
    pub bare_limits: BTreeMap<String, Scalar>,
    #[prost(message, optional, tag = "30")]
    pub maybe: Option<Label>,
    #[prost(message, optional, boxed, tag = "31")]
    pub boxed: Option<Box<Label>>,
    #[prost(message, optional, tag = "32")]
    pub empty: Option<Empty>,
    #[prost(message, optional, tag = "33")]
    pub scalars: Option<Scalars>,
}

/// A recursive message for depth limits and deep paths.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Node {
    #[prost(string, required, tag = "1")]
    pub name: String,
    #[prost(message, optional, boxed, tag = "2")]
    pub child: Option<Box<Node>>,
    #[prost(message, repeated, tag = "3")]
    pub children: Vec<Node>,
}

fn label(key: &str) -> Label {
    Label { key: key.into(), value: None }
}

fn minimal() -> Everything {
    Everything {
        name: "n".into(),
        id: label("id"),
        color: Color::Blue as i32,
        big: 0,
        ratio: 0.0,
        blob: Vec::new(),
        ..Default::default()
    }
}

fn from_json<M: json::JsonMessage>(text: &str) -> Result<M, JsonError> {
    json::from_json_str(text)
}

// ----- output -----

#[test]
fn golden_output_minimal() {
    assert_eq!(
        json::to_json_string(&minimal()),
        r#"{"name":"n","id":{"key":"id"},"color":"BLUE","big":0,"ratio":0.0,"blob":""}"#
    );
}

#[test]
fn golden_output_full() {
    let mut m = minimal();
    m.big = u64::MAX;
    m.ratio = 2.5;
    m.blob = b"hello".to_vec();
    m.labels = vec![label("a"), Label { key: "b".into(), value: Some("v\"\n".into()) }];
    m.names = vec!["x".into(), "é".into()];
    m.packed = vec![i64::MIN, -1, 9_007_199_254_740_993];
    m.unpacked = vec![1, u32::MAX];
    m.colors = vec![Color::DeepRed as i32, 99, Color::Ipv4 as i32];
    m.blobs = vec![vec![0xfb, 0xff], vec![]];
    m.doubles = vec![1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.1, 1e300];
    m.bools = vec![true, false];
    m.limits.insert("cpus".into(), Scalar { value: 2.0 });
    m.limits.insert("mem".into(), Scalar { value: f64::INFINITY });
    m.env.insert("PATH".into(), "/bin".into());
    m.by_number.insert(-3, Color::Unknown as i32);
    m.by_number.insert(4, 1234);
    m.flags.insert(true, 1.5);
    m.chunks.insert(18_446_744_073_709_551_615, b"\x00".to_vec());
    m.by_signed.insert(-7, label("neg"));
    m.maybe = Some(label("m"));
    m.boxed = Some(Box::new(label("b")));
    m.empty = Some(Empty {});
    assert_eq!(
        json::to_json_string(&m),
        concat!(
            r#"{"name":"n","id":{"key":"id"},"color":"BLUE","big":18446744073709551615,"ratio":2.5,"#,
            r#""blob":"aGVsbG8=","labels":[{"key":"a"},{"key":"b","value":"v\"\n"}],"names":["x","é"],"#,
            r#""packed":[-9223372036854775808,-1,9007199254740993],"unpacked":[1,4294967295],"#,
            r#""colors":["DEEP_RED","IPv4"],"blobs":["+/8=",""],"#,
            r#""doubles":[1.0,"Infinity","-Infinity",0.1,1e+300],"bools":[true,false],"#,
            r#""limits":{"cpus":{"value":2.0},"mem":{"value":"Infinity"}},"env":{"PATH":"/bin"},"#,
            r#""by_number":{"-3":"UNKNOWN"},"flags":{"true":1.5},"chunks":{"18446744073709551615":"AA=="},"#,
            r#""by_signed":{"-7":{"key":"neg"}},"maybe":{"key":"m"},"boxed":{"key":"b"},"empty":{}}"#
        )
    );
}

#[test]
fn golden_output_defaults() {
    let d = Defaults::default();
    assert_eq!(
        json::to_json_string(&d),
        concat!(
            r#"{"delay_seconds":15.0,"shell":true,"checkpoint":false,"protocol":"IPv4","star":"*","#,
            r#""negative":-5,"port":5050,"forever":"Infinity","greeting":"aGk="}"#
        )
    );
    let d = Defaults {
        delay_seconds: Some(3.0),
        shell: Some(false),
        protocol: Some(Color::Blue as i32),
        r#type: Some("t".into()),
        secret: Some("hidden".into()),
        uuid: Some(vec![1, 2, 3]),
        original: Some("o".into()),
        ..Default::default()
    };
    let text = json::to_json_string(&d);
    assert!(text.starts_with(r#"{"delay_seconds":3.0,"shell":false,"checkpoint":false,"protocol":"BLUE","#));
    assert!(text.contains(r#""type":"t""#), "{text}");
    assert!(text.contains(r#""uuid":"AQID""#), "{text}");
    assert!(text.contains(r#""renamed":"o""#), "{text}");
    assert!(!text.contains("secret") && !text.contains("hidden"), "{text}");
}

#[test]
fn output_nan_and_unknown_enum_rules() {
    // Optional NaN and unknown optional enum: omitted.
    let s = Scalars { d: Some(f64::NAN), f: Some(f32::NAN), color: Some(42), ..Default::default() };
    assert_eq!(json::to_json_string(&s), "{}");
    // Required NaN: 0.0; required unknown enum: the number.
    let mut m = minimal();
    m.ratio = f64::NAN;
    m.color = 42;
    let text = json::to_json_string(&m);
    assert!(text.contains(r#""color":42,"#), "{text}");
    assert!(text.contains(r#""ratio":0.0,"#), "{text}");
    // Map entries with unrepresentable values are dropped; all dropped means no member.
    let mut m = minimal();
    m.by_number.insert(1, 77);
    m.flags.insert(false, f64::NAN);
    let text = json::to_json_string(&m);
    assert!(!text.contains("by_number") && !text.contains("flags"), "{text}");
}

#[test]
fn output_scalars_all_kinds() {
    let s = Scalars {
        d: Some(-0.0),
        f: Some(0.1),
        i32: Some(i32::MIN),
        i64: Some(i64::MAX),
        u32: Some(u32::MAX),
        u64: Some(u64::MAX),
        s32: Some(-1),
        s64: Some(-2),
        fx32: Some(3),
        fx64: Some(4),
        sfx32: Some(-5),
        sfx64: Some(-6),
        b: Some(true),
        s: Some("\u{1}\t\\".into()),
        bytes: Some(vec![0, 1, 2, 3]),
        shared_bytes: Some(::bytes::Bytes::from_static(b"ab")),
        color: Some(Color::DeepRed as i32),
    };
    assert_eq!(
        json::to_json_string(&s),
        concat!(
            r#"{"d":-0.0,"f":0.1,"i32":-2147483648,"i64":9223372036854775807,"u32":4294967295,"#,
            r#""u64":18446744073709551615,"s32":-1,"s64":-2,"fx32":3,"fx64":4,"sfx32":-5,"sfx64":-6,"#,
            r#""b":true,"s":"\u0001\t\\","bytes":"AAECAw==","shared_bytes":"YWI=","color":"DEEP_RED"}"#
        )
    );
    let back: Scalars = from_json(&json::to_json_string(&s)).unwrap();
    assert_eq!(back, s);
}

#[test]
fn to_json_value_and_vec() {
    let m = minimal();
    let v = json::to_json_value(&m).unwrap();
    assert_eq!(v["id"]["key"], "id");
    assert_eq!(json::to_json_vec(&m), json::to_json_string(&m).into_bytes());
    let back: Everything = json::from_json_value(&v).unwrap();
    assert_eq!(back, m);
}

// ----- input -----

#[test]
fn input_tricky_values() {
    let text = r#"{
        "name": "n", "id": {"key": "id", "unknown": [1, {"x": null}]}, "color": "BLUE",
        "big": 18446744073709551615, "ratio": "Infinity", "blob": "aGVsbG8",
        "frameworkId": "ignored",
        "labels": {"key": "single"},
        "names": [["a", "b"], "c", null],
        "packed": ["5", 6.9, -7.9, "1e3"],
        "unpacked": [-1, 4294967297],
        "colors": ["BLUE", "NOPE", "IPv4"],
        "doubles": ["-Infinity", 3, "2.5"],
        "bools": [true, "false"],
        "limits": {"cpus": {"value": 2}},
        "by_number": {"5": "DEEP_RED", "6": "NOPE"},
        "flags": {"true": 1},
        "chunks": {"7": "AA"},
        "by_signed": {"-9": {"key": "k"}},
        "bare_limits": {"cpus": "Infinity", "mem": 512, "disk": {"value": 1.5}},
        "maybe": null,
        "boxed": {"key": "bx"},
        "empty": {},
        "scalars": {"i32": "2147483648", "u64": "18446744073709551615", "b": "true",
                    "d": "1e2", "f": 0.5, "s32": 3.99, "sfx64": "-12", "bytes": "  AA\nEC Aw==",
                    "shared_bytes": "YWI"}
    }"#;
    let m: Everything = from_json(text).unwrap();
    assert_eq!(m.big, u64::MAX);
    assert_eq!(m.ratio, f64::INFINITY);
    assert_eq!(m.blob, b"hello");
    assert_eq!(m.labels, vec![label("single")]);
    assert_eq!(m.names, vec!["a", "b", "c"]);
    assert_eq!(m.packed, vec![5, 6, -7, 1000]);
    assert_eq!(m.unpacked, vec![u32::MAX, 1]);
    assert_eq!(m.colors, vec![Color::Blue as i32, Color::Ipv4 as i32]);
    assert_eq!(m.doubles, vec![f64::NEG_INFINITY, 3.0, 2.5]);
    assert_eq!(m.bools, vec![true, false]);
    assert_eq!(m.limits["cpus"].value, 2.0);
    assert_eq!(m.by_number, BTreeMap::from([(5, Color::DeepRed as i32)]));
    assert_eq!(m.flags, HashMap::from([(true, 1.0)]));
    assert_eq!(m.chunks, BTreeMap::from([(7, vec![0])]));
    assert_eq!(m.by_signed[&-9], label("k"));
    assert_eq!(m.bare_limits["cpus"].value, f64::INFINITY);
    assert_eq!(m.bare_limits["mem"].value, 512.0);
    assert_eq!(m.bare_limits["disk"].value, 1.5);
    assert_eq!(m.maybe, None);
    assert_eq!(m.boxed.as_deref(), Some(&label("bx")));
    assert_eq!(m.empty, Some(Empty {}));
    let s = m.scalars.unwrap();
    assert_eq!(s.i32, Some(i32::MIN));
    assert_eq!(s.u64, Some(u64::MAX));
    assert_eq!(s.b, Some(true));
    assert_eq!(s.d, Some(100.0));
    assert_eq!(s.f, Some(0.5));
    assert_eq!(s.s32, Some(3));
    assert_eq!(s.sfx64, Some(-12));
    assert_eq!(s.bytes, Some(vec![0, 1, 2, 3]));
    assert_eq!(s.shared_bytes.as_deref(), Some(&b"ab"[..]));
}

#[test]
fn input_u64_above_2_pow_53_is_exact() {
    let m: Scalars =
        from_json(r#"{"u64": 9007199254740993, "i64": -9007199254740993, "fx64": "9007199254740995"}"#)
            .unwrap();
    assert_eq!(m.u64, Some(9_007_199_254_740_993));
    assert_eq!(m.i64, Some(-9_007_199_254_740_993));
    assert_eq!(m.fx64, Some(9_007_199_254_740_995));
}

#[test]
fn input_defaults_and_helpers() {
    let d: Defaults = from_json(
        r#"{"type": "raw", "secret": "s", "uuid": {"value": "AQID"}, "renamed": "r", "original": "x",
            "protocol": "NOPE", "port": 1}"#,
    )
    .unwrap();
    assert_eq!(d.r#type.as_deref(), Some("raw"));
    assert_eq!(d.secret, None);
    assert_eq!(d.uuid, Some(vec![1, 2, 3]));
    assert_eq!(d.original.as_deref(), Some("r"));
    assert_eq!(d.protocol, None);
    assert_eq!(d.protocol(), Color::Ipv4);
    let d: Defaults = from_json(r#"{"uuid": "AQID", "port": "80"}"#).unwrap();
    assert_eq!(d.uuid, Some(vec![1, 2, 3]));
    assert_eq!(d.port, 80);
}

#[test]
fn input_null_is_unset() {
    let s: Scalars = from_json(r#"{"d": null, "s": null, "bytes": null, "color": null}"#).unwrap();
    assert_eq!(s, Scalars::default());
    let err = from_json::<Label>(r#"{"key": null}"#).unwrap_err();
    assert_eq!(err.to_string(), "Missing required fields: key");
}

#[test]
fn input_errors() {
    let cases: &[(&str, &str)] = &[
        ("[]", "Expecting a JSON object"),
        ("5", "Expecting a JSON object"),
        (r#"{"s": 5}"#, "Not expecting a JSON number for field 's'"),
        (r#"{"s": true}"#, "Not expecting a JSON boolean for field 's'"),
        (r#"{"s": ["a"]}"#, "Not expecting a JSON array for field 's'"),
        (r#"{"d": [1]}"#, "Not expecting a JSON array for field 'd'"),
        (r#"{"d": {}}"#, "Not expecting a JSON object for field 'd'"),
        (r#"{"color": 7}"#, "Not expecting a JSON number for field 'color'"),
        (r#"{"i32": "abc"}"#, "Failed to convert 'abc' to a number for field 'i32'"),
        (r#"{"d": "NaN"}"#, "Failed to convert 'NaN' to a number for field 'd'"),
        (r#"{"b": "yes"}"#, "Failed to convert 'yes' to a boolean for field 'b'"),
        (r#"{"b": 1}"#, "Not expecting a JSON number for field 'b'"),
        (r#"{"bytes": "a-b_"}"#, "Failed to decode base64 for field 'bytes': invalid character"),
    ];
    for (text, expected) in cases {
        let err = from_json::<Scalars>(text).unwrap_err();
        assert_eq!(err.to_string(), *expected, "input {text}");
    }
    let err = from_json::<Scalars>("{} x").unwrap_err();
    assert!(err.to_string().starts_with("Failed to parse body into JSON: "), "{err}");
    assert!(matches!(from_json::<Scalars>("{"), Err(JsonError::Syntax(_))));

    let mut base = serde_json::json!({
        "name": "n", "id": {"key": "k"}, "color": "NOPE", "big": 0, "ratio": 0, "blob": ""
    });
    let err = json::from_json_value::<Everything>(&base).unwrap_err();
    assert_eq!(err.to_string(), "Failed to find enum for 'NOPE'");
    base["color"] = "BLUE".into();
    base["maybe"] = "str".into();
    let err = json::from_json_value::<Everything>(&base).unwrap_err();
    assert_eq!(err.to_string(), "Not expecting a JSON string for field 'maybe'");
    base["maybe"] = serde_json::Value::Null;
    base["labels"] = serde_json::json!([{"key": "a"}, {"key": 5}]);
    let err = json::from_json_value::<Everything>(&base).unwrap_err();
    assert_eq!(err.to_string(), "Not expecting a JSON number for field 'labels[1].key'");
    base["labels"] = serde_json::Value::Null;
    base["by_number"] = serde_json::json!({"x": "BLUE"});
    let err = json::from_json_value::<Everything>(&base).unwrap_err();
    assert_eq!(err.to_string(), "Failed to convert map key 'x' for field 'by_number'");
    base["by_number"] = serde_json::Value::Null;
    base["limits"] = serde_json::json!({"cpus": 2.0});
    let err = json::from_json_value::<Everything>(&base).unwrap_err();
    assert_eq!(err.to_string(), "Not expecting a JSON number for field 'limits[cpus]'");
}

#[test]
fn input_missing_required_fields_with_paths() {
    let err = from_json::<Everything>(
        r#"{"id": {}, "labels": [{"key": "a"}, {"value": "b"}], "limits": {"cpus": {}},
            "maybe": {}, "boxed": {"value": "x"}, "color": null}"#,
    )
    .unwrap_err();
    let JsonError::MissingRequired(paths) = &err else { panic!("{err}") };
    let mut paths = paths.clone();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "big",
            "blob",
            "boxed.key",
            "color",
            "id.key",
            "labels[1].key",
            "limits[cpus].value",
            "maybe.key",
            "name",
            "ratio"
        ]
    );
    assert!(err.to_string().starts_with("Missing required fields: "));

    let err = from_json::<Node>(r#"{"name": "a", "child": {"child": {"children": [{"name": "x"}, {}]}}}"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Missing required fields: child.child.children[1].name, child.child.name, child.name"
    );
}

#[test]
fn input_depth_limit() {
    // Built as a Value so that serde_json's own parser limit (128) is not what stops it.
    let mut v = serde_json::json!({"name": "leaf"});
    for _ in 0..300 {
        v = serde_json::json!({"name": "n", "child": v});
    }
    let err = json::from_json_value::<Node>(&v).unwrap_err();
    assert!(matches!(err, JsonError::TooDeep { .. }), "{err}");

    let mut v = serde_json::json!("x");
    for _ in 0..300 {
        v = serde_json::json!([v]);
    }
    let err = json::from_json_value::<Everything>(&serde_json::json!({"names": v})).unwrap_err();
    assert!(matches!(err, JsonError::TooDeep { .. }), "{err}");

    let deep = "[".repeat(1000) + &"]".repeat(1000);
    let err = json::from_json_str::<Everything>(&format!(r#"{{"names": {deep}}}"#)).unwrap_err();
    assert!(matches!(err, JsonError::Syntax(_)), "{err}");

    let mut v = serde_json::json!({"name": "leaf"});
    for _ in 0..150 {
        v = serde_json::json!({"name": "n", "child": v});
    }
    let node: Node = json::from_json_value(&v).unwrap();
    assert_eq!(node.name, "n");
}

#[test]
fn json_round_trip_full() {
    let mut m = minimal();
    m.big = 1 << 60;
    m.ratio = 0.1 + 0.2;
    m.blob = (0..=255).collect();
    m.labels = vec![label("a")];
    m.colors = vec![Color::Unknown as i32];
    m.limits.insert("cpus".into(), Scalar { value: 1e-7 });
    m.by_signed.insert(i64::MIN, label("min"));
    m.chunks.insert(0, vec![]);
    m.scalars = Some(Scalars { f: Some(3.4e38), d: Some(f64::MIN_POSITIVE), ..Default::default() });
    let text = json::to_json_string(&m);
    let back: Everything = from_json(&text).unwrap();
    assert_eq!(back, m, "{text}");
}

// ----- protobuf -----

#[test]
fn protobuf_round_trip_and_required_paths() {
    let mut m = minimal();
    m.labels = vec![label("a"), label("b")];
    m.limits.insert("cpus".into(), Scalar { value: 1.0 });
    m.by_signed.insert(-3, label("x"));
    m.boxed = Some(Box::new(label("bx")));
    let bytes = wire::encode_proto(&m);
    let back: Everything = wire::decode_proto(&bytes).unwrap();
    assert_eq!(back, m);

    // Encode a message with the same field numbers but without the required ones.
    #[derive(Clone, PartialEq, ::prost::Message)]
    struct LooseLabel {
        #[prost(string, optional, tag = "1")]
        key: Option<String>,
        #[prost(string, optional, tag = "2")]
        value: Option<String>,
    }
    #[derive(Clone, PartialEq, ::prost::Message)]
    struct LooseScalar {
        #[prost(double, optional, tag = "1")]
        value: Option<f64>,
        #[prost(string, optional, tag = "9")]
        note: Option<String>,
    }
    #[derive(Clone, PartialEq, ::prost::Message)]
    struct Loose {
        #[prost(string, optional, tag = "1")]
        name: Option<String>,
        #[prost(message, optional, tag = "2")]
        id: Option<LooseLabel>,
        #[prost(message, repeated, tag = "10")]
        labels: Vec<LooseLabel>,
        #[prost(btree_map = "string, message", tag = "20")]
        limits: BTreeMap<String, LooseScalar>,
        #[prost(btree_map = "sint64, message", tag = "25")]
        by_signed: BTreeMap<i64, LooseLabel>,
        #[prost(message, optional, tag = "31")]
        boxed: Option<LooseLabel>,
    }
    let loose = Loose {
        name: Some("n".into()),
        id: Some(LooseLabel { key: None, value: Some("v".into()) }),
        labels: vec![LooseLabel { key: Some("a".into()), value: None }, LooseLabel::default()],
        // Map values equal to their default would be left out by prost: make them non-empty.
        limits: BTreeMap::from([("cpus".to_string(), LooseScalar { value: None, note: Some("x".into()) })]),
        by_signed: BTreeMap::from([(-3, LooseLabel { key: None, value: Some("x".into()) })]),
        boxed: Some(LooseLabel::default()),
    };
    let bytes = loose.encode_to_vec();
    // prost alone accepts it.
    assert!(Everything::decode(bytes.as_slice()).is_ok());
    let err = wire::decode_proto::<Everything>(&bytes).unwrap_err();
    let ProtoError::MissingRequired(paths) = &err else { panic!("{err}") };
    let mut paths = paths.clone();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "big",
            "blob",
            "boxed.key",
            "by_signed[-3].key",
            "color",
            "id.key",
            "labels[1].key",
            "limits[cpus].value",
            "ratio"
        ]
    );
    assert!(err.to_string().starts_with("missing required fields: "), "{err}");
}

#[derive(Clone, PartialEq, ::prost::Message)]
struct EverythingWithoutId {
    #[prost(string, required, tag = "1")]
    name: String,
    #[prost(enumeration = "Color", required, tag = "3")]
    color: i32,
    #[prost(uint64, required, tag = "4")]
    big: u64,
    #[prost(double, required, tag = "5")]
    ratio: f64,
    #[prost(bytes = "vec", required, tag = "6")]
    blob: Vec<u8>,
}

#[derive(Clone, PartialEq, ::prost::Message)]
struct LabelValueOnly {
    #[prost(string, optional, tag = "2")]
    value: Option<String>,
}

#[test]
fn protobuf_required_fields_split_across_occurrences() {
    // A singular message field may occur several times; protobuf merges the occurrences, so
    // a required field of it may be in any one of them.
    let head = EverythingWithoutId { name: "n".into(), color: 7, ..Default::default() }.encode_to_vec();
    let value_only = LabelValueOnly { value: Some("v".into()) }.encode_to_vec();
    let key_only = label("k").encode_to_vec();

    let mut encoded = head.clone();
    prost::encoding::bytes::encode(2, &value_only, &mut encoded);
    prost::encoding::bytes::encode(2, &key_only, &mut encoded);
    let back: Everything = wire::decode_proto(&encoded).unwrap();
    assert_eq!(back.id, Label { key: "k".into(), value: Some("v".into()) });

    let mut encoded = head;
    prost::encoding::bytes::encode(2, &value_only, &mut encoded);
    prost::encoding::bytes::encode(2, &value_only, &mut encoded);
    let err = wire::decode_proto::<Everything>(&encoded).unwrap_err();
    assert_eq!(err.to_string(), "missing required fields: id.key");

    // prost writes a map value equal to its default as a bare key; that must decode.
    let mut m = minimal();
    m.limits.insert("gpus".into(), Scalar { value: 0.0 });
    let encoded = wire::encode_proto(&m);
    let mut entry = Vec::new();
    prost::encoding::string::encode(1, &"gpus".to_string(), &mut entry);
    let mut expected = minimal().encode_to_vec();
    prost::encoding::bytes::encode(20, &entry, &mut expected);
    assert_eq!(encoded, expected);
    assert_eq!(wire::decode_proto::<Everything>(&encoded).unwrap(), m);

    // An entry whose value is present but incomplete is still caught.
    prost::encoding::bytes::encode(2, &Vec::new(), &mut entry);
    let mut encoded = minimal().encode_to_vec();
    prost::encoding::bytes::encode(20, &entry, &mut encoded);
    let err = wire::decode_proto::<Everything>(&encoded).unwrap_err();
    assert_eq!(err.to_string(), "missing required fields: limits[gpus].value");
}

#[test]
fn protobuf_malformed_and_unknown_fields() {
    assert!(matches!(wire::decode_proto::<Label>(&[0x0a, 0x05, b'a']), Err(ProtoError::Decode(_))));
    // Unknown fields of every wire type are skipped by the walker (including a group).
    let mut bytes = label("k").encode_to_vec();
    bytes.extend_from_slice(&[0x78, 0x01]); // field 15 varint
    bytes.extend_from_slice(&[0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]); // field 16 fixed64
    bytes.extend_from_slice(&[0x8d, 0x01, 0, 0, 0, 0]); // field 17 fixed32
    bytes.extend_from_slice(&[0x93, 0x01, 0x08, 0x01, 0x94, 0x01]); // field 18 group
    let back: Label = wire::decode_proto(&bytes).unwrap();
    assert_eq!(back, label("k"));
    assert!(wire::check_required_proto::<Label>(&[0x0a]).is_err());
    assert!(wire::check_required_proto::<Label>(&[0x00]).is_err());
}

// ----- RecordIO -----

#[test]
fn recordio_framing() {
    assert_eq!(recordio::frame(br#"{"type":"HEARTBEAT"}"#), b"20\n{\"type\":\"HEARTBEAT\"}".to_vec());
    assert_eq!(recordio::frame(b""), b"0\n".to_vec());
    let mut out = Vec::new();
    recordio::encode_record("é".as_bytes(), &mut out);
    recordio::encode_record(b"xyz", &mut out);
    assert_eq!(out, b"2\n\xc3\xa93\nxyz".to_vec());
}

#[test]
fn recordio_split_at_every_boundary() {
    let records: Vec<Vec<u8>> =
        vec![b"hello".to_vec(), Vec::new(), vec![b'x'; 1234], b"{\"a\":1}".to_vec(), vec![b'\n'; 10]];
    let mut stream = Vec::new();
    for r in &records {
        recordio::encode_record(r, &mut stream);
    }
    for split in 0..=stream.len() {
        let mut decoder = RecordIoDecoder::new();
        let mut got = decoder.decode(&stream[..split]).unwrap();
        got.extend(decoder.decode(&stream[split..]).unwrap());
        assert_eq!(got.iter().map(|b| b.to_vec()).collect::<Vec<_>>(), records, "split at {split}");
        decoder.finish().unwrap();
    }
    // Byte by byte.
    let mut decoder = RecordIoDecoder::new();
    let mut got = Vec::new();
    for b in &stream {
        got.extend(decoder.decode(std::slice::from_ref(b)).unwrap());
    }
    assert_eq!(got.len(), records.len());
    assert_eq!(decoder.buffered_len(), 0);
}

#[test]
fn recordio_errors() {
    let mut d = RecordIoDecoder::new();
    assert_eq!(d.decode(b"12a\n"), Err(RecordIoError::InvalidLength(b'a')));
    // Errors are sticky.
    assert_eq!(d.decode(b"1\nx"), Err(RecordIoError::InvalidLength(b'a')));

    let mut d = RecordIoDecoder::new();
    assert_eq!(d.decode(b"\n"), Err(RecordIoError::EmptyLength));

    let mut d = RecordIoDecoder::new();
    assert_eq!(d.decode(b"123456789012345678901"), Err(RecordIoError::LengthTooLong));

    let mut d = RecordIoDecoder::new();
    assert!(matches!(d.decode(b"99999999999999999999\n"), Err(RecordIoError::RecordTooLarge { .. })));

    let mut d = RecordIoDecoder::with_max_record_len(10);
    assert_eq!(d.decode(b"10\n0123456789").unwrap().len(), 1);
    assert_eq!(d.decode(b"11\n"), Err(RecordIoError::RecordTooLarge { len: 11, max: 10 }));

    let mut d = RecordIoDecoder::new();
    assert!(d.decode(b"5\nab").unwrap().is_empty());
    assert_eq!(d.finish(), Err(RecordIoError::Truncated(2)));
    let mut d = RecordIoDecoder::new();
    assert!(d.decode(b"5").unwrap().is_empty());
    assert_eq!(d.finish(), Err(RecordIoError::Truncated(1)));
}

// ----- enums -----

#[test]
fn enum_names() {
    use mesos_proto::json::JsonEnum;
    assert_eq!(Color::json_name(6), Some("DEEP_RED"));
    assert_eq!(Color::json_name(2), Some("IPv4"));
    assert_eq!(Color::json_name(3), None);
    assert_eq!(Color::from_json_name("BLUE"), Some(7));
    assert_eq!(Color::from_json_name("IPV4"), None);
    assert_eq!(Color::from_json_name("Blue"), None);
}

// ----- properties -----

#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Sample {
    #[prost(string, required, tag = "1")]
    pub name: String,
    #[prost(int32, optional, tag = "2")]
    pub a: Option<i32>,
    #[prost(int64, optional, tag = "3")]
    pub b: Option<i64>,
    #[prost(uint64, optional, tag = "4")]
    pub c: Option<u64>,
    #[prost(double, optional, tag = "5")]
    pub d: Option<f64>,
    #[prost(float, optional, tag = "6")]
    pub f: Option<f32>,
    #[prost(bool, optional, tag = "7")]
    pub flag: Option<bool>,
    #[prost(bytes = "vec", optional, tag = "8")]
    pub data: Option<Vec<u8>>,
    #[prost(enumeration = "Color", optional, tag = "9")]
    pub color: Option<i32>,
    #[prost(string, repeated, tag = "10")]
    pub tags: Vec<String>,
    #[prost(message, repeated, tag = "11")]
    pub labels: Vec<Label>,
    #[prost(btree_map = "string, message", tag = "12")]
    pub limits: BTreeMap<String, Scalar>,
    #[prost(sint64, repeated, tag = "13")]
    pub numbers: Vec<i64>,
    #[prost(btree_map = "uint32, string", tag = "14")]
    pub names: BTreeMap<u32, String>,
    #[prost(message, optional, boxed, tag = "15")]
    pub child: Option<Box<Label>>,
}

fn any_double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("no NaN", |v| !v.is_nan()),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        (-1000i64..1000).prop_map(|v| v as f64),
    ]
}

fn any_label() -> impl Strategy<Value = Label> {
    (".*", proptest::option::of(".*")).prop_map(|(key, value)| Label { key, value })
}

fn any_sample() -> impl Strategy<Value = Sample> {
    (
        (
            ".*",
            any::<Option<i32>>(),
            any::<Option<i64>>(),
            any::<Option<u64>>(),
            proptest::option::of(any_double()),
            proptest::option::of(any::<f32>().prop_filter("no NaN", |v| !v.is_nan())),
            any::<Option<bool>>(),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        ),
        (
            proptest::option::of(prop_oneof![Just(0), Just(2), Just(6), Just(7)]),
            proptest::collection::vec(".*", 0..4),
            proptest::collection::vec(any_label(), 0..4),
            proptest::collection::btree_map(".*", any_double().prop_map(|value| Scalar { value }), 0..4),
            proptest::collection::vec(any::<i64>(), 0..4),
            proptest::collection::btree_map(any::<u32>(), ".*", 0..4),
            proptest::option::of(any_label().prop_map(Box::new)),
        ),
    )
        .prop_map(
            |((name, a, b, c, d, f, flag, data), (color, tags, labels, limits, numbers, names, child))| {
                Sample { name, a, b, c, d, f, flag, data, color, tags, labels, limits, numbers, names, child }
            },
        )
}

proptest! {
    #[test]
    fn json_round_trip(sample in any_sample()) {
        let text = json::to_json_string(&sample);
        serde_json::from_str::<serde_json::Value>(&text).expect("valid JSON");
        let back: Sample = json::from_json_str(&text).expect("reads back");
        prop_assert_eq!(back, sample);
    }

    #[test]
    fn protobuf_round_trip(sample in any_sample()) {
        let bytes = wire::encode_proto(&sample);
        let back: Sample = wire::decode_proto(&bytes).expect("decodes");
        prop_assert_eq!(back, sample);
    }

    #[test]
    fn recordio_round_trip(payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..50), 0..6),
                           cuts in proptest::collection::vec(0usize..400, 0..6)) {
        let mut stream = Vec::new();
        for p in &payloads {
            recordio::encode_record(p, &mut stream);
        }
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(stream.len())).collect();
        cuts.push(stream.len());
        cuts.sort_unstable();
        let mut decoder = RecordIoDecoder::new();
        let mut got = Vec::new();
        let mut start = 0;
        for cut in cuts {
            got.extend(decoder.decode(&stream[start..cut]).expect("valid stream"));
            start = cut;
        }
        prop_assert_eq!(got.iter().map(|b| b.to_vec()).collect::<Vec<_>>(), payloads);
        prop_assert!(decoder.finish().is_ok());
    }

    #[test]
    fn json_reader_never_panics(text in ".{0,200}") {
        let _ = json::from_json_str::<Everything>(&text);
    }

    #[test]
    fn proto_walker_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = wire::check_required_proto::<Everything>(&bytes);
        let _ = wire::decode_proto::<Everything>(&bytes);
    }
}
