//! Writing Mesos frameworks in async Rust.
//!
//! - [`scheduler`]: a scheduler driver over the v1 Scheduler API. It finds the master from a
//!   URL ([`master`]), subscribes, follows redirects to the leader, re-subscribes with the same
//!   framework id after a broken connection or a master failover, acknowledges status updates
//!   (implicitly by default), and hands the events to you as [`scheduler::Event`]s, with offers'
//!   resources already typed. [`scheduler::Client`] makes the calls: accept, launch, decline,
//!   kill, reconcile, acknowledge, message, suppress, revive, shutdown, teardown.
//! - [`executor`]: the executor's side of the v1 Executor API, used by mesos-rs' own command and
//!   default executors: the agent's address from the environment, SUBSCRIBE with the
//!   unacknowledged tasks and updates, calls on a kept-open connection.
//!
//! The callbacks of Mesos' C++ drivers map onto events: `registered` / `reregistered` are
//! [`scheduler::Event::Registered`] (with `reregistered` set), `disconnected`,
//! `resourceOffers`, `offerRescinded`, `statusUpdate`, `frameworkMessage`, `slaveLost`,
//! `executorLost` and `error` each have their variant.

pub mod executor;
pub mod master;
pub mod scheduler;
