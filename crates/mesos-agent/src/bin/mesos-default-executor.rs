//! `mesos-default-executor`: the built-in default executor: runs task groups (started by the agent; see the mesos-executor crate).

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt().with_env_filter("info").with_writer(std::io::stderr).init();
    mesos_executor::main(mesos_executor::Mode::Default)
}
