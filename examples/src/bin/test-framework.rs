//! A batch framework (the counterpart of Mesos' test-framework): runs `--num_tasks` tasks
//! (default 5) under the custom executor `test-executor` and exits 0 once all finished.
//! `--executor=PATH` points at the executor (default: next to this program). With
//! `--command=CMD` the tasks are command tasks running CMD under the agent's command
//! executor instead; `--max_in_flight=N` keeps at most N tasks unfinished at a time.

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
    let command = mesos_examples::arg("command");
    let max_in_flight: usize =
        mesos_examples::arg("max_in_flight").and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
    let (mut launched, mut finished) = (0, 0);
    let mut executors: std::collections::BTreeMap<String, ExecutorInfo> = std::collections::BTreeMap::new();
    let mut first_launch: Option<std::time::Instant> = None;
    let epoch_ms = || {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
    };
    while let Some(event) = scheduler.next().await {
        match event {
            Event::Offers(offers) => {
                if first_launch.is_none() {
                    println!("First offer at {} ms since the epoch", epoch_ms());
                    first_launch = Some(std::time::Instant::now());
                }
                for offer in offers {
                    let mut tasks = Vec::new();
                    // One executor per agent, described the same way every time (Mesos
                    // refuses a different ExecutorInfo under a running executor's id).
                    let agent = offer.offer.agent_id.value.clone();
                    if !executors.contains_key(&agent)
                        && let Some(mem) = mesos_examples::take(&offer.offer, "mem", 32.0)
                    {
                        let command =
                            CommandInfo { value: Some(executor_path.clone()), ..Default::default() };
                        executors.insert(
                            agent.clone(),
                            ExecutorInfo {
                                executor_id: ExecutorId { value: "default".into() },
                                name: Some("Test Executor (Rust)".into()),
                                command: Some(command),
                                resources: vec![mem],
                                ..Default::default()
                            },
                        );
                    }
                    let Some(executor) = executors.get(&agent).cloned() else {
                        let _ = scheduler.client().decline(vec![offer.offer.id.clone()], None).await;
                        continue;
                    };
                    let room = (mesos_examples::available(&offer.offer, "cpus") / 0.1).floor() as usize;
                    while launched < total && tasks.len() + 1 < room && launched - finished < max_in_flight {
                        let task = match &command {
                            Some(command) => {
                                let Some(task) = mesos_examples::command_task(
                                    &offer.offer,
                                    &launched.to_string(),
                                    command,
                                ) else {
                                    break;
                                };
                                task
                            }
                            None => {
                                let Some(cpus) = mesos_examples::take(&offer.offer, "cpus", 0.1) else {
                                    break;
                                };
                                TaskInfo {
                                    name: format!("Task {launched}"),
                                    task_id: TaskId { value: launched.to_string() },
                                    agent_id: offer.offer.agent_id.clone(),
                                    resources: vec![cpus],
                                    executor: Some(executor.clone()),
                                    ..Default::default()
                                }
                            }
                        };
                        tasks.push(task);
                        launched += 1;
                    }
                    let result = if tasks.is_empty() {
                        scheduler
                            .client()
                            .decline(
                                vec![offer.offer.id.clone()],
                                Some(Filters {
                                    refuse_seconds: Some(if max_in_flight == usize::MAX { 5.0 } else { 0.0 }),
                                }),
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
                if total <= 100 {
                    println!("Task {} is in state {state:?}", status.task_id.value);
                }
                if state == TaskState::TaskFinished {
                    finished += 1;
                    if finished == total {
                        let seconds = first_launch.map_or(0.0, |at| at.elapsed().as_secs_f64());
                        println!("All {total} tasks finished");
                        println!(
                            "{total} tasks in {seconds:.2} s since the first offer: {:.0} tasks/s",
                            total as f64 / seconds.max(1e-9)
                        );
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
