//! Where the master is: `host:port`, `http://host:port`, `https://host:port` (a path is
//! ignored), `master@host:port` or `file:///path` holding any of those. `zk://` detection
//! comes with the high-availability work and is refused with a message saying so.

/// Why a master URL cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MasterUrlError {
    /// Not one of the accepted forms.
    #[error("'{0}' is not a master address (use host:port, http://host:port or file:///path)")]
    Invalid(String),
    /// ZooKeeper is not supported yet.
    #[error(
        "ZooKeeper master detection ('{0}') is not supported by mesos-rs yet; give the master as host:port"
    )]
    ZooKeeper(String),
    /// A `file://` URL that cannot be read.
    #[error("cannot read the master address from {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Resolves a master URL to `host:port`.
pub fn resolve(url: &str) -> Result<String, MasterUrlError> {
    let url = url.trim();
    if let Some(path) = url.strip_prefix("file://") {
        let contents = std::fs::read_to_string(path)
            .map_err(|e| MasterUrlError::File { path: path.to_string(), reason: e.to_string() })?;
        return resolve(&contents);
    }
    if url.starts_with("zk://") {
        return Err(MasterUrlError::ZooKeeper(url.to_string()));
    }
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")).unwrap_or(url);
    let rest = rest.split('/').next().unwrap_or(rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, address)| address);
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(rest.to_string()),
        _ => Err(MasterUrlError::Invalid(url.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_resolves_to_host_and_port() {
        assert_eq!(resolve("127.0.0.1:5050").unwrap(), "127.0.0.1:5050");
        assert_eq!(resolve("http://m.example:5050/master").unwrap(), "m.example:5050");
        assert_eq!(resolve("master@10.0.0.1:5050").unwrap(), "10.0.0.1:5050");
        let dir = std::env::temp_dir().join(format!("mesos-framework-{}", std::process::id()));
        std::fs::write(&dir, "http://h:1234\n").unwrap();
        assert_eq!(resolve(&format!("file://{}", dir.display())).unwrap(), "h:1234");
        let _ = std::fs::remove_file(&dir);
        assert!(matches!(resolve("zk://h:2181/mesos"), Err(MasterUrlError::ZooKeeper(_))));
        assert!(resolve("zk://h:2181/mesos").unwrap_err().to_string().contains("not supported"));
        assert_eq!(resolve("http://m:5050/").unwrap(), "m:5050");
        assert!(matches!(resolve("nowhere"), Err(MasterUrlError::Invalid(_))));
        assert!(matches!(resolve("file:///no/such/file"), Err(MasterUrlError::File { .. })));
    }
}
