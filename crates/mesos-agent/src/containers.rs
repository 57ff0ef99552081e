//! The Mesos containerizer's shell side with the posix launcher: for each
//! [`ContainerLaunch`] it makes the sandbox (and the run's `latest` link), fetches the URIs,
//! starts the executor in its own process group and session-less group as the chosen user,
//! waits for it, and tells the driver how it ended. A destroy request kills the whole group
//! at once (the executor had its grace period before the core asked for this).
//!
//! The [`Containerizer`] trait is what later containerizers (cgroups isolation, Docker) plug
//! into; [`PosixContainerizer`] is the one there is today.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use mesos_agent_core::executors::ContainerLaunch;
use mesos_containerizer::fetcher::{Fetcher, UriSpec};
use mesos_containerizer::{Container, LaunchSpec, Usage};
use tokio::sync::mpsc;

/// How a container ended, or why it never started.
#[derive(Debug)]
pub enum ContainerEnd {
    /// The sandbox, the fetch or the launch failed; the message says which and why.
    LaunchFailed(String),
    /// The executor's process exited with this wait status (`None` if it was never started
    /// because it was destroyed first, or could not be waited for).
    Exited(Option<i32>),
}

/// Runs executors' containers.
pub trait Containerizer: Send + Sync {
    /// Starts `launch` in the background; `ended` is called once with the outcome. The
    /// executor's pid and start time are written atomically to `pid_file`, if given, so a
    /// restarted agent can find it. The returned handle destroys the container when asked.
    fn launch(
        &self,
        launch: ContainerLaunch,
        pid_file: Option<PathBuf>,
        ended: Box<dyn FnOnce(ContainerEnd) + Send>,
    ) -> ContainerHandle;

    /// Watches a container found alive after an agent restart (its executor is no longer
    /// the agent's child): `ended` is called when the process is gone.
    fn recover(
        &self,
        pid: u32,
        start_time: u64,
        ended: Box<dyn FnOnce(ContainerEnd) + Send>,
    ) -> ContainerHandle;

    /// CPU and memory of a running container whose executor is `pid`: every process in its
    /// session and process group.
    fn usage(&self, pid: u32) -> Option<Usage>;
}

/// Destroys a container; dropping it leaves the container running (executors outlive the
/// agent).
#[derive(Debug)]
pub struct ContainerHandle {
    destroy: mpsc::UnboundedSender<()>,
    pid: Arc<std::sync::atomic::AtomicU32>,
}

impl ContainerHandle {
    /// Kills the container's whole process group.
    pub fn destroy(&self) {
        let _ = self.destroy.send(());
    }

    /// The executor's pid, once started (0 before).
    pub fn pid(&self) -> u32 {
        self.pid.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// `PATH` of an executor whose environment has none (the search path Mesos' launch helper
/// falls back to).
pub const HOST_DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The posix launcher: plain processes, no isolation beyond process groups.
#[derive(Debug)]
pub struct PosixContainerizer {
    fetcher: Arc<Fetcher>,
    /// What of the agent's own environment goes under every executor's.
    inherited: Arc<Vec<(String, String)>>,
    /// `--runtime_dir`: each running container's pid goes to `containers/<id>/pid` there.
    runtime_dir: Option<PathBuf>,
}

impl PosixContainerizer {
    /// A containerizer fetching with `fetcher`. With `inherit_agent_environment` executors
    /// start from the agent's environment (its `MESOS_*` flags and `LIBPROCESS_*` settings
    /// excluded, so they do not leak into tasks); without it (the operator gave
    /// `--executor_environment_variables`) only `LIBPROCESS_IP` is passed on, as Mesos does.
    pub fn new(
        fetcher: Fetcher,
        inherit_agent_environment: bool,
        runtime_dir: Option<PathBuf>,
    ) -> PosixContainerizer {
        let inherited = std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
            .filter(|(name, _)| {
                if inherit_agent_environment {
                    !name.starts_with("MESOS_") && !name.starts_with("LIBPROCESS_")
                } else {
                    name == "LIBPROCESS_IP"
                }
            })
            .collect();
        PosixContainerizer { fetcher: Arc::new(fetcher), inherited: Arc::new(inherited), runtime_dir }
    }
}

/// `<runtime_dir>/containers/<container_id>`, Mesos' per-boot record of a container.
pub fn runtime_path(runtime_dir: &Path, container_id: &str) -> PathBuf {
    runtime_dir.join("containers").join(container_id)
}

impl Containerizer for PosixContainerizer {
    fn launch(
        &self,
        launch: ContainerLaunch,
        pid_file: Option<PathBuf>,
        ended: Box<dyn FnOnce(ContainerEnd) + Send>,
    ) -> ContainerHandle {
        let (destroy_tx, destroy_rx) = mpsc::unbounded_channel();
        let pid = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let runtime = self.runtime_dir.as_deref().map(|dir| runtime_path(dir, &launch.container_id));
        let task = run(
            launch,
            self.fetcher.clone(),
            self.inherited.clone(),
            destroy_rx,
            pid.clone(),
            PidFiles { checkpoint: pid_file, runtime },
        );
        tokio::spawn(async move { ended(task.await) });
        ContainerHandle { destroy: destroy_tx, pid }
    }

    fn recover(
        &self,
        pid: u32,
        start_time: u64,
        ended: Box<dyn FnOnce(ContainerEnd) + Send>,
    ) -> ContainerHandle {
        let (destroy_tx, mut destroy_rx) = mpsc::unbounded_channel::<()>();
        tokio::spawn(async move {
            let alive = || pid != 0 && mesos_containerizer::process_start_time(pid) == Some(start_time);
            let mut destroying = false;
            while alive() {
                tokio::select! {
                    Some(()) = destroy_rx.recv(), if !destroying => {
                        destroying = true;
                        // Checked alive just now: the pid is still the executor's.
                        if alive() {
                            mesos_containerizer::kill_group(pid);
                        }
                    }
                    () = tokio::time::sleep(Duration::from_millis(100)) => {}
                }
            }
            if pid != 0 {
                // What it left in its group or session goes with it (never a newcomer that
                // took its pid).
                mesos_containerizer::kill_leftovers(pid);
            }
            ended(ContainerEnd::Exited(None));
        });
        ContainerHandle { destroy: destroy_tx, pid: Arc::new(std::sync::atomic::AtomicU32::new(pid)) }
    }

    fn usage(&self, pid: u32) -> Option<Usage> {
        mesos_containerizer::usage(pid)
    }
}

/// Where a launched executor's pid is written.
struct PidFiles {
    /// The checkpoint's `pid start_time` file, for recovery.
    checkpoint: Option<PathBuf>,
    /// The runtime dir's container directory (its `pid` file holds the pid alone).
    runtime: Option<PathBuf>,
}

async fn run(
    launch: ContainerLaunch,
    fetcher: Arc<Fetcher>,
    inherited: Arc<Vec<(String, String)>>,
    mut destroy: mpsc::UnboundedReceiver<()>,
    pid: Arc<std::sync::atomic::AtomicU32>,
    pid_files: PidFiles,
) -> ContainerEnd {
    let sandbox = PathBuf::from(&launch.directory);
    if let Err(error) = make_sandbox(&sandbox) {
        return ContainerEnd::LaunchFailed(format!("cannot create sandbox {}: {error}", sandbox.display()));
    }
    if let Err(error) = link_volumes(&sandbox, &launch.volumes) {
        return ContainerEnd::LaunchFailed(error);
    }
    let uris: Vec<UriSpec> = launch
        .uris
        .iter()
        .map(|uri| UriSpec {
            value: uri.value.clone(),
            executable: uri.executable == Some(true),
            extract: uri.extract != Some(false),
            cache: uri.cache == Some(true),
            output_file: uri.output_file.clone(),
        })
        .collect();
    if !uris.is_empty() {
        let into = sandbox.clone();
        let fetch = tokio::task::spawn_blocking(move || fetcher.fetch_all(&uris, &into));
        tokio::select! {
            result = fetch => match result {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => return ContainerEnd::LaunchFailed(format!("Failed to fetch all URIs: {error}")),
                Err(error) => return ContainerEnd::LaunchFailed(format!("the fetcher crashed: {error}")),
            },
            Some(()) = destroy.recv() => return ContainerEnd::Exited(None),
        }
    }
    let mut environment: std::collections::BTreeMap<String, String> = inherited.iter().cloned().collect();
    environment.extend(launch.environment.iter().cloned());
    environment.entry("PATH".to_string()).or_insert_with(|| HOST_DEFAULT_PATH.to_string());
    let command = &launch.command;
    let spec = LaunchSpec {
        sandbox,
        shell: command.shell != Some(false),
        value: command.value.clone().unwrap_or_default(),
        arguments: command.arguments.clone(),
        environment: environment.into_iter().collect(),
        user: launch.user.clone(),
        grouping: mesos_containerizer::Grouping::Session,
    };
    // fork/exec blocks for a moment; keep it off the threads serving HTTP.
    let launched = tokio::task::spawn_blocking(move || Container::launch(&spec)).await;
    let mut container = match launched {
        Ok(Ok(container)) => container,
        Ok(Err(error)) => return ContainerEnd::LaunchFailed(error.to_string()),
        Err(error) => return ContainerEnd::LaunchFailed(format!("the launcher crashed: {error}")),
    };
    pid.store(container.pid(), std::sync::atomic::Ordering::Relaxed);
    if let Some(dir) = &pid_files.runtime {
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(dir.join("pid"), container.pid().to_string()));
        if let Err(error) = written {
            // Informational only: recovery reads the checkpoint, not this.
            tracing::warn!(dir = %dir.display(), "cannot record the container's pid in --runtime_dir: {error}");
        }
    }
    if let Some(path) = pid_files.checkpoint {
        let start = mesos_containerizer::process_start_time(container.pid()).unwrap_or(0);
        if let Err(error) =
            crate::checkpoint::write_atomically(&path, format!("{} {start}", container.pid()).as_bytes())
        {
            // Without it a restarted agent cannot reconnect to this executor.
            tracing::error!(path = %path.display(), "cannot checkpoint the executor's pid: {error}");
        }
    }
    let status = tokio::select! {
        status = container.wait() => {
            // An executor that failed or was killed may have left processes behind in its
            // group or session: they go too. A clean exit means it ended its tasks itself.
            if !status.as_ref().is_ok_and(|s| s.success()) {
                container.reap_stragglers();
            }
            status
        }
        Some(()) = destroy.recv() => container.kill(Duration::ZERO).await,
    };
    use std::os::unix::process::ExitStatusExt;
    ContainerEnd::Exited(status.ok().map(|s| s.into_raw()))
}

/// Makes each persistent volume exist on the host and appear in the sandbox (the posix
/// `filesystem/posix` way: a symbolic link at the volume's container path).
fn link_volumes(sandbox: &Path, volumes: &[(String, String)]) -> Result<(), String> {
    for (host, inside) in volumes {
        let relative = Path::new(inside.trim_start_matches('/'));
        if relative.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(format!("volume container path '{inside}' must stay inside the sandbox"));
        }
        std::fs::create_dir_all(host).map_err(|e| format!("cannot create volume {host}: {e}"))?;
        let link = sandbox.join(relative);
        if let Some(parent) = link.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot prepare {}: {e}", parent.display()))?;
        }
        if std::fs::symlink_metadata(&link).is_err() {
            std::os::unix::fs::symlink(host, &link)
                .map_err(|e| format!("cannot link volume {host} at {}: {e}", link.display()))?;
        }
    }
    Ok(())
}

/// Creates the run's sandbox and points the executor's `runs/latest` link at it.
fn make_sandbox(sandbox: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(sandbox)?;
    if let (Some(runs), Some(name)) = (sandbox.parent(), sandbox.file_name()) {
        let latest = runs.join("latest");
        let temporary = runs.join(format!(".latest.{}", std::process::id()));
        let _ = std::fs::remove_file(&temporary);
        std::os::unix::fs::symlink(name, &temporary)?;
        // rename replaces the old link atomically.
        std::fs::rename(&temporary, &latest)?;
    }
    Ok(())
}
