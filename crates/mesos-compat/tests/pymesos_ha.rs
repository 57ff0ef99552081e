//! pymesos 0.3.15 and a kazoo reader against several `mesos-master` processes electing
//! through a real ZooKeeper: both find the leader from its `json.info_` node, and a pymesos
//! scheduler given `zk://` follows the next leader after the first is killed with SIGKILL,
//! its task still running on an agent that followed too.

#[path = "../../mesos-local/tests/support/bins.rs"]
mod bins;
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mesos_zookeeper::testing::ZooKeeperServer;
use support::{Process, free_port, http_get, python, script};

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "{what} did not happen within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn elected(port: u16) -> bool {
    http_get(port, "/metrics/snapshot").contains("\"master/elected\":1")
}

fn master(work: &Path, name: &str, port: u16, zk: &str) -> Process {
    let log = |suffix: &str| std::fs::File::create(work.join(format!("{name}.{suffix}"))).expect("log");
    let child = Command::new(bins::binary("mesos-master"))
        .args(["--ip=127.0.0.1", &format!("--port={port}"), "--hostname=127.0.0.1", "--registry=in_memory"])
        .args([&format!("--zk={zk}"), "--zk_session_timeout=3secs", "--allocation_interval=100ms"])
        .stdout(log("log"))
        .stderr(log("err"))
        .spawn()
        .expect("master starts");
    Process(child)
}

/// What the kazoo reader says leads: `ip:port id`.
fn kazoo_leader(python: &Path, server: &ZooKeeperServer) -> String {
    let output = Command::new(python)
        .args([script("zk_leader.py").to_str().expect("path"), &server.address(), "/mesos"])
        .output()
        .expect("python runs");
    assert!(output.status.success(), "zk_leader.py failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn pymesos_and_kazoo_find_the_leader_and_pymesos_follows_a_failover() {
    let python = python();
    let server = ZooKeeperServer::start();
    let zk = format!("zk://{}/mesos", server.address());
    let work = tempfile::tempdir().expect("dir");
    let (port1, port2) = (free_port(), free_port());
    let mut first = master(work.path(), "master1", port1, &zk);
    wait_for("the first master's election", || elected(port1));
    let _second = master(work.path(), "master2", port2, &zk);
    wait_for("the standby's detection", || http_get(port2, "/master/state").contains("leader_info"));

    let leader = kazoo_leader(&python, &server);
    assert!(leader.starts_with(&format!("127.0.0.1:{port1} ")), "kazoo read {leader}");

    let agent_log =
        |suffix: &str| std::fs::File::create(work.path().join(format!("agent.{suffix}"))).expect("log");
    let _agent = Process(
        Command::new(bins::binary("mesos-agent"))
            .args([
                &format!("--master={zk}"),
                "--ip=127.0.0.1",
                &format!("--port={}", free_port()),
                &format!("--work_dir={}", work.path().join("agent").display()),
                &format!("--runtime_dir={}", work.path().join("agent/run").display()),
                &format!("--launcher_dir={}", bins::launcher_dir()),
                "--registration_backoff_factor=10ms",
                "--zk_session_timeout=3secs",
                "--resources=cpus:2;mem:2048;disk:2048",
            ])
            .stdout(agent_log("log"))
            .stderr(agent_log("err"))
            .spawn()
            .expect("agent starts"),
    );
    wait_for("the agent's registration", || http_get(port1, "/master/slaves").contains("\"active\":true"));

    // pymesos finds the leader through its own ZooKeeper detector and runs a task.
    let running = work.path().join("running");
    let scheduler = Command::new(&python)
        .args(["-u", script("sched_master_failover.py").to_str().expect("path"), &zk])
        .arg(&running)
        .current_dir(script(""))
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(work.path().join("scheduler.err")).expect("log"))
        .spawn()
        .expect("scheduler starts");
    let mut scheduler = Process(scheduler);
    wait_for("the task's start", || running.exists());

    // The leader dies at once; the standby is elected, the agent and pymesos follow it.
    let _ = first.0.kill();
    let _ = first.0.wait();
    wait_for("the standby's election", || elected(port2));
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = scheduler.0.try_wait().expect("scheduler status") {
            break status;
        }
        assert!(Instant::now() < deadline, "the scheduler did not finish; see {}", work.path().display());
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    if let Some(mut stdout) = scheduler.0.stdout.take() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    let errors = std::fs::read_to_string(work.path().join("scheduler.err")).unwrap_or_default();
    assert!(status.success(), "the scheduler failed:\n{out}\n{errors}");
    assert!(out.contains("FOLLOWED RUNNING 2 masters") && out.contains("KILLED"), "{out}\n{errors}");

    let leader = kazoo_leader(&python, &server);
    assert!(leader.starts_with(&format!("127.0.0.1:{port2} ")), "kazoo read {leader}");
}
