//! Framework lifecycle: subscribe, re-subscribe and failover, disconnect, failover timeout,
//! teardown, UPDATE_FRAMEWORK (scheduler-executor-api.md §3.2, §6.1, §6.2).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use mesos_allocator::{Capabilities, FrameworkSpec};
use mesos_proto::internal::{AgentEvent, agent_event};
use mesos_proto::v1::framework_info::capability::Type as Capability;
use mesos_proto::v1::scheduler::{Call, Event, event};
use mesos_proto::v1::{ExecutorInfo, FrameworkId, FrameworkInfo, TaskState, task_status};
use mesos_types::Time;
use mesos_types::quantities::ResourceQuantities;
use mesos_types::resources::Scalar;

use crate::calls::SchedulerReply;
use crate::tasks::TaskRecord;
use crate::validation;
use crate::{ConnId, Master, Output, Timer};

/// The master's view of a framework's connection (§6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameworkState {
    /// Subscribed with an open stream.
    Connected,
    /// Its stream closed; it may re-subscribe within `failover_timeout`.
    Disconnected,
    /// Known only from re-registering agents after a master restart.
    Recovered,
}

/// A framework known to the master.
#[derive(Clone, Debug)]
pub struct Framework {
    /// Framework id.
    pub id: String,
    /// The FrameworkInfo it last subscribed or updated with (id set).
    pub info: FrameworkInfo,
    /// Connection state.
    pub state: FrameworkState,
    /// Its subscription stream.
    pub conn: Option<ConnId>,
    /// The `Mesos-Stream-Id` of that stream.
    pub stream_id: Option<String>,
    /// Roles it subscribes to.
    pub roles: BTreeSet<String>,
    /// Roles it suppressed.
    pub suppressed: BTreeSet<String>,
    /// First subscription.
    pub registered_time: Time,
    /// Latest re-subscription, if any.
    pub reregistered_time: Option<Time>,
    /// When it disconnected or was removed.
    pub unregistered_time: Option<Time>,
    /// Outstanding offer ids.
    pub offers: BTreeSet<String>,
    /// Active tasks by task id.
    pub tasks: BTreeMap<String, TaskRecord>,
    /// Tasks on unreachable agents.
    pub unreachable_tasks: BTreeMap<String, TaskRecord>,
    /// Terminal, acknowledged tasks (bounded).
    pub completed_tasks: VecDeque<TaskRecord>,
    /// Executors per agent id, by executor id.
    pub executors: BTreeMap<String, BTreeMap<String, ExecutorInfo>>,
    /// Bumped on every (re)subscription so a stale failover timer does nothing.
    pub(crate) generation: u64,
}

impl Framework {
    /// Whether the framework declared `capability`.
    pub fn has_capability(&self, capability: Capability) -> bool {
        has_capability(&self.info, capability)
    }

    /// PARTITION_AWARE frameworks get the finer task states of §6.10.
    pub fn partition_aware(&self) -> bool {
        self.has_capability(Capability::PartitionAware)
    }

    /// Whether its stream is open.
    pub fn connected(&self) -> bool {
        self.state == FrameworkState::Connected
    }
}

pub(crate) fn has_capability(info: &FrameworkInfo, capability: Capability) -> bool {
    info.capabilities.iter().any(|c| c.r#type == Some(capability as i32))
}

/// The role set of a FrameworkInfo: `roles` with MULTI_ROLE, else `{role}` (default `*`).
pub(crate) fn framework_roles(info: &FrameworkInfo) -> BTreeSet<String> {
    if has_capability(info, Capability::MultiRole) {
        info.roles.iter().cloned().collect()
    } else {
        [info.role.clone().unwrap_or_else(|| "*".to_string())].into()
    }
}

fn allocator_spec(
    info: &FrameworkInfo,
    roles: &BTreeSet<String>,
    suppressed: &BTreeSet<String>,
) -> FrameworkSpec {
    let min_allocatable = info
        .offer_filters
        .iter()
        .filter_map(|(role, filters)| {
            let minimum = filters.min_allocatable_resources.as_ref()?;
            let sets = minimum
                .quantities
                .iter()
                .map(|q| {
                    let mut quantities = ResourceQuantities::default();
                    for (name, scalar) in &q.quantities {
                        if let Some(amount) = Scalar::from_f64(scalar.value) {
                            quantities.add_quantity(name, amount);
                        }
                    }
                    quantities
                })
                .collect();
            Some((role.clone(), sets))
        })
        .collect();
    FrameworkSpec {
        roles: roles.clone(),
        suppressed: suppressed.clone(),
        capabilities: Capabilities {
            revocable: has_capability(info, Capability::RevocableResources),
            gpu: has_capability(info, Capability::GpuResources),
            shared: has_capability(info, Capability::SharedResources),
            reservation_refinement: has_capability(info, Capability::ReservationRefinement),
        },
        min_allocatable,
    }
}

impl Master {
    /// SUBSCRIBE (§3.2): always a 200 stream; refusals arrive on it as one ERROR event.
    pub(crate) fn subscribe(&mut self, now: Time, conn: ConnId, call: Call) -> SchedulerReply {
        let stream_id = self.new_uuid_string();
        let reply = SchedulerReply::Stream { stream_id: stream_id.clone() };
        let Some(subscribe) = call.subscribe else {
            self.refuse_stream(conn, "Expecting 'subscribe' to be present");
            return reply;
        };
        let mut info = subscribe.framework_info;
        if let Err(message) = validation::validate_framework_info(
            &info,
            self.config.role_whitelist.as_ref(),
            self.config.root_submissions,
        ) {
            self.refuse_stream(conn, &message);
            return reply;
        }
        let requested = info.id.as_ref().map(|id| id.value.clone()).filter(|id| !id.is_empty());
        if let Some(id) = &requested
            && self.completed_frameworks.iter().any(|f| &f.id == id)
        {
            self.refuse_stream(conn, "Framework has been removed");
            return reply;
        }

        let roles = framework_roles(&info);
        let suppressed: BTreeSet<String> = subscribe.suppressed_roles.iter().cloned().collect();
        if let Err(message) = validation::validate_suppressed_roles(&suppressed, &roles) {
            self.refuse_stream(conn, &message);
            return reply;
        }
        if let Some(constraints) = &subscribe.offer_constraints
            && !constraints.role_constraints.is_empty()
        {
            self.refuse_stream(
                conn,
                "Offer constraints are not supported by mesos-rs yet; subscribe without 'offer_constraints'",
            );
            return reply;
        }
        match requested.as_ref().and_then(|id| self.frameworks.get(id)).map(|f| f.info.clone()) {
            Some(old) => {
                let id = requested.unwrap_or_default();
                if old.principal != info.principal {
                    self.refuse_stream(conn, "Changing framework's principal is not allowed.");
                    return reply;
                }
                // SUBSCRIBE silently keeps the old user and checkpoint (UPDATE_FRAMEWORK refuses).
                info.user = old.user.clone();
                info.checkpoint = old.checkpoint;
                self.resubscribe(now, &id, conn, stream_id, info, roles, suppressed, old);
            }
            None => {
                let id = match requested {
                    Some(id) => id,
                    None => {
                        let id = format!("{}-{:04}", self.config.master_info.id, self.next_framework);
                        self.next_framework += 1;
                        id
                    }
                };
                info.id = Some(FrameworkId { value: id.clone() });
                let spec = allocator_spec(&info, &roles, &suppressed);
                let framework = Framework {
                    id: id.clone(),
                    info,
                    state: FrameworkState::Connected,
                    conn: Some(conn),
                    stream_id: Some(stream_id),
                    roles,
                    suppressed,
                    registered_time: now,
                    reregistered_time: None,
                    unregistered_time: None,
                    offers: BTreeSet::new(),
                    tasks: BTreeMap::new(),
                    unreachable_tasks: BTreeMap::new(),
                    completed_tasks: VecDeque::new(),
                    executors: BTreeMap::new(),
                    generation: 0,
                };
                self.frameworks.insert(id.clone(), framework);
                // The allocator may still know the id (resources of an earlier incarnation
                // learned from an agent); then the subscription takes that entry over.
                if self.allocator.add_framework(&id, spec.clone()).is_err() {
                    let result = self.allocator.update_framework(&id, spec);
                    self.check_allocator("update framework", result);
                    let result = self.allocator.activate_framework(&id);
                    self.check_allocator("activate framework", result);
                }
                self.send_subscribed(&id);
            }
        }
        self.allocate_soon();
        reply
    }

    #[allow(clippy::too_many_arguments)]
    fn resubscribe(
        &mut self,
        now: Time,
        id: &str,
        conn: ConnId,
        stream_id: String,
        info: FrameworkInfo,
        roles: BTreeSet<String>,
        suppressed: BTreeSet<String>,
        old: FrameworkInfo,
    ) {
        let Some(framework) = self.frameworks.get_mut(id) else { return };
        if let Some(old_conn) = framework.conn.take() {
            let error = error_event("Framework failed over");
            self.outputs.push_back(Output::SchedulerEvent { conn: old_conn, event: Box::new(error) });
            self.outputs.push_back(Output::CloseScheduler { conn: old_conn });
        }
        let Some(framework) = self.frameworks.get_mut(id) else { return };
        framework.conn = Some(conn);
        framework.stream_id = Some(stream_id);
        framework.state = FrameworkState::Connected;
        framework.reregistered_time = Some(now);
        framework.generation += 1;
        let mut info = info;
        info.id = Some(FrameworkId { value: id.to_string() });
        let changed = info != old;
        framework.info = info.clone();
        framework.roles = roles.clone();
        framework.suppressed = suppressed.clone();
        self.disarm_failover(id);
        // Offers made to the previous subscription are simply invalid now (no RESCIND).
        self.discard_offers(id, None);
        let spec = allocator_spec(&info, &roles, &suppressed);
        let result = self.allocator.update_framework(id, spec);
        self.check_allocator("update framework", result);
        let result = self.allocator.activate_framework(id);
        self.check_allocator("activate framework", result);
        self.send_subscribed(id);
        if changed {
            self.push_framework_to_agents(&info);
        }
    }

    fn send_subscribed(&mut self, id: &str) {
        let event = Event {
            r#type: Some(event::Type::Subscribed as i32),
            subscribed: Some(event::Subscribed {
                framework_id: FrameworkId { value: id.to_string() },
                heartbeat_interval_seconds: Some(self.config.heartbeat_interval.as_secs_f64()),
                master_info: Some(self.config.master_info.clone()),
            }),
            ..Default::default()
        };
        self.send_event(id, event);
        self.send_event(id, Event { r#type: Some(event::Type::Heartbeat as i32), ..Default::default() });
    }

    fn refuse_stream(&mut self, conn: ConnId, message: &str) {
        self.outputs.push_back(Output::SchedulerEvent { conn, event: Box::new(error_event(message)) });
        self.outputs.push_back(Output::CloseScheduler { conn });
    }

    /// Pushes an event to a framework's stream if it is connected; events for disconnected
    /// frameworks are dropped, as in Mesos (reconciliation recovers them).
    pub(crate) fn send_event(&mut self, framework_id: &str, event: Event) {
        if let Some(conn) = self.frameworks.get(framework_id).and_then(|f| f.conn) {
            self.outputs.push_back(Output::SchedulerEvent { conn, event: Box::new(event) });
        }
    }

    pub(crate) fn send_heartbeats(&mut self) {
        let conns: Vec<ConnId> = self.frameworks.values().filter_map(|f| f.conn).collect();
        for conn in conns {
            let event = Event { r#type: Some(event::Type::Heartbeat as i32), ..Default::default() };
            self.outputs.push_back(Output::SchedulerEvent { conn, event: Box::new(event) });
        }
    }

    /// The shell saw a scheduler's response stream end (client went away).
    pub fn scheduler_stream_closed(&mut self, now: Time, conn: ConnId) {
        let Some(id) = self.frameworks.values().find(|f| f.conn == Some(conn)).map(|f| f.id.clone()) else {
            return;
        };
        let Some(framework) = self.frameworks.get_mut(&id) else { return };
        framework.conn = None;
        framework.stream_id = None;
        framework.state = FrameworkState::Disconnected;
        framework.unregistered_time = Some(now);
        framework.generation += 1;
        let generation = framework.generation;
        let timeout = framework.info.failover_timeout.unwrap_or(0.0);
        let result = self.allocator.deactivate_framework(&id);
        self.check_allocator("deactivate framework", result);
        // The RESCIND could not be delivered; the offers just go back.
        self.discard_offers(&id, None);
        let timeout = if timeout.is_finite() && timeout > 0.0 {
            Duration::try_from_secs_f64(timeout).unwrap_or(Duration::MAX)
        } else {
            Duration::ZERO
        };
        if timeout.is_zero() {
            self.remove_framework(now, &id);
        } else {
            self.arm(now + timeout, Timer::FailoverTimeout { framework: id, generation });
        }
    }

    pub(crate) fn failover_timeout(&mut self, now: Time, id: &str, generation: u64) {
        let stale = match self.frameworks.get(id) {
            Some(framework) => framework.generation != generation || framework.connected(),
            None => true,
        };
        if !stale {
            self.remove_framework(now, id);
        }
    }

    fn disarm_failover(&mut self, id: &str) {
        self.timers.retain(
            |(_, timer)| !matches!(timer, Timer::FailoverTimeout { framework, .. } if framework == id),
        );
    }

    /// Removes a framework for good (TEARDOWN, failover timeout, operator teardown): its
    /// executors are shut down on every agent and its tasks recorded as killed.
    pub(crate) fn remove_framework(&mut self, now: Time, id: &str) {
        self.disarm_failover(id);
        self.discard_offers(id, None);
        let Some(mut framework) = self.frameworks.remove(id) else { return };
        if let Some(conn) = framework.conn.take() {
            self.outputs.push_back(Output::CloseScheduler { conn });
        }
        // Every agent hears it, as in Mesos: one may run an executor the master does not know
        // of yet (its launch crossed a disconnection), which would otherwise linger.
        let agents: Vec<String> = self.agents.keys().cloned().collect();
        for agent_id in agents {
            let event = AgentEvent {
                r#type: Some(agent_event::Type::ShutdownFramework as i32),
                shutdown_framework: Some(agent_event::ShutdownFramework {
                    framework_id: FrameworkId { value: id.to_string() },
                }),
                ..Default::default()
            };
            self.send_to_agent(&agent_id, event);
        }
        let mut unquarantined = Vec::new();
        for agent in self.agents.values_mut() {
            agent.tasks.retain(|(fw, _)| fw != id);
            agent.executors.remove(id);
            agent.pending_kills.retain(|(fw, _), _| fw != id);
            let quarantined = !agent.quarantined.is_empty();
            agent.quarantined.retain(|(fw, _)| fw != id);
            if quarantined && agent.quarantined.is_empty() {
                unquarantined.push(agent.id.clone());
            }
        }
        for agent_id in unquarantined {
            self.lift_quarantine_if_done(&agent_id);
        }
        let tasks = std::mem::take(&mut framework.tasks);
        for (_, mut task) in tasks {
            // A task that already reached a terminal state (its update maybe not yet
            // acknowledged) keeps it: calling a FINISHED task KILLED would be a lie, which
            // Mesos itself notes (MESOS-6608). Only live tasks are killed with the framework.
            if task.latest_state().is_terminal() {
                framework.completed_tasks.push_back(task);
                continue;
            }
            task.task.state = TaskState::TaskKilled as i32;
            task.push_status(self.master_status(
                &task,
                TaskState::TaskKilled,
                task_status::Reason::ReasonFrameworkRemoved,
                "Framework removed",
                now,
            ));
            self.counters.terminal_tasks.entry("task_killed").and_modify(|n| *n += 1).or_insert(1);
            framework.completed_tasks.push_back(task);
        }
        while framework.completed_tasks.len() > self.config.max_completed_tasks_per_framework {
            framework.completed_tasks.pop_front();
        }
        framework.state = FrameworkState::Disconnected;
        framework.stream_id = None;
        framework.unregistered_time = Some(now);
        let result = self.allocator.remove_framework(id);
        self.check_allocator("remove framework", result);
        self.completed_frameworks.push_back(framework);
        while self.completed_frameworks.len() > self.config.max_completed_frameworks {
            self.completed_frameworks.pop_front();
        }
        self.allocate_soon();
    }

    /// UPDATE_FRAMEWORK (§3.2): synchronous, all or nothing.
    pub(crate) fn update_framework(&mut self, id: &str, call: &Call) -> SchedulerReply {
        let Some(update) = call.update_framework.as_ref() else {
            return SchedulerReply::bad_request("Expecting 'update_framework' to be present");
        };
        let Some(framework) = self.frameworks.get(id) else {
            return SchedulerReply::bad_request("Framework cannot be found");
        };
        let mut info = update.framework_info.clone();
        if let Err(message) = validation::validate_framework_info(
            &info,
            self.config.role_whitelist.as_ref(),
            self.config.root_submissions,
        ) {
            return SchedulerReply::bad_request(format!("Supplied FrameworkInfo is not valid: {message}"));
        }
        let old = framework.info.clone();
        let mut changed_fields = Vec::new();
        if old.principal != info.principal {
            changed_fields.push("principal");
        }
        if old.user != info.user {
            changed_fields.push("user");
        }
        if old.checkpoint.unwrap_or(false) != info.checkpoint.unwrap_or(false) {
            changed_fields.push("checkpoint");
        }
        if !changed_fields.is_empty() {
            return SchedulerReply::bad_request(format!(
                "FrameworkInfo update is not valid: updating {} is not supported",
                changed_fields.join(", ")
            ));
        }
        let roles = framework_roles(&info);
        let suppressed: BTreeSet<String> = update.suppressed_roles.iter().cloned().collect();
        if let Err(message) = validation::validate_suppressed_roles(&suppressed, &roles) {
            return SchedulerReply::bad_request(format!("'UpdateFramework' call is not valid: {message}"));
        }
        if update.offer_constraints.as_ref().is_some_and(|c| !c.role_constraints.is_empty()) {
            return SchedulerReply::bad_request(
                "'UpdateFramework' call is not valid: offer constraints are not supported by mesos-rs yet",
            );
        }
        info.id = Some(FrameworkId { value: id.to_string() });
        let removed_roles: BTreeSet<String> = framework.roles.difference(&roles).cloned().collect();
        let changed = info != old;
        if let Some(framework) = self.frameworks.get_mut(id) {
            framework.info = info.clone();
            framework.roles = roles.clone();
            framework.suppressed = suppressed.clone();
        }
        if !removed_roles.is_empty() {
            self.rescind_offers_where(id, |offer| removed_roles.contains(&offer.role));
        }
        let spec = allocator_spec(&info, &roles, &suppressed);
        let result = self.allocator.update_framework(id, spec);
        self.check_allocator("update framework", result);
        if changed {
            self.push_framework_to_agents(&info);
        }
        self.allocate_soon();
        SchedulerReply::Ok
    }

    fn push_framework_to_agents(&mut self, info: &FrameworkInfo) {
        let Some(id) = info.id.as_ref().map(|id| id.value.clone()) else { return };
        let Some(framework) = self.frameworks.get(&id) else { return };
        let mut agents: BTreeSet<String> = framework.executors.keys().cloned().collect();
        agents.extend(framework.tasks.values().map(|t| t.agent_id.clone()));
        for agent_id in agents {
            let event = AgentEvent {
                r#type: Some(agent_event::Type::UpdateFramework as i32),
                update_framework: Some(agent_event::UpdateFramework { framework_info: info.clone() }),
                ..Default::default()
            };
            self.send_to_agent(&agent_id, event);
        }
    }

    /// Frameworks known to the master (connected, disconnected or recovered).
    pub fn frameworks(&self) -> impl Iterator<Item = &Framework> {
        self.frameworks.values()
    }

    /// One framework.
    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.get(id)
    }

    /// Removed frameworks still remembered (bounded by `--max_completed_frameworks`).
    pub fn completed_frameworks(&self) -> impl Iterator<Item = &Framework> {
        self.completed_frameworks.iter()
    }

    /// Operator teardown (`/master/teardown`): false if the framework is unknown.
    pub fn teardown(&mut self, now: Time, id: &str) -> bool {
        if !self.frameworks.contains_key(id) {
            return false;
        }
        self.remove_framework(now, id);
        true
    }

    /// Learns a framework from a re-registering agent (master failover): it exists, holds
    /// resources, but has no stream until it re-subscribes.
    pub(crate) fn recover_framework(&mut self, now: Time, info: &FrameworkInfo) {
        let Some(id) = info.id.as_ref().map(|id| id.value.clone()) else { return };
        if self.frameworks.contains_key(&id) || self.completed_frameworks.iter().any(|f| f.id == id) {
            return;
        }
        let roles = framework_roles(info);
        let spec = allocator_spec(info, &roles, &BTreeSet::new());
        self.frameworks.insert(
            id.clone(),
            Framework {
                id: id.clone(),
                info: info.clone(),
                state: FrameworkState::Recovered,
                conn: None,
                stream_id: None,
                roles,
                suppressed: BTreeSet::new(),
                registered_time: now,
                reregistered_time: None,
                unregistered_time: None,
                offers: BTreeSet::new(),
                tasks: BTreeMap::new(),
                unreachable_tasks: BTreeMap::new(),
                completed_tasks: VecDeque::new(),
                executors: BTreeMap::new(),
                generation: 0,
            },
        );
        let result = self.allocator.add_framework(&id, spec);
        self.check_allocator("add framework", result);
        let result = self.allocator.deactivate_framework(&id);
        self.check_allocator("deactivate framework", result);
    }
}

/// An ERROR event.
pub(crate) fn error_event(message: &str) -> Event {
    Event {
        r#type: Some(event::Type::Error as i32),
        error: Some(event::Error { message: message.to_string() }),
        ..Default::default()
    }
}
