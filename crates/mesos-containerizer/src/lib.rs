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
    ProcessTable::scan()
        .members(leader)
        // The leader's pid may now be a newcomer's; zombies are already dead.
        .filter(|p| p.pid != leader && !p.zombie)
        .map(|p| p.pid)
        .collect()
}

/// The fields of one `/proc/<pid>/stat` that the containerizer uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ProcessStat {
    pid: u32,
    /// Exited, not yet reaped: it holds no memory, but its CPU time is not yet its parent's.
    zombie: bool,
    pgrp: u32,
    session: u32,
    /// Clock ticks in user and system mode.
    utime: u64,
    stime: u64,
    /// Clock ticks of its children that it has reaped.
    cutime: u64,
    cstime: u64,
    /// Resident pages.
    rss_pages: u64,
}

impl ProcessStat {
    fn parse(stat: &str) -> Option<ProcessStat> {
        let (pid, rest) = stat.split_once(' ')?;
        // Fields after the parenthesised command name, which may itself contain spaces or ')'.
        let after = rest.rsplit_once(')')?.1;
        let fields: Vec<&str> = after.split_ascii_whitespace().collect();
        let number = |index: usize| fields.get(index).and_then(|f| f.parse::<u64>().ok());
        let id = |index: usize| fields.get(index).and_then(|f| f.parse::<u32>().ok());
        Some(ProcessStat {
            pid: pid.parse().ok()?,
            zombie: matches!(fields.first(), Some(&"Z") | Some(&"X")),
            pgrp: id(2)?,
            session: id(3)?,
            utime: number(11)?,
            stime: number(12)?,
            cutime: number(13)?,
            cstime: number(14)?,
            // rss is signed in the kernel's format; a kernel thread shows 0.
            rss_pages: fields.get(21)?.parse::<i64>().ok()?.max(0).unsigned_abs(),
        })
    }
}

/// One pass over `/proc`: every process there, read once. A process that exits while the
/// scan runs is simply not in it (or is, as it was a moment before).
#[derive(Debug, Default)]
pub struct ProcessTable {
    processes: Vec<ProcessStat>,
}

impl ProcessTable {
    /// Reads every process' `/proc/<pid>/stat`.
    pub fn scan() -> ProcessTable {
        ProcessTable::scan_from(Path::new("/proc"))
    }

    fn scan_from(proc_root: &Path) -> ProcessTable {
        let Ok(entries) = std::fs::read_dir(proc_root) else { return ProcessTable::default() };
        let processes = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
            .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
            .filter_map(|stat| ProcessStat::parse(&stat))
            .collect();
        ProcessTable { processes }
    }

    /// The processes of the container whose executor is `leader`: everything in the process
    /// group or session it leads, wherever in the tree (a process whose parent exited
    /// stays in its session), zombies included.
    fn members(&self, leader: u32) -> impl Iterator<Item = &ProcessStat> {
        self.processes.iter().filter(move |p| p.pgrp == leader || p.session == leader)
    }

    /// The usage of the container whose executor is `leader`, summed over every process in
    /// the group or session it leads (wherever in the tree, so also a process whose parent
    /// exited); `None` when none is left. CPU time includes what the container's processes
    /// have reaped of their children, so it does not drop when a short-lived child ends; RSS
    /// is each process' resident set added up (pages shared between processes count in
    /// each, as in Mesos' posix isolators).
    pub fn container_usage(&self, leader: u32) -> Option<Usage> {
        let mut members = self.members(leader).peekable();
        members.peek()?;
        let (mut user, mut system, mut rss_pages) = (0u64, 0u64, 0u64);
        for process in members {
            user = user.saturating_add(process.utime).saturating_add(process.cutime);
            system = system.saturating_add(process.stime).saturating_add(process.cstime);
            rss_pages = rss_pages.saturating_add(process.rss_pages);
        }
        let ticks = 100.0; // USER_HZ is 100 on every Linux ABI we run on.
        Some(Usage {
            cpus_user_time_secs: user as f64 / ticks,
            cpus_system_time_secs: system as f64 / ticks,
            mem_rss_bytes: rss_pages.saturating_mul(rustix::param::page_size() as u64),
        })
    }
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

/// CPU time and memory of a container, from `/proc` (for `/monitor/statistics`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Usage {
    /// User CPU seconds.
    pub cpus_user_time_secs: f64,
    /// System CPU seconds.
    pub cpus_system_time_secs: f64,
    /// Resident memory in bytes.
    pub mem_rss_bytes: u64,
}

/// The usage of the container whose executor (session and group leader) is `leader`, over
/// all its processes ([`ProcessTable::container_usage`]); `None` if none is left. Scans
/// `/proc` once: for several containers, scan a [`ProcessTable`] once and ask it for each.
pub fn usage(leader: u32) -> Option<Usage> {
    ProcessTable::scan().container_usage(leader)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_start_time_and_a_missing_one_has_none() {
        assert!(process_start_time(std::process::id()).is_some());
        assert!(process_start_time(u32::MAX - 1).is_none());
    }

    /// A `/proc/<pid>/stat` line: pid (comm) state ppid pgrp session tty tpgid flags minflt
    /// cminflt majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue
    /// starttime vsize rss ...
    fn stat(pid: u32, comm: &str, state: char, ids: (u32, u32, u32), times: [u64; 4], rss: u64) -> String {
        let (ppid, pgrp, session) = ids;
        let [utime, stime, cutime, cstime] = times;
        format!(
            "{pid} ({comm}) {state} {ppid} {pgrp} {session} 0 -1 0 0 0 0 0 {utime} {stime} {cutime} {cstime} 20 0 1 0 100 1000000 {rss} 0"
        )
    }

    fn fake_proc(processes: &[String]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for line in processes {
            let pid = line.split(' ').next().unwrap();
            std::fs::create_dir_all(dir.path().join(pid)).unwrap();
            std::fs::write(dir.path().join(pid).join("stat"), line).unwrap();
        }
        dir
    }

    #[test]
    fn container_usage_sums_every_process_in_the_leaders_session_or_group() {
        let proc_root = fake_proc(&[
            // The executor leads session and group 42; a name with spaces and ')' parses.
            stat(42, "my exec) x", 'S', (1, 42, 42), [250, 50, 100, 10], 300),
            // Its task, in a group of its own within the session.
            stat(43, "sh", 'S', (42, 43, 42), [10, 5, 0, 0], 1000),
            // The task's child whose parent exited: re-parented to init, still in the session.
            stat(44, "python3", 'R', (1, 43, 42), [40, 20, 0, 0], 20_000),
            // A child that exited and is not reaped yet: its CPU time counts, it holds no memory.
            stat(45, "done", 'Z', (43, 43, 42), [3, 2, 0, 0], 0),
            // Another container and an agent's process: not this one's.
            stat(50, "other", 'S', (1, 50, 50), [999, 999, 999, 999], 999),
            stat(51, "agent", 'S', (1, 51, 51), [7, 7, 7, 7], 7),
        ]);
        // A process that vanished mid-scan (its directory is left, its stat unreadable) and
        // the entries of /proc that are no processes are skipped.
        std::fs::create_dir_all(proc_root.path().join("46")).unwrap();
        std::fs::create_dir_all(proc_root.path().join("self")).unwrap();
        std::fs::write(proc_root.path().join("47"), "not a directory").unwrap();
        let table = ProcessTable::scan_from(proc_root.path());
        let usage = table.container_usage(42).expect("the container has processes");
        assert_eq!(usage.cpus_user_time_secs, (250.0 + 100.0 + 10.0 + 40.0 + 3.0) / 100.0);
        assert_eq!(usage.cpus_system_time_secs, (50.0 + 10.0 + 5.0 + 20.0 + 2.0) / 100.0);
        assert_eq!(usage.mem_rss_bytes, 21_300 * rustix::param::page_size() as u64);
        // The other container is counted apart; a container with no process left has none.
        assert_eq!(
            table.container_usage(50).map(|u| u.mem_rss_bytes),
            Some(999 * rustix::param::page_size() as u64)
        );
        assert_eq!(table.container_usage(7), None);
    }

    #[test]
    fn the_real_proc_shows_this_process_and_its_usage() {
        let table = ProcessTable::scan();
        let me = std::process::id();
        let stat = table.processes.iter().find(|p| p.pid == me).expect("this process is in /proc");
        assert!(stat.rss_pages > 0);
        let session = stat.session;
        assert!(table.container_usage(session).is_some_and(|u| u.mem_rss_bytes > 0));
    }
}
