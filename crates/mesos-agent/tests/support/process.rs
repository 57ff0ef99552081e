//! The real `mesos-agent` binary as a separate process, for tests that kill it, restart it or
//! watch its memory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::get_json;

/// A free loopback port (bound and released, so another process may take it; tests accept
/// that small chance).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a port")
}

/// Where this build's executors are.
pub fn launcher_dir() -> String {
    Path::new(env!("CARGO_BIN_EXE_mesos-executor")).parent().expect("bin dir").display().to_string()
}

/// The agent binary, started and stopped by pid.
pub struct AgentProcess {
    child: Child,
    args: Vec<String>,
    log: PathBuf,
}

impl AgentProcess {
    /// Starts the binary with `args`, its output appended to `log`.
    pub fn start(args: Vec<String>, log: PathBuf) -> AgentProcess {
        let out = std::fs::OpenOptions::new().create(true).append(true).open(&log).expect("log");
        let err = out.try_clone().expect("log");
        let child = Command::new(env!("CARGO_BIN_EXE_mesos-agent"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("the agent starts");
        AgentProcess { child, args, log }
    }

    /// The agent's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, then reaps it.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills it and starts it again with its arguments and `extra`.
    pub fn restart(&mut self, extra: &[&str]) {
        self.kill_9();
        let mut args = self.args.clone();
        args.extend(extra.iter().map(|s| s.to_string()));
        let log = self.log.clone();
        *self = AgentProcess::start(args, log);
    }

    /// What it has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// Flags for an agent on `port` of loopback, working in `work`, registering with `master`.
pub fn agent_args(master: SocketAddr, port: u16, work: &Path) -> Vec<String> {
    vec![
        format!("--master={master}"),
        format!("--work_dir={}", work.display()),
        format!("--runtime_dir={}", work.join("run").display()),
        format!("--launcher_dir={}", launcher_dir()),
        format!("--fetcher_cache_dir={}", work.join("cache").display()),
        "--ip=127.0.0.1".to_string(),
        format!("--port={port}"),
        "--registration_backoff_factor=10ms".to_string(),
        "--executor_reregistration_timeout=4secs".to_string(),
        "--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31010]".to_string(),
    ]
}

/// Waits until the agent at `port` reports itself registered; returns its id.
pub async fn registered(port: u16, agent: &AgentProcess) -> String {
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            let state = get_json(addr, "/state").await;
            if state["master_hostname"].is_string()
                && let Some(id) = state["id"].as_str().filter(|id| !id.is_empty())
            {
                return id.to_string();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the agent did not register; its log:\n{}", agent.log());
}

/// The sandbox of a live executor on the agent at `port`.
pub async fn sandbox(port: u16, executor: &str) -> PathBuf {
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let state = get_json(addr, "/state").await;
    for fw in state["frameworks"].as_array().into_iter().flatten() {
        for e in fw["executors"].as_array().into_iter().flatten() {
            if e["id"] == executor {
                return PathBuf::from(e["directory"].as_str().unwrap_or(""));
            }
        }
    }
    panic!("no executor {executor}: {state}");
}
