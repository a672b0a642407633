//! Terminal injection: text permscope did not write itself (vendor files, risk
//! rules, grants exports, file names, arguments, stdin, keys typed into the
//! search) never drives the terminal or disguises what it says.
//!
//! 1. The loaders refuse every unsafe class (escape sequences, C0 and C1
//!    controls, bidirectional overrides, zero-width characters) in every text
//!    field, naming the file and the field.
//! 2. Every output (screen, `list`/`show`/`report`/`compare`/`export`/`vendors`/
//!    `check`/`assess`/`audit`, errors, copied text) is clean even when hostile
//!    text got past the loaders: through inputs that are not product files (the
//!    query, arguments, stdin, file names, error messages quoting bad JSON) and,
//!    in-process, through a catalog poisoned after loading.
//! 3. Very wide and very long text stays inside the table width.
//!
//! "Clean" means no ESC (0x1b), BEL, other C0 control except newline and tab,
//! DEL, C1 control (U+0080 to U+009F), bidirectional control or zero-width
//! character: exactly what `permscope::model::text::unsafe_reason` names.

mod common;

use common::TempDir;
use permscope::commands::context::ShowFormat;
use permscope::commands::vendors::VendorsFormat;
use permscope::model::catalog::{Catalog, LoadReport};
use permscope::model::compare::{CompareMode, Comparison};
use permscope::model::export::{self, ExportFormat};
use permscope::model::listing::{self, ListFormat};
use permscope::model::microsoft::{MicrosoftCatalog, MicrosoftPermission};
use permscope::model::permission::PermissionKind;
use permscope::model::product::Origin;
use permscope::model::query::{Query, QueryError};
use permscope::model::read::ReadError;
use permscope::model::report::{self, CompareFormat, ReportFormat};
use permscope::model::risk::RiskBook;
use permscope::model::selection::Selection;
use permscope::model::text::{display_width, unsafe_reason};
use permscope::tui::action::{Action, Effect};
use permscope::tui::app::App;
use permscope::tui::keymap::Keymap;
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// ---------------------------------------------------------------- what is hostile

/// One sample of each class of unsafe text.
const CLASSES: &[(&str, &str)] = &[
    ("CSI colour", "\u{1b}[31m"),
    ("CSI clear screen", "\u{1b}[2J"),
    ("OSC window title", "\u{1b}]0;pwned\u{7}"),
    ("OSC 52 clipboard", "\u{1b}]52;c;cHduZWQ=\u{7}"),
    ("DCS", "\u{1b}P1$qm\u{1b}\\"),
    ("BEL", "\u{7}"),
    ("backspace", "\u{8}"),
    ("carriage return", "\r"),
    ("NUL", "\u{0}"),
    ("DEL", "\u{7f}"),
    ("C1 CSI", "\u{9b}31m"),
    ("C1 NEL", "\u{85}"),
    ("C1 OSC", "\u{9d}0;pwned\u{9c}"),
    ("right-to-left override", "\u{202e}"),
    ("left-to-right isolate", "\u{2066}"),
    ("right-to-left mark", "\u{200f}"),
    ("Arabic letter mark", "\u{61c}"),
    ("zero-width space", "\u{200b}"),
    ("word joiner", "\u{2060}"),
    ("zero-width joiner", "\u{200d}"),
    ("byte order mark", "\u{feff}"),
    ("line separator", "\u{2028}"),
];

/// Every class at once, with visible text around it.
fn all_classes() -> String {
    let mut s = String::from("evil");
    for (_, c) in CLASSES {
        s.push_str(c);
        s.push('x');
    }
    s
}

/// The same, without NUL (which a command-line argument cannot carry).
fn all_classes_arg() -> String {
    all_classes().replace('\u{0}', "")
}

/// Unsafe characters of `text`, allowing the newlines and tabs of multi-line output.
fn unsafe_chars(text: &str) -> Vec<(usize, char)> {
    text.chars()
        .enumerate()
        .filter(|&(_, c)| c != '\n' && c != '\t' && unsafe_reason(c).is_some())
        .collect()
}

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    let bad = unsafe_chars(text);
    if !bad.is_empty() {
        // Each line that carries one, once, for a precise report.
        let mut lines: Vec<&str> = text.lines().filter(|l| !unsafe_chars(l).is_empty()).collect();
        lines.dedup();
        let shown: Vec<String> = lines
            .iter()
            .take(6)
            .map(|l| format!("  {:?}", l.chars().take(160).collect::<String>()))
            .collect();
        panic!(
            "{what}: {} unsafe character(s), the first U+{:04X}, on {} line(s):\n{}",
            bad.len(),
            bad[0].1 as u32,
            lines.len(),
            shown.join("\n")
        );
    }
}

#[track_caller]
fn assert_clean_bytes(what: &str, bytes: &[u8]) {
    assert_clean(what, &String::from_utf8_lossy(bytes));
    // C1 controls as raw single bytes (not UTF-8) are caught too.
    let raw_c1 = std::str::from_utf8(bytes).is_err() && bytes.iter().any(|b| (0x80..0xa0).contains(b));
    assert!(!raw_c1, "{what}: raw C1 byte in output that is not UTF-8");
}

// ---------------------------------------------------------------- 1. loaders refuse every class in every field

/// A product with every optional text field present.
fn full_product() -> Value {
    json!({
        "slug": "hostile",
        "vendor": "Hostile Vendor",
        "product": "Hostile Product",
        "source": {
            "title": "Hostile document", "version": "1.0", "date": "1 May 2024", "file": "hostile.txt",
            "url": "https://example.com/hostile"
        },
        "notes": ["A note."],
        "apps": [{
            "name": "Hostile App",
            "description": "The app.",
            "notes": ["An app note."],
            "requirements": [{
                "line": 3,
                "api": "Microsoft Graph",
                "table": "Graph permissions",
                "permission": "Mail.Read",
                "permission_as_written": "Mail.Read (all)",
                "type": "application",
                "description": "Read mail",
                "purpose": "Back up mail",
                "workloads": [{ "workload": "Exchange Online", "phases": ["Backup"] }],
                "condition": "When mail is backed up",
                "attributes": { "Required": "Yes" },
                "notes": ["A row note."]
            }]
        }]
    })
}

/// Text fields of a product file: where to put the text, and the field the
/// error must name (a prefix: list elements may be named by their list).
const FIELDS: &[(&str, &str)] = &[
    ("/slug", "slug"),
    ("/vendor", "vendor"),
    ("/product", "product"),
    ("/source/title", "source.title"),
    ("/source/version", "source.version"),
    ("/source/date", "source.date"),
    ("/source/file", "source.file"),
    ("/source/url", "source.url"),
    ("/notes/0", "notes"),
    ("/apps/0/name", "apps[0].name"),
    ("/apps/0/description", "apps[0].description"),
    ("/apps/0/notes/0", "apps[0].notes"),
    ("/apps/0/requirements/0/api", "apps[0].requirements[0].api"),
    ("/apps/0/requirements/0/table", "apps[0].requirements[0].table"),
    (
        "/apps/0/requirements/0/permission",
        "apps[0].requirements[0].permission",
    ),
    (
        "/apps/0/requirements/0/permission_as_written",
        "apps[0].requirements[0].permission_as_written",
    ),
    (
        "/apps/0/requirements/0/description",
        "apps[0].requirements[0].description",
    ),
    ("/apps/0/requirements/0/purpose", "apps[0].requirements[0].purpose"),
    (
        "/apps/0/requirements/0/workloads/0/workload",
        "apps[0].requirements[0].workloads[0].workload",
    ),
    ("/apps/0/requirements/0/condition", "apps[0].requirements[0].condition"),
    (
        "/apps/0/requirements/0/attributes/Required",
        "apps[0].requirements[0].attributes",
    ),
    ("/apps/0/requirements/0/notes/0", "apps[0].requirements[0].notes"),
];

fn with_text(pointer: &str, text: &str) -> Value {
    let mut v = full_product();
    *v.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer}")) = Value::String(text.to_string());
    v
}

/// An attribute whose header (the key) carries the text.
fn with_attribute_key(text: &str) -> Value {
    let mut v = full_product();
    v["apps"][0]["requirements"][0]["attributes"] = json!({ text: "Yes" });
    v
}

#[track_caller]
fn assert_refused(c: &mut Catalog, json_text: &str, origin: &str, field: &str, class: &str) {
    let e = c
        .add_product_text(json_text, Origin::Bundled("hostile.json"))
        .expect_err(&format!("{class} in {field} must be refused"));
    assert_eq!(e.origin, origin, "{class} in {field}: {e}");
    let named = e.field.as_deref().unwrap_or("");
    assert!(
        named.starts_with(field),
        "{class} in {field}: the error names `{named}`: {e}"
    );
    assert!(e.line.is_some(), "{class} in {field}: no line: {e}");
    assert!(
        e.message.contains("U+") || e.message.contains("control character"),
        "{class} in {field}: the error says which character: {e}"
    );
    assert_clean(&format!("{class} in {field}: error text"), &e.to_string());
    assert!(c.products.is_empty(), "nothing of the file was added");
}

#[test]
fn the_loader_refuses_every_class_in_every_field() {
    // Sanity: the unpoisoned product loads.
    let mut c = Catalog::empty();
    c.add_product_text(&full_product().to_string(), Origin::Bundled("hostile.json"))
        .unwrap();
    let origin = "bundled data/products/hostile.json";
    // A refused file adds nothing, so one catalog serves every case.
    let mut c = Catalog::empty();
    for (class, text) in CLASSES {
        let text = format!("a{text}b");
        for (pointer, field) in FIELDS {
            // serde_json writes C0 controls as \u escapes and the rest raw.
            assert_refused(&mut c, &with_text(pointer, &text).to_string(), origin, field, class);
            assert_refused(
                &mut c,
                &serde_json::to_string_pretty(&with_text(pointer, &text)).unwrap(),
                origin,
                field,
                class,
            );
        }
        assert_refused(
            &mut c,
            &with_attribute_key(&text).to_string(),
            origin,
            "apps[0].requirements[0].attributes",
            class,
        );
    }
}

/// The same through a data folder: the error names the file's path.
#[test]
fn a_data_folder_file_with_unsafe_text_is_skipped_and_named() {
    let dir = TempDir::new("inject-load");
    for (i, (class, text)) in CLASSES.iter().enumerate() {
        let mut v = with_text("/apps/0/requirements/0/description", text);
        v["slug"] = json!(format!("hostile-{i}"));
        dir.write(&format!("hostile-{i}.json"), &v.to_string());
        let _ = class;
    }
    dir.write("good.json", &common::product_json("good-vendor", "Read mail"));
    let (c, report) = Catalog::load(&[dir.path().to_path_buf()]);
    assert!(c.product_index("good-vendor").is_some(), "the good file still loads");
    assert_eq!(report.errors.len(), CLASSES.len(), "{:#?}", report.errors);
    for e in &report.errors {
        assert!(e.origin.starts_with(&dir.path().display().to_string()), "{e}");
        assert_eq!(e.field.as_deref(), Some("apps[0].requirements[0].description"), "{e}");
        assert_clean("load error", &e.to_string());
    }
}

/// The hostile fixtures that must not load, each with the field its error names.
#[test]
fn hostile_fixture_files_are_refused() {
    let expect = [
        ("csi-in-description.json", "apps[0].requirements[0].description"),
        ("osc-title-in-vendor.json", "vendor"),
        ("osc52-in-purpose.json", "apps[0].requirements[0].purpose"),
        ("dcs-in-app-name.json", "apps[0].name"),
        ("c1-in-permission.json", "apps[0].requirements[0].permission"),
        ("bidi-in-condition.json", "apps[0].requirements[0].condition"),
        (
            "zero-width-in-workload.json",
            "apps[0].requirements[0].workloads[0].workload",
        ),
        ("bel-in-note.json", "notes[0]"),
        ("raw-escape-byte.json", "vendor"),
    ];
    for (file, field) in expect {
        let text = std::fs::read_to_string(fixture(file)).unwrap();
        let e = Catalog::empty()
            .add_product_text(&text, Origin::Bundled("fixture.json"))
            .expect_err(file);
        assert_eq!(e.field.as_deref(), Some(field), "{file}: {e}");
        assert!(e.line.is_some(), "{file}: {e}");
        assert_clean(file, &e.to_string());
    }
}

/// Unsafe characters risk.rs `check_text` has its own list for, and misses.
const RISK_MISSES: &[&str] = &["\u{61c}", "\u{2060}", "\u{2028}"];

/// A reviewer's risk file is checked with its own character list, not
/// `text::find_unsafe`: an Arabic letter mark (bidi), word joiner (zero-width),
/// line and paragraph separators and U+180E get through into reasons, which
/// `list --format json` and `show --format json` print raw.
#[test]

fn risk_rules_refuse_what_product_files_refuse() {
    for c in ['\u{61c}', '\u{2060}', '\u{2028}', '\u{2029}', '\u{180e}'] {
        let text = json!({ "version": 1, "description": format!("Rules {c}."), "entries": [], "rules": [] });
        assert!(
            RiskBook::from_json(&text.to_string(), "rules.json").is_err(),
            "U+{:04X} in a risk file's description",
            c as u32
        );
    }
}

/// Risk rules and permission facts refuse unsafe text in their text fields.
#[test]
fn risk_rules_and_facts_refuse_every_class() {
    let base = json!({
        "version": 1,
        "description": "Rules.",
        "entries": [{ "apis": ["Microsoft Graph"], "permission": "Mail.Read",
            "application": { "level": "high", "reasons": ["Reads mail."] } }],
        "rules": [{ "id": "mail", "names": ["Mail.*"], "subject": "mail", "application": { "read": "high" },
            "reasons": ["Mail."], "read_reasons": ["Reads."], "write_reasons": ["Writes."] }]
    });
    RiskBook::from_json(&base.to_string(), "rules.json").expect("the clean book loads");
    let pointers = [
        ("/description", "description"),
        ("/entries/0/permission", "entries[0].permission"),
        ("/entries/0/application/reasons/0", "entries[0].application.reasons[0]"),
        ("/rules/0/subject", "rules[0].subject"),
        ("/rules/0/names/0", "rules[0].names[0]"),
        ("/rules/0/reasons/0", "rules[0].reasons[0]"),
        ("/rules/0/read_reasons/0", "rules[0].read_reasons[0]"),
        ("/rules/0/write_reasons/0", "rules[0].write_reasons[0]"),
    ];
    for (class, text) in CLASSES.iter().filter(|(_, t)| !RISK_MISSES.contains(t)) {
        for (pointer, field) in pointers {
            let mut v = base.clone();
            *v.pointer_mut(pointer).unwrap() = json!(format!("Mail.{text}x"));
            let e = RiskBook::from_json(&v.to_string(), "rules.json")
                .err()
                .unwrap_or_else(|| panic!("{class} in risk {field} must be refused"));
            assert_eq!(e.origin, "rules.json");
            let named = e.field.as_deref().unwrap_or("");
            assert!(named.starts_with(field), "{class} in {field}: names `{named}`: {e}");
            assert!(e.line.is_some_and(|l| l >= 1), "{e}");
            // The CLI prints this through `neutralise`; the text itself says where and what.
            assert_clean("risk error", &permscope::model::text::neutralise(&e.to_string()));
        }
        let catalog = |name: String, display: String| {
            json!({ "resources": [{ "api": "Microsoft Graph", "app_id": "00000003-0000-0000-c000-000000000000",
                "permissions": [{ "type": "application", "name": name, "id": "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
                    "admin_consent": true, "display_name": display, "privilege_level": null, "enabled": true }] }] })
            .to_string()
        };
        assert!(
            MicrosoftCatalog::from_json(&catalog("Mail.Read".into(), "Read mail".into()), "c.json").is_ok(),
            "the clean catalog loads"
        );
        assert!(
            MicrosoftCatalog::from_json(&catalog(format!("Mail.{text}Read"), "Read mail".into()), "c.json").is_err(),
            "{class} in a catalog permission's name"
        );
        assert!(
            MicrosoftCatalog::from_json(&catalog("Mail.Read".into(), format!("Read {text} mail")), "c.json").is_err(),
            "{class} in a catalog permission's display name"
        );
    }
}

// ---------------------------------------------------------------- 2a. errors that quote what they refuse

/// `ReadError` prints its origin (a path: any bytes but NUL and `/` on Linux) and
/// its field (a JSON path that can quote a key from the file) as they are.
#[test]

fn load_error_display_neutralises_origin_and_field() {
    let e = ReadError {
        kind: permscope::model::read::ErrorKind::Invalid,
        origin: format!("/data/{}.json", all_classes_arg()),
        line: Some(1),
        column: Some(2),
        field: Some(format!("apps[0].requirements[0].attributes.{}", all_classes())),
        message: all_classes(),
    };
    assert_clean("ReadError display", &e.to_string());
}

/// The same bug as it happens: a key from the file lands in the field path.
#[test]

fn load_error_display_of_a_hostile_key() {
    for file in ["attribute-key-escape.json", "unknown-field-escape.json"] {
        let text = std::fs::read_to_string(fixture(file)).unwrap();
        let e = Catalog::empty()
            .add_product_text(&text, Origin::Bundled("fixture.json"))
            .unwrap_err();
        assert_clean(file, &e.to_string());
    }
}

#[test]
fn query_errors_neutralise_what_was_typed() {
    let c = Catalog::load(&[]).0;
    let mut q = Query::default();
    let hostile = all_classes();
    for e in [
        q.add_product(&c, &hostile).unwrap_err(),
        q.add_api(&c, &hostile).unwrap_err(),
        q.add_workload(&c, &hostile).unwrap_err(),
    ] {
        assert_clean("query error", &e.to_string());
    }
}

/// The "known:" list of a query error is catalog text (workload names come from
/// product files) and is printed as it is.
#[test]

fn query_errors_neutralise_the_known_names() {
    let c = poisoned();
    let e = Query::default().add_workload(&c, "no such workload").unwrap_err();
    assert_clean("workload error listing known names", &e.to_string());
    let e = QueryError {
        what: "product",
        given: "x".into(),
        known: vec![all_classes()],
        candidates: vec![all_classes()],
    };
    assert_clean("query error listing known names", &e.to_string());
}

// ---------------------------------------------------------------- 2b. outputs, with a catalog poisoned after loading

/// The bundled catalog with every free-text field (products, apps, rows, facts,
/// file paths) carrying every class: what the outputs would see if a loader let
/// something through. Slugs (checked against a strict pattern) and API names
/// (bundled) are left alone.
fn poisoned() -> Catalog {
    let (mut c, _) = Catalog::load(&[]);
    let bad = all_classes();
    let p = |s: &str| format!("{s}{bad}");
    for prod in c.products.iter_mut() {
        prod.vendor = p(&prod.vendor);
        prod.name = p(&prod.name);
        prod.source.title = p(&prod.source.title);
        prod.source.file = p(&prod.source.file);
        prod.source.version = Some(p("v"));
        prod.source.date = Some(p("d"));
        prod.source.url = Some(p("u"));
        prod.notes.push(p("note"));
        for a in &mut prod.apps {
            a.name = p(&a.name);
            a.description = Some(p("app description"));
            a.notes.push(p("app note"));
        }
        prod.origin = Origin::File(PathBuf::from(format!("/data/{}.json", all_classes_arg())));
    }
    for r in &mut c.requirements {
        r.api_as_written = p(&r.api_as_written).into();
        r.table = Some(p("table").into());
        r.permission = p(&r.permission);
        r.permission_as_written = Some(p("as written"));
        r.description = Some(p("description").into());
        r.purpose = Some(p("purpose").into());
        r.condition = Some(p("condition"));
        r.attributes.push((p("header"), p("cell")));
        r.notes.push(p("row note"));
        for w in &mut r.workloads {
            w.workload = p(&w.workload).into();
        }
    }
    // A fact for every poisoned claim, so ids, consent and display names show.
    let keys: Vec<(String, PermissionKind, String)> = c
        .requirements
        .iter()
        .map(|r| (c.apis[r.api].app_id.clone(), r.kind, r.permission.clone()))
        .collect();
    for (app, kind, name) in keys {
        c.microsoft.insert(
            &app,
            kind,
            &name,
            MicrosoftPermission {
                admin_consent: Some(true),
                display_name: Some(p("display name").into()),
                ..MicrosoftPermission::new("810c84a8-4a9e-49e6-bf7d-12d183f40d01")
            },
        );
    }
    let risk = c.risk.clone();
    c.set_risk(risk);
    c
}

fn all_rows(c: &Catalog) -> Vec<usize> {
    (0..c.requirements.len()).collect()
}

#[test]
fn list_text_formats_are_clean_with_poisoned_data() {
    let c = poisoned();
    for format in [
        ListFormat::Table,
        ListFormat::Plain,
        ListFormat::Csv,
        ListFormat::Markdown,
    ] {
        for width in [20, 80, 200] {
            assert_clean(
                &format!("list {format:?} at {width}"),
                &listing::render(&c, &all_rows(&c), format, width),
            );
        }
    }
}

#[test]

fn list_json_is_clean_with_poisoned_data() {
    let c = poisoned();
    assert_clean("list json", &listing::render(&c, &all_rows(&c), ListFormat::Json, 80));
}

#[test]
fn exports_are_clean_with_poisoned_data() {
    let c = poisoned();
    let selection = Selection::from_rows(&c, all_rows(&c));
    for format in ExportFormat::ALL {
        let out = export::export(&c, &selection, format);
        assert_clean(&format!("export {format:?}"), &out.text);
        for w in &out.warnings {
            assert_clean(&format!("export {format:?} warning"), w);
        }
    }
}

#[test]
fn reports_and_text_comparisons_are_clean_with_poisoned_data() {
    let c = poisoned();
    let products: Vec<usize> = (0..c.products.len()).collect();
    for format in [ReportFormat::Markdown, ReportFormat::Html] {
        assert_clean(&format!("report {format:?}"), &report::report(&c, &products, format));
    }
    let cmp = Comparison::new(&c, &products, &Query::default());
    for mode in CompareMode::ALL {
        for format in [CompareFormat::Table, CompareFormat::Csv, CompareFormat::Markdown] {
            assert_clean(
                &format!("compare {mode:?} {format:?}"),
                &door(&report::render_compare(&c, &cmp, mode, format, 120)),
            );
        }
    }
}

#[test]

fn compare_json_is_clean_with_poisoned_data() {
    let c = poisoned();
    let products: Vec<usize> = (0..c.products.len()).collect();
    let cmp = Comparison::new(&c, &products, &Query::default());
    assert_clean(
        "compare json",
        &report::render_compare(&c, &cmp, CompareMode::All, CompareFormat::Json, 120),
    );
}

/// What reaches the terminal of text a command prints: it leaves by the door.
fn door(text: &str) -> String {
    permscope::model::text::neutralise_keeping_lines(text).into_owned()
}

/// Runs a command as `main` does: its output and its error leave through the
/// neutralising door.
fn run_command(f: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<std::process::ExitCode>) -> (String, String) {
    use std::io::Write;
    let mut out = Vec::new();
    let result = f(&mut permscope::model::text::Neutral::new(&mut out));
    let mut err = Vec::new();
    if let Err(e) = result {
        let _ = write!(permscope::model::text::Neutral::new(&mut err), "{e:#}");
    }
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[test]
fn vendors_show_check_and_assess_text_are_clean_with_poisoned_data() {
    let c = poisoned();
    let (out, _) = run_command(|o| permscope::commands::vendors::run(&c, VendorsFormat::Table, o));
    assert_clean("vendors", &out);
    let claim = c.requirements[0].permission.clone();
    let (out, err) =
        run_command(|o| permscope::commands::show::run(&c, &claim, None, None, false, ShowFormat::Text, o));
    assert!(err.is_empty(), "{err}");
    assert!(out.contains("asked for by"), "{out}");
    assert_clean("show", &out);
    // Not found: the error quotes the argument and suggests names.
    let (_, err) =
        run_command(|o| permscope::commands::show::run(&c, &all_classes(), None, None, false, ShowFormat::Text, o));
    assert_clean("show error", &err);
    let report = LoadReport {
        errors: vec![ReadError {
            kind: permscope::model::read::ErrorKind::Invalid,
            origin: format!("/data/{}.json", all_classes_arg()),
            line: Some(1),
            column: Some(1),
            field: Some(all_classes()),
            message: all_classes(),
        }],
        replaced: vec![(all_classes(), PathBuf::from(all_classes_arg()))],
        empty_folders: vec![PathBuf::from(all_classes_arg())],
    };
    let (out, _) = run_command(|o| permscope::commands::check::run(&c, &report, o));
    assert_clean("check", &out);
    let names = vec![all_classes(), claim, "x".repeat(100_000)];
    for api in ["Microsoft Graph", &all_classes()] {
        let (out, _) = run_command(|o| {
            permscope::commands::assess::run(&c, &names, api, PermissionKind::Application, ShowFormat::Text, o)
        });
        assert_clean("assess", &out);
    }
}

#[test]

fn vendors_show_and_assess_json_are_clean_with_poisoned_data() {
    let c = poisoned();
    let (out, _) = run_command(|o| permscope::commands::vendors::run(&c, VendorsFormat::Json, o));
    assert_clean("vendors json", &out);
    let claim = c.requirements[0].permission.clone();
    let (out, _) = run_command(|o| permscope::commands::show::run(&c, &claim, None, None, false, ShowFormat::Json, o));
    assert_clean("show json", &out);
    let (out, _) = run_command(|o| {
        permscope::commands::assess::run(
            &c,
            &[all_classes()],
            "Microsoft Graph",
            PermissionKind::Application,
            ShowFormat::Json,
            o,
        )
    });
    assert_clean("assess json", &out);
}

/// Grants with hostile display names (tenant data) in every audit format.
fn hostile_grants(c: &Catalog) -> Vec<permscope::model::grants::ResolvedGrant> {
    let export = permscope::model::read::grants::read_export_file(&fixture("grants-hostile-names.json")).unwrap();
    let mut resolved = permscope::model::grants::resolve(c, &export.grants);
    for g in &mut resolved {
        g.principals.push(all_classes());
        g.notes.push(all_classes());
        g.resource.display_name = Some(all_classes());
    }
    resolved
}

#[test]
fn audit_text_is_clean_with_hostile_grants() {
    use permscope::model::audit;
    for c in [Catalog::load(&[]).0, poisoned()] {
        let a = audit::audit(&c, 2, &hostile_grants(&c));
        assert_clean("audit markdown", &audit::to_markdown(&a));
        for width in [40, 100, 200] {
            assert_clean("audit table", &audit::to_table(&a, width));
        }
    }
}

#[test]

fn audit_json_is_clean_with_hostile_grants() {
    use permscope::model::audit;
    let c = Catalog::load(&[]).0;
    let a = audit::audit(&c, 2, &hostile_grants(&c));
    // As the CLI prints it: JSON whose unsafe characters are \u escapes.
    assert_clean("audit json", &permscope::model::text::json_pretty(&audit::to_json(&a)));
}

// ---------------------------------------------------------------- 2c. the explorer's screen and clipboard

/// Draws and returns every cell's symbol, checking each is clean.
fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let keymap = Keymap::default();
    let mut view_state = ViewState::default();
    terminal
        .draw(|f| view::render(f, app, &keymap, &Theme::colour(), &mut view_state))
        .unwrap();
    let text = view::buffer_text(terminal.backend().buffer()).join("\n");
    assert_clean(&format!("screen at {w}x{h}"), &text);
    text
}

#[test]
fn typed_search_text_is_shown_neutralised() {
    let mut app = App::new(Catalog::load(&[]).0);
    app.update(Action::OpenFilter);
    for c in all_classes().chars() {
        app.update(Action::InputChar(c));
    }
    // Whatever was kept of the input is on screen, visibly escaped.
    let s = screen(&app, 120, 40);
    assert!(s.contains("\\u{202e}") || !app.query.text.contains('\u{202e}'), "{s}");
    app.update(Action::AcceptFilter);
    screen(&app, 120, 40);
    screen(&app, 60, 12);
    app.update(Action::ShowStatus(all_classes()));
    screen(&app, 200, 50);
}

/// Every layer of the explorer over the poisoned catalog: table, grouped, detail,
/// help, pickers, compare, audit; and what a copy puts on the clipboard.
#[test]
fn every_screen_is_clean_with_poisoned_data() {
    let c = poisoned();
    let grants = hostile_grants(&c);
    let mut app = App::new(c).with_grants(grants);
    app.update(Action::Resize(160, 50));
    let mut seen = 0;
    let mut check = |app: &App| {
        for (w, h) in [(160, 50), (80, 24), (60, 12)] {
            screen(app, w, h);
        }
        seen += 1;
    };
    check(&app);
    app.update(Action::MoveDown);
    app.update(Action::SwitchPane);
    check(&app);
    app.update(Action::SwitchPane);
    app.update(Action::ToggleGrouping);
    check(&app);
    app.update(Action::ToggleHelp);
    check(&app);
    app.update(Action::Close);
    for picker in [
        Action::PickProducts,
        Action::PickApis,
        Action::PickWorkloads,
        Action::PickPreset,
        Action::PickFormat,
    ] {
        app.update(picker);
        check(&app);
        app.update(Action::Close);
    }
    app.update(Action::OpenAudit);
    check(&app);
    app.update(Action::Close);
    app.update(Action::OpenCompare);
    for _ in 0..3 {
        app.update(Action::PickerToggle);
        app.update(Action::MoveDown);
    }
    app.update(Action::PickerAccept);
    assert!(app.compare.is_some());
    check(&app);
    app.update(Action::SelectColumnAll);
    app.update(Action::Close);
    app.update(Action::SelectVisible);
    for (i, format) in ExportFormat::ALL.iter().enumerate() {
        app.update(Action::PickFormat);
        for _ in 0..8 {
            app.update(Action::MoveUp);
        }
        for _ in 0..i {
            app.update(Action::MoveDown);
        }
        let effects = app.update(Action::PickerAccept);
        let copied = effects.iter().find_map(|e| match e {
            Effect::Copy { text, warnings, .. } => Some((text.clone(), warnings.clone())),
            _ => None,
        });
        // When every selected claim is refused by the format, nothing is copied
        // (the clipboard is not wiped) and the status line says why.
        let Some((text, warnings)) = copied else {
            let status = app
                .status
                .clone()
                .unwrap_or_else(|| panic!("copy as {format:?}: no copy and no reason"));
            assert!(status.starts_with("Nothing to copy"), "{status}");
            assert_clean(&format!("copy status {format:?}"), &status);
            continue;
        };
        assert_clean(&format!("copied {format:?}"), &text);
        for w in &warnings {
            assert_clean(&format!("copy warning {format:?}"), w);
        }
        // The runtime shows the first warning in the status line.
        if let Some(w) = warnings.first() {
            app.update(Action::ShowStatus(w.clone()));
            check(&app);
        }
    }
    assert!(seen >= 10, "only {seen} screens checked");
}

// ---------------------------------------------------------------- 2d. the real binary

fn permscope_with(args: &[&str], envs: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_permscope"));
    cmd.args(args)
        .env_remove("PERMSCOPE_DATA")
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "160")
        // No user data folder: only what the test gives.
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("permscope-injection-no-data"),
        )
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run permscope");
    if let Some(text) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    permscope_with(args, &[], None)
}

#[track_caller]
fn assert_output_clean(what: &str, o: &Output) {
    assert_clean_bytes(&format!("{what}: stdout"), &o.stdout);
    assert_clean_bytes(&format!("{what}: stderr"), &o.stderr);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{what}: {err}");
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

#[test]
fn query_text_never_reaches_the_terminal_raw() {
    let hostile = all_classes_arg();
    for format in ["table", "plain", "json", "csv", "markdown"] {
        for q in [hostile.as_str(), "\u{202e}", "mail \u{1b}]0;x\u{7}", "日本語🦀"] {
            let o = run(&["list", "--query", q, "--format", format]);
            assert_output_clean(&format!("list --query --format {format}"), &o);
        }
    }
}

#[test]
fn arguments_echoed_in_errors_are_neutralised() {
    let h = all_classes_arg();
    let h = h.as_str();
    let cases: Vec<Vec<&str>> = vec![
        vec!["show", h],
        vec!["show", h, "--format", "json"],
        vec!["show", "Mail.Read", "--api", h],
        vec!["list", "--product", h],
        vec!["list", "--api", h],
        vec!["list", "--workload", h],
        vec!["export", "--product", h],
        vec!["export", "--product", "nakivo", "--api", h],
        vec!["compare", h, "nakivo"],
        vec!["compare", "nakivo", h, "--format", "json"],
        vec!["report", h],
        vec!["audit", "--product", h, "--grants", "/nonexistent"],
        vec!["assess", h],
        vec!["assess", "Mail.Read", "--api", h],
        vec!["--risk-rules", h, "list"],
        vec!["--catalog", h, "list"],
    ];
    for args in cases {
        let o = run(&args);
        assert_output_clean(&format!("{:?}", args[0]), &o);
    }
}

/// clap's own messages quote the bad value (`invalid value '…' for '--type'`,
/// `unrecognized subcommand '…'`). Piped, anstream strips ESC sequences but
/// not C1, bidi or zero-width characters.
#[test]

fn clap_errors_are_neutralised() {
    let h = all_classes_arg();
    let h = h.as_str();
    for args in [
        vec!["list", "--type", h],
        vec!["list", "--format", h],
        vec!["list", "--phase", h],
        vec!["list", "--risk", h],
        vec!["list", "--sort", h],
        vec![h],
        vec!["list", h],
        vec!["compare", "--mode", h, "a", "b"],
    ] {
        let o = run(&args);
        assert_output_clean(&format!("{args:?}"), &o);
    }
}

/// Where stderr is a terminal (forced here with CLICOLOR_FORCE), clap writes the
/// value's OSC sequence through: a window title or clipboard write from an argument.
#[test]

fn clap_errors_on_a_terminal_carry_no_escape_sequence_from_the_value() {
    let o = permscope_with(
        &["list", "--type", "\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}"],
        &[("CLICOLOR_FORCE", "1")],
        None,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    // clap's own styling (SGR: ESC [ digits m) is allowed; nothing else.
    let mut rest = err.to_string();
    while let Some(i) = rest.find("\u{1b}[") {
        let tail = &rest[i + 2..];
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(tail.len());
        if tail[end..].starts_with('m') {
            rest.replace_range(i..i + 2 + end + 1, "");
        } else {
            break;
        }
    }
    assert_clean("clap error on a terminal", &rest);
}

#[test]
fn assess_names_from_arguments_and_stdin_are_neutralised() {
    let h = all_classes_arg();
    // Unknown names rate as guesses and exit 1: the run completes, nothing raw escapes.
    let o = run(&["assess", &h, "Mail.Read", &"x".repeat(100_000)]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_output_clean("assess args", &o);
    let stdin = format!("{h}\nMail.Read\n{}\n\u{1b}[2J\n", "日本語".repeat(1000));
    let o = permscope_with(&["assess"], &[], Some(&stdin));
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert_output_clean("assess stdin", &o);
}

#[test]

fn assess_json_neutralises_names() {
    let h = all_classes_arg();
    let o = run(&["assess", &h, "--format", "json"]);
    assert_output_clean("assess json args", &o);
    let o = permscope_with(&["assess", "--format", "json"], &[], Some(&format!("{h}\n")));
    assert_output_clean("assess json stdin", &o);
    let o = run(&["assess", "Mail.Read", "--api", &h, "--format", "json"]);
    assert_output_clean("assess json --api", &o);
}

/// A data folder whose file names carry escape sequences: a broken file (the
/// warning names it) and a good one (`vendors` says where it was loaded from).
fn hostile_named_data() -> TempDir {
    let dir = TempDir::new("inject-names");
    let name = format!("{}.json", all_classes_arg().replace('/', ""));
    dir.write(&format!("broken-{name}"), "{ not json");
    dir.write(
        &format!("good-{name}"),
        &common::product_json("named-vendor", "Read mail"),
    );
    dir
}

#[test]

fn file_names_in_load_warnings_are_neutralised() {
    let dir = hostile_named_data();
    let d = dir.path().to_str().unwrap();
    let missing = format!("/nonexistent/{}", all_classes_arg());
    for args in [
        vec!["list", "--data", d, "--format", "plain"],
        vec!["vendors", "--data", d],
        vec!["show", "Mail.Read", "--data", d],
        vec!["vendors", "--data", &missing],
    ] {
        let o = run(&args);
        assert_output_clean(&format!("{:?} with hostile file names", args[0]), &o);
    }
}

#[test]
fn file_names_in_check_and_vendors_are_neutralised() {
    let dir = hostile_named_data();
    let d = dir.path().to_str().unwrap();
    let o = run(&["check", "--data", d]);
    assert_eq!(o.status.code(), Some(1), "the broken file is a problem");
    assert_clean_bytes("check stdout", &o.stdout);
    let o = run(&["vendors", "--data", d]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("named-vendor"), "{out}");
    assert_clean_bytes("vendors stdout", &o.stdout);
}

#[test]

fn file_names_in_vendors_json_are_neutralised() {
    let dir = TempDir::new("inject-names-json");
    dir.write(
        &format!("good-{}.json", all_classes_arg().replace('/', "")),
        &common::product_json("named-vendor", "Read mail"),
    );
    let o = run(&["vendors", "--format", "json", "--data", dir.path().to_str().unwrap()]);
    assert_clean_bytes("vendors json", &o.stdout);
}

/// Bad JSON whose error quotes hostile content: unknown fields and map keys in
/// product files (a warning for `list`, a line of `check`), risk rules (an error).
#[test]
fn error_messages_quoting_bad_json_are_neutralised_by_check() {
    let dir = TempDir::new("inject-quoted");
    for file in [
        "unknown-field-escape.json",
        "attribute-key-escape.json",
        "raw-escape-byte.json",
    ] {
        std::fs::copy(fixture(file), dir.path().join(file)).unwrap();
    }
    let o = run(&["check", "--data", dir.path().to_str().unwrap()]);
    assert_output_clean("check with quoting errors", &o);
    for file in ["risk-unknown-field-escape.json", "risk-escape-in-reason.json"] {
        let o = run(&["--risk-rules", fixture(file).to_str().unwrap(), "list"]);
        assert_eq!(o.status.code(), Some(2), "{file} is refused");
        assert_output_clean(file, &o);
    }
}

#[test]

fn error_messages_quoting_bad_json_are_neutralised_in_warnings() {
    let dir = TempDir::new("inject-quoted-warn");
    for file in ["unknown-field-escape.json", "attribute-key-escape.json"] {
        std::fs::copy(fixture(file), dir.path().join(file)).unwrap();
    }
    let o = run(&["list", "--data", dir.path().to_str().unwrap(), "--format", "plain"]);
    assert_output_clean("list warnings quoting bad JSON", &o);
}

/// Grants exports are tenant data: display names reach the audit table and Markdown.
#[test]
fn audit_of_hostile_grants_is_neutralised() {
    let grants = fixture("grants-hostile-names.json");
    for format in ["table", "markdown"] {
        let o = run(&[
            "audit",
            "--product",
            "nakivo",
            "--grants",
            grants.to_str().unwrap(),
            "--format",
            format,
        ]);
        assert_output_clean(&format!("audit {format}"), &o);
    }
    // A grants file whose content fails: the error quotes a key from it.
    let o = run(&[
        "audit",
        "--product",
        "nakivo",
        "--grants",
        fixture("grants-escapes.json").to_str().unwrap(),
    ]);
    assert_output_clean("audit of a bad grants file", &o);
    let o = run(&["--catalog", grants.to_str().unwrap(), "list", "--product", "nakivo"]);
    assert_output_clean("--catalog with a grants file", &o);
}

#[test]

fn audit_json_of_hostile_grants_is_neutralised() {
    let grants = fixture("grants-hostile-names.json");
    let o = run(&[
        "audit",
        "--product",
        "nakivo",
        "--grants",
        grants.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_output_clean("audit json", &o);
}

#[test]
fn import_refuses_hostile_text_and_says_so_safely() {
    let dir = TempDir::new("inject-import");
    let d = dir.path().to_str().unwrap();
    let csv = fixture("vendor-table-escapes.csv");
    let o = run(&[
        "import",
        csv.to_str().unwrap(),
        "--product",
        "evil",
        "--vendor",
        "Evil",
        "--data",
        d,
    ]);
    assert_ne!(o.status.code(), Some(0), "hostile CSV is refused");
    assert_output_clean("import hostile csv", &o);
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grants/vendor-table.csv");
    let h = all_classes_arg();
    for args in [
        vec!["--product", h.as_str(), "--vendor", "Evil"],
        vec!["--product", "evil", "--vendor", h.as_str()],
        vec!["--product", "evil", "--vendor", "Evil", "--name", h.as_str()],
    ] {
        let mut all = vec!["import", good.to_str().unwrap(), "--data", d];
        all.extend(args);
        let o = run(&all);
        assert_ne!(o.status.code(), Some(0), "{all:?}");
        assert_output_clean("import with hostile arguments", &o);
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing was written"
    );
}

// ---------------------------------------------------------------- 3. width

fn wide_data() -> TempDir {
    let dir = TempDir::new("inject-wide");
    std::fs::copy(fixture("wide-text.json"), dir.path().join("wide-text.json")).unwrap();
    let long = common::product_json("long-text", &"日本語テキスト🦀 abc ".repeat(7_700));
    dir.write("long-text.json", &long);
    dir
}

/// `list --format table` fits the width it is given, whatever the text.
#[test]
fn list_table_fits_the_terminal_with_wide_and_long_text() {
    let dir = wide_data();
    for cols in [20usize, 40, 60, 80, 120, 200] {
        let o = permscope_with(
            &[
                "list",
                "--data",
                dir.path().to_str().unwrap(),
                "--product",
                "wide-text",
                "--product",
                "long-text",
            ],
            &[("COLUMNS", &cols.to_string())],
            None,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(out.lines().count() >= 5, "{out}");
        for line in out.lines() {
            assert!(
                display_width(line) <= cols.max(20),
                "COLUMNS={cols}: a line is {} columns wide: {line:?}",
                display_width(line)
            );
        }
    }
}

/// The comparison matrix keeps to the width with wide and long permission names.
#[test]
fn compare_matrix_fits_the_terminal_with_wide_and_long_text() {
    let dir = wide_data();
    for cols in [120usize, 160, 240] {
        let o = permscope_with(
            &[
                "compare",
                "wide-text",
                "long-text",
                "--data",
                dir.path().to_str().unwrap(),
            ],
            &[("COLUMNS", &cols.to_string())],
            None,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8(o.stdout).unwrap();
        let matrix = out.split_once("RISK ").expect("matrix header").1;
        for line in matrix.lines().skip(1) {
            assert!(
                display_width(line) <= cols,
                "COLUMNS={cols}: a matrix line is {} columns wide: {line:?}",
                display_width(line)
            );
        }
    }
}

/// The same at narrow widths: the matrix's minimum column widths add up to more
/// than the terminal (permission 20, products 8 each, fixed 26), and the profile
/// lines are fixed sentences of about 140 columns.
#[test]

fn compare_table_fits_narrow_terminals() {
    for cols in [60usize, 80] {
        let o = permscope_with(
            &["compare", "nakivo", "gitprotect", "avepoint-cloud-backup-express"],
            &[("COLUMNS", &cols.to_string())],
            None,
        );
        let out = String::from_utf8(o.stdout).unwrap();
        for line in out.lines() {
            assert!(display_width(line) <= cols, "COLUMNS={cols}: {line:?}");
        }
    }
}

// ---------------------------------------------------------------- 2e. clipboard

/// OSC 52 carries the copied text only as base64, whatever it holds: nothing in
/// the text can end the sequence early or start another. In tmux the same
/// sequence is wrapped for passthrough, every ESC doubled.
#[test]
fn osc52_carries_the_text_only_as_base64() {
    use permscope::clipboard::osc52;
    for text in [
        all_classes(),
        "日本語🦀".to_string(),
        String::new(),
        "x".repeat(100_000),
    ] {
        let seq = osc52(&text, false);
        let payload = seq
            .strip_prefix("\u{1b}]52;c;")
            .and_then(|s| s.strip_suffix('\u{7}'))
            .unwrap_or_else(|| panic!("OSC 52 framing: {seq:?}"));
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            "payload is base64: {payload:?}"
        );
        let wrapped = osc52(&text, true);
        assert_eq!(
            wrapped,
            format!("\u{1b}Ptmux;{}\u{1b}\\", seq.replace('\u{1b}', "\u{1b}\u{1b}"))
        );
    }
}

/// `doctor` prints environment variables (DISPLAY, TERM, PATH entries): any bytes.
#[test]
fn doctor_neutralises_the_environment() {
    use permscope::clipboard::{ClipboardChoice, Env, doctor};
    let dir = TempDir::new("inject-doctor");
    let bin = dir.path().join(all_classes_arg().replace('/', ""));
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["xclip", "xsel", "wl-copy"] {
        std::fs::write(bin.join(tool), "").unwrap();
    }
    let env = Env {
        display: Some(all_classes()),
        wayland_display: Some(all_classes()),
        ssh: true,
        tmux: true,
        term: Some(all_classes()),
        needs_display: true,
        path: Some(bin.clone().into_os_string()),
    };
    for choice in [ClipboardChoice::Auto, ClipboardChoice::System, ClipboardChoice::Osc52] {
        assert_clean("doctor", &door(&doctor(&env, choice)));
    }
    let h = all_classes_arg();
    let o = permscope_with(
        &["doctor"],
        &[
            ("DISPLAY", &h),
            ("WAYLAND_DISPLAY", &h),
            ("TERM", &h),
            ("SSH_TTY", &h),
            ("PATH", bin.to_str().unwrap()),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_output_clean("doctor", &o);
}

// ---------------------------------------------------------------- 3. Markdown renders as the text it quotes

/// Vendor and tenant text that means something in Markdown: links, images, raw
/// HTML, headings, emphasis, code, a table's pipe, entities, math.
const MARKDOWN: [&str; 8] = [
    "<img src=x onerror=alert(document.domain)>",
    "![](http://evil.example/pixel.png) [click me](javascript:alert(1))",
    "# Heading [click](javascript:alert(2)) ##",
    "*bold* __strong__ ~~gone~~ `code` a|b",
    "&lt;script&gt; &amp; $x^2$",
    "- a list item",
    "1. a numbered item",
    "<https://autolink.example> \\[escaped\\]",
];

/// Everything a Markdown reader would make of `md`: the rendered text, and
/// every construct other than the program's own (headings, lists, tables,
/// paragraphs, code spans, `**unknown GUID**`).
fn rendered(md: &str) -> (String, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM;
    let mut text = String::new();
    let mut active = Vec::new();
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(_) => text.push('\n'),
            Event::Start(
                Tag::Heading { .. }
                | Tag::Paragraph
                | Tag::List(None)
                | Tag::Item
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell
                | Tag::Strong,
            ) => {}
            other => active.push(format!("{other:?}")),
        }
    }
    (text, active)
}

/// A product whose every text field holds Markdown, and grants for its audit
/// in a file whose name is Markdown too.
fn markdown_folder() -> (TempDir, PathBuf) {
    let dir = TempDir::new("markdown");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let mut p = full_product();
    p["slug"] = json!("md-vendor");
    p["vendor"] = json!(MARKDOWN[1]);
    p["product"] = json!(MARKDOWN[2]);
    p["source"]["title"] = json!(MARKDOWN[0]);
    p["notes"] = json!(MARKDOWN);
    p["apps"][0]["name"] = json!(MARKDOWN[3]);
    for r in p["apps"][0]["requirements"].as_array_mut().unwrap() {
        r["description"] = json!(MARKDOWN[0]);
        r["purpose"] = json!(MARKDOWN[1]);
        r["condition"] = json!(MARKDOWN[4]);
        r["notes"] = json!([MARKDOWN[5], MARKDOWN[6], MARKDOWN[7]]);
    }
    std::fs::write(data.join("md.json"), serde_json::to_string_pretty(&p).unwrap()).unwrap();
    let grants = dir.path().join("[grants](javascript:alert(3)).json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grants/nakivo-approleassignments.rest.json"),
        &grants,
    )
    .unwrap();
    (dir, grants)
}

#[test]
fn markdown_output_renders_untrusted_text_as_itself() {
    let (dir, grants) = markdown_folder();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let grants = grants.to_str().unwrap();
    let outputs = [
        (
            "list",
            vec!["list", "--data", data, "--product", "md-vendor", "--format", "markdown"],
        ),
        (
            "report",
            vec!["report", "md-vendor", "--data", data, "--format", "markdown"],
        ),
        (
            "compare",
            vec!["compare", "md-vendor", "nakivo", "--data", data, "--format", "markdown"],
        ),
        (
            "export",
            vec![
                "export",
                "--data",
                data,
                "--product",
                "md-vendor",
                "--format",
                "markdown",
            ],
        ),
        (
            "audit",
            vec![
                "audit",
                "--data",
                data,
                "--product",
                "md-vendor",
                "--grants",
                grants,
                "--format",
                "markdown",
            ],
        ),
    ];
    for (what, args) in outputs {
        let o = run(&args);
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let md = String::from_utf8(o.stdout).unwrap();
        let (text, active) = rendered(&md);
        assert!(
            active.is_empty(),
            "{what}: Markdown a viewer would act on: {active:?}\n{md}"
        );
        // What a reader sees is the vendor's text, character for character.
        let wanted: &[&str] = match what {
            "list" => &[MARKDOWN[0], MARKDOWN[1]],
            // These quote slugs and permission names only.
            "export" | "compare" => &[],
            "audit" => &[MARKDOWN[2], "[grants](javascript:alert(3)).json"],
            _ => &MARKDOWN,
        };
        for w in wanted {
            assert!(
                text.contains(w),
                "{what}: `{w}` is not shown as written:\n{text}\n---\n{md}"
            );
        }
    }
}
