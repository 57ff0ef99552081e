//! The mesos-rs agent process: the tokio shell around [`mesos_agent_core::AgentCore`]. It
//! keeps the registration stream to the master, serves the executor API and the agent's
//! endpoints, launches executors' containers, checkpoints what the core asks it to, and
//! garbage-collects finished sandboxes.

pub mod checkpoint;
pub mod containers;
pub mod executor_http;
pub mod files;
pub mod flags;
pub mod gc;
pub mod http;
pub mod state;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use mesos_agent_core::executors::ExecutorCallError;
use mesos_agent_core::{AgentConfig, AgentCore, Output, Registration};
use mesos_proto::convert::{ResourceFormat, resources_to_proto};
use mesos_proto::internal::{AgentCall, AgentEvent};
use mesos_proto::recordio::RecordIoDecoder;
use mesos_proto::v1::{AgentInfo, Attribute, value};
use mesos_types::{AttributeValue, Attributes, Time};
use prost::Message;
use tokio::sync::{mpsc, oneshot, watch};

use crate::containers::{Containerizer, PosixContainerizer};

use crate::flags::{AgentFlags, MasterSource};

const PROTOBUF: &str = "application/x-protobuf";

/// Capabilities this agent advertises to the master.
pub const CAPABILITIES: &[&str] = &["MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT"];

/// A running agent.
#[derive(Debug)]
pub struct AgentHandle {
    /// Where its HTTP endpoints listen.
    pub addr: std::net::SocketAddr,
    server: tokio::task::JoinHandle<()>,
    /// Registration state as last seen by the driver.
    pub registration: watch::Receiver<(Option<String>, bool)>,
    stop: mpsc::UnboundedSender<Input>,
    task: tokio::task::JoinHandle<()>,
    /// Following the leader of `--master=zk://`; its end closes the ZooKeeper session.
    detector: Option<tokio::task::JoinHandle<()>>,
}

impl AgentHandle {
    /// Stops the agent (its registration stream closes; the master sees it disconnect).
    pub async fn stop(self) {
        if let Some(detector) = &self.detector {
            detector.abort();
        }
        let _ = self.stop.send(Input::Stop);
        let _ = self.task.await;
        self.server.abort();
        let _ = self.server.await;
    }

    /// Waits until the agent is registered and returns its id.
    pub async fn registered(&mut self, wait: Duration) -> Option<String> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let (Some(id), true) = self.registration.borrow().clone() {
                return Some(id);
            }
            tokio::time::timeout_at(deadline, self.registration.changed()).await.ok()?.ok()?;
        }
    }
}

/// What the driver reacts to.
pub enum Input {
    /// An event on registration stream `generation`.
    Event(u64, Box<AgentEvent>),
    /// The registration stream `generation` opened with this stream id.
    StreamOpened(u64, String),
    /// The registration stream `generation` ended.
    StreamClosed(u64),
    /// The master to register with is now this `host:port` (or none is known).
    MasterChanged(Option<String>),
    /// Stop the agent (executors keep running).
    Stop,
    /// An executor's SUBSCRIBE; on success the reply carries its connection number and the
    /// events go to `events`.
    ExecutorSubscribe {
        /// The call.
        call: Box<mesos_proto::v1::executor::Call>,
        /// Where its events go.
        events: mpsc::UnboundedSender<mesos_proto::v1::executor::Event>,
        /// The answer.
        reply: oneshot::Sender<Result<u64, ExecutorCallError>>,
    },
    /// An executor's UPDATE or MESSAGE.
    ExecutorCall {
        /// The call.
        call: Box<mesos_proto::v1::executor::Call>,
        /// The answer.
        reply: oneshot::Sender<Result<(), ExecutorCallError>>,
    },
    /// An executor's event stream went away.
    ExecutorStreamClosed(u64),
    /// A container ended (or never started).
    ContainerEnded(String, containers::ContainerEnd),
    /// A question about the agent's frameworks, executors and tasks (for `/state`,
    /// `/containers`, `/monitor/statistics`).
    Query(Question),
}

/// A read-only question for the driver to answer from the core and the containers.
pub type Question = Box<dyn FnOnce(&AgentCore, &Containers) + Send>;

/// The running containers' handles, by container id.
pub type Containers = std::collections::BTreeMap<String, containers::ContainerHandle>;

/// Why the agent could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The work dir's checkpoint is unusable.
    #[error(transparent)]
    Checkpoint(#[from] checkpoint::CheckpointError),
    /// `--runtime_dir` could not be created.
    #[error("cannot create --runtime_dir {path}: {source}")]
    RuntimeDir {
        /// The directory.
        path: std::path::PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The HTTP port could not be bound.
    #[error("cannot listen on {addr} (flags --ip, --port): {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// The error.
        source: std::io::Error,
    },
}

/// Starts the agent in the current tokio runtime: binds its HTTP port, then registers. Fails
/// if the port is taken or the work dir's checkpoint belongs to an agent with different
/// resources or attributes (Mesos' `equal` reconfiguration policy).
pub async fn start(flags: AgentFlags, seed: u64) -> Result<AgentHandle, StartError> {
    let ip = flags.ip.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let bind = std::net::SocketAddr::new(ip, flags.port);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| StartError::Listen { addr: bind, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: bind, source })?;
    let flags = AgentFlags { port: addr.port(), ..flags };
    std::fs::create_dir_all(&flags.runtime_dir)
        .map_err(|source| StartError::RuntimeDir { path: flags.runtime_dir.clone(), source })?;
    // What the master and tools are told; executors, on this host, use the bound address.
    let advertised_ip = flags.advertise_ip.unwrap_or(ip);
    let advertised_port = flags.advertise_port.unwrap_or(flags.port);
    let hostname = match (&flags.hostname, flags.hostname_lookup) {
        (Some(name), _) => name.clone(),
        (None, true) => std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|s| s.trim().to_string())
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| advertised_ip.to_string()),
        (None, false) => advertised_ip.to_string(),
    };
    let info = AgentInfo {
        hostname,
        port: Some(i32::from(advertised_port)),
        resources: resources_to_proto(&flags.resources, ResourceFormat::CANONICAL),
        attributes: attributes_to_proto(&flags.attributes),
        ..Default::default()
    };
    let endpoint = format!("{ip}:{}", flags.port);
    let config = AgentConfig {
        info,
        pid: format!("slave(1)@{}", std::net::SocketAddr::new(advertised_ip, advertised_port)),
        version: env!("CARGO_PKG_VERSION").to_string(),
        capabilities: CAPABILITIES.iter().map(|c| c.to_string()).collect(),
        registration_backoff_factor: flags.registration_backoff_factor,
        seed,
        checkpointed_resources: Vec::new(),
        work_dir: flags.work_dir.display().to_string(),
        launcher_dir: flags.launcher_dir.display().to_string(),
        endpoint,
        executor_registration_timeout: flags.executor_registration_timeout,
        executor_shutdown_grace_period: flags.executor_shutdown_grace_period,
        recovery_timeout: flags.recovery_timeout,
        executor_reregistration_timeout: flags.executor_reregistration_timeout,
        switch_user: flags.switch_user,
        executor_environment_variables: flags.executor_environment_variables.clone(),
    };
    let meta = checkpoint::Meta::new(&flags.work_dir);
    let recovered = meta.recover(&config.info)?;
    let mut config = config;
    config.checkpointed_resources = meta.checkpointed_resources()?;
    let (inputs_tx, inputs_rx) = mpsc::unbounded_channel();
    let view = std::sync::Arc::new(http::AgentView {
        driver: inputs_tx.clone(),
        pid: config.pid.clone(),
        hostname: config.info.hostname.clone(),
        resources: flags.resources.clone(),
        attributes: flags.attributes.clone(),
        flags: flags.raw.clone(),
        start_time: now(),
        start_wall_time: mesos_runtime::clock::wall_now(),
        id: std::sync::Mutex::new(recovered.clone()),
        registered: std::sync::Mutex::new(false),
        master_hostname: std::sync::Mutex::new(None),
        files: files::Files::new(),
        work_dir: flags.work_dir.display().to_string(),
        reported: state::Reported::from_isolation(&flags.isolation),
    });
    if let Some(dir) = &flags.log_dir {
        view.files.attach("/slave/log", dir);
    }
    let server = tokio::spawn(serve(listener, view.clone(), flags.http.clone()));
    let mut core = AgentCore::new(config, recovered.clone());
    let fetcher = mesos_containerizer::fetcher::Fetcher {
        frameworks_home: flags.frameworks_home.clone(),
        cache: Some((flags.fetcher_cache_dir.clone(), flags.fetcher_cache_size)),
        timeout: Some(Duration::from_secs(600)),
    };
    let containerizer: Box<dyn Containerizer> = Box::new(PosixContainerizer::new(
        fetcher,
        flags.executor_environment_variables.is_none(),
        Some(flags.runtime_dir.clone()),
    ));
    let mut containers = Containers::new();
    if let Some(agent_id) = &recovered {
        let state = meta.recover_state(agent_id, flags.strict)?;
        for framework in &state {
            for executor in framework.executors.iter().filter(|e| e.alive) {
                view.files.attach(&executor.directory, std::path::Path::new(&executor.directory));
                let framework_id = framework.info.id.as_ref().map(|id| id.value.clone()).unwrap_or_default();
                let path = meta.pid_path(agent_id, &framework_id, &executor.info.executor_id.value);
                let (pid, start) = read_pid_file(&path);
                let inputs = inputs_tx.clone();
                let id = executor.container_id.clone();
                let ended = Box::new(move |end| {
                    let _ = inputs.send(Input::ContainerEnded(id, end));
                });
                containers.insert(executor.container_id.clone(), containerizer.recover(pid, start, ended));
            }
        }
        let executors: usize = state.iter().map(|f| f.executors.len()).sum();
        tracing::info!(executors, mode = ?flags.recover, "recovered checkpointed executors");
        core.recover(now(), state, flags.recover);
    }
    forget_dead_containers(&flags.runtime_dir, &containers);
    if let Err(error) = meta.record_boot_id() {
        tracing::warn!("cannot record the boot id: {error}");
    }
    let (state_tx, state_rx) = watch::channel((None, false));
    let detector = match &flags.master {
        MasterSource::Address(_) => None,
        MasterSource::ZooKeeper(url) => {
            Some(tokio::spawn(follow_leader(url.clone(), flags.zk_session_timeout, inputs_tx.clone())))
        }
    };
    let shell = Shell {
        meta,
        view,
        master: match &flags.master {
            MasterSource::Address(address) => Some(address.clone()),
            MasterSource::ZooKeeper(_) => None,
        },
        inputs: inputs_tx.clone(),
        containerizer,
        containers,
        gc: gc::SandboxGc::new(&flags),
        runtime_dir: flags.runtime_dir.clone(),
    };
    let task = tokio::spawn(drive(core, shell, inputs_rx, state_tx));
    Ok(AgentHandle { addr, server, registration: state_rx, stop: inputs_tx, task, detector })
}

/// Tells the driver where the leading master is whenever ZooKeeper says another leads.
async fn follow_leader(
    url: mesos_election::ZkUrl,
    session_timeout: Duration,
    inputs: mpsc::UnboundedSender<Input>,
) {
    let (mut leader, detector) = mesos_zookeeper::follow_leader(url, session_timeout);
    while leader.changed().await.is_ok() {
        let address = leader.borrow_and_update().clone();
        if inputs.send(Input::MasterChanged(address)).is_err() {
            break;
        }
    }
    detector.abort();
}

/// Serves the agent's endpoints and the executor API under the `--http_*` limits until the
/// server task is aborted (which closes every connection too).
async fn serve(
    listener: tokio::net::TcpListener,
    view: std::sync::Arc<http::AgentView>,
    limits: mesos_http::server::Limits,
) {
    let max_body_bytes = limits.max_body_bytes;
    let handler = move |request: hyper::Request<hyper::body::Incoming>| {
        let view = view.clone();
        async move {
            let path = request.uri().path();
            if path == "/api/v1/executor" || path == "/slave(1)/api/v1/executor" {
                executor_http::handle(request, view.driver.clone(), max_body_bytes).await
            } else {
                http::handle(request, view).await
            }
        }
    };
    mesos_http::server::serve(listener, limits, handler, std::future::pending()).await;
}

fn set<T>(slot: &std::sync::Mutex<T>, value: T) {
    match slot.lock() {
        Ok(mut guard) => *guard = value,
        Err(poisoned) => *poisoned.into_inner() = value,
    }
}

/// The core's [`Time`]: monotonic, anchored to the wall clock at start
/// ([`mesos_runtime::clock`]), so a clock step neither fires nor stalls timers.
pub(crate) fn now() -> Time {
    mesos_runtime::clock::now()
}

/// What the driver owns besides the core.
struct Shell {
    meta: checkpoint::Meta,
    view: std::sync::Arc<http::AgentView>,
    /// The master to talk to: fixed, or the leader once detected.
    master: Option<String>,
    inputs: mpsc::UnboundedSender<Input>,
    containerizer: Box<dyn Containerizer>,
    containers: Containers,
    gc: gc::SandboxGc,
    runtime_dir: std::path::PathBuf,
}

/// Removes the `--runtime_dir` records of containers that are not running any more (they
/// ended while the agent was down).
fn forget_dead_containers(runtime_dir: &std::path::Path, live: &Containers) {
    let Ok(entries) = std::fs::read_dir(runtime_dir.join("containers")) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !live.contains_key(name.to_string_lossy().as_ref()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `pid start_time` of a recovered executor (zeros if unreadable: then it is not alive).
fn read_pid_file(path: &std::path::Path) -> (u32, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().unwrap_or(0));
    let pid = parts.next().unwrap_or(0);
    (u32::try_from(pid).unwrap_or(0), parts.next().unwrap_or(0))
}

async fn drive(
    mut core: AgentCore,
    shell: Shell,
    mut inputs: mpsc::UnboundedReceiver<Input>,
    state: watch::Sender<(Option<String>, bool)>,
) {
    let Shell {
        meta,
        view,
        mut master,
        inputs: inputs_tx,
        containerizer,
        mut containers,
        mut gc,
        runtime_dir,
    } = shell;
    core.start(now());
    // The current stream: its generation (to ignore events of replaced streams), its id and
    // the task reading it.
    let mut generation = 0u64;
    let mut stream_id: Option<String> = None;
    let mut reader: Option<tokio::task::JoinHandle<()>> = None;
    let mut executor_streams: std::collections::BTreeMap<u64, mpsc::UnboundedSender<_>> =
        std::collections::BTreeMap::new();
    let mut next_connection = 0u64;
    let master_calls = MasterCalls::start();
    // Pid files of checkpointing executors about to launch, by container id.
    let mut pid_files: std::collections::BTreeMap<String, std::path::PathBuf> =
        std::collections::BTreeMap::new();
    loop {
        // Timestamps the core stamps are wall time; its timers are not (see mesos_runtime::clock).
        core.set_wall_clock(now(), mesos_runtime::clock::wall_now());
        while let Some(output) = core.poll_output() {
            match output {
                Output::OpenStream(call) => {
                    if let Some(old) = reader.take() {
                        old.abort();
                    }
                    generation += 1;
                    stream_id = None;
                    match &master {
                        Some(address) => {
                            let stream = read_stream(address.clone(), *call, generation, inputs_tx.clone());
                            reader = Some(tokio::spawn(stream));
                        }
                        // No master to register with yet: the attempt fails and is retried
                        // with the core's backoff, by when one may be known.
                        None => {
                            let _ = inputs_tx.send(Input::StreamClosed(generation));
                        }
                    }
                }
                Output::CloseStream => {
                    if let Some(old) = reader.take() {
                        old.abort();
                    }
                    stream_id = None;
                }
                Output::Send(call) => {
                    if let (Some(id), Some(address)) = (stream_id.clone(), &master) {
                        master_calls.send(*call, id, address);
                    }
                }
                Output::CheckpointAgent { agent_id, info } => {
                    if let Err(error) = meta.checkpoint_agent(&agent_id, &info) {
                        // Without the checkpoint a restart registers a new agent; say so loudly.
                        tracing::error!("cannot checkpoint the agent id: {error}");
                    }
                }
                Output::CheckpointResources(resources) => {
                    if let Err(error) = meta.checkpoint_resources(&resources) {
                        tracing::error!("cannot checkpoint reservations and volumes: {error}");
                    }
                }
                Output::CheckpointUpdate { key, executor_id, record } => {
                    let written = match core.agent_id() {
                        Some(agent_id) => meta.append_update(agent_id, &key.0, &executor_id, &key.1, &record),
                        None => Ok(()),
                    };
                    if let Err(error) = &written {
                        tracing::error!(task = %key.1, "cannot checkpoint a status update: {error}");
                    }
                    // The core acknowledges an update to its executor, and moves a stream past
                    // an acknowledgement, only once the record is durable.
                    match &record {
                        mesos_agent_core::status_updates::Record::Update(status) => {
                            let uuid = status.uuid.clone().unwrap_or_default();
                            core.update_checkpointed(now(), &key, &uuid, written.is_ok());
                        }
                        mesos_agent_core::status_updates::Record::Ack(uuid) => {
                            core.ack_checkpointed(now(), &key, uuid, written.is_ok());
                        }
                    }
                }
                Output::CheckpointFramework(info) => {
                    if let Some(agent_id) = core.agent_id()
                        && let Err(error) = meta.checkpoint_framework(agent_id, &info)
                    {
                        tracing::error!("cannot checkpoint a framework: {error}");
                    }
                }
                Output::CheckpointExecutor { framework_id, info, kind, container_id, directory } => {
                    let record = checkpoint::ExecutorCheckpoint::new(*info, kind, container_id, directory);
                    if let Some(agent_id) = core.agent_id()
                        && let Err(error) = meta.checkpoint_executor(agent_id, &framework_id, &record)
                    {
                        tracing::error!("cannot checkpoint an executor: {error}");
                    }
                    if let Some(agent_id) = core.agent_id() {
                        pid_files.insert(
                            record.container_id.clone(),
                            meta.pid_path(agent_id, &framework_id, &record.info.executor_id.value),
                        );
                    }
                }
                Output::CheckpointTask { framework_id, executor_id, task } => {
                    if let Some(agent_id) = core.agent_id()
                        && let Err(error) = meta.checkpoint_task(agent_id, &framework_id, &executor_id, &task)
                    {
                        tracing::error!("cannot checkpoint a task: {error}");
                    }
                }
                Output::ExecutorRemoved { framework_id, executor_id } => {
                    if let Some(agent_id) = core.agent_id() {
                        meta.remove_executor(agent_id, &framework_id, &executor_id);
                    }
                }
                Output::LaunchContainer(launch) => {
                    let container_id = launch.container_id.clone();
                    view.files.attach(&launch.directory, std::path::Path::new(&launch.directory));
                    gc.unschedule(&launch.directory);
                    let inputs = inputs_tx.clone();
                    let id = container_id.clone();
                    let ended = Box::new(move |end| {
                        let _ = inputs.send(Input::ContainerEnded(id, end));
                    });
                    let pid_file = pid_files.remove(&container_id);
                    containers.insert(container_id, containerizer.launch(*launch, pid_file, ended));
                }
                Output::DestroyContainer { container_id } => {
                    if let Some(handle) = containers.get(&container_id) {
                        handle.destroy();
                    }
                }
                Output::ToExecutor { connection, event } => {
                    if let Some(events) = executor_streams.get(&connection) {
                        let _ = events.send(*event);
                    }
                }
                Output::CloseExecutorStream { connection } => {
                    executor_streams.remove(&connection);
                }
                Output::ExecutorTerminated { framework_id, executor_id, container_id } => {
                    containers.remove(&container_id);
                    let _ = std::fs::remove_dir_all(containers::runtime_path(&runtime_dir, &container_id));
                    if let Some(agent_id) = core.agent_id() {
                        let directory = format!(
                            "{}/slaves/{agent_id}/frameworks/{framework_id}/executors/{executor_id}/runs/{container_id}",
                            view.work_dir
                        );
                        gc.schedule(&directory, now());
                    }
                }
                Output::Shutdown(message) => {
                    tracing::warn!(%message, "the master asked this agent to shut down");
                    // Its executors were destroyed just before; a restart starts afresh.
                    meta.forget_agent();
                    if let Some(old) = reader.take() {
                        old.abort();
                    }
                    let _ = state.send((core.agent_id().map(String::from), false));
                    return;
                }
            }
        }
        let registered = matches!(core.registration(), Registration::Registered(_));
        set(&view.id, core.agent_id().map(String::from));
        set(&view.registered, registered);
        let master_hostname = match core.registration() {
            Registration::Registered(info) => info.hostname.clone(),
            _ => None,
        };
        set(&view.master_hostname, master_hostname);
        state.send_if_modified(|current| {
            let next = (core.agent_id().map(String::from), registered);
            if *current != next {
                *current = next;
                true
            } else {
                false
            }
        });
        let next = [core.poll_timeout(), Some(gc.next_check())].into_iter().flatten().min();
        let wait = next.map_or(Duration::from_secs(3600), |at| at.saturating_since(now()));
        tokio::select! {
            input = inputs.recv() => match input {
                None | Some(Input::Stop) => {
                    if let Some(old) = reader.take() {
                        old.abort();
                    }
                    return;
                }
                Some(Input::StreamOpened(g, id)) if g == generation => stream_id = Some(id),
                Some(Input::Event(g, event)) if g == generation => core.stream_event(now(), *event),
                Some(Input::StreamClosed(g)) if g == generation => {
                    stream_id = None;
                    reader = None;
                    core.stream_closed(now());
                }
                Some(Input::MasterChanged(address)) => {
                    if address != master {
                        tracing::info!(master = ?address, "registering with the new master");
                        master = address;
                        // Whatever stream there was leads to the old master: end it, and the
                        // core registers again with the new one.
                        if let Some(old) = reader.take() {
                            old.abort();
                        }
                        generation += 1;
                        stream_id = None;
                        if master.is_some() {
                            core.new_master(now());
                        }
                    }
                }
                Some(Input::ExecutorSubscribe { call, events, reply }) => {
                    next_connection += 1;
                    let connection = next_connection;
                    executor_streams.insert(connection, events);
                    let result = core.executor_subscribe(now(), connection, *call);
                    if result.is_err() {
                        executor_streams.remove(&connection);
                    }
                    let _ = reply.send(result.map(|()| connection));
                }
                Some(Input::ExecutorCall { call, reply }) => {
                    let _ = reply.send(core.executor_call(now(), *call));
                }
                Some(Input::ExecutorStreamClosed(connection)) => {
                    if executor_streams.remove(&connection).is_some() {
                        core.executor_stream_closed(connection);
                    }
                }
                Some(Input::ContainerEnded(container_id, end)) => match end {
                    containers::ContainerEnd::LaunchFailed(message) => {
                        tracing::warn!(%container_id, "container launch failed: {message}");
                        core.container_launch_failed(now(), &container_id, &message);
                    }
                    containers::ContainerEnd::Exited(status) => core.container_exited(now(), &container_id, status),
                },
                Some(Input::Query(query)) => query(&core, &containers),
                Some(_) => {}
            },
            () = tokio::time::sleep(wait) => {
                core.handle_timeout(now());
                for path in gc.collect(now()) {
                    view.files.detach(&path);
                }
            }
        }
    }
}

/// POSTs the registration call and feeds the events of its stream back to the driver.
async fn read_stream(master: String, call: AgentCall, generation: u64, inputs: mpsc::UnboundedSender<Input>) {
    let result = async {
        let response = post(&master, &call).await?;
        if response.status() != 200 {
            let status = response.status();
            let body = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            anyhow::bail!("master answered {status}: {}", String::from_utf8_lossy(&body));
        }
        let id =
            response.headers().get("mesos-stream-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let _ = inputs.send(Input::StreamOpened(generation, id));
        let mut body = response.into_body();
        let mut decoder = RecordIoDecoder::new();
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame?.into_data() else { continue };
            for record in decoder.decode(&data)? {
                let event = AgentEvent::decode(record.as_ref())?;
                let _ = inputs.send(Input::Event(generation, Box::new(event)));
            }
        }
        Ok(())
    }
    .await;
    if let Err(error) = result {
        tracing::info!(%master, "registration stream ended: {error:#}");
    }
    let _ = inputs.send(Input::StreamClosed(generation));
}

/// Connections kept open to the master for calls. Calls about one framework always take the
/// same connection, so the master sees them in the order the agent sent them (a task's
/// terminal update before its executor's exit); other frameworks' calls do not wait behind
/// them.
const MASTER_CONNECTIONS: usize = 4;

/// The agent's calls to the master, sent in order per framework on kept-open connections.
struct MasterCalls {
    lanes: Vec<mpsc::UnboundedSender<(AgentCall, String, String)>>,
}

impl MasterCalls {
    fn start() -> MasterCalls {
        let lanes = (0..MASTER_CONNECTIONS)
            .map(|_| {
                let (tx, mut rx) = mpsc::unbounded_channel::<(AgentCall, String, String)>();
                tokio::spawn(async move {
                    let mut connection: Option<mesos_http::Connection> = None;
                    while let Some((call, stream_id, master)) = rx.recv().await {
                        // A new leader gets a new connection.
                        let connection = match &mut connection {
                            Some(open) if open.address() == master => open,
                            slot => slot.insert(mesos_http::Connection::new(master)),
                        };
                        let headers = [
                            ("Content-Type", PROTOBUF),
                            ("Accept", PROTOBUF),
                            ("Mesos-Stream-Id", stream_id.as_str()),
                        ];
                        match connection.post(AGENT_API, &headers, Bytes::from(call.encode_to_vec())).await {
                            Ok((status, _)) if status == 202 => {}
                            Ok((status, body)) => tracing::info!(
                                master = connection.address(),
                                %status,
                                "the master refused a call: {}",
                                String::from_utf8_lossy(&body)
                            ),
                            Err(error) => tracing::info!("call to the master failed: {error}"),
                        }
                    }
                });
                tx
            })
            .collect();
        MasterCalls { lanes }
    }

    fn send(&self, call: AgentCall, stream_id: String, master: &str) {
        let framework = call
            .status_update
            .as_ref()
            .map(|u| u.framework_id.value.as_str())
            .or(call.executor_exited.as_ref().map(|e| e.framework_id.value.as_str()))
            .or(call.executor_message.as_ref().map(|m| m.framework_id.value.as_str()))
            .unwrap_or("");
        let lane = framework.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(usize::from(b)));
        let _ = self.lanes[lane % self.lanes.len()].send((call, stream_id, master.to_string()));
    }
}

const AGENT_API: &str = "/master/api/v1/agent";

async fn post(master: &str, call: &AgentCall) -> anyhow::Result<hyper::Response<hyper::body::Incoming>> {
    let headers = [("Content-Type", PROTOBUF), ("Accept", PROTOBUF)];
    Ok(mesos_http::Connection::new(master.to_string())
        .post_streaming(AGENT_API, &headers, Bytes::from(call.encode_to_vec()))
        .await?)
}

fn attributes_to_proto(attributes: &Attributes) -> Vec<Attribute> {
    attributes
        .iter()
        .map(|attribute| {
            let mut out = Attribute { name: attribute.name.clone(), ..Default::default() };
            match &attribute.value {
                AttributeValue::Scalar(scalar) => {
                    out.r#type = value::Type::Scalar as i32;
                    out.scalar = Some(value::Scalar { value: scalar.to_f64() });
                }
                AttributeValue::Ranges(ranges) => {
                    out.r#type = value::Type::Ranges as i32;
                    out.ranges = Some(value::Ranges {
                        range: ranges.iter().map(|(begin, end)| value::Range { begin, end }).collect(),
                    });
                }
                AttributeValue::Text(text) => {
                    out.r#type = value::Type::Text as i32;
                    out.text = Some(value::Text { value: text.clone() });
                }
            }
            out
        })
        .collect()
}
