//! The environment every executor gets (scheduler-executor-api.md §4.4). The task's own
//! `CommandInfo.environment` wins over the agent's variables of the same name, which win
//! over the operator's `--executor_environment_variables` (Mesos' order).

use std::time::Duration;

use mesos_proto::v1::Environment;
use mesos_proto::v1::environment::variable::Type as VariableType;

/// What the agent knows about the executor it is about to start.
#[derive(Clone, Debug)]
pub struct ExecutorContext<'a> {
    /// Framework id.
    pub framework_id: &'a str,
    /// Executor id.
    pub executor_id: &'a str,
    /// Agent id.
    pub agent_id: &'a str,
    /// `ip:port` of the agent's HTTP server.
    pub agent_endpoint: &'a str,
    /// Sandbox path on the host.
    pub directory: &'a str,
    /// Sandbox path inside the container, when it has its own root filesystem.
    pub sandbox_in_container: Option<&'a str>,
    /// Whether the framework checkpoints.
    pub checkpoint: bool,
    /// `--http_command_executor`.
    pub http_command_executor: bool,
    /// Executor shutdown grace period.
    pub shutdown_grace_period: Duration,
    /// `--recovery_timeout`.
    pub recovery_timeout: Duration,
    /// `--executor_reregistration_timeout`.
    pub subscription_backoff_max: Duration,
    /// The command's own environment.
    pub user_environment: Option<&'a Environment>,
    /// `--executor_environment_variables`, if the operator gave it.
    pub operator_environment: Option<&'a std::collections::BTreeMap<String, String>>,
}

/// The executor's environment variables, sorted by name.
pub fn executor_environment(context: &ExecutorContext<'_>) -> Vec<(String, String)> {
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    let mut variables: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for (name, value) in context.operator_environment.into_iter().flatten() {
        variables.insert(name.clone(), value.clone());
    }
    let mut set = |name: &str, value: String| {
        variables.insert(name.to_string(), value);
    };
    set("MESOS_FRAMEWORK_ID", context.framework_id.to_string());
    set("MESOS_EXECUTOR_ID", context.executor_id.to_string());
    set("MESOS_SLAVE_ID", context.agent_id.to_string());
    set("MESOS_AGENT_ENDPOINT", context.agent_endpoint.to_string());
    set("MESOS_SLAVE_PID", format!("slave(1)@{}", context.agent_endpoint));
    set("MESOS_DIRECTORY", context.directory.to_string());
    set("MESOS_SANDBOX", context.sandbox_in_container.unwrap_or(context.directory).to_string());
    set("MESOS_CHECKPOINT", flag(context.checkpoint));
    set("MESOS_HTTP_COMMAND_EXECUTOR", flag(context.http_command_executor));
    set("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", stout_duration(context.shutdown_grace_period));
    set("LIBPROCESS_PORT", "0".to_string());
    if context.checkpoint {
        set("MESOS_RECOVERY_TIMEOUT", stout_duration(context.recovery_timeout));
        set("MESOS_SUBSCRIPTION_BACKOFF_MAX", stout_duration(context.subscription_backoff_max));
    }
    for variable in context.user_environment.iter().flat_map(|e| &e.variables) {
        let is_value = variable.r#type.is_none_or(|t| t == VariableType::Value as i32);
        if let (true, Some(value)) = (is_value, &variable.value) {
            set(&variable.name, value.clone());
        }
    }
    variables.into_iter().collect()
}

/// Stout's duration text: the largest unit that keeps the value whole (`5secs`, `15mins`).
pub fn stout_duration(duration: Duration) -> String {
    const UNITS: &[(&str, u128)] = &[
        ("weeks", 604_800_000_000_000),
        ("days", 86_400_000_000_000),
        ("hrs", 3_600_000_000_000),
        ("mins", 60_000_000_000),
        ("secs", 1_000_000_000),
        ("ms", 1_000_000),
        ("us", 1_000),
        ("ns", 1),
    ];
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0ns".to_string();
    }
    UNITS
        .iter()
        .find(|(_, per)| nanos.is_multiple_of(*per))
        .map(|(unit, per)| format!("{}{unit}", nanos / per))
        .unwrap_or_else(|| format!("{nanos}ns"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_proto::v1::environment::Variable;

    fn context(environment: Option<&Environment>, checkpoint: bool) -> ExecutorContext<'_> {
        ExecutorContext {
            framework_id: "f",
            executor_id: "e",
            agent_id: "a",
            agent_endpoint: "10.0.0.5:5051",
            directory: "/w/slaves/a/frameworks/f/executors/e/runs/c",
            sandbox_in_container: None,
            checkpoint,
            http_command_executor: false,
            shutdown_grace_period: Duration::from_secs(5),
            recovery_timeout: Duration::from_secs(900),
            subscription_backoff_max: Duration::from_secs(2),
            user_environment: environment,
            operator_environment: None,
        }
    }

    #[test]
    fn the_contract_variables_are_set() {
        let env: std::collections::BTreeMap<_, _> =
            executor_environment(&context(None, true)).into_iter().collect();
        assert_eq!(env["MESOS_SLAVE_PID"], "slave(1)@10.0.0.5:5051");
        assert_eq!(env["MESOS_AGENT_ENDPOINT"], "10.0.0.5:5051");
        assert_eq!(env["MESOS_CHECKPOINT"], "1");
        assert_eq!(env["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"], "5secs");
        assert_eq!(env["MESOS_RECOVERY_TIMEOUT"], "15mins");
        assert_eq!(env["MESOS_SUBSCRIPTION_BACKOFF_MAX"], "2secs");
        assert_eq!(env["MESOS_SANDBOX"], env["MESOS_DIRECTORY"]);
        let plain: std::collections::BTreeMap<_, _> =
            executor_environment(&context(None, false)).into_iter().collect();
        assert_eq!(plain["MESOS_CHECKPOINT"], "0");
        assert!(!plain.contains_key("MESOS_RECOVERY_TIMEOUT"));
    }

    #[test]
    fn the_task_environment_wins() {
        let environment = Environment {
            variables: vec![
                Variable { name: "MESOS_SANDBOX".into(), value: Some("/mine".into()), ..Default::default() },
                Variable { name: "FOO".into(), value: Some("bar".into()), ..Default::default() },
            ],
        };
        let env: std::collections::BTreeMap<_, _> =
            executor_environment(&context(Some(&environment), false)).into_iter().collect();
        assert_eq!(env["MESOS_SANDBOX"], "/mine");
        assert_eq!(env["FOO"], "bar");
    }

    #[test]
    fn the_operator_environment_is_the_base_and_the_agent_and_task_win() {
        let operator: std::collections::BTreeMap<String, String> = [
            ("PATH", "/opt/bin"),
            ("MESOS_SANDBOX", "/operator"),
            ("FOO", "operator"),
            ("LIBPROCESS_PORT", "5051"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let task = Environment {
            variables: vec![Variable {
                name: "FOO".into(),
                value: Some("task".into()),
                ..Default::default()
            }],
        };
        let context =
            ExecutorContext { operator_environment: Some(&operator), ..context(Some(&task), false) };
        let env: std::collections::BTreeMap<_, _> = executor_environment(&context).into_iter().collect();
        assert_eq!(env["PATH"], "/opt/bin");
        assert_eq!(env["MESOS_SANDBOX"], env["MESOS_DIRECTORY"]);
        assert_eq!(env["LIBPROCESS_PORT"], "0");
        assert_eq!(env["FOO"], "task");
    }

    #[test]
    fn durations_print_like_stout() {
        assert_eq!(stout_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(stout_duration(Duration::from_secs(3600)), "1hrs");
        assert_eq!(stout_duration(Duration::ZERO), "0ns");
    }
}
