//! The real `mesos-master` binary as a child process, for tests that kill or watch it (only
//! the master's own tests have its binary, so this is apart from `common`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mesos_proto::internal::{AgentCall, AgentEvent, agent_call};
use mesos_proto::v1::AgentInfo;
use prost::Message;

use crate::common::{Records, post};

/// A master child process, killed (by its pid) when dropped, so a failing test leaves no
/// master behind.
pub struct MasterChild(pub Child);

impl std::ops::Deref for MasterChild {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for MasterChild {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for MasterChild {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts the real `mesos-master` binary on `work_dir` with `extra` flags (its log goes to
/// stderr, piped); returns it and the address it printed.
pub fn spawn_master(work_dir: &std::path::Path, extra: &[&str]) -> (MasterChild, SocketAddr) {
    spawn_master_with_env(work_dir, extra, &[])
}

/// [`spawn_master`] with extra environment variables.
pub fn spawn_master_with_env(
    work_dir: &std::path::Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (MasterChild, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mesos-master"))
        .envs(env.iter().copied())
        .arg("--ip=127.0.0.1")
        .arg("--port=0")
        .arg(format!("--work_dir={}", work_dir.display()))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mesos-master");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("startup line");
    let addr = line
        .split_whitespace()
        .find_map(|word| word.parse::<SocketAddr>().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (MasterChild(child), addr)
}

/// Registers one agent once (no retry); returns its id if the master said REGISTERED.
pub async fn register_once(addr: SocketAddr, n: usize) -> Option<String> {
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
