//! The executor's side of the v1 Executor API: POSTing calls to the agent and reading the
//! SUBSCRIBE stream (protobuf, RecordIO framed). mesos-rs' command and default executors are
//! built on it; a custom Rust executor can be too (see `examples/`).

use std::collections::VecDeque;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use mesos_http::Connection;
use mesos_proto::recordio::RecordIoDecoder;
use mesos_proto::v1::executor::{Call, Event};
use mesos_proto::v1::{ExecutorId, FrameworkId};
use prost::Message;

/// Why talking to the agent failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The agent cannot be reached.
    #[error("cannot reach the agent: {0}")]
    Connect(String),
    /// The agent refused a call.
    #[error("the agent answered {status}: {body}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// Its message.
        body: String,
    },
    /// The event stream broke or carried garbage.
    #[error("executor event stream: {0}")]
    Stream(String),
    /// A variable the agent sets is missing.
    #[error("environment variable {0} is missing; executors are started by a Mesos agent")]
    Environment(&'static str),
}

const PROTOBUF: &str = "application/x-protobuf";
const PATH: &str = "/api/v1/executor";

/// Where the agent is and who this executor is.
#[derive(Clone, Debug)]
pub struct Agent {
    /// `ip:port` of the agent (`MESOS_AGENT_ENDPOINT`).
    pub endpoint: String,
    /// `MESOS_FRAMEWORK_ID`.
    pub framework_id: FrameworkId,
    /// `MESOS_EXECUTOR_ID`.
    pub executor_id: ExecutorId,
}

impl Agent {
    /// The agent and ids from the variables every agent sets for its executors
    /// (`MESOS_AGENT_ENDPOINT`, `MESOS_FRAMEWORK_ID`, `MESOS_EXECUTOR_ID`).
    pub fn from_vars(vars: &std::collections::BTreeMap<String, String>) -> Result<Agent, Error> {
        let get = |name: &'static str| {
            vars.get(name).filter(|v| !v.is_empty()).cloned().ok_or(Error::Environment(name))
        };
        Ok(Agent {
            endpoint: get("MESOS_AGENT_ENDPOINT")?,
            framework_id: FrameworkId { value: get("MESOS_FRAMEWORK_ID")? },
            executor_id: ExecutorId { value: get("MESOS_EXECUTOR_ID")? },
        })
    }

    /// A call envelope with this executor's ids.
    pub fn call(&self, kind: mesos_proto::v1::executor::call::Type) -> Call {
        Call {
            executor_id: self.executor_id.clone(),
            framework_id: self.framework_id.clone(),
            r#type: Some(kind as i32),
            ..Default::default()
        }
    }

    /// Sends a non-SUBSCRIBE call on `connection` (kept open between calls); the agent
    /// answers 202.
    pub async fn send(&self, connection: &mut Connection, call: &Call) -> Result<(), Error> {
        let (status, body) = connection
            .post(
                PATH,
                &[("Content-Type", PROTOBUF), ("Accept", PROTOBUF)],
                Bytes::from(call.encode_to_vec()),
            )
            .await
            .map_err(|e| Error::Connect(e.to_string()))?;
        if status != hyper::StatusCode::ACCEPTED {
            return Err(Error::Refused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).into(),
            });
        }
        Ok(())
    }

    /// A connection for [`Agent::send`].
    pub fn connection(&self) -> Connection {
        Connection::new(self.endpoint.clone())
    }

    /// SUBSCRIBEs and returns the event stream.
    pub async fn subscribe(&self, call: &Call) -> Result<EventStream, Error> {
        let response = Connection::new(self.endpoint.clone())
            .post_streaming(
                PATH,
                &[("Content-Type", PROTOBUF), ("Accept", PROTOBUF)],
                Bytes::from(call.encode_to_vec()),
            )
            .await
            .map_err(|e| Error::Connect(e.to_string()))?;
        let status = response.status();
        if status != hyper::StatusCode::OK {
            let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            return Err(Error::Refused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).into(),
            });
        }
        Ok(EventStream {
            body: response.into_body(),
            decoder: RecordIoDecoder::new(),
            ready: VecDeque::new(),
        })
    }
}

/// The agent's events to this executor.
pub struct EventStream {
    body: Incoming,
    decoder: RecordIoDecoder,
    ready: VecDeque<Event>,
}

impl EventStream {
    /// The next event; `None` when the agent closed the stream.
    pub async fn next(&mut self) -> Option<Result<Event, Error>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(Ok(event));
            }
            let frame = match self.body.frame().await? {
                Ok(frame) => frame,
                Err(e) => return Some(Err(Error::Stream(e.to_string()))),
            };
            let Ok(data) = frame.into_data() else { continue };
            let records = match self.decoder.decode(&data) {
                Ok(records) => records,
                Err(e) => return Some(Err(Error::Stream(e.to_string()))),
            };
            for record in records {
                match Event::decode(record.as_ref()) {
                    Ok(event) => self.ready.push_back(event),
                    Err(e) => return Some(Err(Error::Stream(e.to_string()))),
                }
            }
        }
    }
}
