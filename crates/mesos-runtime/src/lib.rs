//! What the shells (master, agent) share around their sans-IO cores.
//!
//! - [`clock`]: the [`Time`](mesos_types::Time) every input to a core carries.

pub mod clock;
