//! A custom executor in Rust (the counterpart of Mesos' test-executor): for every task it
//! is given it reports TASK_RUNNING, does its "work" (nothing), and reports TASK_FINISHED;
//! it exits when the agent sends SHUTDOWN or goes away.

use std::collections::BTreeMap;

use mesos_framework::executor::Agent;
use mesos_proto::v1::executor::{call, event};
use mesos_proto::v1::{TaskId, TaskState, TaskStatus, task_status};

fn status(agent: &Agent, task_id: &TaskId, state: TaskState) -> mesos_proto::v1::executor::Call {
    let mut update = agent.call(call::Type::Update);
    update.update = Some(call::Update {
        status: TaskStatus {
            task_id: task_id.clone(),
            state: state as i32,
            source: Some(task_status::Source::SourceExecutor as i32),
            executor_id: Some(agent.executor_id.clone()),
            uuid: Some(uuid::Uuid::new_v4().as_bytes().to_vec()),
            message: Some("done by test-executor".to_string()),
            ..Default::default()
        },
    });
    update
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let vars: BTreeMap<String, String> = std::env::vars().collect();
    let agent = match Agent::from_vars(&vars) {
        Ok(agent) => agent,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut subscribe = agent.call(call::Type::Subscribe);
    subscribe.subscribe = Some(call::Subscribe::default());
    let mut events = match agent.subscribe(&subscribe).await {
        Ok(events) => events,
        Err(error) => {
            eprintln!("cannot subscribe: {error}");
            return std::process::ExitCode::from(1);
        }
    };
    let mut connection = agent.connection();
    while let Some(Ok(event)) = events.next().await {
        match event.r#type.and_then(|t| event::Type::try_from(t).ok()) {
            Some(event::Type::Launch) => {
                let Some(launch) = event.launch else { continue };
                for state in [TaskState::TaskRunning, TaskState::TaskFinished] {
                    if let Err(error) =
                        agent.send(&mut connection, &status(&agent, &launch.task.task_id, state)).await
                    {
                        eprintln!("update failed: {error}");
                    }
                }
            }
            Some(event::Type::Shutdown) => break,
            _ => {}
        }
    }
    std::process::ExitCode::SUCCESS
}
