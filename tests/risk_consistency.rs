//! Risk ratings hold together over every permission permscope knows of, and are
//! compared with what others have published.
//!
//! The permissions come from the reference catalogs in `../shared/reference`
//! (Microsoft Graph app roles and delegated scopes; Exchange Online, SharePoint
//! Online and Azure DevOps tables) and from the bundled product files. When the
//! reference folder is absent (a fresh clone) the tests that need it say so
//! loudly and pass.
//!
//! Checked: every rating has reasons and a score inside its level's band; for one
//! resource and kind, `ReadWrite` never rates below `Read`, `Read` never below
//! `ReadBasic`, and `FullControl`/`Manage` never below `ReadWrite` (Azure DevOps:
//! `vso.x` < `vso.x_write` < `vso.x_manage`/`vso.x_full`); application never rates
//! below delegated for the same permission; an empty claim rates unknown.
//!
//! Cross-checked (printed, run with `--nocapture` to see): the Enterprise Access
//! Model tiers of AzurePrivilegedIAM and EntraOps, Microsoft's `privilegeLevel`
//! and the MSIdentityTools consent-grant table. Only gross disagreements fail.

mod common;

use permscope::model::level::RiskLevel;
use permscope::model::permission::PermissionKind;
use permscope::model::risk::RiskBook;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const GRAPH: &str = "Microsoft Graph";
const EXCHANGE: &str = "Office 365 Exchange Online";
const SHAREPOINT: &str = "Office 365 SharePoint Online";
const DEVOPS: &str = "Azure DevOps";

/// Canonical name of a resource app ID, for the four resources permscope knows.
fn api_by_app_id(app_id: &str) -> Option<&'static str> {
    match app_id.to_ascii_lowercase().as_str() {
        "00000003-0000-0000-c000-000000000000" => Some(GRAPH),
        "00000002-0000-0ff1-ce00-000000000000" => Some(EXCHANGE),
        "00000003-0000-0ff1-ce00-000000000000" => Some(SHAREPOINT),
        "499b84ac-1321-427f-aa17-267ca6975798" => Some(DEVOPS),
        _ => None,
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn reference_dir() -> Option<PathBuf> {
    let dir = manifest_dir().join("../shared/reference");
    if dir.is_dir() {
        Some(dir)
    } else {
        common::skip(format_args!(
            "../shared/reference not found (looked in {}); the reference catalogs are only present in the development workspace",
            dir.display()
        ));
        None
    }
}

/// One permission to rate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Perm {
    api: String,
    kind: PermissionKind,
    name: String,
}

impl Perm {
    fn new(api: &str, kind: PermissionKind, name: &str) -> Perm {
        Perm {
            api: api.to_string(),
            kind,
            name: name.trim().to_string(),
        }
    }
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A string field in either casing (`Value` or `value`).
fn field<'v>(object: &'v Value, pascal: &str) -> Option<&'v str> {
    let camel = {
        let mut chars = pascal.chars();
        chars
            .next()
            .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
            .unwrap_or_default()
    };
    object
        .get(pascal)
        .or_else(|| object.get(&camel))
        .and_then(Value::as_str)
}

/// Microsoft Graph app roles and delegated scopes.
fn graph_catalog(reference: &Path) -> Vec<Perm> {
    let mut perms = Vec::new();
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
        let doc = read_json(&reference.join(file));
        let items = doc.as_array().unwrap_or_else(|| panic!("{file}: expected an array"));
        for item in items {
            if let Some(value) = field(item, "Value").filter(|v| !v.trim().is_empty()) {
                perms.push(Perm::new(GRAPH, kind, value));
            }
        }
    }
    assert!(
        perms.len() > 1000,
        "Graph catalogs look truncated: {} permissions",
        perms.len()
    );
    perms
}

/// The Markdown tables of the Exchange, SharePoint and DevOps service principals.
fn markdown_catalogs(reference: &Path) -> Vec<Perm> {
    let mut perms = Vec::new();
    for (file, api) in [
        (
            "exchange-sharepoint-devops/first-party_Office365ExchangeOnline.md",
            EXCHANGE,
        ),
        (
            "exchange-sharepoint-devops/first-party_Office365SharePointOnline.md",
            SHAREPOINT,
        ),
        ("exchange-sharepoint-devops/first-party_AzureDevOps.md", DEVOPS),
    ] {
        let path = reference.join(file);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut kind = None;
        let mut found = 0;
        for line in text.lines() {
            let line = line.trim();
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
            perms.push(Perm::new(api, kind, name));
            found += 1;
        }
        assert!(found > 10, "{file}: only {found} permissions read");
    }
    perms
}

/// Resource names and aliases from `data/apis.json`, lower-cased, to canonical names.
fn api_names() -> BTreeMap<String, String> {
    let doc = read_json(&manifest_dir().join("data/apis.json"));
    let mut names = BTreeMap::new();
    for api in doc["apis"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let Some(name) = api["name"].as_str() else {
            continue;
        };
        names.insert(name.to_ascii_lowercase(), name.to_string());
        for alias in api["aliases"].as_array().map(Vec::as_slice).unwrap_or_default() {
            if let Some(alias) = alias.as_str() {
                names.insert(alias.trim().to_ascii_lowercase(), name.to_string());
            }
        }
    }
    names
}

/// Every permission the bundled product files name (the directory may be empty).
fn product_perms() -> (usize, Vec<Perm>) {
    let dir = manifest_dir().join("data/products");
    let Ok(listing) = fs::read_dir(&dir) else {
        eprintln!("NOTE: {} not found; no product files to check", dir.display());
        return (0, Vec::new());
    };
    let names = api_names();
    let mut files: Vec<PathBuf> = listing
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut perms = Vec::new();
    for path in &files {
        let doc = read_json(path);
        for app in doc["apps"].as_array().map(Vec::as_slice).unwrap_or_default() {
            for req in app["requirements"].as_array().map(Vec::as_slice).unwrap_or_default() {
                let written = req["api"].as_str().unwrap_or("").trim();
                let api = names
                    .get(&written.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_else(|| written.to_string());
                let kind = match req["type"].as_str().and_then(PermissionKind::parse_loose) {
                    Some(kind) => kind,
                    None => panic!("{}: requirement without a valid type: {req}", path.display()),
                };
                let name = req["permission"].as_str().unwrap_or("");
                perms.push(Perm::new(&api, kind, name));
            }
        }
    }
    if files.is_empty() {
        eprintln!("NOTE: {} holds no product files yet", dir.display());
    }
    (files.len(), perms)
}

/// Position of a permission in its family's ladder: the family key and the rank
/// (0 basic read, 1 read, 2 write, 3 manage or full control).
fn ladder(name: &str) -> Option<(String, u8)> {
    if let Some(rest) = name.strip_prefix("vso.") {
        let (area, verb) = match rest.rsplit_once('_') {
            Some((area, verb)) => (area, verb),
            None => (rest, ""),
        };
        let rank = match verb {
            "" | "read" => 1,
            "write" => 2,
            "manage" | "full" => 3,
            _ => return None,
        };
        return Some((format!("vso.{area}"), rank));
    }
    let mut segments = name.split('.');
    let resource = segments.next()?;
    let verb = segments.next()?;
    let rank = match verb {
        "ReadBasic" => 0,
        "Read" => 1,
        "ReadWrite" | "Write" => 2,
        "Manage" | "FullControl" => 3,
        _ => return None,
    };
    let rest: Vec<&str> = segments.collect();
    Some((format!("{resource}.*.{}", rest.join(".")), rank))
}

/// A permission's place in its family: rank, name and our level.
type Rung<'a> = (u8, &'a str, RiskLevel);

/// Every way the ratings of `perms` break the consistency rules.
fn violations(book: &RiskBook, perms: &[Perm]) -> Vec<String> {
    let mut problems = Vec::new();
    let unique: BTreeSet<&Perm> = perms.iter().collect();
    let mut levels: BTreeMap<(&str, PermissionKind, &str), RiskLevel> = BTreeMap::new();
    for p in &unique {
        let rating = book.rate(&p.api, p.kind, &p.name);
        let what = format!("{} {} {}", p.api, p.kind, p.name);
        if rating.reasons.is_empty() || rating.reasons.iter().any(|r| r.trim().is_empty()) {
            problems.push(format!("{what}: rating without reasons"));
        }
        if !rating.level.score_range().contains(&rating.score) {
            problems.push(format!(
                "{what}: score {} outside the {} band",
                rating.score, rating.level
            ));
        }
        if !p.name.is_empty() && rating.level == RiskLevel::Unknown {
            problems.push(format!("{what}: rated unknown"));
        }
        levels.insert((p.api.as_str(), p.kind, p.name.as_str()), rating.level);
    }
    // Ladders within one resource and kind.
    let mut families: BTreeMap<(&str, PermissionKind, String), Vec<Rung<'_>>> = BTreeMap::new();
    for (&(api, kind, name), &level) in &levels {
        if let Some((family, rank)) = ladder(name) {
            families
                .entry((api, kind, family))
                .or_default()
                .push((rank, name, level));
        }
    }
    for ((api, kind, _), members) in &families {
        for (rank_a, name_a, level_a) in members {
            for (rank_b, name_b, level_b) in members {
                if rank_a < rank_b && level_b < level_a {
                    problems.push(format!(
                        "{api} {kind}: {name_b} rates {level_b}, below {name_a} ({level_a})"
                    ));
                }
            }
        }
    }
    // Application never below delegated.
    for (&(api, kind, name), &level) in &levels {
        if kind != PermissionKind::Delegated {
            continue;
        }
        if let Some(&app) = levels.get(&(api, PermissionKind::Application, name))
            && app < level
        {
            problems.push(format!(
                "{api} {name}: application rates {app}, below delegated ({level})"
            ));
        }
    }
    problems
}

fn assert_consistent(book: &RiskBook, perms: &[Perm], what: &str) {
    let problems = violations(book, perms);
    assert!(
        problems.is_empty(),
        "{} consistency problems over {what}:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn bundled_rules_file_loads() {
    let text = fs::read_to_string(manifest_dir().join("data/risk.json")).expect("data/risk.json");
    if let Err(e) = RiskBook::from_json(&text, "data/risk.json") {
        panic!("data/risk.json does not load: {e}");
    }
    let book = RiskBook::bundled();
    assert_eq!(
        book.rate(GRAPH, PermissionKind::Delegated, "openid").level,
        RiskLevel::Low
    );
}

#[test]
fn empty_claim_rates_unknown_with_a_reason() {
    let book = RiskBook::bundled();
    for kind in [PermissionKind::Application, PermissionKind::Delegated] {
        for claim in ["", "   "] {
            let rating = book.rate(GRAPH, kind, claim);
            assert_eq!(rating.level, RiskLevel::Unknown);
            assert_eq!(rating.score, 0);
            assert!(rating.reasons[0].contains("empty"), "{:?}", rating.reasons);
        }
    }
}

#[test]
fn product_permissions_are_consistent() {
    let book = RiskBook::bundled();
    let (files, perms) = product_perms();
    eprintln!("product files: {files}, permission rows: {}", perms.len());
    assert_consistent(&book, &perms, "the bundled product files");
}

#[test]
fn reference_catalogs_are_consistent() {
    let Some(reference) = reference_dir() else {
        return;
    };
    let book = RiskBook::bundled();
    let mut perms = graph_catalog(&reference);
    perms.extend(markdown_catalogs(&reference));
    perms.extend(product_perms().1);
    assert_consistent(&book, &perms, "the reference catalogs and product files");
}

/// Counts of our levels, printed as one line of a table.
fn distribution_line(book: &RiskBook, perms: &[Perm]) -> String {
    let mut counts = BTreeMap::new();
    let unique: BTreeSet<&Perm> = perms.iter().collect();
    for p in &unique {
        *counts.entry(book.rate(&p.api, p.kind, &p.name).level).or_insert(0usize) += 1;
    }
    let mut line = format!("{:>6}", unique.len());
    for level in RiskLevel::ALL {
        let _ = write!(line, " {:>6}", counts.get(&level).copied().unwrap_or(0));
    }
    line
}

#[test]
fn level_distribution() {
    let book = RiskBook::bundled();
    let mut out = String::from("\nRisk levels           total    UNK    LOW    MED   HIGH   CRIT\n");
    let (_, products) = product_perms();
    for kind in [PermissionKind::Application, PermissionKind::Delegated] {
        let some: Vec<Perm> = products.iter().filter(|p| p.kind == kind).cloned().collect();
        let _ = writeln!(out, "products {:<12}{}", kind.as_str(), distribution_line(&book, &some));
    }
    if let Some(reference) = reference_dir() {
        let graph = graph_catalog(&reference);
        let others = markdown_catalogs(&reference);
        for kind in [PermissionKind::Application, PermissionKind::Delegated] {
            let some: Vec<Perm> = graph.iter().filter(|p| p.kind == kind).cloned().collect();
            let _ = writeln!(out, "graph {:<15}{}", kind.as_str(), distribution_line(&book, &some));
        }
        for (api, label) in [(EXCHANGE, "exchange"), (SHAREPOINT, "sharepoint"), (DEVOPS, "devops")] {
            let some: Vec<Perm> = others.iter().filter(|p| p.api == api).cloned().collect();
            let _ = writeln!(out, "{label:<21}{}", distribution_line(&book, &some));
        }
    }
    println!("{out}");
}

// ---------------------------------------------------------------------------
// Cross-check with published classifications.

/// One external verdict on one permission.
struct Verdict {
    perm: Perm,
    /// The external class, e.g. `ControlPlane` or `privilegeLevel 4`.
    class: String,
}

/// Which of our levels count as agreeing with an external class.
fn accepted(source: &str, class: &str) -> &'static [RiskLevel] {
    use RiskLevel::*;
    match (source, class) {
        (_, "ControlPlane") => &[High, Critical],
        (_, "ManagementPlane") => &[Medium, High],
        (_, "UserAccess") => &[Low, Medium],
        ("privilegeLevel", "1") => &[Low],
        ("privilegeLevel", "2") => &[Low, Medium],
        ("privilegeLevel", "3") => &[Medium, High],
        ("privilegeLevel", "4") => &[High, Critical],
        ("privilegeLevel", "5") => &[Critical],
        ("MSIdentityTools", "High") => &[High, Critical],
        ("MSIdentityTools", "Medium") => &[Medium],
        ("MSIdentityTools", "Low") => &[Low],
        _ => &[],
    }
}

/// Disagreements so large that the model must be wrong somewhere.
fn gross(source: &str, class: &str, kind: PermissionKind, ours: RiskLevel) -> bool {
    if ours == RiskLevel::Unknown {
        return true;
    }
    let top_external = matches!(class, "ControlPlane" | "4" | "5") || (source == "MSIdentityTools" && class == "High");
    let bottom_external = source == "MSIdentityTools" && class == "Low";
    (top_external && kind == PermissionKind::Application && ours <= RiskLevel::Low)
        || (bottom_external && ours >= RiskLevel::High)
}

fn eam_verdicts(reference: &Path) -> Vec<Verdict> {
    let doc = read_json(&reference.join("risk/AzurePrivilegedIAM_Classification_ApiPermissions.json"));
    let mut out = Vec::new();
    for row in doc.as_array().map(Vec::as_slice).unwrap_or_default() {
        let (Some(name), Some(kind), Some(tier)) = (
            row["PermissionValue"].as_str(),
            row["PermissionType"].as_str().and_then(PermissionKind::parse_loose),
            row["EAMTierLevelName"].as_str(),
        ) else {
            continue;
        };
        let app_id = row["TargetAppId"].as_str().unwrap_or("");
        let api = api_by_app_id(app_id)
            .map(str::to_string)
            .or_else(|| row["TargetAppDisplayName"].as_str().map(str::to_string))
            .unwrap_or_else(|| app_id.to_string());
        out.push(Verdict {
            perm: Perm::new(&api, kind, name),
            class: tier.to_string(),
        });
    }
    out
}

fn entraops_verdicts(reference: &Path) -> Vec<Verdict> {
    let doc = read_json(&reference.join("risk/EntraOps_Classification_AppRoles_template.json"));
    let mut out = Vec::new();
    for tier in doc.as_array().map(Vec::as_slice).unwrap_or_default() {
        let Some(class) = tier["EAMTierLevelName"].as_str() else {
            continue;
        };
        for def in tier["TierLevelDefinition"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let app_id = def["ResourceAppId"].as_str().unwrap_or("");
            let api = api_by_app_id(app_id).unwrap_or(app_id);
            let kinds: &[PermissionKind] = match def["ResourceScope"].as_str() {
                Some("Application") => &[PermissionKind::Application],
                Some("Delegation") => &[PermissionKind::Delegated],
                _ => &[PermissionKind::Application, PermissionKind::Delegated],
            };
            for action in def["RoleDefinitionActions"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let Some(name) = action.as_str() else {
                    continue;
                };
                for &kind in kinds {
                    out.push(Verdict {
                        perm: Perm::new(api, kind, name),
                        class: class.to_string(),
                    });
                }
            }
        }
    }
    out
}

fn privilege_level_verdicts(reference: &Path) -> Vec<Verdict> {
    let doc = read_json(&reference.join("graph/msgraph-devx-content_permissions.json"));
    let mut out = Vec::new();
    let Some(perms) = doc["permissions"].as_object() else {
        return out;
    };
    for (name, perm) in perms {
        for (scheme, kind) in [
            ("Application", PermissionKind::Application),
            ("DelegatedWork", PermissionKind::Delegated),
        ] {
            if let Some(level) = perm["schemes"][scheme]["privilegeLevel"].as_u64() {
                out.push(Verdict {
                    perm: Perm::new(GRAPH, kind, name),
                    class: level.to_string(),
                });
            }
        }
    }
    out
}

/// The consent-grant table matches exact names, and rows naming only a resource
/// (`Mail`, `Policy`) match every permission of that resource.
fn msidentitytools_verdicts(reference: &Path, catalog: &[Perm]) -> Vec<Verdict> {
    let path = reference.join("risk/MSIdentityTools_aadconsentgrantpermissiontable.csv");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows: Vec<(PermissionKind, String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split(',');
            let kind = PermissionKind::parse_loose(cells.next()?)?;
            let permission = cells.next()?.trim().to_string();
            let privilege = cells.next()?.trim().to_string();
            Some((kind, permission, privilege))
        })
        .collect();
    let mut out = Vec::new();
    for p in catalog {
        let exact = rows.iter().find(|(k, n, _)| *k == p.kind && n == &p.name);
        let first = p.name.split('.').next().unwrap_or("");
        let prefix = || {
            rows.iter()
                .find(|(k, n, _)| *k == p.kind && !n.contains('.') && n == first && n != &p.name)
        };
        if let Some((_, _, privilege)) = exact.or_else(prefix) {
            out.push(Verdict {
                perm: p.clone(),
                class: privilege.clone(),
            });
        }
    }
    out
}

/// Prints a table of external class by our level, the disagreements by kind, and
/// returns the gross ones.
fn cross_check(book: &RiskBook, source: &str, classes: &[&str], verdicts: &[Verdict]) -> Vec<String> {
    let mut out = String::new();
    let _ = writeln!(out, "\nCross-check with {source}: {} verdicts", verdicts.len());
    let _ = writeln!(
        out,
        "{:<28} {:>5} {:>5} {:>5} {:>5} {:>5}   {:>6} {:>9} {:>8}",
        "their class / kind", "UNK", "LOW", "MED", "HIGH", "CRIT", "agree", "we-higher", "we-lower"
    );
    let mut higher: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut lower: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut gross_list = Vec::new();
    let (mut total_agree, mut total_higher, mut total_lower) = (0, 0, 0);
    let rows = classes
        .iter()
        .flat_map(|class| [PermissionKind::Application, PermissionKind::Delegated].map(|kind| (*class, kind)));
    for (class, kind) in rows {
        let mut counts = [0usize; 5];
        let (mut agree, mut up, mut down) = (0, 0, 0);
        let ok = accepted(source, class);
        let group = format!("{class} {}", kind.as_str());
        for v in verdicts.iter().filter(|v| v.class == class && v.perm.kind == kind) {
            let ours = book.rate(&v.perm.api, v.perm.kind, &v.perm.name).level;
            counts[ours as usize] += 1;
            let label = format!("{} ({}) = {}", v.perm.name, v.perm.api, ours.badge());
            if ok.contains(&ours) {
                agree += 1;
            } else if ok.first().is_some_and(|lowest| ours > *lowest) {
                up += 1;
                higher.entry(group.clone()).or_default().push(label);
            } else {
                down += 1;
                lower.entry(group.clone()).or_default().push(label);
            }
            if gross(source, class, v.perm.kind, ours) {
                gross_list.push(format!(
                    "{source} {class}: {} {} on {} rated {ours}",
                    v.perm.name, v.perm.kind, v.perm.api
                ));
            }
        }
        if counts.iter().sum::<usize>() == 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "{:<28} {:>5} {:>5} {:>5} {:>5} {:>5}   {:>6} {:>9} {:>8}",
            group, counts[0], counts[1], counts[2], counts[3], counts[4], agree, up, down
        );
        total_agree += agree;
        total_higher += up;
        total_lower += down;
    }
    let _ = writeln!(
        out,
        "total: agree {total_agree}, we rate higher {total_higher}, we rate lower {total_lower}"
    );
    for (title, map) in [("we rate higher", &higher), ("we rate lower", &lower)] {
        for (class, items) in map {
            // RISK_CROSS_CHECK_ALL=1 lists every disagreement instead of a sample.
            let limit = if std::env::var_os("RISK_CROSS_CHECK_ALL").is_some() {
                usize::MAX
            } else {
                12
            };
            let shown: Vec<&str> = items.iter().take(limit).map(String::as_str).collect();
            let more = items.len().saturating_sub(shown.len());
            let _ = writeln!(
                out,
                "  {title} than {class} ({}): {}{}",
                items.len(),
                shown.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            );
        }
    }
    println!("{out}");
    gross_list
}

#[test]
fn cross_check_with_published_classifications() {
    let Some(reference) = reference_dir() else {
        return;
    };
    let book = RiskBook::bundled();
    let tiers = ["ControlPlane", "ManagementPlane", "UserAccess"];
    let mut gross_list = Vec::new();
    gross_list.extend(cross_check(
        &book,
        "AzurePrivilegedIAM (EAM tiers)",
        &tiers,
        &eam_verdicts(&reference),
    ));
    gross_list.extend(cross_check(
        &book,
        "EntraOps (EAM tiers)",
        &tiers,
        &entraops_verdicts(&reference),
    ));
    gross_list.extend(cross_check(
        &book,
        "privilegeLevel",
        &["1", "2", "3", "4", "5"],
        &privilege_level_verdicts(&reference),
    ));
    let mut catalog = graph_catalog(&reference);
    catalog.extend(markdown_catalogs(&reference));
    catalog.sort();
    catalog.dedup();
    gross_list.extend(cross_check(
        &book,
        "MSIdentityTools",
        &["High", "Medium", "Low"],
        &msidentitytools_verdicts(&reference, &catalog),
    ));
    assert!(
        gross_list.is_empty(),
        "{} gross disagreements with published classifications:\n{}",
        gross_list.len(),
        gross_list.join("\n")
    );
}
