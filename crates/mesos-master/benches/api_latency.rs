#![allow(missing_docs)] // criterion_group! generates undocumented items
//! Latencies through a real master over loopback HTTP:
//! - SUBSCRIBE to the first OFFERS event (subscription, prompt allocation, offer encoding);
//! - ACCEPT to the RUN_TASK event on the agent's stream (validation, launch, forwarding).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::*;
use criterion::{Criterion, criterion_group, criterion_main};
use mesos_proto::internal::{AgentEvent, agent_event};
use prost::Message;
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(10);

async fn subscribe(addr: std::net::SocketAddr, name: &str) -> (Records, String, String) {
    let body = json!({"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "bench", "name": name}}});
    let response =
        post(addr, "/api/v1/scheduler", Some("application/json"), &[], body.to_string().into_bytes()).await;
    let stream_id = response.headers()["mesos-stream-id"].to_str().expect("stream id").to_string();
    let mut records = Records::new(response);
    let subscribed = records.expect_json("SUBSCRIBED").await;
    let id = subscribed["subscribed"]["framework_id"]["value"].as_str().expect("id").to_string();
    (records, stream_id, id)
}

fn benches(c: &mut Criterion) {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (master, mut agent_stream) = runtime.block_on(async {
        let master = master(&["--allocation_interval=1secs"]).await;
        let (_, _, agent) = register_agent(master.addr, "bench-agent", "cpus:100000;mem:100000000").await;
        (master, agent)
    });
    let addr = master.addr;

    c.bench_function("subscribe_to_first_offer", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for i in 0..iterations {
                    let start = Instant::now();
                    let (mut events, _, id) = subscribe(addr, &format!("fw-{i}")).await;
                    events.expect_json("OFFERS").await;
                    total += start.elapsed();
                    let form = format!("frameworkId={id}").into_bytes();
                    post(addr, "/master/teardown", Some("application/x-www-form-urlencoded"), &[], form)
                        .await;
                }
                total
            })
        })
    });

    let (mut events, stream_id, framework_id) = runtime.block_on(subscribe(addr, "accepting"));
    let mut task = 0u64;
    c.bench_function("accept_to_agent", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let offers = events.expect_json("OFFERS").await;
                    let offer: &Value = &offers["offers"]["offers"][0];
                    task += 1;
                    let accept = json!({
                        "type": "ACCEPT",
                        "framework_id": {"value": framework_id},
                        "accept": {
                            "offer_ids": [offer["id"]],
                            "operations": [{"type": "LAUNCH", "launch": {"task_infos": [{
                                "name": "t",
                                "task_id": {"value": format!("t{task}")},
                                "agent_id": offer["agent_id"],
                                "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.01}}],
                                "command": {"value": "true"}
                            }]}}],
                            "filters": {"refuse_seconds": 0.0}
                        }
                    });
                    let start = Instant::now();
                    let response = post(
                        addr,
                        "/api/v1/scheduler",
                        Some("application/json"),
                        &[("Mesos-Stream-Id", &stream_id)],
                        accept.to_string().into_bytes(),
                    )
                    .await;
                    assert_eq!(response.status(), 202);
                    loop {
                        let bytes = agent_stream.next(WAIT).await.expect("agent event");
                        let event = AgentEvent::decode(bytes.as_slice()).expect("agent event decodes");
                        if event.r#type == Some(agent_event::Type::RunTask as i32) {
                            break;
                        }
                    }
                    total += start.elapsed();
                }
                total
            })
        })
    });
    runtime.block_on(master.stop());
}

criterion_group! {
    name = latency;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(latency);
