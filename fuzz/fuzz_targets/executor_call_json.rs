//! Fuzz target: see `mesos_proto::fuzz_targets::executor_call_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mesos_proto::fuzz_targets::executor_call_json(data));
