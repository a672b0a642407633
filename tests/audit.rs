//! Microsoft's exports of grants and permission catalogs, the audit of a tenant
//! against a vendor's documentation, and importing a vendor's list as a product.
//!
//! Fixtures in `tests/fixtures/grants/` are shaped like real output of Graph's
//! REST API and `az` (camelCase, `{"value": [...]}` envelopes) and of the Microsoft
//! Graph PowerShell SDK's `ConvertTo-Json` (PascalCase, bare arrays, a single object
//! for one result, Windows PowerShell 5.1's UTF-16 files). Their GUIDs are real,
//! except `6c5b2a3e-9f41-4d8a-b7e2-1f0c9d4e8a75`, which stands for a GUID no catalog knows.

mod common;

use common::TempDir;
use permscope::model::audit::{self, Audit};
use permscope::model::catalog::Catalog;
use permscope::model::grants::{self, ResolvedGrant};
use permscope::model::import::{self, ImportError};
use permscope::model::level::RiskLevel;
use permscope::model::permission::PermissionKind;
use permscope::model::product::Origin;
use permscope::model::read::file::MAX_FILE_BYTES;
use permscope::model::read::grants::{self as exports, Consent, ExportKind};
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const UNKNOWN_GUID: &str = "6c5b2a3e-9f41-4d8a-b7e2-1f0c9d4e8a75";
const GRAPH: &str = "00000003-0000-0000-c000-000000000000";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/grants")
        .join(name)
}

fn read(name: &str) -> exports::Export {
    exports::read_export_file(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read_err(name: &str) -> permscope::model::read::ReadError {
    match exports::read_export_file(&fixture(name)) {
        Ok(e) => panic!("{name} should not parse, got {:?}", e.kind),
        Err(e) => e,
    }
}

fn bundled() -> Catalog {
    let (catalog, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "bundled data has errors: {:?}", report.errors);
    catalog
}

/// One bundled catalog shared by the property tests, which only read it.
fn shared() -> &'static Catalog {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CATALOG.get_or_init(bundled)
}

fn reference() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/graph");
    if dir.is_dir() {
        Some(dir)
    } else {
        common::skip(format_args!(
            "{} is absent, so the reference Graph catalogs are not checked",
            dir.display()
        ));
        None
    }
}

fn resolve_files(catalog: &Catalog, names: &[&str]) -> Vec<ResolvedGrant> {
    let mut all = Vec::new();
    for n in names {
        all.extend(read(n).grants);
    }
    grants::resolve(catalog, &all)
}

fn find<'a>(resolved: &'a [ResolvedGrant], catalog: &Catalog, api: &str, name: &str) -> &'a ResolvedGrant {
    let api = catalog.api_index(api).expect("known API");
    resolved
        .iter()
        .find(|g| g.api == Some(api) && g.permission.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no resolved grant {name}"))
}

// ------------------------------------------------------------------ reading exports

#[test]
fn rest_envelope_of_app_role_assignments() {
    let e = read("nakivo-approleassignments.rest.json");
    assert_eq!(e.kind, ExportKind::AppRoleAssignments);
    assert_eq!(e.grants.len(), 31);
    let g = &e.grants[0];
    assert_eq!(g.kind, PermissionKind::Application);
    assert_eq!(g.id.as_deref(), Some("798ee544-9d2d-430c-a058-570e29e34338"));
    assert_eq!(g.name, None);
    assert_eq!(g.resource.display_name.as_deref(), Some("Microsoft Graph"));
    assert_eq!(
        g.resource.object_id.as_deref(),
        Some("8f3b5a1e-2c47-4d9e-9a61-0b7c2e4f5d13")
    );
    let p = g.principal.as_ref().expect("principal");
    assert_eq!(p.display_name.as_deref(), Some("NAKIVO Backup for Microsoft 365"));
    assert_eq!(p.kind.as_deref(), Some("ServicePrincipal"));
    assert_eq!(g.source.entry, 0);
    assert_eq!(g.source.path, "value[0]");
    assert_eq!(g.source.line, Some(4));
    assert_eq!(e.grants[1].source.line, Some(15));
}

#[test]
fn powershell_bare_array_in_pascal_case() {
    let e = read("approleassignments.pwsh.json");
    assert_eq!(e.kind, ExportKind::AppRoleAssignments);
    assert_eq!(e.grants.len(), 5);
    let g = &e.grants[4];
    assert_eq!(g.id.as_deref(), Some("594c1fb6-4f81-4475-ae41-0c394909246c"));
    assert_eq!(g.resource.display_name.as_deref(), Some("Office 365 Management APIs"));
    assert_eq!(
        g.principal.as_ref().and_then(|p| p.display_name.as_deref()),
        Some("Contoso Cloud Backup")
    );
    assert_eq!(g.source.path, "[4]");
    assert_eq!(g.source.line, Some(50));
}

#[test]
fn powershell_prints_one_result_as_an_object() {
    let e = read("single-assignment.pwsh.json");
    assert_eq!(e.kind, ExportKind::AppRoleAssignments);
    assert_eq!(e.grants.len(), 1);
    assert_eq!(e.grants[0].source.line, Some(1));
    let resolved = grants::resolve(&bundled(), &e.grants);
    assert_eq!(resolved[0].permission.as_deref(), Some("Mail.Read"));
}

#[test]
fn windows_powershell_utf16_delegated_grants() {
    let e = read("oauth2grants.pwsh51-utf16.json");
    assert_eq!(e.kind, ExportKind::DelegatedGrants);
    let names: Vec<&str> = e.grants.iter().filter_map(|g| g.name.as_deref()).collect();
    assert_eq!(names, ["Mail.Read", "offline_access", "User.Read", "Calendars.Read"]);
    assert!(
        e.grants
            .iter()
            .all(|g| g.kind == PermissionKind::Delegated && g.id.is_none())
    );
    assert_eq!(e.grants[0].consent, Some(Consent::AllPrincipals));
    assert_eq!(
        e.grants[2].consent,
        Some(Consent::Principal {
            user: Some("6d1f3b5a-2c4e-4a7b-9e0d-8f2a4c6e1b3d".into())
        })
    );
    assert_eq!(e.grants[2].source.line, Some(13));

    // The export names the resource only by object id: inferred from the scope words.
    let catalog = bundled();
    let resolved = grants::resolve(&catalog, &e.grants);
    let offline = find(&resolved, &catalog, "Microsoft Graph", "offline_access");
    assert_eq!(offline.id.as_deref(), Some("7427e0e9-2fba-42fe-b0c0-848c9e6a8182"));
    assert!(
        offline.notes.iter().any(|n| n.contains("inferred")),
        "{:?}",
        offline.notes
    );
    let user_read = find(&resolved, &catalog, "Microsoft Graph", "User.Read");
    assert!(
        user_read.notes.iter().any(|n| n.contains("one user")),
        "{:?}",
        user_read.notes
    );
}

#[test]
fn object_ids_learned_from_assignments_name_the_resource_of_delegated_grants() {
    let catalog = bundled();
    let resolved = resolve_files(
        &catalog,
        &["nakivo-approleassignments.rest.json", "nakivo-oauth2grants.rest.json"],
    );
    let api = catalog.api_index("Microsoft Graph");
    let g = resolved
        .iter()
        .find(|g| g.kind == PermissionKind::Delegated)
        .expect("the delegated grant");
    assert_eq!(g.api, api);
    assert_eq!(g.permission.as_deref(), Some("Group.ReadWrite.All"));
    assert!(g.notes.iter().all(|n| !n.contains("inferred")), "{:?}", g.notes);
}

#[test]
fn keys_match_in_any_case_but_not_twice() {
    let text = r#"[{"APPROLEID": "df021288-BDEF-4463-88db-98f22de89214", "resourcedisplayname": "Graph"}]"#;
    let e = exports::read_export(text, "shouting.json").expect("parses");
    assert_eq!(e.grants[0].id.as_deref(), Some("df021288-bdef-4463-88db-98f22de89214"));
    let resolved = grants::resolve(&bundled(), &e.grants);
    assert_eq!(resolved[0].permission.as_deref(), Some("User.Read.All"));

    let twice = "[{\"appRoleId\": \"df021288-bdef-4463-88db-98f22de89214\",\n  \"AppRoleId\": \"df021288-bdef-4463-88db-98f22de89214\", \"resourceId\": \"8f3b5a1e-2c47-4d9e-9a61-0b7c2e4f5d13\"}]";
    let err = exports::read_export(twice, "twice.json").expect_err("ambiguous");
    assert_eq!(err.line, Some(1));
    assert_eq!(err.field.as_deref(), Some("[0].appRoleId"));
    assert!(
        err.message.contains("both `AppRoleId` and `appRoleId`"),
        "{}",
        err.message
    );
}

#[test]
fn manifests_in_both_casings_agree() {
    let rest = read("application.rest.json");
    let pwsh = read("application.pwsh.json");
    assert_eq!(rest.kind, ExportKind::RequiredResourceAccess);
    assert_eq!(pwsh.kind, ExportKind::RequiredResourceAccess);
    let key = |e: &exports::Export| -> Vec<(Option<String>, PermissionKind, Option<String>)> {
        e.grants
            .iter()
            .map(|g| (g.resource.app_id.clone(), g.kind, g.id.clone()))
            .collect()
    };
    assert_eq!(key(&rest), key(&pwsh));
    assert_eq!(rest.grants.len(), 5);
    assert_eq!(rest.grants[2].kind, PermissionKind::Delegated);
    assert_eq!(
        rest.grants[4].resource.app_id.as_deref(),
        Some("00000002-0000-0ff1-ce00-000000000000")
    );
    assert_eq!(
        rest.grants[0].source.path,
        "requiredResourceAccess[0].resourceAccess[0]"
    );
    assert_eq!(rest.grants[0].source.line, Some(53));

    let catalog = bundled();
    let names: Vec<(String, PermissionKind, String)> = grants::resolve(&catalog, &rest.grants)
        .iter()
        .map(|g| (g.api_label(&catalog), g.kind, g.permission.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "Microsoft Graph".into(),
                PermissionKind::Application,
                "User.Read.All".into()
            ),
            (
                "Microsoft Graph".into(),
                PermissionKind::Application,
                "Mail.Read".into()
            ),
            ("Microsoft Graph".into(), PermissionKind::Delegated, "User.Read".into()),
            (
                "Microsoft Graph".into(),
                PermissionKind::Delegated,
                "offline_access".into()
            ),
            (
                "Office 365 Exchange Online".into(),
                PermissionKind::Application,
                "full_access_as_app".into()
            ),
        ]
    );
}

#[test]
fn an_empty_envelope_grants_nothing() {
    let e = read("empty.rest.json");
    assert_eq!(e.kind, ExportKind::Empty);
    assert!(e.grants.is_empty() && e.catalogs.is_empty());
    let e = exports::read_export("[]", "empty.json").expect("parses");
    assert_eq!(e.kind, ExportKind::Empty);
}

// ------------------------------------------------------------------ malformed files

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let e = read_err("malformed-syntax.json");
    assert!(e.origin.ends_with("malformed-syntax.json"), "{}", e.origin);
    assert_eq!(e.line, Some(9));
    assert!(e.column.is_some());
    let shown = e.to_string();
    assert!(shown.contains("malformed-syntax.json:9:"), "{shown}");
    assert!(shown.contains("not valid JSON"), "{shown}");
}

#[test]
fn a_wrong_type_names_the_field_and_its_line() {
    let e = read_err("malformed-type.json");
    assert_eq!(e.line, Some(9));
    assert_eq!(e.column, Some(18));
    assert_eq!(e.field.as_deref(), Some("[1].AppRoleId"));
    assert!(e.message.contains("GUID") && e.message.contains("42"), "{}", e.message);
}

#[test]
fn a_wrong_resource_access_type_is_located() {
    let e = read_err("manifest-bad-type.json");
    assert_eq!(e.line, Some(7));
    assert_eq!(
        e.field.as_deref(),
        Some("requiredResourceAccess[0].resourceAccess[1].type")
    );
    assert!(
        e.message.contains("Role") && e.message.contains("Scope"),
        "{}",
        e.message
    );
}

#[test]
fn convert_to_json_cut_short_says_how_to_fix_it() {
    let e = read_err("application.pwsh-depth2.json");
    assert_eq!(e.line, Some(7));
    assert_eq!(e.field.as_deref(), Some("RequiredResourceAccess[0].ResourceAccess"));
    assert!(e.message.contains("-Depth"), "{}", e.message);
}

#[test]
fn a_file_of_another_kind_is_refused() {
    let e = read_err("unrecognised.json");
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("not a recognised export"), "{}", e.message);
    for (text, want) in [
        ("", "not valid JSON"),
        ("42", "expected a JSON object or array"),
        ("[1, 2]", "expected an entry as an object"),
        (
            "{\"value\": [{\"appRoleId\": \"x\", \"resourceId\": \"y\"}]}",
            "expected a GUID",
        ),
        (
            "[{\"appRoleId\": \"df021288-bdef-4463-88db-98f22de89214\"}]",
            "names no resource",
        ),
        (
            "[{\"consentType\": \"AllPrincipals\", \"scope\": 7}]",
            "expected a string",
        ),
    ] {
        let e = exports::read_export(text, "inline.json").expect_err(text);
        assert!(e.message.contains(want), "{text}: {}", e.message);
    }
}

#[test]
fn files_over_the_cap_are_refused_before_reading() {
    let dir = TempDir::new("grants-cap");
    let path = dir.path().join("huge.json");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(MAX_FILE_BYTES + 1).expect("sparse file");
    let e = permscope::model::read::file::read_text(&path).expect_err("too big");
    assert!(e.message.contains("16 MiB"), "{}", e.message);
}

// ------------------------------------------------------------------ resolving

#[test]
fn unknown_guids_and_resources_stay_and_duplicates_merge() {
    let catalog = bundled();
    let resolved = resolve_files(&catalog, &["nakivo-approleassignments.rest.json"]);
    assert_eq!(resolved.len(), 30, "31 grants, one duplicated");
    assert_eq!(find(&resolved, &catalog, "Microsoft Graph", "Mail.Read").count, 2);
    let unknown = resolved
        .iter()
        .find(|g| g.is_unknown())
        .expect("the unknown GUID is kept");
    assert_eq!(unknown.id.as_deref(), Some(UNKNOWN_GUID));
    assert_eq!(unknown.api, catalog.api_index("Microsoft Graph"));
    assert!(
        unknown.notes.iter().any(|n| n.contains("--catalog")),
        "{:?}",
        unknown.notes
    );
    let exo = find(&resolved, &catalog, "Exchange", "full_access_as_app");
    assert_eq!(exo.id.as_deref(), Some("dc890d15-9560-4a4c-9b7f-a736ec74ec40"));

    let resolved = resolve_files(&catalog, &["approleassignments.pwsh.json"]);
    assert_eq!(resolved.len(), 4);
    // One GUID, two resources: Graph's User.Read.All and SharePoint's.
    assert_eq!(find(&resolved, &catalog, "Microsoft Graph", "User.Read.All").count, 2);
    assert_eq!(find(&resolved, &catalog, "SharePoint", "User.Read.All").count, 1);
    let other = resolved
        .iter()
        .find(|g| g.api.is_none())
        .expect("unknown resource kept");
    assert_eq!(other.api_label(&catalog), "Office 365 Management APIs");
    assert_eq!(other.id.as_deref(), Some("594c1fb6-4f81-4475-ae41-0c394909246c"));
    assert!(other.is_unknown());
}

#[test]
fn a_service_principal_export_extends_the_catalog() {
    let e = read("graph-serviceprincipal.az.json");
    assert_eq!(e.kind, ExportKind::ServicePrincipals);
    assert_eq!(e.catalogs.len(), 1);
    let c = &e.catalogs[0];
    assert_eq!(c.resource_app_id.as_deref(), Some(GRAPH));
    assert_eq!(c.entries.len(), 4);
    let mail_read = c.entries.iter().find(|e| e.name == "Mail.Read").expect("scope");
    assert_eq!(mail_read.kind, PermissionKind::Delegated);
    assert_eq!(mail_read.fact.admin_consent, Some(false));

    // Microsoft's embedded catalog knows the role; a catalog with nothing in it
    // shows what an export adds (a tenant's own resource, a newer permission).
    let known = bundled();
    let by_embedded = grants::resolve(&known, &read("approleassignments.pwsh.json").grants);
    find(&by_embedded, &known, "Microsoft Graph", "AccessReview.Read.All");
    let mut catalog = bundled();
    catalog.microsoft = permscope::model::microsoft::MicrosoftCatalog::default();
    let before = grants::resolve(&catalog, &read("approleassignments.pwsh.json").grants);
    assert!(
        before
            .iter()
            .any(|g| g.id.as_deref() == Some("d07a8cc0-3d51-4b77-b3b0-32704d1f69fa") && g.is_unknown())
    );
    let wrong = grants::extend_catalog(&mut catalog, c, Some("Exchange")).expect_err("not Exchange's");
    assert!(wrong.message.contains(GRAPH), "{}", wrong.message);
    assert_eq!(grants::extend_catalog(&mut catalog, c, None), Ok(4));
    let after = grants::resolve(&catalog, &read("approleassignments.pwsh.json").grants);
    find(&after, &catalog, "Microsoft Graph", "AccessReview.Read.All");
}

#[test]
fn the_reference_graph_catalogs_import_and_name_guids() {
    let Some(dir) = reference() else { return };
    let roles = exports::read_export_file(&dir.join("merill-microsoft-info_GraphAppRoles.json")).expect("app roles");
    let scopes = exports::read_export_file(&dir.join("merill-microsoft-info_GraphDelegateRoles.json")).expect("scopes");
    assert_eq!(roles.kind, ExportKind::AppRoles);
    assert_eq!(scopes.kind, ExportKind::PermissionScopes);
    assert_eq!(roles.catalogs[0].resource_app_id, None, "a bare list names no resource");
    assert!(roles.catalogs[0].entries.len() > 500);
    assert!(scopes.catalogs[0].entries.len() > 500);
    let admin = scopes.catalogs[0]
        .entries
        .iter()
        .find(|e| e.name == "Group.ReadWrite.All")
        .expect("Group.ReadWrite.All scope");
    assert_eq!(admin.fact.admin_consent, Some(true));

    // An empty catalog: only the exports name the GUIDs.
    let mut catalog = bundled();
    catalog.microsoft = permscope::model::microsoft::MicrosoftCatalog::default();
    let grant = r#"[{"AppRoleId": "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa", "ResourceDisplayName": "Microsoft Graph", "ResourceId": "5e8d1c4a-7b3f-4e2a-9d6c-0f1a2b3c4d5e"}]"#;
    let export = exports::read_export(grant, "one.json").expect("parses");
    assert!(grants::resolve(&catalog, &export.grants)[0].is_unknown());
    grants::extend_catalog(&mut catalog, &roles.catalogs[0], None).expect("Graph by default");
    grants::extend_catalog(&mut catalog, &scopes.catalogs[0], Some("Microsoft Graph")).expect("named");
    let resolved = grants::resolve(&catalog, &export.grants);
    assert_eq!(resolved[0].permission.as_deref(), Some("AccessReview.Read.All"));
    // A delegated scope's GUID is now known too.
    assert_eq!(
        catalog
            .microsoft
            .get(GRAPH, PermissionKind::Delegated, "Mail.Read")
            .map(|f| &*f.id),
        Some("570282fd-fa5c-430d-a7fd-fc8dc98a9dca")
    );
    // The stand-in unknown GUID is unknown to Microsoft's catalog as well.
    let still = resolve_files(&catalog, &["nakivo-approleassignments.rest.json"]);
    assert!(
        still
            .iter()
            .any(|g| g.is_unknown() && g.id.as_deref() == Some(UNKNOWN_GUID))
    );
}

// ------------------------------------------------------------------ auditing

fn nakivo_audit(catalog: &Catalog) -> Audit {
    let product = catalog.product_index("nakivo").expect("nakivo");
    let resolved = resolve_files(
        catalog,
        &["nakivo-approleassignments.rest.json", "nakivo-oauth2grants.rest.json"],
    );
    audit::audit(catalog, product, &resolved)
}

#[test]
fn audit_of_nakivo_finds_the_missing_the_extra_and_the_unknown() {
    let catalog = bundled();
    let a = nakivo_audit(&catalog);
    assert_eq!(a.granted_documented.len(), 29);
    assert_eq!(a.not_granted.len(), 1);
    let missing = &a.not_granted[0];
    assert_eq!(missing.permission.as_deref(), Some("ChannelMessage.Read.All"));
    assert_eq!(missing.api_name, "Microsoft Graph");
    assert_eq!(missing.id.as_deref(), Some("7b2449af-6ccd-4f4d-9f78-e550c193f0d1"));
    assert!(!missing.documented.is_empty());

    assert_eq!(a.undocumented.len(), 2);
    let unknown = &a.undocumented[0];
    assert!(unknown.is_unknown());
    assert_eq!(unknown.id.as_deref(), Some(UNKNOWN_GUID));
    assert!(unknown.rating.is_none());
    let extra = &a.undocumented[1];
    assert_eq!(extra.permission.as_deref(), Some("Directory.ReadWrite.All"));
    let rating = extra.rating.as_ref().expect("rated");
    assert!(rating.level >= RiskLevel::High, "{rating:?}");
    assert!(!rating.reasons.is_empty());
    assert!(extra.documented.is_empty());

    let mail = a
        .granted_documented
        .iter()
        .find(|e| e.permission.as_deref() == Some("Mail.Read"))
        .expect("Mail.Read");
    assert_eq!(mail.granted, 2);
    assert_eq!(mail.sources.len(), 2);
    assert!(
        mail.documented
            .iter()
            .all(|d| d.line > 0 && d.document.ends_with(".txt"))
    );
    let delegated = a
        .granted_documented
        .iter()
        .find(|e| e.kind == PermissionKind::Delegated)
        .expect("delegated Group.ReadWrite.All");
    assert_eq!(delegated.consents, ["AllPrincipals"]);
    assert_eq!(a.exit_code(), 1);
}

#[test]
fn audit_json_is_the_contract() {
    let catalog = bundled();
    let json = audit::to_json(&nakivo_audit(&catalog));
    let obj = json.as_object().expect("object");
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort();
    // The lists, plus what the per-app audit added (the contract only grows).
    assert_eq!(
        keys,
        [
            "apps",
            "documented_for_another_app",
            "granted_documented",
            "not_granted",
            "notices",
            "product",
            "undocumented"
        ]
    );
    for list in [
        "granted_documented",
        "undocumented",
        "not_granted",
        "documented_for_another_app",
    ]
    .map(|k| &obj[k])
    {
        for entry in list.as_array().expect("array") {
            for field in ["api", "permission", "type", "id", "risk", "unknown", "flagged"] {
                assert!(entry.get(field).is_some(), "{field} missing in {entry}");
            }
            let t = entry["type"].as_str().expect("type");
            assert!(t == "application" || t == "delegated", "{t}");
        }
    }
    let undocumented = json["undocumented"].as_array().expect("array");
    assert_eq!(undocumented[0]["permission"], Value::Null);
    assert_eq!(undocumented[0]["id"], UNKNOWN_GUID);
    assert_eq!(undocumented[0]["unknown"], true);
    assert_eq!(undocumented[0]["risk"], Value::Null);
    assert_eq!(undocumented[1]["permission"], "Directory.ReadWrite.All");
    assert_eq!(undocumented[1]["flagged"], true);
    assert!(undocumented[1]["risk"]["level"].is_string());
    assert_eq!(json["not_granted"][0]["permission"], "ChannelMessage.Read.All");
    assert_eq!(json["not_granted"][0]["granted"], 0);
}

const EXCHANGE_ONLY: &str = r#"{
  "slug": "exchange-only",
  "vendor": "Fixture",
  "product": "Exchange-only fixture",
  "source": {"title": "Fixture", "file": "fixture.txt"},
  "apps": [{
    "name": "Fixture app",
    "requirements": [
      {"line": 3, "api": "Exchange", "permission": "Mail.ReadWrite", "type": "application"},
      {"line": 4, "api": "Exchange", "permission": "full_access_as_app", "type": "application"}
    ]
  }]
}"#;

#[test]
fn a_graph_grant_does_not_satisfy_an_exchange_requirement() {
    let mut catalog = bundled();
    catalog
        .add_product_text(EXCHANGE_ONLY, Origin::Bundled("exchange-only.json"))
        .expect("fixture product");
    let product = catalog.product_index("exchange-only").expect("added");
    // Graph's and Exchange's Mail.ReadWrite app roles share one GUID.
    let export = exports::read_export(
        r#"{"value": [
            {"appRoleId": "e2a3a72e-5f79-4c64-b1b1-878b674786c9", "resourceDisplayName": "Microsoft Graph", "resourceId": "8f3b5a1e-2c47-4d9e-9a61-0b7c2e4f5d13"},
            {"appRoleId": "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "resourceDisplayName": "Office 365 Exchange Online", "resourceId": "b1d9e7a2-5f3c-4e18-8d27-6a4c0f9e3b51"}
        ]}"#,
        "graph-mail.json",
    )
    .expect("parses");
    let a = audit::audit(&catalog, product, &grants::resolve(&catalog, &export.grants));
    assert_eq!(a.undocumented.len(), 1);
    assert_eq!(a.undocumented[0].api_name, "Microsoft Graph");
    assert_eq!(a.undocumented[0].permission.as_deref(), Some("Mail.ReadWrite"));
    assert_eq!(a.not_granted.len(), 1);
    assert_eq!(a.not_granted[0].api_name, "Office 365 Exchange Online");
    assert_eq!(a.not_granted[0].permission.as_deref(), Some("Mail.ReadWrite"));
    assert_eq!(a.granted_documented.len(), 1);

    // Exactly what is documented: clean, exit 0.
    let exact = exports::read_export(
        r#"{"value": [
            {"appRoleId": "e2a3a72e-5f79-4c64-b1b1-878b674786c9", "resourceDisplayName": "Office 365 Exchange Online", "resourceId": "b1d9e7a2-5f3c-4e18-8d27-6a4c0f9e3b51"},
            {"appRoleId": "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "resourceDisplayName": "Office 365 Exchange Online", "resourceId": "b1d9e7a2-5f3c-4e18-8d27-6a4c0f9e3b51"}
        ]}"#,
        "exact.json",
    )
    .expect("parses");
    let a = audit::audit(&catalog, product, &grants::resolve(&catalog, &exact.grants));
    assert!(a.is_clean());
    assert_eq!(a.exit_code(), 0);
    assert_eq!(a.granted_documented.len(), 2);
    assert!(a.not_granted.is_empty());
}

#[test]
fn an_unknown_resource_is_flagged_not_dropped() {
    let catalog = bundled();
    let product = catalog.product_index("nakivo").expect("nakivo");
    let a = audit::audit(
        &catalog,
        product,
        &resolve_files(&catalog, &["approleassignments.pwsh.json"]),
    );
    let other = a
        .undocumented
        .iter()
        .find(|e| e.api.is_none())
        .expect("unknown resource listed");
    assert_eq!(other.api_name, "Office 365 Management APIs");
    assert!(other.notes.iter().any(|n| n.contains("resource unknown")));
    let json = audit::to_json(&a);
    let listed = json["undocumented"]
        .as_array()
        .expect("array")
        .iter()
        .any(|e| e["api"] == "Office 365 Management APIs" && e["resource_known"] == false);
    assert!(listed);
}

#[test]
fn reports_render_every_list_and_neutralise_tenant_text() {
    let catalog = bundled();
    let a = nakivo_audit(&catalog);
    let md = audit::to_markdown(&a);
    assert!(md.contains("## Granted but undocumented (2)"), "{md}");
    assert!(md.contains("## Documented but not granted (1)"));
    assert!(md.contains("`Directory.ReadWrite.All`"));
    assert!(md.contains("**unknown GUID**"));
    assert!(md.contains(UNKNOWN_GUID));
    assert!(
        md.contains("nakivo-approleassignments.rest.json:48,59 (granted 2 times)"),
        "{md}"
    );
    for width in [40, 60, 100, 200] {
        let table = audit::to_table(&a, width);
        for line in table.lines() {
            assert!(
                permscope::model::text::display_width(line) <= width,
                "wider than {width}: {line}"
            );
        }
        assert!(table.contains("GRANTED BUT UNDOCUMENTED (2)"));
        assert!(width < 60 || table.contains("Directory.ReadWrite.All"), "{table}");
    }
    let wide = audit::to_table(&a, 200);
    assert!(wide.contains(UNKNOWN_GUID));
    assert!(
        wide.lines()
            .any(|l| l.starts_with("! ") && l.contains("Directory.ReadWrite.All"))
    );

    // A hostile tenant names its resource with terminal escapes and Markdown.
    let hostile = exports::read_export(
        "[{\"appRoleId\": \"594c1fb6-4f81-4475-ae41-0c394909246c\", \"resourceDisplayName\": \"Evil\\u001b]0;pwned\\u0007 | <b>API</b>\", \"resourceId\": \"0b6f3d9e-4c2a-4e8b-b1d7-5a9c3e7f1d4b\"}]",
        "hostile.json",
    )
    .expect("parses");
    let product = catalog.product_index("nakivo").expect("nakivo");
    let a = audit::audit(&catalog, product, &grants::resolve(&catalog, &hostile.grants));
    for text in [audit::to_table(&a, 200), audit::to_markdown(&a)] {
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
    }
    assert!(audit::to_table(&a, 200).contains("\\u{1b}"));
    // In Markdown every character that means something there is escaped: a
    // viewer shows `Evil\u{1b}]0;pwned\u{7} | <b>API</b>`.
    let md = audit::to_markdown(&a);
    assert!(
        md.contains("Evil\\\\u\\{1b\\}\\]0;pwned\\\\u\\{7\\} \\| &lt;b&gt;API&lt;/b&gt;"),
        "{md}"
    );
}

// ------------------------------------------------------------------ importing

fn load_imported(text: &str) -> Catalog {
    let mut catalog = Catalog::empty();
    catalog
        .add_product_text(text, Origin::File(PathBuf::from("imported.json")))
        .unwrap_or_else(|e| panic!("imported product does not load: {e}\n{text}"));
    catalog
}

#[test]
fn a_csv_becomes_a_product_file_that_loads() {
    let catalog = bundled();
    let path = fixture("vendor-table.csv");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let json = import::import(
        &catalog,
        &text,
        &path.display().to_string(),
        "contoso-backup",
        "Contoso",
        Some("Contoso Cloud Backup"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let value: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["source"]["title"], "Imported from vendor-table.csv");
    assert_eq!(value["source"]["file"], "vendor-table.csv");
    assert!(value.get("$schema").is_none());

    let loaded = load_imported(&json);
    let p = loaded.product_index("contoso-backup").expect("product");
    assert_eq!(loaded.products[p].vendor, "Contoso");
    assert_eq!(loaded.products[p].name, "Contoso Cloud Backup");
    let rows: Vec<(u32, String, PermissionKind, String)> = loaded
        .rows_of(p)
        .map(|i| {
            let r = &loaded.requirements[i];
            (r.line, loaded.apis[r.api].short.clone(), r.kind, r.permission.clone())
        })
        .collect();
    use PermissionKind::{Application as A, Delegated as D};
    assert_eq!(
        rows,
        [
            (2, "Graph".into(), A, "User.Read.All".into()),
            (3, "Graph".into(), A, "Mail.ReadWrite".into()),
            (4, "Graph".into(), A, "Files.ReadWrite.All".into()),
            (6, "Exchange".into(), A, "full_access_as_app".into()),
            (7, "Graph".into(), D, "offline_access".into()),
            (8, "SharePoint".into(), A, "Sites.Selected".into()),
            (8, "SharePoint".into(), D, "Sites.Selected".into()),
        ]
    );
    let r = &loaded.requirements[loaded.rows_of(p).start + 1];
    assert_eq!(&*r.api_as_written, "Microsoft Graph");
    assert_eq!(
        r.purpose.as_deref(),
        Some("Back up mail; the \"Restore\" job writes items back")
    );
    assert_eq!(&*r.workloads[0].workload, "Exchange Online");
    assert!(r.workloads[0].documented);
    let files = &loaded.requirements[loaded.rows_of(p).start + 2];
    assert_eq!(files.purpose.as_deref(), Some("Back up OneDrive and restore files"));
    assert_eq!(&*files.api_as_written, "MS Graph");
    let offline = &loaded.requirements[loaded.rows_of(p).start + 4];
    assert!(!offline.workloads[0].documented, "no workload given: derived");
}

#[test]
fn a_bad_csv_cell_names_its_line_and_column() {
    let catalog = bundled();
    let path = fixture("vendor-table-bad-type.csv");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let err = import::import(&catalog, &text, "vendor-table-bad-type.csv", "bad", "Bad", None).expect_err("bad type");
    let ImportError::Input(e) = &err else { panic!("{err:?}") };
    assert_eq!((e.line, e.column), (Some(4), Some(17)));
    assert_eq!(e.field.as_deref(), Some("type"));
    assert!(
        err.to_string()
            .starts_with("vendor-table-bad-type.csv:4:17: field `type`:"),
        "{err}"
    );

    for (csv, want) in [
        ("api,permission\nGraph,Mail.Read\n", "no `type` column"),
        (
            "api,permission,type\nGrph,Mail.Read,application\n",
            "unknown API `Grph`",
        ),
        (
            "api,permission,type\nGraph,Mail.Read Mail.Send,application\n",
            "not a single claim",
        ),
        ("api,permission,type\nGraph,,application\n", "permission cell is empty"),
        ("api,permission,type\nGraph,\"Mail.Read,application\n", "never closed"),
        ("api,permission,type\nGraph,Mail.Read,application,extra\n", "4 fields"),
        ("api,permission,type\n", "no rows"),
        (
            "api,permission,type,purpose\nGraph,Mail.Read,application,\"a\u{1b}[31m\"\n",
            "escape",
        ),
    ] {
        let err = import::import(&catalog, csv, "inline.csv", "inline", "Inline", None).expect_err(csv);
        assert!(err.to_string().contains(want), "{csv:?}: {err}");
    }
}

#[test]
fn a_semicolon_csv_with_a_guid_imports() {
    let catalog = bundled();
    let csv = "\u{feff}API;Permission;Type;Purpose\r\nGraph;810c84a8-4a9e-49e6-bf7d-12d183f40d01;Role;Back up mail\r\n";
    let json = import::import(&catalog, csv, "excel.csv", "excel", "Excel", None).unwrap_or_else(|e| panic!("{e}"));
    let loaded = load_imported(&json);
    let r = &loaded.requirements[0];
    assert_eq!(r.permission, "Mail.Read");
    assert_eq!(
        r.permission_as_written.as_deref(),
        Some("810c84a8-4a9e-49e6-bf7d-12d183f40d01")
    );
}

#[test]
fn a_manifest_becomes_a_product_with_file_lines() {
    let catalog = bundled();
    let path = fixture("application.pwsh.json");
    let text = permscope::model::read::file::read_text(&path).expect("fixture");
    let json = import::import(&catalog, &text, "application.pwsh.json", "contoso", "Contoso", None)
        .unwrap_or_else(|e| panic!("{e}"));
    let loaded = load_imported(&json);
    let p = loaded.product_index("contoso").expect("product");
    assert_eq!(loaded.products[p].name, "Contoso Cloud Backup");
    assert_eq!(loaded.products[p].apps[0].name, "Contoso Cloud Backup");
    let rows: Vec<(u32, String)> = loaded
        .rows_of(p)
        .map(|i| (loaded.requirements[i].line, loaded.requirements[i].permission.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (21, "User.Read.All".into()),
            (26, "Mail.Read".into()),
            (31, "User.Read".into()),
            (36, "offline_access".into()),
            (47, "full_access_as_app".into()),
        ]
    );
}

#[test]
fn an_import_with_unknown_guids_is_refused_and_lists_them() {
    let catalog = bundled();
    let text = permscope::model::read::file::read_text(&fixture("manifest-unknown.json")).expect("fixture");
    let err = import::import(&catalog, &text, "manifest-unknown.json", "fabrikam", "Fabrikam", None)
        .expect_err("unknown GUIDs");
    let ImportError::Unresolved { unresolved, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unresolved.len(), 2, "{unresolved:?}");
    assert_eq!(unresolved[0].id.as_deref(), Some(UNKNOWN_GUID));
    assert!(unresolved[0].resource_known);
    assert_eq!(unresolved[0].line, Some(22), "the line where the entry starts");
    let export = read("manifest-unknown.json");
    assert_eq!(
        export.grants[0]
            .principal
            .as_ref()
            .and_then(|p| p.display_name.as_deref()),
        Some("Fabrikam Tenant Backup"),
        "the portal manifest's `name`"
    );
    let resolved = grants::resolve(&catalog, &export.grants);
    assert_eq!(
        find(&resolved, &catalog, "Microsoft Graph", "Directory.Read.All").count,
        2
    );
    assert!(!unresolved[1].resource_known);
    let shown = err.to_string();
    assert!(shown.contains(UNKNOWN_GUID) && shown.contains("--catalog"), "{shown}");

    // A catalog file or an empty export is not a vendor's list.
    let sp = permscope::model::read::file::read_text(&fixture("graph-serviceprincipal.az.json")).expect("fixture");
    let err = import::import(&catalog, &sp, "sp.json", "x", "X", None).expect_err("catalog");
    assert!(matches!(err, ImportError::NotAList { .. }), "{err:?}");
    assert!(err.to_string().contains("--catalog"));
    let err = import::import(&catalog, "{\"value\": []}", "e.json", "x", "X", None).expect_err("empty");
    assert!(matches!(err, ImportError::NotAList { .. }), "{err:?}");
}

#[test]
fn duplicated_grants_import_once_with_a_note() {
    let catalog = bundled();
    let text =
        permscope::model::read::file::read_text(&fixture("nakivo-approleassignments.rest.json")).expect("fixture");
    // Remove the unknown GUID so the rest can be imported.
    let text = text.replace(UNKNOWN_GUID, "7ab1d382-f21e-4acd-a863-ba3e13f7da61");
    let json = import::import(&catalog, &text, "nakivo-grants.json", "nakivo-tenant", "NAKIVO", None)
        .unwrap_or_else(|e| panic!("{e}"));
    let loaded = load_imported(&json);
    let p = loaded.product_index("nakivo-tenant").expect("product");
    assert_eq!(loaded.rows_of(p).len(), 30);
    assert_eq!(loaded.products[p].apps[0].name, "NAKIVO Backup for Microsoft 365");
    let mail = loaded
        .rows_of(p)
        .map(|i| &loaded.requirements[i])
        .find(|r| r.permission == "Mail.Read")
        .expect("Mail.Read");
    assert!(mail.notes.iter().any(|n| n.contains("2 times")), "{:?}", mail.notes);
    assert!(loaded.products[p].notes.iter().any(|n| n.contains("1 duplicate")));
}

#[test]
fn bad_arguments_are_refused() {
    let catalog = bundled();
    let csv = "api,permission,type\nGraph,Mail.Read,application\n";
    for (slug, vendor, want) in [
        ("Bad Slug", "V", "--product"),
        ("../escape", "V", "--product"),
        ("ok", " ", "--vendor"),
        ("ok", "V\u{202e}", "--vendor"),
    ] {
        let err = import::import(&catalog, csv, "x.csv", slug, vendor, None).expect_err(slug);
        assert!(err.to_string().starts_with(want), "{err}");
    }
}

#[test]
fn writing_never_overwrites_without_force_and_leaves_nothing_behind() {
    let dir = TempDir::new("import-write");
    let data = dir.path().join("data").join("permscope");
    let catalog = bundled();
    let csv = "api,permission,type\nGraph,Mail.Read,application\n";
    let first = import::import(&catalog, csv, "first.csv", "acme", "Acme", None).expect("imports");
    let path = import::write_product_file(&data, "acme", &first, false).expect("written");
    assert_eq!(path, data.join("acme.json"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), first);

    let second = import::import(&catalog, csv, "second.csv", "acme", "Acme", None).expect("imports");
    let err = import::write_product_file(&data, "acme", &second, false).expect_err("exists");
    assert!(matches!(err, ImportError::Exists(_)), "{err:?}");
    assert!(err.to_string().contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), first, "untouched");
    import::write_product_file(&data, "acme", &second, true).expect("forced");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), second);

    // A failed write leaves no temporary file.
    std::fs::create_dir(data.join("blocked.json")).expect("a folder in the way");
    let err = import::write_product_file(&data, "blocked", &second, true).expect_err("cannot replace a folder");
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    let mut names: Vec<String> = std::fs::read_dir(&data)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["acme.json", "blocked.json"]);
    std::fs::remove_dir(data.join("blocked.json")).expect("tidy");

    // The new product appears when the folder loads.
    let (loaded, report) = Catalog::load(std::slice::from_ref(&data));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let p = loaded.product_index("acme").expect("imported product loads");
    assert_eq!(loaded.products[p].source.file, "second.csv");
    assert!(import::write_product_file(&data, "../evil", &second, true).is_err());
}

#[test]
fn the_default_data_folder_is_named_permscope() {
    if let Some(dir) = import::default_data_dir() {
        assert!(dir.is_absolute());
        assert!(dir.ends_with("permscope"));
    }
}

// ------------------------------------------------------------------ robustness

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_is_an_export_or_a_located_error(text in "\\PC{0,200}") {
        if let Err(e) = exports::read_export(&text, "fuzz.json") {
            prop_assert_eq!(e.origin, "fuzz.json");
        }
    }

    #[test]
    fn truncated_fixtures_never_panic(cut in 0usize..4000, which in 0usize..4) {
        let name = ["nakivo-approleassignments.rest.json", "application.rest.json",
                    "graph-serviceprincipal.az.json", "approleassignments.pwsh.json"][which];
        let text = permscope::model::read::file::read_text(&fixture(name)).expect("fixture");
        let mut end = cut.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let part = &text[..end];
        if let Ok(e) = exports::read_export(part, name) {
            let _ = grants::resolve(shared(), &e.grants);
        }
    }

    #[test]
    fn any_csv_imports_or_fails_cleanly(body in "[a-zA-Z0-9.,;\"\\r\\n _/-]{0,200}") {
        let text = format!("api,permission,type,purpose,workload\n{body}");
        if let Ok(json) = import::import(shared(), &text, "fuzz.csv", "fuzz", "Fuzz", None) {
            load_imported(&json);
        }
    }
}
