//! Microsoft's permission catalog: every app role and delegated scope Microsoft
//! publishes for Microsoft Graph, Office 365 Exchange Online, Office 365
//! SharePoint Online and Azure DevOps, and the Graph API calls each Graph
//! permission grants.
//!
//! Both come from `data/microsoft/` (written by `examples/refresh_catalog.rs`
//! from Microsoft's published catalogs; the schemas there say how) and are
//! embedded in the binary. Their format, the embedding and the lazy indexing
//! are `model/read/microsoft.rs` (with [`MicrosoftCatalog::bundled`],
//! [`MicrosoftCatalog::from_json`] and [`MicrosoftCatalog::operations`]); this
//! file holds what a catalog is: its tables, their lookups and suggestions, and
//! how Microsoft's listings of a permission's calls combine. Nothing is read
//! before it is needed: a table's entry may hold just its row of the embedded
//! text, read the first time its facts are asked for.
//!
//! Everything is keyed on (resource app id, kind, name): the same GUID carries
//! different names on Graph and Exchange, and one name (`User.Read.All`) means
//! different things on Graph and SharePoint.

use crate::model::permission::PermissionKind;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Microsoft Graph's resource app id.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

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
    /// The embedded `data/microsoft/permissions.json`: the function indexes it
    /// on its first call (once per process) and gives the shared tables.
    Bundled(fn() -> &'static Tables),
    /// A catalog file read at run time.
    File(Arc<Tables>),
}

impl MicrosoftCatalog {
    /// A catalog over tables made on first use and shared (the embedded one:
    /// [`MicrosoftCatalog::bundled`]).
    pub(crate) fn shared(tables: fn() -> &'static Tables) -> MicrosoftCatalog {
        MicrosoftCatalog {
            base: Base::Bundled(tables),
            overlay: Tables::default(),
        }
    }

    /// A catalog over the tables of one file ([`MicrosoftCatalog::from_json`]).
    pub(crate) fn of_file(tables: Tables) -> MicrosoftCatalog {
        MicrosoftCatalog {
            base: Base::File(Arc::new(tables)),
            overlay: Tables::default(),
        }
    }

    /// Adds (or overrides with) every permission of `tables` for this run;
    /// returns how many they held ([`MicrosoftCatalog::extend_from_json`]).
    pub(crate) fn add_tables(&mut self, tables: &Tables) -> usize {
        let mut n = 0;
        for r in &tables.resources {
            for (kind, table) in r.kinds() {
                for e in &table.entries {
                    self.overlay.insert(&r.app_id, &r.api, kind, &e.name, e.facts().clone());
                    n += 1;
                }
            }
        }
        n
    }

    /// Adds or replaces one permission for this run (a tenant's export naming a
    /// GUID the catalog lacks, or spelling one differently).
    pub fn insert(&mut self, resource_app_id: &str, kind: PermissionKind, name: &str, permission: MicrosoftPermission) {
        self.overlay.insert(resource_app_id, "", kind, name, permission);
    }

    fn base(&self) -> Option<&Tables> {
        match &self.base {
            Base::Empty => None,
            Base::Bundled(tables) => Some(tables()),
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
        let mut out: Vec<&Entry> = self.entries(resource_app_id, kind).collect();
        out.sort_by(|a, b| name_order(a, b));
        out
    }

    /// The resource's entries of `kind`, the overlay's first, in no order
    /// ([`merged`](Self::merged) sorts them).
    fn entries(&self, resource_app_id: &str, kind: PermissionKind) -> impl Iterator<Item = &Entry> {
        let app = resource_app_id.trim();
        let added = self.overlay.resource(app).map(|r| r.kind(kind));
        let base = self.base().and_then(|t| t.resource(app)).map(|r| r.kind(kind));
        added.into_iter().flat_map(|t| t.entries.iter()).chain(
            base.into_iter()
                .flat_map(|t| t.entries.iter())
                .filter(move |e| added.is_none_or(|a| !a.by_name.contains_key(&*e.name))),
        )
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
            // Unsorted: `found` is sorted below, and sorting every entry for
            // each unknown name made a large import crawl.
            for candidate in self.entries(resource_app_id, k).map(|e| &*e.name) {
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

// ------------------------------------------------------------------ operations

/// One listing of Microsoft's operation map for a permission: these methods on
/// these paths, for these kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listing {
    pub(crate) kinds: Vec<PermissionKind>,
    pub(crate) methods: Vec<HttpMethod>,
    pub(crate) paths: Vec<ListedPath>,
}

/// One path of a [`Listing`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedPath {
    /// Microsoft's path, with its placeholders and its casing.
    pub(crate) path: Cow<'static, str>,
    /// The kinds for which Microsoft calls the permission the least privileged for the path.
    pub(crate) least: Vec<PermissionKind>,
    /// Other permissions Microsoft names for the path (`AlsoRequires=`).
    pub(crate) also_requires: Vec<Cow<'static, str>>,
}

impl OperationMap {
    /// What a permission's listings grant to one kind: one operation per
    /// method and path, the facts of every listing of it merged.
    /// [`OperationMap::NotListed`] when no listing is for the kind.
    pub(crate) fn from_listings(listings: &[Listing], kind: PermissionKind) -> OperationMap {
        // (path, method) -> (least, also requires)
        type Facts = (bool, Vec<Cow<'static, str>>);
        let mut ops: BTreeMap<(Cow<'static, str>, HttpMethod), Facts> = BTreeMap::new();
        for listing in listings.iter().filter(|l| l.kinds.contains(&kind)) {
            for p in &listing.paths {
                for method in &listing.methods {
                    let e = ops.entry((p.path.clone(), *method)).or_default();
                    e.0 |= p.least.contains(&kind);
                    e.1.extend(p.also_requires.iter().cloned());
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

// ------------------------------------------------------------------ tables

/// Permissions of every resource, indexed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tables {
    pub(crate) resources: Vec<ResourceTable>,
    /// When the file was generated, as it says.
    pub(crate) generated: Option<String>,
}

/// The permissions of one resource.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResourceTable {
    pub(crate) api: String,
    /// Lower case.
    pub(crate) app_id: String,
    application: KindTable,
    delegated: KindTable,
}

impl ResourceTable {
    /// A resource without permissions yet; `app_id` is stored lower-cased.
    pub(crate) fn new(api: String, app_id: &str) -> ResourceTable {
        ResourceTable {
            api,
            app_id: app_id.to_ascii_lowercase(),
            ..ResourceTable::default()
        }
    }

    fn kind(&self, kind: PermissionKind) -> &KindTable {
        match kind {
            PermissionKind::Application => &self.application,
            PermissionKind::Delegated => &self.delegated,
        }
    }

    pub(crate) fn kind_mut(&mut self, kind: PermissionKind) -> &mut KindTable {
        match kind {
            PermissionKind::Application => &mut self.application,
            PermissionKind::Delegated => &mut self.delegated,
        }
    }

    pub(crate) fn kinds(&self) -> [(PermissionKind, &KindTable); 2] {
        [
            (PermissionKind::Application, &self.application),
            (PermissionKind::Delegated, &self.delegated),
        ]
    }
}

/// The permissions of one resource and kind, with their indexes. The GUID and
/// lower-case indexes are built on first use: most runs never ask.
#[derive(Debug, Clone, Default)]
pub(crate) struct KindTable {
    pub(crate) entries: Vec<Entry>,
    /// Exact name to its first entry.
    by_name: HashMap<Cow<'static, str>, usize>,
    by_id: OnceLock<HashMap<u128, usize>>,
    /// Lower-cased name to its first entry.
    by_lower: OnceLock<HashMap<String, usize>>,
}

/// One permission of a table: name and GUID, and its facts, which for the
/// embedded catalog are read from its row on first use.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) name: Cow<'static, str>,
    pub(crate) id: Option<u128>,
    /// The row the facts are read from on first use; `None` when they were given.
    row: Option<Row>,
    pub(crate) facts: OnceLock<MicrosoftPermission>,
}

/// A row of an embedded file, and what reads a permission's facts from it.
#[derive(Debug, Clone, Copy)]
struct Row {
    json: &'static str,
    read: fn(&'static str) -> MicrosoftPermission,
}

impl Entry {
    /// An entry with its facts.
    pub(crate) fn given(name: Cow<'static, str>, p: MicrosoftPermission) -> Entry {
        Entry {
            name,
            id: guid_value(&p.id),
            row: None,
            facts: OnceLock::from(p),
        }
    }

    /// An entry of an embedded file whose facts `read` gets from `row` when
    /// first asked for.
    pub(crate) fn lazy(
        name: &'static str,
        id: u128,
        row: &'static str,
        read: fn(&'static str) -> MicrosoftPermission,
    ) -> Entry {
        Entry {
            name: Cow::Borrowed(name),
            id: Some(id),
            row: Some(Row { json: row, read }),
            facts: OnceLock::new(),
        }
    }

    pub(crate) fn facts(&self) -> &MicrosoftPermission {
        // A given entry's facts are set from the start: it never gets here.
        self.facts
            .get_or_init(|| self.row.map_or_else(MicrosoftPermission::default, |r| (r.read)(r.json)))
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

    pub(crate) fn reserve(&mut self, rows: usize) {
        self.entries.reserve(rows);
        self.by_name.reserve(rows);
    }

    /// Appends an entry; a name's first entry stays the one its name finds.
    pub(crate) fn push(&mut self, e: Entry) {
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
    pub(crate) fn resource(&self, app_id: &str) -> Option<&ResourceTable> {
        self.resources.iter().find(|r| r.app_id.eq_ignore_ascii_case(app_id))
    }

    fn insert(&mut self, app_id: &str, api: &str, kind: PermissionKind, name: &str, p: MicrosoftPermission) {
        let app_id = app_id.trim().to_ascii_lowercase();
        let i = match self.resources.iter().position(|r| r.app_id == app_id) {
            Some(i) => i,
            None => {
                self.resources.push(ResourceTable::new(api.to_string(), &app_id));
                self.resources.len() - 1
            }
        };
        self.resources[i].kind_mut(kind).upsert(name, p);
    }
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
}
