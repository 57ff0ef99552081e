//! Offers and their operations, inverse offers, filters and resource requests.

use super::*;

/// Resources of one agent offered to a framework for one role.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Offer {
    /// Offer id.
    #[prost(message, required, tag = "1")]
    pub id: OfferId,
    /// Framework the offer is made to.
    #[prost(message, required, tag = "2")]
    pub framework_id: FrameworkId,
    /// Agent the resources are on.
    #[prost(message, required, tag = "3")]
    pub agent_id: AgentId,
    /// Host name of the agent.
    #[prost(string, required, tag = "4")]
    pub hostname: String,
    /// URL of the agent's HTTP endpoints (field 8).
    #[prost(message, optional, tag = "8")]
    pub url: Option<Url>,
    /// Fault domain of the agent (field 11).
    #[prost(message, optional, tag = "11")]
    pub domain: Option<DomainInfo>,
    /// Offered resources.
    #[prost(message, repeated, tag = "5")]
    pub resources: Vec<Resource>,
    /// Attributes of the agent.
    #[prost(message, repeated, tag = "7")]
    pub attributes: Vec<Attribute>,
    /// This framework's executors running on the agent.
    #[prost(message, repeated, tag = "6")]
    pub executor_ids: Vec<ExecutorId>,
    /// Planned maintenance of the agent's machine.
    #[prost(message, optional, tag = "9")]
    pub unavailability: Option<Unavailability>,
    /// Role the offer is made for (MULTI_ROLE frameworks only).
    #[prost(message, optional, tag = "10")]
    pub allocation_info: Option<AllocationInfo>,
}

/// Nested types of [`Offer`].
pub mod offer {
    use super::*;

    /// One thing to do with offered resources, as part of an ACCEPT.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Operation {
        /// Which operation.
        #[prost(enumeration = "operation::Type", optional, tag = "1")]
        pub r#type: Option<i32>,
        /// Id requesting operation status feedback (not for LAUNCH/LAUNCH_GROUP).
        #[prost(message, optional, tag = "12")]
        pub id: Option<OperationId>,
        /// LAUNCH details.
        #[prost(message, optional, tag = "2")]
        pub launch: Option<operation::Launch>,
        /// LAUNCH_GROUP details.
        #[prost(message, optional, tag = "7")]
        pub launch_group: Option<operation::LaunchGroup>,
        /// RESERVE details.
        #[prost(message, optional, tag = "3")]
        pub reserve: Option<operation::Reserve>,
        /// UNRESERVE details.
        #[prost(message, optional, tag = "4")]
        pub unreserve: Option<operation::Unreserve>,
        /// CREATE details.
        #[prost(message, optional, tag = "5")]
        pub create: Option<operation::Create>,
        /// DESTROY details.
        #[prost(message, optional, tag = "6")]
        pub destroy: Option<operation::Destroy>,
        /// GROW_VOLUME details.
        #[prost(message, optional, tag = "13")]
        pub grow_volume: Option<operation::GrowVolume>,
        /// SHRINK_VOLUME details.
        #[prost(message, optional, tag = "14")]
        pub shrink_volume: Option<operation::ShrinkVolume>,
        /// CREATE_DISK details.
        #[prost(message, optional, tag = "15")]
        pub create_disk: Option<operation::CreateDisk>,
        /// DESTROY_DISK details.
        #[prost(message, optional, tag = "16")]
        pub destroy_disk: Option<operation::DestroyDisk>,
    }

    /// Nested types of [`Operation`].
    pub mod operation {
        use super::*;

        /// Kinds of offer operation.
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
            /// Launch tasks.
            Launch = 1,
            /// Launch a task group on one executor.
            LaunchGroup = 6,
            /// Dynamically reserve resources.
            Reserve = 2,
            /// Undo a dynamic reservation.
            Unreserve = 3,
            /// Create persistent volumes.
            Create = 4,
            /// Destroy persistent volumes.
            Destroy = 5,
            /// Grow a persistent volume.
            GrowVolume = 11,
            /// Shrink a persistent volume.
            ShrinkVolume = 12,
            /// Turn a RAW provider disk into a MOUNT or BLOCK disk.
            CreateDisk = 13,
            /// Turn a MOUNT or BLOCK provider disk back into RAW.
            DestroyDisk = 14,
        }

        /// Tasks to launch.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct Launch {
            /// The tasks.
            #[prost(message, repeated, tag = "1")]
            pub task_infos: Vec<TaskInfo>,
        }

        /// A task group and the executor to run it.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct LaunchGroup {
            /// The executor.
            #[prost(message, required, tag = "1")]
            pub executor: ExecutorInfo,
            /// The tasks.
            #[prost(message, required, tag = "2")]
            pub task_group: TaskGroupInfo,
        }

        /// Resources to reserve.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct Reserve {
            /// Resources the reservation is made from (field 2).
            #[prost(message, repeated, tag = "2")]
            pub source: Vec<Resource>,
            /// The resources as they will be once reserved (field 1).
            #[prost(message, repeated, tag = "1")]
            pub resources: Vec<Resource>,
        }

        /// Resources to unreserve.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct Unreserve {
            /// The reserved resources.
            #[prost(message, repeated, tag = "1")]
            pub resources: Vec<Resource>,
        }

        /// Persistent volumes to create.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct Create {
            /// The volumes.
            #[prost(message, repeated, tag = "1")]
            pub volumes: Vec<Resource>,
        }

        /// Persistent volumes to destroy.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct Destroy {
            /// The volumes.
            #[prost(message, repeated, tag = "1")]
            pub volumes: Vec<Resource>,
        }

        /// Grow a persistent volume with extra disk.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct GrowVolume {
            /// The volume.
            #[prost(message, required, tag = "1")]
            pub volume: Resource,
            /// Disk to add to it.
            #[prost(message, required, tag = "2")]
            pub addition: Resource,
        }

        /// Shrink a persistent volume.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct ShrinkVolume {
            /// The volume.
            #[prost(message, required, tag = "1")]
            pub volume: Resource,
            /// Amount to remove.
            #[prost(message, required, tag = "2")]
            pub subtract: value::Scalar,
        }

        /// Create a MOUNT or BLOCK disk from a RAW one.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct CreateDisk {
            /// The RAW disk.
            #[prost(message, required, tag = "1")]
            pub source: Resource,
            /// MOUNT or BLOCK.
            #[prost(enumeration = "resource::disk_info::source::Type", required, tag = "2")]
            pub target_type: i32,
            /// Profile of the new disk.
            #[prost(string, optional, tag = "3")]
            pub target_profile: Option<String>,
        }

        /// Turn a MOUNT or BLOCK disk back into RAW.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct DestroyDisk {
            /// The disk.
            #[prost(message, required, tag = "1")]
            pub source: Resource,
        }
    }
}

/// A request to give resources back ahead of a maintenance window.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct InverseOffer {
    /// Id (same id space as offers).
    #[prost(message, required, tag = "1")]
    pub id: OfferId,
    /// URL of the agent.
    #[prost(message, optional, tag = "2")]
    pub url: Option<Url>,
    /// Framework asked.
    #[prost(message, required, tag = "3")]
    pub framework_id: FrameworkId,
    /// Agent to vacate.
    #[prost(message, optional, tag = "4")]
    pub agent_id: Option<AgentId>,
    /// The maintenance window.
    #[prost(message, required, tag = "5")]
    pub unavailability: Unavailability,
    /// Resources wanted back; empty means all of the agent.
    #[prost(message, repeated, tag = "6")]
    pub resources: Vec<Resource>,
}

/// How long declined resources should not be re-offered.
#[derive(Clone, Copy, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Filters {
    /// Seconds to refuse the resources for.
    #[prost(double, optional, tag = "1", default = "5")]
    pub refuse_seconds: Option<f64>,
}

/// A framework's request for resources (ignored by the allocator).
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Request {
    /// Agent wanted.
    #[prost(message, optional, tag = "1")]
    pub agent_id: Option<AgentId>,
    /// Resources wanted.
    #[prost(message, repeated, tag = "2")]
    pub resources: Vec<Resource>,
}
