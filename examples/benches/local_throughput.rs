//! End-to-end throughput of `mesos-local` with 4 agents running 10,000 tasks from the
//! example test-framework (each task is `true`-like work done by the custom Rust executor,
//! one executor per agent), and the time from starting `mesos-local` to the framework's first
//! offer.
//!
//! `cargo build --release && cargo bench -p mesos-examples --bench local_throughput`
//! (`-- <tasks>` changes the count).

use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Runs `mesos-local` and the test framework with `framework_args`; returns (ms from
/// process start to the first offer, the framework's rate line, total seconds).
fn run(local: &std::path::Path, framework_args: &[String]) -> (u128, String, f64) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let work = tempfile::tempdir().expect("dir");
    let started_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let started = Instant::now();
    let mut cluster = Command::new(local)
        .args([
            "--num_agents=4",
            &format!("--port={port}"),
            &format!("--work_dir={}", work.path().display()),
            "--resources=cpus:64;mem:65536;disk:65536;ports:[31000-31100]",
            "--allocation_interval=10ms",
            "--quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mesos-local starts");
    let output = Command::new(env!("CARGO_BIN_EXE_test-framework"))
        .arg(format!("--master=127.0.0.1:{port}"))
        .args(framework_args)
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
    let rate_line = text.lines().find(|l| l.contains("tasks/s")).unwrap_or("").to_string();
    (first_offer_ms.saturating_sub(started_ms), rate_line, total.as_secs_f64())
}

fn main() {
    // `cargo test --all-targets` runs benches too (without --bench): a smoke run then.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let tasks: usize =
        std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(if smoke { 20 } else { 10_000 });
    let exe = std::env::current_exe().expect("bench path");
    let release = exe.parent().and_then(|deps| deps.parent()).expect("target dir").to_path_buf();
    let local = release.join("mesos-local");
    if smoke && !local.exists() {
        println!("{} is not built; skipping the smoke run", local.display());
        return;
    }
    assert!(local.exists(), "{} is missing: run `cargo build --release` first", local.display());
    let executor = format!("--executor={}", env!("CARGO_BIN_EXE_test-executor"));
    let (first_offer, rate, total) = run(&local, &[format!("--num_tasks={tasks}"), executor]);
    println!("mesos-local, 4 agents, {tasks} tasks under the example's Rust executor (one per agent)");
    println!("  process start to first offer: {first_offer} ms");
    println!("  {rate}");
    println!("  process start to last task finished: {total:.2} s");
    let (first_offer, rate, total) = run(
        &local,
        &[format!("--num_tasks={tasks}"), "--command=true".to_string(), "--max_in_flight=32".to_string()],
    );
    println!(
        "mesos-local, 4 agents, {tasks} `true` command tasks (each its own command executor), at most 32 unfinished"
    );
    println!("  process start to first offer: {first_offer} ms");
    println!("  {rate}");
    println!("  process start to last task finished: {total:.2} s");
}
