//! Published classifications beside permscope's own rating ("lenses").
//!
//! Four sources classify the permissions permscope rates (see `data/lenses.json`,
//! written by `examples/refresh_lenses.rs` from the reference folder):
//!
//! - the Enterprise Access Model tier of AzurePrivilegedIAM (control plane,
//!   management plane, user access, with a category);
//! - the same tiers in the EntraOps app-role template (with its service);
//! - Microsoft's `privilegeLevel` (1 least to 5 most privileged) per scheme;
//! - the High/Medium/Low of the MSIdentityTools consent grant table.
//!
//! A [`Lens`] is what one source says about one permission. [`Lens::agrees`] compares
//! it with permscope's [`RiskLevel`] using the ranges the README states (a class
//! agrees when our level lies in the range it suggests). [`LensKinds`] (from
//! `data/lens-kinds.json`, hand-written) names the kind of a disagreement and says
//! in one sentence why permscope rates differently.
//!
//! The bundled data is parsed once, on first use: it is half a megabyte, and most
//! runs of permscope never look at it.

use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::json::{self, Fault, Step};
use crate::model::text;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

/// A published classification permscope shows beside its own rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LensSource {
    /// Cloud-Architekt/AzurePrivilegedIAM: Enterprise Access Model tier per API permission.
    #[serde(rename = "azure-privileged-iam")]
    AzurePrivilegedIam,
    /// Cloud-Architekt/EntraOps: Enterprise Access Model tier per app role.
    #[serde(rename = "entraops")]
    EntraOps,
    /// Microsoft Graph's `privilegeLevel`, 1 (least) to 5 (most privileged).
    #[serde(rename = "graph-privilege-level")]
    GraphPrivilegeLevel,
    /// AzureAD/MSIdentityTools consent grant permission table: High, Medium, Low.
    #[serde(rename = "consent-table")]
    ConsentTable,
}

impl LensSource {
    /// Every source, in the order lenses are listed.
    pub const ALL: [LensSource; 4] = [
        LensSource::AzurePrivilegedIam,
        LensSource::EntraOps,
        LensSource::GraphPrivilegeLevel,
        LensSource::ConsentTable,
    ];

    /// The id used in `data/lenses.json` and in JSON output.
    pub fn id(self) -> &'static str {
        match self {
            LensSource::AzurePrivilegedIam => "azure-privileged-iam",
            LensSource::EntraOps => "entraops",
            LensSource::GraphPrivilegeLevel => "graph-privilege-level",
            LensSource::ConsentTable => "consent-table",
        }
    }

    /// A short name for people: `AzurePrivilegedIAM`, `EntraOps`, `privilegeLevel`,
    /// `Consent table`.
    pub fn name(self) -> &'static str {
        match self {
            LensSource::AzurePrivilegedIam => "AzurePrivilegedIAM",
            LensSource::EntraOps => "EntraOps",
            LensSource::GraphPrivilegeLevel => "privilegeLevel",
            LensSource::ConsentTable => "Consent table",
        }
    }

    /// The source whose id is `id`.
    pub fn from_id(id: &str) -> Option<LensSource> {
        LensSource::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Every class this source gives, as it words them.
    pub fn classes(self) -> &'static [&'static str] {
        match self {
            LensSource::AzurePrivilegedIam | LensSource::EntraOps => &["ControlPlane", "ManagementPlane", "UserAccess"],
            LensSource::GraphPrivilegeLevel => &["1", "2", "3", "4", "5"],
            LensSource::ConsentTable => &["High", "Medium", "Low"],
        }
    }

    /// The levels of ours that agree with `class` (lowest first), or `None` for a
    /// class this source does not use.
    ///
    /// The ranges are the README's: control plane → high or critical, management
    /// plane → medium or high, user access → low or medium; `privilegeLevel` 4 →
    /// high or critical, 3 → medium or high, 2 → low or medium, 1 → low; consent
    /// table High → high or critical, Medium → medium, Low → low. Microsoft defines
    /// `privilegeLevel` 5 as the most privileged, above 4: only critical agrees with
    /// it, as only low agrees with 1 (no permission carries 5 today).
    pub fn accepted(self, class: &str) -> Option<&'static [RiskLevel]> {
        use RiskLevel::{Critical, High, Low, Medium};
        let levels: &'static [RiskLevel] = match (self, class) {
            (LensSource::AzurePrivilegedIam | LensSource::EntraOps, "ControlPlane") => &[High, Critical],
            (LensSource::AzurePrivilegedIam | LensSource::EntraOps, "ManagementPlane") => &[Medium, High],
            (LensSource::AzurePrivilegedIam | LensSource::EntraOps, "UserAccess") => &[Low, Medium],
            (LensSource::GraphPrivilegeLevel, "1") => &[Low],
            (LensSource::GraphPrivilegeLevel, "2") => &[Low, Medium],
            (LensSource::GraphPrivilegeLevel, "3") => &[Medium, High],
            (LensSource::GraphPrivilegeLevel, "4") => &[High, Critical],
            (LensSource::GraphPrivilegeLevel, "5") => &[Critical],
            (LensSource::ConsentTable, "High") => &[High, Critical],
            (LensSource::ConsentTable, "Medium") => &[Medium],
            (LensSource::ConsentTable, "Low") => &[Low],
            _ => return None,
        };
        Some(levels)
    }

    /// `class` in words for people, after the source's [`name`](Self::name):
    /// `Control plane`, `4 of 5` (privilegeLevel), `High`.
    pub fn class_label(self, class: &str) -> String {
        match class {
            "ControlPlane" => "Control plane".to_string(),
            "ManagementPlane" => "Management plane".to_string(),
            "UserAccess" => "User access".to_string(),
            _ if self == LensSource::GraphPrivilegeLevel => format!("{class} of 5"),
            _ => class.to_string(),
        }
    }
}

impl fmt::Display for LensSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How permscope's level compares with a lens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Agreement {
    /// Our level lies in the range the class suggests.
    #[serde(rename = "agrees")]
    Agrees,
    /// Our level is above that range.
    #[serde(rename = "higher")]
    WeRateHigher,
    /// Our level is below that range.
    #[serde(rename = "lower")]
    WeRateLower,
}

impl Agreement {
    /// `agrees`, `higher` or `lower`, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Agreement::Agrees => "agrees",
            Agreement::WeRateHigher => "higher",
            Agreement::WeRateLower => "lower",
        }
    }
}

impl fmt::Display for Agreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one published source says about one permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lens {
    /// Who says it.
    pub source: LensSource,
    /// The class as the source words it: `ControlPlane`, `4`, `High`.
    pub class: String,
    /// The source's category (AzurePrivilegedIAM `Category`, EntraOps `Service`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<String>,
    /// Consent table only: the row matched this part of the name before the first
    /// dot (`Mail` for `Mail.Read`), not the whole name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

impl Lens {
    /// Our levels that agree with this lens, lowest first (empty only for a class
    /// the source does not use, which loading refuses).
    pub fn accepted(&self) -> &'static [RiskLevel] {
        self.source.accepted(&self.class).unwrap_or(&[])
    }

    /// How `level` (ours) compares with this lens; `None` when there is nothing to
    /// compare: our level is unknown (an empty claim).
    pub fn agrees(&self, level: RiskLevel) -> Option<Agreement> {
        let accepted = self.accepted();
        let (Some(&lowest), Some(&highest)) = (accepted.first(), accepted.last()) else {
            return None;
        };
        if level == RiskLevel::Unknown {
            None
        } else if level < lowest {
            Some(Agreement::WeRateLower)
        } else if level > highest {
            Some(Agreement::WeRateHigher)
        } else {
            Some(Agreement::Agrees)
        }
    }

    /// The class in words for people: `Control plane`, `4 of 5`, `High`.
    pub fn label(&self) -> String {
        self.source.class_label(&self.class)
    }

    /// What permscope prints for this lens beside `level` (ours).
    pub fn verdict(&self, level: RiskLevel) -> LensVerdict<'_> {
        LensVerdict {
            source: self.source,
            class: &self.class,
            agrees: self.agrees(level),
            kind: None,
            why: None,
        }
    }

    /// [`Lens::verdict`] as a JSON value:
    /// `{"source": "entraops", "class": "ControlPlane", "agrees": "lower"}`
    /// (`agrees` is `null` when our level is unknown).
    pub fn to_json(&self, level: RiskLevel) -> serde_json::Value {
        serde_json::json!({
            "source": self.source.id(),
            "class": self.class,
            "agrees": self.agrees(level).map(Agreement::as_str),
        })
    }
}

/// A lens compared with our level, as permscope prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LensVerdict<'a> {
    /// Who says it.
    pub source: LensSource,
    /// The class as the source words it.
    pub class: &'a str,
    /// `agrees`, `higher` or `lower`; `null` when our level is unknown.
    pub agrees: Option<Agreement>,
    /// The kind of disagreement (from `data/lens-kinds.json`), when one fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
    /// Why permscope rates differently, in one sentence, when a kind fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<&'a str>,
}

/// Where a source's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    /// Which source this is.
    pub id: LensSource,
    /// What the source is, in a line.
    #[serde(deserialize_with = "text::checked")]
    pub title: String,
    /// Upstream GitHub repository, `owner/name`.
    #[serde(deserialize_with = "text::checked")]
    pub repository: String,
    /// Path of the file in the upstream repository.
    #[serde(deserialize_with = "text::checked")]
    pub path: String,
    /// The upstream licence, e.g. `MIT`.
    #[serde(deserialize_with = "text::checked")]
    pub licence: String,
    /// `YYYY-MM-DD`.
    #[serde(deserialize_with = "text::checked")]
    pub taken: String,
    /// What `taken` is.
    pub taken_from: TakenFrom,
    /// How permscope reads the source.
    #[serde(deserialize_with = "text::checked")]
    pub reading: String,
    /// How many lenses come from this source.
    pub lenses: usize,
}

/// What a source's `taken` date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TakenFrom {
    /// The modification date of the file in the reference folder (when the copy was made).
    #[serde(rename = "file modification date")]
    FileModificationDate,
    /// The date the generator ran.
    #[serde(rename = "generation date")]
    GenerationDate,
}

/// An error about the value at `path` of valid JSON text.
fn error_at(text: &str, origin: &str, path: &[Step<'static>], message: String) -> ReadError {
    Fault::new(path.to_vec(), message).locate(text, origin)
}

// ---- data/lenses.json (see data/lenses.schema.json) ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LensesFile {
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    #[serde(default, rename = "$comment")]
    _comment: Option<String>,
    #[serde(rename = "version")]
    _version: Version,
    sources: Vec<SourceInfo>,
    permissions: Vec<PermissionDoc>,
}

/// The format version; only 1 is read.
#[derive(Debug)]
struct Version;

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u64::deserialize(d)? {
            1 => Ok(Version),
            n => Err(serde::de::Error::custom(format!(
                "version {n} is not one this permscope reads (it reads version 1)"
            ))),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionDoc {
    #[serde(deserialize_with = "text::checked")]
    api: String,
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(deserialize_with = "text::checked")]
    permission: String,
    lenses: Vec<LensDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "RawLens")]
struct LensDoc(Lens);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLens {
    source: LensSource,
    #[serde(deserialize_with = "text::checked")]
    class: String,
    #[serde(default, deserialize_with = "text::checked_vec")]
    category: Vec<String>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    prefix: Option<String>,
}

impl TryFrom<RawLens> for LensDoc {
    type Error = String;

    fn try_from(raw: RawLens) -> Result<Self, String> {
        if raw.source.accepted(&raw.class).is_none() {
            return Err(format!(
                "{} does not use the class {:?} (it uses {})",
                raw.source,
                raw.class,
                raw.source.classes().join(", ")
            ));
        }
        if raw.prefix.is_some() && raw.source != LensSource::ConsentTable {
            return Err(format!(
                "prefix belongs to consent-table lenses only, not {}",
                raw.source
            ));
        }
        Ok(LensDoc(Lens {
            source: raw.source,
            class: raw.class,
            category: raw.category,
            prefix: raw.prefix,
        }))
    }
}

/// The lenses of one permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionLenses {
    /// Canonical resource name: "Microsoft Graph", "Office 365 Exchange Online"...
    pub api: String,
    /// Application or delegated.
    pub kind: PermissionKind,
    /// The claim as the sources spell it.
    pub permission: String,
    /// What each source says, in [`LensSource::ALL`] order.
    pub lenses: Vec<Lens>,
}

/// Every lens permscope knows, keyed on resource, kind and permission.
#[derive(Debug, Clone, Default)]
pub struct Lenses {
    sources: Vec<SourceInfo>,
    entries: Vec<PermissionLenses>,
    by_key: HashMap<(String, PermissionKind, String), usize>,
}

/// The key of a permission: resource compared ignoring case and surrounding spaces,
/// claim compared exactly (after trimming), as the catalogs spell it.
fn key(api: &str, kind: PermissionKind, permission: &str) -> (String, PermissionKind, String) {
    (api.trim().to_ascii_lowercase(), kind, permission.trim().to_string())
}

impl Lenses {
    /// The lenses shipped in `data/lenses.json`, parsed on first use.
    pub fn bundled() -> &'static Lenses {
        static BUNDLED: OnceLock<Lenses> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            Lenses::from_json(include_str!("../../data/lenses.json"), "data/lenses.json")
                .expect("bundled data/lenses.json is valid (tested)")
        })
    }

    /// Parses and checks a lenses file (the format of `data/lenses.json`).
    pub fn from_json(text: &str, origin: &str) -> Result<Lenses, ReadError> {
        let file: LensesFile = json::parse(text, origin)?;
        let mut lenses = Lenses::default();
        let mut counts: HashMap<LensSource, usize> = HashMap::new();
        for (i, source) in file.sources.iter().enumerate() {
            if counts.insert(source.id, 0).is_some() {
                return Err(error_at(
                    text,
                    origin,
                    &[Step::key("sources"), Step::Index(i), Step::key("id")],
                    format!("source {} is listed twice", source.id),
                ));
            }
        }
        for (i, doc) in file.permissions.into_iter().enumerate() {
            let at = |rest: &[Step<'static>]| {
                let mut path = vec![Step::key("permissions"), Step::Index(i)];
                path.extend_from_slice(rest);
                path
            };
            if doc.api.trim().is_empty() || doc.permission.trim().is_empty() {
                return Err(error_at(
                    text,
                    origin,
                    &at(&[]),
                    "api and permission must not be empty".into(),
                ));
            }
            if doc.lenses.is_empty() {
                return Err(error_at(text, origin, &at(&[Step::key("lenses")]), "no lenses".into()));
            }
            let mut seen = HashSet::new();
            for (j, lens) in doc.lenses.iter().enumerate() {
                let Some(count) = counts.get_mut(&lens.0.source) else {
                    return Err(error_at(
                        text,
                        origin,
                        &at(&[Step::key("lenses"), Step::Index(j), Step::key("source")]),
                        format!("source {} is not listed in sources", lens.0.source),
                    ));
                };
                *count += 1;
                if !seen.insert((lens.0.source, lens.0.class.as_str())) {
                    return Err(error_at(
                        text,
                        origin,
                        &at(&[Step::key("lenses"), Step::Index(j)]),
                        format!("{} {} is given twice", lens.0.source, lens.0.class),
                    ));
                }
            }
            let k = key(&doc.api, doc.kind, &doc.permission);
            if lenses.by_key.insert(k, lenses.entries.len()).is_some() {
                return Err(error_at(
                    text,
                    origin,
                    &at(&[Step::key("permission")]),
                    format!("{} ({}, {}) appears twice", doc.permission, doc.kind, doc.api),
                ));
            }
            let mut list: Vec<Lens> = doc.lenses.into_iter().map(|l| l.0).collect();
            list.sort_by_key(|l| l.source);
            lenses.entries.push(PermissionLenses {
                api: doc.api.trim().to_string(),
                kind: doc.kind,
                permission: doc.permission.trim().to_string(),
                lenses: list,
            });
        }
        for (i, source) in file.sources.iter().enumerate() {
            let found = counts.get(&source.id).copied().unwrap_or(0);
            if found != source.lenses {
                return Err(error_at(
                    text,
                    origin,
                    &[Step::key("sources"), Step::Index(i), Step::key("lenses")],
                    format!("says {} lenses, but permissions hold {found}", source.lenses),
                ));
            }
        }
        lenses.sources = file.sources;
        Ok(lenses)
    }

    /// What the sources say about `permission` of `kind` on the resource `api`
    /// (canonical name, compared ignoring case); empty when no source classifies it.
    pub fn get(&self, api: &str, kind: PermissionKind, permission: &str) -> &[Lens] {
        self.by_key
            .get(&key(api, kind, permission))
            .map_or(&[], |&i| self.entries[i].lenses.as_slice())
    }

    /// Where the lenses come from.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    /// The description of one source, if this file lists it.
    pub fn source(&self, id: LensSource) -> Option<&SourceInfo> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Every classified permission, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &PermissionLenses> {
        self.entries.iter()
    }

    /// Number of classified permissions.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no permission is classified.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What the bundled sources say about `permission` of `kind` on `api` (canonical
/// resource name, e.g. "Microsoft Graph").
pub fn lenses_for(api: &str, kind: PermissionKind, permission: &str) -> Vec<Lens> {
    Lenses::bundled().get(api, kind, permission).to_vec()
}

/// Every bundled lens of a permission compared with `level` (ours), each with the
/// kind of disagreement and its reason when one of the bundled kinds fits.
pub fn lens_verdicts(api: &str, kind: PermissionKind, permission: &str, level: RiskLevel) -> Vec<LensVerdict<'static>> {
    let kinds = LensKinds::bundled();
    Lenses::bundled()
        .get(api, kind, permission)
        .iter()
        .map(|lens| {
            let mut verdict = lens.verdict(level);
            if let Some(found) = kinds.explain(api, kind, permission, lens, level) {
                verdict.kind = Some(&found.id);
                verdict.why = Some(&found.why);
            }
            verdict
        })
        .collect()
}

// ---- data/lens-kinds.json (see data/lens-kinds.schema.json) ----

/// A kind of disagreement between permscope and a published classification: which
/// disagreements it covers and why permscope rates as it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisagreementKind {
    /// Stable id, e.g. `delegated`, `destroys-workload-data`.
    pub id: String,
    /// Which way permscope differs: [`Agreement::WeRateHigher`] or [`Agreement::WeRateLower`].
    pub direction: Agreement,
    /// A short title, as in the README's list.
    pub title: String,
    /// One sentence a reviewer can read beside the lens: why permscope differs.
    pub why: String,
    matcher: KindMatch,
}

/// Which disagreements a kind covers; an empty list matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct KindMatch {
    sources: Vec<LensSource>,
    kinds: Vec<PermissionKind>,
    apis: Vec<String>,
    classes: Vec<String>,
    names: Vec<String>,
    except: Vec<String>,
}

impl DisagreementKind {
    /// True when this kind covers `lens` on `permission` of `kind` on `api`, given
    /// that permscope's level differs from it in `direction`.
    pub fn covers(&self, api: &str, kind: PermissionKind, permission: &str, lens: &Lens, direction: Agreement) -> bool {
        let m = &self.matcher;
        let name = permission.trim();
        direction == self.direction
            && (m.sources.is_empty() || m.sources.contains(&lens.source))
            && (m.kinds.is_empty() || m.kinds.contains(&kind))
            && (m.apis.is_empty() || m.apis.iter().any(|a| glob(a, api.trim())))
            && (m.classes.is_empty() || m.classes.contains(&lens.class))
            && (m.names.is_empty() || m.names.iter().any(|p| glob(p, name)))
            && !m.except.iter().any(|p| glob(p, name))
    }

    /// True when this kind could cover some permission named `permission` (its
    /// name patterns alone), whatever the levels: used to check that every
    /// pattern names something real.
    pub fn names_match(&self, permission: &str) -> bool {
        self.matcher.names.iter().any(|p| glob(p, permission.trim()))
    }

    /// The name patterns, as written.
    pub fn names(&self) -> &[String] {
        &self.matcher.names
    }
}

/// `*` matches any run of characters (also none); letters are compared ignoring
/// ASCII case, as Entra ID compares permission names.
fn glob(pattern: &str, name: &str) -> bool {
    crate::model::claim::NamePattern::new(pattern).matches(name)
}

/// The kinds of disagreement, tried in order.
#[derive(Debug, Clone, Default)]
pub struct LensKinds {
    kinds: Vec<DisagreementKind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindsFile {
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    #[serde(default, rename = "description", deserialize_with = "text::checked_opt")]
    _description: Option<String>,
    #[serde(rename = "version")]
    _version: Version,
    kinds: Vec<KindDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindDoc {
    #[serde(deserialize_with = "text::checked")]
    id: String,
    direction: Direction,
    #[serde(deserialize_with = "text::checked")]
    title: String,
    #[serde(rename = "match")]
    matcher: MatchDoc,
    #[serde(deserialize_with = "text::checked")]
    why: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Direction {
    Higher,
    Lower,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchDoc {
    #[serde(default)]
    sources: Vec<LensSource>,
    #[serde(default, rename = "types")]
    kinds: Vec<PermissionKind>,
    #[serde(default, deserialize_with = "text::checked_vec")]
    apis: Vec<String>,
    #[serde(default, deserialize_with = "text::checked_vec")]
    classes: Vec<String>,
    #[serde(default, deserialize_with = "text::checked_vec")]
    names: Vec<String>,
    #[serde(default, deserialize_with = "text::checked_vec")]
    except: Vec<String>,
}

impl LensKinds {
    /// The kinds shipped in `data/lens-kinds.json`, parsed on first use.
    pub fn bundled() -> &'static LensKinds {
        static BUNDLED: OnceLock<LensKinds> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            LensKinds::from_json(include_str!("../../data/lens-kinds.json"), "data/lens-kinds.json")
                .expect("bundled data/lens-kinds.json is valid (tested)")
        })
    }

    /// Parses and checks a kinds file (the format of `data/lens-kinds.json`).
    pub fn from_json(text: &str, origin: &str) -> Result<LensKinds, ReadError> {
        let file: KindsFile = json::parse(text, origin)?;
        let mut kinds = Vec::new();
        let mut ids = HashSet::new();
        for (i, doc) in file.kinds.into_iter().enumerate() {
            let at = |rest: &[Step<'static>]| {
                let mut path = vec![Step::key("kinds"), Step::Index(i)];
                path.extend_from_slice(rest);
                path
            };
            if !crate::model::read::product::is_slug(&doc.id) {
                return Err(error_at(
                    text,
                    origin,
                    &at(&[Step::key("id")]),
                    format!("{:?} is not an id (lower-case letters, digits and dashes)", doc.id),
                ));
            }
            if !ids.insert(doc.id.clone()) {
                return Err(error_at(
                    text,
                    origin,
                    &at(&[Step::key("id")]),
                    format!("{} is used twice", doc.id),
                ));
            }
            for (field, value) in [("title", &doc.title), ("why", &doc.why)] {
                if value.trim().is_empty() {
                    return Err(error_at(
                        text,
                        origin,
                        &at(&[Step::key(field)]),
                        "must not be empty".into(),
                    ));
                }
            }
            let m = doc.matcher;
            for (j, class) in m.classes.iter().enumerate() {
                let sources: &[LensSource] = if m.sources.is_empty() {
                    &LensSource::ALL
                } else {
                    &m.sources
                };
                if !sources.iter().any(|s| s.accepted(class).is_some()) {
                    return Err(error_at(
                        text,
                        origin,
                        &at(&[Step::key("match"), Step::key("classes"), Step::Index(j)]),
                        format!("no source listed here uses the class {class:?}"),
                    ));
                }
            }
            for (field, list) in [("names", &m.names), ("except", &m.except), ("apis", &m.apis)] {
                if let Some(j) = list.iter().position(|p| p.trim().is_empty()) {
                    return Err(error_at(
                        text,
                        origin,
                        &at(&[Step::key("match"), Step::key(field), Step::Index(j)]),
                        "must not be empty".into(),
                    ));
                }
            }
            kinds.push(DisagreementKind {
                id: doc.id,
                direction: match doc.direction {
                    Direction::Higher => Agreement::WeRateHigher,
                    Direction::Lower => Agreement::WeRateLower,
                },
                title: doc.title,
                why: doc.why,
                matcher: KindMatch {
                    sources: m.sources,
                    kinds: m.kinds,
                    apis: m.apis,
                    classes: m.classes,
                    names: m.names,
                    except: m.except,
                },
            });
        }
        Ok(LensKinds { kinds })
    }

    /// Every kind, in the order they are tried.
    pub fn kinds(&self) -> &[DisagreementKind] {
        &self.kinds
    }

    /// The first kind that covers how `level` (ours) differs from `lens` on
    /// `permission` of `kind` on `api`; `None` when they agree, when our level is
    /// unknown, or when no kind fits.
    pub fn explain(
        &self,
        api: &str,
        kind: PermissionKind,
        permission: &str,
        lens: &Lens,
        level: RiskLevel,
    ) -> Option<&DisagreementKind> {
        let direction = lens.agrees(level).filter(|a| *a != Agreement::Agrees)?;
        self.kinds
            .iter()
            .find(|k| k.covers(api, kind, permission, lens, direction))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_read_after_their_source_without_repeating_it() {
        // Shown as `privilegeLevel: 4 of 5`, not `privilegeLevel: privilegeLevel 4`.
        assert_eq!(LensSource::GraphPrivilegeLevel.class_label("4"), "4 of 5");
        assert_eq!(LensSource::EntraOps.class_label("ControlPlane"), "Control plane");
        assert_eq!(LensSource::ConsentTable.class_label("High"), "High");
        for source in LensSource::ALL {
            for class in source.classes() {
                assert!(!source.class_label(class).contains(source.name()), "{source}: {class}");
            }
        }
    }

    #[test]
    fn glob_matches_like_the_risk_rules() {
        assert!(glob("Mail.*", "Mail.Read"));
        assert!(glob("mail.*", "Mail.ReadWrite"));
        assert!(!glob("Mail.*", "MailboxSettings.Read"));
        assert!(glob("*.Selected", "Files.SelectedOperations.Selected"));
        assert!(glob("BackupRestore-*.Read.All", "BackupRestore-Control.Read.All"));
        assert!(!glob("BackupRestore-*.Read.All", "BackupRestore-Control.ReadWrite.All"));
        assert!(glob("*", ""));
        assert!(glob("vso.code_write", "vso.code_write"));
        assert!(!glob("vso.code", "vso.code_write"));
        assert!(glob("a*b*c", "aXbYbZc"));
        assert!(!glob("a*b*c", "aXbYbZ"));
    }
}
