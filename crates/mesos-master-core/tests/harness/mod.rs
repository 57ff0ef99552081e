//! A master core with scripted agents and frameworks, stepped by hand.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::time::Duration;

use mesos_master_core::{AgentReply, Config, ConnId, Master, Output, SchedulerReply};
use mesos_proto::convert::{ResourceFormat, resources_to_proto};
use mesos_proto::internal::{AgentCall, AgentEvent, StatusUpdate, agent_call, agent_event};
use mesos_proto::v1::framework_info::Capability;
use mesos_proto::v1::framework_info::capability::Type as CapabilityType;
use mesos_proto::v1::scheduler::{Call, Event, call, event};
use mesos_proto::v1::{
    AgentId, AgentInfo, CommandInfo, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, Resource,
    TaskId, TaskInfo, TaskState, TaskStatus, offer, task_status,
};
use mesos_registry::Registry;
use mesos_types::{Resources, Rng, Time};

pub const MASTER_ID: &str = "11111111-2222-3333-4444-555555555555";

/// Everything a test drives.
pub struct Harness {
    pub master: Master,
    pub now: Time,
    next_conn: ConnId,
    /// Registry as the shell would have stored it.
    pub stored: Registry,
    /// Outputs not yet looked at.
    pub outputs: VecDeque<Output>,
    /// Auto-commit registry writes (else they wait in `pending_persists`).
    pub auto_commit: bool,
    pub pending_persists: Vec<(u64, mesos_registry::Operation)>,
    rng: Rng,
}

pub fn master_info() -> MasterInfo {
    MasterInfo {
        id: MASTER_ID.to_string(),
        ip: 16777343,
        port: 5050,
        pid: Some("master@127.0.0.1:5050".into()),
        hostname: Some("localhost".into()),
        version: Some("1.12.0".into()),
        ..Default::default()
    }
}

pub fn config() -> Config {
    let mut config = Config::with_defaults(master_info());
    config.seed = 42;
    config
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with(config(), Registry::default())
    }

    pub fn with(config: Config, registry: Registry) -> Harness {
        let now = Time::from_nanos(1_700_000_000_000_000_000);
        Harness {
            master: Master::new(config, registry.clone(), now),
            now,
            next_conn: 1,
            stored: registry,
            outputs: VecDeque::new(),
            auto_commit: true,
            pending_persists: Vec::new(),
            rng: Rng::new(9),
        }
    }

    /// Pulls the core's outputs, committing registry writes when auto-commit is on.
    pub fn pump(&mut self) {
        loop {
            let mut progressed = false;
            while let Some(output) = self.master.poll_output() {
                progressed = true;
                match output {
                    Output::Persist { id, operation } => {
                        if self.auto_commit {
                            let _ = operation.apply(&mut self.stored);
                            self.master.registry_committed(self.now, id, Ok(()));
                        } else {
                            self.pending_persists.push((id, operation));
                        }
                    }
                    other => self.outputs.push_back(other),
                }
            }
            if !progressed {
                break;
            }
        }
    }

    pub fn commit_pending(&mut self) {
        for (id, operation) in std::mem::take(&mut self.pending_persists) {
            let _ = operation.apply(&mut self.stored);
            self.master.registry_committed(self.now, id, Ok(()));
        }
        self.pump();
    }

    /// Reports every registry write in flight as failed (the store refused it).
    pub fn fail_pending(&mut self) {
        for (id, _) in std::mem::take(&mut self.pending_persists) {
            self.master.registry_committed(self.now, id, Err("disk full".into()));
        }
        self.pump();
    }

    /// Moves time forward, firing timers (and prompt allocations) on the way.
    pub fn advance(&mut self, by: Duration) {
        let end = self.now + by;
        loop {
            self.pump();
            match self.master.poll_timeout() {
                Some(at) if at <= end => {
                    if at > self.now {
                        self.now = at;
                    }
                    self.master.handle_timeout(self.now);
                }
                _ => break,
            }
        }
        self.now = end;
        self.pump();
    }

    /// Runs whatever is due now (prompt allocation).
    pub fn tick(&mut self) {
        self.advance(Duration::ZERO);
    }

    pub fn conn(&mut self) -> ConnId {
        self.next_conn += 1;
        self.next_conn
    }

    // ----- outputs -----

    /// Takes every scheduler event for `conn`.
    pub fn events(&mut self, conn: ConnId) -> Vec<Event> {
        self.pump();
        let mut events = Vec::new();
        self.outputs.retain(|output| match output {
            Output::SchedulerEvent { conn: c, event } if *c == conn => {
                events.push((**event).clone());
                false
            }
            _ => true,
        });
        events
    }

    /// Takes the scheduler events of one type for `conn`, leaving the others.
    pub fn events_of(&mut self, conn: ConnId, kind: event::Type) -> Vec<Event> {
        self.pump();
        let mut events = Vec::new();
        self.outputs.retain(|output| match output {
            Output::SchedulerEvent { conn: c, event } if *c == conn && event.r#type == Some(kind as i32) => {
                events.push((**event).clone());
                false
            }
            _ => true,
        });
        events
    }

    pub fn offers(&mut self, conn: ConnId) -> Vec<Offer> {
        self.events_of(conn, event::Type::Offers)
            .into_iter()
            .flat_map(|e| e.offers.unwrap_or_default().offers)
            .collect()
    }

    pub fn updates(&mut self, conn: ConnId) -> Vec<TaskStatus> {
        self.events_of(conn, event::Type::Update)
            .into_iter()
            .filter_map(|e| e.update.map(|u| u.status))
            .collect()
    }

    pub fn closed(&mut self, conn: ConnId) -> bool {
        self.pump();
        self.outputs.iter().any(|o| matches!(o, Output::CloseScheduler { conn: c } | Output::CloseAgent { conn: c } if *c == conn))
    }

    /// Takes every agent event for `conn`.
    pub fn agent_events(&mut self, conn: ConnId) -> Vec<AgentEvent> {
        self.pump();
        let mut events = Vec::new();
        self.outputs.retain(|output| match output {
            Output::AgentEvent { conn: c, event } if *c == conn => {
                events.push((**event).clone());
                false
            }
            _ => true,
        });
        events
    }

    /// Takes the agent events of one type for `conn`, leaving the others.
    pub fn agent_events_of(&mut self, conn: ConnId, kind: agent_event::Type) -> Vec<AgentEvent> {
        self.pump();
        let mut events = Vec::new();
        self.outputs.retain(|output| match output {
            Output::AgentEvent { conn: c, event } if *c == conn && event.r#type == Some(kind as i32) => {
                events.push((**event).clone());
                false
            }
            _ => true,
        });
        events
    }

    // ----- agents -----

    pub fn register_agent(&mut self, hostname: &str, resources: &str) -> TestAgent {
        let conn = self.conn();
        let resources = Resources::parse(resources, "*").expect("agent resources");
        let info = AgentInfo {
            hostname: hostname.to_string(),
            port: Some(5051),
            resources: resources_to_proto(&resources, ResourceFormat::CANONICAL),
            ..Default::default()
        };
        let call = AgentCall {
            r#type: Some(agent_call::Type::Register as i32),
            register: Some(agent_call::Register {
                agent_info: info.clone(),
                version: Some("test".into()),
                pid: Some("slave(1)@10.0.0.1:5051".to_string()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let reply = self.master.agent_call(self.now, conn, call, None);
        let AgentReply::Stream { stream_id } = reply else { panic!("register refused: {reply:?}") };
        let registered = self.agent_events_of(conn, agent_event::Type::Registered);
        let id = registered[0].registered.as_ref().expect("registered body").agent_id.value.clone();
        let mut info = info;
        info.id = Some(AgentId { value: id.clone() });
        TestAgent { id, conn, stream_id, info }
    }

    pub fn agent_send(&mut self, agent: &TestAgent, call: AgentCall) -> AgentReply {
        let reply = self.master.agent_call(self.now, agent.conn, call, Some(&agent.stream_id));
        self.pump();
        reply
    }

    /// The agent reports a status update for a task (with a fresh uuid); returns the uuid.
    pub fn agent_update(
        &mut self,
        agent: &TestAgent,
        framework: &str,
        task: &str,
        state: TaskState,
    ) -> Vec<u8> {
        let uuid = self.rng.uuid_bytes().to_vec();
        let status = TaskStatus {
            task_id: TaskId { value: task.to_string() },
            state: state as i32,
            source: Some(task_status::Source::SourceExecutor as i32),
            uuid: Some(uuid.clone()),
            ..Default::default()
        };
        let call = AgentCall {
            r#type: Some(agent_call::Type::StatusUpdate as i32),
            agent_id: Some(AgentId { value: agent.id.clone() }),
            status_update: Some(StatusUpdate {
                framework_id: FrameworkId { value: framework.to_string() },
                status,
                latest_state: Some(state as i32),
            }),
            ..Default::default()
        };
        let reply = self.agent_send(agent, call);
        assert_eq!(reply, AgentReply::Accepted);
        uuid
    }

    /// The agent's stream breaks and it re-registers reporting `tasks` (id, framework, state,
    /// resources text) of frameworks `frameworks`.
    pub fn reconnect_agent(
        &mut self,
        agent: &mut TestAgent,
        frameworks: Vec<FrameworkInfo>,
        tasks: Vec<(String, String, TaskState, String)>,
    ) {
        self.master.agent_stream_closed(self.now, agent.conn);
        self.pump();
        let conn = self.conn();
        let tasks = tasks
            .into_iter()
            .map(|(task_id, framework_id, state, resources)| {
                let mut wire = wire(&resources);
                for r in &mut wire {
                    r.allocation_info = Some(mesos_proto::v1::AllocationInfo { role: Some("*".into()) });
                }
                mesos_proto::internal::Task {
                    name: task_id.clone(),
                    task_id: TaskId { value: task_id },
                    framework_id: FrameworkId { value: framework_id },
                    agent_id: AgentId { value: agent.id.clone() },
                    state: state as i32,
                    resources: wire,
                    ..Default::default()
                }
            })
            .collect();
        let call = AgentCall {
            r#type: Some(agent_call::Type::Reregister as i32),
            reregister: Some(agent_call::Reregister {
                agent_info: agent.info.clone(),
                tasks,
                frameworks,
                ..Default::default()
            }),
            ..Default::default()
        };
        let AgentReply::Stream { stream_id } = self.master.agent_call(self.now, conn, call, None) else {
            panic!("re-registration refused")
        };
        self.pump();
        agent.conn = conn;
        agent.stream_id = stream_id;
    }

    pub fn pong(&mut self, agent: &TestAgent) {
        let call = AgentCall {
            r#type: Some(agent_call::Type::Pong as i32),
            agent_id: Some(AgentId { value: agent.id.clone() }),
            ..Default::default()
        };
        self.agent_send(agent, call);
    }

    // ----- frameworks -----

    pub fn subscribe(&mut self, info: FrameworkInfo) -> TestFramework {
        let conn = self.conn();
        let call = Call {
            r#type: Some(call::Type::Subscribe as i32),
            framework_id: info.id.clone(),
            subscribe: Some(call::Subscribe { framework_info: info, ..Default::default() }),
            ..Default::default()
        };
        let reply = self.master.scheduler_call(self.now, conn, call, None);
        let SchedulerReply::Stream { stream_id } = reply else { panic!("subscribe refused: {reply:?}") };
        let events = self.events(conn);
        let subscribed = events
            .iter()
            .find_map(|e| e.subscribed.as_ref())
            .unwrap_or_else(|| panic!("no SUBSCRIBED in {events:?}"));
        TestFramework { id: subscribed.framework_id.value.clone(), conn, stream_id }
    }

    pub fn call(&mut self, framework: &TestFramework, mut call: Call) -> SchedulerReply {
        call.framework_id = Some(FrameworkId { value: framework.id.clone() });
        let reply = self.master.scheduler_call(self.now, framework.conn, call, Some(&framework.stream_id));
        self.pump();
        reply
    }

    pub fn accept(
        &mut self,
        framework: &TestFramework,
        offers: &[&Offer],
        operations: Vec<offer::Operation>,
    ) -> SchedulerReply {
        let call = Call {
            r#type: Some(call::Type::Accept as i32),
            accept: Some(call::Accept {
                offer_ids: offers.iter().map(|o| o.id.clone()).collect(),
                operations,
                filters: None,
            }),
            ..Default::default()
        };
        self.call(framework, call)
    }

    pub fn acknowledge(
        &mut self,
        framework: &TestFramework,
        agent: &str,
        task: &str,
        uuid: Vec<u8>,
    ) -> SchedulerReply {
        let call = Call {
            r#type: Some(call::Type::Acknowledge as i32),
            acknowledge: Some(call::Acknowledge {
                agent_id: AgentId { value: agent.to_string() },
                task_id: TaskId { value: task.to_string() },
                uuid,
            }),
            ..Default::default()
        };
        self.call(framework, call)
    }
}

pub struct TestAgent {
    pub id: String,
    pub conn: ConnId,
    pub stream_id: String,
    pub info: AgentInfo,
}

pub struct TestFramework {
    pub id: String,
    pub conn: ConnId,
    pub stream_id: String,
}

pub fn framework_info(name: &str) -> FrameworkInfo {
    FrameworkInfo { user: "nobody".into(), name: name.into(), ..Default::default() }
}

pub fn with_capabilities(mut info: FrameworkInfo, caps: &[CapabilityType]) -> FrameworkInfo {
    info.capabilities.extend(caps.iter().map(|c| Capability { r#type: Some(*c as i32) }));
    info
}

/// A command task using `resources` (text form, allocated to the offer's role) from `offer`.
pub fn task(id: &str, offer: &Offer, resources: &str) -> TaskInfo {
    TaskInfo {
        name: id.to_string(),
        task_id: TaskId { value: id.to_string() },
        agent_id: offer.agent_id.clone(),
        resources: wire(resources),
        command: Some(CommandInfo { value: Some("true".into()), ..Default::default() }),
        ..Default::default()
    }
}

pub fn wire(resources: &str) -> Vec<Resource> {
    let parsed = Resources::parse(resources, "*").expect("task resources");
    resources_to_proto(&parsed, ResourceFormat { refinement: true, allocation_info: false, legacy: false })
}

pub fn launch(tasks: Vec<TaskInfo>) -> offer::Operation {
    offer::Operation {
        r#type: Some(offer::operation::Type::Launch as i32),
        launch: Some(offer::operation::Launch { task_infos: tasks }),
        ..Default::default()
    }
}

pub fn offer_resources(offer: &Offer) -> Resources {
    mesos_proto::convert::resources_from_proto(&offer.resources).expect("offer resources")
}

pub fn state(status: &TaskStatus) -> TaskState {
    TaskState::try_from(status.state).expect("known state")
}

pub fn offer_id(offer: &Offer) -> OfferId {
    offer.id.clone()
}
