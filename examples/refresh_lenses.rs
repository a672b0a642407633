//! Writes `data/lenses.json`: what four published classifications say about each
//! permission on the resources permscope covers.
//!
//! ```sh
//! cargo run --example refresh_lenses -- ../shared/reference
//! cargo run --example refresh_lenses -- ../shared/reference --check   # exit 1 if data/lenses.json is stale
//! ```
//!
//! Sources (files in the reference folder, see its README):
//!
//! - AzurePrivilegedIAM `Classification_ApiPermissions.json`: Enterprise Access Model
//!   tier and category per permission (24 resources; only the ones in `data/apis.json`
//!   are kept, matched on the resource app id);
//! - EntraOps `Classification_AppRoles.json` template: tier and service per app role;
//! - Microsoft Graph `permissions.json`: `privilegeLevel` of the `Application` and
//!   `DelegatedWork` schemes;
//! - MSIdentityTools consent-grant table: High/Medium/Low, matched on the exact name or
//!   on a row naming only the part before the first dot, resolved for every permission
//!   of the reference catalogs (Graph app roles and scopes, the Exchange Online,
//!   SharePoint Online and Azure DevOps tables). Its reason column is not carried.
//!
//! Only facts are carried: names, the class each source gives, its category, and where
//! the source came from. The output is sorted and formatted the same way every time,
//! so a run on an unchanged reference folder writes the same bytes. The date a source
//! was taken is the modification date of its file in the reference folder (when the
//! copy was made), not the upstream commit date: the reference folder does not record
//! that.
//!
//! `tests/lenses.rs` includes this file as a module to check that the bundled file is
//! what this generator writes today.

use anyhow::{Context, Result, anyhow, bail};
use permscope::model::permission::PermissionKind;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// A published classification: where it comes from and how it is read.
#[derive(Debug, Clone, Copy)]
pub struct SourceSpec {
    /// The id permscope uses in `data/lenses.json` and in its JSON output.
    pub id: &'static str,
    pub title: &'static str,
    pub repository: &'static str,
    /// Path of the file in the upstream repository.
    pub upstream_path: &'static str,
    pub licence: &'static str,
    /// Path of the copy in the reference folder.
    pub file: &'static str,
    /// How permscope reads it, in one or two sentences.
    pub reading: &'static str,
}

/// The four sources, in the order their lenses are listed.
pub const SOURCES: [SourceSpec; 4] = [
    SourceSpec {
        id: "azure-privileged-iam",
        title: "AzurePrivilegedIAM: Enterprise Access Model classification of API permissions",
        repository: "Cloud-Architekt/AzurePrivilegedIAM",
        upstream_path: "Classification/Classification_ApiPermissions.json",
        licence: "MIT",
        file: "risk/AzurePrivilegedIAM_Classification_ApiPermissions.json",
        reading: "EAMTierLevelName per PermissionValue and PermissionType; Category as given. Resources matched on TargetAppId; only the resources permscope covers are kept.",
    },
    SourceSpec {
        id: "entraops",
        title: "EntraOps: Enterprise Access Model classification template for app roles",
        repository: "Cloud-Architekt/EntraOps",
        upstream_path: "Classification/Templates/Classification_AppRoles.json",
        licence: "MIT",
        file: "risk/EntraOps_Classification_AppRoles_template.json",
        reading: "EAMTierLevelName of each TierLevelDefinition for every name in its RoleDefinitionActions; category is the definition's Service. ResourceScope Application is the application kind, Delegation the delegated kind, All both.",
    },
    SourceSpec {
        id: "graph-privilege-level",
        title: "Microsoft Graph permissions model: privilegeLevel (1 least to 5 most privileged)",
        repository: "microsoftgraph/microsoft-graph-devx-content",
        upstream_path: "permissions/new/permissions.json",
        licence: "MIT",
        file: "graph/msgraph-devx-content_permissions.json",
        reading: "privilegeLevel of the Application scheme (application kind) and of the DelegatedWork scheme (delegated kind); a scheme without privilegeLevel gives no class.",
    },
    SourceSpec {
        id: "consent-table",
        title: "MSIdentityTools: consent grant permission table (High, Medium, Low)",
        repository: "AzureAD/MSIdentityTools",
        upstream_path: "assets/aadconsentgrantpermissiontable.csv",
        licence: "MIT",
        file: "risk/MSIdentityTools_aadconsentgrantpermissiontable.csv",
        reading: "The table has no resource column: each permission of the reference catalogs (every covered resource) takes the row of its type with its exact name, else the row naming only the part of its name before the first dot (then recorded as prefix). The reason column is not carried.",
    },
];

/// What the generator wrote, with counts and observations for the person running it.
#[derive(Debug)]
pub struct Generated {
    /// The text of `data/lenses.json`.
    pub json: String,
    /// Lenses per source id, in [`SOURCES`] order.
    pub counts: Vec<(&'static str, usize)>,
    /// Number of permission lines.
    pub permissions: usize,
    /// Things worth knowing: names the catalogs do not know, table rows that match
    /// nothing, duplicates.
    pub notes: Vec<String>,
}

/// A resource permscope covers, from `data/apis.json`.
#[derive(Debug, Clone)]
struct Api {
    name: String,
    app_id: String,
}

type Key = (String, PermissionKind, String);

/// One class a source gives one permission, with what goes with it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Detail {
    /// Categories in the order the source first gives them.
    category: Vec<String>,
    /// For the consent table: the row's name when it matched by prefix.
    prefix: Option<String>,
}

/// Everything found: key, then source index, then class.
type Found = BTreeMap<Key, BTreeMap<usize, BTreeMap<String, Detail>>>;

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn apis(repo: &Path) -> Result<Vec<Api>> {
    let path = repo.join("data/apis.json");
    let doc = read_json(&path)?;
    let list = doc["apis"]
        .as_array()
        .ok_or_else(|| anyhow!("{}: no `apis` array", path.display()))?;
    let mut out = Vec::new();
    for (i, api) in list.iter().enumerate() {
        let (Some(name), Some(app_id)) = (api["name"].as_str(), api["app_id"].as_str()) else {
            bail!("{}: apis[{i}] lacks name or app_id", path.display());
        };
        out.push(Api {
            name: name.to_string(),
            app_id: app_id.to_ascii_lowercase(),
        });
    }
    Ok(out)
}

fn api_name<'a>(apis: &'a [Api], app_id: &str) -> Option<&'a str> {
    let id = app_id.trim().to_ascii_lowercase();
    apis.iter().find(|a| a.app_id == id).map(|a| a.name.as_str())
}

/// A string field in either casing (`Value` or `value`).
fn field<'v>(object: &'v Value, pascal: &str) -> Option<&'v str> {
    let mut chars = pascal.chars();
    let camel = chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default();
    object
        .get(pascal)
        .or_else(|| object.get(&camel))
        .and_then(Value::as_str)
}

/// Every permission of the reference catalogs on the covered resources.
fn catalog(reference: &Path, apis: &[Api]) -> Result<BTreeSet<Key>> {
    let mut perms = BTreeSet::new();
    let graph = api_name(apis, "00000003-0000-0000-c000-000000000000")
        .ok_or_else(|| anyhow!("data/apis.json does not list Microsoft Graph"))?;
    for (file, kind) in [
        (
            "graph/merill-microsoft-info_GraphAppRoles.json",
            PermissionKind::Application,
        ),
        (
            "graph/merill-microsoft-info_GraphDelegateRoles.json",
            PermissionKind::Delegated,
        ),
    ] {
        let doc = read_json(&reference.join(file))?;
        let items = doc.as_array().ok_or_else(|| anyhow!("{file}: expected an array"))?;
        for item in items {
            if let Some(value) = field(item, "Value").map(str::trim).filter(|v| !v.is_empty()) {
                perms.insert((graph.to_string(), kind, value.to_string()));
            }
        }
    }
    // The Markdown tables name their resource by app id in the list of service
    // principal names; read it from there rather than from the file name.
    let dir = reference.join("exchange-sharepoint-devops");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let Some(api) = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- "))
            .find_map(|id| api_name(apis, id))
        else {
            continue;
        };
        let mut kind = None;
        let mut found = 0;
        for line in text.lines().map(str::trim) {
            if line.starts_with('#') {
                let heading = line.to_ascii_lowercase();
                kind = if heading.contains("application permissions") {
                    Some(PermissionKind::Application)
                } else if heading.contains("delegated permissions") {
                    Some(PermissionKind::Delegated)
                } else {
                    None
                };
                continue;
            }
            let (Some(kind), Some(row)) = (kind, line.strip_prefix('|')) else {
                continue;
            };
            let name = row.split('|').next().unwrap_or("").trim();
            if name.is_empty() || name == "Role" || name.starts_with("---") {
                continue;
            }
            perms.insert((api.to_string(), kind, name.to_string()));
            found += 1;
        }
        if found == 0 {
            bail!("{}: no permissions read", path.display());
        }
    }
    Ok(perms)
}

fn add(found: &mut Found, key: Key, source: usize, class: &str, detail: Detail) {
    let entry = found
        .entry(key)
        .or_default()
        .entry(source)
        .or_default()
        .entry(class.to_string())
        .or_default();
    for c in detail.category {
        if !entry.category.contains(&c) {
            entry.category.push(c);
        }
    }
    if entry.prefix.is_none() {
        entry.prefix = detail.prefix;
    }
}

const TIERS: [&str; 3] = ["ControlPlane", "ManagementPlane", "UserAccess"];

fn kind_named(text: &str) -> Option<PermissionKind> {
    match text {
        "Application" => Some(PermissionKind::Application),
        "Delegated" => Some(PermissionKind::Delegated),
        _ => None,
    }
}

fn azure_privileged_iam(reference: &Path, apis: &[Api], found: &mut Found, notes: &mut Vec<String>) -> Result<()> {
    let file = SOURCES[0].file;
    let doc = read_json(&reference.join(file))?;
    let rows = doc.as_array().ok_or_else(|| anyhow!("{file}: expected an array"))?;
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let app_id = row["TargetAppId"].as_str().unwrap_or("");
        let Some(api) = api_name(apis, app_id) else {
            continue;
        };
        let name = row["PermissionValue"].as_str().map(str::trim).unwrap_or("");
        let kind = row["PermissionType"].as_str().and_then(kind_named);
        let tier = row["EAMTierLevelName"].as_str().unwrap_or("");
        let Some(kind) = kind.filter(|_| !name.is_empty()) else {
            bail!("{file}: row {i} has no PermissionValue or an unknown PermissionType");
        };
        if !TIERS.contains(&tier) {
            bail!("{file}: row {i} ({name}): unknown EAMTierLevelName {tier:?}");
        }
        let category = match &row["Category"] {
            Value::String(s) => vec![s.trim().to_string()],
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_string())
                .collect(),
            _ => Vec::new(),
        };
        let key = (api.to_string(), kind, name.to_string());
        *seen.entry(key.clone()).or_default() += 1;
        add(found, key, 0, tier, Detail { category, prefix: None });
    }
    for ((api, kind, name), n) in seen {
        if n > 1 {
            notes.push(format!(
                "{}: {name} ({kind}, {api}) appears {n} times (one permission name, several ids); classes merged",
                SOURCES[0].id
            ));
        }
    }
    Ok(())
}

fn entraops(reference: &Path, apis: &[Api], found: &mut Found, notes: &mut Vec<String>) -> Result<()> {
    let file = SOURCES[1].file;
    let doc = read_json(&reference.join(file))?;
    let tiers = doc.as_array().ok_or_else(|| anyhow!("{file}: expected an array"))?;
    let mut elsewhere = BTreeMap::<String, usize>::new();
    for (t, tier) in tiers.iter().enumerate() {
        let class = tier["EAMTierLevelName"].as_str().unwrap_or("");
        if !TIERS.contains(&class) {
            bail!("{file}: [{t}]: unknown EAMTierLevelName {class:?}");
        }
        let defs = tier["TierLevelDefinition"]
            .as_array()
            .ok_or_else(|| anyhow!("{file}: [{t}] has no TierLevelDefinition array"))?;
        for (d, def) in defs.iter().enumerate() {
            let app_id = def["ResourceAppId"].as_str().unwrap_or("");
            let Some(api) = api_name(apis, app_id) else {
                *elsewhere.entry(app_id.to_string()).or_default() += 1;
                continue;
            };
            let kinds: &[PermissionKind] = match def["ResourceScope"].as_str() {
                Some("Application") => &[PermissionKind::Application],
                Some("Delegation") => &[PermissionKind::Delegated],
                Some("All") => &[PermissionKind::Application, PermissionKind::Delegated],
                other => bail!("{file}: [{t}].TierLevelDefinition[{d}]: unknown ResourceScope {other:?}"),
            };
            let service = def["Service"].as_str().map(str::trim).filter(|s| !s.is_empty());
            let actions = def["RoleDefinitionActions"]
                .as_array()
                .ok_or_else(|| anyhow!("{file}: [{t}].TierLevelDefinition[{d}] has no RoleDefinitionActions"))?;
            for action in actions {
                let Some(name) = action.as_str().map(str::trim).filter(|s| !s.is_empty()) else {
                    bail!("{file}: [{t}].TierLevelDefinition[{d}]: an action that is not a name: {action}");
                };
                for &kind in kinds {
                    let category = service.map(|s| vec![s.to_string()]).unwrap_or_default();
                    add(
                        found,
                        (api.to_string(), kind, name.to_string()),
                        1,
                        class,
                        Detail { category, prefix: None },
                    );
                }
            }
        }
    }
    for (app_id, n) in elsewhere {
        notes.push(format!(
            "{}: {n} definition(s) for resource {app_id}, which permscope does not cover, left out",
            SOURCES[1].id
        ));
    }
    Ok(())
}

fn graph_privilege_level(reference: &Path, apis: &[Api], found: &mut Found) -> Result<()> {
    let file = SOURCES[2].file;
    let doc = read_json(&reference.join(file))?;
    let graph = api_name(apis, "00000003-0000-0000-c000-000000000000")
        .ok_or_else(|| anyhow!("data/apis.json does not list Microsoft Graph"))?;
    let perms = doc["permissions"]
        .as_object()
        .ok_or_else(|| anyhow!("{file}: no `permissions` object"))?;
    for (name, perm) in perms {
        for (scheme, kind) in [
            ("Application", PermissionKind::Application),
            ("DelegatedWork", PermissionKind::Delegated),
        ] {
            let level = &perm["schemes"][scheme]["privilegeLevel"];
            if level.is_null() {
                continue;
            }
            match level.as_u64() {
                Some(n @ 1..=5) => add(
                    found,
                    (graph.to_string(), kind, name.trim().to_string()),
                    2,
                    &n.to_string(),
                    Detail::default(),
                ),
                _ => bail!("{file}: {name}.schemes.{scheme}.privilegeLevel is {level}, not 1 to 5"),
            }
        }
    }
    Ok(())
}

fn consent_table(reference: &Path, catalog: &BTreeSet<Key>, found: &mut Found, notes: &mut Vec<String>) -> Result<()> {
    let file = SOURCES[3].file;
    let path = reference.join(file);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("").trim_start_matches('\u{feff}');
    if !header.starts_with("Type,Permission,Privilege") {
        bail!("{file}: unexpected header {header:?}");
    }
    let mut rows: Vec<(PermissionKind, String, String)> = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let mut cells = line.split(',');
        let (Some(kind), Some(name), Some(privilege)) = (cells.next(), cells.next(), cells.next()) else {
            bail!("{file}:{}: fewer than three cells", i + 2);
        };
        let Some(kind) = kind_named(kind.trim()) else {
            bail!("{file}:{}: unknown type {kind:?}", i + 2);
        };
        let privilege = privilege.trim();
        if !["High", "Medium", "Low"].contains(&privilege) {
            bail!("{file}:{}: unknown privilege {privilege:?}", i + 2);
        }
        let name = name.trim().to_string();
        if let Some((_, _, other)) = rows.iter().find(|(k, n, _)| *k == kind && *n == name) {
            if other != privilege {
                bail!("{file}:{}: {name} ({kind}) is both {other} and {privilege}", i + 2);
            }
            continue;
        }
        rows.push((kind, name, privilege.to_string()));
    }
    let mut used = vec![false; rows.len()];
    for (api, kind, name) in catalog {
        let exact = rows.iter().position(|(k, n, _)| k == kind && n == name);
        let first = name.split('.').next().unwrap_or("");
        let prefix = || {
            rows.iter()
                .position(|(k, n, _)| k == kind && !n.contains('.') && n == first && n != name)
        };
        let Some(row) = exact.or_else(prefix) else {
            continue;
        };
        used[row] = true;
        let (_, row_name, privilege) = &rows[row];
        let prefix = exact.is_none().then(|| row_name.clone());
        add(
            found,
            (api.clone(), *kind, name.clone()),
            3,
            privilege,
            Detail {
                category: Vec::new(),
                prefix,
            },
        );
    }
    for ((kind, name, privilege), used) in rows.iter().zip(used) {
        if !used {
            notes.push(format!(
                "{}: row {kind} {name} ({privilege}) matches no permission of the reference catalogs",
                SOURCES[3].id
            ));
        }
    }
    Ok(())
}

/// `YYYY-MM-DD` (UTC) of a file's modification time.
fn modified_date(path: &Path) -> Result<String> {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .with_context(|| format!("modification time of {}", path.display()))?;
    let secs = modified
        .duration_since(UNIX_EPOCH)
        .map_err(|_| anyhow!("{}: modified before 1970", path.display()))?
        .as_secs();
    Ok(civil_date((secs / 86_400) as i64))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A JSON string.
fn string(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

/// A JSON object on one line, its fields in the order given, with a space after `:`
/// and `,` as the other files in `data/` are written. Values are already JSON.
fn object(fields: &[(&str, String)]) -> String {
    let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{}: {v}", string(k))).collect();
    format!("{{{}}}", inner.join(", "))
}

/// A JSON array on one line of values that are already JSON.
fn array(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// Builds the text of `data/lenses.json` from the reference folder and the repository
/// at `repo` (for `data/apis.json`).
pub fn generate(reference: &Path, repo: &Path) -> Result<Generated> {
    let apis = apis(repo)?;
    let catalog = catalog(reference, &apis)?;
    let mut found = Found::new();
    let mut notes = Vec::new();
    azure_privileged_iam(reference, &apis, &mut found, &mut notes)?;
    entraops(reference, &apis, &mut found, &mut notes)?;
    graph_privilege_level(reference, &apis, &mut found)?;
    consent_table(reference, &catalog, &mut found, &mut notes)?;

    let mut counts = vec![0usize; SOURCES.len()];
    let mut unknown: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for ((api, kind, name), by_source) in &found {
        for (&source, classes) in by_source {
            counts[source] += classes.len();
            if classes.len() > 1 {
                notes.push(format!(
                    "{}: {name} ({kind}, {api}) has {} classes: {}",
                    SOURCES[source].id,
                    classes.len(),
                    classes.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            if !catalog.contains(&(api.clone(), *kind, name.clone())) {
                unknown
                    .entry(source)
                    .or_default()
                    .push(format!("{name} ({kind}, {api})"));
            }
        }
    }
    for (source, names) in unknown {
        notes.push(format!(
            "{}: {} name(s) the reference catalogs do not list: {}",
            SOURCES[source].id,
            names.len(),
            names.join("; ")
        ));
    }

    let mut out = String::new();
    out.push_str("{\n  \"$schema\": \"./lenses.schema.json\",\n");
    let _ = writeln!(
        out,
        "  \"$comment\": {},",
        Value::String(
            "What published classifications say about each permission on the resources permscope covers: one line per resource, kind and permission, one lens per source that classifies it. Written by `cargo run --example refresh_lenses -- ../shared/reference`: do not edit by hand, run it again.".into()
        )
    );
    out.push_str("  \"version\": 1,\n  \"sources\": [\n");
    for (i, spec) in SOURCES.iter().enumerate() {
        let taken = modified_date(&reference.join(spec.file))?;
        let source = object(&[
            ("id", string(spec.id)),
            ("title", string(spec.title)),
            ("repository", string(spec.repository)),
            ("path", string(spec.upstream_path)),
            ("licence", string(spec.licence)),
            ("taken", string(&taken)),
            ("taken_from", string("file modification date")),
            ("reading", string(spec.reading)),
            ("lenses", counts[i].to_string()),
        ]);
        let comma = if i + 1 < SOURCES.len() { "," } else { "" };
        let _ = writeln!(out, "    {source}{comma}");
    }
    out.push_str("  ],\n  \"permissions\": [\n");
    let total = found.len();
    for (n, ((api, kind, name), by_source)) in found.iter().enumerate() {
        let mut lenses = Vec::new();
        for (&source, classes) in by_source {
            for (class, detail) in classes {
                let mut fields = vec![("source", string(SOURCES[source].id)), ("class", string(class))];
                if !detail.category.is_empty() {
                    let category: Vec<String> = detail.category.iter().map(|c| string(c)).collect();
                    fields.push(("category", array(&category)));
                }
                if let Some(prefix) = &detail.prefix {
                    fields.push(("prefix", string(prefix)));
                }
                lenses.push(object(&fields));
            }
        }
        let line = object(&[
            ("api", string(api)),
            ("type", string(kind.as_str())),
            ("permission", string(name)),
            ("lenses", array(&lenses)),
        ]);
        let comma = if n + 1 < total { "," } else { "" };
        let _ = writeln!(out, "    {line}{comma}");
    }
    out.push_str("  ]\n}\n");
    Ok(Generated {
        json: out,
        counts: SOURCES.iter().map(|s| s.id).zip(counts).collect(),
        permissions: total,
        notes,
    })
}

#[allow(dead_code)] // tests/lenses.rs includes this file for `generate` only
fn main() -> Result<()> {
    let mut reference = None;
    let mut check = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: cargo run --example refresh_lenses -- [REFERENCE_DIR] [--check]");
                println!("writes data/lenses.json from REFERENCE_DIR (default ../shared/reference)");
                return Ok(());
            }
            _ if reference.is_none() && !arg.starts_with('-') => reference = Some(PathBuf::from(arg)),
            _ => bail!("unexpected argument {arg:?} (try --help)"),
        }
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = reference.unwrap_or_else(|| repo.join("../shared/reference"));
    if !reference.is_dir() {
        bail!("{}: not a folder (give the reference folder)", reference.display());
    }
    let generated = generate(&reference, repo)?;
    for note in &generated.notes {
        eprintln!("note: {note}");
    }
    let target = repo.join("data/lenses.json");
    let current = std::fs::read_to_string(&target).unwrap_or_default();
    let summary = generated
        .counts
        .iter()
        .map(|(id, n)| format!("{id} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    if check {
        if current != generated.json {
            bail!("{} is stale: run the generator again", target.display());
        }
        println!(
            "{} is up to date ({} permissions; {summary})",
            target.display(),
            generated.permissions
        );
        return Ok(());
    }
    if current == generated.json {
        println!(
            "{} unchanged ({} permissions; {summary})",
            target.display(),
            generated.permissions
        );
        return Ok(());
    }
    // Written beside the target and renamed, so a failed run never leaves half a file.
    let partial = target.with_extension("json.partial");
    std::fs::write(&partial, &generated.json).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &target).with_context(|| format!("renaming into {}", target.display()))?;
    println!(
        "wrote {} ({} bytes, {} permissions; {summary})",
        target.display(),
        generated.json.len(),
        generated.permissions
    );
    Ok(())
}
