//! Tasks, commands, executors, secrets, discovery, task status and operation status.

use super::*;

/// Describes a task to launch.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct TaskInfo {
    /// Task name.
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Task id.
    #[prost(message, required, tag = "2")]
    pub task_id: TaskId,
    /// Agent to run on (the offer's agent).
    #[prost(message, required, tag = "3")]
    pub agent_id: AgentId,
    /// Resources the task uses.
    #[prost(message, repeated, tag = "4")]
    pub resources: Vec<Resource>,
    /// Executor to run it (exclusive with `command`).
    #[prost(message, optional, tag = "5")]
    pub executor: Option<ExecutorInfo>,
    /// Command to run with the built-in command executor.
    #[prost(message, optional, tag = "7")]
    pub command: Option<CommandInfo>,
    /// Container to run in.
    #[prost(message, optional, tag = "9")]
    pub container: Option<ContainerInfo>,
    /// Health check.
    #[prost(message, optional, tag = "8")]
    pub health_check: Option<HealthCheck>,
    /// General check.
    #[prost(message, optional, tag = "13")]
    pub check: Option<CheckInfo>,
    /// How to kill the task.
    #[prost(message, optional, tag = "12")]
    pub kill_policy: Option<KillPolicy>,
    /// Opaque data for the executor.
    #[prost(bytes = "vec", optional, tag = "6")]
    pub data: Option<Vec<u8>>,
    /// Free-form labels.
    #[prost(message, optional, tag = "10")]
    pub labels: Option<Labels>,
    /// Service discovery information.
    #[prost(message, optional, tag = "11")]
    pub discovery: Option<DiscoveryInfo>,
    /// Time after which built-in executors fail the task.
    #[prost(message, optional, tag = "14")]
    pub max_completion_time: Option<DurationInfo>,
    /// Resource limits above the requested amounts (`cpus`, `mem`; may be infinite).
    #[prost(btree_map = "string, message", tag = "15")]
    #[json(accept_bare_value)]
    pub limits: ::std::collections::BTreeMap<String, value::Scalar>,
}

/// Tasks launched together on one executor.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct TaskGroupInfo {
    /// The tasks.
    #[prost(message, repeated, tag = "1")]
    pub tasks: Vec<TaskInfo>,
}

/// A command to run, with what to fetch and its environment.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct CommandInfo {
    /// URIs fetched into the sandbox first.
    #[prost(message, repeated, tag = "1")]
    pub uris: Vec<command_info::Uri>,
    /// Environment variables.
    #[prost(message, optional, tag = "2")]
    pub environment: Option<Environment>,
    /// Run `value` through `/bin/sh -c` (true) or exec it with `arguments` (false).
    #[prost(bool, optional, tag = "6", default = "true")]
    pub shell: Option<bool>,
    /// Shell command, or executable path when not using the shell.
    #[prost(string, optional, tag = "3")]
    pub value: Option<String>,
    /// argv (including argv\[0\]) when not using the shell.
    #[prost(string, repeated, tag = "7")]
    pub arguments: Vec<String>,
    /// User to run as, overriding the framework's.
    #[prost(string, optional, tag = "5")]
    pub user: Option<String>,
}

/// Nested types of [`CommandInfo`].
pub mod command_info {
    /// A URI to fetch into the sandbox.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Uri {
        /// The URI.
        #[prost(string, required, tag = "1")]
        pub value: String,
        /// Make the fetched file executable.
        #[prost(bool, optional, tag = "2")]
        pub executable: Option<bool>,
        /// Unpack recognised archives.
        #[prost(bool, optional, tag = "3", default = "true")]
        pub extract: Option<bool>,
        /// Use the fetcher cache.
        #[prost(bool, optional, tag = "4")]
        pub cache: Option<bool>,
        /// Name or relative path of the fetched file in the sandbox.
        #[prost(string, optional, tag = "5")]
        pub output_file: Option<String>,
    }
}

/// Environment variables.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Environment {
    /// The variables.
    #[prost(message, repeated, tag = "1")]
    pub variables: Vec<environment::Variable>,
}

/// Nested types of [`Environment`].
pub mod environment {
    use super::*;

    /// One environment variable, given as a value or a secret.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Variable {
        /// Variable name.
        #[prost(string, required, tag = "1")]
        pub name: String,
        /// Whether `value` or `secret` is used.
        #[prost(enumeration = "variable::Type", optional, tag = "3", default = "Value")]
        pub r#type: Option<i32>,
        /// Plain value (for VALUE).
        #[prost(string, optional, tag = "2")]
        pub value: Option<String>,
        /// Secret holding the value (for SECRET).
        #[prost(message, optional, tag = "4")]
        pub secret: Option<Secret>,
    }

    /// Nested types of [`Variable`].
    pub mod variable {
        /// How a variable's value is given.
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
            /// Plain value.
            Value = 1,
            /// From a secret.
            Secret = 2,
        }
    }
}

/// A secret, by reference to a secret store or by value.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Secret {
    /// Which member is used.
    #[prost(enumeration = "secret::Type", optional, tag = "1")]
    pub r#type: Option<i32>,
    /// Reference into a secret store.
    #[prost(message, optional, tag = "2")]
    pub reference: Option<secret::Reference>,
    /// The secret itself.
    #[prost(message, optional, tag = "3")]
    pub value: Option<secret::Value>,
}

/// Nested types of [`Secret`].
pub mod secret {
    /// How a secret is given.
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
        /// By reference.
        Reference = 1,
        /// By value.
        Value = 2,
    }

    /// Names a secret in a secret store.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Reference {
        /// Secret name.
        #[prost(string, required, tag = "1")]
        pub name: String,
        /// Key within the secret.
        #[prost(string, optional, tag = "2")]
        pub key: Option<String>,
    }

    /// Secret data given inline.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Value {
        /// The data.
        #[prost(bytes = "vec", required, tag = "1")]
        pub data: Vec<u8>,
    }
}

/// Describes an executor.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct ExecutorInfo {
    /// DEFAULT (built-in) or CUSTOM.
    #[prost(enumeration = "executor_info::Type", optional, tag = "15")]
    pub r#type: Option<i32>,
    /// Executor id.
    #[prost(message, required, tag = "1")]
    pub executor_id: ExecutorId,
    /// Owning framework (filled in by the master).
    #[prost(message, optional, tag = "8")]
    pub framework_id: Option<FrameworkId>,
    /// Command starting a CUSTOM executor.
    #[prost(message, optional, tag = "7")]
    pub command: Option<CommandInfo>,
    /// Container to run in.
    #[prost(message, optional, tag = "11")]
    pub container: Option<ContainerInfo>,
    /// Resources of the executor itself.
    #[prost(message, repeated, tag = "5")]
    pub resources: Vec<Resource>,
    /// Executor name.
    #[prost(string, optional, tag = "9")]
    pub name: Option<String>,
    /// Source tag (deprecated).
    #[prost(string, optional, tag = "10")]
    pub source: Option<String>,
    /// Opaque data for the executor.
    #[prost(bytes = "vec", optional, tag = "4")]
    pub data: Option<Vec<u8>>,
    /// Service discovery information.
    #[prost(message, optional, tag = "12")]
    pub discovery: Option<DiscoveryInfo>,
    /// Time between the SHUTDOWN event and forced destruction.
    #[prost(message, optional, tag = "13")]
    pub shutdown_grace_period: Option<DurationInfo>,
    /// Free-form labels.
    #[prost(message, optional, tag = "14")]
    pub labels: Option<Labels>,
}

/// Nested types of [`ExecutorInfo`].
pub mod executor_info {
    /// Kinds of executor.
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
        /// The agent's built-in task-group executor.
        Default = 1,
        /// The framework's own executor program.
        Custom = 2,
    }
}

/// How to kill a task.
#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct KillPolicy {
    /// Time between the graceful and the forced kill.
    #[prost(message, optional, tag = "1")]
    pub grace_period: Option<DurationInfo>,
}

/// Service discovery information, opaque to Mesos.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct DiscoveryInfo {
    /// Who may see the service.
    #[prost(enumeration = "discovery_info::Visibility", required, tag = "1")]
    pub visibility: i32,
    /// Service name.
    #[prost(string, optional, tag = "2")]
    pub name: Option<String>,
    /// Environment, e.g. `prod`.
    #[prost(string, optional, tag = "3")]
    pub environment: Option<String>,
    /// Location, e.g. a data centre.
    #[prost(string, optional, tag = "4")]
    pub location: Option<String>,
    /// Version.
    #[prost(string, optional, tag = "5")]
    pub version: Option<String>,
    /// Ports the service exposes.
    #[prost(message, optional, tag = "6")]
    pub ports: Option<Ports>,
    /// Free-form labels.
    #[prost(message, optional, tag = "7")]
    pub labels: Option<Labels>,
}

/// Nested types of [`DiscoveryInfo`].
pub mod discovery_info {
    /// Visibility of a service or port.
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
    pub enum Visibility {
        /// Visible to the framework only.
        Framework = 0,
        /// Visible within the cluster.
        Cluster = 1,
        /// Visible outside the cluster.
        External = 2,
    }
}

/// A port a service exposes.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Port {
    /// Port number.
    #[prost(uint32, required, tag = "1")]
    pub number: u32,
    /// Port name.
    #[prost(string, optional, tag = "2")]
    pub name: Option<String>,
    /// Protocol, e.g. `tcp`.
    #[prost(string, optional, tag = "3")]
    pub protocol: Option<String>,
    /// Who may see the port.
    #[prost(enumeration = "discovery_info::Visibility", optional, tag = "4")]
    pub visibility: Option<i32>,
    /// Free-form labels.
    #[prost(message, optional, tag = "5")]
    pub labels: Option<Labels>,
}

/// A list of ports.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Ports {
    /// The ports.
    #[prost(message, repeated, tag = "1")]
    pub ports: Vec<Port>,
}

/// States of a task (no zero sentinel: TASK_STARTING is 0, the declared default is TASK_STAGING).
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
pub enum TaskState {
    /// Accepted by the master, not yet running.
    TaskStaging = 6,
    /// Being started by the executor.
    TaskStarting = 0,
    /// Running.
    TaskRunning = 1,
    /// Being killed gracefully.
    TaskKilling = 8,
    /// Exited successfully (terminal).
    TaskFinished = 2,
    /// Exited unsuccessfully or could not start (terminal).
    TaskFailed = 3,
    /// Killed on request (terminal).
    TaskKilled = 4,
    /// Invalid or unauthorised, never started (terminal).
    TaskError = 7,
    /// Lost, for non-partition-aware frameworks (terminal).
    TaskLost = 5,
    /// Never started because of a transient problem (terminal).
    TaskDropped = 9,
    /// Agent unreachable; the task may still run.
    TaskUnreachable = 10,
    /// Definitely not running (terminal).
    TaskGone = 11,
    /// Agent declared gone by the operator (terminal).
    TaskGoneByOperator = 12,
    /// Not known to the master.
    TaskUnknown = 13,
}

/// A task state change, with its reason and context.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct TaskStatus {
    /// Task id.
    #[prost(message, required, tag = "1")]
    pub task_id: TaskId,
    /// New state.
    #[prost(enumeration = "TaskState", required, tag = "2")]
    pub state: i32,
    /// Human-readable message.
    #[prost(string, optional, tag = "4")]
    pub message: Option<String>,
    /// Who produced the update.
    #[prost(enumeration = "task_status::Source", optional, tag = "9")]
    pub source: Option<i32>,
    /// Why the state changed.
    #[prost(enumeration = "task_status::Reason", optional, tag = "10")]
    pub reason: Option<i32>,
    /// Executor payload.
    #[prost(bytes = "vec", optional, tag = "3")]
    pub data: Option<Vec<u8>>,
    /// Agent the task is on.
    #[prost(message, optional, tag = "5")]
    pub agent_id: Option<AgentId>,
    /// Executor of the task.
    #[prost(message, optional, tag = "7")]
    pub executor_id: Option<ExecutorId>,
    /// Seconds since the epoch.
    #[prost(double, optional, tag = "6")]
    pub timestamp: Option<f64>,
    /// 16-byte UUID; present when the update must be acknowledged.
    #[prost(bytes = "vec", optional, tag = "11")]
    pub uuid: Option<Vec<u8>>,
    /// Latest health-check verdict.
    #[prost(bool, optional, tag = "8")]
    pub healthy: Option<bool>,
    /// Latest check result.
    #[prost(message, optional, tag = "15")]
    pub check_status: Option<CheckStatusInfo>,
    /// Free-form labels.
    #[prost(message, optional, tag = "12")]
    pub labels: Option<Labels>,
    /// Container details (IPs, cgroups, pid).
    #[prost(message, optional, tag = "13")]
    pub container_status: Option<ContainerStatus>,
    /// When the agent became unreachable.
    #[prost(message, optional, tag = "14")]
    pub unreachable_time: Option<TimeInfo>,
    /// Which resource limit was hit.
    #[prost(message, optional, tag = "16")]
    pub limitation: Option<TaskResourceLimitation>,
}

/// Nested types of [`TaskStatus`].
pub mod task_status {
    /// Who produced a status update.
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
    pub enum Source {
        /// The master.
        SourceMaster = 0,
        /// The agent.
        SourceAgent = 1,
        /// The executor.
        SourceExecutor = 2,
    }

    /// Why a task changed state.
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
    pub enum Reason {
        /// The command executor failed (deprecated).
        ReasonCommandExecutorFailed = 0,
        /// The executor terminated.
        ReasonExecutorTerminated = 1,
        /// The executor unregistered (unused).
        ReasonExecutorUnregistered = 2,
        /// The framework was removed.
        ReasonFrameworkRemoved = 3,
        /// Sandbox garbage collection failed.
        ReasonGcError = 4,
        /// Invalid framework id.
        ReasonInvalidFrameworkid = 5,
        /// Invalid offers in the ACCEPT.
        ReasonInvalidOffers = 6,
        /// The driver lost the master (v0 only).
        ReasonMasterDisconnected = 7,
        /// Memory limit reached.
        ReasonContainerLimitationMemory = 8,
        /// Answer to reconciliation.
        ReasonReconciliation = 9,
        /// The agent disconnected.
        ReasonAgentDisconnected = 10,
        /// The agent was removed.
        ReasonAgentRemoved = 11,
        /// The agent restarted.
        ReasonAgentRestarted = 12,
        /// The agent is unknown.
        ReasonAgentUnknown = 13,
        /// The task is invalid.
        ReasonTaskInvalid = 14,
        /// The task is not authorised.
        ReasonTaskUnauthorized = 15,
        /// The task is unknown.
        ReasonTaskUnknown = 16,
        /// The container was preempted.
        ReasonContainerPreempted = 17,
        /// The resources are unknown.
        ReasonResourcesUnknown = 18,
        /// A container limit was reached.
        ReasonContainerLimitation = 19,
        /// Disk limit reached.
        ReasonContainerLimitationDisk = 20,
        /// The container could not be launched.
        ReasonContainerLaunchFailed = 21,
        /// The container could not be updated.
        ReasonContainerUpdateFailed = 22,
        /// The executor did not register in time.
        ReasonExecutorRegistrationTimeout = 23,
        /// The executor did not re-register in time.
        ReasonExecutorReregistrationTimeout = 24,
        /// The task group is invalid.
        ReasonTaskGroupInvalid = 25,
        /// The task group is not authorised.
        ReasonTaskGroupUnauthorized = 26,
        /// The IO switchboard exited.
        ReasonIoSwitchboardExited = 27,
        /// A check's status changed.
        ReasonTaskCheckStatusUpdated = 28,
        /// The health-check status changed.
        ReasonTaskHealthCheckStatusUpdated = 29,
        /// Killed before delivery to the executor.
        ReasonTaskKilledDuringLaunch = 30,
        /// The operator removed the agent.
        ReasonAgentRemovedByOperator = 31,
        /// The agent re-registered.
        ReasonAgentReregistered = 32,
        /// The task's max completion time passed.
        ReasonMaxCompletionTimeReached = 33,
        /// The agent is being drained.
        ReasonAgentDraining = 34,
    }
}

/// Container details attached to a task status.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct ContainerStatus {
    /// Container id.
    #[prost(message, optional, tag = "4")]
    pub container_id: Option<ContainerId>,
    /// Network information, including IPs.
    #[prost(message, repeated, tag = "1")]
    pub network_infos: Vec<NetworkInfo>,
    /// Cgroup information.
    #[prost(message, optional, tag = "2")]
    pub cgroup_info: Option<CgroupInfo>,
    /// Pid of the executor.
    #[prost(uint32, optional, tag = "3")]
    pub executor_pid: Option<u32>,
}

/// Cgroup details of a container (only net_cls is modelled).
#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct CgroupInfo {
    /// net_cls cgroup.
    #[prost(message, optional, tag = "1")]
    pub net_cls: Option<cgroup_info::NetCls>,
}

/// Nested types of [`CgroupInfo`].
pub mod cgroup_info {
    /// net_cls cgroup details.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct NetCls {
        /// Class id (major:minor packed into 32 bits).
        #[prost(uint32, optional, tag = "1")]
        pub classid: Option<u32>,
    }
}

/// Which resource limit a task hit.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct TaskResourceLimitation {
    /// The resources whose limit was reached.
    #[prost(message, repeated, tag = "1")]
    pub resources: Vec<Resource>,
}

/// States of an offer operation.
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
pub enum OperationState {
    /// Not supported.
    OperationUnsupported = 0,
    /// In progress.
    OperationPending = 1,
    /// Done (terminal).
    OperationFinished = 2,
    /// Failed (terminal).
    OperationFailed = 3,
    /// Invalid (terminal).
    OperationError = 4,
    /// Not applied because of a transient problem (terminal).
    OperationDropped = 5,
    /// Agent unreachable.
    OperationUnreachable = 6,
    /// Agent declared gone by the operator (terminal).
    OperationGoneByOperator = 7,
    /// Agent still recovering.
    OperationRecovering = 8,
    /// Not known.
    OperationUnknown = 9,
}

/// A status update about an offer operation.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct OperationStatus {
    /// The framework's operation id.
    #[prost(message, optional, tag = "1")]
    pub operation_id: Option<OperationId>,
    /// New state.
    #[prost(enumeration = "OperationState", required, tag = "2")]
    pub state: i32,
    /// Human-readable message.
    #[prost(string, optional, tag = "3")]
    pub message: Option<String>,
    /// Resources after the operation (for OPERATION_FINISHED).
    #[prost(message, repeated, tag = "4")]
    pub converted_resources: Vec<Resource>,
    /// Present when the update must be acknowledged.
    #[prost(message, optional, tag = "5")]
    pub uuid: Option<Uuid>,
    /// Agent the operation ran on.
    #[prost(message, optional, tag = "6")]
    pub agent_id: Option<AgentId>,
    /// Resource provider the operation ran on.
    #[prost(message, optional, tag = "7")]
    pub resource_provider_id: Option<ResourceProviderId>,
}
