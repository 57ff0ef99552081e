//! A custom executor in Rust (the counterpart of Mesos' test-executor), written with
//! `mesos_framework::executor::ExecutorDriver`: for every task it is given it reports
//! TASK_RUNNING, does its "work" (nothing), and reports TASK_FINISHED; it exits on SHUTDOWN
//! or when the agent is gone.

use mesos_framework::executor::{ExecutorDriver, ExecutorEvent};
use mesos_proto::v1::{TaskId, TaskState, TaskStatus};

fn status(task_id: TaskId, state: TaskState) -> TaskStatus {
    TaskStatus {
        task_id,
        state: state as i32,
        message: Some("done by test-executor".to_string()),
        ..Default::default()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let mut driver = match ExecutorDriver::from_env() {
        Ok(driver) => driver,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(2);
        }
    };
    while let Some(event) = driver.next().await {
        match event {
            ExecutorEvent::LaunchTask(task) => {
                for state in [TaskState::TaskRunning, TaskState::TaskFinished] {
                    if let Err(error) = driver.update(status(task.task_id.clone(), state)).await {
                        eprintln!("update failed: {error}");
                    }
                }
            }
            ExecutorEvent::KillTask(task_id, _) => {
                let _ = driver.update(status(task_id, TaskState::TaskKilled)).await;
            }
            ExecutorEvent::Shutdown | ExecutorEvent::Error(_) => break,
            _ => {}
        }
    }
    std::process::ExitCode::SUCCESS
}
