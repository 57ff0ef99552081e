//! Task launch throughput through one master and one agent, next to this machine's bare
//! spawn-and-reap rate of `/bin/true`, measured by the same program in the same run.
//!
//! `cargo bench -p mesos-agent --bench launch_throughput` (add `-- <tasks> <window>` to
//! change the count, default 1000, and the most tasks unfinished at once, default 32). Each task is `true` under its own command executor (Mesos' model: a
//! separate executor process that outlives an agent restart), so a task costs at least two
//! process starts: the executor and the task.

#[path = "../../mesos-master/tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Records, post};
use mesos_agent::flags::AgentFlags;
use serde_json::{Value, json};

const JSON: &str = "application/json";

/// Spawns and reaps `/bin/true` `count` times, `parallel` at a time; returns spawns per second.
fn bare_rate(count: usize, parallel: usize) -> f64 {
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..parallel {
            scope.spawn(|| {
                for _ in 0..count / parallel {
                    let status = std::process::Command::new("/bin/true").status();
                    assert!(status.is_ok_and(|s| s.success()), "/bin/true runs");
                }
            });
        }
    });
    count as f64 / start.elapsed().as_secs_f64()
}

/// CPU seconds of this process and of its reaped descendants, from `/proc/self/stat`.
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<f64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().filter_map(|f| f.parse().ok()).collect())
        .unwrap_or_default();
    // After the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime (state is not a number, so indexes shift by one).
    let field = |i: usize| fields.get(i).copied().unwrap_or(0.0) / 100.0;
    (field(10) + field(11), field(12) + field(13))
}

/// Launches `count` `true` tasks, keeping at most `window` of them unfinished (a framework
/// feeding a busy agent, not a burst that parks a thousand executors at once), and returns
/// tasks finished per second (first ACCEPT to last TASK_FINISHED).
async fn cluster_rate(count: usize, window: usize) -> f64 {
    // Offers come back quickly after each launch, as they would on a busy cluster.
    let master = common::master(&["--allocation_interval=5ms"]).await;
    let work = tempfile::tempdir().expect("dir");
    if std::env::var("BENCH_TRACE").is_ok() {
        eprintln!("work dir {}", work.path().display());
    }
    // BENCH_LAUNCHER_DIR swaps in wrapped executors (e.g. under a profiler).
    let launcher_dir = std::env::var("BENCH_LAUNCHER_DIR").unwrap_or_else(|_| {
        std::path::Path::new(env!("CARGO_BIN_EXE_mesos-executor"))
            .parent()
            .expect("dir")
            .display()
            .to_string()
    });
    let args = vec![
        format!("--master={}", master.addr),
        format!("--work_dir={}", work.path().display()),
        format!("--runtime_dir={}", work.path().join("run").display()),
        format!("--launcher_dir={launcher_dir}"),
        "--ip=127.0.0.1".to_string(),
        "--port=0".to_string(),
        "--registration_backoff_factor=10ms".to_string(),
        "--resources=cpus:100000;mem:10000000;disk:10000000;ports:[31000-31001]".to_string(),
        "--gc_delay=1weeks".to_string(),
    ];
    let flags = AgentFlags::load(args, std::iter::empty()).expect("flags").1;
    let mut agent = mesos_agent::start(flags, 1).await.expect("agent");
    let agent_id = agent.registered(Duration::from_secs(30)).await.expect("registered");
    let subscribe =
        json!({"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "root", "name": "bench"}}});
    let response = post(
        master.addr,
        "/api/v1/scheduler",
        Some(JSON),
        &[("Accept", JSON)],
        subscribe.to_string().into_bytes(),
    )
    .await;
    let stream = response.headers()["mesos-stream-id"].to_str().expect("id").to_string();
    let mut events = Records::new(response);
    let subscribed = events.expect_json("SUBSCRIBED").await;
    let framework_id = subscribed["subscribed"]["framework_id"]["value"].as_str().expect("id").to_string();
    // Calls go out on two kept-open connections, as an HTTP framework's would.
    let (calls, calls_rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let calls_rx = std::sync::Arc::new(tokio::sync::Mutex::new(calls_rx));
    for _ in 0..2 {
        let calls_rx = calls_rx.clone();
        let mut connection = mesos_http::Connection::new(master.addr.to_string());
        let stream = stream.clone();
        tokio::spawn(async move {
            loop {
                let next = calls_rx.lock().await.recv().await;
                let Some(call) = next else { return };
                let headers = [("Content-Type", JSON), ("Mesos-Stream-Id", stream.as_str())];
                let _ = connection.post("/api/v1/scheduler", &headers, call.to_string().into()).await;
            }
        });
    }
    let task = |i: usize| {
        json!({
            "name": format!("t{i}"), "task_id": {"value": format!("t{i}")}, "agent_id": {"value": agent_id},
            "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.01}},
                          {"name": "mem", "type": "SCALAR", "scalar": {"value": 1}}],
            "command": {"value": "true"}
        })
    };
    let start = Instant::now();
    let (mut launched, mut finished) = (0, 0);
    while finished < count {
        let Some(event) = events.next_json(Duration::from_secs(120)).await else {
            panic!("stalled after {finished}")
        };
        match event["type"].as_str() {
            Some("OFFERS") => {
                for offer in event["offers"]["offers"].as_array().into_iter().flatten() {
                    let scalar = |name: &str| -> f64 {
                        offer["resources"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|r| r["name"] == name)
                            .filter_map(|r| r["scalar"]["value"].as_f64())
                            .sum()
                    };
                    let fits = ((scalar("cpus") / 0.01).floor() as usize).min(scalar("mem") as usize);
                    let batch = (count - launched).min(window - (launched - finished)).min(fits);
                    let tasks: Vec<Value> = (launched..launched + batch).map(task).collect();
                    launched += batch;
                    let _ = calls.send(json!({"type": "ACCEPT", "framework_id": {"value": framework_id},
                        "accept": {"offer_ids": [offer["id"]], "filters": {"refuse_seconds": 0.0},
                                   "operations": [{"type": "LAUNCH", "launch": {"task_infos": tasks}}]}}));
                }
            }
            Some("UPDATE") => {
                let status = &event["update"]["status"];
                if std::env::var("BENCH_TRACE").is_ok() {
                    eprintln!(
                        "{:8.1} {} {}",
                        start.elapsed().as_secs_f64() * 1000.0,
                        status["task_id"]["value"],
                        status["state"]
                    );
                }
                match status["state"].as_str() {
                    Some("TASK_FINISHED") => finished += 1,
                    Some(other @ ("TASK_FAILED" | "TASK_LOST" | "TASK_ERROR" | "TASK_DROPPED")) => {
                        panic!("a task ended {other}: {status}")
                    }
                    _ => {}
                }
                let _ = calls.send(json!({"type": "ACKNOWLEDGE", "framework_id": {"value": framework_id},
                    "acknowledge": {"agent_id": status["agent_id"], "task_id": status["task_id"], "uuid": status["uuid"]}}));
            }
            _ => {}
        }
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    agent.stop().await;
    master.stop().await;
    rate
}

fn main() {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    // `cargo test --all-targets` runs benches too (without --bench): a smoke run then.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let count = numbers.first().copied().unwrap_or(if smoke { 20 } else { 1000 });
    let window = numbers.get(1).copied().unwrap_or(32);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let sequential = bare_rate(count, 1);
    let parallel = bare_rate(count, cores);
    let bare = sequential.max(parallel);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (own_before, children_before) = cpu_seconds();
    let rate = runtime.block_on(cluster_rate(count, window));
    let (own_after, children_after) = cpu_seconds();
    println!(
        "bare spawn-and-reap of /bin/true: {sequential:.0}/s sequential, {parallel:.0}/s with {cores} at a time"
    );
    println!(
        "task launch throughput ({count} `true` tasks, at most {window} unfinished, one master, one agent): {rate:.0} tasks/s"
    );
    println!("ratio to the bare rate: {:.2}", rate / bare);
    println!(
        "CPU per task: {:.2} ms in master+agent+framework (this process), {:.2} ms in executors and tasks",
        (own_after - own_before) * 1000.0 / count as f64,
        (children_after - children_before) * 1000.0 / count as f64
    );
}
