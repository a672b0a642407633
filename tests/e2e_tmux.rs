//! End to end: the real binary in a real terminal (tmux), typed at like a user.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(cmd: &str, w: u16, h: u16) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            common::skip(format_args!(
                "tmux is not installed; the end-to-end explorer test needs it (apt-get install tmux)"
            ));
            return None;
        }
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let t = Tmux {
            socket: format!(
                "permscope-e2e-{}-{}-{}",
                std::process::id(),
                w,
                N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            ),
        };
        let ok = t
            .cmd(&[
                "new-session",
                "-d",
                "-s",
                "e2e",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
                cmd,
            ])
            .status
            .success();
        assert!(ok, "tmux new-session failed");
        Some(t)
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
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

    fn literal(&self, text: &str) {
        self.cmd(&["send-keys", "-t", "e2e", "-l", text]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    /// Waits until the screen satisfies `ok`, or fails with the last screen.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

#[test]
fn explorer_opens_filters_moves_helps_and_quits_cleanly() {
    let shell = format!(
        "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=xterm-256color PS1='READY$ ' sh -c 'printf \"READY$ \"; {} ; printf \"\\nBACK$ \"; sleep 30'",
        env!("CARGO_BIN_EXE_permscope")
    );
    let Some(t) = Tmux::start(&shell, 110, 32) else { return };
    // Wait for whole screens: tmux may capture a frame half drawn.
    t.wait("the explorer", |s| {
        s.contains("of 130 rows") && s.contains("Requirements") && s.contains("Detail")
    });
    t.keys(&["/"]);
    t.literal("mailrw");
    t.wait("the filter", |s| {
        s.contains("search=\"mailrw\"") && s.contains("hidden") && s.contains("Mail.ReadWrite")
    });
    t.keys(&["Enter"]);
    t.keys(&["j"]);
    t.wait("the cursor on row 2", |s| s.contains("2/"));
    t.keys(&["?"]);
    t.wait("help", |s| {
        s.contains("Help — j/k scroll") && s.contains("fuzzy search")
    });
    t.keys(&["Escape"]);
    t.wait("help closed", |s| !s.contains("Help — j/k"));
    // Resize: the explorer redraws at the new size.
    t.cmd(&["resize-window", "-t", "e2e", "-x", "80", "-y", "24"]);
    t.wait("redraw at 80 columns", |s| {
        s.lines().next().is_some_and(|l| l.contains("permscope"))
    });
    t.keys(&["q"]);
    let s = t.wait("the shell back", |s| s.contains("BACK$"));
    // The alternate screen is gone: what was on the terminal before is back.
    assert!(s.contains("READY$"), "{s}");
    assert!(!s.contains("Requirements"), "{s}");
}

#[test]
fn without_a_terminal_it_explains_the_command_line() {
    let o = Command::new(env!("CARGO_BIN_EXE_permscope")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("needs a terminal") && e.contains("permscope list"), "{e}");
    assert!(o.stdout.is_empty());
}

// ---------------------------------------------------------------- pastes, signals and job control

/// The explorer in tmux, started by `script` (a shell script run with `sh`),
/// which writes the explorer's process id to `pid` and says `EXIT=<status>`
/// when it ends.
struct Session {
    tmux: Tmux,
    dir: common::TempDir,
}

impl Session {
    /// `shell` runs the explorer: a plain `sh` script, or an interactive shell
    /// for job control (then the test types the command itself).
    fn start(tag: &str, shell: &str) -> Option<Session> {
        let dir = common::TempDir::new(tag);
        let tmux = Tmux::start(shell, 100, 30)?;
        Some(Session { tmux, dir })
    }

    /// The explorer run from a script: no job control, just the explorer.
    fn explorer(tag: &str) -> Option<Session> {
        let dir = common::TempDir::new(tag);
        let script = dir.write(
            "run.sh",
            &format!(
                "sh -c 'echo $$ > {pid}; exec env -i PATH=/usr/bin:/bin HOME=/tmp XDG_DATA_HOME=/nonexistent TERM=xterm-256color {bin}'\necho EXIT=$?\nsleep 60\n",
                pid = dir.path().join("pid").display(),
                bin = env!("CARGO_BIN_EXE_permscope")
            ),
        );
        let tmux = Tmux::start(&format!("sh {}", script.display()), 100, 30)?;
        let s = Session { tmux, dir };
        s.tmux.wait("the explorer", |s| {
            s.contains("of 130 rows") && s.contains("Requirements")
        });
        Some(s)
    }

    fn pid(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pid"))
            .unwrap()
            .trim()
            .to_string()
    }

    /// Pastes `text` as tmux does: `bracketed` when the application asked for
    /// bracketed paste (`paste-buffer -p`), else as typed keys.
    fn paste(&self, text: &str, bracketed: bool) {
        let file = self.dir.write("paste.txt", text);
        let loaded = self.tmux.cmd(&["load-buffer", &file.display().to_string()]);
        assert!(loaded.status.success(), "tmux load-buffer");
        let mut args = vec!["paste-buffer", "-t", "e2e"];
        if bracketed {
            args.push("-p");
        }
        assert!(self.tmux.cmd(&args).status.success(), "tmux paste-buffer");
    }

    /// Waits up to `limit` for `ok`; the time it took, or the screen on failure.
    fn within(&self, limit: Duration, ok: impl Fn(&str) -> bool) -> Result<Duration, String> {
        let start = Instant::now();
        loop {
            let s = self.tmux.screen();
            if ok(&s) {
                return Ok(start.elapsed());
            }
            if start.elapsed() > limit {
                return Err(s);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn alive(pid: &str) -> bool {
    Command::new("kill")
        .args(["-0", pid])
        .status()
        .is_ok_and(|s| s.success())
}

/// 300 KB of words without a line break (a line break in a paste that is not
/// bracketed is an Enter: no terminal program can tell it from one).
fn words(bytes: usize) -> String {
    "mail read write all users sites files "
        .chars()
        .cycle()
        .take(bytes)
        .collect()
}

/// Before the fix, each pasted character cost a redraw: 300 KB kept the
/// explorer busy for a minute, and the end of the paste sat unread until
/// more keys came, Ctrl-C included.
fn a_300_kb_paste_leaves_the_explorer_responsive(bracketed: bool) {
    let Some(s) = Session::explorer(if bracketed { "paste-b" } else { "paste-k" }) else {
        return;
    };
    s.tmux.keys(&["/"]);
    s.tmux
        .wait("the search input", |sc| sc.contains("keep") && sc.contains("cancel"));
    let text = if bracketed {
        // Line breaks in a bracketed paste are text, not Enter.
        words(300_000).replace("files ", "files\n")
    } else {
        words(300_000)
    };
    let start = Instant::now();
    s.paste(&text, bracketed);
    // Enter after the paste: it takes effect once the paste is read.
    s.tmux.keys(&["Enter"]);
    let responsive = s.within(Duration::from_secs(20), |sc| {
        sc.contains("search=\"mail read write") && !sc.contains("keep")
    });
    let responsive = responsive.unwrap_or_else(|sc| panic!("no answer to Enter 20 s after the paste:\n{sc}"));
    eprintln!(
        "300 KB {} paste: responsive after {:.2} s",
        if bracketed { "bracketed" } else { "unbracketed" },
        start.elapsed().as_secs_f64().max(responsive.as_secs_f64())
    );
    s.tmux.keys(&["C-c"]);
    let quit = s.within(Duration::from_secs(1), |sc| sc.contains("EXIT=0"));
    assert!(
        quit.is_ok(),
        "Ctrl-C did not end the explorer within a second:\n{}",
        quit.unwrap_err()
    );
}

#[test]
fn an_unbracketed_300_kb_paste_leaves_the_explorer_responsive() {
    a_300_kb_paste_leaves_the_explorer_responsive(false);
}

#[test]
fn a_bracketed_300_kb_paste_leaves_the_explorer_responsive() {
    a_300_kb_paste_leaves_the_explorer_responsive(true);
}

/// SIGTERM a moment into a 300 KB paste ends the explorer at once (it took a
/// minute) and gives the terminal back.
#[test]
fn sigterm_during_a_paste_ends_the_explorer_at_once() {
    let Some(s) = Session::explorer("paste-term") else {
        return;
    };
    s.tmux.keys(&["/"]);
    s.tmux.wait("the search input", |sc| sc.contains("keep"));
    s.paste(&words(300_000), false);
    std::thread::sleep(Duration::from_millis(300));
    let pid = s.pid();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let start = Instant::now();
    while alive(&pid) && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = start.elapsed();
    if alive(&pid) {
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
    }
    assert!(took < Duration::from_secs(1), "SIGTERM took {took:?}");
    // 128 + 15, and the main screen back.
    s.within(Duration::from_secs(5), |sc| {
        sc.contains("EXIT=143") && !sc.contains("Requirements")
    })
    .unwrap_or_else(|sc| panic!("the terminal is not back:\n{sc}"));
}

/// Ctrl-Z then `fg`, three times, from an interactive shell: the explorer
/// comes back each time with its search (it used to die at the first `fg`:
/// "The cursor position could not be read within a normal duration").
#[test]
fn ctrl_z_and_fg_keep_the_explorer_alive() {
    if Command::new("bash").arg("--version").output().is_err() {
        common::skip(format_args!(
            "bash is not installed; the job control test needs an interactive shell with it"
        ));
        return;
    }
    let shell = "env -i PATH=/usr/bin:/bin HOME=/tmp XDG_DATA_HOME=/nonexistent TERM=xterm-256color PS1='job$ ' bash --norc --noprofile -i";
    let Some(s) = Session::start("job-control", shell) else {
        return;
    };
    s.tmux.wait("the shell", |sc| sc.contains("job$"));
    s.tmux.literal(env!("CARGO_BIN_EXE_permscope"));
    s.tmux.keys(&["Enter"]);
    s.tmux.wait("the explorer", |sc| sc.contains("of 130 rows"));
    s.tmux.keys(&["/"]);
    s.tmux.literal("mailrw");
    s.tmux.keys(&["Enter"]);
    s.tmux.wait("the search kept", |sc| {
        sc.contains("search=\"mailrw\"") && !sc.contains("keep")
    });
    for round in 1..=3 {
        s.tmux.keys(&["C-z"]);
        s.tmux.wait(&format!("the shell after Ctrl-Z #{round}"), |sc| {
            sc.contains("Stopped")
                && sc
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.starts_with("job$"))
        });
        s.tmux.literal("fg");
        s.tmux.keys(&["Enter"]);
        s.tmux.wait(&format!("the explorer after fg #{round}"), |sc| {
            sc.contains("search=\"mailrw\"") && sc.contains("Requirements") && !sc.contains("error")
        });
        // It takes keys again.
        s.tmux.keys(&["j"]);
        s.tmux
            .wait("the cursor to move", |sc| sc.contains(&format!("{}/", round + 1)));
    }
    s.tmux.keys(&["q"]);
    s.tmux.wait("the shell", |sc| !sc.contains("Requirements"));
    s.tmux.literal("echo EXIT=$?");
    s.tmux.keys(&["Enter"]);
    s.tmux.wait("the exit status", |sc| sc.contains("EXIT=0"));
}
