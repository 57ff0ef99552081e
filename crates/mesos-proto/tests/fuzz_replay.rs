//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and seeded mutations of it through the
//! decoder fuzz targets with the stable toolchain. A panic here is a decoder bug.

use std::path::PathBuf;

use mesos_proto::fuzz_targets::TARGETS;
use mesos_proto::json::from_json_slice;
use mesos_proto::v1::{executor, scheduler};
use mesos_types::Rng;
use prost::Message;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    files.into_iter().filter_map(|path| std::fs::read(path).ok()).collect()
}

/// Protobuf seeds are made from the JSON corpus so both encodings start from real calls.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut seeds = corpus(target);
    let json = |name: &str| corpus(name);
    match target {
        "scheduler_call_proto" => seeds.extend(
            json("scheduler_call_json")
                .iter()
                .filter_map(|d| from_json_slice::<scheduler::Call>(d).ok())
                .map(|m| m.encode_to_vec()),
        ),
        "executor_call_proto" => seeds.extend(
            json("executor_call_json")
                .iter()
                .filter_map(|d| from_json_slice::<executor::Call>(d).ok())
                .map(|m| m.encode_to_vec()),
        ),
        "agent_call_proto" => seeds.extend(
            json("agent_call_json")
                .iter()
                .filter_map(|d| from_json_slice::<mesos_proto::internal::AgentCall>(d).ok())
                .map(|m| m.encode_to_vec()),
        ),
        _ => {}
    }
    seeds
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(4) {
            0 if !data.is_empty() => {
                let at = rng.below(data.len());
                data[at] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => data.truncate(rng.below(data.len())),
            2 => {
                let at = rng.below(data.len() + 1);
                data.insert(at, rng.next_u64() as u8);
            }
            _ if data.len() > 1 => {
                let from = rng.below(data.len());
                let to = rng.below(data.len());
                data.swap(from, to);
            }
            _ => {}
        }
    }
    data
}

#[test]
fn every_target_has_seeds() {
    for (name, _) in TARGETS {
        assert!(!seeds(name).is_empty(), "no corpus for {name}");
    }
}

#[test]
fn corpus_and_mutations_replay_without_panics() {
    let mut rng = Rng::new(0x5eed);
    for (name, target) in TARGETS {
        let seeds = seeds(name);
        for seed in &seeds {
            target(seed);
            for _ in 0..300 {
                target(&mutate(&mut rng, seed));
            }
        }
        for _ in 0..300 {
            let len = rng.below(64);
            let random: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            target(&random);
        }
    }
}
