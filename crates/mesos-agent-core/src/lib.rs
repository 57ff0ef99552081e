//! The sans-IO agent of mesos-rs.
//!
//! It owns the agent's relationship with the master (docs/protocol.md): registering with
//! randomized exponential backoff, re-registering with its id (and everything it runs) after
//! a broken stream or a master restart, answering pings, and noticing a master that went
//! silent. [`executors`] owns executors and tasks, [`status_updates`] their reliable updates.
//!
//! Like the master core it does no I/O: the shell calls [`AgentCore::start`],
//! [`AgentCore::stream_event`], [`AgentCore::stream_closed`] and
//! [`AgentCore::handle_timeout`], drains [`AgentCore::poll_output`] and sleeps until
//! [`AgentCore::poll_timeout`].

pub mod environment;
pub mod executor_api;
pub mod executors;
pub mod gc;
pub mod recovery;
pub mod status_updates;

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use mesos_proto::internal::{AgentCall, AgentEvent, StatusUpdate, agent_call, agent_event};
use mesos_proto::v1::{AgentId, AgentInfo, FrameworkId, MasterInfo};

use crate::executors::{ContainerLaunch, Framework};
use crate::status_updates::{Effect, Record, StatusUpdateManager, StreamKey};
use mesos_types::{Rng, Time};

/// Longest wait between registration attempts (Mesos: one minute).
pub const MAX_REGISTRATION_BACKOFF: Duration = Duration::from_secs(60);

/// Pings the master may miss before the agent treats it as gone and re-registers.
pub const MISSED_PINGS_BEFORE_REREGISTERING: u32 = 5;

/// Completed frameworks remembered for `/state`.
pub const MAX_COMPLETED_FRAMEWORKS: usize = 50;

/// What the agent is configured with.
#[derive(Clone, Debug)]
pub struct AgentConfig {
    /// Hostname, port, resources, attributes (no id).
    pub info: AgentInfo,
    /// `slave(1)@ip:port`.
    pub pid: String,
    /// mesos-rs version.
    pub version: String,
    /// AgentInfo capability names to advertise.
    pub capabilities: Vec<String>,
    /// `--registration_backoff_factor`: the first attempt waits a random time up to this.
    pub registration_backoff_factor: Duration,
    /// Seed of the backoff jitter.
    pub seed: u64,
    /// Dynamic reservations and persistent volumes recovered from the agent's checkpoint.
    pub checkpointed_resources: Vec<mesos_proto::v1::Resource>,
    /// `--work_dir`, under which sandboxes live.
    pub work_dir: String,
    /// `--launcher_dir`: where `mesos-executor` and `mesos-default-executor` are.
    pub launcher_dir: String,
    /// `ip:port` of the agent's HTTP server, for executors.
    pub endpoint: String,
    /// `--executor_registration_timeout`.
    pub executor_registration_timeout: Duration,
    /// `--executor_shutdown_grace_period` (an ExecutorInfo's own period wins).
    pub executor_shutdown_grace_period: Duration,
    /// `--recovery_timeout`.
    pub recovery_timeout: Duration,
    /// `--executor_reregistration_timeout`.
    pub executor_reregistration_timeout: Duration,
    /// `--switch_user`: run executors as the command's (or framework's) user.
    pub switch_user: bool,
    /// `--executor_environment_variables`: every executor's base environment, under the
    /// agent's `MESOS_*` variables and the command's own.
    pub executor_environment_variables: Option<std::collections::BTreeMap<String, String>>,
}

impl AgentConfig {
    /// A configuration with Mesos' defaults around `info`, for tests and embedders.
    pub fn with_defaults(info: AgentInfo, work_dir: &str, endpoint: &str) -> AgentConfig {
        AgentConfig {
            info,
            pid: format!("slave(1)@{endpoint}"),
            version: env!("CARGO_PKG_VERSION").to_string(),
            capabilities: Vec::new(),
            registration_backoff_factor: Duration::from_secs(1),
            seed: 0,
            checkpointed_resources: Vec::new(),
            work_dir: work_dir.to_string(),
            launcher_dir: "/usr/libexec/mesos".to_string(),
            endpoint: endpoint.to_string(),
            executor_registration_timeout: Duration::from_secs(60),
            executor_shutdown_grace_period: Duration::from_secs(5),
            recovery_timeout: Duration::from_secs(15 * 60),
            executor_reregistration_timeout: Duration::from_secs(2),
            switch_user: true,
            executor_environment_variables: None,
        }
    }
}

/// Where the agent stands with the master.
#[derive(Clone, Debug, PartialEq)]
pub enum Registration {
    /// Not talking to a master; the next attempt is scheduled.
    Disconnected,
    /// A REGISTER/REREGISTER stream is open, waiting for the answer.
    Registering,
    /// Registered (or re-registered) with this master.
    Registered(Box<MasterInfo>),
    /// The master told the agent to shut down.
    Shutdown(String),
}

/// An effect for the shell.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Open the registration stream: POST this call and feed the events back.
    OpenStream(Box<AgentCall>),
    /// Close the current stream (the agent gave up on it).
    CloseStream,
    /// POST this call with the current stream's id.
    Send(Box<AgentCall>),
    /// The agent must stop (the master removed it).
    Shutdown(String),
    /// Durably record that this agent is `agent_id` with `info`, so that after a restart it
    /// re-registers as the same agent.
    CheckpointAgent {
        /// The id the master assigned.
        agent_id: String,
        /// The AgentInfo it was admitted with (id set).
        info: Box<AgentInfo>,
    },
    /// Durably record the agent's dynamic reservations and persistent volumes (the master
    /// sent new ones); they are reported again at every (re-)registration.
    CheckpointResources(Vec<mesos_proto::v1::Resource>),
    /// Fetch the URIs into a new sandbox and start the executor; report the outcome with
    /// [`AgentCore::container_launch_failed`] or, when it ends,
    /// [`AgentCore::container_exited`].
    LaunchContainer(Box<ContainerLaunch>),
    /// Kill the container's whole process group (its end comes back as
    /// [`AgentCore::container_exited`]).
    DestroyContainer {
        /// Which container.
        container_id: String,
    },
    /// Send this event on an executor's subscription stream.
    ToExecutor {
        /// The stream given to [`AgentCore::executor_subscribe`].
        connection: u64,
        /// The event.
        event: Box<mesos_proto::v1::executor::Event>,
    },
    /// End an executor's subscription stream.
    CloseExecutorStream {
        /// Which stream.
        connection: u64,
    },
    /// Append a status-update record of a checkpointing framework's task.
    CheckpointUpdate {
        /// (framework id, task id).
        key: StreamKey,
        /// The task's executor.
        executor_id: String,
        /// The record.
        record: Record,
    },
    /// Durably record a checkpointing framework's FrameworkInfo.
    CheckpointFramework(Box<mesos_proto::v1::FrameworkInfo>),
    /// Durably record an executor of a checkpointing framework (the shell adds its pid).
    CheckpointExecutor {
        /// Framework id.
        framework_id: String,
        /// Its ExecutorInfo.
        info: Box<mesos_proto::v1::ExecutorInfo>,
        /// Which program it is.
        kind: executors::ExecutorKind,
        /// Its container.
        container_id: String,
        /// Its sandbox.
        directory: String,
    },
    /// Durably record a task of a checkpointing framework.
    CheckpointTask {
        /// Framework id.
        framework_id: String,
        /// Its executor.
        executor_id: String,
        /// The task.
        task: Box<mesos_proto::v1::TaskInfo>,
    },
    /// An executor and all its tasks are done: its checkpoints can go.
    ExecutorRemoved {
        /// Framework id.
        framework_id: String,
        /// Executor id.
        executor_id: String,
    },
    /// An executor ended: its sandbox may be garbage collected later.
    ExecutorTerminated {
        /// Framework id.
        framework_id: String,
        /// Executor id.
        executor_id: String,
        /// Its container.
        container_id: String,
    },
}

/// The agent state machine (registration part).
pub struct AgentCore {
    config: AgentConfig,
    rng: Rng,
    agent_id: Option<String>,
    registration: Registration,
    backoff: Duration,
    next_attempt: Option<Time>,
    /// When the master counts as gone unless it pings again.
    master_deadline: Option<Time>,
    ping_interval: Duration,
    updates: StatusUpdateManager,
    outputs: VecDeque<Output>,
    frameworks: BTreeMap<String, Framework>,
    completed_frameworks: Vec<Framework>,
    /// Container id → (framework id, executor id).
    containers: BTreeMap<String, (String, String)>,
    /// After a recovery, executors get this long to re-subscribe before the agent registers.
    registration_not_before: Option<Time>,
    counters: Counters,
    /// Calls that must reach the master but came while disconnected (executor exits).
    held_calls: Vec<AgentCall>,
    /// Updates of checkpointing frameworks whose record the shell has not yet reported
    /// written, by (stream, uuid).
    unrecorded_updates: BTreeMap<(StreamKey, Vec<u8>), executors::UnrecordedUpdate>,
    /// Acknowledgements of checkpointing frameworks whose record the shell has not yet
    /// reported written, by (stream, uuid): the stream waits for each.
    unrecorded_acks: BTreeMap<(StreamKey, Vec<u8>), executors::UnrecordedAck>,
    /// Updates of checkpointing frameworks for tasks the agent does not hold: nothing to write,
    /// so they are taken as written as soon as they are accepted.
    unheld_updates: Vec<(StreamKey, Vec<u8>)>,
    /// Records of a task's updates that wait for an earlier update of the same task to be
    /// written first, so the records on disk keep the order of the updates.
    deferred_checkpoints: BTreeMap<StreamKey, VecDeque<(String, Record)>>,
    /// What the wall clock reads, for timestamps ([`AgentCore::set_wall_clock`]).
    wall: mesos_types::WallClock,
}

/// Monotonic counts for `/metrics/snapshot` (Mesos' agent metric names in the field docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// `slave/tasks_finished`.
    pub tasks_finished: u64,
    /// `slave/tasks_failed`.
    pub tasks_failed: u64,
    /// `slave/tasks_killed`.
    pub tasks_killed: u64,
    /// `slave/tasks_lost` (and gone, dropped).
    pub tasks_lost: u64,
    /// `slave/executors_terminated`.
    pub executors_terminated: u64,
    /// `slave/valid_status_updates`.
    pub valid_status_updates: u64,
    /// `slave/invalid_status_updates`.
    pub invalid_status_updates: u64,
    /// Updates whose checkpoint could not be written (ours; Mesos aborts the agent instead).
    pub unrecorded_status_updates: u64,
}

impl AgentCore {
    /// An agent; `agent_id` is the id recovered from a checkpoint, if any, so that it
    /// re-registers instead of registering anew.
    pub fn new(config: AgentConfig, agent_id: Option<String>) -> AgentCore {
        let backoff = config.registration_backoff_factor;
        AgentCore {
            rng: Rng::new(config.seed),
            config,
            agent_id,
            registration: Registration::Disconnected,
            backoff,
            next_attempt: None,
            master_deadline: None,
            ping_interval: Duration::from_secs(15),
            updates: StatusUpdateManager::new(),
            outputs: VecDeque::new(),
            frameworks: BTreeMap::new(),
            completed_frameworks: Vec::new(),
            containers: BTreeMap::new(),
            registration_not_before: None,
            counters: Counters::default(),
            held_calls: Vec::new(),
            unrecorded_updates: BTreeMap::new(),
            unrecorded_acks: BTreeMap::new(),
            unheld_updates: Vec::new(),
            deferred_checkpoints: BTreeMap::new(),
            wall: mesos_types::WallClock::default(),
        }
    }

    /// Begins: the first attempt waits a random time up to the backoff factor, so a fleet of
    /// agents restarting together does not hit the master at once.
    pub fn start(&mut self, now: Time) {
        let from = self.registration_not_before.take().map_or(now, |at| at.max(now));
        self.schedule_attempt(from);
    }

    /// Counts for the agent's metrics.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The shell tells the core what the wall clock reads at `now`. Timers run on `now`
    /// alone (a monotonic clock in the shell); the timestamps of status updates the agent
    /// stamps are wall time. Until told, the two are the same.
    pub fn set_wall_clock(&mut self, now: Time, wall: Time) {
        self.wall.set(now, wall);
    }

    /// The wall-clock time of the instant `at`, in seconds since the epoch.
    pub(crate) fn wall_seconds(&self, at: Time) -> f64 {
        self.wall.seconds_at(at)
    }

    /// The agent's id, once the master assigned one.
    pub fn agent_id(&self) -> Option<&str> {
        self.agent_id.as_deref()
    }

    /// Where the agent stands.
    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    /// The next effect.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.pump_updates();
        self.outputs.pop_front()
    }

    /// Turns the status-update manager's effects into outputs at once, so they keep their
    /// order with the outputs that follow (an acknowledgement's checkpoint before the
    /// removal of the executor's checkpoints).
    pub(crate) fn pump_updates(&mut self) {
        while let Some(effect) = self.updates.poll_effect() {
            match effect {
                Effect::Checkpoint { key, record } => {
                    let executor_id = self.records_executor(&key);
                    // Updates for tasks the agent does not hold need no checkpoint (there is no
                    // executor directory to keep it in): such an update counts as written.
                    match (executor_id, record) {
                        (Some(executor_id), record) => {
                            if let Record::Ack(uuid) = &record {
                                let ack = executors::UnrecordedAck {
                                    executor_id: executor_id.clone(),
                                    failures: 0,
                                    retry_at: None,
                                };
                                self.unrecorded_acks.insert((key.clone(), uuid.clone()), ack);
                            }
                            if self.checkpoint_must_wait(&key) {
                                self.deferred_checkpoints
                                    .entry(key)
                                    .or_default()
                                    .push_back((executor_id, record));
                            } else {
                                self.outputs.push_back(Output::CheckpointUpdate { key, executor_id, record });
                            }
                        }
                        (None, Record::Update(status)) => {
                            self.unheld_updates.push((key, status.uuid.unwrap_or_default()));
                        }
                        (None, Record::Ack(uuid)) => self.updates.ack_written(&key, &uuid),
                    }
                }
                Effect::Forward { framework_id, status, latest_state } => {
                    let call = AgentCall {
                        r#type: Some(agent_call::Type::StatusUpdate as i32),
                        agent_id: self.agent_id.as_ref().map(|id| AgentId { value: id.clone() }),
                        status_update: Some(StatusUpdate {
                            framework_id: FrameworkId { value: framework_id },
                            status: *status,
                            latest_state: Some(latest_state as i32),
                        }),
                        ..Default::default()
                    };
                    self.outputs.push_back(Output::Send(Box::new(call)));
                }
            }
        }
    }

    /// The executor whose directory keeps the update records of a task (none if the agent
    /// does not hold the task).
    pub(crate) fn records_executor(&self, key: &StreamKey) -> Option<String> {
        self.frameworks.get(&key.0).and_then(|f| {
            f.executors
                .iter()
                .find(|(_, e)| {
                    e.tasks.contains_key(&key.1)
                        || e.completed_tasks.iter().any(|t| t.info.task_id.value == key.1)
                })
                .map(|(id, _)| id.clone())
        })
    }

    /// Whether a record of `key` must wait: an earlier update of the task is not on disk yet
    /// (its write is outstanding or failed and will be retried), or records wait already.
    fn checkpoint_must_wait(&self, key: &StreamKey) -> bool {
        self.deferred_checkpoints.get(key).is_some_and(|queue| !queue.is_empty())
            || self.update_unrecorded(key)
    }

    /// Whether an update of `key` was handed to the shell to write and is not on disk yet
    /// (the ones still waiting in `deferred_checkpoints` do not count).
    fn update_unrecorded(&self, key: &StreamKey) -> bool {
        let unrecorded = self
            .unrecorded_updates
            .range((key.clone(), Vec::new())..)
            .take_while(|((k, _), _)| k == key)
            .count();
        let waiting = self.deferred_checkpoints.get(key).map_or(0, |queue| {
            queue.iter().filter(|(_, record)| matches!(record, Record::Update(_))).count()
        });
        unrecorded > waiting
    }

    /// Writes the records that waited behind an update of `key` that is now on disk, up to
    /// the next update record (which must be written before the ones after it).
    pub(crate) fn release_deferred_checkpoints(&mut self, key: &StreamKey) {
        while !self.update_unrecorded(key) {
            let Some(queue) = self.deferred_checkpoints.get_mut(key) else { return };
            let Some((executor_id, record)) = queue.pop_front() else {
                self.deferred_checkpoints.remove(key);
                return;
            };
            if queue.is_empty() {
                self.deferred_checkpoints.remove(key);
            }
            let is_update = matches!(record, Record::Update(_));
            self.outputs.push_back(Output::CheckpointUpdate { key: key.clone(), executor_id, record });
            if is_update {
                // Written when the shell reports it; the rest waits for that.
                return;
            }
        }
    }

    /// When [`AgentCore::handle_timeout`] must be called next.
    pub fn poll_timeout(&self) -> Option<Time> {
        [
            self.next_attempt,
            self.master_deadline,
            self.updates.poll_timeout(),
            self.executor_deadline(),
            self.checkpoint_retry_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Fires what is due.
    pub fn handle_timeout(&mut self, now: Time) {
        self.updates.handle_timeout(now);
        self.executor_timeouts(now);
        self.retry_checkpoints(now);
        if self.next_attempt.is_some_and(|at| at <= now) {
            self.next_attempt = None;
            self.attempt();
        }
        if self.master_deadline.is_some_and(|at| at <= now) {
            // The master went silent: drop the stream and register again.
            self.master_deadline = None;
            self.outputs.push_back(Output::CloseStream);
            self.disconnected(now);
        }
    }

    /// An event arrived on the registration stream.
    pub fn stream_event(&mut self, now: Time, event: AgentEvent) {
        let kind = event.r#type.and_then(|t| agent_event::Type::try_from(t).ok());
        match kind {
            Some(agent_event::Type::Registered | agent_event::Type::Reregistered) => {
                let Some(registered) = event.registered else { return };
                let id = registered.agent_id.value.clone();
                if self.agent_id.as_deref() != Some(id.as_str()) {
                    let mut info = self.config.info.clone();
                    info.id = Some(AgentId { value: id.clone() });
                    self.outputs
                        .push_back(Output::CheckpointAgent { agent_id: id.clone(), info: Box::new(info) });
                }
                self.agent_id = Some(id);
                if let Some(seconds) = registered.ping_interval_seconds.filter(|s| s.is_finite() && *s > 0.0)
                {
                    // Bounded: a nonsensical interval from the wire must not overflow.
                    self.ping_interval = Duration::from_secs_f64(seconds.min(3600.0));
                }
                self.registration = Registration::Registered(Box::new(registered.master_info));
                self.backoff = self.config.registration_backoff_factor;
                self.arm_master_deadline(now);
                // Updates not yet acknowledged go out again to the (possibly new) master.
                self.updates.connected(now);
                for mut call in std::mem::take(&mut self.held_calls) {
                    call.agent_id = Some(AgentId { value: self.agent_id.clone().unwrap_or_default() });
                    self.outputs.push_back(Output::Send(Box::new(call)));
                }
            }
            Some(agent_event::Type::Ping) => {
                self.arm_master_deadline(now);
                if let Some(agent_id) = &self.agent_id {
                    let pong = AgentCall {
                        r#type: Some(agent_call::Type::Pong as i32),
                        agent_id: Some(AgentId { value: agent_id.clone() }),
                        ..Default::default()
                    };
                    self.outputs.push_back(Output::Send(Box::new(pong)));
                }
            }
            Some(agent_event::Type::Shutdown) => {
                let message = event.shutdown.map(|s| s.message).unwrap_or_default();
                // The master removed this agent: nothing of it may keep running.
                let containers: Vec<String> = self.containers.keys().cloned().collect();
                for container_id in containers {
                    self.outputs.push_back(Output::DestroyContainer { container_id });
                }
                self.registration = Registration::Shutdown(message.clone());
                self.next_attempt = None;
                self.master_deadline = None;
                self.outputs.push_back(Output::Shutdown(message));
            }
            Some(agent_event::Type::RunTask) => {
                if let Some(run) = event.run_task {
                    self.run_task(now, run.framework, run.task);
                }
            }
            Some(agent_event::Type::RunTaskGroup) => {
                if let Some(run) = event.run_task_group {
                    self.run_task_group(now, run.framework, run.executor, run.task_group);
                }
            }
            Some(agent_event::Type::KillTask) => {
                if let Some(kill) = event.kill_task {
                    self.kill_task(now, &kill.framework_id.value, &kill.task_id.value, kill.kill_policy);
                }
            }
            Some(agent_event::Type::ShutdownFramework) => {
                if let Some(shutdown) = event.shutdown_framework {
                    self.shutdown_framework(now, &shutdown.framework_id.value);
                }
            }
            Some(agent_event::Type::ShutdownExecutor) => {
                if let Some(shutdown) = event.shutdown_executor {
                    self.shutdown_executor(now, &shutdown.framework_id.value, &shutdown.executor_id.value);
                }
            }
            Some(agent_event::Type::FrameworkMessage) => {
                if let Some(message) = event.framework_message {
                    self.framework_message(message);
                }
            }
            Some(agent_event::Type::UpdateFramework) => {
                if let Some(update) = event.update_framework
                    && let Some(id) = update.framework_info.id.as_ref()
                    && let Some(fw) = self.frameworks.get_mut(&id.value)
                {
                    fw.info = update.framework_info;
                }
            }
            Some(agent_event::Type::CheckpointResources) => {
                if let Some(checkpoint) = event.checkpoint_resources {
                    self.config.checkpointed_resources = checkpoint.resources.clone();
                    self.outputs.push_back(Output::CheckpointResources(checkpoint.resources));
                }
            }
            Some(agent_event::Type::Acknowledge) => {
                if let Some(ack) = event.acknowledge {
                    let (framework_id, task_id) = (&ack.framework_id.value, &ack.task_id.value);
                    // A stale or duplicate acknowledgement changes nothing.
                    let acknowledged =
                        self.updates.acknowledge(now, framework_id, task_id, &ack.uuid).is_ok();
                    self.pump_updates();
                    if acknowledged && self.updates.stream_ended(framework_id, task_id) {
                        self.task_completed(framework_id, task_id);
                    }
                }
            }
            Some(agent_event::Type::ReconcileTasks) => {
                if let Some(reconcile) = event.reconcile_tasks {
                    self.reconcile_tasks(now, reconcile.tasks);
                }
            }
            _ => {}
        }
    }

    /// A new leading master was detected (ZooKeeper): whatever stream there was leads to the
    /// old one. As Mesos' agent does, the backoff starts over, so the next attempt comes
    /// within the backoff factor however long no master was known.
    pub fn new_master(&mut self, now: Time) {
        if matches!(self.registration, Registration::Shutdown(_)) {
            return;
        }
        self.backoff = self.config.registration_backoff_factor;
        self.disconnected(now);
    }

    /// The registration stream ended (network break, master restart).
    pub fn stream_closed(&mut self, now: Time) {
        if matches!(self.registration, Registration::Shutdown(_)) {
            return;
        }
        self.disconnected(now);
    }

    fn disconnected(&mut self, now: Time) {
        self.updates.disconnected();
        self.drop_uncheckpointed_frameworks();
        self.registration = Registration::Disconnected;
        self.master_deadline = None;
        self.schedule_attempt(now);
    }

    fn schedule_attempt(&mut self, now: Time) {
        let wait = self.backoff.mul_f64(self.rng.unit());
        self.next_attempt = Some(now + wait);
        self.backoff = (self.backoff * 2).min(MAX_REGISTRATION_BACKOFF).max(Duration::from_millis(1));
    }

    fn arm_master_deadline(&mut self, now: Time) {
        self.master_deadline = Some(now + self.ping_interval * (MISSED_PINGS_BEFORE_REREGISTERING + 1));
    }

    fn attempt(&mut self) {
        self.registration = Registration::Registering;
        let call = match &self.agent_id {
            None => AgentCall {
                r#type: Some(agent_call::Type::Register as i32),
                register: Some(agent_call::Register {
                    agent_info: self.config.info.clone(),
                    version: Some(self.config.version.clone()),
                    capabilities: self.config.capabilities.clone(),
                    pid: Some(self.config.pid.clone()),
                    checkpointed_resources: self.config.checkpointed_resources.clone(),
                }),
                ..Default::default()
            },
            Some(agent_id) => {
                let mut info = self.config.info.clone();
                info.id = Some(AgentId { value: agent_id.clone() });
                let (frameworks, executors, tasks) = self.reregistration_report();
                AgentCall {
                    r#type: Some(agent_call::Type::Reregister as i32),
                    agent_id: Some(AgentId { value: agent_id.clone() }),
                    reregister: Some(agent_call::Reregister {
                        agent_info: info,
                        version: Some(self.config.version.clone()),
                        capabilities: self.config.capabilities.clone(),
                        pid: Some(self.config.pid.clone()),
                        checkpointed_resources: self.config.checkpointed_resources.clone(),
                        executors,
                        tasks,
                        frameworks,
                    }),
                    ..Default::default()
                }
            }
        };
        self.outputs.push_back(Output::OpenStream(Box::new(call)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_proto::internal::agent_event::Registered;

    fn config() -> AgentConfig {
        let info = AgentInfo { hostname: "h".into(), ..Default::default() };
        AgentConfig {
            capabilities: vec!["MULTI_ROLE".into()],
            seed: 3,
            ..AgentConfig::with_defaults(info, "/work", "127.0.0.1:5051")
        }
    }

    fn secs(s: u64) -> Time {
        Time::from_nanos(s * 1_000_000_000)
    }

    fn registered(id: &str) -> AgentEvent {
        AgentEvent {
            r#type: Some(agent_event::Type::Registered as i32),
            registered: Some(Box::new(Registered {
                agent_id: AgentId { value: id.into() },
                master_info: MasterInfo::default(),
                ping_interval_seconds: Some(15.0),
            })),
            ..Default::default()
        }
    }

    fn open_stream(core: &mut AgentCore, until: Time) -> AgentCall {
        let at = core.poll_timeout().expect("an attempt is scheduled");
        assert!(at <= until, "attempt at {at:?} later than {until:?}");
        core.handle_timeout(at);
        match core.poll_output() {
            Some(Output::OpenStream(call)) => *call,
            other => panic!("expected OpenStream, got {other:?}"),
        }
    }

    #[test]
    fn registers_then_reregisters_with_its_id_after_a_break() {
        let mut core = AgentCore::new(config(), None);
        core.start(secs(0));
        let call = open_stream(&mut core, secs(1));
        assert_eq!(call.r#type, Some(agent_call::Type::Register as i32));
        assert_eq!(call.register.unwrap().capabilities, vec!["MULTI_ROLE".to_string()]);
        core.stream_event(secs(1), registered("a-S0"));
        assert!(matches!(core.registration(), Registration::Registered(_)));
        match core.poll_output() {
            Some(Output::CheckpointAgent { agent_id, info }) => {
                assert_eq!(agent_id, "a-S0");
                assert_eq!(info.id.unwrap().value, "a-S0");
            }
            other => panic!("expected a checkpoint, got {other:?}"),
        }
        core.stream_closed(secs(2));
        let call = open_stream(&mut core, secs(4));
        assert_eq!(call.r#type, Some(agent_call::Type::Reregister as i32));
        assert_eq!(call.reregister.unwrap().agent_info.id.unwrap().value, "a-S0");
    }

    #[test]
    fn pings_are_answered_and_silence_means_reregistering() {
        let mut core = AgentCore::new(config(), None);
        core.start(secs(0));
        open_stream(&mut core, secs(1));
        core.stream_event(secs(1), registered("a-S0"));
        assert!(matches!(core.poll_output(), Some(Output::CheckpointAgent { .. })));
        core.stream_event(
            secs(16),
            AgentEvent { r#type: Some(agent_event::Type::Ping as i32), ..Default::default() },
        );
        match core.poll_output() {
            Some(Output::Send(call)) => assert_eq!(call.r#type, Some(agent_call::Type::Pong as i32)),
            other => panic!("expected a PONG, got {other:?}"),
        }
        // No ping for six intervals: the stream is dropped and a re-registration scheduled.
        core.handle_timeout(secs(16 + 15 * 6));
        assert_eq!(core.poll_output(), Some(Output::CloseStream));
        assert_eq!(core.registration(), &Registration::Disconnected);
        let call = open_stream(&mut core, secs(200));
        assert_eq!(call.r#type, Some(agent_call::Type::Reregister as i32));
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let mut core = AgentCore::new(config(), None);
        let mut now = secs(0);
        core.start(now);
        for _ in 0..10 {
            let call = open_stream(&mut core, now + MAX_REGISTRATION_BACKOFF);
            assert_eq!(call.r#type, Some(agent_call::Type::Register as i32));
            now = core.poll_timeout().map_or(now, |_| now);
            core.stream_closed(now);
        }
        assert!(core.backoff <= MAX_REGISTRATION_BACKOFF);
    }

    #[test]
    fn a_new_master_is_tried_within_the_backoff_factor_however_long_the_wait_was() {
        let mut core = AgentCore::new(config(), None);
        let mut now = secs(0);
        core.start(now);
        for _ in 0..10 {
            open_stream(&mut core, now + MAX_REGISTRATION_BACKOFF);
            now = now + MAX_REGISTRATION_BACKOFF;
            core.stream_closed(now);
        }
        assert!(core.backoff > core.config.registration_backoff_factor);
        core.new_master(now);
        let next = core.poll_timeout().expect("an attempt is scheduled");
        assert!(next <= now + core.config.registration_backoff_factor, "{next:?}");
        let factor = core.config.registration_backoff_factor;
        let call = open_stream(&mut core, now + factor);
        assert_eq!(call.r#type, Some(agent_call::Type::Register as i32));
    }

    #[test]
    fn checkpointed_resources_are_kept_and_reported_at_reregistration() {
        use mesos_proto::internal::agent_event::CheckpointResources;
        let mut core = AgentCore::new(config(), None);
        core.start(secs(0));
        open_stream(&mut core, secs(1));
        core.stream_event(secs(1), registered("a-S0"));
        core.poll_output();
        let reserved = mesos_proto::v1::Resource { name: "cpus".into(), ..Default::default() };
        core.stream_event(
            secs(2),
            AgentEvent {
                r#type: Some(agent_event::Type::CheckpointResources as i32),
                checkpoint_resources: Some(Box::new(CheckpointResources {
                    resources: vec![reserved.clone()],
                    operation: None,
                })),
                ..Default::default()
            },
        );
        assert_eq!(core.poll_output(), Some(Output::CheckpointResources(vec![reserved.clone()])));
        core.stream_closed(secs(3));
        let call = open_stream(&mut core, secs(10));
        assert_eq!(call.reregister.unwrap().checkpointed_resources, vec![reserved]);
    }

    #[test]
    fn shutdown_stops_everything() {
        let mut core = AgentCore::new(config(), Some("a-S0".into()));
        core.start(secs(0));
        open_stream(&mut core, secs(1));
        let event = AgentEvent {
            r#type: Some(agent_event::Type::Shutdown as i32),
            shutdown: Some(agent_event::Shutdown { message: "gone".into() }),
            ..Default::default()
        };
        core.stream_event(secs(1), event);
        assert_eq!(core.poll_output(), Some(Output::Shutdown("gone".into())));
        core.stream_closed(secs(2));
        assert_eq!(core.poll_timeout(), None, "no more attempts");
    }
}
