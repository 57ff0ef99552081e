//! mesos-local: one process, a master and several agents.

#[path = "support/bins.rs"]
mod bins;

use std::time::Duration;

async fn get_json(addr: std::net::SocketAddr, path: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_master_and_three_agents_with_their_own_dirs_and_shares() {
    let work = tempfile::tempdir().expect("dir");
    let args = vec![
        "--num_agents=3".to_string(),
        "--port=0".to_string(),
        format!("--work_dir={}", work.path().display()),
        format!("--launcher_dir={}", bins::launcher_dir()),
        "--registration_backoff_factor=10ms".to_string(),
        "--allocation_interval=100ms".to_string(),
    ];
    let flags = mesos_flags::Flags::load(&mesos_local::specs(), args, std::iter::empty()).expect("flags");
    let mut cluster = mesos_local::start(&flags).await.expect("starts");
    for agent in &mut cluster.agents {
        agent.registered(Duration::from_secs(20)).await.expect("registers");
    }
    let slaves = get_json(cluster.master_addr(), "/master/slaves").await;
    let slaves = slaves["slaves"].as_array().expect("slaves").clone();
    assert_eq!(slaves.len(), 3);
    let ids: std::collections::BTreeSet<&str> = slaves.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids.len(), 3, "three distinct agents");
    let machine = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    assert!(slaves.iter().all(|s| s["hostname"] == machine.trim()), "agents use the machine's hostname");
    let ports: Vec<&str> = slaves.iter().filter_map(|s| s["resources"]["ports"].as_str()).collect();
    assert_eq!(ports.len(), 3);
    let distinct: std::collections::BTreeSet<&str> = ports.iter().copied().collect();
    assert_eq!(distinct.len(), 3, "each agent has its own ports: {ports:?}");
    let cpus: f64 = slaves.iter().filter_map(|s| s["resources"]["cpus"].as_f64()).sum();
    let machine = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64;
    assert!(cpus <= machine + 0.1, "the agents share the machine: {cpus} cpus of {machine}");
    for index in 1..=3 {
        assert!(
            work.path().join("agents").join(index.to_string()).join("meta").exists(),
            "agent {index} work dir"
        );
        assert!(
            work.path().join("agents").join(index.to_string()).join("run").is_dir(),
            "agent {index} runtime dir"
        );
    }
    // A flag of both kinds is accepted: an agent flag reaches the agents.
    let agent_flags = get_json(cluster.agents[0].addr, "/flags").await;
    assert_eq!(agent_flags["flags"]["registration_backoff_factor"], "10ms");
    cluster.stop().await;
}

#[test]
fn unknown_flags_are_refused_and_shares_split_the_ports() {
    let error = mesos_flags::Flags::load(
        &mesos_local::specs(),
        vec!["--no_such_flag=1".to_string()],
        std::iter::empty(),
    )
    .expect_err("unknown");
    assert!(error.to_string().contains("no_such_flag"), "{error}");
    let shares = mesos_local::resource_shares(4);
    assert_eq!(shares.len(), 4);
    assert!(shares[0].contains("ports:[31000-31249]"), "{}", shares[0]);
    assert!(shares[3].contains("ports:[31750-31999]"), "{}", shares[3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_masters_elect_one_and_the_agent_follows_the_next_when_it_stops() {
    let work = tempfile::tempdir().expect("dir");
    let args = vec![
        "--num_masters=3".to_string(),
        "--num_agents=1".to_string(),
        "--port=0".to_string(),
        format!("--work_dir={}", work.path().display()),
        format!("--launcher_dir={}", bins::launcher_dir()),
        "--registration_backoff_factor=10ms".to_string(),
        "--zk_session_timeout=3secs".to_string(),
    ];
    let flags = mesos_flags::Flags::load(&mesos_local::specs(), args, std::iter::empty()).expect("flags");
    let mut cluster = mesos_local::start(&flags).await.expect("starts with its own ZooKeeper");
    assert!(cluster.zookeeper.is_some());
    assert!(cluster.master_url().starts_with("zk://127.0.0.1:"), "{}", cluster.master_url());
    let id = cluster.agents[0].registered(Duration::from_secs(20)).await.expect("registers");
    assert_eq!(cluster.leaders().count(), 1);
    assert!(cluster.masters[0].is_leading(), "the first master leads");
    let state = get_json(cluster.master_addr(), "/master/state").await;
    assert_eq!(state["slaves"][0]["id"], id.as_str());
    let standby = get_json(cluster.masters[1].addr, "/master/state").await;
    assert_eq!(standby["leader_info"]["id"], cluster.masters[0].info.id.as_str());

    let leader = cluster.masters.remove(0);
    leader.stop().await;
    let mut new_leader = None;
    for _ in 0..300 {
        if let Some(m) = cluster.leaders().next() {
            let state = get_json(m.addr, "/master/state").await;
            if state["slaves"][0]["id"] == id.as_str() {
                new_leader = Some(m.addr);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(new_leader.is_some(), "another master leads and the agent re-registered with it");
    assert_eq!(cluster.leaders().count(), 1);
    cluster.stop().await;
}
