//! The explorer's advice, headless: the detail pane's "Narrower" and "Ask the
//! vendor" sections for the row under the cursor, the advice worked out on the
//! worker for large data, and the least-privilege preset under `P`, copied as
//! a manifest and audited back against the product.

use permscope::model::advise::{AdviceContext, Advisor};
use permscope::model::audit;
use permscope::model::catalog::Catalog;
use permscope::model::export::ExportFormat;
use permscope::model::grants;
use permscope::model::holders::Holders;
use permscope::model::permission::{PermissionKey, PermissionKind};
use permscope::model::query::AppRef;
use permscope::model::read::grants::read_export;
use permscope::tui::action::{Action, Effect};
use permscope::tui::app::App;
use permscope::tui::keymap::Keymap;
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState, buffer_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeSet;
use std::sync::Arc;

fn bundled() -> Catalog {
    Catalog::load(&[]).0
}

/// The row of `slug`'s app `app` asking for `permission` (Graph, application).
fn row_of(catalog: &Catalog, slug: &str, app: &str, permission: &str) -> usize {
    let p = catalog.product_index(slug).unwrap();
    (0..catalog.requirements.len())
        .find(|&i| {
            let r = &catalog.requirements[i];
            r.product == p
                && catalog.products[p].apps[r.app].name == app
                && r.permission == permission
                && r.kind == PermissionKind::Application
                && catalog.apis[r.api].short == "Graph"
        })
        .unwrap_or_else(|| panic!("{slug} / {app} asks for {permission}"))
}

/// Moves the cursor down to `row`.
fn go_to(app: &mut App, row: usize) -> Vec<Effect> {
    let mut effects = Vec::new();
    for _ in 0..app.entries.len() {
        if app.current().unwrap().rows()[0] == row {
            return effects;
        }
        effects.extend(app.update(Action::MoveDown));
    }
    panic!("row {row} is not in the table");
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut state = ViewState::default();
    terminal
        .draw(|f| view::render(f, app, &Keymap::default(), &Theme::mono(), &mut state))
        .unwrap();
    buffer_text(terminal.backend().buffer()).join("\n")
}

/// The detail pane's text, lines joined (the pane wraps long sentences).
fn detail(app: &App) -> String {
    let s = screen(app, 120, 160);
    s.lines()
        .skip_while(|l| !l.starts_with("┌ Detail"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.trim_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_detail_pane_shows_the_rows_narrower_alternatives_and_questions() {
    let catalog = bundled();
    let row = row_of(&catalog, "gitprotect", "Xopero ONE MS365 PRO", "Mail.ReadWrite");
    let mut app = App::new(catalog);
    assert!(
        go_to(&mut app, row).is_empty(),
        "small data: advice is worked out at once"
    );
    let advice = app.advice_for(row).expect("the row's app is advised").clone();
    assert_eq!(advice.app_name, "Xopero ONE MS365 PRO");
    let text = detail(&app);
    assert!(text.contains("Narrower (for Xopero ONE MS365 PRO)"), "{text}");
    // Each alternative the model gives for the row is on the screen.
    let req = advice.requirement(row).unwrap();
    assert!(!req.alternatives.is_empty());
    assert!(text.contains("→ Mail.Read (Graph)"), "{text}");
    assert!(
        text.contains("gives up: writing, moving, deleting and restoring mail"),
        "{text}"
    );
    assert!(text.contains("Exchange Online RBAC for Applications"), "{text}");
    // The questions the row's document line raises, under "Ask the vendor".
    let questions = advice.questions_for_line(app.catalog.requirements[row].line);
    if questions.is_empty() {
        assert!(!text.contains("Ask the vendor"), "{text}");
    } else {
        assert!(text.contains("Ask the vendor"), "{text}");
        let first: String = questions[0].question.chars().take(40).collect();
        assert!(text.contains(&first), "{first:?} in {text}");
    }
}

#[test]
fn a_row_with_a_question_shows_it_with_its_reason() {
    // The first question of gitprotect's advice that names a document line:
    // the row of that line shows it, with the reason it is asked.
    let catalog = bundled();
    let p = catalog.product_index("gitprotect").unwrap();
    let mut advisor = Advisor::bundled();
    let mut found = None;
    for (a, app) in catalog.products[p].apps.iter().enumerate() {
        let advice = advisor.app(&catalog, p, a, &AdviceContext::from_app(app));
        for q in &advice.questions {
            if let Some(&line) = q.lines.first()
                && let Some(row) = (0..catalog.requirements.len()).find(|&i| {
                    let r = &catalog.requirements[i];
                    r.product == p && r.app == a && r.line == line
                })
            {
                found = Some((row, q.question.clone()));
                break;
            }
        }
        if found.is_some() {
            break;
        }
    }
    let (row, question) = found.expect("gitprotect's advice asks something about a row");
    let mut app = App::new(catalog);
    go_to(&mut app, row);
    let text = detail(&app);
    assert!(text.contains("Ask the vendor"), "{text}");
    let start: String = question.chars().take(40).collect();
    assert!(text.contains(&start), "{start:?} in {text}");
    assert!(text.contains("because:"), "{text}");
}

#[test]
fn large_data_asks_the_worker_once_per_app_and_shows_it_is_working() {
    let catalog = bundled();
    let first = row_of(&catalog, "gitprotect", "Xopero ONE MS365 PRO", "Mail.ReadWrite");
    let second = row_of(&catalog, "gitprotect", "Xopero ONE MS365 PRO", "Files.ReadWrite.All");
    let mut app = App::new(catalog).search_in_background(true);
    let asked: Vec<AppRef> = go_to(&mut app, first)
        .into_iter()
        .filter_map(|e| match e {
            Effect::Advise(a) => Some(a),
            _ => None,
        })
        .collect();
    let here = AppRef::of_row(&app.catalog, first);
    assert!(asked.contains(&here), "{asked:?}");
    assert_eq!(asked.iter().filter(|a| **a == here).count(), 1, "asked once: {asked:?}");
    assert!(app.advice_for(first).is_none() && app.advice_pending(first));
    assert!(
        detail(&app).contains("Working out narrower alternatives and questions for this app"),
        "the pane says the advice is coming"
    );
    // Another row of the same app asks nothing more.
    let again = go_to(&mut app, second);
    assert!(
        !again.iter().any(|e| matches!(e, Effect::Advise(a) if *a == here)),
        "{again:?}"
    );
    // The worker's answer arrives: the pane shows it.
    let mut advisor = app.advisor();
    let advice = permscope::tui::results::advise_app(&mut advisor, &app.catalog, here);
    app.advice_done(here, Arc::new(advice));
    assert!(!app.advice_pending(second));
    let text = detail(&app);
    assert!(text.contains("Narrower (for Xopero ONE MS365 PRO)"), "{text}");
    assert!(text.contains("→ Files.Read.All (Graph)"), "{text}");
}

#[test]
fn the_least_privilege_preset_copies_a_manifest_that_audits_back_as_what_it_removed() {
    let catalog = bundled();
    let p = catalog.product_index("nakivo").unwrap();
    let first = (0..catalog.requirements.len())
        .find(|&i| catalog.requirements[i].product == p)
        .unwrap();
    let mut app = App::new(catalog);
    go_to(&mut app, first);
    app.update(Action::PickPreset);
    let options = app.picker.as_ref().unwrap().options.clone();
    let last = options.len() - 1;
    assert!(options[last].starts_with("Least privilege for "), "{options:?}");
    for _ in 0..last {
        app.update(Action::MoveDown);
    }
    app.update(Action::PickerAccept);

    // The selection is the model's reduced set for the app.
    let here = AppRef::of_row(&app.catalog, first);
    let advice = app.advice_for(first).expect("advised").clone();
    let reduced: BTreeSet<PermissionKey> = advice.reduction.keys.iter().cloned().collect();
    let selected: BTreeSet<PermissionKey> = app.selection.iter().cloned().collect();
    assert_eq!(selected, reduced);
    assert_eq!(app.selection.apps(), BTreeSet::from([here]));
    // The status line says what was left out and why.
    let status = app.status.clone().unwrap();
    assert!(status.starts_with("Selected the least-privilege set of "), "{status}");
    assert!(status.contains(&advice.reduction.summary()), "{status}");
    let removed: BTreeSet<PermissionKey> = advice.reduction.removed().into_iter().cloned().collect();
    assert!(!removed.is_empty(), "nakivo's set narrows something");

    // Copied as a manifest, read back as a grants export, audited against the product.
    app.update(Action::PickFormat);
    let at = ExportFormat::ALL
        .iter()
        .position(|f| *f == ExportFormat::Manifest)
        .unwrap();
    let from = app.picker.as_ref().unwrap().cursor;
    for _ in from..at {
        app.update(Action::MoveDown);
    }
    let effects = app.update(Action::PickerAccept);
    let text = effects
        .iter()
        .find_map(|e| match e {
            Effect::Copy { text, .. } => Some(text.clone()),
            _ => None,
        })
        .expect("the manifest is copied");
    let read = read_export(&text, "reduced.json").expect("the manifest reads back");
    let resolved = grants::resolve(&app.catalog, &read.grants);
    let narrower = Advisor::of(&app.catalog).narrower(&app.catalog, p);
    let result = audit::audit_apps(&app.catalog, p, None, &resolved, &Holders::default(), &narrower);
    let key = |e: &audit::AuditEntry| PermissionKey {
        api: e.api.unwrap(),
        kind: e.kind,
        name: e.permission.clone().unwrap(),
    };
    let not_granted: BTreeSet<PermissionKey> = result.not_granted.iter().map(key).collect();
    assert_eq!(
        not_granted, removed,
        "documented but not granted = what the preset removed"
    );
    // Nothing undocumented: what the preset swapped in is listed as narrower
    // than the documented permission it stands in for.
    assert!(result.undocumented.is_empty(), "{:?}", result.undocumented);
    assert!(result.is_clean());
    let documented: BTreeSet<PermissionKey> = app
        .catalog
        .rows_of(p)
        .filter(|&i| !app.catalog.requirements[i].permission.is_empty())
        .map(|i| permscope::model::selection::key_of(&app.catalog, i))
        .collect();
    let added: BTreeSet<PermissionKey> = reduced.difference(&documented).cloned().collect();
    assert!(!added.is_empty(), "nakivo's reduction swaps something in");
    let narrower_keys: BTreeSet<PermissionKey> = result.narrower.iter().map(key).collect();
    assert_eq!(narrower_keys, added);
    for e in &result.narrower {
        let replaced: Vec<&str> = advice
            .reduction
            .changes
            .iter()
            .filter(|c| {
                c.replaced_by
                    .as_ref()
                    .is_some_and(|k| k.name == *e.permission.as_ref().unwrap())
            })
            .map(|c| c.removed.name.as_str())
            .collect();
        assert!(!replaced.is_empty(), "{e:?}");
        assert!(
            replaced
                .iter()
                .any(|r| e.notes[0].starts_with(&format!("narrower than the documented {r} (line "))),
            "{:?} for {replaced:?}",
            e.notes
        );
        assert!(!e.narrower_than.is_empty());
    }
    assert!(audit::summary(&result).contains(&format!("{} granted, narrower than documented", added.len())));
}

/// A reviewer's alternatives file (the global `--alternatives`, carried by the
/// catalog) is what the explorer's detail pane advises from.
#[test]
fn the_explorer_advises_from_the_reviewers_alternatives() {
    let mut catalog = bundled();
    catalog
        .layer_alternatives(
            r#"{"version": 1, "alternatives": [{"api": "Microsoft Graph", "type": "application", "permission": "Mail.ReadWrite",
                "instead": [{"permission": "Mail.ReadBasic.All", "gives_up": "message bodies and attachments",
                             "fits_when": "our review says the vendor only lists messages", "source": "ticket 42"}]}]}"#,
            "mine.json",
        )
        .unwrap();
    let row = row_of(&catalog, "gitprotect", "Xopero ONE MS365 PRO", "Mail.ReadWrite");
    let mut app = App::new(catalog);
    go_to(&mut app, row);
    let text = detail(&app);
    assert!(text.contains("Mail.ReadBasic.All"), "{text}");
    assert!(
        text.contains("our review says the vendor only lists messages"),
        "{text}"
    );
    // The bundled ones for that permission are replaced, as the file format says.
    let bundled_text = {
        let mut app = App::new(bundled());
        go_to(&mut app, row);
        detail(&app)
    };
    assert!(!bundled_text.contains("our review says"), "{bundled_text}");
}
