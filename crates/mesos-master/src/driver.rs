//! The actor that owns the master core: it feeds it inputs in arrival order, carries out its
//! outputs (stream writes, registry writes) and drives its timers. It makes no decisions.

use std::collections::HashMap;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use mesos_master_core::{AgentReply, ConnId, Master, Output, SchedulerReply};
use mesos_proto::internal::AgentCall;
use mesos_proto::media::ContentType;
use mesos_proto::v1::scheduler::Call;
use mesos_registry::Operation;
use mesos_types::Time;
use tokio::sync::{mpsc, oneshot};

use crate::registrar::Committed;

/// Events a stream may buffer before its reader is considered gone. A scheduler that stops
/// reading is disconnected rather than allowed to grow the master's memory without bound.
pub const STREAM_BUFFER: usize = 65_536;

/// The write side of an open response stream.
#[derive(Debug)]
pub struct Sink {
    /// Where encoded records go.
    pub tx: mpsc::Sender<Bytes>,
    /// The negotiated encoding.
    pub format: ContentType,
}

/// A read-only request: runs against the core inside the actor.
pub type ReadFn = Box<dyn FnOnce(&Master, Time) + Send>;

/// A mutating operator request.
pub type WriteFn = Box<dyn FnOnce(&mut Master, Time) + Send>;

/// Inputs to the actor.
pub enum Command {
    /// A scheduler call (validated envelope).
    Scheduler {
        /// The call.
        call: Box<Call>,
        /// `Mesos-Stream-Id` header.
        stream_header: Option<String>,
        /// Response stream id (used by SUBSCRIBE).
        conn: ConnId,
        /// The stream's write side, for SUBSCRIBE.
        sink: Option<Sink>,
        /// Where the answer goes.
        reply: oneshot::Sender<SchedulerReply>,
    },
    /// A scheduler's response stream ended.
    SchedulerClosed(ConnId),
    /// An agent call.
    Agent {
        /// The call.
        call: Box<AgentCall>,
        /// `Mesos-Stream-Id` header.
        stream_header: Option<String>,
        /// Response stream id (REGISTER/REREGISTER).
        conn: ConnId,
        /// The stream's write side.
        sink: Option<Sink>,
        /// Where the answer goes.
        reply: oneshot::Sender<AgentReply>,
    },
    /// An agent's response stream ended.
    AgentClosed(ConnId),
    /// Registry writes finished.
    Committed(Committed),
    /// Read the core's state.
    Read(ReadFn),
    /// Change the core's state outside the scheduler API (operator endpoints).
    Write(WriteFn),
}

/// The core's [`Time`]: monotonic, anchored to the wall clock at start
/// ([`mesos_runtime::clock`]), so a clock step neither fires nor stalls timers.
pub fn now() -> Time {
    mesos_runtime::clock::now()
}

/// Runs the actor until every command sender is gone.
pub async fn run(
    mut master: Master,
    mut commands: mpsc::UnboundedReceiver<Command>,
    registrar: mpsc::UnboundedSender<(u64, Operation)>,
) {
    let mut scheduler_streams: HashMap<ConnId, Sink> = HashMap::new();
    let mut agent_streams: HashMap<ConnId, Sink> = HashMap::new();
    loop {
        let deadline = master.poll_timeout();
        let sleep = match deadline {
            Some(at) => {
                let wait = at.saturating_since(now());
                tokio::time::sleep(wait.min(Duration::from_secs(3600)))
            }
            None => tokio::time::sleep(Duration::from_secs(3600)),
        };
        tokio::select! {
            command = commands.recv() => {
                let Some(command) = command else { break };
                handle(&mut master, command, &mut scheduler_streams, &mut agent_streams);
                // Take everything already queued before running timers, so a burst of calls
                // is answered by one allocation pass.
                for _ in 0..1024 {
                    match commands.try_recv() {
                        Ok(command) => handle(&mut master, command, &mut scheduler_streams, &mut agent_streams),
                        Err(_) => break,
                    }
                }
            }
            () = sleep => {}
        }
        if master.poll_timeout().is_some_and(|at| at <= now()) {
            let at = now();
            master.set_wall_clock(at, mesos_runtime::clock::wall_now());
            master.handle_timeout(at);
        }
        drain(&mut master, &mut scheduler_streams, &mut agent_streams, &registrar);
    }
}

fn handle(
    master: &mut Master,
    command: Command,
    scheduler_streams: &mut HashMap<ConnId, Sink>,
    agent_streams: &mut HashMap<ConnId, Sink>,
) {
    let at = now();
    master.set_wall_clock(at, mesos_runtime::clock::wall_now());
    match command {
        Command::Scheduler { call, stream_header, conn, sink, reply } => {
            if let Some(sink) = sink {
                scheduler_streams.insert(conn, sink);
            }
            let subscribe = call.subscribe.as_ref().map(|s| s.framework_info.name.clone());
            let answer = master.scheduler_call(at, conn, *call, stream_header.as_deref());
            match (&answer, subscribe) {
                (SchedulerReply::Stream { stream_id }, Some(name)) => {
                    tracing::info!(framework = %name, %stream_id, "scheduler subscribed");
                }
                (SchedulerReply::Error { status, message }, _) => {
                    tracing::info!(status, %message, "scheduler call refused");
                }
                _ => {}
            }
            if !matches!(answer, SchedulerReply::Stream { .. }) {
                scheduler_streams.remove(&conn);
            }
            let _ = reply.send(answer);
        }
        Command::SchedulerClosed(conn) => {
            if scheduler_streams.remove(&conn).is_some() {
                tracing::info!(conn, "scheduler stream closed by the client");
            }
            master.scheduler_stream_closed(at, conn);
        }
        Command::Agent { call, stream_header, conn, sink, reply } => {
            if let Some(sink) = sink {
                agent_streams.insert(conn, sink);
            }
            let answer = master.agent_call(at, conn, *call, stream_header.as_deref());
            if !matches!(answer, AgentReply::Stream { .. }) {
                agent_streams.remove(&conn);
            }
            let _ = reply.send(answer);
        }
        Command::AgentClosed(conn) => {
            if agent_streams.remove(&conn).is_some() {
                tracing::info!(conn, "agent stream closed by the agent");
            }
            master.agent_stream_closed(at, conn);
        }
        Command::Committed(batch) => {
            for id in batch.ids {
                master.registry_committed(at, id, batch.result.clone());
            }
        }
        Command::Read(read) => read(master, at),
        Command::Write(write) => write(master, at),
    }
}

fn drain(
    master: &mut Master,
    scheduler_streams: &mut HashMap<ConnId, Sink>,
    agent_streams: &mut HashMap<ConnId, Sink>,
    registrar: &mpsc::UnboundedSender<(u64, Operation)>,
) {
    while let Some(output) = master.poll_output() {
        match output {
            Output::SchedulerEvent { conn, event } => {
                let Some(sink) = scheduler_streams.get(&conn) else { continue };
                if !send_record(sink, event.as_ref()) {
                    scheduler_streams.remove(&conn);
                    master.scheduler_stream_closed(now(), conn);
                }
            }
            Output::CloseScheduler { conn } => {
                scheduler_streams.remove(&conn);
            }
            Output::AgentEvent { conn, event } => {
                let Some(sink) = agent_streams.get(&conn) else { continue };
                if !send_record(sink, event.as_ref()) {
                    agent_streams.remove(&conn);
                    master.agent_stream_closed(now(), conn);
                }
            }
            Output::CloseAgent { conn } => {
                agent_streams.remove(&conn);
            }
            Output::Warning(message) => tracing::warn!("{message}"),
            Output::Persist { id, operation } => {
                tracing::info!(id, operation = %summary(&operation), "registry operation");
                // The registrar lives as long as the actor; if it is gone we are shutting down.
                let _ = registrar.send((id, operation));
            }
        }
    }
}

/// A one-line description of a registry operation for the log.
fn summary(operation: &Operation) -> String {
    let agent = |info: &mesos_proto::v1::AgentInfo| {
        format!("{} ({})", info.id.as_ref().map(|id| id.value.as_str()).unwrap_or("?"), info.hostname)
    };
    match operation {
        Operation::AdmitAgent(info) => format!("admit agent {}", agent(info)),
        Operation::UpdateAgent(info) => format!("update agent {}", agent(info)),
        Operation::MarkReachable(info) => format!("mark agent {} reachable", agent(info)),
        Operation::MarkUnreachable { agent_id, .. } => format!("mark agent {agent_id} unreachable"),
        Operation::MarkGone { agent_id, .. } => format!("mark agent {agent_id} gone"),
        Operation::RemoveAgent(agent_id) => format!("remove agent {agent_id}"),
        Operation::SetWeights(weights) => format!("set weights of {} roles", weights.len()),
        Operation::Prune { unreachable, gone } => {
            format!("forget {} unreachable and {} gone agents (registry GC)", unreachable.len(), gone.len())
        }
    }
}

/// Encodes a message in the stream's format, frames it and queues it. False if the reader
/// is gone or too far behind.
pub fn send_record<M>(sink: &Sink, message: &M) -> bool
where
    M: prost::Message + mesos_proto::json::JsonMessage,
{
    let payload = match sink.format {
        ContentType::Json => mesos_proto::json::to_json_vec(message),
        ContentType::Protobuf => message.encode_to_vec(),
    };
    let mut framed = Vec::with_capacity(payload.len() + 12);
    mesos_proto::recordio::encode_record(&payload, &mut framed);
    sink.tx.try_send(Bytes::from(framed)).is_ok()
}

/// Which kind of stream a [`ChannelBody`] carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    /// A scheduler subscription.
    Scheduler,
    /// An agent registration.
    Agent,
}

/// A streaming response body fed by a channel; tells the actor when the client goes away.
pub struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
    actor: mpsc::UnboundedSender<Command>,
    kind: StreamKind,
    conn: ConnId,
}

impl ChannelBody {
    /// A body reading `rx`; the actor hears that stream `conn` closed when it is dropped.
    pub fn new(
        rx: mpsc::Receiver<Bytes>,
        actor: mpsc::UnboundedSender<Command>,
        kind: StreamKind,
        conn: ConnId,
    ) -> ChannelBody {
        ChannelBody { rx, actor, kind, conn }
    }
}

impl Drop for ChannelBody {
    fn drop(&mut self) {
        let command = match self.kind {
            StreamKind::Scheduler => Command::SchedulerClosed(self.conn),
            StreamKind::Agent => Command::AgentClosed(self.conn),
        };
        let _ = self.actor.send(command);
    }
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(bytes)) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
