//! Registry storage: applies the core's registry operations and makes them durable.
//!
//! Operations arriving while a write is in flight are batched into the next write (Mesos'
//! registrar does the same), so a burst of agent registrations costs a few writes, not one
//! each. The durable store rewrites the whole registry atomically: temp file, fsync, rename,
//! fsync of the directory. A `kill -9` at any moment leaves either the old or the new file,
//! never a torn one, and [`mesos_registry::decode`] rejects anything else.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use mesos_registry::{Operation, Registry};
use tokio::sync::mpsc;

/// Why the registry could not be loaded or stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// File system error, with the path.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a valid registry.
    #[error(
        "{path} is not a valid registry ({reason}); move it away to start with an empty registry (admitted agents will have to register anew)"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Where the registry lives. The registrar only needs whole-registry reads and writes, so a
/// replicated or ZooKeeper-backed store plugs in by implementing this.
pub trait RegistryStore: Send + Sync + std::fmt::Debug + 'static {
    /// Reads the registry (empty if never written).
    fn load(&self) -> Result<Registry, StoreError>;
    /// Replaces the stored registry; must be atomic with respect to crashes.
    fn save(&self, registry: &Registry) -> Result<(), StoreError>;
}

/// The crash-safe file store: `<work_dir>/registry`.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store in `work_dir` (created if missing).
    pub fn new(work_dir: &Path) -> Result<FileStore, StoreError> {
        fs::create_dir_all(work_dir)
            .map_err(|source| StoreError::Io { path: work_dir.to_path_buf(), source })?;
        Ok(FileStore { path: work_dir.join("registry") })
    }
}

impl RegistryStore for FileStore {
    fn load(&self) -> Result<Registry, StoreError> {
        match fs::read(&self.path) {
            Ok(bytes) => mesos_registry::decode(&bytes)
                .map_err(|e| StoreError::Corrupt { path: self.path.clone(), reason: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Registry::default()),
            Err(source) => Err(StoreError::Io { path: self.path.clone(), source }),
        }
    }

    fn save(&self, registry: &Registry) -> Result<(), StoreError> {
        write_atomically(&self.path, &mesos_registry::encode(registry))
    }
}

/// `--registry=in_memory`: forgotten on restart.
#[derive(Debug, Default)]
pub struct MemoryStore;

impl RegistryStore for MemoryStore {
    fn load(&self) -> Result<Registry, StoreError> {
        Ok(Registry::default())
    }

    fn save(&self, _registry: &Registry) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new contents.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let io = |source| StoreError::Io { path: path.to_path_buf(), source };
    let tmp = path.with_extension("tmp");
    let mut file = fs::File::create(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent() {
        // The rename itself must reach the disk, or a crash could bring back the old name.
        fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(())
}

/// A batch of committed operations.
#[derive(Debug)]
pub struct Committed {
    /// Operation ids.
    pub ids: Vec<u64>,
    /// Outcome of the write.
    pub result: Result<(), String>,
}

/// Whether the registry can be written, for `/master/health` and the process: the registrar
/// sets it, the HTTP server and `main` read it.
#[derive(Debug, Default)]
pub struct Health {
    state: std::sync::Mutex<HealthState>,
    fatal: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct HealthState {
    /// The latest write error, while writes keep failing.
    failing: Option<String>,
    /// Why the master must stop, once writes failed for longer than the store timeout.
    fatal: Option<String>,
}

impl Health {
    /// `None` while the registry is being written fine; otherwise the latest error.
    pub fn failing(&self) -> Option<String> {
        self.lock().failing.clone()
    }

    /// Waits until the registrar gives up, and returns why.
    pub async fn fatal(&self) -> String {
        loop {
            let notified = self.fatal.notified();
            if let Some(reason) = self.lock().fatal.clone() {
                return reason;
            }
            notified.await;
        }
    }

    fn set_failing(&self, error: Option<String>) {
        self.lock().failing = error;
    }

    /// Makes the master stop: the registry cannot be written, or it lost the leadership.
    pub fn set_fatal(&self, reason: String) {
        self.lock().fatal = Some(reason);
        self.fatal.notify_waiters();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HealthState> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// Runs the registrar: receives `(id, operation)`, applies them in order to a copy of the
/// registry, writes the copy, and reports each batch through `committed`. The copy replaces
/// the registry only when the write succeeded, so a failed write leaves no trace.
///
/// While writes fail the master is unhealthy; when they have failed for `store_timeout` (or
/// one write hangs that long) the registrar gives up through [`Health::fatal`], as Mesos'
/// master aborts, so that a standby master can take over rather than this one lingering
/// without a registry.
pub async fn run(
    store: Box<dyn RegistryStore>,
    mut registry: Registry,
    mut operations: mpsc::UnboundedReceiver<(u64, Operation)>,
    committed: impl Fn(Committed) + Send + 'static,
    health: std::sync::Arc<Health>,
    store_timeout: std::time::Duration,
) {
    let store: std::sync::Arc<dyn RegistryStore> = std::sync::Arc::from(store);
    let mut failing_since: Option<tokio::time::Instant> = None;
    loop {
        let first = match failing_since {
            None => operations.recv().await,
            Some(since) => match tokio::time::timeout_at(since + store_timeout, operations.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    // Nothing new to write since the failure: probe with what is committed.
                    let probe = write(&store, registry.clone(), store_timeout).await;
                    match probe {
                        Ok(()) => {
                            failing_since = None;
                            health.set_failing(None);
                            tracing::info!("the registry can be written again");
                        }
                        Err(error) => {
                            give_up(&health, &error, store_timeout);
                            return;
                        }
                    }
                    continue;
                }
            },
        };
        let Some(first) = first else { break };
        let mut batch = vec![first];
        while let Ok(next) = operations.try_recv() {
            batch.push(next);
        }
        let mut next = registry.clone();
        let mut changed = false;
        for (_, operation) in &batch {
            // Refused operations (e.g. readmitting a gone agent) change nothing; the core
            // checked them already, so this only guards against its bookkeeping being wrong.
            changed |= operation.apply(&mut next).unwrap_or(false);
        }
        let result = if changed { write(&store, next.clone(), store_timeout).await } else { Ok(()) };
        match &result {
            Ok(()) => {
                registry = next;
                if failing_since.take().is_some() {
                    health.set_failing(None);
                    tracing::info!("the registry can be written again");
                }
            }
            Err(error) => {
                tracing::error!("registry write failed: {error}");
                health.set_failing(Some(error.clone()));
                let since = *failing_since.get_or_insert_with(tokio::time::Instant::now);
                if error.starts_with(HUNG) || since.elapsed() >= store_timeout {
                    let error = error.clone();
                    committed(Committed { ids: batch.into_iter().map(|(id, _)| id).collect(), result });
                    give_up(&health, &error, store_timeout);
                    return;
                }
            }
        }
        committed(Committed { ids: batch.into_iter().map(|(id, _)| id).collect(), result });
    }
}

/// How the error of a write that did not finish in time starts.
const HUNG: &str = "the registry write did not finish";

/// Writes `registry` on a blocking thread, within `timeout`.
async fn write(
    store: &std::sync::Arc<dyn RegistryStore>,
    registry: Registry,
    timeout: std::time::Duration,
) -> Result<(), String> {
    let store = store.clone();
    let write = tokio::task::spawn_blocking(move || store.save(&registry));
    match tokio::time::timeout(timeout, write).await {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(e))) => Err(e.to_string()),
        Ok(Err(e)) => Err(format!("registry write task failed: {e}")),
        Err(_) => Err(format!("{HUNG} within {}", mesos_flags::units::format_duration(timeout))),
    }
}

fn give_up(health: &Health, error: &str, store_timeout: std::time::Duration) {
    let reason = format!(
        "the registry could not be written for {} (--registry_store_timeout): {error}; \
         check the disk under --work_dir (space, permissions, read-only mount)",
        mesos_flags::units::format_duration(store_timeout)
    );
    tracing::error!("{reason}");
    health.set_fatal(reason);
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_proto::v1::{AgentId, AgentInfo};

    #[test]
    fn save_then_load_round_trips_and_corruption_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path()).unwrap();
        assert_eq!(store.load().unwrap(), Registry::default());
        let mut registry = Registry::default();
        let info =
            AgentInfo { hostname: "h".into(), id: Some(AgentId { value: "a".into() }), ..Default::default() };
        Operation::AdmitAgent(info).apply(&mut registry).unwrap();
        store.save(&registry).unwrap();
        assert_eq!(store.load().unwrap(), registry);
        std::fs::write(dir.path().join("registry"), b"garbage").unwrap();
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains("not a valid registry"), "{err}");
    }

    /// A store whose writes fail while `failing` is set; it remembers what it last stored.
    #[derive(Debug, Default)]
    struct FlakyStore {
        failing: std::sync::atomic::AtomicBool,
        stored: std::sync::Mutex<Option<Registry>>,
    }

    impl RegistryStore for std::sync::Arc<FlakyStore> {
        fn load(&self) -> Result<Registry, StoreError> {
            Ok(Registry::default())
        }

        fn save(&self, registry: &Registry) -> Result<(), StoreError> {
            if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
                let source = std::io::Error::other("disk full");
                return Err(StoreError::Io { path: PathBuf::from("registry"), source });
            }
            *self.stored.lock().unwrap() = Some(registry.clone());
            Ok(())
        }
    }

    fn admit(id: &str) -> Operation {
        Operation::AdmitAgent(AgentInfo {
            hostname: id.into(),
            id: Some(AgentId { value: id.into() }),
            ..Default::default()
        })
    }

    #[tokio::test]
    async fn a_failed_write_leaves_no_trace_and_the_registrar_gives_up_after_the_store_timeout() {
        let store = std::sync::Arc::new(FlakyStore::default());
        store.failing.store(true, std::sync::atomic::Ordering::SeqCst);
        let health = std::sync::Arc::new(Health::default());
        let (ops, rx) = mpsc::unbounded_channel();
        let (results_tx, mut results) = mpsc::unbounded_channel();
        let registrar = tokio::spawn(run(
            Box::new(store.clone()),
            Registry::default(),
            rx,
            move |batch| {
                let _ = results_tx.send(batch);
            },
            health.clone(),
            std::time::Duration::from_millis(300),
        ));
        ops.send((1, admit("a"))).unwrap();
        let first = results.recv().await.unwrap();
        assert_eq!(first.ids, vec![1]);
        assert!(first.result.is_err());
        assert!(health.failing().is_some_and(|e| e.contains("disk full")));

        store.failing.store(false, std::sync::atomic::Ordering::SeqCst);
        ops.send((2, admit("b"))).unwrap();
        assert!(results.recv().await.unwrap().result.is_ok());
        assert_eq!(health.failing(), None);
        let stored = store.stored.lock().unwrap().clone().unwrap();
        assert!(stored.agents.contains_key("b"));
        assert!(
            !stored.agents.contains_key("a"),
            "the failed admission was not kept in the registrar's copy"
        );

        // Writes fail again and nothing succeeds within the store timeout: the registrar gives up.
        store.failing.store(true, std::sync::atomic::Ordering::SeqCst);
        ops.send((3, admit("c"))).unwrap();
        assert!(results.recv().await.unwrap().result.is_err());
        let reason = tokio::time::timeout(std::time::Duration::from_secs(10), health.fatal()).await.unwrap();
        assert!(reason.contains("--registry_store_timeout"), "{reason}");
        tokio::time::timeout(std::time::Duration::from_secs(10), registrar).await.unwrap().unwrap();
    }
}
