//! Running executors on the agent's machine (issue 3): the posix launcher of Mesos'
//! containerizer. Each executor runs in a session (and so a process group) of its own, so
//! killing it (or an executor killing "its own group", as pymesos does on shutdown) never
//! reaches the agent, and so it outlives an agent restart; everything it starts stays in its
//! session, which is how a destroyed container's processes are all found. Its stdout and
//! stderr go to files in its sandbox. A kill sends SIGTERM to the whole group, waits the
//! grace period, then sends SIGKILL.
//!
//! Isolation (cgroups), images and the Docker containerizer come in later issues; the
//! containerizer trait that lets them plug in is introduced with the executor work.

pub mod fetcher;

use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

use rustix::process::{Pid, Signal};
use tokio::process::{Child, Command};

/// Why a container could not be started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The sandbox or its log files could not be created.
    #[error("cannot prepare sandbox {path}: {source}")]
    Sandbox {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The command could not be started.
    #[error("cannot start '{command}': {source}")]
    Spawn {
        /// What was run.
        command: String,
        /// The error.
        source: std::io::Error,
    },
    /// A command without anything to run.
    #[error("the command has no value to run")]
    EmptyCommand,
    /// The user to run as does not exist or cannot be switched to.
    #[error("cannot run as user '{user}': {reason}")]
    User {
        /// The user.
        user: String,
        /// Why not.
        reason: String,
    },
}

/// What to run.
#[derive(Clone, Debug)]
pub struct LaunchSpec {
    /// Sandbox directory (created if missing); the working directory and home of the logs.
    pub sandbox: PathBuf,
    /// `true`: run `value` with `/bin/sh -c`; `false`: run `value` with `arguments` as argv.
    pub shell: bool,
    /// The command line or executable.
    pub value: String,
    /// argv (argv[0] included) when not using the shell.
    pub arguments: Vec<String>,
    /// The complete environment of the process.
    pub environment: Vec<(String, String)>,
    /// Run as this user (the sandbox is given to them); `None`: as the agent's user.
    pub user: Option<String>,
    /// How the process is set apart from its parent.
    pub grouping: Grouping,
}

/// How a launched process is set apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grouping {
    /// A session of its own (an executor): everything it starts stays in that session,
    /// which is how the container's processes are found and killed without cgroups, and
    /// no terminal signal of the agent reaches it.
    #[default]
    Session,
    /// A process group of its own within the parent's session (a task under an executor),
    /// so the executor can signal the task's group without signalling itself.
    Group,
}

/// The uid and gid of `user`; switching to another user needs root.
pub fn resolve_user(user: &str) -> Result<(u32, u32), LaunchError> {
    let error = |reason: String| LaunchError::User { user: user.to_string(), reason };
    let entry = nix::unistd::User::from_name(user)
        .map_err(|e| error(e.to_string()))?
        .ok_or_else(|| error("no such user on this machine".to_string()))?;
    let (uid, gid) = (entry.uid.as_raw(), entry.gid.as_raw());
    let me = rustix::process::geteuid();
    if !me.is_root() && me.as_raw() != uid {
        return Err(error(
            "the agent is not running as root (start it as root or pass --switch_user=false)".into(),
        ));
    }
    Ok((uid, gid))
}

/// Gives `path` and everything below it (links not followed) to `uid:gid`.
pub fn chown_tree(path: &Path, uid: u32, gid: u32) -> std::io::Result<()> {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid))?;
    if std::fs::symlink_metadata(path)?.is_dir() {
        for entry in std::fs::read_dir(path)? {
            chown_tree(&entry?.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// A running container's main process.
#[derive(Debug)]
pub struct Container {
    child: Child,
    pid: u32,
}

impl Container {
    /// Starts `spec` in its own process group, stdout and stderr into the sandbox.
    pub fn launch(spec: &LaunchSpec) -> Result<Container, LaunchError> {
        std::fs::create_dir_all(&spec.sandbox)
            .map_err(|source| LaunchError::Sandbox { path: spec.sandbox.clone(), source })?;
        let log = |name: &str| {
            let path = spec.sandbox.join(name);
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|source| LaunchError::Sandbox { path, source })
        };
        let (stdout, stderr) = (log("stdout")?, log("stderr")?);
        let owner = spec.user.as_deref().map(resolve_user).transpose()?;
        if let Some((uid, gid)) = owner {
            chown_tree(&spec.sandbox, uid, gid)
                .map_err(|source| LaunchError::Sandbox { path: spec.sandbox.clone(), source })?;
        }
        let mut command = if spec.shell {
            if spec.value.is_empty() {
                return Err(LaunchError::EmptyCommand);
            }
            let mut command = Command::new("/bin/sh");
            command.arg("-c").arg(&spec.value);
            command
        } else {
            if spec.value.is_empty() {
                return Err(LaunchError::EmptyCommand);
            }
            let mut command = Command::new(&spec.value);
            // argv[0] is given by the user; the rest are the arguments.
            command.args(spec.arguments.iter().skip(1));
            command
        };
        command
            .env_clear()
            .envs(spec.environment.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(&spec.sandbox)
            .stdin(std::process::Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(false);
        match spec.grouping {
            Grouping::Group => {
                command.process_group(0);
            }
            Grouping::Session => new_session(&mut command),
        }
        if let Some((uid, gid)) = owner {
            command.uid(uid).gid(gid);
        }
        let child =
            command.spawn().map_err(|source| LaunchError::Spawn { command: spec.value.clone(), source })?;
        let pid = child.id().unwrap_or(0);
        Ok(Container { child, pid })
    }

    /// The main process' pid (also its process group id).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Waits for the main process to exit.
    pub async fn wait(&mut self) -> std::io::Result<ExitStatus> {
        self.child.wait().await
    }

    /// SIGTERM to the whole process group, SIGKILL after `grace` if the main process is
    /// still there; returns how it ended. Stragglers (the rest of the group, and of the
    /// session for a session leader) do not outlive it.
    pub async fn kill(&mut self, grace: Duration) -> std::io::Result<ExitStatus> {
        if !grace.is_zero() {
            signal_group(self.pid, Signal::TERM);
        }
        let status = match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(status) => status,
            Err(_) => {
                signal_group(self.pid, Signal::KILL);
                self.child.wait().await
            }
        };
        self.reap_stragglers();
        status
    }

    /// Kills whatever the container's main process left behind (its group and, for a
    /// session leader, its session); call after it exited.
    pub fn reap_stragglers(&self) {
        // The leader is reaped, so its pid may already belong to someone else: no killpg,
        // only the processes still carrying the old group or session id (Linux does not
        // reuse a number while a group or session holds it).
        kill_leftovers(self.pid);
    }
}

/// Starts `command` in a new session (setsid in the child before exec).
#[allow(unsafe_code)]
fn new_session(command: &mut Command) {
    // SAFETY: the closure runs in the forked child before exec and only calls setsid(2),
    // which is async-signal-safe and touches no memory shared with the parent.
    unsafe {
        command.pre_exec(|| rustix::process::setsid().map(|_| ()).map_err(std::io::Error::from));
    }
}

/// SIGKILLs every process left in the process group or session that `leader` led, except a
/// process that now has `leader`'s pid (a newcomer: the leader is gone). Scans `/proc`, a
/// few rounds to catch forks in flight; returns how many were signalled.
pub fn kill_leftovers(leader: u32) -> usize {
    let mut killed = 0;
    for _ in 0..3 {
        let members = leftovers(leader);
        if members.is_empty() {
            break;
        }
        for pid in members {
            if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
                let _ = rustix::process::kill_process(pid, Signal::KILL);
                killed += 1;
            }
        }
    }
    killed
}

fn leftovers(leader: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| *pid != leader)
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
            let Some((_, after)) = stat.rsplit_once(')') else { return false };
            // state ppid pgrp session ...; zombies are already dead.
            let mut fields = after.split_ascii_whitespace();
            if fields.next() == Some("Z") {
                return false;
            }
            let pgrp = fields.nth(1).and_then(|s| s.parse::<u32>().ok());
            let session = fields.next().and_then(|s| s.parse::<u32>().ok());
            pgrp == Some(leader) || session == Some(leader)
        })
        .collect()
}

fn signal_group(pgid: u32, signal: Signal) {
    let Some(pid) = i32::try_from(pgid).ok().and_then(Pid::from_raw) else { return };
    // The group may already be gone; that is what we wanted.
    let _ = rustix::process::kill_process_group(pid, signal);
}

/// A process' start time (clock ticks since boot, from `/proc/<pid>/stat`), which together
/// with the pid identifies it across pid reuse; `None` if it is gone or a zombie.
pub fn process_start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    if fields.first() == Some(&"Z") || fields.first() == Some(&"X") {
        return None;
    }
    fields.get(19)?.parse().ok()
}

/// Kills a recovered container whose leader the caller has just seen alive: its process
/// group and everything in its session.
pub fn kill_group(pgid: u32) {
    signal_group(pgid, Signal::KILL);
    kill_leftovers(pgid);
}

/// CPU time and memory of a process, from `/proc` (for `/monitor/statistics`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Usage {
    /// User CPU seconds.
    pub cpus_user_time_secs: f64,
    /// System CPU seconds.
    pub cpus_system_time_secs: f64,
    /// Resident memory in bytes.
    pub mem_rss_bytes: u64,
}

/// Reads a process' usage from `/proc/<pid>`; `None` if it is gone.
pub fn usage(pid: u32) -> Option<Usage> {
    usage_from(Path::new("/proc"), pid)
}

fn usage_from(proc_root: &Path, pid: u32) -> Option<Usage> {
    let stat = std::fs::read_to_string(proc_root.join(pid.to_string()).join("stat")).ok()?;
    // Fields after the parenthesised command name, which may itself contain spaces.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = 100.0; // USER_HZ is 100 on every Linux ABI we run on.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let rss_pages: u64 = fields.get(21)?.parse().ok()?;
    let page = rustix::param::page_size() as u64;
    Some(Usage {
        cpus_user_time_secs: utime / ticks,
        cpus_system_time_secs: stime / ticks,
        mem_rss_bytes: rss_pages * page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_start_time_and_a_missing_one_has_none() {
        assert!(process_start_time(std::process::id()).is_some());
        assert!(process_start_time(u32::MAX - 1).is_none());
    }

    #[test]
    fn usage_reads_proc_stat_even_with_spaces_in_the_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("42")).unwrap();
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ... rss
        let stat = "42 (my exec) S 1 42 42 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0 100 1000000 300 0";
        std::fs::write(dir.path().join("42/stat"), stat).unwrap();
        let usage = usage_from(dir.path(), 42).unwrap();
        assert_eq!(usage.cpus_user_time_secs, 2.5);
        assert_eq!(usage.cpus_system_time_secs, 0.5);
        assert_eq!(usage.mem_rss_bytes, 300 * rustix::param::page_size() as u64);
        assert!(usage_from(dir.path(), 7).is_none());
    }
}
