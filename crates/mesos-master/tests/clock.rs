//! The real master binary under a stepped wall clock: its timers run on a monotonic clock, so
//! stepping the system clock forward does not fire a framework's failover timeout early, while
//! the times it shows follow the wall clock.
//!
//! The step is made with libfaketime (Debian's `libfaketime`, installed by
//! `scripts/test-deps.sh`), preloaded into the master only: its wall clock (CLOCK_REALTIME)
//! follows an offset read from a file, its monotonic clock is left alone.

mod common;
#[path = "common/process.rs"]
mod process;

use std::time::Duration;

use common::*;
use process::*;
use serde_json::json;

const LIBFAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stepping_the_wall_clock_forward_does_not_fire_a_failover_timeout() {
    assert!(
        std::path::Path::new(LIBFAKETIME).exists(),
        "{LIBFAKETIME} is missing: run scripts/test-deps.sh (apt-get install libfaketime)"
    );
    let dir = tempfile::tempdir().unwrap();
    let offset = dir.path().join("faketime");
    std::fs::write(&offset, "+0\n").unwrap();
    let offset_path = offset.display().to_string();
    let (mut child, addr) = spawn_master_with_env(
        dir.path(),
        &["--quiet"],
        &[
            ("LD_PRELOAD", LIBFAKETIME),
            ("FAKETIME_TIMESTAMP_FILE", &offset_path),
            ("FAKETIME_NO_CACHE", "1"),
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
        ],
    );
    let subscribe = json!({
        "type": "SUBSCRIBE",
        "subscribe": {"framework_info": {"user": "nobody", "name": "patient", "failover_timeout": 600.0}}
    });
    let response = post(
        addr,
        "/api/v1/scheduler",
        Some("application/json"),
        &[("Accept", "application/json")],
        subscribe.to_string().into_bytes(),
    )
    .await;
    let mut records = Records::new(response);
    let subscribed = records.next_json(Duration::from_secs(10)).await.expect("SUBSCRIBED");
    let id = subscribed["subscribed"]["framework_id"]["value"].as_str().unwrap().to_string();
    drop(records); // the scheduler goes away; it has ten minutes to come back
    // The master notices when its next heartbeat cannot be written (within 15 s).
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    loop {
        let state = get_json(addr, "/master/state").await;
        if state["frameworks"][0]["connected"] == json!(false) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the master never saw the scheduler go: {state}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    let start_before = get_json(addr, "/master/state").await["start_time"].as_f64().unwrap();
    // The system clock jumps two hours ahead.
    std::fs::write(&offset, "+2h\n").unwrap();
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let state = get_json(addr, "/master/state").await;
        let active: Vec<&str> =
            state["frameworks"].as_array().unwrap().iter().filter_map(|f| f["id"].as_str()).collect();
        assert_eq!(active, vec![id.as_str()], "the framework is still within its failover timeout: {state}");
    }
    // Times shown to users are wall time, so they moved with the clock.
    let start_after = get_json(addr, "/master/state").await["start_time"].as_f64().unwrap();
    assert!(start_after - start_before > 7000.0, "start_time {start_before} -> {start_after}");
    // The master did see the stepped clock (so this test would catch timers on the wall
    // clock): its HTTP `Date` header is two hours ahead.
    let response = get(addr, "/master/health").await;
    let date = response.headers()["date"].to_str().unwrap().to_string();
    let date = httpdate::parse_http_date(&date).unwrap();
    let ahead = date.duration_since(std::time::SystemTime::now()).unwrap_or_default();
    assert!(ahead > Duration::from_secs(3600), "libfaketime did not step the master's clock ({date:?})");
    let _ = child.kill();
    let _ = child.wait();
}
