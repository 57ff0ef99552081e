//! Agent flags end to end: a real master and agent (and the real command executor), checking
//! that what the flags promise reaches the executor's environment, the runtime directory and
//! the master's view of the agent.

#[path = "../../mesos-master/tests/common/mod.rs"]
mod common;
mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::get_json;
use mesos_agent::flags::AgentFlags;
use serde_json::json;
use support::{Scheduler, task};

const WAIT: Duration = Duration::from_secs(30);

struct Cluster {
    master: mesos_master::MasterHandle,
    agent: mesos_agent::AgentHandle,
    agent_id: String,
    work: tempfile::TempDir,
}

/// A master and one agent given `extra` flags, its work and runtime dirs in a temporary dir.
async fn cluster(extra: &[&str]) -> Cluster {
    let master = common::master(&[]).await;
    let work = tempfile::tempdir().expect("work dir");
    let launcher_dir =
        Path::new(env!("CARGO_BIN_EXE_mesos-executor")).parent().expect("bin dir").to_path_buf();
    let mut args = vec![
        format!("--master={}", master.addr),
        format!("--work_dir={}", work.path().join("work").display()),
        format!("--runtime_dir={}", work.path().join("run").display()),
        format!("--launcher_dir={}", launcher_dir.display()),
        format!("--fetcher_cache_dir={}", work.path().join("cache").display()),
        "--registration_backoff_factor=10ms".to_string(),
        "--ip=127.0.0.1".to_string(),
        "--port=0".to_string(),
        "--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31010]".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let flags = AgentFlags::load(args, std::iter::empty()).expect("agent flags").1;
    let mut agent = mesos_agent::start(flags, 11).await.expect("agent starts");
    let agent_id = agent.registered(WAIT).await.expect("agent registers");
    Cluster { master, agent, agent_id, work }
}

/// The sandbox of `executor` from the agent's `/state`.
async fn sandbox(agent: SocketAddr, executor: &str) -> PathBuf {
    let state = get_json(agent, "/slave(1)/state").await;
    for fw in state["frameworks"].as_array().into_iter().flatten() {
        for e in fw["executors"].as_array().into_iter().flatten() {
            if e["id"] == executor {
                return PathBuf::from(e["directory"].as_str().unwrap_or(""));
            }
        }
    }
    panic!("no executor {executor} in {state}");
}

/// `path`'s contents once it exists and is not empty.
async fn wait_for_file(path: &Path) -> String {
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{} never appeared", path.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executor_environment_variables_replace_the_agents_environment_and_runtime_dir_holds_the_pid() {
    let c = cluster(&[r#"--executor_environment_variables={"FROM_OPERATOR":"hello operator","PATH":"/usr/bin:/bin","MESOS_SANDBOX":"/not/this"}"#])
        .await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    let command = json!({
        "value": "env > env.txt; exec sleep 1000",
        "environment": {"variables": [{"name": "FROM_TASK", "value": "task value"}]}
    });
    s.launch(vec![task("env", &c.agent_id, command)]).await;
    s.until("env", "TASK_RUNNING").await;
    let directory = sandbox(c.agent.addr, "env").await;
    let text = wait_for_file(&directory.join("env.txt")).await;
    let env: std::collections::BTreeMap<&str, &str> =
        text.lines().filter_map(|l| l.split_once('=')).collect();
    assert_eq!(env.get("FROM_OPERATOR"), Some(&"hello operator"), "{text}");
    assert_eq!(env.get("FROM_TASK"), Some(&"task value"), "{text}");
    assert_eq!(env.get("PATH"), Some(&"/usr/bin:/bin"), "{text}");
    // The agent's own variables beat the operator's.
    assert_eq!(env.get("MESOS_SANDBOX").map(Path::new), Some(directory.as_path()), "{text}");
    // The operator's list replaces the agent's environment: cargo gave this test process
    // CARGO_MANIFEST_DIR, and the agent is this process.
    assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
    assert!(!env.contains_key("CARGO_MANIFEST_DIR"), "{text}");

    // The running container's pid is in --runtime_dir, Mesos' layout.
    let container_id = directory.file_name().expect("container id").to_string_lossy().to_string();
    let runtime = c.work.path().join("run").join("containers").join(&container_id);
    let pid = wait_for_file(&runtime.join("pid")).await;
    assert!(Path::new(&format!("/proc/{}", pid.trim())).exists(), "pid {pid} is alive");

    s.call("KILL", json!({"kill": {"task_id": {"value": "env"}, "agent_id": {"value": c.agent_id}}})).await;
    s.until("env", "TASK_KILLED").await;
    for _ in 0..200 {
        if !runtime.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!runtime.exists(), "{} is removed once the executor is gone", runtime.display());
    c.agent.stop().await;
    c.master.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_master_sees_the_advertised_address_and_the_ip_as_hostname() {
    let c = cluster(&["--advertise_ip=127.0.0.9", "--advertise_port=15999", "--no-hostname_lookup"]).await;
    let state = get_json(c.master.addr, "/master/state").await;
    let agent = state["slaves"]
        .as_array()
        .and_then(|agents| agents.iter().find(|a| a["id"] == c.agent_id.as_str()))
        .cloned()
        .unwrap_or_else(|| panic!("no agent {} in {state}", c.agent_id));
    assert_eq!(agent["pid"], "slave(1)@127.0.0.9:15999", "{agent}");
    assert_eq!(agent["hostname"], "127.0.0.9", "{agent}");
    assert_eq!(agent["port"], 15999, "{agent}");
    // The agent still listens where it was told to, and says the same about itself.
    let own = get_json(c.agent.addr, "/slave(1)/state").await;
    assert_eq!(own["pid"], "slave(1)@127.0.0.9:15999", "{own}");
    assert_eq!(own["hostname"], "127.0.0.9", "{own}");
    let flags = get_json(c.agent.addr, "/slave(1)/flags").await;
    assert_eq!(flags["flags"]["isolation"], "posix/cpu,posix/mem", "{flags}");
    assert_eq!(flags["flags"]["advertise_ip"], "127.0.0.9", "{flags}");
    c.agent.stop().await;
    c.master.stop().await;
}
