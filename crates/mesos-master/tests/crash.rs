//! `kill -9` of the real master binary while agents register, then a restart on the same work
//! dir: every agent that was told it is registered must still be known.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;
use mesos_proto::internal::{AgentCall, AgentEvent, agent_call};
use mesos_proto::v1::AgentInfo;
use prost::Message;

fn spawn_master(work_dir: &std::path::Path) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mesos-master"))
        .arg("--ip=127.0.0.1")
        .arg("--port=0")
        .arg(format!("--work_dir={}", work_dir.display()))
        .arg("--quiet")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn mesos-master");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("startup line");
    let addr = line
        .split_whitespace()
        .find_map(|word| word.parse::<SocketAddr>().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (child, addr)
}

/// Registers one agent; returns its id if the master said REGISTERED.
async fn register(addr: SocketAddr, n: usize) -> Option<String> {
    let call = AgentCall {
        r#type: Some(agent_call::Type::Register as i32),
        register: Some(agent_call::Register {
            agent_info: AgentInfo { hostname: format!("agent-{n}"), ..Default::default() },
            ..Default::default()
        }),
        ..Default::default()
    };
    let response = tokio::time::timeout(
        Duration::from_secs(5),
        post(
            addr,
            "/master/api/v1/agent",
            Some("application/x-protobuf"),
            &[("Accept", "application/x-protobuf")],
            call.encode_to_vec(),
        ),
    )
    .await
    .ok()?;
    if response.status() != 200 {
        return None;
    }
    let mut records = Records::new(response);
    let bytes = records.next(Duration::from_secs(5)).await?;
    AgentEvent::decode(bytes.as_slice()).ok()?.registered.map(|r| r.agent_id.value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_admitted_agent() {
    let dir = tempfile::tempdir().unwrap();
    let mut admitted: Vec<String> = Vec::new();
    let mut next = 0;
    for round in 0..5u64 {
        let (mut child, addr) = spawn_master(dir.path());
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
            tasks.push(tokio::spawn(register(addr, next)));
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
    let (mut child, addr) = spawn_master(dir.path());
    let state = get_json(addr, "/master/state").await;
    let recovered: Vec<&str> =
        state["recovered_slaves"].as_array().unwrap().iter().filter_map(|a| a["id"].as_str()).collect();
    for id in &admitted {
        assert!(recovered.contains(&id.as_str()), "agent {id} lost");
    }
    let _ = child.kill();
    let _ = child.wait();
}
