//! Risk ratings: how much power a permission hands to an app, and why.
//!
//! A [`RiskBook`] holds two kinds of knowledge, both loaded from JSON
//! (`data/risk.json`, optionally with a reviewer's own file layered on top):
//!
//! - **entries**: a verdict a person wrote for one permission on one resource,
//!   per kind (application or delegated), with the reasoning spelled out;
//! - **rules**: name patterns that give a level for each access class (basic
//!   read, read, write, manage) of application and delegated use, so that a
//!   permission nobody reviewed still gets a sensible rating.
//!
//! [`RiskBook::rate`] turns any claim into a [`Rating`]. For a rule it reads the
//! claim's name (`Mail.ReadWrite.All`, `Sites.Selected`, `vso.code_write`) to find
//! the access class and the reach (tenant-wide, the user's own, selected, owned,
//! installed, the app's own items): narrower reaches rate lower. Levels only ever
//! rise with access and from delegated to application, so the ratings stay
//! consistent across a family of permissions.

use crate::model::permission::PermissionKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::fmt;
use std::ops::RangeInclusive;

/// How much harm an app could do with a permission. Ordered: `Unknown` is lowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// Nothing to rate: the claim is empty or no rule covers it.
    Unknown,
    /// Sign-in, the user's basic profile, or narrow data of little sensitivity.
    Low,
    /// Tenant-wide reading of directory data or settings, or delegated use of the
    /// signed-in user's own content.
    Medium,
    /// Reading every user's content, changing directory objects or security
    /// settings, or reading secrets.
    High,
    /// A path to tenant or account takeover, switching off security controls, or
    /// full control over a whole workload's data.
    Critical,
}

impl RiskLevel {
    /// Every level, lowest first.
    pub const ALL: [RiskLevel; 5] = [
        RiskLevel::Unknown,
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Critical,
    ];

    /// Lower-case name used in files, JSON output and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Unknown => "unknown",
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    /// Short text badge, readable without colour: `UNK`, `LOW`, `MED`, `HIGH`, `CRIT`.
    pub fn badge(self) -> &'static str {
        match self {
            RiskLevel::Unknown => "UNK",
            RiskLevel::Low => "LOW",
            RiskLevel::Medium => "MED",
            RiskLevel::High => "HIGH",
            RiskLevel::Critical => "CRIT",
        }
    }

    /// Parses forgiving user input: names, badges, common abbreviations and any
    /// start of a name, in any case (`critical`, `CRIT`, `hi`, `med`, `moderate`, `?`).
    pub fn parse_loose(text: &str) -> Option<RiskLevel> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "unknown" | "unk" | "u" | "?" | "none" => Some(RiskLevel::Unknown),
            "low" | "l" => Some(RiskLevel::Low),
            "medium" | "med" | "m" | "moderate" | "mid" => Some(RiskLevel::Medium),
            "high" | "h" => Some(RiskLevel::High),
            "critical" | "crit" | "c" => Some(RiskLevel::Critical),
            // Any other start of a name: `hi`, `crit`, `unkn`.
            _ if !t.is_empty() => RiskLevel::ALL
                .into_iter()
                .find(|level| level.as_str().starts_with(t.as_str())),
            _ => None,
        }
    }

    /// The scores a rating of this level may carry. The bands do not overlap and
    /// rise with the level, so sorting by score also sorts by level.
    pub fn score_range(self) -> RangeInclusive<u8> {
        match self {
            RiskLevel::Unknown => 0..=0,
            RiskLevel::Low => 10..=29,
            RiskLevel::Medium => 30..=54,
            RiskLevel::High => 55..=79,
            RiskLevel::Critical => 80..=100,
        }
    }

    /// The level whose band holds `score` (scores between bands round down).
    pub fn from_score(score: u8) -> RiskLevel {
        RiskLevel::ALL
            .into_iter()
            .rev()
            .find(|level| score >= *level.score_range().start())
            .unwrap_or(RiskLevel::Unknown)
    }

    /// This level lowered by `steps`, never below `Low`; `Unknown` stays `Unknown`.
    fn lowered(self, steps: u8) -> RiskLevel {
        if self == RiskLevel::Unknown {
            return self;
        }
        let index = (self as u8).saturating_sub(steps).max(RiskLevel::Low as u8);
        RiskLevel::ALL[usize::from(index)]
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rating comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskBasis {
    /// A person wrote an entry for exactly this permission, resource and kind.
    Reviewed,
    /// Derived from general rules (name pattern, access, reach and kind).
    Rule,
}

impl RiskBasis {
    /// Lower-case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskBasis::Reviewed => "reviewed",
            RiskBasis::Rule => "rule",
        }
    }
}

/// The verdict on one permission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    /// How much harm the permission allows.
    pub level: RiskLevel,
    /// 0 to 100 for sorting, always inside [`RiskLevel::score_range`] of `level`.
    pub score: u8,
    /// Full sentences for a review memo, most important first; never empty.
    pub reasons: Vec<String>,
    /// Whether a person reviewed this permission or a rule derived the rating.
    pub basis: RiskBasis,
}

/// A risk rules file that cannot be used, with where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum RiskError {
    /// The text is not well-formed JSON.
    #[error("{origin}:{line}:{column}: malformed JSON near {}: {message}", field_label(.field))]
    Syntax {
        /// The file (or other source) the text came from.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in bytes, as serde_json counts).
        column: usize,
        /// Path of the last value read before the problem, such as `rules[2].names`;
        /// empty at the top.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Well-formed JSON whose content does not fit the rules format.
    #[error("{origin}:{line}:{column}: {}: {message}", field_label(.field))]
    Invalid {
        /// The file (or other source) the text came from.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in bytes).
        column: usize,
        /// Path of the offending value, such as `entries[3].application.level`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl RiskError {
    /// The file (or other source) the text came from.
    pub fn origin(&self) -> &str {
        match self {
            RiskError::Syntax { origin, .. } | RiskError::Invalid { origin, .. } => origin,
        }
    }

    /// 1-based line of the problem.
    pub fn line(&self) -> usize {
        match self {
            RiskError::Syntax { line, .. } | RiskError::Invalid { line, .. } => *line,
        }
    }

    /// 1-based column of the problem.
    pub fn column(&self) -> usize {
        match self {
            RiskError::Syntax { column, .. } | RiskError::Invalid { column, .. } => *column,
        }
    }

    /// Path of the offending value (empty for the top level).
    pub fn field(&self) -> &str {
        match self {
            RiskError::Syntax { field, .. } | RiskError::Invalid { field, .. } => field,
        }
    }
}

fn field_label(field: &str) -> &str {
    if field.is_empty() { "top level" } else { field }
}

// ---------------------------------------------------------------------------
// Fixed sentences. Entries and rules supply the first reasons; these follow.

const KIND_APPLICATION_TENANT: &str = "As an application permission it needs no signed-in user and works around the clock across the whole tenant until an administrator removes it, so whoever holds the vendor's app credentials holds this access.";
const KIND_APPLICATION_SCOPED: &str = "As an application permission it needs no signed-in user and works around the clock, within the scope it is granted, until an administrator removes it.";
const KIND_DELEGATED: &str = "As a delegated permission it acts only for a signed-in user and never beyond that user's own access, so it reaches furthest when an administrator signs in to the app.";
const WRITE_CONSEQUENCE: &str = "Because it can change or delete as well as read, a compromise of the vendor could tamper with or destroy this data, not only copy it.";
const GUESSED_ACCESS: &str =
    "The permission's name does not say whether it only reads, so the rating assumes it can also make changes.";
const EMPTY_CLAIM: &str = "No permission is named here (the claim is empty), so there is nothing to rate; ask the vendor which permission it needs.";
const NOT_COVERED: &str =
    "No reviewed entry or rule in the loaded risk rules covers this permission, so it cannot be rated.";

/// Longest resource or permission name an entry may have, in bytes.
const MAX_NAME: usize = 256;
/// Longest lookup key (resource, separator, permission); lookups of longer input
/// simply find no entry, so `rate` never needs a heap buffer for the key.
const MAX_KEY: usize = 2 * MAX_NAME + 1;
/// Longest text field, in characters.
const MAX_TEXT: usize = 4096;
const KEY_SEPARATOR: u8 = 0x1f;

// ---------------------------------------------------------------------------
// What a claim's name says about it.

/// What a permission lets the app do with its subject, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Access {
    Basic,
    Read,
    Write,
    Manage,
}

impl Access {
    /// Position in a rule's level table.
    fn index(self) -> usize {
        self as usize
    }
}

/// How far a permission reaches, as its name tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Every object of its kind in the tenant (`.All`, or an app role with no qualifier).
    Tenant,
    /// A delegated permission with no qualifier: the signed-in user's own access.
    User,
    /// Delegated `.Shared`: the user's own items and what others shared with them.
    Shared,
    /// `.Selected`: only what an administrator grants one resource at a time.
    Selected,
    /// `.OwnedBy`, `.ManagedBy`: only objects the app owns or manages.
    Owned,
    /// `.Group`, `.Chat`, `.Team`, `.WhereInstalled`: where the app is installed.
    Installed,
    /// `.AppFolder`, `.CreatedByApp`: only the app's own folder or items.
    AppOwn,
}

impl Reach {
    /// How many levels narrower reach lowers a rule's rating.
    fn steps_down(self) -> u8 {
        match self {
            Reach::Tenant | Reach::User | Reach::Shared => 0,
            Reach::Selected | Reach::Owned | Reach::Installed => 1,
            Reach::AppOwn => 2,
        }
    }

    /// Narrowness: when a name carries several qualifiers the narrowest wins.
    fn narrowness(self) -> u8 {
        match self {
            Reach::Tenant => 0,
            Reach::User | Reach::Shared => 1,
            Reach::Selected | Reach::Owned | Reach::Installed => 2,
            Reach::AppOwn => 3,
        }
    }

    fn is_tenant_wide(self) -> bool {
        matches!(self, Reach::Tenant | Reach::User | Reach::Shared)
    }

    fn phrase(self, kind: PermissionKind) -> &'static str {
        match (kind, self) {
            (PermissionKind::Application, Reach::Tenant | Reach::User | Reach::Shared) => {
                " across the whole tenant, with no user signed in"
            }
            (PermissionKind::Application, Reach::Selected) => {
                " with no user signed in, but only where an administrator grants it access, one resource at a time"
            }
            (PermissionKind::Application, Reach::Owned) => {
                " with no user signed in, but only for the objects the app owns or manages"
            }
            (PermissionKind::Application, Reach::Installed) => {
                " with no user signed in, but only in the teams, chats or groups where the app is installed"
            }
            (PermissionKind::Application, Reach::AppOwn) => {
                " with no user signed in, but only in the app's own folder or the items it created"
            }
            (PermissionKind::Delegated, Reach::Tenant) => {
                " with the signed-in user's rights, across everything that user can reach in the tenant"
            }
            (PermissionKind::Delegated, Reach::User) => {
                " on behalf of the signed-in user, within that user's own access"
            }
            (PermissionKind::Delegated, Reach::Shared) => {
                " on behalf of the signed-in user, including what other users have shared with them"
            }
            (PermissionKind::Delegated, Reach::Selected) => {
                " on behalf of the signed-in user, but only for the items the user picks or an administrator grants"
            }
            (PermissionKind::Delegated, Reach::Owned) => {
                " on behalf of the signed-in user, but only for the objects the app owns or manages"
            }
            (PermissionKind::Delegated, Reach::Installed) => {
                " on behalf of the signed-in user, but only in the teams, chats or groups where the app is installed"
            }
            (PermissionKind::Delegated, Reach::AppOwn) => {
                " on behalf of the signed-in user, but only in the app's own folder or the items it created"
            }
        }
    }
}

/// A claim read from its name, borrowing from it.
#[derive(Debug, Clone, Copy)]
struct Claim<'a> {
    /// The verb part as written (`ReadWrite`, `FullControl`, `write` of `vso.code_write`).
    verb: &'a str,
    access: Access,
    /// The name did not say: the access class is a conservative guess.
    guessed: bool,
    reach: Reach,
}

impl<'a> Claim<'a> {
    fn parse(name: &'a str, kind: PermissionKind) -> Claim<'a> {
        let default_reach = match kind {
            PermissionKind::Application => Reach::Tenant,
            PermissionKind::Delegated => Reach::User,
        };
        let mut segments = name.split('.');
        let first = segments.next().unwrap_or("");
        // Azure DevOps scopes: `vso.area[.more][_verb]`; no verb means read.
        if first.eq_ignore_ascii_case("vso") {
            let last = name.rsplit('.').next().unwrap_or("");
            let verb = match last.rfind('_') {
                Some(at) => &last[at + 1..],
                None => "",
            };
            let (access, guessed) = if verb.is_empty() {
                (Access::Read, false)
            } else {
                classify_verb(verb)
            };
            return Claim {
                verb,
                access,
                guessed,
                reach: default_reach,
            };
        }
        let Some(second) = segments.next() else {
            // One word: `openid`, `full_access_as_app`, `user_impersonation`.
            let (access, guessed) = classify_verb(name);
            return Claim {
                verb: name,
                access,
                guessed,
                reach: default_reach,
            };
        };
        let mut reach = None::<Reach>;
        let mut narrow = |found: Reach| {
            if reach.is_none_or(|r| found.narrowness() > r.narrowness()) {
                reach = Some(found);
            }
        };
        // `Sites.Selected`: the second segment is a qualifier, not a verb.
        let verb = match qualifier_reach(second) {
            Some(found) if !second.eq_ignore_ascii_case("all") => {
                narrow(found);
                ""
            }
            _ => second,
        };
        if contains_ignore_case(verb, "selected") {
            narrow(Reach::Selected);
        }
        for qualifier in segments {
            narrow(qualifier_reach(qualifier).unwrap_or(Reach::Tenant));
        }
        let (access, guessed) = if verb.is_empty() {
            (Access::Write, true)
        } else {
            classify_verb(verb)
        };
        Claim {
            verb,
            access,
            guessed,
            reach: reach.unwrap_or(default_reach),
        }
    }

    /// What the app may do, as a verb phrase for "Lets the app ___ <subject>".
    fn verb_phrase(&self) -> &'static str {
        let v = self.verb;
        let starts = |p: &str| starts_with_ignore_case(v, p);
        let has = |p: &str| contains_ignore_case(v, p);
        match self.access {
            Access::Basic => "read basic properties of",
            Access::Read if starts("export") => "export",
            Access::Read if starts("search") => "search",
            Access::Read => "read",
            Access::Manage if has("fullcontrol") || starts("full") => "fully control",
            Access::Manage if has("accessas") || has("impersonation") => "fully access",
            Access::Manage if has("privilegedoperations") => "run privileged operations on",
            Access::Manage => "manage",
            Access::Write if self.guessed => "act on",
            Access::Write if starts("readwrite") => "read and change",
            Access::Write if has("importexport") => "import and export",
            Access::Write if has("readupdate") || starts("update") => "read and update",
            Access::Write if has("deleterestore") => "delete and restore",
            Access::Write if starts("delete") || starts("remove") => "delete",
            Access::Write if has("enabledisable") => "enable and disable",
            Access::Write if starts("create") => "create",
            Access::Write if starts("send") => "send",
            Access::Write if starts("invite") => "invite people into",
            Access::Write if starts("migrat") => "migrate",
            Access::Write => "change",
        }
    }
}

/// The reach a name qualifier stands for; `None` when it is a sub-area such as
/// `ConditionalAccess` (which the caller treats as tenant-wide).
fn qualifier_reach(q: &str) -> Option<Reach> {
    const TABLE: [(&str, Reach); 13] = [
        ("all", Reach::Tenant),
        ("shared", Reach::Shared),
        ("selected", Reach::Selected),
        ("ownedby", Reach::Owned),
        ("managedby", Reach::Owned),
        ("identityparentedby", Reach::Owned),
        ("group", Reach::Installed),
        ("chat", Reach::Installed),
        ("team", Reach::Installed),
        ("channel", Reach::Installed),
        ("whereinstalled", Reach::Installed),
        ("appfolder", Reach::AppOwn),
        ("createdbyapp", Reach::AppOwn),
    ];
    TABLE
        .iter()
        .find(|(word, _)| q.eq_ignore_ascii_case(word))
        .map(|(_, reach)| *reach)
}

/// Access class of a verb; the flag is set when the verb says nothing clear and
/// the class is a conservative guess.
fn classify_verb(verb: &str) -> (Access, bool) {
    const MANAGE: [&str; 6] = [
        "fullcontrol",
        "full_access",
        "accessas",
        "impersonation",
        "privilegedoperations",
        "full",
    ];
    const WRITE: [&str; 31] = [
        "write",
        "create",
        "send",
        "update",
        "delete",
        "remove",
        "enable",
        "disable",
        "invite",
        "import",
        "restore",
        "upload",
        "migrat",
        "provision",
        "submit",
        "execute",
        "initiate",
        "join",
        "archive",
        "assign",
        "approve",
        "activate",
        "start",
        "edit",
        "command",
        "ingest",
        "revoke",
        "sign",
        "publish",
        "acquire",
        "status",
    ];
    const READ: [&str; 8] = [
        "read",
        "export",
        "search",
        "query",
        "list",
        "evaluate",
        "compute",
        "diagnostics",
    ];
    if starts_with_ignore_case(verb, "readbasic") {
        return (Access::Basic, false);
    }
    if starts_with_ignore_case(verb, "manage")
        || MANAGE.iter().any(|w| {
            if *w == "full" {
                verb.eq_ignore_ascii_case(w)
            } else {
                contains_ignore_case(verb, w)
            }
        })
    {
        return (Access::Manage, false);
    }
    if WRITE.iter().any(|w| contains_ignore_case(verb, w)) || verb.eq_ignore_ascii_case("use") {
        return (Access::Write, false);
    }
    if READ.iter().any(|w| starts_with_ignore_case(verb, w)) {
        return (Access::Read, false);
    }
    (Access::Write, true)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len() && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    find_ignore_case(text.as_bytes(), needle.as_bytes(), 0).is_some()
}

/// First index at or after `from` where `needle` occurs in `haystack`, ignoring ASCII case.
fn find_ignore_case(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from.min(haystack.len()));
    }
    let rest = haystack.get(from..)?;
    rest.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|at| at + from)
}

// ---------------------------------------------------------------------------
// Name patterns: `*` matches any run of characters (dots included); case is ignored.

#[derive(Debug, Clone)]
struct Glob {
    /// Literal pieces between stars.
    pieces: Vec<Box<[u8]>>,
    leading_star: bool,
    trailing_star: bool,
}

impl Glob {
    fn new(pattern: &str) -> Glob {
        let pattern = pattern.trim();
        Glob {
            pieces: pattern
                .split('*')
                .filter(|p| !p.is_empty())
                .map(|p| p.as_bytes().into())
                .collect(),
            leading_star: pattern.starts_with('*'),
            trailing_star: pattern.ends_with('*'),
        }
    }

    fn matches(&self, name: &str) -> bool {
        let text = name.as_bytes();
        let count = self.pieces.len();
        if count == 0 {
            // "*" matches anything; an empty pattern is refused at load.
            return self.leading_star;
        }
        let mut at = 0;
        for (i, piece) in self.pieces.iter().enumerate() {
            let first = i == 0;
            let last = i + 1 == count;
            if first && !self.leading_star {
                if text.len() < piece.len() || !text[..piece.len()].eq_ignore_ascii_case(piece) {
                    return false;
                }
                at = piece.len();
            } else if last && !self.trailing_star {
                let Some(start) = text.len().checked_sub(piece.len()) else {
                    return false;
                };
                return start >= at && text[start..].eq_ignore_ascii_case(piece);
            } else {
                match find_ignore_case(text, piece, at) {
                    Some(found) => at = found + piece.len(),
                    None => return false,
                }
            }
        }
        self.trailing_star || at == text.len()
    }
}

// ---------------------------------------------------------------------------
// The loaded book.

/// Risk knowledge: reviewed entries and general rules, in layers.
///
/// The top layer wins: its entries, then its rules, are consulted before those of
/// the layers below. [`RiskBook::bundled`] has one layer; [`RiskBook::layer`] puts
/// a reviewer's file on top.
#[derive(Debug, Clone)]
pub struct RiskBook {
    /// Top layer first.
    layers: Vec<Layer>,
}

#[derive(Debug, Clone)]
struct Layer {
    /// Key: lower-case `api`, 0x1f, lower-case permission.
    entries: HashMap<Box<str>, Entry>,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Entry {
    application: Option<Verdict>,
    delegated: Option<Verdict>,
}

#[derive(Debug, Clone)]
struct Verdict {
    level: RiskLevel,
    score: Option<u8>,
    reasons: Vec<String>,
}

#[derive(Debug, Clone)]
struct Rule {
    /// Lower-case canonical resource names; empty means any resource.
    apis: Vec<Box<str>>,
    names: Vec<Glob>,
    /// Empty means both kinds.
    kinds: Vec<PermissionKind>,
    subject: String,
    application: [RiskLevel; 4],
    delegated: [RiskLevel; 4],
    /// Said whatever the access.
    reasons: Vec<String>,
    /// Said first, for basic and read access only.
    read_reasons: Vec<String>,
    /// Said first, for write and manage access only.
    write_reasons: Vec<String>,
}

impl Rule {
    fn matches(&self, api: &str, kind: PermissionKind, name: &str) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && (self.apis.is_empty() || self.apis.iter().any(|a| a.eq_ignore_ascii_case(api)))
            && self.names.iter().any(|g| g.matches(name))
    }
}

impl RiskBook {
    /// The rules shipped with permscope (`data/risk.json`).
    pub fn bundled() -> RiskBook {
        // A test proves the bundled file loads, so this cannot fail at run time.
        RiskBook::from_json(include_str!("../../data/risk.json"), "data/risk.json")
            .expect("bundled data/risk.json is valid (tested)")
    }

    /// Loads a rules file; `origin` names it in errors (usually its path).
    pub fn from_json(text: &str, origin: &str) -> Result<RiskBook, RiskError> {
        let doc: BookDoc = serde_json::from_str(text).map_err(|e| serde_error(text, origin, &e))?;
        let layer = compile(doc).map_err(|fault| fault.into_error(text, origin))?;
        Ok(RiskBook { layers: vec![layer] })
    }

    /// Puts a reviewer's book on top: its entries and rules take precedence over
    /// everything already here.
    pub fn layer(&mut self, reviewer: RiskBook) {
        let mut layers = reviewer.layers;
        layers.append(&mut self.layers);
        self.layers = layers;
    }

    /// Rates `permission` of `kind` on the resource `api`.
    ///
    /// `api` is the canonical resource name: "Microsoft Graph", "Office 365
    /// Exchange Online", "Office 365 SharePoint Online", "Azure DevOps", or any
    /// other string for an unknown resource. Names are matched ignoring case and
    /// surrounding spaces. An empty claim rates `Unknown` with a reason.
    pub fn rate(&self, api: &str, kind: PermissionKind, permission: &str) -> Rating {
        let api = api.trim();
        let name = permission.trim();
        if name.is_empty() {
            return Rating {
                level: RiskLevel::Unknown,
                score: 0,
                reasons: vec![EMPTY_CLAIM.to_string()],
                basis: RiskBasis::Rule,
            };
        }
        let claim = Claim::parse(name, kind);
        let mut key = [0u8; MAX_KEY];
        let key = entry_key(&mut key, api, name);
        for layer in &self.layers {
            if let Some(verdict) = key.and_then(|k| layer.entries.get(k)).and_then(|entry| match kind {
                PermissionKind::Application => entry.application.as_ref(),
                PermissionKind::Delegated => entry.delegated.as_ref(),
            }) {
                return reviewed_rating(verdict, &claim, kind, api, name);
            }
            if let Some(rule) = layer.rules.iter().find(|r| r.matches(api, kind, name)) {
                return rule_rating(rule, &claim, kind, api, name);
            }
        }
        Rating {
            level: RiskLevel::Unknown,
            score: 0,
            reasons: vec![NOT_COVERED.to_string()],
            basis: RiskBasis::Rule,
        }
    }
}

/// Writes the lower-case lookup key into `buf`; `None` when it does not fit.
fn entry_key<'b>(buf: &'b mut [u8; MAX_KEY], api: &str, name: &str) -> Option<&'b str> {
    let len = api.len() + 1 + name.len();
    if len > MAX_KEY {
        return None;
    }
    buf[..api.len()].copy_from_slice(api.as_bytes());
    buf[api.len()] = KEY_SEPARATOR;
    buf[api.len() + 1..len].copy_from_slice(name.as_bytes());
    let key = &mut buf[..len];
    key.make_ascii_lowercase();
    std::str::from_utf8(key).ok()
}

fn owned_key(api: &str, name: &str) -> String {
    let mut key = String::with_capacity(api.len() + 1 + name.len());
    key.push_str(api.trim());
    key.push(char::from(KEY_SEPARATOR));
    key.push_str(name.trim());
    key.make_ascii_lowercase();
    key
}

/// Score inside the lower part of the level's band: more access, wider reach and
/// application use sort higher. The top of each band is left to reviewed entries
/// with an explicit score, so the worst permissions a person ranked stay on top.
fn band_score(level: RiskLevel, claim: &Claim<'_>, kind: PermissionKind) -> u8 {
    let access = match claim.access {
        Access::Basic => 0u16,
        Access::Read => 2,
        Access::Write => 5,
        Access::Manage => 7,
    };
    let reach = match claim.reach {
        Reach::Tenant => 2,
        Reach::User | Reach::Shared => 1,
        _ => 0,
    };
    let kind = u16::from(kind == PermissionKind::Application);
    let weight = access + reach + kind; // 0..=10
    let range = level.score_range();
    let (low, high) = (u16::from(*range.start()), u16::from(*range.end()));
    let score = low + (high - low) * 6 * weight / 100;
    u8::try_from(score).unwrap_or(*range.end())
}

fn kind_sentence(kind: PermissionKind, reach: Reach) -> &'static str {
    match kind {
        PermissionKind::Application if reach.is_tenant_wide() => KIND_APPLICATION_TENANT,
        PermissionKind::Application => KIND_APPLICATION_SCOPED,
        PermissionKind::Delegated => KIND_DELEGATED,
    }
}

/// Copies `template` into `out`, replacing `{api}` and `{permission}`.
fn fill_into(out: &mut String, template: &str, api: &str, name: &str) {
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{api}") {
            out.push_str(if api.is_empty() { "this resource" } else { api });
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{permission}") {
            out.push_str(name);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
}

fn filled(template: &str, api: &str, name: &str) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    fill_into(&mut out, template, api, name);
    out
}

fn reviewed_rating(verdict: &Verdict, claim: &Claim<'_>, kind: PermissionKind, api: &str, name: &str) -> Rating {
    let mut reasons = Vec::with_capacity(verdict.reasons.len() + 1);
    reasons.extend(verdict.reasons.iter().map(|r| filled(r, api, name)));
    if verdict.level != RiskLevel::Unknown {
        reasons.push(kind_sentence(kind, claim.reach).to_string());
    }
    Rating {
        level: verdict.level,
        score: verdict.score.unwrap_or_else(|| band_score(verdict.level, claim, kind)),
        reasons,
        basis: RiskBasis::Reviewed,
    }
}

fn rule_rating(rule: &Rule, claim: &Claim<'_>, kind: PermissionKind, api: &str, name: &str) -> Rating {
    let table = match kind {
        PermissionKind::Application => &rule.application,
        PermissionKind::Delegated => &rule.delegated,
    };
    let level = table[claim.access.index()].lowered(claim.reach.steps_down());
    let writes = claim.access >= Access::Write;
    let specific = if writes {
        &rule.write_reasons
    } else {
        &rule.read_reasons
    };
    let mut reasons = Vec::with_capacity(1 + specific.len() + rule.reasons.len() + 3);
    let mut first = String::with_capacity(160);
    first.push_str("Lets the app ");
    first.push_str(claim.verb_phrase());
    first.push(' ');
    fill_into(&mut first, &rule.subject, api, name);
    first.push_str(claim.reach.phrase(kind));
    first.push('.');
    reasons.push(first);
    reasons.extend(specific.iter().map(|r| filled(r, api, name)));
    reasons.extend(rule.reasons.iter().map(|r| filled(r, api, name)));
    // The generic warning only when the rule does not say what writing means here.
    if writes && rule.write_reasons.is_empty() && level != RiskLevel::Unknown {
        reasons.push(WRITE_CONSEQUENCE.to_string());
    }
    if claim.guessed {
        reasons.push(GUESSED_ACCESS.to_string());
    }
    if level != RiskLevel::Unknown {
        reasons.push(kind_sentence(kind, claim.reach).to_string());
    }
    Rating {
        level,
        score: band_score(level, claim, kind),
        reasons,
        basis: RiskBasis::Rule,
    }
}

// ---------------------------------------------------------------------------
// The file format (see data/risk.schema.json).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BookDoc {
    #[serde(rename = "$schema", default)]
    schema: Option<String>,
    version: u32,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    entries: Vec<EntryDoc>,
    #[serde(default)]
    rules: Vec<RuleDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDoc {
    apis: Vec<String>,
    permission: String,
    #[serde(default)]
    application: Option<VerdictDoc>,
    #[serde(default)]
    delegated: Option<VerdictDoc>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    references: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictDoc {
    level: RiskLevel,
    #[serde(default)]
    score: Option<u8>,
    reasons: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDoc {
    id: String,
    #[serde(default)]
    apis: Vec<String>,
    names: Vec<String>,
    #[serde(default)]
    kinds: Vec<PermissionKind>,
    subject: String,
    application: LevelsDoc,
    #[serde(default)]
    delegated: Option<LevelsDoc>,
    #[serde(default)]
    reasons: Vec<String>,
    #[serde(default)]
    read_reasons: Vec<String>,
    #[serde(default)]
    write_reasons: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LevelsDoc {
    #[serde(default)]
    basic: Option<RiskLevel>,
    #[serde(default)]
    read: Option<RiskLevel>,
    #[serde(default)]
    write: Option<RiskLevel>,
    #[serde(default)]
    manage: Option<RiskLevel>,
}

impl LevelsDoc {
    fn given(&self) -> [Option<RiskLevel>; 4] {
        [self.basic, self.read, self.write, self.manage]
    }
}

const ACCESS_NAMES: [&str; 4] = ["basic", "read", "write", "manage"];

// ---------------------------------------------------------------------------
// Checking and compiling a parsed file.

/// One step of a path into the document.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

/// A content problem found after parsing: where, and what.
struct Fault {
    path: Vec<Seg>,
    message: String,
}

impl Fault {
    fn new(path: Vec<Seg>, message: impl Into<String>) -> Fault {
        Fault {
            path,
            message: message.into(),
        }
    }

    fn into_error(self, text: &str, origin: &str) -> RiskError {
        let offset = locate(text, &self.path).unwrap_or(0);
        let (line, column) = crate::model::text::line_column(text, offset);
        RiskError::Invalid {
            origin: origin.to_string(),
            line,
            column,
            field: format_segs(&self.path),
            message: self.message,
        }
    }
}

fn at(base: &[Seg], more: &[Seg]) -> Vec<Seg> {
    let mut path = base.to_vec();
    path.extend_from_slice(more);
    path
}

fn compile(doc: BookDoc) -> Result<Layer, Fault> {
    if doc.version != 1 {
        return Err(Fault::new(
            vec![Seg::Key("version")],
            format!("unsupported version {} (this permscope reads version 1)", doc.version),
        ));
    }
    if let Some(schema) = &doc.schema {
        check_text(schema, &[Seg::Key("$schema")])?;
    }
    if let Some(description) = &doc.description {
        check_text(description, &[Seg::Key("description")])?;
    }
    let mut entries: HashMap<Box<str>, Entry> = HashMap::with_capacity(doc.entries.len() * 2);
    for (i, e) in doc.entries.into_iter().enumerate() {
        let here = [Seg::Key("entries"), Seg::Index(i)];
        let name = e.permission.trim();
        if name.is_empty() {
            return Err(Fault::new(
                at(&here, &[Seg::Key("permission")]),
                "must name a permission",
            ));
        }
        check_name(&e.permission, &at(&here, &[Seg::Key("permission")]))?;
        if e.apis.is_empty() {
            return Err(Fault::new(
                at(&here, &[Seg::Key("apis")]),
                "must list at least one resource",
            ));
        }
        if e.application.is_none() && e.delegated.is_none() {
            return Err(Fault::new(
                here.to_vec(),
                "needs an `application` or a `delegated` verdict (or both)",
            ));
        }
        if let Some(note) = &e.note {
            check_text(note, &at(&here, &[Seg::Key("note")]))?;
        }
        for (j, reference) in e.references.iter().enumerate() {
            check_text(reference, &at(&here, &[Seg::Key("references"), Seg::Index(j)]))?;
        }
        let application = verdict(e.application, &at(&here, &[Seg::Key("application")]))?;
        let delegated = verdict(e.delegated, &at(&here, &[Seg::Key("delegated")]))?;
        if let (Some(a), Some(d)) = (&application, &delegated)
            && d.level > a.level
        {
            return Err(Fault::new(
                at(&here, &[Seg::Key("delegated"), Seg::Key("level")]),
                format!(
                    "delegated ({}) rates above application ({}): a delegated grant never reaches further than the same permission granted to the app itself",
                    d.level, a.level
                ),
            ));
        }
        for (j, api) in e.apis.iter().enumerate() {
            let api_path = at(&here, &[Seg::Key("apis"), Seg::Index(j)]);
            check_name(api, &api_path)?;
            if api.trim().is_empty() {
                return Err(Fault::new(api_path, "must name a resource"));
            }
            let key = owned_key(api, name);
            match entries.entry(key.into_boxed_str()) {
                MapEntry::Occupied(_) => {
                    return Err(Fault::new(
                        at(&here, &[Seg::Key("permission")]),
                        format!("`{name}` on `{}` already has an entry in this file", api.trim()),
                    ));
                }
                MapEntry::Vacant(slot) => {
                    slot.insert(Entry {
                        application: application.clone(),
                        delegated: delegated.clone(),
                    });
                }
            }
        }
    }
    let mut rules = Vec::with_capacity(doc.rules.len());
    let mut ids: Vec<String> = Vec::with_capacity(doc.rules.len());
    for (i, r) in doc.rules.into_iter().enumerate() {
        let here = [Seg::Key("rules"), Seg::Index(i)];
        let id_path = at(&here, &[Seg::Key("id")]);
        check_text(&r.id, &id_path)?;
        if r.id.trim().is_empty() {
            return Err(Fault::new(id_path, "must not be empty"));
        }
        if ids.iter().any(|seen| seen.eq_ignore_ascii_case(r.id.trim())) {
            return Err(Fault::new(id_path, format!("duplicate rule id `{}`", r.id.trim())));
        }
        ids.push(r.id.trim().to_string());
        if r.names.is_empty() {
            return Err(Fault::new(
                at(&here, &[Seg::Key("names")]),
                "must list at least one name pattern",
            ));
        }
        let mut names = Vec::with_capacity(r.names.len());
        for (j, pattern) in r.names.iter().enumerate() {
            let path = at(&here, &[Seg::Key("names"), Seg::Index(j)]);
            check_name(pattern, &path)?;
            if pattern.trim().is_empty() {
                return Err(Fault::new(
                    path,
                    "an empty pattern matches nothing; use \"*\" to match every name",
                ));
            }
            names.push(Glob::new(pattern));
        }
        let mut apis = Vec::with_capacity(r.apis.len());
        for (j, api) in r.apis.iter().enumerate() {
            let path = at(&here, &[Seg::Key("apis"), Seg::Index(j)]);
            check_name(api, &path)?;
            if api.trim().is_empty() {
                return Err(Fault::new(path, "must name a resource"));
            }
            apis.push(api.trim().to_ascii_lowercase().into_boxed_str());
        }
        check_template(&r.subject, &at(&here, &[Seg::Key("subject")]))?;
        if r.subject.trim().is_empty() {
            return Err(Fault::new(at(&here, &[Seg::Key("subject")]), "must not be empty"));
        }
        for (field, list) in [
            ("reasons", &r.reasons),
            ("read_reasons", &r.read_reasons),
            ("write_reasons", &r.write_reasons),
        ] {
            for (j, reason) in list.iter().enumerate() {
                check_reason(reason, &at(&here, &[Seg::Key(field), Seg::Index(j)]))?;
            }
        }
        if let Some(note) = &r.note {
            check_text(note, &at(&here, &[Seg::Key("note")]))?;
        }
        let application = level_table(&r.application, &at(&here, &[Seg::Key("application")]))?;
        let delegated = match &r.delegated {
            Some(doc) => {
                let path = at(&here, &[Seg::Key("delegated")]);
                let table = level_table(doc, &path)?;
                // Report a level the file states before one filled in from it.
                let given = doc.given();
                let order = (0..4)
                    .filter(|&k| given[k].is_some())
                    .chain((0..4).filter(|&k| given[k].is_none()));
                for k in order {
                    let name = ACCESS_NAMES[k];
                    if table[k] > application[k] {
                        let field = if given[k].is_some() {
                            vec![Seg::Key(name)]
                        } else {
                            Vec::new()
                        };
                        return Err(Fault::new(
                            at(&path, &field),
                            format!(
                                "delegated {name} ({}) rates above application {name} ({}): a delegated grant never reaches further than the same permission granted to the app itself",
                                table[k], application[k]
                            ),
                        ));
                    }
                }
                table
            }
            None => application.map(|level| level.lowered(1)),
        };
        rules.push(Rule {
            apis,
            names,
            kinds: r.kinds,
            subject: r.subject.trim().to_string(),
            application,
            delegated,
            reasons: r.reasons,
            read_reasons: r.read_reasons,
            write_reasons: r.write_reasons,
        });
    }
    Ok(Layer { entries, rules })
}

fn verdict(doc: Option<VerdictDoc>, path: &[Seg]) -> Result<Option<Verdict>, Fault> {
    let Some(doc) = doc else { return Ok(None) };
    if doc.reasons.is_empty() {
        return Err(Fault::new(
            at(path, &[Seg::Key("reasons")]),
            "needs at least one reason: say what the permission lets the app do",
        ));
    }
    for (j, reason) in doc.reasons.iter().enumerate() {
        check_reason(reason, &at(path, &[Seg::Key("reasons"), Seg::Index(j)]))?;
    }
    if let Some(score) = doc.score {
        let range = doc.level.score_range();
        if !range.contains(&score) {
            return Err(Fault::new(
                at(path, &[Seg::Key("score")]),
                format!(
                    "score {score} is outside the {} band ({} to {})",
                    doc.level,
                    range.start(),
                    range.end()
                ),
            ));
        }
    }
    Ok(Some(Verdict {
        level: doc.level,
        score: doc.score,
        reasons: doc.reasons,
    }))
}

/// Fills a rule's level table: a class left out takes the level of the class
/// below it, or one step under the class above when nothing below is given.
fn level_table(doc: &LevelsDoc, path: &[Seg]) -> Result<[RiskLevel; 4], Fault> {
    let given = doc.given();
    if given.iter().all(Option::is_none) {
        return Err(Fault::new(
            path.to_vec(),
            "needs a level for at least one of basic, read, write, manage",
        ));
    }
    let mut last: Option<(usize, RiskLevel)> = None;
    for (k, level) in given.iter().enumerate() {
        if let Some(level) = *level {
            if let Some((before, previous)) = last
                && level < previous
            {
                return Err(Fault::new(
                    at(path, &[Seg::Key(ACCESS_NAMES[k])]),
                    format!(
                        "{} ({level}) rates below {} ({previous}): more access never means less risk",
                        ACCESS_NAMES[k], ACCESS_NAMES[before]
                    ),
                ));
            }
            last = Some((k, level));
        }
    }
    let mut table = [RiskLevel::Unknown; 4];
    for (k, slot) in table.iter_mut().enumerate() {
        *slot = match given[k] {
            Some(level) => level,
            None => match (0..k).rev().find_map(|j| given[j]) {
                Some(below) => below,
                None => {
                    let (j, above) = (k + 1..4)
                        .find_map(|j| given[j].map(|l| (j, l)))
                        .unwrap_or((k, RiskLevel::Unknown));
                    above.lowered(u8::try_from(j - k).unwrap_or(u8::MAX))
                }
            },
        };
    }
    Ok(table)
}

/// Refuses text that could disturb a terminal or hide what it says: control
/// characters, bidirectional overrides and zero-width characters.
fn check_text(text: &str, path: &[Seg]) -> Result<(), Fault> {
    if text.chars().count() > MAX_TEXT {
        return Err(Fault::new(path.to_vec(), format!("longer than {MAX_TEXT} characters")));
    }
    // The same rule as product files: one definition of "unsafe".
    match crate::model::text::find_unsafe(text).map(|(_, c, _)| c) {
        Some(c) => Err(Fault::new(
            path.to_vec(),
            format!("contains the invisible or control character U+{:04X}", u32::from(c)),
        )),
        None => Ok(()),
    }
}

/// A resource name, permission name or name pattern: short, plain text.
fn check_name(text: &str, path: &[Seg]) -> Result<(), Fault> {
    check_text(text, path)?;
    if text.trim().len() > MAX_NAME {
        return Err(Fault::new(path.to_vec(), format!("longer than {MAX_NAME} bytes")));
    }
    Ok(())
}

/// Text that may carry `{api}` and `{permission}` placeholders.
fn check_template(text: &str, path: &[Seg]) -> Result<(), Fault> {
    check_text(text, path)?;
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        let tail = &rest[at..];
        if !(tail.starts_with("{api}") || tail.starts_with("{permission}")) {
            let shown: String = tail.chars().take(16).collect();
            return Err(Fault::new(
                path.to_vec(),
                format!("unknown placeholder near `{shown}`: only {{api}} and {{permission}} are replaced"),
            ));
        }
        rest = &tail[1..];
    }
    Ok(())
}

fn check_reason(text: &str, path: &[Seg]) -> Result<(), Fault> {
    check_template(text, path)?;
    if text.trim().is_empty() {
        return Err(Fault::new(path.to_vec(), "a reason must not be empty"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Positions: serde_json reports line and column; these turn them into a field
// path, and a field path into a line and column.

/// Builds the error for a serde_json failure, naming the field being read.
fn serde_error(text: &str, origin: &str, error: &serde_json::Error) -> RiskError {
    // serde_json says column 0 at the start of a line; columns are 1-based here.
    let (mut line, mut column) = (error.line(), error.column().max(1));
    let mut offset = offset_of(text, line, column);
    let full = error.to_string();
    let suffix = format!(" at line {line} column {}", error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    // A raw line break inside a string is found where the string goes on (the
    // next line): point at the string's opening quote instead.
    // (serde_json's column counts the bytes read: the line break itself is
    // the last byte before that offset.)
    if message.starts_with("control character")
        && let Some(start) = crate::model::text::json_string_start(text, offset_of(text, line, error.column()))
        && crate::model::text::line_column(text, start).0 < line
    {
        offset = start;
        (line, column) = crate::model::text::line_column(text, start);
    }
    let field = format_frames(&walk(text, offset, |_, _| false));
    let origin = origin.to_string();
    match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => RiskError::Syntax {
            origin,
            line,
            column,
            field,
            message,
        },
        serde_json::error::Category::Data | serde_json::error::Category::Io => RiskError::Invalid {
            origin,
            line,
            column,
            field,
            message,
        },
    }
}

/// Byte offset of a 1-based line and column (column 0 means the line's start).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(at) => start += at + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

/// One open container while walking JSON text.
#[derive(Debug)]
enum Frame {
    Object { key: Option<String>, want_key: bool },
    Array { index: usize },
}

/// Walks JSON text up to byte `end`, calling `visit(open containers, offset)` at
/// the start of every value; stops early when `visit` returns true. Returns the
/// containers open at the stopping point. Tolerates malformed text.
fn walk(text: &str, end: usize, mut visit: impl FnMut(&[Frame], usize) -> bool) -> Vec<Frame> {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            open @ (b'{' | b'[') => {
                if visit(&frames, i) {
                    return frames;
                }
                frames.push(if open == b'{' {
                    Frame::Object {
                        key: None,
                        want_key: true,
                    }
                } else {
                    Frame::Array { index: 0 }
                });
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
                let content = text.get(start + 1..i.min(bytes.len())).unwrap_or("");
                i += 1;
                let is_key = matches!(frames.last(), Some(Frame::Object { want_key: true, .. }));
                if is_key {
                    if let Some(Frame::Object { key, .. }) = frames.last_mut() {
                        *key = Some(content.to_string());
                    }
                } else if visit(&frames, start) {
                    return frames;
                }
            }
            _ => {
                if visit(&frames, i) {
                    return frames;
                }
                // A literal (number, true, false, null): skip to the next delimiter.
                while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b':') {
                    i += 1;
                }
            }
        }
    }
    frames
}

/// Byte offset where the value at `path` starts.
fn locate(text: &str, path: &[Seg]) -> Option<usize> {
    let mut found = None;
    walk(text, text.len(), |frames, offset| {
        let hit = frames.len() == path.len()
            && frames.iter().zip(path).all(|(frame, seg)| match (frame, seg) {
                (Frame::Object { key: Some(k), .. }, Seg::Key(want)) => k == want,
                (Frame::Array { index }, Seg::Index(want)) => index == want,
                _ => false,
            });
        if hit {
            found = Some(offset);
        }
        hit
    });
    found
}

fn format_frames(frames: &[Frame]) -> String {
    let mut out = String::new();
    for frame in frames {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

fn format_segs(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Seg::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use PermissionKind::{Application, Delegated};

    const GRAPH: &str = "Microsoft Graph";
    const EXCHANGE: &str = "Office 365 Exchange Online";
    const SHAREPOINT: &str = "Office 365 SharePoint Online";
    const DEVOPS: &str = "Azure DevOps";

    fn book() -> RiskBook {
        RiskBook::bundled()
    }

    fn level(api: &str, kind: PermissionKind, name: &str) -> RiskLevel {
        book().rate(api, kind, name).level
    }

    fn mentions(rating: &Rating, words: &[&str]) -> bool {
        let text = rating.reasons.join(" ").to_lowercase();
        words.iter().all(|w| text.contains(&w.to_lowercase()))
    }

    fn load_error(text: &str) -> RiskError {
        match RiskBook::from_json(text, "reviewer.json") {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e,
        }
    }

    // --- levels ------------------------------------------------------------

    #[test]
    fn levels_are_ordered_unknown_lowest() {
        use RiskLevel::*;
        assert!(Unknown < Low && Low < Medium && Medium < High && High < Critical);
        let mut sorted = RiskLevel::ALL;
        sorted.sort();
        assert_eq!(sorted, RiskLevel::ALL);
        assert_eq!(RiskLevel::ALL.iter().max(), Some(&Critical));
    }

    #[test]
    fn level_names_badges_and_loose_parsing() {
        let names: Vec<_> = RiskLevel::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(names, ["unknown", "low", "medium", "high", "critical"]);
        let badges: Vec<_> = RiskLevel::ALL.iter().map(|l| l.badge()).collect();
        assert_eq!(badges, ["UNK", "LOW", "MED", "HIGH", "CRIT"]);
        for level in RiskLevel::ALL {
            assert_eq!(RiskLevel::parse_loose(level.as_str()), Some(level));
            assert_eq!(RiskLevel::parse_loose(level.badge()), Some(level));
            assert_eq!(level.to_string(), level.as_str());
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.as_str()));
        }
        assert_eq!(RiskLevel::parse_loose("  Crit "), Some(RiskLevel::Critical));
        assert_eq!(RiskLevel::parse_loose("moderate"), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::parse_loose("HI"), Some(RiskLevel::High));
        assert_eq!(RiskLevel::parse_loose("medi"), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::parse_loose("severe"), None);
        assert_eq!(RiskLevel::parse_loose(""), None);
    }

    #[test]
    fn score_bands_rise_with_level_and_do_not_overlap() {
        for pair in RiskLevel::ALL.windows(2) {
            assert!(pair[0].score_range().end() < pair[1].score_range().start());
        }
        for level in RiskLevel::ALL {
            for score in level.score_range() {
                assert_eq!(RiskLevel::from_score(score), level);
            }
        }
        assert_eq!(*RiskLevel::Critical.score_range().end(), 100);
        assert_eq!(RiskLevel::Low.lowered(3), RiskLevel::Low);
        assert_eq!(RiskLevel::Critical.lowered(2), RiskLevel::Medium);
        assert_eq!(RiskLevel::Unknown.lowered(1), RiskLevel::Unknown);
    }

    // --- special cases -------------------------------------------------------

    #[test]
    fn role_management_is_a_direct_takeover_path() {
        let r = book().rate(GRAPH, Application, "RoleManagement.ReadWrite.Directory");
        assert_eq!(r.level, RiskLevel::Critical);
        assert_eq!(r.basis, RiskBasis::Reviewed);
        assert_eq!(r.score, 100);
        assert!(r.reasons[0].contains("Global Administrator"), "{:?}", r.reasons);
        assert!(r.reasons[0].contains("takeover"));
        assert_eq!(
            level(GRAPH, Delegated, "RoleManagement.ReadWrite.Directory"),
            RiskLevel::High
        );
    }

    #[test]
    fn every_takeover_path_rates_critical_as_application() {
        for name in [
            "RoleManagement.ReadWrite.Directory",
            "AppRoleAssignment.ReadWrite.All",
            "Application.ReadWrite.All",
            "Application.ReadUpdate.All",
            "DelegatedPermissionGrant.ReadWrite.All",
            "Directory.ReadWrite.All",
            "UserAuthenticationMethod.ReadWrite.All",
            "UserAuthMethod-TAP.ReadWrite.All",
            "User-PasswordProfile.ReadWrite.All",
            "Policy.ReadWrite.ConditionalAccess",
            "Policy.ReadWrite.Authorization",
            "Policy.ReadWrite.PermissionGrant",
            "Policy.ReadWrite.AuthenticationMethod",
            "Domain.ReadWrite.All",
            "Organization.ReadWrite.All",
            "PublicKeyInfrastructure.ReadWrite.All",
            "RoleAssignmentSchedule.ReadWrite.Directory",
            "RoleEligibilitySchedule.ReadWrite.Directory",
            "PrivilegedAccess.ReadWrite.AzureADGroup",
            "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
            "AgentIdentityBlueprint.AddRemoveCreds.All",
        ] {
            let r = book().rate(GRAPH, Application, name);
            assert_eq!(r.level, RiskLevel::Critical, "{name}: {:?}", r.reasons);
            assert!(
                level(GRAPH, Delegated, name) <= r.level,
                "{name}: delegated above application"
            );
        }
    }

    #[test]
    fn partial_takeover_paths_rate_high_with_their_limits_explained() {
        let b = book();
        let owned = b.rate(GRAPH, Application, "Application.ReadWrite.OwnedBy");
        assert_eq!(owned.level, RiskLevel::High);
        assert!(mentions(&owned, &["owns"]));
        let groups = b.rate(GRAPH, Application, "Group.ReadWrite.All");
        assert_eq!(groups.level, RiskLevel::High);
        assert!(mentions(
            &groups,
            &["role-assignable", "RoleManagement.ReadWrite.Directory"]
        ));
        let users = b.rate(GRAPH, Application, "User.ReadWrite.All");
        assert_eq!(users.level, RiskLevel::High);
        assert!(mentions(&users, &["password reset"]));
    }

    #[test]
    fn sign_in_scopes_are_low() {
        for name in ["openid", "profile", "email", "offline_access", "User.Read"] {
            let r = book().rate(GRAPH, Delegated, name);
            assert_eq!(r.level, RiskLevel::Low, "{name}");
            assert_eq!(r.basis, RiskBasis::Reviewed, "{name}");
        }
        let offline = book().rate(GRAPH, Delegated, "offline_access");
        assert!(mentions(&offline, &["refresh token", "no access of its own"]));
    }

    #[test]
    fn exchange_special_cases() {
        let b = book();
        let full = b.rate(EXCHANGE, Application, "full_access_as_app");
        assert_eq!(full.level, RiskLevel::Critical);
        assert!(mentions(
            &full,
            &["every mailbox", "Exchange Web Services", "application access policy"]
        ));
        let manage = b.rate(EXCHANGE, Application, "Exchange.ManageAsApp");
        assert_eq!(manage.level, RiskLevel::High);
        assert!(mentions(&manage, &["role", "Exchange Administrator", "Global Reader"]));
        assert_eq!(
            b.rate(EXCHANGE, Application, "Mail.ReadWrite").level,
            RiskLevel::Critical
        );
        assert_eq!(b.rate(EXCHANGE, Application, "Mail.Read").level, RiskLevel::High);
        assert_eq!(b.rate(EXCHANGE, Application, "IMAP.AccessAsApp").level, RiskLevel::High);
    }

    #[test]
    fn sharepoint_full_control_and_selected() {
        let b = book();
        for api in [GRAPH, SHAREPOINT] {
            let full = b.rate(api, Application, "Sites.FullControl.All");
            assert_eq!(full.level, RiskLevel::Critical);
            assert!(mentions(&full, &["every SharePoint site", "permissions"]));
            let selected = b.rate(api, Application, "Sites.Selected");
            assert_eq!(selected.level, RiskLevel::Medium);
            assert!(mentions(&selected, &["explicitly grants"]));
        }
        assert!(b.rate(SHAREPOINT, Delegated, "AllSites.FullControl").level >= RiskLevel::High);
    }

    #[test]
    fn directory_access_as_user_carries_the_users_admin_rights() {
        let r = book().rate(GRAPH, Delegated, "Directory.AccessAsUser.All");
        assert_eq!(r.level, RiskLevel::High);
        assert!(mentions(&r, &["Global Administrator", "signed-in user"]));
    }

    #[test]
    fn devops_and_other_impersonation() {
        let b = book();
        let devops = b.rate(DEVOPS, Delegated, "user_impersonation");
        assert_eq!(devops.level, RiskLevel::High);
        assert_eq!(devops.basis, RiskBasis::Reviewed);
        assert!(mentions(&devops, &["every Azure DevOps REST API", "vso."]));
        let crm = b.rate("Dynamics CRM", Delegated, "user_impersonation");
        assert_eq!(crm.level, RiskLevel::High);
        assert_eq!(crm.basis, RiskBasis::Rule);
        assert!(crm.reasons[0].contains("Dynamics CRM"), "{:?}", crm.reasons);
        assert!(b.rate(DEVOPS, Delegated, "vso.work").level <= RiskLevel::Low);
        assert!(b.rate(DEVOPS, Delegated, "vso.code_write").level >= RiskLevel::High);
        assert!(b.rate(DEVOPS, Delegated, "vso.serviceendpoint_manage").level >= RiskLevel::High);
    }

    #[test]
    fn backup_restore_permissions_are_rated_individually() {
        let b = book();
        let restore = b.rate(GRAPH, Application, "BackupRestore-Restore.ReadWrite.All");
        assert_eq!(restore.level, RiskLevel::High);
        assert_eq!(restore.basis, RiskBasis::Reviewed);
        assert!(mentions(&restore, &["restore", "roll"]));
        assert_eq!(
            b.rate(GRAPH, Application, "BackupRestore-Control.ReadWrite.All").level,
            RiskLevel::High
        );
        assert!(b.rate(GRAPH, Application, "BackupRestore-Monitor.Read.All").level <= RiskLevel::Low);
        // A BackupRestore permission nobody reviewed yet still gets the backup rule.
        let future = b.rate(GRAPH, Application, "BackupRestore-Future.ReadWrite.All");
        assert_eq!(future.level, RiskLevel::High);
        assert!(future.reasons[0].contains("Microsoft 365 Backup"));
    }

    #[test]
    fn content_of_every_mailbox_or_file_is_high_and_writing_it_critical() {
        let b = book();
        for name in [
            "Mail.Read",
            "Files.Read.All",
            "Sites.Read.All",
            "Chat.Read.All",
            "ChannelMessage.Read.All",
        ] {
            let r = b.rate(GRAPH, Application, name);
            assert_eq!(r.level, RiskLevel::High, "{name}");
            assert!(
                r.reasons[0].contains("across the whole tenant"),
                "{name}: {:?}",
                r.reasons
            );
        }
        for name in [
            "Mail.ReadWrite",
            "Files.ReadWrite.All",
            "Sites.ReadWrite.All",
            "Chat.ReadWrite.All",
        ] {
            assert_eq!(b.rate(GRAPH, Application, name).level, RiskLevel::Critical, "{name}");
        }
        let secrets = b.rate(GRAPH, Application, "BitlockerKey.Read.All");
        assert_eq!(secrets.level, RiskLevel::High);
        assert!(mentions(&secrets, &["recovery key"]));
    }

    #[test]
    fn write_never_below_read_and_application_never_below_delegated() {
        let b = book();
        for (read, write) in [
            ("Mail.Read", "Mail.ReadWrite"),
            ("Files.Read.All", "Files.ReadWrite.All"),
            ("Calendars.Read", "Calendars.ReadWrite"),
            ("User.Read.All", "User.ReadWrite.All"),
            ("Policy.Read.ConditionalAccess", "Policy.ReadWrite.ConditionalAccess"),
            ("Sites.ReadWrite.All", "Sites.FullControl.All"),
            ("Sites.ReadWrite.All", "Sites.Manage.All"),
        ] {
            for kind in [Application, Delegated] {
                assert!(
                    b.rate(GRAPH, kind, read).level <= b.rate(GRAPH, kind, write).level,
                    "{read} vs {write}"
                );
            }
            for name in [read, write] {
                assert!(
                    b.rate(GRAPH, Delegated, name).level <= b.rate(GRAPH, Application, name).level,
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn application_and_delegated_reasons_say_which_they_are() {
        let b = book();
        let app = b.rate(GRAPH, Application, "Files.Read.All");
        let del = b.rate(GRAPH, Delegated, "Files.Read.All");
        assert!(app.reasons[0].contains("no user signed in"));
        assert!(del.reasons[0].contains("signed-in user"));
        assert!(
            app.reasons
                .last()
                .is_some_and(|r| r.starts_with("As an application permission"))
        );
        assert!(
            del.reasons
                .last()
                .is_some_and(|r| r.starts_with("As a delegated permission"))
        );
        assert!(del.level < app.level);
    }

    #[test]
    fn narrow_reach_rates_lower_than_tenant_wide() {
        let b = book();
        let all = b.rate(GRAPH, Application, "Files.ReadWrite.All").level;
        let folder = b.rate(GRAPH, Application, "Files.ReadWrite.AppFolder");
        assert!(folder.level < all);
        assert!(folder.reasons[0].contains("app's own folder"));
        assert!(
            b.rate(GRAPH, Application, "Chat.Read.WhereInstalled").level
                < b.rate(GRAPH, Application, "Chat.Read.All").level
        );
    }

    #[test]
    fn names_and_resources_match_ignoring_case_and_spaces() {
        let b = book();
        let exact = b.rate(SHAREPOINT, Application, "Sites.FullControl.All");
        let loose = b.rate(
            "  office 365 sharepoint online ",
            Application,
            " sites.fullcontrol.ALL ",
        );
        assert_eq!(exact, loose);
    }

    #[test]
    fn unknown_permissions_on_unknown_resources_still_get_a_rating() {
        let r = book().rate("Contoso Widgets API", Application, "Widgets.ReadWrite.All");
        assert_eq!(r.level, RiskLevel::High);
        assert_eq!(r.basis, RiskBasis::Rule);
        assert!(r.reasons[0].contains("Contoso Widgets API"));
        assert!(mentions(&r, &["no specific rule"]));
        let odd = book().rate("Contoso Widgets API", Delegated, "Frobnicate");
        assert!(odd.level >= RiskLevel::Low);
        assert!(mentions(&odd, &["does not say whether it only reads"]));
    }

    #[test]
    fn empty_claim_is_unknown_with_a_reason() {
        for kind in [Application, Delegated] {
            let r = book().rate(GRAPH, kind, "  ");
            assert_eq!(r.level, RiskLevel::Unknown);
            assert_eq!(r.score, 0);
            assert_eq!(r.reasons.len(), 1);
            assert!(r.reasons[0].contains("empty"));
        }
    }

    #[test]
    fn a_book_without_a_matching_rule_rates_unknown() {
        let b = RiskBook::from_json(r#"{ "version": 1 }"#, "empty.json").unwrap();
        let r = b.rate(GRAPH, Application, "Mail.Read");
        assert_eq!(r.level, RiskLevel::Unknown);
        assert!(!r.reasons.is_empty());
    }

    #[test]
    fn scores_stay_inside_their_bands() {
        let b = book();
        for (api, kind, name) in [
            (GRAPH, Application, "Sites.Manage.All"),
            (GRAPH, Delegated, "openid"),
            (GRAPH, Application, "Files.ReadWrite.AppFolder"),
            ("Anything", Application, "X.ReadWrite.All"),
            (DEVOPS, Delegated, "vso.code_full"),
        ] {
            let r = b.rate(api, kind, name);
            assert!(
                r.level.score_range().contains(&r.score),
                "{name}: {} {}",
                r.level,
                r.score
            );
        }
        // Reviewed takeover paths sort above rule-rated data destruction.
        assert!(
            b.rate(GRAPH, Application, "AppRoleAssignment.ReadWrite.All").score
                > b.rate(GRAPH, Application, "Sites.Manage.All").score
        );
    }

    // --- layering ------------------------------------------------------------

    const REVIEWER: &str = r#"{
  "version": 1,
  "entries": [
    {
      "apis": ["Microsoft Graph"],
      "permission": "Mail.Read",
      "application": { "level": "critical", "reasons": ["Our mail holds {permission} secrets on {api}."] }
    }
  ],
  "rules": [
    {
      "id": "our-files",
      "names": ["Files.*"],
      "kinds": ["application"],
      "subject": "our files",
      "application": { "read": "low", "write": "medium" }
    }
  ]
}"#;

    #[test]
    fn reviewer_entries_and_rules_take_precedence() {
        let mut b = book();
        b.layer(RiskBook::from_json(REVIEWER, "reviewer.json").unwrap());
        let mail = b.rate(GRAPH, Application, "Mail.Read");
        assert_eq!(mail.level, RiskLevel::Critical);
        assert_eq!(mail.basis, RiskBasis::Reviewed);
        assert_eq!(mail.reasons[0], "Our mail holds Mail.Read secrets on Microsoft Graph.");
        // The reviewer only rated the application kind: delegated keeps the bundled rating.
        assert_eq!(
            b.rate(GRAPH, Delegated, "Mail.Read"),
            book().rate(GRAPH, Delegated, "Mail.Read")
        );
        // A reviewer's rule beats even a bundled entry...
        let files = b.rate(GRAPH, Application, "Files.ReadWrite.All");
        assert_eq!(files.level, RiskLevel::Medium);
        assert!(files.reasons[0].contains("our files"));
        // ...but only for the kinds it names.
        assert_eq!(b.rate(GRAPH, Delegated, "Files.ReadWrite.All").level, RiskLevel::High);
        // Everything else falls through to the bundled book.
        assert_eq!(
            b.rate(GRAPH, Application, "RoleManagement.ReadWrite.Directory").level,
            RiskLevel::Critical
        );
    }

    #[test]
    fn later_layers_win_over_earlier_ones() {
        let mut b = book();
        b.layer(RiskBook::from_json(REVIEWER, "first.json").unwrap());
        let second = r#"{ "version": 1, "entries": [ { "apis": ["Microsoft Graph"], "permission": "Mail.Read",
            "application": { "level": "low", "reasons": ["Second opinion."] } } ] }"#;
        b.layer(RiskBook::from_json(second, "second.json").unwrap());
        assert_eq!(b.rate(GRAPH, Application, "Mail.Read").level, RiskLevel::Low);
    }

    // --- malformed files -------------------------------------------------------

    #[test]
    fn syntax_error_names_line_column_and_field() {
        let text = "{\n  \"version\": 1,\n  \"rules\": [\n    { \"id\": \"a\" \"names\": [] }\n  ]\n}\n";
        let e = load_error(text);
        assert!(matches!(e, RiskError::Syntax { .. }), "{e:?}");
        assert_eq!(e.origin(), "reviewer.json");
        assert_eq!(e.line(), 4);
        assert!(e.column() > 10, "{e}");
        assert_eq!(e.field(), "rules[0].id");
        let shown = e.to_string();
        assert!(shown.starts_with("reviewer.json:4:"), "{shown}");
        assert!(shown.contains("rules[0].id"), "{shown}");
    }

    #[test]
    fn truncated_file_is_a_syntax_error() {
        let e = load_error("{ \"version\": 1, \"entries\": [");
        assert!(matches!(e, RiskError::Syntax { .. }), "{e:?}");
        assert_eq!(e.line(), 1);
    }

    #[test]
    fn unknown_field_names_its_path() {
        let text = r#"{
  "version": 1,
  "entries": [
    {
      "apis": ["Microsoft Graph"],
      "permission": "Mail.Read",
      "application": {
        "levle": "high",
        "reasons": ["x"]
      }
    }
  ]
}"#;
        let e = load_error(text);
        assert!(matches!(e, RiskError::Invalid { .. }), "{e:?}");
        assert_eq!(e.line(), 8);
        assert_eq!(e.field(), "entries[0].application.levle");
        let shown = e.to_string();
        assert!(shown.contains("unknown field `levle`"), "{shown}");
        assert!(shown.starts_with("reviewer.json:8:"), "{shown}");
        assert!(!shown.contains(" at line "), "position said twice: {shown}");
    }

    #[test]
    fn wrong_type_names_its_path() {
        let text = "{\n  \"version\": 1,\n  \"entries\": [\n    { \"apis\": [\"Microsoft Graph\"], \"permission\": \"Mail.Read\",\n      \"delegated\": { \"level\": \"low\", \"score\": \"ten\", \"reasons\": [\"x\"] } }\n  ]\n}";
        let e = load_error(text);
        assert!(matches!(e, RiskError::Invalid { .. }), "{e:?}");
        assert_eq!(e.line(), 5);
        assert_eq!(e.field(), "entries[0].delegated.score");
        assert!(e.to_string().contains("invalid type"), "{e}");
    }

    #[test]
    fn unknown_level_names_its_path() {
        let text = "{ \"version\": 1, \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\",\n \"application\": { \"read\": \"severe\" } } ] }";
        let e = load_error(text);
        assert_eq!(e.line(), 2);
        assert_eq!(e.field(), "rules[0].application.read");
        assert!(e.to_string().contains("severe"), "{e}");
    }

    #[test]
    fn content_errors_are_located_too() {
        let cases: [(&str, &str, &str); 9] = [
            ("{ \"version\": 2 }", "version", "unsupported version"),
            (
                "{ \"version\": 1,\n \"entries\": [ { \"apis\": [\"G\"], \"permission\": \"P\",\n \"application\": { \"level\": \"low\", \"score\": 90, \"reasons\": [\"x\"] } } ] }",
                "entries[0].application.score",
                "outside the low band",
            ),
            (
                "{ \"version\": 1,\n \"entries\": [ { \"apis\": [\"G\"], \"permission\": \"P\",\n \"application\": { \"level\": \"low\", \"reasons\": [\"x\"] },\n \"delegated\": { \"level\": \"high\", \"reasons\": [\"y\"] } } ] }",
                "entries[0].delegated.level",
                "rates above application",
            ),
            (
                "{ \"version\": 1,\n \"entries\": [ { \"apis\": [\"G\"], \"permission\": \"P\",\n \"application\": { \"level\": \"low\", \"reasons\": [] } } ] }",
                "entries[0].application.reasons",
                "at least one reason",
            ),
            (
                "{ \"version\": 1,\n \"entries\": [ { \"apis\": [\"G\"], \"permission\": \"P\", \"delegated\": { \"level\": \"low\", \"reasons\": [\"a\"] } },\n { \"apis\": [\"g\"], \"permission\": \"p\", \"delegated\": { \"level\": \"low\", \"reasons\": [\"b\"] } } ] }",
                "entries[1].permission",
                "already has an entry",
            ),
            (
                "{ \"version\": 1,\n \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\",\n \"application\": { \"read\": \"high\", \"write\": \"low\" } } ] }",
                "rules[0].application.write",
                "rates below read",
            ),
            (
                "{ \"version\": 1,\n \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\",\n \"application\": { \"read\": \"low\" },\n \"delegated\": { \"read\": \"high\" } } ] }",
                "rules[0].delegated.read",
                "rates above application",
            ),
            (
                "{ \"version\": 1,\n \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\", \"application\": { \"read\": \"low\" },\n \"reasons\": [\"Says {perm} here\"] } ] }",
                "rules[0].reasons[0]",
                "unknown placeholder",
            ),
            (
                "{ \"version\": 1,\n \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\", \"application\": { \"read\": \"low\" } },\n { \"id\": \"R\", \"names\": [\"*\"], \"subject\": \"s\", \"application\": { \"read\": \"low\" } } ] }",
                "rules[1].id",
                "duplicate rule id",
            ),
        ];
        for (text, field, message) in cases {
            let e = load_error(text);
            assert!(matches!(e, RiskError::Invalid { .. }), "{e:?}");
            assert_eq!(e.field(), field, "{e}");
            assert!(e.to_string().contains(message), "{e}");
            // The position points at the offending value.
            let lines: Vec<&str> = text.lines().collect();
            let line = lines[e.line() - 1];
            let last_key = field.rsplit('.').next().unwrap_or(field);
            let last_key = last_key.split('[').next().unwrap_or(last_key);
            assert!(line.contains(last_key), "{e}: line {} is `{line}`", e.line());
        }
    }

    #[test]
    fn invisible_characters_are_refused() {
        let text = "{ \"version\": 1, \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\u{202e}x\", \"application\": { \"read\": \"low\" } } ] }";
        let e = load_error(text);
        assert_eq!(e.field(), "rules[0].subject");
        assert!(e.to_string().contains("U+202E"), "{e}");
        let escaped = r#"{ "version": 1, "rules": [ { "id": "r", "names": ["*"], "subject": "a\u001bb", "application": { "read": "low" } } ] }"#;
        assert!(load_error(escaped).to_string().contains("U+001B"));
    }

    #[test]
    fn rule_levels_fill_in_missing_classes() {
        let text = r#"{ "version": 1, "rules": [ { "id": "r", "names": ["*"], "subject": "things",
            "application": { "write": "critical" } } ] }"#;
        let b = RiskBook::from_json(text, "t.json").unwrap();
        assert_eq!(b.rate("X", Application, "T.Read.All").level, RiskLevel::High);
        assert_eq!(b.rate("X", Application, "T.ReadBasic.All").level, RiskLevel::Medium);
        assert_eq!(b.rate("X", Application, "T.Manage.All").level, RiskLevel::Critical);
        // Delegated defaults to one step under application.
        assert_eq!(b.rate("X", Delegated, "T.ReadWrite.All").level, RiskLevel::High);
    }

    // --- name reading ----------------------------------------------------------

    #[test]
    fn glob_patterns() {
        let cases = [
            ("Mail.*", "Mail.Read", true),
            ("Mail.*", "mail.readwrite.shared", true),
            ("Mail.*", "MailboxSettings.Read", false),
            ("Mail-*", "Mail-Advanced.ReadWrite", true),
            ("*.Selected", "Sites.Selected", true),
            ("*.Selected", "Sites.Selected.All", false),
            (
                "*.SelectedOperations.Selected",
                "Files.SelectedOperations.Selected",
                true,
            ),
            ("User.Read", "User.Read", true),
            ("User.Read", "User.Read.All", false),
            ("vso.code*", "vso.code_write", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXcYb", false),
            ("ab*ba", "aba", false),
            ("*", "", true),
            ("*", "anything", true),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(Glob::new(pattern).matches(name), expected, "{pattern} ~ {name}");
        }
    }

    #[test]
    fn claims_are_read_from_their_names() {
        let cases = [
            ("Mail.Read", Application, Access::Read, Reach::Tenant),
            ("Mail.Read", Delegated, Access::Read, Reach::User),
            ("Mail.ReadBasic.All", Application, Access::Basic, Reach::Tenant),
            ("Mail.ReadWrite.Shared", Delegated, Access::Write, Reach::Shared),
            ("Sites.FullControl.All", Application, Access::Manage, Reach::Tenant),
            ("Sites.Selected", Application, Access::Write, Reach::Selected),
            (
                "Application.ReadWrite.OwnedBy",
                Application,
                Access::Write,
                Reach::Owned,
            ),
            ("Chat.Read.WhereInstalled", Application, Access::Read, Reach::Installed),
            ("ChannelMessage.Read.Group", Application, Access::Read, Reach::Installed),
            ("Files.ReadWrite.AppFolder", Delegated, Access::Write, Reach::AppOwn),
            (
                "Policy.ReadWrite.ConditionalAccess",
                Delegated,
                Access::Write,
                Reach::Tenant,
            ),
            (
                "TeamsAppInstallation.ReadSelectedForChat.All",
                Application,
                Access::Read,
                Reach::Selected,
            ),
            ("Directory.AccessAsUser.All", Delegated, Access::Manage, Reach::Tenant),
            ("Exchange.ManageAsApp", Application, Access::Manage, Reach::Tenant),
            ("full_access_as_app", Application, Access::Manage, Reach::Tenant),
            ("user_impersonation", Delegated, Access::Manage, Reach::User),
            ("vso.code", Delegated, Access::Read, Reach::User),
            ("vso.code_write", Delegated, Access::Write, Reach::User),
            ("vso.code_full", Delegated, Access::Manage, Reach::User),
            ("vso.extension.data_write", Delegated, Access::Write, Reach::User),
            ("User.Export.All", Application, Access::Read, Reach::Tenant),
            (
                "User.EnableDisableAccount.All",
                Application,
                Access::Write,
                Reach::Tenant,
            ),
            (
                "ConsentRequest.ReadApprove.All",
                Delegated,
                Access::Write,
                Reach::Tenant,
            ),
        ];
        for (name, kind, access, reach) in cases {
            let claim = Claim::parse(name, kind);
            assert_eq!((claim.access, claim.reach), (access, reach), "{name} {kind}");
            // `Sites.Selected` has no verb at all: per-site grants decide the access.
            assert_eq!(claim.guessed, name == "Sites.Selected", "{name}");
        }
        assert!(Claim::parse("OPX.MyDay", Delegated).guessed);
        assert_eq!(Claim::parse("Mail.Send", Application).verb_phrase(), "send");
        assert_eq!(
            Claim::parse("Mail.ReadWrite", Application).verb_phrase(),
            "read and change"
        );
        assert_eq!(
            Claim::parse("Sites.FullControl.All", Application).verb_phrase(),
            "fully control"
        );
    }

    #[test]
    fn entry_keys_fit_or_are_skipped() {
        let mut buf = [0u8; MAX_KEY];
        assert_eq!(
            entry_key(&mut buf, "Microsoft Graph", "Mail.Read"),
            Some("microsoft graph\u{1f}mail.read")
        );
        let long = "x".repeat(MAX_KEY);
        assert_eq!(entry_key(&mut buf, "Microsoft Graph", &long), None);
        // Over-long input simply finds no entry; a rule still rates it.
        let r = book().rate(GRAPH, Application, &format!("{long}.ReadWrite.All"));
        assert_eq!(r.level, RiskLevel::High);
    }

    #[test]
    fn json_positions_round_trip() {
        let text = "{\n  \"a\": [1, {\"b\": \"c\"}],\n  \"d\": true\n}";
        let at = locate(text, &[Seg::Key("a"), Seg::Index(1), Seg::Key("b")]).unwrap();
        assert_eq!(&text[at..at + 3], "\"c\"");
        assert_eq!(crate::model::text::line_column(text, at), (2, 18));
        // serde_json's column counts the bytes read on the line: the offending
        // character is the one just before that offset.
        assert_eq!(offset_of(text, 2, 18), at + 1);
        assert_eq!(format_frames(&walk(text, at, |_, _| false)), "a[1].b");
        assert_eq!(locate(text, &[Seg::Key("zzz")]), None);
    }
}
