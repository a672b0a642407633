//! The capability model's knowledge and an analysis's results, as plain
//! types: what the closure reads and what it returns.

use crate::model::permission::PermissionKind;
use serde::{Deserialize, Serialize};

/// The outcome vocabulary, in the order every [`Analysis`] lists it.
///
/// - `global-admin`: tenant takeover (Global Administrator or equivalent);
/// - `tenant-lockout`: every user, emergency accounts included, blocked or disabled;
/// - `security-controls-off`: MFA, Conditional Access, authentication or consent
///   policies weakened or switched off;
/// - `impersonate-any-user`: sign in as, or get tokens for, any user;
/// - `all-mail-read`, `all-mail-write`: every mailbox's mail;
/// - `all-files-read`, `all-files-write`: every OneDrive and SharePoint file;
/// - `all-chats-read`: every Teams chat (one-to-one, group and meeting chats);
/// - `device-code-execution`: code run on the tenant's managed devices.
pub const OUTCOMES: [&str; 10] = [
    "global-admin",
    "tenant-lockout",
    "security-controls-off",
    "impersonate-any-user",
    "all-mail-read",
    "all-mail-write",
    "all-files-read",
    "all-files-write",
    "all-chats-read",
    "device-code-execution",
];

/// The resources a grant may name, by their canonical names.
pub const APIS: [&str; 4] = [
    "Microsoft Graph",
    "Office 365 Exchange Online",
    "Office 365 SharePoint Online",
    "Azure DevOps",
];

/// How many derivations an outcome keeps while the closure runs: many more
/// than the paths shown, so that paths through different sets of permissions
/// survive the cheaper ways through the same ones and can be chosen.
pub(crate) const KEEP_OUTCOME: usize = 16;
/// How many derivations a capability keeps: enough for a conjunction to pick
/// a cheap combination, few enough to stay fast.
pub(crate) const KEEP_CAPABILITY: usize = 3;

/// How many derivations `node` keeps.
pub(crate) fn keep(node: usize) -> usize {
    if node < OUTCOMES.len() {
        KEEP_OUTCOME
    } else {
        KEEP_CAPABILITY
    }
}
/// How many paths an outcome reports.
pub(crate) const SHOWN: usize = 3;
/// How many alternative permissions a conditional `confers` keeps per capability.
pub(crate) const CONFER_OPTIONS: usize = 2;
/// A bound on rule evaluations: the closure always ends well before it (every
/// change strictly improves a node's pool), this only guards against a bug.
pub(crate) const MAX_EVALUATIONS: usize = 1_000_000;

// ---------------------------------------------------------------------------
// Public types of an analysis.

/// One permission an app holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Held {
    /// Canonical resource name (one of [`APIS`] for anything the model knows).
    pub api: String,
    #[serde(rename = "type")]
    pub kind: PermissionKind,
    #[serde(rename = "permission")]
    pub name: String,
}

impl Held {
    /// A held permission.
    pub fn new(api: impl Into<String>, kind: PermissionKind, name: impl Into<String>) -> Held {
        Held {
            api: api.into(),
            kind,
            name: name.into(),
        }
    }
}

/// What the vendor's document says about who signs in to the app.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The roles of the people the document says sign in ("Global
    /// Administrator"); `None` when the document does not say.
    pub signed_in: Option<Vec<String>>,
}

/// How an outcome is reached. Ordered: `No` < `Conditional` < `Direct`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reached {
    /// No path leads there.
    No,
    /// Paths exist, but each needs something to be true of the tenant.
    Conditional,
    /// Some path needs nothing of the tenant.
    Direct,
}

impl Reached {
    /// Lower-case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Reached::No => "no",
            Reached::Conditional => "conditional",
            Reached::Direct => "direct",
        }
    }
}

/// One way to an outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Path {
    /// The held permissions the path uses, in the order they were given.
    pub steps: Vec<Held>,
    /// What must be true of the tenant, in the order the path meets them.
    pub conditions: Vec<String>,
    /// The sentences of the grants and edges it follows, chained.
    pub explanation: String,
    /// How many grants and edges it follows (ranks equally cheap paths).
    #[serde(skip)]
    pub(crate) links: usize,
}

impl Path {
    fn rank(&self) -> (usize, usize, usize, usize) {
        (
            self.steps.len(),
            self.conditions.len(),
            self.links,
            self.explanation.len(),
        )
    }
}

/// The result for one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeResult {
    /// The outcome's id (see [`OUTCOMES`]).
    pub outcome: String,
    pub reached: Reached,
    /// The shortest paths, fewest permissions first, then fewest conditions;
    /// empty when not reached. When `reached` is direct, one of them is
    /// unconditional.
    pub paths: Vec<Path>,
}

/// What a permission set can reach: one result per outcome of the
/// vocabulary, in vocabulary order, unreached ones included. Serialises as
/// the JSON array of those results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Analysis {
    pub outcomes: Vec<OutcomeResult>,
}

impl Analysis {
    /// The result for one outcome id.
    pub fn get(&self, outcome: &str) -> Option<&OutcomeResult> {
        self.outcomes.iter().find(|o| o.outcome == outcome)
    }

    /// How `outcome` is reached (`No` for an id not in the vocabulary).
    pub fn reached(&self, outcome: &str) -> Reached {
        self.get(outcome).map_or(Reached::No, |o| o.reached)
    }

    /// Per outcome, the strongest result over several analyses (for example a
    /// product's apps): the highest `reached`, with the cheapest paths of the
    /// analyses that reach it that way.
    pub fn strongest(analyses: &[Analysis]) -> Analysis {
        let mut ids: Vec<&str> = Vec::new();
        for a in analyses {
            for o in &a.outcomes {
                if !ids.contains(&o.outcome.as_str()) {
                    ids.push(&o.outcome);
                }
            }
        }
        let outcomes = ids
            .into_iter()
            .map(|id| {
                let results: Vec<&OutcomeResult> = analyses.iter().filter_map(|a| a.get(id)).collect();
                let reached = results.iter().map(|r| r.reached).max().unwrap_or(Reached::No);
                let mut paths: Vec<Path> = results
                    .iter()
                    .filter(|r| r.reached == reached)
                    .flat_map(|r| r.paths.iter().cloned())
                    .collect();
                paths.sort_by_key(|p| p.rank());
                let mut seen: Vec<(Vec<Held>, Vec<String>)> = Vec::new();
                paths.retain(|p| {
                    let key = (p.steps.clone(), p.conditions.clone());
                    let fresh = !seen.contains(&key);
                    if fresh {
                        seen.push(key);
                    }
                    fresh
                });
                let picked = pick(
                    &paths,
                    |p| p.conditions.is_empty(),
                    |a, b| a.steps.len() == b.steps.len() && a.steps.iter().all(|s| b.steps.contains(s)),
                    reached == Reached::Direct,
                );
                let mut paths: Vec<Option<Path>> = paths.into_iter().map(Some).collect();
                OutcomeResult {
                    outcome: id.to_string(),
                    reached,
                    paths: picked.into_iter().filter_map(|i| paths[i].take()).collect(),
                }
            })
            .collect();
        Analysis { outcomes }
    }
}

/// Which of `items` (sorted cheapest first) to show: up to [`SHOWN`],
/// preferring items that use different sets of permissions (a reviewer wants
/// to see every permission that leads there before a second way through the
/// same ones), and always an unconditional one when the outcome is direct.
/// Returns indices cheapest first, except that a direct outcome leads with
/// its cheapest unconditional item: the way that makes it direct is the one
/// every view shows and explains first.
pub(crate) fn pick<T>(
    items: &[T],
    clean: impl Fn(&T) -> bool,
    same_steps: impl Fn(&T, &T) -> bool,
    direct: bool,
) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::new();
    if direct && let Some(first) = items.iter().position(&clean) {
        picked.push(first);
    }
    for (i, item) in items.iter().enumerate() {
        if picked.len() < SHOWN && !picked.iter().any(|&j| same_steps(&items[j], item)) {
            picked.push(i);
        }
    }
    for i in 0..items.len() {
        if picked.len() < SHOWN && !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    if direct && let Some(k) = picked.iter().position(|&i| clean(&items[i])) {
        let lead = picked.remove(k);
        picked.insert(0, lead);
    }
    picked
}

/// An outcome's or capability's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeDef {
    pub id: String,
    /// For a capability, a verb phrase ("Assign any Entra ID directory role"):
    /// explanations read "… lets the app assign any Entra ID directory role".
    pub title: String,
    pub description: String,
}

/// How holding a capability hands out the capabilities of other grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confers {
    /// The kind of permission it hands out.
    pub kind: PermissionKind,
    /// The resources whose permissions it hands out (all of [`APIS`] when empty).
    pub apis: Vec<String>,
    /// One sentence, with `{permission}` and `{api}` filled in.
    pub explanation: String,
    /// What must be true of the tenant, with the same placeholders; `None`
    /// when nothing needs to be.
    pub condition: Option<String>,
    pub source: String,
}

/// A capability: a node that grants and edges lead to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityDef {
    pub node: NodeDef,
    pub confers: Option<Confers>,
}

/// Permissions that give capabilities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub apis: Vec<String>,
    pub permissions: Vec<String>,
    pub kind: PermissionKind,
    /// For delegated grants: the roles (any one of them) the signed-in user
    /// must hold for the capabilities to follow; empty means any user.
    pub signed_in: Vec<String>,
    pub capabilities: Vec<String>,
    pub source: String,
    pub note: Option<String>,
}

/// `from` (all of them) leads `to`, when `conditions` hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub id: String,
    pub from: Vec<String>,
    pub to: String,
    pub conditions: Vec<String>,
    pub explanation: String,
    pub source: String,
}

/// How long delegated access lasts: delegated grants give their capabilities
/// for good only together with the `kept_by` capability (refresh tokens);
/// otherwise under `condition` (`{who}` filled in with who signs in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sessions {
    pub kept_by: String,
    pub condition: String,
    pub source: String,
}

/// Everything the model files define, merged in layer order.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    pub outcomes: Vec<NodeDef>,
    pub capabilities: Vec<CapabilityDef>,
    pub grants: Vec<Grant>,
    pub edges: Vec<Edge>,
    pub sessions: Option<Sessions>,
}

impl Definitions {
    /// The outcomes' definitions, in vocabulary order (an outcome no file
    /// defines has its id as title).
    pub fn outcomes(&self) -> Vec<NodeDef> {
        OUTCOMES
            .iter()
            .map(|id| {
                self.outcomes.iter().find(|o| o.id == *id).cloned().unwrap_or(NodeDef {
                    id: id.to_string(),
                    title: id.to_string(),
                    description: String::new(),
                })
            })
            .collect()
    }

    /// Adds `more` on top: definitions with an existing id replace it, grants
    /// add up, edges with an existing id replace it.
    pub fn layer(&mut self, more: Definitions) {
        for o in more.outcomes {
            upsert_node(&mut self.outcomes, o);
        }
        for c in more.capabilities {
            match self.capabilities.iter_mut().find(|x| x.node.id == c.node.id) {
                Some(existing) => *existing = c,
                None => self.capabilities.push(c),
            }
        }
        self.grants.extend(more.grants);
        for e in more.edges {
            upsert_edge(&mut self.edges, e);
        }
        if more.sessions.is_some() {
            self.sessions = more.sessions;
        }
    }
}

pub(crate) fn upsert_node(nodes: &mut Vec<NodeDef>, node: NodeDef) {
    match nodes.iter_mut().find(|n| n.id == node.id) {
        Some(existing) => *existing = node,
        None => nodes.push(node),
    }
}

pub(crate) fn upsert_edge(edges: &mut Vec<Edge>, edge: Edge) {
    match edges.iter_mut().find(|e| e.id == edge.id) {
        Some(existing) => *existing = edge,
        None => edges.push(edge),
    }
}

/// The canonical spelling of a known resource name (any case), else the name.
pub(crate) fn canonical_api(name: &str) -> &str {
    let name = name.trim();
    APIS.iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(name))
        .unwrap_or(name)
}
