//! A long-running service: keeps `--instances` (default 3) instances alive and replaces any
//! that ends. With `--fail_first` the first generation crashes after a moment, to show the
//! replacement; with `--exit_when_steady` it tears down and exits 0 once every instance is
//! running in a later generation.

use std::collections::BTreeMap;

use mesos_framework::scheduler::{Config, Event, Scheduler};
use mesos_proto::v1::{Filters, FrameworkInfo, TaskState};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let instances: usize = mesos_examples::arg("instances").and_then(|n| n.parse().ok()).unwrap_or(3);
    let fail_first = std::env::args().any(|a| a == "--fail_first" || a == "--fail_first=true");
    let exit_when_steady =
        std::env::args().any(|a| a == "--exit_when_steady" || a == "--exit_when_steady=true");
    let info = FrameworkInfo {
        user: "root".into(),
        name: "Long-lived framework (Rust)".into(),
        ..Default::default()
    };
    let mut scheduler = match Scheduler::start(Config::new(mesos_examples::master(), info)) {
        Ok(scheduler) => scheduler,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(1);
        }
    };
    // instance -> (generation, running?); missing instances need a task.
    let mut live: BTreeMap<usize, (u32, bool)> = BTreeMap::new();
    let mut generation_of: BTreeMap<usize, u32> = BTreeMap::new();
    let mut replaced = 0;
    while let Some(event) = scheduler.next().await {
        match event {
            Event::Offers(offers) => {
                for offer in offers {
                    let mut tasks = Vec::new();
                    for instance in 0..instances {
                        if live.contains_key(&instance) {
                            continue;
                        }
                        let generation = *generation_of.entry(instance).or_insert(0);
                        let command =
                            if fail_first && generation == 0 { "sleep 0.3; exit 1" } else { "sleep 100000" };
                        let id = format!("instance-{instance}-gen-{generation}");
                        let Some(task) = mesos_examples::command_task(&offer.offer, &id, command) else {
                            break;
                        };
                        if mesos_examples::available(&offer.offer, "cpus") < 0.1 * (tasks.len() + 1) as f64 {
                            break;
                        }
                        tasks.push(task);
                        live.insert(instance, (generation, false));
                    }
                    let result = if tasks.is_empty() {
                        scheduler
                            .client()
                            .decline(
                                vec![offer.offer.id.clone()],
                                Some(Filters { refuse_seconds: Some(1.0) }),
                            )
                            .await
                    } else {
                        scheduler.client().launch(vec![offer.offer.id.clone()], tasks, None).await
                    };
                    if let Err(error) = result {
                        eprintln!("{error}");
                    }
                }
            }
            Event::Update(status) => {
                let state = TaskState::try_from(status.state).unwrap_or(TaskState::TaskLost);
                let mut parts = status.task_id.value.split('-');
                let instance: usize = parts.nth(1).and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
                let generation: u32 = parts.nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
                if state == TaskState::TaskRunning {
                    if let Some(entry) = live.get_mut(&instance).filter(|(g, _)| *g == generation) {
                        entry.1 = true;
                    }
                } else if state.is_terminal() && live.get(&instance).is_some_and(|(g, _)| *g == generation) {
                    live.remove(&instance);
                    generation_of.insert(instance, generation + 1);
                    replaced += 1;
                    println!("Instance {instance} ended {state:?}; replacing it (replacement {replaced})");
                    let _ = scheduler.client().revive(Vec::new()).await;
                }
                let steady = live.len() == instances
                    && live.values().all(|(g, running)| *running && (*g > 0 || !fail_first));
                if steady {
                    println!("Steady: {instances} instances running after {replaced} replacement(s)");
                    if exit_when_steady {
                        let _ = scheduler.client().teardown().await;
                        return std::process::ExitCode::SUCCESS;
                    }
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
