//! The v1 executor API (package `mesos.v1.executor`): calls and events.

use super::*;

/// A request from an executor to its agent.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Call {
    /// The calling executor.
    #[prost(message, required, tag = "1")]
    pub executor_id: ExecutorId,
    /// Its framework.
    #[prost(message, required, tag = "2")]
    pub framework_id: FrameworkId,
    /// Kind of call.
    #[prost(enumeration = "call::Type", optional, tag = "3")]
    pub r#type: Option<i32>,
    /// SUBSCRIBE details.
    #[prost(message, optional, tag = "4")]
    pub subscribe: Option<call::Subscribe>,
    /// UPDATE details.
    #[prost(message, optional, tag = "5")]
    pub update: Option<call::Update>,
    /// MESSAGE details.
    #[prost(message, optional, tag = "6")]
    pub message: Option<call::Message>,
}

/// Nested types of [`Call`].
pub mod call {
    use super::*;

    /// Kinds of executor call.
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
        /// Unknown (invalid).
        Unknown = 0,
        /// Open the event stream.
        Subscribe = 1,
        /// Report a task status.
        Update = 2,
        /// Send data to the scheduler.
        Message = 3,
        /// Keep-alive.
        Heartbeat = 4,
    }

    /// Subscribe (or re-subscribe) with what is still unacknowledged.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Subscribe {
        /// Tasks received with no acknowledged update yet.
        #[prost(message, repeated, tag = "1")]
        pub unacknowledged_tasks: Vec<TaskInfo>,
        /// Updates sent but not yet acknowledged.
        #[prost(message, repeated, tag = "2")]
        pub unacknowledged_updates: Vec<Update>,
    }

    /// A task status update.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Update {
        /// The status (source must be SOURCE_EXECUTOR, uuid set).
        #[prost(message, required, tag = "1")]
        pub status: TaskStatus,
    }

    /// Data for the scheduler.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Message {
        /// The data (field 2).
        #[prost(bytes = "vec", required, tag = "2")]
        pub data: Vec<u8>,
    }
}

/// A message from the agent to an executor on its event stream.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Event {
    /// Kind of event.
    #[prost(enumeration = "event::Type", optional, tag = "1")]
    pub r#type: Option<i32>,
    /// SUBSCRIBED details.
    #[prost(message, optional, tag = "2")]
    pub subscribed: Option<event::Subscribed>,
    /// ACKNOWLEDGED details.
    #[prost(message, optional, tag = "3")]
    pub acknowledged: Option<event::Acknowledged>,
    /// LAUNCH details.
    #[prost(message, optional, tag = "4")]
    pub launch: Option<event::Launch>,
    /// LAUNCH_GROUP details.
    #[prost(message, optional, tag = "8")]
    pub launch_group: Option<event::LaunchGroup>,
    /// KILL details.
    #[prost(message, optional, tag = "5")]
    pub kill: Option<event::Kill>,
    /// MESSAGE details.
    #[prost(message, optional, tag = "6")]
    pub message: Option<event::Message>,
    /// ERROR details.
    #[prost(message, optional, tag = "7")]
    pub error: Option<event::Error>,
}

/// Nested types of [`Event`].
pub mod event {
    use super::*;

    /// Kinds of executor event.
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
        /// Unknown.
        Unknown = 0,
        /// Subscription succeeded.
        Subscribed = 1,
        /// Launch a task.
        Launch = 2,
        /// Launch a task group.
        LaunchGroup = 8,
        /// Kill a task.
        Kill = 3,
        /// The agent recorded an update.
        Acknowledged = 4,
        /// Data from the scheduler.
        Message = 5,
        /// Fatal error (legacy).
        Error = 6,
        /// Shut down.
        Shutdown = 7,
        /// Keep-alive.
        Heartbeat = 9,
    }

    /// Subscription succeeded.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Subscribed {
        /// The executor.
        #[prost(message, required, tag = "1")]
        pub executor_info: ExecutorInfo,
        /// Its framework (with id).
        #[prost(message, required, tag = "2")]
        pub framework_info: FrameworkInfo,
        /// The agent (with id).
        #[prost(message, required, tag = "3")]
        pub agent_info: AgentInfo,
        /// The executor's container.
        #[prost(message, optional, tag = "4")]
        pub container_id: Option<ContainerId>,
    }

    /// Launch a task.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Launch {
        /// The task.
        #[prost(message, required, tag = "1")]
        pub task: TaskInfo,
    }

    /// Launch a task group.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct LaunchGroup {
        /// The tasks.
        #[prost(message, required, tag = "1")]
        pub task_group: TaskGroupInfo,
    }

    /// Kill a task.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Kill {
        /// The task.
        #[prost(message, required, tag = "1")]
        pub task_id: TaskId,
        /// Overrides the task's kill policy.
        #[prost(message, optional, tag = "2")]
        pub kill_policy: Option<KillPolicy>,
    }

    /// The agent recorded an update.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Acknowledged {
        /// The task.
        #[prost(message, required, tag = "1")]
        pub task_id: TaskId,
        /// The update's uuid.
        #[prost(bytes = "vec", required, tag = "2")]
        pub uuid: Vec<u8>,
    }

    /// Data from the scheduler.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Message {
        /// The data.
        #[prost(bytes = "vec", required, tag = "1")]
        pub data: Vec<u8>,
    }

    /// Fatal error.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Error {
        /// Why.
        #[prost(string, required, tag = "1")]
        pub message: String,
    }
}
