//! Values, attributes and resources.

use super::*;

/// A typed value: scalar, ranges, set or text.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Value {
    /// Which member is meaningful.
    #[prost(enumeration = "value::Type", required, tag = "1")]
    pub r#type: i32,
    /// Scalar member.
    #[prost(message, optional, tag = "2")]
    pub scalar: Option<value::Scalar>,
    /// Ranges member.
    #[prost(message, optional, tag = "3")]
    pub ranges: Option<value::Ranges>,
    /// Set member.
    #[prost(message, optional, tag = "4")]
    pub set: Option<value::Set>,
    /// Text member.
    #[prost(message, optional, tag = "5")]
    pub text: Option<value::Text>,
}

/// Nested types of [`Value`].
pub mod value {
    /// Kinds of value.
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
        /// A number (fixed point, 3 decimals).
        Scalar = 0,
        /// A list of integer ranges.
        Ranges = 1,
        /// A set of strings.
        Set = 2,
        /// A string.
        Text = 3,
    }

    /// A floating-point quantity.
    #[derive(Clone, Copy, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Scalar {
        /// The quantity.
        #[prost(double, required, tag = "1")]
        pub value: f64,
    }

    /// An inclusive range of integers.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Range {
        /// First value.
        #[prost(uint64, required, tag = "1")]
        pub begin: u64,
        /// Last value (inclusive).
        #[prost(uint64, required, tag = "2")]
        pub end: u64,
    }

    /// A list of ranges.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Ranges {
        /// The ranges.
        #[prost(message, repeated, tag = "1")]
        pub range: Vec<Range>,
    }

    /// A set of strings.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Set {
        /// The items.
        #[prost(string, repeated, tag = "1")]
        pub item: Vec<String>,
    }

    /// A text value.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Text {
        /// The text.
        #[prost(string, required, tag = "1")]
        pub value: String,
    }
}

/// A named, typed agent attribute.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Attribute {
    /// Attribute name.
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Which member is meaningful.
    #[prost(enumeration = "value::Type", required, tag = "2")]
    pub r#type: i32,
    /// Scalar member.
    #[prost(message, optional, tag = "3")]
    pub scalar: Option<value::Scalar>,
    /// Ranges member.
    #[prost(message, optional, tag = "4")]
    pub ranges: Option<value::Ranges>,
    /// Set member (field 6).
    #[prost(message, optional, tag = "6")]
    pub set: Option<value::Set>,
    /// Text member (field 5).
    #[prost(message, optional, tag = "5")]
    pub text: Option<value::Text>,
}

/// A quantity of one named resource with its metadata.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Resource {
    /// Resource provider it comes from, if any.
    #[prost(message, optional, tag = "12")]
    pub provider_id: Option<ResourceProviderId>,
    /// Name, e.g. `cpus`, `mem`, `disk`, `ports`.
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Which value member is meaningful.
    #[prost(enumeration = "value::Type", required, tag = "2")]
    pub r#type: i32,
    /// Scalar amount.
    #[prost(message, optional, tag = "3")]
    pub scalar: Option<value::Scalar>,
    /// Ranges amount.
    #[prost(message, optional, tag = "4")]
    pub ranges: Option<value::Ranges>,
    /// Set amount.
    #[prost(message, optional, tag = "5")]
    pub set: Option<value::Set>,
    /// Reserved role, pre-refinement format (deprecated; `*` when unset).
    #[prost(string, optional, tag = "6")]
    pub role: Option<String>,
    /// Role the resource is allocated or offered to.
    #[prost(message, optional, tag = "11")]
    pub allocation_info: Option<resource::AllocationInfo>,
    /// Dynamic reservation details, pre-refinement format.
    #[prost(message, optional, tag = "8")]
    pub reservation: Option<resource::ReservationInfo>,
    /// Reservation stack, post-refinement format (empty means unreserved).
    #[prost(message, repeated, tag = "13")]
    pub reservations: Vec<resource::ReservationInfo>,
    /// Disk details, only for `disk`.
    #[prost(message, optional, tag = "7")]
    pub disk: Option<resource::DiskInfo>,
    /// Present if the resource is revocable.
    #[prost(message, optional, tag = "9")]
    pub revocable: Option<resource::RevocableInfo>,
    /// Present if the resource is shared.
    #[prost(message, optional, tag = "10")]
    pub shared: Option<resource::SharedInfo>,
}

/// Nested types of [`Resource`].
pub mod resource {
    use super::*;

    /// One level of a reservation.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct ReservationInfo {
        /// Static or dynamic (unset in the pre-refinement format).
        #[prost(enumeration = "reservation_info::Type", optional, tag = "4")]
        pub r#type: Option<i32>,
        /// Role reserved for (unset in the pre-refinement format).
        #[prost(string, optional, tag = "3")]
        pub role: Option<String>,
        /// Principal that made the reservation.
        #[prost(string, optional, tag = "1")]
        pub principal: Option<String>,
        /// Labels attached to the reservation.
        #[prost(message, optional, tag = "2")]
        pub labels: Option<Labels>,
    }

    /// Nested types of [`ReservationInfo`].
    pub mod reservation_info {
        /// Kinds of reservation.
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
            /// Made by agent configuration.
            Static = 1,
            /// Made by a RESERVE operation.
            Dynamic = 2,
        }
    }

    /// Disk-specific details: persistence, volume and source.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct DiskInfo {
        /// Makes the disk a persistent volume.
        #[prost(message, optional, tag = "1")]
        pub persistence: Option<disk_info::Persistence>,
        /// Where and how the volume is mounted.
        #[prost(message, optional, tag = "2")]
        pub volume: Option<Volume>,
        /// Where the disk space comes from.
        #[prost(message, optional, tag = "3")]
        pub source: Option<disk_info::Source>,
    }

    /// Nested types of [`DiskInfo`].
    pub mod disk_info {
        use super::*;

        /// Identifies a persistent volume.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct Persistence {
            /// Volume id, unique per role per agent.
            #[prost(string, required, tag = "1")]
            pub id: String,
            /// Principal that created it.
            #[prost(string, optional, tag = "2")]
            pub principal: Option<String>,
        }

        /// The backing storage of a disk resource.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct Source {
            /// Kind of source.
            #[prost(enumeration = "source::Type", required, tag = "1")]
            pub r#type: i32,
            /// Details for PATH sources.
            #[prost(message, optional, tag = "2")]
            pub path: Option<source::Path>,
            /// Details for MOUNT sources.
            #[prost(message, optional, tag = "3")]
            pub mount: Option<source::Mount>,
            /// CSI plugin vendor.
            #[prost(string, optional, tag = "7")]
            pub vendor: Option<String>,
            /// CSI volume id.
            #[prost(string, optional, tag = "4")]
            pub id: Option<String>,
            /// CSI volume metadata.
            #[prost(message, optional, tag = "5")]
            pub metadata: Option<Labels>,
            /// Storage profile.
            #[prost(string, optional, tag = "6")]
            pub profile: Option<String>,
        }

        /// Nested types of [`Source`].
        pub mod source {
            /// Kinds of disk source.
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
                /// A directory on a shared filesystem.
                Path = 1,
                /// A dedicated mounted filesystem, used whole.
                Mount = 2,
                /// A raw block device.
                Block = 3,
                /// Unformatted storage from a provider.
                Raw = 4,
            }

            /// Root of a PATH source.
            #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
            pub struct Path {
                /// Root directory.
                #[prost(string, optional, tag = "1")]
                pub root: Option<String>,
            }

            /// Root of a MOUNT source.
            #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
            pub struct Mount {
                /// Mount point.
                #[prost(string, optional, tag = "1")]
                pub root: Option<String>,
            }
        }
    }

    /// Marker: the resource may be revoked at any time.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct RevocableInfo {}

    /// Marker: the resource can be used by several tasks at once.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct SharedInfo {}

    /// The role a resource (or offer) is allocated to.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct AllocationInfo {
        /// The role.
        #[prost(string, optional, tag = "1")]
        pub role: Option<String>,
    }
}

pub use resource::AllocationInfo;
