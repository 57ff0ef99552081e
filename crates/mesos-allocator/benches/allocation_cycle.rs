#![allow(missing_docs)] // criterion_group! generates undocumented items
//! One full allocation cycle at Mesos' benchmark scales, and an idle cycle.
//!
//! Anchors (Mesos' own allocator benchmarks): 1.06 s per cycle at 10,000 agents x 1,000
//! frameworks (Mesos 1.7.1), about 3.8 s at 20,000 x 2,000 (Mesos 1.8).

use std::collections::{BTreeMap, BTreeSet};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mesos_allocator::{Config, FrameworkSpec, HierarchicalAllocator};
use mesos_types::{Resources, Time};

fn cluster(agents: usize, frameworks: usize, roles: usize) -> HierarchicalAllocator {
    let mut allocator = HierarchicalAllocator::new(Config::default(), 7);
    for f in 0..frameworks {
        let role = format!("role{}", f % roles);
        let spec = FrameworkSpec { roles: BTreeSet::from([role]), ..FrameworkSpec::default() };
        allocator.add_framework(&format!("fw-{f}"), spec).expect("fresh framework");
    }
    let total =
        Resources::parse("cpus:24;mem:65536;disk:1000000;ports:[31000-32000]", "*").expect("valid resources");
    for a in 0..agents {
        allocator.add_agent(&format!("agent-{a}"), total.clone(), &BTreeMap::new()).expect("fresh agent");
    }
    allocator
}

fn full_cycle(c: &mut Criterion, agents: usize, frameworks: usize, roles: usize) {
    let name = format!("full_cycle/{agents}_agents_x_{frameworks}_frameworks_{roles}_roles");
    c.bench_function(&name, |b| {
        b.iter_batched(
            || cluster(agents, frameworks, roles),
            |mut allocator| {
                let offers = allocator.allocate(Time::from_nanos(1));
                assert_eq!(offers.len(), agents);
                // Returned so that dropping the cluster is not timed.
                (allocator, offers)
            },
            BatchSize::PerIteration,
        )
    });
}

fn benches(c: &mut Criterion) {
    full_cycle(c, 1_000, 10, 1);
    full_cycle(c, 10_000, 1_000, 1);
    full_cycle(c, 20_000, 2_000, 100);
    let mut idle = cluster(10_000, 1_000, 1);
    idle.allocate(Time::from_nanos(1));
    c.bench_function("idle_cycle/10000_agents_x_1000_frameworks", |b| {
        b.iter(|| {
            let offers = idle.allocate(Time::from_nanos(2));
            assert!(offers.is_empty());
        })
    });
}

criterion_group! {
    name = allocation;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(allocation);
