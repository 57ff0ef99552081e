//! Agents: admission through the registry, health, loss, re-registration, master restart.

mod harness;

use std::time::Duration;

use harness::*;
use mesos_master_core::{AgentReply, Master};
use mesos_proto::internal::{AgentCall, Task, agent_call, agent_event};
use mesos_proto::v1::framework_info::capability::Type as Cap;
use mesos_proto::v1::scheduler::event;
use mesos_proto::v1::{AgentId, FrameworkId, FrameworkInfo, TaskId, TaskState, task_status};

#[test]
fn registration_is_acknowledged_only_after_the_registry_commits() {
    let mut h = Harness::new();
    h.auto_commit = false;
    let conn = h.conn();
    let call = AgentCall {
        r#type: Some(agent_call::Type::Register as i32),
        register: Some(agent_call::Register {
            agent_info: mesos_proto::v1::AgentInfo {
                hostname: "a1".into(),
                resources: wire("cpus:1;mem:128"),
                ..Default::default()
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    assert!(matches!(h.master.agent_call(h.now, conn, call, None), AgentReply::Stream { .. }));
    h.pump();
    assert!(h.agent_events(conn).is_empty(), "nothing before the write commits");
    assert_eq!(h.master.agents().count(), 0);
    h.commit_pending();
    let events = h.agent_events_of(conn, agent_event::Type::Registered);
    assert_eq!(events.len(), 1);
    let id = &events[0].registered.as_ref().unwrap().agent_id.value;
    assert_eq!(id, &format!("{MASTER_ID}-S0"));
    assert!(h.stored.agents.contains_key(id), "the agent is in the stored registry");
}

#[test]
fn calls_from_unknown_agents_or_stale_streams_are_refused() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:1;mem:128");
    let pong = AgentCall {
        r#type: Some(agent_call::Type::Pong as i32),
        agent_id: Some(AgentId { value: agent.id.clone() }),
        ..Default::default()
    };
    assert!(matches!(
        h.master.agent_call(h.now, 1, pong.clone(), Some("stale")),
        AgentReply::Error { status: 400, .. }
    ));
    let mut unknown = pong.clone();
    unknown.agent_id = Some(AgentId { value: "nobody".into() });
    assert!(matches!(
        h.master.agent_call(h.now, 1, unknown, Some(&agent.stream_id)),
        AgentReply::Error { status: 400, .. }
    ));
    assert_eq!(h.master.agent_call(h.now, 1, pong, Some(&agent.stream_id)), AgentReply::Accepted);
}

fn running_task(h: &mut Harness, framework_info: FrameworkInfo) -> (TestAgent, TestFramework) {
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info);
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.accept(&fw, &[&offer], vec![launch(vec![task("t1", &offer, "cpus:1;mem:128")])]);
    let uuid = h.agent_update(&agent, &fw.id, "t1", TaskState::TaskRunning);
    h.acknowledge(&fw, &agent.id, "t1", uuid);
    h.updates(fw.conn);
    (agent, fw)
}

#[test]
fn missed_pings_make_an_agent_unreachable() {
    for partition_aware in [false, true] {
        let mut h = Harness::new();
        let info = if partition_aware {
            with_capabilities(framework_info("fw"), &[Cap::PartitionAware])
        } else {
            framework_info("fw")
        };
        let (agent, fw) = running_task(&mut h, info);
        // Answer the first two pings, then go silent.
        for _ in 0..2 {
            h.advance(Duration::from_secs(15));
            assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::Ping).len(), 1);
            h.pong(&agent);
        }
        // One period to send the next ping, then five unanswered ping timeouts.
        h.advance(Duration::from_secs(15 * 5));
        assert!(h.updates(fw.conn).is_empty(), "four missed pings are not enough");
        h.advance(Duration::from_secs(15));
        let updates = h.updates(fw.conn);
        assert_eq!(updates.len(), 1, "{updates:?}");
        let expected = if partition_aware { TaskState::TaskUnreachable } else { TaskState::TaskLost };
        assert_eq!(state(&updates[0]), expected);
        assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonAgentRemoved as i32));
        if partition_aware {
            assert!(updates[0].unreachable_time.is_some());
        }
        let failures = h.events_of(fw.conn, event::Type::Failure);
        assert_eq!(failures[0].failure.as_ref().unwrap().agent_id.as_ref().unwrap().value, agent.id);
        assert!(h.stored.unreachable.contains_key(&agent.id));
        assert_eq!(h.master.agents().count(), 0);
    }
}

fn reregister(
    h: &mut Harness,
    agent: &TestAgent,
    framework: &FrameworkInfo,
    tasks: Vec<Task>,
) -> (u64, String) {
    let conn = h.conn();
    let call = AgentCall {
        r#type: Some(agent_call::Type::Reregister as i32),
        reregister: Some(agent_call::Reregister {
            agent_info: agent.info.clone(),
            tasks,
            frameworks: vec![framework.clone()],
            ..Default::default()
        }),
        ..Default::default()
    };
    let AgentReply::Stream { stream_id } = h.master.agent_call(h.now, conn, call, None) else {
        panic!("refused")
    };
    h.pump();
    (conn, stream_id)
}

fn reported_task(agent: &TestAgent, framework: &str, state: TaskState) -> Task {
    let mut resources = wire("cpus:1;mem:128");
    for r in &mut resources {
        r.allocation_info = Some(mesos_proto::v1::AllocationInfo { role: Some("*".into()) });
    }
    Task {
        name: "t1".into(),
        task_id: TaskId { value: "t1".into() },
        framework_id: FrameworkId { value: framework.into() },
        agent_id: AgentId { value: agent.id.clone() },
        state: state as i32,
        resources,
        ..Default::default()
    }
}

#[test]
fn an_unreachable_agent_that_comes_back_brings_its_tasks_back() {
    let mut h = Harness::new();
    let info = with_capabilities(framework_info("fw"), &[Cap::PartitionAware]);
    let (agent, fw) = running_task(&mut h, info.clone());
    h.advance(Duration::from_secs(15 * 6));
    assert_eq!(state(&h.updates(fw.conn)[0]), TaskState::TaskUnreachable);
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    let (conn, _) =
        reregister(&mut h, &agent, &info, vec![reported_task(&agent, &fw.id, TaskState::TaskRunning)]);
    assert_eq!(h.agent_events_of(conn, agent_event::Type::Reregistered).len(), 1);
    let updates = h.updates(fw.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskRunning);
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonAgentReregistered as i32));
    assert!(!h.stored.unreachable.contains_key(&agent.id));
    assert!(h.master.framework(&fw.id).unwrap().tasks.contains_key("t1"));
}

#[test]
fn gone_agents_are_told_to_shut_down() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:1;mem:128");
    h.stored.gone.insert(agent.id.clone(), 1);
    let mut h2 = Harness::with(config(), h.stored.clone());
    let (conn, _) = reregister(&mut h2, &agent, &framework_info("x"), vec![]);
    assert_eq!(h2.agent_events_of(conn, agent_event::Type::Shutdown).len(), 1);
    assert!(h2.closed(conn));
}

#[test]
fn a_restarted_master_knows_its_agents_and_learns_tasks_from_them() {
    let mut h = Harness::new();
    let info =
        FrameworkInfo { failover_timeout: Some(3600.0), checkpoint: Some(true), ..framework_info("fw") };
    let (agent, fw) = running_task(&mut h, info.clone());
    // The master dies; a new one starts from the stored registry.
    let registry = h.stored.clone();
    let mut h = Harness::with(config(), registry);
    let recovered: Vec<_> = h.master.recovered_agents().collect();
    assert_eq!(recovered.len(), 1, "the admitted agent is remembered");
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    let (conn, _) =
        reregister(&mut h, &agent, &info, vec![reported_task(&agent, &fw.id, TaskState::TaskRunning)]);
    assert_eq!(h.agent_events_of(conn, agent_event::Type::Reregistered).len(), 1);
    assert_eq!(h.master.recovered_agents().count(), 0);
    let framework = h.master.framework(&fw.id).expect("framework learned from the agent");
    assert_eq!(framework.tasks["t1"].latest_state(), TaskState::TaskRunning);
    // The scheduler re-subscribes with its id and reconciles.
    let again = h.subscribe(info);
    assert_eq!(again.id, fw.id);
    h.call(
        &again,
        mesos_proto::v1::scheduler::Call {
            r#type: Some(mesos_proto::v1::scheduler::call::Type::Reconcile as i32),
            reconcile: Some(Default::default()),
            ..Default::default()
        },
    );
    let updates = h.updates(again.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskRunning);
    // The task's resources are in use: the offer is what is left.
    h.tick();
    let offer = h.offers(again.conn).remove(0);
    assert_eq!(offer_resources(&offer).scalar("cpus").to_f64(), 1.0);
}

#[test]
fn agents_that_do_not_come_back_after_a_master_restart_become_unreachable() {
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:1;mem:128");
    let mut h = Harness::with(config(), h.stored.clone());
    h.advance(Duration::from_secs(601));
    assert_eq!(h.master.recovered_agents().count(), 0);
    assert_eq!(h.stored.unreachable.len(), 1);
}

#[test]
fn registry_gc_forgets_unreachable_agents_past_the_count_and_the_age() {
    let mut h = Harness::new();
    for name in ["a1", "a2", "a3"] {
        h.register_agent(name, "cpus:1;mem:128");
    }
    let mut config = config();
    config.registry_gc_interval = Duration::from_secs(60);
    config.registry_max_agent_count = 2;
    config.registry_max_agent_age = Duration::from_secs(3600);
    let mut h = Harness::with(config, h.stored.clone());
    // None comes back: all three are marked unreachable after the re-registration timeout
    // (which GC passes meanwhile had nothing to prune for).
    h.advance(Duration::from_secs(601));
    assert_eq!(h.stored.unreachable.len(), 3);
    // The next GC pass keeps the two most recent (here: all marked at once, by id order).
    h.advance(Duration::from_secs(60));
    assert_eq!(h.stored.unreachable.len(), 2, "one beyond --registry_max_agent_count pruned");
    assert_eq!(h.master.registry(), &h.stored, "the master's copy is what was written");
    // An hour on, both are past --registry_max_agent_age.
    h.advance(Duration::from_secs(3600));
    assert!(h.stored.unreachable.is_empty());
    assert_eq!(h.master.registry(), &h.stored);
}

#[test]
fn a_broken_agent_stream_loses_tasks_of_frameworks_that_do_not_checkpoint() {
    let mut h = Harness::new();
    let (agent, fw) = running_task(&mut h, framework_info("fw"));
    h.master.agent_stream_closed(h.now, agent.conn);
    let updates = h.updates(fw.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskLost);
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonAgentDisconnected as i32));
}

#[test]
fn a_reconnecting_agent_is_asked_about_tasks_it_did_not_report() {
    let mut h = Harness::new();
    let info = FrameworkInfo { checkpoint: Some(true), ..framework_info("fw") };
    let (agent, fw) = running_task(&mut h, info.clone());
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    let (conn, _) = reregister(&mut h, &agent, &info, vec![]);
    assert!(h.closed(agent.conn), "the old stream is replaced");
    let reconcile = h.agent_events_of(conn, agent_event::Type::ReconcileTasks);
    assert_eq!(reconcile[0].reconcile_tasks.as_ref().unwrap().tasks[0].task_id.value, "t1");
}

#[test]
fn master_state_survives_in_the_registry_encoding() {
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:1;mem:128");
    h.register_agent("a2", "cpus:1;mem:128");
    let bytes = mesos_registry::encode(&h.stored);
    let decoded = mesos_registry::decode(&bytes).unwrap();
    let master = Master::new(config(), decoded, h.now);
    assert_eq!(master.recovered_agents().count(), 2);
}

#[test]
fn reregistration_is_refused_while_the_agent_is_being_marked_unreachable() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:1;mem:128");
    h.auto_commit = false;
    h.advance(Duration::from_secs(15 * 6));
    assert!(!h.pending_persists.is_empty(), "the unreachable write is in flight");
    let conn = h.conn();
    let call = AgentCall {
        r#type: Some(agent_call::Type::Reregister as i32),
        reregister: Some(agent_call::Reregister { agent_info: agent.info.clone(), ..Default::default() }),
        ..Default::default()
    };
    let reply = h.master.agent_call(h.now, conn, call, None);
    assert!(matches!(reply, AgentReply::Error { status: 503, .. }), "{reply:?}");
}

#[test]
fn a_stream_that_closes_before_admission_commits_leaves_the_agent_disconnected() {
    let mut h = Harness::new();
    h.auto_commit = false;
    let conn = h.conn();
    let call = AgentCall {
        r#type: Some(agent_call::Type::Register as i32),
        register: Some(agent_call::Register {
            agent_info: mesos_proto::v1::AgentInfo {
                hostname: "a1".into(),
                resources: wire("cpus:1;mem:128"),
                ..Default::default()
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    h.master.agent_call(h.now, conn, call, None);
    h.pump();
    h.master.agent_stream_closed(h.now, conn);
    h.commit_pending();
    assert!(h.agent_events(conn).is_empty(), "no REGISTERED on a dead stream");
    let agent = h.master.agents().next().expect("admitted");
    assert!(!agent.connected());
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    assert!(h.offers(fw.conn).is_empty(), "a disconnected agent is not offered");
}

#[test]
fn kills_for_a_disconnected_agent_are_sent_when_it_returns() {
    let mut h = Harness::new();
    let info = FrameworkInfo { checkpoint: Some(true), ..framework_info("fw") };
    let (mut agent, fw) = running_task(&mut h, info.clone());
    h.master.agent_stream_closed(h.now, agent.conn);
    let kill = mesos_proto::v1::scheduler::Call {
        r#type: Some(mesos_proto::v1::scheduler::call::Type::Kill as i32),
        kill: Some(mesos_proto::v1::scheduler::call::Kill {
            task_id: TaskId { value: "t1".into() },
            ..Default::default()
        }),
        ..Default::default()
    };
    h.call(&fw, kill);
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    let task = ("t1".to_string(), fw.id.clone(), TaskState::TaskRunning, "cpus:1;mem:128".to_string());
    h.reconnect_agent(&mut agent, vec![info], vec![task]);
    let kills = h.agent_events_of(agent.conn, agent_event::Type::KillTask);
    assert_eq!(kills.len(), 1);
    assert_eq!(kills[0].kill_task.as_ref().unwrap().task_id.value, "t1");
}

#[test]
fn updates_from_another_agent_do_not_touch_the_task() {
    let mut h = Harness::new();
    let (agent, fw) = running_task(&mut h, framework_info("fw"));
    let other = h.register_agent("a2", "cpus:1;mem:128");
    h.agent_update(&other, &fw.id, "t1", TaskState::TaskFinished);
    let task = &h.master.framework(&fw.id).unwrap().tasks["t1"];
    assert_eq!(task.latest_state(), TaskState::TaskRunning);
    assert!(!task.released);
    assert_eq!(h.master.allocator().allocated_on(&agent.id).unwrap().scalar("cpus").to_f64(), 1.0);
}

#[test]
fn terminal_tasks_reported_at_reregistration_are_not_released_twice() {
    let mut h = Harness::new();
    let info =
        FrameworkInfo { checkpoint: Some(true), failover_timeout: Some(600.0), ..framework_info("fw") };
    let (agent, fw) = running_task(&mut h, info.clone());
    // Master restart; the agent reports the task finished, its update still unacknowledged.
    let mut h = Harness::with(config(), h.stored.clone());
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    let (conn, stream_id) =
        reregister(&mut h, &agent, &info, vec![reported_task(&agent, &fw.id, TaskState::TaskFinished)]);
    let agent = TestAgent { conn, stream_id, ..agent };
    assert!(h.master.allocator().allocated_on(&agent.id).is_none_or(|r| r.is_empty()));
    // The agent retries the terminal update: nothing is recovered a second time.
    h.agent_update(&agent, &fw.id, "t1", TaskState::TaskFinished);
    let _again = h.subscribe(info);
    h.tick();
    assert!(h.master.allocator().allocated_on(&agent.id).is_none_or(|r| r.scalar("cpus").to_f64() <= 2.0));
}

#[test]
fn an_unregistering_agent_is_offered_no_more_and_frameworks_hear_it_is_gone() {
    let mut h = Harness::new();
    let (agent, fw) = running_task(&mut h, framework_info("fw"));
    h.advance(Duration::from_secs(6));
    h.offers(fw.conn);
    h.auto_commit = false;
    let call = AgentCall {
        r#type: Some(agent_call::Type::Unregister as i32),
        agent_id: Some(AgentId { value: agent.id.clone() }),
        ..Default::default()
    };
    h.agent_send(&agent, call);
    assert_eq!(state(&h.updates(fw.conn)[0]), TaskState::TaskLost);
    h.advance(Duration::from_secs(2));
    assert!(h.offers(fw.conn).is_empty(), "nothing is offered from a leaving agent");
    h.commit_pending();
    assert_eq!(h.events_of(fw.conn, event::Type::Failure).len(), 1);
    assert_eq!(h.master.agents().count(), 0);
}

#[test]
fn tasks_of_removed_frameworks_are_shut_down_when_their_agent_reconnects() {
    let mut h = Harness::new();
    let info = FrameworkInfo { checkpoint: Some(true), ..framework_info("fw") };
    let (mut agent, fw) = running_task(&mut h, info.clone());
    h.master.agent_stream_closed(h.now, agent.conn);
    assert!(h.master.teardown(h.now, &fw.id));
    let task = ("t1".to_string(), fw.id.clone(), TaskState::TaskRunning, "cpus:1;mem:128".to_string());
    h.reconnect_agent(&mut agent, vec![], vec![task]);
    let shutdowns = h.agent_events_of(agent.conn, agent_event::Type::ShutdownFramework);
    assert_eq!(shutdowns.len(), 1);
    assert_eq!(shutdowns[0].shutdown_framework.as_ref().unwrap().framework_id.value, fw.id);
}

#[test]
fn a_failed_admission_closes_the_stream_and_its_agent_id_is_handed_out_again() {
    let mut h = Harness::new();
    h.auto_commit = false;
    let register = |hostname: &str| AgentCall {
        r#type: Some(agent_call::Type::Register as i32),
        register: Some(agent_call::Register {
            agent_info: mesos_proto::v1::AgentInfo {
                hostname: hostname.into(),
                resources: wire("cpus:1;mem:128"),
                ..Default::default()
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    for attempt in 0..3 {
        let conn = h.conn();
        h.master.agent_call(h.now, conn, register("a1"), None);
        h.pump();
        h.fail_pending();
        assert!(
            h.outputs
                .iter()
                .any(|o| matches!(o, mesos_master_core::Output::CloseAgent { conn: c } if *c == conn)),
            "attempt {attempt}: the agent learns the registration failed"
        );
        assert_eq!(h.master.agents().count(), 0);
        assert!(h.stored.agents.is_empty());
    }
    let conn = h.conn();
    h.master.agent_call(h.now, conn, register("a1"), None);
    h.pump();
    h.commit_pending();
    let events = h.agent_events_of(conn, agent_event::Type::Registered);
    let id = &events[0].registered.as_ref().unwrap().agent_id.value;
    assert_eq!(id, &format!("{MASTER_ID}-S0"), "failed writes consumed no ids");
    assert_eq!(h.master.counters().registry_write_failures, 3);
}

#[test]
fn a_failed_unreachable_write_is_retried_with_backoff_until_it_commits() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:1;mem:128");
    h.auto_commit = false;
    h.advance(Duration::from_secs(15 * 6));
    assert_eq!(h.pending_persists.len(), 1, "the unreachable write is in flight");
    h.fail_pending();
    assert!(h.pending_persists.is_empty());
    // Retries come after 1 s, then 2 s, 4 s...: never in a tight loop.
    let mut retried_at = Vec::new();
    let start = h.now;
    for _ in 0..3 {
        let at = h.master.poll_timeout().expect("a retry is scheduled");
        h.advance(at.saturating_since(h.now));
        if h.pending_persists.is_empty() {
            continue;
        }
        retried_at.push(h.now.saturating_since(start).as_secs());
        h.fail_pending();
    }
    assert!(retried_at.len() >= 2, "the write was retried: {retried_at:?}");
    assert!(retried_at.windows(2).all(|w| w[1] > w[0]), "{retried_at:?}");
    assert!(!h.stored.unreachable.contains_key(&agent.id), "nothing committed yet");
    // The disk recovers: the next retry commits and the agent is unreachable for good.
    while h.pending_persists.is_empty() {
        let at = h.master.poll_timeout().expect("a retry is scheduled");
        h.advance(at.saturating_since(h.now));
    }
    h.commit_pending();
    assert!(h.stored.unreachable.contains_key(&agent.id));
    assert_eq!(h.master.agents().count(), 0);
}

/// A master restarted under a checkpointing framework's running task: the agent re-registers
/// reporting that task with a scalar resource that has no value. Returns the new harness, the
/// agent (on its new stream) and the framework's info with its id.
fn restarted_with_an_unreadable_task() -> (Harness, TestAgent, FrameworkInfo) {
    let mut h = Harness::new();
    let info =
        FrameworkInfo { failover_timeout: Some(3600.0), checkpoint: Some(true), ..framework_info("fw") };
    let (agent, fw) = running_task(&mut h, info.clone());
    let mut h = Harness::with(config(), h.stored.clone());
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    let mut task = reported_task(&agent, &fw.id, TaskState::TaskRunning);
    task.resources[0].scalar = None; // a scalar resource without its value
    let (conn, stream_id) = reregister(&mut h, &agent, &info, vec![task]);
    assert_eq!(h.agent_events_of(conn, agent_event::Type::Reregistered).len(), 1);
    (h, TestAgent { conn, stream_id, ..agent }, info)
}

#[test]
fn a_reported_task_with_unreadable_resources_quarantines_its_agent_until_it_ends() {
    let (mut h, agent, info) = restarted_with_an_unreadable_task();
    let fw_id = info.id.clone().unwrap().value;
    let warned = h.outputs.iter().any(
        |o| matches!(o, mesos_master_core::Output::Warning(w) if w.contains("t1") && w.contains("cannot be read")),
    );
    assert!(warned, "the reason is logged: {:?}", h.outputs);
    let again = h.subscribe(info);
    h.advance(Duration::from_secs(5));
    assert!(h.offers(again.conn).is_empty(), "nothing of the agent is offered while the task runs");
    // The task ends: the agent is offered again, whole.
    h.agent_update(&agent, &fw_id, "t1", TaskState::TaskFinished);
    h.advance(Duration::from_secs(5));
    let offers = h.offers(again.conn);
    assert_eq!(offers.len(), 1, "{offers:?}");
    assert_eq!(offer_resources(&offers[0]).scalar("cpus").to_f64(), 2.0);
    assert_eq!(h.master.counters().allocator_errors, 0);
}

#[test]
fn a_quarantine_ends_when_the_framework_of_the_unreadable_task_is_removed() {
    let (mut h, _agent, info) = restarted_with_an_unreadable_task();
    let owner = h.subscribe(info);
    // (This master kept its id across the restart, so a new framework needs an id of its own.)
    let other = h.subscribe(FrameworkInfo {
        id: Some(FrameworkId { value: "other-framework".into() }),
        ..framework_info("other")
    });
    h.advance(Duration::from_secs(5));
    assert!(h.offers(other.conn).is_empty(), "quarantined");
    let reply = h.call(
        &owner,
        mesos_proto::v1::scheduler::Call {
            r#type: Some(mesos_proto::v1::scheduler::call::Type::Teardown as i32),
            ..Default::default()
        },
    );
    assert_eq!(reply, mesos_master_core::SchedulerReply::Accepted);
    assert_eq!(h.master.completed_frameworks().count(), 1);
    h.advance(Duration::from_secs(5));
    assert_eq!(h.offers(other.conn).len(), 1, "the agent is offered again once the framework is gone");
}

// ----- found by mesos-sim -----

/// An agent's TASK_RUNNING for `t1` (uuid 7…), with the task's latest state if given.
fn running_update(agent: &TestAgent, framework_id: &str, latest: Option<TaskState>) -> AgentCall {
    AgentCall {
        r#type: Some(agent_call::Type::StatusUpdate as i32),
        agent_id: Some(AgentId { value: agent.id.clone() }),
        status_update: Some(mesos_proto::internal::StatusUpdate {
            framework_id: FrameworkId { value: framework_id.to_string() },
            status: mesos_proto::v1::TaskStatus {
                task_id: TaskId { value: "t1".into() },
                state: TaskState::TaskRunning as i32,
                uuid: Some(vec![7; 16]),
                ..Default::default()
            },
            latest_state: latest.map(|s| s as i32),
        }),
        ..Default::default()
    }
}

#[test]
fn a_disconnected_agent_is_not_heard_until_it_reregisters() {
    // mesos-sim seed 91 (agent-stream-break): the master had reported the task lost when the
    // stream broke; an update the agent sent before it noticed must not revive it.
    let mut h = Harness::new();
    let (agent, fw) = running_task(&mut h, framework_info("fw"));
    h.master.agent_stream_closed(h.now, agent.conn);
    h.pump();
    assert_eq!(state(&h.updates(fw.conn)[0]), TaskState::TaskLost);
    let call = running_update(&agent, &fw.id, None);
    let reply = h.agent_send(&agent, call);
    assert!(
        matches!(&reply, AgentReply::Error { status: 400, message } if message.contains("re-register")),
        "{reply:?}"
    );
    assert!(h.updates(fw.conn).is_empty(), "nothing reaches the framework");
}

#[test]
fn unreachable_tasks_an_agent_does_not_bring_back_are_gone() {
    // mesos-sim seed 19 (partition): they stayed TASK_UNREACHABLE for ever.
    let mut h = Harness::new();
    let info = with_capabilities(framework_info("fw"), &[Cap::PartitionAware]);
    let (agent, fw) = running_task(&mut h, info.clone());
    h.advance(Duration::from_secs(15 * 6));
    assert_eq!(state(&h.updates(fw.conn)[0]), TaskState::TaskUnreachable);
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    reregister(&mut h, &agent, &info, vec![]);
    let reconcile = mesos_proto::v1::scheduler::Call {
        r#type: Some(mesos_proto::v1::scheduler::call::Type::Reconcile as i32),
        reconcile: Some(mesos_proto::v1::scheduler::call::Reconcile {
            tasks: vec![mesos_proto::v1::scheduler::call::reconcile::Task {
                task_id: TaskId { value: "t1".into() },
                agent_id: Some(AgentId { value: agent.id.clone() }),
            }],
        }),
        ..Default::default()
    };
    h.call(&fw, reconcile);
    let updates = h.updates(fw.conn);
    assert_eq!(state(updates.last().unwrap()), TaskState::TaskGone, "{updates:?}");
}

#[test]
fn a_task_that_ended_unheard_is_lost_with_its_agent_and_back_with_it() {
    // mesos-sim seed 91 (agent-crash): a task whose end the framework had not heard was taken
    // off silently when its agent became unreachable; reconciliation then said TASK_LOST and
    // the agent's RUNNING came after it.
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.accept(&fw, &[&offer], vec![launch(vec![task("t1", &offer, "cpus:1;mem:128")])]);
    // RUNNING is in flight, unacknowledged, while the task has already finished.
    let call = running_update(&agent, &fw.id, Some(TaskState::TaskFinished));
    assert_eq!(h.agent_send(&agent, call), AgentReply::Accepted);
    h.updates(fw.conn);
    h.advance(Duration::from_secs(15 * 6));
    let updates = h.updates(fw.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskLost, "{updates:?}");
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..framework_info("fw") };
    let mut reported = reported_task(&agent, &fw.id, TaskState::TaskFinished);
    reported.status_update_state = Some(TaskState::TaskRunning as i32);
    reported.status_update_uuid = Some(vec![7; 16]);
    reregister(&mut h, &agent, &info, vec![reported]);
    let updates = h.updates(fw.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskRunning, "the reliable stream's state, {updates:?}");
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonAgentReregistered as i32));
}

#[test]
fn tasks_of_an_unreachable_agent_are_reported_back_after_a_master_restart() {
    // mesos-sim seed 534: the restarted master had answered reconciliation with TASK_LOST
    // (the registry says the agent is unreachable); when the agent came back its tasks
    // reappeared without a word saying why.
    let mut h = Harness::new();
    let info =
        FrameworkInfo { checkpoint: Some(true), failover_timeout: Some(3600.0), ..framework_info("fw") };
    let (agent, fw) = running_task(&mut h, info.clone());
    h.advance(Duration::from_secs(15 * 6));
    assert!(h.stored.unreachable.contains_key(&agent.id));
    let mut h = Harness::with(config(), h.stored.clone());
    let info = FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info };
    let again = h.subscribe(info.clone());
    reregister(&mut h, &agent, &info, vec![reported_task(&agent, &fw.id, TaskState::TaskRunning)]);
    let updates = h.updates(again.conn);
    let back: Vec<_> = updates
        .iter()
        .filter(|u| u.reason == Some(task_status::Reason::ReasonAgentReregistered as i32))
        .collect();
    assert_eq!(back.len(), 1, "{updates:?}");
    assert_eq!(state(back[0]), TaskState::TaskRunning);
}

#[test]
fn one_reregistration_at_a_time() {
    // mesos-sim seed 443: two re-registrations of one unreachable agent were both written and
    // both admitted it; the allocator refused the second.
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:1;mem:128");
    h.advance(Duration::from_secs(15 * 6));
    assert!(h.stored.unreachable.contains_key(&agent.id));
    h.auto_commit = false;
    let call = AgentCall {
        r#type: Some(agent_call::Type::Reregister as i32),
        reregister: Some(agent_call::Reregister { agent_info: agent.info.clone(), ..Default::default() }),
        ..Default::default()
    };
    let first = h.conn();
    assert!(matches!(h.master.agent_call(h.now, first, call.clone(), None), AgentReply::Stream { .. }));
    h.pump();
    let second = h.conn();
    let reply = h.master.agent_call(h.now, second, call.clone(), None);
    assert!(matches!(reply, AgentReply::Error { status: 503, .. }), "{reply:?}");
    h.commit_pending();
    // Once written, a retry reconnects the known agent.
    let third = h.conn();
    assert!(matches!(h.master.agent_call(h.now, third, call, None), AgentReply::Stream { .. }));
    h.pump();
    assert_eq!(h.master.agents().count(), 1);
    assert_eq!(h.master.audit(), Ok(()));
}

/// Agents that join together are not all pinged in one step: each gets its own slot of the
/// ping timeout, and every one is still pinged within two timeouts.
#[test]
fn agents_that_join_together_are_pinged_at_different_times() {
    let mut h = Harness::new();
    let agents: Vec<_> = (0..8).map(|i| h.register_agent(&format!("a{i}"), "cpus:1;mem:128")).collect();
    h.advance(Duration::from_secs(15));
    let pinged_early: Vec<usize> =
        agents.iter().map(|agent| h.agent_events_of(agent.conn, agent_event::Type::Ping).len()).collect();
    let early = pinged_early.iter().filter(|n| **n > 0).count();
    assert!(
        (1..=2).contains(&early),
        "one ping timeout in, only the first slots are pinged: {pinged_early:?}"
    );
    h.advance(Duration::from_secs(15));
    for (agent, early) in agents.iter().zip(&pinged_early) {
        let later = h.agent_events_of(agent.conn, agent_event::Type::Ping).len();
        assert!(early + later >= 1, "agent {} was never pinged", agent.id);
    }
}
