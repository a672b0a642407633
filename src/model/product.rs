//! Vendor products, the apps they install, and the requirements (table rows) they state.

use crate::model::permission::PermissionKind;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// Shares repeated text (API spellings, table headings, workload names,
/// descriptions) between rows: at 100k rows most of it repeats.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    strings: HashSet<Arc<str>>,
    /// The last few strings handed out: consecutive rows mostly repeat them,
    /// and comparing is cheaper than hashing.
    recent: Vec<Arc<str>>,
}

impl Interner {
    /// The shared copy of `s`.
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(hit) = self.recent.iter().find(|r| ***r == *s) {
            return Arc::clone(hit);
        }
        let shared = self.intern_prose(s);
        if self.recent.len() == 8 {
            self.recent.remove(0);
        }
        self.recent.push(Arc::clone(&shared));
        shared
    }

    /// The shared copy of `s`, for text that seldom repeats in consecutive
    /// rows (descriptions, purposes): straight to the table.
    pub fn intern_prose(&mut self, s: &str) -> Arc<str> {
        if let Some(existing) = self.strings.get(s) {
            return Arc::clone(existing);
        }
        let shared: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&shared));
        shared
    }
}

/// An API resource permissions are granted on (Microsoft Graph, Exchange Online...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Canonical name, as the resource's service principal is called.
    pub name: String,
    /// Short label for narrow columns ("Graph", "Exchange").
    pub short: String,
    /// The resource's application id (`resourceAppId` in a manifest).
    pub app_id: String,
    /// Other spellings documents use ("MSFT Graph", "SharePoint API").
    pub aliases: Vec<String>,
}

impl Api {
    /// True when `written` is this API's name or one of its aliases (ignoring case).
    pub fn is_called(&self, written: &str) -> bool {
        let w = written.trim();
        self.name.eq_ignore_ascii_case(w) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(w))
    }

    /// Forgiving match for filters: `graph`, `exchange`, an app id.
    pub fn matches_loose(&self, needle: &str) -> bool {
        let n = needle.trim().to_lowercase();
        !n.is_empty()
            && (self.name.to_lowercase().contains(&n)
                || self.app_id.eq_ignore_ascii_case(&n)
                || self.aliases.iter().any(|a| a.to_lowercase().contains(&n)))
    }
}

/// Where a product's data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Bundled(&'static str),
    /// A file from `--data` or the user's data folder.
    File(std::path::PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Bundled(name) => write!(f, "bundled data/products/{name}"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The vendor document a product's rows were read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceDocument {
    pub title: String,
    pub version: Option<String>,
    pub date: Option<String>,
    /// File name of the captured document.
    pub file: String,
    pub sha256: Option<String>,
    pub url: Option<String>,
}

/// An Entra ID app registration a product installs or asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub name: String,
    pub description: Option<String>,
    pub notes: Vec<String>,
    /// The app's application (client) id, lower case, when the product file
    /// records it: it ties a tenant's grants export to this app.
    pub app_id: Option<String>,
}

/// A vendor product with its document and apps. Its requirements live in the
/// catalog's flat list, pointing back here by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub slug: String,
    pub vendor: String,
    pub name: String,
    pub source: SourceDocument,
    pub notes: Vec<String>,
    pub apps: Vec<App>,
    pub origin: Origin,
}

/// Backup lifecycle phase a permission is used in, as NAKIVO's tables state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Phase {
    Discovery,
    Backup,
    Recovery,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Discovery, Phase::Backup, Phase::Recovery];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Discovery => "Discovery",
            Phase::Backup => "Backup",
            Phase::Recovery => "Recovery",
        }
    }

    /// Case-insensitive parse of a phase name or its prefix (`rec`).
    pub fn parse_loose(text: &str) -> Option<Phase> {
        let t = text.trim().to_lowercase();
        if t.is_empty() {
            return None;
        }
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str().to_lowercase().starts_with(&t))
    }
}

/// One workload a requirement serves, with the phases it is used in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkloadUse {
    /// Shared: a catalog holds a handful of workload names for 100k rows.
    pub workload: Arc<str>,
    pub phases: Vec<Phase>,
    /// True when the vendor's document states it; false when permscope (or the
    /// file's author) inferred it from the permission or the purpose.
    pub documented: bool,
}

/// One row of a vendor table: a permission a product asks the tenant to grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// Index into the catalog's products.
    pub product: usize,
    /// Index into that product's apps.
    pub app: usize,
    /// Index into the catalog's APIs.
    pub api: usize,
    /// The API exactly as the document names it.
    pub api_as_written: Arc<str>,
    /// Heading of the table the row sits in, when it differs from the API.
    pub table: Option<Arc<str>>,
    /// The claim; empty when the document leaves it blank.
    pub permission: String,
    /// The claim cell verbatim, when it differs from `permission`.
    pub permission_as_written: Option<String>,
    pub kind: PermissionKind,
    /// The vendor's description or display name of the permission.
    pub description: Option<Arc<str>>,
    /// Why the vendor says it needs the permission.
    pub purpose: Option<Arc<str>>,
    /// At least one; documented or derived.
    pub workloads: Vec<WorkloadUse>,
    pub condition: Option<String>,
    /// Other columns of the vendor's table, header to cell, in header order.
    pub attributes: Vec<(String, String)>,
    pub notes: Vec<String>,
    /// 1-based line in the source document.
    pub line: u32,
}

impl Requirement {
    /// True when any workload lists this phase.
    pub fn has_phase(&self, phase: Phase) -> bool {
        self.workloads.iter().any(|w| w.phases.contains(&phase))
    }

    /// True when the document's phases or purpose say this permission serves
    /// recovery and nothing else: it can be granted just in time for a restore.
    pub fn recovery_only(&self) -> bool {
        let phases: Vec<Phase> = self.workloads.iter().flat_map(|w| w.phases.iter().copied()).collect();
        !phases.is_empty() && phases.iter().all(|p| *p == Phase::Recovery)
    }

    /// The distinct phases over all workloads, in lifecycle order.
    pub fn phases(&self) -> Vec<Phase> {
        let mut all: Vec<Phase> = self.workloads.iter().flat_map(|w| w.phases.iter().copied()).collect();
        all.sort();
        all.dedup();
        all
    }
}
