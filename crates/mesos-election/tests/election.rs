//! The election machine driven through Mesos' scenarios by hand, and a seeded model of
//! ZooKeeper with several masters, sessions that expire and nodes that vanish, checked after
//! every step.

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_election::{Action, Config, Election, Input};
use mesos_proto::v1::MasterInfo;
use mesos_types::Time;

fn info(id: &str) -> MasterInfo {
    MasterInfo { id: id.into(), pid: Some(format!("master@127.0.0.1:{}", 5050)), ..MasterInfo::default() }
}

fn at(seconds: u64) -> Time {
    Time::ZERO + Duration::from_secs(seconds)
}

#[test]
fn a_lone_master_contends_reads_itself_as_leader_and_is_elected() {
    let me = info("m1");
    let mut election = Election::new(Config::new(Some(me.clone())));
    assert_eq!(election.start(), vec![Action::Connect]);
    assert_eq!(election.handle(at(0), Input::Connected), vec![Action::EnsurePath]);
    let actions = election.handle(at(0), Input::PathReady);
    assert!(matches!(&actions[..], [Action::Create { .. }, Action::ListChildren]), "{actions:?}");
    assert!(election.handle(at(0), Input::Created { name: "json.info_0000000001".into() }).is_empty());
    let children = vec!["json.info_0000000001".to_string()];
    assert_eq!(
        election.handle(at(0), Input::Children { children }),
        vec![Action::GetData { name: "json.info_0000000001".into() }]
    );
    let data = mesos_election::group::encode(&me);
    let actions = election.handle(at(0), Input::Data { name: "json.info_0000000001".into(), data });
    assert_eq!(actions, vec![Action::Leader(Some(me)), Action::Elected]);
    assert!(election.elected());
}

/// A master that is elected, with an older member of another master listed before it.
fn follower_of(leader: &MasterInfo, me: &MasterInfo) -> Election {
    let mut election = Election::new(Config::new(Some(me.clone())));
    election.start();
    election.handle(at(0), Input::Connected);
    election.handle(at(0), Input::PathReady);
    election.handle(at(0), Input::Created { name: "json.info_0000000002".into() });
    let children = vec!["json.info_0000000001".into(), "json.info_0000000002".into()];
    election.handle(at(0), Input::Children { children });
    let data = mesos_election::group::encode(leader);
    let actions = election.handle(at(0), Input::Data { name: "json.info_0000000001".into(), data });
    assert_eq!(actions, vec![Action::Leader(Some(leader.clone()))]);
    election
}

#[test]
fn a_follower_takes_over_when_the_leaders_node_goes_and_the_old_leader_data_is_not_reread() {
    let (m1, m2) = (info("m1"), info("m2"));
    let mut election = follower_of(&m1, &m2);
    assert!(!election.elected());
    // A listing with the same leader reads nothing again.
    let same = vec!["json.info_0000000001".into(), "json.info_0000000002".into()];
    assert!(election.handle(at(1), Input::Children { children: same }).is_empty());
    assert_eq!(election.handle(at(1), Input::ChildrenChanged), vec![Action::ListChildren]);
    let after = vec!["json.info_0000000002".into()];
    assert_eq!(
        election.handle(at(1), Input::Children { children: after }),
        vec![Action::GetData { name: "json.info_0000000002".into() }]
    );
    let data = mesos_election::group::encode(&m2);
    let actions = election.handle(at(1), Input::Data { name: "json.info_0000000002".into(), data });
    assert_eq!(actions, vec![Action::Leader(Some(m2)), Action::Elected]);
}

/// A master elected alone in the group, as member `node`.
fn elected_alone(me: &MasterInfo, node: &str) -> Election {
    let mut election = Election::new(Config::new(Some(me.clone())));
    election.start();
    election.handle(at(0), Input::Connected);
    election.handle(at(0), Input::PathReady);
    election.handle(at(0), Input::Created { name: node.into() });
    election.handle(at(0), Input::Children { children: vec![node.into()] });
    let data = mesos_election::group::encode(me);
    election.handle(at(0), Input::Data { name: node.into(), data });
    assert!(election.elected());
    election
}

#[test]
fn a_leader_disconnected_past_the_session_timeout_stops_leading_before_the_servers_say_so() {
    let mut election = elected_alone(&info("m1"), "json.info_0000000001");
    assert!(election.handle(at(5), Input::Disconnected).is_empty());
    assert_eq!(election.deadline(), Some(at(15)));
    assert!(election.tick(at(14)).is_empty(), "still within the session timeout");
    assert!(election.elected());
    assert_eq!(election.tick(at(15)), vec![Action::LostLeadership, Action::Connect]);
    assert!(!election.elected());
    assert_eq!(election.member(), None);
}

#[test]
fn a_reconnection_within_the_timeout_keeps_the_membership_and_relists() {
    let (m1, m2) = (info("m1"), info("m2"));
    let mut election = follower_of(&m1, &m2);
    election.handle(at(1), Input::Disconnected);
    assert_eq!(election.handle(at(3), Input::Connected), vec![Action::ListChildren]);
    assert_eq!(election.deadline(), None);
    assert_eq!(election.member(), Some("json.info_0000000002"));
}

#[test]
fn a_follower_whose_session_expires_contends_again_in_the_new_one() {
    let (m1, m2) = (info("m1"), info("m2"));
    let mut election = follower_of(&m1, &m2);
    assert_eq!(election.handle(at(1), Input::Expired), vec![Action::Connect]);
    assert_eq!(election.handle(at(2), Input::Connected), vec![Action::EnsurePath]);
    let actions = election.handle(at(2), Input::PathReady);
    assert!(matches!(&actions[..], [Action::Create { .. }, Action::ListChildren]), "{actions:?}");
    // The leader it knew is kept until a listing says otherwise.
    assert_eq!(election.leader(), Some(&m1));
}

#[test]
fn a_leader_that_sees_another_leader_stops_and_an_unknown_label_fails_detection() {
    let mut election = elected_alone(&info("m1"), "json.info_0000000005");
    let children = vec!["json.info_0000000005".into(), "other_0000000001".into()];
    election.handle(at(1), Input::Children { children });
    let actions =
        election.handle(at(1), Input::Data { name: "other_0000000001".into(), data: b"x".to_vec() });
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert_eq!(actions[0], Action::LostLeadership);
    assert!(matches!(&actions[1], Action::Failed(reason) if reason.contains("unknown label")));
    assert!(election.handle(at(2), Input::ChildrenChanged).is_empty(), "a failed detector stays failed");
}

#[test]
fn a_detector_never_creates_a_node_and_retries_after_a_passing_failure() {
    let mut detector = Election::new(Config::new(None));
    detector.start();
    detector.handle(at(0), Input::Connected);
    assert_eq!(detector.handle(at(0), Input::PathReady), vec![Action::ListChildren]);
    assert!(
        detector
            .handle(at(0), Input::Failed { retryable: true, reason: "connection loss".into() })
            .is_empty()
    );
    assert_eq!(detector.deadline(), Some(at(2)));
    assert_eq!(detector.tick(at(2)), vec![Action::ListChildren]);
    assert_eq!(detector.handle(at(2), Input::Children { children: vec![] }), vec![]);
    assert_eq!(detector.leader(), None);
}

/// ZooKeeper as the election sees it: sessions, ephemeral sequential nodes, one watch per
/// session on the children.
#[derive(Default)]
struct Model {
    nodes: BTreeMap<String, (Vec<u8>, u64)>,
    next_sequence: u64,
    next_session: u64,
    watching: Vec<u64>,
}

struct Participant {
    election: Election,
    session: Option<u64>,
    pending: Vec<Action>,
}

/// A small deterministic generator (the model must not depend on a hash order or the clock).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

impl Model {
    fn expire(&mut self, session: u64) {
        self.nodes.retain(|_, (_, owner)| *owner != session);
        self.watching.retain(|s| *s != session);
    }

    /// Runs one participant's action; returns the inputs it produces for it and whether the
    /// children changed (every watcher then hears of it).
    fn run(&mut self, session: u64, action: &Action) -> (Vec<Input>, bool) {
        match action {
            Action::EnsurePath => (vec![Input::PathReady], false),
            Action::Create { data } => {
                self.next_sequence += 1;
                let name = format!("json.info_{:010}", self.next_sequence);
                self.nodes.insert(name.clone(), (data.clone(), session));
                (vec![Input::Created { name }], true)
            }
            Action::ListChildren => {
                if !self.watching.contains(&session) {
                    self.watching.push(session);
                }
                (vec![Input::Children { children: self.nodes.keys().cloned().collect() }], false)
            }
            Action::GetData { name } => match self.nodes.get(name) {
                Some((data, _)) => (vec![Input::Data { name: name.clone(), data: data.clone() }], false),
                None => (vec![Input::NoNode { name: name.clone() }], false),
            },
            _ => (vec![], false),
        }
    }
}

/// Runs `who`'s next pending action against the model and feeds back what it produced,
/// telling every watcher when the children changed.
fn run_next(zk: &mut Model, masters: &mut [Participant], who: usize, now: Time) {
    if masters[who].pending.is_empty() {
        return;
    }
    let action = masters[who].pending.remove(0);
    let inputs = match (&action, masters[who].session) {
        (Action::Connect, _) => {
            zk.next_session += 1;
            masters[who].session = Some(zk.next_session);
            vec![Input::Connected]
        }
        (_, Some(session)) => {
            let (inputs, changed) = zk.run(session, &action);
            if changed {
                notify_watchers(zk, masters, now);
            }
            inputs
        }
        (_, None) => vec![],
    };
    for input in inputs {
        let actions = masters[who].election.handle(now, input);
        masters[who].pending.extend(actions);
    }
}

/// A watch fires once: the watchers hear of the change and must list again to watch again.
fn notify_watchers(zk: &mut Model, masters: &mut [Participant], now: Time) {
    let watchers = std::mem::take(&mut zk.watching);
    for m in masters.iter_mut() {
        if m.session.is_some_and(|s| watchers.contains(&s)) {
            let actions = m.election.handle(now, Input::ChildrenChanged);
            m.pending.extend(actions);
        }
    }
}

#[test]
fn across_seeded_expiries_at_most_one_live_master_leads_and_one_always_ends_up_leading() {
    for seed in 0..300 {
        let mut rng = Lcg(seed);
        let mut zk = Model::default();
        let mut masters: Vec<Participant> = (0..3)
            .map(|i| {
                let mut election = Election::new(Config::new(Some(info(&format!("m{i}")))));
                let pending = election.start();
                Participant { election, session: None, pending }
            })
            .collect();
        let mut now = Time::ZERO;
        for step in 0..300 {
            now = now + Duration::from_millis(100);
            let who = rng.next(3) as usize;
            if rng.next(20) == 0
                && let Some(session) = masters[who].session.take()
            {
                // The servers expire this master's session: its node goes.
                zk.expire(session);
                let actions = masters[who].election.handle(now, Input::Expired);
                masters[who].pending.extend(actions);
                notify_watchers(&mut zk, &mut masters, now);
            }
            run_next(&mut zk, &mut masters, who, now);
            // A master whose session lives leads only through its own node, the lowest one.
            let lowest = zk.nodes.keys().next().cloned();
            for m in &masters {
                if m.election.elected() && m.session.is_some() {
                    assert_eq!(m.election.member().map(str::to_string), lowest, "seed {seed} step {step}");
                }
            }
        }
        // The faults stop; once everyone has caught up exactly one leads, and all agree.
        for _ in 0..200 {
            for who in 0..3 {
                run_next(&mut zk, &mut masters, who, now);
            }
        }
        let leaders: Vec<usize> = (0..3).filter(|&i| masters[i].election.elected()).collect();
        assert_eq!(leaders.len(), 1, "seed {seed}: leaders {leaders:?}");
        let leader = masters[leaders[0]].election.leader().cloned();
        for m in &masters {
            assert_eq!(m.election.leader().cloned(), leader, "seed {seed}: everyone detects the same leader");
        }
    }
}
