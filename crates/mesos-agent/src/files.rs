//! The `/files` endpoints (operator-api.md §2.6): browse, read (with offset/length paging, as
//! the web UI and CLIs use to tail logs), download and debug, over *virtual* paths attached
//! to real directories (sandboxes, the agent log). A request resolves against the longest
//! attached prefix; the remainder may not climb out (`..`), and the resolved file must still
//! be inside the attached directory after following links, so no path escapes.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::RwLock;

use serde_json::{Value, json};

/// Largest read answered at once (Mesos: 16 pages).
pub const MAX_READ: u64 = 16 * 4096;

/// Why a files request failed; each maps to an HTTP status.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilesError {
    /// 400: a missing or malformed parameter, or the wrong kind of file.
    #[error("{0}")]
    BadRequest(String),
    /// 404: nothing at that virtual path.
    #[error("{0}")]
    NotFound(String),
}

impl FilesError {
    /// The HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            FilesError::BadRequest(_) => 400,
            FilesError::NotFound(_) => 404,
        }
    }
}

/// The attached virtual paths.
#[derive(Debug, Default)]
pub struct Files {
    attached: RwLock<BTreeMap<String, PathBuf>>,
}

impl Files {
    /// No paths attached.
    pub fn new() -> Files {
        Files::default()
    }

    /// Makes `real` reachable as `virtual_path`.
    pub fn attach(&self, virtual_path: &str, real: &Path) {
        let key = normalize(virtual_path);
        match self.attached.write() {
            Ok(mut map) => map.insert(key, real.to_path_buf()),
            Err(poisoned) => poisoned.into_inner().insert(key, real.to_path_buf()),
        };
    }

    /// Removes an attachment.
    pub fn detach(&self, virtual_path: &str) {
        let key = normalize(virtual_path);
        match self.attached.write() {
            Ok(mut map) => map.remove(&key),
            Err(poisoned) => poisoned.into_inner().remove(&key),
        };
    }

    fn snapshot(&self) -> BTreeMap<String, PathBuf> {
        match self.attached.read() {
            Ok(map) => map.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The real path behind a virtual one, confined to its attachment.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, FilesError> {
        let wanted = normalize(path);
        let attached = self.snapshot();
        let (prefix, root) = attached
            .iter()
            .filter(|(prefix, _)| {
                wanted == **prefix || wanted.starts_with(&format!("{}/", prefix.trim_end_matches('/')))
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .ok_or_else(|| FilesError::NotFound(format!("No file or directory found at path '{path}'")))?;
        let rest = wanted[prefix.len()..].trim_start_matches('/');
        let relative = Path::new(rest);
        if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(FilesError::BadRequest(format!("Path '{path}' leaves the attached directory")));
        }
        let candidate = root.join(relative);
        let real = candidate
            .canonicalize()
            .map_err(|_| FilesError::NotFound(format!("No file or directory found at path '{path}'")))?;
        let root = root.canonicalize().unwrap_or_else(|_| root.clone());
        if !real.starts_with(&root) {
            return Err(FilesError::BadRequest(format!("Path '{path}' leaves the attached directory")));
        }
        Ok(real)
    }

    /// `/files/browse`: the entries of a directory.
    pub fn browse(&self, path: &str) -> Result<Value, FilesError> {
        let real = self.resolve(path)?;
        let metadata = fs::metadata(&real).map_err(|e| FilesError::NotFound(e.to_string()))?;
        let base = normalize(path);
        let entries: Vec<(String, fs::Metadata)> = if metadata.is_dir() {
            let mut entries: Vec<(String, fs::Metadata)> = fs::read_dir(&real)
                .map_err(|e| FilesError::NotFound(e.to_string()))?
                .flatten()
                .filter_map(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    entry.metadata().ok().map(|m| (format!("{}/{name}", base.trim_end_matches('/')), m))
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries
        } else {
            vec![(base, metadata)]
        };
        let users = names("/etc/passwd");
        let groups = names("/etc/group");
        let listing: Vec<Value> = entries
            .into_iter()
            .map(|(path, m)| {
                json!({
                    "path": path,
                    "nlink": m.nlink(),
                    "size": m.len(),
                    "mtime": m.mtime(),
                    "mode": mode_string(&m),
                    "uid": users.get(&m.uid()).cloned().unwrap_or_else(|| m.uid().to_string()),
                    "gid": groups.get(&m.gid()).cloned().unwrap_or_else(|| m.gid().to_string()),
                })
            })
            .collect();
        Ok(Value::Array(listing))
    }

    /// `/files/read`: `length` bytes (at most [`MAX_READ`]) from `offset`; offset -1 asks for
    /// the file's size only, as the web UI's log tailer does first.
    pub fn read(&self, path: &str, offset: i64, length: i64) -> Result<Value, FilesError> {
        if offset < -1 || length < -1 {
            return Err(FilesError::BadRequest("Negative offset or length provided".into()));
        }
        let real = self.resolve(path)?;
        let mut file = open_file(&real, path)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if offset == -1 {
            return Ok(json!({"offset": size, "data": ""}));
        }
        let offset = offset as u64;
        if offset >= size {
            return Ok(json!({"offset": offset, "data": ""}));
        }
        let wanted = if length == -1 { size - offset } else { (length as u64).min(size - offset) };
        let wanted = wanted.min(MAX_READ);
        let mut data = vec![0u8; wanted as usize];
        file.seek(SeekFrom::Start(offset)).map_err(|e| FilesError::NotFound(e.to_string()))?;
        let read = file.read(&mut data).map_err(|e| FilesError::NotFound(e.to_string()))?;
        data.truncate(read);
        Ok(json!({"offset": offset, "data": String::from_utf8_lossy(&data)}))
    }

    /// `/files/download`: the file's bytes, a content type from its extension and its name.
    pub fn download(&self, path: &str) -> Result<(Vec<u8>, &'static str, String), FilesError> {
        let real = self.resolve(path)?;
        let mut file = open_file(&real, path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| FilesError::NotFound(e.to_string()))?;
        let name = real.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let content_type = match real.extension().and_then(|e| e.to_str()) {
            Some("txt" | "log") => "text/plain",
            Some("json") => "application/json",
            Some("html" | "htm") => "text/html",
            Some("gz" | "tgz") => "application/gzip",
            Some("tar") => "application/x-tar",
            Some("zip") => "application/zip",
            _ => "application/octet-stream",
        };
        Ok((bytes, content_type, name))
    }

    /// `/files/debug`: virtual path → real path.
    pub fn debug(&self) -> Value {
        let map: serde_json::Map<String, Value> =
            self.snapshot().into_iter().map(|(k, v)| (k, json!(v.display().to_string()))).collect();
        Value::Object(map)
    }
}

fn open_file(real: &Path, path: &str) -> Result<fs::File, FilesError> {
    if real.is_dir() {
        return Err(FilesError::BadRequest(format!("Cannot read a directory: '{path}'")));
    }
    fs::File::open(real).map_err(|_| FilesError::NotFound(format!("No file found at path '{path}'")))
}

fn normalize(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/".to_string() } else { trimmed.to_string() }
}

fn names(file: &str) -> BTreeMap<u32, String> {
    fs::read_to_string(file)
        .map(|text| {
            text.lines()
                .filter_map(|line| {
                    let mut fields = line.split(':');
                    let name = fields.next()?;
                    let id = fields.nth(1)?.parse().ok()?;
                    Some((id, name.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn mode_string(metadata: &fs::Metadata) -> String {
    let mode = metadata.permissions().mode();
    let kind = if metadata.is_dir() {
        'd'
    } else if metadata.file_type().is_symlink() {
        'l'
    } else {
        '-'
    };
    let mut out = String::with_capacity(10);
    out.push(kind);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 0o7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        out.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, Files) {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = dir.path().join("sandbox");
        fs::create_dir_all(sandbox.join("sub")).unwrap();
        fs::write(sandbox.join("stdout"), "hello world").unwrap();
        fs::write(dir.path().join("secret"), "do not read").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), sandbox.join("escape")).unwrap();
        let files = Files::new();
        files.attach("/frameworks/f/executors/e/runs/latest", &sandbox);
        (dir, files)
    }

    const ROOT: &str = "/frameworks/f/executors/e/runs/latest";

    #[test]
    fn reads_page_through_a_file() {
        let (_dir, files) = setup();
        let path = format!("{ROOT}/stdout");
        assert_eq!(files.read(&path, -1, -1).unwrap(), json!({"offset": 11, "data": ""}));
        assert_eq!(files.read(&path, 0, 5).unwrap(), json!({"offset": 0, "data": "hello"}));
        assert_eq!(files.read(&path, 6, -1).unwrap(), json!({"offset": 6, "data": "world"}));
        assert_eq!(files.read(&path, 50, 5).unwrap(), json!({"offset": 50, "data": ""}));
        assert_eq!(files.read(&path, -2, 5).unwrap_err().status(), 400);
        assert_eq!(files.read(ROOT, 0, 5).unwrap_err().status(), 400, "a directory cannot be read");
    }

    #[test]
    fn browsing_lists_entries_with_mesos_fields() {
        let (_dir, files) = setup();
        let listing = files.browse(ROOT).unwrap();
        let entries = listing.as_array().unwrap();
        let stdout = entries.iter().find(|e| e["path"] == format!("{ROOT}/stdout")).unwrap();
        assert_eq!(stdout["size"], 11);
        assert_eq!(stdout["mode"].as_str().unwrap().len(), 10);
        assert!(stdout["mode"].as_str().unwrap().starts_with('-'));
        let sub = entries.iter().find(|e| e["path"] == format!("{ROOT}/sub")).unwrap();
        assert!(sub["mode"].as_str().unwrap().starts_with('d'));
    }

    #[test]
    fn no_path_escapes_its_attachment() {
        let (_dir, files) = setup();
        assert_eq!(files.read(&format!("{ROOT}/../secret"), 0, -1).unwrap_err().status(), 400);
        assert_eq!(
            files.read(&format!("{ROOT}/escape"), 0, -1).unwrap_err().status(),
            400,
            "links are followed, then checked"
        );
        assert_eq!(files.read("/elsewhere/file", 0, -1).unwrap_err().status(), 404);
        assert_eq!(files.read(&format!("{ROOT}/missing"), 0, -1).unwrap_err().status(), 404);
        assert!(files.download(&format!("{ROOT}/escape")).is_err());
    }

    #[test]
    fn downloads_and_debug() {
        let (dir, files) = setup();
        let (bytes, content_type, name) = files.download(&format!("{ROOT}/stdout")).unwrap();
        assert_eq!(bytes, b"hello world");
        assert_eq!(content_type, "application/octet-stream");
        assert_eq!(name, "stdout");
        assert_eq!(files.debug()[ROOT], json!(dir.path().join("sandbox").display().to_string()));
        files.detach(ROOT);
        assert_eq!(files.read(&format!("{ROOT}/stdout"), 0, -1).unwrap_err().status(), 404);
    }
}
