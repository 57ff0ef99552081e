//! The `mesos-master` binary's command line: help, version, and startup errors naming the flag.

use std::process::Command;

fn run(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mesos-master"));
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run mesos-master");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_lists_flags_with_defaults() {
    let (ok, stdout, _) = run(&["--help"], &[]);
    assert!(ok);
    assert!(stdout.contains("--port=VALUE"), "{stdout}");
    assert!(stdout.contains("(default: 5050)"));
    assert!(stdout.contains("--allocation_interval=VALUE"));
    assert!(stdout.contains("MESOS_<FLAG>"));
}

#[test]
fn version_prints_the_mesos_version() {
    let (ok, stdout, _) = run(&["--version"], &[]);
    assert!(ok);
    assert!(stdout.starts_with("mesos 1.12.0"), "{stdout}");
}

#[test]
fn bad_flags_fail_at_startup_naming_the_flag() {
    let (ok, _, stderr) = run(&["--bogus=1"], &[]);
    assert!(!ok);
    assert!(stderr.contains("unknown flag 'bogus'"), "{stderr}");
    let (ok, _, stderr) = run(&["--registry=in_memory", "--port=notaport"], &[]);
    assert!(!ok);
    assert!(stderr.contains("--port"), "{stderr}");
    let (ok, _, stderr) = run(&["--registry=in_memory"], &[("MESOS_ZK", "zk://127.0.0.1:2181")]);
    assert!(!ok);
    assert!(stderr.contains("zk") && stderr.contains("znode path"), "{stderr}");
    let (ok, _, stderr) = run(&["--work_dir=/tmp"], &[("MESOS_ZK", "zk://127.0.0.1:2181/mesos")]);
    assert!(!ok);
    assert!(stderr.contains("zk") && stderr.contains("replicated registry"), "{stderr}");
    let (ok, _, stderr) = run(&[], &[]);
    assert!(!ok);
    assert!(stderr.contains("work_dir"), "{stderr}");
}
