//! The classic JSON endpoints with the field names tools read (operator-api.md §2.2, §2.3,
//! §6.1), rendered from the core's read-only view.
//!
//! The big documents (`/master/state`, its summary, `/master/frameworks`, `/master/slaves`,
//! `/master/tasks`) are written straight to text with [`mesos_proto::json::writer`]: they
//! hold every task, and a `serde_json::Value` tree of them cost more than the text itself
//! and grew faster than the cluster (docs/benchmarks.md). The master's thread is blocked
//! while they are written. The small ones stay `Value`s.

use std::collections::{BTreeMap, BTreeSet};

use mesos_master_core::{Agent, Framework, FrameworkState, Master, OfferRecord, TaskRecord};
use mesos_proto::json::writer::{ArrayWriter, ObjectWriter, Text, write_double, write_integer};
use mesos_proto::json::{JsonEnum, JsonMessage, to_json_value as try_json_value};
use mesos_proto::v1::framework_info::capability::Type as FrameworkCapability;
use mesos_proto::v1::{Labels, MasterInfo, TaskState};
use mesos_types::Time;
use mesos_types::resources::{Resources, Scalar, Value as ResourceValue};
use serde_json::{Map, Value, json};

/// A message as a JSON value. Our own encoder's output always parses, so the fallback is
/// only there to keep endpoints total.
fn to_json_value<M: JsonMessage>(message: &M) -> Value {
    try_json_value(message).unwrap_or(Value::Null)
}

/// The Mesos version whose APIs mesos-rs implements; clients (pymesos) gate features on it.
pub const MESOS_VERSION: &str = "1.12.0";

/// A JSON document already written out as text; the text of tasks and offers in it is
/// shared with the master's records rather than copied (see [`mesos_master_core::RenderCache`]).
#[derive(Clone, Debug)]
pub struct JsonText(Text);

impl JsonText {
    /// Writes one object with `write` and keeps the text.
    fn object(capacity: usize, write: impl FnOnce(&mut ObjectWriter<'_>)) -> JsonText {
        let mut out = Text::with_capacity(capacity);
        write(&mut ObjectWriter::open(&mut out));
        JsonText(out)
    }

    /// The document's length in bytes.
    pub fn len(&self) -> usize {
        self.0.total_len()
    }

    /// Whether the document is empty (it never is: it is an object).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The document in order, in pieces that refer to the text without copying it.
    pub fn into_pieces(self) -> Vec<bytes::Bytes> {
        self.0.into_pieces()
    }

    /// The document as one string (a copy).
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

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

/// The scalars every "model" object shows, even at zero.
const MODEL_SCALARS: [&str; 4] = ["cpus", "gpus", "mem", "disk"];

/// Resources in the flat "model" form: cpus, gpus, mem, disk always present, other scalars
/// by name, ranges as `"[a-b, c-d]"`, sets as `"{a, b}"`, revocable under `<name>_revocable`.
///
/// Sums of many resource lists (a framework's tasks, an agent's offers) are taken here: the
/// four common scalars add as numbers (fixed-point, as resources do), and only the rest is
/// merged as resources, which is what a sum cost before.
#[derive(Clone, Default)]
struct Model {
    common: [Scalar; MODEL_SCALARS.len()],
    /// Everything that is not one of the common scalars, unreserved and not revocable.
    others: Resources,
}

impl Model {
    fn of(resources: &Resources) -> Model {
        let mut model = Model::default();
        model.add(resources);
        model
    }

    fn add(&mut self, resources: &Resources) {
        let mut others = Resources::default();
        for resource in resources.iter() {
            let slot = MODEL_SCALARS.iter().position(|n| *n == resource.name);
            match (&resource.value, slot, resource.revocable) {
                (ResourceValue::Scalar(scalar), Some(slot), false) => self.common[slot] += *scalar,
                _ => others.add_resource(resource.clone()),
            }
        }
        if !others.is_empty() {
            self.others += &others;
        }
    }

    fn merge(&mut self, other: &Model) {
        for (mine, theirs) in self.common.iter_mut().zip(other.common) {
            *mine += theirs;
        }
        if !other.others.is_empty() {
            self.others += &other.others;
        }
    }

    /// Takes away `other`, which this model holds all of.
    fn subtract(&mut self, other: &Model) {
        for (mine, theirs) in self.common.iter_mut().zip(other.common) {
            *mine -= theirs;
        }
        if !other.others.is_empty() {
            self.others -= &other.others;
        }
    }

    fn write(&self, out: &mut Text) {
        let mut scalars: BTreeMap<String, f64> = BTreeMap::new();
        let mut ranges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut sets: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for resource in self.others.iter() {
            let name = if resource.revocable {
                format!("{}_revocable", resource.name)
            } else {
                resource.name.clone()
            };
            match &resource.value {
                ResourceValue::Scalar(scalar) => *scalars.entry(name).or_insert(0.0) += scalar.to_f64(),
                ResourceValue::Ranges(r) => ranges.entry(name).or_default().push(r.to_string()),
                ResourceValue::Set(s) => sets.entry(name).or_default().push(s.to_string()),
            }
        }
        let mut object = ObjectWriter::open(out);
        for (name, value) in MODEL_SCALARS.iter().zip(self.common) {
            write_number(object.key(name), value.to_f64());
        }
        for (name, value) in &scalars {
            write_number(object.key(name), *value);
        }
        for (name, parts) in &ranges {
            let inner: Vec<&str> = parts.iter().map(|p| p.trim_matches(|c| c == '[' || c == ']')).collect();
            object.str(name, &format!("[{}]", inner.join(", ")));
        }
        for (name, parts) in &sets {
            let inner: Vec<&str> = parts.iter().map(|p| p.trim_matches(|c| c == '{' || c == '}')).collect();
            object.str(name, &format!("{{{}}}", inner.join(", ")));
        }
    }
}

fn write_model(out: &mut Text, resources: &Resources) {
    Model::of(resources).write(out);
}

/// Resources in the "model" form, as a value (for the small endpoints).
pub fn model(resources: &Resources) -> Value {
    let mut out = Text::default();
    write_model(&mut out, resources);
    serde_json::from_str(&out.into_string()).unwrap_or(Value::Null)
}

/// Integral values print without a fraction, as Mesos' JSON writer does for these.
fn write_number(out: &mut String, value: f64) {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        write_integer(out, value as i64);
    } else {
        write_double(out, value);
    }
}

fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 { json!(value as i64) } else { json!(value) }
}

fn state_name(state: i32) -> &'static str {
    TaskState::json_name(state).unwrap_or("TASK_UNKNOWN")
}

/// Labels as the endpoints show them: the bare list, not the `Labels` message around it.
fn write_labels(object: &mut ObjectWriter<'_>, labels: &Labels) {
    let mut list = object.array("labels");
    for label in &labels.labels {
        list.message(label);
    }
}

fn write_task(out: &mut Text, task: &TaskRecord) {
    task.rendered.write(task.render_stamp(), out, |out| render_task(out, task));
}

fn render_task(out: &mut Text, task: &TaskRecord) {
    let t = &task.task;
    let mut object = ObjectWriter::open(out);
    object.str("id", &t.task_id.value);
    object.str("name", &t.name);
    object.str("framework_id", &t.framework_id.value);
    object.str("executor_id", t.executor_id.as_ref().map_or("", |e| e.value.as_str()));
    object.str("slave_id", &t.agent_id.value);
    object.str("state", state_name(t.state));
    let role = task.resources.iter().find_map(|r| r.allocation_role.as_deref()).unwrap_or("*");
    object.str("role", role);
    write_model(object.key("resources"), &task.resources);
    {
        let mut statuses = object.array("statuses");
        for s in &t.statuses {
            let mut status = statuses.object();
            status.str("state", state_name(s.state));
            status.f64("timestamp", s.timestamp.unwrap_or(0.0));
            if let Some(healthy) = s.healthy {
                status.bool("healthy", healthy);
            }
            if let Some(container) = &s.container_status {
                status.message("container_status", container);
            }
            if let Some(labels) = &s.labels {
                write_labels(&mut status, labels);
            }
        }
    }
    if let Some(user) = &t.user {
        object.str("user", user);
    }
    if let Some(labels) = &t.labels {
        write_labels(&mut object, labels);
    }
    if let Some(discovery) = &t.discovery {
        object.message("discovery", discovery);
    }
    if let Some(container) = &t.container {
        object.message("container", container);
    }
    if let Some(check) = &t.health_check {
        object.message("health_check", check);
    }
}

fn write_tasks<'t>(array: ArrayWriter<'_>, tasks: impl Iterator<Item = &'t TaskRecord>) {
    let mut array = array;
    for task in tasks {
        write_task(array.element(), task);
    }
}

/// The outstanding offers gathered in one pass, by agent and by framework: looking each
/// one up by id from its agent and its framework was most of the time `/master/state` spent
/// outside the tasks at 20,000 agents (docs/benchmarks.md).
#[derive(Default)]
struct OfferIndex<'m> {
    by_agent: BTreeMap<&'m str, Offered<'m>>,
    by_framework: BTreeMap<&'m str, Offered<'m>>,
}

/// Offers of one agent or framework, and their sum.
#[derive(Default)]
struct Offered<'m> {
    sum: Model,
    offers: Vec<&'m OfferRecord>,
}

impl<'m> Offered<'m> {
    fn add(&mut self, offer: &'m OfferRecord) {
        self.sum.add(&offer.resources);
        self.offers.push(offer);
    }
}

impl<'m> OfferIndex<'m> {
    fn new(master: &'m Master) -> Self {
        let mut index = OfferIndex::default();
        for offer in master.offers() {
            index.by_agent.entry(&offer.agent_id).or_default().add(offer);
            index.by_framework.entry(&offer.framework_id).or_default().add(offer);
        }
        index
    }

    /// The offers made to `framework`.
    fn of_framework(&self, framework: &str) -> Option<&Offered<'m>> {
        self.by_framework.get(framework)
    }

    /// What is used of `agent`'s resources (by tasks and executors) and what is offered.
    fn usage(&self, master: &Master, agent: &str) -> (Model, Model) {
        let offered = self.by_agent.get(agent).map(|o| o.sum.clone()).unwrap_or_default();
        let mut used = master.allocator().allocated_on(agent).map(Model::of).unwrap_or_default();
        used.subtract(&offered);
        (used, offered)
    }

    /// The same as resources, for the `*_full` lists.
    fn usage_resources(&self, master: &Master, agent: &str) -> (Resources, Resources) {
        let mut offered = Resources::default();
        for offer in self.by_agent.get(agent).map(|o| o.offers.as_slice()).unwrap_or_default() {
            offered += &offer.resources;
        }
        let used = master.allocator().allocated_on(agent).map(|allocated| allocated.clone() - &offered);
        (used.unwrap_or_default(), offered)
    }
}

/// What a framework's live tasks and its executors use (as Mesos counts it).
fn framework_used(framework: &Framework) -> Model {
    let mut used = Model::default();
    for task in framework.tasks.values().filter(|t| !t.released) {
        used.add(&task.resources);
    }
    for executor in framework.executors.values().flat_map(BTreeMap::values) {
        // The master admitted these resources, so they convert; a list that does not is
        // left out of the sum rather than failing the page.
        if let Ok(resources) = mesos_proto::convert::resources_from_proto(&executor.resources) {
            used.add(&resources);
        }
    }
    used
}

/// The members `/master/state-summary` shows of a framework, with which the full form starts.
fn write_framework_summary(
    object: &mut ObjectWriter<'_>,
    framework: &Framework,
    used: &Model,
    offered: &Model,
) {
    let info = &framework.info;
    object.str("id", &framework.id);
    object.str("name", &info.name);
    used.write(object.key("used_resources"));
    offered.write(object.key("offered_resources"));
    {
        let mut capabilities = object.array("capabilities");
        for kind in info.capabilities.iter().filter_map(|c| c.r#type) {
            match FrameworkCapability::json_name(kind) {
                Some(name) => capabilities.str(name),
                None => capabilities.i64(i64::from(kind)),
            }
        }
    }
    object.str("hostname", info.hostname.as_deref().unwrap_or_default());
    object.str("webui_url", info.webui_url.as_deref().unwrap_or_default());
    object.bool("active", framework.connected());
    object.bool("connected", framework.connected());
    object.bool("recovered", framework.state == FrameworkState::Recovered);
}

fn write_framework(out: &mut Text, master: &Master, offers: &OfferIndex<'_>, framework: &Framework) {
    let info = &framework.info;
    let used = framework_used(framework);
    let none = Offered::default();
    let offered = offers.of_framework(&framework.id).unwrap_or(&none);
    let mut object = ObjectWriter::open(out);
    write_framework_summary(&mut object, framework, &used, &offered.sum);
    let mut total = used;
    total.merge(&offered.sum);
    total.write(object.key("resources"));
    object.str("user", &info.user);
    object.f64("failover_timeout", info.failover_timeout.unwrap_or(0.0));
    object.bool("checkpoint", info.checkpoint.unwrap_or(false));
    object.f64("registered_time", master.wall_seconds(framework.registered_time));
    object
        .f64("unregistered_time", framework.unregistered_time.map(|t| master.wall_seconds(t)).unwrap_or(0.0));
    if let Some(at) = framework.reregistered_time {
        object.f64("reregistered_time", master.wall_seconds(at));
    }
    object.object("offer_constraints");
    write_tasks(object.array("tasks"), framework.tasks.values());
    write_tasks(object.array("unreachable_tasks"), framework.unreachable_tasks.values());
    write_tasks(object.array("completed_tasks"), framework.completed_tasks.iter());
    {
        let mut offers = object.array("offers");
        for offer in &offered.offers {
            offer.rendered.write(0, offers.element(), |out| {
                let mut value = ObjectWriter::open(out);
                value.str("id", &offer.id);
                value.str("framework_id", &offer.framework_id);
                value.str("slave_id", &offer.agent_id);
                value.object("allocation_info").str("role", &offer.role);
                write_model(value.key("resources"), &offer.resources);
            });
        }
    }
    {
        let mut executors = object.array("executors");
        for (agent_id, by_id) in &framework.executors {
            for executor in by_id.values() {
                executors.extend_message(executor).str("slave_id", agent_id);
            }
        }
    }
    if let Some(principal) = &info.principal {
        object.str("principal", principal);
    }
    if framework.has_capability(FrameworkCapability::MultiRole) {
        object.strings("roles", info.roles.iter().map(String::as_str));
    } else {
        object.str("role", info.role.as_deref().unwrap_or("*"));
    }
    if let Some(labels) = &info.labels {
        write_labels(&mut object, labels);
    }
}

fn write_frameworks<'f>(
    array: ArrayWriter<'_>,
    master: &Master,
    offers: &OfferIndex<'_>,
    frameworks: impl Iterator<Item = &'f Framework>,
) {
    let mut array = array;
    for framework in frameworks {
        write_framework(array.element(), master, offers, framework);
    }
}

fn write_attributes(out: &mut Text, agent_info: &mesos_proto::v1::AgentInfo) {
    let mut object = ObjectWriter::open(out);
    for attribute in &agent_info.attributes {
        let name = attribute.name.as_str();
        if let Some(scalar) = &attribute.scalar {
            write_number(object.key(name), scalar.value);
        } else if let Some(text) = &attribute.text {
            object.str(name, &text.value);
        } else if let Some(ranges) = &attribute.ranges {
            let parts: Vec<String> = ranges.range.iter().map(|r| format!("{}-{}", r.begin, r.end)).collect();
            object.str(name, &format!("[{}]", parts.join(", ")));
        } else if let Some(set) = &attribute.set {
            object.str(name, &format!("{{{}}}", set.item.join(", ")));
        } else {
            object.key(name).push_str("null");
        }
    }
}

/// Writes an agent's members into `object`; `full` adds the `*_full` resource lists of
/// `/master/slaves`.
fn write_agent(
    object: &mut ObjectWriter<'_>,
    master: &Master,
    offers: &OfferIndex<'_>,
    agent: &Agent,
    full: bool,
) {
    let (used, offered) = offers.usage(master, &agent.id);
    let (_, port) = agent.address();
    object.str("id", &agent.id);
    object.str("hostname", &agent.info.hostname);
    object.i64("port", i64::from(port));
    object.str("pid", &agent.pid);
    object.f64("registered_time", master.wall_seconds(agent.registered_time));
    if let Some(at) = agent.reregistered_time {
        object.f64("reregistered_time", master.wall_seconds(at));
    }
    object.bool("active", agent.connected());
    object.bool("deactivated", false);
    object.str("version", &agent.version);
    object.strings("capabilities", agent.capabilities.iter().map(String::as_str));
    write_attributes(object.key("attributes"), &agent.info);
    write_model(object.key("resources"), &agent.total);
    used.write(object.key("used_resources"));
    offered.write(object.key("offered_resources"));
    let reserved = agent.total.reserved_by_role();
    {
        let mut by_role = object.object("reserved_resources");
        for (role, resources) in &reserved {
            write_model(by_role.key(role), resources);
        }
    }
    let unreserved = agent.total.unreserved();
    write_model(object.key("unreserved_resources"), &unreserved);
    if let Some(domain) = &agent.info.domain {
        object.message("domain", domain);
    }
    if full {
        use mesos_proto::convert::{ResourceFormat, resources_to_proto};
        let list = |out: &mut Text, resources: &Resources| {
            let mut array = ArrayWriter::open(out);
            for resource in resources_to_proto(resources, ResourceFormat::ENDPOINT) {
                array.message(&resource);
            }
        };
        {
            let mut by_role = object.object("reserved_resources_full");
            for (role, resources) in &reserved {
                list(by_role.key(role), resources);
            }
        }
        list(object.key("unreserved_resources_full"), &unreserved);
        let (used, offered) = offers.usage_resources(master, &agent.id);
        list(object.key("used_resources_full"), &used);
        list(object.key("offered_resources_full"), &offered);
    }
}

fn write_recovered(array: &mut ArrayWriter<'_>, info: &mesos_proto::v1::AgentInfo) {
    let mut object = array.object();
    object.str("id", info.id.as_ref().map_or("", |i| i.value.as_str()));
    object.str("hostname", &info.hostname);
    object.i64("port", i64::from(info.port.unwrap_or(5051)));
    write_attributes(object.key("attributes"), info);
}

/// About how much of a document's own text a task takes: the separator before its kept
/// text, with room for the odd framework or agent written around it.
const TASK_OWN_BYTES: usize = 8;

fn task_count(master: &Master) -> usize {
    master
        .frameworks()
        .chain(master.completed_frameworks())
        .map(|f| f.tasks.len() + f.unreachable_tasks.len() + f.completed_tasks.len())
        .sum()
}

/// `/master/state`.
pub fn state(master: &Master, _now: Time, info: &StaticInfo) -> JsonText {
    let capacity = 4096 + master.agents().count() * 1536 + task_count(master) * TASK_OWN_BYTES;
    let offers = OfferIndex::new(master);
    JsonText::object(capacity, |object| {
        // Every task and offer is a spliced piece.
        object.reserve_pieces(task_count(master) + master.offers().count());
        let mi = master.master_info();
        object.str("version", MESOS_VERSION);
        object.str("build_date", "");
        object.f64("build_time", 0.0);
        object.str("build_user", "");
        object.f64("start_time", master.wall_seconds(master.start_time()));
        object.f64("elected_time", master.wall_seconds(master.start_time()));
        object.str("id", &mi.id);
        object.str("pid", mi.pid.as_deref().unwrap_or_default());
        object.str("hostname", mi.hostname.as_deref().unwrap_or_default());
        {
            let mut capabilities = object.array("capabilities");
            for capability in &mi.capabilities {
                if let Some(kind) = capability.r#type {
                    match mesos_proto::v1::master_info::capability::Type::json_name(kind) {
                        Some(name) => capabilities.str(name),
                        None => capabilities.i64(i64::from(kind)),
                    }
                }
            }
        }
        object.f64("activated_slaves", master.agents().filter(|a| a.connected()).count() as f64);
        object.f64("deactivated_slaves", 0.0);
        object.f64("unreachable_slaves", master.registry().unreachable.len() as f64);
        object.str("leader", mi.pid.as_deref().unwrap_or_default());
        object.message("leader_info", mi);
        object.array("orphan_tasks");
        object.array("unregistered_frameworks");
        {
            let mut flags = object.object("flags");
            for (name, value) in &info.flags {
                flags.str(name, value);
            }
        }
        {
            let mut agents = object.array("slaves");
            for agent in master.agents() {
                write_agent(&mut agents.object(), master, &offers, agent, false);
            }
        }
        {
            let mut recovered = object.array("recovered_slaves");
            for agent in master.recovered_agents() {
                write_recovered(&mut recovered, agent);
            }
        }
        write_frameworks(object.array("frameworks"), master, &offers, master.frameworks());
        write_frameworks(
            object.array("completed_frameworks"),
            master,
            &offers,
            master.completed_frameworks(),
        );
        if let Some(cluster) = &info.cluster {
            object.str("cluster", cluster);
        }
        if let Some(log_dir) = &info.log_dir {
            object.str("log_dir", log_dir);
        }
    })
}

/// `/master/state` of a master that does not lead: who it is and who leads, and no cluster.
pub fn standby_state(own: &MasterInfo, leader: Option<&MasterInfo>, info: &StaticInfo) -> Value {
    let mut state = json!({
        "version": MESOS_VERSION,
        "id": own.id,
        "pid": own.pid,
        "hostname": own.hostname,
        "activated_slaves": 0.0,
        "deactivated_slaves": 0.0,
        "unreachable_slaves": 0.0,
        "slaves": [],
        "recovered_slaves": [],
        "frameworks": [],
        "completed_frameworks": [],
        "orphan_tasks": [],
        "unregistered_frameworks": [],
        "flags": info.flags.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<String, Value>>(),
    });
    if let Some(leader) = leader {
        state["leader"] = json!(leader.pid);
        state["leader_info"] = to_json_value(leader);
    }
    if let Some(cluster) = &info.cluster {
        state["cluster"] = json!(cluster);
    }
    state
}

/// The task states the summary counts, each under its own name.
const COUNTED_STATES: [TaskState; 10] = [
    TaskState::TaskStaging,
    TaskState::TaskStarting,
    TaskState::TaskRunning,
    TaskState::TaskKilling,
    TaskState::TaskFinished,
    TaskState::TaskKilled,
    TaskState::TaskFailed,
    TaskState::TaskLost,
    TaskState::TaskError,
    TaskState::TaskUnreachable,
];

fn write_task_counts<'t>(object: &mut ObjectWriter<'_>, tasks: impl Iterator<Item = &'t TaskRecord>) {
    let mut counts = [0_i64; COUNTED_STATES.len()];
    for task in tasks {
        if let Some(slot) = COUNTED_STATES.iter().position(|s| *s as i32 == task.task.state) {
            counts[slot] += 1;
        }
    }
    for (state, count) in COUNTED_STATES.iter().zip(counts) {
        object.i64(state_name(*state as i32), count);
    }
}

/// Every task a framework knows: live, unreachable, completed.
fn all_tasks(framework: &Framework) -> impl Iterator<Item = &TaskRecord> + Clone {
    framework
        .tasks
        .values()
        .chain(framework.unreachable_tasks.values())
        .chain(framework.completed_tasks.iter())
}

/// `/master/state-summary`.
pub fn state_summary(master: &Master, info: &StaticInfo) -> JsonText {
    let capacity = 4096 + master.agents().count() * 1024 + master.frameworks().count() * 2048;
    let offers = OfferIndex::new(master);
    JsonText::object(capacity, |object| {
        object.str("hostname", master.master_info().hostname.as_deref().unwrap_or_default());
        if let Some(cluster) = &info.cluster {
            object.str("cluster", cluster);
        }
        // Each agent's tasks, gathered in one pass (a scan of every task per agent was
        // quadratic in cluster size).
        let mut by_agent: BTreeMap<&str, Vec<&TaskRecord>> = BTreeMap::new();
        for task in master.frameworks().flat_map(all_tasks) {
            by_agent.entry(task.agent_id.as_str()).or_default().push(task);
        }
        {
            let mut agents = object.array("slaves");
            for agent in master.agents() {
                let mut value = agents.object();
                write_agent(&mut value, master, &offers, agent, false);
                let tasks = by_agent.get(agent.id.as_str()).map(Vec::as_slice).unwrap_or_default();
                write_task_counts(&mut value, tasks.iter().copied());
                let framework_ids: BTreeSet<&str> = tasks.iter().map(|t| t.framework_id.as_str()).collect();
                value.strings("framework_ids", framework_ids);
            }
        }
        let mut frameworks = object.array("frameworks");
        for framework in master.frameworks() {
            let used = framework_used(framework);
            let none = Offered::default();
            let offered = &offers.of_framework(&framework.id).unwrap_or(&none).sum;
            let mut value = frameworks.object();
            write_framework_summary(&mut value, framework, &used, offered);
            write_task_counts(&mut value, all_tasks(framework));
            let agent_ids: BTreeSet<&str> = all_tasks(framework).map(|t| t.agent_id.as_str()).collect();
            value.strings("slave_ids", agent_ids);
        }
    })
}

/// `/master/frameworks`.
pub fn frameworks(master: &Master, filter: Option<&str>) -> JsonText {
    let keep = |f: &&Framework| filter.is_none_or(|id| f.id == id);
    let offers = OfferIndex::new(master);
    JsonText::object(4096, |object| {
        write_frameworks(object.array("frameworks"), master, &offers, master.frameworks().filter(keep));
        let completed = master.completed_frameworks().filter(keep);
        write_frameworks(object.array("completed_frameworks"), master, &offers, completed);
        object.array("unregistered_frameworks");
    })
}

/// `/master/slaves`.
pub fn slaves(master: &Master, filter: Option<&str>) -> JsonText {
    let offers = OfferIndex::new(master);
    JsonText::object(4096, |object| {
        {
            let mut agents = object.array("slaves");
            for agent in master.agents().filter(|a| filter.is_none_or(|id| a.id == id)) {
                write_agent(&mut agents.object(), master, &offers, agent, true);
            }
        }
        let mut recovered = object.array("recovered_slaves");
        for agent in master.recovered_agents() {
            write_recovered(&mut recovered, agent);
        }
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
pub fn tasks(master: &Master, query: &TaskQuery) -> JsonText {
    let mut tasks: Vec<&TaskRecord> = master
        .frameworks()
        .chain(master.completed_frameworks())
        .filter(|f| query.framework_id.as_ref().is_none_or(|id| &f.id == id))
        .flat_map(all_tasks)
        .filter(|t| query.task_id.as_ref().is_none_or(|id| t.id() == id))
        .collect();
    let first_seen = |t: &TaskRecord| t.task.statuses.first().and_then(|s| s.timestamp).unwrap_or(0.0);
    tasks.sort_by(|a, b| first_seen(a).total_cmp(&first_seen(b)));
    if !query.ascending {
        tasks.reverse();
    }
    let page = tasks.into_iter().skip(query.offset).take(query.limit);
    JsonText::object(4096 + query.limit.min(1000) * TASK_OWN_BYTES, |object| {
        write_tasks(object.array("tasks"), page)
    })
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
