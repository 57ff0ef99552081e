//! Persistent volumes: reserves disk for role `storage`, creates a volume on it, runs a task
//! that writes into the volume, then a second task that finds the first one's file there,
//! then destroys the volume and unreserves the disk. Exits 0 when all of that worked.

use mesos_framework::scheduler::{Config, Event, Scheduler, TypedOffer};
use mesos_proto::v1::resource::{DiskInfo, ReservationInfo, disk_info, reservation_info};
use mesos_proto::v1::{Filters, FrameworkInfo, Resource, TaskState, Volume, framework_info, offer, volume};

const ROLE: &str = "storage";
const PRINCIPAL: &str = "storage-principal";
const VOLUME_ID: &str = "example-volume";

#[derive(Debug, PartialEq)]
enum Step {
    Create,
    Write,
    Read,
    Destroy,
    Done,
}

fn reserved(mut disk: Resource) -> Resource {
    disk.reservations.push(ReservationInfo {
        r#type: Some(reservation_info::Type::Dynamic as i32),
        role: Some(ROLE.to_string()),
        principal: Some(PRINCIPAL.to_string()),
        ..Default::default()
    });
    disk
}

fn as_volume(mut disk: Resource) -> Resource {
    disk.disk = Some(DiskInfo {
        persistence: Some(disk_info::Persistence {
            id: VOLUME_ID.to_string(),
            principal: Some(PRINCIPAL.to_string()),
        }),
        volume: Some(Volume {
            mode: volume::Mode::Rw as i32,
            container_path: "data".to_string(),
            ..Default::default()
        }),
        ..Default::default()
    });
    disk
}

fn operation(kind: offer::operation::Type) -> offer::Operation {
    offer::Operation { r#type: Some(kind as i32), ..Default::default() }
}

fn the_volume(offer: &TypedOffer) -> Option<Resource> {
    offer
        .offer
        .resources
        .iter()
        .find(|r| r.disk.as_ref().and_then(|d| d.persistence.as_ref()).is_some_and(|p| p.id == VOLUME_ID))
        .cloned()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let info = FrameworkInfo {
        user: "root".into(),
        name: "Persistent volume framework (Rust)".into(),
        roles: vec![ROLE.into()],
        principal: Some(PRINCIPAL.into()),
        capabilities: vec![framework_info::Capability {
            r#type: Some(framework_info::capability::Type::MultiRole as i32),
        }],
        ..Default::default()
    };
    let mut scheduler = match Scheduler::start(Config::new(mesos_examples::master(), info)) {
        Ok(scheduler) => scheduler,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(1);
        }
    };
    let mut step = Step::Create;
    let mut waiting = false;
    let refuse = Some(Filters { refuse_seconds: Some(0.0) });
    while let Some(event) = scheduler.next().await {
        match event {
            Event::Offers(offers) => {
                for offer in offers {
                    let id = vec![offer.offer.id.clone()];
                    let client = scheduler.client();
                    let result = match (&step, waiting) {
                        (Step::Create, false) => match mesos_examples::take(&offer.offer, "disk", 64.0) {
                            Some(disk) => {
                                let disk = reserved(disk);
                                let mut reserve = operation(offer::operation::Type::Reserve);
                                reserve.reserve = Some(offer::operation::Reserve {
                                    resources: vec![disk.clone()],
                                    ..Default::default()
                                });
                                let mut create = operation(offer::operation::Type::Create);
                                create.create =
                                    Some(offer::operation::Create { volumes: vec![as_volume(disk)] });
                                println!(
                                    "Reserving 64 MB of disk for '{ROLE}' and creating volume '{VOLUME_ID}'"
                                );
                                step = Step::Write;
                                client.accept(id, vec![reserve, create], refuse).await
                            }
                            None => client.decline(id, refuse).await,
                        },
                        (Step::Write | Step::Read, false) => match the_volume(&offer) {
                            Some(volume) => {
                                let (name, command) = if step == Step::Write {
                                    ("writer", "echo written-by-the-first-task > data/file")
                                } else {
                                    ("reader", "grep -q written-by-the-first-task data/file")
                                };
                                match mesos_examples::command_task(&offer.offer, name, command) {
                                    Some(mut task) => {
                                        task.resources.push(volume);
                                        waiting = true;
                                        println!("Launching '{name}' with the volume");
                                        client.launch(id, vec![task], refuse).await
                                    }
                                    None => client.decline(id, refuse).await,
                                }
                            }
                            None => client.decline(id, refuse).await,
                        },
                        (Step::Destroy, false) => match the_volume(&offer) {
                            Some(volume) => {
                                let mut destroy = operation(offer::operation::Type::Destroy);
                                destroy.destroy =
                                    Some(offer::operation::Destroy { volumes: vec![volume.clone()] });
                                let mut plain = volume;
                                plain.disk = None;
                                let mut unreserve = operation(offer::operation::Type::Unreserve);
                                unreserve.unreserve =
                                    Some(offer::operation::Unreserve { resources: vec![plain] });
                                println!("Destroying the volume and unreserving the disk");
                                step = Step::Done;
                                client.accept(id, vec![destroy, unreserve], refuse).await
                            }
                            None => client.decline(id, refuse).await,
                        },
                        (Step::Done, _) => {
                            let unreserved_again =
                                offer.offer.resources.iter().all(|r| r.reservations.is_empty());
                            if unreserved_again {
                                println!("Volume created, reused by a second task, and released");
                                let _ = client.teardown().await;
                                return std::process::ExitCode::SUCCESS;
                            }
                            client.decline(id, refuse).await
                        }
                        _ => client.decline(id, refuse).await,
                    };
                    if let Err(error) = result {
                        eprintln!("{error}");
                    }
                }
            }
            Event::Update(status) => {
                let state = TaskState::try_from(status.state).unwrap_or(TaskState::TaskLost);
                println!("Task {} is {state:?}", status.task_id.value);
                if state == TaskState::TaskFinished {
                    waiting = false;
                    step = if step == Step::Write { Step::Read } else { Step::Destroy };
                } else if state.is_terminal() {
                    eprintln!(
                        "Task {} ended {state:?}: {}",
                        status.task_id.value,
                        status.message.unwrap_or_default()
                    );
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
