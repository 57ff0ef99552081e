//! The master's registry: what must survive a master restart.
//!
//! Masters persist only what cannot be learned again from the cluster: the admitted agents
//! (so a restarted master recognises them and lets them re-register), agents marked
//! unreachable or gone (so a gone agent is never readmitted), and role weights. Frameworks,
//! tasks and offers are rebuilt from re-registering agents and re-subscribing schedulers.
//!
//! The registry changes only through [`Operation`]s, small pure mutations the master's core
//! emits and its shell applies and persists before telling the core they committed. The
//! encoding ([`encode`], [`decode`]) is versioned and checksummed so a torn or foreign file is
//! recognised as such rather than misread.

use std::collections::{BTreeMap, BTreeSet};

use mesos_proto::internal::{RegistryRecord, registry_record};
use mesos_proto::v1::{AgentId, AgentInfo};
use prost::Message;

/// The registry's contents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Registry {
    /// Admitted agents by id.
    pub agents: BTreeMap<String, AgentInfo>,
    /// Unreachable agents: id to when (nanoseconds since the Unix epoch).
    pub unreachable: BTreeMap<String, i64>,
    /// Gone agents: id to when.
    pub gone: BTreeMap<String, i64>,
    /// Role weights.
    pub weights: BTreeMap<String, f64>,
}

/// One registry mutation.
#[derive(Clone, Debug, PartialEq)]
pub enum Operation {
    /// Admit a newly registered agent (its info carries the id).
    AdmitAgent(AgentInfo),
    /// Replace an admitted agent's info (re-registration with changed hostname or resources).
    UpdateAgent(AgentInfo),
    /// Move an admitted agent to the unreachable list.
    MarkUnreachable {
        /// Agent id.
        agent_id: String,
        /// When.
        timestamp_nanos: i64,
    },
    /// Bring an unreachable (or unknown) agent back into the admitted set.
    MarkReachable(AgentInfo),
    /// Mark an agent gone for good.
    MarkGone {
        /// Agent id.
        agent_id: String,
        /// When.
        timestamp_nanos: i64,
    },
    /// Forget an agent entirely (it shut down cleanly).
    RemoveAgent(String),
    /// Replace role weights (role → weight; absent roles are reset to the default).
    SetWeights(BTreeMap<String, f64>),
    /// Forget unreachable and gone agents (registry GC, `--registry_max_agent_age` and
    /// `--registry_max_agent_count`): such an agent that comes back is a stranger.
    Prune {
        /// Unreachable agents to forget.
        unreachable: BTreeSet<String>,
        /// Gone agents to forget.
        gone: BTreeSet<String>,
    },
}

/// The unreachable and gone agents the registry must forget at `now_nanos`: in each list,
/// those marked longer than `max_age_nanos` ago, and beyond that the oldest ones over
/// `max_count` (as Mesos' master prunes them).
pub fn prune_candidates(
    registry: &Registry,
    now_nanos: i64,
    max_age_nanos: i64,
    max_count: usize,
) -> Operation {
    let pick = |list: &BTreeMap<String, i64>| -> BTreeSet<String> {
        let mut by_age: Vec<(&i64, &String)> = list.iter().map(|(id, at)| (at, id)).collect();
        by_age.sort();
        let expired = by_age.iter().filter(|(at, _)| now_nanos.saturating_sub(**at) > max_age_nanos).count();
        let excess = by_age.len().saturating_sub(max_count);
        by_age.iter().take(expired.max(excess)).map(|(_, id)| (*id).clone()).collect()
    };
    Operation::Prune { unreachable: pick(&registry.unreachable), gone: pick(&registry.gone) }
}

/// Why an operation cannot apply.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OperationError {
    /// The agent is already admitted.
    #[error("agent {0} is already admitted")]
    AlreadyAdmitted(String),
    /// The agent was marked gone and may never come back.
    #[error("agent {0} was marked gone")]
    Gone(String),
    /// An agent info without an id.
    #[error("agent info has no id")]
    MissingId,
}

impl Operation {
    /// Applies the operation. Returns whether anything changed, so an idempotent repeat
    /// (e.g. marking an already unreachable agent unreachable) costs no write.
    pub fn apply(&self, registry: &mut Registry) -> Result<bool, OperationError> {
        match self {
            Operation::AdmitAgent(info) => {
                let id = agent_id(info)?;
                if registry.gone.contains_key(&id) {
                    return Err(OperationError::Gone(id));
                }
                if registry.agents.contains_key(&id) {
                    return Err(OperationError::AlreadyAdmitted(id));
                }
                registry.unreachable.remove(&id);
                registry.agents.insert(id, info.clone());
                Ok(true)
            }
            Operation::UpdateAgent(info) | Operation::MarkReachable(info) => {
                let id = agent_id(info)?;
                if registry.gone.contains_key(&id) {
                    return Err(OperationError::Gone(id));
                }
                let was_unreachable = registry.unreachable.remove(&id).is_some();
                let changed = registry.agents.get(&id) != Some(info);
                registry.agents.insert(id, info.clone());
                Ok(changed || was_unreachable)
            }
            Operation::MarkUnreachable { agent_id, timestamp_nanos } => {
                let was_admitted = registry.agents.remove(agent_id).is_some();
                if registry.unreachable.contains_key(agent_id) && !was_admitted {
                    return Ok(false);
                }
                registry.unreachable.insert(agent_id.clone(), *timestamp_nanos);
                Ok(true)
            }
            Operation::MarkGone { agent_id, timestamp_nanos } => {
                registry.agents.remove(agent_id);
                registry.unreachable.remove(agent_id);
                if registry.gone.contains_key(agent_id) {
                    return Ok(false);
                }
                registry.gone.insert(agent_id.clone(), *timestamp_nanos);
                Ok(true)
            }
            Operation::RemoveAgent(id) => {
                let removed = registry.agents.remove(id).is_some();
                let unreachable = registry.unreachable.remove(id).is_some();
                Ok(removed || unreachable)
            }
            Operation::SetWeights(weights) => {
                if &registry.weights == weights {
                    return Ok(false);
                }
                registry.weights = weights.clone();
                Ok(true)
            }
            Operation::Prune { unreachable, gone } => {
                let before = registry.unreachable.len() + registry.gone.len();
                registry.unreachable.retain(|id, _| !unreachable.contains(id));
                registry.gone.retain(|id, _| !gone.contains(id));
                Ok(registry.unreachable.len() + registry.gone.len() != before)
            }
        }
    }
}

fn agent_id(info: &AgentInfo) -> Result<String, OperationError> {
    match &info.id {
        Some(id) if !id.value.is_empty() => Ok(id.value.clone()),
        _ => Err(OperationError::MissingId),
    }
}

/// Why stored bytes are not a registry.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Too short, or the magic is wrong: not a registry file.
    #[error("not a mesos-rs registry (bad magic)")]
    BadMagic,
    /// Written by a newer format.
    #[error("registry format version {0} is not supported (this build reads version {FORMAT_VERSION})")]
    UnsupportedVersion(u32),
    /// The payload does not match its checksum: a torn or corrupted write.
    #[error("registry checksum mismatch (torn or corrupted file)")]
    Checksum,
    /// The payload is not a registry record.
    #[error("registry payload does not decode: {0}")]
    Payload(String),
}

const MAGIC: &[u8; 8] = b"MESOSREG";
/// Current format version.
pub const FORMAT_VERSION: u32 = 1;

/// Serialises the registry: magic, version, payload length, CRC-32 of the payload, payload
/// (a protobuf `RegistryRecord`).
pub fn encode(registry: &Registry) -> Vec<u8> {
    let record = RegistryRecord {
        agents: registry.agents.values().map(|info| registry_record::Agent { info: info.clone() }).collect(),
        unreachable: removed_records(&registry.unreachable),
        gone: removed_records(&registry.gone),
        weights: registry
            .weights
            .iter()
            .map(|(role, weight)| registry_record::Weight { role: role.clone(), weight: *weight })
            .collect(),
    };
    let payload = record.encode_to_vec();
    let mut out = Vec::with_capacity(payload.len() + 24);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Parses what [`encode`] wrote.
pub fn decode(bytes: &[u8]) -> Result<Registry, DecodeError> {
    if bytes.len() < 24 || &bytes[..8] != MAGIC {
        return Err(DecodeError::BadMagic);
    }
    let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion(version));
    }
    let mut len_bytes = [0u8; 8];
    len_bytes.copy_from_slice(&bytes[12..20]);
    let len = u64::from_le_bytes(len_bytes);
    let crc = u32::from_le_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    let payload = &bytes[24..];
    if payload.len() as u64 != len || crc32(payload) != crc {
        return Err(DecodeError::Checksum);
    }
    let record = RegistryRecord::decode(payload).map_err(|e| DecodeError::Payload(e.to_string()))?;
    let mut registry = Registry::default();
    for agent in record.agents {
        if let Some(id) = agent.info.id.as_ref().map(|id| id.value.clone()) {
            registry.agents.insert(id, agent.info);
        }
    }
    for removed in record.unreachable {
        registry.unreachable.insert(removed.id.value, removed.timestamp_nanos);
    }
    for removed in record.gone {
        registry.gone.insert(removed.id.value, removed.timestamp_nanos);
    }
    for weight in record.weights {
        registry.weights.insert(weight.role, weight.weight);
    }
    Ok(registry)
}

fn removed_records(map: &BTreeMap<String, i64>) -> Vec<registry_record::Removed> {
    map.iter()
        .map(|(id, ts)| registry_record::Removed { id: AgentId { value: id.clone() }, timestamp_nanos: *ts })
        .collect()
}

/// CRC-32 (IEEE), bitwise: the registry is small and written rarely, so a table buys nothing.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str) -> AgentInfo {
        AgentInfo {
            hostname: format!("{id}.example"),
            id: Some(AgentId { value: id.into() }),
            ..Default::default()
        }
    }

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn round_trip_and_corruption_is_detected() {
        let mut registry = Registry::default();
        Operation::AdmitAgent(agent("a1")).apply(&mut registry).unwrap();
        Operation::MarkGone { agent_id: "a2".into(), timestamp_nanos: 5 }.apply(&mut registry).unwrap();
        Operation::SetWeights([("eng".to_string(), 2.0)].into()).apply(&mut registry).unwrap();
        let bytes = encode(&registry);
        assert_eq!(decode(&bytes).unwrap(), registry);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "a file torn at {cut} bytes must not decode");
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(decode(&flipped), Err(DecodeError::Checksum));
    }

    #[test]
    fn gone_agents_are_never_readmitted() {
        let mut registry = Registry::default();
        Operation::AdmitAgent(agent("a1")).apply(&mut registry).unwrap();
        Operation::MarkGone { agent_id: "a1".into(), timestamp_nanos: 1 }.apply(&mut registry).unwrap();
        assert_eq!(
            Operation::AdmitAgent(agent("a1")).apply(&mut registry),
            Err(OperationError::Gone("a1".into()))
        );
        assert_eq!(
            Operation::MarkReachable(agent("a1")).apply(&mut registry),
            Err(OperationError::Gone("a1".into()))
        );
    }

    #[test]
    fn repeats_are_idempotent() {
        let mut registry = Registry::default();
        let op = Operation::MarkUnreachable { agent_id: "a1".into(), timestamp_nanos: 1 };
        Operation::AdmitAgent(agent("a1")).apply(&mut registry).unwrap();
        assert_eq!(op.apply(&mut registry), Ok(true));
        assert_eq!(op.apply(&mut registry), Ok(false));
        assert_eq!(Operation::MarkReachable(agent("a1")).apply(&mut registry), Ok(true));
        assert!(registry.agents.contains_key("a1"));
        assert!(registry.unreachable.is_empty());
    }

    #[test]
    fn pruning_forgets_the_expired_then_the_oldest_beyond_the_count() {
        let mut registry = Registry::default();
        for (id, at) in [("u1", 10), ("u2", 50), ("u3", 90), ("u4", 95)] {
            registry.unreachable.insert(id.into(), at);
        }
        for (id, at) in [("g1", 20), ("g2", 99)] {
            registry.gone.insert(id.into(), at);
        }
        // At 100 with an age limit of 40: u1, u2 and g1 expired; at most 3 kept of each.
        let prune = prune_candidates(&registry, 100, 40, 3);
        let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
        assert_eq!(prune, Operation::Prune { unreachable: set(&["u1", "u2"]), gone: set(&["g1"]) });
        // Without expiry, only the oldest beyond the count go.
        assert_eq!(
            prune_candidates(&registry, 100, 1000, 2),
            Operation::Prune { unreachable: set(&["u1", "u2"]), gone: set(&[]) }
        );
        assert_eq!(prune.apply(&mut registry), Ok(true));
        assert_eq!(registry.unreachable.keys().collect::<Vec<_>>(), ["u3", "u4"]);
        assert_eq!(registry.gone.keys().collect::<Vec<_>>(), ["g2"]);
        assert_eq!(prune.apply(&mut registry), Ok(false), "nothing left to prune");
    }
}
