//! Containers: ContainerInfo, images, volumes, networks and Linux settings.

use super::*;

/// Describes the container a task or executor runs in.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct ContainerInfo {
    /// Containerizer to use.
    #[prost(enumeration = "container_info::Type", required, tag = "1")]
    pub r#type: i32,
    /// Volumes to mount.
    #[prost(message, repeated, tag = "2")]
    pub volumes: Vec<Volume>,
    /// Host name inside the container.
    #[prost(string, optional, tag = "4")]
    pub hostname: Option<String>,
    /// Docker settings (required for DOCKER).
    #[prost(message, optional, tag = "3")]
    pub docker: Option<container_info::DockerInfo>,
    /// Mesos containerizer settings.
    #[prost(message, optional, tag = "5")]
    pub mesos: Option<container_info::MesosInfo>,
    /// Networks to join.
    #[prost(message, repeated, tag = "7")]
    pub network_infos: Vec<NetworkInfo>,
    /// Linux-specific settings.
    #[prost(message, optional, tag = "8")]
    pub linux_info: Option<LinuxInfo>,
    /// Resource limits (rlimits).
    #[prost(message, optional, tag = "9")]
    pub rlimit_info: Option<RLimitInfo>,
    /// Terminal settings.
    #[prost(message, optional, tag = "10")]
    pub tty_info: Option<TtyInfo>,
}

/// Nested types of [`ContainerInfo`].
pub mod container_info {
    use super::*;

    /// Kinds of containerizer.
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
        /// Docker containerizer.
        Docker = 1,
        /// Mesos containerizer.
        Mesos = 2,
    }

    /// Docker containerizer settings.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct DockerInfo {
        /// Image name.
        #[prost(string, required, tag = "1")]
        pub image: String,
        /// Network mode.
        #[prost(enumeration = "docker_info::Network", optional, tag = "2", default = "Host")]
        pub network: Option<i32>,
        /// Port mappings (BRIDGE/USER networks).
        #[prost(message, repeated, tag = "3")]
        pub port_mappings: Vec<docker_info::PortMapping>,
        /// Run privileged.
        #[prost(bool, optional, tag = "4", default = "false")]
        pub privileged: Option<bool>,
        /// Extra `docker run` options.
        #[prost(message, repeated, tag = "5")]
        pub parameters: Vec<Parameter>,
        /// Always pull the image.
        #[prost(bool, optional, tag = "6")]
        pub force_pull_image: Option<bool>,
        /// Volume driver (deprecated).
        #[prost(string, optional, tag = "7")]
        pub volume_driver: Option<String>,
    }

    /// Nested types of [`DockerInfo`].
    pub mod docker_info {
        /// Docker network modes.
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
        pub enum Network {
            /// Host network.
            Host = 1,
            /// Docker bridge.
            Bridge = 2,
            /// No network.
            None = 3,
            /// User-defined network.
            User = 4,
        }

        /// A host port mapped into the container.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct PortMapping {
            /// Port on the host.
            #[prost(uint32, required, tag = "1")]
            pub host_port: u32,
            /// Port in the container.
            #[prost(uint32, required, tag = "2")]
            pub container_port: u32,
            /// `tcp` or `udp`.
            #[prost(string, optional, tag = "3")]
            pub protocol: Option<String>,
        }
    }

    /// Mesos containerizer settings.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct MesosInfo {
        /// Root filesystem image.
        #[prost(message, optional, tag = "1")]
        pub image: Option<Image>,
    }
}

/// A container image.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct Image {
    /// Image format.
    #[prost(enumeration = "image::Type", required, tag = "1")]
    pub r#type: i32,
    /// APPC details.
    #[prost(message, optional, tag = "2")]
    pub appc: Option<image::Appc>,
    /// Docker details.
    #[prost(message, optional, tag = "3")]
    pub docker: Option<image::Docker>,
    /// Use a cached copy if there is one.
    #[prost(bool, optional, tag = "4", default = "true")]
    pub cached: Option<bool>,
}

/// Nested types of [`Image`].
pub mod image {
    use super::*;

    /// Image formats.
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
        /// App Container image.
        Appc = 1,
        /// Docker image.
        Docker = 2,
    }

    /// An App Container image.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Appc {
        /// Image name.
        #[prost(string, required, tag = "1")]
        pub name: String,
        /// Image id.
        #[prost(string, optional, tag = "2")]
        pub id: Option<String>,
        /// Labels selecting the image.
        #[prost(message, optional, tag = "3")]
        pub labels: Option<Labels>,
    }

    /// A Docker image.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct Docker {
        /// Image name, e.g. `library/busybox:latest`.
        #[prost(string, required, tag = "1")]
        pub name: String,
        /// Registry credential (deprecated).
        #[prost(message, optional, tag = "2")]
        pub credential: Option<Credential>,
        /// Registry config secret.
        #[prost(message, optional, tag = "3")]
        pub config: Option<Secret>,
    }
}

/// A volume mounted into a container.
#[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
pub struct Volume {
    /// Read-write or read-only.
    #[prost(enumeration = "volume::Mode", required, tag = "3")]
    pub mode: i32,
    /// Mount point in the container.
    #[prost(string, required, tag = "1")]
    pub container_path: String,
    /// Host path to mount.
    #[prost(string, optional, tag = "2")]
    pub host_path: Option<String>,
    /// Image to mount.
    #[prost(message, optional, tag = "4")]
    pub image: Option<Image>,
    /// Other volume sources.
    #[prost(message, optional, tag = "5")]
    pub source: Option<volume::Source>,
}

/// Nested types of [`Volume`].
pub mod volume {
    use super::*;

    /// Access modes.
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
    pub enum Mode {
        /// Read-write.
        Rw = 1,
        /// Read-only.
        Ro = 2,
    }

    /// Where a volume's content comes from.
    #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
    pub struct Source {
        /// Which member is used.
        #[prost(enumeration = "source::Type", optional, tag = "1")]
        pub r#type: Option<i32>,
        /// A Docker volume.
        #[prost(message, optional, tag = "2")]
        pub docker_volume: Option<source::DockerVolume>,
        /// A host path.
        #[prost(message, optional, tag = "5")]
        pub host_path: Option<source::HostPath>,
        /// A path in a sandbox.
        #[prost(message, optional, tag = "3")]
        pub sandbox_path: Option<source::SandboxPath>,
        /// A secret, mounted as a file.
        #[prost(message, optional, tag = "4")]
        pub secret: Option<Secret>,
        /// A CSI volume.
        #[prost(message, optional, tag = "6")]
        pub csi_volume: Option<source::CsiVolume>,
    }

    /// Nested types of [`Source`].
    pub mod source {
        use super::*;

        /// Kinds of volume source.
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
            /// Docker volume.
            DockerVolume = 1,
            /// Host path.
            HostPath = 4,
            /// Sandbox path.
            SandboxPath = 2,
            /// Secret.
            Secret = 3,
            /// CSI volume.
            CsiVolume = 5,
        }

        /// A volume managed by a Docker volume driver.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct DockerVolume {
            /// Driver name.
            #[prost(string, optional, tag = "1")]
            pub driver: Option<String>,
            /// Volume name.
            #[prost(string, required, tag = "2")]
            pub name: String,
            /// Driver options.
            #[prost(message, optional, tag = "3")]
            pub driver_options: Option<Parameters>,
        }

        /// A path on the host.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct HostPath {
            /// Host path.
            #[prost(string, required, tag = "1")]
            pub path: String,
            /// Mount propagation.
            #[prost(message, optional, tag = "2")]
            pub mount_propagation: Option<MountPropagation>,
        }

        /// A path in this or the parent container's sandbox.
        #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
        pub struct SandboxPath {
            /// Whose sandbox.
            #[prost(enumeration = "sandbox_path::Type", optional, tag = "1")]
            pub r#type: Option<i32>,
            /// Path relative to the sandbox.
            #[prost(string, required, tag = "2")]
            pub path: String,
        }

        /// Nested types of [`SandboxPath`].
        pub mod sandbox_path {
            /// Whose sandbox a path is in.
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
                /// The container's own sandbox.
                #[json(name = "SELF")]
                Self_ = 1,
                /// The parent container's sandbox.
                Parent = 2,
            }
        }

        /// A volume provided by a CSI plugin.
        #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
        pub struct CsiVolume {
            /// Plugin name.
            #[prost(string, required, tag = "1")]
            pub plugin_name: String,
            /// Pre-provisioned volume details.
            #[prost(message, optional, tag = "2")]
            pub static_provisioning: Option<csi_volume::StaticProvisioning>,
        }

        /// Nested types of [`CsiVolume`].
        pub mod csi_volume {
            use super::*;

            /// A pre-provisioned CSI volume.
            #[derive(Clone, PartialEq, ::prost::Message, mesos_json_derive::Json)]
            pub struct StaticProvisioning {
                /// Volume id.
                #[prost(string, required, tag = "1")]
                pub volume_id: String,
                /// How the volume is used.
                #[prost(message, required, tag = "2")]
                pub volume_capability: VolumeCapability,
                /// Secrets for staging the volume.
                #[prost(btree_map = "string, message", tag = "3")]
                pub node_stage_secrets: ::std::collections::BTreeMap<String, Secret>,
                /// Secrets for publishing the volume.
                #[prost(btree_map = "string, message", tag = "4")]
                pub node_publish_secrets: ::std::collections::BTreeMap<String, Secret>,
                /// Volume context from the plugin.
                #[prost(btree_map = "string, string", tag = "5")]
                pub volume_context: ::std::collections::BTreeMap<String, String>,
            }

            /// Access type and mode of a CSI volume.
            #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
            pub struct VolumeCapability {
                /// Block access.
                #[prost(message, optional, tag = "1")]
                pub block: Option<volume_capability::BlockVolume>,
                /// Filesystem access.
                #[prost(message, optional, tag = "2")]
                pub mount: Option<volume_capability::MountVolume>,
                /// Access mode.
                #[prost(message, required, tag = "3")]
                pub access_mode: volume_capability::AccessMode,
            }

            /// Nested types of [`VolumeCapability`].
            pub mod volume_capability {
                /// Marker: block access.
                #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
                pub struct BlockVolume {}

                /// Filesystem access details.
                #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
                pub struct MountVolume {
                    /// Filesystem type.
                    #[prost(string, optional, tag = "1")]
                    pub fs_type: Option<String>,
                    /// Mount flags.
                    #[prost(string, repeated, tag = "2")]
                    pub mount_flags: Vec<String>,
                }

                /// Access mode of a CSI volume.
                #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
                pub struct AccessMode {
                    /// The mode.
                    #[prost(enumeration = "access_mode::Mode", required, tag = "1")]
                    pub mode: i32,
                }

                /// Nested types of [`AccessMode`].
                pub mod access_mode {
                    /// CSI access modes.
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
                    pub enum Mode {
                        /// Unknown (invalid).
                        Unknown = 0,
                        /// One node, read-write.
                        SingleNodeWriter = 1,
                        /// One node, read-only.
                        SingleNodeReaderOnly = 2,
                        /// Many nodes, read-only.
                        MultiNodeReaderOnly = 3,
                        /// Many nodes, one writer.
                        MultiNodeSingleWriter = 4,
                        /// Many nodes, many writers.
                        MultiNodeMultiWriter = 5,
                    }
                }
            }
        }
    }
}

/// Mount propagation of a host-path volume.
#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct MountPropagation {
    /// Propagation mode.
    #[prost(enumeration = "mount_propagation::Mode", optional, tag = "1")]
    pub mode: Option<i32>,
}

/// Nested types of [`MountPropagation`].
pub mod mount_propagation {
    /// Mount propagation modes.
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
    pub enum Mode {
        /// Unknown.
        Unknown = 0,
        /// Host mounts propagate into the container.
        HostToContainer = 1,
        /// Mounts propagate both ways.
        Bidirectional = 2,
    }
}

/// A network a container joins.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct NetworkInfo {
    /// IP addresses requested or assigned.
    #[prost(message, repeated, tag = "5")]
    pub ip_addresses: Vec<network_info::IpAddress>,
    /// CNI network name.
    #[prost(string, optional, tag = "6")]
    pub name: Option<String>,
    /// Network groups.
    #[prost(string, repeated, tag = "3")]
    pub groups: Vec<String>,
    /// Labels for the network plugin.
    #[prost(message, optional, tag = "4")]
    pub labels: Option<Labels>,
    /// Port mappings.
    #[prost(message, repeated, tag = "7")]
    pub port_mappings: Vec<network_info::PortMapping>,
}

/// Nested types of [`NetworkInfo`].
pub mod network_info {
    /// IP protocol versions.
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
    pub enum Protocol {
        /// IPv4.
        #[json(name = "IPv4")]
        Ipv4 = 1,
        /// IPv6.
        #[json(name = "IPv6")]
        Ipv6 = 2,
    }

    /// An IP address of a container.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct IpAddress {
        /// Protocol version.
        #[prost(enumeration = "Protocol", optional, tag = "1", default = "Ipv4")]
        pub protocol: Option<i32>,
        /// The address in text form.
        #[prost(string, optional, tag = "2")]
        pub ip_address: Option<String>,
    }

    /// A host port mapped into the container.
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct PortMapping {
        /// Port on the host.
        #[prost(uint32, required, tag = "1")]
        pub host_port: u32,
        /// Port in the container.
        #[prost(uint32, required, tag = "2")]
        pub container_port: u32,
        /// `tcp` or `udp`.
        #[prost(string, optional, tag = "3")]
        pub protocol: Option<String>,
    }
}

/// Linux-specific container settings.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct LinuxInfo {
    /// Capabilities (deprecated; use the bounding/effective sets).
    #[prost(message, optional, tag = "1")]
    pub capability_info: Option<CapabilityInfo>,
    /// Bounding capability set.
    #[prost(message, optional, tag = "2")]
    pub bounding_capabilities: Option<CapabilityInfo>,
    /// Effective capability set.
    #[prost(message, optional, tag = "3")]
    pub effective_capabilities: Option<CapabilityInfo>,
    /// Share the parent's pid namespace.
    #[prost(bool, optional, tag = "4")]
    pub share_pid_namespace: Option<bool>,
    /// Seccomp settings.
    #[prost(message, optional, tag = "5")]
    pub seccomp: Option<SeccompInfo>,
    /// IPC namespace mode.
    #[prost(enumeration = "linux_info::IpcMode", optional, tag = "6")]
    pub ipc_mode: Option<i32>,
    /// Size of /dev/shm in MB (only with a private IPC namespace).
    #[prost(uint32, optional, tag = "7")]
    pub shm_size: Option<u32>,
    /// Share the parent's cgroups.
    #[prost(bool, optional, tag = "8", default = "true")]
    pub share_cgroups: Option<bool>,
}

/// Nested types of [`LinuxInfo`].
pub mod linux_info {
    /// IPC namespace modes.
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
    pub enum IpcMode {
        /// Unknown.
        Unknown = 0,
        /// Own IPC namespace.
        Private = 1,
        /// Parent's IPC namespace.
        ShareParent = 2,
    }
}

/// Seccomp settings.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct SeccompInfo {
    /// Profile file name.
    #[prost(string, optional, tag = "1")]
    pub profile_name: Option<String>,
    /// Run without seccomp.
    #[prost(bool, optional, tag = "2")]
    pub unconfined: Option<bool>,
}

/// A set of Linux capabilities.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct CapabilityInfo {
    /// The capabilities.
    #[prost(enumeration = "capability_info::Capability", repeated, packed = "false", tag = "1")]
    pub capabilities: Vec<i32>,
}

/// Nested types of [`CapabilityInfo`].
pub mod capability_info {
    /// Linux capabilities (numbered from 1000).
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
    pub enum Capability {
        /// Unknown.
        Unknown = 0,
        /// CAP_CHOWN.
        Chown = 1000,
        /// CAP_DAC_OVERRIDE.
        DacOverride = 1001,
        /// CAP_DAC_READ_SEARCH.
        DacReadSearch = 1002,
        /// CAP_FOWNER.
        Fowner = 1003,
        /// CAP_FSETID.
        Fsetid = 1004,
        /// CAP_KILL.
        Kill = 1005,
        /// CAP_SETGID.
        Setgid = 1006,
        /// CAP_SETUID.
        Setuid = 1007,
        /// CAP_SETPCAP.
        Setpcap = 1008,
        /// CAP_LINUX_IMMUTABLE.
        LinuxImmutable = 1009,
        /// CAP_NET_BIND_SERVICE.
        NetBindService = 1010,
        /// CAP_NET_BROADCAST.
        NetBroadcast = 1011,
        /// CAP_NET_ADMIN.
        NetAdmin = 1012,
        /// CAP_NET_RAW.
        NetRaw = 1013,
        /// CAP_IPC_LOCK.
        IpcLock = 1014,
        /// CAP_IPC_OWNER.
        IpcOwner = 1015,
        /// CAP_SYS_MODULE.
        SysModule = 1016,
        /// CAP_SYS_RAWIO.
        SysRawio = 1017,
        /// CAP_SYS_CHROOT.
        SysChroot = 1018,
        /// CAP_SYS_PTRACE.
        SysPtrace = 1019,
        /// CAP_SYS_PACCT.
        SysPacct = 1020,
        /// CAP_SYS_ADMIN.
        SysAdmin = 1021,
        /// CAP_SYS_BOOT.
        SysBoot = 1022,
        /// CAP_SYS_NICE.
        SysNice = 1023,
        /// CAP_SYS_RESOURCE.
        SysResource = 1024,
        /// CAP_SYS_TIME.
        SysTime = 1025,
        /// CAP_SYS_TTY_CONFIG.
        SysTtyConfig = 1026,
        /// CAP_MKNOD.
        Mknod = 1027,
        /// CAP_LEASE.
        Lease = 1028,
        /// CAP_AUDIT_WRITE.
        AuditWrite = 1029,
        /// CAP_AUDIT_CONTROL.
        AuditControl = 1030,
        /// CAP_SETFCAP.
        Setfcap = 1031,
        /// CAP_MAC_OVERRIDE.
        MacOverride = 1032,
        /// CAP_MAC_ADMIN.
        MacAdmin = 1033,
        /// CAP_SYSLOG.
        Syslog = 1034,
        /// CAP_WAKE_ALARM.
        WakeAlarm = 1035,
        /// CAP_BLOCK_SUSPEND.
        BlockSuspend = 1036,
        /// CAP_AUDIT_READ.
        AuditRead = 1037,
        /// CAP_PERFMON.
        Perfmon = 1038,
        /// CAP_BPF.
        Bpf = 1039,
        /// CAP_CHECKPOINT_RESTORE.
        CheckpointRestore = 1040,
    }
}

/// POSIX resource limits for a container.
#[derive(Clone, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct RLimitInfo {
    /// The limits.
    #[prost(message, repeated, tag = "1")]
    pub rlimits: Vec<r_limit_info::RLimit>,
}

/// Nested types of [`RLimitInfo`].
pub mod r_limit_info {
    /// One resource limit; neither bound set means unlimited.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct RLimit {
        /// Which limit.
        #[prost(enumeration = "r_limit::Type", optional, tag = "1")]
        pub r#type: Option<i32>,
        /// Hard limit.
        #[prost(uint64, optional, tag = "2")]
        pub hard: Option<u64>,
        /// Soft limit.
        #[prost(uint64, optional, tag = "3")]
        pub soft: Option<u64>,
    }

    /// Nested types of [`RLimit`].
    pub mod r_limit {
        /// Resource limit kinds.
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
            /// RLIMIT_AS.
            RlmtAs = 1,
            /// RLIMIT_CORE.
            RlmtCore = 2,
            /// RLIMIT_CPU.
            RlmtCpu = 3,
            /// RLIMIT_DATA.
            RlmtData = 4,
            /// RLIMIT_FSIZE.
            RlmtFsize = 5,
            /// RLIMIT_LOCKS.
            RlmtLocks = 6,
            /// RLIMIT_MEMLOCK.
            RlmtMemlock = 7,
            /// RLIMIT_MSGQUEUE.
            RlmtMsgqueue = 8,
            /// RLIMIT_NICE.
            RlmtNice = 9,
            /// RLIMIT_NOFILE.
            RlmtNofile = 10,
            /// RLIMIT_NPROC.
            RlmtNproc = 11,
            /// RLIMIT_RSS.
            RlmtRss = 12,
            /// RLIMIT_RTPRIO.
            RlmtRtprio = 13,
            /// RLIMIT_RTTIME.
            RlmtRttime = 14,
            /// RLIMIT_SIGPENDING.
            RlmtSigpending = 15,
            /// RLIMIT_STACK.
            RlmtStack = 16,
        }
    }
}

/// Terminal settings of a container.
#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
pub struct TtyInfo {
    /// Initial window size.
    #[prost(message, optional, tag = "1")]
    pub window_size: Option<tty_info::WindowSize>,
}

/// Nested types of [`TtyInfo`].
pub mod tty_info {
    /// A terminal window size.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message, mesos_json_derive::Json)]
    pub struct WindowSize {
        /// Rows.
        #[prost(uint32, required, tag = "1")]
        pub rows: u32,
        /// Columns.
        #[prost(uint32, required, tag = "2")]
        pub columns: u32,
    }
}
