//! The built-in executors of mesos-rs, separate programs the agent starts in a task's
//! container and that talk to it over the v1 executor API (scheduler-executor-api.md §4),
//! exactly as a custom executor would:
//!
//! - the **command executor** (`mesos-executor`) runs the one task it is given (shell or argv
//!   command), health-checks it, kills it with its kill policy and reports
//!   TASK_STARTING/RUNNING and a terminal state with the exit status in the message;
//! - the **default executor** (`mesos-default-executor`) runs task groups: every task of a
//!   group in its own process and sandbox (`tasks/<task id>`), and when one task fails the
//!   rest of its group is killed, as Mesos does.
//!
//! Both keep every update until the agent acknowledges it and every task until one of its
//! updates is acknowledged, and re-subscribe with those after an agent restart when the
//! framework checkpoints (`MESOS_CHECKPOINT=1`), for up to `MESOS_RECOVERY_TIMEOUT`.

pub mod health;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use mesos_containerizer::{Container, LaunchSpec};
use mesos_proto::v1::executor::{Event, call, event};
use mesos_proto::v1::{FrameworkInfo, TaskId, TaskInfo, TaskState, TaskStatus, framework_info, task_status};
use tokio::sync::mpsc;

use crate::health::HealthChange;
use mesos_framework::executor::{self as api, Agent, EventStream};

/// Grace period of a kill when neither the KILL nor the task names one (Mesos: 3 s).
pub const DEFAULT_KILL_GRACE: Duration = Duration::from_secs(3);

/// How long a finished executor waits for the agent to acknowledge its last updates.
pub const FINAL_ACK_WAIT: Duration = Duration::from_secs(60);

/// Which built-in executor to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One task per executor, run in the executor's sandbox.
    Command,
    /// Task groups, each task in `tasks/<id>` of the sandbox.
    Default,
}

/// Why the executor stopped early.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A variable the agent sets is missing or malformed.
    #[error("environment variable {0} is missing or invalid; this program is started by the mesos-rs agent")]
    Environment(&'static str),
    /// Talking to the agent failed.
    #[error(transparent)]
    Api(#[from] api::Error),
    /// The agent sent ERROR.
    #[error("the agent reported an error: {0}")]
    Agent(String),
}

/// What the agent told this executor through its environment (§4.4).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The agent and this executor's ids.
    pub agent: Agent,
    /// `MESOS_SANDBOX` (or `MESOS_DIRECTORY`).
    pub sandbox: PathBuf,
    /// `MESOS_CHECKPOINT == "1"`.
    pub checkpoint: bool,
    /// `MESOS_RECOVERY_TIMEOUT`.
    pub recovery_timeout: Duration,
    /// `MESOS_SUBSCRIPTION_BACKOFF_MAX`.
    pub subscription_backoff_max: Duration,
    /// `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD`.
    pub shutdown_grace_period: Duration,
}

impl Settings {
    /// Reads the settings from environment variables.
    pub fn from_vars(vars: &BTreeMap<String, String>) -> Result<Settings, Error> {
        let duration = |name: &'static str, default: Duration| match vars.get(name) {
            None => Ok(default),
            Some(text) => mesos_flags::units::parse_duration(text).map_err(|_| Error::Environment(name)),
        };
        let agent = Agent::from_vars(vars).map_err(|e| match e {
            api::Error::Environment(name) => Error::Environment(name),
            _ => Error::Environment("MESOS_AGENT_ENDPOINT"),
        })?;
        let sandbox = vars
            .get("MESOS_SANDBOX")
            .or_else(|| vars.get("MESOS_DIRECTORY"))
            .ok_or(Error::Environment("MESOS_SANDBOX"))?;
        Ok(Settings {
            agent,
            sandbox: PathBuf::from(sandbox),
            checkpoint: vars.get("MESOS_CHECKPOINT").map(String::as_str) == Some("1"),
            recovery_timeout: duration("MESOS_RECOVERY_TIMEOUT", Duration::from_secs(15 * 60))?,
            subscription_backoff_max: duration("MESOS_SUBSCRIPTION_BACKOFF_MAX", Duration::from_secs(2))?,
            shutdown_grace_period: duration("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", Duration::from_secs(5))?,
        })
    }
}

/// The whole program: reads the environment, runs, and turns the outcome into an exit code.
pub fn main(mode: Mode) -> std::process::ExitCode {
    let vars: BTreeMap<String, String> = std::env::vars().collect();
    let settings = match Settings::from_vars(&vars) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return std::process::ExitCode::from(1);
        }
    };
    match runtime.block_on(run(mode, settings)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("executor failed: {error}");
            std::process::ExitCode::from(1)
        }
    }
}

enum Message {
    Event(Box<Event>),
    StreamEnded(String),
    Exited { task_id: String, status: Result<ExitStatus, String> },
}

struct Run {
    info: TaskInfo,
    kill: Option<mpsc::UnboundedSender<Duration>>,
    killing: bool,
    killed_by_health: bool,
    terminal: bool,
    group: usize,
    health: Option<tokio::task::JoinHandle<()>>,
}

struct Executor {
    mode: Mode,
    settings: Settings,
    framework: Option<FrameworkInfo>,
    runs: BTreeMap<String, Run>,
    groups: usize,
    unacknowledged_updates: Vec<TaskStatus>,
    unacknowledged_tasks: BTreeMap<String, TaskInfo>,
    shutting_down: bool,
    launched_any: bool,
    messages: mpsc::UnboundedSender<Message>,
    health: mpsc::UnboundedSender<HealthChange>,
    calls: mpsc::UnboundedSender<mesos_proto::v1::executor::Call>,
    /// Every task's kill switch, for the last resort of [`run`].
    kill_switches: std::sync::Arc<std::sync::Mutex<KillSwitches>>,
}

/// Runs the executor until its work is done (or the agent is gone for good, in which case
/// its tasks are killed first: nothing it started outlives it).
pub async fn run(mode: Mode, settings: Settings) -> Result<(), Error> {
    let mut runs_to_kill = None;
    let outcome = run_executor(mode, settings, &mut runs_to_kill).await;
    if outcome.is_err()
        && let Some(kill) = runs_to_kill
    {
        kill_everything(kill).await;
    }
    outcome
}

/// The kill switches of the tasks still running.
type KillSwitches = Vec<mpsc::UnboundedSender<Duration>>;

async fn kill_everything(kills: std::sync::Arc<std::sync::Mutex<KillSwitches>>) {
    let switches = match kills.lock() {
        Ok(mut guard) => std::mem::take(&mut *guard),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for switch in &switches {
        let _ = switch.send(Duration::ZERO);
    }
    // Let the waiters deliver the SIGKILLs.
    tokio::time::sleep(Duration::from_millis(200)).await;
}

async fn run_executor(
    mode: Mode,
    settings: Settings,
    runs_to_kill: &mut Option<std::sync::Arc<std::sync::Mutex<KillSwitches>>>,
) -> Result<(), Error> {
    let (messages_tx, mut messages) = mpsc::unbounded_channel();
    let (health_tx, mut health) = mpsc::unbounded_channel();
    let (calls_tx, calls) = mpsc::unbounded_channel();
    tokio::spawn(send_calls(settings.agent.clone(), calls));
    let mut executor = Executor {
        mode,
        settings,
        framework: None,
        runs: BTreeMap::new(),
        groups: 0,
        unacknowledged_updates: Vec::new(),
        unacknowledged_tasks: BTreeMap::new(),
        shutting_down: false,
        launched_any: false,
        messages: messages_tx,
        health: health_tx,
        calls: calls_tx,
        kill_switches: std::sync::Arc::new(std::sync::Mutex::new(Vec::new())),
    };
    *runs_to_kill = Some(executor.kill_switches.clone());
    let first_window = if executor.settings.checkpoint {
        executor.settings.recovery_timeout
    } else {
        Duration::from_secs(30)
    };
    let stream = executor.subscribe(first_window).await?;
    executor.read(stream);
    let mut finished_at: Option<tokio::time::Instant> = None;
    loop {
        if executor.all_done() {
            if executor.unacknowledged_updates.is_empty() {
                return Ok(());
            }
            let at = *finished_at.get_or_insert_with(|| tokio::time::Instant::now() + FINAL_ACK_WAIT);
            if tokio::time::Instant::now() >= at {
                tracing::warn!("exiting with updates the agent has not acknowledged");
                return Ok(());
            }
        }
        let wait = finished_at.map_or(Duration::from_secs(3600), |at| {
            at.saturating_duration_since(tokio::time::Instant::now())
        });
        tokio::select! {
            message = messages.recv() => match message {
                Some(Message::Event(event)) => executor.event(*event)?,
                Some(Message::StreamEnded(why)) => {
                    if executor.all_done() {
                        return Ok(());
                    }
                    if !executor.settings.checkpoint {
                        // The agent will not come back for a non-checkpointing executor.
                        tracing::warn!("lost the agent ({why}); killing the tasks and exiting");
                        executor.kill_all(Duration::ZERO);
                        executor.unacknowledged_updates.clear();
                        executor.shutting_down = true;
                        continue;
                    }
                    tracing::info!("lost the agent ({why}); subscribing again");
                    let window = executor.settings.recovery_timeout;
                    let stream = executor.subscribe(window).await?;
                    executor.read(stream);
                }
                Some(Message::Exited { task_id, status }) => executor.exited(&task_id, status),
                None => return Ok(()),
            },
            Some(change) = health.recv() => executor.health_changed(change),
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Sends calls one at a time, so a task's updates reach the agent in order.
async fn send_calls(agent: Agent, mut calls: mpsc::UnboundedReceiver<mesos_proto::v1::executor::Call>) {
    let mut connection = agent.connection();
    while let Some(call) = calls.recv().await {
        // A few tries a second apart: a lost TASK_FINISHED would otherwise wait for the next
        // SUBSCRIBE, which a healthy stream never needs.
        for attempt in 0..10 {
            match agent.send(&mut connection, &call).await {
                Ok(()) => break,
                Err(error @ api::Error::Refused { .. }) => {
                    tracing::warn!("the agent refused a call: {error}");
                    break;
                }
                Err(error) => {
                    tracing::warn!("call to the agent failed (attempt {}): {error}", attempt + 1);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

impl Executor {
    async fn subscribe(&self, window: Duration) -> Result<EventStream, Error> {
        let mut call = self.settings.agent.call(call::Type::Subscribe);
        call.subscribe = Some(call::Subscribe {
            unacknowledged_tasks: self.unacknowledged_tasks.values().cloned().collect(),
            unacknowledged_updates: self
                .unacknowledged_updates
                .iter()
                .map(|status| call::Update { status: status.clone() })
                .collect(),
        });
        let backoff_max = self.settings.subscription_backoff_max;
        Ok(self.settings.agent.subscribe_within(&call, window, backoff_max).await?)
    }

    fn read(&self, mut stream: EventStream) {
        let messages = self.messages.clone();
        tokio::spawn(async move {
            let why = loop {
                match stream.next().await {
                    Some(Ok(event)) => {
                        if messages.send(Message::Event(Box::new(event))).is_err() {
                            return;
                        }
                    }
                    Some(Err(error)) => break error.to_string(),
                    None => break "the agent closed the stream".to_string(),
                }
            };
            let _ = messages.send(Message::StreamEnded(why));
        });
    }

    fn all_done(&self) -> bool {
        (self.launched_any || self.shutting_down) && self.runs.values().all(|r| r.terminal)
    }

    fn event(&mut self, event: Event) -> Result<(), Error> {
        match event.r#type.and_then(|t| event::Type::try_from(t).ok()) {
            Some(event::Type::Subscribed) => {
                self.framework = event.subscribed.map(|s| s.framework_info);
            }
            Some(event::Type::Launch) => {
                if let Some(launch) = event.launch {
                    let group = self.next_group();
                    self.launch(launch.task, group);
                }
            }
            Some(event::Type::LaunchGroup) => {
                if let Some(launch) = event.launch_group {
                    let group = self.next_group();
                    for task in launch.task_group.tasks {
                        self.launch(task, group);
                    }
                }
            }
            Some(event::Type::Kill) => {
                if let Some(kill) = event.kill {
                    let grace = kill.kill_policy.as_ref().and_then(grace_of);
                    self.kill(&kill.task_id.value, grace, false);
                }
            }
            Some(event::Type::Acknowledged) => {
                if let Some(ack) = event.acknowledged {
                    self.unacknowledged_updates.retain(|s| s.uuid.as_deref() != Some(ack.uuid.as_slice()));
                    self.unacknowledged_tasks.remove(&ack.task_id.value);
                }
            }
            Some(event::Type::Shutdown) => {
                self.shutting_down = true;
                // Leave the agent time to see the terminal updates before it destroys us.
                let grace = self.settings.shutdown_grace_period.mul_f64(0.8);
                self.kill_all(grace);
            }
            Some(event::Type::Error) => {
                return Err(Error::Agent(event.error.map(|e| e.message).unwrap_or_default()));
            }
            Some(event::Type::Message) => tracing::info!("message from the scheduler"),
            _ => {}
        }
        Ok(())
    }

    fn next_group(&mut self) -> usize {
        self.groups += 1;
        self.groups
    }

    fn launch(&mut self, task: TaskInfo, group: usize) {
        let task_id = task.task_id.value.clone();
        self.launched_any = true;
        self.unacknowledged_tasks.insert(task_id.clone(), task.clone());
        let sandbox = match self.mode {
            Mode::Command => self.settings.sandbox.clone(),
            Mode::Default => self.settings.sandbox.join("tasks").join(&task_id),
        };
        let mut run = Run {
            info: task.clone(),
            kill: None,
            killing: false,
            killed_by_health: false,
            terminal: false,
            group,
            health: None,
        };
        let Some(command) = task.command.clone() else {
            run.terminal = true;
            self.runs.insert(task_id.clone(), run);
            self.update(
                &task_id,
                TaskState::TaskFailed,
                Some("The task has no command to run".into()),
                None,
                None,
            );
            return;
        };
        let environment = task_environment(&task, &sandbox);
        let spec = LaunchSpec {
            sandbox: sandbox.clone(),
            shell: command.shell != Some(false),
            value: command.value.clone().unwrap_or_default(),
            arguments: command.arguments.clone(),
            environment: environment.clone(),
            // The agent already started this executor as the task's user.
            user: None,
            // The task stays in the executor's session, so destroying the container gets it.
            grouping: mesos_containerizer::Grouping::Group,
        };
        self.update(&task_id, TaskState::TaskStarting, None, None, None);
        let mut container = match Container::launch(&spec) {
            Ok(container) => container,
            Err(error) => {
                run.terminal = true;
                self.runs.insert(task_id.clone(), run);
                self.update(
                    &task_id,
                    TaskState::TaskFailed,
                    Some(format!("Failed to launch the task: {error}")),
                    None,
                    None,
                );
                return;
            }
        };
        let (kill_tx, mut kill_rx) = mpsc::unbounded_channel::<Duration>();
        if let Ok(mut switches) = self.kill_switches.lock() {
            switches.push(kill_tx.clone());
        }
        run.kill = Some(kill_tx);
        let messages = self.messages.clone();
        let id = task_id.clone();
        tokio::spawn(async move {
            let kill = tokio::select! {
                status = container.wait() => {
                    let _ = messages.send(Message::Exited { task_id: id, status: status.map_err(|e| e.to_string()) });
                    return;
                }
                grace = kill_rx.recv() => grace.unwrap_or(Duration::ZERO),
            };
            let status = container.kill(kill).await.map_err(|e| e.to_string());
            let _ = messages.send(Message::Exited { task_id: id, status });
        });
        if let Some(check) = task.health_check.clone() {
            run.health = Some(tokio::spawn(health::run(
                task_id.clone(),
                check,
                sandbox,
                environment,
                self.health.clone(),
            )));
        }
        self.runs.insert(task_id.clone(), run);
        self.update(&task_id, TaskState::TaskRunning, None, None, None);
    }

    /// Kills a task: the KILL's grace period, else the task's kill policy, else 3 s.
    fn kill(&mut self, task_id: &str, grace: Option<Duration>, by_health: bool) {
        let task_killing = self.framework.as_ref().is_some_and(|f| {
            f.capabilities
                .iter()
                .any(|c| c.r#type == Some(framework_info::capability::Type::TaskKillingState as i32))
        });
        let Some(run) = self.runs.get_mut(task_id) else { return };
        if run.terminal || run.killing {
            return;
        }
        run.killing = true;
        run.killed_by_health = by_health;
        let grace =
            grace.or_else(|| run.info.kill_policy.as_ref().and_then(grace_of)).unwrap_or(DEFAULT_KILL_GRACE);
        if let Some(kill) = &run.kill {
            let _ = kill.send(grace);
        }
        if task_killing {
            self.update(task_id, TaskState::TaskKilling, None, None, None);
        }
    }

    fn kill_all(&mut self, grace: Duration) {
        let ids: Vec<String> =
            self.runs.iter().filter(|(_, r)| !r.terminal).map(|(id, _)| id.clone()).collect();
        for id in ids {
            self.kill(&id, Some(grace), false);
        }
    }

    fn exited(&mut self, task_id: &str, status: Result<ExitStatus, String>) {
        let Some(run) = self.runs.get_mut(task_id) else { return };
        run.terminal = true;
        if let Some(health) = run.health.take() {
            health.abort();
        }
        let how = match &status {
            Ok(status) => describe(status),
            Err(error) => format!("could not be waited for: {error}"),
        };
        let (state, message, reason, healthy) = if run.killed_by_health {
            (
                TaskState::TaskKilled,
                format!("Task was killed since health check failed; command {how}"),
                Some(task_status::Reason::ReasonTaskHealthCheckStatusUpdated),
                Some(false),
            )
        } else if run.killing {
            (TaskState::TaskKilled, format!("Command {how}"), None, None)
        } else if matches!(&status, Ok(s) if s.success()) {
            (TaskState::TaskFinished, format!("Command {how}"), None, None)
        } else {
            (TaskState::TaskFailed, format!("Command {how}"), None, None)
        };
        let group = run.group;
        let failed = state == TaskState::TaskFailed || run.killed_by_health;
        self.update(task_id, state, Some(message), reason, healthy);
        if self.mode == Mode::Default && failed {
            // One task of a group failing takes the whole group down.
            let siblings: Vec<String> = self
                .runs
                .iter()
                .filter(|(id, r)| r.group == group && !r.terminal && id.as_str() != task_id)
                .map(|(id, _)| id.clone())
                .collect();
            for id in siblings {
                self.kill(&id, None, false);
            }
        }
    }

    fn health_changed(&mut self, change: HealthChange) {
        let Some(run) = self.runs.get(&change.task_id) else { return };
        if run.terminal || run.killing {
            return;
        }
        self.update(
            &change.task_id,
            TaskState::TaskRunning,
            Some(if change.healthy { "Task is healthy" } else { "Task is unhealthy" }.to_string()),
            Some(task_status::Reason::ReasonTaskHealthCheckStatusUpdated),
            Some(change.healthy),
        );
        if change.kill {
            self.kill(&change.task_id, None, true);
        }
    }

    fn update(
        &mut self,
        task_id: &str,
        state: TaskState,
        message: Option<String>,
        reason: Option<task_status::Reason>,
        healthy: Option<bool>,
    ) {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let status = TaskStatus {
            task_id: TaskId { value: task_id.to_string() },
            state: state as i32,
            message,
            source: Some(task_status::Source::SourceExecutor as i32),
            reason: reason.map(|r| r as i32),
            executor_id: Some(self.settings.agent.executor_id.clone()),
            timestamp: Some(timestamp),
            uuid: Some(uuid::Uuid::new_v4().as_bytes().to_vec()),
            healthy,
            ..Default::default()
        };
        self.unacknowledged_updates.push(status.clone());
        let mut call = self.settings.agent.call(call::Type::Update);
        call.update = Some(call::Update { status });
        let _ = self.calls.send(call);
    }
}

fn grace_of(policy: &mesos_proto::v1::KillPolicy) -> Option<Duration> {
    policy.grace_period.as_ref().map(|d| Duration::from_nanos(u64::try_from(d.nanoseconds).unwrap_or(0)))
}

/// The task's environment: the executor's own, then the task's sandbox and ids, then the
/// command's variables (which win).
fn task_environment(task: &TaskInfo, sandbox: &std::path::Path) -> Vec<(String, String)> {
    let mut environment: BTreeMap<String, String> = std::env::vars().collect();
    environment.insert("MESOS_SANDBOX".into(), sandbox.display().to_string());
    environment.insert("MESOS_TASK_ID".into(), task.task_id.value.clone());
    if let Some(role) =
        task.resources.iter().find_map(|r| r.allocation_info.as_ref().and_then(|a| a.role.clone()))
    {
        environment.insert("MESOS_ALLOCATION_ROLE".into(), role);
    }
    for variable in task.command.iter().flat_map(|c| c.environment.iter()).flat_map(|e| &e.variables) {
        environment.insert(variable.name.clone(), variable.value.clone().unwrap_or_default());
    }
    environment.into_iter().collect()
}

/// "exited with status 3" / "terminated with signal 9".
fn describe(status: &ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("terminated with signal {signal}"),
        (None, None) => "ended".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn settings_come_from_the_agents_variables() {
        let settings = Settings::from_vars(&vars(&[
            ("MESOS_AGENT_ENDPOINT", "127.0.0.1:5051"),
            ("MESOS_FRAMEWORK_ID", "f"),
            ("MESOS_EXECUTOR_ID", "e"),
            ("MESOS_SANDBOX", "/tmp/s"),
            ("MESOS_CHECKPOINT", "1"),
            ("MESOS_RECOVERY_TIMEOUT", "15mins"),
            ("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "7secs"),
        ]))
        .expect("valid");
        assert_eq!(settings.agent.endpoint, "127.0.0.1:5051");
        assert!(settings.checkpoint);
        assert_eq!(settings.recovery_timeout, Duration::from_secs(900));
        assert_eq!(settings.shutdown_grace_period, Duration::from_secs(7));
        assert_eq!(settings.subscription_backoff_max, Duration::from_secs(2));
    }

    #[test]
    fn missing_or_bad_variables_are_named() {
        let error = Settings::from_vars(&vars(&[("MESOS_FRAMEWORK_ID", "f")])).expect_err("incomplete");
        assert!(error.to_string().contains("MESOS_AGENT_ENDPOINT"), "{error}");
        let error = Settings::from_vars(&vars(&[
            ("MESOS_AGENT_ENDPOINT", "a:1"),
            ("MESOS_FRAMEWORK_ID", "f"),
            ("MESOS_EXECUTOR_ID", "e"),
            ("MESOS_SANDBOX", "/s"),
            ("MESOS_RECOVERY_TIMEOUT", "soon"),
        ]))
        .expect_err("bad duration");
        assert!(error.to_string().contains("MESOS_RECOVERY_TIMEOUT"), "{error}");
    }

    #[test]
    fn exit_statuses_are_described_for_people() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(describe(&ExitStatus::from_raw(3 << 8)), "exited with status 3");
        assert_eq!(describe(&ExitStatus::from_raw(9)), "terminated with signal 9");
    }
}
