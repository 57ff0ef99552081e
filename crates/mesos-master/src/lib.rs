//! The mesos-rs master process: flags, HTTP server, registry storage and the actor that drives
//! the sans-IO core in `mesos-master-core`. [`start`] runs a whole master inside the current
//! tokio runtime, which is what `main` and the end-to-end tests use.

pub mod driver;
pub mod endpoints;
pub mod flags;
pub mod http;
pub mod registrar;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context as _;
use mesos_master_core::{Config, Master};
use mesos_proto::v1::{Address, MasterInfo, master_info};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::flags::{MasterFlags, RegistryKind};
use crate::registrar::{FileStore, MemoryStore, RegistryStore};

/// A running master.
#[derive(Debug)]
pub struct MasterHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its MasterInfo.
    pub info: MasterInfo,
    /// Whether the registry can be written.
    pub registrar: Arc<registrar::Health>,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    /// Following the `--zk` election; its end closes the ZooKeeper session.
    election: Option<tokio::task::JoinHandle<()>>,
    leadership: watch::Receiver<http::Leadership>,
}

impl MasterHandle {
    /// Waits until the master cannot go on (its registry could not be written for
    /// `--registry_store_timeout`, or it lost the leadership) and returns why; the process
    /// should then exit.
    pub async fn failed(&self) -> String {
        self.registrar.fatal().await
    }

    /// Whether this master leads (a standalone one always does).
    pub fn is_leading(&self) -> bool {
        self.leadership.borrow().elected
    }

    /// Stops accepting connections and ends the master's tasks.
    pub async fn stop(self) {
        if let Some(election) = &self.election {
            election.abort();
        }
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
    }
}

/// Starts a master: binds the port and serves; leads at once when standalone, or contends in
/// the `--zk` group and, once elected, loads the registry and spawns the actor. Until then
/// it answers as a standby (redirects to the leader).
pub async fn start(flags: MasterFlags) -> anyhow::Result<MasterHandle> {
    let store: Box<dyn RegistryStore> = match &flags.registry {
        RegistryKind::Durable(dir) => Box::new(FileStore::new(dir).context("cannot use --work_dir")?),
        RegistryKind::InMemory => Box::new(MemoryStore),
    };
    let bind_ip = flags.ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let listener = TcpListener::bind(SocketAddr::new(bind_ip, flags.port))
        .await
        .with_context(|| format!("cannot listen on {bind_ip}:{} (flags --ip, --port)", flags.port))?;
    let local = listener.local_addr()?;
    let advertised_ip =
        flags.advertise_ip.or(flags.ip).filter(|ip| !ip.is_unspecified()).unwrap_or_else(guess_ip);
    let advertised_port = flags.advertise_port.unwrap_or(local.port());
    let hostname = match (&flags.hostname, flags.hostname_lookup) {
        (Some(name), _) => name.clone(),
        (None, true) => lookup_hostname().unwrap_or_else(|| advertised_ip.to_string()),
        (None, false) => advertised_ip.to_string(),
    };
    let id = uuid::Uuid::new_v4().to_string();
    let info = master_info(&id, advertised_ip, advertised_port, &hostname);

    let mut config = Config::with_defaults(info.clone());
    config.allocator = mesos_allocator::Config {
        allocation_interval: flags.allocation_interval,
        min_allocatable: flags.min_allocatable.clone(),
        fair_sharing_excluded: flags.fair_sharing_excluded.clone(),
        filter_gpu_resources: flags.filter_gpu_resources,
        role_sorter: flags.role_sorter,
        framework_sorter: flags.framework_sorter,
    };
    config.offer_timeout = flags.offer_timeout;
    config.agent_ping_timeout = flags.agent_ping_timeout;
    config.max_agent_ping_timeouts = flags.max_agent_ping_timeouts;
    config.agent_reregister_timeout = flags.agent_reregister_timeout;
    config.max_completed_frameworks = flags.max_completed_frameworks;
    config.max_completed_tasks_per_framework = flags.max_completed_tasks_per_framework;
    config.max_unreachable_tasks_per_framework = flags.max_unreachable_tasks_per_framework;
    config.role_whitelist = flags.roles.clone();
    config.initial_weights = flags.weights.clone();
    config.root_submissions = flags.root_submissions;
    config.registry_gc_interval = flags.registry_gc_interval;
    config.registry_max_agent_age = flags.registry_max_agent_age;
    config.registry_max_agent_count = flags.registry_max_agent_count;
    config.seed = rand_seed();
    // Checked before anything runs, so a bad --allocator fails the start rather than the
    // election.
    mesos_allocator::build(&flags.allocator, config.allocator.clone(), config.seed)
        .map_err(|reason| anyhow::anyhow!("--allocator: {reason}"))?;

    let (actor_tx, actor_rx) = mpsc::unbounded_channel();
    let registrar_health = Arc::new(registrar::Health::default());
    let leader = Leader {
        config,
        allocator: flags.allocator.clone(),
        store,
        fetch_timeout: flags.registry_fetch_timeout,
        store_timeout: flags.registry_store_timeout,
        actor_tx: actor_tx.clone(),
        actor_rx,
        health: registrar_health.clone(),
    };
    let (leadership_tx, leadership) = watch::channel(http::Leadership::default());
    let election = match flags.zk.clone() {
        None => {
            leader.lead().await?;
            leadership_tx.send_replace(http::Leadership {
                elected: true,
                leader: Some(info.clone()),
                problem: None,
            });
            None
        }
        Some(url) => {
            let mut election = mesos_election::Config::new(Some(info.clone()));
            election.session_timeout = flags.zk_session_timeout;
            tracing::info!(zk = %url, "contending for leadership");
            let events = mesos_zookeeper::spawn(url, election);
            Some(tokio::spawn(follow_election(events, leader, leadership_tx, registrar_health.clone())))
        }
    };

    let static_info = endpoints::StaticInfo {
        hostname: hostname.clone(),
        port: advertised_port,
        cluster: flags.cluster.clone(),
        flags: flags.raw.clone(),
        log_dir: flags.log_dir.as_ref().map(|p| p.display().to_string()),
        webui_dir: flags.webui_dir.clone(),
    };
    let shared = Arc::new(http::Shared::new(
        actor_tx,
        static_info,
        registrar_health.clone(),
        flags.http.max_body_bytes,
        leadership.clone(),
        info.clone(),
    ));
    let (shutdown, mut stopped) = watch::channel(false);
    let handler = move |request| {
        let shared = shared.clone();
        async move { http::handle(request, shared).await.unwrap_or_else(|never| match never {}) }
    };
    let stop = async move {
        let _ = stopped.changed().await;
    };
    let server = tokio::spawn(mesos_http::server::serve(listener, flags.http.clone(), handler, stop));
    tracing::info!(%local, %hostname, master_id = %id, "master listening");
    Ok(MasterHandle {
        addr: local,
        info,
        registrar: registrar_health,
        shutdown,
        server,
        election,
        leadership,
    })
}

/// What a master needs to start leading: its core's configuration, the registry's store,
/// and the actor's queue, which requests wait in until then.
struct Leader {
    config: Config,
    allocator: String,
    store: Box<dyn RegistryStore>,
    fetch_timeout: std::time::Duration,
    store_timeout: std::time::Duration,
    actor_tx: mpsc::UnboundedSender<driver::Command>,
    actor_rx: mpsc::UnboundedReceiver<driver::Command>,
    health: Arc<registrar::Health>,
}

impl Leader {
    /// Loads the registry and starts the registrar and the actor around a new core.
    async fn lead(self) -> anyhow::Result<()> {
        let (store, registry) = load_registry(self.store, self.fetch_timeout).await?;
        let allocator =
            mesos_allocator::build(&self.allocator, self.config.allocator.clone(), self.config.seed)
                .map_err(|reason| anyhow::anyhow!("--allocator: {reason}"))?;
        let master = Master::with_allocator(self.config, registry.clone(), driver::now(), allocator);
        let (registrar_tx, registrar_rx) = mpsc::unbounded_channel();
        let committed_tx = self.actor_tx;
        tokio::spawn(registrar::run(
            store,
            registry,
            registrar_rx,
            move |batch| {
                let _ = committed_tx.send(driver::Command::Committed(batch));
            },
            self.health,
            self.store_timeout,
        ));
        tokio::spawn(driver::run(master, self.actor_rx, registrar_tx));
        Ok(())
    }
}

/// Follows the election: publishes who leads, starts leading when elected, and makes the
/// master stop when it loses the leadership or detection fails (Mesos' master exits then, to
/// be restarted by its supervisor as a standby).
async fn follow_election(
    mut events: mpsc::UnboundedReceiver<mesos_zookeeper::Event>,
    leader: Leader,
    leadership: watch::Sender<http::Leadership>,
    health: Arc<registrar::Health>,
) {
    let mut leader = Some(leader);
    while let Some(event) = events.recv().await {
        match event {
            mesos_zookeeper::Event::Leader(info) => {
                tracing::info!(leader = ?info.as_ref().and_then(|i| i.pid.as_deref()), "detected the leading master");
                leadership.send_modify(|l| l.leader = info);
            }
            mesos_zookeeper::Event::Unreachable(problem) => {
                leadership.send_modify(|l| l.problem = Some(problem));
            }
            mesos_zookeeper::Event::Reachable => {
                leadership.send_modify(|l| l.problem = None);
            }
            mesos_zookeeper::Event::Elected => {
                let Some(starting) = leader.take() else { continue };
                tracing::info!("elected leader; recovering the registry");
                match starting.lead().await {
                    Ok(()) => {
                        leadership.send_modify(|l| l.elected = true);
                    }
                    Err(error) => {
                        health.set_fatal(format!("elected, but cannot lead: {error:#}"));
                        return;
                    }
                }
            }
            mesos_zookeeper::Event::LostLeadership => {
                health.set_fatal("lost the leadership (its ZooKeeper membership ended)".to_string());
                return;
            }
            mesos_zookeeper::Event::Failed(reason) => {
                health.set_fatal(format!("leader detection failed (--zk): {reason}"));
                return;
            }
        }
    }
}

/// Loads the registry, failing after `timeout` (`--registry_fetch_timeout`) as Mesos' registrar
/// does. The read runs on its own thread: a store that hangs (a stuck network filesystem)
/// must not hang the startup, and that thread is left behind when the master gives up.
async fn load_registry(
    store: Box<dyn RegistryStore>,
    timeout: std::time::Duration,
) -> anyhow::Result<(Box<dyn RegistryStore>, mesos_registry::Registry)> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("registry-fetch".to_string())
        .spawn(move || {
            let loaded = store.load();
            let _ = tx.send((store, loaded));
        })
        .context("cannot start the registry read")?;
    match tokio::time::timeout(timeout, rx).await {
        Ok(Ok((store, loaded))) => Ok((store, loaded.context("cannot load the registry")?)),
        Ok(Err(_)) => anyhow::bail!("cannot load the registry: the read ended without an answer"),
        Err(_) => anyhow::bail!(
            "Failed to recover registrar: Failed to perform fetch within {} (--registry_fetch_timeout)",
            mesos_flags::format_duration(timeout)
        ),
    }
}

fn master_info(id: &str, ip: IpAddr, port: u16, hostname: &str) -> MasterInfo {
    // MasterInfo.ip is the IPv4 address in network byte order read as a host integer.
    let packed = match ip {
        IpAddr::V4(v4) => u32::from_le_bytes(v4.octets()),
        IpAddr::V6(_) => 0,
    };
    MasterInfo {
        id: id.to_string(),
        ip: packed,
        port: u32::from(port),
        pid: Some(format!("master@{ip}:{port}")),
        hostname: Some(hostname.to_string()),
        version: Some(endpoints::MESOS_VERSION.to_string()),
        address: Some(Address {
            hostname: Some(hostname.to_string()),
            ip: Some(ip.to_string()),
            port: i32::from(port),
        }),
        // Only what this master does: agents may re-register with changed AgentInfo.
        // AGENT_DRAINING and QUOTA_V2 come with draining and quota.
        capabilities: [master_info::capability::Type::AgentUpdate]
            .into_iter()
            .map(|t| master_info::Capability { r#type: Some(t as i32) })
            .collect(),
        ..Default::default()
    }
}

/// The address other hosts most likely reach us at: the source address of a route to a
/// public address (no packet is sent), else loopback.
fn guess_ip() -> IpAddr {
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|socket| {
            socket.connect("192.0.2.1:9")?;
            socket.local_addr()
        })
        .map(|addr| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

fn lookup_hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn rand_seed() -> u64 {
    let nanos = driver::now().as_nanos();
    nanos ^ u64::from(std::process::id()).rotate_left(32)
}
