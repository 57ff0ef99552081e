//! The master/agent protocol of mesos-rs (our own design, see `docs/protocol.md`), the task
//! record both sides exchange, and the registry's on-disk records.
//!
//! Agents speak to the master over HTTP like the public APIs do: `POST /master/api/v1/agent`
//! with an [`AgentCall`]. REGISTER and REREGISTER answer with a RecordIO stream of
//! [`AgentEvent`]s (the master's half of the conversation); every other call carries the
//! agent id and the stream's `Mesos-Stream-Id` and is answered 202.

use crate::v1::{
    AgentId, AgentInfo, ContainerInfo, DiscoveryInfo, ExecutorId, ExecutorInfo, FrameworkId, FrameworkInfo,
    HealthCheck, KillPolicy, Labels, MasterInfo, Resource, TaskGroupInfo, TaskId, TaskInfo, TaskStatus,
    offer, value,
};

/// A task as the master and agent track it (Mesos' `Task` message, field numbers included,
/// so the operator API can reuse it).
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Task {
    /// Name given by the framework.
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Task id.
    #[prost(message, required, tag = "2")]
    pub task_id: TaskId,
    /// Owning framework.
    #[prost(message, required, tag = "3")]
    pub framework_id: FrameworkId,
    /// Executor running it, if not the command executor.
    #[prost(message, optional, tag = "4")]
    pub executor_id: Option<ExecutorId>,
    /// Agent it runs on.
    #[prost(message, required, tag = "5")]
    pub agent_id: AgentId,
    /// Latest known state.
    #[prost(enumeration = "crate::v1::TaskState", required, tag = "6")]
    pub state: i32,
    /// Resources it uses (with allocation info).
    #[prost(message, repeated, tag = "7")]
    pub resources: Vec<Resource>,
    /// Status updates seen so far (oldest first, without `data`).
    #[prost(message, repeated, tag = "8")]
    pub statuses: Vec<TaskStatus>,
    /// State of the update the status-update stream is currently delivering.
    #[prost(enumeration = "crate::v1::TaskState", optional, tag = "9")]
    pub status_update_state: Option<i32>,
    /// Uuid of that update.
    #[prost(bytes = "vec", optional, tag = "10")]
    pub status_update_uuid: Option<Vec<u8>>,
    /// Labels from the TaskInfo.
    #[prost(message, optional, tag = "11")]
    pub labels: Option<Labels>,
    /// Discovery info from the TaskInfo.
    #[prost(message, optional, tag = "12")]
    pub discovery: Option<DiscoveryInfo>,
    /// Container from the TaskInfo.
    #[prost(message, optional, tag = "13")]
    pub container: Option<ContainerInfo>,
    /// Unix user the task runs as.
    #[prost(string, optional, tag = "14")]
    pub user: Option<String>,
    /// Health check from the TaskInfo.
    #[prost(message, optional, tag = "15")]
    pub health_check: Option<HealthCheck>,
    /// Kill policy from the TaskInfo.
    #[prost(message, optional, tag = "16")]
    pub kill_policy: Option<KillPolicy>,
    /// Resource limits from the TaskInfo.
    #[prost(btree_map = "string, message", tag = "17")]
    pub limits: ::std::collections::BTreeMap<String, value::Scalar>,
}

/// A call from an agent to the master.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct AgentCall {
    /// Which call this is.
    #[prost(enumeration = "agent_call::Type", optional, tag = "1")]
    pub r#type: Option<i32>,
    /// The caller; required for everything but REGISTER.
    #[prost(message, optional, tag = "2")]
    pub agent_id: Option<AgentId>,
    /// REGISTER.
    #[prost(message, optional, tag = "3")]
    pub register: Option<agent_call::Register>,
    /// REREGISTER.
    #[prost(message, optional, tag = "4")]
    pub reregister: Option<agent_call::Reregister>,
    /// STATUS_UPDATE.
    #[prost(message, optional, tag = "5")]
    pub status_update: Option<StatusUpdate>,
    /// EXECUTOR_EXITED.
    #[prost(message, optional, tag = "6")]
    pub executor_exited: Option<agent_call::ExecutorExited>,
    /// EXECUTOR_MESSAGE.
    #[prost(message, optional, tag = "7")]
    pub executor_message: Option<FrameworkMessage>,
    /// UPDATE_RESOURCES.
    #[prost(message, optional, tag = "8")]
    pub update_resources: Option<agent_call::UpdateResources>,
}

/// Nested types of [`AgentCall`].
pub mod agent_call {
    use super::*;

    /// Agent call types.
    #[derive(
        Clone,
        Copy,
        Debug,
        PartialEq,
        Eq,
        Hash,
        PartialOrd,
        Ord,
        ::prost::Enumeration,
        mesos_json_derive::JsonEnum,
    )]
    #[repr(i32)]
    pub enum Type {
        /// Not a valid call.
        Unknown = 0,
        /// A new agent (no id yet) asks to join; answered with a stream.
        Register = 1,
        /// A known agent (after its own or the master's restart) reports what it runs.
        Reregister = 2,
        /// A reliable task status update.
        StatusUpdate = 3,
        /// Answer to a PING.
        Pong = 4,
        /// An executor process ended.
        ExecutorExited = 5,
        /// Executor → scheduler payload.
        ExecutorMessage = 6,
        /// The agent's total or checkpointed resources changed.
        UpdateResources = 7,
        /// The agent shuts down for good (its tasks are gone).
        Unregister = 8,
    }

    /// REGISTER: who the agent is and what it has.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Register {
        /// Hostname, port, resources, attributes, domain (no id yet).
        #[prost(message, required, tag = "1")]
        pub agent_info: AgentInfo,
        /// mesos-rs version of the agent.
        #[prost(string, optional, tag = "2")]
        pub version: Option<String>,
        /// AgentInfo capability names (MULTI_ROLE, HIERARCHICAL_ROLE, ...).
        #[prost(string, repeated, tag = "3")]
        pub capabilities: Vec<String>,
        /// Dynamic reservations and volumes the agent has checkpointed.
        #[prost(message, repeated, tag = "4")]
        pub checkpointed_resources: Vec<Resource>,
        /// `slave(1)@ip:port`, for state endpoints and executors.
        #[prost(string, optional, tag = "5")]
        pub pid: Option<String>,
    }

    /// REREGISTER: a known agent and everything it still runs.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Reregister {
        /// As for REGISTER, with `id` set.
        #[prost(message, required, tag = "1")]
        pub agent_info: AgentInfo,
        /// mesos-rs version of the agent.
        #[prost(string, optional, tag = "2")]
        pub version: Option<String>,
        /// AgentInfo capability names.
        #[prost(string, repeated, tag = "3")]
        pub capabilities: Vec<String>,
        /// Checkpointed resources.
        #[prost(message, repeated, tag = "4")]
        pub checkpointed_resources: Vec<Resource>,
        /// `slave(1)@ip:port`.
        #[prost(string, optional, tag = "5")]
        pub pid: Option<String>,
        /// Executors running on the agent.
        #[prost(message, repeated, tag = "6")]
        pub executors: Vec<ExecutorInfo>,
        /// Non-terminal tasks (and terminal ones whose updates are not yet acknowledged).
        #[prost(message, repeated, tag = "7")]
        pub tasks: Vec<Task>,
        /// Frameworks with tasks or executors on the agent.
        #[prost(message, repeated, tag = "8")]
        pub frameworks: Vec<FrameworkInfo>,
    }

    /// EXECUTOR_EXITED.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct ExecutorExited {
        /// Owning framework.
        #[prost(message, required, tag = "1")]
        pub framework_id: FrameworkId,
        /// The executor.
        #[prost(message, required, tag = "2")]
        pub executor_id: ExecutorId,
        /// Raw wait status.
        #[prost(int32, required, tag = "3")]
        pub status: i32,
    }

    /// UPDATE_RESOURCES.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct UpdateResources {
        /// New total of the agent.
        #[prost(message, repeated, tag = "1")]
        pub total: Vec<Resource>,
    }
}

/// A reliable status update travelling agent → master.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct StatusUpdate {
    /// Owning framework.
    #[prost(message, required, tag = "1")]
    pub framework_id: FrameworkId,
    /// The update itself (with its 16-byte uuid).
    #[prost(message, required, tag = "2")]
    pub status: TaskStatus,
    /// The task's latest state on the agent, which may be newer than `status.state` because
    /// updates are delivered one at a time.
    #[prost(enumeration = "crate::v1::TaskState", optional, tag = "3")]
    pub latest_state: Option<i32>,
}

/// A best-effort payload between a scheduler and an executor, either direction.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct FrameworkMessage {
    /// Framework.
    #[prost(message, required, tag = "1")]
    pub framework_id: FrameworkId,
    /// Executor.
    #[prost(message, required, tag = "2")]
    pub executor_id: ExecutorId,
    /// Opaque data.
    #[prost(bytes = "vec", required, tag = "3")]
    pub data: Vec<u8>,
}

/// An event from the master to an agent, on the agent's registration stream.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct AgentEvent {
    /// Which event this is.
    #[prost(enumeration = "agent_event::Type", optional, tag = "1")]
    pub r#type: Option<i32>,
    /// REGISTERED / REREGISTERED.
    #[prost(message, optional, boxed, tag = "2")]
    pub registered: Option<Box<agent_event::Registered>>,
    /// RUN_TASK.
    #[prost(message, optional, boxed, tag = "3")]
    pub run_task: Option<Box<agent_event::RunTask>>,
    /// RUN_TASK_GROUP.
    #[prost(message, optional, boxed, tag = "4")]
    pub run_task_group: Option<Box<agent_event::RunTaskGroup>>,
    /// KILL_TASK.
    #[prost(message, optional, tag = "5")]
    pub kill_task: Option<agent_event::KillTask>,
    /// SHUTDOWN_FRAMEWORK.
    #[prost(message, optional, tag = "6")]
    pub shutdown_framework: Option<agent_event::ShutdownFramework>,
    /// SHUTDOWN_EXECUTOR.
    #[prost(message, optional, tag = "7")]
    pub shutdown_executor: Option<agent_event::ShutdownExecutor>,
    /// ACKNOWLEDGE.
    #[prost(message, optional, tag = "8")]
    pub acknowledge: Option<agent_event::Acknowledge>,
    /// FRAMEWORK_MESSAGE.
    #[prost(message, optional, tag = "9")]
    pub framework_message: Option<FrameworkMessage>,
    /// UPDATE_FRAMEWORK.
    #[prost(message, optional, tag = "10")]
    pub update_framework: Option<agent_event::UpdateFramework>,
    /// CHECKPOINT_RESOURCES.
    #[prost(message, optional, boxed, tag = "11")]
    pub checkpoint_resources: Option<Box<agent_event::CheckpointResources>>,
    /// SHUTDOWN (of the whole agent).
    #[prost(message, optional, tag = "12")]
    pub shutdown: Option<agent_event::Shutdown>,
    /// RECONCILE_TASKS: tasks the master believes run on the agent.
    #[prost(message, optional, tag = "13")]
    pub reconcile_tasks: Option<agent_event::ReconcileTasks>,
}

/// Nested types of [`AgentEvent`].
pub mod agent_event {
    use super::*;

    /// Agent event types.
    #[derive(
        Clone,
        Copy,
        Debug,
        PartialEq,
        Eq,
        Hash,
        PartialOrd,
        Ord,
        ::prost::Enumeration,
        mesos_json_derive::JsonEnum,
    )]
    #[repr(i32)]
    pub enum Type {
        /// Not a valid event.
        Unknown = 0,
        /// The agent is admitted (and durably recorded).
        Registered = 1,
        /// The agent's re-registration is accepted.
        Reregistered = 2,
        /// Launch one task.
        RunTask = 3,
        /// Launch a task group on one executor.
        RunTaskGroup = 4,
        /// Kill a task.
        KillTask = 5,
        /// Kill everything of a framework.
        ShutdownFramework = 6,
        /// Shut an executor down.
        ShutdownExecutor = 7,
        /// The scheduler acknowledged an update.
        Acknowledge = 8,
        /// Scheduler → executor payload.
        FrameworkMessage = 9,
        /// A framework's FrameworkInfo changed.
        UpdateFramework = 10,
        /// The agent's checkpointed resources (reservations, volumes) are now these.
        CheckpointResources = 11,
        /// The agent must shut down (it was removed or marked gone).
        Shutdown = 12,
        /// Liveness check; answer with PONG.
        Ping = 13,
        /// Tasks the master knows on the agent; the agent reports those it does not know.
        ReconcileTasks = 14,
    }

    /// REGISTERED / REREGISTERED.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Registered {
        /// The agent's id.
        #[prost(message, required, tag = "1")]
        pub agent_id: AgentId,
        /// The master.
        #[prost(message, required, tag = "2")]
        pub master_info: MasterInfo,
        /// How often the master pings; the agent treats a longer silence as a lost master.
        #[prost(double, optional, tag = "3")]
        pub ping_interval_seconds: Option<f64>,
    }

    /// RUN_TASK.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct RunTask {
        /// The framework (with id).
        #[prost(message, required, tag = "1")]
        pub framework: FrameworkInfo,
        /// The task, normalised by the master.
        #[prost(message, required, tag = "2")]
        pub task: TaskInfo,
    }

    /// RUN_TASK_GROUP.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct RunTaskGroup {
        /// The framework (with id).
        #[prost(message, required, tag = "1")]
        pub framework: FrameworkInfo,
        /// The group's executor.
        #[prost(message, required, tag = "2")]
        pub executor: ExecutorInfo,
        /// The tasks.
        #[prost(message, required, tag = "3")]
        pub task_group: TaskGroupInfo,
    }

    /// KILL_TASK.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct KillTask {
        /// Framework.
        #[prost(message, required, tag = "1")]
        pub framework_id: FrameworkId,
        /// Task.
        #[prost(message, required, tag = "2")]
        pub task_id: TaskId,
        /// Overrides the task's kill policy.
        #[prost(message, optional, tag = "3")]
        pub kill_policy: Option<KillPolicy>,
    }

    /// SHUTDOWN_FRAMEWORK.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct ShutdownFramework {
        /// Framework.
        #[prost(message, required, tag = "1")]
        pub framework_id: FrameworkId,
    }

    /// SHUTDOWN_EXECUTOR.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct ShutdownExecutor {
        /// Framework.
        #[prost(message, required, tag = "1")]
        pub framework_id: FrameworkId,
        /// Executor.
        #[prost(message, required, tag = "2")]
        pub executor_id: ExecutorId,
    }

    /// ACKNOWLEDGE.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Acknowledge {
        /// Framework.
        #[prost(message, required, tag = "1")]
        pub framework_id: FrameworkId,
        /// Task.
        #[prost(message, required, tag = "2")]
        pub task_id: TaskId,
        /// Uuid of the acknowledged update.
        #[prost(bytes = "vec", required, tag = "3")]
        pub uuid: Vec<u8>,
    }

    /// UPDATE_FRAMEWORK.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct UpdateFramework {
        /// The new FrameworkInfo (with id).
        #[prost(message, required, tag = "1")]
        pub framework_info: FrameworkInfo,
    }

    /// CHECKPOINT_RESOURCES.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct CheckpointResources {
        /// Every dynamic reservation and persistent volume the agent must keep.
        #[prost(message, repeated, tag = "1")]
        pub resources: Vec<Resource>,
        /// The operation that caused the change, for the agent's own log.
        #[prost(message, optional, tag = "2")]
        pub operation: Option<offer::Operation>,
    }

    /// SHUTDOWN.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Shutdown {
        /// Why.
        #[prost(string, required, tag = "1")]
        pub message: String,
    }

    /// RECONCILE_TASKS.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct ReconcileTasks {
        /// (framework, task) pairs the master believes run on the agent.
        #[prost(message, repeated, tag = "1")]
        pub tasks: Vec<Task>,
    }
}

/// The master's durable registry (see the mesos-registry crate).
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct RegistryRecord {
    /// Admitted agents.
    #[prost(message, repeated, tag = "1")]
    pub agents: Vec<registry_record::Agent>,
    /// Agents marked unreachable, with when.
    #[prost(message, repeated, tag = "2")]
    pub unreachable: Vec<registry_record::Removed>,
    /// Agents marked gone, with when.
    #[prost(message, repeated, tag = "3")]
    pub gone: Vec<registry_record::Removed>,
    /// Role weights.
    #[prost(message, repeated, tag = "4")]
    pub weights: Vec<registry_record::Weight>,
}

/// Nested types of [`RegistryRecord`].
pub mod registry_record {
    use super::*;

    /// An admitted agent.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Agent {
        /// Its AgentInfo (with id).
        #[prost(message, required, tag = "1")]
        pub info: AgentInfo,
    }

    /// An agent that left the admitted set.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Removed {
        /// The agent.
        #[prost(message, required, tag = "1")]
        pub id: AgentId,
        /// When, in nanoseconds since the Unix epoch.
        #[prost(int64, required, tag = "2")]
        pub timestamp_nanos: i64,
    }

    /// A role weight.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Weight {
        /// Role.
        #[prost(string, required, tag = "1")]
        pub role: String,
        /// Weight (> 0).
        #[prost(double, required, tag = "2")]
        pub weight: f64,
    }
}
