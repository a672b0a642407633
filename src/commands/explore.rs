//! `permscope` without a command: the explorer, started once the data has
//! loaded (with a notice while a large folder loads).

use crate::commands::context::{ColorChoice, Global, load_catalog, read_grants, warn_load_errors};
use crate::model::catalog::LoadReport;
use crate::tui::screen::Screen;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// A line on the terminal while the explorer's data loads, shown only when
/// loading takes longer than a moment, and wiped before the explorer starts.
pub struct LoadingNotice {
    done: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the notice says.
pub const LOADING: &str = "permscope: loading product files…";

impl LoadingNotice {
    /// Starts waiting; after `delay` the notice is written to `out()`, cut to
    /// `width` columns so that it stays on one line (and one wipe clears it).
    pub fn start<W: Write + 'static>(delay: std::time::Duration, width: usize, out: fn() -> W) -> LoadingNotice {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if wait.recv_timeout(delay) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            let notice = crate::model::text::truncate(LOADING, width.saturating_sub(1));
            let _ = write!(out(), "{notice}");
            let _ = out().flush();
            // Done (or dropped): wipe the line so nothing is left behind.
            let _ = wait.recv();
            let _ = write!(out(), "\r\x1b[2K");
            let _ = out().flush();
        });
        LoadingNotice {
            done: Some(done),
            thread: Some(thread),
        }
    }
}

impl Drop for LoadingNotice {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Options of the explorer (`permscope` without a command).
#[derive(Debug, Args, Clone, Default)]
pub struct ExplorerArgs {
    /// Where the explorer's copies go: auto (system clipboard, or OSC 52 over
    /// SSH / without a display), system, or osc52 (through the terminal).
    #[arg(long, value_enum, value_name = "BACKEND")]
    pub clipboard: Option<crate::clipboard::ClipboardChoice>,
    /// When the explorer exits, print the last copied text to stdout. stdout
    /// may then be a file or a pipe: the explorer draws on the terminal.
    #[arg(long)]
    pub print: bool,
    /// Grants exports (app role assignments, oauth2PermissionGrants, a manifest) to audit
    /// in the explorer: press `u` on a product's row. Repeatable. (`audit` has its own --grants.)
    #[arg(long = "grants", value_name = "FILE")]
    pub grants: Vec<PathBuf>,
}

impl ExplorerArgs {
    /// Why these options cannot go with `command` (they would do nothing there).
    pub fn misplaced(&self, command: &str) -> Option<String> {
        let mut given = Vec::new();
        if self.print {
            given.push("--print");
        }
        if self.clipboard.is_some() {
            given.push("--clipboard");
        }
        if !self.grants.is_empty() {
            given.push("--grants");
        }
        if given.is_empty() {
            return None;
        }
        let mut message = format!(
            "{} {} the explorer's (permscope without a command), not `{command}`'s",
            given.join(" and "),
            if given.len() == 1 { "is" } else { "are" }
        );
        if !self.grants.is_empty() && command == "audit" {
            message.push_str("; give --grants after the command: permscope audit --grants FILE ...");
        }
        Some(message)
    }
}

/// The explorer needs a terminal: what to say when there is none.
const NEEDS_A_TERMINAL: &str = "permscope: the explorer needs a terminal. From scripts use the commands instead, e.g.\n  \
     permscope list --format plain\n  permscope list --api graph --type application --format json\n  \
     permscope show Mail.ReadWrite\n  permscope vendors\n\
     (With --print, stdout may be a file or a pipe: the explorer draws on the terminal and prints the last copy.)\n\
     See permscope --help.";

/// `permscope` without a command: the explorer, when stdin is a terminal and
/// stdout is too (or, with `--print`, the terminal can be opened to draw on).
pub fn explore(global: &Global, explorer: &ExplorerArgs) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    let screen = if !std::io::stdin().is_terminal() {
        None
    } else if std::io::stdout().is_terminal() {
        Some(Screen::Stdout)
    } else if explorer.print && Screen::Tty.open().is_ok() {
        // `permscope --print > file`: the screen is the terminal, the file gets the copy.
        Some(Screen::Tty)
    } else {
        None
    };
    let Some(screen) = screen else {
        eprintln!("{NEEDS_A_TERMINAL}");
        return Ok(ExitCode::from(2));
    };
    // Large folders take a moment: say so, unless loading is quick.
    let notice = std::io::stderr().is_terminal().then(|| {
        let width = ratatui::crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
        LoadingNotice::start(std::time::Duration::from_millis(150), width, std::io::stderr)
    });
    let loaded = load_catalog(global);
    drop(notice);
    let (catalog, report) = loaded?;
    // Printed before the alternate screen, so they are on the terminal after
    // exit; the explorer shows them too (`!`).
    warn_load_errors(&report);
    let mono = match global.color {
        ColorChoice::Never => true,
        ColorChoice::Always => false,
        ColorChoice::Auto => !crate::commands::colour::no_color_unset(),
    };
    let set = read_grants(&catalog, &explorer.grants)?;
    let app = crate::tui::app::App::new(catalog)
        .with_grants(set.grants)
        .with_holders(set.holders)
        .with_problems(load_problems(&report));
    let theme = if mono {
        crate::tui::theme::Theme::mono()
    } else {
        crate::tui::theme::Theme::colour()
    };
    let clipboard =
        crate::clipboard::Clipboard::new(explorer.clipboard.unwrap_or_default(), crate::clipboard::Env::current());
    let last = crate::tui::run(app, theme, clipboard, screen)?;
    // The escape hatch: the terminal is restored, so this reaches the shell
    // (or the file stdout was sent to).
    if explorer.print
        && let Some(text) = last
    {
        std::io::stdout().write_all(text.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Every load problem, one sentence each, as the explorer lists them.
pub fn load_problems(report: &LoadReport) -> Vec<String> {
    report
        .errors
        .iter()
        .map(|e| format!("{e} (file skipped)"))
        .chain(
            report
                .empty_folders
                .iter()
                .map(|d| format!("{}: holds no product file (*.json)", d.display())),
        )
        .collect()
}
