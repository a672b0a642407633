//! What Microsoft's Graph API map says about narrowing a permission: the
//! narrower permissions Microsoft lists as least privileged for some of its
//! operations (derived alternatives), and whether a held read permission
//! grants every read operation of another (the redundancy case).
//!
//! Operation sets are computed once per permission and kind and kept, so
//! advising every product of a catalog looks each permission up once.

use crate::model::claim::{self, Access, Claim};
use crate::model::microsoft::{GRAPH_APP_ID, HttpMethod, MicrosoftCatalog};
use crate::model::permission::PermissionKind;
use std::collections::HashMap;
use std::sync::Arc;

/// How many derived alternatives a permission shows at most (most operations first).
pub const MAX_DERIVED: usize = 4;
/// How many example operations a sentence names.
const EXAMPLES: usize = 2;

/// One operation: method, Microsoft's path, lower-cased path, least privileged.
#[derive(Debug, Clone)]
struct Op {
    method: HttpMethod,
    path: String,
    lower: String,
    /// Segments of the path (slashes counted), compared first when matching templates.
    depth: usize,
    least: bool,
}

impl Op {
    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The Graph operations one permission of one kind grants.
#[derive(Debug, Clone, Default)]
pub struct OpSet {
    /// Sorted by (method, lower-cased path).
    ops: Vec<Op>,
}

impl OpSet {
    fn contains(&self, method: HttpMethod, lower: &str) -> bool {
        self.ops
            .binary_search_by(|o| (o.method, o.lower.as_str()).cmp(&(method, lower)))
            .is_ok()
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True when Microsoft lists no operation.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    fn gets(&self) -> impl Iterator<Item = &Op> {
        self.ops.iter().filter(|o| o.method == HttpMethod::Get)
    }

    /// True when some operation of this set with `method` has a path that
    /// matches `lower` segment by segment, a `{placeholder}` segment matching
    /// any one segment (`/users/{id}` grants `/users/{id}` and `/users/alice`).
    fn grants_template(&self, method: HttpMethod, lower: &str) -> bool {
        if self.contains(method, lower) {
            return true;
        }
        let depth = depth(lower);
        self.ops
            .iter()
            .filter(|o| o.method == method && o.depth == depth)
            .any(|o| {
                o.lower
                    .split('/')
                    .zip(lower.split('/'))
                    .all(|(h, w)| h == w || (h.starts_with('{') && h.ends_with('}')))
            })
    }
}

/// A narrower permission found in Microsoft's map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedAlternative {
    pub permission: String,
    /// Operations of the broader permission for which Microsoft lists this one as least privileged.
    pub least: usize,
    /// Operations the broader permission grants.
    pub total: usize,
    /// A few of those operations (`GET /policies/authenticationmethodspolicy`).
    pub least_examples: Vec<String>,
    /// How many operations of the broader permission this one does not grant.
    pub not_granted: usize,
    /// A few of them, writes first.
    pub not_granted_examples: Vec<String>,
}

/// How far a held permission covers another's reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadCoverage {
    /// GET operations of the broader permission.
    pub reads: usize,
    /// How many of them the held permission grants.
    pub covered: usize,
    /// Operations other than GET of the broader permission.
    pub writes: usize,
    /// A few of those.
    pub write_examples: Vec<String>,
}

impl ReadCoverage {
    /// True when every read operation is covered.
    pub fn complete(&self) -> bool {
        self.reads > 0 && self.covered == self.reads
    }
}

/// The Graph operations of permissions, looked up once each.
#[derive(Debug, Clone)]
pub struct Operations {
    microsoft: MicrosoftCatalog,
    sets: HashMap<(PermissionKind, String), Option<Arc<OpSet>>>,
    /// Per kind and lower-cased family, the Graph permissions of that family.
    families: HashMap<PermissionKind, HashMap<String, Vec<String>>>,
    /// Read coverage per (kind, held, broader): each pair is worked out once.
    coverage: HashMap<(PermissionKind, String, String), Option<ReadCoverage>>,
}

/// Examples of what a permission changes come in this order: DELETE, PATCH
/// and PUT change things; POST often only asks a question
/// (`checkMemberGroups`); GET reads.
fn change_rank(method: HttpMethod) -> u8 {
    match method {
        HttpMethod::Delete | HttpMethod::Patch | HttpMethod::Put => 0,
        HttpMethod::Post => 1,
        HttpMethod::Get => 2,
    }
}

/// The family of a claim: its first segment (`Policy` of `Policy.Read.All`,
/// `User` of `User-Mail.ReadWrite.All`), lower-cased.
/// Segments of a path, as slashes.
fn depth(path: &str) -> usize {
    path.bytes().filter(|b| *b == b'/').count()
}

pub fn family(name: &str) -> String {
    name.split(['.', '-']).next().unwrap_or("").to_ascii_lowercase()
}

impl Operations {
    /// Lookups over `microsoft`.
    pub fn new(microsoft: MicrosoftCatalog) -> Operations {
        Operations {
            microsoft,
            sets: HashMap::new(),
            families: HashMap::new(),
            coverage: HashMap::new(),
        }
    }

    /// The catalog the lookups use.
    pub fn microsoft(&self) -> &MicrosoftCatalog {
        &self.microsoft
    }

    /// The operations of a Graph permission, or `None` when Microsoft lists none.
    pub fn of(&mut self, kind: PermissionKind, name: &str) -> Option<Arc<OpSet>> {
        if let Some(found) = self.sets.get(&(kind, name.to_string())) {
            return found.clone();
        }
        let set = self
            .microsoft
            .operations(GRAPH_APP_ID, kind, name)
            .listed()
            .map(|listed| {
                let mut ops: Vec<Op> = listed
                    .operations
                    .iter()
                    .map(|o| Op {
                        method: o.method,
                        path: o.path.to_string(),
                        lower: o.path.to_lowercase(),
                        depth: depth(&o.path),
                        least: o.least,
                    })
                    .collect();
                ops.sort_by(|a, b| (a.method, &a.lower).cmp(&(b.method, &b.lower)));
                // Paths differing only in case are one operation.
                ops.dedup_by(|b, a| {
                    if a.method == b.method && a.lower == b.lower {
                        a.least |= b.least;
                        true
                    } else {
                        false
                    }
                });
                Arc::new(OpSet { ops })
            });
        self.sets.insert((kind, name.to_string()), set.clone());
        set
    }

    fn family_members(&mut self, kind: PermissionKind, name: &str) -> Vec<String> {
        let microsoft = &self.microsoft;
        let by_family = self.families.entry(kind).or_insert_with(|| {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for (n, _) in microsoft.permissions(GRAPH_APP_ID, kind) {
                map.entry(family(n)).or_default().push(n.to_string());
            }
            map
        });
        by_family.get(&family(name)).cloned().unwrap_or_default()
    }

    /// The narrower Graph permissions of the same family and kind that
    /// Microsoft lists as least privileged for some of `name`'s operations,
    /// most operations first (at most [`MAX_DERIVED`]).
    ///
    /// Narrower means fewer rights: an access no higher and a reach no wider
    /// (as the names read), no writing where `name` only reads, Microsoft's
    /// privilege level no higher, and either every operation within `name`'s,
    /// a lower verb on the same object and scope, or a strictly narrower reach.
    pub fn narrower(&mut self, kind: PermissionKind, name: &str) -> Vec<DerivedAlternative> {
        let Some(broad) = self.of(kind, name) else {
            return Vec::new();
        };
        let claim = Claim::parse(name, kind);
        let level = |c: &MicrosoftCatalog, n: &str| c.get(GRAPH_APP_ID, kind, n).and_then(|p| p.privilege_level);
        let broad_level = level(&self.microsoft, name);
        let mut found = Vec::new();
        for candidate in self.family_members(kind, name) {
            if candidate == name {
                continue;
            }
            let c = Claim::parse(&candidate, kind);
            let fewer_by_name = c.access <= claim.access
                && c.reach.narrowness() >= claim.reach.narrowness()
                && (claim.writes() || !c.writes())
                && !(c.guessed && c.access == Access::Write && !claim.writes());
            if !fewer_by_name {
                continue;
            }
            if let (Some(b), Some(n)) = (broad_level, level(&self.microsoft, &candidate))
                && n > b
            {
                continue;
            }
            let Some(narrow) = self.of(kind, &candidate) else {
                continue;
            };
            let subset = narrow.ops.iter().all(|o| broad.contains(o.method, &o.lower));
            let strictly_fewer = (subset && narrow.len() < broad.len())
                || claim::covers(name, &candidate)
                || (c.reach.narrowness() > claim.reach.narrowness() && c.access <= claim.access);
            if !strictly_fewer {
                continue;
            }
            let least: Vec<&Op> = narrow
                .ops
                .iter()
                .filter(|o| o.least && broad.contains(o.method, &o.lower))
                .collect();
            // One operation of many is noise, unless the permission is the
            // same access over a narrower reach (a resource-specific one).
            let narrower_reach = c.reach.narrowness() > claim.reach.narrowness();
            if least.is_empty() || (least.len() < 2 && !narrower_reach) {
                continue;
            }
            let mut missing: Vec<&Op> = broad
                .ops
                .iter()
                .filter(|o| !narrow.contains(o.method, &o.lower))
                .collect();
            // Changes first: they are what a reviewer gives up gladly.
            missing.sort_by_key(|o| change_rank(o.method));
            found.push(DerivedAlternative {
                permission: candidate,
                least: least.len(),
                total: broad.len(),
                least_examples: least.iter().take(EXAMPLES).map(|o| o.label()).collect(),
                not_granted: missing.len(),
                not_granted_examples: missing.iter().take(EXAMPLES).map(|o| o.label()).collect(),
            });
        }
        found.sort_by(|a, b| b.least.cmp(&a.least).then_with(|| a.permission.cmp(&b.permission)));
        found.truncate(MAX_DERIVED);
        found
    }

    /// How far `held` (a Graph permission of `kind`) grants the read (GET)
    /// operations of `name`; `None` when Microsoft lists no operation for either.
    pub fn read_coverage(&mut self, kind: PermissionKind, held: &str, name: &str) -> Option<ReadCoverage> {
        let key = (kind, held.to_string(), name.to_string());
        if let Some(found) = self.coverage.get(&key) {
            return found.clone();
        }
        let found = self.work_out_coverage(kind, held, name);
        self.coverage.insert(key, found.clone());
        found
    }

    fn work_out_coverage(&mut self, kind: PermissionKind, held: &str, name: &str) -> Option<ReadCoverage> {
        let broad = self.of(kind, name)?;
        let narrow = self.of(kind, held)?;
        let reads: Vec<&Op> = broad.gets().collect();
        let covered = reads
            .iter()
            .filter(|o| narrow.grants_template(o.method, &o.lower))
            .count();
        let mut writes: Vec<&Op> = broad.ops.iter().filter(|o| o.method != HttpMethod::Get).collect();
        writes.sort_by_key(|o| change_rank(o.method));
        Some(ReadCoverage {
            reads: reads.len(),
            covered,
            writes: writes.len(),
            write_examples: writes.iter().take(EXAMPLES).map(|o| o.label()).collect(),
        })
    }
}
