//! Regenerates Microsoft's permission catalog in `data/microsoft/` from the
//! reference snapshots.
//!
//! ```sh
//! cargo run --example refresh_catalog -- ../shared/reference
//! cargo run --example refresh_catalog -- ../shared/reference --check     # exit 1 if the files are stale
//! cargo run --example refresh_catalog -- ../shared/reference --verbose   # list every excluded entry
//! ```
//!
//! Writes `data/microsoft/permissions.json` (every app role and delegated scope of
//! Microsoft Graph, Office 365 Exchange Online, Office 365 SharePoint Online and
//! Azure DevOps) and `data/microsoft/graph-operations.json` (the Graph API calls
//! each Graph permission grants, from Microsoft's `pathSets`). Only facts are
//! carried: names, GUIDs, consent flags, short admin display names, privilege
//! levels, methods and paths. Microsoft's long descriptions are not.
//!
//! The output is sorted and laid out by hand, one permission (or one path) per
//! line, so that a re-run over the same references gives the same bytes and a
//! refresh reads as a diff. The `generated` date changes only when the content
//! does (or with `--date`).
//!
//! Where the sources disagree, the rules are the ones written in
//! `data/microsoft/permissions.schema.json` and `graph-operations.schema.json`;
//! every entry a rule leaves out is counted in the file's `source.excluded` and
//! printed here (all of them with `--verbose`).

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";
const SHAREPOINT: &str = "00000003-0000-0ff1-ce00-000000000000";
const DEVOPS: &str = "499b84ac-1321-427f-aa17-267ca6975798";

const APP_ROLES: &str = "graph/merill-microsoft-info_GraphAppRoles.json";
const DELEGATE_ROLES: &str = "graph/merill-microsoft-info_GraphDelegateRoles.json";
const DEVX_PERMISSIONS: &str = "graph/msgraph-devx-content_permissions.json";
const DEVX_PROVISIONING: &str = "graph/msgraph-devx-content_provisioningInfo.json";

/// Where each reference file comes from upstream (as the reference README says).
const UPSTREAM: &[(&str, &str, &str)] = &[
    (APP_ROLES, "merill/microsoft-info", "_info/GraphAppRoles.json"),
    (DELEGATE_ROLES, "merill/microsoft-info", "_info/GraphDelegateRoles.json"),
    (
        DEVX_PERMISSIONS,
        "microsoftgraph/microsoft-graph-devx-content",
        "permissions/new/permissions.json",
    ),
    (
        DEVX_PROVISIONING,
        "microsoftgraph/microsoft-graph-devx-content",
        "permissions/new/provisioningInfo.json",
    ),
    (
        "exchange-sharepoint-devops/first-party_Office365ExchangeOnline.md",
        "maciejporebski/azure-ad-first-party-apps-permissions",
        "apps/Office 365 Exchange Online.md",
    ),
    (
        "exchange-sharepoint-devops/first-party_Office365SharePointOnline.md",
        "maciejporebski/azure-ad-first-party-apps-permissions",
        "apps/Office 365 SharePoint Online.md",
    ),
    (
        "exchange-sharepoint-devops/first-party_AzureDevOps.md",
        "maciejporebski/azure-ad-first-party-apps-permissions",
        "apps/Azure DevOps.md",
    ),
];

/// The Markdown table of each non-Graph resource.
const MARKDOWN: &[(&str, &str)] = &[
    (
        EXCHANGE,
        "exchange-sharepoint-devops/first-party_Office365ExchangeOnline.md",
    ),
    (
        SHAREPOINT,
        "exchange-sharepoint-devops/first-party_Office365SharePointOnline.md",
    ),
    (DEVOPS, "exchange-sharepoint-devops/first-party_AzureDevOps.md"),
];

const PERMISSIONS_FILE: &str = "permissions.json";
const OPERATIONS_FILE: &str = "graph-operations.json";

/// How many excluded entries of one kind are printed without `--verbose`.
const SHOWN: usize = 8;

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("refresh_catalog: {e}");
            ExitCode::from(2)
        }
    }
}

struct Options {
    reference: PathBuf,
    out: PathBuf,
    date: Option<String>,
    check: bool,
    verbose: bool,
}

fn parse_args() -> Result<Options> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut reference = None;
    let mut out = manifest.join("data/microsoft");
    let mut date = None;
    let mut check = false;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a folder")?),
            "--date" => {
                let d = args.next().ok_or("--date needs YYYY-MM-DD")?;
                if !is_date(&d) {
                    return Err(format!("--date {d}: expected YYYY-MM-DD"));
                }
                date = Some(d);
            }
            "--check" => check = true,
            "--verbose" | "-v" => verbose = true,
            "-h" | "--help" => {
                println!(
                    "usage: cargo run --example refresh_catalog -- REFERENCE_DIR [--out DIR] [--date YYYY-MM-DD] [--check] [--verbose]"
                );
                std::process::exit(0);
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s if reference.is_none() => reference = Some(PathBuf::from(s)),
            s => return Err(format!("unexpected argument {s}")),
        }
    }
    let reference = reference.unwrap_or_else(|| manifest.join("../shared/reference"));
    if !reference.is_dir() {
        return Err(format!("reference folder {} not found", reference.display()));
    }
    Ok(Options {
        reference,
        out,
        date,
        check,
        verbose,
    })
}

fn run() -> Result<ExitCode> {
    let opts = parse_args()?;
    let apis = api_names()?;
    let mut report = Report::default();

    let graph = GraphSources::read(&opts.reference)?;
    let mut resources = Vec::new();
    for (app_id, _) in std::iter::once(&(GRAPH, "")).chain(MARKDOWN.iter()) {
        let api = apis
            .get(*app_id)
            .ok_or_else(|| format!("data/apis.json has no API with app id {app_id}"))?;
        let permissions = if *app_id == GRAPH {
            graph_permissions(&graph, &mut report)?
        } else {
            let file = MARKDOWN
                .iter()
                .find(|(a, _)| a == app_id)
                .map(|(_, f)| *f)
                .unwrap_or("");
            markdown_permissions(&opts.reference, file, &mut report)?
        };
        check_unique_ids(api, &permissions)?;
        resources.push(Resource {
            api: api.clone(),
            app_id: app_id.to_string(),
            permissions,
        });
    }
    let operations = graph_operations(&graph, &mut report)?;

    let hashes = reference_hashes(&opts.reference)?;
    let catalog_refs: Vec<&str> = UPSTREAM.iter().map(|(f, _, _)| *f).collect();
    let operation_refs = [DEVX_PERMISSIONS];
    let excluded_catalog = report.excluded_summary(Section::Catalog);
    let excluded_operations = report.excluded_summary(Section::Operations);

    let mut stale = Vec::new();
    for (name, render) in [
        (
            PERMISSIONS_FILE,
            &(|date: &str| {
                render_permissions(
                    &source_block(date, &catalog_refs, &hashes, &excluded_catalog),
                    &resources,
                )
            }) as &dyn Fn(&str) -> String,
        ),
        (OPERATIONS_FILE, &|date: &str| {
            render_operations(
                &source_block(date, &operation_refs, &hashes, &excluded_operations),
                &operations,
            )
        }),
    ] {
        let path = opts.out.join(name);
        let old = std::fs::read_to_string(&path).ok();
        // Same content as before under the old date: keep the file as it is, so a
        // re-run is byte-identical and the date says when the content last changed.
        let unchanged = old
            .as_deref()
            .and_then(generated_date)
            .is_some_and(|d| opts.date.as_deref().is_none_or(|want| want == d) && Some(render(&d)) == old);
        if unchanged {
            say(&format!("{}: unchanged\n", path.display()));
            continue;
        }
        let date = opts.date.clone().unwrap_or_else(today);
        let text = render(&date);
        if opts.check {
            stale.push(path.display().to_string());
            continue;
        }
        std::fs::create_dir_all(&opts.out).map_err(|e| format!("{}: {e}", opts.out.display()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &text).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        say(&format!(
            "{}: written ({} bytes, generated {date})\n",
            path.display(),
            text.len()
        ));
    }

    say(&counts_text(&resources, &operations));
    say(&report.text(opts.verbose));
    if !stale.is_empty() {
        eprintln!("stale (run without --check to refresh): {}", stale.join(", "));
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

// ------------------------------------------------------------------ reading

fn read_json(reference: &Path, file: &str) -> Result<Value> {
    let path = reference.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Windows PowerShell writes a byte order mark.
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("{}: {e}", path.display()))
}

/// A field in either casing: `Get-MgServicePrincipal` prints `Value`, the REST API `value`.
fn field<'v>(object: &'v Value, pascal: &str) -> Option<&'v Value> {
    let mut chars = pascal.chars();
    let camel = chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default();
    object.get(pascal).or_else(|| object.get(&camel))
}

fn field_str<'v>(object: &'v Value, pascal: &str) -> Option<&'v str> {
    field(object, pascal).and_then(Value::as_str)
}

fn api_names() -> Result<HashMap<String, String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/apis.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut names = HashMap::new();
    for api in doc["apis"].as_array().into_iter().flatten() {
        if let (Some(id), Some(name)) = (api["app_id"].as_str(), api["name"].as_str()) {
            names.insert(id.to_ascii_lowercase(), name.to_string());
        }
    }
    Ok(names)
}

fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Text carried into the catalog must be safe to print (the reference is data, not trusted).
fn safe_text(what: &str, s: &str) -> Result<String> {
    let s = s.trim();
    if let Some((at, c, why)) = permscope::model::text::find_unsafe(s) {
        return Err(format!("{what}: {s:?} holds {why} (U+{:04X} at {at})", c as u32));
    }
    Ok(s.to_string())
}

fn safe_opt(what: &str, s: Option<&str>) -> Result<Option<String>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => safe_text(what, s).map(Some),
        None => Ok(None),
    }
}

// ------------------------------------------------------------------ the catalog

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

    /// The scheme Microsoft's permission model uses for this kind in a work tenant.
    fn scheme(self) -> &'static str {
        match self {
            Kind::Application => "Application",
            Kind::Delegated => "DelegatedWork",
        }
    }

    fn of_scheme(scheme: &str) -> Option<Kind> {
        match scheme {
            "Application" => Some(Kind::Application),
            "DelegatedWork" => Some(Kind::Delegated),
            _ => None,
        }
    }
}

/// One permission as written to `permissions.json`.
#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    name: String,
    id: String,
    admin_consent: Option<bool>,
    display_name: Option<String>,
    privilege_level: Option<u8>,
    enabled: Option<bool>,
    /// Listed only in Microsoft's provisioning map, not on the service principal export.
    provisioning_only: bool,
    /// Resource-specific consent (Microsoft's `authorizationType: RSC`).
    rsc: bool,
}

impl Entry {
    fn sort_key(&self) -> (Kind, String, &str, &str) {
        (self.kind, self.name.to_lowercase(), &self.name, &self.id)
    }
}

struct Resource {
    api: String,
    app_id: String,
    permissions: Vec<Entry>,
}

/// The four Graph files, read once.
struct GraphSources {
    app_roles: Vec<Value>,
    delegate_roles: Vec<Value>,
    /// Microsoft's permission model: name to `{authorizationType, schemes, pathSets}`.
    model: Map<String, Value>,
    /// Provisioning map: (scheme, name) to its deployment.
    provisioning: BTreeMap<(String, String), Value>,
}

impl GraphSources {
    fn read(reference: &Path) -> Result<GraphSources> {
        let array = |file: &str| -> Result<Vec<Value>> {
            match read_json(reference, file)? {
                Value::Array(a) => Ok(a),
                _ => Err(format!("{file}: expected an array")),
            }
        };
        let app_roles = array(APP_ROLES)?;
        let delegate_roles = array(DELEGATE_ROLES)?;
        let model = match read_json(reference, DEVX_PERMISSIONS)?
            .get_mut("permissions")
            .map(Value::take)
        {
            Some(Value::Object(m)) => m,
            _ => return Err(format!("{DEVX_PERMISSIONS}: no `permissions` object")),
        };
        let deployments = match read_json(reference, DEVX_PROVISIONING)?
            .get_mut("permissionDeployments")
            .map(Value::take)
        {
            Some(Value::Object(m)) => m,
            _ => return Err(format!("{DEVX_PROVISIONING}: no `permissionDeployments` object")),
        };
        let mut provisioning = BTreeMap::new();
        for (name, list) in deployments {
            for d in list.as_array().into_iter().flatten() {
                let scheme = d["scheme"]
                    .as_str()
                    .ok_or_else(|| format!("{DEVX_PROVISIONING}: {name}: a deployment without a scheme"))?;
                if provisioning
                    .insert((scheme.to_string(), name.clone()), d.clone())
                    .is_some()
                {
                    return Err(format!("{DEVX_PROVISIONING}: {name} has two {scheme} deployments"));
                }
            }
        }
        if app_roles.len() < 100 || delegate_roles.len() < 100 || model.len() < 100 {
            return Err("the Graph reference files look truncated".into());
        }
        Ok(GraphSources {
            app_roles,
            delegate_roles,
            model,
            provisioning,
        })
    }

    /// Microsoft's scheme entry (`requiresAdminConsent`, `privilegeLevel`...) for a permission.
    fn scheme(&self, name: &str, kind: Kind) -> Option<&Value> {
        self.model.get(name)?.get("schemes")?.get(kind.scheme())
    }

    fn is_rsc(&self, name: &str) -> bool {
        self.model.get(name).and_then(|p| p["authorizationType"].as_str()) == Some("RSC")
    }

    fn privilege_level(&self, name: &str, kind: Kind, report: &mut Report) -> Option<u8> {
        let level = self.scheme(name, kind)?.get("privilegeLevel")?;
        match level.as_u64() {
            Some(n @ 1..=5) => Some(n as u8),
            _ => {
                report.note(
                    Section::Catalog,
                    "privilegeLevel outside 1-5 (written as null)",
                    format!("{} {name}: {level}", kind.as_str()),
                );
                None
            }
        }
    }

    fn requires_admin_consent(&self, name: &str, kind: Kind) -> Option<bool> {
        self.scheme(name, kind)?.get("requiresAdminConsent")?.as_bool()
    }
}

fn graph_permissions(src: &GraphSources, report: &mut Report) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    // (kind, name) and (kind, id) on the service principal, for the provisioning pass.
    let mut on_sp: BTreeMap<(Kind, String), String> = BTreeMap::new();
    let mut sp_ids: HashMap<(Kind, String), String> = HashMap::new();

    for (kind, items, file) in [
        (Kind::Application, &src.app_roles, APP_ROLES),
        (Kind::Delegated, &src.delegate_roles, DELEGATE_ROLES),
    ] {
        for item in items {
            let name = safe_text(file, field_str(item, "Value").unwrap_or(""))?;
            if name.is_empty() {
                report.note(
                    Section::Catalog,
                    "service principal entry without a value: left out",
                    format!("{file}: {item}"),
                );
                continue;
            }
            let id = field_str(item, "Id").unwrap_or("").trim().to_ascii_lowercase();
            if !is_guid(&id) {
                return Err(format!("{file}: {name}: id {id:?} is not a GUID"));
            }
            if kind == Kind::Application {
                let members: Vec<&str> = field(item, "AllowedMemberTypes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if !members.contains(&"Application") {
                    report.note(
                        Section::Catalog,
                        "app role not assignable to applications (kept: it is on the service principal)",
                        format!("{name} ({})", members.join(", ")),
                    );
                }
            }
            let (admin_consent, display) = match kind {
                // App roles are only ever granted by an administrator.
                Kind::Application => (Some(true), field_str(item, "DisplayName")),
                Kind::Delegated => {
                    let consent = match field_str(item, "Type") {
                        Some("Admin") => Some(true),
                        Some("User") => Some(false),
                        other => {
                            report.note(
                                Section::Catalog,
                                "delegated scope with a consent type other than Admin/User (admin_consent null)",
                                format!("{name}: {other:?}"),
                            );
                            None
                        }
                    };
                    (consent, field_str(item, "AdminConsentDisplayName"))
                }
            };
            if let (Some(ours), Some(model)) = (admin_consent, src.requires_admin_consent(&name, kind))
                && ours != model
            {
                report.note(
                    Section::Catalog,
                    "admin consent: the service principal and permissions.json disagree (service principal kept)",
                    format!(
                        "{} {name}: service principal {}, permissions.json requiresAdminConsent {model}",
                        kind.as_str(),
                        if kind == Kind::Application {
                            "app role (admin)".to_string()
                        } else {
                            format!("Type {}", field_str(item, "Type").unwrap_or("?"))
                        }
                    ),
                );
            }
            let enabled = field(item, "IsEnabled").and_then(Value::as_bool);
            compare_with_provisioning(src, kind, &name, &id, enabled, report);
            if src.scheme(&name, kind).is_none() {
                report.note(
                    Section::Catalog,
                    "on the service principal but not in permissions.json (privilege_level null, no operations)",
                    format!("{} {name}", kind.as_str()),
                );
            }
            if let Some(other) = sp_ids.insert((kind, id.clone()), name.clone()) {
                return Err(format!("{file}: {name} and {other} share the id {id}"));
            }
            if on_sp.insert((kind, name.clone()), id.clone()).is_some() {
                return Err(format!("{file}: {name} is listed twice"));
            }
            entries.push(Entry {
                kind,
                privilege_level: src.privilege_level(&name, kind, report),
                display_name: safe_opt(file, display)?,
                rsc: src.is_rsc(&name),
                name,
                id,
                admin_consent,
                enabled,
                provisioning_only: false,
            });
        }
    }

    // What the provisioning map adds: published permissions the service principal
    // snapshot does not carry (resource-specific consent, newer permissions).
    let mut provisioned_ids: HashMap<(Kind, String), String> = HashMap::new();
    for ((scheme, name), d) in &src.provisioning {
        let Some(kind) = Kind::of_scheme(scheme) else {
            if scheme == "DelegatedPersonal" {
                report.note(
                    Section::Catalog,
                    "provisioningInfo deployment for DelegatedPersonal (personal Microsoft accounts): ignored",
                    name.clone(),
                );
            } else {
                report.note(
                    Section::Catalog,
                    "provisioning scheme not understood: ignored",
                    format!("{scheme} {name}"),
                );
            }
            continue;
        };
        if on_sp.contains_key(&(kind, name.clone())) {
            continue;
        }
        let what = format!("{} {name}", kind.as_str());
        if d["isHidden"].as_bool() != Some(false) {
            report.note(
                Section::Catalog,
                "only in provisioningInfo and hidden (isHidden not false): not published, left out",
                what,
            );
            continue;
        }
        let raw_id = d["id"].as_str().unwrap_or("").trim();
        if raw_id.is_empty() {
            report.note(
                Section::Catalog,
                "only in provisioningInfo, without an id: left out",
                what,
            );
            continue;
        }
        let id = raw_id.to_ascii_lowercase();
        if !is_guid(&id) {
            report.note(
                Section::Catalog,
                "only in provisioningInfo, id is not a GUID: left out",
                format!("{what}: {raw_id:?}"),
            );
            continue;
        }
        if let Some(sp_name) = sp_ids.get(&(kind, id.clone())) {
            report.note(
                Section::Catalog,
                "only in provisioningInfo, its GUID is another name's on the service principal: left out",
                format!("{what}: {id} is {sp_name}"),
            );
            continue;
        }
        if let Some(other) = provisioned_ids.insert((kind, id.clone()), name.clone()) {
            return Err(format!(
                "{DEVX_PROVISIONING}: {name} and {other} share the {} id {id}",
                kind.as_str()
            ));
        }
        let rsc = src.is_rsc(name);
        let admin_consent = match kind {
            // A tenant-wide app role is only ever granted by an administrator; a
            // resource-specific one is consented on the team or chat, so take
            // Microsoft's flag for it.
            Kind::Application if !rsc => Some(true),
            _ => src.requires_admin_consent(name, kind),
        };
        report.note(
            Section::Catalog,
            "only in provisioningInfo, published with a GUID: kept with provisioning_only",
            format!("{what}{}", if rsc { " (RSC)" } else { "" }),
        );
        let display = src.scheme(name, kind).and_then(|s| s["adminDisplayName"].as_str());
        entries.push(Entry {
            kind,
            name: safe_text(DEVX_PROVISIONING, name)?,
            id,
            admin_consent,
            display_name: safe_opt(DEVX_PERMISSIONS, display)?,
            privilege_level: src.privilege_level(name, kind, report),
            enabled: d["isEnabled"].as_bool(),
            provisioning_only: true,
            rsc,
        });
    }

    // Names in Microsoft's permission model that no GUID source lists.
    let known: BTreeSet<(Kind, &str)> = entries.iter().map(|e| (e.kind, e.name.as_str())).collect();
    for (name, p) in &src.model {
        for scheme in p["schemes"].as_object().into_iter().flat_map(|s| s.keys()) {
            match Kind::of_scheme(scheme) {
                Some(kind) if !known.contains(&(kind, name.as_str())) => {
                    if !src.provisioning.contains_key(&(scheme.clone(), name.clone())) {
                        report.note(
                            Section::Catalog,
                            "in permissions.json only, with no GUID anywhere: left out",
                            format!("{} {name}", kind.as_str()),
                        );
                    }
                }
                Some(_) => {}
                None => report.note(
                    Section::Catalog,
                    "permissions.json scheme for DelegatedPersonal (personal Microsoft accounts): ignored",
                    format!("{scheme} {name}"),
                ),
            }
        }
    }
    entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(entries)
}

/// Notes where the provisioning map disagrees with the service principal (which is kept).
fn compare_with_provisioning(
    src: &GraphSources,
    kind: Kind,
    name: &str,
    id: &str,
    enabled: Option<bool>,
    report: &mut Report,
) {
    let what = format!("{} {name}", kind.as_str());
    let Some(d) = src.provisioning.get(&(kind.scheme().to_string(), name.to_string())) else {
        report.note(
            Section::Catalog,
            "on the service principal but not in provisioningInfo (kept)",
            what,
        );
        return;
    };
    let prov_id = d["id"].as_str().unwrap_or("").trim();
    if prov_id.is_empty() {
        report.note(
            Section::Catalog,
            "provisioningInfo lists it without an id (service principal GUID kept)",
            what.clone(),
        );
    } else if !prov_id.eq_ignore_ascii_case(id) {
        report.note(
            Section::Catalog,
            "GUIDs differ: provisioningInfo has another id (service principal GUID kept)",
            format!("{what}: service principal {id}, provisioningInfo {prov_id}"),
        );
    }
    if let (Some(sp), Some(prov)) = (enabled, d["isEnabled"].as_bool())
        && sp != prov
    {
        report.note(
            Section::Catalog,
            "enabled: service principal and provisioningInfo disagree (service principal kept)",
            format!("{what}: service principal {sp}, provisioningInfo {prov}"),
        );
    }
    if d["isHidden"].as_bool() == Some(true) {
        report.note(
            Section::Catalog,
            "hidden in provisioningInfo but on the service principal (kept)",
            what,
        );
    }
}

/// The application and delegated tables of a first-party service principal.
fn markdown_permissions(reference: &Path, file: &str, report: &mut Report) -> Result<Vec<Entry>> {
    let path = reference.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut entries = Vec::new();
    let mut kind = None;
    let mut columns: Option<Vec<String>> = None;
    for (n, line) in text.lines().enumerate() {
        let at = format!("{file}:{}", n + 1);
        let line = line.trim();
        if line.starts_with('#') {
            let heading = line.to_ascii_lowercase();
            kind = if heading.contains("application permissions") {
                Some(Kind::Application)
            } else if heading.contains("delegated permissions") {
                Some(Kind::Delegated)
            } else {
                None
            };
            columns = None;
            continue;
        }
        let (Some(kind), Some(row)) = (kind, line.strip_prefix('|')) else {
            continue;
        };
        let cells: Vec<&str> = row.trim_end_matches('|').split('|').map(str::trim).collect();
        let Some(cols) = &columns else {
            columns = Some(cells.iter().map(|c| c.to_ascii_lowercase()).collect());
            continue;
        };
        if cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) {
            continue;
        }
        let cell = |name: &str| cols.iter().position(|c| c == name).and_then(|i| cells.get(i)).copied();
        let (Some(name), Some(id)) = (cell("role"), cell("role id")) else {
            return Err(format!("{at}: a row without Role and Role Id columns"));
        };
        if cells.len() != cols.len() {
            return Err(format!("{at}: {} cells under {} columns", cells.len(), cols.len()));
        }
        let id = id.to_ascii_lowercase();
        if !is_guid(&id) {
            return Err(format!("{at}: {name}: id {id:?} is not a GUID"));
        }
        entries.push(Entry {
            kind,
            name: safe_text(&at, name)?,
            id,
            // App roles are only ever granted by an administrator; the tables say
            // nothing about the consent type of a delegated scope.
            admin_consent: (kind == Kind::Application).then_some(true),
            display_name: safe_opt(&at, cell("display name"))?,
            privilege_level: None,
            enabled: None,
            provisioning_only: false,
            rsc: false,
        });
    }
    if entries.len() < 2 {
        return Err(format!("{file}: only {} permissions read", entries.len()));
    }
    entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    for pair in entries.windows(2) {
        if pair[0].kind == pair[1].kind && pair[0].name == pair[1].name {
            report.note(
                Section::Catalog,
                "one name, two GUIDs on the same service principal (both kept)",
                format!(
                    "{file}: {} {}: {} and {}",
                    pair[0].kind.as_str(),
                    pair[0].name,
                    pair[0].id,
                    pair[1].id
                ),
            );
        }
    }
    Ok(entries)
}

fn check_unique_ids(api: &str, entries: &[Entry]) -> Result<()> {
    let mut seen = HashMap::new();
    for e in entries {
        if let Some(other) = seen.insert((e.kind, e.id.as_str()), e.name.as_str()) {
            return Err(format!(
                "{api}: {} {} and {other} share the id {}",
                e.kind.as_str(),
                e.name,
                e.id
            ));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ operations

/// One of Microsoft's path sets, for the kinds a work tenant grants.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct PathSet {
    kinds: Vec<Kind>,
    methods: Vec<String>,
    /// Path to (kinds it is least privileged for, also-required permissions).
    paths: BTreeMap<String, (Vec<Kind>, Vec<String>)>,
}

fn graph_operations(src: &GraphSources, report: &mut Report) -> Result<BTreeMap<(String, String), Vec<PathSet>>> {
    let mut out = BTreeMap::new();
    for (name, p) in &src.model {
        let mut sets = Vec::new();
        for (i, ps) in p["pathSets"].as_array().into_iter().flatten().enumerate() {
            let at = format!("{DEVX_PERMISSIONS}: {name} pathSets[{i}]");
            let mut kinds = Vec::new();
            let mut personal = false;
            for s in ps["schemeKeys"].as_array().into_iter().flatten() {
                match s.as_str() {
                    Some("DelegatedPersonal") => personal = true,
                    Some(s) => kinds.push(Kind::of_scheme(s).ok_or_else(|| format!("{at}: scheme {s}"))?),
                    None => return Err(format!("{at}: a scheme key that is not a string")),
                }
            }
            kinds.sort();
            kinds.dedup();
            let mut methods = Vec::new();
            for m in ps["methods"].as_array().into_iter().flatten() {
                let m = m
                    .as_str()
                    .ok_or_else(|| format!("{at}: a method that is not a string"))?;
                let m = m.trim().to_ascii_uppercase();
                if !matches!(m.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
                    return Err(format!("{at}: method {m}"));
                }
                methods.push(m);
            }
            methods.sort();
            methods.dedup();
            let Some(paths) = ps["paths"].as_object() else {
                return Err(format!("{at}: no paths object"));
            };
            if kinds.is_empty() {
                report.note(
                    Section::Operations,
                    "path set for DelegatedPersonal only (personal accounts): left out",
                    format!("{name}: {} path(s)", paths.len()),
                );
                continue;
            }
            if personal {
                report.note(
                    Section::Operations,
                    "path set also for DelegatedPersonal: kept for its work-tenant kinds",
                    name.clone(),
                );
            }
            if paths.is_empty() || methods.is_empty() {
                report.note(
                    Section::Operations,
                    "path set without paths or methods: left out",
                    format!("{name} pathSets[{i}]"),
                );
                continue;
            }
            let mut set = PathSet {
                kinds: kinds.clone(),
                methods,
                paths: BTreeMap::new(),
            };
            for (path, value) in paths {
                let value = value
                    .as_str()
                    .ok_or_else(|| format!("{at}: {path}: value is not a string"))?;
                let (least, also) = path_value(&at, path, value, &kinds, report)?;
                let path = safe_text(&at, path)?;
                if set.paths.insert(path.clone(), (least, also)).is_some() {
                    return Err(format!("{at}: {path} twice"));
                }
            }
            sets.push(set);
        }
        if sets.is_empty() {
            report.note(
                Section::Operations,
                "permission without a work-tenant path: no entry",
                name.clone(),
            );
            continue;
        }
        sets.sort();
        out.insert((name.to_lowercase(), safe_text(DEVX_PERMISSIONS, name)?), sets);
    }
    Ok(out)
}

/// Reads Microsoft's `least=A,B;AlsoRequires=X,Y` annotation of a path.
fn path_value(
    at: &str,
    path: &str,
    value: &str,
    kinds: &[Kind],
    report: &mut Report,
) -> Result<(Vec<Kind>, Vec<String>)> {
    let mut least = Vec::new();
    let mut also = Vec::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, list) = part.split_once('=').ok_or_else(|| format!("{at}: {path}: {part:?}"))?;
        let items = list.split(',').map(str::trim).filter(|s| !s.is_empty());
        match key.trim() {
            "least" => {
                for s in items {
                    match Kind::of_scheme(s) {
                        Some(k) if kinds.contains(&k) => least.push(k),
                        Some(k) => {
                            return Err(format!(
                                "{at}: {path}: least for {}, not a scheme of the set",
                                k.as_str()
                            ));
                        }
                        None if s == "DelegatedPersonal" => report.note(
                            Section::Operations,
                            "least= names DelegatedPersonal for a path: that mention not carried",
                            format!("{at}: {path}"),
                        ),
                        None => return Err(format!("{at}: {path}: least for unknown scheme {s}")),
                    }
                }
            }
            "AlsoRequires" => {
                for s in items {
                    also.push(safe_text(at, s)?);
                }
            }
            other => return Err(format!("{at}: {path}: unknown annotation {other:?}")),
        }
    }
    least.sort();
    least.dedup();
    also.sort();
    also.dedup();
    Ok((least, also))
}

// ------------------------------------------------------------------ writing

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "null".into())
}

fn reference_hashes(reference: &Path) -> Result<HashMap<&'static str, String>> {
    use sha2::Digest;
    let mut out = HashMap::new();
    for (file, _, _) in UPSTREAM {
        let path = reference.join(file);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        out.insert(
            *file,
            sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        );
    }
    Ok(out)
}

fn source_block(
    date: &str,
    files: &[&str],
    hashes: &HashMap<&'static str, String>,
    excluded: &[(String, usize)],
) -> String {
    let mut s = String::new();
    s.push_str("  \"source\": {\n");
    let _ = writeln!(s, "    \"generator\": \"examples/refresh_catalog.rs\",");
    let _ = writeln!(
        s,
        "    \"command\": \"cargo run --example refresh_catalog -- ../shared/reference\","
    );
    let _ = writeln!(s, "    \"generated\": {},", json(date));
    s.push_str("    \"references\": [\n");
    let rows: Vec<String> = files
        .iter()
        .map(|f| {
            let (_, repo, path) = UPSTREAM.iter().find(|(x, _, _)| x == f).copied().unwrap_or((f, "", ""));
            format!(
                "      {{\"file\": {}, \"repository\": {}, \"path\": {}, \"sha256\": {}}}",
                json(f),
                json(repo),
                json(path),
                json(hashes.get(f).map(String::as_str).unwrap_or(""))
            )
        })
        .collect();
    s.push_str(&rows.join(",\n"));
    s.push_str("\n    ],\n    \"excluded\": {");
    let rows: Vec<String> = excluded
        .iter()
        .map(|(why, n)| format!("\n      {}: {n}", json(why)))
        .collect();
    s.push_str(&rows.join(","));
    s.push_str(if rows.is_empty() { "}\n  }" } else { "\n    }\n  }" });
    s
}

fn render_permissions(source: &str, resources: &[Resource]) -> String {
    let mut s = String::from("{\n  \"$schema\": \"./permissions.schema.json\",\n");
    s.push_str(source);
    s.push_str(",\n  \"resources\": [\n");
    let blocks: Vec<String> = resources
        .iter()
        .map(|r| {
            let rows: Vec<String> = r
                .permissions
                .iter()
                .map(|e| {
                    let mut row = format!(
                        "      {{\"type\": \"{}\", \"name\": {}, \"id\": \"{}\", \"admin_consent\": {}, \"display_name\": {}, \"privilege_level\": {}, \"enabled\": {}",
                        e.kind.as_str(),
                        json(&e.name),
                        e.id,
                        opt(e.admin_consent),
                        e.display_name.as_deref().map(json).unwrap_or_else(|| "null".into()),
                        opt(e.privilege_level),
                        opt(e.enabled),
                    );
                    if e.provisioning_only {
                        row.push_str(", \"provisioning_only\": true");
                    }
                    if e.rsc {
                        row.push_str(", \"rsc\": true");
                    }
                    row.push('}');
                    row
                })
                .collect();
            format!(
                "    {{\"api\": {}, \"app_id\": \"{}\", \"permissions\": [\n{}\n    ]}}",
                json(&r.api),
                r.app_id,
                rows.join(",\n")
            )
        })
        .collect();
    s.push_str(&blocks.join(",\n"));
    s.push_str("\n  ]\n}\n");
    s
}

fn kinds_json(kinds: &[Kind]) -> String {
    let items: Vec<String> = kinds.iter().map(|k| format!("\"{}\"", k.as_str())).collect();
    format!("[{}]", items.join(", "))
}

fn list_json(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| json(s)).collect();
    format!("[{}]", items.join(", "))
}

fn render_operations(source: &str, operations: &BTreeMap<(String, String), Vec<PathSet>>) -> String {
    let mut s = String::from("{\n  \"$schema\": \"./graph-operations.schema.json\",\n");
    s.push_str(source);
    let _ = write!(s, ",\n  \"resource_app_id\": \"{GRAPH}\",\n  \"permissions\": {{\n");
    let perms: Vec<String> = operations
        .iter()
        .map(|((_, name), sets)| {
            let sets: Vec<String> = sets
                .iter()
                .map(|set| {
                    let paths: Vec<String> = set
                        .paths
                        .iter()
                        .map(|(path, (least, also))| {
                            let mut fields = Vec::new();
                            if !least.is_empty() {
                                fields.push(format!("\"least\": {}", kinds_json(least)));
                            }
                            if !also.is_empty() {
                                fields.push(format!("\"also_requires\": {}", list_json(also)));
                            }
                            format!("        {}: {{{}}}", json(path), fields.join(", "))
                        })
                        .collect();
                    format!(
                        "      {{\"kinds\": {}, \"methods\": {}, \"paths\": {{\n{}\n      }}}}",
                        kinds_json(&set.kinds),
                        list_json(&set.methods),
                        paths.join(",\n")
                    )
                })
                .collect();
            format!("    {}: [\n{}\n    ]", json(name), sets.join(",\n"))
        })
        .collect();
    s.push_str(&perms.join(",\n"));
    s.push_str("\n  }\n}\n");
    s
}

/// The `source.generated` date of a file this program wrote.
fn generated_date(text: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(text).ok()?;
    doc["source"]["generated"]
        .as_str()
        .filter(|d| is_date(d))
        .map(str::to_string)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Today's date (UTC), or `SOURCE_DATE_EPOCH`'s when set.
fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

// ------------------------------------------------------------------ report

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Catalog,
    Operations,
}

/// Every decision taken over the references, by reason, with the entries it touched.
#[derive(Default)]
struct Report {
    notes: BTreeMap<(Section, String), Vec<String>>,
}

impl Report {
    fn note(&mut self, section: Section, why: &str, what: String) {
        self.notes.entry((section, why.to_string())).or_default().push(what);
    }

    /// The reasons that left something out or ignored it, with counts, for `source.excluded`.
    fn excluded_summary(&self, section: Section) -> Vec<(String, usize)> {
        self.notes
            .iter()
            .filter(|((s, why), _)| {
                *s == section && (why.contains("left out") || why.contains("ignored") || why.contains("not carried"))
            })
            .map(|((_, why), list)| (why.clone(), list.len()))
            .collect()
    }

    fn text(&self, verbose: bool) -> String {
        let mut out = String::new();
        for ((section, why), list) in &self.notes {
            let section = match section {
                Section::Catalog => "permissions",
                Section::Operations => "operations",
            };
            let _ = writeln!(out, "[{section}] {why}: {}", list.len());
            let shown = if verbose { list.len() } else { SHOWN.min(list.len()) };
            for what in &list[..shown] {
                let _ = writeln!(out, "    {what}");
            }
            if shown < list.len() {
                let _ = writeln!(out, "    ... and {} more (--verbose lists them)", list.len() - shown);
            }
        }
        out
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
}

fn counts_text(resources: &[Resource], operations: &BTreeMap<(String, String), Vec<PathSet>>) -> String {
    let mut out = String::from("permissions per resource and kind:\n");
    for r in resources {
        for kind in [Kind::Application, Kind::Delegated] {
            let of_kind: Vec<&Entry> = r.permissions.iter().filter(|e| e.kind == kind).collect();
            let extra = of_kind.iter().filter(|e| e.provisioning_only).count();
            let _ = writeln!(
                out,
                "  {:<30} {:<11} {:>5}{}",
                r.api,
                kind.as_str(),
                of_kind.len(),
                if extra > 0 {
                    format!(" ({extra} provisioning_only)")
                } else {
                    String::new()
                }
            );
        }
    }
    let mut per_kind: BTreeMap<Kind, (usize, usize, usize)> = BTreeMap::new();
    for sets in operations.values() {
        for kind in [Kind::Application, Kind::Delegated] {
            let mut ops = BTreeSet::new();
            let mut least = BTreeSet::new();
            for set in sets.iter().filter(|s| s.kinds.contains(&kind)) {
                for (path, (l, _)) in &set.paths {
                    for m in &set.methods {
                        ops.insert((m.as_str(), path.as_str()));
                        if l.contains(&kind) {
                            least.insert((m.as_str(), path.as_str()));
                        }
                    }
                }
            }
            if !ops.is_empty() {
                let e = per_kind.entry(kind).or_default();
                e.0 += 1;
                e.1 += ops.len();
                e.2 += least.len();
            }
        }
    }
    out.push_str("Graph operations (distinct method and path per permission):\n");
    for (kind, (perms, ops, least)) in per_kind {
        let _ = writeln!(
            out,
            "  {:<11} {perms:>5} permissions, {ops:>6} operations, {least:>6} least privileged",
            kind.as_str()
        );
    }
    out
}
