//! `mesos-executor`: the built-in command executor: runs one task (started by the agent; see the mesos-executor crate).

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt().with_env_filter("info").with_writer(std::io::stderr).init();
    mesos_executor::main(mesos_executor::Mode::Command)
}
