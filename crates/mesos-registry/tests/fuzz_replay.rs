//! Replays `fuzz/corpus/registry` and seeded mutations of a real registry file through the
//! decoder: it must reject damage, never panic, and re-encode what it accepts identically.

use std::path::PathBuf;

use mesos_proto::v1::{AgentId, AgentInfo};
use mesos_registry::{Operation, Registry, decode, encode};

fn target(data: &[u8]) {
    if let Ok(registry) = decode(data) {
        assert_eq!(decode(&encode(&registry)).ok(), Some(registry));
    }
}

fn sample() -> Vec<u8> {
    let mut registry = Registry::default();
    for i in 0..5 {
        let info = AgentInfo {
            hostname: format!("h{i}"),
            id: Some(AgentId { value: format!("a{i}") }),
            ..Default::default()
        };
        Operation::AdmitAgent(info).apply(&mut registry).expect("admit");
    }
    Operation::MarkUnreachable { agent_id: "a1".into(), timestamp_nanos: 7 }
        .apply(&mut registry)
        .expect("unreachable");
    encode(&registry)
}

#[test]
fn corpus_and_mutations_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/registry");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).filter_map(|e| std::fs::read(e.path()).ok()).collect())
        .unwrap_or_default();
    seeds.push(sample());
    let mut state = 0x9e37_79b9_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for seed in &seeds {
        target(seed);
        for _ in 0..2000 {
            let mut data = seed.clone();
            let at = (next() as usize) % data.len().max(1);
            match next() % 3 {
                0 if !data.is_empty() => data[at] ^= 1 << (next() % 8),
                1 => data.truncate(at),
                _ => data.insert(at.min(data.len()), next() as u8),
            }
            target(&data);
        }
    }
    // Flipping payload bits must be caught by the checksum, not decoded as something else.
    let mut flipped = sample();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    assert!(decode(&flipped).is_err());
}
