//! Where the explorer draws: stdout when it is the terminal, or the terminal
//! itself (`/dev/tty`) when stdout is a file or a pipe, so that `permscope
//! --print > file` draws on the screen and leaves only the copied text in
//! the file. Entering and leaving the full-screen mode goes through here.

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend};
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use std::io::Write;

/// The stream the explorer draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// stdout, a terminal.
    Stdout,
    /// The controlling terminal, `/dev/tty` (stdout goes elsewhere).
    Tty,
}

/// The output of a [`Screen`].
pub enum Output {
    Stdout(std::io::Stdout),
    Tty(std::fs::File),
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(o) => o.write(buf),
            Output::Tty(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(o) => o.flush(),
            Output::Tty(f) => f.flush(),
        }
    }
}

/// The explorer's terminal.
pub type Term = Terminal<CrosstermBackend<Output>>;

impl Screen {
    /// Opens the stream.
    pub fn open(self) -> std::io::Result<Output> {
        Ok(match self {
            Screen::Stdout => Output::Stdout(std::io::stdout()),
            Screen::Tty => Output::Tty(std::fs::OpenOptions::new().write(true).open("/dev/tty")?),
        })
    }

    /// Raw mode, the alternate screen and bracketed paste (a paste arrives
    /// as one event, not as thousands of keys) on this stream; a panic
    /// restores the terminal before its message is printed.
    pub fn init(self) -> std::io::Result<Term> {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                self.restore();
                previous(info);
            }));
        });
        self.enter()
    }

    /// Takes the terminal again after `fg`: as [`Screen::init`], with a
    /// cleared screen for a full redraw. Nothing here asks the terminal
    /// anything (a question would wait for an answer that the input thread
    /// may read first).
    pub fn reenter(self) -> std::io::Result<Term> {
        let mut terminal = self.enter()?;
        terminal.backend_mut().clear_region(ClearType::All)?;
        Ok(terminal)
    }

    fn enter(self) -> std::io::Result<Term> {
        enable_raw_mode()?;
        let mut out = self.open()?;
        execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
        Terminal::new(CrosstermBackend::new(out))
    }

    /// Leaves bracketed paste, the alternate screen and raw mode (whatever
    /// state they are in).
    pub fn restore(self) {
        let _ = disable_raw_mode();
        if let Ok(mut out) = self.open() {
            let _ = execute!(
                out,
                DisableBracketedPaste,
                LeaveAlternateScreen,
                ratatui::crossterm::cursor::Show
            );
        }
    }
}
