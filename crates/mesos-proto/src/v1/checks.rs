//! Health checks, general checks and their results.

use super::*;

/// A health check run by the executor; failures lead to the task being killed.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct HealthCheck {
    /// Kind of check.
    #[prost(enumeration = "health_check::Type", optional, tag = "8")]
    pub r#type: Option<i32>,
    /// Command to run (COMMAND).
    #[prost(message, optional, tag = "7")]
    pub command: Option<CommandInfo>,
    /// HTTP request to make (HTTP).
    #[prost(message, optional, tag = "1")]
    pub http: Option<health_check::HttpCheckInfo>,
    /// TCP connection to open (TCP).
    #[prost(message, optional, tag = "9")]
    pub tcp: Option<health_check::TcpCheckInfo>,
    /// Seconds to wait before the first check.
    #[prost(double, optional, tag = "2", default = "15")]
    pub delay_seconds: Option<f64>,
    /// Seconds between checks.
    #[prost(double, optional, tag = "3", default = "10")]
    pub interval_seconds: Option<f64>,
    /// Seconds before a check times out (0 means never).
    #[prost(double, optional, tag = "4", default = "20")]
    pub timeout_seconds: Option<f64>,
    /// Failures in a row before the task is killed.
    #[prost(uint32, optional, tag = "5", default = "3")]
    pub consecutive_failures: Option<u32>,
    /// Seconds after start during which failures are ignored.
    #[prost(double, optional, tag = "6", default = "10")]
    pub grace_period_seconds: Option<f64>,
}

/// Nested types of [`HealthCheck`].
pub mod health_check {
    use super::*;

    /// Kinds of health check.
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
        /// Run a command.
        Command = 1,
        /// Make an HTTP request.
        Http = 2,
        /// Open a TCP connection.
        Tcp = 3,
    }

    /// An HTTP health check.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct HttpCheckInfo {
        /// IP version to use.
        #[prost(enumeration = "network_info::Protocol", optional, tag = "5", default = "Ipv4")]
        pub protocol: Option<i32>,
        /// `http` or `https`.
        #[prost(string, optional, tag = "3")]
        pub scheme: Option<String>,
        /// Port to connect to.
        #[prost(uint32, required, tag = "1")]
        pub port: u32,
        /// Request path (starts with `/`).
        #[prost(string, optional, tag = "2")]
        pub path: Option<String>,
        /// Status codes counted as healthy.
        #[prost(uint32, repeated, packed = "false", tag = "4")]
        pub statuses: Vec<u32>,
    }

    /// A TCP health check.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct TcpCheckInfo {
        /// IP version to use.
        #[prost(enumeration = "network_info::Protocol", optional, tag = "2", default = "Ipv4")]
        pub protocol: Option<i32>,
        /// Port to connect to.
        #[prost(uint32, required, tag = "1")]
        pub port: u32,
    }
}

pub use health_check::{HttpCheckInfo, TcpCheckInfo};

/// A general check whose results are reported but never kill the task.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct CheckInfo {
    /// Kind of check.
    #[prost(enumeration = "check_info::Type", optional, tag = "1")]
    pub r#type: Option<i32>,
    /// Command to run (COMMAND).
    #[prost(message, optional, tag = "2")]
    pub command: Option<check_info::Command>,
    /// HTTP request to make (HTTP).
    #[prost(message, optional, tag = "3")]
    pub http: Option<check_info::Http>,
    /// TCP connection to open (TCP).
    #[prost(message, optional, tag = "7")]
    pub tcp: Option<check_info::Tcp>,
    /// Seconds to wait before the first check.
    #[prost(double, optional, tag = "4", default = "15")]
    pub delay_seconds: Option<f64>,
    /// Seconds between checks.
    #[prost(double, optional, tag = "5", default = "10")]
    pub interval_seconds: Option<f64>,
    /// Seconds before a check times out (0 means never).
    #[prost(double, optional, tag = "6", default = "20")]
    pub timeout_seconds: Option<f64>,
}

/// Nested types of [`CheckInfo`].
pub mod check_info {
    use super::*;

    /// Kinds of check.
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
        /// Run a command.
        Command = 1,
        /// Make an HTTP request.
        Http = 2,
        /// Open a TCP connection.
        Tcp = 3,
    }

    /// A command check.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Command {
        /// The command (must have a value).
        #[prost(message, required, tag = "1")]
        pub command: CommandInfo,
    }

    /// An HTTP check.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Http {
        /// Port to connect to.
        #[prost(uint32, required, tag = "1")]
        pub port: u32,
        /// Request path (starts with `/`).
        #[prost(string, optional, tag = "2")]
        pub path: Option<String>,
    }

    /// A TCP check.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Tcp {
        /// Port to connect to.
        #[prost(uint32, required, tag = "1")]
        pub port: u32,
    }
}

/// The result of a general check.
#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct CheckStatusInfo {
    /// Kind of check.
    #[prost(enumeration = "check_info::Type", optional, tag = "1")]
    pub r#type: Option<i32>,
    /// Command check result.
    #[prost(message, optional, tag = "2")]
    pub command: Option<check_status_info::Command>,
    /// HTTP check result.
    #[prost(message, optional, tag = "3")]
    pub http: Option<check_status_info::Http>,
    /// TCP check result.
    #[prost(message, optional, tag = "4")]
    pub tcp: Option<check_status_info::Tcp>,
}

/// Nested types of [`CheckStatusInfo`].
pub mod check_status_info {
    /// Result of a command check.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Command {
        /// Exit code of the command.
        #[prost(int32, optional, tag = "1")]
        pub exit_code: Option<i32>,
    }

    /// Result of an HTTP check.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Http {
        /// HTTP status code.
        #[prost(uint32, optional, tag = "1")]
        pub status_code: Option<u32>,
    }

    /// Result of a TCP check.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Tcp {
        /// Whether the connection succeeded.
        #[prost(bool, optional, tag = "1")]
        pub succeeded: Option<bool>,
    }
}
