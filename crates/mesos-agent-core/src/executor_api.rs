//! The executor API's envelope rules (scheduler-executor-api.md §4.1): what the agent checks
//! before an executor call reaches its state machine. Errors are the text after
//! "Failed to validate Executor::Call: ", which the HTTP layer prefixes (400).

use mesos_proto::v1::executor::{Call, call};
use mesos_proto::v1::{TaskState, task_status};
use mesos_types::rng::is_valid_uuid;

/// Checks an executor call's envelope.
pub fn validate_executor_call(call: &Call) -> Result<(), String> {
    let Some(call_type) = call.r#type else {
        return Err("Expecting 'type' to be present".to_string());
    };
    let Ok(call_type) = call::Type::try_from(call_type) else {
        return Err(format!("Unknown call type {call_type}"));
    };
    match call_type {
        call::Type::Subscribe if call.subscribe.is_none() => {
            Err("Expecting 'subscribe' to be present".to_string())
        }
        call::Type::Message if call.message.is_none() => Err("Expecting 'message' to be present".to_string()),
        call::Type::Update => {
            let Some(update) = &call.update else {
                return Err("Expecting 'update' to be present".to_string());
            };
            let status = &update.status;
            match &status.uuid {
                None => return Err("Expecting 'uuid' to be present".to_string()),
                Some(uuid) if !is_valid_uuid(uuid) => return Err("Not a valid UUID".to_string()),
                Some(_) => {}
            }
            if status.executor_id.as_ref().is_some_and(|id| id.value != call.executor_id.value) {
                return Err("ExecutorID in Call and TaskStatus do not match".to_string());
            }
            if status.source != Some(task_status::Source::SourceExecutor as i32) {
                return Err("Received Call from executor with invalid source".to_string());
            }
            if status.state == TaskState::TaskStaging as i32 {
                return Err("Received TASK_STAGING from executor".to_string());
            }
            if let Some(check) = &status.check_status {
                use mesos_proto::v1::check_info::Type;
                let complete = match check.r#type.and_then(|t| Type::try_from(t).ok()) {
                    Some(Type::Command) => check.command.is_some(),
                    Some(Type::Http) => check.http.is_some(),
                    Some(Type::Tcp) => check.tcp.is_some(),
                    _ => false,
                };
                if !complete {
                    return Err("'check_status' must have 'type' and the matching member".to_string());
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_proto::v1::executor::call::Update;
    use mesos_proto::v1::{ExecutorId, FrameworkId, TaskId, TaskStatus};

    fn update(status: TaskStatus) -> Call {
        Call {
            executor_id: ExecutorId { value: "e".into() },
            framework_id: FrameworkId { value: "f".into() },
            r#type: Some(call::Type::Update as i32),
            update: Some(Update { status }),
            ..Default::default()
        }
    }

    fn good() -> TaskStatus {
        let mut uuid = [7u8; 16];
        uuid[6] = 0x47;
        TaskStatus {
            task_id: TaskId { value: "t".into() },
            state: TaskState::TaskRunning as i32,
            source: Some(task_status::Source::SourceExecutor as i32),
            uuid: Some(uuid.to_vec()),
            ..Default::default()
        }
    }

    #[test]
    fn updates_follow_the_contract() {
        assert_eq!(validate_executor_call(&update(good())), Ok(()));
        let err = |status: TaskStatus| validate_executor_call(&update(status)).unwrap_err();
        assert!(err(TaskStatus { uuid: None, ..good() }).contains("uuid"));
        assert_eq!(err(TaskStatus { uuid: Some(vec![1; 37]), ..good() }), "Not a valid UUID");
        assert!(err(TaskStatus { source: None, ..good() }).contains("invalid source"));
        assert!(err(TaskStatus { state: TaskState::TaskStaging as i32, ..good() }).contains("TASK_STAGING"));
        assert!(
            err(TaskStatus { executor_id: Some(ExecutorId { value: "other".into() }), ..good() })
                .contains("match")
        );
    }

    #[test]
    fn envelopes_need_their_members() {
        let mut subscribe = update(good());
        subscribe.r#type = Some(call::Type::Subscribe as i32);
        assert!(validate_executor_call(&subscribe).unwrap_err().contains("subscribe"));
        let mut untyped = update(good());
        untyped.r#type = None;
        assert!(validate_executor_call(&untyped).unwrap_err().contains("type"));
        let mut heartbeat = update(good());
        heartbeat.r#type = Some(call::Type::Heartbeat as i32);
        heartbeat.update = None;
        assert_eq!(validate_executor_call(&heartbeat), Ok(()));
    }
}
