//! `mesos-local`: runs a master and `--num_slaves` agents in this process until Ctrl-C.

use std::process::ExitCode;

fn main() -> ExitCode {
    let version = format!("mesos 1.12.0 (mesos-rs {})", env!("CARGO_PKG_VERSION"));
    let specs = mesos_local::specs();
    let flags = match mesos_flags::from_process("mesos-local", &specs, &version) {
        Ok(flags) => flags,
        Err(code) => return code,
    };
    if !flags.bool("quiet") {
        let level = match flags.get("logging_level").unwrap_or("INFO").to_ascii_uppercase().as_str() {
            "ERROR" => tracing::Level::ERROR,
            "WARNING" => tracing::Level::WARN,
            _ => tracing::Level::INFO,
        };
        tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr).init();
    }
    for warning in flags.warnings() {
        tracing::warn!("{warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    if !flags.is_explicit("launcher_dir")
        && let Ok(exe) = std::env::current_exe()
        && !exe.with_file_name("mesos-executor").exists()
    {
        eprintln!(
            "mesos-local: {} has no mesos-executor next to it, so agents could not run tasks; \
             build every binary first (cargo build --release) or pass --launcher_dir",
            exe.display()
        );
        return ExitCode::from(1);
    }
    runtime.block_on(async move {
        let cluster = match mesos_local::start(&flags).await {
            Ok(cluster) => cluster,
            Err(error) => {
                eprintln!("mesos-local failed to start: {error}");
                return ExitCode::from(1);
            }
        };
        let mut cluster = cluster;
        let master = cluster.master_addr();
        let url = cluster.master_url();
        let masters = cluster.masters.len();
        println!(
            "mesos-local: {} and {} agent(s) are running (work dir {})",
            if masters == 1 { "a master".to_string() } else { format!("{masters} masters") },
            cluster.agents.len(),
            cluster.work_dir.display()
        );
        println!("  web UI:        http://{master}/");
        println!("  master state:  curl http://{master}/master/state");
        for (i, other) in cluster.masters.iter().enumerate().skip(1) {
            println!("  master {}:      http://{}/ (standby; redirects to the leader)", i + 1, other.addr);
        }
        if let Some(zk) = &cluster.zk {
            println!("  ZooKeeper:     {zk}");
        }
        for (i, agent) in cluster.agents.iter().enumerate() {
            println!("  agent {}:       http://{}/state", i + 1, agent.addr);
        }
        println!("  run a task:    mesos-execute --master={url} --name=hello --command='echo hello'");
        println!("  frameworks:    subscribe at http://{master}/api/v1/scheduler");
        if masters > 1 {
            println!("  failover:      kill -USR1 {} stops the leading master; another takes over", std::process::id());
        }
        println!("Press Ctrl-C to stop.");
        let mut failover = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1()) {
            Ok(signal) => Some(signal),
            Err(error) => {
                tracing::warn!("cannot listen for SIGUSR1: {error}");
                None
            }
        };
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {
                    cluster.stop().await;
                    return ExitCode::SUCCESS;
                }
                Some(()) = async { failover.as_mut()?.recv().await } => {
                    let leading = cluster.masters.iter().position(|m| m.is_leading());
                    match leading {
                        Some(index) if cluster.masters.len() > 1 => {
                            let leader = cluster.masters.remove(index);
                            println!("mesos-local: stopping the leading master at {}", leader.addr);
                            leader.stop().await;
                        }
                        _ => println!("mesos-local: SIGUSR1 stops the leader only when another master can take over"),
                    }
                }
                reason = cluster.failed() => {
                    eprintln!("mesos-local is exiting: a master cannot go on: {reason}");
                    // Not through the runtime's shutdown: it would wait for the hung write, if any.
                    std::process::exit(1)
                }
            }
        }
    })
}
