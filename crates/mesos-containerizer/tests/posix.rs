//! The posix launcher with real processes.

use std::time::Duration;

use mesos_containerizer::{Container, LaunchSpec, usage};

fn spec(dir: &std::path::Path, command: &str) -> LaunchSpec {
    LaunchSpec {
        sandbox: dir.join("sandbox"),
        shell: true,
        value: command.to_string(),
        arguments: vec![],
        environment: vec![("GREETING".into(), "hello".into()), ("PATH".into(), "/usr/bin:/bin".into())],
        user: None,
        grouping: mesos_containerizer::Grouping::Session,
    }
}

#[tokio::test]
async fn a_container_runs_as_the_named_user_who_owns_its_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let Ok((uid, _)) = mesos_containerizer::resolve_user("nobody") else {
        // Not root: switching is refused with a message saying so.
        let error =
            Container::launch(&LaunchSpec { user: Some("nobody".into()), ..spec(dir.path(), "true") })
                .expect_err("refused");
        assert!(error.to_string().contains("root"), "{error}");
        return;
    };
    // The sandbox's parent must be traversable by the user.
    let mut permissions = std::fs::metadata(dir.path()).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(dir.path(), permissions).unwrap();
    let mut container = Container::launch(&LaunchSpec {
        user: Some("nobody".into()),
        ..spec(dir.path(), "id -u; touch mine")
    })
    .expect("launch");
    assert!(container.wait().await.unwrap().success());
    let out = std::fs::read_to_string(dir.path().join("sandbox/stdout")).unwrap();
    assert_eq!(out.trim(), uid.to_string());
    let owner =
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(dir.path().join("sandbox/mine")).unwrap());
    assert_eq!(owner, uid);
    let error =
        Container::launch(&LaunchSpec { user: Some("no-such-user-x".into()), ..spec(dir.path(), "true") })
            .expect_err("unknown user");
    assert!(error.to_string().contains("no-such-user-x"), "{error}");
}

#[tokio::test]
async fn output_goes_to_the_sandbox_with_the_given_environment() {
    let dir = tempfile::tempdir().unwrap();
    let mut container =
        Container::launch(&spec(dir.path(), "echo $GREETING; echo oops >&2; pwd; exit 3")).unwrap();
    let status = container.wait().await.unwrap();
    assert_eq!(status.code(), Some(3));
    let stdout = std::fs::read_to_string(dir.path().join("sandbox/stdout")).unwrap();
    let sandbox = dir.path().join("sandbox").canonicalize().unwrap();
    assert_eq!(stdout, format!("hello\n{}\n", sandbox.display()));
    assert_eq!(std::fs::read_to_string(dir.path().join("sandbox/stderr")).unwrap(), "oops\n");
}

#[tokio::test]
async fn each_container_has_its_own_process_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut container = Container::launch(&spec(dir.path(), "sleep 30")).unwrap();
    let pid = container.pid();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let pgrp: u32 = stat.rsplit_once(')').unwrap().1.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert_eq!(pgrp, pid, "the executor leads its own group");
    assert_ne!(pgrp, std::process::id());
    assert!(usage(pid).is_some());
    container.kill(Duration::from_secs(5)).await.unwrap();
}

#[tokio::test]
async fn usage_covers_the_whole_session_even_a_child_whose_parent_exited() {
    let dir = tempfile::tempdir().unwrap();
    // A subshell starts the memory hog and exits at once, so the hog is re-parented away from
    // the executor; the executor itself is a small `sleep`.
    let hog = "import os, time; b = bytearray(80 << 20); open('hog.pid', 'w').write(str(os.getpid())); time.sleep(60)";
    let mut container =
        Container::launch(&spec(dir.path(), &format!("(python3 -c \"{hog}\" &); exec sleep 60"))).unwrap();
    let leader = container.pid();
    let pid_file = dir.path().join("sandbox/hog.pid");
    let mut hog_pid = None;
    for _ in 0..300 {
        if let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|t| t.trim().parse::<u32>().ok())
        {
            hog_pid = Some(pid);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let hog_pid = hog_pid.expect("the hog started");
    // Its parent (the subshell) is gone: walking the executor's children would miss it.
    let field = |pid: u32, index: usize| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?.1.split_whitespace().nth(index)?.parse().ok()
    };
    let mut orphaned = false;
    for _ in 0..250 {
        let parent = field(hog_pid, 1).expect("the hog runs");
        // The parent is outside the container (init or a subreaper), or already gone.
        if parent != leader && field(parent, 3) != Some(leader) {
            orphaned = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(orphaned, "the subshell exited and the hog was re-parented out of the container");
    let usage = usage(leader).expect("the container runs");
    assert!(usage.mem_rss_bytes > 80 << 20, "the hog's memory counts: {usage:?}");
    // The same figures from one scan asked for this container.
    let table = mesos_containerizer::ProcessTable::scan();
    assert!(table.container_usage(leader).is_some_and(|u| u.mem_rss_bytes > 80 << 20));
    container.kill(Duration::ZERO).await.unwrap();
    assert!(gone_soon(hog_pid).await, "the hog went with its container");
}

/// Whether `pid` is gone (or a zombie) within a few seconds.
async fn gone_soon(pid: u32) -> bool {
    for _ in 0..250 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.is_empty() || stat.contains(") Z ") {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn kill_terminates_the_group_then_forces_it() {
    let dir = tempfile::tempdir().unwrap();
    // A process that ignores SIGTERM and has a child: both must die.
    let mut container =
        Container::launch(&spec(dir.path(), "trap '' TERM; sleep 60 & echo $! > child.pid; wait")).unwrap();
    let child_file = dir.path().join("sandbox/child.pid");
    let mut child = None;
    for _ in 0..100 {
        if let Ok(text) = std::fs::read_to_string(&child_file)
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            child = Some(pid);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let child = child.expect("the child started");
    let status = container.kill(Duration::from_millis(300)).await.unwrap();
    assert!(!status.success());
    // The child was in the same group and got the SIGKILL too.
    let mut gone = false;
    for _ in 0..100 {
        let state = std::fs::read_to_string(format!("/proc/{child}/stat")).ok();
        if state
            .as_deref()
            .is_none_or(|s| s.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
        {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone, "the group's other processes are killed too");
}

#[tokio::test]
async fn argv_commands_run_without_a_shell_and_bad_commands_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut argv = spec(dir.path(), "/bin/echo");
    argv.shell = false;
    argv.arguments = vec!["echo".into(), "$NOT_EXPANDED".into()];
    let mut container = Container::launch(&argv).unwrap();
    assert!(container.wait().await.unwrap().success());
    assert_eq!(std::fs::read_to_string(dir.path().join("sandbox/stdout")).unwrap(), "$NOT_EXPANDED\n");
    let mut missing = spec(dir.path(), "/no/such/program");
    missing.shell = false;
    let err = Container::launch(&missing).unwrap_err().to_string();
    assert!(err.contains("/no/such/program"), "{err}");
}

/// Waits for a pid written to `file`, then returns it.
async fn pid_from(file: &std::path::Path) -> u32 {
    for _ in 0..200 {
        if let Ok(text) = std::fs::read_to_string(file)
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no pid in {}", file.display());
}

fn gone(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .is_none_or(|s| s.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
}

#[tokio::test]
async fn destroying_a_container_kills_processes_that_left_its_group() {
    let dir = tempfile::tempdir().unwrap();
    // The background job makes a process group of its own (as an
    // executor's tasks do), but it stays in the container's session.
    // The job writes its pid only once it has its own group.
    let job_script = r#"perl -e 'setpgrp(0, 0); open(F, ">job.pid"); print F $$; close F; sleep 60' & wait"#;
    let mut container = Container::launch(&spec(dir.path(), job_script)).unwrap();
    let job = pid_from(&dir.path().join("sandbox/job.pid")).await;
    let stat = std::fs::read_to_string(format!("/proc/{job}/stat")).unwrap();
    let fields: Vec<String> = stat.rsplit_once(')').unwrap().1.split_whitespace().map(String::from).collect();
    assert_ne!(fields[2], container.pid().to_string(), "the job has its own group");
    assert_eq!(fields[3], container.pid().to_string(), "but the container's session");
    container.kill(Duration::ZERO).await.unwrap();
    let mut dead = false;
    for _ in 0..100 {
        if gone(job) {
            dead = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(dead, "the job outside the group is killed with the container");
}

#[tokio::test]
async fn sweeping_leftovers_never_touches_the_process_holding_the_leaders_pid() {
    let dir = tempfile::tempdir().unwrap();
    // The leader keeps running (a loop of short sleeps) whatever happens to the others.
    let script = r#"perl -e 'setpgrp(0, 0); open(F, ">job.pid"); print F $$; close F; sleep 60' & while :; do sleep 0.1; done"#;
    let mut container = Container::launch(&spec(dir.path(), script)).unwrap();
    let job = pid_from(&dir.path().join("sandbox/job.pid")).await;
    // The leader is alive here, as a newcomer with its pid would be after a reuse.
    assert!(mesos_containerizer::kill_leftovers(container.pid()) >= 1);
    let mut job_gone = false;
    for _ in 0..100 {
        if gone(job) {
            job_gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(job_gone, "the session's other process is swept");
    assert!(!gone(container.pid()), "the process with the leader's pid is left alone");
    container.kill(Duration::ZERO).await.unwrap();
}
