//! The fetcher against local files and a local HTTP server.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mesos_containerizer::fetcher::{FetchError, Fetcher, UriSpec};

/// Serves `body` at every path but `/missing` (404), counting requests; stops after `max`.
fn serve(body: Vec<u8>, max: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 2048];
            let n = stream.read(&mut request).unwrap_or(0);
            count.fetch_add(1, Ordering::SeqCst);
            let head = String::from_utf8_lossy(&request[..n]).to_string();
            if head.starts_with("GET /missing") {
                let _ = stream
                    .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            } else {
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        }
    });
    (address, served)
}

fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    tar_with(files, |raw| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&raw).unwrap();
        encoder.finish().unwrap()
    })
}

fn uri(value: &str) -> UriSpec {
    UriSpec { value: value.to_string(), extract: true, ..UriSpec::default() }
}

#[test]
fn local_files_are_copied_renamed_and_made_executable() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("tool.sh");
    std::fs::write(&source, "#!/bin/sh\necho hi\n").unwrap();
    let sandbox = dir.path().join("sandbox");
    let fetcher = Fetcher::default();
    let spec = UriSpec {
        executable: true,
        output_file: Some("bin/run".into()),
        ..uri(&format!("file://{}", source.display()))
    };
    let fetched = fetcher.fetch(&spec, &sandbox).unwrap();
    assert_eq!(fetched, sandbox.join("bin/run"));
    assert_eq!(std::fs::metadata(&fetched).unwrap().permissions().mode() & 0o111, 0o111);
    let plain = fetcher.fetch(&uri(source.to_str().unwrap()), &sandbox).unwrap();
    assert_eq!(plain, sandbox.join("tool.sh"));
}

#[test]
fn http_archives_are_downloaded_and_extracted() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = serve(tar_gz(&[("app/run.sh", "echo run"), ("README", "read me")]), 2);
    let sandbox = dir.path().join("sandbox");
    Fetcher::default().fetch(&uri(&format!("{server}/releases/app.tar.gz")), &sandbox).unwrap();
    assert_eq!(std::fs::read_to_string(sandbox.join("app/run.sh")).unwrap(), "echo run");
    assert_eq!(std::fs::read_to_string(sandbox.join("README")).unwrap(), "read me");
    assert!(sandbox.join("app.tar.gz").exists(), "the archive itself is kept");
    let err = Fetcher::default().fetch(&uri(&format!("{server}/missing")), &sandbox).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, FetchError::Download { .. }) && text.contains("404") && text.contains("/missing"),
        "{text}"
    );
}

#[test]
fn zip_and_gzip_are_unpacked() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("bundle.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        zip.start_file("inside.txt", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"zipped").unwrap();
        zip.finish().unwrap();
    }
    let gz_path = dir.path().join("notes.txt.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz_path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(b"gunzipped").unwrap();
    gz.finish().unwrap();
    let sandbox = dir.path().join("sandbox");
    let fetcher = Fetcher::default();
    fetcher.fetch_all(&[uri(zip_path.to_str().unwrap()), uri(gz_path.to_str().unwrap())], &sandbox).unwrap();
    assert_eq!(std::fs::read_to_string(sandbox.join("inside.txt")).unwrap(), "zipped");
    assert_eq!(std::fs::read_to_string(sandbox.join("notes.txt")).unwrap(), "gunzipped");
    // A damaged archive says so.
    let bad = dir.path().join("broken.tar.gz");
    std::fs::write(&bad, b"not gzip").unwrap();
    let err = fetcher.fetch(&uri(bad.to_str().unwrap()), &sandbox).unwrap_err();
    assert!(matches!(err, FetchError::Extract { .. }), "{err}");
}

#[test]
fn the_cache_serves_repeats_and_stays_within_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let (server, served) = serve(vec![b'x'; 1000], 10);
    let cache = dir.path().join("cache");
    let fetcher = Fetcher { cache: Some((cache.clone(), 1500)), ..Fetcher::default() };
    let cached = |path: &str| UriSpec { cache: true, extract: false, ..uri(&format!("{server}/{path}")) };
    fetcher.fetch(&cached("a.bin"), &dir.path().join("s1")).unwrap();
    fetcher.fetch(&cached("a.bin"), &dir.path().join("s2")).unwrap();
    assert_eq!(served.load(Ordering::SeqCst), 1, "the second fetch came from the cache");
    assert_eq!(std::fs::read(dir.path().join("s2/a.bin")).unwrap().len(), 1000);
    fetcher.fetch(&cached("b.bin"), &dir.path().join("s3")).unwrap();
    let size: u64 = std::fs::read_dir(&cache).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum();
    assert!(size <= 1500, "the cache holds {size} bytes");
}

#[test]
fn bad_uris_are_refused_with_what_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = dir.path();
    let fetcher = Fetcher::default();
    let escape = UriSpec { output_file: Some("../outside".into()), ..uri("/etc/hostname") };
    assert!(matches!(fetcher.fetch(&escape, sandbox), Err(FetchError::BadOutputFile { .. })));
    assert!(matches!(
        fetcher.fetch(&uri("hdfs://nn/file"), sandbox),
        Err(FetchError::UnsupportedScheme { .. })
    ));
    assert!(matches!(
        fetcher.fetch(&uri("relative/file"), sandbox),
        Err(FetchError::RelativeWithoutHome { .. })
    ));
    let home =
        Fetcher { frameworks_home: Some(Path::new("/no/such/home").to_path_buf()), ..Fetcher::default() };
    let err = home.fetch(&uri("relative/file"), sandbox).unwrap_err().to_string();
    assert!(err.contains("/no/such/home/relative/file"), "{err}");
}

/// A tar archive of `files`, compressed by `compress`.
fn tar_with(files: &[(&str, &str)], compress: impl FnOnce(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, contents) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, contents.as_bytes()).unwrap();
    }
    compress(builder.into_inner().unwrap())
}

#[test]
fn bzip2_xz_and_plain_tarballs_are_unpacked_by_name() {
    use std::io::Write;
    let bz2 = |raw: Vec<u8>| {
        let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        encoder.write_all(&raw).unwrap();
        encoder.finish().unwrap()
    };
    let xz = |raw: Vec<u8>| {
        let mut encoder = xz2::write::XzEncoder::new(Vec::new(), 6);
        encoder.write_all(&raw).unwrap();
        encoder.finish().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a.tar.bz2", tar_with(&[("bz/one.txt", "bzip2")], bz2)),
        ("b.tbz2", tar_with(&[("tbz/one.txt", "tbz2")], bz2)),
        ("c.tar.xz", tar_with(&[("xz/one.txt", "xz")], xz)),
        ("d.txz", tar_with(&[("txz/one.txt", "txz")], xz)),
        ("e.tar", tar_with(&[("plain/one.txt", "tar")], |raw| raw)),
    ];
    let sandbox = dir.path().join("sandbox");
    for (name, bytes) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        Fetcher::default().fetch(&uri(path.to_str().unwrap()), &sandbox).unwrap();
    }
    for (inside, contents) in
        [("bz", "bzip2"), ("tbz", "tbz2"), ("xz", "xz"), ("txz", "txz"), ("plain", "tar")]
    {
        assert_eq!(std::fs::read_to_string(sandbox.join(inside).join("one.txt")).unwrap(), contents);
    }
    // A damaged archive says so and names itself.
    let broken = dir.path().join("broken.tar.xz");
    std::fs::write(&broken, b"not xz at all").unwrap();
    let error = Fetcher::default().fetch(&uri(broken.to_str().unwrap()), &sandbox).unwrap_err();
    assert!(
        matches!(error, FetchError::Extract { .. }) && error.to_string().contains("broken.tar.xz"),
        "{error}"
    );
}
