//! The status-update manager: every task status update reaches the master exactly in order,
//! is retried until acknowledged, and survives an agent restart
//! (scheduler-executor-api.md §4.6).
//!
//! Per task there is a FIFO stream of updates; only its head is in flight. The head is sent
//! at once, resent after 10 s, then with doubling backoff up to 10 minutes, and again whenever
//! the agent (re-)registers. An acknowledgement must name the head's uuid (anything else is
//! ignored); it pops the head and sends the next. Updates whose uuid was seen before are
//! duplicates and dropped. Each update carries the stream's *latest* state so the master can
//! free resources early. A stream ends when its terminal update is acknowledged.
//!
//! For checkpointing frameworks every accepted update and acknowledgement is also emitted as
//! a [`Record`] for the shell to append durably; [`StatusUpdateManager::replay`] rebuilds the
//! streams from those records after a restart. An update of such a stream is forwarded only
//! once the shell reports its record written ([`StatusUpdateManager::checkpointed`]); when the
//! write failed the update is dropped as if it had never arrived, so its sender (which got no
//! acknowledgement) sends it again and nothing reaches the master that a restart would lose.
//! Likewise the update after an acknowledged one goes out only once the acknowledgement's
//! record is written ([`StatusUpdateManager::ack_written`]): a restart before that replays the
//! acknowledged update as the head, and the framework must not have heard a later one.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use mesos_proto::v1::{TaskState, TaskStatus};
use mesos_types::Time;

/// First retry of an unacknowledged update.
pub const INITIAL_RETRY: Duration = Duration::from_secs(10);
/// Longest wait between retries.
pub const MAX_RETRY: Duration = Duration::from_secs(600);

/// Identifies a task's stream: (framework id, task id).
pub type StreamKey = (String, String);

/// One durable record of a stream, for checkpointing frameworks.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// An update was accepted.
    Update(Box<TaskStatus>),
    /// The update with this uuid was acknowledged.
    Ack(Vec<u8>),
}

/// How an accepted update stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// It is safe: in memory for a stream that is not checkpointed, or its record written.
    Recorded,
    /// Its checkpoint record is not written yet; acknowledge it to its sender only after
    /// [`StatusUpdateManager::checkpointed`].
    Unrecorded,
}

/// An effect for the agent.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send this update to the master, with the task's latest state.
    Forward {
        /// Framework id.
        framework_id: String,
        /// The update (uuid set).
        status: Box<TaskStatus>,
        /// The stream's latest state.
        latest_state: TaskState,
    },
    /// Append this record to the task's update checkpoint.
    Checkpoint {
        /// Which stream.
        key: StreamKey,
        /// The record.
        record: Record,
    },
}

/// Why an update or acknowledgement was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UpdateError {
    /// Updates must carry a 16-byte uuid.
    #[error("status update for task {0} has no valid uuid")]
    MissingUuid(String),
    /// Nothing is being delivered for that task.
    #[error("no status update stream for task {0}")]
    UnknownStream(String),
    /// The acknowledgement is not for the update in flight (stale or duplicate).
    #[error("acknowledgement for task {0} does not match the update in flight")]
    UnexpectedAck(String),
    /// The stream already ended with an acknowledged terminal update.
    #[error("task {0} already reached an acknowledged terminal state")]
    StreamEnded(String),
}

#[derive(Debug, Default)]
struct Stream {
    checkpoint: bool,
    pending: VecDeque<TaskStatus>,
    seen: BTreeSet<Vec<u8>>,
    next_retry: Option<Time>,
    backoff: Duration,
    terminated: bool,
    /// Updates whose checkpoint record the shell has not yet reported written.
    unrecorded: BTreeSet<Vec<u8>>,
    /// The acknowledgement whose record is not written yet: nothing is forwarded until it is.
    unrecorded_ack: Option<Vec<u8>>,
}

impl Stream {
    fn latest_state(&self) -> Option<TaskState> {
        self.pending.back().and_then(|s| TaskState::try_from(s.state).ok())
    }
}

/// All of an agent's status-update streams.
#[derive(Debug, Default)]
pub struct StatusUpdateManager {
    streams: BTreeMap<StreamKey, Stream>,
    effects: VecDeque<Effect>,
    /// While disconnected from the master nothing is forwarded; heads are resent on reconnect.
    connected: bool,
    /// The latest instant the manager was told of.
    now: Time,
}

impl StatusUpdateManager {
    /// An empty manager (disconnected).
    pub fn new() -> StatusUpdateManager {
        StatusUpdateManager::default()
    }

    /// Accepts an update (from an executor or generated by the agent). Duplicates (a uuid
    /// seen before on this stream) are accepted and ignored. For a checkpointing stream the
    /// update waits for [`StatusUpdateManager::checkpointed`] before it is forwarded.
    pub fn update(
        &mut self,
        now: Time,
        framework_id: &str,
        status: TaskStatus,
        checkpoint: bool,
    ) -> Result<Accepted, UpdateError> {
        self.now = self.now.max(now);
        let task_id = status.task_id.value.clone();
        let uuid = match &status.uuid {
            Some(uuid) if uuid.len() == 16 => uuid.clone(),
            _ => return Err(UpdateError::MissingUuid(task_id)),
        };
        let key = (framework_id.to_string(), task_id.clone());
        let stream =
            self.streams.entry(key.clone()).or_insert_with(|| Stream { checkpoint, ..Stream::default() });
        if stream.terminated {
            return Err(UpdateError::StreamEnded(task_id));
        }
        if !stream.seen.insert(uuid.clone()) {
            return Ok(if stream.unrecorded.contains(&uuid) {
                Accepted::Unrecorded
            } else {
                Accepted::Recorded
            });
        }
        stream.pending.push_back(status.clone());
        let accepted = if stream.checkpoint {
            stream.unrecorded.insert(uuid);
            self.effects
                .push_back(Effect::Checkpoint { key: key.clone(), record: Record::Update(Box::new(status)) });
            Accepted::Unrecorded
        } else {
            Accepted::Recorded
        };
        let idle = self.streams.get(&key).is_some_and(|s| s.pending.len() == 1);
        if idle {
            self.send_head(now, &key, true);
        }
        Ok(accepted)
    }

    /// The shell wrote (or failed to write) the checkpoint record of the update `uuid`. A
    /// written update may now be forwarded; a failed one is forgotten, so a resend by its
    /// executor is taken as new. Returns whether the update is kept.
    pub fn checkpointed(&mut self, now: Time, key: &StreamKey, uuid: &[u8], written: bool) -> bool {
        self.now = self.now.max(now);
        let Some(stream) = self.streams.get_mut(key) else { return false };
        if !stream.unrecorded.remove(uuid) {
            return false;
        }
        if written {
            if stream.pending.front().and_then(|s| s.uuid.as_deref()) == Some(uuid) {
                self.send_head(now, key, true);
            }
            return true;
        }
        stream.seen.remove(uuid);
        let was_head = stream.pending.front().and_then(|s| s.uuid.as_deref()) == Some(uuid);
        stream.pending.retain(|s| s.uuid.as_deref() != Some(uuid));
        if was_head {
            self.send_head(now, key, true);
        }
        false
    }

    /// The master acknowledged `uuid` for a task.
    pub fn acknowledge(
        &mut self,
        now: Time,
        framework_id: &str,
        task_id: &str,
        uuid: &[u8],
    ) -> Result<(), UpdateError> {
        self.now = self.now.max(now);
        let key = (framework_id.to_string(), task_id.to_string());
        let Some(stream) = self.streams.get_mut(&key) else {
            return Err(UpdateError::UnknownStream(task_id.to_string()));
        };
        if stream.pending.front().and_then(|s| s.uuid.as_deref()) != Some(uuid) {
            return Err(UpdateError::UnexpectedAck(task_id.to_string()));
        }
        let Some(head) = stream.pending.pop_front() else {
            return Err(UpdateError::UnexpectedAck(task_id.to_string()));
        };
        stream.next_retry = None;
        if stream.checkpoint {
            stream.unrecorded_ack = Some(uuid.to_vec());
            self.effects
                .push_back(Effect::Checkpoint { key: key.clone(), record: Record::Ack(uuid.to_vec()) });
        }
        let terminal = TaskState::try_from(head.state).is_ok_and(|s| s.is_terminal());
        let Some(stream) = self.streams.get_mut(&key) else { return Ok(()) };
        if terminal {
            // Nothing after an acknowledged terminal update matters (§4.6).
            stream.pending.clear();
            // Acknowledged terminal update: the stream is done; remember that, so a late
            // duplicate from the executor is refused rather than reopening it.
            stream.terminated = true;
            return Ok(());
        }
        if !stream.pending.is_empty() {
            self.send_head(now, &key, true);
        }
        Ok(())
    }

    /// The record of the acknowledgement of `uuid` is on disk (or needs none): the stream
    /// moves on to its next update.
    pub fn ack_written(&mut self, key: &StreamKey, uuid: &[u8]) {
        let Some(stream) = self.streams.get_mut(key) else { return };
        if stream.unrecorded_ack.as_deref() != Some(uuid) {
            return;
        }
        stream.unrecorded_ack = None;
        let now = self.now;
        self.send_head(now, key, true);
    }

    /// The agent (re-)registered: every head goes out again at once.
    pub fn connected(&mut self, now: Time) {
        self.now = self.now.max(now);
        self.connected = true;
        let keys: Vec<StreamKey> =
            self.streams.iter().filter(|(_, s)| !s.pending.is_empty()).map(|(k, _)| k.clone()).collect();
        for key in keys {
            self.send_head(now, &key, true);
        }
    }

    /// The agent lost the master: stop forwarding until [`StatusUpdateManager::connected`].
    pub fn disconnected(&mut self) {
        self.connected = false;
    }

    /// When the next retry is due.
    pub fn poll_timeout(&self) -> Option<Time> {
        self.streams.values().filter_map(|s| s.next_retry).min()
    }

    /// Resends heads whose retry is due, doubling their backoff.
    pub fn handle_timeout(&mut self, now: Time) {
        self.now = self.now.max(now);
        let due: Vec<StreamKey> = self
            .streams
            .iter()
            .filter(|(_, s)| s.next_retry.is_some_and(|at| at <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            self.send_head(now, &key, false);
        }
    }

    /// The next effect.
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    /// The latest state of a task's stream, if it has pending updates.
    pub fn latest_state(&self, framework_id: &str, task_id: &str) -> Option<TaskState> {
        self.streams.get(&(framework_id.to_string(), task_id.to_string())).and_then(Stream::latest_state)
    }

    /// Updates not yet acknowledged whose records are written, oldest first (for
    /// re-registration reports: the master must not learn of a state a restart would lose).
    pub fn pending(&self, framework_id: &str, task_id: &str) -> Vec<&TaskStatus> {
        self.streams
            .get(&(framework_id.to_string(), task_id.to_string()))
            .map(|s| {
                s.pending
                    .iter()
                    .filter(|u| u.uuid.as_ref().is_none_or(|uuid| !s.unrecorded.contains(uuid)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the task's stream ended with an acknowledged terminal update.
    pub fn stream_ended(&self, framework_id: &str, task_id: &str) -> bool {
        self.streams.get(&(framework_id.to_string(), task_id.to_string())).is_some_and(|s| s.terminated)
    }

    /// Forgets an ended task's stream (its executor is gone, so nothing can repeat it).
    pub fn forget(&mut self, framework_id: &str, task_id: &str) {
        let key = (framework_id.to_string(), task_id.to_string());
        if self.streams.get(&key).is_some_and(|s| s.terminated) {
            self.streams.remove(&key);
        }
    }

    /// Drops every stream of a framework (it was removed).
    pub fn remove_framework(&mut self, framework_id: &str) {
        self.streams.retain(|(fw, _), _| fw != framework_id);
    }

    /// Rebuilds a checkpointed stream from its records after an agent restart; the head is
    /// sent when the agent connects. Records out of order (an ack that matches nothing) are
    /// skipped and counted.
    pub fn replay(&mut self, key: StreamKey, records: Vec<Record>) -> usize {
        let mut skipped = 0;
        let stream =
            self.streams.entry(key).or_insert_with(|| Stream { checkpoint: true, ..Stream::default() });
        for record in records {
            match record {
                Record::Update(status) => {
                    if let Some(uuid) = status.uuid.clone().filter(|u| u.len() == 16) {
                        if stream.seen.insert(uuid) {
                            stream.pending.push_back(*status);
                        }
                    } else {
                        skipped += 1;
                    }
                }
                Record::Ack(uuid) => match stream.pending.front() {
                    Some(head) if head.uuid.as_deref() == Some(uuid.as_slice()) => {
                        let terminal = TaskState::try_from(head.state).is_ok_and(|s| s.is_terminal());
                        stream.pending.pop_front();
                        if terminal {
                            // Nothing after an acknowledged terminal update matters (§4.6).
                            stream.pending.clear();
                            stream.terminated = true;
                        }
                    }
                    _ => skipped += 1,
                },
            }
        }
        skipped
    }

    fn send_head(&mut self, now: Time, key: &StreamKey, first: bool) {
        let connected = self.connected;
        let Some(stream) = self.streams.get_mut(key) else { return };
        let Some(head) = stream.pending.front().cloned() else {
            stream.next_retry = None;
            return;
        };
        if stream.unrecorded_ack.is_some()
            || head.uuid.as_ref().is_some_and(|uuid| stream.unrecorded.contains(uuid))
        {
            // It, or the acknowledgement before it, is not durable yet: it goes out when
            // that record is written.
            stream.next_retry = None;
            return;
        }
        stream.backoff = if first { INITIAL_RETRY } else { (stream.backoff * 2).min(MAX_RETRY) };
        stream.next_retry = Some(now + stream.backoff);
        if !connected {
            return;
        }
        let latest_state = stream.latest_state().unwrap_or(TaskState::TaskStaging);
        self.effects.push_back(Effect::Forward {
            framework_id: key.0.clone(),
            status: Box::new(head),
            latest_state,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_proto::v1::TaskId;

    fn status(task: &str, state: TaskState, n: u8) -> TaskStatus {
        let mut uuid = [n; 16];
        uuid[6] = 0x40 | (n & 0x0f);
        TaskStatus {
            task_id: TaskId { value: task.into() },
            state: state as i32,
            uuid: Some(uuid.to_vec()),
            ..Default::default()
        }
    }

    fn secs(s: u64) -> Time {
        Time::from_nanos(s * 1_000_000_000)
    }

    fn forwarded(m: &mut StatusUpdateManager) -> Vec<(TaskState, TaskState)> {
        let mut out = Vec::new();
        while let Some(effect) = m.poll_effect() {
            if let Effect::Forward { status, latest_state, .. } = effect {
                out.push((TaskState::try_from(status.state).unwrap(), latest_state));
            }
        }
        out
    }

    #[test]
    fn one_update_in_flight_per_task_in_order_with_latest_state() {
        let mut m = StatusUpdateManager::new();
        m.connected(secs(0));
        m.update(secs(0), "f", status("t", TaskState::TaskRunning, 1), false).unwrap();
        m.update(secs(0), "f", status("t", TaskState::TaskFinished, 2), false).unwrap();
        assert_eq!(forwarded(&mut m), vec![(TaskState::TaskRunning, TaskState::TaskRunning)]);
        // The wrong uuid is ignored.
        assert_eq!(
            m.acknowledge(secs(1), "f", "t", &status("t", TaskState::TaskRunning, 2).uuid.unwrap()),
            Err(UpdateError::UnexpectedAck("t".into()))
        );
        m.acknowledge(secs(1), "f", "t", &status("t", TaskState::TaskRunning, 1).uuid.unwrap()).unwrap();
        assert_eq!(forwarded(&mut m), vec![(TaskState::TaskFinished, TaskState::TaskFinished)]);
        m.acknowledge(secs(2), "f", "t", &status("t", TaskState::TaskFinished, 2).uuid.unwrap()).unwrap();
        assert_eq!(m.poll_timeout(), None, "nothing left to retry");
        assert_eq!(
            m.update(secs(3), "f", status("t", TaskState::TaskRunning, 3), false),
            Err(UpdateError::StreamEnded("t".into()))
        );
    }

    #[test]
    fn the_master_learns_the_latest_state_early() {
        let mut m = StatusUpdateManager::new();
        m.connected(secs(0));
        m.update(secs(0), "f", status("t", TaskState::TaskRunning, 1), false).unwrap();
        forwarded(&mut m);
        m.update(secs(1), "f", status("t", TaskState::TaskFailed, 2), false).unwrap();
        // A retry of the RUNNING head now says the task is already FAILED.
        m.handle_timeout(secs(10));
        assert_eq!(forwarded(&mut m), vec![(TaskState::TaskRunning, TaskState::TaskFailed)]);
    }

    #[test]
    fn retries_back_off_from_ten_seconds_to_ten_minutes() {
        let mut m = StatusUpdateManager::new();
        m.connected(secs(0));
        m.update(secs(0), "f", status("t", TaskState::TaskRunning, 1), false).unwrap();
        forwarded(&mut m);
        let mut now = secs(0);
        let mut waits = Vec::new();
        for _ in 0..9 {
            let at = m.poll_timeout().unwrap();
            waits.push((at - now).as_secs());
            now = at;
            m.handle_timeout(now);
            assert_eq!(forwarded(&mut m).len(), 1);
        }
        assert_eq!(waits, vec![10, 20, 40, 80, 160, 320, 600, 600, 600]);
    }

    #[test]
    fn duplicates_are_dropped_and_uuids_required() {
        let mut m = StatusUpdateManager::new();
        m.connected(secs(0));
        m.update(secs(0), "f", status("t", TaskState::TaskRunning, 1), false).unwrap();
        m.update(secs(0), "f", status("t", TaskState::TaskRunning, 1), false).unwrap();
        assert_eq!(forwarded(&mut m).len(), 1);
        assert_eq!(m.pending("f", "t").len(), 1);
        let mut no_uuid = status("t", TaskState::TaskRunning, 2);
        no_uuid.uuid = None;
        assert_eq!(m.update(secs(0), "f", no_uuid, false), Err(UpdateError::MissingUuid("t".into())));
    }

    #[test]
    fn nothing_goes_out_while_disconnected_and_heads_resend_on_reconnect() {
        let mut m = StatusUpdateManager::new();
        m.update(secs(0), "f", status("a", TaskState::TaskRunning, 1), false).unwrap();
        m.update(secs(0), "f", status("b", TaskState::TaskRunning, 2), false).unwrap();
        assert!(forwarded(&mut m).is_empty());
        m.connected(secs(5));
        assert_eq!(forwarded(&mut m).len(), 2);
    }

    #[test]
    fn the_next_update_waits_for_the_acknowledgement_record() {
        let mut m = StatusUpdateManager::new();
        m.connected(secs(0));
        let running = status("t", TaskState::TaskRunning, 1);
        let key = ("f".to_string(), "t".to_string());
        m.update(secs(0), "f", running.clone(), true).unwrap();
        m.checkpointed(secs(0), &key, running.uuid.as_deref().unwrap(), true);
        let finished = status("t", TaskState::TaskFinished, 2);
        m.update(secs(0), "f", finished.clone(), true).unwrap();
        m.checkpointed(secs(0), &key, finished.uuid.as_deref().unwrap(), true);
        assert_eq!(forwarded(&mut m), vec![(TaskState::TaskRunning, TaskState::TaskRunning)]);
        m.acknowledge(secs(1), "f", "t", running.uuid.as_deref().unwrap()).unwrap();
        // A restart now would replay RUNNING as owed: FINISHED must not have gone out.
        assert!(forwarded(&mut m).is_empty(), "forwarded before the ack was durable");
        m.handle_timeout(secs(100));
        assert!(forwarded(&mut m).is_empty(), "retried before the ack was durable");
        m.ack_written(&key, finished.uuid.as_deref().unwrap());
        assert!(forwarded(&mut m).is_empty(), "another uuid releases nothing");
        m.ack_written(&key, running.uuid.as_deref().unwrap());
        assert_eq!(forwarded(&mut m), vec![(TaskState::TaskFinished, TaskState::TaskFinished)]);
    }

    #[test]
    fn checkpointed_streams_replay_after_a_restart() {
        let mut m = StatusUpdateManager::new();
        m.connected(secs(0));
        m.update(secs(0), "f", status("t", TaskState::TaskRunning, 1), true).unwrap();
        m.update(secs(0), "f", status("t", TaskState::TaskFinished, 2), true).unwrap();
        m.acknowledge(secs(1), "f", "t", &status("t", TaskState::TaskRunning, 1).uuid.unwrap()).unwrap();
        let mut records = Vec::new();
        while let Some(effect) = m.poll_effect() {
            if let Effect::Checkpoint { record, .. } = effect {
                records.push(record);
            }
        }
        assert_eq!(records.len(), 3, "two updates and one ack");
        // The agent restarts: the FINISHED update is still owed to the master.
        let mut restarted = StatusUpdateManager::new();
        assert_eq!(restarted.replay(("f".into(), "t".into()), records), 0);
        restarted.connected(secs(10));
        assert_eq!(forwarded(&mut restarted), vec![(TaskState::TaskFinished, TaskState::TaskFinished)]);
        // A replayed duplicate of the RUNNING update is recognised.
        restarted.update(secs(11), "f", status("t", TaskState::TaskRunning, 1), true).unwrap();
        assert!(forwarded(&mut restarted).is_empty());
    }
}
