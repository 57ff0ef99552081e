//! The real `mesos-master` binary under misbehaving HTTP clients, with short limits set by
//! the `--http_*` flags: slow headers, idle connections, too many connections, descriptors
//! running out, and bodies declared too large.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::raw_exchange;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The master binary, killed by pid on drop; its stderr goes to a file.
struct MasterProcess {
    child: Child,
    addr: SocketAddr,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl MasterProcess {
    /// Starts `mesos-master` with `flags`, prefixed by `wrapper` (e.g. `prlimit ...`) if any.
    fn start(wrapper: &[&str], flags: &[&str]) -> MasterProcess {
        let dir = tempfile::tempdir().expect("temp dir");
        let stderr = dir.path().join("stderr");
        let master = env!("CARGO_BIN_EXE_mesos-master");
        let mut command = match wrapper.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(master);
                command
            }
            None => Command::new(master),
        };
        let mut child = command
            .args(["--ip=127.0.0.1", "--port=0", "--registry=in_memory"])
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("spawn mesos-master");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("startup line");
        let addr = line
            .split_whitespace()
            .find_map(|word| word.parse::<SocketAddr>().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        MasterProcess { child, addr, stderr, _dir: dir }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// utime + stime of the master, in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("stat");
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let after = &stat[stat.rfind(')').expect("comm") + 2..];
        let fields: Vec<&str> = after.split_whitespace().collect();
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
    }
}

impl Drop for MasterProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nHost: master\r\n\r\n";

/// A `GET /health` on a fresh connection answers 200.
async fn healthy(addr: SocketAddr) -> bool {
    let Ok(Ok(mut stream)) = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr)).await
    else {
        return false;
    };
    raw_exchange(&mut stream, HEALTH).await.starts_with("HTTP/1.1 200")
}

/// Whether the server closed `stream` (EOF or reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut chunk = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_are_cut_off_while_health_is_answered() {
    let master = MasterProcess::start(&[], &["--quiet", "--http_header_read_timeout=1secs"]);
    let addr = master.addr;
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..200 {
        handles.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            // A request line and headers one byte every 100ms: never complete in time.
            let request = b"GET /health HTTP/1.1\r\nHost: master\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
            for byte in request {
                if stream.write_all(&[*byte]).await.is_err() {
                    break;
                }
                let mut probe = [0u8; 64];
                match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut probe)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
                    Ok(Ok(_)) => panic!("a response to an incomplete request"),
                    Err(_) => {}
                }
            }
            assert!(closed_within(&mut stream, Duration::from_secs(10)).await, "slow connection kept open");
            started.elapsed()
        }));
    }
    // Meanwhile the master answers promptly-sent requests.
    for _ in 0..5 {
        assert!(healthy(addr).await, "/health not answered while slow clients are connected");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for handle in handles {
        let closed_after = handle.await.expect("slow client");
        assert!(closed_after >= Duration::from_secs(1), "closed before the header timeout: {closed_after:?}");
    }
    assert!(healthy(addr).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_close_but_event_streams_stay_open() {
    let master =
        MasterProcess::start(&[], &["--quiet", "--http_idle_timeout=1secs", "--allocation_interval=100ms"]);
    let addr = master.addr;
    let mut kept = TcpStream::connect(addr).await.expect("connect");
    assert!(raw_exchange(&mut kept, HEALTH).await.starts_with("HTTP/1.1 200"));
    let idle_since = Instant::now();

    let subscribe = serde_json::json!({
        "type": "SUBSCRIBE",
        "subscribe": {"framework_info": {"user": "test", "name": "idle-test"}}
    })
    .to_string()
    .into_bytes();
    let response = common::post(
        addr,
        "/api/v1/scheduler",
        Some("application/json"),
        &[("Accept", "application/json")],
        subscribe,
    )
    .await;
    assert_eq!(response.status(), 200);
    let mut events = common::Records::new(response);
    events.expect_json("SUBSCRIBED").await;

    assert!(closed_within(&mut kept, Duration::from_secs(10)).await, "idle connection kept open");
    assert!(idle_since.elapsed() >= Duration::from_secs(1), "closed before the idle timeout");

    // The event stream has carried nothing since SUBSCRIBED (and the first HEARTBEAT) for more
    // than twice the idle timeout; an agent's resources must still reach it as an offer.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let (_agent_id, _stream_id, _agent_events) =
        common::register_agent(addr, "idle-agent", "cpus:1;mem:128").await;
    events.expect_json("OFFERS").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_are_closed_and_logged() {
    let master = MasterProcess::start(&[], &["--max_http_connections=3"]);
    let addr = master.addr;
    let mut open = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        assert!(raw_exchange(&mut stream, HEALTH).await.starts_with("HTTP/1.1 200"));
        open.push(stream);
    }
    let mut fourth = TcpStream::connect(addr).await.expect("the kernel accepts the handshake");
    let _ = fourth.write_all(HEALTH).await;
    assert!(closed_within(&mut fourth, Duration::from_secs(5)).await, "connection over the cap kept open");
    for stream in &mut open {
        assert!(
            raw_exchange(stream, HEALTH).await.starts_with("HTTP/1.1 200"),
            "a connection under the cap failed"
        );
    }
    let log = master.stderr();
    assert!(log.contains("--max_http_connections") && log.contains("3 HTTP connections are open"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_descriptors_do_not_spin_the_accept_loop() {
    let master = MasterProcess::start(&["prlimit", "--nofile=64:64"], &[]);
    let addr = master.addr;
    // More connections than descriptors: the kernel completes them all, the master can accept
    // only some.
    let mut held = Vec::new();
    for _ in 0..100 {
        held.push(TcpStream::connect(addr).await.expect("connect"));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !master.stderr().contains("cannot accept HTTP connections") {
        assert!(Instant::now() < deadline, "accept never failed: {}", master.stderr());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ticks_before = master.cpu_ticks();
    let wall = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ticks = master.cpu_ticks() - ticks_before;
    let elapsed = wall.elapsed();
    // Clock ticks are 1/100 s on Linux; a spinning loop burns about one second per second.
    let cpu = Duration::from_millis(ticks * 10);
    assert!(cpu < elapsed / 4, "the master used {cpu:?} of CPU in {elapsed:?} while out of descriptors");
    let log = master.stderr();
    assert_eq!(log.matches("cannot accept HTTP connections").count(), 1, "logged once per burst: {log}");
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !healthy(addr).await {
        assert!(Instant::now() < deadline, "the master does not answer after descriptors came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_oversized_bodies_get_413_without_sending_them() {
    let master = MasterProcess::start(&[], &["--quiet", "--max_http_body_size=1KB"]);
    let mut stream = TcpStream::connect(master.addr).await.expect("connect");
    let head = b"POST /api/v1/scheduler HTTP/1.1\r\nHost: master\r\nContent-Type: application/json\r\n\
                 Content-Length: 1025\r\n\r\n";
    let response = raw_exchange(&mut stream, head).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("limit of 1024 bytes"), "{response}");
    // A chunked body declares no length and is cut off at the limit once read.
    let mut stream = TcpStream::connect(master.addr).await.expect("connect");
    let chunk = "a".repeat(2048);
    let chunked = format!(
        "POST /api/v1/scheduler HTTP/1.1\r\nHost: master\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let response = raw_exchange(&mut stream, chunked.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(healthy(master.addr).await);
}
