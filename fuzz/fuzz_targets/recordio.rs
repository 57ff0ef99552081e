//! Fuzz target: see `mesos_proto::fuzz_targets::recordio`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mesos_proto::fuzz_targets::recordio(data));
