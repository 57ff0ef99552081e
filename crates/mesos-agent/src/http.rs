//! The agent's HTTP endpoints (operator-api.md §2.7, §2.8): `/slave(1)/state` (also `/state`,
//! `/state.json`), `/slave(1)/health`, `/slave(1)/flags`, `/version`, `/metrics/snapshot`,
//! `/containers`, `/monitor/statistics` and `/files/*`. The executor API is in
//! [`crate::executor_http`].

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use mesos_proto::media::query_param;
use mesos_types::resources::SummaryValue;
use mesos_types::{AttributeValue, Attributes, Resources, Time};
use serde_json::{Map, Value, json};

use crate::executor_http::{HttpBody, text};

/// What the endpoints show; the driver updates the live parts.
#[derive(Debug)]
pub struct AgentView {
    /// `slave(1)@ip:port`.
    pub pid: String,
    /// Advertised hostname.
    pub hostname: String,
    /// Total resources.
    pub resources: Resources,
    /// Attributes.
    pub attributes: Attributes,
    /// Every flag with a value.
    pub flags: Vec<(String, String)>,
    /// When the agent started.
    pub start_time: Time,
    /// When the agent started, by the wall clock (shown in `/state`).
    pub start_wall_time: Time,
    /// Live: the agent id, once registered.
    pub id: Mutex<Option<String>>,
    /// Live: whether it is registered now.
    pub registered: Mutex<bool>,
    /// Live: the master's hostname while registered.
    pub master_hostname: Mutex<Option<String>>,
    /// Virtual paths served by `/files`.
    pub files: crate::files::Files,
    /// `--work_dir`.
    pub work_dir: String,
    /// Which usage figures `--isolation` reports.
    pub reported: crate::state::Reported,
    /// The driver, for the executor API and live state.
    pub driver: tokio::sync::mpsc::UnboundedSender<crate::Input>,
}

/// Resources as the model summary (operator-api.md §0.5).
pub fn model(resources: &Resources) -> Value {
    let mut out = Map::new();
    for name in ["cpus", "gpus", "mem", "disk"] {
        out.insert(name.to_string(), json!(0));
    }
    for (name, value) in resources.summary() {
        let value = match value {
            SummaryValue::Scalar(scalar) => {
                let v = scalar.to_f64();
                if v.fract() == 0.0 { json!(v as i64) } else { json!(v) }
            }
            SummaryValue::Text(text) => json!(text),
        };
        out.insert(name, value);
    }
    Value::Object(out)
}

fn attributes(attributes: &Attributes) -> Value {
    let mut out = Map::new();
    for attribute in attributes.iter() {
        let value = match &attribute.value {
            AttributeValue::Scalar(scalar) => json!(scalar.to_f64()),
            AttributeValue::Ranges(ranges) => json!(ranges.to_string()),
            AttributeValue::Text(text) => json!(text),
        };
        out.insert(attribute.name.clone(), value);
    }
    Value::Object(out)
}

fn lock<T: Clone>(value: &Mutex<T>) -> T {
    // A poisoned lock only means a writer panicked mid-update of a plain value.
    match value.lock() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

fn state(view: &AgentView, frameworks: (Value, Value)) -> Value {
    let flags: Map<String, Value> = view.flags.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let mut value = json!({
        "version": "1.12.0",
        "mesos_rs_version": env!("CARGO_PKG_VERSION"),
        "id": lock(&view.id).unwrap_or_default(),
        "pid": view.pid,
        "hostname": view.hostname,
        "capabilities": crate::CAPABILITIES,
        "resources": model(&view.resources),
        "reserved_resources": {},
        "unreserved_resources": model(&view.resources.unreserved()),
        "attributes": attributes(&view.attributes),
        "start_time": view.start_wall_time.as_nanos() as f64 / 1e9,
        "flags": flags,
        "frameworks": frameworks.0,
        "completed_frameworks": frameworks.1,
    });
    if let Some(master) = lock(&view.master_hostname) {
        value["master_hostname"] = json!(master);
    }
    value
}

/// `/metrics/snapshot`; `allocated` is the core's [`AgentCore::allocated_resources`](mesos_agent_core::AgentCore::allocated_resources).
fn metrics(view: &AgentView, now: Time, counts: Vec<(&'static str, f64)>, allocated: &Resources) -> Value {
    let mut out = Map::new();
    out.insert("slave/uptime_secs".into(), json!(now.saturating_since(view.start_time).as_secs_f64()));
    out.insert("slave/registered".into(), json!(if lock(&view.registered) { 1.0 } else { 0.0 }));
    let used = allocated.non_revocable();
    let revocable_used = allocated.revocable();
    // Mesos' `_percent` gauges are fractions of the total (0 when there is none).
    let fraction = |used: f64, total: f64| if total == 0.0 { 0.0 } else { used / total };
    for name in ["cpus", "mem", "disk", "gpus"] {
        let total = view.resources.scalar(name).to_f64();
        let used = used.scalar(name).to_f64();
        out.insert(format!("slave/{name}_total"), json!(total));
        out.insert(format!("slave/{name}_used"), json!(used));
        out.insert(format!("slave/{name}_percent"), json!(fraction(used, total)));
        // The agent offers no oversubscribed (revocable) resources, so their total is 0;
        // what is used of them is still reported as it is.
        let revocable_total = view.resources.revocable().scalar(name).to_f64();
        let revocable_used = revocable_used.scalar(name).to_f64();
        out.insert(format!("slave/{name}_revocable_total"), json!(revocable_total));
        out.insert(format!("slave/{name}_revocable_used"), json!(revocable_used));
        out.insert(
            format!("slave/{name}_revocable_percent"),
            json!(fraction(revocable_used, revocable_total)),
        );
    }
    for (name, value) in counts {
        out.insert(name.to_string(), json!(value));
    }
    Value::Object(out)
}

/// Asks the driver to run `question` against the core; `None` if the agent is stopping.
async fn query<T: Send + 'static>(
    view: &AgentView,
    question: impl FnOnce(&mesos_agent_core::AgentCore, &crate::Containers) -> T + Send + 'static,
) -> Option<T> {
    let (reply_tx, reply_rx) = tokio::sync::oneshot::channel();
    let ask = Box::new(move |core: &mesos_agent_core::AgentCore, containers: &crate::Containers| {
        let _ = reply_tx.send(question(core, containers));
    });
    view.driver.send(crate::Input::Query(ask)).ok()?;
    reply_rx.await.ok()
}

/// Handles one request.
pub async fn handle(request: Request<Incoming>, view: Arc<AgentView>) -> Response<HttpBody> {
    let path = request.uri().path().trim_end_matches('/');
    let path = path.strip_prefix("/slave(1)").unwrap_or(path).to_string();
    if let Some(endpoint) = path.strip_prefix("/files/") {
        let query = request.uri().query().unwrap_or("").to_string();
        return files_endpoint(endpoint, &query, view).await;
    }
    let unavailable = || text(StatusCode::SERVICE_UNAVAILABLE, "The agent is stopping");
    let body = match path.as_str() {
        "/state" | "/state.json" => match query(&view, |core, _| crate::state::frameworks(core)).await {
            Some(frameworks) => Some(state(&view, frameworks)),
            None => return unavailable(),
        },
        "/containers" | "/monitor/statistics" | "/monitor/statistics.json" => {
            // One pass over /proc for every container of the request, on the blocking pool
            // rather than the driver's task.
            let processes = tokio::task::spawn_blocking(mesos_containerizer::ProcessTable::scan)
                .await
                .unwrap_or_default();
            let containers = path == "/containers";
            let reported = view.reported;
            let answer = query(&view, move |core, handles| {
                if containers {
                    crate::state::containers(core, handles, &processes, reported)
                } else {
                    crate::state::monitor(core, handles, &processes, reported)
                }
            });
            match answer.await {
                Some(value) => Some(value),
                None => return unavailable(),
            }
        }
        "/flags" => {
            let flags: Map<String, Value> = view.flags.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            Some(json!({ "flags": flags }))
        }
        "/version" => Some(json!({"version": "1.12.0", "mesos_rs_version": env!("CARGO_PKG_VERSION")})),
        "/metrics/snapshot" => {
            let (counts, allocated) =
                query(&view, |core, _| (crate::state::counts(core), core.allocated_resources()))
                    .await
                    .unwrap_or_default();
            Some(metrics(&view, crate::now(), counts, &allocated))
        }
        "/health" => return text(StatusCode::OK, ""),
        _ => None,
    };
    match body {
        Some(value) => {
            let mut response = Response::new(Full::new(Bytes::from(value.to_string())).boxed());
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        None => text(StatusCode::NOT_FOUND, &format!("No route for '{path}'")),
    }
}

/// `/files/*`. Every file system call runs on tokio's blocking pool, so a slow or stuck file
/// system holds a blocking thread, never the async workers that answer `/health` and the
/// executors.
async fn files_endpoint(endpoint: &str, query: &str, view: Arc<AgentView>) -> Response<HttpBody> {
    if endpoint == "debug" {
        return json_response(view.files.debug());
    }
    let Some(path) = query_param(query, "path") else {
        return text(StatusCode::BAD_REQUEST, "Expecting 'path' query parameter");
    };
    let number = |name: &str| -> Result<i64, String> {
        match query_param(query, name) {
            None => Ok(-1),
            Some(text) => {
                text.parse().map_err(|_| format!("Failed to parse '{name}': '{text}' is not a number"))
            }
        }
    };
    let wanted = match endpoint {
        "browse" => FilesCall::Browse,
        "read" => match (number("offset"), number("length")) {
            (Ok(offset), Ok(length)) => FilesCall::Read { offset, length },
            (Err(message), _) | (_, Err(message)) => return text(StatusCode::BAD_REQUEST, &message),
        },
        "download" => FilesCall::Download,
        other => return text(StatusCode::NOT_FOUND, &format!("No route for '/files/{other}'")),
    };
    tokio::task::spawn_blocking(move || files_call(&view.files, wanted, &path)).await.unwrap_or_else(|e| {
        text(StatusCode::INTERNAL_SERVER_ERROR, &format!("Failed to serve '{endpoint}': {e}"))
    })
}

/// A `/files` request, its parameters parsed.
#[derive(Debug, Clone, Copy)]
enum FilesCall {
    Browse,
    Read { offset: i64, length: i64 },
    Download,
}

/// Answers `call` for `path`; blocking.
fn files_call(files: &crate::files::Files, call: FilesCall, path: &str) -> Response<HttpBody> {
    let result = match call {
        FilesCall::Browse => files.browse(path).map(json_response),
        FilesCall::Read { offset, length } => files.read(path, offset, length).map(json_response),
        FilesCall::Download => files.download(path).map(|download| {
            let (size, content_type) = (download.size, download.content_type);
            let disposition = HeaderValue::from_str(&format!("attachment; filename={}", download.name));
            let mut response = Response::new(download.into_body().boxed());
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
            if let Ok(value) = disposition {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }),
    };
    result.unwrap_or_else(|e| {
        text(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST), &e.to_string())
    })
}

fn json_response(value: Value) -> Response<HttpBody> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())).boxed());
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
