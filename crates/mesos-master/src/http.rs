//! HTTP: routing with libprocess' rules, the scheduler and agent APIs, and the classic
//! endpoints (operator-api.md §0.1, §2; scheduler-executor-api.md §1).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use mesos_master_core::{AgentReply, Master, SchedulerReply};
use mesos_proto::internal::AgentCall;
use mesos_proto::media::{self, ContentType};
use mesos_proto::v1::MasterInfo;
use mesos_proto::v1::scheduler::{Call, call};
use mesos_types::Time;
use tokio::sync::{mpsc, oneshot, watch};

use crate::driver::{ChannelBody, Command, STREAM_BUFFER, Sink, StreamKind};
use crate::endpoints;
pub use mesos_proto::media::query_param;

/// The web UI: one static page that renders `/master/state` (no logic in Rust).
const WEB_UI: &str = include_str!("../../../webui/index.html");

/// The response body type of every handler.
pub type Body = BoxBody<Bytes, Infallible>;

/// What every request handler can reach.
pub struct Shared {
    /// The actor's command queue.
    pub actor: mpsc::UnboundedSender<Command>,
    /// Static information for endpoints (flags, version, cluster).
    pub info: endpoints::StaticInfo,
    /// Whether the registry can be written (`/master/health`).
    pub registrar: Arc<crate::registrar::Health>,
    /// `--max_http_body_size`: larger bodies get 413 (declared ones before they are read, by
    /// the server loop; chunked ones here, once they pass it).
    pub max_body_bytes: u64,
    /// Who leads; until this master does, it answers as a standby.
    pub leadership: watch::Receiver<Leadership>,
    /// This master's MasterInfo.
    pub own: MasterInfo,
    next_conn: AtomicU64,
}

/// Who leads, as this master knows it.
#[derive(Clone, Debug, Default)]
pub struct Leadership {
    /// Whether this master leads (its actor runs and serves requests).
    pub elected: bool,
    /// The leading master, once one is known.
    pub leader: Option<MasterInfo>,
    /// Why no leader can be known, while that lasts (ZooKeeper unreachable).
    pub problem: Option<String>,
}

impl Shared {
    /// Shared state around an actor.
    pub fn new(
        actor: mpsc::UnboundedSender<Command>,
        info: endpoints::StaticInfo,
        registrar: Arc<crate::registrar::Health>,
        max_body_bytes: u64,
        leadership: watch::Receiver<Leadership>,
        own: MasterInfo,
    ) -> Shared {
        Shared { actor, info, registrar, max_body_bytes, leadership, own, next_conn: AtomicU64::new(1) }
    }

    fn conn(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }
}

/// Maps a request path onto the master's routes: unknown first segments belong to the
/// `master` process, trailing slashes do not matter.
pub fn normalize_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
    let first = trimmed.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "master" | "metrics" | "version" | "registrar(1)" | "files" | "help" | "logging" => {
            trimmed.to_string()
        }
        "" => "/master".to_string(),
        _ => format!("/master{trimmed}"),
    }
}

/// Handles one request.
pub async fn handle(request: Request<Incoming>, shared: Arc<Shared>) -> Result<Response<Body>, Infallible> {
    let path = normalize_path(request.uri().path());
    let query = request.uri().query().unwrap_or("").to_string();
    let leadership = shared.leadership.borrow().clone();
    if !leadership.elected {
        return Ok(standby(&request, &path, &query, &shared, &leadership));
    }
    let response = match path.as_str() {
        "/master/api/v1/scheduler" => scheduler_api(request, &shared).await,
        "/master/api/v1/agent" => agent_api(request, &shared).await,
        "/master" | "/master/index.html" if shared.info.webui_dir.is_some() => {
            webui_file(shared.info.webui_dir.as_deref(), "index.html").await
        }
        p if shared.info.webui_dir.is_some()
            && (p.starts_with("/master/app/") || p.starts_with("/master/assets/")) =>
        {
            webui_file(shared.info.webui_dir.as_deref(), &p["/master/".len()..]).await
        }
        "/master" | "/master/index.html" => web_ui(),
        "/master/health" => match shared.registrar.failing() {
            None => text(StatusCode::OK, ""),
            Some(error) => {
                text(StatusCode::SERVICE_UNAVAILABLE, &format!("The registry cannot be written: {error}"))
            }
        },
        "/master/redirect" => {
            redirect(Some(format!("//{}:{}", shared.info.hostname, shared.info.port)), None)
        }
        "/version" => json(&query, endpoints::version()),
        "/master/flags" => json(&query, endpoints::flags(&shared.info)),
        "/master/teardown" => teardown(request, &shared).await,
        "/master/state" | "/master/state.json" => read(&shared, &query, endpoints::state).await,
        "/master/state-summary" => {
            read(&shared, &query, |m, _, info| endpoints::state_summary(m, info)).await
        }
        "/master/frameworks" => {
            let filter = query_param(&query, "framework_id");
            read(&shared, &query, move |m, _, _| endpoints::frameworks(m, filter.as_deref())).await
        }
        "/master/slaves" => {
            let filter = query_param(&query, "slave_id");
            read(&shared, &query, move |m, _, _| endpoints::slaves(m, filter.as_deref())).await
        }
        "/master/tasks" => {
            let params = endpoints::TaskQuery::parse(&query);
            read(&shared, &query, move |m, _, _| endpoints::tasks(m, &params)).await
        }
        "/master/roles" => read(&shared, &query, |m, _, _| endpoints::roles(m)).await,
        "/registrar(1)/registry" => read(&shared, &query, |m, _, _| endpoints::registry(m)).await,
        "/metrics/snapshot" => read(&shared, &query, |m, now, _| endpoints::metrics_json(m, now)).await,
        "/metrics" => {
            let (tx, rx) = oneshot::channel();
            let command = Command::Read(Box::new(move |m: &Master, now: Time| {
                let _ = tx.send(endpoints::metrics_prometheus(m, now));
            }));
            match ask(&shared, command, rx).await {
                Some(body) => {
                    let mut response = Response::new(full(body));
                    response.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                    );
                    response
                }
                None => unavailable(),
            }
        }
        _ => text(StatusCode::NOT_FOUND, &format!("No route for '{}'", request.uri().path())),
    };
    Ok(response)
}

/// How a master that does not lead answers (operator-api.md §0.2): what it can say itself
/// (its version, flags, health, who leads), and a redirect to the leader for the rest.
fn standby(
    request: &Request<Incoming>,
    path: &str,
    query: &str,
    shared: &Shared,
    leadership: &Leadership,
) -> Response<Body> {
    let leader_location =
        |suffix: &str| leadership.leader.as_ref().map(|leader| format!("//{}{suffix}", authority(leader)));
    match path {
        "/version" => json(query, endpoints::version()),
        "/master/flags" => json(query, endpoints::flags(&shared.info)),
        "/master/health" => text(StatusCode::OK, ""),
        "/master/state" | "/master/state.json" => {
            json(query, endpoints::standby_state(&shared.own, leadership.leader.as_ref(), &shared.info))
        }
        "/metrics/snapshot" => json(query, serde_json::json!({ "master/elected": 0.0 })),
        "/master" | "/master/index.html" => web_ui(),
        "/master/redirect" => redirect(leader_location(""), leadership.problem.as_deref()),
        _ => {
            let original = request.uri().path_and_query().map_or(request.uri().path(), |p| p.as_str());
            redirect(leader_location(original), leadership.problem.as_deref())
        }
    }
}

/// The built-in web UI page.
fn web_ui() -> Response<Body> {
    let mut response = Response::new(full(WEB_UI));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// `host:port` of a master, as Mesos puts it into redirects: its hostname, else its IP.
fn authority(info: &MasterInfo) -> String {
    let address = info.address.as_ref();
    let host = address
        .and_then(|a| a.hostname.clone())
        .or_else(|| info.hostname.clone())
        .or_else(|| address.and_then(|a| a.ip.clone()))
        .unwrap_or_else(|| std::net::Ipv4Addr::from(info.ip.to_le_bytes()).to_string());
    let port = address.map_or(info.port, |a| a.port as u32);
    format!("{host}:{port}")
}

/// 307 to `location`, or 503 while no master leads (saying why, if this master knows).
fn redirect(location: Option<String>, problem: Option<&str>) -> Response<Body> {
    let Some(location) = location else {
        let message = match problem {
            Some(problem) => format!("No master is currently leading: this master {problem}"),
            None => "No master is currently leading; try again shortly".to_string(),
        };
        return text(StatusCode::SERVICE_UNAVAILABLE, &message);
    };
    let mut response = text(StatusCode::TEMPORARY_REDIRECT, "");
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A decoded API call with what the response depends on.
struct ApiRequest<M> {
    call: M,
    /// Encoding of the request (and of a non-streaming response).
    format: ContentType,
    accept: Option<String>,
    stream_header: Option<String>,
    /// The JSON body's `type`, when it was a string: names a call type the call could not take.
    json_type: Option<String>,
}

/// The transport rules shared by the scheduler and agent APIs: POST only, a supported
/// Content-Type, a bounded body, a call that decodes with its required fields.
async fn decode_request<M>(
    request: Request<Incoming>,
    name: &str,
    max_body_bytes: u64,
) -> Result<ApiRequest<M>, Response<Body>>
where
    M: prost::Message + Default + mesos_proto::json::JsonMessage + mesos_proto::wire::RequiredFields,
{
    let (parts, body) = check_post(request)?;
    let format = request_format(&parts.headers)?;
    let bytes = read_body(body, max_body_bytes).await?;
    let call = decode_call(&bytes, format, name)?;
    let json_type = match format {
        ContentType::Json => mesos_proto::json::top_level_string(&bytes, "type"),
        ContentType::Protobuf => None,
    };
    Ok(ApiRequest {
        call,
        json_type,
        format,
        accept: header_str(&parts.headers, header::ACCEPT),
        stream_header: header_str(&parts.headers, "mesos-stream-id"),
    })
}

/// The encoding of a streaming response, from the request's `Accept` (406 if neither).
#[allow(clippy::result_large_err)]
fn stream_format(accept: Option<&str>) -> Result<ContentType, Response<Body>> {
    media::negotiate_accept(accept).ok_or_else(|| {
        text(
            StatusCode::NOT_ACCEPTABLE,
            "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
        )
    })
}

/// The write side for the actor and the response body, for a call answered with a stream.
fn open_stream(shared: &Shared, kind: StreamKind, conn: u64, format: ContentType) -> (Sink, ChannelBody) {
    let (tx, rx) = mpsc::channel(STREAM_BUFFER);
    (Sink { tx, format }, ChannelBody::new(rx, shared.actor.clone(), kind, conn))
}

/// What either API's core answered, as HTTP.
enum Answer {
    Accepted,
    Ok,
    Stream(String),
    Error(u16, String),
}

impl From<SchedulerReply> for Answer {
    fn from(reply: SchedulerReply) -> Answer {
        match reply {
            SchedulerReply::Accepted => Answer::Accepted,
            SchedulerReply::Ok => Answer::Ok,
            SchedulerReply::Stream { stream_id } => Answer::Stream(stream_id),
            SchedulerReply::Error { status, message } => Answer::Error(status, message),
        }
    }
}

impl From<AgentReply> for Answer {
    fn from(reply: AgentReply) -> Answer {
        match reply {
            AgentReply::Accepted => Answer::Accepted,
            AgentReply::Stream { stream_id } => Answer::Stream(stream_id),
            AgentReply::Error { status, message } => Answer::Error(status, message),
        }
    }
}

fn respond(answer: Answer, body: Option<ChannelBody>, format: ContentType) -> Response<Body> {
    match answer {
        Answer::Accepted => text(StatusCode::ACCEPTED, ""),
        Answer::Ok => text(StatusCode::OK, ""),
        Answer::Error(status, message) => {
            text(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST), &message)
        }
        Answer::Stream(stream_id) => match body {
            Some(body) => stream_response(body, format, &stream_id),
            None => text(StatusCode::INTERNAL_SERVER_ERROR, "stream without a body"),
        },
    }
}

async fn scheduler_api(request: Request<Incoming>, shared: &Shared) -> Response<Body> {
    let request: ApiRequest<Call> = match decode_request(request, "Call", shared.max_body_bytes).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    if let (None, Some(name)) = (request.call.r#type, &request.json_type) {
        return text(
            StatusCode::BAD_REQUEST,
            &format!("Failed to validate scheduler::Call: Unknown call type '{name}'"),
        );
    }
    if let Err(message) = mesos_master_core::validation::validate_scheduler_call(&request.call) {
        return text(StatusCode::BAD_REQUEST, &format!("Failed to validate scheduler::Call: {message}"));
    }
    let call_type = request.call.r#type.and_then(|t| call::Type::try_from(t).ok());
    let streaming = call_type == Some(call::Type::Subscribe);
    let response_format = if streaming || call_type == Some(call::Type::ReconcileOperations) {
        match stream_format(request.accept.as_deref()) {
            Ok(format) => format,
            Err(response) => return response,
        }
    } else {
        request.format
    };
    let conn = shared.conn();
    let (sink, body) = match streaming {
        true => {
            let (sink, body) = open_stream(shared, StreamKind::Scheduler, conn, response_format);
            (Some(sink), Some(body))
        }
        false => (None, None),
    };
    let (reply, answer) = oneshot::channel();
    let command = Command::Scheduler {
        call: Box::new(request.call),
        stream_header: request.stream_header,
        conn,
        sink,
        reply,
    };
    match ask(shared, command, answer).await {
        Some(answer) => respond(answer.into(), body, response_format),
        None => unavailable(),
    }
}

async fn agent_api(request: Request<Incoming>, shared: &Shared) -> Response<Body> {
    use mesos_proto::internal::agent_call::Type;
    let request: ApiRequest<AgentCall> =
        match decode_request(request, "AgentCall", shared.max_body_bytes).await {
            Ok(request) => request,
            Err(response) => return response,
        };
    let call_type = request.call.r#type.and_then(|t| Type::try_from(t).ok());
    let streaming = matches!(call_type, Some(Type::Register | Type::Reregister));
    let response_format = if streaming {
        match stream_format(request.accept.as_deref()) {
            Ok(format) => format,
            Err(response) => return response,
        }
    } else {
        request.format
    };
    let conn = shared.conn();
    let (sink, body) = match streaming {
        true => {
            let (sink, body) = open_stream(shared, StreamKind::Agent, conn, response_format);
            (Some(sink), Some(body))
        }
        false => (None, None),
    };
    let (reply, answer) = oneshot::channel();
    let command = Command::Agent {
        call: Box::new(request.call),
        stream_header: request.stream_header,
        conn,
        sink,
        reply,
    };
    match ask(shared, command, answer).await {
        Some(answer) => respond(answer.into(), body, response_format),
        None => unavailable(),
    }
}

async fn teardown(request: Request<Incoming>, shared: &Shared) -> Response<Body> {
    let (_, body) = match check_post(request) {
        Ok(ok) => ok,
        Err(response) => return response,
    };
    let bytes = match read_body(body, shared.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let form = String::from_utf8_lossy(&bytes).to_string();
    let Some(framework_id) = query_param(&form, "frameworkId") else {
        return text(StatusCode::BAD_REQUEST, "Missing 'frameworkId' query parameter in the request body");
    };
    let (tx, rx) = oneshot::channel();
    let command = Command::Write(Box::new(move |m: &mut Master, now: Time| {
        let _ = tx.send(m.teardown(now, &framework_id));
    }));
    match ask(shared, command, rx).await {
        Some(true) => text(StatusCode::OK, ""),
        Some(false) => text(StatusCode::BAD_REQUEST, "No framework found with the specified ID"),
        None => unavailable(),
    }
}

/// Runs a read-only JSON endpoint inside the actor.
async fn read<F, R>(shared: &Shared, query: &str, build: F) -> Response<Body>
where
    F: FnOnce(&Master, Time, &endpoints::StaticInfo) -> R + Send + 'static,
    R: Into<JsonBody> + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let info = shared.info.clone();
    let command = Command::Read(Box::new(move |m: &Master, now: Time| {
        let _ = tx.send(build(m, now, &info));
    }));
    match ask(shared, command, rx).await {
        Some(value) => json(query, value),
        None => unavailable(),
    }
}

async fn ask<T>(shared: &Shared, command: Command, answer: oneshot::Receiver<T>) -> Option<T> {
    shared.actor.send(command).ok()?;
    answer.await.ok()
}

type Parts = (hyper::http::request::Parts, Incoming);

#[allow(clippy::result_large_err)]
fn check_post(request: Request<Incoming>) -> Result<Parts, Response<Body>> {
    if request.method() != Method::POST {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "Expecting 'POST'");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return Err(response);
    }
    Ok(request.into_parts())
}

#[allow(clippy::result_large_err)]
fn request_format(headers: &hyper::HeaderMap) -> Result<ContentType, Response<Body>> {
    let value = header_str(headers, header::CONTENT_TYPE);
    match media::parse_content_type(value.as_deref()) {
        Ok(format) => Ok(format),
        Err(media::ContentTypeError::Missing) => {
            Err(text(StatusCode::BAD_REQUEST, "Expecting 'Content-Type' to be present"))
        }
        Err(error) => Err(text(StatusCode::UNSUPPORTED_MEDIA_TYPE, &error.to_string())),
    }
}

/// The whole body, cut off with 413 at `limit` bytes (a chunked body declares no length, so
/// the server loop cannot refuse it up front).
async fn read_body(body: Incoming, limit: u64) -> Result<Bytes, Response<Body>> {
    match Limited::new(body, usize::try_from(limit).unwrap_or(usize::MAX)).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => {
            if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                Err(text(StatusCode::PAYLOAD_TOO_LARGE, &mesos_http::server::body_too_large_message(limit)))
            } else {
                Err(text(StatusCode::BAD_REQUEST, &format!("Failed to read request body: {error}")))
            }
        }
    }
}

#[allow(clippy::result_large_err)]
fn decode_call<M>(bytes: &[u8], format: ContentType, name: &str) -> Result<M, Response<Body>>
where
    M: prost::Message + Default + mesos_proto::json::JsonMessage + mesos_proto::wire::RequiredFields,
{
    match format {
        ContentType::Json => mesos_proto::json::from_json_slice::<M>(bytes)
            .map_err(|e| text(StatusCode::BAD_REQUEST, &mesos_proto::json::request_error_text(&e, name))),
        ContentType::Protobuf => mesos_proto::wire::decode_proto::<M>(bytes).map_err(|e| {
            text(StatusCode::BAD_REQUEST, &format!("Failed to parse body into {name} protobuf: {e}"))
        }),
    }
}

fn stream_response(body: ChannelBody, format: ContentType, stream_id: &str) -> Response<Body> {
    let mut response = Response::new(body.boxed());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.as_str()));
    if let Ok(value) = HeaderValue::from_str(stream_id) {
        headers.insert("Mesos-Stream-Id", value);
    }
    response
}

fn header_str(headers: &hyper::HeaderMap, name: impl header::AsHeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(String::from)
}

/// A file of `--webui_dir` (`relative` is `index.html`, `app/...` or `assets/...`, the paths
/// Mesos' master serves from it); 404 for what is not there or would leave the directory.
async fn webui_file(dir: Option<&std::path::Path>, relative: &str) -> Response<Body> {
    let Some(dir) = dir else { return text(StatusCode::NOT_FOUND, "no --webui_dir") };
    let relative = std::path::Path::new(relative);
    if !relative.components().all(|c| matches!(c, std::path::Component::Normal(_))) {
        return text(StatusCode::NOT_FOUND, "No such file in --webui_dir");
    }
    let path = dir.join(relative);
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let mut response = Response::new(full(bytes));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
            response
        }
        Err(_) => {
            text(StatusCode::NOT_FOUND, &format!("No such file in --webui_dir: {}", relative.display()))
        }
    }
}

/// The media type of a web UI file, by extension.
fn content_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("ttf") => "font/ttf",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

/// A plain-text response.
pub fn text(status: StatusCode, body: &str) -> Response<Body> {
    let mut response = Response::new(full(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// A JSON response, wrapped as `cb(...)` when `?jsonp=cb` is given.
/// A JSON response body: a value, or a document the endpoint wrote as text itself, in
/// pieces that share the master's kept text.
pub struct JsonBody(Vec<Bytes>);

impl From<serde_json::Value> for JsonBody {
    fn from(value: serde_json::Value) -> Self {
        JsonBody(vec![Bytes::from(value.to_string())])
    }
}

impl From<endpoints::JsonText> for JsonBody {
    fn from(text: endpoints::JsonText) -> Self {
        JsonBody(text.into_pieces())
    }
}

/// A JSON response, wrapped in the `jsonp` callback if the query names one.
pub fn json(query: &str, body: impl Into<JsonBody>) -> Response<Body> {
    let JsonBody(mut pieces) = body.into();
    let content_type = match query_param(query, "jsonp").filter(|cb| !cb.is_empty()) {
        Some(callback) => {
            pieces.insert(0, Bytes::from(format!("{callback}(")));
            pieces.push(Bytes::from_static(b");"));
            "text/javascript"
        }
        None => "application/json",
    };
    let length = pieces.iter().map(Bytes::len).sum::<usize>();
    let mut response = Response::new(PiecesBody::new(pieces).boxed());
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}

/// A body sent from many pieces (a task's text each, at `/master/state`), gathered into
/// frames of about [`PiecesBody::FRAME_BYTES`]: the copy into frames happens on the
/// connection's task, not on the master's thread, and one frame per small piece would cost
/// more than the copy.
struct PiecesBody {
    pieces: std::vec::IntoIter<Bytes>,
    remaining: u64,
}

impl PiecesBody {
    const FRAME_BYTES: usize = 256 * 1024;

    fn new(pieces: Vec<Bytes>) -> PiecesBody {
        let remaining = pieces.iter().map(|p| p.len() as u64).sum();
        PiecesBody { pieces: pieces.into_iter(), remaining }
    }
}

impl hyper::body::Body for PiecesBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Infallible>>> {
        let Some(first) = self.pieces.next() else {
            return std::task::Poll::Ready(None);
        };
        let frame = if first.len() >= Self::FRAME_BYTES || self.pieces.as_slice().is_empty() {
            first
        } else {
            let mut frame = bytes::BytesMut::with_capacity(Self::FRAME_BYTES + first.len());
            frame.extend_from_slice(&first);
            while frame.len() < Self::FRAME_BYTES {
                let Some(piece) = self.pieces.next() else { break };
                frame.extend_from_slice(&piece);
            }
            frame.freeze()
        };
        self.remaining -= frame.len() as u64;
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.remaining)
    }
}

fn unavailable() -> Response<Body> {
    text(StatusCode::SERVICE_UNAVAILABLE, "Master is shutting down")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::body::Body as _;

    #[test]
    fn paths_map_like_libprocess() {
        assert_eq!(normalize_path("/state"), "/master/state");
        assert_eq!(normalize_path("/state/"), "/master/state");
        assert_eq!(normalize_path("/master/state"), "/master/state");
        assert_eq!(normalize_path("/api/v1/scheduler"), "/master/api/v1/scheduler");
        assert_eq!(normalize_path("/master/api/v1/scheduler"), "/master/api/v1/scheduler");
        assert_eq!(normalize_path("/metrics/snapshot"), "/metrics/snapshot");
        assert_eq!(normalize_path("/version"), "/version");
        assert_eq!(normalize_path("/"), "/master");
    }

    #[tokio::test]
    async fn a_body_in_pieces_arrives_whole_in_few_frames() {
        let big = Bytes::from(vec![b'x'; PiecesBody::FRAME_BYTES + 10]);
        let mut pieces = vec![Bytes::from_static(b"[")];
        for i in 0..20_000 {
            pieces.push(Bytes::from(format!("{i},")));
        }
        pieces.push(big.clone());
        pieces.push(Bytes::from_static(b"]"));
        let expected: Vec<u8> = pieces.iter().flat_map(|p| p.to_vec()).collect();
        let mut body = PiecesBody::new(pieces);
        assert_eq!(body.size_hint().exact(), Some(expected.len() as u64));
        let mut received = Vec::new();
        let mut frames = 0;
        while let Some(frame) = body.frame().await {
            received.extend_from_slice(frame.expect("infallible").data_ref().expect("data"));
            frames += 1;
        }
        assert_eq!(received, expected);
        assert!(body.is_end_stream());
        // 20,000 small pieces gathered, and the big one sent as it is.
        assert!(frames <= 4, "{frames} frames");
    }

    #[test]
    fn form_values_are_decoded() {
        assert_eq!(query_param("frameworkId=a%2Db&x=1", "frameworkId").as_deref(), Some("a-b"));
        assert_eq!(query_param("a=1+2", "a").as_deref(), Some("1 2"));
        assert_eq!(query_param("a=%zz", "a").as_deref(), Some("%zz"));
        assert_eq!(query_param("a=%4", "a").as_deref(), Some("%4"));
        assert!(query_param("a=1", "b").is_none());
    }
}
