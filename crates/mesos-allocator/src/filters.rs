//! Refusal filters: "don't offer me these again for a while".
//!
//! Installed per (framework, role, agent) when resources come back through DECLINE or as the
//! unused part of an ACCEPT. While one lives, an offer of a *subset* of the remembered
//! resources to that framework and role on that agent is suppressed; anything more or
//! different is still offered (scheduler-executor-api.md §6.7).

use std::collections::{BTreeMap, HashMap};

use mesos_types::Time;
use mesos_types::resources::Resources;

#[derive(Debug)]
struct Filter {
    resources: Resources,
    expires: Time,
}

/// All live refusal filters.
#[derive(Debug, Default)]
pub(crate) struct Filters {
    by_key: HashMap<(u32, String, u32), Vec<Filter>>,
    /// Filters per framework, so the allocation hot path skips the map for frameworks that
    /// have none (the common case).
    per_framework: HashMap<u32, usize>,
}

impl Filters {
    pub(crate) fn add(&mut self, fw: u32, role: &str, agent: u32, resources: Resources, expires: Time) {
        self.by_key.entry((fw, role.to_string(), agent)).or_default().push(Filter { resources, expires });
        *self.per_framework.entry(fw).or_default() += 1;
    }

    pub(crate) fn refuses(&self, fw: u32, role: &str, agent: u32, offer: &Resources, now: Time) -> bool {
        if !self.per_framework.contains_key(&fw) {
            return false;
        }
        // The key needs an owned role; this path only runs for frameworks with filters.
        match self.by_key.get(&(fw, role.to_string(), agent)) {
            Some(filters) => filters.iter().any(|f| f.expires > now && f.resources.contains(offer)),
            None => false,
        }
    }

    pub(crate) fn expire(&mut self, now: Time) {
        if self.by_key.is_empty() {
            return;
        }
        let per_framework = &mut self.per_framework;
        self.by_key.retain(|(fw, _, _), filters| {
            let before = filters.len();
            filters.retain(|f| f.expires > now);
            let removed = before - filters.len();
            if removed > 0
                && let Some(count) = per_framework.get_mut(fw)
            {
                *count -= removed;
                if *count == 0 {
                    per_framework.remove(fw);
                }
            }
            !filters.is_empty()
        });
    }

    pub(crate) fn clear_role(&mut self, fw: u32, role: &str) {
        self.clear_where(|(f, r, _)| *f == fw && r == role);
    }

    pub(crate) fn clear_framework(&mut self, fw: u32) {
        self.clear_where(|(f, _, _)| *f == fw);
    }

    pub(crate) fn clear_agent(&mut self, agent: u32) {
        self.clear_where(|(_, _, a)| *a == agent);
    }

    fn clear_where(&mut self, matches: impl Fn(&(u32, String, u32)) -> bool) {
        let per_framework = &mut self.per_framework;
        self.by_key.retain(|key, filters| {
            if !matches(key) {
                return true;
            }
            if let Some(count) = per_framework.get_mut(&key.0) {
                *count = count.saturating_sub(filters.len());
                if *count == 0 {
                    per_framework.remove(&key.0);
                }
            }
            false
        });
    }

    pub(crate) fn count_by_role(&self, now: Time) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for ((_, role, _), filters) in &self.by_key {
            let live = filters.iter().filter(|f| f.expires > now).count();
            if live > 0 {
                *out.entry(role.clone()).or_default() += live;
            }
        }
        out
    }
}
