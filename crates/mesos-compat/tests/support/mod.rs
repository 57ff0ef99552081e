//! What the compatibility tests share: the pymesos virtualenv, free ports, processes killed
//! by pid, a plain HTTP GET, the Python scripts.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The virtualenv's python (with pymesos and kazoo), made once by the project's own script.
pub fn python() -> PathBuf {
    let output = Command::new(workspace().join("scripts/pymesos-env.sh"))
        .env("PYMESOS_VENV", workspace().join("target/pymesos-venv"))
        .stderr(Stdio::inherit())
        .output()
        .expect("scripts/pymesos-env.sh runs");
    assert!(output.status.success(), "installing pymesos failed (see above)");
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

/// A process this test started, killed by its pid when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP/1.0 GET on loopback; empty if nothing answers.
pub fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return String::new() };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).is_err() {
        return String::new();
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

/// One of the Python scripts in `pymesos/`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("pymesos").join(name)
}
