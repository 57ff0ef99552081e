//! A deterministic simulator of a whole mesos-rs cluster.
//!
//! One thread, one virtual clock, one seed: the real master core (with a registrar writing to
//! a simulated disk), real agent cores (with their status-update managers and checkpoints on
//! simulated disks), simulated executors running simulated tasks, and simulated frameworks,
//! all talking over a simulated network ([`net`]) that delays and reorders what the real
//! protocols allow. Faults ([`swarm::Fault`]) crash and restart processes, break streams,
//! partition agents, fail disk writes and jump clocks. After every step the invariants of
//! [`checks`] must hold; at the end, with faults stopped, every framework's work must finish
//! ([`Sim::check_liveness`]).
//!
//! Any failure names its seed; `mesos-sim --seed N` replays it exactly and prints the trace
//! of the steps before it.

mod agent;
pub mod checks;
mod framework;
mod master;
mod net;
pub mod scale;
pub mod swarm;

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use mesos_master_core::{AgentReply, Output as MasterOutput, SchedulerReply};
use mesos_types::{Rng, Time};

use crate::agent::AgentNode;
use crate::framework::SimFramework;
use crate::master::{MasterNode, StreamOwner};
use crate::net::{Conn, Lane, Msg, Network};
use crate::swarm::{Fault, Swarm};

/// How long a run is.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    /// Steps (events handled) with faults on.
    pub steps: usize,
    /// Virtual time the liveness phase may take before unfinished work is a failure.
    pub liveness_budget: Duration,
    /// Lines of trace kept for a failure report.
    pub trace_lines: usize,
    /// The faults a run may inject (`None`: every kind, as the seed's swarm picks).
    pub allowed_faults: Option<&'static [Fault]>,
    /// A deliberate fault in the simulated plumbing, to prove the checks catch it.
    pub sabotage: Option<Sabotage>,
    /// Behaviours added to the simulation after its first regression seeds were found.
    pub behaviours: Behaviours,
}

/// Behaviours of the simulated processes that later versions of the simulator added. A seed
/// found before a behaviour existed replays its original run only with that behaviour off
/// (a new behaviour changes what every seed does), so regression seeds name what they ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Behaviours {
    /// Frameworks without work left SUPPRESS offers, and REVIVE when they want more.
    pub suppress_revive: bool,
    /// Agents sometimes restart with `--recover=cleanup` instead of `reconnect`.
    pub recover_cleanup: bool,
    /// Some frameworks acknowledge updates up to 20 s late, so agents retry them and
    /// frameworks hear them again.
    pub late_acknowledgements: bool,
    /// Some frameworks reserve disk, create a persistent volume, destroy it and unreserve.
    pub reservations: bool,
    /// Some frameworks launch task groups under the default executor.
    pub task_groups: bool,
    /// Some frameworks run their tasks under an executor of their own.
    pub custom_executors: bool,
    /// The master prunes unreachable and gone agents from its registry every 20 s, keeping
    /// one of each and none older than 2 minutes (registry GC).
    pub registry_gc: bool,
}

impl Behaviours {
    /// Everything the simulator can do.
    pub const ALL: Behaviours = Behaviours::UP_TO_REGISTRY_GC;
    /// Everything up to registry GC (today, everything).
    pub const UP_TO_REGISTRY_GC: Behaviours =
        Behaviours { registry_gc: true, ..Behaviours::UP_TO_CUSTOM_EXECUTORS };
    /// Everything up to task groups and custom executors.
    pub const UP_TO_CUSTOM_EXECUTORS: Behaviours =
        Behaviours { task_groups: true, custom_executors: true, ..Behaviours::UP_TO_RESERVATIONS };
    /// Everything up to and including reservations and volumes.
    pub const UP_TO_RESERVATIONS: Behaviours = Behaviours {
        suppress_revive: true,
        recover_cleanup: true,
        late_acknowledgements: true,
        reservations: true,
        task_groups: false,
        custom_executors: false,
        registry_gc: false,
    };
    /// What the simulator did when its first regression seeds were found.
    pub const ORIGINAL: Behaviours = Behaviours {
        suppress_revive: false,
        recover_cleanup: false,
        late_acknowledgements: false,
        reservations: false,
        task_groups: false,
        custom_executors: false,
        registry_gc: false,
    };
    /// What the simulator did when the seeds found with suppress/revive and cleanup were.
    pub const SUPPRESS_AND_CLEANUP: Behaviours = Behaviours {
        suppress_revive: true,
        recover_cleanup: true,
        late_acknowledgements: false,
        reservations: false,
        task_groups: false,
        custom_executors: false,
        registry_gc: false,
    };
}

/// Deliberate breakage, for tests of the checks themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sabotage {
    /// The registry's disk acknowledges writes it never stores (the bug class where the
    /// master's copy and the stored registry drift apart).
    LoseRegistryWrites,
    /// The master answers SUPPRESS but goes on offering (as if the allocator dropped it).
    MasterIgnoresSuppress,
    /// The master answers REVIVE but stays suppressed (the framework starves).
    MasterIgnoresRevive,
}

/// The faults the test suite runs with: every kind (each seed's swarm picks its mix).
pub const CI_FAULTS: &[Fault] = &swarm::ALL_FAULTS;

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            steps: 2_000,
            liveness_budget: Duration::from_secs(3_600),
            trace_lines: 60,
            allowed_faults: None,
            sabotage: None,
            behaviours: Behaviours::ALL,
        }
    }
}

/// What a run that held every invariant did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Events handled.
    pub steps: usize,
    /// Faults injected.
    pub faults: usize,
    /// Tasks the frameworks launched.
    pub tasks_launched: usize,
    /// Tasks that finished (TASK_FINISHED seen by their framework).
    pub tasks_finished: usize,
    /// Reliable updates a framework heard again (resent before its acknowledgement landed).
    pub updates_heard_again: usize,
    /// Persistent volumes offered back to the framework that created them.
    pub volumes_offered_back: usize,
    /// Task groups launched (LAUNCH_GROUP under the default executor).
    pub task_groups_launched: usize,
    /// Virtual time the run took.
    pub virtual_seconds: u64,
}

/// An invariant that did not hold.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The seed.
    pub seed: u64,
    /// The step at which it was seen.
    pub step: usize,
    /// What went wrong.
    pub message: String,
    /// The steps before it, oldest first.
    pub trace: Vec<String>,
    /// The command that replays it.
    pub replay: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "seed {} failed at step {}: {}", self.seed, self.step, self.message)?;
        writeln!(f, "the steps before it:")?;
        for line in &self.trace {
            writeln!(f, "  {line}")?;
        }
        write!(f, "replay: {}", self.replay)
    }
}

/// Runs one seed.
pub fn run(seed: u64, options: RunOptions) -> Result<Summary, Box<Failure>> {
    let mut sim = Sim::new(seed, options);
    sim.run().map_err(|message| Box::new(sim.failure(message)))
}

/// The phase a run is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Faults are injected.
    Faults,
    /// Faults stopped and every process is up: the work must finish.
    Liveness,
}

/// The whole simulated cluster.
pub struct Sim {
    seed: u64,
    options: RunOptions,
    swarm: Swarm,
    rng: Rng,
    now: Time,
    step: usize,
    phase: Phase,
    net: Network,
    master: MasterNode,
    agents: Vec<AgentNode>,
    frameworks: Vec<SimFramework>,
    next_conn: Conn,
    trace: VecDeque<String>,
    /// Uuids of status updates whose checkpoint record was written, per (framework, task),
    /// in order: what a checkpointing framework must come to see, in that order.
    written_updates: BTreeMap<(String, String), Vec<Vec<u8>>>,
    /// How often each (framework, task) was handed to an executor.
    launches: BTreeMap<(String, String), u32>,
    /// Agents cut off from the master until the given instant.
    partitions: BTreeMap<usize, Time>,
    /// Streams that lost a message to a partition: nothing more may arrive on them.
    broken_streams: std::collections::BTreeSet<Conn>,
    /// Broken invariants noticed while handling an event (reported after the step).
    violations: Vec<String>,
    /// Random choices of the [`Behaviours`] added later, drawn apart from `rng` so that with
    /// them off a seed draws exactly what it drew before they existed.
    behaviour_rng: Rng,
    /// Frameworks whose SUPPRESS the running master took, with no REVIVE or SUBSCRIBE since:
    /// no new offer may go to them.
    suppressed_at_master: std::collections::BTreeSet<usize>,
    /// Outputs the master produced before the scheduler call being handled (its timers fire
    /// first in a step), taken out before the call so they are judged by what the master
    /// knew when it made them; routed first, in order.
    earlier_master_outputs: VecDeque<MasterOutput>,
    /// Steps taken since virtual time last moved (a livelock detector).
    steps_at_this_instant: usize,
    summary: Summary,
}

/// How long the end of a run waits for messages in flight before judging it.
pub(crate) const SETTLE: Duration = Duration::from_secs(15);

/// Steps at one virtual instant after which the run is taken to be stuck.
const LIVELOCK_STEPS: usize = 100_000;

/// The origin of virtual time: late 2023, so wall-clock fields look real.
const EPOCH: Time = Time::from_nanos(1_700_000_000_000_000_000);

impl Sim {
    /// A cluster as the seed's swarm describes it, at virtual time zero.
    pub fn new(seed: u64, options: RunOptions) -> Sim {
        let mut swarm = Swarm::from_seed(seed);
        if let Some(allowed) = options.allowed_faults {
            swarm.restrict(allowed);
        }
        let now = EPOCH;
        let master = MasterNode::new(seed, swarm.offer_timeout, options.behaviours.registry_gc, now);
        let mut sim = Sim {
            seed,
            options,
            rng: Rng::new(seed),
            now,
            step: 0,
            phase: Phase::Faults,
            net: Network::default(),
            master,
            agents: Vec::new(),
            frameworks: Vec::new(),
            next_conn: 1,
            trace: VecDeque::new(),
            written_updates: BTreeMap::new(),
            launches: BTreeMap::new(),
            partitions: BTreeMap::new(),
            broken_streams: Default::default(),
            violations: Vec::new(),
            behaviour_rng: Rng::new(seed ^ 0xbe4a_71e5_0000_0001),
            suppressed_at_master: Default::default(),
            earlier_master_outputs: VecDeque::new(),
            steps_at_this_instant: 0,
            summary: Summary::default(),
            swarm,
        };
        sim.note(format!("swarm {:?}", sim.swarm));
        for index in 0..sim.swarm.agents {
            let node = AgentNode::new(index, seed);
            sim.agents.push(node);
            sim.start_agent(index);
        }
        for index in 0..sim.swarm.frameworks {
            let mut framework = SimFramework::new(index, &mut sim.rng, sim.swarm.tasks_per_framework);
            framework.suppresses = sim.options.behaviours.suppress_revive && sim.behaviour_rng.below(2) == 0;
            // A framework that reserves keeps taking offers (its reservations come back to it
            // only in offers), so it does not suppress.
            if sim.options.behaviours.reservations && sim.behaviour_rng.below(3) == 0 {
                framework.reserves = true;
                framework.suppresses = false;
            }
            if sim.options.behaviours.late_acknowledgements && sim.behaviour_rng.below(3) == 0 {
                framework.ack_delay = Duration::from_millis(1_000 + sim.behaviour_rng.below(19_000) as u64);
            }
            if sim.options.behaviours.task_groups && sim.behaviour_rng.below(3) == 0 {
                framework.groups = true;
            } else if sim.options.behaviours.custom_executors && sim.behaviour_rng.below(3) == 0 {
                framework.custom_executor = true;
            }
            // Half of those have no work ready at first: they suppress, then revive.
            if framework.suppresses && sim.behaviour_rng.below(2) == 0 {
                let wait = Duration::from_millis(1_000 + sim.behaviour_rng.below(30_000) as u64);
                framework.paused_until = Some(now + wait);
            }
            sim.frameworks.push(framework);
            sim.start_framework(index);
        }
        if let Some(interval) = sim.swarm.fault_interval {
            let wait = interval.mul_f64(sim.rng.unit() * 2.0);
            sim.net.send(now, Lane::Free, wait, Msg::Fault);
        }
        sim
    }

    /// The fault phase, then the liveness phase, checking invariants after every step.
    pub fn run(&mut self) -> Result<Summary, String> {
        while self.step < self.options.steps {
            if !self.step_once()? {
                break;
            }
        }
        self.begin_liveness();
        let deadline = self.now + self.options.liveness_budget;
        loop {
            let mut quiet = false;
            while self.now < deadline && !self.work_done() {
                if !self.step_once()? {
                    quiet = true;
                    break;
                }
            }
            // A little longer, so what is in flight lands before the end is judged; if that
            // undid the end (a timer that was still running marked an agent unreachable),
            // wait for the cluster to settle again.
            let settled = self.now + SETTLE;
            while self.now < settled {
                if !self.step_once()? {
                    quiet = true;
                    break;
                }
            }
            if quiet || self.now >= deadline || self.work_done() {
                break;
            }
        }
        self.check_liveness()?;
        self.summary.steps = self.step;
        self.summary.virtual_seconds = self.now.saturating_since(EPOCH).as_secs();
        Ok(self.summary.clone())
    }

    /// Handles the next event (a message, a fault or a core's timer). Returns false when
    /// nothing is left to happen.
    fn step_once(&mut self) -> Result<bool, String> {
        let Some(at) = self.next_instant() else { return Ok(false) };
        if at > self.now {
            self.now = at;
            self.steps_at_this_instant = 0;
        }
        self.steps_at_this_instant += 1;
        if self.steps_at_this_instant > LIVELOCK_STEPS {
            return Err(format!(
                "livelock: {LIVELOCK_STEPS} steps without time moving; {}",
                self.describe_timers()
            ));
        }
        self.step += 1;
        self.fire_core_timers();
        if self.net.next_due().is_some_and(|due| due <= self.now)
            && let Some((_, msg)) = self.net.pop()
        {
            self.deliver(msg);
        }
        self.pump();
        checks::check(self)
    }

    /// The earliest of the network's next event and the cores' timers.
    fn next_instant(&self) -> Option<Time> {
        let mut next = self.net.next_due();
        let mut consider = |at: Option<Time>| {
            if let Some(at) = at {
                next = Some(next.map_or(at, |n: Time| n.min(at)));
            }
        };
        if let Some(core) = &self.master.core {
            consider(core.poll_timeout().map(|t| t.max(self.now)));
        }
        for agent in &self.agents {
            if let Some(core) = &agent.core {
                consider(core.poll_timeout().map(|t| t.max(self.now)));
            }
        }
        next
    }

    fn describe_timers(&self) -> String {
        let master = self.master.core.as_ref().and_then(|c| c.poll_timeout());
        let agents: Vec<Option<Time>> =
            self.agents.iter().map(|a| a.core.as_ref().and_then(|c| c.poll_timeout())).collect();
        format!(
            "now {:?}, master timer {master:?}, agent timers {agents:?}, network next {:?}",
            self.now,
            self.net.next_due()
        )
    }

    fn fire_core_timers(&mut self) {
        let now = self.now;
        if let Some(core) = &mut self.master.core
            && core.poll_timeout().is_some_and(|t| t <= now)
        {
            core.handle_timeout(now);
        }
        for agent in &mut self.agents {
            if let Some(core) = &mut agent.core
                && core.poll_timeout().is_some_and(|t| t <= now)
            {
                core.handle_timeout(now);
            }
        }
    }

    /// Carries out what the cores asked for, until none has anything more to say.
    fn pump(&mut self) {
        loop {
            let mut progressed = self.pump_master();
            for index in 0..self.agents.len() {
                progressed |= self.pump_agent(index);
            }
            if !progressed {
                break;
            }
        }
    }

    fn delay(&mut self) -> Duration {
        let max = self.swarm.max_delay.as_nanos() as u64;
        Duration::from_nanos(self.rng.next_u64() % max.max(1))
    }

    fn new_conn(&mut self) -> Conn {
        self.next_conn += 1;
        self.next_conn
    }

    /// Records a line of trace.
    pub(crate) fn note(&mut self, line: String) {
        let seconds = self.now.saturating_since(EPOCH).as_secs_f64();
        self.trace.push_back(format!("[{} {seconds:9.3}s] {line}", self.step));
        while self.trace.len() > self.options.trace_lines {
            self.trace.pop_front();
        }
    }

    fn failure(&self, message: String) -> Failure {
        let mut replay = format!(
            "cargo run --release -p mesos-sim -- --seed {} --steps {}",
            self.seed, self.options.steps
        );
        if let Some(allowed) = self.options.allowed_faults {
            let names: Vec<&str> = allowed.iter().map(|f| swarm::fault_name(*f)).collect();
            replay.push_str(&format!(" --faults {},", names.join(",")));
        }
        match self.options.behaviours {
            Behaviours::ALL => {}
            Behaviours::ORIGINAL => replay.push_str(" --behaviours original"),
            Behaviours::SUPPRESS_AND_CLEANUP => replay.push_str(" --behaviours suppress-and-cleanup"),
            Behaviours::UP_TO_RESERVATIONS => replay.push_str(" --behaviours up-to-reservations"),
            Behaviours::UP_TO_CUSTOM_EXECUTORS => replay.push_str(" --behaviours up-to-custom-executors"),
            other => replay.push_str(&format!(" (with {other:?}: only from the library)")),
        }
        if let Some(sabotage) = self.options.sabotage {
            replay.push_str(&format!(" (with {sabotage:?}: only from the library)"));
        }
        Failure {
            seed: self.seed,
            step: self.step,
            message,
            trace: self.trace.iter().cloned().collect(),
            replay,
        }
    }

    fn is_partitioned(&self, agent: usize) -> bool {
        self.partitions.get(&agent).is_some_and(|until| *until > self.now)
    }

    /// Routes one event to whoever it is for.
    fn deliver(&mut self, msg: Msg) {
        match msg {
            Msg::SchedulerCall { framework, incarnation, epoch, conn, stream_id, call } => {
                self.scheduler_call_arrives(framework, incarnation, epoch, conn, stream_id, *call)
            }
            Msg::AgentCall { agent, incarnation, epoch, conn, stream_id, call } => {
                self.agent_call_arrives(agent, incarnation, epoch, conn, stream_id, *call)
            }
            Msg::SchedulerGone { epoch, conn } => {
                if epoch == self.master.epoch
                    && let Some(core) = &mut self.master.core
                {
                    self.master.streams.remove(&conn);
                    core.scheduler_stream_closed(self.now, conn);
                }
            }
            Msg::AgentGone { epoch, conn } => {
                if epoch == self.master.epoch
                    && let Some(core) = &mut self.master.core
                {
                    self.master.streams.remove(&conn);
                    core.agent_stream_closed(self.now, conn);
                }
            }
            Msg::RegistryWritten { epoch } => self.registry_written(epoch),
            Msg::MasterRestart => self.restart_master(),
            Msg::SubscribeAnswered { framework, conn, stream_id } => {
                self.subscribe_answered(framework, conn, stream_id)
            }
            Msg::SubscribeRefused { framework, conn, status, message } => {
                self.subscribe_refused(framework, conn, status, message)
            }
            Msg::SchedulerEvent { framework, conn, event } => {
                if !self.broken_streams.contains(&conn) {
                    self.scheduler_event(framework, conn, *event)
                }
            }
            Msg::SchedulerClosed { framework, conn } => self.scheduler_closed(framework, conn),
            Msg::FrameworkTick { framework, incarnation, periodic } => {
                self.framework_tick(framework, incarnation, periodic)
            }
            Msg::FrameworkRestart { framework } => self.restart_framework(framework),
            Msg::FrameworkAcknowledges { framework, incarnation, call } => {
                self.acknowledge_late(framework, incarnation, *call)
            }
            Msg::RegistrationAnswered { agent, conn, stream_id } => {
                self.registration_answered(agent, conn, stream_id)
            }
            Msg::AgentEvent { agent, conn, event } => {
                if self.is_partitioned(agent) {
                    self.broken_streams.insert(conn);
                } else if !self.broken_streams.contains(&conn) {
                    self.agent_event(agent, conn, *event)
                }
            }
            Msg::AgentClosed { agent, conn } => self.agent_stream_closed(agent, conn),
            Msg::AgentRestart { agent } => self.restart_agent(agent),
            Msg::ExecutorSubscribes { agent, container_id } => self.executor_subscribes(agent, &container_id),
            Msg::ExecutorCall { agent, incarnation, container_id, call } => {
                self.executor_call_arrives(agent, incarnation, &container_id, *call)
            }
            Msg::ExecutorEvent { agent, container_id, connection, event } => {
                self.executor_event(agent, &container_id, connection, *event)
            }
            Msg::TaskDue { agent, container_id, task_id, state } => {
                self.task_due(agent, &container_id, &task_id, state)
            }
            Msg::ContainerEnds { agent, container_id, status } => {
                self.container_ends(agent, &container_id, status)
            }
            Msg::Fault => self.inject_fault(),
        }
    }

    // ---- the master's side ----

    fn scheduler_call_arrives(
        &mut self,
        framework: usize,
        incarnation: u64,
        epoch: u64,
        conn: Conn,
        stream_id: Option<String>,
        call: mesos_proto::v1::scheduler::Call,
    ) {
        let is_subscribe = call.r#type == Some(mesos_proto::v1::scheduler::call::Type::Subscribe as i32);
        let now = self.now;
        if self.master.core.is_none() || epoch != self.master.epoch {
            // The process that was asked is gone: the connection fails.
            if is_subscribe {
                let delay = self.delay();
                self.net.send(now, Lane::Stream(conn), delay, Msg::SchedulerClosed { framework, conn });
            }
            return;
        }
        if self.frameworks[framework].incarnation != incarnation {
            return; // The sender died before its request got out.
        }
        if is_subscribe && self.broken_streams.contains(&conn) {
            return; // Its connection broke before the request got through.
        }
        let kind = call
            .r#type
            .and_then(|t| mesos_proto::v1::scheduler::call::Type::try_from(t).ok())
            .unwrap_or(mesos_proto::v1::scheduler::call::Type::Unknown);
        while let Some(output) = self.take_master_output() {
            self.earlier_master_outputs.push_back(output);
        }
        let Some(core) = self.master.core.as_mut() else { return };
        use mesos_proto::v1::scheduler::call::Type;
        let ignored = match self.options.sabotage {
            Some(Sabotage::MasterIgnoresSuppress) => kind == Type::Suppress,
            Some(Sabotage::MasterIgnoresRevive) => kind == Type::Revive,
            _ => false,
        };
        let reply = if ignored {
            SchedulerReply::Accepted
        } else {
            core.scheduler_call(now, conn, call, stream_id.as_deref())
        };
        self.note(format!("f{framework} {kind:?} -> {reply:?}"));
        self.track_suppression(framework, kind, &reply);
        if is_subscribe {
            let delay = self.delay();
            match reply {
                SchedulerReply::Stream { stream_id } => {
                    self.master.streams.insert(conn, StreamOwner::Framework(framework));
                    self.net.send(
                        now,
                        Lane::Stream(conn),
                        delay,
                        Msg::SubscribeAnswered { framework, conn, stream_id },
                    );
                }
                SchedulerReply::Error { status, message } => self.net.send(
                    now,
                    Lane::Stream(conn),
                    delay,
                    Msg::SubscribeRefused { framework, conn, status, message },
                ),
                SchedulerReply::Accepted | SchedulerReply::Ok => {}
            }
        }
    }

    fn agent_call_arrives(
        &mut self,
        agent: usize,
        incarnation: u64,
        epoch: u64,
        conn: Conn,
        stream_id: Option<String>,
        call: mesos_proto::internal::AgentCall,
    ) {
        use mesos_proto::internal::agent_call::Type;
        let opens = matches!(
            call.r#type.and_then(|t| Type::try_from(t).ok()),
            Some(Type::Register | Type::Reregister)
        );
        let now = self.now;
        let partitioned = self.is_partitioned(agent);
        let stale = self.agents[agent].incarnation != incarnation;
        let Some(core) = self.master.core.as_mut().filter(|_| epoch == self.master.epoch && !partitioned)
        else {
            if opens && !stale {
                let delay = self.delay();
                self.net.send(now, Lane::Stream(conn), delay, Msg::AgentClosed { agent, conn });
            }
            return;
        };
        if stale || (opens && self.broken_streams.contains(&conn)) {
            return;
        }
        let kind = call.r#type.and_then(|t| Type::try_from(t).ok());
        let reply = core.agent_call(now, conn, call, stream_id.as_deref());
        if !matches!(kind, Some(Type::Pong)) {
            self.note(format!("a{agent} call {kind:?} -> {reply:?}"));
        }
        if opens {
            let delay = self.delay();
            match reply {
                AgentReply::Stream { stream_id } => {
                    self.master.streams.insert(conn, StreamOwner::Agent(agent));
                    self.net.send(
                        now,
                        Lane::Stream(conn),
                        delay,
                        Msg::RegistrationAnswered { agent, conn, stream_id },
                    );
                }
                AgentReply::Error { .. } | AgentReply::Accepted => {
                    self.net.send(now, Lane::Stream(conn), delay, Msg::AgentClosed { agent, conn })
                }
            }
        }
    }

    /// Follows which frameworks the master has been told to stop offering to.
    fn track_suppression(
        &mut self,
        framework: usize,
        kind: mesos_proto::v1::scheduler::call::Type,
        reply: &SchedulerReply,
    ) {
        use mesos_proto::v1::scheduler::call::Type;
        match (kind, reply) {
            (Type::Suppress, SchedulerReply::Accepted | SchedulerReply::Ok) => {
                self.suppressed_at_master.insert(framework);
            }
            (Type::Revive, SchedulerReply::Accepted | SchedulerReply::Ok)
            | (Type::Subscribe, SchedulerReply::Stream { .. }) => {
                self.suppressed_at_master.remove(&framework);
            }
            _ => {}
        }
    }

    /// The master core's next output, checked against what the master was told: no offer
    /// goes to a framework whose SUPPRESS it took.
    fn take_master_output(&mut self) -> Option<MasterOutput> {
        let output = self.master.core.as_mut()?.poll_output()?;
        if let MasterOutput::SchedulerEvent { conn, event } = &output
            && event.offers.is_some()
            && let Some(StreamOwner::Framework(framework)) = self.master.streams.get(conn).copied()
            && self.suppressed_at_master.contains(&framework)
        {
            self.violation(format!("f{framework} was offered resources after it suppressed offers"));
        }
        Some(output)
    }

    /// Routes the master core's outputs.
    fn pump_master(&mut self) -> bool {
        let mut progressed = false;
        let now = self.now;
        while let Some(output) = self.earlier_master_outputs.pop_front().or_else(|| self.take_master_output())
        {
            progressed = true;
            match output {
                MasterOutput::SchedulerEvent { conn, event } => {
                    if let Some(StreamOwner::Framework(framework)) = self.master.streams.get(&conn).copied() {
                        let delay = self.delay();
                        self.net.send(
                            now,
                            Lane::Stream(conn),
                            delay,
                            Msg::SchedulerEvent { framework, conn, event },
                        );
                    }
                }
                MasterOutput::CloseScheduler { conn } => {
                    if let Some(StreamOwner::Framework(framework)) = self.master.streams.remove(&conn) {
                        let delay = self.delay();
                        self.net.send(
                            now,
                            Lane::Stream(conn),
                            delay,
                            Msg::SchedulerClosed { framework, conn },
                        );
                    }
                }
                MasterOutput::AgentEvent { conn, event } => {
                    if let Some(StreamOwner::Agent(agent)) = self.master.streams.get(&conn).copied() {
                        let delay = self.delay();
                        self.net.send(now, Lane::Stream(conn), delay, Msg::AgentEvent { agent, conn, event });
                    }
                }
                MasterOutput::CloseAgent { conn } => {
                    if let Some(StreamOwner::Agent(agent)) = self.master.streams.remove(&conn) {
                        let delay = self.delay();
                        self.net.send(now, Lane::Stream(conn), delay, Msg::AgentClosed { agent, conn });
                    }
                }
                MasterOutput::Warning(warning) => self.note(format!("master warning: {warning}")),
                MasterOutput::Persist { id, operation } => {
                    self.note(format!("persist #{id} {operation:?}"));
                    self.master.queued.push((id, operation));
                    self.start_registry_write();
                }
            }
        }
        progressed
    }

    fn start_registry_write(&mut self) {
        if self.master.begin_write() {
            let delay = self.delay() + Duration::from_millis(5);
            let epoch = self.master.epoch;
            self.net.send(self.now, Lane::Free, delay, Msg::RegistryWritten { epoch });
        }
    }

    fn registry_written(&mut self, epoch: u64) {
        if epoch != self.master.epoch || self.master.core.is_none() {
            return;
        }
        let success = self.rng.unit() >= self.swarm.registry_failure_rate;
        let lies = self.options.sabotage == Some(Sabotage::LoseRegistryWrites);
        let ids = self.master.finish_write(success && !lies);
        self.note(format!("registry write of {ids:?}: {}", if success { "ok" } else { "failed" }));
        let now = self.now;
        if let Some(core) = &mut self.master.core {
            for id in ids {
                let result = if success { Ok(()) } else { Err("simulated disk failure".to_string()) };
                core.registry_committed(now, id, result);
            }
        }
        self.start_registry_write();
    }

    fn crash_master(&mut self) {
        let landed = self.rng.below(2) == 0;
        self.note(format!("FAULT master crashes (a write in flight landed: {landed})"));
        let streams: Vec<(Conn, StreamOwner)> = self.master.streams.iter().map(|(c, o)| (*c, *o)).collect();
        self.master.crash(landed);
        // The next master knows of no suppression until frameworks subscribe to it.
        self.suppressed_at_master.clear();
        self.earlier_master_outputs.clear();
        for (conn, owner) in streams {
            let delay = self.delay();
            let msg = match owner {
                StreamOwner::Framework(framework) => Msg::SchedulerClosed { framework, conn },
                StreamOwner::Agent(agent) => Msg::AgentClosed { agent, conn },
            };
            self.net.send(self.now, Lane::Stream(conn), delay, msg);
        }
        let down = Duration::from_millis(self.rng.below(10_000) as u64);
        self.net.send(self.now, Lane::Free, down, Msg::MasterRestart);
    }

    fn restart_master(&mut self) {
        if self.master.core.is_some() {
            return;
        }
        self.note("master starts from its stored registry".to_string());
        self.master.start(self.now);
    }

    // ---- faults ----

    fn inject_fault(&mut self) {
        if self.phase != Phase::Faults {
            return;
        }
        if let Some(interval) = self.swarm.fault_interval {
            let wait = interval.mul_f64(self.rng.unit() * 2.0);
            self.net.send(self.now, Lane::Free, wait, Msg::Fault);
        }
        let Some(fault) = self.swarm.pick_fault(&mut self.rng) else { return };
        self.summary.faults += 1;
        match fault {
            Fault::AgentStreamBreak => {
                let agent = self.rng.below(self.agents.len());
                self.break_agent_stream(agent);
            }
            Fault::SchedulerStreamBreak => {
                let framework = self.rng.below(self.frameworks.len());
                self.break_scheduler_stream(framework);
            }
            Fault::MasterCrash => {
                if self.master.core.is_some() {
                    self.crash_master();
                }
            }
            Fault::AgentCrash => {
                let agent = self.rng.below(self.agents.len());
                self.crash_agent(agent);
            }
            Fault::ExecutorCrash => self.crash_some_executor(),
            Fault::FrameworkCrash => {
                let framework = self.rng.below(self.frameworks.len());
                self.crash_framework(framework);
            }
            Fault::Partition => {
                let agent = self.rng.below(self.agents.len());
                let length = Duration::from_millis(self.rng.below(120_000) as u64);
                self.note(format!("FAULT a{agent} partitioned from the master for {length:?}"));
                self.partitions.insert(agent, self.now + length);
            }
            // Disk failures are rates, not events (see `Swarm`).
            Fault::RegistryWriteFailure | Fault::CheckpointWriteFailure => {}
            Fault::ClockJump => {
                let jump = Duration::from_secs(self.rng.below(7200) as u64);
                let forward = self.rng.below(2) == 0;
                let target = self.rng.below(self.agents.len() + 1);
                self.note(format!("FAULT clock of {target} jumps by {jump:?} (forward: {forward})"));
                let now = self.now;
                let wall = if forward {
                    now + jump
                } else {
                    Time::from_nanos(now.as_nanos() - jump.as_nanos() as u64)
                };
                if target == self.agents.len() {
                    if let Some(core) = &mut self.master.core {
                        core.set_wall_clock(now, wall);
                    }
                } else if let Some(core) = &mut self.agents[target].core {
                    core.set_wall_clock(now, wall);
                }
            }
        }
    }

    fn break_agent_stream(&mut self, agent: usize) {
        let Some(conn) = self.agents[agent].conn else { return };
        self.note(format!("FAULT a{agent} registration stream {conn} breaks"));
        self.broken_streams.insert(conn);
        let (a, b) = (self.delay(), self.delay());
        let epoch = self.master.epoch;
        self.net.send(self.now, Lane::Free, a, Msg::AgentGone { epoch, conn });
        self.net.send(self.now, Lane::Free, b, Msg::AgentClosed { agent, conn });
    }

    fn break_scheduler_stream(&mut self, framework: usize) {
        let Some(conn) = self.frameworks[framework].conn else { return };
        self.note(format!("FAULT f{framework} subscription stream {conn} breaks"));
        self.broken_streams.insert(conn);
        let (a, b) = (self.delay(), self.delay());
        let epoch = self.master.epoch;
        self.net.send(self.now, Lane::Free, a, Msg::SchedulerGone { epoch, conn });
        self.net.send(self.now, Lane::Free, b, Msg::SchedulerClosed { framework, conn });
    }

    /// Faults stop; every process that is down comes back; partitions heal.
    fn begin_liveness(&mut self) {
        self.note("LIVENESS: faults stop, everything heals".to_string());
        self.phase = Phase::Liveness;
        self.net.cancel_faults();
        self.partitions.clear();
        if self.master.core.is_none() {
            self.restart_master();
        }
        for agent in 0..self.agents.len() {
            if self.agents[agent].core.is_none() {
                self.restart_agent(agent);
            }
        }
        for framework in 0..self.frameworks.len() {
            if !self.frameworks[framework].alive {
                self.restart_framework(framework);
            }
        }
    }
}
