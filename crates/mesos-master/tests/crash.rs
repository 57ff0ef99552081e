//! `kill -9` of the real master binary while agents register, then a restart on the same work
//! dir: every agent that was told it is registered must still be known.

mod common;
#[path = "common/process.rs"]
mod process;

use std::time::Duration;

use common::*;
use process::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_admitted_agent() {
    let dir = tempfile::tempdir().unwrap();
    let mut admitted: Vec<String> = Vec::new();
    let mut next = 0;
    for round in 0..5u64 {
        let (mut child, addr) = spawn_master(dir.path(), &["--quiet"]);
        // Everything admitted in earlier rounds is remembered.
        let registry = get_json(addr, "/registrar(1)/registry").await;
        let known: Vec<String> = registry["slaves"]["slaves"]
            .as_array()
            .map(|agents| {
                agents.iter().filter_map(|a| a["info"]["id"]["value"].as_str().map(String::from)).collect()
            })
            .unwrap_or_default();
        for id in &admitted {
            assert!(
                known.contains(id),
                "round {round}: agent {id} was admitted but is gone; registry has {known:?}"
            );
        }
        // Register agents concurrently and kill the master in the middle of it.
        let mut tasks = Vec::new();
        for _ in 0..20 {
            next += 1;
            tasks.push(tokio::spawn(register_once(addr, next)));
        }
        // Kill once some registrations are through (a slow disk must not leave the round
        // with nothing admitted), while others are still in flight.
        for _ in 0..400 {
            if tasks.iter().any(|t| t.is_finished()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(round * 3)).await;
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for task in tasks {
            if let Ok(Some(id)) = task.await {
                admitted.push(id);
            }
        }
    }
    assert!(
        admitted.len() >= 20,
        "the test must admit agents to prove anything (admitted {})",
        admitted.len()
    );
    let (mut child, addr) = spawn_master(dir.path(), &["--quiet"]);
    let state = get_json(addr, "/master/state").await;
    let recovered: Vec<&str> =
        state["recovered_slaves"].as_array().unwrap().iter().filter_map(|a| a["id"].as_str()).collect();
    for id in &admitted {
        assert!(recovered.contains(&id.as_str()), "agent {id} lost");
    }
    let _ = child.kill();
    let _ = child.wait();
}
