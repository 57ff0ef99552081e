//! The agent's flags, by Mesos' names (operator-api.md §3.2, §3.4), and resource detection.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mesos_flags::{FlagError, Flags, Spec};
use mesos_types::{Attributes, Resource, Resources};

/// Every agent flag mesos-rs knows, supported or not.
pub const SPECS: &[Spec] = &[
    Spec::value(
        "master",
        None,
        "Master to register with: host:port, master@host:port, http://host:port or file://path",
    ),
    Spec::value("ip", None, "IP address to listen on and advertise"),
    Spec::value("port", Some("5051"), "Port to listen on"),
    Spec::value("advertise_ip", None, "IP address advertised to the master"),
    Spec::value("advertise_port", None, "Port advertised to the master"),
    Spec::value("hostname", None, "Hostname advertised (default: looked up)"),
    Spec::boolean("hostname_lookup", true, "Look up the hostname when --hostname is not given"),
    Spec::path("work_dir", None, "Directory for sandboxes and checkpoints (required)"),
    Spec::value("resources", None, "Resources: 'cpus:4;mem:2048;ports:[31000-32000]' or a JSON array"),
    Spec::value("attributes", None, "Attributes: 'rack:r1;zone:z2'"),
    Spec::value("default_role", Some("*"), "Role of resources given without one"),
    Spec::value(
        "registration_backoff_factor",
        Some("1secs"),
        "Longest first wait before registering; doubles per retry",
    ),
    Spec::value("logging_level", Some("INFO"), "INFO, WARNING or ERROR"),
    Spec::boolean("quiet", false, "Do not log to stderr"),
    Spec::path("log_dir", None, "Directory for the agent's log file"),
    Spec::value("containerizers", Some("mesos"), "Containerizers, in order of preference (mesos)"),
    Spec::value(
        "isolation",
        Some("posix/cpu,posix/mem"),
        "Isolators: posix/cpu and posix/mem (usage reporting, as in Mesos), filesystem/posix; others are refused",
    ),
    Spec::value(
        "executor_registration_timeout",
        Some("1mins"),
        "How long an executor may take to subscribe before it is destroyed",
    ),
    Spec::value(
        "executor_shutdown_grace_period",
        Some("5secs"),
        "How long an executor may take to exit after SHUTDOWN (ExecutorInfo may override)",
    ),
    Spec::value(
        "executor_reregistration_timeout",
        Some("2secs"),
        "How long executors have to re-subscribe after an agent restart (at most 15secs)",
    ),
    Spec::value("gc_delay", Some("1weeks"), "How long finished sandboxes are kept"),
    Spec::value(
        "gc_disk_headroom",
        Some("0.1"),
        "Free-disk fraction to keep; sandboxes go sooner as the disk fills",
    ),
    Spec::value("disk_watch_interval", Some("1mins"), "How often disk usage is checked for GC"),
    Spec::value(
        "recover",
        Some("reconnect"),
        "After a restart: 'reconnect' to live executors, or 'cleanup' to kill them and report their tasks",
    ),
    Spec::boolean("strict", true, "A checkpoint that cannot be read stops the agent (else it is skipped)"),
    Spec::value(
        "recovery_timeout",
        Some("15mins"),
        "How long a checkpointing executor waits for a restarted agent",
    ),
    Spec::path("fetcher_cache_dir", Some("/tmp/mesos/fetch"), "Where cached downloads are kept"),
    Spec::value("fetcher_cache_size", Some("2GB"), "Size bound of the fetcher cache (LRU eviction)"),
    Spec::path("frameworks_home", None, "Directory that relative URIs to fetch are resolved against"),
    Spec::boolean("switch_user", true, "Run executors as the task's user (or the framework's) when root"),
    Spec::path(
        "launcher_dir",
        None,
        "Directory of mesos-executor and mesos-default-executor (default: next to this program)",
    ),
    Spec::path(
        "runtime_dir",
        None,
        "Per-boot runtime state; mesos-rs keeps containers/<id>/pid there \
         (default: /var/run/mesos if /var/run is writable, else <tmp>/mesos/runtime)",
    ),
    Spec::value(
        "executor_environment_variables",
        None,
        "JSON object of string values: the executors' environment instead of the agent's own",
    ),
    Spec::value(
        "launcher",
        Some("posix"),
        "Launcher: 'posix' ('linux', Mesos' default as root, is not supported yet)",
    ),
    Spec::boolean(
        "systemd_enable_support",
        false,
        "Move executors into a systemd slice: only false is supported (Mesos' default is true under systemd)",
    ),
    Spec::boolean(
        "http_command_executor",
        true,
        "The command executor speaks the HTTP API: always true in mesos-rs (Mesos' default is false)",
    ),
    Spec::path("resource_provider_config_dir", None, "Resource provider configs").not_yet(),
    Spec::path("csi_plugin_config_dir", None, "CSI plugin configs").not_yet(),
    Spec::value("disk_profile_adaptor", None, "Disk profile adaptor module").not_yet(),
    Spec::value("image_providers", None, "Container image providers (APPC, DOCKER)").not_yet(),
    Spec::value("image_provisioner_backend", None, "Image provisioner backend").not_yet(),
    Spec::value("image_gc_config", None, "Image garbage collection (JSON)").not_yet(),
    Spec::value("appc_simple_discovery_uri_prefix", Some("http://"), "URI prefix of appc simple discovery")
        .not_yet(),
    Spec::path("appc_store_dir", Some("/tmp/mesos/store/appc"), "Where appc images are stored").not_yet(),
    Spec::value(
        "docker_registry",
        Some("https://registry-1.docker.io"),
        "Docker registry of the Mesos containerizer",
    )
    .not_yet(),
    Spec::path("docker_store_dir", Some("/tmp/mesos/store/docker"), "Where Docker images are stored")
        .not_yet(),
    Spec::path(
        "docker_volume_checkpoint_dir",
        Some("/var/run/mesos/isolators/docker/volume"),
        "Docker volume checkpoints",
    )
    .not_yet(),
    Spec::boolean("docker_volume_chown", false, "Chown Docker volumes to the task user").not_yet(),
    Spec::boolean("docker_ignore_runtime", false, "Ignore Docker image runtime configuration").not_yet(),
    Spec::value("fetcher_stall_timeout", Some("1mins"), "Abort a download stalled this long").not_yet(),
    Spec::path("hadoop_home", None, "Hadoop installation for hdfs:// URIs").not_yet(),
    Spec::value("volume_gid_range", None, "Gids for shared volumes").not_yet(),
    Spec::value("http_heartbeat_interval", Some("30secs"), "Heartbeats of streaming agent API responses")
        .not_yet(),
    Spec::value("authentication_backoff_factor", Some("1secs"), "Authentication retry backoff").not_yet(),
    Spec::value("authentication_timeout_min", Some("5secs"), "Shortest authentication timeout").not_yet(),
    Spec::value("authentication_timeout_max", Some("1mins"), "Longest authentication timeout").not_yet(),
    Spec::value("executor_reregistration_retry_interval", None, "Retry interval of executor reconnection")
        .not_yet(),
    Spec::path("jwt_secret_key", None, "Key of executor authentication tokens")
        .with_aliases(&["executor_secret_key"])
        .not_yet(),
    Spec::boolean(
        "gc_non_executor_container_sandboxes",
        false,
        "Garbage-collect standalone and nested container sandboxes",
    )
    .not_yet(),
    Spec::value("container_logger", None, "Container logger module").not_yet(),
    Spec::value(
        "reconfiguration_policy",
        Some("equal"),
        "Allowed agent changes on restart ('equal' is what mesos-rs checks)",
    )
    .not_yet(),
    Spec::value(
        "max_completed_executors_per_framework",
        Some("150"),
        "Completed executors kept per framework",
    )
    .not_yet(),
    Spec::value("cgroups_destroy_timeout", Some("1mins"), "Cgroup destruction timeout").not_yet(),
    Spec::path("cgroups_hierarchy", Some("/sys/fs/cgroup"), "Cgroups hierarchy root").not_yet(),
    Spec::value("cgroups_root", Some("mesos"), "Root cgroup name").not_yet(),
    Spec::boolean("cgroups_enable_cfs", false, "CFS hard CPU limits").not_yet(),
    Spec::boolean("cgroups_limit_swap", false, "Limit memory and swap").not_yet(),
    Spec::boolean("cgroups_cpu_enable_pids_and_tids_count", false, "Count pids and tids in cgroups usage")
        .not_yet(),
    Spec::value("cgroups_net_cls_primary_handle", None, "net_cls primary handle").not_yet(),
    Spec::value("cgroups_net_cls_secondary_handles", None, "net_cls secondary handles").not_yet(),
    Spec::value("allowed_devices", None, "Device whitelist (JSON)").not_yet(),
    Spec::value("agent_subsystems", None, "Cgroups of the agent itself")
        .with_aliases(&["slave_subsystems"])
        .not_yet(),
    Spec::value("host_path_volume_force_creation", None, "Host paths created for volumes").not_yet(),
    Spec::value("nvidia_gpu_devices", None, "GPUs to use").not_yet(),
    Spec::value("perf_events", None, "perf events to sample").not_yet(),
    Spec::value("perf_interval", Some("1mins"), "perf sampling interval").not_yet(),
    Spec::value("perf_duration", Some("10secs"), "perf sampling duration").not_yet(),
    Spec::boolean("revocable_cpu_low_priority", true, "Run revocable CPU tasks at low priority").not_yet(),
    Spec::path("systemd_runtime_directory", Some("/run/systemd/system"), "systemd runtime directory")
        .not_yet(),
    Spec::value("effective_capabilities", None, "Capabilities of tasks (JSON)")
        .with_aliases(&["allowed_capabilities"])
        .not_yet(),
    Spec::value("bounding_capabilities", None, "Bounding capabilities of tasks (JSON)").not_yet(),
    Spec::value("default_container_shm_size", None, "/dev/shm size of containers").not_yet(),
    Spec::boolean("disallow_sharing_agent_ipc_namespace", false, "Forbid sharing the agent's IPC namespace")
        .not_yet(),
    Spec::boolean("disallow_sharing_agent_pid_namespace", false, "Forbid sharing the agent's PID namespace")
        .not_yet(),
    Spec::value("agent_features", None, "Agent capabilities (JSON)").not_yet(),
    Spec::value("firewall_rules", None, "Disabled endpoints (JSON)").not_yet(),
    Spec::value("credential", None, "Credential to authenticate with the master").not_yet(),
    Spec::value("acls", None, "ACLs (JSON or file)").not_yet(),
    Spec::value("docker", Some("docker"), "Docker CLI").not_yet(),
    Spec::value("docker_remove_delay", Some("6hrs"), "Delay before removing Docker containers").not_yet(),
    Spec::boolean("docker_kill_orphans", true, "Remove unknown Docker containers on recovery").not_yet(),
    Spec::value("docker_mesos_image", None, "Docker image the agent runs in").not_yet(),
    Spec::path("docker_socket", Some("/var/run/docker.sock"), "Docker daemon socket").not_yet(),
    Spec::value("docker_config", None, "Docker config.json").not_yet(),
    Spec::value("docker_stop_timeout", Some("0ns"), "Docker stop timeout (deprecated)").not_yet(),
    Spec::path("domain_socket_location", None, "Domain socket for executors").not_yet(),
    Spec::value("default_container_dns", None, "Default container DNS (JSON)").not_yet(),
    Spec::value("default_container_info", None, "Default ContainerInfo (JSON)").not_yet(),
    Spec::value(
        "ephemeral_ports_per_container",
        Some("1024"),
        "Ephemeral ports per container (network/port_mapping)",
    )
    .not_yet(),
    Spec::value("eth0_name", None, "Public interface (network/port_mapping)").not_yet(),
    Spec::value("lo_name", None, "Loopback interface (network/port_mapping)").not_yet(),
    Spec::value("egress_rate_limit_per_container", None, "Egress rate limit (network/port_mapping)")
        .not_yet(),
    Spec::value("egress_rate_per_cpu", None, "Egress rate per CPU (network/port_mapping)").not_yet(),
    Spec::value("minimum_egress_rate_limit", None, "Minimum egress rate (network/port_mapping)").not_yet(),
    Spec::value("maximum_egress_rate_limit", None, "Maximum egress rate (network/port_mapping)").not_yet(),
    Spec::value("egress_ceil_limit", None, "Egress ceiling (network/port_mapping)").not_yet(),
    Spec::value("egress_burst", None, "Egress burst (network/port_mapping)").not_yet(),
    Spec::boolean(
        "egress_unique_flow_per_container",
        false,
        "One egress flow per container (network/port_mapping)",
    )
    .not_yet(),
    Spec::value(
        "egress_flow_classifier_parent",
        Some("root"),
        "Egress flow classifier parent (network/port_mapping)",
    )
    .not_yet(),
    Spec::value("ingress_rate_limit_per_container", None, "Ingress rate limit (network/port_mapping)")
        .not_yet(),
    Spec::value("ingress_rate_per_cpu", None, "Ingress rate per CPU (network/port_mapping)").not_yet(),
    Spec::value("minimum_ingress_rate_limit", None, "Minimum ingress rate (network/port_mapping)").not_yet(),
    Spec::value("maximum_ingress_rate_limit", None, "Maximum ingress rate (network/port_mapping)").not_yet(),
    Spec::value("ingress_ceil_limit", None, "Ingress ceiling (network/port_mapping)").not_yet(),
    Spec::value("ingress_burst", None, "Ingress burst (network/port_mapping)").not_yet(),
    Spec::boolean(
        "ingress_isolate_existing_containers",
        true,
        "Isolate ingress of existing containers (network/port_mapping)",
    )
    .not_yet(),
    Spec::value("network_link_speed", None, "Link speed (network/port_mapping)").not_yet(),
    Spec::boolean(
        "network_enable_socket_statistics_summary",
        false,
        "Socket statistics summary (network/port_mapping)",
    )
    .not_yet(),
    Spec::boolean(
        "network_enable_socket_statistics_details",
        false,
        "Socket statistics details (network/port_mapping)",
    )
    .not_yet(),
    Spec::boolean("network_enable_snmp_statistics", false, "SNMP statistics (network/port_mapping)")
        .not_yet(),
    Spec::boolean("network_enable_rate_statistics", false, "Rate statistics (network/port_mapping)")
        .not_yet(),
    Spec::value("network_rate_statistics_window", None, "Rate statistics window (network/port_mapping)")
        .not_yet(),
    Spec::value("network_rate_statistics_interval", None, "Rate statistics interval (network/port_mapping)")
        .not_yet(),
    Spec::value(
        "container_ports_watch_interval",
        Some("30secs"),
        "Listening port check interval (network/ports)",
    )
    .not_yet(),
    Spec::boolean("check_agent_port_range_only", false, "Check only the agent's port range (network/ports)")
        .not_yet(),
    Spec::boolean(
        "enforce_container_ports",
        false,
        "Kill containers listening on unallocated ports (network/ports)",
    )
    .not_yet(),
    Spec::value("container_ports_isolated_range", None, "Ports checked (network/ports)").not_yet(),
    Spec::path("network_cni_plugins_dir", None, "CNI plugins").not_yet(),
    Spec::path("network_cni_config_dir", None, "CNI network configs").not_yet(),
    Spec::boolean("network_cni_root_dir_persist", false, "Keep the CNI root dir across reboots").not_yet(),
    Spec::boolean("network_cni_metrics", true, "CNI network metrics").not_yet(),
    Spec::value(
        "container_disk_watch_interval",
        Some("15secs"),
        "Container disk usage check interval (disk/du)",
    )
    .not_yet(),
    Spec::boolean("enforce_container_disk_quota", false, "Enforce container disk quotas").not_yet(),
    Spec::value("modules", None, "Module manifest").not_yet(),
    Spec::path("modules_dir", None, "Module manifest directory").not_yet(),
    Spec::value("authenticatee", Some("crammd5"), "Authenticatee with the master").not_yet(),
    Spec::value("authorizer", Some("local"), "Authorizer").not_yet(),
    Spec::value("http_authenticators", None, "HTTP authenticators").not_yet(),
    Spec::boolean("authenticate_http_readwrite", false, "Require auth on read-write endpoints").not_yet(),
    Spec::boolean("authenticate_http_readonly", false, "Require auth on read-only endpoints").not_yet(),
    Spec::boolean("authenticate_http_executors", false, "Require executor authentication").not_yet(),
    Spec::boolean("http_executor_domain_sockets", false, "Executor API on a domain socket").not_yet(),
    Spec::value("http_credentials", None, "HTTP credentials (JSON)").not_yet(),
    Spec::value("hooks", None, "Hook modules").not_yet(),
    Spec::value("secret_resolver", None, "Secret resolver module").not_yet(),
    Spec::value("resource_estimator", None, "Resource estimator module").not_yet(),
    Spec::value("qos_controller", None, "QoS controller module").not_yet(),
    Spec::value("qos_correction_interval_min", Some("0ns"), "QoS correction interval").not_yet(),
    Spec::value(
        "oversubscribed_resources_interval",
        Some("15secs"),
        "Oversubscribed resources report interval",
    )
    .not_yet(),
    Spec::value("master_detector", None, "Master detector module").not_yet(),
    Spec::value("xfs_project_range", Some("[5000-10000]"), "XFS project ids (disk/xfs)").not_yet(),
    Spec::boolean("xfs_kill_containers", false, "Kill containers over their XFS quota (disk/xfs)").not_yet(),
    Spec::value("xfs_quota_headroom", Some("10MB"), "XFS quota headroom (disk/xfs)").not_yet(),
    Spec::path("seccomp_config_dir", None, "Seccomp profiles (linux/seccomp)").not_yet(),
    Spec::value("seccomp_profile_name", None, "Default seccomp profile (linux/seccomp)").not_yet(),
    Spec::value("ip6", None, "IPv6 address").not_yet(),
    Spec::value("zk_session_timeout", Some("10secs"), "ZooKeeper session timeout (with --master=zk://)"),
    Spec::value("ip_discovery_command", None, "Program printing the IP to bind").not_yet(),
    Spec::value("ip6_discovery_command", None, "Program printing the IPv6 address").not_yet(),
    Spec::boolean("memory_profiling", false, "Memory profiling endpoints").not_yet(),
    Spec::value("domain", None, "Fault domain of the agent (JSON)").not_yet(),
    Spec::path("containerizer_path", None, "External containerizer (Mesos 1.0)").not_yet(),
    Spec::value("default_container_image", None, "Default image of the external containerizer (Mesos 1.0)")
        .not_yet(),
    Spec::value("logbufsecs", Some("0"), "Log buffering seconds").not_yet(),
    Spec::boolean("initialize_driver_logging", true, "Initialise driver logging").not_yet(),
    Spec::path("external_log_file", None, "Log file shown instead of --log_dir's").not_yet(),
    Spec::value(
        "sandbox_directory",
        Some("/mnt/mesos/sandbox"),
        "Sandbox path inside containers with their own root filesystem",
    ),
    // mesos-rs' own limits of the HTTP server (docs/agent.md, "HTTP limits").
    HTTP_SPECS[0],
    HTTP_SPECS[1],
    HTTP_SPECS[2],
    HTTP_SPECS[3],
];

/// The HTTP server's limit flags, with the agent's body limit as the default.
const HTTP_SPECS: [Spec; 4] = mesos_http::server::flag_specs("16MB");

/// The default of `--max_http_body_size`: the largest executor call accepted.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 16 << 20;

/// The agent's configuration after parsing and checking the flags.
#[derive(Clone, Debug)]
pub struct AgentFlags {
    /// Where the master is: one address, or the leader of a ZooKeeper group.
    pub master: MasterSource,
    /// `--zk_session_timeout`, for `--master=zk://`.
    pub zk_session_timeout: Duration,
    /// IP to listen on (and advertise, without `--advertise_ip`).
    pub ip: Option<IpAddr>,
    /// Port.
    pub port: u16,
    /// `--advertise_ip`: the IP the master and tools are told instead of the bound one.
    pub advertise_ip: Option<IpAddr>,
    /// `--advertise_port`: the port the master and tools are told instead of the bound one.
    pub advertise_port: Option<u16>,
    /// Hostname to advertise.
    pub hostname: Option<String>,
    /// `--hostname_lookup`: without `--hostname`, false advertises the IP as the hostname.
    pub hostname_lookup: bool,
    /// `--isolation`, deprecated names expanded and `filesystem/posix` added when no
    /// filesystem isolator is named (as Mesos does).
    pub isolation: Vec<String>,
    /// `--runtime_dir` (Mesos' default when not given).
    pub runtime_dir: PathBuf,
    /// `--executor_environment_variables`: when given, the executors' base environment
    /// instead of the agent's own.
    pub executor_environment_variables: Option<BTreeMap<String, String>>,
    /// Work directory.
    pub work_dir: PathBuf,
    /// Total resources (given or detected).
    pub resources: Resources,
    /// Attributes.
    pub attributes: Attributes,
    /// `--registration_backoff_factor`.
    pub registration_backoff_factor: Duration,
    /// `--logging_level`.
    pub logging_level: String,
    /// `--quiet`.
    pub quiet: bool,
    /// `--log_dir`.
    pub log_dir: Option<PathBuf>,
    /// `--executor_registration_timeout`.
    pub executor_registration_timeout: Duration,
    /// `--executor_shutdown_grace_period`.
    pub executor_shutdown_grace_period: Duration,
    /// `--executor_reregistration_timeout`.
    pub executor_reregistration_timeout: Duration,
    /// `--recovery_timeout`.
    pub recovery_timeout: Duration,
    /// `--gc_delay`.
    pub gc_delay: Duration,
    /// `--gc_disk_headroom`, in [0, 1].
    pub gc_disk_headroom: f64,
    /// `--disk_watch_interval`.
    pub disk_watch_interval: Duration,
    /// `--fetcher_cache_dir`.
    pub fetcher_cache_dir: PathBuf,
    /// `--fetcher_cache_size` in bytes.
    pub fetcher_cache_size: u64,
    /// `--frameworks_home`.
    pub frameworks_home: Option<PathBuf>,
    /// `--switch_user`.
    pub switch_user: bool,
    /// `--launcher_dir`.
    pub launcher_dir: PathBuf,
    /// `--sandbox_directory`: where the sandbox would appear inside a container with its own
    /// root filesystem. mesos-rs runs none (no images), so, as in Mesos without images, it
    /// never applies: `MESOS_SANDBOX` is the host path.
    pub sandbox_directory: String,
    /// `--recover`.
    pub recover: mesos_agent_core::recovery::RecoverMode,
    /// `--strict`.
    pub strict: bool,
    /// `--http_header_read_timeout`, `--http_idle_timeout`, `--max_http_connections`,
    /// `--max_http_body_size`.
    pub http: mesos_http::server::Limits,
    /// All flags with values, as `/flags` shows them.
    pub raw: Vec<(String, String)>,
}

/// Isolators mesos-rs provides: `posix/cpu` and `posix/mem` report usage without enforcing
/// it (as Mesos' do), `filesystem/posix` is the shared host filesystem.
pub const ISOLATORS: &[&str] = &["posix/cpu", "posix/mem", "filesystem/posix"];

/// Name families of Mesos isolators mesos-rs does not have yet: refused as such, while a
/// name in none of them is refused as unknown.
const MESOS_ISOLATOR_FAMILIES: &[&str] = &[
    "posix/",
    "cgroups/",
    "docker/",
    "appc/",
    "namespaces/",
    "network/",
    "disk/",
    "gpu/",
    "linux/",
    "volume/",
    "filesystem/",
    "windows/",
];

/// Mesos isolator names outside the families above.
const MESOS_ISOLATORS_OTHER: &[&str] = &["cgroups", "environment_secret", "external"];

/// Mesos' default `--runtime_dir`: `/var/run/mesos` when `/var/run` is readable and
/// writable, else `<tmp>/mesos/runtime`.
pub fn default_runtime_dir() -> PathBuf {
    let run = Path::new("/var/run");
    if rustix::fs::access(run, rustix::fs::Access::READ_OK | rustix::fs::Access::WRITE_OK).is_ok() {
        run.join("mesos")
    } else {
        std::env::temp_dir().join("mesos").join("runtime")
    }
}

/// `--executor_environment_variables`: a JSON object whose values are all strings.
pub fn parse_executor_environment(text: &str) -> Result<BTreeMap<String, String>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let serde_json::Value::Object(object) = value else {
        return Err("must be a JSON object".to_string());
    };
    object
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => Ok((name, text)),
            _ => Err(format!("must only contain string values ('{name}' is not a string)")),
        })
        .collect()
}

fn check_containerizers(value: &str) -> Result<(), String> {
    for name in value.split(',').map(str::trim) {
        match name {
            "mesos" => {}
            "docker" => {
                return Err("the docker containerizer is not supported by mesos-rs yet; use 'mesos'".into());
            }
            other => return Err(format!("unknown containerizer '{other}' (known: mesos)")),
        }
    }
    Ok(())
}

/// The isolators `value` names, or why they cannot be honoured.
fn check_isolation(value: &str) -> Result<Vec<String>, String> {
    let mut isolation: Vec<String> = Vec::new();
    let add = |isolation: &mut Vec<String>, name: &str| {
        if !isolation.iter().any(|n| n == name) {
            isolation.push(name.to_string());
        }
    };
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if ISOLATORS.contains(&name) {
            add(&mut isolation, name);
        } else if name == "process" {
            // Mesos' deprecated name for the two posix isolators.
            add(&mut isolation, "posix/cpu");
            add(&mut isolation, "posix/mem");
        } else if MESOS_ISOLATOR_FAMILIES.iter().any(|f| name.starts_with(f))
            || MESOS_ISOLATORS_OTHER.contains(&name)
        {
            return Err(format!(
                "isolator '{name}' is not supported by mesos-rs yet (supported: {})",
                ISOLATORS.join(", ")
            ));
        } else {
            return Err(format!("unknown isolator '{name}' (supported: {})", ISOLATORS.join(", ")));
        }
    }
    if !isolation.iter().any(|n| n.starts_with("filesystem/")) {
        add(&mut isolation, "filesystem/posix");
    }
    Ok(isolation)
}

/// Refuses a value of a flag that mesos-rs honours only partly.
fn only(flags: &Flags, name: &str, supported: &str, what: &str) -> Result<(), FlagError> {
    match flags.get(name) {
        Some(value) if value != supported => Err(FlagError::Invalid {
            flag: name.to_string(),
            reason: format!("'{value}' ({what}) is not supported by mesos-rs yet; only '{supported}' is"),
        }),
        _ => Ok(()),
    }
}

impl AgentFlags {
    /// Loads, parses and checks; errors name the flag.
    pub fn load<A, E>(args: A, env: E) -> Result<(Flags, AgentFlags), FlagError>
    where
        A: IntoIterator<Item = String>,
        E: IntoIterator<Item = (String, String)>,
    {
        let flags = Flags::load(SPECS, args, env)?;
        let parsed = AgentFlags::from_flags(&flags)?;
        Ok((flags, parsed))
    }

    /// Parses loaded flags.
    pub fn from_flags(flags: &Flags) -> Result<AgentFlags, FlagError> {
        let invalid = |flag: &str, reason: String| FlagError::Invalid { flag: flag.to_string(), reason };
        let master = master_source(flags.required("master")?).map_err(|reason| invalid("master", reason))?;
        let zk_session_timeout = flags
            .duration("zk_session_timeout")?
            .ok_or_else(|| FlagError::Required("zk_session_timeout".into()))?;
        let work_dir = PathBuf::from(flags.required("work_dir")?);
        let default_role = flags.get("default_role").unwrap_or("*");
        mesos_types::roles::validate_role(default_role)
            .map_err(|e| invalid("default_role", e.to_string()))?;
        let given = match flags.get("resources") {
            Some(text) => mesos_proto::convert::parse_resources_flag(text, default_role)
                .map_err(|e| invalid("resources", e.to_string()))?,
            None => Resources::default(),
        };
        let resources = with_detected(given, &work_dir, default_role);
        let attributes = match flags.get("attributes") {
            Some(text) => Attributes::parse(text).map_err(|e| invalid("attributes", e.to_string()))?,
            None => Attributes::default(),
        };
        check_containerizers(flags.get("containerizers").unwrap_or("mesos"))
            .map_err(|reason| invalid("containerizers", reason))?;
        let isolation = check_isolation(flags.get("isolation").unwrap_or(""))
            .map_err(|reason| invalid("isolation", reason))?;
        only(flags, "launcher", "posix", "the linux launcher")?;
        only(flags, "systemd_enable_support", "false", "systemd support")?;
        only(flags, "http_command_executor", "true", "the libprocess-based command executor")?;
        let executor_environment_variables =
            flags.parse_with("executor_environment_variables", parse_executor_environment)?;
        let runtime_dir = flags.get("runtime_dir").map(PathBuf::from).unwrap_or_else(default_runtime_dir);
        let mut raw: Vec<(String, String)> =
            flags.all().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if !flags.is_explicit("runtime_dir") {
            // Mesos' default depends on the host; /flags shows the one in effect.
            raw.push(("runtime_dir".to_string(), runtime_dir.display().to_string()));
            raw.sort();
        }
        let duration = |name: &str, default: u64| -> Result<Duration, FlagError> {
            Ok(flags.duration(name)?.unwrap_or(Duration::from_secs(default)))
        };
        let executor_reregistration_timeout = duration("executor_reregistration_timeout", 2)?;
        if executor_reregistration_timeout > Duration::from_secs(15) {
            return Err(invalid("executor_reregistration_timeout", "must be at most 15secs".into()));
        }
        let gc_disk_headroom = flags.parse::<f64>("gc_disk_headroom")?.unwrap_or(0.1);
        if !(0.0..=1.0).contains(&gc_disk_headroom) {
            return Err(invalid("gc_disk_headroom", "must be between 0.0 and 1.0".into()));
        }
        let fetcher_cache_size = match flags.get("fetcher_cache_size") {
            Some(text) => {
                mesos_flags::units::parse_bytes(text).map_err(|e| invalid("fetcher_cache_size", e))?
            }
            None => 2 << 30,
        };
        let launcher_dir = match flags.get("launcher_dir") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        let recover = match flags.get("recover").unwrap_or("reconnect") {
            "reconnect" => mesos_agent_core::recovery::RecoverMode::Reconnect,
            "cleanup" => mesos_agent_core::recovery::RecoverMode::Cleanup,
            other => {
                return Err(invalid("recover", format!("'{other}' is neither 'reconnect' nor 'cleanup'")));
            }
        };
        Ok(AgentFlags {
            recover,
            strict: flags.bool("strict"),
            executor_registration_timeout: duration("executor_registration_timeout", 60)?,
            executor_shutdown_grace_period: duration("executor_shutdown_grace_period", 5)?,
            executor_reregistration_timeout,
            recovery_timeout: duration("recovery_timeout", 15 * 60)?,
            gc_delay: duration("gc_delay", 7 * 24 * 3600)?,
            gc_disk_headroom,
            disk_watch_interval: duration("disk_watch_interval", 60)?,
            fetcher_cache_dir: PathBuf::from(flags.get("fetcher_cache_dir").unwrap_or("/tmp/mesos/fetch")),
            fetcher_cache_size,
            frameworks_home: flags.get("frameworks_home").map(PathBuf::from),
            switch_user: flags.bool("switch_user"),
            launcher_dir,
            sandbox_directory: flags.get("sandbox_directory").unwrap_or("/mnt/mesos/sandbox").to_string(),
            master,
            zk_session_timeout,
            ip: flags.parse::<IpAddr>("ip")?,
            port: flags.parse::<u16>("port")?.unwrap_or(5051),
            advertise_ip: flags.parse::<IpAddr>("advertise_ip")?,
            advertise_port: flags.parse::<u16>("advertise_port")?,
            hostname: flags.get("hostname").map(String::from),
            hostname_lookup: flags.bool("hostname_lookup"),
            isolation,
            runtime_dir,
            executor_environment_variables,
            work_dir,
            resources,
            attributes,
            registration_backoff_factor: flags
                .duration("registration_backoff_factor")?
                .unwrap_or(Duration::from_secs(1)),
            logging_level: flags.get("logging_level").unwrap_or("INFO").to_ascii_uppercase(),
            quiet: flags.bool("quiet"),
            log_dir: flags.get("log_dir").map(PathBuf::from),
            http: mesos_http::server::Limits::from_flags(flags, DEFAULT_MAX_BODY_BYTES)?,
            raw,
        })
    }
}

/// Where the agent finds its master: one address, or the leader of a ZooKeeper group.
pub use mesos_framework::master::Master as MasterSource;

/// The master from any of `--master`'s forms ([`mesos_framework::master::parse`]), or why not.
pub fn master_source(value: &str) -> Result<MasterSource, String> {
    mesos_framework::master::parse(value).map_err(|e| e.to_string())
}

/// Fills in what `--resources` did not give: cpus, mem (total less a reserve), disk of the
/// work dir (less headroom) and ports 31000-32000, as Mesos does.
pub fn with_detected(mut given: Resources, work_dir: &Path, default_role: &str) -> Resources {
    let present: std::collections::BTreeSet<String> = given.iter().map(|r| r.name.clone()).collect();
    let has = |name: &str| present.contains(name);
    let mut add = |resource: Option<Resource>| {
        if let Some(mut resource) = resource {
            if default_role != "*" {
                resource.reservations.push(mesos_types::Reservation::new_static(default_role));
            }
            given.add_resource(resource);
        }
    };
    if !has("cpus") {
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        add(Resource::scalar("cpus", cpus as f64));
    }
    if !has("mem") {
        add(Resource::scalar("mem", detected_mem_mb()));
    }
    if !has("disk") {
        add(Resource::scalar("disk", detected_disk_mb(work_dir)));
    }
    if !has("ports") {
        add(Some(Resource::ranges("ports", mesos_types::Ranges::from_range(31000, 32000))));
    }
    given
}

const GB_IN_MB: f64 = 1024.0;

fn detected_mem_mb() -> f64 {
    let total_mb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(GB_IN_MB);
    let usable = if total_mb >= 2.0 * GB_IN_MB { total_mb - GB_IN_MB } else { total_mb / 2.0 };
    usable.floor()
}

fn detected_disk_mb(work_dir: &Path) -> f64 {
    let probe = if work_dir.exists() { work_dir.to_path_buf() } else { PathBuf::from("/") };
    let total_mb = rustix::fs::statvfs(&probe)
        .map(|s| (s.f_blocks as f64) * (s.f_frsize as f64) / (1024.0 * 1024.0))
        .unwrap_or(10.0 * GB_IN_MB);
    let usable = if total_mb >= 10.0 * GB_IN_MB { total_mb - 5.0 * GB_IN_MB } else { total_mb / 2.0 };
    usable.floor()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_flags::{Kind, Support};

    #[test]
    fn master_forms() {
        let fixed = |a: &str| MasterSource::Address(a.to_string());
        assert_eq!(master_source("127.0.0.1:5050").unwrap(), fixed("127.0.0.1:5050"));
        assert_eq!(master_source("master@10.0.0.1:5050").unwrap(), fixed("10.0.0.1:5050"));
        assert_eq!(master_source("http://m:5050/").unwrap(), fixed("m:5050"));
        let zk = master_source("zk://h:2181,h2:2181/mesos").unwrap();
        assert_eq!(
            zk,
            MasterSource::ZooKeeper(mesos_election::ZkUrl::parse("zk://h:2181,h2:2181/mesos").unwrap())
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("master");
        std::fs::write(&file, "zk://h:2181/mesos\n").unwrap();
        assert!(matches!(
            master_source(&format!("file://{}", file.display())),
            Ok(MasterSource::ZooKeeper(_))
        ));
        assert!(master_source("zk://h:2181").unwrap_err().contains("znode path"));
        assert!(master_source("nonsense").is_err());
    }

    #[test]
    fn detection_fills_only_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let given = Resources::parse("cpus:3", "*").unwrap();
        let all = with_detected(given, dir.path(), "*");
        assert_eq!(all.scalar("cpus").to_f64(), 3.0);
        assert!(all.scalar("mem").to_f64() > 0.0);
        assert!(all.scalar("disk").to_f64() > 0.0);
        assert_eq!(all.ranges("ports").member_count(), 1001);
    }

    #[test]
    fn bad_flags_name_the_flag_and_position() {
        let load = |args: &[&str]| AgentFlags::load(args.iter().map(|s| s.to_string()), std::iter::empty());
        let err = load(&["--master=127.0.0.1:5050", "--work_dir=/tmp/x", "--resources=cpus:4;mem:lots"])
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("--resources") && text.contains("mem:lots"), "{text}");
        let err = load(&["--work_dir=/tmp/x"]).unwrap_err().to_string();
        assert!(err.contains("master"), "{err}");
        let err =
            load(&["--master=127.0.0.1:5050", "--work_dir=/tmp/x", "--isolation=cgroups/cpu"]).unwrap_err();
        assert!(err.to_string().contains("not supported"), "{err}");
        let err = load(&["--master=127.0.0.1:5050", "--work_dir=/tmp/x", "--isolation=posix/cpu,magic"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("isolation") && err.contains("magic"), "{err}");
        let err = load(&["--master=127.0.0.1:5050", "--work_dir=/tmp/x", "--containerizers=docker"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("containerizers"), "{err}");
        let err =
            load(&["--master=127.0.0.1:5050", "--work_dir=/tmp/x", "--executor_registration_timeout=soon"])
                .unwrap_err()
                .to_string();
        assert!(err.contains("executor_registration_timeout"), "{err}");
        let ok = load(&[
            "--master=127.0.0.1:5050",
            "--work_dir=/tmp/x",
            "--executor_shutdown_grace_period=3secs",
            "--fetcher_cache_size=1MB",
        ])
        .unwrap()
        .1;
        assert_eq!(ok.executor_shutdown_grace_period, Duration::from_secs(3));
        assert_eq!(ok.fetcher_cache_size, 1 << 20);
        assert_eq!(ok.http.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(ok.http.idle_timeout, None);
        let err = load(&["--master=127.0.0.1:5050", "--work_dir=/tmp/x", "--http_idle_timeout=0secs"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("http_idle_timeout"), "{err}");
        let limited = load(&[
            "--master=127.0.0.1:5050",
            "--work_dir=/tmp/x",
            "--http_header_read_timeout=1secs",
            "--max_http_connections=3",
            "--max_http_body_size=4KB",
        ])
        .unwrap()
        .1;
        assert_eq!(limited.http.header_read_timeout, Duration::from_secs(1));
        assert_eq!(limited.http.max_connections, 3);
        assert_eq!(limited.http.max_body_bytes, 4 << 10);
    }

    /// Every agent flag of Mesos 1.x (src/slave/flags.cpp, including the Linux-only and
    /// build-option ones, the deprecated names, the two flags Mesos 1.0 alone had, and the
    /// logging flags every Mesos binary shares).
    const MESOS_AGENT_FLAGS: &[&str] = &[
        "hostname",
        "hostname_lookup",
        "version",
        "resources",
        "resource_provider_config_dir",
        "csi_plugin_config_dir",
        "disk_profile_adaptor",
        "isolation",
        "launcher",
        "image_providers",
        "image_provisioner_backend",
        "image_gc_config",
        "appc_simple_discovery_uri_prefix",
        "appc_store_dir",
        "docker_registry",
        "docker_store_dir",
        "docker_volume_checkpoint_dir",
        "docker_volume_chown",
        "docker_ignore_runtime",
        "default_role",
        "attributes",
        "fetcher_cache_size",
        "fetcher_cache_dir",
        "fetcher_stall_timeout",
        "work_dir",
        "runtime_dir",
        "launcher_dir",
        "hadoop_home",
        "switch_user",
        "volume_gid_range",
        "http_heartbeat_interval",
        "frameworks_home",
        "registration_backoff_factor",
        "authentication_backoff_factor",
        "authentication_timeout_min",
        "authentication_timeout_max",
        "executor_environment_variables",
        "executor_registration_timeout",
        "executor_reregistration_timeout",
        "executor_reregistration_retry_interval",
        "executor_shutdown_grace_period",
        "jwt_secret_key",
        "executor_secret_key",
        "gc_delay",
        "gc_disk_headroom",
        "gc_non_executor_container_sandboxes",
        "disk_watch_interval",
        "container_logger",
        "recover",
        "recovery_timeout",
        "reconfiguration_policy",
        "strict",
        "max_completed_executors_per_framework",
        "cgroups_destroy_timeout",
        "cgroups_hierarchy",
        "cgroups_root",
        "cgroups_enable_cfs",
        "cgroups_limit_swap",
        "cgroups_cpu_enable_pids_and_tids_count",
        "cgroups_net_cls_primary_handle",
        "cgroups_net_cls_secondary_handles",
        "allowed_devices",
        "agent_subsystems",
        "slave_subsystems",
        "host_path_volume_force_creation",
        "nvidia_gpu_devices",
        "perf_events",
        "perf_interval",
        "perf_duration",
        "revocable_cpu_low_priority",
        "systemd_enable_support",
        "systemd_runtime_directory",
        "effective_capabilities",
        "allowed_capabilities",
        "bounding_capabilities",
        "default_container_shm_size",
        "disallow_sharing_agent_ipc_namespace",
        "disallow_sharing_agent_pid_namespace",
        "agent_features",
        "firewall_rules",
        "credential",
        "acls",
        "containerizers",
        "docker",
        "docker_remove_delay",
        "docker_kill_orphans",
        "docker_mesos_image",
        "docker_socket",
        "docker_config",
        "sandbox_directory",
        "domain_socket_location",
        "default_container_dns",
        "default_container_info",
        "docker_stop_timeout",
        "ephemeral_ports_per_container",
        "eth0_name",
        "lo_name",
        "egress_rate_limit_per_container",
        "egress_rate_per_cpu",
        "minimum_egress_rate_limit",
        "maximum_egress_rate_limit",
        "egress_ceil_limit",
        "egress_burst",
        "egress_unique_flow_per_container",
        "egress_flow_classifier_parent",
        "ingress_rate_limit_per_container",
        "ingress_rate_per_cpu",
        "minimum_ingress_rate_limit",
        "maximum_ingress_rate_limit",
        "ingress_ceil_limit",
        "ingress_burst",
        "ingress_isolate_existing_containers",
        "network_link_speed",
        "network_enable_socket_statistics_summary",
        "network_enable_socket_statistics_details",
        "network_enable_snmp_statistics",
        "network_enable_rate_statistics",
        "network_rate_statistics_window",
        "network_rate_statistics_interval",
        "container_ports_watch_interval",
        "check_agent_port_range_only",
        "enforce_container_ports",
        "container_ports_isolated_range",
        "network_cni_plugins_dir",
        "network_cni_config_dir",
        "network_cni_root_dir_persist",
        "network_cni_metrics",
        "container_disk_watch_interval",
        "enforce_container_disk_quota",
        "modules",
        "modules_dir",
        "authenticatee",
        "authorizer",
        "http_authenticators",
        "authenticate_http_readwrite",
        "authenticate_http_readonly",
        "authenticate_http_executors",
        "http_executor_domain_sockets",
        "http_credentials",
        "hooks",
        "secret_resolver",
        "resource_estimator",
        "qos_controller",
        "qos_correction_interval_min",
        "oversubscribed_resources_interval",
        "master_detector",
        "xfs_project_range",
        "xfs_kill_containers",
        "xfs_quota_headroom",
        "seccomp_config_dir",
        "seccomp_profile_name",
        "http_command_executor",
        "ip",
        "ip6",
        "port",
        "advertise_ip",
        "advertise_port",
        "master",
        "zk_session_timeout",
        "ip_discovery_command",
        "ip6_discovery_command",
        "memory_profiling",
        "domain",
        "containerizer_path",
        "default_container_image",
        "quiet",
        "logging_level",
        "log_dir",
        "logbufsecs",
        "initialize_driver_logging",
        "external_log_file",
    ];

    const REQUIRED: [&str; 2] = ["--master=127.0.0.1:5050", "--work_dir=/tmp/mesos-rs-flags-test"];

    fn load_with(extra: &[&str]) -> Result<(Flags, AgentFlags), FlagError> {
        let args = REQUIRED.iter().chain(extra).map(|s| s.to_string());
        AgentFlags::load(args, std::iter::empty())
    }

    /// A value the flag takes in mesos-rs, for the supported flags without a default.
    fn sample(name: &str) -> &'static str {
        match name {
            "ip" | "advertise_ip" => "127.0.0.1",
            "advertise_port" => "15051",
            "hostname" => "agent.example",
            "resources" => "cpus:2;mem:1024",
            "attributes" => "rack:r1",
            "executor_environment_variables" => "{\"PATH\":\"/bin\"}",
            "master" => "127.0.0.1:5050",
            _ => "/tmp/mesos-rs-flags-test/sample",
        }
    }

    #[test]
    fn every_mesos_agent_flag_is_known_and_either_works_or_is_refused_by_name() {
        for &name in MESOS_AGENT_FLAGS {
            if name == "version" {
                let flags = load_with(&["--version"]).unwrap().0;
                assert!(flags.version_requested());
                continue;
            }
            let spec = SPECS
                .iter()
                .find(|s| s.name == name || s.aliases.contains(&name))
                .unwrap_or_else(|| panic!("--{name} is unknown to the agent"));
            match spec.support {
                // Every load below sets these two.
                Support::Yes if ["master", "work_dir"].contains(&spec.name) => {}
                Support::Yes => {
                    let value = spec.default.unwrap_or_else(|| sample(spec.name));
                    let arg = format!("--{name}={value}");
                    if let Err(error) = load_with(&[&arg]) {
                        panic!("{arg} is refused: {error}");
                    }
                }
                Support::NotYet => {
                    let other = match (spec.kind, spec.default) {
                        (Kind::Bool, Some("true")) => "false",
                        (Kind::Bool, _) => "true",
                        (_, Some("x")) => "y",
                        _ => "x",
                    };
                    let arg = format!("--{name}={other}");
                    let error = load_with(&[&arg]).map(|_| ()).unwrap_err();
                    assert_eq!(error, FlagError::NotSupported(spec.name.to_string()), "{arg}");
                    assert!(error.to_string().contains("not supported by mesos-rs yet"), "{error}");
                    // Its default, which --help shows, is accepted.
                    if let Some(default) = spec.default {
                        assert!(load_with(&[&format!("--{name}={default}")]).is_ok(), "--{name}={default}");
                    }
                }
            }
        }
    }

    #[test]
    fn unsupported_flags_from_the_environment_are_refused_like_on_the_command_line() {
        let args = REQUIRED.iter().map(|s| s.to_string());
        let env = [("MESOS_CGROUPS_ROOT".to_string(), "other".to_string())];
        let error = AgentFlags::load(args, env).unwrap_err();
        assert_eq!(error, FlagError::NotSupported("cgroups_root".into()));
        let error = load_with(&["--cgroups_root=other"]).unwrap_err();
        assert_eq!(error, FlagError::NotSupported("cgroups_root".into()));
    }

    #[test]
    fn isolation_accepts_the_posix_isolators_and_refuses_the_rest_by_name() {
        let flags = load_with(&[]).unwrap().1;
        assert_eq!(flags.isolation, ["posix/cpu", "posix/mem", "filesystem/posix"]);
        let flags = load_with(&["--isolation=process"]).unwrap().1;
        assert_eq!(flags.isolation, ["posix/cpu", "posix/mem", "filesystem/posix"]);
        let flags = load_with(&["--isolation=filesystem/posix,posix/mem"]).unwrap().1;
        assert_eq!(flags.isolation, ["filesystem/posix", "posix/mem"]);
        for name in [
            "posix/disk",
            "disk/du",
            "cgroups/cpu",
            "cgroups",
            "cgroups/all",
            "namespaces/pid",
            "docker/runtime",
            "network/cni",
            "gpu/nvidia",
            "filesystem/linux",
            "volume/host_path",
            "linux/capabilities",
        ] {
            let error = load_with(&[&format!("--isolation=posix/cpu,{name}")]).unwrap_err().to_string();
            assert!(error.contains("--isolation") && error.contains(name), "{error}");
            assert!(error.contains("not supported by mesos-rs yet"), "{name}: {error}");
        }
        let error = load_with(&["--isolation=magic"]).unwrap_err().to_string();
        assert!(error.contains("unknown isolator 'magic'"), "{error}");
    }

    #[test]
    fn partly_supported_flags_accept_what_works_and_refuse_the_rest() {
        assert!(
            load_with(&["--launcher=posix", "--no-systemd_enable_support", "--http_command_executor"])
                .is_ok()
        );
        for (arg, name) in [
            ("--launcher=linux", "launcher"),
            ("--systemd_enable_support", "systemd_enable_support"),
            ("--systemd_enable_support=true", "systemd_enable_support"),
            ("--no-http_command_executor", "http_command_executor"),
        ] {
            let error = load_with(&[arg]).unwrap_err().to_string();
            assert!(
                error.contains(name) && error.contains("not supported by mesos-rs yet"),
                "{arg}: {error}"
            );
        }
    }

    #[test]
    fn executor_environment_variables_must_be_an_object_of_strings() {
        let flags = load_with(&[r#"--executor_environment_variables={"PATH":"/bin","A":"b"}"#]).unwrap().1;
        let env = flags.executor_environment_variables.unwrap();
        assert_eq!(env.get("PATH").map(String::as_str), Some("/bin"));
        assert_eq!(env.len(), 2);
        assert!(load_with(&[]).unwrap().1.executor_environment_variables.is_none());
        for bad in [r#"{"N":1}"#, "[]", "not json"] {
            let error =
                load_with(&[&format!("--executor_environment_variables={bad}")]).unwrap_err().to_string();
            assert!(error.contains("executor_environment_variables"), "{bad}: {error}");
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env.json");
        std::fs::write(&file, "{\"FROM_FILE\": \"yes\"}\n").unwrap();
        let arg = format!("--executor_environment_variables=file://{}", file.display());
        let env = load_with(&[&arg]).unwrap().1.executor_environment_variables.unwrap();
        assert_eq!(env.get("FROM_FILE").map(String::as_str), Some("yes"));
    }

    #[test]
    fn runtime_dir_advertise_and_hostname_lookup_are_recorded() {
        let (_, flags) = load_with(&[]).unwrap();
        assert_eq!(flags.runtime_dir, default_runtime_dir());
        assert!(
            flags
                .raw
                .iter()
                .any(|(k, v)| k == "runtime_dir" && *v == default_runtime_dir().display().to_string())
        );
        assert!(flags.hostname_lookup);
        assert_eq!((flags.advertise_ip, flags.advertise_port), (None, None));
        let (_, flags) = load_with(&[
            "--runtime_dir=/tmp/rt",
            "--advertise_ip=10.1.2.3",
            "--advertise_port=15051",
            "--no-hostname_lookup",
        ])
        .unwrap();
        assert_eq!(flags.runtime_dir, PathBuf::from("/tmp/rt"));
        assert_eq!(flags.advertise_ip, Some("10.1.2.3".parse().unwrap()));
        assert_eq!(flags.advertise_port, Some(15051));
        assert!(!flags.hostname_lookup);
        assert_eq!(flags.raw.iter().filter(|(k, _)| k == "runtime_dir").count(), 1);
        let error = load_with(&["--advertise_port=huge"]).unwrap_err().to_string();
        assert!(error.contains("advertise_port"), "{error}");
    }
}
