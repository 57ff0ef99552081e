//! Health checks of a task (COMMAND, HTTP, TCP) with Mesos' timing semantics: the first check
//! runs `delay_seconds` after the task starts, then every `interval_seconds`; each check may
//! take `timeout_seconds`; failures during `grace_period_seconds` after the start do not count
//! until a check has succeeded once; `consecutive_failures` counted failures kill the task.

use std::path::PathBuf;
use std::time::Duration;

use mesos_proto::v1::{HealthCheck, health_check};
use tokio::sync::mpsc;

/// A change the checker reports.
#[derive(Clone, Debug, PartialEq)]
pub struct HealthChange {
    /// The task.
    pub task_id: String,
    /// Whether it is healthy now.
    pub healthy: bool,
    /// Too many consecutive failures: the task must be killed.
    pub kill: bool,
}

/// The timing of a health check, with Mesos' defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// Before the first check (default 15 s).
    pub delay: Duration,
    /// Between checks (default 10 s).
    pub interval: Duration,
    /// Longest a check may take (default 20 s; 0 means none).
    pub timeout: Duration,
    /// Counted failures in a row that kill the task (default 3).
    pub consecutive_failures: u32,
    /// Failures in this time after the start are not counted before a first success (default 10 s).
    pub grace_period: Duration,
}

impl Timing {
    /// Reads the timing of `check`.
    pub fn of(check: &HealthCheck) -> Timing {
        let seconds = |value: Option<f64>, default: f64| {
            Duration::try_from_secs_f64(value.filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(default))
                .unwrap_or(Duration::from_secs(default as u64))
        };
        Timing {
            delay: seconds(check.delay_seconds, 15.0),
            interval: seconds(check.interval_seconds, 10.0),
            timeout: seconds(check.timeout_seconds, 20.0),
            consecutive_failures: check.consecutive_failures.unwrap_or(3).max(1),
            grace_period: seconds(check.grace_period_seconds, 10.0),
        }
    }
}

/// Counts results and decides what to report; pure, so its rules are tested directly.
#[derive(Debug, Default)]
pub struct Verdicts {
    succeeded_once: bool,
    failures: u32,
    last_reported: Option<bool>,
}

impl Verdicts {
    /// A check result at `elapsed` since the task started; returns `(healthy, kill)` when
    /// something must be reported.
    pub fn record(&mut self, timing: &Timing, elapsed: Duration, ok: bool) -> Option<(bool, bool)> {
        if ok {
            self.succeeded_once = true;
            self.failures = 0;
            if self.last_reported != Some(true) {
                self.last_reported = Some(true);
                return Some((true, false));
            }
            return None;
        }
        if !self.succeeded_once && elapsed < timing.grace_period {
            return None;
        }
        self.failures += 1;
        let kill = self.failures >= timing.consecutive_failures;
        if kill || self.last_reported != Some(false) {
            self.last_reported = Some(false);
            return Some((false, kill));
        }
        None
    }
}

/// Runs the health check of a task until it asks for a kill or the receiver goes away.
pub async fn run(
    task_id: String,
    check: HealthCheck,
    sandbox: PathBuf,
    environment: Vec<(String, String)>,
    changes: mpsc::UnboundedSender<HealthChange>,
) {
    let timing = Timing::of(&check);
    let started = tokio::time::Instant::now();
    let mut verdicts = Verdicts::default();
    tokio::time::sleep(timing.delay).await;
    loop {
        let attempt = probe(&check, &sandbox, &environment);
        let ok = if timing.timeout.is_zero() {
            attempt.await
        } else {
            tokio::time::timeout(timing.timeout, attempt).await.unwrap_or(false)
        };
        if let Some((healthy, kill)) = verdicts.record(&timing, started.elapsed(), ok) {
            let change = HealthChange { task_id: task_id.clone(), healthy, kill };
            if changes.send(change).is_err() || kill {
                return;
            }
        }
        tokio::time::sleep(timing.interval).await;
    }
}

async fn probe(check: &HealthCheck, sandbox: &std::path::Path, environment: &[(String, String)]) -> bool {
    match check.r#type.and_then(|t| health_check::Type::try_from(t).ok()) {
        Some(health_check::Type::Command) => {
            let Some(command) = &check.command else { return false };
            let mut process = if command.shell == Some(false) {
                let Some(value) = &command.value else { return false };
                let mut process = tokio::process::Command::new(value);
                process.args(command.arguments.iter().skip(1));
                process
            } else {
                let mut process = tokio::process::Command::new("/bin/sh");
                process.arg("-c").arg(command.value.as_deref().unwrap_or(""));
                process
            };
            process
                .envs(environment.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .envs(
                    command
                        .environment
                        .iter()
                        .flat_map(|e| &e.variables)
                        .map(|v| (v.name.as_str(), v.value.as_deref().unwrap_or(""))),
                )
                .current_dir(sandbox)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .kill_on_drop(true);
            matches!(process.status().await, Ok(status) if status.success())
        }
        Some(health_check::Type::Http) => {
            let Some(http) = &check.http else { return false };
            http_ok(http).await
        }
        Some(health_check::Type::Tcp) => {
            let Some(tcp) = &check.tcp else { return false };
            tokio::net::TcpStream::connect(("127.0.0.1", port(tcp.port))).await.is_ok()
        }
        _ => false,
    }
}

fn port(port: u32) -> u16 {
    u16::try_from(port).unwrap_or(0)
}

/// GET `http://127.0.0.1:<port><path>`; healthy on a status in [200, 400) (Mesos' rule).
async fn http_ok(http: &health_check::HttpCheckInfo) -> bool {
    use http_body_util::{BodyExt, Empty};
    let address = format!("127.0.0.1:{}", port(http.port));
    let Ok(stream) = tokio::net::TcpStream::connect(&address).await else { return false };
    let Ok((mut sender, connection)) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await
    else {
        return false;
    };
    tokio::spawn(connection);
    let path = http.path.clone().unwrap_or_else(|| "/".to_string());
    let path = if path.starts_with('/') { path } else { format!("/{path}") };
    let Ok(request) = hyper::Request::get(format!("http://{address}{path}"))
        .header("Host", &address)
        .header("User-Agent", "mesos-rs-health-check")
        .body(Empty::<bytes::Bytes>::new())
    else {
        return false;
    };
    match sender.send_request(request).await {
        Ok(response) => {
            let status = response.status().as_u16();
            let _ = response.into_body().collect().await;
            (200..400).contains(&status)
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing() -> Timing {
        Timing {
            delay: Duration::ZERO,
            interval: Duration::from_secs(1),
            timeout: Duration::from_secs(1),
            consecutive_failures: 3,
            grace_period: Duration::from_secs(10),
        }
    }

    #[test]
    fn defaults_are_mesos_defaults() {
        let t = Timing::of(&HealthCheck::default());
        assert_eq!(t.delay, Duration::from_secs(15));
        assert_eq!(t.interval, Duration::from_secs(10));
        assert_eq!(t.timeout, Duration::from_secs(20));
        assert_eq!(t.consecutive_failures, 3);
        assert_eq!(t.grace_period, Duration::from_secs(10));
    }

    #[test]
    fn failures_in_the_grace_period_do_not_count_until_a_success() {
        let t = timing();
        let mut v = Verdicts::default();
        for s in 0..9 {
            assert_eq!(v.record(&t, Duration::from_secs(s), false), None);
        }
        assert_eq!(v.record(&t, Duration::from_secs(11), false), Some((false, false)));
        assert_eq!(v.record(&t, Duration::from_secs(12), false), None, "no news is not reported");
        assert_eq!(v.record(&t, Duration::from_secs(13), false), Some((false, true)), "third failure kills");
    }

    #[test]
    fn after_a_success_the_grace_period_is_over_and_recovery_is_reported() {
        let t = timing();
        let mut v = Verdicts::default();
        assert_eq!(v.record(&t, Duration::from_secs(1), true), Some((true, false)));
        assert_eq!(v.record(&t, Duration::from_secs(2), true), None);
        assert_eq!(v.record(&t, Duration::from_secs(3), false), Some((false, false)));
        assert_eq!(v.record(&t, Duration::from_secs(4), true), Some((true, false)));
        assert_eq!(v.record(&t, Duration::from_secs(5), false), Some((false, false)));
        assert_eq!(v.record(&t, Duration::from_secs(6), false), None);
        assert_eq!(v.record(&t, Duration::from_secs(7), false), Some((false, true)));
    }
}
