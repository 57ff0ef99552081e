//! Convenience impls on the generated-style message types.

use std::fmt;

use super::{
    AgentId, ContainerId, ExecutorId, FrameworkId, OfferId, OperationId, OperationState, ResourceProviderId,
    TaskId, TaskState,
};

macro_rules! id_impls {
    ($($ty:ident),* $(,)?) => {$(
        impl From<&str> for $ty {
            fn from(value: &str) -> Self {
                $ty { value: value.to_owned() }
            }
        }

        impl From<String> for $ty {
            fn from(value: String) -> Self {
                $ty { value }
            }
        }

        impl From<&String> for $ty {
            fn from(value: &String) -> Self {
                $ty { value: value.clone() }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.value)
            }
        }

        impl $ty {
            /// The id string.
            pub fn as_str(&self) -> &str {
                &self.value
            }
        }
    )*};
}

id_impls!(FrameworkId, OfferId, AgentId, TaskId, ExecutorId, ResourceProviderId, OperationId);

impl From<&str> for ContainerId {
    fn from(value: &str) -> Self {
        ContainerId { value: value.to_owned(), parent: None }
    }
}

impl From<String> for ContainerId {
    fn from(value: String) -> Self {
        ContainerId { value, parent: None }
    }
}

impl From<&String> for ContainerId {
    fn from(value: &String) -> Self {
        ContainerId { value: value.clone(), parent: None }
    }
}

impl ContainerId {
    /// The id string of this container (without its parents).
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// A nested container id under `parent`.
    pub fn nested(parent: ContainerId, value: impl Into<String>) -> Self {
        ContainerId { value: value.into(), parent: Some(Box::new(parent)) }
    }
}

/// Prints the value; nested containers print as `parent.child` (Mesos' own notation).
impl fmt::Display for ContainerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = &self.parent {
            write!(f, "{parent}.")?;
        }
        f.write_str(&self.value)
    }
}

impl TaskState {
    /// Whether the state is terminal: FINISHED, FAILED, KILLED, ERROR, LOST, DROPPED, GONE,
    /// GONE_BY_OPERATOR (the master frees the task's resources on these).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskState::TaskFinished
                | TaskState::TaskFailed
                | TaskState::TaskKilled
                | TaskState::TaskError
                | TaskState::TaskLost
                | TaskState::TaskDropped
                | TaskState::TaskGone
                | TaskState::TaskGoneByOperator
        )
    }
}

impl OperationState {
    /// Whether the state is terminal: FINISHED, FAILED, ERROR, DROPPED, GONE_BY_OPERATOR.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            OperationState::OperationFinished
                | OperationState::OperationFailed
                | OperationState::OperationError
                | OperationState::OperationDropped
                | OperationState::OperationGoneByOperator
        )
    }
}
