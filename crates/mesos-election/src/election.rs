//! One master's contender and detector as a state machine (operator-api.md §4.3, §4.4): the
//! shell runs the ZooKeeper operations it asks for and feeds back what happened; what the
//! master must do about it (serve, stop, follow another leader) comes out as actions.
//!
//! Agents and schedulers run the same machine without a MasterInfo of their own: a pure
//! detector.

use std::time::Duration;

use mesos_proto::v1::MasterInfo;
use mesos_types::Time;

use crate::group::{self, Member};

/// How a machine is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// This master's MasterInfo; `None` for a detector that does not contend.
    pub own: Option<MasterInfo>,
    /// `--zk_session_timeout`: how long a session may stay disconnected before it is taken
    /// for expired here (a client only learns of expiry from the server once it reconnects).
    pub session_timeout: Duration,
    /// How long to wait before retrying an operation that failed for a passing reason.
    pub retry_interval: Duration,
}

impl Config {
    /// A contender for `own` (or a detector, for `None`) with Mesos' timings: 10 s sessions,
    /// retries every 2 s.
    pub fn new(own: Option<MasterInfo>) -> Config {
        Config { own, session_timeout: Duration::from_secs(10), retry_interval: Duration::from_secs(2) }
    }
}

/// What happened, as the shell saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A session is established (new, or the old one reconnected).
    Connected,
    /// The connection is lost; the session may still be alive on the servers.
    Disconnected,
    /// The servers expired the session: its ephemeral nodes and watches are gone.
    Expired,
    /// The group's znode exists (it was created with its parents if missing).
    PathReady,
    /// This master's member node was created, with this name.
    Created {
        /// `json.info_0000000042`.
        name: String,
    },
    /// The group's children, read with a watch set on them.
    Children {
        /// Child names.
        children: Vec<String>,
    },
    /// The watch on the children fired.
    ChildrenChanged,
    /// A member's data.
    Data {
        /// The member read.
        name: String,
        /// Its data.
        data: Vec<u8>,
    },
    /// A member vanished before its data could be read.
    NoNode {
        /// The member.
        name: String,
    },
    /// An operation failed.
    Failed {
        /// Whether trying again can help (a lost connection) or not (no permission).
        retryable: bool,
        /// What went wrong.
        reason: String,
    },
}

/// What the shell must do.
// A MasterInfo is the big variant; actions are few and short-lived, so boxing it would only
// make them harder to match on.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Open a new session; the old one, if any, is gone.
    Connect,
    /// Create the group's znode with its parents if it does not exist.
    EnsurePath,
    /// Create this master's member: an ephemeral, sequential `<path>/json.info_` node.
    Create {
        /// Its data, the MasterInfo as JSON.
        data: Vec<u8>,
    },
    /// Read the group's children and watch them.
    ListChildren,
    /// Read a member's data.
    GetData {
        /// The member.
        name: String,
    },
    /// The leader is now this master, or there is none.
    Leader(Option<MasterInfo>),
    /// This master now leads.
    Elected,
    /// This master led and does not any more: it must stop acting as leader at once (Mesos'
    /// master exits and is restarted by its supervisor).
    LostLeadership,
    /// Detection cannot go on; nothing more will come.
    Failed(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Session {
    Connecting,
    Connected,
    Disconnected { since: Time },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Membership {
    None,
    Creating,
    Member(String),
}

/// The contender and detector of one master (or the detector of an agent or scheduler).
#[derive(Clone, Debug)]
pub struct Election {
    config: Config,
    session: Session,
    path_ready: bool,
    membership: Membership,
    /// The member whose data is being read to learn who leads.
    reading: Option<String>,
    /// The member known to lead, and who it is.
    leader_member: Option<String>,
    leader: Option<MasterInfo>,
    elected: bool,
    retry_at: Option<Time>,
    failed: bool,
}

impl Election {
    /// A machine that has done nothing yet; [`Election::start`] begins.
    pub fn new(config: Config) -> Election {
        Election {
            config,
            session: Session::Connecting,
            path_ready: false,
            membership: Membership::None,
            reading: None,
            leader_member: None,
            leader: None,
            elected: false,
            retry_at: None,
            failed: false,
        }
    }

    /// The first actions: connect.
    pub fn start(&mut self) -> Vec<Action> {
        vec![Action::Connect]
    }

    /// The leader as last detected.
    pub fn leader(&self) -> Option<&MasterInfo> {
        self.leader.as_ref()
    }

    /// Whether this master leads.
    pub fn elected(&self) -> bool {
        self.elected
    }

    /// This master's member node, once created.
    pub fn member(&self) -> Option<&str> {
        match &self.membership {
            Membership::Member(name) => Some(name),
            _ => None,
        }
    }

    /// When [`Election::tick`] must next be called, if ever.
    pub fn deadline(&self) -> Option<Time> {
        let expiry = match self.session {
            Session::Disconnected { since } => Some(since + self.config.session_timeout),
            _ => None,
        };
        [expiry, self.retry_at].into_iter().flatten().min()
    }

    /// Time passes: a session disconnected for longer than its timeout is taken for expired,
    /// and failed operations are retried.
    pub fn tick(&mut self, now: Time) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.failed {
            return actions;
        }
        if let Session::Disconnected { since } = self.session
            && now >= since + self.config.session_timeout
        {
            self.session_lost(&mut actions);
        }
        if self.retry_at.is_some_and(|at| now >= at) {
            self.retry_at = None;
            if self.session == Session::Connected {
                self.resync(&mut actions);
            }
        }
        actions
    }

    /// Handles one input.
    pub fn handle(&mut self, now: Time, input: Input) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.failed {
            return actions;
        }
        match input {
            Input::Connected => {
                self.session = Session::Connected;
                self.resync(&mut actions);
            }
            Input::Disconnected => {
                if self.session == Session::Connected {
                    self.session = Session::Disconnected { since: now };
                }
            }
            Input::Expired => self.session_lost(&mut actions),
            Input::PathReady => {
                self.path_ready = true;
                self.resync(&mut actions);
            }
            Input::Created { name } => {
                if self.membership == Membership::Creating {
                    self.membership = Membership::Member(name);
                    self.update_elected(&mut actions);
                }
            }
            Input::Children { children } => self.on_children(&children, &mut actions),
            Input::ChildrenChanged => {
                if self.session == Session::Connected && self.path_ready {
                    actions.push(Action::ListChildren);
                }
            }
            Input::Data { name, data } => {
                if self.reading.as_deref() != Some(&name) {
                    return actions;
                }
                self.reading = None;
                let member = Member::parse(&name);
                match member.as_ref().map(|m| group::decode(m, &data)) {
                    Some(Ok(info)) => {
                        self.leader_member = Some(name);
                        self.set_leader(Some(info), &mut actions);
                        self.update_elected(&mut actions);
                    }
                    Some(Err(error)) => self.fail(error.to_string(), &mut actions),
                    None => self.fail(format!("{name} is not a member of the master group"), &mut actions),
                }
            }
            Input::NoNode { name } => {
                if self.reading.as_deref() == Some(&name) {
                    // No leader until the children change again.
                    self.reading = None;
                    self.leader_member = None;
                    self.set_leader(None, &mut actions);
                    self.update_elected(&mut actions);
                }
            }
            Input::Failed { retryable: true, .. } => {
                self.reading = None;
                if self.membership == Membership::Creating {
                    self.membership = Membership::None;
                }
                self.retry_at = Some(now + self.config.retry_interval);
            }
            Input::Failed { retryable: false, reason } => self.fail(reason, &mut actions),
        }
        actions
    }

    /// Asks for whatever this connected session still lacks: the path, a membership, a
    /// fresh listing.
    fn resync(&mut self, actions: &mut Vec<Action>) {
        if !self.path_ready {
            actions.push(Action::EnsurePath);
            return;
        }
        if let Some(own) = &self.config.own
            && self.membership == Membership::None
        {
            self.membership = Membership::Creating;
            actions.push(Action::Create { data: group::encode(own) });
        }
        actions.push(Action::ListChildren);
    }

    fn on_children(&mut self, children: &[String], actions: &mut Vec<Action>) {
        if let Membership::Member(name) = &self.membership
            && !children.iter().any(|c| c == name)
        {
            // Our node is gone though the session lives (someone deleted it): contend again.
            self.membership = Membership::None;
            self.update_elected(actions);
            if self.session == Session::Connected
                && let Some(own) = &self.config.own
            {
                self.membership = Membership::Creating;
                actions.push(Action::Create { data: group::encode(own) });
            }
        }
        match group::leader(children) {
            None => {
                self.reading = None;
                self.leader_member = None;
                self.set_leader(None, actions);
                self.update_elected(actions);
            }
            Some(member) if self.leader_member.as_deref() == Some(&member.name) => {
                // The same leader: nothing to read again.
                self.reading = None;
            }
            Some(member) => {
                self.reading = Some(member.name.clone());
                actions.push(Action::GetData { name: member.name });
            }
        }
    }

    fn session_lost(&mut self, actions: &mut Vec<Action>) {
        self.session = Session::Connecting;
        self.path_ready = false;
        self.reading = None;
        self.retry_at = None;
        self.membership = Membership::None;
        self.update_elected(actions);
        actions.push(Action::Connect);
    }

    fn set_leader(&mut self, leader: Option<MasterInfo>, actions: &mut Vec<Action>) {
        if self.leader != leader {
            self.leader = leader.clone();
            actions.push(Action::Leader(leader));
        }
    }

    /// This master leads exactly while the leading member is its own node.
    fn update_elected(&mut self, actions: &mut Vec<Action>) {
        let elected = matches!((&self.membership, &self.leader_member),
            (Membership::Member(mine), Some(leading)) if mine == leading);
        if elected && !self.elected {
            actions.push(Action::Elected);
        } else if !elected && self.elected {
            actions.push(Action::LostLeadership);
        }
        self.elected = elected;
    }

    fn fail(&mut self, reason: String, actions: &mut Vec<Action>) {
        self.membership = Membership::None;
        self.update_elected(actions);
        self.failed = true;
        actions.push(Action::Failed(reason));
    }
}
