//! The sans-IO master of mesos-rs.
//!
//! [`Master`] owns every decision the Mesos master makes: framework subscriptions, the
//! allocator and its offers, ACCEPT processing and task validation, status updates and
//! acknowledgements, reconciliation, agent admission, health and loss. It does no I/O:
//!
//! - inputs are method calls carrying an explicit `now` ([`Master::scheduler_call`],
//!   [`Master::scheduler_stream_closed`], [`Master::agent_call`], [`Master::agent_stream_closed`],
//!   [`Master::registry_committed`], [`Master::handle_timeout`]);
//! - outputs are queued [`Output`]s (events for a scheduler stream, events for an agent
//!   stream, streams to close, registry operations to persist), drained with
//!   [`Master::poll_output`];
//! - timers are internal; the shell asks [`Master::poll_timeout`] when to call back.
//!
//! `now` is nanoseconds since the Unix epoch in the real shell, so the wall-clock fields Mesos
//! exposes (status timestamps, registration times) come from it; tests may use any origin.
//!
//! Things that need durability (admitting an agent, marking one unreachable) are emitted as
//! [`Output::Persist`] and only take effect when the shell reports the write committed, the
//! order Mesos keeps: an agent is told it is registered only after the registry says so.

mod accept;
mod agents;
mod calls;
mod frameworks;
mod offers;
mod tasks;
pub mod validation;
pub mod view;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use mesos_allocator::{Allocator, HierarchicalAllocator};
use mesos_proto::internal::AgentEvent;
use mesos_proto::v1::scheduler::Event;
use mesos_proto::v1::{AgentInfo, MasterInfo};
use mesos_registry::{Operation, Registry};
use mesos_types::{Rng, Time};

pub use agents::{Agent, AgentReply};
pub use calls::SchedulerReply;
pub use frameworks::{Framework, FrameworkState};
pub use offers::OfferRecord;
pub use tasks::TaskRecord;
pub use view::RenderCache;

/// Identifies one open HTTP response stream (a scheduler subscription or an agent
/// registration), chosen by the shell.
pub type ConnId = u64;

/// The master's configuration, from flags.
#[derive(Clone, Debug)]
pub struct Config {
    /// This master's MasterInfo (id, address, hostname, version).
    pub master_info: MasterInfo,
    /// Allocator settings (`--allocation_interval`, sorters, minimums, ...).
    pub allocator: mesos_allocator::Config,
    /// `--offer_timeout`: rescind offers not answered this long.
    pub offer_timeout: Option<Duration>,
    /// `--agent_ping_timeout`.
    pub agent_ping_timeout: Duration,
    /// `--max_agent_ping_timeouts`.
    pub max_agent_ping_timeouts: u32,
    /// `--agent_reregister_timeout`: agents known from the registry that do not come back
    /// within this long after a master start are marked unreachable.
    pub agent_reregister_timeout: Duration,
    /// `--max_completed_frameworks`.
    pub max_completed_frameworks: usize,
    /// `--max_completed_tasks_per_framework`.
    pub max_completed_tasks_per_framework: usize,
    /// `--max_unreachable_tasks_per_framework`.
    pub max_unreachable_tasks_per_framework: usize,
    /// `--registry_gc_interval`: how often unreachable and gone agents are pruned.
    pub registry_gc_interval: Duration,
    /// `--registry_max_agent_age`: unreachable or gone agents older than this are pruned.
    pub registry_max_agent_age: Duration,
    /// `--registry_max_agent_count`: at most this many unreachable (and gone) agents kept.
    pub registry_max_agent_count: usize,
    /// `--roles`: role whitelist (`None` = any valid role).
    pub role_whitelist: Option<BTreeSet<String>>,
    /// `--weights`, used only when the registry has no weights yet.
    pub initial_weights: BTreeMap<String, f64>,
    /// `--root_submissions`.
    pub root_submissions: bool,
    /// Interval of scheduler HEARTBEAT events (Mesos: fixed 15 s).
    pub heartbeat_interval: Duration,
    /// Seed of every random choice (ids, shuffles).
    pub seed: u64,
}

impl Config {
    /// A configuration with Mesos' defaults around the given MasterInfo.
    pub fn with_defaults(master_info: MasterInfo) -> Config {
        Config {
            master_info,
            allocator: mesos_allocator::Config::default(),
            offer_timeout: None,
            agent_ping_timeout: Duration::from_secs(15),
            max_agent_ping_timeouts: 5,
            agent_reregister_timeout: Duration::from_secs(600),
            max_completed_frameworks: 50,
            max_completed_tasks_per_framework: 1000,
            max_unreachable_tasks_per_framework: 1000,
            registry_gc_interval: Duration::from_secs(15 * 60),
            registry_max_agent_age: Duration::from_secs(14 * 24 * 3600),
            registry_max_agent_count: 100 * 1024,
            role_whitelist: None,
            initial_weights: BTreeMap::new(),
            root_submissions: true,
            heartbeat_interval: Duration::from_secs(15),
            seed: 0,
        }
    }
}

/// An effect for the shell to carry out.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Push an event onto a scheduler's subscription stream.
    SchedulerEvent {
        /// The stream.
        conn: ConnId,
        /// The event.
        event: Box<Event>,
    },
    /// End a scheduler's subscription stream (after any events queued before this).
    CloseScheduler {
        /// The stream.
        conn: ConnId,
    },
    /// Push an event onto an agent's registration stream.
    AgentEvent {
        /// The stream.
        conn: ConnId,
        /// The event.
        event: Box<AgentEvent>,
    },
    /// End an agent's registration stream.
    CloseAgent {
        /// The stream.
        conn: ConnId,
    },
    /// Something an operator should know (the shell logs it as a warning): an input the core
    /// refused or worked around.
    Warning(String),
    /// Apply and durably store a registry operation, then call
    /// [`Master::registry_committed`] with `id`.
    Persist {
        /// Correlates the commit.
        id: u64,
        /// The operation.
        operation: Operation,
    },
}

/// Timers the master arms for itself.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    Allocate,
    Heartbeat,
    ReregisterTimeout,
    OfferTimeout(String),
    FailoverTimeout { framework: String, generation: u64 },
    RetryRegistry,
    RegistryGc,
}

/// First wait before writing a failed registry operation again.
pub(crate) const REGISTRY_RETRY_MIN: Duration = Duration::from_secs(1);
/// Longest wait between retries of failed registry writes.
pub(crate) const REGISTRY_RETRY_MAX: Duration = Duration::from_secs(30);

/// Counters behind `/metrics/snapshot`.
#[derive(Clone, Debug, Default)]
pub struct Counters {
    /// Agent registrations.
    pub slave_registrations: u64,
    /// Agent re-registrations.
    pub slave_reregistrations: u64,
    /// Agents removed (any reason).
    pub slave_removals: u64,
    /// Agents marked unreachable by the health checker.
    pub slave_unreachable_completed: u64,
    /// Registry writes that failed (ours; Mesos' master aborts at the first one).
    pub registry_write_failures: u64,
    /// Allocator calls refused because its books and the master's disagreed (ours).
    pub allocator_errors: u64,
    /// Scheduler calls received, by lower-case call type.
    pub calls: BTreeMap<&'static str, u64>,
    /// Terminal task transitions, by lower-case state name (`task_finished`...).
    pub terminal_tasks: BTreeMap<&'static str, u64>,
    /// `master/<state>/<source>/<reason>` counters.
    pub task_state_reasons: BTreeMap<String, u64>,
    /// Valid status updates from agents.
    pub valid_status_updates: u64,
    /// Status updates for unknown frameworks/agents.
    pub invalid_status_updates: u64,
    /// Acknowledgements forwarded.
    pub valid_status_update_acknowledgements: u64,
    /// Acknowledgements dropped.
    pub invalid_status_update_acknowledgements: u64,
    /// Framework → executor messages forwarded / dropped.
    pub valid_framework_to_executor_messages: u64,
    /// Dropped framework → executor messages.
    pub invalid_framework_to_executor_messages: u64,
    /// Executor → framework messages forwarded.
    pub valid_executor_to_framework_messages: u64,
    /// Dropped executor → framework messages.
    pub invalid_executor_to_framework_messages: u64,
    /// Messages dropped (unknown senders, ...).
    pub dropped_messages: u64,
    /// Offers sent.
    pub offers_sent: u64,
    /// Offers rescinded.
    pub offers_rescinded: u64,
}

/// The master state machine. See the crate documentation.
pub struct Master {
    config: Config,
    rng: Rng,
    start_time: Time,
    allocator: Box<dyn Allocator>,
    registry: Registry,
    frameworks: BTreeMap<String, Framework>,
    completed_frameworks: VecDeque<Framework>,
    next_framework: u64,
    agents: BTreeMap<String, Agent>,
    /// Agents known from the registry that have not re-registered since this master started.
    recovered_agents: BTreeMap<String, AgentInfo>,
    next_agent: u64,
    offers: BTreeMap<String, OfferRecord>,
    next_offer: u64,
    /// Registry operations in flight, by id, with what to do when they commit.
    pending: BTreeMap<u64, (Operation, agents::PendingOp)>,
    /// Operations whose write failed, to be written again at [`Timer::RetryRegistry`].
    registry_retries: Vec<(Operation, agents::PendingOp)>,
    /// The wait before the next retry of failed registry writes.
    registry_retry_backoff: Duration,
    /// Agent id numbers whose admission failed to commit, handed out again first.
    free_agent_serials: BTreeSet<u64>,
    /// What the wall clock reads, for timestamps ([`Master::set_wall_clock`]).
    wall: mesos_types::WallClock,
    /// Agent streams that closed while their admission was still being written.
    closed_before_commit: BTreeSet<ConnId>,
    next_op: u64,
    outputs: VecDeque<Output>,
    timers: BTreeSet<(Time, Timer)>,
    /// When each agent is pinged next; entries of removed agents are skipped when due.
    ping_due: BTreeSet<(Time, String)>,
    /// Round-robin over the slots of the ping timeout that agents' pings are spread over.
    next_ping_slot: u64,
    allocation_due: bool,
    counters: Counters,
}

impl Master {
    /// A master that recovered `registry` from its store at `now`.
    pub fn new(config: Config, registry: Registry, now: Time) -> Master {
        let allocator = Box::new(HierarchicalAllocator::new(config.allocator.clone(), config.seed));
        Master::with_allocator(config, registry, now, allocator)
    }

    /// A master using `allocator` (chosen with `--allocator`).
    pub fn with_allocator(
        config: Config,
        registry: Registry,
        now: Time,
        mut allocator: Box<dyn Allocator>,
    ) -> Master {
        let weights = if registry.weights.is_empty() {
            config.initial_weights.clone()
        } else {
            registry.weights.clone()
        };
        allocator.set_weights(weights);
        let recovered_agents = registry.agents.clone();
        let mut master = Master {
            rng: Rng::new(config.seed ^ 0x5eed),
            start_time: now,
            allocator,
            registry,
            frameworks: BTreeMap::new(),
            completed_frameworks: VecDeque::new(),
            next_framework: 0,
            agents: BTreeMap::new(),
            recovered_agents,
            next_agent: 0,
            offers: BTreeMap::new(),
            next_offer: 0,
            pending: BTreeMap::new(),
            registry_retries: Vec::new(),
            registry_retry_backoff: REGISTRY_RETRY_MIN,
            free_agent_serials: BTreeSet::new(),
            wall: mesos_types::WallClock::default(),
            closed_before_commit: BTreeSet::new(),
            next_op: 0,
            outputs: VecDeque::new(),
            timers: BTreeSet::new(),
            ping_due: BTreeSet::new(),
            next_ping_slot: 0,
            allocation_due: false,
            counters: Counters::default(),
            config,
        };
        // Agent ids must not collide with ids handed out by an earlier run of this master
        // (same master id only if the operator pinned it; the counter makes it safe anyway).
        master.next_agent = master.registry.agents.len() as u64
            + master.registry.unreachable.len() as u64
            + master.registry.gone.len() as u64;
        let interval = master.config.allocator.allocation_interval;
        master.arm(now + interval, Timer::Allocate);
        master.arm(now + master.config.heartbeat_interval, Timer::Heartbeat);
        master.arm(now + master.config.registry_gc_interval, Timer::RegistryGc);
        if !master.recovered_agents.is_empty() {
            master.arm(now + master.config.agent_reregister_timeout, Timer::ReregisterTimeout);
        }
        master
    }

    /// The next effect to carry out, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When [`Master::handle_timeout`] must next be called.
    pub fn poll_timeout(&self) -> Option<Time> {
        let mut next = self.timers.first().map(|(at, _)| *at);
        if let Some(ping) = self.next_ping_due() {
            next = Some(next.map_or(ping, |at| at.min(ping)));
        }
        if self.allocation_due {
            // A prompt allocation is wanted as soon as the shell comes back around.
            next = Some(Time::ZERO);
        }
        next
    }

    /// Fires every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Time) {
        if std::mem::take(&mut self.allocation_due) {
            self.run_allocation(now);
        }
        self.ping_due_agents(now);
        while let Some((at, _)) = self.timers.first() {
            if *at > now {
                break;
            }
            let Some((_, timer)) = self.timers.pop_first() else { break };
            match timer {
                Timer::Allocate => {
                    self.run_allocation(now);
                    let interval = self.config.allocator.allocation_interval;
                    self.arm(now + interval, Timer::Allocate);
                }
                Timer::Heartbeat => {
                    self.send_heartbeats();
                    self.arm(now + self.config.heartbeat_interval, Timer::Heartbeat);
                }
                Timer::ReregisterTimeout => self.reregister_timeout(now),
                Timer::OfferTimeout(offer_id) => self.offer_timed_out(now, &offer_id),
                Timer::FailoverTimeout { framework, generation } => {
                    self.failover_timeout(now, &framework, generation)
                }
                Timer::RetryRegistry => self.retry_registry_writes(),
                Timer::RegistryGc => {
                    self.prune_registry(now);
                    self.arm(now + self.config.registry_gc_interval, Timer::RegistryGc);
                }
            }
        }
    }

    /// The MasterInfo this master advertises.
    pub fn master_info(&self) -> &MasterInfo {
        &self.config.master_info
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// When this master started.
    pub fn start_time(&self) -> Time {
        self.start_time
    }

    /// The registry as last committed.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counters for metrics.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The allocator (for its metrics and role shares).
    pub fn allocator(&self) -> &dyn Allocator {
        self.allocator.as_ref()
    }

    fn arm(&mut self, at: Time, timer: Timer) {
        self.timers.insert((at, timer));
    }

    fn disarm(&mut self, timer: &Timer) {
        self.timers.retain(|(_, t)| t != timer);
    }

    /// Asks for an allocation pass as soon as the shell drives timers again (resources were
    /// freed or a framework revived), instead of waiting for the next interval.
    fn allocate_soon(&mut self) {
        self.allocation_due = true;
    }

    /// Reports an allocator call the allocator refused: the master's and the allocator's books
    /// disagree, which is a bug worth seeing rather than ignoring.
    fn check_allocator(&mut self, what: &str, result: Result<(), mesos_allocator::AllocatorError>) {
        if let Err(error) = result {
            self.counters.allocator_errors += 1;
            self.outputs.push_back(Output::Warning(format!("the allocator refused to {what}: {error}")));
        }
    }

    fn persist(&mut self, operation: Operation, then: agents::PendingOp) {
        let id = self.next_op;
        self.next_op += 1;
        self.pending.insert(id, (operation.clone(), then));
        self.outputs.push_back(Output::Persist { id, operation });
    }

    /// The wall-clock time of the instant `at`, in seconds, for timestamps shown to users.
    pub fn wall_seconds(&self, at: Time) -> f64 {
        self.wall.seconds_at(at)
    }

    /// The shell tells the core what the wall clock reads at `now`. Timers run on `now`
    /// alone (a monotonic clock in the shell); timestamps shown to users and stored in the
    /// registry are wall time ([`Master::wall_time`]). Until told, the two are the same.
    pub fn set_wall_clock(&mut self, now: Time, wall: Time) {
        self.wall.set(now, wall);
    }

    /// The wall-clock time of the instant `at` (as of the latest [`Master::set_wall_clock`]).
    pub fn wall_time(&self, at: Time) -> Time {
        self.wall.at(at)
    }

    fn new_uuid_string(&mut self) -> String {
        self.rng.uuid_string()
    }
}
