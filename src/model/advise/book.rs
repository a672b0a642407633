//! What `data/alternatives.json` knows, as plain types: written alternatives
//! per permission, the just-in-time mechanism and the hardening steps with the
//! conditions that select them. Read (and checked) by `model/read/alternatives.rs`.

use crate::model::claim::NamePattern;
use crate::model::permission::PermissionKind;

/// The written knowledge about narrowing an app: bundled, optionally with a
/// reviewer's file layered on top.
#[derive(Debug, Clone, Default)]
pub struct AlternativeBook {
    /// Per permission, its written alternatives, in file order.
    pub entries: Vec<BookEntry>,
    /// The mechanism offered for permissions a document lists for recovery only.
    pub just_in_time: Option<Mechanism>,
    /// Hardening steps, in file order.
    pub hardening: Vec<HardeningDef>,
}

/// The alternatives written for one permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookEntry {
    /// Canonical resource name (`Microsoft Graph`).
    pub api: String,
    pub kind: PermissionKind,
    pub permission: String,
    /// Most preferred first.
    pub instead: Vec<Written>,
}

/// One written alternative: a narrower permission or a mechanism.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The narrower permission's resource, when it is not the entry's.
    pub api: Option<String>,
    /// The narrower permission's kind, when it is not the entry's.
    pub kind: Option<PermissionKind>,
    /// The narrower permission (exactly one of this and `mechanism` is set).
    pub permission: Option<String>,
    /// What to do instead, when it is not a permission.
    pub mechanism: Option<String>,
    pub gives_up: String,
    pub fits_when: String,
    /// Where the knowledge comes from.
    pub source: String,
    /// Whether the least-privilege set swaps the permission for this one.
    pub reduce: bool,
}

/// A mechanism's text (used for the just-in-time grant of restore rights).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mechanism {
    pub mechanism: String,
    pub gives_up: String,
    pub fits_when: String,
    pub source: String,
}

/// A hardening step and when it applies.
#[derive(Debug, Clone)]
pub struct HardeningDef {
    pub id: String,
    /// What to do; `{app}`, `{permissions}` and `{outcomes}` are filled in.
    pub step: String,
    /// Why, for this app; same placeholders.
    pub why: String,
    pub source: String,
    pub when: Trigger,
}

/// Conditions that select a hardening step; all must hold (none: always).
#[derive(Debug, Clone, Default)]
pub struct Trigger {
    /// The app holds at least one of these (empty: no condition).
    pub holds: Vec<HeldPattern>,
    /// The app holds a permission of one of these kinds (empty: no condition).
    pub kinds: Vec<PermissionKind>,
    /// Who holds the credential (empty: no condition).
    pub credential_holder: Vec<HolderState>,
    /// `Some(true)`: the app is an onboarding app; `Some(false)`: it is not said to be.
    pub onboarding: Option<bool>,
    /// The context says one of these roles must consent (empty: no condition).
    pub consent_by: Vec<String>,
    /// The analysis reaches one of these outcomes (empty: no condition).
    pub outcomes: Vec<String>,
}

/// Who holds an app's credential, as a condition can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderState {
    Vendor,
    Customer,
    /// The context does not say.
    Unknown,
}

/// A held permission a trigger looks for: resource, optional kind, name pattern.
#[derive(Debug, Clone)]
pub struct HeldPattern {
    /// Canonical resource name.
    pub api: String,
    /// `None` matches both kinds.
    pub kind: Option<PermissionKind>,
    /// As written (`Mail.*`).
    pub written: String,
    pub pattern: NamePattern,
}

impl HeldPattern {
    /// True when the pattern matches a permission of `api` (canonical name) and `kind`.
    pub fn matches(&self, api: &str, kind: PermissionKind, name: &str) -> bool {
        self.api.eq_ignore_ascii_case(api) && self.kind.is_none_or(|k| k == kind) && self.pattern.matches(name)
    }
}

impl AlternativeBook {
    /// The written entry for a permission (resource by canonical name).
    pub fn entry(&self, api: &str, kind: PermissionKind, permission: &str) -> Option<&BookEntry> {
        self.entries
            .iter()
            .find(|e| e.kind == kind && e.permission == permission && e.api.eq_ignore_ascii_case(api))
    }

    /// Layers a reviewer's book on top: an entry for a permission already
    /// listed replaces it, a hardening step with an existing id replaces it,
    /// steps named in `remove` are dropped, and a just-in-time text replaces
    /// the one below.
    pub fn layer(&mut self, reviewer: AlternativeBook, remove: &[String]) {
        for e in reviewer.entries {
            match self
                .entries
                .iter_mut()
                .find(|x| x.kind == e.kind && x.permission == e.permission && x.api == e.api)
            {
                Some(existing) => *existing = e,
                None => self.entries.push(e),
            }
        }
        self.hardening.retain(|h| !remove.contains(&h.id));
        for h in reviewer.hardening {
            match self.hardening.iter_mut().find(|x| x.id == h.id) {
                Some(existing) => *existing = h,
                None => self.hardening.push(h),
            }
        }
        if reviewer.just_in_time.is_some() {
            self.just_in_time = reviewer.just_in_time;
        }
    }
}
