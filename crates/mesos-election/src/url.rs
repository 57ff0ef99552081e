//! `zk://[user:password@]host1:port1,host2:port2/path` (operator-api.md §4.1).

use std::fmt;

/// A parsed ZooKeeper URL.
#[derive(Clone, PartialEq, Eq)]
pub struct ZkUrl {
    /// The server list as given (`h1:p1,h2:p2`), for the client.
    pub servers: String,
    /// The group's znode, `/mesos`: absolute, never `/`, no trailing `/`.
    pub path: String,
    /// `user:password` for ZooKeeper's `digest` scheme, if the URL has it.
    pub credentials: Option<String>,
}

/// Hides the password, which must never reach a log.
impl fmt::Debug for ZkUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// The URL as given, with the password left out.
impl fmt::Display for ZkUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.credentials.as_deref().and_then(|c| c.split_once(':')) {
            Some((user, _)) => write!(f, "zk://{user}:***@{}{}", self.servers, self.path),
            None if self.credentials.is_some() => write!(f, "zk://***@{}{}", self.servers, self.path),
            None => write!(f, "zk://{}{}", self.servers, self.path),
        }
    }
}

/// Why a ZooKeeper URL cannot be used. The messages never include a password.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlError {
    /// It does not start with `zk://`.
    #[error("'{0}' is not a ZooKeeper URL: expected zk://host:port[,host:port...]/path")]
    NotZooKeeper(String),
    /// No server before the path.
    #[error("the ZooKeeper URL names no server: expected zk://host:port[,host:port...]/path")]
    NoServers,
    /// A server that is not `host:port`.
    #[error("'{0}' in the ZooKeeper URL is not host:port")]
    BadServer(String),
    /// No znode path, or only `/`.
    #[error("the ZooKeeper URL needs a znode path for the group, as in zk://{0}/mesos")]
    NoPath(String),
}

/// Whether `url` is meant as a ZooKeeper URL.
pub fn is_zk_url(url: &str) -> bool {
    url.trim().starts_with("zk://")
}

impl ZkUrl {
    /// Parses `url`. Everything from the first `/` after the servers is the group's path;
    /// credentials are what comes before the last `@`.
    pub fn parse(url: &str) -> Result<ZkUrl, UrlError> {
        let url = url.trim();
        let rest = url.strip_prefix("zk://").ok_or_else(|| UrlError::NotZooKeeper(url.to_string()))?;
        let (authority, path) = match rest.find('/') {
            Some(slash) => rest.split_at(slash),
            None => (rest, ""),
        };
        let (credentials, servers) = match authority.rsplit_once('@') {
            Some((credentials, servers)) => (Some(credentials.to_string()), servers),
            None => (None, authority),
        };
        if servers.is_empty() {
            return Err(UrlError::NoServers);
        }
        for server in servers.split(',') {
            let valid = server
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
            if !valid {
                return Err(UrlError::BadServer(server.to_string()));
            }
        }
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            return Err(UrlError::NoPath(servers.to_string()));
        }
        Ok(ZkUrl { servers: servers.to_string(), path: path.to_string(), credentials })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_path_and_credentials_are_split_as_mesos_does() {
        let url = ZkUrl::parse("zk://10.0.0.1:2181,10.0.0.2:2181/mesos").unwrap();
        assert_eq!(url.servers, "10.0.0.1:2181,10.0.0.2:2181");
        assert_eq!(url.path, "/mesos");
        assert_eq!(url.credentials, None);
        let url = ZkUrl::parse(" zk://ops:p@ss@w0rd@h:2181/a/b/ ").unwrap();
        assert_eq!(url.credentials.as_deref(), Some("ops:p@ss@w0rd"));
        assert_eq!(url.servers, "h:2181");
        assert_eq!(url.path, "/a/b");
    }

    #[test]
    fn bad_urls_say_what_is_wrong_and_never_show_the_password() {
        assert!(matches!(ZkUrl::parse("h:2181/mesos"), Err(UrlError::NotZooKeeper(_))));
        assert_eq!(ZkUrl::parse("zk:///mesos"), Err(UrlError::NoServers));
        assert_eq!(ZkUrl::parse("zk://h/mesos"), Err(UrlError::BadServer("h".into())));
        assert_eq!(ZkUrl::parse("zk://h:2181,h2:x/mesos"), Err(UrlError::BadServer("h2:x".into())));
        assert_eq!(ZkUrl::parse("zk://h:2181"), Err(UrlError::NoPath("h:2181".into())));
        assert_eq!(ZkUrl::parse("zk://h:2181/"), Err(UrlError::NoPath("h:2181".into())));
        let error = ZkUrl::parse("zk://ops:secret@h:2181").unwrap_err().to_string();
        assert!(!error.contains("secret"), "{error}");
        let url = ZkUrl::parse("zk://ops:secret@h:2181/mesos").unwrap();
        assert_eq!(url.to_string(), "zk://ops:***@h:2181/mesos");
        assert!(!format!("{url:?}").contains("secret"));
    }
}
