//! Finding the workspace's binaries from a test of another package: they live next to the
//! test's own target directory; when this package's build did not make them (a lone
//! `cargo test -p ...`), cargo is asked to build them first.
#![allow(dead_code)]

use std::path::PathBuf;

/// The directory holding this profile's binaries (`target/debug`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    // target/debug/deps/<test> → target/debug
    exe.parent().and_then(|deps| deps.parent()).expect("target dir").to_path_buf()
}

/// The path of workspace binary `name`, built if missing.
pub fn binary(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    if !path.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let status =
            std::process::Command::new(cargo).args(["build", "--bin", name]).status().expect("cargo runs");
        assert!(status.success(), "cargo build --bin {name} failed");
    }
    assert!(path.exists(), "{} was not built", path.display());
    path
}

/// The launcher dir for agents: where `mesos-executor` and `mesos-default-executor` are.
pub fn launcher_dir() -> String {
    binary("mesos-executor");
    binary("mesos-default-executor");
    bin_dir().display().to_string()
}
