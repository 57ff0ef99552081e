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
        let master = cluster.master_addr();
        println!(
            "mesos-local: a master and {} agent(s) are running (work dir {})",
            cluster.agents.len(),
            cluster.work_dir.display()
        );
        println!("  web UI:        http://{master}/");
        println!("  master state:  curl http://{master}/master/state");
        for (i, agent) in cluster.agents.iter().enumerate() {
            println!("  agent {}:       http://{}/state", i + 1, agent.addr);
        }
        println!("  run a task:    mesos-execute --master={master} --name=hello --command='echo hello'");
        println!("  frameworks:    subscribe at http://{master}/api/v1/scheduler");
        println!("Press Ctrl-C to stop.");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                cluster.stop().await;
                ExitCode::SUCCESS
            }
            reason = cluster.master.failed() => {
                eprintln!("mesos-local is exiting: the master cannot go on: {reason}");
                // Not through the runtime's shutdown: it would wait for the hung write, if any.
                std::process::exit(1)
            }
        }
    })
}
