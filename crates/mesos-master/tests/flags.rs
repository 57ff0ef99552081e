//! Master flags end to end: `--webui_dir` and `--registry_fetch_timeout` on a real master.

mod common;

use std::time::Duration;

use common::{body_text, get};
use mesos_master::flags::MasterFlags;

#[tokio::test]
async fn webui_dir_serves_the_ui_files_instead_of_the_built_in_page() {
    let ui = tempfile::tempdir().expect("ui dir");
    std::fs::write(ui.path().join("index.html"), "<html>operator's own UI</html>").expect("index");
    std::fs::create_dir_all(ui.path().join("app")).expect("app");
    std::fs::write(ui.path().join("app").join("main.js"), "console.log('ui');").expect("js");
    std::fs::create_dir_all(ui.path().join("assets")).expect("assets");
    std::fs::write(ui.path().join("assets").join("style.css"), "body {}").expect("css");
    std::fs::write(ui.path().join("secret.txt"), "not served").expect("secret");
    let m = common::master(&[&format!("--webui_dir={}", ui.path().display())]).await;

    for path in ["/", "/master/", "/master/index.html"] {
        let response = get(m.addr, path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap_or("").starts_with("text/html"));
        assert_eq!(body_text(response).await, "<html>operator's own UI</html>", "{path}");
    }
    let script = get(m.addr, "/app/main.js").await;
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"].to_str().unwrap_or("").starts_with("text/javascript"));
    assert_eq!(body_text(script).await, "console.log('ui');");
    let style = get(m.addr, "/master/assets/style.css").await;
    assert_eq!(style.status(), 200);
    assert_eq!(body_text(style).await, "body {}");
    // Only index.html, app/ and assets/ are served, and nothing outside the directory.
    assert_eq!(get(m.addr, "/app/missing.js").await.status(), 404);
    assert_eq!(get(m.addr, "/secret.txt").await.status(), 404);
    assert_eq!(get(m.addr, "/app/%2e%2e/secret.txt").await.status(), 404);
    assert_eq!(get(m.addr, "/app/../secret.txt").await.status(), 404);
    // The endpoints are still there.
    assert_eq!(get(m.addr, "/master/health").await.status(), 200);
    m.stop().await;
}

#[tokio::test]
async fn a_registry_that_cannot_be_read_in_time_stops_the_startup() {
    let work = tempfile::tempdir().expect("work dir");
    // A FIFO without a writer: opening it blocks, as a read from a stuck filesystem would.
    let fifo = work.path().join("registry");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let args = [
        "--ip=127.0.0.1".to_string(),
        "--port=0".to_string(),
        format!("--work_dir={}", work.path().display()),
        "--registry_fetch_timeout=300ms".to_string(),
    ];
    let (_, flags) = MasterFlags::load(args, std::iter::empty()).expect("flags");
    let started = tokio::time::timeout(Duration::from_secs(30), mesos_master::start(flags)).await;
    let error = match started.expect("start gives up by itself") {
        Ok(_) => panic!("the master started without its registry"),
        Err(error) => format!("{error:#}"),
    };
    assert!(error.contains("300ms") && error.contains("registry_fetch_timeout"), "{error}");
    // Let the abandoned read finish.
    let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
}
