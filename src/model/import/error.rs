//! What an import refuses, and how it says so.

use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::file::MAX_FILE_BYTES;
use crate::model::read::grants::ExportKind;
use crate::model::text;
use std::fmt;
use std::path::{Path, PathBuf};

/// A grant an import cannot name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The API, or the resource as the input names it.
    pub resource: String,
    /// False when the resource itself is unknown to permscope.
    pub resource_known: bool,
    pub kind: PermissionKind,
    pub id: Option<String>,
    /// The claim, when the input names it (a scope on an unknown resource).
    pub permission: Option<String>,
    /// 1-based line in the input.
    pub line: Option<usize>,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (&self.permission, &self.id) {
            (Some(p), _) => p.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => "?".into(),
        };
        write!(
            f,
            "{} {} permission {}",
            text::neutralise(&self.resource),
            self.kind,
            text::neutralise(&what)
        )?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        if !self.resource_known {
            write!(f, ": resource unknown to permscope")?;
        } else if self.permission.is_none() {
            write!(f, ": GUID not in permscope's catalog")?;
        }
        Ok(())
    }
}

/// Why an import failed. Nothing is written when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input cannot be read: bad JSON or CSV, a wrong type, a missing column.
    #[error(transparent)]
    Input(#[from] ReadError),
    /// The input is a resource's permission catalog, or holds no permissions.
    #[error("{}: this is {kind}, not a vendor's permission list; {hint}", text::neutralise(.origin))]
    NotAList {
        origin: String,
        kind: ExportKind,
        hint: &'static str,
    },
    /// Some grants cannot be named; a product file must name every claim.
    #[error("{}: {} cannot be named:\n{}\n{}", text::neutralise(.origin), plural(.unresolved.len()), list(.unresolved), UNRESOLVED_HINT)]
    Unresolved {
        origin: String,
        unresolved: Vec<Unresolved>,
    },
    /// Some names are not permissions Microsoft publishes on their resource;
    /// a product file names what can be granted.
    #[error("{origin}: {} Microsoft does not publish:\n{}\nCorrect the names (or ask the vendor which permissions it means) and import again.", plural(.unknown.len()), unknown_list(.unknown))]
    Unknown { origin: String, unknown: Vec<UnknownName> },
    /// A value given on the command line is unusable.
    #[error("--{field}: {message}")]
    Argument { field: &'static str, message: String },
    /// The product built from the input does not pass the loader's checks.
    #[error("the imported product does not validate: {0}")]
    Invalid(ReadError),
    /// The product file would be larger than the loader reads.
    #[error(
        "the product file would be {bytes} bytes ({rows} rows); permscope refuses files larger than {} MiB, so it would never load: split the input into several products",
        MAX_FILE_BYTES / 1024 / 1024
    )]
    TooLarge { bytes: usize, rows: usize },
    /// The product file exists and `force` was not given.
    #[error("{} already exists; use --force to replace it", shown(.0))]
    Exists(PathBuf),
    /// Another product file already holds the slug: the loader would keep
    /// using it and skip the new file.
    #[error(
        "{} already holds the slug `{slug}`: permscope would keep loading it and skip the new file as a duplicate; \
         choose another --product, or remove or rename that file",
        shown(.holder)
    )]
    SlugTaken { slug: String, holder: PathBuf },
    /// Writing failed; nothing was left behind.
    #[error("cannot {action} {}: {source}", shown(.path))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

const UNRESOLVED_HINT: &str = "Name the GUIDs by loading the resource's service principal with --catalog FILE \
(`az ad sp show --id <resource app id>` or `Get-MgServicePrincipal -Filter \"appId eq '<resource app id>'\" | ConvertTo-Json -Depth 10`). \
Permissions on a resource permscope does not know cannot be recorded: remove them from the input.";

/// A path in a message: a file name may hold anything.
fn shown(path: &Path) -> String {
    text::neutralise(&path.display().to_string()).into_owned()
}

fn plural(n: usize) -> String {
    text::plural(n, "permission", "permissions")
}

fn list(items: &[Unresolved]) -> String {
    items.iter().map(|u| format!("  - {u}")).collect::<Vec<_>>().join("\n")
}

/// A name the input gives that Microsoft does not publish on its resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The unknown name, with the resource and kind it was looked up on and
    /// the close published names: the one wording every command uses.
    pub sentence: String,
    /// 1-based line in the input.
    pub line: u32,
}

fn unknown_list(items: &[UnknownName]) -> String {
    items
        .iter()
        .map(|u| format!("  - line {}: {}", u.line, text::neutralise(&u.sentence)))
        .collect::<Vec<_>>()
        .join("\n")
}
