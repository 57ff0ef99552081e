//! The scale laboratory: the real master core (with its allocator) driven by many light
//! scripted agents and frameworks, to measure what the master costs at datacenter size.
//!
//! Unlike [`crate::Sim`], nothing here checks invariants after every step (that would cost far
//! more than the master itself); [`Master::audit`] runs once at the end instead. Time is
//! virtual, and the master is a single server: an input that arrives while the master is
//! still busy with an earlier one waits, and each input keeps the master busy for the CPU time
//! it really took (measured with a monotonic clock around the core's call and the draining of
//! its outputs). A latency is therefore what a user of one master on this machine would see,
//! queueing included; network and disk are given fixed small delays.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::{Duration, Instant};

use mesos_master_core::{AgentReply, Config, ConnId, Master, Output, SchedulerReply};
use mesos_proto::convert::{ResourceFormat, resources_from_proto, resources_to_proto};
use mesos_proto::internal::{AgentCall, AgentEvent, StatusUpdate, agent_call, agent_event};
use mesos_proto::v1::scheduler::{Call, Event, call, event};
use mesos_proto::v1::{
    AgentId, AgentInfo, CommandInfo, Filters, FrameworkId, FrameworkInfo, MasterInfo, OfferId, TaskId,
    TaskInfo, TaskState, TaskStatus, offer, task_status,
};
use mesos_registry::Registry;
use mesos_types::{Resources, Rng, Time};

/// One network hop, each way.
pub const NETWORK_DELAY: Duration = Duration::from_millis(1);
/// A registry write.
pub const DISK_DELAY: Duration = Duration::from_millis(2);

/// What the scripted agents run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Tasks report RUNNING, run for a random 20..60 s, report FINISHED; frameworks keep up
    /// to their cap running and acknowledge every update.
    Churn,
    /// Tasks are placed and nothing more: agents report nothing (placement alone is measured).
    PlaceOnly,
}

/// The cluster's size and shape.
#[derive(Clone, Debug)]
pub struct ScaleConfig {
    /// Agents.
    pub agents: usize,
    /// Frameworks (one role each, all weight 1).
    pub frameworks: usize,
    /// Each agent's resources, in `--resources` form.
    pub agent_resources: String,
    /// Each task's resources.
    pub task_resources: String,
    /// Tasks a framework keeps launched at most (its demand).
    pub tasks_per_framework: usize,
    /// Tasks a framework launches over the whole run at most.
    pub launches_per_framework: usize,
    /// What the tasks do.
    pub workload: Workload,
    /// Under [`Workload::Churn`], how many tasks (the first ones launched) finish; the rest
    /// run for ever (`u64::MAX`: all finish).
    pub finishing_tasks: u64,
    /// Seed for task durations and ids.
    pub seed: u64,
}

/// Distribution of durations.
#[derive(Clone, Debug, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    /// Adds one.
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `q` quantile (0..=1), or zero without samples.
    pub fn quantile(&mut self, q: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        self.0.sort_unstable();
        let at = ((self.0.len() - 1) as f64 * q).round() as usize;
        self.0[at]
    }

    /// The sum.
    pub fn total(&self) -> Duration {
        self.0.iter().sum()
    }
}

/// What one run measured.
#[derive(Clone, Debug, Default)]
pub struct Measured {
    /// Master CPU per input handled (calls, timers including allocation cycles, commits).
    pub step_cpu: Samples,
    /// Master CPU per allocation-timer step alone.
    pub allocation_cpu: Samples,
    /// From a framework sending ACCEPT to the master emitting the RUN_TASK for the agent,
    /// queueing behind other inputs included (virtual time).
    pub accept_to_run_task: Samples,
    /// Tasks the master sent to agents.
    pub tasks_launched: u64,
    /// Terminal updates frameworks heard.
    pub tasks_ended: u64,
    /// Inputs handled.
    pub steps: u64,
    /// The slowest steps: CPU time, what the input was and what came out of it.
    pub slowest: Vec<(Duration, String)>,
}

#[derive(Debug)]
enum Input {
    Scheduler { framework: usize, call: Box<Call>, accept_sent: Option<Time> },
    Agent { agent: usize, call: Box<AgentCall> },
    Commit { id: u64 },
    Timer,
}

struct ScaleAgent {
    id: String,
    conn: ConnId,
    stream_id: String,
}

struct ScaleFramework {
    id: String,
    conn: ConnId,
    stream_id: String,
    launched: usize,
    running: usize,
    /// Whether it asked for no more offers (it is at its demand).
    suppressed: bool,
}

/// A master with scripted agents and frameworks on a virtual clock.
pub struct ScaleCluster {
    /// The master core under measurement.
    pub master: Master,
    config: ScaleConfig,
    now: Time,
    busy_until: Time,
    queue: BinaryHeap<Reverse<(Time, u64)>>,
    inputs: BTreeMap<u64, Input>,
    next_input: u64,
    timer_queued: Option<Time>,
    agents: Vec<ScaleAgent>,
    agent_by_conn: BTreeMap<ConnId, usize>,
    frameworks: Vec<ScaleFramework>,
    framework_by_conn: BTreeMap<ConnId, usize>,
    next_conn: ConnId,
    next_task: u64,
    started_tasks: u64,
    task_resources: Vec<mesos_proto::v1::Resource>,
    task_quantities: Resources,
    rng: Rng,
    /// What was measured since the last [`ScaleCluster::reset_measurements`].
    pub measured: Measured,
}

/// The instant the virtual clock starts at.
const START: Time = Time::from_nanos(1_700_000_000_000_000_000);

fn master_info() -> MasterInfo {
    MasterInfo {
        id: "5ca1e000-0000-4000-8000-000000000000".into(),
        ip: 16_777_343,
        port: 5050,
        pid: Some("master@127.0.0.1:5050".into()),
        hostname: Some("localhost".into()),
        version: Some("1.12.0".into()),
        ..Default::default()
    }
}

impl ScaleCluster {
    /// A master alone, with the given limits on completed tasks kept per framework.
    pub fn new(config: ScaleConfig, max_completed_tasks_per_framework: usize) -> ScaleCluster {
        let mut master_config = Config::with_defaults(master_info());
        master_config.seed = config.seed;
        master_config.max_completed_tasks_per_framework = max_completed_tasks_per_framework;
        let task_quantities = Resources::parse(&config.task_resources, "*").unwrap_or_default();
        let task_resources = resources_to_proto(
            &task_quantities,
            ResourceFormat { refinement: true, allocation_info: false, legacy: false },
        );
        ScaleCluster {
            master: Master::new(master_config, Registry::default(), START),
            rng: Rng::new(config.seed),
            config,
            now: START,
            busy_until: START,
            queue: BinaryHeap::new(),
            inputs: BTreeMap::new(),
            next_input: 0,
            timer_queued: None,
            agents: Vec::new(),
            agent_by_conn: BTreeMap::new(),
            frameworks: Vec::new(),
            framework_by_conn: BTreeMap::new(),
            next_conn: 0,
            next_task: 0,
            started_tasks: 0,
            task_resources,
            task_quantities,
            measured: Measured::default(),
        }
    }

    /// The virtual time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Registers every agent and subscribes every framework, then runs until quiet.
    pub fn bring_up(&mut self) {
        let resources = Resources::parse(&self.config.agent_resources, "*").unwrap_or_default();
        let wire = resources_to_proto(
            &resources,
            ResourceFormat { refinement: true, allocation_info: false, legacy: false },
        );
        for index in 0..self.config.agents {
            let conn = self.conn();
            let call = AgentCall {
                r#type: Some(agent_call::Type::Register as i32),
                register: Some(agent_call::Register {
                    agent_info: AgentInfo {
                        hostname: format!("agent{index}"),
                        port: Some(5051),
                        resources: wire.clone(),
                        ..Default::default()
                    },
                    pid: Some(format!(
                        "slave(1)@10.{}.{}.{}:5051",
                        index >> 16,
                        (index >> 8) & 255,
                        index & 255
                    )),
                    ..Default::default()
                }),
                ..Default::default()
            };
            let stream_id = match self.master.agent_call(self.now, conn, call, None) {
                AgentReply::Stream { stream_id } => stream_id,
                _ => String::new(),
            };
            self.agent_by_conn.insert(conn, self.agents.len());
            self.agents.push(ScaleAgent { id: String::new(), conn, stream_id });
            self.drain_outputs(self.now);
        }
        // Registrations are written and answered; pings start.
        self.run_for(Duration::from_secs(10));
        for index in 0..self.config.frameworks {
            let conn = self.conn();
            let info = FrameworkInfo {
                user: "scale".into(),
                name: format!("fw{index}"),
                role: Some(format!("role{index}")),
                ..Default::default()
            };
            let call = Call {
                r#type: Some(call::Type::Subscribe as i32),
                subscribe: Some(call::Subscribe { framework_info: info, ..Default::default() }),
                ..Default::default()
            };
            let stream_id = match self.master.scheduler_call(self.now, conn, call, None) {
                SchedulerReply::Stream { stream_id } => stream_id,
                _ => String::new(),
            };
            self.framework_by_conn.insert(conn, self.frameworks.len());
            self.frameworks.push(ScaleFramework {
                id: String::new(),
                conn,
                stream_id,
                launched: 0,
                running: 0,
                suppressed: false,
            });
            self.drain_outputs(self.now);
        }
    }

    /// Forgets what was measured so far (after a warm-up).
    pub fn reset_measurements(&mut self) {
        self.measured = Measured::default();
    }

    /// Agents registered (their REGISTERED event arrived).
    pub fn registered_agents(&self) -> usize {
        self.agents.iter().filter(|a| !a.id.is_empty()).count()
    }

    /// Runs for `span` of virtual time.
    pub fn run_for(&mut self, span: Duration) {
        let end = self.now + span;
        while self.step(Some(end)) {}
        self.now = self.now.max(end);
    }

    /// Runs until `tasks` tasks have been launched in all (or `limit` of virtual time passed).
    pub fn run_until_launched(&mut self, tasks: u64, limit: Duration) {
        let end = self.now + limit;
        while self.measured.tasks_launched < tasks && self.step(Some(end)) {}
    }

    fn conn(&mut self) -> ConnId {
        self.next_conn += 1;
        self.next_conn
    }

    fn enqueue(&mut self, at: Time, input: Input) {
        let id = self.next_input;
        self.next_input += 1;
        self.inputs.insert(id, input);
        self.queue.push(Reverse((at, id)));
    }

    fn arm_timer(&mut self) {
        if let Some(at) = self.master.poll_timeout()
            && self.timer_queued.is_none_or(|queued| at < queued)
        {
            self.timer_queued = Some(at);
            self.enqueue(at, Input::Timer);
        }
    }

    /// Handles the next input before `end`; false when none is due by then.
    fn step(&mut self, end: Option<Time>) -> bool {
        self.arm_timer();
        let Some(Reverse((at, id))) = self.queue.peek().copied() else { return false };
        if end.is_some_and(|end| at > end) {
            return false;
        }
        self.queue.pop();
        let Some(input) = self.inputs.remove(&id) else { return true };
        // The master serves one input at a time.
        let start = at.max(self.busy_until);
        self.now = start;
        let mut accept_sent = None;
        let mut is_timer = false;
        let what = match &input {
            Input::Scheduler { call, .. } => {
                format!("scheduler call {:?}", call.r#type.and_then(|t| call::Type::try_from(t).ok()))
            }
            Input::Agent { call, .. } => {
                format!("agent call {:?}", call.r#type.and_then(|t| agent_call::Type::try_from(t).ok()))
            }
            Input::Commit { .. } => "registry commit".to_string(),
            Input::Timer => "timer".to_string(),
        };
        let clock = Instant::now();
        match input {
            Input::Scheduler { framework, call, accept_sent: sent } => {
                accept_sent = sent;
                let fw = &self.frameworks[framework];
                let (conn, stream) = (fw.conn, fw.stream_id.clone());
                let _ = self.master.scheduler_call(start, conn, *call, Some(&stream));
            }
            Input::Agent { agent, call } => {
                let a = &self.agents[agent];
                let (conn, stream) = (a.conn, a.stream_id.clone());
                let _ = self.master.agent_call(start, conn, *call, Some(&stream));
            }
            Input::Commit { id } => self.master.registry_committed(start, id, Ok(())),
            Input::Timer => {
                is_timer = true;
                if self.timer_queued.is_some_and(|queued| queued <= start) {
                    self.timer_queued = None;
                }
                if self.master.poll_timeout().is_some_and(|due| due <= start) {
                    self.master.handle_timeout(start);
                }
            }
        }
        let mut outputs = Vec::new();
        while let Some(output) = self.master.poll_output() {
            outputs.push(output);
        }
        let cpu = clock.elapsed();
        let done = start + cpu;
        self.busy_until = done;
        self.measured.steps += 1;
        self.measured.step_cpu.push(cpu);
        if is_timer {
            self.measured.allocation_cpu.push(cpu);
        }
        if self.measured.slowest.len() < 8 || self.measured.slowest.last().is_some_and(|(d, _)| *d < cpu) {
            let offers = outputs
                .iter()
                .filter(|o| matches!(o, Output::SchedulerEvent { event, .. } if event.offers.is_some()))
                .count();
            let what = format!("{what}: {} outputs, {offers} OFFERS events", outputs.len());
            self.measured.slowest.push((cpu, what));
            self.measured.slowest.sort_by_key(|(cpu, _)| std::cmp::Reverse(*cpu));
            self.measured.slowest.truncate(8);
        }
        let launched_before = self.measured.tasks_launched;
        self.route(done, outputs);
        if let Some(sent) = accept_sent
            && self.measured.tasks_launched > launched_before
        {
            self.measured.accept_to_run_task.push(done.saturating_since(sent));
        }
        true
    }

    fn drain_outputs(&mut self, at: Time) {
        let mut outputs = Vec::new();
        while let Some(output) = self.master.poll_output() {
            outputs.push(output);
        }
        self.route(at, outputs);
    }

    /// Carries the master's outputs to the scripted agents and frameworks, whose answers
    /// arrive one hop later.
    fn route(&mut self, at: Time, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::Persist { id, .. } => self.enqueue(at + DISK_DELAY, Input::Commit { id }),
                Output::AgentEvent { conn, event } => self.agent_event(at, conn, *event),
                Output::SchedulerEvent { conn, event } => self.framework_event(at, conn, *event),
                Output::CloseAgent { .. } | Output::CloseScheduler { .. } | Output::Warning(_) => {}
            }
        }
    }

    fn agent_event(&mut self, at: Time, conn: ConnId, event: AgentEvent) {
        let Some(&index) = self.agent_by_conn.get(&conn) else { return };
        let kind = event.r#type.and_then(|t| agent_event::Type::try_from(t).ok());
        match kind {
            Some(agent_event::Type::Registered) => {
                if let Some(registered) = event.registered {
                    self.agents[index].id = registered.agent_id.value;
                }
            }
            Some(agent_event::Type::Ping) => {
                let call = AgentCall {
                    r#type: Some(agent_call::Type::Pong as i32),
                    agent_id: Some(AgentId { value: self.agents[index].id.clone() }),
                    ..Default::default()
                };
                self.enqueue(at + NETWORK_DELAY * 2, Input::Agent { agent: index, call: Box::new(call) });
            }
            Some(agent_event::Type::RunTask) => {
                self.measured.tasks_launched += 1;
                if self.config.workload == Workload::PlaceOnly {
                    return;
                }
                let Some(run) = event.run_task else { return };
                let framework_id = run.framework.id.map(|id| id.value).unwrap_or_default();
                let task_id = run.task.task_id.value.clone();
                let running = self.status_call(index, &framework_id, &task_id, TaskState::TaskRunning);
                self.enqueue(at + NETWORK_DELAY * 2, Input::Agent { agent: index, call: Box::new(running) });
                self.started_tasks += 1;
                if self.started_tasks > self.config.finishing_tasks {
                    return;
                }
                let lasts = Duration::from_millis(20_000 + self.rng.below(40_000) as u64);
                let finished = self.status_call(index, &framework_id, &task_id, TaskState::TaskFinished);
                self.enqueue(at + lasts, Input::Agent { agent: index, call: Box::new(finished) });
            }
            _ => {}
        }
    }

    fn status_call(
        &mut self,
        agent: usize,
        framework_id: &str,
        task_id: &str,
        state: TaskState,
    ) -> AgentCall {
        AgentCall {
            r#type: Some(agent_call::Type::StatusUpdate as i32),
            agent_id: Some(AgentId { value: self.agents[agent].id.clone() }),
            status_update: Some(StatusUpdate {
                framework_id: FrameworkId { value: framework_id.to_string() },
                status: TaskStatus {
                    task_id: TaskId { value: task_id.to_string() },
                    state: state as i32,
                    source: Some(task_status::Source::SourceExecutor as i32),
                    uuid: Some(self.rng.uuid_bytes().to_vec()),
                    ..Default::default()
                },
                latest_state: Some(state as i32),
            }),
            ..Default::default()
        }
    }

    fn framework_event(&mut self, at: Time, conn: ConnId, event: Event) {
        let Some(&index) = self.framework_by_conn.get(&conn) else { return };
        let kind = event.r#type.and_then(|t| event::Type::try_from(t).ok());
        let reply_at = at + NETWORK_DELAY * 2;
        match kind {
            Some(event::Type::Subscribed) => {
                if let Some(subscribed) = event.subscribed {
                    self.frameworks[index].id = subscribed.framework_id.value;
                }
            }
            Some(event::Type::Offers) => {
                for offer in event.offers.map(|o| o.offers).unwrap_or_default() {
                    let call = self.answer_offer(index, &offer);
                    let accept_sent = call.accept.is_some().then_some(reply_at);
                    self.enqueue(
                        reply_at,
                        Input::Scheduler { framework: index, call: Box::new(call), accept_sent },
                    );
                }
                let fw = &mut self.frameworks[index];
                if fw.running >= self.config.tasks_per_framework && !fw.suppressed {
                    // At its demand: no more offers until a task ends.
                    fw.suppressed = true;
                    let suppress =
                        Call { r#type: Some(call::Type::Suppress as i32), ..self.framework_call(index) };
                    let input =
                        Input::Scheduler { framework: index, call: Box::new(suppress), accept_sent: None };
                    self.enqueue(reply_at, input);
                }
            }
            Some(event::Type::Update) => {
                let Some(status) = event.update.map(|u| u.status) else { return };
                let state = TaskState::try_from(status.state).unwrap_or(TaskState::TaskUnknown);
                if state.is_terminal() {
                    self.measured.tasks_ended += 1;
                    let fw = &mut self.frameworks[index];
                    fw.running = fw.running.saturating_sub(1);
                    if fw.suppressed {
                        // Demand again: offers, please (as a well-behaved scheduler does).
                        fw.suppressed = false;
                        let revive =
                            Call { r#type: Some(call::Type::Revive as i32), ..self.framework_call(index) };
                        let input =
                            Input::Scheduler { framework: index, call: Box::new(revive), accept_sent: None };
                        self.enqueue(reply_at, input);
                    }
                }
                if let (Some(uuid), Some(agent_id)) = (status.uuid, status.agent_id) {
                    let call = Call {
                        r#type: Some(call::Type::Acknowledge as i32),
                        acknowledge: Some(call::Acknowledge { agent_id, task_id: status.task_id, uuid }),
                        ..self.framework_call(index)
                    };
                    self.enqueue(
                        reply_at,
                        Input::Scheduler { framework: index, call: Box::new(call), accept_sent: None },
                    );
                }
            }
            _ => {}
        }
    }

    fn framework_call(&self, index: usize) -> Call {
        Call {
            framework_id: Some(FrameworkId { value: self.frameworks[index].id.clone() }),
            ..Default::default()
        }
    }

    /// ACCEPT with as many tasks as fit and the framework still wants, or DECLINE.
    fn answer_offer(&mut self, index: usize, offer: &mesos_proto::v1::Offer) -> Call {
        let offered = resources_from_proto(&offer.resources).unwrap_or_default();
        let mut left = offered.to_quantities();
        let need = self.task_quantities.to_quantities();
        let fw = &self.frameworks[index];
        let wanted = self
            .config
            .tasks_per_framework
            .saturating_sub(fw.running)
            .min(self.config.launches_per_framework.saturating_sub(fw.launched));
        let mut tasks = Vec::new();
        while tasks.len() < wanted && left.contains(&need) {
            left.subtract(&need);
            self.next_task += 1;
            let resources = self.task_resources.clone();
            let id = format!("t{}", self.next_task);
            tasks.push(TaskInfo {
                name: id.clone(),
                task_id: TaskId { value: id },
                agent_id: offer.agent_id.clone(),
                resources,
                command: Some(CommandInfo { value: Some("true".into()), ..Default::default() }),
                ..Default::default()
            });
        }
        let offer_ids = vec![OfferId { value: offer.id.value.clone() }];
        if tasks.is_empty() {
            return Call {
                r#type: Some(call::Type::Decline as i32),
                decline: Some(call::Decline {
                    offer_ids,
                    filters: Some(Filters { refuse_seconds: Some(5.0) }),
                }),
                ..self.framework_call(index)
            };
        }
        let fw = &mut self.frameworks[index];
        fw.launched += tasks.len();
        fw.running += tasks.len();
        Call {
            r#type: Some(call::Type::Accept as i32),
            accept: Some(call::Accept {
                offer_ids,
                operations: vec![offer::Operation {
                    r#type: Some(offer::operation::Type::Launch as i32),
                    launch: Some(offer::operation::Launch { task_infos: tasks }),
                    ..Default::default()
                }],
                filters: None,
            }),
            ..self.framework_call(index)
        }
    }
}
