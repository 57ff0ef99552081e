//! One resource entry: a name, a value and the metadata that decides which other entries it
//! may merge with (reservations, allocation role, disk, revocable, shared, provider).
//!
//! These are domain types: `mesos-proto` converts the wire `Resource` (either reservation
//! format) to and from them.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use super::value::{Ranges, Scalar, Set, Value};
use crate::roles::DEFAULT_ROLE;

/// A key with an optional value, as in Mesos `Labels`. Two label lists are equal when they
/// hold the same labels in any order.
pub type Label = (String, Option<String>);

/// Whether a reservation came from agent flags or from an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReservationKind {
    /// From `--resources`/`--default_role`; cannot be unreserved at runtime.
    Static,
    /// From RESERVE (framework or operator); refinements are always dynamic.
    Dynamic,
}

/// One level of a reservation stack.
#[derive(Clone, Debug)]
pub struct Reservation {
    /// Static or dynamic.
    pub kind: ReservationKind,
    /// The role the resources are reserved for.
    pub role: String,
    /// Who made a dynamic reservation.
    pub principal: Option<String>,
    /// Reservations with different labels never merge.
    pub labels: Vec<Label>,
}

impl Reservation {
    /// A static reservation for `role`.
    pub fn new_static(role: impl Into<String>) -> Reservation {
        Reservation { kind: ReservationKind::Static, role: role.into(), principal: None, labels: Vec::new() }
    }

    /// A dynamic reservation for `role` made by `principal`.
    pub fn new_dynamic(role: impl Into<String>, principal: Option<String>) -> Reservation {
        Reservation { kind: ReservationKind::Dynamic, role: role.into(), principal, labels: Vec::new() }
    }

    /// The same reservation with `labels`.
    pub fn with_labels(mut self, labels: Vec<Label>) -> Reservation {
        self.labels = labels;
        self
    }
}

impl PartialEq for Reservation {
    fn eq(&self, other: &Reservation) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Reservation {}

impl PartialOrd for Reservation {
    fn partial_cmp(&self, other: &Reservation) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Reservation {
    fn cmp(&self, other: &Reservation) -> Ordering {
        self.kind
            .cmp(&other.kind)
            .then_with(|| self.role.cmp(&other.role))
            .then_with(|| self.principal.cmp(&other.principal))
            .then_with(|| cmp_labels(&self.labels, &other.labels))
    }
}

/// Orders label lists as multisets: by length, then by sorted contents. Equal slices (the
/// common case, usually empty) are answered without allocating.
pub(crate) fn cmp_labels(left: &[Label], right: &[Label]) -> Ordering {
    if left == right {
        return Ordering::Equal;
    }
    left.len().cmp(&right.len()).then_with(|| {
        let mut left: Vec<&Label> = left.iter().collect();
        let mut right: Vec<&Label> = right.iter().collect();
        left.sort_unstable();
        right.sort_unstable();
        left.cmp(&right)
    })
}

/// Disk-specific metadata of a `disk` resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiskInfo {
    /// Set for persistent volumes.
    pub persistence: Option<Persistence>,
    /// Where the volume is mounted in the container.
    pub volume: Option<Volume>,
    /// Where the disk space comes from; `None` is the agent's root disk.
    pub source: Option<DiskSource>,
}

impl DiskInfo {
    /// A disk with neither persistence, volume nor source.
    pub fn is_empty(&self) -> bool {
        self.persistence.is_none() && self.volume.is_none() && self.source.is_none()
    }
}

/// Identity of a persistent volume.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Persistence {
    /// Unique per role per agent.
    pub id: String,
    /// Who created the volume.
    pub principal: Option<String>,
}

/// Mount of a persistent volume inside a container.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Volume {
    /// Relative mount point inside the container sandbox.
    pub container_path: String,
    /// Read-write or read-only.
    pub mode: VolumeMode,
    /// Must be unset for persistent volumes; kept so that validation can refuse it.
    pub host_path: Option<String>,
}

/// Access mode of a volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VolumeMode {
    /// Read-write.
    Rw,
    /// Read-only.
    Ro,
}

/// Where disk space comes from (`DiskInfo.Source`).
#[derive(Clone, Debug)]
pub struct DiskSource {
    /// The kind of disk.
    pub kind: DiskSourceKind,
    /// The root of the `path` (PATH) or `mount` (MOUNT) member. Converters set it (to the root,
    /// or to an empty string when the member has no root) whenever the wire message has a
    /// `path` or `mount` member, so that validation can refuse one on BLOCK/RAW.
    pub root: Option<String>,
    /// CSI volume id.
    pub id: Option<String>,
    /// CSI volume metadata.
    pub metadata: Vec<Label>,
    /// Storage profile.
    pub profile: Option<String>,
    /// CSI plugin vendor.
    pub vendor: Option<String>,
}

impl DiskSource {
    /// A source of `kind` with nothing else set.
    pub fn new(kind: DiskSourceKind) -> DiskSource {
        DiskSource { kind, root: None, id: None, metadata: Vec::new(), profile: None, vendor: None }
    }
}

impl PartialEq for DiskSource {
    fn eq(&self, other: &DiskSource) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DiskSource {}

impl PartialOrd for DiskSource {
    fn partial_cmp(&self, other: &DiskSource) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DiskSource {
    fn cmp(&self, other: &DiskSource) -> Ordering {
        self.kind
            .cmp(&other.kind)
            .then_with(|| self.root.cmp(&other.root))
            .then_with(|| self.id.cmp(&other.id))
            .then_with(|| self.profile.cmp(&other.profile))
            .then_with(|| self.vendor.cmp(&other.vendor))
            .then_with(|| cmp_labels(&self.metadata, &other.metadata))
    }
}

/// Kind of a disk source. Mesos' UNKNOWN is refused when converting from the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiskSourceKind {
    /// A directory; splittable.
    Path,
    /// A whole mounted filesystem, offered and used whole.
    Mount,
    /// A raw block device exposed by a resource provider, used whole.
    Block,
    /// Unformatted provider storage; used whole once it has an id.
    Raw,
}

impl fmt::Display for DiskSourceKind {
    /// The Mesos enum name: `PATH`, `MOUNT`, `BLOCK`, `RAW`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiskSourceKind::Path => "PATH",
            DiskSourceKind::Mount => "MOUNT",
            DiskSourceKind::Block => "BLOCK",
            DiskSourceKind::Raw => "RAW",
        })
    }
}

/// One resource entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Resource {
    /// `cpus`, `mem` (MB), `disk` (MB), `ports`, `gpus` or a custom name.
    pub name: String,
    /// The amount, ranges or items.
    pub value: Value,
    /// The reservation stack, outermost first; empty means unreserved.
    pub reservations: Vec<Reservation>,
    /// The role the resource is allocated or offered to.
    pub allocation_role: Option<Arc<str>>,
    /// Only on resources named `disk`.
    pub disk: Option<DiskInfo>,
    /// May be revoked or throttled at any time.
    pub revocable: bool,
    /// Usable by many tasks at once (persistent volumes only).
    pub shared: bool,
    /// Set for resources offered by a resource provider.
    pub provider_id: Option<String>,
}

impl Resource {
    /// An unreserved, unallocated resource with no other metadata.
    pub fn new(name: impl Into<String>, value: Value) -> Resource {
        Resource {
            name: name.into(),
            value,
            reservations: Vec::new(),
            allocation_role: None,
            disk: None,
            revocable: false,
            shared: false,
            provider_id: None,
        }
    }

    /// A scalar resource; `None` if `amount` is not finite.
    pub fn scalar(name: impl Into<String>, amount: f64) -> Option<Resource> {
        Scalar::from_f64(amount).map(|amount| Resource::new(name, Value::Scalar(amount)))
    }

    /// A ranges resource.
    pub fn ranges(name: impl Into<String>, ranges: Ranges) -> Resource {
        Resource::new(name, Value::Ranges(ranges))
    }

    /// A set resource.
    pub fn set(name: impl Into<String>, set: Set) -> Resource {
        Resource::new(name, Value::Set(set))
    }

    /// The same resource with `reservation` pushed on top of its stack.
    pub fn with_reservation(mut self, reservation: Reservation) -> Resource {
        self.reservations.push(reservation);
        self
    }

    /// The same resource allocated to `role`.
    pub fn with_allocation_role(mut self, role: impl Into<Arc<str>>) -> Resource {
        self.allocation_role = Some(role.into());
        self
    }

    /// The same resource with `disk` info.
    pub fn with_disk(mut self, disk: DiskInfo) -> Resource {
        self.disk = Some(disk);
        self
    }

    /// The same resource marked revocable.
    pub fn with_revocable(mut self) -> Resource {
        self.revocable = true;
        self
    }

    /// The same resource marked shared.
    pub fn with_shared(mut self) -> Resource {
        self.shared = true;
        self
    }

    /// The same resource from resource provider `provider_id`.
    pub fn with_provider_id(mut self, provider_id: impl Into<String>) -> Resource {
        self.provider_id = Some(provider_id.into());
        self
    }

    /// The role of the innermost reservation, or `*` when unreserved.
    pub fn reservation_role(&self) -> &str {
        self.reservations.last().map_or(DEFAULT_ROLE, |reservation| reservation.role.as_str())
    }

    /// True if the stack is not empty.
    pub fn is_reserved(&self) -> bool {
        !self.reservations.is_empty()
    }

    /// True if reserved and the innermost reservation is for `role`.
    pub fn is_reserved_for(&self, role: &str) -> bool {
        self.reservations.last().is_some_and(|reservation| reservation.role == role)
    }

    /// True if the stack is empty.
    pub fn is_unreserved(&self) -> bool {
        self.reservations.is_empty()
    }

    /// True if the innermost reservation is dynamic (what UNRESERVE can pop).
    pub fn is_dynamically_reserved(&self) -> bool {
        self.reservations.last().is_some_and(|reservation| reservation.kind == ReservationKind::Dynamic)
    }

    /// True if the innermost reservation is static.
    pub fn is_statically_reserved(&self) -> bool {
        self.reservations.last().is_some_and(|reservation| reservation.kind == ReservationKind::Static)
    }

    /// True if the disk info carries a persistence id.
    pub fn is_persistent_volume(&self) -> bool {
        self.disk.as_ref().is_some_and(|disk| disk.persistence.is_some())
    }

    /// True for resources that are never split or merged by value: shared resources,
    /// persistent volumes, MOUNT and BLOCK disks and RAW disks with an id. Such entries are
    /// counted instead: adding an identical one twice holds it twice, and subtracting needs an
    /// exact match (Mesos' exclusivity rules for these disks).
    pub fn is_indivisible(&self) -> bool {
        self.shared
            || self.disk.as_ref().is_some_and(|disk| {
                disk.persistence.is_some()
                    || disk.source.as_ref().is_some_and(|source| match source.kind {
                        DiskSourceKind::Mount | DiskSourceKind::Block => true,
                        DiskSourceKind::Raw => source.id.is_some(),
                        DiskSourceKind::Path => false,
                    })
            })
    }

    /// Orders by everything except the name and the value, with the value kind first. Callers
    /// compare names first, so that a sorted collection groups entries by name.
    pub(crate) fn cmp_metadata_after_name(&self, other: &Resource) -> Ordering {
        self.value
            .kind()
            .cmp(&other.value.kind())
            .then_with(|| self.reservations.cmp(&other.reservations))
            .then_with(|| self.allocation_role.cmp(&other.allocation_role))
            .then_with(|| self.disk.cmp(&other.disk))
            .then_with(|| self.revocable.cmp(&other.revocable))
            .then_with(|| self.shared.cmp(&other.shared))
            .then_with(|| self.provider_id.cmp(&other.provider_id))
    }

    /// True if the flag text form (`name:value` or `name(role):value`) can express this
    /// resource exactly.
    pub fn is_expressible_as_text(&self) -> bool {
        let reservation_ok = match self.reservations.as_slice() {
            [] => true,
            [reservation] => {
                reservation.kind == ReservationKind::Static
                    && reservation.principal.is_none()
                    && reservation.labels.is_empty()
            }
            _ => false,
        };
        reservation_ok
            && self.allocation_role.is_none()
            && self.disk.is_none()
            && !self.revocable
            && !self.shared
            && self.provider_id.is_none()
    }
}

impl fmt::Display for Resource {
    /// The flag text form (`cpus(prod):8`) when it can express the resource; otherwise the
    /// same shape with the extra metadata spelled out, for logs and error messages:
    /// `disk(reservations: [(STATIC,a),(DYNAMIC,a/b,alice,{k:v})])(allocated: a/b)[...]{REV}<SHARED>@provider:64`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        match self.reservations.as_slice() {
            [] => {}
            [reservation]
                if reservation.kind == ReservationKind::Static
                    && reservation.principal.is_none()
                    && reservation.labels.is_empty() =>
            {
                write!(f, "({})", reservation.role)?;
            }
            reservations => {
                f.write_str("(reservations: [")?;
                for (index, reservation) in reservations.iter().enumerate() {
                    if index > 0 {
                        f.write_str(",")?;
                    }
                    write_reservation(f, reservation)?;
                }
                f.write_str("])")?;
            }
        }
        if let Some(role) = &self.allocation_role {
            write!(f, "(allocated: {role})")?;
        }
        if let Some(disk) = &self.disk {
            write_disk(f, disk)?;
        }
        if self.revocable {
            f.write_str("{REV}")?;
        }
        if self.shared {
            f.write_str("<SHARED>")?;
        }
        if let Some(provider_id) = &self.provider_id {
            write!(f, "@{provider_id}")?;
        }
        write!(f, ":{}", self.value)
    }
}

fn write_reservation(f: &mut fmt::Formatter<'_>, reservation: &Reservation) -> fmt::Result {
    let kind = match reservation.kind {
        ReservationKind::Static => "STATIC",
        ReservationKind::Dynamic => "DYNAMIC",
    };
    write!(f, "({kind},{}", reservation.role)?;
    if let Some(principal) = &reservation.principal {
        write!(f, ",{principal}")?;
    }
    if !reservation.labels.is_empty() {
        write_labels(f, &reservation.labels)?;
    }
    f.write_str(")")
}

fn write_labels(f: &mut fmt::Formatter<'_>, labels: &[Label]) -> fmt::Result {
    f.write_str(",{")?;
    for (index, (key, value)) in labels.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        match value {
            Some(value) => write!(f, "{key}:{value}")?,
            None => f.write_str(key)?,
        }
    }
    f.write_str("}")
}

fn write_disk(f: &mut fmt::Formatter<'_>, disk: &DiskInfo) -> fmt::Result {
    f.write_str("[")?;
    let mut separator = "";
    if let Some(source) = &disk.source {
        write!(f, "{}", source.kind)?;
        for (key, value) in [
            ("root", &source.root),
            ("id", &source.id),
            ("profile", &source.profile),
            ("vendor", &source.vendor),
        ] {
            if let Some(value) = value {
                write!(f, ",{key}={value}")?;
            }
        }
        if !source.metadata.is_empty() {
            write_labels(f, &source.metadata)?;
        }
        separator = ";";
    }
    if let Some(persistence) = &disk.persistence {
        write!(f, "{separator}{}", persistence.id)?;
        if let Some(principal) = &persistence.principal {
            write!(f, ",{principal}")?;
        }
        separator = ";";
    }
    if let Some(volume) = &disk.volume {
        let mode = match volume.mode {
            VolumeMode::Rw => "RW",
            VolumeMode::Ro => "RO",
        };
        write!(f, "{separator}{}:{mode}", volume.container_path)?;
        if let Some(host_path) = &volume.host_path {
            write!(f, ":{host_path}")?;
        }
    }
    f.write_str("]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpus(amount: f64) -> Resource {
        Resource::scalar("cpus", amount).expect("finite test value")
    }

    #[test]
    fn reservation_helpers() {
        let unreserved = cpus(1.0);
        assert_eq!(unreserved.reservation_role(), "*");
        assert!(unreserved.is_unreserved() && !unreserved.is_reserved());
        let refined = cpus(1.0)
            .with_reservation(Reservation::new_static("a"))
            .with_reservation(Reservation::new_dynamic("a/b", Some("alice".into())));
        assert_eq!(refined.reservation_role(), "a/b");
        assert!(refined.is_reserved() && refined.is_dynamically_reserved());
        assert!(refined.is_reserved_for("a/b") && !refined.is_reserved_for("a"));
        assert!(!refined.is_statically_reserved());
    }

    #[test]
    fn labels_compare_as_multisets() {
        let label = |key: &str, value: Option<&str>| (key.to_owned(), value.map(str::to_owned));
        let left =
            Reservation::new_dynamic("a", None).with_labels(vec![label("x", Some("1")), label("y", None)]);
        let right =
            Reservation::new_dynamic("a", None).with_labels(vec![label("y", None), label("x", Some("1"))]);
        let other = Reservation::new_dynamic("a", None).with_labels(vec![label("y", None), label("x", None)]);
        assert_eq!(left, right);
        assert_ne!(left, other);
        assert_eq!(left.cmp(&other), right.cmp(&other));
    }

    #[test]
    fn indivisible_resources() {
        let disk = Resource::scalar("disk", 64.0).expect("finite");
        assert!(!disk.is_indivisible());
        assert!(disk.clone().with_shared().is_indivisible());
        let mount = DiskInfo {
            persistence: None,
            volume: None,
            source: Some(DiskSource::new(DiskSourceKind::Mount)),
        };
        assert!(disk.clone().with_disk(mount).is_indivisible());
        let raw =
            DiskInfo { persistence: None, volume: None, source: Some(DiskSource::new(DiskSourceKind::Raw)) };
        assert!(!disk.clone().with_disk(raw.clone()).is_indivisible());
        let mut raw_with_id = raw;
        if let Some(source) = raw_with_id.source.as_mut() {
            source.id = Some("vol".into());
        }
        assert!(disk.with_disk(raw_with_id).is_indivisible());
    }

    #[test]
    fn display_spells_out_metadata() {
        assert_eq!(cpus(4.0).to_string(), "cpus:4");
        assert_eq!(cpus(8.0).with_reservation(Reservation::new_static("prod")).to_string(), "cpus(prod):8");
        let volume = Resource::scalar("disk", 64.0)
            .expect("finite")
            .with_reservation(Reservation::new_static("a"))
            .with_reservation(
                Reservation::new_dynamic("a/b", Some("alice".into()))
                    .with_labels(vec![("k".into(), Some("v".into()))]),
            )
            .with_allocation_role("a/b")
            .with_disk(DiskInfo {
                persistence: Some(Persistence { id: "id1".into(), principal: Some("alice".into()) }),
                volume: Some(Volume { container_path: "data".into(), mode: VolumeMode::Rw, host_path: None }),
                source: Some(DiskSource {
                    root: Some("/mnt/a".into()),
                    ..DiskSource::new(DiskSourceKind::Mount)
                }),
            })
            .with_shared()
            .with_provider_id("rp1");
        assert_eq!(
            volume.to_string(),
            "disk(reservations: [(STATIC,a),(DYNAMIC,a/b,alice,{k:v})])(allocated: a/b)\
             [MOUNT,root=/mnt/a;id1,alice;data:RW]<SHARED>@rp1:64"
        );
        assert!(!volume.is_expressible_as_text());
        assert_eq!(cpus(1.0).with_revocable().to_string(), "cpus{REV}:1");
    }
}
