//! Conversions between wire `Resource` messages and the domain [`Resources`] of mesos-types.
//!
//! Frameworks may send either reservation format (scheduler-executor-api.md §5.6): the
//! pre-refinement `role` + `reservation`, or the `reservations` stack. Both become the stack
//! form in the domain. On the way out the master chooses per framework capability
//! ([`ResourceFormat`]): the stack only for RESERVATION_REFINEMENT frameworks, `role` and
//! `reservation` for the others, and `allocation_info` only for MULTI_ROLE frameworks.

use mesos_types::resources::validate_resource;
use mesos_types::resources::{
    DiskInfo, DiskSource, DiskSourceKind, Persistence, Ranges, Reservation, ReservationKind, Resource,
    Resources, Scalar, Set, Value, Volume, VolumeMode,
};

use crate::v1::{self, Label, Labels, ResourceProviderId, resource, value};

/// Why a wire resource is not a valid resource.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConvertError {
    /// The value member does not match `type`, or the type is TEXT or unknown.
    #[error("resource '{name}' has type {kind} but no matching value")]
    ValueMismatch {
        /// Resource name.
        name: String,
        /// Its declared type.
        kind: String,
    },
    /// A scalar that is negative, not finite, or too large.
    #[error("resource '{name}' has an invalid scalar value {value}")]
    BadScalar {
        /// Resource name.
        name: String,
        /// The value.
        value: f64,
    },
    /// Pre-refinement fields used wrongly.
    #[error("resource '{name}': {reason}")]
    Reservation {
        /// Resource name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A rule of the resource algebra (roles, reservations, volumes).
    #[error("resource '{name}': {reason}")]
    Invalid {
        /// Resource name.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

/// How to render resources for a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceFormat {
    /// Use the `reservations` stack (RESERVATION_REFINEMENT); else `role` + `reservation`.
    pub refinement: bool,
    /// Emit `allocation_info` (MULTI_ROLE).
    pub allocation_info: bool,
    /// Also emit the legacy `role`/`reservation` next to the stack (endpoint format).
    pub legacy: bool,
}

impl ResourceFormat {
    /// The canonical stack form with allocation info (agent messages, checkpoints).
    pub const CANONICAL: ResourceFormat =
        ResourceFormat { refinement: true, allocation_info: true, legacy: false };
    /// What endpoints emit: the stack plus the legacy fields (operator-api.md §0.5).
    pub const ENDPOINT: ResourceFormat =
        ResourceFormat { refinement: true, allocation_info: true, legacy: true };
}

/// Converts wire resources (either reservation format) to domain resources.
pub fn resources_from_proto(wire: &[v1::Resource]) -> Result<Resources, ConvertError> {
    let mut out = Resources::default();
    for resource in wire {
        out.add_resource(resource_from_proto(resource)?);
    }
    Ok(out)
}

/// Converts one wire resource.
pub fn resource_from_proto(wire: &v1::Resource) -> Result<Resource, ConvertError> {
    let name = wire.name.clone();
    let kind = value::Type::try_from(wire.r#type).ok();
    let mismatch = || ConvertError::ValueMismatch { name: name.clone(), kind: format!("{:?}", kind) };
    let value = match kind {
        Some(value::Type::Scalar) => {
            let scalar = wire.scalar.as_ref().ok_or_else(mismatch)?;
            if scalar.value < 0.0 {
                return Err(ConvertError::BadScalar { name: name.clone(), value: scalar.value });
            }
            let amount = Scalar::from_f64(scalar.value)
                .ok_or(ConvertError::BadScalar { name: name.clone(), value: scalar.value })?;
            Value::Scalar(amount)
        }
        Some(value::Type::Ranges) => {
            let ranges = wire.ranges.as_ref().ok_or_else(mismatch)?;
            let mut out = Ranges::default();
            for range in &ranges.range {
                if range.begin > range.end {
                    return Err(ConvertError::Invalid {
                        name: name.clone(),
                        reason: format!("range [{}-{}] has begin > end", range.begin, range.end),
                    });
                }
                if ranges.range.iter().filter(|r| r.begin <= range.end && range.begin <= r.end).count() > 1 {
                    return Err(ConvertError::Invalid {
                        name: name.clone(),
                        reason: "ranges overlap".to_string(),
                    });
                }
                out.insert(range.begin, range.end);
            }
            Value::Ranges(out)
        }
        Some(value::Type::Set) => {
            let set = wire.set.as_ref().ok_or_else(mismatch)?;
            let items: Set = set.item.iter().cloned().collect();
            if items.len() != set.item.len() {
                return Err(ConvertError::Invalid {
                    name: name.clone(),
                    reason: "set items are not unique".to_string(),
                });
            }
            Value::Set(items)
        }
        _ => return Err(mismatch()),
    };
    let mut resource = Resource::new(name.clone(), value);
    resource.reservations = reservations_from_proto(wire)?;
    resource.allocation_role =
        wire.allocation_info.as_ref().and_then(|a| a.role.as_deref()).map(std::sync::Arc::from);
    resource.revocable = wire.revocable.is_some();
    resource.shared = wire.shared.is_some();
    resource.provider_id = wire.provider_id.as_ref().map(|p| p.value.clone());
    if let Some(disk) = &wire.disk {
        if name != "disk" {
            return Err(ConvertError::Invalid {
                name,
                reason: "only 'disk' resources may have disk info".to_string(),
            });
        }
        resource.disk = Some(disk_from_proto(disk, &name)?);
    }
    validate_resource(&resource)
        .map_err(|e| ConvertError::Invalid { name: name.clone(), reason: e.to_string() })?;
    Ok(resource)
}

fn reservations_from_proto(wire: &v1::Resource) -> Result<Vec<Reservation>, ConvertError> {
    let name = &wire.name;
    let err = |reason: &str| ConvertError::Reservation { name: name.clone(), reason: reason.to_string() };
    if !wire.reservations.is_empty() {
        let mut stack = Vec::with_capacity(wire.reservations.len());
        for info in &wire.reservations {
            let kind = match info.r#type.and_then(|t| resource::reservation_info::Type::try_from(t).ok()) {
                Some(resource::reservation_info::Type::Static) => ReservationKind::Static,
                Some(resource::reservation_info::Type::Dynamic) => ReservationKind::Dynamic,
                _ => return Err(err("each reservation needs 'type' STATIC or DYNAMIC")),
            };
            let role = info.role.clone().ok_or_else(|| err("each reservation needs 'role'"))?;
            stack.push(Reservation {
                kind,
                role,
                principal: info.principal.clone(),
                labels: labels_from_proto(&info.labels),
            });
        }
        if let Some(role) = &wire.role
            && stack.last().is_some_and(|last| &last.role != role)
            && role != "*"
        {
            return Err(err("'role' must equal the last reservation's role"));
        }
        return Ok(stack);
    }
    let role = wire.role.clone().unwrap_or_else(|| "*".to_string());
    match (&wire.reservation, role.as_str()) {
        (Some(_), "*") => Err(err("'*' cannot be dynamically reserved")),
        (Some(info), _) => {
            if info.r#type.is_some() || info.role.is_some() {
                return Err(err("'reservation' must not set 'type' or 'role' in the pre-refinement format"));
            }
            Ok(vec![Reservation {
                kind: ReservationKind::Dynamic,
                role,
                principal: info.principal.clone(),
                labels: labels_from_proto(&info.labels),
            }])
        }
        (None, "*") => Ok(Vec::new()),
        (None, _) => Ok(vec![Reservation::new_static(role)]),
    }
}

fn labels_from_proto(labels: &Option<Labels>) -> Vec<(String, Option<String>)> {
    labels
        .as_ref()
        .map(|l| l.labels.iter().map(|l| (l.key.clone(), l.value.clone())).collect())
        .unwrap_or_default()
}

fn labels_to_proto(labels: &[(String, Option<String>)]) -> Option<Labels> {
    (!labels.is_empty()).then(|| Labels {
        labels: labels.iter().map(|(key, value)| Label { key: key.clone(), value: value.clone() }).collect(),
    })
}

fn disk_from_proto(disk: &resource::DiskInfo, name: &str) -> Result<DiskInfo, ConvertError> {
    let persistence =
        disk.persistence.as_ref().map(|p| Persistence { id: p.id.clone(), principal: p.principal.clone() });
    let volume = disk.volume.as_ref().map(|v| Volume {
        container_path: v.container_path.clone(),
        mode: if v.mode == v1::volume::Mode::Ro as i32 { VolumeMode::Ro } else { VolumeMode::Rw },
        host_path: v.host_path.clone(),
    });
    let source = match &disk.source {
        None => None,
        Some(source) => {
            use resource::disk_info::source::Type;
            let kind = match Type::try_from(source.r#type).ok() {
                Some(Type::Path) => DiskSourceKind::Path,
                Some(Type::Mount) => DiskSourceKind::Mount,
                Some(Type::Block) => DiskSourceKind::Block,
                Some(Type::Raw) => DiskSourceKind::Raw,
                _ => {
                    return Err(ConvertError::Invalid {
                        name: name.to_string(),
                        reason: "disk source type must be PATH, MOUNT, BLOCK or RAW".to_string(),
                    });
                }
            };
            let mut out = DiskSource::new(kind);
            out.root = source
                .path
                .as_ref()
                .and_then(|p| p.root.clone())
                .or_else(|| source.mount.as_ref().and_then(|m| m.root.clone()));
            out.id = source.id.clone();
            out.metadata = labels_from_proto(&source.metadata);
            out.profile = source.profile.clone();
            out.vendor = source.vendor.clone();
            Some(out)
        }
    };
    Ok(DiskInfo { persistence, volume, source })
}

fn disk_to_proto(disk: &DiskInfo) -> resource::DiskInfo {
    use resource::disk_info::{self, source};
    resource::DiskInfo {
        persistence: disk
            .persistence
            .as_ref()
            .map(|p| disk_info::Persistence { id: p.id.clone(), principal: p.principal.clone() }),
        volume: disk.volume.as_ref().map(|v| v1::Volume {
            mode: match v.mode {
                VolumeMode::Rw => v1::volume::Mode::Rw as i32,
                VolumeMode::Ro => v1::volume::Mode::Ro as i32,
            },
            container_path: v.container_path.clone(),
            host_path: v.host_path.clone(),
            ..Default::default()
        }),
        source: disk.source.as_ref().map(|s| {
            let kind = match s.kind {
                DiskSourceKind::Path => source::Type::Path,
                DiskSourceKind::Mount => source::Type::Mount,
                DiskSourceKind::Block => source::Type::Block,
                DiskSourceKind::Raw => source::Type::Raw,
            };
            disk_info::Source {
                r#type: kind as i32,
                path: (s.kind == DiskSourceKind::Path).then(|| source::Path { root: s.root.clone() }),
                mount: (s.kind == DiskSourceKind::Mount).then(|| source::Mount { root: s.root.clone() }),
                vendor: s.vendor.clone(),
                id: s.id.clone(),
                metadata: labels_to_proto(&s.metadata),
                profile: s.profile.clone(),
            }
        }),
    }
}

/// Converts domain resources to wire resources in `format`.
pub fn resources_to_proto(resources: &Resources, format: ResourceFormat) -> Vec<v1::Resource> {
    resources.iter().map(|r| resource_to_proto(r, format)).collect()
}

/// Converts one domain resource to the wire in `format`.
pub fn resource_to_proto(resource: &Resource, format: ResourceFormat) -> v1::Resource {
    let mut wire = v1::Resource { name: resource.name.clone(), ..Default::default() };
    match &resource.value {
        Value::Scalar(scalar) => {
            wire.r#type = value::Type::Scalar as i32;
            wire.scalar = Some(value::Scalar { value: scalar.to_f64() });
        }
        Value::Ranges(ranges) => {
            wire.r#type = value::Type::Ranges as i32;
            wire.ranges = Some(value::Ranges {
                range: ranges.iter().map(|(begin, end)| value::Range { begin, end }).collect(),
            });
        }
        Value::Set(set) => {
            wire.r#type = value::Type::Set as i32;
            wire.set = Some(value::Set { item: set.iter().map(String::from).collect() });
        }
    }
    let reservation_info = |r: &Reservation, with_kind: bool| resource::ReservationInfo {
        r#type: with_kind.then_some(match r.kind {
            ReservationKind::Static => resource::reservation_info::Type::Static as i32,
            ReservationKind::Dynamic => resource::reservation_info::Type::Dynamic as i32,
        }),
        role: with_kind.then(|| r.role.clone()),
        principal: r.principal.clone(),
        labels: labels_to_proto(&r.labels),
    };
    if format.refinement {
        wire.reservations = resource.reservations.iter().map(|r| reservation_info(r, true)).collect();
    }
    if !format.refinement || format.legacy {
        wire.role = Some(resource.reservation_role().to_string());
        if let [only] = resource.reservations.as_slice()
            && only.kind == ReservationKind::Dynamic
        {
            wire.reservation = Some(reservation_info(only, false));
        }
    }
    if format.allocation_info {
        wire.allocation_info = resource
            .allocation_role
            .as_ref()
            .map(|role| resource::AllocationInfo { role: Some(role.to_string()) });
    }
    wire.disk = resource.disk.as_ref().map(disk_to_proto);
    wire.revocable = resource.revocable.then_some(resource::RevocableInfo {});
    wire.shared = resource.shared.then_some(resource::SharedInfo {});
    wire.provider_id = resource.provider_id.as_ref().map(|id| ResourceProviderId { value: id.clone() });
    wire
}

/// Each resource with its last reservation popped (what a RESERVE consumed, what an
/// UNRESERVE produces). Unreserved resources are kept as they are.
pub fn pop_reservations(resources: &Resources) -> Resources {
    resources
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.reservations.pop();
            r
        })
        .collect()
}

/// Persistent volumes turned back into plain (reserved) disk: what a CREATE consumed, what a
/// DESTROY produces. The disk source is kept.
pub fn strip_persistence(resources: &Resources) -> Resources {
    resources
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let Some(disk) = r.disk.as_mut() {
                disk.persistence = None;
                disk.volume = None;
                if disk.is_empty() {
                    r.disk = None;
                }
            }
            r
        })
        .collect()
}

/// Resources with every dynamic reservation and every volume removed: the static form they
/// were carved from.
pub fn strip_dynamic(resources: &Resources) -> Resources {
    let stripped = strip_persistence(resources);
    stripped
        .iter()
        .map(|r| {
            let mut r = r.clone();
            while r.reservations.last().is_some_and(|last| last.kind == ReservationKind::Dynamic) {
                r.reservations.pop();
            }
            r
        })
        .collect()
}

/// The part an agent must checkpoint: dynamic reservations and persistent volumes.
pub fn only_checkpointable(resources: &Resources) -> Resources {
    resources.filter(|r| r.is_dynamically_reserved() || r.is_persistent_volume())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(name: &str, value: f64) -> v1::Resource {
        v1::Resource {
            name: name.into(),
            r#type: value::Type::Scalar as i32,
            scalar: Some(value::Scalar { value }),
            ..Default::default()
        }
    }

    #[test]
    fn both_reservation_formats_read_the_same() {
        let mut old = scalar("cpus", 2.0);
        old.role = Some("eng".into());
        old.reservation =
            Some(resource::ReservationInfo { principal: Some("p".into()), ..Default::default() });
        let mut new = scalar("cpus", 2.0);
        new.reservations = vec![resource::ReservationInfo {
            r#type: Some(resource::reservation_info::Type::Dynamic as i32),
            role: Some("eng".into()),
            principal: Some("p".into()),
            labels: None,
        }];
        assert_eq!(resources_from_proto(&[old]).unwrap(), resources_from_proto(&[new]).unwrap());
    }

    #[test]
    fn formats_round_trip() {
        let parsed = Resources::parse("cpus:4;mem:512;ports:[31000-32000];cpus(eng):2", "*").unwrap();
        for format in [
            ResourceFormat::CANONICAL,
            ResourceFormat::ENDPOINT,
            ResourceFormat { refinement: false, allocation_info: false, legacy: false },
        ] {
            let wire = resources_to_proto(&parsed, format);
            assert_eq!(resources_from_proto(&wire).unwrap(), parsed, "{format:?}");
        }
        let old = resources_to_proto(
            &parsed,
            ResourceFormat { refinement: false, allocation_info: false, legacy: false },
        );
        assert!(old.iter().all(|r| r.role.is_some() && r.reservations.is_empty()));
    }

    #[test]
    fn invalid_resources_are_refused_with_the_name() {
        let mut wrong = scalar("cpus", 1.0);
        wrong.scalar = None;
        assert!(resources_from_proto(&[wrong]).unwrap_err().to_string().contains("cpus"));
        assert!(resources_from_proto(&[scalar("mem", -1.0)]).is_err());
        let mut star = scalar("cpus", 1.0);
        star.reservation = Some(resource::ReservationInfo::default());
        assert!(resources_from_proto(&[star]).is_err());
    }
}

/// Why a `--resources` value is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ResourcesFlagError {
    /// The text form does not parse (the error names the item and byte offset).
    #[error(transparent)]
    Text(#[from] mesos_types::resources::ResourcesParseError),
    /// The JSON form is not an array of valid `Resource` objects.
    #[error("invalid JSON resources: {0}")]
    Json(String),
    /// A resource in the JSON form is not valid.
    #[error("invalid JSON resources: {0}")]
    Resource(#[from] ConvertError),
}

/// Parses `--resources` in either form (operator-api.md §3.5): a JSON array of `Resource`
/// objects, or the text form `cpus:4;mem:2048;cpus(prod):8`. Resources without a role get
/// `default_role` (a static reservation unless it is `*`).
pub fn parse_resources_flag(text: &str, default_role: &str) -> Result<Resources, ResourcesFlagError> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('[') {
        return Ok(Resources::parse(text, default_role)?);
    }
    let value: serde_json::Value =
        serde_json::from_str(trimmed).map_err(|e| ResourcesFlagError::Json(e.to_string()))?;
    let serde_json::Value::Array(items) = value else {
        return Err(ResourcesFlagError::Json("expected a JSON array of resources".to_string()));
    };
    let mut out = Resources::default();
    for (index, item) in items.iter().enumerate() {
        let wire: v1::Resource = crate::json::from_json_value(item)
            .map_err(|e| ResourcesFlagError::Json(format!("resource {index}: {e}")))?;
        let mut resource = resource_from_proto(&wire)?;
        if resource.reservations.is_empty() && default_role != "*" {
            resource.reservations.push(Reservation::new_static(default_role));
        }
        if resource.is_persistent_volume() || resource.revocable || resource.is_dynamically_reserved() {
            return Err(ResourcesFlagError::Json(format!(
                "resource {index} ('{}'): persistent volumes, revocable resources and dynamic reservations cannot be given on the command line",
                resource.name
            )));
        }
        out.add_resource(resource);
    }
    Ok(out)
}

#[cfg(test)]
mod flag_tests {
    use super::*;

    #[test]
    fn both_forms_of_the_resources_flag_agree() {
        let text = parse_resources_flag("cpus:4;mem:2048;ports:[31000-32000];cpus(prod):8", "*").unwrap();
        let json = parse_resources_flag(
            r#"[{"name":"cpus","type":"SCALAR","scalar":{"value":4}},
                {"name":"mem","type":"SCALAR","scalar":{"value":2048}},
                {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}},
                {"name":"cpus","type":"SCALAR","scalar":{"value":8},"role":"prod"}]"#,
            "*",
        )
        .unwrap();
        assert_eq!(text, json);
        let defaulted =
            parse_resources_flag(r#"[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]"#, "eng").unwrap();
        assert_eq!(defaulted, parse_resources_flag("cpus(eng):1", "*").unwrap());
    }

    #[test]
    fn bad_resources_flags_say_what_is_wrong() {
        let err = parse_resources_flag("cpus:4;mem:lots", "*").unwrap_err().to_string();
        assert!(err.contains("mem:lots"), "{err}");
        let err = parse_resources_flag(r#"[{"name":"cpus","type":"SCALAR"}]"#, "*").unwrap_err().to_string();
        assert!(err.contains("cpus"), "{err}");
        let err = parse_resources_flag(r#"{"name":"cpus"}"#, "*").unwrap_err().to_string();
        assert!(err.contains("JSON") || err.contains("expected"), "{err}");
        let revocable = r#"[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}}]"#;
        assert!(parse_resources_flag(revocable, "*").is_err());
    }
}
