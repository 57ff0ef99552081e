//! Behaviour of allocation passes: fairness, eligibility, filters, reservations, and the
//! invariant that nothing is ever offered twice.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use mesos_allocator::{Allocation, Capabilities, Config, FrameworkSpec, HierarchicalAllocator};
use mesos_types::quantities::parse_min_allocatable;
use mesos_types::{Resources, Time};
use proptest::prelude::*;

fn res(text: &str) -> Resources {
    Resources::parse(text, "*").expect("test resources parse")
}

fn spec(roles: &[&str]) -> FrameworkSpec {
    FrameworkSpec { roles: roles.iter().map(|r| r.to_string()).collect(), ..FrameworkSpec::default() }
}

fn at(seconds: u64) -> Time {
    Time::from_nanos(seconds * 1_000_000_000)
}

fn allocator() -> HierarchicalAllocator {
    HierarchicalAllocator::new(Config::default(), 1)
}

fn by_framework(offers: &[Allocation]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for offer in offers {
        *out.entry(offer.framework.to_string()).or_insert(0) += 1;
    }
    out
}

#[test]
fn every_free_resource_is_offered_once() {
    let mut a = allocator();
    a.add_framework("f1", spec(&["*"])).unwrap();
    a.add_framework("f2", spec(&["*"])).unwrap();
    for i in 0..10 {
        a.add_agent(&format!("a{i}"), res("cpus:4;mem:1024"), &BTreeMap::new()).unwrap();
    }
    let offers = a.allocate(at(1));
    assert_eq!(offers.len(), 10, "one offer per agent");
    let agents: BTreeSet<&str> = offers.iter().map(|o| &*o.agent).collect();
    assert_eq!(agents.len(), 10);
    // DRF splits ten equal agents five and five.
    assert_eq!(by_framework(&offers).values().copied().collect::<Vec<_>>(), vec![5, 5]);
    assert!(offers.iter().all(|o| o.resources.iter().all(|r| r.allocation_role.as_deref() == Some("*"))));
    assert!(a.allocate(at(2)).is_empty(), "nothing is offered twice");
}

#[test]
fn weights_skew_shares() {
    let mut a = allocator();
    let mut weights = BTreeMap::new();
    weights.insert("heavy".to_string(), 3.0);
    a.set_weights(weights);
    a.add_framework("h", spec(&["heavy"])).unwrap();
    a.add_framework("l", spec(&["light"])).unwrap();
    for i in 0..40 {
        a.add_agent(&format!("a{i}"), res("cpus:1;mem:128"), &BTreeMap::new()).unwrap();
    }
    let counts = by_framework(&a.allocate(at(1)));
    assert_eq!(counts["h"], 30);
    assert_eq!(counts["l"], 10);
}

#[test]
fn declined_resources_are_filtered_until_the_filter_expires() {
    let mut a = allocator();
    a.add_framework("f", spec(&["*"])).unwrap();
    a.add_agent("a", res("cpus:4;mem:1024"), &BTreeMap::new()).unwrap();
    let offer = a.allocate(at(1)).pop().unwrap();
    a.recover("f", "a", &offer.resources, Some(Duration::from_secs(5)), at(1));
    assert!(a.allocate(at(2)).is_empty(), "filtered for five seconds");
    assert_eq!(a.active_filters(at(2)).get("*"), Some(&1));
    assert_eq!(a.allocate(at(7)).len(), 1, "offered again after expiry");
}

#[test]
fn a_filter_only_suppresses_subsets() {
    let mut a = allocator();
    a.add_framework("f", spec(&["*"])).unwrap();
    a.add_agent("a", res("cpus:4;mem:1024"), &BTreeMap::new()).unwrap();
    let offer = a.allocate(at(1)).pop().unwrap();
    // Keep half, decline the other half with a filter.
    let mut half = res("cpus:2;mem:512");
    half.allocate("*");
    a.recover("f", "a", &half, Some(Duration::from_secs(60)), at(1));
    assert!(a.allocate(at(2)).is_empty());
    // More becomes free than was declined: the filter no longer covers the offer.
    let rest = offer.resources.clone() - &half;
    a.recover("f", "a", &rest, None, at(2));
    assert_eq!(a.allocate(at(3)).len(), 1);
}

#[test]
fn revive_clears_filters_and_suppress_stops_offers() {
    let mut a = allocator();
    a.add_framework("f", spec(&["*"])).unwrap();
    a.add_agent("a", res("cpus:4;mem:1024"), &BTreeMap::new()).unwrap();
    let offer = a.allocate(at(1)).pop().unwrap();
    a.recover("f", "a", &offer.resources, Some(Duration::from_secs(3600)), at(1));
    assert!(a.allocate(at(2)).is_empty());
    a.revive("f", &[]).unwrap();
    let offer = a.allocate(at(3)).pop().expect("revive clears the filter");
    a.recover("f", "a", &offer.resources, None, at(3));
    a.suppress("f", &[]).unwrap();
    assert!(a.allocate(at(4)).is_empty(), "suppressed");
    a.revive("f", &["*".to_string()]).unwrap();
    assert_eq!(a.allocate(at(5)).len(), 1);
}

#[test]
fn reservations_go_to_their_role_and_its_descendants_only() {
    let mut a = allocator();
    a.add_framework("other", spec(&["ops"])).unwrap();
    a.add_agent("a", res("cpus(eng):4;mem(eng):1024"), &BTreeMap::new()).unwrap();
    assert!(a.allocate(at(1)).is_empty(), "ops may not use eng's reservation");
    a.add_framework("web", spec(&["eng/web"])).unwrap();
    let offers = a.allocate(at(2));
    assert_eq!(offers.len(), 1);
    assert_eq!(&*offers[0].framework, "web");
    assert_eq!(&*offers[0].role, "eng/web");
}

#[test]
fn minimum_allocatable_resources_are_respected() {
    let config =
        Config { min_allocatable: parse_min_allocatable("cpus:1;mem:512").unwrap(), ..Config::default() };
    let mut a = HierarchicalAllocator::new(config, 1);
    a.add_framework("f", spec(&["*"])).unwrap();
    a.add_agent("small", res("cpus:0.5;mem:4096"), &BTreeMap::new()).unwrap();
    a.add_agent("big", res("cpus:2;mem:1024"), &BTreeMap::new()).unwrap();
    let offers = a.allocate(at(1));
    assert_eq!(offers.len(), 1);
    assert_eq!(&*offers[0].agent, "big");
}

#[test]
fn gpu_agents_go_only_to_gpu_aware_frameworks() {
    let mut a = allocator();
    a.add_framework("plain", spec(&["*"])).unwrap();
    a.add_agent("gpu", res("cpus:4;mem:1024;gpus:1"), &BTreeMap::new()).unwrap();
    assert!(a.allocate(at(1)).is_empty());
    let mut aware = spec(&["*"]);
    aware.capabilities = Capabilities { gpu: true, ..Capabilities::default() };
    a.add_framework("aware", aware).unwrap();
    let offers = a.allocate(at(2));
    assert_eq!(offers.len(), 1);
    assert_eq!(&*offers[0].framework, "aware");
}

#[test]
fn inactive_frameworks_and_agents_get_and_give_nothing() {
    let mut a = allocator();
    a.add_framework("f", spec(&["*"])).unwrap();
    a.add_agent("a", res("cpus:1;mem:128"), &BTreeMap::new()).unwrap();
    a.deactivate_framework("f").unwrap();
    assert!(a.allocate(at(1)).is_empty());
    a.activate_framework("f").unwrap();
    a.set_agent_active("a", false).unwrap();
    assert!(a.allocate(at(2)).is_empty());
    a.set_agent_active("a", true).unwrap();
    assert_eq!(a.allocate(at(3)).len(), 1);
}

#[test]
fn removing_a_framework_frees_its_resources() {
    let mut a = allocator();
    a.add_framework("f1", spec(&["*"])).unwrap();
    a.add_agent("a", res("cpus:1;mem:128"), &BTreeMap::new()).unwrap();
    assert_eq!(a.allocate(at(1)).len(), 1);
    a.remove_framework("f1").unwrap();
    a.add_framework("f2", spec(&["*"])).unwrap();
    let offers = a.allocate(at(2));
    assert_eq!(offers.len(), 1);
    assert_eq!(&*offers[0].framework, "f2");
}

#[test]
fn used_resources_at_registration_count_and_are_not_offered() {
    let mut a = allocator();
    a.add_framework("f", spec(&["*"])).unwrap();
    let mut used = res("cpus:3;mem:512");
    used.allocate("*");
    a.add_agent("a", res("cpus:4;mem:1024"), &BTreeMap::from([("f".to_string(), used)])).unwrap();
    let offers = a.allocate(at(1));
    assert_eq!(offers.len(), 1);
    let mut expected = res("cpus:1;mem:512");
    expected.allocate("*");
    assert_eq!(offers[0].resources, expected);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random declines and recoveries never let an agent's offered resources exceed its total
    /// nor put one resource in two outstanding offers.
    #[test]
    fn offers_never_overlap(steps in proptest::collection::vec((0usize..3, 0usize..6, any::<bool>()), 1..60)) {
        let mut a = allocator();
        for f in 0..3 {
            a.add_framework(&format!("f{f}"), spec(&["*"])).unwrap();
        }
        for i in 0..6 {
            a.add_agent(&format!("a{i}"), res("cpus:4;mem:1024;ports:[1000-1010]"), &BTreeMap::new()).unwrap();
        }
        let mut outstanding: Vec<Allocation> = Vec::new();
        for (n, (framework, agent, decline)) in steps.into_iter().enumerate() {
            outstanding.extend(a.allocate(at(n as u64)));
            if let Some(pos) = outstanding.iter().position(|o| *o.framework == *format!("f{framework}") && *o.agent == *format!("a{agent}")) {
                let offer = outstanding.remove(pos);
                let refuse = decline.then_some(Duration::from_secs(2));
                a.recover(&offer.framework, &offer.agent, &offer.resources, refuse, at(n as u64));
            }
            for i in 0..6 {
                let agent = format!("a{i}");
                // Quantities add up even where ranges would merge, so an overlap shows.
                let mut held = mesos_types::ResourceQuantities::default();
                for offer in outstanding.iter().filter(|o| *o.agent == *agent) {
                    held += &offer.resources.to_quantities();
                }
                let total = res("cpus:4;mem:1024;ports:[1000-1010]").to_quantities();
                prop_assert!(total.contains(&held), "{} offers {} of {}", agent, held, total);
            }
        }
    }
}

#[test]
fn converted_resources_stay_allocated_after_an_operation() {
    use mesos_types::{Reservation, Resource};
    let mut a = allocator();
    a.add_framework("f1", spec(&["r"])).unwrap();
    a.add_framework("f2", spec(&["r"])).unwrap();
    a.add_agent("a", res("cpus:4;mem:1024"), &BTreeMap::new()).unwrap();
    let offer = a.allocate(at(1)).pop().unwrap();
    let holder = offer.framework.to_string();
    // RESERVE one cpu out of the offer.
    let mut consumed = res("cpus:1");
    consumed.allocate("r");
    let reserved: Resources = consumed
        .iter()
        .map(|r| Resource { reservations: vec![Reservation::new_dynamic("r", None)], ..r.clone() })
        .collect();
    a.update_allocation(&holder, "a", &consumed, &reserved).unwrap();
    // The holder gives back everything but the reservation.
    let rest = offer.resources.clone() - &consumed;
    a.recover(&holder, "a", &rest, None, at(1));
    let offers = a.allocate(at(2));
    let offered: f64 = offers.iter().map(|o| o.resources.scalar("cpus").to_f64()).sum();
    assert_eq!(offered, 3.0, "the reserved cpu is still held, not offered again: {offers:?}");
    assert_eq!(a.allocated_on("a").unwrap().scalar("cpus").to_f64(), 4.0);
}
