//! The live parts of the agent's endpoints, read from the core on the driver's task:
//! frameworks, executors and tasks for `/state` (Mesos' JSON shapes), `/containers` and
//! `/monitor/statistics`.

use mesos_agent_core::AgentCore;
use mesos_agent_core::executors::{Executor, ExecutorKind, ExecutorState, Framework, TaskRecord};
use mesos_containerizer::ProcessTable;
use mesos_proto::json::JsonEnum;
use mesos_proto::v1::TaskState;
use serde_json::{Value, json};

use crate::Containers;
use crate::http::model;

/// `frameworks` and `completed_frameworks` of `/state`.
pub fn frameworks(core: &AgentCore) -> (Value, Value) {
    let agent_id = core.agent_id().unwrap_or_default();
    let active = core.frameworks().values().map(|f| framework(f, agent_id)).collect();
    let completed = core.completed_frameworks().iter().map(|f| framework(f, agent_id)).collect();
    (Value::Array(active), Value::Array(completed))
}

fn framework(fw: &Framework, agent_id: &str) -> Value {
    let info = &fw.info;
    let id = info.id.as_ref().map(|i| i.value.clone()).unwrap_or_default();
    let capabilities: Vec<Value> = info
        .capabilities
        .iter()
        .filter_map(|c| c.r#type)
        .map(|t| json!(mesos_proto::v1::framework_info::capability::Type::json_name(t)))
        .collect();
    json!({
        "id": id,
        "name": info.name,
        "user": info.user,
        "hostname": info.hostname.clone().unwrap_or_default(),
        "failover_timeout": info.failover_timeout.unwrap_or(0.0),
        "checkpoint": info.checkpoint.unwrap_or(false),
        "role": info.role.clone().unwrap_or_else(|| "*".into()),
        "roles": info.roles,
        "principal": info.principal,
        "capabilities": capabilities,
        "executors": fw.executors.values().map(|e| executor(e, &id, agent_id)).collect::<Vec<_>>(),
        "completed_executors": fw.completed_executors.iter().map(|e| executor(e, &id, agent_id)).collect::<Vec<_>>(),
    })
}

fn executor(executor: &Executor, framework_id: &str, agent_id: &str) -> Value {
    let info = &executor.info;
    let resources = mesos_proto::convert::resources_from_proto(&info.resources).unwrap_or_default();
    let role = info.resources.iter().find_map(|r| r.allocation_info.as_ref().and_then(|a| a.role.clone()));
    let task = |t: &TaskRecord| self::task(t, executor, framework_id, agent_id);
    let queued: Vec<Value> = executor.tasks.values().filter(|t| !t.delivered).map(task).collect();
    let launched: Vec<Value> = executor.tasks.values().filter(|t| t.delivered).map(task).collect();
    json!({
        "id": info.executor_id.value,
        "name": info.name.clone().unwrap_or_default(),
        "source": info.source.clone().unwrap_or_default(),
        "container": executor.container_id,
        "directory": executor.directory,
        "resources": model(&resources),
        "role": role.unwrap_or_else(|| "*".into()),
        "type": if executor.kind == ExecutorKind::Default { "DEFAULT" } else { "CUSTOM" },
        "framework_id": framework_id,
        "state": match executor.state {
            ExecutorState::Registering => "REGISTERING",
            ExecutorState::Running => "RUNNING",
            ExecutorState::Terminating => "TERMINATING",
            ExecutorState::Terminated => "TERMINATED",
        },
        "tasks": launched,
        "queued_tasks": queued,
        "completed_tasks": executor.completed_tasks.iter().map(task).collect::<Vec<_>>(),
    })
}

fn task(record: &TaskRecord, executor: &Executor, framework_id: &str, agent_id: &str) -> Value {
    let info = &record.info;
    let resources = mesos_proto::convert::resources_from_proto(&info.resources).unwrap_or_default();
    let statuses: Vec<Value> = record
        .latest
        .iter()
        .map(|s| {
            let mut status = json!({
                "state": TaskState::json_name(s.state),
                "timestamp": s.timestamp.unwrap_or(0.0),
            });
            if let Some(healthy) = s.healthy {
                status["healthy"] = json!(healthy);
            }
            status
        })
        .collect();
    let executor_id = if executor.kind == ExecutorKind::Command {
        String::new()
    } else {
        executor.info.executor_id.value.clone()
    };
    json!({
        "id": info.task_id.value,
        "name": info.name,
        "framework_id": framework_id,
        "executor_id": executor_id,
        "slave_id": agent_id,
        "state": TaskState::json_name(record.state as i32),
        "resources": model(&resources),
        "statuses": statuses,
    })
}

/// Which usage figures the agent reports, from `--isolation`: as in Mesos, CPU times come
/// from the `posix/cpu` isolator and memory from `posix/mem`; without one, its figures are
/// left out (the limits are always there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reported {
    /// `posix/cpu`: `cpus_user_time_secs`, `cpus_system_time_secs`.
    pub cpu: bool,
    /// `posix/mem`: `mem_rss_bytes`.
    pub mem: bool,
}

impl Reported {
    /// What the isolators named in `isolation` report.
    pub fn from_isolation(isolation: &[String]) -> Reported {
        Reported {
            cpu: isolation.iter().any(|i| i == "posix/cpu"),
            mem: isolation.iter().any(|i| i == "posix/mem"),
        }
    }
}

/// `/containers`: every live executor container with its usage, from `processes`.
pub fn containers(
    core: &AgentCore,
    handles: &Containers,
    processes: &ProcessTable,
    reported: Reported,
) -> Value {
    live_executors(core, handles, processes, |framework_id, executor, pid, processes| {
        let mut entry = executor_entry(framework_id, executor, pid, processes, reported);
        entry["container_id"] = json!(executor.container_id);
        entry["status"] = json!({ "executor_pid": pid });
        entry
    })
}

/// `/monitor/statistics`: usage per running executor, from `processes`.
pub fn monitor(
    core: &AgentCore,
    handles: &Containers,
    processes: &ProcessTable,
    reported: Reported,
) -> Value {
    live_executors(core, handles, processes, |framework_id, executor, pid, processes| {
        executor_entry(framework_id, executor, pid, processes, reported)
    })
}

fn live_executors(
    core: &AgentCore,
    handles: &Containers,
    processes: &ProcessTable,
    entry: impl Fn(&str, &Executor, u32, &ProcessTable) -> Value,
) -> Value {
    let mut out = Vec::new();
    for (framework_id, fw) in core.frameworks() {
        for executor in fw.executors.values() {
            if let Some(handle) = handles.get(&executor.container_id) {
                out.push(entry(framework_id, executor, handle.pid(), processes));
            }
        }
    }
    Value::Array(out)
}

fn executor_entry(
    framework_id: &str,
    executor: &Executor,
    pid: u32,
    processes: &ProcessTable,
    reported: Reported,
) -> Value {
    json!({
        "framework_id": framework_id,
        "executor_id": executor.info.executor_id.value,
        "executor_name": executor.info.name.clone().unwrap_or_default(),
        "source": executor.info.source.clone().unwrap_or_default(),
        "statistics": statistics(executor, pid, processes, reported),
    })
}

/// Mesos' ResourceStatistics fields for an executor whose main process is `pid`: the limits
/// are the executor's and its tasks' resources, the usage is that of every process in its
/// container (its session and process group).
fn statistics(executor: &Executor, pid: u32, processes: &ProcessTable, reported: Reported) -> Value {
    let now = mesos_runtime::clock::wall_now().as_nanos() as f64 / 1e9;
    let mut cpus = scalar(&executor.info.resources, "cpus");
    let mut mem = scalar(&executor.info.resources, "mem");
    for task in executor.tasks.values().filter(|t| !t.state.is_terminal()) {
        cpus += scalar(&task.info.resources, "cpus");
        mem += scalar(&task.info.resources, "mem");
    }
    let usage = if pid == 0 { None } else { processes.container_usage(pid) };
    let usage = usage.unwrap_or_default();
    let mut statistics = json!({
        "timestamp": now,
        "cpus_limit": cpus,
        "mem_limit_bytes": (mem * 1024.0 * 1024.0) as u64,
    });
    if reported.cpu {
        statistics["cpus_user_time_secs"] = json!(usage.cpus_user_time_secs);
        statistics["cpus_system_time_secs"] = json!(usage.cpus_system_time_secs);
    }
    if reported.mem {
        statistics["mem_rss_bytes"] = json!(usage.mem_rss_bytes);
    }
    statistics
}

fn scalar(resources: &[mesos_proto::v1::Resource], name: &str) -> f64 {
    resources.iter().filter(|r| r.name == name).filter_map(|r| r.scalar.as_ref()).map(|s| s.value).sum()
}

/// Task and executor counts for `/metrics/snapshot`.
pub fn counts(core: &AgentCore) -> Vec<(&'static str, f64)> {
    let mut by_state: std::collections::BTreeMap<&'static str, f64> = std::collections::BTreeMap::new();
    let mut executors = [0.0f64; 3];
    for fw in core.frameworks().values() {
        for executor in fw.executors.values() {
            match executor.state {
                ExecutorState::Registering => executors[0] += 1.0,
                ExecutorState::Running => executors[1] += 1.0,
                ExecutorState::Terminating | ExecutorState::Terminated => executors[2] += 1.0,
            }
            for task in executor.tasks.values() {
                let name = match task.state {
                    TaskState::TaskStaging => "slave/tasks_staging",
                    TaskState::TaskStarting => "slave/tasks_starting",
                    TaskState::TaskRunning => "slave/tasks_running",
                    TaskState::TaskKilling => "slave/tasks_killing",
                    _ => continue,
                };
                *by_state.entry(name).or_default() += 1.0;
            }
        }
    }
    let mut out: Vec<(&'static str, f64)> =
        ["slave/tasks_staging", "slave/tasks_starting", "slave/tasks_running", "slave/tasks_killing"]
            .into_iter()
            .map(|name| (name, by_state.get(name).copied().unwrap_or(0.0)))
            .collect();
    out.push(("slave/executors_registering", executors[0]));
    out.push(("slave/executors_running", executors[1]));
    out.push(("slave/executors_terminating", executors[2]));
    out.push(("slave/frameworks_active", core.frameworks().len() as f64));
    let counters = core.counters();
    out.push(("slave/tasks_finished", counters.tasks_finished as f64));
    out.push(("slave/tasks_failed", counters.tasks_failed as f64));
    out.push(("slave/tasks_killed", counters.tasks_killed as f64));
    out.push(("slave/tasks_lost", counters.tasks_lost as f64));
    out.push(("slave/executors_terminated", counters.executors_terminated as f64));
    out.push(("slave/valid_status_updates", counters.valid_status_updates as f64));
    out.push(("slave/invalid_status_updates", counters.invalid_status_updates as f64));
    out
}
