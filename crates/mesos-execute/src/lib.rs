//! `mesos-execute`: subscribes as a framework, runs one task (a command, a `--task` JSON
//! file) or task group (`--task_group`), prints every status update, and exits 0 only if
//! the task (every task of the group) finished. Mesos' flags.

use std::time::Duration;

use mesos_flags::{FlagError, Flags, Spec};
use mesos_framework::scheduler::{Config, Event, Scheduler, TypedOffer};
use mesos_proto::convert::{ResourceFormat, resources_to_proto};
use mesos_proto::v1::{
    CommandInfo, Environment, ExecutorId, ExecutorInfo, Filters, FrameworkInfo, TaskGroupInfo, TaskId,
    TaskInfo, TaskState, TaskStatus, environment, executor_info, framework_info, offer,
};
use mesos_types::Resources;

/// mesos-execute's flags.
pub const SPECS: &[Spec] = &[
    Spec::value(
        "master",
        None,
        "Master: host:port, http://host:port, zk://host:port/path (the leader) or file:///path (required)",
    ),
    Spec::value("name", Some("mesos-execute"), "Task name (and id prefix)"),
    Spec::value("command", None, "Shell command to run"),
    Spec::boolean("shell", true, "Run --command through /bin/sh -c"),
    Spec::value("resources", Some("cpus:1;mem:128"), "Resources of the task"),
    Spec::value("env", None, "Environment of the command, as a JSON object"),
    Spec::value("role", Some("*"), "Role to run under"),
    Spec::value("principal", None, "Principal of the framework"),
    Spec::value("secret", None, "Secret of the principal (used once authentication is supported)"),
    Spec::value("task", None, "A TaskInfo in JSON, or file:// path to one"),
    Spec::value("task_group", None, "A TaskGroupInfo in JSON, or file:// path to one"),
    Spec::boolean("checkpoint", false, "Checkpoint the task so it survives an agent restart"),
    Spec::value("kill_after", None, "Kill the task after this long (e.g. 10secs)"),
    Spec::value("framework_capabilities", None, "Comma-separated framework capabilities"),
    Spec::value("framework_name", Some("mesos-execute instance"), "Name of the framework"),
    Spec::value("connect_timeout", Some("15secs"), "Give up when no master answers for this long"),
];

/// Why mesos-execute stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    /// A flag is wrong.
    #[error(transparent)]
    Flag(#[from] FlagError),
    /// The framework library failed.
    #[error(transparent)]
    Scheduler(#[from] mesos_framework::scheduler::Error),
    /// The master refused or vanished.
    #[error("{0}")]
    Master(String),
    /// The task did not finish.
    #[error("{0}")]
    TaskFailed(String),
}

enum Work {
    Task(Box<TaskInfo>),
    Group(Box<ExecutorInfo>, TaskGroupInfo),
}

/// What to run and how, from the flags.
pub struct Plan {
    master: String,
    framework: FrameworkInfo,
    work: Work,
    resources: Resources,
    kill_after: Option<Duration>,
    connect_timeout: Duration,
}

fn json_flag(flags: &Flags, name: &str) -> Result<Option<serde_json::Value>, FlagError> {
    let invalid = |reason: String| FlagError::Invalid { flag: name.to_string(), reason };
    let Some(text) = flags.get(name) else { return Ok(None) };
    serde_json::from_str(text).map(Some).map_err(|e| invalid(format!("not JSON: {e}")))
}

impl Plan {
    /// Reads the flags.
    pub fn from_flags(flags: &Flags) -> Result<Plan, FlagError> {
        let invalid = |flag: &str, reason: String| FlagError::Invalid { flag: flag.to_string(), reason };
        let master = flags.required("master")?.to_string();
        let role = flags.get("role").unwrap_or("*").to_string();
        let user = std::env::var("USER").unwrap_or_else(|_| "root".to_string());
        let mut capabilities = vec![framework_info::Capability {
            r#type: Some(framework_info::capability::Type::MultiRole as i32),
        }];
        for name in flags
            .get("framework_capabilities")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            use mesos_proto::json::JsonEnum;
            let kind = framework_info::capability::Type::from_json_name(&name.to_ascii_uppercase())
                .and_then(|n| framework_info::capability::Type::try_from(n).ok())
                .ok_or_else(|| invalid("framework_capabilities", format!("unknown capability '{name}'")))?;
            if kind != framework_info::capability::Type::MultiRole {
                capabilities.push(framework_info::Capability { r#type: Some(kind as i32) });
            }
        }
        if flags.get("secret").is_some() {
            eprintln!("mesos-execute: authentication is not supported by mesos-rs yet; --secret is not used");
        }
        let framework = FrameworkInfo {
            user,
            name: flags.get("framework_name").unwrap_or("mesos-execute instance").to_string(),
            roles: vec![role.clone()],
            checkpoint: Some(flags.bool("checkpoint")),
            principal: flags.get("principal").map(String::from),
            capabilities,
            ..Default::default()
        };
        let resources = Resources::parse(flags.get("resources").unwrap_or("cpus:1;mem:128"), "*")
            .map_err(|e| invalid("resources", e.to_string()))?;
        let name = flags.get("name").unwrap_or("mesos-execute").to_string();
        let work = if let Some(task) = json_flag(flags, "task")? {
            let task: TaskInfo =
                mesos_proto::json::from_json_value(&task).map_err(|e| invalid("task", e.to_string()))?;
            Work::Task(Box::new(task))
        } else if let Some(group) = json_flag(flags, "task_group")? {
            let group: TaskGroupInfo = mesos_proto::json::from_json_value(&group)
                .map_err(|e| invalid("task_group", e.to_string()))?;
            let executor = ExecutorInfo {
                r#type: Some(executor_info::Type::Default as i32),
                executor_id: ExecutorId { value: format!("default-executor-{name}") },
                resources: resources_to_proto(
                    &Resources::parse("cpus:0.1;mem:32;disk:32", "*").unwrap_or_default(),
                    ResourceFormat::CANONICAL,
                ),
                ..Default::default()
            };
            Work::Group(Box::new(executor), group)
        } else {
            let command = flags.get("command").ok_or_else(|| FlagError::Invalid {
                flag: "command".into(),
                reason: "give --command, --task or --task_group".into(),
            })?;
            let environment = match json_flag(flags, "env")? {
                None => None,
                Some(serde_json::Value::Object(map)) => Some(Environment {
                    variables: map
                        .into_iter()
                        .map(|(name, value)| environment::Variable {
                            name,
                            value: Some(
                                value.as_str().map(String::from).unwrap_or_else(|| value.to_string()),
                            ),
                            ..Default::default()
                        })
                        .collect(),
                }),
                Some(_) => return Err(invalid("env", "must be a JSON object of names to values".into())),
            };
            let shell = flags.bool("shell");
            let tokens: Vec<String> = command.split_whitespace().map(String::from).collect();
            if tokens.is_empty() {
                return Err(invalid("command", "is empty".into()));
            }
            // Without a shell, the first word is the program and all words are its argv.
            let command = CommandInfo {
                value: Some(if shell { command.to_string() } else { tokens[0].clone() }),
                shell: Some(shell),
                arguments: if shell { Vec::new() } else { tokens },
                environment,
                ..Default::default()
            };
            Work::Task(Box::new(TaskInfo {
                name: name.clone(),
                task_id: TaskId { value: name },
                command: Some(command),
                ..Default::default()
            }))
        };
        Ok(Plan {
            master,
            framework,
            work,
            resources,
            kill_after: flags.duration("kill_after")?,
            connect_timeout: flags.duration("connect_timeout")?.unwrap_or(Duration::from_secs(15)),
        })
    }
}

/// Runs the plan; `Ok` only when everything finished. Every update is printed to stdout.
pub async fn run(plan: Plan) -> Result<(), ExecuteError> {
    let mut config = Config::new(plan.master.clone(), plan.framework.clone());
    config.give_up_after = Some(plan.connect_timeout);
    let mut scheduler = Scheduler::start(config)?;
    let task_ids: Vec<TaskId> = match &plan.work {
        Work::Task(task) => vec![task.task_id.clone()],
        Work::Group(_, group) => group.tasks.iter().map(|t| t.task_id.clone()).collect(),
    };
    let mut launched = false;
    let mut finished = std::collections::BTreeMap::new();
    let mut kill_at: Option<tokio::time::Instant> = None;
    loop {
        let wait = kill_at.map_or(Duration::from_secs(3600), |at| {
            at.saturating_duration_since(tokio::time::Instant::now())
        });
        let event = tokio::select! {
            event = scheduler.next() => event,
            () = tokio::time::sleep(wait), if kill_at.is_some() => {
                kill_at = None;
                for id in &task_ids {
                    println!("Killing task '{}' after --kill_after", id.value);
                    if let Err(error) = scheduler.client().kill(id.clone(), None).await {
                        // Try again shortly (the driver may be re-subscribing).
                        eprintln!("killing task '{}' failed, retrying: {error}", id.value);
                        kill_at = Some(tokio::time::Instant::now() + Duration::from_secs(1));
                    }
                }
                continue;
            }
        };
        let Some(event) = event else {
            return Err(ExecuteError::Master("the scheduler driver stopped".into()));
        };
        match event {
            Event::Registered { framework_id, reregistered, .. } => {
                println!(
                    "Subscribed with ID {}{}",
                    framework_id.value,
                    if reregistered { " (again)" } else { "" }
                );
            }
            Event::Offers(offers) => {
                for offer in offers {
                    if launched || !fits(&offer, &plan) {
                        let refuse = Filters { refuse_seconds: Some(if launched { 3600.0 } else { 1.0 }) };
                        // A decline that does not get through changes nothing that matters.
                        if let Err(error) =
                            scheduler.client().decline(vec![offer.offer.id.clone()], Some(refuse)).await
                        {
                            tracing::warn!("declining an offer failed: {error}");
                        }
                        continue;
                    }
                    launch(&scheduler, &offer, &plan).await?;
                    launched = true;
                }
            }
            Event::Update(status) => {
                print_update(&status);
                let state = TaskState::try_from(status.state).unwrap_or(TaskState::TaskLost);
                if state == TaskState::TaskRunning
                    && kill_at.is_none()
                    && let Some(after) = plan.kill_after
                {
                    kill_at = Some(tokio::time::Instant::now() + after);
                }
                if state.is_terminal() {
                    finished.insert(status.task_id.value.clone(), status);
                    if finished.len() == task_ids.len() {
                        // Let the implicit acknowledgements go out, then leave.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        let _ = scheduler.client().teardown().await;
                        return outcome(&finished);
                    }
                }
            }
            Event::Error(message) => return Err(ExecuteError::Master(message)),
            Event::Disconnected => println!("Disconnected from the master; re-subscribing"),
            Event::AgentLost(agent) => println!("Agent {} lost", agent.value),
            Event::ExecutorLost { executor_id, status, .. } => {
                println!("Executor {} lost (status {})", executor_id.value, status.unwrap_or(-1));
            }
            Event::Rescinded(_) | Event::Message { .. } => {}
        }
    }
}

/// What the launch will take: each task's own resources (or `--resources` for a task that
/// names none), plus the group's executor.
fn needed(plan: &Plan) -> Resources {
    let of = |task: &TaskInfo| {
        if task.resources.is_empty() {
            plan.resources.clone()
        } else {
            mesos_proto::convert::resources_from_proto(&task.resources).unwrap_or_default()
        }
    };
    match &plan.work {
        Work::Task(task) => of(task),
        Work::Group(executor, group) => {
            let mut needed =
                mesos_proto::convert::resources_from_proto(&executor.resources).unwrap_or_default();
            for task in &group.tasks {
                needed += of(task);
            }
            needed
        }
    }
}

fn fits(offer: &TypedOffer, plan: &Plan) -> bool {
    let needed = needed(plan);
    // Compare amounts: the offer's resources carry their allocation role, the request does not.
    needed.iter().map(|r| r.name.clone()).all(|name| offer.resources.scalar(&name) >= needed.scalar(&name))
}

async fn launch(scheduler: &Scheduler, offer: &TypedOffer, plan: &Plan) -> Result<(), ExecuteError> {
    let role = plan.framework.roles.first().cloned().unwrap_or_else(|| "*".into());
    let allocated = |resources: &Resources| {
        let mut resources = resources.clone();
        resources.allocate(&role);
        resources_to_proto(&resources, ResourceFormat::CANONICAL)
    };
    let agent_id = offer.offer.agent_id.clone();
    let operation = match &plan.work {
        Work::Task(task) => {
            let mut task = (**task).clone();
            task.agent_id = agent_id;
            if task.resources.is_empty() {
                task.resources = allocated(&plan.resources);
            }
            offer::Operation {
                r#type: Some(offer::operation::Type::Launch as i32),
                launch: Some(offer::operation::Launch { task_infos: vec![task] }),
                ..Default::default()
            }
        }
        Work::Group(executor, group) => {
            let mut executor = (**executor).clone();
            if let Ok(resources) = mesos_proto::convert::resources_from_proto(&executor.resources) {
                executor.resources = allocated(&resources);
            }
            executor.framework_id = scheduler.client().framework_id();
            let mut group = group.clone();
            for task in &mut group.tasks {
                task.agent_id = agent_id.clone();
                if task.resources.is_empty() {
                    task.resources = allocated(&plan.resources);
                }
            }
            offer::Operation {
                r#type: Some(offer::operation::Type::LaunchGroup as i32),
                launch_group: Some(offer::operation::LaunchGroup { executor, task_group: group }),
                ..Default::default()
            }
        }
    };
    println!("Submitted task(s) on agent {} ({})", offer.offer.agent_id.value, offer.offer.hostname);
    scheduler.client().accept(vec![offer.offer.id.clone()], vec![operation], None).await?;
    Ok(())
}

fn print_update(status: &TaskStatus) {
    use mesos_proto::json::JsonEnum;
    let state = TaskState::json_name(status.state).unwrap_or("UNKNOWN");
    println!("Received status update {state} for task '{}'", status.task_id.value);
    if let Some(message) = status.message.as_deref().filter(|m| !m.is_empty()) {
        println!("  message: '{message}'");
    }
    if let Some(source) = status.source {
        println!(
            "  source: {}",
            mesos_proto::v1::task_status::Source::json_name(source).unwrap_or("UNKNOWN")
        );
    }
    if let Some(reason) = status.reason {
        println!(
            "  reason: {}",
            mesos_proto::v1::task_status::Reason::json_name(reason).unwrap_or("UNKNOWN")
        );
    }
    if let Some(healthy) = status.healthy {
        println!("  healthy?: {healthy}");
    }
}

fn outcome(finished: &std::collections::BTreeMap<String, TaskStatus>) -> Result<(), ExecuteError> {
    let failures: Vec<String> = finished
        .values()
        .filter(|s| s.state != TaskState::TaskFinished as i32)
        .map(|s| {
            let state = <TaskState as mesos_proto::json::JsonEnum>::json_name(s.state).unwrap_or("UNKNOWN");
            format!(
                "task '{}' ended {state}: {}",
                s.task_id.value,
                s.message.as_deref().unwrap_or("(no message)")
            )
        })
        .collect();
    if failures.is_empty() { Ok(()) } else { Err(ExecuteError::TaskFailed(failures.join("; "))) }
}
