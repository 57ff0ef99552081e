//! `mesos-local`: a master and `--num_slaves` agents in one process, as Mesos' `mesos-local`.
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
pub const LOCAL_SPECS: &[Spec] =
    &[Spec::value("num_slaves", Some("1"), "Number of agents to run").with_aliases(&["num_agents"])];

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
    /// The master.
    pub master: mesos_master::MasterHandle,
    /// The agents, in order.
    pub agents: Vec<mesos_agent::AgentHandle>,
    /// Where everything keeps its state.
    pub work_dir: PathBuf,
}

impl LocalCluster {
    /// The master's address.
    pub fn master_addr(&self) -> SocketAddr {
        self.master.addr
    }

    /// Stops the agents, then the master.
    pub async fn stop(self) {
        for agent in self.agents {
            agent.stop().await;
        }
        self.master.stop().await;
    }
}

/// Starts a cluster from loaded flags (see [`specs`]).
pub async fn start(flags: &Flags) -> Result<LocalCluster, LocalError> {
    let count: usize = flags.parse::<usize>("num_slaves")?.unwrap_or(1).max(1);
    let work_dir = PathBuf::from(flags.get("work_dir").unwrap_or("/tmp/mesos-local"));
    let ip = flags.get("ip").unwrap_or("127.0.0.1").to_string();
    let explicit = |specs: &[Spec]| -> Vec<String> {
        specs
            .iter()
            .filter(|spec| flags.is_explicit(spec.name))
            .filter_map(|spec| flags.get(spec.name).map(|value| format!("--{}={value}", spec.name)))
            .collect()
    };
    let mut master_args = explicit(mesos_master::flags::SPECS);
    master_args.retain(|a| !a.starts_with("--work_dir=") && !a.starts_with("--ip="));
    master_args.push(format!("--work_dir={}", work_dir.join("master").display()));
    master_args.push(format!("--ip={ip}"));
    if !flags.is_explicit("port") {
        master_args.push("--port=5050".to_string());
    }
    let (_, master_flags) = mesos_master::flags::MasterFlags::load(master_args, std::iter::empty())?;
    let master = mesos_master::start(master_flags).await.map_err(|e| LocalError::Master(format!("{e:#}")))?;
    let shares = resource_shares(count);
    let mut agents = Vec::new();
    for index in 1..=count {
        let mut args = explicit(mesos_agent::flags::SPECS);
        args.retain(|a| {
            !["--master=", "--port=", "--work_dir=", "--ip=", "--runtime_dir="]
                .iter()
                .any(|prefix| a.starts_with(prefix))
        });
        args.push(format!("--master={}", master.addr));
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
    Ok(LocalCluster { master, agents, work_dir })
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
