//! `mesos-execute`: runs one task on a cluster; see the library docs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let version = format!("mesos 1.12.0 (mesos-rs {})", env!("CARGO_PKG_VERSION"));
    let flags = match mesos_flags::from_process("mesos-execute", mesos_execute::SPECS, &version) {
        Ok(flags) => flags,
        Err(code) => return code,
    };
    let plan = match mesos_execute::Plan::from_flags(&flags) {
        Ok(plan) => plan,
        Err(error) => return mesos_flags::usage_error("mesos-execute", &error),
    };
    tracing_subscriber::fmt().with_max_level(tracing::Level::WARN).with_writer(std::io::stderr).init();
    for warning in flags.warnings() {
        tracing::warn!("{warning}");
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(mesos_execute::run(plan)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mesos-execute: {error}");
            ExitCode::from(1)
        }
    }
}
