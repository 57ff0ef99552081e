//! A scheduler speaking the v1 HTTP API in JSON, for the agent's end-to-end tests.
#![allow(dead_code)]

pub mod process;

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{Records, body_text, post};

const JSON: &str = "application/json";

/// A subscribed framework and its event stream.
pub struct Scheduler {
    pub master: SocketAddr,
    pub framework_id: String,
    pub stream_id: String,
    pub events: Records,
    /// Every (task, state) update seen, in order.
    pub seen: Vec<(String, String)>,
}

impl Scheduler {
    /// SUBSCRIBEs with `info` merged over a default FrameworkInfo (user root); with
    /// `framework_id`, as that framework failing over.
    pub async fn subscribe(master: SocketAddr, info: Value, framework_id: Option<&str>) -> Scheduler {
        let mut framework_info = json!({"user": "root", "name": "e2e"});
        if let (Some(base), Some(extra)) = (framework_info.as_object_mut(), info.as_object()) {
            base.extend(extra.clone());
        }
        let mut body = json!({"type": "SUBSCRIBE", "subscribe": {"framework_info": framework_info}});
        if let Some(id) = framework_id {
            body["framework_id"] = json!({"value": id});
            body["subscribe"]["framework_info"]["id"] = json!({"value": id});
        }
        let response =
            post(master, "/api/v1/scheduler", Some(JSON), &[("Accept", JSON)], body.to_string().into_bytes())
                .await;
        assert_eq!(response.status(), 200);
        let stream_id = response.headers()["mesos-stream-id"].to_str().expect("id").to_string();
        let mut events = Records::new(response);
        let subscribed = events.expect_json("SUBSCRIBED").await;
        let framework_id =
            subscribed["subscribed"]["framework_id"]["value"].as_str().expect("id").to_string();
        Scheduler { master, framework_id, stream_id, events, seen: Vec::new() }
    }

    /// Sends a call (framework id filled in) and expects 202.
    pub async fn call(&self, kind: &str, body: Value) {
        let mut call = json!({"type": kind, "framework_id": {"value": self.framework_id}});
        if let (Some(call), Some(body)) = (call.as_object_mut(), body.as_object()) {
            call.extend(body.clone());
        }
        let response = post(
            self.master,
            "/api/v1/scheduler",
            Some(JSON),
            &[("Mesos-Stream-Id", &self.stream_id)],
            call.to_string().into_bytes(),
        )
        .await;
        assert_eq!(response.status(), 202, "{kind}: {}", body_text(response).await);
    }

    /// The next offer.
    pub async fn offer(&mut self) -> Value {
        let offers = self.events.expect_json("OFFERS").await;
        offers["offers"]["offers"][0].clone()
    }

    /// Accepts the next offer with one operation.
    pub async fn accept(&mut self, operation: Value) {
        let offer = self.offer().await;
        self.call("ACCEPT", json!({"accept": {"offer_ids": [offer["id"]], "operations": [operation]}})).await;
    }

    /// Launches `tasks` on the next offer.
    pub async fn launch(&mut self, tasks: Vec<Value>) {
        self.accept(json!({"type": "LAUNCH", "launch": {"task_infos": tasks}})).await;
    }

    /// The next status update (acknowledged if reliable).
    pub async fn update(&mut self) -> Value {
        let event = self.events.expect_json("UPDATE").await;
        let status = event["update"]["status"].clone();
        if let Some(uuid) = status.get("uuid") {
            self.call(
                "ACKNOWLEDGE",
                json!({"acknowledge": {"agent_id": status["agent_id"], "task_id": status["task_id"], "uuid": uuid}}),
            )
            .await;
        }
        self.seen.push((
            status["task_id"]["value"].as_str().unwrap_or("").to_string(),
            status["state"].as_str().unwrap_or("").to_string(),
        ));
        status
    }

    /// Updates until `task` reaches `state`; returns the states seen for `task` and the last status.
    pub async fn until(&mut self, task: &str, state: &str) -> (Vec<String>, Value) {
        let mut states = Vec::new();
        loop {
            let status = self.update().await;
            if status["task_id"]["value"] != task {
                continue;
            }
            states.push(status["state"].as_str().unwrap_or("").to_string());
            if status["state"] == state {
                return (states, status);
            }
            assert!(states.len() < 20, "{task} never reached {state}: {states:?} (last {status})");
        }
    }

    /// The (task, state) updates arriving within `wait` of each other, to check nothing more comes.
    pub async fn quiet_for(&mut self, wait: Duration) -> Vec<(String, String)> {
        let mut late = Vec::new();
        while let Some(event) = self.events.next_json(wait).await {
            if event["type"] == "UPDATE" {
                let status = &event["update"]["status"];
                late.push((
                    status["task_id"]["value"].as_str().unwrap_or("").to_string(),
                    status["state"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
        late
    }
}

/// A task of 0.1 cpus and 32 MB running `command` (a CommandInfo as JSON).
pub fn task(id: &str, agent_id: &str, command: Value) -> Value {
    json!({
        "name": id,
        "task_id": {"value": id},
        "agent_id": {"value": agent_id},
        "resources": [
            {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
            {"name": "mem", "type": "SCALAR", "scalar": {"value": 32}}
        ],
        "command": command,
    })
}

/// `path` percent-encoded for a query string.
pub fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_./".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
