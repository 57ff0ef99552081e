//! The simulator as the suite's proof: thousands of seeds of a whole cluster with faults,
//! every invariant checked after every step, and a check that the checks catch breakage.

use mesos_sim::{Behaviours, CI_FAULTS, RunOptions, Sabotage, run};

/// Seeds per suite run (`MESOS_SIM_SEEDS` overrides; `MESOS_SIM_START` moves the range).
const DEFAULT_SEEDS: u64 = 10_000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn thousands_of_seeds_keep_every_invariant_and_finish_their_work() {
    let seeds = env_number("MESOS_SIM_SEEDS", DEFAULT_SEEDS);
    let start = env_number("MESOS_SIM_START", 0);
    println!("mesos-sim: seeds {start}..{} with faults {CI_FAULTS:?}", start + seeds);
    let options = RunOptions { allowed_faults: Some(CI_FAULTS), ..RunOptions::default() };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let workers: Vec<_> = (0..threads)
        .map(|worker| {
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                let mut seed = start + worker;
                while seed < start + seeds {
                    if let Err(failure) = run(seed, options) {
                        failures.push(failure.to_string());
                    }
                    seed += threads;
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> =
        workers.into_iter().flat_map(|w| w.join().expect("a worker panicked")).collect();
    assert!(failures.is_empty(), "{} seeds failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn a_seed_replays_exactly() {
    let options = RunOptions { allowed_faults: Some(CI_FAULTS), ..RunOptions::default() };
    let first: Vec<_> = (0..12).map(|seed| run(seed, options).expect("the seed passes")).collect();
    let second: Vec<_> = (0..12).map(|seed| run(seed, options).expect("the seed passes again")).collect();
    assert_eq!(first, second);
    assert!(first.iter().any(|s| s.faults > 0), "some run injected faults: {first:?}");
    assert!(first.iter().all(|s| s.tasks_launched > 0), "every run launched tasks: {first:?}");
}

#[test]
fn a_registry_that_loses_writes_is_caught() {
    let options = RunOptions {
        allowed_faults: Some(CI_FAULTS),
        sabotage: Some(Sabotage::LoseRegistryWrites),
        ..RunOptions::default()
    };
    for seed in 0..5 {
        let failure = run(seed, options).expect_err("the sabotage must be noticed");
        assert!(failure.message.contains("registry"), "seed {seed}: {}", failure.message);
    }
}

/// Seeds that once failed, with the faults that made them fail and what was wrong.
#[test]
fn seeds_that_found_bugs_stay_fixed() {
    use mesos_sim::swarm::Fault;
    const CHECKPOINT: &[Fault] = &[Fault::CheckpointWriteFailure];
    const AGENT_STREAM: &[Fault] = &[Fault::AgentStreamBreak];
    const MASTER: &[Fault] = &[Fault::MasterCrash];
    const PARTITION: &[Fault] = &[Fault::Partition];
    const AGENT_CRASH: &[Fault] = &[Fault::AgentCrash];
    const ALL: &[Fault] = &mesos_sim::swarm::ALL_FAULTS;
    let cases: [(u64, &'static [Fault], &str); 22] = [
        (17, CHECKPOINT, "a task's records were written out of order after a failed write"),
        (23, CHECKPOINT, "a task's records were written out of order after a failed write"),
        (31, CHECKPOINT, "a task's records were written out of order after a failed write"),
        (85, CHECKPOINT, "KILLED was recorded before the RUNNING whose write had failed"),
        (21, AGENT_STREAM, "a finished task was reported lost when its agent disconnected"),
        (25, AGENT_STREAM, "a non-checkpointing framework's lost task came back"),
        (18, MASTER, "frameworks of two master incarnations got the same id"),
        (46, MASTER, "frameworks of two master incarnations got the same id"),
        (91, AGENT_STREAM, "a disconnected agent's update revived a task reported lost"),
        (106, AGENT_STREAM, "tasks stayed unreachable after their agent came back without them"),
        (19, PARTITION, "tasks stayed unreachable after their agent came back without them"),
        (224, PARTITION, "the end was judged while an agent was being marked unreachable"),
        (91, AGENT_CRASH, "a task whose end was unheard vanished silently with its agent"),
        (21, ALL, "an update went out before the acknowledgement before it was on disk"),
        (104, ALL, "an update the agent made itself went out without its record"),
        (315, ALL, "the re-registration reported a state whose record was not written"),
        (443, ALL, "two re-registrations of one agent were both admitted"),
        (534, ALL, "tasks of an unreachable agent came back unannounced after a master restart"),
        (548, ALL, "a task lost to an unreachable agent came back while its framework was away"),
        (2175, ALL, "a shut-down framework's ended executor kept an update retrying for ever"),
        (44, AGENT_CRASH, "the end was judged while an agent was being marked unreachable"),
        (5247, ALL, "the end was judged before a returning agent's lost task was reconciled"),
    ];
    // Found once frameworks suppressed and agents cleaned up on restart.
    let with_suppress_and_cleanup: [(u64, &'static [Fault], &str); 3] = [
        (4652, ALL, "offers made before a SUPPRESS were blamed on the master"),
        (4382, ALL, "offers made before a SUPPRESS were blamed on the master"),
        (4129, ALL, "the end was judged before a framework heard its lost task was back"),
    ];
    // Found once frameworks also acknowledged late and reserved disk for volumes.
    let with_reservations: [(u64, &'static [Fault], &str); 1] =
        [(71, ALL, "an agent that missed a reservation change kept the old one")];
    let original = cases.into_iter().map(|case| (case, Behaviours::ORIGINAL));
    let later = with_suppress_and_cleanup.into_iter().map(|case| (case, Behaviours::SUPPRESS_AND_CLEANUP));
    let reservations = with_reservations.into_iter().map(|case| (case, Behaviours::UP_TO_RESERVATIONS));
    // Found once frameworks also launched task groups and ran custom executors.
    let with_executors: [(u64, &'static [Fault], &str); 2] = [
        (765, ALL, "an agent did not report a task it dropped on a terminating executor"),
        (1287, ALL, "an agent did not report a task it dropped on a terminating executor"),
    ];
    let executors = with_executors.into_iter().map(|case| (case, Behaviours::UP_TO_CUSTOM_EXECUTORS));
    // Found once the master also pruned its registry: a task whose unreachable agent was
    // forgotten is TASK_UNKNOWN to reconciliation, and its framework waited on it for ever.
    let with_registry_gc: [(u64, &'static [Fault], &str); 2] = [
        (
            25,
            ALL,
            "the simulated framework waited for ever on a task the master had forgotten (TASK_UNKNOWN)",
        ),
        (
            2081,
            ALL,
            "the simulated framework waited for ever on a task the master had forgotten (TASK_UNKNOWN)",
        ),
    ];
    let registry_gc = with_registry_gc.into_iter().map(|case| (case, Behaviours::UP_TO_REGISTRY_GC));
    for ((seed, faults, bug), behaviours) in
        original.chain(later).chain(reservations).chain(executors).chain(registry_gc)
    {
        // Each replays the run that found it: without the behaviours added since.
        let options = RunOptions { allowed_faults: Some(faults), behaviours, ..RunOptions::default() };
        if let Err(failure) = run(seed, options) {
            panic!("seed {seed} ({bug}) fails again:\n{failure}");
        }
    }
}

/// A master that takes SUPPRESS and goes on offering, or takes REVIVE and stays suppressed,
/// is caught: the first by the check on offers to suppressed frameworks, the second by the
/// liveness phase (the framework's work never finishes).
#[test]
fn a_master_that_ignores_suppress_or_revive_is_caught() {
    use mesos_sim::swarm::Fault;
    // A framework that subscribes again is offered resources again whatever it suppressed,
    // which hides an ignored REVIVE; that case runs without the faults that resubscribe.
    const NO_RESUBSCRIPTION: &[Fault] = &[
        Fault::AgentStreamBreak,
        Fault::AgentCrash,
        Fault::ExecutorCrash,
        Fault::Partition,
        Fault::ClockJump,
        Fault::RegistryWriteFailure,
        Fault::CheckpointWriteFailure,
    ];
    let cases = [
        (Sabotage::MasterIgnoresSuppress, CI_FAULTS, "after it suppressed offers"),
        (Sabotage::MasterIgnoresRevive, NO_RESUBSCRIPTION, "liveness"),
    ];
    for (sabotage, faults, expected) in cases {
        let options =
            RunOptions { allowed_faults: Some(faults), sabotage: Some(sabotage), ..RunOptions::default() };
        let caught: Vec<u64> = (0..30)
            .filter(|seed| run(*seed, options).is_err_and(|failure| failure.message.contains(expected)))
            .collect();
        println!("{sabotage:?} caught by seeds {caught:?}");
        assert!(
            caught.len() >= 10,
            "{sabotage:?} was caught by only {} of 30 seeds: {caught:?}",
            caught.len()
        );
    }
}
