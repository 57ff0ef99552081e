//! A real ZooKeeper server for tests (see [`crate::server`]), in a temporary directory;
//! it panics with what to install if it cannot start.

/// A standalone ZooKeeper server for one test, gone with it.
pub struct ZooKeeperServer {
    server: crate::server::ZooKeeperServer,
    _data: tempfile::TempDir,
}

impl ZooKeeperServer {
    /// Starts a server and waits until it answers.
    pub fn start() -> ZooKeeperServer {
        let data = tempfile::tempdir().expect("a data directory");
        let server = crate::server::ZooKeeperServer::start(data.path())
            .unwrap_or_else(|e| panic!("{e} (scripts/test-deps.sh installs it)"));
        ZooKeeperServer { server, _data: data }
    }

    /// `127.0.0.1:port`.
    pub fn address(&self) -> String {
        self.server.address()
    }
}
