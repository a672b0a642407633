//! Microsoft's whole catalog in use, as a reviewer meets it: misspelt names
//! called unknown with the published names near them (`show`, `assess`, the
//! explorer's catalog search), a permission no bundled vendor names shown,
//! audited and imported with no `--catalog`, the `catalog --format json`
//! contract, and the explorer's catalog mode driven headless (M, search,
//! filters, Space, copy) and drawn into ratatui's `TestBackend`.
//!
//! Mail.Send is the permission no bundled vendor names: the first test checks
//! that it still is, so that the others keep testing what they say.

mod common;

use common::{TempDir, permscope, stderr, stdout};
use permscope::model::catalog::Catalog;
use permscope::model::level::RiskLevel;
use permscope::model::microsoft::GRAPH_APP_ID;
use permscope::model::permission::{PermissionKey, PermissionKind};
use permscope::tui::action::{Action, Effect};
use permscope::tui::app::App;
use permscope::tui::keymap::{Focus, Keymap};
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState, buffer_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;
use std::sync::OnceLock;

/// Microsoft Graph's Mail.Send application role, as Microsoft publishes it.
const MAIL_SEND_ROLE: &str = "b633e1c5-b582-4048-a93e-9f11b44c7e96";
const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";

fn bundled() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let (catalog, report) = Catalog::load(&[]);
        assert!(report.errors.is_empty(), "bundled data has errors: {:?}", report.errors);
        catalog
    })
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), stderr(o)))
}

/// Slugs of the bundled products that ask for a permission.
fn asked_by(api: usize, kind: PermissionKind, name: &str) -> Vec<String> {
    let c = bundled();
    let mut slugs: Vec<String> = c
        .requirements
        .iter()
        .filter(|r| r.api == api && r.kind == kind && r.permission == name)
        .map(|r| c.products[r.product].slug.clone())
        .collect();
    slugs.sort();
    slugs.dedup();
    slugs
}

fn graph() -> usize {
    bundled().api_index("Microsoft Graph").expect("Graph is a bundled API")
}

#[test]
fn no_bundled_vendor_names_mail_send() {
    let c = bundled();
    assert!(
        !c.requirements
            .iter()
            .any(|r| r.permission.eq_ignore_ascii_case("Mail.Send")),
        "a bundled vendor now asks for Mail.Send: pick another permission for these tests"
    );
    assert_eq!(
        c.microsoft
            .get(GRAPH_APP_ID, PermissionKind::Application, "Mail.Send")
            .map(|p| p.id.to_string()),
        Some(MAIL_SEND_ROLE.to_string())
    );
}

// ------------------------------------------------------------------ misspellings

#[test]
fn show_of_a_misspelling_names_the_published_name() {
    for (typo, meant) in [
        ("Mail.Sned", "Mail.Send"),
        ("User.Reed.All", "User.Read.All"),
        ("Mail.Raed", "Mail.Read"),
    ] {
        let o = permscope(&["show", typo]);
        assert_eq!(o.status.code(), Some(2), "{typo}: {}", stderr(&o));
        assert!(
            stdout(&o).is_empty(),
            "{typo}: nothing shown for a name that does not exist"
        );
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "`{typo}` is not a permission Microsoft publishes for Microsoft Graph, Office 365 Exchange Online, Office 365 SharePoint Online or Azure DevOps (application or delegated)"
            )),
            "{e}"
        );
        let suggestions = e.split("did you mean ").nth(1).unwrap_or_else(|| panic!("{typo}: {e}"));
        assert!(
            suggestions.trim_end().trim_end_matches('?').split(", ").next() == Some(meant),
            "{typo}: {meant} should come first: {e}"
        );
    }
    // Mail.Raed once suggested TeamsAppInstallation.ReadWriteAndConsentForTeam.All.
    assert!(!stderr(&permscope(&["show", "Mail.Raed"])).contains("TeamsAppInstallation"));
    // Looked up on one resource and kind: the message names them.
    let o = permscope(&["show", "Mail.Sned", "--api", "exchange", "--type", "delegated"]);
    let e = stderr(&o);
    assert!(
        e.contains("for Office 365 Exchange Online (delegated)") && e.contains("did you mean Mail.Send"),
        "{e}"
    );
    // A name like nothing published gets no suggestion, and says so.
    let e = stderr(&permscope(&["show", "Xyzzy.Plugh.All"]));
    assert!(e.contains("no published name is close to it"), "{e}");
}

#[test]
fn assess_of_an_unknown_name_says_so_first_and_exits_1() {
    for (typo, meant) in [
        ("Mail.Sned", "Mail.Send"),
        ("User.Reed.All", "User.Read.All"),
        ("Mail.Raed", "Mail.Read"),
    ] {
        // A known name first: the unknown one is still said before any rating.
        let o = permscope(&["assess", "Mail.Read", typo]);
        assert_eq!(o.status.code(), Some(1), "{typo}");
        let out = stdout(&o);
        let first = out.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!(
                "unknown: `{typo}` is not a permission Microsoft publishes for Microsoft Graph (application); did you mean {meant}"
            )),
            "{typo}: the first line must say the name is unknown: {out}"
        );
        // Its rating follows, marked as a guess, with no operation count.
        let block: Vec<&str> = out
            .lines()
            .skip_while(|l| !(l.contains(typo) && l.contains("(Microsoft Graph application)")))
            .take_while(|l| !l.contains("Mail.Read (Microsoft Graph"))
            .collect();
        assert!(block[0].ends_with("GUESS: NOT A PUBLISHED NAME"), "{out}");
        assert!(
            block[1].contains("A guess by permscope's general rules from the name alone"),
            "{out}"
        );
        assert!(!block.iter().any(|l| l.contains("API operations")), "{out}");
        // The known name is rated without any such mark.
        let known = out
            .lines()
            .find(|l| l.contains("Mail.Read (Microsoft Graph"))
            .expect("Mail.Read rated");
        assert!(!known.contains("GUESS"), "{known}");
    }
    let o = permscope(&["assess", "Mail.Sned", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v[0]["published"], false);
    assert_eq!(v[0]["suggestions"][0], "Mail.Send");
    assert_eq!(v[0]["id"], Value::Null);
    assert!(v[0]["risk"]["reasons"][0].as_str().unwrap().contains("guess"), "{v}");

    // Published names exit 0 and say nothing of the kind.
    let o = permscope(&["assess", "Mail.Send", "mail.read"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("unknown") && !stdout(&o).contains("GUESS"));
    assert!(
        stdout(&o).contains("Mail.Read (Microsoft Graph application)"),
        "the catalog's spelling"
    );
}

// ------------------------------------------------------------------ a permission no vendor names

#[test]
fn show_gives_what_microsoft_publishes_for_a_permission_no_vendor_names() {
    let o = permscope(&["show", "Mail.Send", "--api", "graph", "--type", "application"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Mail.Send — Microsoft Graph, application"), "{out}");
    for want in [
        "Microsoft's name: Send mail as any user",
        MAIL_SEND_ROLE,
        "admin consent: required",
        "no bundled or loaded product asks for it",
        "POST /me/sendmail",
    ] {
        assert!(out.contains(want), "lacks {want:?}:\n{out}");
    }
    let v = json(&permscope(&[
        "show",
        "mail.send",
        "--api",
        "graph",
        "--type",
        "application",
        "--format",
        "json",
        "--operations",
    ]));
    let p = &v[0];
    assert_eq!(p["permission"], "Mail.Send", "the catalog's spelling");
    assert_eq!(p["published"], true);
    assert_eq!(p["id"], MAIL_SEND_ROLE);
    assert_eq!(p["requirements"], serde_json::json!([]));
    let count = p["operations"]["count"].as_u64().expect("a count");
    assert!(count > 0 && p["operations"]["list"].as_array().map(Vec::len) == Some(count as usize));

    // Without --api, every resource that publishes it.
    let out = stdout(&permscope(&["show", "Mail.Send"]));
    assert!(
        out.contains("Mail.Send — Office 365 Exchange Online, application"),
        "{out}"
    );
    assert!(
        out.contains("Microsoft publishes no map of the API operations Office 365 Exchange Online permissions grant"),
        "{out}"
    );
}

/// The nakivo app's appRoleAssignments (a Graph REST export), with one more
/// entry per `(resource, GUID)` given.
fn grants_with(extra: &[(&str, &str)]) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/grants/nakivo-approleassignments.rest.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let list = v["value"].as_array_mut().unwrap();
    let template = list[0].clone();
    for (i, (resource, guid)) in extra.iter().enumerate() {
        let mut e = template.clone();
        e["id"] = Value::from(format!("extra-grant-{i}"));
        e["appRoleId"] = Value::from(*guid);
        e["resourceDisplayName"] = Value::from(*resource);
        list.push(e);
    }
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn audit_names_grants_no_vendor_documents_without_catalog() {
    let c = bundled();
    let exchange_send = c
        .microsoft
        .get(EXCHANGE_APP_ID, PermissionKind::Application, "Mail.Send")
        .expect("Exchange publishes Mail.Send")
        .id
        .to_string();
    let dir = TempDir::new("catalog-audit");
    let file = dir.write(
        "grants.json",
        &grants_with(&[
            ("Microsoft Graph", MAIL_SEND_ROLE),
            ("Office 365 Exchange Online", &exchange_send),
        ]),
    );
    let o = permscope(&[
        "audit",
        "--product",
        "nakivo",
        "--grants",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "undocumented grants: exit 1; {}", stderr(&o));
    let v = json(&o);
    let undocumented = v["undocumented"].as_array().expect("undocumented");
    for (api, id) in [
        ("Microsoft Graph", MAIL_SEND_ROLE),
        ("Office 365 Exchange Online", exchange_send.as_str()),
    ] {
        let g = undocumented
            .iter()
            .find(|g| g["id"] == id && g["api"] == api)
            .unwrap_or_else(|| panic!("{api} {id} not among the undocumented: {v}"));
        assert_eq!(g["permission"], "Mail.Send", "{g}");
        assert_eq!(g["unknown"], false, "{g}");
        assert_eq!(g["type"], "application");
        assert_eq!(g["risk"]["level"], "high", "{g}");
    }
    // The table says it in words.
    let o = permscope(&["audit", "--product", "nakivo", "--grants", file.to_str().unwrap()]);
    let out = stdout(&o);
    let section = out.split("GRANTED BUT UNDOCUMENTED").nth(1).expect("the section");
    let section = section.split("GRANTED AND DOCUMENTED").next().unwrap();
    assert_eq!(
        section.lines().filter(|l| l.contains("Mail.Send")).count(),
        2,
        "both grants named:\n{out}"
    );
}

#[test]
fn import_writes_a_permission_no_vendor_names_and_check_accepts_it() {
    let dir = TempDir::new("catalog-import");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let csv = dir.write(
        "acme.csv",
        "api,permission,type,purpose\nGraph,Mail.Send,application,Send backup reports\nExchange,mail.send,delegated,Send as the admin\nGraph,Mail.Read,application,Back up mail\n",
    );
    let d = data.to_str().unwrap();
    let o = permscope(&[
        "--data",
        d,
        "import",
        csv.to_str().unwrap(),
        "--product",
        "acme",
        "--vendor",
        "Acme",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("check it with: permscope --data"), "{}", stdout(&o));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(data.join("acme.json")).unwrap()).unwrap();
    let names: Vec<(&str, &str, &str)> = written["apps"][0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["api"].as_str().unwrap(),
                r["permission"].as_str().unwrap(),
                r["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(names.contains(&("Graph", "Mail.Send", "application")), "{names:?}");
    assert!(
        names
            .iter()
            .any(|(api, p, t)| api.contains("Exchange") && *p == "Mail.Send" && *t == "delegated"),
        "the catalog's spelling is written: {names:?}"
    );

    let o = permscope(&["--data", d, "check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "check accepts what import wrote: {}",
        stderr(&o)
    );
    assert!(stdout(&o).contains(" 0 problem(s)"), "{}", stdout(&o));

    // And the product now asks for it, in show and catalog.
    let out = stdout(&permscope(&[
        "--data",
        d,
        "show",
        "Mail.Send",
        "--api",
        "graph",
        "--type",
        "application",
    ]));
    assert!(
        out.contains("asked for by 1 row(s) in 1 product(s)") && out.contains("* acme (Acme)"),
        "{out}"
    );
    let v = json(&permscope(&[
        "--data",
        d,
        "catalog",
        "--api",
        "graph",
        "--type",
        "application",
        "-q",
        "Mail.Send",
        "--format",
        "json",
    ]));
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["permission"] == "Mail.Send")
        .expect("listed");
    assert_eq!(row["asked_by"], serde_json::json!(["acme"]));
}

#[test]
fn import_refuses_unknown_names_before_writing_and_lists_suggestions() {
    let dir = TempDir::new("catalog-import-typo");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let csv = dir.write(
        "typo.csv",
        "api,permission,type,purpose\nGraph,Mail.Read,application,Back up mail\nGraph,Mail.Sned,application,Send reports\nGraph,User.Reed.All,application,Read users\nGraph,Mail.Raed,delegated,Read mail\n",
    );
    let o = permscope(&[
        "--data",
        data.to_str().unwrap(),
        "import",
        csv.to_str().unwrap(),
        "--product",
        "typo",
        "--vendor",
        "Typo",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    for (line, typo, kind, meant) in [
        (3, "Mail.Sned", "application", "Mail.Send"),
        (4, "User.Reed.All", "application", "User.Read.All"),
        (5, "Mail.Raed", "delegated", "Mail.Read"),
    ] {
        let want = format!(
            "line {line}: `{typo}` is not a permission Microsoft publishes for Microsoft Graph ({kind}); did you mean {meant}"
        );
        assert!(e.contains(&want), "lacks {want:?}:\n{e}");
    }
    assert!(!e.contains("`Mail.Read`"), "the published name is not listed: {e}");
    assert_eq!(
        std::fs::read_dir(&data).unwrap().count(),
        0,
        "nothing written, not even a temporary file"
    );
}

// ------------------------------------------------------------------ catalog --format json

#[test]
fn catalog_json_keeps_its_contract() {
    let o = permscope(&["catalog", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let all = json(&o);
    let all = all.as_array().expect("an array");
    assert_eq!(all.len(), bundled().microsoft.len(), "every published permission, once");

    let find = |api: &str, kind: &str, name: &str| -> &Value {
        all.iter()
            .find(|r| r["api"] == api && r["type"] == kind && r["permission"] == name)
            .unwrap_or_else(|| panic!("{api} {kind} {name} missing"))
    };
    let send = find("Microsoft Graph", "application", "Mail.Send");
    let keys = [
        "api",
        "api_app_id",
        "permission",
        "type",
        "id",
        "admin_consent",
        "display_name",
        "privilege_level",
        "risk",
        "asked_by",
        "operations",
    ];
    for k in keys {
        assert!(send.get(k).is_some(), "{k} missing: {send}");
    }
    assert_eq!(send["api_app_id"], GRAPH_APP_ID);
    assert_eq!(send["id"], MAIL_SEND_ROLE);
    assert_eq!(send["admin_consent"], true);
    assert_eq!(send["display_name"], "Send mail as any user");
    let level = send["privilege_level"]
        .as_u64()
        .expect("Graph gives Mail.Send a privilegeLevel");
    assert!((1..=5).contains(&level));
    assert_eq!(send["asked_by"], serde_json::json!([]));
    // Its operation count is the one show lists.
    let shown = json(&permscope(&[
        "show",
        "Mail.Send",
        "--api",
        "graph",
        "--type",
        "application",
        "--format",
        "json",
    ]));
    assert_eq!(send["operations"], shown[0]["operations"]["count"]);
    assert!(send["operations"].as_u64().unwrap() > 0);
    // The risk is the object list gives (same keys), and the rating assess gives.
    let listed = json(&permscope(&["list", "--format", "json"]));
    let mut list_keys: Vec<&String> = listed[0]["risk"].as_object().expect("list's risk").keys().collect();
    let mut catalog_keys: Vec<&String> = send["risk"].as_object().expect("catalog's risk").keys().collect();
    list_keys.sort();
    catalog_keys.sort();
    assert_eq!(catalog_keys, list_keys);
    let assessed = json(&permscope(&["assess", "Mail.Send", "--format", "json"]));
    assert_eq!(send["risk"]["level"], assessed[0]["risk"]["level"]);
    assert_eq!(send["risk"]["score"], assessed[0]["risk"]["score"]);

    // asked_by: the bundled products whose rows name it.
    let read = find("Microsoft Graph", "application", "Mail.Read");
    let want = asked_by(graph(), PermissionKind::Application, "Mail.Read");
    assert!(!want.is_empty());
    assert_eq!(read["asked_by"], serde_json::json!(want));
    // No published map outside Graph: no count, rather than zero.
    let exchange = find("Office 365 Exchange Online", "application", "full_access_as_app");
    assert_eq!(exchange["operations"], Value::Null);
    assert_eq!(exchange["api_app_id"], EXCHANGE_APP_ID);
    // Types are the two words, ids lower-case GUIDs, levels list's words.
    for r in all {
        assert!(r["type"] == "application" || r["type"] == "delegated", "{r}");
        let id = r["id"].as_str().unwrap();
        assert!(id.len() == 36 && id == id.to_ascii_lowercase(), "{r}");
        assert!(
            ["low", "medium", "high", "critical"].contains(&r["risk"]["level"].as_str().unwrap()),
            "{r}"
        );
    }
}

#[test]
fn catalog_filters_as_list_does() {
    let v = json(&permscope(&[
        "catalog",
        "--api",
        "exchange",
        "--type",
        "delegated",
        "--risk",
        "high",
        "--format",
        "json",
    ]));
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert_eq!(r["api"], "Office 365 Exchange Online");
        assert_eq!(r["type"], "delegated");
        assert!(
            ["high", "critical"].contains(&r["risk"]["level"].as_str().unwrap()),
            "{r}"
        );
    }
    let out = stdout(&permscope(&[
        "catalog",
        "-q",
        "Mail.Send",
        "--api",
        "graph",
        "--format",
        "csv",
    ]));
    let mut lines = out.lines();
    assert!(lines.next().unwrap().starts_with("api,permission,type,id,"));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with(&format!("Microsoft Graph,Mail.Send,application,{MAIL_SEND_ROLE},")),
        "best match first: {out}"
    );
}

// ------------------------------------------------------------------ the explorer's catalog mode

fn key(app: &mut App, c: char) -> Vec<Effect> {
    let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let action = Keymap::default()
        .action_for(&event, app.focus())
        .unwrap_or_else(|| panic!("{c:?} does nothing in {:?}", app.focus()));
    app.update(action)
}

fn code(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let event = KeyEvent::new(code, KeyModifiers::NONE);
    let action = Keymap::default()
        .action_for(&event, app.focus())
        .unwrap_or_else(|| panic!("{code:?} does nothing in {:?}", app.focus()));
    app.update(action)
}

fn search(app: &mut App, text: &str) {
    key(app, '/');
    for c in text.chars() {
        app.update(Action::InputChar(c));
    }
    code(app, KeyCode::Enter);
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let keymap = Keymap::default();
    let mut state = ViewState::default();
    terminal
        .draw(|f| view::render(f, app, &keymap, &Theme::mono(), &mut state))
        .unwrap();
    buffer_text(terminal.backend().buffer()).join("\n")
}

/// (API short name, kind, name) of the visible catalog rows, in order.
fn visible(app: &App) -> Vec<(String, PermissionKind, String, RiskLevel)> {
    let v = app.catalog_view.as_ref().expect("catalog mode");
    v.visible
        .iter()
        .map(|&i| {
            let p = &v.rows[i];
            (
                app.catalog.apis[p.api].short.clone(),
                p.kind,
                p.name.clone(),
                p.rating.level,
            )
        })
        .collect()
}

fn copied(effects: Vec<Effect>) -> (String, usize) {
    match effects.into_iter().next() {
        Some(Effect::Copy { text, count, .. }) => (text, count),
        other => panic!("no copy: {other:?}"),
    }
}

#[test]
fn the_catalog_mode_searches_filters_selects_and_copies() {
    let mut app = App::new(bundled().clone());
    key(&mut app, 'M');
    assert_eq!(app.focus(), Focus::Catalog);
    let n = bundled().microsoft.len();
    let s = screen(&app, 140, 40);
    assert!(
        s.contains(&format!("Microsoft's catalog · {n} of {n} permissions")),
        "{s}"
    );

    search(&mut app, "Mail.Send");
    let shown = visible(&app);
    assert_eq!(
        (shown[0].0.as_str(), shown[0].1, shown[0].2.as_str()),
        ("Graph", PermissionKind::Application, "Mail.Send"),
        "best match first: {shown:?}"
    );
    assert!(shown.iter().any(|r| r.1 == PermissionKind::Delegated));

    // t: application only; r three times: high and above.
    key(&mut app, 't');
    key(&mut app, 'r');
    key(&mut app, 'r');
    key(&mut app, 'r');
    let shown = visible(&app);
    assert!(!shown.is_empty());
    assert!(
        shown
            .iter()
            .all(|r| r.1 == PermissionKind::Application && r.3 >= RiskLevel::High),
        "{shown:?}"
    );
    assert!(
        shown.iter().any(|r| r.0 == "Exchange" && r.2 == "Mail.Send"),
        "{shown:?}"
    );
    let s = screen(&app, 140, 40);
    assert!(s.contains("type=application") && s.contains("risk>=high"), "{s}");

    // Space selects Graph's Mail.Send (and moves on); y copies its name.
    assert_eq!(app.catalog_view.as_ref().unwrap().current().unwrap().name, "Mail.Send");
    key(&mut app, ' ');
    let graph_send = PermissionKey {
        api: graph(),
        kind: PermissionKind::Application,
        name: "Mail.Send".into(),
    };
    assert!(app.selection.contains(&graph_send));
    assert_eq!(app.selection.len(), 1);
    assert_eq!(copied(key(&mut app, 'y')), ("Mail.Send\n".to_string(), 1));

    // A manifest made from scratch carries Microsoft's GUID for it.
    key(&mut app, 'Y');
    assert_eq!(app.focus(), Focus::Picker);
    while app
        .picker
        .as_ref()
        .is_some_and(|p| !p.options[p.cursor].starts_with("App manifest"))
    {
        let before = app.picker.as_ref().unwrap().cursor;
        code(&mut app, KeyCode::Down);
        assert_ne!(app.picker.as_ref().unwrap().cursor, before, "no manifest format");
    }
    let (text, count) = copied(code(&mut app, KeyCode::Enter));
    assert_eq!(count, 1);
    let manifest: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let manifest = manifest.to_string();
    assert!(
        manifest.contains(GRAPH_APP_ID) && manifest.contains(MAIL_SEND_ROLE) && manifest.contains("Role"),
        "{manifest}"
    );

    // The screen: the mark on the selected row, its details, the count.
    key(&mut app, 'k');
    let s = screen(&app, 140, 44);
    let row = s
        .lines()
        .find(|l| l.contains("Mail.Send") && l.contains("Graph"))
        .expect("the row");
    assert!(row.contains("●HIGH"), "{row}");
    let ops =
        permscope::model::published::operation_counts(bundled(), graph(), PermissionKind::Application, "Mail.Send")
            .expect("Graph lists Mail.Send's operations");
    for want in [
        "Microsoft's name: Send mail as any user".to_string(),
        MAIL_SEND_ROLE.to_string(),
        format!(
            "grants {} Microsoft Graph API operations, least privileged for {}",
            ops.0, ops.1
        ),
        "No loaded product asks for it.".to_string(),
        "1 selected".to_string(),
    ] {
        assert!(s.contains(&want), "lacks {want:?}:\n{s}");
    }

    // Esc leaves the catalog and keeps the selection.
    code(&mut app, KeyCode::Esc);
    assert_eq!(app.focus(), Focus::Table);
    assert!(app.selection.contains(&graph_send));
}

#[test]
fn the_catalog_mode_shows_who_asks_and_says_when_the_search_is_misspelt() {
    let mut app = App::new(bundled().clone());
    key(&mut app, 'M');
    search(&mut app, "full_access_as_app");
    let s = screen(&app, 140, 90);
    let exchange = bundled().api_index("Exchange").unwrap();
    let want = asked_by(exchange, PermissionKind::Application, "full_access_as_app");
    let rows = bundled()
        .requirements
        .iter()
        .filter(|r| r.api == exchange && r.kind == PermissionKind::Application && r.permission == "full_access_as_app")
        .count();
    assert!(!want.is_empty());
    assert!(
        s.contains(&format!("Asked for by {rows} row(s) in {} product(s)", want.len())),
        "{s}"
    );
    for slug in &want {
        assert!(s.contains(slug.as_str()), "{slug}: {s}");
    }
    assert!(
        !s.contains("is not a permission Microsoft publishes"),
        "an exact name: {s}"
    );

    for (typo, meant) in [
        ("mail.sned", "Mail.Send"),
        ("User.Reed.All", "User.Read.All"),
        ("Mail.Raed", "Mail.Read"),
    ] {
        code(&mut app, KeyCode::Char('x'));
        search(&mut app, typo);
        let s = screen(&app, 140, 30);
        assert!(
            s.contains(&format!(
                "`{typo}` is not a permission Microsoft publishes; did you mean {meant}"
            )),
            "{typo}:\n{s}"
        );
    }
    // A word, not a name: no such line.
    code(&mut app, KeyCode::Char('x'));
    search(&mut app, "mail");
    assert!(!screen(&app, 140, 30).contains("is not a permission Microsoft publishes"));
}
