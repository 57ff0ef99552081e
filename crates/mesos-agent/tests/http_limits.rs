//! The real `mesos-agent` binary's HTTP limits: the executor API refuses bodies over
//! `--max_http_body_size` with 413 (declared ones before they are sent, chunked ones at the
//! limit), and the agent's server cuts off slow headers like the master's.

#[path = "../../mesos-master/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The agent binary (pointed at a master that is not there: its HTTP server runs anyway),
/// killed by pid on drop.
struct AgentProcess {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl AgentProcess {
    fn start(flags: &[&str]) -> AgentProcess {
        let dir = tempfile::tempdir().expect("temp dir");
        let nowhere =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a port");
        let launcher_dir =
            std::path::Path::new(env!("CARGO_BIN_EXE_mesos-executor")).parent().expect("bin dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_mesos-agent"))
            .arg(format!("--master={nowhere}"))
            .arg(format!("--work_dir={}", dir.path().display()))
            .arg(format!("--runtime_dir={}", dir.path().join("run").display()))
            .arg(format!("--fetcher_cache_dir={}", dir.path().join("cache").display()))
            .arg(format!("--launcher_dir={}", launcher_dir.display()))
            .args(["--ip=127.0.0.1", "--port=0", "--quiet", "--resources=cpus:1;mem:128;disk:128"])
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn mesos-agent");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let addr = loop {
            line.clear();
            assert!(stdout.read_line(&mut line).expect("stdout") > 0, "the agent exited");
            if line.contains("listening on") {
                break line
                    .split_whitespace()
                    .find_map(|word| word.parse::<SocketAddr>().ok())
                    .unwrap_or_else(|| panic!("no address in {line:?}"));
            }
        };
        AgentProcess { child, addr, _dir: dir }
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` on a fresh connection and returns the response's head and body.
async fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    common::raw_exchange(&mut stream, request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn executor_api_answers_413_over_the_body_limit() {
    let agent = AgentProcess::start(&["--max_http_body_size=1KB"]);
    for path in ["/api/v1/executor", "/slave(1)/api/v1/executor"] {
        // Only the headers are sent: the answer must not wait for the body.
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\nContent-Length: 1025\r\n\r\n"
        );
        let response = exchange(agent.addr, head.as_bytes()).await;
        assert!(response.starts_with("HTTP/1.1 413"), "{path}: {response}");
        assert!(response.contains("limit of 1024 bytes"), "{path}: {response}");
    }
    // A chunked body declares no length: it is cut off at the limit with the same answer.
    let chunk = "a".repeat(2048);
    let chunked = format!(
        "POST /api/v1/executor HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let response = exchange(agent.addr, chunked.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("limit of 1024 bytes"), "{response}");
    // Under the limit, the call gets as far as being decoded.
    let small = "POST /api/v1/executor HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\n\
                 Content-Length: 2\r\n\r\n{}";
    let response = exchange(agent.addr, small.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off_while_health_is_answered() {
    let agent = AgentProcess::start(&["--http_header_read_timeout=1secs"]);
    let mut slow = TcpStream::connect(agent.addr).await.expect("connect");
    let started = Instant::now();
    slow.write_all(b"GET /health HTTP/1.1\r\nHo").await.expect("send");
    let health = exchange(agent.addr, b"GET /health HTTP/1.1\r\nHost: agent\r\n\r\n").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let mut chunk = [0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read(&mut chunk)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "the slow connection was not closed: {read:?}");
    assert!(started.elapsed() >= Duration::from_secs(1), "closed before the header timeout");
}
