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
    /// Who consents, who signs in, who holds the credential, as the document says.
    pub context: AppContext,
}

/// How a fact about an app is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The document says it.
    Stated,
    /// The document's wording supports it without saying it (the reason is given).
    Inferred,
    /// The document does not say.
    #[default]
    NotStated,
}

/// One fact about an app, with the document lines it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Documented<T> {
    /// `None` when the document does not say.
    pub value: Option<T>,
    pub basis: Basis,
    /// 1-based lines of the source document.
    pub lines: Vec<u32>,
    /// The document's words (short), or why permscope infers the value.
    pub quote: Option<String>,
}

impl<T> Default for Documented<T> {
    fn default() -> Self {
        Documented {
            value: None,
            basis: Basis::NotStated,
            lines: Vec::new(),
            quote: None,
        }
    }
}

impl<T> Documented<T> {
    /// "the document's line 23", "permscope's reading of line 30", or "not
    /// stated": the short form a rating's reason carries.
    pub fn lines_cited(&self) -> String {
        let lines = match self.lines.as_slice() {
            [] => String::new(),
            [one] => format!("line {one}"),
            many => format!(
                "lines {}",
                many.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ),
        };
        match self.basis {
            Basis::Stated => format!("the document's {lines}"),
            Basis::Inferred => format!("permscope's reading of the document's {lines}"),
            Basis::NotStated => "not stated in the document".to_string(),
        }
    }

    /// "line 23: “To add your Microsoft 365 organization…”", "inferred from line 30: …",
    /// or "not stated": where a reviewer checks it.
    pub fn citation(&self) -> String {
        let lines = match self.lines.as_slice() {
            [] => String::new(),
            [one] => format!("line {one}"),
            many => format!(
                "lines {}",
                many.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
            ),
        };
        let quote = self.quote.as_deref().map(|q| format!(": “{q}”")).unwrap_or_default();
        match self.basis {
            Basis::Stated => format!("{lines}{quote}"),
            Basis::Inferred if lines.is_empty() => format!("inferred by permscope{quote}"),
            Basis::Inferred => format!("inferred by permscope from {lines}{quote}"),
            Basis::NotStated => "not stated in the document".to_string(),
        }
    }
}

/// Who holds an app's credential (its secret or certificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialHolder {
    /// A multi-tenant app the vendor runs: the vendor holds the credential.
    Vendor,
    /// An app the customer registers: its credential stays with the customer.
    Customer,
}

impl CredentialHolder {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialHolder::Vendor => "vendor",
            CredentialHolder::Customer => "customer",
        }
    }
}

/// What the vendor's document says about an app beyond its permissions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AppContext {
    /// The roles of whoever must consent to the app.
    pub consent: Documented<Vec<String>>,
    /// The roles of the people who sign in to the app (its delegated permissions act for them).
    pub signs_in: Documented<Vec<String>>,
    /// Who holds the app's credential.
    pub credential: Documented<CredentialHolder>,
    /// True when the app only sets the product up (and could be removed afterwards).
    pub onboarding: Documented<bool>,
}

impl AppContext {
    /// True when the document says a Global Administrator signs in to the app.
    pub fn global_admin_signs_in(&self) -> bool {
        self.signs_in
            .value
            .as_ref()
            .is_some_and(|roles| roles.iter().any(|r| r.eq_ignore_ascii_case("Global Administrator")))
    }
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
