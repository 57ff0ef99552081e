//! Mesos v1 messages (package `mesos.v1`), plus the scheduler and executor APIs.
//!
//! Structs are written the way prost-build would generate them from Mesos' proto2 schema
//! (same field names and numbers; `required` fields are plain values, `optional` ones are
//! `Option`s, explicit defaults carried in `default = ".."`). Every type is reachable as
//! `mesos_proto::v1::TypeName`; nested messages and enums live in a module named after
//! their parent message in snake case (e.g. [`task_status::Reason`]).
//!
//! Enum variants keep the full proto value names in CamelCase (`TaskRunning`,
//! `ReasonAgentRemoved`) so the JSON codec can derive the wire names from them.

mod checks;
mod common;
mod containers;
mod ext;
mod framework;
mod offers;
mod resources;
mod tasks;

pub mod executor;
pub mod scheduler;

pub use checks::*;
pub use common::*;
pub use containers::*;
pub use framework::*;
pub use offers::*;
pub use resources::*;
pub use tasks::*;
