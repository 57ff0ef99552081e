//! FrameworkInfo (with its offer filters), MasterInfo and AgentInfo.

use super::*;

/// Describes a framework: who it is, its roles and capabilities.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct FrameworkInfo {
    /// Unix user the framework's tasks run as (may be empty).
    #[prost(string, required, tag = "1")]
    pub user: String,
    /// Framework name.
    #[prost(string, required, tag = "2")]
    pub name: String,
    /// Assigned id; unset on the first SUBSCRIBE.
    #[prost(message, optional, tag = "3")]
    pub id: Option<FrameworkId>,
    /// Seconds the master keeps a disconnected framework before tearing it down.
    #[prost(double, optional, tag = "4", default = "0")]
    pub failover_timeout: Option<f64>,
    /// Whether agents checkpoint this framework's tasks and executors.
    #[prost(bool, optional, tag = "5", default = "false")]
    pub checkpoint: Option<bool>,
    /// Single role (deprecated; `*` when unset; only without MULTI_ROLE).
    #[prost(string, optional, tag = "6")]
    pub role: Option<String>,
    /// Roles of a MULTI_ROLE framework.
    #[prost(string, repeated, tag = "12")]
    pub roles: Vec<String>,
    /// Host the scheduler runs on.
    #[prost(string, optional, tag = "7")]
    pub hostname: Option<String>,
    /// Principal for authentication, authorization and reservations.
    #[prost(string, optional, tag = "8")]
    pub principal: Option<String>,
    /// URL of the framework's web UI.
    #[prost(string, optional, tag = "9")]
    pub webui_url: Option<String>,
    /// Capabilities the framework declares.
    #[prost(message, repeated, tag = "10")]
    pub capabilities: Vec<framework_info::Capability>,
    /// Free-form labels.
    #[prost(message, optional, tag = "11")]
    pub labels: Option<Labels>,
    /// Per-role offer filters, keyed by role.
    #[prost(btree_map = "string, message", tag = "13")]
    pub offer_filters: ::std::collections::BTreeMap<String, OfferFilters>,
}

/// Nested types of [`FrameworkInfo`].
pub mod framework_info {
    /// One capability of a framework.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Capability {
        /// Which capability.
        #[prost(enumeration = "capability::Type", optional, tag = "1")]
        pub r#type: Option<i32>,
    }

    /// Nested types of [`Capability`].
    pub mod capability {
        /// Framework capability kinds.
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
            /// Unknown capability (never valid).
            Unknown = 0,
            /// Accepts revocable resources.
            RevocableResources = 1,
            /// Understands TASK_KILLING.
            TaskKillingState = 2,
            /// Accepts offers from GPU agents.
            GpuResources = 3,
            /// Accepts shared resources.
            SharedResources = 4,
            /// Gets the partition-aware task states.
            PartitionAware = 5,
            /// Uses `roles` instead of `role`.
            MultiRole = 6,
            /// Uses the post-refinement reservation format.
            ReservationRefinement = 7,
            /// Accepts offers from remote regions.
            RegionAware = 8,
        }
    }
}

/// Per-role filters on the offers a framework receives.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct OfferFilters {
    /// Minimum resources an offer must contain.
    #[prost(message, optional, tag = "1")]
    pub min_allocatable_resources: Option<offer_filters::MinAllocatableResources>,
}

/// Nested types of [`OfferFilters`].
pub mod offer_filters {
    use super::*;

    /// Alternatives for the smallest offer worth making.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct MinAllocatableResources {
        /// An offer is made only if it covers at least one of these quantity sets.
        #[prost(message, repeated, tag = "1")]
        pub quantities: Vec<ResourceQuantities>,
    }
}

/// Scalar amounts keyed by resource name, e.g. `{"cpus":{"value":1.0}}`.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct ResourceQuantities {
    /// Amount per resource name.
    #[prost(btree_map = "string, message", tag = "1")]
    pub quantities: ::std::collections::BTreeMap<String, value::Scalar>,
}

/// Describes the running master.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct MasterInfo {
    /// Random UUID string chosen at master start.
    #[prost(string, required, tag = "1")]
    pub id: String,
    /// IPv4 address in network byte order read as a host integer (deprecated).
    #[prost(uint32, required, tag = "2")]
    pub ip: u32,
    /// Port.
    #[prost(uint32, required, tag = "3", default = "5050")]
    pub port: u32,
    /// Libprocess pid, `master@ip:port`.
    #[prost(string, optional, tag = "4")]
    pub pid: Option<String>,
    /// Host name.
    #[prost(string, optional, tag = "5")]
    pub hostname: Option<String>,
    /// Version string, e.g. `1.12.0`.
    #[prost(string, optional, tag = "6")]
    pub version: Option<String>,
    /// Address of the master.
    #[prost(message, optional, tag = "7")]
    pub address: Option<Address>,
    /// Fault domain of the master.
    #[prost(message, optional, tag = "8")]
    pub domain: Option<DomainInfo>,
    /// Capabilities the master advertises.
    #[prost(message, repeated, tag = "9")]
    pub capabilities: Vec<master_info::Capability>,
}

/// Nested types of [`MasterInfo`].
pub mod master_info {
    /// One capability of the master.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Capability {
        /// Which capability.
        #[prost(enumeration = "capability::Type", optional, tag = "1")]
        pub r#type: Option<i32>,
    }

    /// Nested types of [`Capability`].
    pub mod capability {
        /// Master capability kinds.
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
            /// Unknown capability.
            Unknown = 0,
            /// Agents may change their resources/attributes on re-registration.
            AgentUpdate = 1,
            /// Agents can be drained.
            AgentDraining = 2,
            /// Quota with limits (v2 quota API).
            #[json(name = "QUOTA_V2")]
            QuotaV2 = 3,
        }
    }
}

/// Describes an agent: host, port, static resources and attributes.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct AgentInfo {
    /// Host name.
    #[prost(string, required, tag = "1")]
    pub hostname: String,
    /// Port.
    #[prost(int32, optional, tag = "8", default = "5051")]
    pub port: Option<i32>,
    /// Configured (static) resources.
    #[prost(message, repeated, tag = "3")]
    pub resources: Vec<Resource>,
    /// Agent attributes, in order.
    #[prost(message, repeated, tag = "5")]
    pub attributes: Vec<Attribute>,
    /// Assigned id.
    #[prost(message, optional, tag = "6")]
    pub id: Option<AgentId>,
    /// Fault domain of the agent.
    #[prost(message, optional, tag = "10")]
    pub domain: Option<DomainInfo>,
}

/// Nested types of [`AgentInfo`].
pub mod agent_info {
    /// One capability of an agent (exchanged at registration).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Capability {
        /// Which capability.
        #[prost(enumeration = "capability::Type", optional, tag = "1")]
        pub r#type: Option<i32>,
    }

    /// Nested types of [`Capability`].
    pub mod capability {
        /// Agent capability kinds.
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
            /// Unknown capability.
            Unknown = 0,
            /// Handles multi-role frameworks.
            MultiRole = 1,
            /// Handles hierarchical role names.
            HierarchicalRole = 2,
            /// Handles refined reservations.
            ReservationRefinement = 3,
            /// Hosts resource providers.
            ResourceProvider = 4,
            /// Can grow and shrink persistent volumes.
            ResizeVolume = 5,
            /// Sends operation status updates itself.
            AgentOperationFeedback = 6,
            /// Can be drained.
            AgentDraining = 7,
            /// Enforces task resource limits.
            TaskResourceLimits = 8,
        }
    }
}
