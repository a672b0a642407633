//! Microsoft's permission catalog and Graph operation map as files: the format
//! of `data/microsoft/permissions.json` (and of a reviewer's catalog file in
//! that format) and of `data/microsoft/graph-operations.json`, their checks,
//! and the embedded copies, indexed lazily.
//!
//! Nothing embedded is read before it is needed: the first lookup indexes the
//! permissions file (names and GUIDs, borrowed from the embedded text; about a
//! millisecond) and a permission's other facts are read from its row when first
//! asked for; the first [`MicrosoftCatalog::operations`] indexes where each
//! permission's entry of the operation map is, and each call parses just that
//! entry. Both indexes rely on the layout `examples/refresh_catalog.rs` writes
//! and fall back to parsing the file whole when it is laid out otherwise.

use crate::model::microsoft::{
    Entry, GRAPH_APP_ID, HttpMethod, ListedPath, Listing, MicrosoftCatalog, MicrosoftPermission, OperationMap,
    ResourceTable, Tables, guid_value,
};
use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::json::{self, Fault, Step};
use crate::model::text;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

const PERMISSIONS_JSON: &str = include_str!("../../../data/microsoft/permissions.json");
const OPERATIONS_JSON: &str = include_str!("../../../data/microsoft/graph-operations.json");
const PERMISSIONS_ORIGIN: &str = "data/microsoft/permissions.json";
const OPERATIONS_ORIGIN: &str = "data/microsoft/graph-operations.json";

impl MicrosoftCatalog {
    /// The catalog embedded in the binary (parsed on first use).
    pub fn bundled() -> MicrosoftCatalog {
        MicrosoftCatalog::shared(bundled_tables)
    }

    /// Reads a catalog in the format of `data/microsoft/permissions.json`,
    /// checking it whole (GUIDs unique per resource and kind). `origin` names
    /// the file in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<MicrosoftCatalog, ReadError> {
        read_tables(text, origin).map(MicrosoftCatalog::of_file)
    }

    /// Adds (or overrides with) every permission of a file in the format of
    /// `data/microsoft/permissions.json`; returns how many it held.
    pub fn extend_from_json(&mut self, text: &str, origin: &str) -> Result<usize, ReadError> {
        let tables = read_tables(text, origin)?;
        Ok(self.add_tables(&tables))
    }

    /// The Microsoft Graph calls a permission of a kind grants, from Microsoft's
    /// published map (exact name, else ignoring case); [`OperationMap::NoPublishedMap`]
    /// for every resource but Graph. The map is the embedded one, whatever the
    /// catalog holds.
    pub fn operations(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> OperationMap {
        if !resource_app_id.trim().eq_ignore_ascii_case(GRAPH_APP_ID) {
            return OperationMap::NoPublishedMap;
        }
        match bundled_operations().listings(name) {
            Some(listings) => OperationMap::from_listings(&listings, kind),
            None => OperationMap::NotListed,
        }
    }
}

/// Parses both embedded files now, into the copies every catalog shares (for a
/// caller that would rather pay the cost up front than on the first lookup).
pub fn warm_up() {
    bundled_tables();
    bundled_operations();
}

/// Parses the embedded permissions afresh and checks them whole, not into the
/// shared copy: for `check`, the tests and the benchmark.
pub fn parse_bundled_permissions() -> Result<MicrosoftCatalog, ReadError> {
    MicrosoftCatalog::from_json(PERMISSIONS_JSON, PERMISSIONS_ORIGIN)
}

/// Parses the embedded operation map afresh, whole; returns how many
/// permissions it covers.
pub fn parse_bundled_operations() -> Result<usize, ReadError> {
    parse_operations(OPERATIONS_JSON, OPERATIONS_ORIGIN).map(|o| o.permissions.len())
}

/// Every Graph permission name Microsoft's operation map lists operations for, sorted.
pub fn graph_operation_names() -> Vec<&'static str> {
    let mut names = bundled_operations().names();
    names.sort_unstable();
    names
}

// ------------------------------------------------------------------ permissions

/// A catalog file parsed, checked whole and indexed; its text copied.
fn read_tables(text: &str, origin: &str) -> Result<Tables, ReadError> {
    let file: PermissionsFile = json::parse(text, origin)?;
    check_file(&file).map_err(|fault| fault.locate(text, origin))?;
    Ok(build(file, |c| Cow::Owned(c.into_owned())))
}

/// One block per resource, and no GUID twice within a resource and kind.
fn check_file(file: &PermissionsFile) -> Result<(), Fault<'static>> {
    for (ri, r) in file.resources.iter().enumerate() {
        let here = || vec![Step::key("resources"), Step::Index(ri)];
        if file.resources[..ri]
            .iter()
            .any(|o| o.app_id.0.eq_ignore_ascii_case(&r.app_id.0))
        {
            return Err(Fault::new(
                json::join(&here(), &[Step::key("app_id")]),
                "a second block for this resource",
            ));
        }
        let mut seen: HashMap<(PermissionKind, u128), &str> = HashMap::with_capacity(r.permissions.len());
        for (pi, p) in r.permissions.iter().enumerate() {
            let Some(id) = guid_value(&p.id.0) else { continue };
            if let Some(other) = seen.insert((p.kind, id), &p.name) {
                return Err(Fault::new(
                    json::join(&here(), &[Step::key("permissions"), Step::Index(pi), Step::key("id")]),
                    format!("{} {} has the id of {other} ({})", p.kind, p.name, p.id.0),
                ));
            }
        }
    }
    Ok(())
}

/// Tables from a parsed file; `keep` makes its text last (borrowed from the
/// embedded file as it is, copied from any other).
fn build<'a>(file: PermissionsFile<'a>, keep: impl Fn(Cow<'a, str>) -> Cow<'static, str>) -> Tables {
    let mut tables = Tables {
        resources: Vec::with_capacity(file.resources.len()),
        generated: file.source.map(|s| s.generated.into_owned()),
    };
    for r in file.resources {
        let mut table = ResourceTable::new(r.api.into_owned(), &r.app_id.0);
        let applications = r
            .permissions
            .iter()
            .filter(|p| p.kind == PermissionKind::Application)
            .count();
        table.kind_mut(PermissionKind::Application).reserve(applications);
        table
            .kind_mut(PermissionKind::Delegated)
            .reserve(r.permissions.len() - applications);
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

fn bundled_tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // The embedded file is checked whole by the tests (parse_bundled_permissions);
        // a failure here is a build defect, not something a user can cause.
        if let Some(tables) = index_permissions(PERMISSIONS_JSON) {
            return tables;
        }
        match json::parse::<PermissionsFile<'static>>(PERMISSIONS_JSON, PERMISSIONS_ORIGIN) {
            Ok(file) => build(file, |c| c),
            Err(e) => panic!("embedded catalog: {e}"),
        }
    })
}

/// The facts of one embedded row.
fn read_row(row: &'static str) -> MicrosoftPermission {
    match serde_json::from_str::<PermissionRow<'static>>(row) {
        Ok(p) => p.into_permission(&|c| c),
        // Every row is parsed by the tests (parse_bundled_permissions and the
        // index test): a failure here is a build defect.
        Err(e) => panic!("{PERMISSIONS_ORIGIN}: row {row}: {e}"),
    }
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
            tables
                .resources
                .push(ResourceTable::new(header.api.into_owned(), &header.app_id.0));
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
            let row_json = line.trim();
            let row_json = row_json.strip_suffix(',').unwrap_or(row_json);
            tables
                .resources
                .last_mut()?
                .kind_mut(kind)
                .push(Entry::lazy(name, id, row_json, read_row));
        } else if !matches!(line, "    ]}," | "    ]}") {
            return None;
        }
    }
    (!tables.resources.is_empty()).then_some(tables)
}

// ------------------------------------------------------------------ permissions file format

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
    parsed: OnceLock<HashMap<Cow<'static, str>, Vec<Listing>>>,
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
    fn whole(&self) -> &HashMap<Cow<'static, str>, Vec<Listing>> {
        self.parsed
            .get_or_init(|| match parse_operations(OPERATIONS_JSON, OPERATIONS_ORIGIN) {
                Ok(doc) => doc
                    .permissions
                    .into_iter()
                    .map(|(name, sets)| (name, listings(sets)))
                    .collect(),
                // Checked by the tests (parse_bundled_operations); a build defect.
                Err(e) => panic!("embedded operation map: {e}"),
            })
    }

    /// The listings of a permission (exact name, else ignoring case).
    fn listings(&self, name: &str) -> Option<Cow<'_, [Listing]>> {
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
            Ok(sets) => Some(Cow::Owned(listings(sets))),
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathSet<'a> {
    kinds: Vec<PermissionKind>,
    methods: Vec<HttpMethod>,
    #[serde(borrow, deserialize_with = "path_list")]
    paths: Vec<(Text<'a>, PathFacts<'a>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathFacts<'a> {
    #[serde(default)]
    least: Vec<PermissionKind>,
    #[serde(default, borrow)]
    also_requires: Vec<Text<'a>>,
}

/// Checked text, borrowed from the input where it holds no escape.
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

/// The listings of the path sets of the embedded map (whose text lasts).
fn listings(sets: Vec<PathSet<'static>>) -> Vec<Listing> {
    sets.into_iter()
        .map(|set| Listing {
            kinds: set.kinds,
            methods: set.methods,
            paths: set
                .paths
                .into_iter()
                .map(|(path, facts)| ListedPath {
                    path: path.0,
                    least: facts.least,
                    also_requires: facts.also_requires.into_iter().map(|t| t.0).collect(),
                })
                .collect(),
        })
        .collect()
}

fn parse_operations(text: &'static str, origin: &str) -> Result<OperationsDoc, ReadError> {
    let doc: OperationsDoc = json::parse(text, origin)?;
    if !doc.resource_app_id.eq_ignore_ascii_case(GRAPH_APP_ID) {
        return Err(Fault::new(
            vec![Step::key("resource_app_id")],
            "the operation map is Microsoft Graph's",
        )
        .locate(text, origin));
    }
    Ok(doc)
}

fn bundled_operations() -> &'static OperationIndex {
    static OPERATIONS: OnceLock<OperationIndex> = OnceLock::new();
    OPERATIONS.get_or_init(|| OperationIndex::new(OPERATIONS_JSON))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::read::ErrorKind;

    const APP: &str = "11111111-2222-3333-4444-555555555555";

    #[test]
    fn errors_say_where() {
        let bad_guid = "{\"resources\": [\n  {\"api\": \"X\", \"app_id\": \"11111111-2222-3333-4444-555555555555\", \"permissions\": [\n    {\"type\": \"application\", \"name\": \"A.B\", \"id\": \"nope\", \"admin_consent\": true, \"display_name\": null, \"privilege_level\": null, \"enabled\": null}\n  ]}\n]}";
        let e = MicrosoftCatalog::from_json(bad_guid, "x.json").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resources[0].permissions[0].id"));
        assert_eq!((e.line, e.column), (Some(3), Some(50)), "at the value: {e}");
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert!(e.message.contains("`nope` is not a GUID"), "{e}");
        assert!(
            e.to_string()
                .starts_with("x.json:3:50: field `resources[0].permissions[0].id`: "),
            "{e}"
        );

        let level = bad_guid
            .replace("\"nope\"", "\"aaaaaaaa-0000-0000-0000-000000000001\"")
            .replace("\"privilege_level\": null", "\"privilege_level\": 9");
        let e = MicrosoftCatalog::from_json(&level, "x.json").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resources[0].permissions[0].privilege_level"));
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("outside 1-5"), "{e}");

        let unknown = level.replace("\"privilege_level\": 9", "\"privilege_level\": 1, \"risk\": 1");
        let e = MicrosoftCatalog::from_json(&unknown, "x.json").unwrap_err();
        assert!(e.message.contains("unknown field `risk`"), "{e}");
        assert_eq!(e.line, Some(3));

        let escape = level
            .replace("\"A.B\"", "\"A.\\u001b[31mB\"")
            .replace("\"privilege_level\": 9", "\"privilege_level\": 1");
        let e = MicrosoftCatalog::from_json(&escape, "x.json").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resources[0].permissions[0].name"));
        assert_eq!(e.line, Some(3));

        let twice = "{\"resources\": [{\"api\": \"X\", \"app_id\": \"11111111-2222-3333-4444-555555555555\", \"permissions\": [\
            {\"type\": \"application\", \"name\": \"A.B\", \"id\": \"aaaaaaaa-0000-0000-0000-000000000001\"},\
            {\"type\": \"application\", \"name\": \"C.D\", \"id\": \"AAAAAAAA-0000-0000-0000-000000000001\"}]}]}";
        let e = MicrosoftCatalog::from_json(twice, "x.json").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resources[0].permissions[1].id"));
        assert_eq!((e.line, e.column), (Some(1), Some(225)), "at the second id: {e}");
        assert!(e.message.contains("has the id of A.B"), "{e}");

        let two_blocks = "{\"resources\": [\n  {\"api\": \"X\", \"app_id\": \"11111111-2222-3333-4444-555555555555\", \"permissions\": []},\n  {\"api\": \"Y\", \"app_id\": \"11111111-2222-3333-4444-555555555555\", \"permissions\": []}\n]}";
        let e = MicrosoftCatalog::from_json(two_blocks, "x.json").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resources[1].app_id"));
        assert_eq!((e.line, e.column), (Some(3), Some(26)), "{e}");
        assert!(e.message.contains("a second block"), "{e}");
    }

    #[test]
    fn a_catalog_file_is_read_as_every_other_file() {
        let file = format!(
            "{{\"resources\": [{{\"api\": \"X\", \"app_id\": \"{APP}\", \"permissions\": [\
             {{\"type\": \"delegated\", \"name\": \"A.B\", \"id\": \"AAAAAAAA-0000-0000-0000-000000000001\"}}]}}]}}"
        );
        // A byte order mark (an editor's) is skipped, as by every reader.
        let c = MicrosoftCatalog::from_json(&format!("\u{feff}{file}"), "bom.json").expect("parses");
        assert_eq!(
            c.name_of(APP, PermissionKind::Delegated, "aaaaaaaa-0000-0000-0000-000000000001"),
            Some("A.B")
        );
        let e = MicrosoftCatalog::from_json(&file.replace("]}]}", "]}"), "cut.json").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert_eq!(e.line, Some(1));
        assert!(e.message.starts_with("not valid JSON"), "{e}");
    }

    #[test]
    fn the_operation_map_must_be_graphs() {
        let exchange: &'static str = Box::leak(
            OPERATIONS_JSON
                .replacen(GRAPH_APP_ID, "00000002-0000-0ff1-ce00-000000000000", 1)
                .into_boxed_str(),
        );
        let e = parse_operations(exchange, "ops.json").err().expect("refused");
        assert_eq!(e.field.as_deref(), Some("resource_app_id"));
        assert_eq!((e.line, e.column), (Some(16), Some(22)), "at the value: {e}");
        assert!(e.message.contains("Microsoft Graph's"), "{e}");
    }

    #[test]
    fn the_permission_index_agrees_with_the_whole_parse() {
        let indexed = index_permissions(PERMISSIONS_JSON).expect("the embedded catalog has the generator's layout");
        let file: PermissionsFile<'static> =
            json::parse(PERMISSIONS_JSON, PERMISSIONS_ORIGIN).expect("the embedded catalog parses");
        check_file(&file).expect("the embedded catalog holds together");
        let full = build(file, |c| c);
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
        let first = &tables.resources[0].kinds()[0].1.entries[0];
        assert_eq!(first.name, "A.B");
        assert_eq!(first.facts().admin_consent, Some(true));
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
        for (name, sets) in whole {
            let slice = slices.get(&*name).unwrap_or_else(|| panic!("{name} not indexed"));
            let parsed: Vec<PathSet> = serde_json::from_str(slice).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(listings(parsed), listings(sets), "{name}");
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
