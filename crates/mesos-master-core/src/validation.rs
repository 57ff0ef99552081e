//! Validation rules with Mesos' messages: the scheduler call envelope (§3.1), FrameworkInfo
//! (§3.2 SUBSCRIBE), identifiers (§5.1) and tasks (§6.5).

use std::collections::BTreeSet;

use mesos_proto::v1::framework_info::capability::Type as Capability;
use mesos_proto::v1::scheduler::{Call, call};
use mesos_proto::v1::{FrameworkInfo, TaskInfo, health_check};
use mesos_types::rng::is_valid_uuid;
use mesos_types::roles;

/// Checks the envelope of a scheduler call. The error is the text after
/// "Failed to validate scheduler::Call: ", which the HTTP layer prefixes.
pub fn validate_scheduler_call(call: &Call) -> Result<(), String> {
    let Some(call_type) = call.r#type else {
        return Err("Expecting 'type' to be present".to_string());
    };
    let Ok(call_type) = call::Type::try_from(call_type) else {
        return Err(format!("Unknown call type {call_type}"));
    };
    if call_type == call::Type::Subscribe {
        let Some(subscribe) = &call.subscribe else {
            return Err("Expecting 'subscribe' to be present".to_string());
        };
        let info_id =
            subscribe.framework_info.id.as_ref().map(|id| id.value.as_str()).filter(|v| !v.is_empty());
        let call_id = call.framework_id.as_ref().map(|id| id.value.as_str()).filter(|v| !v.is_empty());
        if info_id != call_id {
            return Err("'framework_id' differs from 'subscribe.framework_info.id'".to_string());
        }
        return Ok(());
    }
    if call.framework_id.is_none() {
        return Err("Expecting 'framework_id' to be present".to_string());
    }
    let missing = |name: &str| Err(format!("Expecting '{name}' to be present"));
    match call_type {
        call::Type::Accept if call.accept.is_none() => missing("accept"),
        call::Type::Decline if call.decline.is_none() => missing("decline"),
        call::Type::AcceptInverseOffers if call.accept_inverse_offers.is_none() => {
            missing("accept_inverse_offers")
        }
        call::Type::DeclineInverseOffers if call.decline_inverse_offers.is_none() => {
            missing("decline_inverse_offers")
        }
        call::Type::Kill if call.kill.is_none() => missing("kill"),
        call::Type::Shutdown if call.shutdown.is_none() => missing("shutdown"),
        call::Type::Acknowledge => match &call.acknowledge {
            None => missing("acknowledge"),
            Some(ack) if !is_valid_uuid(&ack.uuid) => Err("Not a valid UUID".to_string()),
            Some(_) => Ok(()),
        },
        call::Type::AcknowledgeOperationStatus => match &call.acknowledge_operation_status {
            None => missing("acknowledge_operation_status"),
            Some(ack) if !is_valid_uuid(&ack.uuid) => Err("Not a valid UUID".to_string()),
            Some(ack) if ack.agent_id.is_none() => missing("agent_id"),
            Some(_) => Ok(()),
        },
        call::Type::Reconcile if call.reconcile.is_none() => missing("reconcile"),
        call::Type::ReconcileOperations if call.reconcile_operations.is_none() => {
            missing("reconcile_operations")
        }
        call::Type::Message if call.message.is_none() => missing("message"),
        call::Type::Request if call.request.is_none() => missing("request"),
        call::Type::UpdateFramework => match &call.update_framework {
            None => missing("update_framework"),
            Some(update) => {
                let info_id = update.framework_info.id.as_ref().map(|id| id.value.as_str());
                if info_id != call.framework_id.as_ref().map(|id| id.value.as_str()) {
                    Err("'framework_id' differs from 'update_framework.framework_info.id'".to_string())
                } else {
                    Ok(())
                }
            }
        },
        _ => Ok(()),
    }
}

/// Rules for framework-chosen identifiers (§5.1).
pub fn validate_id(kind: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{kind} must not be empty"));
    }
    if value.len() > 255 {
        return Err(format!("{kind} '{value}' is longer than 255 bytes"));
    }
    if value == "." || value == ".." {
        return Err(format!("{kind} '{value}' must not be '.' or '..'"));
    }
    if value.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(format!("{kind} '{value}' must not contain '/', '\\' or control characters"));
    }
    Ok(())
}

/// SUBSCRIBE steps 1-3 of §3.2 (and UPDATE_FRAMEWORK's FrameworkInfo validation).
pub fn validate_framework_info(
    info: &FrameworkInfo,
    whitelist: Option<&BTreeSet<String>>,
    root_submissions: bool,
) -> Result<(), String> {
    let multi_role = info.capabilities.iter().any(|c| c.r#type == Some(Capability::MultiRole as i32));
    if multi_role && info.role.is_some() {
        return Err(
            "'FrameworkInfo.role' must not be set when the MULTI_ROLE capability is present".to_string()
        );
    }
    if !multi_role && !info.roles.is_empty() {
        return Err("'FrameworkInfo.roles' requires the MULTI_ROLE capability".to_string());
    }
    let roles: Vec<String> = if multi_role {
        info.roles.clone()
    } else {
        vec![info.role.clone().unwrap_or_else(|| "*".to_string())]
    };
    let mut seen = BTreeSet::new();
    for role in &roles {
        if !seen.insert(role) {
            return Err(format!("'FrameworkInfo.roles' contains duplicate role '{role}'"));
        }
        roles::validate_role(role).map_err(|e| format!("Role '{role}' is invalid: {e}"))?;
    }
    if let Some(id) = info.id.as_ref().filter(|id| !id.value.is_empty()) {
        validate_id("Framework ID", &id.value)?;
    }
    for (role, filters) in &info.offer_filters {
        let Some(minimum) = &filters.min_allocatable_resources else { continue };
        for quantities in &minimum.quantities {
            if quantities.quantities.is_empty() {
                return Err(format!("Offer filters for role '{role}' contain an empty quantity set"));
            }
            for (name, scalar) in &quantities.quantities {
                let v = scalar.value;
                if !v.is_finite() || v < 0.0 || (v != 0.0 && !v.is_normal()) {
                    return Err(format!(
                        "Offer filters for role '{role}' have an invalid quantity of '{name}': {v}"
                    ));
                }
            }
        }
    }
    if let Some(timeout) = info.failover_timeout
        && (!timeout.is_finite() || timeout < 0.0 || timeout > (i64::MAX as f64 / 1e9))
    {
        return Err(format!("'failover_timeout' {timeout} is not a valid duration"));
    }
    if let Some(whitelist) = whitelist {
        let missing: Vec<&String> = roles.iter().filter(|r| *r != "*" && !whitelist.contains(*r)).collect();
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            return Err(format!("Roles {{ {} }} are not present in the master's --roles", list.join(", ")));
        }
    }
    if info.user == "root" && !root_submissions {
        return Err("User 'root' is not allowed to run frameworks without --root_submissions set".to_string());
    }
    Ok(())
}

/// Suppressed roles must be among the framework's roles.
pub fn validate_suppressed_roles(
    suppressed: &BTreeSet<String>,
    roles: &BTreeSet<String>,
) -> Result<(), String> {
    let extra: Vec<&str> = suppressed.difference(roles).map(String::as_str).collect();
    if extra.is_empty() {
        Ok(())
    } else {
        Err(format!("Suppressed roles {{ {} }} are not contained in the set of roles", extra.join(", ")))
    }
}

/// The structural rules of §6.5 that need no master state (steps 3, 4, 6 and 8); the
/// resource rules are checked by ACCEPT processing against the offered pool.
pub fn validate_task_structure(task: &TaskInfo) -> Result<(), String> {
    if let Some(policy) = &task.kill_policy
        && policy.grace_period.as_ref().is_some_and(|d| d.nanoseconds < 0)
    {
        return Err("Task's 'kill_policy.grace_period' must be non-negative".to_string());
    }
    if task.max_completion_time.as_ref().is_some_and(|d| d.nanoseconds < 0) {
        return Err("Task's 'max_completion_time' must be non-negative".to_string());
    }
    if let Some(check) = &task.check {
        validate_check(check)?;
    }
    if let Some(check) = &task.health_check {
        validate_health_check(check)?;
    }
    if task.resources.is_empty() {
        return Err("Task uses no resources".to_string());
    }
    match (&task.executor, &task.command) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(
                "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present"
                    .to_string(),
            );
        }
        _ => {}
    }
    if let Some(executor) = &task.executor {
        validate_id("Executor ID", &executor.executor_id.value)?;
        if executor.command.is_none() {
            return Err("Executor must have 'command' set".to_string());
        }
        if executor.shutdown_grace_period.as_ref().is_some_and(|d| d.nanoseconds < 0) {
            return Err("Executor's 'shutdown_grace_period' must be non-negative".to_string());
        }
    }
    if let Some(command) = &task.command {
        validate_command(command)?;
    }
    if let Some(container) = &task.container {
        validate_container(container)?;
        if container.linux_info.as_ref().and_then(|l| l.share_cgroups) == Some(false) {
            return Err("'share_cgroups' can only be false for tasks in a task group".to_string());
        }
    }
    for name in task.limits.keys() {
        if name != "cpus" && name != "mem" {
            return Err(format!("Task limits may only name 'cpus' and 'mem', not '{name}'"));
        }
    }
    Ok(())
}

/// Environment rules (§5.8): VALUE variables carry a value, SECRET ones a secret.
pub fn validate_command(command: &mesos_proto::v1::CommandInfo) -> Result<(), String> {
    use mesos_proto::v1::environment::variable::Type;
    for variable in command.environment.iter().flat_map(|e| &e.variables) {
        match variable.r#type.map(Type::try_from) {
            None | Some(Ok(Type::Value)) => {
                if variable.value.is_none() || variable.secret.is_some() {
                    return Err(format!(
                        "Environment variable '{}' of type VALUE must have a value and no secret",
                        variable.name
                    ));
                }
            }
            Some(Ok(Type::Secret)) => {
                if variable.secret.is_none() || variable.value.is_some() {
                    return Err(format!(
                        "Environment variable '{}' of type SECRET must have a secret and no value",
                        variable.name
                    ));
                }
            }
            _ => return Err(format!("Environment variable '{}' has an unknown type", variable.name)),
        }
    }
    Ok(())
}

/// Container rules (§6.5 step 6): each volume names exactly one of host path, image and
/// source; DOCKER needs `docker`, whose parameters may not set the container name.
pub fn validate_container(container: &mesos_proto::v1::ContainerInfo) -> Result<(), String> {
    for volume in &container.volumes {
        let given = [volume.host_path.is_some(), volume.image.is_some(), volume.source.is_some()];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(format!(
                "Volume '{}' must have exactly one of 'host_path', 'image' or 'source'",
                volume.container_path
            ));
        }
    }
    if container.r#type == mesos_proto::v1::container_info::Type::Docker as i32 {
        let Some(docker) = &container.docker else {
            return Err("DOCKER container requires 'docker' to be set".to_string());
        };
        if docker.parameters.iter().any(|p| p.key == "name") {
            return Err("Parameter 'name' is not allowed in DockerInfo".to_string());
        }
    }
    Ok(())
}

/// `CheckInfo` rules: type set with its member, commands with a value, HTTP paths from `/`,
/// durations not negative.
pub fn validate_check(check: &mesos_proto::v1::CheckInfo) -> Result<(), String> {
    use mesos_proto::v1::check_info::Type;
    for (name, value) in [
        ("delay_seconds", check.delay_seconds),
        ("interval_seconds", check.interval_seconds),
        ("timeout_seconds", check.timeout_seconds),
    ] {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(format!("Check's '{name}' must be non-negative"));
        }
    }
    match check.r#type.and_then(|t| Type::try_from(t).ok()) {
        Some(Type::Command) => match &check.command {
            Some(command) if command.command.value.is_some() => Ok(()),
            _ => Err("Command check must have 'command.command.value'".to_string()),
        },
        Some(Type::Http) => match &check.http {
            Some(http) if http.path.as_ref().is_none_or(|p| p.starts_with('/')) => Ok(()),
            Some(_) => Err("HTTP check path must start with '/'".to_string()),
            None => Err("HTTP check must have 'http'".to_string()),
        },
        Some(Type::Tcp) => match &check.tcp {
            Some(_) => Ok(()),
            None => Err("TCP check must have 'tcp'".to_string()),
        },
        _ => Err("Check 'type' must be set".to_string()),
    }
}

/// Resource rules of §6.5 step 5 and step 7 that look at the domain resources: no name both
/// revocable and not, persistence ids unique, limits at least the requests they cap.
pub fn validate_task_resources(
    task: &TaskInfo,
    resources: &mesos_types::Resources,
    agent_supports_limits: bool,
) -> Result<(), String> {
    let mut revocable = BTreeSet::new();
    let mut plain = BTreeSet::new();
    let mut persistence = BTreeSet::new();
    for resource in resources.iter() {
        if resource.revocable {
            revocable.insert(resource.name.as_str());
        } else {
            plain.insert(resource.name.as_str());
        }
        if let Some(id) = resource.disk.as_ref().and_then(|d| d.persistence.as_ref()).map(|p| p.id.as_str())
            && !persistence.insert(id)
        {
            return Err(format!("Task uses persistence id '{id}' twice"));
        }
    }
    if let Some(name) = revocable.intersection(&plain).next() {
        return Err(format!("Task mixes revocable and non-revocable '{name}'"));
    }
    if task.limits.is_empty() {
        return Ok(());
    }
    if !agent_supports_limits {
        return Err("The agent does not support resource limits (TASK_RESOURCE_LIMITS)".to_string());
    }
    for (name, limit) in &task.limits {
        let request = resources.scalar(name).to_f64();
        if request <= 0.0 {
            return Err(format!("A '{name}' limit needs a '{name}' request"));
        }
        if limit.value < request && !(name == "mem" && limit.value.is_infinite()) {
            return Err(format!("The '{name}' limit {} is below the request {request}", limit.value));
        }
    }
    Ok(())
}

fn validate_health_check(check: &mesos_proto::v1::HealthCheck) -> Result<(), String> {
    let durations = [
        ("delay_seconds", check.delay_seconds),
        ("interval_seconds", check.interval_seconds),
        ("timeout_seconds", check.timeout_seconds),
        ("grace_period_seconds", check.grace_period_seconds),
    ];
    for (name, value) in durations {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(format!("Health check's '{name}' must be non-negative"));
        }
    }
    let kind = check.r#type.and_then(|t| health_check::Type::try_from(t).ok());
    match kind {
        Some(health_check::Type::Command) => match &check.command {
            Some(command) if command.value.is_some() => Ok(()),
            _ => Err("Command health check must have 'command.value'".to_string()),
        },
        Some(health_check::Type::Http) => match &check.http {
            Some(http) => {
                if http.path.as_ref().is_some_and(|p| !p.starts_with('/')) {
                    return Err("HTTP health check path must start with '/'".to_string());
                }
                if http.scheme.as_ref().is_some_and(|s| s != "http" && s != "https") {
                    return Err("HTTP health check scheme must be 'http' or 'https'".to_string());
                }
                Ok(())
            }
            None => Err("HTTP health check must have 'http'".to_string()),
        },
        Some(health_check::Type::Tcp) => match &check.tcp {
            Some(_) => Ok(()),
            None => Err("TCP health check must have 'tcp'".to_string()),
        },
        _ => Err("Health check 'type' must be set".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_rules() {
        assert!(validate_id("Task ID", "web.1").is_ok());
        assert!(validate_id("Task ID", "").is_err());
        assert!(validate_id("Task ID", "..").is_err());
        assert!(validate_id("Task ID", "a/b").is_err());
        assert!(validate_id("Task ID", "a\u{7}").is_err());
        assert!(validate_id("Task ID", &"x".repeat(256)).is_err());
    }
}
