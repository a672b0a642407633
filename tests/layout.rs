//! The code's layout holds what the README's "How the code is laid out"
//! promises: the model knows no terminal or command-line crate, no two source
//! files import each other, and no file is longer than 1,000 lines before its
//! tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out.sort();
    out
}

/// The module path of a source file (`crate::model::read::json`).
fn module_of(path: &Path) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rel = path.strip_prefix(&src).expect("under src").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().to_string()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        return "crate".into();
    }
    format!("crate::{}", parts.join("::"))
}

/// The code before the tests, without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable");
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
    before_tests
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which modules a file refers to: `crate::` paths, `super::`, and a parent's
/// own children it calls by name.
fn references(modules: &BTreeSet<String>, module: &str, code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // `super::x::y` is the parent's `x::y`: read as the `crate::` path it is.
    let resolved;
    let code = match module.rsplit_once("::") {
        Some((parent, _)) => {
            resolved = code.replace("super::", &format!("{parent}::"));
            resolved.as_str()
        }
        None => code,
    };
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let tail = &rest[at + 7..];
        let path: String = tail
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == ':')
            .collect();
        let after = &tail[path.len()..];
        // `crate::a::b::{c, d}` imports `a::b::c` and `a::b::d`, not `a::b` itself.
        let mut paths: Vec<String> = Vec::new();
        if path.ends_with("::")
            && let Some(group) = after.strip_prefix('{')
            && let Some(end) = group.find('}')
        {
            for name in group[..end].split(',') {
                let name: String = name
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == ':')
                    .collect();
                paths.push(format!("{path}{name}"));
            }
        } else {
            paths.push(path.clone());
        }
        for path in paths {
            let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            for n in (1..=parts.len()).rev() {
                let candidate = format!("crate::{}", parts[..n].join("::"));
                if modules.contains(&candidate) {
                    out.insert(candidate);
                    break;
                }
            }
        }
        rest = after;
    }
    for m in modules {
        if let Some(child) = m.strip_prefix(&format!("{module}::"))
            && !child.contains("::")
            && code.contains(&format!("{child}::"))
        {
            out.insert(m.clone());
        }
    }
    out.remove(module);
    out
}

#[test]
fn no_two_source_files_import_each_other() {
    let files = sources();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let deps: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|f| {
            let m = module_of(f);
            let refs = references(&modules, &m, &code(f));
            (m, refs)
        })
        .collect();
    let mut cycles = Vec::new();
    for (a, refs) in &deps {
        for b in refs {
            if a < b && deps.get(b).is_some_and(|r| r.contains(a)) {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files that import each other:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_model_knows_no_terminal_or_command_line_crate() {
    for f in sources() {
        if !module_of(&f).starts_with("crate::model") {
            continue;
        }
        let code = code(&f);
        for krate in ["ratatui", "crossterm", "clap"] {
            assert!(
                !code.contains(&format!("{krate}::")) && !code.contains(&format!("use {krate}")),
                "{} uses {krate}",
                f.display()
            );
        }
    }
}

#[test]
fn no_source_file_is_longer_than_a_thousand_lines_before_its_tests() {
    for f in sources() {
        let text = std::fs::read_to_string(&f).expect("readable");
        let lines = text.split("#[cfg(test)]").next().unwrap_or("").lines().count();
        assert!(lines <= 1000, "{} has {lines} lines before its tests", f.display());
    }
}
