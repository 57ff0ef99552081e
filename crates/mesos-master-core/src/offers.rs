//! Offers: turning allocations into OFFERS events, and every way an offer ends (§6.3).

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_proto::convert::{self, ResourceFormat};
use mesos_proto::v1::framework_info::capability::Type as Capability;
use mesos_proto::v1::scheduler::{Event, event};
use mesos_proto::v1::{Address, AgentId, AllocationInfo, ExecutorId, FrameworkId, Offer, OfferId, Url};
use mesos_types::Time;
use mesos_types::resources::Resources;

use crate::{Master, Timer};

/// An outstanding offer.
#[derive(Clone, Debug)]
pub struct OfferRecord {
    /// Offer id.
    pub id: String,
    /// Framework it was made to.
    pub framework_id: String,
    /// Agent whose resources it holds.
    pub agent_id: String,
    /// Role the resources are allocated to.
    pub role: String,
    /// The resources (allocation role set).
    pub resources: Resources,
    /// When it was made.
    pub created: Time,
    /// The state endpoints' text of this offer (an offer never changes).
    pub rendered: crate::view::RenderCache,
}

impl Master {
    pub(crate) fn run_allocation(&mut self, now: Time) {
        let allocations = self.allocator.allocate(now);
        if allocations.is_empty() {
            return;
        }
        let mut per_framework: BTreeMap<String, Vec<Offer>> = BTreeMap::new();
        for allocation in allocations {
            let framework_id = allocation.framework.to_string();
            let agent_id = allocation.agent.to_string();
            let role = allocation.role.to_string();
            let (Some(framework), Some(agent)) =
                (self.frameworks.get(&framework_id), self.agents.get(&agent_id))
            else {
                // Allocator and master disagree; give the resources back rather than leak them.
                self.allocator.recover(
                    &allocation.framework,
                    &allocation.agent,
                    &allocation.resources,
                    None,
                    now,
                );
                continue;
            };
            let id = format!("{}-O{}", self.config.master_info.id, self.next_offer);
            self.next_offer += 1;
            let multi_role = framework.has_capability(Capability::MultiRole);
            let format = ResourceFormat {
                refinement: framework.has_capability(Capability::ReservationRefinement),
                allocation_info: multi_role,
                legacy: false,
            };
            let executor_ids: Vec<ExecutorId> = framework
                .executors
                .get(&agent_id)
                .map(|executors| executors.keys().map(|id| ExecutorId { value: id.clone() }).collect())
                .unwrap_or_default();
            let offer = Offer {
                id: OfferId { value: id.clone() },
                framework_id: FrameworkId { value: framework_id.clone() },
                agent_id: AgentId { value: agent_id.clone() },
                hostname: agent.info.hostname.clone(),
                url: Some(agent_url(agent)),
                domain: agent.info.domain.clone(),
                resources: convert::resources_to_proto(&allocation.resources, format),
                attributes: agent.info.attributes.clone(),
                executor_ids,
                allocation_info: multi_role.then(|| AllocationInfo { role: Some(role.clone()) }),
                ..Default::default()
            };
            per_framework.entry(framework_id.clone()).or_default().push(offer);
            if let Some(framework) = self.frameworks.get_mut(&framework_id) {
                framework.offers.insert(id.clone());
            }
            if let Some(agent) = self.agents.get_mut(&agent_id) {
                agent.offers.insert(id.clone());
            }
            self.offers.insert(
                id.clone(),
                OfferRecord {
                    id: id.clone(),
                    framework_id,
                    agent_id,
                    role,
                    resources: allocation.resources,
                    created: now,
                    rendered: crate::view::RenderCache::default(),
                },
            );
            if let Some(timeout) = self.config.offer_timeout {
                self.arm(now + timeout, Timer::OfferTimeout(id));
            }
        }
        for (framework_id, offers) in per_framework {
            self.counters.offers_sent += offers.len() as u64;
            let event = Event {
                r#type: Some(event::Type::Offers as i32),
                offers: Some(event::Offers { offers }),
                ..Default::default()
            };
            self.send_event(&framework_id, event);
        }
    }

    /// Removes an offer from every index and returns it.
    pub(crate) fn take_offer(&mut self, offer_id: &str) -> Option<OfferRecord> {
        let offer = self.offers.remove(offer_id)?;
        if let Some(framework) = self.frameworks.get_mut(&offer.framework_id) {
            framework.offers.remove(offer_id);
        }
        if let Some(agent) = self.agents.get_mut(&offer.agent_id) {
            agent.offers.remove(offer_id);
        }
        if self.config.offer_timeout.is_some() {
            self.disarm(&Timer::OfferTimeout(offer_id.to_string()));
        }
        Some(offer)
    }

    /// Drops a framework's offers (optionally only those on one agent) without telling it:
    /// used when its stream is gone or replaced, where a RESCIND could not be delivered or
    /// would be meaningless.
    pub(crate) fn discard_offers(&mut self, framework_id: &str, agent_id: Option<&str>) {
        let ids: Vec<String> = self
            .offers
            .values()
            .filter(|o| o.framework_id == framework_id && agent_id.is_none_or(|a| o.agent_id == a))
            .map(|o| o.id.clone())
            .collect();
        for id in ids {
            if let Some(offer) = self.take_offer(&id) {
                self.allocator.recover(
                    &offer.framework_id,
                    &offer.agent_id,
                    &offer.resources,
                    None,
                    self.start_time,
                );
            }
        }
        self.allocate_soon();
    }

    /// Rescinds (with a RESCIND event) a framework's offers matching `predicate`.
    pub(crate) fn rescind_offers_where(
        &mut self,
        framework_id: &str,
        predicate: impl Fn(&OfferRecord) -> bool,
    ) {
        let ids: Vec<String> = self
            .offers
            .values()
            .filter(|o| o.framework_id == framework_id && predicate(o))
            .map(|o| o.id.clone())
            .collect();
        for id in ids {
            self.rescind_offer(&id);
        }
    }

    /// Rescinds every offer of an agent (it disconnected, went away, or changed).
    pub(crate) fn rescind_agent_offers(&mut self, agent_id: &str) {
        let ids: Vec<String> = match self.agents.get(agent_id) {
            Some(agent) => agent.offers.iter().cloned().collect(),
            None => self.offers.values().filter(|o| o.agent_id == agent_id).map(|o| o.id.clone()).collect(),
        };
        for id in ids {
            self.rescind_offer(&id);
        }
    }

    pub(crate) fn rescind_offer(&mut self, offer_id: &str) {
        let Some(offer) = self.take_offer(offer_id) else { return };
        self.counters.offers_rescinded += 1;
        self.allocator.recover(&offer.framework_id, &offer.agent_id, &offer.resources, None, self.start_time);
        let event = Event {
            r#type: Some(event::Type::Rescind as i32),
            rescind: Some(event::Rescind { offer_id: OfferId { value: offer.id.clone() } }),
            ..Default::default()
        };
        self.send_event(&offer.framework_id, event);
        self.allocate_soon();
    }

    pub(crate) fn decline_offer(&mut self, now: Time, framework_id: &str, offer_id: &str, refuse: Duration) {
        // Mesos does not check ownership here; we ignore other frameworks' offers instead of
        // returning them to the pool (§8 item 15).
        if self.offers.get(offer_id).is_none_or(|o| o.framework_id != framework_id) {
            return;
        }
        if let Some(offer) = self.take_offer(offer_id) {
            self.allocator.recover(&offer.framework_id, &offer.agent_id, &offer.resources, Some(refuse), now);
        }
    }

    pub(crate) fn offer_timed_out(&mut self, _now: Time, offer_id: &str) {
        self.rescind_offer(offer_id);
    }

    /// Outstanding offers.
    pub fn offers(&self) -> impl Iterator<Item = &OfferRecord> {
        self.offers.values()
    }
}

fn agent_url(agent: &crate::Agent) -> Url {
    let (ip, port) = agent.address();
    Url {
        scheme: "http".to_string(),
        address: Address { hostname: Some(agent.info.hostname.clone()), ip: Some(ip), port },
        path: Some("/slave(1)".to_string()),
        ..Default::default()
    }
}
