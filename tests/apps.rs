//! Apps are the unit of consent: `--app` on every command, one manifest per
//! app, audits per app, and warnings that cite the product asked for.

mod common;

use common::{permscope, stderr, stdout};
use permscope::model::audit::{self, Audit};
use permscope::model::catalog::Catalog;
use permscope::model::grants;
use permscope::model::holders::{Holders, MatchedBy};
use permscope::model::query::{AppError, apps_called, resolve_app};
use permscope::model::read::grants::read_export_file;
use serde_json::Value;
use std::path::PathBuf;

fn bundled() -> Catalog {
    Catalog::load(&[]).0
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/grants")
        .join(name)
}

fn fixture_arg(name: &str) -> String {
    fixture(name).display().to_string()
}

const ASSIGNMENTS: &str = "xopero-pro-approleassignments.rest.json";
const DELEGATED: &str = "xopero-pro-oauth2grants.rest.json";

// ------------------------------------------------------------ resolving --app

#[test]
fn an_app_is_named_by_its_name_a_prefix_or_a_word() {
    let c = bundled();
    let x = c.product_index("xopero-one").unwrap();
    for (given, app) in [
        ("Xopero ONE MS365 PRO", 1),
        ("xopero one ms365 pro", 1),
        ("  xopero   one registrator ", 0),
        ("xopero one r", 0),
        ("pro", 1),
        ("ms365", 1),
        ("REGISTRATOR", 0),
    ] {
        assert_eq!(resolve_app(&c, x, given), Ok(app), "{given}");
    }
}

#[test]
fn an_ambiguous_or_unknown_app_lists_the_products_apps() {
    let c = bundled();
    let x = c.product_index("xopero-one").unwrap();
    let e = resolve_app(&c, x, "xopero").unwrap_err();
    assert!(
        matches!(&e, AppError::Ambiguous { matches, .. } if matches.len() == 2),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.contains("`xopero` matches 2 apps of xopero-one")
            && text.contains("\"Xopero ONE Registrator\"")
            && text.contains("\"Xopero ONE MS365 PRO\""),
        "{text}"
    );
    let e = resolve_app(&c, x, "backup").unwrap_err().to_string();
    assert!(
        e.contains("no app matches `backup`") && e.contains("xopero-one: \"Xopero ONE Registrator\""),
        "{e}"
    );
    assert!(
        matches!(resolve_app(&c, x, "  "), Err(AppError::Unknown { .. })),
        "a blank name names nothing"
    );
    // Without a product, the app is looked for in every product that has it.
    let both = apps_called(&c, &[], "registrator").unwrap();
    let slugs: Vec<&str> = both.iter().map(|a| c.products[a.product].slug.as_str()).collect();
    assert_eq!(slugs, ["gitprotect", "xopero-one"]);
}

#[test]
fn every_command_refuses_an_ambiguous_app_and_lists_the_apps() {
    let grants = fixture_arg(DELEGATED);
    let runs: [Vec<&str>; 4] = [
        vec!["list", "--product", "xopero-one", "--app", "xopero"],
        vec![
            "export",
            "--product",
            "xopero-one",
            "--app",
            "xopero",
            "--format",
            "manifest",
        ],
        vec![
            "audit",
            "--product",
            "xopero-one",
            "--app",
            "xopero",
            "--grants",
            &grants,
        ],
        vec!["report", "xopero-one", "--app", "xopero"],
    ];
    for args in runs {
        let o = permscope(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("`xopero` matches 2 apps of xopero-one")
                && err.contains("Xopero ONE Registrator")
                && err.contains("Xopero ONE MS365 PRO"),
            "{args:?}: {err}"
        );
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn list_with_an_app_shows_that_apps_rows_only() {
    let o = permscope(&[
        "list",
        "--product",
        "xopero-one",
        "--app",
        "registrator",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r["app"] == "Xopero ONE Registrator"));
    // Without a product: the registrator of both products that install one.
    let o = permscope(&["list", "--app", "registrator", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(rows.len(), 8);
}

// ------------------------------------------------------------ export

#[test]
fn export_of_a_manifest_for_two_apps_refuses_and_names_each_app() {
    let o = permscope(&["export", "--product", "xopero-one", "--format", "manifest"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "never a merged manifest");
    let err = stderr(&o);
    assert!(err.contains("is one app registration's"), "{err}");
    assert!(
        err.contains("--product xopero-one --app \"Xopero ONE Registrator\""),
        "{err}"
    );
    assert!(
        err.contains("--product xopero-one --app \"Xopero ONE MS365 PRO\""),
        "{err}"
    );
}

#[test]
fn export_of_one_apps_manifest_is_its_golden_document() {
    for (app, golden) in [
        ("pro", "xopero-one-pro.manifest.json"),
        ("registrator", "xopero-one-registrator.manifest.json"),
    ] {
        let o = permscope(&[
            "export",
            "--product",
            "xopero-one",
            "--app",
            app,
            "--format",
            "manifest",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let expected = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/golden/export")
                .join(golden),
        )
        .unwrap();
        assert_eq!(stdout(&o), expected, "{app}");
        // The preset path gives the same document.
        let o = permscope(&[
            "export",
            "--product",
            "xopero-one",
            "--app",
            app,
            "--preset",
            "everything",
            "--format",
            "manifest",
        ]);
        assert_eq!(stdout(&o), expected, "{app} preset");
    }
}

#[test]
fn gitprotect_warnings_cite_gitprotect_never_xopero_one() {
    // The two products' documents hold the same rows; the blank Exchange
    // Online claim is at lines 213 and 248 of GitProtect's, 78 and 87 of Xopero ONE's.
    for format in ["names", "json", "azcli", "markdown"] {
        let o = permscope(&["export", "--product", "gitprotect", "--format", format]);
        assert!(o.status.success(), "{format}");
        let err = stderr(&o);
        assert!(
            err.contains("the claim cell empty (gitprotect, Xopero ONE MS365 PRO: lines 213, 248)"),
            "{format}: {err}"
        );
        assert!(!err.contains("xopero-one"), "{format}: {err}");
        assert!(!stdout(&o).contains("xopero-one"), "{format}");
    }
    let o = permscope(&["export", "--product", "xopero-one", "--app", "pro", "--format", "names"]);
    let err = stderr(&o);
    assert!(
        err.contains("(xopero-one, Xopero ONE MS365 PRO: lines 78, 87)"),
        "{err}"
    );
    assert!(!err.contains("gitprotect"), "{err}");
}

// ------------------------------------------------------------ audit per app

fn xopero_audit(files: &[&str], app: Option<usize>) -> Audit {
    let c = bundled();
    let mut raw = Vec::new();
    for f in files {
        raw.extend(read_export_file(&fixture(f)).unwrap().grants);
    }
    let product = c.product_index("xopero-one").unwrap();
    audit::audit_apps(
        &c,
        product,
        app,
        &grants::resolve(&c, &raw),
        &Holders::from_grants(&raw),
        &audit::Narrower::default(),
    )
}

fn names(entries: &[audit::AuditEntry]) -> Vec<String> {
    entries.iter().map(|e| e.permission_label()).collect()
}

#[test]
fn the_pro_apps_directory_access_as_user_is_flagged_as_another_apps() {
    // Recognised from the grants: the assignments name the app, and the delegated
    // grant's clientId is the same service principal.
    let a = xopero_audit(&[ASSIGNMENTS, DELEGATED], None);
    assert_eq!(a.apps.len(), 1);
    assert_eq!(a.apps[0].name, "Xopero ONE MS365 PRO");
    assert_eq!(a.apps[0].matched_by, MatchedBy::DisplayName);
    assert_eq!(names(&a.other_app), ["Directory.AccessAsUser.All"]);
    let e = &a.other_app[0];
    assert_eq!(e.app.as_deref(), Some("Xopero ONE MS365 PRO"));
    assert_eq!(e.documented[0].app, "Xopero ONE Registrator");
    assert_eq!(e.notes, ["documented for Xopero ONE Registrator, not for this app"]);
    assert!(!names(&a.granted_documented).contains(&"Directory.AccessAsUser.All".to_string()));
    assert_eq!(a.granted_documented.len(), 8, "{:?}", names(&a.granted_documented));
    assert!(a.undocumented.is_empty());
    // What the backup app documents and does not hold; nothing of the registrator's.
    assert_eq!(a.not_granted.len(), 7, "{:?}", names(&a.not_granted));
    assert!(!names(&a.not_granted).iter().any(|n| n == "openid" || n == "profile"));
    assert!(!a.is_clean() && a.exit_code() == 1);
    assert!(a.notices.is_empty(), "{:?}", a.notices);
    assert!(audit::summary(&a).contains("1 documented for another app"));
}

#[test]
fn the_delegated_grant_alone_is_tied_to_its_app_by_object_id_or_by_app() {
    // Alone, a delegated grant names its holder by clientId only: nothing ties
    // it to an app, so every app's documentation is used, and the audit says so.
    let alone = xopero_audit(&[DELEGATED], None);
    assert!(alone.apps.is_empty());
    assert!(names(&alone.granted_documented).contains(&"Directory.AccessAsUser.All".to_string()));
    assert!(
        alone.notices[0].contains("the grants do not say which holds them"),
        "{:?}",
        alone.notices
    );
    assert!(alone.notices[0].contains("audit --app NAME"));
    // Named with --app, it is checked against that app.
    let pro = xopero_audit(&[DELEGATED], Some(1));
    assert_eq!(pro.apps[0].matched_by, MatchedBy::Given);
    assert_eq!(names(&pro.other_app), ["Directory.AccessAsUser.All"]);
    // With the assignments, the clientId is known by name.
    let both = xopero_audit(&[DELEGATED, ASSIGNMENTS], None);
    assert_eq!(both.apps[0].matched_by, MatchedBy::ObjectId, "{:?}", both.apps);
    assert_eq!(names(&both.other_app), ["Directory.AccessAsUser.All"]);
    // The registrator checked against the backup app's grants: all of them are drift.
    let reg = xopero_audit(&[ASSIGNMENTS, DELEGATED], Some(0));
    assert_eq!(reg.granted_documented.len(), 2, "{:?}", names(&reg.granted_documented));
    assert!(names(&reg.other_app).contains(&"full_access_as_app".to_string()));
}

#[test]
fn audit_json_and_text_name_the_app_and_count_the_other_apps_grants_apart() {
    let o = permscope(&[
        "audit",
        "--product",
        "xopero-one",
        "--grants",
        &fixture_arg(ASSIGNMENTS),
        "--grants",
        &fixture_arg(DELEGATED),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "drift is a finding");
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["product"], "xopero-one");
    assert_eq!(
        v["apps"],
        serde_json::json!([{"app": "Xopero ONE MS365 PRO", "matched_by": "display_name", "holder": "Xopero ONE MS365 PRO"}])
    );
    let other = v["documented_for_another_app"].as_array().unwrap();
    assert_eq!(other.len(), 1);
    assert_eq!(other[0]["permission"], "Directory.AccessAsUser.All");
    assert_eq!(other[0]["flagged"], true);
    assert_eq!(other[0]["app"], "Xopero ONE MS365 PRO");
    assert_eq!(other[0]["documented"][0]["app"], "Xopero ONE Registrator");
    assert_eq!(other[0]["documented"][0]["line"], 45);
    for list in ["granted_documented", "undocumented", "not_granted"] {
        assert!(
            v[list]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["permission"] != "Directory.AccessAsUser.All"),
            "{list}"
        );
    }
    assert!(
        v["granted_documented"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["app"] == "Xopero ONE MS365 PRO")
    );
    // The table says it too.
    let o = permscope(&[
        "audit",
        "--product",
        "xopero-one",
        "--app",
        "pro",
        "--grants",
        &fixture_arg(DELEGATED),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("Checked against the app Xopero ONE MS365 PRO (named with --app)."),
        "{text}"
    );
    assert!(text.contains("GRANTED, DOCUMENTED ONLY FOR ANOTHER APP (1)"), "{text}");
    assert!(
        text.contains("documented for Xopero ONE Registrator, not for this app"),
        "{text}"
    );
    // A single-app product's audit keeps its three sections.
    let nakivo = permscope(&[
        "audit",
        "--product",
        "nakivo",
        "--grants",
        &fixture_arg("nakivo-approleassignments.rest.json"),
    ]);
    assert!(!stdout(&nakivo).contains("ANOTHER APP"));
}

// ------------------------------------------------------------ report

#[test]
fn a_report_for_one_app_covers_that_app_only() {
    let o = permscope(&["report", "xopero-one", "--app", "registrator"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.starts_with("# Permission review: Xopero ONE, app Xopero ONE Registrator"),
        "{md}"
    );
    assert!(md.contains("App: Xopero ONE Registrator (this report covers this app only"));
    assert!(md.contains("The product also installs Xopero ONE MS365 PRO, not covered here."));
    assert!(md.contains("of 4 distinct permissions"), "{md}");
    assert!(
        !md.contains("full_access_as_app"),
        "the backup app's permissions are not in it"
    );
    // Without --app, each app gets its profile, and each serious permission names its app.
    let o = permscope(&["report", "xopero-one"]);
    let md = stdout(&o);
    assert!(md.contains("Profile of the app Xopero ONE Registrator: "), "{md}");
    assert!(md.contains("Profile of the app Xopero ONE MS365 PRO: "));
    assert!(
        md.contains("Directory.AccessAsUser.All (Microsoft Graph, delegated) — asked for by Xopero ONE Registrator — source line 45"),
        "{md}"
    );
}

// ------------------------------------------------------------ the explorer

use permscope::tui::action::{Action, Effect};
use permscope::tui::app::App;

/// The explorer on the bundled data, filtered to one product.
fn explorer_on(slug: &str) -> App {
    let mut app = App::new(bundled());
    let at = app.catalog.product_index(slug).unwrap();
    app.update(Action::PickProducts);
    for _ in 0..at {
        app.update(Action::MoveDown);
    }
    app.update(Action::PickerToggle);
    app.update(Action::PickerAccept);
    assert_eq!(app.query.products, vec![at]);
    app
}

/// Picks option `n` of the open picker.
fn pick(app: &mut App, n: usize) -> Vec<Effect> {
    for _ in 0..n {
        app.update(Action::MoveDown);
    }
    app.update(Action::PickerAccept)
}

fn copies(effects: &[Effect]) -> Vec<(String, Vec<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Copy { text, warnings, .. } => Some((text.clone(), warnings.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_explorer_never_copies_a_merged_manifest_and_says_why() {
    let mut app = explorer_on("xopero-one");
    // Everything the product asks for: both apps.
    app.update(Action::PickPreset);
    pick(&mut app, 0);
    assert_eq!(app.selection.apps().len(), 2);
    let status = app.status.clone().unwrap();
    assert!(status.contains("for its 2 apps"), "{status}");
    // Copy as a manifest: refused, nothing reaches the clipboard, the status says why.
    app.update(Action::PickFormat);
    let effects = pick(&mut app, 7);
    assert!(copies(&effects).is_empty(), "{effects:?}");
    let status = app.status.clone().unwrap();
    assert!(status.starts_with("Not copied as manifest."), "{status}");
    assert!(
        status.contains("Xopero ONE Registrator (xopero-one) with 4 permissions")
            && status.contains("Xopero ONE MS365 PRO (xopero-one) with 15 permissions")
            && status.contains("P on a row offers each app's set"),
        "{status}"
    );
    // As az CLI: one block per app, and the first warning (shown in the status line) says so.
    app.update(Action::PickFormat);
    app.update(Action::MoveTop);
    let effects = pick(&mut app, 6);
    let copied = copies(&effects);
    assert_eq!(copied.len(), 1);
    assert!(
        copied[0]
            .0
            .contains("# ---- App 1: Xopero ONE Registrator (xopero-one)\n")
    );
    assert!(
        copied[0]
            .0
            .contains("# ---- App 2: Xopero ONE MS365 PRO (xopero-one)\n")
    );
    assert!(
        copied[0].1[0].starts_with("The selection is for 2 apps"),
        "{:?}",
        copied[0].1
    );
}

#[test]
fn the_explorer_selects_one_apps_set_and_copies_its_manifest() {
    let mut app = explorer_on("xopero-one");
    app.update(Action::PickPreset);
    let options = app.picker.as_ref().unwrap().options.clone();
    assert_eq!(options[4], "Everything the app Xopero ONE Registrator asks for");
    assert_eq!(options[5], "Everything the app Xopero ONE MS365 PRO asks for");
    pick(&mut app, 5);
    // 15 permissions, and the blank Exchange Online row the export skips.
    assert_eq!(app.selection.len(), 16);
    assert_eq!(app.selection.apps().len(), 1);
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("everything the app Xopero ONE MS365 PRO of xopero-one asks for")
    );
    app.update(Action::PickFormat);
    let copied = copies(&pick(&mut app, 7));
    assert_eq!(copied.len(), 1);
    let v: Value = serde_json::from_str(&copied[0].0).unwrap();
    assert!(v["requiredResourceAccess"].is_array());
    assert!(
        !copied[0].0.contains("0e263e50-5827-48a4-b97c-d940288653c7"),
        "no Directory.AccessAsUser.All"
    );
    // A single-app product's presets are the four it always had, and its
    // least-privilege set.
    let mut nakivo = explorer_on("nakivo");
    nakivo.update(Action::PickPreset);
    let options = &nakivo.picker.as_ref().unwrap().options;
    assert_eq!(options.len(), 5, "{options:?}");
    assert!(options[4].starts_with("Least privilege for "), "{options:?}");
}

#[test]
fn rows_picked_from_two_apps_are_kept_apart() {
    let mut app = explorer_on("xopero-one");
    // The first row is the registrator's Directory.AccessAsUser.All; row 5 the backup app's Mail.ReadWrite.
    app.update(Action::ToggleSelect);
    for _ in 0..3 {
        app.update(Action::MoveDown);
    }
    app.update(Action::ToggleSelect);
    assert_eq!(app.selection.len(), 2);
    assert_eq!(app.selection.apps().len(), 2);
    app.update(Action::PickFormat);
    assert!(copies(&pick(&mut app, 7)).is_empty());
    assert!(app.status.as_deref().unwrap().starts_with("Not copied as manifest."));
}

#[test]
fn the_audit_screen_checks_each_apps_grants_against_that_app() {
    let c = bundled();
    let mut raw = Vec::new();
    for f in [ASSIGNMENTS, DELEGATED] {
        raw.extend(read_export_file(&fixture(f)).unwrap().grants);
    }
    let resolved = grants::resolve(&c, &raw);
    let mut app = App::new(c)
        .with_grants(resolved)
        .with_holders(Holders::from_grants(&raw));
    let at = app.catalog.product_index("xopero-one").unwrap();
    app.update(Action::PickProducts);
    for _ in 0..at {
        app.update(Action::MoveDown);
    }
    app.update(Action::PickerToggle);
    app.update(Action::PickerAccept);
    app.update(Action::OpenAudit);
    let (audit, _) = app.audit.as_ref().unwrap();
    assert_eq!(audit.other_app.len(), 1);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(150, 50)).unwrap();
    let keymap = permscope::tui::keymap::Keymap::default();
    let mut vs = permscope::tui::view::ViewState::default();
    terminal
        .draw(|f| permscope::tui::view::render(f, &app, &keymap, &permscope::tui::theme::Theme::mono(), &mut vs))
        .unwrap();
    let s = permscope::tui::view::buffer_text(terminal.backend().buffer()).join("\n");
    assert!(s.contains("Checked against the app Xopero ONE MS365 PRO"), "{s}");
    assert!(
        s.contains("Granted, documented only for another app (flagged) (1)"),
        "{s}"
    );
    assert!(s.contains("Directory.AccessAsUser.All"), "{s}");
    assert!(
        s.contains("documented for Xopero ONE Registrator, not for this app"),
        "{s}"
    );
}

// ------------------------------------------------------------ an app id the product file records

const TWO_APPS: &str = r#"{
  "slug": "two-apps",
  "vendor": "V",
  "product": "Two apps",
  "source": {"title": "T", "file": "t.txt"},
  "apps": [
    {"name": "Setup", "requirements": [
      {"line": 1, "api": "Microsoft Graph", "permission": "Directory.AccessAsUser.All", "type": "delegated"}]},
    {"name": "Backup", "app_id": "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D", "requirements": [
      {"line": 2, "api": "Microsoft Graph", "permission": "Mail.Read", "type": "application"}]}
  ]
}"#;

#[test]
fn an_app_id_in_the_product_file_ties_a_manifest_to_its_app() {
    let mut c = Catalog::empty();
    c.add_product_text(TWO_APPS, permscope::model::product::Origin::Bundled("two-apps.json"))
        .unwrap();
    assert_eq!(
        c.products[0].apps[1].app_id.as_deref(),
        Some("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    );
    // The registration names no display name: only its appId says which app it is.
    let manifest = r#"{"appId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "requiredResourceAccess": [
      {"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": [
        {"id": "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "type": "Role"},
        {"id": "0e263e50-5827-48a4-b97c-d940288653c7", "type": "Scope"}]}]}"#;
    let raw = permscope::model::read::grants::read_export(manifest, "manifest.json")
        .unwrap()
        .grants;
    let a = audit::audit_apps(
        &c,
        0,
        None,
        &grants::resolve(&c, &raw),
        &Holders::from_grants(&raw),
        &audit::Narrower::default(),
    );
    assert_eq!(a.apps.len(), 1);
    assert_eq!(
        (a.apps[0].name.as_str(), a.apps[0].matched_by),
        ("Backup", MatchedBy::AppId)
    );
    assert_eq!(names(&a.granted_documented), ["Mail.Read"]);
    assert_eq!(names(&a.other_app), ["Directory.AccessAsUser.All"]);
    // An app id that is not one is refused where it is.
    let bad = TWO_APPS.replace("0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D", "not-a-guid");
    let e = Catalog::empty()
        .add_product_text(&bad, permscope::model::product::Origin::Bundled("bad.json"))
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("apps[1].app_id"), "{e}");
    assert!(e.message.contains("not an application id"), "{e}");
}
