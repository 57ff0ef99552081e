//! The scheduler API end to end: a real master on loopback, driven over HTTP in JSON and
//! protobuf, with a scripted agent on the agent endpoint.

mod common;

use std::time::Duration;

use common::*;
use mesos_proto::internal::{AgentCall, AgentEvent, StatusUpdate, agent_call, agent_event};
use mesos_proto::v1::scheduler::{Call, Event, call, event};
use mesos_proto::v1::{AgentId, FrameworkId, FrameworkInfo, TaskId, TaskState, TaskStatus, task_status};
use prost::Message;
use serde_json::json;

const JSON: &str = "application/json";
const PROTOBUF: &str = "application/x-protobuf";
const WAIT: Duration = Duration::from_secs(10);

fn subscribe_json(name: &str) -> Vec<u8> {
    json!({
        "type": "SUBSCRIBE",
        "subscribe": {"framework_info": {"user": "nobody", "name": name}}
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn subscribe_in_json_streams_subscribed_and_heartbeat() {
    let m = master(&[]).await;
    let response =
        post(m.addr, "/api/v1/scheduler", Some(JSON), &[("Accept", JSON)], subscribe_json("fw")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], JSON);
    let stream_id = response.headers()["mesos-stream-id"].to_str().unwrap().to_string();
    assert_eq!(stream_id.len(), 36);
    assert!(response.headers().get("content-length").is_none(), "a stream has no length");
    let mut records = Records::new(response);
    let subscribed = records.next_json(WAIT).await.unwrap();
    assert_eq!(subscribed["type"], "SUBSCRIBED");
    assert_eq!(subscribed["subscribed"]["heartbeat_interval_seconds"], 15.0);
    let id = subscribed["subscribed"]["framework_id"]["value"].as_str().unwrap().to_string();
    assert!(id.ends_with("-0000"), "{id}");
    assert_eq!(subscribed["subscribed"]["master_info"]["id"], m.info.id);
    // Only capabilities this master has (no draining, no quota yet).
    assert_eq!(subscribed["subscribed"]["master_info"]["capabilities"], json!([{"type": "AGENT_UPDATE"}]));
    assert_eq!(records.next_json(WAIT).await.unwrap(), json!({"type": "HEARTBEAT"}));

    // Non-subscribe calls: 202 with the stream id, 400 without or with another.
    let revive = json!({"type": "REVIVE", "framework_id": {"value": id}}).to_string().into_bytes();
    let ok = post(
        m.addr,
        "/master/api/v1/scheduler",
        Some(JSON),
        &[("Mesos-Stream-Id", &stream_id)],
        revive.clone(),
    )
    .await;
    assert_eq!(ok.status(), 202);
    let missing = post(m.addr, "/api/v1/scheduler", Some(JSON), &[], revive.clone()).await;
    assert_eq!(missing.status(), 400);
    assert!(body_text(missing).await.contains("Mesos-Stream-Id"));
    let wrong = post(m.addr, "/api/v1/scheduler", Some(JSON), &[("Mesos-Stream-Id", "x")], revive).await;
    assert_eq!(wrong.status(), 400);
    m.stop().await;
}

#[tokio::test]
async fn bad_requests_get_the_status_codes_mesos_gives() {
    let m = master(&[]).await;
    let a = m.addr;
    let get = common::get(a, "/api/v1/scheduler").await;
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    let no_type = post(a, "/api/v1/scheduler", None, &[], subscribe_json("x")).await;
    assert_eq!(no_type.status(), 400);
    assert!(body_text(no_type).await.contains("Content-Type"));
    assert_eq!(
        post(a, "/api/v1/scheduler", Some("text/plain"), &[], subscribe_json("x")).await.status(),
        415
    );
    let garbage = post(a, "/api/v1/scheduler", Some(JSON), &[], b"{not json".to_vec()).await;
    assert_eq!(garbage.status(), 400);
    assert!(body_text(garbage).await.contains("Failed to parse body into JSON"));
    let not_object = post(a, "/api/v1/scheduler", Some(JSON), &[], b"[1,2]".to_vec()).await;
    assert_eq!(not_object.status(), 400);
    let no_call_type = post(a, "/api/v1/scheduler", Some(JSON), &[], b"{}".to_vec()).await;
    assert_eq!(no_call_type.status(), 400);
    assert!(body_text(no_call_type).await.contains("Expecting 'type' to be present"));
    let unknown_type =
        post(a, "/api/v1/scheduler", Some(JSON), &[], br#"{"type":"SUBSCRIB"}"#.to_vec()).await;
    assert_eq!(unknown_type.status(), 400);
    assert_eq!(
        body_text(unknown_type).await,
        "Failed to validate scheduler::Call: Unknown call type 'SUBSCRIB'"
    );
    // Field 2 (type) = 99, a number no call type has.
    let unknown_number = post(a, "/api/v1/scheduler", Some(PROTOBUF), &[], vec![0x10, 99]).await;
    assert_eq!(unknown_number.status(), 400);
    assert_eq!(body_text(unknown_number).await, "Failed to validate scheduler::Call: Unknown call type 99");
    let missing_required = json!({"type": "SUBSCRIBE", "subscribe": {"framework_info": {"name": "x"}}});
    let response =
        post(a, "/api/v1/scheduler", Some(JSON), &[], missing_required.to_string().into_bytes()).await;
    assert_eq!(response.status(), 400);
    assert!(body_text(response).await.contains("user"));
    let bad_proto = post(a, "/api/v1/scheduler", Some(PROTOBUF), &[], vec![0xff, 0xff, 0xff]).await;
    assert_eq!(bad_proto.status(), 400);
    assert!(body_text(bad_proto).await.contains("protobuf"));
    let unacceptable =
        post(a, "/api/v1/scheduler", Some(JSON), &[("Accept", "text/html")], subscribe_json("x")).await;
    assert_eq!(unacceptable.status(), 406);
    let unknown = json!({"type": "REVIVE", "framework_id": {"value": "nope"}}).to_string().into_bytes();
    let response = post(a, "/api/v1/scheduler", Some(JSON), &[("Mesos-Stream-Id", "s")], unknown).await;
    assert_eq!(response.status(), 400);
    assert_eq!(body_text(response).await, "Framework cannot be found");
    let huge = vec![b' '; mesos_master::flags::DEFAULT_MAX_BODY_BYTES as usize + 1];
    assert_eq!(post(a, "/api/v1/scheduler", Some(JSON), &[], huge).await.status(), 413);
    let with_header =
        post(a, "/api/v1/scheduler", Some(JSON), &[("Mesos-Stream-Id", "s")], subscribe_json("x")).await;
    assert_eq!(with_header.status(), 400);
    // The master is unharmed.
    assert_eq!(common::get(a, "/health").await.status(), 200);
    m.stop().await;
}

/// A scripted agent speaking protobuf on the agent endpoint.
struct FakeAgent {
    id: String,
    stream_id: String,
    events: Records,
}

impl FakeAgent {
    async fn register(m: &mesos_master::MasterHandle, hostname: &str, resources: &str) -> FakeAgent {
        let (id, stream_id, events) = register_agent(m.addr, hostname, resources).await;
        FakeAgent { id, stream_id, events }
    }

    async fn next_event(&mut self, kind: agent_event::Type) -> AgentEvent {
        loop {
            let bytes = self.events.next(WAIT).await.unwrap_or_else(|| panic!("no {kind:?} event"));
            let event = AgentEvent::decode(bytes.as_slice()).unwrap();
            if event.r#type == Some(kind as i32) {
                return event;
            }
        }
    }

    async fn update(
        &self,
        addr: std::net::SocketAddr,
        framework: &str,
        task: &str,
        state: TaskState,
    ) -> Vec<u8> {
        let uuid = uuid::Uuid::new_v4().as_bytes().to_vec();
        let call = AgentCall {
            r#type: Some(agent_call::Type::StatusUpdate as i32),
            agent_id: Some(AgentId { value: self.id.clone() }),
            status_update: Some(StatusUpdate {
                framework_id: FrameworkId { value: framework.into() },
                status: TaskStatus {
                    task_id: TaskId { value: task.into() },
                    state: state as i32,
                    source: Some(task_status::Source::SourceExecutor as i32),
                    uuid: Some(uuid.clone()),
                    ..Default::default()
                },
                latest_state: Some(state as i32),
            }),
            ..Default::default()
        };
        let response = post(
            addr,
            "/master/api/v1/agent",
            Some(PROTOBUF),
            &[("Mesos-Stream-Id", &self.stream_id)],
            call.encode_to_vec(),
        )
        .await;
        assert_eq!(response.status(), 202);
        uuid
    }
}

#[tokio::test]
async fn a_task_launched_over_protobuf_runs_and_is_acknowledged() {
    let m = master(&["--allocation_interval=50ms"]).await;
    let mut agent = FakeAgent::register(&m, "agent-1", "cpus:2;mem:1024").await;
    let subscribe = Call {
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe {
            framework_info: FrameworkInfo {
                user: "nobody".into(),
                name: "proto".into(),
                ..Default::default()
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    let response =
        post(m.addr, "/api/v1/scheduler", Some(PROTOBUF), &[("Accept", PROTOBUF)], subscribe.encode_to_vec())
            .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], PROTOBUF);
    let stream_id = response.headers()["mesos-stream-id"].to_str().unwrap().to_string();
    let mut events = Records::new(response);
    let next = |kind: event::Type| kind as i32;
    let mut framework_id = String::new();
    let mut offer = None;
    while offer.is_none() {
        let event = Event::decode(events.next(WAIT).await.expect("event").as_slice()).unwrap();
        if event.r#type == Some(next(event::Type::Subscribed)) {
            framework_id = event.subscribed.unwrap().framework_id.value;
        } else if event.r#type == Some(next(event::Type::Offers)) {
            offer = event.offers.unwrap().offers.into_iter().next();
        }
    }
    let offer = offer.unwrap();
    assert_eq!(offer.agent_id.value, agent.id);
    let task = mesos_proto::v1::TaskInfo {
        name: "t".into(),
        task_id: TaskId { value: "t1".into() },
        agent_id: offer.agent_id.clone(),
        resources: offer.resources.iter().filter(|r| r.name == "cpus").cloned().collect(),
        command: Some(mesos_proto::v1::CommandInfo { value: Some("true".into()), ..Default::default() }),
        ..Default::default()
    };
    let accept = Call {
        r#type: Some(call::Type::Accept as i32),
        framework_id: Some(FrameworkId { value: framework_id.clone() }),
        accept: Some(call::Accept {
            offer_ids: vec![offer.id.clone()],
            operations: vec![mesos_proto::v1::offer::Operation {
                r#type: Some(mesos_proto::v1::offer::operation::Type::Launch as i32),
                launch: Some(mesos_proto::v1::offer::operation::Launch { task_infos: vec![task] }),
                ..Default::default()
            }],
            filters: None,
        }),
        ..Default::default()
    };
    let response = post(
        m.addr,
        "/api/v1/scheduler",
        Some(PROTOBUF),
        &[("Mesos-Stream-Id", &stream_id)],
        accept.encode_to_vec(),
    )
    .await;
    assert_eq!(response.status(), 202);
    let run = agent.next_event(agent_event::Type::RunTask).await;
    assert_eq!(run.run_task.unwrap().task.task_id.value, "t1");

    let uuid = agent.update(m.addr, &framework_id, "t1", TaskState::TaskFinished).await;
    let update = loop {
        let event = Event::decode(events.next(WAIT).await.expect("update").as_slice()).unwrap();
        if event.r#type == Some(next(event::Type::Update)) {
            break event.update.unwrap().status;
        }
    };
    assert_eq!(update.state, TaskState::TaskFinished as i32);
    assert_eq!(update.uuid.as_deref(), Some(uuid.as_slice()));
    let ack = Call {
        r#type: Some(call::Type::Acknowledge as i32),
        framework_id: Some(FrameworkId { value: framework_id.clone() }),
        acknowledge: Some(call::Acknowledge {
            agent_id: AgentId { value: agent.id.clone() },
            task_id: TaskId { value: "t1".into() },
            uuid: uuid.clone(),
        }),
        ..Default::default()
    };
    let response = post(
        m.addr,
        "/api/v1/scheduler",
        Some(PROTOBUF),
        &[("Mesos-Stream-Id", &stream_id)],
        ack.encode_to_vec(),
    )
    .await;
    assert_eq!(response.status(), 202);
    let forwarded = agent.next_event(agent_event::Type::Acknowledge).await;
    assert_eq!(forwarded.acknowledge.unwrap().uuid, uuid);

    // The state endpoint shows the completed task.
    let state = get_json(m.addr, "/master/state").await;
    let framework = &state["frameworks"][0];
    assert_eq!(framework["completed_tasks"][0]["id"], "t1");
    assert_eq!(framework["completed_tasks"][0]["state"], "TASK_FINISHED");
    assert_eq!(state["slaves"][0]["id"], agent.id);
    // A document sent in pieces (the state's tasks and offers are kept text) declares its
    // whole length, wrapped in the callback too.
    let wrapped = common::get(m.addr, "/master/state?jsonp=cb").await;
    let declared: usize = wrapped.headers()["content-length"].to_str().unwrap().parse().unwrap();
    let wrapped = body_text(wrapped).await;
    assert_eq!(wrapped.len(), declared);
    let inner = wrapped.strip_prefix("cb(").and_then(|w| w.strip_suffix(");")).expect("wrapped");
    // (Offers may come and go between the two requests; the finished task stays.)
    let again: serde_json::Value = serde_json::from_str(inner).unwrap();
    assert_eq!(again["frameworks"][0]["completed_tasks"], state["frameworks"][0]["completed_tasks"]);
    assert_eq!(again["slaves"][0]["id"], agent.id);
    m.stop().await;
}

#[tokio::test]
async fn endpoints_answer_with_mesos_shapes() {
    let m = master(&["--cluster=test-cluster"]).await;
    let _agent = FakeAgent::register(&m, "agent-1", "cpus:4;mem:2048;ports:[31000-32000]").await;
    let version = get_json(m.addr, "/version").await;
    assert_eq!(version["version"], "1.12.0");
    for path in ["/state", "/state.json", "/master/state", "/master/state.json", "/master/state/"] {
        let state = get_json(m.addr, path).await;
        assert_eq!(state["cluster"], "test-cluster", "{path}");
        assert_eq!(state["leader"], state["pid"]);
        assert_eq!(state["capabilities"], json!(["AGENT_UPDATE"]), "{path}");
        let slave = &state["slaves"][0];
        assert_eq!(slave["hostname"], "agent-1");
        assert_eq!(
            slave["resources"],
            json!({"cpus": 4, "gpus": 0, "mem": 2048, "disk": 0, "ports": "[31000-32000]"})
        );
    }
    let summary = get_json(m.addr, "/master/state-summary").await;
    assert_eq!(summary["slaves"][0]["TASK_RUNNING"], 0);
    let slaves = get_json(m.addr, "/master/slaves").await;
    assert!(slaves["slaves"][0]["unreserved_resources_full"].is_array());
    assert!(get_json(m.addr, "/master/frameworks").await["frameworks"].is_array());
    assert!(get_json(m.addr, "/master/tasks").await["tasks"].is_array());
    assert!(get_json(m.addr, "/master/roles").await["roles"].is_array());
    let flags = get_json(m.addr, "/master/flags").await;
    assert_eq!(flags["flags"]["cluster"], "test-cluster");
    assert_eq!(flags["flags"]["allocation_interval"], "1secs");
    let metrics = get_json(m.addr, "/metrics/snapshot").await;
    assert_eq!(metrics["master/elected"], 1.0);
    assert_eq!(metrics["master/slaves_active"], 1.0);
    assert_eq!(metrics["master/cpus_total"], 4.0);
    let prometheus = body_text(common::get(m.addr, "/metrics").await).await;
    assert!(prometheus.contains("mesos_master_cpus_total 4"), "{prometheus}");
    let jsonp = body_text(common::get(m.addr, "/version?jsonp=cb").await).await;
    assert!(jsonp.starts_with("cb({"), "{jsonp}");
    assert_eq!(common::get(m.addr, "/master/health").await.status(), 200);
    let redirect = common::get(m.addr, "/master/redirect").await;
    assert_eq!(redirect.status(), 307);
    assert!(redirect.headers()["location"].to_str().unwrap().starts_with("//"));
    assert_eq!(common::get(m.addr, "/nonexistent/path").await.status(), 404);
    let ui = common::get(m.addr, "/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(body_text(ui).await.contains("/master/state"), "the page renders the state endpoint");
    m.stop().await;
}

#[tokio::test]
async fn teardown_endpoint_removes_a_framework() {
    let m = master(&[]).await;
    let response = post(m.addr, "/api/v1/scheduler", Some(JSON), &[], subscribe_json("fw")).await;
    let mut records = Records::new(response);
    let subscribed = records.expect_json("SUBSCRIBED").await;
    let id = subscribed["subscribed"]["framework_id"]["value"].as_str().unwrap().to_string();
    let form = "application/x-www-form-urlencoded";
    let missing = post(m.addr, "/master/teardown", Some(form), &[], b"frameworkId=nope".to_vec()).await;
    assert_eq!(missing.status(), 400);
    let ok =
        post(m.addr, "/master/teardown", Some(form), &[], format!("frameworkId={id}").into_bytes()).await;
    assert_eq!(ok.status(), 200);
    // The stream ends without an event.
    while let Some(event) = records.next_json(Duration::from_secs(2)).await {
        assert_eq!(event["type"], "HEARTBEAT");
    }
    let state = get_json(m.addr, "/master/frameworks").await;
    assert_eq!(state["completed_frameworks"][0]["id"], id);
    m.stop().await;
}

#[tokio::test]
async fn a_restarted_master_remembers_admitted_agents() {
    let dir = tempfile::tempdir().unwrap();
    let m = durable_master(dir.path(), &[]).await;
    let agent = FakeAgent::register(&m, "agent-1", "cpus:1;mem:128").await;
    m.stop().await;
    let m = durable_master(dir.path(), &[]).await;
    let state = get_json(m.addr, "/master/state").await;
    assert_eq!(state["recovered_slaves"][0]["id"], agent.id);
    let registry = get_json(m.addr, "/registrar(1)/registry").await;
    assert_eq!(registry["slaves"]["slaves"][0]["info"]["hostname"], "agent-1");
    m.stop().await;
}
