//! A real agent registering with a real master over loopback, and coming back after the
//! master restarts.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use mesos_agent::flags::AgentFlags;
use mesos_master::flags::MasterFlags;

async fn get_json(addr: SocketAddr, path: &str) -> serde_json::Value {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(connection);
    let request = hyper::Request::get(format!("http://{addr}{path}"))
        .header("Host", addr.to_string())
        .body(Full::new(Bytes::new()))
        .expect("request");
    let response = sender.send_request(request).await.expect("response");
    let body = response.into_body().collect().await.expect("body").to_bytes();
    serde_json::from_slice(&body).expect("JSON")
}

async fn master(work_dir: &std::path::Path, port: u16) -> mesos_master::MasterHandle {
    let args = vec![
        "--ip=127.0.0.1".to_string(),
        format!("--port={port}"),
        format!("--work_dir={}", work_dir.display()),
    ];
    let (_, flags) = MasterFlags::load(args, std::iter::empty()).expect("master flags");
    mesos_master::start(flags).await.expect("master starts")
}

/// Agent flags for a master on `port` with a work dir and `extra` flags.
fn agent_flags(port: u16, work_dir: &std::path::Path, extra: &[&str]) -> AgentFlags {
    let mut args = vec![
        format!("--master=127.0.0.1:{port}"),
        format!("--work_dir={}", work_dir.display()),
        format!("--runtime_dir={}", work_dir.join("run").display()),
        "--registration_backoff_factor=10ms".to_string(),
        "--ip=127.0.0.1".to_string(),
        "--port=0".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    AgentFlags::load(args, std::iter::empty()).expect("agent flags").1
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_registers_and_comes_back_after_a_master_restart() {
    let master_dir = tempfile::tempdir().unwrap();
    let agent_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let m = master(master_dir.path(), port).await;
    std::fs::create_dir_all(agent_dir.path().join("logs")).unwrap();
    std::fs::write(agent_dir.path().join("logs/agent.log"), "line one\nline two\n").unwrap();
    let log_dir = format!("--log_dir={}", agent_dir.path().join("logs").display());
    let flags = agent_flags(
        port,
        agent_dir.path(),
        &[
            "--resources=cpus:3;mem:1536;disk:2048;ports:[31000-31009]",
            "--attributes=rack:r1;level:3",
            "--hostname=agent-1",
            &log_dir,
        ],
    );
    let mut agent = mesos_agent::start(flags.clone(), 1).await.expect("agent starts");
    let id = agent.registered(Duration::from_secs(10)).await.expect("the agent registers");

    let state = get_json(m.addr, "/master/state").await;
    let slave = &state["slaves"][0];
    assert_eq!(slave["id"], id);
    assert_eq!(slave["hostname"], "agent-1");
    assert_eq!(slave["resources"]["cpus"], 3);
    assert_eq!(slave["resources"]["ports"], "[31000-31009]");
    assert_eq!(slave["attributes"]["rack"], "r1");
    assert_eq!(slave["attributes"]["level"], 3);
    assert!(slave["capabilities"].as_array().unwrap().iter().any(|c| c == "MULTI_ROLE"));
    // The agent's own endpoints agree.
    let own = get_json(agent.addr, "/slave(1)/state").await;
    assert_eq!(own["id"], id);
    assert_eq!(own["resources"]["cpus"], 3);
    assert_eq!(own["attributes"]["rack"], "r1");
    assert_eq!(get_json(agent.addr, "/state").await["id"], id);
    assert_eq!(get_json(agent.addr, "/metrics/snapshot").await["slave/registered"], 1.0);
    // The agent's log directory is browsable and readable through /files, nothing else is.
    let read = get_json(agent.addr, "/files/read?path=/slave/log/agent.log&offset=5&length=3").await;
    assert_eq!(read, serde_json::json!({"offset": 5, "data": "one"}));
    assert!(get_json(agent.addr, "/files/browse?path=/slave/log").await[0]["path"] == "/slave/log/agent.log");
    assert!(get_json(agent.addr, "/files/debug").await["/slave/log"].is_string());
    assert_eq!(slave["pid"], format!("slave(1)@127.0.0.1:{}", agent.addr.port()));

    // The master restarts on the same work dir and port: the agent re-registers under its id.
    m.stop().await;
    let m = master(master_dir.path(), port).await;
    let mut back = false;
    for _ in 0..100 {
        let state = get_json(m.addr, "/master/state").await;
        if state["slaves"][0]["id"] == id {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "the agent re-registered with the restarted master");

    // The agent restarts on the same work dir: it re-registers as the same agent.
    agent.stop().await;
    let mut agent = mesos_agent::start(flags.clone(), 2).await.expect("agent restarts");
    assert_eq!(agent.registered(Duration::from_secs(10)).await.as_deref(), Some(id.as_str()));
    let state = get_json(m.addr, "/master/state").await;
    assert_eq!(state["slaves"].as_array().map(Vec::len), Some(1), "still one agent");
    agent.stop().await;

    // With other resources the same work dir is refused, naming what changed.
    let mut changed = flags;
    changed.resources = mesos_types::Resources::parse("cpus:1;mem:64", "*").unwrap();
    let err = mesos_agent::start(changed, 3).await.unwrap_err().to_string();
    assert!(err.contains("resources") && err.contains(&id), "{err}");
    m.stop().await;
}
