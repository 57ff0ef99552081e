//! The agent's checkpoints under `<work_dir>/meta` (operator-api.md §8.1): which agent this
//! is, so a restarted agent re-registers under the same id. Files are written atomically
//! (temp file, fsync, rename) and the `latest` link is replaced by renaming a new link over it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use mesos_agent_core::executors::ExecutorKind;
use mesos_agent_core::recovery::{RecoveredExecutor, RecoveredFramework, RecoveredTask};
use mesos_agent_core::status_updates::Record;
use mesos_proto::v1::{AgentInfo, ExecutorInfo, FrameworkInfo, TaskInfo};

/// An executor's checkpoint: its info and the run it is in.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExecutorCheckpoint {
    /// The ExecutorInfo.
    #[prost(message, required, tag = "1")]
    pub info: ExecutorInfo,
    /// Its container.
    #[prost(string, tag = "2")]
    pub container_id: String,
    /// Its sandbox.
    #[prost(string, tag = "3")]
    pub directory: String,
    /// 1 command, 2 default, 3 custom.
    #[prost(int32, tag = "4")]
    pub kind: i32,
}

impl ExecutorCheckpoint {
    /// The record of an executor of `kind`.
    pub fn new(info: ExecutorInfo, kind: ExecutorKind, container_id: String, directory: String) -> Self {
        let kind = match kind {
            ExecutorKind::Command => 1,
            ExecutorKind::Default => 2,
            ExecutorKind::Custom => 3,
        };
        ExecutorCheckpoint { info, container_id, directory, kind }
    }
}

/// The kernel's id of this boot.
fn current_boot_id() -> Option<String> {
    fs::read_to_string("/proc/sys/kernel/random/boot_id").ok().map(|s| s.trim().to_string())
}

fn is_missing(error: &CheckpointError) -> bool {
    matches!(error, CheckpointError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
}

fn list_dirs(dir: &Path) -> Result<Vec<PathBuf>, CheckpointError> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut dirs: Vec<PathBuf> =
                entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
            dirs.sort();
            Ok(dirs)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(CheckpointError::Io { path: dir.to_path_buf(), source }),
    }
}

fn read_message<M: Message + Default>(path: &Path, latest: &Path) -> Result<M, CheckpointError> {
    let bytes = fs::read(path).map_err(|source| CheckpointError::Io { path: path.to_path_buf(), source })?;
    M::decode(bytes.as_slice()).map_err(|e| CheckpointError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
        latest: latest.to_path_buf(),
    })
}

/// `pid start_time` from a pid file; `(None, 0)` if missing or unreadable (the executor
/// never started, or the agent died before writing it).
fn read_pid(path: &Path) -> (Option<u32>, u64) {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut parts = text.split_whitespace();
    let pid = parts.next().and_then(|p| p.parse().ok());
    let start = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (pid, start)
}

const UPDATE_RECORD: u8 = 1;
const ACK_RECORD: u8 = 2;
use prost::Message;

/// Why the checkpoint cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// File system error, with the path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A checkpoint that does not decode.
    #[error("{path} is corrupt ({reason}); remove {latest} to start as a new agent")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The decoding error.
        reason: String,
        /// The link to remove.
        latest: PathBuf,
    },
    /// The agent's configuration changed since it registered.
    #[error(
        "this work dir belongs to agent {agent_id}, which registered with different {what}; \
         restore the old flags, or remove {latest} to start as a new agent"
    )]
    Incompatible {
        /// The checkpointed agent.
        agent_id: String,
        /// `resources` or `attributes`.
        what: &'static str,
        /// The link to remove.
        latest: PathBuf,
    },
}

/// `<work_dir>/meta`.
#[derive(Clone, Debug)]
pub struct Meta {
    slaves: PathBuf,
    resources: PathBuf,
}

impl Meta {
    /// The meta directory of `work_dir`.
    pub fn new(work_dir: &Path) -> Meta {
        let meta = work_dir.join("meta");
        Meta {
            slaves: meta.join("slaves"),
            resources: meta.join("resources").join("resources_and_operations.state"),
        }
    }

    /// The dynamic reservations and persistent volumes last checkpointed (empty if none).
    pub fn checkpointed_resources(&self) -> Result<Vec<mesos_proto::v1::Resource>, CheckpointError> {
        use mesos_proto::internal::agent_event::CheckpointResources;
        match fs::read(&self.resources) {
            Ok(bytes) => CheckpointResources::decode(bytes.as_slice()).map(|c| c.resources).map_err(|e| {
                CheckpointError::Corrupt {
                    path: self.resources.clone(),
                    reason: e.to_string(),
                    latest: self.latest(),
                }
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(CheckpointError::Io { path: self.resources.clone(), source }),
        }
    }

    /// Replaces the checkpointed reservations and volumes.
    pub fn checkpoint_resources(
        &self,
        resources: &[mesos_proto::v1::Resource],
    ) -> Result<(), CheckpointError> {
        use mesos_proto::internal::agent_event::CheckpointResources;
        if let Some(dir) = self.resources.parent() {
            fs::create_dir_all(dir)
                .map_err(|source| CheckpointError::Io { path: dir.to_path_buf(), source })?;
        }
        let record = CheckpointResources { resources: resources.to_vec(), operation: None };
        write_atomically(&self.resources, &record.encode_to_vec())
    }

    fn latest(&self) -> PathBuf {
        self.slaves.join("latest")
    }

    fn framework_dir(&self, agent_id: &str, framework_id: &str) -> PathBuf {
        self.slaves.join(agent_id).join("frameworks").join(framework_id)
    }

    fn executor_dir(&self, agent_id: &str, framework_id: &str, executor_id: &str) -> PathBuf {
        self.framework_dir(agent_id, framework_id).join("executors").join(executor_id)
    }

    fn updates_path(&self, agent_id: &str, framework_id: &str, executor_id: &str, task_id: &str) -> PathBuf {
        self.executor_dir(agent_id, framework_id, executor_id)
            .join("tasks")
            .join(task_id)
            .join("task.updates")
    }

    /// Records a checkpointing framework's FrameworkInfo.
    pub fn checkpoint_framework(&self, agent_id: &str, info: &FrameworkInfo) -> Result<(), CheckpointError> {
        let framework_id = info.id.as_ref().map(|id| id.value.as_str()).unwrap_or_default();
        write_atomically(
            &self.framework_dir(agent_id, framework_id).join("framework.info"),
            &info.encode_to_vec(),
        )
    }

    /// Records an executor (its run replaces any earlier one).
    pub fn checkpoint_executor(
        &self,
        agent_id: &str,
        framework_id: &str,
        record: &ExecutorCheckpoint,
    ) -> Result<(), CheckpointError> {
        let dir = self.executor_dir(agent_id, framework_id, &record.info.executor_id.value);
        write_atomically(&dir.join("executor.info"), &record.encode_to_vec())
    }

    /// Where the executor's pid goes once it is started.
    pub fn pid_path(&self, agent_id: &str, framework_id: &str, executor_id: &str) -> PathBuf {
        self.executor_dir(agent_id, framework_id, executor_id).join("forked.pid")
    }

    /// Records a task given to an executor.
    pub fn checkpoint_task(
        &self,
        agent_id: &str,
        framework_id: &str,
        executor_id: &str,
        task: &TaskInfo,
    ) -> Result<(), CheckpointError> {
        let dir =
            self.executor_dir(agent_id, framework_id, executor_id).join("tasks").join(&task.task_id.value);
        write_atomically(&dir.join("task.info"), &task.encode_to_vec())
    }

    fn boot_id_path(&self) -> PathBuf {
        self.slaves.with_file_name("boot_id")
    }

    fn recorded_boot_id(&self) -> Option<String> {
        fs::read_to_string(self.boot_id_path()).ok().map(|s| s.trim().to_string())
    }

    /// Records this boot's id, so that a recovery after a reboot knows no pid is ours.
    pub fn record_boot_id(&self) -> Result<(), CheckpointError> {
        match current_boot_id() {
            Some(id) => write_atomically(&self.boot_id_path(), id.as_bytes()),
            None => Ok(()),
        }
    }

    /// Forgets which agent this work dir belonged to (the master removed it): the next start
    /// registers as a new agent.
    pub fn forget_agent(&self) {
        if let Err(error) = fs::remove_file(self.latest())
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!("cannot remove {}: {error}", self.latest().display());
        }
    }

    /// Forgets an executor whose tasks are all done.
    pub fn remove_executor(&self, agent_id: &str, framework_id: &str, executor_id: &str) {
        let dir = self.executor_dir(agent_id, framework_id, executor_id);
        if let Err(error) = fs::remove_dir_all(&dir)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %dir.display(), "cannot remove executor checkpoint: {error}");
        }
        let framework = self.framework_dir(agent_id, framework_id);
        let empty = fs::read_dir(framework.join("executors")).map(|mut d| d.next().is_none()).unwrap_or(true);
        if empty {
            let _ = fs::remove_dir_all(&framework);
        }
    }

    /// Everything checkpointed for `agent_id`: frameworks, executors (with whether their
    /// process still runs) and tasks with their update records. With `strict` a file that
    /// cannot be read or decoded is an error naming it; otherwise it is skipped with a warning.
    pub fn recover_state(
        &self,
        agent_id: &str,
        strict: bool,
    ) -> Result<Vec<RecoveredFramework>, CheckpointError> {
        let mut frameworks = Vec::new();
        let root = self.slaves.join(agent_id).join("frameworks");
        for framework_dir in list_dirs(&root)? {
            let info =
                match read_message::<FrameworkInfo>(&framework_dir.join("framework.info"), &self.latest()) {
                    Ok(info) => info,
                    Err(error) if !strict => {
                        tracing::warn!("skipping a framework checkpoint: {error}");
                        continue;
                    }
                    Err(error) => return Err(error),
                };
            let Some(framework_id) = info.id.as_ref().map(|id| id.value.clone()) else { continue };
            let mut executors = Vec::new();
            for executor_dir in list_dirs(&framework_dir.join("executors"))? {
                match self.recover_executor(agent_id, &framework_id, &executor_dir, strict) {
                    Ok(executor) => executors.push(executor),
                    // A missing file means the agent died before writing it: nothing to recover.
                    Err(error) if !strict || is_missing(&error) => {
                        tracing::warn!("skipping an executor checkpoint: {error}")
                    }
                    Err(error) => return Err(error),
                }
            }
            frameworks.push(RecoveredFramework { info, executors });
        }
        Ok(frameworks)
    }

    fn recover_executor(
        &self,
        agent_id: &str,
        framework_id: &str,
        dir: &Path,
        strict: bool,
    ) -> Result<RecoveredExecutor, CheckpointError> {
        let record = read_message::<ExecutorCheckpoint>(&dir.join("executor.info"), &self.latest())?;
        let executor_id = record.info.executor_id.value.clone();
        let (pid, start_time) = read_pid(&dir.join("forked.pid"));
        // After a reboot every pid is someone else's: nothing checkpointed is alive.
        let same_boot = self.recorded_boot_id().is_none_or(|recorded| Some(recorded) == current_boot_id());
        let alive = same_boot
            && pid.is_some_and(|pid| mesos_containerizer::process_start_time(pid) == Some(start_time));
        let mut tasks = Vec::new();
        for task_dir in list_dirs(&dir.join("tasks"))? {
            let info = match read_message::<TaskInfo>(&task_dir.join("task.info"), &self.latest()) {
                Ok(info) => info,
                Err(error) if !strict || is_missing(&error) => {
                    tracing::warn!("skipping a task checkpoint: {error}");
                    continue;
                }
                Err(error) => return Err(error),
            };
            let records = self.read_updates(agent_id, framework_id, &executor_id, &info.task_id.value)?;
            tasks.push(RecoveredTask { info, records });
        }
        let kind = match record.kind {
            1 => ExecutorKind::Command,
            2 => ExecutorKind::Default,
            _ => ExecutorKind::Custom,
        };
        Ok(RecoveredExecutor {
            info: record.info,
            kind,
            container_id: record.container_id,
            directory: record.directory,
            alive,
            tasks,
        })
    }

    /// Appends a status-update record of a checkpointing framework's task and syncs it. A
    /// crash mid-append leaves a torn last record, which [`Meta::read_updates`] drops.
    pub fn append_update(
        &self,
        agent_id: &str,
        framework_id: &str,
        executor_id: &str,
        task_id: &str,
        record: &Record,
    ) -> Result<(), CheckpointError> {
        let path = self.updates_path(agent_id, framework_id, executor_id, task_id);
        let io = |source| CheckpointError::Io { path: path.clone(), source };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io)?;
        }
        let mut payload = Vec::new();
        match record {
            Record::Update(status) => {
                payload.push(UPDATE_RECORD);
                status.encode(&mut payload).map_err(|e| io(std::io::Error::other(e)))?;
            }
            Record::Ack(uuid) => {
                payload.push(ACK_RECORD);
                payload.extend_from_slice(uuid);
            }
        }
        let mut file = fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io)?;
        file.write_all(&mesos_proto::recordio::frame(&payload)).map_err(io)?;
        file.sync_data().map_err(io)
    }

    /// The status-update records of a task, oldest first; a torn or unreadable tail is
    /// dropped (it was never acknowledged to anyone).
    pub fn read_updates(
        &self,
        agent_id: &str,
        framework_id: &str,
        executor_id: &str,
        task_id: &str,
    ) -> Result<Vec<Record>, CheckpointError> {
        let path = self.updates_path(agent_id, framework_id, executor_id, task_id);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(CheckpointError::Io { path, source }),
        };
        let mut decoder = mesos_proto::recordio::RecordIoDecoder::new();
        decoder.feed(&bytes);
        let mut records = Vec::new();
        while let Ok(Some(payload)) = decoder.next_record() {
            let record = match payload.split_first() {
                Some((&UPDATE_RECORD, rest)) => match mesos_proto::v1::TaskStatus::decode(rest) {
                    Ok(status) => Record::Update(Box::new(status)),
                    Err(_) => break,
                },
                Some((&ACK_RECORD, rest)) => Record::Ack(rest.to_vec()),
                _ => break,
            };
            records.push(record);
        }
        Ok(records)
    }

    /// The id of the agent this work dir belongs to, if any, after checking that the agent's
    /// resources and attributes have not changed (Mesos' default `equal` policy).
    pub fn recover(&self, current: &AgentInfo) -> Result<Option<String>, CheckpointError> {
        let latest = self.latest();
        let target = match fs::read_link(&latest) {
            Ok(target) => target,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CheckpointError::Io { path: latest, source }),
        };
        let dir = if target.is_absolute() { target } else { self.slaves.join(target) };
        let info_path = dir.join("slave.info");
        let bytes =
            fs::read(&info_path).map_err(|source| CheckpointError::Io { path: info_path.clone(), source })?;
        let info = AgentInfo::decode(bytes.as_slice()).map_err(|e| CheckpointError::Corrupt {
            path: info_path.clone(),
            reason: e.to_string(),
            latest: latest.clone(),
        })?;
        let Some(agent_id) = info.id.as_ref().map(|id| id.value.clone()) else {
            return Err(CheckpointError::Corrupt { path: info_path, reason: "no agent id".into(), latest });
        };
        let resources =
            |i: &AgentInfo| mesos_proto::convert::resources_from_proto(&i.resources).unwrap_or_default();
        if resources(&info) != resources(current) {
            return Err(CheckpointError::Incompatible { agent_id, what: "resources", latest });
        }
        if info.attributes != current.attributes {
            return Err(CheckpointError::Incompatible { agent_id, what: "attributes", latest });
        }
        Ok(Some(agent_id))
    }

    /// Records that this work dir belongs to `agent_id`.
    pub fn checkpoint_agent(&self, agent_id: &str, info: &AgentInfo) -> Result<(), CheckpointError> {
        let dir = self.slaves.join(agent_id);
        fs::create_dir_all(&dir).map_err(|source| CheckpointError::Io { path: dir.clone(), source })?;
        write_atomically(&dir.join("slave.info"), &info.encode_to_vec())?;
        let latest = self.latest();
        let tmp = self.slaves.join("latest.tmp");
        let _ = fs::remove_file(&tmp);
        std::os::unix::fs::symlink(agent_id, &tmp)
            .map_err(|source| CheckpointError::Io { path: tmp.clone(), source })?;
        fs::rename(&tmp, &latest).map_err(|source| CheckpointError::Io { path: latest.clone(), source })?;
        sync_dir(&self.slaves)
    }
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new contents: a
/// temporary file, fsync, rename, fsync of the directory. Creates missing parents.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let io = |source| CheckpointError::Io { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_extension("tmp");
    let mut file = fs::File::create(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::rename(&tmp, path).map_err(io)?;
    match path.parent() {
        Some(dir) => sync_dir(dir),
        None => Ok(()),
    }
}

fn sync_dir(dir: &Path) -> Result<(), CheckpointError> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| CheckpointError::Io { path: dir.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_proto::v1::AgentId;

    #[test]
    fn a_corrupt_checkpoint_stops_a_strict_agent_and_is_skipped_otherwise() {
        use mesos_proto::v1::{ExecutorId, FrameworkId};
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta::new(dir.path());
        let framework = FrameworkInfo { id: Some(FrameworkId { value: "f".into() }), ..Default::default() };
        meta.checkpoint_framework("a", &framework).unwrap();
        let good = ExecutorInfo { executor_id: ExecutorId { value: "good".into() }, ..Default::default() };
        meta.checkpoint_executor(
            "a",
            "f",
            &ExecutorCheckpoint::new(good, ExecutorKind::Custom, "c1".into(), "/s".into()),
        )
        .unwrap();
        let task = TaskInfo { task_id: mesos_proto::v1::TaskId { value: "t".into() }, ..Default::default() };
        meta.checkpoint_task("a", "f", "good", &task).unwrap();
        // A half-written executor record next to it.
        let bad = meta.executor_dir("a", "f", "bad");
        fs::create_dir_all(&bad).unwrap();
        fs::write(bad.join("executor.info"), [0x0a, 0x05, 0x0a]).unwrap();

        // A task directory whose task.info was never written (crash before the rename).
        fs::create_dir_all(meta.executor_dir("a", "f", "good").join("tasks").join("half")).unwrap();
        let error = meta.recover_state("a", true).expect_err("strict");
        assert!(error.to_string().contains("executor.info"), "{error}");
        let state = meta.recover_state("a", false).expect("lenient");
        assert_eq!(state.len(), 1);
        assert_eq!(state[0].executors.len(), 1);
        assert_eq!(state[0].executors[0].info.executor_id.value, "good");
        assert_eq!(state[0].executors[0].tasks.len(), 1);
        assert!(!state[0].executors[0].alive, "no pid was ever written");
        // This process, recorded as the executor: alive in this boot, dead after a reboot.
        let me = std::process::id();
        let start = mesos_containerizer::process_start_time(me).unwrap();
        fs::write(meta.pid_path("a", "f", "good"), format!("{me} {start}")).unwrap();
        meta.record_boot_id().unwrap();
        assert!(meta.recover_state("a", false).unwrap()[0].executors[0].alive);
        fs::write(meta.boot_id_path(), "another-boot").unwrap();
        assert!(!meta.recover_state("a", false).unwrap()[0].executors[0].alive, "a reboot happened");
        meta.remove_executor("a", "f", "good");
        meta.remove_executor("a", "f", "bad");
        assert!(!meta.framework_dir("a", "f").exists(), "the last executor takes the framework along");
    }

    #[test]
    fn update_records_survive_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta::new(dir.path());
        let status = mesos_proto::v1::TaskStatus {
            task_id: mesos_proto::v1::TaskId { value: "t".into() },
            state: 1,
            uuid: Some(vec![7; 16]),
            ..Default::default()
        };
        meta.append_update("a", "f", "e", "t", &Record::Update(Box::new(status.clone()))).unwrap();
        meta.append_update("a", "f", "e", "t", &Record::Ack(vec![7; 16])).unwrap();
        let path = meta.updates_path("a", "f", "e", "t");
        // A crash in the middle of a third append.
        let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"40\n\x01partial").unwrap();
        let records = meta.read_updates("a", "f", "e", "t").unwrap();
        assert_eq!(records, vec![Record::Update(Box::new(status)), Record::Ack(vec![7; 16])]);
        assert!(meta.read_updates("a", "f", "e", "other").unwrap().is_empty());
    }

    fn info(cpus: f64) -> AgentInfo {
        let resources = mesos_types::Resources::parse(&format!("cpus:{cpus}"), "*").unwrap();
        AgentInfo {
            hostname: "h".into(),
            resources: mesos_proto::convert::resources_to_proto(
                &resources,
                mesos_proto::convert::ResourceFormat::CANONICAL,
            ),
            ..Default::default()
        }
    }

    #[test]
    fn a_checkpointed_agent_is_recovered_and_changes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta::new(dir.path());
        assert_eq!(meta.recover(&info(2.0)).unwrap(), None);
        let mut admitted = info(2.0);
        admitted.id = Some(AgentId { value: "m-S3".into() });
        meta.checkpoint_agent("m-S3", &admitted).unwrap();
        assert_eq!(meta.recover(&info(2.0)).unwrap().as_deref(), Some("m-S3"));
        let err = meta.recover(&info(4.0)).unwrap_err().to_string();
        assert!(err.contains("m-S3") && err.contains("resources"), "{err}");
        // A second registration replaces the link.
        admitted.id = Some(AgentId { value: "m-S4".into() });
        meta.checkpoint_agent("m-S4", &admitted).unwrap();
        assert_eq!(meta.recover(&info(2.0)).unwrap().as_deref(), Some("m-S4"));
    }

    #[test]
    fn checkpointed_resources_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta::new(dir.path());
        assert!(meta.checkpointed_resources().unwrap().is_empty());
        let resources = info(1.0).resources;
        meta.checkpoint_resources(&resources).unwrap();
        assert_eq!(meta.checkpointed_resources().unwrap(), resources);
        fs::write(dir.path().join("meta/resources/resources_and_operations.state"), b"\xff\xff").unwrap();
        assert!(meta.checkpointed_resources().is_err());
    }

    #[test]
    fn a_corrupt_checkpoint_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta::new(dir.path());
        meta.checkpoint_agent("a", &info(1.0)).unwrap();
        fs::write(dir.path().join("meta/slaves/a/slave.info"), b"\xff\xff\xff").unwrap();
        let err = meta.recover(&info(1.0)).unwrap_err().to_string();
        assert!(err.contains("corrupt") && err.contains("latest"), "{err}");
    }
}
