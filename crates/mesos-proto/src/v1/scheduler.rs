//! The v1 scheduler API (package `mesos.v1.scheduler`): calls, events and offer constraints.

use super::*;

/// A request from a scheduler to the master.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Call {
    /// Calling framework (required for every type but SUBSCRIBE).
    #[prost(message, optional, tag = "1")]
    pub framework_id: Option<FrameworkId>,
    /// Kind of call.
    #[prost(enumeration = "call::Type", optional, tag = "2")]
    pub r#type: Option<i32>,
    /// SUBSCRIBE details.
    #[prost(message, optional, tag = "3")]
    pub subscribe: Option<call::Subscribe>,
    /// ACCEPT details.
    #[prost(message, optional, tag = "4")]
    pub accept: Option<call::Accept>,
    /// DECLINE details.
    #[prost(message, optional, tag = "5")]
    pub decline: Option<call::Decline>,
    /// ACCEPT_INVERSE_OFFERS details.
    #[prost(message, optional, tag = "13")]
    pub accept_inverse_offers: Option<call::AcceptInverseOffers>,
    /// DECLINE_INVERSE_OFFERS details.
    #[prost(message, optional, tag = "14")]
    pub decline_inverse_offers: Option<call::DeclineInverseOffers>,
    /// REVIVE details (field 15).
    #[prost(message, optional, tag = "15")]
    pub revive: Option<call::Revive>,
    /// KILL details.
    #[prost(message, optional, tag = "6")]
    pub kill: Option<call::Kill>,
    /// SHUTDOWN details.
    #[prost(message, optional, tag = "7")]
    pub shutdown: Option<call::Shutdown>,
    /// ACKNOWLEDGE details.
    #[prost(message, optional, tag = "8")]
    pub acknowledge: Option<call::Acknowledge>,
    /// ACKNOWLEDGE_OPERATION_STATUS details.
    #[prost(message, optional, tag = "17")]
    pub acknowledge_operation_status: Option<call::AcknowledgeOperationStatus>,
    /// RECONCILE details.
    #[prost(message, optional, tag = "9")]
    pub reconcile: Option<call::Reconcile>,
    /// RECONCILE_OPERATIONS details.
    #[prost(message, optional, tag = "18")]
    pub reconcile_operations: Option<call::ReconcileOperations>,
    /// MESSAGE details.
    #[prost(message, optional, tag = "10")]
    pub message: Option<call::Message>,
    /// REQUEST details.
    #[prost(message, optional, tag = "11")]
    pub request: Option<call::Request>,
    /// SUPPRESS details.
    #[prost(message, optional, tag = "16")]
    pub suppress: Option<call::Suppress>,
    /// UPDATE_FRAMEWORK details.
    #[prost(message, optional, tag = "19")]
    pub update_framework: Option<call::UpdateFramework>,
}

/// Nested types of [`Call`].
pub mod call {
    use super::*;

    /// Kinds of scheduler call.
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
        /// Remove the framework.
        Teardown = 2,
        /// Use offers.
        Accept = 3,
        /// Decline offers.
        Decline = 4,
        /// Accept inverse offers.
        AcceptInverseOffers = 13,
        /// Decline inverse offers.
        DeclineInverseOffers = 14,
        /// Clear filters and resume offers.
        Revive = 5,
        /// Kill a task.
        Kill = 6,
        /// Shut an executor down.
        Shutdown = 7,
        /// Acknowledge a task status update.
        Acknowledge = 8,
        /// Acknowledge an operation status update.
        AcknowledgeOperationStatus = 15,
        /// Ask for task states.
        Reconcile = 9,
        /// Ask for operation states.
        ReconcileOperations = 16,
        /// Send data to an executor.
        Message = 10,
        /// Request resources.
        Request = 11,
        /// Stop offers.
        Suppress = 12,
        /// Change the FrameworkInfo.
        UpdateFramework = 17,
    }

    /// Subscribe (or re-subscribe) a framework.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Subscribe {
        /// The framework.
        #[prost(message, required, tag = "1")]
        pub framework_info: FrameworkInfo,
        /// Roles to start suppressed.
        #[prost(string, repeated, tag = "2")]
        pub suppressed_roles: Vec<String>,
        /// Constraints on the agents offered.
        #[prost(message, optional, tag = "3")]
        pub offer_constraints: Option<OfferConstraints>,
    }

    /// Accept offers by applying operations to them.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Accept {
        /// Offers used.
        #[prost(message, repeated, tag = "1")]
        pub offer_ids: Vec<OfferId>,
        /// Operations, applied in order.
        #[prost(message, repeated, tag = "2")]
        pub operations: Vec<offer::Operation>,
        /// Filter for the unused remainder.
        #[prost(message, optional, tag = "3")]
        pub filters: Option<Filters>,
    }

    /// Decline offers.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Decline {
        /// Offers declined.
        #[prost(message, repeated, tag = "1")]
        pub offer_ids: Vec<OfferId>,
        /// How long not to re-offer the resources.
        #[prost(message, optional, tag = "2")]
        pub filters: Option<Filters>,
    }

    /// Accept inverse offers.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct AcceptInverseOffers {
        /// Inverse offers accepted.
        #[prost(message, repeated, tag = "1")]
        pub inverse_offer_ids: Vec<OfferId>,
        /// How long before the inverse offers may be re-sent.
        #[prost(message, optional, tag = "2")]
        pub filters: Option<Filters>,
    }

    /// Decline inverse offers.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct DeclineInverseOffers {
        /// Inverse offers declined.
        #[prost(message, repeated, tag = "1")]
        pub inverse_offer_ids: Vec<OfferId>,
        /// How long before the inverse offers may be re-sent.
        #[prost(message, optional, tag = "2")]
        pub filters: Option<Filters>,
    }

    /// Clear filters and un-suppress roles.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Revive {
        /// Roles; empty means all of the framework's roles.
        #[prost(string, repeated, tag = "1")]
        pub roles: Vec<String>,
    }

    /// Kill a task.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Kill {
        /// Task to kill.
        #[prost(message, required, tag = "1")]
        pub task_id: TaskId,
        /// Agent the task is on.
        #[prost(message, optional, tag = "2")]
        pub agent_id: Option<AgentId>,
        /// Overrides the task's kill policy.
        #[prost(message, optional, tag = "3")]
        pub kill_policy: Option<KillPolicy>,
    }

    /// Shut an executor down.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Shutdown {
        /// The executor.
        #[prost(message, required, tag = "1")]
        pub executor_id: ExecutorId,
        /// Agent it runs on.
        #[prost(message, required, tag = "2")]
        pub agent_id: AgentId,
    }

    /// Acknowledge a task status update.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Acknowledge {
        /// Agent of the task.
        #[prost(message, required, tag = "1")]
        pub agent_id: AgentId,
        /// The task.
        #[prost(message, required, tag = "2")]
        pub task_id: TaskId,
        /// The update's `status.uuid` bytes.
        #[prost(bytes = "vec", required, tag = "3")]
        pub uuid: Vec<u8>,
    }

    /// Acknowledge an operation status update.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct AcknowledgeOperationStatus {
        /// Agent of the operation (required by validation).
        #[prost(message, optional, tag = "1")]
        pub agent_id: Option<AgentId>,
        /// Resource provider of the operation.
        #[prost(message, optional, tag = "2")]
        pub resource_provider_id: Option<ResourceProviderId>,
        /// The 16 bytes of `status.uuid.value`.
        #[prost(bytes = "vec", required, tag = "3")]
        #[json(accept_value_object)]
        pub uuid: Vec<u8>,
        /// The operation.
        #[prost(message, required, tag = "4")]
        pub operation_id: OperationId,
    }

    /// Ask for the latest state of tasks.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Reconcile {
        /// Tasks; empty means all of the framework's tasks.
        #[prost(message, repeated, tag = "1")]
        pub tasks: Vec<reconcile::Task>,
    }

    /// Nested types of [`Reconcile`].
    pub mod reconcile {
        use super::*;

        /// A task to reconcile.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct Task {
            /// The task.
            #[prost(message, required, tag = "1")]
            pub task_id: TaskId,
            /// Agent it is believed to be on.
            #[prost(message, optional, tag = "2")]
            pub agent_id: Option<AgentId>,
        }
    }

    /// Ask for the latest state of operations.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct ReconcileOperations {
        /// Operations; empty means all of the framework's operations.
        #[prost(message, repeated, tag = "1")]
        pub operations: Vec<reconcile_operations::Operation>,
    }

    /// Nested types of [`ReconcileOperations`].
    pub mod reconcile_operations {
        use super::*;

        /// An operation to reconcile.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct Operation {
            /// The operation.
            #[prost(message, required, tag = "1")]
            pub operation_id: OperationId,
            /// Agent it ran on.
            #[prost(message, optional, tag = "2")]
            pub agent_id: Option<AgentId>,
            /// Resource provider it ran on.
            #[prost(message, optional, tag = "3")]
            pub resource_provider_id: Option<ResourceProviderId>,
        }
    }

    /// Send data to an executor.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Message {
        /// Agent of the executor.
        #[prost(message, required, tag = "1")]
        pub agent_id: AgentId,
        /// The executor.
        #[prost(message, required, tag = "2")]
        pub executor_id: ExecutorId,
        /// The data.
        #[prost(bytes = "vec", required, tag = "3")]
        pub data: Vec<u8>,
    }

    /// Request resources from the allocator.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Request {
        /// The requests.
        #[prost(message, repeated, tag = "1")]
        pub requests: Vec<crate::v1::Request>,
    }

    /// Stop offers for roles.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Suppress {
        /// Roles; empty means all of the framework's roles.
        #[prost(string, repeated, tag = "1")]
        pub roles: Vec<String>,
    }

    /// Replace the framework's FrameworkInfo, suppressed roles and offer constraints.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct UpdateFramework {
        /// The new FrameworkInfo (with the framework's id).
        #[prost(message, required, tag = "1")]
        pub framework_info: FrameworkInfo,
        /// The complete new set of suppressed roles.
        #[prost(string, repeated, tag = "2")]
        pub suppressed_roles: Vec<String>,
        /// The new offer constraints; unset means none.
        #[prost(message, optional, tag = "3")]
        pub offer_constraints: Option<OfferConstraints>,
    }
}

/// A message from the master to a scheduler on its event stream.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Event {
    /// Kind of event.
    #[prost(enumeration = "event::Type", optional, tag = "1")]
    pub r#type: Option<i32>,
    /// SUBSCRIBED details.
    #[prost(message, optional, tag = "2")]
    pub subscribed: Option<event::Subscribed>,
    /// OFFERS details.
    #[prost(message, optional, tag = "3")]
    pub offers: Option<event::Offers>,
    /// INVERSE_OFFERS details.
    #[prost(message, optional, tag = "9")]
    pub inverse_offers: Option<event::InverseOffers>,
    /// RESCIND details.
    #[prost(message, optional, tag = "4")]
    pub rescind: Option<event::Rescind>,
    /// RESCIND_INVERSE_OFFER details.
    #[prost(message, optional, tag = "10")]
    pub rescind_inverse_offer: Option<event::RescindInverseOffer>,
    /// UPDATE details.
    #[prost(message, optional, tag = "5")]
    pub update: Option<event::Update>,
    /// UPDATE_OPERATION_STATUS details.
    #[prost(message, optional, tag = "11")]
    pub update_operation_status: Option<event::UpdateOperationStatus>,
    /// MESSAGE details.
    #[prost(message, optional, tag = "6")]
    pub message: Option<event::Message>,
    /// FAILURE details.
    #[prost(message, optional, tag = "7")]
    pub failure: Option<event::Failure>,
    /// ERROR details.
    #[prost(message, optional, tag = "8")]
    pub error: Option<event::Error>,
}

/// Nested types of [`Event`].
pub mod event {
    use super::*;

    /// Kinds of scheduler event.
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
        /// New offers.
        Offers = 2,
        /// New inverse offers.
        InverseOffers = 9,
        /// An offer was withdrawn.
        Rescind = 3,
        /// An inverse offer was withdrawn.
        RescindInverseOffer = 10,
        /// A task status update.
        Update = 4,
        /// An operation status update.
        UpdateOperationStatus = 11,
        /// Data from an executor.
        Message = 5,
        /// An executor or agent was lost.
        Failure = 6,
        /// Subscription refused or replaced.
        Error = 7,
        /// Keep-alive.
        Heartbeat = 8,
    }

    /// Subscription succeeded.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Subscribed {
        /// The framework's id.
        #[prost(message, required, tag = "1")]
        pub framework_id: FrameworkId,
        /// Seconds between heartbeats.
        #[prost(double, optional, tag = "2")]
        pub heartbeat_interval_seconds: Option<f64>,
        /// The master.
        #[prost(message, optional, tag = "3")]
        pub master_info: Option<MasterInfo>,
    }

    /// New offers.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Offers {
        /// The offers.
        #[prost(message, repeated, tag = "1")]
        pub offers: Vec<Offer>,
    }

    /// New inverse offers.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct InverseOffers {
        /// The inverse offers.
        #[prost(message, repeated, tag = "1")]
        pub inverse_offers: Vec<InverseOffer>,
    }

    /// An offer was withdrawn.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Rescind {
        /// The offer.
        #[prost(message, required, tag = "1")]
        pub offer_id: OfferId,
    }

    /// An inverse offer was withdrawn.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct RescindInverseOffer {
        /// The inverse offer.
        #[prost(message, required, tag = "1")]
        pub inverse_offer_id: OfferId,
    }

    /// A task status update.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Update {
        /// The status.
        #[prost(message, required, tag = "1")]
        pub status: TaskStatus,
    }

    /// An operation status update.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct UpdateOperationStatus {
        /// The status.
        #[prost(message, required, tag = "1")]
        pub status: OperationStatus,
    }

    /// Data from an executor.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Message {
        /// Agent of the executor.
        #[prost(message, required, tag = "1")]
        pub agent_id: AgentId,
        /// The executor.
        #[prost(message, required, tag = "2")]
        pub executor_id: ExecutorId,
        /// The data.
        #[prost(bytes = "vec", required, tag = "3")]
        pub data: Vec<u8>,
    }

    /// An executor exited or an agent was removed.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Failure {
        /// The agent.
        #[prost(message, optional, tag = "1")]
        pub agent_id: Option<AgentId>,
        /// The executor, if an executor exited.
        #[prost(message, optional, tag = "2")]
        pub executor_id: Option<ExecutorId>,
        /// Raw wait status of the executor.
        #[prost(int32, optional, tag = "3")]
        pub status: Option<i32>,
    }

    /// Subscription refused or replaced.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Error {
        /// Why.
        #[prost(string, required, tag = "1")]
        pub message: String,
    }
}

/// Per-role constraints on the agent attributes of the offers a framework receives.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct OfferConstraints {
    /// Constraints keyed by role.
    #[prost(btree_map = "string, message", tag = "1")]
    pub role_constraints: ::std::collections::BTreeMap<String, offer_constraints::RoleConstraints>,
}

/// Nested types of [`OfferConstraints`].
pub mod offer_constraints {
    /// Constraints for one role: an offer passes if any group matches.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct RoleConstraints {
        /// The groups (non-empty).
        #[prost(message, repeated, tag = "1")]
        pub groups: Vec<role_constraints::Group>,
    }

    /// Nested types of [`RoleConstraints`].
    pub mod role_constraints {
        use super::super::AttributeConstraint;

        /// A conjunction of attribute constraints.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct Group {
            /// The constraints (non-empty); all must match.
            #[prost(message, repeated, tag = "1")]
            pub attribute_constraints: Vec<AttributeConstraint>,
        }
    }
}

/// A test on one agent attribute or pseudo-attribute.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct AttributeConstraint {
    /// What is tested.
    #[prost(message, required, tag = "1")]
    pub selector: attribute_constraint::Selector,
    /// The test.
    #[prost(message, required, tag = "2")]
    pub predicate: attribute_constraint::Predicate,
}

/// Nested types of [`AttributeConstraint`].
pub mod attribute_constraint {
    /// Selects a pseudo-attribute or a named attribute (a oneof: set exactly one).
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Selector {
        /// Pseudo-attribute (host name, region, zone).
        #[prost(enumeration = "selector::PseudoattributeType", optional, tag = "1")]
        pub pseudoattribute_type: Option<i32>,
        /// Name of an agent attribute (the first one with that name is used).
        #[prost(string, optional, tag = "2")]
        pub attribute_name: Option<String>,
    }

    /// Nested types of [`Selector`].
    pub mod selector {
        /// Pseudo-attributes of an agent.
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
        pub enum PseudoattributeType {
            /// Unknown (invalid).
            Unknown = 0,
            /// The agent's host name.
            Hostname = 1,
            /// The agent's fault-domain region.
            Region = 2,
            /// The agent's fault-domain zone.
            Zone = 3,
        }
    }

    /// The test applied to the selected attribute (a oneof: set exactly one).
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Predicate {
        /// The attribute exists.
        #[prost(message, optional, tag = "1")]
        pub exists: Option<predicate::Exists>,
        /// The attribute does not exist.
        #[prost(message, optional, tag = "2")]
        pub not_exists: Option<predicate::NotExists>,
        /// The text attribute equals a value.
        #[prost(message, optional, tag = "3")]
        pub text_equals: Option<predicate::TextEquals>,
        /// The text attribute does not equal a value.
        #[prost(message, optional, tag = "4")]
        pub text_not_equals: Option<predicate::TextNotEquals>,
        /// The text attribute fully matches a regex.
        #[prost(message, optional, tag = "5")]
        pub text_matches: Option<predicate::TextMatches>,
        /// The text attribute does not fully match a regex.
        #[prost(message, optional, tag = "6")]
        pub text_not_matches: Option<predicate::TextNotMatches>,
    }

    /// Nested types of [`Predicate`].
    pub mod predicate {
        /// Marker: the attribute exists.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct Exists {}

        /// Marker: the attribute does not exist.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct NotExists {}

        /// Equality with a string.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct TextEquals {
            /// The string.
            #[prost(string, required, tag = "1")]
            pub value: String,
        }

        /// Inequality with a string.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct TextNotEquals {
            /// The string.
            #[prost(string, required, tag = "1")]
            pub value: String,
        }

        /// Full match of an RE2 regex.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct TextMatches {
            /// The regex.
            #[prost(string, required, tag = "1")]
            pub regex: String,
        }

        /// No full match of an RE2 regex.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct TextNotMatches {
            /// The regex.
            #[prost(string, required, tag = "1")]
            pub regex: String,
        }
    }
}
