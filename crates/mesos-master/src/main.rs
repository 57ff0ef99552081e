//! `mesos-master`: parses flags and runs a master until interrupted.

use std::process::ExitCode;

use mesos_master::flags::{MasterFlags, SPECS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flags = match mesos_flags::Flags::load(SPECS, args, std::env::vars()) {
        Ok(flags) => flags,
        Err(error) => {
            eprintln!("{error}\n\nRun 'mesos-master --help' for the list of flags.");
            return ExitCode::from(1);
        }
    };
    if flags.help_requested() {
        print!("{}", mesos_flags::help("mesos-master", SPECS));
        return ExitCode::SUCCESS;
    }
    if flags.version_requested() {
        println!("mesos {} (mesos-rs {})", mesos_master::endpoints::MESOS_VERSION, env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let flags = match MasterFlags::from_flags(&flags) {
        Ok(flags) => flags,
        Err(error) => {
            eprintln!("{error}\n\nRun 'mesos-master --help' for the list of flags.");
            return ExitCode::from(1);
        }
    };
    let level = match flags.logging_level.as_str() {
        "ERROR" => "error",
        "WARNING" => "warn",
        _ => "info",
    };
    if !flags.quiet {
        tracing_subscriber::fmt().with_env_filter(level).with_writer(std::io::stderr).init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        match mesos_master::start(flags).await {
            Ok(handle) => {
                println!("mesos-master listening on {} (id {})", handle.addr, handle.info.id);
                let _ = tokio::signal::ctrl_c().await;
                handle.stop().await;
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("mesos-master failed to start: {error:#}");
                ExitCode::from(1)
            }
        }
    })
}
