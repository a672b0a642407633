//! Every reader of untrusted input, and the one shape their problems take.
//!
//! Product files, the folder loader, grants exports and resource catalogs,
//! risk-rule files and CSV imports each have a file here. Whatever they find
//! wrong becomes a [`ReadError`] naming the file, the line and column (in
//! characters, as an editor counts) and the field, located by [`json`].

pub mod alternatives;
pub mod capabilities;
pub mod csv;
pub mod equivalents;
pub mod file;
pub mod folder;
pub mod grants;
pub mod json;
pub mod limits;
pub mod microsoft;
pub mod objects;
pub mod product;
pub mod rules;

use crate::model::text;
use std::fmt;

/// What kind of problem a [`ReadError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file as a whole: missing, unreadable, too large, not text.
    File,
    /// A data folder: missing, not a folder, unreadable.
    Folder,
    /// The text is not well-formed (JSON syntax, an unterminated CSV quote).
    Syntax,
    /// Well-formed text whose content does not fit the format.
    Invalid,
}

/// A problem with one input, located as precisely as the input allows.
///
/// Shown as `file:line:column: field `path`: message`, with every part the
/// input allows and everything quoted from the input neutralised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReadError {
    /// The file (or bundled name, or other source) the problem is in.
    pub origin: String,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// Path of the offending field, e.g. `apps[0].requirements[3].type`.
    pub field: Option<String>,
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for ReadError {
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

impl ReadError {
    /// A problem with a whole file.
    pub fn file(origin: impl Into<String>, message: impl Into<String>) -> ReadError {
        ReadError {
            origin: origin.into(),
            line: None,
            column: None,
            field: None,
            kind: ErrorKind::File,
            message: message.into(),
        }
    }

    /// A problem at a line and column (and, when known, a field).
    pub fn at(
        origin: impl Into<String>,
        kind: ErrorKind,
        position: Option<(usize, usize)>,
        field: Option<String>,
        message: impl Into<String>,
    ) -> ReadError {
        ReadError {
            origin: origin.into(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            field: field.filter(|f| !f.is_empty() && f != "."),
            kind,
            message: message.into(),
        }
    }
}
