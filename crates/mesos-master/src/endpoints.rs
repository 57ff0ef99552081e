//! The classic JSON endpoints with the field names tools read (operator-api.md §2.2, §2.3,
//! §6.1), rendered from the core's read-only view.

use std::collections::BTreeMap;

use mesos_master_core::{Agent, Framework, FrameworkState, Master, TaskRecord};
use mesos_proto::json::{JsonMessage, to_json_value as try_json_value};
use mesos_proto::v1::TaskState;
use mesos_types::Time;
use mesos_types::resources::{Resources, Value as ResourceValue};
use serde_json::{Map, Value, json};

/// A message as a JSON value. Our own encoder's output always parses, so the fallback is
/// only there to keep endpoints total.
fn to_json_value<M: JsonMessage>(message: &M) -> Value {
    try_json_value(message).unwrap_or(Value::Null)
}

/// The Mesos version whose APIs mesos-rs implements; clients (pymesos) gate features on it.
pub const MESOS_VERSION: &str = "1.12.0";

/// Facts fixed at startup that endpoints show.
#[derive(Clone, Debug)]
pub struct StaticInfo {
    /// Advertised hostname.
    pub hostname: String,
    /// Advertised port.
    pub port: u16,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// Every flag with a value.
    pub flags: Vec<(String, String)>,
    /// `--log_dir`.
    pub log_dir: Option<String>,
    /// `--webui_dir`, if the web UI comes from files rather than the built-in page.
    pub webui_dir: Option<std::path::PathBuf>,
}

/// `/version`.
pub fn version() -> Value {
    json!({
        "version": MESOS_VERSION,
        "mesos_rs_version": env!("CARGO_PKG_VERSION"),
        "build_date": "",
        "build_time": 0.0,
        "build_user": "",
    })
}

/// `/master/flags`.
pub fn flags(info: &StaticInfo) -> Value {
    let flags: Map<String, Value> =
        info.flags.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    json!({ "flags": flags })
}

/// Resources in the flat "model" form: cpus, gpus, mem, disk always present, other scalars
/// by name, ranges as `"[a-b, c-d]"`, sets as `"{a, b}"`, revocable under `<name>_revocable`.
pub fn model(resources: &Resources) -> Value {
    let mut scalars: BTreeMap<String, f64> =
        ["cpus", "gpus", "mem", "disk"].iter().map(|n| (n.to_string(), 0.0)).collect();
    let mut others: BTreeMap<String, Value> = BTreeMap::new();
    let mut ranges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for resource in resources.iter() {
        let name =
            if resource.revocable { format!("{}_revocable", resource.name) } else { resource.name.clone() };
        match &resource.value {
            ResourceValue::Scalar(scalar) => *scalars.entry(name).or_insert(0.0) += scalar.to_f64(),
            ResourceValue::Ranges(r) => ranges.entry(name).or_default().push(r.to_string()),
            ResourceValue::Set(s) => sets.entry(name).or_default().push(s.to_string()),
        }
    }
    for (name, parts) in ranges {
        let inner: Vec<String> =
            parts.iter().map(|p| p.trim_matches(|c| c == '[' || c == ']').to_string()).collect();
        others.insert(name, Value::String(format!("[{}]", inner.join(", "))));
    }
    for (name, parts) in sets {
        let inner: Vec<String> =
            parts.iter().map(|p| p.trim_matches(|c| c == '{' || c == '}').to_string()).collect();
        others.insert(name, Value::String(format!("{{{}}}", inner.join(", "))));
    }
    let mut out = Map::new();
    for (name, value) in scalars {
        out.insert(name, number(value));
    }
    for (name, value) in others {
        out.insert(name, value);
    }
    Value::Object(out)
}

fn number(value: f64) -> Value {
    // Integral values print without a fraction, as Mesos' JSON writer does for these.
    if value.fract() == 0.0 && value.abs() < 9.0e15 { json!(value as i64) } else { json!(value) }
}

fn task_json(task: &TaskRecord) -> Value {
    let t = &task.task;
    let statuses: Vec<Value> = t
        .statuses
        .iter()
        .map(|s| {
            let mut status = json!({
                "state": state_name(s.state),
                "timestamp": s.timestamp.unwrap_or(0.0),
            });
            if let Some(healthy) = s.healthy {
                status["healthy"] = json!(healthy);
            }
            if let Some(container) = &s.container_status {
                status["container_status"] = to_json_value(container);
            }
            if let Some(labels) = &s.labels {
                status["labels"] = to_json_value(labels)["labels"].clone();
            }
            status
        })
        .collect();
    let mut value = json!({
        "id": t.task_id.value,
        "name": t.name,
        "framework_id": t.framework_id.value,
        "executor_id": t.executor_id.as_ref().map(|e| e.value.clone()).unwrap_or_default(),
        "slave_id": t.agent_id.value,
        "state": state_name(t.state),
        "role": task.role(),
    });
    // Values go in by move: `json!` would serialise each into a copy.
    value["resources"] = model(&task.resources);
    value["statuses"] = Value::Array(statuses);
    if let Some(user) = &t.user {
        value["user"] = json!(user);
    }
    if let Some(labels) = &t.labels {
        value["labels"] = to_json_value(labels)["labels"].clone();
    }
    if let Some(discovery) = &t.discovery {
        value["discovery"] = to_json_value(discovery);
    }
    if let Some(container) = &t.container {
        value["container"] = to_json_value(container);
    }
    if let Some(check) = &t.health_check {
        value["health_check"] = to_json_value(check);
    }
    value
}

fn state_name(state: i32) -> String {
    use mesos_proto::json::JsonEnum;
    TaskState::json_name(state).unwrap_or("TASK_UNKNOWN").to_string()
}

fn framework_json(master: &Master, framework: &Framework) -> Value {
    let info = &framework.info;
    let mut used = Resources::default();
    for task in framework.tasks.values().filter(|t| !t.released) {
        used += &task.resources;
    }
    let mut offered = Resources::default();
    let mut offers = Vec::new();
    for offer in master.offers().filter(|o| o.framework_id == framework.id) {
        offered += &offer.resources;
        offers.push(json!({
            "id": offer.id,
            "framework_id": offer.framework_id,
            "slave_id": offer.agent_id,
            "allocation_info": {"role": offer.role},
            "resources": model(&offer.resources),
        }));
    }
    let capabilities: Vec<Value> = to_json_value(info)
        .get("capabilities")
        .and_then(Value::as_array)
        .map(|caps| caps.iter().filter_map(|c| c.get("type").cloned()).collect())
        .unwrap_or_default();
    let mut executors = Vec::new();
    for (agent_id, by_id) in &framework.executors {
        for executor in by_id.values() {
            let mut value = to_json_value(executor);
            value["slave_id"] = json!(agent_id);
            executors.push(value);
        }
    }
    let mut value = json!({
        "id": framework.id,
        "name": info.name,
        "used_resources": model(&used),
        "offered_resources": model(&offered),
        "resources": model(&(used.clone() + &offered)),
        "capabilities": capabilities,
        "hostname": info.hostname.clone().unwrap_or_default(),
        "webui_url": info.webui_url.clone().unwrap_or_default(),
        "active": framework.connected(),
        "connected": framework.connected(),
        "recovered": framework.state == FrameworkState::Recovered,
        "user": info.user,
        "failover_timeout": info.failover_timeout.unwrap_or(0.0),
        "checkpoint": info.checkpoint.unwrap_or(false),
        "registered_time": master.wall_seconds(framework.registered_time),
        "unregistered_time": framework.unregistered_time.map(|t| master.wall_seconds(t)).unwrap_or(0.0),
        "offer_constraints": {},
    });
    // The big parts go in by move: `json!` would serialise each into a copy.
    value["tasks"] = Value::Array(framework.tasks.values().map(task_json).collect());
    value["unreachable_tasks"] = Value::Array(framework.unreachable_tasks.values().map(task_json).collect());
    value["completed_tasks"] = Value::Array(framework.completed_tasks.iter().map(task_json).collect());
    value["offers"] = Value::Array(offers);
    value["executors"] = Value::Array(executors);
    if let Some(principal) = &info.principal {
        value["principal"] = json!(principal);
    }
    if let Some(at) = framework.reregistered_time {
        value["reregistered_time"] = json!(master.wall_seconds(at));
    }
    if framework.has_capability(mesos_proto::v1::framework_info::capability::Type::MultiRole) {
        value["roles"] = json!(info.roles);
    } else {
        value["role"] = json!(info.role.clone().unwrap_or_else(|| "*".to_string()));
    }
    if let Some(labels) = &info.labels {
        value["labels"] = to_json_value(labels)["labels"].clone();
    }
    value
}

fn attributes_json(agent_info: &mesos_proto::v1::AgentInfo) -> Value {
    let mut out = Map::new();
    for attribute in &agent_info.attributes {
        let value = if let Some(scalar) = &attribute.scalar {
            number(scalar.value)
        } else if let Some(text) = &attribute.text {
            json!(text.value)
        } else if let Some(ranges) = &attribute.ranges {
            let parts: Vec<String> = ranges.range.iter().map(|r| format!("{}-{}", r.begin, r.end)).collect();
            json!(format!("[{}]", parts.join(", ")))
        } else if let Some(set) = &attribute.set {
            json!(format!("{{{}}}", set.item.join(", ")))
        } else {
            Value::Null
        };
        out.insert(attribute.name.clone(), value);
    }
    Value::Object(out)
}

fn agent_json(master: &Master, agent: &Agent, full: bool) -> Value {
    let usage = master.agent_usage(&agent.id);
    let reserved: Map<String, Value> =
        agent.total.reserved_by_role().iter().map(|(role, r)| (role.clone(), model(r))).collect();
    let (_, port) = agent.address();
    let mut value = json!({
        "id": agent.id,
        "hostname": agent.info.hostname,
        "port": port,
        "pid": agent.pid,
        "registered_time": master.wall_seconds(agent.registered_time),
        "active": agent.connected(),
        "deactivated": false,
        "version": agent.version,
        "capabilities": agent.capabilities,
    });
    // Values go in by move: `json!` would serialise each into a copy.
    value["attributes"] = attributes_json(&agent.info);
    value["resources"] = model(&agent.total);
    value["used_resources"] = model(&usage.used);
    value["offered_resources"] = model(&usage.offered);
    value["reserved_resources"] = Value::Object(reserved);
    value["unreserved_resources"] = model(&agent.total.unreserved());
    if let Some(at) = agent.reregistered_time {
        value["reregistered_time"] = json!(master.wall_seconds(at));
    }
    if let Some(domain) = &agent.info.domain {
        value["domain"] = to_json_value(domain);
    }
    if full {
        use mesos_proto::convert::{ResourceFormat, resources_to_proto};
        let list = |r: &Resources| -> Value {
            Value::Array(resources_to_proto(r, ResourceFormat::ENDPOINT).iter().map(to_json_value).collect())
        };
        let reserved_full: Map<String, Value> =
            agent.total.reserved_by_role().iter().map(|(role, r)| (role.clone(), list(r))).collect();
        value["reserved_resources_full"] = Value::Object(reserved_full);
        value["unreserved_resources_full"] = list(&agent.total.unreserved());
        value["used_resources_full"] = list(&usage.used);
        value["offered_resources_full"] = list(&usage.offered);
    }
    value
}

fn recovered_json(info: &mesos_proto::v1::AgentInfo) -> Value {
    json!({
        "id": info.id.as_ref().map(|i| i.value.clone()).unwrap_or_default(),
        "hostname": info.hostname,
        "port": info.port.unwrap_or(5051),
        "attributes": attributes_json(info),
    })
}

/// `/master/state`.
pub fn state(master: &Master, _now: Time, info: &StaticInfo) -> Value {
    let mi = master.master_info();
    let leader_info = to_json_value(mi);
    let flags: Map<String, Value> =
        info.flags.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let mut value = json!({
        "version": MESOS_VERSION,
        "build_date": "",
        "build_time": 0.0,
        "build_user": "",
        "start_time": master.wall_seconds(master.start_time()),
        "elected_time": master.wall_seconds(master.start_time()),
        "id": mi.id,
        "pid": mi.pid.clone().unwrap_or_default(),
        "hostname": mi.hostname.clone().unwrap_or_default(),
        "capabilities": leader_info["capabilities"].as_array().map(|caps| {
            caps.iter().map(|c| c["type"].clone()).collect::<Vec<_>>()
        }),
        "activated_slaves": master.agents().filter(|a| a.connected()).count() as f64,
        "deactivated_slaves": 0.0,
        "unreachable_slaves": master.registry().unreachable.len() as f64,
        "leader": mi.pid.clone().unwrap_or_default(),
        "orphan_tasks": [],
        "unregistered_frameworks": [],
    });
    // The big parts go in by move: `json!` would serialise each into a copy, which made
    // this endpoint copy every task twice over (docs/benchmarks.md).
    value["leader_info"] = leader_info;
    value["flags"] = Value::Object(flags);
    value["slaves"] = Value::Array(master.agents().map(|a| agent_json(master, a, false)).collect());
    value["recovered_slaves"] = Value::Array(master.recovered_agents().map(recovered_json).collect());
    value["frameworks"] = Value::Array(master.frameworks().map(|f| framework_json(master, f)).collect());
    value["completed_frameworks"] =
        Value::Array(master.completed_frameworks().map(|f| framework_json(master, f)).collect());
    if let Some(cluster) = &info.cluster {
        value["cluster"] = json!(cluster);
    }
    if let Some(log_dir) = &info.log_dir {
        value["log_dir"] = json!(log_dir);
    }
    value
}

fn task_counts(tasks: impl Iterator<Item = i32>) -> Map<String, Value> {
    let names = [
        "TASK_STAGING",
        "TASK_STARTING",
        "TASK_RUNNING",
        "TASK_KILLING",
        "TASK_FINISHED",
        "TASK_KILLED",
        "TASK_FAILED",
        "TASK_LOST",
        "TASK_ERROR",
        "TASK_UNREACHABLE",
    ];
    let mut counts: BTreeMap<String, u64> = names.iter().map(|n| (n.to_string(), 0)).collect();
    for state in tasks {
        if let Some(count) = counts.get_mut(&state_name(state)) {
            *count += 1;
        }
    }
    counts.into_iter().map(|(k, v)| (k, json!(v))).collect()
}

/// `/master/state-summary`.
pub fn state_summary(master: &Master, info: &StaticInfo) -> Value {
    let all_tasks = || {
        master.frameworks().flat_map(|f| {
            f.tasks.values().chain(f.unreachable_tasks.values()).chain(f.completed_tasks.iter())
        })
    };
    // Each agent's tasks, gathered in one pass (a scan of every task per agent was
    // quadratic in cluster size).
    let mut by_agent: BTreeMap<&str, Vec<&TaskRecord>> = BTreeMap::new();
    for task in all_tasks() {
        by_agent.entry(task.agent_id.as_str()).or_default().push(task);
    }
    let slaves: Vec<Value> = master
        .agents()
        .map(|agent| {
            let mut value = agent_json(master, agent, false);
            let tasks = by_agent.get(agent.id.as_str()).map(Vec::as_slice).unwrap_or_default();
            let counts = task_counts(tasks.iter().map(|t| t.task.state));
            let framework_ids: std::collections::BTreeSet<String> =
                tasks.iter().map(|t| t.framework_id.clone()).collect();
            if let Value::Object(map) = &mut value {
                map.extend(counts);
                map.insert("framework_ids".to_string(), json!(framework_ids));
            }
            value
        })
        .collect();
    let frameworks: Vec<Value> = master
        .frameworks()
        .map(|framework| {
            let full = framework_json(master, framework);
            let mut value = json!({});
            for key in [
                "id",
                "name",
                "used_resources",
                "offered_resources",
                "capabilities",
                "hostname",
                "webui_url",
                "active",
                "connected",
                "recovered",
            ] {
                value[key] = full[key].clone();
            }
            let tasks = framework
                .tasks
                .values()
                .chain(framework.unreachable_tasks.values())
                .chain(framework.completed_tasks.iter());
            let agent_ids: std::collections::BTreeSet<String> =
                tasks.clone().map(|t| t.agent_id.clone()).collect();
            if let Value::Object(map) = &mut value {
                map.extend(task_counts(tasks.map(|t| t.task.state)));
                map.insert("slave_ids".to_string(), json!(agent_ids));
            }
            value
        })
        .collect();
    let mut value = json!({
        "hostname": master.master_info().hostname.clone().unwrap_or_default(),
        "slaves": slaves,
        "frameworks": frameworks,
    });
    if let Some(cluster) = &info.cluster {
        value["cluster"] = json!(cluster);
    }
    value
}

/// `/master/frameworks`.
pub fn frameworks(master: &Master, filter: Option<&str>) -> Value {
    let keep = |f: &&Framework| filter.is_none_or(|id| f.id == id);
    json!({
        "frameworks": master.frameworks().filter(keep).map(|f| framework_json(master, f)).collect::<Vec<_>>(),
        "completed_frameworks": master.completed_frameworks().filter(keep).map(|f| framework_json(master, f)).collect::<Vec<_>>(),
        "unregistered_frameworks": [],
    })
}

/// `/master/slaves`.
pub fn slaves(master: &Master, filter: Option<&str>) -> Value {
    json!({
        "slaves": master.agents().filter(|a| filter.is_none_or(|id| a.id == id)).map(|a| agent_json(master, a, true)).collect::<Vec<_>>(),
        "recovered_slaves": master.recovered_agents().map(recovered_json).collect::<Vec<_>>(),
    })
}

/// Query of `/master/tasks`.
#[derive(Clone, Debug)]
pub struct TaskQuery {
    framework_id: Option<String>,
    task_id: Option<String>,
    limit: usize,
    offset: usize,
    ascending: bool,
}

impl TaskQuery {
    /// From the query string.
    pub fn parse(query: &str) -> TaskQuery {
        let param = |name| crate::http::query_param(query, name);
        TaskQuery {
            framework_id: param("framework_id"),
            task_id: param("task_id"),
            limit: param("limit").and_then(|v| v.parse().ok()).unwrap_or(100),
            offset: param("offset").and_then(|v| v.parse().ok()).unwrap_or(0),
            ascending: param("order").as_deref() == Some("asc"),
        }
    }
}

/// `/master/tasks`.
pub fn tasks(master: &Master, query: &TaskQuery) -> Value {
    let mut tasks: Vec<&TaskRecord> = master
        .frameworks()
        .chain(master.completed_frameworks())
        .filter(|f| query.framework_id.as_ref().is_none_or(|id| &f.id == id))
        .flat_map(|f| f.tasks.values().chain(f.unreachable_tasks.values()).chain(f.completed_tasks.iter()))
        .filter(|t| query.task_id.as_ref().is_none_or(|id| t.id() == id))
        .collect();
    let first_seen = |t: &TaskRecord| t.task.statuses.first().and_then(|s| s.timestamp).unwrap_or(0.0);
    tasks.sort_by(|a, b| first_seen(a).total_cmp(&first_seen(b)));
    if !query.ascending {
        tasks.reverse();
    }
    let page: Vec<Value> = tasks.into_iter().skip(query.offset).take(query.limit).map(task_json).collect();
    json!({ "tasks": page })
}

/// `/master/roles`.
pub fn roles(master: &Master) -> Value {
    let roles: Vec<Value> = master
        .role_views()
        .into_iter()
        .map(|role| {
            let quantities = |r: &Resources| -> Value {
                let map: Map<String, Value> =
                    r.to_quantities().iter().map(|(name, q)| (name.to_string(), number(q.to_f64()))).collect();
                Value::Object(map)
            };
            json!({
                "name": role.name,
                "weight": role.weight,
                "quota": {"role": role.name, "guarantee": {}, "limit": {}, "consumed": quantities(&role.allocated)},
                "resources": quantities(&(role.allocated.clone() + &role.offered)),
                "allocated": quantities(&role.allocated),
                "offered": quantities(&role.offered),
                "reserved": quantities(&role.reserved),
                "frameworks": role.frameworks,
            })
        })
        .collect();
    json!({ "roles": roles })
}

/// `/registrar(1)/registry`.
pub fn registry(master: &Master) -> Value {
    let registry = master.registry();
    json!({
        "master": {"info": to_json_value(master.master_info())},
        "slaves": {"slaves": registry.agents.values().map(|info| json!({"info": to_json_value(info)})).collect::<Vec<_>>()},
        "unreachable": {"slaves": registry.unreachable.iter().map(|(id, ts)| json!({"id": {"value": id}, "timestamp": {"nanoseconds": ts}})).collect::<Vec<_>>()},
        "gone": {"slaves": registry.gone.iter().map(|(id, ts)| json!({"id": {"value": id}, "timestamp": {"nanoseconds": ts}})).collect::<Vec<_>>()},
        "weights": registry.weights.iter().map(|(role, weight)| json!({"info": {"role": role, "weight": weight}})).collect::<Vec<_>>(),
    })
}

/// Every metric with its value (`/metrics/snapshot`).
pub fn metrics(master: &Master, now: Time) -> BTreeMap<String, f64> {
    let mut m: BTreeMap<String, f64> = BTreeMap::new();
    let c = master.counters();
    m.insert("master/uptime_secs".into(), now.saturating_since(master.start_time()).as_secs_f64());
    m.insert("master/elected".into(), 1.0);
    let connected = master.agents().filter(|a| a.connected()).count() as f64;
    let total_agents = master.agents().count() as f64;
    m.insert("master/slaves_active".into(), total_agents);
    m.insert("master/slaves_inactive".into(), 0.0);
    m.insert("master/slaves_connected".into(), connected);
    m.insert("master/slaves_disconnected".into(), total_agents - connected);
    m.insert("master/slaves_unreachable".into(), master.registry().unreachable.len() as f64);
    m.insert("master/slave_registrations".into(), c.slave_registrations as f64);
    m.insert("master/slave_reregistrations".into(), c.slave_reregistrations as f64);
    m.insert("master/slave_removals".into(), c.slave_removals as f64);
    m.insert("master/slave_unreachable_completed".into(), c.slave_unreachable_completed as f64);
    let frameworks: Vec<&Framework> = master.frameworks().collect();
    let fw_connected = frameworks.iter().filter(|f| f.connected()).count() as f64;
    m.insert("master/frameworks_active".into(), fw_connected);
    m.insert("master/frameworks_inactive".into(), frameworks.len() as f64 - fw_connected);
    m.insert("master/frameworks_connected".into(), fw_connected);
    m.insert("master/frameworks_disconnected".into(), frameworks.len() as f64 - fw_connected);
    m.insert("master/outstanding_offers".into(), master.offers().count() as f64);
    for (state, name) in [
        (TaskState::TaskStaging, "staging"),
        (TaskState::TaskStarting, "starting"),
        (TaskState::TaskRunning, "running"),
        (TaskState::TaskKilling, "killing"),
    ] {
        let count =
            frameworks.iter().flat_map(|f| f.tasks.values()).filter(|t| t.latest_state() == state).count();
        m.insert(format!("master/tasks_{name}"), count as f64);
    }
    let unreachable: usize = frameworks.iter().map(|f| f.unreachable_tasks.len()).sum();
    m.insert("master/tasks_unreachable".into(), unreachable as f64);
    for name in ["finished", "failed", "killed", "lost", "error", "dropped", "gone", "gone_by_operator"] {
        let key = format!("task_{name}");
        let value = c.terminal_tasks.get(key.as_str()).copied().unwrap_or(0);
        m.insert(format!("master/tasks_{name}"), value as f64);
    }
    for (key, value) in &c.task_state_reasons {
        m.insert(format!("master/{key}"), *value as f64);
    }
    let mut total = Resources::default();
    let mut used = Resources::default();
    for agent in master.agents() {
        total += &agent.total;
        if let Some(allocated) = master.allocator().allocated_on(&agent.id) {
            used += allocated;
        }
    }
    let total_q = total.to_quantities();
    let used_q = used.to_quantities();
    for name in ["cpus", "mem", "disk", "gpus"] {
        let t = total_q.get(name).to_f64();
        let u = used_q.get(name).to_f64();
        m.insert(format!("master/{name}_total"), t);
        m.insert(format!("master/{name}_used"), u);
        m.insert(format!("master/{name}_percent"), if t > 0.0 { u / t } else { 0.0 });
    }
    for (call, count) in &c.calls {
        let name = match *call {
            "subscribe" => "register_framework",
            "teardown" => "unregister_framework",
            "kill" => "kill_task",
            "acknowledge" => "status_update_acknowledgement",
            "request" => "resource_request",
            "accept" => "launch_tasks",
            "decline" => "decline_offers",
            "revive" => "revive_offers",
            "suppress" => "suppress_offers",
            "reconcile" => "reconcile_tasks",
            "message" => "framework_to_executor",
            "reconcile_operations" => "reconcile_operations",
            "acknowledge_operation_status" => "operation_status_update_acknowledgement",
            _ => continue,
        };
        m.insert(format!("master/messages_{name}"), *count as f64);
    }
    m.insert("master/valid_status_updates".into(), c.valid_status_updates as f64);
    m.insert("master/invalid_status_updates".into(), c.invalid_status_updates as f64);
    m.insert(
        "master/valid_status_update_acknowledgements".into(),
        c.valid_status_update_acknowledgements as f64,
    );
    m.insert(
        "master/invalid_status_update_acknowledgements".into(),
        c.invalid_status_update_acknowledgements as f64,
    );
    m.insert(
        "master/valid_framework_to_executor_messages".into(),
        c.valid_framework_to_executor_messages as f64,
    );
    m.insert(
        "master/invalid_framework_to_executor_messages".into(),
        c.invalid_framework_to_executor_messages as f64,
    );
    m.insert(
        "master/valid_executor_to_framework_messages".into(),
        c.valid_executor_to_framework_messages as f64,
    );
    m.insert(
        "master/invalid_executor_to_framework_messages".into(),
        c.invalid_executor_to_framework_messages as f64,
    );
    m.insert("master/dropped_messages".into(), c.dropped_messages as f64);
    m.insert("allocator/mesos/allocation_runs".into(), master.allocator().allocation_runs() as f64);
    for (role, share) in master.allocator().role_shares() {
        m.insert(format!("allocator/mesos/roles/{role}/shares/dominant"), share);
    }
    for (role, count) in master.allocator().active_filters(now) {
        m.insert(format!("allocator/mesos/offer_filters/roles/{role}/active"), count as f64);
    }
    m.insert("registrar/registry_size_bytes".into(), mesos_registry::encode(master.registry()).len() as f64);
    m
}

/// `/metrics/snapshot`.
pub fn metrics_json(master: &Master, now: Time) -> Value {
    let map: Map<String, Value> = metrics(master, now).into_iter().map(|(k, v)| (k, json!(v))).collect();
    Value::Object(map)
}

/// The same metrics in Prometheus' text format (`/metrics`): `/` and other characters
/// outside `[a-zA-Z0-9_]` become `_`, and every name gets the `mesos_` prefix.
pub fn metrics_prometheus(master: &Master, now: Time) -> String {
    let mut out = String::new();
    for (name, value) in metrics(master, now) {
        let name: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
        out.push_str(&format!("mesos_{name} {value}\n"));
    }
    out
}
