//! `mesos-default-executor`: the built-in default executor: runs task groups (started by the agent; see the mesos-executor crate).

fn main() -> std::process::ExitCode {
    // A fixed level: building an env filter costs more than the rest of a short task's executor.
    tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).with_writer(std::io::stderr).init();
    mesos_executor::main(mesos_executor::Mode::Default)
}
