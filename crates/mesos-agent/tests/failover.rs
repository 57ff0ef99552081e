//! Master failover with ZooKeeper: an agent given `--master=zk://` follows the leader, and
//! re-registers with the next one with its task still running.

#[path = "../../mesos-master/tests/common/mod.rs"]
mod common;
mod support;

use std::time::Duration;

use common::{eventually, get_json};
use mesos_agent::flags::AgentFlags;
use mesos_zookeeper::testing::ZooKeeperServer;
use serde_json::json;
use support::{Scheduler, task};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_follows_the_new_leader_with_its_task_running() {
    let server = ZooKeeperServer::start();
    let zk = format!("zk://{}/mesos", server.address());
    let master_flags =
        [format!("--zk={zk}"), "--hostname=127.0.0.1".into(), "--zk_session_timeout=3secs".into()];
    let master_flags: Vec<&str> = master_flags.iter().map(String::as_str).collect();
    let m1 = common::master(&master_flags).await;
    eventually(m1.addr, "/metrics/snapshot", |m| m["master/elected"] == 1.0).await;
    let m2 = common::master(&master_flags).await;

    let work = tempfile::tempdir().expect("work dir");
    let launcher_dir = std::path::Path::new(env!("CARGO_BIN_EXE_mesos-executor"))
        .parent()
        .expect("bin dir")
        .display()
        .to_string();
    let args = vec![
        format!("--master={zk}"),
        format!("--work_dir={}", work.path().display()),
        format!("--runtime_dir={}", work.path().join("run").display()),
        format!("--launcher_dir={launcher_dir}"),
        format!("--fetcher_cache_dir={}", work.path().join("cache").display()),
        "--registration_backoff_factor=10ms".to_string(),
        "--zk_session_timeout=3secs".to_string(),
        "--ip=127.0.0.1".to_string(),
        "--port=0".to_string(),
        "--resources=cpus:2;mem:1024;disk:1024".to_string(),
    ];
    let flags = AgentFlags::load(args, std::iter::empty()).expect("agent flags").1;
    let mut agent = mesos_agent::start(flags, 3).await.expect("agent starts");
    let agent_id = agent.registered(WAIT).await.expect("the agent registers with the leader");
    let state = get_json(m1.addr, "/master/state").await;
    assert_eq!(state["slaves"][0]["id"], agent_id.as_str());

    let info = json!({"checkpoint": true, "failover_timeout": 300.0});
    let mut framework = Scheduler::subscribe(m1.addr, info.clone(), None).await;
    framework.launch(vec![task("long", &agent_id, json!({"value": "sleep 600"}))]).await;
    framework.until("long", "TASK_RUNNING").await;
    let framework_id = framework.framework_id.clone();
    drop(framework);

    // The leader goes: the standby is elected and the agent re-registers there as itself.
    m1.stop().await;
    eventually(m2.addr, "/metrics/snapshot", |m| m["master/elected"] == 1.0).await;
    eventually(m2.addr, "/master/state", |s| s["slaves"][0]["id"] == agent_id.as_str()).await;
    // The framework comes back under its id and hears that its task still runs.
    let mut framework = Scheduler::subscribe(m2.addr, info, Some(&framework_id)).await;
    framework.call("RECONCILE", json!({"reconcile": {"tasks": []}})).await;
    let (_, status) = framework.until("long", "TASK_RUNNING").await;
    assert_eq!(status["agent_id"]["value"], agent_id.as_str());
    let tasks = get_json(m2.addr, "/master/tasks").await;
    assert_eq!(tasks["tasks"][0]["id"], "long");
    assert_eq!(tasks["tasks"][0]["state"], "TASK_RUNNING");
    framework.call("KILL", json!({"kill": {"task_id": {"value": "long"}}})).await;
    framework.until("long", "TASK_KILLED").await;

    agent.stop().await;
    m2.stop().await;
    drop(server);
}
