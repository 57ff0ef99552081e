//! The HTTP/1.1 server loop the master and the agent share: it accepts connections and serves
//! them with hyper under [`Limits`] (a header-read timeout, an optional keep-alive idle
//! timeout, a connection cap and a declared-body-size check), and backs off when `accept`
//! fails for lack of resources instead of spinning.
//!
//! The two timeouts are kept by a small per-connection supervisor rather than by hyper's own
//! `header_read_timeout`: hyper 1 starts that timer as soon as a kept-alive connection goes
//! idle, so it also closes connections that merely wait between requests, which is the case
//! the idle timeout must govern separately (see [`Limits::idle_timeout`]).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

/// An error a response body may end with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Default of [`Limits::header_read_timeout`] (`--http_header_read_timeout`).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default of [`Limits::max_connections`] (`--max_http_connections`).
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

/// First pause after `accept` failed for lack of resources; doubled per failure in a row.
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(1);

/// Longest pause between `accept` attempts while resources stay exhausted.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// How often at most a refused-connection message is logged.
const REFUSAL_LOG_INTERVAL: Duration = Duration::from_secs(10);

/// What a server tolerates from its clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest time from the start of a request (the connection's accept, or the first byte
    /// after the previous response) until its header is complete, and again from then until
    /// its handler answers, so neither a trickled header nor a trickled body holds a
    /// connection (`--http_header_read_timeout`). A response being sent, such as an event
    /// stream, is not limited.
    pub header_read_timeout: Duration,
    /// Longest time a kept-alive connection may wait for its next request, counted only while
    /// no request is being served and no response (such as an event stream) is still being
    /// sent (`--http_idle_timeout`). `None` keeps idle connections open, which is the default:
    /// pymesos (0.3.15) sends every scheduler and executor call on one persistent connection,
    /// opened at the first call and reused for as long as it is subscribed, however long it
    /// stays quiet (a framework whose tasks run for days, an executor between TASK_RUNNING and
    /// TASK_FINISHED); when that connection turns out to be closed the call raises and is not
    /// sent again, so any finite default would lose calls. Mesos' libprocess never closes
    /// idle connections either.
    pub idle_timeout: Option<Duration>,
    /// Most connections open at once (`--max_http_connections`); more are closed at once.
    pub max_connections: usize,
    /// Largest request body accepted, in bytes; a request declaring a larger
    /// `Content-Length` gets 413 before its body is read (`--max_http_body_size`).
    pub max_body_bytes: u64,
}

impl Limits {
    /// The defaults, with `max_body_bytes` as the body limit.
    pub fn with_body_limit(max_body_bytes: u64) -> Limits {
        Limits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: None,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_body_bytes,
        }
    }
}

/// The limits' flags for a `SPECS` array, all mesos-rs' own (Mesos has none of them), with
/// `body_default` as the help's default body size. Both the master's and the agent's specs
/// end with these, so `--help` and the parser agree on names and defaults.
pub const fn flag_specs(body_default: &'static str) -> [mesos_flags::Spec; 4] {
    use mesos_flags::Spec;
    [
        Spec::value(
            "http_header_read_timeout",
            Some("30secs"),
            "mesos-rs only: close a connection whose request header is not complete this long after \
             it began (or after the connection opened), or whose request is not answered this long \
             after its header (a body sent too slowly)",
        ),
        Spec::value(
            "http_idle_timeout",
            None,
            "mesos-rs only: close a kept-alive connection idle this long between requests; event \
             streams are never idle (default: never, as in Mesos)",
        ),
        Spec::value(
            "max_http_connections",
            Some("10000"),
            "mesos-rs only: most HTTP connections open at once; further ones are closed at once",
        ),
        Spec::value(
            "max_http_body_size",
            Some(body_default),
            "mesos-rs only: largest request body (B, KB, MB, GB); a larger one gets 413",
        ),
    ]
}

impl Limits {
    /// The limits the flags of [`flag_specs`] set; errors name the flag.
    pub fn from_flags(
        flags: &mesos_flags::Flags,
        body_default: u64,
    ) -> Result<Limits, mesos_flags::FlagError> {
        use mesos_flags::FlagError;
        let invalid =
            |flag: &str, reason: &str| FlagError::Invalid { flag: flag.to_string(), reason: reason.into() };
        let header_read_timeout =
            flags.duration("http_header_read_timeout")?.unwrap_or(DEFAULT_HEADER_READ_TIMEOUT);
        if header_read_timeout.is_zero() {
            return Err(invalid("http_header_read_timeout", "must be greater than 0"));
        }
        let idle_timeout = flags.duration("http_idle_timeout")?;
        if idle_timeout.is_some_and(|idle| idle.is_zero()) {
            return Err(invalid(
                "http_idle_timeout",
                "must be greater than 0 (leave it unset to keep idle connections)",
            ));
        }
        let max_connections =
            flags.parse::<usize>("max_http_connections")?.unwrap_or(DEFAULT_MAX_CONNECTIONS);
        if max_connections == 0 {
            return Err(invalid("max_http_connections", "must be at least 1"));
        }
        let max_body_bytes =
            flags.parse_with("max_http_body_size", mesos_flags::units::parse_bytes)?.unwrap_or(body_default);
        if max_body_bytes == 0 {
            return Err(invalid("max_http_body_size", "must be at least 1B"));
        }
        Ok(Limits { header_read_timeout, idle_timeout, max_connections, max_body_bytes })
    }
}

/// The text of the 413 answer for a body over `limit` bytes (handlers cutting off a chunked
/// body at the limit use it too, so both cases read the same).
pub fn body_too_large_message(limit: u64) -> String {
    format!("Request body is larger than the limit of {limit} bytes (--max_http_body_size)")
}

/// Accepts connections on `listener` and serves each with `handler` under `limits` until
/// `shutdown` completes; then (or when this future is dropped) every open connection is
/// closed too.
pub async fn serve<H, F, B>(
    listener: TcpListener,
    limits: Limits,
    handler: H,
    shutdown: impl Future<Output = ()>,
) where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<B>> + Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    // Connections watch this channel; dropping the sender (on return or drop) ends them.
    let (_stop, stopped) = watch::channel(());
    let open = Arc::new(AtomicUsize::new(0));
    let limits = Arc::new(limits);
    let mut backoff = AcceptBackoff::default();
    let mut refusals = RefusalLog::default();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => return,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => {
                backoff.succeeded();
                accepted
            }
            Err(error) => {
                if let Some(pause) = backoff.failed(&error) {
                    tokio::select! {
                        _ = tokio::time::sleep(pause) => {}
                        _ = &mut shutdown => return,
                    }
                }
                continue;
            }
        };
        let Some(slot) = Slot::take(&open, limits.max_connections) else {
            refusals.refused(peer, limits.max_connections);
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let limits = limits.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _slot = slot;
            tokio::select! {
                _ = serve_connection(stream, &limits, handler) => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

/// One open connection's place under the cap.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        // Only the accept loop increments, so a load then an add cannot overshoot.
        if open.load(Ordering::Acquire) >= max {
            return None;
        }
        open.fetch_add(1, Ordering::AcqRel);
        Some(Slot(open.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Logs refused connections at most once per [`REFUSAL_LOG_INTERVAL`], with a count of the
/// ones refused silently since, so a flood cannot flood the log.
#[derive(Default)]
struct RefusalLog {
    last: Option<Instant>,
    unlogged: u64,
}

impl RefusalLog {
    fn refused(&mut self, peer: SocketAddr, max: usize) {
        let now = Instant::now();
        if self.last.is_some_and(|last| now.duration_since(last) < REFUSAL_LOG_INTERVAL) {
            self.unlogged += 1;
            return;
        }
        tracing::warn!(
            "closed the connection from {peer}: {max} HTTP connections are open, the limit set by \
             --max_http_connections ({} more closed since the last such message)",
            self.unlogged
        );
        self.last = Some(now);
        self.unlogged = 0;
    }
}

/// Pauses between failed accepts: none for errors about one connection (it is gone, the
/// next may be fine), an exponential pause for any other error, since retrying at once
/// would fail the same way at full speed while descriptors or memory are exhausted.
#[derive(Debug, Default)]
struct AcceptBackoff {
    pause: Option<Duration>,
}

impl AcceptBackoff {
    /// The pause before the next attempt, if any; logs the first failure of a burst.
    fn failed(&mut self, error: &io::Error) -> Option<Duration> {
        if is_connection_error(error) {
            return None;
        }
        let pause = match self.pause {
            None => {
                tracing::error!(
                    "cannot accept HTTP connections: {error}; retrying with a backoff of up to {}ms \
                     (out of file descriptors? raise the limit (ulimit -n) or lower --max_http_connections)",
                    ACCEPT_BACKOFF_MAX.as_millis()
                );
                ACCEPT_BACKOFF_MIN
            }
            Some(pause) => (pause * 2).min(ACCEPT_BACKOFF_MAX),
        };
        self.pause = Some(pause);
        Some(pause)
    }

    fn succeeded(&mut self) {
        if self.pause.take().is_some() {
            tracing::info!("accepting HTTP connections again");
        }
    }
}

/// Whether `accept` failed because of the one connection it was taking (the loop goes on).
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    ) || matches!(error.raw_os_error(), Some(code) if code == EPROTO || code == EPERM)
}

// Linux errno values `accept` reports for a single bad connection (no libc dependency for two
// constants): a protocol error on the pending connection, or a firewall rule refusing it.
const EPROTO: i32 = 71;
const EPERM: i32 = 1;

/// Where a connection is between requests, for the timeouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for a request's header to complete, since `since`.
    Header { since: Instant },
    /// A request's header is complete and its handler has not answered yet, since `since`
    /// (it may still be reading a body the client trickles in): the header timeout applies
    /// again, so a slow body cannot hold the connection either.
    Handling { since: Instant },
    /// A response is being sent (an event stream may take forever): no timeout applies.
    Busy,
    /// Kept alive with nothing in flight and no byte of a next request yet, since `since`.
    Idle { since: Instant },
}

/// What the IO, the service and the response bodies tell the connection's supervisor.
struct Activity {
    state: Mutex<(Phase, usize)>,
    changed: Notify,
}

impl Activity {
    fn new(now: Instant) -> Activity {
        Activity { state: Mutex::new((Phase::Header { since: now }, 0)), changed: Notify::new() }
    }

    fn update(&self, change: impl FnOnce(&mut Phase, &mut usize)) {
        let mut state = match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (phase, in_flight) = &mut *state;
        let before = *phase;
        change(phase, in_flight);
        if *phase != before {
            self.changed.notify_one();
        }
    }

    fn phase(&self) -> Phase {
        match self.state.lock() {
            Ok(guard) => guard.0,
            Err(poisoned) => poisoned.into_inner().0,
        }
    }

    /// Bytes arrived: if the connection was idle, a new request has begun.
    fn read_some(&self) {
        self.update(|phase, _| {
            if let Phase::Idle { .. } = phase {
                *phase = Phase::Header { since: Instant::now() };
            }
        });
    }

    /// A request's header is complete and its handler runs.
    fn request_started(self: &Arc<Activity>) -> InFlight {
        self.update(|phase, in_flight| {
            *in_flight += 1;
            *phase = Phase::Handling { since: Instant::now() };
        });
        InFlight(self.clone())
    }

    /// The handler answered: its response is being sent.
    fn responded(&self) {
        self.update(|phase, _| {
            if let Phase::Handling { .. } = phase {
                *phase = Phase::Busy;
            }
        });
    }
}

/// One request whose response is not fully sent yet; dropping it ends that.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.update(|phase, in_flight| {
            *in_flight = in_flight.saturating_sub(1);
            if *in_flight == 0 {
                *phase = Phase::Idle { since: Instant::now() };
            }
        });
    }
}

/// The socket, reporting reads to the supervisor.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read_some();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// A response body that keeps its request in flight until it is fully sent or dropped, so a
/// streaming response (an event stream) is never idle.
pub struct TrackedBody {
    inner: UnsyncBoxBody<Bytes, BoxError>,
    in_flight: Option<InFlight>,
}

impl std::fmt::Debug for TrackedBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackedBody").field("done", &self.in_flight.is_none()).finish()
    }
}

impl Body for TrackedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.in_flight = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Serves one connection until it ends or a timeout closes it.
async fn serve_connection<H, F, B>(stream: TcpStream, limits: &Limits, handler: H)
where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<B>> + Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let activity = Arc::new(Activity::new(Instant::now()));
    let max_body = limits.max_body_bytes;
    let service_activity = activity.clone();
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let in_flight = service_activity.request_started();
        let handler = handler.clone();
        async move {
            let response = if request.body().size_hint().lower() > max_body {
                // Answered before any of the body is read; hyper then closes the connection
                // rather than read the rest.
                too_large(max_body)
            } else {
                handler(request).await.map(|body| body.map_err(Into::into).boxed_unsync())
            };
            in_flight.0.responded();
            Ok::<_, Infallible>(response.map(|inner| TrackedBody { inner, in_flight: Some(in_flight) }))
        }
    });
    let io = TokioIo::new(Watched { stream, activity: activity.clone() });
    // hyper's own header timer is left off: it would also close idle kept-alive connections.
    let connection = http1::Builder::new().header_read_timeout(None).serve_connection(io, service);
    tokio::pin!(connection);
    loop {
        let deadline = deadline(activity.phase(), limits);
        let notified = activity.changed.notified();
        let expired = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = &mut connection => return,
            _ = notified => {}
            _ = expired => {
                // The phase may have moved on just as the timer fired: close only if the
                // current phase's own deadline has passed.
                if deadline_passed(activity.phase(), limits) {
                    return;
                }
            }
        }
    }
}

/// When the connection in `phase` is closed, if nothing happens before.
fn deadline(phase: Phase, limits: &Limits) -> Option<Instant> {
    match phase {
        Phase::Header { since } | Phase::Handling { since } => Some(since + limits.header_read_timeout),
        Phase::Idle { since } => limits.idle_timeout.map(|idle| since + idle),
        Phase::Busy => None,
    }
}

fn deadline_passed(phase: Phase, limits: &Limits) -> bool {
    deadline(phase, limits).is_some_and(|deadline| deadline <= Instant::now())
}

fn too_large(limit: u64) -> Response<UnsyncBoxBody<Bytes, BoxError>> {
    let body = Full::new(Bytes::from(body_too_large_message(limit))).map_err(|never| match never {});
    let mut response = Response::new(body.boxed_unsync());
    *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A body sending a small frame every 50ms, forever: an event stream.
    struct Ticks(tokio::time::Interval);

    impl Body for Ticks {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            self.0.poll_tick(cx).map(|_| Some(Ok(Frame::data(Bytes::from_static(b"tick\n")))))
        }
    }

    async fn handler(request: Request<Incoming>) -> Response<UnsyncBoxBody<Bytes, Infallible>> {
        if request.uri().path() == "/stream" {
            let ticks = tokio::time::interval(Duration::from_millis(50));
            return Response::new(Ticks(ticks).boxed_unsync());
        }
        let body = request.into_body().collect().await.map(|b| b.to_bytes().len()).unwrap_or(0);
        Response::new(Full::new(Bytes::from(format!("ok {body}"))).boxed_unsync())
    }

    fn limits(header: u64, idle: Option<u64>, max_connections: usize) -> Limits {
        Limits {
            header_read_timeout: Duration::from_millis(header),
            idle_timeout: idle.map(Duration::from_millis),
            max_connections,
            max_body_bytes: 100,
        }
    }

    async fn start(limits: Limits) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, limits, handler, std::future::pending()));
        addr
    }

    /// Sends `request` and reads one response (head and a Content-Length body) as text.
    async fn exchange(stream: &mut TcpStream, request: &str) -> String {
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        let mut chunk = [0u8; 1024];
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
            let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
                .await
                .expect("a response within 5s")
                .unwrap();
            assert!(n > 0, "connection closed mid-response: {response:?}");
            response.extend_from_slice(&chunk[..n]);
        }
    }

    const GET: &str = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    /// Reads until EOF or reset; panics if the server keeps the connection for `within`.
    async fn closed_within(stream: &mut TcpStream, within: Duration) {
        let mut chunk = [0u8; 256];
        loop {
            match tokio::time::timeout(within, stream.read(&mut chunk)).await {
                Err(_) => panic!("the connection is still open after {within:?}"),
                Ok(Ok(0)) | Ok(Err(_)) => return,
                Ok(Ok(_)) => {}
            }
        }
    }

    #[tokio::test]
    async fn partial_header_is_closed_after_the_header_timeout() {
        let addr = start(limits(300, None, 100)).await;
        let mut slow = TcpStream::connect(addr).await.unwrap();
        let started = Instant::now();
        slow.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        closed_within(&mut slow, Duration::from_secs(5)).await;
        assert!(started.elapsed() >= Duration::from_millis(300), "closed before the timeout");
        // Bytes trickling in (one every 20ms, for 2s) do not restart the timer: the server
        // closes the connection while the trickle goes on, so writes start failing.
        let mut trickle = TcpStream::connect(addr).await.unwrap();
        trickle.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").await.unwrap();
        let mut closed_during_trickle = false;
        for _ in 0..100 {
            if trickle.write_all(b"a").await.is_err() {
                closed_during_trickle = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(closed_during_trickle, "a trickling header kept its connection open");
        // A prompt client is served throughout.
        let mut prompt = TcpStream::connect(addr).await.unwrap();
        assert!(exchange(&mut prompt, GET).await.contains("ok 0"));
    }

    #[tokio::test]
    async fn a_trickled_body_is_closed_after_the_header_timeout_but_a_stream_lives_on() {
        let addr = start(limits(300, None, 100)).await;
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 90\r\n\r\nab").await.unwrap();
        let started = Instant::now();
        // One byte every 40ms would take 3.5s to complete the body (under the 100-byte limit):
        // the server must close the connection while the trickle goes on, so writes fail.
        let mut closed_during_trickle = false;
        for _ in 0..88 {
            if slow.write_all(b"a").await.is_err() {
                closed_during_trickle = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        assert!(closed_during_trickle, "a trickling body kept its connection open");
        assert!(started.elapsed() >= Duration::from_millis(300), "closed before the timeout");
        // A response that streams for longer than the timeout is not cut off.
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let mut chunk = [0u8; 4096];
        let began = Instant::now();
        while began.elapsed() < Duration::from_millis(900) {
            let n =
                tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await.unwrap().unwrap();
            assert!(n > 0, "the stream was closed");
        }
    }

    #[tokio::test]
    async fn idle_connection_outlives_the_header_timeout_when_no_idle_timeout_is_set() {
        let addr = start(limits(200, None, 100)).await;
        let mut kept = TcpStream::connect(addr).await.unwrap();
        assert!(exchange(&mut kept, GET).await.starts_with("HTTP/1.1 200"));
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(exchange(&mut kept, GET).await.starts_with("HTTP/1.1 200"), "idle connection was closed");
    }

    #[tokio::test]
    async fn idle_timeout_closes_kept_alive_connections_but_not_streams() {
        let addr = start(limits(5_000, Some(300), 100)).await;
        let mut kept = TcpStream::connect(addr).await.unwrap();
        assert!(exchange(&mut kept, GET).await.starts_with("HTTP/1.1 200"));
        let idle_since = Instant::now();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        closed_within(&mut kept, Duration::from_secs(5)).await;
        assert!(idle_since.elapsed() >= Duration::from_millis(300));
        // Ticks keep arriving (buffered ones run out within a read or two) well past the idle
        // timeout.
        let mut chunk = [0u8; 4096];
        while idle_since.elapsed() < Duration::from_millis(1_200) {
            let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk))
                .await
                .expect("ticks keep coming")
                .unwrap();
            assert!(n > 0, "the stream was closed after {:?}", idle_since.elapsed());
        }
    }

    #[tokio::test]
    async fn connections_over_the_cap_are_closed_and_slots_come_back() {
        let addr = start(limits(5_000, None, 2)).await;
        let mut first = TcpStream::connect(addr).await.unwrap();
        let mut second = TcpStream::connect(addr).await.unwrap();
        assert!(exchange(&mut first, GET).await.starts_with("HTTP/1.1 200"));
        assert!(exchange(&mut second, GET).await.starts_with("HTTP/1.1 200"));
        let mut third = TcpStream::connect(addr).await.unwrap();
        closed_within(&mut third, Duration::from_secs(5)).await;
        assert!(exchange(&mut first, GET).await.starts_with("HTTP/1.1 200"));
        drop(second);
        // The slot is freed once the server sees the close; retry until it has.
        let mut again = None;
        for _ in 0..50 {
            let mut fourth = TcpStream::connect(addr).await.unwrap();
            if fourth.write_all(GET.as_bytes()).await.is_ok() {
                let mut head = [0u8; 12];
                if let Ok(Ok(12)) =
                    tokio::time::timeout(Duration::from_secs(1), fourth.read_exact(&mut head)).await
                {
                    again = Some(String::from_utf8_lossy(&head).into_owned());
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(again.as_deref(), Some("HTTP/1.1 200"));
    }

    #[tokio::test]
    async fn declared_body_over_the_limit_gets_413_before_the_body_is_sent() {
        let addr = start(limits(5_000, None, 100)).await;
        let mut client = TcpStream::connect(addr).await.unwrap();
        let response =
            exchange(&mut client, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n").await;
        assert!(response.starts_with("HTTP/1.1 413"), "{response}");
        assert!(response.contains("limit of 100 bytes"), "{response}");
        let at_limit =
            format!("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}", "a".repeat(100));
        let mut client = TcpStream::connect(addr).await.unwrap();
        assert!(exchange(&mut client, &at_limit).await.ends_with("ok 100"));
    }

    #[test]
    fn accept_backoff_doubles_to_a_second_and_resets() {
        let mut backoff = AcceptBackoff::default();
        let emfile = io::Error::from_raw_os_error(24);
        let pauses: Vec<_> = (0..12).map(|_| backoff.failed(&emfile).unwrap().as_millis()).collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000, 1000]);
        backoff.succeeded();
        assert_eq!(backoff.failed(&emfile), Some(ACCEPT_BACKOFF_MIN));
        let aborted = io::Error::from(io::ErrorKind::ConnectionAborted);
        assert_eq!(backoff.failed(&aborted), None);
        assert_eq!(backoff.failed(&io::Error::from_raw_os_error(EPROTO)), None);
        assert!(backoff.failed(&io::Error::from_raw_os_error(23)).is_some(), "ENFILE backs off");
    }
}
