//! The classic JSON documents, written as text, checked member by member against a master
//! core with an agent, offers, a custom executor, labels and tasks in every state.

#[path = "../../mesos-master-core/tests/harness/mod.rs"]
mod harness;

use harness::*;
use mesos_master::endpoints::{self, StaticInfo, TaskQuery};
use mesos_proto::v1::framework_info::capability::Type as Cap;
use mesos_proto::v1::{CommandInfo, ExecutorId, ExecutorInfo, Label, Labels, TaskState, executor_info};
use serde_json::{Value, json};

fn static_info() -> StaticInfo {
    StaticInfo {
        hostname: "localhost".into(),
        port: 5050,
        cluster: Some("lab \"one\"".into()),
        flags: vec![("port".into(), "5050".into())],
        log_dir: None,
        webui_dir: None,
    }
}

fn parse(text: endpoints::JsonText) -> Value {
    let text = text.into_string();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    Labels {
        labels: pairs.iter().map(|(k, v)| Label { key: k.to_string(), value: Some(v.to_string()) }).collect(),
    }
}

/// An agent with one task running under a custom executor, one finished and acknowledged,
/// and (after both) an outstanding offer of what is left.
fn busy_cluster() -> (Harness, TestAgent, TestFramework) {
    let mut h = Harness::new();
    let agent = h.register_agent("host1", "cpus:4;mem:1024;ports:[31000-31999]");
    let mut info = with_capabilities(framework_info("fw"), &[Cap::MultiRole]);
    info.roles = vec!["web".into()];
    info.labels = Some(labels(&[("team", "infra")]));
    info.principal = Some("ops".into());
    let fw = h.subscribe(info);
    h.tick();
    let offer = h.offers(fw.conn).remove(0);
    let mut served = task("served", &offer, "cpus:1;mem:128;ports:[31000-31000]");
    served.command = None;
    served.labels = Some(labels(&[("tier", "front")]));
    served.executor = Some(ExecutorInfo {
        r#type: Some(executor_info::Type::Custom as i32),
        executor_id: ExecutorId { value: "exec1".into() },
        command: Some(CommandInfo { value: Some("./executor".into()), ..Default::default() }),
        resources: wire("cpus:0.5;mem:32"),
        ..Default::default()
    });
    let done = task("done", &offer, "cpus:1;mem:128");
    h.accept(&fw, &[&offer], vec![launch(vec![served, done])]);
    for (id, state) in [("served", TaskState::TaskRunning), ("done", TaskState::TaskFinished)] {
        let uuid = h.agent_update(&agent, &fw.id, id, state);
        h.acknowledge(&fw, &agent.id, id, uuid);
    }
    h.advance(std::time::Duration::from_secs(5));
    assert!(!h.offers(fw.conn).is_empty(), "what is left is offered again");
    (h, agent, fw)
}

#[test]
fn master_state_shows_agents_frameworks_tasks_executors_and_offers() {
    let (h, agent, fw) = busy_cluster();
    let state = parse(endpoints::state(&h.master, h.now, &static_info()));
    assert_eq!(state["version"], endpoints::MESOS_VERSION);
    assert_eq!(state["cluster"], "lab \"one\"");
    assert_eq!(state["flags"], json!({"port": "5050"}));
    assert_eq!(state["leader_info"]["id"], MASTER_ID);
    assert_eq!(state["activated_slaves"].as_f64(), Some(1.0));
    assert_eq!(state["capabilities"], json!([]));

    let slave = &state["slaves"][0];
    assert_eq!(slave["id"], agent.id.as_str());
    assert_eq!(slave["hostname"], "host1");
    assert_eq!(slave["port"], 5051);
    assert_eq!(slave["active"], true);
    assert_eq!(
        slave["resources"],
        json!({"cpus": 4, "gpus": 0, "mem": 1024, "disk": 0, "ports": "[31000-31999]"})
    );
    // The running task and its executor use 1.5 cpus; the finished task gave its cpu back.
    assert_eq!(slave["used_resources"]["cpus"].as_f64(), Some(1.5));
    assert_eq!(slave["offered_resources"]["cpus"].as_f64(), Some(2.5));
    assert_eq!(slave["unreserved_resources"]["mem"], 1024);
    assert_eq!(slave["reserved_resources"], json!({}));

    assert_eq!(state["frameworks"].as_array().map(Vec::len), Some(1));
    let framework = &state["frameworks"][0];
    assert_eq!(framework["id"], fw.id.as_str());
    assert_eq!(framework["roles"], json!(["web"]));
    assert!(framework.get("role").is_none(), "a MULTI_ROLE framework shows roles only");
    assert_eq!(framework["capabilities"], json!(["MULTI_ROLE"]));
    assert_eq!(framework["principal"], "ops");
    assert_eq!(framework["labels"], json!([{"key": "team", "value": "infra"}]));
    assert_eq!(framework["active"], true);
    assert_eq!(framework["used_resources"]["cpus"].as_f64(), Some(1.5));

    let tasks = framework["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let served = &tasks[0];
    assert_eq!(served["id"], "served");
    assert_eq!(served["state"], "TASK_RUNNING");
    assert_eq!(served["executor_id"], "exec1");
    assert_eq!(served["slave_id"], agent.id.as_str());
    assert_eq!(served["framework_id"], fw.id.as_str());
    assert_eq!(served["role"], "web");
    assert_eq!(served["resources"]["ports"], "[31000-31000]");
    assert_eq!(served["labels"], json!([{"key": "tier", "value": "front"}]));
    let states: Vec<&Value> =
        served["statuses"].as_array().expect("statuses").iter().map(|s| &s["state"]).collect();
    assert_eq!(states, [&json!("TASK_RUNNING")]);

    let completed = framework["completed_tasks"].as_array().expect("completed tasks");
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0]["id"], "done");
    assert_eq!(completed[0]["state"], "TASK_FINISHED");
    assert_eq!(completed[0]["executor_id"], "");
    assert_eq!(framework["unreachable_tasks"], json!([]));

    let executors = framework["executors"].as_array().expect("executors");
    assert_eq!(executors.len(), 1);
    assert_eq!(executors[0]["executor_id"]["value"], "exec1");
    assert_eq!(executors[0]["command"]["value"], "./executor");
    assert_eq!(executors[0]["slave_id"], agent.id.as_str());

    let offers = framework["offers"].as_array().expect("offers");
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0]["slave_id"], agent.id.as_str());
    assert_eq!(offers[0]["framework_id"], fw.id.as_str());
    assert_eq!(offers[0]["allocation_info"], json!({"role": "web"}));
    assert_eq!(offers[0]["resources"]["cpus"].as_f64(), Some(2.5));
    assert_eq!(framework["offered_resources"], offers[0]["resources"]);
}

#[test]
fn the_summary_counts_tasks_per_agent_and_framework() {
    let (h, agent, fw) = busy_cluster();
    let summary = parse(endpoints::state_summary(&h.master, &static_info()));
    assert_eq!(summary["hostname"], "localhost");
    let slave = &summary["slaves"][0];
    assert_eq!(slave["id"], agent.id.as_str());
    assert_eq!(slave["TASK_RUNNING"], 1);
    assert_eq!(slave["TASK_FINISHED"], 1);
    assert_eq!(slave["TASK_LOST"], 0);
    assert_eq!(slave["framework_ids"], json!([fw.id]));
    let framework = &summary["frameworks"][0];
    assert_eq!(framework["TASK_RUNNING"], 1);
    assert_eq!(framework["slave_ids"], json!([agent.id]));
    assert_eq!(framework["used_resources"]["cpus"].as_f64(), Some(1.5));
    assert!(framework.get("tasks").is_none(), "the summary leaves the tasks out");
}

#[test]
fn frameworks_slaves_and_tasks_filter_and_page() {
    let (h, agent, fw) = busy_cluster();
    let all = parse(endpoints::frameworks(&h.master, None));
    assert_eq!(all["frameworks"][0]["id"], fw.id.as_str());
    assert_eq!(all["unregistered_frameworks"], json!([]));
    let none = parse(endpoints::frameworks(&h.master, Some("no-such-framework")));
    assert_eq!(none["frameworks"], json!([]));

    let slaves = parse(endpoints::slaves(&h.master, Some(&agent.id)));
    let full = slaves["slaves"][0]["used_resources_full"].as_array().expect("full resources");
    assert!(full.iter().any(|r| r["name"] == "cpus" && r["scalar"]["value"] == 1.5), "{full:?}");
    assert_eq!(slaves["recovered_slaves"], json!([]));
    assert_eq!(parse(endpoints::slaves(&h.master, Some("other")))["slaves"], json!([]));

    let tasks = parse(endpoints::tasks(&h.master, &TaskQuery::parse("")));
    let ids: Vec<&Value> = tasks["tasks"].as_array().expect("tasks").iter().map(|t| &t["id"]).collect();
    assert_eq!(ids.len(), 2);
    let one = parse(endpoints::tasks(&h.master, &TaskQuery::parse("task_id=done")));
    assert_eq!(one["tasks"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["tasks"][0]["state"], "TASK_FINISHED");
    let paged = parse(endpoints::tasks(&h.master, &TaskQuery::parse("limit=1&offset=1")));
    assert_eq!(paged["tasks"].as_array().map(Vec::len), Some(1));
}

/// The task `id` wherever the framework lists it.
fn find_task(state: &Value, id: &str) -> Value {
    let framework = &state["frameworks"][0];
    ["tasks", "unreachable_tasks", "completed_tasks"]
        .iter()
        .flat_map(|list| framework[*list].as_array().cloned().unwrap_or_default())
        .find(|task| task["id"] == id)
        .unwrap_or_else(|| panic!("no task {id} in {framework}"))
}

#[test]
fn a_task_is_rendered_again_when_it_changes_and_only_then() {
    let (mut h, agent, fw) = busy_cluster();
    let render = |h: &Harness| parse(endpoints::state(&h.master, h.now, &static_info()));
    let first = render(&h);
    assert_eq!(render(&h), first, "nothing changed, nothing differs");
    assert_eq!(find_task(&first, "served")["statuses"].as_array().map(Vec::len), Some(1));

    // A second RUNNING (as a health check sends) adds a status and keeps the state.
    h.agent_update(&agent, &fw.id, "served", TaskState::TaskRunning);
    let second = find_task(&render(&h), "served");
    assert_eq!(second["state"], "TASK_RUNNING");
    assert_eq!(second["statuses"].as_array().map(Vec::len), Some(2));

    h.agent_update(&agent, &fw.id, "served", TaskState::TaskKilled);
    let third = find_task(&render(&h), "served");
    assert_eq!(third["state"], "TASK_KILLED");
    let states: Vec<&Value> =
        third["statuses"].as_array().expect("statuses").iter().map(|s| &s["state"]).collect();
    assert_eq!(states, [&json!("TASK_RUNNING"), &json!("TASK_RUNNING"), &json!("TASK_KILLED")]);
    // The finished task, unchanged, reads as before.
    assert_eq!(find_task(&render(&h), "done"), find_task(&first, "done"));
}
