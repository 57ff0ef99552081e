//! `mesos-sim`: runs seeds of the cluster simulator.
//!
//! `mesos-sim --seed N` replays one seed (printing its trace if it fails);
//! `mesos-sim --seeds N [--start S]` runs N seeds from S; `--steps M` sets the steps of the
//! fault phase of each; `--behaviours original` runs without the behaviours added after the
//! first regression seeds (as those seeds were found). The exit status is 1 if any seed failed.

use std::process::ExitCode;

use mesos_sim::{RunOptions, run};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut seed = None;
    let mut seeds = 1u64;
    let mut start = 0u64;
    let mut options = RunOptions::default();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--faults" {
            let Some(list) = args.get(i + 1) else {
                eprintln!("mesos-sim: --faults needs a comma-separated list");
                return ExitCode::from(2);
            };
            let mut faults = Vec::new();
            for name in list.split(',').filter(|n| !n.is_empty()) {
                match mesos_sim::swarm::Swarm::fault_named(name) {
                    Some(fault) => faults.push(fault),
                    None => {
                        eprintln!("mesos-sim: unknown fault '{name}'");
                        return ExitCode::from(2);
                    }
                }
            }
            options.allowed_faults = Some(Vec::leak(faults));
            i += 2;
            continue;
        }
        if args[i] == "--behaviours" {
            options.behaviours = match args.get(i + 1).map(String::as_str) {
                Some("all") => mesos_sim::Behaviours::ALL,
                Some("original") => mesos_sim::Behaviours::ORIGINAL,
                Some("suppress-and-cleanup") => mesos_sim::Behaviours::SUPPRESS_AND_CLEANUP,
                Some("up-to-reservations") => mesos_sim::Behaviours::UP_TO_RESERVATIONS,
                Some("up-to-custom-executors") => mesos_sim::Behaviours::UP_TO_CUSTOM_EXECUTORS,
                _ => {
                    eprintln!(
                        "mesos-sim: --behaviours is 'all' (the default), 'original', 'suppress-and-cleanup', 'up-to-reservations' or 'up-to-custom-executors'"
                    );
                    return ExitCode::from(2);
                }
            };
            i += 2;
            continue;
        }
        let value = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (args[i].as_str(), value) {
            ("--seed", Some(v)) => seed = Some(v),
            ("--seeds", Some(v)) => seeds = v,
            ("--start", Some(v)) => start = v,
            ("--steps", Some(v)) => options.steps = v as usize,
            ("--trace", Some(v)) => options.trace_lines = v as usize,
            ("--liveness", Some(v)) => options.liveness_budget = std::time::Duration::from_secs(v),
            ("--help", _) | ("-h", _) => {
                println!(
                    "usage: mesos-sim [--seed N | --seeds N [--start S]] [--steps M] [--liveness SECONDS] [--faults a,b,...] [--behaviours all|original|suppress-and-cleanup|up-to-reservations|up-to-custom-executors] [--trace LINES]"
                );
                return ExitCode::SUCCESS;
            }
            (flag, _) => {
                eprintln!("mesos-sim: unknown flag or missing number: {flag} (see --help)");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    if let Some(seed) = seed {
        options.trace_lines = options.trace_lines.max(400);
        return match run(seed, options) {
            Ok(summary) => {
                println!("seed {seed}: ok {summary:?}");
                ExitCode::SUCCESS
            }
            Err(failure) => {
                eprintln!("{failure}");
                ExitCode::FAILURE
            }
        };
    }
    let mut failed = 0;
    let mut steps = 0;
    for seed in start..start + seeds {
        match run(seed, options) {
            Ok(summary) => steps += summary.steps,
            Err(failure) => {
                failed += 1;
                eprintln!("{failure}\n");
            }
        }
    }
    println!("seeds {start}..{}: {} passed, {failed} failed, {steps} steps", start + seeds, seeds - failed);
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
