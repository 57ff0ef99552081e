//! pymesos 0.3.15 from PyPI against the real `mesos-master` and `mesos-agent` binaries: a
//! scheduler launching command tasks and reconciling, a scheduler whose tasks run under a
//! pymesos executor with framework messages both ways, and a scheduler failover.

#[path = "../../mesos-local/tests/support/bins.rs"]
mod bins;
mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{Process, free_port, http_get, python, script};

/// A master and an agent, as separate processes; returns the master's address.
fn cluster(work: &Path) -> (String, Vec<Process>) {
    let master_port = free_port();
    let agent_port = free_port();
    let log = |name: &str| std::fs::File::create(work.join(name)).expect("log");
    let master = Command::new(bins::binary("mesos-master"))
        .args([
            "--ip=127.0.0.1",
            &format!("--port={master_port}"),
            &format!("--work_dir={}", work.join("master").display()),
        ])
        .args(["--allocation_interval=100ms"])
        .stdout(log("master.log"))
        .stderr(log("master.err"))
        .spawn()
        .expect("master starts");
    let agent = Command::new(bins::binary("mesos-agent"))
        .args([
            &format!("--master=127.0.0.1:{master_port}"),
            "--ip=127.0.0.1",
            &format!("--port={agent_port}"),
            &format!("--work_dir={}", work.join("agent").display()),
            &format!("--runtime_dir={}", work.join("agent").join("run").display()),
            &format!("--launcher_dir={}", bins::launcher_dir()),
            "--registration_backoff_factor=10ms",
            "--resources=cpus:4;mem:4096;disk:4096;ports:[31000-31100]",
        ])
        .stdout(log("agent.log"))
        .stderr(log("agent.err"))
        .spawn()
        .expect("agent starts");
    let processes = vec![Process(master), Process(agent)];
    // Ready when the master lists the agent.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let listed = http_get(master_port, "/master/slaves").contains("\"active\":true");
        if listed {
            break;
        }
        assert!(Instant::now() < deadline, "the cluster did not come up; see {}", work.display());
        std::thread::sleep(Duration::from_millis(100));
    }
    (format!("127.0.0.1:{master_port}"), processes)
}

fn run(python: &Path, args: &[&str]) -> Output {
    let output = Command::new(python)
        .arg("-u")
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("pymesos"))
        .output()
        .expect("python runs");
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{} {args:?} failed:\n{text}", python.display());
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn pymesos_frameworks_run_unchanged() {
    let python = python();
    let work = tempfile::tempdir().expect("dir");
    let (master, _processes) = cluster(work.path());

    // Command tasks, then explicit and implicit reconciliation, then a kill.
    let command = run(&python, &[script("sched_command.py").to_str().expect("path"), &master]);
    let out = stdout(&command);
    assert!(out.contains("FINISHED 2") && out.contains("RECONCILED") && out.contains("KILLED"), "{out}");

    // A pymesos executor run through CommandInfo, with messages both ways.
    let executor = run(
        &python,
        &[script("sched_executor.py").to_str().expect("path"), &master, python.to_str().expect("path")],
    );
    assert!(stdout(&executor).contains("FINISHED 2 GREETED 2"), "{}", stdout(&executor));

    // Scheduler failover: kill the first scheduler process, re-subscribe with its id.
    let id_file = work.path().join("framework-id");
    let mut first = Command::new(&python)
        .args(["-u", script("sched_failover.py").to_str().expect("path"), "start", &master])
        .arg(&id_file)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("pymesos"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("first scheduler starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !id_file.exists() {
        assert!(Instant::now() < deadline, "the first scheduler never ran its task");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = first.kill();
    let _ = first.wait();
    let resumed = run(
        &python,
        &[
            script("sched_failover.py").to_str().expect("path"),
            "resume",
            &master,
            id_file.to_str().expect("path"),
        ],
    );
    let out = stdout(&resumed);
    assert!(out.contains("RECONCILED RUNNING") && out.contains("KILLED"), "{out}");
}
