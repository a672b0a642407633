//! Effective power everywhere a reviewer looks: `paths` (text and the JSON
//! contract), `vendors`, `compare` (the outcome matrix, sentences in outcomes,
//! fair across APIs), a reviewer's `--model` file (an edge that changes the
//! result, located errors), the explorer's layer and detail section, and the
//! README's table of every bundled product's outcomes.

mod common;

use common::{TempDir, permscope, stderr, stdout};
use permscope::model::catalog::Catalog;
use permscope::model::paths::power::{self, product_analysis};
use permscope::model::paths::{OUTCOMES, Reached};
use permscope::model::product::Origin;
use permscope::tui::action::Action;
use permscope::tui::app::App;
use permscope::tui::keymap::{Focus, Keymap};
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState, buffer_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let out = permscope(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", stdout(&out)))
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

/// One `O` of the contract: `{"outcome", "reached", "paths": [{"steps", "conditions", "explanation"}]}`.
fn check_outcome(o: &Value) {
    assert_eq!(keys(o), ["outcome", "paths", "reached"], "{o}");
    let reached = o["reached"].as_str().expect("reached");
    assert!(["direct", "conditional", "no"].contains(&reached), "{reached}");
    let paths = o["paths"].as_array().expect("paths");
    assert_eq!(paths.is_empty(), reached == "no", "{o}");
    if reached == "direct" {
        // The way that makes it direct comes first, in every front end.
        assert!(paths[0]["conditions"].as_array().unwrap().is_empty(), "{o}");
    }
    for p in paths {
        assert_eq!(keys(p), ["conditions", "explanation", "steps"]);
        assert!(!p["explanation"].as_str().expect("explanation").is_empty());
        assert!(p["conditions"].as_array().unwrap().iter().all(Value::is_string));
        let steps = p["steps"].as_array().expect("steps");
        assert!(!steps.is_empty());
        for s in steps {
            assert_eq!(keys(s), ["api", "permission", "type"]);
            assert!(["application", "delegated"].contains(&s["type"].as_str().unwrap()));
        }
    }
}

/// Every outcome of the vocabulary, in its order, each well formed.
fn check_outcomes(list: &Value) {
    let list = list.as_array().expect("an array of outcomes");
    let ids: Vec<&str> = list.iter().map(|o| o["outcome"].as_str().unwrap()).collect();
    assert_eq!(ids, OUTCOMES);
    list.iter().for_each(check_outcome);
}

fn reached<'a>(outcomes: &'a Value, id: &str) -> &'a str {
    outcomes
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))["reached"]
        .as_str()
        .unwrap()
}

// ---------------------------------------------------------------------------
// `paths`

#[test]
fn paths_json_is_the_contract_for_every_bundled_product() {
    let catalog = Catalog::load(&[]).0;
    for p in &catalog.products {
        let v = json(&["paths", "--product", &p.slug, "--format", "json"]);
        assert_eq!(keys(&v), ["apps", "outcomes", "product"]);
        assert_eq!(v["product"], p.slug.as_str());
        check_outcomes(&v["outcomes"]);
        let apps = v["apps"].as_array().unwrap();
        let names: Vec<&str> = apps.iter().map(|a| a["app"].as_str().unwrap()).collect();
        assert_eq!(names, p.apps.iter().map(|a| a.name.as_str()).collect::<Vec<_>>());
        for a in apps {
            assert_eq!(keys(a), ["app", "outcomes"]);
            check_outcomes(&a["outcomes"]);
        }
        // The product's outcome is the strongest over its apps.
        let rank = |s: &str| ["no", "conditional", "direct"].iter().position(|x| *x == s).unwrap();
        for id in OUTCOMES {
            let best = apps.iter().map(|a| rank(reached(&a["outcomes"], id))).max().unwrap();
            assert_eq!(rank(reached(&v["outcomes"], id)), best, "{} {id}", p.slug);
        }
    }
}

#[test]
fn paths_for_one_app_cite_who_signs_in() {
    let v = json(&[
        "paths",
        "--product",
        "xopero-one",
        "--app",
        "registrator",
        "--format",
        "json",
    ]);
    let apps = v["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["app"], "Xopero ONE Registrator");
    assert_eq!(v["outcomes"], apps[0]["outcomes"]);
    assert_eq!(reached(&v["outcomes"], "global-admin"), "direct");
    let ga = &v["outcomes"][0]["paths"];
    let lasting = ga
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["conditions"].as_array().unwrap().is_empty())
        .expect("a direct path");
    let steps: Vec<&str> = lasting["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["permission"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["Directory.AccessAsUser.All", "offline_access"]);
    // Who signs in comes from the product file, with the document's line (xopero-one: 25).
    assert!(
        lasting["explanation"]
            .as_str()
            .unwrap()
            .contains("with a Global Administrator signed in (the document's line 25)"),
        "{lasting}"
    );
    // The backup app alone: the document does not say who signs in to it.
    let pro = json(&["paths", "--product", "xopero-one", "--app", "pro", "--format", "json"]);
    assert_eq!(reached(&pro["outcomes"], "global-admin"), "conditional");
    assert_eq!(reached(&pro["outcomes"], "all-mail-write"), "direct");
}

#[test]
fn a_product_without_escalation_reports_no_for_global_admin() {
    let v = json(&[
        "paths",
        "--product",
        "avepoint-cloud-backup-express",
        "--format",
        "json",
    ]);
    assert_eq!(reached(&v["outcomes"], "global-admin"), "no");
    assert_eq!(v["outcomes"][0]["paths"], serde_json::json!([]));
    assert_eq!(reached(&v["outcomes"], "all-files-write"), "direct");
    let text = stdout(&permscope(&["paths", "--product", "avepoint-cloud-backup-express"]));
    let not_reached = text
        .lines()
        .find(|l| l.starts_with("Not reached:"))
        .expect("a Not reached line");
    assert!(not_reached.contains("global-admin"), "{text}");
}

#[test]
fn paths_text_leads_with_direct_outcomes_and_their_paths() {
    let out = permscope(&["paths", "--product", "nakivo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let direct = text.find("Direct (nothing about the tenant").expect("direct section");
    let conditional = text.find("Conditional (every path").expect("conditional section");
    assert!(direct < conditional, "{text}");
    // Every mailbox, through Graph and through Exchange, each as a path.
    let mail = &text[text.find("all-mail-write — ").expect("all-mail-write")..conditional];
    assert!(mail.contains("Mail.ReadWrite (Graph, application)"), "{mail}");
    assert!(mail.contains("full_access_as_app (Exchange, application)"), "{mail}");
    assert!(mail.contains("why: "));
    // Conditional outcomes say what must be true.
    assert!(text[conditional..].contains("if: "), "{text}");
    // Fits the terminal it was asked for (COLUMNS=160).
    assert!(text.lines().all(|l| l.chars().count() <= 160));
}

#[test]
fn paths_refuses_unknown_products_and_apps() {
    let out = permscope(&["paths", "--product", "nope"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nope"));
    let out = permscope(&["paths", "--product", "nakivo", "--app", "registrator"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("NAKIVO Backup & Replication"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// A reviewer's model file.

const REVIEWER: &str = r#"{
  "version": 1,
  "description": "Our review: reading every user's profile counts as a step to impersonation here.",
  "capabilities": [
    {"id": "read-every-profile", "title": "Read every user's full profile", "description": "User.Read.All as an application."}
  ],
  "grants": [
    {"apis": ["Microsoft Graph"], "permissions": ["User.Read.All"], "type": "application",
     "capabilities": ["read-every-profile"], "source": "our review, 2025"}
  ],
  "edges": [
    {"id": "profiles-to-impersonation", "from": ["read-every-profile"], "to": "impersonate-any-user",
     "conditions": ["our help desk resets passwords on the strength of profile data"],
     "explanation": "Our help desk resets passwords for whoever knows a user's profile data.",
     "source": "our review, 2025"}
  ]
}
"#;

#[test]
fn a_reviewers_model_adds_an_edge_and_the_result_changes() {
    let dir = TempDir::new("power-model");
    let file = dir.write("review.json", REVIEWER);
    let file = file.to_str().unwrap();
    let slug = "avepoint-cloud-backup-express";
    let before = json(&["paths", "--product", slug, "--format", "json"]);
    assert_eq!(reached(&before["outcomes"], "impersonate-any-user"), "no");
    // --model anywhere on the line, like --risk-rules.
    for args in [
        vec!["--model", file, "paths", "--product", slug, "--format", "json"],
        vec!["paths", "--product", slug, "--format", "json", "--model", file],
    ] {
        let after = json(&args);
        assert_eq!(reached(&after["outcomes"], "impersonate-any-user"), "conditional");
        let path = &after["outcomes"][3]["paths"][0];
        assert_eq!(path["steps"][0]["permission"], "User.Read.All");
        assert_eq!(
            path["conditions"][0],
            "our help desk resets passwords on the strength of profile data"
        );
        assert!(path["explanation"].as_str().unwrap().contains("Our help desk"));
    }
    // And everywhere else: vendors and compare see the same model.
    let vendors = stdout(&permscope(&["--model", file, "vendors"]));
    let line = vendors
        .lines()
        .skip_while(|l| !l.starts_with(slug))
        .find(|l| l.contains("effective power:"))
        .unwrap();
    assert!(line.contains("sign-in as any user"), "{line}");
    let cmp = json(&["--model", file, "compare", "nakivo", slug, "--format", "json"]);
    let row = cmp["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "impersonate-any-user")
        .unwrap();
    assert_eq!(row["reached"][slug], "conditional");
}

#[test]
fn malformed_model_files_give_located_errors() {
    let dir = TempDir::new("power-bad-model");
    // (file, text, where the error points, what it says)
    let cases = [
        (
            "syntax.json",
            "{\"version\": 1,\n  \"edges\": [\n",
            ":3:1:",
            "not valid JSON",
        ),
        (
            "unknown-id.json",
            "{\"version\": 1,\n  \"edges\": [{\"id\": \"x\", \"from\": [\"nope\"], \"to\": \"global-admin\", \"explanation\": \"e\", \"source\": \"s\"}]\n}\n",
            ":2:34:",
            "field `edges[0].from[0]`: unknown capability or outcome `nope`",
        ),
        (
            "unknown-outcome.json",
            "{\"version\": 1,\n \"outcomes\": [{\"id\": \"world-domination\", \"title\": \"t\", \"description\": \"d\"}]}\n",
            ":2:",
            "field `outcomes[0].id`: unknown outcome `world-domination`",
        ),
        (
            "unknown-field.json",
            "{\"version\": 1,\n  \"edgez\": []\n}\n",
            ":2:",
            "edgez",
        ),
        (
            "remove.json",
            "{\"version\": 1, \"remove_edges\": [\"no-such-edge\"]}",
            ":1:",
            "field `remove_edges[0]`: no edge `no-such-edge` to remove",
        ),
    ];
    for (name, text, at, message) in cases {
        let path = dir.write(name, text);
        let out = permscope(&["--model", path.to_str().unwrap(), "paths", "--product", "nakivo"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(err.contains(&format!("{}{at}", path.display())), "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert!(stdout(&out).is_empty(), "{name}: nothing printed on error");
    }
    let out = permscope(&["--model", "/nonexistent/model.json", "paths", "--product", "nakivo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/model.json"));
}

// ---------------------------------------------------------------------------
// `vendors`

#[test]
fn vendors_gain_an_effective_power_line_and_the_analysis() {
    let text = stdout(&permscope(&["vendors"]));
    let catalog = Catalog::load(&[]).0;
    for (i, p) in catalog.products.iter().enumerate() {
        let block = &text[text.find(&format!("{}  ", p.slug)).unwrap()..];
        let line = block.lines().find(|l| l.contains("effective power:")).unwrap();
        let want = power::summary_line(&product_analysis(&catalog, i, None).outcomes);
        assert!(line.contains(&want), "{line}");
    }
    // Direct first.
    let nakivo = &text[text.find("nakivo  ").unwrap()..];
    let line = nakivo.lines().find(|l| l.contains("effective power:")).unwrap();
    assert!(
        line.contains("effective power: direct: every mailbox read and written, every file read and written; conditional: Global Administrator"),
        "{line}"
    );
    let v = json(&["vendors", "--format", "json"]);
    for product in v.as_array().unwrap() {
        let power = &product["power"];
        assert_eq!(power["product"], product["product"]);
        check_outcomes(&power["outcomes"]);
        for a in power["apps"].as_array().unwrap() {
            check_outcomes(&a["outcomes"]);
        }
    }
}

// ---------------------------------------------------------------------------
// `compare`

#[test]
fn compare_leads_with_the_outcome_matrix_and_speaks_in_outcomes() {
    let out = permscope(&["compare", "nakivo", "avepoint-cloud-backup-express"]);
    let text = stdout(&out);
    assert!(text.starts_with("Effective power"), "{text}");
    let matrix_end = text.find("Risk profile").unwrap();
    let head = &text[..matrix_end];
    for o in OUTCOMES {
        assert!(head.contains(o), "{o}");
    }
    let ga = head
        .lines()
        .find(|l| l.trim_start().starts_with("global-admin"))
        .unwrap();
    assert!(ga.contains("conditional") && ga.trim_end().ends_with("no"), "{ga}");
    let flat = head.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("nakivo can take over the tenant (Global Administrator)"),
        "{flat}"
    );
    assert!(
        flat.contains("read and rewrite every mailbox without conditions, which avepoint-cloud-backup-express can only under conditions"),
        "{flat}"
    );
    // The row counts stay, below.
    assert!(text[matrix_end..].contains("nakivo asks for 28 permissions"));

    let v = json(&["compare", "nakivo", "avepoint-cloud-backup-express", "--format", "json"]);
    assert_eq!(keys(&v), ["outcomes", "products", "rows", "summary"]);
    let outcomes = v["outcomes"].as_array().unwrap();
    assert_eq!(
        outcomes
            .iter()
            .map(|o| o["outcome"].as_str().unwrap())
            .collect::<Vec<_>>(),
        OUTCOMES
    );
    for o in outcomes {
        assert_eq!(keys(o), ["outcome", "reached", "title"]);
        assert_eq!(keys(&o["reached"]), ["avepoint-cloud-backup-express", "nakivo"]);
    }
    assert_eq!(outcomes[0]["reached"]["nakivo"], "conditional");
    assert_eq!(outcomes[0]["reached"]["avepoint-cloud-backup-express"], "no");
    assert_eq!(outcomes[0]["title"], "Tenant takeover (Global Administrator)");
    let sentences = v["summary"]["outcome_sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 2);
    assert!(v["summary"]["sentences"].as_array().unwrap().len() == 2);

    let md = stdout(&permscope(&[
        "compare",
        "nakivo",
        "avepoint-cloud-backup-express",
        "--format",
        "markdown",
    ]));
    let power = md.find("## Effective power").expect("an Effective power section");
    assert!(power < md.find("## Summary").unwrap());
    assert!(
        md.contains("| OUTCOME | nakivo | avepoint-cloud-backup-express |"),
        "{md}"
    );
    assert!(md.contains("| global-admin | conditional | no |"), "{md}");
}

fn product(slug: &str, api: &str, permission: &str) -> String {
    format!(
        r#"{{
  "slug": "{slug}",
  "vendor": "Test Vendor",
  "product": "{slug}",
  "source": {{ "title": "Test document", "file": "test.txt" }},
  "apps": [{{ "name": "{slug} app", "requirements": [
    {{ "line": 3, "api": "{api}", "permission": "{permission}", "type": "application" }},
    {{ "line": 4, "api": "Microsoft Graph", "permission": "User.Read.All", "type": "application" }}
  ] }}]
}}
"#
    )
}

#[test]
fn compare_is_fair_across_apis() {
    let dir = TempDir::new("power-fair");
    dir.write(
        "by-graph.json",
        &product("by-graph", "Microsoft Graph", "Mail.ReadWrite"),
    );
    dir.write(
        "by-exchange.json",
        &product("by-exchange", "Office 365 Exchange Online", "full_access_as_app"),
    );
    let data = dir.path().to_str().unwrap();
    let v = json(&["--data", data, "compare", "by-graph", "by-exchange", "--format", "json"]);
    for o in v["outcomes"].as_array().unwrap() {
        assert_eq!(o["reached"]["by-graph"], o["reached"]["by-exchange"], "{o}");
    }
    let mail = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "all-mail-write")
        .unwrap();
    assert_eq!(mail["reached"]["by-graph"], "direct");
    assert_eq!(
        v["summary"]["outcome_sentences"],
        serde_json::json!(["by-graph and by-exchange reach the same outcomes, the same way."])
    );
    // The rows still differ: two permissions on two APIs.
    assert!(!v["rows"].as_array().unwrap().is_empty());
}

// ---------------------------------------------------------------------------
// The explorer.

const FIXTURE_A: &str = r#"{
  "slug": "fixture-a",
  "vendor": "Vendor A",
  "product": "Product A",
  "source": { "title": "A's permissions", "file": "a.txt" },
  "apps": [{
    "name": "A Backup",
    "requirements": [
      { "line": 3, "api": "Microsoft Graph", "permission": "Mail.ReadWrite", "type": "application" },
      { "line": 4, "api": "Microsoft Graph", "permission": "User.Read", "type": "delegated" }
    ]
  }]
}"#;

const FIXTURE_B: &str = r#"{
  "slug": "fixture-b",
  "vendor": "Vendor B",
  "product": "Product B",
  "source": { "title": "B's permissions", "file": "b.txt" },
  "apps": [{
    "name": "B App",
    "requirements": [
      { "line": 10, "api": "Graph", "permission": "Mail.ReadWrite", "type": "application" },
      { "line": 11, "api": "Graph", "permission": "RoleManagement.ReadWrite.Directory", "type": "application" }
    ]
  }]
}"#;

fn fixture() -> App {
    let mut c = Catalog::empty();
    c.add_product_text(FIXTURE_A, Origin::Bundled("fixture-a.json"))
        .unwrap();
    c.add_product_text(FIXTURE_B, Origin::Bundled("fixture-b.json"))
        .unwrap();
    App::new(c)
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

/// Moves the cursor to the first row asking for `permission`.
fn go_to(app: &mut App, permission: &str) {
    app.update(Action::MoveTop);
    while app.catalog.requirements[app.current().unwrap().rows()[0]].permission != permission {
        let before = app.cursor;
        app.update(Action::MoveDown);
        assert_ne!(app.cursor, before, "{permission} not shown");
    }
}

#[test]
fn e_opens_the_effective_power_of_the_rows_product() {
    let mut app = fixture();
    go_to(&mut app, "RoleManagement.ReadWrite.Directory");
    app.update(Action::OpenPower);
    assert_eq!(app.focus(), Focus::Power);
    let layer = app.power.layer.as_ref().expect("the layer is open");
    assert_eq!(layer.power.product, "fixture-b");
    assert_eq!(layer.power.outcomes.reached("global-admin"), Reached::Direct);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Effective power: fixture-b"), "{s}");
    assert!(
        s.contains("Effective power of fixture-b — Product B, by Vendor B"),
        "{s}"
    );
    assert!(
        s.contains("global-admin — Tenant takeover (Global Administrator)"),
        "{s}"
    );
    assert!(
        s.contains("1. RoleManagement.ReadWrite.Directory (Graph, application)"),
        "{s}"
    );
    // The grid: one mark per outcome, direct ones filled.
    let grid = s.lines().find(|l| l.contains("B App")).unwrap();
    assert_eq!(grid.matches('●').count(), 10, "{grid}");
    // j scrolls, Esc closes back to the table.
    let cursor = app.cursor;
    app.update(Action::MoveDown);
    assert_eq!(app.power.layer.as_ref().unwrap().scroll, 1);
    assert_eq!(app.cursor, cursor, "the table's cursor stays");
    app.update(Action::Close);
    assert_eq!(app.focus(), Focus::Table);
    // The key is `e`, in the keymap (and so in help and the README).
    let keymap = Keymap::default();
    let e = ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char('e'));
    assert_eq!(keymap.action_for(&e, Focus::Table), Some(Action::OpenPower));
    assert_eq!(keymap.action_for(&e, Focus::Power), None);
}

#[test]
fn the_layer_of_a_product_without_escalation_says_so() {
    let mut app = fixture();
    go_to(&mut app, "User.Read");
    app.update(Action::OpenPower);
    let s = screen(&app, 120, 40);
    assert!(s.contains("Effective power of fixture-a"), "{s}");
    assert!(s.contains("all-mail-write — "), "{s}");
    let not = s
        .lines()
        .find(|l| l.starts_with("│Not reached:"))
        .expect("Not reached line");
    assert!(not.contains("global-admin"), "{not}");
}

#[test]
fn the_detail_pane_says_what_the_row_contributes_to() {
    let mut app = fixture();
    go_to(&mut app, "RoleManagement.ReadWrite.Directory");
    let s = screen(&app, 200, 60);
    let at = s.find("Effective power through this permission").expect("the section");
    assert!(at < s.find("Asked for by").unwrap(), "under the permission's own lines");
    assert!(s.contains("B App (fixture-b):"), "{s}");
    assert!(
        s.contains("● global-admin (direct) via RoleManagement.ReadWrite.Directory"),
        "{s}"
    );
    // A permission on no path to anything says so.
    go_to(&mut app, "User.Read");
    let s = screen(&app, 200, 60);
    assert!(s.contains("on no shortest path to an outcome"), "{s}");
    // Mail.ReadWrite: every mailbox, in both products.
    app.update(Action::ToggleGrouping);
    go_to(&mut app, "Mail.ReadWrite");
    let s = screen(&app, 200, 60);
    assert!(
        s.contains("A Backup (fixture-a):") && s.contains("B App (fixture-b):"),
        "{s}"
    );
    assert!(s.contains("● all-mail-write (direct) via Mail.ReadWrite"), "{s}");
}

#[test]
fn the_compare_view_leads_with_outcomes() {
    let mut app = fixture();
    app.update(Action::OpenCompare);
    app.update(Action::PickerToggle);
    app.update(Action::MoveDown);
    app.update(Action::PickerToggle);
    app.update(Action::PickerAccept);
    assert_eq!(app.focus(), Focus::Compare);
    let s = screen(&app, 140, 50);
    let power = s
        .find("Effective power: what each whole set can reach")
        .expect("the block");
    assert!(power < s.find("Compare: fixture-a vs fixture-b").unwrap(), "{s}");
    let a = s.lines().find(|l| l.starts_with("│fixture-a ")).unwrap();
    let b = s.lines().find(|l| l.starts_with("│fixture-b ")).unwrap();
    assert_eq!(a.matches('●').count(), 2, "every mailbox read and written: {a}");
    assert_eq!(b.matches('●').count(), 10, "{b}");
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("fixture-b can take over the tenant"), "{flat}");
}

#[test]
fn power_keys_on_an_empty_table_do_nothing() {
    let mut app = fixture();
    app.update(Action::OpenFilter);
    for c in "zzzzqqq".chars() {
        app.update(Action::InputChar(c));
    }
    app.update(Action::AcceptFilter);
    assert!(app.entries.is_empty());
    app.update(Action::OpenPower);
    assert!(app.power.layer.is_none());
    let s = screen(&app, 80, 24);
    assert!(!s.contains("Effective power through"));
}

// ---------------------------------------------------------------------------
// The README's table of every bundled product's outcomes.

/// The table, from the program's own output (`paths --format json`).
fn outcome_table() -> Vec<String> {
    let catalog = Catalog::load(&[]).0;
    let short = |v: &Value| match v.as_str().unwrap() {
        "direct" => "direct",
        "conditional" => "cond.",
        _ => "no",
    };
    let mut rows = vec![
        format!("| product | app | {} |", OUTCOMES.join(" | ")),
        format!("|---|---|{}", "---|".repeat(OUTCOMES.len())),
    ];
    for p in &catalog.products {
        let v = json(&["paths", "--product", &p.slug, "--format", "json"]);
        let row = |label: &str, outcomes: &Value| {
            let cells: Vec<&str> = outcomes
                .as_array()
                .unwrap()
                .iter()
                .map(|o| short(&o["reached"]))
                .collect();
            format!("| {} | {label} | {} |", p.slug, cells.join(" | "))
        };
        let apps = v["apps"].as_array().unwrap();
        for a in apps {
            rows.push(row(a["app"].as_str().unwrap(), &a["outcomes"]));
        }
        if apps.len() > 1 {
            rows.push(row("**the product**", &v["outcomes"]));
        }
    }
    rows
}

#[test]
fn readme_outcome_table_is_the_programs_output() {
    common::readme_block(
        "outcomes",
        &outcome_table(),
        "UPDATE_README=1 cargo test --test power readme",
    );
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- outcomes:start").expect("outcomes:start marker");
    // The vocabulary is documented: every outcome id appears in the README's prose too.
    for o in OUTCOMES {
        assert!(readme[..start].contains(&format!("`{o}`")), "{o} is not documented");
    }
}

// ---------------------------------------------------------------------------
// Hostile text (data that slipped past the loaders) leaves neutralised.

#[test]
fn hostile_names_leave_paths_and_the_layer_neutralised() {
    let bad = "\u{1b}]0;pwned\u{7}\u{202e}\u{200b}\u{85}";
    let mut catalog = Catalog::load(&[]).0;
    let x = catalog.product_index("xopero-one").unwrap();
    for p in catalog.products.iter_mut() {
        p.vendor.push_str(bad);
        p.name.push_str(bad);
        for a in &mut p.apps {
            a.name.push_str(bad);
        }
    }
    let power = product_analysis(&catalog, x, None);
    let text = power::to_text(&catalog, &power, 120);
    assert!(text.contains('\u{1b}'), "the test poisons what paths prints");
    // What `main` does with every command's output.
    let mut out = Vec::new();
    {
        use std::io::Write;
        let mut door = permscope::model::text::Neutral::new(&mut out);
        door.write_all(text.as_bytes()).unwrap();
        door.flush().unwrap();
    }
    let out = String::from_utf8(out).unwrap();
    for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}', '\u{85}'] {
        assert!(!out.contains(c), "U+{:04X} left through the door", c as u32);
    }
    let mut app = App::new(catalog);
    while app.catalog.requirements[app.current().unwrap().rows()[0]].product != x {
        app.update(Action::MoveDown);
    }
    app.update(Action::OpenPower);
    let s = screen(&app, 140, 50);
    assert!(s.contains("Effective power of xopero-one"), "{s}");
    for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}', '\u{85}'] {
        assert!(!s.contains(c), "U+{:04X} on screen", c as u32);
    }
}
