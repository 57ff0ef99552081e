//! Scale benchmarks of the master core in the simulator (docs/benchmarks.md):
//!
//! ```text
//! cargo bench -p mesos-sim --bench scale -- launch --agents 50000 --frameworks 1000
//! cargo bench -p mesos-sim --bench scale -- place --agents 50000 --tasks 1000000
//! cargo bench -p mesos-sim --bench scale -- state --agents 20000 --tasks 200000
//! ```
//!
//! Each prints what it measured; the figures in the docs come from these commands.

use std::time::{Duration, Instant};

use mesos_sim::scale::{ScaleCluster, ScaleConfig, Workload};

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; a bare run (as `cargo test --benches` does) is a smoke run.
    let mode = args.iter().find(|a| !a.starts_with("--") && a.parse::<u64>().is_err()).cloned();
    match mode.as_deref() {
        Some("launch") => launch(&args),
        Some("place") => place(&args),
        Some("state") => state(&args),
        _ => {
            println!("scale: smoke run (give launch, place or state for a measurement)");
            launch(&[
                "--agents".into(),
                "200".into(),
                "--frameworks".into(),
                "10".into(),
                "--seconds".into(),
                "30".into(),
            ]);
        }
    }
}

/// Steady churn: ACCEPT → RUN_TASK latency and master CPU per step.
fn launch(args: &[String]) {
    let agents = arg(args, "--agents", 50_000) as usize;
    let frameworks = arg(args, "--frameworks", 1_000) as usize;
    let seconds = arg(args, "--seconds", 120);
    let config = ScaleConfig {
        agents,
        frameworks,
        // Two tasks fill an agent exactly: nothing is left over to be offered and declined.
        agent_resources: "cpus:8;mem:16384".into(),
        task_resources: "cpus:4;mem:8192".into(),
        // More work than the cluster holds: every freed slot is taken again at once.
        tasks_per_framework: usize::MAX,
        launches_per_framework: usize::MAX,
        workload: Workload::Churn,
        finishing_tasks: u64::MAX,
        seed: 1,
    };
    let wall = Instant::now();
    let mut cluster = ScaleCluster::new(config, 1_000);
    cluster.bring_up();
    println!(
        "launch: {agents} agents ({} registered, two task slots each), {frameworks} frameworks with endless work, brought up in {:.1} s",
        cluster.registered_agents(),
        wall.elapsed().as_secs_f64()
    );
    // Warm up past the first generations: every slot is launched at once at first, so task
    // ends come in waves (the first generation's last ends meet the second's first ones,
    // a peak of about 1.5 times the steady rate some 60 s in) that fade over a few task lives.
    cluster.run_for(Duration::from_secs(arg(args, "--warm-up-seconds", 180)));
    cluster.reset_measurements();
    let measuring = Instant::now();
    cluster.run_for(Duration::from_secs(seconds));
    let wall_measuring = measuring.elapsed();
    let m = &mut cluster.measured;
    println!(
        "  {seconds} s of virtual time: {} tasks launched, {} ended, {} master steps, {:.1} s wall",
        m.tasks_launched,
        m.tasks_ended,
        m.steps,
        wall_measuring.as_secs_f64()
    );
    println!(
        "  ACCEPT → RUN_TASK (queueing included): p50 {}  p99 {}  max {}  ({} accepts)",
        ms(m.accept_to_run_task.quantile(0.5)),
        ms(m.accept_to_run_task.quantile(0.99)),
        ms(m.accept_to_run_task.quantile(1.0)),
        m.accept_to_run_task.len()
    );
    println!(
        "  master CPU per step: p50 {}  p99 {}  max {}; busy {:.1} % of virtual time",
        ms(m.step_cpu.quantile(0.5)),
        ms(m.step_cpu.quantile(0.99)),
        ms(m.step_cpu.quantile(1.0)),
        100.0 * m.step_cpu.total().as_secs_f64() / seconds as f64
    );
    println!(
        "  timer steps (allocation cycles among them): p50 {}  p99 {}  max {}  ({} steps)",
        ms(m.allocation_cpu.quantile(0.5)),
        ms(m.allocation_cpu.quantile(0.99)),
        ms(m.allocation_cpu.quantile(1.0)),
        m.allocation_cpu.len()
    );
    for (cpu, what) in &m.slowest {
        println!("    slow step {}: {what}", ms(*cpu));
    }
    audit(&cluster);
}

/// Placement rate: tasks placed per second of master + allocator CPU.
fn place(args: &[String]) {
    let agents = arg(args, "--agents", 50_000) as usize;
    let tasks = arg(args, "--tasks", 1_000_000);
    let frameworks = arg(args, "--frameworks", 100) as usize;
    let per_agent = tasks.div_ceil(agents as u64);
    let config = ScaleConfig {
        agents,
        frameworks,
        agent_resources: format!("cpus:{per_agent};mem:{}", per_agent * 256),
        task_resources: "cpus:1;mem:256".into(),
        tasks_per_framework: (tasks as usize).div_ceil(frameworks),
        launches_per_framework: usize::MAX,
        workload: Workload::PlaceOnly,
        finishing_tasks: 0,
        seed: 2,
    };
    let mut cluster = ScaleCluster::new(config, 1_000);
    cluster.bring_up();
    cluster.reset_measurements();
    let wall = Instant::now();
    let started = cluster.now();
    cluster.run_until_launched(tasks, Duration::from_secs(3_600));
    let wall = wall.elapsed();
    println!("  (in {} of virtual time)", ms(cluster.now().saturating_since(started)));
    let cpu = cluster.measured.step_cpu.total();
    println!(
        "place: {} tasks on {agents} agents ({per_agent} slots each) by {frameworks} frameworks",
        cluster.measured.tasks_launched,
    );
    let m = &mut cluster.measured;
    println!(
        "  master + allocator CPU {:.2} s ({} steps, {:.1} s wall): {:.0} placements per CPU second",
        cpu.as_secs_f64(),
        m.steps,
        wall.as_secs_f64(),
        m.tasks_launched as f64 / cpu.as_secs_f64()
    );
    println!(
        "  allocation-timer steps: {} taking {:.2} s, p99 {}",
        m.allocation_cpu.len(),
        m.allocation_cpu.total().as_secs_f64(),
        ms(m.allocation_cpu.quantile(0.99))
    );
    audit(&cluster);
}

/// `/master/state` at size, and the master's memory per agent and per task.
fn state(args: &[String]) {
    let agents = arg(args, "--agents", 20_000) as usize;
    let running = arg(args, "--tasks", 200_000);
    let frameworks = arg(args, "--frameworks", 200) as usize;
    let per_framework = (running as usize).div_ceil(frameworks);
    let base = resident_bytes();
    let config = ScaleConfig {
        agents,
        frameworks,
        agent_resources: "cpus:64;mem:262144".into(),
        task_resources: "cpus:0.1;mem:64".into(),
        // Room for both generations, so no framework waits for offers to be revived.
        tasks_per_framework: 2 * per_framework,
        launches_per_framework: 2 * per_framework,
        workload: Workload::Churn,
        // The first generation finishes (and is kept as completed tasks); the second runs.
        finishing_tasks: running,
        seed: 3,
    };
    // Keep every completed task (a framework has `per_framework` of them at the end).
    let mut cluster = ScaleCluster::new(config, 2 * per_framework);
    cluster.bring_up();
    let with_agents = resident_bytes();
    cluster.run_until_launched(2 * running, Duration::from_secs(600));
    // The first generation (20..60 s long) ends and is acknowledged; the second runs on.
    cluster.run_for(Duration::from_secs(70));
    let with_tasks = resident_bytes();
    let live: usize = cluster.master.frameworks().map(|f| f.tasks.len()).sum();
    let completed: usize = cluster.master.frameworks().map(|f| f.completed_tasks.len()).sum();
    println!("state: {agents} agents, {live} live tasks, {completed} completed tasks in the master");
    println!(
        "  memory: {:.1} KiB per agent (with its offers), {:.2} KiB per task (live or completed)",
        (with_agents.saturating_sub(base)) as f64 / 1024.0 / agents as f64,
        (with_tasks.saturating_sub(with_agents)) as f64 / 1024.0 / (live + completed).max(1) as f64
    );
    let info = mesos_master::endpoints::StaticInfo {
        hostname: "localhost".into(),
        port: 5050,
        cluster: None,
        flags: Vec::new(),
        log_dir: None,
        webui_dir: None,
    };
    println!("  {} outstanding offers", cluster.master.offers().count());
    // The first rendering writes every task; later ones reuse the text of tasks that did not
    // change since, which is how a web UI polling every few seconds sees it.
    let started = Instant::now();
    let text = mesos_master::endpoints::state(&cluster.master, cluster.now(), &info);
    let first = started.elapsed();
    let size = text.len();
    drop(text);
    let mut times = Vec::new();
    let repeat = arg(args, "--repeat", 5).max(1) as usize;
    let updates_before = cluster.master.counters().valid_status_updates;
    let churn = Duration::from_secs(arg(args, "--between-seconds", 5));
    for _ in 0..repeat {
        cluster.run_for(churn);
        let started = Instant::now();
        let text = mesos_master::endpoints::state(&cluster.master, cluster.now(), &info);
        times.push(started.elapsed());
        drop(text);
    }
    times.sort();
    let updates = cluster.master.counters().valid_status_updates - updates_before;
    println!(
        "  {:.0} status updates in each {} s between renderings",
        updates as f64 / repeat as f64,
        churn.as_secs()
    );
    println!(
        "  /master/state: {} the first time; then, {} s of simulated time before each: median {} (min {}, max {}); {:.1} MB",
        ms(first),
        churn.as_secs(),
        ms(times[repeat / 2]),
        ms(times[0]),
        ms(times[repeat - 1]),
        size as f64 / 1e6
    );
    audit(&cluster);
}

fn audit(cluster: &ScaleCluster) {
    match cluster.master.audit() {
        Ok(()) => println!("  the master's books check out (Master::audit)"),
        Err(problem) => {
            println!("  AUDIT FAILED: {problem}");
            std::process::exit(1);
        }
    }
}

/// The resident set size of this process, in bytes (Linux; zero elsewhere).
pub fn resident_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else { return 0 };
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
    pages * 4096
}
