//! Wire types of the Mesos v1 APIs and the internal master/agent protocol.
//!
//! Every message is one Rust struct that derives `prost::Message` (binary protobuf with Mesos'
//! field numbers) and [`json::JsonMessage`] through `mesos_json_derive::Json` (Mesos' own JSON
//! mapping, which is not the proto3 canonical one). Decoding entry points enforce proto2
//! `required` fields for both encodings: [`json::from_json_slice`] and [`wire::decode_proto`].
//! [`recordio`] frames event streams and [`media`] negotiates the encoding of a request.

// The derives name the runtime as `::mesos_proto::...`; this makes that path resolve inside
// this crate too.
extern crate self as mesos_proto;

pub mod json;
pub mod media;
pub mod recordio;
pub mod v1;
pub mod wire;

pub mod convert;
pub mod fuzz_targets;
pub mod internal;
