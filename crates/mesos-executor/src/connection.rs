//! The executor's side of the v1 executor API: POSTing calls to the agent and reading the
//! SUBSCRIBE stream (protobuf, RecordIO framed).

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use mesos_proto::recordio::RecordIoDecoder;
use mesos_proto::v1::executor::{Call, Event};
use mesos_proto::v1::{ExecutorId, FrameworkId};
use prost::Message;

use crate::Error;

const PROTOBUF: &str = "application/x-protobuf";

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
    /// A call envelope with this executor's ids.
    pub fn call(&self, kind: mesos_proto::v1::executor::call::Type) -> Call {
        Call {
            executor_id: self.executor_id.clone(),
            framework_id: self.framework_id.clone(),
            r#type: Some(kind as i32),
            ..Default::default()
        }
    }

    /// Sends a non-SUBSCRIBE call; the agent answers 202.
    pub async fn send(&self, call: &Call) -> Result<(), Error> {
        let response = self.post(call).await?;
        let status = response.status();
        if status != hyper::StatusCode::ACCEPTED {
            let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            return Err(Error::Refused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).into(),
            });
        }
        Ok(())
    }

    /// SUBSCRIBEs and returns the event stream.
    pub async fn subscribe(&self, call: &Call) -> Result<EventStream, Error> {
        let response = self.post(call).await?;
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

    async fn post(&self, call: &Call) -> Result<hyper::Response<Incoming>, Error> {
        let connect = tokio::net::TcpStream::connect(&self.endpoint);
        let stream = tokio::time::timeout(Duration::from_secs(10), connect)
            .await
            .map_err(|_| Error::Connect(format!("timed out connecting to {}", self.endpoint)))?
            .map_err(|e| Error::Connect(format!("{}: {e}", self.endpoint)))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Error::Connect(e.to_string()))?;
        tokio::spawn(connection);
        let request = hyper::Request::post(format!("http://{}/api/v1/executor", self.endpoint))
            .header("Host", &self.endpoint)
            .header("Content-Type", PROTOBUF)
            .header("Accept", PROTOBUF)
            .body(Full::new(Bytes::from(call.encode_to_vec())))
            .map_err(|e| Error::Connect(e.to_string()))?;
        sender.send_request(request).await.map_err(|e| Error::Connect(e.to_string()))
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
