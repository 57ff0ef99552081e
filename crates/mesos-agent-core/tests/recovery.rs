//! Checkpoints and recovery in the agent core: what a checkpointing framework's tasks leave
//! behind, and how a restarted agent reconnects to, or cleans up, what it finds.

use std::time::Duration;

use mesos_agent_core::executors::ExecutorKind;
use mesos_agent_core::recovery::{RecoverMode, RecoveredExecutor, RecoveredFramework, RecoveredTask};
use mesos_agent_core::status_updates::Record;
use mesos_agent_core::{AgentConfig, AgentCore, Output};
use mesos_proto::internal::agent_event::{Registered, RunTask};
use mesos_proto::internal::{AgentEvent, agent_event};
use mesos_proto::v1::executor::call;
use mesos_proto::v1::{
    AgentId, AgentInfo, CommandInfo, ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo, MasterInfo,
    TaskId, TaskInfo, TaskState, TaskStatus, task_status,
};
use mesos_types::Time;

const FW: &str = "fw-1";

fn secs(s: u64) -> Time {
    Time::from_nanos(s * 1_000_000_000)
}

fn config() -> AgentConfig {
    let info = AgentInfo { hostname: "h".into(), ..Default::default() };
    AgentConfig {
        executor_reregistration_timeout: Duration::from_secs(2),
        ..AgentConfig::with_defaults(info, "/work", "127.0.0.1:5051")
    }
}

/// Every output, with each update record reported written, as the shell does.
fn drain(core: &mut AgentCore) -> Vec<Output> {
    drain_with(core, true)
}

/// Every output, with each update and acknowledgement record reported written or failed.
fn drain_with(core: &mut AgentCore, written: bool) -> Vec<Output> {
    drain_at(core, secs(0), written)
}

/// [`drain_with`], the shell reporting at `now`.
fn drain_at(core: &mut AgentCore, now: Time, written: bool) -> Vec<Output> {
    let mut outputs = Vec::new();
    while let Some(output) = core.poll_output() {
        match &output {
            Output::CheckpointUpdate { key, record: Record::Update(status), .. } => {
                let uuid = status.uuid.clone().unwrap_or_default();
                core.update_checkpointed(now, key, &uuid, written);
            }
            Output::CheckpointUpdate { key, record: Record::Ack(uuid), .. } => {
                core.ack_checkpointed(now, key, uuid, written);
            }
            _ => {}
        }
        outputs.push(output);
    }
    outputs
}

fn registered() -> AgentEvent {
    AgentEvent {
        r#type: Some(agent_event::Type::Registered as i32),
        registered: Some(Box::new(Registered {
            agent_id: AgentId { value: "a-S0".into() },
            master_info: MasterInfo::default(),
            ping_interval_seconds: Some(15.0),
        })),
        ..Default::default()
    }
}

fn framework() -> FrameworkInfo {
    FrameworkInfo {
        id: Some(FrameworkId { value: FW.into() }),
        name: "f".into(),
        checkpoint: Some(true),
        ..Default::default()
    }
}

fn task(id: &str) -> TaskInfo {
    TaskInfo {
        name: id.into(),
        task_id: TaskId { value: id.into() },
        command: Some(CommandInfo { value: Some("sleep 100".into()), ..Default::default() }),
        ..Default::default()
    }
}

fn running(task: &str, n: u8) -> TaskStatus {
    let mut uuid = [n; 16];
    uuid[6] = 0x40;
    uuid[8] = 0x80;
    TaskStatus {
        task_id: TaskId { value: task.into() },
        state: TaskState::TaskRunning as i32,
        source: Some(task_status::Source::SourceExecutor as i32),
        uuid: Some(uuid.to_vec()),
        ..Default::default()
    }
}

fn recovered(alive: bool) -> Vec<RecoveredFramework> {
    vec![RecoveredFramework {
        info: framework(),
        executors: vec![RecoveredExecutor {
            info: ExecutorInfo { executor_id: ExecutorId { value: "t1".into() }, ..Default::default() },
            kind: ExecutorKind::Command,
            container_id: "c1".into(),
            directory: "/work/slaves/a-S0/frameworks/fw-1/executors/t1/runs/c1".into(),
            alive,
            tasks: vec![
                RecoveredTask { info: task("t1"), records: vec![Record::Update(Box::new(running("t1", 1)))] },
                // Finished and acknowledged before the restart: not recovered.
                RecoveredTask {
                    info: task("old"),
                    records: vec![
                        Record::Update(Box::new(TaskStatus {
                            state: TaskState::TaskFinished as i32,
                            ..running("old", 2)
                        })),
                        Record::Ack(running("old", 2).uuid.unwrap_or_default()),
                    ],
                },
            ],
        }],
    }]
}

fn sent_updates(outputs: &[Output]) -> Vec<(String, TaskState, Option<task_status::Reason>)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Send(call) => call.status_update.as_ref().map(|u| {
                (
                    u.status.task_id.value.clone(),
                    TaskState::try_from(u.status.state).unwrap_or(TaskState::TaskError),
                    u.status.reason.and_then(|r| task_status::Reason::try_from(r).ok()),
                )
            }),
            _ => None,
        })
        .collect()
}

/// Acknowledges the replayed RUNNING update of t1, so what queued behind it goes out.
fn acknowledge_running(core: &mut AgentCore) -> Vec<Output> {
    core.stream_event(
        secs(5),
        AgentEvent {
            r#type: Some(agent_event::Type::Acknowledge as i32),
            acknowledge: Some(agent_event::Acknowledge {
                framework_id: FrameworkId { value: FW.into() },
                task_id: TaskId { value: "t1".into() },
                uuid: running("t1", 1).uuid.unwrap_or_default(),
            }),
            ..Default::default()
        },
    );
    drain(core)
}

/// The master sends RUN_TASK for the checkpointing framework.
fn run_task(core: &mut AgentCore, at: Time, task: TaskInfo) {
    core.stream_event(
        at,
        AgentEvent {
            r#type: Some(agent_event::Type::RunTask as i32),
            run_task: Some(Box::new(RunTask { framework: framework(), task })),
            ..Default::default()
        },
    );
}

/// Starts a recovered agent and registers it at the first attempt.
fn register(core: &mut AgentCore, at: Time) -> Vec<Output> {
    core.start(at);
    let attempt = core.poll_timeout().expect("an attempt");
    core.handle_timeout(attempt);
    let mut outputs = drain(core);
    core.stream_event(attempt, registered());
    outputs.extend(drain(core));
    outputs
}

#[test]
fn a_checkpointing_frameworks_task_leaves_every_record_needed_to_recover_it() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    register(&mut core, secs(0));
    run_task(&mut core, secs(3), task("t1"));
    let outputs = drain(&mut core);
    assert!(outputs.iter().any(|o| matches!(o, Output::CheckpointFramework(_))));
    assert!(
        outputs.iter().any(|o| matches!(o, Output::CheckpointExecutor { kind: ExecutorKind::Command, .. }))
    );
    assert!(
        outputs
            .iter()
            .any(|o| matches!(o, Output::CheckpointTask { executor_id, .. } if executor_id == "t1"))
    );
    let mut subscribe = mesos_proto::v1::executor::Call {
        executor_id: ExecutorId { value: "t1".into() },
        framework_id: FrameworkId { value: FW.into() },
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe::default()),
        ..Default::default()
    };
    core.executor_subscribe(secs(4), 1, subscribe.clone()).expect("subscribes");
    subscribe.r#type = Some(call::Type::Update as i32);
    subscribe.subscribe = None;
    subscribe.update = Some(call::Update { status: running("t1", 1) });
    core.executor_call(secs(5), subscribe).expect("update");
    let outputs = drain(&mut core);
    let checkpointed: Vec<_> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::CheckpointUpdate { key, executor_id, record: Record::Update(_) } => {
                Some((key.1.clone(), executor_id.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(checkpointed, vec![("t1".to_string(), "t1".to_string())]);
}

#[test]
fn a_recovered_executor_that_resubscribes_keeps_its_tasks_and_updates_are_resent() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    core.recover(secs(0), recovered(true), RecoverMode::Reconnect);
    assert!(drain(&mut core).is_empty(), "nothing to destroy, nothing to send yet");
    assert_eq!(core.frameworks()[FW].executors["t1"].tasks.len(), 1, "the acknowledged task is gone");
    core.start(secs(0));
    assert!(core.poll_timeout().is_some_and(|at| at >= secs(2)), "registration waits for executors");
    let subscribe = mesos_proto::v1::executor::Call {
        executor_id: ExecutorId { value: "t1".into() },
        framework_id: FrameworkId { value: FW.into() },
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe {
            unacknowledged_tasks: vec![task("t1")],
            unacknowledged_updates: vec![],
        }),
        ..Default::default()
    };
    core.executor_subscribe(secs(1), 9, subscribe).expect("re-subscribes");
    let outputs = drain(&mut core);
    assert!(sent_updates(&outputs).is_empty());
    assert!(!outputs.iter().any(|o| matches!(o, Output::DestroyContainer { .. })));
    let attempt = core.poll_timeout().expect("attempt");
    core.handle_timeout(attempt);
    let open = drain(&mut core);
    let call = open
        .iter()
        .find_map(|o| match o {
            Output::OpenStream(call) => Some(call.clone()),
            _ => None,
        })
        .expect("re-registers");
    let reregister = call.reregister.expect("as the same agent");
    assert_eq!(reregister.tasks.len(), 1);
    assert_eq!(reregister.tasks[0].state, TaskState::TaskRunning as i32);
    core.stream_event(attempt, registered());
    assert_eq!(sent_updates(&drain(&mut core)), vec![("t1".into(), TaskState::TaskRunning, None)]);
}

#[test]
fn a_recovered_executor_that_stays_away_is_destroyed_and_its_tasks_are_lost() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    core.recover(secs(0), recovered(true), RecoverMode::Reconnect);
    core.handle_timeout(secs(2));
    assert!(drain(&mut core).contains(&Output::DestroyContainer { container_id: "c1".into() }));
    core.container_exited(secs(3), "c1", Some(9));
    let outputs = register(&mut core, secs(3));
    assert_eq!(sent_updates(&outputs), vec![("t1".into(), TaskState::TaskRunning, None)], "in order");
    let lost = sent_updates(&acknowledge_running(&mut core));
    assert_eq!(
        lost,
        vec![(
            "t1".into(),
            TaskState::TaskLost,
            Some(task_status::Reason::ReasonExecutorReregistrationTimeout)
        )]
    );
}

#[test]
fn a_dead_executor_found_at_startup_loses_its_tasks_at_once() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    core.recover(secs(0), recovered(false), RecoverMode::Reconnect);
    register(&mut core, secs(0));
    let lost = sent_updates(&acknowledge_running(&mut core));
    assert_eq!(
        lost,
        vec![("t1".into(), TaskState::TaskLost, Some(task_status::Reason::ReasonExecutorTerminated))]
    );
}

#[test]
fn cleanup_destroys_everything_and_reports_it() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    core.recover(secs(0), recovered(true), RecoverMode::Cleanup);
    assert!(drain(&mut core).is_empty());
    // The executor comes back and is told to shut down.
    let subscribe = mesos_proto::v1::executor::Call {
        executor_id: ExecutorId { value: "t1".into() },
        framework_id: FrameworkId { value: FW.into() },
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe::default()),
        ..Default::default()
    };
    core.executor_subscribe(secs(1), 4, subscribe).expect("answered");
    let outputs = drain(&mut core);
    assert!(
        outputs.iter().any(|o| matches!(o, Output::ToExecutor { event, .. }
        if event.r#type == Some(mesos_proto::v1::executor::event::Type::Shutdown as i32))),
        "{outputs:?}"
    );
    // It does not go: after the grace period it is destroyed.
    core.handle_timeout(secs(5));
    assert!(drain(&mut core).contains(&Output::DestroyContainer { container_id: "c1".into() }));
    core.container_exited(secs(6), "c1", Some(9));
    register(&mut core, secs(6));
    let lost = sent_updates(&acknowledge_running(&mut core));
    assert_eq!(
        lost,
        vec![("t1".into(), TaskState::TaskLost, Some(task_status::Reason::ReasonAgentRestarted))]
    );
}

#[test]
fn tasks_the_master_expects_but_the_agent_lacks_are_reported_lost() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    register(&mut core, secs(0));
    let missing = mesos_proto::internal::Task {
        task_id: TaskId { value: "ghost".into() },
        framework_id: FrameworkId { value: FW.into() },
        ..Default::default()
    };
    core.stream_event(
        secs(1),
        AgentEvent {
            r#type: Some(agent_event::Type::ReconcileTasks as i32),
            reconcile_tasks: Some(agent_event::ReconcileTasks { tasks: vec![missing] }),
            ..Default::default()
        },
    );
    assert_eq!(
        sent_updates(&drain(&mut core)),
        vec![("ghost".into(), TaskState::TaskLost, Some(task_status::Reason::ReasonReconciliation))]
    );
}

fn acknowledged_to_executor(outputs: &[Output]) -> usize {
    outputs
        .iter()
        .filter(|o| matches!(o, Output::ToExecutor { event, .. } if event.acknowledged.is_some()))
        .count()
}

fn forwarded_to_master(outputs: &[Output]) -> usize {
    outputs.iter().filter(|o| matches!(o, Output::Send(call) if call.status_update.is_some())).count()
}

#[test]
fn an_update_whose_checkpoint_fails_is_neither_acknowledged_nor_forwarded_until_a_retry_is_written() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    register(&mut core, secs(0));
    run_task(&mut core, secs(3), task("t1"));
    drain(&mut core);
    let mut call = mesos_proto::v1::executor::Call {
        executor_id: ExecutorId { value: "t1".into() },
        framework_id: FrameworkId { value: FW.into() },
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe::default()),
        ..Default::default()
    };
    core.executor_subscribe(secs(4), 1, call.clone()).expect("subscribes");
    drain(&mut core);
    call.r#type = Some(call::Type::Update as i32);
    call.subscribe = None;
    call.update = Some(call::Update { status: running("t1", 1) });

    // The checkpoint store fails: the executor must not be told the update is safe, and the
    // master must not see an update that a restart would lose.
    core.executor_call(secs(5), call.clone()).expect("update");
    let outputs = drain_at(&mut core, secs(5), false);
    assert_eq!(acknowledged_to_executor(&outputs), 0, "{outputs:?}");
    assert_eq!(forwarded_to_master(&outputs), 0, "{outputs:?}");
    assert_eq!(core.counters().unrecorded_status_updates, 1);
    assert_eq!(core.frameworks()[FW].executors["t1"].tasks["t1"].state, TaskState::TaskStaging);
    // A resend by the executor changes nothing while the record is not written.
    core.executor_call(secs(5), call).expect("resent update");
    assert_eq!(acknowledged_to_executor(&drain_at(&mut core, secs(5), false)), 0);

    // The agent writes the record again after a second, then two, while the store fails...
    let mut retried = Vec::new();
    for _ in 0..2 {
        let at = core.poll_timeout().expect("a retry is due");
        core.handle_timeout(at);
        let outputs = drain_at(&mut core, at, false);
        assert!(outputs.iter().any(|o| matches!(o, Output::CheckpointUpdate { .. })), "{outputs:?}");
        assert_eq!(forwarded_to_master(&outputs), 0);
        retried.push(at);
    }
    assert!(retried[1].saturating_since(retried[0]) > std::time::Duration::from_secs(1), "backoff");
    // ...and once the store works, the update is acknowledged and forwarded, record first.
    let at = core.poll_timeout().expect("a retry is due");
    core.handle_timeout(at);
    let outputs = drain_at(&mut core, at, true);
    assert_eq!(acknowledged_to_executor(&outputs), 1, "{outputs:?}");
    assert_eq!(forwarded_to_master(&outputs), 1, "{outputs:?}");
    let acks = outputs.iter().position(|o| matches!(o, Output::ToExecutor { .. }));
    let record = outputs.iter().position(|o| matches!(o, Output::CheckpointUpdate { .. }));
    assert!(record < acks, "the record is written before the acknowledgement");
    assert_eq!(core.frameworks()[FW].executors["t1"].tasks["t1"].state, TaskState::TaskRunning);
}

#[test]
fn an_agent_generated_update_whose_checkpoint_fails_is_written_again_then_sent() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    register(&mut core, secs(0));
    run_task(&mut core, secs(3), task("t1"));
    let container = drain(&mut core)
        .into_iter()
        .find_map(|o| match o {
            Output::LaunchContainer(launch) => Some(launch.container_id),
            _ => None,
        })
        .expect("a container");
    // The executor never starts: the agent itself reports the task, and no one would resend
    // it, so the agent writes its record again until it is on disk, and only then sends it
    // (a restart before that would report the task's end afresh, perhaps differently).
    core.container_launch_failed(secs(4), &container, "no such program");
    let outputs = drain_with(&mut core, false);
    assert_eq!(forwarded_to_master(&outputs), 0, "{outputs:?}");
    assert_eq!(core.counters().unrecorded_status_updates, 1);
    let retry = core.poll_timeout().expect("the record is written again");
    core.handle_timeout(retry);
    let outputs = drain_at(&mut core, retry, true);
    assert_eq!(forwarded_to_master(&outputs), 1, "{outputs:?}");
}

#[test]
fn an_update_for_a_task_the_agent_does_not_hold_needs_no_checkpoint_and_is_forwarded() {
    let mut core = AgentCore::new(config(), Some("a-S0".into()));
    register(&mut core, secs(0));
    // A Docker task never gets an executor here: the agent fails it at once.
    let mut docker = task("t1");
    docker.container = Some(mesos_proto::v1::ContainerInfo {
        r#type: mesos_proto::v1::container_info::Type::Docker as i32,
        ..Default::default()
    });
    run_task(&mut core, secs(3), docker);
    let outputs = drain_with(&mut core, false);
    assert!(!outputs.iter().any(|o| matches!(o, Output::CheckpointUpdate { .. })), "{outputs:?}");
    assert_eq!(forwarded_to_master(&outputs), 1, "{outputs:?}");
}
