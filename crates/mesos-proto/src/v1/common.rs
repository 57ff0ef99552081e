//! Identifiers, time, addresses, domains, parameters, labels and credentials.

/// Identifies a framework; assigned by the master on first SUBSCRIBE.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct FrameworkId {
    /// The id string.
    #[prost(string, required, tag = "1")]
    pub value: String,
}

/// Identifies an offer or an inverse offer (one id space).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct OfferId {
    /// The id string.
    #[prost(string, required, tag = "1")]
    pub value: String,
}

/// Identifies an agent; assigned by the master on registration.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct AgentId {
    /// The id string.
    #[prost(string, required, tag = "1")]
    pub value: String,
}

/// Identifies a task within its framework; chosen by the framework.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct TaskId {
    /// The id string.
    #[prost(string, required, tag = "1")]
    pub value: String,
}

/// Identifies an executor within its framework; chosen by the framework.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct ExecutorId {
    /// The id string.
    #[prost(string, required, tag = "1")]
    pub value: String,
}

/// Identifies a resource provider on an agent.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct ResourceProviderId {
    /// The id string.
    #[prost(string, required, tag = "1")]
    pub value: String,
}

/// Identifies an offer operation whose status the framework wants to hear about.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct OperationId {
    /// The id string.
    #[prost(string, required, tag = "1")]
    pub value: String,
}

/// Identifies a container; nested containers point at their parent.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct ContainerId {
    /// The id string (a UUID for agent-created containers).
    #[prost(string, required, tag = "1")]
    pub value: String,
    /// Enclosing container, for nested containers.
    #[prost(message, optional, boxed, tag = "2")]
    pub parent: Option<Box<ContainerId>>,
}

/// A UUID carried as a message (16 raw bytes).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct Uuid {
    /// The 16 raw bytes.
    #[prost(bytes = "vec", required, tag = "1")]
    pub value: Vec<u8>,
}

/// A point in time, in nanoseconds since the Unix epoch.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct TimeInfo {
    /// Nanoseconds since the epoch.
    #[prost(int64, required, tag = "1")]
    pub nanoseconds: i64,
}

/// A length of time, in nanoseconds.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct DurationInfo {
    /// Nanoseconds.
    #[prost(int64, required, tag = "1")]
    pub nanoseconds: i64,
}

/// A network endpoint: host name and/or IP, and a port.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Address {
    /// Host name.
    #[prost(string, optional, tag = "1")]
    pub hostname: Option<String>,
    /// IP address in text form.
    #[prost(string, optional, tag = "2")]
    pub ip: Option<String>,
    /// Port number.
    #[prost(int32, required, tag = "3")]
    pub port: i32,
}

/// A URL split into its parts.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Url {
    /// Scheme, e.g. `http`.
    #[prost(string, required, tag = "1")]
    pub scheme: String,
    /// Host and port.
    #[prost(message, required, tag = "2")]
    pub address: Address,
    /// Path, e.g. `/slave(1)`.
    #[prost(string, optional, tag = "3")]
    pub path: Option<String>,
    /// Query parameters.
    #[prost(message, repeated, tag = "4")]
    pub query: Vec<Parameter>,
    /// Fragment.
    #[prost(string, optional, tag = "5")]
    pub fragment: Option<String>,
}

/// A maintenance window: a start time and an optional length (unset means forever).
#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Unavailability {
    /// When the window starts.
    #[prost(message, required, tag = "1")]
    pub start: TimeInfo,
    /// How long it lasts; unset means indefinitely.
    #[prost(message, optional, tag = "2")]
    pub duration: Option<DurationInfo>,
}

/// Where a master or agent sits in the cluster topology.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct DomainInfo {
    /// Region and zone.
    #[prost(message, optional, tag = "1")]
    pub fault_domain: Option<domain_info::FaultDomain>,
}

/// Nested types of [`DomainInfo`].
pub mod domain_info {
    /// A region/zone pair.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct FaultDomain {
        /// The region.
        #[prost(message, required, tag = "1")]
        pub region: fault_domain::RegionInfo,
        /// The zone within the region.
        #[prost(message, required, tag = "2")]
        pub zone: fault_domain::ZoneInfo,
    }

    /// Nested types of [`FaultDomain`].
    pub mod fault_domain {
        /// Names a region.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct RegionInfo {
            /// Region name.
            #[prost(string, required, tag = "1")]
            pub name: String,
        }

        /// Names a zone.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct ZoneInfo {
            /// Zone name.
            #[prost(string, required, tag = "1")]
            pub name: String,
        }
    }
}

/// A key/value pair.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Parameter {
    /// Key.
    #[prost(string, required, tag = "1")]
    pub key: String,
    /// Value.
    #[prost(string, required, tag = "2")]
    pub value: String,
}

/// A list of key/value pairs.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Parameters {
    /// The pairs.
    #[prost(message, repeated, tag = "1")]
    pub parameter: Vec<Parameter>,
}

/// A free-form label with an optional value.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Label {
    /// Key.
    #[prost(string, required, tag = "1")]
    pub key: String,
    /// Value.
    #[prost(string, optional, tag = "2")]
    pub value: Option<String>,
}

/// A list of labels (JSON: `{"labels":[...]}`).
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Labels {
    /// The labels, in order.
    #[prost(message, repeated, tag = "1")]
    pub labels: Vec<Label>,
}

/// A principal and its secret.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Credential {
    /// Principal name.
    #[prost(string, required, tag = "1")]
    pub principal: String,
    /// Secret (password).
    #[prost(string, optional, tag = "2")]
    pub secret: Option<String>,
}

/// A list of credentials (credential files).
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Credentials {
    /// The credentials.
    #[prost(message, repeated, tag = "1")]
    pub credentials: Vec<Credential>,
}

/// Names a machine for maintenance: host name and/or IP.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message, mesos_json_derive::Json)]
pub struct MachineId {
    /// Host name.
    #[prost(string, optional, tag = "1")]
    pub hostname: Option<String>,
    /// IP address in text form.
    #[prost(string, optional, tag = "2")]
    pub ip: Option<String>,
}
