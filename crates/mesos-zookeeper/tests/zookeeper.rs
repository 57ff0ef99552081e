//! Election and detection against a real ZooKeeper server (Debian's package, started here).

use std::time::Duration;

use mesos_election::{Config, ZkUrl};
use mesos_proto::v1::{Address, MasterInfo};
use mesos_zookeeper::testing::ZooKeeperServer;
use mesos_zookeeper::{Event, spawn};
use tokio::sync::mpsc::UnboundedReceiver;
use zookeeper_client as zk;

fn master(id: &str, port: u16) -> MasterInfo {
    MasterInfo {
        id: id.into(),
        ip: u32::from_le_bytes([127, 0, 0, 1]),
        port: u32::from(port),
        pid: Some(format!("master@127.0.0.1:{port}")),
        hostname: Some("localhost".into()),
        version: Some("1.12.0".into()),
        address: Some(Address {
            hostname: Some("localhost".into()),
            ip: Some("127.0.0.1".into()),
            port: i32::from(port),
        }),
        ..MasterInfo::default()
    }
}

fn config(own: Option<MasterInfo>) -> Config {
    let mut config = Config::new(own);
    config.session_timeout = Duration::from_secs(4);
    config.retry_interval = Duration::from_millis(200);
    config
}

/// `operation`, which must end within 30 s.
async fn within<T>(what: &str, operation: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), operation)
        .await
        .unwrap_or_else(|_| panic!("{what} took over 30 s"))
}

/// The next conclusion of the election (connection news skipped).
async fn next(events: &mut UnboundedReceiver<Event>) -> Event {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), events.recv())
            .await
            .expect("an election event within 30 s")
            .expect("the election task runs");
        if !matches!(event, Event::Reachable | Event::Unreachable(_)) {
            return event;
        }
    }
}

/// Waits for the leader `id`, skipping the leaders seen on the way.
async fn leader_becomes(events: &mut UnboundedReceiver<Event>, id: &str) {
    loop {
        if let Event::Leader(Some(info)) = next(events).await
            && info.id == id
        {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_master_leads_the_next_takes_over_and_detectors_follow() {
    let server = ZooKeeperServer::start();
    let url = ZkUrl::parse(&format!("zk://{}/mesos/group", server.address())).unwrap();
    let mut m1 = spawn(url.clone(), config(Some(master("m1", 5051))));
    assert_eq!(next(&mut m1).await, Event::Leader(Some(master("m1", 5051))));
    assert_eq!(next(&mut m1).await, Event::Elected);
    let mut m2 = spawn(url.clone(), config(Some(master("m2", 5052))));
    assert_eq!(next(&mut m2).await, Event::Leader(Some(master("m1", 5051))));
    let mut detector = spawn(url.clone(), config(None));
    assert_eq!(next(&mut detector).await, Event::Leader(Some(master("m1", 5051))));

    // The layout other tools read: json.info_ members holding MasterInfo in Mesos' JSON.
    let reader = within("connecting", zk::Client::connect(&server.address())).await.unwrap();
    let mut children = within("list_children", reader.list_children("/mesos/group")).await.unwrap();
    children.sort();
    assert_eq!(children.len(), 2, "{children:?}");
    assert!(children.iter().all(|c| c.starts_with("json.info_") && c.len() == "json.info_".len() + 10));
    let (data, _) =
        within("get_data", reader.get_data(&format!("/mesos/group/{}", children[0]))).await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&data).unwrap();
    assert_eq!(json["id"], "m1");
    assert_eq!(json["address"]["ip"], "127.0.0.1");
    assert_eq!(json["address"]["port"], 5051);
    assert_eq!(json["pid"], "master@127.0.0.1:5051");

    // The leader goes (its session closes with it): the next member leads, everyone sees it.
    drop(m1);
    leader_becomes(&mut m2, "m2").await;
    assert_eq!(next(&mut m2).await, Event::Elected);
    leader_becomes(&mut detector, "m2").await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_credentials_members_are_readable_by_anyone_and_writable_by_their_creator() {
    let server = ZooKeeperServer::start();
    let url = ZkUrl::parse(&format!("zk://ops:secret@{}/secured", server.address())).unwrap();
    let mut m1 = spawn(url.clone(), config(Some(master("m1", 5051))));
    assert_eq!(next(&mut m1).await, Event::Leader(Some(master("m1", 5051))));
    assert_eq!(next(&mut m1).await, Event::Elected);
    let anonymous = within("connecting", zk::Client::connect(&server.address())).await.unwrap();
    let children = within("list_children", anonymous.list_children("/secured")).await.unwrap();
    let member = format!("/secured/{}", children[0]);
    let (acls, _) = within("get_acl", anonymous.get_acl(&member)).await.unwrap();
    let schemes: Vec<(String, String)> =
        acls.iter().map(|a| (a.scheme().to_string(), a.id().to_string())).collect();
    assert!(schemes.contains(&("world".into(), "anyone".into())), "{schemes:?}");
    assert!(schemes.iter().any(|(scheme, id)| scheme == "digest" && id.starts_with("ops:")), "{schemes:?}");
    assert!(within("get_data", anonymous.get_data(&member)).await.is_ok(), "anyone may read who leads");
    assert!(
        matches!(within("delete", anonymous.delete(&member, None)).await, Err(zk::Error::NoAuth)),
        "but not remove it"
    );
    // A detector without the credentials still finds the leader.
    let open = ZkUrl::parse(&format!("zk://{}/secured", server.address())).unwrap();
    let mut detector = spawn(open, config(None));
    assert_eq!(next(&mut detector).await, Event::Leader(Some(master("m1", 5051))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_no_mesos_writes_fails_detection_with_its_name() {
    let server = ZooKeeperServer::start();
    let writer = within("connecting", zk::Client::connect(&server.address())).await.unwrap();
    let options = zk::CreateMode::Persistent.with_acls(zk::Acls::anyone_all());
    within("create", writer.create("/odd", b"", &options)).await.unwrap();
    within("create", writer.create("/odd/strange_0000000001", b"?", &options)).await.unwrap();
    let url = ZkUrl::parse(&format!("zk://{}/odd", server.address())).unwrap();
    let mut detector = spawn(url, config(None));
    match next(&mut detector).await {
        Event::Failed(reason) => assert!(reason.contains("strange_0000000001"), "{reason}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_zookeeper_is_reported_with_the_flag_and_the_election_keeps_trying() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = ZkUrl::parse(&format!("zk://127.0.0.1:{closed}/mesos")).unwrap();
    let mut config = config(Some(master("m1", 5051)));
    config.session_timeout = Duration::from_secs(1);
    let mut events = spawn(url, config);
    let event = tokio::time::timeout(Duration::from_secs(30), events.recv()).await.expect("news in time");
    match event {
        Some(Event::Unreachable(reason)) => {
            assert!(reason.contains("--zk") && reason.contains(&closed.to_string()), "{reason}")
        }
        other => panic!("expected the servers to be unreachable, got {other:?}"),
    }
    // It keeps trying: another report follows.
    let again = tokio::time::timeout(Duration::from_secs(30), events.recv()).await.expect("retries");
    assert!(matches!(again, Some(Event::Unreachable(_))), "{again:?}");
}
