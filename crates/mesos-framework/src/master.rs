//! Where the master is: `host:port`, `http://host:port`, `https://host:port` (a path is
//! ignored), `master@host:port`, `zk://[user:password@]host:port[,...]/path` (the leader of a
//! ZooKeeper group), or `file:///path` holding any of those.

use mesos_election::ZkUrl;

/// Why a master URL cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MasterUrlError {
    /// Not one of the accepted forms.
    #[error(
        "'{0}' is not a master address (use host:port, http://host:port, zk://host:port/path or file:///path)"
    )]
    Invalid(String),
    /// A `zk://` URL that does not parse.
    #[error(transparent)]
    ZooKeeper(#[from] mesos_election::UrlError),
    /// A ZooKeeper URL where one master's address is needed.
    #[error("'{0}' names a ZooKeeper group, not one master's address")]
    NotAnAddress(String),
    /// A `file://` URL that cannot be read.
    #[error("cannot read the master address from {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// A master URL, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Master {
    /// One master at `host:port`.
    Address(String),
    /// Whichever master leads this ZooKeeper group.
    ZooKeeper(ZkUrl),
}

impl std::fmt::Display for Master {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Master::Address(address) => f.write_str(address),
            Master::ZooKeeper(url) => write!(f, "the leader in {url}"),
        }
    }
}

/// Parses any of the forms, reading a `file://` URL's file.
pub fn parse(url: &str) -> Result<Master, MasterUrlError> {
    let url = url.trim();
    if let Some(path) = url.strip_prefix("file://") {
        let contents = std::fs::read_to_string(path)
            .map_err(|e| MasterUrlError::File { path: path.to_string(), reason: e.to_string() })?;
        return parse(&contents);
    }
    if mesos_election::is_zk_url(url) {
        return Ok(Master::ZooKeeper(ZkUrl::parse(url)?));
    }
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")).unwrap_or(url);
    let rest = rest.split('/').next().unwrap_or(rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, address)| address);
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
            Ok(Master::Address(rest.to_string()))
        }
        _ => Err(MasterUrlError::Invalid(url.to_string())),
    }
}

/// Resolves a URL that must name one master to its `host:port`.
pub fn resolve(url: &str) -> Result<String, MasterUrlError> {
    match parse(url)? {
        Master::Address(address) => Ok(address),
        Master::ZooKeeper(_) => Err(MasterUrlError::NotAnAddress(url.trim().to_string())),
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
        std::fs::write(&dir, "zk://h:2181/mesos\n").unwrap();
        assert!(matches!(parse(&format!("file://{}", dir.display())), Ok(Master::ZooKeeper(_))));
        let _ = std::fs::remove_file(&dir);
        assert_eq!(
            parse("zk://h:2181,g:2181/mesos").unwrap(),
            Master::ZooKeeper(ZkUrl::parse("zk://h:2181,g:2181/mesos").unwrap())
        );
        assert!(matches!(resolve("zk://h:2181/mesos"), Err(MasterUrlError::NotAnAddress(_))));
        assert!(parse("zk://h:2181").unwrap_err().to_string().contains("znode path"));
        assert_eq!(resolve("http://m:5050/").unwrap(), "m:5050");
        assert!(matches!(resolve("nowhere"), Err(MasterUrlError::Invalid(_))));
        assert!(matches!(resolve("file:///no/such/file"), Err(MasterUrlError::File { .. })));
    }
}
