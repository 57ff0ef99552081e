//! Masters contending in a real ZooKeeper group (`--zk`): one leads, the other stands by and
//! redirects, and takes over when the leader goes.

mod common;

use std::time::Duration;

use common::{body_text, eventually, get, get_json, master, post};
use mesos_zookeeper::testing::ZooKeeperServer;

fn elected(metrics: &serde_json::Value) -> bool {
    metrics["master/elected"] == 1.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standby_redirects_to_the_leader_and_takes_over_when_it_goes() {
    let server = ZooKeeperServer::start();
    let zk = format!("--zk=zk://{}/mesos", server.address());
    let m1 = master(&[&zk, "--hostname=127.0.0.1", "--zk_session_timeout=3secs"]).await;
    eventually(m1.addr, "/metrics/snapshot", elected).await;
    let m2 = master(&[&zk, "--hostname=127.0.0.1", "--zk_session_timeout=3secs"]).await;
    let leader = format!("//127.0.0.1:{}", m1.addr.port());

    // The standby says who leads and sends everyone there.
    let state = eventually(m2.addr, "/master/state", |s| s["leader_info"]["id"] == m1.info.id.as_str()).await;
    assert_eq!(state["leader"], format!("master@127.0.0.1:{}", m1.addr.port()));
    assert_eq!(state["id"], m2.info.id.as_str());
    assert_eq!(state["slaves"], serde_json::json!([]));
    assert_eq!(get_json(m2.addr, "/metrics/snapshot").await["master/elected"], 0.0);
    let redirect = get(m2.addr, "/master/redirect").await;
    assert_eq!(redirect.status(), 307);
    assert_eq!(redirect.headers()["location"], leader.as_str());
    let subscribe =
        br#"{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"f"}}}"#.to_vec();
    let call = post(m2.addr, "/api/v1/scheduler", Some("application/json"), &[], subscribe).await;
    assert_eq!(call.status(), 307);
    assert_eq!(call.headers()["location"], format!("{leader}/api/v1/scheduler").as_str());
    let tasks = get(m2.addr, "/master/tasks?limit=5").await;
    assert_eq!(tasks.headers()["location"], format!("{leader}/master/tasks?limit=5").as_str());
    assert_eq!(body_text(get(m2.addr, "/master/health").await).await, "");

    // The leader serves as before.
    let state = get_json(m1.addr, "/master/state").await;
    assert_eq!(state["leader_info"]["id"], m1.info.id.as_str());

    // The leader stops (its session closes): the standby is elected and serves.
    m1.stop().await;
    eventually(m2.addr, "/metrics/snapshot", elected).await;
    let state = get_json(m2.addr, "/master/state").await;
    assert_eq!(state["leader_info"]["id"], m2.info.id.as_str());
    let redirect = get(m2.addr, "/master/redirect").await;
    assert_eq!(redirect.headers()["location"], format!("//127.0.0.1:{}", m2.addr.port()).as_str());
    m2.stop().await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_whose_group_turns_unreadable_stops() {
    let server = ZooKeeperServer::start();
    let zk = format!("--zk=zk://{}/mesos", server.address());
    let m1 = master(&[&zk, "--hostname=127.0.0.1", "--zk_session_timeout=2secs"]).await;
    eventually(m1.addr, "/metrics/snapshot", elected).await;
    // ZooKeeper goes away: past the session timeout the leader may not go on leading.
    drop(server);
    let reason =
        tokio::time::timeout(Duration::from_secs(30), m1.failed()).await.expect("the master gives up");
    assert!(reason.contains("lost the leadership"), "{reason}");
    m1.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_that_cannot_reach_zookeeper_stands_by_and_says_why() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let zk = format!("--zk=zk://127.0.0.1:{closed}/mesos");
    let m = master(&[&zk, "--zk_session_timeout=1secs"]).await;
    let mut said = String::new();
    for _ in 0..300 {
        let response = get(m.addr, "/master/redirect").await;
        assert_eq!(response.status(), 503, "no master leads");
        said = body_text(response).await;
        if said.contains("cannot reach ZooKeeper") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(said.contains("--zk") && said.contains(&closed.to_string()), "{said}");
    assert_eq!(get_json(m.addr, "/metrics/snapshot").await["master/elected"], 0.0);
    assert!(get_json(m.addr, "/master/state").await.get("leader_info").is_none());
    m.stop().await;
}
