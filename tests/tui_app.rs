//! Headless explorer tests: actions into `App::update`, state and effects out,
//! and screens drawn into ratatui's `TestBackend`.

use permscope::model::catalog::Catalog;
use permscope::model::permission::PermissionKind;
use permscope::model::product::Origin;
use permscope::tui::action::{Action, Effect};
use permscope::tui::app::{App, Entry};
use permscope::tui::keymap::{Focus, Keymap};
use permscope::tui::results::FilterRequest;
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState, buffer_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

const FIXTURE: &str = r#"{
  "slug": "fixture-a",
  "vendor": "Vendor A",
  "product": "Product A",
  "source": { "title": "A's permissions", "file": "a.txt", "version": "1.0", "date": "1 May 2024" },
  "apps": [{
    "name": "A Backup",
    "requirements": [
      { "line": 3, "api": "Microsoft Graph", "permission": "Mail.Read", "type": "application", "description": "Read mail in all mailboxes",
        "workloads": [{ "workload": "Exchange Online", "phases": ["Discovery", "Backup"] }] },
      { "line": 4, "api": "Microsoft Graph", "permission": "Mail.ReadWrite", "type": "application", "description": "Read and write mail in all mailboxes",
        "workloads": [{ "workload": "Exchange Online", "phases": ["Recovery"] }] },
      { "line": 5, "api": "Microsoft Graph", "permission": "User.Read", "type": "delegated", "description": "Sign in and read user profile" },
      { "line": 6, "api": "SharePoint", "permission": "Sites.FullControl.All", "type": "application", "description": "Have full control of all site collections",
        "notes": ["Only with certificate authentication."] }
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
      { "line": 10, "api": "Graph", "permission": "Mail.ReadWrite", "type": "application", "purpose": "Restore mail." },
      { "line": 11, "api": "Graph", "permission": "RoleManagement.ReadWrite.Directory", "type": "application" }
    ]
  }]
}"#;

fn fixture() -> Catalog {
    let mut c = Catalog::empty();
    c.add_product_text(FIXTURE, Origin::Bundled("fixture-a.json")).unwrap();
    c.add_product_text(FIXTURE_B, Origin::Bundled("fixture-b.json"))
        .unwrap();
    c
}

fn app() -> App {
    App::new(fixture())
}

fn permission_under_cursor(app: &App) -> String {
    let row = app.current().unwrap().rows()[0];
    app.catalog.requirements[row].permission.clone()
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::InputChar(c));
    }
}

#[test]
fn starts_with_every_row_and_no_filters() {
    let app = app();
    assert_eq!(app.entries.len(), 6);
    assert_eq!(app.hidden(), 0);
    assert_eq!(app.focus(), Focus::Table);
    assert!(app.filter_summary().is_empty());
}

#[test]
fn moving_is_clamped_and_pages() {
    let mut app = app();
    app.update(Action::MoveUp);
    assert_eq!(app.cursor, 0);
    app.update(Action::MoveBottom);
    assert_eq!(app.cursor, 5);
    app.update(Action::MoveDown);
    assert_eq!(app.cursor, 5);
    app.update(Action::MoveTop);
    assert_eq!(app.cursor, 0);
    app.update(Action::Resize(80, 24));
    app.update(Action::PageDown);
    assert_eq!(app.cursor, 5, "a page of 6 moves to the end");
}

#[test]
fn filter_input_narrows_keeps_and_cancels() {
    let mut app = app();
    app.update(Action::OpenFilter);
    assert_eq!(app.focus(), Focus::Input);
    type_text(&mut app, "mailrw");
    assert_eq!(app.entries.len(), 2, "Mail.ReadWrite in both products");
    assert_eq!(permission_under_cursor(&app), "Mail.ReadWrite");
    app.update(Action::AcceptFilter);
    assert_eq!(app.focus(), Focus::Table);
    assert_eq!(app.query.text, "mailrw");
    // Esc restores what the search was before it was opened.
    app.update(Action::OpenFilter);
    type_text(&mut app, "zzz");
    assert!(app.entries.is_empty());
    app.update(Action::CancelFilter);
    assert_eq!(app.query.text, "mailrw");
    assert_eq!(app.entries.len(), 2);
}

#[test]
fn facets_cycle_and_clear_in_one_key() {
    let mut app = app();
    app.update(Action::CycleType);
    assert_eq!(app.query.kind, Some(PermissionKind::Application));
    assert_eq!(app.entries.len(), 5);
    app.update(Action::CycleType);
    assert_eq!(app.entries.len(), 1);
    app.update(Action::CyclePhase);
    assert!(app.entries.is_empty(), "User.Read has no phase");
    assert_eq!(app.hidden(), 6);
    app.update(Action::ClearFilters);
    assert_eq!(app.entries.len(), 6);
    assert!(app.query.is_empty());
}

#[test]
fn picker_ticks_products() {
    let mut app = app();
    app.update(Action::PickProducts);
    assert_eq!(app.focus(), Focus::Picker);
    app.update(Action::MoveDown);
    app.update(Action::PickerToggle);
    app.update(Action::PickerAccept);
    assert_eq!(app.focus(), Focus::Table);
    assert_eq!(app.entries.len(), 2);
    assert_eq!(app.filter_summary(), vec!["product=fixture-b".to_string()]);
    // Esc closes a picker without applying it.
    app.update(Action::PickProducts);
    app.update(Action::PickerToggle);
    app.update(Action::Close);
    assert_eq!(app.entries.len(), 2);
}

#[test]
fn grouping_merges_rows_of_one_permission() {
    let mut app = app();
    app.update(Action::ToggleGrouping);
    assert_eq!(app.entries.len(), 5);
    let mail_rw = app
        .entries
        .iter()
        .find_map(|e| match e {
            Entry::Group(g) if g.permission == "Mail.ReadWrite" => Some(g.rows.len()),
            _ => None,
        })
        .unwrap();
    assert_eq!(mail_rw, 2);
}

#[test]
fn esc_never_quits_and_q_does() {
    let mut app = app();
    assert!(app.update(Action::Close).is_empty());
    app.update(Action::ToggleHelp);
    assert_eq!(app.focus(), Focus::Help);
    assert!(app.update(Action::Close).is_empty());
    assert_eq!(app.focus(), Focus::Table);
    assert_eq!(app.update(Action::Quit), vec![Effect::Quit]);
}

#[test]
fn keymap_derives_focus_and_ignores_releases() {
    let km = Keymap::default();
    let press = |c: KeyCode, m: KeyModifiers| KeyEvent::new(c, m);
    assert_eq!(
        km.action_for(&press(KeyCode::Char('q'), KeyModifiers::NONE), Focus::Table),
        Some(Action::Quit)
    );
    // In the search, letters are text.
    assert_eq!(
        km.action_for(&press(KeyCode::Char('q'), KeyModifiers::NONE), Focus::Input),
        Some(Action::InputChar('q'))
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Char('c'), KeyModifiers::CONTROL), Focus::Input),
        Some(Action::Quit)
    );
    assert_eq!(
        km.action_for(&press(KeyCode::Esc, KeyModifiers::NONE), Focus::Table),
        None
    );
    // Shift is normalised: Shift+g is G.
    assert_eq!(
        km.action_for(&press(KeyCode::Char('g'), KeyModifiers::SHIFT), Focus::Table),
        Some(Action::MoveBottom)
    );
    let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert_eq!(km.action_for(&release, Focus::Table), None);
}

fn screen(app: &App, theme: Theme, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let keymap = Keymap::default();
    let mut view_state = ViewState::default();
    terminal
        .draw(|f| view::render(f, app, &keymap, &theme, &mut view_state))
        .unwrap();
    buffer_text(terminal.backend().buffer()).join("\n")
}

#[test]
fn initial_screen_shows_rows_detail_and_hints() {
    let s = screen(&app(), Theme::colour(), 100, 44);
    assert!(s.contains("permscope 6 of 6 rows · no filters"), "{s}");
    assert!(s.contains("▶ "), "selection marker");
    assert!(s.contains("Mail.Read") && s.contains("fixture-a"));
    // Detail of the first row: GUID from the catalog, source line, workloads.
    assert!(s.contains("810c84a8-4a9e-49e6-bf7d-12d183f40d01"), "{s}");
    assert!(s.contains("a.txt line 3"), "{s}");
    assert!(s.contains("Exchange Online — Discovery, Backup"));
    assert!(s.contains("q  quit") && s.contains("?  help"));
}

#[test]
fn filtered_screen_says_what_is_hidden() {
    let mut a = app();
    a.update(Action::OpenFilter);
    type_text(&mut a, "mailrw");
    let s = screen(&a, Theme::colour(), 100, 30);
    assert!(s.contains("2 of 6 rows · 4 hidden"), "{s}");
    assert!(s.contains("/mailrw"));
}

#[test]
fn empty_result_explains_how_to_get_rows_back() {
    let mut a = app();
    a.update(Action::OpenFilter);
    type_text(&mut a, "qqqq");
    let s = screen(&a, Theme::mono(), 100, 30);
    assert!(s.contains("No rows match. 6 rows are hidden"), "{s}");
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut a = app();
    a.update(Action::ToggleHelp);
    let s = screen(&a, Theme::mono(), 130, 90);
    for b in Keymap::default().bindings {
        assert!(s.contains(b.desc), "help lacks {:?}\n{s}", b.desc);
    }
}

#[test]
fn tiny_terminal_gets_a_message() {
    let s = screen(&app(), Theme::colour(), 40, 10);
    assert!(s.contains("Terminal too small"));
}

#[test]
fn derived_workloads_are_marked() {
    let s = screen(&app(), Theme::mono(), 160, 30);
    // User.Read has no documented workload: derived, marked with *.
    assert!(s.contains("Sign-in*"), "{s}");
}

#[test]
fn background_filtering_takes_only_the_latest_result() {
    let mut app = app().search_in_background(true);
    app.update(Action::OpenFilter);
    let first = app.update(Action::InputChar('m'));
    let second = app.update(Action::InputChar('a'));
    let (Some(Effect::Filter(r1)), Some(Effect::Filter(r2))) = (first.into_iter().next(), second.into_iter().next())
    else {
        panic!("typing asks the runtime to filter");
    };
    assert!(app.filtering());
    assert_eq!(r1.within, None, "the first search scans everything");
    // The older result arrives after the newer request: it is dropped.
    let old = r1.run(&app.catalog, &|| false).unwrap();
    let _ = app.filter_done(old);
    assert!(app.filtering() && app.entries.len() == 6, "stale result ignored");
    let new = r2.run(&app.catalog, &|| false).unwrap();
    let _ = app.filter_done(new);
    assert!(!app.filtering());
    assert_eq!(app.query.text, "ma");
    // Extending the query narrows the previous results instead of rescanning.
    let third = app.update(Action::InputChar('i'));
    let Some(Effect::Filter(FilterRequest {
        within: Some(within), ..
    })) = third.into_iter().next()
    else {
        panic!("narrowing request expected");
    };
    // The shown result itself goes to the worker, not a copy made on the UI thread.
    assert!(std::sync::Arc::ptr_eq(&within, app.hits()));
}

#[test]
fn narrowing_gives_the_same_rows_as_a_full_scan() {
    use permscope::model::query::{self, Query, Sort};
    let c = Catalog::load(&[]).0;
    for (a, b) in [
        ("m", "ma"),
        ("ma", "mai"),
        ("mai", "mail r"),
        ("re", "reA"),
        ("s", "sites n"),
    ] {
        let pa = Query {
            text: a.into(),
            ..Default::default()
        };
        let pb = Query {
            text: b.into(),
            ..Default::default()
        };
        assert!(query::narrows(&pa, &pb));
        let mut prev: Vec<usize> = query::run(&c, &pa, Sort::Relevance).iter().map(|h| h.row).collect();
        prev.sort_unstable();
        assert_eq!(
            query::run_over(&c, &pb, Sort::Relevance, Some(&prev)),
            query::run(&c, &pb, Sort::Relevance),
            "{a} -> {b}"
        );
    }
    let q = Query {
        text: "mail".into(),
        ..Default::default()
    };
    assert!(!query::narrows(
        &q,
        &Query {
            text: "mai".into(),
            ..Default::default()
        }
    ));
    assert!(!query::narrows(
        &q,
        &Query {
            text: "mailx".into(),
            kind: Some(PermissionKind::Delegated),
            ..Default::default()
        }
    ));
}

#[test]
fn audit_screen_flags_undocumented_grants() {
    let catalog = Catalog::load(&[]).0;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/grants/nakivo-approleassignments.rest.json");
    let export = permscope::model::read::grants::read_export_file(&path).unwrap();
    let grants = permscope::model::grants::resolve(&catalog, &export.grants);
    let mut app = App::new(catalog.clone());
    app.update(Action::OpenAudit);
    assert!(
        app.audit.is_none() && app.status.as_deref().unwrap().contains("--grants"),
        "no grants: says how"
    );
    let mut app = App::new(catalog).with_grants(grants);
    // Only NAKIVO's rows, chosen in the product picker.
    let nakivo = app.catalog.product_index("nakivo").unwrap();
    app.update(Action::PickProducts);
    for _ in 0..nakivo {
        app.update(Action::MoveDown);
    }
    app.update(Action::PickerToggle);
    app.update(Action::PickerAccept);
    assert_eq!(app.query.products, vec![nakivo]);
    app.update(Action::OpenAudit);
    assert_eq!(app.focus(), Focus::Audit);
    let s = screen(&app, Theme::mono(), 130, 40);
    assert!(s.contains("Audit: NAKIVO Backup & Replication (nakivo)"), "{s}");
    assert!(s.contains("! CRIT Directory.ReadWrite.All"), "{s}");
    assert!(s.contains("unknown GUID 6c5b2a3e-9f41-4d8a-b7e2-1f0c9d4e8a75"));
    app.update(Action::Close);
    assert_eq!(app.focus(), Focus::Table);
}

#[test]
fn backspace_reuses_a_recent_result_at_once() {
    let mut app = app().search_in_background(true);
    app.update(Action::OpenFilter);
    for c in ['m', 'a'] {
        for e in app.update(Action::InputChar(c)) {
            if let Effect::Filter(request) = e {
                let result = request.run(&app.catalog, &|| false).unwrap();
                let _ = app.filter_done(result);
            }
        }
    }
    let ma = app.entries.clone();
    app.update(Action::InputChar('x'));
    assert!(app.filtering());
    let effects = app.update(Action::InputBackspace);
    assert!(effects.is_empty(), "no worker round trip: {effects:?}");
    assert!(!app.filtering());
    assert_eq!(app.entries, ma);
}

/// With large data, grouping (m) is done on the worker too: the UI thread
/// only sends the shown hits and takes the groups back. Ungrouping is immediate.
#[test]
fn background_grouping_runs_on_the_worker() {
    let mut sync = app();
    sync.update(Action::ToggleGrouping);
    let want = sync.entries.clone();
    assert!(sync.shows_groups());

    let mut app = app().search_in_background(true);
    let rows_before = app.entries.clone();
    let effects = app.update(Action::ToggleGrouping);
    let Some(Effect::Filter(request)) = effects.into_iter().next() else {
        panic!("grouping asks the worker");
    };
    assert!(request.group && request.known.is_some(), "{request:?}");
    assert!(app.grouped && app.filtering());
    assert!(!app.shows_groups(), "rows are shown until the groups arrive");
    assert_eq!(app.entries, rows_before);
    let result = request.run(&app.catalog, &|| false).unwrap();
    let _ = app.filter_done(result);
    assert!(app.shows_groups() && !app.filtering());
    assert_eq!(app.entries, want);

    let effects = app.update(Action::ToggleGrouping);
    assert!(effects.is_empty(), "ungrouping needs no worker: {effects:?}");
    assert!(!app.shows_groups());
    assert_eq!(app.entries, rows_before);
}

// ---------------------------------------------------------------- the event loop, headless

mod event_loop {
    use super::*;
    use permscope::tui::app::MAX_SEARCH_CHARS;
    use permscope::tui::runtime::{Exit, Message, Outcome, World, event_loop};
    use ratatui::crossterm::event::Event;
    use std::sync::mpsc::{self, Sender};

    /// The world of a test: searches run at once and answer on the loop's
    /// channel (then the channel closes, so the loop ends when it is idle).
    struct Fake {
        tx: Option<Sender<Message>>,
        catalog: std::sync::Arc<Catalog>,
        searches: usize,
        suspends: usize,
        advised: Vec<permscope::model::query::AppRef>,
    }

    impl World<TestBackend> for Fake {
        fn filter(&mut self, request: FilterRequest) {
            self.searches += 1;
            if let Some(tx) = self.tx.take()
                && let Some(result) = request.run(&self.catalog, &|| false)
            {
                let _ = tx.send(Message::Filtered(result));
            }
        }
        fn advise(&mut self, which: permscope::model::query::AppRef) {
            self.advised.push(which);
        }
        fn copy(&mut self, _: &mut Terminal<TestBackend>, _: &str, count: usize) -> anyhow::Result<String> {
            Ok(format!("Copied {count}"))
        }
        fn suspend(&mut self, _: &mut Terminal<TestBackend>) -> anyhow::Result<()> {
            self.suspends += 1;
            Ok(())
        }
    }

    fn key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn ctrl(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    /// Runs the real loop on `messages` (all waiting before it starts) until
    /// the channel closes; `background` searches on the (fake) worker.
    fn run(background: bool, messages: Vec<Message>) -> (App, Outcome, Fake) {
        let mut app = app().search_in_background(background);
        let (tx, rx) = mpsc::channel();
        for m in messages {
            tx.send(m).unwrap();
        }
        let mut fake = Fake {
            tx: background.then(|| tx.clone()),
            catalog: std::sync::Arc::clone(&app.catalog),
            searches: 0,
            suspends: 0,
            advised: Vec::new(),
        };
        drop(tx);
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        let outcome = event_loop(
            &mut terminal,
            &mut app,
            &Keymap::default(),
            &Theme::mono(),
            &mut ViewState::default(),
            &rx,
            &mut fake,
        )
        .unwrap();
        (app, outcome, fake)
    }

    /// 300 KB of typing, as a terminal without bracketed paste sends a paste.
    fn typed(n: usize) -> Vec<Event> {
        "mail read write all ".chars().cycle().take(n).map(key).collect()
    }

    #[test]
    fn a_burst_of_typing_costs_one_search_and_one_redraw() {
        for background in [false, true] {
            let mut events = vec![key('/')];
            events.extend(typed(300_000));
            let (app, outcome, fake) = run(background, vec![Message::Events(events)]);
            assert_eq!(outcome.exit, Exit::Closed);
            // The first frame, then one for the whole burst (and one for the
            // worker's answer when searching in the background).
            assert_eq!(outcome.frames, 2 + usize::from(background), "background: {background}");
            assert_eq!(fake.searches, usize::from(background));
            assert_eq!(app.query.text.chars().count(), MAX_SEARCH_CHARS);
            assert!(app.query.text.starts_with("mail read write all mail"));
            let status = app.status.clone().unwrap_or_default();
            assert!(
                status.contains("at most 200 characters") && status.contains("299800 more were left out"),
                "{status}"
            );
            assert!(!app.filtering(), "the search answered");
        }
    }

    /// A multi-line paste from a terminal without bracketed paste: its line
    /// breaks stay text, so a `q` on its second line does not quit; Enter
    /// typed on its own still keeps the search and returns to the table.
    #[test]
    fn a_line_break_inside_a_pasted_burst_is_text_not_enter() {
        let enter = Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        let mut burst = vec![key('/')];
        burst.extend("mail\nq read\r".chars().map(|c| match c {
            '\n' | '\r' => enter.clone(),
            c => key(c),
        }));
        let (app, outcome, _) = run(false, vec![Message::Events(burst)]);
        assert_eq!(outcome.exit, Exit::Closed, "the paste did not quit");
        assert_eq!(app.query.text, "mail q read");
        // The last line break has nothing after it in the burst: Enter.
        assert_ne!(app.focus(), Focus::Input);
    }

    /// The reader hands a long paste over in parts (65,536 keys at most):
    /// the status counts what was left out of the whole paste.
    #[test]
    fn a_paste_read_in_parts_is_counted_whole() {
        let mut keys = typed(300_000).into_iter();
        let mut messages = vec![Message::Events(vec![key('/')])];
        loop {
            let part: Vec<Event> = keys.by_ref().take(65_536).collect();
            if part.is_empty() {
                break;
            }
            messages.push(Message::Events(part));
        }
        assert!(messages.len() > 4);
        let (app, _, _) = run(false, messages);
        let status = app.status.clone().unwrap_or_default();
        assert!(status.contains("299800 more were left out"), "{status}");
    }

    #[test]
    fn a_bracketed_paste_is_one_event_and_its_lines_become_spaces() {
        let paste = "Mail.Read\r\nUser.Read\tall\n".repeat(20_000);
        let (app, outcome, _) = run(false, vec![Message::Events(vec![key('/'), Event::Paste(paste)])]);
        assert_eq!(outcome.frames, 2);
        assert_eq!(app.query.text.chars().count(), MAX_SEARCH_CHARS);
        assert!(
            app.query.text.starts_with("Mail.Read  User.Read all Mail.Read"),
            "{:?}",
            app.query.text
        );
        assert!(app.status.as_deref().unwrap_or("").contains("at most 200"));
        // Still typing in the search: the paste's line breaks pressed nothing.
        assert_eq!(app.focus(), Focus::Input);
        // A paste outside the search is not taken as keys either.
        let (app, _, _) = run(false, vec![Message::Events(vec![Event::Paste("q".into())])]);
        assert_eq!(app.focus(), Focus::Table);
        assert!(app.status.as_deref().unwrap_or("").contains("press / first"));
    }

    #[test]
    fn ctrl_c_in_a_burst_quits_at_once() {
        let mut events = vec![key('/')];
        events.extend(typed(100_000));
        events.push(ctrl('c'));
        events.extend(typed(100_000));
        let (app, outcome, _) = run(false, vec![Message::Events(events)]);
        assert_eq!(outcome.exit, Exit::Quit);
        assert_eq!(outcome.frames, 1, "quit before drawing the burst");
        assert_eq!(app.query.text.chars().count(), MAX_SEARCH_CHARS);
    }

    #[test]
    fn a_signal_ends_the_loop_before_the_keys_waiting_with_it() {
        let mut events = vec![key('/')];
        events.extend(typed(100_000));
        let (app, outcome, _) = run(false, vec![Message::Events(events), Message::Signal(15)]);
        assert_eq!(outcome.exit, Exit::Signal(15));
        assert!(app.query.text.is_empty(), "the keys behind the signal were not applied");
    }

    #[test]
    fn keys_after_ctrl_z_are_applied_after_fg() {
        let events = vec![ctrl('z'), key('j'), key('j')];
        let (app, outcome, fake) = run(false, vec![Message::Events(events)]);
        assert_eq!(fake.suspends, 1);
        assert_eq!(app.cursor, 2);
        assert_eq!(outcome.frames, 3, "a frame before, one after fg, one for the keys");
    }
}

/// The detail pane names the first API operations a Graph permission grants,
/// after their count; `o` lists them all.
#[test]
fn the_detail_pane_names_the_first_operations_and_o_lists_them_all() {
    let mut a = app();
    // (The pane wraps: read its words.)
    let words = |s: &str| s.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let s = words(&screen(&a, Theme::mono(), 120, 80));
    let at = s.find("API operations: grants").unwrap_or_else(|| panic!("{s}"));
    let line = &s[at..];
    let first = line.find("; ").expect("the first operations after the count");
    assert!(line[..first].contains("least privileged for"), "{line}");
    assert!(
        ["GET /", "POST /", "PATCH /", "PUT /", "DELETE /"]
            .iter()
            .any(|m| line[first + 2..].starts_with(m)),
        "{line}"
    );
    assert!(line.contains("more (o lists them all)"), "{line}");
    a.update(Action::ToggleOperations);
    let s = screen(&a, Theme::mono(), 120, 200);
    assert!(!words(&s).contains("(o lists them all)"), "{s}");
    let listed = s
        .lines()
        .filter(|l| ["│   GET /", "│   POST /", "│   PATCH /"].iter().any(|m| l.contains(m)))
        .count();
    assert!(listed > 3, "{s}");
}
