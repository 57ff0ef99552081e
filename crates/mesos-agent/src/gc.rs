//! Removing finished sandboxes: the policy of `mesos_agent_core::gc` applied every
//! `--disk_watch_interval` against the work dir's real disk usage.

use std::path::PathBuf;
use std::time::Duration;

use mesos_agent_core::gc::{GarbageCollector, max_allowed_age};
use mesos_types::Time;

use crate::flags::AgentFlags;

/// The agent's sandbox collector.
#[derive(Debug)]
pub struct SandboxGc {
    collector: GarbageCollector,
    gc_delay: Duration,
    headroom: f64,
    interval: Duration,
    work_dir: PathBuf,
    next: Time,
}

impl SandboxGc {
    /// A collector configured by the agent's flags.
    pub fn new(flags: &AgentFlags) -> SandboxGc {
        SandboxGc {
            collector: GarbageCollector::new(),
            gc_delay: flags.gc_delay,
            headroom: flags.gc_disk_headroom,
            interval: flags.disk_watch_interval.max(Duration::from_millis(100)),
            work_dir: flags.work_dir.clone(),
            next: Time::ZERO,
        }
    }

    /// A sandbox finished at `at`.
    pub fn schedule(&mut self, path: &str, at: Time) {
        self.collector.schedule(path, at);
    }

    /// A sandbox is in use again.
    pub fn unschedule(&mut self, path: &str) {
        self.collector.unschedule(path);
    }

    /// Sandboxes waiting for removal.
    pub fn pending(&self) -> usize {
        self.collector.pending()
    }

    /// When [`SandboxGc::collect`] should run next.
    pub fn next_check(&self) -> Time {
        if self.collector.pending() == 0 { crate::now() + Duration::from_secs(3600) } else { self.next }
    }

    /// Removes the sandboxes that are due (in the background) and returns their paths.
    pub fn collect(&mut self, now: Time) -> Vec<String> {
        if now < self.next || self.collector.pending() == 0 {
            return Vec::new();
        }
        self.next = now + self.interval;
        let usage = disk_usage(&self.work_dir).unwrap_or(0.0);
        let due = self.collector.due(now, max_allowed_age(self.gc_delay, self.headroom, usage));
        for path in &due {
            let path = PathBuf::from(path);
            tokio::task::spawn_blocking(move || {
                if let Err(error) = std::fs::remove_dir_all(&path)
                    && error.kind() != std::io::ErrorKind::NotFound
                {
                    tracing::warn!(path = %path.display(), "cannot remove sandbox: {error}");
                }
            });
        }
        due
    }
}

/// Used fraction of the file system holding `path`: blocks in use over all blocks, as Mesos
/// computes it. (Counting the blocks only root may use as used, `f_bavail`, would make a
/// file system with a large reservation look nearly full and collect sandboxes at once.)
fn disk_usage(path: &std::path::Path) -> Option<f64> {
    let stat = rustix::fs::statvfs(path).ok()?;
    if stat.f_blocks == 0 {
        return None;
    }
    Some(stat.f_blocks.saturating_sub(stat.f_bfree) as f64 / stat.f_blocks as f64)
}
