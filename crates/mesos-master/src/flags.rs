//! The master's flags, by Mesos' names (operator-api.md §3.2, §3.3).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use mesos_allocator::SorterKind;
use mesos_flags::{FlagError, Flags, Spec};
use mesos_types::quantities::{ResourceQuantities, parse_min_allocatable, parse_weights};

/// Every master flag mesos-rs knows, supported or not.
pub const SPECS: &[Spec] = &[
    Spec::value(
        "ip",
        None,
        "IP address to listen on (default: all interfaces, advertised as the host's address)",
    ),
    Spec::value("port", Some("5050"), "Port to listen on"),
    Spec::value("advertise_ip", None, "IP address advertised to agents and frameworks"),
    Spec::value("advertise_port", None, "Port advertised to agents and frameworks"),
    Spec::value("hostname", None, "Hostname advertised (default: looked up)"),
    Spec::boolean("hostname_lookup", true, "Look up the hostname when --hostname is not given"),
    Spec::path("work_dir", None, "Directory for the registry (required unless --registry=in_memory)"),
    Spec::value(
        "registry",
        Some("replicated_log"),
        "Registry store: 'replicated_log' (crash-safe file store in --work_dir) or 'in_memory'",
    ),
    Spec::value(
        "registry_fetch_timeout",
        Some("1mins"),
        "Longest wait for reading the registry at startup; the master fails to start after it",
    ),
    Spec::value(
        "registry_store_timeout",
        Some("20secs"),
        "How long registry writes may fail (or one write hang) before the master exits",
    ),
    Spec::boolean("registry_strict", false, "Deprecated; must stay false").not_yet(),
    Spec::value("allocation_interval", Some("1secs"), "Period of batch allocation"),
    Spec::value("allocator", Some("hierarchical"), "Allocator: 'hierarchical' (alias 'HierarchicalDRF')"),
    Spec::value("role_sorter", Some("drf"), "Sorter between roles: 'drf' or 'random'")
        .with_aliases(&["user_sorter"]),
    Spec::value("framework_sorter", Some("drf"), "Sorter between frameworks of a role: 'drf' or 'random'"),
    Spec::value(
        "min_allocatable_resources",
        Some("cpus:0.01|mem:32"),
        "Smallest offer: alternatives separated by '|', each 'name:qty;name:qty'",
    ),
    Spec::value("fair_sharing_excluded_resource_names", None, "Resource names DRF ignores, comma separated"),
    Spec::boolean("filter_gpu_resources", true, "Offer GPU agents only to GPU_RESOURCES frameworks"),
    Spec::value("offer_timeout", None, "Rescind offers not answered within this duration"),
    Spec::value("roles", None, "Deprecated role whitelist, comma separated"),
    Spec::value("weights", None, "Role weights 'role=weight,...' (seed an empty registry)"),
    Spec::value("cluster", None, "Cluster name shown in /state and the web UI"),
    Spec::value("agent_ping_timeout", Some("15secs"), "Timeout of one agent ping")
        .with_aliases(&["slave_ping_timeout"]),
    Spec::value("max_agent_ping_timeouts", Some("5"), "Missed pings before an agent is unreachable")
        .with_aliases(&["max_slave_ping_timeouts"]),
    Spec::value(
        "agent_reregister_timeout",
        Some("10mins"),
        "After a master restart, agents not back within this long are unreachable (>= 10mins)",
    )
    .with_aliases(&["slave_reregister_timeout"]),
    Spec::boolean("root_submissions", true, "Allow frameworks whose user is root"),
    Spec::value("max_completed_frameworks", Some("50"), "Completed frameworks kept for the endpoints"),
    Spec::value("max_completed_tasks_per_framework", Some("1000"), "Completed tasks kept per framework"),
    Spec::value("max_unreachable_tasks_per_framework", Some("1000"), "Unreachable tasks kept per framework"),
    Spec::path("log_dir", None, "Directory for the master's log file (default: log to stderr only)"),
    Spec::value("logging_level", Some("INFO"), "INFO, WARNING or ERROR"),
    Spec::boolean("quiet", false, "Do not log to stderr"),
    Spec::path(
        "webui_dir",
        None,
        "Web UI directory: index.html, app/ and assets/ are served from it (default: the built-in page)",
    ),
    Spec::value(
        "zk",
        None,
        "ZooKeeper URL for leader election, zk://[user:password@]host:port[,host:port...]/path (or file:// holding it)",
    ),
    Spec::value("zk_session_timeout", Some("10secs"), "ZooKeeper session timeout"),
    Spec::value("quorum", None, "Replicated log quorum").not_yet(),
    Spec::boolean("log_auto_initialize", true, "Initialise an empty replicated log").not_yet(),
    Spec::value("registry_gc_interval", Some("15mins"), "How often unreachable and gone agents are pruned"),
    Spec::value(
        "registry_max_agent_age",
        Some("2weeks"),
        "Unreachable and gone agents older than this are pruned",
    ),
    Spec::value(
        "registry_max_agent_count",
        Some("102400"),
        "At most this many unreachable (and as many gone) agents are kept in the registry",
    ),
    Spec::value("agent_removal_rate_limit", None, "Agent removal rate limit")
        .with_aliases(&["slave_removal_rate_limit"])
        .not_yet(),
    Spec::value("recovery_agent_removal_limit", Some("100%"), "Removal limit after failover")
        .with_aliases(&["recovery_slave_removal_limit"])
        .not_yet(),
    Spec::value("allocator_agent_recovery_factor", Some("0.8"), "Agents needed before offers resume")
        .not_yet(),
    Spec::value("allocator_recovery_timeout", Some("10mins"), "Max offer pause after failover").not_yet(),
    Spec::value("offer_constraints_re2_max_mem", Some("4KB"), "RE2 memory for offer constraints").not_yet(),
    Spec::value("offer_constraints_re2_max_program_size", Some("100"), "RE2 program size").not_yet(),
    Spec::value("whitelist", None, "Agent hostname whitelist file").not_yet(),
    Spec::boolean("authenticate_frameworks", false, "Require framework authentication")
        .with_aliases(&["authenticate"])
        .not_yet(),
    Spec::boolean("authenticate_agents", false, "Require agent authentication")
        .with_aliases(&["authenticate_slaves"])
        .not_yet(),
    Spec::boolean("authenticate_http_frameworks", false, "Require HTTP framework authentication").not_yet(),
    Spec::boolean("authenticate_http_readonly", false, "Require auth on read-only endpoints").not_yet(),
    Spec::boolean("authenticate_http_readwrite", false, "Require auth on read-write endpoints")
        .with_aliases(&["authenticate_http"])
        .not_yet(),
    Spec::value("http_authenticators", Some("basic"), "HTTP authenticators").not_yet(),
    Spec::value("http_framework_authenticators", None, "HTTP framework authenticators").not_yet(),
    Spec::value("authenticators", Some("crammd5"), "v0 authenticator").not_yet(),
    Spec::value("authentication_v0_timeout", Some("15secs"), "v0 authentication timeout").not_yet(),
    Spec::value("credentials", None, "Credentials file").not_yet(),
    Spec::value("acls", None, "ACLs (JSON or file)").not_yet(),
    Spec::value("authorizers", Some("local"), "Authorizer").not_yet(),
    Spec::value("rate_limits", None, "Framework rate limits").not_yet(),
    Spec::value("firewall_rules", None, "Disabled endpoints").not_yet(),
    Spec::value("domain", None, "Fault domain of the master").not_yet(),
    Spec::boolean("require_agent_domain", false, "Reject agents without a domain").not_yet(),
    Spec::value("modules", None, "Module manifest").not_yet(),
    Spec::value("modules_dir", None, "Module manifest directory").not_yet(),
    Spec::value("hooks", None, "Hook modules").not_yet(),
    Spec::value("master_contender", None, "Contender module").not_yet(),
    Spec::value("master_detector", None, "Detector module").not_yet(),
    Spec::value("max_executors_per_agent", None, "Executor limit per agent")
        .with_aliases(&["max_executors_per_slave"])
        .not_yet(),
    Spec::boolean("publish_per_framework_metrics", true, "Per-framework metrics").not_yet(),
    Spec::value("max_operator_event_stream_subscribers", Some("1000"), "Operator SUBSCRIBE cap").not_yet(),
    Spec::boolean("memory_profiling", false, "Memory profiling endpoints").not_yet(),
    Spec::value("ip_discovery_command", None, "Program printing the IP to bind").not_yet(),
    Spec::value("external_log_file", None, "Log file shown instead of --log_dir's").not_yet(),
    Spec::value("logbufsecs", Some("0"), "Log buffering seconds"),
    Spec::boolean("initialize_driver_logging", true, "Initialise driver logging"),
    // mesos-rs' own limits of the HTTP server (docs/master.md, "HTTP limits").
    HTTP_SPECS[0],
    HTTP_SPECS[1],
    HTTP_SPECS[2],
    HTTP_SPECS[3],
];

/// The HTTP server's limit flags, with the master's body limit as the default.
const HTTP_SPECS: [Spec; 4] = mesos_http::server::flag_specs("32MB");

/// The default of `--max_http_body_size`: the largest scheduler or operator call accepted.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 32 << 20;

/// Which registry store to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryKind {
    /// Crash-safe file in the work dir.
    Durable(PathBuf),
    /// Lost on restart (testing).
    InMemory,
}

/// The master's configuration after parsing and checking the flags.
#[derive(Clone, Debug)]
pub struct MasterFlags {
    /// IP to bind, if restricted.
    pub ip: Option<IpAddr>,
    /// Port to bind.
    pub port: u16,
    /// Advertised IP.
    pub advertise_ip: Option<IpAddr>,
    /// Advertised port.
    pub advertise_port: Option<u16>,
    /// Hostname to advertise.
    pub hostname: Option<String>,
    /// Whether to look up the hostname.
    pub hostname_lookup: bool,
    /// Registry store.
    pub registry: RegistryKind,
    /// `--registry_store_timeout`: how long registry writes may keep failing (or one write
    /// may hang) before the master gives up and exits.
    pub registry_store_timeout: Duration,
    /// `--allocator`.
    pub allocator: String,
    /// `--allocation_interval`.
    pub allocation_interval: Duration,
    /// `--role_sorter`.
    pub role_sorter: SorterKind,
    /// `--framework_sorter`.
    pub framework_sorter: SorterKind,
    /// `--min_allocatable_resources`.
    pub min_allocatable: Vec<ResourceQuantities>,
    /// `--fair_sharing_excluded_resource_names`.
    pub fair_sharing_excluded: BTreeSet<String>,
    /// `--filter_gpu_resources`.
    pub filter_gpu_resources: bool,
    /// `--offer_timeout`.
    pub offer_timeout: Option<Duration>,
    /// `--roles`.
    pub roles: Option<BTreeSet<String>>,
    /// `--weights`.
    pub weights: BTreeMap<String, f64>,
    /// `--cluster`.
    pub cluster: Option<String>,
    /// `--agent_ping_timeout`.
    pub agent_ping_timeout: Duration,
    /// `--max_agent_ping_timeouts`.
    pub max_agent_ping_timeouts: u32,
    /// `--agent_reregister_timeout`.
    pub agent_reregister_timeout: Duration,
    /// `--root_submissions`.
    pub root_submissions: bool,
    /// `--max_completed_frameworks`.
    pub max_completed_frameworks: usize,
    /// `--max_completed_tasks_per_framework`.
    pub max_completed_tasks_per_framework: usize,
    /// `--max_unreachable_tasks_per_framework`.
    pub max_unreachable_tasks_per_framework: usize,
    /// `--log_dir`.
    pub log_dir: Option<PathBuf>,
    /// `--logging_level`.
    pub logging_level: String,
    /// `--quiet`.
    pub quiet: bool,
    /// `--registry_fetch_timeout`: the bound on loading the registry at startup.
    pub registry_fetch_timeout: Duration,
    /// `--zk`: the group this master contends in; `None` for a standalone master, which
    /// leads at once.
    pub zk: Option<mesos_election::ZkUrl>,
    /// `--zk_session_timeout`.
    pub zk_session_timeout: Duration,
    /// `--registry_gc_interval`.
    pub registry_gc_interval: Duration,
    /// `--registry_max_agent_age`.
    pub registry_max_agent_age: Duration,
    /// `--registry_max_agent_count`.
    pub registry_max_agent_count: usize,
    /// `--webui_dir`: where the web UI is served from instead of the built-in page.
    pub webui_dir: Option<PathBuf>,
    /// `--http_header_read_timeout`, `--http_idle_timeout`, `--max_http_connections`,
    /// `--max_http_body_size`.
    pub http: mesos_http::server::Limits,
    /// All flags with values, as `/flags` shows them.
    pub raw: Vec<(String, String)>,
}

impl MasterFlags {
    /// Parses and checks loaded flags; errors name the flag.
    pub fn from_flags(flags: &Flags) -> Result<MasterFlags, FlagError> {
        let invalid = |flag: &str, reason: String| FlagError::Invalid { flag: flag.to_string(), reason };
        let registry = match flags.get("registry").unwrap_or("replicated_log") {
            "in_memory" => RegistryKind::InMemory,
            "replicated_log" => match flags.get("work_dir") {
                Some(dir) => RegistryKind::Durable(PathBuf::from(dir)),
                None => {
                    return Err(invalid(
                        "work_dir",
                        "required with the durable registry (or pass --registry=in_memory for a throw-away master)"
                            .to_string(),
                    ));
                }
            },
            other => {
                return Err(invalid(
                    "registry",
                    format!("'{other}' (expected 'replicated_log' or 'in_memory')"),
                ));
            }
        };
        let allocator = flags.get("allocator").unwrap_or("hierarchical").to_string();
        if let Err(reason) = mesos_allocator::build(&allocator, mesos_allocator::Config::default(), 0) {
            return Err(invalid("allocator", reason));
        }
        let duration = |name: &str| -> Result<Duration, FlagError> {
            flags.duration(name)?.ok_or_else(|| FlagError::Required(name.to_string()))
        };
        let agent_reregister_timeout = duration("agent_reregister_timeout")?;
        if agent_reregister_timeout < Duration::from_secs(600) {
            return Err(invalid("agent_reregister_timeout", "must be at least 10mins".to_string()));
        }
        let offer_timeout = flags.duration("offer_timeout")?;
        if offer_timeout.is_some_and(|d| d.is_zero()) {
            return Err(invalid("offer_timeout", "must be greater than 0".to_string()));
        }
        let roles = flags.get("roles").map(|list| {
            let mut roles: BTreeSet<String> =
                list.split(',').map(str::trim).filter(|r| !r.is_empty()).map(String::from).collect();
            roles.insert("*".to_string());
            roles
        });
        if let Some(roles) = &roles {
            for role in roles {
                mesos_types::roles::validate_role(role)
                    .map_err(|e| invalid("roles", format!("'{role}': {e}")))?;
            }
        }
        let weights = match flags.get("weights") {
            Some(text) => parse_weights(text).map_err(|e| invalid("weights", e.to_string()))?,
            None => BTreeMap::new(),
        };
        if let Some(roles) = &roles
            && let Some(role) = weights.keys().find(|r| !roles.contains(*r))
        {
            return Err(invalid("weights", format!("role '{role}' is not in --roles")));
        }
        let level = flags.get("logging_level").unwrap_or("INFO").to_ascii_uppercase();
        if !matches!(level.as_str(), "INFO" | "WARNING" | "ERROR") {
            return Err(invalid("logging_level", format!("'{level}' (expected INFO, WARNING or ERROR)")));
        }
        let zk =
            flags.parse_with("zk", |url| mesos_election::ZkUrl::parse(url).map_err(|e| e.to_string()))?;
        if zk.is_some() && matches!(registry, RegistryKind::Durable(_)) {
            // Each master's file store would hold a registry of its own: a new leader would
            // not know what the old one admitted.
            return Err(invalid(
                "zk",
                "masters given --zk need the replicated registry (--registry=replicated_log with --quorum), \
                 which mesos-rs does not have yet; use --registry=in_memory with --zk for now"
                    .to_string(),
            ));
        }
        let registry_gc_interval = duration("registry_gc_interval")?;
        if registry_gc_interval.is_zero() {
            return Err(invalid("registry_gc_interval", "must be greater than 0".to_string()));
        }
        let ip = flags.parse::<IpAddr>("ip")?;
        Ok(MasterFlags {
            ip,
            port: flags.parse::<u16>("port")?.unwrap_or(5050),
            advertise_ip: flags.parse::<IpAddr>("advertise_ip")?,
            advertise_port: flags.parse::<u16>("advertise_port")?,
            hostname: flags.get("hostname").map(String::from),
            hostname_lookup: flags.bool("hostname_lookup"),
            registry,
            registry_store_timeout: duration("registry_store_timeout")?,
            allocator,
            allocation_interval: duration("allocation_interval")?,
            role_sorter: flags.parse_with("role_sorter", SorterKind::parse)?.unwrap_or(SorterKind::Drf),
            framework_sorter: flags
                .parse_with("framework_sorter", SorterKind::parse)?
                .unwrap_or(SorterKind::Drf),
            min_allocatable: flags
                .parse_with("min_allocatable_resources", |t| {
                    parse_min_allocatable(t).map_err(|e| e.to_string())
                })?
                .unwrap_or_default(),
            fair_sharing_excluded: flags
                .get("fair_sharing_excluded_resource_names")
                .map(|list| {
                    list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
                })
                .unwrap_or_default(),
            filter_gpu_resources: flags.bool("filter_gpu_resources"),
            offer_timeout,
            roles,
            weights,
            cluster: flags.get("cluster").map(String::from),
            agent_ping_timeout: duration("agent_ping_timeout")?,
            max_agent_ping_timeouts: flags.parse::<u32>("max_agent_ping_timeouts")?.unwrap_or(5).max(1),
            agent_reregister_timeout,
            root_submissions: flags.bool("root_submissions"),
            max_completed_frameworks: flags.parse::<usize>("max_completed_frameworks")?.unwrap_or(50),
            max_completed_tasks_per_framework: flags
                .parse::<usize>("max_completed_tasks_per_framework")?
                .unwrap_or(1000),
            max_unreachable_tasks_per_framework: flags
                .parse::<usize>("max_unreachable_tasks_per_framework")?
                .unwrap_or(1000),
            log_dir: flags.get("log_dir").map(PathBuf::from),
            logging_level: level,
            quiet: flags.bool("quiet"),
            registry_fetch_timeout: duration("registry_fetch_timeout")?,
            zk,
            zk_session_timeout: duration("zk_session_timeout")?,
            registry_gc_interval,
            registry_max_agent_age: duration("registry_max_agent_age")?,
            registry_max_agent_count: flags.parse::<usize>("registry_max_agent_count")?.unwrap_or(102_400),
            webui_dir: flags.get("webui_dir").map(PathBuf::from),
            http: mesos_http::server::Limits::from_flags(flags, DEFAULT_MAX_BODY_BYTES)?,
            raw: flags.all().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        })
    }

    /// Loads from arguments and environment in one step.
    pub fn load<A, E>(args: A, env: E) -> Result<(Flags, MasterFlags), FlagError>
    where
        A: IntoIterator<Item = String>,
        E: IntoIterator<Item = (String, String)>,
    {
        let flags = Flags::load(SPECS, args, env)?;
        let parsed = MasterFlags::from_flags(&flags)?;
        Ok((flags, parsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(args: &[&str]) -> Result<MasterFlags, FlagError> {
        MasterFlags::load(args.iter().map(|s| s.to_string()), std::iter::empty()).map(|(_, f)| f)
    }

    #[test]
    fn defaults_match_mesos() {
        let flags = load(&["--registry=in_memory"]).unwrap();
        assert_eq!(flags.port, 5050);
        assert_eq!(flags.allocation_interval, Duration::from_secs(1));
        assert_eq!(flags.agent_ping_timeout, Duration::from_secs(15));
        assert_eq!(flags.max_agent_ping_timeouts, 5);
        assert_eq!(flags.min_allocatable.len(), 2);
        assert!(flags.offer_timeout.is_none());
        assert_eq!(flags.registry_fetch_timeout, Duration::from_secs(60));
        assert!(flags.webui_dir.is_none());
        assert_eq!(flags.http.header_read_timeout, Duration::from_secs(30));
        assert_eq!(flags.http.idle_timeout, None);
        assert_eq!(flags.http.max_connections, 10_000);
        assert_eq!(flags.http.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    }

    #[test]
    fn webui_dir_and_registry_fetch_timeout_parse() {
        let flags =
            load(&["--registry=in_memory", "--webui_dir=/srv/webui", "--registry_fetch_timeout=5secs"])
                .unwrap();
        assert_eq!(flags.webui_dir, Some(PathBuf::from("/srv/webui")));
        assert_eq!(flags.registry_fetch_timeout, Duration::from_secs(5));
        let err = load(&["--registry=in_memory", "--registry_fetch_timeout=soon"]).unwrap_err().to_string();
        assert!(err.contains("registry_fetch_timeout"), "{err}");
    }

    #[test]
    fn http_limits_parse_and_errors_name_the_flag() {
        let flags = load(&[
            "--registry=in_memory",
            "--http_header_read_timeout=2secs",
            "--http_idle_timeout=5mins",
            "--max_http_connections=7",
            "--max_http_body_size=1MB",
        ])
        .unwrap();
        assert_eq!(flags.http.header_read_timeout, Duration::from_secs(2));
        assert_eq!(flags.http.idle_timeout, Some(Duration::from_secs(300)));
        assert_eq!(flags.http.max_connections, 7);
        assert_eq!(flags.http.max_body_bytes, 1 << 20);
        for (bad, name) in [
            ("--http_header_read_timeout=0secs", "http_header_read_timeout"),
            ("--http_idle_timeout=soon", "http_idle_timeout"),
            ("--max_http_connections=0", "max_http_connections"),
            ("--max_http_body_size=lots", "max_http_body_size"),
        ] {
            let err = load(&["--registry=in_memory", bad]).unwrap_err().to_string();
            assert!(err.contains(name), "{bad}: {err}");
        }
    }

    #[test]
    fn errors_name_the_flag() {
        let err = load(&[]).unwrap_err().to_string();
        assert!(err.contains("work_dir"), "{err}");
        let err = load(&["--registry=in_memory", "--framework_sorter=fifo"]).unwrap_err().to_string();
        assert!(err.contains("framework_sorter"), "{err}");
        let err =
            load(&["--registry=in_memory", "--agent_reregister_timeout=1mins"]).unwrap_err().to_string();
        assert!(err.contains("agent_reregister_timeout"), "{err}");
        let err = load(&["--work_dir=/tmp", "--zk=zk://127.0.0.1:2181/mesos"]).unwrap_err().to_string();
        assert!(err.contains("--zk") || err.contains("'zk'"), "{err}");
        assert!(err.contains("replicated registry"), "{err}");
        let err = load(&["--registry=in_memory", "--zk=zk://127.0.0.1:2181"]).unwrap_err().to_string();
        assert!(err.contains("zk") && err.contains("znode path"), "{err}");
        let err = load(&["--registry=in_memory", "--zk=127.0.0.1:2181/mesos"]).unwrap_err().to_string();
        assert!(err.contains("not a ZooKeeper URL"), "{err}");
        let flags =
            load(&["--registry=in_memory", "--zk=zk://a:2181,b:2181/mesos", "--zk_session_timeout=3secs"])
                .unwrap();
        assert_eq!(flags.zk.as_ref().map(|u| u.path.as_str()), Some("/mesos"));
        assert_eq!(flags.zk_session_timeout, Duration::from_secs(3));
        let flags = load(&[
            "--registry=in_memory",
            "--registry_gc_interval=1mins",
            "--registry_max_agent_age=1days",
            "--registry_max_agent_count=5",
        ])
        .unwrap();
        assert_eq!(flags.registry_gc_interval, Duration::from_secs(60));
        assert_eq!(flags.registry_max_agent_age, Duration::from_secs(86_400));
        assert_eq!(flags.registry_max_agent_count, 5);
        let err = load(&["--registry=in_memory", "--registry_gc_interval=0secs"]).unwrap_err().to_string();
        assert!(err.contains("registry_gc_interval"), "{err}");
        let err = load(&["--registry=in_memory", "--weights=eng=-1"]).unwrap_err().to_string();
        assert!(err.contains("weights"), "{err}");
    }

    #[test]
    fn roles_and_weights_parse() {
        let flags = load(&["--registry=in_memory", "--roles=eng,ops", "--weights=eng=2,ops=1.5"]).unwrap();
        assert!(flags.roles.as_ref().unwrap().contains("*"));
        assert_eq!(flags.weights.get("eng"), Some(&2.0));
        assert!(load(&["--registry=in_memory", "--roles=eng", "--weights=ops=2"]).is_err());
    }
}
