//! Robustness: broken or hostile input never panics and never hangs, every error
//! says where the problem is, nothing already loaded is lost, and the explorer
//! survives any key sequence at any terminal size (0x0 included). Last, the real
//! binary under tmux gives the terminal back when it is killed.
//!
//! `cargo test` runs a fast pass: 12 to 64 cases per property, each run in a
//! child process that is killed if a case takes longer than the timeout.
//!
//! The long fuzz run (release build, every `fuzz_` property; hours at 100,000):
//!
//! ```sh
//! PERMSCOPE_FUZZ_CASES=100000 cargo test --release --test robustness -- fuzz_
//! ```
//!
//! - `PERMSCOPE_FUZZ_CASES`: cases per property (replaces each default).
//! - `PERMSCOPE_FUZZ_TIMEOUT_MS`: time allowed for one case before it counts as a
//!   hang (default 20000).
//! - A failing case is shrunk and printed, and its seed is saved in
//!   `tests/robustness.proptest-regressions`; every later run replays it first
//!   (commit that file to keep the regression).
//!
//! Corpus: the bundled data files (`data/products/*.json`, `data/risk.json`,
//! `data/workloads.json`, `data/permissions.json`), the grants fixtures and
//! `tests/fixtures/hostile/`, mutated by truncation, byte flips and sets,
//! insertions of hostile text, deletions, splices, deep nesting (up to 10,000
//! levels), huge strings (up to 100,000 characters) and, on the JSON tree,
//! values replaced by wrong types, removed keys and unknown keys. Classes once
//! missed have their own properties: objects written as arrays, byte order
//! marks, text at the schema's length limits, and imports that must write only
//! what the loader reads.

mod common;

use permscope::model::catalog::Catalog;
use permscope::model::level::RiskLevel;
use permscope::model::microsoft::MicrosoftCatalog;
use permscope::model::permission::PermissionKind;
use permscope::model::product::{Origin, Phase};
use permscope::model::query::{self, Query, Sort};
use permscope::model::read::ReadError;
use permscope::model::risk::RiskBook;
use permscope::model::text::find_unsafe;
use permscope::model::workload::WorkloadRules;
use permscope::tui::action::{Action, Effect};
use permscope::tui::app::App;
use permscope::tui::keymap::Keymap;
use permscope::tui::results::{FilterRequest, advise_app};
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- configuration

fn env_u32(name: &str) -> Option<u32> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// A property's configuration: `default_cases` unless PERMSCOPE_FUZZ_CASES says
/// otherwise, each case bounded by PERMSCOPE_FUZZ_TIMEOUT_MS.
fn config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: env_u32("PERMSCOPE_FUZZ_CASES").unwrap_or(default_cases),
        // Runs the cases in a child process that is killed when one hangs.
        timeout: env_u32("PERMSCOPE_FUZZ_TIMEOUT_MS").unwrap_or(20_000),
        max_shrink_iters: 2_000,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    }
}

/// Runs `f` on a thread and fails if it does not finish within `limit`
/// (for the deterministic tests; the properties use proptest's timeout).
fn within<T: Send + 'static>(what: &str, limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let start = Instant::now();
    std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn");
    match rx.recv_timeout(limit) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: still running after {:?} (a hang?)", start.elapsed())
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

// ---------------------------------------------------------------- corpus

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_dir_sorted(dir: &Path, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read(&p).unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Product files: the bundled ones, a minimal one, and the hostile fixtures.
static PRODUCT_SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let mut seeds: Vec<Vec<u8>> = read_dir_sorted(&root().join("data/products"), "json")
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    seeds.push(common::product_json("seed-minimal", "Read mail").into_bytes());
    seeds.extend(
        read_dir_sorted(&root().join("tests/fixtures/hostile"), "json")
            .into_iter()
            .filter(|(n, _)| !n.starts_with("risk-") && !n.starts_with("grants-") && !n.starts_with("deep-"))
            .map(|(_, b)| b),
    );
    seeds
});

const SMALL_RISK: &str = r#"{
  "version": 1,
  "description": "A reviewer's small book.",
  "entries": [
    { "apis": ["Microsoft Graph"], "permission": "Mail.Read",
      "application": { "level": "high", "score": 70, "reasons": ["Reads every mailbox."] },
      "delegated": { "level": "medium", "reasons": ["Reads the user's mail."] } }
  ],
  "rules": [
    { "id": "mail", "names": ["Mail.*"], "subject": "mail", "application": { "read": "high", "write": "critical" },
      "delegated": { "write": "high" }, "reasons": ["Mail is sensitive."] }
  ]
}"#;

static RISK_SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    // The bundled book is large: a slice of it (same shape) keeps most cases fast.
    let full = data_file("risk.json");
    let mut slice: Value = serde_json::from_slice(&full).unwrap();
    for list in ["entries", "rules"] {
        if let Some(Value::Array(items)) = slice.get_mut(list) {
            items.truncate(8);
        }
    }
    let mut seeds = vec![
        full,
        serde_json::to_vec_pretty(&slice).unwrap(),
        SMALL_RISK.as_bytes().to_vec(),
    ];
    seeds.extend(
        read_dir_sorted(&root().join("tests/fixtures/hostile"), "json")
            .into_iter()
            .filter(|(n, _)| n.starts_with("risk-"))
            .map(|(_, b)| b),
    );
    seeds
});

static GRANTS_SEEDS: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let mut seeds = read_dir_sorted(&root().join("tests/fixtures/grants"), "json");
    seeds.extend(read_dir_sorted(&root().join("tests/fixtures/grants"), "csv"));
    seeds.extend(
        read_dir_sorted(&root().join("tests/fixtures/hostile"), "json")
            .into_iter()
            .filter(|(n, _)| n.starts_with("grants-")),
    );
    seeds.extend(read_dir_sorted(&root().join("tests/fixtures/hostile"), "csv"));
    seeds
});

fn data_file(name: &str) -> Vec<u8> {
    std::fs::read(root().join("data").join(name)).unwrap()
}

/// The bundled APIs, facts and rules without products; cloned for each case.
static EMPTY: LazyLock<Catalog> = LazyLock::new(Catalog::empty);
/// Everything bundled.
static BUNDLED: LazyLock<Catalog> = LazyLock::new(|| {
    let (c, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    c
});
/// A small catalog with very wide and very long (but loadable) text.
static WIDE: LazyLock<Catalog> = LazyLock::new(wide_catalog);

fn wide_catalog() -> Catalog {
    let mut c = Catalog::empty();
    let text = std::fs::read_to_string(root().join("tests/fixtures/hostile/wide-text.json")).unwrap();
    c.add_product_text(&text, Origin::Bundled("wide-text.json")).unwrap();
    // 100,000 characters, wide and narrow, in one row's description and purpose.
    let long = common::product_json("long-text", &"日本語テキスト🦀 abc ".repeat(7_700));
    let long = long.replacen(
        "\"type\": \"application\" }",
        &format!("\"type\": \"application\", \"purpose\": \"{}\" }}", "x".repeat(100_000)),
        1,
    );
    c.add_product_text(&long, Origin::Bundled("long-text.json")).unwrap();
    c
}

// ---------------------------------------------------------------- mutations

/// Text that breaks parsers and terminals.
const SNIPPETS: &[&str] = &[
    "\u{1b}[31m",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}]52;c;cHduZWQ=\u{7}",
    "\u{1b}P1$qm\u{1b}\\",
    "\u{9b}31m",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{0}",
    "\\u001b",
    "\\ud800",
    "\\u0000",
    "\\",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-0",
    "1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "0.0000000000000000000000000001",
    "\"line\": 0",
    "\"line\": 4294967296",
    "\"type\": \"sideways\"",
    "\"api\": \"Nowhere\"",
    "\"slug\": \"Bad Slug\"",
    "\"apps\": []",
    "\"workloads\": [{\"workload\": \"  \"}]",
    "\"phases\": [\"Sometime\"]",
    "日本語",
    "🦀",
    "e\u{301}",
    "\u{10ffff}",
    "\r\n",
    "\t",
];

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        4 => prop::sample::select(vec![
            'a', 'Z', '.', '-', ' ', '"', '\\', '{', '}', '[', ']', ',', ':', '\u{1b}', '\u{7}', '\u{0}', '\n', '\u{9b}',
            '\u{85}', '\u{7f}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{200d}', '\u{feff}', '\u{2028}', '日', '🦀',
            '\u{301}', '\u{ffff}', '\u{10ffff}',
        ]),
    ]
}

/// Strings from short and tricky to 100,000 characters.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(hostile_char(), 0..40).prop_map(|v| v.into_iter().collect()),
        3 => prop::sample::select(SNIPPETS).prop_map(str::to_string),
        1 => (prop::sample::select(vec!["x", "日", "🦀", "\u{1b}[", "\u{202e}", "a ", "e\u{301}"]), 1_000..100_000usize)
            .prop_map(|(s, n)| s.repeat(n / s.chars().count())),
    ]
}

/// Hostile strings of at most 40 characters.
fn short_hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(hostile_char(), 0..40).prop_map(|v| v.into_iter().collect()),
        prop::sample::select(SNIPPETS).prop_map(str::to_string),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    FlipByte(Index, u8),
    SetByte(Index, u8),
    Insert(Index, String),
    Delete(Index, u16),
    /// Copies a slice of the text to another place.
    Splice(Index, Index, u16),
    /// Opens `depth` arrays or objects (never closed).
    DeepNest(Index, u16, bool),
    /// A JSON string of many characters.
    HugeString(Index, u32),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => any::<Index>().prop_map(Mutation::Truncate),
        3 => (any::<Index>(), 1..=255u8).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        4 => (any::<Index>(), hostile_string()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        2 => (any::<Index>(), 1..200u16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        2 => (any::<Index>(), any::<Index>(), 1..400u16).prop_map(|(a, b, n)| Mutation::Splice(a, b, n)),
        1 => (any::<Index>(), 1..=10_000u16, any::<bool>()).prop_map(|(i, d, o)| Mutation::DeepNest(i, d, o)),
        1 => (any::<Index>(), 1_000..100_000u32).prop_map(|(i, n)| Mutation::HugeString(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    let at = |i: &Index| if len == 0 { 0 } else { i.index(len + 1) };
    match m {
        Mutation::Truncate(i) => bytes.truncate(at(i)),
        Mutation::FlipByte(i, b) => {
            if len > 0 {
                bytes[i.index(len)] ^= b;
            }
        }
        Mutation::SetByte(i, b) => {
            if len > 0 {
                bytes[i.index(len)] = *b;
            }
        }
        Mutation::Insert(i, s) => {
            let p = at(i);
            bytes.splice(p..p, s.bytes());
        }
        Mutation::Delete(i, n) => {
            let p = at(i).min(len);
            let end = (p + *n as usize).min(len);
            bytes.drain(p..end);
        }
        Mutation::Splice(from, to, n) => {
            if len > 0 {
                let a = from.index(len);
                let piece: Vec<u8> = bytes[a..(a + *n as usize).min(len)].to_vec();
                let p = at(to).min(bytes.len());
                bytes.splice(p..p, piece);
            }
        }
        Mutation::DeepNest(i, depth, objects) => {
            let p = at(i);
            let open: &[u8] = if *objects { b"{\"a\":" } else { b"[" };
            let piece: Vec<u8> = open.repeat(*depth as usize);
            bytes.splice(p..p, piece);
        }
        Mutation::HugeString(i, n) => {
            let p = at(i);
            let mut piece = b"\"".to_vec();
            piece.extend(std::iter::repeat_n(b'x', *n as usize));
            piece.push(b'"');
            bytes.splice(p..p, piece);
        }
    }
}

/// A change to a parsed JSON tree: the shapes a type checker must refuse.
#[derive(Debug, Clone)]
enum TreeMutation {
    Replace(Index, Value),
    Remove(Index),
    AddKey(Index, String, Value),
    Wrap(Index),
}

fn hostile_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop::sample::select(vec![0i64, -1, 1, 3, i64::MIN, i64::MAX, 4_294_967_296]).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        prop::sample::select(vec![0.5f64, -0.0, 1e300, -1e-300]).prop_map(Value::from),
        hostile_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((hostile_string(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn tree_mutation() -> impl Strategy<Value = TreeMutation> {
    prop_oneof![
        4 => (any::<Index>(), hostile_value()).prop_map(|(i, v)| TreeMutation::Replace(i, v)),
        2 => any::<Index>().prop_map(TreeMutation::Remove),
        2 => (any::<Index>(), hostile_string(), hostile_value()).prop_map(|(i, k, v)| TreeMutation::AddKey(i, k, v)),
        1 => any::<Index>().prop_map(TreeMutation::Wrap),
    ]
}

/// Paths (as index lists into object entries and array items) of every node.
fn node_paths(v: &Value, here: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(here.clone());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                here.push(i);
                node_paths(item, here, out);
                here.pop();
            }
        }
        Value::Object(map) => {
            for (i, (_, item)) in map.iter().enumerate() {
                here.push(i);
                node_paths(item, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'v>(v: &'v mut Value, path: &[usize]) -> &'v mut Value {
    let Some((&first, rest)) = path.split_first() else {
        return v;
    };
    match v {
        Value::Array(items) => node_mut(&mut items[first], rest),
        Value::Object(map) => node_mut(map.values_mut().nth(first).unwrap(), rest),
        _ => unreachable!("paths lead through containers"),
    }
}

fn apply_tree(v: &mut Value, m: &TreeMutation) {
    let mut paths = Vec::new();
    node_paths(v, &mut Vec::new(), &mut paths);
    match m {
        TreeMutation::Replace(i, new) => *node_mut(v, &paths[i.index(paths.len())]) = new.clone(),
        TreeMutation::Remove(i) => {
            let path = &paths[i.index(paths.len())];
            if let Some((&last, parent)) = path.split_last() {
                match node_mut(v, parent) {
                    Value::Array(items) => {
                        items.remove(last);
                    }
                    Value::Object(map) => {
                        let key = map.keys().nth(last).unwrap().clone();
                        map.remove(&key);
                    }
                    _ => {}
                }
            }
        }
        TreeMutation::AddKey(i, key, new) => {
            if let Value::Object(map) = node_mut(v, &paths[i.index(paths.len())]) {
                map.insert(key.clone(), new.clone());
            }
        }
        TreeMutation::Wrap(i) => {
            let node = node_mut(v, &paths[i.index(paths.len())]);
            *node = Value::Array(vec![node.take()]);
        }
    }
}

/// A seed from `seeds`, mutated as bytes, or as a JSON tree when it parses.
fn mutated(seeds: &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select((0..seeds.len()).collect::<Vec<_>>()),
        any::<bool>(),
        prop::collection::vec(tree_mutation(), 0..4),
        prop::collection::vec(mutation(), 0..4),
    )
        .prop_map(move |(i, tree_first, tree, bytes)| {
            let mut text = seeds[i].clone();
            if tree_first && let Ok(mut v) = serde_json::from_slice::<Value>(&text) {
                for m in &tree {
                    apply_tree(&mut v, m);
                }
                text = serde_json::to_vec_pretty(&v).unwrap();
            }
            for m in &bytes {
                apply(&mut text, m);
            }
            text
        })
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------- what every error must say

/// The error names `origin`, a line inside the text, and shows no unsafe character
/// outside the field path (the field is checked by `injection::load_error_display_*`).
fn check_load_error(e: &ReadError, origin: &str, text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(&e.origin, origin, "error names the file: {}", e);
    prop_assert!(!e.message.trim().is_empty(), "error says what is wrong: {:?}", e);
    let lines = text.split('\n').count();
    let line = e.line;
    prop_assert!(line.is_some(), "error names a line: {:?}", e);
    prop_assert!(
        line.is_some_and(|l| l >= 1 && l <= lines),
        "line {:?} is inside the text ({} lines): {:?}",
        line,
        lines,
        e
    );
    let shown = e.to_string();
    let shown = match &e.field {
        Some(f) => shown.replacen(f.as_str(), "", 1),
        None => shown,
    };
    prop_assert!(
        find_unsafe(&shown).is_none(),
        "error text is unsafe to print: {:?}",
        shown
    );
    Ok(())
}

/// What the loader let in is free of unsafe characters.
fn check_loaded_text(c: &Catalog) -> Result<(), TestCaseError> {
    for p in &c.products {
        let mut texts: Vec<&str> = vec![&p.slug, &p.vendor, &p.name, &p.source.title, &p.source.file];
        texts.extend(p.source.version.as_deref());
        texts.extend(p.source.date.as_deref());
        texts.extend(p.source.url.as_deref());
        texts.extend(p.notes.iter().map(String::as_str));
        for a in &p.apps {
            texts.push(&a.name);
            texts.extend(a.description.as_deref());
            texts.extend(a.notes.iter().map(String::as_str));
        }
        for t in texts {
            prop_assert!(find_unsafe(t).is_none(), "loaded unsafe text {:?}", t);
        }
    }
    for r in &c.requirements {
        let mut texts: Vec<&str> = vec![&*r.api_as_written, &r.permission];
        texts.extend(r.table.as_deref());
        texts.extend(r.permission_as_written.as_deref());
        texts.extend(r.description.as_deref());
        texts.extend(r.purpose.as_deref());
        texts.extend(r.condition.as_deref());
        texts.extend(r.workloads.iter().map(|w| &*w.workload));
        texts.extend(r.attributes.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]));
        texts.extend(r.notes.iter().map(String::as_str));
        for t in texts {
            prop_assert!(find_unsafe(t).is_none(), "loaded unsafe text {:?}", t);
        }
    }
    Ok(())
}

const FUZZ_ORIGIN: &str = "bundled data/products/fuzz.json";

fn check_product_text(text: &str) -> Result<(), TestCaseError> {
    let mut c = EMPTY.clone();
    match c.add_product_text(text, Origin::Bundled("fuzz.json")) {
        Ok(()) => {
            prop_assert_eq!(c.products.len(), 1);
            check_loaded_text(&c)?;
            // What loaded can be listed, rated and shown.
            let rows: Vec<usize> = (0..c.requirements.len()).collect();
            for format in [
                permscope::model::listing::ListFormat::Table,
                permscope::model::listing::ListFormat::Json,
            ] {
                let out = permscope::model::listing::render(&c, &rows, format, 80);
                prop_assert!(!out.is_empty());
            }
        }
        Err(e) => check_load_error(&e, FUZZ_ORIGIN, text)?,
    }
    Ok(())
}

// ---------------------------------------------------------------- loaders under fuzz

proptest! {
    #![proptest_config(config(64))]

    /// Product text: no panic, no hang; an error names the file, a line and the
    /// field, and prints safely; what loads is free of unsafe characters.
    #[test]
    fn fuzz_product_text(bytes in mutated(&PRODUCT_SEEDS)) {
        check_product_text(&lossy(&bytes))?;
    }

    /// Arbitrary Unicode, not derived from a seed.
    #[test]
    fn fuzz_product_text_arbitrary(text in prop_oneof![".{0,200}", hostile_string()]) {
        check_product_text(&text)?;
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// A data folder with a broken file (raw bytes: invalid UTF-8 too): every
    /// bad file is reported with its path and a line, and nothing else is lost.
    #[test]
    fn fuzz_data_folder(files in prop::collection::vec((mutated(&PRODUCT_SEEDS), any::<bool>()), 1..4)) {
        let dir = common::TempDir::new("fuzz-dir");
        let mut paths = Vec::new();
        // Some files start with a UTF-8 byte order mark, as Windows editors write them.
        let files: Vec<Vec<u8>> = files
            .into_iter()
            .map(|(bytes, bom)| if bom { [&[0xef, 0xbb, 0xbf][..], &bytes].concat() } else { bytes })
            .collect();
        for (i, bytes) in files.iter().enumerate() {
            let p = dir.path().join(format!("file-{i}.json"));
            std::fs::write(&p, bytes).unwrap();
            paths.push(p);
        }
        let (c, report) = Catalog::load(&[dir.path().to_path_buf()]);
        for b in &BUNDLED.products {
            prop_assert!(c.product_index(&b.slug).is_some(), "bundled product {} was lost", b.slug);
        }
        let from_files = c.products.iter().filter(|p| matches!(p.origin, Origin::File(_))).count();
        prop_assert_eq!(from_files + report.errors.len(), files.len(), "every file is loaded or reported");
        for e in &report.errors {
            let i = paths.iter().position(|p| p.display().to_string() == e.origin);
            prop_assert!(i.is_some(), "error names one of the files: {}", e);
            let text = lossy(&files[i.unwrap()]);
            check_load_error(e, &e.origin.clone(), &text)?;
        }
        check_loaded_text(&c)?;
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// Risk rules: no panic, no hang; an error names the file, line, column and
    /// field; a book that loads rates anything.
    #[test]
    fn fuzz_risk_rules(bytes in mutated(&RISK_SEEDS), names in prop::collection::vec(hostile_string(), 1..4)) {
        let text = lossy(&bytes);
        match RiskBook::from_json(&text, "fuzz-risk.json") {
            Ok(book) => {
                let mut layered = RiskBook::bundled();
                layered.layer(book.clone());
                for name in &names {
                    for kind in [PermissionKind::Application, PermissionKind::Delegated] {
                        for api in ["Microsoft Graph", "Azure DevOps", name.as_str()] {
                            let r = book.rate(api, kind, name);
                            prop_assert!(!r.reasons.is_empty());
                            prop_assert!(r.level.score_range().contains(&r.score) || r.level == RiskLevel::Unknown);
                            let _ = layered.rate(api, kind, name);
                        }
                    }
                }
            }
            Err(e) => {
                prop_assert_eq!(e.origin.as_str(), "fuzz-risk.json");
                let lines = text.split('\n').count();
                prop_assert!(e.line.unwrap_or(0) >= 1 && e.line.unwrap_or(0) <= lines, "line {} of {}: {}", e.line.unwrap_or(0), lines, e);
                prop_assert!(e.column.unwrap_or(0) >= 1, "columns are 1-based: {}", e);
                prop_assert!(!e.message.is_empty(), "{}", e);
            }
        }
    }

    /// Workload rules and permission facts: no panic, no hang; what loads answers any question.
    #[test]
    fn fuzz_workloads_and_facts(
        workloads in mutated(&WORKLOAD_SEEDS),
        facts in mutated(&FACT_SEEDS),
        probe in hostile_string(),
    ) {
        if let Ok(rules) = WorkloadRules::from_json(&lossy(&workloads)) {
            let _ = rules.names();
            let _ = rules.workload_for("Microsoft Graph", &probe);
            let _ = rules.workload_for(&probe, &probe);
            let _ = rules.phases_in(&probe);
        }
        match MicrosoftCatalog::from_json(&lossy(&facts), "fuzz-catalog.json") {
            Ok(f) => {
                for kind in [PermissionKind::Application, PermissionKind::Delegated] {
                    let _ = f.get(&probe, kind, &probe);
                    let _ = f.name_of(&probe, kind, &probe);
                    let _ = f.spelled_differently(&probe, kind, &probe);
                    let _ = f.suggest(&probe, kind, &probe);
                }
            }
            Err(e) => prop_assert!(e.to_string().starts_with("fuzz-catalog.json"), "{}", e),
        }
    }
}

static WORKLOAD_SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| vec![data_file("workloads.json")]);
static FACT_SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    // The full catalog is large; a slice of each resource keeps cases fast and the shape intact.
    let full: Value = serde_json::from_slice(&data_file("microsoft/permissions.json")).unwrap();
    let mut small = full.clone();
    if let Some(Value::Array(resources)) = small.get_mut("resources") {
        for r in resources {
            if let Some(Value::Array(list)) = r.get_mut("permissions") {
                list.truncate(6);
            }
        }
    }
    vec![serde_json::to_vec_pretty(&small).unwrap()]
});

fn query_strategy() -> impl Strategy<Value = (Query, Sort)> {
    (
        prop_oneof![".{0,60}", short_hostile_string(), hostile_string(), "[a-zA-Z. ]{0,30}"],
        prop::collection::vec(0..12usize, 0..3),
        prop::collection::vec(0..8usize, 0..3),
        prop::option::of(prop::sample::select(vec![
            PermissionKind::Application,
            PermissionKind::Delegated,
        ])),
        prop::collection::vec(prop_oneof![hostile_string(), Just("Exchange Online".to_string())], 0..2),
        prop::option::of(prop::sample::select(Phase::ALL.to_vec())),
        prop::option::of(prop::sample::select(RiskLevel::ALL.to_vec())),
        prop::sample::select(Sort::ALL.to_vec()),
    )
        .prop_map(|(text, products, apis, kind, workloads, phase, min_risk, sort)| {
            (
                Query {
                    products,
                    apps: Vec::new(),
                    apis,
                    kind,
                    workloads,
                    phase,
                    min_risk,
                    text,
                },
                sort,
            )
        })
}

proptest! {
    #![proptest_config(config(64))]

    /// The query: any text and any facets (even indices that name nothing) run
    /// without panic and return each passing row once.
    #[test]
    fn fuzz_query((q, sort) in query_strategy(), name in hostile_string()) {
        for catalog in [&*BUNDLED, &*WIDE] {
            let hits = query::run(catalog, &q, sort);
            let mut rows: Vec<usize> = hits.iter().map(|h| h.row).collect();
            prop_assert!(rows.iter().all(|&r| r < catalog.requirements.len()));
            rows.sort_unstable();
            rows.dedup();
            prop_assert_eq!(rows.len(), hits.len(), "a row appears once");
            let groups = query::group_by_permission(catalog, hits.iter().map(|h| h.row));
            prop_assert_eq!(groups.iter().map(|g| g.rows.len()).sum::<usize>(), hits.len());
            // Filters written by hand: refused with a message that prints safely.
            let mut q2 = Query::default();
            for r in [q2.add_product(catalog, &name), q2.add_api(catalog, &name), q2.add_workload(catalog, &name)] {
                if let Err(e) = r {
                    let shown = e.to_string();
                    prop_assert!(find_unsafe(&shown).is_none(), "unsafe error text {:?}", shown);
                }
            }
        }
    }
}

// ---------------------------------------------------------------- grants, manifests, CSV

fn grants_seed_bytes() -> &'static [Vec<u8>] {
    static BYTES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| GRANTS_SEEDS.iter().map(|(_, b)| b.clone()).collect());
    &BYTES
}

proptest! {
    #![proptest_config(config(48))]

    /// Grants exports, manifests and vendor CSVs: no panic, no hang; an error names
    /// the file and prints safely; an import that succeeds loads as a product.
    #[test]
    fn fuzz_grants_and_import(bytes in mutated(grants_seed_bytes()), csv in any::<bool>()) {
        use permscope::model::{audit, grants, import};
        let origin = if csv { "fuzz-vendor.csv" } else { "fuzz-grants.json" };
        // Decoding raw bytes (BOMs, UTF-16, invalid UTF-8).
        if let Err(e) = permscope::model::read::file::decode(&bytes, origin) {
            prop_assert_eq!(&e.origin, origin);
        }
        let text = lossy(&bytes);
        match permscope::model::read::grants::read_export(&text, origin) {
            Ok(export) => {
                let mut c = BUNDLED.clone();
                for entries in &export.catalogs {
                    let _ = grants::extend_catalog(&mut c, entries, None);
                }
                let resolved = grants::resolve(&c, &export.grants);
                let a = audit::audit(&c, 0, &resolved);
                for out in [audit::to_markdown(&a), audit::to_table(&a, 100)] {
                    prop_assert!(find_unsafe(&out.replace(['\n', '\t'], " ")).is_none(), "unsafe audit text {:?}", out);
                }
                let _ = audit::to_json(&a);
            }
            Err(e) => {
                prop_assert_eq!(&e.origin, origin);
                prop_assert!(!e.message.is_empty());
            }
        }
        match import::import(&BUNDLED, &text, origin, "fuzz-vendor", "Fuzz Vendor", None) {
            Ok(json) => {
                prop_assert!(json.len() as u64 <= permscope::model::read::file::MAX_FILE_BYTES);
                let mut c = EMPTY.clone();
                let loaded = c.add_product_text(&json, Origin::Bundled("imported.json"));
                prop_assert!(loaded.is_ok(), "an import's output loads: {:?}", loaded.err());
            }
            Err(e) => {
                let mut shown = e.to_string();
                // A field path quoting the input is the known `ReadError` display bug
                // (see injection.rs); everything else must print safely.
                if let import::ImportError::Input(le) | import::ImportError::Invalid(le) = &e
                    && let Some(f) = &le.field
                {
                    shown = shown.replacen(f.as_str(), "", 1);
                }
                prop_assert!(
                    find_unsafe(&shown.replace('\n', " ")).is_none(),
                    "import error is unsafe to print: {:?}",
                    shown
                );
            }
        }
    }
}

// ---------------------------------------------------------------- classes of input once missed

/// The bundled product files and the minimal one: seeds that load.
static GOOD_PRODUCTS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let mut seeds: Vec<Vec<u8>> = read_dir_sorted(&root().join("data/products"), "json")
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    seeds.push(common::product_json("seed-minimal", "Read mail").into_bytes());
    seeds
});

/// Every object of `v` (by node path, as [`node_paths`] counts), for turning one into an array.
fn object_paths(v: &Value, here: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    let children: Box<dyn Iterator<Item = &Value>> = match v {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(map) => {
            out.push(here.clone());
            Box::new(map.values())
        }
        _ => return,
    };
    for (i, child) in children.enumerate() {
        here.push(i);
        object_paths(child, here, out);
        here.pop();
    }
}

/// The error for a risk or product text, if any.
fn load_error(product: bool, text: &str) -> Option<ReadError> {
    if product {
        EMPTY.clone().add_product_text(text, Origin::Bundled("fuzz.json")).err()
    } else {
        RiskBook::from_json(text, "fuzz-risk.json").err()
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// An object written as an array of its values (serde's derived readers
    /// take that for a struct) is refused wherever it is, with its place.
    #[test]
    fn fuzz_positional_arrays_are_refused(product in any::<bool>(), seed in any::<Index>(), which in any::<Index>()) {
        let seeds: &[Vec<u8>] = if product { &GOOD_PRODUCTS } else { &RISK_SEEDS[..3] };
        let mut v: Value = serde_json::from_slice(&seeds[seed.index(seeds.len())]).unwrap();
        let mut objects = Vec::new();
        object_paths(&v, &mut Vec::new(), &mut objects);
        let path = &objects[which.index(objects.len())];
        let node = node_mut(&mut v, path);
        let values: Vec<Value> = node.as_object().unwrap().values().cloned().collect();
        *node = Value::Array(values);
        let text = serde_json::to_string_pretty(&v).unwrap();
        let e = load_error(product, &text);
        prop_assert!(e.is_some(), "an array loaded as an object at {:?}", path);
        let e = e.unwrap();
        prop_assert!(e.message.contains("invalid type: a list [...]"), "{}", e);
        prop_assert!(e.line.is_some_and(|l| l >= 1) && e.column.is_some_and(|c| c >= 1), "{}", e);
    }

    /// A byte order mark changes nothing: what loads without one loads with
    /// one, and an error is the same error at the same place.
    #[test]
    fn fuzz_byte_order_marks_change_nothing(product in any::<bool>(), bytes in prop_oneof![mutated(&PRODUCT_SEEDS), mutated(&RISK_SEEDS)]) {
        let text = lossy(&bytes);
        // (A second mark after the first is a character in the text, not a mark.)
        prop_assume!(!text.starts_with('\u{feff}'));
        let plain = load_error(product, &text);
        let marked = load_error(product, &format!("\u{feff}{text}"));
        match (plain, marked) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                prop_assert_eq!((a.line, a.column, &a.field, &a.message), (b.line, b.column, &b.field, &b.message));
            }
            (a, b) => prop_assert!(false, "without a mark: {:?}; with one: {:?}", a, b),
        }
    }

    /// Text at and around the schema's limits: a field loads exactly when it is
    /// within its limit, and the error names the field.
    #[test]
    fn fuzz_text_limits(
        field in prop::sample::select(vec!["vendor", "product", "app", "note", "title", "api-note", "permission"]),
        delta in -2i32..=2,
        c in prop::sample::select(vec!['x', 'é', '日', '🦀']),
    ) {
        use permscope::model::read::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
        let limit = if field == "permission" { MAX_NAME_CHARS } else { MAX_TEXT_CHARS };
        let n = (limit as i32 + delta) as usize;
        let t: String = std::iter::repeat_n(c, n).collect();
        let base = common::product_json("limits", "Read mail");
        let text = match field {
            "vendor" => base.replace("\"Test Vendor\"", &format!("\"{t}\"")),
            "product" => base.replace("\"Test Product\"", &format!("\"{t}\"")),
            "app" => base.replace("\"Test App\"", &format!("\"{t}\"")),
            "title" => base.replace("\"Test document\"", &format!("\"{t}\"")),
            "note" => base.replace("\"apps\": [", &format!("\"notes\": [\"{t}\"], \"apps\": [")),
            "api-note" => base.replace("\"type\": \"application\" }", &format!("\"type\": \"application\", \"notes\": [\"{t}\"] }}")),
            _ => base.replace("\"Mail.Read\"", &format!("\"{t}\"")),
        };
        let e = load_error(true, &text);
        if n <= limit {
            prop_assert!(e.is_none(), "{} of {} characters refused: {:?}", field, n, e);
        } else {
            let e = e.unwrap();
            prop_assert!(e.message.contains(&format!("{n} characters long; at most {limit}")), "{}", e);
            prop_assert!(e.field.is_some(), "{}", e);
        }
    }

    /// An import from a CSV with cells of any size writes only what the loader
    /// reads: the file loads, and is within the size cap.
    #[test]
    fn fuzz_import_writes_only_what_loads(
        cells in prop::collection::vec((hostile_string(), hostile_string(), hostile_string()), 1..4),
        permission in prop_oneof![Just("Mail.Read".to_string()), "[A-Za-z.]{1,300}"],
    ) {
        use permscope::model::import;
        let mut csv = String::from("api,permission,type,purpose,notes,app\n");
        for (purpose, notes, app) in &cells {
            let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            csv.push_str(&format!("Microsoft Graph,{permission},application,{},{},{}\n", q(purpose), q(notes), q(app)));
        }
        if let Ok(json) = import::import(&BUNDLED, &csv, "fuzz.csv", "fuzz-vendor", "Fuzz", None) {
            prop_assert!(json.len() as u64 <= permscope::model::read::file::MAX_FILE_BYTES);
            let loaded = EMPTY.clone().add_product_text(&json, Origin::Bundled("imported.json"));
            prop_assert!(loaded.is_ok(), "an import's output loads: {:?}", loaded.err());
        }
    }
}

// ---------------------------------------------------------------- pathological inputs, by hand

/// Deep nesting, huge strings and huge numbers in every parser: a prompt error.
#[test]
fn pathological_inputs_are_refused_promptly() {
    let mut inputs: Vec<(String, String)> = [
        ("10k arrays", "[".repeat(10_000)),
        (
            "10k arrays closed",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        ),
        ("10k objects", "{\"a\":".repeat(10_000)),
        (
            "10k objects in a field",
            format!("{{\"slug\": {}", "{\"a\":".repeat(10_000)),
        ),
        ("1 MB string", format!("\"{}\"", "x".repeat(1 << 20))),
        ("1 MB key", format!("{{\"{}\": 1}}", "k".repeat(1 << 20))),
        ("huge number", "9".repeat(100_000)),
        ("empty", String::new()),
        ("nul bytes", "\0".repeat(1000)),
        ("only whitespace", " \n\t\r".repeat(10_000)),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t))
    .collect();
    for (name, bytes) in read_dir_sorted(&root().join("tests/fixtures/hostile"), "json") {
        inputs.push((name, lossy(&bytes)));
    }
    for (what, text) in inputs {
        let label = what.clone();
        within(&label, Duration::from_secs(20), move || {
            let mut c = Catalog::empty();
            if let Err(e) = c.add_product_text(&text, Origin::Bundled("fuzz.json")) {
                assert_eq!(e.origin, FUZZ_ORIGIN);
                assert!(e.line.is_some(), "{what}: {e}");
            }
            if let Err(e) = RiskBook::from_json(&text, "r.json") {
                assert_eq!(e.origin, "r.json");
                assert!(e.line.unwrap_or(0) >= 1);
            }
            let _ = WorkloadRules::from_json(&text);
            let _ = MicrosoftCatalog::from_json(&text, "c.json");
            let _ = permscope::model::read::grants::read_export(&text, "g.json");
            let _ = permscope::model::import::import(&c, &text, "g.csv", "x-vendor", "X", None);
            let _ = permscope::model::import::import(&c, &text, "g.json", "x-vendor", "X", None);
            // (Long queries on long text have their own test below.)
            let q = Query {
                text: text.chars().take(2_000).collect(),
                ..Query::default()
            };
            let _ = query::run(&BUNDLED, &q, Sort::Relevance);
        });
    }
}

/// A query as long as a file, and many terms, on rows with 100,000-character text.
/// Fuzzy matching costs (query length) x (field length) time and memory per field
/// (9.6 s for a 1,000-character query and 88 s for 10,000 characters in a debug
/// build; 150 ms per keystroke in release for the explorer's 200-character limit).
#[test]

fn long_queries_finish() {
    for text in [
        "x".repeat(100_000),
        "x ".repeat(5_000),
        "日本語テキスト🦀 abc ".repeat(200),
        "e".repeat(200),
    ] {
        within("long query", Duration::from_secs(60), move || {
            let q = Query {
                text,
                ..Query::default()
            };
            let _ = query::run(&WIDE, &q, Sort::Relevance);
            let _ = query::run(&BUNDLED, &q, Sort::Risk);
        });
    }
}

/// Special files in a data folder: a folder named like a product file, a
/// dangling symlink, an empty file. Each is reported; nothing hangs (a FIFO
/// would block a naive reader forever).
#[test]
fn odd_files_in_a_data_folder_are_reported() {
    let dir = common::TempDir::new("odd-files");
    std::fs::create_dir(dir.path().join("folder.json")).unwrap();
    dir.write("empty.json", "");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("dangling.json")).unwrap();
    #[cfg(unix)]
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.path().join("fifo.json"))
        .status()
        .is_ok_and(|s| s.success());
    #[cfg(not(unix))]
    let fifo = false;
    let path = dir.path().to_path_buf();
    let (c, report) = within("odd files", Duration::from_secs(20), move || Catalog::load(&[path]));
    assert_eq!(c.products.len(), BUNDLED.products.len(), "nothing lost, nothing added");
    let expected = 2 + usize::from(cfg!(unix)) + usize::from(fifo);
    assert_eq!(report.errors.len(), expected, "{:#?}", report.errors);
    for e in &report.errors {
        assert!(e.origin.starts_with(&dir.path().display().to_string()), "{e}");
    }
}

/// A missing data folder, and one that is a file, are reported by path.
#[test]
fn missing_data_folders_are_reported() {
    let dir = common::TempDir::new("missing-dir");
    let file = dir.write("plain.txt", "not a folder");
    let missing = dir.path().join("nowhere");
    let (c, report) = Catalog::load(&[missing.clone(), file.clone()]);
    assert_eq!(c.products.len(), BUNDLED.products.len());
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert_eq!(report.errors[0].origin, missing.display().to_string());
    assert_eq!(report.errors[1].origin, file.display().to_string());
}

/// Columns are 1-based: a raw newline inside a string is reported by serde_json
/// at column 0 of the next line, which `RiskError` passes on as is.
#[test]
fn risk_error_columns_are_one_based() {
    let text = "{\n  \"version\": 1,\n  \"description\": \"two\nlines\",\n  \"entries\": [],\n  \"rules\": []\n}\n";
    let e = RiskBook::from_json(text, "newline.json").unwrap_err();
    assert_eq!(e.origin, "newline.json");
    assert!(e.column.unwrap_or(0) >= 1, "{e}");
    assert_eq!(
        e.line.unwrap_or(0),
        3,
        "the string that holds the newline starts on line 3: {e}"
    );
}

/// A raw line break in a product file's string is reported on the line where
/// the string starts, as in risk rules.
#[test]
fn product_newline_errors_point_at_the_string() {
    let text = "{\n  \"slug\": \"x\",\n  \"vendor\": \"two\nlines\",\n  \"product\": \"P\"\n}\n";
    let e = Catalog::empty()
        .add_product_text(text, Origin::Bundled("newline.json"))
        .unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert_eq!(e.column, Some(13), "the opening quote of the vendor: {e}");
}

/// The same when the string's next line starts with its closing quote, and
/// columns count characters, not bytes.
#[test]
fn newline_errors_point_at_the_string_in_every_case() {
    let risk = "{\n  \"version\": 1,\n  \"description\": \"two\n\",\n  \"entries\": [],\n  \"rules\": []\n}\n";
    let e = RiskBook::from_json(risk, "newline.json").unwrap_err();
    assert_eq!((e.line, e.column), (Some(3), Some(18)), "{e}");
    let product = "{\n  \"slug\": \"x\",\n  \"vendor\": \"Ünï\", \"product\": \"two\nlines\"\n}\n";
    let e = Catalog::empty()
        .add_product_text(product, Origin::Bundled("newline.json"))
        .unwrap_err();
    assert_eq!(
        (e.line, e.column),
        (Some(3), Some(31)),
        "the opening quote of the product (33 in bytes): {e}"
    );
}

/// A value in a list or map points at the element, not the end of the list.
#[test]
fn list_element_errors_point_at_the_element() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/hostile/bel-in-note.json")).unwrap();
    let e = Catalog::empty()
        .add_product_text(&text, Origin::Bundled("bel-in-note.json"))
        .unwrap_err();
    let want = text.lines().position(|l| l.contains("ding")).unwrap() + 1;
    assert_eq!(e.field.as_deref(), Some("notes[0]"), "{e}");
    assert_eq!(e.line, Some(want), "{e}");
}

// ---------------------------------------------------------------- the explorer at any size

/// Every variant name of `Action`, as its `Deserialize` implementation lists
/// them: taken from the type, so a new action is fuzzed without anyone
/// remembering to add it here.
fn action_variants() -> &'static [&'static str] {
    struct Capture(&'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for &mut Capture {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only enums are read"))
        }
        fn deserialize_enum<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = variants;
            Err(serde::de::Error::custom("captured"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map struct identifier ignored_any
        }
    }
    let mut capture = Capture(&[]);
    let _ = <Action as serde::Deserialize>::deserialize(&mut capture);
    capture.0
}

/// The actions that carry no data, built from their names; the ones that do
/// carry data are generated below, and a test keeps the two lists complete.
fn unit_actions() -> Vec<Action> {
    action_variants()
        .iter()
        .filter_map(|name| serde_json::from_value(serde_json::Value::String(name.to_string())).ok())
        .collect()
}

/// Actions with data, each fuzzed by its own strategy in [`action`].
const DATA_ACTIONS: [&str; 4] = ["input_char", "input_text", "show_status", "resize"];

#[test]
fn every_action_is_fuzzed() {
    let units: Vec<String> = unit_actions()
        .iter()
        .map(|a| serde_json::to_value(a).unwrap().as_str().unwrap().to_string())
        .collect();
    for name in action_variants() {
        assert!(
            units.iter().any(|u| u == name) || DATA_ACTIONS.contains(name),
            "`{name}` carries data: give it a strategy in action() and list it in DATA_ACTIONS"
        );
    }
    assert!(units.len() > 30, "{units:?}");
}

fn action() -> impl Strategy<Value = Action> {
    use Action::*;
    let plain = prop::sample::select(unit_actions());
    prop_oneof![
        10 => plain,
        4 => hostile_char().prop_map(InputChar),
        2 => hostile_string().prop_map(InputText),
        1 => hostile_string().prop_map(ShowStatus),
        3 => (0..200u16, 0..60u16).prop_map(|(w, h)| Resize(w, h)),
        1 => prop::sample::select(vec![(0, 0), (1, 1), (1, 50), (50, 1), (300, 1), (1, 300), (59, 11), (60, 12), (300, 300)])
            .prop_map(|(w, h)| Resize(w, h)),
    ]
}

fn key_event() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        4 => prop::sample::select("jkgG/ \t?qmsSpawtfrxcehlbvVUPyY".chars().collect::<Vec<_>>()).prop_map(KeyCode::Char),
        2 => hostile_char().prop_map(KeyCode::Char),
        3 => prop::sample::select(vec![
            KeyCode::Backspace,
            KeyCode::Enter,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Delete,
            KeyCode::Insert,
            KeyCode::Esc,
            KeyCode::Null,
            KeyCode::CapsLock,
            KeyCode::Menu,
            KeyCode::KeypadBegin,
        ]),
        1 => (0..30u8).prop_map(KeyCode::F),
    ];
    let kind = prop::sample::select(vec![
        KeyEventKind::Press,
        KeyEventKind::Press,
        KeyEventKind::Repeat,
        KeyEventKind::Release,
    ]);
    (code, any::<u8>(), kind).prop_map(|(code, mods, kind)| {
        // Mostly no modifier or Ctrl (the bindings use them), sometimes anything.
        let mods = match mods % 4 {
            0 | 1 => KeyModifiers::NONE,
            2 => KeyModifiers::CONTROL,
            _ => KeyModifiers::from_bits_truncate(mods),
        };
        KeyEvent::new_with_kind(code, mods, kind)
    })
}

/// Draws the app at `w` x `h` and checks the screen: no unsafe character in any cell.
fn draw(app: &App, keymap: &Keymap, theme: &Theme, view: &mut ViewState, w: u16, h: u16) -> Result<(), TestCaseError> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::render(f, app, keymap, theme, view)).unwrap();
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        prop_assert!(
            find_unsafe(cell.symbol()).is_none(),
            "unsafe character on screen: {:?}",
            cell.symbol()
        );
    }
    Ok(())
}

/// The runtime's side: filter requests waiting for the worker.
#[derive(Default)]
struct Runtime {
    pending: Vec<FilterRequest>,
}

impl Runtime {
    /// Applies an action as the runtime would, checking the effects.
    fn step(&mut self, app: &mut App, action: Action) -> Result<(), TestCaseError> {
        let effects = app.update(action);
        self.handle(app, effects)?;
        check_app(app)
    }

    /// Runs effects as the runtime would (advice at once), checking them.
    fn handle(&mut self, app: &mut App, effects: Vec<Effect>) -> Result<(), TestCaseError> {
        for effect in effects {
            match effect {
                Effect::Copy { text, count, warnings } => {
                    // (A copy of nothing is `copying_nothing_leaves_the_clipboard_alone`.)
                    prop_assert!(
                        find_unsafe(&text.replace(['\n', '\t'], " ")).is_none(),
                        "copied text carries an unsafe character: {:?}",
                        text
                    );
                    for w in &warnings {
                        prop_assert!(find_unsafe(w).is_none(), "unsafe warning {:?}", w);
                    }
                    app.update(Action::ShowStatus(format!("Copied {count}")));
                }
                Effect::Filter(request) => self.pending.push(request),
                Effect::Advise(which) => {
                    let mut advisor = app.advisor();
                    let advice = advise_app(&mut advisor, &app.catalog, which);
                    app.advice_done(which, std::sync::Arc::new(advice));
                }
                Effect::Quit | Effect::Suspend => {}
            }
        }
        Ok(())
    }

    /// The worker answers one request (any of them: late answers to stale
    /// requests must be dropped).
    fn deliver(&mut self, app: &mut App, which: &Index) -> Result<(), TestCaseError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let request = self.pending.remove(which.index(self.pending.len()));
        let result = request.run(&app.catalog, &|| false);
        prop_assert!(result.is_some(), "a request that is never stopped always answers");
        let effects = app.filter_done(result.unwrap());
        self.handle(app, effects)?;
        check_app(app)
    }

    /// The worker answers every request still waiting, oldest first (the app
    /// drops stale answers); then the screen shows exactly what a full scan
    /// finds for the current query and sort.
    fn settle(&mut self, app: &mut App) -> Result<(), TestCaseError> {
        self.pending.sort_by_key(|p| p.generation);
        for request in std::mem::take(&mut self.pending) {
            if let Some(result) = request.run(&app.catalog, &|| false) {
                let effects = app.filter_done(result);
                self.handle(app, effects)?;
            }
        }
        let full: Vec<usize> = query::run(&app.catalog, &app.query, app.sort)
            .iter()
            .map(|h| h.row)
            .collect();
        let shown: Vec<usize> = app.hits().iter().map(|h| h.row).collect();
        prop_assert_eq!(shown, full, "the rows shown are not those of the current query");
        prop_assert_eq!(
            app.shows_groups(),
            app.grouped,
            "the table is not in the mode asked for"
        );
        check_app(app)
    }
}

fn check_app(app: &App) -> Result<(), TestCaseError> {
    // The cursor always points at an entry, or there is none.
    prop_assert!(app.entries.is_empty() || app.cursor < app.entries.len());
    prop_assert!(app.hits().iter().all(|h| h.row < app.catalog.requirements.len()));
    Ok(())
}

fn catalog_choice() -> impl Strategy<Value = bool> {
    prop::sample::select(vec![false, false, true])
}

/// The explorer over `wide` or bundled data, with grants loaded for the audit
/// screen and, when `background`, filtering handed to a (simulated) worker.
fn explorer(wide: bool, background: bool) -> App {
    let catalog = if wide { WIDE.clone() } else { BUNDLED.clone() };
    App::new(catalog)
        .with_grants(GRANTS.clone())
        .search_in_background(background)
}

/// Grants with hostile display names and unknown GUIDs, for the audit screen.
static GRANTS: LazyLock<Vec<permscope::model::grants::ResolvedGrant>> = LazyLock::new(|| {
    use permscope::model::grants;
    let mut all = Vec::new();
    for name in [
        "grants/nakivo-approleassignments.rest.json",
        "hostile/grants-hostile-names.json",
    ] {
        let export =
            permscope::model::read::grants::read_export_file(&root().join("tests/fixtures").join(name)).unwrap();
        all.extend(export.grants);
    }
    grants::resolve(&BUNDLED, &all)
});

#[derive(Debug, Clone)]
enum Step {
    Act(Action),
    Key(KeyEvent),
    Deliver(Index),
}

proptest! {
    #![proptest_config(config(12))]

    /// Random actions (every variant, any character typed, any size from 0x0 to
    /// 300x300), drawing after each, with filtering done at once or by a worker
    /// whose answers come late and out of order: never a panic, never an unsafe
    /// character on screen, and the newest answer is the one shown.
    #[test]
    fn fuzz_explorer_actions(
        wide in catalog_choice(),
        mono in any::<bool>(),
        background in any::<bool>(),
        start in prop_oneof![7 => (0..200u16, 0..60u16), 1 => (0..300u16, 0..300u16)],
        steps in prop::collection::vec(
            prop_oneof![6 => action().prop_map(Step::Act), 1 => any::<Index>().prop_map(Step::Deliver)],
            1..30,
        ),
    ) {
        let theme = if mono { Theme::mono() } else { Theme::colour() };
        let keymap = Keymap::default();
        let mut view = ViewState::default();
        let mut app = explorer(wide, background);
        let mut runtime = Runtime::default();
        app.update(Action::Resize(start.0, start.1));
        draw(&app, &keymap, &theme, &mut view, start.0, start.1)?;
        for s in steps {
            match s {
                Step::Act(a) => runtime.step(&mut app, a)?,
                Step::Key(key) => {
                    if let Some(a) = keymap.action_for(&key, app.focus()) {
                        runtime.step(&mut app, a)?;
                    }
                }
                Step::Deliver(i) => runtime.deliver(&mut app, &i)?,
            }
            let (w, h) = app.size;
            draw(&app, &keymap, &theme, &mut view, w, h)?;
        }
        runtime.settle(&mut app)?;
        let (w, h) = app.size;
        draw(&app, &keymap, &theme, &mut view, w, h)?;
    }

    /// Random key events (any code, modifiers and kind) through the keymap, as
    /// the runtime maps them, with the occasional resize and worker answer.
    #[test]
    fn fuzz_explorer_keys(
        wide in catalog_choice(),
        background in any::<bool>(),
        steps in prop::collection::vec(
            prop_oneof![
                12 => key_event().prop_map(Step::Key),
                1 => prop_oneof![4 => (0..160u16, 0..50u16), 1 => (0..300u16, 0..300u16)]
                    .prop_map(|(w, h)| Step::Act(Action::Resize(w, h))),
                1 => any::<Index>().prop_map(Step::Deliver),
            ],
            1..30,
        ),
    ) {
        let theme = Theme::colour();
        let keymap = Keymap::default();
        let mut view = ViewState::default();
        let mut app = explorer(wide, background);
        let mut runtime = Runtime::default();
        app.update(Action::Resize(80, 24));
        for s in steps {
            match s {
                Step::Key(key) => {
                    if let Some(a) = keymap.action_for(&key, app.focus()) {
                        runtime.step(&mut app, a)?;
                    }
                }
                Step::Act(a) => runtime.step(&mut app, a)?,
                Step::Deliver(i) => runtime.deliver(&mut app, &i)?,
            }
            let (w, h) = app.size;
            draw(&app, &keymap, &theme, &mut view, w, h)?;
        }
        runtime.settle(&mut app)?;
    }
}

/// Screens worth drawing at every size: each layer on top, with hostile search text.
fn states(catalog: &Catalog) -> Vec<(&'static str, App)> {
    let mut out = Vec::new();
    let base = || App::new(catalog.clone());
    out.push(("table", base()));
    let mut a = base();
    a.update(Action::ToggleGrouping);
    a.update(Action::SwitchPane);
    a.update(Action::MoveBottom);
    out.push(("grouped detail", a));
    let mut a = base();
    a.update(Action::ToggleHelp);
    out.push(("help", a));
    let mut a = base();
    a.update(Action::PickWorkloads);
    out.push(("workload picker", a));
    let mut a = base();
    a.update(Action::PickFormat);
    out.push(("format picker", a));
    let mut a = base();
    a.update(Action::OpenCompare);
    a.update(Action::PickerToggle);
    a.update(Action::MoveDown);
    a.update(Action::PickerToggle);
    a.update(Action::PickerAccept);
    a.update(Action::SelectColumnAll);
    out.push(("compare", a));
    let mut a = base();
    a.grants = GRANTS.clone();
    a.update(Action::MoveBottom);
    a.update(Action::OpenAudit);
    out.push(("audit", a));
    let mut a = base();
    a.update(Action::OpenFilter);
    for c in "\u{202e}日🦀 x\u{200b}".chars() {
        a.update(Action::InputChar(c));
    }
    a.update(Action::ShowStatus("\u{1b}]0;pwned\u{7} status".into()));
    out.push(("search", a));
    out
}

/// Sizes where the layout changes, and the extremes.
const EDGE_SIZES: [(u16, u16); 16] = [
    (0, 0),
    (1, 1),
    (1, 50),
    (50, 1),
    (300, 1),
    (1, 300),
    (0, 300),
    (300, 0),
    (59, 11),
    (59, 12),
    (60, 11),
    (60, 12),
    (149, 24),
    (150, 24),
    (80, 24),
    (300, 300),
];

/// Draws the screens of `states` at every size of `sweep` (one screen per size,
/// in turn), then every screen at every edge size.
fn draw_at_sizes(catalog: &Catalog, sweep: &[(u16, u16)]) {
    let keymap = Keymap::default();
    let theme = Theme::mono();
    let mut screens = states(catalog);
    let n = screens.len();
    for (i, &(w, h)) in sweep.iter().enumerate() {
        let (name, app) = &mut screens[i % n];
        app.update(Action::Resize(w, h));
        if let Err(e) = draw(app, &keymap, &theme, &mut ViewState::default(), w, h) {
            panic!("{name} at {w}x{h}: {e}");
        }
    }
    for (name, app) in &mut screens {
        let mut view = ViewState::default();
        for &(w, h) in &EDGE_SIZES {
            app.update(Action::Resize(w, h));
            if let Err(e) = draw(app, &keymap, &theme, &mut view, w, h) {
                panic!("{name} at {w}x{h}: {e}");
            }
        }
    }
}

/// Every width from 0 to 160 (at heights 0, 1 and 12) and every height from 0
/// to 60 (at widths 1 and 60) on the bundled data, each screen in turn; every
/// screen at the edge sizes. No panic, no unsafe cell.
#[test]
fn every_size_draws() {
    let mut sweep: Vec<(u16, u16)> = Vec::new();
    for w in 0..=160 {
        sweep.extend([(w, 0), (w, 1), (w, 12)]);
    }
    for h in 0..=60 {
        sweep.extend([(1, h), (60, h)]);
    }
    draw_at_sizes(&BUNDLED, &sweep);
}

/// The same with very wide text (every width at height 12, every height at
/// width 60), and the 100,000-character rows at the edge sizes.
#[test]
fn every_size_draws_wide_text() {
    let mut c = Catalog::empty();
    let text = std::fs::read_to_string(root().join("tests/fixtures/hostile/wide-text.json")).unwrap();
    c.add_product_text(&text, Origin::Bundled("wide-text.json")).unwrap();
    let sweep: Vec<(u16, u16)> = (0..=160).map(|w| (w, 12)).chain((0..=60).map(|h| (60, h))).collect();
    draw_at_sizes(&c, &sweep);
    draw_at_sizes(&WIDE, &[]);
}

/// Very long and very wide text keeps the table inside its frame: the borders of
/// every line are where they belong, whatever the text.
#[test]
fn wide_text_keeps_the_explorer_frame() {
    let keymap = Keymap::default();
    let theme = Theme::mono();
    for (w, h) in [(60, 12), (80, 24), (100, 40), (149, 40), (150, 40), (233, 61)] {
        let mut app = App::new(WIDE.clone());
        app.update(Action::Resize(w, h));
        for _ in 0..app.entries.len() {
            let mut view = ViewState::default();
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal
                .draw(|f| view::render(f, &app, &keymap, &theme, &mut view))
                .unwrap();
            let buffer = terminal.backend().buffer();
            let lines = view::buffer_text(buffer);
            // The table block starts on line 1 (below the header): find its corners.
            let top = lines.iter().position(|l| l.starts_with('┌')).expect("table frame");
            let bottom = top
                + lines[top..]
                    .iter()
                    .position(|l| l.starts_with('└'))
                    .expect("frame bottom");
            let right = if w >= 150 { None } else { Some(w - 1) };
            for y in top..=bottom {
                let first = buffer[(0, y as u16)].symbol();
                assert!(
                    matches!(first, "┌" | "│" | "└"),
                    "{w}x{h}: line {y} does not start with the frame: {:?}",
                    lines[y]
                );
                if let Some(x) = right {
                    let last = buffer[(x, y as u16)].symbol();
                    assert!(
                        matches!(last, "┐" | "│" | "┘"),
                        "{w}x{h}: line {y} does not end with the frame: {:?}",
                        lines[y]
                    );
                }
            }
            app.update(Action::MoveDown);
        }
    }
}

// ---------------------------------------------------------------- the real binary, killed, under tmux

struct Tmux {
    socket: String,
}

/// The shell's prompt in these tests.
const PROMPT: &str = "shell$ ";

impl Tmux {
    fn available() -> bool {
        std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "sig"]).stdout).into_owned()
    }

    fn format(&self, f: &str) -> String {
        String::from_utf8_lossy(&self.cmd(&["display-message", "-p", "-t", "sig", f]).stdout)
            .trim()
            .to_string()
    }

    /// Types a line once the shell shows its prompt (typed earlier, the tty's
    /// echo and the prompt would interleave).
    fn type_line(&self, line: &str) {
        self.wait("the shell prompt", 10, |t| {
            t.format("#{alternate_on}") == "0"
                && t.screen()
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .map(str::trim_end)
                    == Some(PROMPT.trim_end())
        })
        .unwrap();
        self.cmd(&["send-keys", "-t", "sig", "-l", line]);
        self.cmd(&["send-keys", "-t", "sig", "Enter"]);
    }

    /// True when a line of the screen is `text` (after the prompt, if the shell
    /// printed one first).
    fn shows_line(&self, text: &str) -> bool {
        self.screen()
            .lines()
            .any(|l| l.trim_end() == text || l.strip_prefix(PROMPT).is_some_and(|r| r.trim_end() == text))
    }

    fn wait(&self, what: &str, secs: u64, ok: impl Fn(&Tmux) -> bool) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(secs) {
            if ok(self) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "timed out waiting for {what}; alternate screen: {}; screen:\n{}",
            self.format("#{alternate_on}"),
            self.screen()
        ))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn alive(pid: &str) -> bool {
    std::process::Command::new("kill")
        .args(["-0", pid])
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts the explorer from a shell in tmux, sends `signal` to it, and checks the
/// shell gets a usable terminal back: the alternate screen is left, the line the
/// shell printed before is on screen again, typed text echoes.
fn killed_explorer_restores_the_terminal(signal: &str) {
    if !Tmux::available() {
        common::skip(format_args!(
            "tmux is not installed; this end-to-end test needs it (apt-get install tmux)"
        ));
        return;
    }
    let dir = common::TempDir::new(&format!("sig-{signal}"));
    let pidfile = dir.path().join("pid");
    let tmux = Tmux {
        socket: format!("permscope-sig-{signal}-{}", std::process::id()),
    };
    let started = tmux
        .cmd(&[
            "new-session",
            "-d",
            "-s",
            "sig",
            "-x",
            "100",
            "-y",
            "30",
            "env",
            "-u",
            "PERMSCOPE_DATA",
            "PS1=shell$ ",
            "TERM=xterm-256color",
            "NO_COLOR=1",
            "sh",
        ])
        .status
        .success();
    assert!(started, "tmux new-session failed");
    tmux.type_line("echo BEFORE-MARK");
    tmux.wait("the shell", 10, |t| t.shows_line("BEFORE-MARK")).unwrap();
    tmux.type_line(&format!(
        "sh -c 'echo $$ > {}; exec {}'",
        pidfile.display(),
        env!("CARGO_BIN_EXE_permscope")
    ));
    tmux.wait("the explorer", 15, |t| {
        t.format("#{alternate_on}") == "1" && t.screen().contains("permscope ") && t.screen().contains(" rows")
    })
    .unwrap();
    let pid = std::fs::read_to_string(&pidfile).unwrap().trim().to_string();
    assert!(alive(&pid), "permscope runs as {pid}");
    let sent = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{signal} {pid}");
    let exited = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        !alive(&pid)
    });
    // Stop it for good before judging, so a failure leaves nothing behind.
    if !exited {
        let _ = std::process::Command::new("kill").args(["-KILL", &pid]).status();
    }
    assert!(exited, "permscope is still running 5 s after SIG{signal}");
    let restored = tmux.wait("the shell's screen", 5, |t| {
        t.format("#{alternate_on}") == "0" && t.shows_line("BEFORE-MARK")
    });
    restored.unwrap();
    tmux.type_line("echo AFTER-MARK");
    tmux.wait("typed text to echo", 5, |t| t.shows_line("AFTER-MARK"))
        .unwrap();
    let screen = tmux.screen();
    assert!(!screen.contains(" rows"), "the explorer is still on screen:\n{screen}");
}

#[test]
fn sigterm_restores_the_terminal() {
    killed_explorer_restores_the_terminal("TERM");
}

#[test]
fn sighup_restores_the_terminal() {
    killed_explorer_restores_the_terminal("HUP");
}

/// The harness itself works: quitting with `q` gives the terminal back, so the
/// signal tests above fail for the signal and not for the setup. (SIGKILL, which
/// cannot be handled, does leave the alternate screen up: the check is real.)
#[test]
fn quitting_restores_the_terminal() {
    if !Tmux::available() {
        common::skip(format_args!(
            "tmux is not installed; this end-to-end test needs it (apt-get install tmux)"
        ));
        return;
    }
    let tmux = Tmux {
        socket: format!("permscope-sig-q-{}", std::process::id()),
    };
    let started = tmux
        .cmd(&[
            "new-session",
            "-d",
            "-s",
            "sig",
            "-x",
            "100",
            "-y",
            "30",
            "env",
            "-u",
            "PERMSCOPE_DATA",
            "PS1=shell$ ",
            "TERM=xterm-256color",
            "NO_COLOR=1",
            "sh",
        ])
        .status
        .success();
    assert!(started, "tmux new-session failed");
    tmux.type_line("echo BEFORE-MARK");
    tmux.wait("the shell", 10, |t| t.shows_line("BEFORE-MARK")).unwrap();
    tmux.type_line(env!("CARGO_BIN_EXE_permscope"));
    tmux.wait("the explorer", 15, |t| {
        t.format("#{alternate_on}") == "1" && t.screen().contains(" rows")
    })
    .unwrap();
    tmux.cmd(&["send-keys", "-t", "sig", "q"]);
    tmux.wait("the shell's screen", 5, |t| {
        t.format("#{alternate_on}") == "0" && t.shows_line("BEFORE-MARK")
    })
    .unwrap();
    tmux.type_line("echo AFTER-MARK");
    tmux.wait("typed text to echo", 5, |t| t.shows_line("AFTER-MARK"))
        .unwrap();
}

/// A picker sized by its longest option: a workload name of 65,530 characters
/// (a product file may hold one) must not overflow the width arithmetic.
#[test]

fn a_huge_workload_name_opens_the_picker() {
    let name = "W".repeat(65_530);
    let text = common::product_json("huge-workload", "Read mail").replacen(
        "\"type\": \"application\", \"description\"",
        &format!("\"type\": \"application\", \"workloads\": [{{ \"workload\": \"{name}\" }}], \"description\""),
        1,
    );
    let mut c = Catalog::empty();
    c.add_product_text(&text, Origin::Bundled("huge-workload.json"))
        .unwrap();
    let mut app = App::new(c);
    app.update(Action::PickWorkloads);
    let keymap = Keymap::default();
    for (w, h) in [(80, 24), (300, 300)] {
        app.update(Action::Resize(w, h));
        draw(&app, &keymap, &Theme::mono(), &mut ViewState::default(), w, h).unwrap();
    }
}

/// A product file (4 MB, well under the 16 MiB cap) whose 30,000 rows each name
/// their own workload. Listing the workload names (the `w` picker, `--workload`)
/// is quadratic: 35 s for 70,000 names in a release build, the explorer frozen.
#[test]

fn many_distinct_workloads_are_listed_promptly() {
    let rows: Vec<String> = (1..=30_000)
        .map(|i| {
            format!(
                "{{ \"line\": {i}, \"api\": \"Microsoft Graph\", \"permission\": \"Mail.Read\", \"type\": \"application\", \
                 \"workloads\": [{{ \"workload\": \"Workload {i}\" }}] }}"
            )
        })
        .collect();
    let text = format!(
        "{{ \"slug\": \"many\", \"vendor\": \"V\", \"product\": \"P\", \"source\": {{ \"title\": \"T\", \"file\": \"f\" }}, \
         \"apps\": [{{ \"name\": \"A\", \"requirements\": [{}] }}] }}",
        rows.join(",")
    );
    let mut c = Catalog::empty();
    c.add_product_text(&text, Origin::Bundled("many.json")).unwrap();
    within(
        "the workload picker over 30,000 names",
        Duration::from_secs(10),
        move || {
            let mut app = App::new(c);
            app.update(Action::PickWorkloads);
            assert_eq!(app.picker.as_ref().map(|p| p.options.len()), Some(30_000));
            let mut q = Query::default();
            q.add_workload(&app.catalog, "Workload 29999").unwrap();
        },
    );
}

/// Selecting only a permission that cannot be exported (a blank claim from a
/// vendor's table) and pressing `y` asks the runtime to copy an empty text: the
/// user's clipboard is overwritten with nothing, the status says a copy happened.
#[test]

fn copying_nothing_leaves_the_clipboard_alone() {
    let mut app = App::new(BUNDLED.clone());
    let blank = (0..app.entries.len())
        .find(|&i| app.catalog.requirements[app.entries[i].rows()[0]].permission.is_empty())
        .expect("the bundled data has a blank claim");
    app.cursor = blank;
    app.update(Action::ToggleSelect);
    assert!(!app.selection.is_empty());
    let effects = app.update(Action::CopySelection);
    let copies: Vec<_> = effects.iter().filter(|e| matches!(e, Effect::Copy { .. })).collect();
    assert!(copies.is_empty(), "nothing to copy, yet: {copies:?}");
    assert!(app.status.is_some(), "the status line says why nothing was copied");
}
