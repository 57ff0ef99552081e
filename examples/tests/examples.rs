//! The example frameworks, run against a mesos-local cluster, asserting what they achieved.

#[path = "../../crates/mesos-local/tests/support/bins.rs"]
mod bins;

use std::process::Output;
use std::time::Duration;

async fn cluster(work: &std::path::Path, agents: usize) -> mesos_local::LocalCluster {
    let args = vec![
        "--port=0".to_string(),
        format!("--num_agents={agents}"),
        format!("--work_dir={}", work.display()),
        format!("--launcher_dir={}", bins::launcher_dir()),
        "--registration_backoff_factor=10ms".to_string(),
        "--allocation_interval=50ms".to_string(),
        "--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31100]".to_string(),
    ];
    let flags = mesos_flags::Flags::load(&mesos_local::specs(), args, std::iter::empty()).expect("flags");
    let mut cluster = mesos_local::start(&flags).await.expect("cluster");
    for agent in &mut cluster.agents {
        agent.registered(Duration::from_secs(20)).await.expect("agent registers");
    }
    cluster
}

async fn run(binary: &str, args: &[String]) -> (Output, String) {
    let mut command = tokio::process::Command::new(binary);
    command.args(args).kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(90), command.output())
        .await
        .unwrap_or_else(|_| panic!("{binary} did not finish"))
        .expect("runs");
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_framework_runs_a_batch_under_its_rust_executor() {
    let work = tempfile::tempdir().expect("dir");
    let cluster = cluster(work.path(), 2).await;
    let (output, text) = run(
        env!("CARGO_BIN_EXE_test-framework"),
        &[
            format!("--master={}", cluster.master_addr()),
            "--num_tasks=8".into(),
            format!("--executor={}", env!("CARGO_BIN_EXE_test-executor")),
        ],
    )
    .await;
    assert!(output.status.success(), "{text}");
    assert!(text.contains("All 8 tasks finished"), "{text}");
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_long_lived_framework_replaces_failed_instances() {
    let work = tempfile::tempdir().expect("dir");
    let cluster = cluster(work.path(), 1).await;
    let (output, text) = run(
        env!("CARGO_BIN_EXE_long-lived-framework"),
        &[
            format!("--master={}", cluster.master_addr()),
            "--instances=3".into(),
            "--fail_first".into(),
            "--exit_when_steady".into(),
        ],
    )
    .await;
    assert!(output.status.success(), "{text}");
    assert!(text.contains("Steady: 3 instances running after 3 replacement(s)"), "{text}");
    cluster.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_persistent_volume_framework_creates_and_reuses_a_volume() {
    let work = tempfile::tempdir().expect("dir");
    let cluster = cluster(work.path(), 1).await;
    let (output, text) = run(
        env!("CARGO_BIN_EXE_persistent-volume-framework"),
        &[format!("--master={}", cluster.master_addr())],
    )
    .await;
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("Task writer is TaskFinished") && text.contains("Task reader is TaskFinished"),
        "{text}"
    );
    assert!(text.contains("Volume created, reused by a second task, and released"), "{text}");
    let volume = work.path().join("agents/1/volumes/roles/storage/example-volume/file");
    assert_eq!(
        std::fs::read_to_string(&volume).expect("the volume holds the file"),
        "written-by-the-first-task\n"
    );
    cluster.stop().await;
}
