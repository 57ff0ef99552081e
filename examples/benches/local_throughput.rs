//! End-to-end throughput of `mesos-local` with 4 agents running 10,000 tasks from the
//! example test-framework (each task is `true`-like work done by the custom Rust executor,
//! one executor per agent), and the time from starting `mesos-local` to the framework's first
//! offer.
//!
//! `cargo build --release && cargo bench -p mesos-examples --bench local_throughput`
//! (`-- <tasks>` changes the count).

use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let tasks: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let exe = std::env::current_exe().expect("bench path");
    let release = exe.parent().and_then(|deps| deps.parent()).expect("target dir").to_path_buf();
    let local = release.join("mesos-local");
    assert!(local.exists(), "{} is missing: run `cargo build --release` first", local.display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let work = tempfile::tempdir().expect("dir");
    let started_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let started = Instant::now();
    let mut cluster = Command::new(&local)
        .args([
            "--num_agents=4",
            &format!("--port={port}"),
            &format!("--work_dir={}", work.path().display()),
            "--resources=cpus:64;mem:65536;disk:65536;ports:[31000-31100]",
            "--quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mesos-local starts");
    let output = Command::new(env!("CARGO_BIN_EXE_test-framework"))
        .args([
            format!("--master=127.0.0.1:{port}"),
            format!("--num_tasks={tasks}"),
            format!("--executor={}", env!("CARGO_BIN_EXE_test-executor")),
        ])
        .output()
        .expect("the framework runs");
    let total = started.elapsed();
    let _ = cluster.kill();
    let _ = cluster.wait();
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    let first_offer_ms: u128 = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("First offer at ").and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok())
        })
        .expect("first offer time");
    let rate_line = text.lines().find(|l| l.contains("tasks/s")).unwrap_or("");
    println!("mesos-local, 4 agents, {tasks} tasks from examples/test-framework");
    println!("  process start to first offer: {} ms", first_offer_ms.saturating_sub(started_ms));
    println!("  {rate_line}");
    println!("  process start to last task finished: {:.2} s", total.as_secs_f64());
}
