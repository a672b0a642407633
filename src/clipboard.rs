//! Clipboard I/O: the only place permscope touches a clipboard.
//!
//! Two ways out: the system clipboard through one arboard handle per session,
//! or OSC 52, an escape sequence that asks the terminal to set its clipboard
//! (the way to reach the reviewer's own machine over SSH). The status line
//! says which one was used and never claims more than is known: "Copied" only
//! when the system clipboard confirmed it.
//!
//! On X11 and Wayland a clipboard is served by the program that set it, so it
//! would be gone when permscope exits. There the text is handed to a detached
//! helper, `permscope __serve-clipboard`, which serves it until something else
//! is copied (see [`serve_from_stdin`] and [`SERVE_ARG`]).
//!
//! The decision itself ([`decide`]) is a pure function of an [`Env`]
//! snapshot, so it is tested without a display.

use anyhow::Context;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The hidden first argument that turns permscope into a clipboard helper.
///
/// Contract: `permscope __serve-clipboard` (this exact first argument, nothing
/// else) reads UTF-8 text from stdin until EOF, sets the system clipboard to
/// it and keeps serving it until another program takes the clipboard, then
/// exits 0; it exits non-zero (message on stderr) when stdin is not UTF-8, is
/// larger than [`MAX_SERVE_BYTES`], or no clipboard is available. It loads no
/// data, reads no other option and never touches the terminal. `main` must
/// check for it before parsing arguments and call [`serve_from_stdin`].
pub const SERVE_ARG: &str = "__serve-clipboard";

/// Largest text the helper accepts on stdin.
pub const MAX_SERVE_BYTES: usize = 16 * 1024 * 1024;

/// Largest text sent by OSC 52; terminals drop far less (many stop near 100 KB).
pub const MAX_OSC52_BYTES: usize = 1024 * 1024;

/// Above this many base64 characters some terminals ignore an OSC 52 sequence.
const OSC52_SOFT_LIMIT: usize = 100_000;

/// How long a copy waits for the background helper to take the clipboard.
const HELPER_CONFIRM_TIMEOUT: Duration = Duration::from_secs(2);

/// True where the system clipboard lives in a display server (X11, Wayland)
/// and dies with the program that set it.
const DISPLAY_SERVER_PLATFORM: bool = cfg!(all(
    unix,
    not(any(
        target_os = "macos",
        target_os = "android",
        target_os = "emscripten"
    ))
));

/// Which clipboard the user asked for (`--clipboard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ClipboardChoice {
    /// System clipboard on a local desktop; OSC 52 over SSH or without a display.
    #[default]
    Auto,
    /// Always the system clipboard (e.g. over SSH with X forwarding).
    System,
    /// Always OSC 52 through the terminal.
    Osc52,
}

/// What the environment says about where a clipboard can be reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `$DISPLAY` (X11), when set and not empty.
    pub display: Option<String>,
    /// `$WAYLAND_DISPLAY`, when set and not empty.
    pub wayland_display: Option<String>,
    /// Inside an SSH session (`$SSH_CONNECTION`, `$SSH_TTY` or `$SSH_CLIENT` set).
    pub ssh: bool,
    /// Inside tmux (`$TMUX` set).
    pub tmux: bool,
    /// `$TERM`, when set and not empty.
    pub term: Option<String>,
    /// True on platforms whose clipboard needs a display server (Linux, BSD);
    /// false on macOS and Windows, where the OS always has one.
    pub needs_display: bool,
    /// `$PATH`, to report which clipboard tools exist.
    pub path: Option<OsString>,
}

impl Env {
    /// A snapshot of this process's environment.
    pub fn current() -> Env {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Env {
            display: var("DISPLAY"),
            wayland_display: var("WAYLAND_DISPLAY"),
            ssh: ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
                .iter()
                .any(|n| var(n).is_some()),
            tmux: var("TMUX").is_some(),
            term: var("TERM"),
            needs_display: DISPLAY_SERVER_PLATFORM,
            path: std::env::var_os("PATH"),
        }
    }

    /// True when a graphical session is reachable (or the platform needs none).
    pub fn has_display(&self) -> bool {
        !self.needs_display || self.display.is_some() || self.wayland_display.is_some()
    }
}

/// Where copied text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The system clipboard, through arboard.
    System,
    /// The terminal's clipboard, through an OSC 52 escape sequence.
    Osc52,
}

impl Backend {
    /// Human name.
    pub fn label(self) -> &'static str {
        match self {
            Backend::System => "system clipboard",
            Backend::Osc52 => "terminal clipboard (OSC 52)",
        }
    }
}

/// The backend for an environment, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Where copies go.
    pub backend: Backend,
    /// One sentence, for `doctor` and the status line.
    pub reason: String,
    /// True when the user forced the backend (then it is not swapped on failure).
    pub forced: bool,
}

/// Chooses a backend: OSC 52 when asked, in SSH, or without a display; the
/// system clipboard otherwise.
pub fn decide(env: &Env, choice: ClipboardChoice) -> Decision {
    let tmux_note = if env.tmux { ", through tmux ($TMUX is set)" } else { "" };
    let (backend, reason, forced) = match choice {
        ClipboardChoice::Osc52 => (Backend::Osc52, format!("--clipboard osc52 was chosen{tmux_note}"), true),
        ClipboardChoice::System => (Backend::System, "--clipboard system was chosen".to_string(), true),
        ClipboardChoice::Auto if env.ssh => (
            Backend::Osc52,
            format!(
                "SSH session (SSH_CONNECTION or SSH_TTY is set): the system clipboard here is the remote \
                 machine's, so the text goes through your terminal{tmux_note}; --clipboard system overrides"
            ),
            false,
        ),
        ClipboardChoice::Auto if !env.has_display() => (
            Backend::Osc52,
            format!("no graphical session (DISPLAY and WAYLAND_DISPLAY are unset){tmux_note}"),
            false,
        ),
        ClipboardChoice::Auto => {
            let why = match (&env.wayland_display, &env.display) {
                _ if !env.needs_display => "the operating system's clipboard".to_string(),
                (Some(w), _) => format!("Wayland session (WAYLAND_DISPLAY={w})"),
                (None, Some(d)) => format!("X11 display (DISPLAY={d})"),
                (None, None) => "graphical session".to_string(),
            };
            (Backend::System, why, false)
        }
    };
    Decision {
        backend,
        reason,
        forced,
    }
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that sets the terminal's clipboard to `text`:
/// `ESC ] 52 ; c ; <base64> BEL`. In tmux it is wrapped as a DCS passthrough,
/// `ESC P tmux; <sequence with every ESC doubled> ESC \`, which tmux forwards
/// to the outer terminal when `allow-passthrough` is on.
pub fn osc52(text: &str, in_tmux: bool) -> String {
    let seq = format!("\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()));
    if in_tmux {
        format!("\u{1b}Ptmux;{}\u{1b}\\", seq.replace('\u{1b}', "\u{1b}\u{1b}"))
    } else {
        seq
    }
}

/// How a copy went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The system clipboard confirmed it, and it stays after permscope exits
    /// (a background helper on X11/Wayland, the OS elsewhere).
    System,
    /// The system clipboard confirmed it, but permscope itself holds it: on
    /// X11/Wayland it is gone when permscope exits.
    SystemUntilExit,
    /// An OSC 52 sequence is in [`CopyOutcome::terminal_bytes`]; nothing can confirm it.
    Osc52,
    /// Nothing was copied.
    Failed,
}

/// The result of a copy: what to tell the user, and bytes for the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOutcome {
    /// Which way the text went (or that it did not).
    pub via: Via,
    /// One line for the status bar, claiming no more than is known.
    pub status: String,
    /// Bytes the caller must write to the terminal it draws on and flush:
    /// `terminal.backend_mut().write_all(..)` in the TUI, [`write_to_tty`]
    /// from the command line. Empty unless `via` is [`Via::Osc52`]. In tmux
    /// they are the plain sequence followed by the same wrapped for
    /// passthrough. They draw nothing on screen.
    pub terminal_bytes: Vec<u8>,
}

impl CopyOutcome {
    /// True when the system clipboard confirmed the text.
    pub fn confirmed(&self) -> bool {
        matches!(self.via, Via::System | Via::SystemUntilExit)
    }
}

/// "1 permission", "3 permissions".
fn permissions(n: usize) -> String {
    format!("{n} permission{}", if n == 1 { "" } else { "s" })
}

/// The session's clipboard: one arboard handle, created on the first copy.
pub struct Clipboard {
    env: Env,
    decision: Decision,
    handle: Option<arboard::Clipboard>,
    /// Why the handle could not be created, so it is not retried on every copy.
    handle_error: Option<String>,
    /// Executable to run as the helper (`None`: hold the text in-process).
    helper_exe: Option<PathBuf>,
    /// Helpers started by this session, reaped once they exit.
    helpers: Vec<Child>,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clipboard")
            .field("decision", &self.decision)
            .field("handle", &self.handle.is_some())
            .field("handle_error", &self.handle_error)
            .field("helper_exe", &self.helper_exe)
            .finish()
    }
}

impl Clipboard {
    /// A clipboard for this environment. On X11/Wayland the helper is the
    /// running executable (`std::env::current_exe`), which must be permscope.
    pub fn new(choice: ClipboardChoice, env: Env) -> Clipboard {
        let helper_exe = if env.needs_display {
            std::env::current_exe().ok()
        } else {
            None
        };
        Clipboard {
            decision: decide(&env, choice),
            env,
            handle: None,
            handle_error: None,
            helper_exe,
            helpers: Vec::new(),
        }
    }

    /// Uses `exe` (a permscope binary) as the X11/Wayland helper, or none:
    /// with `None` the text is held by this process and lost when it exits.
    pub fn with_helper_exe(mut self, exe: Option<PathBuf>) -> Clipboard {
        self.helper_exe = exe;
        self
    }

    /// The backend copies go to, and why.
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// Copies an export of `count` permissions ("Copied 3 permissions…").
    pub fn copy(&mut self, text: &str, count: usize) -> CopyOutcome {
        self.copy_described(text, &permissions(count))
    }

    /// Copies `text`, naming it `what` in the status line ("the GUID").
    pub fn copy_described(&mut self, text: &str, what: &str) -> CopyOutcome {
        self.reap_helpers();
        if text.is_empty() {
            return CopyOutcome {
                via: Via::Failed,
                status: "Nothing copied: the text is empty".to_string(),
                terminal_bytes: Vec::new(),
            };
        }
        let what = crate::model::text::one_line(what);
        // The door text reaches the clipboard by.
        let text = &crate::model::text::neutralise_keeping_lines(text);
        match self.decision.backend {
            Backend::Osc52 => self.osc52_outcome(text, &what, None),
            Backend::System => self.copy_system(text, &what),
        }
    }

    fn copy_system(&mut self, text: &str, what: &str) -> CopyOutcome {
        if self.handle.is_none() && self.handle_error.is_none() {
            match arboard::Clipboard::new() {
                Ok(h) => self.handle = Some(h),
                Err(e) => self.handle_error = Some(crate::model::text::one_line(&e.to_string())),
            }
        }
        let mut note = None;
        if self.env.needs_display
            && let Some(exe) = self.helper_exe.clone()
            && let Some(handle) = self.handle.as_mut()
        {
            match spawn_server(&exe, text) {
                Ok(mut child) => {
                    if wait_for_clipboard(handle, text, HELPER_CONFIRM_TIMEOUT) {
                        self.helpers.push(child);
                        return CopyOutcome {
                            via: Via::System,
                            status: format!(
                                "Copied {what} to the clipboard (kept available after exit by a background helper)"
                            ),
                            terminal_bytes: Vec::new(),
                        };
                    }
                    let _ = child.kill();
                    let _ = child.wait();
                    note = Some("the background helper did not take the clipboard".to_string());
                }
                Err(e) => {
                    note = Some(format!(
                        "the background helper could not start: {}",
                        crate::model::text::one_line(&e.to_string())
                    ))
                }
            }
        }
        let result = match self.handle.as_mut() {
            Some(h) => h
                .set_text(text.to_string())
                .map_err(|e| crate::model::text::one_line(&e.to_string())),
            None => Err(self.handle_error.clone().unwrap_or_else(|| "no clipboard".into())),
        };
        match result {
            Ok(()) if self.env.needs_display => CopyOutcome {
                via: Via::SystemUntilExit,
                status: format!(
                    "Copied {what} to the clipboard, held by permscope: it is gone once permscope exits ({})",
                    note.as_deref().unwrap_or("no background helper")
                ),
                terminal_bytes: Vec::new(),
            },
            Ok(()) => CopyOutcome {
                via: Via::System,
                status: format!("Copied {what} to the clipboard"),
                terminal_bytes: Vec::new(),
            },
            Err(e) if self.decision.forced => failed(&e),
            Err(e) => self.osc52_outcome(text, what, Some(&e)),
        }
    }

    fn osc52_outcome(&self, text: &str, what: &str, system_error: Option<&str>) -> CopyOutcome {
        if text.len() > MAX_OSC52_BYTES {
            let why = format!(
                "{} KB is too much for the terminal clipboard (OSC 52){}",
                text.len() / 1024,
                system_error
                    .map(|e| format!(" and the system clipboard failed: {e}"))
                    .unwrap_or_default()
            );
            return failed(&why);
        }
        // In tmux, the plain sequence reaches tmux itself (with `set-clipboard
        // on`, it sets tmux's buffer and forwards it) and the wrapped one
        // passes through to the outer terminal (with `allow-passthrough on`);
        // tmux silently drops whichever it is not configured for.
        let mut seq = osc52(text, false);
        if self.env.tmux {
            seq.push_str(&osc52(text, true));
        }
        let mut status = String::new();
        if let Some(e) = system_error {
            status.push_str(&format!("System clipboard unavailable ({e}); "));
        }
        let sent = if status.is_empty() { "Sent" } else { "sent" };
        if self.env.tmux {
            status.push_str(&format!(
                "{sent} {what} to the terminal clipboard (OSC 52 through tmux) — tmux needs set-clipboard on or allow-passthrough on, and your terminal must allow it"
            ));
        } else {
            status.push_str(&format!(
                "{sent} {what} to the terminal clipboard (OSC 52) — your terminal must allow it"
            ));
        }
        if seq.len() > OSC52_SOFT_LIMIT {
            status.push_str(" (large: some terminals drop sequences over 100 KB; --print is safer)");
        }
        CopyOutcome {
            via: Via::Osc52,
            status,
            terminal_bytes: seq.into_bytes(),
        }
    }

    /// Collects helpers that have exited (another copy took the clipboard).
    fn reap_helpers(&mut self) {
        self.helpers.retain_mut(|c| matches!(c.try_wait(), Ok(None)));
    }
}

fn failed(why: &str) -> CopyOutcome {
    CopyOutcome {
        via: Via::Failed,
        status: format!("Clipboard unavailable: {why}; use --print"),
        terminal_bytes: Vec::new(),
    }
}

/// Polls the clipboard until it holds `text` (the helper has taken it) or time runs out.
fn wait_for_clipboard(handle: &mut arboard::Clipboard, text: &str, timeout: Duration) -> bool {
    let start = Instant::now();
    loop {
        if handle.get_text().is_ok_and(|t| t == text) {
            return true;
        }
        if start.elapsed() >= timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts `exe __serve-clipboard` detached: its own process group (so Ctrl-C
/// and the terminal's hang-up do not reach it), working directory `/`, stdout
/// and stderr discarded, and `text` written to its stdin, which is then
/// closed. The caller keeps the `Child` only to reap it; dropping it leaves
/// the helper running.
pub fn spawn_server(exe: &Path, text: &str) -> std::io::Result<Child> {
    let mut cmd = Command::new(exe);
    cmd.arg(SERVE_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .current_dir("/");
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn()?;
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(text.as_bytes()),
        None => Err(std::io::Error::other("no stdin for the helper")),
    };
    if let Err(e) = written {
        let _ = child.kill();
        let _ = child.wait();
        return Err(e);
    }
    Ok(child)
}

/// The helper's body (see [`SERVE_ARG`] for the contract): reads stdin, sets
/// the clipboard and serves it until another program takes it over.
pub fn serve_from_stdin() -> anyhow::Result<()> {
    let mut buf = Vec::new();
    std::io::stdin()
        .take(MAX_SERVE_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .context("reading the text to serve from stdin")?;
    if buf.len() > MAX_SERVE_BYTES {
        anyhow::bail!("refusing to serve more than {} MB", MAX_SERVE_BYTES / (1024 * 1024));
    }
    let text = String::from_utf8(buf).context("the text to serve is not UTF-8")?;
    let mut clipboard = arboard::Clipboard::new().context("opening the system clipboard")?;
    set_and_wait(&mut clipboard, text)
}

#[cfg(all(unix, not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))))]
fn set_and_wait(clipboard: &mut arboard::Clipboard, text: String) -> anyhow::Result<()> {
    use arboard::SetExtLinux;
    clipboard.set().wait().text(text).context("serving the clipboard")
}

#[cfg(not(all(unix, not(any(target_os = "macos", target_os = "android", target_os = "emscripten")))))]
fn set_and_wait(clipboard: &mut arboard::Clipboard, text: String) -> anyhow::Result<()> {
    // The OS keeps the clipboard after we exit; there is nothing to wait for.
    clipboard.set_text(text).context("setting the clipboard")
}

/// Writes OSC 52 bytes to the controlling terminal (`/dev/tty`), for the
/// command line, where stdout may be a pipe.
pub fn write_to_tty(bytes: &[u8]) -> std::io::Result<()> {
    let mut tty = std::fs::OpenOptions::new().write(true).open("/dev/tty")?;
    tty.write_all(bytes)?;
    tty.flush()
}

/// Finds an executable called `name` in a `PATH` value.
fn find_in_path(name: &str, path: Option<&OsString>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A report of which backend would be used and why, with what the
/// environment holds (display, Wayland, SSH, tmux, TERM) and which
/// clipboard tools exist (informational: permscope does not run them).
pub fn doctor(env: &Env, choice: ClipboardChoice) -> String {
    let d = decide(env, choice);
    let shown = |v: &Option<String>| match v {
        Some(v) => v.clone(),
        None => "unset".to_string(),
    };
    let mut out = String::new();
    let mut line = |k: &str, v: &str| out.push_str(&format!("{k:<16}{v}\n"));
    line("backend", d.backend.label());
    line("why", &d.reason);
    line("DISPLAY", &shown(&env.display));
    line("WAYLAND_DISPLAY", &shown(&env.wayland_display));
    line(
        "SSH",
        if env.ssh {
            "yes (SSH_CONNECTION, SSH_TTY or SSH_CLIENT is set)"
        } else {
            "no"
        },
    );
    line(
        "tmux",
        if env.tmux {
            "yes ($TMUX is set): OSC 52 is sent plain (needs `set -g set-clipboard on`) and wrapped for passthrough (needs `set -g allow-passthrough on`)"
        } else {
            "no"
        },
    );
    let term = shown(&env.term);
    let term_note = match env.term.as_deref() {
        Some("dumb") => " (a dumb terminal cannot take OSC 52)",
        Some(t) if !env.tmux && (t.starts_with("tmux") || t.starts_with("screen")) => {
            " (looks like tmux or screen without $TMUX, e.g. over SSH: OSC 52 needs `set -g set-clipboard on` there)"
        }
        _ => "",
    };
    line("TERM", &format!("{term}{term_note}"));
    let after = match d.backend {
        Backend::Osc52 => "the terminal keeps it (if it accepted the sequence; nothing can confirm that)",
        Backend::System if env.needs_display => {
            "a background `permscope __serve-clipboard` helper serves it until something else is copied"
        }
        Backend::System => "the operating system keeps it",
    };
    line("after exit", after);
    for tool in ["xclip", "xsel", "wl-copy"] {
        let found = find_in_path(tool, env.path.as_ref())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "not found".into());
        line(tool, &format!("{found} (informational)"));
    }
    line(
        "escape hatch",
        "--print writes the text to stdout after the terminal is restored",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux(display: Option<&str>, wayland: Option<&str>, ssh: bool, tmux: bool) -> Env {
        Env {
            display: display.map(String::from),
            wayland_display: wayland.map(String::from),
            ssh,
            tmux,
            term: Some("xterm-256color".into()),
            needs_display: true,
            path: None,
        }
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
        assert_eq!(base64("é✓".as_bytes()), "w6ninJM=");
    }

    #[test]
    fn osc52_is_byte_exact() {
        assert_eq!(osc52("Mail.Read", false), "\x1b]52;c;TWFpbC5SZWFk\x07");
        assert_eq!(osc52("", false), "\x1b]52;c;\x07");
    }

    #[test]
    fn osc52_in_tmux_is_wrapped_with_escapes_doubled() {
        assert_eq!(
            osc52("Mail.Read", true),
            "\x1bPtmux;\x1b\x1b]52;c;TWFpbC5SZWFk\x07\x1b\\"
        );
    }

    #[test]
    fn decision_table() {
        use Backend::{Osc52 as O, System as S};
        use ClipboardChoice::{Auto, Osc52 as ForceOsc52, System as ForceSystem};
        let other_os = |env: Env| Env {
            needs_display: false,
            ..env
        };
        let rows: [(Env, ClipboardChoice, Backend); 11] = [
            (linux(Some(":0"), None, false, false), Auto, S),
            (linux(None, Some("wayland-0"), false, false), Auto, S),
            (linux(Some(":0"), Some("wayland-0"), false, true), Auto, S),
            (linux(None, None, false, false), Auto, O),
            (linux(None, None, false, true), Auto, O),
            (linux(Some("localhost:10.0"), None, true, false), Auto, O),
            (linux(None, None, true, true), Auto, O),
            (linux(Some(":0"), None, false, false), ForceOsc52, O),
            (linux(None, None, true, false), ForceSystem, S),
            (other_os(linux(None, None, false, false)), Auto, S),
            (other_os(linux(None, None, true, false)), Auto, O),
        ];
        for (env, choice, want) in rows {
            let d = decide(&env, choice);
            assert_eq!(d.backend, want, "{env:?} {choice:?}: {}", d.reason);
            assert_eq!(d.forced, choice != Auto);
        }
    }

    #[test]
    fn decision_reasons_name_the_cause() {
        let d = decide(&linux(Some(":1"), None, true, true), ClipboardChoice::Auto);
        assert!(d.reason.starts_with("SSH session"), "{}", d.reason);
        assert!(d.reason.contains("tmux"), "{}", d.reason);
        let d = decide(&linux(None, None, false, false), ClipboardChoice::Auto);
        assert_eq!(d.reason, "no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)");
        let d = decide(
            &linux(Some(":1"), Some("wayland-1"), false, false),
            ClipboardChoice::Auto,
        );
        assert_eq!(d.reason, "Wayland session (WAYLAND_DISPLAY=wayland-1)");
        let d = decide(&linux(Some(":1"), None, false, false), ClipboardChoice::Auto);
        assert_eq!(d.reason, "X11 display (DISPLAY=:1)");
    }

    #[test]
    fn osc52_copies_return_bytes_for_the_terminal_and_an_honest_status() {
        let mut c = Clipboard::new(ClipboardChoice::Osc52, linux(None, None, false, false)).with_helper_exe(None);
        let out = c.copy("Mail.Read\n", 1);
        assert_eq!(out.via, Via::Osc52);
        assert!(!out.confirmed());
        assert_eq!(out.terminal_bytes, b"\x1b]52;c;TWFpbC5SZWFkCg==\x07");
        assert_eq!(
            out.status,
            "Sent 1 permission to the terminal clipboard (OSC 52) — your terminal must allow it"
        );
        let mut c = Clipboard::new(ClipboardChoice::Auto, linux(None, None, true, true)).with_helper_exe(None);
        let out = c.copy("a\nb\n", 2);
        assert_eq!(
            out.terminal_bytes,
            b"\x1b]52;c;YQpiCg==\x07\x1bPtmux;\x1b\x1b]52;c;YQpiCg==\x07\x1b\\"
        );
        assert!(
            out.status
                .starts_with("Sent 2 permissions to the terminal clipboard (OSC 52 through tmux)")
        );
    }

    #[test]
    fn empty_text_is_not_copied() {
        let mut c = Clipboard::new(ClipboardChoice::Osc52, linux(None, None, false, false)).with_helper_exe(None);
        let out = c.copy("", 0);
        assert_eq!(out.via, Via::Failed);
        assert_eq!(out.status, "Nothing copied: the text is empty");
        assert!(out.terminal_bytes.is_empty());
    }

    #[test]
    fn too_much_for_osc52_fails_plainly() {
        let mut c = Clipboard::new(ClipboardChoice::Osc52, linux(None, None, false, false)).with_helper_exe(None);
        let out = c.copy(&"x".repeat(MAX_OSC52_BYTES + 1), 1);
        assert_eq!(out.via, Via::Failed);
        assert!(out.terminal_bytes.is_empty());
        assert!(out.status.starts_with("Clipboard unavailable: "), "{}", out.status);
        assert!(out.status.ends_with("; use --print"), "{}", out.status);
    }

    #[test]
    fn doctor_reports_every_input() {
        let env = Env {
            path: Some(OsString::from("/nonexistent-permscope-test")),
            ..linux(None, None, true, true)
        };
        let report = doctor(&env, ClipboardChoice::Auto);
        assert!(
            report.starts_with("backend         terminal clipboard (OSC 52)\n"),
            "{report}"
        );
        for needle in [
            "why             SSH session",
            "DISPLAY         unset",
            "WAYLAND_DISPLAY unset",
            "SSH             yes",
            "tmux            yes",
            "TERM            xterm-256color",
            "xclip           not found (informational)",
            "wl-copy         not found (informational)",
            "--print",
        ] {
            assert!(report.contains(needle), "missing {needle:?} in\n{report}");
        }
    }
}
