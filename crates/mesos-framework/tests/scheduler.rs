//! The scheduler driver against a real master: subscription, re-subscription with the same
//! framework id after the master restarts, calls, and the master refusing a framework.

use std::time::Duration;

use mesos_framework::scheduler::{Config, Event, Scheduler};
use mesos_proto::v1::{Filters, FrameworkInfo};

async fn master(work: &std::path::Path, port: u16) -> mesos_master::MasterHandle {
    let args = vec![
        "--ip=127.0.0.1".to_string(),
        format!("--port={port}"),
        format!("--work_dir={}", work.display()),
    ];
    let (_, flags) = mesos_master::flags::MasterFlags::load(args, std::iter::empty()).expect("flags");
    mesos_master::start(flags).await.expect("master")
}

async fn next(scheduler: &mut Scheduler) -> Event {
    tokio::time::timeout(Duration::from_secs(20), scheduler.next())
        .await
        .expect("an event in time")
        .expect("driver runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_driver_fails_over_to_a_restarted_master_with_the_same_framework_id() {
    let work = tempfile::tempdir().expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let m = master(work.path(), port).await;
    let info = FrameworkInfo {
        user: "root".into(),
        name: "driver".into(),
        failover_timeout: Some(60.0),
        ..Default::default()
    };
    let mut scheduler =
        Scheduler::start(Config::new(format!("http://127.0.0.1:{port}/"), info)).expect("starts");
    let Event::Registered { framework_id, reregistered: false, .. } = next(&mut scheduler).await else {
        panic!("expected a first registration")
    };
    assert_eq!(scheduler.client().framework_id(), Some(framework_id.clone()));
    scheduler.client().suppress(Vec::new()).await.expect("calls work once subscribed");
    scheduler.client().revive(Vec::new()).await.expect("revive");

    m.stop().await;
    assert!(matches!(next(&mut scheduler).await, Event::Disconnected));
    let m = master(work.path(), port).await;
    loop {
        match next(&mut scheduler).await {
            Event::Registered { framework_id: again, reregistered, .. } => {
                assert!(reregistered);
                assert_eq!(again, framework_id, "the same framework after the failover");
                break;
            }
            Event::Disconnected => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    scheduler
        .client()
        .decline(Vec::new(), Some(Filters { refuse_seconds: Some(1.0) }))
        .await
        .expect("calls go to the new master");
    scheduler.stop();
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_framework_gets_an_error_and_the_driver_stops() {
    let work = tempfile::tempdir().expect("dir");
    let m = master(work.path(), 0).await;
    let info = FrameworkInfo {
        user: "root".into(),
        name: "bad".into(),
        roles: vec!["no spaces allowed".into()],
        ..Default::default()
    };
    let mut scheduler = Scheduler::start(Config::new(m.addr.to_string(), info)).expect("starts");
    assert!(
        scheduler.client().kill(mesos_proto::v1::TaskId { value: "t".into() }, None).await.is_err(),
        "not subscribed yet"
    );
    match next(&mut scheduler).await {
        Event::Error(message) => assert!(!message.is_empty()),
        other => panic!("expected an error, got {other:?}"),
    }
    assert!(tokio::time::timeout(Duration::from_secs(5), scheduler.next()).await.expect("ends").is_none());
    let error =
        Scheduler::start(Config::new("zk://h:2181", FrameworkInfo::default())).err().expect("refused");
    assert!(error.to_string().contains("znode path"), "{error}");
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_zk_url_the_driver_follows_the_leader_to_the_next_one() {
    let server = mesos_zookeeper::testing::ZooKeeperServer::start();
    let zk = format!("zk://{}/mesos", server.address());
    let start = || async {
        let args = [
            "--ip=127.0.0.1".to_string(),
            "--port=0".to_string(),
            "--registry=in_memory".to_string(),
            "--hostname=127.0.0.1".to_string(),
            format!("--zk={zk}"),
        ];
        let (_, flags) = mesos_master::flags::MasterFlags::load(args, std::iter::empty()).expect("flags");
        mesos_master::start(flags).await.expect("master")
    };
    let m1 = start().await;
    let info = FrameworkInfo {
        user: "root".into(),
        name: "driver".into(),
        failover_timeout: Some(60.0),
        ..Default::default()
    };
    let mut scheduler = Scheduler::start(Config::new(zk.clone(), info)).expect("starts");
    let Event::Registered { framework_id, master_info, reregistered: false } = next(&mut scheduler).await
    else {
        panic!("expected a first registration")
    };
    assert_eq!(master_info.map(|m| m.id), Some(m1.info.id.clone()));
    let m2 = start().await;

    m1.stop().await;
    loop {
        match next(&mut scheduler).await {
            Event::Registered { framework_id: again, master_info, reregistered } => {
                assert!(reregistered);
                assert_eq!(again, framework_id, "the same framework with the new leader");
                assert_eq!(master_info.map(|m| m.id), Some(m2.info.id.clone()));
                break;
            }
            Event::Disconnected => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    scheduler.client().revive(Vec::new()).await.expect("calls go to the new leader");
    drop(scheduler);
    m2.stop().await;
}
