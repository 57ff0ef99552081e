//! Read-only summaries the HTTP endpoints render (`/master/roles`, resource totals).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use bytes::Bytes;
use mesos_proto::json::writer::Text;

use mesos_types::resources::Resources;

use crate::Master;

/// Text an endpoint rendered from a record, kept with the record and the stamp of what it
/// was rendered from, so that a record that has not changed is not rendered again: at
/// 400,000 tasks rendering them was most of `/master/state` (docs/benchmarks.md). The text is
/// shared with the documents it is spliced into, not copied. The core never reads it; a
/// copied record starts with none.
#[derive(Debug, Default)]
pub struct RenderCache(Mutex<Option<(u64, Bytes)>>);

/// How much room a record's text is first given; tasks take about 500 bytes.
const RENDER_ROOM: usize = 1024;

impl RenderCache {
    /// Splices the text for `stamp` into `out`: the kept text if it was rendered for
    /// `stamp`, else what `render` writes, which is then kept.
    pub fn write(&self, stamp: u64, out: &mut Text, render: impl FnOnce(&mut Text)) {
        // A panic while rendering leaves at worst a stale entry, which the stamp catches.
        let mut kept = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((kept_stamp, text)) = kept.as_ref()
            && *kept_stamp == stamp
        {
            out.splice(text.clone());
            return;
        }
        let mut text = Text::with_capacity(RENDER_ROOM);
        render(&mut text);
        // A copy of exactly its size: keeping the rendering buffer would keep its spare room
        // for as long as the record lives.
        let text = Bytes::copy_from_slice(text.into_string().as_bytes());
        out.splice(text.clone());
        *kept = Some((stamp, text));
    }
}

impl Clone for RenderCache {
    fn clone(&self) -> Self {
        RenderCache::default()
    }
}

/// A cache is not part of what a record says.
impl PartialEq for RenderCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// One role as `/master/roles` shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoleView {
    /// Role name.
    pub name: String,
    /// Weight (default 1).
    pub weight: f64,
    /// Frameworks subscribed to it.
    pub frameworks: BTreeSet<String>,
    /// Resources used by tasks and executors of the role.
    pub allocated: Resources,
    /// Resources offered to the role.
    pub offered: Resources,
    /// Resources reserved for the role.
    pub reserved: Resources,
}

/// Per-agent usage as the state endpoints show it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgentUsage {
    /// Used by tasks and executors (allocated but not offered).
    pub used: Resources,
    /// Offered.
    pub offered: Resources,
}

impl Master {
    /// Checks the master's books against themselves and the allocator's, for tests and the
    /// simulator: no agent holds more in offers and live tasks than it has, the allocator
    /// counts exactly that on every agent, and every offer is indexed under its framework.
    pub fn audit(&self) -> Result<(), String> {
        if self.counters.allocator_errors != 0 {
            return Err("the allocator refused a call: its books and the master's disagree".into());
        }
        // What each agent holds, gathered in one pass (linear in offers and tasks: this runs
        // after every step of the simulator and once at the end of runs with 50,000 agents).
        let mut holdings: BTreeMap<&str, mesos_types::ResourceQuantities> = BTreeMap::new();
        for offer in self.offers() {
            *holdings.entry(offer.agent_id.as_str()).or_default() += &offer.resources.to_quantities();
        }
        for framework in self.frameworks() {
            for task in framework.tasks.values().filter(|t| !t.released) {
                *holdings.entry(task.agent_id.as_str()).or_default() += &task.resources.to_quantities();
            }
        }
        for agent in self.agents() {
            let mut held = holdings.remove(agent.id.as_str()).unwrap_or_default();
            // Executors hold their own resources beside their tasks'.
            for executor in agent.executors.values().flat_map(|executors| executors.values()) {
                if let Ok(resources) = mesos_proto::convert::resources_from_proto(&executor.resources) {
                    held += &resources.to_quantities();
                }
            }
            let total = agent.total.to_quantities();
            if !total.contains(&held) {
                return Err(format!("agent {} is over-committed: {held} of {total}", agent.id));
            }
            let allocated =
                self.allocator.allocated_on(&agent.id).cloned().unwrap_or_default().to_quantities();
            if allocated != held {
                return Err(format!("on {} the allocator counts {allocated}, the master {held}", agent.id));
            }
        }
        for offer in self.offers() {
            match self.framework(&offer.framework_id) {
                None => {
                    return Err(format!(
                        "offer {} belongs to unknown framework {}",
                        offer.id, offer.framework_id
                    ));
                }
                Some(framework) if !framework.offers.contains(&offer.id) => {
                    return Err(format!("offer {} is missing from its framework's index", offer.id));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Every role with frameworks, allocations, reservations or a weight, plus ancestors.
    pub fn role_views(&self) -> Vec<RoleView> {
        let mut roles: BTreeMap<String, RoleView> = BTreeMap::new();
        let weights = &self.registry.weights;
        let entry = |name: &str, roles: &mut BTreeMap<String, RoleView>| {
            roles.entry(name.to_string()).or_insert_with(|| RoleView {
                name: name.to_string(),
                weight: weights.get(name).copied().unwrap_or(1.0),
                ..RoleView::default()
            });
        };
        if let Some(whitelist) = &self.config.role_whitelist {
            for role in whitelist {
                entry(role, &mut roles);
            }
        }
        for role in weights.keys() {
            entry(role, &mut roles);
        }
        for framework in self.frameworks.values() {
            for role in &framework.roles {
                entry(role, &mut roles);
                if let Some(view) = roles.get_mut(role) {
                    view.frameworks.insert(framework.id.clone());
                }
            }
            for task in framework.tasks.values().filter(|t| !t.released) {
                let role = task.role();
                entry(&role, &mut roles);
                if let Some(view) = roles.get_mut(&role) {
                    view.allocated += &task.resources;
                }
            }
        }
        for offer in self.offers.values() {
            entry(&offer.role, &mut roles);
            if let Some(view) = roles.get_mut(&offer.role) {
                view.offered += &offer.resources;
            }
        }
        for agent in self.agents.values() {
            for (role, reserved) in agent.total.reserved_by_role() {
                entry(&role, &mut roles);
                if let Some(view) = roles.get_mut(&role) {
                    view.reserved += &reserved;
                }
            }
        }
        let names: Vec<String> = roles.keys().cloned().collect();
        for name in names {
            for ancestor in mesos_types::roles::ancestors(&name) {
                entry(ancestor, &mut roles);
            }
        }
        roles
            .remove("*")
            .into_iter()
            .chain(roles.into_values())
            .filter(|r| r.name != "*" || !r.frameworks.is_empty())
            .collect()
    }

    /// What an agent's resources are doing.
    pub fn agent_usage(&self, agent_id: &str) -> AgentUsage {
        let mut usage = AgentUsage::default();
        // Through the agent's own index of its offers: scanning every offer for every agent
        // made /master/state quadratic in cluster size.
        let offer_ids = self.agents.get(agent_id).map(|a| &a.offers);
        for offer in offer_ids.into_iter().flatten().filter_map(|id| self.offers.get(id)) {
            usage.offered += &offer.resources;
        }
        if let Some(allocated) = self.allocator.allocated_on(agent_id) {
            usage.used = allocated.clone() - &usage.offered;
        }
        usage
    }
}
