//! One master, 1,000 agents, 20 frameworks in four weighted roles: DRF shares converge to the
//! weights, no agent is in two outstanding offers, and every launched task ends acknowledged.

mod harness;

use std::collections::{BTreeMap, BTreeSet};

use harness::*;
use mesos_master_core::SchedulerReply;
use mesos_proto::internal::agent_event;
use mesos_proto::v1::{CommandInfo, FrameworkInfo, Offer, TaskId, TaskInfo, TaskState};

#[test]
fn drf_converges_to_weights_and_every_task_is_acknowledged() {
    let weights = [("r1", 1.0), ("r2", 2.0), ("r3", 3.0), ("r4", 4.0)];
    let mut config = config();
    config.initial_weights = weights.iter().map(|(r, w)| (r.to_string(), *w)).collect();
    let mut h = Harness::with(config, Default::default());
    let agents: Vec<TestAgent> =
        (0..1000).map(|i| h.register_agent(&format!("agent-{i}"), "cpus:4;mem:4096")).collect();
    let mut frameworks = Vec::new();
    for (i, (role, _)) in weights.iter().cycle().take(20).enumerate() {
        let info = FrameworkInfo { role: Some(role.to_string()), ..framework_info(&format!("fw-{i}")) };
        frameworks.push((h.subscribe(info), role.to_string()));
    }
    h.tick();

    // One pass hands out every agent exactly once.
    let mut offers: Vec<(usize, Offer)> = Vec::new();
    for (index, (framework, _)) in frameworks.iter().enumerate() {
        offers.extend(h.offers(framework.conn).into_iter().map(|o| (index, o)));
    }
    assert_eq!(offers.len(), 1000);
    let offered_agents: BTreeSet<&str> = offers.iter().map(|(_, o)| o.agent_id.value.as_str()).collect();
    assert_eq!(offered_agents.len(), 1000, "no agent is in two outstanding offers");

    // Role shares follow the weights (1:2:3:4 of 1000 agents), frameworks share their role evenly.
    let mut per_role: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_framework: BTreeMap<usize, usize> = BTreeMap::new();
    for (index, _) in &offers {
        *per_role.entry(frameworks[*index].1.as_str()).or_default() += 1;
        *per_framework.entry(*index).or_default() += 1;
    }
    for (role, weight) in weights {
        let expected = 1000.0 * weight / 10.0;
        let got = per_role[role] as f64;
        assert!((got - expected).abs() <= 2.0, "role {role}: {got} agents, expected about {expected}");
    }
    for (index, count) in &per_framework {
        let role_total = per_role[frameworks[*index].1.as_str()] as f64;
        assert!((*count as f64 - role_total / 5.0).abs() <= 2.0, "framework {index} got {count}");
    }
    let shares = h.master.allocator().role_shares();
    for (role, _) in weights {
        // Weighted dominant share: (weight/10) / weight = 0.1 for every role.
        assert!((shares[role] - 0.1).abs() < 0.005, "role {role} weighted share {}", shares[role]);
    }

    // Every framework launches one task per offer with everything in it.
    for (index, offer) in &offers {
        let framework = &frameworks[*index].0;
        let task = TaskInfo {
            name: "t".into(),
            task_id: TaskId { value: format!("task-{}", offer.agent_id.value) },
            agent_id: offer.agent_id.clone(),
            resources: offer.resources.clone(),
            command: Some(CommandInfo { value: Some("true".into()), ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(h.accept(framework, &[offer], vec![launch(vec![task])]), SchedulerReply::Accepted);
    }
    let agent_by_id: BTreeMap<&str, &TestAgent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut launched = Vec::new();
    for agent in &agents {
        for event in h.agent_events_of(agent.conn, agent_event::Type::RunTask) {
            let run = event.run_task.expect("run_task body");
            launched.push((
                agent.id.clone(),
                run.framework.id.expect("framework id").value,
                run.task.task_id.value,
            ));
        }
    }
    assert_eq!(launched.len(), 1000);

    // Each task runs and finishes; schedulers acknowledge every reliable update.
    let framework_conn: BTreeMap<String, usize> =
        frameworks.iter().enumerate().map(|(i, (f, _))| (f.id.clone(), i)).collect();
    for state in [TaskState::TaskRunning, TaskState::TaskFinished] {
        for (agent_id, framework_id, task_id) in &launched {
            let agent = agent_by_id[agent_id.as_str()];
            h.agent_update(agent, framework_id, task_id, state);
        }
        for (framework, _) in &frameworks {
            for update in h.updates(framework.conn) {
                assert_eq!(harness::state(&update), state);
                let uuid = update.uuid.clone().expect("reliable updates carry a uuid");
                h.acknowledge(
                    framework,
                    &update.agent_id.expect("agent id").value,
                    &update.task_id.value,
                    uuid,
                );
            }
        }
    }
    for (framework, _) in &frameworks {
        let known = h.master.framework(&framework.id).expect("framework");
        assert!(known.tasks.is_empty(), "every task is retired after its terminal acknowledgement");
        assert_eq!(known.completed_tasks.len(), per_framework[&framework_conn[&framework.id]]);
    }
    for agent in &agents {
        assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::Acknowledge).len(), 2);
    }
}
