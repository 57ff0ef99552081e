//! Tasks end to end: a real master, a real agent and the real built-in executors, driven by a
//! scheduler speaking the v1 HTTP API in JSON over loopback.

#[path = "../../mesos-master/tests/common/mod.rs"]
mod common;
mod support;

use std::net::SocketAddr;
use std::time::Duration;

use common::{get_json, post};
use mesos_agent::flags::AgentFlags;
use serde_json::{Value, json};
use support::{Scheduler, task};

const JSON: &str = "application/json";
const WAIT: Duration = Duration::from_secs(30);

struct Cluster {
    master: mesos_master::MasterHandle,
    agent: mesos_agent::AgentHandle,
    agent_id: String,
    _work: tempfile::TempDir,
}

/// A master and one agent whose executors come from this build.
async fn cluster(extra: &[&str]) -> Cluster {
    let master = common::master(&[]).await;
    let work = tempfile::tempdir().expect("work dir");
    let launcher_dir = std::path::Path::new(env!("CARGO_BIN_EXE_mesos-executor"))
        .parent()
        .expect("bin dir")
        .display()
        .to_string();
    let mut args = vec![
        format!("--master={}", master.addr),
        format!("--work_dir={}", work.path().display()),
        format!("--runtime_dir={}", work.path().join("run").display()),
        format!("--launcher_dir={launcher_dir}"),
        format!("--fetcher_cache_dir={}", work.path().join("cache").display()),
        "--registration_backoff_factor=10ms".to_string(),
        "--ip=127.0.0.1".to_string(),
        "--port=0".to_string(),
        "--resources=cpus:4;mem:2048;disk:4096;ports:[31000-31100]".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let flags = AgentFlags::load(args, std::iter::empty()).expect("agent flags").1;
    let mut agent = mesos_agent::start(flags, 7).await.expect("agent starts");
    let agent_id = agent.registered(WAIT).await.expect("agent registers");
    Cluster { master, agent, agent_id, _work: work }
}

async fn read_file(agent: SocketAddr, path: &str) -> String {
    let encoded = support::encode(path);
    let read = get_json(agent, &format!("/files/read?path={encoded}&offset=0&length=100000")).await;
    read["data"].as_str().unwrap_or("").to_string()
}

/// The sandbox of `executor` from the agent's `/state`, live or completed.
async fn sandbox(agent: SocketAddr, executor: &str) -> String {
    let state = get_json(agent, "/slave(1)/state").await;
    for key in ["frameworks", "completed_frameworks"] {
        for fw in state[key].as_array().into_iter().flatten() {
            for list in ["executors", "completed_executors"] {
                for e in fw[list].as_array().into_iter().flatten() {
                    if e["id"] == executor {
                        return e["directory"].as_str().unwrap_or("").to_string();
                    }
                }
            }
        }
    }
    panic!("no executor {executor} in {state}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_tasks_report_every_state_and_their_output_is_readable() {
    let c = cluster(&[]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    let ok = task("ok", &c.agent_id, json!({"value": "echo hello from $MESOS_TASK_ID; echo oops >&2"}));
    let failing = task("bad", &c.agent_id, json!({"value": "exit 3"}));
    let argv = task(
        "argv",
        &c.agent_id,
        json!({"shell": false, "value": "/bin/echo", "arguments": ["echo", "plain", "argv"]}),
    );
    s.launch(vec![ok, failing, argv]).await;
    let mut finished = Vec::new();
    let mut states: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    while finished.len() < 3 {
        let status = s.update().await;
        let id = status["task_id"]["value"].as_str().expect("id").to_string();
        let state = status["state"].as_str().expect("state").to_string();
        states.entry(id.clone()).or_default().push(state.clone());
        if ["TASK_FINISHED", "TASK_FAILED"].contains(&state.as_str()) {
            if id == "bad" {
                let message = status["message"].as_str().unwrap_or("");
                assert!(message.contains("exited with status 3"), "{status}");
            }
            finished.push(id);
        }
    }
    assert_eq!(states["ok"], ["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    assert_eq!(states["bad"], ["TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"]);
    assert_eq!(states["argv"].last().map(String::as_str), Some("TASK_FINISHED"));

    let directory = sandbox(c.agent.addr, "ok").await;
    assert!(directory.contains(&format!("/frameworks/{}/executors/ok/runs/", s.framework_id)), "{directory}");
    assert_eq!(
        read_file(c.agent.addr, &format!("{directory}/stdout")).await.lines().last(),
        Some("hello from ok")
    );
    assert!(read_file(c.agent.addr, &format!("{directory}/stderr")).await.contains("oops"));
    let latest = std::fs::read_link(std::path::Path::new(&directory).parent().expect("runs").join("latest"));
    assert_eq!(
        latest.ok().and_then(|l| l.file_name().map(|n| n.to_owned())),
        std::path::Path::new(&directory).file_name().map(|n| n.to_owned())
    );
    let argv_out = read_file(c.agent.addr, &format!("{}/stdout", sandbox(c.agent.addr, "argv").await)).await;
    assert!(argv_out.contains("plain argv"), "{argv_out}");

    // The master agrees and the agent's resources are free again.
    let tasks = get_json(c.master.addr, "/master/tasks").await;
    let states: Vec<&str> =
        tasks["tasks"].as_array().expect("tasks").iter().filter_map(|t| t["state"].as_str()).collect();
    assert_eq!(states.len(), 3, "{tasks}");
    assert!(!states.contains(&"TASK_RUNNING"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_task_ends_killed_and_its_processes_are_gone() {
    let c = cluster(&[]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    s.launch(vec![task("sleeper", &c.agent_id, json!({"value": "echo $$ > pid; exec sleep 1000"}))]).await;
    s.until("sleeper", "TASK_RUNNING").await;
    let directory = sandbox(c.agent.addr, "sleeper").await;
    let pid_file = std::path::Path::new(&directory).join("pid");
    let mut pid = String::new();
    for _ in 0..100 {
        pid = std::fs::read_to_string(&pid_file).unwrap_or_default().trim().to_string();
        if !pid.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists(), "the task runs as {pid}");
    // The running executor shows in the usage endpoints and the metrics.
    let statistics = get_json(c.agent.addr, "/monitor/statistics").await;
    let entry = statistics.as_array().and_then(|a| a.iter().find(|e| e["executor_id"] == "sleeper")).cloned();
    let entry = entry.unwrap_or_else(|| panic!("no statistics for the executor: {statistics}"));
    assert!(entry["statistics"]["cpus_limit"].as_f64().unwrap_or(0.0) > 0.1, "{entry}");
    assert!(entry["statistics"]["mem_limit_bytes"].as_u64().unwrap_or(0) > 32 << 20, "{entry}");
    assert!(entry["statistics"]["mem_rss_bytes"].as_u64().unwrap_or(0) > 0, "{entry}");
    let containers = get_json(c.agent.addr, "/containers").await;
    let container =
        containers.as_array().and_then(|a| a.iter().find(|e| e["executor_id"] == "sleeper")).cloned();
    let container = container.unwrap_or_else(|| panic!("no container: {containers}"));
    assert!(container["status"]["executor_pid"].as_u64().unwrap_or(0) > 0, "{container}");
    assert_eq!(container["container_id"].as_str().map(|id| directory.ends_with(id)), Some(true));
    let metrics = get_json(c.agent.addr, "/metrics/snapshot").await;
    assert_eq!(metrics["slave/tasks_running"], 1.0, "{metrics}");
    assert_eq!(metrics["slave/executors_running"], 1.0, "{metrics}");
    s.call(
        "KILL",
        json!({"kill": {"task_id": {"value": "sleeper"}, "agent_id": {"value": c.agent_id},
               "kill_policy": {"grace_period": {"nanoseconds": 500_000_000}}}}),
    )
    .await;
    let (_, status) = s.until("sleeper", "TASK_KILLED").await;
    assert_eq!(status["source"], "SOURCE_EXECUTOR");
    let metrics = get_json(c.agent.addr, "/metrics/snapshot").await;
    assert_eq!(metrics["slave/tasks_killed"], 1.0, "{metrics}");
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    assert!(stat.is_empty() || stat.contains(") Z "), "the task's process is gone: {stat}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_health_check_kills_the_task_and_a_passing_one_reports_healthy() {
    let c = cluster(&[]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    // A TCP port that answers, for the passing check.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listener");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        loop {
            if let Ok((mut socket, _)) = listener.accept().await {
                use tokio::io::AsyncWriteExt;
                let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
            }
        }
    });
    let fast = |kind: Value| {
        let mut check = json!({"delay_seconds": 0.0, "interval_seconds": 0.2, "timeout_seconds": 5.0,
                               "grace_period_seconds": 0.0, "consecutive_failures": 2});
        if let (Some(check), Some(kind)) = (check.as_object_mut(), kind.as_object()) {
            check.extend(kind.clone());
        }
        check
    };
    let mut sick = task("sick", &c.agent_id, json!({"value": "sleep 1000"}));
    sick["health_check"] = fast(json!({"type": "COMMAND", "command": {"value": "exit 1"}}));
    let mut well = task("well", &c.agent_id, json!({"value": "sleep 1000"}));
    well["health_check"] = fast(json!({"type": "HTTP", "http": {"port": port, "path": "/health"}}));
    let mut tcp = task("tcp", &c.agent_id, json!({"value": "sleep 1000"}));
    tcp["health_check"] = fast(json!({"type": "TCP", "tcp": {"port": port}}));
    s.launch(vec![sick, well, tcp]).await;
    let mut healthy = std::collections::BTreeSet::new();
    let mut killed = None;
    while killed.is_none() || healthy.len() < 2 {
        let status = s.update().await;
        let id = status["task_id"]["value"].as_str().unwrap_or("").to_string();
        if status["healthy"] == true {
            healthy.insert(id.clone());
        }
        if id == "sick" && status["state"] == "TASK_KILLED" {
            killed = Some(status);
        }
    }
    let killed = killed.expect("killed");
    assert_eq!(killed["healthy"], false);
    assert_eq!(killed["reason"], "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED");
    assert!(killed["message"].as_str().unwrap_or("").contains("health check failed"), "{killed}");
    assert_eq!(healthy, ["tcp".to_string(), "well".to_string()].into_iter().collect());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_group_runs_under_the_default_executor_and_fails_together() {
    let c = cluster(&[]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    let executor = json!({
        "type": "DEFAULT",
        "executor_id": {"value": "group-executor"},
        "resources": [
            {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
            {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}},
            {"name": "disk", "type": "SCALAR", "scalar": {"value": 32}}
        ]
    });
    let tasks = vec![
        task("server", &c.agent_id, json!({"value": "echo serving > out; sleep 1000"})),
        task("crasher", &c.agent_id, json!({"value": "sleep 0.5; exit 7"})),
    ];
    s.accept(json!({"type": "LAUNCH_GROUP", "launch_group": {"executor": executor, "task_group": {"tasks": tasks}}}))
        .await;
    let mut terminal = std::collections::BTreeMap::new();
    while terminal.len() < 2 {
        let status = s.update().await;
        let state = status["state"].as_str().unwrap_or("").to_string();
        if ["TASK_FAILED", "TASK_KILLED", "TASK_FINISHED"].contains(&state.as_str()) {
            terminal.insert(status["task_id"]["value"].as_str().unwrap_or("").to_string(), state);
        }
    }
    assert_eq!(terminal["crasher"], "TASK_FAILED");
    assert_eq!(terminal["server"], "TASK_KILLED", "one failure takes the group down");
    let directory = sandbox(c.agent.addr, "group-executor").await;
    assert_eq!(read_file(c.agent.addr, &format!("{directory}/tasks/server/out")).await, "serving\n");
}

/// Serves `files` (name → bytes) over HTTP/1.1 on loopback; other paths get 404.
async fn file_server(files: Vec<(&'static str, Vec<u8>)>) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listener");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { continue };
            let files = files.clone();
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let n = socket.read(&mut request).await.unwrap_or(0);
                let text = String::from_utf8_lossy(&request[..n]).to_string();
                let path = text.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
                let response = match files.iter().find(|(name, _)| *name == path) {
                    Some((_, body)) => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend_from_slice(body);
                        r
                    }
                    None => {
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec()
                    }
                };
                let _ = socket.write_all(&response).await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uris_are_fetched_and_extracted_and_a_bad_uri_fails_the_task_clearly() {
    let source = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(source.path().join("bundle")).expect("dir");
    std::fs::write(source.path().join("bundle/hello.txt"), "fetched and extracted\n").expect("file");
    let archive = source.path().join("bundle.tar.gz");
    let made = std::process::Command::new("tar")
        .arg("czf")
        .arg(&archive)
        .arg("-C")
        .arg(source.path())
        .arg("bundle")
        .status()
        .expect("tar runs");
    assert!(made.success());
    let server = file_server(vec![
        ("bundle.tar.gz", std::fs::read(&archive).expect("archive")),
        ("run.sh", b"#!/bin/sh\necho script ran\n".to_vec()),
    ])
    .await;
    let c = cluster(&[]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    let fetching = task(
        "fetching",
        &c.agent_id,
        json!({
            "value": "cat bundle/hello.txt && ./tool",
            "uris": [
                {"value": format!("http://{server}/bundle.tar.gz"), "extract": true},
                {"value": format!("http://{server}/run.sh"), "executable": true, "output_file": "tool"}
            ]
        }),
    );
    let missing = task(
        "missing",
        &c.agent_id,
        json!({"value": "true", "uris": [{"value": format!("http://{server}/nope.tar.gz")}]}),
    );
    s.launch(vec![fetching, missing]).await;
    let mut done = std::collections::BTreeMap::new();
    while done.len() < 2 {
        let status = s.update().await;
        let state = status["state"].as_str().unwrap_or("");
        if ["TASK_FAILED", "TASK_FINISHED"].contains(&state) {
            done.insert(status["task_id"]["value"].as_str().unwrap_or("").to_string(), status);
        }
    }
    assert_eq!(done["fetching"]["state"], "TASK_FINISHED", "{}", done["fetching"]);
    let out = read_file(c.agent.addr, &format!("{}/stdout", sandbox(c.agent.addr, "fetching").await)).await;
    assert!(out.contains("fetched and extracted") && out.contains("script ran"), "{out}");
    let failed = &done["missing"];
    assert_eq!(failed["state"], "TASK_FAILED");
    assert_eq!(failed["reason"], "REASON_CONTAINER_LAUNCH_FAILED");
    let message = failed["message"].as_str().unwrap_or("");
    assert!(message.contains("nope.tar.gz") && message.contains("404"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_executor_runs_tasks_and_its_exit_reaches_the_scheduler() {
    let c = cluster(&[]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    // Our command executor binary, used as a framework's own executor.
    let executor = json!({
        "executor_id": {"value": "custom"},
        "command": {"value": env!("CARGO_BIN_EXE_mesos-executor"), "shell": false, "arguments": ["my-executor"]},
        "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}}]
    });
    let mut work = task("work", &c.agent_id, json!(null));
    if let Some(object) = work.as_object_mut() {
        object.remove("command");
    }
    work["executor"] = executor;
    s.launch(vec![work]).await;
    // The executor got the task through LAUNCH and answered for it; a task for a custom
    // executor carries no command, which ours reports as a failure.
    let (states, status) = s.until("work", "TASK_FAILED").await;
    assert_eq!(states, ["TASK_FAILED"]);
    assert_eq!(status["source"], "SOURCE_EXECUTOR");
    assert_eq!(status["executor_id"]["value"], "custom");
    assert!(status["message"].as_str().unwrap_or("").contains("no command"), "{status}");
    let failure = s.events.expect_json("FAILURE").await;
    assert_eq!(failure["failure"]["executor_id"]["value"], "custom");
    assert_eq!(failure["failure"]["agent_id"]["value"], c.agent_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_executor_calls_and_file_paths_are_refused() {
    let c = cluster(&[]).await;
    let agent = c.agent.addr;
    let response = post(agent, "/api/v1/executor", Some(JSON), &[], b"{not json".to_vec()).await;
    assert_eq!(response.status(), 400);
    let text = common::body_text(response).await;
    assert!(text.starts_with("Failed to parse body into JSON"), "one prefix, not two: {text}");
    let unknown = json!({"type": "SUBSCRIB", "framework_id": {"value": "f"}, "executor_id": {"value": "e"}});
    let response = post(agent, "/api/v1/executor", Some(JSON), &[], unknown.to_string().into_bytes()).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        common::body_text(response).await,
        "Failed to validate Executor::Call: Unknown call type 'SUBSCRIB'"
    );
    let call = |fw: &str| {
        json!({"type": "SUBSCRIBE", "framework_id": {"value": fw}, "executor_id": {"value": "e"}, "subscribe": {}})
            .to_string()
            .into_bytes()
    };
    let response =
        post(agent, "/slave(1)/api/v1/executor", Some(JSON), &[("Accept", JSON)], call("nope")).await;
    assert_eq!(response.status(), 400);
    assert_eq!(common::body_text(response).await, "Framework cannot be found");
    let staging = json!({
        "type": "UPDATE", "framework_id": {"value": "f"}, "executor_id": {"value": "e"},
        "update": {"status": {"task_id": {"value": "t"}, "state": "TASK_STAGING", "source": "SOURCE_EXECUTOR",
                              "uuid": "AAECAwQFRgcICQoLDA0ODw=="}}
    });
    let response = post(agent, "/api/v1/executor", Some(JSON), &[], staging.to_string().into_bytes()).await;
    assert_eq!(response.status(), 400);
    assert!(common::body_text(response).await.starts_with("Failed to validate Executor::Call"));
    let heartbeat =
        json!({"type": "HEARTBEAT", "framework_id": {"value": "x"}, "executor_id": {"value": "y"}});
    let response = post(agent, "/api/v1/executor", Some(JSON), &[], heartbeat.to_string().into_bytes()).await;
    assert_eq!(response.status(), 202);
    let response = common::get(agent, "/api/v1/executor").await;
    assert_eq!(response.status(), 405);

    // Nothing outside an attached sandbox (or the log) is served.
    let response = common::get(agent, "/files/read?path=/etc/passwd&offset=0").await;
    assert!(response.status().is_client_error(), "{}", response.status());
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    s.launch(vec![task("t", &c.agent_id, json!({"value": "ln -s /etc/passwd leak"}))]).await;
    s.until("t", "TASK_FINISHED").await;
    let directory = sandbox(agent, "t").await;
    let response = common::get(agent, &format!("/files/read?path={directory}/leak&offset=0")).await;
    assert!(response.status().is_client_error(), "a link out of the sandbox: {}", response.status());
    let response =
        common::get(agent, &format!("/files/read?path={directory}/../../../../../../meta&offset=0")).await;
    assert!(response.status().is_client_error(), "dot-dot: {}", response.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_sandboxes_are_garbage_collected_after_the_delay() {
    let c = cluster(&["--gc_delay=300ms", "--disk_watch_interval=100ms"]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    s.launch(vec![task("brief", &c.agent_id, json!({"value": "echo bye"}))]).await;
    s.until("brief", "TASK_FINISHED").await;
    let directory = sandbox(c.agent.addr, "brief").await;
    let mut removed = false;
    for _ in 0..200 {
        if !std::path::Path::new(&directory).exists() {
            removed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(removed, "{directory} was not collected");
    let response = common::get(c.agent.addr, &format!("/files/browse?path={directory}")).await;
    assert_eq!(response.status(), 404, "a collected sandbox is no longer served");
}

/// The metric `name` of the agent's `/metrics/snapshot`.
async fn metric(agent: SocketAddr, name: &str) -> f64 {
    let metrics = get_json(agent, "/metrics/snapshot").await;
    metrics[name].as_f64().unwrap_or_else(|| panic!("no {name} in {metrics}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn used_resources_are_the_running_task_and_its_executor() {
    let c = cluster(&[]).await;
    assert_eq!(metric(c.agent.addr, "slave/cpus_used").await, 0.0);
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    let mut sleeper = task("sleeper", &c.agent_id, json!({"value": "sleep 1000"}));
    sleeper["resources"] = json!([
        {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.5}},
        {"name": "mem", "type": "SCALAR", "scalar": {"value": 64}}
    ]);
    s.launch(vec![sleeper]).await;
    s.until("sleeper", "TASK_RUNNING").await;
    // The task's resources plus the command executor's own allowance (0.1 cpus, 32 MB), as
    // Mesos counts them; the percentages are fractions of the agent's cpus:4 and mem:2048.
    let metrics = get_json(c.agent.addr, "/metrics/snapshot").await;
    let value = |name: &str| metrics[name].as_f64().unwrap_or(-1.0);
    assert!(close(value("slave/cpus_used"), 0.6), "{metrics}");
    assert!(close(value("slave/mem_used"), 96.0), "{metrics}");
    assert!(close(value("slave/cpus_percent"), 0.6 / 4.0), "{metrics}");
    assert!(close(value("slave/mem_percent"), 96.0 / 2048.0), "{metrics}");
    assert_eq!(value("slave/disk_used"), 0.0, "{metrics}");
    assert_eq!(value("slave/gpus_used"), 0.0, "{metrics}");
    assert_eq!(value("slave/cpus_revocable_used"), 0.0, "{metrics}");
    assert_eq!(value("slave/cpus_revocable_total"), 0.0, "{metrics}");

    s.call("KILL", json!({"kill": {"task_id": {"value": "sleeper"}, "agent_id": {"value": c.agent_id}}}))
        .await;
    s.until("sleeper", "TASK_KILLED").await;
    // Once the terminal update is acknowledged and the executor has exited, nothing is used.
    let deadline = tokio::time::Instant::now() + WAIT;
    while metric(c.agent.addr, "slave/cpus_used").await != 0.0 {
        assert!(tokio::time::Instant::now() < deadline, "the resources were never released");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(metric(c.agent.addr, "slave/mem_used").await, 0.0);
    assert_eq!(metric(c.agent.addr, "slave/mem_percent").await, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn container_usage_counts_the_processes_a_task_forks() {
    let c = cluster(&[]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    // The task's shell forks a child holding 80 MiB; neither the executor nor the shell does.
    let hog = r#"python3 -c "b = bytearray(80 << 20); import time; time.sleep(60)" & sleep 60"#;
    s.launch(vec![task("hog", &c.agent_id, json!({ "value": hog }))]).await;
    s.until("hog", "TASK_RUNNING").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let statistics = loop {
        let all = get_json(c.agent.addr, "/monitor/statistics").await;
        let entry = all.as_array().and_then(|a| a.iter().find(|e| e["executor_id"] == "hog")).cloned();
        let statistics = entry.map(|e| e["statistics"].clone()).unwrap_or(Value::Null);
        if statistics["mem_rss_bytes"].as_u64().unwrap_or(0) > 80 << 20 {
            break statistics;
        }
        assert!(tokio::time::Instant::now() < deadline, "the child's memory never showed: {all}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Python spent CPU time allocating: the container's user + system time covers it.
    let cpu = statistics["cpus_user_time_secs"].as_f64().unwrap_or(0.0)
        + statistics["cpus_system_time_secs"].as_f64().unwrap_or(0.0);
    assert!(cpu > 0.0, "{statistics}");
    // /containers reads the same scan.
    let containers = get_json(c.agent.addr, "/containers").await;
    let container = containers.as_array().and_then(|a| a.iter().find(|e| e["executor_id"] == "hog")).cloned();
    let rss = container.map(|e| e["statistics"]["mem_rss_bytes"].as_u64().unwrap_or(0)).unwrap_or(0);
    assert!(rss > 80 << 20, "{containers}");

    s.call("KILL", json!({"kill": {"task_id": {"value": "hog"}, "agent_id": {"value": c.agent_id}}})).await;
    s.until("hog", "TASK_KILLED").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_figures_follow_the_isolators_in_use() {
    // Without posix/cpu and posix/mem only the limits are reported, as in Mesos.
    let c = cluster(&["--isolation=filesystem/posix"]).await;
    let mut s = Scheduler::subscribe(c.master.addr, json!({}), None).await;
    s.launch(vec![task("quiet", &c.agent_id, json!({ "value": "sleep 60" }))]).await;
    s.until("quiet", "TASK_RUNNING").await;
    let all = get_json(c.agent.addr, "/monitor/statistics").await;
    let entry = all.as_array().and_then(|a| a.iter().find(|e| e["executor_id"] == "quiet")).cloned();
    let statistics = entry.map(|e| e["statistics"].clone()).unwrap_or(Value::Null);
    assert!(statistics["cpus_limit"].as_f64().is_some(), "{all}");
    assert!(statistics.get("cpus_user_time_secs").is_none(), "no posix/cpu: {statistics}");
    assert!(statistics.get("mem_rss_bytes").is_none(), "no posix/mem: {statistics}");
    s.call("KILL", json!({"kill": {"task_id": {"value": "quiet"}, "agent_id": {"value": c.agent_id}}})).await;
    s.until("quiet", "TASK_KILLED").await;
}
