//! A small HTTP client for driving a real master over loopback.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use mesos_master::flags::MasterFlags;
use mesos_master::{MasterHandle, start};
use mesos_proto::recordio::RecordIoDecoder;
use tokio::net::TcpStream;

/// Starts an in-memory master on an ephemeral loopback port with `extra` flags.
pub async fn master(extra: &[&str]) -> MasterHandle {
    let mut args =
        vec!["--ip=127.0.0.1".to_string(), "--port=0".to_string(), "--registry=in_memory".to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    let (_, flags) = MasterFlags::load(args, std::iter::empty()).expect("test flags");
    start(flags).await.expect("master starts")
}

/// Starts a master with a durable registry in `work_dir`.
pub async fn durable_master(work_dir: &std::path::Path, extra: &[&str]) -> MasterHandle {
    let mut args = vec![
        "--ip=127.0.0.1".to_string(),
        "--port=0".to_string(),
        format!("--work_dir={}", work_dir.display()),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let (_, flags) = MasterFlags::load(args, std::iter::empty()).expect("test flags");
    start(flags).await.expect("master starts")
}

/// Polls `path` on `addr` until `check` holds (elections and failovers take a few round
/// trips), for up to 30 s.
pub async fn eventually(
    addr: SocketAddr,
    path: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    for _ in 0..300 {
        let value = get_json(addr, path).await;
        if check(&value) {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} on {addr} never satisfied the check");
}

/// Sends one request on a fresh connection.
pub async fn send(addr: SocketAddr, request: Request<Full<Bytes>>) -> Response<Incoming> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(connection);
    sender.send_request(request).await.expect("request")
}

pub fn request(method: &str, addr: SocketAddr, path: &str) -> hyper::http::request::Builder {
    Request::builder().method(method).uri(format!("http://{addr}{path}")).header("Host", addr.to_string())
}

/// POST `body` with `content_type` (and optional headers) to `path`.
pub async fn post(
    addr: SocketAddr,
    path: &str,
    content_type: Option<&str>,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Response<Incoming> {
    let mut builder = request("POST", addr, path);
    if let Some(content_type) = content_type {
        builder = builder.header("Content-Type", content_type);
    }
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    send(addr, builder.body(Full::new(Bytes::from(body))).expect("request")).await
}

pub async fn get(addr: SocketAddr, path: &str) -> Response<Incoming> {
    send(addr, request("GET", addr, path).body(Full::new(Bytes::new())).expect("request")).await
}

pub async fn body_text(response: Response<Incoming>) -> String {
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub async fn get_json(addr: SocketAddr, path: &str) -> serde_json::Value {
    let response = get(addr, path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    serde_json::from_str(&body_text(response).await).expect("JSON body")
}

/// Reads RecordIO records from a streaming response.
pub struct Records {
    body: Incoming,
    decoder: RecordIoDecoder,
    ready: std::collections::VecDeque<Vec<u8>>,
}

impl Records {
    pub fn new(response: Response<Incoming>) -> Records {
        Records {
            body: response.into_body(),
            decoder: RecordIoDecoder::with_max_record_len(1 << 24),
            ready: Default::default(),
        }
    }

    /// The next record, or None when the stream ends or nothing comes within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Vec<u8>> {
        loop {
            if let Some(record) = self.ready.pop_front() {
                return Some(record);
            }
            let frame = tokio::time::timeout(wait, self.body.frame()).await.ok()??.ok()?;
            if let Ok(data) = frame.into_data() {
                for record in self.decoder.decode(&data).expect("valid RecordIO") {
                    self.ready.push_back(record.to_vec());
                }
            }
        }
    }

    /// The next record decoded as JSON.
    pub async fn next_json(&mut self, wait: Duration) -> Option<serde_json::Value> {
        let record = self.next(wait).await?;
        Some(serde_json::from_slice(&record).expect("JSON record"))
    }

    /// Skips records until one whose JSON `type` is `kind`.
    pub async fn expect_json(&mut self, kind: &str) -> serde_json::Value {
        loop {
            let event =
                self.next_json(Duration::from_secs(10)).await.unwrap_or_else(|| panic!("no {kind} event"));
            if event["type"] == kind {
                return event;
            }
        }
    }
}

/// Registers a scripted agent over protobuf; returns its id, stream id and event stream.
pub async fn register_agent(addr: SocketAddr, hostname: &str, resources: &str) -> (String, String, Records) {
    use mesos_proto::convert::{ResourceFormat, resources_to_proto};
    use mesos_proto::internal::{AgentCall, AgentEvent, agent_call};
    use prost::Message;
    let resources = mesos_types::Resources::parse(resources, "*").expect("agent resources");
    let call = AgentCall {
        r#type: Some(agent_call::Type::Register as i32),
        register: Some(agent_call::Register {
            agent_info: mesos_proto::v1::AgentInfo {
                hostname: hostname.into(),
                port: Some(5051),
                resources: resources_to_proto(&resources, ResourceFormat::CANONICAL),
                ..Default::default()
            },
            pid: Some("slave(1)@127.0.0.1:5051".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let protobuf = "application/x-protobuf";
    let response =
        post(addr, "/master/api/v1/agent", Some(protobuf), &[("Accept", protobuf)], call.encode_to_vec())
            .await;
    assert_eq!(response.status(), 200, "agent registration");
    let stream_id = response.headers()["mesos-stream-id"].to_str().expect("stream id").to_string();
    let mut events = Records::new(response);
    let registered =
        AgentEvent::decode(events.next(Duration::from_secs(10)).await.expect("REGISTERED").as_slice())
            .expect("agent event");
    let id = registered.registered.expect("registered body").agent_id.value;
    (id, stream_id, events)
}

/// Sends the raw `request` bytes on `stream` and returns the response's head and (Content-Length) body.
pub async fn raw_exchange(stream: &mut TcpStream, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(request).await.expect("send");
    let mut response = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&response).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if response.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .expect("a response within 10s")
            .expect("read");
        assert!(n > 0, "closed mid-response after {:?}", String::from_utf8_lossy(&response));
        response.extend_from_slice(&chunk[..n]);
    }
}
