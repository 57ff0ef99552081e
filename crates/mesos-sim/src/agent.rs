//! An agent process: the real agent core, its checkpoints on a simulated disk (which outlive
//! the process), and the simulated executors it launches (which outlive it too when their
//! framework checkpoints, as real executor processes do).

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_agent_core::executors::ExecutorKind;
use mesos_agent_core::recovery::{RecoverMode, RecoveredExecutor, RecoveredFramework, RecoveredTask};
use mesos_agent_core::status_updates::Record;
use mesos_agent_core::{AgentConfig, AgentCore, Output};
use mesos_proto::convert::{ResourceFormat, resources_to_proto};
use mesos_proto::internal::{AgentCall, AgentEvent};
use mesos_proto::v1::executor::{Call as ExecutorCall, Event as ExecutorEvent, call, event};
use mesos_proto::v1::{
    AgentInfo, ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, Resource, TaskInfo, TaskState,
    TaskStatus, task_status,
};
use mesos_types::Resources;

use crate::net::{Conn, Lane, Msg};
use crate::{Phase, Sim};

/// What an agent's disk holds under `meta/`.
#[derive(Clone, Debug, Default)]
pub struct Checkpoints {
    /// The id the master gave, with the info it was admitted with.
    pub agent: Option<(String, AgentInfo)>,
    /// Dynamic reservations and persistent volumes.
    pub resources: Vec<Resource>,
    /// FrameworkInfos of checkpointing frameworks.
    pub frameworks: BTreeMap<String, FrameworkInfo>,
    /// Executors: (framework, executor) → (info, kind, container, sandbox).
    pub executors: BTreeMap<(String, String), (ExecutorInfo, ExecutorKind, String, String)>,
    /// Tasks: (framework, executor, task) → info.
    pub tasks: BTreeMap<(String, String, String), TaskInfo>,
    /// Status-update records: (framework, task) → records, oldest first.
    pub updates: BTreeMap<(String, String), Vec<Record>>,
}

/// A simulated executor process.
#[derive(Clone, Debug)]
pub struct SimExecutor {
    /// Its framework.
    pub framework_id: String,
    /// Its id.
    pub executor_id: String,
    /// Whether its framework checkpoints (it then survives agent restarts).
    pub checkpoint: bool,
    /// The agent connection it is subscribed on (numbers given by the sim).
    pub connection: Option<u64>,
    /// Its tasks.
    pub tasks: BTreeMap<String, ExecutorTask>,
    /// Whether it was told to shut down.
    pub shutting_down: bool,
}

/// A task as its executor sees it.
#[derive(Clone, Debug)]
pub struct ExecutorTask {
    /// What it was launched with.
    pub info: TaskInfo,
    /// The latest state it reported.
    pub state: Option<TaskState>,
    /// Updates sent and not acknowledged yet.
    pub unacknowledged: Vec<TaskStatus>,
}

/// An agent and what survives its crashes.
pub struct AgentNode {
    /// `a<index>`.
    pub index: usize,
    /// The core, while the process runs.
    pub core: Option<AgentCore>,
    /// Bumped at every start; messages for an earlier process are dropped.
    pub incarnation: u64,
    /// The registration stream, while one is open or opening.
    pub conn: Option<Conn>,
    /// Its `Mesos-Stream-Id`, once answered.
    pub stream_id: Option<String>,
    /// The disk.
    pub checkpoints: Checkpoints,
    /// Executor processes by container id.
    pub executors: BTreeMap<String, SimExecutor>,
    /// Agent connection number → container id.
    pub connections: BTreeMap<u64, String>,
    next_connection: u64,
    seed: u64,
    /// The master told it to shut down: the next start is a new agent.
    pub shut_down: bool,
}

impl AgentNode {
    /// An agent not started yet.
    pub fn new(index: usize, seed: u64) -> AgentNode {
        AgentNode {
            index,
            core: None,
            incarnation: 0,
            conn: None,
            stream_id: None,
            checkpoints: Checkpoints::default(),
            executors: BTreeMap::new(),
            connections: BTreeMap::new(),
            next_connection: 0,
            seed: seed.wrapping_mul(31).wrapping_add(index as u64),
            shut_down: false,
        }
    }

    fn config(&self) -> AgentConfig {
        let resources =
            Resources::parse("cpus:4;mem:2048;disk:4096;ports:[31000-31099]", "*").unwrap_or_default();
        let info = AgentInfo {
            hostname: format!("agent{}", self.index),
            port: Some(5051),
            resources: resources_to_proto(&resources, ResourceFormat::CANONICAL),
            ..Default::default()
        };
        let endpoint = format!("10.0.0.{}:5051", self.index + 1);
        AgentConfig {
            seed: self.seed.wrapping_add(self.incarnation),
            capabilities: vec![
                "MULTI_ROLE".into(),
                "HIERARCHICAL_ROLE".into(),
                "RESERVATION_REFINEMENT".into(),
            ],
            checkpointed_resources: self.checkpoints.resources.clone(),
            executor_registration_timeout: Duration::from_secs(20),
            ..AgentConfig::with_defaults(info, &format!("/sim/agent{}", self.index), &endpoint)
        }
    }

    /// What recovery reads from the disk.
    fn recovered(&self) -> Vec<RecoveredFramework> {
        let mut frameworks: BTreeMap<String, RecoveredFramework> = BTreeMap::new();
        for ((framework_id, executor_id), (info, kind, container_id, directory)) in
            &self.checkpoints.executors
        {
            let Some(framework_info) = self.checkpoints.frameworks.get(framework_id) else { continue };
            let tasks = self
                .checkpoints
                .tasks
                .iter()
                .filter(|((f, e, _), _)| f == framework_id && e == executor_id)
                .map(|((_, _, task_id), info)| RecoveredTask {
                    info: info.clone(),
                    records: self
                        .checkpoints
                        .updates
                        .get(&(framework_id.clone(), task_id.clone()))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect();
            frameworks
                .entry(framework_id.clone())
                .or_insert_with(|| RecoveredFramework { info: framework_info.clone(), executors: Vec::new() })
                .executors
                .push(RecoveredExecutor {
                    info: info.clone(),
                    kind: *kind,
                    container_id: container_id.clone(),
                    directory: directory.clone(),
                    alive: self.executors.contains_key(container_id),
                    tasks,
                });
        }
        frameworks.into_values().collect()
    }
}

impl Sim {
    /// Starts agent `index`'s process, recovering from its checkpoints.
    pub(crate) fn start_agent(&mut self, index: usize) {
        let now = self.now;
        let cleanup = self.options.behaviours.recover_cleanup && self.behaviour_rng.below(4) == 0;
        let node = &mut self.agents[index];
        node.incarnation += 1;
        node.conn = None;
        node.stream_id = None;
        node.connections.clear();
        if node.shut_down {
            // Removed by the master: the operator's restart starts a brand-new agent.
            node.checkpoints = Checkpoints::default();
            node.shut_down = false;
        }
        let recovered_id = node.checkpoints.agent.as_ref().map(|(id, _)| id.clone());
        let mut core = AgentCore::new(node.config(), recovered_id.clone());
        core.set_wall_clock(now, now);
        if recovered_id.is_some() {
            let mode = if cleanup { RecoverMode::Cleanup } else { RecoverMode::Reconnect };
            core.recover(now, node.recovered(), mode);
        }
        core.start(now);
        node.core = Some(core);
        // Live checkpointing executors find the new agent and subscribe again.
        let containers: Vec<String> = node.executors.keys().cloned().collect();
        for container_id in containers {
            let delay = Duration::from_millis(self.rng.below(3_000) as u64);
            self.net.send(now, Lane::Free, delay, Msg::ExecutorSubscribes { agent: index, container_id });
        }
        self.note(format!(
            "a{index} starts (recovering {recovered_id:?}{})",
            if cleanup && recovered_id.is_some() { ", --recover=cleanup" } else { "" }
        ));
    }

    pub(crate) fn crash_agent(&mut self, index: usize) {
        if self.agents[index].core.is_none() {
            return;
        }
        self.note(format!("FAULT a{index} crashes"));
        let node = &mut self.agents[index];
        node.core = None;
        // Executors of frameworks that do not checkpoint die with their agent.
        node.executors.retain(|_, e| e.checkpoint);
        for executor in node.executors.values_mut() {
            executor.connection = None;
        }
        if let Some(conn) = node.conn.take() {
            let delay = self.delay();
            let epoch = self.master.epoch;
            self.net.send(self.now, Lane::Free, delay, Msg::AgentGone { epoch, conn });
        }
        let down = Duration::from_millis(self.rng.below(20_000) as u64);
        self.net.send(self.now, Lane::Free, down, Msg::AgentRestart { agent: index });
    }

    pub(crate) fn restart_agent(&mut self, index: usize) {
        if self.agents[index].core.is_none() {
            self.start_agent(index);
        }
    }

    pub(crate) fn registration_answered(&mut self, agent: usize, conn: Conn, stream_id: String) {
        let node = &mut self.agents[agent];
        if node.conn == Some(conn) && node.core.is_some() {
            node.stream_id = Some(stream_id);
        }
    }

    pub(crate) fn agent_event(&mut self, agent: usize, conn: Conn, event: AgentEvent) {
        let now = self.now;
        let node = &mut self.agents[agent];
        if node.conn != Some(conn) {
            return;
        }
        if let Some(core) = &mut node.core {
            core.stream_event(now, event);
        }
    }

    pub(crate) fn agent_stream_closed(&mut self, agent: usize, conn: Conn) {
        let now = self.now;
        let node = &mut self.agents[agent];
        if node.conn != Some(conn) {
            return;
        }
        node.conn = None;
        node.stream_id = None;
        self.net.forget_lane(&Lane::Stream(conn));
        if let Some(core) = &mut node.core {
            core.stream_closed(now);
        }
    }

    fn send_to_master(&mut self, agent: usize, call: AgentCall, conn: Conn, stream_id: Option<String>) {
        let framework_id = call
            .status_update
            .as_ref()
            .map(|u| u.framework_id.value.clone())
            .or(call.executor_exited.as_ref().map(|e| e.framework_id.value.clone()))
            .unwrap_or_default();
        let incarnation = self.agents[agent].incarnation;
        let delay = self.delay();
        let msg = Msg::AgentCall {
            agent,
            incarnation,
            epoch: self.master.epoch,
            conn,
            stream_id,
            call: Box::new(call),
        };
        self.net.send(self.now, Lane::AgentCalls { agent, incarnation, framework_id }, delay, msg);
    }

    /// Carries out agent `index`'s outputs.
    pub(crate) fn pump_agent(&mut self, index: usize) -> bool {
        let mut progressed = false;
        while let Some(output) = self.agents[index].core.as_mut().and_then(|core| core.poll_output()) {
            progressed = true;
            self.agent_output(index, output);
        }
        progressed
    }

    fn agent_output(&mut self, index: usize, output: Output) {
        let now = self.now;
        match output {
            Output::OpenStream(call) => {
                let conn = self.new_conn();
                self.agents[index].conn = Some(conn);
                self.agents[index].stream_id = None;
                self.send_to_master(index, *call, conn, None);
            }
            Output::CloseStream => {
                if let Some(conn) = self.agents[index].conn.take() {
                    self.agents[index].stream_id = None;
                    let delay = self.delay();
                    let epoch = self.master.epoch;
                    self.net.send(now, Lane::Free, delay, Msg::AgentGone { epoch, conn });
                }
            }
            Output::Send(call) => {
                let node = &self.agents[index];
                if let (Some(conn), Some(stream_id)) = (node.conn, node.stream_id.clone()) {
                    self.send_to_master(index, *call, conn, Some(stream_id));
                }
            }
            Output::Shutdown(message) => {
                self.note(format!("a{index} shuts down: {message}"));
                let node = &mut self.agents[index];
                node.core = None;
                node.shut_down = true;
                node.executors.clear();
                if let Some(conn) = node.conn.take() {
                    let epoch = self.master.epoch;
                    self.net.send(now, Lane::Free, Duration::ZERO, Msg::AgentGone { epoch, conn });
                }
                // Its supervisor starts it again, as a new agent.
                self.net.send(now, Lane::Free, Duration::from_secs(5), Msg::AgentRestart { agent: index });
            }
            Output::CheckpointAgent { agent_id, info } => {
                self.agents[index].checkpoints.agent = Some((agent_id, *info));
            }
            Output::CheckpointResources(resources) => self.agents[index].checkpoints.resources = resources,
            Output::CheckpointUpdate { key, executor_id: _, record } => {
                let written = self.rng.unit() >= self.swarm.checkpoint_failure_rate;
                let what = match &record {
                    Record::Update(status) => format!(
                        "update {:?} {}",
                        TaskState::try_from(status.state).unwrap_or(TaskState::TaskUnknown),
                        crate::framework::short(status.uuid.as_deref().unwrap_or_default())
                    ),
                    Record::Ack(uuid) => format!("ack {}", crate::framework::short(uuid)),
                };
                self.note(format!(
                    "a{index} checkpoints {} {what}: {}",
                    key.1,
                    if written { "ok" } else { "FAILED" }
                ));
                if let Record::Update(status) = &record
                    && written
                {
                    self.written_updates
                        .entry(key.clone())
                        .or_default()
                        .push(status.uuid.clone().unwrap_or_default());
                }
                if written {
                    self.agents[index]
                        .checkpoints
                        .updates
                        .entry(key.clone())
                        .or_default()
                        .push(record.clone());
                }
                if let Some(core) = &mut self.agents[index].core {
                    match &record {
                        Record::Update(status) => core.update_checkpointed(
                            now,
                            &key,
                            &status.uuid.clone().unwrap_or_default(),
                            written,
                        ),
                        Record::Ack(uuid) => core.ack_checkpointed(now, &key, uuid, written),
                    }
                }
            }
            Output::CheckpointFramework(info) => {
                if let Some(id) = info.id.as_ref().map(|id| id.value.clone()) {
                    self.agents[index].checkpoints.frameworks.insert(id, *info);
                }
            }
            Output::CheckpointExecutor { framework_id, info, kind, container_id, directory } => {
                let executor_id = info.executor_id.value.clone();
                self.agents[index]
                    .checkpoints
                    .executors
                    .insert((framework_id, executor_id), (*info, kind, container_id, directory));
            }
            Output::CheckpointTask { framework_id, executor_id, task } => {
                let task_id = task.task_id.value.clone();
                self.agents[index].checkpoints.tasks.insert((framework_id, executor_id, task_id), *task);
            }
            Output::ExecutorRemoved { framework_id, executor_id } => {
                let checkpoints = &mut self.agents[index].checkpoints;
                checkpoints.executors.remove(&(framework_id.clone(), executor_id.clone()));
                let tasks: Vec<(String, String, String)> = checkpoints
                    .tasks
                    .keys()
                    .filter(|(f, e, _)| *f == framework_id && *e == executor_id)
                    .cloned()
                    .collect();
                for key in tasks {
                    checkpoints.updates.remove(&(key.0.clone(), key.2.clone()));
                    checkpoints.tasks.remove(&key);
                }
                if !checkpoints.executors.keys().any(|(f, _)| *f == framework_id) {
                    checkpoints.frameworks.remove(&framework_id);
                }
            }
            Output::LaunchContainer(launch) => {
                let checkpoint = self.agents[index]
                    .core
                    .as_ref()
                    .and_then(|core| core.frameworks().get(&launch.framework_id))
                    .is_some_and(|f| f.info.checkpoint == Some(true));
                let executor = SimExecutor {
                    framework_id: launch.framework_id.clone(),
                    executor_id: launch.executor_id.clone(),
                    checkpoint,
                    connection: None,
                    tasks: BTreeMap::new(),
                    shutting_down: false,
                };
                let container_id = launch.container_id.clone();
                self.agents[index].executors.insert(container_id.clone(), executor);
                let delay = Duration::from_millis(10 + self.rng.below(2_000) as u64);
                self.net.send(now, Lane::Free, delay, Msg::ExecutorSubscribes { agent: index, container_id });
            }
            Output::DestroyContainer { container_id } => {
                let delay = Duration::from_millis(self.rng.below(500) as u64);
                self.net.send(
                    now,
                    Lane::Free,
                    delay,
                    Msg::ContainerEnds { agent: index, container_id, status: 9 },
                );
            }
            Output::ToExecutor { connection, event } => {
                if let Some(container_id) = self.agents[index].connections.get(&connection).cloned() {
                    let delay = Duration::from_millis(self.rng.below(50) as u64);
                    self.net.send(
                        now,
                        Lane::ExecutorStream { agent: index, connection },
                        delay,
                        Msg::ExecutorEvent { agent: index, container_id, connection, event },
                    );
                }
            }
            Output::CloseExecutorStream { connection } => {
                if let Some(container_id) = self.agents[index].connections.remove(&connection)
                    && let Some(executor) = self.agents[index].executors.get_mut(&container_id)
                    && executor.connection == Some(connection)
                {
                    executor.connection = None;
                }
            }
            Output::ExecutorTerminated { .. } => {}
        }
    }

    // ---- executors ----

    pub(crate) fn executor_subscribes(&mut self, agent: usize, container_id: &str) {
        let now = self.now;
        let node = &mut self.agents[agent];
        let Some(core) = node.core.as_mut() else { return };
        let Some(executor) = node.executors.get(container_id) else { return };
        node.next_connection += 1;
        let connection = node.next_connection;
        let subscribe = call::Subscribe {
            unacknowledged_tasks: executor
                .tasks
                .values()
                .filter(|t| t.state.is_none())
                .map(|t| t.info.clone())
                .collect(),
            unacknowledged_updates: executor
                .tasks
                .values()
                .flat_map(|t| t.unacknowledged.iter().map(|status| call::Update { status: status.clone() }))
                .collect(),
        };
        let call = ExecutorCall {
            executor_id: ExecutorId { value: executor.executor_id.clone() },
            framework_id: FrameworkId { value: executor.framework_id.clone() },
            r#type: Some(call::Type::Subscribe as i32),
            subscribe: Some(subscribe),
            ..Default::default()
        };
        node.connections.insert(connection, container_id.to_string());
        match core.executor_subscribe(now, connection, call) {
            Ok(()) => {
                if let Some(executor) = node.executors.get_mut(container_id) {
                    executor.connection = Some(connection);
                }
            }
            Err(error) => {
                // The agent does not know it (any more): the executor gives up and exits.
                node.connections.remove(&connection);
                let line = format!("a{agent} refuses executor {container_id}: {error}");
                self.note(line);
                self.net.send(
                    now,
                    Lane::Free,
                    Duration::from_millis(10),
                    Msg::ContainerEnds { agent, container_id: container_id.to_string(), status: 256 },
                );
            }
        }
    }

    pub(crate) fn executor_call_arrives(
        &mut self,
        agent: usize,
        incarnation: u64,
        container_id: &str,
        call: ExecutorCall,
    ) {
        let now = self.now;
        let node = &mut self.agents[agent];
        if node.incarnation != incarnation || !node.executors.contains_key(container_id) {
            return;
        }
        if let Some(core) = &mut node.core {
            // A refused call is the executor's problem; its updates are resent on re-subscription.
            let _ = core.executor_call(now, call);
        }
    }

    fn executor_update(&mut self, agent: usize, container_id: &str, task_id: &str, state: TaskState) {
        let uuid = self.rng.uuid_bytes().to_vec();
        let node = &mut self.agents[agent];
        let Some(executor) = node.executors.get_mut(container_id) else { return };
        let Some(task) = executor.tasks.get_mut(task_id) else { return };
        if task.state.is_some_and(|s| s.is_terminal()) {
            return;
        }
        let status = TaskStatus {
            task_id: task.info.task_id.clone(),
            state: state as i32,
            source: Some(task_status::Source::SourceExecutor as i32),
            uuid: Some(uuid),
            executor_id: Some(ExecutorId { value: executor.executor_id.clone() }),
            ..Default::default()
        };
        task.state = Some(state);
        task.unacknowledged.push(status.clone());
        let call = ExecutorCall {
            executor_id: ExecutorId { value: executor.executor_id.clone() },
            framework_id: FrameworkId { value: executor.framework_id.clone() },
            r#type: Some(call::Type::Update as i32),
            update: Some(call::Update { status }),
            ..Default::default()
        };
        let incarnation = node.incarnation;
        let delay = Duration::from_millis(self.rng.below(50) as u64);
        let lane = Lane::ExecutorCalls { agent, container_id: container_id.to_string() };
        let msg = Msg::ExecutorCall {
            agent,
            incarnation,
            container_id: container_id.to_string(),
            call: Box::new(call),
        };
        self.net.send(self.now, lane, delay, msg);
    }

    pub(crate) fn executor_event(
        &mut self,
        agent: usize,
        container_id: &str,
        connection: u64,
        event: ExecutorEvent,
    ) {
        let now = self.now;
        let Some(executor) = self.agents[agent].executors.get_mut(container_id) else { return };
        if executor.connection != Some(connection) {
            return;
        }
        let kind = event.r#type.and_then(|t| event::Type::try_from(t).ok());
        match kind {
            Some(event::Type::Launch) => {
                let Some(launch) = event.launch else { return };
                self.start_task(agent, container_id, launch.task);
            }
            Some(event::Type::LaunchGroup) => {
                let Some(launch) = event.launch_group else { return };
                for task in launch.task_group.tasks {
                    self.start_task(agent, container_id, task);
                }
            }
            Some(event::Type::Kill) => {
                if let Some(kill) = event.kill {
                    self.executor_update(agent, container_id, &kill.task_id.value, TaskState::TaskKilled);
                    self.maybe_exit(agent, container_id);
                }
            }
            Some(event::Type::Acknowledged) => {
                let Some(ack) = event.acknowledged else { return };
                if let Some(task) = executor.tasks.get_mut(&ack.task_id.value) {
                    task.unacknowledged.retain(|s| s.uuid.as_deref() != Some(ack.uuid.as_slice()));
                }
                self.maybe_exit(agent, container_id);
            }
            Some(event::Type::Shutdown) => {
                executor.shutting_down = true;
                let live: Vec<String> = executor
                    .tasks
                    .iter()
                    .filter(|(_, t)| !t.state.is_some_and(|s| s.is_terminal()))
                    .map(|(id, _)| id.clone())
                    .collect();
                for task_id in live {
                    self.executor_update(agent, container_id, &task_id, TaskState::TaskKilled);
                }
                let msg = Msg::ContainerEnds { agent, container_id: container_id.to_string(), status: 0 };
                self.net.send(now, Lane::Free, Duration::from_millis(100), msg);
            }
            _ => {}
        }
    }

    /// The executor starts a task: RUNNING now, its planned end later.
    fn start_task(&mut self, agent: usize, container_id: &str, task: TaskInfo) {
        let now = self.now;
        let Some(executor) = self.agents[agent].executors.get_mut(container_id) else { return };
        let task_id = task.task_id.value.clone();
        let framework_id = executor.framework_id.clone();
        let plan = String::from_utf8_lossy(task.data.as_deref().unwrap_or_default()).to_string();
        executor
            .tasks
            .insert(task_id.clone(), ExecutorTask { info: task, state: None, unacknowledged: Vec::new() });
        *self.launches.entry((framework_id, task_id.clone())).or_insert(0) += 1;
        self.executor_update(agent, container_id, &task_id, TaskState::TaskRunning);
        let (state, seconds) = parse_plan(&plan);
        if let Some(state) = state {
            let msg = Msg::TaskDue { agent, container_id: container_id.to_string(), task_id, state };
            self.net.send(now, Lane::Free, Duration::from_secs_f64(seconds), msg);
        }
    }

    /// An executor ends once all its tasks' terminal updates were acknowledged.
    fn maybe_exit(&mut self, agent: usize, container_id: &str) {
        let Some(executor) = self.agents[agent].executors.get(container_id) else { return };
        let done = !executor.tasks.is_empty()
            && executor
                .tasks
                .values()
                .all(|t| t.state.is_some_and(|s| s.is_terminal()) && t.unacknowledged.is_empty());
        if done {
            let msg = Msg::ContainerEnds { agent, container_id: container_id.to_string(), status: 0 };
            self.net.send(self.now, Lane::Free, Duration::from_millis(20), msg);
        }
    }

    pub(crate) fn task_due(&mut self, agent: usize, container_id: &str, task_id: &str, state: TaskState) {
        if state == TaskState::TaskError {
            // The plan says crash: the executor process dies with its task unfinished.
            if self.agents[agent].executors.contains_key(container_id) {
                self.note(format!("executor {container_id} on a{agent} crashes"));
                self.container_ends(agent, container_id, 256);
            }
            return;
        }
        self.executor_update(agent, container_id, task_id, state);
    }

    pub(crate) fn container_ends(&mut self, agent: usize, container_id: &str, status: i32) {
        let now = self.now;
        let node = &mut self.agents[agent];
        if node.executors.remove(container_id).is_none() {
            return;
        }
        node.connections.retain(|_, c| c != container_id);
        if let Some(core) = &mut node.core {
            core.container_exited(now, container_id, Some(status));
        }
    }

    pub(crate) fn crash_some_executor(&mut self) {
        let all: Vec<(usize, String)> =
            self.agents.iter().flat_map(|a| a.executors.keys().map(move |c| (a.index, c.clone()))).collect();
        if all.is_empty() || self.phase != Phase::Faults {
            return;
        }
        let (agent, container_id) = all[self.rng.below(all.len())].clone();
        self.note(format!("FAULT executor {container_id} on a{agent} dies"));
        self.container_ends(agent, &container_id, 9);
    }
}

/// A task's plan, carried in its `data`: `finish 3.5`, `fail 2`, `crash 4` or `hang`.
fn parse_plan(plan: &str) -> (Option<TaskState>, f64) {
    let mut parts = plan.split_whitespace();
    let state = match parts.next() {
        Some("finish") => Some(TaskState::TaskFinished),
        Some("fail") => Some(TaskState::TaskFailed),
        // Not a state the executor sends: the marker for "the process dies".
        Some("crash") => Some(TaskState::TaskError),
        _ => None,
    };
    let seconds = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    (state, seconds)
}
