//! Helpers the example frameworks share: flags from `--name=value` arguments, scalar
//! resources taken from an offer (keeping its allocation and reservation), and tasks.

use mesos_proto::v1::{CommandInfo, Offer, Resource, TaskId, TaskInfo, value};

/// The value of `--name=` among the program's arguments.
pub fn arg(name: &str) -> Option<String> {
    let prefix = format!("--{name}=");
    std::env::args().find_map(|a| a.strip_prefix(&prefix).map(String::from))
}

/// `--master`, or the usual local address.
pub fn master() -> String {
    arg("master").unwrap_or_else(|| "127.0.0.1:5050".to_string())
}

/// `amount` of the offer's first unreserved scalar `name`, with the offer's allocation
/// info; `None` if the offer has less.
pub fn take(offer: &Offer, name: &str, amount: f64) -> Option<Resource> {
    let source = offer.resources.iter().find(|r| {
        r.name == name && r.reservations.is_empty() && r.scalar.is_some_and(|s| s.value >= amount - 1e-9)
    })?;
    let mut resource = source.clone();
    resource.scalar = Some(value::Scalar { value: amount });
    Some(resource)
}

/// Scalar `name` available unreserved in the offer.
pub fn available(offer: &Offer, name: &str) -> f64 {
    offer
        .resources
        .iter()
        .filter(|r| r.name == name && r.reservations.is_empty())
        .filter_map(|r| r.scalar.map(|s| s.value))
        .sum()
}

/// A command task of 0.1 cpus and 32 MB from `offer`, if it fits.
pub fn command_task(offer: &Offer, id: &str, command: &str) -> Option<TaskInfo> {
    Some(TaskInfo {
        name: id.to_string(),
        task_id: TaskId { value: id.to_string() },
        agent_id: offer.agent_id.clone(),
        resources: vec![take(offer, "cpus", 0.1)?, take(offer, "mem", 32.0)?],
        command: Some(CommandInfo { value: Some(command.to_string()), ..Default::default() }),
        ..Default::default()
    })
}
