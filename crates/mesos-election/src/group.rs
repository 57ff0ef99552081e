//! The master group's znodes (operator-api.md §4.2, §4.3): which children are members, which
//! member leads, and how a member's data says who it is.

use mesos_proto::v1::{Address, MasterInfo};
use prost::Message;

/// The label of the nodes masters create: `json.info_0000000042`, holding MasterInfo as JSON.
pub const MEMBER_LABEL: &str = "json.info";

/// A child of the group's znode that takes part in the election.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The child's name, `json.info_0000000042`.
    pub name: String,
    /// What comes before the sequence (`json.info`, `info`), if anything.
    pub label: Option<String>,
    /// The sequence number ZooKeeper gave it.
    pub sequence: u64,
}

impl Member {
    /// Reads a child's name: the last `_`-separated token is its sequence and the first, if
    /// there are several, its label. A child whose last token is no number (`log_replicas`)
    /// is not a member.
    pub fn parse(child: &str) -> Option<Member> {
        let mut tokens: Vec<&str> = child.split('_').collect();
        let sequence = tokens.pop()?.parse().ok()?;
        let label = tokens.first().map(|label| label.to_string());
        Some(Member { name: child.to_string(), label, sequence })
    }
}

/// The leading member among `children`: the lowest sequence, whatever its label.
pub fn leader<S: AsRef<str>>(children: &[S]) -> Option<Member> {
    children.iter().filter_map(|c| Member::parse(c.as_ref())).min_by_key(|m| m.sequence)
}

/// Why a member's data does not say which master it is.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// A label no Mesos writes: every detector fails on it, as Mesos' do.
    #[error("the leading member {0} has an unknown label; only json.info_ nodes may be in the master group")]
    UnknownLabel(String),
    /// Data that does not decode.
    #[error("the leading member {name} does not hold a MasterInfo: {reason}")]
    Malformed {
        /// The member.
        name: String,
        /// Why.
        reason: String,
    },
}

/// What a master's member node holds: its MasterInfo as JSON, in Mesos' mapping.
pub fn encode(info: &MasterInfo) -> Vec<u8> {
    mesos_proto::json::to_json_vec(info)
}

/// The master a member's data names: `json.info` holds JSON, `info` a binary MasterInfo
/// (writers before Mesos 0.24), and a member without a label a bare `master@ip:port`.
pub fn decode(member: &Member, data: &[u8]) -> Result<MasterInfo, DecodeError> {
    let malformed = |reason: String| DecodeError::Malformed { name: member.name.clone(), reason };
    match member.label.as_deref() {
        Some(MEMBER_LABEL) => mesos_proto::json::from_json_slice(data).map_err(|e| malformed(e.to_string())),
        Some("info") => MasterInfo::decode(data).map_err(|e| malformed(e.to_string())),
        None => {
            let pid = std::str::from_utf8(data).map_err(|e| malformed(e.to_string()))?.trim();
            from_pid(pid).ok_or_else(|| malformed(format!("'{pid}' is not master@ip:port")))
        }
        Some(_) => Err(DecodeError::UnknownLabel(member.name.clone())),
    }
}

/// Where to reach a master over HTTP: `ip:port` from its address (as Mesos' agents and
/// drivers use its pid's IP rather than its hostname).
pub fn http_address(info: &MasterInfo) -> Option<String> {
    match &info.address {
        Some(Address { ip: Some(ip), port, .. }) => Some(format!("{ip}:{port}")),
        _ => {
            let (_, address) = info.pid.as_deref()?.split_once('@')?;
            Some(address.to_string())
        }
    }
}

/// A MasterInfo made up from a bare `master@ip:port`, as Mesos' detector does.
fn from_pid(pid: &str) -> Option<MasterInfo> {
    let (_, address) = pid.split_once('@')?;
    let (host, port) = address.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let ip: std::net::Ipv4Addr = host.parse().ok()?;
    Some(MasterInfo {
        id: String::new(),
        // Network byte order read as a host integer (operator-api.md, notes).
        ip: u32::from_le_bytes(ip.octets()),
        port: u32::from(port),
        pid: Some(pid.to_string()),
        hostname: Some(host.to_string()),
        address: Some(Address {
            hostname: Some(host.to_string()),
            ip: Some(host.to_string()),
            port: i32::from(port),
        }),
        ..MasterInfo::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str) -> MasterInfo {
        MasterInfo {
            id: id.into(),
            ip: u32::from_le_bytes([10, 1, 0, 5]),
            port: 5050,
            pid: Some("master@10.1.0.5:5050".into()),
            hostname: Some("m1".into()),
            version: Some("1.12.0".into()),
            address: Some(Address { hostname: Some("m1".into()), ip: Some("10.1.0.5".into()), port: 5050 }),
            ..MasterInfo::default()
        }
    }

    #[test]
    fn the_lowest_sequence_of_any_label_leads_and_other_children_are_ignored() {
        let children = ["log_replicas", "json.info_0000000007", "info_0000000005", "json.info_0000000003x"];
        let leader = leader(&children).unwrap();
        assert_eq!(leader.name, "info_0000000005");
        assert_eq!(leader.label.as_deref(), Some("info"));
        assert_eq!(super::leader::<&str>(&[]), None);
        assert_eq!(super::leader(&["log_replicas"]), None);
        assert_eq!(Member::parse("0000000009").unwrap().label, None);
    }

    #[test]
    fn every_form_mesos_wrote_decodes_and_an_unknown_label_fails() {
        let json = Member::parse("json.info_0000000001").unwrap();
        let decoded = decode(&json, &encode(&info("m-1"))).unwrap();
        assert_eq!(decoded, info("m-1"));
        // The JSON carries Mesos' field names, which pymesos and kazoo readers look for.
        let text = String::from_utf8(encode(&info("m-1"))).unwrap();
        for field in
            ["\"address\"", "\"ip\":\"10.1.0.5\"", "\"port\":5050", "\"hostname\"", "\"pid\"", "\"id\""]
        {
            assert!(text.contains(field), "{field} in {text}");
        }
        let binary = Member::parse("info_0000000002").unwrap();
        assert_eq!(decode(&binary, &info("m-2").encode_to_vec()).unwrap(), info("m-2"));
        let bare = Member::parse("0000000003").unwrap();
        let from_pid = decode(&bare, b"master@10.1.0.5:5050").unwrap();
        assert_eq!(from_pid.ip, info("x").ip);
        assert_eq!(from_pid.address.unwrap().ip.as_deref(), Some("10.1.0.5"));
        let other = Member::parse("foo_0000000004").unwrap();
        assert_eq!(decode(&other, b""), Err(DecodeError::UnknownLabel("foo_0000000004".into())));
        assert!(matches!(decode(&json, b"not json"), Err(DecodeError::Malformed { .. })));
        assert_eq!(http_address(&info("m")).as_deref(), Some("10.1.0.5:5050"));
        let old = MasterInfo { pid: Some("master@10.0.0.9:5055".into()), ..MasterInfo::default() };
        assert_eq!(http_address(&old).as_deref(), Some("10.0.0.9:5055"));
    }
}
