//! What a new user tripped over in the explorer (issue 21): the cursor after
//! a search, load problems, the compare view's bars, sentences and widths,
//! a long status line, and `--print` with stdout redirected.

mod common;

use permscope::model::catalog::Catalog;
use permscope::tui::action::Action;
use permscope::tui::app::App;
use permscope::tui::keymap::{Focus, Keymap};
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState, buffer_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn bundled() -> Catalog {
    Catalog::load(&[]).0
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

fn search(app: &mut App, text: &str) {
    app.update(Action::OpenFilter);
    for c in text.chars() {
        app.update(Action::InputChar(c));
    }
    app.update(Action::AcceptFilter);
}

fn product_under_cursor(app: &App) -> String {
    let row = app.current().unwrap().rows()[0];
    app.catalog.products[app.catalog.requirements[row].product].slug.clone()
}

/// Item 1: `/nakivo`, Enter puts the cursor on the best match, not on the
/// row it happened to sit on before; `u` and `P` then act on NAKIVO.
#[test]
fn a_search_puts_the_cursor_on_its_best_match() {
    let mut app = App::new(bundled());
    search(&mut app, "nakivo");
    assert_eq!(app.cursor, 0, "{} rows", app.entries.len());
    assert_eq!(product_under_cursor(&app), "nakivo");
    // Wherever the cursor was before the search.
    let mut app = App::new(bundled());
    for _ in 0..40 {
        app.update(Action::MoveDown);
    }
    search(&mut app, "nakivo");
    assert_eq!(product_under_cursor(&app), "nakivo");
    // Sorted by risk, the best match is still where the cursor goes.
    app.update(Action::CycleSort);
    app.update(Action::CycleSort);
    search(&mut app, " mail");
    let row = app.current().unwrap().rows()[0];
    let best = permscope::model::query::run(&app.catalog, &app.query, app.sort)
        .iter()
        .max_by_key(|h| (h.score, std::cmp::Reverse(h.row)))
        .map(|h| h.row);
    assert!(best.is_some());
    assert_eq!(
        app.catalog.requirements[row].permission,
        app.catalog.requirements[best.unwrap()].permission
    );
}

/// Item 1, the other half: a change that is not a new search (a filter, the
/// sort) keeps the cursor on the same requirement while it is shown.
#[test]
fn a_filter_keeps_the_cursor_on_the_same_requirement() {
    let mut app = App::new(bundled());
    search(&mut app, "mail");
    app.update(Action::MoveDown);
    app.update(Action::MoveDown);
    let row = app.current().unwrap().rows()[0];
    let kind = app.catalog.requirements[row].kind;
    // Cycle the type filter until it is this row's type.
    for _ in 0..2 {
        app.update(Action::CycleType);
        if app.query.kind == Some(kind) {
            break;
        }
    }
    assert_eq!(app.current().unwrap().rows()[0], row);
    app.update(Action::CycleSort);
    assert_eq!(app.current().unwrap().rows()[0], row);
}

/// Item 2: load problems are in the explorer: a status message that a
/// resize does not wipe, and `!` lists them all.
#[test]
fn load_problems_show_in_the_explorer_and_list_on_a_key() {
    let missing = std::path::PathBuf::from("/nonexistent/permscope-first-use");
    let empty = common::TempDir::new("empty-data");
    let (catalog, report) = Catalog::load(&[missing.clone(), empty.path().to_path_buf()]);
    let problems = permscope::commands::explore::load_problems(&report);
    assert_eq!(problems.len(), 2, "{problems:?}");
    let mut app = App::new(catalog).with_problems(problems);
    // The runtime sends the terminal's size before the first frame.
    app.update(Action::Resize(120, 30));
    let s = screen(&app, 120, 30);
    assert!(s.contains("2 problem(s) loading the data"), "{s}");
    // (The status may wrap onto a second line.)
    let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("press ! to list them"), "{s}");
    let keymap = Keymap::default();
    let bang = ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('!'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    );
    let action = keymap.action_for(&bang, app.focus()).expect("! is bound");
    app.update(action);
    assert_eq!(app.focus(), Focus::Problems);
    let s = screen(&app, 120, 30);
    assert!(s.contains("/nonexistent/permscope-first-use"), "{s}");
    assert!(s.contains("holds no product file"), "{s}");
    app.update(Action::Close);
    assert_eq!(app.focus(), Focus::Table);
    // Without problems, the key says so.
    let mut clean = App::new(bundled());
    clean.update(Action::ToggleProblems);
    assert_eq!(clean.focus(), Focus::Table);
    assert!(clean.status.as_deref().unwrap().contains("without problems"));
}

fn compare(app: &mut App, slugs: &[&str]) {
    app.update(Action::OpenCompare);
    let options = app.picker.as_ref().unwrap().options.clone();
    for (i, option) in options.iter().enumerate() {
        app.picker.as_mut().unwrap().cursor = i;
        let ticked = app.picker.as_ref().unwrap().ticked[i];
        if slugs.contains(&option.as_str()) != ticked {
            app.update(Action::PickerToggle);
        }
    }
    app.update(Action::PickerAccept);
    assert_eq!(app.focus(), Focus::Compare);
}

/// Item 3: the bars count what the matrix shows once a search is on, and
/// say how many there are in all.
#[test]
fn compare_bars_follow_the_search() {
    let mut app = App::new(bundled());
    search(&mut app, "mail");
    compare(&mut app, &["nakivo", "avepoint-cloud-backup-express"]);
    let view = app.compare.as_ref().unwrap();
    for (pos, shown) in view.shown.iter().enumerate() {
        let asked = view
            .cmp
            .rows
            .iter()
            .filter(|r| matches!(r.cells[pos], permscope::model::compare::Cell::Asks(_)))
            .count();
        assert_eq!(shown.distinct, asked, "{}", shown.product);
        assert!(shown.distinct < view.cmp.profiles[pos].distinct);
    }
    let s = screen(&app, 160, 50);
    let nakivo = &view.shown[0];
    assert!(
        s.contains(&format!("of {} distinct permissions", nakivo.distinct)),
        "{s}"
    );
    assert!(s.contains(&format!("{} in all", view.cmp.profiles[0].distinct)), "{s}");
}

/// Item 3: with four products, the sentences that do not fit are counted,
/// and product cells are not cut while the permission column has room.
#[test]
fn compare_of_four_products_says_what_does_not_fit() {
    let mut app = App::new(bundled());
    let four = [
        "nakivo",
        "gitprotect",
        "avepoint-cloud-backup-express",
        "avepoint-cloud-backup-azure",
    ];
    compare(&mut app, &four);
    let sentences = app.compare.as_ref().unwrap().cmp.sentences(&app.catalog).len();
    assert_eq!(sentences, 12);
    // The cursor on a row where a product holds the permission through another's.
    let view = app.compare.as_ref().unwrap();
    let target = view
        .visible
        .iter()
        .position(|&i| {
            view.cmp.rows[i]
                .cells
                .iter()
                .any(|c| matches!(c, permscope::model::compare::Cell::SameData { .. }))
        })
        .expect("a same-data cell among the four");
    for _ in 0..target {
        app.update(Action::MoveDown);
    }
    let s = screen(&app, 140, 40);
    assert!(s.contains("= "), "{s}");
    // (The effective-power block above has sentences of its own.)
    let shown = s
        .lines()
        .filter(|l| l.starts_with("│• ") && l.contains(" asks for "))
        .count();
    assert!(shown < 12, "{s}");
    assert!(s.contains(&format!("… and {} more", 12 - shown)), "{s}");
    // Every product cell in full: none cut with "…" at 140 columns.
    let matrix: Vec<&str> = s
        .lines()
        .skip_while(|l| !l.contains("RISK"))
        .take_while(|l| !l.contains("Detail"))
        .collect();
    assert!(matrix.len() > 5, "{s}");
    for line in &matrix {
        for cell in ["= ", "⊂ "] {
            if let Some(at) = line.find(cell) {
                let rest = &line[at..];
                let word = rest.split("  ").next().unwrap_or("");
                assert!(!word.contains('…'), "cut product cell {word:?} in {line:?}\n{s}");
            }
        }
    }
}

/// Item 4: a long status line (what a copy did, in tmux) is shown whole.
#[test]
fn a_long_status_message_is_shown_whole() {
    let mut app = App::new(bundled());
    let message = "Sent 12 permissions to the terminal clipboard (OSC 52 through tmux) — tmux needs set-clipboard on or allow-passthrough on, and your terminal must allow it · 1 warning(s): something was left out";
    app.update(Action::ShowStatus(message.into()));
    let s = screen(&app, 140, 30);
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("and your terminal must allow it"), "{s}");
    assert!(flat.contains("something was left out"), "{s}");
    // The hints are still there.
    assert!(s.contains("?  help") && s.contains("q  quit"), "{s}");
}

/// The real binary in tmux, typed at like a user.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(tag: &str, cmd: &str) -> Option<Tmux> {
        if std::process::Command::new("tmux").arg("-V").output().is_err() {
            common::skip(format_args!(
                "tmux is not installed; this end-to-end test needs it (apt-get install tmux)"
            ));
            return None;
        }
        let t = Tmux {
            socket: format!("permscope-first-use-{tag}-{}", std::process::id()),
        };
        let shell = format!(
            "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=xterm-256color XDG_DATA_HOME=/nonexistent sh -c '{cmd}; printf \"\\nBACK$ \"; sleep 30'"
        );
        let ok = t
            .cmd(&["new-session", "-d", "-s", "e2e", "-x", "140", "-y", "36", &shell])
            .status
            .success();
        assert!(ok, "tmux new-session failed");
        Some(t)
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = std::time::Instant::now();
        loop {
            let s = String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > std::time::Duration::from_secs(20) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// Item 2, as the user met it: `--data ./nonexist` is said in the explorer.
#[test]
fn a_missing_data_folder_is_said_in_the_running_explorer() {
    let cmd = format!("{} --data /nonexistent/first-use", env!("CARGO_BIN_EXE_permscope"));
    let Some(t) = Tmux::start("data", &cmd) else { return };
    let s = t.wait("the explorer", |s| s.contains("of 130 rows") && s.contains("Detail"));
    assert!(s.contains("1 problem(s) loading the data"), "{s}");
    t.keys(&["!"]);
    t.wait("the list of problems", |s| {
        s.contains("Problems —") && s.contains("/nonexistent/first-use")
    });
    t.keys(&["Escape"]);
    t.wait("the list closed", |s| !s.contains("Problems —"));
    t.keys(&["q"]);
    t.wait("the shell back", |s| s.contains("BACK$"));
}

/// Item 5: `permscope --print > file` draws on the terminal and leaves the
/// copied text, and only that, in the file.
#[test]
fn print_with_stdout_redirected_draws_on_the_terminal() {
    let dir = common::TempDir::new("print");
    let file = dir.path().join("copied.txt");
    let cmd = format!(
        "{} --print --clipboard osc52 > {}",
        env!("CARGO_BIN_EXE_permscope"),
        file.display()
    );
    let Some(t) = Tmux::start("print", &cmd) else { return };
    t.wait("the explorer", |s| s.contains("of 130 rows") && s.contains("Detail"));
    t.keys(&["/"]);
    t.cmd(&["send-keys", "-t", "e2e", "-l", "mailrw"]);
    t.keys(&["Enter"]);
    t.wait("the search", |s| s.contains("search=\"mailrw\""));
    t.keys(&["Space"]);
    t.keys(&["y"]);
    t.wait("the copy", |s| s.contains("OSC 52"));
    t.keys(&["q"]);
    t.wait("the shell back", |s| s.contains("BACK$"));
    let copied = std::fs::read_to_string(&file).unwrap();
    assert_eq!(copied.trim(), "Mail.ReadWrite", "{copied:?}");
}
