//! Comparing products: matrix, differences, equivalences, the JSON contract,
//! golden reports and the compare screen.

mod common;

use common::{TempDir, permscope, stdout};
use permscope::model::catalog::Catalog;
use permscope::model::compare::{Cell, CompareMode, Comparison};
use permscope::model::product::Origin;
use permscope::model::query::Query;
use permscope::model::report::{ReportFormat, report};
use permscope::tui::action::Action;
use permscope::tui::app::App;
use serde_json::Value;
use std::path::Path;

fn bundled() -> Catalog {
    Catalog::load(&[]).0
}

fn compare(c: &Catalog, slugs: &[&str]) -> Comparison {
    let products: Vec<usize> = slugs.iter().map(|s| c.product_index(s).unwrap()).collect();
    Comparison::new(c, &products, &Query::default())
}

fn row<'a>(cmp: &'a Comparison, c: &Catalog, api: &str, name: &str) -> &'a permscope::model::compare::MatrixRow {
    cmp.rows
        .iter()
        .find(|r| c.apis[r.api].name == api && r.permission == name)
        .unwrap_or_else(|| panic!("{api} {name} not in the matrix"))
}

#[test]
fn gitprotect_and_xopero_one_come_out_identical() {
    let c = bundled();
    let cmp = compare(&c, &["gitprotect", "xopero-one"]);
    assert_eq!(cmp.rows.len(), 19);
    assert!(cmp.rows.iter().all(|r| r.askers() == 2));
    assert!(cmp.visible(CompareMode::Differences).is_empty());
    assert!(cmp.visible(CompareMode::OnlyOne).is_empty());
    assert_eq!(cmp.visible(CompareMode::Every).len(), 19);
    assert!(cmp.beyond(0, 1).is_empty() && cmp.beyond(1, 0).is_empty());
    assert_eq!(cmp.profiles[0].by_level, cmp.profiles[1].by_level);
}

#[test]
fn differences_are_counted_net_of_equivalent_and_broader_grants() {
    let c = bundled();
    let cmp = compare(&c, &["nakivo", "avepoint-cloud-backup-express"]);
    // Express's Graph Sites.Read.All is covered by NAKIVO's Sites.ReadWrite.All (same object, higher verb).
    let sites = row(&cmp, &c, "Microsoft Graph", "Sites.Read.All");
    assert!(matches!(&sites.cells[0], Cell::Covered { permission, .. } if permission == "Sites.ReadWrite.All"));
    // Express's SharePoint User.Read.All has the same GUID as Graph User.Read.All, which NAKIVO
    // asks for; but they are two grants reading different data: not netted.
    let sp_user = row(&cmp, &c, "Office 365 SharePoint Online", "User.Read.All");
    assert_eq!(sp_user.cells[0], Cell::Absent);
    // Both ask for SharePoint Sites.FullControl.All.
    assert_eq!(
        row(&cmp, &c, "Office 365 SharePoint Online", "Sites.FullControl.All").askers(),
        2
    );
    assert_eq!(cmp.beyond(0, 1).len(), 28);
    // SharePoint User.Read.All counts: a shared GUID is not the same data.
    assert_eq!(cmp.beyond(1, 0).len(), 8);
    let s = cmp.sentences(&c);
    assert_eq!(
        s[0],
        "nakivo asks for 28 permissions that avepoint-cloud-backup-express does not, 9 of them Critical and 10 High."
    );
    assert_eq!(
        s[1],
        "avepoint-cloud-backup-express asks for 8 permissions that nakivo does not, 4 of them High."
    );
    // Rows are sorted by risk.
    let levels: Vec<_> = cmp.rows.iter().map(|r| c.rating(r.first_row).level).collect();
    assert!(levels.windows(2).all(|w| w[0] >= w[1]));
}

/// Products of one application permission each: `(slug, api, claim)`.
fn single_permission_products(products: &[(&str, &str, &str)]) -> Catalog {
    let mut c = Catalog::empty();
    for (slug, api, name) in products {
        c.add_product_text(&one_permission_file(slug, api, name), Origin::Bundled("fixture"))
            .unwrap();
    }
    c
}

fn one_permission_file(slug: &str, api: &str, name: &str) -> String {
    format!(
        r#"{{"slug": "{slug}", "vendor": "V", "product": "P", "source": {{"title": "T", "file": "f.txt"}},
           "apps": [{{"name": "A", "requirements": [{{"line": 1, "api": "{api}", "permission": "{name}", "type": "application"}}]}}]}}"#
    )
}

#[test]
fn the_same_data_through_another_api_is_netted() {
    for (graph, exchange) in [
        ("Calendars.ReadWrite", "Calendars.ReadWrite.All"),
        ("Mail.ReadWrite", "Mail.ReadWrite"),
        ("Contacts.Read", "Contacts.Read"),
        ("MailboxSettings.ReadWrite", "MailboxSettings.ReadWrite"),
    ] {
        let c = single_permission_products(&[
            ("uses-graph", "Microsoft Graph", graph),
            ("uses-exchange", "Office 365 Exchange Online", exchange),
        ]);
        let cmp = Comparison::new(&c, &[0, 1], &Query::default());
        assert_eq!(cmp.rows.len(), 2);
        let g = row(&cmp, &c, "Microsoft Graph", graph);
        assert!(
            matches!(&g.cells[1], Cell::SameData { permission, .. } if permission == exchange),
            "{g:?}"
        );
        let x = row(&cmp, &c, "Office 365 Exchange Online", exchange);
        assert!(
            matches!(&x.cells[0], Cell::SameData { permission, .. } if permission == graph),
            "{x:?}"
        );
        assert!(
            cmp.beyond(0, 1).is_empty() && cmp.beyond(1, 0).is_empty(),
            "{graph}: neither asks for more"
        );
    }
}

#[test]
fn a_shared_guid_on_two_resources_is_not_netted() {
    // Graph and SharePoint User.Read.All share a GUID, but one reads directory
    // users and the other SharePoint user profiles: two grants.
    let c = single_permission_products(&[
        ("uses-graph", "Microsoft Graph", "User.Read.All"),
        ("uses-sharepoint", "Office 365 SharePoint Online", "User.Read.All"),
    ]);
    let cmp = Comparison::new(&c, &[0, 1], &Query::default());
    assert!(
        cmp.rows
            .iter()
            .all(|r| r.askers() == 1 && r.cells.contains(&Cell::Absent))
    );
    assert_eq!(cmp.beyond(0, 1).len(), 1);
    assert_eq!(cmp.beyond(1, 0).len(), 1);
}

#[test]
fn a_broader_permission_through_another_api_covers() {
    // Exchange Calendars.ReadWrite.All reaches the data of Graph Calendars.ReadWrite, which covers Calendars.Read.
    let c = single_permission_products(&[
        ("reads-graph", "Microsoft Graph", "Calendars.Read"),
        (
            "writes-exchange",
            "Office 365 Exchange Online",
            "Calendars.ReadWrite.All",
        ),
    ]);
    let cmp = Comparison::new(&c, &[0, 1], &Query::default());
    let read = row(&cmp, &c, "Microsoft Graph", "Calendars.Read");
    assert!(
        matches!(&read.cells[1], Cell::Covered { permission, .. } if permission == "Calendars.ReadWrite.All"),
        "{read:?}"
    );
    let at = cmp.rows.iter().position(|r| r.permission == "Calendars.Read").unwrap();
    assert_eq!(cmp.holder_text(&c, at, 1), "⊂ Exchange Calendars.ReadWrite.All");
    assert!(cmp.beyond(0, 1).is_empty());
    assert_eq!(cmp.beyond(1, 0).len(), 1, "reading is not writing");
}

/// The equivalence cases on the command line: text marks and JSON relations.
#[test]
fn cli_names_each_equivalence_for_what_it_is() {
    let dir = TempDir::new("equivalence");
    for (slug, api, name) in [
        ("graph-calendars", "Microsoft Graph", "Calendars.ReadWrite"),
        (
            "exchange-calendars",
            "Office 365 Exchange Online",
            "Calendars.ReadWrite.All",
        ),
        ("graph-users", "Microsoft Graph", "User.Read.All"),
        ("sharepoint-users", "Office 365 SharePoint Online", "User.Read.All"),
    ] {
        dir.write(&format!("{slug}.json"), &one_permission_file(slug, api, name));
    }
    let data = dir.path().to_str().unwrap();
    // Same data through another API: "=" in text, "same_data" in JSON, netted.
    let o = permscope(&["--data", data, "compare", "graph-calendars", "exchange-calendars"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("= Exchange Calendars.ReadWrite.All"), "{text}");
    assert!(text.contains("= Graph Calendars.ReadWrite"), "{text}");
    assert!(text.contains("graph-calendars asks for nothing that exchange-calendars does not already hold."));
    assert!(
        text.contains("= the same data through another API's permission"),
        "{text}"
    );
    let o = permscope(&[
        "--data",
        data,
        "compare",
        "graph-calendars",
        "exchange-calendars",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let graph = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["api"] == "Microsoft Graph")
        .unwrap();
    assert_eq!(
        graph["equivalents"]["exchange-calendars"],
        serde_json::json!({"relation": "same_data", "api": "Office 365 Exchange Online", "permission": "Calendars.ReadWrite.All"})
    );
    // Only a shared GUID: no mark, no relation, not netted.
    let o = permscope(&["--data", data, "compare", "graph-users", "sharepoint-users"]);
    let text = stdout(&o);
    assert!(!text.contains("= SharePoint") && !text.contains("= Graph"), "{text}");
    assert!(
        text.contains("graph-users asks for 1 permission that sharepoint-users does not"),
        "{text}"
    );
    let o = permscope(&[
        "--data",
        data,
        "compare",
        "graph-users",
        "sharepoint-users",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    for r in v["rows"].as_array().unwrap() {
        assert_eq!(r["equivalents"], serde_json::json!({}), "{r}");
        assert_eq!(r["in"].as_array().unwrap().len(), 1);
    }
    assert!(!stdout(&o).contains("same_grant"));
}

#[test]
fn filters_and_search_apply_to_the_matrix() {
    let c = bundled();
    let mut q = Query::default();
    q.add_api(&c, "exchange").unwrap();
    let cmp = Comparison::new(
        &c,
        &[
            c.product_index("gitprotect").unwrap(),
            c.product_index("nakivo").unwrap(),
        ],
        &q,
    );
    assert!(
        cmp.rows
            .iter()
            .all(|r| c.apis[r.api].name == "Office 365 Exchange Online")
    );
    assert_eq!(
        row(&cmp, &c, "Office 365 Exchange Online", "full_access_as_app").askers(),
        2
    );
}

#[test]
fn cli_json_is_the_documented_contract() {
    let o = permscope(&["compare", "nakivo", "avepoint-cloud-backup-express", "--format", "json"]);
    assert!(o.status.success());
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["products"],
        serde_json::json!(["nakivo", "avepoint-cloud-backup-express"])
    );
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 40);
    for r in rows {
        for k in ["api", "permission", "type", "in", "risk", "details"] {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
        let ins = r["in"].as_array().unwrap();
        assert!(!ins.is_empty());
        for slug in ins {
            assert!(r["details"][slug.as_str().unwrap()]["lines"].is_array());
        }
    }
    let full = rows.iter().find(|r| r["permission"] == "full_access_as_app").unwrap();
    assert_eq!(full["in"], serde_json::json!(["nakivo"]));
    assert_eq!(
        full["details"]["nakivo"]["phases"],
        serde_json::json!(["Backup", "Recovery"])
    );
    assert_eq!(full["risk"]["level"], "critical");
    let o = permscope(&["compare", "nakivo", "nakivo"]);
    assert!(!o.status.success(), "one product twice is not a comparison");
}

#[test]
fn cli_modes_and_formats() {
    let o = permscope(&[
        "compare",
        "gitprotect",
        "xopero-one",
        "--mode",
        "differences",
        "--format",
        "csv",
    ]);
    assert_eq!(stdout(&o).lines().count(), 1, "only the header: no differences");
    let o = permscope(&["compare", "gitprotect", "xopero-one"]);
    let out = stdout(&o);
    assert!(out.contains("gitprotect asks for nothing that xopero-one does not already hold."));
    assert!(out.contains("CRIT   7"), "{out}");
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/report")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} missing: run UPDATE_GOLDEN=1 cargo test --test compare",
            path.display()
        )
    });
    assert_eq!(
        actual, expected,
        "{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"
    );
}

#[test]
fn reports_match_their_golden_files() {
    let c = bundled();
    let two = [
        c.product_index("nakivo").unwrap(),
        c.product_index("avepoint-cloud-backup-express").unwrap(),
    ];
    let md = report(&c, &two, ReportFormat::Markdown);
    // What a memo needs, whatever the exact wording.
    assert!(md.contains("version 10.11.2 · dated 28 May 2024"));
    assert!(md.contains("Quirks found in the document"));
    assert!(md.contains("CRIT full_access_as_app (Office 365 Exchange Online, application)"));
    assert!(md.contains("nakivo asks for 28 permissions"));
    // A library call keeps no clock and says so.
    assert!(md.contains("time not recorded, by permscope"));
    golden("nakivo-vs-express.md", &md);
    golden("nakivo-vs-express.html", &report(&c, &two, ReportFormat::Html));
    golden(
        "avepoint-cloud-backup-azure.md",
        &report(
            &c,
            &[c.product_index("avepoint-cloud-backup-azure").unwrap()],
            ReportFormat::Markdown,
        ),
    );
    // As a reviewer makes it: decided, signed, dated by SOURCE_DATE_EPOCH so
    // that the file is the same on every run.
    let args = [
        "report",
        "xopero-one",
        "avepoint-cloud-backup-azure",
        "nakivo",
        "avepoint-cloud-backup-express",
        "--decision",
        "xopero-one=reject:Directory.AccessAsUser.All signed in by a Global Administrator",
        "--decision",
        "nakivo=conditional:recovery permissions just in time",
        "--reviewer",
        "A. Reviewer",
    ];
    for (format, name) in [("md", "four-decided.md"), ("html", "four-decided.html")] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_permscope"))
            .args(args)
            .args(["--format", format])
            .env_remove("PERMSCOPE_DATA")
            .env("XDG_DATA_HOME", "/nonexistent/permscope-tests")
            .env("SOURCE_DATE_EPOCH", "1764265803")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = stdout(&o);
        assert!(text.contains("2025-11-27T17:50:03Z (UTC, from SOURCE_DATE_EPOCH)"));
        golden(name, &text);
    }
}

#[test]
fn compare_screen_shows_bars_sentences_and_matrix() {
    let mut app = App::new(bundled());
    app.update(Action::Resize(140, 45));
    app.update(Action::OpenCompare);
    app.update(Action::MoveDown);
    app.update(Action::MoveDown);
    app.update(Action::PickerToggle);
    app.update(Action::MoveDown);
    app.update(Action::PickerToggle);
    app.update(Action::PickerAccept);
    assert!(app.compare.is_some());
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 45)).unwrap();
    let keymap = permscope::tui::keymap::Keymap::default();
    let mut vs = permscope::tui::view::ViewState::default();
    terminal
        .draw(|f| permscope::tui::view::render(f, &app, &keymap, &permscope::tui::theme::Theme::mono(), &mut vs))
        .unwrap();
    let s = permscope::tui::view::buffer_text(terminal.backend().buffer()).join("\n");
    assert!(
        s.contains("Compare: nakivo vs avepoint-cloud-backup-express · all · 40 of 40"),
        "{s}"
    );
    assert!(s.contains("10 CRIT 10 HIGH 8 MED 2 LOW"), "{s}");
    assert!(s.contains("nakivo asks for 28 permissions"));
    assert!(s.contains("full_access_as_app") && s.contains("yes (B R)"));
    // Select what express asks beyond nakivo, from the compare view.
    app.update(Action::NextColumn);
    app.update(Action::SelectColumnBeyond);
    assert_eq!(app.selection.len(), 8);
    app.update(Action::CycleCompareMode);
    assert_eq!(app.compare.as_ref().unwrap().mode, CompareMode::Differences);
    app.update(Action::Close);
    assert!(app.compare.is_none());
}
