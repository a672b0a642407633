//! Synthetic product files for performance work.
//!
//! ```sh
//! cargo run --release --example synth -- --rows 100000 --out /tmp/synth-100k
//! permscope --data /tmp/synth-100k list --query mai --format plain
//! ```
//!
//! Writes about `rows / 500` product files of about 500 requirements each, with
//! several apps per product, vendors with several products, API spellings taken
//! from `data/apis.json`, real permission names from `data/permissions.json` mixed
//! with plausible generated ones, and varied descriptions, purposes, workloads,
//! conditions and attributes. The same `--seed` always writes the same bytes.
//! Files are written to a hidden temporary name and renamed into place, and a
//! non-empty folder is refused unless `--force` is given.
//!
//! `benches/explorer.rs` includes this file as a module to make its data.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Requirements per product file, unless `--rows-per-product` says otherwise.
pub const ROWS_PER_PRODUCT: usize = 500;

/// The most rows one run writes: a guard against a typo in `--rows`.
pub const MAX_ROWS: usize = 10_000_000;

/// Name of the file that marks a folder as written by this generator; it lists
/// the product files of the last run so `--force` can remove stale ones.
pub const MARKER: &str = ".permscope-synth";

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub rows: usize,
    pub seed: u64,
    pub rows_per_product: usize,
}

/// What a run wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: usize,
    pub files: usize,
    pub bytes: u64,
    pub largest_file: u64,
}

// ---- a small deterministic random source (SplitMix64): no dependency, same bytes everywhere ----

struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        while s.len() < digits {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(digits);
        s
    }
}

// ---- reference data: the bundled APIs, permission names and workload rules ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Application,
    Delegated,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::Delegated => "delegated",
        }
    }
}

/// One API with every spelling a document may use and the claims it offers.
struct ApiPool {
    name: String,
    spellings: Vec<String>,
    /// Real names (from permissions.json) first, then generated ones.
    real: Vec<(String, Kind)>,
    generated: Vec<(String, Kind)>,
}

struct WorkloadRule {
    name: String,
    apis: Vec<String>,
    names: Vec<String>,
    prefixes: Vec<String>,
}

struct Reference {
    apis: Vec<ApiPool>,
    workloads: Vec<WorkloadRule>,
}

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";
const SHAREPOINT: &str = "00000003-0000-0ff1-ce00-000000000000";
const DEVOPS: &str = "499b84ac-1321-427f-aa17-267ca6975798";

/// Graph resources a backup vendor might plausibly ask for.
const GRAPH_RESOURCES: &[&str] = &[
    "Mail",
    "MailboxSettings",
    "MailboxFolder",
    "MailboxItem",
    "Calendars",
    "Contacts",
    "Files",
    "Sites",
    "Team",
    "TeamSettings",
    "TeamMember",
    "TeamsTab",
    "TeamsAppInstallation",
    "TeamworkTag",
    "Channel",
    "ChannelMember",
    "ChannelMessage",
    "ChannelSettings",
    "Chat",
    "ChatMessage",
    "ChatMember",
    "OnlineMeetings",
    "OnlineMeetingRecording",
    "CallRecords",
    "User",
    "Group",
    "GroupMember",
    "Directory",
    "Application",
    "AppRoleAssignment",
    "RoleManagement",
    "AdministrativeUnit",
    "Organization",
    "Domain",
    "Policy",
    "AuditLog",
    "Reports",
    "Notes",
    "Tasks",
    "Planner",
    "DeviceManagementConfiguration",
    "DeviceManagementManagedDevices",
    "DeviceManagementApps",
    "BitlockerKey",
    "Device",
    "Bookings",
    "Presence",
    "Place",
    "Schedule",
    "ExternalItem",
    "TermStore",
    "IdentityRiskyUser",
    "EntitlementManagement",
    "PrivilegedAccess",
    "SecurityEvents",
    "BackupRestore-Configuration",
    "BackupRestore-Restore",
    "BackupRestore-Monitor",
];

const GRAPH_ACCESS: &[&str] = &["Read", "ReadWrite", "ReadBasic", "Manage", "Create", "Export"];
const GRAPH_REACH: &[&str] = &[".All", "", ".Shared", ".Selected", ".OwnedBy"];

const EXCHANGE_EXTRA: &[&str] = &[
    "Mail.Read",
    "Mail.Send",
    "MailboxSettings.ReadWrite",
    "Contacts.ReadWrite",
    "Exchange.ManageAsAppV2",
    "EWS.AccessAsUser.All",
    "IMAP.AccessAsApp",
    "POP.AccessAsApp",
    "SMTP.SendAsApp",
    "Organization.Read.All",
];

const SHAREPOINT_EXTRA: &[&str] = &[
    "Sites.Read.All",
    "Sites.ReadWrite.All",
    "Sites.Manage.All",
    "Sites.Selected",
    "TermStore.Read.All",
    "TermStore.ReadWrite.All",
    "User.Read.All",
    "User.ReadWrite.All",
];

const SHAREPOINT_DELEGATED: &[&str] = &[
    "AllSites.FullControl",
    "AllSites.Manage",
    "AllSites.Read",
    "AllSites.Write",
    "MyFiles.Read",
    "MyFiles.Write",
    "AllProfiles.Read",
];

const DEVOPS_SCOPES: &[&str] = &[
    "vso.code",
    "vso.code_write",
    "vso.code_manage",
    "vso.code_full",
    "vso.build",
    "vso.build_execute",
    "vso.work",
    "vso.work_write",
    "vso.work_full",
    "vso.project",
    "vso.project_write",
    "vso.project_manage",
    "vso.release",
    "vso.release_execute",
    "vso.release_manage",
    "vso.packaging",
    "vso.packaging_write",
    "vso.variablegroups_read",
    "vso.wiki",
    "vso.wiki_write",
    "vso.graph",
    "vso.identity",
    "vso.profile",
    "vso.serviceendpoint_manage",
    "vso.auditlog",
    "vso.test_write",
];

const SIGN_IN: &[&str] = &["openid", "profile", "email", "offline_access", "User.Read"];

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The bundled product files, for the permissions real vendors name.
const BUNDLED_PRODUCTS: [&str; 7] = [
    include_str!("../data/products/gitprotect.json"),
    include_str!("../data/products/xopero-one.json"),
    include_str!("../data/products/nakivo.json"),
    include_str!("../data/products/avepoint-cloud-backup-express.json"),
    include_str!("../data/products/avepoint-cloud-backup-azure.json"),
    include_str!("../data/products/avepoint-cloud-backup-azure-devops.json"),
    include_str!("../data/products/avepoint-cloud-backup-azure-ad-b2c.json"),
];

impl Reference {
    fn bundled() -> Reference {
        let apis: Value = serde_json::from_str(include_str!("../data/apis.json")).expect("bundled apis.json parses");
        let catalog: Value = serde_json::from_str(include_str!("../data/microsoft/permissions.json"))
            .expect("bundled microsoft/permissions.json parses");
        let rules: Value =
            serde_json::from_str(include_str!("../data/workloads.json")).expect("bundled workloads.json parses");
        // Realistic rows name what real vendors name: the bundled products' permissions,
        // as Microsoft's catalog has them.
        let asked: Vec<(String, String, String)> = BUNDLED_PRODUCTS
            .iter()
            .flat_map(|text| {
                let product: Value = serde_json::from_str(text).expect("bundled product parses");
                let apis = apis.clone();
                product["apps"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .flat_map(|app| app["requirements"].as_array().cloned().unwrap_or_default())
                    .filter_map(move |r| {
                        let written = r["api"].as_str()?.to_lowercase();
                        let app_id = apis["apis"].as_array()?.iter().find(|a| {
                            a["name"].as_str().is_some_and(|n| n.to_lowercase() == written)
                                || strings(a, "aliases").iter().any(|x| x.to_lowercase() == written)
                        })?["app_id"]
                            .as_str()?
                            .to_lowercase();
                        Some((
                            app_id,
                            r["type"].as_str()?.to_string(),
                            r["permission"].as_str()?.to_string(),
                        ))
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let perms: Vec<Value> = catalog["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|res| {
                let app_id = res["app_id"].as_str().unwrap_or_default().to_lowercase();
                res["permissions"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |p| serde_json::json!({"resource": app_id, "type": p["type"], "permission": p["name"]}))
            })
            .filter(|p| {
                asked.iter().any(|(a, t, n)| {
                    p["resource"].as_str() == Some(a)
                        && p["type"].as_str() == Some(t)
                        && p["permission"].as_str() == Some(n)
                })
            })
            .collect();
        let mut pools = Vec::new();
        for api in apis["apis"].as_array().into_iter().flatten() {
            let name = api["name"].as_str().unwrap_or_default().to_string();
            let app_id = api["app_id"].as_str().unwrap_or_default().to_lowercase();
            let mut spellings = vec![name.clone()];
            spellings.extend(strings(api, "aliases"));
            let mut real: Vec<(String, Kind)> = perms
                .iter()
                .filter(|p| p["resource"].as_str().is_some_and(|r| r.eq_ignore_ascii_case(&app_id)))
                .filter_map(|p| {
                    let kind = match p["type"].as_str()? {
                        "application" => Kind::Application,
                        _ => Kind::Delegated,
                    };
                    Some((p["permission"].as_str()?.to_string(), kind))
                })
                .collect();
            real.sort_by(|a, b| a.0.cmp(&b.0).then((a.1 as u8).cmp(&(b.1 as u8))));
            real.dedup();
            let generated = generated_claims(&app_id, &real);
            pools.push(ApiPool {
                name,
                spellings,
                real,
                generated,
            });
        }
        let workloads = rules["workloads"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| WorkloadRule {
                name: r["name"].as_str().unwrap_or_default().to_string(),
                apis: strings(r, "apis"),
                names: strings(r, "names"),
                prefixes: strings(r, "prefixes"),
            })
            .collect();
        Reference { apis: pools, workloads }
    }

    fn api(&self, app_id_prefix: &str) -> usize {
        // apis.json lists Graph, Exchange, SharePoint, DevOps; find them by name to stay robust.
        let wanted = match app_id_prefix {
            GRAPH => "Microsoft Graph",
            EXCHANGE => "Office 365 Exchange Online",
            SHAREPOINT => "Office 365 SharePoint Online",
            _ => "Azure DevOps",
        };
        self.apis.iter().position(|a| a.name == wanted).unwrap_or(0)
    }

    /// The workload permscope's own rules would give (first match wins).
    fn workload_for(&self, api: &str, permission: &str) -> &str {
        for rule in &self.workloads {
            if rule.apis.iter().any(|a| a == api)
                || rule.names.iter().any(|n| n == permission)
                || rule.prefixes.iter().any(|p| permission.starts_with(p.as_str()))
            {
                return &rule.name;
            }
        }
        "Other"
    }
}

/// Plausible claims beyond the real ones, for one API.
fn generated_claims(app_id: &str, real: &[(String, Kind)]) -> Vec<(String, Kind)> {
    let mut out: Vec<(String, Kind)> = Vec::new();
    match app_id {
        GRAPH => {
            for resource in GRAPH_RESOURCES {
                for access in GRAPH_ACCESS {
                    for reach in GRAPH_REACH {
                        // Keep the cross product believable: Basic and Create are rare with a reach.
                        if (*access == "ReadBasic" || *access == "Create") && *reach != ".All" && !reach.is_empty() {
                            continue;
                        }
                        let name = format!("{resource}.{access}{reach}");
                        let kind = if reach.is_empty() || *reach == ".Shared" {
                            Kind::Delegated
                        } else {
                            Kind::Application
                        };
                        out.push((name, kind));
                    }
                }
            }
            out.extend(SIGN_IN.iter().map(|s| (s.to_string(), Kind::Delegated)));
        }
        EXCHANGE => {
            out.extend(EXCHANGE_EXTRA.iter().map(|s| (s.to_string(), Kind::Application)));
            out.push(("EWS.AccessAsUser.All".into(), Kind::Delegated));
        }
        SHAREPOINT => {
            out.extend(SHAREPOINT_EXTRA.iter().map(|s| (s.to_string(), Kind::Application)));
            out.extend(SHAREPOINT_DELEGATED.iter().map(|s| (s.to_string(), Kind::Delegated)));
        }
        _ => out.extend(DEVOPS_SCOPES.iter().map(|s| (s.to_string(), Kind::Delegated))),
    }
    out.retain(|c| !real.contains(c));
    out.dedup();
    out
}

// ---- words ----

const VENDOR_HEADS: &[&str] = &[
    "Aegis", "Arc", "Azure", "Blue", "Bright", "Castle", "Cirrus", "Cloud", "Cobalt", "Data", "Delta", "Echo", "Fort",
    "Granite", "Harbor", "Iron", "Keystone", "Lumen", "Meridian", "Nimbus", "North", "Onyx", "Polar", "Quartz",
    "Redwood", "Sentinel", "Silver", "Stellar", "Summit", "Tidal", "Vertex", "Zenith",
];
const VENDOR_TAILS: &[&str] = &[
    "vault", "keep", "safe", "guard", "backup", "store", "ware", "sphere", "shield", "point", "stack", "line",
    "bridge", "works", "gate", "lock",
];
const VENDOR_FORMS: &[&str] = &[
    "",
    " Software",
    " Inc.",
    " GmbH",
    " Ltd",
    " Systems",
    " S.A.",
    " Technologies",
    " sp. z o.o.",
];
const PRODUCT_LINES: &[&str] = &[
    "Cloud Backup",
    "365 Backup",
    "Backup for Microsoft 365",
    "SaaS Protect",
    "Archive",
    "Data Protection",
    "Cloud-to-Cloud Backup",
    "Tenant Backup",
    "Recovery Manager",
    "Backup & Replication",
    "Vault for Entra ID",
    "DevOps Backup",
];
const EDITIONS: &[&str] = &[
    "",
    "",
    "",
    "Express",
    "Pro",
    "Enterprise",
    "for Azure",
    "for Teams",
    "MSP Edition",
    "Essentials",
    "Premium",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const CONTAINERS: &[&str] = &[
    "mailboxes",
    "sites",
    "site collections",
    "teams",
    "channels",
    "groups",
    "OneDrive accounts",
    "shared mailboxes",
    "Microsoft 365 groups",
    "projects",
    "devices",
    "repositories",
    "document libraries",
    "plans",
];
const SUBJECTS: &[&str] = &[
    "user", "mailbox", "site", "team", "group", "device", "project", "tenant",
];
const FEATURES: &[&str] = &[
    "Teams chat backup",
    "granular restore",
    "eDiscovery export",
    "legal hold",
    "public folder backup",
    "archive mailbox backup",
    "certificate-based authentication",
    "automatic discovery of new users",
    "point-in-time recovery",
    "cross-tenant migration",
    "immutable storage",
];
const PURPOSES: &[&str] = &[
    "Back up {noun} of every {subject}.",
    "Used to restore {noun} to the original or an alternate location.",
    "Required to discover {containers} and keep the protection scope up to date.",
    "Scan {containers} to find new {noun} before each backup.",
    "Needed for incremental backup of {noun} using delta queries.",
    "Restore deleted {noun} and recover previous versions.",
    "Export {noun} for eDiscovery and legal hold.",
    "Read {noun} so that backup jobs can be scheduled per {subject}.",
    "Writes {noun} back during recovery.",
    "Lets the service list {containers} in the tenant.",
    "Retention and archiving of {noun}.",
    "Monitor backup health and report on {noun}.",
    "Create the service principal's {noun} during onboarding.",
    "Allows the backup and restore of {noun}.",
    "Perform data recovery of {noun} for a single {subject}.",
    "Discover {containers} and their owners for licensing.",
    "Keep a copy of {noun} outside Microsoft 365 in case of ransomware.",
    "Compare {noun} between backups to show what changed.",
    "Used by the {workload} connector to read {noun}.",
    "Restore {noun} into a new {subject} when the original was removed.",
];
const SUFFIXES: &[&str] = &[
    " Only needed when {feature} is enabled.",
    " Applies to {workload} only.",
    " Can be removed after the first full backup.",
    " Requested again after every upgrade.",
    " Not used by the on-premises agent.",
    " See the admin guide, section {section}.",
];
const CONDITIONS: &[&str] = &[
    "only with certificate-based authentication",
    "when {feature} is enabled",
    "group mailbox only",
    "for tenants in the GCC High cloud",
    "when restoring to another {subject}",
    "if the tenant uses {feature}",
];
const PRODUCT_NOTES: &[&str] = &[
    "The document's tables are split across pages; rows are kept in document order.",
    "Several permissions are listed twice, once per workload table; both rows are kept.",
    "The document gives display names only for some rows; the others are left blank.",
    "The type column is headed \"Permission type\" in one table and \"Type\" in the others.",
    "Lines refer to the captured text, not the PDF's page numbers.",
];
const ROW_NOTES: &[&str] = &[
    "Listed twice in the document (line {line}).",
    "The document writes the type as \"App\"; recorded as application.",
    "The description is Microsoft's display name for the delegated scope.",
    "Marked as newly required in this version of the document.",
    "The claim cell has a trailing footnote mark, dropped here.",
];

fn words_of(resource: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in resource.chars() {
        if c == '-' || c == '_' || c == '.' {
            out.push(' ');
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase();
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn plural(noun: &str) -> String {
    const MASS: &[&str] = &[
        "mail",
        "presence",
        "data",
        "info",
        "settings",
        "directory",
        "code",
        "work",
        "wiki",
    ];
    if MASS.iter().any(|m| noun.ends_with(m)) || noun.ends_with('s') {
        noun.to_string()
    } else if let Some(stem) = noun.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{noun}s")
    }
}

/// The thing a claim is about, in words (`ChannelMessage.Read.All` → `channel messages`).
fn noun_of(claim: &str) -> String {
    if let Some(scope) = claim.strip_prefix("vso.") {
        let resource = scope.split('_').next().unwrap_or(scope);
        return format!("Azure DevOps {}", plural(&words_of(resource)));
    }
    match claim {
        "openid" | "profile" | "email" | "offline_access" => return "your basic profile".into(),
        "full_access_as_app" => return "all mailboxes".into(),
        "user_impersonation" => return "Azure DevOps as the signed-in user".into(),
        _ => {}
    }
    let resource = claim.split('.').next().unwrap_or(claim);
    match resource {
        "Directory" => "directory data".into(),
        "Files" => "files".into(),
        "Notes" => "OneNote notebooks".into(),
        "Tasks" => "tasks".into(),
        "Reports" => "usage reports".into(),
        "AuditLog" => "audit log data".into(),
        "Sites" | "AllSites" => "items in all site collections".into(),
        _ => plural(&words_of(resource)),
    }
}

fn access_of(claim: &str) -> &'static str {
    let lower = claim.to_ascii_lowercase();
    if lower.contains("fullcontrol") || lower.ends_with("_full") || lower == "full_access_as_app" {
        "full"
    } else if lower.contains("readwrite") || lower.contains("write") || lower.contains("manage") {
        "write"
    } else if lower.contains("send") {
        "send"
    } else if lower.contains("readbasic") {
        "basic"
    } else if lower.contains("access") || lower.contains("impersonation") {
        "access"
    } else {
        "read"
    }
}

fn fill(template: &str, rng: &mut Rng, noun: &str, workload: &str, product: &str) -> String {
    let mut out = template.to_string();
    if out.contains("{noun}") {
        out = out.replace("{noun}", noun);
    }
    if out.contains("{containers}") {
        out = out.replace("{containers}", rng.word(CONTAINERS));
    }
    if out.contains("{subject}") {
        out = out.replace("{subject}", rng.word(SUBJECTS));
    }
    if out.contains("{feature}") {
        out = out.replace("{feature}", rng.word(FEATURES));
    }
    if out.contains("{workload}") {
        out = out.replace("{workload}", workload);
    }
    if out.contains("{section}") {
        out = out.replace("{section}", &format!("{}.{}", 2 + rng.below(6), 1 + rng.below(9)));
    }
    if out.contains("{product}") {
        out = out.replace("{product}", product);
    }
    out
}

/// A vendor's description of a claim, in one of the styles documents use.
fn describe(claim: &str, kind: Kind, rng: &mut Rng) -> Option<String> {
    if rng.chance(6) {
        return None;
    }
    let noun = noun_of(claim);
    let all = claim.ends_with(".All");
    let (short, verb) = match access_of(claim) {
        "full" => ("Have full control of", "have full control of"),
        "write" => ("Read and write", "create, read, update and delete"),
        "send" => ("Send", "send"),
        "basic" => ("Read basic", "read basic properties of"),
        "access" => ("Access", "access"),
        _ => ("Read", "read"),
    };
    let reach = match (kind, all) {
        (Kind::Application, true) => " without a signed-in user",
        (Kind::Application, false) => "",
        (Kind::Delegated, _) => " on behalf of the signed-in user",
    };
    let text = match rng.below(6) {
        0 | 1 => format!("{short} {}{noun}", if all { "all " } else { "" }),
        2 => format!("Allows the app to {verb} {noun}{reach}."),
        3 => format!("{} {}", capitalise(&noun), short.to_lowercase()),
        4 => format!("{short} {noun} in all {}", rng.word(CONTAINERS)),
        _ => format!("{short} {noun} ({})", kind.as_str()),
    };
    Some(text)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

// ---- the file format (data/product.schema.json) ----

#[derive(Serialize)]
struct ProductFile {
    slug: String,
    vendor: String,
    product: String,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    apps: Vec<AppFile>,
}

#[derive(Serialize)]
struct Source {
    title: String,
    version: Option<String>,
    date: Option<String>,
    file: String,
    sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct AppFile {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    requirements: Vec<RequirementFile>,
}

#[derive(Serialize)]
struct RequirementFile {
    line: u32,
    api: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<String>,
    permission: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    permission_as_written: Option<String>,
    #[serde(rename = "type")]
    kind: &'static str,
    description: Option<String>,
    purpose: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    workloads: Vec<WorkloadFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

#[derive(Serialize)]
struct WorkloadFile {
    workload: String,
    phases: Vec<&'static str>,
}

/// Rows of product `index` when `rows` are spread evenly over `products`.
fn rows_of(index: usize, rows: usize, products: usize) -> usize {
    rows / products + usize::from(index < rows % products)
}

/// How many product files `options` make.
pub fn product_count(options: &Options) -> usize {
    options.rows.div_ceil(options.rows_per_product.max(1)).max(1)
}

/// Generates product file `index`: its file name and JSON text.
fn product(reference: &Reference, options: &Options, index: usize) -> (String, String, usize) {
    let products = product_count(options);
    let mut rng = Rng::new(options.seed, index as u64 + 1);
    // Vendors make two to four products each: the vendor comes from the index's group.
    let vendor_id = index / 3;
    let mut vendor_rng = Rng::new(options.seed, 0x5EED_0000 + vendor_id as u64);
    let head = vendor_rng.word(VENDOR_HEADS);
    let tail = vendor_rng.word(VENDOR_TAILS);
    let short = format!("{head}{tail}");
    let vendor = format!("{short}{}", vendor_rng.word(VENDOR_FORMS));
    let line = rng.word(PRODUCT_LINES);
    let edition = rng.word(EDITIONS);
    let name = format!("{short} {line} {edition}").trim().to_string();
    let mut slug = slugify(&name);
    slug.truncate(50);
    let slug = format!("{}-{index}", slug.trim_end_matches('-'));
    let devops = line == "DevOps Backup";

    let graph = reference.api(GRAPH);
    let exchange = reference.api(EXCHANGE);
    let sharepoint = reference.api(SHAREPOINT);
    let azure_devops = reference.api(DEVOPS);
    // Each document spells each API its own way, consistently.
    let spelling: Vec<String> = reference.apis.iter().map(|a| rng.pick(&a.spellings).clone()).collect();

    let app_names = [
        name.clone(),
        format!("{short} Backup Service"),
        format!("{short} Restore"),
        format!("{short} Discovery"),
        format!("{short} Exchange Connector"),
        format!("{short} Teams Export"),
        format!("{short} Sign-in"),
    ];
    let app_count = 1 + rng.below(4);
    let total = rows_of(index, options.rows, products);
    let mut line_no: u32 = 8 + rng.below(30) as u32;
    let mut apps = Vec::new();
    for a in 0..app_count {
        let rows = rows_of(a, total, app_count);
        let app_name = if a == 0 {
            app_names[0].clone()
        } else {
            app_names[1 + (a + index) % (app_names.len() - 1)].clone()
        };
        let mut requirements = Vec::with_capacity(rows);
        for _ in 0..rows {
            line_no += 1 + rng.below(3) as u32;
            let api = if devops {
                if rng.chance(85) { azure_devops } else { graph }
            } else {
                match rng.below(100) {
                    0..=74 => graph,
                    75..=86 => exchange,
                    _ => sharepoint,
                }
            };
            let pool = &reference.apis[api];
            let (claim, kind) = if !pool.real.is_empty() && (pool.generated.is_empty() || rng.chance(50)) {
                rng.pick(&pool.real).clone()
            } else {
                rng.pick(&pool.generated).clone()
            };
            let workload = reference.workload_for(&pool.name, &claim).to_string();
            let noun = noun_of(&claim);
            let description = describe(&claim, kind, &mut rng);
            let purpose = if rng.chance(80) {
                let mut p = fill(rng.word(PURPOSES), &mut rng, &noun, &workload, &name);
                if rng.chance(30) {
                    p.push_str(&fill(rng.word(SUFFIXES), &mut rng, &noun, &workload, &name));
                }
                Some(p)
            } else {
                None
            };
            let workloads = if rng.chance(35) {
                let mut phases: Vec<&'static str> = ["Discovery", "Backup", "Recovery"]
                    .into_iter()
                    .filter(|_| rng.chance(55))
                    .collect();
                if phases.is_empty() {
                    phases.push("Backup");
                }
                let mut w = vec![WorkloadFile {
                    workload: workload.clone(),
                    phases,
                }];
                if workload == "Exchange Online" && rng.chance(30) {
                    w.push(WorkloadFile {
                        workload: "Group Mailbox".into(),
                        phases: vec!["Backup", "Recovery"],
                    });
                }
                w
            } else {
                Vec::new()
            };
            let mut attributes = BTreeMap::new();
            if rng.chance(25) {
                match rng.below(3) {
                    0 => attributes.insert(
                        "Is newly required?".to_string(),
                        if rng.chance(20) { "Yes" } else { "No" }.to_string(),
                    ),
                    1 => attributes.insert(
                        "Last update".to_string(),
                        format!(
                            "20{:02}-{:02}-{:02}",
                            21 + rng.below(5),
                            1 + rng.below(12),
                            1 + rng.below(28)
                        ),
                    ),
                    _ => attributes.insert(
                        "Required for".to_string(),
                        rng.word(&["Backup", "Restore", "Backup and restore", "Discovery"])
                            .to_string(),
                    ),
                };
            }
            let permission_as_written = if rng.chance(5) {
                Some(if claim.contains('_') {
                    claim.replace('_', "\\_")
                } else {
                    format!("{claim} (preview)")
                })
            } else {
                None
            };
            let table = rng
                .chance(15)
                .then(|| format!("{} {} permissions", spelling[api], kind.as_str()));
            let condition = rng
                .chance(8)
                .then(|| fill(rng.word(CONDITIONS), &mut rng, &noun, &workload, &name));
            let notes = if rng.chance(4) {
                let n = rng.word(ROW_NOTES);
                vec![n.replace("{line}", &(line_no + 1 + rng.below(200) as u32).to_string())]
            } else {
                Vec::new()
            };
            requirements.push(RequirementFile {
                line: line_no,
                api: spelling[api].clone(),
                table,
                permission: claim,
                permission_as_written,
                kind: kind.as_str(),
                description,
                purpose,
                workloads,
                condition,
                attributes,
                notes,
            });
        }
        apps.push(AppFile {
            description: rng.chance(60).then(|| {
                format!(
                    "The app registration {} creates in the customer's tenant for {}.",
                    short,
                    rng.word(&["backup", "restore", "discovery", "backup and restore", "export"])
                )
            }),
            notes: if rng.chance(20) {
                vec!["The document does not name this app; the name is ours.".to_string()]
            } else {
                Vec::new()
            },
            name: app_name,
            requirements,
        });
    }
    let file = ProductFile {
        slug: slug.clone(),
        vendor,
        product: name.clone(),
        source: Source {
            title: match rng.below(3) {
                0 => "Required API permissions".to_string(),
                1 => format!("Permissions required by {name}"),
                _ => "Microsoft 365 permissions reference".to_string(),
            },
            version: rng
                .chance(70)
                .then(|| format!("{}.{}.{}", 1 + rng.below(12), rng.below(20), rng.below(10))),
            date: rng
                .chance(60)
                .then(|| format!("{} {} 20{:02}", 1 + rng.below(28), rng.word(MONTHS), 20 + rng.below(6))),
            file: format!("{index:03}_{}.txt", rng.hex(16)),
            sha256: rng.hex(64),
            url: rng
                .chance(50)
                .then(|| format!("https://docs.{}.example/{slug}/permissions", slugify(&short))),
        },
        notes: (0..rng.below(3)).map(|_| rng.word(PRODUCT_NOTES).to_string()).collect(),
        apps,
    };
    let mut text = serde_json::to_string_pretty(&file).expect("plain structs serialise");
    text.push('\n');
    (format!("{slug}.json"), text, total)
}

/// True when `dir` holds anything at all (a missing folder is empty).
fn has_entries(dir: &Path) -> std::io::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Writes `text` to `dir/name` through a hidden temporary file and a rename,
/// so a reader never sees half a file (the loader skips names starting with `.`).
fn write_atomically(dir: &Path, name: &str, text: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(text)?;
    f.sync_data()?;
    drop(f);
    std::fs::rename(&tmp, dir.join(name))
}

/// Writes the product files of `options` into `dir`, creating it. Refuses a
/// non-empty folder unless `force`; with `force`, product files listed by a
/// previous run's marker that this run does not write are removed.
pub fn write_dir(dir: &Path, options: &Options, force: bool) -> std::io::Result<Summary> {
    use std::io::{Error, ErrorKind};
    if options.rows == 0 || options.rows > MAX_ROWS {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("--rows must be between 1 and {MAX_ROWS}"),
        ));
    }
    if options.rows_per_product == 0 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "--rows-per-product must be at least 1",
        ));
    }
    if has_entries(dir)? && !force {
        return Err(Error::new(
            ErrorKind::AlreadyExists,
            format!("{} is not empty: pass --force to write into it anyway", dir.display()),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let previous: Vec<String> = std::fs::read_to_string(dir.join(MARKER))
        .map(|t| t.lines().skip(1).map(str::to_string).collect())
        .unwrap_or_default();
    let reference = Reference::bundled();
    let mut summary = Summary::default();
    let mut written: Vec<String> = Vec::new();
    for index in 0..product_count(options) {
        let (name, text, rows) = product(&reference, options, index);
        write_atomically(dir, &name, text.as_bytes())?;
        summary.rows += rows;
        summary.files += 1;
        summary.bytes += text.len() as u64;
        summary.largest_file = summary.largest_file.max(text.len() as u64);
        written.push(name);
    }
    for stale in previous.iter().filter(|p| !written.contains(p)) {
        // Only plain product file names from our own marker; never a path.
        if stale.ends_with(".json") && !stale.contains(['/', '\\']) && !stale.starts_with('.') {
            let _ = std::fs::remove_file(dir.join(stale));
        }
    }
    let mut marker = format!(
        "permscope synth: rows={} seed={} rows_per_product={}\n",
        options.rows, options.seed, options.rows_per_product
    );
    for name in &written {
        marker.push_str(name);
        marker.push('\n');
    }
    write_atomically(dir, MARKER, marker.as_bytes())?;
    Ok(summary)
}

/// True when a previous run wrote exactly `options` into `dir` (its marker says so).
pub fn already_written(dir: &Path, options: &Options) -> bool {
    std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|t| {
        t.lines().next()
            == Some(&*format!(
                "permscope synth: rows={} seed={} rows_per_product={}",
                options.rows, options.seed, options.rows_per_product
            ))
    })
}

#[allow(dead_code)] // The bench includes this file as a module and has its own main.
fn main() -> std::process::ExitCode {
    let mut rows: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut seed: u64 = 1;
    let mut rows_per_product = ROWS_PER_PRODUCT;
    let mut force = false;
    let usage = "usage: synth --rows N --out DIR [--seed S] [--rows-per-product M] [--force]";
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| -> Option<String> {
            let v = args.next();
            if v.is_none() {
                eprintln!("synth: {what} needs a value\n{usage}");
            }
            v
        };
        let parsed = match arg.as_str() {
            "--rows" => value("--rows").and_then(|v| v.replace('_', "").parse().ok().map(|n| rows = Some(n))),
            "--out" => value("--out").map(|v| out = Some(PathBuf::from(v))),
            "--seed" => value("--seed").and_then(|v| v.parse().ok().map(|s| seed = s)),
            "--rows-per-product" => {
                value("--rows-per-product").and_then(|v| v.parse().ok().map(|n| rows_per_product = n))
            }
            "--force" => {
                force = true;
                Some(())
            }
            "-h" | "--help" => {
                println!("{usage}");
                return std::process::ExitCode::SUCCESS;
            }
            _ => None,
        };
        if parsed.is_none() {
            eprintln!("synth: cannot use `{arg}` (unknown option, or a missing or invalid value)\n{usage}");
            return std::process::ExitCode::from(2);
        }
    }
    let (Some(rows), Some(out)) = (rows, out) else {
        eprintln!("synth: --rows and --out are required\n{usage}");
        return std::process::ExitCode::from(2);
    };
    let options = Options {
        rows,
        seed,
        rows_per_product,
    };
    if !force && already_written(&out, &options) {
        eprintln!(
            "synth: {} already holds these rows (same --rows, --seed and --rows-per-product); nothing to do",
            out.display()
        );
        return std::process::ExitCode::SUCCESS;
    }
    let started = std::time::Instant::now();
    match write_dir(&out, &options, force) {
        Ok(s) => {
            eprintln!(
                "synth: wrote {} rows in {} product files ({:.1} MB, largest {:.0} KB) to {} in {:.2?}",
                s.rows,
                s.files,
                s.bytes as f64 / 1e6,
                s.largest_file as f64 / 1e3,
                out.display(),
                started.elapsed()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
