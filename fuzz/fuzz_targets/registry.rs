//! Fuzz target: the registry decoder must reject, never panic on, arbitrary files.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(registry) = mesos_registry::decode(data) {
        assert_eq!(mesos_registry::decode(&mesos_registry::encode(&registry)).ok(), Some(registry));
    }
});
