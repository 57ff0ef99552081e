//! The scheduler API against the master core: calls, events, validation, status codes.

mod harness;

use std::time::Duration;

use harness::*;
use mesos_master_core::SchedulerReply;
use mesos_proto::internal::agent_event;
use mesos_proto::v1::framework_info::capability::Type as Cap;
use mesos_proto::v1::scheduler::{Call, call, event};
use mesos_proto::v1::{
    AgentId, CommandInfo, ExecutorId, ExecutorInfo, Filters, FrameworkId, TaskGroupInfo, TaskId, TaskState,
    executor_info, offer, task_status,
};

fn simple_call(kind: call::Type) -> Call {
    Call { r#type: Some(kind as i32), ..Default::default() }
}

#[test]
fn subscribe_assigns_an_id_and_sends_subscribed_then_heartbeat() {
    let mut h = Harness::new();
    let conn = h.conn();
    let info = framework_info("fw");
    let call = Call {
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe { framework_info: info, ..Default::default() }),
        ..Default::default()
    };
    let reply = h.master.scheduler_call(h.now, conn, call, None);
    let SchedulerReply::Stream { stream_id } = reply else { panic!("{reply:?}") };
    assert_eq!(stream_id.len(), 36, "a canonical UUID");
    let events = h.events(conn);
    assert_eq!(events[0].r#type, Some(event::Type::Subscribed as i32));
    let subscribed = events[0].subscribed.as_ref().unwrap();
    assert_eq!(subscribed.framework_id.value, format!("{MASTER_ID}-0000"));
    assert_eq!(subscribed.heartbeat_interval_seconds, Some(15.0));
    assert_eq!(subscribed.master_info.as_ref().unwrap().id, MASTER_ID);
    assert_eq!(events[1].r#type, Some(event::Type::Heartbeat as i32));
    // Heartbeats keep coming every 15 seconds.
    h.advance(Duration::from_secs(15));
    assert_eq!(h.events_of(conn, event::Type::Heartbeat).len(), 1);
}

#[test]
fn subscribe_refusals_arrive_as_an_error_event_on_a_200_stream() {
    let mut h = Harness::new();
    for (info, expected) in [
        (FrameworkInfo { role: Some("bad role".into()), ..framework_info("x") }, "invalid"),
        (FrameworkInfo { roles: vec!["a".into()], ..framework_info("x") }, "MULTI_ROLE"),
        (
            FrameworkInfo {
                roles: vec!["a".into(), "a".into()],
                ..with_capabilities(framework_info("x"), &[Cap::MultiRole])
            },
            "duplicate",
        ),
    ] {
        let conn = h.conn();
        let call = Call {
            r#type: Some(call::Type::Subscribe as i32),
            subscribe: Some(call::Subscribe { framework_info: info, ..Default::default() }),
            ..Default::default()
        };
        assert!(matches!(h.master.scheduler_call(h.now, conn, call, None), SchedulerReply::Stream { .. }));
        let events = h.events(conn);
        assert_eq!(events.len(), 1, "{events:?}");
        let message = &events[0].error.as_ref().expect("ERROR event").message;
        assert!(message.contains(expected), "{message}");
        assert!(h.closed(conn));
    }
}

use mesos_proto::v1::FrameworkInfo;

#[test]
fn stream_ids_and_framework_ids_are_checked_in_mesos_order() {
    let mut h = Harness::new();
    let fw = h.subscribe(framework_info("fw"));
    let revive = |id: &str| Call {
        r#type: Some(call::Type::Revive as i32),
        framework_id: Some(FrameworkId { value: id.into() }),
        ..Default::default()
    };
    let reply = h.master.scheduler_call(h.now, 99, revive("nope"), Some(&fw.stream_id));
    assert_eq!(reply, SchedulerReply::Error { status: 400, message: "Framework cannot be found".into() });
    let reply = h.master.scheduler_call(h.now, 99, revive(&fw.id), None);
    assert!(
        matches!(reply, SchedulerReply::Error { status: 400, ref message } if message.contains("should include"))
    );
    let reply =
        h.master.scheduler_call(h.now, 99, revive(&fw.id), Some("00000000-0000-4000-8000-000000000000"));
    assert!(
        matches!(reply, SchedulerReply::Error { status: 400, ref message } if message.contains("didn't match"))
    );
    assert_eq!(
        h.master.scheduler_call(h.now, 99, revive(&fw.id), Some(&fw.stream_id)),
        SchedulerReply::Accepted
    );
    let unknown = Call {
        r#type: Some(0),
        framework_id: Some(FrameworkId { value: fw.id.clone() }),
        ..Default::default()
    };
    assert!(matches!(
        h.master.scheduler_call(h.now, 99, unknown, Some(&fw.stream_id)),
        SchedulerReply::Error { status: 501, .. }
    ));
    let subscribe_with_header = Call {
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe { framework_info: framework_info("y"), ..Default::default() }),
        ..Default::default()
    };
    assert!(matches!(
        h.master.scheduler_call(h.now, 98, subscribe_with_header, Some(&fw.stream_id)),
        SchedulerReply::Error { status: 400, .. }
    ));
}

#[test]
fn disconnected_frameworks_get_403_and_are_removed_after_their_failover_timeout() {
    let mut h = Harness::new();
    let info = FrameworkInfo { failover_timeout: Some(60.0), ..framework_info("fw") };
    let fw = h.subscribe(info.clone());
    h.master.scheduler_stream_closed(h.now, fw.conn);
    let reply = h.call(&fw, simple_call(call::Type::Revive));
    assert_eq!(reply, SchedulerReply::Error { status: 403, message: "Framework is not subscribed".into() });
    // Re-subscribing within the timeout keeps the framework.
    h.advance(Duration::from_secs(30));
    let again = h.subscribe(FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info.clone() });
    assert_eq!(again.id, fw.id);
    h.advance(Duration::from_secs(60));
    assert!(h.master.framework(&fw.id).is_some(), "the old timer must not fire");
    // Disconnect for good: removed after 60 s, then 400 and ERROR on re-subscribe.
    h.master.scheduler_stream_closed(h.now, again.conn);
    h.advance(Duration::from_secs(61));
    assert!(h.master.framework(&fw.id).is_none());
    assert!(matches!(
        h.call(&again, simple_call(call::Type::Revive)),
        SchedulerReply::Error { status: 400, .. }
    ));
    let conn = h.conn();
    let call = Call {
        r#type: Some(call::Type::Subscribe as i32),
        framework_id: Some(FrameworkId { value: fw.id.clone() }),
        subscribe: Some(call::Subscribe {
            framework_info: FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info },
            ..Default::default()
        }),
        ..Default::default()
    };
    h.master.scheduler_call(h.now, conn, call, None);
    let events = h.events(conn);
    assert_eq!(events[0].error.as_ref().unwrap().message, "Framework has been removed");
}

#[test]
fn failover_closes_the_old_stream_with_an_error_and_invalidates_offers() {
    let mut h = Harness::new();
    let _agent = h.register_agent("a1", "cpus:2;mem:1024");
    let info = FrameworkInfo { failover_timeout: Some(600.0), ..framework_info("fw") };
    let fw = h.subscribe(info.clone());
    h.tick();
    let offers = h.offers(fw.conn);
    assert_eq!(offers.len(), 1);
    let new = h.subscribe(FrameworkInfo { id: Some(FrameworkId { value: fw.id.clone() }), ..info });
    assert_eq!(new.id, fw.id);
    assert_ne!(new.stream_id, fw.stream_id);
    let old_events = h.events(fw.conn);
    assert_eq!(old_events.last().unwrap().error.as_ref().unwrap().message, "Framework failed over");
    assert!(h.closed(fw.conn));
    // The old offer is gone: using it loses the task.
    h.accept(&new, &[&offers[0]], vec![launch(vec![task("t1", &offers[0], "cpus:1;mem:128")])]);
    let updates = h.updates(new.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskLost);
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonInvalidOffers as i32));
    // The old stream id no longer works.
    assert!(matches!(
        h.call(&fw, simple_call(call::Type::Revive)),
        SchedulerReply::Error { status: 400, .. }
    ));
}

#[test]
fn a_task_runs_to_completion_with_reliable_updates() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:4;mem:4096;ports:[31000-32000]");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offers = h.offers(fw.conn);
    assert_eq!(offers.len(), 1);
    let offer = &offers[0];
    assert_eq!(offer.agent_id.value, agent.id);
    assert_eq!(offer.hostname, "a1");
    assert!(offer.allocation_info.is_none(), "no allocation info without MULTI_ROLE");
    assert!(offer.resources.iter().all(|r| r.allocation_info.is_none() && r.role.as_deref() == Some("*")));
    assert_eq!(
        h.accept(&fw, &[offer], vec![launch(vec![task("t1", offer, "cpus:1;mem:128")])]),
        SchedulerReply::Accepted
    );
    let run = h.agent_events_of(agent.conn, agent_event::Type::RunTask);
    assert_eq!(run.len(), 1);
    let sent = &run[0].run_task.as_ref().unwrap().task;
    assert!(
        sent.resources
            .iter()
            .all(|r| r.allocation_info.as_ref().and_then(|a| a.role.as_deref()) == Some("*"))
    );
    assert_eq!(h.master.framework(&fw.id).unwrap().tasks["t1"].latest_state(), TaskState::TaskStaging);

    let uuid = h.agent_update(&agent, &fw.id, "t1", TaskState::TaskRunning);
    let updates = h.updates(fw.conn);
    assert_eq!(updates.len(), 1);
    assert_eq!(state(&updates[0]), TaskState::TaskRunning);
    assert_eq!(updates[0].uuid.as_deref(), Some(uuid.as_slice()));
    assert_eq!(updates[0].agent_id.as_ref().unwrap().value, agent.id);
    assert_eq!(h.acknowledge(&fw, &agent.id, "t1", uuid.clone()), SchedulerReply::Accepted);
    let acks = h.agent_events_of(agent.conn, agent_event::Type::Acknowledge);
    assert_eq!(acks[0].acknowledge.as_ref().unwrap().uuid, uuid);

    let uuid = h.agent_update(&agent, &fw.id, "t1", TaskState::TaskFinished);
    assert_eq!(state(&h.updates(fw.conn)[0]), TaskState::TaskFinished);
    assert!(h.master.framework(&fw.id).unwrap().tasks.contains_key("t1"), "kept until acknowledged");
    h.acknowledge(&fw, &agent.id, "t1", uuid);
    let framework = h.master.framework(&fw.id).unwrap();
    assert!(!framework.tasks.contains_key("t1"));
    assert_eq!(framework.completed_tasks.len(), 1);
    // All resources are free again: the next offer is the whole agent.
    h.advance(Duration::from_secs(6));
    let offers = h.offers(fw.conn);
    let total: f64 = offers.iter().map(|o| offer_resources(o).scalar("cpus").to_f64()).sum();
    assert_eq!(total, 4.0);
}

#[test]
fn declined_offers_come_back_after_the_filter() {
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let decline = Call {
        r#type: Some(call::Type::Decline as i32),
        decline: Some(call::Decline {
            offer_ids: vec![offer.id.clone()],
            filters: Some(Filters { refuse_seconds: Some(10.0) }),
        }),
        ..Default::default()
    };
    h.call(&fw, decline);
    h.advance(Duration::from_secs(9));
    assert!(h.offers(fw.conn).is_empty());
    h.advance(Duration::from_secs(2));
    assert_eq!(h.offers(fw.conn).len(), 1);
}

#[test]
fn invalid_offers_lose_tasks_and_partition_aware_frameworks_see_dropped() {
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(with_capabilities(framework_info("fw"), &[Cap::PartitionAware]));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.accept(&fw, &[&offer], vec![launch(vec![task("t1", &offer, "cpus:1;mem:128")])]);
    h.updates(fw.conn);
    // The same offer again: it was consumed.
    h.accept(&fw, &[&offer], vec![launch(vec![task("t2", &offer, "cpus:1;mem:128")])]);
    let updates = h.updates(fw.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskDropped);
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonInvalidOffers as i32));
    assert_eq!(updates[0].source, Some(task_status::Source::SourceMaster as i32));
    assert!(updates[0].uuid.is_none(), "master-generated updates are not acknowledged");
    assert!(updates[0].message.as_deref().unwrap().contains("invalid offers"));
}

#[test]
fn task_validation_errors_are_task_error_with_reason() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let mut both = task("both", &offer, "cpus:0.1;mem:32");
    both.executor = Some(ExecutorInfo {
        executor_id: ExecutorId { value: "e".into() },
        command: Some(CommandInfo { value: Some("x".into()), ..Default::default() }),
        ..Default::default()
    });
    let mut elsewhere = task("elsewhere", &offer, "cpus:0.1;mem:32");
    elsewhere.agent_id = AgentId { value: "other".into() };
    let tasks = vec![
        task("ok", &offer, "cpus:1;mem:128"),
        task("ok", &offer, "cpus:0.1;mem:32"),     // duplicate id
        task("big", &offer, "cpus:5;mem:128"),     // not in the offer
        task("bad/id", &offer, "cpus:0.1;mem:32"), // invalid id
        task("none", &offer, ""),                  // no resources
        both,
        elsewhere,
    ];
    h.accept(&fw, &[&offer], vec![launch(tasks)]);
    let updates = h.updates(fw.conn);
    let errors: Vec<(String, String)> =
        updates.iter().map(|u| (u.task_id.value.clone(), u.message.clone().unwrap_or_default())).collect();
    assert_eq!(updates.len(), 6, "{errors:?}");
    for update in &updates {
        assert_eq!(state(update), TaskState::TaskError);
        assert_eq!(update.reason, Some(task_status::Reason::ReasonTaskInvalid as i32));
    }
    assert!(errors.iter().any(|(id, m)| id == "ok" && m.contains("duplicate")));
    assert!(errors.iter().any(|(id, m)| id == "big" && m.contains("more resources")));
    assert!(errors.iter().any(|(id, m)| id == "both" && m.contains("not both")));
    assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::RunTask).len(), 1);
}

#[test]
fn launch_group_goes_to_one_executor_and_invalid_groups_fail_whole() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:4;mem:4096;disk:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let executor = ExecutorInfo {
        r#type: Some(executor_info::Type::Default as i32),
        executor_id: ExecutorId { value: "group".into() },
        resources: wire("cpus:0.1;mem:32;disk:32"),
        ..Default::default()
    };
    let group = |tasks| offer::Operation {
        r#type: Some(offer::operation::Type::LaunchGroup as i32),
        launch_group: Some(offer::operation::LaunchGroup {
            executor: executor.clone(),
            task_group: TaskGroupInfo { tasks },
        }),
        ..Default::default()
    };
    h.accept(
        &fw,
        &[&offer],
        vec![group(vec![task("g1", &offer, "cpus:1;mem:128"), task("g2", &offer, "cpus:1;mem:128")])],
    );
    let run = h.agent_events_of(agent.conn, agent_event::Type::RunTaskGroup);
    assert_eq!(run.len(), 1);
    let body = run[0].run_task_group.as_ref().unwrap();
    assert_eq!(body.task_group.tasks.len(), 2);
    assert!(
        body.task_group
            .tasks
            .iter()
            .all(|t| t.executor.as_ref().map(|e| &e.executor_id.value) == Some(&"group".to_string()))
    );
    assert_eq!(body.executor.framework_id.as_ref().unwrap().value, fw.id);

    h.advance(Duration::from_secs(6));
    let offer = h.offers(fw.conn).remove(0);
    // One task asks for too much: the whole group fails.
    h.accept(
        &fw,
        &[&offer],
        vec![group(vec![task("g3", &offer, "cpus:0.5;mem:32"), task("g4", &offer, "cpus:100;mem:32")])],
    );
    let updates = h.updates(fw.conn);
    assert_eq!(updates.len(), 2);
    assert!(updates.iter().all(|u| state(u) == TaskState::TaskError
        && u.reason == Some(task_status::Reason::ReasonTaskGroupInvalid as i32)));
}

#[test]
fn kill_goes_to_the_agent_and_unknown_tasks_are_reconciled() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.accept(&fw, &[&offer], vec![launch(vec![task("t1", &offer, "cpus:1;mem:128")])]);
    let kill = |task: &str| Call {
        r#type: Some(call::Type::Kill as i32),
        kill: Some(call::Kill { task_id: TaskId { value: task.into() }, ..Default::default() }),
        ..Default::default()
    };
    h.call(&fw, kill("t1"));
    let kills = h.agent_events_of(agent.conn, agent_event::Type::KillTask);
    assert_eq!(kills[0].kill_task.as_ref().unwrap().task_id.value, "t1");
    h.call(&fw, kill("ghost"));
    let updates = h.updates(fw.conn);
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].task_id.value, "ghost");
    assert_eq!(state(&updates[0]), TaskState::TaskLost);
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonReconciliation as i32));
}

#[test]
fn reconciliation_answers_follow_the_table() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(with_capabilities(framework_info("fw"), &[Cap::PartitionAware]));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.accept(&fw, &[&offer], vec![launch(vec![task("t1", &offer, "cpus:1;mem:128")])]);
    let uuid = h.agent_update(&agent, &fw.id, "t1", TaskState::TaskRunning);
    h.acknowledge(&fw, &agent.id, "t1", uuid);
    h.updates(fw.conn);
    // Implicit: every known task with its latest state, no uuid.
    h.call(
        &fw,
        Call {
            r#type: Some(call::Type::Reconcile as i32),
            reconcile: Some(call::Reconcile { tasks: vec![] }),
            ..Default::default()
        },
    );
    let updates = h.updates(fw.conn);
    assert_eq!(updates.len(), 1);
    assert_eq!(state(&updates[0]), TaskState::TaskRunning);
    assert!(updates[0].uuid.is_none());
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonReconciliation as i32));
    // Explicit: unknown task on a registered agent → GONE; no agent → UNKNOWN.
    let ask = |task: &str, agent: Option<&str>| call::reconcile::Task {
        task_id: TaskId { value: task.into() },
        agent_id: agent.map(|a| AgentId { value: a.into() }),
    };
    h.call(
        &fw,
        Call {
            r#type: Some(call::Type::Reconcile as i32),
            reconcile: Some(call::Reconcile {
                tasks: vec![ask("t1", Some(&agent.id)), ask("x", Some(&agent.id)), ask("y", None)],
            }),
            ..Default::default()
        },
    );
    let states: Vec<TaskState> = h.updates(fw.conn).iter().map(state).collect();
    assert_eq!(states, vec![TaskState::TaskRunning, TaskState::TaskGone, TaskState::TaskUnknown]);
}

#[test]
fn suppress_stops_offers_and_revive_restores_them() {
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.call(&fw, simple_call(call::Type::Suppress));
    h.advance(Duration::from_secs(5));
    assert!(h.offers(fw.conn).is_empty());
    // A foreign role makes the whole call a no-op.
    h.call(
        &fw,
        Call {
            r#type: Some(call::Type::Revive as i32),
            revive: Some(call::Revive { roles: vec!["other".into()] }),
            ..Default::default()
        },
    );
    h.advance(Duration::from_secs(2));
    assert!(h.offers(fw.conn).is_empty());
    h.call(&fw, simple_call(call::Type::Revive));
    h.tick();
    assert_eq!(h.offers(fw.conn).len(), 1);
}

#[test]
fn teardown_shuts_the_framework_down_everywhere() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.accept(&fw, &[&offer], vec![launch(vec![task("t1", &offer, "cpus:1;mem:128")])]);
    assert_eq!(h.call(&fw, simple_call(call::Type::Teardown)), SchedulerReply::Accepted);
    assert!(h.closed(fw.conn));
    assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::ShutdownFramework).len(), 1);
    let completed: Vec<_> = h.master.completed_frameworks().collect();
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].completed_tasks[0].latest_state(), TaskState::TaskKilled);
    assert!(matches!(
        h.call(&fw, simple_call(call::Type::Revive)),
        SchedulerReply::Error { status: 400, .. }
    ));
}

#[test]
fn teardown_keeps_the_terminal_state_a_task_reached() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let tasks = vec![task("done", &offer, "cpus:1;mem:128"), task("live", &offer, "cpus:1;mem:128")];
    h.accept(&fw, &[&offer], vec![launch(tasks)]);
    // FINISHED arrives, but the framework goes before acknowledging it.
    h.agent_update(&agent, &fw.id, "done", TaskState::TaskFinished);
    h.agent_update(&agent, &fw.id, "live", TaskState::TaskRunning);
    assert_eq!(h.call(&fw, simple_call(call::Type::Teardown)), SchedulerReply::Accepted);
    let completed: Vec<_> = h.master.completed_frameworks().collect();
    let state_of =
        |id: &str| completed[0].completed_tasks.iter().find(|t| t.id() == id).map(|t| t.latest_state());
    assert_eq!(state_of("done"), Some(TaskState::TaskFinished), "a finished task is not re-marked KILLED");
    assert_eq!(state_of("live"), Some(TaskState::TaskKilled));
}

#[test]
fn messages_flow_both_ways() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.call(
        &fw,
        Call {
            r#type: Some(call::Type::Message as i32),
            message: Some(call::Message {
                agent_id: AgentId { value: agent.id.clone() },
                executor_id: ExecutorId { value: "e".into() },
                data: b"ping".to_vec(),
            }),
            ..Default::default()
        },
    );
    let sent = h.agent_events_of(agent.conn, agent_event::Type::FrameworkMessage);
    assert_eq!(sent[0].framework_message.as_ref().unwrap().data, b"ping");
    use mesos_proto::internal::{AgentCall, FrameworkMessage, agent_call};
    h.agent_send(
        &agent,
        AgentCall {
            r#type: Some(agent_call::Type::ExecutorMessage as i32),
            agent_id: Some(AgentId { value: agent.id.clone() }),
            executor_message: Some(FrameworkMessage {
                framework_id: FrameworkId { value: fw.id.clone() },
                executor_id: ExecutorId { value: "e".into() },
                data: b"pong".to_vec(),
            }),
            ..Default::default()
        },
    );
    let events = h.events_of(fw.conn, event::Type::Message);
    assert_eq!(events[0].message.as_ref().unwrap().data, b"pong");
}

#[test]
fn update_framework_applies_all_or_nothing() {
    let mut h = Harness::new();
    let fw = h.subscribe(framework_info("fw"));
    let update = |info: FrameworkInfo| Call {
        r#type: Some(call::Type::UpdateFramework as i32),
        update_framework: Some(call::UpdateFramework { framework_info: info, ..Default::default() }),
        ..Default::default()
    };
    let id = Some(FrameworkId { value: fw.id.clone() });
    let renamed = FrameworkInfo { id: id.clone(), name: "renamed".into(), ..framework_info("fw") };
    assert_eq!(h.call(&fw, update(renamed)), SchedulerReply::Ok);
    assert_eq!(h.master.framework(&fw.id).unwrap().info.name, "renamed");
    let other_user = FrameworkInfo { id, user: "root".into(), ..framework_info("fw") };
    let reply = h.call(&fw, update(other_user));
    assert!(
        matches!(reply, SchedulerReply::Error { status: 400, ref message } if message.contains("user")),
        "{reply:?}"
    );
    assert_eq!(h.master.framework(&fw.id).unwrap().info.user, "nobody");
}

#[test]
fn offer_timeout_rescinds() {
    let mut config = config();
    config.offer_timeout = Some(Duration::from_secs(30));
    let mut h = Harness::with(config, Default::default());
    h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.advance(Duration::from_secs(31));
    let rescinds = h.events_of(fw.conn, event::Type::Rescind);
    assert_eq!(rescinds[0].rescind.as_ref().unwrap().offer_id, offer.id);
}

#[test]
fn multi_role_offers_carry_allocation_info() {
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:2;mem:1024");
    let info = FrameworkInfo {
        roles: vec!["eng".into()],
        ..with_capabilities(framework_info("fw"), &[Cap::MultiRole])
    };
    let fw = h.subscribe(info);
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    assert_eq!(offer.allocation_info.as_ref().unwrap().role.as_deref(), Some("eng"));
    assert!(
        offer.resources.iter().all(|r| r.allocation_info.as_ref().unwrap().role.as_deref() == Some("eng"))
    );
}

#[test]
fn an_offer_used_after_rescind_loses_its_tasks() {
    let mut config = config();
    config.offer_timeout = Some(Duration::from_secs(10));
    let mut h = Harness::with(config, Default::default());
    h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    h.advance(Duration::from_secs(11));
    assert_eq!(h.events_of(fw.conn, event::Type::Rescind).len(), 1);
    h.accept(&fw, &[&offer], vec![launch(vec![task("late", &offer, "cpus:1;mem:128")])]);
    let updates = h.updates(fw.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskLost);
    assert_eq!(updates[0].reason, Some(task_status::Reason::ReasonInvalidOffers as i32));
}

#[test]
fn a_framework_cannot_act_for_another() {
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:2;mem:1024");
    let mine = h.subscribe(framework_info("mine"));
    let theirs = h.subscribe(framework_info("theirs"));
    // My stream id with their framework id: the stream does not belong to that framework.
    let call = Call {
        r#type: Some(call::Type::Teardown as i32),
        framework_id: Some(FrameworkId { value: theirs.id.clone() }),
        ..Default::default()
    };
    let reply = h.master.scheduler_call(h.now, 1, call, Some(&mine.stream_id));
    assert!(matches!(reply, SchedulerReply::Error { status: 400, .. }), "{reply:?}");
    assert!(h.master.framework(&theirs.id).is_some());
    // Their offer cannot be accepted (or declined) by me.
    h.tick();
    let their_offers = h.offers(theirs.conn);
    let my_offers = h.offers(mine.conn);
    let offer = their_offers.first().or(my_offers.first()).expect("someone got the agent").clone();
    let owner_is_theirs = !their_offers.is_empty();
    let (intruder, owner) = if owner_is_theirs { (&mine, &theirs) } else { (&theirs, &mine) };
    h.accept(intruder, &[&offer], vec![launch(vec![task("steal", &offer, "cpus:1;mem:128")])]);
    let updates = h.updates(intruder.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskLost, "{updates:?}");
    // The owner's offer is untouched by the intruder's failed ACCEPT.
    assert!(h.master.framework(&owner.id).unwrap().offers.contains(&offer.id.value));
}

/// A framework of role `db` (principal `ops`) that may reserve in the refinement format.
fn reserving_framework() -> FrameworkInfo {
    FrameworkInfo {
        roles: vec!["db".into()],
        principal: Some("ops".into()),
        ..with_capabilities(framework_info("fw"), &[Cap::MultiRole, Cap::ReservationRefinement])
    }
}

/// `resources` (one resource) dynamically reserved for `db` by `ops`.
fn reserved_for_db(resources: &str) -> mesos_proto::v1::Resource {
    use mesos_proto::v1::resource::{ReservationInfo, reservation_info};
    let mut resource = wire(resources).remove(0);
    resource.reservations = vec![ReservationInfo {
        r#type: Some(reservation_info::Type::Dynamic as i32),
        role: Some("db".into()),
        principal: Some("ops".into()),
        labels: None,
    }];
    resource
}

#[test]
fn reserve_and_create_volumes_through_accept() {
    use mesos_proto::v1::resource::{DiskInfo, disk_info};
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:2;mem:1024;disk:1000");
    let fw = h.subscribe(reserving_framework());
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let dynamic = |name: &str, amount: f64| reserved_for_db(&format!("{name}:{amount}"));
    let reserve = offer::Operation {
        r#type: Some(offer::operation::Type::Reserve as i32),
        reserve: Some(offer::operation::Reserve { resources: vec![dynamic("disk", 500.0)], source: vec![] }),
        ..Default::default()
    };
    let mut volume = dynamic("disk", 500.0);
    volume.disk = Some(DiskInfo {
        persistence: Some(disk_info::Persistence { id: "vol1".into(), principal: Some("ops".into()) }),
        volume: Some(mesos_proto::v1::Volume {
            mode: mesos_proto::v1::volume::Mode::Rw as i32,
            container_path: "data".into(),
            ..Default::default()
        }),
        source: None,
    });
    let create = offer::Operation {
        r#type: Some(offer::operation::Type::Create as i32),
        create: Some(offer::operation::Create { volumes: vec![volume.clone()] }),
        ..Default::default()
    };
    h.accept(&fw, &[&offer], vec![reserve, create]);
    let checkpoints = h.agent_events_of(agent.conn, agent_event::Type::CheckpointResources);
    assert_eq!(checkpoints.len(), 2);
    let kept = &checkpoints[1].checkpoint_resources.as_ref().unwrap().resources;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].disk.as_ref().unwrap().persistence.as_ref().unwrap().id, "vol1");
    // The volume is offered back to the role.
    h.advance(Duration::from_secs(6));
    let offer = h.offers(fw.conn).remove(0);
    assert!(
        offer.resources.iter().any(|r| r
            .disk
            .as_ref()
            .and_then(|d| d.persistence.as_ref())
            .is_some_and(|p| p.id == "vol1"))
    );
    // DESTROY turns the volume back into reserved disk, UNRESERVE frees it.
    let destroy = offer::Operation {
        r#type: Some(offer::operation::Type::Destroy as i32),
        destroy: Some(offer::operation::Destroy { volumes: vec![volume.clone()] }),
        ..Default::default()
    };
    h.accept(&fw, &[&offer], vec![destroy]);
    let kept = h.agent_events_of(agent.conn, agent_event::Type::CheckpointResources);
    let kept = &kept[0].checkpoint_resources.as_ref().unwrap().resources;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].disk.is_none(), "the reservation stays, the volume is gone");
    h.advance(Duration::from_secs(6));
    let offer = h.offers(fw.conn).remove(0);
    let unreserve = offer::Operation {
        r#type: Some(offer::operation::Type::Unreserve as i32),
        unreserve: Some(offer::operation::Unreserve { resources: vec![dynamic("disk", 500.0)] }),
        ..Default::default()
    };
    h.accept(&fw, &[&offer], vec![unreserve]);
    let kept = h.agent_events_of(agent.conn, agent_event::Type::CheckpointResources);
    assert!(kept[0].checkpoint_resources.as_ref().unwrap().resources.is_empty());
    h.advance(Duration::from_secs(6));
    let offer = h.offers(fw.conn).remove(0);
    assert!(offer.resources.iter().all(|r| r.reservations.is_empty()), "everything is unreserved again");

    // A reservation for a role the framework does not have is dropped.
    let mut foreign = dynamic("cpus", 1.0);
    foreign.reservations[0].role = Some("other".into());
    let bad = offer::Operation {
        r#type: Some(offer::operation::Type::Reserve as i32),
        reserve: Some(offer::operation::Reserve { resources: vec![foreign], source: vec![] }),
        ..Default::default()
    };
    h.accept(&fw, &[&offer], vec![bad]);
    assert!(h.agent_events_of(agent.conn, agent_event::Type::CheckpointResources).is_empty());
}

#[test]
fn operations_asking_for_feedback_get_operation_error() {
    use mesos_proto::v1::{OperationId, OperationState};
    let mut h = Harness::new();
    h.register_agent("a1", "cpus:2;mem:1024");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let reserve = offer::Operation {
        r#type: Some(offer::operation::Type::Reserve as i32),
        id: Some(OperationId { value: "op-1".into() }),
        reserve: Some(offer::operation::Reserve { resources: wire("cpus:1"), source: vec![] }),
        ..Default::default()
    };
    let mut with_id = launch(vec![task("t", &offer, "cpus:1;mem:32")]);
    with_id.id = Some(OperationId { value: "op-2".into() });
    h.accept(&fw, &[&offer], vec![reserve, with_id]);
    let statuses = h.events_of(fw.conn, event::Type::UpdateOperationStatus);
    let status = &statuses[0].update_operation_status.as_ref().unwrap().status;
    assert_eq!(status.operation_id.as_ref().unwrap().value, "op-1");
    assert_eq!(status.state, OperationState::OperationError as i32);
    assert!(status.uuid.is_none());
    let updates = h.updates(fw.conn);
    assert_eq!(state(&updates[0]), TaskState::TaskError, "LAUNCH may not carry an id");
}

#[test]
fn executors_are_reused_only_with_identical_info() {
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:4;mem:4096");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let executor = |command: &str| ExecutorInfo {
        executor_id: ExecutorId { value: "exec".into() },
        command: Some(CommandInfo { value: Some(command.into()), ..Default::default() }),
        resources: wire("cpus:0.1;mem:32"),
        ..Default::default()
    };
    let with = |id: &str, exec: ExecutorInfo| {
        let mut t = task(id, &offer, "cpus:0.5;mem:64");
        t.command = None;
        t.executor = Some(exec);
        t
    };
    h.accept(
        &fw,
        &[&offer],
        vec![launch(vec![
            with("t1", executor("run")),
            with("t2", executor("run")),
            with("t3", executor("other")),
        ])],
    );
    assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::RunTask).len(), 2);
    let updates = h.updates(fw.conn);
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].task_id.value, "t3");
    assert!(updates[0].message.as_deref().unwrap().contains("not compatible"), "{:?}", updates[0].message);
    // The executor's resources count once; the next offer is what is left.
    h.advance(Duration::from_secs(6));
    let offer = h.offers(fw.conn).remove(0);
    assert_eq!(offer.executor_ids.len(), 1, "offers list the framework's executors on the agent");
    let cpus = offer_resources(&offer).scalar("cpus").to_f64();
    assert!((cpus - 2.9).abs() < 1e-9, "{cpus}");
    // A later ACCEPT may use the running executor with the same info as first sent (the
    // master's stored copy has the framework id filled in).
    let mut later = task("t4", &offer, "cpus:0.5;mem:64");
    later.command = None;
    later.executor = Some(executor("run"));
    h.accept(&fw, &[&offer], vec![launch(vec![later])]);
    assert!(h.updates(fw.conn).is_empty(), "t4 joins the existing executor");
    assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::RunTask).len(), 1);
}

#[test]
fn more_task_rules_of_the_contract_are_enforced() {
    use mesos_proto::v1::container_info::{self, DockerInfo};
    use mesos_proto::v1::environment::{Variable, variable};
    use mesos_proto::v1::{CheckInfo, ContainerInfo, Environment, LinuxInfo, Parameter, check_info, value};
    let mut h = Harness::new();
    let agent = h.register_agent("a1", "cpus:8;mem:8192");
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let base = |id: &str| task(id, &offer, "cpus:0.5;mem:64");
    let mut limits = base("limits");
    limits.limits.insert("cpus".into(), value::Scalar { value: 1.0 });
    let mut untyped_check = base("check");
    untyped_check.check = Some(CheckInfo::default());
    let mut env = base("env");
    env.command.as_mut().unwrap().environment = Some(Environment {
        variables: vec![Variable {
            name: "X".into(),
            r#type: Some(variable::Type::Value as i32),
            value: None,
            secret: None,
        }],
    });
    let mut docker = base("docker");
    docker.container = Some(ContainerInfo {
        r#type: container_info::Type::Docker as i32,
        docker: Some(DockerInfo {
            image: "busybox".into(),
            parameters: vec![Parameter { key: "name".into(), value: "x".into() }],
            ..Default::default()
        }),
        ..Default::default()
    });
    let mut cgroups = base("cgroups");
    cgroups.container = Some(ContainerInfo {
        r#type: container_info::Type::Mesos as i32,
        linux_info: Some(LinuxInfo { share_cgroups: Some(false), ..Default::default() }),
        ..Default::default()
    });
    let mut http_check = base("http-check");
    http_check.check = Some(CheckInfo {
        r#type: Some(check_info::Type::Http as i32),
        http: Some(check_info::Http { port: 80, path: Some("no-slash".into()) }),
        ..Default::default()
    });
    h.accept(
        &fw,
        &[&offer],
        vec![launch(vec![limits, untyped_check, env, docker, cgroups, http_check, base("fine")])],
    );
    let updates = h.updates(fw.conn);
    let failed: Vec<(String, String)> =
        updates.iter().map(|u| (u.task_id.value.clone(), u.message.clone().unwrap_or_default())).collect();
    assert_eq!(updates.len(), 6, "{failed:?}");
    assert!(updates.iter().all(|u| state(u) == TaskState::TaskError));
    let message = |id: &str| failed.iter().find(|(t, _)| t == id).map(|(_, m)| m.clone()).unwrap_or_default();
    assert!(message("limits").contains("TASK_RESOURCE_LIMITS"), "{}", message("limits"));
    assert!(message("check").contains("type"), "{}", message("check"));
    assert!(message("env").contains("VALUE"), "{}", message("env"));
    assert!(message("docker").contains("name"), "{}", message("docker"));
    assert!(message("cgroups").contains("share_cgroups"), "{}", message("cgroups"));
    assert!(message("http-check").contains("/"), "{}", message("http-check"));
    assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::RunTask).len(), 1, "only 'fine' runs");
}

#[test]
fn limits_need_requests_below_them_on_agents_that_support_limits() {
    use mesos_proto::internal::{AgentCall, agent_call};
    use mesos_proto::v1::{AgentInfo, value};
    let mut h = Harness::new();
    let conn = h.conn();
    let call = AgentCall {
        r#type: Some(agent_call::Type::Register as i32),
        register: Some(agent_call::Register {
            agent_info: AgentInfo {
                hostname: "a1".into(),
                resources: wire("cpus:4;mem:1024"),
                ..Default::default()
            },
            capabilities: vec!["TASK_RESOURCE_LIMITS".into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    h.master.agent_call(h.now, conn, call, None);
    h.pump();
    let fw = h.subscribe(framework_info("fw"));
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let with_limit = |id: &str, name: &str, limit: f64| {
        let mut t = task(id, &offer, "cpus:1;mem:128");
        t.limits.insert(name.into(), value::Scalar { value: limit });
        t
    };
    h.accept(
        &fw,
        &[&offer],
        vec![launch(vec![
            with_limit("ok", "cpus", 2.0),
            with_limit("unbounded-mem", "mem", f64::INFINITY),
            with_limit("below", "cpus", 0.5),
            with_limit("gpus", "gpus", 1.0),
        ])],
    );
    let updates = h.updates(fw.conn);
    let ids: Vec<&str> = updates.iter().map(|u| u.task_id.value.as_str()).collect();
    assert_eq!(ids, vec!["below", "gpus"], "{updates:?}");
    assert_eq!(h.agent_events_of(conn, agent_event::Type::RunTask).len(), 2);
}

#[test]
fn timestamps_are_wall_time_while_timers_follow_the_core_clock() {
    let mut h = Harness::new();
    let fw = h.subscribe(framework_info("fw"));
    // The wall clock reads 1000 s more than the core's (monotonic) clock.
    let wall = h.now + Duration::from_secs(1000);
    h.master.set_wall_clock(h.now, wall);
    h.call(
        &fw,
        Call {
            r#type: Some(call::Type::Reconcile as i32),
            reconcile: Some(call::Reconcile {
                tasks: vec![call::reconcile::Task {
                    task_id: TaskId { value: "ghost".into() },
                    agent_id: None,
                }],
            }),
            ..Default::default()
        },
    );
    let updates = h.updates(fw.conn);
    assert_eq!(updates.len(), 1, "{updates:?}");
    let stamped = updates[0].timestamp.expect("a timestamp");
    assert_eq!(stamped, wall.as_nanos() as f64 / 1e9);
    assert_eq!(h.master.wall_time(h.master.start_time()), h.master.start_time() + Duration::from_secs(1000));
}

/// Found by the simulator (seed 71): an agent that was down when its reservation changed came
/// back with the old one on disk and kept it, while the master had the new one.
#[test]
fn an_agent_that_missed_a_reservation_is_sent_it_when_it_reregisters() {
    let mut h = Harness::new();
    let mut agent = h.register_agent("a1", "cpus:2;mem:1024;disk:1000");
    let fw = h.subscribe(reserving_framework());
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let disk = reserved_for_db("disk:500");
    let reserve = offer::Operation {
        r#type: Some(offer::operation::Type::Reserve as i32),
        reserve: Some(offer::operation::Reserve { resources: vec![disk], source: vec![] }),
        ..Default::default()
    };
    h.accept(&fw, &[&offer], vec![reserve]);
    assert_eq!(h.agent_events_of(agent.conn, agent_event::Type::CheckpointResources).len(), 1);
    // The agent never wrote it (it was going down) and comes back with nothing reserved.
    h.reconnect_agent(&mut agent, vec![], vec![]);
    let resent = h.agent_events_of(agent.conn, agent_event::Type::CheckpointResources);
    assert_eq!(resent.len(), 1, "the master's view is sent again");
    let kept = &resent[0].checkpoint_resources.as_ref().unwrap().resources;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].reservations[0].role.as_deref(), Some("db"));
    // An agent that reports what the master has is not sent anything.
    let checkpointed = h.master.agent(&agent.id).unwrap().checkpointed.clone();
    h.master.agent_stream_closed(h.now, agent.conn);
    h.pump();
    let conn = h.conn();
    let call = mesos_proto::internal::AgentCall {
        r#type: Some(mesos_proto::internal::agent_call::Type::Reregister as i32),
        reregister: Some(mesos_proto::internal::agent_call::Reregister {
            agent_info: agent.info.clone(),
            checkpointed_resources: checkpointed,
            ..Default::default()
        }),
        ..Default::default()
    };
    let reply = h.master.agent_call(h.now, conn, call, None);
    assert!(matches!(reply, mesos_master_core::AgentReply::Stream { .. }), "{reply:?}");
    h.pump();
    assert!(h.agent_events_of(conn, agent_event::Type::CheckpointResources).is_empty());
}
