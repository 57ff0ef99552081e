//! Flag loading with Mesos' (stout's) semantics, shared by every mesos-rs binary.
//!
//! Mesos users have scripts, unit files and container images full of `--work_dir=...`,
//! `MESOS_PORT=...` and `--acls=file:///etc/mesos/acls.json`; the rules here reproduce what
//! those rely on (operator-api.md §3.1):
//! - `--name=value`, `--name` (booleans only: true), `--no-name` (booleans only: false);
//! - names are lower-cased; parsing stops at a bare `--`; arguments not starting with `--` are
//!   skipped;
//! - every known flag can also come from `MESOS_<NAME>`; the command line wins;
//! - a `MESOS_*` variable that names no flag is not an error (stout drops it unseen) but is
//!   reported in [`Flags::warnings`], unless Mesos itself sets it for other reasons
//!   ([`NOT_FLAGS`]); a known-but-unsupported flag is refused from either source;
//! - using a deprecated alias is reported in [`Flags::warnings`], as stout does;
//! - unknown command-line flags and a flag given twice (e.g. by name and alias) are errors;
//! - `file://<path>` values are replaced by the file's contents.
//!
//! Flags a binary knows by name but does not implement yet are declared
//! [`Support::NotYet`]: they are listed in `--help`, and setting one is a startup error that
//! says so, rather than a silent no-op.

pub mod units;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use units::{format_bytes, format_duration, parse_bytes, parse_duration};

/// What kind of value a flag takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `--x`, `--no-x`, `--x=true|false|1|0`.
    Bool,
    /// Any other value: text, numbers, durations, JSON, paths.
    Value,
    /// A path: `file://` is not expanded, because the path itself is the value.
    Path,
}

/// Whether a declared flag is implemented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Honoured.
    Yes,
    /// Known to Mesos, accepted by name, refused at startup if set.
    NotYet,
}

/// The declaration of one flag.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Canonical name, without dashes (`work_dir`).
    pub name: &'static str,
    /// Deprecated names that mean the same flag (`slave_ping_timeout`).
    pub aliases: &'static [&'static str],
    /// Kind of value.
    pub kind: Kind,
    /// Default value as `/flags` renders it, if any.
    pub default: Option<&'static str>,
    /// One-line help.
    pub help: &'static str,
    /// Whether mesos-rs implements it.
    pub support: Support,
}

impl Spec {
    /// A supported flag taking a value.
    pub const fn value(name: &'static str, default: Option<&'static str>, help: &'static str) -> Spec {
        Spec { name, aliases: &[], kind: Kind::Value, default, help, support: Support::Yes }
    }

    /// A supported boolean flag.
    pub const fn boolean(name: &'static str, default: bool, help: &'static str) -> Spec {
        Spec {
            name,
            aliases: &[],
            kind: Kind::Bool,
            default: Some(if default { "true" } else { "false" }),
            help,
            support: Support::Yes,
        }
    }

    /// A supported path flag (no `file://` expansion).
    pub const fn path(name: &'static str, default: Option<&'static str>, help: &'static str) -> Spec {
        Spec { name, aliases: &[], kind: Kind::Path, default, help, support: Support::Yes }
    }

    /// The same flag with deprecated aliases.
    pub const fn with_aliases(mut self, aliases: &'static [&'static str]) -> Spec {
        self.aliases = aliases;
        self
    }

    /// The same flag, declared but not implemented yet.
    pub const fn not_yet(mut self) -> Spec {
        self.support = Support::NotYet;
        self
    }
}

/// Why flags could not be loaded. Messages name the flag, as a startup error must.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FlagError {
    /// A command-line flag that no declaration knows.
    #[error("Failed to load unknown flag '{0}'")]
    Unknown(String),
    /// The same flag twice (possibly by name and alias).
    #[error("Flag '{0}' is given more than once")]
    Duplicate(String),
    /// `--x` or `--no-x` for a flag that needs a value.
    #[error("Failed to load non-boolean flag '{0}': missing value")]
    MissingValue(String),
    /// `--no-x=value`.
    #[error("Failed to load boolean flag '{0}' via 'no-' with value '{1}'")]
    NegatedWithValue(String, String),
    /// A boolean that is not true/false/1/0.
    #[error("Failed to load flag '{flag}': expected a boolean (true/false/1/0), got '{value}'")]
    NotBool {
        /// The flag.
        flag: String,
        /// What was given.
        value: String,
    },
    /// A `file://` value that could not be read.
    #[error("Failed to load flag '{flag}': cannot read '{path}': {reason}")]
    File {
        /// The flag.
        flag: String,
        /// The file.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// A value that does not parse as the flag's type.
    #[error("Invalid value for flag '--{flag}': {reason}")]
    Invalid {
        /// The flag.
        flag: String,
        /// What is wrong, and what was expected.
        reason: String,
    },
    /// A flag mesos-rs knows but does not implement yet.
    #[error("Flag '--{0}' is not supported by mesos-rs yet; remove it (or leave it at its default)")]
    NotSupported(String),
    /// A required flag was not given.
    #[error("Flag '--{0}' is required")]
    Required(String),
}

/// `MESOS_*` variables that are not flags: what the agent gives executors and tasks, what
/// libmesos, the scheduler driver, the CLI and Mesos' launch helpers read. A binary started
/// by an executor (or from a task's shell) sees them, so they must not be reported as
/// unknown flags.
pub const NOT_FLAGS: &[&str] = &[
    "MESOS_AGENT_ENDPOINT",
    "MESOS_AGENT_ID",
    "MESOS_ALLOCATION_ROLE",
    "MESOS_CHECKPOINT",
    "MESOS_CLI_CONFIG",
    "MESOS_CONNECTION_DELAY_MAX",
    "MESOS_CONTAINER_IP",
    "MESOS_CONTAINER_NAME",
    "MESOS_DIRECTORY",
    "MESOS_DOMAIN_SOCKET",
    "MESOS_EXECUTOR_AUTHENTICATION_TOKEN",
    "MESOS_EXECUTOR_ID",
    "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD",
    "MESOS_EXPLICIT_ACKNOWLEDGEMENTS",
    "MESOS_FETCHER_INFO",
    "MESOS_FRAMEWORK_ID",
    "MESOS_HTTP_COMMAND_EXECUTOR",
    "MESOS_LOCAL",
    "MESOS_NATIVE_JAVA_LIBRARY",
    "MESOS_NATIVE_LIBRARY",
    "MESOS_RECOVERY_TIMEOUT",
    "MESOS_SANDBOX",
    "MESOS_SLAVE_ID",
    "MESOS_SLAVE_PID",
    "MESOS_SUBSCRIPTION_BACKOFF_MAX",
    "MESOS_TASK_ID",
];

/// Prefixes of `MESOS_*` variables that are not flags (Mesos' launch helper's own flags).
pub const NOT_FLAG_PREFIXES: &[&str] = &["MESOS_CONTAINERIZER_"];

/// Flags after loading: canonical name to raw value, plus which were set explicitly.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    values: BTreeMap<&'static str, String>,
    explicit: BTreeMap<&'static str, String>,
    help: bool,
    version: bool,
    warnings: Vec<String>,
}

impl Flags {
    /// Loads flags from command-line arguments (without the program name) and the
    /// environment (`MESOS_*` variables; others are ignored). What deserves a log line but
    /// not a refusal is in [`Flags::warnings`]: the caller logs it once logging is set up.
    pub fn load<A, E>(specs: &[Spec], args: A, env: E) -> Result<Flags, FlagError>
    where
        A: IntoIterator<Item = String>,
        E: IntoIterator<Item = (String, String)>,
    {
        let mut flags = Flags::default();
        let mut from_cli: BTreeMap<&'static str, String> = BTreeMap::new();
        for arg in args {
            if arg == "--" {
                break;
            }
            let Some(body) = arg.strip_prefix("--") else {
                continue;
            };
            let (raw_name, value) = match body.split_once('=') {
                Some((name, value)) => (name.to_ascii_lowercase(), Some(value.to_string())),
                None => (body.to_ascii_lowercase(), None),
            };
            match raw_name.as_str() {
                "help" | "no-help" => {
                    flags.help = raw_name == "help";
                    continue;
                }
                "version" | "no-version" => {
                    flags.version = raw_name == "version";
                    continue;
                }
                _ => {}
            }
            let (name, negated) = match find(specs, &raw_name) {
                Some(spec) => (spec, false),
                None => match raw_name.strip_prefix("no-").and_then(|n| find(specs, n)) {
                    Some(spec) => (spec, true),
                    None => return Err(FlagError::Unknown(raw_name)),
                },
            };
            flags.warn_if_deprecated(name, raw_name.strip_prefix("no-").unwrap_or(&raw_name));
            let value = match (name.kind, negated, value) {
                (Kind::Bool, true, Some(v)) => return Err(FlagError::NegatedWithValue(raw_name, v)),
                (Kind::Bool, true, None) => "false".to_string(),
                (Kind::Bool, false, None) => "true".to_string(),
                (_, true, _) => return Err(FlagError::Unknown(raw_name)),
                (_, false, None) => return Err(FlagError::MissingValue(raw_name)),
                (_, false, Some(v)) => v,
            };
            if from_cli.insert(name.name, value).is_some() {
                return Err(FlagError::Duplicate(name.name.to_string()));
            }
        }

        let mut from_env: BTreeMap<&'static str, String> = BTreeMap::new();
        for (key, value) in env {
            let Some(rest) = key.strip_prefix("MESOS_") else { continue };
            let lowered = rest.to_ascii_lowercase();
            let Some(spec) = find(specs, &lowered) else {
                if !NOT_FLAGS.contains(&key.as_str()) && !NOT_FLAG_PREFIXES.iter().any(|p| key.starts_with(p))
                {
                    flags.warnings.push(format!(
                        "Ignoring environment variable '{key}': '{lowered}' is not a flag of this program"
                    ));
                }
                continue;
            };
            flags.warn_if_deprecated(spec, &lowered);
            if from_env.insert(spec.name, value).is_some() {
                return Err(FlagError::Duplicate(spec.name.to_string()));
            }
        }

        for spec in specs {
            let given = from_cli.remove(spec.name).or_else(|| from_env.remove(spec.name));
            let value = match given {
                Some(value) => {
                    let value = expand_file(spec, value)?;
                    let value = normalize(spec, value)?;
                    if spec.support == Support::NotYet && Some(value.as_str()) != spec.default {
                        return Err(FlagError::NotSupported(spec.name.to_string()));
                    }
                    flags.explicit.insert(spec.name, value.clone());
                    value
                }
                None => match spec.default {
                    Some(default) => default.to_string(),
                    None => continue,
                },
            };
            flags.values.insert(spec.name, value);
        }
        Ok(flags)
    }

    fn warn_if_deprecated(&mut self, spec: &Spec, used: &str) {
        if used != spec.name {
            self.warnings.push(format!("Loaded deprecated flag '{used}' (now '{}')", spec.name));
        }
    }

    /// What loading noticed but did not refuse: unknown `MESOS_*` variables and deprecated
    /// names. A library does not print; the binary logs these.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Whether `--help` was given.
    pub fn help_requested(&self) -> bool {
        self.help
    }

    /// Whether `--version` was given.
    pub fn version_requested(&self) -> bool {
        self.version
    }

    /// The raw value of a flag (explicit or default), if it has one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Whether the flag was set by the user (command line or environment).
    pub fn is_explicit(&self, name: &str) -> bool {
        self.explicit.contains_key(name)
    }

    /// A required flag's raw value.
    pub fn required(&self, name: &str) -> Result<&str, FlagError> {
        self.get(name).ok_or_else(|| FlagError::Required(name.to_string()))
    }

    /// A boolean flag (false when absent without default).
    pub fn bool(&self, name: &str) -> bool {
        self.get(name) == Some("true")
    }

    /// A flag parsed with `parse`, whose error text becomes part of [`FlagError::Invalid`].
    pub fn parse_with<T, F>(&self, name: &str, parse: F) -> Result<Option<T>, FlagError>
    where
        F: FnOnce(&str) -> Result<T, String>,
    {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => {
                parse(raw).map(Some).map_err(|reason| FlagError::Invalid { flag: name.to_string(), reason })
            }
        }
    }

    /// A flag parsed with `FromStr`.
    pub fn parse<T>(&self, name: &str) -> Result<Option<T>, FlagError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        self.parse_with(name, |raw| raw.trim().parse::<T>().map_err(|e| format!("'{raw}': {e}")))
    }

    /// A duration flag.
    pub fn duration(&self, name: &str) -> Result<Option<std::time::Duration>, FlagError> {
        self.parse_with(name, parse_duration)
    }

    /// Every flag with a value, as `/flags` shows them.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.values.iter().map(|(k, v)| (*k, v.as_str()))
    }
}

/// The `--help` text: usage line and every flag with its default.
pub fn help(program: &str, specs: &[Spec]) -> String {
    let mut out = format!("Usage: {program} [options]\n\n");
    for spec in specs {
        let form = match spec.kind {
            Kind::Bool => format!("--[no-]{}", spec.name),
            Kind::Value | Kind::Path => format!("--{}=VALUE", spec.name),
        };
        let _ = write!(out, "  {form:<44} {}", spec.help);
        if let Some(default) = spec.default {
            let _ = write!(out, " (default: {default})");
        }
        if spec.support == Support::NotYet {
            out.push_str(" [not supported yet]");
        }
        if !spec.aliases.is_empty() {
            let _ = write!(out, " (deprecated names: {})", spec.aliases.join(", "));
        }
        out.push('\n');
    }
    out.push_str("\nEvery flag can also be set through the environment as MESOS_<FLAG>.\n");
    out.push_str("A value of the form file://<path> is read from that file.\n");
    if specs.iter().any(|s| s.support == Support::NotYet) {
        out.push_str(
            "Flags marked [not supported yet] are Mesos flags mesos-rs does not implement yet:\n\
             setting one to anything but its default stops the program with an error.\n",
        );
    }
    out
}

fn find<'a>(specs: &'a [Spec], name: &str) -> Option<&'a Spec> {
    specs.iter().find(|s| s.name == name || s.aliases.contains(&name))
}

fn expand_file(spec: &Spec, value: String) -> Result<String, FlagError> {
    if spec.kind == Kind::Path {
        return Ok(value);
    }
    let Some(path) = value.strip_prefix("file://") else { return Ok(value) };
    std::fs::read_to_string(path).map(|contents| contents.trim_end_matches(['\n', '\r']).to_string()).map_err(
        |e| FlagError::File { flag: spec.name.to_string(), path: path.to_string(), reason: e.to_string() },
    )
}

fn normalize(spec: &Spec, value: String) -> Result<String, FlagError> {
    if spec.kind != Kind::Bool {
        return Ok(value);
    }
    match value.to_ascii_lowercase().as_str() {
        "" | "true" | "1" => Ok("true".to_string()),
        "false" | "0" => Ok("false".to_string()),
        _ => Err(FlagError::NotBool { flag: spec.name.to_string(), value }),
    }
}

/// Loads a binary's flags from its process arguments and `MESOS_*` environment. `--help` and
/// `--version` are answered here, and a bad flag is reported on stderr; in those cases the
/// exit code to leave with is returned instead of the flags.
pub fn from_process(program: &str, specs: &[Spec], version: &str) -> Result<Flags, std::process::ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A variable that is not UTF-8 cannot be a flag value; it must not crash the program.
    let env = std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
    match Flags::load(specs, args, env) {
        Ok(flags) if flags.help_requested() => {
            print!("{}", help(program, specs));
            Err(std::process::ExitCode::SUCCESS)
        }
        Ok(flags) if flags.version_requested() => {
            println!("{version}");
            Err(std::process::ExitCode::SUCCESS)
        }
        Ok(flags) => Ok(flags),
        Err(error) => Err(usage_error(program, &error)),
    }
}

/// Prints a flag error with a pointer to `--help`; the exit code to leave with.
pub fn usage_error(program: &str, error: &dyn std::fmt::Display) -> std::process::ExitCode {
    eprintln!("{error}\n\nRun '{program} --help' for the list of flags.");
    std::process::ExitCode::from(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        Spec::value("port", Some("5050"), "port"),
        Spec::boolean("hostname_lookup", true, "lookup"),
        Spec::value("agent_ping_timeout", Some("15secs"), "ping").with_aliases(&["slave_ping_timeout"]),
        Spec::value("quorum", None, "quorum").not_yet(),
        Spec::path("work_dir", None, "dir"),
        Spec::value("acls", None, "acls"),
    ];

    fn load(args: &[&str], env: &[(&str, &str)]) -> Result<Flags, FlagError> {
        Flags::load(
            SPECS,
            args.iter().map(|s| s.to_string()),
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )
    }

    #[test]
    fn command_line_beats_environment_and_defaults_fill_in() {
        let flags = load(&["--port=6000"], &[("MESOS_PORT", "7000"), ("MESOS_WORK_DIR", "/w")]).unwrap();
        assert_eq!(flags.get("port"), Some("6000"));
        assert_eq!(flags.get("work_dir"), Some("/w"));
        assert_eq!(flags.get("agent_ping_timeout"), Some("15secs"));
        assert!(flags.is_explicit("port"));
        assert!(!flags.is_explicit("agent_ping_timeout"));
    }

    #[test]
    fn booleans_take_every_stout_form() {
        assert!(!load(&["--no-hostname_lookup"], &[]).unwrap().bool("hostname_lookup"));
        assert!(load(&["--hostname_lookup"], &[]).unwrap().bool("hostname_lookup"));
        assert!(!load(&["--hostname_lookup=0"], &[]).unwrap().bool("hostname_lookup"));
        assert_eq!(
            load(&["--no-hostname_lookup=true"], &[]).unwrap_err(),
            FlagError::NegatedWithValue("no-hostname_lookup".into(), "true".into())
        );
        assert!(matches!(load(&["--hostname_lookup=maybe"], &[]), Err(FlagError::NotBool { .. })));
    }

    #[test]
    fn unknown_duplicate_and_missing_values_are_errors() {
        assert_eq!(load(&["--bogus=1"], &[]).unwrap_err(), FlagError::Unknown("bogus".into()));
        assert_eq!(
            load(&["--agent_ping_timeout=1secs", "--slave_ping_timeout=2secs"], &[]).unwrap_err(),
            FlagError::Duplicate("agent_ping_timeout".into())
        );
        assert_eq!(load(&["--port"], &[]).unwrap_err(), FlagError::MissingValue("port".into()));
    }

    #[test]
    fn unknown_environment_variables_warn_but_do_not_fail() {
        let flags = load(&[], &[("MESOS_SOMETHING_ELSE", "x"), ("MESOS_PORT", "1")]).unwrap();
        assert_eq!(flags.warnings().len(), 1, "{:?}", flags.warnings());
        assert!(flags.warnings()[0].contains("MESOS_SOMETHING_ELSE"), "{:?}", flags.warnings());
        // What the agent gives every executor is not a misspelt flag.
        let executor_env = [
            ("MESOS_SANDBOX", "/s"),
            ("MESOS_FRAMEWORK_ID", "f"),
            ("MESOS_SLAVE_PID", "slave(1)@1.2.3.4:5051"),
            ("MESOS_CHECKPOINT", "1"),
            ("MESOS_CONTAINERIZER_RUNTIME_DIRECTORY", "/r"),
        ];
        assert!(load(&[], &executor_env).unwrap().warnings().is_empty());
    }

    #[test]
    fn unsupported_flags_are_refused_from_the_environment_too() {
        assert_eq!(
            load(&[], &[("MESOS_QUORUM", "2")]).unwrap_err(),
            FlagError::NotSupported("quorum".into())
        );
        assert_eq!(
            load(&[], &[("MESOS_quorum", "2")]).unwrap_err(),
            FlagError::NotSupported("quorum".into())
        );
    }

    #[test]
    fn deprecated_names_warn() {
        let flags = load(&["--slave_ping_timeout=3secs"], &[]).unwrap();
        assert_eq!(flags.get("agent_ping_timeout"), Some("3secs"));
        assert!(flags.warnings().iter().any(|w| w.contains("slave_ping_timeout")), "{:?}", flags.warnings());
        assert!(load(&["--agent_ping_timeout=3secs"], &[]).unwrap().warnings().is_empty());
    }

    #[test]
    fn parsing_stops_at_double_dash_and_skips_positional_arguments() {
        let flags = load(&["positional", "--port=1", "--", "--bogus"], &[]).unwrap();
        assert_eq!(flags.get("port"), Some("1"));
    }

    #[test]
    fn unsupported_flags_are_refused_only_when_set() {
        assert!(load(&[], &[]).is_ok());
        assert_eq!(load(&["--quorum=2"], &[]).unwrap_err(), FlagError::NotSupported("quorum".into()));
    }

    #[test]
    fn file_values_are_read_except_for_paths() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("acls.json");
        std::fs::write(&file, "{\"permissive\":true}\n").unwrap();
        let arg = format!("--acls=file://{}", file.display());
        let flags = load(&[&arg, "--work_dir=file:///keep"], &[]).unwrap();
        assert_eq!(flags.get("acls"), Some("{\"permissive\":true}"));
        assert_eq!(flags.get("work_dir"), Some("file:///keep"));
        let missing = load(&["--acls=file:///no/such/file"], &[]).unwrap_err();
        assert!(matches!(missing, FlagError::File { .. }), "{missing}");
    }

    #[test]
    fn help_lists_defaults_and_unsupported_flags() {
        let text = help("mesos-master", SPECS);
        assert!(text.contains("--port=VALUE"));
        assert!(text.contains("(default: 15secs)"));
        assert!(text.contains("--[no-]hostname_lookup"));
        assert!(text.contains("[not supported yet]"));
    }

    #[test]
    fn typed_accessors_name_the_flag_in_errors() {
        let flags = load(&["--port=abc", "--agent_ping_timeout=3mins"], &[]).unwrap();
        let err = flags.parse::<u16>("port").unwrap_err();
        assert!(err.to_string().contains("--port"), "{err}");
        assert_eq!(flags.duration("agent_ping_timeout").unwrap(), Some(std::time::Duration::from_secs(180)));
    }
}
