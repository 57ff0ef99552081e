//! The scheduler API's entry point: framework and stream checks in Mesos' order
//! (scheduler-executor-api.md §1.8), then one handler per call type.

use mesos_allocator::Allocator;
use mesos_proto::internal::{AgentEvent, FrameworkMessage, agent_event};
use mesos_proto::v1::scheduler::{Call, call};
use mesos_proto::v1::{FrameworkId, TaskState};
use mesos_types::Time;

use crate::{ConnId, Master};

/// The synchronous answer to a scheduler call; everything else arrives as events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchedulerReply {
    /// 202 Accepted, empty body.
    Accepted,
    /// 200 OK, empty body (UPDATE_FRAMEWORK).
    Ok,
    /// 200 with a stream of events (SUBSCRIBE); the shell sends this `Mesos-Stream-Id`.
    Stream {
        /// The new stream id.
        stream_id: String,
    },
    /// An HTTP error with a plain-text body.
    Error {
        /// Status code.
        status: u16,
        /// Body.
        message: String,
    },
}

impl SchedulerReply {
    /// A 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> SchedulerReply {
        SchedulerReply::Error { status: 400, message: message.into() }
    }

    fn forbidden(message: impl Into<String>) -> SchedulerReply {
        SchedulerReply::Error { status: 403, message: message.into() }
    }
}

impl Master {
    /// Handles one scheduler call whose envelope already passed
    /// [`crate::validation::validate_scheduler_call`]. `stream_header` is the request's
    /// `Mesos-Stream-Id`; `conn` names the response stream a SUBSCRIBE will get.
    pub fn scheduler_call(
        &mut self,
        now: Time,
        conn: ConnId,
        call: Call,
        stream_header: Option<&str>,
    ) -> SchedulerReply {
        let call_type = call.r#type.and_then(|t| call::Type::try_from(t).ok()).unwrap_or(call::Type::Unknown);
        *self.counters.calls.entry(call_type_name(call_type)).or_insert(0) += 1;
        if call_type == call::Type::Subscribe {
            if stream_header.is_some() {
                return SchedulerReply::bad_request(
                    "Subscribe calls should not include the 'Mesos-Stream-Id' header",
                );
            }
            return self.subscribe(now, conn, call);
        }
        let framework_id = call.framework_id.as_ref().map(|id| id.value.clone()).unwrap_or_default();
        let Some(framework) = self.frameworks.get(&framework_id) else {
            return SchedulerReply::bad_request("Framework cannot be found");
        };
        if !framework.connected() {
            return SchedulerReply::forbidden("Framework is not subscribed");
        }
        match stream_header {
            None => {
                return SchedulerReply::bad_request(
                    "All non-subscribe calls should include the 'Mesos-Stream-Id' header",
                );
            }
            Some(header) if Some(header) != framework.stream_id.as_deref() => {
                return SchedulerReply::bad_request(format!(
                    "The stream ID '{header}' included in this request didn't match the stream ID currently \
                     associated with framework ID {framework_id}"
                ));
            }
            Some(_) => {}
        }
        match call_type {
            call::Type::Unknown => SchedulerReply::Error {
                status: 501,
                message: "Received an unexpected 'UNKNOWN' call".to_string(),
            },
            call::Type::Subscribe => unreachable!("handled above"),
            call::Type::Teardown => {
                self.remove_framework(now, &framework_id);
                SchedulerReply::Accepted
            }
            call::Type::Accept => {
                if let Some(accept) = call.accept {
                    self.accept(now, &framework_id, accept);
                }
                SchedulerReply::Accepted
            }
            call::Type::Decline => {
                if let Some(decline) = call.decline {
                    let refuse = decline.filters.as_ref().map(refuse_duration).unwrap_or(DEFAULT_REFUSE);
                    for offer_id in decline.offer_ids {
                        self.decline_offer(now, &framework_id, &offer_id.value, refuse);
                    }
                }
                SchedulerReply::Accepted
            }
            call::Type::AcceptInverseOffers | call::Type::DeclineInverseOffers => {
                // No maintenance schedules exist yet, so there are no inverse offers to answer.
                SchedulerReply::Accepted
            }
            call::Type::Revive => {
                let roles = call.revive.map(|r| r.roles).unwrap_or_default();
                self.revive(&framework_id, &roles);
                SchedulerReply::Accepted
            }
            call::Type::Suppress => {
                let roles = call.suppress.map(|s| s.roles).unwrap_or_default();
                self.suppress(&framework_id, &roles);
                SchedulerReply::Accepted
            }
            call::Type::Kill => {
                if let Some(kill) = call.kill {
                    self.kill(now, &framework_id, kill);
                }
                SchedulerReply::Accepted
            }
            call::Type::Shutdown => {
                if let Some(shutdown) = call.shutdown {
                    let event = AgentEvent {
                        r#type: Some(agent_event::Type::ShutdownExecutor as i32),
                        shutdown_executor: Some(agent_event::ShutdownExecutor {
                            framework_id: FrameworkId { value: framework_id.clone() },
                            executor_id: shutdown.executor_id,
                        }),
                        ..Default::default()
                    };
                    self.send_to_agent(&shutdown.agent_id.value, event);
                }
                SchedulerReply::Accepted
            }
            call::Type::Acknowledge => {
                if let Some(ack) = call.acknowledge {
                    self.acknowledge(now, &framework_id, ack);
                }
                SchedulerReply::Accepted
            }
            call::Type::AcknowledgeOperationStatus => {
                // Operation feedback needs agents with RESOURCE_PROVIDER or
                // AGENT_OPERATION_FEEDBACK; ours claim neither, so there is nothing to ack.
                SchedulerReply::Accepted
            }
            call::Type::Reconcile => {
                if let Some(reconcile) = call.reconcile {
                    self.reconcile(now, &framework_id, reconcile);
                }
                SchedulerReply::Accepted
            }
            call::Type::ReconcileOperations => {
                if let Some(reconcile) = call.reconcile_operations {
                    self.reconcile_operations(&framework_id, reconcile);
                }
                SchedulerReply::Accepted
            }
            call::Type::Message => {
                if let Some(message) = call.message {
                    self.framework_message(&framework_id, message);
                }
                SchedulerReply::Accepted
            }
            call::Type::Request => SchedulerReply::Accepted,
            call::Type::UpdateFramework => self.update_framework(&framework_id, &call),
        }
    }

    fn revive(&mut self, framework_id: &str, roles: &[String]) {
        let Some(framework) = self.frameworks.get_mut(framework_id) else { return };
        if !roles.iter().all(|role| framework.roles.contains(role)) {
            // All or nothing: one foreign or invalid role drops the whole call.
            return;
        }
        if roles.is_empty() {
            framework.suppressed.clear();
        } else {
            for role in roles {
                framework.suppressed.remove(role);
            }
        }
        let result = self.allocator.revive(framework_id, roles);
        self.check_allocator("revive", result);
        self.allocate_soon();
    }

    fn suppress(&mut self, framework_id: &str, roles: &[String]) {
        let Some(framework) = self.frameworks.get_mut(framework_id) else { return };
        if !roles.iter().all(|role| framework.roles.contains(role)) {
            return;
        }
        if roles.is_empty() {
            framework.suppressed = framework.roles.clone();
        } else {
            framework.suppressed.extend(roles.iter().cloned());
        }
        let result = self.allocator.suppress(framework_id, roles);
        self.check_allocator("suppress", result);
    }

    fn framework_message(&mut self, framework_id: &str, message: call::Message) {
        let connected = self.agents.get(&message.agent_id.value).is_some_and(|a| a.conn.is_some());
        if !connected {
            self.counters.invalid_framework_to_executor_messages += 1;
            return;
        }
        self.counters.valid_framework_to_executor_messages += 1;
        let event = AgentEvent {
            r#type: Some(agent_event::Type::FrameworkMessage as i32),
            framework_message: Some(FrameworkMessage {
                framework_id: FrameworkId { value: framework_id.to_string() },
                executor_id: message.executor_id,
                data: message.data,
            }),
            ..Default::default()
        };
        self.send_to_agent(&message.agent_id.value, event);
    }

    fn reconcile_operations(&mut self, _framework_id: &str, _reconcile: call::ReconcileOperations) {
        // Operations with feedback are refused at ACCEPT time (no agent supports feedback
        // yet), so every operation a framework asks about is unknown: OPERATION_UNKNOWN.
        use mesos_proto::v1::scheduler::{Event, event};
        use mesos_proto::v1::{OperationState, OperationStatus};
        let framework_id = _framework_id.to_string();
        for operation in _reconcile.operations {
            let status = OperationStatus {
                operation_id: Some(operation.operation_id),
                state: OperationState::OperationUnknown as i32,
                agent_id: operation.agent_id,
                resource_provider_id: operation.resource_provider_id,
                ..Default::default()
            };
            let event = Event {
                r#type: Some(event::Type::UpdateOperationStatus as i32),
                update_operation_status: Some(event::UpdateOperationStatus { status }),
                ..Default::default()
            };
            self.send_event(&framework_id, event);
        }
    }

    pub(crate) fn allocator_mut(&mut self) -> &mut dyn Allocator {
        self.allocator.as_mut()
    }

    pub(crate) fn task_state_counter(&mut self, state: TaskState) {
        let name = match state {
            TaskState::TaskFinished => "task_finished",
            TaskState::TaskFailed => "task_failed",
            TaskState::TaskKilled => "task_killed",
            TaskState::TaskLost => "task_lost",
            TaskState::TaskError => "task_error",
            TaskState::TaskDropped => "task_dropped",
            TaskState::TaskGone => "task_gone",
            TaskState::TaskGoneByOperator => "task_gone_by_operator",
            _ => return,
        };
        *self.counters.terminal_tasks.entry(name).or_insert(0) += 1;
    }
}

/// Default refusal when a call carries no filters: 5 seconds.
pub(crate) const DEFAULT_REFUSE: std::time::Duration = std::time::Duration::from_secs(5);

/// `Filters.refuse_seconds` per §6.7: negative or non-finite → 5 s, capped at 365 days,
/// exactly 0 → no filter.
pub(crate) fn refuse_duration(filters: &mesos_proto::v1::Filters) -> std::time::Duration {
    let seconds = filters.refuse_seconds.unwrap_or(5.0);
    if !seconds.is_finite() || seconds < 0.0 {
        return DEFAULT_REFUSE;
    }
    std::time::Duration::from_secs_f64(seconds.min(365.0 * 24.0 * 3600.0))
}

/// The lower-case name of a call type, as metrics use it.
pub fn call_type_name(call_type: call::Type) -> &'static str {
    match call_type {
        call::Type::Unknown => "unknown",
        call::Type::Subscribe => "subscribe",
        call::Type::Teardown => "teardown",
        call::Type::Accept => "accept",
        call::Type::Decline => "decline",
        call::Type::AcceptInverseOffers => "accept_inverse_offers",
        call::Type::DeclineInverseOffers => "decline_inverse_offers",
        call::Type::Revive => "revive",
        call::Type::Kill => "kill",
        call::Type::Shutdown => "shutdown",
        call::Type::Acknowledge => "acknowledge",
        call::Type::AcknowledgeOperationStatus => "acknowledge_operation_status",
        call::Type::Reconcile => "reconcile",
        call::Type::ReconcileOperations => "reconcile_operations",
        call::Type::Message => "message",
        call::Type::Request => "request",
        call::Type::Suppress => "suppress",
        call::Type::UpdateFramework => "update_framework",
    }
}
