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

/// Runs the registrar: receives `(id, operation)`, applies them in order, writes, and
/// reports each batch through `committed`.
pub async fn run(
    store: Box<dyn RegistryStore>,
    mut registry: Registry,
    mut operations: mpsc::UnboundedReceiver<(u64, Operation)>,
    committed: impl Fn(Committed) + Send + 'static,
) {
    let store: std::sync::Arc<dyn RegistryStore> = std::sync::Arc::from(store);
    while let Some(first) = operations.recv().await {
        let mut batch = vec![first];
        while let Ok(next) = operations.try_recv() {
            batch.push(next);
        }
        let mut changed = false;
        for (_, operation) in &batch {
            // Refused operations (e.g. readmitting a gone agent) change nothing; the core
            // checked them already, so this only guards against its bookkeeping being wrong.
            changed |= operation.apply(&mut registry).unwrap_or(false);
        }
        let result = if changed {
            let snapshot = registry.clone();
            let store = store.clone();
            match tokio::task::spawn_blocking(move || store.save(&snapshot)).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(format!("registry write task failed: {e}")),
            }
        } else {
            Ok(())
        };
        if let Err(error) = &result {
            tracing::error!("registry write failed: {error}");
        }
        committed(Committed { ids: batch.into_iter().map(|(id, _)| id).collect(), result });
    }
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
}
