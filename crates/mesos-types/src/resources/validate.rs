//! Validity rules for resources (scheduler-executor-api §5.6) that can be checked on domain
//! values. Rules about the wire shape (which value member is set, the pre-refinement `role`
//! and `reservation` fields, UNKNOWN enum values) are checked by `mesos-proto` when it converts
//! a wire `Resource` into a [`Resource`]; rules about operations (RESERVE, CREATE, ...) and
//! capabilities belong to the master.

use thiserror::Error;

use super::resource::{DiskSourceKind, ReservationKind, Resource};
use super::value::{Scalar, Value};
use crate::roles::{DEFAULT_ROLE, RoleError, is_strict_subrole, validate_role};

/// Longest persistence id accepted: it becomes a directory name on the agent.
const PERSISTENCE_ID_LENGTH_MAX: usize = 255;

/// Why a resource is invalid, or why a reservation operation on resources failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ResourceError {
    /// An empty name.
    #[error("resource name must not be empty")]
    EmptyName,
    /// A scalar below zero.
    #[error("scalar resource '{name}' must not be negative, found {value}")]
    NegativeScalar {
        /// The resource name.
        name: String,
        /// The amount.
        value: Scalar,
    },
    /// Disk info on something other than `disk`.
    #[error("disk info is only allowed on 'disk' resources, not on '{name}'")]
    DiskInfoOnNonDisk {
        /// The resource name.
        name: String,
    },
    /// A `path` or `mount` member on a BLOCK or RAW source.
    #[error("a disk source of type {kind} must not have a path or mount root")]
    SourceWithRoot {
        /// BLOCK or RAW.
        kind: DiskSourceKind,
    },
    /// A reservation for an invalid role.
    #[error("invalid reservation role: {0}")]
    InvalidReservationRole(RoleError),
    /// A reservation for `*`.
    #[error("resources cannot be reserved for '*'")]
    ReservedForDefaultRole,
    /// A static reservation above the bottom of the stack.
    #[error("reservation refinement for role '{role}' must be dynamic")]
    StaticRefinement {
        /// The refined role.
        role: String,
    },
    /// A refinement that does not go down the hierarchy.
    #[error("reservation refinement for role '{role}' must be for a strict sub-role of '{parent}'")]
    NotStrictSubrole {
        /// The refined role.
        role: String,
        /// The role of the reservation below it.
        parent: String,
    },
    /// An invalid allocation role.
    #[error("invalid allocation role: {0}")]
    InvalidAllocationRole(RoleError),
    /// Popping the reservation of an unreserved resource.
    #[error("resource '{resource}' is not reserved")]
    NotReserved {
        /// The resource, printed.
        resource: String,
    },
    /// A fractional amount of `gpus`.
    #[error("gpus must be a whole number, found {0}")]
    FractionalGpus(Scalar),
    /// Disk info with nothing in it.
    #[error("disk info must not be empty")]
    EmptyDiskInfo,
    /// A volume without persistence.
    #[error("non-persistent volume not supported")]
    NonPersistentVolume,
    /// [`validate_persistent_volume`] on something else.
    #[error("resource '{resource}' is not a persistent volume")]
    NotPersistentVolume {
        /// The resource, printed.
        resource: String,
    },
    /// A persistent volume on unreserved disk.
    #[error("persistent volume '{id}' must be reserved")]
    UnreservedPersistentVolume {
        /// The persistence id.
        id: String,
    },
    /// A revocable persistent volume.
    #[error("persistent volume '{id}' must not be revocable")]
    RevocablePersistentVolume {
        /// The persistence id.
        id: String,
    },
    /// A persistent volume without a mount point.
    #[error("persistent volume '{id}' must have a volume with a container path")]
    MissingVolume {
        /// The persistence id.
        id: String,
    },
    /// A persistent volume with a host path.
    #[error("persistent volume '{id}' must not have a host path")]
    HostPathVolume {
        /// The persistence id.
        id: String,
    },
    /// A persistence id that cannot serve as a directory name.
    #[error("invalid persistence id '{id}': {reason}")]
    InvalidPersistenceId {
        /// The persistence id.
        id: String,
        /// What rule it breaks.
        reason: &'static str,
    },
    /// Revocable resources with a dynamic reservation.
    #[error("revocable resources cannot be dynamically reserved")]
    RevocableDynamicReservation,
    /// A shared resource that is not a persistent volume.
    #[error("only persistent volumes can be shared")]
    SharedNotPersistentVolume,
}

/// Checks the rules every resource must satisfy (Mesos `Resources::validate`): a name, a
/// non-negative scalar, disk info only on `disk`, no root on BLOCK/RAW sources, valid
/// reservations and a valid allocation role.
pub fn validate_resource(resource: &Resource) -> Result<(), ResourceError> {
    if resource.name.is_empty() {
        return Err(ResourceError::EmptyName);
    }
    match resource.value {
        Value::Scalar(value) if value < Scalar::ZERO => {
            return Err(ResourceError::NegativeScalar { name: resource.name.clone(), value });
        }
        _ => {}
    }
    if let Some(disk) = &resource.disk {
        if resource.name != "disk" {
            return Err(ResourceError::DiskInfoOnNonDisk { name: resource.name.clone() });
        }
        let rooted_device = disk.source.as_ref().filter(|source| {
            matches!(source.kind, DiskSourceKind::Block | DiskSourceKind::Raw) && source.root.is_some()
        });
        if let Some(source) = rooted_device {
            return Err(ResourceError::SourceWithRoot { kind: source.kind });
        }
    }
    validate_reservations(resource)?;
    if let Some(role) = &resource.allocation_role {
        validate_role(role).map_err(ResourceError::InvalidAllocationRole)?;
    }
    Ok(())
}

/// Checks the reservation stack: every role valid and not `*`; every entry above the first
/// dynamic and for a strict sub-role of the entry below it.
pub fn validate_reservations(resource: &Resource) -> Result<(), ResourceError> {
    let mut below: Option<&str> = None;
    for reservation in &resource.reservations {
        validate_role(&reservation.role).map_err(ResourceError::InvalidReservationRole)?;
        if reservation.role == DEFAULT_ROLE {
            return Err(ResourceError::ReservedForDefaultRole);
        }
        if let Some(parent) = below {
            if reservation.kind != ReservationKind::Dynamic {
                return Err(ResourceError::StaticRefinement { role: reservation.role.clone() });
            }
            if !is_strict_subrole(&reservation.role, parent) {
                return Err(ResourceError::NotStrictSubrole {
                    role: reservation.role.clone(),
                    parent: parent.to_owned(),
                });
            }
        }
        below = Some(&reservation.role);
    }
    Ok(())
}

/// [`validate_resource`] plus the extra rules for resources a framework (or operator) sends:
/// whole `gpus`; no empty disk info; no volume without persistence; valid persistent volumes;
/// no dynamic reservation of revocable resources; only persistent volumes shared.
pub fn validate_framework_resource(resource: &Resource) -> Result<(), ResourceError> {
    validate_resource(resource)?;
    match (&resource.value, resource.name.as_str()) {
        (Value::Scalar(amount), "gpus") if !amount.is_whole() => {
            return Err(ResourceError::FractionalGpus(*amount));
        }
        _ => {}
    }
    if let Some(disk) = &resource.disk {
        if disk.is_empty() {
            return Err(ResourceError::EmptyDiskInfo);
        }
        if disk.volume.is_some() && disk.persistence.is_none() {
            return Err(ResourceError::NonPersistentVolume);
        }
    }
    if resource.is_persistent_volume() {
        validate_persistent_volume(resource)?;
    }
    if resource.revocable && resource.reservations.iter().any(|r| r.kind == ReservationKind::Dynamic) {
        return Err(ResourceError::RevocableDynamicReservation);
    }
    if resource.shared && !resource.is_persistent_volume() {
        return Err(ResourceError::SharedNotPersistentVolume);
    }
    Ok(())
}

/// Checks a persistent volume: reserved, not revocable, a volume without a host path, and a
/// valid persistence id.
pub fn validate_persistent_volume(resource: &Resource) -> Result<(), ResourceError> {
    let Some((disk, persistence)) = resource
        .disk
        .as_ref()
        .and_then(|disk| disk.persistence.as_ref().map(|persistence| (disk, persistence)))
    else {
        return Err(ResourceError::NotPersistentVolume { resource: resource.to_string() });
    };
    let id = || persistence.id.clone();
    if resource.is_unreserved() {
        return Err(ResourceError::UnreservedPersistentVolume { id: id() });
    }
    if resource.revocable {
        return Err(ResourceError::RevocablePersistentVolume { id: id() });
    }
    match &disk.volume {
        None => return Err(ResourceError::MissingVolume { id: id() }),
        Some(volume) if volume.host_path.is_some() => return Err(ResourceError::HostPathVolume { id: id() }),
        Some(_) => {}
    }
    validate_persistence_id(&persistence.id)
}

/// Checks that a persistence id can be used as a directory name on the agent.
pub fn validate_persistence_id(id: &str) -> Result<(), ResourceError> {
    let reason = if id.is_empty() {
        "must not be empty"
    } else if id.len() > PERSISTENCE_ID_LENGTH_MAX {
        "must be at most 255 bytes"
    } else if id == "." || id == ".." {
        "must not be '.' or '..'"
    } else if id.contains(['/', '\\']) {
        "must not contain a path separator"
    } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "must not contain whitespace or control characters"
    } else {
        return Ok(());
    };
    Err(ResourceError::InvalidPersistenceId { id: id.to_owned(), reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{DiskInfo, DiskSource, Persistence, Reservation, Volume, VolumeMode};

    fn cpus() -> Resource {
        Resource::scalar("cpus", 1.0).expect("finite")
    }

    fn volume(id: &str) -> Resource {
        Resource::scalar("disk", 10.0)
            .expect("finite")
            .with_reservation(Reservation::new_static("a"))
            .with_disk(DiskInfo {
                persistence: Some(Persistence { id: id.into(), principal: None }),
                volume: Some(Volume { container_path: "data".into(), mode: VolumeMode::Rw, host_path: None }),
                source: None,
            })
    }

    #[track_caller]
    fn check(result: Result<(), ResourceError>, expected: &str) {
        assert_eq!(result.map_err(|e| e.to_string()), Err(expected.to_owned()));
    }

    #[test]
    fn reservation_stacks() {
        let refined = cpus()
            .with_reservation(Reservation::new_static("a"))
            .with_reservation(Reservation::new_dynamic("a/b/c", None));
        assert_eq!(validate_resource(&refined), Ok(()));
        check(
            validate_reservations(&cpus().with_reservation(Reservation::new_dynamic("*", None))),
            "resources cannot be reserved for '*'",
        );
        check(
            validate_reservations(&cpus().with_reservation(Reservation::new_static("a/"))),
            "invalid reservation role: role 'a/' must not end with '/'",
        );
        check(
            validate_reservations(
                &cpus()
                    .with_reservation(Reservation::new_dynamic("a", None))
                    .with_reservation(Reservation::new_static("a/b")),
            ),
            "reservation refinement for role 'a/b' must be dynamic",
        );
        check(
            validate_reservations(
                &cpus()
                    .with_reservation(Reservation::new_static("a"))
                    .with_reservation(Reservation::new_dynamic("a", None)),
            ),
            "reservation refinement for role 'a' must be for a strict sub-role of 'a'",
        );
    }

    #[test]
    fn structural_rules() {
        let mut nameless = cpus();
        nameless.name.clear();
        check(validate_resource(&nameless), "resource name must not be empty");
        let mut negative = cpus();
        negative.value = Value::Scalar(Scalar::from_milli(-500));
        check(validate_resource(&negative), "scalar resource 'cpus' must not be negative, found -0.5");
        check(
            validate_resource(&cpus().with_disk(volume("v").disk.expect("set"))),
            "disk info is only allowed on 'disk' resources, not on 'cpus'",
        );
        let block = DiskInfo {
            persistence: None,
            volume: None,
            source: Some(DiskSource { root: Some(String::new()), ..DiskSource::new(DiskSourceKind::Block) }),
        };
        check(
            validate_resource(&Resource::scalar("disk", 1.0).expect("finite").with_disk(block)),
            "a disk source of type BLOCK must not have a path or mount root",
        );
        check(
            validate_resource(&cpus().with_allocation_role("")),
            "invalid allocation role: role name must not be empty",
        );
    }

    #[test]
    fn framework_rules() {
        assert_eq!(validate_framework_resource(&volume("v1")), Ok(()));
        assert_eq!(validate_framework_resource(&volume("v1").with_shared()), Ok(()));
        check(
            validate_framework_resource(&Resource::scalar("gpus", 0.5).expect("finite")),
            "gpus must be a whole number, found 0.5",
        );
        let disk = Resource::scalar("disk", 1.0).expect("finite");
        check(
            validate_framework_resource(&disk.clone().with_disk(DiskInfo {
                persistence: None,
                volume: None,
                source: None,
            })),
            "disk info must not be empty",
        );
        let mut no_persistence = volume("v");
        if let Some(disk) = no_persistence.disk.as_mut() {
            disk.persistence = None;
        }
        check(validate_framework_resource(&no_persistence), "non-persistent volume not supported");
        let mut unreserved = volume("v");
        unreserved.reservations.clear();
        check(validate_framework_resource(&unreserved), "persistent volume 'v' must be reserved");
        check(
            validate_framework_resource(&volume("v").with_revocable()),
            "persistent volume 'v' must not be revocable",
        );
        let mut host_path = volume("v");
        if let Some(volume) = host_path.disk.as_mut().and_then(|disk| disk.volume.as_mut()) {
            volume.host_path = Some("/tmp".into());
        }
        check(validate_framework_resource(&host_path), "persistent volume 'v' must not have a host path");
        let mut no_volume = volume("v");
        if let Some(disk) = no_volume.disk.as_mut() {
            disk.volume = None;
        }
        check(
            validate_framework_resource(&no_volume),
            "persistent volume 'v' must have a volume with a container path",
        );
        check(
            validate_framework_resource(&volume("a/b")),
            "invalid persistence id 'a/b': must not contain a path separator",
        );
        check(
            validate_framework_resource(&volume("..")),
            "invalid persistence id '..': must not be '.' or '..'",
        );
        check(validate_framework_resource(&volume("")), "invalid persistence id '': must not be empty");
        check(
            validate_framework_resource(
                &cpus().with_revocable().with_reservation(Reservation::new_dynamic("a", None)),
            ),
            "revocable resources cannot be dynamically reserved",
        );
        check(validate_framework_resource(&disk.with_shared()), "only persistent volumes can be shared");
        check(validate_persistent_volume(&cpus()), "resource 'cpus:1' is not a persistent volume");
    }
}
