//! The limits on what permscope reads, defined once. The loaders refuse input
//! over them, and `import` checks the file it is about to write against the
//! same numbers, so that it never writes a file the loader would refuse. The
//! schemas in `data/` state the same numbers (a test holds them together).

/// Largest file (or standard input) permscope reads; a vendor table or a tenant
/// export is far smaller.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Longest free-text field of a product, rule or capability file, in
/// characters (`maxLength` of the schemas' `text`).
pub const MAX_TEXT_CHARS: usize = 4096;

/// Longest permission name, resource name or name pattern, in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// Longest slug or id, in characters.
pub const MAX_SLUG_CHARS: usize = 64;

/// Deepest nesting of JSON arrays and objects: as deep as serde_json reads.
/// Saying so names the problem, rather than whatever type error came first.
pub const MAX_JSON_DEPTH: usize = 127;

/// What every length limit says: a text of `chars` characters where at most `max` are allowed.
pub fn too_long(chars: usize, max: usize) -> String {
    format!("{chars} characters long; at most {max} are allowed")
}

/// The number of characters of `text` when it is over `max`, else `None`.
pub fn over(text: &str, max: usize) -> Option<usize> {
    // A text of at most `max` bytes has at most `max` characters.
    if text.len() <= max {
        return None;
    }
    let n = text.chars().count();
    (n > max).then_some(n)
}
