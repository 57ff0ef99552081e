//! `mesos-master`: parses flags and runs a master until interrupted.

use std::process::ExitCode;

use mesos_master::flags::{MasterFlags, SPECS};

fn main() -> ExitCode {
    let version =
        format!("mesos {} (mesos-rs {})", mesos_master::endpoints::MESOS_VERSION, env!("CARGO_PKG_VERSION"));
    let flags = match mesos_flags::from_process("mesos-master", SPECS, &version) {
        Ok(flags) => flags,
        Err(code) => return code,
    };
    let warnings = flags.warnings().to_vec();
    let flags = match MasterFlags::from_flags(&flags) {
        Ok(flags) => flags,
        Err(error) => return mesos_flags::usage_error("mesos-master", &error),
    };
    let level = match flags.logging_level.as_str() {
        "ERROR" => "error",
        "WARNING" => "warn",
        _ => "info",
    };
    if let Err(error) = init_logging(level, flags.quiet, flags.log_dir.as_deref()) {
        eprintln!("{error}");
        return ExitCode::from(1);
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
        match mesos_master::start(flags).await {
            Ok(handle) => {
                println!("mesos-master listening on {} (id {})", handle.addr, handle.info.id);
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {
                        handle.stop().await;
                        ExitCode::SUCCESS
                    }
                    reason = handle.failed() => {
                        eprintln!("mesos-master is exiting: {reason}");
                        // Not through the runtime's shutdown: it would wait for the hung write, if any.
                        std::process::exit(1)
                    }
                }
            }
            Err(error) => {
                eprintln!("mesos-master failed to start: {error:#}");
                ExitCode::from(1)
            }
        }
    })
}

/// Logs to stderr (unless `--quiet`) and, with `--log_dir`, to `<log_dir>/mesos-master.INFO`.
fn init_logging(level: &str, quiet: bool, log_dir: Option<&std::path::Path>) -> Result<(), String> {
    use tracing_subscriber::fmt::writer::MakeWriterExt;
    let file = match log_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("--log_dir {}: {e}", dir.display()))?;
            let path = dir.join("mesos-master.INFO");
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("--log_dir: cannot open {}: {e}", path.display()))?;
            Some(std::sync::Mutex::new(file))
        }
        None => None,
    };
    let builder = tracing_subscriber::fmt().with_env_filter(level);
    match (file, quiet) {
        (Some(file), true) => builder.with_ansi(false).with_writer(file).init(),
        (Some(file), false) => builder.with_ansi(false).with_writer(std::io::stderr.and(file)).init(),
        (None, false) => builder.with_writer(std::io::stderr).init(),
        (None, true) => {}
    }
    Ok(())
}
