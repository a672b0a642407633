//! Microsoft's permission catalog as embedded (`data/microsoft/`), held against
//! the published references it was generated from.
//!
//! The tests that need `../shared/reference` (Microsoft Graph's service principal
//! exports, Microsoft's permission model and provisioning map, the Exchange,
//! SharePoint and Azure DevOps tables) say `SKIPPED:` and pass when it is
//! absent; the tests of the embedded data alone always run. Counts are printed
//! (`cargo test --test microsoft_catalog -- --nocapture`).

mod common;

use permscope::model::microsoft::{
    self, GRAPH_APP_ID, GraphOperations, HttpMethod, MicrosoftCatalog, MicrosoftPermission, OperationMap,
};
use permscope::model::permission::PermissionKind;
use permscope::model::read::microsoft::{graph_operation_names, parse_bundled_operations, parse_bundled_permissions};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";
const SHAREPOINT: &str = "00000003-0000-0ff1-ce00-000000000000";
const DEVOPS: &str = "499b84ac-1321-427f-aa17-267ca6975798";
const APP: PermissionKind = PermissionKind::Application;
const DEL: PermissionKind = PermissionKind::Delegated;

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

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A field in either casing (`Value` or `value`).
fn field<'v>(object: &'v Value, pascal: &str) -> Option<&'v Value> {
    let mut chars = pascal.chars();
    let camel = chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default();
    object.get(pascal).or_else(|| object.get(&camel))
}

fn field_str<'v>(object: &'v Value, pascal: &str) -> &'v str {
    field(object, pascal).and_then(Value::as_str).unwrap_or("").trim()
}

fn catalog() -> MicrosoftCatalog {
    MicrosoftCatalog::bundled()
}

fn guid(c: &MicrosoftCatalog, app: &str, kind: PermissionKind, name: &str) -> Option<String> {
    c.get(app, kind, name).map(|p| p.id.to_string())
}

// ------------------------------------------------------------------ reference readers

/// One permission as a reference file states it.
#[derive(Debug, Clone)]
struct RefPerm {
    kind: PermissionKind,
    name: String,
    id: String,
    admin_consent: Option<bool>,
    display_name: String,
    enabled: Option<bool>,
}

/// Microsoft Graph's service principal: app roles and delegated scopes.
fn graph_service_principal(reference: &Path) -> Vec<RefPerm> {
    let mut out = Vec::new();
    for (file, kind) in [
        ("graph/merill-microsoft-info_GraphAppRoles.json", APP),
        ("graph/merill-microsoft-info_GraphDelegateRoles.json", DEL),
    ] {
        let doc = read_json(&reference.join(file));
        for item in doc.as_array().unwrap_or_else(|| panic!("{file}: expected an array")) {
            let (consent, display) = match kind {
                PermissionKind::Application => (Some(true), field_str(item, "DisplayName")),
                PermissionKind::Delegated => (
                    match field_str(item, "Type") {
                        "Admin" => Some(true),
                        "User" => Some(false),
                        _ => None,
                    },
                    field_str(item, "AdminConsentDisplayName"),
                ),
            };
            out.push(RefPerm {
                kind,
                name: field_str(item, "Value").to_string(),
                id: field_str(item, "Id").to_ascii_lowercase(),
                admin_consent: consent,
                display_name: display.to_string(),
                enabled: field(item, "IsEnabled").and_then(Value::as_bool),
            });
        }
    }
    assert!(
        out.len() > 1000,
        "Graph service principal exports look truncated: {}",
        out.len()
    );
    out
}

/// The Markdown tables of the Exchange, SharePoint and Azure DevOps service principals.
fn markdown_tables(reference: &Path) -> Vec<(&'static str, RefPerm)> {
    let mut out = Vec::new();
    for (app, file) in [
        (
            EXCHANGE,
            "exchange-sharepoint-devops/first-party_Office365ExchangeOnline.md",
        ),
        (
            SHAREPOINT,
            "exchange-sharepoint-devops/first-party_Office365SharePointOnline.md",
        ),
        (DEVOPS, "exchange-sharepoint-devops/first-party_AzureDevOps.md"),
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
                    Some(APP)
                } else if heading.contains("delegated permissions") {
                    Some(DEL)
                } else {
                    None
                };
                continue;
            }
            let (Some(kind), Some(row)) = (kind, line.strip_prefix('|')) else {
                continue;
            };
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            if cells.len() < 3 || cells[0] == "Role" || cells[0].starts_with("---") {
                continue;
            }
            out.push((
                app,
                RefPerm {
                    kind,
                    name: cells[0].to_string(),
                    id: cells[1].to_ascii_lowercase(),
                    // App roles: only an administrator grants them; the tables say
                    // nothing of a delegated scope's consent type.
                    admin_consent: (kind == APP).then_some(true),
                    display_name: cells[2].to_string(),
                    enabled: None,
                },
            ));
            found += 1;
        }
        assert!(found > 10, "{file}: only {found} permissions read");
    }
    out
}

/// Microsoft's permission model (`permissions` of permissions.json).
fn permission_model(reference: &Path) -> serde_json::Map<String, Value> {
    match read_json(&reference.join("graph/msgraph-devx-content_permissions.json")).get("permissions") {
        Some(Value::Object(m)) => m.clone(),
        _ => panic!("permissions.json: no permissions object"),
    }
}

/// Microsoft's provisioning map: (scheme, name) to deployment.
fn provisioning(reference: &Path) -> BTreeMap<(String, String), Value> {
    let doc = read_json(&reference.join("graph/msgraph-devx-content_provisioningInfo.json"));
    let mut out = BTreeMap::new();
    for (name, list) in doc["permissionDeployments"].as_object().expect("permissionDeployments") {
        for d in list.as_array().into_iter().flatten() {
            let scheme = d["scheme"].as_str().unwrap_or("").to_string();
            out.insert((scheme, name.clone()), d.clone());
        }
    }
    out
}

fn scheme(kind: PermissionKind) -> &'static str {
    match kind {
        PermissionKind::Application => "Application",
        PermissionKind::Delegated => "DelegatedWork",
    }
}

// ------------------------------------------------------------------ embedded data alone

#[test]
fn embedded_files_parse_whole_and_count() {
    let parsed = parse_bundled_permissions().unwrap_or_else(|e| panic!("{e}"));
    let operations = parse_bundled_operations().unwrap_or_else(|e| panic!("{e}"));
    let c = catalog();
    println!(
        "permissions per resource and kind (catalog generated {:?}):",
        c.generated()
    );
    let mut total = 0;
    for (api, app) in c.resources() {
        for kind in [APP, DEL] {
            let n = c.permissions(app, kind).len();
            assert_eq!(n, parsed.permissions(app, kind).len(), "{api} {kind}");
            println!("  {api:<30} {kind:<11} {n:>5}");
            total += n;
        }
    }
    println!("  total {total}; Graph permissions with operations: {operations}");
    assert_eq!(total, c.len());
    let names: Vec<&str> = c.resources().iter().map(|(api, _)| *api).collect();
    assert_eq!(
        names,
        [
            "Microsoft Graph",
            "Office 365 Exchange Online",
            "Office 365 SharePoint Online",
            "Azure DevOps"
        ],
        "the four resources, in the order of data/apis.json"
    );
    // Far more than the ~80 permissions the bundled vendors name.
    assert!(c.permissions(GRAPH_APP_ID, APP).len() > 700);
    assert!(c.permissions(GRAPH_APP_ID, DEL).len() > 750);
    assert!(c.permissions(EXCHANGE, APP).len() > 20 && c.permissions(EXCHANGE, DEL).len() > 40);
    assert!(c.permissions(SHAREPOINT, APP).len() > 15 && c.permissions(SHAREPOINT, DEL).len() > 20);
    assert!(!c.permissions(DEVOPS, APP).is_empty() && c.permissions(DEVOPS, DEL).len() > 50);
    assert!(operations > 800);
    assert_eq!(graph_operation_names().len(), operations);
    assert!(c.generated().is_some_and(|d| d.len() == 10));
}

#[test]
fn the_resource_app_ids_match_data_apis_json() {
    let apis = read_json(&manifest_dir().join("data/apis.json"));
    let known: BTreeMap<&str, &str> = apis["apis"]
        .as_array()
        .expect("apis")
        .iter()
        .map(|a| (a["app_id"].as_str().unwrap_or(""), a["name"].as_str().unwrap_or("")))
        .collect();
    for (api, app) in catalog().resources() {
        assert_eq!(known.get(app), Some(&api), "{app}");
    }
}

#[test]
fn well_known_permissions_carry_their_guids() {
    let c = catalog();
    let cases = [
        (GRAPH_APP_ID, APP, "Mail.Send", "b633e1c5-b582-4048-a93e-9f11b44c7e96"),
        (GRAPH_APP_ID, DEL, "Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0"),
        (
            GRAPH_APP_ID,
            APP,
            "User.Read.All",
            "df021288-bdef-4463-88db-98f22de89214",
        ),
        (
            GRAPH_APP_ID,
            APP,
            "User.ReadWrite.All",
            "741f803b-c850-494e-b5df-cde7c675a1ca",
        ),
        (GRAPH_APP_ID, DEL, "User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d"),
        (
            GRAPH_APP_ID,
            APP,
            "Calendars.ReadWrite",
            "ef54d2bf-783f-4e0f-bca1-3210c0444d99",
        ),
        (
            EXCHANGE,
            APP,
            "Calendars.ReadWrite.All",
            "ef54d2bf-783f-4e0f-bca1-3210c0444d99",
        ),
        (
            EXCHANGE,
            APP,
            "full_access_as_app",
            "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
        ),
        (
            SHAREPOINT,
            APP,
            "Sites.FullControl.All",
            "678536fe-1083-478a-9c59-b99265e6b0d3",
        ),
        (SHAREPOINT, APP, "User.Read.All", "df021288-bdef-4463-88db-98f22de89214"),
        (
            DEVOPS,
            DEL,
            "user_impersonation",
            "ee69721e-6c3a-468f-a9ec-302d16a4c599",
        ),
    ];
    for (app, kind, name, id) in cases {
        assert_eq!(guid(&c, app, kind, name).as_deref(), Some(id), "{app} {kind} {name}");
        assert_eq!(
            c.name_of(app, kind, &id.to_uppercase()),
            Some(name),
            "{app} {kind} {id}"
        );
    }
    // One GUID, two names on two resources: keyed on the resource, never on the GUID alone.
    assert_eq!(
        c.name_of(GRAPH_APP_ID, APP, "ef54d2bf-783f-4e0f-bca1-3210c0444d99"),
        Some("Calendars.ReadWrite")
    );
    assert_eq!(
        c.name_of(EXCHANGE, APP, "ef54d2bf-783f-4e0f-bca1-3210c0444d99"),
        Some("Calendars.ReadWrite.All")
    );
    assert_eq!(
        c.name_of(GRAPH_APP_ID, DEL, "b633e1c5-b582-4048-a93e-9f11b44c7e96"),
        None,
        "kinds are apart"
    );

    let send = c.get(GRAPH_APP_ID, APP, "Mail.Send").expect("Mail.Send");
    assert_eq!(send.admin_consent, Some(true));
    assert_eq!(send.display_name.as_deref(), Some("Send mail as any user"));
    assert_eq!(send.enabled, Some(true));
    let user_read = c.get(GRAPH_APP_ID, DEL, "User.Read").expect("User.Read");
    assert_eq!(
        user_read.admin_consent,
        Some(false),
        "users consent to User.Read themselves"
    );
    assert_eq!(
        c.get(DEVOPS, DEL, "user_impersonation").map(|p| p.admin_consent),
        Some(None),
        "the DevOps table does not say"
    );
    assert_eq!(
        c.get(EXCHANGE, APP, "full_access_as_app")
            .and_then(|p| p.privilege_level),
        None
    );
}

#[test]
fn the_catalog_spells_it() {
    let c = catalog();
    assert_eq!(
        c.spelled_differently(GRAPH_APP_ID, APP, "mail.readwrite"),
        Some("Mail.ReadWrite")
    );
    assert_eq!(c.spelled_differently(GRAPH_APP_ID, APP, "Mail.ReadWrite"), None);
    assert_eq!(
        c.spelled_differently(EXCHANGE, APP, "FULL_ACCESS_AS_APP"),
        Some("full_access_as_app")
    );
    assert_eq!(c.spelling(GRAPH_APP_ID, DEL, "files.read.all"), Some("Files.Read.All"));
    assert_eq!(c.spelling(GRAPH_APP_ID, DEL, "Files.Reed.All"), None);
}

#[test]
fn ids_are_lower_case_guids_unique_per_resource_and_kind() {
    let c = catalog();
    for (api, app) in c.resources() {
        for kind in [APP, DEL] {
            let mut seen = BTreeSet::new();
            for (name, p) in c.permissions(app, kind) {
                assert!(microsoft::guid_value(&p.id).is_some(), "{api} {kind} {name}: {}", p.id);
                assert_eq!(p.id, p.id.to_ascii_lowercase(), "{api} {kind} {name}");
                assert!(seen.insert(p.id.to_string()), "{api} {kind}: {} twice", p.id);
                assert_eq!(
                    c.name_of(app, kind, &p.id),
                    Some(name),
                    "{api} {kind} {name}: the GUID index"
                );
                if let Some(level) = p.privilege_level {
                    assert!((1..=5).contains(&level), "{api} {kind} {name}: {level}");
                }
                if let Some(display) = &p.display_name {
                    assert!(!display.trim().is_empty() && display.len() < 200, "{name}: {display:?}");
                }
            }
        }
    }
}

#[test]
fn insert_extends_a_run_as_a_tenant_export_would() {
    let mut c = catalog();
    let before = c.len();
    let id = "0a1b2c3d-0000-4000-8000-000000000001";
    let mut p = MicrosoftPermission::new(&id.to_uppercase());
    p.admin_consent = Some(true);
    c.insert(GRAPH_APP_ID, APP, "Tenant.Private.All", p);
    assert_eq!(c.name_of(GRAPH_APP_ID, APP, id), Some("Tenant.Private.All"));
    assert_eq!(guid(&c, GRAPH_APP_ID, APP, "Tenant.Private.All").as_deref(), Some(id));
    assert_eq!(c.len(), before + 1);
    // Overriding a Microsoft name for the run: the new GUID wins, nothing doubles.
    c.insert(
        GRAPH_APP_ID,
        APP,
        "Mail.Send",
        MicrosoftPermission::new("0a1b2c3d-0000-4000-8000-000000000002"),
    );
    assert_eq!(
        c.name_of(GRAPH_APP_ID, APP, "0a1b2c3d-0000-4000-8000-000000000002"),
        Some("Mail.Send")
    );
    assert_eq!(c.len(), before + 1);
    // Other catalogs (and the shared embedded one) are untouched.
    assert_eq!(catalog().get(GRAPH_APP_ID, APP, "Tenant.Private.All"), None);
    assert_eq!(
        guid(&catalog(), GRAPH_APP_ID, APP, "Mail.Send").as_deref(),
        Some("b633e1c5-b582-4048-a93e-9f11b44c7e96")
    );
}

#[test]
fn misspellings_get_suggestions_and_nonsense_gets_none() {
    let c = catalog();
    let first = |kind, name| c.suggest(GRAPH_APP_ID, kind, name).into_iter().next();
    assert_eq!(first(APP, "Mail.Sned").as_deref(), Some("Mail.Send"));
    assert_eq!(first(DEL, "Mail.Sned").as_deref(), Some("Mail.Send"));
    assert_eq!(first(APP, "User.Reed.All").as_deref(), Some("User.Read.All"));
    assert_eq!(first(APP, "Mail.Raed").as_deref(), Some("Mail.Read"));
    assert_eq!(first(DEL, "user.read").as_deref(), Some("User.Read"), "case alone");
    assert_eq!(
        c.suggest(EXCHANGE, APP, "full_acess_as_app")
            .first()
            .map(String::as_str),
        Some("full_access_as_app")
    );
    for name in ["Mail.Sned", "User.Reed.All", "Directory.ReadWrite.Al"] {
        let s = c.suggest(GRAPH_APP_ID, APP, name);
        assert!(!s.is_empty() && s.len() <= 3, "{name}: {s:?}");
        assert!(
            s.iter()
                .all(|n| c.get(GRAPH_APP_ID, APP, n).is_some() || c.get(GRAPH_APP_ID, DEL, n).is_some())
        );
    }
    for nonsense in [
        "Xyzzy.Plugh",
        "Completely.Made.Up.Permission",
        "zzzz",
        "Banana",
        "1234567890",
        "Q",
    ] {
        for (app, kind) in [(GRAPH_APP_ID, APP), (GRAPH_APP_ID, DEL), (EXCHANGE, APP), (DEVOPS, DEL)] {
            assert_eq!(
                c.suggest(app, kind, nonsense),
                Vec::<String>::new(),
                "{app} {kind} {nonsense}"
            );
        }
    }
}

#[test]
fn graph_operations_of_known_permissions() {
    let c = catalog();
    let listed = |kind, name| -> GraphOperations {
        match c.operations(GRAPH_APP_ID, kind, name) {
            OperationMap::Listed(ops) => ops,
            other => panic!("{kind} {name}: {other:?}"),
        }
    };
    let user_rw = listed(APP, "User.ReadWrite.All");
    assert!(user_rw.grants(HttpMethod::Post, "/users"), "creates users");
    assert!(user_rw.grants(HttpMethod::Delete, "/users/{id}"), "deletes users");
    assert!(user_rw.grants(HttpMethod::Patch, "/users/{id}"));
    assert!(user_rw.count() > 100 && user_rw.least_count() > 0 && user_rw.least_count() <= user_rw.count());
    let post_users = user_rw
        .operations
        .iter()
        .find(|o| o.method == HttpMethod::Post && o.path == "/users")
        .expect("POST /users");
    assert!(
        post_users.least,
        "Microsoft lists User.ReadWrite.All as least privileged to create a user"
    );

    let user_read = listed(APP, "User.Read.All");
    assert!(user_read.grants(HttpMethod::Get, "/users/{id}"));
    assert!(!user_read.grants(HttpMethod::Post, "/users") && !user_read.grants(HttpMethod::Delete, "/users/{id}"));
    assert!(user_read.count() < user_rw.count());

    let send = listed(APP, "Mail.Send");
    assert!(send.operations.iter().all(|o| o.method == HttpMethod::Post), "{send:?}");
    assert!(send.grants(HttpMethod::Post, "/users/{id}/sendmail"));

    // Sorted by path, then method in reading order; no (method, path) twice.
    let keys: Vec<(&str, HttpMethod)> = user_rw.operations.iter().map(|o| (&*o.path, o.method)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted);

    // Microsoft's AlsoRequires facts come through.
    let policy = listed(APP, "Policy.Read.All");
    let also: BTreeSet<&str> = policy
        .operations
        .iter()
        .flat_map(|o| o.also_requires.iter().map(|s| &**s))
        .collect();
    assert!(
        also.contains("Application.ReadWrite.All") && also.contains("Application.ReadWrite.OwnedBy"),
        "{also:?}"
    );

    // Case of the name is forgiven, the kind is not.
    assert_eq!(
        c.operations(GRAPH_APP_ID, APP, "user.readwrite.all"),
        OperationMap::Listed(user_rw)
    );
    assert_eq!(
        c.operations(GRAPH_APP_ID, APP, "No.Such.Permission"),
        OperationMap::NotListed
    );
    assert_eq!(
        c.operations(GRAPH_APP_ID, APP, "User.Read"),
        OperationMap::NotListed,
        "User.Read is delegated only"
    );
}

#[test]
fn no_operation_map_outside_graph() {
    let c = catalog();
    for (app, kind, name) in [
        (EXCHANGE, APP, "full_access_as_app"),
        (EXCHANGE, APP, "Mail.ReadWrite"),
        (SHAREPOINT, APP, "Sites.FullControl.All"),
        (DEVOPS, DEL, "user_impersonation"),
        ("12345678-1234-1234-1234-123456789012", APP, "Mail.Send"),
    ] {
        assert_eq!(
            c.operations(app, kind, name),
            OperationMap::NoPublishedMap,
            "{app} {name}"
        );
        assert!(c.operations(app, kind, name).listed().is_none());
    }
}

// ------------------------------------------------------------------ against the references

#[test]
fn every_reference_guid_is_in_the_catalog_and_back() {
    let Some(reference) = reference_dir() else { return };
    let c = catalog();
    let provisioning = provisioning(&reference);

    // Graph: every service principal entry, GUID for GUID.
    let sp = graph_service_principal(&reference);
    let mut on_sp = BTreeSet::new();
    for r in &sp {
        assert_eq!(
            guid(&c, GRAPH_APP_ID, r.kind, &r.name).as_deref(),
            Some(r.id.as_str()),
            "Graph {} {}",
            r.kind,
            r.name
        );
        assert_eq!(
            c.name_of(GRAPH_APP_ID, r.kind, &r.id),
            Some(r.name.as_str()),
            "Graph {} {}",
            r.kind,
            r.id
        );
        let p = c.get(GRAPH_APP_ID, r.kind, &r.name).expect("present");
        assert!(!p.provisioning_only, "{} is on the service principal", r.name);
        on_sp.insert((r.kind, r.name.clone()));
    }
    // And back: every Graph entry is on the service principal, or published in
    // the provisioning map with that GUID (and marked so).
    let mut extra = 0;
    for kind in [APP, DEL] {
        for (name, p) in c.permissions(GRAPH_APP_ID, kind) {
            if on_sp.contains(&(kind, name.to_string())) {
                continue;
            }
            assert!(p.provisioning_only, "Graph {kind} {name} is in no reference");
            let d = provisioning
                .get(&(scheme(kind).to_string(), name.to_string()))
                .unwrap_or_else(|| panic!("Graph {kind} {name}: not in provisioningInfo"));
            assert_eq!(
                d["id"].as_str().map(str::to_ascii_lowercase).as_deref(),
                Some(&*p.id),
                "{name}"
            );
            assert_eq!(d["isHidden"].as_bool(), Some(false), "{name}: hidden ones are left out");
            extra += 1;
        }
    }

    // Exchange, SharePoint, Azure DevOps: every table row, and nothing else.
    let tables = markdown_tables(&reference);
    for (app, r) in &tables {
        assert_eq!(
            c.name_of(app, r.kind, &r.id),
            Some(r.name.as_str()),
            "{app} {} {}",
            r.kind,
            r.id
        );
        let ids: Vec<String> = c
            .permissions(app, r.kind)
            .iter()
            .filter(|(n, _)| *n == r.name)
            .map(|(_, p)| p.id.to_string())
            .collect();
        assert!(ids.contains(&r.id), "{app} {} {}: {ids:?}", r.kind, r.name);
    }
    for app in [EXCHANGE, SHAREPOINT, DEVOPS] {
        for kind in [APP, DEL] {
            let want = tables.iter().filter(|(a, r)| *a == app && r.kind == kind).count();
            assert_eq!(
                c.permissions(app, kind).len(),
                want,
                "{app} {kind}: one entry per table row"
            );
        }
    }

    let sp_app = sp.iter().filter(|r| r.kind == APP).count();
    let sp_del = sp.len() - sp_app;
    assert_eq!(
        c.permissions(GRAPH_APP_ID, APP).len() + c.permissions(GRAPH_APP_ID, DEL).len(),
        sp.len() + extra
    );
    println!(
        "Graph: {sp_app} app roles and {sp_del} scopes on the service principal, {extra} more published only in provisioningInfo; {} rows in the Exchange, SharePoint and DevOps tables",
        tables.len()
    );
}

#[test]
fn consent_display_name_and_enabled_follow_the_service_principal() {
    let Some(reference) = reference_dir() else { return };
    let c = catalog();
    let mut checked = 0;
    for r in graph_service_principal(&reference) {
        let p = c.get(GRAPH_APP_ID, r.kind, &r.name).expect("present");
        assert_eq!(p.admin_consent, r.admin_consent, "Graph {} {}", r.kind, r.name);
        assert_eq!(
            p.display_name.as_deref().unwrap_or(""),
            r.display_name,
            "Graph {} {}",
            r.kind,
            r.name
        );
        assert_eq!(p.enabled, r.enabled, "Graph {} {}", r.kind, r.name);
        checked += 1;
    }
    for (app, r) in markdown_tables(&reference) {
        let p = c
            .permissions(app, r.kind)
            .into_iter()
            .find(|(n, p)| *n == r.name && p.id == r.id)
            .map(|(_, p)| p)
            .expect("present");
        assert_eq!(p.admin_consent, r.admin_consent, "{app} {} {}", r.kind, r.name);
        assert_eq!(
            p.display_name.as_deref().unwrap_or(""),
            r.display_name,
            "{app} {} {}",
            r.kind,
            r.name
        );
        assert_eq!(
            (p.enabled, p.privilege_level),
            (None, None),
            "{app} {}: no source says",
            r.name
        );
        checked += 1;
    }
    println!("{checked} consent flags, display names and enabled flags agree");
}

#[test]
fn privilege_levels_and_rsc_follow_microsofts_model() {
    let Some(reference) = reference_dir() else { return };
    let model = permission_model(&reference);
    let c = catalog();
    let mut with_level = 0;
    for kind in [APP, DEL] {
        for (name, p) in c.permissions(GRAPH_APP_ID, kind) {
            let entry = model.get(name);
            let want = entry
                .and_then(|e| e["schemes"].get(scheme(kind)))
                .and_then(|s| s.get("privilegeLevel"))
                .and_then(Value::as_u64);
            assert_eq!(p.privilege_level.map(u64::from), want, "Graph {kind} {name}");
            let rsc = entry.and_then(|e| e["authorizationType"].as_str()) == Some("RSC");
            assert_eq!(p.rsc, rsc, "Graph {kind} {name}");
            with_level += usize::from(want.is_some());
        }
    }
    println!("{with_level} Graph permissions carry Microsoft's privilege level");
    assert!(with_level > 1200);
}

/// For every Graph permission and kind: the operations the catalog gives are
/// exactly the distinct (method, path) pairs of Microsoft's path sets for that
/// scheme, with the same least-privileged ones.
#[test]
fn operations_match_microsofts_path_sets() {
    let Some(reference) = reference_dir() else { return };
    let model = permission_model(&reference);
    let c = catalog();
    let (mut permissions, mut operations, mut least) = (0, 0, 0);
    let mut listed_names = BTreeSet::new();
    for (name, entry) in &model {
        for kind in [APP, DEL] {
            let mut want: BTreeMap<(String, String), bool> = BTreeMap::new();
            for set in entry["pathSets"].as_array().into_iter().flatten() {
                let schemes: Vec<&str> = set["schemeKeys"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if !schemes.contains(&scheme(kind)) {
                    continue;
                }
                for (path, value) in set["paths"].as_object().into_iter().flatten() {
                    let value = value.as_str().unwrap_or("");
                    let is_least = value.split(';').any(|part| {
                        part.strip_prefix("least=")
                            .is_some_and(|l| l.split(',').any(|s| s.trim() == scheme(kind)))
                    });
                    for m in set["methods"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        let e = want.entry((m.to_ascii_uppercase(), path.clone())).or_insert(false);
                        *e |= is_least;
                    }
                }
            }
            let got = c.operations(GRAPH_APP_ID, kind, name);
            if want.is_empty() {
                assert_eq!(got, OperationMap::NotListed, "{kind} {name}");
                continue;
            }
            let ops = got.listed().unwrap_or_else(|| panic!("{kind} {name}: {got:?}"));
            let have: BTreeMap<(String, String), bool> = ops
                .operations
                .iter()
                .map(|o| ((o.method.as_str().to_string(), o.path.to_string()), o.least))
                .collect();
            assert_eq!(have.len(), ops.count(), "{kind} {name}: an operation twice");
            assert_eq!(have, want, "{kind} {name}");
            permissions += 1;
            operations += ops.count();
            least += ops.least_count();
            listed_names.insert(name.as_str());
        }
    }
    let embedded: BTreeSet<&str> = graph_operation_names().into_iter().collect();
    assert_eq!(
        embedded, listed_names,
        "the map covers exactly the permissions Microsoft lists paths for"
    );
    println!("{permissions} Graph permission-kinds with operations: {operations} operations, {least} least privileged");
}

/// The data was generated from these very reference files: a refreshed
/// reference makes this fail until `cargo run --example refresh_catalog` is run.
#[test]
fn the_data_was_generated_from_this_reference() {
    let Some(reference) = reference_dir() else { return };
    for file in ["permissions.json", "graph-operations.json"] {
        let doc = read_json(&manifest_dir().join("data/microsoft").join(file));
        let refs = doc["source"]["references"].as_array().expect("source.references");
        assert!(!refs.is_empty());
        for r in refs {
            let name = r["file"].as_str().expect("file");
            let bytes = fs::read(reference.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                r["sha256"].as_str(),
                Some(sha256_hex(&bytes).as_str()),
                "{file}: {name} changed since the catalog was generated; run `cargo run --example refresh_catalog -- ../shared/reference`"
            );
            assert!(r["repository"].as_str().is_some_and(|s| s.contains('/')) && r["path"].as_str().is_some());
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

// ------------------------------------------------------------------ schemas

/// Both data files satisfy their JSON Schemas.
#[test]
fn the_data_files_satisfy_their_schemas() {
    for (data, schema) in [
        ("permissions.json", "permissions.schema.json"),
        ("graph-operations.json", "graph-operations.schema.json"),
    ] {
        let dir = manifest_dir().join("data/microsoft");
        let doc = read_json(&dir.join(data));
        let schema = read_json(&dir.join(schema));
        assert_eq!(doc["$schema"].as_str(), Some(&*format!("./{}", schema_file(data))));
        let mut errors = Vec::new();
        validate(&schema, &schema, &doc, "$", &mut errors);
        assert!(
            errors.is_empty(),
            "{data}: {} errors, first: {:#?}",
            errors.len(),
            &errors[..errors.len().min(10)]
        );
    }
}

/// The validator refuses what the schemas forbid (so the test above can fail).
#[test]
fn the_schema_check_catches_faults() {
    let dir = manifest_dir().join("data/microsoft");
    let schema = read_json(&dir.join("permissions.schema.json"));
    let doc = read_json(&dir.join("permissions.json"));
    let mut broken = doc.clone();
    let row = &mut broken["resources"][0]["permissions"][0];
    row["id"] = Value::from("D07A8CC0-3D51-4B77-B3B0-32704D1F69FA");
    row["privilege_level"] = Value::from(7);
    row["type"] = Value::from("role");
    row["risk"] = Value::from("high");
    broken["resources"][1].as_object_mut().expect("object").remove("app_id");
    let mut errors = Vec::new();
    validate(&schema, &schema, &broken, "$", &mut errors);
    for want in [
        ".permissions[0].id",
        ".permissions[0].privilege_level",
        ".permissions[0].type",
        "risk",
        "app_id",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(want)),
            "{want} not caught: {errors:#?}"
        );
    }
}

fn schema_file(data: &str) -> String {
    data.replace(".json", ".schema.json")
}

/// The subset of JSON Schema 2020-12 the two schemas use: type, enum, const,
/// required, properties, additionalProperties, items, $ref to #/$defs, minItems,
/// uniqueItems, minProperties, minLength, minimum, maximum and pattern (anchored
/// sequences of literals and bracket classes with {n}). Anything else fails.
fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let s = schema
        .as_object()
        .unwrap_or_else(|| panic!("schema at {at} is not an object"));
    for key in s.keys() {
        assert!(
            [
                "$schema",
                "$id",
                "title",
                "description",
                "type",
                "enum",
                "const",
                "required",
                "properties",
                "additionalProperties",
                "items",
                "$ref",
                "$defs",
                "minItems",
                "uniqueItems",
                "minProperties",
                "minLength",
                "minimum",
                "maximum",
                "pattern",
            ]
            .contains(&key.as_str()),
            "schema keyword {key} at {at} is not supported by this check"
        );
    }
    let mut fail = |msg: String| errors.push(format!("{at}: {msg}"));
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("$ref {r}"));
        let target = &root["$defs"][name];
        assert!(target.is_object(), "$ref {r} not found");
        validate(root, target, v, at, errors);
        return;
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("type at {at}"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            other => panic!("type {other}"),
        });
        if !ok {
            fail(format!("{v} is not of type {types:?}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        fail(format!("{v} is not one of {e:?}"));
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        fail(format!("{v} is not {c}"));
    }
    if let Some(n) = v.as_f64() {
        if s.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m) {
            fail(format!("{n} is below the minimum"));
        }
        if s.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m) {
            fail(format!("{n} is above the maximum"));
        }
    }
    if let Some(text) = v.as_str() {
        if s.get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| (text.chars().count() as u64) < m)
        {
            fail(format!("{text:?} is too short"));
        }
        if let Some(p) = s.get("pattern").and_then(Value::as_str)
            && !pattern_matches(p, text)
        {
            fail(format!("{text:?} does not match {p}"));
        }
    }
    if let Some(a) = v.as_array() {
        if s.get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| (a.len() as u64) < m)
        {
            fail(format!("fewer than the minimum items ({})", a.len()));
        }
        if s.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            let distinct: BTreeSet<String> = a.iter().map(Value::to_string).collect();
            if distinct.len() != a.len() {
                fail("items repeat".into());
            }
        }
        if let Some(items) = s.get("items") {
            for (i, item) in a.iter().enumerate() {
                validate(root, items, item, &format!("{at}[{i}]"), errors);
            }
        }
    }
    if let Some(o) = v.as_object() {
        if s.get("minProperties")
            .and_then(Value::as_u64)
            .is_some_and(|m| (o.len() as u64) < m)
        {
            errors.push(format!("{at}: fewer than the minimum properties"));
        }
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            let r = r.as_str().expect("required names");
            if !o.contains_key(r) {
                errors.push(format!("{at}: {r} is required"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, child) in o {
            let child_at = format!("{at}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(sub) => validate(root, sub, child, &child_at, errors),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{child_at}: not allowed")),
                    Some(sub @ Value::Object(_)) => validate(root, sub, child, &child_at, errors),
                    _ => {}
                },
            }
        }
    }
}

/// Anchored patterns made of literal characters and `[...]` classes (with
/// ranges), each optionally followed by `{n}`: enough for GUIDs, dates, hashes.
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let body = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .unwrap_or_else(|| panic!("pattern {pattern} is not anchored"));
    let p: Vec<char> = body.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut i, mut pos) = (0, 0);
    while i < p.len() {
        let (class, next): (Vec<(char, char)>, usize) = if p[i] == '[' {
            let close = p[i..]
                .iter()
                .position(|&c| c == ']')
                .map(|k| i + k)
                .expect("closed class");
            let inner = &p[i + 1..close];
            let mut ranges = Vec::new();
            let mut k = 0;
            while k < inner.len() {
                if k + 2 < inner.len() && inner[k + 1] == '-' {
                    ranges.push((inner[k], inner[k + 2]));
                    k += 3;
                } else {
                    ranges.push((inner[k], inner[k]));
                    k += 1;
                }
            }
            (ranges, close + 1)
        } else {
            assert!(!"\\.*+?()|{}".contains(p[i]), "pattern {pattern}: unsupported {}", p[i]);
            (vec![(p[i], p[i])], i + 1)
        };
        let (count, after) = if p.get(next) == Some(&'{') {
            let close = p[next..]
                .iter()
                .position(|&c| c == '}')
                .map(|k| next + k)
                .expect("closed count");
            let n: usize = p[next + 1..close].iter().collect::<String>().parse().expect("count");
            (n, close + 1)
        } else {
            (1, next)
        };
        for _ in 0..count {
            match t.get(pos) {
                Some(c) if class.iter().any(|(lo, hi)| lo <= c && c <= hi) => pos += 1,
                _ => return false,
            }
        }
        i = after;
    }
    pos == t.len()
}

#[test]
fn the_pattern_check_works() {
    let guid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    assert!(pattern_matches(guid, "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa"));
    assert!(!pattern_matches(guid, "D07A8CC0-3D51-4B77-B3B0-32704D1F69FA"));
    assert!(!pattern_matches(guid, "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa0"));
    assert!(!pattern_matches(guid, "d07a8cc0-3d51-4b77-b3b0"));
    assert!(pattern_matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "2026-11-27"));
    assert!(!pattern_matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "2026-1-27"));
}
