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
        let t = Tmux {
            socket: format!("permscope-e2e-{}-{}", std::process::id(), w),
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
