//! Text hygiene: data comes from vendors and tenants we do not trust.
//!
//! Loaders refuse characters that could drive a terminal or disguise text
//! (escape sequences, C0/C1 controls, bidirectional overrides, zero-width
//! characters); everything written to a terminal or a clipboard passes through
//! [`neutralise`] as a second line of defence.

use crate::model::read::limits;
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Why a character is unsafe to show, or `None` when it is fine.
pub fn unsafe_reason(c: char) -> Option<&'static str> {
    match c {
        '\u{1b}' => Some("an escape character (ESC), which starts terminal escape sequences"),
        '\u{0}'..='\u{1f}' | '\u{7f}' => Some("a control character"),
        '\u{80}'..='\u{9f}' => Some("a C1 control character, which some terminals treat as an escape sequence"),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}' => {
            Some("a bidirectional override, which can make text display differently from what it is")
        }
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{180e}' => {
            Some("a zero-width character, which hides text differences")
        }
        '\u{2028}' | '\u{2029}' => Some("a line or paragraph separator"),
        _ => None,
    }
}

/// The first unsafe character of `text`, with its position in characters.
pub fn find_unsafe(text: &str) -> Option<(usize, char, &'static str)> {
    // Fast path: printable ASCII (nearly all data) cannot hold an unsafe character.
    if is_printable_ascii(text) {
        return None;
    }
    text.chars()
        .enumerate()
        .find_map(|(i, c)| unsafe_reason(c).map(|r| (i, c, r)))
}

/// Replaces every unsafe character with a visible `\u{..}` escape so the text
/// can be written to a terminal or clipboard without effect. Borrowed when clean.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if find_unsafe(text).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_reason(c).is_some() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`neutralise`], except for the line breaks and tabs that lay out a
/// multi-line text (a script, a table, a message): what a stream or the
/// clipboard receives.
pub fn neutralise_keeping_lines(text: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' || c == '\t';
    if !text.chars().any(|c| !keep(c) && unsafe_reason(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !keep(c) && unsafe_reason(c).is_some() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How a failed text check's message starts.
pub(crate) const TEXT_CHECK: &str = "text contains ";

fn check<E: serde::de::Error>(s: String) -> Result<String, E> {
    check_str(&s)?;
    Ok(s)
}

fn check_str<E: serde::de::Error>(s: &str) -> Result<(), E> {
    match find_unsafe(s) {
        None => Ok(()),
        Some((i, c, why)) => Err(E::custom(format!(
            "{TEXT_CHECK}{why} (U+{:04X}) at character {}",
            c as u32,
            i + 1
        ))),
    }
}

/// Checked text that borrows from the input when the JSON string holds no
/// escapes: text that is pooled anyway is then never copied on its own.
struct CheckedCow<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for CheckedCow<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v))
            }
        }
        let text = d.deserialize_str(Text)?;
        check_str(&text)?;
        Ok(CheckedCow(text))
    }
}

/// serde helper: [`checked`], borrowed from the input where it can be.
pub fn checked_cow<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    CheckedCow::deserialize(d).map(|c| c.0)
}

/// serde helper: [`checked_opt`], borrowed from the input where it can be.
pub fn checked_opt_cow<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    Ok(Option::<CheckedCow<'de>>::deserialize(d)?.map(|c| c.0))
}

/// serde helper: a string without unsafe characters.
pub fn checked<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    check(String::deserialize(d)?)
}

/// serde helper: an optional string without unsafe characters.
pub fn checked_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)?.map(check).transpose()
}

/// A string checked as soon as it is read, so that an error points at the
/// element (`notes[2]`, its line) rather than at the end of the list holding it.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Checked(String);

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        check(String::deserialize(d)?).map(Checked)
    }
}

/// serde helper: a list of strings without unsafe characters.
pub fn checked_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<Checked>::deserialize(d)?.into_iter().map(|c| c.0).collect())
}

/// Refuses text over `max` characters, with the message every limit gives.
fn check_len<E: serde::de::Error>(s: &str, max: usize) -> Result<(), E> {
    match limits::over(s, max) {
        Some(n) => Err(E::custom(limits::too_long(n, max))),
        None => Ok(()),
    }
}

/// serde helper: [`checked`] free text of at most [`limits::MAX_TEXT_CHARS`]
/// characters (the schemas' `text`).
pub fn checked_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = checked(d)?;
    check_len(&s, limits::MAX_TEXT_CHARS)?;
    Ok(s)
}

/// serde helper: [`checked_text`], borrowed from the input where it can be.
pub fn checked_text_cow<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    let s = checked_cow(d)?;
    check_len(&s, limits::MAX_TEXT_CHARS)?;
    Ok(s)
}

/// serde helper: a name (a permission's claim) of at most
/// [`limits::MAX_NAME_CHARS`] characters, without unsafe characters.
pub fn checked_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = checked(d)?;
    check_len(&s, limits::MAX_NAME_CHARS)?;
    Ok(s)
}

/// A [`checked_text`] element of a list, checked as soon as it is read.
struct CheckedText(String);

impl<'de> Deserialize<'de> for CheckedText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked_text(d).map(CheckedText)
    }
}

/// serde helper: a list of [`checked_text`] strings.
pub fn checked_text_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Vec::<CheckedText>::deserialize(d)?.into_iter().map(|c| c.0).collect())
}

/// serde helper: a string map whose keys and values are free of unsafe characters.
pub fn checked_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(BTreeMap::<Checked, Checked>::deserialize(d)?
        .into_iter()
        .map(|(k, v)| (k.0, v.0))
        .collect())
}

/// Pretty JSON that is safe on a terminal and still means the same: every
/// character [`unsafe_reason`] names is written as a `\uXXXX` escape (serde
/// escapes C0 controls but not C1, bidirectional or zero-width characters).
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let raw = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    // Line breaks are the pretty-printer's own (serde escapes them inside strings).
    let escape = |c: char| c != '\n' && unsafe_reason(c).is_some();
    if !raw.chars().any(escape) {
        return raw;
    }
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        if escape(c) {
            // Only reachable inside strings: JSON syntax itself is ASCII.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Items as an English list: "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Neutralised text on one line: tabs and line breaks become spaces.
pub fn one_line(s: &str) -> String {
    let mut out = String::new();
    push_one_line(&mut out, s);
    out
}

/// Appends [`one_line`] of `s` to `out`, copying only once when nothing needs replacing.
pub fn push_one_line(out: &mut String, s: &str) {
    // Printable ASCII (nearly all data) has nothing to replace or escape.
    if is_printable_ascii(s) {
        out.push_str(s);
        return;
    }
    if !s.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        out.push_str(&neutralise(s));
        return;
    }
    out.push_str(&neutralise(&s.replace(['\t', '\n', '\r'], " ")));
}

/// An RFC 4180 CSV field, neutralised; a leading `=`, `+`, `-` or `@` is
/// defused with `'` so a spreadsheet does not run it as a formula.
pub fn csv_field(s: &str) -> String {
    let s = neutralise(s);
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.into_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Text that any Markdown viewer shows as itself: neutralised and on one
/// line; every character that could start markup is escaped (a backslash
/// before Markdown's punctuation, an entity for HTML's `<`, `>` and `&`), and
/// so is a start that would open a block (a list, a heading, a quote). Links,
/// images, raw HTML, emphasis, code, headings and table cells written in
/// vendor or tenant text all come out as the literal characters.
pub fn md_text(s: &str) -> String {
    let line = one_line(s);
    let line = line.trim_start();
    let mut out = String::with_capacity(line.len() + 8);
    let mut chars = line.chars().peekable();
    // Text at the start of a line that would open a block: a list item
    // (`- `, `+ `, `1. `, `1) `), a thematic break or setext underline
    // (`---`, `===`): escape that first mark.
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let opens = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    if (1..=9).contains(&digits) && line[digits..].starts_with(['.', ')']) && opens(&line[digits + 1..]) {
        out.push_str(&line[..digits]);
        out.push('\\');
        for _ in 0..digits {
            chars.next();
        }
    } else if let Some(first) = line.chars().next() {
        let only = line.chars().all(|c| c == first || c == ' ');
        let block = match first {
            '-' | '+' => opens(&line[1..]) || only,
            '=' => only,
            _ => false,
        };
        if block {
            out.push('\\');
        }
    }
    let mut before = None;
    while let Some(c) = chars.next() {
        let after = chars.peek().copied();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        match c {
            // Inside a word (`full_access_as_app`) an underscore is never
            // emphasis in CommonMark: left as written, names stay readable.
            '_' if word(before) && word(after) => out.push(c),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '|' | '$' | '#' | '{' | '}' | '^' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Only `&name;` or `&#...;` is an entity: a lone `&` stays as it is.
            '&' if after.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => out.push_str("&amp;"),
            _ => out.push(c),
        }
        before = Some(c);
    }
    out
}

/// A Markdown code span that holds any text: the fence is longer than any
/// backtick run inside, and pipes are escaped (inside a table a pipe ends the
/// cell even in a code span).
pub fn md_code(s: &str) -> String {
    let s = one_line(s);
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

/// Display width of `text` in terminal columns, counting wide (CJK, emoji) characters as two.
pub fn display_width(text: &str) -> usize {
    if is_printable_ascii(text) {
        return text.len();
    }
    text.chars().map(char_width).sum()
}

/// True when every byte is printable ASCII: one column each, nothing to escape.
fn is_printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Terminal columns of one character: 0 for combining marks, 2 for wide ones.
pub fn char_width(c: char) -> usize {
    let u = c as u32;
    if unsafe_reason(c).is_some() {
        return 0;
    }
    if (0x300..=0x36f).contains(&u) {
        return 0;
    }
    let wide = (0x1100..=0x115f).contains(&u)
        || (0x2e80..=0xa4cf).contains(&u)
        || (0xac00..=0xd7a3).contains(&u)
        || (0xf900..=0xfaff).contains(&u)
        || (0xfe30..=0xfe4f).contains(&u)
        || (0xff00..=0xff60).contains(&u)
        || (0xffe0..=0xffe6).contains(&u)
        || (0x1f300..=0x1faff).contains(&u)
        || (0x20000..=0x3fffd).contains(&u);
    if wide { 2 } else { 1 }
}

/// Cuts `text` to at most `width` columns, ending with `…` when cut.
pub fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if is_printable_ascii(text) {
        return match width {
            _ if text.len() <= width => Cow::Borrowed(text),
            0 => Cow::Borrowed(""),
            _ => Cow::Owned(format!("{}…", &text[..width - 1])),
        };
    }
    if display_width(text) <= width {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// The part of each text that differs from the others: the words every text
/// starts with, and those every text ends with, are left out and marked
/// with `…` (each text keeps at least one word). With fewer than two texts,
/// or nothing in common, the texts are returned as they are.
pub fn distinct_parts(texts: &[&str]) -> Vec<String> {
    let words: Vec<Vec<&str>> = texts.iter().map(|t| t.split(' ').collect()).collect();
    let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
    let distinct = {
        let mut seen: Vec<&str> = texts.to_vec();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    if distinct < 2 || shortest < 2 {
        return texts.iter().map(|t| t.to_string()).collect();
    }
    // The word `k` from the start (or from the end) is the same in every text.
    let same = |k: usize, from_end: bool| {
        let at = |w: &[&str]| if from_end { w.len() - 1 - k } else { k };
        words.iter().all(|w| w[at(w)] == words[0][at(&words[0])])
    };
    let mut head = 0;
    while head + 1 < shortest && same(head, false) {
        head += 1;
    }
    let mut tail = 0;
    while head + tail + 1 < shortest && same(tail, true) {
        tail += 1;
    }
    words
        .iter()
        .map(|w| {
            let mut s = w[head..w.len() - tail].join(" ");
            if head > 0 {
                s.insert(0, '…');
            }
            if tail > 0 {
                s.push('…');
            }
            s
        })
        .collect()
}

/// The only escape sequences the program itself writes through a door:
/// SGR (select graphic rendition) colours for risk badges on the command
/// line, `ESC [ … m`, which change how text looks and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sgr {
    /// White on red, bold (Critical).
    Critical,
    /// Light red, bold (High).
    High,
    /// Yellow (Medium).
    Medium,
    /// Green (Low).
    Low,
    /// Magenta (Unknown).
    Unknown,
    /// Back to the terminal's own colours.
    Reset,
}

// Each sequence is a static of its own: the door recognises the program's
// sequences by their address, which no text read from a file or typed can
// have (a copy of the same bytes elsewhere is neutralised like any text).
static SGR_CRITICAL: [u8; 10] = *b"\x1b[1;97;41m";
static SGR_HIGH: [u8; 7] = *b"\x1b[1;91m";
static SGR_MEDIUM: [u8; 5] = *b"\x1b[33m";
static SGR_LOW: [u8; 5] = *b"\x1b[32m";
static SGR_UNKNOWN: [u8; 5] = *b"\x1b[35m";
static SGR_RESET: [u8; 4] = *b"\x1b[0m";

impl Sgr {
    const ALL: [Sgr; 6] = [
        Sgr::Critical,
        Sgr::High,
        Sgr::Medium,
        Sgr::Low,
        Sgr::Unknown,
        Sgr::Reset,
    ];

    /// The sequence: always one of the program's statics.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Sgr::Critical => &SGR_CRITICAL,
            Sgr::High => &SGR_HIGH,
            Sgr::Medium => &SGR_MEDIUM,
            Sgr::Low => &SGR_LOW,
            Sgr::Unknown => &SGR_UNKNOWN,
            Sgr::Reset => &SGR_RESET,
        }
    }

    /// Writes the sequence through `out`: a door lets it through as it is,
    /// because it is this very static (a door never lets other escapes pass).
    pub fn write(self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.bytes())
    }

    /// True when `buf` is exactly one of the program's own sequences, by
    /// address and length, not merely by content.
    fn is_own(buf: &[u8]) -> bool {
        Sgr::ALL.iter().any(|s| {
            let own = s.bytes();
            std::ptr::eq(own.as_ptr(), buf.as_ptr()) && own.len() == buf.len()
        })
    }
}

/// The door text leaves the program by on a terminal stream (stdout, stderr):
/// every character [`unsafe_reason`] names, except the line breaks and tabs
/// the program itself writes, becomes a visible `\u{..}` escape. Commands
/// write plain text through it and need not neutralise it themselves.
pub struct Neutral<W: std::io::Write> {
    inner: W,
    /// The start of a character split between two writes.
    pending: Vec<u8>,
}

impl<W: std::io::Write> Neutral<W> {
    pub fn new(inner: W) -> Neutral<W> {
        Neutral {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes `text` with its unsafe characters escaped as
    /// [`neutralise_keeping_lines`] does, straight from `text`: the clean
    /// stretches between them are written as they are, with no copy.
    fn write_text(&mut self, text: &str) -> std::io::Result<()> {
        let bytes = text.as_bytes();
        let (mut from, mut i) = (0, 0);
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                // ASCII: printable, a tab or a line break passes.
                if (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t' {
                    i += 1;
                    continue;
                }
            }
            // (`i` is at a character boundary: ASCII bytes are skipped one by
            // one and other characters whole.)
            let c = text[i..].chars().next().unwrap_or('\u{fffd}');
            let len = c.len_utf8();
            if unsafe_reason(c).is_some() {
                self.inner.write_all(&bytes[from..i])?;
                write!(self.inner, "\\u{{{:x}}}", c as u32)?;
                from = i + len;
            }
            i += len;
        }
        self.inner.write_all(&bytes[from..])
    }
}

impl<W: std::io::Write> std::io::Write for Neutral<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The program's own colour (see [`Sgr`]) passes as it is; the same
        // bytes from anywhere else are text, and neutralised below.
        if Sgr::is_own(buf) {
            if !self.pending.is_empty() {
                let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
                self.write_text(&rest)?;
            }
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        if self.pending.is_empty() {
            // Most writes are whole UTF-8 text: checked where they are.
            match std::str::from_utf8(buf) {
                Ok(text) => {
                    self.write_text(text)?;
                    return Ok(buf.len());
                }
                // An incomplete character at the end waits for the next write.
                Err(e) if e.error_len().is_none() => {
                    let (text, rest) = buf.split_at(e.valid_up_to());
                    // (Valid up to there, as from_utf8 said.)
                    self.write_text(&String::from_utf8_lossy(text))?;
                    self.pending = rest.to_vec();
                    return Ok(buf.len());
                }
                Err(_) => {}
            }
        }
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        let valid = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            // An incomplete character at the end waits for the next write.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            // Invalid bytes in the middle: never from this program, shown lossily.
            Err(_) => bytes.len(),
        };
        let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        self.pending = bytes[valid..].to_vec();
        self.write_text(&text)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Neutral<W> {
    fn drop(&mut self) {
        // A character cut off at the very end is written lossily.
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
            let _ = self.write_text(&rest);
        }
        let _ = self.inner.flush();
    }
}

/// `text` broken into lines of at most `width` columns at spaces (a word
/// longer than a line is cut into pieces), each line after the first starting
/// with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.max(display_width(indent) + 8);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let prefix = if lines.is_empty() { "" } else { indent };
        let used = if line.is_empty() {
            display_width(prefix)
        } else {
            display_width(&line) + 1
        };
        let room = width.saturating_sub(used);
        if display_width(word) <= room {
            if line.is_empty() {
                line.push_str(prefix);
            } else {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word longer than a whole line goes on in pieces.
        let mut rest: String = word.to_string();
        loop {
            let prefix = if lines.is_empty() { "" } else { indent };
            let room = width.saturating_sub(display_width(prefix));
            if display_width(&rest) <= room {
                line = format!("{prefix}{rest}");
                break;
            }
            let mut piece = String::new();
            let mut used = 0;
            let mut chars = rest.chars();
            for c in chars.by_ref() {
                // At least one character a line, however wide.
                if used + char_width(c) > room && !piece.is_empty() {
                    break;
                }
                used += char_width(c);
                piece.push(c);
            }
            rest = rest[piece.len()..].to_string();
            lines.push(format!("{prefix}{piece}"));
            if rest.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A count with its noun: `1 permission`, `3 permissions`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralise_makes_escapes_visible() {
        assert_eq!(neutralise("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(neutralise("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(neutralise("\u{9b}31m"), "\\u{9b}31m");
        assert!(matches!(neutralise("Mail.Read"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_stays_json_and_terminal_safe() {
        let v = serde_json::json!({"a": ["x\u{9b}y\u{202e}", "line\nbreak\u{1b}"]});
        let text = json_pretty(&v);
        assert!(find_unsafe(&text.replace('\n', " ")).is_none(), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }

    #[test]
    fn curly_quotes_and_accents_are_fine() {
        assert!(find_unsafe("users’ profiles – café").is_none());
        assert_eq!(find_unsafe("ok\u{200b}").map(|f| f.0), Some(2));
    }

    #[test]
    fn truncate_respects_wide_characters() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(display_width("日本"), 4);
    }

    #[test]
    fn the_door_escapes_all_but_line_breaks_and_tabs() {
        use std::io::Write;
        let mut out = Vec::new();
        {
            let mut door = Neutral::new(&mut out);
            door.write_all("a\tb\n\u{1b}[2Jc\u{202e}".as_bytes()).unwrap();
            // A character split across two writes arrives whole.
            let e = "é".as_bytes();
            door.write_all(&e[..1]).unwrap();
            door.write_all(&e[1..]).unwrap();
            door.write_all(b"\x07\n").unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "a\tb\n\\u{1b}[2Jc\\u{202e}é\\u{7}\n");
    }

    #[test]
    fn lists_read_as_english() {
        let l = |v: &[&str]| and_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&[]), "");
        assert_eq!(l(&["a"]), "a");
        assert_eq!(l(&["a", "b"]), "a and b");
        assert_eq!(l(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn markdown_text_is_literal() {
        assert_eq!(md_text("Mail.Read"), "Mail.Read");
        assert_eq!(md_text("Backup & Replication"), "Backup & Replication");
        assert_eq!(
            md_text("![](http://e.example/p.png) [click me](javascript:alert(1))"),
            "!\\[\\](http://e.example/p.png) \\[click me\\](javascript:alert(1))"
        );
        assert_eq!(
            md_text("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(
            md_text("a|b *c* _d_ `e` &lt;"),
            "a\\|b \\*c\\* \\_d\\_ \\`e\\` &amp;lt;"
        );
        assert_eq!(
            md_text("full_access_as_app a__b _x"),
            "full_access_as_app a\\_\\_b \\_x"
        );
        assert_eq!(md_text("# title ##"), "\\# title \\#\\#");
        assert_eq!(md_text("- item"), "\\- item");
        assert_eq!(md_text("---"), "\\---");
        assert_eq!(md_text("="), "\\=");
        assert_eq!(md_text("= Graph User.Read.All"), "= Graph User.Read.All");
        assert_eq!(md_text("-5 and +3"), "-5 and +3");
        assert_eq!(md_text("1.0 release"), "1.0 release");
        assert_eq!(md_text("  12. item"), "12\\. item");
        // A neutralised escape keeps its backslash.
        assert_eq!(md_text("one\ntwo\u{1b}[31m"), "one two\\\\u\\{1b\\}\\[31m");
    }

    #[test]
    fn distinct_parts_leave_out_what_every_text_shares() {
        let texts = [
            "Lets the app read mail across the whole tenant, with no user signed in.",
            "Lets the app change files across the whole tenant, with no user signed in.",
        ];
        assert_eq!(distinct_parts(&texts), ["…read mail…", "…change files…"]);
        assert_eq!(distinct_parts(&["one text only"]), ["one text only"]);
        assert_eq!(distinct_parts(&["a b", "a b"]), ["a b", "a b"]);
        // Each keeps a word even when one text is the start of another.
        assert_eq!(
            distinct_parts(&["Lets the app", "Lets the app read"]),
            ["…app", "…app read"]
        );
    }

    #[test]
    fn the_door_writes_what_neutralising_the_whole_text_gives_however_it_is_cut() {
        use std::io::Write;
        let text = "Mail.Read — “read” é\tok\n\u{1b}[31mred\u{202e}gnp.exe\u{85}\u{200b}end…\r\n";
        let want = neutralise_keeping_lines(text).into_owned();
        let bytes = text.as_bytes();
        for a in 0..=bytes.len() {
            for b in a..=bytes.len() {
                let mut out = Vec::new();
                {
                    let mut door = Neutral::new(&mut out);
                    door.write_all(&bytes[..a]).unwrap();
                    door.write_all(&bytes[a..b]).unwrap();
                    door.write_all(&bytes[b..]).unwrap();
                }
                assert_eq!(String::from_utf8(out).unwrap(), want, "cut at {a} and {b}");
            }
        }
    }

    #[test]
    fn the_door_lets_through_only_the_programs_own_colours() {
        use std::io::Write;
        let mut out = Vec::new();
        {
            let mut door = Neutral::new(&mut out);
            Sgr::High.write(&mut door).unwrap();
            door.write_all(b"HIGH").unwrap();
            Sgr::Reset.write(&mut door).unwrap();
            // The same bytes as text (a file could hold them) are neutralised.
            let copy = Sgr::High.bytes().to_vec();
            door.write_all(&copy).unwrap();
            door.write_all("\u{1b}[0m".as_bytes()).unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\u{1b}[1;91mHIGH\u{1b}[0m\\u{1b}[1;91m\\u{1b}[0m"
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("aaa bbb ccc", 8, "  "), ["aaa bbb", "  ccc"]);
        assert_eq!(wrap("short", 80, ""), ["short"]);
        let long = "x".repeat(25);
        let lines = wrap(&long, 10, "");
        assert_eq!(lines.concat(), long);
        assert!(lines.iter().all(|l| display_width(l) <= 10), "{lines:?}");
    }
}
