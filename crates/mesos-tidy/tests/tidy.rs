//! Architecture and hygiene rules of ARCHITECTURE.md / STYLE.md, checked on the source text.

use std::fs;
use std::path::{Path, PathBuf};

/// Crates whose logic must stay free of I/O, clocks and OS randomness.
const PURE_CRATES: &[&str] =
    &["mesos-types", "mesos-allocator", "mesos-registry", "mesos-master-core", "mesos-agent-core"];

/// Text that has no place in a pure crate.
const FORBIDDEN_IN_PURE: &[&str] = &[
    "std::fs",
    "std::net",
    "std::thread",
    "std::process",
    "Instant::now",
    "SystemTime::now",
    "tokio",
    "hyper",
    "rand::",
    "thread_rng",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(i, line)| (i + 1, line))
}

#[test]
fn pure_crates_do_no_io() {
    let mut problems = Vec::new();
    for name in PURE_CRATES {
        let src = workspace().join("crates").join(name).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        assert!(!files.is_empty(), "no sources found for {name}");
        for file in files {
            let text = fs::read_to_string(&file).unwrap_or_default();
            for (number, line) in code_lines(&text) {
                for forbidden in FORBIDDEN_IN_PURE {
                    if line.contains(forbidden) {
                        problems.push(format!("{}:{number}: `{forbidden}` in a pure crate", file.display()));
                    }
                }
            }
        }
        let manifest =
            fs::read_to_string(workspace().join("crates").join(name).join("Cargo.toml")).unwrap_or_default();
        let dependencies = manifest.split("[dev-dependencies]").next().unwrap_or_default();
        for io_crate in ["tokio", "hyper", "reqwest", "axum", "rand"] {
            if dependencies.lines().any(|l| {
                l.trim_start().starts_with(&format!("{io_crate} "))
                    || l.trim_start().starts_with(&format!("{io_crate}."))
            }) {
                problems.push(format!("{name} depends on {io_crate}"));
            }
        }
    }
    assert!(problems.is_empty(), "pure crates must stay sans-IO:\n{}", problems.join("\n"));
}

#[test]
fn master_core_iterates_only_ordered_maps() {
    // Iteration order of a HashMap could reach an output (event order, ids) and break
    // deterministic replays; lookups-only maps live in the allocator, not here.
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/mesos-master-core/src"), &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (number, line) in code_lines(&text) {
            assert!(
                !line.contains("HashMap") && !line.contains("HashSet"),
                "{}:{number}: use BTreeMap/BTreeSet",
                file.display()
            );
        }
    }
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let mut missing = Vec::new();
    let mut files = Vec::new();
    rust_files(&workspace().join("crates"), &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let first = text.lines().find(|l| !l.trim().is_empty() && !l.starts_with("#![")).unwrap_or_default();
        if !first.starts_with("//!") {
            missing.push(file.display().to_string());
        }
    }
    assert!(missing.is_empty(), "files without a `//!` module doc:\n{}", missing.join("\n"));
}

#[test]
fn no_ignored_or_should_panic_tests() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates"), &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (number, line) in code_lines(&text) {
            let trimmed = line.trim_start();
            assert!(
                !trimmed.starts_with("#[ignore") && !trimmed.starts_with("#[should_panic"),
                "{}:{number}: tests must run and assert on errors, not panics",
                file.display()
            );
        }
    }
}
