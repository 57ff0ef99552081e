//! Swarm testing: each seed picks its own cluster, workload and fault mix, so that over many
//! seeds some run with no faults at all, some with one kind hammered, some with everything.

use std::time::Duration;

use mesos_types::Rng;

/// The shape of one simulated run.
#[derive(Clone, Debug)]
pub struct Swarm {
    /// Agents in the cluster.
    pub agents: usize,
    /// Frameworks using it.
    pub frameworks: usize,
    /// Tasks each framework wants to run in all.
    pub tasks_per_framework: usize,
    /// Longest one-way network delay.
    pub max_delay: Duration,
    /// Mean time between faults (`None`: a run without faults).
    pub fault_interval: Option<Duration>,
    /// The faults this run may inject, with their relative weights.
    pub faults: Vec<(Fault, u32)>,
    /// Probability that one registry write fails.
    pub registry_failure_rate: f64,
    /// Probability that one status-update checkpoint write fails.
    pub checkpoint_failure_rate: f64,
    /// Whether the master rescinds offers not answered in time (`--offer_timeout`).
    pub offer_timeout: Option<Duration>,
}

/// A fault the simulator can inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// An agent's registration stream breaks (both ends notice, at different times).
    AgentStreamBreak,
    /// A framework's subscription stream breaks.
    SchedulerStreamBreak,
    /// The master process crashes and restarts from its stored registry.
    MasterCrash,
    /// An agent process crashes and restarts from its checkpoints.
    AgentCrash,
    /// An executor process dies.
    ExecutorCrash,
    /// A framework process crashes and fails over (sometimes past its failover timeout).
    FrameworkCrash,
    /// An agent is cut off from the master for a while (every message lost), then heals.
    Partition,
    /// The wall clock of the master or an agent jumps.
    ClockJump,
    /// Registry writes fail now and then.
    RegistryWriteFailure,
    /// Status-update checkpoint writes fail now and then.
    CheckpointWriteFailure,
}

/// Every fault, for mixes.
pub const ALL_FAULTS: [Fault; 10] = [
    Fault::AgentStreamBreak,
    Fault::SchedulerStreamBreak,
    Fault::MasterCrash,
    Fault::AgentCrash,
    Fault::ExecutorCrash,
    Fault::FrameworkCrash,
    Fault::Partition,
    Fault::ClockJump,
    Fault::RegistryWriteFailure,
    Fault::CheckpointWriteFailure,
];

impl Swarm {
    /// The run `seed` describes.
    pub fn from_seed(seed: u64) -> Swarm {
        let mut rng = Rng::new(seed ^ 0x5377_a3e1);
        let agents = 1 + rng.below(8);
        let frameworks = 1 + rng.below(4);
        let tasks_per_framework = 1 + rng.below(24);
        let max_delay = Duration::from_millis([1, 20, 200, 2000][rng.below(4)]);
        // One run in eight has no faults, so plain scheduling is checked on its own too.
        let fault_interval = (rng.below(8) != 0)
            .then(|| Duration::from_millis([500, 3_000, 15_000, 60_000][rng.below(4)] as u64));
        let mut faults = Vec::new();
        for fault in &ALL_FAULTS[..8] {
            let fault = *fault;
            // Each kind is in or out, and hot or mild.
            if rng.below(3) != 0 {
                faults.push((fault, [1, 4, 16][rng.below(3)]));
            }
        }
        let registry_failure_rate = [0.0, 0.0, 0.05, 0.3][rng.below(4)];
        let checkpoint_failure_rate = [0.0, 0.0, 0.05, 0.3][rng.below(4)];
        let offer_timeout = [None, Some(Duration::from_secs(5)), Some(Duration::from_secs(30))][rng.below(3)];
        Swarm {
            agents,
            frameworks,
            tasks_per_framework,
            max_delay,
            fault_interval,
            faults,
            registry_failure_rate,
            checkpoint_failure_rate,
            offer_timeout,
        }
    }

    /// Keeps only the faults in `allowed`.
    pub fn restrict(&mut self, allowed: &[Fault]) {
        self.faults.retain(|(fault, _)| allowed.contains(fault));
        if !allowed.contains(&Fault::RegistryWriteFailure) {
            self.registry_failure_rate = 0.0;
        }
        if !allowed.contains(&Fault::CheckpointWriteFailure) {
            self.checkpoint_failure_rate = 0.0;
        }
    }

    /// The fault named `name` (kebab case, as `mesos-sim --faults` takes them).
    pub fn fault_named(name: &str) -> Option<Fault> {
        ALL_FAULTS.iter().copied().find(|f| fault_name(*f) == name)
    }

    /// Picks one fault from the mix.
    pub fn pick_fault(&self, rng: &mut Rng) -> Option<Fault> {
        let total: u32 = self.faults.iter().map(|(_, w)| w).sum();
        if total == 0 {
            return None;
        }
        let mut pick = rng.below(total as usize) as u32;
        for (fault, weight) in &self.faults {
            if pick < *weight {
                return Some(*fault);
            }
            pick -= weight;
        }
        None
    }
}

/// A fault's kebab-case name.
pub fn fault_name(fault: Fault) -> &'static str {
    match fault {
        Fault::AgentStreamBreak => "agent-stream-break",
        Fault::SchedulerStreamBreak => "scheduler-stream-break",
        Fault::MasterCrash => "master-crash",
        Fault::AgentCrash => "agent-crash",
        Fault::ExecutorCrash => "executor-crash",
        Fault::FrameworkCrash => "framework-crash",
        Fault::Partition => "partition",
        Fault::ClockJump => "clock-jump",
        Fault::RegistryWriteFailure => "registry-write-failure",
        Fault::CheckpointWriteFailure => "checkpoint-write-failure",
    }
}
