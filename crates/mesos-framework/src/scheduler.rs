//! A scheduler driver over the v1 Scheduler API.
//!
//! ```no_run
//! # async fn run() -> Result<(), mesos_framework::scheduler::Error> {
//! use mesos_framework::scheduler::{Config, Event, Scheduler};
//! use mesos_proto::v1::FrameworkInfo;
//!
//! let info = FrameworkInfo { user: "root".into(), name: "hello".into(), ..Default::default() };
//! let mut scheduler = Scheduler::start(Config::new("127.0.0.1:5050", info))?;
//! while let Some(event) = scheduler.next().await {
//!     match event {
//!         Event::Offers(offers) => {
//!             for offer in offers {
//!                 scheduler.client().decline(vec![offer.offer.id.clone()], None).await?;
//!             }
//!         }
//!         Event::Update(status) => println!("{:?}", status.state),
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! The driver SUBSCRIBEs (following redirects to the leading master), re-subscribes with the
//! same framework id whenever the stream breaks (or stays silent for five heartbeat
//! intervals), with a backoff, and turns events into [`Event`]s. With implicit
//! acknowledgements (the default) a reliable status update is acknowledged when the next
//! event is asked for, that is, after the application dealt with it.
//!
//! As with Mesos, a framework whose `failover_timeout` is unset (0) is removed by the master
//! as soon as its connection breaks, so re-subscribing then fails with an error: set a
//! failover timeout when tasks must survive a scheduler or network hiccup.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use mesos_proto::recordio::RecordIoDecoder;
use mesos_proto::v1::scheduler::{Call, call, event};
use mesos_proto::v1::{
    AgentId, ExecutorId, Filters, FrameworkId, FrameworkInfo, MasterInfo, Offer, OfferId, TaskId, TaskInfo,
    TaskStatus, offer,
};
use mesos_types::Resources;
use prost::Message;
use tokio::sync::mpsc;

use crate::master;

const PROTOBUF: &str = "application/x-protobuf";
const PATH: &str = "/api/v1/scheduler";

/// Why the driver or a call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The master URL is unusable.
    #[error(transparent)]
    Master(#[from] master::MasterUrlError),
    /// The call was made before the framework was subscribed.
    #[error("the framework is not subscribed (yet)")]
    NotSubscribed,
    /// The master could not be reached.
    #[error(transparent)]
    Http(#[from] mesos_http::ClientError),
    /// The master refused the call.
    #[error("the master answered {status}: {body}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// What it said.
        body: String,
    },
}

/// How to run the framework.
#[derive(Clone, Debug)]
pub struct Config {
    /// The master: `host:port`, `http://host:port`, `zk://host:port/path` (the leader of a
    /// ZooKeeper group, followed across elections) or `file:///path` holding one of those.
    pub master: String,
    /// The framework; its `id` is filled in once subscribed (and kept across failovers).
    pub framework_info: FrameworkInfo,
    /// Acknowledge status updates as they are handed out (Mesos' default).
    pub implicit_acknowledgements: bool,
    /// First wait before re-subscribing after a failure; doubles up to `max_backoff`.
    pub backoff: Duration,
    /// Longest wait between subscription attempts.
    pub max_backoff: Duration,
    /// Give up when no subscription succeeded for this long (`None`: never).
    pub give_up_after: Option<Duration>,
    /// ZooKeeper session timeout, for a `zk://` master.
    pub zk_session_timeout: Duration,
}

impl Config {
    /// Defaults: implicit acknowledgements, backoff 100 ms up to 10 s, never give up.
    pub fn new(master: impl Into<String>, framework_info: FrameworkInfo) -> Config {
        Config {
            master: master.into(),
            framework_info,
            implicit_acknowledgements: true,
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            give_up_after: None,
            zk_session_timeout: Duration::from_secs(10),
        }
    }
}

/// An offer with its resources as the typed algebra of `mesos-types`.
#[derive(Clone, Debug)]
pub struct TypedOffer {
    /// The offer as sent.
    pub offer: Offer,
    /// Its resources.
    pub resources: Resources,
}

/// What happened, in the words of Mesos' scheduler driver callbacks.
#[derive(Clone, Debug)]
pub enum Event {
    /// Subscribed (`registered`), or subscribed again after a disconnection
    /// (`reregistered == true`).
    Registered {
        /// The framework's id.
        framework_id: FrameworkId,
        /// The master.
        master_info: Option<MasterInfo>,
        /// Whether this is a re-subscription.
        reregistered: bool,
    },
    /// The stream to the master broke; the driver is re-subscribing.
    Disconnected,
    /// `resourceOffers`.
    Offers(Vec<TypedOffer>),
    /// `offerRescinded`.
    Rescinded(OfferId),
    /// `statusUpdate`.
    Update(TaskStatus),
    /// `frameworkMessage`.
    Message {
        /// From which agent.
        agent_id: AgentId,
        /// From which executor.
        executor_id: ExecutorId,
        /// The payload.
        data: Vec<u8>,
    },
    /// `slaveLost`.
    AgentLost(AgentId),
    /// `executorLost`.
    ExecutorLost {
        /// Where.
        agent_id: Option<AgentId>,
        /// Which executor.
        executor_id: ExecutorId,
        /// Its wait status, if known.
        status: Option<i32>,
    },
    /// `error`: the master refused the framework; the driver has stopped.
    Error(String),
}

#[derive(Debug, Default)]
struct Session {
    master: String,
    stream_id: Option<String>,
    framework_id: Option<FrameworkId>,
}

/// Makes calls for a subscribed framework; cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    session: Arc<Mutex<Session>>,
    connection: Arc<tokio::sync::Mutex<Option<mesos_http::Connection>>>,
}

/// A running scheduler driver: events in order, and a [`Client`] for calls.
pub struct Scheduler {
    events: mpsc::UnboundedReceiver<Event>,
    client: Client,
    task: tokio::task::JoinHandle<()>,
    /// Following the leader of a `zk://` master URL.
    detector: Option<tokio::task::JoinHandle<()>>,
    implicit_acknowledgements: bool,
    /// The update handed out last, acknowledged when the next event is asked for (that
    /// is, once the application has dealt with it).
    to_acknowledge: Option<TaskStatus>,
}

impl Scheduler {
    /// Starts subscribing in the background of the current tokio runtime.
    pub fn start(config: Config) -> Result<Scheduler, Error> {
        let (master, leader, detector) = match master::parse(&config.master)? {
            master::Master::Address(address) => (address, None, None),
            master::Master::ZooKeeper(url) => {
                let (leader, detector) = mesos_zookeeper::follow_leader(url, config.zk_session_timeout);
                (String::new(), Some(leader), Some(detector))
            }
        };
        let session = Arc::new(Mutex::new(Session {
            master,
            stream_id: None,
            framework_id: config.framework_info.id.clone(),
        }));
        let client = Client { session, connection: Arc::new(tokio::sync::Mutex::new(None)) };
        let (events_tx, events) = mpsc::unbounded_channel();
        let implicit_acknowledgements = config.implicit_acknowledgements;
        let task = tokio::spawn(drive(config, client.clone(), events_tx, leader));
        Ok(Scheduler { events, client, task, detector, implicit_acknowledgements, to_acknowledge: None })
    }

    /// The next event; `None` once the driver stopped (after [`Event::Error`], or when it
    /// gave up reaching a master).
    pub async fn next(&mut self) -> Option<Event> {
        if let Some(status) = self.to_acknowledge.take() {
            let client = self.client.clone();
            tokio::spawn(async move {
                if let Err(error) = client.acknowledge(&status).await {
                    tracing::warn!("implicit acknowledgement failed: {error}");
                }
            });
        }
        let event = self.events.recv().await;
        if self.implicit_acknowledgements
            && let Some(Event::Update(status)) = &event
            && status.uuid.is_some()
        {
            self.to_acknowledge = Some(status.clone());
        }
        event
    }

    /// The calls.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Stops the driver (the framework stays registered until its failover timeout).
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(detector) = &self.detector {
            detector.abort();
        }
    }
}

fn lock(session: &Mutex<Session>) -> std::sync::MutexGuard<'_, Session> {
    match session.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

async fn drive(
    config: Config,
    client: Client,
    events: mpsc::UnboundedSender<Event>,
    mut leader: Option<tokio::sync::watch::Receiver<Option<String>>>,
) {
    let mut backoff = config.backoff;
    let mut subscribed_once = false;
    let mut last_success = tokio::time::Instant::now();
    let mut redirected = false;
    loop {
        if let Some(leader) = &mut leader {
            // With ZooKeeper, each attempt goes to the leader as last detected, once one is.
            let wait = config.give_up_after.map(|limit| limit.saturating_sub(last_success.elapsed()));
            let detected = async { leader.wait_for(Option::is_some).await.ok().and_then(|l| l.clone()) };
            let detected = match wait {
                Some(wait) => tokio::time::timeout(wait, detected).await.ok().flatten(),
                None => detected.await,
            };
            match detected {
                Some(address) => lock(&client.session).master = address,
                None => {
                    let _ = events.send(Event::Error(format!("no master was elected in {}", config.master)));
                    return;
                }
            }
        }
        match subscribe(&config, &client).await {
            Ok(response) => {
                let outcome = read_events(&client, &events, response, subscribed_once).await;
                lock(&client.session).stream_id = None;
                match outcome {
                    StreamEnd::Subscribed => {
                        backoff = config.backoff;
                        subscribed_once = true;
                        last_success = tokio::time::Instant::now();
                        if events.send(Event::Disconnected).is_err() {
                            return;
                        }
                    }
                    StreamEnd::Error => return,
                    StreamEnd::Nothing => {}
                }
            }
            Err(SubscribeError::Redirect(leader)) => {
                tracing::info!(%leader, "following the master's redirect to the leader");
                lock(&client.session).master = leader;
                redirected = true;
            }
            Err(SubscribeError::Fatal(message)) => {
                let _ = events.send(Event::Error(message));
                return;
            }
            Err(SubscribeError::Retry(reason)) => {
                tracing::info!("subscription failed, retrying: {reason}");
                // The leader we were sent to may be gone: start again from the configured
                // master (re-reading a file:// URL).
                if redirected
                    && leader.is_none()
                    && let Ok(master) = master::resolve(&config.master)
                {
                    lock(&client.session).master = master;
                    redirected = false;
                }
            }
        }
        if config.give_up_after.is_some_and(|limit| last_success.elapsed() >= limit) {
            let master = lock(&client.session).master.clone();
            let _ = events.send(Event::Error(format!("no master answered at {master}")));
            return;
        }
        let pause = backoff.mul_f64(rand::random::<f64>() * 0.5 + 0.5);
        tokio::time::sleep(pause).await;
        backoff = (backoff * 2).min(config.max_backoff);
    }
}

enum SubscribeError {
    Redirect(String),
    Retry(String),
    Fatal(String),
}

enum StreamEnd {
    /// The stream carried SUBSCRIBED, then ended.
    Subscribed,
    /// The master sent ERROR.
    Error,
    /// It ended before SUBSCRIBED.
    Nothing,
}

async fn subscribe(
    config: &Config,
    client: &Client,
) -> Result<hyper::Response<hyper::body::Incoming>, SubscribeError> {
    let (master, framework_id) = {
        let session = lock(&client.session);
        (session.master.clone(), session.framework_id.clone())
    };
    let mut info = config.framework_info.clone();
    info.id = framework_id.clone();
    let call = Call {
        framework_id,
        r#type: Some(call::Type::Subscribe as i32),
        subscribe: Some(call::Subscribe { framework_info: info, ..Default::default() }),
        ..Default::default()
    };
    let headers = [("Content-Type", PROTOBUF), ("Accept", PROTOBUF)];
    let response = mesos_http::Connection::new(master.clone())
        .post_streaming(PATH, &headers, Bytes::from(call.encode_to_vec()))
        .await
        .map_err(|e| SubscribeError::Retry(e.to_string()))?;
    let status = response.status().as_u16();
    match status {
        200 => Ok(response),
        307 => {
            let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
            // Mesos sends `//host:port/path`.
            let leader = location.trim_start_matches("http:").trim_start_matches("//");
            let leader = leader.split('/').next().unwrap_or("").to_string();
            if leader.is_empty() {
                Err(SubscribeError::Retry("redirect without a leader".into()))
            } else {
                Err(SubscribeError::Redirect(leader))
            }
        }
        404 | 503 => Err(SubscribeError::Retry(format!("the master answered {status}"))),
        _ => {
            let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            Err(SubscribeError::Fatal(format!(
                "the master refused the subscription ({status}): {}",
                String::from_utf8_lossy(&body)
            )))
        }
    }
}

async fn read_events(
    client: &Client,
    events: &mpsc::UnboundedSender<Event>,
    response: hyper::Response<hyper::body::Incoming>,
    subscribed_before: bool,
) -> StreamEnd {
    let stream_id = response.headers().get("mesos-stream-id").and_then(|v| v.to_str().ok()).map(String::from);
    let mut body = response.into_body();
    let mut decoder = RecordIoDecoder::new();
    let mut subscribed = false;
    // The master sends a HEARTBEAT every interval; five missed ones mean a dead connection.
    let mut silence_limit = Duration::from_secs(75);
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(silence_limit, body.frame()).await {
        let Ok(data) = frame.into_data() else { continue };
        let Ok(records) = decoder.decode(&data) else { break };
        for record in records {
            let Ok(event) = mesos_proto::v1::scheduler::Event::decode(record.as_ref()) else { continue };
            let kind = event.r#type.and_then(|t| event::Type::try_from(t).ok());
            let out = match kind {
                Some(event::Type::Subscribed) => {
                    let Some(s) = event.subscribed else { continue };
                    {
                        let mut session = lock(&client.session);
                        session.stream_id = stream_id.clone();
                        session.framework_id = Some(s.framework_id.clone());
                    }
                    subscribed = true;
                    if let Some(interval) = s.heartbeat_interval_seconds.filter(|i| i.is_finite() && *i > 0.0)
                    {
                        silence_limit = Duration::from_secs_f64(interval * 5.0);
                    }
                    Event::Registered {
                        framework_id: s.framework_id,
                        master_info: s.master_info,
                        reregistered: subscribed_before,
                    }
                }
                Some(event::Type::Offers) => {
                    let offers = event.offers.map(|o| o.offers).unwrap_or_default();
                    Event::Offers(
                        offers
                            .into_iter()
                            .map(|offer| {
                                let resources = mesos_proto::convert::resources_from_proto(&offer.resources)
                                    .unwrap_or_default();
                                TypedOffer { offer, resources }
                            })
                            .collect(),
                    )
                }
                Some(event::Type::Rescind) => match event.rescind {
                    Some(rescind) => Event::Rescinded(rescind.offer_id),
                    None => continue,
                },
                Some(event::Type::Update) => match event.update {
                    Some(update) => Event::Update(update.status),
                    None => continue,
                },
                Some(event::Type::Message) => match event.message {
                    Some(m) => {
                        Event::Message { agent_id: m.agent_id, executor_id: m.executor_id, data: m.data }
                    }
                    None => continue,
                },
                Some(event::Type::Failure) => match event.failure {
                    Some(event::Failure { agent_id, executor_id: Some(executor_id), status }) => {
                        Event::ExecutorLost { agent_id, executor_id, status }
                    }
                    Some(event::Failure { agent_id: Some(agent_id), executor_id: None, .. }) => {
                        Event::AgentLost(agent_id)
                    }
                    _ => continue,
                },
                Some(event::Type::Error) => {
                    let message = event.error.map(|e| e.message).unwrap_or_default();
                    let _ = events.send(Event::Error(message));
                    return StreamEnd::Error;
                }
                _ => continue,
            };
            if events.send(out).is_err() {
                return StreamEnd::Error;
            }
        }
    }
    if subscribed { StreamEnd::Subscribed } else { StreamEnd::Nothing }
}

impl Client {
    /// The framework's id, once subscribed.
    pub fn framework_id(&self) -> Option<FrameworkId> {
        lock(&self.session).framework_id.clone()
    }

    /// Sends a call as the subscribed framework (202 expected).
    pub async fn call(&self, mut call: Call) -> Result<(), Error> {
        let (master, stream_id, framework_id) = {
            let session = lock(&self.session);
            (session.master.clone(), session.stream_id.clone(), session.framework_id.clone())
        };
        let (Some(stream_id), Some(framework_id)) = (stream_id, framework_id) else {
            return Err(Error::NotSubscribed);
        };
        call.framework_id = Some(framework_id);
        let headers =
            [("Content-Type", PROTOBUF), ("Accept", PROTOBUF), ("Mesos-Stream-Id", stream_id.as_str())];
        let mut connection = self.connection.lock().await;
        if connection.as_ref().is_none_or(|c| c.address() != master) {
            *connection = Some(mesos_http::Connection::new(master));
        }
        let Some(connection) = connection.as_mut() else { return Err(Error::NotSubscribed) };
        let (status, body) = connection.post(PATH, &headers, Bytes::from(call.encode_to_vec())).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(Error::Refused { status: status.as_u16(), body: String::from_utf8_lossy(&body).into() })
        }
    }

    fn of(kind: call::Type) -> Call {
        Call { r#type: Some(kind as i32), ..Default::default() }
    }

    /// ACCEPT: applies `operations` to the offers; the rest is refused per `filters`.
    pub async fn accept(
        &self,
        offer_ids: Vec<OfferId>,
        operations: Vec<offer::Operation>,
        filters: Option<Filters>,
    ) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Accept);
        call.accept = Some(call::Accept { offer_ids, operations, filters });
        self.call(call).await
    }

    /// ACCEPT with one LAUNCH of `tasks`.
    pub async fn launch(
        &self,
        offer_ids: Vec<OfferId>,
        tasks: Vec<TaskInfo>,
        filters: Option<Filters>,
    ) -> Result<(), Error> {
        let launch = offer::Operation {
            r#type: Some(offer::operation::Type::Launch as i32),
            launch: Some(offer::operation::Launch { task_infos: tasks }),
            ..Default::default()
        };
        self.accept(offer_ids, vec![launch], filters).await
    }

    /// DECLINE.
    pub async fn decline(&self, offer_ids: Vec<OfferId>, filters: Option<Filters>) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Decline);
        call.decline = Some(call::Decline { offer_ids, filters });
        self.call(call).await
    }

    /// KILL.
    pub async fn kill(&self, task_id: TaskId, agent_id: Option<AgentId>) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Kill);
        call.kill = Some(call::Kill { task_id, agent_id, kill_policy: None });
        self.call(call).await
    }

    /// SHUTDOWN of an executor.
    pub async fn shutdown(&self, executor_id: ExecutorId, agent_id: AgentId) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Shutdown);
        call.shutdown = Some(call::Shutdown { executor_id, agent_id });
        self.call(call).await
    }

    /// ACKNOWLEDGE a status update (only reliable ones, with a uuid, need it).
    pub async fn acknowledge(&self, status: &TaskStatus) -> Result<(), Error> {
        let (Some(uuid), Some(agent_id)) = (status.uuid.clone(), status.agent_id.clone()) else {
            return Ok(());
        };
        let mut call = Self::of(call::Type::Acknowledge);
        call.acknowledge = Some(call::Acknowledge { agent_id, task_id: status.task_id.clone(), uuid });
        self.call(call).await
    }

    /// RECONCILE: the latest state of these tasks (all of them when empty), as updates.
    pub async fn reconcile(&self, tasks: Vec<(TaskId, Option<AgentId>)>) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Reconcile);
        call.reconcile = Some(call::Reconcile {
            tasks: tasks
                .into_iter()
                .map(|(task_id, agent_id)| call::reconcile::Task { task_id, agent_id })
                .collect(),
        });
        self.call(call).await
    }

    /// MESSAGE to an executor.
    pub async fn message(
        &self,
        agent_id: AgentId,
        executor_id: ExecutorId,
        data: Vec<u8>,
    ) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Message);
        call.message = Some(call::Message { agent_id, executor_id, data });
        self.call(call).await
    }

    /// SUPPRESS offers (for `roles`, or all of the framework's).
    pub async fn suppress(&self, roles: Vec<String>) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Suppress);
        call.suppress = Some(call::Suppress { roles });
        self.call(call).await
    }

    /// REVIVE offers and clear filters.
    pub async fn revive(&self, roles: Vec<String>) -> Result<(), Error> {
        let mut call = Self::of(call::Type::Revive);
        call.revive = Some(call::Revive { roles });
        self.call(call).await
    }

    /// TEARDOWN: the framework ends and its tasks are killed.
    pub async fn teardown(&self) -> Result<(), Error> {
        self.call(Self::of(call::Type::Teardown)).await
    }
}
