//! Reading product files: the JSON contract of `data/products/*.json`, with
//! errors that name the file, line, column and field.

use crate::model::permission::PermissionKind;
use crate::model::product::{App, Origin, Phase, Product, Requirement, SourceDocument, WorkloadUse};
use crate::model::text::{self, TEXT_CHECK};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest product file permscope reads; a vendor table is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A problem with one input file, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// The file (or bundled name) the problem is in.
    pub origin: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// JSON path of the offending field, e.g. `apps[0].requirements[3].type`.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", text::neutralise(&self.origin))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{}`", text::neutralise(field))?;
        }
        write!(f, ": {}", text::neutralise(&self.message))
    }
}

impl LoadError {
    /// An error about a whole file.
    pub fn file(origin: impl Into<String>, message: impl Into<String>) -> LoadError {
        LoadError {
            origin: origin.into(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }
}

// ---- the file format (see data/product.schema.json) ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProductFile<'a> {
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    #[serde(deserialize_with = "text::checked")]
    pub slug: String,
    #[serde(deserialize_with = "text::checked")]
    pub vendor: String,
    #[serde(deserialize_with = "text::checked")]
    pub product: String,
    pub source: SourceFile,
    #[serde(default, deserialize_with = "text::checked_vec")]
    pub notes: Vec<String>,
    #[serde(borrow)]
    pub apps: Vec<AppFile<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceFile {
    #[serde(deserialize_with = "text::checked")]
    pub title: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub date: Option<String>,
    #[serde(deserialize_with = "text::checked")]
    pub file: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub sha256: Option<String>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppFile<'a> {
    #[serde(deserialize_with = "text::checked")]
    pub name: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text::checked_vec")]
    pub notes: Vec<String>,
    #[serde(borrow)]
    pub requirements: Vec<RequirementFile<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequirementFile<'a> {
    pub line: u32,
    // Pooled when validated: borrowed from the file's text until then.
    #[serde(borrow, deserialize_with = "text::checked_cow")]
    pub api: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "text::checked_opt_cow")]
    pub table: Option<Cow<'a, str>>,
    #[serde(deserialize_with = "text::checked")]
    pub permission: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub permission_as_written: Option<String>,
    #[serde(rename = "type")]
    pub kind: PermissionKind,
    #[serde(borrow, default, deserialize_with = "text::checked_opt_cow")]
    pub description: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text::checked_opt_cow")]
    pub purpose: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub workloads: Vec<WorkloadFile<'a>>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub condition: Option<String>,
    #[serde(default, deserialize_with = "text::checked_map")]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "text::checked_vec")]
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkloadFile<'a> {
    #[serde(borrow, deserialize_with = "text::checked_cow")]
    pub workload: Cow<'a, str>,
    #[serde(default)]
    pub phases: Vec<Phase>,
    #[serde(default = "yes")]
    pub documented: bool,
}

fn yes() -> bool {
    true
}

/// Parses a product file's text, naming `origin` in errors.
pub(crate) fn parse_product<'a>(text: &'a str, origin: &str) -> Result<ProductFile<'a>, LoadError> {
    // Nearly every file is valid: parse it plainly, and only when that fails
    // parse again with path tracking to name the field.
    if let Ok(file) = serde_json::from_str::<ProductFile>(text) {
        return Ok(file);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: Result<ProductFile, _> = serde_path_to_error::deserialize(&mut de);
    let file = parsed.map_err(|e| {
        // A text check fails after serde_json has read on to the end of the
        // list or map holding the value: find the value by its path instead.
        let found = if e.inner().to_string().starts_with(TEXT_CHECK) {
            let steps = e.path().iter().filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.as_str())),
                _ => None,
            });
            locate_steps(text, steps)
        } else {
            None
        };
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = strip_position(&inner.to_string());
        let (mut line, mut column) = found.unwrap_or((inner.line(), inner.column()));
        // A raw line break inside a string is found where the string goes on
        // (the next line): point at the string's opening quote instead.
        if message.starts_with("control character")
            && let Some(start) = text::json_string_start(text, byte_offset(text, line, column))
            && text::line_column(text, start).0 < line
        {
            (line, column) = text::line_column(text, start);
        }
        LoadError {
            origin: origin.to_string(),
            line: Some(line).filter(|l| *l > 0),
            column: Some(column).filter(|c| *c > 0),
            field: Some(path).filter(|p| p != "." && !p.is_empty()),
            message,
        }
    })?;
    de.end().map_err(|e| LoadError {
        origin: origin.to_string(),
        line: Some(e.line()),
        column: Some(e.column()),
        field: None,
        message: strip_position(&e.to_string()),
    })?;
    Ok(file)
}

/// The byte offset of serde_json's 1-based line and column (column 0: the line's start).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Reads a file's bytes, refusing anything over [`MAX_FILE_BYTES`] before reading it all.
pub fn read_bytes_capped(path: &Path) -> Result<Vec<u8>, LoadError> {
    let origin = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| LoadError::file(&origin, format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(LoadError::file(&origin, "not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(&origin, meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| LoadError::file(&origin, format!("cannot open: {e}")))?;
    let mut bytes = Vec::new();
    // The file may grow between stat and read: never take more than the cap.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::file(&origin, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(&origin, bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a UTF-8 file, refusing anything over [`MAX_FILE_BYTES`] before reading it all.
pub fn read_capped(path: &Path) -> Result<String, LoadError> {
    let origin = path.display().to_string();
    let bytes = read_bytes_capped(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        LoadError {
            origin: origin.clone(),
            line: Some(line),
            column: None,
            field: None,
            message: "the file is not valid UTF-8".into(),
        }
    })
}

fn too_big(origin: &str, len: u64) -> LoadError {
    LoadError::file(
        origin,
        format!(
            "file is {len} bytes; files larger than {} MiB are refused",
            MAX_FILE_BYTES / 1024 / 1024
        ),
    )
}

/// Product files in a data folder: `*.json` except schemas, sorted by name.
pub fn product_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let origin = dir.display().to_string();
    let entries =
        std::fs::read_dir(dir).map_err(|e| LoadError::file(&origin, format!("cannot read data folder: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| LoadError::file(&origin, format!("cannot list data folder: {e}")))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".json") && !name.ends_with(".schema.json") && !name.starts_with('.') {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A product file after validation: the product and its requirements
/// (with `product` indices still 0, fixed when added to a catalog).
pub(crate) struct Parsed {
    pub product: Product,
    pub requirements: Vec<Requirement>,
}

/// Checks what serde cannot (slug form, known APIs, lines) and builds the model.
/// `resolve_api` maps a document's API spelling to a catalog API index.
pub(crate) fn validate(
    file: ProductFile<'_>,
    raw: &dyn Fn() -> String,
    origin: Origin,
    apis: &[crate::model::product::Api],
    rules: &crate::model::workload::WorkloadRules,
    pool: &mut RowPool,
) -> Result<Parsed, LoadError> {
    let origin_text = origin.to_string();
    let err = |path: Vec<Seg>, message: String| {
        // The text is fetched only when there is an error to locate.
        let (line, column) = locate(&raw(), &path).map_or((None, None), |(l, c)| (Some(l), Some(c)));
        LoadError {
            origin: origin_text.clone(),
            line,
            column,
            field: Some(path_string(&path)),
            message,
        }
    };
    if !is_slug(&file.slug) {
        return Err(err(
            vec![Seg::Key("slug")],
            format!(
                "`{}` is not a valid slug: use lower-case letters, digits and single hyphens (e.g. `my-vendor`)",
                file.slug
            ),
        ));
    }
    if let Some(sha) = &file.source.sha256
        && !(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    {
        return Err(err(
            vec![Seg::Key("source"), Seg::Key("sha256")],
            "sha256 must be 64 lower-case hexadecimal digits".into(),
        ));
    }
    if file.apps.is_empty() {
        return Err(err(vec![Seg::Key("apps")], "a product needs at least one app".into()));
    }
    let mut apps = Vec::new();
    let mut requirements = Vec::new();
    // Rows of one table name the same API: resolve a spelling once.
    let mut last_api: Option<(String, usize)> = None;
    for (ai, app) in file.apps.into_iter().enumerate() {
        for (ri, r) in app.requirements.into_iter().enumerate() {
            let at = |field: &'static str| {
                vec![
                    Seg::Key("apps"),
                    Seg::Index(ai),
                    Seg::Key("requirements"),
                    Seg::Index(ri),
                    Seg::Key(field),
                ]
            };
            let resolved = match &last_api {
                Some((written, index)) if **written == *r.api => Some(*index),
                _ => {
                    let found = apis.iter().position(|a| a.is_called(&r.api));
                    if let Some(index) = found {
                        last_api = Some((r.api.to_string(), index));
                    }
                    found
                }
            };
            let Some(api) = resolved else {
                return Err(err(
                    at("api"),
                    format!("unknown API `{}`: add it (or an alias) to apis.json", r.api),
                ));
            };
            if r.line == 0 {
                return Err(err(at("line"), "line numbers start at 1".into()));
            }
            if r.permission.chars().any(char::is_whitespace) {
                return Err(err(
                    at("permission"),
                    format!(
                        "`{}` is not a single claim; keep the cell as written in permission_as_written",
                        r.permission
                    ),
                ));
            }
            if let Some(w) = r.workloads.iter().find(|w| w.workload.trim().is_empty()) {
                let _ = w;
                return Err(err(at("workloads"), "a workload needs a name".into()));
            }
            // Shared: vendors repeat Microsoft's descriptions and their own
            // purposes, and search scores each distinct text once.
            let description = r.description.as_deref().map(|t| pool.text.intern_prose(t));
            let purpose = r.purpose.as_deref().map(|t| pool.text.intern_prose(t));
            let workloads = if r.workloads.is_empty() {
                vec![WorkloadUse {
                    workload: pool.derived_workload(rules, api, &apis[api].name, &r.permission),
                    phases: purpose
                        .as_ref()
                        .map(|p| pool.derived_phases(rules, p))
                        .unwrap_or_default(),
                    documented: false,
                }]
            } else {
                r.workloads
                    .into_iter()
                    .map(|w| WorkloadUse {
                        workload: pool.text.intern(&w.workload),
                        phases: w.phases,
                        documented: w.documented,
                    })
                    .collect()
            };
            requirements.push(Requirement {
                product: 0,
                app: ai,
                api,
                api_as_written: pool.text.intern(&r.api),
                table: r.table.as_deref().map(|t| pool.text.intern(t)),
                permission: r.permission,
                permission_as_written: r.permission_as_written,
                kind: r.kind,
                description,
                purpose,
                workloads,
                condition: r.condition,
                attributes: r.attributes.into_iter().collect(),
                notes: r.notes,
                line: r.line,
            });
        }
        apps.push(App {
            name: app.name,
            description: app.description,
            notes: app.notes,
        });
    }
    Ok(Parsed {
        product: Product {
            slug: file.slug,
            vendor: file.vendor,
            name: file.product,
            source: SourceDocument {
                title: file.source.title,
                version: file.source.version,
                date: file.source.date,
                file: file.source.file,
                sha256: file.source.sha256,
                url: file.source.url,
            },
            notes: file.notes,
            apps,
            origin,
        },
        requirements,
    })
}

/// What loading shares between the rows and files one thread validates: the
/// text pool, and the workloads and phases already derived, since most rows
/// repeat a claim or a purpose that an earlier row had.
#[derive(Debug, Clone, Default)]
pub struct RowPool {
    pub text: crate::model::product::Interner,
    /// Claim to (API, derived workload).
    workloads: std::collections::HashMap<String, Vec<(usize, std::sync::Arc<str>)>>,
    /// The address of a pooled purpose to the phases it states.
    phases: std::collections::HashMap<usize, Vec<crate::model::product::Phase>>,
    /// The rules the derivations above came from (their id).
    rules: Option<u64>,
}

impl RowPool {
    /// Forgets derivations made under other rules.
    fn use_rules(&mut self, rules: &crate::model::workload::WorkloadRules) {
        let this = rules.id();
        if self.rules != Some(this) {
            self.workloads.clear();
            self.phases.clear();
            self.rules = Some(this);
        }
    }

    /// The workload `rules` derive for a claim of API `api` (named `api_name`).
    fn derived_workload(
        &mut self,
        rules: &crate::model::workload::WorkloadRules,
        api: usize,
        api_name: &str,
        permission: &str,
    ) -> std::sync::Arc<str> {
        self.use_rules(rules);
        if let Some((_, w)) = self
            .workloads
            .get(permission)
            .and_then(|v| v.iter().find(|(a, _)| *a == api))
        {
            return std::sync::Arc::clone(w);
        }
        let w = self.text.intern(rules.workload_for(api_name, permission));
        self.workloads
            .entry(permission.to_string())
            .or_default()
            .push((api, std::sync::Arc::clone(&w)));
        w
    }

    /// The phases `rules` find in a pooled purpose.
    fn derived_phases(
        &mut self,
        rules: &crate::model::workload::WorkloadRules,
        purpose: &std::sync::Arc<str>,
    ) -> Vec<crate::model::product::Phase> {
        self.use_rules(rules);
        // The pool keeps the purpose alive, so its address names it.
        let key = std::sync::Arc::as_ptr(purpose) as *const u8 as usize;
        self.phases
            .entry(key)
            .or_insert_with(|| rules.phases_in(purpose))
            .clone()
    }
}

/// Lower-case letters, digits and single inner hyphens, at most 64 characters.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// One step of a JSON path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg {
    Key(&'static str),
    Index(usize),
}

fn path_string(path: &[Seg]) -> String {
    path_text(steps(path))
}

/// A path as the user reads it: `apps[0].requirements[2].description` (empty for the root).
pub(crate) fn path_text<'a>(path: impl IntoIterator<Item = Step<'a>>) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn steps(path: &[Seg]) -> impl Iterator<Item = Step<'_>> {
    path.iter().map(|seg| match seg {
        Seg::Key(key) => Step::Key(key),
        Seg::Index(i) => Step::Index(*i),
    })
}

/// Finds the 1-based line and column of the value at `path` in JSON text that
/// is known to be valid (it has just been parsed).
pub(crate) fn locate(raw: &str, path: &[Seg]) -> Option<(usize, usize)> {
    locate_steps(raw, steps(path))
}

/// One step of a JSON path whose keys may be borrowed (from a parse error's
/// path, or a grants export's own spelling).
pub(crate) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// [`locate`] over any steps.
fn locate_steps<'a>(raw: &str, path: impl IntoIterator<Item = Step<'a>>) -> Option<(usize, usize)> {
    json_offset(raw, path).map(|pos| text::line_column(raw, pos))
}

/// The byte offset of the value at `path` in JSON text known to be valid.
pub(crate) fn json_offset<'a>(raw: &str, path: impl IntoIterator<Item = Step<'a>>) -> Option<usize> {
    let b = raw.as_bytes();
    let mut pos = skip_ws(b, 0);
    for seg in path {
        match seg {
            Step::Key(key) => {
                if b.get(pos) != Some(&b'{') {
                    return None;
                }
                pos = skip_ws(b, pos + 1);
                loop {
                    if b.get(pos) != Some(&b'"') {
                        return None;
                    }
                    let end = skip_string(b, pos)?;
                    let name: String = serde_json::from_str(raw.get(pos..end)?).ok()?;
                    pos = skip_ws(b, end);
                    if b.get(pos) != Some(&b':') {
                        return None;
                    }
                    pos = skip_ws(b, pos + 1);
                    if name == key {
                        break;
                    }
                    pos = skip_ws(b, skip_value(b, pos)?);
                    match b.get(pos) {
                        Some(b',') => pos = skip_ws(b, pos + 1),
                        _ => return None,
                    }
                }
            }
            Step::Index(index) => {
                if b.get(pos) != Some(&b'[') {
                    return None;
                }
                pos = skip_ws(b, pos + 1);
                for _ in 0..index {
                    pos = skip_ws(b, skip_value(b, pos)?);
                    match b.get(pos) {
                        Some(b',') => pos = skip_ws(b, pos + 1),
                        _ => return None,
                    }
                }
            }
        }
    }
    Some(pos)
}

/// Index of the first non-whitespace byte at or after `pos`.
pub(crate) fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while pos < b.len() && b[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// Index just past the JSON string starting at `start` (a `"`).
pub(crate) fn skip_string(b: &[u8], start: usize) -> Option<usize> {
    let mut pos = start + 1;
    while pos < b.len() {
        match b[pos] {
            b'\\' => pos += 2,
            b'"' => return Some(pos + 1),
            _ => pos += 1,
        }
    }
    None
}

/// Index just past the JSON value starting at `pos`; `None` on malformed text.
pub(crate) fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos)? {
        b'"' => skip_string(b, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut p = pos;
            while p < b.len() {
                match b[p] {
                    b'"' => {
                        p = skip_string(b, p)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(p + 1);
                        }
                    }
                    _ => {}
                }
                p += 1;
            }
            None
        }
        _ => {
            let mut p = pos;
            while p < b.len() && !matches!(b[p], b',' | b'}' | b']') && !b[p].is_ascii_whitespace() {
                p += 1;
            }
            Some(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_nested_values() {
        let raw = "{\n  \"a\": 1,\n  \"apps\": [\n    {\"x\": \"}\"},\n    {\"name\": \"b\"}\n  ]\n}";
        assert_eq!(
            locate(raw, &[Seg::Key("apps"), Seg::Index(1), Seg::Key("name")]),
            Some((5, 14))
        );
        assert_eq!(locate(raw, &[Seg::Key("missing")]), None);
    }

    #[test]
    fn slugs() {
        assert!(is_slug("avepoint-cloud-backup-express"));
        assert!(!is_slug("Bad"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
    }
}
