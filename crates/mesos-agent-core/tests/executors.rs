//! The agent core's executor and task lifecycle, driven without I/O: the master's events and
//! the executor's calls go in, launches, executor events and status updates come out.

use std::time::Duration;

use mesos_agent_core::executors::{ExecutorCallError, ExecutorState};
use mesos_agent_core::{AgentConfig, AgentCore, Output};
use mesos_proto::internal::agent_event::{Acknowledge, KillTask, Registered, RunTask, RunTaskGroup};
use mesos_proto::internal::{AgentCall, AgentEvent, agent_call, agent_event};
use mesos_proto::v1::executor::{Call, call, event};
use mesos_proto::v1::{
    AgentInfo, CommandInfo, ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, MasterInfo, TaskGroupInfo,
    TaskId, TaskInfo, TaskState, TaskStatus, executor_info, task_status,
};
use mesos_types::Time;

const FW: &str = "fw-1";

fn secs(s: u64) -> Time {
    Time::from_nanos(s * 1_000_000_000)
}

/// A registered agent with id `a-S0`.
fn agent() -> AgentCore {
    let info = AgentInfo { hostname: "h".into(), ..Default::default() };
    let config = AgentConfig {
        launcher_dir: "/opt/mesos".into(),
        executor_registration_timeout: Duration::from_secs(60),
        ..AgentConfig::with_defaults(info, "/work", "127.0.0.1:5051")
    };
    let mut core = AgentCore::new(config, None);
    core.start(secs(0));
    let at = core.poll_timeout().expect("an attempt");
    core.handle_timeout(at);
    drain(&mut core);
    core.stream_event(
        secs(1),
        AgentEvent {
            r#type: Some(agent_event::Type::Registered as i32),
            registered: Some(Box::new(Registered {
                agent_id: mesos_proto::v1::AgentId { value: "a-S0".into() },
                master_info: MasterInfo::default(),
                ping_interval_seconds: Some(15.0),
            })),
            ..Default::default()
        },
    );
    drain(&mut core);
    core
}

fn drain(core: &mut AgentCore) -> Vec<Output> {
    std::iter::from_fn(|| core.poll_output()).collect()
}

fn framework() -> FrameworkInfo {
    FrameworkInfo {
        id: Some(FrameworkId { value: FW.into() }),
        name: "test".into(),
        user: "nobody".into(),
        ..Default::default()
    }
}

fn command_task(id: &str) -> TaskInfo {
    TaskInfo {
        name: id.into(),
        task_id: TaskId { value: id.into() },
        command: Some(CommandInfo { value: Some("sleep 100".into()), ..Default::default() }),
        ..Default::default()
    }
}

fn run(core: &mut AgentCore, task: TaskInfo) -> Vec<Output> {
    run_for(core, framework(), task)
}

fn run_for(core: &mut AgentCore, framework: FrameworkInfo, task: TaskInfo) -> Vec<Output> {
    core.stream_event(
        secs(2),
        AgentEvent {
            r#type: Some(agent_event::Type::RunTask as i32),
            run_task: Some(Box::new(RunTask { framework, task })),
            ..Default::default()
        },
    );
    drain(core)
}

/// Runs the agent to its next registration attempt: when, and the REREGISTER it sends.
fn next_reregistration(core: &mut AgentCore) -> (Time, agent_call::Reregister) {
    let at = core.poll_timeout().expect("an attempt");
    core.handle_timeout(at);
    let call = drain(core)
        .into_iter()
        .find_map(|o| match o {
            Output::OpenStream(call) => Some(call),
            _ => None,
        })
        .expect("re-registers");
    (at, call.reregister.expect("REREGISTER"))
}

/// The test framework with `checkpoint` set: its tasks survive a lost master connection.
fn checkpointing_framework() -> FrameworkInfo {
    FrameworkInfo { checkpoint: Some(true), ..framework() }
}

fn executor_call(executor: &str, kind: call::Type) -> Call {
    Call {
        executor_id: ExecutorId { value: executor.into() },
        framework_id: FrameworkId { value: FW.into() },
        r#type: Some(kind as i32),
        ..Default::default()
    }
}

fn subscribe(core: &mut AgentCore, connection: u64, executor: &str) -> Vec<Output> {
    let mut call = executor_call(executor, call::Type::Subscribe);
    call.subscribe = Some(call::Subscribe::default());
    core.executor_subscribe(secs(3), connection, call).expect("subscribes");
    drain(core)
}

fn uuid(n: u8) -> Vec<u8> {
    let mut uuid = [n; 16];
    uuid[6] = 0x40 | (n & 0x0f);
    uuid[8] = 0x80 | (n & 0x3f);
    uuid.to_vec()
}

fn update(core: &mut AgentCore, executor: &str, task: &str, state: TaskState, n: u8) -> Vec<Output> {
    let mut call = executor_call(executor, call::Type::Update);
    call.update = Some(call::Update {
        status: TaskStatus {
            task_id: TaskId { value: task.into() },
            state: state as i32,
            source: Some(task_status::Source::SourceExecutor as i32),
            uuid: Some(uuid(n)),
            ..Default::default()
        },
    });
    core.executor_call(secs(4), call).expect("update accepted");
    drain(core)
}

fn events(outputs: &[Output]) -> Vec<event::Type> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::ToExecutor { event, .. } => event.r#type.and_then(|t| event::Type::try_from(t).ok()),
            _ => None,
        })
        .collect()
}

fn updates_sent(outputs: &[Output]) -> Vec<(String, TaskState, Option<task_status::Reason>)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Send(call) => call.status_update.as_ref().map(|u| {
                (
                    u.status.task_id.value.clone(),
                    TaskState::try_from(u.status.state).unwrap_or(TaskState::TaskLost),
                    u.status.reason.and_then(|r| task_status::Reason::try_from(r).ok()),
                )
            }),
            _ => None,
        })
        .collect()
}

fn ack(core: &mut AgentCore, outputs: &[Output]) {
    for output in outputs {
        if let Output::Send(call) = output
            && let Some(update) = &call.status_update
        {
            core.stream_event(
                secs(5),
                AgentEvent {
                    r#type: Some(agent_event::Type::Acknowledge as i32),
                    acknowledge: Some(Acknowledge {
                        framework_id: FrameworkId { value: FW.into() },
                        task_id: update.status.task_id.clone(),
                        uuid: update.status.uuid.clone().unwrap_or_default(),
                    }),
                    ..Default::default()
                },
            );
        }
    }
}

/// The master shuts the test framework down at `at` seconds.
fn shutdown_framework(core: &mut AgentCore, at: u64) {
    core.stream_event(
        secs(at),
        AgentEvent {
            r#type: Some(agent_event::Type::ShutdownFramework as i32),
            shutdown_framework: Some(agent_event::ShutdownFramework {
                framework_id: FrameworkId { value: FW.into() },
            }),
            ..Default::default()
        },
    );
}

/// The master asks the agent to kill `task` at `at` seconds.
fn kill(core: &mut AgentCore, at: u64, task: &str, kill_policy: Option<mesos_proto::v1::KillPolicy>) {
    core.stream_event(
        secs(at),
        AgentEvent {
            r#type: Some(agent_event::Type::KillTask as i32),
            kill_task: Some(KillTask {
                framework_id: FrameworkId { value: FW.into() },
                task_id: TaskId { value: task.into() },
                kill_policy,
            }),
            ..Default::default()
        },
    );
}

fn launched(outputs: &[Output]) -> &mesos_agent_core::executors::ContainerLaunch {
    outputs
        .iter()
        .find_map(|o| match o {
            Output::LaunchContainer(launch) => Some(launch.as_ref()),
            _ => None,
        })
        .expect("a container launch")
}

#[test]
fn a_command_task_runs_under_a_generated_command_executor_to_completion() {
    let mut core = agent();
    let outputs = run(&mut core, command_task("t1"));
    let launch = launched(&outputs);
    assert_eq!(launch.executor_id, "t1", "the command executor takes the task's id");
    assert_eq!(launch.command.value.as_deref(), Some("/opt/mesos/mesos-executor"));
    assert_eq!(
        launch.directory,
        format!("/work/slaves/a-S0/frameworks/{FW}/executors/t1/runs/{}", launch.container_id)
    );
    let env: std::collections::BTreeMap<_, _> = launch.environment.iter().cloned().collect();
    assert_eq!(env["MESOS_EXECUTOR_ID"], "t1");
    assert_eq!(env["MESOS_AGENT_ENDPOINT"], "127.0.0.1:5051");
    assert_eq!(env["MESOS_DIRECTORY"], launch.directory);
    assert_eq!(launch.user.as_deref(), Some("nobody"), "--switch_user runs as the framework's user");
    assert!(updates_sent(&outputs).is_empty(), "nothing is reported while the executor starts");

    let outputs = subscribe(&mut core, 7, "t1");
    assert_eq!(events(&outputs), vec![event::Type::Subscribed, event::Type::Launch]);
    let Output::ToExecutor { event, .. } = &outputs[0] else { panic!("SUBSCRIBED first") };
    let subscribed = event.subscribed.as_ref().expect("body");
    assert_eq!(subscribed.framework_info.id.as_ref().map(|i| i.value.as_str()), Some(FW));
    assert_eq!(subscribed.agent_info.id.as_ref().map(|i| i.value.as_str()), Some("a-S0"));

    let outputs = update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    assert_eq!(events(&outputs), vec![event::Type::Acknowledged]);
    assert_eq!(updates_sent(&outputs), vec![("t1".into(), TaskState::TaskRunning, None)]);
    ack(&mut core, &outputs);
    let outputs = update(&mut core, "t1", "t1", TaskState::TaskFinished, 2);
    assert_eq!(updates_sent(&drain_after(&outputs)), vec![("t1".into(), TaskState::TaskFinished, None)]);
    // The same update again (an executor retrying) is acknowledged but not forwarded twice.
    let again = update(&mut core, "t1", "t1", TaskState::TaskFinished, 2);
    assert_eq!(events(&again), vec![event::Type::Acknowledged]);
    assert!(updates_sent(&again).is_empty());
    ack(&mut core, &outputs);

    // The executor exits after its task: no extra update, and the command executor's end
    // is not reported to the master (it never knew of it).
    let container = core.frameworks()[FW].executors["t1"].container_id.clone();
    core.container_exited(secs(6), &container, Some(0));
    let outputs = drain(&mut core);
    assert!(updates_sent(&outputs).is_empty());
    assert!(!outputs.iter().any(|o| matches!(o, Output::Send(c) if c.executor_exited.is_some())));
    assert!(core.frameworks().is_empty(), "the framework's last executor ended");
    let completed = &core.completed_frameworks()[0].completed_executors[0];
    assert_eq!(completed.completed_tasks[0].state, TaskState::TaskFinished);
}

fn drain_after(outputs: &[Output]) -> Vec<Output> {
    outputs.to_vec()
}

#[test]
fn an_executor_that_never_subscribes_is_destroyed_and_its_tasks_fail() {
    let mut core = agent();
    let outputs = run(&mut core, command_task("t1"));
    let container = launched(&outputs).container_id.clone();
    core.handle_timeout(secs(2) + Duration::from_secs(60));
    let outputs = drain(&mut core);
    assert!(outputs.contains(&Output::DestroyContainer { container_id: container.clone() }));
    core.container_exited(secs(70), &container, Some(9));
    let outputs = drain(&mut core);
    assert_eq!(
        updates_sent(&outputs),
        vec![(
            "t1".into(),
            TaskState::TaskFailed,
            Some(task_status::Reason::ReasonExecutorRegistrationTimeout)
        )]
    );
}

#[test]
fn a_custom_executor_that_dies_fails_its_running_tasks_and_the_master_hears_of_it() {
    let mut core = agent();
    let mut task = command_task("t1");
    task.command = None;
    task.executor = Some(ExecutorInfo {
        executor_id: ExecutorId { value: "ex".into() },
        command: Some(CommandInfo { value: Some("./my-executor".into()), ..Default::default() }),
        ..Default::default()
    });
    let outputs = run(&mut core, task);
    assert_eq!(launched(&outputs).command.value.as_deref(), Some("./my-executor"));
    let container = launched(&outputs).container_id.clone();
    subscribe(&mut core, 1, "ex");
    let outputs = update(&mut core, "ex", "t1", TaskState::TaskRunning, 1);
    ack(&mut core, &outputs);
    core.container_exited(secs(9), &container, Some(3 << 8));
    let outputs = drain(&mut core);
    assert!(outputs.contains(&Output::CloseExecutorStream { connection: 1 }));
    let sent = updates_sent(&outputs);
    assert_eq!(
        sent,
        vec![("t1".into(), TaskState::TaskFailed, Some(task_status::Reason::ReasonExecutorTerminated))]
    );
    let message = outputs
        .iter()
        .find_map(|o| match o {
            Output::Send(c) => c.status_update.as_ref().and_then(|u| u.status.message.clone()),
            _ => None,
        })
        .expect("a message");
    assert!(message.contains("exited with status 3"), "{message}");
    let exited: Vec<&AgentCall> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Send(c) if c.r#type == Some(agent_call::Type::ExecutorExited as i32) => Some(c.as_ref()),
            _ => None,
        })
        .collect();
    assert_eq!(exited.len(), 1);
    assert_eq!(exited[0].executor_exited.as_ref().map(|e| e.status), Some(3 << 8));
}

#[test]
fn killing_a_queued_task_reports_it_killed_and_stops_the_idle_executor() {
    let mut core = agent();
    let outputs = run(&mut core, command_task("t1"));
    let container = launched(&outputs).container_id.clone();
    kill(&mut core, 3, "t1", None);
    let outputs = drain(&mut core);
    assert_eq!(
        updates_sent(&outputs),
        vec![("t1".into(), TaskState::TaskKilled, Some(task_status::Reason::ReasonTaskKilledDuringLaunch))]
    );
    assert!(outputs.contains(&Output::DestroyContainer { container_id: container }));
    // An executor subscribing late is told to shut down.
    let outputs = subscribe(&mut core, 4, "t1");
    assert_eq!(events(&outputs), vec![event::Type::Shutdown]);
}

#[test]
fn killing_a_delivered_task_goes_to_the_executor_with_the_policy() {
    let mut core = agent();
    run(&mut core, command_task("t1"));
    subscribe(&mut core, 1, "t1");
    let policy = mesos_proto::v1::KillPolicy {
        grace_period: Some(mesos_proto::v1::DurationInfo { nanoseconds: 2_000_000_000 }),
    };
    kill(&mut core, 3, "t1", Some(policy));
    let outputs = drain(&mut core);
    let Some(Output::ToExecutor { connection: 1, event }) = outputs.first() else { panic!("{outputs:?}") };
    let kill = event.kill.as_ref().expect("KILL");
    assert_eq!(kill.task_id.value, "t1");
    assert_eq!(kill.kill_policy, Some(policy));
    assert!(updates_sent(&outputs).is_empty(), "the executor reports the kill itself");
}

#[test]
fn calls_for_unknown_frameworks_or_executors_and_invalid_calls_are_refused() {
    let mut core = agent();
    run(&mut core, command_task("t1"));
    let mut call = executor_call("t1", call::Type::Subscribe);
    call.subscribe = Some(call::Subscribe::default());
    let mut wrong_framework = call.clone();
    wrong_framework.framework_id.value = "other".into();
    assert_eq!(
        core.executor_subscribe(secs(3), 1, wrong_framework),
        Err(ExecutorCallError::FrameworkNotFound)
    );
    let mut wrong_executor = call.clone();
    wrong_executor.executor_id.value = "other".into();
    assert_eq!(core.executor_subscribe(secs(3), 1, wrong_executor), Err(ExecutorCallError::ExecutorNotFound));
    let mut staging = executor_call("t1", call::Type::Update);
    staging.update = Some(call::Update {
        status: TaskStatus {
            task_id: TaskId { value: "t1".into() },
            state: TaskState::TaskStaging as i32,
            source: Some(task_status::Source::SourceExecutor as i32),
            uuid: Some(uuid(1)),
            ..Default::default()
        },
    });
    assert!(matches!(core.executor_call(secs(3), staging), Err(ExecutorCallError::Invalid(_))));
    assert!(drain(&mut core).is_empty(), "refused calls change nothing");
    assert_eq!(core.frameworks()[FW].executors["t1"].state, ExecutorState::Registering);
}

#[test]
fn a_task_group_is_delivered_whole_to_the_default_executor() {
    let mut core = agent();
    let executor = ExecutorInfo {
        r#type: Some(executor_info::Type::Default as i32),
        executor_id: ExecutorId { value: "default".into() },
        ..Default::default()
    };
    core.stream_event(
        secs(2),
        AgentEvent {
            r#type: Some(agent_event::Type::RunTaskGroup as i32),
            run_task_group: Some(Box::new(RunTaskGroup {
                framework: framework(),
                executor,
                task_group: TaskGroupInfo { tasks: vec![command_task("a"), command_task("b")] },
            })),
            ..Default::default()
        },
    );
    let outputs = drain(&mut core);
    assert_eq!(launched(&outputs).command.value.as_deref(), Some("/opt/mesos/mesos-default-executor"));
    let outputs = subscribe(&mut core, 2, "default");
    assert_eq!(events(&outputs), vec![event::Type::Subscribed, event::Type::LaunchGroup]);
    let Output::ToExecutor { event, .. } = &outputs[1] else { panic!() };
    let tasks = &event.launch_group.as_ref().expect("group").task_group.tasks;
    assert_eq!(tasks.len(), 2);
    assert!(tasks.iter().all(|t| t.executor.as_ref().is_some_and(|e| e.executor_id.value == "default")));
}

#[test]
fn shutdown_sends_shutdown_then_destroys_after_the_grace_period() {
    let mut core = agent();
    let outputs = run(&mut core, command_task("t1"));
    let container = launched(&outputs).container_id.clone();
    subscribe(&mut core, 1, "t1");
    core.stream_event(
        secs(3),
        AgentEvent {
            r#type: Some(agent_event::Type::ShutdownFramework as i32),
            shutdown_framework: Some(agent_event::ShutdownFramework {
                framework_id: FrameworkId { value: FW.into() },
            }),
            ..Default::default()
        },
    );
    assert_eq!(events(&drain(&mut core)), vec![event::Type::Shutdown]);
    core.handle_timeout(secs(4));
    assert!(!drain(&mut core).iter().any(|o| matches!(o, Output::DestroyContainer { .. })));
    core.handle_timeout(secs(8));
    assert!(drain(&mut core).contains(&Output::DestroyContainer { container_id: container }));
}

#[test]
fn a_lost_master_connection_kills_the_tasks_of_frameworks_that_do_not_checkpoint() {
    // The master reports them lost when the connection drops; they must not come back.
    let mut core = agent();
    let outputs = run(&mut core, command_task("t1"));
    let container = launched(&outputs).container_id.clone();
    subscribe(&mut core, 1, "t1");
    update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    core.stream_closed(secs(5));
    let outputs = drain(&mut core);
    assert!(outputs.contains(&Output::DestroyContainer { container_id: container.clone() }), "{outputs:?}");
    let (at, reregister) = next_reregistration(&mut core);
    assert!(reregister.tasks.is_empty(), "the killed task is not reported: {:?}", reregister.tasks);
    assert!(reregister.frameworks.is_empty());
    core.container_exited(at, &container, Some(9));
    let outputs = drain(&mut core);
    assert!(updates_sent(&outputs).is_empty(), "no update follows the master's TASK_LOST: {outputs:?}");
}

#[test]
fn reregistration_reports_the_tasks_the_agent_holds() {
    let mut core = agent();
    run_for(&mut core, checkpointing_framework(), command_task("t1"));
    subscribe(&mut core, 1, "t1");
    for output in update(&mut core, "t1", "t1", TaskState::TaskRunning, 1) {
        // The shell writes the update's record.
        if let Output::CheckpointUpdate {
            key,
            record: mesos_agent_core::status_updates::Record::Update(status),
            ..
        } = output
        {
            core.update_checkpointed(secs(4), &key, &status.uuid.unwrap_or_default(), true);
        }
    }
    core.stream_closed(secs(5));
    let (_, reregister) = next_reregistration(&mut core);
    assert_eq!(reregister.tasks.len(), 1);
    assert_eq!(reregister.tasks[0].state, TaskState::TaskRunning as i32);
    assert_eq!(reregister.tasks[0].executor_id, None, "command executors are the agent's business");
    assert!(reregister.executors.is_empty());
    assert_eq!(reregister.frameworks.len(), 1);
}

#[test]
fn a_resubscribing_executor_replays_updates_and_staging_tasks_it_lost_are_reported() {
    let mut core = agent();
    run(&mut core, command_task("t1"));
    subscribe(&mut core, 1, "t1");
    update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    core.executor_stream_closed(1);
    let mut call = executor_call("t1", call::Type::Subscribe);
    let replayed = call::Update {
        status: TaskStatus {
            task_id: TaskId { value: "t1".into() },
            state: TaskState::TaskRunning as i32,
            source: Some(task_status::Source::SourceExecutor as i32),
            uuid: Some(uuid(1)),
            ..Default::default()
        },
    };
    call.subscribe =
        Some(call::Subscribe { unacknowledged_tasks: vec![], unacknowledged_updates: vec![replayed] });
    core.executor_subscribe(secs(6), 2, call).expect("subscribes again");
    let outputs = drain(&mut core);
    assert_eq!(events(&outputs), vec![event::Type::Subscribed, event::Type::Acknowledged]);
    assert!(updates_sent(&outputs).is_empty(), "the replayed update is a duplicate");

    // A second task delivered, then the executor comes back without it and without updates.
    run(&mut core, command_task_for("t2", "t1"));
    core.executor_stream_closed(2);
    let mut call = executor_call("t1", call::Type::Subscribe);
    call.subscribe = Some(call::Subscribe::default());
    core.executor_subscribe(secs(7), 3, call).expect("subscribes again");
    let outputs = drain(&mut core);
    assert_eq!(
        updates_sent(&outputs),
        vec![("t2".into(), TaskState::TaskLost, Some(task_status::Reason::ReasonAgentRestarted))]
    );
}

/// A task for an existing custom-typed executor `executor`.
fn command_task_for(id: &str, executor: &str) -> TaskInfo {
    let mut task = command_task(id);
    task.command = None;
    task.executor =
        Some(ExecutorInfo { executor_id: ExecutorId { value: executor.into() }, ..Default::default() });
    task
}

#[test]
fn messages_flow_between_the_scheduler_and_a_running_executor() {
    use mesos_proto::internal::FrameworkMessage;
    let mut core = agent();
    run(&mut core, command_task("t1"));
    let message = |data: &[u8]| FrameworkMessage {
        framework_id: FrameworkId { value: FW.into() },
        executor_id: ExecutorId { value: "t1".into() },
        data: data.to_vec(),
    };
    // Before the executor subscribes a message has nowhere to go (best effort).
    core.stream_event(
        secs(2),
        AgentEvent {
            r#type: Some(agent_event::Type::FrameworkMessage as i32),
            framework_message: Some(message(b"early")),
            ..Default::default()
        },
    );
    assert!(drain(&mut core).is_empty());
    subscribe(&mut core, 3, "t1");
    core.stream_event(
        secs(4),
        AgentEvent {
            r#type: Some(agent_event::Type::FrameworkMessage as i32),
            framework_message: Some(message(b"hello")),
            ..Default::default()
        },
    );
    let outputs = drain(&mut core);
    let Some(Output::ToExecutor { connection: 3, event }) = outputs.first() else { panic!("{outputs:?}") };
    assert_eq!(event.message.as_ref().map(|m| m.data.as_slice()), Some(&b"hello"[..]));
    let mut call = executor_call("t1", call::Type::Message);
    call.message = Some(call::Message { data: b"reply".to_vec() });
    core.executor_call(secs(5), call).expect("accepted");
    let outputs = drain(&mut core);
    let Some(Output::Send(sent)) = outputs.first() else { panic!("{outputs:?}") };
    assert_eq!(sent.r#type, Some(agent_call::Type::ExecutorMessage as i32));
    assert_eq!(sent.executor_message.as_ref().map(|m| m.data.as_slice()), Some(&b"reply"[..]));
}

#[test]
fn counters_follow_updates() {
    let mut core = agent();
    run(&mut core, command_task("t1"));
    subscribe(&mut core, 1, "t1");
    update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    update(&mut core, "t1", "t1", TaskState::TaskFinished, 2);
    let counters = core.counters();
    assert_eq!(counters.valid_status_updates, 2);
    assert_eq!(counters.tasks_finished, 1);
    let mut bad = executor_call("t1", call::Type::Update);
    bad.update = Some(call::Update {
        status: TaskStatus { task_id: TaskId { value: "t1".into() }, ..Default::default() },
    });
    assert!(core.executor_call(secs(6), bad).is_err());
    assert_eq!(core.counters().invalid_status_updates, 1);
}

#[test]
fn a_torn_down_framework_leaves_nothing_behind_without_acknowledgements() {
    let mut core = agent();
    let outputs = run(&mut core, command_task("t1"));
    let container = launched(&outputs).container_id.clone();
    subscribe(&mut core, 1, "t1");
    update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    shutdown_framework(&mut core, 5);
    drain(&mut core);
    core.container_exited(secs(6), &container, Some(9));
    let outputs = drain(&mut core);
    assert!(outputs.iter().any(|o| matches!(o, Output::ExecutorRemoved { .. })), "{outputs:?}");
    assert!(core.frameworks().is_empty(), "nothing waits for acknowledgements of a removed framework");
    // Its streams are gone too: no retries later.
    core.handle_timeout(secs(10_000));
    assert!(updates_sent(&drain(&mut core)).is_empty());
}

#[test]
fn after_a_terminal_update_late_updates_and_kills_change_nothing() {
    let mut core = agent();
    run(&mut core, command_task("t1"));
    subscribe(&mut core, 1, "t1");
    let outputs = update(&mut core, "t1", "t1", TaskState::TaskFinished, 1);
    assert_eq!(updates_sent(&outputs).len(), 1);
    let late = update(&mut core, "t1", "t1", TaskState::TaskRunning, 2);
    assert_eq!(events(&late), vec![event::Type::Acknowledged], "acknowledged to the executor");
    assert!(updates_sent(&late).is_empty(), "but not forwarded");
    assert_eq!(core.frameworks()[FW].executors["t1"].tasks["t1"].state, TaskState::TaskFinished);
    kill(&mut core, 5, "t1", None);
    let outputs = drain(&mut core);
    assert!(updates_sent(&outputs).is_empty() && events(&outputs).is_empty(), "{outputs:?}");
}

#[test]
fn a_task_id_can_be_used_again_after_its_task_ended() {
    let mut core = agent();
    let mut task = command_task_for("t1", "ex");
    if let Some(executor) = task.executor.as_mut() {
        executor.command = Some(CommandInfo { value: Some("./ex".into()), ..Default::default() });
    }
    run(&mut core, task.clone());
    subscribe(&mut core, 1, "ex");
    let outputs = update(&mut core, "ex", "t1", TaskState::TaskFinished, 1);
    ack(&mut core, &outputs);
    assert!(core.frameworks()[FW].executors["ex"].tasks.is_empty(), "t1 completed");
    run(&mut core, task);
    let outputs = update(&mut core, "ex", "t1", TaskState::TaskRunning, 2);
    assert_eq!(updates_sent(&outputs), vec![("t1".into(), TaskState::TaskRunning, None)]);
}

#[test]
fn an_executor_exit_while_disconnected_reaches_the_master_after_reregistering() {
    let mut core = agent();
    let mut task = command_task_for("t1", "ex");
    if let Some(executor) = task.executor.as_mut() {
        executor.command = Some(CommandInfo { value: Some("./ex".into()), ..Default::default() });
    }
    let outputs = run_for(&mut core, checkpointing_framework(), task);
    let container = launched(&outputs).container_id.clone();
    core.stream_closed(secs(3));
    drain(&mut core);
    core.container_exited(secs(4), &container, Some(0));
    let exited = |outputs: &[Output]| {
        outputs.iter().any(|o| matches!(o, Output::Send(c) if c.executor_exited.is_some()))
    };
    assert!(!exited(&drain(&mut core)), "not sent into the void");
    let at = core.poll_timeout().expect("an attempt");
    core.handle_timeout(at);
    drain(&mut core);
    core.stream_event(
        at,
        AgentEvent {
            r#type: Some(agent_event::Type::Reregistered as i32),
            registered: Some(Box::new(Registered {
                agent_id: mesos_proto::v1::AgentId { value: "a-S0".into() },
                master_info: MasterInfo::default(),
                ping_interval_seconds: Some(1e300),
            })),
            ..Default::default()
        },
    );
    assert!(exited(&drain(&mut core)), "sent once registered again");
}

#[test]
fn docker_and_image_containers_fail_instead_of_running_on_the_host() {
    use mesos_proto::v1::container_info::{self, MesosInfo, Type};
    use mesos_proto::v1::{ContainerInfo, Image, image};
    let docker = ContainerInfo { r#type: Type::Docker as i32, ..Default::default() };
    let image = ContainerInfo {
        r#type: Type::Mesos as i32,
        mesos: Some(MesosInfo {
            image: Some(Image {
                r#type: image::Type::Docker as i32,
                docker: Some(image::Docker { name: "busybox".into(), ..Default::default() }),
                ..Default::default()
            }),
        }),
        ..Default::default()
    };
    for (container, expected) in [(docker, "DOCKER"), (image, "image")] {
        let mut core = agent();
        let mut task = command_task("t1");
        task.container = Some(container);
        let outputs = run(&mut core, task);
        assert!(
            !outputs.iter().any(|o| matches!(o, Output::LaunchContainer(_))),
            "nothing runs: {outputs:?}"
        );
        let failed: Vec<_> = outputs
            .iter()
            .filter_map(|o| match o {
                Output::Send(call) => call.status_update.as_ref().map(|u| u.status.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(failed.len(), 1, "{outputs:?}");
        assert_eq!(failed[0].state, TaskState::TaskFailed as i32);
        assert_eq!(failed[0].reason, Some(task_status::Reason::ReasonContainerLaunchFailed as i32));
        assert!(failed[0].message.as_deref().unwrap_or("").contains(expected), "{:?}", failed[0].message);
    }
    // A plain Mesos container (no image) still runs.
    let mut core = agent();
    let mut task = command_task("t1");
    task.container = Some(ContainerInfo { r#type: container_info::Type::Mesos as i32, ..Default::default() });
    assert!(run(&mut core, task).iter().any(|o| matches!(o, Output::LaunchContainer(_))));
}

fn scalar(name: &str, value: f64) -> mesos_proto::v1::Resource {
    mesos_proto::v1::Resource {
        name: name.into(),
        r#type: mesos_proto::v1::value::Type::Scalar as i32,
        scalar: Some(mesos_proto::v1::value::Scalar { value }),
        ..Default::default()
    }
}

fn task_with(id: &str, cpus: f64, mem: f64) -> TaskInfo {
    TaskInfo { resources: vec![scalar("cpus", cpus), scalar("mem", mem)], ..command_task(id) }
}

/// (cpus, mem) of what the core says is allocated.
fn allocated(core: &AgentCore) -> (f64, f64) {
    let used = core.allocated_resources();
    (used.scalar("cpus").to_f64(), used.scalar("mem").to_f64())
}

#[test]
fn allocated_resources_sum_live_executors_and_their_unfinished_tasks() {
    let mut core = agent();
    assert_eq!(allocated(&core), (0.0, 0.0));
    let first = run(&mut core, task_with("t1", 0.5, 64.0));
    run(&mut core, task_with("t2", 1.0, 128.0));
    // Each command task brings its executor's allowance (0.1 cpus, 32 MB); t2 is still queued
    // (its executor has not subscribed) and counts all the same.
    assert_eq!(allocated(&core), (1.7, 256.0));

    subscribe(&mut core, 1, "t1");
    let running = update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    ack(&mut core, &running);
    assert_eq!(allocated(&core), (1.7, 256.0), "a running task still counts");

    // Terminal but not yet acknowledged: the task no longer counts, its executor does.
    let finished = update(&mut core, "t1", "t1", TaskState::TaskFinished, 2);
    assert_eq!(allocated(&core), (1.2, 192.0));
    // The executor exits; it is held (and counted) until the terminal update is acknowledged.
    core.container_exited(secs(6), &launched(&first).container_id, Some(0));
    drain(&mut core);
    assert_eq!(allocated(&core), (1.2, 192.0));
    ack(&mut core, &finished);
    assert_eq!(allocated(&core), (1.1, 160.0), "only t2 and its executor are left");

    // A queued task killed before delivery stops counting at once.
    kill(&mut core, 7, "t2", None);
    drain(&mut core);
    assert_eq!(allocated(&core), (0.1, 32.0));
}

#[test]
fn updates_the_agent_stamps_carry_wall_time() {
    let mut core = agent();
    // The wall clock reads 1000 s more than the core's (monotonic) clock.
    core.set_wall_clock(secs(2), secs(1002));
    let mut task = command_task("t1");
    task.container = Some(mesos_proto::v1::ContainerInfo {
        r#type: mesos_proto::v1::container_info::Type::Docker as i32,
        ..Default::default()
    });
    let stamped: Vec<f64> = run(&mut core, task)
        .iter()
        .filter_map(|o| match o {
            Output::Send(call) => call.status_update.as_ref().and_then(|u| u.status.timestamp),
            _ => None,
        })
        .collect();
    assert_eq!(stamped, vec![1002.0]);
}

#[test]
fn a_later_update_is_not_recorded_before_an_earlier_one_whose_write_failed() {
    use mesos_agent_core::status_updates::Record;
    let recorded = |outputs: &[Output]| -> Vec<Vec<u8>> {
        outputs
            .iter()
            .filter_map(|o| match o {
                Output::CheckpointUpdate { record: Record::Update(status), .. } => status.uuid.clone(),
                _ => None,
            })
            .collect()
    };
    let mut core = agent();
    run_for(&mut core, checkpointing_framework(), command_task("t1"));
    subscribe(&mut core, 1, "t1");
    let outputs = update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    assert_eq!(recorded(&outputs), vec![uuid(1)]);
    let key = (FW.to_string(), "t1".to_string());
    core.update_checkpointed(secs(4), &key, &uuid(1), false);
    let outputs = update(&mut core, "t1", "t1", TaskState::TaskFinished, 2);
    assert!(recorded(&outputs).is_empty(), "FINISHED must wait for RUNNING's record: {outputs:?}");
    let retry = core.poll_timeout().expect("the failed write is retried");
    core.handle_timeout(retry);
    assert_eq!(recorded(&drain(&mut core)), vec![uuid(1)]);
    core.update_checkpointed(retry, &key, &uuid(1), true);
    assert_eq!(recorded(&drain(&mut core)), vec![uuid(2)], "then the later one, in order");
}

// ----- found by mesos-sim -----

/// Reports the outcome of every update and acknowledgement record in `outputs` to the core.
fn report_records(core: &mut AgentCore, at: Time, outputs: &[Output], written: bool) {
    use mesos_agent_core::status_updates::Record;
    for output in outputs {
        match output {
            Output::CheckpointUpdate { key, record: Record::Update(status), .. } => {
                core.update_checkpointed(at, key, &status.uuid.clone().unwrap_or_default(), written)
            }
            Output::CheckpointUpdate { key, record: Record::Ack(uuid), .. } => {
                core.ack_checkpointed(at, key, uuid, written)
            }
            _ => {}
        }
    }
}

#[test]
fn an_update_after_an_acknowledgement_waits_for_the_acknowledgement_record() {
    // mesos-sim seed 21: the ack of RUNNING failed to reach the disk, FINISHED went out, the
    // agent restarted and sent RUNNING again: the framework heard RUNNING after FINISHED.
    let mut core = agent();
    run_for(&mut core, checkpointing_framework(), command_task("t1"));
    subscribe(&mut core, 1, "t1");
    let running = update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    report_records(&mut core, secs(4), &running, true);
    let sent = drain(&mut core);
    assert_eq!(updates_sent(&sent).len(), 1);
    let finished = update(&mut core, "t1", "t1", TaskState::TaskFinished, 2);
    report_records(&mut core, secs(4), &finished, true);
    drain(&mut core);
    ack(&mut core, &sent);
    let outputs = drain(&mut core);
    assert!(updates_sent(&outputs).is_empty(), "FINISHED went out before the ack was on disk");
    report_records(&mut core, secs(5), &outputs, false);
    let retry = core.poll_timeout().expect("the ack record is written again");
    core.handle_timeout(retry);
    let outputs = drain(&mut core);
    assert!(updates_sent(&outputs).is_empty());
    report_records(&mut core, retry, &outputs, true);
    let outputs = drain(&mut core);
    assert_eq!(updates_sent(&outputs), vec![("t1".to_string(), TaskState::TaskFinished, None)]);
}

#[test]
fn an_update_the_agent_makes_is_not_sent_before_its_record_is_written() {
    // mesos-sim seed 315: the agent forwarded TASK_FAILED it could not record, restarted,
    // and reported the same end as TASK_LOST.
    let mut core = agent();
    let outputs = run_for(&mut core, checkpointing_framework(), command_task("t1"));
    let container = launched(&outputs).container_id.clone();
    subscribe(&mut core, 1, "t1");
    let running = update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    report_records(&mut core, secs(4), &running, true);
    let sent = drain(&mut core);
    ack(&mut core, &sent);
    let acked = drain(&mut core);
    report_records(&mut core, secs(5), &acked, true);
    core.container_exited(secs(6), &container, Some(9));
    let outputs = drain(&mut core);
    assert!(updates_sent(&outputs).is_empty(), "{outputs:?}");
    report_records(&mut core, secs(6), &outputs, false);
    assert!(updates_sent(&drain(&mut core)).is_empty(), "not forwarded while unwritten");
    let retry = core.poll_timeout().expect("written again");
    core.handle_timeout(retry);
    let outputs = drain(&mut core);
    report_records(&mut core, retry, &outputs, true);
    let sent = updates_sent(&drain(&mut core));
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].1, TaskState::TaskFailed);
}

#[test]
fn reregistration_reports_only_recorded_states() {
    // mesos-sim seed 315: the re-registration told the master of a state whose record had
    // not been written, and reconciliation passed it on.
    let mut core = agent();
    run_for(&mut core, checkpointing_framework(), command_task("t1"));
    subscribe(&mut core, 1, "t1");
    let running = update(&mut core, "t1", "t1", TaskState::TaskRunning, 1);
    report_records(&mut core, secs(4), &running, false);
    core.stream_closed(secs(5));
    // Run timers (the record's retries among them, failing again) until it re-registers.
    let reregister = loop {
        let at = core.poll_timeout().expect("something is due");
        core.handle_timeout(at);
        let outputs = drain(&mut core);
        report_records(&mut core, at, &outputs, false);
        if let Some(call) = outputs.into_iter().find_map(|o| match o {
            Output::OpenStream(call) => call.reregister,
            _ => None,
        }) {
            break call;
        }
    };
    assert_eq!(reregister.tasks.len(), 1);
    assert_eq!(reregister.tasks[0].status_update_state, None, "{:?}", reregister.tasks[0]);
    assert_ne!(reregister.tasks[0].state, TaskState::TaskRunning as i32);
}

#[test]
fn a_shut_down_framework_takes_its_ended_executors_and_their_updates_with_it() {
    // mesos-sim seed 2175: an executor that had ended kept the framework on the agent after
    // SHUTDOWN_FRAMEWORK, so a task's update was retried for ever while the task was no
    // longer reported.
    let mut core = agent();
    let outputs = run_for(&mut core, checkpointing_framework(), command_task("t1"));
    let container = launched(&outputs).container_id.clone();
    subscribe(&mut core, 1, "t1");
    let finished = update(&mut core, "t1", "t1", TaskState::TaskFinished, 1);
    report_records(&mut core, secs(4), &finished, true);
    core.container_exited(secs(5), &container, Some(0));
    drain(&mut core);
    assert_eq!(core.frameworks().len(), 1, "kept while FINISHED is unacknowledged");
    shutdown_framework(&mut core, 6);
    drain(&mut core);
    assert!(core.frameworks().is_empty());
    core.handle_timeout(secs(10_000));
    assert!(updates_sent(&drain(&mut core)).is_empty(), "no retries for a removed framework");
}

#[test]
fn a_task_dropped_on_a_terminating_executor_is_held_and_reported_until_acknowledged() {
    // mesos-sim seeds 765 and 1287: the agent reported nothing of such a task at
    // re-registration, so a master that had restarted answered its reconciliation TASK_GONE
    // while the agent's own update was still on its way.
    let mut core = agent();
    let custom = |id: &str| {
        let mut task = command_task(id);
        task.command = None;
        task.executor = Some(ExecutorInfo {
            executor_id: ExecutorId { value: "ex".into() },
            command: Some(CommandInfo { value: Some("./my-executor".into()), ..Default::default() }),
            ..Default::default()
        });
        task
    };
    run_for(&mut core, checkpointing_framework(), custom("t1"));
    subscribe(&mut core, 1, "ex");
    update(&mut core, "ex", "t1", TaskState::TaskRunning, 1);
    core.stream_event(
        secs(5),
        AgentEvent {
            r#type: Some(agent_event::Type::ShutdownExecutor as i32),
            shutdown_executor: Some(agent_event::ShutdownExecutor {
                framework_id: FrameworkId { value: FW.into() },
                executor_id: ExecutorId { value: "ex".into() },
            }),
            ..Default::default()
        },
    );
    drain(&mut core);
    let outputs = run_for(&mut core, checkpointing_framework(), custom("t2"));
    // The task is recorded before its update, then its end goes out.
    let recorded = outputs
        .iter()
        .position(|o| matches!(o, Output::CheckpointTask { task, .. } if task.task_id.value == "t2"));
    let written =
        outputs.iter().position(|o| matches!(o, Output::CheckpointUpdate { key, .. } if key.1 == "t2"));
    assert!(recorded.is_some() && recorded < written, "{outputs:?}");
    for output in outputs {
        if let Output::CheckpointUpdate {
            key,
            record: mesos_agent_core::status_updates::Record::Update(status),
            ..
        } = output
        {
            core.update_checkpointed(secs(6), &key, &status.uuid.unwrap_or_default(), true);
        }
    }
    core.stream_closed(secs(7));
    let (_, reregister) = next_reregistration(&mut core);
    let t2 = reregister.tasks.iter().find(|t| t.task_id.value == "t2").expect("t2 is reported");
    assert_eq!(t2.state, TaskState::TaskLost as i32);
}
