//! `mesos-agent`: parses flags and runs an agent until interrupted.

use std::process::ExitCode;

use mesos_agent::flags::{AgentFlags, SPECS};

fn main() -> ExitCode {
    let version = format!("mesos 1.12.0 (mesos-rs {})", env!("CARGO_PKG_VERSION"));
    let flags = match mesos_flags::from_process("mesos-agent", SPECS, &version) {
        Ok(flags) => flags,
        Err(code) => return code,
    };
    let warnings = flags.warnings().to_vec();
    let flags = match AgentFlags::from_flags(&flags) {
        Ok(flags) => flags,
        Err(error) => return mesos_flags::usage_error("mesos-agent", &error),
    };
    if !flags.quiet {
        let level = match flags.logging_level.as_str() {
            "ERROR" => "error",
            "WARNING" => "warn",
            _ => "info",
        };
        tracing_subscriber::fmt().with_env_filter(level).with_writer(std::io::stderr).init();
    }
    for warning in &warnings {
        tracing::warn!("{warning}");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let seed = u64::from(std::process::id());
        println!("mesos-agent registering with {} ({})", flags.master, flags.resources);
        match mesos_agent::start(flags, seed).await {
            Ok(handle) => {
                println!("mesos-agent listening on {}", handle.addr);
                let _ = tokio::signal::ctrl_c().await;
                handle.stop().await;
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("mesos-agent failed to start: {error}");
                ExitCode::from(1)
            }
        }
    })
}
