//! The agent's flags, by Mesos' names (operator-api.md §3.2, §3.4), and resource detection.

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
        "Isolators: posix/cpu, posix/mem, posix/disk, filesystem/posix",
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
    /// Master HTTP address `host:port`.
    pub master: String,
    /// IP to advertise.
    pub ip: Option<IpAddr>,
    /// Port.
    pub port: u16,
    /// Hostname to advertise.
    pub hostname: Option<String>,
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
    /// `--sandbox_directory`.
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

/// Isolators the posix launcher provides (accounting only, as in Mesos).
pub const ISOLATORS: &[&str] = &["posix/cpu", "posix/mem", "posix/disk", "filesystem/posix"];

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

fn check_isolation(value: &str) -> Result<(), String> {
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if ISOLATORS.contains(&name) {
            continue;
        }
        if name.starts_with("cgroups/") || name.starts_with("docker/") || name.starts_with("network/") {
            return Err(format!(
                "isolator '{name}' is not supported by mesos-rs yet (supported: {})",
                ISOLATORS.join(", ")
            ));
        }
        return Err(format!("unknown isolator '{name}' (supported: {})", ISOLATORS.join(", ")));
    }
    Ok(())
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
        let master = master_address(flags.required("master")?).map_err(|reason| invalid("master", reason))?;
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
        check_isolation(flags.get("isolation").unwrap_or(""))
            .map_err(|reason| invalid("isolation", reason))?;
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
            ip: flags.parse::<IpAddr>("ip")?,
            port: flags.parse::<u16>("port")?.unwrap_or(5051),
            hostname: flags.get("hostname").map(String::from),
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
            raw: flags.all().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        })
    }
}

/// `host:port` of the master from any of `--master`'s forms (those of
/// [`mesos_framework::master::resolve`]), or why not.
pub fn master_address(value: &str) -> Result<String, String> {
    mesos_framework::master::resolve(value).map_err(|e| e.to_string())
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

    #[test]
    fn master_forms() {
        assert_eq!(master_address("127.0.0.1:5050").unwrap(), "127.0.0.1:5050");
        assert_eq!(master_address("master@10.0.0.1:5050").unwrap(), "10.0.0.1:5050");
        assert_eq!(master_address("http://m:5050/").unwrap(), "m:5050");
        assert!(master_address("zk://h:2181/mesos").unwrap_err().contains("not supported"));
        assert!(master_address("nonsense").is_err());
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
}
