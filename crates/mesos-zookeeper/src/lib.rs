//! Runs an [`Election`] against real ZooKeeper (operator-api.md §4).
//!
//! [`spawn`] starts a task that carries out the machine's ZooKeeper operations with
//! `zookeeper-client` and reports what the machine concludes as [`Event`]s: who leads, that
//! this master was elected, that it lost the leadership, or that detection failed. Results
//! of a session that is gone are dropped, so the machine only hears of its current one.

use std::time::Duration;

use mesos_election::{Action, Config, Election, Input, ZkUrl};
use mesos_proto::v1::MasterInfo;
use mesos_types::Time;
use tokio::sync::mpsc;
use zookeeper_client as zk;

pub mod server;
#[cfg(feature = "testing")]
pub mod testing;

/// What the election concluded.
#[allow(clippy::large_enum_variant)] // as `mesos_election::Action`
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The leader is now this master, or there is none.
    Leader(Option<MasterInfo>),
    /// This master now leads.
    Elected,
    /// This master led and does not any more: it must stop acting as leader at once.
    LostLeadership,
    /// Detection cannot go on (the group holds a node no Mesos writes, or ZooKeeper refused
    /// us); the message names the cause.
    Failed(String),
    /// ZooKeeper cannot be reached (yet); the election keeps trying. The message says why.
    Unreachable(String),
    /// A session with ZooKeeper is open (again).
    Reachable,
}

/// Starts contending (with `config.own`) or only detecting, in the group `url` names, on
/// the current tokio runtime. The task ends when the receiver is dropped or detection fails.
pub fn spawn(url: ZkUrl, config: Config) -> mpsc::UnboundedReceiver<Event> {
    let (events, receiver) = mpsc::unbounded_channel();
    tokio::spawn(run(url, config, events));
    receiver
}

/// A watch's firing, kept across `select!` rounds (it is consumed by waiting on it).
type Watch = std::pin::Pin<Box<dyn std::future::Future<Output = zk::WatchedEvent> + Send>>;

/// Follows the leader of the group `url` names without contending (an agent, a scheduler):
/// the leader's `ip:port`, or `None` while no master leads. If detection fails the cause is
/// logged and the address stays `None`. The task ends when every receiver is dropped.
pub fn follow_leader(
    url: ZkUrl,
    session_timeout: Duration,
) -> (tokio::sync::watch::Receiver<Option<String>>, tokio::task::JoinHandle<()>) {
    let (leader, receiver) = tokio::sync::watch::channel(None);
    let mut config = Config::new(None);
    config.session_timeout = session_timeout;
    let mut events = spawn(url.clone(), config);
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Some(Event::Leader(info)) => {
                        let address = info.as_ref().and_then(mesos_election::group::http_address);
                        tracing::info!(master = ?address, "detected the leading master");
                        leader.send_replace(address);
                    }
                    Some(Event::Failed(reason)) => {
                        tracing::error!(%url, "cannot detect the leading master: {reason}");
                        leader.send_replace(None);
                        return;
                    }
                    // A detector does not contend; the election logs unreachable servers.
                    Some(Event::Elected | Event::LostLeadership | Event::Unreachable(_) | Event::Reachable) => {}
                    None => return,
                },
                () = leader.closed() => return,
            }
        }
    });
    (receiver, task)
}

/// The session in use and the watch it holds on the group's children.
struct Session {
    client: zk::Client,
    state: zk::StateWatcher,
    children: Option<Watch>,
}

async fn run(url: ZkUrl, config: Config, events: mpsc::UnboundedSender<Event>) {
    let started = tokio::time::Instant::now();
    let now = || Time::ZERO + started.elapsed();
    let session_timeout = config.session_timeout;
    let retry_interval = config.retry_interval;
    let mut election = Election::new(config);
    let mut pending: std::collections::VecDeque<Action> = election.start().into();
    let mut session: Option<Session> = None;
    loop {
        while let Some(action) = pending.pop_front() {
            let inputs = match action {
                Action::Connect => {
                    // The old session, if any, is closed before a new one opens.
                    drop(session.take());
                    let connected = connect(&url, session_timeout, retry_interval, &events).await;
                    let Some(connected) = connected else { return };
                    session = Some(connected);
                    vec![Input::Connected]
                }
                Action::Leader(leader) => report(&events, Event::Leader(leader)),
                Action::Elected => report(&events, Event::Elected),
                Action::LostLeadership => report(&events, Event::LostLeadership),
                Action::Failed(reason) => {
                    let _ = events.send(Event::Failed(reason));
                    return;
                }
                operation => match session.as_mut() {
                    Some(current) => vec![carry_out(&url, current, operation).await],
                    None => Vec::new(),
                },
            };
            if events.is_closed() {
                return;
            }
            for input in inputs {
                pending.extend(election.handle(now(), input));
            }
        }
        let deadline = election.deadline().map(|at| started + at.saturating_since(Time::ZERO));
        let (state, children) = match session.as_mut() {
            Some(current) => (Some(&mut current.state), current.children.as_mut()),
            None => (None, None),
        };
        let input = tokio::select! {
            Some(state) = async { Some(state?.changed().await) } => match state {
                zk::SessionState::Disconnected => Some(Input::Disconnected),
                zk::SessionState::SyncConnected | zk::SessionState::ConnectedReadOnly => Some(Input::Connected),
                zk::SessionState::Expired => Some(Input::Expired),
                zk::SessionState::AuthFailed => Some(Input::Failed {
                    retryable: false,
                    reason: format!("ZooKeeper refused the credentials in {url} (--zk)"),
                }),
                // Closed: only we close a session, by dropping it for a new one.
                _ => None,
            },
            Some(_) = async { Some(children?.await) } => {
                if let Some(current) = session.as_mut() {
                    current.children = None;
                }
                Some(Input::ChildrenChanged)
            }
            _ = sleep_until(deadline) => {
                pending.extend(election.tick(now()));
                None
            }
            _ = events.closed() => return,
        };
        if let Some(input) = input {
            pending.extend(election.handle(now(), input));
        }
    }
}

fn report(events: &mpsc::UnboundedSender<Event>, event: Event) -> Vec<Input> {
    let _ = events.send(event);
    Vec::new()
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Opens a session, retrying while ZooKeeper cannot be reached and saying so; `None` if the
/// events' receiver went away meanwhile.
async fn connect(
    url: &ZkUrl,
    session_timeout: Duration,
    retry_interval: Duration,
    events: &mpsc::UnboundedSender<Event>,
) -> Option<Session> {
    loop {
        let mut connector = zk::Client::connector()
            .with_session_timeout(session_timeout)
            .with_connection_timeout(session_timeout);
        if let Some(credentials) = &url.credentials {
            connector = connector.with_auth("digest", credentials.as_bytes());
        }
        match connector.connect(&url.servers).await {
            Ok(client) => {
                let _ = events.send(Event::Reachable);
                let state = client.state_watcher();
                return Some(Session { client, state, children: None });
            }
            Err(error) => {
                tracing::warn!(%url, %error, "cannot reach ZooKeeper (--zk); retrying in {retry_interval:?}");
                let _ = events
                    .send(Event::Unreachable(format!("cannot reach ZooKeeper at {url} (--zk): {error}")));
                tokio::select! {
                    _ = tokio::time::sleep(retry_interval) => {}
                    _ = events.closed() => return None,
                }
            }
        }
    }
}

/// The ACLs of the group's nodes: open without credentials; with them, anyone may read and
/// only their creator change them.
fn acls(url: &ZkUrl) -> zk::Acls<'static> {
    static CREATOR_ALL_ANYONE_READ: [zk::Acl; 2] = [
        zk::Acl::new_const(zk::Permission::READ, "world", "anyone"),
        zk::Acl::new_const(zk::Permission::ALL, "auth", ""),
    ];
    if url.credentials.is_some() { zk::Acls::new(&CREATOR_ALL_ANYONE_READ) } else { zk::Acls::anyone_all() }
}

/// Carries out one operation in `session` and says how it went.
async fn carry_out(url: &ZkUrl, session: &mut Session, action: Action) -> Input {
    let client = &session.client;
    let result = match action {
        Action::EnsurePath => {
            let options = zk::CreateMode::Persistent.with_acls(acls(url));
            client.mkdir(&url.path, &options).await.map(|()| Input::PathReady)
        }
        Action::Create { data } => {
            let prefix = format!("{}/{}_", url.path, mesos_election::group::MEMBER_LABEL);
            let options = zk::CreateMode::EphemeralSequential.with_acls(acls(url));
            client.create(&prefix, &data, &options).await.map(|(_, sequence)| Input::Created {
                name: format!("{}_{sequence}", mesos_election::group::MEMBER_LABEL),
            })
        }
        Action::ListChildren => match client.list_and_watch_children(&url.path).await {
            Ok((children, watcher)) => {
                session.children = Some(Box::pin(watcher.changed()));
                Ok(Input::Children { children })
            }
            Err(error) => Err(error),
        },
        Action::GetData { name } => match client.get_data(&format!("{}/{name}", url.path)).await {
            Ok((data, _)) => Ok(Input::Data { name, data }),
            Err(zk::Error::NoNode) => Ok(Input::NoNode { name }),
            Err(error) => Err(error),
        },
        // Not operations: `run` handles them.
        _ => return Input::Failed { retryable: true, reason: "not a ZooKeeper operation".into() },
    };
    result.unwrap_or_else(|error| failure(url, error))
}

/// How a failed operation reaches the machine: the session's end, a passing failure, or one
/// that no retry mends.
fn failure(url: &ZkUrl, error: zk::Error) -> Input {
    match error {
        zk::Error::SessionExpired => Input::Expired,
        zk::Error::NoAuth | zk::Error::AuthFailed | zk::Error::InvalidAcl => Input::Failed {
            retryable: false,
            reason: format!(
                "ZooKeeper refused access to {} ({error}); check the credentials in --zk ({url})",
                url.path
            ),
        },
        error => {
            tracing::warn!(%url, %error, "ZooKeeper operation failed; retrying");
            Input::Failed { retryable: true, reason: error.to_string() }
        }
    }
}
