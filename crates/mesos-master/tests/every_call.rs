//! Every scheduler call type over HTTP, once in JSON and once in protobuf, with the status
//! code and the observable effect of each.

mod common;

use std::time::Duration;

use common::*;
use mesos_proto::internal::{AgentEvent, agent_event};
use mesos_proto::media::ContentType;
use mesos_proto::v1::scheduler::{Call, Event, call, event};
use mesos_proto::v1::{
    AgentId, CommandInfo, ExecutorId, Filters, FrameworkId, FrameworkInfo, Offer, OfferId, OperationId,
    TaskId, TaskInfo, offer,
};
use prost::Message;

const WAIT: Duration = Duration::from_secs(10);

fn encode<M: Message + mesos_proto::json::JsonMessage>(format: ContentType, message: &M) -> Vec<u8> {
    match format {
        ContentType::Json => mesos_proto::json::to_json_vec(message),
        ContentType::Protobuf => message.encode_to_vec(),
    }
}

fn decode_event(format: ContentType, bytes: &[u8]) -> Event {
    match format {
        ContentType::Json => mesos_proto::json::from_json_slice(bytes).expect("JSON event"),
        ContentType::Protobuf => Event::decode(bytes).expect("protobuf event"),
    }
}

struct Scheduler {
    format: ContentType,
    addr: std::net::SocketAddr,
    stream_id: String,
    id: String,
    events: Records,
}

impl Scheduler {
    async fn subscribe(addr: std::net::SocketAddr, format: ContentType) -> Scheduler {
        let call = Call {
            r#type: Some(call::Type::Subscribe as i32),
            subscribe: Some(call::Subscribe {
                framework_info: FrameworkInfo {
                    user: "nobody".into(),
                    name: "every-call".into(),
                    ..Default::default()
                },
                ..Default::default()
            }),
            ..Default::default()
        };
        let mime = format.as_str();
        let response =
            post(addr, "/api/v1/scheduler", Some(mime), &[("Accept", mime)], encode(format, &call)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], mime);
        let stream_id = response.headers()["mesos-stream-id"].to_str().unwrap().to_string();
        let mut events = Records::new(response);
        let first = decode_event(format, &events.next(WAIT).await.expect("SUBSCRIBED"));
        let id = first.subscribed.expect("SUBSCRIBED first").framework_id.value;
        Scheduler { format, addr, stream_id, id, events }
    }

    async fn call(&self, mut call: Call) -> u16 {
        call.framework_id = Some(FrameworkId { value: self.id.clone() });
        let mime = self.format.as_str();
        let response = post(
            self.addr,
            "/api/v1/scheduler",
            Some(mime),
            &[("Mesos-Stream-Id", &self.stream_id)],
            encode(self.format, &call),
        )
        .await;
        response.status().as_u16()
    }

    async fn next(&mut self, kind: event::Type) -> Event {
        loop {
            let bytes = self.events.next(WAIT).await.unwrap_or_else(|| panic!("no {kind:?} event"));
            let event = decode_event(self.format, &bytes);
            if event.r#type == Some(kind as i32) {
                return event;
            }
        }
    }

    async fn offer(&mut self) -> Offer {
        let event = self.next(event::Type::Offers).await;
        event.offers.expect("offers").offers.into_iter().next().expect("one offer")
    }
}

async fn agent(addr: std::net::SocketAddr) -> (String, Records) {
    let (id, _, records) = register_agent(addr, "agent", "cpus:8;mem:8192").await;
    (id, records)
}

async fn agent_event(records: &mut Records, kind: agent_event::Type) -> AgentEvent {
    loop {
        let bytes = records.next(WAIT).await.unwrap_or_else(|| panic!("no {kind:?}"));
        let event = AgentEvent::decode(bytes.as_slice()).unwrap();
        if event.r#type == Some(kind as i32) {
            return event;
        }
    }
}

fn typed(kind: call::Type) -> Call {
    Call { r#type: Some(kind as i32), ..Default::default() }
}

async fn every_call(format: ContentType) {
    let m = master(&["--allocation_interval=100ms"]).await;
    let (agent_id, mut agent_events) = agent(m.addr).await;
    let mut s = Scheduler::subscribe(m.addr, format).await;

    // DECLINE with a zero filter: the offer comes straight back.
    let offer = s.offer().await;
    let decline = Call {
        decline: Some(call::Decline {
            offer_ids: vec![offer.id.clone()],
            filters: Some(Filters { refuse_seconds: Some(0.0) }),
        }),
        ..typed(call::Type::Decline)
    };
    assert_eq!(s.call(decline).await, 202);
    let offer = s.offer().await;

    // ACCEPT with LAUNCH reaches the agent.
    let task = TaskInfo {
        name: "t".into(),
        task_id: TaskId { value: "t1".into() },
        agent_id: offer.agent_id.clone(),
        resources: offer.resources.iter().filter(|r| r.name == "cpus").cloned().collect(),
        command: Some(CommandInfo { value: Some("sleep 1".into()), ..Default::default() }),
        ..Default::default()
    };
    let accept = Call {
        accept: Some(call::Accept {
            offer_ids: vec![offer.id.clone()],
            operations: vec![offer::Operation {
                r#type: Some(offer::operation::Type::Launch as i32),
                launch: Some(offer::operation::Launch { task_infos: vec![task] }),
                ..Default::default()
            }],
            filters: None,
        }),
        ..typed(call::Type::Accept)
    };
    assert_eq!(s.call(accept).await, 202);
    assert_eq!(
        agent_event(&mut agent_events, agent_event::Type::RunTask).await.run_task.unwrap().task.task_id.value,
        "t1"
    );

    // KILL, SHUTDOWN and MESSAGE are forwarded to the agent.
    let kill = Call {
        kill: Some(call::Kill { task_id: TaskId { value: "t1".into() }, ..Default::default() }),
        ..typed(call::Type::Kill)
    };
    assert_eq!(s.call(kill).await, 202);
    agent_event(&mut agent_events, agent_event::Type::KillTask).await;
    let shutdown = Call {
        shutdown: Some(call::Shutdown {
            executor_id: ExecutorId { value: "e".into() },
            agent_id: AgentId { value: agent_id.clone() },
        }),
        ..typed(call::Type::Shutdown)
    };
    assert_eq!(s.call(shutdown).await, 202);
    agent_event(&mut agent_events, agent_event::Type::ShutdownExecutor).await;
    let message = Call {
        message: Some(call::Message {
            agent_id: AgentId { value: agent_id.clone() },
            executor_id: ExecutorId { value: "e".into() },
            data: vec![0, 1, 2, 255],
        }),
        ..typed(call::Type::Message)
    };
    assert_eq!(s.call(message).await, 202);
    let forwarded = agent_event(&mut agent_events, agent_event::Type::FrameworkMessage).await;
    assert_eq!(forwarded.framework_message.unwrap().data, vec![0, 1, 2, 255]);

    // RECONCILE answers on the stream.
    let reconcile =
        Call { reconcile: Some(call::Reconcile { tasks: vec![] }), ..typed(call::Type::Reconcile) };
    assert_eq!(s.call(reconcile).await, 202);
    let update = s.next(event::Type::Update).await.update.unwrap().status;
    assert_eq!(update.task_id.value, "t1");
    assert!(update.uuid.is_none());

    // ACKNOWLEDGE needs a valid UUID: a bad one is a 400, a good one a 202.
    let ack = |uuid: Vec<u8>| Call {
        acknowledge: Some(call::Acknowledge {
            agent_id: AgentId { value: agent_id.clone() },
            task_id: TaskId { value: "t1".into() },
            uuid,
        }),
        ..typed(call::Type::Acknowledge)
    };
    assert_eq!(s.call(ack(vec![1, 2, 3])).await, 400);
    assert_eq!(s.call(ack(uuid::Uuid::new_v4().as_bytes().to_vec())).await, 202);

    // RECONCILE_OPERATIONS: unknown operations are OPERATION_UNKNOWN.
    let reconcile_ops = Call {
        reconcile_operations: Some(call::ReconcileOperations {
            operations: vec![call::reconcile_operations::Operation {
                operation_id: OperationId { value: "op".into() },
                ..Default::default()
            }],
        }),
        ..typed(call::Type::ReconcileOperations)
    };
    assert_eq!(s.call(reconcile_ops).await, 202);
    let status = s.next(event::Type::UpdateOperationStatus).await.update_operation_status.unwrap().status;
    assert_eq!(status.state, mesos_proto::v1::OperationState::OperationUnknown as i32);

    // The calls with nothing visible to do still answer 202.
    assert_eq!(
        s.call(Call { request: Some(call::Request { requests: vec![] }), ..typed(call::Type::Request) })
            .await,
        202
    );
    let inverse = Some(call::AcceptInverseOffers {
        inverse_offer_ids: vec![OfferId { value: "x".into() }],
        filters: None,
    });
    assert_eq!(
        s.call(Call { accept_inverse_offers: inverse, ..typed(call::Type::AcceptInverseOffers) }).await,
        202
    );
    let inverse = Some(call::DeclineInverseOffers { inverse_offer_ids: vec![], filters: None });
    assert_eq!(
        s.call(Call { decline_inverse_offers: inverse, ..typed(call::Type::DeclineInverseOffers) }).await,
        202
    );
    let ack_op = Call {
        acknowledge_operation_status: Some(call::AcknowledgeOperationStatus {
            agent_id: Some(AgentId { value: agent_id.clone() }),
            uuid: uuid::Uuid::new_v4().as_bytes().to_vec(),
            operation_id: OperationId { value: "op".into() },
            ..Default::default()
        }),
        ..typed(call::Type::AcknowledgeOperationStatus)
    };
    assert_eq!(s.call(ack_op).await, 202);

    // SUPPRESS and REVIVE.
    assert_eq!(s.call(typed(call::Type::Suppress)).await, 202);
    assert_eq!(s.call(typed(call::Type::Revive)).await, 202);

    // UPDATE_FRAMEWORK answers 200 and the new name shows in /state.
    let update = Call {
        update_framework: Some(call::UpdateFramework {
            framework_info: FrameworkInfo {
                user: "nobody".into(),
                name: "renamed".into(),
                id: Some(FrameworkId { value: s.id.clone() }),
                ..Default::default()
            },
            ..Default::default()
        }),
        ..typed(call::Type::UpdateFramework)
    };
    assert_eq!(s.call(update).await, 200);
    let state = get_json(m.addr, "/master/state").await;
    assert_eq!(state["frameworks"][0]["name"], "renamed");

    // An explicit UNKNOWN type is 501; a missing sub-message 400.
    assert_eq!(s.call(Call { r#type: Some(0), ..Default::default() }).await, 501);
    assert_eq!(s.call(typed(call::Type::Kill)).await, 400);

    // TEARDOWN ends everything.
    assert_eq!(s.call(typed(call::Type::Teardown)).await, 202);
    agent_event(&mut agent_events, agent_event::Type::ShutdownFramework).await;
    assert_eq!(s.call(typed(call::Type::Revive)).await, 400);
    m.stop().await;
}

#[tokio::test]
async fn every_call_in_json() {
    every_call(ContentType::Json).await;
}

#[tokio::test]
async fn every_call_in_protobuf() {
    every_call(ContentType::Protobuf).await;
}
