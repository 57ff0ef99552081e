//! The simulated network: every message between the parts of the cluster is an event due at
//! a virtual instant. Messages on one stream or one connection keep their order (they ride
//! one TCP connection in the real cluster); different streams race each other freely.

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_proto::internal::{AgentCall, AgentEvent};
use mesos_proto::v1::TaskState;
use mesos_proto::v1::executor::{Call as ExecutorCall, Event as ExecutorEvent};
use mesos_proto::v1::scheduler::{Call, Event};
use mesos_types::Time;

/// One HTTP stream or connection, as the sim numbers them (unique over the whole run).
pub type Conn = u64;

/// Which ordered lane a message travels on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lane {
    /// A framework's calls to the master (one kept-open connection per framework process).
    SchedulerCalls { framework: usize, incarnation: u64 },
    /// An agent's calls about one framework (the agent keeps one connection per lane).
    AgentCalls { agent: usize, incarnation: u64, framework_id: String },
    /// A response stream (scheduler subscription, agent registration, executor subscription).
    Stream(Conn),
    /// An agent's event stream to one executor subscription.
    ExecutorStream { agent: usize, connection: u64 },
    /// An executor's calls to its agent.
    ExecutorCalls { agent: usize, container_id: String },
    /// Something with no order to keep (timers, faults, disk completions).
    Free,
}

/// Everything that can happen at an instant.
#[derive(Clone, Debug)]
pub enum Msg {
    // To the master.
    /// A scheduler call arrives; `conn` is the response stream a SUBSCRIBE opens.
    SchedulerCall {
        framework: usize,
        incarnation: u64,
        epoch: u64,
        conn: Conn,
        stream_id: Option<String>,
        call: Box<Call>,
    },
    /// An agent call arrives; `conn` is the stream a (RE)REGISTER opens.
    AgentCall {
        agent: usize,
        incarnation: u64,
        epoch: u64,
        conn: Conn,
        stream_id: Option<String>,
        call: Box<AgentCall>,
    },
    /// The master notices a scheduler stream ended.
    SchedulerGone { epoch: u64, conn: Conn },
    /// The master notices an agent stream ended.
    AgentGone { epoch: u64, conn: Conn },
    /// The registry write in flight finishes.
    RegistryWritten { epoch: u64 },
    /// The master process starts again after a crash.
    MasterRestart,

    // To frameworks.
    /// A SUBSCRIBE was answered with a stream.
    SubscribeAnswered { framework: usize, conn: Conn, stream_id: String },
    /// A SUBSCRIBE was refused.
    SubscribeRefused { framework: usize, conn: Conn, status: u16, message: String },
    /// An event on a subscription stream.
    SchedulerEvent { framework: usize, conn: Conn, event: Box<Event> },
    /// A subscription stream ended.
    SchedulerClosed { framework: usize, conn: Conn },
    /// The framework's own timer (think, retry, give up on hung tasks); only the periodic
    /// one arms the next.
    FrameworkTick { framework: usize, incarnation: u64, periodic: bool },
    /// The framework process starts again after a crash.
    FrameworkRestart { framework: usize },
    /// A framework that acknowledges late gets round to acknowledging an update.
    FrameworkAcknowledges { framework: usize, incarnation: u64, call: Box<Call> },

    // To agents.
    /// A (RE)REGISTER was answered with a stream.
    RegistrationAnswered { agent: usize, conn: Conn, stream_id: String },
    /// An event on a registration stream.
    AgentEvent { agent: usize, conn: Conn, event: Box<AgentEvent> },
    /// A registration stream ended (or could not be opened).
    AgentClosed { agent: usize, conn: Conn },
    /// The agent process starts again after a crash or a shutdown.
    AgentRestart { agent: usize },

    // Executors and containers.
    /// A launched executor's process is up and subscribes.
    ExecutorSubscribes { agent: usize, container_id: String },
    /// An executor call reaches its agent.
    ExecutorCall { agent: usize, incarnation: u64, container_id: String, call: Box<ExecutorCall> },
    /// An agent event reaches an executor.
    ExecutorEvent { agent: usize, container_id: String, connection: u64, event: Box<ExecutorEvent> },
    /// A task's work ends by itself, the way its plan says.
    TaskDue { agent: usize, container_id: String, task_id: String, state: TaskState },
    /// The executor's process ends (its last update sent, killed, or crashed).
    ContainerEnds { agent: usize, container_id: String, status: i32 },

    // The fault generator.
    /// Pick and inject the next fault.
    Fault,
}

/// The queue of future events, ordered by due time and then by the order they were sent.
#[derive(Default)]
pub struct Network {
    queue: BTreeMap<(Time, u64), Msg>,
    next_seq: u64,
    /// The latest due time on each lane, so later messages never overtake earlier ones.
    lanes: BTreeMap<Lane, Time>,
}

impl Network {
    /// Queues `msg` on `lane`, due after `delay` but never before what the lane already carries.
    pub fn send(&mut self, now: Time, lane: Lane, delay: Duration, msg: Msg) {
        let mut at = now + delay;
        if lane != Lane::Free {
            let last = self.lanes.entry(lane).or_insert(Time::ZERO);
            at = at.max(*last);
            *last = at;
        }
        self.queue.insert((at, self.next_seq), msg);
        self.next_seq += 1;
    }

    /// When the next event is due.
    pub fn next_due(&self) -> Option<Time> {
        self.queue.first_key_value().map(|((at, _), _)| *at)
    }

    /// Takes the next event.
    pub fn pop(&mut self) -> Option<(Time, Msg)> {
        self.queue.pop_first().map(|((at, _), msg)| (at, msg))
    }

    /// Drops every queued fault (the liveness phase injects none).
    pub fn cancel_faults(&mut self) {
        self.queue.retain(|_, msg| !matches!(msg, Msg::Fault));
    }

    /// Forgets the lanes of streams that ended, so the map does not grow without bound.
    pub fn forget_lane(&mut self, lane: &Lane) {
        self.lanes.remove(lane);
    }
}
