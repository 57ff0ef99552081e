//! Decoder fuzz targets as plain functions over bytes.
//!
//! `fuzz/` wraps each in a cargo-fuzz target; `tests/fuzz_replay.rs` replays the saved corpus
//! and seeded random inputs through the same functions with the stable toolchain, so CI never
//! depends on the fuzzer. A target panics only on a real bug: a decoder that panics, or a
//! message that does not survive its own encoding.

use prost::Message;

use crate::internal::AgentCall;
use crate::json::{JsonMessage, from_json_slice, to_json_vec};
use crate::recordio::RecordIoDecoder;
use crate::v1::{executor, scheduler};
use crate::wire::{RequiredFields, decode_proto};

/// Output emits unset fields that have defaults, so the message itself may gain fields on the
/// first trip; its JSON form must be stable from then on.
fn json_round_trip<M: JsonMessage>(data: &[u8]) {
    if let Ok(message) = from_json_slice::<M>(data) {
        let first = to_json_vec(&message);
        let again: M = match from_json_slice(&first) {
            Ok(again) => again,
            Err(e) => panic!("re-encoded JSON does not decode: {e}"),
        };
        assert_eq!(
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&to_json_vec(&again)),
            "JSON round trip is not stable"
        );
    }
}

fn proto_round_trip<M: Message + Default + RequiredFields>(data: &[u8]) {
    if let Ok(message) = decode_proto::<M>(data) {
        let first = message.encode_to_vec();
        let again: M = match decode_proto(&first) {
            Ok(again) => again,
            Err(e) => panic!("re-encoded protobuf does not decode: {e}"),
        };
        // Bytes, not messages: a NaN double is unequal to itself but encodes identically.
        assert_eq!(first, again.encode_to_vec(), "protobuf round trip is not stable");
    }
}

/// A scheduler `Call` in JSON.
pub fn scheduler_call_json(data: &[u8]) {
    json_round_trip::<scheduler::Call>(data);
}

/// A scheduler `Call` in protobuf.
pub fn scheduler_call_proto(data: &[u8]) {
    proto_round_trip::<scheduler::Call>(data);
}

/// An executor `Call` in JSON.
pub fn executor_call_json(data: &[u8]) {
    json_round_trip::<executor::Call>(data);
}

/// An executor `Call` in protobuf.
pub fn executor_call_proto(data: &[u8]) {
    proto_round_trip::<executor::Call>(data);
}

/// An agent call (our master/agent protocol) in JSON.
pub fn agent_call_json(data: &[u8]) {
    json_round_trip::<AgentCall>(data);
}

/// An agent call in protobuf.
pub fn agent_call_proto(data: &[u8]) {
    proto_round_trip::<AgentCall>(data);
}

/// A RecordIO stream fed in two pieces split at the first byte's value.
pub fn recordio(data: &[u8]) {
    let split = data.first().map_or(0, |b| usize::from(*b) % (data.len() + 1));
    let mut whole = RecordIoDecoder::with_max_record_len(1 << 16);
    let mut pieces = RecordIoDecoder::with_max_record_len(1 << 16);
    let all = whole.decode(data);
    let first = pieces.decode(&data[..split]);
    let second = pieces.decode(&data[split..]);
    if let (Ok(all), Ok(mut first), Ok(second)) = (all, first, second) {
        first.extend(second);
        assert_eq!(all, first, "record boundaries must not depend on how bytes arrive");
    }
}

/// A fuzz target: feeds one input to a decoder, panics only on a bug.
pub type Target = fn(&[u8]);

/// Every target by name, for the replay test and the fuzz crate.
pub const TARGETS: &[(&str, Target)] = &[
    ("scheduler_call_json", scheduler_call_json),
    ("scheduler_call_proto", scheduler_call_proto),
    ("executor_call_json", executor_call_json),
    ("executor_call_proto", executor_call_proto),
    ("agent_call_json", agent_call_json),
    ("agent_call_proto", agent_call_proto),
    ("recordio", recordio),
];
