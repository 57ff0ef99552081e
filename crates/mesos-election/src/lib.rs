//! Leader election and detection, without I/O (operator-api.md §4).
//!
//! Masters elect a leader the way Mesos does with ZooKeeper: each creates an ephemeral,
//! sequential `json.info_` node under the group's znode holding its MasterInfo as JSON, and
//! the member with the lowest sequence leads. Everyone else (agents, schedulers, tools)
//! detects the leader by reading the same nodes. [`ZkUrl`] parses the URLs that name a group,
//! [`group`] holds the layout's rules, and [`Election`] is one participant's state machine,
//! which a shell drives with a ZooKeeper client (or the simulator with a model of one).

pub mod election;
pub mod group;
pub mod url;

pub use election::{Action, Config, Election, Input};
pub use url::{UrlError, ZkUrl, is_zk_url};
