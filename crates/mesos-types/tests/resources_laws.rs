//! Property tests for the laws of the resource algebra, fixed-point scalars and ranges.
//!
//! Ranges and sets merge by union, so `(a + b) - b == a` only holds when `a` and `b` share no
//! range or set members; the cancellation law is checked on resources drawn from disjoint
//! member domains, and the weaker `a ⊇ (a + b) - b` on overlapping ones.

use std::collections::BTreeSet;

use mesos_types::resources::{DiskInfo, Persistence, Volume, VolumeMode};
use mesos_types::{Ranges, Reservation, Resource, Resources, Scalar, Set, Value};
use proptest::prelude::*;

/// Where range and set members are drawn from, so that two generators can be made disjoint.
#[derive(Clone, Copy, Debug)]
struct Domain {
    range_base: u64,
    set_prefix: &'static str,
}

const SHARED_DOMAIN: Domain = Domain { range_base: 0, set_prefix: "x" };
const LEFT_DOMAIN: Domain = Domain { range_base: 0, set_prefix: "l" };
const RIGHT_DOMAIN: Domain = Domain { range_base: 1000, set_prefix: "r" };

fn reservation_stack() -> impl Strategy<Value = Vec<Reservation>> {
    let labelled = |labels: [(&str, Option<&str>); 2]| {
        Reservation::new_dynamic("b", None).with_labels(
            labels.iter().map(|(key, value)| ((*key).to_owned(), value.map(str::to_owned))).collect(),
        )
    };
    prop_oneof![
        3 => Just(vec![]),
        2 => Just(vec![Reservation::new_static("a")]),
        1 => Just(vec![Reservation::new_static("a"), Reservation::new_dynamic("a/b", None)]),
        1 => Just(vec![Reservation::new_dynamic("b", Some("p".to_owned()))]),
        // The same labels in two orders: equal reservations, which must merge.
        1 => Just(vec![labelled([("k", Some("v")), ("x", None)])]),
        1 => Just(vec![labelled([("x", None), ("k", Some("v"))])]),
    ]
}

fn ranges(domain: Domain) -> impl Strategy<Value = Ranges> {
    prop::collection::vec((0u64..48, 0u64..8), 0..4).prop_map(move |pairs| {
        Ranges::from_pairs(
            pairs
                .into_iter()
                .map(|(start, length)| (domain.range_base + start, domain.range_base + start + length)),
        )
    })
}

fn set(domain: Domain) -> impl Strategy<Value = Set> {
    prop::collection::btree_set(0u8..5, 0..4)
        .prop_map(move |items| items.into_iter().map(|item| format!("{}{item}", domain.set_prefix)).collect())
}

fn volume(id: &str) -> DiskInfo {
    DiskInfo {
        persistence: Some(Persistence { id: id.to_owned(), principal: None }),
        volume: Some(Volume { container_path: "data".to_owned(), mode: VolumeMode::Rw, host_path: None }),
        source: None,
    }
}

fn resource(domain: Domain) -> impl Strategy<Value = Resource> {
    (
        0usize..7,
        1i64..5000,
        ranges(domain),
        set(domain),
        reservation_stack(),
        prop::option::of(prop_oneof![Just("a"), Just("b")]),
        any::<bool>(),
    )
        .prop_map(|(kind, milli, ranges, set, reservations, allocation_role, revocable)| {
            let scalar = Value::Scalar(Scalar::from_milli(milli));
            // Volume sizes come from a small set so that identical volumes collide.
            let volume_size = Value::Scalar(Scalar::from_units(if milli % 2 == 0 { 64 } else { 128 }));
            let mut resource = match kind {
                0 => Resource::new("cpus", scalar),
                1 => Resource::new("mem", scalar),
                2 => Resource::new("ports", Value::Ranges(ranges)),
                3 => Resource::new("bugs", Value::Set(set)),
                4 => Resource::new("disk", scalar),
                5 => Resource::new("disk", volume_size).with_disk(volume(if milli % 3 == 0 {
                    "v1"
                } else {
                    "v2"
                })),
                _ => Resource::new("disk", volume_size).with_disk(volume("v1")).with_shared(),
            };
            resource.reservations = reservations;
            resource.allocation_role = allocation_role.map(std::sync::Arc::from);
            resource.revocable = revocable && kind <= 1;
            resource
        })
}

fn resources_in(domain: Domain) -> impl Strategy<Value = Resources> {
    prop::collection::vec(resource(domain), 0..8).prop_map(|list| list.into_iter().collect())
}

fn resources() -> impl Strategy<Value = Resources> {
    resources_in(SHARED_DOMAIN)
}

/// Resources the `--resources` text form can express: unreserved or statically reserved.
fn text_resources() -> impl Strategy<Value = Resources> {
    let item = (0usize..5, 0i64..100_000, ranges(SHARED_DOMAIN), set(SHARED_DOMAIN), 0usize..3).prop_map(
        |(kind, milli, ranges, set, role)| {
            let value = match kind {
                2 => Value::Ranges(ranges),
                3 => Value::Set(set),
                _ => Value::Scalar(Scalar::from_milli(milli)),
            };
            let name = ["cpus", "mem", "ports", "bugs", "disk"][kind];
            let resource = Resource::new(name, value);
            match role {
                0 => resource,
                1 => resource.with_reservation(Reservation::new_static("prod")),
                _ => resource.with_reservation(Reservation::new_static("eng/web")),
            }
        },
    );
    prop::collection::vec(item, 0..8).prop_map(|list| list.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn addition_cancels_for_disjoint_members(a in resources_in(LEFT_DOMAIN), b in resources_in(RIGHT_DOMAIN)) {
        prop_assert_eq!(&(&a + &b) - &b, a);
    }

    #[test]
    fn adding_then_subtracting_never_grows(a in resources(), b in resources()) {
        prop_assert!(a.contains(&(&(&a + &b) - &b)));
    }

    #[test]
    fn addition_commutes(a in resources(), b in resources()) {
        prop_assert_eq!(&a + &b, &b + &a);
    }

    #[test]
    fn addition_associates(a in resources(), b in resources(), c in resources()) {
        prop_assert_eq!(&(&a + &b) + &c, &a + &(&b + &c));
    }

    #[test]
    fn a_sum_contains_its_terms(a in resources(), b in resources()) {
        let sum = &a + &b;
        prop_assert!(sum.contains(&a));
        prop_assert!(sum.contains(&b));
        prop_assert!(a.contains(&Resources::new()));
        prop_assert!(a.contains(&a));
    }

    #[test]
    fn containment_is_transitive(c in resources(), x in resources(), y in resources()) {
        let b = &c + &x;
        let a = &b + &y;
        prop_assert!(a.contains(&b) && b.contains(&c));
        prop_assert!(a.contains(&c));
        // The same along a chain built by subtraction.
        let smaller = &a - &x;
        let smallest = &smaller - &y;
        prop_assert!(a.contains(&smaller) && smaller.contains(&smallest) && a.contains(&smallest));
    }

    #[test]
    fn subtracting_a_contained_part_is_undone_by_adding_it(a in resources(), x in resources(), b in resources()) {
        let part = &a - &x;
        prop_assert!(a.contains(&part));
        prop_assert_eq!(&(&a - &part) + &part, a.clone());
        if a.contains(&b) {
            prop_assert_eq!(&(&a - &b) + &b, a);
        }
    }

    #[test]
    fn subtracting_what_is_not_contained_saturates(a in resources(), b in resources()) {
        let difference = &a - &b;
        prop_assert!(a.contains(&difference));
        prop_assert!(difference.iter().all(|resource| !resource.value.is_empty()));
    }

    #[test]
    fn equality_ignores_order(list in prop::collection::vec(resource(SHARED_DOMAIN), 0..8)) {
        let forward: Resources = list.iter().cloned().collect();
        let backward: Resources = list.iter().rev().cloned().collect();
        prop_assert_eq!(forward, backward);
    }

    #[test]
    fn containment_implies_quantity_containment(a in resources(), x in resources()) {
        let part = &a - &x;
        prop_assert!(a.to_quantities().contains(&part.to_quantities()));
        let quantities = part.to_quantities();
        prop_assert_eq!(a.contains_quantities(&quantities), a.to_quantities().contains(&quantities));
    }

    #[test]
    fn operators_agree_with_methods(a in resources(), b in resources()) {
        let mut added = a.clone();
        added.add(&b);
        let mut assigned = a.clone();
        assigned += b.clone();
        prop_assert_eq!(&added, &(a.clone() + b.clone()));
        prop_assert_eq!(&added, &assigned);
        let mut subtracted = a.clone();
        subtracted.subtract(&b);
        let mut assigned = a.clone();
        assigned -= &b;
        prop_assert_eq!(&subtracted, &(a - b));
        prop_assert_eq!(subtracted, assigned);
    }

    #[test]
    fn allocating_keeps_quantities(a in resources()) {
        let mut allocated = a.clone();
        allocated.allocate("r");
        prop_assert!(allocated.iter().all(|resource| resource.allocation_role.as_deref() == Some("r")));
        // Merging can only lose quantity where values union (ranges, sets) or count once
        // (two copies of a shared volume that differed only in allocation role); scalar
        // amounts of everything else are kept exactly.
        prop_assert!(a.to_quantities().contains(&allocated.to_quantities()));
        prop_assert_eq!(
            allocated.scalars().non_shared().to_quantities(),
            a.scalars().non_shared().to_quantities()
        );
        prop_assert_eq!(allocated.unallocated(), a.unallocated());
    }

    #[test]
    fn text_form_round_trips(r in text_resources()) {
        let text = r.to_string();
        prop_assert_eq!(Resources::parse(&text, "*"), Ok(r), "text: {}", text);
    }

    #[test]
    fn scalars_with_three_decimals_round_trip(milli in -(1i64 << 50)..(1i64 << 50)) {
        let value = milli as f64 / 1000.0;
        let scalar = Scalar::from_f64(value);
        prop_assert_eq!(scalar.map(Scalar::milli), Some(milli));
        prop_assert_eq!(scalar.map(Scalar::to_f64), Some(value));
        let printed = Scalar::from_milli(milli).to_string();
        prop_assert_eq!(printed.parse::<f64>().ok().and_then(Scalar::from_f64), Some(Scalar::from_milli(milli)));
    }

    #[test]
    fn scalar_addition_is_exact(a in 0i64..1_000_000_000, b in 0i64..1_000_000_000) {
        let sum = Scalar::from_milli(a) + Scalar::from_milli(b);
        prop_assert_eq!(sum.milli(), a + b);
        prop_assert_eq!(sum - Scalar::from_milli(b), Scalar::from_milli(a));
    }

    #[test]
    fn ranges_behave_like_sets_of_integers(
        left in prop::collection::vec((0u64..64, 0u64..64), 0..5),
        right in prop::collection::vec((0u64..64, 0u64..64), 0..5),
    ) {
        let model = |pairs: &[(u64, u64)]| -> BTreeSet<u64> {
            pairs.iter().flat_map(|&(begin, end)| begin..=end).collect()
        };
        let members = |ranges: &Ranges| -> BTreeSet<u64> { model(ranges.as_slice()) };
        let (a, b) = (Ranges::from_pairs(left.iter().copied()), Ranges::from_pairs(right.iter().copied()));
        let (model_a, model_b) = (model(&left), model(&right));
        prop_assert_eq!(members(&a), model_a.clone());
        prop_assert_eq!(a.member_count(), model_a.len() as u64);
        prop_assert_eq!(members(&a.union(&b)), &model_a | &model_b);
        prop_assert_eq!(members(&a.difference(&b)), &model_a - &model_b);
        prop_assert_eq!(members(&a.intersection(&b)), &model_a & &model_b);
        prop_assert_eq!(a.contains(&b), model_b.is_subset(&model_a));
        prop_assert!((0..70).all(|value| a.contains_value(value) == model_a.contains(&value)));
        for ranges in [a.union(&b), a.difference(&b), a.intersection(&b)] {
            // Canonical: ascending, non-empty, neither overlapping nor touching.
            prop_assert!(ranges.as_slice().iter().all(|(begin, end)| begin <= end));
            prop_assert!(ranges.as_slice().windows(2).all(|pair| pair[0].1 + 1 < pair[1].0));
        }
        prop_assert_eq!(a.union(&b), b.union(&a));
        prop_assert_eq!(a.difference(&b).union(&b), a.union(&b));
        let printed = a.to_string();
        prop_assert_eq!(printed.parse::<Ranges>(), Ok(a));
    }
}
