//! What advice is made of: the app's context (the input the product data will
//! carry), and per app its requirements' alternatives, its hardening steps, its
//! questions for the vendor and its least-privilege set (the output).

use crate::model::paths::Analysis;
use crate::model::permission::{PermissionKey, PermissionKind};
use crate::model::selection::Selection;

pub use crate::model::product::CredentialHolder;

/// What kind of credential the app signs in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    Certificate,
    Secret,
}

/// What the vendor's document says about how an app is used, beyond its
/// permissions. Every field is `None` when the document does not say, and the
/// advice then asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdviceContext {
    /// Who holds the app's credential.
    pub credential_holder: Option<CredentialHolder>,
    /// The holder is permscope's reading of the document, not its words: the
    /// vendor is still asked to confirm it.
    pub credential_inferred: bool,
    /// Whether the credential is a certificate or a secret.
    pub credential: Option<CredentialKind>,
    /// The roles of whoever must consent to the app ("Global Administrator").
    pub consent_by: Option<Vec<String>>,
    /// The roles of the people who sign in to the app (for delegated permissions).
    pub signs_in: Option<Vec<String>>,
    /// `Some(true)` when the app is only used to set the product up (it
    /// installs or consents to another app) and could be removed afterwards.
    pub onboarding: Option<bool>,
    /// Directory, Exchange or Azure roles the document says the app is given
    /// besides API permissions; `Some(empty)` when it says none are.
    pub roles: Option<Vec<String>>,
    /// Document lines that state the facts above.
    pub lines: Vec<u32>,
}

impl AdviceContext {
    /// The context the product file records for an app (every fact the
    /// document states or supports, with its lines).
    pub fn from_app(app: &crate::model::product::App) -> AdviceContext {
        let c = &app.context;
        let mut lines: Vec<u32> = [
            &c.consent.lines,
            &c.signs_in.lines,
            &c.credential.lines,
            &c.onboarding.lines,
        ]
        .into_iter()
        .flatten()
        .copied()
        .collect();
        lines.sort_unstable();
        lines.dedup();
        AdviceContext {
            credential_holder: c.credential.value,
            credential_inferred: c.credential.basis == crate::model::product::Basis::Inferred,
            credential: None,
            consent_by: c.consent.value.clone(),
            signs_in: c.signs_in.value.clone(),
            onboarding: c.onboarding.value,
            roles: None,
            lines,
        }
    }
}

/// Where an alternative comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// Written in `data/alternatives.json` (or a reviewer's file), with its
    /// source; `reduce` when the least-privilege set may swap to it.
    Written { source: String, reduce: bool },
    /// Derived from Microsoft's Graph API map: Microsoft lists the narrower
    /// permission as least privileged for `least` of the `total` operations
    /// the permission grants.
    Derived { least: usize, total: usize },
    /// A read permission the app already holds grants every read (GET)
    /// operation the permission does, `reads` of them, and the stated purpose
    /// only reads.
    CoversReads { reads: usize },
    /// The permission serves recovery only: grant it for a restore.
    JustInTime { source: String },
}

/// One way to ask for less than a requirement asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// Index into the catalog's APIs.
    pub api: usize,
    pub kind: PermissionKind,
    /// The narrower permission; `None` for a mechanism.
    pub permission: Option<String>,
    /// What to do instead, when it is not a permission.
    pub mechanism: Option<String>,
    pub gives_up: String,
    pub fits_when: String,
    /// The app already holds the narrower permission.
    pub already_held: bool,
    pub basis: Basis,
}

impl Alternative {
    /// The narrower permission's key, when it is one.
    pub fn key(&self) -> Option<PermissionKey> {
        self.permission.as_ref().map(|name| PermissionKey {
            api: self.api,
            kind: self.kind,
            name: name.clone(),
        })
    }

    /// True when derived from Microsoft's API map rather than written.
    pub fn is_derived(&self) -> bool {
        matches!(self.basis, Basis::Derived { .. })
    }
}

/// One requirement row with its alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementAdvice {
    /// Index into the catalog's requirements.
    pub row: usize,
    pub api: usize,
    pub kind: PermissionKind,
    /// The claim; empty when the document leaves it blank.
    pub permission: String,
    /// Line in the vendor's document.
    pub line: u32,
    /// The stated purpose only reads (retrieve, list, scan, back up...).
    pub read_only_purpose: bool,
    /// Already-held coverage first, then written, just-in-time and derived ones.
    pub alternatives: Vec<Alternative>,
}

/// A step to take after consenting, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HardeningStep {
    /// The step's id in the alternatives file.
    pub id: String,
    pub step: String,
    pub why: String,
    pub source: String,
}

/// What raised a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuestionKind {
    /// Who holds the app's credential, and is it a certificate.
    Credential,
    /// Which Exchange, Entra or Azure roles the app needs besides API permissions.
    Roles,
    /// A write permission listed for backup or discovery.
    WriteForBackup,
    /// Whether an onboarding app can be removed and its refresh token is kept.
    Onboarding,
    /// Whether refresh tokens of users who sign in are kept.
    RefreshToken,
    /// What replaces Exchange Web Services.
    EwsRetirement,
    /// A stated purpose that does not need what the permission grants.
    PurposeNarrower,
    /// A phase or workload permscope (or the file's author) derived and relies on.
    Derived,
    /// A document quirk that leaves the ask unclear.
    Quirk,
    /// A documented workload with no permission for backing it up.
    PhaseGap,
}

impl QuestionKind {
    /// Every kind, in the order questions are listed.
    pub const ALL: [QuestionKind; 10] = [
        QuestionKind::Credential,
        QuestionKind::Roles,
        QuestionKind::Onboarding,
        QuestionKind::RefreshToken,
        QuestionKind::EwsRetirement,
        QuestionKind::PurposeNarrower,
        QuestionKind::WriteForBackup,
        QuestionKind::PhaseGap,
        QuestionKind::Derived,
        QuestionKind::Quirk,
    ];

    /// A kebab-case name for files and tests.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Credential => "credential",
            QuestionKind::Roles => "roles",
            QuestionKind::WriteForBackup => "write-for-backup",
            QuestionKind::Onboarding => "onboarding",
            QuestionKind::RefreshToken => "refresh-token",
            QuestionKind::EwsRetirement => "ews-retirement",
            QuestionKind::PurposeNarrower => "purpose-narrower",
            QuestionKind::Derived => "derived",
            QuestionKind::Quirk => "quirk",
            QuestionKind::PhaseGap => "phase-gap",
        }
    }
}

/// A question for the vendor, with what raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub kind: QuestionKind,
    pub question: String,
    /// Why it is asked: the facts from the document and Microsoft's catalogs.
    pub because: String,
    /// The document lines that raise it, ascending.
    pub lines: Vec<u32>,
}

/// Why the least-privilege set differs from what the app asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The document lists it for recovery only: granted just in time instead.
    JustInTime,
    /// The stated purpose only reads, and a read permission the app holds covers it.
    CoveredByHeld,
    /// Swapped for a narrower permission (possibly one the app already holds).
    Replaced,
    /// The row names no permission: nothing can be granted.
    NoClaim,
}

/// One difference between what the app asks for and its least-privilege set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The permission left out (its name is empty for a row with no claim).
    pub removed: PermissionKey,
    /// What it is swapped for, when it is swapped.
    pub replaced_by: Option<PermissionKey>,
    /// One sentence a reviewer can hand on.
    pub reason: String,
    /// The document lines of the rows asking for it.
    pub lines: Vec<u32>,
}

/// An app's least-privilege set: alternatives applied where they are
/// permissions, and what was left out and why.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reduction {
    /// The permissions to grant, in selection order (resource, kind, claim).
    pub keys: Vec<PermissionKey>,
    /// Every difference from what the app asks for, in document order.
    pub changes: Vec<Change>,
}

impl Reduction {
    /// The set as a selection, ready for the explorer or `export`.
    pub fn selection(&self) -> Selection {
        self.keys.iter().cloned().collect()
    }

    /// The set as a selection for one app (so a manifest of it is that app's).
    pub fn selection_for(&self, app: crate::model::query::AppRef) -> Selection {
        let mut s = Selection::new();
        for k in &self.keys {
            s.insert_for(k.clone(), app);
        }
        s
    }

    /// Permissions the app asks for that the set leaves out (not replaced ones' substitutes).
    pub fn removed(&self) -> Vec<&PermissionKey> {
        self.changes
            .iter()
            .filter(|c| !c.removed.name.is_empty())
            .map(|c| &c.removed)
            .collect()
    }

    /// Permissions the set adds that the app does not ask for.
    pub fn added(&self, asked: &[PermissionKey]) -> Vec<&PermissionKey> {
        self.keys.iter().filter(|k| !asked.contains(k)).collect()
    }

    /// One line for a status bar: what was left out, by reason.
    pub fn summary(&self) -> String {
        let count = |k: ChangeKind| self.changes.iter().filter(|c| c.kind == k).count();
        let mut parts = Vec::new();
        let jit = count(ChangeKind::JustInTime);
        if jit > 0 {
            parts.push(format!("{jit} recovery-only left out (grant just in time)"));
        }
        let covered = count(ChangeKind::CoveredByHeld);
        if covered > 0 {
            parts.push(format!("{covered} covered by a read permission already held"));
        }
        let replaced = count(ChangeKind::Replaced);
        if replaced > 0 {
            parts.push(format!("{replaced} swapped for a narrower permission"));
        }
        let blank = count(ChangeKind::NoClaim);
        if blank > 0 {
            parts.push(format!(
                "{} naming no permission",
                crate::model::text::plural(blank, "row", "rows")
            ));
        }
        if parts.is_empty() {
            format!("{} permissions: nothing to narrow", self.keys.len())
        } else {
            format!("{} permissions: {}", self.keys.len(), parts.join("; "))
        }
    }
}

/// The advice for one app of one product.
#[derive(Debug, Clone)]
pub struct AppAdvice {
    /// Index into the catalog's products.
    pub product: usize,
    /// Index into the product's apps.
    pub app: usize,
    pub app_name: String,
    /// The context the advice assumed.
    pub context: AdviceContext,
    /// One per requirement row of the app, in document order.
    pub requirements: Vec<RequirementAdvice>,
    pub hardening: Vec<HardeningStep>,
    pub questions: Vec<Question>,
    pub reduction: Reduction,
    /// The app's effective power, which chose some hardening steps.
    pub analysis: Analysis,
}

impl AppAdvice {
    /// The advice for one requirement row, if it belongs to this app.
    pub fn requirement(&self, row: usize) -> Option<&RequirementAdvice> {
        self.requirements.iter().find(|r| r.row == row)
    }

    /// The questions raised by one document line.
    pub fn questions_for_line(&self, line: u32) -> Vec<&Question> {
        self.questions.iter().filter(|q| q.lines.contains(&line)).collect()
    }
}

/// The advice for a product: one entry per app (or the one asked for).
#[derive(Debug, Clone)]
pub struct ProductAdvice {
    /// Index into the catalog's products.
    pub product: usize,
    pub slug: String,
    pub name: String,
    pub apps: Vec<AppAdvice>,
}
