//! The resource algebra: [`Resources`] is a canonical collection of [`Resource`] entries with
//! Mesos' addition, subtraction and containment.
//!
//! Canonical form: entries are kept sorted by [`Resource`] metadata (name first) and entries
//! with identical metadata are merged, so equality is order-independent and `contains` is a
//! single merge walk without allocation. The allocator runs these operations for every agent on
//! every allocation cycle, which is why the representation is a small sorted `Vec` rather than
//! a map, each entry carries an inline key of its name so that most comparisons never follow a
//! pointer, and entries are shared copy-on-write so that cloning copies no strings.
//!
//! Merging rules (Mesos `Resources::add`/`subtract`):
//! - divisible entries with the same metadata merge by value: scalars add, ranges and sets
//!   union; subtraction removes the entry when the scalar reaches zero or below, or when no
//!   members are left (so subtracting more than is present saturates);
//! - indivisible entries ([`Resource::is_indivisible`]: shared resources, persistent volumes,
//!   MOUNT/BLOCK disks, RAW disks with an id) merge only with an identical entry, by count:
//!   adding a shared volume twice holds it with count 2, and subtraction needs an exact match
//!   and lowers the count; a non-matching subtraction is a no-op;
//! - entries with an empty value (zero or negative scalar, no ranges, no items) are dropped.

mod resource;
mod summary;
mod text;
mod validate;
pub(crate) mod value;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::sync::Arc;

pub use resource::{
    DiskInfo, DiskSource, DiskSourceKind, Label, Persistence, Reservation, ReservationKind, Resource, Volume,
    VolumeMode,
};
pub use summary::SummaryValue;
pub use text::{ResourcesParseError, ResourcesParseErrorKind};
pub use validate::{
    ResourceError, validate_framework_resource, validate_persistence_id, validate_persistent_volume,
    validate_reservations, validate_resource,
};
pub use value::{Ranges, Scalar, Set, Value, ValueKind, ValueParseError};

use crate::quantities::ResourceQuantities;

/// A canonical collection of resources (see the module docs for the merging rules).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// Sorted by `cmp_entry_key`, no two with an equal key, no empty values, counts ≥ 1 and
    /// above 1 only for indivisible resources.
    entries: Vec<Entry>,
}

#[derive(Clone, PartialEq, Eq)]
struct Entry {
    /// `name_key(&resource.name)`: most comparisons are decided here, without following the
    /// pointer, which matters when the allocator walks the resources of thousands of agents.
    name_key: u64,
    /// Shared between copies of a collection and written copy-on-write, so that cloning a
    /// `Resources` (done for every agent on every allocation cycle) copies no strings.
    resource: Arc<Resource>,
    /// Copies held; for shared resources, Mesos' shared count.
    count: u32,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The name key is derived data and only noise in test failures.
        f.debug_struct("Entry").field("resource", &self.resource).field("count", &self.count).finish()
    }
}

impl Entry {
    fn new(resource: Resource, count: u32) -> Entry {
        Entry { name_key: name_key(&resource.name), resource: Arc::new(resource), count }
    }

    /// How many times iteration yields this entry: a shared resource once (its count is the
    /// number of users, not more space), other indivisible resources once per copy.
    fn multiplicity(&self) -> usize {
        if self.resource.shared { 1 } else { self.count as usize }
    }
}

/// The first eight bytes of `name`, zero-padded, big-endian: ordering these keys agrees with
/// ordering the names whenever the keys differ.
fn name_key(name: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let prefix = &name.as_bytes()[..name.len().min(8)];
    bytes[..prefix.len()].copy_from_slice(prefix);
    u64::from_be_bytes(bytes)
}

/// Orders two names with equal keys. When both fit in the key their bytes are known equal
/// up to the shorter length (the rest is zero padding), so the length decides.
fn cmp_names_with_equal_keys(left: &str, right: &str) -> Ordering {
    if left.len() <= 8 && right.len() <= 8 { left.len().cmp(&right.len()) } else { left.cmp(right) }
}

/// The order of the canonical form: name (through its key), value kind, other metadata, and
/// for indivisible resources (which only merge with identical ones) the value.
fn cmp_entry_key(left_key: u64, left: &Resource, right_key: u64, right: &Resource) -> Ordering {
    left_key
        .cmp(&right_key)
        .then_with(|| cmp_names_with_equal_keys(&left.name, &right.name))
        .then_with(|| left.cmp_metadata_after_name(right))
        .then_with(|| {
            // Equal metadata implies both are indivisible or both divisible.
            if left.is_indivisible() { left.value.cmp(&right.value) } else { Ordering::Equal }
        })
}

fn cmp_entries(left: &Entry, right: &Entry) -> Ordering {
    cmp_entry_key(left.name_key, &left.resource, right.name_key, &right.resource)
}

impl Resources {
    /// No resources.
    pub const fn new() -> Resources {
        Resources { entries: Vec::new() }
    }

    /// True if there are no resources.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The number of resources iteration yields (see [`Resources::iter`]).
    pub fn len(&self) -> usize {
        self.entries.iter().map(Entry::multiplicity).sum()
    }

    /// The resources in canonical order (by name, then metadata). A shared resource is yielded
    /// once whatever its count; any other indivisible resource held several times is yielded
    /// once per copy, so converting to a wire list loses nothing.
    pub fn iter(&self) -> Iter<'_> {
        Iter { entries: self.entries.iter(), current: None, remaining: 0 }
    }

    /// Each distinct resource with the number of copies held (the shared count for shared
    /// resources, 1 for divisible resources).
    pub fn iter_with_counts(&self) -> impl Iterator<Item = (&Resource, u32)> {
        self.entries.iter().map(|entry| (&*entry.resource, entry.count))
    }

    /// Adds one resource.
    pub fn add_resource(&mut self, resource: Resource) {
        self.add_owned(resource, 1);
    }

    /// Adds every resource of `other`.
    pub fn add(&mut self, other: &Resources) {
        if self.entries.is_empty() {
            self.entries.clone_from(&other.entries);
            return;
        }
        for entry in &other.entries {
            self.add_entry(entry);
        }
    }

    /// Subtracts one resource (saturating, see the module docs).
    pub fn subtract_resource(&mut self, resource: &Resource) {
        self.subtract_borrowed(name_key(&resource.name), resource, 1);
    }

    /// Subtracts every resource of `other`. Per entry this saturates: taking more than is
    /// present removes the entry, and an entry absent from `self` is ignored, so
    /// `(a - b) + b == a` holds only when `a.contains(&b)`.
    pub fn subtract(&mut self, other: &Resources) {
        for entry in &other.entries {
            self.subtract_borrowed(entry.name_key, &entry.resource, entry.count);
        }
    }

    /// True if `other` could be subtracted without saturating: every entry of `other` is
    /// matched by one of `self` with at least its value (or count, for indivisible entries).
    pub fn contains(&self, other: &Resources) -> bool {
        let mut mine = self.entries.iter();
        'theirs: for theirs in &other.entries {
            for candidate in mine.by_ref() {
                match cmp_entries(candidate, theirs) {
                    Ordering::Less => continue,
                    Ordering::Equal if entry_contains(candidate, theirs) => continue 'theirs,
                    _ => return false,
                }
            }
            return false;
        }
        true
    }

    /// True if `resource` (if non-empty) is held.
    pub fn contains_resource(&self, resource: &Resource) -> bool {
        if resource.value.is_empty() {
            return true;
        }
        match self.search(name_key(&resource.name), resource) {
            Ok(index) => {
                let entry = &self.entries[index];
                entry.resource.is_indivisible() || entry.resource.value.contains(&resource.value)
            }
            Err(_) => false,
        }
    }

    /// The resources for which `keep` holds.
    pub fn filter(&self, mut keep: impl FnMut(&Resource) -> bool) -> Resources {
        // A subsequence of a canonical list is canonical.
        Resources { entries: self.entries.iter().filter(|entry| keep(&entry.resource)).cloned().collect() }
    }

    /// Resources whose innermost reservation is for `role` (nothing for `*`).
    pub fn reserved(&self, role: &str) -> Resources {
        self.filter(|resource| resource.is_reserved_for(role))
    }

    /// All reserved resources, whatever the role.
    pub fn all_reserved(&self) -> Resources {
        self.filter(Resource::is_reserved)
    }

    /// Reserved resources grouped by reservation role.
    pub fn reserved_by_role(&self) -> BTreeMap<String, Resources> {
        self.group_by(|resource| resource.reservations.last().map(|reservation| reservation.role.as_str()))
    }

    /// Resources with an empty reservation stack.
    pub fn unreserved(&self) -> Resources {
        self.filter(Resource::is_unreserved)
    }

    /// Resources allocated to `role`.
    pub fn allocated_to(&self, role: &str) -> Resources {
        self.filter(|resource| resource.allocation_role.as_deref() == Some(role))
    }

    /// Allocated resources grouped by allocation role.
    pub fn allocations(&self) -> BTreeMap<String, Resources> {
        self.group_by(|resource| resource.allocation_role.as_deref())
    }

    /// Sets the allocation role of every resource to `role`.
    pub fn allocate(&mut self, role: &str) {
        // When every entry has the same allocation role (the allocator's case: free resources
        // have none), giving them all another one keeps their order and merges nothing, so
        // the entries are updated in place instead of being re-sorted.
        let uniform = self
            .entries
            .windows(2)
            .all(|pair| pair[0].resource.allocation_role == pair[1].resource.allocation_role);
        // One shared copy of the role name serves every entry.
        let shared: Arc<str> = Arc::from(role);
        if uniform {
            for entry in &mut self.entries {
                if entry.resource.allocation_role.as_deref() != Some(role) {
                    Arc::make_mut(&mut entry.resource).allocation_role = Some(shared.clone());
                }
            }
            return;
        }
        *self = self.map_resources(|resource| {
            if resource.allocation_role.as_deref() != Some(role) {
                resource.allocation_role = Some(shared.clone());
            }
        });
    }

    /// Clears the allocation role of every resource.
    pub fn unallocate(&mut self) {
        if self.entries.iter().any(|entry| entry.resource.allocation_role.is_some()) {
            *self = self.unallocated();
        }
    }

    /// A copy with no allocation roles.
    pub fn unallocated(&self) -> Resources {
        self.map_resources(|resource| resource.allocation_role = None)
    }

    /// Revocable resources.
    pub fn revocable(&self) -> Resources {
        self.filter(|resource| resource.revocable)
    }

    /// Non-revocable resources.
    pub fn non_revocable(&self) -> Resources {
        self.filter(|resource| !resource.revocable)
    }

    /// Shared resources.
    pub fn shared(&self) -> Resources {
        self.filter(|resource| resource.shared)
    }

    /// Non-shared resources.
    pub fn non_shared(&self) -> Resources {
        self.filter(|resource| !resource.shared)
    }

    /// Persistent volumes.
    pub fn persistent_volumes(&self) -> Resources {
        self.filter(Resource::is_persistent_volume)
    }

    /// Resources with a scalar value.
    pub fn scalars(&self) -> Resources {
        self.filter(|resource| matches!(resource.value, Value::Scalar(_)))
    }

    /// The total amount of scalar resource `name` across all metadata (zero if absent). A
    /// shared resource counts once, whatever its shared count.
    pub fn scalar(&self, name: &str) -> Scalar {
        self.named(name)
            .filter_map(|entry| match &entry.resource.value {
                Value::Scalar(amount) => {
                    Some(Scalar::from_milli(amount.milli().saturating_mul(entry.multiplicity() as i64)))
                }
                _ => None,
            })
            .sum()
    }

    /// The union of ranges resource `name` across all metadata.
    pub fn ranges(&self, name: &str) -> Ranges {
        self.named(name).fold(Ranges::new(), |all, entry| match &entry.resource.value {
            Value::Ranges(ranges) => all.union(ranges),
            _ => all,
        })
    }

    /// The union of set resource `name` across all metadata.
    pub fn set(&self, name: &str) -> Set {
        self.named(name).fold(Set::new(), |mut all, entry| {
            if let Value::Set(set) = &entry.resource.value {
                all.union_with(set);
            }
            all
        })
    }

    /// The quantity of `name`: the scalar total, or the number of range or set members
    /// (ranges and sets of the same name in different entries are counted per entry).
    pub fn quantity(&self, name: &str) -> Scalar {
        self.named(name).map(entry_quantity).sum()
    }

    /// The distinct resource names.
    pub fn names(&self) -> BTreeSet<&str> {
        self.entries.iter().map(|entry| entry.resource.name.as_str()).collect()
    }

    /// Quantities by name: scalars summed, ranges and sets counting their members.
    pub fn to_quantities(&self) -> ResourceQuantities {
        let mut quantities = ResourceQuantities::new();
        for entry in &self.entries {
            quantities.add_quantity(&entry.resource.name, entry_quantity(entry));
        }
        quantities
    }

    /// True if `self.to_quantities().contains(quantities)`, without building the map.
    pub fn contains_quantities(&self, quantities: &ResourceQuantities) -> bool {
        quantities.iter().all(|(name, wanted)| self.quantity(name) >= wanted)
    }

    /// A copy with `reservation` pushed onto every resource's stack; fails (and changes
    /// nothing) if that would make any resource's reservations invalid, e.g. a refinement that
    /// is not dynamic or not for a strict sub-role.
    pub fn push_reservation(&self, reservation: &Reservation) -> Result<Resources, ResourceError> {
        let mut pushed = Resources::new();
        for entry in &self.entries {
            let mut resource = Resource::clone(&entry.resource);
            resource.reservations.push(reservation.clone());
            validate_reservations(&resource)?;
            pushed.add_owned(resource, entry.count);
        }
        Ok(pushed)
    }

    /// A copy with the innermost reservation of every resource popped; fails if any resource
    /// is unreserved.
    pub fn pop_reservation(&self) -> Result<Resources, ResourceError> {
        let mut popped = Resources::new();
        for entry in &self.entries {
            let mut resource = Resource::clone(&entry.resource);
            if resource.reservations.pop().is_none() {
                return Err(ResourceError::NotReserved { resource: entry.resource.to_string() });
            }
            popped.add_owned(resource, entry.count);
        }
        Ok(popped)
    }

    /// A copy with every reservation stack cleared ("flatten" to unreserved).
    pub fn to_unreserved(&self) -> Resources {
        self.map_resources(|resource| resource.reservations.clear())
    }

    /// A copy with every reservation stack replaced by `reservations`.
    pub fn with_reservations(&self, reservations: &[Reservation]) -> Resources {
        self.map_resources(|resource| resource.reservations = reservations.to_vec())
    }

    fn search(&self, key: u64, resource: &Resource) -> Result<usize, usize> {
        self.entries.binary_search_by(|entry| cmp_entry_key(entry.name_key, &entry.resource, key, resource))
    }

    fn named<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Entry> + use<'a> {
        // Entries are sorted by name first, so the matches are one contiguous run.
        let key = name_key(name);
        let cmp_name = |entry: &Entry| {
            entry.name_key.cmp(&key).then_with(|| cmp_names_with_equal_keys(&entry.resource.name, name))
        };
        let start = self.entries.partition_point(|entry| cmp_name(entry) == Ordering::Less);
        let end = start + self.entries[start..].partition_point(|entry| cmp_name(entry) == Ordering::Equal);
        self.entries[start..end].iter()
    }

    fn add_owned(&mut self, resource: Resource, count: u32) {
        if count == 0 || resource.value.is_empty() {
            return;
        }
        match self.search(name_key(&resource.name), &resource) {
            Ok(index) => merge_into(&mut self.entries[index], &resource, count),
            Err(index) => self.entries.insert(index, Entry::new(resource, count)),
        }
    }

    fn add_entry(&mut self, entry: &Entry) {
        match self.search(entry.name_key, &entry.resource) {
            Ok(index) => merge_into(&mut self.entries[index], &entry.resource, entry.count),
            Err(index) => self.entries.insert(index, entry.clone()),
        }
    }

    fn subtract_borrowed(&mut self, key: u64, resource: &Resource, count: u32) {
        if count == 0 || resource.value.is_empty() {
            return;
        }
        let Ok(index) = self.search(key, resource) else { return };
        let entry = &mut self.entries[index];
        let now_empty = if entry.resource.is_indivisible() {
            entry.count = entry.count.saturating_sub(count);
            entry.count == 0
        } else {
            // Same key, so the same value kind: this always applies.
            let value = &mut Arc::make_mut(&mut entry.resource).value;
            value.subtract_same_kind(&resource.value);
            value.is_empty()
        };
        if now_empty {
            self.entries.remove(index);
        }
    }

    /// Rebuilds after changing metadata, which can reorder entries and make some mergeable.
    fn map_resources(&self, mut change: impl FnMut(&mut Resource)) -> Resources {
        let mut changed = Resources { entries: Vec::with_capacity(self.entries.len()) };
        for entry in &self.entries {
            let mut resource = Resource::clone(&entry.resource);
            change(&mut resource);
            changed.add_owned(resource, entry.count);
        }
        changed
    }

    fn group_by<'a>(&'a self, key: impl Fn(&'a Resource) -> Option<&'a str>) -> BTreeMap<String, Resources> {
        let mut groups: BTreeMap<String, Resources> = BTreeMap::new();
        for entry in &self.entries {
            if let Some(key) = key(&entry.resource) {
                // Entries arrive in canonical order, so pushing keeps each group canonical.
                groups.entry(key.to_owned()).or_default().entries.push(entry.clone());
            }
        }
        groups
    }
}

fn merge_into(entry: &mut Entry, resource: &Resource, count: u32) {
    if entry.resource.is_indivisible() {
        entry.count = entry.count.saturating_add(count);
    } else {
        // Same key, so the same value kind: this always applies.
        Arc::make_mut(&mut entry.resource).value.add_same_kind(&resource.value);
    }
}

fn entry_contains(mine: &Entry, theirs: &Entry) -> bool {
    if mine.resource.is_indivisible() {
        mine.count >= theirs.count
    } else {
        mine.resource.value.contains(&theirs.resource.value)
    }
}

fn entry_quantity(entry: &Entry) -> Scalar {
    let quantity = entry.resource.value.quantity();
    Scalar::from_milli(quantity.milli().saturating_mul(entry.multiplicity() as i64))
}

impl From<Resource> for Resources {
    fn from(resource: Resource) -> Resources {
        let mut resources = Resources::new();
        resources.add_resource(resource);
        resources
    }
}

impl FromIterator<Resource> for Resources {
    fn from_iter<I: IntoIterator<Item = Resource>>(iter: I) -> Resources {
        let mut resources = Resources::new();
        resources.extend(iter);
        resources
    }
}

impl Extend<Resource> for Resources {
    fn extend<I: IntoIterator<Item = Resource>>(&mut self, iter: I) {
        for resource in iter {
            self.add_resource(resource);
        }
    }
}

/// Iterator over the resources of a [`Resources`], see [`Resources::iter`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    entries: std::slice::Iter<'a, Entry>,
    current: Option<&'a Resource>,
    /// Further yields of `current`.
    remaining: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Resource;

    fn next(&mut self) -> Option<&'a Resource> {
        if self.remaining > 0 {
            self.remaining -= 1;
            return self.current;
        }
        let entry = self.entries.next()?;
        self.current = Some(&*entry.resource);
        self.remaining = entry.multiplicity().saturating_sub(1);
        self.current
    }
}

impl<'a> IntoIterator for &'a Resources {
    type Item = &'a Resource;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl AddAssign<&Resources> for Resources {
    fn add_assign(&mut self, rhs: &Resources) {
        Resources::add(self, rhs);
    }
}

impl AddAssign<Resources> for Resources {
    fn add_assign(&mut self, rhs: Resources) {
        if self.entries.is_empty() {
            *self = rhs;
            return;
        }
        for entry in &rhs.entries {
            self.add_entry(entry);
        }
    }
}

impl AddAssign<Resource> for Resources {
    fn add_assign(&mut self, rhs: Resource) {
        self.add_resource(rhs);
    }
}

impl SubAssign<&Resources> for Resources {
    fn sub_assign(&mut self, rhs: &Resources) {
        self.subtract(rhs);
    }
}

impl SubAssign<Resources> for Resources {
    fn sub_assign(&mut self, rhs: Resources) {
        self.subtract(&rhs);
    }
}

impl SubAssign<&Resource> for Resources {
    fn sub_assign(&mut self, rhs: &Resource) {
        self.subtract_resource(rhs);
    }
}

impl Add<&Resources> for &Resources {
    type Output = Resources;
    fn add(self, rhs: &Resources) -> Resources {
        let mut sum = self.clone();
        Resources::add(&mut sum, rhs);
        sum
    }
}

impl Add<&Resources> for Resources {
    type Output = Resources;
    fn add(mut self, rhs: &Resources) -> Resources {
        Resources::add(&mut self, rhs);
        self
    }
}

impl Add<Resources> for Resources {
    type Output = Resources;
    fn add(mut self, rhs: Resources) -> Resources {
        self += rhs;
        self
    }
}

impl Sub<&Resources> for &Resources {
    type Output = Resources;
    fn sub(self, rhs: &Resources) -> Resources {
        let mut difference = self.clone();
        difference.subtract(rhs);
        difference
    }
}

impl Sub<&Resources> for Resources {
    type Output = Resources;
    fn sub(mut self, rhs: &Resources) -> Resources {
        self.subtract(rhs);
        self
    }
}

impl Sub<Resources> for Resources {
    type Output = Resources;
    fn sub(mut self, rhs: Resources) -> Resources {
        self.subtract(&rhs);
        self
    }
}

impl fmt::Display for Resources {
    /// `;`-separated resources in canonical order: the `--resources` text form when every
    /// entry can be expressed in it (so that `Resources::parse(&r.to_string(), "*") == r`),
    /// with extra metadata spelled out otherwise (see `Display for Resource`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, resource) in self.iter().enumerate() {
            if index > 0 {
                f.write_str(";")?;
            }
            resource.fmt(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(name: &str, amount: f64) -> Resource {
        Resource::scalar(name, amount).expect("finite test value")
    }

    fn parse(text: &str) -> Resources {
        Resources::parse(text, "*").expect("valid test resources")
    }

    #[test]
    fn identical_metadata_merges() {
        let mut resources = Resources::new();
        resources += scalar("cpus", 1.5);
        resources += scalar("mem", 512.0);
        resources += scalar("cpus", 0.5);
        resources += scalar("cpus", 2.0).with_reservation(Reservation::new_static("a"));
        resources += Resource::ranges("ports", Ranges::from_range(1, 5));
        resources += Resource::ranges("ports", Ranges::from_range(6, 9));
        resources += scalar("gpus", 0.0);
        assert_eq!(resources.to_string(), "cpus:2;cpus(a):2;mem:512;ports:[1-9]");
        assert_eq!(resources.len(), 4);
        assert_eq!(resources.scalar("cpus"), Scalar::from_units(4));
        assert_eq!(resources.scalar("disk"), Scalar::ZERO);
    }

    #[test]
    fn equality_ignores_insertion_order() {
        let a: Resources = [scalar("mem", 1.0), scalar("cpus", 1.0)].into_iter().collect();
        let b: Resources = [scalar("cpus", 1.0), scalar("mem", 1.0)].into_iter().collect();
        assert_eq!(a, b);
    }

    #[test]
    fn subtraction_saturates_per_entry() {
        let mut resources = parse("cpus:2;mem:100;ports:[1-10]");
        resources -= &parse("cpus:3;mem:40;ports:[5-20];disk:10");
        assert_eq!(resources.to_string(), "mem:60;ports:[1-4]");
    }

    #[test]
    fn contains_needs_matching_metadata() {
        let total = parse("cpus:4;cpus(a):2;ports:[1-10]");
        assert!(total.contains(&parse("cpus:4;cpus(a):1;ports:[2-3]")));
        assert!(!total.contains(&parse("cpus:5")));
        assert!(!total.contains(&parse("cpus(b):1")));
        assert!(!total.contains(&parse("ports:[10-11]")));
        assert!(!total.contains(&parse("mem:1")));
        assert!(!total.contains(&parse("zzz:1")));
        assert!(total.contains(&Resources::new()));
        assert!(!total.contains(&total.clone().with_reservations(&[Reservation::new_static("b")])));
        assert!(total.contains_resource(&scalar("cpus", 3.0)));
        assert!(!total.contains_resource(&scalar("cpus", 5.0)));
    }

    fn volume(id: &str, size: f64) -> Resource {
        scalar("disk", size).with_reservation(Reservation::new_static("a")).with_disk(DiskInfo {
            persistence: Some(Persistence { id: id.into(), principal: None }),
            volume: Some(Volume { container_path: "data".into(), mode: VolumeMode::Rw, host_path: None }),
            source: None,
        })
    }

    #[test]
    fn shared_resources_are_counted() {
        let shared = volume("v1", 64.0).with_shared();
        let mut resources = Resources::from(shared.clone());
        resources += shared.clone();
        assert_eq!(resources.iter_with_counts().map(|(_, count)| count).collect::<Vec<_>>(), [2]);
        assert_eq!(resources.len(), 1);
        assert_eq!(resources.scalar("disk"), Scalar::from_units(64));
        let once = Resources::from(shared.clone());
        assert!(resources.contains(&once));
        assert!(!once.contains(&resources));
        resources -= &shared;
        assert_eq!(resources, once);
        resources -= &shared;
        assert!(resources.is_empty());
    }

    #[test]
    fn persistent_volumes_never_split_or_merge_by_value() {
        let mut resources = Resources::from(volume("v1", 64.0));
        resources += volume("v2", 64.0);
        assert_eq!(resources.len(), 2);
        resources -= &volume("v1", 32.0);
        assert_eq!(resources.len(), 2, "partial subtraction of a volume is a no-op");
        assert!(!resources.contains_resource(&volume("v1", 32.0)));
        resources += volume("v1", 64.0);
        assert_eq!(resources.len(), 3, "a duplicate copy is held, not merged into 128");
        assert_eq!(resources.scalar("disk"), Scalar::from_units(192));
        assert_eq!(resources.iter().filter(|r| r.is_persistent_volume()).count(), 3);
        resources -= &volume("v1", 64.0);
        resources -= &volume("v2", 64.0);
        assert_eq!(resources, Resources::from(volume("v1", 64.0)));
        assert_eq!(resources.persistent_volumes(), resources);
    }

    #[test]
    fn filters_and_groups() {
        let resources = parse("cpus:1;cpus(a):2;mem(a/b):3;disk(b):4")
            + Resources::from(scalar("cpus", 5.0).with_revocable().with_allocation_role("a"));
        assert_eq!(resources.reserved("a").to_string(), "cpus(a):2");
        assert_eq!(resources.reserved("*"), Resources::new());
        assert_eq!(resources.unreserved().to_string(), "cpus:1;cpus(allocated: a){REV}:5");
        let by_role: Vec<(String, String)> =
            resources.reserved_by_role().into_iter().map(|(role, r)| (role, r.to_string())).collect();
        assert_eq!(
            by_role,
            [
                ("a".to_owned(), "cpus(a):2".to_owned()),
                ("a/b".to_owned(), "mem(a/b):3".to_owned()),
                ("b".to_owned(), "disk(b):4".to_owned())
            ]
        );
        assert_eq!(resources.revocable().scalar("cpus"), Scalar::from_units(5));
        assert_eq!(resources.non_revocable().scalar("cpus"), Scalar::from_units(3));
        assert_eq!(resources.allocated_to("a").len(), 1);
        assert_eq!(resources.allocations().keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(resources.names().into_iter().collect::<Vec<_>>(), ["cpus", "disk", "mem"]);
    }

    #[test]
    fn allocation_merges_entries() {
        let mut resources = Resources::from(scalar("cpus", 1.0).with_allocation_role("x"));
        resources += scalar("cpus", 2.0);
        assert_eq!(resources.len(), 2);
        resources.allocate("r");
        assert_eq!(resources.to_string(), "cpus(allocated: r):3");
        resources.unallocate();
        assert_eq!(resources, parse("cpus:3"));
    }

    #[test]
    fn reservation_stack_operations() {
        let resources = parse("cpus(a):2;mem:10");
        let refined = parse("cpus(a):2").push_reservation(&Reservation::new_dynamic("a/b", None));
        assert_eq!(refined.as_ref().map(|r| r.reserved("a/b").scalar("cpus")), Ok(Scalar::from_units(2)));
        let refined = refined.expect("checked above");
        assert_eq!(refined.pop_reservation(), Ok(parse("cpus(a):2")));
        assert_eq!(
            resources.push_reservation(&Reservation::new_dynamic("b", None)).map_err(|e| e.to_string()),
            Err("reservation refinement for role 'b' must be for a strict sub-role of 'a'".to_owned())
        );
        assert_eq!(
            resources.pop_reservation().map_err(|e| e.to_string()),
            Err("resource 'mem:10' is not reserved".to_owned())
        );
        assert_eq!(resources.to_unreserved(), parse("cpus:2;mem:10"));
    }

    #[test]
    fn quantities_count_members() {
        let resources = parse("cpus:1.5;cpus(a):1;ports:[1-10,20-24];bugs:{a,b,c}");
        let quantities = resources.to_quantities();
        assert_eq!(quantities.to_string(), "bugs:3;cpus:2.5;ports:15");
        assert!(resources.contains_quantities(&quantities));
        assert_eq!(resources.quantity("ports"), Scalar::from_units(15));
        assert_eq!(resources.ranges("ports"), Ranges::from_pairs([(1, 10), (20, 24)]));
        assert_eq!(resources.set("bugs").len(), 3);
        assert_eq!(resources.scalars().to_string(), "cpus:1.5;cpus(a):1");
    }
}
