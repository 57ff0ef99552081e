//! Simulated frameworks: v1 HTTP schedulers that subscribe (and fail over), accept offers to
//! launch tasks with planned outcomes, decline with filters, acknowledge every update
//! explicitly, kill tasks that hang, reconcile after every subscription, and check what
//! reaches them: updates in order, none repeated after a newer one, terminal states kept.

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_proto::convert::{ResourceFormat, resources_to_proto};
use mesos_proto::v1::framework_info::Capability;
use mesos_proto::v1::framework_info::capability::Type as CapabilityType;
use mesos_proto::v1::scheduler::{Call, Event, call, event};
use mesos_proto::v1::{
    AgentId, CommandInfo, ExecutorId, ExecutorInfo, Filters, FrameworkId, FrameworkInfo, Offer, OfferId,
    TaskGroupInfo, TaskId, TaskInfo, TaskState, TaskStatus, executor_info, offer, task_status,
};
use mesos_types::{Resources, Rng, Time};

use crate::net::{Conn, Lane, Msg};
use crate::{Phase, Sim};

/// A task in its framework's books.
#[derive(Clone, Debug)]
pub struct BookTask {
    /// Where it was launched.
    pub agent_id: String,
    /// The latest state heard.
    pub state: TaskState,
    /// Distinct uuids of the reliable updates heard, in the order first heard.
    pub uuids: Vec<Vec<u8>>,
    /// When it was launched.
    pub launched: Time,
    /// When a kill was last asked for.
    pub kill_sent: Option<Time>,
    /// Since when it has been TASK_UNREACHABLE without a word since.
    pub unreachable_since: Option<Time>,
    /// Given up for lost after being unreachable too long, and replaced (as Marathon's
    /// unreachable strategy does); it counts as settled while it stays unreachable.
    pub abandoned: bool,
    /// Whether its TASK_LOST was the master's guess about an unreachable agent, which the
    /// agent's return can undo (Mesos' docs warn non-partition-aware frameworks of this).
    pub lost_maybe_back: bool,
}

/// How long a partition-aware framework waits for an unreachable task before it replaces it.
/// Its agent may never return under the id it had: an agent whose stream broke before it
/// heard its id registers anew, and the old id stays unreachable until the registry drops it.
pub const UNREACHABLE_GIVE_UP: Duration = Duration::from_secs(600);

impl BookTask {
    /// Whether the framework is done with it.
    pub fn settled(&self) -> bool {
        self.state.is_terminal()
            || (self.abandoned && matches!(self.state, TaskState::TaskUnreachable | TaskState::TaskUnknown))
    }
}

/// One simulated framework.
pub struct SimFramework {
    /// Its name, `f<index>`.
    pub name: String,
    /// `checkpoint` in its FrameworkInfo.
    pub checkpoint: bool,
    /// Whether it declares PARTITION_AWARE.
    pub partition_aware: bool,
    /// `failover_timeout` in seconds.
    pub failover_timeout: f64,
    /// Bumped at every process start.
    pub incarnation: u64,
    /// Whether the process runs.
    pub alive: bool,
    /// The id the master gave (kept across failovers).
    pub id: Option<String>,
    /// Its subscription stream, while open or opening.
    pub conn: Option<Conn>,
    /// That stream's id, once answered.
    pub stream_id: Option<String>,
    /// Offers it holds.
    pub offers: BTreeMap<String, Offer>,
    /// Its tasks, by id (of the current framework id).
    pub tasks: BTreeMap<String, BookTask>,
    /// Tasks it launched over its whole life.
    pub launched: usize,
    /// Tasks it wants to launch in all.
    pub target: usize,
    next_task: u64,
    /// Times the master removed it and it started over as a new framework.
    pub generations: u64,
    /// Whether it SUPPRESSes offers while it has nothing to launch.
    pub suppresses: bool,
    /// Whether it sent SUPPRESS on its current subscription, and no REVIVE since.
    pub suppressed: bool,
    /// Until when its remaining work is not ready (it suppresses meanwhile, then revives).
    pub paused_until: Option<Time>,
    /// The longest it takes to acknowledge an update (zero: at once).
    pub ack_delay: Duration,
    /// Whether it reserves disk for its role (`r<index>`), makes a persistent volume on it,
    /// sees the volume offered back, destroys it and unreserves the disk.
    pub reserves: bool,
    /// Whether its volume has been offered back to it.
    pub volume_seen: bool,
    /// Whether it launches the tasks it puts on one offer as a task group, under the
    /// default executor (LAUNCH_GROUP), when the offer also holds the executor's resources.
    pub groups: bool,
    /// Whether its tasks run under its own executor (one per agent, shared by the tasks
    /// there; the simulated one ends when it has nothing left to run).
    pub custom_executor: bool,
    /// When it last asked to reserve.
    last_reserve: Option<Time>,
    last_reconcile: Option<Time>,
}

impl SimFramework {
    /// A framework with a random profile.
    pub fn new(index: usize, rng: &mut Rng, max_tasks: usize) -> SimFramework {
        SimFramework {
            name: format!("f{index}"),
            checkpoint: rng.below(4) != 0,
            partition_aware: rng.below(2) == 0,
            failover_timeout: [0.0, 15.0, 3600.0, 3600.0][rng.below(4)],
            incarnation: 0,
            alive: false,
            id: None,
            conn: None,
            stream_id: None,
            offers: BTreeMap::new(),
            tasks: BTreeMap::new(),
            launched: 0,
            target: 1 + rng.below(max_tasks),
            next_task: 0,
            generations: 0,
            suppresses: false,
            suppressed: false,
            paused_until: None,
            ack_delay: Duration::ZERO,
            reserves: false,
            volume_seen: false,
            groups: false,
            custom_executor: false,
            last_reserve: None,
            last_reconcile: None,
        }
    }

    fn info(&self) -> FrameworkInfo {
        let mut capabilities = Vec::new();
        if self.partition_aware {
            capabilities.push(Capability { r#type: Some(CapabilityType::PartitionAware as i32) });
        }
        let mut roles = Vec::new();
        let mut principal = None;
        if self.reserves {
            capabilities.push(Capability { r#type: Some(CapabilityType::MultiRole as i32) });
            capabilities.push(Capability { r#type: Some(CapabilityType::ReservationRefinement as i32) });
            roles.push(self.role());
            principal = Some("sim".to_string());
        }
        FrameworkInfo {
            user: "sim".into(),
            name: self.name.clone(),
            roles,
            principal,
            id: self.id.as_ref().map(|id| FrameworkId { value: id.clone() }),
            checkpoint: Some(self.checkpoint),
            failover_timeout: Some(self.failover_timeout),
            capabilities,
            ..Default::default()
        }
    }

    /// Whether everything it wanted to do is done.
    pub fn done(&self) -> bool {
        self.launched >= self.target
            && self.tasks.values().all(BookTask::settled)
            && (!self.reserves || self.volume_seen)
    }

    /// The role a reserving framework reserves for.
    pub fn role(&self) -> String {
        format!("r-{}", self.name)
    }

    /// The id of its persistent volume (one per framework id, so a framework that starts over
    /// makes a new one).
    fn volume_id(&self) -> String {
        format!("vol-{}-g{}", self.name, self.generations)
    }
}

impl Sim {
    pub(crate) fn start_framework(&mut self, index: usize) {
        let framework = &mut self.frameworks[index];
        framework.incarnation += 1;
        framework.alive = true;
        framework.conn = None;
        framework.stream_id = None;
        framework.offers.clear();
        let incarnation = framework.incarnation;
        let tick = Msg::FrameworkTick { framework: index, incarnation, periodic: true };
        self.net.send(self.now, Lane::Free, Duration::ZERO, tick);
    }

    pub(crate) fn crash_framework(&mut self, index: usize) {
        if !self.frameworks[index].alive {
            return;
        }
        // Half the time it comes back within its failover timeout, half the time after.
        let timeout = self.frameworks[index].failover_timeout;
        let down = if self.rng.below(2) == 0 {
            timeout * self.rng.unit()
        } else {
            timeout + 1.0 + self.rng.unit() * 10.0
        };
        let down = Duration::from_secs_f64(down.min(7_200.0));
        self.note(format!("FAULT f{index} crashes for {down:?}"));
        let framework = &mut self.frameworks[index];
        framework.alive = false;
        framework.incarnation += 1;
        if let Some(conn) = framework.conn.take() {
            let epoch = self.master.epoch;
            let delay = self.delay();
            self.net.send(self.now, Lane::Free, delay, Msg::SchedulerGone { epoch, conn });
        }
        self.net.send(self.now, Lane::Free, down, Msg::FrameworkRestart { framework: index });
    }

    pub(crate) fn restart_framework(&mut self, index: usize) {
        if !self.frameworks[index].alive {
            self.note(format!("f{index} starts again"));
            self.start_framework(index);
        }
    }

    fn send_call(&mut self, index: usize, mut call: Call) {
        let framework = &self.frameworks[index];
        let Some(conn) = framework.conn else { return };
        call.framework_id = framework.id.as_ref().map(|id| FrameworkId { value: id.clone() });
        let msg = Msg::SchedulerCall {
            framework: index,
            incarnation: framework.incarnation,
            epoch: self.master.epoch,
            conn,
            stream_id: framework.stream_id.clone(),
            call: Box::new(call),
        };
        let lane = Lane::SchedulerCalls { framework: index, incarnation: framework.incarnation };
        let delay = self.delay();
        self.net.send(self.now, lane, delay, msg);
    }

    fn subscribe(&mut self, index: usize) {
        let conn = self.new_conn();
        let framework = &mut self.frameworks[index];
        framework.conn = Some(conn);
        framework.stream_id = None;
        // A subscription without suppressed roles gets offers for all of them again.
        framework.suppressed = false;
        let call = Call {
            r#type: Some(call::Type::Subscribe as i32),
            subscribe: Some(call::Subscribe { framework_info: framework.info(), ..Default::default() }),
            ..Default::default()
        };
        self.send_call(index, call);
    }

    pub(crate) fn subscribe_answered(&mut self, index: usize, conn: Conn, stream_id: String) {
        let framework = &mut self.frameworks[index];
        if framework.conn == Some(conn) && framework.alive {
            framework.stream_id = Some(stream_id);
        }
    }

    pub(crate) fn subscribe_refused(&mut self, index: usize, conn: Conn, status: u16, message: String) {
        let framework = &mut self.frameworks[index];
        if framework.conn != Some(conn) {
            return;
        }
        framework.conn = None;
        self.note(format!("f{index} subscription refused: {status} {message}"));
        if message.contains("removed") || message.contains("completed") {
            self.start_over(index);
        }
    }

    /// The master forgot this framework (its failover timeout passed): it registers anew and
    /// its old tasks are no longer its business.
    fn start_over(&mut self, index: usize) {
        let framework = &mut self.frameworks[index];
        framework.id = None;
        framework.tasks.clear();
        framework.generations += 1;
    }

    pub(crate) fn scheduler_closed(&mut self, index: usize, conn: Conn) {
        self.net.forget_lane(&Lane::Stream(conn));
        let framework = &mut self.frameworks[index];
        if framework.conn == Some(conn) {
            framework.conn = None;
            framework.stream_id = None;
            framework.offers.clear();
        }
    }

    pub(crate) fn scheduler_event(&mut self, index: usize, conn: Conn, event: Event) {
        if self.frameworks[index].conn != Some(conn) || !self.frameworks[index].alive {
            return;
        }
        let kind = event.r#type.and_then(|t| event::Type::try_from(t).ok());
        match kind {
            Some(event::Type::Subscribed) => {
                let Some(subscribed) = event.subscribed else { return };
                let id = subscribed.framework_id.value;
                let old = self.frameworks[index].id.clone();
                if old.as_ref().is_some_and(|old| *old != id) {
                    self.violation(format!("f{index} failed over as {old:?} but was given {id}"));
                }
                self.frameworks[index].id = Some(id);
                self.reconcile(index);
            }
            Some(event::Type::Offers) => {
                let offers = event.offers.map(|o| o.offers).unwrap_or_default();
                for offer in offers {
                    self.frameworks[index].offers.insert(offer.id.value.clone(), offer);
                }
                let incarnation = self.frameworks[index].incarnation;
                let think = Duration::from_millis(self.rng.below(300) as u64);
                let tick = Msg::FrameworkTick { framework: index, incarnation, periodic: false };
                self.net.send(self.now, Lane::Free, think, tick);
            }
            Some(event::Type::Rescind) => {
                if let Some(rescind) = event.rescind {
                    self.frameworks[index].offers.remove(&rescind.offer_id.value);
                }
            }
            Some(event::Type::Update) => {
                if let Some(update) = event.update {
                    self.task_update(index, update.status);
                }
            }
            Some(event::Type::Error) => {
                let message = event.error.map(|e| e.message).unwrap_or_default();
                self.note(format!("f{index} ERROR: {message}"));
                self.frameworks[index].conn = None;
                self.start_over(index);
            }
            _ => {}
        }
    }

    /// An update reached the framework: check it, book it, acknowledge it.
    fn task_update(&mut self, index: usize, status: TaskStatus) {
        let Ok(state) = TaskState::try_from(status.state) else {
            self.violation(format!("f{index} got an update with unknown state {}", status.state));
            return;
        };
        let task_id = status.task_id.value.clone();
        let reason = status.reason.and_then(|r| task_status::Reason::try_from(r).ok());
        // Simulated frameworks only launch valid tasks: a refusal is a bug in the master's
        // validation or in the simulator's frameworks (either would otherwise go unseen).
        if state == TaskState::TaskError {
            self.violation(format!(
                "f{index} task {task_id} was refused as invalid: {}",
                status.message.as_deref().unwrap_or_default()
            ));
        }
        let reconciliation = reason == Some(task_status::Reason::ReasonReconciliation);
        let mut problem = None;
        self.note(format!(
            "f{index} hears {task_id} {state:?} {reason:?} uuid {}",
            status.uuid.as_deref().map(short).unwrap_or_default()
        ));
        if let Some(task) = self.frameworks[index].tasks.get_mut(&task_id) {
            if let Some(uuid) = &status.uuid {
                match task.uuids.iter().position(|u| u == uuid) {
                    Some(at) if at + 1 != task.uuids.len() => {
                        problem = Some(format!(
                            "f{index} task {task_id}: update {state:?} came again after a newer one"
                        ));
                    }
                    Some(_) => self.summary.updates_heard_again += 1,
                    None => task.uuids.push(uuid.clone()),
                }
            }
            let before = task.state;
            let came_back = reason == Some(task_status::Reason::ReasonAgentReregistered);
            if before.is_terminal() && !reconciliation && state != before {
                // A lost task may turn out to have finished, or be reported again when its
                // agent comes back (§6.10); any other terminal state is final.
                let allowed = before == TaskState::TaskLost
                    && (state.is_terminal() || came_back || task.lost_maybe_back);
                if !allowed {
                    problem = Some(format!(
                        "f{index} task {task_id}: {before:?} was followed by {state:?} ({reason:?})"
                    ));
                }
            }
            // Reconciliation does not undo an end, except that a lost task the master reports
            // live again is back (its agent returned while the framework was away and missed
            // the update saying so).
            let back = reconciliation && before == TaskState::TaskLost && !state.is_terminal();
            if !(reconciliation && before.is_terminal()) || back {
                task.state = state;
                let guess = status.uuid.is_none()
                    && matches!(
                        reason,
                        Some(
                            task_status::Reason::ReasonAgentRemoved
                                | task_status::Reason::ReasonReconciliation
                        )
                    );
                task.lost_maybe_back = state == TaskState::TaskLost
                    && (guess || (status.uuid.is_none() && task.lost_maybe_back && before == state));
                // A task the master no longer knows (its unreachable agent was pruned from
                // the registry: TASK_UNKNOWN) is given up on like one unreachable for long,
                // as a partition-aware framework replaces both.
                if !matches!(state, TaskState::TaskUnreachable | TaskState::TaskUnknown) {
                    task.unreachable_since = None;
                } else if task.unreachable_since.is_none() {
                    task.unreachable_since = Some(self.now);
                }
            }
        }
        if let Some(problem) = problem {
            self.violation(problem);
        }
        if let (Some(uuid), Some(agent_id)) = (status.uuid.clone(), status.agent_id.clone()) {
            let call = Call {
                r#type: Some(call::Type::Acknowledge as i32),
                acknowledge: Some(call::Acknowledge { agent_id, task_id: status.task_id.clone(), uuid }),
                ..Default::default()
            };
            let most = self.frameworks[index].ack_delay;
            if most.is_zero() {
                self.send_call(index, call);
            } else {
                let late = most.mul_f64(self.behaviour_rng.unit());
                let incarnation = self.frameworks[index].incarnation;
                let msg = Msg::FrameworkAcknowledges { framework: index, incarnation, call: Box::new(call) };
                self.net.send(self.now, Lane::Free, late, msg);
            }
        }
        if state == TaskState::TaskFinished && !reconciliation {
            self.summary.tasks_finished += 1;
        }
    }

    /// A late acknowledgement goes out on whatever subscription the process has by then.
    pub(crate) fn acknowledge_late(&mut self, index: usize, incarnation: u64, call: Call) {
        let framework = &self.frameworks[index];
        if framework.alive && framework.incarnation == incarnation && framework.stream_id.is_some() {
            self.send_call(index, call);
        }
    }

    fn reconcile(&mut self, index: usize) {
        let tasks: Vec<call::reconcile::Task> = self.frameworks[index]
            .tasks
            .iter()
            .filter(|(_, t)| !t.state.is_terminal() || t.state == TaskState::TaskLost)
            .map(|(id, t)| call::reconcile::Task {
                task_id: TaskId { value: id.clone() },
                agent_id: Some(AgentId { value: t.agent_id.clone() }),
            })
            .collect();
        self.frameworks[index].last_reconcile = Some(self.now);
        if tasks.is_empty() {
            return;
        }
        let call = Call {
            r#type: Some(call::Type::Reconcile as i32),
            reconcile: Some(call::Reconcile { tasks }),
            ..Default::default()
        };
        self.send_call(index, call);
    }

    /// The framework's periodic work.
    pub(crate) fn framework_tick(&mut self, index: usize, incarnation: u64, periodic: bool) {
        let framework = &self.frameworks[index];
        if framework.incarnation != incarnation || !framework.alive {
            return;
        }
        if framework.conn.is_none() {
            self.subscribe(index);
        } else if framework.stream_id.is_some() && framework.id.is_some() {
            self.answer_offers(index);
            self.kill_some(index);
            self.replace_unreachable(index);
            self.suppress_or_revive(index);
            if self.frameworks[index]
                .last_reconcile
                .is_some_and(|at| self.now.saturating_since(at) > Duration::from_secs(60))
            {
                self.reconcile(index);
            }
        }
        if periodic {
            let next = Duration::from_millis(500 + self.rng.below(2_000) as u64);
            let tick = Msg::FrameworkTick { framework: index, incarnation, periodic: true };
            self.net.send(self.now, Lane::Free, next, tick);
        }
    }

    fn answer_offers(&mut self, index: usize) {
        let offers: Vec<Offer> = self.frameworks[index].offers.values().cloned().collect();
        for offer in offers {
            // Sometimes an offer is sat on for a while (until rescinded or answered later).
            if self.phase == Phase::Faults && self.rng.below(10) == 0 {
                continue;
            }
            self.frameworks[index].offers.remove(&offer.id.value);
            if self.frameworks[index].reserves && self.reservation_step(index, &offer) {
                continue;
            }
            let wanted = self.work_ready(index);
            let tasks = if wanted > 0 { self.tasks_for(index, &offer, wanted) } else { Vec::new() };
            if tasks.is_empty() {
                let refuse = [0.0, 1.0, 5.0, 30.0][self.rng.below(4)];
                let call = Call {
                    r#type: Some(call::Type::Decline as i32),
                    decline: Some(call::Decline {
                        offer_ids: vec![offer.id.clone()],
                        filters: Some(Filters { refuse_seconds: Some(refuse) }),
                    }),
                    ..Default::default()
                };
                self.send_call(index, call);
                continue;
            }
            let now = self.now;
            let framework = &mut self.frameworks[index];
            for task in &tasks {
                framework.launched += 1;
                framework.tasks.insert(
                    task.task_id.value.clone(),
                    BookTask {
                        agent_id: offer.agent_id.value.clone(),
                        state: TaskState::TaskStaging,
                        uuids: Vec::new(),
                        launched: now,
                        kill_sent: None,
                        unreachable_since: None,
                        abandoned: false,
                        lost_maybe_back: false,
                    },
                );
            }
            self.summary.tasks_launched += tasks.len();
            let mut tasks = tasks;
            if self.frameworks[index].custom_executor
                && let Some(executor) =
                    self.executor_with_room(index, &offer, &tasks, executor_info::Type::Custom)
            {
                for task in &mut tasks {
                    task.command = None;
                    task.executor = Some(executor.clone());
                }
            }
            let operation = match self.group_executor(index, &offer, &tasks) {
                Some(executor) => {
                    self.summary.task_groups_launched += 1;
                    offer::Operation {
                        r#type: Some(offer::operation::Type::LaunchGroup as i32),
                        launch_group: Some(offer::operation::LaunchGroup {
                            executor,
                            task_group: TaskGroupInfo { tasks },
                        }),
                        ..Default::default()
                    }
                }
                None => offer::Operation {
                    r#type: Some(offer::operation::Type::Launch as i32),
                    launch: Some(offer::operation::Launch { task_infos: tasks }),
                    ..Default::default()
                },
            };
            let call = accept_call(&offer, operation, None);
            self.send_call(index, call);
        }
    }

    /// The reservation cycle's next step with `offer`, if it has one: reserve disk, create a
    /// volume on it, destroy the volume once it is offered back, unreserve the disk. Any
    /// reservation or volume of its role it no longer needs (from a lost call, or an earlier
    /// framework of its name) is undone the same way.
    fn reservation_step(&mut self, index: usize, offer: &Offer) -> bool {
        use mesos_proto::v1::resource::{DiskInfo, ReservationInfo, disk_info, reservation_info};
        let role = self.frameworks[index].role();
        let volume_id = self.frameworks[index].volume_id();
        let mine = |r: &&mesos_proto::v1::Resource| {
            r.reservations.last().and_then(|reservation| reservation.role.as_deref()) == Some(role.as_str())
        };
        let reserved: Vec<&mesos_proto::v1::Resource> = offer.resources.iter().filter(mine).collect();
        let reservation = ReservationInfo {
            r#type: Some(reservation_info::Type::Dynamic as i32),
            role: Some(role.clone()),
            principal: Some("sim".into()),
            labels: None,
        };
        let operation = if let Some(volume) =
            reserved.iter().find(|r| r.disk.as_ref().is_some_and(|d| d.persistence.is_some()))
        {
            if volume.disk.as_ref().and_then(|d| d.persistence.as_ref()).is_some_and(|p| p.id == volume_id)
                && !self.frameworks[index].volume_seen
            {
                self.frameworks[index].volume_seen = true;
                self.summary.volumes_offered_back += 1;
            }
            offer::Operation {
                r#type: Some(offer::operation::Type::Destroy as i32),
                destroy: Some(offer::operation::Destroy { volumes: vec![(*volume).clone()] }),
                ..Default::default()
            }
        } else if let Some(disk) = reserved.first() {
            if self.frameworks[index].volume_seen {
                offer::Operation {
                    r#type: Some(offer::operation::Type::Unreserve as i32),
                    unreserve: Some(offer::operation::Unreserve { resources: vec![(*disk).clone()] }),
                    ..Default::default()
                }
            } else {
                let mut volume = (*disk).clone();
                volume.disk = Some(DiskInfo {
                    persistence: Some(disk_info::Persistence {
                        id: volume_id,
                        principal: Some("sim".into()),
                    }),
                    volume: Some(mesos_proto::v1::Volume {
                        mode: mesos_proto::v1::volume::Mode::Rw as i32,
                        container_path: "data".into(),
                        ..Default::default()
                    }),
                    source: None,
                });
                offer::Operation {
                    r#type: Some(offer::operation::Type::Create as i32),
                    create: Some(offer::operation::Create { volumes: vec![volume] }),
                    ..Default::default()
                }
            }
        } else {
            let framework = &self.frameworks[index];
            let retry = framework
                .last_reserve
                .is_none_or(|at| self.now.saturating_since(at) > Duration::from_secs(15));
            let disk = offer.resources.iter().find(|r| {
                r.name == "disk"
                    && r.reservations.is_empty()
                    && r.scalar.as_ref().is_some_and(|s| s.value >= 64.0)
            });
            let Some(disk) = disk.filter(|_| retry && !framework.volume_seen) else { return false };
            let mut wanted = disk.clone();
            wanted.scalar = Some(mesos_proto::v1::value::Scalar { value: 64.0 });
            wanted.reservations = vec![reservation];
            self.frameworks[index].last_reserve = Some(self.now);
            offer::Operation {
                r#type: Some(offer::operation::Type::Reserve as i32),
                reserve: Some(offer::operation::Reserve { resources: vec![wanted], source: vec![] }),
                ..Default::default()
            }
        };
        let call = accept_call(offer, operation, Some(Filters { refuse_seconds: Some(0.0) }));
        self.send_call(index, call);
        true
    }

    /// A framework that suppresses asks for no offers while it has nothing left to launch,
    /// and for offers again once it has (a replaced unreachable task, a fresh start).
    fn suppress_or_revive(&mut self, index: usize) {
        if !self.frameworks[index].suppresses {
            return;
        }
        // Now and then the rest of its work is not ready for a while.
        if self.phase == Phase::Faults
            && self.frameworks[index].paused_until.is_none()
            && self.behaviour_rng.below(20) == 0
        {
            let pause = Duration::from_millis(1_000 + self.behaviour_rng.below(30_000) as u64);
            self.frameworks[index].paused_until = Some(self.now + pause);
        }
        let wanted = self.work_ready(index) > 0;
        let framework = &self.frameworks[index];
        let kind = match (wanted, framework.suppressed) {
            (false, false) => call::Type::Suppress,
            (true, true) => call::Type::Revive,
            _ => return,
        };
        self.frameworks[index].suppressed = kind == call::Type::Suppress;
        self.send_call(index, Call { r#type: Some(kind as i32), ..Default::default() });
    }

    /// How many tasks it would launch now.
    fn work_ready(&mut self, index: usize) -> usize {
        let now = self.now;
        let framework = &mut self.frameworks[index];
        if framework.paused_until.is_some_and(|until| now < until) {
            return 0;
        }
        framework.paused_until = None;
        framework.target.saturating_sub(framework.launched)
    }

    /// The default executor for `tasks` as one group, if the framework launches groups and
    /// `offer` has room for the executor beside them.
    fn group_executor(&mut self, index: usize, offer: &Offer, tasks: &[TaskInfo]) -> Option<ExecutorInfo> {
        if !self.frameworks[index].groups {
            return None;
        }
        self.executor_with_room(index, offer, tasks, executor_info::Type::Default)
    }

    /// An executor of `kind` for `tasks`, if `offer` has room for it beside them.
    fn executor_with_room(
        &mut self,
        index: usize,
        offer: &Offer,
        tasks: &[TaskInfo],
        kind: executor_info::Type,
    ) -> Option<ExecutorInfo> {
        // Mesos' floor for an executor: some cpus, 32 MB of memory, some disk.
        const EXECUTOR: (f64, f64, f64) = (0.1, 32.0, 32.0);
        let quantities = |resources: &[mesos_proto::v1::Resource]| {
            let q = mesos_proto::convert::resources_from_proto(resources).unwrap_or_default().to_quantities();
            (q.get("cpus").to_f64(), q.get("mem").to_f64(), q.get("disk").to_f64())
        };
        // Only unreserved resources: a reserving framework's disk may be reserved.
        let unreserved: Vec<mesos_proto::v1::Resource> =
            offer.resources.iter().filter(|r| r.reservations.is_empty()).cloned().collect();
        let (mut cpus, mut mem, disk) = quantities(&unreserved);
        for task in tasks {
            let (c, m, _) = quantities(&task.resources);
            cpus -= c;
            mem -= m;
        }
        if cpus + 1e-9 < EXECUTOR.0 || mem + 1e-9 < EXECUTOR.1 || disk + 1e-9 < EXECUTOR.2 {
            return None;
        }
        let text = format!("cpus:{};mem:{};disk:{}", EXECUTOR.0, EXECUTOR.1, EXECUTOR.2);
        let resources = Resources::parse(&text, "*").ok()?;
        let framework = &self.frameworks[index];
        let (executor_id, command) = match kind {
            executor_info::Type::Custom => (
                format!("executor-{}-g{}", framework.name, framework.generations),
                Some(CommandInfo { value: Some("sim-executor".into()), ..Default::default() }),
            ),
            _ => (format!("group-{}", tasks.first()?.task_id.value), None),
        };
        Some(ExecutorInfo {
            r#type: Some(kind as i32),
            executor_id: ExecutorId { value: executor_id },
            command,
            framework_id: framework.id.as_ref().map(|id| FrameworkId { value: id.clone() }),
            resources: resources_to_proto(
                &resources,
                ResourceFormat { refinement: true, allocation_info: false, legacy: false },
            ),
            ..Default::default()
        })
    }

    /// Up to `wanted` tasks that fit in `offer`, each with a planned outcome.
    fn tasks_for(&mut self, index: usize, offer: &Offer, wanted: usize) -> Vec<TaskInfo> {
        let offered = mesos_proto::convert::resources_from_proto(&offer.resources).unwrap_or_default();
        let quantities = offered.to_quantities();
        let mut cpus = quantities.get("cpus").to_f64();
        let mut mem = quantities.get("mem").to_f64();
        let mut tasks = Vec::new();
        for _ in 0..wanted.min(1 + self.rng.below(3)) {
            let (c, m) = ([0.1, 0.5, 1.0, 2.0][self.rng.below(4)], [32.0, 128.0, 512.0][self.rng.below(3)]);
            if c > cpus || m > mem {
                break;
            }
            cpus -= c;
            mem -= m;
            let framework = &mut self.frameworks[index];
            framework.next_task += 1;
            let id = format!("{}-g{}-t{}", framework.name, framework.generations, framework.next_task);
            let seconds = 1.0 + self.rng.unit() * 40.0;
            let plan = match self.rng.below(20) {
                0 => "hang".to_string(),
                1 | 2 => format!("fail {seconds:.3}"),
                3 => format!("crash {seconds:.3}"),
                _ => format!("finish {seconds:.3}"),
            };
            let resources = Resources::parse(&format!("cpus:{c};mem:{m}"), "*").unwrap_or_default();
            tasks.push(TaskInfo {
                name: id.clone(),
                task_id: TaskId { value: id },
                agent_id: offer.agent_id.clone(),
                resources: resources_to_proto(
                    &resources,
                    ResourceFormat { refinement: true, allocation_info: false, legacy: false },
                ),
                command: Some(CommandInfo { value: Some("sim".into()), ..Default::default() }),
                data: Some(plan.into_bytes()),
                ..Default::default()
            });
        }
        tasks
    }

    /// Replaces the tasks unreachable for longer than [`UNREACHABLE_GIVE_UP`].
    fn replace_unreachable(&mut self, index: usize) {
        let now = self.now;
        let framework = &mut self.frameworks[index];
        for task in framework.tasks.values_mut() {
            let overdue =
                task.unreachable_since.is_some_and(|at| now.saturating_since(at) > UNREACHABLE_GIVE_UP);
            if overdue && !task.abandoned {
                task.abandoned = true;
                framework.target += 1;
            }
        }
    }

    /// Kills tasks that run too long (a planned hang) and, now and then, one at random.
    fn kill_some(&mut self, index: usize) {
        let now = self.now;
        let random_kill = self.phase == Phase::Faults && self.rng.below(50) == 0;
        let framework = &self.frameworks[index];
        let mut kills: Vec<(String, String)> = framework
            .tasks
            .iter()
            .filter(|(_, t)| !t.state.is_terminal())
            .filter(|(_, t)| now.saturating_since(t.launched) > Duration::from_secs(90))
            .filter(|(_, t)| t.kill_sent.is_none_or(|at| now.saturating_since(at) > Duration::from_secs(30)))
            .map(|(id, t)| (id.clone(), t.agent_id.clone()))
            .collect();
        if random_kill {
            let live: Vec<(String, String)> = framework
                .tasks
                .iter()
                .filter(|(_, t)| !t.state.is_terminal())
                .map(|(id, t)| (id.clone(), t.agent_id.clone()))
                .collect();
            if !live.is_empty() {
                kills.push(live[self.rng.below(live.len())].clone());
            }
        }
        for (task_id, agent_id) in kills {
            if let Some(task) = self.frameworks[index].tasks.get_mut(&task_id) {
                task.kill_sent = Some(now);
            }
            let call = Call {
                r#type: Some(call::Type::Kill as i32),
                kill: Some(call::Kill {
                    task_id: TaskId { value: task_id },
                    agent_id: Some(AgentId { value: agent_id }),
                    kill_policy: None,
                }),
                ..Default::default()
            };
            self.send_call(index, call);
        }
    }
}

/// The first bytes of a uuid, for traces.
/// ACCEPT of one offer with one operation.
fn accept_call(offer: &Offer, operation: offer::Operation, filters: Option<Filters>) -> Call {
    Call {
        r#type: Some(call::Type::Accept as i32),
        accept: Some(call::Accept {
            offer_ids: vec![OfferId { value: offer.id.value.clone() }],
            operations: vec![operation],
            filters,
        }),
        ..Default::default()
    }
}

pub(crate) fn short(uuid: &[u8]) -> String {
    uuid.iter().take(3).map(|b| format!("{b:02x}")).collect()
}
