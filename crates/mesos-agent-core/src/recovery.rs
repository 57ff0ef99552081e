//! Rebuilding the agent's state after a restart (operator-api.md §8.1, scheduler-executor-api.md
//! §4.5) from what checkpointing frameworks left under `work_dir/meta`.
//!
//! With `--recover=reconnect` every recovered executor whose process still lives gets
//! `--executor_reregistration_timeout` to SUBSCRIBE again; one that does not (or whose process
//! is gone) is destroyed and its unfinished tasks become TASK_LOST (TASK_GONE for
//! partition-aware frameworks). Unacknowledged status updates are replayed into the
//! status-update manager and resent once the agent re-registers, which it does only after
//! that window, as Mesos does. With `--recover=cleanup` every recovered executor is told to
//! shut down when it re-subscribes and is destroyed when the shutdown grace period ends; its
//! unfinished tasks are reported lost, so nothing is left running or unreported.

use std::collections::BTreeMap;

use mesos_proto::v1::{ExecutorInfo, FrameworkInfo, TaskInfo, TaskState, task_status};
use mesos_types::Time;

use crate::AgentCore;
use crate::executors::{Executor, ExecutorKind, ExecutorState, Framework, TaskRecord};
use crate::status_updates::Record;

/// What to do with executors found at startup (`--recover`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoverMode {
    /// Reconnect to live executors.
    Reconnect,
    /// Kill them and report their tasks.
    Cleanup,
}

/// A framework's checkpointed state.
#[derive(Clone, Debug)]
pub struct RecoveredFramework {
    /// Its FrameworkInfo.
    pub info: FrameworkInfo,
    /// Its executors.
    pub executors: Vec<RecoveredExecutor>,
}

/// An executor's checkpointed state.
#[derive(Clone, Debug)]
pub struct RecoveredExecutor {
    /// Its ExecutorInfo.
    pub info: ExecutorInfo,
    /// Which program it is.
    pub kind: ExecutorKind,
    /// Its container.
    pub container_id: String,
    /// Its sandbox.
    pub directory: String,
    /// Whether its process is still alive (the shell checked the pid and start time).
    pub alive: bool,
    /// Its tasks and their status-update records.
    pub tasks: Vec<RecoveredTask>,
}

/// A task's checkpointed state.
#[derive(Clone, Debug)]
pub struct RecoveredTask {
    /// The TaskInfo.
    pub info: TaskInfo,
    /// Its status-update records, oldest first.
    pub records: Vec<Record>,
}

impl AgentCore {
    /// Loads checkpointed frameworks before [`AgentCore::start`]. Outputs that follow include
    /// [`Output::DestroyContainer`] for executors to kill; the shell must watch every live
    /// recovered container and report its end with [`AgentCore::container_exited`].
    pub fn recover(&mut self, now: Time, frameworks: Vec<RecoveredFramework>, mode: RecoverMode) {
        let window = self.config.executor_reregistration_timeout;
        let mut dead = Vec::new();
        for recovered in frameworks {
            let Some(framework_id) = recovered.info.id.as_ref().map(|id| id.value.clone()) else { continue };
            let mut framework = Framework {
                info: recovered.info.clone(),
                executors: BTreeMap::new(),
                completed_executors: Vec::new(),
                terminating: false,
            };
            for executor in recovered.executors {
                let executor_id = executor.info.executor_id.value.clone();
                let mut tasks = BTreeMap::new();
                for task in executor.tasks {
                    let task_id = task.info.task_id.value.clone();
                    let key = (framework_id.clone(), task_id.clone());
                    let latest = task.records.iter().rev().find_map(|r| match r {
                        Record::Update(status) => Some((**status).clone()),
                        Record::Ack(_) => None,
                    });
                    self.updates.replay(key, task.records);
                    if self.updates.stream_ended(&framework_id, &task_id) {
                        // Done and acknowledged before the restart. The ended stream is kept
                        // so that an executor repeating its last update is recognised.
                        continue;
                    }
                    let state = latest
                        .as_ref()
                        .and_then(|s| TaskState::try_from(s.state).ok())
                        .unwrap_or(TaskState::TaskStaging);
                    tasks.insert(task_id, TaskRecord { info: task.info, state, delivered: true, latest });
                }
                let alive = executor.alive;
                let container_id = executor.container_id.clone();
                let mut record = Executor::recovered(
                    executor.info,
                    executor.kind,
                    executor.container_id,
                    executor.directory,
                    tasks,
                    now + window,
                );
                if mode == RecoverMode::Cleanup {
                    // A re-subscribing executor is told SHUTDOWN; whatever still runs when the
                    // grace period ends is destroyed.
                    record.state = ExecutorState::Terminating;
                    record.set_shutdown_deadline(now + self.config.executor_shutdown_grace_period);
                    record.set_pending_termination(
                        self.lost_state(&framework),
                        task_status::Reason::ReasonAgentRestarted,
                        "The agent restarted with --recover=cleanup and killed the executor".to_string(),
                    );
                }
                if !alive {
                    record.set_pending_termination(
                        self.lost_state(&framework),
                        task_status::Reason::ReasonExecutorTerminated,
                        "The executor ended while the agent was down".to_string(),
                    );
                    dead.push(container_id.clone());
                }
                self.containers.insert(container_id, (framework_id.clone(), executor_id.clone()));
                framework.executors.insert(executor_id, record);
            }
            if !framework.executors.is_empty() {
                self.frameworks.insert(framework_id, framework);
            }
        }
        for container_id in dead {
            self.container_exited(now, &container_id, None);
        }
        self.registration_not_before = Some(now + window);
    }

    /// Answers the master's RECONCILE_TASKS: tasks it believes are here that this agent does
    /// not hold are reported lost (dropped for partition-aware frameworks).
    pub(crate) fn reconcile_tasks(&mut self, now: Time, tasks: Vec<mesos_proto::internal::Task>) {
        for task in tasks {
            let framework_id = task.framework_id.value.clone();
            let held = self
                .frameworks
                .get(&framework_id)
                .is_some_and(|f| f.executors.values().any(|e| e.tasks.contains_key(&task.task_id.value)));
            if held {
                continue;
            }
            let state = match self.frameworks.get(&framework_id) {
                Some(f) if f.partition_aware() => TaskState::TaskDropped,
                _ => TaskState::TaskLost,
            };
            self.agent_update(
                now,
                &framework_id,
                &task.task_id.value,
                task.executor_id.as_ref().map(|e| e.value.as_str()),
                state,
                task_status::Reason::ReasonReconciliation,
                "The task is not on this agent".to_string(),
            );
        }
    }

    pub(crate) fn lost_state(&self, framework: &Framework) -> TaskState {
        if framework.partition_aware() { TaskState::TaskGone } else { TaskState::TaskLost }
    }
}
