//! The one JSON position locator: from a field path to the line and column of
//! its value, from a position to the field being read there, and serde's own
//! errors turned into located [`ReadError`]s.
//!
//! Columns count characters, as an editor does; serde_json counts bytes, so its
//! positions are converted here and nowhere else.

use crate::model::read::limits::MAX_JSON_DEPTH;
use crate::model::read::objects::Objects;
use crate::model::read::{ErrorKind, ReadError};
use serde::Deserialize;
use std::borrow::Cow;

/// One step of a field path: an object key (as the file spells it) or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

impl<'a> Step<'a> {
    /// A key step.
    pub fn key(key: impl Into<Cow<'a, str>>) -> Step<'a> {
        Step::Key(key.into())
    }
}

/// A path as the user reads it: `apps[0].requirements[2].description` (empty for the root).
pub fn path_text(path: &[Step<'_>]) -> String {
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

/// `base` followed by `more`.
pub fn join<'a>(base: &[Step<'a>], more: &[Step<'a>]) -> Vec<Step<'a>> {
    let mut path = base.to_vec();
    path.extend_from_slice(more);
    path
}

/// A content problem found after parsing: the path of the offending value and
/// what is wrong with it. [`Fault::locate`] turns it into a [`ReadError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault<'a> {
    pub path: Vec<Step<'a>>,
    pub message: String,
}

impl<'a> Fault<'a> {
    pub fn new(path: Vec<Step<'a>>, message: impl Into<String>) -> Fault<'a> {
        Fault {
            path,
            message: message.into(),
        }
    }

    /// The error, at the value the path names in `text` (or its nearest
    /// ancestor that can be found).
    pub fn locate(self, text: &str, origin: &str) -> ReadError {
        // A byte order mark is no column an editor shows: count from after it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let position = (0..=self.path.len())
            .rev()
            .find_map(|n| value_offset(text, &self.path[..n]))
            .map(|offset| line_column(text, offset));
        ReadError::at(
            origin,
            ErrorKind::Invalid,
            position,
            Some(path_text(&self.path)),
            self.message,
        )
    }

    /// Checks that the `{...}` placeholders of a text are among `allowed`
    /// (each written with its braces, `"{app}"`).
    pub fn check_placeholders(value: &str, path: &[Step<'static>], allowed: &[&str]) -> Result<(), Fault<'static>> {
        let mut rest = value;
        while let Some(open) = rest.find('{') {
            let tail = &rest[open..];
            if !allowed.iter().any(|a| tail.starts_with(a)) {
                let shown: String = tail.chars().take(16).collect();
                let names: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
                return Err(Fault::new(
                    path.to_vec(),
                    format!(
                        "unknown placeholder near `{shown}`: only {} are filled in",
                        crate::model::text::and_list(&names)
                    ),
                ));
            }
            rest = &tail[1..];
        }
        Ok(())
    }

    /// Checks a data file's format version: permscope reads version 1.
    pub fn check_version(version: u32) -> Result<(), Fault<'static>> {
        if version == 1 {
            return Ok(());
        }
        Err(Fault::new(
            vec![Step::key("version")],
            format!("unsupported version {version} (this permscope reads version 1)"),
        ))
    }

    /// Checks a free text of a data file: at most `max` characters, and none
    /// that could disturb a terminal or hide what it says (control
    /// characters, bidirectional overrides, zero-width characters: one
    /// definition of "unsafe", `text::find_unsafe`, for every file).
    pub fn check_text(value: &str, path: &[Step<'static>], max: usize) -> Result<(), Fault<'static>> {
        if let Some(n) = crate::model::read::limits::over(value, max) {
            return Err(Fault::new(path.to_vec(), crate::model::read::limits::too_long(n, max)));
        }
        if let Some((i, c, why)) = crate::model::text::find_unsafe(value) {
            return Err(Fault::new(
                path.to_vec(),
                format!("text contains {why} (U+{:04X}) at character {}", u32::from(c), i + 1),
            ));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Parsing with located errors.

/// Parses `text` as a `T`, naming `origin` in errors. A byte order mark at
/// the start is skipped. Structs are read from JSON objects only (see
/// [`Objects`]). On failure the error names the line, column and field.
pub fn parse<'de, T: Deserialize<'de>>(text: &'de str, origin: &str) -> Result<T, ReadError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Nearly every file is valid: parse it plainly, and only when that fails
    // parse again with path tracking to name the field.
    let mut de = serde_json::Deserializer::from_str(body);
    let error = match T::deserialize(Objects(&mut de)).and_then(|value| de.end().map(|()| value)) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    // Too deep to read at all: say so, rather than what the reading met first.
    if let Some(at) = too_deep(body) {
        return Err(ReadError::at(
            origin,
            ErrorKind::Syntax,
            Some(line_column(body, at)),
            None,
            format!(
                "arrays and objects nested too deeply: more than {MAX_JSON_DEPTH} levels (this bracket opens level {})",
                MAX_JSON_DEPTH + 1
            ),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(body);
    let tracked: Result<T, _> = serde_path_to_error::deserialize(Objects(&mut de));
    let (path, error) = match tracked {
        Ok(_) => (None, error),
        Err(e) => {
            let path = e.path().clone();
            (Some(path), e.into_inner())
        }
    };
    let mut located = serde_error(body, origin, &error, path.as_ref());
    if body.len() != text.len()
        && located.line == Some(1)
        && let Some(c) = located.column.as_mut()
    {
        // The byte order mark is a character an editor shows no column for.
        *c = (*c).max(1);
    }
    Err(located)
}

/// The located error for a serde_json failure on `text`; `path` is the field
/// path tracked while parsing, when there is one.
pub fn serde_error(
    text: &str,
    origin: &str,
    error: &serde_json::Error,
    path: Option<&serde_path_to_error::Path>,
) -> ReadError {
    let message = strip_position(&error.to_string());
    let tracked = path.map(|p| p.to_string()).filter(|p| p != "." && !p.is_empty());
    let syntax = matches!(
        error.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    );
    // serde_json counts the bytes read on the line: the offending byte is the
    // one before its column (column 0: the line break that ended the line before).
    let read_to = serde_offset(text, error.line(), error.column());
    let mut at = if error.column() == 0 {
        read_to
    } else {
        read_to.saturating_sub(1)
    };
    // A value refused after it was read (unsafe text, a class that does not
    // fit) is reported once serde_json has read on to the end of the list or
    // map holding it: find the value by its path instead.
    if !syntax
        && !message.starts_with("missing field")
        && let Some(path) = path
        && let Some(offset) = value_offset(text, &serde_steps(path))
    {
        at = offset;
    }
    // A raw line break inside a string is found where the string goes on (the
    // next line): point at the string's opening quote instead.
    if message.starts_with("control character")
        && let Some(start) = json_string_start(text, read_to)
    {
        at = start;
    }
    let field = if syntax {
        Some(path_at(text, at)).filter(|p| !p.is_empty()).or(tracked)
    } else {
        tracked
    };
    let (kind, message) = if syntax {
        (ErrorKind::Syntax, format!("not valid JSON: {}", syntax_words(&message)))
    } else {
        (ErrorKind::Invalid, value_words(&message))
    };
    let position = (error.line() > 0).then(|| line_column(text, at));
    ReadError::at(origin, kind, position, field, message)
}

/// The steps of a path serde_path_to_error tracked.
fn serde_steps(path: &serde_path_to_error::Path) -> Vec<Step<'_>> {
    path.iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Step::key(key.as_str())),
            _ => None,
        })
        .collect()
}

/// The offset of the first bracket that opens a level deeper than
/// [`MAX_JSON_DEPTH`], in JSON text read from the start (strings skipped).
pub fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i)?;
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// serde_json appends " at line L column C"; the error prints the position itself.
/// A serde_json syntax message in a reviewer's words (what is wrong at the
/// position the error gives); a message not known here is kept as it is.
fn syntax_words(message: &str) -> String {
    let words = match message {
        "expected value" => "a value was expected here (text in double quotes, a number, true, false, null, [ or {)",
        "expected ident" => "a word that is not true, false or null (text must be in double quotes)",
        "expected `,` or `}`" => "a comma or the } closing this object was expected here",
        "expected `,` or `]`" => "a comma or the ] closing this list was expected here",
        "expected `:`" => "a colon was expected here, after the field name",
        "key must be a string" => "a field name must be text in double quotes",
        "trailing comma" => "a comma before a closing ] or } (JSON allows none)",
        "trailing characters" => "more text after the end of the JSON document",
        "EOF while parsing a value" => "the file ends where a value should be (is it cut short?)",
        "EOF while parsing a list" => "the file ends inside a list (a closing ] is missing; is it cut short?)",
        "EOF while parsing an object" => "the file ends inside an object (a closing } is missing; is it cut short?)",
        "EOF while parsing a string" => "the file ends inside text (a closing \" is missing; is it cut short?)",
        "invalid escape" => "an unknown backslash escape in text (a backslash is written \\\\)",
        "invalid number" => "not a number",
        "number out of range" => "a number too large to read",
        "recursion limit exceeded" => "lists or objects nested too deeply",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "a line break or control character inside text (write a line break as \\n)"
        }
        other if other.contains("surrogate") || other.contains("unicode") || other.contains("hex escape") => {
            "an invalid \\u escape in text"
        }
        other => return other.to_string(),
    };
    words.to_string()
}

/// A serde message about a value (of the wrong type) in a reviewer's words:
/// "invalid type: the text \"three\" where a whole number should be". Other
/// messages (unknown or missing fields, the readers' own) are kept.
fn value_words(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let found = if let Some(text) = found.strip_prefix("string ") {
        format!("the text {text}")
    } else if let Some(n) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
    {
        format!("the number {}", n.trim_matches('`'))
    } else if let Some(b) = found.strip_prefix("boolean ") {
        b.trim_matches('`').to_string()
    } else {
        match found {
            "sequence" => "a list [...]".to_string(),
            "map" => "an object {...}".to_string(),
            other => other.to_string(),
        }
    };
    let integer = ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"];
    let expected = match expected {
        "a sequence" => "a list [...]".to_string(),
        "a string" | "a borrowed string" => "text in double quotes".to_string(),
        "a map" => "an object {...}".to_string(),
        "a boolean" => "true or false".to_string(),
        "f32" | "f64" => "a number".to_string(),
        e if integer.contains(&e) => "a whole number".to_string(),
        e if e.starts_with("struct ") || e == "an object with named fields" => "an object {...}".to_string(),
        other => other.to_string(),
    };
    format!("invalid type: {found} where {expected} should be")
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The byte offset just past the bytes serde_json read on 1-based `line`.
fn serde_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(at) => start += at + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

// ---------------------------------------------------------------------------
// Lines and columns.

/// The 1-based line and column (in characters, as an editor counts) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    (line, column_from(text, line_start, offset))
}

fn column_from(text: &str, line_start: usize, offset: usize) -> usize {
    text.get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count())
        + 1
}

/// Line starts of a text, for locating many offsets in it.
#[derive(Debug, Clone)]
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// As [`line_column`], without rescanning the text.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line.saturating_sub(1)];
        (line, column_from(self.text, start, offset))
    }
}

/// The offset of the opening quote of the string that `offset` is inside, in
/// JSON text read from the start (`None` when `offset` is not in a string).
pub fn json_string_start(text: &str, offset: usize) -> Option<usize> {
    let mut start = None;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate().take(offset.min(text.len())) {
        match (start, b) {
            (None, b'"') => start = Some(i),
            (Some(_), _) if escaped => escaped = false,
            (Some(_), b'\\') => escaped = true,
            (Some(_), b'"') => start = None,
            _ => {}
        }
    }
    start
}

// ---------------------------------------------------------------------------
// From a path to a position.

/// The 1-based line and column of the value at `path` in valid JSON text.
pub fn locate(text: &str, path: &[Step<'_>]) -> Option<(usize, usize)> {
    value_offset(text, path).map(|pos| line_column(text, pos))
}

/// The byte offset of the value at `path` in JSON text known to be valid.
pub fn value_offset(text: &str, path: &[Step<'_>]) -> Option<usize> {
    let b = text.as_bytes();
    let mut pos = skip_ws(b, usize::from(text.starts_with('\u{feff}')) * 3);
    for step in path {
        match step {
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
                    let name: Cow<str> = serde_json::from_str(text.get(pos..end)?).ok()?;
                    pos = skip_ws(b, end);
                    if b.get(pos) != Some(&b':') {
                        return None;
                    }
                    pos = skip_ws(b, pos + 1);
                    if name == *key {
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
                for _ in 0..*index {
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

/// Byte offsets of every element of the array starting at `at`.
pub fn element_offsets(text: &str, at: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.get(at) != Some(&b'[') {
        return out;
    }
    let mut pos = skip_ws(b, at + 1);
    if b.get(pos) == Some(&b']') {
        return out;
    }
    loop {
        out.push(pos);
        match skip_value(b, pos) {
            Some(end) => pos = skip_ws(b, end),
            None => return out,
        }
        if b.get(pos) != Some(&b',') {
            return out;
        }
        pos = skip_ws(b, pos + 1);
    }
}

/// Index of the first non-whitespace byte at or after `pos`.
fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while pos < b.len() && b[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// Index just past the JSON string starting at `start` (a `"`).
fn skip_string(b: &[u8], start: usize) -> Option<usize> {
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
fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
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

// ---------------------------------------------------------------------------
// From a position to a path.

/// One open container while walking JSON text.
#[derive(Debug)]
enum Frame {
    Object { key: Option<String>, want_key: bool },
    Array { index: usize },
}

/// The path of the value being read at byte `end` of (possibly malformed)
/// JSON text: the containers open there, with their current key or index.
pub fn path_at(text: &str, end: usize) -> String {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => {
                frames.push(Frame::Object {
                    key: None,
                    want_key: true,
                });
                i += 1;
            }
            b'[' => {
                frames.push(Frame::Array { index: 0 });
                i += 1;
            }
            b'}' | b']' => {
                frames.pop();
                i += 1;
            }
            b',' => {
                match frames.last_mut() {
                    Some(Frame::Object { key, want_key }) => {
                        *key = None;
                        *want_key = true;
                    }
                    Some(Frame::Array { index }) => *index += 1,
                    None => {}
                }
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { want_key, .. }) = frames.last_mut() {
                    *want_key = false;
                }
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, want_key: true }) = frames.last_mut() {
                    *key = Some(text.get(start + 1..i.min(bytes.len())).unwrap_or("").to_string());
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    let mut out = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_nested_values() {
        let raw = "{\n  \"a\": 1,\n  \"apps\": [\n    {\"x\": \"}\"},\n    {\"name\": \"b\"}\n  ]\n}";
        assert_eq!(
            locate(raw, &[Step::key("apps"), Step::Index(1), Step::key("name")]),
            Some((5, 14))
        );
        assert_eq!(locate(raw, &[Step::key("missing")]), None);
    }

    #[test]
    fn json_positions_round_trip() {
        let text = "{\n  \"a\": [1, {\"b\": \"c\"}],\n  \"d\": true\n}";
        let at = value_offset(text, &[Step::key("a"), Step::Index(1), Step::key("b")]).unwrap();
        assert_eq!(&text[at..at + 3], "\"c\"");
        assert_eq!(line_column(text, at), (2, 18));
        assert_eq!(LineIndex::new(text).line_column(at), (2, 18));
        // serde_json's column counts the bytes read on the line: the offending
        // character is the one just before that offset.
        assert_eq!(serde_offset(text, 2, 18), at + 1);
        assert_eq!(path_at(text, at), "a[1].b");
        assert_eq!(value_offset(text, &[Step::key("zzz")]), None);
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\"é\": \"ü\", \"x\": 1}";
        let at = value_offset(text, &[Step::key("x")]).unwrap();
        assert_eq!(line_column(text, at), (1, 17));
    }

    #[test]
    fn faults_fall_back_to_the_nearest_ancestor() {
        let text = "{\n  \"apps\": [\n    {\"name\": \"a\"}\n  ]\n}";
        let e = Fault::new(vec![Step::key("apps"), Step::Index(0), Step::key("missing")], "bad").locate(text, "f.json");
        assert_eq!((e.line, e.column), (Some(3), Some(5)));
        assert_eq!(e.field.as_deref(), Some("apps[0].missing"));
        assert_eq!(e.to_string(), "f.json:3:5: field `apps[0].missing`: bad");
    }

    #[test]
    fn serde_errors_are_located_in_characters() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Doc {
            #[allow(dead_code)]
            name: String,
        }
        let e = parse::<Doc>("{\"name\": \"é\", \"nmae\": 1}", "d.json").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("unknown field `nmae`"), "{e}");
        let e = parse::<Doc>("{\"name\": \"a\" \"x\": 1}", "d.json").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax);
        assert!(e.message.starts_with("not valid JSON"), "{e}");
        assert_eq!(e.field.as_deref(), Some("name"));
        // A byte order mark is skipped.
        assert!(parse::<Doc>("\u{feff}{\"name\": \"a\"}", "d.json").is_ok());
        // An array of the fields in order is not the object the format wants.
        let e = parse::<Doc>("[\"a\"]", "d.json").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
        assert!(
            e.message
                .contains("invalid type: a list [...] where an object {...} should be"),
            "{e}"
        );
    }

    #[test]
    fn nesting_too_deep_is_named_with_its_place() {
        let text = format!("\n  {}", "[".repeat(100_000));
        let e = parse::<serde_json::Value>(&text, "deep.json").unwrap_err();
        assert!(e.message.contains("nested too deeply"), "{e}");
        assert_eq!((e.line, e.column), (Some(2), Some(3 + MAX_JSON_DEPTH)));
        assert_eq!(e.field, None);
        // Brackets in strings do not count.
        assert_eq!(too_deep(&format!("\"{}\"", "[".repeat(500))), None);
        // The limit is serde_json's own: as deep as it reads, and no deeper.
        let at_limit = format!("{}{}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        assert!(parse::<serde_json::Value>(&at_limit, "ok.json").is_ok());
        let over = format!("[{at_limit}]");
        assert!(serde_json::from_str::<serde_json::Value>(&over).is_err());
        assert!(
            parse::<serde_json::Value>(&over, "deep.json")
                .unwrap_err()
                .message
                .contains("nested too deeply")
        );
    }
}
