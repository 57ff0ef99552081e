//! Seeded random runs of a master with scripted agents and frameworks: frameworks accept,
//! decline, launch and kill; agents report updates, drop their streams and come back; time
//! moves. After every step the accounting invariants must hold. A failing seed is printed and
//! replays exactly.

mod harness;

use std::collections::BTreeMap;
use std::time::Duration;

use harness::*;
use mesos_proto::internal::agent_event;
use mesos_proto::v1::scheduler::{Call, call};
use mesos_proto::v1::{Filters, FrameworkInfo, Offer, TaskState};
use mesos_types::Rng;

struct World {
    h: Harness,
    agents: Vec<TestAgent>,
    frameworks: Vec<TestFramework>,
    offers: BTreeMap<usize, Vec<Offer>>,
    /// (agent index, framework index, task id, last state, resources) of launched tasks.
    tasks: Vec<(usize, usize, String, TaskState, String)>,
    next_task: u64,
}

impl World {
    fn new(seed: u64) -> World {
        let mut config = config();
        config.seed = seed;
        let mut h = Harness::with(config, Default::default());
        let agents =
            (0..4).map(|i| h.register_agent(&format!("a{i}"), "cpus:4;mem:1024;ports:[100-110]")).collect();
        let frameworks = (0..3)
            .map(|i| {
                let info = FrameworkInfo {
                    checkpoint: Some(true),
                    failover_timeout: Some(1e6),
                    ..framework_info(&format!("f{i}"))
                };
                h.subscribe(info)
            })
            .collect();
        World { h, agents, frameworks, offers: BTreeMap::new(), tasks: Vec::new(), next_task: 0 }
    }

    fn collect_offers(&mut self) {
        for (i, framework) in self.frameworks.iter().enumerate() {
            let new = self.h.offers(framework.conn);
            self.offers.entry(i).or_default().extend(new);
        }
        // Rescinded offers are gone.
        for (i, framework) in self.frameworks.iter().enumerate() {
            for event in self.h.events_of(framework.conn, mesos_proto::v1::scheduler::event::Type::Rescind) {
                let id = event.rescind.expect("rescind body").offer_id;
                self.offers.entry(i).or_default().retain(|o| o.id != id);
            }
        }
    }

    fn step(&mut self, rng: &mut Rng) {
        self.collect_offers();
        match rng.below(8) {
            0 | 1 => {
                // Accept an offer with a task using part of it.
                let f = rng.below(self.frameworks.len());
                let Some(offers) = self.offers.get_mut(&f) else { return };
                if offers.is_empty() {
                    return;
                }
                let offer = offers.remove(rng.below(offers.len()));
                self.next_task += 1;
                let id = format!("t{}", self.next_task);
                let cpus = [0.5, 1.0, 2.0, 8.0][rng.below(4)];
                let resources = format!("cpus:{cpus};mem:64");
                let task = task(&id, &offer, &resources);
                let framework = &self.frameworks[f];
                self.h.accept(framework, &[&offer], vec![launch(vec![task])]);
                let agent =
                    self.agents.iter().position(|a| a.id == offer.agent_id.value).expect("known agent");
                let launched =
                    !self.h.agent_events_of(self.agents[agent].conn, agent_event::Type::RunTask).is_empty();
                if launched {
                    self.tasks.push((agent, f, id, TaskState::TaskStaging, resources));
                }
                self.h.updates(framework.conn);
            }
            2 => {
                // Decline an offer, with or without a filter.
                let f = rng.below(self.frameworks.len());
                let Some(offers) = self.offers.get_mut(&f) else { return };
                if offers.is_empty() {
                    return;
                }
                let offer = offers.remove(rng.below(offers.len()));
                let refuse = [0.0, 1.0, 30.0][rng.below(3)];
                let decline = Call {
                    r#type: Some(call::Type::Decline as i32),
                    decline: Some(call::Decline {
                        offer_ids: vec![offer.id],
                        filters: Some(Filters { refuse_seconds: Some(refuse) }),
                    }),
                    ..Default::default()
                };
                self.h.call(&self.frameworks[f], decline);
            }
            3 => {
                // A task moves on; terminal updates are acknowledged.
                if self.tasks.is_empty() {
                    return;
                }
                let i = rng.below(self.tasks.len());
                let (agent, f, id, state, _) = self.tasks[i].clone();
                let next = match state {
                    TaskState::TaskStaging => TaskState::TaskRunning,
                    _ => {
                        [TaskState::TaskFinished, TaskState::TaskFailed, TaskState::TaskKilled][rng.below(3)]
                    }
                };
                let framework_id = self.frameworks[f].id.clone();
                let uuid = self.h.agent_update(&self.agents[agent], &framework_id, &id, next);
                let agent_id = self.agents[agent].id.clone();
                self.h.acknowledge(&self.frameworks[f], &agent_id, &id, uuid);
                self.h.updates(self.frameworks[f].conn);
                if next.is_terminal() {
                    self.tasks.remove(i);
                } else {
                    self.tasks[i].3 = next;
                }
            }
            4 => {
                // A framework's stream breaks and it re-subscribes.
                let f = rng.below(self.frameworks.len());
                let conn = self.frameworks[f].conn;
                self.h.master.scheduler_stream_closed(self.h.now, conn);
                self.offers.remove(&f);
                let info = FrameworkInfo {
                    id: Some(mesos_proto::v1::FrameworkId { value: self.frameworks[f].id.clone() }),
                    checkpoint: Some(true),
                    failover_timeout: Some(1e6),
                    ..framework_info(&format!("f{f}"))
                };
                self.frameworks[f] = self.h.subscribe(info);
            }
            5 => {
                // Time passes: filters expire, allocation runs, pings flow.
                self.h.advance(Duration::from_secs(rng.below(20) as u64));
                for agent in &self.agents {
                    self.h.pong(agent);
                }
            }
            6 => {
                // An agent's stream breaks; it re-registers with what it runs.
                let a = rng.below(self.agents.len());
                let frameworks: Vec<FrameworkInfo> = self
                    .frameworks
                    .iter()
                    .enumerate()
                    .map(|(i, f)| FrameworkInfo {
                        id: Some(mesos_proto::v1::FrameworkId { value: f.id.clone() }),
                        checkpoint: Some(true),
                        failover_timeout: Some(1e6),
                        ..framework_info(&format!("f{i}"))
                    })
                    .collect();
                let tasks: Vec<_> = self
                    .tasks
                    .iter()
                    .filter(|t| t.0 == a)
                    .map(|t| (t.2.clone(), self.frameworks[t.1].id.clone(), t.3, t.4.clone()))
                    .collect();
                for offers in self.offers.values_mut() {
                    offers.retain(|o| o.agent_id.value != self.agents[a].id);
                }
                let mut agent = std::mem::replace(&mut self.agents[a], placeholder());
                self.h.reconnect_agent(&mut agent, frameworks, tasks);
                self.agents[a] = agent;
            }
            _ => self.h.tick(),
        }
    }

    fn check(&self, seed: u64, step: usize) {
        if let Err(problem) = self.h.master.audit() {
            panic!("seed {seed} step {step}: {problem}");
        }
    }
}

#[test]
fn random_runs_keep_the_books_balanced() {
    for seed in 0..40u64 {
        let mut world = World::new(seed);
        let mut rng = Rng::new(seed);
        for step in 0..150 {
            world.step(&mut rng);
            world.check(seed, step);
        }
    }
}

fn placeholder() -> TestAgent {
    TestAgent { id: String::new(), conn: 0, stream_id: String::new(), info: Default::default() }
}
