//! Sorters decide who is offered resources first.
//!
//! A sorter holds *clients* (roles, or the frameworks of one role), each placed in a tree by
//! its `/`-separated path, and visits them in allocation order. Siblings are ordered among
//! themselves, then each subtree is visited before the next sibling, so a role `eng` with
//! sub-roles `eng/web` and `eng/db` competes with `ops` as one unit holding the sum of its
//! subtree's allocation (Mesos' hierarchical sorting). A path that is both a client and the
//! parent of other clients gets a hidden leaf for its own allocation, so `eng` competes with
//! `eng/web` inside the `eng` subtree.
//!
//! [`DrfSorter`] orders siblings by weighted dominant share and keeps them in ordered sets, so
//! an allocation changes O(depth) keys in O(log n) each instead of re-sorting everyone: that is
//! what lets one allocation cycle over 20,000 agents stay in milliseconds. [`RandomSorter`]
//! orders siblings by a weighted random shuffle on every visit.

use std::collections::{BTreeSet, HashMap};

use mesos_types::Rng;

/// What a visitor wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visit {
    /// Offer the next client in order.
    Continue,
    /// Stop visiting.
    Stop,
}

/// An ordering policy over clients. Clients are caller-chosen `u32` handles with a path.
///
/// Amounts are dense per-resource-kind vectors (index = kind, as assigned by the allocator);
/// a shorter vector means zeros for the missing kinds.
pub trait Sorter: Send {
    /// Adds a client at `path`. Adding a present client is a no-op.
    fn add(&mut self, client: u32, path: &str);
    /// Removes a client; its allocation leaves the tree with it.
    fn remove(&mut self, client: u32);
    /// Whether the client is present.
    fn contains(&self, client: u32) -> bool;
    /// Sets the weight of the node at `path` (default 1). Applies to present and future nodes.
    fn set_weight(&mut self, path: &str, weight: f64);
    /// Sets the pool totals that shares are measured against.
    fn set_totals(&mut self, totals: &[f64]);
    /// Adds to a client's allocation.
    fn allocated(&mut self, client: u32, amounts: &[f64]);
    /// Subtracts from a client's allocation (floored at zero).
    fn unallocated(&mut self, client: u32, amounts: &[f64]);
    /// Visits clients in allocation order until the visitor says stop.
    fn visit(&mut self, rng: &mut Rng, visitor: &mut dyn FnMut(u32) -> Visit) -> Visit;
    /// The client's current weighted dominant share (0 when absent).
    fn share(&self, client: u32) -> f64;
}

/// Which sorter a flag selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SorterKind {
    /// Weighted dominant resource fairness.
    Drf,
    /// Weighted random order.
    Random,
}

impl SorterKind {
    /// Parses `drf` or `random`, the values of `--role_sorter` and `--framework_sorter`.
    pub fn parse(text: &str) -> Result<SorterKind, String> {
        match text {
            "drf" => Ok(SorterKind::Drf),
            "random" => Ok(SorterKind::Random),
            other => Err(format!("unknown sorter '{other}' (expected 'drf' or 'random')")),
        }
    }

    /// A new empty sorter of this kind.
    pub fn build(self) -> Box<dyn Sorter> {
        match self {
            SorterKind::Drf => Box::new(DrfSorter::new(Order::Drf)),
            SorterKind::Random => Box::new(RandomSorter(DrfSorter::new(Order::Random))),
        }
    }
}

/// Position of a node among its siblings: share (as order-preserving bits of a non-negative
/// f64), then node index for a deterministic tie break.
type Key = (u64, u32);

#[derive(Debug)]
struct Node {
    path: String,
    parent: Option<u32>,
    /// Children ordered by key (DRF) — kept for the random order too, as the member list.
    children: BTreeSet<Key>,
    /// The node's key inside its parent's `children`.
    key: Key,
    allocation: Vec<f64>,
    weight: f64,
    /// The client this node stands for, if it is a leaf for one.
    client: Option<u32>,
    /// Number of clients in this subtree; nodes without any are removed.
    clients_below: u32,
    /// Child index of the hidden leaf holding this path's own client, if any.
    self_leaf: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Drf,
    Random,
}

/// Client handle → leaf node. Handles are small dense integers chosen by the allocator, so a
/// vector beats hashing on the path every allocation takes.
#[derive(Debug, Default)]
struct ClientMap(Vec<Option<u32>>);

impl ClientMap {
    fn get(&self, client: u32) -> Option<u32> {
        self.0.get(client as usize).copied().flatten()
    }

    fn insert(&mut self, client: u32, leaf: u32) {
        let index = client as usize;
        if self.0.len() <= index {
            self.0.resize(index + 1, None);
        }
        self.0[index] = Some(leaf);
    }

    fn remove(&mut self, client: u32) -> Option<u32> {
        self.0.get_mut(client as usize).and_then(Option::take)
    }
}

/// Weighted DRF sorter over a tree of clients.
#[derive(Debug)]
pub struct DrfSorter {
    order: Order,
    nodes: Vec<Option<Node>>,
    free_nodes: Vec<u32>,
    /// Internal (path) nodes by path; the root is path "".
    by_path: HashMap<String, u32>,
    /// Leaf node of each client.
    leaves: ClientMap,
    /// Leaf node of each client path (a path holds at most one client).
    leaf_paths: HashMap<String, u32>,
    weights: HashMap<String, f64>,
    totals: Vec<f64>,
    /// Keys are stale (totals or weights changed) and must be recomputed before visiting.
    dirty: bool,
}

const ROOT: u32 = 0;

impl DrfSorter {
    fn new(order: Order) -> DrfSorter {
        let root = Node {
            path: String::new(),
            parent: None,
            children: BTreeSet::new(),
            key: (0, ROOT),
            allocation: Vec::new(),
            weight: 1.0,
            client: None,
            clients_below: 0,
            self_leaf: None,
        };
        let mut by_path = HashMap::new();
        by_path.insert(String::new(), ROOT);
        DrfSorter {
            order,
            nodes: vec![Some(root)],
            free_nodes: Vec::new(),
            by_path,
            leaves: ClientMap::default(),
            leaf_paths: HashMap::new(),
            weights: HashMap::new(),
            totals: Vec::new(),
            dirty: false,
        }
    }

    /// A new, empty DRF sorter.
    pub fn drf() -> DrfSorter {
        DrfSorter::new(Order::Drf)
    }

    fn node(&self, idx: u32) -> &Node {
        match self.nodes.get(idx as usize) {
            Some(Some(node)) => node,
            _ => unreachable!("sorter node {idx} is referenced but missing"),
        }
    }

    fn node_mut(&mut self, idx: u32) -> &mut Node {
        match self.nodes.get_mut(idx as usize) {
            Some(Some(node)) => node,
            _ => unreachable!("sorter node {idx} is referenced but missing"),
        }
    }

    fn alloc_node(&mut self, path: String, parent: u32, client: Option<u32>) -> u32 {
        let weight = self.weights.get(&path).copied().unwrap_or(1.0);
        let node = Node {
            path,
            parent: Some(parent),
            children: BTreeSet::new(),
            key: (0, 0),
            allocation: Vec::new(),
            weight,
            client,
            clients_below: 0,
            self_leaf: None,
        };
        let idx = match self.free_nodes.pop() {
            Some(idx) => {
                self.nodes[idx as usize] = Some(node);
                idx
            }
            None => {
                self.nodes.push(Some(node));
                (self.nodes.len() - 1) as u32
            }
        };
        let key = (self.share_bits(idx), idx);
        self.node_mut(idx).key = key;
        self.node_mut(parent).children.insert(key);
        idx
    }

    fn share_of(&self, node: &Node) -> f64 {
        let mut share = 0.0f64;
        for (amount, total) in node.allocation.iter().zip(&self.totals) {
            if *total > 0.0 {
                share = share.max(amount / total);
            }
        }
        share / node.weight
    }

    fn share_bits(&self, idx: u32) -> u64 {
        // Non-negative finite floats order like their bit patterns.
        self.share_of(self.node(idx)).max(0.0).to_bits()
    }

    /// The internal node for `path`, created (with its ancestors) if missing.
    fn internal(&mut self, path: &str) -> u32 {
        if let Some(&idx) = self.by_path.get(path) {
            return idx;
        }
        let parent = match path.rfind('/') {
            Some(cut) => self.internal(&path[..cut]),
            None => ROOT,
        };
        let idx = self.alloc_node(path.to_string(), parent, None);
        self.by_path.insert(path.to_string(), idx);
        // A client already sitting at this path becomes the new node's hidden self leaf.
        if let Some(&leaf) = self.leaf_paths.get(path) {
            let old_key = self.node(leaf).key;
            self.node_mut(parent).children.remove(&old_key);
            self.node_mut(leaf).parent = Some(idx);
            self.node_mut(idx).children.insert(old_key);
            let allocation = self.node(leaf).allocation.clone();
            let below = self.node(leaf).clients_below;
            let node = self.node_mut(idx);
            node.allocation = allocation;
            node.clients_below = below;
            node.self_leaf = Some(leaf);
            // The parent's children set lost the leaf's key and gained the node's.
            let new_key = (self.share_bits(idx), idx);
            let old_node_key = self.node(idx).key;
            self.node_mut(parent).children.remove(&old_node_key);
            self.node_mut(parent).children.insert(new_key);
            self.node_mut(idx).key = new_key;
        }
        idx
    }

    fn rekey(&mut self, idx: u32) {
        let Some(parent) = self.node(idx).parent else { return };
        let old = self.node(idx).key;
        let new = (self.share_bits(idx), idx);
        if old != new {
            self.node_mut(parent).children.remove(&old);
            self.node_mut(parent).children.insert(new);
            self.node_mut(idx).key = new;
        }
    }

    fn change(&mut self, client: u32, amounts: &[f64], sign: f64) {
        let Some(leaf) = self.leaves.get(client) else { return };
        let mut cursor = Some(leaf);
        while let Some(idx) = cursor {
            let node = self.node_mut(idx);
            if node.allocation.len() < amounts.len() {
                node.allocation.resize(amounts.len(), 0.0);
            }
            for (slot, amount) in node.allocation.iter_mut().zip(amounts) {
                *slot = (*slot + sign * amount).max(0.0);
            }
            cursor = node.parent;
            if !self.dirty {
                self.rekey(idx);
            }
        }
    }

    fn rebuild_keys(&mut self) {
        for idx in 0..self.nodes.len() as u32 {
            if self.nodes[idx as usize].is_some() {
                let key = (self.share_bits(idx), idx);
                self.node_mut(idx).key = key;
            }
        }
        for idx in 0..self.nodes.len() as u32 {
            if self.nodes[idx as usize].is_none() {
                continue;
            }
            let children: Vec<u32> = self.node(idx).children.iter().map(|(_, child)| *child).collect();
            let keys: BTreeSet<Key> = children.iter().map(|child| self.node(*child).key).collect();
            self.node_mut(idx).children = keys;
        }
        self.dirty = false;
    }

    fn remove_node(&mut self, idx: u32) {
        let Some(parent) = self.node(idx).parent else { return };
        let key = self.node(idx).key;
        self.node_mut(parent).children.remove(&key);
        if let Some(Some(node)) = self.nodes.get_mut(idx as usize).map(Option::take)
            && node.client.is_none()
        {
            self.by_path.remove(&node.path);
        }
        self.free_nodes.push(idx);
    }

    fn visit_drf(&self, idx: u32, visitor: &mut dyn FnMut(u32) -> Visit) -> Visit {
        let node = self.node(idx);
        if let Some(client) = node.client {
            return visitor(client);
        }
        for (_, child) in &node.children {
            if visitor_stop(self.visit_drf(*child, visitor)) {
                return Visit::Stop;
            }
        }
        Visit::Continue
    }

    fn visit_random(&self, idx: u32, rng: &mut Rng, visitor: &mut dyn FnMut(u32) -> Visit) -> Visit {
        let node = self.node(idx);
        if let Some(client) = node.client {
            return visitor(client);
        }
        // Weighted shuffle: sort by u^(1/w), the Efraimidis-Spirakis key.
        let mut order: Vec<(f64, u32)> = node
            .children
            .iter()
            .map(|(_, child)| {
                let weight = self.node(*child).weight.max(f64::MIN_POSITIVE);
                (rng.unit().powf(1.0 / weight), *child)
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, child) in order {
            if visitor_stop(self.visit_random(child, rng, visitor)) {
                return Visit::Stop;
            }
        }
        Visit::Continue
    }
}

fn visitor_stop(visit: Visit) -> bool {
    visit == Visit::Stop
}

impl Sorter for DrfSorter {
    fn add(&mut self, client: u32, path: &str) {
        if self.leaves.get(client).is_some() {
            return;
        }
        // The client's leaf hangs off the internal node of its path: either that node *is*
        // the leaf (no sub-paths) or a hidden self-leaf under it.
        let parent = match path.rfind('/') {
            Some(cut) => self.internal(&path[..cut]),
            None => ROOT,
        };
        let leaf = if let Some(&existing) = self.by_path.get(path) {
            // `path` is already an internal node (it has sub-paths): use a hidden leaf.
            let leaf = self.alloc_node(path.to_string(), existing, Some(client));
            self.node_mut(existing).self_leaf = Some(leaf);
            leaf
        } else {
            self.alloc_node(path.to_string(), parent, Some(client))
        };
        self.leaves.insert(client, leaf);
        self.leaf_paths.insert(path.to_string(), leaf);
        let mut cursor = Some(leaf);
        while let Some(idx) = cursor {
            let node = self.node_mut(idx);
            node.clients_below += 1;
            cursor = node.parent;
        }
    }

    fn remove(&mut self, client: u32) {
        let Some(leaf) = self.leaves.remove(client) else { return };
        let path = self.node(leaf).path.clone();
        self.leaf_paths.remove(&path);
        let allocation = self.node(leaf).allocation.clone();
        self.change_from(leaf, &allocation, -1.0);
        let mut cursor = Some(leaf);
        let mut to_remove = Vec::new();
        while let Some(idx) = cursor {
            let node = self.node_mut(idx);
            node.clients_below -= 1;
            cursor = node.parent;
            if node.clients_below == 0 && idx != ROOT {
                to_remove.push(idx);
            }
        }
        for idx in to_remove {
            if let Some(parent) = self.node(idx).parent
                && self.node(parent).self_leaf == Some(idx)
            {
                self.node_mut(parent).self_leaf = None;
            }
            self.remove_node(idx);
        }
    }

    fn contains(&self, client: u32) -> bool {
        self.leaves.get(client).is_some()
    }

    fn set_weight(&mut self, path: &str, weight: f64) {
        self.weights.insert(path.to_string(), weight);
        for node in self.nodes.iter_mut().flatten() {
            if node.path == path {
                node.weight = weight;
            }
        }
        self.dirty = true;
    }

    fn set_totals(&mut self, totals: &[f64]) {
        if self.totals != totals {
            self.totals = totals.to_vec();
            self.dirty = true;
        }
    }

    fn allocated(&mut self, client: u32, amounts: &[f64]) {
        self.change(client, amounts, 1.0);
    }

    fn unallocated(&mut self, client: u32, amounts: &[f64]) {
        self.change(client, amounts, -1.0);
    }

    fn visit(&mut self, rng: &mut Rng, visitor: &mut dyn FnMut(u32) -> Visit) -> Visit {
        match self.order {
            Order::Drf => {
                if self.dirty {
                    self.rebuild_keys();
                }
                self.visit_drf(ROOT, visitor)
            }
            Order::Random => self.visit_random(ROOT, rng, visitor),
        }
    }

    fn share(&self, client: u32) -> f64 {
        match self.leaves.get(client) {
            Some(leaf) => self.share_of(self.node(leaf)),
            None => 0.0,
        }
    }
}

impl DrfSorter {
    fn change_from(&mut self, leaf: u32, amounts: &[f64], sign: f64) {
        let mut cursor = Some(leaf);
        while let Some(idx) = cursor {
            let node = self.node_mut(idx);
            for (slot, amount) in node.allocation.iter_mut().zip(amounts) {
                *slot = (*slot + sign * amount).max(0.0);
            }
            cursor = node.parent;
            if !self.dirty {
                self.rekey(idx);
            }
        }
    }
}

/// Weighted random sorter: same tree, random sibling order on every visit.
#[derive(Debug)]
pub struct RandomSorter(DrfSorter);

impl Sorter for RandomSorter {
    fn add(&mut self, client: u32, path: &str) {
        self.0.add(client, path)
    }
    fn remove(&mut self, client: u32) {
        self.0.remove(client)
    }
    fn contains(&self, client: u32) -> bool {
        self.0.contains(client)
    }
    fn set_weight(&mut self, path: &str, weight: f64) {
        self.0.set_weight(path, weight)
    }
    fn set_totals(&mut self, totals: &[f64]) {
        self.0.set_totals(totals)
    }
    fn allocated(&mut self, client: u32, amounts: &[f64]) {
        self.0.allocated(client, amounts)
    }
    fn unallocated(&mut self, client: u32, amounts: &[f64]) {
        self.0.unallocated(client, amounts)
    }
    fn visit(&mut self, rng: &mut Rng, visitor: &mut dyn FnMut(u32) -> Visit) -> Visit {
        self.0.visit(rng, visitor)
    }
    fn share(&self, client: u32) -> f64 {
        self.0.share(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(sorter: &mut dyn Sorter) -> Vec<u32> {
        let mut rng = Rng::new(1);
        let mut out = Vec::new();
        sorter.visit(&mut rng, &mut |client| {
            out.push(client);
            Visit::Continue
        });
        out
    }

    #[test]
    fn drf_orders_by_dominant_share() {
        let mut sorter = DrfSorter::drf();
        sorter.set_totals(&[100.0, 1000.0]);
        sorter.add(1, "a");
        sorter.add(2, "b");
        sorter.add(3, "c");
        sorter.allocated(1, &[50.0, 0.0]); // share 0.5 (cpus)
        sorter.allocated(2, &[0.0, 100.0]); // share 0.1 (mem)
        assert_eq!(order(&mut sorter), vec![3, 2, 1]);
        sorter.unallocated(1, &[50.0, 0.0]);
        // 1 and 3 now tie at zero (broken by insertion order); 2 still holds memory.
        assert_eq!(order(&mut sorter), vec![1, 3, 2]);
    }

    #[test]
    fn weights_divide_shares() {
        let mut sorter = DrfSorter::drf();
        sorter.set_totals(&[100.0]);
        sorter.add(1, "heavy");
        sorter.add(2, "light");
        sorter.set_weight("heavy", 4.0);
        sorter.allocated(1, &[40.0]); // 0.4 / 4 = 0.1
        sorter.allocated(2, &[20.0]); // 0.2
        assert_eq!(order(&mut sorter), vec![1, 2]);
        assert!((sorter.share(1) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn subtrees_compete_as_a_whole() {
        let mut sorter = DrfSorter::drf();
        sorter.set_totals(&[100.0]);
        sorter.add(1, "eng/web");
        sorter.add(2, "eng/db");
        sorter.add(3, "ops");
        sorter.add(4, "eng");
        sorter.allocated(1, &[10.0]);
        sorter.allocated(2, &[10.0]);
        sorter.allocated(3, &[15.0]);
        // eng holds 20 in total > ops' 15, so ops goes first though each eng leaf is smaller.
        let visited = order(&mut sorter);
        assert_eq!(visited[0], 3);
        // Inside eng, the hidden self leaf of `eng` (nothing allocated) comes first.
        assert_eq!(visited[1], 4);
        assert_eq!(visited.len(), 4);
    }

    #[test]
    fn removing_clients_prunes_empty_paths() {
        let mut sorter = DrfSorter::drf();
        sorter.add(1, "a/b/c");
        sorter.remove(1);
        assert!(!sorter.contains(1));
        assert_eq!(sorter.nodes.iter().flatten().count(), 1, "only the root is left");
        sorter.add(2, "a/b/c");
        assert_eq!(order(&mut sorter), vec![2]);
    }

    #[test]
    fn random_sorter_visits_everyone_exactly_once() {
        let mut sorter = SorterKind::Random.build();
        for client in 0..20 {
            sorter.add(client, &format!("r{}/x{client}", client % 3));
        }
        let mut seen = order(sorter.as_mut());
        seen.sort_unstable();
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
    }
}
