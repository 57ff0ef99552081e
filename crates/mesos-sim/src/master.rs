//! The master process: the real master core, and a registrar that writes its registry to a
//! simulated disk the way `mesos-master`'s does: one write in flight, the operations queued
//! meanwhile batched into the next, each batch applied to a copy that replaces the stored
//! registry only if the write succeeds. A crash loses whatever was not written.

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_master_core::{Config, Master};
use mesos_proto::v1::MasterInfo;
use mesos_registry::{Operation, Registry};
use mesos_types::Time;

/// The start of every simulated master id; the rest is the process's incarnation.
pub const MASTER_ID_PREFIX: &str = "5eed5eed-0000-4000-8000-";

/// A running master process and its durable registry.
pub struct MasterNode {
    /// The core, while the process runs.
    pub core: Option<Master>,
    /// Bumped at every start, so messages meant for an earlier process are dropped.
    pub epoch: u64,
    /// What the disk holds.
    pub stored: Registry,
    /// Operations waiting for the next write.
    pub queued: Vec<(u64, Operation)>,
    /// The batch being written, if a write is in flight.
    pub writing: Option<Vec<(u64, Operation)>>,
    /// Every operation the registrar ever committed, in order (the registry must equal
    /// their application to an empty registry).
    pub committed_log: Vec<Operation>,
    /// Streams open to this process: sim connection → owner.
    pub streams: BTreeMap<u64, StreamOwner>,
    /// The configuration each start uses.
    config: Config,
}

/// Who holds the other end of a stream the master serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamOwner {
    /// A framework's subscription.
    Framework(usize),
    /// An agent's registration.
    Agent(usize),
}

impl MasterNode {
    /// A master with an empty registry, started at `now`; with `registry_gc`, one that prunes
    /// its registry often and keeps little (see [`crate::Behaviours::registry_gc`]).
    pub fn new(seed: u64, offer_timeout: Option<Duration>, registry_gc: bool, now: Time) -> MasterNode {
        let info = MasterInfo {
            id: String::new(),
            ip: 16777343,
            port: 5050,
            pid: Some("master@127.0.0.1:5050".into()),
            hostname: Some("sim-master".into()),
            version: Some("1.12.0".into()),
            ..Default::default()
        };
        let mut config = Config::with_defaults(info);
        config.seed = seed;
        config.offer_timeout = offer_timeout;
        // Short enough that agents lost in a partition are noticed within a run.
        config.agent_ping_timeout = Duration::from_secs(5);
        config.max_agent_ping_timeouts = 3;
        config.agent_reregister_timeout = Duration::from_secs(60);
        if registry_gc {
            config.registry_gc_interval = Duration::from_secs(20);
            config.registry_max_agent_count = 1;
            config.registry_max_agent_age = Duration::from_secs(120);
        }
        let mut node = MasterNode {
            core: None,
            epoch: 0,
            stored: Registry::default(),
            queued: Vec::new(),
            writing: None,
            committed_log: Vec::new(),
            streams: BTreeMap::new(),
            config,
        };
        node.start(now);
        node
    }

    /// Starts the process: the core recovers what the disk holds.
    pub fn start(&mut self, now: Time) {
        self.epoch += 1;
        // Every master process has its own id (as `mesos-master` draws a UUID at start), so
        // framework and offer ids of different incarnations never collide.
        self.config.master_info.id = format!("{MASTER_ID_PREFIX}{:012x}", self.epoch);
        self.config.seed = self.config.seed.wrapping_add(1);
        self.core = Some(Master::new(self.config.clone(), self.stored.clone(), now));
    }

    /// The process dies. A write in flight either reached the disk whole or not at all
    /// (`landed`: writes are atomic renames).
    pub fn crash(&mut self, landed: bool) {
        if let Some(batch) = self.writing.take()
            && landed
        {
            self.apply_batch(&batch);
        }
        self.queued.clear();
        self.core = None;
        self.streams.clear();
    }

    /// Applies a written batch to the stored registry.
    fn apply_batch(&mut self, batch: &[(u64, Operation)]) {
        for (_, operation) in batch {
            if operation.apply(&mut self.stored).unwrap_or(false) {
                self.committed_log.push(operation.clone());
            }
        }
    }

    /// Takes the queued operations as the next batch to write, if no write is in flight.
    pub fn begin_write(&mut self) -> bool {
        if self.writing.is_some() || self.queued.is_empty() {
            return false;
        }
        self.writing = Some(std::mem::take(&mut self.queued));
        true
    }

    /// The write in flight ends; on success its batch is stored. Returns the batch's ids.
    pub fn finish_write(&mut self, success: bool) -> Vec<u64> {
        let Some(batch) = self.writing.take() else { return Vec::new() };
        if success {
            self.apply_batch(&batch);
        }
        batch.into_iter().map(|(id, _)| id).collect()
    }
}
