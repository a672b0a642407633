//! `permscope` without a command: the explorer, started once the data has
//! loaded (with a notice while a large folder loads).

use crate::commands::context::{ColorChoice, Global, load_catalog, read_grants, warn_load_errors};
use std::io::Write;
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

/// `permscope` without a command: the explorer, when stdin and stdout are a terminal.
pub fn explore(global: &Global) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "permscope: the explorer needs a terminal. From scripts use the commands instead, e.g.\n  \
             permscope list --format plain\n  permscope list --api graph --type application --format json\n  \
             permscope show Mail.ReadWrite\n  permscope vendors\nSee permscope --help."
        );
        return Ok(ExitCode::from(2));
    }
    // Large folders take a moment: say so, unless loading is quick.
    let notice = std::io::stderr().is_terminal().then(|| {
        let width = ratatui::crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
        LoadingNotice::start(std::time::Duration::from_millis(150), width, std::io::stderr)
    });
    let loaded = load_catalog(global);
    drop(notice);
    let (catalog, report) = loaded?;
    // Printed before the alternate screen, so they are on the terminal after exit.
    warn_load_errors(&report);
    let mono = match global.color {
        ColorChoice::Never => true,
        ColorChoice::Always => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    };
    let set = read_grants(&catalog, &global.grants)?;
    let mut app = crate::tui::app::App::new(catalog)
        .with_grants(set.grants)
        .with_holders(set.holders);
    if !report.errors.is_empty() {
        app.update(crate::tui::action::Action::ShowStatus(format!(
            "{} data file(s) could not be loaded: run `permscope check` for details",
            report.errors.len()
        )));
    }
    let theme = if mono {
        crate::tui::theme::Theme::mono()
    } else {
        crate::tui::theme::Theme::colour()
    };
    let clipboard = crate::clipboard::Clipboard::new(global.clipboard, crate::clipboard::Env::current());
    let last = crate::tui::run(app, theme, clipboard)?;
    // The escape hatch: the terminal is restored, so this reaches the shell.
    if global.print
        && let Some(text) = last
    {
        std::io::stdout().write_all(text.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}
