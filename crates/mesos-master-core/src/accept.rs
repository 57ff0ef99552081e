//! ACCEPT processing (scheduler-executor-api.md §6.4-§6.6): offer validation, then each
//! operation applied in order against the pooled offered resources, then the rest declined.

use std::collections::BTreeSet;

use mesos_proto::convert::{self, ResourceFormat};
use mesos_proto::internal::{AgentEvent, Task, agent_event};
use mesos_proto::v1::framework_info::capability::Type as Capability;
use mesos_proto::v1::scheduler::{Event, call, event};
use mesos_proto::v1::{
    AllocationInfo, ExecutorInfo, FrameworkId, OperationState, OperationStatus, Resource, TaskGroupInfo,
    TaskInfo, TaskState, TaskStatus, executor_info, health_check, offer, task_status,
};
use mesos_types::Time;
use mesos_types::resources::Resources;

use crate::calls::{DEFAULT_REFUSE, refuse_duration};
use crate::tasks::TaskRecord;
use crate::{Master, validation};

/// The pooled resources of the accepted offers and where they come from.
struct Pool {
    agent_id: String,
    role: String,
    remaining: Resources,
}

impl Master {
    pub(crate) fn accept(&mut self, now: Time, framework_id: &str, accept: call::Accept) {
        let refuse = accept.filters.as_ref().map(refuse_duration).unwrap_or(DEFAULT_REFUSE);
        let offer_ids: Vec<String> = accept.offer_ids.iter().map(|id| id.value.clone()).collect();
        if let Err(error) = self.validate_offers(framework_id, &offer_ids) {
            for id in &offer_ids {
                if self.offers.get(id).is_some_and(|o| o.framework_id == framework_id)
                    && let Some(offer) = self.take_offer(id)
                {
                    self.allocator.recover(framework_id, &offer.agent_id, &offer.resources, None, now);
                }
            }
            self.allocate_soon();
            self.fail_operations(now, framework_id, &accept.operations, &error);
            return;
        }
        let mut pool = Pool { agent_id: String::new(), role: String::new(), remaining: Resources::default() };
        for id in &offer_ids {
            if let Some(offer) = self.take_offer(id) {
                pool.agent_id = offer.agent_id;
                pool.role = offer.role;
                pool.remaining += &offer.resources;
            }
        }
        for operation in accept.operations {
            let op_type = operation.r#type.and_then(|t| offer::operation::Type::try_from(t).ok());
            match op_type {
                Some(offer::operation::Type::Launch) => {
                    let tasks = operation.launch.map(|l| l.task_infos).unwrap_or_default();
                    if operation.id.is_some() {
                        for task in &tasks {
                            self.task_error(
                                now,
                                framework_id,
                                task,
                                task_status::Reason::ReasonTaskInvalid,
                                "The `id` field cannot be set on LAUNCH operations",
                            );
                        }
                        continue;
                    }
                    for task in tasks {
                        self.launch_task(now, framework_id, &mut pool, task);
                    }
                }
                Some(offer::operation::Type::LaunchGroup) => {
                    let Some(group) = operation.launch_group else { continue };
                    if operation.id.is_some() {
                        for task in &group.task_group.tasks {
                            self.task_error(
                                now,
                                framework_id,
                                task,
                                task_status::Reason::ReasonTaskGroupInvalid,
                                "The `id` field cannot be set on LAUNCH_GROUP operations",
                            );
                        }
                        continue;
                    }
                    self.launch_group(now, framework_id, &mut pool, group.executor, group.task_group);
                }
                Some(
                    kind @ (offer::operation::Type::Reserve
                    | offer::operation::Type::Unreserve
                    | offer::operation::Type::Create
                    | offer::operation::Type::Destroy),
                ) => {
                    if let Some(id) = &operation.id {
                        // Feedback needs an agent with AGENT_OPERATION_FEEDBACK; ours has none.
                        let message = "Operation feedback ('id') is not supported by this agent";
                        self.operation_error(framework_id, &id.value, &pool.agent_id, message);
                        continue;
                    }
                    if let Err(error) =
                        self.apply_resource_operation(now, framework_id, &mut pool, kind, &operation)
                    {
                        let _ = error; // Dropped without feedback, as Mesos does for ops without id.
                    }
                }
                _ => {
                    if let Some(id) = &operation.id {
                        self.operation_error(
                            framework_id,
                            &id.value,
                            &pool.agent_id,
                            "Unsupported operation",
                        );
                    }
                }
            }
        }
        if !pool.remaining.is_empty() {
            self.allocator.recover(framework_id, &pool.agent_id, &pool.remaining, Some(refuse), now);
        }
    }

    fn validate_offers(&self, framework_id: &str, offer_ids: &[String]) -> Result<(), String> {
        if offer_ids.is_empty() {
            return Err("No offers specified".to_string());
        }
        let mut seen = BTreeSet::new();
        let mut agent = None;
        let mut role = None;
        for id in offer_ids {
            if !seen.insert(id) {
                return Err(format!("Duplicate offer {id} in ACCEPT"));
            }
            let Some(offer) = self.offers.get(id) else {
                return Err(format!("Offer {id} is no longer valid"));
            };
            if offer.framework_id != framework_id {
                return Err(format!("Offer {id} has invalid framework"));
            }
            if *role.get_or_insert(&offer.role) != &offer.role {
                return Err("Aggregated offers must be allocated to the same role".to_string());
            }
            if *agent.get_or_insert(&offer.agent_id) != &offer.agent_id {
                return Err("Aggregated offers must belong to one single agent".to_string());
            }
        }
        match agent.and_then(|a| self.agents.get(a)) {
            Some(agent) if agent.connected() => Ok(()),
            _ => Err("Agent is not connected".to_string()),
        }
    }

    /// Every operation of a failed ACCEPT: tasks are lost (dropped for partition-aware
    /// frameworks), other operations with an id get OPERATION_ERROR.
    fn fail_operations(
        &mut self,
        now: Time,
        framework_id: &str,
        operations: &[offer::Operation],
        error: &str,
    ) {
        let partition_aware = self.frameworks.get(framework_id).is_some_and(|f| f.partition_aware());
        let state = if partition_aware { TaskState::TaskDropped } else { TaskState::TaskLost };
        let message = format!("Task launched with invalid offers: {error}");
        for operation in operations {
            let mut tasks: Vec<&TaskInfo> = Vec::new();
            if let Some(launch) = &operation.launch {
                tasks.extend(&launch.task_infos);
            }
            if let Some(group) = &operation.launch_group {
                tasks.extend(&group.task_group.tasks);
            }
            for task in tasks {
                let status = unlaunched_status(
                    task,
                    state,
                    task_status::Reason::ReasonInvalidOffers,
                    &message,
                    self.wall_time(now),
                );
                self.task_state_counter(state);
                self.send_update(framework_id, status);
            }
            if operation.launch.is_none()
                && operation.launch_group.is_none()
                && let Some(id) = &operation.id
            {
                self.operation_error(framework_id, &id.value, "", error);
            }
        }
    }

    fn task_error(
        &mut self,
        now: Time,
        framework_id: &str,
        task: &TaskInfo,
        reason: task_status::Reason,
        message: &str,
    ) {
        let status = unlaunched_status(task, TaskState::TaskError, reason, message, self.wall_time(now));
        self.task_state_counter(TaskState::TaskError);
        self.send_update(framework_id, status);
    }

    fn operation_error(&mut self, framework_id: &str, operation_id: &str, agent_id: &str, message: &str) {
        let status = OperationStatus {
            operation_id: Some(mesos_proto::v1::OperationId { value: operation_id.to_string() }),
            state: OperationState::OperationError as i32,
            message: Some(message.to_string()),
            agent_id: (!agent_id.is_empty())
                .then(|| mesos_proto::v1::AgentId { value: agent_id.to_string() }),
            ..Default::default()
        };
        let event = Event {
            r#type: Some(event::Type::UpdateOperationStatus as i32),
            update_operation_status: Some(event::UpdateOperationStatus { status }),
            ..Default::default()
        };
        self.send_event(framework_id, event);
    }

    /// Step 4 of §6.4 for one task: allocation info on every resource, the framework id on
    /// the executor, the health check type inferred.
    fn normalize_task(&self, framework_id: &str, role: &str, mut task: TaskInfo) -> TaskInfo {
        inject_allocation(&mut task.resources, role);
        if let Some(executor) = task.executor.as_mut() {
            normalize_executor(executor, framework_id, role);
        }
        if let Some(check) = task.health_check.as_mut()
            && check.r#type.is_none()
        {
            if check.command.is_some() {
                check.r#type = Some(health_check::Type::Command as i32);
            } else if check.http.is_some() {
                check.r#type = Some(health_check::Type::Http as i32);
            }
        }
        task
    }

    /// Checks that need master state (§6.5 steps 1, 2, 5, 9, 10) and returns the task's
    /// resources and whether its executor is new on the agent.
    fn validate_task_in_pool(
        &self,
        framework_id: &str,
        pool: &Pool,
        task: &TaskInfo,
        launched_now: &BTreeSet<String>,
    ) -> Result<(Resources, Option<Resources>), String> {
        validation::validate_id("Task ID", &task.task_id.value)?;
        let framework = self.frameworks.get(framework_id).ok_or("Framework cannot be found")?;
        let task_id = &task.task_id.value;
        if framework.tasks.contains_key(task_id)
            || framework.unreachable_tasks.contains_key(task_id)
            || launched_now.contains(task_id)
        {
            return Err(format!("Task has duplicate ID: {task_id}"));
        }
        if task.agent_id.value != pool.agent_id {
            return Err(format!(
                "Task uses agent {} but the offers are from agent {}",
                task.agent_id.value, pool.agent_id
            ));
        }
        validation::validate_task_structure(task)?;
        let resources =
            convert::resources_from_proto(&task.resources).map_err(|e| format!("Invalid resources: {e}"))?;
        check_single_role(&resources, &pool.role)?;
        let supports_limits = self
            .agents
            .get(&pool.agent_id)
            .is_some_and(|a| a.capabilities.iter().any(|c| c == "TASK_RESOURCE_LIMITS"));
        validation::validate_task_resources(task, &resources, supports_limits)?;
        let mut executor_resources = None;
        if let Some(executor) = &task.executor {
            if executor.r#type.is_some_and(|t| t == executor_info::Type::Default as i32) {
                return Err("'ExecutorInfo.type' must be CUSTOM (or unset) for LAUNCH".to_string());
            }
            if let Some(container) = &executor.container {
                validation::validate_container(container)?;
                if container.linux_info.as_ref().and_then(|l| l.share_cgroups) == Some(true) {
                    return Err("'share_cgroups' must not be set on an executor's container".to_string());
                }
            }
            if executor.framework_id.as_ref().is_some_and(|id| id.value != framework_id) {
                return Err("ExecutorInfo has an invalid FrameworkID".to_string());
            }
            let existing =
                framework.executors.get(&pool.agent_id).and_then(|e| e.get(&executor.executor_id.value));
            // Compared as the master stores it (framework id, type and allocation filled in).
            let mut normalized = executor.clone();
            normalize_executor(&mut normalized, framework_id, &pool.role);
            match existing {
                Some(existing) if *existing != normalized => {
                    return Err(format!(
                        "ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID '{}'",
                        executor.executor_id.value
                    ));
                }
                Some(_) => {}
                None => {
                    let resources = convert::resources_from_proto(&executor.resources)
                        .map_err(|e| format!("Executor has invalid resources: {e}"))?;
                    check_single_role(&resources, &pool.role)?;
                    executor_resources = Some(resources);
                }
            }
        }
        let mut total = resources.clone();
        if let Some(executor) = &executor_resources {
            total += executor;
        }
        if !pool.remaining.contains(&total) {
            return Err(format!("Task uses more resources {total} than available {}", pool.remaining));
        }
        Ok((resources, executor_resources))
    }

    fn launch_task(&mut self, now: Time, framework_id: &str, pool: &mut Pool, task: TaskInfo) {
        let task = self.normalize_task(framework_id, &pool.role, task);
        let validated = self.validate_task_in_pool(framework_id, pool, &task, &BTreeSet::new());
        let (resources, executor_resources) = match validated {
            Ok(ok) => ok,
            Err(error) => {
                self.task_error(now, framework_id, &task, task_status::Reason::ReasonTaskInvalid, &error);
                return;
            }
        };
        pool.remaining -= &resources;
        if let Some(executor) = &executor_resources {
            pool.remaining -= executor;
        }
        if let Some(executor) = &task.executor {
            self.add_executor(framework_id, &pool.agent_id, executor.clone());
        }
        self.record_task(framework_id, &pool.agent_id, &task, resources);
        let Some(framework) = self.frameworks.get(framework_id) else { return };
        let event = AgentEvent {
            r#type: Some(agent_event::Type::RunTask as i32),
            run_task: Some(Box::new(agent_event::RunTask { framework: framework.info.clone(), task })),
            ..Default::default()
        };
        self.send_to_agent(&pool.agent_id.clone(), event);
    }

    fn launch_group(
        &mut self,
        now: Time,
        framework_id: &str,
        pool: &mut Pool,
        mut executor: ExecutorInfo,
        mut group: TaskGroupInfo,
    ) {
        normalize_executor(&mut executor, framework_id, &pool.role);
        let mut tasks = Vec::new();
        for task in std::mem::take(&mut group.tasks) {
            let mut task = self.normalize_task(framework_id, &pool.role, task);
            if task.executor.is_none() {
                task.executor = Some(executor.clone());
            }
            tasks.push(task);
        }
        let fail_all = |master: &mut Master, error: &str, tasks: &[TaskInfo]| {
            for task in tasks {
                master.task_error(
                    now,
                    framework_id,
                    task,
                    task_status::Reason::ReasonTaskGroupInvalid,
                    error,
                );
            }
        };
        if let Err(error) = validate_group_executor(&executor, &tasks) {
            fail_all(self, &error, &tasks);
            return;
        }
        let existing = self
            .frameworks
            .get(framework_id)
            .and_then(|f| f.executors.get(&pool.agent_id))
            .and_then(|e| e.get(&executor.executor_id.value))
            .cloned();
        if existing.as_ref().is_some_and(|e| e != &executor) {
            fail_all(
                self,
                "ExecutorInfo is not compatible with the existing executor of the same id",
                &tasks,
            );
            return;
        }
        let mut total = Resources::default();
        let mut per_task = Vec::new();
        let mut ids = BTreeSet::new();
        // Each task is checked on its own executor-less copy: the group's executor
        // resources are counted once below.
        for task in &tasks {
            let mut bare = task.clone();
            bare.executor = None;
            // Tasks of a group may opt out of sharing the executor's cgroups.
            if let Some(linux) = bare.container.as_mut().and_then(|c| c.linux_info.as_mut()) {
                linux.share_cgroups = None;
            }
            bare.command = Some(task.command.clone().unwrap_or_default());
            let checked = self.validate_task_in_pool(framework_id, pool, &bare, &ids);
            match checked {
                Ok((resources, _)) => {
                    ids.insert(task.task_id.value.clone());
                    total += &resources;
                    per_task.push(resources);
                }
                Err(error) => {
                    fail_all(self, &error, &tasks);
                    return;
                }
            }
        }
        let executor_resources = if existing.is_none() {
            match convert::resources_from_proto(&executor.resources) {
                Ok(resources) => Some(resources),
                Err(e) => {
                    fail_all(self, &format!("Executor has invalid resources: {e}"), &tasks);
                    return;
                }
            }
        } else {
            None
        };
        if let Some(executor) = &executor_resources {
            total += executor;
        }
        if !pool.remaining.contains(&total) {
            let error = format!("Task group uses more resources {total} than available {}", pool.remaining);
            fail_all(self, &error, &tasks);
            return;
        }
        pool.remaining -= &total;
        self.add_executor(framework_id, &pool.agent_id, executor.clone());
        for (task, resources) in tasks.iter().zip(per_task) {
            self.record_task(framework_id, &pool.agent_id, task, resources);
        }
        let Some(framework) = self.frameworks.get(framework_id) else { return };
        let event = AgentEvent {
            r#type: Some(agent_event::Type::RunTaskGroup as i32),
            run_task_group: Some(Box::new(agent_event::RunTaskGroup {
                framework: framework.info.clone(),
                executor,
                task_group: TaskGroupInfo { tasks },
            })),
            ..Default::default()
        };
        self.send_to_agent(&pool.agent_id.clone(), event);
    }

    fn add_executor(&mut self, framework_id: &str, agent_id: &str, executor: ExecutorInfo) {
        let id = executor.executor_id.value.clone();
        if let Some(framework) = self.frameworks.get_mut(framework_id) {
            framework.executors.entry(agent_id.to_string()).or_default().insert(id.clone(), executor.clone());
        }
        if let Some(agent) = self.agents.get_mut(agent_id) {
            agent.executors.entry(framework_id.to_string()).or_default().insert(id, executor);
        }
    }

    fn record_task(&mut self, framework_id: &str, agent_id: &str, info: &TaskInfo, resources: Resources) {
        let Some(framework) = self.frameworks.get_mut(framework_id) else { return };
        let user = info
            .command
            .as_ref()
            .and_then(|c| c.user.clone())
            .or_else(|| info.executor.as_ref().and_then(|e| e.command.as_ref()).and_then(|c| c.user.clone()))
            .unwrap_or_else(|| framework.info.user.clone());
        let task = Task {
            name: info.name.clone(),
            task_id: info.task_id.clone(),
            framework_id: FrameworkId { value: framework_id.to_string() },
            executor_id: info.executor.as_ref().map(|e| e.executor_id.clone()),
            agent_id: info.agent_id.clone(),
            state: TaskState::TaskStaging as i32,
            resources: info.resources.clone(),
            labels: info.labels.clone(),
            discovery: info.discovery.clone(),
            container: info.container.clone(),
            user: Some(user),
            health_check: info.health_check.clone(),
            kill_policy: info.kill_policy,
            limits: info.limits.clone(),
            ..Default::default()
        };
        let record = TaskRecord {
            task,
            framework_id: framework_id.to_string(),
            agent_id: agent_id.to_string(),
            resources,
            released: false,
            unreachable_time: None,
            rendered: crate::view::RenderCache::default(),
        };
        framework.tasks.insert(info.task_id.value.clone(), record);
        if let Some(agent) = self.agents.get_mut(agent_id) {
            agent.tasks.insert((framework_id.to_string(), info.task_id.value.clone()));
        }
    }

    /// RESERVE / UNRESERVE / CREATE / DESTROY against the pool (§6.6): the master applies the
    /// conversion at once, tells the allocator and the agent.
    fn apply_resource_operation(
        &mut self,
        _now: Time,
        framework_id: &str,
        pool: &mut Pool,
        kind: offer::operation::Type,
        operation: &offer::Operation,
    ) -> Result<(), String> {
        let refinement = self
            .frameworks
            .get(framework_id)
            .is_some_and(|f| f.has_capability(Capability::ReservationRefinement));
        let principal = self.frameworks.get(framework_id).and_then(|f| f.info.principal.clone());
        let framework_roles = self.frameworks.get(framework_id).map(|f| f.roles.clone()).unwrap_or_default();
        let mut wire: Vec<Resource> = match kind {
            offer::operation::Type::Reserve => {
                let reserve = operation.reserve.as_ref().ok_or("RESERVE without 'reserve'")?;
                if !reserve.source.is_empty() {
                    return Err(
                        "Reservation updates are not yet implemented for the scheduler API".to_string()
                    );
                }
                reserve.resources.clone()
            }
            offer::operation::Type::Unreserve => {
                operation.unreserve.as_ref().ok_or("UNRESERVE without 'unreserve'")?.resources.clone()
            }
            offer::operation::Type::Create => {
                operation.create.as_ref().ok_or("CREATE without 'create'")?.volumes.clone()
            }
            offer::operation::Type::Destroy => {
                operation.destroy.as_ref().ok_or("DESTROY without 'destroy'")?.volumes.clone()
            }
            _ => return Err("not a resource operation".to_string()),
        };
        inject_allocation(&mut wire, &pool.role);
        let resources = convert::resources_from_proto(&wire).map_err(|e| e.to_string())?;
        if resources.is_empty() {
            return Err("operation names no resources".to_string());
        }
        let (consumed, converted) = match kind {
            offer::operation::Type::Reserve => {
                for resource in resources.iter() {
                    let Some(last) = resource.reservations.last() else {
                        return Err("RESERVE needs dynamically reserved resources".to_string());
                    };
                    if !resource.is_dynamically_reserved() {
                        return Err("RESERVE needs dynamically reserved resources".to_string());
                    }
                    if resource.reservations.len() > 1 && !refinement {
                        return Err(
                            "Refined reservations need the RESERVATION_REFINEMENT capability".to_string()
                        );
                    }
                    if last.role != pool.role || !framework_roles.contains(&last.role) {
                        return Err(format!(
                            "Cannot reserve for role '{}' from an offer for '{}'",
                            last.role, pool.role
                        ));
                    }
                    if principal.is_some() && last.principal != principal {
                        return Err(
                            "A reservation's principal must match the framework's principal".to_string()
                        );
                    }
                }
                (convert::pop_reservations(&resources), resources.clone())
            }
            offer::operation::Type::Unreserve => {
                if resources.iter().any(|r| !r.is_dynamically_reserved() || r.is_persistent_volume()) {
                    return Err(
                        "UNRESERVE needs dynamically reserved resources that are not volumes".to_string()
                    );
                }
                (resources.clone(), convert::pop_reservations(&resources))
            }
            offer::operation::Type::Create => {
                if resources.iter().any(|r| !r.is_persistent_volume() || !r.is_reserved()) {
                    return Err("CREATE needs reserved disk with persistence and volume set".to_string());
                }
                (convert::strip_persistence(&resources), resources.clone())
            }
            _ => {
                if resources.iter().any(|r| !r.is_persistent_volume()) {
                    return Err("DESTROY needs persistent volumes".to_string());
                }
                (resources.clone(), convert::strip_persistence(&resources))
            }
        };
        if !pool.remaining.contains(&consumed) {
            return Err("operation's resources are not in the offered resources".to_string());
        }
        pool.remaining -= &consumed;
        pool.remaining += &converted;
        let result = self.allocator.update_allocation(framework_id, &pool.agent_id, &consumed, &converted);
        self.check_allocator("update allocation", result);
        let Some(agent) = self.agents.get_mut(&pool.agent_id) else { return Ok(()) };
        agent.total = agent.total.clone() - &consumed.unallocated() + &converted.unallocated();
        let mut checkpointed = convert::resources_from_proto(&agent.checkpointed).unwrap_or_default();
        checkpointed -= &convert::only_checkpointable(&consumed.unallocated());
        checkpointed += &convert::only_checkpointable(&converted.unallocated());
        agent.checkpointed = convert::resources_to_proto(&checkpointed, ResourceFormat::CANONICAL);
        let event = AgentEvent {
            r#type: Some(agent_event::Type::CheckpointResources as i32),
            checkpoint_resources: Some(Box::new(agent_event::CheckpointResources {
                resources: agent.checkpointed.clone(),
                operation: Some(operation.clone()),
            })),
            ..Default::default()
        };
        let agent_id = pool.agent_id.clone();
        self.send_to_agent(&agent_id, event);
        if kind == offer::operation::Type::Destroy {
            // Other offers holding the destroyed volume are now wrong.
            let stale: Vec<String> = self
                .offers
                .values()
                .filter(|o| {
                    o.agent_id == agent_id
                        && consumed.iter().any(|v| o.resources.iter().any(|r| r.disk == v.disk))
                })
                .map(|o| o.id.clone())
                .collect();
            for id in stale {
                self.rescind_offer(&id);
            }
        }
        Ok(())
    }
}

fn inject_allocation(resources: &mut [Resource], role: &str) {
    for resource in resources {
        if resource.allocation_info.is_none() {
            resource.allocation_info = Some(AllocationInfo { role: Some(role.to_string()) });
        }
    }
}

fn normalize_executor(executor: &mut ExecutorInfo, framework_id: &str, role: &str) {
    inject_allocation(&mut executor.resources, role);
    if executor.framework_id.is_none() {
        executor.framework_id = Some(FrameworkId { value: framework_id.to_string() });
    }
    if executor.r#type.is_none() && executor.command.is_some() {
        executor.r#type = Some(executor_info::Type::Custom as i32);
    }
}

fn check_single_role(resources: &Resources, role: &str) -> Result<(), String> {
    if resources.iter().all(|r| r.allocation_role.as_deref() == Some(role)) {
        Ok(())
    } else {
        Err(format!("Resources must all be allocated to the offers' role '{role}'"))
    }
}

fn validate_group_executor(executor: &ExecutorInfo, tasks: &[TaskInfo]) -> Result<(), String> {
    validation::validate_id("Executor ID", &executor.executor_id.value)?;
    match executor.r#type.and_then(|t| executor_info::Type::try_from(t).ok()) {
        None | Some(executor_info::Type::Unknown) => {
            return Err("'ExecutorInfo.type' must be set for LAUNCH_GROUP".to_string());
        }
        Some(executor_info::Type::Default) if executor.command.is_some() => {
            return Err("'ExecutorInfo.command' must not be set for a DEFAULT executor".to_string());
        }
        Some(executor_info::Type::Custom) if executor.command.is_none() => {
            return Err("'ExecutorInfo.command' must be set for a CUSTOM executor".to_string());
        }
        _ => {}
    }
    if tasks.is_empty() {
        return Err("Task group is empty".to_string());
    }
    let resources = convert::resources_from_proto(&executor.resources)
        .map_err(|e| format!("Executor has invalid resources: {e}"))?;
    let quantities = resources.to_quantities();
    if quantities.get("cpus").to_f64() < 0.01
        || quantities.get("mem").to_f64() < 32.0
        || quantities.get("disk").to_f64() <= 0.0
    {
        return Err("Executor resources must include cpus >= 0.01, mem >= 32 and some disk".to_string());
    }
    let mut ids = BTreeSet::new();
    for task in tasks {
        if !ids.insert(&task.task_id.value) {
            return Err(format!("Task group has duplicate task ID: {}", task.task_id.value));
        }
        if task.executor.as_ref().is_some_and(|e| e != executor) {
            return Err("Every task's executor must be the group's executor".to_string());
        }
        if task
            .container
            .as_ref()
            .is_some_and(|c| c.r#type == mesos_proto::v1::container_info::Type::Docker as i32)
        {
            return Err("Docker containers are not supported in task groups".to_string());
        }
    }
    Ok(())
}

/// The status of a task that never reached an agent: master-generated, no uuid, stamped
/// with the wall-clock time `wall`.
fn unlaunched_status(
    task: &TaskInfo,
    state: TaskState,
    reason: task_status::Reason,
    message: &str,
    wall: Time,
) -> TaskStatus {
    TaskStatus {
        task_id: task.task_id.clone(),
        state: state as i32,
        message: Some(message.to_string()),
        source: Some(task_status::Source::SourceMaster as i32),
        reason: Some(reason as i32),
        agent_id: Some(task.agent_id.clone()),
        executor_id: task.executor.as_ref().map(|e| e.executor_id.clone()),
        timestamp: Some(wall.as_nanos() as f64 / 1e9),
        ..Default::default()
    }
}
