//! The fetcher: puts `CommandInfo.uris` into a sandbox before the executor starts
//! (operator-api.md §8.3). Sources are `http://`, `https://`, `file://` URIs and plain paths
//! (relative ones against `--frameworks_home`). Archives are unpacked when `extract` is set
//! (tar, tar.gz/tgz, tar.bz2/tbz2, tar.xz/txz, zip; a lone `.gz` is decompressed), `executable`
//! makes the result executable, `output_file` renames it. With a cache directory, downloads
//! marked `cache` are kept and reused, least recently used first out when over the size bound.
//!
//! Blocking I/O: the agent runs it on a blocking thread.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// One URI to fetch (the fields of `CommandInfo.URI`).
#[derive(Clone, Debug, Default)]
pub struct UriSpec {
    /// Where from.
    pub value: String,
    /// chmod +x the result.
    pub executable: bool,
    /// Unpack recognised archives.
    pub extract: bool,
    /// Use the fetcher cache.
    pub cache: bool,
    /// Name (relative path) in the sandbox instead of the URI's basename.
    pub output_file: Option<String>,
}

/// Why a URI could not be fetched. Messages say which URI and what to change; the agent
/// turns them into TASK_FAILED with REASON_CONTAINER_LAUNCH_FAILED.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The scheme is not one the fetcher speaks.
    #[error("cannot fetch '{uri}': unsupported scheme (use http://, https://, file:// or a path)")]
    UnsupportedScheme {
        /// The URI.
        uri: String,
    },
    /// A relative path without `--frameworks_home`.
    #[error("cannot fetch '{uri}': a relative path needs the agent's --frameworks_home")]
    RelativeWithoutHome {
        /// The URI.
        uri: String,
    },
    /// `output_file` would leave the sandbox.
    #[error("invalid output_file '{name}' for '{uri}': it must be a relative path inside the sandbox")]
    BadOutputFile {
        /// The URI.
        uri: String,
        /// The name given.
        name: String,
    },
    /// The download failed (status, DNS, connection).
    #[error("cannot fetch '{uri}': {reason}")]
    Download {
        /// The URI.
        uri: String,
        /// What the server or network said.
        reason: String,
    },
    /// Local file system trouble.
    #[error("cannot fetch '{uri}': {path}: {source}")]
    Io {
        /// The URI.
        uri: String,
        /// The path involved.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The archive is damaged or not what its name says.
    #[error("cannot extract '{uri}': {reason}")]
    Extract {
        /// The URI.
        uri: String,
        /// What is wrong.
        reason: String,
    },
}

/// The fetcher's configuration.
#[derive(Clone, Debug, Default)]
pub struct Fetcher {
    /// `--frameworks_home`.
    pub frameworks_home: Option<PathBuf>,
    /// `--fetcher_cache_dir` and `--fetcher_cache_size` (bytes), when caching is on.
    pub cache: Option<(PathBuf, u64)>,
    /// Timeout of one download.
    pub timeout: Option<Duration>,
}

impl Fetcher {
    /// Fetches every URI into `sandbox`, in order; stops at the first failure.
    pub fn fetch_all(&self, uris: &[UriSpec], sandbox: &Path) -> Result<Vec<PathBuf>, FetchError> {
        uris.iter().map(|uri| self.fetch(uri, sandbox)).collect()
    }

    /// Fetches one URI into `sandbox`; returns the fetched file's path.
    pub fn fetch(&self, uri: &UriSpec, sandbox: &Path) -> Result<PathBuf, FetchError> {
        let value = uri.value.trim();
        let name = match &uri.output_file {
            Some(name) => {
                let relative = Path::new(name);
                if name.is_empty() || relative.components().any(|c| !matches!(c, Component::Normal(_))) {
                    return Err(FetchError::BadOutputFile { uri: value.to_string(), name: name.clone() });
                }
                name.clone()
            }
            None => basename(value),
        };
        let destination = sandbox.join(&name);
        let io =
            |path: &Path, source| FetchError::Io { uri: value.to_string(), path: path.to_path_buf(), source };
        if let Some(parent) = destination.parent() {
            fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let cached = uri.cache.then_some(self.cache.as_ref()).flatten();
        match cached.map(|(dir, _)| dir.join(cache_key(value))) {
            Some(entry) if entry.exists() => {
                fs::copy(&entry, &destination).map_err(|e| io(&entry, e))?;
                touch(&entry);
            }
            cache_entry => {
                self.retrieve(value, &destination)?;
                if let (Some(entry), Some((dir, limit))) = (cache_entry, cached) {
                    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                    fs::copy(&destination, &entry).map_err(|e| io(&entry, e))?;
                    evict(dir, *limit);
                }
            }
        }
        if uri.executable {
            set_executable(&destination).map_err(|e| io(&destination, e))?;
        }
        if uri.extract {
            extract(value, &destination, sandbox)?;
        }
        Ok(destination)
    }

    fn retrieve(&self, value: &str, destination: &Path) -> Result<(), FetchError> {
        let io =
            |path: &Path, source| FetchError::Io { uri: value.to_string(), path: path.to_path_buf(), source };
        if value.starts_with("http://") || value.starts_with("https://") {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(self.timeout.unwrap_or(Duration::from_secs(600))))
                .build()
                .into();
            let mut response = agent
                .get(value)
                .call()
                .map_err(|e| FetchError::Download { uri: value.to_string(), reason: e.to_string() })?;
            let mut file = fs::File::create(destination).map_err(|e| io(destination, e))?;
            io::copy(&mut response.body_mut().as_reader(), &mut file)
                .map_err(|e| FetchError::Download { uri: value.to_string(), reason: e.to_string() })?;
            return Ok(());
        }
        let source = if let Some(path) = value.strip_prefix("file://") {
            PathBuf::from(path)
        } else if value.contains("://") {
            return Err(FetchError::UnsupportedScheme { uri: value.to_string() });
        } else if value.starts_with('/') {
            PathBuf::from(value)
        } else {
            match &self.frameworks_home {
                Some(home) => home.join(value),
                None => return Err(FetchError::RelativeWithoutHome { uri: value.to_string() }),
            }
        };
        fs::copy(&source, destination).map(|_| ()).map_err(|e| io(&source, e))
    }
}

fn basename(value: &str) -> String {
    let path = value.split(['?', '#']).next().unwrap_or(value).trim_end_matches('/');
    path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("download").to_string()
}

fn cache_key(value: &str) -> String {
    // A readable, collision-free file name: hex of the URI bytes is long but unambiguous.
    value.bytes().map(|b| format!("{b:02x}")).collect::<String>().chars().take(200).collect::<String>()
        + &format!("-{}", value.len())
}

fn touch(path: &Path) {
    // Recency for the LRU: re-writing the modification time is enough.
    if let Ok(file) = fs::File::options().append(true).open(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

/// Removes least recently used cache entries until the cache fits in `limit` bytes.
fn evict(dir: &Path, limit: u64) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut files: BTreeMap<(std::time::SystemTime, PathBuf), u64> = BTreeMap::new();
    for entry in entries.flatten() {
        if let Ok(meta) = entry.metadata() {
            let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            files.insert((modified, entry.path()), meta.len());
        }
    }
    let mut total: u64 = files.values().sum();
    for ((_, path), size) in files {
        if total <= limit {
            break;
        }
        if fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(size);
        }
    }
}

fn set_executable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = fs::metadata(path)?.permissions();
    permissions.set_mode(permissions.mode() | 0o755);
    fs::set_permissions(path, permissions)
}

fn extract(uri: &str, archive: &Path, into: &Path) -> Result<(), FetchError> {
    let name = archive.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
    let fail = |reason: String| FetchError::Extract { uri: uri.to_string(), reason };
    let open = || fs::File::open(archive).map_err(|e| fail(e.to_string()));
    let untar = |reader: Box<dyn Read>| {
        let mut tar = tar::Archive::new(reader);
        tar.set_overwrite(true);
        // `unpack` refuses entries that would land outside `into` (absolute or `..` paths).
        tar.unpack(into).map_err(|e| fail(e.to_string()))
    };
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        untar(Box::new(flate2::read::GzDecoder::new(open()?)))
    } else if name.ends_with(".tar.bz2") || name.ends_with(".tbz2") {
        untar(Box::new(bzip2::read::BzDecoder::new(open()?)))
    } else if name.ends_with(".tar.xz") || name.ends_with(".txz") {
        untar(Box::new(xz2::read::XzDecoder::new(open()?)))
    } else if name.ends_with(".tar") {
        untar(Box::new(open()?))
    } else if name.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(open()?).map_err(|e| fail(e.to_string()))?;
        // `extract` skips names that would escape `into`.
        zip.extract(into).map_err(|e| fail(e.to_string()))
    } else if let Some(stem) = name.strip_suffix(".gz") {
        let target = into.join(stem);
        let mut decoder = flate2::read::GzDecoder::new(open()?);
        let mut out = fs::File::create(&target).map_err(|e| fail(e.to_string()))?;
        io::copy(&mut decoder, &mut out).map(|_| ()).map_err(|e| fail(e.to_string()))
    } else {
        // Not an archive: nothing to extract, as Mesos does.
        Ok(())
    }
}
