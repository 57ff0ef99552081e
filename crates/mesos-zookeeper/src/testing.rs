//! A real ZooKeeper server for tests: Debian's `zookeeper` package (installed by
//! `scripts/test-deps.sh`), started standalone on a free loopback port with its own data
//! directory and stopped by its PID when dropped.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian's package puts ZooKeeper.
const ZOOKEEPER_JAR: &str = "/usr/share/java/zookeeper.jar";

/// A standalone ZooKeeper server that this process started.
pub struct ZooKeeperServer {
    child: Child,
    port: u16,
    _data: tempfile::TempDir,
}

impl ZooKeeperServer {
    /// Starts a server and waits until it answers; panics with what to install if it cannot.
    pub fn start() -> ZooKeeperServer {
        assert!(
            Path::new(ZOOKEEPER_JAR).exists(),
            "{ZOOKEEPER_JAR} is missing: run scripts/test-deps.sh (apt-get install zookeeper)"
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let data = tempfile::tempdir().expect("a data directory");
        let config = data.path().join("zoo.cfg");
        let settings = format!(
            "tickTime=500\ndataDir={}\nclientPort={port}\nclientPortAddress=127.0.0.1\n\
             admin.enableServer=false\nminSessionTimeout=1000\nmaxSessionTimeout=60000\n",
            data.path().join("data").display()
        );
        std::fs::write(&config, settings).expect("zoo.cfg");
        let log = std::fs::File::create(data.path().join("zookeeper.log")).expect("a log file");
        let child = Command::new("java")
            .args(["-Xmx256m", "-cp", &format!("/etc/zookeeper/conf:{ZOOKEEPER_JAR}")])
            .arg("org.apache.zookeeper.server.ZooKeeperServerMain")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("java runs ZooKeeper");
        let server = ZooKeeperServer { child, port, _data: data };
        server.wait_until_serving();
        server
    }

    /// `127.0.0.1:port`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn wait_until_serving(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            // `srvr` is answered once the server serves (four-letter words it allows).
            if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                use std::io::{Read, Write};
                // A server still starting may take the connection and never answer.
                let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
                let mut answer = String::new();
                let _ = stream.write_all(b"srvr").and_then(|()| stream.read_to_string(&mut answer));
                if answer.contains("Mode") {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("ZooKeeper did not start on port {} within 60 s", self.port);
    }
}

impl Drop for ZooKeeperServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
