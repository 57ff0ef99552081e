//! `mesos-local`: a master and `--num_slaves` agents in one process, as Mesos' `mesos-local`.
//! With `--num_masters=N` (N > 1) the masters elect a leader through ZooKeeper: the one given
//! by `--zk`, or one started here from Debian's package (`<work_dir>/zookeeper`); the agents
//! follow the leader, so stopping it shows a failover.
//!
//! Every master and agent flag is known: master flags configure the master (`--port` is its
//! port, default 5050), agent flags every agent, and a Mesos flag either of them does not
//! support yet is refused as it would be there. Each agent gets its own work dir
//! (`<work_dir>/agents/<n>`) and runtime dir (`<work_dir>/agents/<n>/run`, as Mesos'
//! `mesos-local` does), an ephemeral HTTP port, and, unless `--resources` says otherwise, an
//! equal share of this machine's cpus, memory, disk and the ports 31000-32000.

use std::net::SocketAddr;
use std::path::PathBuf;

use mesos_flags::{FlagError, Flags, Spec};

/// Flags of `mesos-local` itself.
pub const LOCAL_SPECS: &[Spec] = &[
    Spec::value("num_slaves", Some("1"), "Number of agents to run").with_aliases(&["num_agents"]),
    Spec::value(
        "num_masters",
        Some("1"),
        "Number of masters; more than one elect a leader through ZooKeeper (--zk, or one started here)",
    ),
];

/// Every flag `mesos-local` accepts: its own, the master's and the agents'.
pub fn specs() -> Vec<Spec> {
    let mut specs: Vec<Spec> = LOCAL_SPECS.to_vec();
    for spec in mesos_master::flags::SPECS.iter().chain(mesos_agent::flags::SPECS) {
        if !specs.iter().any(|s| s.name == spec.name) {
            specs.push(*spec);
        }
    }
    specs
}

/// Why the cluster could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// A flag is wrong.
    #[error(transparent)]
    Flag(#[from] FlagError),
    /// The master did not start.
    #[error("the master did not start: {0}")]
    Master(String),
    /// The ZooKeeper server for several masters did not start.
    #[error("--num_masters needs ZooKeeper: {0}; or give --zk=zk://host:port/path")]
    ZooKeeper(String),
    /// An agent did not start.
    #[error("agent {index} did not start: {reason}")]
    Agent {
        /// Which one (1-based).
        index: usize,
        /// Why.
        reason: String,
    },
}

/// A running local cluster.
pub struct LocalCluster {
    /// The masters, in the order they started (the first one leads at first).
    pub masters: Vec<mesos_master::MasterHandle>,
    /// The agents, in order.
    pub agents: Vec<mesos_agent::AgentHandle>,
    /// Where everything keeps its state.
    pub work_dir: PathBuf,
    /// `zk://.../mesos` when there are several masters.
    pub zk: Option<String>,
    /// The ZooKeeper server started for them, if one was.
    pub zookeeper: Option<mesos_zookeeper::server::ZooKeeperServer>,
}

impl LocalCluster {
    /// The first master's address (the leader, unless it was stopped).
    pub fn master_addr(&self) -> SocketAddr {
        self.masters[0].addr
    }

    /// What to give `--master`: the ZooKeeper URL with several masters, else the address.
    pub fn master_url(&self) -> String {
        self.zk.clone().unwrap_or_else(|| self.master_addr().to_string())
    }

    /// The masters that lead now (one, between elections none).
    pub fn leaders(&self) -> impl Iterator<Item = &mesos_master::MasterHandle> {
        self.masters.iter().filter(|m| m.is_leading())
    }

    /// Waits until any master cannot go on, and says which and why.
    pub async fn failed(&self) -> String {
        let failures = self.masters.iter().enumerate().map(|(i, master)| {
            Box::pin(async move { format!("master {} ({}): {}", i + 1, master.addr, master.failed().await) })
        });
        futures_select_all(failures).await
    }

    /// Stops the agents, then the masters, then ZooKeeper.
    pub async fn stop(self) {
        for agent in self.agents {
            agent.stop().await;
        }
        for master in self.masters {
            master.stop().await;
        }
        drop(self.zookeeper);
    }
}

/// The first of `futures` to finish.
async fn futures_select_all<F: std::future::Future<Output = String> + Unpin>(
    futures: impl Iterator<Item = F>,
) -> String {
    let mut futures: Vec<F> = futures.collect();
    std::future::poll_fn(move |cx| {
        for future in &mut futures {
            if let std::task::Poll::Ready(reason) = std::pin::Pin::new(future).poll(cx) {
                return std::task::Poll::Ready(reason);
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// Starts a cluster from loaded flags (see [`specs`]).
pub async fn start(flags: &Flags) -> Result<LocalCluster, LocalError> {
    let count: usize = flags.parse::<usize>("num_slaves")?.unwrap_or(1).max(1);
    let num_masters: usize = flags.parse::<usize>("num_masters")?.unwrap_or(1);
    if num_masters == 0 {
        return Err(
            FlagError::Invalid { flag: "num_masters".into(), reason: "must be at least 1".into() }.into()
        );
    }
    let work_dir = PathBuf::from(flags.get("work_dir").unwrap_or("/tmp/mesos-local"));
    let ip = flags.get("ip").unwrap_or("127.0.0.1").to_string();
    let explicit = |specs: &[Spec]| -> Vec<String> {
        specs
            .iter()
            .filter(|spec| flags.is_explicit(spec.name))
            .filter_map(|spec| flags.get(spec.name).map(|value| format!("--{}={value}", spec.name)))
            .collect()
    };
    // Several masters need ZooKeeper, and (until the registry is replicated) each its own
    // in-memory registry.
    let (zookeeper, zk) = if num_masters > 1 {
        if flags.get("registry").is_some_and(|r| r != "in_memory") && flags.is_explicit("registry") {
            let reason = "several masters need the replicated registry, which mesos-rs does not have yet; \
                          leave --registry out (they use in_memory)";
            return Err(FlagError::Invalid { flag: "registry".into(), reason: reason.into() }.into());
        }
        match flags.get("zk") {
            Some(url) => (None, Some(url.to_string())),
            None => {
                let server = mesos_zookeeper::server::ZooKeeperServer::start(&work_dir.join("zookeeper"))
                    .map_err(|e| LocalError::ZooKeeper(e.to_string()))?;
                let url = format!("zk://{}/mesos", server.address());
                (Some(server), Some(url))
            }
        }
    } else {
        (None, None)
    };
    let first_port: u16 = flags.parse::<u16>("port")?.unwrap_or(5050);
    let mut masters = Vec::new();
    for index in 0..num_masters {
        let mut master_args = explicit(mesos_master::flags::SPECS);
        master_args.retain(|a| {
            !["--work_dir=", "--ip=", "--port=", "--zk=", "--registry="]
                .iter()
                .any(|prefix| a.starts_with(prefix))
        });
        let dir = if num_masters == 1 {
            work_dir.join("master")
        } else {
            work_dir.join(format!("master{}", index + 1))
        };
        master_args.push(format!("--work_dir={}", dir.display()));
        master_args.push(format!("--ip={ip}"));
        // Ports in a row from --port (all ephemeral with --port=0).
        let port = if first_port == 0 { 0 } else { first_port.saturating_add(index as u16) };
        master_args.push(format!("--port={port}"));
        if let Some(zk) = &zk {
            master_args.push(format!("--zk={zk}"));
            master_args.push("--registry=in_memory".to_string());
            if !flags.is_explicit("hostname") {
                master_args.push(format!("--hostname={ip}"));
            }
        } else if let Some(registry) = flags.get("registry").filter(|_| flags.is_explicit("registry")) {
            master_args.push(format!("--registry={registry}"));
        }
        let (_, master_flags) = mesos_master::flags::MasterFlags::load(master_args, std::iter::empty())?;
        let master =
            mesos_master::start(master_flags).await.map_err(|e| LocalError::Master(format!("{e:#}")))?;
        if index == 0 && zk.is_some() {
            // The first master leads: the others then contend behind it.
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
            while !master.is_leading() {
                if tokio::time::Instant::now() >= deadline {
                    return Err(LocalError::Master("the first master was not elected within 30 s".into()));
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
        masters.push(master);
    }
    let master_url = zk.clone().unwrap_or_else(|| masters[0].addr.to_string());
    let shares = resource_shares(count);
    let mut agents = Vec::new();
    for index in 1..=count {
        let mut args = explicit(mesos_agent::flags::SPECS);
        args.retain(|a| {
            !["--master=", "--port=", "--work_dir=", "--ip=", "--runtime_dir="]
                .iter()
                .any(|prefix| a.starts_with(prefix))
        });
        args.push(format!("--master={master_url}"));
        args.push("--port=0".to_string());
        args.push(format!("--ip={ip}"));
        let agent_dir = work_dir.join("agents").join(index.to_string());
        args.push(format!("--work_dir={}", agent_dir.display()));
        args.push(format!("--runtime_dir={}", agent_dir.join("run").display()));
        if !flags.is_explicit("resources") {
            args.push(format!("--resources={}", shares[index - 1]));
        }
        let (_, agent_flags) = mesos_agent::flags::AgentFlags::load(args, std::iter::empty())?;
        let agent = mesos_agent::start(agent_flags, index as u64)
            .await
            .map_err(|e| LocalError::Agent { index, reason: e.to_string() })?;
        agents.push(agent);
    }
    Ok(LocalCluster { masters, agents, work_dir, zk, zookeeper })
}

/// `count` equal shares of this machine: cpus, memory and disk as the agent would detect
/// them, divided; ports 31000-32000 split into disjoint ranges.
pub fn resource_shares(count: usize) -> Vec<String> {
    let detected = mesos_agent::flags::with_detected(
        mesos_types::Resources::default(),
        std::path::Path::new("/tmp"),
        "*",
    );
    let share = |name: &str| detected.scalar(name).to_f64() / count as f64;
    let span = 1001 / count.max(1);
    (0..count)
        .map(|i| {
            let begin = 31000 + i * span;
            let end = begin + span - 1;
            format!(
                "cpus:{:.2};mem:{};disk:{};ports:[{begin}-{end}]",
                share("cpus").max(0.01),
                share("mem").floor().max(32.0),
                share("disk").floor().max(32.0)
            )
        })
        .collect()
}
