//! `/files` end to end against the real `mesos-agent` binary, with command tasks doing what a
//! hostile task would: swapping a directory for a link to `/etc` while it is read, leaving a
//! FIFO with no writer, making a 2 GiB sparse file to download.

#[path = "../../mesos-master/tests/common/mod.rs"]
mod common;
mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{body_text, get};
use http_body_util::BodyExt;
use serde_json::json;
use support::process::{AgentProcess, agent_args, free_port, registered, sandbox};
use support::{Scheduler, encode, task};

/// Bounds every wait, so a hang fails the test instead of stalling it.
const WAIT: Duration = Duration::from_secs(20);

struct Cluster {
    _master: mesos_master::MasterHandle,
    agent: AgentProcess,
    addr: SocketAddr,
    agent_id: String,
    scheduler: Scheduler,
    _work: tempfile::TempDir,
}

impl Cluster {
    /// A master, the agent binary and a subscribed framework.
    async fn start() -> Cluster {
        let master = common::master(&[]).await;
        let work = tempfile::tempdir().expect("dir");
        let port = free_port();
        let agent =
            AgentProcess::start(agent_args(master.addr, port, work.path()), work.path().join("agent.log"));
        let agent_id = registered(port, &agent).await;
        let scheduler = Scheduler::subscribe(master.addr, json!({"name": "files"}), None).await;
        let addr = ([127, 0, 0, 1], port).into();
        Cluster { _master: master, agent, addr, agent_id, scheduler, _work: work }
    }

    /// Launches a command task running `script`, which touches `ready` in its sandbox when
    /// set up; returns the sandbox once it has.
    async fn run(&mut self, id: &str, script: &str) -> PathBuf {
        self.scheduler.launch(vec![task(id, &self.agent_id, json!({"value": script}))]).await;
        self.scheduler.until(id, "TASK_RUNNING").await;
        let sandbox = sandbox(self.addr.port(), id).await;
        let start = Instant::now();
        while !sandbox.join("ready").exists() {
            assert!(start.elapsed() < WAIT, "{id} never got ready; agent log:\n{}", self.agent.log());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        sandbox
    }

    /// Kills `id` (the executors outlive the agent process, so each test ends its tasks).
    async fn kill(&mut self, id: &str) {
        let kill = json!({"kill": {"task_id": {"value": id}, "agent_id": {"value": self.agent_id}}});
        self.scheduler.call("KILL", kill).await;
        self.scheduler.until(id, "TASK_KILLED").await;
    }
}

/// GET `/files/<endpoint>?path=<path>`: status and body, within [`WAIT`].
async fn files(addr: SocketAddr, endpoint: &str, path: &Path, extra: &str) -> (u16, String) {
    let uri = format!("/files/{endpoint}?path={}{extra}", encode(&path.display().to_string()));
    let response = tokio::time::timeout(WAIT, get(addr, &uri)).await.expect("the agent answers /files");
    let status = response.status().as_u16();
    (status, tokio::time::timeout(WAIT, body_text(response)).await.expect("the body arrives"))
}

/// Swaps `dir` (a directory holding a harmless `passwd`) with `link` (a link to /etc) by
/// renameat2(RENAME_EXCHANGE) as fast as it can, for at most a minute.
const SWAPPER: &str = r#"python3 -c '
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
os.mkdir("dir")
with open("dir/passwd", "w") as f:
    f.write("sandbox copy\n")
os.symlink("/etc", "link")
open("ready", "w").close()
end = time.time() + 60
while time.time() < end:
    for _ in range(1000):
        if libc.renameat2(-100, b"dir", -100, b"link", 2) != 0:
            raise SystemExit("renameat2: errno %d" % ctypes.get_errno())
'"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_swapped_for_a_link_never_serves_what_the_link_points_at() {
    let etc_passwd = std::fs::read_to_string("/etc/passwd").expect("/etc/passwd");
    let first_line = etc_passwd.lines().next().expect("a line").to_string();
    let mut cluster = Cluster::start().await;
    let sandbox = cluster.run("swapper", SWAPPER).await;
    let target = sandbox.join("dir/passwd");
    let (mut served, mut refused) = (0, 0);
    for round in 0..400 {
        let (status, body) = if round % 2 == 0 {
            files(cluster.addr, "read", &target, "&offset=0&length=100000").await
        } else {
            files(cluster.addr, "download", &target, "").await
        };
        assert!(
            !body.contains(&first_line) && !body.contains("root:"),
            "round {round}: /etc/passwd was served ({status}): {body}"
        );
        match status {
            200 => {
                assert!(body.contains("sandbox copy"), "round {round}: {body}");
                served += 1;
            }
            400 | 404 => refused += 1,
            other => panic!("round {round}: {other} {body}"),
        }
    }
    // Both sides of the swap were seen, so the race was really run.
    assert!(served > 0 && refused > 0, "served {served}, refused {refused}");
    cluster.kill("swapper").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_is_refused_at_once_and_the_agent_keeps_answering() {
    let mut cluster = Cluster::start().await;
    let sandbox = cluster.run("fifo", "mkfifo fifo && touch ready && sleep 60").await;
    let fifo = sandbox.join("fifo");
    let addr = cluster.addr;
    // More requests for the FIFO at once than the agent has worker threads, with /health
    // and /state asked alongside: if any of them blocked a worker, the others would stall.
    let mut requests = Vec::new();
    for i in 0..8 {
        let fifo = fifo.clone();
        requests.push(tokio::spawn(async move {
            let endpoint = if i % 2 == 0 { "read" } else { "download" };
            let (status, body) = files(addr, endpoint, &fifo, "").await;
            assert_eq!(status, 400, "{endpoint}: {body}");
            assert!(body.contains("named pipe"), "{endpoint}: {body}");
        }));
        requests.push(tokio::spawn(async move {
            let path = if i % 2 == 0 { "/health" } else { "/state" };
            let response = tokio::time::timeout(WAIT, get(addr, path)).await.expect("the agent answers");
            assert_eq!(response.status(), 200, "{path}");
        }));
    }
    for request in requests {
        request.await.expect("request");
    }
    let listing = files(addr, "browse", &sandbox, "").await;
    assert_eq!(listing.0, 200, "{}", listing.1);
    assert!(listing.1.contains("\"mode\":\"prw"), "the FIFO is listed as one: {}", listing.1);
    let response = tokio::time::timeout(WAIT, get(addr, "/health")).await.expect("the agent still answers");
    assert_eq!(response.status(), 200);
    cluster.kill("fifo").await;
}

/// The agent's `VmHWM` (peak resident set) in KiB, from /proc.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("agent status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_gib_download_streams_in_bounded_memory() {
    const SIZE: u64 = 2 << 30;
    let mut cluster = Cluster::start().await;
    let sandbox = cluster.run("big", "truncate -s 2G big && touch ready && sleep 60").await;
    let pid = cluster.agent.pid();
    let before = peak_rss_kib(pid);
    let uri = format!("/files/download?path={}", encode(&sandbox.join("big").display().to_string()));
    let response = tokio::time::timeout(WAIT, get(cluster.addr, &uri)).await.expect("the download starts");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-length"], SIZE.to_string().as_str());
    let mut body = response.into_body();
    let mut received: u64 = 0;
    let deadline = Instant::now() + Duration::from_secs(120);
    while let Some(frame) = tokio::time::timeout(WAIT, body.frame()).await.expect("the body keeps coming") {
        let frame = frame.expect("a frame");
        if let Ok(data) = frame.into_data() {
            assert!(received > 0 || data.iter().all(|b| *b == 0), "a sparse file reads as zeros");
            received += data.len() as u64;
        }
        assert!(Instant::now() < deadline, "the download stalled at {received} bytes");
    }
    assert_eq!(received, SIZE, "the whole file arrived");
    let peak = peak_rss_kib(pid);
    assert!(peak < 256 * 1024, "the agent's peak RSS reached {peak} KiB (it was {before} KiB before)");
    cluster.kill("big").await;
}
