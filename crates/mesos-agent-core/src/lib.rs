//! The sans-IO agent of mesos-rs.
//!
//! This first part owns the agent's relationship with the master (docs/protocol.md):
//! registering with randomized exponential backoff, re-registering with its id after a broken
//! stream or a master restart, answering pings, and noticing a master that went silent.
//! Executors, tasks, the status-update manager and recovery come next (issue 3).
//!
//! Like the master core it does no I/O: the shell calls [`AgentCore::start`],
//! [`AgentCore::stream_event`], [`AgentCore::stream_closed`] and
//! [`AgentCore::handle_timeout`], drains [`AgentCore::poll_output`] and sleeps until
//! [`AgentCore::poll_timeout`].

pub mod environment;
pub mod executor_api;
pub mod gc;
pub mod status_updates;

use std::collections::VecDeque;
use std::time::Duration;

use mesos_proto::internal::{AgentCall, AgentEvent, StatusUpdate, agent_call, agent_event};
use mesos_proto::v1::{
    AgentId, AgentInfo, FrameworkId, MasterInfo, TaskInfo, TaskState, TaskStatus, task_status,
};

use crate::status_updates::{Effect, StatusUpdateManager};
use mesos_types::{Rng, Time};

/// Longest wait between registration attempts (Mesos: one minute).
pub const MAX_REGISTRATION_BACKOFF: Duration = Duration::from_secs(60);

/// Pings the master may miss before the agent treats it as gone and re-registers.
pub const MISSED_PINGS_BEFORE_REREGISTERING: u32 = 5;

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
        }
    }

    /// Begins: the first attempt waits a random time up to the backoff factor, so a fleet of
    /// agents restarting together does not hit the master at once.
    pub fn start(&mut self, now: Time) {
        self.schedule_attempt(now);
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
        while let Some(effect) = self.updates.poll_effect() {
            if let Effect::Forward { framework_id, status, latest_state } = effect {
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
        self.outputs.pop_front()
    }

    /// When [`AgentCore::handle_timeout`] must be called next.
    pub fn poll_timeout(&self) -> Option<Time> {
        [self.next_attempt, self.master_deadline, self.updates.poll_timeout()].into_iter().flatten().min()
    }

    /// Fires what is due.
    pub fn handle_timeout(&mut self, now: Time) {
        self.updates.handle_timeout(now);
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
                    self.ping_interval = Duration::from_secs_f64(seconds);
                }
                self.registration = Registration::Registered(Box::new(registered.master_info));
                self.backoff = self.config.registration_backoff_factor;
                self.arm_master_deadline(now);
                // Updates not yet acknowledged go out again to the (possibly new) master.
                self.updates.connected(now);
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
                self.registration = Registration::Shutdown(message.clone());
                self.next_attempt = None;
                self.master_deadline = None;
                self.outputs.push_back(Output::Shutdown(message));
            }
            Some(agent_event::Type::RunTask) => {
                if let Some(run) = event.run_task {
                    let framework_id = run.framework.id.map(|id| id.value).unwrap_or_default();
                    self.refuse_task(now, &framework_id, &run.task);
                }
            }
            Some(agent_event::Type::RunTaskGroup) => {
                if let Some(run) = event.run_task_group {
                    let framework_id = run.framework.id.map(|id| id.value).unwrap_or_default();
                    for task in &run.task_group.tasks {
                        self.refuse_task(now, &framework_id, task);
                    }
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
                    // A stale or duplicate acknowledgement changes nothing.
                    let _ =
                        self.updates.acknowledge(now, &ack.framework_id.value, &ack.task_id.value, &ack.uuid);
                }
            }
            // Kills, shutdowns and messages concern executors, which this agent does not run yet.
            _ => {}
        }
    }

    /// The registration stream ended (network break, master restart).
    pub fn stream_closed(&mut self, now: Time) {
        if matches!(self.registration, Registration::Shutdown(_)) {
            return;
        }
        self.disconnected(now);
    }

    /// Until executors exist the agent cannot run a task: it says so with a reliable
    /// TASK_FAILED, so the framework learns at once instead of seeing TASK_STAGING forever.
    fn refuse_task(&mut self, now: Time, framework_id: &str, task: &TaskInfo) {
        let status = TaskStatus {
            task_id: task.task_id.clone(),
            state: TaskState::TaskFailed as i32,
            message: Some(
                "This mesos-rs agent cannot run tasks yet (executors are not implemented)".to_string(),
            ),
            source: Some(task_status::Source::SourceAgent as i32),
            reason: Some(task_status::Reason::ReasonContainerLaunchFailed as i32),
            agent_id: self.agent_id.as_ref().map(|id| AgentId { value: id.clone() }),
            executor_id: task.executor.as_ref().map(|e| e.executor_id.clone()),
            timestamp: Some(now.as_nanos() as f64 / 1e9),
            uuid: Some(self.rng.uuid_bytes().to_vec()),
            ..Default::default()
        };
        // The uuid is fresh, so this cannot be refused.
        let _ = self.updates.update(now, framework_id, status, false);
    }

    fn disconnected(&mut self, now: Time) {
        self.updates.disconnected();
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
                AgentCall {
                    r#type: Some(agent_call::Type::Reregister as i32),
                    agent_id: Some(AgentId { value: agent_id.clone() }),
                    reregister: Some(agent_call::Reregister {
                        agent_info: info,
                        version: Some(self.config.version.clone()),
                        capabilities: self.config.capabilities.clone(),
                        pid: Some(self.config.pid.clone()),
                        checkpointed_resources: self.config.checkpointed_resources.clone(),
                        ..Default::default()
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
        AgentConfig {
            info: AgentInfo { hostname: "h".into(), ..Default::default() },
            pid: "slave(1)@127.0.0.1:5051".into(),
            version: "test".into(),
            capabilities: vec!["MULTI_ROLE".into()],
            registration_backoff_factor: Duration::from_secs(1),
            seed: 3,
            checkpointed_resources: Vec::new(),
        }
    }

    fn secs(s: u64) -> Time {
        Time::from_nanos(s * 1_000_000_000)
    }

    fn registered(id: &str) -> AgentEvent {
        AgentEvent {
            r#type: Some(agent_event::Type::Registered as i32),
            registered: Some(Registered {
                agent_id: AgentId { value: id.into() },
                master_info: MasterInfo::default(),
                ping_interval_seconds: Some(15.0),
            }),
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
    fn tasks_are_refused_reliably_until_executors_exist() {
        use mesos_proto::internal::agent_event::{Acknowledge, RunTask};
        use mesos_proto::v1::{FrameworkInfo, TaskId};
        let mut core = AgentCore::new(config(), None);
        core.start(secs(0));
        open_stream(&mut core, secs(1));
        core.stream_event(secs(1), registered("a-S0"));
        core.poll_output();
        let framework = FrameworkInfo { id: Some(FrameworkId { value: "f".into() }), ..Default::default() };
        let task = TaskInfo { task_id: TaskId { value: "t".into() }, ..Default::default() };
        core.stream_event(
            secs(2),
            AgentEvent {
                r#type: Some(agent_event::Type::RunTask as i32),
                run_task: Some(RunTask { framework, task }),
                ..Default::default()
            },
        );
        let Some(Output::Send(call)) = core.poll_output() else { panic!("expected a status update") };
        let update = call.status_update.expect("status update");
        assert_eq!(update.status.state, TaskState::TaskFailed as i32);
        assert_eq!(update.status.source, Some(task_status::Source::SourceAgent as i32));
        let uuid = update.status.uuid.clone().expect("reliable");
        // Unacknowledged, it is sent again after 10 s.
        core.handle_timeout(secs(12));
        assert!(matches!(core.poll_output(), Some(Output::Send(_))));
        let ack = AgentEvent {
            r#type: Some(agent_event::Type::Acknowledge as i32),
            acknowledge: Some(Acknowledge {
                framework_id: FrameworkId { value: "f".into() },
                task_id: TaskId { value: "t".into() },
                uuid,
            }),
            ..Default::default()
        };
        core.stream_event(secs(13), ack);
        core.handle_timeout(secs(100));
        assert!(
            !std::iter::from_fn(|| core.poll_output())
                .any(|o| matches!(&o, Output::Send(c) if c.status_update.is_some()))
        );
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
                checkpoint_resources: Some(CheckpointResources {
                    resources: vec![reserved.clone()],
                    operation: None,
                }),
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
