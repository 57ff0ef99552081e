//! The executor's side of the v1 Executor API: POSTing calls to the agent and reading the
//! SUBSCRIBE stream (protobuf, RecordIO framed). mesos-rs' command and default executors are
//! built on it; a custom Rust executor can be too (see `examples/`).

use std::collections::VecDeque;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use mesos_http::Connection;
use mesos_proto::recordio::RecordIoDecoder;
use mesos_proto::v1::executor::{Call, Event};
use mesos_proto::v1::{ExecutorId, FrameworkId};
use prost::Message;

/// Why talking to the agent failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The agent cannot be reached.
    #[error("cannot reach the agent: {0}")]
    Connect(String),
    /// The agent refused a call.
    #[error("the agent answered {status}: {body}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// Its message.
        body: String,
    },
    /// The event stream broke or carried garbage.
    #[error("executor event stream: {0}")]
    Stream(String),
    /// A variable the agent sets is missing.
    #[error("environment variable {0} is missing; executors are started by a Mesos agent")]
    Environment(&'static str),
}

const PROTOBUF: &str = "application/x-protobuf";
const PATH: &str = "/api/v1/executor";

/// Where the agent is and who this executor is.
#[derive(Clone, Debug)]
pub struct Agent {
    /// `ip:port` of the agent (`MESOS_AGENT_ENDPOINT`).
    pub endpoint: String,
    /// `MESOS_FRAMEWORK_ID`.
    pub framework_id: FrameworkId,
    /// `MESOS_EXECUTOR_ID`.
    pub executor_id: ExecutorId,
}

impl Agent {
    /// The agent and ids from the variables every agent sets for its executors
    /// (`MESOS_AGENT_ENDPOINT`, `MESOS_FRAMEWORK_ID`, `MESOS_EXECUTOR_ID`).
    pub fn from_vars(vars: &std::collections::BTreeMap<String, String>) -> Result<Agent, Error> {
        let get = |name: &'static str| {
            vars.get(name).filter(|v| !v.is_empty()).cloned().ok_or(Error::Environment(name))
        };
        Ok(Agent {
            endpoint: get("MESOS_AGENT_ENDPOINT")?,
            framework_id: FrameworkId { value: get("MESOS_FRAMEWORK_ID")? },
            executor_id: ExecutorId { value: get("MESOS_EXECUTOR_ID")? },
        })
    }

    /// A call envelope with this executor's ids.
    pub fn call(&self, kind: mesos_proto::v1::executor::call::Type) -> Call {
        Call {
            executor_id: self.executor_id.clone(),
            framework_id: self.framework_id.clone(),
            r#type: Some(kind as i32),
            ..Default::default()
        }
    }

    /// Sends a non-SUBSCRIBE call on `connection` (kept open between calls); the agent
    /// answers 202.
    pub async fn send(&self, connection: &mut Connection, call: &Call) -> Result<(), Error> {
        let (status, body) = connection
            .post(
                PATH,
                &[("Content-Type", PROTOBUF), ("Accept", PROTOBUF)],
                Bytes::from(call.encode_to_vec()),
            )
            .await
            .map_err(|e| Error::Connect(e.to_string()))?;
        if status != hyper::StatusCode::ACCEPTED {
            return Err(Error::Refused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).into(),
            });
        }
        Ok(())
    }

    /// A connection for [`Agent::send`].
    pub fn connection(&self) -> Connection {
        Connection::new(self.endpoint.clone())
    }

    /// SUBSCRIBEs and returns the event stream.
    pub async fn subscribe(&self, call: &Call) -> Result<EventStream, Error> {
        let response = Connection::new(self.endpoint.clone())
            .post_streaming(
                PATH,
                &[("Content-Type", PROTOBUF), ("Accept", PROTOBUF)],
                Bytes::from(call.encode_to_vec()),
            )
            .await
            .map_err(|e| Error::Connect(e.to_string()))?;
        let status = response.status();
        if status != hyper::StatusCode::OK {
            let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            return Err(Error::Refused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).into(),
            });
        }
        Ok(EventStream {
            body: response.into_body(),
            decoder: RecordIoDecoder::new(),
            ready: VecDeque::new(),
        })
    }
}

impl Agent {
    /// SUBSCRIBEs, retrying for `window` with a random pause of up to half of `backoff_max`
    /// between attempts (a restarted agent waits only `backoff_max` for its executors, so an
    /// attempt must land well inside that). A 400 is final.
    pub async fn subscribe_within(
        &self,
        call: &Call,
        window: std::time::Duration,
        backoff_max: std::time::Duration,
    ) -> Result<EventStream, Error> {
        let deadline = tokio::time::Instant::now() + window;
        loop {
            match self.subscribe(call).await {
                Ok(stream) => return Ok(stream),
                Err(error @ Error::Refused { status: 400, .. }) => return Err(error),
                Err(error) if tokio::time::Instant::now() >= deadline => return Err(error),
                Err(error) => {
                    tracing::info!("subscription failed, retrying: {error}");
                    let most = (backoff_max / 2).max(std::time::Duration::from_millis(10));
                    tokio::time::sleep(most.mul_f64(rand::random::<f64>())).await;
                }
            }
        }
    }
}

/// The agent's events to this executor.
pub struct EventStream {
    body: Incoming,
    decoder: RecordIoDecoder,
    ready: VecDeque<Event>,
}

impl EventStream {
    /// The next event; `None` when the agent closed the stream.
    pub async fn next(&mut self) -> Option<Result<Event, Error>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(Ok(event));
            }
            let frame = match self.body.frame().await? {
                Ok(frame) => frame,
                Err(e) => return Some(Err(Error::Stream(e.to_string()))),
            };
            let Ok(data) = frame.into_data() else { continue };
            let records = match self.decoder.decode(&data) {
                Ok(records) => records,
                Err(e) => return Some(Err(Error::Stream(e.to_string()))),
            };
            for record in records {
                match Event::decode(record.as_ref()) {
                    Ok(event) => self.ready.push_back(event),
                    Err(e) => return Some(Err(Error::Stream(e.to_string()))),
                }
            }
        }
    }
}

/// What the agent told the executor, in the words of Mesos' executor driver callbacks.
#[derive(Clone, Debug)]
pub enum ExecutorEvent {
    /// `registered` (or `reregistered` after a re-subscription).
    Registered {
        /// The executor as the agent knows it.
        executor_info: Box<mesos_proto::v1::ExecutorInfo>,
        /// Its framework.
        framework_info: Box<mesos_proto::v1::FrameworkInfo>,
        /// The agent.
        agent_info: Box<mesos_proto::v1::AgentInfo>,
    },
    /// `launchTask`.
    LaunchTask(Box<mesos_proto::v1::TaskInfo>),
    /// `launchTaskGroup`.
    LaunchTaskGroup(mesos_proto::v1::TaskGroupInfo),
    /// `killTask`, with the kill policy the scheduler asked for, if any.
    KillTask(mesos_proto::v1::TaskId, Option<mesos_proto::v1::KillPolicy>),
    /// `frameworkMessage`.
    Message(Vec<u8>),
    /// `shutdown`: end every task and exit within the grace period.
    Shutdown,
    /// `error`.
    Error(String),
}

/// An executor driver: subscribes (again with what is unacknowledged, after a broken stream,
/// while the framework checkpoints), hands out events, and sends updates and messages,
/// keeping each update until the agent acknowledges it.
pub struct ExecutorDriver {
    agent: Agent,
    connection: Connection,
    stream: Option<EventStream>,
    checkpoint: bool,
    unacknowledged_updates: Vec<mesos_proto::v1::TaskStatus>,
    unacknowledged_tasks: std::collections::BTreeMap<String, mesos_proto::v1::TaskInfo>,
    subscribed_once: bool,
    /// `MESOS_RECOVERY_TIMEOUT`: how long to keep re-subscribing.
    recovery_timeout: std::time::Duration,
    /// `MESOS_SUBSCRIPTION_BACKOFF_MAX`: the longest pause between attempts.
    backoff_max: std::time::Duration,
}

/// A stout duration from the environment (`15mins`, `2secs`, `500ms`), or `default`.
fn duration_var(
    vars: &std::collections::BTreeMap<String, String>,
    name: &str,
    default: std::time::Duration,
) -> std::time::Duration {
    let Some(text) = vars.get(name) else { return default };
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let Ok(number) = number.parse::<f64>() else { return default };
    let seconds = match unit {
        "ns" => number / 1e9,
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "secs" => number,
        "mins" => number * 60.0,
        "hrs" => number * 3600.0,
        "days" => number * 86400.0,
        "weeks" => number * 604800.0,
        _ => return default,
    };
    std::time::Duration::try_from_secs_f64(seconds).unwrap_or(default)
}

impl ExecutorDriver {
    /// A driver for the executor this process is, from the agent's variables.
    pub fn from_env() -> Result<ExecutorDriver, Error> {
        let vars: std::collections::BTreeMap<String, String> = std::env::vars().collect();
        let agent = Agent::from_vars(&vars)?;
        let checkpoint = vars.get("MESOS_CHECKPOINT").map(String::as_str) == Some("1");
        let mut driver = ExecutorDriver::new(agent, checkpoint);
        driver.recovery_timeout = duration_var(&vars, "MESOS_RECOVERY_TIMEOUT", driver.recovery_timeout);
        driver.backoff_max = duration_var(&vars, "MESOS_SUBSCRIPTION_BACKOFF_MAX", driver.backoff_max);
        Ok(driver)
    }

    /// A driver talking to `agent`; `checkpoint`: re-subscribe after a broken stream.
    pub fn new(agent: Agent, checkpoint: bool) -> ExecutorDriver {
        let connection = agent.connection();
        ExecutorDriver {
            agent,
            connection,
            stream: None,
            checkpoint,
            unacknowledged_updates: Vec::new(),
            unacknowledged_tasks: std::collections::BTreeMap::new(),
            subscribed_once: false,
            recovery_timeout: std::time::Duration::from_secs(15 * 60),
            backoff_max: std::time::Duration::from_secs(2),
        }
    }

    /// The next event; `None` when the agent is gone for good (stream ended and the framework
    /// does not checkpoint, or re-subscribing failed).
    pub async fn next(&mut self) -> Option<ExecutorEvent> {
        use mesos_proto::v1::executor::event::Type;
        loop {
            if self.stream.is_none() {
                if self.subscribed_once && !self.checkpoint {
                    return None;
                }
                self.stream = Some(self.subscribe().await.ok()?);
            }
            let next = match self.stream.as_mut() {
                Some(stream) => stream.next().await,
                None => None,
            };
            let Some(Ok(event)) = next else {
                self.stream = None;
                continue;
            };
            let out = match event.r#type.and_then(|t| Type::try_from(t).ok()) {
                Some(Type::Subscribed) => {
                    let Some(s) = event.subscribed else { continue };
                    self.subscribed_once = true;
                    ExecutorEvent::Registered {
                        executor_info: Box::new(s.executor_info),
                        framework_info: Box::new(s.framework_info),
                        agent_info: Box::new(s.agent_info),
                    }
                }
                Some(Type::Launch) => {
                    let Some(launch) = event.launch else { continue };
                    self.unacknowledged_tasks.insert(launch.task.task_id.value.clone(), launch.task.clone());
                    ExecutorEvent::LaunchTask(Box::new(launch.task))
                }
                Some(Type::LaunchGroup) => {
                    let Some(launch) = event.launch_group else { continue };
                    for task in &launch.task_group.tasks {
                        self.unacknowledged_tasks.insert(task.task_id.value.clone(), task.clone());
                    }
                    ExecutorEvent::LaunchTaskGroup(launch.task_group)
                }
                Some(Type::Kill) => {
                    let Some(kill) = event.kill else { continue };
                    ExecutorEvent::KillTask(kill.task_id, kill.kill_policy)
                }
                Some(Type::Acknowledged) => {
                    if let Some(ack) = event.acknowledged {
                        self.unacknowledged_updates
                            .retain(|s| s.uuid.as_deref() != Some(ack.uuid.as_slice()));
                        self.unacknowledged_tasks.remove(&ack.task_id.value);
                    }
                    continue;
                }
                Some(Type::Message) => match event.message {
                    Some(message) => ExecutorEvent::Message(message.data),
                    None => continue,
                },
                Some(Type::Shutdown) => ExecutorEvent::Shutdown,
                Some(Type::Error) => ExecutorEvent::Error(event.error.map(|e| e.message).unwrap_or_default()),
                _ => continue,
            };
            return Some(out);
        }
    }

    async fn subscribe(&mut self) -> Result<EventStream, Error> {
        use mesos_proto::v1::executor::call;
        let mut subscribe = self.agent.call(call::Type::Subscribe);
        subscribe.subscribe = Some(call::Subscribe {
            unacknowledged_tasks: self.unacknowledged_tasks.values().cloned().collect(),
            unacknowledged_updates: self
                .unacknowledged_updates
                .iter()
                .map(|status| call::Update { status: status.clone() })
                .collect(),
        });
        self.agent.subscribe_within(&subscribe, self.recovery_timeout, self.backoff_max).await
    }

    /// Sends a status update for a task (uuid, source, executor id and time filled in); it is
    /// kept until the agent acknowledges it.
    pub async fn update(&mut self, mut status: mesos_proto::v1::TaskStatus) -> Result<(), Error> {
        use mesos_proto::v1::executor::call;
        status.source = Some(mesos_proto::v1::task_status::Source::SourceExecutor as i32);
        status.executor_id = Some(self.agent.executor_id.clone());
        if status.uuid.is_none() {
            status.uuid = Some(random_uuid());
        }
        if status.timestamp.is_none() {
            status.timestamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs_f64());
        }
        self.unacknowledged_updates.push(status.clone());
        let mut update = self.agent.call(call::Type::Update);
        update.update = Some(call::Update { status });
        self.agent.send(&mut self.connection, &update).await
    }

    /// Sends the scheduler a message (best effort).
    pub async fn message(&mut self, data: Vec<u8>) -> Result<(), Error> {
        use mesos_proto::v1::executor::call;
        let mut message = self.agent.call(call::Type::Message);
        message.message = Some(call::Message { data });
        self.agent.send(&mut self.connection, &message).await
    }

    /// Updates the agent has not acknowledged yet.
    pub fn unacknowledged_updates(&self) -> &[mesos_proto::v1::TaskStatus] {
        &self.unacknowledged_updates
    }
}

/// A random (version 4) UUID's 16 bytes.
fn random_uuid() -> Vec<u8> {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes.to_vec()
}
