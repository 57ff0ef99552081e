//! A batch framework (the counterpart of Mesos' test-framework): runs `--num_tasks` tasks
//! (default 5) under the custom executor `test-executor` and exits 0 once all finished.
//! `--executor=PATH` points at the executor (default: next to this program).

use mesos_framework::scheduler::{Config, Event, Scheduler};
use mesos_proto::v1::{
    CommandInfo, ExecutorId, ExecutorInfo, Filters, FrameworkInfo, TaskId, TaskInfo, TaskState,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let total: usize = mesos_examples::arg("num_tasks").and_then(|n| n.parse().ok()).unwrap_or(5);
    let executor_path = mesos_examples::arg("executor").unwrap_or_else(|| {
        let exe = std::env::current_exe().unwrap_or_default();
        exe.with_file_name("test-executor").display().to_string()
    });
    let info =
        FrameworkInfo { user: "root".into(), name: "Test Framework (Rust)".into(), ..Default::default() };
    let mut scheduler = match Scheduler::start(Config::new(mesos_examples::master(), info)) {
        Ok(scheduler) => scheduler,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(1);
        }
    };
    let (mut launched, mut finished) = (0, 0);
    while let Some(event) = scheduler.next().await {
        match event {
            Event::Offers(offers) => {
                for offer in offers {
                    let mut tasks = Vec::new();
                    let executor = ExecutorInfo {
                        executor_id: ExecutorId { value: "default".into() },
                        name: Some("Test Executor (Rust)".into()),
                        command: Some(CommandInfo {
                            value: Some(executor_path.clone()),
                            ..Default::default()
                        }),
                        resources: mesos_examples::take(&offer.offer, "mem", 32.0).into_iter().collect(),
                        ..Default::default()
                    };
                    let room = (mesos_examples::available(&offer.offer, "cpus") / 0.1).floor() as usize;
                    while launched < total && tasks.len() + 1 < room {
                        let Some(cpus) = mesos_examples::take(&offer.offer, "cpus", 0.1) else { break };
                        tasks.push(TaskInfo {
                            name: format!("Task {launched}"),
                            task_id: TaskId { value: launched.to_string() },
                            agent_id: offer.offer.agent_id.clone(),
                            resources: vec![cpus],
                            executor: Some(executor.clone()),
                            ..Default::default()
                        });
                        launched += 1;
                    }
                    let result = if tasks.is_empty() {
                        scheduler
                            .client()
                            .decline(
                                vec![offer.offer.id.clone()],
                                Some(Filters { refuse_seconds: Some(5.0) }),
                            )
                            .await
                    } else {
                        println!("Launching {} task(s) on {}", tasks.len(), offer.offer.hostname);
                        scheduler.client().launch(vec![offer.offer.id.clone()], tasks, None).await
                    };
                    if let Err(error) = result {
                        eprintln!("{error}");
                    }
                }
            }
            Event::Update(status) => {
                let state = TaskState::try_from(status.state).unwrap_or(TaskState::TaskLost);
                println!("Task {} is in state {state:?}", status.task_id.value);
                if state == TaskState::TaskFinished {
                    finished += 1;
                    if finished == total {
                        println!("All {total} tasks finished");
                        let _ = scheduler.client().teardown().await;
                        return std::process::ExitCode::SUCCESS;
                    }
                } else if state.is_terminal() {
                    eprintln!(
                        "Task {} ended {state:?}: {}",
                        status.task_id.value,
                        status.message.unwrap_or_default()
                    );
                    let _ = scheduler.client().teardown().await;
                    return std::process::ExitCode::from(1);
                }
            }
            Event::Error(message) => {
                eprintln!("{message}");
                return std::process::ExitCode::from(1);
            }
            _ => {}
        }
    }
    std::process::ExitCode::from(1)
}
