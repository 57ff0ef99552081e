//! A standalone ZooKeeper server run from Debian's `zookeeper` package, for `mesos-local
//! --num_masters` and for tests: started on a loopback port with a data directory of its
//! own, and stopped (by its PID) when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian's package puts ZooKeeper.
pub const ZOOKEEPER_JAR: &str = "/usr/share/java/zookeeper.jar";

/// Why a server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// ZooKeeper is not installed.
    #[error("{ZOOKEEPER_JAR} is missing: install Debian's zookeeper package (apt-get install zookeeper)")]
    NotInstalled,
    /// Its files could not be written, or java could not be run.
    #[error("cannot start ZooKeeper: {0}")]
    Io(#[from] std::io::Error),
    /// It did not answer in time.
    #[error("ZooKeeper did not start on 127.0.0.1:{port} within {seconds} s; see {log}")]
    Timeout {
        /// Its port.
        port: u16,
        /// The wait.
        seconds: u64,
        /// Its log file.
        log: String,
    },
}

/// A standalone ZooKeeper server that this process started.
pub struct ZooKeeperServer {
    child: Child,
    port: u16,
}

impl ZooKeeperServer {
    /// Starts a server keeping its data and log in `dir`, on a free loopback port, and waits
    /// until it answers.
    pub fn start(dir: &Path) -> Result<ZooKeeperServer, ServerError> {
        if !Path::new(ZOOKEEPER_JAR).exists() {
            return Err(ServerError::NotInstalled);
        }
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        std::fs::create_dir_all(dir)?;
        let config = dir.join("zoo.cfg");
        let settings = format!(
            "tickTime=500\ndataDir={}\nclientPort={port}\nclientPortAddress=127.0.0.1\n\
             admin.enableServer=false\nminSessionTimeout=1000\nmaxSessionTimeout=60000\n",
            dir.join("data").display()
        );
        std::fs::write(&config, settings)?;
        let log_path: PathBuf = dir.join("zookeeper.log");
        let log = std::fs::File::create(&log_path)?;
        let child = Command::new("java")
            .args(["-Xmx256m", "-cp", &format!("/etc/zookeeper/conf:{ZOOKEEPER_JAR}")])
            .arg("org.apache.zookeeper.server.ZooKeeperServerMain")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let server = ZooKeeperServer { child, port };
        let wait = Duration::from_secs(60);
        if server.wait_until_serving(wait) {
            Ok(server)
        } else {
            Err(ServerError::Timeout { port, seconds: wait.as_secs(), log: log_path.display().to_string() })
        }
    }

    /// `127.0.0.1:port`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn wait_until_serving(&self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            // `srvr` is answered once the server serves (a four-letter word it allows).
            if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                use std::io::{Read, Write};
                // A server still starting may take the connection and never answer.
                let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
                let mut answer = String::new();
                let _ = stream.write_all(b"srvr").and_then(|()| stream.read_to_string(&mut answer));
                if answer.contains("Mode") {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }
}

impl Drop for ZooKeeperServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
