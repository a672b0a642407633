//! The real X clipboard: copy through `Clipboard` under Xvfb, let the copying
//! process exit, and read the text back with `xclip -o`.
//!
//! Needs `Xvfb` and `xclip`; without them it says SKIPPED and passes. The
//! copy runs in a child process (this test binary again, with `DISPLAY` set)
//! so that "after exit" is real: the child is gone when `xclip` reads.
//!
//! The helper is the permscope binary (`permscope __serve-clipboard`);
//! `PERMSCOPE_TEST_HELPER` may name another binary that honours the same
//! contract.

mod common;

use permscope::clipboard::{Clipboard, ClipboardChoice, Env, Via};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Set (to the test's name) in the child process that does the copying.
const CHILD_MARKER: &str = "PERMSCOPE_E2E_CLIPBOARD_CHILD";
const TEXT: &str = "User.Read.All\nMail.ReadWrite — ✓ 'quoted' \"text\"\n";

fn helper_exe() -> PathBuf {
    std::env::var_os("PERMSCOPE_TEST_HELPER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_permscope")))
}

fn found(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}

/// A virtual X server, killed when dropped.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a free display. Xvfb picks it (`-displayfd`) and writes
    /// its number once it accepts connections, so parallel tests never race
    /// for one display number.
    fn start() -> Option<Xvfb> {
        use std::io::BufRead;
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        let read = child
            .stdout
            .take()
            .map(|out| std::io::BufReader::new(out).read_line(&mut line));
        let number = line.trim();
        if !matches!(read, Some(Ok(n)) if n > 0) || number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        let display = format!(":{number}");
        let x = Xvfb { child, display };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if xclip_ready(&x.display) {
                return Some(x);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True once an X client can connect (xclip fails fast when it cannot).
fn xclip_ready(display: &str) -> bool {
    Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .is_ok_and(|o| !String::from_utf8_lossy(&o.stderr).contains("Can't open display"))
}

fn xclip_read(display: &str) -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", display)
        .output()
        .expect("run xclip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// True in the child process started by [`run_child`] for `test`.
fn is_child(test: &str) -> bool {
    std::env::var_os(CHILD_MARKER).is_some_and(|v| v == test)
}

/// Runs test `test` again in a child process with `DISPLAY` set and nothing
/// else pointing at a clipboard; returns its stdout after it has exited.
fn run_child(test: &str, display: &str) -> String {
    let out = Command::new(std::env::current_exe().expect("test binary path"))
        .args(["--exact", test, "--include-ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_MARKER, test)
        .env("DISPLAY", display)
        .env("PERMSCOPE_TEST_HELPER", helper_exe())
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_TTY")
        .env_remove("SSH_CLIENT")
        .env_remove("TMUX")
        .output()
        .expect("run the copying child");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the copying child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Xvfb and xclip, or a loud skip.
fn x_server() -> Option<Xvfb> {
    for tool in ["Xvfb", "xclip"] {
        if !found(tool) {
            common::skip(format_args!(
                "`{tool}` not found; the X11 clipboard end-to-end tests need Xvfb and xclip"
            ));
            return None;
        }
    }
    let x = Xvfb::start();
    if x.is_none() {
        common::skip(format_args!("Xvfb would not start"));
    }
    x
}

/// The child's half: copy through the library with the helper, report, exit.
fn copy_with_helper() {
    let env = Env::current();
    assert!(env.display.is_some(), "the child runs with DISPLAY set");
    let mut clipboard = Clipboard::new(ClipboardChoice::Auto, env).with_helper_exe(Some(helper_exe()));
    let outcome = clipboard.copy(TEXT, 2);
    println!("STATUS: {}", outcome.status);
    assert_eq!(outcome.via, Via::System, "{}", outcome.status);
    assert_eq!(
        outcome.status,
        "Copied 2 permissions to the clipboard (kept available after exit by a background helper)"
    );
    assert!(outcome.terminal_bytes.is_empty());
    drop(clipboard);
}

#[test]
fn x11_copy_survives_the_copying_process() {
    const TEST: &str = "x11_copy_survives_the_copying_process";
    if is_child(TEST) {
        return copy_with_helper();
    }
    let Some(x) = x_server() else { return };
    run_child(TEST, &x.display);

    // The child has exited; the helper still serves the text.
    assert_eq!(xclip_read(&x.display), TEXT);

    // Another program taking the clipboard ends the helper's service.
    let mut other = Command::new("xclip")
        .args(["-i", "-selection", "clipboard"])
        .env("DISPLAY", &x.display)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run xclip -i");
    {
        use std::io::Write;
        let mut stdin = other.stdin.take().expect("xclip stdin");
        stdin.write_all(b"something else").expect("write to xclip");
    }
    let _ = other.wait();
    assert_eq!(xclip_read(&x.display), "something else");
}

/// Without a helper the copy works while permscope runs, the status says it
/// will not outlive permscope, and indeed it does not.
#[test]
fn without_a_helper_the_status_says_the_copy_dies_with_the_process() {
    const TEST: &str = "without_a_helper_the_status_says_the_copy_dies_with_the_process";
    if is_child(TEST) {
        let mut clipboard = Clipboard::new(ClipboardChoice::Auto, Env::current())
            .with_helper_exe(Some(PathBuf::from("/nonexistent/permscope")));
        let outcome = clipboard.copy(TEXT, 1);
        println!("STATUS: {}", outcome.status);
        assert_eq!(outcome.via, Via::SystemUntilExit, "{}", outcome.status);
        assert!(
            outcome.status.starts_with(
                "Copied 1 permission to the clipboard, held by permscope: it is gone once permscope exits \
                 (the background helper could not start: "
            ),
            "{}",
            outcome.status
        );
        // While this process lives, another client can paste it.
        assert_eq!(xclip_read(&std::env::var("DISPLAY").unwrap_or_default()), TEXT);
        return;
    }
    let Some(x) = x_server() else { return };
    run_child(TEST, &x.display);
    assert_eq!(
        xclip_read(&x.display),
        "",
        "nothing serves the text after the copying process exited"
    );
}

/// A display that cannot be reached: Auto falls back to OSC 52 and says why;
/// a forced system clipboard fails plainly.
#[test]
fn an_unreachable_display_falls_back_to_osc52_honestly() {
    const TEST: &str = "an_unreachable_display_falls_back_to_osc52_honestly";
    if is_child(TEST) {
        let mut auto = Clipboard::new(ClipboardChoice::Auto, Env::current()).with_helper_exe(None);
        let outcome = auto.copy("Mail.Read\n", 1);
        println!("STATUS: {}", outcome.status);
        assert_eq!(outcome.via, Via::Osc52, "{}", outcome.status);
        assert!(
            outcome.status.starts_with("System clipboard unavailable ("),
            "{}",
            outcome.status
        );
        assert!(
            outcome
                .status
                .ends_with("; sent 1 permission to the terminal clipboard (OSC 52) — your terminal must allow it"),
            "{}",
            outcome.status
        );
        assert_eq!(outcome.terminal_bytes, b"\x1b]52;c;TWFpbC5SZWFkCg==\x07");

        let mut forced = Clipboard::new(ClipboardChoice::System, Env::current()).with_helper_exe(None);
        let outcome = forced.copy("Mail.Read\n", 1);
        assert_eq!(outcome.via, Via::Failed, "{}", outcome.status);
        assert!(
            outcome.status.starts_with("Clipboard unavailable: "),
            "{}",
            outcome.status
        );
        assert!(outcome.status.ends_with("; use --print"), "{}", outcome.status);
        return;
    }
    // A display number nothing listens on.
    run_child(TEST, ":4093");
}

/// A private tmux server (its own socket file), killed when dropped.
struct Tmux {
    socket: PathBuf,
    conf: PathBuf,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket).arg("-f").arg(&self.conf);
        c
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
        let _ = std::fs::remove_file(&self.socket);
        let _ = std::fs::remove_file(&self.conf);
    }
}

/// Single-quoted for `sh`.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Inside tmux without a display, a copy goes out as OSC 52 through the
/// pane, and tmux (with `set-clipboard on`) puts it in its paste buffer.
#[test]
fn osc52_inside_tmux_reaches_the_tmux_buffer() {
    const TEST: &str = "osc52_inside_tmux_reaches_the_tmux_buffer";
    if is_child(TEST) {
        let env = Env::current();
        assert!(env.tmux, "the child runs in tmux");
        let mut clipboard = Clipboard::new(ClipboardChoice::Auto, env).with_helper_exe(None);
        let outcome = clipboard.copy(TEXT, 2);
        assert_eq!(outcome.via, Via::Osc52, "{}", outcome.status);
        permscope::clipboard::write_to_tty(&outcome.terminal_bytes).expect("write to the pane");
        return;
    }
    if !found("tmux") {
        common::skip(format_args!("`tmux` not found; the OSC 52 through tmux test needs it"));
        return;
    }
    let tmux = Tmux {
        socket: std::env::temp_dir().join(format!("permscope-clipboard-e2e-{}.sock", std::process::id())),
        conf: std::env::temp_dir().join(format!("permscope-clipboard-e2e-{}.conf", std::process::id())),
    };
    std::fs::write(&tmux.conf, "set -g set-clipboard on\n").expect("write tmux config");
    let exe = std::env::current_exe().expect("test binary path");
    let command = format!(
        "env -u DISPLAY -u WAYLAND_DISPLAY -u SSH_CONNECTION -u SSH_TTY -u SSH_CLIENT {CHILD_MARKER}={TEST} {} \
         --exact {TEST} --include-ignored --nocapture --test-threads=1; sleep 30",
        sh(&exe.to_string_lossy())
    );
    let started = tmux
        .cmd()
        .args(["new-session", "-d", "-x", "100", "-y", "30", &command])
        .output()
        .expect("run tmux");
    assert!(started.status.success(), "{}", String::from_utf8_lossy(&started.stderr));
    let start = Instant::now();
    let mut buffer = String::new();
    while start.elapsed() < Duration::from_secs(15) {
        let out = tmux.cmd().arg("show-buffer").output().expect("tmux show-buffer");
        buffer = String::from_utf8_lossy(&out.stdout).into_owned();
        if buffer == TEXT {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let pane = tmux.cmd().args(["capture-pane", "-p"]).output().expect("capture-pane");
    assert_eq!(
        buffer,
        TEXT,
        "tmux's buffer; the pane shows:\n{}",
        String::from_utf8_lossy(&pane.stdout)
    );
}
