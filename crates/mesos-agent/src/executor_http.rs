//! `/api/v1/executor` (also under `/slave(1)`): the executor API's HTTP side, with the checks
//! in the order of scheduler-executor-api.md §1.8. SUBSCRIBE answers 200 with a RecordIO
//! stream of events in the negotiated encoding; every other call answers 202.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use mesos_agent_core::executors::ExecutorCallError;
use mesos_proto::media::{self, ContentType};
use mesos_proto::v1::executor::{Call, Event, call};
use tokio::sync::{mpsc, oneshot};

use crate::Input;

/// How often an executor's stream carries a HEARTBEAT (Mesos: 30 minutes, first one after
/// one interval; §1.7).
pub const EXECUTOR_HEARTBEAT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// A response body of any shape.
pub type HttpBody = BoxBody<Bytes, std::convert::Infallible>;

/// A plain-text response.
pub fn text(status: StatusCode, message: &str) -> Response<HttpBody> {
    let mut response = Response::new(http_body_util::Full::new(Bytes::from(message.to_string())).boxed());
    *response.status_mut() = status;
    response
}

/// Handles one executor API request; bodies over `max_body_bytes` (`--max_http_body_size`)
/// get 413.
pub async fn handle(
    request: Request<Incoming>,
    driver: mpsc::UnboundedSender<Input>,
    max_body_bytes: u64,
) -> Response<HttpBody> {
    match answer(request, driver, max_body_bytes).await {
        Ok(response) | Err(response) => response,
    }
}

async fn answer(
    request: Request<Incoming>,
    driver: mpsc::UnboundedSender<Input>,
    max_body_bytes: u64,
) -> Result<Response<HttpBody>, Response<HttpBody>> {
    if request.method() != Method::POST {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "Expecting 'POST'");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return Err(response);
    }
    let (parts, body) = request.into_parts();
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let format = match media::parse_content_type(content_type) {
        Ok(format) => format,
        Err(media::ContentTypeError::Missing) => {
            return Err(text(StatusCode::BAD_REQUEST, "Expecting 'Content-Type' to be present"));
        }
        Err(error) => return Err(text(StatusCode::UNSUPPORTED_MEDIA_TYPE, &error.to_string())),
    };
    // A declared Content-Length over the limit was refused by the server loop already; a
    // chunked body is cut off here.
    let limit = usize::try_from(max_body_bytes).unwrap_or(usize::MAX);
    let bytes = http_body_util::Limited::new(body, limit)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                text(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &mesos_http::server::body_too_large_message(max_body_bytes),
                )
            } else {
                text(StatusCode::BAD_REQUEST, &format!("Failed to read request body: {e}"))
            }
        })?
        .to_bytes();
    let call: Call = match format {
        ContentType::Json => mesos_proto::json::from_json_slice(&bytes)
            .map_err(|e| text(StatusCode::BAD_REQUEST, &mesos_proto::json::request_error_text(&e, "Call")))?,
        ContentType::Protobuf => mesos_proto::wire::decode_proto(&bytes).map_err(|e| {
            text(StatusCode::BAD_REQUEST, &format!("Failed to parse body into Call protobuf: {e}"))
        })?,
    };
    if call.r#type.is_none()
        && format == ContentType::Json
        && let Some(name) = mesos_proto::json::top_level_string(&bytes, "type")
    {
        return Err(text(
            StatusCode::BAD_REQUEST,
            &format!("Failed to validate Executor::Call: Unknown call type '{name}'"),
        ));
    }
    if let Err(message) = mesos_agent_core::executor_api::validate_executor_call(&call) {
        return Err(text(StatusCode::BAD_REQUEST, &format!("Failed to validate Executor::Call: {message}")));
    }
    let kind = call.r#type.and_then(|t| call::Type::try_from(t).ok()).unwrap_or(call::Type::Unknown);
    match kind {
        call::Type::Unknown => Err(text(StatusCode::NOT_IMPLEMENTED, "Call type UNKNOWN is not supported")),
        call::Type::Heartbeat => Ok(text(StatusCode::ACCEPTED, "")),
        call::Type::Subscribe => {
            let accept = parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
            let Some(stream_format) = media::negotiate_accept(accept) else {
                return Err(text(
                    StatusCode::NOT_ACCEPTABLE,
                    "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
                ));
            };
            let (events_tx, events_rx) = mpsc::unbounded_channel();
            let (reply_tx, reply_rx) = oneshot::channel();
            let subscribe =
                Input::ExecutorSubscribe { call: Box::new(call), events: events_tx, reply: reply_tx };
            let connection = ask(&driver, subscribe, reply_rx).await?;
            let first = tokio::time::Instant::now() + EXECUTOR_HEARTBEAT_INTERVAL;
            let heartbeat = tokio::time::interval_at(first, EXECUTOR_HEARTBEAT_INTERVAL);
            let body = EventBody { events: events_rx, format: stream_format, driver, connection, heartbeat };
            let mut response = Response::new(body.boxed());
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(stream_format.as_str()));
            Ok(response)
        }
        call::Type::Update | call::Type::Message => {
            let (reply_tx, reply_rx) = oneshot::channel();
            ask(&driver, Input::ExecutorCall { call: Box::new(call), reply: reply_tx }, reply_rx).await?;
            Ok(text(StatusCode::ACCEPTED, ""))
        }
    }
}

async fn ask<T>(
    driver: &mpsc::UnboundedSender<Input>,
    input: Input,
    reply: oneshot::Receiver<Result<T, ExecutorCallError>>,
) -> Result<T, Response<HttpBody>> {
    let unavailable = || text(StatusCode::SERVICE_UNAVAILABLE, "Agent is shutting down");
    driver.send(input).map_err(|_| unavailable())?;
    match reply.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => {
            let status = match error {
                ExecutorCallError::Recovering => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_REQUEST,
            };
            Err(text(status, &error.to_string()))
        }
        Err(_) => Err(unavailable()),
    }
}

/// An executor's event stream; tells the driver when the executor goes away.
struct EventBody {
    events: mpsc::UnboundedReceiver<Event>,
    format: ContentType,
    driver: mpsc::UnboundedSender<Input>,
    connection: u64,
    heartbeat: tokio::time::Interval,
}

impl EventBody {
    fn encode(&self, event: &Event) -> Frame<Bytes> {
        let payload = match self.format {
            ContentType::Json => mesos_proto::json::to_json_vec(event),
            ContentType::Protobuf => prost::Message::encode_to_vec(event),
        };
        Frame::data(Bytes::from(mesos_proto::recordio::frame(&payload)))
    }
}

impl Drop for EventBody {
    fn drop(&mut self) {
        let _ = self.driver.send(Input::ExecutorStreamClosed(self.connection));
    }
}

impl Body for EventBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.events.poll_recv(cx) {
            Poll::Ready(Some(event)) => return Poll::Ready(Some(Ok(self.encode(&event)))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        if self.heartbeat.poll_tick(cx).is_ready() {
            let heartbeat = Event {
                r#type: Some(mesos_proto::v1::executor::event::Type::Heartbeat as i32),
                ..Default::default()
            };
            return Poll::Ready(Some(Ok(self.encode(&heartbeat))));
        }
        Poll::Pending
    }
}
