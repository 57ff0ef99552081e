//! The mesos-rs allocator: hierarchical weighted DRF over roles, then frameworks.
//!
//! A plain data structure owned by the master core and called synchronously: the master tells
//! it about agents, frameworks and resources coming back, and [`HierarchicalAllocator::allocate`] returns
//! what to offer to whom. It never calls out, reads no clock (every call that needs time takes
//! `now`) and draws randomness from a seeded [`Rng`].
//!
//! One allocation pass: agents with free resources are visited in random order; for each, the
//! role sorter and then the role's framework sorter are walked in fairness order, and the first
//! framework that can use what the agent has left (role eligibility, capabilities, minimum
//! allocatable quantities, refusal filters) gets all of it. Sorters are updated incrementally
//! after each allocation (see [`sorter`]), which keeps a pass near O(agents · log n).
//!
//! Everything offered counts as allocated until the master gives it back through
//! [`HierarchicalAllocator::recover`] (decline, rescind, unused part of an accept, finished task).
//!
//! Quota is not implemented yet; the pass is structured so a first stage satisfying role
//! guarantees can run before the fair-share stage without changing the data layout (roles
//! already have per-kind allocation totals in the role sorter).

pub mod sorter;

mod filters;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use mesos_types::quantities::ResourceQuantities;
use mesos_types::resources::{Resource, Resources, Value};
use mesos_types::{Rng, Time, roles};

pub use sorter::{Sorter, SorterKind, Visit};

use filters::Filters;

/// Static configuration, from master flags.
#[derive(Clone, Debug)]
pub struct Config {
    /// `--allocation_interval`: refusal filters last at least this long.
    pub allocation_interval: Duration,
    /// `--min_allocatable_resources`: an offer must contain one of these (empty = any).
    pub min_allocatable: Vec<ResourceQuantities>,
    /// `--fair_sharing_excluded_resource_names`.
    pub fair_sharing_excluded: BTreeSet<String>,
    /// `--filter_gpu_resources`: only GPU-aware frameworks see agents with GPUs.
    pub filter_gpu_resources: bool,
    /// `--role_sorter`.
    pub role_sorter: SorterKind,
    /// `--framework_sorter`.
    pub framework_sorter: SorterKind,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            allocation_interval: Duration::from_secs(1),
            min_allocatable: Vec::new(),
            fair_sharing_excluded: BTreeSet::new(),
            filter_gpu_resources: true,
            role_sorter: SorterKind::Drf,
            framework_sorter: SorterKind::Drf,
        }
    }
}

/// The framework capabilities that change what it may be offered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// REVOCABLE_RESOURCES.
    pub revocable: bool,
    /// GPU_RESOURCES.
    pub gpu: bool,
    /// SHARED_RESOURCES.
    pub shared: bool,
    /// RESERVATION_REFINEMENT.
    pub reservation_refinement: bool,
}

/// What the allocator needs to know about a framework.
#[derive(Clone, Debug, Default)]
pub struct FrameworkSpec {
    /// Roles it subscribes to.
    pub roles: BTreeSet<String>,
    /// Roles it does not want offers for right now.
    pub suppressed: BTreeSet<String>,
    /// Capabilities.
    pub capabilities: Capabilities,
    /// Per-role minimum offer sizes overriding the master's (`FrameworkInfo.offer_filters`).
    pub min_allocatable: BTreeMap<String, Vec<ResourceQuantities>>,
}

/// One decision of an allocation pass: offer `resources` of `agent` to `framework` for `role`.
#[derive(Clone, Debug, PartialEq)]
pub struct Allocation {
    /// Framework id.
    pub framework: Arc<str>,
    /// Agent id.
    pub agent: Arc<str>,
    /// Role the resources are allocated to (set on every resource as its allocation role).
    pub role: Arc<str>,
    /// The resources.
    pub resources: Resources,
}

/// Calls that name something the allocator does not know. The master treats these as bugs
/// in its own bookkeeping, so they are reported rather than ignored.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AllocatorError {
    /// Unknown framework id.
    #[error("unknown framework '{0}'")]
    UnknownFramework(String),
    /// Unknown agent id.
    #[error("unknown agent '{0}'")]
    UnknownAgent(String),
    /// A framework or agent added twice.
    #[error("'{0}' is already known")]
    AlreadyKnown(String),
}

/// What the master needs from an allocator. `--allocator` picks the implementation through
/// [`build`]; the built-in one is [`HierarchicalAllocator`]. Every call that needs time takes
/// `now`, so implementations stay deterministic.
pub trait Allocator: Send {
    /// Adds an active framework.
    fn add_framework(&mut self, id: &str, spec: FrameworkSpec) -> Result<(), AllocatorError>;
    /// Replaces a framework's roles, suppressed roles, capabilities and minimums.
    fn update_framework(&mut self, id: &str, spec: FrameworkSpec) -> Result<(), AllocatorError>;
    /// Stops offers to a framework without forgetting its allocations.
    fn deactivate_framework(&mut self, id: &str) -> Result<(), AllocatorError>;
    /// Resumes offers to a framework.
    fn activate_framework(&mut self, id: &str) -> Result<(), AllocatorError>;
    /// Removes a framework; its allocations return to their agents.
    fn remove_framework(&mut self, id: &str) -> Result<(), AllocatorError>;
    /// Suppresses offers for roles (all when empty).
    fn suppress(&mut self, id: &str, roles: &[String]) -> Result<(), AllocatorError>;
    /// Un-suppresses roles (all when empty) and clears their refusal filters.
    fn revive(&mut self, id: &str, roles: &[String]) -> Result<(), AllocatorError>;
    /// Adds an agent with its total and what frameworks already use there.
    fn add_agent(
        &mut self,
        id: &str,
        total: Resources,
        used: &BTreeMap<String, Resources>,
    ) -> Result<(), AllocatorError>;
    /// Removes an agent.
    fn remove_agent(&mut self, id: &str) -> Result<(), AllocatorError>;
    /// Stops or resumes offers of an agent's resources.
    fn set_agent_active(&mut self, id: &str, active: bool) -> Result<(), AllocatorError>;
    /// Replaces an agent's total.
    fn update_agent_total(&mut self, id: &str, total: Resources) -> Result<(), AllocatorError>;
    /// Gives resources back, optionally refusing them to the framework for a while.
    fn recover(
        &mut self,
        framework: &str,
        agent: &str,
        resources: &Resources,
        refuse: Option<Duration>,
        now: Time,
    );
    /// Applies an operation's conversion to an allocation and the agent's total.
    fn update_allocation(
        &mut self,
        framework: &str,
        agent: &str,
        consumed: &Resources,
        converted: &Resources,
    ) -> Result<(), AllocatorError>;
    /// Replaces role weights.
    fn set_weights(&mut self, weights: BTreeMap<String, f64>);
    /// Runs one allocation pass.
    fn allocate(&mut self, now: Time) -> Vec<Allocation>;
    /// Passes run so far.
    fn allocation_runs(&self) -> u64;
    /// Weighted dominant share per role.
    fn role_shares(&self) -> BTreeMap<String, f64>;
    /// Live refusal filters per role.
    fn active_filters(&self, now: Time) -> BTreeMap<String, usize>;
    /// What is offered or in use on an agent.
    fn allocated_on(&self, agent: &str) -> Option<&Resources>;
}

/// Builds the allocator named by `--allocator` (`hierarchical`, alias `HierarchicalDRF`).
pub fn build(name: &str, config: Config, seed: u64) -> Result<Box<dyn Allocator>, String> {
    match name {
        "hierarchical" | "HierarchicalDRF" => Ok(Box::new(HierarchicalAllocator::new(config, seed))),
        other => Err(format!("unknown allocator '{other}' (the built-in one is 'hierarchical')")),
    }
}

impl Allocator for HierarchicalAllocator {
    fn add_framework(&mut self, id: &str, spec: FrameworkSpec) -> Result<(), AllocatorError> {
        HierarchicalAllocator::add_framework(self, id, spec)
    }
    fn update_framework(&mut self, id: &str, spec: FrameworkSpec) -> Result<(), AllocatorError> {
        HierarchicalAllocator::update_framework(self, id, spec)
    }
    fn deactivate_framework(&mut self, id: &str) -> Result<(), AllocatorError> {
        HierarchicalAllocator::deactivate_framework(self, id)
    }
    fn activate_framework(&mut self, id: &str) -> Result<(), AllocatorError> {
        HierarchicalAllocator::activate_framework(self, id)
    }
    fn remove_framework(&mut self, id: &str) -> Result<(), AllocatorError> {
        HierarchicalAllocator::remove_framework(self, id)
    }
    fn suppress(&mut self, id: &str, roles: &[String]) -> Result<(), AllocatorError> {
        HierarchicalAllocator::suppress(self, id, roles)
    }
    fn revive(&mut self, id: &str, roles: &[String]) -> Result<(), AllocatorError> {
        HierarchicalAllocator::revive(self, id, roles)
    }
    fn add_agent(
        &mut self,
        id: &str,
        total: Resources,
        used: &BTreeMap<String, Resources>,
    ) -> Result<(), AllocatorError> {
        HierarchicalAllocator::add_agent(self, id, total, used)
    }
    fn remove_agent(&mut self, id: &str) -> Result<(), AllocatorError> {
        HierarchicalAllocator::remove_agent(self, id)
    }
    fn set_agent_active(&mut self, id: &str, active: bool) -> Result<(), AllocatorError> {
        HierarchicalAllocator::set_agent_active(self, id, active)
    }
    fn update_agent_total(&mut self, id: &str, total: Resources) -> Result<(), AllocatorError> {
        HierarchicalAllocator::update_agent_total(self, id, total)
    }
    fn recover(
        &mut self,
        framework: &str,
        agent: &str,
        resources: &Resources,
        refuse: Option<Duration>,
        now: Time,
    ) {
        HierarchicalAllocator::recover(self, framework, agent, resources, refuse, now)
    }
    fn update_allocation(
        &mut self,
        framework: &str,
        agent: &str,
        consumed: &Resources,
        converted: &Resources,
    ) -> Result<(), AllocatorError> {
        HierarchicalAllocator::update_allocation(self, framework, agent, consumed, converted)
    }
    fn set_weights(&mut self, weights: BTreeMap<String, f64>) {
        HierarchicalAllocator::set_weights(self, weights)
    }
    fn allocate(&mut self, now: Time) -> Vec<Allocation> {
        HierarchicalAllocator::allocate(self, now)
    }
    fn allocation_runs(&self) -> u64 {
        HierarchicalAllocator::allocation_runs(self)
    }
    fn role_shares(&self) -> BTreeMap<String, f64> {
        HierarchicalAllocator::role_shares(self)
    }
    fn active_filters(&self, now: Time) -> BTreeMap<String, usize> {
        HierarchicalAllocator::active_filters(self, now)
    }
    fn allocated_on(&self, agent: &str) -> Option<&Resources> {
        HierarchicalAllocator::allocated_on(self, agent)
    }
}

struct Framework {
    id: Arc<str>,
    spec: FrameworkSpec,
    active: bool,
    /// Everything offered or in use, per agent (allocation roles on every resource).
    allocations: BTreeMap<u32, Resources>,
}

struct Agent {
    id: Arc<str>,
    total: Resources,
    /// Offered or in use.
    allocated: Resources,
    /// `total - allocated`, cached because every pass reads it.
    free: Resources,
    active: bool,
    has_gpus: bool,
    /// Frameworks with allocations here.
    frameworks: BTreeSet<u32>,
}

struct Role {
    name: Arc<str>,
    /// Frameworks subscribed to the role or still holding resources allocated to it.
    sorter: Box<dyn Sorter>,
    members: BTreeSet<u32>,
}

/// The hierarchical weighted DRF allocator. See the crate documentation.
pub struct HierarchicalAllocator {
    config: Config,
    rng: Rng,
    /// Resource kinds that count for fair sharing; the position is the dense index. A handful
    /// of names at most, where a linear scan beats hashing.
    kinds: Vec<String>,
    totals: Vec<f64>,
    role_sorter: Box<dyn Sorter>,
    roles: Vec<Option<Role>>,
    role_index: HashMap<String, u32>,
    frameworks: Vec<Option<Framework>>,
    framework_index: HashMap<String, u32>,
    agents: Vec<Option<Agent>>,
    agent_index: HashMap<String, u32>,
    weights: BTreeMap<String, f64>,
    filters: Filters,
    allocation_runs: u64,
}

impl HierarchicalAllocator {
    /// A new allocator; `seed` drives agent shuffling and the random sorter.
    pub fn new(config: Config, seed: u64) -> HierarchicalAllocator {
        let role_sorter = config.role_sorter.build();
        HierarchicalAllocator {
            config,
            rng: Rng::new(seed),
            kinds: Vec::new(),
            totals: Vec::new(),
            role_sorter,
            roles: Vec::new(),
            role_index: HashMap::new(),
            frameworks: Vec::new(),
            framework_index: HashMap::new(),
            agents: Vec::new(),
            agent_index: HashMap::new(),
            weights: BTreeMap::new(),
            filters: Filters::default(),
            allocation_runs: 0,
        }
    }

    // ----- frameworks -----

    /// Adds an active framework.
    pub fn add_framework(&mut self, id: &str, spec: FrameworkSpec) -> Result<(), AllocatorError> {
        if self.framework_index.contains_key(id) {
            return Err(AllocatorError::AlreadyKnown(id.to_string()));
        }
        let idx = self.frameworks.len() as u32;
        let roles: Vec<String> = spec.roles.iter().cloned().collect();
        self.frameworks.push(Some(Framework {
            id: Arc::from(id),
            spec,
            active: true,
            allocations: BTreeMap::new(),
        }));
        self.framework_index.insert(id.to_string(), idx);
        for role in roles {
            self.track(idx, &role);
        }
        Ok(())
    }

    /// Replaces a framework's roles, suppressed roles, capabilities and minimums. Filters of
    /// removed roles and of roles leaving the suppressed set are cleared (Mesos' rule).
    pub fn update_framework(&mut self, id: &str, spec: FrameworkSpec) -> Result<(), AllocatorError> {
        let idx = self.framework_idx(id)?;
        let old = std::mem::take(&mut self.framework_mut(idx).spec);
        for role in old.roles.difference(&spec.roles) {
            self.filters.clear_role(idx, role);
        }
        for role in old.suppressed.difference(&spec.suppressed) {
            self.filters.clear_role(idx, role);
        }
        let added: Vec<String> = spec.roles.difference(&old.roles).cloned().collect();
        let removed: Vec<String> = old.roles.difference(&spec.roles).cloned().collect();
        self.framework_mut(idx).spec = spec;
        for role in added {
            self.track(idx, &role);
        }
        for role in removed {
            self.untrack_if_idle(idx, &role);
        }
        Ok(())
    }

    /// Stops offers to a framework (its stream broke) without forgetting its allocations.
    pub fn deactivate_framework(&mut self, id: &str) -> Result<(), AllocatorError> {
        let idx = self.framework_idx(id)?;
        self.framework_mut(idx).active = false;
        Ok(())
    }

    /// Resumes offers to a framework.
    pub fn activate_framework(&mut self, id: &str) -> Result<(), AllocatorError> {
        let idx = self.framework_idx(id)?;
        self.framework_mut(idx).active = true;
        Ok(())
    }

    /// Removes a framework; everything allocated to it returns to its agents.
    pub fn remove_framework(&mut self, id: &str) -> Result<(), AllocatorError> {
        let idx = self.framework_idx(id)?;
        let allocations: Vec<(u32, Resources)> =
            self.framework(idx).allocations.iter().map(|(agent, r)| (*agent, r.clone())).collect();
        for (agent, resources) in allocations {
            self.release(idx, agent, &resources);
        }
        self.framework_mut(idx).spec.roles.clear();
        // Every role it is a member of, including roles it left while still holding resources.
        let roles: Vec<String> = self
            .roles
            .iter()
            .flatten()
            .filter(|role| role.members.contains(&idx))
            .map(|role| role.name.to_string())
            .collect();
        for role in roles {
            self.untrack_if_idle(idx, &role);
        }
        self.filters.clear_framework(idx);
        self.frameworks[idx as usize] = None;
        self.framework_index.remove(id);
        Ok(())
    }

    /// Suppresses offers for `roles` (all of the framework's roles when empty).
    pub fn suppress(&mut self, id: &str, roles: &[String]) -> Result<(), AllocatorError> {
        let idx = self.framework_idx(id)?;
        let framework = self.framework_mut(idx);
        let roles: Vec<String> =
            if roles.is_empty() { framework.spec.roles.iter().cloned().collect() } else { roles.to_vec() };
        framework.spec.suppressed.extend(roles);
        Ok(())
    }

    /// Un-suppresses `roles` (all when empty) and clears their refusal filters.
    pub fn revive(&mut self, id: &str, roles: &[String]) -> Result<(), AllocatorError> {
        let idx = self.framework_idx(id)?;
        let framework = self.framework_mut(idx);
        let roles: Vec<String> =
            if roles.is_empty() { framework.spec.roles.iter().cloned().collect() } else { roles.to_vec() };
        for role in &roles {
            framework.spec.suppressed.remove(role);
        }
        for role in &roles {
            self.filters.clear_role(idx, role);
        }
        Ok(())
    }

    // ----- agents -----

    /// Adds an agent with its total resources and what frameworks already use there (tasks
    /// and executors learned at re-registration; allocation roles set on every resource).
    /// Unknown frameworks in `used` are added inactive with the roles they use, so their
    /// usage counts for fairness until they re-subscribe.
    pub fn add_agent(
        &mut self,
        id: &str,
        total: Resources,
        used: &BTreeMap<String, Resources>,
    ) -> Result<(), AllocatorError> {
        if self.agent_index.contains_key(id) {
            return Err(AllocatorError::AlreadyKnown(id.to_string()));
        }
        let idx = self.agents.len() as u32;
        let has_gpus = total.iter().any(|r| r.name == "gpus");
        self.add_to_totals(&total, 1.0);
        self.agents.push(Some(Agent {
            id: Arc::from(id),
            free: total.clone(),
            total,
            allocated: Resources::default(),
            active: true,
            has_gpus,
            frameworks: BTreeSet::new(),
        }));
        self.agent_index.insert(id.to_string(), idx);
        for (framework, resources) in used {
            let fw = match self.framework_index.get(framework) {
                Some(&fw) => fw,
                None => {
                    let roles = allocation_roles(resources);
                    self.add_framework(framework, FrameworkSpec { roles, ..FrameworkSpec::default() })?;
                    let fw = self.framework_idx(framework)?;
                    self.framework_mut(fw).active = false;
                    fw
                }
            };
            self.assign(fw, idx, resources);
        }
        Ok(())
    }

    /// Removes an agent; allocations on it vanish with it.
    pub fn remove_agent(&mut self, id: &str) -> Result<(), AllocatorError> {
        let idx = self.agent_idx(id)?;
        let frameworks: Vec<u32> = self.agent(idx).frameworks.iter().copied().collect();
        for fw in frameworks {
            if let Some(resources) = self.framework_mut(fw).allocations.remove(&idx) {
                self.unassign_from_sorters(fw, &resources);
                for role in allocation_roles(&resources) {
                    self.untrack_if_idle(fw, &role);
                }
            }
        }
        let total = self.agent(idx).total.clone();
        self.add_to_totals(&total, -1.0);
        self.filters.clear_agent(idx);
        self.agents[idx as usize] = None;
        self.agent_index.remove(id);
        Ok(())
    }

    /// Stops or resumes offers of an agent's resources (disconnected, draining).
    pub fn set_agent_active(&mut self, id: &str, active: bool) -> Result<(), AllocatorError> {
        let idx = self.agent_idx(id)?;
        self.agent_mut(idx).active = active;
        Ok(())
    }

    /// Replaces an agent's total (its allocations stay as they are).
    pub fn update_agent_total(&mut self, id: &str, total: Resources) -> Result<(), AllocatorError> {
        let idx = self.agent_idx(id)?;
        let old = std::mem::replace(&mut self.agent_mut(idx).total, total.clone());
        self.add_to_totals(&old, -1.0);
        self.add_to_totals(&total, 1.0);
        let agent = self.agent_mut(idx);
        agent.has_gpus = agent.total.iter().any(|r| r.name == "gpus");
        agent.free = agent.total.clone() - &agent.allocated.unallocated();
        Ok(())
    }

    // ----- resources -----

    /// Gives resources back (declined, rescinded, unused, or freed by a finished task). With
    /// `refuse` the framework is not offered a subset of them on that agent for that long
    /// (at least one allocation interval); `None` or zero installs no filter.
    pub fn recover(
        &mut self,
        framework: &str,
        agent: &str,
        resources: &Resources,
        refuse: Option<Duration>,
        now: Time,
    ) {
        let (Ok(fw), Ok(ag)) = (self.framework_idx(framework), self.agent_idx(agent)) else {
            // The framework or agent is gone and took its allocations with it.
            return;
        };
        self.release(fw, ag, resources);
        let roles: Vec<String> = allocation_roles(resources).into_iter().collect();
        for role in roles {
            self.untrack_if_idle(fw, &role);
        }
        if let Some(duration) = refuse.filter(|d| !d.is_zero()) {
            let duration = duration.max(self.config.allocation_interval);
            for (role, resources) in by_allocation_role(resources) {
                self.filters.add(fw, &role, ag, resources, now + duration);
            }
        }
    }

    /// Applies an operation's conversion to an allocation (RESERVE, CREATE, ...): `consumed`
    /// leaves both the framework's allocation and the agent's total, `converted` joins both.
    pub fn update_allocation(
        &mut self,
        framework: &str,
        agent: &str,
        consumed: &Resources,
        converted: &Resources,
    ) -> Result<(), AllocatorError> {
        let fw = self.framework_idx(framework)?;
        let ag = self.agent_idx(agent)?;
        self.release(fw, ag, consumed);
        // The total holds no allocation roles; the operation's resources do.
        let total = self.agent(ag).total.clone() - &consumed.unallocated() + &converted.unallocated();
        self.update_agent_total(agent, total)?;
        // The converted resources are taken from the (now larger) free pool back to the
        // framework, as they were never really free.
        self.assign(fw, ag, converted);
        Ok(())
    }

    /// Role weights (default 1). Replaces all previous weights.
    pub fn set_weights(&mut self, weights: BTreeMap<String, f64>) {
        for role in self.weights.keys() {
            if !weights.contains_key(role) {
                self.role_sorter.set_weight(role, 1.0);
            }
        }
        for (role, weight) in &weights {
            self.role_sorter.set_weight(role, *weight);
        }
        self.weights = weights;
    }

    // ----- the pass -----

    /// Runs one allocation pass over every agent and returns the offers to make.
    pub fn allocate(&mut self, now: Time) -> Vec<Allocation> {
        self.allocation_runs += 1;
        self.filters.expire(now);
        self.sync_totals();
        let mut order: Vec<u32> = self
            .agents
            .iter()
            .enumerate()
            .filter_map(|(idx, agent)| match agent {
                Some(agent) if agent.active && !agent.free.is_empty() => Some(idx as u32),
                _ => None,
            })
            .collect();
        self.rng.shuffle(&mut order);

        let mut offers = Vec::with_capacity(order.len());
        let mut granted: Vec<(u32, u32)> = Vec::new();
        for agent in order {
            granted.clear();
            while let Some((role, fw, resources, whole)) = self.pick(agent, now, &granted) {
                granted.push((role, fw));
                self.assign_picked(fw, agent, role, &resources, whole);
                offers.push(Allocation {
                    framework: self.framework(fw).id.clone(),
                    agent: self.agent(agent).id.clone(),
                    role: self.role(role).name.clone(),
                    resources,
                });
                if self.agent(agent).free.is_empty() {
                    break;
                }
            }
        }
        offers
    }

    /// The first (role, framework) in fairness order that can take something from `agent`,
    /// and what it can take.
    fn pick(
        &mut self,
        agent_idx: u32,
        now: Time,
        granted: &[(u32, u32)],
    ) -> Option<(u32, u32, Resources, bool)> {
        let HierarchicalAllocator { role_sorter, roles, frameworks, agents, filters, rng, config, .. } = self;
        let agent = agents[agent_idx as usize].as_ref()?;
        let mut choice = None;
        // The random sorter needs the rng while the role visit also borrows it.
        let mut inner_rng = Rng::new(rng.next_u64());
        role_sorter.visit(rng, &mut |role_idx| {
            let Some(Some(role)) = roles.get_mut(role_idx as usize) else { return Visit::Continue };
            let role_name: &str = &role.name;
            role.sorter.visit(&mut inner_rng, &mut |fw_idx| {
                if granted.contains(&(role_idx, fw_idx)) {
                    return Visit::Continue;
                }
                let Some(Some(framework)) = frameworks.get(fw_idx as usize) else { return Visit::Continue };
                if !framework.active
                    || !framework.spec.roles.contains(role_name)
                    || framework.spec.suppressed.contains(role_name)
                {
                    return Visit::Continue;
                }
                let caps = framework.spec.capabilities;
                if agent.has_gpus && config.filter_gpu_resources && !caps.gpu {
                    return Visit::Continue;
                }
                let (available, whole) = allocatable(&agent.free, role_name, caps);
                if available.is_empty() {
                    return Visit::Continue;
                }
                let minimums =
                    framework.spec.min_allocatable.get(role_name).unwrap_or(&config.min_allocatable);
                if !meets_minimum(&available, minimums) {
                    return Visit::Continue;
                }
                if filters.refuses(fw_idx, role_name, agent_idx, &available, now) {
                    return Visit::Continue;
                }
                choice = Some((role_idx, fw_idx, available, whole));
                Visit::Stop
            })
        });
        choice
    }

    // ----- reading -----

    /// Number of allocation passes run (metric `allocator/mesos/allocation_runs`).
    pub fn allocation_runs(&self) -> u64 {
        self.allocation_runs
    }

    /// Weighted dominant share of each role with frameworks or allocations.
    pub fn role_shares(&self) -> BTreeMap<String, f64> {
        self.roles
            .iter()
            .enumerate()
            .filter_map(|(idx, role)| {
                role.as_ref().map(|r| (r.name.to_string(), self.role_sorter.share(idx as u32)))
            })
            .collect()
    }

    /// Number of live refusal filters per role.
    pub fn active_filters(&self, now: Time) -> BTreeMap<String, usize> {
        self.filters.count_by_role(now)
    }

    /// What is offered or in use on an agent.
    pub fn allocated_on(&self, agent: &str) -> Option<&Resources> {
        self.agent_index.get(agent).map(|&idx| &self.agent(idx).allocated)
    }

    /// What a framework holds on an agent.
    pub fn framework_allocation(&self, framework: &str, agent: &str) -> Option<&Resources> {
        let fw = *self.framework_index.get(framework)?;
        let ag = *self.agent_index.get(agent)?;
        self.framework(fw).allocations.get(&ag)
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    // ----- internals -----

    fn framework_idx(&self, id: &str) -> Result<u32, AllocatorError> {
        self.framework_index.get(id).copied().ok_or_else(|| AllocatorError::UnknownFramework(id.to_string()))
    }

    fn agent_idx(&self, id: &str) -> Result<u32, AllocatorError> {
        self.agent_index.get(id).copied().ok_or_else(|| AllocatorError::UnknownAgent(id.to_string()))
    }

    fn framework(&self, idx: u32) -> &Framework {
        match self.frameworks.get(idx as usize) {
            Some(Some(framework)) => framework,
            _ => unreachable!("framework slot {idx} is referenced but empty"),
        }
    }

    fn framework_mut(&mut self, idx: u32) -> &mut Framework {
        match self.frameworks.get_mut(idx as usize) {
            Some(Some(framework)) => framework,
            _ => unreachable!("framework slot {idx} is referenced but empty"),
        }
    }

    fn agent(&self, idx: u32) -> &Agent {
        match self.agents.get(idx as usize) {
            Some(Some(agent)) => agent,
            _ => unreachable!("agent slot {idx} is referenced but empty"),
        }
    }

    fn agent_mut(&mut self, idx: u32) -> &mut Agent {
        match self.agents.get_mut(idx as usize) {
            Some(Some(agent)) => agent,
            _ => unreachable!("agent slot {idx} is referenced but empty"),
        }
    }

    fn role(&self, idx: u32) -> &Role {
        match self.roles.get(idx as usize) {
            Some(Some(role)) => role,
            _ => unreachable!("role slot {idx} is referenced but empty"),
        }
    }

    fn role_idx(&mut self, name: &str) -> u32 {
        if let Some(&idx) = self.role_index.get(name) {
            return idx;
        }
        let idx = match self.roles.iter().position(Option::is_none) {
            Some(free) => free as u32,
            None => {
                self.roles.push(None);
                (self.roles.len() - 1) as u32
            }
        };
        let mut sorter = self.config.framework_sorter.build();
        sorter.set_totals(&self.totals);
        self.roles[idx as usize] = Some(Role { name: Arc::from(name), sorter, members: BTreeSet::new() });
        self.role_index.insert(name.to_string(), idx);
        self.role_sorter.add(idx, name);
        if let Some(weight) = self.weights.get(name) {
            self.role_sorter.set_weight(name, *weight);
        }
        idx
    }

    /// Makes `fw` a member of `role`'s framework sorter.
    fn track(&mut self, fw: u32, role: &str) {
        let role_idx = self.role_idx(role);
        if self.roles.get(role_idx as usize).and_then(Option::as_ref).is_some_and(|r| r.members.contains(&fw))
        {
            return;
        }
        let framework_id = self.framework(fw).id.clone();
        if let Some(Some(role)) = self.roles.get_mut(role_idx as usize)
            && role.members.insert(fw)
        {
            role.sorter.add(fw, &framework_id);
        }
    }

    /// Drops `fw` from `role` once it neither subscribes to it nor holds resources in it,
    /// and the role itself once it has no members.
    fn untrack_if_idle(&mut self, fw: u32, role: &str) {
        let Some(&role_idx) = self.role_index.get(role) else { return };
        if let Some(Some(framework)) = self.frameworks.get(fw as usize) {
            let subscribed = framework.spec.roles.contains(role);
            let holds = framework
                .allocations
                .values()
                .any(|resources| resources.iter().any(|r| r.allocation_role.as_deref() == Some(role)));
            if subscribed || holds {
                return;
            }
        }
        let Some(Some(entry)) = self.roles.get_mut(role_idx as usize) else { return };
        if entry.members.remove(&fw) {
            entry.sorter.remove(fw);
        }
        if entry.members.is_empty() {
            self.roles[role_idx as usize] = None;
            self.role_index.remove(role);
            self.role_sorter.remove(role_idx);
        }
    }

    fn amounts(&mut self, resources: &Resources) -> Vec<f64> {
        let mut amounts = vec![0.0; self.kinds.len()];
        for resource in resources.iter() {
            if resource.revocable {
                continue;
            }
            let Value::Scalar(scalar) = &resource.value else { continue };
            if !self.config.fair_sharing_excluded.is_empty()
                && self.config.fair_sharing_excluded.contains(&resource.name)
            {
                continue;
            }
            let kind = match self.kinds.iter().position(|k| *k == resource.name) {
                Some(kind) => kind,
                None => {
                    let kind = self.kinds.len();
                    self.kinds.push(resource.name.clone());
                    self.totals.push(0.0);
                    amounts.push(0.0);
                    kind
                }
            };
            amounts[kind] += scalar.to_f64();
        }
        amounts
    }

    fn add_to_totals(&mut self, resources: &Resources, sign: f64) {
        let amounts = self.amounts(resources);
        for (total, amount) in self.totals.iter_mut().zip(amounts) {
            *total = (*total + sign * amount).max(0.0);
        }
    }

    fn sync_totals(&mut self) {
        self.role_sorter.set_totals(&self.totals);
        for role in self.roles.iter_mut().flatten() {
            role.sorter.set_totals(&self.totals);
        }
    }

    /// Records `resources` (with allocation roles) as allocated to `fw` on `agent`.
    fn assign(&mut self, fw: u32, agent: u32, resources: &Resources) {
        for (role, part) in by_allocation_role(resources) {
            let role_idx = self.role_idx(&role);
            self.charge(fw, role_idx, &part);
        }
        self.record(fw, agent, resources);
    }

    /// Counts `resources` against `fw` in role `role_idx` (already known) for fairness.
    fn charge(&mut self, fw: u32, role_idx: u32, resources: &Resources) {
        let is_member = self
            .roles
            .get(role_idx as usize)
            .and_then(Option::as_ref)
            .is_some_and(|r| r.members.contains(&fw));
        if !is_member {
            let framework_id = self.framework(fw).id.clone();
            if let Some(Some(role)) = self.roles.get_mut(role_idx as usize)
                && role.members.insert(fw)
            {
                role.sorter.add(fw, &framework_id);
            }
        }
        let amounts = self.amounts(resources);
        self.role_sorter.allocated(role_idx, &amounts);
        if let Some(Some(entry)) = self.roles.get_mut(role_idx as usize) {
            entry.sorter.allocated(fw, &amounts);
        }
    }

    /// Books `resources` as held by `fw` on `agent`.
    fn record(&mut self, fw: u32, agent: u32, resources: &Resources) {
        let held = self.framework_mut(fw).allocations.entry(agent).or_default();
        *held += resources;
        let agent = self.agent_mut(agent);
        agent.allocated += resources;
        if !agent.free.is_empty() {
            // Free resources carry no allocation role; allocated ones do.
            agent.free -= &resources.unallocated();
        }
        agent.frameworks.insert(fw);
    }

    /// The allocation pass's own assignment: all of `resources` is allocated to `role_idx`,
    /// which `pick` already resolved, and `whole` says it is everything the agent had free.
    fn assign_picked(&mut self, fw: u32, agent: u32, role_idx: u32, resources: &Resources, whole: bool) {
        if whole {
            // Emptying the pool first lets `record` skip subtracting it away entry by entry.
            self.agent_mut(agent).free = Resources::default();
        }
        self.charge(fw, role_idx, resources);
        self.record(fw, agent, resources);
    }

    /// The inverse of [`HierarchicalAllocator::assign`], limited to what the framework really holds.
    fn release(&mut self, fw: u32, agent: u32, resources: &Resources) {
        let Some(held) = self.framework(fw).allocations.get(&agent) else { return };
        if !held.contains(resources) {
            // Giving back more than it holds would corrupt the agent's free pool; take only
            // the part it holds.
            let part = resources.clone() - &(resources.clone() - held);
            if part.is_empty() {
                return;
            }
            return self.release(fw, agent, &part);
        }
        let framework = self.framework_mut(fw);
        if let Some(held) = framework.allocations.get_mut(&agent) {
            *held -= resources;
            if held.is_empty() {
                framework.allocations.remove(&agent);
            }
        }
        let now_empty = !self.framework(fw).allocations.contains_key(&agent);
        let agent_entry = self.agent_mut(agent);
        agent_entry.allocated -= resources;
        agent_entry.free = agent_entry.total.clone() - &agent_entry.allocated.unallocated();
        if now_empty {
            agent_entry.frameworks.remove(&fw);
        }
        self.unassign_from_sorters(fw, resources);
    }

    fn unassign_from_sorters(&mut self, fw: u32, resources: &Resources) {
        for (role, part) in by_allocation_role(resources) {
            let amounts = self.amounts(&part);
            let Some(&role_idx) = self.role_index.get(&role) else { continue };
            self.role_sorter.unallocated(role_idx, &amounts);
            if let Some(Some(entry)) = self.roles.get_mut(role_idx as usize) {
                entry.sorter.unallocated(fw, &amounts);
            }
        }
    }
}

/// The part of an agent's free resources that `role` may be offered, allocated to it:
/// unreserved resources and those reserved for the role or one of its ancestors, minus what
/// the framework's capabilities exclude.
fn allocatable(free: &Resources, role: &str, caps: Capabilities) -> (Resources, bool) {
    // The common case: nothing reserved, revocable or shared, so everything is eligible.
    if free.iter().all(|r| r.reservations.is_empty() && !r.revocable && !r.shared) {
        let mut all = free.clone();
        all.allocate(role);
        return (all, true);
    }
    let mut out = Resources::default();
    for resource in free.iter() {
        if resource.revocable && !caps.revocable {
            continue;
        }
        if resource.shared && !caps.shared {
            continue;
        }
        if resource.reservations.len() > 1 && !caps.reservation_refinement {
            continue;
        }
        let owner = resource.reservation_role();
        if owner != "*" && owner != role && !roles::is_strict_subrole(role, owner) {
            continue;
        }
        let mut resource: Resource = resource.clone();
        resource.allocation_role = Some(role.into());
        out.add_resource(resource);
    }
    (out, false)
}

fn meets_minimum(available: &Resources, minimums: &[ResourceQuantities]) -> bool {
    if minimums.is_empty() {
        return true;
    }
    minimums.iter().any(|minimum| available.contains_quantities(minimum))
}

fn allocation_roles(resources: &Resources) -> BTreeSet<String> {
    resources.iter().filter_map(|r| r.allocation_role.as_deref().map(String::from)).collect()
}

fn by_allocation_role(resources: &Resources) -> BTreeMap<String, Resources> {
    // Allocations are almost always to a single role: skip the regrouping then.
    let mut roles = resources.iter().map(|r| r.allocation_role.as_deref());
    if let Some(first) = roles.next()
        && roles.all(|role| role == first)
    {
        return BTreeMap::from([(first.unwrap_or("*").to_string(), resources.clone())]);
    }
    let mut out: BTreeMap<String, Resources> = BTreeMap::new();
    for resource in resources.iter() {
        let role = resource.allocation_role.as_deref().unwrap_or("*").to_string();
        out.entry(role).or_default().add_resource(resource.clone());
    }
    out
}
