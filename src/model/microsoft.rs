//! Microsoft's permission catalog: every app role and delegated scope Microsoft
//! publishes for Microsoft Graph, Office 365 Exchange Online, Office 365
//! SharePoint Online and Azure DevOps, and the Graph API calls each Graph
//! permission grants.
//!
//! Both come from `data/microsoft/` (written by `examples/refresh_catalog.rs`
//! from Microsoft's published catalogs; the schemas there say how) and are
//! embedded in the binary. Nothing is read before it is needed: the first lookup
//! indexes the permissions file (names and GUIDs, borrowed from the embedded
//! text; about a millisecond) and a permission's other facts are parsed from its
//! row when first asked for; the first [`MicrosoftCatalog::operations`] indexes
//! where each permission's entry of the operation map is, and each call parses
//! just that entry. Both indexes rely on the layout the generator writes and
//! fall back to parsing the file whole when it is laid out otherwise.
//!
//! Everything is keyed on (resource app id, kind, name): the same GUID carries
//! different names on Graph and Exchange, and one name (`User.Read.All`) means
//! different things on Graph and SharePoint.

use crate::model::permission::PermissionKind;
use crate::model::text;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Microsoft Graph's resource app id.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

const PERMISSIONS_JSON: &str = include_str!("../../data/microsoft/permissions.json");
const OPERATIONS_JSON: &str = include_str!("../../data/microsoft/graph-operations.json");
const PERMISSIONS_ORIGIN: &str = "data/microsoft/permissions.json";
const OPERATIONS_ORIGIN: &str = "data/microsoft/graph-operations.json";

/// At most this many names come back from [`MicrosoftCatalog::suggest`].
const MAX_SUGGESTIONS: usize = 3;

// ------------------------------------------------------------------ public types

/// What Microsoft's catalog says about one permission of one resource and kind.
///
/// Text is borrowed from the embedded catalog where it can be (`Cow`), so the
/// catalog costs no copy of it; it reads as a `&str` all the same.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MicrosoftPermission {
    /// App role id (application) or OAuth2 scope id (delegated), lower case.
    pub id: Cow<'static, str>,
    /// Whether granting it needs an administrator; `None` where no source says.
    pub admin_consent: Option<bool>,
    /// Microsoft's short admin display name (never the long description).
    pub display_name: Option<Cow<'static, str>>,
    /// Microsoft's `privilegeLevel`, 1 (least) to 5; `None` where Microsoft gives none.
    pub privilege_level: Option<u8>,
    /// Whether the service principal has it enabled; `None` where the source does not say.
    pub enabled: Option<bool>,
    /// Published in Microsoft's provisioning map but absent from the service
    /// principal export: a tenant may not offer it yet.
    pub provisioning_only: bool,
    /// Resource-specific consent: granted on one team, chat or user, not tenant-wide.
    pub rsc: bool,
}

impl MicrosoftPermission {
    /// A permission known only by its GUID (e.g. from a tenant's export); the
    /// GUID is stored trimmed and lower-cased.
    pub fn new(id: &str) -> MicrosoftPermission {
        MicrosoftPermission {
            id: Cow::Owned(id.trim().to_ascii_lowercase()),
            ..MicrosoftPermission::default()
        }
    }
}

/// A catalog file that could not be read, located as precisely as the fault allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CatalogError {
    /// The file (or `data/microsoft/...` for the embedded data).
    pub origin: String,
    /// Line and column (1-based), when the fault is at one place in the text.
    pub location: Option<(usize, usize)>,
    /// JSON path of the faulty value, e.g. `resources[0].permissions[12].id`
    /// (empty for the document as a whole).
    pub path: String,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What Microsoft publishes about the API calls a permission grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationMap {
    /// Microsoft lists these operations for the permission and kind.
    Listed(GraphOperations),
    /// A Microsoft Graph permission for which Microsoft's map lists no operation
    /// of this kind (or a name Microsoft's map does not know).
    NotListed,
    /// Microsoft publishes no operation map for this resource (Exchange Online,
    /// SharePoint Online, Azure DevOps, or any resource other than Graph).
    NoPublishedMap,
}

impl OperationMap {
    /// The operations, when Microsoft lists some.
    pub fn listed(&self) -> Option<&GraphOperations> {
        match self {
            OperationMap::Listed(ops) => Some(ops),
            _ => None,
        }
    }
}

/// The Microsoft Graph operations one permission of one kind grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphOperations {
    /// One per method and path, sorted by path then method (GET, POST, PUT, PATCH, DELETE).
    pub operations: Vec<GraphOperation>,
}

impl GraphOperations {
    /// Number of operations (method and path pairs).
    pub fn count(&self) -> usize {
        self.operations.len()
    }

    /// Number of operations for which Microsoft lists this permission as the
    /// least privileged one.
    pub fn least_count(&self) -> usize {
        self.operations.iter().filter(|o| o.least).count()
    }

    /// Whether the permission grants this method on this path (as Microsoft spells it).
    pub fn grants(&self, method: HttpMethod, path: &str) -> bool {
        self.operations.iter().any(|o| o.method == method && o.path == path)
    }
}

/// One Microsoft Graph call a permission grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphOperation {
    pub method: HttpMethod,
    /// Microsoft's path, with its placeholders (`/users/{id}`) and its casing.
    pub path: Cow<'static, str>,
    /// Microsoft lists this permission as the least privileged one for the call and kind.
    pub least: bool,
    /// Other permissions Microsoft names for the call (`AlsoRequires=`), sorted.
    /// Where Microsoft lists the call more than once for the kind, the names of
    /// every listing are merged.
    pub also_requires: Vec<Cow<'static, str>>,
}

/// The HTTP methods Microsoft's map uses, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ------------------------------------------------------------------ the catalog

/// Microsoft's permission catalog, with whatever a run added (a tenant's
/// `--catalog` export).
///
/// Cheap to create and to clone: the embedded data is parsed once per process,
/// on the first lookup, and shared; additions live beside it and win over it.
#[derive(Debug, Clone, Default)]
pub struct MicrosoftCatalog {
    base: Base,
    /// Added or overridden for this run; consulted before `base`.
    overlay: Tables,
}

#[derive(Debug, Clone, Default)]
enum Base {
    /// Nothing underneath: only what was inserted.
    #[default]
    Empty,
    /// The embedded `data/microsoft/permissions.json`.
    Bundled,
    /// A catalog file read at run time.
    File(Arc<Tables>),
}

impl MicrosoftCatalog {
    /// The catalog embedded in the binary (parsed on first use).
    pub fn bundled() -> MicrosoftCatalog {
        MicrosoftCatalog {
            base: Base::Bundled,
            overlay: Tables::default(),
        }
    }

    /// Reads a catalog in the format of `data/microsoft/permissions.json`,
    /// checking it whole (GUIDs unique per resource and kind). `origin` names
    /// the file in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<MicrosoftCatalog, CatalogError> {
        let file: PermissionsFile = deserialize(text, origin)?;
        check_file(&file, origin)?;
        let tables = Tables::build(file, |c| Cow::Owned(c.into_owned()));
        Ok(MicrosoftCatalog {
            base: Base::File(Arc::new(tables)),
            overlay: Tables::default(),
        })
    }

    /// Adds (or overrides with) every permission of a file in the format of
    /// `data/microsoft/permissions.json`; returns how many it held.
    pub fn extend_from_json(&mut self, text: &str, origin: &str) -> Result<usize, CatalogError> {
        let file = MicrosoftCatalog::from_json(text, origin)?;
        let Base::File(tables) = &file.base else {
            return Ok(0);
        };
        let mut n = 0;
        for r in &tables.resources {
            for (kind, table) in r.kinds() {
                for e in &table.entries {
                    self.overlay.insert(&r.app_id, &r.api, kind, &e.name, e.facts().clone());
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// Adds or replaces one permission for this run (a tenant's export naming a
    /// GUID the catalog lacks, or spelling one differently).
    pub fn insert(&mut self, resource_app_id: &str, kind: PermissionKind, name: &str, permission: MicrosoftPermission) {
        self.overlay.insert(resource_app_id, "", kind, name, permission);
    }

    fn base(&self) -> Option<&Tables> {
        match &self.base {
            Base::Empty => None,
            Base::Bundled => Some(bundled_tables()),
            Base::File(t) => Some(t),
        }
    }

    /// The tables to consult for a resource and kind, additions first.
    fn layers(&self, resource_app_id: &str, kind: PermissionKind) -> impl Iterator<Item = &KindTable> {
        let app = resource_app_id.trim();
        [Some(&self.overlay), self.base()]
            .into_iter()
            .flatten()
            .filter_map(move |t| t.resource(app))
            .map(move |r| r.kind(kind))
    }

    /// What the catalog says about an exact claim (case matters) on a resource.
    /// Where a resource gives one name two GUIDs, the first in the file (by GUID).
    pub fn get(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> Option<&MicrosoftPermission> {
        self.layers(resource_app_id, kind)
            .find_map(|t| t.by_name.get(name).map(|&i| t.entries[i].facts()))
    }

    /// The claim a GUID stands for on a resource and kind (case-insensitive GUID).
    pub fn name_of(&self, resource_app_id: &str, kind: PermissionKind, id: &str) -> Option<&str> {
        let id = guid_value(id.trim())?;
        self.layers(resource_app_id, kind)
            .find_map(|t| t.by_id().get(&id).map(|&i| &*t.entries[i].name))
    }

    /// The catalog's spelling of a claim, ignoring case ("the catalog spells it X").
    pub fn spelling(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> Option<&str> {
        let lower = name.trim().to_lowercase();
        self.layers(resource_app_id, kind)
            .find_map(|t| t.by_lower().get(&lower).map(|&i| &*t.entries[i].name))
    }

    /// The catalog's spelling of a claim that matches only when case is ignored.
    pub fn spelled_differently(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> Option<&str> {
        self.spelling(resource_app_id, kind, name).filter(|s| *s != name)
    }

    /// Every permission of a resource and kind, sorted by name (case-insensitive)
    /// then GUID; additions replace the catalog's entry of the same name.
    pub fn permissions(&self, resource_app_id: &str, kind: PermissionKind) -> Vec<(&str, &MicrosoftPermission)> {
        self.merged(resource_app_id, kind)
            .into_iter()
            .map(|e| (&*e.name, e.facts()))
            .collect()
    }

    /// The entries of a resource and kind, additions replacing the catalog's, in
    /// [`name_order`]. Their facts are not parsed here.
    fn merged(&self, resource_app_id: &str, kind: PermissionKind) -> Vec<&Entry> {
        let app = resource_app_id.trim();
        let added = self.overlay.resource(app).map(|r| r.kind(kind));
        let mut out: Vec<&Entry> = added.into_iter().flat_map(|t| t.entries.iter()).collect();
        if let Some(base) = self.base().and_then(|t| t.resource(app)) {
            out.extend(
                base.kind(kind)
                    .entries
                    .iter()
                    .filter(|e| added.is_none_or(|a| !a.by_name.contains_key(&*e.name))),
            );
        }
        out.sort_by(|a, b| name_order(a, b));
        out
    }

    /// The resources the catalog knows, as (API name, app id); the bundled
    /// catalog's first, in the order of `data/apis.json`. A resource known only
    /// from [`insert`](Self::insert) has an empty name.
    pub fn resources(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for t in [self.base(), Some(&self.overlay)].into_iter().flatten() {
            for r in &t.resources {
                if !out.iter().any(|(_, a)| a.eq_ignore_ascii_case(&r.app_id)) {
                    out.push((&r.api, &r.app_id));
                }
            }
        }
        out
    }

    /// Number of permissions (every resource and kind; an addition that replaces
    /// a catalog entry counts once).
    pub fn len(&self) -> usize {
        self.resources()
            .iter()
            .map(|(_, app)| {
                self.merged(app, PermissionKind::Application).len() + self.merged(app, PermissionKind::Delegated).len()
            })
            .sum()
    }

    /// True when the catalog holds no permission.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// When the embedded (or read) catalog was generated, as its file says.
    pub fn generated(&self) -> Option<&str> {
        self.base().and_then(|t| t.generated.as_deref())
    }

    /// Up to three names of the resource close to `name` (a misspelling), nearest
    /// first, the same kind before the other, then by name. Names more than a few
    /// edits away (one edit in four characters, at least one, at most three) are
    /// not suggested, so a name that resembles nothing gets nothing. `name`
    /// itself is never suggested back, even where only the other kind has it
    /// (ask [`get`](Self::get) with the other kind for that).
    pub fn suggest(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> Vec<String> {
        let wanted: Vec<char> = name.trim().to_lowercase().chars().collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let limit = suggestion_limit(wanted.len());
        // (distance, other kind, lower-cased name, name)
        let mut found: Vec<(usize, bool, String, &str)> = Vec::new();
        let mut chars: Vec<char> = Vec::new();
        for k in [kind, other_kind(kind)] {
            for candidate in self.merged(resource_app_id, k).into_iter().map(|e| &*e.name) {
                if candidate == name || candidate.chars().count().abs_diff(wanted.len()) > limit {
                    continue;
                }
                let lower = candidate.to_lowercase();
                chars.clear();
                chars.extend(lower.chars());
                if let Some(d) = edit_distance(&wanted, &chars, limit) {
                    found.push((d, k != kind, lower, candidate));
                }
            }
        }
        found.sort();
        let mut out: Vec<String> = Vec::new();
        for (_, _, _, candidate) in found {
            if !out.iter().any(|n| n == candidate) {
                out.push(candidate.to_string());
            }
            if out.len() == MAX_SUGGESTIONS {
                break;
            }
        }
        out
    }

    /// The Microsoft Graph calls a permission of a kind grants, from Microsoft's
    /// published map (exact name, else ignoring case); [`OperationMap::NoPublishedMap`]
    /// for every resource but Graph.
    pub fn operations(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> OperationMap {
        if !resource_app_id.trim().eq_ignore_ascii_case(GRAPH_APP_ID) {
            return OperationMap::NoPublishedMap;
        }
        let Some(sets) = bundled_operations().path_sets(name) else {
            return OperationMap::NotListed;
        };
        // (path, method) -> (least, also requires)
        type Facts = (bool, Vec<Cow<'static, str>>);
        let mut ops: BTreeMap<(Cow<'static, str>, HttpMethod), Facts> = BTreeMap::new();
        for set in sets.iter().filter(|s| s.kinds.contains(&kind)) {
            for (path, p) in &set.paths {
                for method in &set.methods {
                    let e = ops.entry((path.0.clone(), *method)).or_default();
                    e.0 |= p.least.contains(&kind);
                    e.1.extend(p.also_requires.iter().map(|t| t.0.clone()));
                }
            }
        }
        if ops.is_empty() {
            return OperationMap::NotListed;
        }
        let operations = ops
            .into_iter()
            .map(|((path, method), (least, mut also_requires))| {
                also_requires.sort_unstable();
                also_requires.dedup();
                GraphOperation {
                    method,
                    path,
                    least,
                    also_requires,
                }
            })
            .collect();
        OperationMap::Listed(GraphOperations { operations })
    }
}

/// Case-insensitive name order, then exact name, then GUID: the order the
/// generator writes (no allocation, so sorting a sorted list costs one pass).
fn name_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    a.name
        .chars()
        .flat_map(char::to_lowercase)
        .cmp(b.name.chars().flat_map(char::to_lowercase))
        .then_with(|| a.name.cmp(&b.name))
        // Lower-case hexadecimal GUIDs sort as their values do.
        .then_with(|| a.id.cmp(&b.id))
}

fn other_kind(kind: PermissionKind) -> PermissionKind {
    match kind {
        PermissionKind::Application => PermissionKind::Delegated,
        PermissionKind::Delegated => PermissionKind::Application,
    }
}

/// How many edits a suggestion may be from a name of `len` characters: one in
/// four, at least one, at most three (`Mail.Sned` 2, `User.Reed.All` 3, `Foo` 1).
fn suggestion_limit(len: usize) -> usize {
    (len / 4).clamp(1, 3)
}

/// Edit distance with adjacent transpositions (optimal string alignment: `Raed`
/// to `Read` is one edit), or `None` once it must exceed `limit`.
pub fn edit_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Three rows: two back (for transpositions), previous and current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        // Every later row is at least this row's minimum: give up early.
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|d| *d <= limit)
}

/// A GUID's 128 bits, for indexing without caring about case; `None` unless
/// it is in the 8-4-4-4-12 hexadecimal form.
pub fn guid_value(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut v: u128 = 0;
    for (i, c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if *c != b'-' {
                return None;
            }
            continue;
        }
        v = (v << 4) | u128::from((*c as char).to_digit(16)?);
    }
    Some(v)
}

// ------------------------------------------------------------------ tables

/// Permissions of every resource, indexed.
#[derive(Debug, Clone, Default)]
struct Tables {
    resources: Vec<ResourceTable>,
    generated: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct ResourceTable {
    api: String,
    /// Lower case.
    app_id: String,
    application: KindTable,
    delegated: KindTable,
}

impl ResourceTable {
    fn kind(&self, kind: PermissionKind) -> &KindTable {
        match kind {
            PermissionKind::Application => &self.application,
            PermissionKind::Delegated => &self.delegated,
        }
    }

    fn kind_mut(&mut self, kind: PermissionKind) -> &mut KindTable {
        match kind {
            PermissionKind::Application => &mut self.application,
            PermissionKind::Delegated => &mut self.delegated,
        }
    }

    fn kinds(&self) -> [(PermissionKind, &KindTable); 2] {
        [
            (PermissionKind::Application, &self.application),
            (PermissionKind::Delegated, &self.delegated),
        ]
    }
}

/// The permissions of one resource and kind, with their indexes. The GUID and
/// lower-case indexes are built on first use: most runs never ask.
#[derive(Debug, Clone, Default)]
struct KindTable {
    entries: Vec<Entry>,
    /// Exact name to its first entry.
    by_name: HashMap<Cow<'static, str>, usize>,
    by_id: OnceLock<HashMap<u128, usize>>,
    /// Lower-cased name to its first entry.
    by_lower: OnceLock<HashMap<String, usize>>,
}

/// One permission of a table: name and GUID, and its facts, which for the
/// embedded catalog are parsed from its row on first use.
#[derive(Debug, Clone)]
struct Entry {
    name: Cow<'static, str>,
    id: Option<u128>,
    /// The row's JSON in the embedded file; empty when `facts` was given.
    row: &'static str,
    facts: OnceLock<MicrosoftPermission>,
}

impl Entry {
    fn given(name: Cow<'static, str>, p: MicrosoftPermission) -> Entry {
        Entry {
            name,
            id: guid_value(&p.id),
            row: "",
            facts: OnceLock::from(p),
        }
    }

    fn facts(&self) -> &MicrosoftPermission {
        self.facts.get_or_init(|| parse_row(self.row))
    }
}

/// The facts of one embedded row.
fn parse_row(row: &'static str) -> MicrosoftPermission {
    match serde_json::from_str::<PermissionRow<'static>>(row) {
        Ok(p) => p.into_permission(&|c| c),
        // Every row is parsed by the tests (parse_bundled_permissions and the
        // index test): a failure here is a build defect.
        Err(e) => panic!("{PERMISSIONS_ORIGIN}: row {row}: {e}"),
    }
}

impl KindTable {
    fn by_id(&self) -> &HashMap<u128, usize> {
        self.by_id.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.entries.len());
            for (i, e) in self.entries.iter().enumerate() {
                if let Some(id) = e.id {
                    index.insert(id, i);
                }
            }
            index
        })
    }

    fn by_lower(&self) -> &HashMap<String, usize> {
        self.by_lower.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.entries.len());
            for (i, e) in self.entries.iter().enumerate() {
                index.entry(e.name.to_lowercase()).or_insert(i);
            }
            index
        })
    }

    fn reserve(&mut self, rows: usize) {
        self.entries.reserve(rows);
        self.by_name.reserve(rows);
    }

    /// Appends an entry; a name's first entry stays the one its name finds.
    fn push(&mut self, e: Entry) {
        let i = self.entries.len();
        if let (Some(index), Some(id)) = (self.by_id.get_mut(), e.id) {
            index.insert(id, i);
        }
        if let Some(index) = self.by_lower.get_mut() {
            index.entry(e.name.to_lowercase()).or_insert(i);
        }
        self.by_name.entry(e.name.clone()).or_insert(i);
        self.entries.push(e);
    }

    /// Adds an entry or replaces the entry of the same name (an addition for a run).
    fn upsert(&mut self, name: &str, p: MicrosoftPermission) {
        let Some(&i) = self.by_name.get(name) else {
            return self.push(Entry::given(Cow::Owned(name.to_string()), p));
        };
        let new = Entry::given(self.entries[i].name.clone(), p);
        if let Some(index) = self.by_id.get_mut() {
            if let Some(old) = self.entries[i].id
                && index.get(&old) == Some(&i)
            {
                index.remove(&old);
            }
            if let Some(id) = new.id {
                index.insert(id, i);
            }
        }
        self.entries[i] = new;
    }
}

impl Tables {
    fn resource(&self, app_id: &str) -> Option<&ResourceTable> {
        self.resources.iter().find(|r| r.app_id.eq_ignore_ascii_case(app_id))
    }

    fn insert(&mut self, app_id: &str, api: &str, kind: PermissionKind, name: &str, p: MicrosoftPermission) {
        let app_id = app_id.trim().to_ascii_lowercase();
        let i = match self.resources.iter().position(|r| r.app_id == app_id) {
            Some(i) => i,
            None => {
                self.resources.push(ResourceTable {
                    api: api.to_string(),
                    app_id,
                    ..ResourceTable::default()
                });
                self.resources.len() - 1
            }
        };
        self.resources[i].kind_mut(kind).upsert(name, p);
    }

    /// Tables from a parsed file; `keep` makes its text last (borrowed from the
    /// embedded file as it is, copied from any other).
    fn build<'a>(file: PermissionsFile<'a>, keep: impl Fn(Cow<'a, str>) -> Cow<'static, str>) -> Tables {
        let mut tables = Tables {
            resources: Vec::with_capacity(file.resources.len()),
            generated: file.source.map(|s| s.generated.into_owned()),
        };
        for r in file.resources {
            let mut table = ResourceTable {
                api: r.api.into_owned(),
                app_id: r.app_id.0.to_ascii_lowercase(),
                ..ResourceTable::default()
            };
            let applications = r
                .permissions
                .iter()
                .filter(|p| p.kind == PermissionKind::Application)
                .count();
            table.application.reserve(applications);
            table.delegated.reserve(r.permissions.len() - applications);
            for p in r.permissions {
                let kind = p.kind;
                let name = keep(p.name.clone());
                let facts = p.into_permission(&keep);
                table.kind_mut(kind).push(Entry::given(name, facts));
            }
            tables.resources.push(table);
        }
        tables
    }
}

/// One block per resource, and no GUID twice within a resource and kind.
fn check_file(file: &PermissionsFile, origin: &str) -> Result<(), CatalogError> {
    for (ri, r) in file.resources.iter().enumerate() {
        if file.resources[..ri]
            .iter()
            .any(|o| o.app_id.0.eq_ignore_ascii_case(&r.app_id.0))
        {
            return Err(semantic(
                origin,
                format!("resources[{ri}].app_id"),
                "a second block for this resource",
            ));
        }
        let mut seen: HashMap<(PermissionKind, u128), &str> = HashMap::with_capacity(r.permissions.len());
        for (pi, p) in r.permissions.iter().enumerate() {
            let Some(id) = guid_value(&p.id.0) else { continue };
            if let Some(other) = seen.insert((p.kind, id), &p.name) {
                return Err(semantic(
                    origin,
                    format!("resources[{ri}].permissions[{pi}].id"),
                    &format!("{} {} has the id of {other} ({})", p.kind, p.name, p.id.0),
                ));
            }
        }
    }
    Ok(())
}

fn semantic(origin: &str, path: String, message: &str) -> CatalogError {
    CatalogError {
        origin: origin.to_string(),
        location: None,
        path,
        message: message.to_string(),
    }
}

/// Deserializes, naming the JSON path and the line and column of any fault.
fn deserialize<'de, T: Deserialize<'de>>(text: &'de str, origin: &str) -> Result<T, CatalogError> {
    // Nearly every file is valid: parse plainly (faster), and only when that
    // fails parse again tracking the path to name the field.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let located = |e: &serde_json::Error, path: String| CatalogError {
        origin: origin.to_string(),
        location: (e.line() > 0).then(|| (e.line(), e.column())),
        path,
        message: strip_position(&e.to_string()),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        located(e.inner(), if path == "." { String::new() } else { path })
    })?;
    de.end().map_err(|e| located(&e, String::new()))?;
    Ok(value)
}

/// serde_json appends " at line L column C"; the error carries them apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn bundled_tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // The embedded file is checked whole by the tests (parse_bundled_permissions);
        // a failure here is a build defect, not something a user can cause.
        if let Some(tables) = index_permissions(PERMISSIONS_JSON) {
            return tables;
        }
        match deserialize::<PermissionsFile<'static>>(PERMISSIONS_JSON, PERMISSIONS_ORIGIN) {
            Ok(file) => Tables::build(file, |c| c),
            Err(e) => panic!("embedded catalog: {e}"),
        }
    })
}

/// Indexes the embedded catalog without parsing its rows, in the layout
/// `examples/refresh_catalog.rs` writes: a resource's header on one line
/// (`    {"api": ..., "permissions": [`), then one row per line
/// (`      {"type": "...", "name": "...", "id": "...", ...}`). A row's facts are
/// parsed when first asked for. `None` when the text is laid out otherwise (a
/// hand edit): then it is parsed whole.
fn index_permissions(text: &'static str) -> Option<Tables> {
    const OPEN: &str = "\n  \"resources\": [\n";
    const CLOSE: &str = "\n  ]\n}";
    let start = text.find(OPEN)? + OPEN.len();
    let body = &text[start..start + text[start..].rfind(CLOSE)?];
    let generated = text[..start]
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"generated\": "))
        .and_then(|v| serde_json::from_str::<String>(v.trim_end_matches(',')).ok());
    let mut tables = Tables {
        resources: Vec::with_capacity(4),
        generated,
    };
    for line in body.lines() {
        if line.starts_with("    {\"api\": ") {
            // The header closed by hand is a whole resource block without rows.
            let whole = format!("{line}]}}");
            let header: ResourceBlock = serde_json::from_str(&whole).ok()?;
            if !header.permissions.is_empty() || tables.resource(&header.app_id.0).is_some() {
                return None;
            }
            tables.resources.push(ResourceTable {
                api: header.api.into_owned(),
                app_id: header.app_id.0.to_ascii_lowercase(),
                ..ResourceTable::default()
            });
        } else if let Some(row) = line.strip_prefix("      {\"type\": \"") {
            let (kind, rest) = if let Some(rest) = row.strip_prefix("application\", \"name\": \"") {
                (PermissionKind::Application, rest)
            } else {
                (
                    PermissionKind::Delegated,
                    row.strip_prefix("delegated\", \"name\": \"")?,
                )
            };
            let (name, rest) = rest.split_once('"')?;
            // An escape, an unsafe character or stray spaces: not for this fast path.
            if name.is_empty() || name.contains('\\') || name.trim() != name || text::find_unsafe(name).is_some() {
                return None;
            }
            let id = guid_value(rest.strip_prefix(", \"id\": \"")?.get(..36)?)?;
            let json = line.trim();
            tables.resources.last_mut()?.kind_mut(kind).push(Entry {
                name: Cow::Borrowed(name),
                id: Some(id),
                row: json.strip_suffix(',').unwrap_or(json),
                facts: OnceLock::new(),
            });
        } else if !matches!(line, "    ]}," | "    ]}") {
            return None;
        }
    }
    (!tables.resources.is_empty()).then_some(tables)
}

// ------------------------------------------------------------------ file format

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionsFile<'a> {
    #[serde(rename = "$schema", default)]
    _schema: Option<IgnoredAny>,
    #[serde(default, borrow)]
    source: Option<SourceBlock<'a>>,
    #[serde(borrow)]
    resources: Vec<ResourceBlock<'a>>,
}

/// Only the date is read; the rest of the block is for people.
#[derive(Deserialize)]
struct SourceBlock<'a> {
    #[serde(borrow)]
    generated: Cow<'a, str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceBlock<'a> {
    #[serde(borrow, deserialize_with = "text::checked_cow")]
    api: Cow<'a, str>,
    app_id: Guid<'a>,
    #[serde(borrow)]
    permissions: Vec<PermissionRow<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionRow<'a> {
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(borrow, deserialize_with = "claim")]
    name: Cow<'a, str>,
    id: Guid<'a>,
    admin_consent: Option<bool>,
    #[serde(borrow, default, deserialize_with = "text::checked_opt_cow")]
    display_name: Option<Cow<'a, str>>,
    privilege_level: Option<PrivilegeLevel>,
    enabled: Option<bool>,
    #[serde(default)]
    provisioning_only: bool,
    #[serde(default)]
    rsc: bool,
}

impl<'a> PermissionRow<'a> {
    /// The row's facts; `keep` makes its text last (borrowed from the embedded
    /// file as it is, copied from any other).
    fn into_permission(self, keep: &dyn Fn(Cow<'a, str>) -> Cow<'static, str>) -> MicrosoftPermission {
        let id = if self.id.0.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(self.id.0.to_ascii_lowercase())
        } else {
            keep(self.id.0)
        };
        MicrosoftPermission {
            id,
            admin_consent: self.admin_consent,
            display_name: self.display_name.map(keep),
            privilege_level: self.privilege_level.map(|l| l.0),
            enabled: self.enabled,
            provisioning_only: self.provisioning_only,
            rsc: self.rsc,
        }
    }
}

/// A permission name: checked text, not empty, no surrounding spaces.
fn claim<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    let s = text::checked_cow(d)?;
    if s.is_empty() || s.trim() != s {
        return Err(serde::de::Error::custom(
            "a permission name must be non-empty without surrounding spaces",
        ));
    }
    Ok(s)
}

/// A GUID as written (borrowed where it can be).
struct Guid<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Guid<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = text::checked_cow(d)?;
        match guid_value(&s) {
            Some(_) => Ok(Guid(s)),
            None => Err(serde::de::Error::custom(format!(
                "`{}` is not a GUID (8-4-4-4-12 hexadecimal digits)",
                text::neutralise(&text::truncate(&s, 60))
            ))),
        }
    }
}

struct PrivilegeLevel(u8);

impl<'de> Deserialize<'de> for PrivilegeLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u8::deserialize(d)? {
            l @ 1..=5 => Ok(PrivilegeLevel(l)),
            l => Err(serde::de::Error::custom(format!("privilege_level {l} is outside 1-5"))),
        }
    }
}

// ------------------------------------------------------------------ operations

/// Microsoft's operation map, as embedded: where each permission's entry is.
struct OperationIndex {
    /// Permission name to the JSON text of its path sets, a slice of the
    /// embedded file, parsed when asked.
    slices: HashMap<&'static str, &'static str>,
    /// Lower-cased name to the map's spelling.
    by_lower: HashMap<String, &'static str>,
    /// The whole map parsed, when the file is not laid out as the generator
    /// writes it (a hand edit) or a slice does not parse on its own.
    parsed: OnceLock<HashMap<Cow<'static, str>, Vec<PathSet<'static>>>>,
}

impl fmt::Debug for OperationIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OperationIndex({} permissions)", self.slices.len())
    }
}

impl OperationIndex {
    fn new(text: &'static str) -> OperationIndex {
        let slices = index_operations(text).unwrap_or_default();
        let index = OperationIndex {
            by_lower: slices.keys().map(|k| (k.to_lowercase(), *k)).collect(),
            slices,
            parsed: OnceLock::new(),
        };
        if index.slices.is_empty() {
            // Not the generator's layout: parse it all now.
            index.whole();
        }
        index
    }

    /// The whole map, parsed once.
    fn whole(&self) -> &HashMap<Cow<'static, str>, Vec<PathSet<'static>>> {
        self.parsed
            .get_or_init(|| match parse_operations(OPERATIONS_JSON, OPERATIONS_ORIGIN) {
                Ok(doc) => doc.permissions,
                // Checked by the tests (parse_bundled_operations); a build defect.
                Err(e) => panic!("embedded operation map: {e}"),
            })
    }

    /// The path sets of a permission (exact name, else ignoring case).
    fn path_sets(&self, name: &str) -> Option<Cow<'_, [PathSet<'static>]>> {
        if self.slices.is_empty() {
            let whole = self.whole();
            let sets = whole.get(name).or_else(|| {
                let lower = name.to_lowercase();
                whole.iter().find(|(k, _)| k.to_lowercase() == lower).map(|(_, v)| v)
            })?;
            return Some(Cow::Borrowed(sets));
        }
        let key = match self.slices.get_key_value(name) {
            Some((k, _)) => *k,
            None => *self.by_lower.get(&name.to_lowercase())?,
        };
        match serde_json::from_str::<Vec<PathSet<'static>>>(self.slices[key]) {
            Ok(sets) => Some(Cow::Owned(sets)),
            Err(_) => self.whole().get(key).map(|v| Cow::Borrowed(v.as_slice())),
        }
    }

    fn names(&'static self) -> Vec<&'static str> {
        if self.slices.is_empty() {
            return self.whole().keys().map(|k| &**k).collect();
        }
        self.slices.keys().copied().collect()
    }
}

/// Finds each permission's entry in the layout `examples/refresh_catalog.rs`
/// writes (`    "Name": [` at the start of a line, its path sets up to the next
/// such line). `None` when the text is laid out otherwise.
fn index_operations(text: &'static str) -> Option<HashMap<&'static str, &'static str>> {
    const OPEN: &str = "\n  \"permissions\": {\n";
    const CLOSE: &str = "\n  }\n}";
    let start = text.find(OPEN)? + OPEN.len();
    let body = &text[start..start + text[start..].rfind(CLOSE)?];
    let mut starts: Vec<usize> = Vec::with_capacity(1024);
    if body.starts_with("    \"") {
        starts.push(0);
    }
    // Line starts found with a single-byte search (memchr), the fastest scan std has.
    starts.extend(
        body.match_indices('\n')
            .map(|(i, _)| i + 1)
            .filter(|&i| body.as_bytes().get(i..i + 5) == Some(b"    \"")),
    );
    let mut slices = HashMap::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(body.len(), |&next| next);
        let entry = body[s..end].trim_end();
        let entry = entry.strip_suffix(',').unwrap_or(entry).strip_prefix("    ")?;
        let (key, value) = entry.split_once(": ")?;
        // A name with an escape cannot be borrowed: not the generator's output.
        let name: &'static str = serde_json::from_str(key).ok()?;
        if !(value.starts_with('[') && value.ends_with(']')) || slices.insert(name, value).is_some() {
            return None;
        }
    }
    (!slices.is_empty()).then_some(slices)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationsDoc {
    #[serde(rename = "$schema", default)]
    _schema: Option<IgnoredAny>,
    #[serde(rename = "source")]
    _source: IgnoredAny,
    resource_app_id: Cow<'static, str>,
    #[serde(borrow)]
    permissions: HashMap<Cow<'static, str>, Vec<PathSet<'static>>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct PathSet<'a> {
    kinds: Vec<PermissionKind>,
    methods: Vec<HttpMethod>,
    #[serde(borrow, deserialize_with = "path_list")]
    paths: Vec<(Text<'a>, PathFacts<'a>)>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct PathFacts<'a> {
    #[serde(default)]
    least: Vec<PermissionKind>,
    #[serde(default, borrow)]
    also_requires: Vec<Text<'a>>,
}

/// Checked text, borrowed from the input where it holds no escape.
#[derive(Debug, Clone, PartialEq)]
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text::checked_cow(d).map(Text)
    }
}

/// A JSON object of paths read as pairs in file order: no hashing, keys borrowed.
fn path_list<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(Text<'a>, PathFacts<'a>)>, D::Error> {
    struct Pairs<'a>(std::marker::PhantomData<&'a ()>);
    impl<'de: 'a, 'a> serde::de::Visitor<'de> for Pairs<'a> {
        type Value = Vec<(Text<'a>, PathFacts<'a>)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of paths")
        }
        fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(pair) = map.next_entry::<Text<'de>, PathFacts<'de>>()? {
                out.push(pair);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Pairs(std::marker::PhantomData))
}

fn parse_operations(text: &'static str, origin: &str) -> Result<OperationsDoc, CatalogError> {
    let doc: OperationsDoc = deserialize(text, origin)?;
    if !doc.resource_app_id.eq_ignore_ascii_case(GRAPH_APP_ID) {
        return Err(semantic(
            origin,
            "resource_app_id".into(),
            "the operation map is Microsoft Graph's",
        ));
    }
    Ok(doc)
}

fn bundled_operations() -> &'static OperationIndex {
    static OPERATIONS: OnceLock<OperationIndex> = OnceLock::new();
    OPERATIONS.get_or_init(|| OperationIndex::new(OPERATIONS_JSON))
}

/// Parses both embedded files now, into the copies every catalog shares (for a
/// caller that would rather pay the cost up front than on the first lookup).
pub fn warm_up() {
    bundled_tables();
    bundled_operations();
}

/// Parses the embedded permissions afresh and checks them whole, not into the
/// shared copy: for `check`, the tests and the benchmark.
pub fn parse_bundled_permissions() -> Result<MicrosoftCatalog, CatalogError> {
    MicrosoftCatalog::from_json(PERMISSIONS_JSON, PERMISSIONS_ORIGIN)
}

/// Parses the embedded operation map afresh, whole; returns how many
/// permissions it covers.
pub fn parse_bundled_operations() -> Result<usize, CatalogError> {
    parse_operations(OPERATIONS_JSON, OPERATIONS_ORIGIN).map(|o| o.permissions.len())
}

/// Every Graph permission name Microsoft's operation map lists operations for, sorted.
pub fn graph_operation_names() -> Vec<&'static str> {
    let mut names = bundled_operations().names();
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "11111111-2222-3333-4444-555555555555";
    const OTHER: &str = "99999999-2222-3333-4444-555555555555";

    fn sample() -> MicrosoftCatalog {
        let text = format!(
            r#"{{
  "resources": [
    {{"api": "Sample", "app_id": "{APP}", "permissions": [
      {{"type": "application", "name": "Mail.Read", "id": "aaaaaaaa-0000-0000-0000-000000000001", "admin_consent": true, "display_name": "Read mail", "privilege_level": 3, "enabled": true}},
      {{"type": "application", "name": "Mail.Send", "id": "AAAAAAAA-0000-0000-0000-000000000002", "admin_consent": true, "display_name": null, "privilege_level": 4, "enabled": true}},
      {{"type": "application", "name": "User.Read.All", "id": "aaaaaaaa-0000-0000-0000-000000000003", "admin_consent": true, "display_name": null, "privilege_level": null, "enabled": null}},
      {{"type": "delegated", "name": "Mail.Read", "id": "bbbbbbbb-0000-0000-0000-000000000001", "admin_consent": false, "display_name": "Read your mail", "privilege_level": 2, "enabled": true}},
      {{"type": "delegated", "name": "User.ReadBasic.All", "id": "bbbbbbbb-0000-0000-0000-000000000002", "admin_consent": null, "display_name": null, "privilege_level": null, "enabled": null}},
      {{"type": "delegated", "name": "User.ReadBasic.All", "id": "bbbbbbbb-0000-0000-0000-000000000003", "admin_consent": null, "display_name": null, "privilege_level": null, "enabled": null}}
    ]}}
  ]
}}"#
        );
        MicrosoftCatalog::from_json(&text, "sample.json").expect("sample parses")
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn edit_distance_counts_edits_and_transpositions() {
        let d = |a: &str, b: &str| edit_distance(&chars(a), &chars(b), 10);
        assert_eq!(d("", ""), Some(0));
        assert_eq!(d("abc", ""), Some(3));
        assert_eq!(d("", "abc"), Some(3));
        assert_eq!(d("kitten", "sitting"), Some(3));
        assert_eq!(d("mail.sned", "mail.send"), Some(1), "a transposition is one edit");
        assert_eq!(d("mail.raed", "mail.read"), Some(1));
        assert_eq!(d("user.reed.all", "user.read.all"), Some(1));
        assert_eq!(d("ca", "abc"), Some(3), "optimal string alignment, not full Damerau");
        assert_eq!(d("flaw", "lawn"), Some(2));
    }

    #[test]
    fn edit_distance_gives_up_past_the_limit() {
        assert_eq!(edit_distance(&chars("mail.send"), &chars("mail.send"), 0), Some(0));
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting"), 2), None);
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting"), 3), Some(3));
        assert_eq!(edit_distance(&chars("a"), &chars("abcdef"), 2), None);
    }

    #[test]
    fn guid_values_ignore_case_and_refuse_other_forms() {
        assert_eq!(
            guid_value("AAAAAAAA-0000-0000-0000-000000000002"),
            guid_value("aaaaaaaa-0000-0000-0000-000000000002")
        );
        assert_eq!(guid_value("00000000-0000-0000-0000-00000000000f"), Some(15));
        assert_eq!(guid_value("aaaaaaaa00000-0000-0000-000000000002"), None);
        assert_eq!(guid_value("{aaaaaaaa-0000-0000-0000-000000000002}"), None);
        assert_eq!(guid_value("gaaaaaaa-0000-0000-0000-000000000002"), None);
    }

    #[test]
    fn lookups_by_name_guid_and_spelling() {
        let c = sample();
        let app = PermissionKind::Application;
        let del = PermissionKind::Delegated;
        let send = c.get(APP, app, "Mail.Send").expect("Mail.Send");
        assert_eq!(send.id, "aaaaaaaa-0000-0000-0000-000000000002", "ids are lower-cased");
        assert_eq!(send.privilege_level, Some(4));
        assert_eq!(
            c.get(&APP.to_uppercase(), app, "Mail.Send"),
            Some(send),
            "app id case ignored"
        );
        assert_eq!(c.get(APP, app, "mail.send"), None, "names are exact");
        assert_eq!(c.get(APP, del, "Mail.Send"), None, "kinds are apart");
        assert_eq!(c.get(OTHER, app, "Mail.Send"), None, "resources are apart");
        assert_eq!(c.get(APP, del, "Mail.Read").map(|p| p.admin_consent), Some(Some(false)));

        assert_eq!(
            c.name_of(APP, app, "AAAAAAAA-0000-0000-0000-000000000001"),
            Some("Mail.Read")
        );
        assert_eq!(c.name_of(APP, del, "aaaaaaaa-0000-0000-0000-000000000001"), None);
        assert_eq!(c.name_of(APP, app, "not-a-guid"), None);

        assert_eq!(c.spelling(APP, app, "MAIL.SEND"), Some("Mail.Send"));
        assert_eq!(c.spelled_differently(APP, app, "mail.send"), Some("Mail.Send"));
        assert_eq!(c.spelled_differently(APP, app, "Mail.Send"), None);
        assert_eq!(c.spelling(APP, app, "Mail.Write"), None);
    }

    #[test]
    fn one_name_with_two_guids_keeps_both() {
        let c = sample();
        let del = PermissionKind::Delegated;
        assert_eq!(
            c.name_of(APP, del, "bbbbbbbb-0000-0000-0000-000000000002"),
            Some("User.ReadBasic.All")
        );
        assert_eq!(
            c.name_of(APP, del, "bbbbbbbb-0000-0000-0000-000000000003"),
            Some("User.ReadBasic.All")
        );
        assert_eq!(
            c.get(APP, del, "User.ReadBasic.All").map(|p| &*p.id),
            Some("bbbbbbbb-0000-0000-0000-000000000002"),
            "the name finds its first row"
        );
        assert_eq!(c.permissions(APP, del).len(), 3);
    }

    #[test]
    fn iteration_is_sorted_and_per_kind() {
        let c = sample();
        let names: Vec<&str> = c
            .permissions(APP, PermissionKind::Application)
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(names, ["Mail.Read", "Mail.Send", "User.Read.All"]);
        assert!(c.permissions(OTHER, PermissionKind::Application).is_empty());
        assert_eq!(c.len(), 6);
        assert_eq!(c.resources(), [("Sample", APP)]);
    }

    #[test]
    fn insert_adds_and_overrides_for_a_run() {
        let mut c = sample();
        let app = PermissionKind::Application;
        let mut added = MicrosoftPermission::new("CCCCCCCC-0000-0000-0000-000000000001");
        added.admin_consent = Some(true);
        c.insert(APP, app, "Files.Read.All", added.clone());
        assert_eq!(c.get(APP, app, "Files.Read.All"), Some(&added));
        assert_eq!(added.id, "cccccccc-0000-0000-0000-000000000001");
        assert_eq!(
            c.name_of(APP, app, "cccccccc-0000-0000-0000-000000000001"),
            Some("Files.Read.All")
        );
        assert_eq!(
            c.spelled_differently(APP, app, "files.read.all"),
            Some("Files.Read.All")
        );

        // An export that gives Mail.Send another GUID wins for this run.
        c.insert(
            APP,
            app,
            "Mail.Send",
            MicrosoftPermission::new("dddddddd-0000-0000-0000-000000000001"),
        );
        assert_eq!(
            c.get(APP, app, "Mail.Send").map(|p| &*p.id),
            Some("dddddddd-0000-0000-0000-000000000001")
        );
        assert_eq!(
            c.name_of(APP, app, "dddddddd-0000-0000-0000-000000000001"),
            Some("Mail.Send")
        );
        let names: Vec<&str> = c.permissions(APP, app).iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["Files.Read.All", "Mail.Read", "Mail.Send", "User.Read.All"],
            "replaced, not doubled"
        );
        assert_eq!(c.len(), 7);

        // A resource the catalog does not know.
        c.insert(
            OTHER,
            app,
            "Thing.Do",
            MicrosoftPermission::new("eeeeeeee-0000-0000-0000-000000000001"),
        );
        assert_eq!(
            c.name_of(OTHER, app, "eeeeeeee-0000-0000-0000-000000000001"),
            Some("Thing.Do")
        );
        assert_eq!(c.resources().len(), 2);

        // The shared catalog underneath is untouched.
        assert_eq!(sample().get(APP, app, "Files.Read.All"), None);
    }

    #[test]
    fn an_empty_catalog_answers_nothing() {
        let c = MicrosoftCatalog::default();
        assert!(c.is_empty());
        assert_eq!(c.get(APP, PermissionKind::Application, "Mail.Send"), None);
        assert!(c.suggest(APP, PermissionKind::Application, "Mail.Sned").is_empty());
        assert_eq!(c.generated(), None);
    }

    #[test]
    fn suggestions_prefer_near_names_of_the_same_kind() {
        let c = sample();
        let app = PermissionKind::Application;
        assert_eq!(c.suggest(APP, app, "Mail.Sned"), ["Mail.Send"]);
        assert_eq!(c.suggest(APP, app, "Mail.Raed"), ["Mail.Read"]);
        // As near to both: by name.
        assert_eq!(c.suggest(APP, app, "Mail.Rend"), ["Mail.Read", "Mail.Send"]);
        assert_eq!(c.suggest(APP, app, "User.Reed.All"), ["User.Read.All"]);
        assert_eq!(c.suggest(APP, app, "Xyzzy.Plugh"), Vec::<String>::new());
        assert_eq!(c.suggest(APP, app, ""), Vec::<String>::new());
        // Only in the other kind: still offered.
        assert_eq!(c.suggest(APP, app, "User.ReadBasic.Al"), ["User.ReadBasic.All"]);
        // Case alone: the catalog's spelling.
        assert_eq!(c.suggest(APP, app, "mail.send"), ["Mail.Send", "Mail.Read"]);
    }

    #[test]
    fn suggestion_limits_grow_with_the_name() {
        assert_eq!(suggestion_limit(3), 1);
        assert_eq!(suggestion_limit(9), 2);
        assert_eq!(suggestion_limit(13), 3);
        assert_eq!(suggestion_limit(40), 3);
    }

    #[test]
    fn errors_say_where() {
        let bad_guid = "{\"resources\": [\n  {\"api\": \"X\", \"app_id\": \"11111111-2222-3333-4444-555555555555\", \"permissions\": [\n    {\"type\": \"application\", \"name\": \"A.B\", \"id\": \"nope\", \"admin_consent\": true, \"display_name\": null, \"privilege_level\": null, \"enabled\": null}\n  ]}\n]}";
        let e = MicrosoftCatalog::from_json(bad_guid, "x.json").unwrap_err();
        assert_eq!(e.path, "resources[0].permissions[0].id");
        assert_eq!(e.location.map(|(l, _)| l), Some(3));
        assert!(e.message.contains("`nope` is not a GUID"), "{e}");
        assert!(e.to_string().starts_with("x.json:3:"), "{e}");

        let level = bad_guid
            .replace("\"nope\"", "\"aaaaaaaa-0000-0000-0000-000000000001\"")
            .replace("\"privilege_level\": null", "\"privilege_level\": 9");
        let e = MicrosoftCatalog::from_json(&level, "x.json").unwrap_err();
        assert_eq!(e.path, "resources[0].permissions[0].privilege_level");
        assert!(e.message.contains("outside 1-5"), "{e}");

        let unknown = level.replace("\"privilege_level\": 9", "\"privilege_level\": 1, \"risk\": 1");
        let e = MicrosoftCatalog::from_json(&unknown, "x.json").unwrap_err();
        assert!(e.message.contains("unknown field `risk`"), "{e}");

        let escape = level
            .replace("\"A.B\"", "\"A.\\u001b[31mB\"")
            .replace("\"privilege_level\": 9", "\"privilege_level\": 1");
        let e = MicrosoftCatalog::from_json(&escape, "x.json").unwrap_err();
        assert_eq!(e.path, "resources[0].permissions[0].name");

        let twice = "{\"resources\": [{\"api\": \"X\", \"app_id\": \"11111111-2222-3333-4444-555555555555\", \"permissions\": [\
            {\"type\": \"application\", \"name\": \"A.B\", \"id\": \"aaaaaaaa-0000-0000-0000-000000000001\"},\
            {\"type\": \"application\", \"name\": \"C.D\", \"id\": \"AAAAAAAA-0000-0000-0000-000000000001\"}]}]}";
        let e = MicrosoftCatalog::from_json(twice, "x.json").unwrap_err();
        assert_eq!(e.path, "resources[0].permissions[1].id");
        assert!(e.message.contains("has the id of A.B"), "{e}");
    }

    #[test]
    fn extend_from_json_layers_a_file() {
        let mut c = sample();
        let n = c
            .extend_from_json(
                &format!(
                    "{{\"resources\": [{{\"api\": \"Sample\", \"app_id\": \"{APP}\", \"permissions\": [\
                     {{\"type\": \"application\", \"name\": \"Mail.Send\", \"id\": \"ffffffff-0000-0000-0000-000000000001\"}}]}}]}}"
                ),
                "mine.json",
            )
            .expect("parses");
        assert_eq!(n, 1);
        assert_eq!(
            c.get(APP, PermissionKind::Application, "Mail.Send").map(|p| &*p.id),
            Some("ffffffff-0000-0000-0000-000000000001")
        );
    }

    #[test]
    fn the_permission_index_agrees_with_the_whole_parse() {
        let indexed = index_permissions(PERMISSIONS_JSON).expect("the embedded catalog has the generator's layout");
        let whole = parse_bundled_permissions().expect("the embedded catalog parses");
        let Base::File(full) = &whole.base else {
            panic!("from_json gives a file base")
        };
        assert!(indexed.generated.is_some());
        assert_eq!(indexed.generated, full.generated);
        assert_eq!(indexed.resources.len(), full.resources.len());
        let mut rows = 0;
        for (a, b) in indexed.resources.iter().zip(&full.resources) {
            assert_eq!((&a.api, &a.app_id), (&b.api, &b.app_id));
            for ((kind, x), (_, y)) in a.kinds().into_iter().zip(b.kinds()) {
                assert_eq!(x.entries.len(), y.entries.len(), "{} {kind}", a.api);
                for (e, f) in x.entries.iter().zip(&y.entries) {
                    assert!(e.facts.get().is_none(), "indexing parses no row");
                    assert_eq!((&e.name, e.id), (&f.name, f.id));
                    assert_eq!(e.facts(), f.facts(), "{} {kind} {}", a.api, e.name);
                    rows += 1;
                }
            }
        }
        assert!(rows > 1500);
    }

    #[test]
    fn the_permission_index_refuses_other_layouts() {
        let row = r#"      {"type": "application", "name": "A.B", "id": "aaaaaaaa-0000-0000-0000-000000000001", "admin_consent": true, "display_name": null, "privilege_level": null, "enabled": null}"#;
        let file = |row: &str| {
            format!(
                "{{\n  \"resources\": [\n    {{\"api\": \"X\", \"app_id\": \"{APP}\", \"permissions\": [\n{row}\n    ]}}\n  ]\n}}\n"
            )
        };
        let good: &'static str = Box::leak(file(row).into_boxed_str());
        let tables = index_permissions(good).expect("generator layout");
        assert_eq!(tables.resources[0].application.entries[0].name, "A.B");
        assert_eq!(
            tables.resources[0].application.entries[0].facts().admin_consent,
            Some(true)
        );
        for bad in [
            row.replace("\"A.B\"", "\"A\\u002eB\""),
            row.replace("\"A.B\"", "\" A.B\""),
            row.replace("\"type\": \"application\"", "\"type\": \"role\""),
            row.replace("aaaaaaaa-0000", "aaaaaaaa_0000"),
            format!("{row}\n    // a comment"),
        ] {
            let text: &'static str = Box::leak(file(&bad).into_boxed_str());
            assert!(index_permissions(text).is_none(), "{bad}");
        }
        let compact: &'static str = Box::leak(file(row).replace('\n', "").into_boxed_str());
        assert!(index_permissions(compact).is_none());
    }

    #[test]
    fn the_operation_index_slices_agree_with_the_whole_parse() {
        let whole = parse_operations(OPERATIONS_JSON, OPERATIONS_ORIGIN)
            .expect("embedded map parses")
            .permissions;
        let slices = index_operations(OPERATIONS_JSON).expect("the embedded map has the generator's layout");
        assert_eq!(slices.len(), whole.len());
        for (name, sets) in &whole {
            let slice = slices.get(&**name).unwrap_or_else(|| panic!("{name} not indexed"));
            let parsed: Vec<PathSet> = serde_json::from_str(slice).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&parsed, sets, "{name}");
        }
    }

    #[test]
    fn the_operation_index_refuses_other_layouts() {
        let compact = r#"{"source": {}, "resource_app_id": "00000003-0000-0000-c000-000000000000", "permissions": {"A.B": [{"kinds": ["application"], "methods": ["GET"], "paths": {"/a": {}}}]}}"#;
        assert_eq!(index_operations(compact), None);
        let escaped = "{\n  \"permissions\": {\n    \"A\\u002eB\": [\n    ]\n  }\n}";
        assert_eq!(index_operations(escaped), None, "a name with an escape");
        let laid_out =
            "{\n  \"permissions\": {\n    \"A.B\": [\n      {}\n    ],\n    \"C.D\": [\n      {}\n    ]\n  }\n}\n";
        let index = index_operations(laid_out).expect("generator layout");
        assert_eq!(index.get("A.B"), Some(&"[\n      {}\n    ]"));
        assert_eq!(index.get("C.D"), Some(&"[\n      {}\n    ]"));
    }

    #[test]
    fn operations_outside_graph_have_no_published_map() {
        let c = MicrosoftCatalog::bundled();
        assert_eq!(
            c.operations(APP, PermissionKind::Application, "Mail.Send"),
            OperationMap::NoPublishedMap
        );
    }
}
