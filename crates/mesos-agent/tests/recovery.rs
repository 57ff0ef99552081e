//! Fault tolerance end to end: the real `mesos-agent` binary killed with SIGKILL while a
//! checkpointing framework's task runs, then restarted (reconnect and cleanup), and the master
//! restarted under a running task. The task's later updates must reach the framework once, in
//! order, and nothing may be reported lost unless cleanup asked for it.

#[path = "../../mesos-master/tests/common/mod.rs"]
mod common;
mod support;

use std::path::Path;
use std::time::Duration;

use common::get_json;
use mesos_master::flags::MasterFlags;
use serde_json::json;
use support::process::{AgentProcess, agent_args, free_port, registered, sandbox};
use support::{Scheduler, task};

async fn read_pid(file: &Path) -> u32 {
    for _ in 0..200 {
        if let Ok(pid) = std::fs::read_to_string(file).unwrap_or_default().trim().parse() {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no pid in {}", file.display());
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')))
}

/// A framework that checkpoints and survives a master failover.
fn checkpointing() -> serde_json::Value {
    json!({"name": "recovery", "checkpoint": true, "failover_timeout": 600.0})
}

/// A task that waits for a `go` file in its sandbox, then finishes.
const WAITER: &str = "echo $$ > pid; while [ ! -f go ]; do sleep 0.05; done; echo finished";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_survive_an_agent_killed_with_sigkill_and_report_once_after_restart() {
    let master = common::master(&[]).await;
    let work = tempfile::tempdir().expect("dir");
    let port = free_port();
    let mut agent =
        AgentProcess::start(agent_args(master.addr, port, work.path()), work.path().join("agent.log"));
    let agent_id = registered(port, &agent).await;
    let mut s = Scheduler::subscribe(master.addr, checkpointing(), None).await;
    s.launch(vec![task("survivor", &agent_id, json!({"value": WAITER}))]).await;
    s.until("survivor", "TASK_RUNNING").await;
    let sandbox = sandbox(port, "survivor").await;
    let pid = read_pid(&sandbox.join("pid")).await;
    // Let the acknowledgement of RUNNING reach the agent's checkpoint before the crash.
    tokio::time::sleep(Duration::from_millis(300)).await;

    agent.kill_9();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(alive(pid), "the task outlives the agent");
    agent.restart(&[]);
    assert_eq!(registered(port, &agent).await, agent_id, "the same agent comes back");
    assert!(alive(pid), "the restarted agent reconnected instead of killing");

    std::fs::write(sandbox.join("go"), "").expect("go");
    s.until("survivor", "TASK_FINISHED").await;
    let late = s.quiet_for(Duration::from_secs(2)).await;
    let all: Vec<(String, String)> = s.seen.iter().cloned().chain(late).collect();
    let states: Vec<&str> = all.iter().map(|(_, state)| state.as_str()).collect();
    assert_eq!(
        states.iter().filter(|s| **s == "TASK_FINISHED").count(),
        1,
        "FINISHED reaches the framework once: {states:?}"
    );
    assert!(!states.iter().any(|s| ["TASK_LOST", "TASK_FAILED", "TASK_GONE"].contains(s)), "{states:?}");
    let order: Vec<&str> = states.iter().copied().filter(|s| *s != "TASK_STARTING").collect();
    assert_eq!(order.last(), Some(&"TASK_FINISHED"), "in order: {states:?}");
    assert!(agent.log().contains("recovered checkpointed executors"), "{}", agent.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recover_cleanup_kills_what_runs_and_reports_it() {
    let master = common::master(&[]).await;
    let work = tempfile::tempdir().expect("dir");
    let port = free_port();
    let mut agent =
        AgentProcess::start(agent_args(master.addr, port, work.path()), work.path().join("agent.log"));
    let agent_id = registered(port, &agent).await;
    let mut s = Scheduler::subscribe(master.addr, checkpointing(), None).await;
    s.launch(vec![task("doomed", &agent_id, json!({"value": WAITER}))]).await;
    s.until("doomed", "TASK_RUNNING").await;
    let pid = read_pid(&sandbox(port, "doomed").await.join("pid")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    agent.restart(&["--recover=cleanup"]);
    // Told to shut down, the executor kills its task and says so (TASK_KILLED); an executor
    // that did not would be destroyed and its task reported TASK_LOST.
    let status = loop {
        let status = s.update().await;
        if status["task_id"]["value"] == "doomed"
            && ["TASK_KILLED", "TASK_LOST"].contains(&status["state"].as_str().unwrap_or(""))
        {
            break status;
        }
    };
    assert!(status["state"] == "TASK_KILLED" || status["reason"] == "REASON_AGENT_RESTARTED", "{status}");
    let mut dead = false;
    for _ in 0..100 {
        if !alive(pid) {
            dead = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(dead, "cleanup killed the task");
}

async fn durable_master(work: &Path, port: u16) -> mesos_master::MasterHandle {
    let args = vec![
        "--ip=127.0.0.1".to_string(),
        format!("--port={port}"),
        format!("--work_dir={}", work.display()),
    ];
    let (_, flags) = MasterFlags::load(args, std::iter::empty()).expect("master flags");
    mesos_master::start(flags).await.expect("master starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_survive_a_master_restart_and_report_to_the_resubscribed_framework() {
    let master_dir = tempfile::tempdir().expect("dir");
    let master_port = free_port();
    let master = durable_master(master_dir.path(), master_port).await;
    let work = tempfile::tempdir().expect("dir");
    let port = free_port();
    let agent =
        AgentProcess::start(agent_args(master.addr, port, work.path()), work.path().join("agent.log"));
    let agent_id = registered(port, &agent).await;
    let mut s = Scheduler::subscribe(master.addr, checkpointing(), None).await;
    s.launch(vec![task("steady", &agent_id, json!({"value": WAITER}))]).await;
    s.until("steady", "TASK_RUNNING").await;
    let sandbox = sandbox(port, "steady").await;
    let pid = read_pid(&sandbox.join("pid")).await;

    master.stop().await;
    let master = durable_master(master_dir.path(), master_port).await;
    let framework_id = s.framework_id.clone();
    let mut s = Scheduler::subscribe(master.addr, checkpointing(), Some(&framework_id)).await;
    assert_eq!(s.framework_id, framework_id);
    // The agent re-registers with its running task.
    let mut back = false;
    for _ in 0..200 {
        let tasks = get_json(master.addr, "/master/tasks").await;
        if tasks["tasks"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["id"] == "steady" && t["state"] == "TASK_RUNNING"))
        {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(back, "the restarted master learns the running task from the agent");
    assert!(alive(pid));
    std::fs::write(sandbox.join("go"), "").expect("go");
    s.until("steady", "TASK_FINISHED").await;
    let late = s.quiet_for(Duration::from_secs(1)).await;
    assert!(!late.iter().any(|(_, state)| state == "TASK_FINISHED"), "once: {late:?}");
    assert!(!s.seen.iter().any(|(_, state)| state == "TASK_LOST"), "{:?}", s.seen);
    drop(agent);
    master.stop().await;
}
