//! The `/files` endpoints (operator-api.md §2.6): browse, read (with offset/length paging, as
//! the web UI and CLIs use to tail logs), download and debug, over *virtual* paths attached
//! to real directories (sandboxes, the agent log).
//!
//! A request resolves against the longest attached prefix; the remainder may not contain `..`.
//! The remainder is then opened **once**, beneath a handle on the attached directory, and
//! everything after that (file type, size, contents, directory listing) is asked of the open
//! handle, never of the name again: a task that swaps a directory for a link between a check
//! and a use gains nothing. Opening beneath uses `openat2(RESOLVE_BENEATH |
//! RESOLVE_NO_MAGICLINKS)` where the kernel has it (Linux 5.6+) and otherwise
//! [`walk_beneath`], a component-by-component walk with `O_NOFOLLOW` that gives the same
//! answers. Either way symbolic links inside a sandbox are followed while they stay inside it
//! and are *relative* (`logs -> run/1/logs`, `../stdout` from a subdirectory); absolute links
//! (even ones naming a file inside the sandbox) and relative ones climbing above the attached
//! directory are refused with 400.
//!
//! Only regular files are read or downloaded and only directories (or a regular file's own
//! entry) are browsed; a FIFO, socket or device is refused with 400 naming its kind, having
//! been looked at only through an `O_PATH` handle, so nothing can block on it. Every open is
//! `O_NONBLOCK | O_CLOEXEC | O_NOCTTY`. These functions do blocking I/O: the HTTP glue calls
//! them on tokio's blocking pool, and downloads are streamed from there in
//! [`DOWNLOAD_CHUNK`]-sized pieces by [`DownloadBody`], so memory stays bounded whatever the
//! file's size.

use std::collections::{BTreeMap, VecDeque};
use std::ffi::OsStr;
use std::fs;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use rustix::fs::{AtFlags, FileType, Mode, OFlags, ResolveFlags, Stat};
use rustix::io::Errno;
use serde_json::{Value, json};

/// Largest read answered at once (Mesos: 16 pages).
pub const MAX_READ: u64 = 16 * 4096;

/// How much of a file one step of a download reads (and so holds in memory).
pub const DOWNLOAD_CHUNK: u64 = 64 * 1024;

/// How many symbolic links one lookup may follow: the kernel's limit, so that
/// [`walk_beneath`] gives up where `openat2` does.
const MAX_LINKS: usize = 40;

/// Set once `openat2` turned out to be missing (old kernel, or a seccomp filter refusing it),
/// so later lookups go straight to the walk.
static OPENAT2_MISSING: AtomicBool = AtomicBool::new(false);

/// Why a files request failed; each maps to an HTTP status.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FilesError {
    /// 400: a missing or malformed parameter, a path leaving its attachment, or the wrong
    /// kind of file.
    #[error("{0}")]
    BadRequest(String),
    /// 403: the agent may not open it.
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing at that virtual path.
    #[error("{0}")]
    NotFound(String),
    /// 500: the file system failed in some other way.
    #[error("{0}")]
    Io(String),
}

impl FilesError {
    /// The HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            FilesError::BadRequest(_) => 400,
            FilesError::Forbidden(_) => 403,
            FilesError::NotFound(_) => 404,
            FilesError::Io(_) => 500,
        }
    }
}

/// How a path is opened beneath an attachment's directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Resolver {
    /// `openat2` where the kernel has it, else [`walk_beneath`].
    #[default]
    Auto,
    /// Always `openat2` (fails with `ENOSYS` on kernels before 5.6).
    Openat2,
    /// Always [`walk_beneath`].
    Walk,
}

/// Opens `relative` beneath the directory `root` with `flags` (`O_CLOEXEC` is added), by
/// the means `resolver` says. Fails with `EXDEV` if the path or a link on it leads out of
/// `root` or a link is absolute, `ELOOP` after too many links.
pub fn open_beneath(
    resolver: Resolver,
    root: BorrowedFd<'_>,
    relative: &Path,
    flags: OFlags,
) -> rustix::io::Result<OwnedFd> {
    match resolver {
        Resolver::Walk => walk_beneath(root, relative, flags),
        Resolver::Openat2 => openat2_beneath(root, relative, flags),
        Resolver::Auto if OPENAT2_MISSING.load(Ordering::Relaxed) => walk_beneath(root, relative, flags),
        Resolver::Auto => match openat2_beneath(root, relative, flags) {
            // A read-only open never fails with EPERM for a file's sake; seccomp filters
            // written before openat2 existed answer EPERM for it.
            Err(Errno::NOSYS | Errno::PERM) => {
                OPENAT2_MISSING.store(true, Ordering::Relaxed);
                walk_beneath(root, relative, flags)
            }
            other => other,
        },
    }
}

/// Whether this kernel lets us use `openat2` (as far as we have found out so far).
pub fn openat2_available() -> bool {
    !OPENAT2_MISSING.load(Ordering::Relaxed)
}

fn openat2_beneath(root: BorrowedFd<'_>, relative: &Path, flags: OFlags) -> rustix::io::Result<OwnedFd> {
    let path = if relative.as_os_str().is_empty() { Path::new(".") } else { relative };
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
    // EAGAIN means the kernel saw a rename race while resolving `..` and wants a retry.
    let mut result = Err(Errno::AGAIN);
    for _ in 0..16 {
        result = rustix::fs::openat2(root, path, flags | OFlags::CLOEXEC, Mode::empty(), resolve);
        if !matches!(result, Err(Errno::AGAIN)) {
            break;
        }
    }
    result
}

/// Opens `relative` beneath `root` one component at a time, for kernels without `openat2`,
/// with `RESOLVE_BENEATH`'s answers: each component is opened with `O_NOFOLLOW` relative to
/// the directory handle reached so far; a link is read through its own handle and its
/// (relative) target walked in its place; `..` steps back to the previous handle instead of
/// opening the real parent, so nothing can lead the walk above `root`. The last component is
/// opened with `flags` and `O_NOFOLLOW`, so if it became a link after it was looked at, the
/// open fails (`ELOOP`) rather than following it.
pub fn walk_beneath(root: BorrowedFd<'_>, relative: &Path, flags: OFlags) -> rustix::io::Result<OwnedFd> {
    let mut dirs: Vec<OwnedFd> = Vec::new();
    let mut pending = components(relative.as_os_str().as_bytes());
    let mut links = 0;
    loop {
        let here = dirs.last().map(|dir| dir.as_fd()).unwrap_or(root);
        let Some(name) = pending.pop_front() else {
            // Nothing left: the path named the directory reached last.
            return rustix::fs::openat(here, ".", flags | OFlags::CLOEXEC, Mode::empty());
        };
        match name.as_slice() {
            b"." => continue,
            b".." => {
                if dirs.pop().is_none() {
                    return Err(Errno::XDEV);
                }
                continue;
            }
            _ => {}
        }
        let name = OsStr::from_bytes(&name);
        let node =
            rustix::fs::openat(here, name, OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())?;
        let kind = FileType::from_raw_mode(rustix::fs::fstat(&node)?.st_mode);
        if kind == FileType::Symlink {
            links += 1;
            if links > MAX_LINKS {
                return Err(Errno::LOOP);
            }
            // Read through the link's own handle: the name may already point elsewhere.
            let target = rustix::fs::readlinkat(&node, "", Vec::new())?;
            let target = target.as_bytes();
            if target.starts_with(b"/") {
                return Err(Errno::XDEV);
            }
            for part in components(target).into_iter().rev() {
                pending.push_front(part);
            }
            continue;
        }
        if !pending.is_empty() {
            if kind != FileType::Directory {
                return Err(Errno::NOTDIR);
            }
            dirs.push(node);
            continue;
        }
        if flags.contains(OFlags::PATH) {
            if flags.contains(OFlags::DIRECTORY) && kind != FileType::Directory {
                return Err(Errno::NOTDIR);
            }
            return Ok(node);
        }
        return rustix::fs::openat(here, name, flags | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty());
    }
}

fn components(path: &[u8]) -> VecDeque<Vec<u8>> {
    path.split(|b| *b == b'/').filter(|part| !part.is_empty()).map(<[u8]>::to_vec).collect()
}

/// What `fstat` said about an open file, in the fields `/files` shows.
#[derive(Debug, Clone, Copy)]
struct Info {
    kind: FileType,
    mode: u32,
    nlink: u64,
    size: u64,
    mtime: i64,
    uid: u32,
    gid: u32,
}

impl Info {
    // The field types of `struct stat` differ between architectures; on some the casts are
    // no-ops.
    #[allow(clippy::unnecessary_cast)]
    fn of(stat: &Stat) -> Info {
        Info {
            kind: FileType::from_raw_mode(stat.st_mode as _),
            mode: stat.st_mode as u32,
            nlink: stat.st_nlink as u64,
            size: u64::try_from(stat.st_size).unwrap_or(0),
            mtime: stat.st_mtime as i64,
            uid: stat.st_uid as u32,
            gid: stat.st_gid as u32,
        }
    }
}

/// The kind of a file as a message names it.
fn kind_name(kind: FileType) -> &'static str {
    match kind {
        FileType::RegularFile => "a regular file",
        FileType::Directory => "a directory",
        FileType::Symlink => "a symbolic link",
        FileType::Fifo => "a named pipe (FIFO)",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Unknown => "a special file",
    }
}

/// A file opened for `/files/download`: the handle, its size when opened, and what the
/// response says about it.
#[derive(Debug)]
pub struct Download {
    /// The open regular file.
    pub file: fs::File,
    /// Its size when it was opened; the download sends exactly this many bytes.
    pub size: u64,
    /// From the name's extension.
    pub content_type: &'static str,
    /// The last component of the requested path.
    pub name: String,
}

impl Download {
    /// The response body: the file's first `size` bytes, read [`DOWNLOAD_CHUNK`] at a time on
    /// tokio's blocking pool, one chunk in flight, so memory stays bounded.
    pub fn into_body(self) -> DownloadBody {
        DownloadBody { file: Arc::new(self.file), offset: 0, end: self.size, pending: None }
    }
}

/// A streamed download (see [`Download::into_body`]). If the file shrinks or a read fails,
/// the body ends early, and the server closes the connection short of the promised
/// `Content-Length`, so the client cannot mistake the result for the whole file.
#[derive(Debug)]
pub struct DownloadBody {
    file: Arc<fs::File>,
    offset: u64,
    end: u64,
    pending: Option<tokio::task::JoinHandle<std::io::Result<Vec<u8>>>>,
}

impl Body for DownloadBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if this.offset >= this.end {
            return Poll::Ready(None);
        }
        let (file, offset, end) = (&this.file, this.offset, this.end);
        let pending = this.pending.get_or_insert_with(|| {
            let file = file.clone();
            let length = (end - offset).min(DOWNLOAD_CHUNK);
            tokio::task::spawn_blocking(move || read_at(&file, offset, length))
        });
        let result = ready!(Pin::new(pending).poll(cx));
        this.pending = None;
        match result {
            Ok(Ok(chunk)) if !chunk.is_empty() => {
                this.offset += chunk.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
            }
            _ => {
                this.offset = this.end;
                Poll::Ready(None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.offset >= self.end
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.end.saturating_sub(self.offset))
    }
}

/// Up to `length` bytes from `offset`, fewer only at the end of the file.
fn read_at(file: &fs::File, offset: u64, length: u64) -> std::io::Result<Vec<u8>> {
    let mut data = vec![0u8; usize::try_from(length).unwrap_or(usize::MAX)];
    let mut filled = 0;
    while filled < data.len() {
        match file.read_at(&mut data[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    data.truncate(filled);
    Ok(data)
}

/// What a request wants of the file it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Read or download: a regular file.
    Contents,
    /// Browse: a directory, or a regular file's own entry.
    Listing,
}

/// The attached virtual paths.
#[derive(Debug, Default)]
pub struct Files {
    attached: RwLock<BTreeMap<String, PathBuf>>,
    resolver: Resolver,
}

impl Files {
    /// No paths attached; paths resolve with [`Resolver::Auto`].
    pub fn new() -> Files {
        Files::default()
    }

    /// No paths attached; paths resolve with `resolver` (tests use this to exercise both).
    pub fn with_resolver(resolver: Resolver) -> Files {
        Files { attached: RwLock::default(), resolver }
    }

    /// Makes `real` reachable as `virtual_path`. `real` is trusted (the agent made it), and
    /// is opened following links; only what lies beneath it is confined.
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

    /// The attached directory behind a virtual path and the remainder below it, which holds
    /// only plain names (no `..`, no `.`).
    fn locate(&self, path: &str) -> Result<(PathBuf, PathBuf), FilesError> {
        let wanted = normalize(path);
        let attached = self.snapshot();
        let (prefix, root) = attached
            .iter()
            .filter(|(prefix, _)| {
                wanted == **prefix || wanted.starts_with(&format!("{}/", prefix.trim_end_matches('/')))
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .ok_or_else(|| not_found(path))?;
        let rest = Path::new(wanted[prefix.len()..].trim_start_matches('/'));
        if rest.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(FilesError::BadRequest(format!("Path '{path}' leaves the attached directory")));
        }
        Ok((root.clone(), rest.to_path_buf()))
    }

    /// Opens what `path` names, beneath its attachment, for `purpose`; the handle and what
    /// `fstat` says of it.
    fn open(&self, path: &str, purpose: Purpose) -> Result<(OwnedFd, Info), FilesError> {
        let (root, relative) = self.locate(path)?;
        let root = rustix::fs::open(&root, OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| open_error(e, path))?;
        // First an O_PATH handle, which opens nothing: a FIFO, socket or device is refused
        // before anything could block on it or wake a driver.
        let probe = open_beneath(self.resolver, root.as_fd(), &relative, OFlags::PATH)
            .map_err(|e| open_error(e, path))?;
        let probed = Info::of(&rustix::fs::fstat(&probe).map_err(|e| open_error(e, path))?);
        servable(probed.kind, purpose, path)?;
        if purpose == Purpose::Listing && probed.kind == FileType::RegularFile {
            return Ok((probe, probed));
        }
        let mut flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY;
        if probed.kind == FileType::Directory {
            flags |= OFlags::DIRECTORY;
        }
        // Opened by name a second time (still beneath the root), so the path may have
        // changed since the probe: only what this handle says counts from here on.
        let fd =
            open_beneath(self.resolver, root.as_fd(), &relative, flags).map_err(|e| open_error(e, path))?;
        let info = Info::of(&rustix::fs::fstat(&fd).map_err(|e| open_error(e, path))?);
        servable(info.kind, purpose, path)?;
        Ok((fd, info))
    }

    /// `/files/browse`: the entries of a directory (a regular file: its own entry). Entries
    /// are described as they are, links included, without following them.
    pub fn browse(&self, path: &str) -> Result<Value, FilesError> {
        let (fd, info) = self.open(path, Purpose::Listing)?;
        let base = normalize(path);
        let mut entries: Vec<(String, Info)> = Vec::new();
        if info.kind == FileType::Directory {
            // `read_from` reopens "." of this very handle, not the path.
            let dir = rustix::fs::Dir::read_from(&fd).map_err(|e| open_error(e, path))?;
            for entry in dir {
                let entry = entry.map_err(|e| open_error(e, path))?;
                let name = entry.file_name();
                if name.to_bytes() == b"." || name.to_bytes() == b".." {
                    continue;
                }
                // An entry removed while we list is simply left out.
                let Ok(stat) = rustix::fs::statat(&fd, name, AtFlags::SYMLINK_NOFOLLOW) else { continue };
                let name = String::from_utf8_lossy(name.to_bytes()).into_owned();
                entries.push((format!("{}/{name}", base.trim_end_matches('/')), Info::of(&stat)));
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        } else {
            entries.push((base, info));
        }
        let users = names("/etc/passwd");
        let groups = names("/etc/group");
        let listing: Vec<Value> = entries
            .into_iter()
            .map(|(path, info)| {
                json!({
                    "path": path,
                    "nlink": info.nlink,
                    "size": info.size,
                    "mtime": info.mtime,
                    "mode": mode_string(&info),
                    "uid": users.get(&info.uid).cloned().unwrap_or_else(|| info.uid.to_string()),
                    "gid": groups.get(&info.gid).cloned().unwrap_or_else(|| info.gid.to_string()),
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
        let (fd, info) = self.open(path, Purpose::Contents)?;
        let size = info.size;
        if offset == -1 {
            return Ok(json!({"offset": size, "data": ""}));
        }
        let offset = offset as u64;
        if offset >= size {
            return Ok(json!({"offset": offset, "data": ""}));
        }
        let wanted = if length == -1 { size - offset } else { (length as u64).min(size - offset) };
        let data = read_at(&fs::File::from(fd), offset, wanted.min(MAX_READ))
            .map_err(|e| FilesError::Io(format!("Failed to read '{path}': {e}")))?;
        Ok(json!({"offset": offset, "data": String::from_utf8_lossy(&data)}))
    }

    /// `/files/download`: the open file, with its size, a content type from its extension
    /// and its name; [`Download::into_body`] streams it.
    pub fn download(&self, path: &str) -> Result<Download, FilesError> {
        let (fd, info) = self.open(path, Purpose::Contents)?;
        let wanted = normalize(path);
        let name = wanted.rsplit('/').next().unwrap_or_default().to_string();
        let content_type = match Path::new(&name).extension().and_then(|e| e.to_str()) {
            Some("txt" | "log") => "text/plain",
            Some("json") => "application/json",
            Some("html" | "htm") => "text/html",
            Some("gz" | "tgz") => "application/gzip",
            Some("tar") => "application/x-tar",
            Some("zip") => "application/zip",
            _ => "application/octet-stream",
        };
        Ok(Download { file: fs::File::from(fd), size: info.size, content_type, name })
    }

    /// `/files/debug`: virtual path → real path.
    pub fn debug(&self) -> Value {
        let map: serde_json::Map<String, Value> =
            self.snapshot().into_iter().map(|(k, v)| (k, json!(v.display().to_string()))).collect();
        Value::Object(map)
    }
}

/// Refuses what `purpose` may not serve, naming its kind.
fn servable(kind: FileType, purpose: Purpose, path: &str) -> Result<(), FilesError> {
    match (kind, purpose) {
        (FileType::RegularFile, _) | (FileType::Directory, Purpose::Listing) => Ok(()),
        (FileType::Directory, Purpose::Contents) => {
            Err(FilesError::BadRequest(format!("Cannot read a directory: '{path}'")))
        }
        (other, _) => Err(FilesError::BadRequest(format!(
            "'{path}' is {}; only regular files and directories are served",
            kind_name(other)
        ))),
    }
}

fn not_found(path: &str) -> FilesError {
    FilesError::NotFound(format!("No file or directory found at path '{path}'"))
}

fn open_error(errno: Errno, path: &str) -> FilesError {
    match errno {
        Errno::NOENT | Errno::NOTDIR => not_found(path),
        Errno::XDEV => FilesError::BadRequest(format!(
            "Path '{path}' leaves the attached directory (an absolute link, or a link climbing out of it)"
        )),
        Errno::LOOP => FilesError::BadRequest(format!("Path '{path}': too many levels of symbolic links")),
        // Only a socket answers ENXIO to an open; it appeared after the probe.
        Errno::NXIO => FilesError::BadRequest(format!(
            "'{path}' is {}; only regular files and directories are served",
            kind_name(FileType::Socket)
        )),
        Errno::ACCESS | Errno::PERM => FilesError::Forbidden(format!("Permission denied: '{path}'")),
        other => FilesError::Io(format!("Failed to open '{path}': {other}")),
    }
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

fn mode_string(info: &Info) -> String {
    let kind = match info.kind {
        FileType::Directory => 'd',
        FileType::Symlink => 'l',
        FileType::Fifo => 'p',
        FileType::Socket => 's',
        FileType::CharacterDevice => 'c',
        FileType::BlockDevice => 'b',
        FileType::RegularFile | FileType::Unknown => '-',
    };
    let mut out = String::with_capacity(10);
    out.push(kind);
    for shift in [6, 3, 0] {
        let bits = (info.mode >> shift) & 0o7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        out.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    out
}
#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, symlink};
    use std::time::Duration;

    const ROOT: &str = "/frameworks/f/executors/e/runs/latest";

    /// A sandbox next to a secret, with links of every sort:
    /// `escape -> <abs secret>`, `abs_inside -> <abs sandbox/stdout>`, `rel -> sub/file`,
    /// `rel_dir -> sub`, `sub/back -> ../stdout`, `sub/up -> ../../secret`, `etc -> /etc`,
    /// `parent -> ..`, `loop -> loop`, `dangling -> nowhere`.
    fn setup(resolver: Resolver) -> (tempfile::TempDir, Files) {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = dir.path().join("sandbox");
        fs::create_dir_all(sandbox.join("sub")).unwrap();
        fs::write(sandbox.join("stdout"), "hello world").unwrap();
        fs::write(sandbox.join("sub/file"), "inside").unwrap();
        fs::write(dir.path().join("secret"), "do not read").unwrap();
        symlink(dir.path().join("secret"), sandbox.join("escape")).unwrap();
        symlink(sandbox.join("stdout"), sandbox.join("abs_inside")).unwrap();
        symlink("sub/file", sandbox.join("rel")).unwrap();
        symlink("sub", sandbox.join("rel_dir")).unwrap();
        symlink("../stdout", sandbox.join("sub/back")).unwrap();
        symlink("../../secret", sandbox.join("sub/up")).unwrap();
        symlink("/etc", sandbox.join("etc")).unwrap();
        symlink("..", sandbox.join("parent")).unwrap();
        symlink("loop", sandbox.join("loop")).unwrap();
        symlink("nowhere", sandbox.join("dangling")).unwrap();
        let files = Files::with_resolver(resolver);
        files.attach(ROOT, &sandbox);
        (dir, files)
    }

    /// Every resolver this kernel can run: the walk always, openat2 where it exists.
    fn resolvers() -> Vec<Resolver> {
        let probe = tempfile::tempdir().unwrap();
        let root = rustix::fs::open(probe.path(), OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        match openat2_beneath(root.as_fd(), Path::new(""), OFlags::PATH) {
            Err(Errno::NOSYS) => vec![Resolver::Walk, Resolver::Auto],
            _ => vec![Resolver::Walk, Resolver::Openat2, Resolver::Auto],
        }
    }

    fn read_all(files: &Files, path: &str) -> Result<String, FilesError> {
        files.read(&format!("{ROOT}/{path}"), 0, -1).map(|v| v["data"].as_str().unwrap_or("").to_string())
    }

    /// Runs `work` on a thread and fails (instead of hanging) if it blocks.
    fn promptly<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(work());
        });
        rx.recv_timeout(Duration::from_secs(10)).expect("the call blocked")
    }

    #[test]
    fn reads_page_through_a_file() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            let path = format!("{ROOT}/stdout");
            assert_eq!(files.read(&path, -1, -1).unwrap(), json!({"offset": 11, "data": ""}));
            assert_eq!(files.read(&path, 0, 5).unwrap(), json!({"offset": 0, "data": "hello"}));
            assert_eq!(files.read(&path, 6, -1).unwrap(), json!({"offset": 6, "data": "world"}));
            assert_eq!(files.read(&path, 50, 5).unwrap(), json!({"offset": 50, "data": ""}));
            assert_eq!(files.read(&path, -2, 5).unwrap_err().status(), 400);
        }
    }

    #[test]
    fn browsing_lists_entries_with_mesos_fields() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            let listing = files.browse(ROOT).unwrap();
            let entries = listing.as_array().unwrap();
            let stdout = entries.iter().find(|e| e["path"] == format!("{ROOT}/stdout")).unwrap();
            assert_eq!(stdout["size"], 11);
            assert_eq!(stdout["mode"].as_str().unwrap().len(), 10);
            assert!(stdout["mode"].as_str().unwrap().starts_with('-'));
            let sub = entries.iter().find(|e| e["path"] == format!("{ROOT}/sub")).unwrap();
            assert!(sub["mode"].as_str().unwrap().starts_with('d'));
            let link = entries.iter().find(|e| e["path"] == format!("{ROOT}/etc")).unwrap();
            assert!(
                link["mode"].as_str().unwrap().starts_with('l'),
                "links are listed, not followed: {link}"
            );
            let file = files.browse(&format!("{ROOT}/stdout")).unwrap();
            assert_eq!(file[0]["path"], format!("{ROOT}/stdout"), "a file browses as its own entry");
        }
    }

    #[test]
    fn no_path_escapes_its_attachment() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            for path in ["../secret", "escape", "sub/up", "etc/passwd", "parent/secret", "sub/../../secret"] {
                let refused = read_all(&files, path).expect_err(path);
                assert_eq!(refused.status(), 400, "{resolver:?} {path}: {refused}");
                let refused = files.download(&format!("{ROOT}/{path}")).expect_err(path);
                assert_eq!(refused.status(), 400, "{resolver:?} {path}: {refused}");
            }
            assert_eq!(files.read("/elsewhere/file", 0, -1).unwrap_err().status(), 404);
        }
    }

    #[test]
    fn absolute_links_are_refused_even_when_they_point_inside() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            let refused = read_all(&files, "abs_inside").unwrap_err();
            assert_eq!(refused.status(), 400, "{resolver:?}: {refused}");
            assert!(refused.to_string().contains("leaves the attached directory"), "{refused}");
        }
    }

    #[test]
    fn relative_links_that_stay_inside_are_followed() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            assert_eq!(read_all(&files, "rel").unwrap(), "inside", "{resolver:?}");
            assert_eq!(read_all(&files, "sub/back").unwrap(), "hello world", "{resolver:?}");
            assert_eq!(read_all(&files, "rel_dir/back").unwrap(), "hello world", "{resolver:?}");
            let listing = files.browse(&format!("{ROOT}/rel_dir")).unwrap();
            let paths: Vec<&str> =
                listing.as_array().unwrap().iter().filter_map(|e| e["path"].as_str()).collect();
            assert_eq!(
                paths,
                [
                    format!("{ROOT}/rel_dir/back"),
                    format!("{ROOT}/rel_dir/file"),
                    format!("{ROOT}/rel_dir/up")
                ]
            );
        }
    }

    #[test]
    fn browsing_does_not_follow_an_escaping_link_for_the_listed_directory() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            for path in ["etc", "parent", "sub/up"] {
                let refused = files.browse(&format!("{ROOT}/{path}")).expect_err(path);
                assert_eq!(refused.status(), 400, "{resolver:?} {path}: {refused}");
            }
        }
    }

    #[test]
    fn loops_missing_and_dangling_paths() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            assert_eq!(read_all(&files, "loop").unwrap_err().status(), 400, "{resolver:?}");
            for path in ["dangling", "missing", "stdout/below", "sub/missing"] {
                assert_eq!(read_all(&files, path).unwrap_err().status(), 404, "{resolver:?} {path}");
            }
        }
    }

    #[test]
    fn directories_are_not_read_or_downloaded() {
        for resolver in resolvers() {
            let (_dir, files) = setup(resolver);
            for path in [ROOT.to_string(), format!("{ROOT}/sub"), format!("{ROOT}/rel_dir")] {
                let refused = files.read(&path, 0, 5).unwrap_err();
                assert_eq!(refused.status(), 400, "{path}");
                assert!(refused.to_string().contains("directory"), "{refused}");
                assert_eq!(files.download(&path).unwrap_err().status(), 400, "{path}");
            }
        }
    }

    #[test]
    fn a_fifo_without_a_writer_is_refused_without_blocking() {
        for resolver in resolvers() {
            let (dir, files) = setup(resolver);
            let sandbox = dir.path().join("sandbox");
            rustix::fs::mknodat(rustix::fs::CWD, sandbox.join("fifo"), FileType::Fifo, Mode::from(0o644), 0)
                .unwrap();
            symlink("fifo", sandbox.join("to_fifo")).unwrap();
            let files = Arc::new(files);
            for path in ["fifo", "to_fifo"] {
                let path = format!("{ROOT}/{path}");
                let (f, p) = (files.clone(), path.clone());
                let refused = promptly(move || f.read(&p, 0, -1)).unwrap_err();
                assert_eq!(refused.status(), 400, "{resolver:?}");
                assert!(refused.to_string().contains("named pipe"), "{refused}");
                let (f, p) = (files.clone(), path.clone());
                assert_eq!(promptly(move || f.download(&p)).unwrap_err().status(), 400);
                let (f, p) = (files.clone(), path.clone());
                assert_eq!(promptly(move || f.browse(&p)).unwrap_err().status(), 400);
            }
            let listing = files.browse(ROOT).unwrap();
            let fifo =
                listing.as_array().unwrap().iter().find(|e| e["path"] == format!("{ROOT}/fifo")).unwrap();
            assert!(fifo["mode"].as_str().unwrap().starts_with('p'), "{fifo}");
            drop(dir);
        }
    }

    #[test]
    fn sockets_and_devices_are_refused_by_kind() {
        for resolver in resolvers() {
            let (dir, files) = setup(resolver);
            let sandbox = dir.path().join("sandbox");
            let _socket = std::os::unix::net::UnixListener::bind(sandbox.join("sock")).unwrap();
            let refused = read_all(&files, "sock").unwrap_err();
            assert_eq!(refused.status(), 400);
            assert!(refused.to_string().contains("a socket"), "{refused}");
            assert_eq!(files.download(&format!("{ROOT}/sock")).unwrap_err().status(), 400);
            // /dev/null's numbers; making a device needs CAP_MKNOD, which the test may lack.
            let null = rustix::fs::makedev(1, 3);
            match rustix::fs::mknodat(
                rustix::fs::CWD,
                sandbox.join("null"),
                FileType::CharacterDevice,
                Mode::from(0o644),
                null,
            ) {
                Ok(()) => {
                    let refused = read_all(&files, "null").unwrap_err();
                    assert_eq!(refused.status(), 400);
                    assert!(refused.to_string().contains("character device"), "{refused}");
                }
                Err(e) => assert_eq!(e, Errno::PERM, "mknod failed for another reason"),
            }
        }
    }

    /// `(dev, ino)` of what was opened, or the error: the walk must answer exactly as openat2.
    fn outcome(result: rustix::io::Result<OwnedFd>) -> Result<(u64, u64), Errno> {
        result.map(|fd| {
            let metadata = fs::File::from(fd).metadata().unwrap();
            (metadata.dev(), metadata.ino())
        })
    }

    #[test]
    fn the_walk_answers_as_openat2_does() {
        let (dir, _files) = setup(Resolver::Walk);
        let root =
            rustix::fs::open(dir.path().join("sandbox"), OFlags::PATH | OFlags::DIRECTORY, Mode::empty())
                .unwrap();
        let cases: [(&str, Result<(), Errno>); 19] = [
            ("", Ok(())),
            ("stdout", Ok(())),
            ("sub", Ok(())),
            ("sub/file", Ok(())),
            ("sub/../stdout", Ok(())),
            ("./sub/./file", Ok(())),
            ("rel", Ok(())),
            ("rel_dir/back", Ok(())),
            ("sub/back", Ok(())),
            ("..", Err(Errno::XDEV)),
            ("sub/../../secret", Err(Errno::XDEV)),
            ("escape", Err(Errno::XDEV)),
            ("abs_inside", Err(Errno::XDEV)),
            ("sub/up", Err(Errno::XDEV)),
            ("etc/passwd", Err(Errno::XDEV)),
            ("parent", Err(Errno::XDEV)),
            ("loop", Err(Errno::LOOP)),
            ("dangling", Err(Errno::NOENT)),
            ("stdout/x", Err(Errno::NOTDIR)),
        ];
        let has_openat2 = resolvers().contains(&Resolver::Openat2);
        for (path, expected) in cases {
            for flags in [OFlags::PATH, OFlags::RDONLY | OFlags::NONBLOCK] {
                let walked = outcome(walk_beneath(root.as_fd(), Path::new(path), flags));
                assert_eq!(walked.map(|_| ()), expected, "walk {path} {flags:?}");
                if has_openat2 {
                    let kernel = outcome(openat2_beneath(root.as_fd(), Path::new(path), flags));
                    assert_eq!(walked, kernel, "walk and openat2 differ on {path} {flags:?}");
                }
            }
        }
        let sub = fs::metadata(dir.path().join("sandbox/sub/file")).unwrap();
        let walked = outcome(walk_beneath(root.as_fd(), Path::new("rel"), OFlags::PATH)).unwrap();
        assert_eq!(walked, (sub.dev(), sub.ino()), "the link led to its target");
    }

    #[tokio::test]
    async fn downloads_stream_the_size_opened_in_chunks() {
        use http_body_util::BodyExt;
        for resolver in resolvers() {
            let (dir, files) = setup(resolver);
            let big: Vec<u8> = (0..(3 * DOWNLOAD_CHUNK + 17)).map(|i| (i % 251) as u8).collect();
            fs::write(dir.path().join("sandbox/big.log"), &big).unwrap();
            let download = files.download(&format!("{ROOT}/big.log")).unwrap();
            assert_eq!(
                (download.size, download.content_type, download.name.as_str()),
                (big.len() as u64, "text/plain", "big.log")
            );
            let mut body = download.into_body();
            assert_eq!(body.size_hint().exact(), Some(big.len() as u64));
            let mut received = Vec::new();
            let mut frames = 0;
            while let Some(frame) = body.frame().await {
                let data = frame.unwrap().into_data().unwrap();
                assert!(data.len() as u64 <= DOWNLOAD_CHUNK, "bounded chunks");
                received.extend_from_slice(&data);
                frames += 1;
            }
            assert_eq!(received, big);
            assert_eq!(frames, 4);

            // Growth after opening is not sent: the Content-Length promised stays true.
            let download = files.download(&format!("{ROOT}/stdout")).unwrap();
            fs::write(dir.path().join("sandbox/stdout"), "hello world, and more").unwrap();
            let bytes = download.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(&bytes[..], b"hello world");
        }
    }

    #[test]
    fn debug_and_detach() {
        let (dir, files) = setup(Resolver::Auto);
        assert_eq!(files.debug()[ROOT], json!(dir.path().join("sandbox").display().to_string()));
        files.detach(ROOT);
        assert_eq!(files.read(&format!("{ROOT}/stdout"), 0, -1).unwrap_err().status(), 404);
    }
}
