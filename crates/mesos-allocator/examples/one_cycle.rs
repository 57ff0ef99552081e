//! Builds a cluster and runs one allocation cycle: a fixed workload for instruction-count
//! profiling (`valgrind --tool=callgrind --toggle-collect='*allocate*'`), which, unlike wall
//! time, does not depend on what else the machine is doing.
//!
//! Usage: `cargo run --release -p mesos-allocator --example one_cycle -- AGENTS FRAMEWORKS ROLES`

use std::collections::{BTreeMap, BTreeSet};

use mesos_allocator::{Config, FrameworkSpec, HierarchicalAllocator};
use mesos_types::{Resources, Time};

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (agents, frameworks, roles) = match args.as_slice() {
        [a, f, r] => (*a, *f, *r),
        _ => (10_000, 1_000, 1),
    };
    let mut allocator = HierarchicalAllocator::new(Config::default(), 7);
    for f in 0..frameworks {
        let spec = FrameworkSpec {
            roles: BTreeSet::from([format!("role{}", f % roles)]),
            ..FrameworkSpec::default()
        };
        if allocator.add_framework(&format!("fw-{f}"), spec).is_err() {
            return;
        }
    }
    let Ok(total) = Resources::parse("cpus:24;mem:65536;disk:1000000;ports:[31000-32000]", "*") else {
        return;
    };
    for a in 0..agents {
        if allocator.add_agent(&format!("agent-{a}"), total.clone(), &BTreeMap::new()).is_err() {
            return;
        }
    }
    let offers = allocator.allocate(Time::from_nanos(1));
    println!("{} offers", offers.len());
}
