//! The invariants every step must keep, and what the end of a run must reach.

use mesos_proto::v1::TaskState;
use mesos_registry::Registry;

use crate::Sim;

/// Checks the safety invariants after a step; the first broken one is the failure.
pub(crate) fn check(sim: &mut Sim) -> Result<bool, String> {
    if let Some(problem) = sim.violations.first() {
        return Err(problem.clone());
    }
    check_registry(sim)?;
    check_books(sim)?;
    check_launches(sim)?;
    check_update_order(sim)?;
    Ok(true)
}

/// The registry on disk is exactly the committed operations applied in order, and the
/// running master's copy equals it once no write is in flight.
fn check_registry(sim: &Sim) -> Result<(), String> {
    let mut replayed = Registry::default();
    for operation in &sim.master.committed_log {
        let _ = operation.apply(&mut replayed);
    }
    if replayed != sim.master.stored {
        return Err("the stored registry is not what was committed".into());
    }
    if let Some(core) = &sim.master.core
        && sim.master.writing.is_none()
        && sim.master.queued.is_empty()
        && core.registry() != &sim.master.stored
    {
        return Err(format!(
            "the master's registry differs from the stored one:\n master: {:?}\n stored: {:?}",
            core.registry(),
            sim.master.stored
        ));
    }
    Ok(())
}

/// No agent is over-committed and the allocator agrees with the master ([`Master::audit`]).
///
/// [`Master::audit`]: mesos_master_core::Master::audit
fn check_books(sim: &Sim) -> Result<(), String> {
    match &sim.master.core {
        Some(master) => master.audit(),
        None => Ok(()),
    }
}

/// A task id reaches an executor at most once.
fn check_launches(sim: &Sim) -> Result<(), String> {
    match sim.launches.iter().find(|(_, count)| **count > 1) {
        Some(((framework, task), count)) => {
            Err(format!("task {task} of {framework} was launched {count} times"))
        }
        None => Ok(()),
    }
}

/// What a framework heard of a checkpointing task's reliable updates is a prefix of what the
/// agent recorded, in the same order: nothing skipped, nothing reordered.
fn check_update_order(sim: &Sim) -> Result<(), String> {
    for framework in sim.frameworks.iter().filter(|f| f.checkpoint) {
        let Some(framework_id) = &framework.id else { continue };
        for (task_id, task) in &framework.tasks {
            let Some(written) = sim.written_updates.get(&(framework_id.clone(), task_id.clone())) else {
                continue;
            };
            if task.uuids.len() > written.len() || written[..task.uuids.len()] != task.uuids[..] {
                return Err(format!(
                    "{} task {task_id}: heard {} updates that are not the first ones recorded ({} recorded)",
                    framework.name,
                    task.uuids.len(),
                    written.len()
                ));
            }
        }
    }
    Ok(())
}

impl Sim {
    /// Records a broken invariant seen while handling an event.
    pub(crate) fn violation(&mut self, problem: String) {
        self.note(format!("VIOLATION {problem}"));
        self.violations.push(problem);
    }

    /// Whether every framework finished its work and the cluster settled.
    pub(crate) fn work_done(&self) -> bool {
        // Both sides must agree: an agent may still believe itself registered while the
        // master has just marked it unreachable and closed its stream.
        let Some(master) = &self.master.core else { return false };
        // A task given up as unreachable is settled only while its agent stays away; once the
        // agent is back, the framework's next reconciliation must hear what became of it.
        let abandoned_back = self.frameworks.iter().any(|f| {
            f.tasks
                .values()
                .any(|t| t.abandoned && !t.state.is_terminal() && master.agent(&t.agent_id).is_some())
        });
        // Likewise a task the master guessed lost whose agent brought it back: a framework
        // that reconciled while the agent was still away hears of it only when it reconciles
        // again (Mesos does not tell frameworks that are not partition-aware).
        let lost_back = self.frameworks.iter().any(|f| {
            let Some(record) = f.id.as_deref().and_then(|id| master.framework(id)) else { return false };
            f.tasks.iter().any(|(task_id, t)| {
                t.state == TaskState::TaskLost
                    && t.lost_maybe_back
                    && record.tasks.get(task_id).is_some_and(|task| !task.latest_state().is_terminal())
            })
        });
        // Reserving frameworks leave no reservation of their role behind.
        let reserved_left = self.frameworks.iter().filter(|f| f.reserves).any(|f| {
            let role = f.role();
            master.agents().any(|agent| !agent.total.reserved(&role).is_empty())
        });
        !abandoned_back
            && !lost_back
            && !reserved_left
            && self.frameworks.iter().all(|f| f.done())
            && self.agents.iter().all(|a| {
                a.core.as_ref().is_some_and(|core| {
                    matches!(core.registration(), mesos_agent_core::Registration::Registered(_))
                        && core.agent_id().is_some_and(|id| master.agent(id).is_some_and(|m| m.connected()))
                })
            })
    }

    /// After the liveness phase: all work finished, every agent registered, nothing stranded.
    pub(crate) fn check_liveness(&self) -> Result<(), String> {
        for framework in &self.frameworks {
            if !framework.done() {
                let open: Vec<String> = framework
                    .tasks
                    .iter()
                    .filter(|(_, t)| !t.state.is_terminal())
                    .map(|(id, t)| format!("{id}: {:?}", t.state))
                    .take(5)
                    .collect();
                let offers: Vec<String> = self
                    .master
                    .core
                    .iter()
                    .flat_map(|m| m.offers().map(|o| format!("{} to {}", o.id, o.framework_id)))
                    .collect();
                return Err(format!(
                    "liveness: {} ({:?}) launched {} of {} tasks; unfinished: {open:?}; the master's offers: {offers:?}",
                    framework.name, framework.id, framework.launched, framework.target
                ));
            }
        }
        let Some(master) = &self.master.core else { return Err("liveness: the master is down".into()) };
        // A task given up as unreachable is settled only if its agent never came back under
        // that id; a returning agent must have turned it into something else.
        for framework in &self.frameworks {
            for (task_id, task) in
                framework.tasks.iter().filter(|(_, t)| t.abandoned && !t.state.is_terminal())
            {
                if master.agent(&task.agent_id).is_some() {
                    return Err(format!(
                        "liveness: {} task {task_id} is still {:?} although its agent {} is registered",
                        framework.name, task.state, task.agent_id
                    ));
                }
            }
        }
        for agent in &self.agents {
            let id = agent.core.as_ref().and_then(|core| core.agent_id()).unwrap_or_default();
            if !master.agent(id).is_some_and(|a| a.connected()) {
                return Err(format!(
                    "liveness: agent a{} ({id}) is not registered with the master",
                    agent.index
                ));
            }
        }
        for framework in self.frameworks.iter().filter(|f| f.reserves) {
            let role = framework.role();
            if let Some(agent) = master.agents().find(|agent| !agent.total.reserved(&role).is_empty()) {
                return Err(format!(
                    "liveness: {} is done but agent {} still has {} reserved for {role}",
                    framework.name,
                    agent.id,
                    agent.total.reserved(&role)
                ));
            }
        }
        // What each agent keeps on its disk is what the master thinks it keeps.
        for node in &self.agents {
            let Some(id) = node.core.as_ref().and_then(|core| core.agent_id()) else { continue };
            let Some(agent) = master.agent(id) else { continue };
            let read = |resources: &[mesos_proto::v1::Resource]| {
                mesos_proto::convert::resources_from_proto(resources).map_err(|e| e.to_string())
            };
            let (kept, believed) = (read(&node.checkpoints.resources)?, read(&agent.checkpointed)?);
            if kept != believed {
                return Err(format!(
                    "liveness: agent a{} keeps reservations and volumes {kept} but the master believes {believed}",
                    node.index
                ));
            }
        }
        for offer in master.offers() {
            let held = self.frameworks.iter().any(|f| {
                f.id.as_deref() == Some(offer.framework_id.as_str()) && f.offers.contains_key(&offer.id)
            });
            let connected = master.framework(&offer.framework_id).is_some_and(|f| f.connected());
            let old = self.now.saturating_since(offer.created) > crate::SETTLE;
            if connected && !held && old {
                return Err(format!(
                    "liveness: offer {} is outstanding but its framework never got it",
                    offer.id
                ));
            }
        }
        for framework in master.frameworks() {
            let live = framework.tasks.values().filter(|t| !t.latest_state().is_terminal()).count();
            if live > 0 && self.frameworks.iter().any(|f| f.id.as_deref() == Some(framework.id.as_str())) {
                return Err(format!("liveness: the master still has {live} live tasks of {}", framework.id));
            }
        }
        Ok(())
    }
}
