//! The `mesos-execute` binary against a mesos-local cluster.

#[path = "../../mesos-local/tests/support/bins.rs"]
mod bins;

use std::process::Output;
use std::time::{Duration, Instant};

async fn cluster(work: &std::path::Path) -> mesos_local::LocalCluster {
    cluster_with(work, &[]).await
}

/// A mesos-local cluster with `extra` flags, its agents registered.
async fn cluster_with(work: &std::path::Path, extra: &[&str]) -> mesos_local::LocalCluster {
    let mut args = vec![
        "--port=0".to_string(),
        format!("--work_dir={}", work.display()),
        format!("--launcher_dir={}", bins::launcher_dir()),
        "--registration_backoff_factor=10ms".to_string(),
        "--allocation_interval=50ms".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let flags = mesos_flags::Flags::load(&mesos_local::specs(), args, std::iter::empty()).expect("flags");
    let mut cluster = mesos_local::start(&flags).await.expect("cluster");
    for agent in &mut cluster.agents {
        agent.registered(Duration::from_secs(20)).await.expect("agent registers");
    }
    cluster
}

async fn execute(args: &[String]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mesos-execute"));
    command.args(args).env_remove("MESOS_MASTER").kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("finishes in time")
        .expect("runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_runs_to_success_and_a_failure_exits_nonzero_with_its_message() {
    let work = tempfile::tempdir().expect("dir");
    let cluster = cluster(work.path()).await;
    let master = format!("--master={}", cluster.master_addr());
    let ok = execute(&[
        master.clone(),
        "--name=hi".into(),
        "--command=echo hi".into(),
        "--resources=cpus:0.1;mem:32".into(),
    ])
    .await;
    let out = text(&ok);
    assert!(ok.status.success(), "{out}");
    assert!(out.contains("Received status update TASK_RUNNING for task 'hi'"), "{out}");
    assert!(out.contains("Received status update TASK_FINISHED for task 'hi'"), "{out}");

    let bad = execute(&[
        master.clone(),
        "--name=bad".into(),
        "--command=exit 3".into(),
        "--resources=cpus:0.1;mem:32".into(),
    ])
    .await;
    let out = text(&bad);
    assert!(!bad.status.success(), "{out}");
    assert!(out.contains("TASK_FAILED") && out.contains("exited with status 3"), "{out}");

    let argv = execute(&[
        master.clone(),
        "--name=argv".into(),
        "--shell=false".into(),
        "--command=/bin/sh -c true".into(),
        "--resources=cpus:0.1;mem:32".into(),
    ])
    .await;
    assert!(argv.status.success(), "without a shell the first word is the program: {}", text(&argv));

    let with_env = execute(&[
        master.clone(),
        "--name=env".into(),
        "--command=test \"$GREETING\" = hello".into(),
        r#"--env={"GREETING": "hello"}"#.into(),
        "--resources=cpus:0.1;mem:32".into(),
    ])
    .await;
    assert!(with_env.status.success(), "{}", text(&with_env));

    // A task group from a JSON file.
    let group = serde_json::json!({"tasks": [
        {"name": "a", "task_id": {"value": "a"}, "agent_id": {"value": ""},
         "command": {"value": "test \"$GREETING\" = hi", "environment": {"variables": [{"name": "GREETING", "value": "hi"}]}}},
        {"name": "b", "task_id": {"value": "b"}, "agent_id": {"value": ""}, "command": {"value": "true"}}
    ]});
    let group_file = work.path().join("group.json");
    std::fs::write(&group_file, group.to_string()).expect("file");
    let grouped = execute(&[
        master.clone(),
        "--name=g".into(),
        format!("--task_group=file://{}", group_file.display()),
        "--resources=cpus:0.1;mem:32".into(),
    ])
    .await;
    let out = text(&grouped);
    assert!(grouped.status.success(), "{out}");
    assert!(
        out.contains("TASK_FINISHED for task 'a'") && out.contains("TASK_FINISHED for task 'b'"),
        "{out}"
    );

    let killed = execute(&[
        master.clone(),
        "--name=sleepy".into(),
        "--command=sleep 100".into(),
        "--kill_after=500ms".into(),
        "--resources=cpus:0.1;mem:32".into(),
    ])
    .await;
    let out = text(&killed);
    assert!(!killed.status.success() && out.contains("TASK_KILLED"), "{out}");
    cluster.stop().await;
}

#[tokio::test]
async fn a_missing_master_is_reported_within_a_bounded_time() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let started = Instant::now();
    let output = execute(&[
        format!("--master=127.0.0.1:{port}"),
        "--name=x".into(),
        "--command=true".into(),
        "--connect_timeout=1secs".into(),
    ])
    .await;
    let out = text(&output);
    assert!(!output.status.success(), "{out}");
    assert!(out.contains("no master answered"), "{out}");
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    let usage = execute(&["--name=x".into()]).await;
    assert!(!usage.status.success() && text(&usage).contains("master"), "{}", text(&usage));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zk_master_url_finds_the_leader_of_several() {
    let work = tempfile::tempdir().expect("dir");
    let cluster = cluster_with(work.path(), &["--num_masters=2"]).await;
    let ok = execute(&[
        format!("--master={}", cluster.master_url()),
        "--name=hi".into(),
        "--command=echo hi".into(),
        "--resources=cpus:0.1;mem:32".into(),
    ])
    .await;
    let out = text(&ok);
    assert!(ok.status.success(), "{out}");
    assert!(out.contains("Received status update TASK_FINISHED for task 'hi'"), "{out}");
    cluster.stop().await;
}
