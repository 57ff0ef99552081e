//! The real master binary with a registry it cannot write: agent ids are consumed only when
//! their admission is committed, `/master/health` says the master is unhealthy, and the master
//! exits with a clear message once writes have failed for `--registry_store_timeout`.
//!
//! The registry is made unwritable by putting a directory where the write's temporary file
//! goes, which stops root as well as anyone else.

mod common;
#[path = "common/process.rs"]
mod process;

use std::io::Read;
use std::time::{Duration, Instant};

use common::*;
use process::*;

fn unwritable_work_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("registry.tmp")).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_admissions_burn_no_agent_ids_and_the_master_reports_unhealthy_until_writes_work() {
    let dir = unwritable_work_dir();
    let (mut child, addr) = spawn_master(dir.path(), &["--quiet", "--registry_store_timeout=10mins"]);
    assert_eq!(get(addr, "/master/health").await.status(), 200, "healthy before any write");
    for n in 0..4 {
        assert_eq!(register_once(addr, n).await, None, "attempt {n} cannot be admitted");
    }
    let health = get(addr, "/master/health").await;
    assert_eq!(health.status(), 503);
    let reason = body_text(health).await;
    assert!(reason.contains("registry"), "{reason}");

    std::fs::remove_dir(dir.path().join("registry.tmp")).unwrap();
    let id = register_once(addr, 9).await.expect("admitted once the registry can be written");
    assert!(id.ends_with("-S0"), "the failed attempts consumed no ids: got {id}");
    assert_eq!(get(addr, "/master/health").await.status(), 200);
    let registry = get_json(addr, "/registrar(1)/registry").await;
    let admitted = registry["slaves"]["slaves"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(admitted, 1, "only the committed admission is in the registry: {registry}");
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits (up to a minute) for the master to exit; checks its status and its last words.
fn expect_exit_naming_the_store_timeout(child: &mut std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the master is still running long after its store timeout");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(1));
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).unwrap();
    assert!(stderr.contains("--registry_store_timeout"), "{stderr}");
    assert!(stderr.contains("--work_dir"), "the message says where to look: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_whose_registry_write_hangs_exits_after_the_store_timeout() {
    // Opening a FIFO for writing blocks until someone reads it: the write hangs.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("registry.tmp");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let (mut child, addr) = spawn_master(dir.path(), &["--quiet", "--registry_store_timeout=2secs"]);
    let register = tokio::spawn(register_once(addr, 0));
    expect_exit_naming_the_store_timeout(&mut child);
    register.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_whose_registry_stays_unwritable_exits_after_the_store_timeout() {
    let dir = unwritable_work_dir();
    let (mut child, addr) = spawn_master(dir.path(), &["--quiet", "--registry_store_timeout=2secs"]);
    assert_eq!(register_once(addr, 0).await, None);
    expect_exit_naming_the_store_timeout(&mut child);
}
