//! Tasks after launch: status updates from agents, acknowledgements, KILL, reconciliation,
//! and the master-generated updates of §6.8-§6.10.

use mesos_proto::convert;
use mesos_proto::internal::{AgentEvent, StatusUpdate, Task, agent_event};
use mesos_proto::v1::framework_info::capability::Type as Capability;
use mesos_proto::v1::scheduler::{Event, call, event};
use mesos_proto::v1::{AgentId, FrameworkId, TaskId, TaskState, TaskStatus, TimeInfo, task_status};
use mesos_types::Time;
use mesos_types::resources::Resources;

use crate::Master;
use crate::agents::{RemovalCause, Unaccounted};
use crate::view::RenderCache;

/// A task the master tracks.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord {
    /// The task as Mesos' `Task` message (state, statuses, resources in wire form, ...).
    pub task: Task,
    /// Owning framework.
    pub framework_id: String,
    /// Agent it runs on.
    pub agent_id: String,
    /// Its resources (allocation role set), for the allocator.
    pub resources: Resources,
    /// Whether its resources went back to the allocator already (latest state terminal).
    pub released: bool,
    /// When its agent became unreachable, if it did.
    pub unreachable_time: Option<Time>,
    /// The state endpoints' text of this task, stamped with [`TaskRecord::render_stamp`].
    pub rendered: RenderCache,
}

impl TaskRecord {
    /// A record from a `Task` reported by an agent, and why its resources could not be read
    /// if they could not (the record then holds none: the caller must keep the allocator from
    /// offering what the task really uses).
    pub fn from_task(task: &Task) -> (TaskRecord, Option<String>) {
        let (resources, unreadable) = match convert::resources_from_proto(&task.resources) {
            Ok(resources) => (resources, None),
            Err(error) => (Resources::default(), Some(error.to_string())),
        };
        let terminal = TaskState::try_from(task.state).is_ok_and(|s| s.is_terminal());
        let record = TaskRecord {
            framework_id: task.framework_id.value.clone(),
            agent_id: task.agent_id.value.clone(),
            task: task.clone(),
            resources,
            // A task reported already terminal holds nothing in the allocator.
            released: terminal,
            unreachable_time: None,
            rendered: RenderCache::default(),
        };
        (record, unreadable)
    }

    /// What tells one rendering of the task from the next: after launch the master changes
    /// a task only by setting its state and appending statuses.
    pub fn render_stamp(&self) -> u64 {
        (u64::from(self.task.state as u32) << 32) | self.task.statuses.len() as u64
    }

    /// The `Task` message.
    pub fn to_task(&self) -> Task {
        self.task.clone()
    }

    /// Task id.
    pub fn id(&self) -> &str {
        &self.task.task_id.value
    }

    /// The latest state the master knows.
    pub fn latest_state(&self) -> TaskState {
        TaskState::try_from(self.task.state).unwrap_or(TaskState::TaskStaging)
    }

    /// The state of the last reliable update forwarded to the scheduler, else the latest.
    pub fn reported_state(&self) -> TaskState {
        self.task
            .status_update_state
            .and_then(|s| TaskState::try_from(s).ok())
            .unwrap_or_else(|| self.latest_state())
    }

    /// Allocation role of its resources.
    pub fn role(&self) -> String {
        self.resources
            .iter()
            .find_map(|r| r.allocation_role.as_deref().map(String::from))
            .unwrap_or_else(|| "*".to_string())
    }

    pub(crate) fn push_status(&mut self, mut status: TaskStatus) {
        // The master keeps statuses for the state endpoints; executor payloads are dropped.
        status.data = None;
        self.task.statuses.push(status);
    }
}

impl Master {
    pub(crate) fn status_update(&mut self, now: Time, agent_id: &str, update: StatusUpdate) {
        let framework_id = update.framework_id.value.clone();
        let mut status = update.status;
        if status.uuid.as_ref().is_none_or(|uuid| uuid.len() != 16)
            || !self.frameworks.contains_key(&framework_id)
        {
            self.counters.invalid_status_updates += 1;
            return;
        }
        self.counters.valid_status_updates += 1;
        status.agent_id = Some(AgentId { value: agent_id.to_string() });
        if status.timestamp.is_none() {
            status.timestamp = Some(self.wall_seconds(now));
        }
        let latest = update.latest_state.unwrap_or(status.state);
        let task_id = status.task_id.value.clone();
        let mut release = None;
        let mut reason_key = None;
        // Only the agent the task runs on may change it; an update from elsewhere (a stale
        // agent process) is passed on to the scheduler but changes nothing here.
        if let Some(framework) = self.frameworks.get_mut(&framework_id)
            && let Some(task) = framework.tasks.get_mut(&task_id).filter(|t| t.agent_id == agent_id)
        {
            if status.executor_id.is_none() {
                status.executor_id = task.task.executor_id.clone();
            }
            let was_terminal = task.latest_state().is_terminal();
            task.task.state = latest;
            task.task.status_update_state = Some(status.state);
            task.task.status_update_uuid = status.uuid.clone();
            task.push_status(status.clone());
            let now_terminal = task.latest_state().is_terminal();
            if now_terminal && !task.released {
                task.released = true;
                release = Some(task.resources.clone());
            }
            if now_terminal && !was_terminal {
                reason_key = Some(task.latest_state());
            }
        }
        if let Some(state) = reason_key {
            self.task_state_counter(state);
            let key = metric_key(state, status.source, status.reason);
            *self.counters.task_state_reasons.entry(key).or_insert(0) += 1;
        }
        if let Some(resources) = release {
            self.allocator_mut().recover(&framework_id, agent_id, &resources, None, now);
            self.end_quarantine(agent_id, &framework_id, Unaccounted::Task(task_id.clone()));
            self.allocate_soon();
        }
        self.send_update(&framework_id, status);
    }

    /// Forwards a status to its framework as an UPDATE event.
    pub(crate) fn send_update(&mut self, framework_id: &str, status: TaskStatus) {
        let event = Event {
            r#type: Some(event::Type::Update as i32),
            update: Some(event::Update { status }),
            ..Default::default()
        };
        self.send_event(framework_id, event);
    }

    pub(crate) fn acknowledge(&mut self, _now: Time, framework_id: &str, ack: call::Acknowledge) {
        let agent_id = ack.agent_id.value.clone();
        if !self.agents.get(&agent_id).is_some_and(|a| a.connected()) {
            self.counters.invalid_status_update_acknowledgements += 1;
            return;
        }
        let task_id = ack.task_id.value.clone();
        let mut done = false;
        if let Some(framework) = self.frameworks.get(framework_id)
            && let Some(task) = framework.tasks.get(&task_id)
        {
            if task.task.status_update_uuid.is_none() {
                // Nothing reliable was forwarded for this task: nothing to acknowledge.
                self.counters.invalid_status_update_acknowledgements += 1;
                return;
            }
            let acked_state = task.task.status_update_state.and_then(|s| TaskState::try_from(s).ok());
            done = task.task.status_update_uuid.as_deref() == Some(ack.uuid.as_slice())
                && acked_state.is_some_and(|s| s.is_terminal())
                && task.latest_state().is_terminal();
        }
        if done {
            self.complete_task(framework_id, &task_id);
        }
        self.counters.valid_status_update_acknowledgements += 1;
        let event = AgentEvent {
            r#type: Some(agent_event::Type::Acknowledge as i32),
            acknowledge: Some(agent_event::Acknowledge {
                framework_id: FrameworkId { value: framework_id.to_string() },
                task_id: ack.task_id,
                uuid: ack.uuid,
            }),
            ..Default::default()
        };
        self.send_to_agent(&agent_id, event);
    }

    /// Moves a task to its framework's completed list.
    pub(crate) fn complete_task(&mut self, framework_id: &str, task_id: &str) {
        let max = self.config.max_completed_tasks_per_framework;
        let Some(framework) = self.frameworks.get_mut(framework_id) else { return };
        let Some(task) = framework.tasks.remove(task_id) else { return };
        let agent_id = task.agent_id.clone();
        framework.completed_tasks.push_back(task);
        while framework.completed_tasks.len() > max {
            framework.completed_tasks.pop_front();
        }
        if let Some(agent) = self.agents.get_mut(&agent_id) {
            agent.tasks.remove(&(framework_id.to_string(), task_id.to_string()));
        }
    }

    pub(crate) fn kill(&mut self, now: Time, framework_id: &str, kill: call::Kill) {
        let task_id = kill.task_id.value.clone();
        let task_agent =
            self.frameworks.get(framework_id).and_then(|f| f.tasks.get(&task_id)).map(|t| t.agent_id.clone());
        let Some(agent_id) = task_agent else {
            // Unknown to the master: answer as explicit reconciliation of that one task.
            let reconcile = call::Reconcile {
                tasks: vec![call::reconcile::Task { task_id: kill.task_id, agent_id: kill.agent_id }],
            };
            self.reconcile(now, framework_id, reconcile);
            return;
        };
        if kill.agent_id.as_ref().is_some_and(|given| given.value != agent_id) {
            return;
        }
        let kill_task = agent_event::KillTask {
            framework_id: FrameworkId { value: framework_id.to_string() },
            task_id: kill.task_id,
            kill_policy: kill.kill_policy,
        };
        match self.agents.get_mut(&agent_id) {
            Some(agent) if agent.connected() => {
                let event = AgentEvent {
                    r#type: Some(agent_event::Type::KillTask as i32),
                    kill_task: Some(kill_task),
                    ..Default::default()
                };
                self.send_to_agent(&agent_id, event);
            }
            Some(agent) => {
                // Remembered and re-sent when the agent re-registers.
                agent
                    .pending_kills
                    .insert((framework_id.to_string(), kill_task.task_id.value.clone()), kill_task);
            }
            None => {}
        }
    }

    /// RECONCILE (§6.9).
    pub(crate) fn reconcile(&mut self, now: Time, framework_id: &str, reconcile: call::Reconcile) {
        let Some(framework) = self.frameworks.get(framework_id) else { return };
        let partition_aware = framework.has_capability(Capability::PartitionAware);
        let mut answers = Vec::new();
        if reconcile.tasks.is_empty() {
            for task in framework.tasks.values() {
                answers.push(self.reconciliation_status(task, task.reported_state(), now));
            }
        } else {
            for wanted in &reconcile.tasks {
                let task_id = wanted.task_id.value.as_str();
                if let Some(task) = framework.tasks.get(task_id) {
                    answers.push(self.reconciliation_status(task, task.reported_state(), now));
                    continue;
                }
                if let Some(task) = framework.unreachable_tasks.get(task_id) {
                    let state =
                        if partition_aware { TaskState::TaskUnreachable } else { TaskState::TaskLost };
                    answers.push(self.reconciliation_status(task, state, now));
                    continue;
                }
                let agent = wanted.agent_id.as_ref().map(|a| a.value.as_str());
                let state = match agent {
                    Some(agent) if self.recovered_agents.contains_key(agent) => continue,
                    None if !self.recovered_agents.is_empty() => continue,
                    Some(agent) if self.agents.contains_key(agent) => {
                        pick(partition_aware, TaskState::TaskGone)
                    }
                    Some(agent) if self.registry.unreachable.contains_key(agent) => {
                        pick(partition_aware, TaskState::TaskUnreachable)
                    }
                    Some(agent) if self.registry.gone.contains_key(agent) => {
                        pick(partition_aware, TaskState::TaskGoneByOperator)
                    }
                    _ => pick(partition_aware, TaskState::TaskUnknown),
                };
                let mut status = TaskStatus {
                    task_id: TaskId { value: task_id.to_string() },
                    state: state as i32,
                    message: Some("Reconciliation: Task is unknown".to_string()),
                    source: Some(task_status::Source::SourceMaster as i32),
                    reason: Some(task_status::Reason::ReasonReconciliation as i32),
                    agent_id: wanted.agent_id.clone(),
                    timestamp: Some(self.wall_seconds(now)),
                    ..Default::default()
                };
                if state == TaskState::TaskUnreachable
                    && let Some(at) = agent.and_then(|a| self.registry.unreachable.get(a))
                {
                    status.unreachable_time = Some(TimeInfo { nanoseconds: *at });
                }
                answers.push(status);
            }
        }
        for status in answers {
            self.send_update(framework_id, status);
        }
    }

    fn reconciliation_status(&self, task: &TaskRecord, state: TaskState, now: Time) -> TaskStatus {
        let mut status = self.master_status(
            task,
            state,
            task_status::Reason::ReasonReconciliation,
            "Reconciliation: Latest task state",
            now,
        );
        if let Some(at) = task.unreachable_time {
            status.unreachable_time = Some(TimeInfo { nanoseconds: self.wall_time(at).as_nanos() as i64 });
        }
        status
    }

    /// A master-generated status for `task` (no uuid: never acknowledged), carrying the
    /// task's last known health, check and container status.
    pub(crate) fn master_status(
        &self,
        task: &TaskRecord,
        state: TaskState,
        reason: task_status::Reason,
        message: &str,
        now: Time,
    ) -> TaskStatus {
        let last = task.task.statuses.last();
        TaskStatus {
            task_id: task.task.task_id.clone(),
            state: state as i32,
            message: Some(message.to_string()),
            source: Some(task_status::Source::SourceMaster as i32),
            reason: Some(reason as i32),
            agent_id: Some(task.task.agent_id.clone()),
            executor_id: task.task.executor_id.clone(),
            timestamp: Some(self.wall_seconds(now)),
            healthy: last.and_then(|s| s.healthy),
            check_status: last.and_then(|s| s.check_status),
            container_status: last.and_then(|s| s.container_status.clone()),
            ..Default::default()
        }
    }

    /// Ends a task on the master's own authority (agent disconnected for a non-checkpointing
    /// framework, ...): update to the framework, resources back, task completed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn lose_task(
        &mut self,
        now: Time,
        agent_id: &str,
        framework_id: &str,
        task_id: &str,
        state: TaskState,
        reason: task_status::Reason,
        message: &str,
    ) {
        let Some(task) = self.frameworks.get(framework_id).and_then(|f| f.tasks.get(task_id)).cloned() else {
            return;
        };
        let status = self.master_status(&task, state, reason, message, now);
        if let Some(framework) = self.frameworks.get_mut(framework_id)
            && let Some(record) = framework.tasks.get_mut(task_id)
        {
            record.task.state = state as i32;
            record.push_status(status.clone());
        }
        if !task.released {
            self.allocator_mut().recover(framework_id, agent_id, &task.resources, None, now);
            self.end_quarantine(agent_id, framework_id, Unaccounted::Task(task_id.to_string()));
            self.allocate_soon();
        }
        self.task_state_counter(state);
        *self
            .counters
            .task_state_reasons
            .entry(metric_key(state as i32, status.source, status.reason))
            .or_insert(0) += 1;
        self.complete_task(framework_id, task_id);
        self.send_update(framework_id, status);
    }

    /// Takes every task off an agent that is leaving: they become unreachable (or lost for
    /// frameworks that are not partition-aware) or gone.
    pub(crate) fn remove_agent_tasks(&mut self, now: Time, agent_id: &str, cause: RemovalCause) {
        let Some(agent) = self.agents.get_mut(agent_id) else { return };
        let tasks: Vec<(String, String)> = std::mem::take(&mut agent.tasks).into_iter().collect();
        let executors = std::mem::take(&mut agent.executors);
        for framework_id in executors.keys() {
            if let Some(framework) = self.frameworks.get_mut(framework_id) {
                framework.executors.remove(agent_id);
            }
        }
        let max_unreachable = self.config.max_unreachable_tasks_per_framework;
        for (framework_id, task_id) in tasks {
            let Some(framework) = self.frameworks.get_mut(&framework_id) else { continue };
            let partition_aware = framework.partition_aware();
            let Some(mut task) = framework.tasks.remove(&task_id) else { continue };
            // Quiet only if the framework hears (or heard) the end from the agent; a task that
            // ended on the agent without its update through is as live to the framework as a
            // running one, and is lost or unreachable with the agent.
            if task.reported_state().is_terminal() {
                framework.completed_tasks.push_back(task);
                continue;
            }
            let (state, reason, message) = match cause {
                RemovalCause::Unreachable => (
                    pick(partition_aware, TaskState::TaskUnreachable),
                    task_status::Reason::ReasonAgentRemoved,
                    "Agent is unreachable",
                ),
                RemovalCause::Unregistered => (
                    pick(partition_aware, TaskState::TaskGone),
                    task_status::Reason::ReasonAgentRemoved,
                    "Agent shut down",
                ),
            };
            task.released = true;
            let mut status = self.master_status(&task, state, reason, message, now);
            if cause == RemovalCause::Unreachable {
                status.unreachable_time =
                    Some(TimeInfo { nanoseconds: self.wall_time(now).as_nanos() as i64 });
                task.unreachable_time = Some(now);
                task.task.state = TaskState::TaskUnreachable as i32;
            } else {
                task.task.state = state as i32;
            }
            task.push_status(status.clone());
            self.task_state_counter(state);
            let Some(framework) = self.frameworks.get_mut(&framework_id) else { continue };
            if cause == RemovalCause::Unreachable {
                framework.unreachable_tasks.insert(task_id.clone(), task);
                while framework.unreachable_tasks.len() > max_unreachable {
                    framework.unreachable_tasks.pop_first();
                }
            } else {
                framework.completed_tasks.push_back(task);
            }
            self.send_update(&framework_id, status);
        }
    }
}

/// The state a framework sees: partition-aware frameworks get `state`, others TASK_LOST.
fn pick(partition_aware: bool, state: TaskState) -> TaskState {
    if partition_aware { state } else { TaskState::TaskLost }
}

/// `<state>/<source>/<reason>` in lower case, e.g. `task_lost/source_master/reason_agent_removed`.
fn metric_key(state: impl Into<i32>, source: Option<i32>, reason: Option<i32>) -> String {
    let state = TaskState::try_from(state.into()).unwrap_or(TaskState::TaskUnknown);
    let source = source
        .and_then(|s| task_status::Source::try_from(s).ok())
        .unwrap_or(task_status::Source::SourceMaster);
    let mut key = format!("{}/{}", snake(&format!("{state:?}")), snake(&format!("{source:?}")));
    if let Some(reason) = reason.and_then(|r| task_status::Reason::try_from(r).ok()) {
        key.push('/');
        key.push_str(&snake(&format!("{reason:?}")));
    }
    key
}

/// `TaskLost` → `task_lost`: the enum's Rust name is its proto name in CamelCase.
fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
