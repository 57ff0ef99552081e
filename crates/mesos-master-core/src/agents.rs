//! The master's side of the agent protocol (`docs/protocol.md`): admission through the
//! registry, re-registration after either side restarts, health pings, disconnection and
//! loss (scheduler-executor-api.md §6.10, §6.11).

use std::collections::{BTreeMap, BTreeSet};

use mesos_proto::convert;
use mesos_proto::internal::{AgentCall, AgentEvent, Task, agent_call, agent_event};
use mesos_proto::v1::scheduler::{Event, event};
use mesos_proto::v1::{AgentId, AgentInfo, ExecutorInfo, Resource, TaskState, task_status};
use mesos_registry::Operation;
use mesos_types::Time;
use mesos_types::resources::Resources;

use crate::tasks::TaskRecord;
use crate::{ConnId, Master, Output, REGISTRY_RETRY_MAX, REGISTRY_RETRY_MIN, Timer};

/// How many slots of the ping timeout agents' pings are spread over.
const PING_SLOTS: u64 = 64;

/// A registered agent.
#[derive(Clone, Debug)]
pub struct Agent {
    /// Agent id.
    pub id: String,
    /// Its AgentInfo (id set).
    pub info: AgentInfo,
    /// `slave(1)@ip:port`.
    pub pid: String,
    /// mesos-rs version it runs.
    pub version: String,
    /// AgentInfo capability names.
    pub capabilities: Vec<String>,
    /// Its registration stream, while connected.
    pub conn: Option<ConnId>,
    /// That stream's id (agent calls must carry it).
    pub stream_id: String,
    /// Total resources, with checkpointed reservations and volumes applied.
    pub total: Resources,
    /// Dynamic reservations and persistent volumes it keeps.
    pub checkpointed: Vec<Resource>,
    /// First registration with this master.
    pub registered_time: Time,
    /// Latest re-registration.
    pub reregistered_time: Option<Time>,
    /// Outstanding offers of its resources.
    pub offers: BTreeSet<String>,
    /// Pings sent and not answered.
    pub pings_missed: u32,
    ping_outstanding: bool,
    /// When it is pinged next (its entry in `Master::ping_due`).
    next_ping: Time,
    /// (framework id, task id) of active tasks here.
    pub tasks: BTreeSet<(String, String)>,
    /// Executors here: framework id → executor id → info.
    pub executors: BTreeMap<String, BTreeMap<String, ExecutorInfo>>,
    /// KILLs for tasks here that arrived while the agent was disconnected, re-sent when it
    /// re-registers (framework id, task id) → kill.
    pub(crate) pending_kills: BTreeMap<(String, String), agent_event::KillTask>,
    /// Live tasks and executors here whose resources could not be read (framework id, which):
    /// while any runs, nothing of this agent is offered.
    pub(crate) quarantined: BTreeSet<(String, Unaccounted)>,
}

impl Agent {
    /// The agent's advertised IP and port, from its pid.
    pub fn address(&self) -> (String, i32) {
        let address = self.pid.rsplit('@').next().unwrap_or_default();
        match address.rsplit_once(':') {
            Some((ip, port)) => (ip.to_string(), port.parse().unwrap_or(5051)),
            None => (address.to_string(), self.info.port.unwrap_or(5051)),
        }
    }

    /// Whether its stream is open.
    pub fn connected(&self) -> bool {
        self.conn.is_some()
    }
}

/// The synchronous answer to an agent call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentReply {
    /// 202, empty body.
    Accepted,
    /// 200 with a stream of [`AgentEvent`]s and this `Mesos-Stream-Id`.
    Stream {
        /// The stream id.
        stream_id: String,
    },
    /// An HTTP error with a plain-text body.
    Error {
        /// Status code.
        status: u16,
        /// Body.
        message: String,
    },
}

impl AgentReply {
    fn bad_request(message: impl Into<String>) -> AgentReply {
        AgentReply::Error { status: 400, message: message.into() }
    }
}

/// What to do when a registry operation commits.
#[derive(Debug)]
pub(crate) enum PendingOp {
    /// `serial` is the number in the agent id, handed out again if the write fails.
    Admit {
        conn: ConnId,
        stream_id: String,
        register: Box<agent_call::Register>,
        agent_id: String,
        serial: u64,
    },
    Readmit {
        conn: ConnId,
        stream_id: String,
        reregister: Box<agent_call::Reregister>,
        /// Whether the registry held the agent as unreachable (not only admitted).
        from_unreachable: bool,
    },
    Unreachable {
        agent_id: String,
    },
    Removed {
        agent_id: String,
    },
    /// Registry GC: nothing to do once written, and nothing to retry (the next GC does).
    Pruned,
}

/// A task or executor whose resources could not be read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Unaccounted {
    Task(String),
    Executor(String),
}

impl Master {
    /// Handles one call from an agent. `conn` names the response stream REGISTER and
    /// REREGISTER get; `stream_header` is the request's `Mesos-Stream-Id`.
    pub fn agent_call(
        &mut self,
        now: Time,
        conn: ConnId,
        call: AgentCall,
        stream_header: Option<&str>,
    ) -> AgentReply {
        let call_type =
            call.r#type.and_then(|t| agent_call::Type::try_from(t).ok()).unwrap_or(agent_call::Type::Unknown);
        match call_type {
            agent_call::Type::Unknown => AgentReply::bad_request(match call.r#type {
                None => "Expecting 'type' to be present".to_string(),
                Some(number) => format!("Unknown call type {number}"),
            }),
            agent_call::Type::Register => match call.register {
                Some(register) => self.register_agent(conn, register),
                None => AgentReply::bad_request("Expecting 'register' to be present"),
            },
            agent_call::Type::Reregister => match call.reregister {
                Some(reregister) => self.reregister_agent(now, conn, reregister),
                None => AgentReply::bad_request("Expecting 'reregister' to be present"),
            },
            _ => {
                let agent_id = call.agent_id.as_ref().map(|id| id.value.clone()).unwrap_or_default();
                let Some(agent) = self.agents.get(&agent_id) else {
                    self.counters.dropped_messages += 1;
                    return AgentReply::bad_request(format!("Agent '{agent_id}' is not registered"));
                };
                if stream_header != Some(agent.stream_id.as_str()) {
                    return AgentReply::bad_request(
                        "The 'Mesos-Stream-Id' header does not match the agent's registration stream",
                    );
                }
                if !agent.connected() {
                    // Its stream is gone and the master has acted on that (a framework that
                    // does not checkpoint has heard its tasks lost): nothing the agent says
                    // counts until it re-registers, and it resends what matters then.
                    self.counters.dropped_messages += 1;
                    return AgentReply::bad_request(format!(
                        "Agent '{agent_id}' is disconnected: it must re-register first"
                    ));
                }
                self.registered_agent_call(now, &agent_id, call_type, call)
            }
        }
    }

    fn registered_agent_call(
        &mut self,
        now: Time,
        agent_id: &str,
        call_type: agent_call::Type,
        call: AgentCall,
    ) -> AgentReply {
        match call_type {
            agent_call::Type::StatusUpdate => match call.status_update {
                Some(update) => {
                    self.status_update(now, agent_id, update);
                    AgentReply::Accepted
                }
                None => AgentReply::bad_request("Expecting 'status_update' to be present"),
            },
            agent_call::Type::Pong => {
                if let Some(agent) = self.agents.get_mut(agent_id) {
                    agent.pings_missed = 0;
                    agent.ping_outstanding = false;
                }
                AgentReply::Accepted
            }
            agent_call::Type::ExecutorExited => match call.executor_exited {
                Some(exited) => {
                    self.executor_exited(now, agent_id, exited);
                    AgentReply::Accepted
                }
                None => AgentReply::bad_request("Expecting 'executor_exited' to be present"),
            },
            agent_call::Type::ExecutorMessage => match call.executor_message {
                Some(message) => {
                    let framework_id = message.framework_id.value.clone();
                    if self.frameworks.get(&framework_id).is_some_and(|f| f.connected()) {
                        self.counters.valid_executor_to_framework_messages += 1;
                        let event = Event {
                            r#type: Some(event::Type::Message as i32),
                            message: Some(event::Message {
                                agent_id: AgentId { value: agent_id.to_string() },
                                executor_id: message.executor_id,
                                data: message.data,
                            }),
                            ..Default::default()
                        };
                        self.send_event(&framework_id, event);
                    } else {
                        self.counters.invalid_executor_to_framework_messages += 1;
                    }
                    AgentReply::Accepted
                }
                None => AgentReply::bad_request("Expecting 'executor_message' to be present"),
            },
            agent_call::Type::UpdateResources => match call.update_resources {
                Some(update) => match convert::resources_from_proto(&update.total) {
                    Ok(total) => {
                        self.rescind_agent_offers(agent_id);
                        if let Some(agent) = self.agents.get_mut(agent_id) {
                            agent.total = total.clone();
                        }
                        let result = self.allocator.update_agent_total(agent_id, total);
                        self.check_allocator("update agent total", result);
                        self.allocate_soon();
                        AgentReply::Accepted
                    }
                    Err(e) => AgentReply::bad_request(format!("Invalid resources: {e}")),
                },
                None => AgentReply::bad_request("Expecting 'update_resources' to be present"),
            },
            agent_call::Type::Unregister => {
                // Nothing new may land on a leaving agent while the registry write is in flight.
                let result = self.allocator.set_agent_active(agent_id, false);
                self.check_allocator("set agent active", result);
                self.rescind_agent_offers(agent_id);
                self.remove_agent_tasks(now, agent_id, RemovalCause::Unregistered);
                self.persist(
                    Operation::RemoveAgent(agent_id.to_string()),
                    PendingOp::Removed { agent_id: agent_id.to_string() },
                );
                AgentReply::Accepted
            }
            agent_call::Type::Unknown | agent_call::Type::Register | agent_call::Type::Reregister => {
                unreachable!("dispatched by agent_call")
            }
        }
    }

    fn register_agent(&mut self, conn: ConnId, register: agent_call::Register) -> AgentReply {
        if let Err(e) = convert::resources_from_proto(&register.agent_info.resources) {
            return AgentReply::bad_request(format!("Invalid agent resources: {e}"));
        }
        if register.agent_info.hostname.is_empty() {
            return AgentReply::bad_request("Agent hostname must not be empty");
        }
        let stream_id = self.new_uuid_string();
        // An id is consumed only once its admission is committed: one whose write failed is
        // handed out again, so a failing registry does not burn through agent ids.
        let serial = match self.free_agent_serials.pop_first() {
            Some(serial) => serial,
            None => {
                self.next_agent += 1;
                self.next_agent - 1
            }
        };
        let agent_id = format!("{}-S{serial}", self.config.master_info.id);
        let mut info = register.agent_info.clone();
        info.id = Some(AgentId { value: agent_id.clone() });
        self.persist(
            Operation::AdmitAgent(info),
            PendingOp::Admit {
                conn,
                stream_id: stream_id.clone(),
                register: Box::new(register),
                agent_id,
                serial,
            },
        );
        AgentReply::Stream { stream_id }
    }

    fn reregister_agent(
        &mut self,
        now: Time,
        conn: ConnId,
        reregister: agent_call::Reregister,
    ) -> AgentReply {
        let Some(agent_id) =
            reregister.agent_info.id.as_ref().map(|id| id.value.clone()).filter(|id| !id.is_empty())
        else {
            return AgentReply::bad_request("Re-registration requires 'agent_info.id'");
        };
        if let Err(e) = convert::resources_from_proto(&reregister.agent_info.resources) {
            return AgentReply::bad_request(format!("Invalid agent resources: {e}"));
        }
        let stream_id = self.new_uuid_string();
        if self.registry.gone.contains_key(&agent_id) {
            self.send_agent_shutdown(conn, "Agent has been marked gone");
            return AgentReply::Stream { stream_id };
        }
        if self
            .awaiting_registry()
            .any(|p| matches!(p, PendingOp::Unreachable { agent_id: a } if *a == agent_id))
        {
            // Mesos refuses re-registration while the agent is being marked unreachable; the
            // agent retries and is readmitted once the write is done.
            return AgentReply::Error {
                status: 503,
                message: "Agent is being marked unreachable; retry the registration".to_string(),
            };
        }
        if self.agents.contains_key(&agent_id) {
            self.reconnect_agent(now, conn, stream_id.clone(), &agent_id, &reregister);
            return AgentReply::Stream { stream_id };
        }
        if self.awaiting_registry().any(|p| {
            matches!(p, PendingOp::Readmit { reregister, .. }
                if reregister.agent_info.id.as_ref().is_some_and(|id| id.value == agent_id))
        }) {
            // As Mesos does: one re-registration at a time. Once the one in flight is written
            // the agent is known, and its retry reconnects it.
            return AgentReply::Error {
                status: 503,
                message: "Agent re-registration is already in progress; retry the registration".to_string(),
            };
        }
        let from_unreachable = self.registry.unreachable.contains_key(&agent_id);
        self.persist(
            Operation::MarkReachable(reregister.agent_info.clone()),
            PendingOp::Readmit {
                conn,
                stream_id: stream_id.clone(),
                reregister: Box::new(reregister),
                from_unreachable,
            },
        );
        AgentReply::Stream { stream_id }
    }

    /// A registered agent re-registers (it restarted, or its stream broke): swap the stream
    /// and let it reconcile the tasks the master believes it runs.
    fn reconnect_agent(
        &mut self,
        now: Time,
        conn: ConnId,
        stream_id: String,
        agent_id: &str,
        reregister: &agent_call::Reregister,
    ) {
        let Some(agent) = self.agents.get_mut(agent_id) else { return };
        let old_conn = agent.conn.replace(conn);
        agent.stream_id = stream_id;
        agent.reregistered_time = Some(now);
        agent.pings_missed = 0;
        agent.ping_outstanding = false;
        agent.pid = reregister.pid.clone().unwrap_or_else(|| agent.pid.clone());
        if let Some(old) = old_conn.filter(|old| *old != conn) {
            self.outputs.push_back(Output::CloseAgent { conn: old });
        }
        self.counters.slave_reregistrations += 1;
        let offerable = self.agents.get(agent_id).is_some_and(|a| a.quarantined.is_empty());
        let activated = self.allocator.set_agent_active(agent_id, offerable);
        self.check_allocator("reactivate an agent", activated);
        self.send_registered(agent_id, agent_event::Type::Reregistered);
        // The master's reservations and volumes for a known agent are the truth (as in
        // Mesos): an agent that missed a CHECKPOINT_RESOURCES (it was down, or the stream
        // broke) is sent them again.
        let kept = convert::resources_from_proto(&reregister.checkpointed_resources).ok();
        if let Some(agent) = self.agents.get(agent_id)
            && kept != convert::resources_from_proto(&agent.checkpointed).ok()
        {
            let event = AgentEvent {
                r#type: Some(agent_event::Type::CheckpointResources as i32),
                checkpoint_resources: Some(Box::new(agent_event::CheckpointResources {
                    resources: agent.checkpointed.clone(),
                    operation: None,
                })),
                ..Default::default()
            };
            self.send_to_agent(agent_id, event);
        }
        // Tasks the master knows that the agent did not report: the agent answers for them
        // with status updates (typically TASK_LOST/TASK_DROPPED for never-delivered tasks).
        let reported: BTreeSet<(String, String)> = reregister
            .tasks
            .iter()
            .map(|t| (t.framework_id.value.clone(), t.task_id.value.clone()))
            .collect();
        let missing: Vec<Task> = self
            .agents
            .get(agent_id)
            .map(|a| a.tasks.iter().filter(|key| !reported.contains(*key)).cloned().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(fw, task)| {
                self.frameworks.get(&fw).and_then(|f| f.tasks.get(&task)).map(TaskRecord::to_task)
            })
            .collect();
        if !missing.is_empty() {
            let event = AgentEvent {
                r#type: Some(agent_event::Type::ReconcileTasks as i32),
                reconcile_tasks: Some(agent_event::ReconcileTasks { tasks: missing }),
                ..Default::default()
            };
            self.send_to_agent(agent_id, event);
        }
        // Frameworks that are gone must be shut down on the agent.
        let orphaned: BTreeSet<String> = reregister
            .tasks
            .iter()
            .map(|t| t.framework_id.value.clone())
            .chain(
                reregister
                    .executors
                    .iter()
                    .filter_map(|e| e.framework_id.as_ref().map(|id| id.value.clone())),
            )
            .filter(|fw| !self.frameworks.contains_key(fw))
            .collect();
        for framework_id in orphaned {
            self.shutdown_framework_on(agent_id, &framework_id);
        }
        // Executors the agent no longer runs are gone: their resources come back.
        let reported_executors: BTreeSet<(String, String)> = reregister
            .executors
            .iter()
            .filter_map(|e| e.framework_id.as_ref().map(|fw| (fw.value.clone(), e.executor_id.value.clone())))
            .collect();
        let vanished: Vec<(String, String)> = self
            .agents
            .get(agent_id)
            .map(|a| {
                a.executors
                    .iter()
                    .flat_map(|(fw, by_id)| by_id.keys().map(move |id| (fw.clone(), id.clone())))
                    .filter(|key| !reported_executors.contains(key))
                    .collect()
            })
            .unwrap_or_default();
        for (framework_id, executor_id) in vanished {
            self.forget_executor(now, agent_id, &framework_id, &executor_id);
        }
        // KILLs that could not be delivered while the agent was away.
        let kills =
            self.agents.get_mut(agent_id).map(|a| std::mem::take(&mut a.pending_kills)).unwrap_or_default();
        for ((framework_id, task_id), kill) in kills {
            if self.frameworks.get(&framework_id).is_some_and(|f| f.tasks.contains_key(&task_id)) {
                let event = AgentEvent {
                    r#type: Some(agent_event::Type::KillTask as i32),
                    kill_task: Some(kill),
                    ..Default::default()
                };
                self.send_to_agent(agent_id, event);
            }
        }
        self.allocate_soon();
    }

    /// Drops an executor from every index and gives its resources back.
    pub(crate) fn forget_executor(
        &mut self,
        now: Time,
        agent_id: &str,
        framework_id: &str,
        executor_id: &str,
    ) {
        let mut executor = None;
        if let Some(agent) = self.agents.get_mut(agent_id)
            && let Some(executors) = agent.executors.get_mut(framework_id)
        {
            executor = executors.remove(executor_id);
            if executors.is_empty() {
                agent.executors.remove(framework_id);
            }
        }
        if let Some(framework) = self.frameworks.get_mut(framework_id)
            && let Some(executors) = framework.executors.get_mut(agent_id)
        {
            executors.remove(executor_id);
            if executors.is_empty() {
                framework.executors.remove(agent_id);
            }
        }
        if let Some(executor) = executor
            && let Ok(resources) = convert::resources_from_proto(&executor.resources)
            && !resources.is_empty()
        {
            self.allocator.recover(framework_id, agent_id, &resources, None, now);
            self.allocate_soon();
        }
        self.end_quarantine(agent_id, framework_id, Unaccounted::Executor(executor_id.to_string()));
    }

    /// The shell finished (or failed) a registry write.
    pub fn registry_committed(&mut self, now: Time, id: u64, result: Result<(), String>) {
        let Some((operation, pending)) = self.pending.remove(&id) else { return };
        if let Err(reason) = result {
            // The write did not happen and nothing was applied yet. An agent (re-)registering
            // retries by itself once its stream closes; marking an agent unreachable or
            // removing it has no one to retry it, so the master does, with backoff.
            self.counters.registry_write_failures += 1;
            let _ = reason; // the shell logged it
            match pending {
                PendingOp::Admit { conn, serial, .. } => {
                    self.free_agent_serials.insert(serial);
                    self.closed_before_commit.remove(&conn);
                    self.outputs.push_back(Output::CloseAgent { conn });
                }
                PendingOp::Readmit { conn, .. } => {
                    self.closed_before_commit.remove(&conn);
                    self.outputs.push_back(Output::CloseAgent { conn });
                }
                PendingOp::Pruned => {}
                PendingOp::Unreachable { .. } | PendingOp::Removed { .. } => {
                    if self.registry_retries.is_empty() {
                        self.arm(now + self.registry_retry_backoff, Timer::RetryRegistry);
                    }
                    self.registry_retries.push((operation, pending));
                }
            }
            return;
        }
        self.registry_retry_backoff = REGISTRY_RETRY_MIN;
        // Exactly what was written, so the master's copy never drifts from the stored one
        // (an operation rebuilt here would carry this instant's timestamp, not the written one).
        self.apply_registry(operation);
        match pending {
            PendingOp::Admit { conn, stream_id, register, agent_id, .. } => {
                self.admit(now, conn, stream_id, *register, agent_id);
            }
            PendingOp::Readmit { conn, stream_id, reregister, from_unreachable } => {
                self.readmit(now, conn, stream_id, *reregister, from_unreachable)
            }
            PendingOp::Unreachable { agent_id } => self.agent_unreachable(now, &agent_id),
            PendingOp::Removed { agent_id } => self.forget_agent(now, &agent_id),
            PendingOp::Pruned => {}
        }
    }

    /// Registry GC: forgets the unreachable and gone agents past `--registry_max_agent_age`
    /// or beyond `--registry_max_agent_count`, keeping the registry's size bounded.
    pub(crate) fn prune_registry(&mut self, now: Time) {
        if self.awaiting_registry().any(|p| matches!(p, PendingOp::Pruned)) {
            return;
        }
        let now_nanos = self.wall_time(now).as_nanos() as i64;
        let max_age = i64::try_from(self.config.registry_max_agent_age.as_nanos()).unwrap_or(i64::MAX);
        let prune = mesos_registry::prune_candidates(
            &self.registry,
            now_nanos,
            max_age,
            self.config.registry_max_agent_count,
        );
        if let Operation::Prune { unreachable, gone } = &prune
            && (!unreachable.is_empty() || !gone.is_empty())
        {
            self.persist(prune, PendingOp::Pruned);
        }
    }

    /// Applies an operation to the master's copy of the registry. The shell applies the same
    /// operation to the stored copy; the core's copy is what `/registrar(1)/registry` shows.
    fn apply_registry(&mut self, operation: Operation) {
        let _ = operation.apply(&mut self.registry);
    }

    fn admit(
        &mut self,
        now: Time,
        conn: ConnId,
        stream_id: String,
        register: agent_call::Register,
        agent_id: String,
    ) {
        let mut info = register.agent_info;
        info.id = Some(AgentId { value: agent_id.clone() });
        let total = agent_total(&info.resources, &register.checkpointed_resources);
        let pid = register
            .pid
            .unwrap_or_else(|| format!("slave(1)@{}:{}", info.hostname, info.port.unwrap_or(5051)));
        self.agents.insert(
            agent_id.clone(),
            Agent {
                id: agent_id.clone(),
                info,
                pid,
                version: register.version.unwrap_or_default(),
                capabilities: register.capabilities,
                conn: Some(conn),
                stream_id,
                total: total.clone(),
                checkpointed: register.checkpointed_resources,
                registered_time: now,
                reregistered_time: None,
                offers: BTreeSet::new(),
                pings_missed: 0,
                ping_outstanding: false,
                next_ping: Time::ZERO,
                tasks: BTreeSet::new(),
                executors: BTreeMap::new(),
                pending_kills: BTreeMap::new(),
                quarantined: BTreeSet::new(),
            },
        );
        self.schedule_first_ping(now, &agent_id);
        let result = self.allocator.add_agent(&agent_id, total, &BTreeMap::new());
        self.check_allocator("add agent", result);
        self.counters.slave_registrations += 1;
        if self.detach_if_closed(&agent_id, conn) {
            return;
        }
        self.send_registered(&agent_id, agent_event::Type::Registered);
        self.allocate_soon();
    }

    fn readmit(
        &mut self,
        now: Time,
        conn: ConnId,
        stream_id: String,
        reregister: agent_call::Reregister,
        from_unreachable: bool,
    ) {
        let info = reregister.agent_info.clone();
        let Some(agent_id) = info.id.as_ref().map(|id| id.value.clone()) else { return };
        self.recovered_agents.remove(&agent_id);
        self.disarm_reregister_timeout_if_done();
        for framework in &reregister.frameworks {
            self.recover_framework(now, framework);
        }
        let total = agent_total(&info.resources, &reregister.checkpointed_resources);
        let pid = reregister
            .pid
            .clone()
            .unwrap_or_else(|| format!("slave(1)@{}:{}", info.hostname, info.port.unwrap_or(5051)));
        let mut agent = Agent {
            id: agent_id.clone(),
            info,
            pid,
            version: reregister.version.clone().unwrap_or_default(),
            capabilities: reregister.capabilities.clone(),
            conn: Some(conn),
            stream_id,
            total: total.clone(),
            checkpointed: reregister.checkpointed_resources.clone(),
            registered_time: now,
            reregistered_time: Some(now),
            offers: BTreeSet::new(),
            pings_missed: 0,
            ping_outstanding: false,
            next_ping: Time::ZERO,
            tasks: BTreeSet::new(),
            executors: BTreeMap::new(),
            pending_kills: BTreeMap::new(),
            quarantined: BTreeSet::new(),
        };
        let mut used: BTreeMap<String, Resources> = BTreeMap::new();
        let mut removed_frameworks: BTreeSet<String> = BTreeSet::new();
        for executor in &reregister.executors {
            let Some(framework_id) = executor.framework_id.as_ref().map(|id| id.value.clone()) else {
                continue;
            };
            if !self.frameworks.contains_key(&framework_id) {
                // Torn down (or never known): the agent must shut it down, not keep it.
                removed_frameworks.insert(framework_id);
                continue;
            }
            match convert::resources_from_proto(&executor.resources) {
                Ok(resources) => *used.entry(framework_id.clone()).or_default() += &resources,
                Err(reason) => {
                    let executor_id = executor.executor_id.value.clone();
                    self.outputs.push_back(Output::Warning(format!(
                        "agent {agent_id} reports executor {executor_id} of framework {framework_id} \
                         with resources that cannot be read ({reason}); no offers are made from \
                         this agent until the executor ends"
                    )));
                    agent.quarantined.insert((framework_id.clone(), Unaccounted::Executor(executor_id)));
                }
            }
            agent
                .executors
                .entry(framework_id.clone())
                .or_default()
                .insert(executor.executor_id.value.clone(), executor.clone());
            if let Some(framework) = self.frameworks.get_mut(&framework_id) {
                framework
                    .executors
                    .entry(agent_id.clone())
                    .or_default()
                    .insert(executor.executor_id.value.clone(), executor.clone());
            }
        }
        let mut back_from_unreachable = Vec::new();
        for task in &reregister.tasks {
            let framework_id = task.framework_id.value.clone();
            let task_id = task.task_id.value.clone();
            if !self.frameworks.contains_key(&framework_id) {
                removed_frameworks.insert(framework_id);
                continue;
            }
            let (record, unreadable) = TaskRecord::from_task(task);
            let terminal = record.latest_state().is_terminal();
            if !terminal {
                *used.entry(framework_id.clone()).or_default() += &record.resources;
                if let Some(reason) = unreadable {
                    // What it uses is unknown, so nothing of this agent may be offered while
                    // it runs: anything offered could be over-committed.
                    self.outputs.push_back(Output::Warning(format!(
                        "agent {agent_id} reports task {task_id} of framework {framework_id} with \
                         resources that cannot be read ({reason}); no offers are made from this \
                         agent until the task ends"
                    )));
                    agent.quarantined.insert((framework_id.clone(), Unaccounted::Task(task_id.clone())));
                }
            }
            agent.tasks.insert((framework_id.clone(), task_id.clone()));
            if let Some(framework) = self.frameworks.get_mut(&framework_id) {
                // Back from unreachable: a task the framework heard was unreachable or lost,
                // or, after a master restart (which forgets those), one that reconciliation
                // reported lost or unreachable since its agent was.
                let was_unreachable = framework.unreachable_tasks.remove(&task_id).is_some();
                if was_unreachable || (from_unreachable && !framework.tasks.contains_key(&task_id)) {
                    back_from_unreachable.push((framework_id.clone(), task_id.clone()));
                }
                framework.tasks.insert(task_id, record);
            }
        }
        // The agent is back and did not report these: they are no longer unreachable but
        // gone, which is what reconciling them now answers (TASK_GONE), as in Mesos.
        for framework in self.frameworks.values_mut() {
            framework.unreachable_tasks.retain(|_, task| task.agent_id != agent_id);
        }
        let quarantined = !agent.quarantined.is_empty();
        self.agents.insert(agent_id.clone(), agent);
        self.schedule_first_ping(now, &agent_id);
        let added = self.allocator.add_agent(&agent_id, total, &used);
        self.check_allocator("add a re-registered agent", added);
        if quarantined {
            let deactivated = self.allocator.set_agent_active(&agent_id, false);
            self.check_allocator("quarantine an agent", deactivated);
        }
        self.counters.slave_reregistrations += 1;
        if !self.detach_if_closed(&agent_id, conn) {
            self.send_registered(&agent_id, agent_event::Type::Reregistered);
            for framework_id in removed_frameworks {
                self.shutdown_framework_on(&agent_id, &framework_id);
            }
        }
        for (framework_id, task_id) in back_from_unreachable {
            let Some(task) = self.frameworks.get(&framework_id).and_then(|f| f.tasks.get(&task_id)).cloned()
            else {
                continue;
            };
            // The state the task's reliable update stream has reached, not its latest: the
            // agent still has to deliver the updates in between, and a scheduler told the
            // latest first would then hear an older state after it.
            let status = self.master_status(
                &task,
                task.reported_state(),
                task_status::Reason::ReasonAgentReregistered,
                "Agent re-registered",
                now,
            );
            self.send_update(&framework_id, status);
        }
        self.allocate_soon();
    }

    /// If the agent's stream closed before its admission committed, leave it admitted but
    /// disconnected (its offers off) and say so.
    fn detach_if_closed(&mut self, agent_id: &str, conn: ConnId) -> bool {
        if !self.closed_before_commit.remove(&conn) {
            return false;
        }
        if let Some(agent) = self.agents.get_mut(agent_id) {
            agent.conn = None;
        }
        let result = self.allocator.set_agent_active(agent_id, false);
        self.check_allocator("set agent active", result);
        true
    }

    pub(crate) fn shutdown_framework_on(&mut self, agent_id: &str, framework_id: &str) {
        let event = AgentEvent {
            r#type: Some(agent_event::Type::ShutdownFramework as i32),
            shutdown_framework: Some(agent_event::ShutdownFramework {
                framework_id: mesos_proto::v1::FrameworkId { value: framework_id.to_string() },
            }),
            ..Default::default()
        };
        self.send_to_agent(agent_id, event);
    }

    fn send_registered(&mut self, agent_id: &str, kind: agent_event::Type) {
        let event = AgentEvent {
            r#type: Some(kind as i32),
            registered: Some(Box::new(agent_event::Registered {
                agent_id: AgentId { value: agent_id.to_string() },
                master_info: self.config.master_info.clone(),
                ping_interval_seconds: Some(self.config.agent_ping_timeout.as_secs_f64()),
            })),
            ..Default::default()
        };
        self.send_to_agent(agent_id, event);
    }

    fn send_agent_shutdown(&mut self, conn: ConnId, message: &str) {
        let event = AgentEvent {
            r#type: Some(agent_event::Type::Shutdown as i32),
            shutdown: Some(agent_event::Shutdown { message: message.to_string() }),
            ..Default::default()
        };
        self.outputs.push_back(Output::AgentEvent { conn, event: Box::new(event) });
        self.outputs.push_back(Output::CloseAgent { conn });
    }

    /// Queues an event for an agent's stream; dropped if the agent is not connected (it
    /// learns the state again when it re-registers).
    pub(crate) fn send_to_agent(&mut self, agent_id: &str, event: AgentEvent) {
        if let Some(conn) = self.agents.get(agent_id).and_then(|a| a.conn) {
            self.outputs.push_back(Output::AgentEvent { conn, event: Box::new(event) });
        }
    }

    /// The shell saw an agent's registration stream end.
    pub fn agent_stream_closed(&mut self, now: Time, conn: ConnId) {
        let Some(agent_id) = self.agents.values().find(|a| a.conn == Some(conn)).map(|a| a.id.clone()) else {
            // A stream can close while its (re-)admission is still being written: remember it,
            // so the agent is admitted disconnected rather than attached to a dead stream.
            if self.pending.values().any(|(_, p)| matches!(p, PendingOp::Admit { conn: c, .. } | PendingOp::Readmit { conn: c, .. } if *c == conn)) {
                self.closed_before_commit.insert(conn);
            }
            return;
        };
        if let Some(agent) = self.agents.get_mut(&agent_id) {
            agent.conn = None;
        }
        let result = self.allocator.set_agent_active(&agent_id, false);
        self.check_allocator("set agent active", result);
        self.rescind_agent_offers(&agent_id);
        // Tasks of frameworks that do not checkpoint die with the agent's connection (the
        // agent kills them when it notices), so they are lost now.
        let doomed: Vec<(String, String)> = self
            .agents
            .get(&agent_id)
            .map(|a| a.tasks.iter().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|(fw, _)| self.frameworks.get(fw).is_some_and(|f| !f.info.checkpoint.unwrap_or(false)))
            .collect();
        for (framework_id, task_id) in doomed {
            let ended = self
                .frameworks
                .get(&framework_id)
                .and_then(|f| f.tasks.get(&task_id))
                .is_some_and(|t| t.reported_state().is_terminal());
            if ended {
                // Its end reached the framework before the connection did (maybe not
                // acknowledged yet, which now cannot reach the agent): it keeps its state. One
                // that ended without its update through is lost: the agent drops the framework
                // and that update with it.
                self.complete_task(&framework_id, &task_id);
                continue;
            }
            self.lose_task(
                now,
                &agent_id,
                &framework_id,
                &task_id,
                TaskState::TaskLost,
                task_status::Reason::ReasonAgentDisconnected,
                "Agent disconnected",
            );
        }
        // Their executors die the same way.
        let executors: Vec<(String, String)> = self
            .agents
            .get(&agent_id)
            .map(|a| {
                a.executors
                    .iter()
                    .flat_map(|(fw, by_id)| by_id.keys().map(move |id| (fw.clone(), id.clone())))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .filter(|(fw, _)| self.frameworks.get(fw).is_none_or(|f| !f.info.checkpoint.unwrap_or(false)))
            .collect();
        for (framework_id, executor_id) in executors {
            self.forget_executor(now, &agent_id, &framework_id, &executor_id);
        }
    }

    /// Pings an agent first one ping timeout after it joined, plus a share of another: the
    /// timeout is cut into [`PING_SLOTS`] slots and agents are dealt to them in turn, so
    /// agents that joined together (at a master failover, all of them) are not all pinged in
    /// one step, and pings fall only on slot boundaries (the first may come up to a slot
    /// early), so the master wakes for them a few times per timeout rather than once per agent.
    fn schedule_first_ping(&mut self, now: Time, agent_id: &str) {
        let timeout = self.config.agent_ping_timeout;
        let slot_nanos = (timeout.as_nanos() as u64 / PING_SLOTS).max(1);
        let slot = self.next_ping_slot % PING_SLOTS;
        self.next_ping_slot = self.next_ping_slot.wrapping_add(1);
        // The boundary at or just before one timeout from now (a slot is shorter than that).
        let boundary = (now + timeout).as_nanos() / slot_nanos * slot_nanos;
        let at = Time::from_nanos(boundary.saturating_add(slot * slot_nanos));
        self.schedule_ping(agent_id, at);
    }

    fn schedule_ping(&mut self, agent_id: &str, at: Time) {
        if let Some(agent) = self.agents.get_mut(agent_id) {
            agent.next_ping = at;
            self.ping_due.insert((at, agent_id.to_string()));
        }
    }

    /// When the next agent is due a ping.
    pub(crate) fn next_ping_due(&self) -> Option<Time> {
        self.ping_due.first().map(|(at, _)| *at)
    }

    /// Pings every agent due a ping at `now`; one that missed `max_agent_ping_timeouts` in
    /// a row (or stayed disconnected that long) becomes unreachable.
    pub(crate) fn ping_due_agents(&mut self, now: Time) {
        let max = self.config.max_agent_ping_timeouts;
        let timeout = self.config.agent_ping_timeout;
        let mut lost = Vec::new();
        let mut ping = Vec::new();
        while let Some((at, _)) = self.ping_due.first() {
            if *at > now {
                break;
            }
            let Some((at, agent_id)) = self.ping_due.pop_first() else { break };
            // An entry left behind by an agent that was removed, or admitted again since.
            let Some(agent) = self.agents.get_mut(&agent_id).filter(|a| a.next_ping == at) else { continue };
            if agent.ping_outstanding || agent.conn.is_none() {
                agent.pings_missed += 1;
            }
            if agent.pings_missed >= max {
                lost.push(agent_id);
                continue;
            }
            if agent.conn.is_some() {
                agent.ping_outstanding = true;
                ping.push(agent_id.clone());
            }
            // Keep the agent's cadence (and slot), skipping the periods the master missed.
            let missed = (now.saturating_since(at).as_nanos() / timeout.as_nanos().max(1)) as u32;
            let next = at + timeout * (missed + 1);
            self.schedule_ping(&agent_id, next);
        }
        for agent_id in ping {
            let event = AgentEvent { r#type: Some(agent_event::Type::Ping as i32), ..Default::default() };
            self.send_to_agent(&agent_id, event);
        }
        for agent_id in lost {
            self.mark_unreachable(now, &agent_id);
        }
    }

    /// A quarantined task or executor ended: once none is left, the agent's resources are
    /// offered again.
    pub(crate) fn end_quarantine(&mut self, agent_id: &str, framework_id: &str, which: Unaccounted) {
        let Some(agent) = self.agents.get_mut(agent_id) else { return };
        if agent.quarantined.remove(&(framework_id.to_string(), which)) {
            self.lift_quarantine_if_done(agent_id);
        }
    }

    /// Offers the agent again if nothing unaccounted runs on it any more.
    pub(crate) fn lift_quarantine_if_done(&mut self, agent_id: &str) {
        let Some(agent) = self.agents.get(agent_id) else { return };
        if agent.quarantined.is_empty() && agent.conn.is_some() {
            self.outputs.push_back(Output::Warning(format!(
                "agent {agent_id}: nothing with unreadable resources runs there any more; its \
                 resources are offered again"
            )));
            let activated = self.allocator.set_agent_active(agent_id, true);
            self.check_allocator("end an agent's quarantine", activated);
        }
    }

    /// Registry operations written, retried or waiting for a retry, in that order.
    pub(crate) fn awaiting_registry(&self) -> impl Iterator<Item = &PendingOp> {
        self.pending.values().map(|(_, p)| p).chain(self.registry_retries.iter().map(|(_, p)| p))
    }

    /// Writes again the operations whose write failed; the wait doubles while they keep
    /// failing.
    pub(crate) fn retry_registry_writes(&mut self) {
        self.registry_retry_backoff = (self.registry_retry_backoff * 2).min(REGISTRY_RETRY_MAX);
        for (operation, pending) in std::mem::take(&mut self.registry_retries) {
            self.persist(operation, pending);
        }
    }

    fn mark_unreachable(&mut self, now: Time, agent_id: &str) {
        if self
            .awaiting_registry()
            .any(|p| matches!(p, PendingOp::Unreachable { agent_id: a } if a == agent_id))
        {
            return;
        }
        let operation = Operation::MarkUnreachable {
            agent_id: agent_id.to_string(),
            timestamp_nanos: self.wall_time(now).as_nanos() as i64,
        };
        self.persist(operation, PendingOp::Unreachable { agent_id: agent_id.to_string() });
    }

    pub(crate) fn reregister_timeout(&mut self, now: Time) {
        let missing: Vec<String> = self.recovered_agents.keys().cloned().collect();
        for agent_id in missing {
            self.recovered_agents.remove(&agent_id);
            self.mark_unreachable(now, &agent_id);
        }
    }

    /// Commit of MarkUnreachable: the agent's tasks become unreachable (TASK_LOST for
    /// frameworks that are not partition-aware), its offers are rescinded and every
    /// framework hears that the agent is gone.
    fn agent_unreachable(&mut self, now: Time, agent_id: &str) {
        if !self.agents.contains_key(agent_id) {
            return;
        }
        self.counters.slave_unreachable_completed += 1;
        self.counters.slave_removals += 1;
        self.rescind_agent_offers(agent_id);
        self.remove_agent_tasks(now, agent_id, RemovalCause::Unreachable);
        if let Some(agent) = self.agents.remove(agent_id)
            && let Some(conn) = agent.conn
        {
            self.outputs.push_back(Output::CloseAgent { conn });
        }
        let result = self.allocator.remove_agent(agent_id);
        self.check_allocator("remove agent", result);
        self.send_agent_failure(agent_id);
    }

    /// FAILURE{agent_id} to every connected framework: the agent is gone.
    fn send_agent_failure(&mut self, agent_id: &str) {
        let failure = Event {
            r#type: Some(event::Type::Failure as i32),
            failure: Some(event::Failure {
                agent_id: Some(AgentId { value: agent_id.to_string() }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let connected: Vec<String> =
            self.frameworks.values().filter(|f| f.connected()).map(|f| f.id.clone()).collect();
        for framework_id in connected {
            self.send_event(&framework_id, failure.clone());
        }
    }

    fn forget_agent(&mut self, now: Time, agent_id: &str) {
        self.rescind_agent_offers(agent_id);
        // Tasks launched after the agent said it was leaving are gone with it too.
        self.remove_agent_tasks(now, agent_id, RemovalCause::Unregistered);
        self.send_agent_failure(agent_id);
        if let Some(agent) = self.agents.remove(agent_id)
            && let Some(conn) = agent.conn
        {
            self.outputs.push_back(Output::CloseAgent { conn });
        }
        let result = self.allocator.remove_agent(agent_id);
        self.check_allocator("remove agent", result);
        self.counters.slave_removals += 1;
    }

    fn executor_exited(&mut self, now: Time, agent_id: &str, exited: agent_call::ExecutorExited) {
        let framework_id = exited.framework_id.value.clone();
        self.forget_executor(now, agent_id, &framework_id, &exited.executor_id.value);
        let failure = Event {
            r#type: Some(event::Type::Failure as i32),
            failure: Some(event::Failure {
                agent_id: Some(AgentId { value: agent_id.to_string() }),
                executor_id: Some(exited.executor_id),
                status: Some(exited.status),
            }),
            ..Default::default()
        };
        self.send_event(&framework_id, failure);
    }

    /// Registered agents.
    pub fn agents(&self) -> impl Iterator<Item = &Agent> {
        self.agents.values()
    }

    /// One registered agent.
    pub fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.get(id)
    }

    /// Agents known from the registry that have not re-registered yet.
    pub fn recovered_agents(&self) -> impl Iterator<Item = &AgentInfo> {
        self.recovered_agents.values()
    }

    pub(crate) fn disarm_reregister_timeout_if_done(&mut self) {
        if self.recovered_agents.is_empty() {
            self.disarm(&Timer::ReregisterTimeout);
        }
    }
}

/// Why an agent's tasks are being taken away from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RemovalCause {
    Unreachable,
    Unregistered,
}

/// The agent's total: its static resources with checkpointed dynamic reservations and
/// volumes carved out of them.
pub(crate) fn agent_total(info_resources: &[Resource], checkpointed: &[Resource]) -> Resources {
    let mut total = convert::resources_from_proto(info_resources).unwrap_or_default();
    if let Ok(checkpointed) = convert::resources_from_proto(checkpointed) {
        for resource in checkpointed.iter() {
            let single = Resources::from(resource.clone());
            let base = convert::strip_dynamic(&single);
            if total.contains(&base) {
                total -= &base;
                total += &single;
            }
        }
    }
    total
}
