//! Helpers shared by integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A folder under the system temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "permscope-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the real binary with a clean environment for data options.
pub fn permscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permscope"))
        .args(args)
        .env_remove("PERMSCOPE_DATA")
        .env("XDG_DATA_HOME", "/nonexistent/permscope-tests")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "160")
        .output()
        .expect("run permscope")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// A small valid product file.
pub fn product_json(slug: &str, description: &str) -> String {
    format!(
        r#"{{
  "slug": "{slug}",
  "vendor": "Test Vendor",
  "product": "Test Product",
  "source": {{ "title": "Test document", "file": "test.txt" }},
  "apps": [
    {{
      "name": "Test App",
      "requirements": [
        {{ "line": 3, "api": "Microsoft Graph", "permission": "Mail.Read", "type": "application", "description": "{description}" }},
        {{ "line": 4, "api": "Exchange", "permission": "full_access_as_app", "type": "application" }}
      ]
    }}
  ]
}}
"#
    )
}

/// Says that a test skips (a tool or `../shared` is missing) where plain
/// `cargo test` shows it: straight to the process's stderr, which libtest
/// does not capture (it captures `eprintln!`, shown only for failures or with
/// `--nocapture`). With `PERMSCOPE_NO_SKIP` set (`.ci/run` sets it: CI has
/// everything), a skip is a failure instead.
pub fn skip(why: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let line = format!("SKIPPED: {why}");
    if std::env::var_os("PERMSCOPE_NO_SKIP").is_some_and(|v| !v.is_empty()) {
        panic!("{line}\n(PERMSCOPE_NO_SKIP is set: this run must have everything every test needs)");
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
    let _ = err.flush();
}

/// Says that a test skips for want of a tool that CI cannot install either
/// (PowerShell is in none of the package registries CI reaches): shown like
/// [`skip`], but never a failure, so that nothing else may hide behind it.
pub fn skip_not_installable(why: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "SKIPPED: {why} (no package registry CI reaches offers it)");
    let _ = err.flush();
}

/// Holds the README's generated block between `<!-- NAME:start … -->` and
/// `<!-- NAME:end -->` to `expected` (the program's output): with
/// UPDATE_README set it is rewritten, else a stale block fails the test,
/// saying `how` to refresh it.
pub fn readme_block(name: &str, expected: &[String], how: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme
        .find(&format!("<!-- {name}:start"))
        .unwrap_or_else(|| panic!("{name}:start marker"));
    let end = readme
        .find(&format!("<!-- {name}:end -->"))
        .unwrap_or_else(|| panic!("{name}:end marker"));
    let body_start = start + readme[start..].find('\n').unwrap() + 1;
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{}\n{}", &readme[..body_start], expected.join("\n"), &readme[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    let block: Vec<&str> = readme[body_start..end].lines().collect();
    assert_eq!(
        block,
        expected,
        "README {name} block is stale ({how}); expected:\n{}",
        expected.join("\n")
    );
}
